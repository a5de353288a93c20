/* SPDX-License-Identifier: LGPL-2.1-only */
/* Ctx-free helpers to fill a libxl_domain_config, layout-compatible with libxl's _dispose.
 * They return XLCFG_ERR_* codes, which xlate/ shares (xlate/xlate.h). */
#include <stdlib.h>
#include <string.h>
#include "xlcfg/libxl-util.h"
#include "xlcfg/xlcfg.h"

int xlate_bitmap_alloc(libxl_bitmap *bm, int nbits)
{
    uint8_t *map;
    uint32_t size;

    if (nbits <= 0)
        return XLCFG_ERR_INVAL;
    size = ((uint32_t)nbits + 7) / 8; /* bytes, as libxl_bitmap_alloc() */
    map = calloc(size, 1);
    if (!map)
        return XLCFG_ERR_NOMEM;
    free(bm->map);
    bm->map = map;
    bm->size = size;
    return 0;
}

int xlate_bitmap_set(libxl_bitmap *bm, int bit)
{
    if (bit < 0 || !bm->map || (uint32_t)bit >= bm->size * 8)
        return XLCFG_ERR_INVAL;
    bm->map[bit / 8] |= 1u << (bit % 8);
    return 0;
}

static bool bit_test(const libxl_bitmap *bm, long bit)
{
    return bit >= 0 && bm->map && (uint64_t)bit < (uint64_t)bm->size * 8 &&
           (bm->map[bit / 8] & (1u << (bit % 8)));
}

char *xlate_bitmap_format(const libxl_bitmap *bm)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    long nbits = (long)bm->size * 8;
    const char *sep = "";

    if (!f)
        return NULL;
    for (long i = 0; i < nbits; i++) {
        long j = i;

        if (!bit_test(bm, i))
            continue;
        while (bit_test(bm, j + 1))
            j++;
        if (j == i)
            fprintf(f, "%s%ld", sep, i);
        else
            fprintf(f, "%s%ld-%ld", sep, i, j);
        sep = ",";
        i = j;
    }
    if (fclose(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}

int xlate_string_list_append(libxl_string_list *sl, const char *s)
{
    int n = *sl ? libxl_string_list_length(sl) : 0;
    char *copy = strdup(s);
    char **grown;

    if (!copy)
        return XLCFG_ERR_NOMEM;
    grown = realloc(*sl, sizeof(*grown) * (n + 2));
    if (!grown) {
        free(copy);
        return XLCFG_ERR_NOMEM;
    }
    grown[n] = copy;
    grown[n + 1] = NULL;
    *sl = grown;
    return 0;
}

int xlate_set_string(char **field, const char *s)
{
    char *copy = NULL;

    if (s) {
        copy = strdup(s);
        if (!copy)
            return XLCFG_ERR_NOMEM;
    }
    free(*field);
    *field = copy;
    return 0;
}

void xlate_config_init_type(libxl_domain_config *d, libxl_domain_type type)
{
    d->c_info.type = type;
    libxl_domain_build_info_init_type(&d->b_info, type);
}

int xlate_set_vcpus(libxl_domain_build_info *b, int online, int max)
{
    int rc;

    if (online < 1 || max < online)
        return XLCFG_ERR_INVAL;
    rc = xlate_bitmap_alloc(&b->avail_vcpus, max);
    if (rc)
        return rc;
    for (int i = 0; i < online; i++)
        xlate_bitmap_set(&b->avail_vcpus, i);
    b->max_vcpus = max;
    return 0;
}

void *xlate_array_extend(void **array, int *count, size_t elsz)
{
    char *grown;

    if (*count < 0 || (size_t)*count >= SIZE_MAX / elsz - 1)
        return NULL;
    grown = realloc(*array, elsz * (size_t)(*count + 1));
    if (!grown)
        return NULL;
    memset(grown + elsz * (size_t)*count, 0, elsz);
    *array = grown;
    return grown + elsz * (size_t)(*count)++;
}

int xlate_set_vcpu_affinity(libxl_domain_build_info *b, bool hard, int vcpu, const int *pcpus,
                            int n, int nbits)
{
    int *num = hard ? &b->num_vcpu_hard_affinity : &b->num_vcpu_soft_affinity;
    libxl_bitmap **maps = hard ? &b->vcpu_hard_affinity : &b->vcpu_soft_affinity;
    libxl_bitmap *bm;
    int rc;

    if (vcpu < 0 || nbits <= 0)
        return XLCFG_ERR_INVAL;
    for (int i = 0; i < n; i++)
        if (pcpus[i] < 0 || pcpus[i] >= nbits)
            return XLCFG_ERR_INVAL;
    /* vCPUs before @vcpu that had no list yet may run anywhere. */
    while (*num <= vcpu) {
        bm = xlate_array_extend((void **)maps, num, sizeof(**maps));
        if (!bm)
            return XLCFG_ERR_NOMEM;
        libxl_bitmap_init(bm);
        rc = xlate_bitmap_alloc(bm, nbits);
        if (rc)
            return rc;
        memset(bm->map, 0xff, bm->size);
        if (nbits % 8)
            bm->map[bm->size - 1] = (1u << (nbits % 8)) - 1;
    }
    bm = &(*maps)[vcpu];
    rc = xlate_bitmap_alloc(bm, nbits);
    if (rc)
        return rc;
    for (int i = 0; i < n; i++)
        xlate_bitmap_set(bm, pcpus[i]);
    return 0;
}

int xlate_add_irq(libxl_domain_build_info *b, uint32_t irq)
{
    uint32_t *slot = xlate_array_extend((void **)&b->irqs, &b->num_irqs, sizeof(*b->irqs));

    if (!slot)
        return XLCFG_ERR_NOMEM;
    *slot = irq;
    return 0;
}

int xlate_add_iomem(libxl_domain_build_info *b, uint64_t start, uint64_t number, uint64_t gfn)
{
    libxl_iomem_range *r = xlate_array_extend((void **)&b->iomem, &b->num_iomem, sizeof(*r));

    if (!r)
        return XLCFG_ERR_NOMEM;
    libxl_iomem_range_init(r);
    r->start = start;
    r->number = number;
    r->gfn = gfn;
    return 0;
}

int xlate_add_ioport(libxl_domain_build_info *b, uint32_t first, uint32_t number)
{
    libxl_ioport_range *r = xlate_array_extend((void **)&b->ioports, &b->num_ioports, sizeof(*r));

    if (!r)
        return XLCFG_ERR_NOMEM;
    libxl_ioport_range_init(r);
    r->first = first;
    r->number = number;
    return 0;
}

#define SET_DEVID_1(p, i) ((p)->devid = (i))
#define SET_DEVID_0(p, i) ((void)(i))

#define XLATE_ADD_DEF(type, array, devid)                                                          \
    libxl_device_##type *xlate_add_##type(libxl_domain_config *d)                                  \
    {                                                                                              \
        libxl_device_##type *p =                                                                   \
            xlate_array_extend((void **)&d->array, &d->num_##array, sizeof(*d->array));            \
        if (!p)                                                                                    \
            return NULL;                                                                           \
        libxl_device_##type##_init(p);                                                             \
        SET_DEVID_##devid(p, d->num_##array - 1);                                                  \
        return p;                                                                                  \
    }
XLATE_DEVICE_KINDS(XLATE_ADD_DEF)
#undef XLATE_ADD_DEF
