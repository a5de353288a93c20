/* SPDX-License-Identifier: LGPL-2.1-only */
/* ARM device tree: the partial DT (libfdt) whose /passthrough node libxl copies into the guest's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "xlate/map-internal.h"

#define GIC_PHANDLE 65000 /* libxl reserves it for the guest's GIC (GUEST_PHANDLE_GIC) */

static int begin_node(void *fdt, const char *name)
{
    int r = fdt_begin_node(fdt, name);

    if (!r)
        r = fdt_property_u32(fdt, "#address-cells", 2);
    if (!r)
        r = fdt_property_u32(fdt, "#size-cells", 2);
    return r;
}

struct xlate_dt_node *xlate_dt_node_add(struct xlate_ctx *x)
{
    struct xlate_dt_node *n = realloc(x->dt_nodes, (x->ndt_nodes + 1) * sizeof(*n));

    if (!n)
        return NULL;
    x->dt_nodes = n;
    n += x->ndt_nodes++;
    *n = (struct xlate_dt_node){0};
    return n;
}

/* "qvm,shmem-window" = <BASE LEN> in 64-bit cells: where the shmem device maps its regions (not
 * RAM the guest may use; the factory page says where each region is). */
static int add_window(void *fdt, const struct xlate_dt_node *n)
{
    fdt32_t win[4] = {cpu_to_fdt32(n->win_base >> 32), cpu_to_fdt32(n->win_base),
                      cpu_to_fdt32(n->win_len >> 32), cpu_to_fdt32(n->win_len)};

    return n->win_len ? fdt_property(fdt, "qvm,shmem-window", win, sizeof(win)) : 0;
}

/* One node per passed region ("qvm-pass@ADDR"), virtio-mmio device ("virtio@ADDR", as Linux's
 * and QNX's drivers find them by compatible) or shmem factory page ("shmem@ADDR"): reg and, if
 * any, its SPI (level-high). */
static int add_region(void *fdt, const struct xlate_dt_node *n)
{
    fdt32_t reg[4] = {cpu_to_fdt32(n->addr >> 32), cpu_to_fdt32(n->addr),
                      cpu_to_fdt32(n->len >> 32), cpu_to_fdt32(n->len)};
    fdt32_t irq[3] = {cpu_to_fdt32(0), cpu_to_fdt32(n->spi - 32), cpu_to_fdt32(4)};
    char name[40];
    int r;

    snprintf(name, sizeof(name), "%s@%" PRIx64, n->node ? n->node : "qvm-pass", n->addr);
    r = fdt_begin_node(fdt, name);
    if (!r)
        r = fdt_property_string(fdt, "compatible",
                                n->compatible ? n->compatible : "qvm-xl,passthrough");
    if (!r && n->dma_coherent) /* the device reads guest RAM: no cache maintenance needed */
        r = fdt_property(fdt, "dma-coherent", NULL, 0);
    if (!r)
        r = fdt_property(fdt, "reg", reg, sizeof(reg));
    if (!r)
        r = add_window(fdt, n);
    if (!r && n->spi) {
        r = fdt_property_u32(fdt, "interrupt-parent", GIC_PHANDLE);
        if (!r)
            r = fdt_property(fdt, "interrupts", irq, sizeof(irq));
    }
    if (!r)
        r = fdt_end_node(fdt);
    return r;
}

static int build(struct xlate_ctx *x, void *fdt, int size)
{
    int r = fdt_create(fdt, size);

    if (!r)
        r = fdt_finish_reservemap(fdt);
    if (!r)
        r = begin_node(fdt, "");
    if (!r)
        r = begin_node(fdt, "passthrough");
    if (!r)
        r = fdt_property_string(fdt, "compatible", "simple-bus");
    if (!r)
        r = fdt_property(fdt, "ranges", NULL, 0);
    for (size_t i = 0; !r && i < x->ndt_nodes; i++)
        r = add_region(fdt, &x->dt_nodes[i]);
    if (!r)
        r = fdt_end_node(fdt);
    if (!r)
        r = fdt_end_node(fdt);
    if (!r)
        r = fdt_finish(fdt);
    return r;
}

void xlate_map_arm(struct xlate_ctx *x)
{
    struct xlate_plan *p = x->plan;
    char path[300];
    int size = 1024, r;
    void *fdt = NULL;

    if (!x->arm || !x->ndt_nodes)
        return;
    if (x->user_fdt) {
        xlate_note(x, x->user_fdt->loc, "device tree", XLATE_APPROXIMATE, XLATE_RULE_ARM_DT,
                   "the passed regions and virtio-mmio devices must be described under "
                   "/passthrough in %s",
                   x->user_fdt->path);
        return;
    }
    /* Grow until the tree fits; 1 KiB holds a handful of nodes. */
    do {
        free(fdt);
        size *= 2;
        fdt = calloc(1, (size_t)size);
        if (!fdt) {
            x->nomem = 1;
            return;
        }
        r = build(x, fdt, size);
    } while (r == -FDT_ERR_NOSPACE && size < (1 << 24));
    if (r) {
        free(fdt);
        qc_diag(x->d, QC_CK_XLATE_FDT, (struct qc_loc){0}, "device tree: %s", fdt_strerror(r));
        return;
    }
    fdt_pack(fdt);
    free(p->fdt);
    p->fdt = fdt;
    p->fdt_size = fdt_totalsize(fdt);
    /* A name, not a path: the toolstack writes p->fdt and puts the real path here. */
    snprintf(path, sizeof(path), "%s.dtb", x->dc->c_info.name ? x->dc->c_info.name : "guest");
    xlate_check(x, xlate_set_string(&x->dc->b_info.device_tree, path));
    xlate_note(x, (struct qc_loc){0}, "device tree", XLATE_APPROXIMATE, XLATE_RULE_ARM_DT,
               "generated: /passthrough with %zu region(s); device_tree=\"%s\" is to be "
               "replaced by the file the toolstack writes",
               x->ndt_nodes, path);
}
