/* SPDX-License-Identifier: LGPL-2.1-only */
/* One qvmconf document: the texts read, their words, the model parsed from them
 * and every diagnostic on the way, owned together so that each reader (the
 * commands, the tests, the fuzzers, the benchmarks) writes one init and one
 * dispose:
 *
 *   qc_doc_init(&doc, &opts);
 *   qc_doc_read_file(&doc, path, nwords, words);   (or _buffer, _words; each appends)
 *   qc_doc_parse(&doc);
 *   qc_doc_validate(&doc);                          (or all of it: qc_doc_load_buffer)
 *   ... doc.cfg, doc.d (print with doc.src for carets) ...
 *   qc_doc_dispose(&doc);
 *
 * Every step reports into doc.d and returns 0, or -1 when it added an error;
 * a caller that wants every problem runs the next step anyway, one that wants
 * the first cause stops. */
#ifndef QVMCONF_DOC_H
#define QVMCONF_DOC_H

#include "conf/qvmconf.h"

struct qc_doc_opts {
    struct qc_read_opts read;   /* substitution sources (their callbacks must outlive
                                 * the reads), include policy, size limits */
    struct qc_parse_opts parse; /* the architecture; QC_ARCH_ANY infers it */
};

struct qc_doc {
    struct qc_config cfg;
    struct qc_diags d;     /* -W/-E: set d.disabled and d.promoted before the first read */
    struct qc_sources src; /* every text read: for carets (qc_diags_print) */
    struct qc_words words;
    struct qc_doc_opts opts; /* used by each read and the parse: may change before them */
};

/* An empty document; @opts NULL: no substitution, includes allowed, default limits,
 * arch inferred. */
void qc_doc_init(struct qc_doc *doc, const struct qc_doc_opts *opts);
void qc_doc_dispose(struct qc_doc *doc);

/* Appends the words of one in-memory text read as if it were file @name. */
int qc_doc_read_buffer(struct qc_doc *doc, const char *name, const char *text, size_t len);
/* Appends command-line words: "@PATH" reads that file, any other word is one literal word. */
int qc_doc_read_words(struct qc_doc *doc, int argc, const char *const *argv);
/* Appends the file at @path and the @nwords words after it, read as the one command line
 * "@PATH WORD..." (as qvm reads its arguments: a missing file is an error located there). */
int qc_doc_read_file(struct qc_doc *doc, const char *path, int nwords, const char *const *words);

/* Builds doc->cfg from the words read so far (once per document). */
int qc_doc_parse(struct qc_doc *doc);
/* Runs every enabled check of the registry on doc->cfg. */
int qc_doc_validate(struct qc_doc *doc);

/* Reads one text, parses and validates it, every step whatever the one before found (all
 * problems are reported). Returns 0, or -1 when the document has an error. */
int qc_doc_load_buffer(struct qc_doc *doc, const char *name, const char *text, size_t len);

#endif
