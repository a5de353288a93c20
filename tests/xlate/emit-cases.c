/* SPDX-License-Identifier: LGPL-2.1-only */
/* Test domain configurations: PVH pinned, HVM with legacy devices, Arm pass-through, PV. */
#include <string.h>
#include "xlate/xlate.h"
#include "tests/xlate/emit-cases.h"

#define TRY(expr)                                                                                  \
    do {                                                                                           \
        int rc_ = (expr);                                                                          \
        if (rc_)                                                                                   \
            return rc_;                                                                            \
    } while (0)
#define NEW(p)                                                                                     \
    do {                                                                                           \
        if (!(p))                                                                                  \
            return XLATE_ERR_NOMEM;                                                                \
    } while (0)

/* PVH, 2 vCPUs pinned one by one, credit weight/cap, PV kernel boot. */
static int build_pvh(libxl_domain_config *d)
{
    libxl_domain_build_info *b = &d->b_info;
    static const int pin0[] = {1}, pin1[] = {2, 3};

    xlate_config_init_type(d, LIBXL_DOMAIN_TYPE_PVH);
    TRY(xlate_set_string(&d->c_info.name, "pvh-pinned"));
    b->target_memkb = b->max_memkb = 256 * 1024;
    TRY(xlate_set_vcpus(b, 2, 2));
    TRY(xlate_set_vcpu_affinity(b, true, 0, pin0, 1, 64));
    TRY(xlate_set_vcpu_affinity(b, true, 1, pin1, 2, 64));
    libxl_defbool_set(&b->numa_placement, false);
    b->sched_params.weight = 512;
    b->sched_params.cap = 50;
    TRY(xlate_set_string(&b->kernel, "/var/lib/qvm-xl/pvh/vmlinuz"));
    TRY(xlate_set_string(&b->cmdline, "console=hvc0 quiet \"q\""));
    d->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    d->on_crash = LIBXL_ACTION_ON_SHUTDOWN_PRESERVE;
    return 0;
}

/* HVM, a QNX-like guest: HPET, a pty 16550, one raw disk, QEMU without graphics. */
static int build_hvm(libxl_domain_config *d)
{
    libxl_domain_build_info *b = &d->b_info;
    libxl_device_disk *disk;
    static const int soft[] = {0, 1};

    xlate_config_init_type(d, LIBXL_DOMAIN_TYPE_HVM);
    TRY(xlate_set_string(&d->c_info.name, "hvm-legacy"));
    b->target_memkb = 512 * 1024;
    b->max_memkb = 1024 * 1024;
    TRY(xlate_set_vcpus(b, 2, 4));
    TRY(xlate_set_vcpu_affinity(b, false, 0, soft, 2, 64));
    libxl_defbool_set(&b->u.hvm.hpet, true);
    libxl_defbool_set(&b->acpi, true);
    libxl_defbool_set(&b->apic, true);
    TRY(xlate_string_list_append(&b->u.hvm.serial_list, "pty"));
    b->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_NONE;
    libxl_defbool_set(&b->u.hvm.vnc.enable, false);
    b->device_model_version = LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN;
    TRY(xlate_set_string(&b->kernel, "/var/lib/qvm-xl/hvm/ifs.bin"));
    disk = xlate_add_disk(d);
    NEW(disk);
    TRY(xlate_set_string(&disk->vdev, "hda"));
    TRY(xlate_set_string(&disk->pdev_path, "/srv/qnx, disk.img"));
    disk->format = LIBXL_DISK_FORMAT_RAW;
    disk->readwrite = 1;
    d->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    d->on_watchdog = LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY;
    return 0;
}

/* Arm: vGICv3, vpl011, a passed-through UART (iomem + irq + dtdev), a virtio disk. */
static int build_arm(libxl_domain_config *d)
{
    libxl_domain_build_info *b = &d->b_info;
    libxl_device_dtdev *dt;
    libxl_device_disk *disk;

    xlate_config_init_type(d, LIBXL_DOMAIN_TYPE_PVH);
    TRY(xlate_set_string(&d->c_info.name, "arm-passthrough"));
    d->c_info.passthrough = LIBXL_PASSTHROUGH_ENABLED;
    b->target_memkb = b->max_memkb = 128 * 1024;
    TRY(xlate_set_vcpus(b, 1, 1));
    b->arch_arm.gic_version = LIBXL_GIC_VERSION_V3;
    b->arch_arm.vuart = LIBXL_VUART_TYPE_SBSA_UART;
    TRY(xlate_add_iomem(b, 0xfe201, 1, 0xfe201));
    TRY(xlate_add_iomem(b, 0x10000, 2, XLATE_IOMEM_GFN_1TO1));
    TRY(xlate_add_irq(b, 33));
    TRY(xlate_add_irq(b, 153));
    TRY(xlate_set_string(&b->device_tree, "/var/lib/qvm-xl/arm/partial.dtb"));
    TRY(xlate_set_string(&b->kernel, "/var/lib/qvm-xl/arm/Image"));
    TRY(xlate_set_string(&b->cmdline, "console=ttyAMA0"));
    dt = xlate_add_dtdev(d);
    NEW(dt);
    TRY(xlate_set_string(&dt->path, "/soc/serial@fe201000"));
    disk = xlate_add_disk(d);
    NEW(disk);
    TRY(xlate_set_string(&disk->vdev, "xvda"));
    TRY(xlate_set_string(&disk->pdev_path, "/srv/arm.img"));
    disk->format = LIBXL_DISK_FORMAT_RAW;
    disk->readwrite = 1;
    disk->specification = LIBXL_DISK_SPECIFICATION_VIRTIO;
    disk->backend = LIBXL_DISK_BACKEND_STANDALONE;
    d->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    d->on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;
    return 0;
}

/* PV: kernel + ramdisk, a vif, a PCI device, a channel, legacy ports, a cpupool. */
static int build_pv(libxl_domain_config *d)
{
    libxl_domain_build_info *b = &d->b_info;
    libxl_device_nic *nic;
    libxl_device_pci *pci;
    libxl_device_channel *ch;
    static const libxl_mac mac = {0x00, 0x16, 0x3e, 0x00, 0x00, 0x01};

    xlate_config_init_type(d, LIBXL_DOMAIN_TYPE_PV);
    TRY(xlate_set_string(&d->c_info.name, "pv-devices"));
    TRY(xlate_set_string(&d->c_info.pool_name, "rt-pool"));
    b->target_memkb = 256 * 1024;
    b->max_memkb = 512 * 1024;
    TRY(xlate_set_vcpus(b, 2, 2));
    TRY(xlate_set_string(&b->kernel, "/var/lib/qvm-xl/pv/vmlinuz"));
    TRY(xlate_set_string(&b->ramdisk, "/var/lib/qvm-xl/pv/initrd.img"));
    TRY(xlate_set_string(&b->cmdline, "console=hvc0 root=/dev/xvda ro"));
    TRY(xlate_add_ioport(b, 0x2f8, 8));
    libxl_defbool_set(&b->u.pv.e820_host, true);
    nic = xlate_add_nic(d);
    NEW(nic);
    memcpy(nic->mac, mac, sizeof(mac));
    TRY(xlate_set_string(&nic->bridge, "xenbr0"));
    pci = xlate_add_pci(d);
    NEW(pci);
    pci->bus = 1;
    pci->dev = 0;
    pci->func = 0;
    pci->vfunc_mask = 1; /* what xl 4.17 sets for a one-function spec */
    pci->rdm_policy = LIBXL_RDM_RESERVE_POLICY_STRICT; /* xl's value for PV */
    ch = xlate_add_channel(d);
    NEW(ch);
    TRY(xlate_set_string(&ch->name, "org.qemu.guest_agent.0"));
    libxl_device_channel_init_connection(ch, LIBXL_CHANNEL_CONNECTION_PTY);
    d->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_RESTART;
    d->on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;
    return 0;
}

const struct emit_case emit_cases[] = {
    {"pvh", build_pvh},
    {"hvm", build_hvm},
    {"arm", build_arm},
    {"pv", build_pv},
};
const size_t emit_cases_count = sizeof(emit_cases) / sizeof(emit_cases[0]);

const struct emit_case *emit_case_find(const char *name)
{
    for (size_t i = 0; i < emit_cases_count; i++)
        if (!strcmp(emit_cases[i].name, name))
            return &emit_cases[i];
    return NULL;
}
