/* SPDX-License-Identifier: LGPL-2.1-only */
/* "Did you mean ...?" (suggest.h): edit distance and the closest candidate. */
#include <ctype.h>
#include <string.h>

#include "conf/suggest.h"

/* Names are short; longer words are compared on their first bytes only. */
#define MAXLEN 64

unsigned qc_suggest_max_distance(size_t len)
{
    return len < 2 ? 0 : len <= 3 ? 1 : 2;
}

static int fold(char c)
{
    return tolower((unsigned char)c);
}

unsigned qc_edit_distance(const char *a, size_t alen, const char *b, size_t blen, unsigned cap)
{
    unsigned d[MAXLEN + 1][MAXLEN + 1];

    if (alen > MAXLEN || blen > MAXLEN)
        return alen == blen && !strncmp(a, b, alen) ? 0 : cap + 1;
    if ((alen > blen ? alen - blen : blen - alen) > cap)
        return cap + 1;
    for (size_t i = 0; i <= alen; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= blen; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= alen; i++) {
        unsigned row_min = cap + 1;
        for (size_t j = 1; j <= blen; j++) {
            unsigned cost = fold(a[i - 1]) != fold(b[j - 1]);
            unsigned v = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) &&
                fold(a[i - 2]) == fold(b[j - 1]) && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < row_min)
                row_min = v;
        }
        if (row_min > cap)
            return cap + 1;
    }
    return d[alen][blen] > cap ? cap + 1 : d[alen][blen];
}

void qc_suggest_init(struct qc_suggest *s, const char *word, size_t len)
{
    memset(s, 0, sizeof(*s));
    s->word = word;
    s->len = len;
}

void qc_suggest_add(struct qc_suggest *s, const char *candidate)
{
    unsigned max = qc_suggest_max_distance(s->len), dist;
    size_t clen;

    if (!candidate)
        return;
    clen = strlen(candidate);
    if (s->len >= 2 && clen > s->len && !strncmp(candidate, s->word, s->len)) {
        if (!s->nprefix || strcmp(s->prefix, candidate)) /* a name listed twice counts once */
            s->nprefix++;
        s->prefix = candidate;
    }
    dist = qc_edit_distance(s->word, s->len, candidate, clen, max);
    if (dist <= max && (!s->best || dist < s->best_dist)) {
        s->best = candidate;
        s->best_dist = dist;
    }
}

const char *qc_suggest_result(const struct qc_suggest *s)
{
    if (s->best)
        return s->best;
    return s->nprefix == 1 ? s->prefix : NULL;
}
