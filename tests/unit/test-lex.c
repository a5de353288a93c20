/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests for the lexical layer: words, quotes, comments, @includes,
 * $-substitution and locations (conf/lex.c, conf/source.c, conf/subst.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/diag.h"
#include "conf/doc.h"

/* The lexer's calls are what is tested: they fill a document's sources, words and
 * diagnostics directly. */
struct fx {
    struct qc_doc doc;
};

static char tmpdir[64];
static char *oldcwd;

/* Every test runs inside a fresh directory below the current one, which
 * also checks that relative @paths are taken from the working directory. */
static int setup_dir(void **state)
{
    (void)state;
    oldcwd = getcwd(NULL, 0);
    strcpy(tmpdir, "test-lex.XXXXXX");
    if (!oldcwd || !mkdtemp(tmpdir) || chdir(tmpdir))
        return -1;
    return 0;
}

static int teardown_dir(void **state)
{
    char cmd[128];

    (void)state;
    if (chdir(oldcwd))
        return -1;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    free(oldcwd);
    return system(cmd);
}

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f)
        return -1;
    qc_doc_init(&f->doc, NULL);
    *state = f;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;

    qc_doc_dispose(&f->doc);
    free(f);
    return 0;
}

static void write_file(const char *name, const char *text)
{
    FILE *fp = fopen(name, "w");

    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

/* The one diagnostic with this check name (fails if there are several). */
static const struct qc_diag *diag_of(const struct fx *f, const char *check)
{
    const struct qc_diag *found = NULL;

    for (size_t i = 0; i < f->doc.d.count; i++) {
        if (!strcmp(f->doc.d.items[i].check, check)) {
            assert_null(found);
            found = &f->doc.d.items[i];
        }
    }
    if (!found)
        fail_msg("no diagnostic [%s]", check);
    return found;
}

static void assert_loc(struct qc_loc loc, const char *file, uint32_t line, uint32_t col)
{
    assert_non_null(loc.file);
    assert_string_equal(loc.file, file);
    assert_int_equal(loc.line, line);
    assert_int_equal(loc.col, col);
}

/* ---- plain lexing, table-driven ---- */

struct lex_case {
    const char *in;
    size_t len; /* 0: strlen(in) */
    const char *want[8];
};

static const struct lex_case lex_cases[] = {
    {"a b\tc\r\nd\n", 0, {"a", "b", "c", "d"}},
    {"", 0, {NULL}},
    {" \t\r\n\n", 0, {NULL}},
    {"vdev pl011\n  loc 0x1c090000 # the UART\n", 0, {"vdev", "pl011", "loc", "0x1c090000"}},
    {"ab#c d\ne", 0, {"ab", "e"}},
    {"# only a comment", 0, {NULL}},
    {"x#", 0, {"x"}},
    {"#\xc3\xa9\xe2\x82\xac \x01\x7f\xff comment\ny", 0, {"y"}},
    {"#\0\x02\nz", 5, {"z"}},
    {"cmdline \"console=ttyAMA0 debug\"", 0, {"cmdline", "console=ttyAMA0 debug"}},
    {"hostdev >\"|cmd arg\"", 0, {"hostdev", ">|cmd arg"}},
    {"a\"b c\"d", 0, {"ab cd"}},
    {"a\"b\"\"c\"d", 0, {"abcd"}},
    {"\"\"", 0, {""}},
    {"x \"\" y", 0, {"x", "", "y"}},
    {"\"a # b\" c", 0, {"a # b", "c"}},
    {"\"a\n\tb\"", 0, {"a\n\tb"}},
    {"\"a\r\nb\"", 0, {"a\r\nb"}},
    {"\"a \\\nb\"", 0, {"a b"}},
    {"\"a\\\r\nb\"", 0, {"ab"}},
    {"\"a\\\"b\"", 0, {"a\"b"}},
    {"\"a\\\\b\"", 0, {"a\\b"}},
    {"\"a\\nb\\\"", 0, {NULL}}, /* \" does not close: unterminated */
    {"\"a\\nb\"", 0, {"a\\nb"}},
    {"a\\b \\", 0, {"a\\b", "\\"}},
    {"a\\\"b c\"", 0, {"a\\b c"}},
    {"a\\\nb", 0, {"a\\", "b"}},
    {"caf\xc3\xa9 \xff\xfe", 0, {"caf\xc3\xa9", "\xff\xfe"}},
    {"$ $$ a$b $env $env(X) $envx{X} $asinfo_start $HOME{X}",
     0,
     {"$", "$$", "a$b", "$env", "$env(X)", "$envx{X}", "$asinfo_start", "$HOME{X}"}},
    {"{a} b,c:d=e/f<g>h|i*j?k", 0, {"{a}", "b,c:d=e/f<g>h|i*j?k"}},
    {"\"@x\" a@b", 0, {"@x", "a@b"}},
};

static void test_lex_table(void **state)
{
    for (size_t i = 0; i < sizeof(lex_cases) / sizeof(lex_cases[0]); i++) {
        const struct lex_case *c = &lex_cases[i];
        size_t n = 0;

        fx_setup(state);
        struct fx *f = *state;
        qc_read_text(&f->doc.src, &f->doc.words, "t.qvmconf", c->in,
                     c->len ? c->len : strlen(c->in), NULL, &f->doc.d);
        while (n < 8 && c->want[n])
            n++;
        if (f->doc.words.count != n)
            fail_msg("case %zu: %zu words, want %zu", i, f->doc.words.count, n);
        for (size_t k = 0; k < n; k++) {
            if (f->doc.words.items[k].len != strlen(c->want[k]) ||
                strcmp(f->doc.words.items[k].text, c->want[k]))
                fail_msg("case %zu word %zu: got \"%s\" want \"%s\"", i, k,
                         f->doc.words.items[k].text, c->want[k]);
        }
        fx_teardown(state);
    }
}

static void test_lex_return_and_quoted(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        qc_read_text(&f->doc.src, &f->doc.words, "t", "a \"b\" c\"\"", 9, NULL, &f->doc.d), 0);
    assert_int_equal(f->doc.d.count, 0);
    assert_int_equal(f->doc.words.count, 3);
    assert_false(f->doc.words.items[0].quoted);
    assert_true(f->doc.words.items[1].quoted);
    assert_true(f->doc.words.items[2].quoted);
    assert_int_equal(f->doc.words.items[0].seg, f->doc.words.items[2].seg);
}

static void test_lex_locations(void **state)
{
    struct fx *f = *state;
    const char *t = "ram 1m\n  \tvdev \"x y\"\r\n#c\n  z \"a\nbc\" d \"e\\\nf\" g\n\t\th";

    assert_int_equal(
        qc_read_text(&f->doc.src, &f->doc.words, "loc.qvmconf", t, strlen(t), NULL, &f->doc.d), 0);
    assert_int_equal(f->doc.words.count, 10);
    assert_loc(f->doc.words.items[0].loc, "loc.qvmconf", 1, 1); /* ram */
    assert_loc(f->doc.words.items[1].loc, "loc.qvmconf", 1, 5); /* 1m */
    assert_loc(f->doc.words.items[2].loc, "loc.qvmconf", 2, 4); /* vdev */
    assert_loc(f->doc.words.items[3].loc, "loc.qvmconf", 2, 9); /* "x y" */
    assert_loc(f->doc.words.items[4].loc, "loc.qvmconf", 4, 3); /* z */
    assert_loc(f->doc.words.items[5].loc, "loc.qvmconf", 4, 5); /* "a\nbc" */
    assert_string_equal(f->doc.words.items[5].text, "a\nbc");
    assert_loc(f->doc.words.items[6].loc, "loc.qvmconf", 5, 5); /* d */
    assert_loc(f->doc.words.items[7].loc, "loc.qvmconf", 5, 7); /* "e\<NL>f" */
    assert_string_equal(f->doc.words.items[7].text, "ef");
    assert_loc(f->doc.words.items[8].loc, "loc.qvmconf", 6, 4); /* g */
    assert_loc(f->doc.words.items[9].loc, "loc.qvmconf", 7, 3); /* h */
}

static void test_lex_control_chars(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        uint32_t line, col;
    } cases[] = {
        {"ab\001cd", 5, 1, 3}, {"x\n \x7f", 4, 2, 2},    {"\"a\x02\"", 4, 1, 3},
        {"a\0b", 3, 1, 2},     {"ok \x1b[31m", 8, 1, 4}, {"\"q\n\x0c\"", 5, 2, 1},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fx_setup(state);
        struct fx *f = *state;
        assert_int_equal(qc_read_text(&f->doc.src, &f->doc.words, "c", cases[i].in, cases[i].len,
                                      NULL, &f->doc.d),
                         -1);
        assert_int_equal(f->doc.d.errors, 1);
        assert_loc(diag_of(f, "syntax-control-char")->loc, "c", cases[i].line, cases[i].col);
        fx_teardown(state);
    }
}

static void test_lex_control_flood(void **state)
{
    struct fx *f = *state;
    char buf[1000];

    memset(buf, 1, sizeof(buf));
    assert_int_equal(
        qc_read_text(&f->doc.src, &f->doc.words, "bin", buf, sizeof(buf), NULL, &f->doc.d), -1);
    assert_true(f->doc.d.count >= 1 && f->doc.d.count <= 50);
}

static void test_lex_unterminated(void **state)
{
    struct fx *f = *state;
    const char *t = "a\n  b\"c d\n e";

    assert_int_equal(qc_read_text(&f->doc.src, &f->doc.words, "u", t, strlen(t), NULL, &f->doc.d),
                     -1);
    assert_loc(diag_of(f, "syntax-unterminated-quote")->loc, "u", 2, 4);
    assert_int_equal(f->doc.words.count, 1);
    assert_string_equal(f->doc.words.items[0].text, "a");
}

/* Word texts stay put while the arena grows, including one word larger
 * than an arena chunk. */
static void test_lex_many_words(void **state)
{
    struct fx *f = *state;
    size_t n = 200000, big = 300000, o = 0;
    char *t = malloc(n * 8 + big + 8);
    const char *first;

    assert_non_null(t);
    for (size_t i = 0; i < n; i++)
        o += (size_t)sprintf(t + o, "w%05zu\n", i % 100000);
    t[o++] = '"'; /* one quoted word over lines (each below the 64 KiB line limit) */
    memset(t + o, 'x', big);
    for (size_t k = 50000; k < big; k += 50000)
        t[o + k] = '\n';
    o += big;
    t[o++] = '"';
    assert_int_equal(qc_read_text(&f->doc.src, &f->doc.words, "big", t, o, NULL, &f->doc.d), 0);
    free(t);
    assert_int_equal(f->doc.words.count, n + 1);
    first = f->doc.words.items[0].text;
    assert_string_equal(first, "w00000");
    assert_string_equal(f->doc.words.items[n - 1].text, "w99999");
    assert_int_equal(f->doc.words.items[n - 1].loc.line, n);
    assert_int_equal(f->doc.words.items[n].len, big);
    assert_int_equal(strlen(f->doc.words.items[n].text), big);
    assert_ptr_equal(first, f->doc.words.items[0].text);
}

/* ---- command line and @file ---- */

static void test_args_literal_and_cols(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"ram", "1m", "x # y", "\"q\"", "a\nb", "$env"};

    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 6, argv, NULL, &f->doc.d), 0);
    assert_int_equal(f->doc.words.count, 6);
    for (int i = 0; i < 6; i++) {
        assert_string_equal(f->doc.words.items[i].text, argv[i]);
        assert_false(f->doc.words.items[i].quoted);
        assert_int_equal(f->doc.words.items[i].seg, f->doc.words.items[0].seg);
    }
    assert_loc(f->doc.words.items[0].loc, "<command-line>", 1, 1);
    assert_loc(f->doc.words.items[1].loc, "<command-line>", 1, 5);
    assert_loc(f->doc.words.items[2].loc, "<command-line>", 1, 8);
    assert_loc(f->doc.words.items[3].loc, "<command-line>", 1, 14);
    assert_loc(f->doc.words.items[4].loc, "<command-line>", 1, 18);
}

static void test_include_nested_segments(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"x", "@top.qvmconf", "y", "z"};
    static const char *want[] = {"x", "a1", "a2", "c", "e", "d", "b1", "b2", "y", "z"};

    write_file("top.qvmconf", "a1 a2 @mid.qvmconf\nb1 b2\n");
    write_file("mid.qvmconf", "c\n@leaf.qvmconf d");
    write_file("leaf.qvmconf", "# leaf\n  e");
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 4, argv, NULL, &f->doc.d), 0);
    assert_int_equal(f->doc.d.count, 0);
    assert_int_equal(f->doc.words.count, 10);
    for (size_t i = 0; i < 10; i++)
        assert_string_equal(f->doc.words.items[i].text, want[i]);
    /* Same run, same segment; every boundary changes it. */
    assert_int_equal(f->doc.words.items[1].seg, f->doc.words.items[2].seg);
    assert_int_equal(f->doc.words.items[6].seg, f->doc.words.items[7].seg);
    assert_int_equal(f->doc.words.items[8].seg, f->doc.words.items[9].seg);
    for (size_t i = 0; i < 9; i++)
        if (i != 1 && i != 6 && i != 8)
            assert_int_not_equal(f->doc.words.items[i].seg, f->doc.words.items[i + 1].seg);
    assert_int_not_equal(f->doc.words.items[0].seg, f->doc.words.items[8].seg);
    assert_int_not_equal(f->doc.words.items[2].seg, f->doc.words.items[6].seg);
    assert_loc(f->doc.words.items[0].loc, "<command-line>", 1, 1);
    assert_loc(f->doc.words.items[1].loc, "top.qvmconf", 1, 1);
    assert_loc(f->doc.words.items[4].loc, "leaf.qvmconf", 2, 3);
    assert_loc(f->doc.words.items[5].loc, "mid.qvmconf", 2, 15);
    assert_loc(f->doc.words.items[6].loc, "top.qvmconf", 2, 1);
    assert_loc(f->doc.words.items[8].loc, "<command-line>", 1, 16);
    assert_loc(f->doc.words.items[9].loc, "<command-line>", 1, 18);
}

static void test_include_from_text_and_quoted_path(void **state)
{
    struct fx *f = *state;
    const char *t = "a @\"sp ace.qvmconf\" b @sp\" \"ace.qvmconf";

    write_file("sp ace.qvmconf", "in");
    assert_int_equal(qc_read_text(&f->doc.src, &f->doc.words, "t", t, strlen(t), NULL, &f->doc.d),
                     0);
    assert_int_equal(f->doc.words.count, 4);
    assert_string_equal(f->doc.words.items[1].text, "in");
    assert_string_equal(f->doc.words.items[3].text, "in");
    assert_int_not_equal(f->doc.words.items[0].seg, f->doc.words.items[1].seg);
    assert_int_not_equal(f->doc.words.items[1].seg, f->doc.words.items[2].seg);
    assert_int_not_equal(f->doc.words.items[1].seg, f->doc.words.items[3].seg);
}

static void test_include_twice_is_fine(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"@once.qvmconf", "@once.qvmconf"};

    write_file("once.qvmconf", "w");
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 2, argv, NULL, &f->doc.d), 0);
    assert_int_equal(f->doc.words.count, 2);
    assert_int_not_equal(f->doc.words.items[0].seg, f->doc.words.items[1].seg);
}

static void test_include_recursion(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"@ra.qvmconf"};
    const struct qc_diag *dg;

    write_file("ra.qvmconf", "1 @rb.qvmconf 4");
    write_file("rb.qvmconf", "2\n @./ra.qvmconf 3");
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 1, argv, NULL, &f->doc.d), -1);
    dg = diag_of(f, "include-recursion");
    assert_int_equal(dg->sev, QC_SEV_ERROR);
    assert_loc(dg->loc, "rb.qvmconf", 2, 2);
    assert_true(dg->has_note);
    assert_loc(dg->note_loc, "<command-line>", 1, 1);
    assert_int_equal(f->doc.words.count, 4); /* reading goes on after the error */
    assert_string_equal(f->doc.words.items[3].text, "4");
}

static void test_include_self(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"a", "@self.qvmconf"};
    const struct qc_diag *dg;

    write_file("self.qvmconf", "x @self.qvmconf");
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 2, argv, NULL, &f->doc.d), -1);
    dg = diag_of(f, "include-recursion");
    assert_loc(dg->loc, "self.qvmconf", 1, 3);
    assert_loc(dg->note_loc, "<command-line>", 1, 3);
}

static void test_include_depth(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"@d1"};
    char name[16], text[32];

    for (int i = 1; i <= 17; i++) {
        snprintf(name, sizeof(name), "d%d", i);
        snprintf(text, sizeof(text), "w%d @d%d", i, i + 1);
        write_file(name, i == 17 ? "w17" : text);
    }
    /* Default limit 16: d1..d16 are read, d16's include of d17 fails. */
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 1, argv, NULL, &f->doc.d), -1);
    assert_loc(diag_of(f, "include-depth")->loc, "d16", 1, 5);
    assert_int_equal(f->doc.words.count, 16);
    fx_teardown(state);

    fx_setup(state);
    f = *state;
    struct qc_read_opts o = {.max_include_depth = 2};
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 1, argv, &o, &f->doc.d), -1);
    assert_loc(diag_of(f, "include-depth")->loc, "d2", 1, 4);
    assert_int_equal(f->doc.words.count, 2);
    fx_teardown(state);

    fx_setup(state);
    f = *state;
    o.max_include_depth = 17;
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 1, argv, &o, &f->doc.d), 0);
    assert_int_equal(f->doc.words.count, 17);
}

/* no_includes: every @file is "include-disabled", existing or not, and the
 * words around it are still read. */
static void test_include_disabled(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"a", "@real.qvmconf", "b", "@missing.qvmconf"};
    const char *t = "x @real.qvmconf y";
    struct qc_read_opts o = {.no_includes = true};
    size_t n = 0;

    write_file("real.qvmconf", "inside");
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 4, argv, &o, &f->doc.d), -1);
    assert_int_equal(qc_read_text(&f->doc.src, &f->doc.words, "t", t, strlen(t), &o, &f->doc.d),
                     -1);
    for (size_t i = 0; i < f->doc.d.count; i++) {
        assert_string_equal(f->doc.d.items[i].check, "include-disabled");
        n++;
    }
    assert_int_equal(n, 3);
    assert_int_equal(f->doc.words.count, 4);
    assert_string_equal(f->doc.words.items[0].text, "a");
    assert_string_equal(f->doc.words.items[1].text, "b");
    assert_string_equal(f->doc.words.items[2].text, "x");
    assert_string_equal(f->doc.words.items[3].text, "y");
    assert_int_equal(f->doc.src.count, 2); /* the command line and t, no file */
}

static void test_include_unreadable(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"a", "@missing.qvmconf", "b", "@.", "@"};
    const char *t = "x\n  @nope";

    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 5, argv, NULL, &f->doc.d), -1);
    assert_int_equal(f->doc.d.errors, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(f->doc.d.items[i].check, "include-unreadable");
    assert_loc(f->doc.d.items[0].loc, "<command-line>", 1, 3);
    assert_non_null(strstr(f->doc.d.items[0].msg, "missing.qvmconf"));
    assert_loc(f->doc.d.items[1].loc, "<command-line>", 1, 22);
    assert_int_equal(f->doc.words.count, 2);
    fx_teardown(state);

    fx_setup(state);
    f = *state;
    assert_int_equal(qc_read_text(&f->doc.src, &f->doc.words, "t", t, strlen(t), NULL, &f->doc.d),
                     -1);
    assert_loc(diag_of(f, "include-unreadable")->loc, "t", 2, 3);
}

static void test_include_too_large(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"@ten", "@eleven"};
    struct qc_read_opts o = {.max_file_size = 10};

    write_file("ten", "0123456789");
    write_file("eleven", "0123456789a");
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 2, argv, &o, &f->doc.d), -1);
    assert_loc(diag_of(f, "include-too-large")->loc, "<command-line>", 1, 6);
    assert_int_equal(f->doc.d.errors, 1);
    assert_int_equal(f->doc.words.count, 1);
}

/* A FIFO (no writer: open would wait), a directory or a device is refused at
 * once; the words around them are still read. */
static void test_include_not_regular(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"a", "@fifo", "@.", "@/dev/null", "b"};

    assert_int_equal(mkfifo("fifo", 0600), 0);
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 5, argv, NULL, &f->doc.d), -1);
    assert_int_equal(f->doc.d.errors, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(f->doc.d.items[i].check, "include-unreadable");
    assert_non_null(strstr(f->doc.d.items[0].msg, "not a regular file"));
    assert_non_null(strstr(f->doc.d.items[2].msg, "not a regular file"));
    assert_int_equal(f->doc.words.count, 2);
}

/* Fan-out: every file includes the next one three times, so the text read
 * grows as 3^depth though each file is tiny. The total is bounded. */
static void test_include_total(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"@f1"};
    char name[16], text[64];

    for (int i = 1; i <= 12; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        snprintf(text, sizeof(text), "w @f%d @f%d @f%d", i + 1, i + 1, i + 1);
        write_file(name, i == 12 ? "w" : text);
    }
    struct qc_read_opts o = {.max_total_size = 4096};
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 1, argv, &o, &f->doc.d), -1);
    assert_non_null(diag_of(f, "include-total"));
    assert_true(f->doc.src.count <= 4); /* each read costs at least 1 KiB of the 4 KiB */
    fx_teardown(state);

    fx_setup(state);
    f = *state;
    o.max_total_size = 0; /* the default, 64 MiB: 3^11 reads of f12 exceed it too */
    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 1, argv, &o, &f->doc.d), -1);
    assert_non_null(diag_of(f, "include-total"));
    assert_true(f->doc.src.count <= (64u << 20) / 1024 + 1);
}

/* A line longer than 64 KiB is refused at its line, and its file is not read. */
static void test_long_line(void **state)
{
    struct fx *f = *state;
    size_t n = (64u << 10) + 1;
    char *t = malloc(n + 16);

    assert_non_null(t);
    strcpy(t, "ram 1m\ncmdline ");
    memset(t + 15, 'x', n - 8);
    strcpy(t + 15 + n - 8, "\n");
    assert_int_equal(qc_read_text(&f->doc.src, &f->doc.words, "t", t, strlen(t), NULL, &f->doc.d),
                     -1);
    assert_loc(diag_of(f, "syntax-line-too-long")->loc, "t", 2, (64u << 10) + 1);
    assert_int_equal(f->doc.words.count, 0);
    free(t);
}

/* ---- substitution ---- */

static const char *const fake_env[][2] = {
    {"HOST_DEV", "/dev/ser3"}, {"EMPTY", ""},    {"SP", "a b"},
    {"REC", "$env{HOST_DEV}"}, {"ODD", "q\"#x"}, {"INC", "inc.qvmconf"},
};

static int env_cb(void *opaque, const char *name, const char **out)
{
    (void)opaque;
    for (size_t i = 0; i < sizeof(fake_env) / sizeof(fake_env[0]); i++) {
        if (!strcmp(fake_env[i][0], name)) {
            *out = fake_env[i][1];
            return 0;
        }
    }
    return -1;
}

static int asinfo_cb(void *opaque, const char *name, uint64_t *start, uint64_t *length)
{
    (void)opaque;
    if (strcmp(name, "guestmem1"))
        return -1;
    *start = 0x80000000;
    *length = 0x1000000;
    return 0;
}

static const struct qc_subst fake = {env_cb, asinfo_cb, NULL};
static const struct qc_read_opts fake_opts = {.subst = &fake};

static const struct lex_case subst_cases[] = {
    {"hostdev $env{HOST_DEV}", 0, {"hostdev", "/dev/ser3"}},
    {"\"x $env{SP} y\"", 0, {"x a b y"}},
    {"$env{SP}", 0, {"a b"}},
    {"$env{EMPTY} z", 0, {"", "z"}},
    {"$env{REC} $env{ODD}", 0, {"$env{HOST_DEV}", "q\"#x"}},
    {"0x10000000,$asinfo_length{guestmem1},rw=$asinfo_start{guestmem1}",
     0,
     {"0x10000000,0x1000000,rw=0x80000000"}},
    {"\"$asinfo_start{guestmem1}\"$env{HOST_DEV}", 0, {"0x80000000/dev/ser3"}},
    {"$$env{SP}$", 0, {"$a b$"}},
    {"@$env{INC} after", 0, {"included", "after"}},
};

static void test_subst_table(void **state)
{
    write_file("inc.qvmconf", "included");
    for (size_t i = 0; i < sizeof(subst_cases) / sizeof(subst_cases[0]); i++) {
        const struct lex_case *c = &subst_cases[i];
        size_t n = 0;

        fx_setup(state);
        struct fx *f = *state;
        if (qc_read_text(&f->doc.src, &f->doc.words, "s", c->in, strlen(c->in), &fake_opts,
                         &f->doc.d))
            fail_msg("case %zu failed: %s", i, f->doc.d.count ? f->doc.d.items[0].check : "?");
        while (n < 8 && c->want[n])
            n++;
        if (f->doc.words.count != n)
            fail_msg("case %zu: %zu words, want %zu", i, f->doc.words.count, n);
        for (size_t k = 0; k < n; k++)
            if (strcmp(f->doc.words.items[k].text, c->want[k]))
                fail_msg("case %zu word %zu: got \"%s\" want \"%s\"", i, k,
                         f->doc.words.items[k].text, c->want[k]);
        fx_teardown(state);
    }
}

static void test_subst_errors(void **state)
{
    static const struct {
        const char *in;
        const char *check;
        uint32_t col;
        const struct qc_read_opts *opts;
    } cases[] = {
        {"x $env{NOPE}", "subst-undefined-env", 3, &fake_opts},
        {"x $env{HOME}", "subst-undefined-env", 3, NULL},
        {"x $env{}", "subst-undefined-env", 3, &fake_opts},
        {"  a$asinfo_start{nope}", "subst-undefined-asinfo", 4, &fake_opts},
        {"$asinfo_length{guestmem1}", "subst-undefined-asinfo", 1, NULL},
        {"$asinfo_start{/a/b}", "subst-asinfo-path", 1, &fake_opts},
        {"$asinfo_length{a/guestmem1}", "subst-asinfo-path", 1, &fake_opts},
        {"$env{A", "subst-unterminated", 1, &fake_opts},
        {"$env{A B}", "subst-unterminated", 1, &fake_opts},
        {"xy\"$env{A\"", "subst-unterminated", 4, &fake_opts},
        {"$asinfo_start{", "subst-unterminated", 1, &fake_opts},
        {"$env{A#}", "subst-unterminated", 1, &fake_opts},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fx_setup(state);
        struct fx *f = *state;
        int rc = qc_read_text(&f->doc.src, &f->doc.words, "e", cases[i].in, strlen(cases[i].in),
                              cases[i].opts, &f->doc.d);
        if (rc != -1 || f->doc.d.count != 1 || strcmp(f->doc.d.items[0].check, cases[i].check) ||
            f->doc.d.items[0].loc.col != cases[i].col || f->doc.d.items[0].loc.line != 1)
            fail_msg("case %zu \"%s\": rc %d, %zu diags, first [%s] col %u", i, cases[i].in, rc,
                     f->doc.d.count, f->doc.d.count ? f->doc.d.items[0].check : "",
                     f->doc.d.count ? f->doc.d.items[0].loc.col : 0);
        fx_teardown(state);
    }
}

static void test_subst_args(void **state)
{
    struct fx *f = *state;
    const char *argv[] = {"hostdev", "a$env{NOPE}", "$env{SP}", "$asinfo_start{guestmem1}"};

    assert_int_equal(qc_read_args(&f->doc.src, &f->doc.words, 4, argv, &fake_opts, &f->doc.d), -1);
    assert_loc(diag_of(f, "subst-undefined-env")->loc, "<command-line>", 1, 10);
    assert_int_equal(f->doc.words.count, 4);
    assert_string_equal(f->doc.words.items[2].text, "a b");
    assert_string_equal(f->doc.words.items[3].text, "0x80000000");
}

static void test_subst_getenv(void **state)
{
    struct fx *f = *state;
    const struct qc_subst sb = {.env = qc_subst_getenv};
    const struct qc_read_opts o = {.subst = &sb};
    const char *t = "$env{QC_TEST_LEX_VAR}";

    assert_int_equal(setenv("QC_TEST_LEX_VAR", "val ue", 1), 0);
    assert_int_equal(qc_read_text(&f->doc.src, &f->doc.words, "g", t, strlen(t), &o, &f->doc.d), 0);
    assert_string_equal(f->doc.words.items[0].text, "val ue");
}

/* ---- robustness: arbitrary bytes never crash or read out of bounds ---- */

static void test_random_bytes(void **state)
{
    static const char alphabet[] = "\"\\$#@{}\n\r\t abenv{asinfo_start{guestmem1}HOST_DEV}/";
    unsigned seed = 12345;
    FILE *sink = fopen("sink.txt", "w");

    assert_non_null(sink);
    (void)state;
    for (int iter = 0; iter < 3000; iter++) {
        struct fx f;
        size_t len;
        char *buf;

        seed = seed * 1103515245 + 12345;
        len = (seed >> 16) % 300;
        /* Exactly len bytes, no terminator: ASan sees any overread. */
        buf = malloc(len ? len : 1);
        assert_non_null(buf);
        for (size_t i = 0; i < len; i++) {
            seed = seed * 1103515245 + 12345;
            buf[i] = (seed >> 20) % 4 ? alphabet[(seed >> 8) % (sizeof(alphabet) - 1)]
                                      : (char)(seed >> 12);
        }
        qc_doc_init(&f.doc, NULL);
        qc_read_text(&f.doc.src, &f.doc.words, "rand", buf, len, iter % 2 ? &fake_opts : NULL,
                     &f.doc.d);
        for (size_t i = 0; i < f.doc.words.count; i++) {
            assert_int_equal(strlen(f.doc.words.items[i].text), f.doc.words.items[i].len);
            assert_true(f.doc.words.items[i].loc.line >= 1 && f.doc.words.items[i].loc.col >= 1);
        }
        qc_diags_print(sink, &f.doc.d, &f.doc.src);
        qc_diags_print_json(sink, &f.doc.d);
        qc_doc_dispose(&f.doc);
        free(buf);
    }
    fclose(sink);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lex_table),
        T(test_lex_return_and_quoted),
        T(test_lex_locations),
        cmocka_unit_test(test_lex_control_chars),
        T(test_lex_control_flood),
        T(test_lex_unterminated),
        T(test_lex_many_words),
        T(test_args_literal_and_cols),
        T(test_include_nested_segments),
        T(test_include_from_text_and_quoted_path),
        T(test_include_twice_is_fine),
        T(test_include_recursion),
        T(test_include_self),
        T(test_include_depth),
        T(test_include_disabled),
        T(test_include_unreadable),
        T(test_include_too_large),
        T(test_include_not_regular),
        T(test_include_total),
        T(test_long_line),
        cmocka_unit_test(test_subst_table),
        cmocka_unit_test(test_subst_errors),
        T(test_subst_args),
        T(test_subst_getenv),
        cmocka_unit_test(test_random_bytes),
    };

    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
