/* SPDX-License-Identifier: LGPL-2.1-only */
/* The steps of `qvm-xl create`, its exit classes, and the QVMXL_FAIL_AT test hook. */
#ifndef QX_STEPS_H
#define QX_STEPS_H

#include <stdbool.h>
#include <stdio.h>

/* Exit classes of the commands beyond 0/64/65 (qvm-xl.h), X(enum suffix,
 * code, meaning). The man page and --help list this table. */
#define QX_EXIT_CLASSES(X)                                                                         \
    X(FAIL, 1, "other failure (no hypervisor, unknown domain, I/O)")                               \
    X(HOST, 3, "host conflict: the host holds a resource the VM asks for; nothing created")        \
    X(CREATE, 4, "domain creation or unpause failed; everything created was destroyed")            \
    X(BACKEND, 5, "the device backend did not start or get ready; the domain was destroyed")

enum {
#define QX_EXIT_ENUM(e, code, text) QX_EXIT_##e = (code),
    QX_EXIT_CLASSES(QX_EXIT_ENUM)
#undef QX_EXIT_ENUM
};

/* The steps in order, X(enum suffix, name for QVMXL_FAIL_AT, exit class,
 * what it does). A step named in QVMXL_FAIL_AT does its work and then
 * fails, so the test suite sees the clean-up of everything done so far. */
#define QX_CREATE_STEPS(X)                                                                         \
    X(CONFIG, "config", QX_EXIT_CONFIG, "read, validate and translate the configuration")          \
    X(CTX, "ctx", QX_EXIT_FAIL, "open libxl")                                                      \
    X(HOST, "host", QX_EXIT_HOST, "check host precedence")                                         \
    X(DOMAIN, "domain", QX_EXIT_CREATE, "create the domain, paused")                               \
    X(BACKEND, "backend", QX_EXIT_BACKEND, "start the device backend")                             \
    X(READY, "ready", QX_EXIT_BACKEND, "wait for the backend's ready line")                        \
    X(UNPAUSE, "unpause", QX_EXIT_CREATE, "unpause the domain")                                    \
    X(MONITOR, "monitor", QX_EXIT_CREATE, "start the process that reaps the domain")

enum qx_step {
#define QX_STEP_ENUM(e, name, code, text) QX_STEP_##e,
    QX_CREATE_STEPS(QX_STEP_ENUM)
#undef QX_STEP_ENUM
        QX_STEP_COUNT
};

const char *qx_step_name(enum qx_step s);
int qx_step_exit(enum qx_step s);
/* Step by name; -1 when unknown. */
int qx_step_find(const char *name);

/* The step the test hook injects a failure at: QVMXL_FAIL_AT parsed
 * with qx_fail_at_parse (NULL/empty: none, -1; unknown names: -2). */
int qx_fail_at_parse(const char *value);
/* True when @s is the injected step (reads QVMXL_FAIL_AT once per call);
 * prints "injected failure at step NAME" to @err then. */
bool qx_fail_injected(enum qx_step s, FILE *err);

/* The exit code table and step table as text (for --help and tests). */
void qx_print_exit_codes(FILE *out);

#endif
