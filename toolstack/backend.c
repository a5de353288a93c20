/* SPDX-License-Identifier: LGPL-2.1-only */
/* The backend process of a domain: spawn, wait for ready, stop by pid file. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "toolstack/backend.h"

#ifndef QX_LIBEXECDIR
#define QX_LIBEXECDIR "/usr/libexec"
#endif

void qx_backend_init(struct qx_backend *b)
{
    b->pid = 0;
    b->domid = 0;
    b->log = NULL;
}

void qx_backend_dispose(struct qx_backend *b)
{
    free(b->log);
    qx_backend_init(b);
}

const char *qx_backend_program(void)
{
    const char *p = getenv("QVMXL_BACKEND");
    return p && *p ? p : QX_LIBEXECDIR "/qvm-xl-backend";
}

static const char *dir_env(const char *var, const char *dflt)
{
    const char *d = getenv(var);
    return d && *d ? d : dflt;
}

static char *pidfile(uint32_t domid)
{
    char *p;
    if (asprintf(&p, "%s/backend-%" PRIu32 ".pid", dir_env("QVMXL_RUNDIR", QX_RUNDIR_DEFAULT),
                 domid) < 0)
        return NULL;
    return p;
}

int qx_backend_ready_line(const char *line, uint32_t domid)
{
    unsigned long d, k;
    int n = 0;

    if (sscanf(line, "ready domid %lu devices %lu%n", &d, &k, &n) != 2 || !n)
        return -1;
    return d == domid ? 0 : -1;
}

int qx_backend_start(struct qx_backend *b, uint32_t domid, char *const *specs, size_t n, FILE *err)
{
    const char *prog = qx_backend_program();
    char **argv = calloc(2 * n + 4, sizeof(*argv));
    char dom[16], *pf = NULL;
    int fd = -1, rc = -1;
    pid_t pid;

    b->domid = domid;
    snprintf(dom, sizeof(dom), "%" PRIu32, domid);
    if (!argv || asprintf(&b->log, "%s/qvm-xl-backend-%s.log",
                          dir_env("QVMXL_LOGDIR", QX_LOGDIR_DEFAULT), dom) < 0) {
        b->log = NULL;
        fprintf(err, "qvm-xl: out of memory\n");
        goto out;
    }
    argv[0] = (char *)prog;
    argv[1] = "--domid";
    argv[2] = dom;
    for (size_t i = 0; i < n; i++) {
        argv[3 + 2 * i] = "--device";
        argv[4 + 2 * i] = specs[i];
    }
    fd = open(b->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (fd < 0) {
        fprintf(err, "qvm-xl: backend log %s: %s\n", b->log, strerror(errno));
        goto out;
    }
    pid = fork();
    if (pid < 0) {
        fprintf(err, "qvm-xl: fork: %s\n", strerror(errno));
        goto out;
    }
    if (pid == 0) {
        /* Its own session: it outlives qvm-xl and ignores the terminal. */
        int null = open("/dev/null", O_RDONLY);
        setsid();
        if (null >= 0)
            dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(prog, argv);
        dprintf(2, "qvm-xl: cannot run %s: %s\n", prog, strerror(errno));
        _exit(127);
    }
    b->pid = pid;
    pf = pidfile(domid);
    mkdir(dir_env("QVMXL_RUNDIR", QX_RUNDIR_DEFAULT), 0755);
    FILE *f = pf ? fopen(pf, "w") : NULL;
    if (!f || fprintf(f, "%ld\n", (long)pid) < 0 || fclose(f)) {
        fprintf(err, "qvm-xl: cannot write %s\n", pf ? pf : "the backend pid file");
        goto out;
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    free(pf);
    free(argv);
    return rc;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void copy_log(const char *path, FILE *err)
{
    FILE *f = fopen(path, "r");
    char line[512];

    if (!f)
        return;
    while (fgets(line, sizeof(line), f))
        fprintf(err, "qvm-xl: backend: %s", line);
    fclose(f);
}

int qx_backend_wait_ready(struct qx_backend *b, int timeout_ms, FILE *err)
{
    long end = now_ms() + timeout_ms;
    int status;

    for (;;) {
        FILE *f = fopen(b->log, "r");
        char line[512];
        bool ready = false;

        while (f && !ready && fgets(line, sizeof(line), f))
            ready = qx_backend_ready_line(line, b->domid) == 0;
        if (f)
            fclose(f);
        if (ready)
            return 0;
        pid_t r = waitpid(b->pid, &status, WNOHANG);
        if (r == b->pid) {
            fprintf(err, "qvm-xl: the backend exited (status %d) before it was ready\n",
                    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
            b->pid = 0;
            copy_log(b->log, err);
            return -1;
        }
        if (now_ms() > end) {
            fprintf(err, "qvm-xl: the backend was not ready within %d ms\n", timeout_ms);
            copy_log(b->log, err);
            return -1;
        }
        usleep(20000);
    }
}

static bool is_backend(pid_t pid)
{
    char path[64], comm[32] = "";
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
    f = fopen(path, "r");
    if (!f)
        return false;
    if (!fgets(comm, sizeof(comm), f))
        comm[0] = '\0';
    fclose(f);
    /* Only ever signal our own program, not a recycled pid. */
    return strncmp(comm, "qvm-xl-backend", 14) == 0;
}

pid_t qx_backend_pid(uint32_t domid)
{
    char *pf = pidfile(domid);
    FILE *f = pf ? fopen(pf, "r") : NULL;
    long pid = 0;

    if (f) {
        if (fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        fclose(f);
    }
    free(pf);
    return pid > 0 && is_backend((pid_t)pid) ? (pid_t)pid : 0;
}

int qx_backend_stop_domid(uint32_t domid, FILE *err)
{
    pid_t pid = qx_backend_pid(domid);
    char *pf = pidfile(domid);
    int rc = 0;

    if (pid > 0) {
        kill(pid, SIGTERM);
        for (int i = 0; i < 150 && is_backend(pid); i++) {
            waitpid(pid, NULL, WNOHANG); /* our child when we started it */
            usleep(20000);
        }
        if (is_backend(pid)) {
            fprintf(err, "qvm-xl: backend %ld did not stop on SIGTERM; killing it\n", (long)pid);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        /* A zombie child of ours still has its comm; reap it. */
        waitpid(pid, NULL, WNOHANG);
        rc = is_backend(pid) ? -1 : 0;
    }
    if (pf)
        unlink(pf);
    free(pf);
    return rc;
}
