/* Helpers shared by the conf/ model tests: parse a text, look for checks. */
#ifndef MODEL_TEST_H
#define MODEL_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "qvmconf.h"

struct mt {
    struct qc_sources src;
    struct qc_words words;
    struct qc_diags d;
    struct qc_config cfg;
    int rc;
};

/* Reads each text as its own file (a new source segment), then parses. */
static inline void mt_parse_files(struct mt *m, enum qc_arch arch, const char *const *texts,
                                  size_t n)
{
    struct qc_parse_opts o = {.arch = arch};
    qc_sources_init(&m->src);
    qc_words_init(&m->words);
    qc_diags_init(&m->d);
    qc_config_init(&m->cfg);
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "t%zu.qvmconf", i);
        assert_int_equal(
            qc_read_text(&m->src, &m->words, name, texts[i], strlen(texts[i]), NULL, &m->d), 0);
    }
    m->rc = qc_parse(&m->words, &o, &m->cfg, &m->d);
}

static inline void mt_parse(struct mt *m, const char *text)
{
    mt_parse_files(m, QC_ARCH_ANY, &text, 1);
}

/* Parse and validate. */
static inline void mt_check(struct mt *m, const char *text)
{
    mt_parse(m, text);
    if (qc_validate(&m->cfg, &m->d))
        m->rc = -1;
}

static inline size_t mt_count(const struct mt *m, const char *check)
{
    size_t n = 0;
    for (size_t i = 0; i < m->d.count; i++)
        if (strcmp(m->d.items[i].check, check) == 0)
            n++;
    return n;
}

static inline bool mt_has(const struct mt *m, const char *check)
{
    return mt_count(m, check) > 0;
}

static inline void mt_dispose(struct mt *m)
{
    qc_config_dispose(&m->cfg);
    qc_diags_dispose(&m->d);
    qc_words_dispose(&m->words);
    qc_sources_dispose(&m->src);
}

/* Prints the diagnostics when a test is about to fail (for the log). */
static inline void mt_dump(const struct mt *m)
{
    qc_diags_print(stderr, &m->d, &m->src);
}

#endif
