/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmemd.c: qvm-xl-shmemd, the host's broker of qvm shmem regions (docs/shmemd.md). */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "vdev-backends/shmem-proto.h"
#include "vdev-backends/shmem-registry.h"
#include "vdev-backends/shmem-xen.h"
#include "vdev-backends/vdev-opts.h"

enum {
    EXIT_OK = 0,     /* idle for --idle-exit seconds, or SIGTERM/SIGINT */
    EXIT_ERR = 1,    /* poll or memory failed */
    EXIT_USAGE = 2,  /* bad command line */
    EXIT_SOCKET = 3, /* the socket cannot be made, or another broker listens on it */
    EXIT_XEN = 4,    /* libxenctrl cannot be opened */
};

#define MAX_CONNS       256
#define DOMID_RESERVED  0x7ff0u /* DOMID_FIRST_RESERVED */
#define DEFAULT_MAX_MIB 1024u
#define DEFAULT_IDLE    10u
/* Where regions live by default: Xen maps foreign pages into a domU's p2m on ARM only. */
#if defined(__i386__) || defined(__x86_64__)
#define DEFAULT_EMULATE true
#else
#define DEFAULT_EMULATE false
#endif

struct conn {
    int fd;
    bool may_hello; /* the peer is root (or the broker's own user): the toolstack */
    bool doomed;    /* to be dropped after this round */
    unsigned loud;  /* failure lines this connection may still log: a guest drives them */
    struct shmem_client *client;
};

struct broker {
    struct shmem_reg *reg;
    int lfd;
    const char *path;
    ino_t ino;
    struct conn *conn[MAX_CONNS]; /* the registry keeps these pointers: never moved */
    unsigned nconn;
};

static volatile sig_atomic_t stop;
static bool verbose; /* every ATTACH and DETACH, not only the first failures */

#define LOUD_FAILURES 8

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "qvm-xl-shmemd: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- --dry-run-xen: every hypercall succeeds; holders are numbered from 0x7000 ---- */

static int fake_holder_create(void *ctx, uint64_t span, uint32_t regions, uint32_t *holder_r,
                              char *why)
{
    static uint32_t next = 0x7000;

    (void)ctx, (void)span, (void)regions, (void)why;
    *holder_r = next++;
    return 0;
}

static void fake_holder_destroy(void *ctx, uint32_t holder)
{
    (void)ctx;
    say("dry run: holder %u destroyed", holder);
}

static int fake_holder_alloc(void *ctx, uint32_t holder, uint64_t gfn, uint32_t pages, char *why)
{
    (void)ctx, (void)holder, (void)gfn, (void)pages, (void)why;
    return 0;
}

static void fake_holder_free(void *ctx, uint32_t holder, uint64_t gfn, uint32_t pages)
{
    (void)ctx, (void)holder, (void)gfn, (void)pages;
}

static int fake_set_target(void *ctx, uint32_t domid, uint32_t holder, uint64_t pages, char *why)
{
    (void)ctx, (void)domid, (void)holder, (void)pages, (void)why;
    return 0;
}

static int fake_map(void *ctx, uint32_t domid, uint32_t holder, uint64_t hgfn, uint64_t gfn,
                    uint32_t n, char *why)
{
    (void)ctx, (void)domid, (void)holder, (void)hgfn, (void)gfn, (void)n, (void)why;
    return 0;
}

static int fake_unmap(void *ctx, uint32_t domid, uint64_t gfn, uint32_t n, char *why)
{
    (void)ctx, (void)domid, (void)gfn, (void)n, (void)why;
    return 0;
}

static const struct shmem_ops fake_ops = {
    .holder_create = fake_holder_create,
    .holder_destroy = fake_holder_destroy,
    .holder_alloc = fake_holder_alloc,
    .holder_free = fake_holder_free,
    .set_target = fake_set_target,
    .map = fake_map,
    .unmap = fake_unmap,
};

/* ---- sending: never blocks; a client that cannot take a message is dropped ---- */

/* @m, with the descriptor @pass (>= 0) in the same packet. */
static void send_msg_fd(struct conn *cn, const struct shmem_msg *m, int pass)
{
    if (cn->doomed)
        return;
    if (shmem_send(cn->fd, m, &pass, pass >= 0, MSG_DONTWAIT | MSG_NOSIGNAL) !=
        (ssize_t)sizeof(*m)) {
        const char *why = errno == EAGAIN || errno == EWOULDBLOCK ? "socket full" : strerror(errno);

        if (cn->client)
            say("dom %u: send: %s: dropping the connection", shmem_client_domid(cn->client), why);
        else
            say("fd %d: send: %s: dropping the connection", cn->fd, why);
        cn->doomed = true;
    }
}

static void send_msg(struct conn *cn, const struct shmem_msg *m)
{
    send_msg_fd(cn, m, -1);
}

static void on_event(void *ctx, struct shmem_client *to, const struct shmem_event *ev)
{
    struct shmem_msg m = {
        .type = SHMEM_MSG_EVENT, .region = ev->region, .mask = ev->mask, .clients = ev->clients};

    (void)ctx;
    send_msg(shmem_client_user(to), &m);
}

static void reply(struct conn *cn, uint32_t status, const char *text)
{
    struct shmem_msg m = {.type = SHMEM_MSG_REPLY, .status = status};

    snprintf(m.text, sizeof(m.text), "%s", text ? text : "");
    send_msg(cn, &m);
}

/* A malformed or out-of-order message: one REPLY saying so, then the connection ends. */
static void proto_error(struct conn *cn, const char *what)
{
    say("fd %d%s: protocol error: %s: dropping the connection", cn->fd,
        cn->client ? "" : " (no HELLO yet)", what);
    reply(cn, SHMEM_E_PROTO, what);
    cn->doomed = true;
}

/* ---- requests ---- */

/* Everything with --verbose; else the first few Xen failures of each connection. */
static bool log_this(struct conn *cn, bool failed)
{
    if (verbose)
        return true;
    if (!failed || !cn->loud)
        return false;
    if (--cn->loud == 0)
        say("dom %u: further failures not logged", shmem_client_domid(cn->client));
    return true;
}

static void do_hello(struct broker *b, struct conn *cn, const struct shmem_msg *m)
{
    char why[SHMEM_WHY_MAX] = "";
    uint32_t rc;

    if (!cn->may_hello) {
        proto_error(cn, "HELLO from a peer that is not root");
        return;
    }
    if (!memchr(m->text, '\0', sizeof(m->text))) {
        proto_error(cn, "HELLO text not terminated");
        return;
    }
    if (m->domid == 0 || m->domid >= DOMID_RESERVED) {
        say("dom %u: HELLO refused: not a guest's domid", m->domid);
        reply(cn, SHMEM_E_OPTS, "domid: not a guest's");
        return;
    }
    rc = shmem_reg_hello(b->reg, m->domid, m->text, cn, &cn->client, why);
    say("dom %u: HELLO %s: %s%s%s", m->domid, m->text, rc ? "refused" : "ok", rc ? ": " : "", why);
    reply(cn, rc, rc ? why : "");
}

static void do_attach(struct broker *b, struct conn *cn, const struct shmem_msg *m)
{
    char why[SHMEM_WHY_MAX] = "";
    struct shmem_attach_result res;
    struct shmem_msg out = {.type = SHMEM_MSG_REPLY};

    if (!memchr(m->name, '\0', sizeof(m->name))) {
        proto_error(cn, "ATTACH name not terminated");
        return;
    }
    shmem_reg_attach(b->reg, cn->client, m->name, m->pages, &res, why);
    if (log_this(cn, res.status == SHMEM_GSS_UNKNOWN_FAILURE))
        say("dom %u: ATTACH %s pages %u: status %u%s%s", shmem_client_domid(cn->client), m->name,
            m->pages, res.status, res.status ? ": " : "", why);
    out.status = res.status;
    out.region = res.region;
    out.idx = res.idx;
    out.pages = res.pages;
    out.clients = res.clients;
    out.gpa = res.gpa;
    out.flags = res.flags;
    memcpy(out.name, m->name, sizeof(out.name));
    snprintf(out.text, sizeof(out.text), "%s", res.status ? why : "");
    /* The backend's copy of the region's memfd: emulated data pages. */
    send_msg_fd(cn, &out, res.status == SHMEM_GSS_OK ? res.fd : -1);
}

static void do_detach(struct broker *b, struct conn *cn, const struct shmem_msg *m)
{
    char why[SHMEM_WHY_MAX] = "";
    uint32_t rc = shmem_reg_detach(b->reg, cn->client, m->region, why);

    if (log_this(cn, !rc && *why)) /* detached, but the unmap failed */
        say("dom %u: DETACH %u: %s%s%s", shmem_client_domid(cn->client), m->region,
            rc ? "refused" : "ok", *why ? ": " : "", why);
    reply(cn, rc, rc ? why : "");
}

static void do_notify(struct broker *b, struct conn *cn, const struct shmem_msg *m)
{
    uint32_t rc = shmem_reg_notify(b->reg, cn->client, m->region, m->mask);

    reply(cn, rc, rc ? "no such region on this connection" : "");
}

static void handle(struct broker *b, struct conn *cn, const struct shmem_msg *m)
{
    if (m->status)
        proto_error(cn, "status set in a request");
    else if (m->type == SHMEM_MSG_HELLO && cn->client)
        proto_error(cn, "HELLO twice");
    else if (m->type == SHMEM_MSG_HELLO)
        do_hello(b, cn, m);
    else if (!cn->client)
        proto_error(cn, "the first message must be HELLO");
    else if (m->type == SHMEM_MSG_ATTACH)
        do_attach(b, cn, m);
    else if (m->type == SHMEM_MSG_DETACH)
        do_detach(b, cn, m);
    else if (m->type == SHMEM_MSG_NOTIFY)
        do_notify(b, cn, m);
    else
        proto_error(cn, "unknown or broker-only message type");
}

/* One packet; its real length (MSG_TRUNC) must be exactly one message. */
static void receive(struct broker *b, struct conn *cn)
{
    struct shmem_msg m;
    ssize_t n = recv(cn->fd, &m, sizeof(m), MSG_DONTWAIT | MSG_TRUNC);

    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return;
    if (n <= 0) {
        if (cn->client)
            say("dom %u: connection closed", shmem_client_domid(cn->client));
        cn->doomed = true;
        return;
    }
    if (n != (ssize_t)sizeof(m))
        proto_error(cn, "message size");
    else
        handle(b, cn, &m);
}

/* ---- connections ---- */

static void accept_one(struct broker *b)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    int fd = accept4(b->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    struct conn *cn;

    if (fd < 0)
        return;
    if (b->nconn == MAX_CONNS) {
        say("more than %d connections: refusing one", MAX_CONNS);
        close(fd);
        return;
    }
    cn = malloc(sizeof(*cn));
    if (!cn) {
        close(fd);
        return;
    }
    *cn = (struct conn){.fd = fd, .loud = LOUD_FAILURES};
    b->conn[b->nconn++] = cn;
    /* The toolstack connects as root; the connection is then handed to the backend. */
    if (!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
        cn->may_hello = cred.uid == 0 || cred.uid == geteuid();
}

/* Drops doomed connections; a dropped client's detaches may doom others: until none is. */
static void reap(struct broker *b)
{
    bool again = true;

    while (again) {
        again = false;
        for (unsigned i = 0; i < b->nconn; i++) {
            struct conn *cn = b->conn[i];

            if (!cn->doomed)
                continue;
            if (cn->client) {
                shmem_reg_client_gone(b->reg, cn->client);
                cn->client = NULL;
            }
            close(cn->fd);
            free(cn);
            b->conn[i--] = b->conn[--b->nconn];
            again = true;
        }
    }
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int serve(struct broker *b, unsigned idle_exit)
{
    struct pollfd pfd[MAX_CONNS + 1];
    double idle_since = now_s();
    sigset_t none;

    sigemptyset(&none);
    while (!stop) {
        struct timespec ts = {1, 0};
        int n;

        pfd[0] = (struct pollfd){.fd = b->lfd, .events = POLLIN};
        for (unsigned i = 0; i < b->nconn; i++)
            pfd[i + 1] = (struct pollfd){.fd = b->conn[i]->fd, .events = POLLIN};
        n = ppoll(pfd, b->nconn + 1, &ts, &none);
        if (n < 0 && errno != EINTR) {
            say("poll: %s", strerror(errno));
            return EXIT_ERR;
        }
        for (unsigned i = 0; n > 0 && i < b->nconn; i++)
            if (pfd[i + 1].revents && !b->conn[i]->doomed)
                receive(b, b->conn[i]);
        reap(b);
        if (n > 0 && pfd[0].revents & POLLIN)
            accept_one(b);
        if (b->nconn)
            idle_since = now_s();
        else if (idle_exit && now_s() - idle_since >= idle_exit) {
            say("no clients for %u s: exiting", idle_exit);
            break;
        }
    }
    return EXIT_OK;
}

/* ---- the socket ---- */

static int mkdirs(const char *path)
{
    char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        if (mkdir(dir, 0755) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(dir, 0755) && errno != EEXIST ? -1 : 0;
}

/* Another broker answering on path? A dead one's socket file is removed. */
static bool socket_taken(const struct sockaddr_un *sa)
{
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    bool taken = fd >= 0 && connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;

    if (fd >= 0)
        close(fd);
    if (!taken)
        unlink(sa->sun_path);
    return taken;
}

static int listen_on(struct broker *b, const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct stat st;
    mode_t old;
    int r;

    if (strlen(path) >= sizeof(sa.sun_path) || mkdirs(path)) {
        say("%s: cannot make its directory (or too long)", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    if (socket_taken(&sa)) {
        say("%s: another broker is listening", path);
        return -1;
    }
    b->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    old = umask(0177); /* mode 0600 from the start: no window with a wider one */
    r = b->lfd < 0 ? -1 : bind(b->lfd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (r || chmod(path, 0600) || listen(b->lfd, 16) || stat(path, &st)) {
        say("%s: %s", path, strerror(errno));
        return -1;
    }
    b->path = path;
    b->ino = st.st_ino;
    return 0;
}

/* Removes the socket file if it is still ours (a newer broker may have replaced it). */
static void unlisten(struct broker *b)
{
    struct stat st;

    if (b->path && !stat(b->path, &st) && st.st_ino == b->ino)
        unlink(b->path);
    if (b->lfd >= 0)
        close(b->lfd);
}

/* ---- main ---- */

struct options {
    const char *socket;
    const char *log;
    bool foreground;
    bool dry_run;
    bool verbose;
    bool emulate; /* --data=emulate */
    uint64_t max_mib;
    uint64_t idle_exit;
};

static void usage(FILE *f)
{
    fprintf(f, "usage: qvm-xl-shmemd [--socket PATH] [--foreground] [--max-mib N] "
               "[--idle-exit SECS] [--log FILE] [--verbose] [--dry-run-xen] "
               "[--data=map|emulate]\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longs[] = {
        {"socket", required_argument, NULL, 's'},  {"foreground", no_argument, NULL, 'f'},
        {"max-mib", required_argument, NULL, 'm'}, {"idle-exit", required_argument, NULL, 'i'},
        {"log", required_argument, NULL, 'l'},     {"dry-run-xen", no_argument, NULL, 'n'},
        {"verbose", no_argument, NULL, 'v'},       {"data", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    int c;

    *o = (struct options){
        .max_mib = DEFAULT_MAX_MIB, .idle_exit = DEFAULT_IDLE, .emulate = DEFAULT_EMULATE};
    while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
        switch (c) {
        case 's':
            o->socket = optarg;
            break;
        case 'f':
            o->foreground = true;
            break;
        case 'l':
            o->log = optarg;
            break;
        case 'n':
            o->dry_run = true;
            break;
        case 'v':
            o->verbose = true;
            break;
        case 'd':
            if (strcmp(optarg, "map") && strcmp(optarg, "emulate"))
                goto bad;
            o->emulate = optarg[0] == 'e';
            break;
        case 'm':
            if (vdev_parse_u64(optarg, &o->max_mib) || !o->max_mib || o->max_mib > 1u << 20)
                goto bad;
            break;
        case 'i':
            if (vdev_parse_u64(optarg, &o->idle_exit) || o->idle_exit > 86400)
                goto bad;
            break;
        case 'h':
            usage(stdout);
            exit(EXIT_OK);
        default:
            goto bad;
        }
    }
    if (optind == argc)
        return 0;
bad:
    usage(stderr);
    return -1;
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

/* ppoll unblocks SIGTERM and SIGINT only while waiting: no lost wake-up. */
static void signals(void)
{
    struct sigaction sa = {.sa_handler = on_signal};
    sigset_t set;

    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Emulated regions are one memfd each, SHMEM_REGIONS_MAX of them beside MAX_CONNS sockets:
 * more than the usual soft limit of 1024. As many as the hard limit allows. */
static void raise_nofile(void)
{
    struct rlimit rl;
    const rlim_t want = SHMEM_REGIONS_MAX + MAX_CONNS + 64;

    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max < want ? rl.rlim_max : want;
    if (setrlimit(RLIMIT_NOFILE, &rl))
        say("cannot raise the descriptor limit: fewer regions fit");
}

/* The parent returns once the socket listens, so its caller can connect at once. */
static int daemonize(void)
{
    pid_t pid = fork();

    if (pid < 0) {
        say("fork: %s", strerror(errno));
        return -1;
    }
    if (pid > 0)
        _exit(EXIT_OK);
    setsid();
    if (chdir("/")) {
        /* nothing depends on the working directory */
    }
    if (!freopen("/dev/null", "r", stdin)) {
        /* stdin is never read */
    }
    return 0;
}

int main(int argc, char **argv)
{
    static struct broker b = {.lfd = -1};
    struct options o;
    struct shmem_xen *xen = NULL;
    const char *path;
    int rc;

    if (parse_args(argc, argv, &o))
        return EXIT_USAGE;
    verbose = o.verbose;
    if (o.log && !freopen(o.log, "a", stderr))
        return EXIT_USAGE;
    setvbuf(stderr, NULL, _IOLBF, 0);
    path = o.socket ? o.socket : getenv("QVMXL_SHMEMD_SOCKET");
    if (!path || !*path)
        path = SHMEM_SOCKET_PATH;
    /* Emulated regions need no hypercall at all. */
    if (!o.dry_run && !o.emulate && !(xen = shmem_xen_open(stderr)))
        return EXIT_XEN;
    if (o.emulate)
        raise_nofile();
    b.reg = shmem_reg_new(&(struct shmem_reg_config){
        .ops = xen ? &shmem_xen_ops : &fake_ops,
        .ops_ctx = xen,
        .event = on_event,
        .max_pages = o.max_mib * (1024 * 1024 / SHMEM_PAGE),
        .emulate = o.emulate,
    });
    if (!b.reg)
        return EXIT_ERR;
    signals();
    if (listen_on(&b, path)) {
        unlisten(&b);
        return EXIT_SOCKET;
    }
    if (!o.foreground && daemonize())
        return EXIT_ERR;
    say("listening on %s (%s, %llu MiB of regions)", path,
        o.emulate ? "emulated data pages"
        : xen     ? "Xen"
                  : "dry run",
        (unsigned long long)o.max_mib);
    rc = serve(&b, (unsigned)o.idle_exit);
    for (unsigned i = 0; i < b.nconn; i++)
        b.conn[i]->doomed = true;
    reap(&b);
    unlisten(&b);
    shmem_reg_free(b.reg);
    shmem_xen_close(xen);
    return rc;
}
