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

#include "qvm-xl.h"
#include "steps.h"
#include "qx-main.h"

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
                     QX_EXIT_CONFIG); /* file missing: read first */
    assert_int_equal(run("destroy", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("destroy", "a", "b", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("list", "extra", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("console", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("convert", "f", NULL), QX_EXIT_USAGE); /* no --to */
    assert_int_equal(run("convert", "--to=yaml", "f", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("convert", "--to=xl", "--target=mips", "f", NULL), QX_EXIT_USAGE);
    assert_int_equal(run("check", "--asinfo", "does/not/exist", "f", NULL), QX_EXIT_CONFIG);
}

static void test_help(void **state)
{
    static const char *const cmds[] = {"create", "destroy", "list", "console", "convert", "check"};
    (void)state;
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
        assert_int_equal(run(cmds[i], "-h", NULL), QX_EXIT_OK);
    assert_int_equal(run("help", "create", NULL), QX_EXIT_OK);
}

static void test_missing_file(void **state)
{
    (void)state;
    assert_int_equal(run("create", "-n", "does/not/exist.qvmconf", NULL), QX_EXIT_CONFIG);
    assert_int_equal(run("convert", "--to=json", "does/not/exist.qvmconf", NULL), QX_EXIT_CONFIG);
}

#undef main
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_table),
        cmocka_unit_test(test_fail_at),
        cmocka_unit_test(test_help_lists_exit_codes),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_missing_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
