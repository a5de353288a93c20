/* The validator's named checks (dtc checks.c style): one registry row per
 * check with its default severity. The reader (lexical rules) and the
 * parser report under the same kind of names; those rows have no function
 * and are listed for -W/-E and docs. Every name the library can emit is in
 * this one table (tests/unit/test-check.c scans conf/ to keep it so). */
#ifndef QVMCONF_CHECK_H
#define QVMCONF_CHECK_H

#include "qvmconf.h"

struct qc_check_ctx {
    const struct qc_config *cfg;
    const struct qc_validate_opts *opts;
    struct qc_diags *d;
    const char *name;     /* of the running check */
    enum qc_severity sev; /* its default severity */
};

/* X(fn, "name", SEVERITY, "what it finds"); fn NULL = a parser diagnostic. */
#define QC_CHECKS(X)                                                                               \
    X(system_first, "system-first", ERROR, "system, if present, is the first entry")               \
    X(ram_before_load, "ram-before-load", ERROR, "load goes into RAM/ROM allocated before it")     \
    X(pic_before_intr, "pic-before-intr", ERROR, "intr PIC:n names a PIC defined before it")       \
    X(pic_name_colon, "pic-name-colon", ERROR, "a PIC's name contains no ':'")                     \
    X(arch_mismatch, "arch-mismatch", ERROR, "x86-only and ARM-only items are not mixed")          \
    X(loc_required, "loc-required", ERROR, "non-PCI vdevs have a loc")                             \
    X(intr_required, "intr-required", ERROR, "MMIO vdevs (and PCI ones given a loc) have intr")    \
    X(dup_intr, "dup-intr", WARNING, "no PIC line is used twice")                                  \
    X(number_range, "number-range", ERROR, "numbers lie in the documented ranges")                 \
    X(gic_its_lpis, "gic-its-lpis", ERROR, "a GIC its needs num-lpis")                             \
    X(shmem_allow_deny, "shmem-allow-deny", WARNING, "a shmem uses allow or deny, not both")       \
    X(range_invalid, "range-invalid", ERROR, "a range is not empty and does not wrap past 2^64")   \
    X(overlap, "overlap", WARNING, "guest-physical ranges do not overlap")                         \
    X(pass_alignment, "pass-alignment", ERROR,                                                     \
      "pass mem host address and length are page-aligned")                                         \
    X(pass_attr_conflict, "pass-attr-conflict", ERROR, "pass attributes m and d are exclusive")    \
    X(vcpu_shared_pcpu, "vcpu-shared-pcpu", WARNING, "two vCPUs are not pinned to one pCPU")       \
    X(runmask_range, "runmask-range", ERROR, "runmask names existing physical CPUs")               \
    X(set_unknown_var, "set-unknown-var", WARNING, "set names a known variable")

/* Diagnostics the parser and the reader report (no validator function).
 * The reader's (syntax-, subst-, include-) follow the parser's. */
#define QC_PARSE_CHECKS(X)                                                                         \
    X("arg-missing", ERROR, "an option's argument is missing or in another file")                  \
    X("arg-count", ERROR, "a comma list has the wrong number of fields")                           \
    X("arg-invalid", ERROR, "an argument is not one of the allowed words")                         \
    X("number-invalid", ERROR, "a number does not parse in its role")                              \
    X("loc-syntax", ERROR, "a location is malformed")                                              \
    X("intr-syntax", ERROR, "an interrupt is malformed")                                           \
    X("sched-syntax", ERROR, "a cpu sched is malformed")                                           \
    X("log-filter", ERROR, "unknown logger/log filter")                                            \
    X("set-value", ERROR, "a set value does not match the variable's type")                        \
    X("set-context", WARNING, "a set variable is used outside its context")                        \
    X("blob-syntax", ERROR, "a blob type is not followed by load or pass")                         \
    X("fdt-generate", WARNING, "'fdt generate' (unconfirmed 8.0 form) is read as the default")     \
    X("option-unknown", ERROR, "a word is no qvmconf option")                                      \
    X("option-context", ERROR, "an option is not valid in the current context")                    \
    X("option-overridden", WARNING, "a last-wins option is given twice")                           \
    X("vdev-unknown-type", WARNING, "a vdev type is unknown (kept, not checked)")                  \
    X("syntax-control-char", ERROR, "a control character is outside a comment")                    \
    X("syntax-line-too-long", ERROR, "a line of a file is longer than 64 KiB")                     \
    X("syntax-unterminated-quote", ERROR, "a double quote is not closed before the end of file")   \
    X("subst-unterminated", ERROR, "a $env{ or $asinfo_*{ substitution has no closing brace")      \
    X("subst-undefined-env", ERROR, "an $env{NAME} variable is not defined")                       \
    X("subst-undefined-asinfo", ERROR, "an $asinfo_*{NAME} region is not defined")                 \
    X("subst-asinfo-path", ERROR, "an $asinfo_*{} name is a path, not the leaf name of a region")  \
    X("include-disabled", ERROR, "an @file is read where the caller turned includes off")          \
    X("include-depth", ERROR, "@files nest more than 16 deep")                                     \
    X("include-recursion", ERROR, "an @file includes itself, directly or through others")          \
    X("include-unreadable", ERROR, "an @file cannot be opened or read")                            \
    X("include-too-large", ERROR, "an @file is larger than 16 MiB")                                \
    X("include-total", ERROR, "the files of one configuration, includes repeated, exceed 64 MiB")  \
    X("out-of-memory", ERROR, "memory ran out")

#define X(fn, name, sev, help) void qc_check_##fn(struct qc_check_ctx *c);
QC_CHECKS(X)
#undef X

struct qc_check {
    const char *name;
    void (*fn)(struct qc_check_ctx *c);
    enum qc_severity sev;
    const char *help;
};
/* Validator checks first, then parser and reader diagnostics; ends with
 * {NULL}. */
extern const struct qc_check qc_check_table[];
const struct qc_check *qc_check_find(const char *name);

/* Reports under the running check's name and default severity. */
int qc_report(struct qc_check_ctx *c, struct qc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int qc_report_sev(struct qc_check_ctx *c, enum qc_severity sev, struct qc_loc loc, const char *fmt,
                  ...) __attribute__((format(printf, 4, 5)));

/* Effective [start, end) of every RAM/ROM region, in input order ("after
 * previous" resolved). `out` has cfg->nregions slots. */
void qc_region_ranges(const struct qc_config *cfg, uint64_t (*out)[2]);
/* The name a PIC vdev is referenced by: its name, else its type name. */
const char *qc_vdev_ref_name(const struct qc_vdev *v);

#endif
