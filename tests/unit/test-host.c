/* Unit tests of toolstack/host.c: host precedence against fake inventories,
 * /proc parsing, the reservation file; and toolstack/asinfo.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "asinfo.h"
#include "host.h"
#include "libxl-util.h"

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
 * holding iomem page 0xd0000 and irq 11. */
static void host_fake(struct qx_host *h)
{
    libxl_domain_config web;

    qx_host_init(h);
    h->nr_pcpus = 4;
    h->has_free_kb = true;
    h->free_kb = 1024 * 1024;
    assert_int_equal(qx_host_parse_iomem(h, proc_iomem), 4);
    assert_int_equal(qx_host_parse_interrupts(h, proc_interrupts), 3);
    libxl_domain_config_init(&web);
    xlate_add_iomem(&web.b_info, 0xd0000, 1, XLATE_IOMEM_GFN_1TO1);
    xlate_add_irq(&web.b_info, 11);
    assert_int_equal(qx_host_add_domain(h, "web", &web), 0);
    assert_int_equal(qx_host_add_domain(h, "Domain-0", NULL), 0);
    libxl_domain_config_dispose(&web);
}

/* Runs the check; returns the number of conflicts, the first kind in *kind. */
static int run_check(struct qx_host *h, struct vm *v, enum qx_res *kind, const char **holder)
{
    struct qx_conflicts c;
    int n;

    qx_conflicts_init(&c);
    n = qx_host_check(h, &v->cfg, &v->dc, &c);
    assert_int_equal((size_t)n, c.n);
    if (n > 0) {
        *kind = c.v[0].kind;
        *holder = c.v[0].holder;
        qx_conflicts_print(stderr, &c); /* the messages print without crashing */
    }
    qx_conflicts_dispose(&c);
    return n;
}

static void test_no_conflict(void **state)
{
    struct qx_host h;
    struct vm v;
    enum qx_res k;
    const char *who;

    (void)state;
    host_fake(&h);
    vm_init(&v, "guest", 128 * 1024, 0x3);
    xlate_add_iomem(&v.dc.b_info, 0xe0000, 16, XLATE_IOMEM_GFN_1TO1);
    xlate_add_irq(&v.dc.b_info, 5);
    assert_int_equal(run_check(&h, &v, &k, &who), 0);
    vm_dispose(&v);
    qx_host_dispose(&h);
}

static void test_pcpu_missing(void **state)
{
    struct qx_host h;
    struct vm v;
    enum qx_res k;
    const char *who = "x";

    (void)state;
    host_fake(&h);
    vm_init(&v, "guest", 1024, 1u << 4);
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_int_equal(k, QX_RES_PCPU);
    assert_null(who);
    vm_dispose(&v);
    qx_host_dispose(&h);
}

static void test_pcpu_reserved(void **state)
{
    struct qx_host h;
    struct vm v;
    enum qx_res k;
    const char *who;

    (void)state;
    host_fake(&h);
    assert_int_equal(qx_host_parse_reserve(&h, "host.qvmconf", "cpu runmask 0,1\n", stderr), 0);
    vm_init(&v, "guest", 1024, (1u << 1) | (1u << 2));
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_int_equal(k, QX_RES_PCPU);
    assert_string_equal(who, "host reservation host.qvmconf:1");
    vm_dispose(&v);
    qx_host_dispose(&h);
}

static void test_memory(void **state)
{
    struct qx_host h;
    struct vm v;
    enum qx_res k;
    const char *who;

    (void)state;
    host_fake(&h);
    vm_init(&v, "guest", 2 * 1024 * 1024, 0);
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_int_equal(k, QX_RES_MEMORY);
    vm_dispose(&v);
    /* Exactly the free memory fits. */
    vm_init(&v, "guest", 1024 * 1024, 0);
    assert_int_equal(run_check(&h, &v, &k, &who), 0);
    vm_dispose(&v);
    qx_host_dispose(&h);
}

static void test_iomem_dom0(void **state)
{
    struct qx_host h;
    struct vm v;
    enum qx_res k;
    const char *who;

    (void)state;
    host_fake(&h);
    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0xfed00, 1, XLATE_IOMEM_GFN_1TO1); /* HPET's page */
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_int_equal(k, QX_RES_IOMEM);
    assert_string_equal(who, "dom0 (PNP0103:00)");
    vm_dispose(&v);
    /* The bochs-drm BAR is a leaf claim; its PCI bus window is not. */
    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0xfe7ff, 2, XLATE_IOMEM_GFN_1TO1);
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_string_equal(who, "dom0 (bochs-drm)");
    vm_dispose(&v);
    /* RAM, reserved ranges and bus windows are not device claims. */
    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0x0, 1, XLATE_IOMEM_GFN_1TO1);
    xlate_add_iomem(&v.dc.b_info, 0xa0, 1, XLATE_IOMEM_GFN_1TO1);
    xlate_add_iomem(&v.dc.b_info, 0x9f, 1, XLATE_IOMEM_GFN_1TO1);
    assert_int_equal(run_check(&h, &v, &k, &who), 0);
    vm_dispose(&v);
    qx_host_dispose(&h);
}

static void test_iomem_domain(void **state)
{
    struct qx_host h;
    struct vm v;
    enum qx_res k;
    const char *who;

    (void)state;
    host_fake(&h);
    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0xcffff, 2, XLATE_IOMEM_GFN_1TO1);
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_int_equal(k, QX_RES_IOMEM);
    assert_string_equal(who, "domain web");
    vm_dispose(&v);
    qx_host_dispose(&h);
}

static void test_irq(void **state)
{
    struct qx_host h;
    struct vm v;
    enum qx_res k;
    const char *who;

    (void)state;
    host_fake(&h);
    vm_init(&v, "guest", 1024, 0);
    xlate_add_irq(&v.dc.b_info, 8);
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_int_equal(k, QX_RES_IRQ);
    assert_string_equal(who, "dom0 (rtc0)");
    vm_dispose(&v);
    vm_init(&v, "guest", 1024, 0);
    xlate_add_irq(&v.dc.b_info, 11);
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_string_equal(who, "domain web");
    vm_dispose(&v);
    /* Event channels (xen-dyn, xen-percpu) are not host interrupts. */
    vm_init(&v, "guest", 1024, 0);
    xlate_add_irq(&v.dc.b_info, 24);
    xlate_add_irq(&v.dc.b_info, 40);
    assert_int_equal(run_check(&h, &v, &k, &who), 0);
    vm_dispose(&v);
    qx_host_dispose(&h);
}

static void test_name(void **state)
{
    struct qx_host h;
    struct vm v;
    enum qx_res k;
    const char *who;

    (void)state;
    host_fake(&h);
    vm_init(&v, "web", 1024, 0);
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_int_equal(k, QX_RES_NAME);
    assert_string_equal(who, "domain web");
    vm_dispose(&v);
    qx_host_dispose(&h);
}

static void test_reserve_file(void **state)
{
    struct qx_host h;
    struct vm v;
    enum qx_res k;
    const char *who;
    static const char text[] = "# host reservation\n"
                               "reserve loc mem:0xc0000000,0x100000\n"
                               "reserve intr 7\n"
                               "reserve loc 0x1000,0x1000=mem:0xd8000000\n";

    (void)state;
    qx_host_init(&h);
    assert_int_equal(qx_host_parse_reserve(&h, "r.qvmconf", text, stderr), 0);
    vm_init(&v, "guest", 1024, 0);
    xlate_add_iomem(&v.dc.b_info, 0xc00ff, 1, XLATE_IOMEM_GFN_1TO1);
    assert_int_equal(run_check(&h, &v, &k, &who), 1);
    assert_int_equal(k, QX_RES_IOMEM);
    assert_string_equal(who, "host reservation r.qvmconf:2");
    vm_dispose(&v);
    vm_init(&v, "guest", 1024, 0);
    xlate_add_irq(&v.dc.b_info, 7);
    xlate_add_iomem(&v.dc.b_info, 0xd8000, 1, XLATE_IOMEM_GFN_1TO1);
    xlate_add_iomem(&v.dc.b_info, 0xc0100, 1, XLATE_IOMEM_GFN_1TO1); /* just after: free */
    assert_int_equal(run_check(&h, &v, &k, &who), 2);
    assert_int_equal(k, QX_RES_IOMEM);
    vm_dispose(&v);
    qx_host_dispose(&h);
}

static void test_reserve_file_bad(void **state)
{
    static const char *const bad[] = {
        "ram 128m\n",              /* a VM item */
        "cpu sched 10\n",          /* cpu without runmask */
        "reserve loc io:0x60,4\n", /* not memory */
        "reserve loc mem:\n",      /* syntax */
        "vdev ser8250\n",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct qx_host h;
        qx_host_init(&h);
        assert_int_equal(qx_host_parse_reserve(&h, "bad", bad[i], stderr), -1);
        qx_host_dispose(&h);
    }
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

    static const char *const bad[] = {
        "a 1\n",          "a 1 2 3\n", "a 0x 1\n", "a -1 2\n", "a 99999999999999999999 1\n",
        "a 1 2\na 3 4\n", "a 1z 2\n"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        qx_asinfo_init(&a);
        assert_int_equal(qx_asinfo_parse(&a, "bad", bad[i], stderr), -1);
        qx_asinfo_dispose(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_conflict),
        cmocka_unit_test(test_pcpu_missing),
        cmocka_unit_test(test_pcpu_reserved),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_iomem_dom0),
        cmocka_unit_test(test_iomem_domain),
        cmocka_unit_test(test_irq),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_reserve_file),
        cmocka_unit_test(test_reserve_file_bad),
        cmocka_unit_test(test_reserve_missing_file),
        cmocka_unit_test(test_proc_garbage),
        cmocka_unit_test(test_asinfo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
