/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem-client.c: introduces a domain to qvm-xl-shmemd and hands the connection on. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "toolstack/backend.h"
#include "toolstack/shmem-client.h"
#include "vdev-backends/shmem-proto.h"

/* How long a starting broker may take to listen, and the broker to answer a HELLO (it creates
 * the holder domain and the configured regions first). */
#define START_WAIT_MS 5000
#define REPLY_WAIT_MS 10000

static const char *env_or(const char *var, const char *dflt)
{
    const char *v = getenv(var);
    return v && *v ? v : dflt;
}

const char *qx_shmemd_program(void)
{
    return env_or("QVMXL_SHMEMD", QX_LIBEXECDIR "/qvm-xl-shmemd");
}

const char *qx_shmemd_socket(void)
{
    return env_or("QVMXL_SHMEMD_SOCKET", SHMEM_SOCKET_PATH);
}

int qx_shmem_spec(const char *spec)
{
    return strncmp(spec, "shmem,", 6) == 0;
}

/* The options the broker needs; window is the device's too (it traps the control pages). */
static int broker_key(const char *opt, size_t keylen)
{
    static const char *const keys[] = {"window", "allow", "deny", "create", "subst"};

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strlen(keys[i]) == keylen && strncmp(opt, keys[i], keylen) == 0)
            return 1;
    return 0;
}

static void append(char *dst, const char *opt, size_t len)
{
    if (*dst)
        strcat(dst, ",");
    strncat(dst, opt, len);
}

int qx_shmem_split(const char *spec, int fd, char **hello, char **dev)
{
    size_t cap = strlen(spec) + 32;
    const char *p = spec + 6, *end;

    *hello = calloc(1, cap);
    *dev = calloc(1, cap);
    if (!qx_shmem_spec(spec) || !*hello || !*dev)
        goto fail;
    strcpy(*dev, "shmem");
    for (; *p; p = *end ? end + 1 : end) {
        const char *eq;

        end = strchr(p, ',');
        end = end ? end : p + strlen(p);
        eq = memchr(p, '=', (size_t)(end - p));
        if (!eq || eq == p)
            goto fail;
        if (broker_key(p, (size_t)(eq - p)))
            append(*hello, p, (size_t)(end - p));
        if (!broker_key(p, (size_t)(eq - p)) || strncmp(p, "window=", 7) == 0)
            append(*dev, p, (size_t)(end - p));
    }
    snprintf(*dev + strlen(*dev), cap - strlen(*dev), ",fd=%d", fd);
    return 0;
fail:
    free(*hello);
    free(*dev);
    *hello = *dev = NULL;
    return -1;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static int try_connect(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
        return fd;
    if (fd >= 0) {
        int e = errno;
        close(fd);
        errno = e;
    }
    return -1;
}

/* Starts the broker in its own session, detached from this process (double fork: it is
 * nobody's child once it runs; so --foreground), its log appended to LOGDIR/qvm-xl-shmemd.log. */
static void spawn_broker(const char *path, FILE *err)
{
    const char *prog = qx_shmemd_program();
    pid_t pid = fork();

    if (pid < 0) {
        fprintf(err, "qvm-xl: fork: %s\n", strerror(errno));
        return;
    }
    if (pid == 0) {
        char log[512];
        int null = open("/dev/null", O_RDWR), out;

        snprintf(log, sizeof(log), "%s/qvm-xl-shmemd.log",
                 env_or("QVMXL_LOGDIR", QX_LOGDIR_DEFAULT));
        out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0640);
        setsid();
        if (fork() != 0)
            _exit(0);
        for (int fd = 3; fd < 1024; fd++) /* never another domain's broker connection */
            if (fd != null && fd != out)
                close(fd);
        if (null >= 0)
            dup2(null, 0);
        dup2(out >= 0 ? out : null, 1);
        dup2(out >= 0 ? out : null, 2);
        execl(prog, prog, "--socket", path, "--foreground", "--log", log, (char *)NULL);
        dprintf(2, "qvm-xl: cannot run %s: %s\n", prog, strerror(errno));
        _exit(127);
    }
    waitpid(pid, NULL, 0);
}

/* A connection to the broker, starting it when nobody listens on its socket. */
static int broker_connect(FILE *err)
{
    const char *path = qx_shmemd_socket();
    int fd = try_connect(path);
    long t0;

    if (fd >= 0)
        return fd;
    if (errno != ENOENT && errno != ECONNREFUSED) {
        fprintf(err, "qvm-xl: shmem broker socket %s: %s\n", path, strerror(errno));
        return -1;
    }
    spawn_broker(path, err);
    for (t0 = now_ms(); now_ms() - t0 < START_WAIT_MS; usleep(50000))
        if ((fd = try_connect(path)) >= 0)
            return fd;
    fprintf(err,
            "qvm-xl: the shmem broker %s did not listen on %s within %d ms (see "
            "%s/qvm-xl-shmemd.log)\n",
            qx_shmemd_program(), path, START_WAIT_MS, env_or("QVMXL_LOGDIR", QX_LOGDIR_DEFAULT));
    return -1;
}

static int hello(int fd, uint32_t domid, const char *text, FILE *err)
{
    struct shmem_msg m = {.type = SHMEM_MSG_HELLO, .domid = domid};
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    ssize_t r;

    if (strlen(text) >= sizeof(m.text)) {
        fprintf(err, "qvm-xl: vdev shmem: %zu bytes of options, the broker takes %zu\n",
                strlen(text), sizeof(m.text) - 1);
        return -1;
    }
    strcpy(m.text, text);
    if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m)) {
        fprintf(err, "qvm-xl: shmem broker: send: %s\n", strerror(errno));
        return -1;
    }
    if (poll(&pfd, 1, REPLY_WAIT_MS) != 1) {
        fprintf(err, "qvm-xl: shmem broker: no answer to HELLO within %d ms\n", REPLY_WAIT_MS);
        return -1;
    }
    memset(&m, 0, sizeof(m));
    r = recv(fd, &m, sizeof(m), 0);
    m.text[sizeof(m.text) - 1] = '\0';
    if (r == 0 || (r < 0 && errno == ECONNRESET))
        return -2; /* the broker was just exiting, idle: the caller starts another */
    if (r != (ssize_t)sizeof(m) || m.type != SHMEM_MSG_REPLY) {
        fprintf(err, "qvm-xl: shmem broker: %s\n", r == 0 ? "closed the connection" : "bad reply");
        return -1;
    }
    if (m.status != SHMEM_E_OK) {
        fprintf(err, "qvm-xl: shmem broker refused domain %u: %s (status %u)\n", domid,
                m.text[0] ? m.text : "no reason given", m.status);
        return -1;
    }
    return 0;
}

/* Above 2, so the backend's standard streams never land on it, and inherited over exec. */
static int inheritable(int fd)
{
    if (fd < 3) {
        int n = fcntl(fd, F_DUPFD, 3);
        close(fd);
        fd = n;
    }
    if (fd >= 0 && fcntl(fd, F_SETFD, 0) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

int qx_shmem_connect(uint32_t domid, char *const *specs, size_t n, struct qx_shmem_links *l,
                     FILE *err)
{
    l->n = n;
    l->specs = calloc(n ? n : 1, sizeof(*l->specs));
    l->fds = malloc((n ? n : 1) * sizeof(*l->fds));
    if (!l->specs || !l->fds) {
        fprintf(err, "qvm-xl: out of memory\n");
        goto fail;
    }
    for (size_t i = 0; i < n; i++)
        l->fds[i] = -1;
    for (size_t i = 0; i < n; i++) {
        char *text = NULL;
        int fd;

        if (!qx_shmem_spec(specs[i])) {
            if (!(l->specs[i] = strdup(specs[i])))
                goto fail;
            continue;
        }
        for (int attempt = 0;; attempt++) {
            int r;

            if ((fd = broker_connect(err)) < 0 || (fd = inheritable(fd)) < 0)
                goto fail;
            l->fds[i] = fd;
            free(l->specs[i]);
            if (qx_shmem_split(specs[i], fd, &text, &l->specs[i])) {
                fprintf(err, "qvm-xl: malformed shmem device spec '%s'\n", specs[i]);
                goto fail;
            }
            r = hello(fd, domid, text, err);
            free(text);
            if (!r)
                break;
            if (r != -2 || attempt) {
                if (r == -2)
                    fprintf(err, "qvm-xl: shmem broker: closed the connection\n");
                goto fail;
            }
            close(fd);
            l->fds[i] = -1;
        }
    }
    return 0;
fail:
    qx_shmem_links_dispose(l);
    return -1;
}

void qx_shmem_links_dispose(struct qx_shmem_links *l)
{
    for (size_t i = 0; l->specs && i < l->n; i++)
        free(l->specs[i]);
    for (size_t i = 0; l->fds && i < l->n; i++)
        if (l->fds[i] >= 0)
            close(l->fds[i]);
    free(l->specs);
    free(l->fds);
    *l = (struct qx_shmem_links){0};
}
