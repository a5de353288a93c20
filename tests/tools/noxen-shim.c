/* SPDX-License-Identifier: LGPL-2.1-only */
/* LD_PRELOAD shim that lets Xen's own `xl -N create` run on a host without a hypervisor (tests
 * only). */
/*
 * xl allocates a libxl ctx before anything else, and libxl_ctx_alloc() opens
 * privcmd and xenstore; the dry run then asks a few informational questions
 * before printing libxl_domain_config_to_json(). Answering exactly those calls
 * is enough (spec/xen-mapping.md 1.4; libvirt's tests/libxlmock.c does the
 * same). Never preload this on a real Xen host: every answer is made up.
 */
#include <stdlib.h>
#include <string.h>
#include <xenctrl.h>
#include <xenstore.h>

#define SHIM_NR_CPUS      64
#define SHIM_NR_NODES     1
#define SHIM_PAGES        (4UL << 18) /* 4 GiB of 4 KiB pages */
#define SHIM_CAPABILITIES "xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64"

/* Any non-NULL pointer works as a handle: callers only pass it back to us. */
static char fake_xc_handle;
static char fake_xs_handle;

xc_interface *xc_interface_open(xentoollog_logger *logger, xentoollog_logger *dombuild_logger,
                                unsigned open_flags)
{
    return (xc_interface *)&fake_xc_handle;
}

int xc_interface_close(xc_interface *xch)
{
    return 0;
}

struct xs_handle *xs_open(unsigned long flags)
{
    return (struct xs_handle *)&fake_xs_handle;
}

void xs_close(struct xs_handle *xsh)
{
}

/* libxl_get_version_info() asks for each string; zeroed buffers are valid answers. */
int xc_version(xc_interface *xch, int cmd, void *arg)
{
    switch (cmd) {
    case XENVER_version:
        return (4 << 16) | 17;
    case XENVER_pagesize:
        return 4096;
    case XENVER_extraversion:
        memset(arg, 0, sizeof(xen_extraversion_t));
        return 0;
    case XENVER_compile_info:
        memset(arg, 0, sizeof(xen_compile_info_t));
        return 0;
    case XENVER_capabilities:
        strcpy(arg, SHIM_CAPABILITIES);
        return 0;
    case XENVER_changeset:
        memset(arg, 0, sizeof(xen_changeset_info_t));
        return 0;
    case XENVER_platform_parameters:
        memset(arg, 0, sizeof(xen_platform_parameters_t));
        return 0;
    case XENVER_commandline:
        memset(arg, 0, sizeof(xen_commandline_t));
        return 0;
    default:
        return -1;
    }
}

/* libxl 4.20 asks for the strings through these instead (xenctrl.h: the caller frees them).
 * Older libxl never calls them, so defining them is harmless there. */
char *xc_xenver_extraversion(xc_interface *xch);
char *xc_xenver_capabilities(xc_interface *xch);
char *xc_xenver_changeset(xc_interface *xch);
char *xc_xenver_commandline(xc_interface *xch);
char *xc_xenver_buildid(xc_interface *xch);

char *xc_xenver_extraversion(xc_interface *xch)
{
    return strdup("");
}

char *xc_xenver_capabilities(xc_interface *xch)
{
    return strdup(SHIM_CAPABILITIES);
}

char *xc_xenver_changeset(xc_interface *xch)
{
    return strdup("");
}

char *xc_xenver_commandline(xc_interface *xch)
{
    return strdup("");
}

char *xc_xenver_buildid(xc_interface *xch)
{
    return strdup("");
}

int xc_physinfo(xc_interface *xch, xc_physinfo_t *info)
{
    memset(info, 0, sizeof(*info));
    info->threads_per_core = 1;
    info->cores_per_socket = SHIM_NR_CPUS;
    info->nr_cpus = SHIM_NR_CPUS;
    info->max_cpu_id = SHIM_NR_CPUS - 1;
    info->nr_nodes = SHIM_NR_NODES;
    info->max_node_id = SHIM_NR_NODES - 1;
    info->cpu_khz = 1000000;
    info->total_pages = SHIM_PAGES;
    info->free_pages = SHIM_PAGES;
    info->capabilities = XEN_SYSCTL_PHYSCAP_hvm | XEN_SYSCTL_PHYSCAP_pv | XEN_SYSCTL_PHYSCAP_hap |
                         XEN_SYSCTL_PHYSCAP_directio;
    return 0;
}

long xc_sharing_freed_pages(xc_interface *xch)
{
    return 0;
}

long xc_sharing_used_frames(xc_interface *xch)
{
    return 0;
}

int xc_get_max_cpus(xc_interface *xch)
{
    return SHIM_NR_CPUS;
}

int xc_get_online_cpus(xc_interface *xch)
{
    return SHIM_NR_CPUS;
}

int xc_get_max_nodes(xc_interface *xch)
{
    return SHIM_NR_NODES;
}
