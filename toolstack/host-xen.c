/* SPDX-License-Identifier: LGPL-2.1-only */
/* The live host inventory: Xen's pCPUs and free memory, dom0's /proc
 * claims, and the names, iomem and irqs of every other domain. */
#include <stdlib.h>
#include <string.h>

#include <libxl_utils.h>

#include "toolstack/host.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;

    if (!f)
        return NULL;
    if (getdelim(&text, &len, '\0', f) < 0) {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

int qx_host_from_xen(struct qx_host *h, libxl_ctx *ctx, FILE *err)
{
    libxl_physinfo phys;
    libxl_dominfo *doms = NULL;
    char *iomem = NULL, *intr = NULL;
    int ndoms = 0, rc = -1;
    uint64_t free_kb;

    libxl_physinfo_init(&phys);
    if (libxl_get_physinfo(ctx, &phys)) {
        fprintf(err, "qvm-xl: cannot read the host's physical information\n");
        goto out;
    }
    h->nr_pcpus = phys.nr_cpus;
    if (libxl_get_free_memory(ctx, &free_kb) == 0) {
        h->has_free_kb = true;
        h->free_kb = free_kb;
    }
    /* Without root /proc/iomem reads as zeros; qvm-xl create needs root anyway. */
    iomem = slurp("/proc/iomem");
    intr = slurp("/proc/interrupts");
    if ((iomem && qx_host_parse_iomem(h, iomem) < 0) ||
        (intr && qx_host_parse_interrupts(h, intr) < 0))
        goto nomem;
    doms = libxl_list_domain(ctx, &ndoms);
    for (int i = 0; doms && i < ndoms; i++) {
        uint32_t domid = doms[i].domid;
        char *name = libxl_domid_to_name(ctx, domid);
        libxl_domain_config dc;
        int r;

        libxl_domain_config_init(&dc);
        /* dom0 and domains xl did not create have no stored config: name only. */
        bool have = domid != 0 && libxl_retrieve_domain_configuration(ctx, domid, &dc, NULL) == 0;
        if (name)
            r = qx_host_add_domain(h, name, have ? &dc : NULL);
        else
            r = 0;
        libxl_domain_config_dispose(&dc);
        free(name);
        if (r)
            goto nomem;
    }
    rc = 0;
    goto out;
nomem:
    fprintf(err, "qvm-xl: out of memory\n");
out:
    if (doms)
        libxl_dominfo_list_free(doms, ndoms);
    free(iomem);
    free(intr);
    libxl_physinfo_dispose(&phys);
    return rc;
}
