/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of the qvm-xl command layer: the create step table and the
 * QVMXL_FAIL_AT hook, exit codes in the help text, and each command's
 * command-line parsing (no hypervisor needed: only paths that stop before
 * libxl are exercised). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "toolstack/checks.h"
#include "toolstack/monitor.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/steps.h"
#include "conf/suggest.h"
#include "tests/unit/qx-main.h"

static int run(const char *first, ...)
{
    char *argv[16] = {"qvm-xl", (char *)first};
    int argc = 2;
    va_list ap;

    va_start(ap, first);
    while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
        argc++;
    va_end(ap);
    return qx_main(argc, argv);
}

static void test_step_table(void **state)
{
    (void)state;
    for (int s = 0; s < QX_STEP_COUNT; s++) {
        assert_int_equal(qx_step_find(qx_step_name(s)), s);
        assert_int_not_equal(qx_step_exit(s), 0);
    }
    assert_int_equal(qx_step_find("nope"), -1);
    assert_int_equal(qx_step_exit(QX_STEP_HOST), QX_EXIT_HOST);
    assert_int_equal(qx_step_exit(QX_STEP_DOMAIN), QX_EXIT_CREATE);
    assert_int_equal(qx_step_exit(QX_STEP_BACKEND), QX_EXIT_BACKEND);
    assert_int_equal(qx_step_exit(QX_STEP_READY), QX_EXIT_BACKEND);
    assert_int_equal(qx_step_exit(QX_STEP_CONFIG), QX_EXIT_CONFIG);
}

static void test_fail_at(void **state)
{
    (void)state;
    assert_int_equal(qx_fail_at_parse(NULL), -1);
    assert_int_equal(qx_fail_at_parse(""), -1);
    assert_int_equal(qx_fail_at_parse("bogus"), -2);
    assert_int_equal(qx_fail_at_parse("unpause"), QX_STEP_UNPAUSE);
    setenv("QVMXL_FAIL_AT", "backend", 1);
    assert_true(qx_fail_injected(QX_STEP_BACKEND, stderr));
    assert_false(qx_fail_injected(QX_STEP_READY, stderr));
    unsetenv("QVMXL_FAIL_AT");
    assert_false(qx_fail_injected(QX_STEP_BACKEND, stderr));
}

/* The create row documents every exit class of the table. */
static void test_help_lists_exit_codes(void **state)
{
    const struct qx_cmd *c = qx_cmd_lookup("create");
    char want[16];

    (void)state;
    assert_non_null(c);
#define QX_EXIT_IN_HELP(e, code, text)                                                             \
    snprintf(want, sizeof(want), "%d ", code);                                                     \
    assert_non_null(strstr(c->options, want));
    QX_EXIT_CLASSES(QX_EXIT_IN_HELP)
#undef QX_EXIT_IN_HELP
}

static void test_lookup(void **state)
{
    (void)state;
    assert_string_equal(qx_cmd_lookup("cr")->name, "create");
    assert_string_equal(qx_cmd_lookup("conv")->name, "convert");
    assert_null(qx_cmd_lookup("con")); /* console or convert */
    assert_null(qx_cmd_lookup("c"));
    assert_string_equal(qx_cmd_lookup("destroy")->name, "destroy");
}

static void test_usage_errors(void **state)
{
    (void)state;
    assert_int_equal(run("create", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("create", "--bogus", "f", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("create", "-n", "--target", "mips", "x.qvmconf", NULL),
                     QX_EXIT_USAGE); /* options are checked before FILE is read */
    assert_int_equal(run("create", "x.qvmconf", "-n", NULL), QX_EXIT_USAGE); /* after FILE */
    assert_int_equal(run("check", "a.qvmconf", "--json", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("check", "--json", "--explain", "a.qvmconf", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("create", "--no-files", "x.qvmconf", NULL), QX_EXIT_USAGE); /* no -n */
    assert_int_equal(run("destroy", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("destroy", "a", "b", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("list", "extra", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("console", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("convert", "f", NULL), QX_EXIT_USAGE); /* no --to */
    assert_int_equal(run("convert", "--to=yaml", "f", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("convert", "--to=xl", "--target=mips", "f", NULL), QX_EXIT_USAGE);
    /* A missing input file is an I/O error (1), not a configuration error. */
    assert_int_equal(run("check", "--asinfo", "does/not/exist", "f", NULL), QX_EXIT_FAIL);
    assert_int_equal(run("check", "-W", "no-such-check", "f", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("bogus", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("--bogus", "list", NULL), QX_EXIT_USAGE);
}

static void test_help(void **state)
{
    static const char *const cmds[] = {"create",  "destroy", "list",  "console",
                                       "convert", "check",   "export"};
    (void)state;
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        assert_int_equal(run(cmds[i], "-h", NULL), QX_EXIT_OK);
        assert_int_equal(run(cmds[i], "--help", NULL), QX_EXIT_OK);
        assert_int_equal(run("-v", cmds[i], "--help", NULL), QX_EXIT_OK); /* global -v */
    }
    assert_int_equal(run("help", "create", NULL), QX_EXIT_OK);
}

static void test_missing_file(void **state)
{
    (void)state;
    assert_int_equal(run("create", "-n", "does/not/exist.qvmconf", NULL), QX_EXIT_FAIL);
    assert_int_equal(run("convert", "--to=json", "does/not/exist.qvmconf", NULL), QX_EXIT_FAIL);
    assert_int_equal(run("check", "does/not/exist.qvmconf", NULL), QX_EXIT_FAIL);
}

/* "did you mean": distance, thresholds, prefix, ties, and the check names. */
static void test_suggest(void **state)
{
    static const char *const opts[] = {"ram", "rom", "intr", "loc", "system", "ser8250"};
    struct qc_suggest s;
    (void)state;
    assert_int_equal(qc_edit_distance("intr", 4, "intr", 4, 2), 0);
    assert_int_equal(qc_edit_distance("intrr", 5, "intr", 4, 2), 1);
    assert_int_equal(qc_edit_distance("itnr", 4, "intr", 4, 2), 1);     /* a swap is one edit */
    assert_int_equal(qc_edit_distance("RAM", 3, "ram", 3, 2), 0);       /* case does not count */
    assert_int_equal(qc_edit_distance("abcdef", 6, "uvwxyz", 6, 2), 3); /* capped at 2 + 1 */
#define SUGGEST(word, want)                                                                        \
    do {                                                                                           \
        qc_suggest_init(&s, word, strlen(word));                                                   \
        for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)                                \
            qc_suggest_add(&s, opts[i]);                                                           \
        if (want)                                                                                  \
            assert_string_equal(qc_suggest_result(&s), (const char *)(want));                      \
        else                                                                                       \
            assert_null(qc_suggest_result(&s));                                                    \
    } while (0)
    SUGGEST("rma", "ram");
    SUGGEST("intrr", "intr");
    SUGGEST("sytsem", "system");
    SUGGEST("ser", "ser8250"); /* a prefix of one name */
    SUGGEST("x", NULL);        /* one letter: no guess */
    SUGGEST("rxm", "ram");     /* ram and rom are as close: the first wins */
    SUGGEST("frobnicate", NULL);
#undef SUGGEST
    assert_string_equal(qx_check_suggest("ovrlap"), "overlap");
    assert_string_equal(qx_check_suggest("xlate-ram-relocate"), "xlate-ram-relocated");
    assert_true(qx_check_known("xlate-vdev-unsupported"));
    assert_true(qx_check_known("load-unreadable"));
    assert_false(qx_check_known("no-such-check"));
}

#undef main
/* create -F exits as qvm does for why its guest stopped (docs/qvm-xl.1, EXIT STATUS). */
static void test_guest_exit_codes(void **state)
{
    (void)state;
    assert_int_equal(qx_exit_for_shutdown(LIBXL_SHUTDOWN_REASON_POWEROFF), 0);
    assert_int_equal(qx_exit_for_shutdown(LIBXL_SHUTDOWN_REASON_REBOOT), 0);
    assert_int_equal(qx_exit_for_shutdown(LIBXL_SHUTDOWN_REASON_SOFT_RESET), 0);
    assert_int_equal(qx_exit_for_shutdown(LIBXL_SHUTDOWN_REASON_WATCHDOG), 4);
    assert_int_equal(qx_exit_for_shutdown(LIBXL_SHUTDOWN_REASON_CRASH), 96);
    assert_int_equal(qx_exit_for_shutdown(LIBXL_SHUTDOWN_REASON_SUSPEND), 7);
    assert_int_equal(qx_exit_for_shutdown(255), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_guest_exit_codes),
        cmocka_unit_test(test_step_table),
        cmocka_unit_test(test_fail_at),
        cmocka_unit_test(test_help_lists_exit_codes),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_suggest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
