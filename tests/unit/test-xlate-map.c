/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of the qvm -> Xen mapping rules (xlate/map-*.c): one test per behaviour. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "xlate/map-internal.h"
#include "conf/doc.h"

struct tx {
    struct qc_doc doc;
    struct xlate_plan plan;
    int rc;
};

/* Parses @text and translates it for @arch with capability changes @caps (may be NULL); a
 * user who prefers Xen PV devices when @prefer_pv. */
static struct tx *run_with(const char *text, enum xlate_arch arch, const char *caps,
                           unsigned pcpus, bool prefer_pv)
{
    struct tx *t = test_calloc(1, sizeof(*t));
    struct xlate_target tg;

    qc_doc_init(&t->doc, NULL);
    xlate_plan_init(&t->plan);
    assert_int_equal(qc_doc_read_buffer(&t->doc, "t.qvmconf", text, strlen(text)), 0);
    assert_int_equal(qc_doc_parse(&t->doc), 0);
    xlate_target_default(&tg, arch);
    tg.nr_pcpus = pcpus;
    if (caps)
        assert_int_equal(xlate_target_parse_caps(&tg, caps), 0);
    tg.prefer_pv = prefer_pv;
    t->rc = xlate_translate(&t->doc.cfg, &tg, &t->plan, &t->doc.d);
    return t;
}

static struct tx *run(const char *text, enum xlate_arch arch, const char *caps, unsigned pcpus)
{
    return run_with(text, arch, caps, pcpus, false);
}

/* The same for an ARM target with ioreq servers whose user prefers Xen PV devices. */
static struct tx *run_prefer_pv(const char *text)
{
    return run_with(text, XLATE_ARCH_AARCH64, "+ioreq", 0, true);
}

static void done(struct tx *t)
{
    xlate_plan_dispose(&t->plan);
    qc_doc_dispose(&t->doc);
    test_free(t);
}

static bool has_diag(const struct tx *t, enum qc_check_id id, enum qc_severity sev)
{
    for (size_t i = 0; i < t->doc.d.count; i++)
        if (t->doc.d.items[i].id == id && t->doc.d.items[i].sev == sev)
            return true;
    return false;
}

/* The fidelity of the first report line with rule @rule, or -1. */
static int fidelity(const struct tx *t, const char *rule)
{
    for (size_t i = 0; i < t->plan.nreports; i++)
        if (!strcmp(t->plan.reports[i].rule, rule))
            return (int)t->plan.reports[i].fidelity;
    return -1;
}

#define X86     XLATE_ARCH_X86_64
#define ARM     XLATE_ARCH_AARCH64
#define BASE    "system g ram 1m,64m load /k "
#define ARMBASE "system g ram 0x40000000,64m load /k vdev gic version 2 "

static void test_sched_weight_formula(void **state)
{
    (void)state;
    assert_int_equal(xlate_sched_weight(10), 256);
    assert_int_equal(xlate_sched_weight(14), 512);
    assert_int_equal(xlate_sched_weight(6), 128);
    assert_int_equal(xlate_sched_weight(12), 362);
    assert_int_equal(xlate_sched_weight(1), 54);
    assert_int_equal(xlate_sched_weight(255), 65535);
    assert_int_equal(xlate_sched_weight(0), 45);
    for (uint32_t p = 1; p < 255; p++)
        assert_true(xlate_sched_weight(p) <= xlate_sched_weight(p + 1));
}

static void test_guest_pvh_default(void **state)
{
    struct tx *t = run(BASE, X86, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.type, LIBXL_DOMAIN_TYPE_PVH);
    assert_int_equal(t->plan.config.c_info.type, LIBXL_DOMAIN_TYPE_PVH);
    assert_non_null(t->plan.type_reason);
    assert_int_equal(fidelity(t, "guest-pvh"), XLATE_EXACT);
    assert_string_equal(t->plan.config.c_info.name, "g");
    done(t);
}

static void test_guest_hvm_for_legacy(void **state)
{
    struct tx *t = run(BASE "vdev hpet loc 0xfed00000 intr apic", X86, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.type, LIBXL_DOMAIN_TYPE_HVM);
    assert_true(libxl_defbool_val(t->plan.config.b_info.u.hvm.hpet));
    assert_non_null(strstr(t->plan.type_reason, "hpet"));
    done(t);
}

static void test_guest_hvm_missing_cap(void **state)
{
    struct tx *t = run(BASE "vdev 8259 loc 0x20", X86, "-hvm", 0);

    (void)state;
    assert_int_equal(t->rc, -1);
    assert_true(has_diag(t, QC_CK_XLATE_GUEST_TYPE, QC_SEV_ERROR));
    done(t);
}

static void test_guest_arm_and_arch_mismatch(void **state)
{
    struct tx *t = run(ARMBASE, ARM, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(fidelity(t, "guest-arm"), XLATE_EXACT);
    assert_int_equal(t->plan.config.b_info.arch_arm.gic_version, LIBXL_GIC_VERSION_V2);
    done(t);
    t = run(ARMBASE, X86, NULL, 0);
    assert_true(has_diag(t, QC_CK_XLATE_ARCH, QC_SEV_ERROR));
    done(t);
}

static void test_cpu_count_and_runmask(void **state)
{
    struct tx *t = run(BASE "cpu runmask 3 cpu cpu runmask 1,2", X86, NULL, 8);
    const libxl_domain_build_info *b = &t->plan.config.b_info;

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(b->max_vcpus, 3);
    assert_int_equal(b->num_vcpu_hard_affinity, 3);
    assert_true(libxl_bitmap_test(&b->vcpu_hard_affinity[0], 3));
    assert_int_equal(libxl_bitmap_count_set(&b->vcpu_hard_affinity[0]), 1);
    assert_int_equal(libxl_bitmap_count_set(&b->vcpu_hard_affinity[1]), 64);
    assert_true(libxl_bitmap_test(&b->vcpu_hard_affinity[2], 1));
    assert_true(libxl_bitmap_test(&b->vcpu_hard_affinity[2], 2));
    assert_false(libxl_defbool_val(b->numa_placement));
    done(t);
}

static void test_cpu_pcpu_out_of_range(void **state)
{
    struct tx *t = run(BASE "cpu runmask 5", X86, NULL, 4);

    (void)state;
    assert_int_equal(t->rc, -1);
    assert_true(has_diag(t, QC_CK_XLATE_CPU_PCPU, QC_SEV_ERROR));
    done(t);
}

static void test_cpu_shared_pcpu_warning(void **state)
{
    struct tx *t = run(BASE "cpu runmask 1 cpu runmask 1", X86, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_true(has_diag(t, QC_CK_XLATE_CPU_SHARED_PCPU, QC_SEV_WARNING));
    done(t);
}

/* 8.0's "_cpu-N" clusters are single physical CPUs: pinning, not a cpupool. */
static void test_cpu_cluster_pcpu(void **state)
{
    struct tx *t = run("ram 0x80000000,64M load /k cpu cluster _cpu-1 cpu cluster _cpu-3 "
                       "cpu cluster _cpu-3 cpu cluster fast vdev gic version 2",
                       ARM, NULL, 4);
    const libxl_domain_build_info *b = &t->plan.config.b_info;

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_true(b->num_vcpu_hard_affinity >= 3); /* up to the last pinned vCPU */
    assert_true(libxl_bitmap_test(&b->vcpu_hard_affinity[0], 1));
    assert_false(libxl_bitmap_test(&b->vcpu_hard_affinity[0], 0));
    assert_true(libxl_bitmap_test(&b->vcpu_hard_affinity[1], 3));
    assert_true(has_diag(t, QC_CK_XLATE_CPU_SHARED_PCPU, QC_SEV_WARNING)); /* vCPUs 1 and 2 */
    assert_string_equal(t->plan.config.c_info.pool_name, "fast");          /* a real cluster */
    assert_false(has_diag(t, QC_CK_XLATE_CPU_POOL, QC_SEV_WARNING));
    done(t);
    t = run("ram 0x80000000,64M load /k cpu cluster _cpu-9 vdev gic version 2", ARM, NULL, 4);
    assert_true(has_diag(t, QC_CK_XLATE_CPU_PCPU, QC_SEV_ERROR));
    done(t);
}

static void test_cpu_sched_and_pool(void **state)
{
    struct tx *t = run(BASE "cpu sched 14f partition a cpu sched 10 partition b", X86, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.config.b_info.sched_params.weight, 512);
    assert_string_equal(t->plan.config.c_info.pool_name, "a");
    assert_true(has_diag(t, QC_CK_XLATE_CPU_POOL, QC_SEV_WARNING));
    assert_int_equal(fidelity(t, "cpu-sched"), XLATE_APPROXIMATE);
    done(t);
    t = run(BASE "cpu sched 14,6,3,10000,2000s", X86, NULL, 0);
    assert_int_equal(t->plan.config.b_info.sched_params.weight, 512);
    assert_int_equal(fidelity(t, "cpu-sporadic"), XLATE_APPROXIMATE);
    done(t);
}

static void test_ram_sizes_and_layout(void **state)
{
    struct tx *t = run("ram 0,0xa0000 ram 1m,127m load /k", X86, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.config.b_info.max_memkb, 128 * 1024);
    assert_int_equal(t->plan.config.b_info.target_memkb, 128 * 1024);
    assert_int_equal(fidelity(t, "ram"), XLATE_APPROXIMATE); /* 127.625 MiB rounded up */
    done(t);
    t = run("ram 0x80000000,64m load /k", X86, NULL, 0);
    assert_true(has_diag(t, QC_CK_XLATE_RAM_ADDRESS, QC_SEV_ERROR));
    done(t);
    t = run("ram 0x80000000,64m load /k vdev gic version 2", ARM, NULL, 0);
    assert_int_equal(t->rc, 0);
    assert_true(has_diag(t, QC_CK_XLATE_RAM_RELOCATED, QC_SEV_WARNING));
    assert_int_equal(fidelity(t, "ram-arm-layout"), XLATE_APPROXIMATE);
    done(t);
}

/* One ARM bank beyond Xen's first (3 GiB) continues in the second, as libxl splits it. */
static void test_ram_arm_split(void **state)
{
    struct tx *t = run("ram 0x40000000,4G load /k vdev gic version 2", ARM, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_true(has_diag(t, QC_CK_XLATE_RAM_SPLIT, QC_SEV_WARNING));
    assert_false(has_diag(t, QC_CK_XLATE_RAM_RELOCATED, QC_SEV_WARNING));
    assert_int_equal(t->plan.config.b_info.max_memkb, UINT64_C(4) << 20);
    assert_int_equal(fidelity(t, "ram-arm-layout"), XLATE_APPROXIMATE);
    done(t);
    t = run("ram 0x80000000,3G load /k vdev gic version 2", ARM, NULL, 0);
    assert_int_equal(t->rc, 0);
    assert_false(has_diag(t, QC_CK_XLATE_RAM_SPLIT, QC_SEV_WARNING));
    assert_true(has_diag(t, QC_CK_XLATE_RAM_RELOCATED, QC_SEV_WARNING));
    done(t);
    t = run("ram 0x40000000,0x10000000000 load /k vdev gic version 2", ARM, NULL, 0);
    assert_int_not_equal(t->rc, 0);
    assert_true(has_diag(t, QC_CK_XLATE_RAM_ADDRESS, QC_SEV_ERROR));
    done(t);
}

static void test_rom_and_loads(void **state)
{
    struct tx *t = run(BASE "rom 0xc0000,0x40000 initrd load /i cmdline \"a b\"", X86, NULL, 0);
    const libxl_domain_build_info *b = &t->plan.config.b_info;

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_string_equal(b->kernel, "/k");
    assert_string_equal(b->ramdisk, "/i");
    assert_string_equal(b->cmdline, "a b");
    assert_int_equal(fidelity(t, "rom"), XLATE_APPROXIMATE);
    done(t);
    t = run(BASE "rom 0xfff00000,0x1000", X86, NULL, 0);
    assert_true(has_diag(t, QC_CK_XLATE_ROM, QC_SEV_ERROR));
    done(t);
    t = run(BASE "data load 0x800000,/d", X86, NULL, 0);
    assert_true(has_diag(t, QC_CK_XLATE_LOAD, QC_SEV_ERROR));
    done(t);
}

static void test_pass_mem(void **state)
{
    struct tx *t =
        run(BASE "pass loc mem:0xd0000000,0x2000,rw=0xfe100000 pass loc mem:0xfe000000,0x1000,rw",
            X86, NULL, 0);
    const libxl_domain_build_info *b = &t->plan.config.b_info;

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(b->num_iomem, 2);
    assert_int_equal(b->iomem[0].start, 0xfe100);
    assert_int_equal(b->iomem[0].number, 2);
    assert_int_equal(b->iomem[0].gfn, 0xd0000);
    assert_int_equal(b->iomem[1].start, 0xfe000);
    assert_true(b->iomem[1].gfn == XLATE_IOMEM_GFN_1TO1);
    done(t);
    t = run(BASE "pass loc mem:0xfe000100,0x1000,rw=0xc0000000", X86, NULL, 0);
    assert_true(has_diag(t, QC_CK_XLATE_PASS_ALIGN, QC_SEV_ERROR));
    done(t);
}

static void test_pass_io_and_pci(void **state)
{
    struct tx *t = run(BASE "pass loc io:0x2f8,8", X86, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.config.b_info.num_ioports, 1);
    assert_int_equal(t->plan.config.b_info.ioports[0].first, 0x2f8);
    assert_int_equal(t->plan.config.b_info.ioports[0].number, 8);
    done(t);
    t = run(BASE "pass loc pci:0:2.0=pci:0:31.3", X86, NULL, 0);
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.type, LIBXL_DOMAIN_TYPE_HVM);
    assert_int_equal(t->plan.config.num_pcidevs, 1);
    assert_int_equal(t->plan.config.pcidevs[0].dev, 31);
    assert_int_equal(t->plan.config.pcidevs[0].func, 3);
    done(t);
    t = run(BASE "pass loc pci:0:2.0=pci:0x8086/0x1234", X86, NULL, 0);
    assert_true(has_diag(t, QC_CK_XLATE_PASS_PCI, QC_SEV_ERROR));
    done(t);
}

static void test_pass_intr_arm(void **state)
{
    struct tx *t = run(ARMBASE "pass loc mem:0xfe204000,0x1000,rw intr gic:44", ARM, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.config.b_info.num_irqs, 1);
    assert_int_equal(t->plan.config.b_info.irqs[0], 44);
    assert_non_null(t->plan.fdt);
    assert_int_equal(fdt_check_header(t->plan.fdt), 0);
    assert_true(fdt_path_offset(t->plan.fdt, "/passthrough/qvm-pass@fe204000") >= 0);
    assert_non_null(t->plan.config.b_info.device_tree);
    done(t);
    t = run(ARMBASE "pass intr gic:44=150", ARM, NULL, 0);
    assert_true(has_diag(t, QC_CK_XLATE_PASS_INTR, QC_SEV_ERROR));
    done(t);
}

static void test_reserve(void **state)
{
    struct tx *t = run(ARMBASE "reserve loc 0x22000000,0x1000 reserve intr 100", ARM, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_true(has_diag(t, QC_CK_XLATE_RESERVE, QC_SEV_WARNING));
    assert_int_equal(fidelity(t, "reserve"), XLATE_IGNORED);
    done(t);
}

static void test_vdev_disk_and_nic(void **state)
{
    struct tx *t =
        run(BASE "vdev virtio-blk hostdev </ro.img vdev virtio-net mac 02:00:00:00:00:0a", X86,
            NULL, 0);
    const libxl_domain_config *d = &t->plan.config;

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(d->num_disks, 1);
    assert_string_equal(d->disks[0].pdev_path, "/ro.img");
    assert_string_equal(d->disks[0].vdev, "xvda");
    assert_int_equal(d->disks[0].readwrite, 0);
    assert_int_equal(d->disks[0].format, LIBXL_DISK_FORMAT_RAW);
    assert_int_equal(d->num_nics, 1);
    assert_int_equal(d->nics[0].mac[5], 0x0a);
    done(t);
    t = run(BASE "vdev virtio-blk", X86, NULL, 0);
    assert_true(has_diag(t, QC_CK_XLATE_VDEV_HOSTDEV, QC_SEV_ERROR));
    done(t);
}

/* Disk names past the 26th go on as Linux names them (xvdaa), never repeat. */
static void test_disk_names(void **state)
{
    static const struct {
        unsigned n;
        const char *name;
    } rows[] = {{0, "xvda"},       {25, "xvdz"},       {26, "xvdaa"},
                {27, "xvdab"},     {701, "xvdzz"},     {702, "xvdaaa"},
                {18277, "xvdzzz"}, {18278, "xvdaaaa"}, {(1 << 20) - 1, "xvdbgqcv"}};
    char buf[16];

    (void)state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        xlate_disk_name(buf, sizeof(buf), rows[i].n);
        assert_string_equal(buf, rows[i].name);
    }
    char text[4096] = BASE;
    for (int i = 0; i < 28; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), " vdev virtio-blk hostdev /d%d",
                 i);
    struct tx *t = run(text, X86, NULL, 0);
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.config.num_disks, 28);
    assert_string_equal(t->plan.config.disks[26].vdev, "xvdaa");
    assert_string_equal(t->plan.config.disks[27].vdev, "xvdab");
    done(t);
}

static void test_vdev_uarts(void **state)
{
    struct tx *t = run(ARMBASE "vdev pl011 loc 0x1c090000 intr gic:37 "
                               "vdev pl011 loc 0x1c0a0000 intr gic:38 hostdev >/l",
                       ARM, "+ioreq", 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.config.b_info.arch_arm.vuart, LIBXL_VUART_TYPE_SBSA_UART);
    assert_int_equal(t->plan.nbackends, 1);
    assert_string_equal(t->plan.backends[0].spec, "pl011,mem=0x1c0a0000,hostdev=>/l,spi=38");
    done(t);
    t = run(BASE "vdev ser8250 loc 0x3f8 intr apic", X86, "-ioreq", 0);
    assert_true(has_diag(t, QC_CK_XLATE_BACKEND, QC_SEV_ERROR));
    done(t);
    t = run(BASE "vdev ser8250 loc 0x3f8 intr apic", X86, NULL, 0);
    assert_int_equal(t->rc, 0);
    assert_string_equal(t->plan.backends[0].spec, "ser8250,io=0x3f8");
    done(t);
}

/* Xen's vuart is exact only where it really is: 0x22000000, SPI 32, no hostdev. */
static void test_vdev_pl011_exact(void **state)
{
    static const struct {
        const char *vdev;
        int fidelity;
    } cases[] = {
        {"vdev pl011 loc 0x22000000 intr gic:32", XLATE_EXACT},
        {"vdev pl011 loc 0x1c090000 intr gic:32", XLATE_APPROXIMATE},
        {"vdev pl011 loc 0x22000000 intr gic:37", XLATE_APPROXIMATE},
        {"vdev pl011 loc 0x22000000", XLATE_APPROXIMATE},
        {"vdev pl011 loc 0x22000000 intr gic:32 hostdev >/l", XLATE_APPROXIMATE},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[256];
        struct tx *t;

        snprintf(text, sizeof(text), ARMBASE "%s", cases[i].vdev);
        t = run(text, ARM, NULL, 0);
        assert_int_equal(t->rc, 0);
        assert_int_equal(t->plan.config.b_info.arch_arm.vuart, LIBXL_VUART_TYPE_SBSA_UART);
        if (fidelity(t, "vdev-pl011") != cases[i].fidelity)
            fail_msg("%s: fidelity %d, want %d", cases[i].vdev, fidelity(t, "vdev-pl011"),
                     cases[i].fidelity);
        done(t);
    }
}

static void test_vdev_console(void **state)
{
    struct tx *t = run(BASE "vdev virtio-console vdev virtio-console name logs", X86, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.config.num_channels, 1);
    assert_string_equal(t->plan.config.channels[0].name, "logs");
    assert_int_equal(t->plan.config.channels[0].connection, LIBXL_CHANNEL_CONNECTION_PTY);
    done(t);
}

static void test_vdev_watchdog_actions(void **state)
{
    struct tx *t = run(BASE "dump /d vdev wdt-ib700 action dump,terminate", X86, NULL, 0);

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.config.on_crash, LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY);
    assert_string_equal(t->plan.backends[0].spec, "wdt-ib700,io=0x441,action=dump");
    done(t);
    t = run(BASE "vdev wdt-ib700", X86, NULL, 0);
    assert_int_equal(t->plan.config.on_watchdog, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    assert_int_equal(t->plan.config.on_poweroff, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    assert_int_equal(t->plan.config.on_reboot, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    assert_int_equal(t->plan.config.on_crash, LIBXL_ACTION_ON_SHUTDOWN_DESTROY);
    done(t);
}

static void test_vdev_unsupported(void **state)
{
    struct tx *t = run(BASE "vdev shmem", X86, NULL, 0);

    (void)state;
    assert_true(has_diag(t, QC_CK_XLATE_VDEV_UNSUPPORTED, QC_SEV_ERROR));
    done(t);
    t = run(BASE "vdev virtio-entropy", X86, NULL, 0);
    assert_int_equal(t->rc, 0);
    assert_true(has_diag(t, QC_CK_XLATE_VDEV_UNSUPPORTED, QC_SEV_WARNING));
    done(t);
    t = run(ARMBASE, ARM, "-gicv2", 0);
    assert_true(has_diag(t, QC_CK_XLATE_GIC, QC_SEV_ERROR));
    done(t);
}

/* A 64-bit big-endian pair of cells of property @name of node @path. */
static void assert_cells64(const void *fdt, const char *path, const char *name, uint64_t a,
                           uint64_t b)
{
    int len = 0, off = fdt_path_offset(fdt, path);
    const fdt32_t *c = off >= 0 ? fdt_getprop(fdt, off, name, &len) : NULL;

    assert_non_null(c);
    assert_int_equal(len, 16);
    assert_true(((uint64_t)fdt32_to_cpu(c[0]) << 32 | fdt32_to_cpu(c[1])) == a);
    assert_true(((uint64_t)fdt32_to_cpu(c[2]) << 32 | fdt32_to_cpu(c[3])) == b);
}

/* ARM: one backend device with the broker's options, a shmem node in the DT with its window. */
static void test_vdev_shmem_arm(void **state)
{
    struct tx *t = run(ARMBASE "vdev shmem loc 0x1c050000 intr gic:38 create A,0xf0000 umask 022 "
                               "gid 5 create B,1 allow A subst ,p_",
                       ARM, "+ioreq", 0);
    int off;

    (void)state;
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.nbackends, 1);
    assert_string_equal(t->plan.backends[0].spec,
                        "shmem,mem=0x1c050000,spi=38,window=0x3a000000+0x6000000,allow=A,"
                        "create=A:240:0666,create=B:1:0644:5,subst=p_");
    assert_int_equal(fidelity(t, "vdev-shmem"), XLATE_BACKEND);
    off = fdt_path_offset(t->plan.fdt, "/passthrough/shmem@1c050000");
    assert_true(off >= 0);
    assert_string_equal(fdt_getprop(t->plan.fdt, off, "compatible", NULL), "qvm,guest_shm");
    assert_null(fdt_getprop(t->plan.fdt, off, "dma-coherent", NULL));
    assert_cells64(t->plan.fdt, "/passthrough/shmem@1c050000", "reg", 0x1c050000, 0x1000);
    assert_cells64(t->plan.fdt, "/passthrough/shmem@1c050000", "qvm,shmem-window", 0x3a000000,
                   0x6000000);
    done(t);
    /* Two: the gap is split; the second has no loc or intr and is moved. */
    t = run(ARMBASE "vdev shmem loc 0x1c050000 intr gic:38 vdev shmem", ARM, "+ioreq", 0);
    assert_int_equal(t->rc, 0);
    assert_int_equal(t->plan.nbackends, 2);
    assert_non_null(strstr(t->plan.backends[0].spec, ",window=0x3a000000+0x3000000"));
    assert_string_equal(t->plan.backends[1].spec,
                        "shmem,mem=0x2000000,spi=33,window=0x3d000000+0x3000000");
    assert_true(has_diag(t, QC_CK_XLATE_DEVICE_MOVED, QC_SEV_WARNING));
    done(t);
}

/* What the translation refuses: names the spec cannot carry, a window something else uses, a
 * move into a window libxl's own virtio disks use, no ioreq servers, x86. */
static void test_vdev_shmem_refused(void **state)
{
    struct tx *t =
        run(ARMBASE "vdev shmem loc 0x1c050000 intr gic:38 create a:b,0x1000", ARM, "+ioreq", 0);

    (void)state;
    assert_int_equal(t->rc, -1);
    assert_true(has_diag(t, QC_CK_XLATE_SHMEM_VALUE, QC_SEV_ERROR));
    assert_int_equal(t->plan.nbackends, 0);
    done(t);
    t = run(ARMBASE "vdev shmem loc 0x3a000000 intr gic:38", ARM, "+ioreq", 0);
    assert_true(has_diag(t, QC_CK_XLATE_SHMEM_WINDOW, QC_SEV_ERROR));
    done(t);
    t = run_prefer_pv(ARMBASE "vdev shmem vdev virtio-blk hostdev /d");
    assert_true(has_diag(t, QC_CK_XLATE_SHMEM_WINDOW, QC_SEV_ERROR));
    done(t);
    t = run(ARMBASE "vdev shmem loc 0x1c050000 intr gic:38", ARM, NULL, 0);
    assert_true(has_diag(t, QC_CK_XLATE_BACKEND, QC_SEV_ERROR));
    done(t);
    t = run(BASE "vdev shmem sched 10", X86, "+ioreq", 0);
    assert_true(has_diag(t, QC_CK_XLATE_VDEV_UNSUPPORTED, QC_SEV_ERROR));
    assert_false(has_diag(t, QC_CK_XLATE_OPTION_DROPPED, QC_SEV_WARNING));
    done(t);
}

static void test_globals(void **state)
{
    struct tx *t = run(BASE "safety required", X86, NULL, 0);

    (void)state;
    assert_true(has_diag(t, QC_CK_XLATE_SAFETY, QC_SEV_ERROR));
    done(t);
    t = run(BASE "logger error stderr tolerance 5 dryrun", X86, NULL, 0);
    assert_int_equal(t->rc, 0);
    assert_int_equal(fidelity(t, "logger"), XLATE_IGNORED);
    assert_int_equal(fidelity(t, "tolerance"), XLATE_IGNORED);
    assert_int_equal(fidelity(t, "dryrun"), XLATE_IGNORED);
    done(t);
}

/* The table drives the code: every vdev type has a row, rule names are unique, every report
 * line carries a rule of the table. */
static void test_tables_agree(void **state)
{
    struct tx *t = run(BASE "cpu cpu vdev virtio-entropy", X86, NULL, 0);

    (void)state;
    for (int i = 0; i < QC_VDEV_COUNT; i++)
        assert_true(xlate_vdev_has_handler(i));
    for (int i = 0; i < XLATE_RULE_COUNT; i++)
        for (int j = 0; j < i; j++)
            assert_string_not_equal(xlate_rules[i].name, xlate_rules[j].name);
    for (size_t i = 0; i < t->plan.nreports; i++) {
        bool found = false;

        for (int r = 0; r < XLATE_RULE_COUNT; r++)
            found |= t->plan.reports[i].rule == xlate_rules[r].name;
        assert_true(found);
    }
    done(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sched_weight_formula),
        cmocka_unit_test(test_guest_pvh_default),
        cmocka_unit_test(test_guest_hvm_for_legacy),
        cmocka_unit_test(test_guest_hvm_missing_cap),
        cmocka_unit_test(test_guest_arm_and_arch_mismatch),
        cmocka_unit_test(test_cpu_count_and_runmask),
        cmocka_unit_test(test_cpu_pcpu_out_of_range),
        cmocka_unit_test(test_cpu_shared_pcpu_warning),
        cmocka_unit_test(test_cpu_cluster_pcpu),
        cmocka_unit_test(test_cpu_sched_and_pool),
        cmocka_unit_test(test_ram_sizes_and_layout),
        cmocka_unit_test(test_ram_arm_split),
        cmocka_unit_test(test_rom_and_loads),
        cmocka_unit_test(test_pass_mem),
        cmocka_unit_test(test_pass_io_and_pci),
        cmocka_unit_test(test_pass_intr_arm),
        cmocka_unit_test(test_reserve),
        cmocka_unit_test(test_vdev_disk_and_nic),
        cmocka_unit_test(test_disk_names),
        cmocka_unit_test(test_vdev_uarts),
        cmocka_unit_test(test_vdev_pl011_exact),
        cmocka_unit_test(test_vdev_console),
        cmocka_unit_test(test_vdev_watchdog_actions),
        cmocka_unit_test(test_vdev_unsupported),
        cmocka_unit_test(test_vdev_shmem_arm),
        cmocka_unit_test(test_vdev_shmem_refused),
        cmocka_unit_test(test_globals),
        cmocka_unit_test(test_tables_agree),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
