/* SPDX-License-Identifier: LGPL-2.1-only */
/* The reverse direction: xl.cfg text or a libxl domain config -> the qvm model and qvmconf text. */
#ifndef XLATE_REVERSE_H
#define XLATE_REVERSE_H

#include <stddef.h>
#include <stdio.h>
#include <libxl.h>

#include "conf/doc.h"
#include "xlate/target.h"
#include "xlcfg/xlcfg.h"

/*
 * xl.cfg -> libxl_domain_config (xlcfg_read, with xl's default guest type for
 * @arch: pv on x86_64, pvh on aarch64), then every value xlate_reverse would
 * refuse for @arch (its r->refused) is refused too, at the key's place: what
 * this accepts, xlate_reverse turns into qvmconf with the same meaning.
 * Diagnostics go to @d with check names "xlcfg-..." located in the file the
 * user gave (@name:LINE:COL); @keys_r (may be NULL) receives the keys' places.
 * Returns 0, XLATE_ERR_INVAL (the text is not a valid xl.cfg: the caller
 * exits 65, as for any configuration error) or XLATE_ERR_NOMEM.
 */
int xlate_xlcfg_read(const char *name, const char *data, size_t len, enum xlate_arch arch,
                     libxl_domain_config *dc, struct xlcfg_lossy_list *lossy, struct qc_diags *d,
                     struct xlcfg_keymap *keys_r);
/* Whether @dc uses ARM-only settings (gic_version, vuart, dtdev, device_tree,
 * virtio disks): how a caller without --target tells an ARM xl.cfg. */
bool xlate_xlcfg_is_arm(const libxl_domain_config *dc);

/*
 * Result of the reverse translation. The rules build a conf model (conf/build.h),
 * conf's writer prints it and `doc` reads it back (conf's reader, parser and
 * validator), so doc.cfg is exactly what qvm-xl would read; its item locations
 * point into that text (named by xlate_reverse_opts.name), which doc.src owns.
 * A caller may add to doc.src, before xlate_reverse_diags, the text its other
 * diagnostics point into (the xl.cfg: qc_sources_add_text), so that one
 * qc_diags_print(.., &r->doc.src) shows every caret.
 */
struct xlate_reverse {
    struct qc_doc doc;
    char *text;                    /* the built model as conf's writer prints it */
    struct xlcfg_lossy_list lossy; /* in the order found */
    /* Values qvmconf cannot say with the same meaning (a load path qvm would
     * read as ADDRESS,PATH, a control character, RAM beyond 64-bit addresses,
     * an empty affinity ...): KEY and why. Any entry makes xlate_reverse fail. */
    struct xlcfg_lossy_list refused;
};
void xlate_reverse_init(struct xlate_reverse *r);
void xlate_reverse_dispose(struct xlate_reverse *r);

struct xlate_reverse_opts {
    const char *name;                     /* names the generated text in locations ("export") */
    enum xlate_arch arch;                 /* the guest's architecture */
    const struct xlcfg_lossy_list *carry; /* lossy entries from the parser, copied first */
    /* Where the xl.cfg read put each key (xlate_xlcfg_read's @keys_r), or NULL: the
     * diagnostics of a key are located there, else at `name` alone. */
    const struct xlcfg_keymap *where;
};

/*
 * libxl_domain_config -> qvm model, one rule per mapping.def row
 * (xlate/reverse.def). Xen defaults that qvm spells out are written: the
 * RAM layout at Xen's guest addresses, the interrupt controller (ARM vdev
 * gic; x86 HVM ioapic, 8259s, PIT, RTC, keyboard). Whatever has no qvm
 * equivalent is added to r->lossy and is a warning "xlcfg-lossy" in @d. A
 * value that qvmconf cannot carry with its meaning is refused: added to
 * r->refused and an error "xlcfg-refused" (xlate_xlcfg_read reports the same
 * refusals at the key's place, so convert never gets this far with them).
 * Returns 0, XLATE_ERR_NOMEM, or XLATE_ERR_INVAL when a value was refused or
 * the generated text does not parse or validate (a bug: "xlcfg-reverse-bug"
 * and conf's own diagnostics). On success, qvm-xl's reader and validator
 * accept the text.
 */
int xlate_reverse_diags(const libxl_domain_config *dc, const struct xlate_reverse_opts *o,
                        struct xlate_reverse *r, struct qc_diags *d);
/* The qvmconf output: a comment per lossy entry, then qc_write's canonical text. */
void xlate_reverse_write(FILE *out, const struct xlate_reverse *r);

/* Reverse rules, one per mapping.def row they invert (xlate/reverse.def). */
struct xlate_reverse_rule {
    int rule;            /* enum xlate_rule (map-internal.h; its name: xlate_rules[rule].name) */
    const char *xl_keys; /* the xl.cfg keys it reads, space-separated */
};
extern const struct xlate_reverse_rule xlate_reverse_rules[];
extern const size_t xlate_reverse_nrules;

#endif
