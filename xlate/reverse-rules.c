/* SPDX-License-Identifier: LGPL-2.1-only */
/* The reverse rules (Xen -> qvm), one function per row of xlate/reverse.def, i.e. per mapping.def
 * row. */
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "xlate/map-internal.h"
#include "xlate/reverse-internal.h"

#define MiB            (UINT64_C(1) << 20)
#define GiB            (UINT64_C(1) << 30)
#define ARM_RAM0       UINT64_C(0x40000000)
#define ARM_RAM0_MAX   (3 * GiB)
#define ARM_RAM1       UINT64_C(0x200000000)
#define ARM_RAM_MAX    (ARM_RAM0_MAX + 1016 * GiB) /* GUEST_RAM0_SIZE + GUEST_RAM1_SIZE */
#define ARM_VPL011     UINT64_C(0x22000000)
#define ARM_VPL011_SPI 32
#define X86_LOW_END    UINT64_C(0xa0000)
#define X86_HIGH_START UINT64_C(0x100000)
#define X86_HOLE       UINT64_C(0xf0000000) /* hvmloader's default low-memory top */
#define X86_4G         (4 * GiB)
#define CPU_BITS       64 /* qvm runmask: pCPUs 0..63 */
#define PAGE_SHIFT     12
#define CHANNEL_NAME   63 /* the longest channel name the translation keeps (map-vdev.c) */

/* A "load"-type line (load, initrd load, fdt load, acpi load) for xl.cfg key
 * @key, or a refusal: qvm reads "A,PATH" as an address and a path whenever A
 * parses as an address, and has no way to quote the comma. */
static void load_line(struct rev *st, const char *key, int blob, const char *kw, const char *path)
{
    const char *comma = strchr(path, ',');
    uint64_t addr;

    if (!*path) {
        rev_refuse(st, key, "an empty path: qvm's %s needs a file", kw);
        return;
    }
    if (comma &&
        qc_num_parse(path, (size_t)(comma - path), QC_NUM_ADDR, &addr, NULL) == QC_NUM_OK) {
        rev_refuse(st, key,
                   "\"%s\": qvm reads %s \"%.*s,...\" as ADDRESS,PATH and cannot quote the "
                   "comma; rename the file",
                   path, kw, (int)(comma - path), path);
        return;
    }
    if (rev_word_ok(st, key, "the path", path))
        qc_build_load(&st->b, blob, path);
}

/* vdev TYPE [loc SPACE:ADDR] [intr PIC:LINE | intr apic (@pic NULL) | no intr (@pic "")]. */
static struct qc_vdev *vdev_at(struct rev *st, enum qc_vdev_type type, enum qc_space space,
                               uint64_t addr, const char *pic, uint32_t line)
{
    struct qc_vdev *v = qc_build_vdev(&st->b, type);

    if (v && space != QC_SPACE_NONE)
        qc_build_vdev_loc(&st->b, v, space, addr);
    if (v && (!pic || *pic))
        qc_build_vdev_intr(&st->b, v, pic, line);
    return v;
}

/* pass with one loc, or with one intr PIC:LINE. */
static void pass_loc(struct rev *st, const struct qc_locspec *l)
{
    struct qc_pass *p = qc_build_pass(&st->b);

    if (p)
        qc_build_pass_loc(&st->b, p, l);
}

static void pass_intr(struct rev *st, const char *pic, uint32_t line)
{
    struct qc_pass *p = qc_build_pass(&st->b);

    if (p)
        qc_build_pass_intr(&st->b, p, pic, line);
}

static void rev_type(struct rev *st)
{
    CONSUME(st, c_info.type);
    if (st->d->c_info.type == LIBXL_DOMAIN_TYPE_PV)
        rev_lossy(st, "type",
                  "pv: qvm-xl builds PVH or HVM guests (the qvmconf describes a %s one)",
                  st->arm ? "ARM" : "PVH");
    if (st->d->c_info.type == LIBXL_DOMAIN_TYPE_HVM && st->arm)
        rev_lossy(st, "type", "hvm on ARM: Xen ARM guests are PVH");
}

static void rev_system(struct rev *st)
{
    if (!st->d->c_info.name)
        rev_lossy(st, "name",
                  "not set (xl needs one): no system name; qvm-xl would call the "
                  "guest \"qvm-guest\"");
    else if (rev_word_ok(st, "name", "the name", st->d->c_info.name))
        qc_build_system(&st->b, st->d->c_info.name);
    CONSUME(st, c_info.name);
}

static void ram(struct rev *st, uint64_t start, uint64_t len)
{
    qc_build_ram(&st->b, start, len);
}

/* The memory size as RAM at Xen's guest addresses (what qvm spells out). */
static void rev_ram(struct rev *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    uint64_t total, max = st->arm ? ARM_RAM_MAX : UINT64_MAX - X86_4G + X86_HOLE - X86_HIGH_START;

    if (b->target_memkb == LIBXL_MEMKB_DEFAULT) {
        rev_lossy(st, "memory", "not set: xl's default (128 MiB) is written");
        total = 128 * MiB;
    } else if (!b->target_memkb || b->target_memkb > max / 1024) {
        /* x86: what still ends below 2^64 from 4G in Xen's layout; ARM: Xen's two banks. */
        rev_refuse(st, "memory", "%" PRIu64 " %s: %s",
                   b->target_memkb % 1024 ? b->target_memkb : b->target_memkb / 1024,
                   b->target_memkb % 1024 ? "KiB" : "MiB",
                   !b->target_memkb ? "a guest needs RAM"
                   : st->arm        ? "more than Xen's ARM guest banks hold (1019 GiB)"
                                    : "RAM in Xen's x86 layout would end beyond 64-bit addresses");
        CONSUME(st, b_info.target_memkb);
        CONSUME(st, b_info.max_memkb);
        return;
    } else {
        total = b->target_memkb * 1024;
        if (total % MiB)
            rev_lossy(st, "memory", "%" PRIu64 " KiB: qvm-xl gives Xen whole MiB (rounded up)",
                      b->target_memkb);
    }
    if (b->max_memkb != LIBXL_MEMKB_DEFAULT && b->max_memkb != b->target_memkb)
        rev_lossy(st, "maxmem",
                  "%" PRIu64 " MiB: qvm guests have a fixed RAM size (memory=%" PRIu64
                  " MiB is used)",
                  b->max_memkb / 1024, total / MiB);
    CONSUME(st, b_info.target_memkb);
    CONSUME(st, b_info.max_memkb);
    if (st->arm) {
        ram(st, ARM_RAM0, total < ARM_RAM0_MAX ? total : ARM_RAM0_MAX);
        if (total > ARM_RAM0_MAX)
            ram(st, ARM_RAM1, total - ARM_RAM0_MAX);
        return;
    }
    /* Xen's PC layout: 640K low, the legacy hole, RAM from 1M up to the MMIO hole, then 4G.
     * The sizes add up to memory= exactly (the hole holds no RAM pages). */
    if (total <= X86_LOW_END) {
        ram(st, 0, total);
        return;
    }
    ram(st, 0, X86_LOW_END);
    total -= X86_LOW_END;
    if (X86_HIGH_START + total <= X86_HOLE) {
        ram(st, X86_HIGH_START, total);
    } else {
        ram(st, X86_HIGH_START, X86_HOLE - X86_HIGH_START);
        ram(st, X86_4G, total - (X86_HOLE - X86_HIGH_START));
    }
}

static void rev_kernel(struct rev *st)
{
    if (st->d->b_info.kernel)
        load_line(st, "kernel", -1, "load", st->d->b_info.kernel);
    CONSUME(st, b_info.kernel);
}

static void rev_ramdisk(struct rev *st)
{
    if (st->d->b_info.ramdisk)
        load_line(st, "ramdisk", QC_BLOB_INITRD, "initrd load", st->d->b_info.ramdisk);
    CONSUME(st, b_info.ramdisk);
}

static void rev_fdt(struct rev *st)
{
    const char *dt = st->d->b_info.device_tree;

    if (dt && st->arm)
        load_line(st, "device_tree", QC_BLOB_FDT, "fdt load", dt);
    else if (dt)
        rev_lossy(st, "device_tree", "\"%s\": no device tree on x86", dt);
    CONSUME(st, b_info.device_tree);
}

static void rev_acpi_fw(struct rev *st)
{
    const char *fw;

    if (st->d->b_info.type != LIBXL_DOMAIN_TYPE_HVM)
        return;
    fw = st->d->b_info.u.hvm.acpi_firmware;
    if (fw && st->hvm)
        load_line(st, "acpi_firmware", QC_BLOB_ACPI, "acpi load", fw);
    else if (fw)
        rev_lossy(st, "acpi_firmware", "\"%s\": x86 HVM only", fw);
    CONSUME(st, b_info.u.hvm.acpi_firmware);
}

static void rev_cmdline(struct rev *st)
{
    const char *c = st->d->b_info.cmdline;

    /* xl's root= and extra= make the command line too; the parser locates "cmdline" at them. */
    if (c && rev_word_ok(st, "cmdline", "the command line", c))
        qc_build_cmdline(&st->b, c);
    CONSUME(st, b_info.cmdline);
}

/* Per-vCPU rows (the CPU row calls them inside each cpu block). */
static void rev_vcpu_runmask(struct rev *st, struct qc_cpu *cpu, int vcpu)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    const libxl_bitmap *m;
    bool all = true, beyond = false, any = false;
    int bits;

    if (vcpu >= b->num_vcpu_hard_affinity)
        return;
    m = &b->vcpu_hard_affinity[vcpu];
    bits = (int)m->size * 8;
    if (bits < CPU_BITS)
        all = false;
    for (int c = 0; c < bits; c++) {
        if (c < CPU_BITS && !libxl_bitmap_test(m, c))
            all = false;
        if (c >= CPU_BITS && libxl_bitmap_test(m, c))
            beyond = true;
    }
    if (all)
        return; /* any pCPU: qvm's default, no runmask */
    for (int c = 0; c < bits && c < CPU_BITS && !any; c++)
        any = libxl_bitmap_test(m, c);
    if (!any) {
        /* xl takes cpus="" (or "^0" ...): Xen would refuse the empty set at creation. */
        rev_refuse(st, "cpus", "vCPU %d: no pCPU (0-%d) to run on", vcpu, CPU_BITS - 1);
        return;
    }
    if (beyond)
        rev_lossy(st, "cpus", "vCPU %d: pCPUs above %d cannot be named in a qvm runmask", vcpu,
                  CPU_BITS - 1);
    cpu->has_runmask = true;
    cpu->runmask_loc = st->b.loc;
    for (int c = 0; c < bits && c < CPU_BITS; c++)
        if (libxl_bitmap_test(m, c))
            cpu->runmask |= UINT64_C(1) << c;
}

/* The priority whose forward weight (mapping.def cpu-sched) is nearest to @w. */
static uint32_t prio_for_weight(int w, bool *exact)
{
    uint32_t best = 10;
    long bestd = -1;

    for (uint32_t p = 1; p <= 255; p++) {
        long d = labs((long)xlate_sched_weight(p) - w);

        if (bestd < 0 || d < bestd) {
            best = p;
            bestd = d;
        }
    }
    *exact = bestd == 0;
    return best;
}

static void rev_vcpu_sched(struct rev *st, struct qc_cpu *cpu, int vcpu)
{
    int w = st->d->b_info.sched_params.weight;
    bool exact;
    uint32_t prio;

    if (w == st->blank.b_info.sched_params.weight)
        return;
    prio = prio_for_weight(w, &exact);
    if (!exact && vcpu == 0)
        rev_lossy(st, "cpu_weight", "%d has no exact qvm priority; sched %u gives %u", w, prio,
                  xlate_sched_weight(prio));
    cpu->sched =
        (struct qc_sched){.set = true, .prio = prio, .policy = QC_SCHED_RR, .loc = st->b.loc};
}

static void rev_vcpu_pool(struct rev *st, struct qc_cpu *cpu, int vcpu)
{
    const char *pool = st->d->c_info.pool_name;

    if (pool && (vcpu > 0 || rev_word_ok(st, "pool", "the pool name", pool)))
        qc_build_cpu_partition(&st->b, cpu, pool);
}

static void rev_cpus(struct rev *st);

/* Dispatch table, from reverse.def (the rows' functions are defined in this file). */
static void rev_gic(struct rev *st);
static void rev_legacy_pc(struct rev *st);
static void rev_hpet(struct rev *st);
static void rev_display(struct rev *st);
static void rev_vuart(struct rev *st);
static void rev_serial(struct rev *st);
static void rev_channels(struct rev *st);
static void rev_disks(struct rev *st);
static void rev_nics(struct rev *st);
static void rev_dm_args(struct rev *st);
static void rev_iomem(struct rev *st);
static void rev_ioports(struct rev *st);
static void rev_irqs(struct rev *st);
static void rev_pci(struct rev *st);
static void rev_dtdev(struct rev *st);
static void rev_dump(struct rev *st);
static void rev_actions(struct rev *st);

struct rev_row {
    int rule;
    const char *keys;
    void (*fn)(struct rev *);
    void (*vcpu_fn)(struct rev *, struct qc_cpu *, int);
};

static const struct rev_row rows[] = {
#define XLATE_REVERSE(ID, KEYS, FN, VCPU_FN) {XLATE_RULE_##ID, KEYS, FN, VCPU_FN},
#include "xlate/reverse.def"
};
#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* The public view of the same rows. */
const struct xlate_reverse_rule xlate_reverse_rules[] = {
#define XLATE_REVERSE(ID, KEYS, FN, VCPU_FN) {XLATE_RULE_##ID, KEYS},
#include "xlate/reverse.def"
};
const size_t xlate_reverse_nrules = NROWS;

static void rev_cpus(struct rev *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    int online = 0, n;

    while (online < (int)b->avail_vcpus.size * 8 && libxl_bitmap_test(&b->avail_vcpus, online))
        online++;
    if (!b->avail_vcpus.size && b->max_vcpus)
        online = b->max_vcpus;
    n = online ? online : 1;
    if (b->max_vcpus > online && online)
        rev_lossy(st, "maxvcpus", "%d: qvm has one cpu per vCPU and no hot-plug (%d written)",
                  b->max_vcpus, online);
    if (b->avail_vcpus.size && libxl_bitmap_count_set(&b->avail_vcpus) != online)
        rev_lossy(st, "vcpus", "online vCPUs are not 0..N-1; %d written", n);
    for (int i = 0; i < n; i++) {
        struct qc_cpu *cpu = qc_build_cpu(&st->b);

        for (size_t r = 0; cpu && r < NROWS; r++)
            if (rows[r].vcpu_fn)
                rows[r].vcpu_fn(st, cpu, i);
    }
    if (b->num_vcpu_hard_affinity > n)
        rev_lossy(st, "cpus", "affinity for %d vCPUs, only %d exist", b->num_vcpu_hard_affinity, n);
    CONSUME(st, b_info.max_vcpus);
    CONSUME(st, b_info.avail_vcpus);
    CONSUME(st, b_info.num_vcpu_hard_affinity);
    CONSUME(st, b_info.vcpu_hard_affinity);
    /* xl and qvm-xl turn NUMA placement off whenever vCPUs are pinned. */
    if (libxl_defbool_is_default(b->numa_placement) ||
        (b->num_vcpu_hard_affinity && !libxl_defbool_val(b->numa_placement)))
        CONSUME(st, b_info.numa_placement);
    CONSUME(st, b_info.sched_params.weight);
    CONSUME(st, c_info.pool_name);
    if (b->num_vcpu_soft_affinity) {
        rev_lossy(st, "cpus_soft", "qvm has no soft affinity (a runmask is hard)");
        CONSUME(st, b_info.num_vcpu_soft_affinity);
        CONSUME(st, b_info.vcpu_soft_affinity);
    }
    if (b->sched_params.cap != st->blank.b_info.sched_params.cap) {
        rev_lossy(st, "cap", "%d%%: qvm priorities have no CPU cap", b->sched_params.cap);
        CONSUME(st, b_info.sched_params.cap);
    }
}

static void rev_gic(struct rev *st)
{
    libxl_gic_version v = st->d->b_info.arch_arm.gic_version;
    struct qc_vdev *gic;

    if (!st->arm) {
        if (v != LIBXL_GIC_VERSION_DEFAULT)
            rev_lossy(st, "gic_version", "ARM only");
        CONSUME(st, b_info.arch_arm.gic_version);
        return;
    }
    /* Written even when xl's default (the host's) applies: qvm declares its interrupt controller.
     */
    gic = qc_build_vdev(&st->b, QC_VDEV_GIC);
    if (gic && (v == LIBXL_GIC_VERSION_V2 || v == LIBXL_GIC_VERSION_V3))
        qc_build_vdev_num(&st->b, gic, QC_VOPT_VERSION, v == LIBXL_GIC_VERSION_V2 ? 2 : 3);
    CONSUME(st, b_info.arch_arm.gic_version);
}

/* HVM's built-in PC platform, spelled out at its standard addresses (mapping vdev-legacy-pc). */
static void rev_legacy_pc(struct rev *st)
{
    if (!st->hvm)
        return;
    vdev_at(st, QC_VDEV_IOAPIC, QC_SPACE_MEM, 0xfec00000, NULL, 0); /* intr apic */
    vdev_at(st, QC_VDEV_I8259, QC_SPACE_IO, 0x20, "", 0);
    vdev_at(st, QC_VDEV_I8259, QC_SPACE_IO, 0xa0, "", 0);
    vdev_at(st, QC_VDEV_TIMER8254, QC_SPACE_NONE, 0, "ioapic", 0);
    vdev_at(st, QC_VDEV_MC146818, QC_SPACE_IO, 0x70, "", 0);
    vdev_at(st, QC_VDEV_PCKEYBOARD, QC_SPACE_IO, 0x60, "", 0);
}

static void rev_hpet(struct rev *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    if (!st->hvm)
        return;
    if (libxl_defbool_is_default(b->u.hvm.hpet)) {
        /* libxl's default is on; qvm-xl only asks for it when a vdev hpet is declared. */
    } else if (libxl_defbool_val(b->u.hvm.hpet)) {
        vdev_at(st, QC_VDEV_HPET, QC_SPACE_MEM, 0xfed00000, "ioapic", 2);
    } else {
        rev_lossy(st, "hpet", "0: qvm-xl leaves Xen's HPET to libxl's default (on)");
    }
    CONSUME(st, b_info.u.hvm.hpet);
}

/* qvm emulates no display: vga="none" and vnc=0 are what qvm-xl writes; any adapter or VNC
 * (libxl's default: cirrus and VNC) is lost, the way back gives none. */
static void rev_display(struct rev *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    if (!st->hvm)
        return;
    if (b->u.hvm.vga.kind != LIBXL_VGA_INTERFACE_TYPE_NONE)
        rev_lossy(st, "vga", "%s: qvm emulates no display adapter; qvm-xl gives vga=\"none\"",
                  b->u.hvm.vga.kind == LIBXL_VGA_INTERFACE_TYPE_UNKNOWN
                      ? "not set (libxl's default adapter)"
                      : libxl_vga_interface_type_to_string(b->u.hvm.vga.kind));
    if (libxl_defbool_is_default(b->u.hvm.vnc.enable) || libxl_defbool_val(b->u.hvm.vnc.enable))
        rev_lossy(st, "vnc", "%s: qvm has no display to show; qvm-xl gives vnc=0",
                  libxl_defbool_is_default(b->u.hvm.vnc.enable) ? "not set (libxl's default: on)"
                                                                : "1");
    CONSUME(st, b_info.u.hvm.vga.kind);
    CONSUME(st, b_info.u.hvm.vnc.enable);
}

static void rev_vuart(struct rev *st)
{
    if (st->d->b_info.arch_arm.vuart == LIBXL_VUART_TYPE_SBSA_UART) {
        if (st->arm)
            vdev_at(st, QC_VDEV_PL011, QC_SPACE_MEM, ARM_VPL011, "gic", ARM_VPL011_SPI);
        else
            rev_lossy(st, "vuart", "ARM only");
    }
    CONSUME(st, b_info.arch_arm.vuart);
}

static void serial_dev(struct rev *st, int i, const char *dev)
{
    static const uint64_t com[4] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
    static const int irq[4] = {4, 3, 4, 3};
    struct qc_vdev *uart;

    if (i >= 4) {
        rev_lossy(st, "serial", "\"%s\": only COM1-COM4 exist", dev);
        return;
    }
    if (!strncmp(dev, "file:", 5) && (!strcmp(dev + 5, "-") || dev[5] == '"')) {
        /* hostdev >- is qvm's stdout and >"... a command: not this file */
        rev_refuse(st, "serial", "\"%s\": qvm reads hostdev \">%s\" as %s, not as a file", dev,
                   dev + 5, dev[5] == '"' ? "a command" : "its standard output");
        return;
    }
    if (!strncmp(dev, "file:", 5) && !rev_word_ok(st, "serial", "the file name", dev + 5))
        return;
    uart = vdev_at(st, QC_VDEV_SER8250, QC_SPACE_IO, com[i], "ioapic", (uint32_t)irq[i]);
    if (!strncmp(dev, "file:", 5) && dev[5]) {
        char *w = NULL;

        if (asprintf(&w, ">%s", dev + 5) < 0) {
            st->nomem = 1;
            return;
        }
        if (uart)
            qc_build_vdev_word(&st->b, uart, QC_VOPT_HOSTDEV, w);
        free(w);
    } else if (strcmp(dev, "pty")) {
        rev_lossy(st, "serial", "\"%s\": qvm-xl connects COM ports to a pty or file:", dev);
    }
}

static void rev_serial(struct rev *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    int n = 0;

    if (b->type != LIBXL_DOMAIN_TYPE_HVM)
        return;
    if (!st->hvm && (b->u.hvm.serial || (b->u.hvm.serial_list && b->u.hvm.serial_list[0]))) {
        rev_lossy(st, "serial", "QEMU's COM ports are x86 HVM only");
    } else if (b->u.hvm.serial) {
        rev_lossy(st, "serial", "a single string: written as serial=[\"%s\"] (the same port)",
                  b->u.hvm.serial);
        serial_dev(st, n++, b->u.hvm.serial);
    }
    for (int i = 0; st->hvm && b->u.hvm.serial_list && b->u.hvm.serial_list[i]; i++)
        serial_dev(st, n++, b->u.hvm.serial_list[i]);
    CONSUME(st, b_info.u.hvm.serial);
    CONSUME(st, b_info.u.hvm.serial_list);
}

/* ---- devices: per element, the fields not turned into qvm are reported ---- */

static void rev_channels(struct rev *st)
{
    const libxl_domain_config *d = st->d;

    if (!d->num_channels)
        return;
    /* The first virtio-console is Xen's PV console; channels come after it. */
    qc_build_vdev(&st->b, QC_VDEV_VIRTIO_CONSOLE);
    if (st->hvm)
        rev_lossy(st, "channel",
                  "the PV console and channels: qvm-xl gives an HVM guest's virtio-consoles as "
                  "QEMU's virtconsole (--prefer-pv: Xen PV console and channels)");
    for (int i = 0; i < d->num_channels; i++) {
        libxl_device_channel c = d->channels[i], blank;
        struct qc_vdev *con = qc_build_vdev(&st->b, QC_VDEV_VIRTIO_CONSOLE);

        if (c.name && strlen(c.name) > CHANNEL_NAME)
            rev_refuse(st, "channel", "%d: name=%s: qvm-xl's translation keeps at most %d bytes", i,
                       c.name, CHANNEL_NAME);
        else if (c.name && con && rev_word_ok(st, "channel", "the name", c.name))
            qc_build_vdev_name(&st->b, con, c.name);
        if (c.connection != LIBXL_CHANNEL_CONNECTION_PTY)
            rev_lossy(st, "channel", "%s: connection=%s: qvm-xl connects consoles to a pty",
                      c.name ? c.name : "?", libxl_channel_connection_to_string(c.connection));
        libxl_device_channel_init(&blank);
        c.devid = blank.devid;
        c.name = NULL;
        c.connection = blank.connection;
        memset(&c.u, 0, sizeof(c.u));
        rev_residual(st, "channel", i, libxl_device_channel_to_json(NULL, &c));
        libxl_device_channel_dispose(&blank);
    }
    CONSUME(st, num_channels);
    CONSUME(st, channels);
}

static void rev_disks(struct rev *st)
{
    const libxl_domain_config *d = st->d;

    for (int i = 0; i < d->num_disks; i++) {
        libxl_device_disk k = d->disks[i], blank;
        char want[16], *w = NULL;
        struct qc_vdev *blk;

        snprintf(want, sizeof(want), "xvd%c", 'a' + i % 26);
        if (!k.pdev_path || !*k.pdev_path) {
            rev_lossy(st, "disk", "%d: no target (an empty drive) cannot be a virtio-blk", i);
            continue;
        }
        if (*k.pdev_path == '<' || *k.pdev_path == '>') {
            rev_refuse(st, "disk", "%d: target=%s: a qvm hostdev starting with '%c' %s", i,
                       k.pdev_path, *k.pdev_path,
                       *k.pdev_path == '<' ? "is read-only" : "is an output");
            continue;
        }
        if (!rev_word_ok(st, "disk", "the target", k.pdev_path))
            continue;
        blk = qc_build_vdev(&st->b, QC_VDEV_VIRTIO_BLK);
        if (asprintf(&w, "%s%s", k.readwrite ? "" : "<", k.pdev_path) < 0) {
            st->nomem = 1;
            return;
        }
        if (blk)
            qc_build_vdev_word(&st->b, blk, QC_VOPT_HOSTDEV, w);
        free(w);
        if (k.vdev && strcmp(k.vdev, want))
            rev_lossy(st, "disk", "%d: vdev=%s becomes %s (qvm-xl names disks in order)", i, k.vdev,
                      want);
        if (k.format != LIBXL_DISK_FORMAT_RAW && k.format != LIBXL_DISK_FORMAT_UNKNOWN)
            rev_lossy(st, "disk", "%d: format=%s: a qvm hostdev is a raw image", i,
                      libxl_disk_format_to_string(k.format));
        if (k.is_cdrom)
            rev_lossy(st, "disk", "%d: devtype=cdrom: qvm has no CD-ROM", i);
        libxl_device_disk_init(&blank);
        k.vdev = k.pdev_path = NULL;
        k.format = blank.format;
        k.readwrite = blank.readwrite;
        k.is_cdrom = blank.is_cdrom;
        k.removable = blank.removable;
        if (st->arm && k.specification == LIBXL_DISK_SPECIFICATION_VIRTIO &&
            k.backend == LIBXL_DISK_BACKEND_STANDALONE) {
            k.specification = blank.specification; /* what qvm-xl does for ARM virtio-blk */
            k.backend = blank.backend;
        } else if (st->hvm) {
            rev_lossy(st, "disk",
                      "%d: a Xen PV disk: qvm-xl gives an HVM guest's virtio-blk as QEMU's "
                      "virtio-blk-pci (--prefer-pv: a Xen PV disk)",
                      i);
        } else if (st->arm) {
            rev_lossy(st, "disk",
                      "%d: a Xen PV disk: qvm-xl gives an ARM virtio-blk to Xen as "
                      "virtio-mmio (specification=virtio, backendtype=standalone)",
                      i);
        }
        rev_residual(st, "disk", i, libxl_device_disk_to_json(NULL, &k));
        libxl_device_disk_dispose(&blank);
    }
    CONSUME(st, num_disks);
    CONSUME(st, disks);
}

static void rev_nics(struct rev *st)
{
    const libxl_domain_config *d = st->d;
    static const libxl_mac zero;

    for (int i = 0; i < d->num_nics; i++) {
        libxl_device_nic n = d->nics[i], blank;

        struct qc_vdev *net = qc_build_vdev(&st->b, QC_VDEV_VIRTIO_NET);
        char mac[24];

        if (net && memcmp(n.mac, zero, sizeof(zero))) {
            uint8_t m[6];

            snprintf(mac, sizeof(mac), LIBXL_MAC_FMT, LIBXL_MAC_BYTES(n.mac));
            if (xlate_mac_parse(mac, m))
                qc_build_vdev_word(&st->b, net, QC_VOPT_MAC, mac);
            else /* a multicast address: no NIC of qvm-xl's may have it */
                rev_refuse(st, "vif",
                           "%d: mac=%s is not a unicast address (a NIC's MAC: " XLATE_MAC_RULE ")",
                           i, mac);
        }
        libxl_device_nic_init(&blank);
        if (n.devid != i)
            rev_lossy(st, "vif", "%d: devid=%d becomes %d", i, n.devid, i);
        if (n.bridge)
            rev_lossy(st, "vif", "%d: bridge=%s: qvm-xl uses the default bridge", i, n.bridge);
        if (st->hvm && n.model && !strcmp(n.model, "virtio-net-pci") &&
            n.nictype == LIBXL_NIC_TYPE_VIF_IOEMU) {
            n.model = NULL; /* what qvm-xl gives an HVM guest's virtio-net */
            n.nictype = blank.nictype;
        } else if (st->hvm) {
            rev_lossy(st, "vif",
                      "%d: not QEMU's virtio-net-pci (model=virtio-net-pci,type=ioemu), which "
                      "qvm-xl gives an HVM guest's virtio-net (--prefer-pv: a Xen PV vif)",
                      i);
        }
        n.devid = blank.devid;
        memcpy(n.mac, blank.mac, sizeof(n.mac));
        n.bridge = NULL;
        rev_residual(st, "vif", i, libxl_device_nic_to_json(NULL, &n));
        libxl_device_nic_dispose(&blank);
    }
    CONSUME(st, num_nics);
    CONSUME(st, nics);
}

/* device_model_args_hvm: the QEMU arguments qvm-xl writes for an HVM guest's virtio-blk
 * ("-drive" "file=P,if=none,id=qvmblkN,format=raw[,readonly=on]" "-device"
 * "virtio-blk-pci,drive=qvmblkN[,addr=A]") and virtio-console ("-chardev" "file,id=qvmconN,path=P"
 * or "pty,id=qvmconN", "-device" "virtio-serial-pci,id=qvmvserN[,addr=A]", "-device"
 * "virtconsole,chardev=qvmconN,bus=qvmvserN.0") become those vdevs; any other argument is
 * refused (qvm has no way to say it). */
static bool dm_arg_is(char *const *a, int i, const char *opt, const char *prefix)
{
    return a[i] && a[i + 1] && !strcmp(a[i], opt) && !strncmp(a[i + 1], prefix, strlen(prefix));
}

/* QEMU's ",," back to ','; a lone ',' ends the value. NULL on ENOMEM. */
static char *qemu_unescape(const char *s, const char **end)
{
    char *out = malloc(strlen(s) + 1);
    size_t k = 0;

    while (out && *s && (*s != ',' || s[1] == ',')) {
        out[k++] = *s;
        s += *s == ',' ? 2 : 1;
    }
    if (out)
        out[k] = 0;
    *end = s;
    return out;
}

static int rev_dm_blk(struct rev *st, char *const *a, int i)
{
    const char *end;
    char *path, *w = NULL;
    unsigned n, m;
    int tail = -1, tail2 = -1;
    bool ro;
    struct qc_vdev *blk;

    if (!dm_arg_is(a, i + 2, "-device", "virtio-blk-pci,drive=qvmblk"))
        return 0;
    path = qemu_unescape(a[i + 1] + 5, &end);
    if (!path) {
        st->nomem = 1;
        return 0;
    }
    if (sscanf(end, ",if=none,id=qvmblk%u,format=raw%n", &n, &tail) != 1 || tail < 0) {
        free(path);
        return 0;
    }
    ro = !strcmp(end + tail, ",readonly=on");
    if ((!ro && end[tail]) ||
        sscanf(a[i + 3], "virtio-blk-pci,drive=qvmblk%u%n", &m, &tail2) != 1 || tail2 < 0 ||
        m != n || (a[i + 3][tail2] && strncmp(a[i + 3] + tail2, ",addr=", 6))) {
        free(path);
        return 0;
    }
    if (a[i + 3][tail2])
        rev_lossy(st, "device_model_args_hvm", "%s: the PCI slot is not kept (QEMU picks one)",
                  a[i + 3]);
    if (rev_word_ok(st, "device_model_args_hvm", "the drive file", path) &&
        (blk = qc_build_vdev(&st->b, QC_VDEV_VIRTIO_BLK))) {
        if (asprintf(&w, "%s%s", ro ? "<" : "", path) < 0)
            st->nomem = 1;
        else
            qc_build_vdev_word(&st->b, blk, QC_VOPT_HOSTDEV, w);
        free(w);
    }
    free(path);
    return 4;
}

static int rev_dm_console(struct rev *st, char *const *a, int i)
{
    const char *end = "";
    char *path = NULL, *w = NULL, want[64];
    unsigned n, m;
    int tail = -1;
    struct qc_vdev *con;

    if (!dm_arg_is(a, i + 2, "-device", "virtio-serial-pci,id=qvmvser") ||
        !dm_arg_is(a, i + 4, "-device", "virtconsole,chardev=qvmcon"))
        return 0;
    if (sscanf(a[i + 1], "file,id=qvmcon%u,path=%n", &n, &tail) == 1 && tail > 0) {
        path = qemu_unescape(a[i + 1] + tail, &end);
        if (!path) {
            st->nomem = 1;
            return 0;
        }
    } else if (!(sscanf(a[i + 1], "pty,id=qvmcon%u%n", &n, &tail) == 1 && tail >= 0 &&
                 !a[i + 1][tail])) {
        return 0;
    }
    tail = -1;
    snprintf(want, sizeof(want), "virtconsole,chardev=qvmcon%u,bus=qvmvser%u.0", n, n);
    if (*end || strcmp(a[i + 5], want) ||
        sscanf(a[i + 3], "virtio-serial-pci,id=qvmvser%u%n", &m, &tail) != 1 || tail < 0 ||
        m != n || (a[i + 3][tail] && strncmp(a[i + 3] + tail, ",addr=", 6))) {
        free(path);
        return 0;
    }
    if (a[i + 3][tail])
        rev_lossy(st, "device_model_args_hvm", "%s: the PCI slot is not kept (QEMU picks one)",
                  a[i + 3]);
    con = qc_build_vdev(&st->b, QC_VDEV_VIRTIO_CONSOLE);
    if (con && path && rev_word_ok(st, "device_model_args_hvm", "the console file", path)) {
        if (asprintf(&w, ">%s", path) < 0)
            st->nomem = 1;
        else
            qc_build_vdev_word(&st->b, con, QC_VOPT_HOSTDEV, w);
        free(w);
    }
    free(path);
    return 6;
}

static void rev_dm_args(struct rev *st)
{
    char *const *a = st->d->b_info.extra_hvm;

    for (int i = 0; a && a[i];) {
        int used = 0;

        if (!st->hvm)
            rev_refuse(st, "device_model_args_hvm", "%s: only HVM guests have QEMU", a[i]);
        else if (dm_arg_is(a, i, "-drive", "file="))
            used = rev_dm_blk(st, a, i);
        else if (dm_arg_is(a, i, "-chardev", ""))
            used = rev_dm_console(st, a, i);
        if (!used) {
            if (st->hvm)
                rev_refuse(st, "device_model_args_hvm",
                           "%s: a QEMU argument qvm has no counterpart for", a[i]);
            used = 1;
        }
        i += used;
    }
    CONSUME(st, b_info.extra_hvm);
}

static void rev_iomem(struct rev *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    for (int i = 0; i < b->num_iomem; i++) {
        const libxl_iomem_range *m = &b->iomem[i];
        uint64_t gfn = m->gfn == XLATE_IOMEM_GFN_1TO1 ? m->start : m->gfn;
        uint64_t host = m->start << PAGE_SHIFT, len = m->number << PAGE_SHIFT;
        uint64_t guest = gfn << PAGE_SHIFT, top = UINT64_MAX >> PAGE_SHIFT;
        /* Page numbers: the regions must be byte addresses below 2^64. */
        if (!m->number || m->start > top || m->number > top - m->start || gfn > top ||
            m->number > top - gfn) {
            char at[24] = "";

            if (gfn != m->start)
                snprintf(at, sizeof(at), "@%" PRIx64, gfn);
            rev_refuse(st, "iomem", "%d: \"%" PRIx64 ",%" PRIx64 "%s\": %s", i, m->start, m->number,
                       at,
                       m->number ? "pages beyond 64-bit addresses" : "no pages (an empty region)");
            continue;
        }
        pass_loc(st, &(struct qc_locspec){
                         .guest = {.space = QC_SPACE_MEM, .space_explicit = true, .addr = guest},
                         .has_len = true,
                         .len = len,
                         .has_host = guest != host,
                         .host = {.space = QC_SPACE_MEM, .addr = host}});
    }
    CONSUME(st, b_info.num_iomem);
    CONSUME(st, b_info.iomem);
}

static void rev_ioports(struct rev *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    for (int i = 0; i < b->num_ioports; i++) {
        if (st->arm) {
            rev_lossy(st, "ioports", "ARM has no I/O ports");
            break;
        }
        pass_loc(st, &(struct qc_locspec){.guest = {.space = QC_SPACE_IO,
                                                    .space_explicit = true,
                                                    .addr = b->ioports[i].first},
                                          .has_len = true,
                                          .len = b->ioports[i].number});
    }
    CONSUME(st, b_info.num_ioports);
    CONSUME(st, b_info.ioports);
}

static void rev_irqs(struct rev *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    for (int i = 0; i < b->num_irqs; i++) {
        /* As the forward rule (map-pass.c): SPIs only, and SPI 32 is the vuart's. */
        if (st->arm && b->irqs[i] <= ARM_VPL011_SPI)
            rev_refuse(st, "irqs", "%u: %s", b->irqs[i],
                       b->irqs[i] < ARM_VPL011_SPI
                           ? "not an SPI: Xen on ARM passes SPIs (32 and up)"
                           : "SPI 32 is the vuart's in qvm-xl's ARM guests");
        else if (st->arm)
            pass_intr(st, "gic", b->irqs[i]);
        else if (st->hvm)
            pass_intr(st, "ioapic", b->irqs[i]);
        else
            rev_lossy(st, "irqs", "%u: a PVH guest has no interrupt controller to route it to",
                      b->irqs[i]);
    }
    CONSUME(st, b_info.num_irqs);
    CONSUME(st, b_info.irqs);
}

static void rev_pci(struct rev *st)
{
    const libxl_domain_config *d = st->d;

    for (int i = 0; i < d->num_pcidevs; i++) {
        libxl_device_pci p = d->pcidevs[i], blank;
        struct qc_place bdf;

        if (p.name) {
            rev_refuse(st, "pci",
                       "%d: name=%s: qvm names a PCI function by bus:dev.func, not by "
                       "its assignable name",
                       i, p.name);
            continue;
        }
        /* As the forward rule (map-pass.c): Xen 4.17 passes PCI functions to HVM guests only. */
        if (st->arm || d->c_info.type == LIBXL_DOMAIN_TYPE_PVH) {
            rev_refuse(st, "pci", "%d: Xen 4.17 has no PCI pass-through for %s guests", i,
                       st->arm ? "ARM" : "PVH");
            continue;
        }
        if (!st->hvm) {
            rev_lossy(st, "pci",
                      "%d: PV pass-through: qvm-xl's guest is PVH, which Xen 4.17 "
                      "gives no PCI devices (not converted)",
                      i);
            continue;
        }
        if (p.domain)
            rev_lossy(st, "pci", "%d: PCI segment %u: qvm names bus:dev.func only", i, p.domain);
        bdf = (struct qc_place){.space = QC_SPACE_PCI_BDF,
                                .space_explicit = true,
                                .bus = p.bus,
                                .dev = p.dev,
                                .func = p.func,
                                .has_func = true};
        pass_loc(st, &(struct qc_locspec){.guest = bdf, .has_host = true, .host = bdf});
        libxl_device_pci_init(&blank);
        p.domain = p.bus = p.dev = p.func = 0;
        if (p.vfunc_mask == 1) /* what xl 4.17 and qvm-xl set for B:D.F */
            p.vfunc_mask = blank.vfunc_mask;
        if (p.rdm_policy == LIBXL_RDM_RESERVE_POLICY_STRICT)
            p.rdm_policy = blank.rdm_policy;
        rev_residual(st, "pci", i, libxl_device_pci_to_json(NULL, &p));
        libxl_device_pci_dispose(&blank);
    }
    CONSUME(st, num_pcidevs);
    CONSUME(st, pcidevs);
}

static void rev_dtdev(struct rev *st)
{
    const libxl_domain_config *d = st->d;

    for (int i = 0; i < d->num_dtdevs; i++)
        rev_lossy(st, "dtdev",
                  "\"%s\": qvm passes the device's regions and interrupts (pass loc/intr), "
                  "not its IOMMU assignment",
                  d->dtdevs[i].path ? d->dtdevs[i].path : "");
    CONSUME(st, num_dtdevs);
    CONSUME(st, dtdevs);
}

static void rev_dump(struct rev *st)
{
    if (st->d->on_crash == LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY) {
        /* Xen writes cores to its own dump directory (xl.conf); name it for qvm. */
        qc_build_dump(&st->b, "/var/lib/xen/dump");
        CONSUME(st, on_crash);
    }
}

/* What qvm-xl's translation sets (qvm exits whenever the guest stops). */
static void rev_actions(struct rev *st)
{
    static const struct {
        const char *key;
        size_t off;
        libxl_action_on_shutdown want;
    } acts[] = {
        {"on_poweroff", offsetof(libxl_domain_config, on_poweroff),
         LIBXL_ACTION_ON_SHUTDOWN_DESTROY},
        {"on_reboot", offsetof(libxl_domain_config, on_reboot), LIBXL_ACTION_ON_SHUTDOWN_DESTROY},
        {"on_watchdog", offsetof(libxl_domain_config, on_watchdog),
         LIBXL_ACTION_ON_SHUTDOWN_DESTROY},
        {"on_crash", offsetof(libxl_domain_config, on_crash), LIBXL_ACTION_ON_SHUTDOWN_DESTROY},
        {"on_soft_reset", offsetof(libxl_domain_config, on_soft_reset),
         LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET},
    };

    for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
        libxl_action_on_shutdown have =
            *(const libxl_action_on_shutdown *)((const char *)st->d + acts[i].off);
        libxl_action_on_shutdown *rest =
            (libxl_action_on_shutdown *)((char *)&st->rest + acts[i].off);
        libxl_action_on_shutdown blank =
            *(const libxl_action_on_shutdown *)((const char *)&st->blank + acts[i].off);

        if (*rest == blank)
            continue; /* consumed (dump) or at libxl's default */
        if (have != acts[i].want)
            rev_lossy(st, acts[i].key,
                      "%s: a qvm guest that stops ends qvm (the domain is destroyed)",
                      libxl_action_on_shutdown_to_string(have));
        *rest = blank;
    }
}

void rev_run_rules(struct rev *st)
{
    for (size_t i = 0; i < NROWS; i++)
        if (rows[i].fn)
            rows[i].fn(st);
}
