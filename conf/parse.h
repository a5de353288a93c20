/* SPDX-License-Identifier: LGPL-2.1-only */
/* Parser internals shared by parse.c (contexts, dispatch) and parse-arg.c
 * (argument grammars: numbers, locations, interrupts, sched). */
#ifndef QVMCONF_PARSE_H
#define QVMCONF_PARSE_H

#include "conf/qvmconf.h"

struct qc_parser {
    const struct qc_words *w;
    size_t i; /* current word */
    struct qc_config *cfg;
    struct qc_diags *d;
    enum qc_ctx ctx;  /* QC_CTX_GLOBAL when no context is open */
    int blob;         /* blob type written before the current option, or -1 */
    size_t ctx_index; /* index in cpus/vdevs/passes/reserves */
    /* set: the live setvar of each (context, owner, name), open addressing over
     * setvar indexes + 1 (0 = empty); overridden ones become tombstones (name
     * NULL), compacted when parsing ends. Keeps last-wins linear. */
    size_t *set_slots;
    size_t set_cap, set_dead;
};

/* An option's argument as the reader of its grammar (schema.def G) left it.
 * Which members are set follows the grammar:
 *   WORD, OPTWORD: val.str (NULL: OPTWORD without its word); NUMS, DELAY, LOG,
 *   CREATE: val as struct qc_value says; NUM: val.nums[0]; CPUS: val.nums[0] =
 *   the mask; MEMSPEC: val.nums = [start,]size; LOADSPEC: val.nums = [address],
 *   val.str = path; UNSUP: val.nums = type, action (enum qc_unsup_*); SET: w[0]
 *   name, w[1] value; VDEVTYPE: w[0]; SCHED: sched; LOC: ls; INTR: intrs.
 * An apply function moves out what it keeps (leaving NULL behind);
 * qc_arg_dispose frees the rest. */
struct qc_arg {
    const struct qc_opt_desc *od;
    const struct qc_word *kw;   /* the option's own word */
    size_t seq;                 /* kw's index in the input */
    const struct qc_word *w[2]; /* the argument words read, in order */
    struct qc_value val;
    struct qc_sched sched;
    struct qc_locspec ls;
    struct qc_intr *intrs;
    size_t nintrs;
};

/* Reads the argument of a->od, whose keyword a->kw is word p->i, with the
 * reader of its grammar; p->i ends on the last word read. Reports its own
 * diagnostics; 0 or -1. */
int qc_p_read_arg(struct qc_parser *p, struct qc_arg *a);
void qc_arg_dispose(struct qc_arg *a);

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
