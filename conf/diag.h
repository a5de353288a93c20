/* SPDX-License-Identifier: LGPL-2.1-only */
/* Diagnostics as data: what the configuration library found, where, and
 * under which check name. The library only collects them; the caller
 * decides how to print (gcc style or JSON) and what exit code follows. */
#ifndef QVMCONF_DIAG_H
#define QVMCONF_DIAG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A place in the input. `file` points into the owning qc_sources (it lives
 * as long as they do); line and col are 1-based, col counts bytes.
 * Words from the command line have file "<command-line>", line 1 and col =
 * the 1-based byte offset of the word in the words joined by one space. */
struct qc_loc {
    const char *file;
    uint32_t line;
    uint32_t col;
};

enum qc_severity {
    QC_SEV_NOTE = 0,
    QC_SEV_WARNING = 1,
    QC_SEV_ERROR = 2,
};

/* Every check of conf/checks.def, in its order: QC_CK_SYSTEM_FIRST for
 * "system-first", QC_CK_XLATE_GIC for "xlate-gic"... */
enum qc_check_id {
#define QC_CHECK(id, name, sev, pre, kind, help) QC_CK_##id,
#include "conf/checks.def"
    QC_CK_COUNT
};

/* Who reports a check; the validator runs its checks itself. */
enum qc_check_kind {
    QC_KIND_VALIDATOR, /* conf/check-*.c, run by qc_validate */
    QC_KIND_PARSER,    /* conf/parse*.c */
    QC_KIND_READER,    /* lexical rules, substitution, includes */
    QC_KIND_XLATE,     /* the translation, and the toolstack's checks of its input */
    QC_KIND_XLCFG,     /* the xl.cfg reader and the way back to qvmconf */
    QC_KIND_TOOL,      /* the toolstack's own files (host reservation) */
};

/* One row of the registry. */
struct qc_check {
    const char *name; /* what users type (-W NAME) and tests assert on */
    enum qc_severity sev;
    enum qc_check_kind kind;
    /* Validator checks that must not have reported an error for this one to
     * run, ending with QC_CK_COUNT; NULL when none. */
    const enum qc_check_id *prereqs;
    const char *help;
};

/* Indexed by enum qc_check_id. */
extern const struct qc_check qc_checks[QC_CK_COUNT];
/* The row named @name (for -W/-E), or NULL. */
const struct qc_check *qc_check_find(const char *name);

/* One diagnostic. `check` is a stable, documented name (e.g.
 * "ram-before-load", "syntax-unterminated-quote") that tests assert on;
 * the message wording may change, the name may not. A diagnostic may carry
 * one note at a second location ("previous definition is here"). */
struct qc_diag {
    enum qc_severity sev;
    enum qc_check_id id;
    const char *check; /* qc_checks[id].name */
    struct qc_loc loc;
    char *msg;
    bool has_note;
    struct qc_loc note_loc;
    char *note;
};

struct qc_diags {
    struct qc_diag *items;
    size_t count;
    size_t cap;
    size_t errors;
    size_t warnings;
    /* Checks turned off (-W no-NAME) or made errors (-E NAME); NULL = none.
     * Both are NULL-terminated and apply to warnings only. */
    const char *const *disabled;
    const char *const *promoted;
};

void qc_diags_init(struct qc_diags *d);
void qc_diags_dispose(struct qc_diags *d);

/* Adds a diagnostic of check @id with the registry's severity; returns its
 * index, or -1 when out of memory or when the check is disabled. */
int qc_diag(struct qc_diags *d, enum qc_check_id id, struct qc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int qc_vdiag(struct qc_diags *d, enum qc_check_id id, struct qc_loc loc, const char *fmt,
             va_list ap) __attribute__((format(printf, 4, 0)));
/* The same with another severity, for the checks that are an error in one
 * case and a warning in another (their help says when). */
int qc_diag_sev(struct qc_diags *d, enum qc_severity sev, enum qc_check_id id, struct qc_loc loc,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int qc_vdiag_sev(struct qc_diags *d, enum qc_severity sev, enum qc_check_id id, struct qc_loc loc,
                 const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
/* Whether check @id reported an error into @d (a later stage can keep quiet
 * about what an earlier one refused). */
bool qc_diags_failed(const struct qc_diags *d, enum qc_check_id id);

/* Attaches a note at a second location to diagnostic `idx`. */
void qc_diag_note(struct qc_diags *d, int idx, struct qc_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

struct qc_sources; /* conf/source.h */

/* qc_diags_print shows at most this many diagnostics, then how many more
 * there are (the JSON form lists all). */
#define QC_DIAG_PRINT_MAX 100
/* gcc style: "file:line:col: error: message [check-name]", then the source
 * line and a caret under the column when the text is known; then the note
 * the same way. `src` may be NULL (no source lines). */
void qc_diags_print(FILE *out, const struct qc_diags *d, const struct qc_sources *src);
/* "error", "warning" or "note". */
const char *qc_severity_name(enum qc_severity sev);
/* "N errors, M warnings" (singular where it applies) and a newline; prints
 * nothing when there are neither. */
void qc_diags_print_summary(FILE *out, const struct qc_diags *d);
/* A JSON array of objects {severity, check, file, line, col, message,
 * note: {file, line, col, message}}. */
void qc_diags_print_json(FILE *out, const struct qc_diags *d);

/* @s as a JSON string (quotes, escapes, invalid UTF-8 as U+FFFD), or null for NULL. */
void qc_json_str(FILE *out, const char *s);

#endif
