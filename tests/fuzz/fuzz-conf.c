/* libFuzzer target: read, parse, validate and write a qvmconf text, check
 * the round trip parse(write(parse(x))) == parse(x) whenever x was valid, and
 * translate every valid model for both architectures and emit the result. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "qvmconf.h"
#include "xlate.h"

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
static const struct qc_read_opts read_opts = {
    .subst = &fake_subst,
    .no_includes = true,
};

/* One pass: text -> words -> model (+ validation). Returns the error count. */
static size_t load(const char *name, const char *text, size_t len, struct qc_sources *src,
                   struct qc_config *cfg, struct qc_diags *d)
{
    struct qc_words words;

    qc_words_init(&words);
    qc_read_text(src, &words, name, text, len, &read_opts, d);
    qc_parse(&words, NULL, cfg, d);
    qc_validate(cfg, d);
    qc_words_dispose(&words);
    return d->errors;
}

static void fail(const char *why, const char *text, const struct qc_diags *d,
                 const struct qc_sources *src)
{
    fprintf(stderr, "fuzz-conf: %s\n--- canonical text ---\n%s\n--- diagnostics ---\n", why,
            text ? text : "(none)");
    qc_diags_print(stderr, d, src);
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
    struct qc_sources src1, src2;
    struct qc_config cfg1, cfg2;
    struct qc_diags d1, d2;
    char *out = NULL;
    size_t outlen = 0;
    FILE *f;

    qc_sources_init(&src1);
    qc_sources_init(&src2);
    qc_config_init(&cfg1);
    qc_config_init(&cfg2);
    qc_diags_init(&d1);
    qc_diags_init(&d2);

    size_t errors = load("fuzz.qvmconf", (const char *)data, size, &src1, &cfg1, &d1);

    /* Always exercise the writer and the printers, valid input or not. */
    f = open_memstream(&out, &outlen);
    if (!f)
        goto out;
    qc_write(f, &cfg1);
    if (fclose(f))
        goto out;
    f = fopen("/dev/null", "w");
    if (f) {
        qc_diags_print(f, &d1, &src1);
        qc_diags_print_json(f, &d1);
        if (!errors)
            translate(&cfg1, f);
        fclose(f);
    }

    if (errors)
        goto out;
    if (load("canonical.qvmconf", out, outlen, &src2, &cfg2, &d2))
        fail("the canonical text of a valid configuration has errors", out, &d2, &src2);
    if (!qc_config_equal(&cfg1, &cfg2))
        fail("parse(write(parse(x))) differs from parse(x)", out, &d2, &src2);

out:
    free(out);
    qc_diags_dispose(&d1);
    qc_diags_dispose(&d2);
    qc_config_dispose(&cfg1);
    qc_config_dispose(&cfg2);
    qc_sources_dispose(&src1);
    qc_sources_dispose(&src2);
    return 0;
}
