/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests for conf/diag.c: collecting, gcc-style printing, JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf/diag.h"
#include "conf/doc.h"

/* Runs `fn` with a memory stream and returns what it printed (malloc'd). */
struct out {
    char *buf;
    size_t len;
    FILE *fp;
};

static void out_open(struct out *o)
{
    o->buf = NULL;
    o->len = 0;
    o->fp = open_memstream(&o->buf, &o->len);
    assert_non_null(o->fp);
}

static char *out_close(struct out *o)
{
    assert_int_equal(fclose(o->fp), 0);
    return o->buf;
}

/* A strict little JSON checker (RFC 8259 grammar, UTF-8 text). */
static const char *json_value(const char *p);

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *json_string(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (;;) {
        unsigned char c = (unsigned char)*p;

        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            p++;
            if (*p == 'u') {
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                p += 5;
            } else if (*p && strchr("\"\\/bfnrt", *p)) {
                p++;
            } else {
                return NULL;
            }
        } else if (c < 0x80) {
            p++;
        } else {
            int n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 ? 1 : -1;

            if (n < 0 || c > 0xf4)
                return NULL;
            for (int i = 1; i <= n; i++)
                if (((unsigned char)p[i] & 0xc0) != 0x80)
                    return NULL;
            p += n + 1;
        }
    }
}

static const char *json_seq(const char *p, char close, bool keyed)
{
    p = json_ws(p + 1);
    if (*p == close)
        return p + 1;
    for (;;) {
        if (keyed) {
            p = json_string(json_ws(p));
            if (!p)
                return NULL;
            p = json_ws(p);
            if (*p++ != ':')
                return NULL;
        }
        p = json_value(p);
        if (!p)
            return NULL;
        p = json_ws(p);
        if (*p == close)
            return p + 1;
        if (*p++ != ',')
            return NULL;
    }
}

static const char *json_value(const char *p)
{
    p = json_ws(p);
    if (*p == '{')
        return json_seq(p, '}', true);
    if (*p == '[')
        return json_seq(p, ']', false);
    if (*p == '"')
        return json_string(p);
    if (!strncmp(p, "null", 4) || !strncmp(p, "true", 4))
        return p + 4;
    if (*p >= '0' && *p <= '9') {
        while (*p >= '0' && *p <= '9')
            p++;
        return p;
    }
    return NULL;
}

static bool json_valid(const char *s)
{
    const char *p = json_value(s);

    return p && *json_ws(p) == '\0';
}

static void test_json_checker_can_fail(void **state)
{
    (void)state;
    assert_true(json_valid("[{\"a\": \"b\\n\", \"c\": null, \"d\": [1, 2]}]"));
    assert_false(json_valid("[\"a\nb\"]"));
    assert_false(json_valid("[\"\\x\"]"));
    assert_false(json_valid("[\"\xff\"]"));
    assert_false(json_valid("[1,]"));
    assert_false(json_valid("[1] x"));
}

static void test_print_gcc_caret(void **state)
{
    const char t[] = "ram 1m\r\n\tvdev x\n";
    struct qc_doc doc; /* the source text for the carets */
    struct qc_diags d;
    struct out o;
    struct qc_loc l2 = {"g.qvmconf", 2, 7}, l1 = {"g.qvmconf", 1, 5};
    int idx;

    (void)state;
    qc_doc_init(&doc, NULL);
    qc_diags_init(&d);
    assert_int_equal(qc_doc_read_buffer(&doc, "g.qvmconf", t, sizeof(t) - 1), 0);
    l1.file = l2.file = doc.src.items[0].name;
    idx = qc_diag(&d, QC_CK_ARG_INVALID, l2, "bad %s", "thing");
    assert_int_equal(idx, 0);
    qc_diag_note(&d, idx, l1, "first %d here", 1);
    qc_diag(&d, QC_CK_OVERLAP, l1, "hmm");
    out_open(&o);
    qc_diags_print(o.fp, &d, &doc.src);
    char *s = out_close(&o);
    assert_string_equal(s, "g.qvmconf:2:7: error: bad thing [arg-invalid]\n"
                           "\tvdev x\n"
                           "\t     ^\n"
                           "g.qvmconf:1:5: note: first 1 here\n"
                           "ram 1m\n"
                           "    ^\n"
                           "g.qvmconf:1:5: warning: hmm [overlap]\n"
                           "ram 1m\n"
                           "    ^\n");
    free(s);

    out_open(&o);
    qc_diags_print_summary(o.fp, &d);
    s = out_close(&o);
    assert_string_equal(s, "1 error, 1 warning\n");
    free(s);
    qc_diags_dispose(&d);
    qc_doc_dispose(&doc);
}

static void test_print_without_source(void **state)
{
    struct qc_diags d;
    struct out o;
    struct qc_loc known = {"f", 3, 2}, noline = {"f", 0, 0}, nofile = {NULL, 0, 0};

    (void)state;
    qc_diags_init(&d);
    qc_diag(&d, QC_CK_ARG_MISSING, known, "x");
    qc_diag(&d, QC_CK_OVERLAP, noline, "y");
    qc_diag(&d, QC_CK_ARCH_ASSUMED, nofile, "z");
    out_open(&o);
    qc_diags_print(o.fp, &d, NULL);
    char *s = out_close(&o);
    assert_string_equal(s, "f:3:2: error: x [arg-missing]\n"
                           "f: warning: y [overlap]\n"
                           "<unknown>: note: z [arch-assumed]\n");
    free(s);
    qc_diags_dispose(&d);
}

static void test_print_caret_utf8_and_ctrl(void **state)
{
    struct qc_doc doc;
    struct out o;
    const char t[] = "caf\xc3\xa9 \x01x";

    (void)state;
    qc_doc_init(&doc, NULL);
    /* The control character at byte column 7 is the error itself. */
    assert_int_equal(qc_doc_read_buffer(&doc, "u", t, sizeof(t) - 1), -1);
    out_open(&o);
    qc_diags_print(o.fp, &doc.d, &doc.src);
    char *s = out_close(&o);
    char *nl = strchr(s, '\n');
    assert_non_null(nl);
    assert_non_null(strstr(s, "u:1:7: error: "));
    assert_non_null(strstr(s, " [syntax-control-char]\n"));
    assert_string_equal(nl + 1, "caf\xc3\xa9 ?x\n     ^\n");
    free(s);
    qc_doc_dispose(&doc);
}

static void test_caret_on_command_line(void **state)
{
    struct qc_doc doc;
    struct out o;
    const char *argv[] = {"ram", "@no-such-file.qvmconf"};

    (void)state;
    qc_doc_init(&doc, NULL);
    assert_int_equal(qc_doc_read_words(&doc, 2, argv), -1);
    out_open(&o);
    qc_diags_print(o.fp, &doc.d, &doc.src);
    char *s = out_close(&o);
    assert_non_null(strstr(s, "<command-line>:1:5: error: "));
    assert_non_null(strstr(s, "\nram @no-such-file.qvmconf\n    ^\n"));
    free(s);
    qc_doc_dispose(&doc);
}

static void test_json_output(void **state)
{
    struct qc_diags d;
    struct out o;
    struct qc_loc l = {"we\"ird\\name\n", 1, 2};
    int idx;

    (void)state;
    qc_diags_init(&d);
    out_open(&o);
    qc_diags_print_json(o.fp, &d);
    char *s = out_close(&o);
    assert_true(json_valid(s));
    assert_string_equal(s, "[]\n");
    free(s);

    idx = qc_diag(&d, QC_CK_ARG_COUNT, l, "ctl \x01\x1f\x7f tab\t quote\" bs\\ nl\n");
    qc_diag_note(&d, idx, l,
                 "bad utf8 \xff\xc3 ok \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xed\xa0\x80");
    qc_diag(&d, QC_CK_DUP_INTR, l, "%s", "plain");
    out_open(&o);
    qc_diags_print_json(o.fp, &d);
    s = out_close(&o);
    if (!json_valid(s))
        fail_msg("invalid JSON: %s", s);
    assert_non_null(strstr(s, "\"check\": \"arg-count\""));
    assert_non_null(strstr(s, "\"severity\": \"warning\""));
    assert_non_null(strstr(s, "\"note\": null"));
    assert_non_null(strstr(s, "\\u0001"));
    assert_non_null(strstr(s, "\xc3\xa9"));
    free(s);
    qc_diags_dispose(&d);
}

static void test_disable_promote(void **state)
{
    static const char *const off[] = {"overlap", NULL};
    static const char *const up[] = {"dup-intr", NULL};
    struct qc_diags d;
    struct qc_loc l = {"f", 1, 1};

    (void)state;
    qc_diags_init(&d);
    d.disabled = off;
    d.promoted = up;
    assert_int_equal(qc_diag(&d, QC_CK_OVERLAP, l, "w"), -1);
    assert_int_equal(qc_diag_sev(&d, QC_SEV_ERROR, QC_CK_OVERLAP, l, "e"), 0);
    assert_int_equal(qc_diag(&d, QC_CK_DUP_INTR, l, "w"), 1);
    assert_int_equal(d.items[1].sev, QC_SEV_ERROR);
    assert_int_equal(qc_diag(&d, QC_CK_SET_UNKNOWN_VAR, l, "w"), 2);
    assert_int_equal(d.errors, 2);
    assert_int_equal(d.warnings, 1);
    qc_diag_note(&d, 7, l, "ignored");
    qc_diag_note(&d, -1, l, "ignored");
    qc_diag_note(&d, 2, l, "one");
    qc_diag_note(&d, 2, l, "two");
    assert_string_equal(d.items[2].note, "two");
    qc_diags_dispose(&d);
    assert_int_equal(d.count, 0);
    qc_diags_dispose(&d); /* idempotent */
}

static void test_summary(void **state)
{
    struct qc_diags d;
    struct qc_loc l = {"f", 1, 1};
    struct out o;

    (void)state;
    qc_diags_init(&d);
    out_open(&o);
    qc_diags_print_summary(o.fp, &d);
    char *s = out_close(&o);
    assert_string_equal(s, "");
    free(s);
    qc_diag(&d, QC_CK_ARG_MISSING, l, "x");
    qc_diag(&d, QC_CK_ARG_MISSING, l, "x");
    out_open(&o);
    qc_diags_print_summary(o.fp, &d);
    s = out_close(&o);
    assert_string_equal(s, "2 errors\n");
    free(s);
    qc_diag_sev(&d, QC_SEV_WARNING, QC_CK_ARG_MISSING, l, "x");
    qc_diag_sev(&d, QC_SEV_WARNING, QC_CK_ARG_MISSING, l, "x");
    out_open(&o);
    qc_diags_print_summary(o.fp, &d);
    s = out_close(&o);
    assert_string_equal(s, "2 errors, 2 warnings\n");
    free(s);
    assert_string_equal(qc_severity_name(QC_SEV_NOTE), "note");
    qc_diags_dispose(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_checker_can_fail),
        cmocka_unit_test(test_print_gcc_caret),
        cmocka_unit_test(test_print_without_source),
        cmocka_unit_test(test_print_caret_utf8_and_ctrl),
        cmocka_unit_test(test_caret_on_command_line),
        cmocka_unit_test(test_json_output),
        cmocka_unit_test(test_disable_promote),
        cmocka_unit_test(test_summary),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
