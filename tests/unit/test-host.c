/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of toolstack/host.c: host precedence against fake inventories,
 * /proc parsing, the reservation file (every class of bad input gives its
 * located error, files that are not regular are refused); and
 * toolstack/asinfo.c, the same way. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "toolstack/asinfo.h"
#include "toolstack/host.h"
#include "xlcfg/libxl-util.h"

static const char proc_iomem[] = "00000000-00000fff : Reserved\n"
                                 "00001000-0009fbff : System RAM\n"
                                 "000a0000-000bffff : PCI Bus 0000:00\n"
                                 "000f0000-000fffff : System ROM\n"
                                 "0009fc00-0009ffff : RAM buffer\n"
                                 "00100000-3fffffff : System RAM\n"
                                 "  01000000-01ffffff : Kernel code\n"
                                 "fe000000-fe7fffff : PCI Bus 0000:00\n"
                                 "  fe000000-fe7fffff : 0000:00:02.0\n"
                                 "    fe000000-fe7fffff : bochs-drm\n"
                                 "fed00000-fed003ff : HPET 0\n"
                                 "  fed00000-fed003ff : PNP0103:00\n"
                                 "fee00000-fee00fff : Local APIC\n"
                                 "garbage line\n"
                                 "ffff-0 : inverted\n";

static const char proc_interrupts[] =
    "           CPU0       CPU1       \n"
    "  1:          9          0  xen-pirq    -ioapic-edge  i8042\n"
    "  8:          1          0  xen-pirq    -ioapic-edge  rtc0\n"
    "  9:          0          0  xen-pirq    -ioapic-level  acpi\n"
    " 24:       4000          0  xen-percpu    -virq      timer0\n"
    " 40:        100          0   xen-dyn    -event     xenbus\n"
    "NMI:          0          0   Non-maskable interrupts\n";

/* A PVH VM: name, memory, runmasks, iomem pages, irqs. */
struct vm {
    struct qc_config cfg;
    libxl_domain_config dc;
};

static void vm_init(struct vm *v, const char *name, uint64_t memkb, uint64_t runmask0)
{
    qc_config_init(&v->cfg);
    libxl_domain_config_init(&v->dc);
    xlate_config_init_type(&v->dc, LIBXL_DOMAIN_TYPE_PVH);
    xlate_set_string(&v->dc.c_info.name, name);
    v->dc.b_info.max_memkb = memkb;
    if (runmask0) {
        v->cfg.cpus = calloc(1, sizeof(*v->cfg.cpus));
        v->cfg.ncpus = 1;
        v->cfg.cpus[0].has_runmask = true;
        v->cfg.cpus[0].runmask = runmask0;
    }
}

static void vm_dispose(struct vm *v)
{
    qc_config_dispose(&v->cfg);
    libxl_domain_config_dispose(&v->dc);
}

/* A host with 4 pCPUs, 1 GiB free, dom0's /proc files, and domain "web"
 * holding iomem page 0xd0000 and irq 11: the state of the tests that set it up. */
static int host_setup(void **state)
{
    static struct qx_host h;
    libxl_domain_config web;

    qx_host_init(&h);
    h.nr_pcpus = 4;
    h.has_free_kb = true;
    h.free_kb = 1024 * 1024;
    assert_int_equal(qx_host_parse_iomem(&h, proc_iomem), 4);
    assert_int_equal(qx_host_parse_interrupts(&h, proc_interrupts), 3);
    libxl_domain_config_init(&web);
    xlate_add_iomem(&web.b_info, 0xd0000, 1, XLATE_IOMEM_GFN_1TO1);
    xlate_add_irq(&web.b_info, 11);
    assert_int_equal(qx_host_add_domain(&h, "web", &web), 0);
    assert_int_equal(qx_host_add_domain(&h, "Domain-0", NULL), 0);
    libxl_domain_config_dispose(&web);
    *state = &h;
    return 0;
}

static int host_teardown(void **state)
{
    qx_host_dispose(*state);
    return 0;
}

/* Checks @v against @h, then disposes @v: @n conflicts, the first of @kind held by @holder
 * (NULL: held by nobody, as a pCPU or memory the host lacks). */
static void expect_conflicts(struct qx_host *h, struct vm *v, int n, enum qx_res kind,
                             const char *holder)
{
    struct qx_conflicts c;

    qx_conflicts_init(&c);
    assert_int_equal(qx_host_check(h, &v->cfg, &v->dc, &c), n);
    assert_int_equal(c.n, (size_t)n);
    if (n > 0) {
        qx_conflicts_print(stderr, &c); /* the messages print without crashing */
        assert_int_equal(c.v[0].kind, kind);
        if (holder)
            assert_string_equal(c.v[0].holder, holder);
        else
            assert_null(c.v[0].holder);
    }
    qx_conflicts_dispose(&c);
    vm_dispose(v);
}

static void expect_no_conflict(struct qx_host *h, struct vm *v)
{
    expect_conflicts(h, v, 0, 0, NULL);
}

static void test_no_conflict(void **state)
{
    struct vm v;

    vm_init(&v, "guest", 128 * 1024, 0x3);
    xlate_add_iomem(&v.dc.b_info, 0xe0000, 16, XLATE_IOMEM_GFN_1TO1);
    xlate_add_irq(&v.dc.b_info, 5);
    expect_no_conflict(*state, &v);
}

static void test_pcpu_missing(void **state)
{
    struct vm v;

    vm_init(&v, "guest", 1024, 1u << 4);
    expect_conflicts(*state, &v, 1, QX_RES_PCPU, NULL);
}

static void test_pcpu_reserved(void **state)
{
    struct vm v;

    assert_int_equal(qx_host_parse_reserve(*state, "host.qvmconf", "cpu runmask 0,1\n", stderr), 0);
    vm_init(&v, "guest", 1024, (1u << 1) | (1u << 2));
    expect_conflicts(*state, &v, 1, QX_RES_PCPU, "host reservation host.qvmconf:1");
}

static void test_memory(void **state)
{
    struct vm v;

    vm_init(&v, "guest", 2 * 1024 * 1024, 0);
    expect_conflicts(*state, &v, 1, QX_RES_MEMORY, NULL);
    /* Exactly the free memory fits. */
    vm_init(&v, "guest", 1024 * 1024, 0);
    expect_no_conflict(*state, &v);
}

static void test_iomem_dom0(void **state)
{
    struct vm v;

    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0xfed00, 1, XLATE_IOMEM_GFN_1TO1); /* HPET's page */
    expect_conflicts(*state, &v, 1, QX_RES_IOMEM, "dom0 (PNP0103:00)");
    /* The bochs-drm BAR is a leaf claim; its PCI bus window is not. */
    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0xfe7ff, 2, XLATE_IOMEM_GFN_1TO1);
    expect_conflicts(*state, &v, 1, QX_RES_IOMEM, "dom0 (bochs-drm)");
    /* RAM, reserved ranges and bus windows are not device claims. */
    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0x0, 1, XLATE_IOMEM_GFN_1TO1);
    xlate_add_iomem(&v.dc.b_info, 0xa0, 1, XLATE_IOMEM_GFN_1TO1);
    xlate_add_iomem(&v.dc.b_info, 0x9f, 1, XLATE_IOMEM_GFN_1TO1);
    expect_no_conflict(*state, &v);
}

static void test_iomem_domain(void **state)
{
    struct vm v;

    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0xcffff, 2, XLATE_IOMEM_GFN_1TO1);
    expect_conflicts(*state, &v, 1, QX_RES_IOMEM, "domain web");
}

static void test_irq(void **state)
{
    struct vm v;

    vm_init(&v, "guest", 1024, 0);
    xlate_add_irq(&v.dc.b_info, 8);
    expect_conflicts(*state, &v, 1, QX_RES_IRQ, "dom0 (rtc0)");
    vm_init(&v, "guest", 1024, 0);
    xlate_add_irq(&v.dc.b_info, 11);
    expect_conflicts(*state, &v, 1, QX_RES_IRQ, "domain web");
    /* Event channels (xen-dyn, xen-percpu) are not host interrupts. */
    vm_init(&v, "guest", 1024, 0);
    xlate_add_irq(&v.dc.b_info, 24);
    xlate_add_irq(&v.dc.b_info, 40);
    expect_no_conflict(*state, &v);
}

static void test_name(void **state)
{
    struct vm v;

    vm_init(&v, "web", 1024, 0);
    expect_conflicts(*state, &v, 1, QX_RES_NAME, "domain web");
}

static void test_reserve_file(void **state)
{
    struct qx_host h;
    struct vm v;
    static const char text[] = "# host reservation\n"
                               "reserve loc mem:0xc0000000,0x100000\n"
                               "reserve intr 7\n"
                               "reserve loc 0x1000,0x1000=mem:0xd8000000\n";

    (void)state;
    qx_host_init(&h);
    assert_int_equal(qx_host_parse_reserve(&h, "r.qvmconf", text, stderr), 0);
    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0xc00ff, 1, XLATE_IOMEM_GFN_1TO1);
    expect_conflicts(&h, &v, 1, QX_RES_IOMEM, "host reservation r.qvmconf:2");
    vm_init(&v, "guest", 1024, 0);
    xlate_add_irq(&v.dc.b_info, 7);
    xlate_add_iomem(&v.dc.b_info, 0xd8000, 1, XLATE_IOMEM_GFN_1TO1);
    xlate_add_iomem(&v.dc.b_info, 0xc0100, 1, XLATE_IOMEM_GFN_1TO1); /* just after: free */
    expect_conflicts(&h, &v, 2, QX_RES_IOMEM, "host reservation r.qvmconf:4");
    qx_host_dispose(&h);
}

/* Runs @fn(text[0..len)) with messages captured; returns them (malloc'd).
 * Not inlined: GCC's -Wdangling-pointer then mistakes the result for the
 * address of the local that open_memstream filled. */
static __attribute__((noinline)) char *captured(int (*fn)(const char *, size_t, FILE *, void *),
                                                const char *text, size_t len, void *arg, int *rc)
{
    char *msg = NULL;
    size_t mlen = 0;
    FILE *err = open_memstream(&msg, &mlen);

    assert_non_null(err);
    *rc = fn(text, len, err, arg);
    assert_int_equal(fclose(err), 0);
    fputs(msg, stderr); /* visible in the test log */
    return msg;
}

static int reserve_fn(const char *text, size_t len, FILE *err, void *arg)
{
    return qx_host_parse_reserve_n(arg, "bad", text, len, err);
}

static int asinfo_fn(const char *text, size_t len, FILE *err, void *arg)
{
    return qx_asinfo_parse_n(arg, "bad", text, len, err);
}

/* reserve_fn on a host of its own: a file refused claims nothing. */
static int fresh_reserve_fn(const char *text, size_t len, FILE *err, void *arg)
{
    struct qx_host h;
    int rc;

    (void)arg;
    qx_host_init(&h);
    rc = reserve_fn(text, len, err, &h);
    if (rc)
        assert_int_equal(h.nclaims, 0);
    qx_host_dispose(&h);
    return rc;
}

/* asinfo_fn on an inventory of its own. */
static int fresh_asinfo_fn(const char *text, size_t len, FILE *err, void *arg)
{
    struct qx_asinfo a;
    int rc;

    (void)arg;
    qx_asinfo_init(&a);
    rc = asinfo_fn(text, len, err, &a);
    qx_asinfo_dispose(&a);
    return rc;
}

/* A bad input and the start of its first message: "bad:LINE:COL: error: ",
 * and a part of the message (the check name for the reservation file). */
struct bad_case {
    const char *text;
    size_t len; /* 0: strlen */
    const char *where, *what;
};

/* Each of the @n cases, parsed by @fresh (a parser on an object of its own), is refused
 * with its message. */
static void expect_bad(int (*fresh)(const char *, size_t, FILE *, void *), const struct bad_case *b,
                       size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc;
        char *msg = captured(fresh, b[i].text, b[i].len ? b[i].len : strlen(b[i].text), NULL, &rc);

        if (rc != -1 || strncmp(msg, b[i].where, strlen(b[i].where)) != 0 ||
            !strstr(msg, b[i].what))
            fail_msg("case %zu: %s: rc %d, got:\n%s\nwant %s ... %s", i, b[i].text, rc, msg,
                     b[i].where, b[i].what);
        free(msg);
    }
}

/* Every VM item is an error at its keyword, not silently ignored. */
static void test_reserve_vm_items(void **state)
{
    static const struct bad_case bad[] = {
        {"ram 128m\n", 0, "bad:1:1: error: ", "[host-reserve-item]"},
        {"# h\n  rom 0x1000,4k\n", 0, "bad:2:3: error: ", "`rom` is not allowed"},
        {"system web\n", 0, "bad:1:1: error: ", "`system` is not allowed"},
        {"load 0x100000,/boot/x.ifs\n", 0, "bad:1:1: error: ", "`load` is not allowed"},
        {"cmdline quiet\n", 0, "bad:1:1: error: ", "`cmdline`"},
        {"dump /tmp\n", 0, "bad:1:1: error: ", "`dump`"},
        {"safety none\n", 0, "bad:1:1: error: ", "`safety`"},
        {"dryrun\n", 0, "bad:1:1: error: ", "`dryrun`"},
        {"debug\n", 0, "bad:1:1: error: ", "`debug`"},
        {"tolerance 10\n", 0, "bad:1:1: error: ", "`tolerance`"},
        {"logger error stderr\n", 0, "bad:1:1: error: ", "`logger`"},
        {"unsupported instruction abort\n", 0, "bad:1:1: error: ", "`unsupported`"},
        {"cpu runmask 0\nset foo bar\n", 0, "bad:2:1: error: ", "`set` is not allowed"},
        {"vdev ser8250\n", 0, "bad:1:1: error: ", "`vdev` is not allowed"},
        {"reserve intr 5\npass loc mem:0xfd000000,0x1000\n", 0,
         "bad:2:1: error: ", "`pass` is not allowed"},
    };
    (void)state;
    expect_bad(fresh_reserve_fn, bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_reserve_cpu(void **state)
{
    static const struct bad_case bad[] = {
        {"cpu\n", 0, "bad:1:1: error: ", "needs `runmask LIST`"},
        {"cpu sched 10\n", 0, "bad:1:1: error: ", "[host-reserve-cpu]"},
        {"cpu runmask 0 sched 10\n", 0, "bad:1:15: error: ", "not `sched` [host-reserve-cpu]"},
        {"cpu runmask 1 partition p\n", 0, "bad:1:15: error: ", "not `partition`"},
        {"cpu cluster c runmask 1\n", 0, "bad:1:5: error: ", "not `cluster`"},
        {"cpu runmask 64\n", 0, "bad:1:13: error: ", "[runmask-range]"},
        {"cpu runmask 0,99999999999999999999\n", 0, "bad:1:15: error: ", "error"},
    };
    (void)state;
    expect_bad(fresh_reserve_fn, bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_reserve_ranges(void **state)
{
    static const struct bad_case bad[] = {
        {"reserve loc io:0x60,4\n", 0, "bad:1:13: error: ", "not io: space [host-reserve-space]"},
        {"reserve loc pci:0:1.0\n", 0, "bad:1:13: error: ", "not pci: space"},
        {"reserve loc 0x1000=io:0x60\n", 0, "bad:1:13: error: ", "(after '=')"},
        {"reserve loc io:0x60,4=mem:0x1000\n", 0, "bad:1:13: error: ", "(before '=')"},
        {"reserve\n", 0, "bad:1:1: error: ", "reserves nothing [host-reserve-empty]"},
        {"reserve\nreserve intr 5\n", 0, "bad:1:1: error: ", "[host-reserve-empty]"},
        {"reserve loc mem:0x1000,0\n", 0,
         "bad:1:13: error: ", "length 0 reserves nothing [host-reserve-range]"},
        {"reserve loc mem:0xffffffffffffff00,0x100\n", 0,
         "bad:1:13: error: ", "goes past the end of the 64-bit address space [host-reserve-range]"},
        {"reserve loc mem:0xfffffffffffff001\n", 0, "bad:1:13: error: ", "[host-reserve-range]"},
        {"reserve loc 0xffffffffffffffff,2=mem:0x1000\n", 0,
         "bad:1:13: error: ", "[host-reserve-range]"},
        {"reserve loc mem:0x1000,0x1000,rw\n", 0, "bad:1:", "[loc-syntax]"},
        {"reserve intr 4294967296\n", 0, "bad:1:14: error: ", "[number-range]"},
        {"reserve intr ioapic:5\n", 0, "bad:1:14: error: ", "error"},
        {"reserve loc mem:\n", 0, "bad:1:17: error: ", "[number-invalid]"},
    };
    (void)state;
    expect_bad(fresh_reserve_fn, bad, sizeof(bad) / sizeof(bad[0]));
}

/* NUL bytes (in an item or a comment), includes, substitutions. */
static void test_reserve_not_text(void **state)
{
    static const struct bad_case bad[] = {
        {"reserve intr 5\n# c\0x\n", 21,
         "bad:2:4: error: ", "NUL byte: a host reservation file is text [host-reserve-nul]"},
        {"res\0erve intr 5\n", 16, "bad:1:4: error: ", "[host-reserve-nul]"},
        {"\0", 1, "bad:1:1: error: ", "[host-reserve-nul]"},
        {"cpu runmask 0\n\n\n  \0", 19, "bad:4:3: error: ", "[host-reserve-nul]"},
        {"@other.qvmconf\n", 0, "bad:1:1: error: ", "[include-disabled]"},
        {"reserve intr $env{HOME}\n", 0, "bad:1:14: error: ", "[subst-undefined-env]"},
        {"reserve intr 5\x01\n", 0, "bad:1:15: error: ", "[syntax-control-char]"},
    };
    (void)state;
    expect_bad(fresh_reserve_fn, bad, sizeof(bad) / sizeof(bad[0]));
}

/* The offset of @what in @msg, or -1. */
static long offset_of(const char *msg, const char *what)
{
    const char *p = strstr(msg, what);

    return p ? (long)(p - msg) : -1;
}

/* All errors are reported, in file order. */
static void test_reserve_all_errors(void **state)
{
    static const char text[] = "vdev pl011\ncpu runmask 0\nram 1g\nreserve loc io:0x60\n";
    struct qx_host h;
    int rc;
    char *msg;
    long a, b, c;

    (void)state;
    qx_host_init(&h);
    msg = captured(reserve_fn, text, strlen(text), &h, &rc);
    assert_int_equal(rc, -1);
    a = offset_of(msg, "bad:1:1: error:");
    b = offset_of(msg, "bad:3:1: error:");
    c = offset_of(msg, "bad:4:13: error:");
    assert_true(a >= 0 && a < b && b < c);
    assert_int_equal(h.nclaims, 0);
    free(msg);
    qx_host_dispose(&h);
}

/* What the page allows still parses: limits, warnings, the host side of '='. */
static void test_reserve_good(void **state)
{
    static const char text[] = "cpu runmask 0,1\n"
                               "cpu runmask 63\n"
                               "cpu runmask 5 runmask 6\n" /* warned: the last one wins */
                               "reserve loc mem:0xfffffffffffff000,0xfff\n"
                               "reserve loc mem:0xffffffffffffe000 intr 4294967295\n"
                               "reserve intr 0 loc 0x0=mem:0x2000\n";
    struct qx_host h;
    struct vm v;
    int rc;
    char *msg;

    (void)state;
    qx_host_init(&h);
    msg = captured(reserve_fn, text, strlen(text), &h, &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(msg, "bad:3:15: warning: "));
    free(msg);
    assert_int_equal(h.nclaims, 4 + 3 + 2);
    assert_int_equal(h.claims[3].kind, QX_RES_PCPU);
    assert_int_equal(h.claims[3].start, 6);
    assert_int_equal(h.claims[4].start, UINT64_C(0xfffffffffffff000));
    assert_int_equal(h.claims[4].len, 0xfff);
    assert_int_equal(h.claims[5].len, 4096);
    assert_int_equal(h.claims[6].kind, QX_RES_IRQ);
    assert_int_equal(h.claims[6].start, UINT32_MAX);
    assert_int_equal(h.claims[7].kind, QX_RES_IOMEM); /* a reserve's locs, then its intrs */
    assert_int_equal(h.claims[7].start, 0x2000);
    assert_int_equal(h.claims[8].kind, QX_RES_IRQ);
    assert_int_equal(h.claims[8].start, 0);
    /* The top page of the address space: its end does not wrap to 0. */
    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, UINT64_C(0xfffffffffffff), 1, XLATE_IOMEM_GFN_1TO1);
    expect_conflicts(&h, &v, 1, QX_RES_IOMEM, "host reservation bad:4");
    qx_host_dispose(&h);
}

/* A large file (close to the 1 MiB the loader reads) stays linear. */
static void test_reserve_large(void **state)
{
    enum { N = 40000 };
    char *text = malloc((size_t)N * 32), *p = text;
    struct qx_host h;

    (void)state;
    assert_non_null(text);
    for (int i = 0; i < N; i++)
        p += sprintf(p, i % 2 ? "reserve intr %d\n" : "reserve loc mem:0x%x000\n", i);
    assert_true((size_t)(p - text) < QX_HOST_RESERVE_MAX);
    qx_host_init(&h);
    assert_int_equal(qx_host_parse_reserve_n(&h, "big", text, (size_t)(p - text), stderr), 0);
    assert_int_equal(h.nclaims, N);
    assert_int_equal(h.claims[N - 1].start, N - 1);
    qx_host_dispose(&h);
    free(text);
}

/* A scratch directory with a FIFO, a directory and files. */
struct scratch {
    char dir[64];
    char fifo[96], sub[96], big[96], nul[96], good[96];
};

static void scratch_make(struct scratch *s, const char *good_text, const char *nul_text,
                         size_t nul_len, size_t big_len)
{
    int fd;

    strcpy(s->dir, "/tmp/test-host-XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->fifo, sizeof(s->fifo), "%s/fifo", s->dir);
    snprintf(s->sub, sizeof(s->sub), "%s/dir", s->dir);
    snprintf(s->big, sizeof(s->big), "%s/big", s->dir);
    snprintf(s->nul, sizeof(s->nul), "%s/nul", s->dir);
    snprintf(s->good, sizeof(s->good), "%s/good", s->dir);
    assert_int_equal(mkfifo(s->fifo, 0600), 0);
    assert_int_equal(mkdir(s->sub, 0700), 0);
    fd = open(s->big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)big_len), 0); /* sparse: NULs, but too large first */
    close(fd);
    fd = open(s->nul, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, nul_text, nul_len), (ssize_t)nul_len);
    close(fd);
    fd = open(s->good, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, good_text, strlen(good_text)), (ssize_t)strlen(good_text));
    close(fd);
}

static void scratch_remove(struct scratch *s)
{
    unlink(s->fifo);
    rmdir(s->sub);
    unlink(s->big);
    unlink(s->nul);
    unlink(s->good);
    rmdir(s->dir);
}

/* @load(path) fails at once with a message naming @path and saying @why. */
static void expect_load_error(int (*load)(const char *, size_t, FILE *, void *), void *arg,
                              const char *path, const char *why)
{
    int rc;
    char *msg = captured(load, path, 1, arg, &rc);

    if (rc != -1 || !strstr(msg, path) || !strstr(msg, why))
        fail_msg("%s: rc %d, got: %s (want '%s')", path, rc, msg, why);
    free(msg);
}

static int load_reserve_fn(const char *path, size_t must_exist, FILE *err, void *arg)
{
    return qx_host_load_reserve(arg, path, (int)must_exist, err);
}

static int load_asinfo_fn(const char *path, size_t must_exist, FILE *err, void *arg)
{
    return qx_asinfo_load(arg, path, (int)must_exist, err);
}

static void test_reserve_load(void **state)
{
    static const char nul_text[] = "cpu runmask 0\nreserve intr\0 5\n";
    struct scratch s;
    struct qx_host h;
    time_t t0 = time(NULL);

    (void)state;
    scratch_make(&s, "reserve intr 9\n", nul_text, sizeof(nul_text) - 1, QX_HOST_RESERVE_MAX + 1);
    qx_host_init(&h);
    expect_load_error(load_reserve_fn, &h, s.fifo, "not a regular file");
    expect_load_error(load_reserve_fn, &h, s.sub, "Is a directory");
    expect_load_error(load_reserve_fn, &h, "/dev/zero", "not a regular file");
    expect_load_error(load_reserve_fn, &h, "/dev/null", "not a regular file");
    expect_load_error(load_reserve_fn, &h, s.big, "larger than 1048576 bytes");
    expect_load_error(load_reserve_fn, &h, s.nul, ":2:13: error: NUL byte");
    assert_int_equal(h.nclaims, 0);
    assert_int_equal(qx_host_load_reserve(&h, s.good, 1, stderr), 0);
    assert_int_equal(h.nclaims, 1);
    assert_true(time(NULL) - t0 < 5); /* nothing waited on the FIFO */
    qx_host_dispose(&h);
    scratch_remove(&s);
}

static void test_reserve_missing_file(void **state)
{
    struct qx_host h;

    (void)state;
    qx_host_init(&h);
    assert_int_equal(qx_host_load_reserve(&h, "does/not/exist", 0, stderr), 0);
    assert_int_equal(qx_host_load_reserve(&h, "does/not/exist", 1, stderr), -1);
    qx_host_dispose(&h);
}

/* Hostile /proc text: long lines, no newline at the end, binary bytes. */
static void test_proc_garbage(void **state)
{
    struct qx_host h;
    char big[4096];

    (void)state;
    memset(big, '1', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    qx_host_init(&h);
    assert_true(qx_host_parse_iomem(&h, big) >= 0);
    assert_true(qx_host_parse_interrupts(&h, big) >= 0);
    assert_int_equal(qx_host_parse_iomem(&h, "1000-1fff : dev"), 1);
    assert_int_equal(qx_host_parse_interrupts(&h, " 5: 1 xen-pirq x"), 1);
    assert_int_equal(qx_host_parse_interrupts(&h, "99999999999: 1 xen-pirq x\n"), 0);
    assert_int_equal(qx_host_parse_iomem(&h, ""), 0);
    qx_host_dispose(&h);
}

static void test_asinfo(void **state)
{
    struct qx_asinfo a;
    uint64_t s, l;

    (void)state;
    qx_asinfo_init(&a);
    assert_int_equal(
        qx_asinfo_parse(&a, "t", "# c\nram 0x1000 4096 # x\n\n  gpu 10 0x20\n", stderr), 0);
    assert_int_equal(a.n, 2);
    assert_int_equal(qx_asinfo_lookup(&a, "ram", &s, &l), 0);
    assert_int_equal(s, 0x1000);
    assert_int_equal(l, 4096);
    assert_int_equal(qx_asinfo_lookup(&a, "gpu", &s, &l), 0);
    assert_int_equal(l, 0x20);
    assert_int_equal(qx_asinfo_lookup(&a, "nope", &s, &l), -1);
    qx_asinfo_dispose(&a);
}

static void test_asinfo_bad(void **state)
{
    static const struct bad_case bad[] = {
        {"a 1\n", 0, "bad:1:4: error: ", "(LENGTH missing)"},
        {"a\n", 0, "bad:1:2: error: ", "(START missing)"},
        {"  0x10 0x20\n", 0, "bad:1:", "expected NAME START LENGTH"}, /* no name */
        {"a 1 2 3\n", 0, "bad:1:7: error: ", "unexpected text after"},
        {"a 1 2 junk # comment\n", 0, "bad:1:7: error: ", "unexpected text after"},
        {"a 0x 1\n", 0, "bad:1:4: error: ", "START '0x' is not a number"},
        {"a 0x0x10 1\n", 0, "bad:1:6: error: ", "is not a number"},
        {"a -1 2\n", 0, "bad:1:3: error: ", "is not a number"},
        {"a +1 2\n", 0, "bad:1:3: error: ", "is not a number"},
        {"a 1z 2\n", 0, "bad:1:4: error: ", "is not a number"},
        {"a 1 2k\n", 0, "bad:1:6: error: ", "LENGTH '2k' is not a number"},
        {"a 99999999999999999999 1\n", 0, "bad:1:3: error: ", "does not fit in 64 bits"},
        {"a 0x10000000000000000 1\n", 0, "bad:1:3: error: ", "START '0x10000000000000000' does"},
        {"a 1 18446744073709551616\n", 0, "bad:1:5: error: ", "LENGTH"},
        {"a 0xffffffffffffffff 1\n", 0, "bad:1:3: error: ", "goes past the 64-bit"},
        {"a 0xfffffffffffffff0 0x10\n", 0, "bad:1:3: error: ", "goes past the 64-bit"},
        {"a 1 2\nb 3 4\na 5 6\n", 0,
         "bad:3:1: error: ", "'a' is described twice (first on line 1)"},
        {"a\v 1 2\n", 0, "bad:1:2: error: ", "control character 0x0b"},
        {"a$b 1 2\n", 0, "bad:1:2: error: ", "'$' in NAME"},
        {"x/y 1 2\n", 0, "bad:1:2: error: ", "'/' in NAME"},
        {"{a} 1 2\n", 0, "bad:1:1: error: ", "'{' in NAME"},
        {"a 1 2\nb 3\0 4\n", 12, "bad:2:4: error: ", "NUL byte"},
        {"# comment \0\nb 1 2\n", 18, "bad:1:11: error: ", "NUL byte"},
        {"\0", 1, "bad:1:1: error: ", "NUL byte"},
    };
    (void)state;
    expect_bad(fresh_asinfo_fn, bad, sizeof(bad) / sizeof(bad[0]));
}

static void test_asinfo_good(void **state)
{
    static const char text[] = "a 1 2\r\n"
                               "b\t0x10\t0X2f # tabs, CR LF, upper-case hex\r\n"
                               "top 0xfffffffffffffff0 0xf\n"
                               "empty 0xffffffffffffffff 0\n"
                               "all 0 18446744073709551615\n"
                               "d\xc3\xa9j\xc3\xa0 010 0\n" /* UTF-8 names, decimal 010 */
                               "    \t\r\n"
                               "# the end, no newline: last 7 8";
    struct qx_asinfo a;
    uint64_t s, l;
    int rc;
    char *msg;

    (void)state;
    qx_asinfo_init(&a);
    msg = captured(asinfo_fn, text, strlen(text), &a, &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(msg, "");
    free(msg);
    assert_int_equal(a.n, 6);
    assert_int_equal(qx_asinfo_lookup(&a, "b", &s, &l), 0);
    assert_int_equal(s, 0x10);
    assert_int_equal(l, 0x2f);
    assert_int_equal(qx_asinfo_lookup(&a, "top", &s, &l), 0);
    assert_int_equal(s + l, UINT64_MAX);
    assert_int_equal(qx_asinfo_lookup(&a, "all", &s, &l), 0);
    assert_int_equal(l, UINT64_MAX);
    assert_int_equal(qx_asinfo_lookup(&a, "d\xc3\xa9j\xc3\xa0", &s, &l), 0);
    assert_int_equal(s, 10);
    assert_int_equal(qx_asinfo_parse(&a, "t", "last 7 8", stderr), 0);
    assert_int_equal(qx_asinfo_lookup(&a, "last", &s, &l), 0);
    /* A second file may not describe a name again; its good lines are kept. */
    assert_int_equal(qx_asinfo_parse(&a, "t2", "x 1 1\na 3 4\n", stderr), -1);
    assert_int_equal(qx_asinfo_lookup(&a, "x", &s, &l), 0);
    assert_int_equal(a.n, 8);
    qx_asinfo_dispose(&a);
}

/* Many errors: a bounded report; many names: no quadratic duplicate check. */
static void test_asinfo_large(void **state)
{
    enum { N = 100000 };
    char *text = malloc((size_t)N * 24), *p = text;
    struct qx_asinfo a;
    uint64_t s, l;
    int rc;
    char *msg;

    (void)state;
    assert_non_null(text);
    for (int i = 0; i < N; i++)
        p += sprintf(p, "n%d %d 1\n", i, i);
    qx_asinfo_init(&a);
    assert_int_equal(qx_asinfo_parse_n(&a, "big", text, (size_t)(p - text), stderr), 0);
    assert_int_equal(a.n, N);
    assert_int_equal(qx_asinfo_lookup(&a, "n99999", &s, &l), 0);
    assert_int_equal(s, 99999);
    qx_asinfo_dispose(&a);
    memset(text, 'x', 1000);
    for (int i = 1; i < 1000; i += 2)
        text[i] = '\n';
    qx_asinfo_init(&a);
    msg = captured(asinfo_fn, text, 1000, &a, &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(msg, "bad:20:2: error:"));
    assert_null(strstr(msg, "bad:21:"));
    assert_non_null(strstr(msg, "more errors, not reported"));
    free(msg);
    qx_asinfo_dispose(&a);
    free(text);
}

static void test_asinfo_load(void **state)
{
    static const char nul_text[] = "a 1 2\n\0";
    struct scratch s;
    struct qx_asinfo a;
    uint64_t st, l;

    (void)state;
    scratch_make(&s, "ram 0x1000 0x2000\n", nul_text, sizeof(nul_text) - 1, QX_ASINFO_MAX + 1);
    qx_asinfo_init(&a);
    expect_load_error(load_asinfo_fn, &a, s.fifo, "not a regular file");
    expect_load_error(load_asinfo_fn, &a, s.sub, "Is a directory");
    expect_load_error(load_asinfo_fn, &a, "/dev/zero", "not a regular file");
    expect_load_error(load_asinfo_fn, &a, s.big, "larger than 1048576 bytes");
    expect_load_error(load_asinfo_fn, &a, s.nul, ":2:1: error: NUL byte");
    qx_asinfo_dispose(&a);
    assert_int_equal(qx_asinfo_load(&a, "does/not/exist", 0, stderr), 0);
    assert_int_equal(qx_asinfo_load(&a, "does/not/exist", 1, stderr), -1);
    assert_int_equal(qx_asinfo_load(&a, s.good, 1, stderr), 0);
    assert_int_equal(qx_asinfo_lookup(&a, "ram", &st, &l), 0);
    assert_int_equal(l, 0x2000);
    qx_asinfo_dispose(&a);
    scratch_remove(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_conflict, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_pcpu_missing, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_pcpu_reserved, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_memory, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_iomem_dom0, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_iomem_domain, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_irq, host_setup, host_teardown),
        cmocka_unit_test_setup_teardown(test_name, host_setup, host_teardown),
        cmocka_unit_test(test_reserve_file),
        cmocka_unit_test(test_reserve_vm_items),
        cmocka_unit_test(test_reserve_cpu),
        cmocka_unit_test(test_reserve_ranges),
        cmocka_unit_test(test_reserve_not_text),
        cmocka_unit_test(test_reserve_all_errors),
        cmocka_unit_test(test_reserve_good),
        cmocka_unit_test(test_reserve_large),
        cmocka_unit_test(test_reserve_load),
        cmocka_unit_test(test_reserve_missing_file),
        cmocka_unit_test(test_proc_garbage),
        cmocka_unit_test(test_asinfo),
        cmocka_unit_test(test_asinfo_bad),
        cmocka_unit_test(test_asinfo_good),
        cmocka_unit_test(test_asinfo_large),
        cmocka_unit_test(test_asinfo_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
