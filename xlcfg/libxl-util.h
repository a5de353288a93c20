/* SPDX-License-Identifier: LGPL-2.1-only */
/* Filling a libxl_domain_config without a libxl context (no hypervisor needed). */
#ifndef XLATE_LIBXL_UTIL_H
#define XLATE_LIBXL_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <libxl.h>
#include <libxl_utils.h>

/*
 * libxl_bitmap_alloc() and friends allocate through the ctx and crash with
 * NULL. These allocate with calloc in the same layout (size in bytes), so
 * libxl_bitmap_dispose() / libxl_domain_config_dispose() free them.
 * All return 0 or XLCFG_ERR_NOMEM / XLCFG_ERR_INVAL (xlcfg/xlcfg.h).
 */
int xlate_bitmap_alloc(libxl_bitmap *bm, int nbits); /* replaces (and frees) any old map */
int xlate_bitmap_set(libxl_bitmap *bm, int bit);     /* INVAL if bit is outside the map */
/* "0-3,5" for bits {0,1,2,3,5}; "" for none. Returns a malloc'd string or NULL. */
char *xlate_bitmap_format(const libxl_bitmap *bm);

/* NULL-terminated libxl_string_list: append a copy of @s. */
int xlate_string_list_append(libxl_string_list *sl, const char *s);
/* Replace *@field (freed) with a copy of @s (NULL allowed). */
int xlate_set_string(char **field, const char *s);

/* Set c_info.type and initialise b_info for it; b_info must be fresh from _init. */
void xlate_config_init_type(libxl_domain_config *d, libxl_domain_type type);

/* @online vCPUs (0..online-1) of @max, as xl's vcpus=/maxvcpus= do. */
int xlate_set_vcpus(libxl_domain_build_info *b, int online, int max);
/*
 * Pin vCPU @vcpu to the pCPUs in @pcpus (@n of them), bitmap of @nbits bits.
 * Grows the per-vCPU array as needed (vCPUs without a list get all @nbits).
 * @hard selects vcpu_hard_affinity (xl cpus=) or vcpu_soft_affinity (cpus_soft=).
 */
int xlate_set_vcpu_affinity(libxl_domain_build_info *b, bool hard, int vcpu, const int *pcpus,
                            int n, int nbits);

int xlate_add_irq(libxl_domain_build_info *b, uint32_t irq);
/*
 * libxl's LIBXL_INVALID_GFN (libxl_internal.h, not installed): the iomem_range
 * default, meaning "gfn = start" (xl: no "@gfn").
 */
#define XLATE_IOMEM_GFN_1TO1 (~(uint64_t)0)
/* @gfn = XLATE_IOMEM_GFN_1TO1 for 1:1. Pages, not bytes. */
int xlate_add_iomem(libxl_domain_build_info *b, uint64_t start, uint64_t number, uint64_t gfn);
int xlate_add_ioport(libxl_domain_build_info *b, uint32_t first, uint32_t number);

/*
 * Device arrays of libxl_domain_config, X(type suffix, array, has devid).
 * xlate_add_<type>(d) appends one initialised device and returns it (NULL on
 * ENOMEM); like xl, devid is the index for the kinds that have one. A channel
 * keeps libxl's -1: libxl numbers channels from 1, as devid 0 is the primary
 * console's, and drops a channel given 0 (xl up to 4.18.4/4.19.1/4.20.0 did so).
 */
#define XLATE_DEVICE_KINDS(X)                                                                      \
    X(disk, disks, 0)                                                                              \
    X(nic, nics, 1)                                                                                \
    X(pci, pcidevs, 0)                                                                             \
    X(dtdev, dtdevs, 0)                                                                            \
    X(channel, channels, 0)

#define XLATE_ADD_DECL(type, array, devid) libxl_device_##type *xlate_add_##type(libxl_domain_config *d);
XLATE_DEVICE_KINDS(XLATE_ADD_DECL)
#undef XLATE_ADD_DECL

/* Grow @*array of @*count elements of @elsz bytes by one zeroed element; NULL on ENOMEM. */
void *xlate_array_extend(void **array, int *count, size_t elsz);

#endif
