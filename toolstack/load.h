/* SPDX-License-Identifier: LGPL-2.1-only */
/* Reading a qvm configuration as the commands do (FILE, words, environment,
 * host description) and translating it for a target. */
#ifndef QX_LOAD_H
#define QX_LOAD_H

#include <stdbool.h>
#include <stdio.h>

#include "toolstack/asinfo.h"
#include "conf/doc.h"
#include "xlate/plan.h"

struct qx_load_opts {
    const char *asinfo; /* host description file; NULL: QX_ASINFO_DEFAULT if it exists */
    enum qc_arch arch;  /* QC_ARCH_ANY: inferred */
    const char *const *disabled, *const *promoted; /* -W/-E check names, or NULL */
    bool prefer_pv; /* --prefer-pv: virtio vdevs as Xen PV devices (xlate_target.prefer_pv) */
};

struct qx_load {
    struct qc_doc doc;
    struct qx_asinfo asinfo;
    struct qc_subst subst; /* $env{} and $asinfo_*{} (from asinfo) for the doc's reads */
    struct xlate_plan plan;
    char *staged[2]; /* the files qx_load_stage wrote, for qx_load_unstage */
    bool prefer_pv;  /* from qx_load_opts, applied to every target translated for */
};

void qx_load_init(struct qx_load *l);
void qx_load_dispose(struct qx_load *l);

/* qx_load_read's answer when FILE or the --asinfo file cannot be read at
 * all (an I/O error, exit 1; the message, naming the file, is on @err). */
#define QX_LOAD_EIO (-2)

/* FILE "-" is standard input, whose diagnostics name it "<stdin>". */
#define QX_STDIN_NAME "<stdin>"
/* The name diagnostics give FILE. */
const char *qx_load_name(const char *file);

/* Reads FILE (as qvm reads "@FILE"; "-": standard input) and the words
 * after it, parses and validates. Diagnostics stay in l->doc.d (the caller
 * prints them). Returns 0; -1 on a configuration error (a bad host
 * description file included; its message goes to @err); QX_LOAD_EIO when
 * FILE, or the --asinfo file, is missing, unreadable or not a regular file. */
int qx_load_read(struct qx_load *l, const char *file, int nwords, char *const *words,
                 const struct qx_load_opts *o, FILE *err);

/* Translates l->doc.cfg for @t into l->plan; errors go to l->doc.d. Returns 0 or -1. */
int qx_load_translate(struct qx_load *l, const struct xlate_target *t);

/*
 * The files the configuration names, after qx_load_translate: with @files,
 * every load item's file must be a readable regular file (error
 * "load-unreadable" at the item; @hint, when not NULL, is a note on the
 * first); then the kernel's format (kernel.h), when the file can be read.
 * Returns 0, or -1 when it added an error.
 */
int qx_load_files(struct qx_load *l, const struct xlate_target *t, bool files, const char *hint);

/*
 * Writes the files the translation generated and makes the configuration name them, as
 * `create` must before it builds (and `convert` may, into its output's directory):
 * QX_STAGE_KERNEL: an image qvm-xl wraps (l->plan.wrap: a raw binary, QNX IFS or ELF behind
 * an arm64 Image header, or on x86 HVM a Multiboot 1 header; toolstack/image.h) as DIR/NAME.kernel for kernel=;
 * QX_STAGE_DTB: the generated device tree as DIR/NAME.dtb for device_tree=.
 * @dir NULL: $QVMXL_RUNDIR, else QX_RUNDIR_DEFAULT (created when missing).
 * Returns 0, or -1 with a message naming the file on @err.
 */
#define QX_STAGE_KERNEL 1u
#define QX_STAGE_DTB    2u
int qx_load_stage(struct qx_load *l, const char *dir, unsigned what, FILE *err);

/* Removes the files qx_load_stage wrote: `create` calls it once libxl has built the domain
 * from them (or failed to), since no action restarts a domain from its files (every
 * on_* action destroys; xlate/plan.c). */
void qx_load_unstage(struct qx_load *l);

/* What `create -n` checks before it would build: qx_load_translate, then qx_load_files (with
 * @files). @offline: the machine is not (known to be) the VM's host, and the hint on a missing
 * file says so. Returns 0, or -1 when either added an error. */
int qx_load_prepare(struct qx_load *l, const struct xlate_target *t, bool files, bool offline);

/* The diagnostics gcc-style on @out: all of them, or only the errors when
 * @verbosity < 0 (-q). qx_load_print prints those of @l. */
void qx_diags_print_v(FILE *out, const struct qc_diags *d, const struct qc_sources *src,
                      int verbosity);
void qx_load_print(const struct qx_load *l, FILE *out, int verbosity);

/* "ARCH[,CAPS]" (e.g. "x86_64,-ioreq") over Xen 4.17's defaults for ARCH.
 * Returns 0, or -1 with a message on @err: the valid names, and the one
 * meant when ARCH is another distribution's spelling (arm64, amd64). */
int qx_target_parse(struct xlate_target *t, const char *spec, FILE *err);

/* The language's architecture for a target (what --target sets for the parser). */
enum qc_arch qx_target_qc_arch(const struct xlate_target *t);

/* The default offline target: the configuration's arch, else this build's. */
void qx_target_for(struct xlate_target *t, const struct qc_config *cfg);

/* qx_target_for, plus, when nothing in the configuration tells its
 * architecture, the note "arch-assumed" in l->doc.d at FILE (unless -W
 * no-arch-assumed): which one was assumed and that --target chooses. */
void qx_load_default_target(struct qx_load *l, struct xlate_target *t, const char *file);

#endif
