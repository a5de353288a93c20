/* SPDX-License-Identifier: LGPL-2.1-only */
/* Helpers shared by the conf/ model tests: parse a text, look for checks. */
#ifndef MODEL_TEST_H
#define MODEL_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "conf/check.h"
#include "conf/doc.h"

struct mt {
    struct qc_doc doc;
    int rc;
};

/* Reads each text as its own file (a new source segment), then parses. */
static inline void mt_parse_files(struct mt *m, enum qc_arch arch, const char *const *texts,
                                  size_t n)
{
    qc_doc_init(&m->doc, &(struct qc_doc_opts){.parse = {.arch = arch}});
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "t%zu.qvmconf", i);
        assert_int_equal(qc_doc_read_buffer(&m->doc, name, texts[i], strlen(texts[i])), 0);
    }
    m->rc = qc_doc_parse(&m->doc);
}

static inline void mt_parse(struct mt *m, const char *text)
{
    mt_parse_files(m, QC_ARCH_ANY, &text, 1);
}

/* Parse and validate. */
static inline void mt_check(struct mt *m, const char *text)
{
    mt_parse(m, text);
    if (qc_doc_validate(&m->doc))
        m->rc = -1;
}

static inline size_t mt_count(const struct mt *m, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < m->doc.d.count; i++)
        if (strcmp(m->doc.d.items[i].check, check) == 0)
            n++;
    return n;
}

static inline bool mt_has(const struct mt *m, const char *check)
{
    return mt_count(m, check) > 0;
}

static inline void mt_dispose(struct mt *m)
{
    qc_doc_dispose(&m->doc);
}

/* Prints the diagnostics when a test is about to fail (for the log). */
static inline void mt_dump(const struct mt *m)
{
    qc_diags_print(stderr, &m->doc.d, &m->doc.src);
}

#endif
