/* SPDX-License-Identifier: LGPL-2.1-only */
/* The keys table: keys.def as C data. */
#include <stddef.h>
#include <string.h>

#include "xlcfg/keys-internal.h"

static const char *const gic_names[] = {
    [LIBXL_GIC_VERSION_V2] = "v2",
    [LIBXL_GIC_VERSION_V3] = "v3",
};
static const char *const vuart_names[] = {[LIBXL_VUART_TYPE_SBSA_UART] = "sbsa_uart"};
static const char *const passthrough_names[] = {
    [LIBXL_PASSTHROUGH_DISABLED] = "disabled",
    [LIBXL_PASSTHROUGH_ENABLED] = "enabled",
    [LIBXL_PASSTHROUGH_SYNC_PT] = "sync_pt",
    [LIBXL_PASSTHROUGH_SHARE_PT] = "share_pt",
};
static const char *const dm_names[] = {
    [LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN_TRADITIONAL] = "qemu-xen-traditional",
    [LIBXL_DEVICE_MODEL_VERSION_QEMU_XEN] = "qemu-xen",
};
static const char *const vga_names[] = {
    [LIBXL_VGA_INTERFACE_TYPE_CIRRUS] = "cirrus",
    [LIBXL_VGA_INTERFACE_TYPE_STD] = "stdvga",
    [LIBXL_VGA_INTERFACE_TYPE_NONE] = "none",
    [LIBXL_VGA_INTERFACE_TYPE_QXL] = "qxl",
};
const char *const xlcfg_action_names[XLCFG_ACTION_COUNT] = {
    [LIBXL_ACTION_ON_SHUTDOWN_DESTROY] = "destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART] = "restart",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME] = "rename-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_PRESERVE] = "preserve",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY] = "coredump-destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART] = "coredump-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET] = "soft-reset",
};

#define F(path)  offsetof(libxl_domain_config, path), sizeof(((libxl_domain_config *)0)->path)
#define NOF      0, 0
#define NAMES(a) a, (int)(sizeof(a) / sizeof(a[0]))
#define NONAMES  NULL, 0
#define T_ALL    XLCFG_T_ALL
#define T_HVM    XLCFG_T_HVM
#define T_PV     XLCFG_T_PV
#define R        XLCFG_R
#define W        XLCFG_W
#define RW       (XLCFG_R | XLCFG_W)

const struct xlcfg_key xlcfg_keys[] = {
#define XLCFG_KEY(KEY, KIND, FIELD, TYPES, DIR, NAMES_, DFLT, READ, WRITE)                         \
    {KEY, XLCFG_##KIND, FIELD, TYPES, DIR, NAMES_, DFLT},
#define XLCFG_LIST(KEY, ADD, ENTRY, WHAT, WRITE) {KEY, XLCFG_LIST, NOF, T_ALL, RW, NONAMES, 0},
#include "xlcfg/keys.def"
};
const size_t xlcfg_nkeys = sizeof(xlcfg_keys) / sizeof(xlcfg_keys[0]);

const struct xlcfg_key_fns xlcfg_key_fns[] = {
#define XLCFG_KEY(KEY, KIND, FIELD, TYPES, DIR, NAMES_, DFLT, READ, WRITE)                         \
    {.read = READ, .write = WRITE},
#define XLCFG_LIST(KEY, ADD, ENTRY, WHAT, WRITE)                                                   \
    {.add = ADD, .entry = ENTRY, .what = WHAT, .write = WRITE},
#include "xlcfg/keys.def"
};

const struct xlcfg_key *xlcfg_key_find(const char *key)
{
    for (size_t i = 0; i < xlcfg_nkeys; i++)
        if (!strcmp(xlcfg_keys[i].key, key))
            return &xlcfg_keys[i];
    return NULL;
}
