/* SPDX-License-Identifier: LGPL-2.1-only */
/* qx-portio.c: guest-side x86 port I/O for the backend e2e cases (a static program). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * Commands (numbers take 0x hex or decimal), every result a "QXGUEST key=value" line:
 *   puts PORT TEXT           write "\n" TEXT "\n" to a 16550 at PORT, waiting for THRE
 *   scratch PORT             write/read the 16550 scratch register (PORT+7): the read path
 *   wdt PORT VALUE KICKSECS  start an IB700 at PORT (0x441) with table VALUE, kick it every
 *                            0.2 s for KICKSECS seconds, then stop kicking and idle forever
 *   hammer SECS BASE:LEN...  random accesses of every kind in and around the ranges, from
 *                            one process per online CPU (so every vCPU's ioreq slot is used)
 *   bench N CLAIMED OTHER    time N inb of each port and print ns per access and the ratio
 * Commands can be chained with "--" between them.
 */

#define OUT(...) (printf("QXGUEST " __VA_ARGS__), putchar('\n'), fflush(stdout))

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int num(const char *s, unsigned long *v)
{
    char *end;

    errno = 0;
    *v = strtoul(s, &end, 0);
    return errno || !*s || *end ? -1 : 0;
}

static int cmd_puts(unsigned long port, const char *text)
{
    size_t n = strlen(text);

    /* A hammer may have left the UART in any state: 8 data bits with DLAB clear (not the
     * divisor latch), MCR with loopback off (in loopback the output correctly never
     * leaves the UART), FIFOs enabled and cleared. */
    outb(0x03, port + 3);
    outb(0x03, port + 4);
    outb(0x07, port + 2);
    /* The text goes on a line of its own: the hammer's random bytes before it reached the
     * same hostdev and need not have ended with a newline. */
    for (size_t i = 0; i <= n + 1; i++) {
        unsigned spins = 0;

        /* LSR bit 5 (THRE): the backend transmits instantly, so this also checks reads. */
        while (!(inb(port + 5) & 0x20))
            if (++spins > 100000)
                return -1;
        outb(i == 0 || i > n ? '\n' : (unsigned char)text[i - 1], port);
    }
    OUT("puts-done=%zu", n + 2);
    return 0;
}

static int cmd_scratch(unsigned long port)
{
    int good = 0;

    for (unsigned v = 0; v < 256; v += 0x33) {
        outb((unsigned char)v, port + 7);
        good += inb(port + 7) == v;
    }
    OUT("scratch=%s", good == 6 ? "ok" : "bad");
    return good == 6 ? 0 : -1;
}

static _Noreturn void cmd_wdt(unsigned long port, unsigned long value, unsigned long kick_secs)
{
    uint64_t end = now_ns() + kick_secs * 1000000000ull;

    outb((unsigned char)value, port + 2);
    OUT("wdt-started=%lu", value);
    while (now_ns() < end) {
        usleep(200000);
        outb((unsigned char)value, port + 2);
    }
    OUT("wdt-stopped-kicking=1");
    for (;;)
        pause();
}

static uint64_t rnd_state = 88172645463325252ull;

static uint64_t rnd(void)
{
    rnd_state ^= rnd_state << 13;
    rnd_state ^= rnd_state >> 7;
    rnd_state ^= rnd_state << 17;
    return rnd_state;
}

/* One random access near [base, base+len): any width, any alignment, in or out of range,
 * single or REP string I/O from a buffer that may cross a page boundary. */
static void hammer_one(unsigned base, unsigned len, uint8_t *buf, size_t bufsize)
{
    unsigned port = (base - 4 + (unsigned)(rnd() % (len + 8))) & 0xffff;
    unsigned kind = (unsigned)(rnd() % 12);
    unsigned long count = 1 + rnd() % 64;
    /* Up to 64 items of 4 bytes may start anywhere in the first bufsize - 256 bytes. */
    uint8_t *p = buf + rnd() % (bufsize - 256);

    if (port == 0x80 || port == 0xed)
        port = base; /* Xen passes those through to the real hardware */
    switch (kind) {
    case 0:
        (void)inb(port);
        break;
    case 1:
        (void)inw(port);
        break;
    case 2:
        (void)inl(port);
        break;
    case 3:
        outb((unsigned char)rnd(), port);
        break;
    case 4:
        outw((unsigned short)rnd(), port);
        break;
    case 5:
        outl((unsigned)rnd(), port);
        break;
    case 6:
        outsb(port, p, count);
        break;
    case 7:
        insb(port, p, count);
        break;
    case 8:
        outsw(port, p, count);
        break;
    case 9:
        insw(port, p, count);
        break;
    case 10:
        outsl(port, p, count);
        break;
    default:
        insl(port, p, count);
        break;
    }
}

static int cmd_hammer(unsigned long secs, int nr, char **ranges)
{
    unsigned base[8], len[8];
    size_t bufsize = 3 * 4096;
    uint8_t *buf;
    uint64_t end, n = 0;
    int child = 0, children = 0, status;

    if (nr < 1 || nr > 8)
        return -1;
    for (int i = 0; i < nr; i++) {
        unsigned long b, l;
        char *colon = strchr(ranges[i], ':');

        if (!colon)
            return -1;
        *colon = '\0';
        if (num(ranges[i], &b) || num(colon + 1, &l) || !l || b + l > 0x10000)
            return -1;
        base[i] = (unsigned)b;
        len[i] = (unsigned)l;
    }
    /* Guest memory for string I/O: page-aligned and locked, so REP items cross pages. */
    buf = mmap(NULL, bufsize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1,
               0);
    if (buf == MAP_FAILED)
        return -1;
    memset(buf, 0x5a, bufsize);
    for (long c = sysconf(_SC_NPROCESSORS_ONLN); c > 1; c--) {
        pid_t pid = fork();

        if (pid == 0) {
            child = 1;
            break;
        }
        if (pid > 0)
            children++;
    }
    rnd_state ^= (uint64_t)getpid() * 0x9e3779b97f4a7c15ull;
    end = now_ns() + secs * 1000000000ull;
    while (now_ns() < end) {
        for (int k = 0; k < 256; k++) {
            int i = (int)(rnd() % (unsigned)nr);

            hammer_one(base[i], len[i], buf, bufsize);
            n++;
        }
    }
    if (child)
        _exit(0);
    while (children-- > 0)
        wait(&status);
    OUT("hammer-procs=%ld", sysconf(_SC_NPROCESSORS_ONLN));
    OUT("hammer-accesses-per-proc=%llu", (unsigned long long)n);
    OUT("hammer-secs=%lu", secs);
    munmap(buf, bufsize);
    return 0;
}

static uint64_t time_port(unsigned port, unsigned long n)
{
    uint64_t t0 = now_ns();
    volatile unsigned sink = 0;

    for (unsigned long i = 0; i < n; i++)
        sink += inb(port);
    (void)sink;
    return now_ns() - t0;
}

static int cmd_bench(unsigned long n, unsigned long claimed, unsigned long other)
{
    uint64_t tc, to;

    (void)time_port((unsigned)other, n / 10 + 1); /* warm up both paths */
    (void)time_port((unsigned)claimed, n / 10 + 1);
    tc = time_port((unsigned)claimed, n);
    to = time_port((unsigned)other, n);
    OUT("bench-n=%lu", n);
    OUT("bench-backend-ns=%llu", (unsigned long long)(tc / n));
    OUT("bench-xen-ns=%llu", (unsigned long long)(to / n));
    OUT("bench-ratio=%.1f", to ? (double)tc / (double)to : 0.0);
    return 0;
}

/* Runs one command of argv[0..argc); returns the number of words used or -1. */
static int run_one(int argc, char **argv)
{
    unsigned long a = 0, b = 0, c = 0;
    int n = 0;

    while (n < argc && strcmp(argv[n], "--"))
        n++;
    if (n >= 3 && !strcmp(argv[0], "puts") && !num(argv[1], &a))
        return cmd_puts(a, argv[2]) ? -1 : n;
    if (n == 2 && !strcmp(argv[0], "scratch") && !num(argv[1], &a))
        return cmd_scratch(a) ? -1 : n;
    if (n == 4 && !strcmp(argv[0], "wdt") && !num(argv[1], &a) && !num(argv[2], &b) &&
        !num(argv[3], &c))
        cmd_wdt(a, b, c);
    if (n >= 3 && !strcmp(argv[0], "hammer") && !num(argv[1], &a))
        return cmd_hammer(a, n - 2, argv + 2) ? -1 : n;
    if (n == 4 && !strcmp(argv[0], "bench") && !num(argv[1], &a) && a && !num(argv[2], &b) &&
        !num(argv[3], &c))
        return cmd_bench(a, b, c) ? -1 : n;
    fprintf(stderr, "qx-portio: bad command '%s'\n", argc ? argv[0] : "");
    return -1;
}

int main(int argc, char **argv)
{
    int i = 1;

    if (iopl(3)) {
        OUT("portio-error=iopl");
        return 1;
    }
    while (i < argc) {
        int n = run_one(argc - i, argv + i);

        if (n < 0) {
            OUT("portio-error=%s", argv[i]);
            return 1;
        }
        i += n + 1; /* the command and its "--" */
    }
    OUT("portio-done=1");
    return 0;
}
