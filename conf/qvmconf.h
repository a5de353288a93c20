/* SPDX-License-Identifier: LGPL-2.1-only */
/* The qvmconf language library: the model of one VM configuration, the
 * parser that builds it from words, the validator and the canonical writer.
 *
 * Project decisions where the QNX documentation is silent:
 * - A repeated last-wins option keeps the last value and warns
 *   "option-overridden" with a note at the earlier one (-W no-option-overridden).
 * - Accumulating options: as in schema.def (MULTI, and the per-vdev ACCUM
 *   mask); pass/reserve loc and intr accumulate; shmem gid/umask too,
 *   because each affects only the create options after it.
 * - cpu sched sporadic form: "HI,LO,MAX_REPL,PERIOD,BUDGETs" (the policy
 *   letter attached, like "10f"); "... BUDGET s" as two words is accepted.
 * - `debug [WORD]`: WORD is taken when it is in the same source and no keyword.
 * - `set`: a known variable of global context is global wherever written;
 *   other variables (unknown ones too) belong to the current cpu/vdev.
 * - A PIC is referenced by its `name`, else by its type name ("ioapic");
 *   on aarch64 (or an unknown arch) "gic" resolves unless a gic vdev is renamed.
 * - "arg-missing" is reported at the option; when the next word exists but
 *   comes from another source, a note points at it.
 * - Overlaps and duplicate interrupt lines are warnings (spec 5.3/7.12);
 *   pass memory alignment (4 KiB pages) and m-with-d are errors.
 * - Modes such as bind-mode and umask stay words (they are octal-looking). */
#ifndef QVMCONF_H
#define QVMCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf/diag.h"
#include "conf/num.h"
#include "conf/source.h"
#include "conf/schema.h"

/* Every item keeps `loc` (where its keyword was) and `seq` (index of that
 * word in the input), because order matters in qvm (spec 1.6) and file
 * locations of different sources do not compare. Equality ignores both.
 * Every array is in seq order: a last-wins item kept in an array (unsupported,
 * set, vdev options) moves to its last occurrence, so the writer, which
 * prints by seq, and equality, which compares arrays in order, agree. */

/* Architecture. Rule: an explicit target (qc_parse_opts.arch) wins; else the
 * first arch-specific item (vdev type, blob type, io: location, set
 * variable) decides, and cfg->arch_loc points at it; else QC_ARCH_ANY. */
enum qc_arch {
    QC_ARCH_ANY = 0,
    QC_ARCH_X86 = 1, /* x86_64 */
    QC_ARCH_ARM = 2, /* aarch64 */
};
const char *qc_arch_name(enum qc_arch a);

enum qc_space {
    QC_SPACE_NONE = 0, /* unset */
    QC_SPACE_MEM,
    QC_SPACE_IO,
    QC_SPACE_PCI_BDF,
    QC_SPACE_PCI_ID,
};

/* One end of a location: an address in mem/io space, or a PCI function. */
struct qc_place {
    enum qc_space space;
    bool space_explicit;     /* written with a prefix (mem:, io:, pci:) */
    uint64_t addr;           /* MEM, IO */
    uint32_t bus, dev, func; /* PCI_BDF */
    bool has_func;
    uint32_t vid, did, idx; /* PCI_ID */
    bool has_idx;
};

/* Attribute letters of a pass loc, as bits (QC_ATTR_BIT('r') ...). */
#define QC_ATTR_LETTERS "rwxcemdnst"
/* `loc` of a vdev, pass or reserve. */
struct qc_locspec {
    struct qc_place guest;
    bool has_len;
    uint64_t len;
    char *attrs; /* attribute string as written ("rw", "+rwn-x"), NULL when none */
    bool has_host;
    struct qc_place host; /* "=host" */
    struct qc_loc loc;
    size_t seq;
};

enum qc_intr_kind {
    QC_INTR_PIC = 0, /* NAME:LINE */
    QC_INTR_APIC,    /* x86 "apic": straight to the LAPIC */
    QC_INTR_NUM,     /* bare number (reserve intr) */
};
struct qc_intr {
    enum qc_intr_kind kind;
    char *pic;       /* QC_INTR_PIC */
    uint32_t line;   /* PIC line or bare number */
    char attr;       /* pass: 't', 'u' or 0 */
    bool has_vector; /* pass: "=vector" */
    uint32_t vector;
    struct qc_loc loc;
    size_t seq;
};

/* A typed option value (vdev options other than loc/intr/name). Which fields
 * are used follows the option's grammar in schema.def:
 *   WORD: str; NUMS: nums[0..nnums); DELAY: nums[0] or str "forever";
 *   LOG: nums[0] = filter bits (in the FIELDS order), str2 = destination;
 *   CREATE: str = name, nums[0] = size, str2 = "mode[,gid]" or NULL;
 *   NONE: nothing. */
#define QC_VALUE_MAX_NUMS 8
struct qc_value {
    enum qc_vopt opt;
    char *str;
    char *str2;
    size_t nnums;
    uint64_t nums[QC_VALUE_MAX_NUMS];
    struct qc_loc loc;
    size_t seq;
};

/* A word kept verbatim (options of an unknown vdev type). */
struct qc_rawword {
    char *text;
    struct qc_loc loc;
};

struct qc_region {
    bool rom;
    bool has_start; /* false: placed after the highest RAM/ROM so far */
    uint64_t start;
    uint64_t size;
    struct qc_loc loc;
    size_t seq;
};

struct qc_load {
    int blob; /* enum qc_blob, or -1 for none */
    bool has_addr;
    uint64_t addr;
    char *path;
    struct qc_loc loc;
    size_t seq;
};

enum qc_sched_policy {
    QC_SCHED_RR = 'r',
    QC_SCHED_FIFO = 'f',
    QC_SCHED_OTHER = 'o',
    QC_SCHED_SPORADIC = 's',
};
struct qc_sched {
    bool set;
    uint32_t prio; /* sporadic: high (7.x) / normal (8.0) priority */
    enum qc_sched_policy policy;
    bool policy_explicit; /* letter written ("8r" vs "8") */
    uint32_t low_prio;    /* sporadic only */
    uint32_t max_repl;
    uint64_t repl_period;
    uint64_t init_budget;
    struct qc_loc loc;
};

struct qc_cpu {
    bool has_runmask;
    uint64_t runmask; /* bit N = physical CPU N (0..63) */
    struct qc_loc runmask_loc;
    char *partition;
    struct qc_loc partition_loc;
    char *cluster;
    struct qc_loc cluster_loc;
    struct qc_sched sched;
    struct qc_loc loc;
    size_t seq;
};

struct qc_vdev {
    int type;        /* enum qc_vdev_type, or -1 for an unknown type */
    char *type_name; /* bare type name ("pl011", "my-dev"), always set */
    char *name;      /* `name`, NULL when unset */
    struct qc_loc name_loc;
    bool has_loc;
    struct qc_locspec locspec;
    struct qc_intr *intrs; /* several only where intr accumulates (hpet) or in a list */
    size_t nintrs;
    struct qc_value *values;
    size_t nvalues;
    struct qc_rawword *raw; /* unknown type: its words verbatim */
    size_t nraw;
    struct qc_loc loc;
    size_t seq;
    bool damaged; /* an option of it was refused: checks of its place and intr keep quiet */
};

struct qc_pass {
    int blob; /* enum qc_blob, or -1 */
    struct qc_locspec *locs;
    size_t nlocs;
    struct qc_intr *intrs;
    size_t nintrs;
    struct qc_loc loc;
    size_t seq;
};

struct qc_reserve {
    struct qc_locspec *locs;
    size_t nlocs;
    struct qc_intr *intrs;
    size_t nintrs;
    struct qc_loc loc;
    size_t seq;
};

enum qc_log_dest { QC_LOG_STDOUT, QC_LOG_STDERR, QC_LOG_SLOG, QC_LOG_NONE };
#define QC_LOG_DESTS "stdout|stderr|slog|none" /* enum qc_log_dest's words, in order */
struct qc_logger {
    unsigned filters; /* bit i = i-th filter word of schema.def's logger FIELDS */
    enum qc_log_dest dest;
    struct qc_loc loc;
    size_t seq;
};

enum qc_set_ctx { QC_SET_GLOBAL, QC_SET_CPU, QC_SET_VDEV };
enum qc_unsup_type { QC_UNSUP_INSTRUCTION, QC_UNSUP_REFERENCE, QC_UNSUP_REGISTER };
enum qc_unsup_action { QC_UNSUP_ABORT, QC_UNSUP_FAIL, QC_UNSUP_IGNORE };

/* `set NAME VALUE`. A known variable whose schema context is global is
 * global wherever it is written; others attach to the current cpu/vdev
 * context (global when there is none). Unknown variables are kept. */
struct qc_setvar {
    int var; /* enum qc_setvar_id, or -1 unknown */
    char *name;
    char *value;  /* as written */
    uint64_t num; /* BOOL 0/1, TRISTATE 0 off/1 on/2 auto, NUMBER, ADDR */
    enum qc_set_ctx ctx;
    size_t owner; /* index into cpus/vdevs for CPU/VDEV context */
    struct qc_loc loc;
    size_t seq;
};

struct qc_unsupported {
    enum qc_unsup_type type;
    enum qc_unsup_action action;
    struct qc_loc loc;
    size_t seq;
};

/* A single-instance global option: `set` says whether it was given. */
struct qc_str_opt {
    bool set;
    char *value; /* NULL for options without argument (dryrun, bare debug) */
    struct qc_loc loc;
    size_t seq;
};
struct qc_num_opt {
    bool set;
    uint64_t value;
    struct qc_loc loc;
    size_t seq;
};

enum qc_safety { QC_SAFETY_NONE, QC_SAFETY_WARN, QC_SAFETY_REQUIRED };

/* The single-instance global options kept as a struct qc_str_opt member of
 * struct qc_config, as X(schema.def ID, member), in the order the members are
 * declared. The parser, the writer, dispose and equality expand this list, so
 * such an option is its schema.def row and an entry here. safety's value is
 * "none"|"warn"|"required"; debug is `debug [WORD]` (project decision). */
#define QC_STR_OPTS(X)                                                                             \
    X(SYSTEM, system)                                                                              \
    X(CMDLINE, cmdline)                                                                            \
    X(DUMP, dump)                                                                                  \
    X(SAFETY, safety)                                                                              \
    X(DRYRUN, dryrun)                                                                              \
    X(DEBUG, debug)

struct qc_config {
    enum qc_arch arch;
    bool arch_explicit;     /* given by the caller */
    struct qc_loc arch_loc; /* item that decided an inferred arch */
    /* seq of the first ram/rom whose argument was refused (SIZE_MAX: none): the checks that
     * depend on memory do not report what that error already explains. */
    size_t bad_region_seq;
#define QC_STR_OPT_MEMBER(ID, member) struct qc_str_opt member;
    QC_STR_OPTS(QC_STR_OPT_MEMBER)
#undef QC_STR_OPT_MEMBER
    struct qc_num_opt tolerance;
#define QC_ARRAY(type, name)                                                                       \
    type *name;                                                                                    \
    size_t n##name
    QC_ARRAY(struct qc_region, regions); /* ram and rom, in input order */
    QC_ARRAY(struct qc_load, loads);
    QC_ARRAY(struct qc_cpu, cpus);
    QC_ARRAY(struct qc_vdev, vdevs);
    QC_ARRAY(struct qc_pass, passes);
    QC_ARRAY(struct qc_reserve, reserves);
    QC_ARRAY(struct qc_logger, loggers);
    QC_ARRAY(struct qc_setvar, setvars);
    QC_ARRAY(struct qc_unsupported, unsupported); /* one per type (last wins, at its place) */
#undef QC_ARRAY
};

struct qc_parse_opts {
    enum qc_arch arch; /* QC_ARCH_ANY: infer (see enum qc_arch) */
};

/* Where vdev @v is in the guest: its loc, or its type's default (schema.def DEFLOC) with
 * space_explicit false. False when it has neither (a PCI vdev placed by qvm, an unknown type). */
bool qc_vdev_place(const struct qc_vdev *v, struct qc_place *out);

/* The one physical CPU vCPU @c is pinned to: by a runmask of one bit, or by 8.0's
 * predefined single-CPU cluster "_cpu-N"; -1 when it may run on several or any. */
int qc_cpu_single_pcpu(const struct qc_cpu *c);

void qc_config_init(struct qc_config *cfg);
void qc_config_dispose(struct qc_config *cfg);

/* Builds `cfg` (initialised by the caller) from `words`. Every problem is
 * added to `d`; parsing goes on after an error so all are reported.
 * Returns 0, or -1 when an error diagnostic was added (cfg then holds what
 * could be parsed and must still be disposed). `opts` may be NULL. */
int qc_parse(const struct qc_words *words, const struct qc_parse_opts *opts, struct qc_config *cfg,
             struct qc_diags *d);

/* Runs every enabled check of the registry (conf/check.h). */
struct qc_validate_opts {
    unsigned host_pcpus; /* 0: unknown, runmask-range only checks 0..63 */
};
int qc_validate(const struct qc_config *cfg, struct qc_diags *d);
int qc_validate_ex(const struct qc_config *cfg, const struct qc_validate_opts *opts,
                   struct qc_diags *d);

/* Semantic equality: same items, same values, same order; ignores loc/seq. */
bool qc_config_equal(const struct qc_config *a, const struct qc_config *b);

/* Prints the canonical qvmconf text of `cfg` (docs: conf/write.c). */
void qc_write(FILE *out, const struct qc_config *cfg);
/* The same text, each item preceded by a comment "# FILE:LINE:COL: NAME:
 * HELP" from the schema (qvm-xl check --explain). */
void qc_write_explain(FILE *out, const struct qc_config *cfg);
/* Canonical spelling of one number in a role: ADDR "0x" lower hex, SIZE the
 * largest exact K/M/G suffix (else decimal), COUNT decimal. buf >= 24 bytes. */
const char *qc_num_format(char *buf, size_t len, uint64_t v, enum qc_num_role role);

#endif
