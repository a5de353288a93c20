/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: read, parse, validate and write a qvmconf text, check
 * the round trip parse(write(parse(x))) == parse(x) whenever x was valid, and
 * translate every valid model for both architectures and emit the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/doc.h"
#include "xlate/plan.h"
#include "xlate/xlate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed answers, so a run never depends on the real environment. The QX_TEST
 * names and gpu_regs are those the good corpus uses (tests/conf/good). */
static int fake_env(void *opaque, const char *name, const char **out)
{
    static const char *const vars[][2] = {
        {"HOST_DEV", "/dev/ser3"},
        {"ROOT", "/dev/vda1"},
        {"EMPTY", ""},
        {"SPACED", "a b\tc"},
        {"QX_TEST_HOST_DEV", "/dev/ser3"},
        {"QX_TEST_GUEST_DIR", "/guests/qnx71"},
        {"QX_TEST_CONSOLE", "ttyS0,115200"},
    };

    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        if (strcmp(name, vars[i][0]) == 0) {
            *out = vars[i][1];
            return 0;
        }
    }
    return -1;
}

static int fake_asinfo(void *opaque, const char *name, uint64_t *start, uint64_t *length)
{
    static const struct {
        const char *name;
        uint64_t start, length;
    } regions[] = {
        {"guestmem1", 0x80000000, 0x1000000},
        {"gpu_regs", 0xfd000000, 0x10000},
    };

    for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++) {
        if (strcmp(name, regions[i].name) == 0) {
            *start = regions[i].start;
            *length = regions[i].length;
            return 0;
        }
    }
    return -1;
}

static const struct qc_subst fake_subst = {fake_env, fake_asinfo, NULL};

/* Every @file is an "include-disabled" error: the fuzzer never touches the
 * file system. */
static const struct qc_doc_opts doc_opts = {
    .read = {.subst = &fake_subst, .no_includes = true},
};

static void fail(const char *why, const char *text, const struct qc_doc *doc)
{
    fprintf(stderr, "fuzz-conf: %s\n--- canonical text ---\n%s\n--- diagnostics ---\n", why,
            text ? text : "(none)");
    qc_diags_print(stderr, &doc->d, &doc->src);
    abort();
}

/* The translator and both emitters on a valid model, for an x86_64 and an
 * aarch64 host (a model of the other arch is a path worth fuzzing too). */
static void translate(const struct qc_config *cfg, FILE *sink)
{
    static const enum xlate_arch arches[] = {XLATE_ARCH_X86_64, XLATE_ARCH_AARCH64};

    for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
        struct xlate_target t;
        struct xlate_plan plan;
        struct qc_diags d;
        char *why = NULL;

        xlate_target_default(&t, arches[i]);
        t.nr_pcpus = 8;
        xlate_plan_init(&plan);
        qc_diags_init(&d);
        if (xlate_translate(cfg, &t, &plan, &d) == 0) {
            xlate_emit_json(sink, &plan.config);
            xlate_emit_xlcfg(sink, &plan.config, &why);
            free(why);
        }
        xlate_report_print(sink, &plan);
        xlate_report_print_json(sink, &plan);
        qc_diags_print_json(sink, &d);
        qc_diags_dispose(&d);
        xlate_plan_dispose(&plan);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qc_doc doc1, doc2;
    char *out = NULL;
    size_t outlen = 0;
    FILE *f;

    qc_doc_init(&doc1, &doc_opts);
    qc_doc_init(&doc2, &doc_opts);

    int failed = qc_doc_load_buffer(&doc1, "fuzz.qvmconf", (const char *)data, size);

    /* Always exercise the writer and the printers, valid input or not. */
    f = open_memstream(&out, &outlen);
    if (!f)
        goto out;
    qc_write(f, &doc1.cfg);
    if (fclose(f))
        goto out;
    f = fopen("/dev/null", "w");
    if (f) {
        qc_diags_print(f, &doc1.d, &doc1.src);
        qc_diags_print_json(f, &doc1.d);
        if (!failed)
            translate(&doc1.cfg, f);
        fclose(f);
    }

    if (failed)
        goto out;
    if (qc_doc_load_buffer(&doc2, "canonical.qvmconf", out, outlen))
        fail("the canonical text of a valid configuration has errors", out, &doc2);
    if (!qc_config_equal(&doc1.cfg, &doc2.cfg))
        fail("parse(write(parse(x))) differs from parse(x)", out, &doc2);

out:
    free(out);
    qc_doc_dispose(&doc1);
    qc_doc_dispose(&doc2);
    return 0;
}
