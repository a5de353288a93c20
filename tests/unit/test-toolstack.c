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
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vdev-backends/shmem-proto.h"

#include "toolstack/checks.h"
#include "toolstack/monitor.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/shmem-client.h"
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

/* The broker gets window and the sharing rules, the device its own keys, window and its fd. */
static void test_shmem_split(void **state)
{
    char *hello, *dev;

    (void)state;
    assert_int_equal(qx_shmem_split("shmem,mem=0x10000000,spi=40,window=0x3a000000+0x6000000,"
                                    "allow=ring*,create=TEST1:240:0640,subst=sys.",
                                    7, &hello, &dev),
                     0);
    assert_string_equal(hello, "window=0x3a000000+0x6000000,allow=ring*,create=TEST1:240:0640,"
                               "subst=sys.");
    assert_string_equal(dev, "shmem,mem=0x10000000,spi=40,window=0x3a000000+0x6000000,fd=7");
    free(hello);
    free(dev);
    assert_int_equal(qx_shmem_split("shmem,mem", 7, &hello, &dev), -1);
    assert_int_equal(qx_shmem_split("shmem,=x", 7, &hello, &dev), -1);
    assert_int_equal(qx_shmem_split("virtio-net,mem=1", 7, &hello, &dev), -1);
    assert_null(hello);
    assert_null(dev);
}

/* A one-connection broker in a child: checks the HELLO, answers @status with @text. */
static pid_t fake_broker(const char *path, uint32_t status, const char *text)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    pid_t pid;

    strcpy(sa.sun_path, path);
    unlink(path);
    assert_true(ls >= 0);
    assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(ls, 1), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct shmem_msg m = {0};
        int c = accept(ls, NULL, NULL);
        int ok = c >= 0 && recv(c, &m, sizeof(m), 0) == (ssize_t)sizeof(m) &&
                 m.type == SHMEM_MSG_HELLO && m.domid == 42 &&
                 strcmp(m.text, "window=0x3a000000+0x100000,deny=x*") == 0;

        m = (struct shmem_msg){.type = SHMEM_MSG_REPLY, .status = ok ? status : SHMEM_E_PROTO};
        strcpy(m.text, text);
        send(c, &m, sizeof(m), 0);
        _exit(ok ? 0 : 1);
    }
    close(ls);
    return pid;
}

static void test_shmem_connect(void **state)
{
    char path[64] = "/tmp/qx-shmemd-test-XXXXXX"; /* room for "/s" */
    char *const specs[] = {"ser8250,io=0x3f8",
                           "shmem,mem=0x10000000,spi=40,window=0x3a000000+0x100000,deny=x*"};
    struct qx_shmem_links l;
    FILE *err = tmpfile();
    char buf[512] = "";
    int st;
    pid_t pid;

    (void)state;
    assert_non_null(mkdtemp(path));
    strcat(path, "/s");
    setenv("QVMXL_SHMEMD_SOCKET", path, 1);
    pid = fake_broker(path, SHMEM_E_OK, "");
    assert_int_equal(qx_shmem_connect(42, specs, 2, &l, err), 0);
    assert_string_equal(l.specs[0], "ser8250,io=0x3f8");
    assert_int_equal(l.fds[0], -1);
    assert_true(l.fds[1] >= 3);
    snprintf(buf, sizeof(buf), "shmem,mem=0x10000000,spi=40,window=0x3a000000+0x100000,fd=%d",
             l.fds[1]);
    assert_string_equal(l.specs[1], buf);
    qx_shmem_links_dispose(&l);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);

    /* A refusal names the broker's reason; nothing stays open. */
    pid = fake_broker(path, SHMEM_E_OPTS, "window: not page-aligned");
    assert_int_equal(qx_shmem_connect(42, specs, 2, &l, err), -1);
    assert_null(l.specs);
    waitpid(pid, &st, 0);
    rewind(err);
    assert_non_null(fgets(buf, sizeof(buf), err));
    assert_non_null(strstr(buf, "refused domain 42: window: not page-aligned"));
    fclose(err);
    unlink(path);
    *strrchr(path, '/') = '\0';
    rmdir(path);
    unsetenv("QVMXL_SHMEMD_SOCKET");
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
        cmocka_unit_test(test_shmem_split),
        cmocka_unit_test(test_shmem_connect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
