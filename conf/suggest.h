/* SPDX-License-Identifier: LGPL-2.1-only */
/* "Did you mean ...?": the known name closest to a mistyped one, for the
 * parser's unknown options and vdev types and for qvm-xl's command line. */
#ifndef QVMCONF_SUGGEST_H
#define QVMCONF_SUGGEST_H

#include <stddef.h>

/* Collects candidates for one mistyped word (no allocation). */
struct qc_suggest {
    const char *word;
    size_t len;
    const char *best;   /* closest candidate so far, NULL: none close enough */
    unsigned best_dist; /* its distance */
    const char *prefix; /* the one candidate the word is a prefix of */
    unsigned nprefix;   /* how many candidates the word is a prefix of */
};

/* The largest distance suggested for a word of @len bytes: none for one
 * byte, 1 up to 3 bytes, else 2. */
unsigned qc_suggest_max_distance(size_t len);

/* Optimal string alignment distance between a[0..alen) and b[0..blen)
 * (insert, delete, substitute, swap two neighbours: 1 each; letters
 * compared without case); any value above @cap is returned as cap + 1. */
unsigned qc_edit_distance(const char *a, size_t alen, const char *b, size_t blen, unsigned cap);

void qc_suggest_init(struct qc_suggest *s, const char *word, size_t len);
/* Offers one candidate (NULL is ignored); the first of equally close ones wins. */
void qc_suggest_add(struct qc_suggest *s, const char *candidate);
/*
 * The suggestion: the closest candidate within qc_suggest_max_distance, else
 * the only candidate that the word (2 bytes or more) is a prefix of; NULL
 * when there is neither. The pointer is the candidate as offered.
 */
const char *qc_suggest_result(const struct qc_suggest *s);

#endif
