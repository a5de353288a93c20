/* libxl_domain_config -> xl.cfg text that Xen 4.17's xl parses back to the same config. */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "xlate.h"

/*
 * How "never drop a field" is enforced: the emitter works on a shallow copy
 * (rest) of the caller's config; every field written to the text is reset in
 * rest to its libxl default (CONSUME). Whatever libxl's own JSON generator
 * still prints for rest at the end is a field xl.cfg cannot express, and its
 * JSON names it. Device arrays are checked the same way, element by element.
 * rest only borrows pointers from the caller's config: it is never disposed.
 */
struct emit {
    FILE *f; /* text buffer; copied to the caller's stream only on success */
    const libxl_domain_config *d;
    libxl_domain_config rest;
    libxl_domain_config blank; /* libxl defaults for the same domain type */
    char *why;                 /* first reason for XLATE_ERR_UNSUPPORTED */
};

#define CONSUME(st, field) ((st)->rest.field = (st)->blank.field)

static int unsupported(struct emit *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int unsupported(struct emit *st, const char *fmt, ...)
{
    va_list ap;

    if (!st->why) {
        va_start(ap, fmt);
        if (vasprintf(&st->why, fmt, ap) < 0)
            st->why = NULL;
        va_end(ap);
    }
    return XLATE_ERR_UNSUPPORTED;
}

/* A libxlutil string literal: "..." with C escapes (libxlu_cfg.c dequote). */
static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7f)
            fprintf(f, "\\x%02x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void put_key_str(FILE *f, const char *key, const char *val)
{
    fprintf(f, "%s=", key);
    put_str(f, val);
    fputc('\n', f);
}

/*
 * Compact libxl JSON and drop empty objects ("k":{}), so the residual of a
 * fully expressed config is "{}". libxl's keys never contain quotes.
 */
static char *json_residual(char *json)
{
    char *out, *p, *q;
    bool in_str = false;

    if (!json)
        return NULL;
    out = json;
    for (p = q = json; *p; p++) {
        if (in_str) {
            *q++ = *p;
            if (*p == '\\' && p[1])
                *q++ = *++p;
            else if (*p == '"')
                in_str = false;
        } else if (*p == '"') {
            in_str = true;
            *q++ = *p;
        } else if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') {
            *q++ = *p;
        }
    }
    *q = '\0';
    while ((p = strstr(out, "\":{}"))) {
        char *start = p - 1;
        char *end = p + 4;

        while (start > out && *start != '"')
            start--;
        if (start > out && start[-1] == ',')
            start--;
        else if (*end == ',')
            end++;
        memmove(start, end, strlen(end) + 1);
    }
    return out;
}

/* Check a device element's leftovers; @json is freed. */
static int check_residual(struct emit *st, const char *what, int idx, char *json)
{
    int rc = 0;

    if (!json)
        return XLATE_ERR_NOMEM;
    json_residual(json);
    if (strcmp(json, "{}"))
        rc = idx < 0 ? unsupported(st, "%s: %s", what, json)
                     : unsupported(st, "%s[%d]: %s", what, idx, json);
    free(json);
    return rc;
}

/* ---- scalar keys, declared once: xl key, libxl field, kind, domain types ---- */

enum kind { K_STRING, K_DEFBOOL, K_INT_DEFAULT, K_ENUM };

#define T_PV       (1u << LIBXL_DOMAIN_TYPE_PV)
#define T_PVH      (1u << LIBXL_DOMAIN_TYPE_PVH)
#define T_HVM      (1u << LIBXL_DOMAIN_TYPE_HVM)
#define T_ALL      (T_PV | T_PVH | T_HVM)
#define F_ALWAYS   1u /* write even when at the libxl default: xl's default differs */

struct scalar_key {
    const char *key;
    size_t off, size;
    enum kind kind;
    unsigned types; /* union members (b_info.u.*) are only valid for their type */
    unsigned flags;
    const char *const *names; /* K_ENUM: xl.cfg spelling by value */
    int nnames;
};

#define FIELD(path) offsetof(libxl_domain_config, path), sizeof(((libxl_domain_config *)0)->path)
#define NAMES(a)    a, (int)(sizeof(a) / sizeof(a[0]))

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
const char *const xlate_xl_action_names[XLATE_XL_ACTION_COUNT] = {
    [LIBXL_ACTION_ON_SHUTDOWN_DESTROY] = "destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART] = "restart",
    [LIBXL_ACTION_ON_SHUTDOWN_RESTART_RENAME] = "rename-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_PRESERVE] = "preserve",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY] = "coredump-destroy",
    [LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_RESTART] = "coredump-restart",
    [LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET] = "soft-reset",
};

static const struct scalar_key scalar_keys[] = {
    {"pool", FIELD(c_info.pool_name), K_STRING, T_ALL},
    {"cpu_weight", FIELD(b_info.sched_params.weight), K_INT_DEFAULT, T_ALL},
    {"cap", FIELD(b_info.sched_params.cap), K_INT_DEFAULT, T_ALL},
    {"period", FIELD(b_info.sched_params.period), K_INT_DEFAULT, T_ALL},
    {"slice", FIELD(b_info.sched_params.slice), K_INT_DEFAULT, T_ALL},
    {"latency", FIELD(b_info.sched_params.latency), K_INT_DEFAULT, T_ALL},
    {"extratime", FIELD(b_info.sched_params.extratime), K_INT_DEFAULT, T_ALL},
    {"kernel", FIELD(b_info.kernel), K_STRING, T_ALL},
    {"ramdisk", FIELD(b_info.ramdisk), K_STRING, T_ALL},
    {"cmdline", FIELD(b_info.cmdline), K_STRING, T_ALL},
    {"device_tree", FIELD(b_info.device_tree), K_STRING, T_ALL},
    {"passthrough", FIELD(c_info.passthrough), K_ENUM, T_ALL, 0, NAMES(passthrough_names)},
    {"gic_version", FIELD(b_info.arch_arm.gic_version), K_ENUM, T_ALL, 0, NAMES(gic_names)},
    {"vuart", FIELD(b_info.arch_arm.vuart), K_ENUM, T_ALL, 0, NAMES(vuart_names)},
    {"e820_host", FIELD(b_info.u.pv.e820_host), K_DEFBOOL, T_PV},
    {"acpi", FIELD(b_info.acpi), K_DEFBOOL, T_ALL},
    {"apic", FIELD(b_info.apic), K_DEFBOOL, T_ALL},
    {"hpet", FIELD(b_info.u.hvm.hpet), K_DEFBOOL, T_HVM},
    {"serial", FIELD(b_info.u.hvm.serial), K_STRING, T_HVM},
    {"vga", FIELD(b_info.u.hvm.vga.kind), K_ENUM, T_HVM, 0, NAMES(vga_names)},
    {"vnc", FIELD(b_info.u.hvm.vnc.enable), K_DEFBOOL, T_HVM},
    {"sdl", FIELD(b_info.u.hvm.sdl.enable), K_DEFBOOL, T_HVM},
    {"boot", FIELD(b_info.u.hvm.boot), K_STRING, T_HVM},
    {"acpi_firmware", FIELD(b_info.u.hvm.acpi_firmware), K_STRING, T_HVM},
    {"device_model_version", FIELD(b_info.device_model_version), K_ENUM, T_HVM, 0,
     NAMES(dm_names)},
    {"device_model_override", FIELD(b_info.device_model), K_STRING, T_HVM},
};

static const struct scalar_key action_keys[] = {
    {"on_poweroff", FIELD(on_poweroff), K_ENUM, T_ALL, F_ALWAYS, NAMES(xlate_xl_action_names)},
    {"on_reboot", FIELD(on_reboot), K_ENUM, T_ALL, F_ALWAYS, NAMES(xlate_xl_action_names)},
    {"on_watchdog", FIELD(on_watchdog), K_ENUM, T_ALL, F_ALWAYS, NAMES(xlate_xl_action_names)},
    {"on_crash", FIELD(on_crash), K_ENUM, T_ALL, F_ALWAYS, NAMES(xlate_xl_action_names)},
    {"on_soft_reset", FIELD(on_soft_reset), K_ENUM, T_ALL, F_ALWAYS, NAMES(xlate_xl_action_names)},
};

static int emit_scalar(struct emit *st, const struct scalar_key *k)
{
    const char *val = (const char *)st->d + k->off;
    const char *def = (const char *)&st->blank + k->off;
    char *restp = (char *)&st->rest + k->off;
    bool is_default = !memcmp(val, def, k->size);

    if (!(k->types & (1u << st->d->b_info.type)))
        return 0; /* another type's union member: not this key's field */
    if (is_default && !(k->flags & F_ALWAYS))
        return 0;

    switch (k->kind) {
    case K_STRING: {
        const char *s = *(char *const *)val;

        put_key_str(st->f, k->key, s);
        break;
    }
    case K_DEFBOOL:
        fprintf(st->f, "%s=%d\n", k->key, libxl_defbool_val(*(const libxl_defbool *)val));
        break;
    case K_INT_DEFAULT:
        fprintf(st->f, "%s=%d\n", k->key, *(const int *)val);
        break;
    case K_ENUM: {
        int v = *(const int *)val;

        if (v < 0 || v >= k->nnames || !k->names[v])
            return unsupported(st, "%s: value %d has no xl.cfg spelling", k->key, v);
        put_key_str(st->f, k->key, k->names[v]);
        break;
    }
    }
    memcpy(restp, def, k->size);
    return 0;
}

static int emit_table(struct emit *st, const struct scalar_key *tbl, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = emit_scalar(st, &tbl[i]);

        if (rc)
            return rc;
    }
    return 0;
}

/* ---- keys with structure ---- */

static int emit_identity(struct emit *st)
{
    const libxl_domain_config *d = st->d;
    const char *type = libxl_domain_type_to_string(d->c_info.type);

    if (d->c_info.type != d->b_info.type || d->b_info.type == LIBXL_DOMAIN_TYPE_INVALID || !type)
        return unsupported(st, "c_info.type: must be pv, pvh or hvm and equal b_info.type");
    if (d->c_info.name)
        put_key_str(st->f, "name", d->c_info.name);
    put_key_str(st->f, "type", type);
    CONSUME(st, c_info.name);
    CONSUME(st, c_info.type);
    if (!libxl_uuid_is_nil(&d->c_info.uuid)) {
        fprintf(st->f, "uuid=\"" LIBXL_UUID_FMT "\"\n", LIBXL_UUID_BYTES(d->c_info.uuid));
        CONSUME(st, c_info.uuid);
    }
    return 0;
}

static int emit_memory(struct emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    if (b->target_memkb == st->blank.b_info.target_memkb &&
        b->max_memkb == st->blank.b_info.max_memkb)
        return 0;
    /* xl takes MiB, and sets maxmem = memory when maxmem= is absent. */
    if (b->target_memkb == LIBXL_MEMKB_DEFAULT || b->target_memkb % 1024)
        return unsupported(st, "b_info.target_memkb: %llu is not a whole number of MiB",
                           (unsigned long long)b->target_memkb);
    if (b->max_memkb == LIBXL_MEMKB_DEFAULT || b->max_memkb % 1024)
        return unsupported(st, "b_info.max_memkb: %llu is not a whole number of MiB",
                           (unsigned long long)b->max_memkb);
    fprintf(st->f, "memory=%llu\n", (unsigned long long)(b->target_memkb / 1024));
    if (b->max_memkb != b->target_memkb)
        fprintf(st->f, "maxmem=%llu\n", (unsigned long long)(b->max_memkb / 1024));
    CONSUME(st, b_info.target_memkb);
    CONSUME(st, b_info.max_memkb);
    return 0;
}

static int emit_vcpus(struct emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    int online = 0;

    if (!b->max_vcpus && !b->avail_vcpus.size)
        return 0;
    /* xl's vcpus=N brings vCPUs 0..N-1 online; nothing else is expressible. */
    while (online < (int)b->avail_vcpus.size * 8 && libxl_bitmap_test(&b->avail_vcpus, online))
        online++;
    if (online == 0 || libxl_bitmap_count_set(&b->avail_vcpus) != online || b->max_vcpus < online)
        return unsupported(st, "b_info.avail_vcpus: must be vCPUs 0..N-1 with N <= max_vcpus");
    fprintf(st->f, "vcpus=%d\n", online);
    if (b->max_vcpus != online)
        fprintf(st->f, "maxvcpus=%d\n", b->max_vcpus);
    CONSUME(st, b_info.max_vcpus);
    CONSUME(st, b_info.avail_vcpus);
    return 0;
}

static int emit_affinity(struct emit *st, const char *key, int num, const libxl_bitmap *maps)
{
    if (!num)
        return 0;
    fprintf(st->f, "%s=[", key);
    for (int i = 0; i < num; i++) {
        char *s = xlate_bitmap_format(&maps[i]);

        if (!s)
            return XLATE_ERR_NOMEM;
        if (!*s) {
            free(s);
            return unsupported(st, "%s: vCPU %d has an empty affinity", key, i);
        }
        fprintf(st->f, "%s\"%s\"", i ? ", " : "", s);
        free(s);
    }
    fputs("]\n", st->f);
    return 0;
}

static int emit_cpus(struct emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    int rc;

    rc = emit_affinity(st, "cpus", b->num_vcpu_hard_affinity, b->vcpu_hard_affinity);
    if (rc)
        return rc;
    rc = emit_affinity(st, "cpus_soft", b->num_vcpu_soft_affinity, b->vcpu_soft_affinity);
    if (rc)
        return rc;
    CONSUME(st, b_info.num_vcpu_hard_affinity);
    CONSUME(st, b_info.vcpu_hard_affinity);
    CONSUME(st, b_info.num_vcpu_soft_affinity);
    CONSUME(st, b_info.vcpu_soft_affinity);
    /* xl turns NUMA placement off whenever cpus= is given, and has no key for it. */
    if (libxl_defbool_is_default(b->numa_placement) ||
        (b->num_vcpu_hard_affinity && !libxl_defbool_val(b->numa_placement)))
        CONSUME(st, b_info.numa_placement);
    return 0;
}

static int emit_ranges(struct emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    FILE *f = st->f;

    libxl_iomem_range dflt;

    libxl_iomem_range_init(&dflt);
    if (b->num_iomem) {
        fputs("iomem=[", f);
        for (int i = 0; i < b->num_iomem; i++) {
            const libxl_iomem_range *r = &b->iomem[i];

            fprintf(f, "%s\"%llx,%llx", i ? ", " : "", (unsigned long long)r->start,
                    (unsigned long long)r->number);
            if (r->gfn != dflt.gfn)
                fprintf(f, "@%llx", (unsigned long long)r->gfn);
            fputc('"', f);
        }
        fputs("]\n", f);
    }
    if (b->num_ioports) {
        fputs("ioports=[", f);
        for (int i = 0; i < b->num_ioports; i++) {
            const libxl_ioport_range *r = &b->ioports[i];

            if (!r->number || r->first + (uint64_t)r->number - 1 > UINT32_MAX)
                return unsupported(st, "b_info.ioports[%d]: empty or wrapping range", i);
            fprintf(f, "%s\"%x-%x\"", i ? ", " : "", r->first, r->first + r->number - 1);
        }
        fputs("]\n", f);
    }
    if (b->num_irqs) {
        fputs("irqs=[", f);
        for (int i = 0; i < b->num_irqs; i++)
            fprintf(f, "%s%u", i ? ", " : "", b->irqs[i]);
        fputs("]\n", f);
    }
    CONSUME(st, b_info.num_iomem);
    CONSUME(st, b_info.iomem);
    CONSUME(st, b_info.num_ioports);
    CONSUME(st, b_info.ioports);
    CONSUME(st, b_info.num_irqs);
    CONSUME(st, b_info.irqs);
    return 0;
}

static int emit_string_list(struct emit *st, const char *key, char *const *sl)
{
    if (!sl || !sl[0])
        return 0;
    fprintf(st->f, "%s=[", key);
    for (int i = 0; sl[i]; i++) {
        fputs(i ? ", " : "", st->f);
        put_str(st->f, sl[i]);
    }
    fputs("]\n", st->f);
    return 0;
}

static int emit_hvm_lists(struct emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    if (b->type != LIBXL_DOMAIN_TYPE_HVM)
        return 0;
    /* serial= is either one string (u.hvm.serial) or a list (serial_list). */
    if (b->u.hvm.serial && b->u.hvm.serial_list && b->u.hvm.serial_list[0])
        return unsupported(st, "b_info.u.hvm.serial_list: xl takes serial or serial_list, not both");
    emit_string_list(st, "serial", b->u.hvm.serial_list);
    CONSUME(st, b_info.u.hvm.serial_list);
    return 0;
}

static int emit_dtdevs(struct emit *st)
{
    const libxl_domain_config *d = st->d;

    if (d->num_dtdevs) {
        fputs("dtdev=[", st->f);
        for (int i = 0; i < d->num_dtdevs; i++) {
            if (!d->dtdevs[i].path)
                return unsupported(st, "dtdevs[%d].path: missing", i);
            fputs(i ? ", " : "", st->f);
            put_str(st->f, d->dtdevs[i].path);
        }
        fputs("]\n", st->f);
    }
    CONSUME(st, num_dtdevs);
    CONSUME(st, dtdevs);
    return 0;
}

/* A value inside a comma-separated device spec: no separators, no edge blanks. */
static bool spec_value_ok(const char *s)
{
    size_t n = strlen(s);

    return n && !strpbrk(s, ",=\"\\\n") && s[0] != ' ' && s[n - 1] != ' ';
}

#define SPEC_STR(st, spec, name, field, what, i, key)                                              \
    do {                                                                                           \
        if ((spec)->field) {                                                                       \
            if (!spec_value_ok((spec)->field))                                                     \
                return unsupported(st, what "[%d]." #field ": not expressible in a spec", i);     \
            fprintf(st->f, "%s" key "=%s", *(name) ? "," : "", (spec)->field);                     \
            *(name) = 1;                                                                           \
        }                                                                                          \
    } while (0)

static int emit_disk(struct emit *st, int i, FILE *f)
{
    const libxl_device_disk *disk = &st->d->disks[i];
    libxl_device_disk r = *disk, blank;
    int any = 0, rc;

    libxl_device_disk_init(&blank);
    if (!disk->vdev)
        return unsupported(st, "disks[%d].vdev: missing", i);
    SPEC_STR(st, disk, &any, vdev, "disks", i, "vdev");
    if (disk->format != blank.format) {
        fprintf(f, ",format=%s", libxl_disk_format_to_string(disk->format));
        r.format = blank.format;
    }
    fprintf(f, ",access=%s", disk->readwrite ? "rw" : "ro");
    if (disk->is_cdrom) {
        fputs(",devtype=cdrom", f);
        r.is_cdrom = blank.is_cdrom;
        if (disk->removable == 1)
            r.removable = blank.removable;
    }
    if (disk->backend != blank.backend) {
        fprintf(f, ",backendtype=%s", libxl_disk_backend_to_string(disk->backend));
        r.backend = blank.backend;
    }
    SPEC_STR(st, disk, &any, backend_domname, "disks", i, "backend");
    SPEC_STR(st, disk, &any, script, "disks", i, "script");
    if (disk->direct_io_safe)
        fputs(",direct-io-safe", f);
    if (!libxl_defbool_is_default(disk->discard_enable))
        fputs(libxl_defbool_val(disk->discard_enable) ? ",discard" : ",no-discard", f);
    if (disk->specification != blank.specification) {
        fprintf(f, ",specification=%s",
                libxl_disk_specification_to_string(disk->specification));
        r.specification = blank.specification;
    }
    if (disk->transport != blank.transport) {
        fprintf(f, ",transport=%s", libxl_disk_transport_to_string(disk->transport));
        r.transport = blank.transport;
    }
    /* target= swallows the rest of the spec, commas included: it must come last. */
    if (disk->pdev_path)
        fprintf(f, ",target=%s", disk->pdev_path);
    r.vdev = blank.vdev;
    r.readwrite = blank.readwrite;
    r.backend_domname = blank.backend_domname;
    r.script = blank.script;
    r.direct_io_safe = blank.direct_io_safe;
    r.discard_enable = blank.discard_enable;
    r.pdev_path = blank.pdev_path;
    rc = check_residual(st, "disks", i, libxl_device_disk_to_json(NULL, &r));
    libxl_device_disk_dispose(&blank);
    return rc;
}

static int emit_nic(struct emit *st, int i, FILE *f)
{
    const libxl_device_nic *nic = &st->d->nics[i];
    libxl_device_nic r = *nic, blank;
    static const libxl_mac zero_mac;
    int any = 0, rc;

    libxl_device_nic_init(&blank);
    if (nic->devid != i) {
        fprintf(f, "devid=%d", nic->devid);
        any = 1;
    }
    r.devid = blank.devid;
    if (memcmp(nic->mac, zero_mac, sizeof(zero_mac))) {
        fprintf(f, "%smac=" LIBXL_MAC_FMT, any ? "," : "", LIBXL_MAC_BYTES(nic->mac));
        memcpy(r.mac, blank.mac, sizeof(r.mac));
        any = 1;
    }
    SPEC_STR(st, nic, &any, bridge, "nics", i, "bridge");
    SPEC_STR(st, nic, &any, ip, "nics", i, "ip");
    SPEC_STR(st, nic, &any, script, "nics", i, "script");
    SPEC_STR(st, nic, &any, model, "nics", i, "model");
    SPEC_STR(st, nic, &any, ifname, "nics", i, "vifname");
    SPEC_STR(st, nic, &any, backend_domname, "nics", i, "backend");
    SPEC_STR(st, nic, &any, gatewaydev, "nics", i, "gatewaydev");
    if (nic->mtu != blank.mtu) {
        fprintf(f, "%smtu=%d", any ? "," : "", nic->mtu);
        any = 1;
    }
    if (nic->nictype != blank.nictype) {
        fprintf(f, "%stype=%s", any ? "," : "",
                nic->nictype == LIBXL_NIC_TYPE_VIF_IOEMU ? "ioemu" : "vif");
        any = 1;
    }
    r.bridge = r.ip = r.script = r.model = r.ifname = r.backend_domname = r.gatewaydev = NULL;
    r.mtu = blank.mtu;
    r.nictype = blank.nictype;
    rc = check_residual(st, "nics", i, libxl_device_nic_to_json(NULL, &r));
    libxl_device_nic_dispose(&blank);
    return rc;
}

static int emit_pci(struct emit *st, int i, FILE *f)
{
    const libxl_device_pci *pci = &st->d->pcidevs[i];
    libxl_device_pci r = *pci, blank;
    int rc;

    libxl_device_pci_init(&blank);
    /* Xen 4.17's xl sets vfunc_mask to 1 for a single-function spec
     * whatever the function number, and gives each device the domain's RDM
     * policy (b_info.u.hvm.rdm.policy, which reads as strict for PV) unless
     * the spec names one (all checked against the real xl). */
    libxl_rdm_reserve_policy xl_default = st->d->c_info.type == LIBXL_DOMAIN_TYPE_HVM
                                              ? st->d->b_info.u.hvm.rdm.policy
                                              : LIBXL_RDM_RESERVE_POLICY_STRICT;
    if (pci->vfunc_mask != 1)
        return unsupported(st, "pcidevs[%d].vfunc_mask: xl sets 1 for one function", i);
    fprintf(f, "%04x:%02x:%02x.%x", (unsigned)pci->domain, pci->bus, pci->dev, pci->func);
    if (pci->rdm_policy != xl_default) {
        if (pci->rdm_policy == LIBXL_RDM_RESERVE_POLICY_STRICT)
            fputs(",rdm_policy=strict", f);
        else if (pci->rdm_policy == LIBXL_RDM_RESERVE_POLICY_RELAXED)
            fputs(",rdm_policy=relaxed", f);
        else
            return unsupported(st, "pcidevs[%d].rdm_policy: xl always sets one for PV", i);
    }
    if (pci->permissive)
        fputs(",permissive=1", f);
    if (pci->msitranslate)
        fputs(",msitranslate=1", f);
    if (pci->power_mgmt)
        fputs(",power_mgmt=1", f);
    if (pci->seize)
        fputs(",seize=1", f);
    r.domain = blank.domain;
    r.bus = blank.bus;
    r.dev = blank.dev;
    r.func = blank.func;
    r.vfunc_mask = blank.vfunc_mask;
    r.rdm_policy = blank.rdm_policy;
    r.permissive = r.msitranslate = r.power_mgmt = r.seize = false;
    rc = check_residual(st, "pcidevs", i, libxl_device_pci_to_json(NULL, &r));
    libxl_device_pci_dispose(&blank);
    return rc;
}

static int emit_channel(struct emit *st, int i, FILE *f)
{
    const libxl_device_channel *ch = &st->d->channels[i];
    libxl_device_channel r = *ch, blank;
    int any = 0, rc;

    libxl_device_channel_init(&blank);
    if (ch->devid != i)
        return unsupported(st, "channels[%d].devid: xl numbers channels by position", i);
    r.devid = blank.devid;
    SPEC_STR(st, ch, &any, name, "channels", i, "name");
    SPEC_STR(st, ch, &any, backend_domname, "channels", i, "backend");
    switch (ch->connection) {
    case LIBXL_CHANNEL_CONNECTION_PTY:
        fprintf(f, "%sconnection=pty", any ? "," : "");
        break;
    case LIBXL_CHANNEL_CONNECTION_SOCKET:
        fprintf(f, "%sconnection=socket", any ? "," : "");
        if (ch->u.socket.path) {
            if (!spec_value_ok(ch->u.socket.path))
                return unsupported(st, "channels[%d].u.socket.path: not expressible", i);
            fprintf(f, ",path=%s", ch->u.socket.path);
        }
        break;
    default:
        return unsupported(st, "channels[%d].connection: must be pty or socket", i);
    }
    r.name = r.backend_domname = NULL;
    /* A keyed union: compare with a blank of the same connection kind. */
    libxl_device_channel_dispose(&blank);
    libxl_device_channel_init(&blank);
    blank.connection = r.connection;
    if (r.connection == LIBXL_CHANNEL_CONNECTION_SOCKET)
        r.u.socket.path = NULL;
    {
        char *have = libxl_device_channel_to_json(NULL, &r);
        char *want = libxl_device_channel_to_json(NULL, &blank);

        rc = XLATE_ERR_NOMEM;
        if (have && want) {
            json_residual(have);
            json_residual(want);
            rc = strcmp(have, want) ? unsupported(st, "channels[%d]: %s", i, have) : 0;
        }
        free(have);
        free(want);
    }
    return rc;
}

/* X(xl key, array, count, element emitter) */
#define DEVICE_LISTS(X)                                                                            \
    X("disk", disks, num_disks, emit_disk)                                                         \
    X("vif", nics, num_nics, emit_nic)                                                             \
    X("pci", pcidevs, num_pcidevs, emit_pci)                                                       \
    X("channel", channels, num_channels, emit_channel)

/* Each element is built in its own buffer so it can be quoted as one string. */
static int emit_device_list(struct emit *st, const char *key, int num,
                            int (*one)(struct emit *, int, FILE *))
{
    int rc = 0;

    if (!num)
        return 0;
    fprintf(st->f, "%s=[", key);
    for (int i = 0; i < num && !rc; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        FILE *saved = st->f;

        if (!f)
            return XLATE_ERR_NOMEM;
        st->f = f; /* SPEC_STR writes to st->f */
        rc = one(st, i, f);
        st->f = saved;
        if (fclose(f) && !rc)
            rc = XLATE_ERR_NOMEM;
        if (!rc) {
            fputs(i ? ", " : "", st->f);
            put_str(st->f, buf);
        }
        free(buf);
    }
    fputs("]\n", st->f);
    return rc;
}

static int emit_devices(struct emit *st)
{
    int rc;

    if (st->d->b_info.type == LIBXL_DOMAIN_TYPE_PV && st->d->num_pcidevs &&
        !libxl_defbool_is_default(st->d->b_info.u.pv.e820_host) &&
        !libxl_defbool_val(st->d->b_info.u.pv.e820_host))
        return unsupported(st, "b_info.u.pv.e820_host: xl forces it on for PV with pci=");
#define EMIT_LIST(key, array, count, fn)                                                           \
    rc = emit_device_list(st, key, st->d->count, fn);                                              \
    if (rc)                                                                                        \
        return rc;                                                                                 \
    CONSUME(st, count);                                                                            \
    CONSUME(st, array);
    DEVICE_LISTS(EMIT_LIST)
#undef EMIT_LIST
    return 0;
}

static int emit_scalars(struct emit *st)
{
    return emit_table(st, scalar_keys, sizeof(scalar_keys) / sizeof(scalar_keys[0]));
}

static int emit_actions(struct emit *st)
{
    return emit_table(st, action_keys, sizeof(action_keys) / sizeof(action_keys[0]));
}

/* Output order = this table's order. */
static int (*const steps[])(struct emit *) = {
    emit_identity, emit_memory, emit_vcpus,  emit_cpus,    emit_scalars,
    emit_ranges,   emit_hvm_lists, emit_dtdevs, emit_devices, emit_actions,
};

int xlate_emit_xlcfg(FILE *out, const libxl_domain_config *d, char **unsupported_r)
{
    struct emit st = {.d = d, .rest = *d};
    char *buf = NULL;
    size_t len = 0;
    int rc;

    if (unsupported_r)
        *unsupported_r = NULL;
    libxl_domain_config_init(&st.blank);
    if (d->b_info.type != LIBXL_DOMAIN_TYPE_INVALID)
        libxl_domain_build_info_init_type(&st.blank.b_info, d->b_info.type);
    st.f = open_memstream(&buf, &len);
    if (!st.f) {
        rc = XLATE_ERR_NOMEM;
        goto out;
    }
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        rc = steps[i](&st);
        if (rc)
            goto out;
    }
    rc = check_residual(&st, "unexpressed fields", -1,
                        libxl_domain_config_to_json(NULL, &st.rest));
    if (rc)
        goto out;
    if (fclose(st.f)) {
        st.f = NULL;
        rc = XLATE_ERR_NOMEM;
        goto out;
    }
    st.f = NULL;
    if (fwrite(buf, 1, len, out) != len)
        rc = XLATE_ERR_IO;

out:
    if (st.f)
        fclose(st.f);
    free(buf);
    if (rc == XLATE_ERR_UNSUPPORTED && unsupported_r)
        *unsupported_r = st.why;
    else
        free(st.why);
    libxl_domain_config_dispose(&st.blank);
    return rc;
}
