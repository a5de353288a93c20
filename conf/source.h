/* SPDX-License-Identifier: LGPL-2.1-only */
/* From configuration input to words: files, `@file` includes, command-line
 * words, quoting, comments, and $-substitution. Every word keeps the place
 * it came from. See docs/qvmconf.5 "LEXICAL RULES" for the exact rules. */
#ifndef QVMCONF_SOURCE_H
#define QVMCONF_SOURCE_H

#include "conf/diag.h"

/* One input text: a file, or the command line. Owns its name and text. */
struct qc_source {
    char *name; /* path as given, or "<command-line>" */
    char *text; /* whole file, NUL-terminated; for the command line the
                 * words joined by one space (display only, for carets) */
    size_t len;
    int parent; /* index of the including source, -1 for top level */
    struct qc_loc included_from;
    /* File identity, for the include-recursion guard (in-memory texts and
     * the command line have none). */
    bool has_id;
    uint64_t dev, ino;
    /* Offset of every QC_LINE_STEP-th line (1, 1+STEP, ...), for carets: finding
     * a line costs at most STEP line scans, not the whole file. */
    size_t *line_idx;
    size_t nline_idx;
    size_t longest;        /* bytes of its longest line */
    uint32_t longest_line; /* and that line's number */
};
#define QC_LINE_STEP 64

struct qc_sources {
    struct qc_source *items;
    size_t count;
    size_t cap;
};

/* A word after quote removal and substitution.
 * `seg` numbers the contiguous runs of one source: it changes whenever the
 * word stream crosses a source boundary (entering or leaving an @file), so
 * "an argument must be in the same source as its option" is the check
 * words[i].seg == words[j].seg. */
struct qc_word {
    char *text;
    size_t len;
    struct qc_loc loc;
    uint32_t seg;
    bool quoted; /* some part of it was inside double quotes */
};

struct qc_chunk; /* private: storage for word texts */

struct qc_words {
    struct qc_word *items;
    size_t count;
    size_t cap;
    struct qc_chunk *arena; /* owns every items[i].text */
    uint32_t next_seg;
};

/* How $-substitution resolves names. Each lookup returns 0 and sets *out
 * when the name is known, -1 when it is not. NULL callbacks mean "unknown".
 * On a Xen host qvm-xl resolves $asinfo_* from the host description file
 * (docs/qvm-xl.1, HOST DESCRIPTION); the library knows nothing of that. */
struct qc_subst {
    int (*env)(void *opaque, const char *name, const char **out);
    int (*asinfo)(void *opaque, const char *name, uint64_t *start, uint64_t *length);
    void *opaque;
};

/* A ready-made env callback reading the process environment (getenv). */
int qc_subst_getenv(void *opaque, const char *name, const char **out);

/* When s starts with what follows the '$' of a substitution ("env{",
 * "asinfo_start{", "asinfo_length{"), its length; else 0. The writer uses it
 * to keep such text literal. */
size_t qc_subst_prefix_len(const char *s);

struct qc_read_opts {
    const struct qc_subst *subst; /* NULL: no substitution sources */
    unsigned max_include_depth;   /* 0 means the default (16) */
    size_t max_file_size;         /* 0 means the default (16 MiB) */
    size_t max_total_size;        /* all files of one read, includes repeated: 0 = 64 MiB */
    bool no_includes;             /* an @file is an "include-disabled" error and
                                   * the file system is never touched */
};

/* Opens PATH read-only when it is a regular file, never waiting on a FIFO or a
 * device: the descriptor, or -1 with errno set (EISDIR, QC_ENOTREG for any other
 * kind of file, or open's own). */
#define QC_ENOTREG 0x7ffe /* no errno value has it */
struct stat;
int qc_open_regular(const char *path, struct stat *st);
/* strerror() that also names QC_ENOTREG. */
const char *qc_file_strerror(int err);
/* The whole of regular file PATH (NUL-terminated, malloc'd): 0, EFBIG beyond `max`
 * bytes, or an errno value / QC_ENOTREG. */
int qc_read_regular_file(const char *path, size_t max, char **text_r, size_t *len_r);

void qc_sources_init(struct qc_sources *s);
void qc_sources_dispose(struct qc_sources *s);
void qc_words_init(struct qc_words *w);
void qc_words_dispose(struct qc_words *w);

/* Reads command-line words in order: a word "@PATH" reads that file, any
 * other word is one literal word (no re-splitting). Appends to `out`.
 * Returns 0, or -1 when an error diagnostic was added (all errors found
 * are reported, the words read so far stay in `out`). */
int qc_read_args(struct qc_sources *src, struct qc_words *out, int argc, const char *const *argv,
                 const struct qc_read_opts *opts, struct qc_diags *d);

/* Tokenises one in-memory text as if it were a file named `name`
 * (used by tests, the fuzzer and the benchmarks). */
int qc_read_text(struct qc_sources *src, struct qc_words *out, const char *name, const char *text,
                 size_t len, const struct qc_read_opts *opts, struct qc_diags *d);

/* Keeps a copy of @text (@len bytes) as source @name without reading it as qvmconf: a text in
 * another language (an xl.cfg) whose diagnostics go through the same channel, so that
 * qc_diags_print shows its lines and carets. Locations whose file is the returned name (or a
 * string equal to it) point into it. Returns that name (owned by @s), or NULL when out of
 * memory. */
const char *qc_sources_add_text(struct qc_sources *s, const char *name, const char *text,
                                size_t len);

/* The source text of line `line` of file `file` (for carets), without its
 * newline; NULL when unknown. */
const char *qc_sources_line(const struct qc_sources *s, const char *file, uint32_t line,
                            size_t *len_r);

#endif
