/* SPDX-License-Identifier: LGPL-2.1-only */
/* The option schema as C data: enums and tables generated from schema.def,
 * with lookup and iteration functions for the parser, checks, writer,
 * `check --explain` and the man page generator. */
#ifndef QVMCONF_SCHEMA_H
#define QVMCONF_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum qc_ctx { QC_CTX_GLOBAL, QC_CTX_OPEN, QC_CTX_CPU, QC_CTX_VDEV, QC_CTX_PASS, QC_CTX_RESERVE };
enum qc_grammar {
    QC_G_NONE,
    QC_G_WORD,
    QC_G_NUMS,
    QC_G_NUM,
    QC_G_CPUS,
    QC_G_DELAY,
    QC_G_MEMSPEC,
    QC_G_LOADSPEC,
    QC_G_LOC,
    QC_G_INTR,
    QC_G_SCHED,
    QC_G_SET,
    QC_G_LOG,
    QC_G_UNSUP,
    QC_G_CREATE,
    QC_G_OPTWORD,
    QC_G_VDEVTYPE,
    QC_G_COUNT
};
enum qc_repeat { QC_R_LAST, QC_R_MULTI };
/* Architecture bits of schema rows: QC_AR_ANY = both. */
enum qc_arch_mask { QC_AR_ANY = 3, QC_AR_X86 = 1, QC_AR_ARM = 2 };
enum qc_settype { QC_ST_BOOL, QC_ST_TRISTATE, QC_ST_NUMBER, QC_ST_ADDR, QC_ST_STRING };

enum qc_opt_id {
#define QC_OPT(ID, ...) QC_OPT_##ID,
#include "conf/schema.def"
    QC_OPT_COUNT
};
enum qc_vopt {
#define QC_VOPT(ID, ...) QC_VOPT_##ID,
#include "conf/schema.def"
    QC_VOPT_COUNT
};
enum qc_vdev_type {
#define QC_VDEV(ID, ...) QC_VDEV_##ID,
#include "conf/schema.def"
    QC_VDEV_COUNT
};
enum qc_setvar_id {
#define QC_SETVAR(ID, ...) QC_SETVAR_##ID,
#include "conf/schema.def"
    QC_SETVAR_COUNT
};
enum qc_blob {
#define QC_BLOB(ID, ...) QC_BLOB_##ID,
#include "conf/schema.def"
    QC_BLOB_COUNT
};

#define VO(ID) (UINT64_C(1) << QC_VOPT_##ID)
/* Options every vdev accepts (spec 3.1; hostvector only matters on PICs). */
#define QC_VO_COMMON (VO(LOC) | VO(INTR) | VO(NAME) | VO(LOG))

enum qc_vdev_flags {
    QC_VF_PIC = 1u << 0,
    QC_VF_IMPLICIT = 1u << 1,
    QC_VF_PCI = 1u << 2,
    QC_VF_NEEDLOC = 1u << 3,
    QC_VF_NEEDINTR = 1u << 4,
};

/* One row of each table. `fields` is grammar data (choices, roles, filter
 * words); `args` the synopsis shown in help. */
struct qc_opt_desc {
    const char *name;
    enum qc_ctx ctx;
    enum qc_grammar grammar;
    const char *fields;
    enum qc_repeat repeat;
    unsigned arch;
    const char *args;
    const char *help;
};
struct qc_vdev_desc {
    const char *name;
    unsigned arch;
    unsigned flags;
    int space;       /* enum qc_space of a bare loc */
    uint64_t defloc; /* address in `space` when loc is omitted; 0: no default */
    uint64_t opts;   /* accepted options beyond QC_VO_COMMON */
    uint64_t accum;  /* options that accumulate on this type though LAST in general */
    const char *help;
};
struct qc_setvar_desc {
    const char *name;
    unsigned arch;
    enum qc_ctx ctx;
    enum qc_settype type;
    const char *help;
};
struct qc_blob_desc {
    const char *name;
    unsigned arch;
    const char *help;
};

extern const struct qc_opt_desc qc_opts[QC_OPT_COUNT];
extern const struct qc_opt_desc qc_vopts[QC_VOPT_COUNT]; /* ctx = QC_CTX_VDEV */
extern const struct qc_vdev_desc qc_vdevs[QC_VDEV_COUNT];
extern const struct qc_setvar_desc qc_setvars[QC_SETVAR_COUNT];
extern const struct qc_blob_desc qc_blobs[QC_BLOB_COUNT];

/* Lookups by name; -1 when unknown. qc_opt_lookup searches one context
 * (QC_CTX_GLOBAL also finds QC_CTX_OPEN keywords). */
int qc_opt_lookup(const char *name, size_t len, enum qc_ctx ctx);
int qc_vopt_lookup(const char *name, size_t len);
/* Accepts "NAME", "vdev-NAME", "vdev-NAME.so" and "vdev-NAME-safety.so". */
int qc_vdev_lookup(const char *name, size_t len);
/* The bare type name of any of those spellings (malloc'd), NULL on OOM. */
char *qc_vdev_bare_name(const char *name, size_t len);
/* A spelling of a bare type name that reads back as that name: the name itself, or
 * "vdev-NAME.so" when the name starts with "vdev-" (malloc'd), NULL on OOM. */
char *qc_vdev_spelling(const char *bare_name);
int qc_setvar_lookup(const char *name, size_t len);
int qc_blob_lookup(const char *name, size_t len);

/* Whether vdev `type` accepts option `vopt`, and how repeats combine. */
bool qc_vdev_accepts(int type, enum qc_vopt vopt);
enum qc_repeat qc_vdev_repeat(int type, enum qc_vopt vopt);

/* Is `word` a keyword anywhere (global, context, sub-option or blob)? */
bool qc_is_keyword(const char *word, size_t len);

/* The i-th word of a comma list (filters, choices "a|b"); -1 when absent. */
int qc_list_index(const char *list, char sep, const char *word, size_t len);

const char *qc_ctx_name(enum qc_ctx c);
const char *qc_arch_mask_name(unsigned arch);

#endif
