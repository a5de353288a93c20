/* SPDX-License-Identifier: LGPL-2.1-only */
/* One qvmconf document: read, parse, validate, dispose (see doc.h). */
#include <stdlib.h>
#include <string.h>

#include "conf/doc.h"

void qc_doc_init(struct qc_doc *doc, const struct qc_doc_opts *opts)
{
    static const struct qc_doc_opts defaults = {.parse = {.arch = QC_ARCH_ANY}};

    qc_config_init(&doc->cfg);
    qc_diags_init(&doc->d);
    qc_sources_init(&doc->src);
    qc_words_init(&doc->words);
    doc->opts = opts ? *opts : defaults;
}

void qc_doc_dispose(struct qc_doc *doc)
{
    /* The model and the diagnostics point into the sources (file names): they go first. */
    qc_config_dispose(&doc->cfg);
    qc_diags_dispose(&doc->d);
    qc_words_dispose(&doc->words);
    qc_sources_dispose(&doc->src);
}

int qc_doc_read_buffer(struct qc_doc *doc, const char *name, const char *text, size_t len)
{
    return qc_read_text(&doc->src, &doc->words, name, text, len, &doc->opts.read, &doc->d);
}

int qc_doc_read_words(struct qc_doc *doc, int argc, const char *const *argv)
{
    return qc_read_args(&doc->src, &doc->words, argc, argv, &doc->opts.read, &doc->d);
}

int qc_doc_read_file(struct qc_doc *doc, const char *path, int nwords, const char *const *words)
{
    /* One vector "@PATH" WORD...: the file and the words are one command line, so the
     * words' columns count from the start of "@PATH". */
    size_t plen = strlen(path);
    const char **argv = malloc(((size_t)nwords + 1) * sizeof(*argv) + plen + 2);
    char *at;
    int rc;

    if (!argv) {
        qc_diag(&doc->d, QC_CK_OUT_OF_MEMORY, (struct qc_loc){NULL, 0, 0}, "out of memory");
        return -1;
    }
    at = (char *)(argv + nwords + 1);
    at[0] = '@';
    memcpy(at + 1, path, plen + 1);
    argv[0] = at;
    for (int i = 0; i < nwords; i++)
        argv[i + 1] = words[i];
    rc = qc_doc_read_words(doc, nwords + 1, argv);
    free(argv);
    return rc;
}

int qc_doc_parse(struct qc_doc *doc)
{
    return qc_parse(&doc->words, &doc->opts.parse, &doc->cfg, &doc->d);
}

int qc_doc_validate(struct qc_doc *doc)
{
    return qc_validate(&doc->cfg, &doc->d);
}

int qc_doc_load_buffer(struct qc_doc *doc, const char *name, const char *text, size_t len)
{
    qc_doc_read_buffer(doc, name, text, len);
    qc_doc_parse(doc);
    qc_doc_validate(doc);
    return doc->d.errors ? -1 : 0;
}
