/* Parser internals shared by parse.c (contexts, dispatch) and parse-arg.c
 * (argument grammars: numbers, locations, interrupts, sched). */
#ifndef QVMCONF_PARSE_H
#define QVMCONF_PARSE_H

#include "qvmconf.h"

struct qc_parser {
    const struct qc_words *w;
    size_t i; /* current word */
    struct qc_config *cfg;
    struct qc_diags *d;
    enum qc_ctx ctx;  /* QC_CTX_GLOBAL when no context is open */
    size_t ctx_index; /* index in cpus/vdevs/passes/reserves */
    /* set: the live setvar of each (context, owner, name), open addressing over
     * setvar indexes + 1 (0 = empty); overridden ones become tombstones (name
     * NULL), compacted when parsing ends. Keeps last-wins linear. */
    size_t *set_slots;
    size_t set_cap, set_dead;
};

/* Adds a diagnostic; returns its index for qc_diag_note (or -1). */
int qc_p_diag(struct qc_parser *p, enum qc_severity sev, const char *check, struct qc_loc loc,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The location `off` bytes into word `w` (same line). */
struct qc_loc qc_p_at(const struct qc_word *w, size_t off);

/* Argument parsers. `w` is the argument word; [s, s+len) the part to parse.
 * Each reports its own diagnostics and returns 0 or -1. */
int qc_p_num(struct qc_parser *p, const struct qc_word *w, const char *s, size_t len,
             enum qc_num_role role, uint64_t *out);
int qc_p_nums(struct qc_parser *p, const struct qc_word *w, const char *roles, uint64_t *out,
              size_t *n_r);
int qc_p_locspec(struct qc_parser *p, const struct qc_word *w, enum qc_ctx ctx,
                 enum qc_space def_space, struct qc_locspec *out);
/* Appends the interrupts of `w` to *arr (vdev lists, pass and reserve forms). */
int qc_p_intrs(struct qc_parser *p, const struct qc_word *w, enum qc_ctx ctx, struct qc_intr **arr,
               size_t *n);
int qc_p_sched(struct qc_parser *p, const struct qc_word *w, struct qc_sched *out);
/* "[a,]x": splits at the first comma when what precedes it is a number. */
int qc_p_memspec(struct qc_parser *p, const struct qc_word *w, bool *has_start, uint64_t *start,
                 uint64_t *size);
/* Filter words (comma list, indexes in `filters`) to a bit mask. */
int qc_p_filters(struct qc_parser *p, const struct qc_word *w, const char *filters, unsigned *mask);

/* Grows a malloc'd array (or NULL) of *n elements by one zeroed element,
 * doubling its allocation when full; NULL when out of memory. */
void *qc_p_push(void *arrp, size_t *n, size_t size);
/* Makes room for `want` elements in an array of `n`, if memory allows. */
void qc_p_reserve(void *arrp, size_t n, size_t want, size_t size);

void qc_locspec_dispose(struct qc_locspec *l);
void qc_intrs_dispose(struct qc_intr *v, size_t n);
void qc_value_dispose(struct qc_value *v);

#endif
