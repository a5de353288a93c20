/* SPDX-License-Identifier: LGPL-2.1-only */
/* Private glue between source.c (files, includes), lex.c (words) and
 * subst.c ($-substitution). Not part of the library's interface. */
#ifndef QVMCONF_LEX_INTERNAL_H
#define QVMCONF_LEX_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/source.h"

#define QC_DEFAULT_MAX_INCLUDE_DEPTH 16
#define QC_DEFAULT_MAX_FILE_SIZE     (16u << 20)
#define QC_DEFAULT_MAX_TOTAL_SIZE    (64u << 20)
/* Each file read counts this much more against the total, so that fanning
 * out an empty file is bounded too (64 Ki reads at most by default). */
#define QC_INCLUDE_MIN_COST 1024u
/* Bytes in one line of a file (the command line is one line and exempt). */
#define QC_MAX_LINE (64u << 10)

/* One qc_read_args/qc_read_text call in progress. */
struct qc_reader {
    struct qc_sources *src;
    struct qc_words *out;
    const struct qc_subst *subst; /* may be NULL */
    struct qc_diags *d;
    unsigned max_depth;
    size_t max_size;
    size_t max_total; /* bytes of all files read by this call */
    size_t total;
    bool total_exceeded;
    bool no_includes;
    unsigned depth; /* files being read right now */
    bool failed;    /* an error diagnostic was added */
    bool oom;       /* out of memory was reported */
};

/* Word building straight into the words' arena: begin, put bytes, then
 * either end (the word is appended) or drop. Only one word is open at a
 * time. All return 0 or -1 when out of memory. */
int qc_word_begin_(struct qc_words *w);
int qc_word_put_(struct qc_words *w, const char *p, size_t n);
/* The bytes put so far (not NUL-terminated). */
const char *qc_word_peek_(const struct qc_words *w, size_t *len_r);
int qc_word_end_(struct qc_words *w, struct qc_loc loc, uint32_t seg, bool quoted);
void qc_word_drop_(struct qc_words *w);
uint32_t qc_words_new_seg_(struct qc_words *w);
/* Makes room for the words of a text of `bytes` bytes, so that reading it
 * does not grow the word array and arena step by step. */
int qc_words_reserve_(struct qc_words *w, size_t bytes);

/* Tokenises source `idx` (a file or in-memory text), following @includes. */
void qc_lex_source_(struct qc_reader *r, size_t idx);

/* Reads file `path` (named by a word at `at` in source `parent`, -1 for
 * none) and tokenises it in place. Errors become diagnostics at `at`. */
void qc_include_(struct qc_reader *r, const char *path, struct qc_loc at, int parent);

/* p[0] is a '$' with `avail` bytes of raw text from there. When a
 * substitution starts here, puts its value (or, after an error, the raw
 * text) into the open word and returns the raw bytes consumed; returns 0
 * when the '$' is literal. `at` is the location of the '$'. */
size_t qc_subst_expand_(struct qc_reader *r, const char *p, size_t avail, struct qc_loc at);

/* Records an out-of-memory failure once per reader. */
void qc_reader_oom_(struct qc_reader *r, struct qc_loc at);

#endif
