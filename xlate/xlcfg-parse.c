/* SPDX-License-Identifier: LGPL-2.1-only */
/* xl.cfg -> libxl_domain_config for the reverse direction: xlcfg/ reads the text; what the
 * reverse rules would refuse is refused here, at the key's place in the user's file. */
#include <stdlib.h>
#include <string.h>

#include "xlate/reverse.h"
#include "xlate/xlate.h"

/* Refuses, at the key's place, what xlate_reverse would refuse to write (its r->refused). */
static int check_reverse(const char *name, const libxl_domain_config *dc, enum xlate_arch arch,
                         const struct xlcfg_keymap *keys, struct qc_diags *d)
{
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.name = name, .arch = arch};
    struct qc_diags quiet; /* its lossy warnings are convert's to print, later */
    int rc;

    qc_diags_init(&quiet);
    xlate_reverse_init(&r);
    rc = xlate_reverse_diags(dc, &o, &r, &quiet) == XLATE_ERR_NOMEM ? XLATE_ERR_NOMEM : 0;
    for (size_t i = 0; i < r.refused.n; i++) {
        const char *key = r.refused.v[i].key;
        struct qc_loc loc = xlcfg_keymap_loc(keys, name, key);

        /* A command line made by xl's root= and extra= */
        if (!strcmp(key, "cmdline") && !loc.line) {
            key = xlcfg_keymap_loc(keys, name, "root").line ? "root" : "extra";
            loc = xlcfg_keymap_loc(keys, name, key);
        }
        qc_diag(d, QC_CK_XLCFG_REFUSED, loc, "%s: %s", key, r.refused.v[i].text);
        rc = rc ? rc : XLATE_ERR_INVAL;
    }
    xlate_reverse_dispose(&r);
    qc_diags_dispose(&quiet);
    return rc;
}

int xlate_xlcfg_read(const char *name, const char *data, size_t len, enum xlate_arch arch,
                     libxl_domain_config *dc, struct xlcfg_lossy_list *lossy, struct qc_diags *d,
                     struct xlcfg_keymap *keys_r)
{
    libxl_domain_type type =
        arch == XLATE_ARCH_AARCH64 ? LIBXL_DOMAIN_TYPE_PVH : LIBXL_DOMAIN_TYPE_PV;
    struct xlcfg_keymap own;
    struct xlcfg_keymap *keys = keys_r ? keys_r : &own;
    int rc;

    xlcfg_keymap_init(&own);
    rc = xlcfg_read(name, data, len, type, dc, lossy, d, keys);
    if (!rc)
        rc = check_reverse(name, dc, arch, keys, d);
    xlcfg_keymap_dispose(&own);
    return rc;
}

bool xlate_xlcfg_is_arm(const libxl_domain_config *dc)
{
    const libxl_domain_build_info *b = &dc->b_info;

    for (int i = 0; i < dc->num_disks; i++)
        if (dc->disks[i].specification == LIBXL_DISK_SPECIFICATION_VIRTIO)
            return true;
    return b->arch_arm.gic_version != LIBXL_GIC_VERSION_DEFAULT ||
           b->arch_arm.vuart != LIBXL_VUART_TYPE_UNKNOWN || dc->num_dtdevs || b->device_tree;
}
