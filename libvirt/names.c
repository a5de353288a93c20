/* SPDX-License-Identifier: LGPL-2.1-only */
/* libxl values in libvirt's words, shared by the writer and the reader. */
#include <string.h>

#include "libvirt/lvxml-internal.h"

const struct lvxml_name lvxml_actions[6] = {
    {LIBXL_ACTION_ON_SHUTDOWN_DESTROY, "destroy"},
    {LIBXL_ACTION_ON_SHUTDOWN_RESTART, "restart"},
    {LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME, "rename-restart"},
    {LIBXL_ACTION_ON_SHUTDOWN_PRESERVE, "preserve"},
    {LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY, "coredump-destroy"},
    {LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART, "coredump-restart"},
};

const struct lvxml_name lvxml_disk_backends[3] = {
    {LIBXL_DISK_BACKEND_PHY, "phy"},
    {LIBXL_DISK_BACKEND_TAP, "tap"},
    {LIBXL_DISK_BACKEND_QDISK, "qemu"},
};

const struct lvxml_name lvxml_disk_formats[5] = {
    {LIBXL_DISK_FORMAT_RAW, "raw"},     {LIBXL_DISK_FORMAT_QCOW, "qcow"},
    {LIBXL_DISK_FORMAT_QCOW2, "qcow2"}, {LIBXL_DISK_FORMAT_VHD, "vhd"},
    {LIBXL_DISK_FORMAT_QED, "qed"},
};

const struct lvxml_name lvxml_videos[2] = {
    {LIBXL_VGA_INTERFACE_TYPE_STD, "vga"},
    {LIBXL_VGA_INTERFACE_TYPE_CIRRUS, "cirrus"},
};

/* libvirt ≥ 7.0 spells PVH <type>xenpvh</type> (older ones: xen with machine xenpvh). */
const struct lvxml_ostype lvxml_ostypes[3] = {
    {LIBXL_DOMAIN_TYPE_PV, "xen", "xenpv"},
    {LIBXL_DOMAIN_TYPE_PVH, "xenpvh", "xenpvh"},
    {LIBXL_DOMAIN_TYPE_HVM, "hvm", "xenfv"},
};

/* libvirt's libxlMakeChrdevStr. */
const struct lvxml_chardev lvxml_chardevs[7] = {
    {"pty", false, NULL},    {"null", false, NULL},   {"vc", false, NULL}, {"stdio", false, NULL},
    {"file", true, "file:"}, {"pipe", true, "pipe:"}, {"dev", true, ""},
};

const struct lvxml_implied lvxml_implied[5] = {
    {offsetof(libxl_domain_build_info, acpi), true, "features/acpi"},
    {offsetof(libxl_domain_build_info, apic), true, "features/apic"},
    {offsetof(libxl_domain_build_info, u.hvm.pae), true, "features/pae"},
    {offsetof(libxl_domain_build_info, u.hvm.vnc.enable), true, "devices/graphics"},
    {offsetof(libxl_domain_build_info, u.hvm.sdl.enable), false, ""},
};

const char *lvxml_name_of(const struct lvxml_name *t, size_t n, int value)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == value)
            return t[i].name;
    return NULL;
}

bool lvxml_value_of(const struct lvxml_name *t, size_t n, const char *name, int *value_r)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t[i].name, name)) {
            *value_r = t[i].value;
            return true;
        }
    return false;
}

const struct lvxml_ostype *lvxml_ostype_of(libxl_domain_type type)
{
    for (size_t i = 0; i < LVXML_N(lvxml_ostypes); i++)
        if (lvxml_ostypes[i].type == type)
            return &lvxml_ostypes[i];
    return NULL;
}

libxl_defbool *lvxml_implied_field(libxl_domain_build_info *b, size_t i)
{
    return (libxl_defbool *)((char *)b + lvxml_implied[i].off);
}

bool lvxml_implied_value(const libxl_domain_build_info *b, size_t i)
{
    libxl_defbool v = *lvxml_implied_field((libxl_domain_build_info *)b, i);

    return libxl_defbool_is_default(v) ? lvxml_implied[i].libxl_default : libxl_defbool_val(v);
}
