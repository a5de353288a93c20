/* SPDX-License-Identifier: LGPL-2.1-only */
/* Target descriptions: per-architecture defaults, host refinement, capability names. */
#include <string.h>
#include "xlate/xlate.h"

static const struct {
    const char *name;
    const char *xencap; /* as in libxl_version_info.capabilities, e.g. "xen-3.0-x86_64" */
} arch_tbl[] = {
#define XLATE_ARCH_ROW(e, name, xencap) [XLATE_ARCH_##e] = {name, xencap},
    XLATE_ARCHES(XLATE_ARCH_ROW)
#undef XLATE_ARCH_ROW
};

static const char *const cap_names[] = {
#define XLATE_CAP_NAME(e, name) [XLATE_CAP_BIT_##e] = name,
    XLATE_CAPS(XLATE_CAP_NAME)
#undef XLATE_CAP_NAME
};

/*
 * Debian 12 ships Xen 4.17. x86: ioreq servers are always built. arm64: the
 * Debian hypervisor lacks CONFIG_IOREQ_SERVER (spec/xen-target.md), and only
 * PVH-style guests exist.
 */
static const unsigned default_caps[XLATE_ARCH_COUNT] = {
    [XLATE_ARCH_X86_64] = XLATE_CAP(PV) | XLATE_CAP(PVH) | XLATE_CAP(HVM) | XLATE_CAP(HAP) |
                          XLATE_CAP(IOREQ),
    [XLATE_ARCH_AARCH64] = XLATE_CAP(PVH) | XLATE_CAP(HAP) | XLATE_CAP(GICV2) | XLATE_CAP(GICV3) |
                           XLATE_CAP(VPL011) | XLATE_CAP(VIRTIO_DISK),
};

void xlate_target_default(struct xlate_target *t, enum xlate_arch arch)
{
    if ((unsigned)arch >= XLATE_ARCH_COUNT)
        arch = XLATE_ARCH_X86_64;
    memset(t, 0, sizeof(*t));
    t->arch = arch;
    t->xen_major = 4;
    t->xen_minor = 17;
    t->caps = default_caps[arch];
}

void xlate_target_native(struct xlate_target *t)
{
#if defined(__aarch64__)
    xlate_target_default(t, XLATE_ARCH_AARCH64);
#else
    xlate_target_default(t, XLATE_ARCH_X86_64);
#endif
}

const char *xlate_arch_name(enum xlate_arch arch)
{
    if ((unsigned)arch >= XLATE_ARCH_COUNT)
        return "unknown";
    return arch_tbl[arch].name;
}

int xlate_arch_from_name(const char *name, enum xlate_arch *arch_r)
{
    for (unsigned i = 0; name && i < XLATE_ARCH_COUNT; i++) {
        if (!strcmp(name, arch_tbl[i].name)) {
            *arch_r = i;
            return 0;
        }
    }
    return XLATE_ERR_INVAL;
}

int xlate_target_from_host(struct xlate_target *t, const libxl_version_info *ver,
                           const libxl_physinfo *phys)
{
    unsigned i;

    for (i = 0; i < XLATE_ARCH_COUNT; i++)
        if (ver && ver->capabilities && strstr(ver->capabilities, arch_tbl[i].xencap))
            break;
    if (i == XLATE_ARCH_COUNT)
        return XLATE_ERR_INVAL;

    /* Facts libxl cannot report (GIC, ioreq, vpl011) come from the arch default. */
    xlate_target_default(t, i);
    t->xen_major = ver->xen_version_major;
    t->xen_minor = ver->xen_version_minor;
    if (phys) {
        t->nr_pcpus = phys->nr_cpus;
        if (i == XLATE_ARCH_X86_64) {
            if (!phys->cap_hvm)
                t->caps &= ~(XLATE_CAP(HVM) | XLATE_CAP(PVH));
            if (!phys->cap_pv)
                t->caps &= ~XLATE_CAP(PV);
        }
        if (!phys->cap_hap)
            t->caps &= ~XLATE_CAP(HAP);
    }
    return 0;
}

int xlate_target_parse_caps(struct xlate_target *t, const char *spec)
{
    unsigned caps = t->caps;
    const char *p = spec;

    while (p && *p) {
        size_t len = strcspn(p, ",");
        bool clear = false;
        const char *w = p;
        size_t wl = len;
        unsigned i;

        if (wl && (*w == '-' || *w == '+')) {
            clear = *w == '-';
            w++;
            wl--;
        }
        for (i = 0; i < XLATE_CAP_COUNT; i++)
            if (strlen(cap_names[i]) == wl && !strncmp(cap_names[i], w, wl))
                break;
        if (i == XLATE_CAP_COUNT)
            return XLATE_ERR_INVAL;
        if (clear)
            caps &= ~(1u << i);
        else
            caps |= 1u << i;
        p += len;
        if (*p == ',')
            p++;
    }
    t->caps = caps;
    return 0;
}

bool xlate_target_has(const struct xlate_target *t, unsigned cap)
{
    return (t->caps & cap) == cap;
}

void xlate_target_print(FILE *out, const struct xlate_target *t)
{
    const char *sep = "";

    fprintf(out, "%s xen-%u.%u pcpus=", xlate_arch_name(t->arch), t->xen_major, t->xen_minor);
    if (t->nr_pcpus)
        fprintf(out, "%u", t->nr_pcpus);
    else
        fputs("unknown", out);
    fputs(" caps=", out);
    for (unsigned i = 0; i < XLATE_CAP_COUNT; i++) {
        if (t->caps & (1u << i)) {
            fprintf(out, "%s%s", sep, cap_names[i]);
            sep = ",";
        }
    }
    fputc('\n', out);
}
