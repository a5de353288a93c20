/* SPDX-License-Identifier: LGPL-2.1-only */
/* libvirt domain XML -> libxl_domain_config, with libxml2. One table says which elements
 * and attributes are read and into which libxl field; anything else is an error, so no
 * setting is dropped unread. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "libvirt/lvxml-internal.h"
#include "xlcfg/libxl-util.h"

struct rd;
typedef void (*rd_fn)(struct rd *r, xmlNode *n);

/* One element libvirt XML may hold, below <domain>. */
struct elem {
    const char *path;  /* "devices/disk/source" */
    const char *attrs; /* the attributes read, space-separated */
    unsigned types;    /* the guest types it is read for (XLCFG_T_*) */
    bool text;         /* holds text */
    bool repeat;       /* may be given more than once in its parent */
    const char *key;   /* the xl.cfg key the way back to qvmconf names it with, or NULL */
    const char *libxl; /* the libxl field it carries (docs/libvirt.md) */
    rd_fn read;        /* before its children */
    rd_fn done;        /* after them */
};

/* The highest CPU number a cpuset may name (libvirt's VIR_DOMAIN_CPUMASK_LEN is 1024). */
#define MAX_PCPU 4095
/* After this many errors the rest of the document is not read: each costs a search of its
 * line for the column, so a bound keeps a hostile one-line document linear. */
#define MAX_ERRORS 20
/* The vCPUs a domain may have (xl's limit). */
#define MAX_VCPUS 4096

struct rd {
    const char *name, *data;
    size_t len;
    size_t *lines; /* offset of each line's start, built on the first located diagnostic */
    size_t nlines;
    libxl_domain_config *dc;
    libxl_domain_build_info *b;
    struct qc_diags *d;
    struct xlcfg_keymap *keys;
    char *arch;
    int rc; /* the first failure: XLCFG_ERR_INVAL or _NOMEM */
    int nerrors;
    bool implied[LVXML_N(lvxml_implied)];
    bool current_memory; /* <currentMemory> was given */
    xmlNode *pin;        /* the <vcpupin> with the highest vcpu= */
    int max_pin;
    void *dev; /* the device being read (disk, nic, pci, channel) */
    const struct lvxml_chardev *serial;
    int nserial;
    bool video; /* <video> was given */
};

/* ---- locations and diagnostics ---- */

static void index_lines(struct rd *r)
{
    size_t n = 1;

    for (size_t i = 0; i < r->len; i++)
        n += r->data[i] == '\n';
    r->lines = malloc(n * sizeof(*r->lines));
    if (!r->lines)
        return;
    r->lines[0] = 0;
    r->nlines = 1;
    for (size_t i = 0; i < r->len; i++)
        if (r->data[i] == '\n')
            r->lines[r->nlines++] = i + 1;
}

/* @line's column of "<NAME" (the element's start), else 1. */
static uint32_t column(struct rd *r, long line, const char *name)
{
    size_t start, end, nlen = strlen(name);

    if (!r->lines)
        index_lines(r);
    if (!r->lines || line < 1 || (size_t)line > r->nlines)
        return 1;
    start = r->lines[line - 1];
    end = (size_t)line < r->nlines ? r->lines[line] : r->len;
    for (size_t i = start; i + nlen < end; i++)
        if (r->data[i] == '<' && !memcmp(r->data + i + 1, name, nlen))
            return (uint32_t)(i - start + 1);
    return 1;
}

static struct qc_loc loc_of(struct rd *r, xmlNode *n)
{
    long line = n ? xmlGetLineNo(n) : 0;

    if (line < 1)
        return (struct qc_loc){.file = r->name, .line = 1, .col = 1};
    return (struct qc_loc){
        .file = r->name, .line = (uint32_t)line, .col = column(r, line, (const char *)n->name)};
}

__attribute__((format(printf, 4, 5))) static void fail(struct rd *r, enum qc_check_id id,
                                                       xmlNode *n, const char *fmt, ...)
{
    va_list ap;

    if (!r->rc)
        r->rc = XLCFG_ERR_INVAL;
    if (r->nerrors++ >= MAX_ERRORS)
        return;
    va_start(ap, fmt);
    qc_vdiag(r->d, id, loc_of(r, n), fmt, ap);
    va_end(ap);
}

static void nomem(struct rd *r)
{
    r->rc = XLCFG_ERR_NOMEM;
}

static void check(struct rd *r, int rc)
{
    if (rc == XLCFG_ERR_NOMEM)
        nomem(r);
}

/* ---- values ---- */

/* Attribute @name of @n (entities already replaced), or NULL. */
static const char *attr(xmlNode *n, const char *name)
{
    for (xmlAttr *a = n->properties; a; a = a->next)
        if (!strcmp((const char *)a->name, name))
            return a->children && a->children->type == XML_TEXT_NODE
                       ? (const char *)a->children->content
                       : "";
    return NULL;
}

/* The element's text (its text children), or "" when it has none. */
static const char *text(xmlNode *n)
{
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_TEXT_NODE && !c->next)
            return (const char *)c->content;
    return "";
}

/* Digits only ("0x" and hex digits when @hex may be), at most @max. */
static bool number(const char *s, bool hex, uint64_t max, uint64_t *v_r)
{
    int base = hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
    const char *p = s + (base == 16 ? 2 : 0);
    uint64_t v = 0;

    if (!*p)
        return false;
    for (; *p; p++) {
        int dig = *p >= '0' && *p <= '9'   ? *p - '0'
                  : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                  : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                                           : 99;
        if (dig >= base || v > (UINT64_MAX - (uint64_t)dig) / (uint64_t)base)
            return false;
        v = v * (uint64_t)base + (uint64_t)dig;
        if (v > max)
            return false;
    }
    *v_r = v;
    return true;
}

/* A number attribute or text of @n that must be given; false after an error. */
static bool need_number(struct rd *r, xmlNode *n, const char *what, const char *s, bool hex,
                        uint64_t max, uint64_t *v_r)
{
    if (!s)
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<%s> needs %s", (const char *)n->name, what);
    else if (!number(s, hex, max, v_r))
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<%s> %s '%s' is not a number up to %" PRIu64,
             (const char *)n->name, what, s, max);
    else
        return true;
    return false;
}

/* A copy of @s into *@field (freed first). */
static void set_string(struct rd *r, char **field, const char *s)
{
    check(r, xlate_set_string(field, s));
}

/* An attribute that must be one of @values ("a|b|c"); NULL after an error. */
static const char *choice(struct rd *r, xmlNode *n, const char *name, const char *values)
{
    const char *v = attr(n, name);
    size_t len = v ? strlen(v) : 0;

    for (const char *p = values; v && *p; p += strcspn(p, "|"), p += *p == '|')
        if (strcspn(p, "|") == len && !strncmp(p, v, len))
            return v;
    fail(r, QC_CK_LIBVIRT_VALUE, n, "<%s %s='%s'>: qvm-xl reads %s='%s' only",
         (const char *)n->name, name, v ? v : "", name, values);
    return NULL;
}

/* ---- the elements ---- */

static void r_name(struct rd *r, xmlNode *n)
{
    set_string(r, &r->dc->c_info.name, text(n));
}

static void r_uuid(struct rd *r, xmlNode *n)
{
    if (libxl_uuid_from_string(&r->dc->c_info.uuid, text(n)))
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<uuid> '%s' is not a UUID", text(n));
}

/* libvirt's units (virScaleInteger); the size in KiB, rounded up as libvirt does. */
static bool memory_kib(struct rd *r, xmlNode *n, uint64_t *kib_r)
{
    static const struct {
        const char *unit;
        uint64_t scale;
    } units[] = {{"b", 1},           {"bytes", 1},       {"KB", 1000},      {"k", 1024},
                 {"KiB", 1024},      {"MB", 1000000},    {"M", 1u << 20},   {"MiB", 1u << 20},
                 {"GB", 1000000000}, {"G", 1u << 30},    {"GiB", 1u << 30}, {"TB", 1000000000000},
                 {"T", 1ull << 40},  {"TiB", 1ull << 40}};
    const char *unit = attr(n, "unit");
    uint64_t v;

    for (size_t i = 0; i < LVXML_N(units); i++) {
        if (unit ? strcmp(unit, units[i].unit) : units[i].scale != 1024)
            continue;
        if (!need_number(r, n, "a size", text(n), false, (UINT64_MAX - 1023) / units[i].scale, &v))
            return false;
        *kib_r = (v * units[i].scale + 1023) / 1024;
        return true;
    }
    fail(r, QC_CK_LIBVIRT_VALUE, n, "<%s unit='%s'> is not one of libvirt's units",
         (const char *)n->name, unit);
    return false;
}

static void r_memory(struct rd *r, xmlNode *n)
{
    memory_kib(r, n, &r->b->max_memkb);
}

static void r_current(struct rd *r, xmlNode *n)
{
    r->current_memory = memory_kib(r, n, &r->b->target_memkb);
}

static void r_vcpu(struct rd *r, xmlNode *n)
{
    const char *cur = attr(n, "current");
    uint64_t max, online;

    if (attr(n, "placement") && !choice(r, n, "placement", "static"))
        return;
    if (!need_number(r, n, "a vCPU count", text(n), false, MAX_VCPUS, &max))
        return;
    online = max;
    if (cur && !need_number(r, n, "current=", cur, false, max, &online))
        return;
    if (!max || !online) {
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<vcpu> needs at least one vCPU");
        return;
    }
    check(r, xlate_set_vcpus(r->b, (int)online, (int)max));
}

/* Sets (or with @on false clears) CPUs @lo..@hi of @map: whole bytes at once, so a set costs
 * what its text does. */
static void set_range(uint8_t *map, unsigned lo, unsigned hi, bool on)
{
    for (; lo <= hi && lo % 8; lo++)
        map[lo / 8] = on ? map[lo / 8] | (1u << (lo % 8)) : map[lo / 8] & ~(1u << (lo % 8));
    if (lo + 8 <= hi + 1) {
        memset(map + lo / 8, on ? 0xff : 0, (hi + 1 - lo) / 8);
        lo += (hi + 1 - lo) / 8 * 8;
    }
    for (; lo <= hi; lo++)
        map[lo / 8] = on ? map[lo / 8] | (1u << (lo % 8)) : map[lo / 8] & ~(1u << (lo % 8));
}

/* libvirt's cpuset ("0-3,^2,5", virBitmapParse) into @map (MAX_PCPU + 1 bits); false when
 * it is not one. */
static bool cpuset(const char *s, uint8_t *map)
{
    memset(map, 0, (MAX_PCPU + 1) / 8);
    for (const char *p = s; *p;) {
        size_t len = strcspn(p, ",");
        bool not = *p == '^';
        char item[32], *dash;
        uint64_t lo, hi;

        if (len - not >= sizeof(item) || len == (size_t) not )
            return false;
        memcpy(item, p + not, len - not );
        item[len - not ] = '\0';
        dash = strchr(item, '-');
        if (dash)
            *dash = '\0';
        if (!number(item, false, MAX_PCPU, &lo) ||
            !number(dash ? dash + 1 : item, false, MAX_PCPU, &hi) || hi < lo || (not &&dash))
            return false;
        set_range(map, (unsigned)lo, (unsigned)hi, !not );
        p += len + (p[len] == ',');
    }
    return true;
}

/* The CPUs of @map in @pcpus (MAX_PCPU + 1 slots); their count. */
static int cpu_list(const uint8_t *map, int *pcpus)
{
    int n = 0;

    for (int c = 0; c <= MAX_PCPU; c++)
        if (map[c / 8] & (1u << (c % 8)))
            pcpus[n++] = c;
    return n;
}

static void r_vcpupin(struct rd *r, xmlNode *n)
{
    int pcpus[MAX_PCPU + 1];
    uint8_t map[(MAX_PCPU + 1) / 8];
    const char *set = attr(n, "cpuset");
    uint64_t vcpu;
    int count = 0;

    if (!need_number(r, n, "vcpu=", attr(n, "vcpu"), false, MAX_VCPUS - 1, &vcpu))
        return;
    if (set && cpuset(set, map))
        count = cpu_list(map, pcpus);
    if (!count) {
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<vcpupin cpuset='%s'> is no non-empty CPU set",
             set ? set : "");
        return;
    }
    check(r, xlate_set_vcpu_affinity(r->b, true, (int)vcpu, pcpus, count,
                                     pcpus[count - 1] < 64 ? 64 : pcpus[count - 1] + 1));
    /* As xl does for cpus=: pinned vCPUs are not placed on NUMA nodes. */
    libxl_defbool_set(&r->b->numa_placement, false);
    if ((int)vcpu >= r->max_pin) {
        r->max_pin = (int)vcpu;
        r->pin = n;
    }
}

static void r_ostype(struct rd *r, xmlNode *n)
{
    const char *arch = attr(n, "arch");

    if (arch && strlen(arch) >= 16)
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<type arch='%s'> is no architecture", arch);
    else if (arch && r->arch)
        strcpy(r->arch, arch);
}

static void r_kernel(struct rd *r, xmlNode *n)
{
    set_string(r, &r->b->kernel, text(n));
}

static void r_initrd(struct rd *r, xmlNode *n)
{
    set_string(r, &r->b->ramdisk, text(n));
}

static void r_cmdline(struct rd *r, xmlNode *n)
{
    set_string(r, &r->b->cmdline, text(n));
}

static void r_implied(struct rd *r, xmlNode *n)
{
    for (size_t i = 0; i < LVXML_N(lvxml_implied); i++)
        if (!strncmp(lvxml_implied[i].path, "features/", 9) &&
            !strcmp(lvxml_implied[i].path + 9, (const char *)n->name))
            r->implied[i] = true;
}

static void r_hap(struct rd *r, xmlNode *n)
{
    const char *state = attr(n, "state");

    if (state && !choice(r, n, "state", "on|off"))
        return;
    libxl_defbool_set(&r->dc->c_info.hap, !state || !strcmp(state, "on"));
}

static void r_clock(struct rd *r, xmlNode *n)
{
    const char *offset = choice(r, n, "offset", "utc|localtime");

    if (offset && !strcmp(offset, "localtime"))
        libxl_defbool_set(&r->b->localtime, true);
}

static void r_timer(struct rd *r, xmlNode *n)
{
    if (choice(r, n, "name", "hpet") && choice(r, n, "present", "yes"))
        libxl_defbool_set(&r->b->u.hvm.hpet, true);
}

static void r_action(struct rd *r, xmlNode *n)
{
    bool crash = !strcmp((const char *)n->name, "on_crash");
    libxl_action_on_shutdown *a = crash ? &r->dc->on_crash
                                  : !strcmp((const char *)n->name, "on_reboot")
                                      ? &r->dc->on_reboot
                                      : &r->dc->on_poweroff;
    int v;

    if (!lvxml_value_of(lvxml_actions, crash ? LVXML_N(lvxml_actions) : 4, text(n), &v))
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<%s>%s</%s> is not an action libvirt has",
             (const char *)n->name, text(n), (const char *)n->name);
    else
        *a = (libxl_action_on_shutdown)v;
}

/* ---- devices ---- */

static void r_disk(struct rd *r, xmlNode *n)
{
    const char *device = attr(n, "device");
    libxl_device_disk *k;

    if ((attr(n, "type") && !choice(r, n, "type", "file|block")) ||
        (device && !choice(r, n, "device", "disk|cdrom")))
        return;
    k = r->dev = xlate_add_disk(r->dc);
    if (!k) {
        nomem(r);
        return;
    }
    k->readwrite = 1;
    if (device && !strcmp(device, "cdrom"))
        k->is_cdrom = k->removable = 1;
}

static void r_disk_driver(struct rd *r, xmlNode *n)
{
    libxl_device_disk *k = r->dev;
    const char *name = attr(n, "name"), *type = attr(n, "type");
    int v;

    if (name && !lvxml_value_of(lvxml_disk_backends, LVXML_N(lvxml_disk_backends), name, &v))
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<driver name='%s'>: qvm-xl reads phy, tap, qemu", name);
    else if (name)
        k->backend = (libxl_disk_backend)v;
    if (type && !lvxml_value_of(lvxml_disk_formats, LVXML_N(lvxml_disk_formats), type, &v))
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<driver type='%s'> is no format libxl has", type);
    else if (type)
        k->format = (libxl_disk_format)v;
}

static void r_disk_source(struct rd *r, xmlNode *n)
{
    const char *file = attr(n, "file"), *dev = attr(n, "dev");

    if (!file == !dev)
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<source> needs file= or dev=");
    else
        set_string(r, &((libxl_device_disk *)r->dev)->pdev_path, file ? file : dev);
}

/* The bus libvirt gives a disk of this name (xenParseXLDisk), or NULL. */
static const char *disk_bus(const char *dev)
{
    static const char *const bus[][2] = {{"xvd", "xen"}, {"hd", "ide"}, {"sd", "scsi"}};

    for (size_t i = 0; i < LVXML_N(bus); i++)
        if (!strncmp(dev, bus[i][0], strlen(bus[i][0])))
            return bus[i][1];
    return NULL;
}

static void r_disk_target(struct rd *r, xmlNode *n)
{
    const char *dev = attr(n, "dev"), *b = attr(n, "bus"), *want;

    if (!dev || !*dev) {
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<target> needs dev=");
        return;
    }
    /* libxl takes the device name alone: a bus= other than the name's would be ignored. */
    want = disk_bus(dev);
    if (b && !(want && (!strcmp(b, want) || (!strcmp(want, "scsi") && !strcmp(b, "sata")))))
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<target dev='%s' bus='%s'>: the bus is not the name's",
             dev, b);
    set_string(r, &((libxl_device_disk *)r->dev)->vdev, dev);
}

static void r_disk_readonly(struct rd *r, xmlNode *n)
{
    ((libxl_device_disk *)r->dev)->readwrite = 0;
}

static void r_disk_done(struct rd *r, xmlNode *n)
{
    libxl_device_disk *k = r->dev;

    if (k && !k->vdev)
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<disk> needs <target dev=>");
}

static void r_nic(struct rd *r, xmlNode *n)
{
    if (choice(r, n, "type", "bridge|ethernet") && !(r->dev = xlate_add_nic(r->dc)))
        nomem(r);
}

static void r_nic_mac(struct rd *r, xmlNode *n)
{
    libxl_device_nic *nic = r->dev;
    const char *a = attr(n, "address");
    char end;

    if (!a || strlen(a) != 17 ||
        sscanf(a, LIBXL_MAC_FMT "%c", &nic->mac[0], &nic->mac[1], &nic->mac[2], &nic->mac[3],
               &nic->mac[4], &nic->mac[5], &end) != 6)
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<mac address='%s'> is no MAC address", a ? a : "");
}

static void r_nic_source(struct rd *r, xmlNode *n)
{
    const char *bridge = attr(n, "bridge");

    if (!bridge)
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<source> needs bridge=");
    else
        set_string(r, &((libxl_device_nic *)r->dev)->bridge, bridge);
}

static void r_nic_script(struct rd *r, xmlNode *n)
{
    set_string(r, &((libxl_device_nic *)r->dev)->script, attr(n, "path"));
}

/* libvirt's libxlMakeNic: netfront is the PV vif; another model is QEMU's emulated NIC. */
static void r_nic_model(struct rd *r, xmlNode *n)
{
    libxl_device_nic *nic = r->dev;
    const char *type = attr(n, "type");

    if (!type || !*type) {
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<model> needs type=");
    } else if (!strcmp(type, "netfront")) {
        nic->nictype = LIBXL_NIC_TYPE_VIF;
    } else {
        nic->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
        set_string(r, &nic->model, type);
    }
}

static void r_nic_done(struct rd *r, xmlNode *n)
{
    libxl_device_nic *nic = r->dev;

    if (nic && !strcmp(attr(n, "type"), "bridge") && !nic->bridge)
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<interface type='bridge'> needs <source bridge=>");
}

static void r_hostdev(struct rd *r, xmlNode *n)
{
    if (!choice(r, n, "mode", "subsystem") || !choice(r, n, "type", "pci") ||
        (attr(n, "managed") && !choice(r, n, "managed", "no")))
        return;
    if (!(r->dev = xlate_add_pci(r->dc)))
        nomem(r);
}

static void r_pci_address(struct rd *r, xmlNode *n)
{
    libxl_device_pci *p = r->dev;
    uint64_t dom, bus, slot, fn;

    if (need_number(r, n, "domain=", attr(n, "domain"), true, 0xffff, &dom) &&
        need_number(r, n, "bus=", attr(n, "bus"), true, 0xff, &bus) &&
        need_number(r, n, "slot=", attr(n, "slot"), true, 0x1f, &slot) &&
        need_number(r, n, "function=", attr(n, "function"), true, 7, &fn)) {
        p->domain = (unsigned)dom;
        p->bus = (unsigned)bus;
        p->dev = (unsigned)slot;
        p->func = (unsigned)fn;
    }
}

static void r_serial(struct rd *r, xmlNode *n)
{
    const char *type = attr(n, "type");

    r->serial = NULL;
    for (size_t i = 0; type && i < LVXML_N(lvxml_chardevs); i++)
        if (!strcmp(type, lvxml_chardevs[i].type))
            r->serial = &lvxml_chardevs[i];
    if (!r->serial)
        fail(r, QC_CK_LIBVIRT_VALUE, n,
             "<serial type='%s'>: qvm-xl reads pty, null, vc, stdio, "
             "file, pipe, dev",
             type ? type : "");
    else if (!r->serial->path)
        check(r, xlate_string_list_append(&r->b->u.hvm.serial_list, r->serial->type));
    if (r->serial)
        r->dev = r->b; /* read on */
}

static void r_serial_source(struct rd *r, xmlNode *n)
{
    const char *path = attr(n, "path");
    char *dev;

    if (!r->serial || !r->serial->path || !path || !*path) {
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<source path=> is for a file, pipe or dev serial");
        return;
    }
    if (asprintf(&dev, "%s%s", r->serial->prefix, path) < 0) {
        nomem(r);
        return;
    }
    check(r, xlate_string_list_append(&r->b->u.hvm.serial_list, dev));
    free(dev);
    r->serial = NULL; /* given */
}

static void r_serial_target(struct rd *r, xmlNode *n)
{
    uint64_t port;

    if (need_number(r, n, "port=", attr(n, "port"), false, 3, &port) && (int)port != r->nserial)
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<target port='%" PRIu64 "'> is not the serial's index %d",
             port, r->nserial);
}

static void r_serial_done(struct rd *r, xmlNode *n)
{
    if (r->serial && r->serial->path)
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<serial type='%s'> needs <source path=>", r->serial->type);
    r->nserial++;
}

/* The console libxl always makes: nothing to set, but only that one is read. */
static void r_console(struct rd *r, xmlNode *n)
{
    if (choice(r, n, "type", "pty"))
        r->dev = r->dc; /* read on */
}

static void r_console_target(struct rd *r, xmlNode *n)
{
    bool hvm = r->dc->c_info.type == LIBXL_DOMAIN_TYPE_HVM;

    if (choice(r, n, "type", hvm ? "serial" : "xen") && attr(n, "port"))
        choice(r, n, "port", "0");
}

static void r_channel(struct rd *r, xmlNode *n)
{
    const char *type = choice(r, n, "type", "pty|unix");
    libxl_device_channel *c;

    if (!type)
        return;
    if (!(c = r->dev = xlate_add_channel(r->dc))) {
        nomem(r);
        return;
    }
    libxl_device_channel_init_connection(c, strcmp(type, "unix") ? LIBXL_CHANNEL_CONNECTION_PTY
                                                                 : LIBXL_CHANNEL_CONNECTION_SOCKET);
}

static void r_channel_source(struct rd *r, xmlNode *n)
{
    libxl_device_channel *c = r->dev;
    const char *path = attr(n, "path");

    if (c->connection != LIBXL_CHANNEL_CONNECTION_SOCKET || !path ||
        (attr(n, "mode") && !choice(r, n, "mode", "bind")))
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<source mode='bind' path=> is for a unix channel");
    else
        set_string(r, &c->u.socket.path, path);
}

static void r_channel_target(struct rd *r, xmlNode *n)
{
    const char *name = attr(n, "name");

    if (choice(r, n, "type", "xen") && name)
        set_string(r, &((libxl_device_channel *)r->dev)->name, name);
}

static void r_channel_done(struct rd *r, xmlNode *n)
{
    libxl_device_channel *c = r->dev;

    if (c && (!c->name || (c->connection == LIBXL_CHANNEL_CONNECTION_SOCKET && !c->u.socket.path)))
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<channel> needs <target type='xen' name=>%s",
             c->connection == LIBXL_CHANNEL_CONNECTION_SOCKET ? " and <source path=>" : "");
}

static void r_video(struct rd *r, xmlNode *n)
{
    r->video = true;
    r->dev = r->b; /* read on */
}

static void r_video_model(struct rd *r, xmlNode *n)
{
    int v;

    if (!lvxml_value_of(lvxml_videos, LVXML_N(lvxml_videos), attr(n, "type") ? attr(n, "type") : "",
                        &v))
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<model type='%s'>: qvm-xl reads vga and cirrus",
             attr(n, "type") ? attr(n, "type") : "");
    else
        r->b->u.hvm.vga.kind = (libxl_vga_interface_type)v;
}

/* libxl's VNC defaults: any port (autoport, port -1), as libvirt writes them back. */
static void r_graphics(struct rd *r, xmlNode *n)
{
    if (!choice(r, n, "type", "vnc") || (attr(n, "port") && !choice(r, n, "port", "-1")) ||
        (attr(n, "autoport") && !choice(r, n, "autoport", "yes")))
        return;
    for (size_t i = 0; i < LVXML_N(lvxml_implied); i++)
        if (!strcmp(lvxml_implied[i].path, "devices/graphics"))
            r->implied[i] = true;
}

#define ALL XLCFG_T_ALL
#define HVM XLCFG_T_HVM
#define T   true
#define F   false

/* Every element read, parents before their children. */
static const struct elem elems[] = {
    {"name", "", ALL, T, F, "name", "c_info.name", r_name, NULL},
    {"uuid", "", ALL, T, F, NULL, "c_info.uuid", r_uuid, NULL},
    {"memory", "unit", ALL, T, F, "maxmem", "b_info.max_memkb", r_memory, NULL},
    {"currentMemory", "unit", ALL, T, F, "memory", "b_info.target_memkb (absent: max_memkb)",
     r_current, NULL},
    {"vcpu", "placement current", ALL, T, F, "vcpus", "b_info.max_vcpus, avail_vcpus (current=)",
     r_vcpu, NULL},
    {"cputune", "", ALL, F, F, "cpus", "", NULL, NULL},
    {"cputune/vcpupin", "vcpu cpuset", ALL, F, T, "cpus",
     "b_info.vcpu_hard_affinity[vcpu], numa_placement false", r_vcpupin, NULL},
    {"os", "", ALL, F, F, NULL, "", NULL, NULL},
    {"os/type", "arch machine", ALL, T, F, "type", "c_info.type (xen: pv, xenpvh: pvh, hvm)",
     r_ostype, NULL},
    {"os/kernel", "", ALL, T, F, "kernel", "b_info.kernel", r_kernel, NULL},
    {"os/initrd", "", ALL, T, F, "ramdisk", "b_info.ramdisk", r_initrd, NULL},
    {"os/cmdline", "", ALL, T, F, "cmdline", "b_info.cmdline", r_cmdline, NULL},
    {"features", "", HVM, F, F, NULL, "", NULL, NULL},
    {"features/acpi", "", HVM, F, F, "acpi", "b_info.acpi (absent: false)", r_implied, NULL},
    {"features/apic", "", HVM, F, F, "apic", "b_info.apic (absent: false)", r_implied, NULL},
    {"features/pae", "", HVM, F, F, "pae", "b_info.u.hvm.pae (absent: false)", r_implied, NULL},
    {"features/hap", "state", HVM, F, F, "hap", "c_info.hap", r_hap, NULL},
    {"clock", "offset", ALL, F, F, "localtime", "b_info.localtime (offset='localtime')", r_clock,
     NULL},
    {"clock/timer", "name present", HVM, F, F, "hpet", "b_info.u.hvm.hpet (name='hpet')", r_timer,
     NULL},
    {"on_poweroff", "", ALL, T, F, "on_poweroff", "on_poweroff", r_action, NULL},
    {"on_reboot", "", ALL, T, F, "on_reboot", "on_reboot", r_action, NULL},
    {"on_crash", "", ALL, T, F, "on_crash", "on_crash", r_action, NULL},
    {"devices", "", ALL, F, F, NULL, "", NULL, NULL},
    {"devices/disk", "type device", ALL, F, T, "disk", "disks[] (device='cdrom': is_cdrom)", r_disk,
     r_disk_done},
    {"devices/disk/driver", "name type", ALL, F, F, NULL, "disks[].backend, format", r_disk_driver,
     NULL},
    {"devices/disk/source", "file dev", ALL, F, F, NULL, "disks[].pdev_path", r_disk_source, NULL},
    {"devices/disk/target", "dev bus", ALL, F, F, NULL, "disks[].vdev", r_disk_target, NULL},
    {"devices/disk/readonly", "", ALL, F, F, NULL, "disks[].readwrite 0 (absent: 1)",
     r_disk_readonly, NULL},
    {"devices/interface", "type", ALL, F, T, "vif", "nics[] (devid: the index)", r_nic, r_nic_done},
    {"devices/interface/mac", "address", ALL, F, F, NULL, "nics[].mac", r_nic_mac, NULL},
    {"devices/interface/source", "bridge", ALL, F, F, NULL, "nics[].bridge", r_nic_source, NULL},
    {"devices/interface/script", "path", ALL, F, F, NULL, "nics[].script", r_nic_script, NULL},
    {"devices/interface/model", "type", ALL, F, F, NULL,
     "nics[].nictype (netfront: vif, else vif_ioemu and model)", r_nic_model, NULL},
    {"devices/hostdev", "mode type managed", ALL, F, T, "pci", "pcidevs[]", r_hostdev, NULL},
    {"devices/hostdev/source", "", ALL, F, F, NULL, "", NULL, NULL},
    {"devices/hostdev/source/address", "domain bus slot function", ALL, F, F, NULL,
     "pcidevs[].domain, bus, dev, func", r_pci_address, NULL},
    {"devices/serial", "type", HVM, F, T, "serial", "b_info.u.hvm.serial_list[]", r_serial,
     r_serial_done},
    {"devices/serial/source", "path", HVM, F, F, NULL, "(file:PATH, pipe:PATH or PATH)",
     r_serial_source, NULL},
    {"devices/serial/target", "port", HVM, F, F, NULL, "(the serial's index)", r_serial_target,
     NULL},
    {"devices/console", "type", ALL, F, F, NULL, "(none: libxl's own console)", r_console, NULL},
    {"devices/console/target", "type port", ALL, F, F, NULL, "(xen; serial for HVM; port 0)",
     r_console_target, NULL},
    {"devices/channel", "type", ALL, F, T, "channel", "channels[] (devid: libxl numbers them)", r_channel,
     r_channel_done},
    {"devices/channel/source", "mode path", ALL, F, F, NULL, "channels[].u.socket.path",
     r_channel_source, NULL},
    {"devices/channel/target", "type name", ALL, F, F, NULL, "channels[].name", r_channel_target,
     NULL},
    {"devices/video", "", HVM, F, F, "vga",
     "b_info.u.hvm.vga.kind (absent: none, and nographic true)", r_video, NULL},
    {"devices/video/model", "type", HVM, F, F, NULL, "b_info.u.hvm.vga.kind (vga: stdvga)",
     r_video_model, NULL},
    {"devices/graphics", "type port autoport", HVM, F, F, "vnc",
     "b_info.u.hvm.vnc.enable (absent: false)", r_graphics, NULL},
};

#undef ALL
#undef HVM
#undef T
#undef F

void lvxml_mapping_print_md(FILE *out)
{
    fputs("| element (under `<domain>`) | attributes | guests | libxl field | xl.cfg key |\n"
          "|---|---|---|---|---|\n",
          out);
    for (size_t i = 0; i < LVXML_N(elems); i++)
        fprintf(out, "| `%s` | %s | %s | %s | %s |\n", elems[i].path,
                *elems[i].attrs ? elems[i].attrs : "",
                elems[i].types == XLCFG_T_HVM ? "hvm" : "all",
                *elems[i].libxl ? elems[i].libxl : "(children)", elems[i].key ? elems[i].key : "");
}

/* ---- the walk ---- */

static const struct elem *elem_find(const char *path)
{
    for (size_t i = 0; i < LVXML_N(elems); i++)
        if (!strcmp(elems[i].path, path))
            return &elems[i];
    return NULL;
}

/* Whether @name is a word of the space-separated @list. */
static bool listed(const char *list, const char *name)
{
    size_t len = strlen(name);

    for (const char *p = list; *p; p += strcspn(p, " "), p += *p == ' ')
        if (strcspn(p, " ") == len && !strncmp(p, name, len))
            return true;
    return false;
}

static void keymap_add(struct rd *r, const char *key, xmlNode *n)
{
    struct xlcfg_keymap *m = r->keys;

    if (!m || !key)
        return;
    if (!(m->n & (m->n - 1))) { /* grows at powers of two: linear in all */
        struct xlcfg_keypos *v = realloc(m->v, (m->n ? 2 * m->n : 1) * sizeof(*v));

        if (!v) {
            nomem(r);
            return;
        }
        m->v = v;
    }
    snprintf(m->v[m->n].key, sizeof(m->v[m->n].key), "%s", key);
    m->v[m->n++].loc = loc_of(r, n);
}

/* The element @n (path @path, row @e) passes the table's rules. */
static bool elem_ok(struct rd *r, xmlNode *n, const char *path, const struct elem *e,
                    unsigned char *seen)
{
    if (!e || n->ns) {
        fail(r, QC_CK_LIBVIRT_UNKNOWN, n, "<%s> (%s) is not read by qvm-xl", (const char *)n->name,
             path);
        return false;
    }
    if (seen[e - elems]++ && !e->repeat) {
        fail(r, QC_CK_LIBVIRT_VALUE, n, "<%s> is given twice", path);
        return false;
    }
    if (!(e->types & (1u << r->dc->c_info.type))) {
        fail(r, QC_CK_LIBVIRT_UNKNOWN, n, "<%s> is read for HVM guests only", path);
        return false;
    }
    for (xmlAttr *a = n->properties; a; a = a->next)
        if (a->ns || !listed(e->attrs, (const char *)a->name)) {
            fail(r, QC_CK_LIBVIRT_UNKNOWN, n, "<%s %s=> is not read by qvm-xl", path,
                 (const char *)a->name);
            return false;
        }
    return true;
}

static void walk(struct rd *r, xmlNode *parent, const char *ppath, const struct elem *pe,
                 int depth);

static void walk_elem(struct rd *r, xmlNode *n, const char *ppath, unsigned char *seen, int depth)
{
    char path[128];
    const struct elem *e;
    bool device = !strcmp(ppath, "devices");

    snprintf(path, sizeof(path), "%s%s%s", ppath, *ppath ? "/" : "", (const char *)n->name);
    e = elem_find(path);
    if (!elem_ok(r, n, path, e, seen))
        return;
    keymap_add(r, e->key, n);
    if (device) /* each device's children fill the one it made */
        r->dev = NULL;
    if (e->read)
        e->read(r, n);
    if (device && !r->dev)
        return; /* refused: its children have nothing to fill */
    walk(r, n, path, e, depth + 1);
    if (e->done)
        e->done(r, n);
}

static bool blank(const xmlChar *s)
{
    return !s || !s[strspn((const char *)s, " \t\r\n")];
}

/* The children of @parent; @pe its row (NULL for <domain>). Depth is bounded by the table. */
static void walk(struct rd *r, xmlNode *parent, const char *ppath, const struct elem *pe, int depth)
{
    unsigned char seen[LVXML_N(elems)] = {0};

    if (pe && pe->text && parent->children && parent->children->next)
        fail(r, QC_CK_LIBVIRT_UNKNOWN, parent, "<%s> holds more than text (a comment?)",
             (const char *)parent->name);
    for (xmlNode *c = parent->children; c && r->rc != XLCFG_ERR_NOMEM && r->nerrors < MAX_ERRORS;
         c = c->next) {
        if (c->type == XML_COMMENT_NODE)
            continue;
        if (c->type == XML_ELEMENT_NODE && depth < LVXML_MAX_DEPTH)
            walk_elem(r, c, ppath, seen, depth);
        else if (c->type != XML_TEXT_NODE)
            fail(r, QC_CK_LIBVIRT_UNKNOWN, parent,
                 "<%s> holds a node qvm-xl does not read "
                 "(CDATA, an entity or a processing instruction)",
                 (const char *)parent->name);
        else if (!(pe && pe->text) && !blank(c->content))
            fail(r, QC_CK_LIBVIRT_UNKNOWN, parent, "<%s> holds text, which is not read",
                 (const char *)parent->name);
    }
}

/* ---- the document ---- */

/* The guest type from <os><type> (and machine=, as libvirt < 7 spelt PVH). */
static bool guest_type(struct rd *r, xmlNode *root)
{
    for (xmlNode *os = root->children; os; os = os->next) {
        if (os->type != XML_ELEMENT_NODE || strcmp((const char *)os->name, "os"))
            continue;
        for (xmlNode *t = os->children; t; t = t->next) {
            const char *machine, *s;

            if (t->type != XML_ELEMENT_NODE || strcmp((const char *)t->name, "type"))
                continue;
            machine = attr(t, "machine");
            s = text(t);
            for (size_t i = 0; i < LVXML_N(lvxml_ostypes); i++) {
                const struct lvxml_ostype *o = &lvxml_ostypes[i];

                if (!strcmp(s, o->text) && (!machine || !strcmp(machine, o->machine))) {
                    xlate_config_init_type(r->dc, o->type);
                    return true;
                }
            }
            if (!strcmp(s, "xen") && machine && !strcmp(machine, "xenpvh")) {
                xlate_config_init_type(r->dc, LIBXL_DOMAIN_TYPE_PVH);
                return true;
            }
            fail(r, QC_CK_LIBVIRT_VALUE, t,
                 "<type machine='%s'>%s</type> is no Xen guest type (xen/xenpv, xenpvh/xenpvh, "
                 "hvm/xenfv)",
                 machine ? machine : "", s);
            return false;
        }
    }
    fail(r, QC_CK_LIBVIRT_VALUE, root, "<domain> needs <os><type>");
    return false;
}

/* What libvirt's libxl driver sets whatever the XML says, and the checks across elements. */
static void finish(struct rd *r, xmlNode *root)
{
    if (!r->dc->c_info.name)
        fail(r, QC_CK_LIBVIRT_VALUE, root, "<domain> needs <name>");
    if (r->b->max_memkb == LIBXL_MEMKB_DEFAULT)
        fail(r, QC_CK_LIBVIRT_VALUE, root, "<domain> needs <memory>");
    else if (!r->current_memory)
        r->b->target_memkb = r->b->max_memkb;
    if (r->pin && r->max_pin >= (r->b->max_vcpus ? r->b->max_vcpus : 1))
        fail(r, QC_CK_LIBVIRT_VALUE, r->pin, "<vcpupin vcpu='%d'> names no vCPU of <vcpu>",
             r->max_pin);
    /* libvirt does a soft reset itself (libxlDomainShutdownHandleSoftReset): xl's default. */
    r->dc->on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;
    if (r->dc->c_info.type != LIBXL_DOMAIN_TYPE_HVM)
        return;
    if (!r->video) { /* libvirt's libxlMakeVideo */
        r->b->u.hvm.vga.kind = LIBXL_VGA_INTERFACE_TYPE_NONE;
        libxl_defbool_set(&r->b->u.hvm.nographic, true);
    }
    /* What libvirt sets; left at libxl's default where it is that (the same meaning). */
    for (size_t i = 0; i < LVXML_N(lvxml_implied); i++)
        if (r->implied[i] != lvxml_implied[i].libxl_default)
            libxl_defbool_set(lvxml_implied_field(r->b, i), r->implied[i]);
}

/* libxml2's first error as a diagnostic at its line and column. */
static void syntax_error(struct rd *r, xmlParserCtxt *ctxt)
{
    const xmlError *e = xmlCtxtGetLastError(ctxt);
    struct qc_loc loc = {.file = r->name,
                         .line = e && e->line > 0 ? (uint32_t)e->line : 1,
                         .col = e && e->int2 > 0 ? (uint32_t)e->int2 : 1};
    size_t len = e && e->message ? strcspn(e->message, "\n") : 0;

    qc_diag(r->d, QC_CK_LIBVIRT_SYNTAX, loc, "not well-formed XML: %.*s", (int)len,
            e && e->message ? e->message : "libxml2 gave no reason");
    r->rc = XLCFG_ERR_INVAL;
}

static void read_root(struct rd *r, xmlDoc *doc)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    const char *type;

    if (doc->intSubset || doc->extSubset) {
        fail(r, QC_CK_LIBVIRT_SYNTAX, root, "a DTD is not read (libvirt's domain XML has none)");
        return;
    }
    if (!root || root->ns || strcmp((const char *)root->name, "domain")) {
        fail(r, QC_CK_LIBVIRT_UNKNOWN, root, "the root element is not <domain>");
        return;
    }
    type = attr(root, "type");
    for (xmlAttr *a = root->properties; a; a = a->next)
        if (strcmp((const char *)a->name, "type"))
            fail(r, QC_CK_LIBVIRT_UNKNOWN, root, "<domain %s=> is not read by qvm-xl",
                 (const char *)a->name);
    if (!type || strcmp(type, "xen"))
        fail(r, QC_CK_LIBVIRT_VALUE, root,
             "<domain type='%s'>: libvirt's libxl driver takes "
             "type='xen'",
             type ? type : "");
    if (r->rc || !guest_type(r, root))
        return;
    walk(r, root, "", NULL, 1);
    if (r->rc != XLCFG_ERR_NOMEM)
        finish(r, root);
}

bool lvxml_is_xml(const char *data, size_t len)
{
    size_t i = 0;

    while (i < len && data[i] && strchr(" \t\r\n", data[i]))
        i++;
    return i < len && data[i] == '<';
}

int lvxml_read(const char *name, const char *data, size_t len, libxl_domain_config *dc,
               char arch_r[16], struct qc_diags *d, struct xlcfg_keymap *keys_r)
{
    struct rd r = {.name = name,
                   .data = data,
                   .len = len,
                   .dc = dc,
                   .b = &dc->b_info,
                   .d = d,
                   .keys = keys_r,
                   .arch = arch_r,
                   .max_pin = -1};
    xmlParserCtxt *ctxt;
    xmlDoc *doc = NULL;

    if (arch_r)
        arch_r[0] = '\0';
    if (len > LVXML_MAX_SIZE || memchr(data, '\0', len)) {
        qc_diag(d, QC_CK_LIBVIRT_SYNTAX, (struct qc_loc){.file = name, .line = 1, .col = 1},
                len > LVXML_MAX_SIZE ? "larger than 1 MiB: not a domain XML"
                                     : "a NUL byte: not XML text");
        return XLCFG_ERR_INVAL;
    }
    xmlInitParser();
    ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return XLCFG_ERR_NOMEM;
    /* No network, no entity substitution, no messages on stderr: errors become diagnostics. */
    doc = xmlCtxtReadMemory(ctxt, data, (int)len, name, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
    if (!doc)
        syntax_error(&r, ctxt);
    else
        read_root(&r, doc);
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    free(r.lines);
    return r.rc;
}
