/* SPDX-License-Identifier: LGPL-2.1-only */
/* libxl_domain_config -> xl.cfg text that Xen 4.17's xl parses back to the same config,
 * key by key in the order of keys.def. */
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg/keys-internal.h"
#include "xlcfg/libxl-util.h"

#define CONSUME(st, field) ((st)->rest.field = (st)->blank.field)

static int unsupported(struct xlcfg_emit *st, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int unsupported(struct xlcfg_emit *st, const char *fmt, ...)
{
    va_list ap;

    if (!st->why) {
        va_start(ap, fmt);
        if (vasprintf(&st->why, fmt, ap) < 0)
            st->why = NULL;
        va_end(ap);
    }
    return XLCFG_ERR_UNSUPPORTED;
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

/* Check a device element's leftovers; @json is freed. */
static int check_residual(struct xlcfg_emit *st, const char *what, int idx, char *json)
{
    int rc = 0;

    if (!json)
        return XLCFG_ERR_NOMEM;
    xlcfg_json_residual(json);
    if (strcmp(json, "{}"))
        rc = idx < 0 ? unsupported(st, "%s: %s", what, json)
                     : unsupported(st, "%s[%d]: %s", what, idx, json);
    free(json);
    return rc;
}

/* ---- keys of a generic kind: the field the row names ---- */

int xlcfg_write_generic(struct xlcfg_emit *st, const struct xlcfg_key *k)
{
    const char *val = (const char *)st->d + k->off;
    const char *def = (const char *)&st->blank + k->off;
    char *restp = (char *)&st->rest + k->off;
    bool is_default = !memcmp(val, def, k->size);

    if (!(k->types & (1u << st->d->b_info.type)))
        return 0; /* another type's union member: not this key's field */
    /* xl's default action differs from libxl's: actions are always written */
    if (is_default && k->kind != XLCFG_ACTION)
        return 0;

    switch (k->kind) {
    case XLCFG_STRING:
        put_key_str(st->f, k->key, *(char *const *)val);
        break;
    case XLCFG_DEFBOOL:
        fprintf(st->f, "%s=%d\n", k->key, libxl_defbool_val(*(const libxl_defbool *)val));
        break;
    case XLCFG_INT:
        fprintf(st->f, "%s=%d\n", k->key, *(const int *)val);
        break;
    case XLCFG_ENUM:
    case XLCFG_ACTION: {
        int v = *(const int *)val;

        if (v < 0 || v >= k->nnames || !k->names[v])
            return unsupported(st, "%s: value %d has no xl.cfg spelling", k->key, v);
        put_key_str(st->f, k->key, k->names[v]);
        break;
    }
    default:
        return 0;
    }
    memcpy(restp, def, k->size);
    return 0;
}

/* ---- keys with structure ---- */

int w_identity(struct xlcfg_emit *st)
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

int w_memory(struct xlcfg_emit *st)
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

int w_vcpus(struct xlcfg_emit *st)
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

static int emit_affinity(struct xlcfg_emit *st, const char *key, int num, const libxl_bitmap *maps)
{
    if (!num)
        return 0;
    fprintf(st->f, "%s=[", key);
    for (int i = 0; i < num; i++) {
        char *s = xlate_bitmap_format(&maps[i]);

        if (!s)
            return XLCFG_ERR_NOMEM;
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

int w_cpus(struct xlcfg_emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    int rc = emit_affinity(st, "cpus", b->num_vcpu_hard_affinity, b->vcpu_hard_affinity);

    if (rc)
        return rc;
    CONSUME(st, b_info.num_vcpu_hard_affinity);
    CONSUME(st, b_info.vcpu_hard_affinity);
    /* xl turns NUMA placement off whenever cpus= is given, and has no key for it. */
    if (libxl_defbool_is_default(b->numa_placement) ||
        (b->num_vcpu_hard_affinity && !libxl_defbool_val(b->numa_placement)))
        CONSUME(st, b_info.numa_placement);
    return 0;
}

int w_cpus_soft(struct xlcfg_emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    int rc = emit_affinity(st, "cpus_soft", b->num_vcpu_soft_affinity, b->vcpu_soft_affinity);

    if (rc)
        return rc;
    CONSUME(st, b_info.num_vcpu_soft_affinity);
    CONSUME(st, b_info.vcpu_soft_affinity);
    return 0;
}

int w_iomem(struct xlcfg_emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;
    libxl_iomem_range dflt;

    libxl_iomem_range_init(&dflt);
    if (b->num_iomem) {
        fputs("iomem=[", st->f);
        for (int i = 0; i < b->num_iomem; i++) {
            const libxl_iomem_range *r = &b->iomem[i];

            fprintf(st->f, "%s\"%llx,%llx", i ? ", " : "", (unsigned long long)r->start,
                    (unsigned long long)r->number);
            if (r->gfn != dflt.gfn)
                fprintf(st->f, "@%llx", (unsigned long long)r->gfn);
            fputc('"', st->f);
        }
        fputs("]\n", st->f);
    }
    CONSUME(st, b_info.num_iomem);
    CONSUME(st, b_info.iomem);
    return 0;
}

int w_ioports(struct xlcfg_emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    if (b->num_ioports) {
        fputs("ioports=[", st->f);
        for (int i = 0; i < b->num_ioports; i++) {
            const libxl_ioport_range *r = &b->ioports[i];

            if (!r->number || r->first + (uint64_t)r->number - 1 > UINT32_MAX)
                return unsupported(st, "b_info.ioports[%d]: empty or wrapping range", i);
            fprintf(st->f, "%s\"%x-%x\"", i ? ", " : "", r->first, r->first + r->number - 1);
        }
        fputs("]\n", st->f);
    }
    CONSUME(st, b_info.num_ioports);
    CONSUME(st, b_info.ioports);
    return 0;
}

int w_irqs(struct xlcfg_emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    if (b->num_irqs) {
        fputs("irqs=[", st->f);
        for (int i = 0; i < b->num_irqs; i++)
            fprintf(st->f, "%s%u", i ? ", " : "", b->irqs[i]);
        fputs("]\n", st->f);
    }
    CONSUME(st, b_info.num_irqs);
    CONSUME(st, b_info.irqs);
    return 0;
}

static void emit_string_list(struct xlcfg_emit *st, const char *key, char *const *sl)
{
    if (!sl || !sl[0])
        return;
    fprintf(st->f, "%s=[", key);
    for (int i = 0; sl[i]; i++) {
        fputs(i ? ", " : "", st->f);
        put_str(st->f, sl[i]);
    }
    fputs("]\n", st->f);
}

/* serial= is either one string (u.hvm.serial) or a list (serial_list). */
int w_serial(struct xlcfg_emit *st)
{
    const libxl_domain_build_info *b = &st->d->b_info;

    if (b->type != LIBXL_DOMAIN_TYPE_HVM)
        return 0;
    if (b->u.hvm.serial && b->u.hvm.serial_list && b->u.hvm.serial_list[0])
        return unsupported(st,
                           "b_info.u.hvm.serial_list: xl takes serial or serial_list, not both");
    if (b->u.hvm.serial)
        put_key_str(st->f, "serial", b->u.hvm.serial);
    emit_string_list(st, "serial", b->u.hvm.serial_list);
    CONSUME(st, b_info.u.hvm.serial);
    CONSUME(st, b_info.u.hvm.serial_list);
    return 0;
}

int w_dm_args_hvm(struct xlcfg_emit *st)
{
    emit_string_list(st, "device_model_args_hvm", st->d->b_info.extra_hvm);
    CONSUME(st, b_info.extra_hvm);
    return 0;
}

int w_dtdevs(struct xlcfg_emit *st)
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
                return unsupported(st, what "[%d]." #field ": not expressible in a spec", i);      \
            fprintf(st->f, "%s" key "=%s", *(name) ? "," : "", (spec)->field);                     \
            *(name) = 1;                                                                           \
        }                                                                                          \
    } while (0)

static int emit_disk(struct xlcfg_emit *st, int i, FILE *f)
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
        fprintf(f, ",specification=%s", libxl_disk_specification_to_string(disk->specification));
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

static int emit_nic(struct xlcfg_emit *st, int i, FILE *f)
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

static int emit_pci(struct xlcfg_emit *st, int i, FILE *f)
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

static int emit_channel(struct xlcfg_emit *st, int i, FILE *f)
{
    const libxl_device_channel *ch = &st->d->channels[i];
    libxl_device_channel r = *ch, blank;
    int any = 0, rc;

    libxl_device_channel_init(&blank);
    /* xl numbers channels itself: unset (libxl's numbering) or, up to 4.18.4/4.19.1/4.20.0, by
     * position. */
    if (ch->devid != blank.devid && ch->devid != i)
        return unsupported(st, "channels[%d].devid: xl numbers channels itself", i);
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

        rc = XLCFG_ERR_NOMEM;
        if (have && want) {
            xlcfg_json_residual(have);
            xlcfg_json_residual(want);
            rc = strcmp(have, want) ? unsupported(st, "channels[%d]: %s", i, have) : 0;
        }
        free(have);
        free(want);
    }
    return rc;
}

/* Each element is built in its own buffer so it can be quoted as one string. */
static int emit_device_list(struct xlcfg_emit *st, const char *key, int num,
                            int (*one)(struct xlcfg_emit *, int, FILE *))
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
            return XLCFG_ERR_NOMEM;
        st->f = f; /* SPEC_STR writes to st->f */
        rc = one(st, i, f);
        st->f = saved;
        if (fclose(f) && !rc)
            rc = XLCFG_ERR_NOMEM;
        if (!rc) {
            fputs(i ? ", " : "", st->f);
            put_str(st->f, buf);
        }
        free(buf);
    }
    fputs("]\n", st->f);
    return rc;
}

#define DEVICE_LIST(key, array, count, one)                                                        \
    do {                                                                                           \
        int rc_ = emit_device_list(st, key, st->d->count, one);                                    \
                                                                                                   \
        if (rc_)                                                                                   \
            return rc_;                                                                            \
        CONSUME(st, count);                                                                        \
        CONSUME(st, array);                                                                        \
        return 0;                                                                                  \
    } while (0)

int w_disks(struct xlcfg_emit *st)
{
    if (st->d->b_info.type == LIBXL_DOMAIN_TYPE_PV && st->d->num_pcidevs &&
        !libxl_defbool_is_default(st->d->b_info.u.pv.e820_host) &&
        !libxl_defbool_val(st->d->b_info.u.pv.e820_host))
        return unsupported(st, "b_info.u.pv.e820_host: xl forces it on for PV with pci=");
    DEVICE_LIST("disk", disks, num_disks, emit_disk);
}

int w_nics(struct xlcfg_emit *st)
{
    DEVICE_LIST("vif", nics, num_nics, emit_nic);
}

int w_pcidevs(struct xlcfg_emit *st)
{
    DEVICE_LIST("pci", pcidevs, num_pcidevs, emit_pci);
}

int w_channels(struct xlcfg_emit *st)
{
    DEVICE_LIST("channel", channels, num_channels, emit_channel);
}

/* Every row of keys.def in order: its own writer, or its kind's. */
static int write_keys(struct xlcfg_emit *st)
{
    for (size_t i = 0; i < xlcfg_nkeys; i++) {
        const struct xlcfg_key *k = &xlcfg_keys[i];
        int rc;

        if (!(k->dir & XLCFG_W))
            continue;
        rc = xlcfg_key_fns[i].write ? xlcfg_key_fns[i].write(st) : xlcfg_write_generic(st, k);
        if (rc)
            return rc;
    }
    return 0;
}

int xlcfg_write(FILE *out, const libxl_domain_config *d, char **unsupported_r)
{
    struct xlcfg_emit st = {.d = d, .rest = *d};
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
        rc = XLCFG_ERR_NOMEM;
        goto out;
    }
    rc = write_keys(&st);
    if (rc)
        goto out;
    rc = check_residual(&st, "unexpressed fields", -1, libxl_domain_config_to_json(NULL, &st.rest));
    if (rc)
        goto out;
    if (fclose(st.f)) {
        st.f = NULL;
        rc = XLCFG_ERR_NOMEM;
        goto out;
    }
    st.f = NULL;
    if (fwrite(buf, 1, len, out) != len)
        rc = XLCFG_ERR_IO;

out:
    if (st.f)
        fclose(st.f);
    free(buf);
    if (rc == XLCFG_ERR_UNSUPPORTED && unsupported_r)
        *unsupported_r = st.why;
    else
        free(st.why);
    libxl_domain_config_dispose(&st.blank);
    return rc;
}
