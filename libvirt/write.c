/* SPDX-License-Identifier: LGPL-2.1-only */
/* libxl_domain_config -> libvirt domain XML for the libxl driver. Each section writes what
 * it can say; the round trip (lvxml_compare) finds what it could not. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt/lvxml-internal.h"
#include "xlcfg/libxl-util.h"

struct wr {
    FILE *f;
    const libxl_domain_config *dc;
    const libxl_domain_build_info *b;
    const char *arch;
    bool hvm;
};

/* @s as XML text or attribute value. Bytes XML 1.0 cannot carry are left out (the round
 * trip then reports the field). */
static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '\'')
            fputs("&apos;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c >= 0x20 || c == '\t' || c == '\n')
            fputc(c, f);
    }
}

/* <TAG>TEXT</TAG> at indentation @ind, when @text is set. */
static void text_elem(struct wr *w, int ind, const char *tag, const char *text)
{
    if (!text)
        return;
    fprintf(w->f, "%*s<%s>", ind, "", tag);
    esc(w->f, text);
    fprintf(w->f, "</%s>\n", tag);
}

/* TAG='VALUE' with a leading space, when @value is set. */
static void attr(struct wr *w, const char *name, const char *value)
{
    if (!value)
        return;
    fprintf(w->f, " %s='", name);
    esc(w->f, value);
    fputc('\'', w->f);
}

static void w_name(struct wr *w)
{
    char uuid[LIBXL_UUID_FMTLEN + 1];

    text_elem(w, 2, "name", w->dc->c_info.name);
    if (libxl_uuid_is_nil(&w->dc->c_info.uuid))
        return;
    snprintf(uuid, sizeof(uuid), LIBXL_UUID_FMT, LIBXL_UUID_BYTES(w->dc->c_info.uuid));
    text_elem(w, 2, "uuid", uuid);
}

static void w_memory(struct wr *w)
{
    if (w->b->max_memkb != LIBXL_MEMKB_DEFAULT)
        fprintf(w->f, "  <memory unit='KiB'>%" PRIu64 "</memory>\n", w->b->max_memkb);
    if (w->b->target_memkb != LIBXL_MEMKB_DEFAULT)
        fprintf(w->f, "  <currentMemory unit='KiB'>%" PRIu64 "</currentMemory>\n",
                w->b->target_memkb);
}

/* How many vCPUs are online, when they are 0..N-1 (libvirt's current=); -1 otherwise. */
static int online_prefix(const libxl_bitmap *bm)
{
    int n = 0, nbits = (int)bm->size * 8;

    while (n < nbits && libxl_bitmap_test(bm, n))
        n++;
    for (int i = n; i < nbits; i++)
        if (libxl_bitmap_test(bm, i))
            return -1;
    return n;
}

static void w_vcpu(struct wr *w)
{
    int online = online_prefix(&w->b->avail_vcpus);

    if (!w->b->max_vcpus)
        return;
    fputs("  <vcpu placement='static'", w->f);
    if (online >= 0 && online != w->b->max_vcpus)
        fprintf(w->f, " current='%d'", online);
    fprintf(w->f, ">%d</vcpu>\n", w->b->max_vcpus);
}

/* Per-vCPU hard affinity; an empty map has no cpuset spelling (the round trip says so). */
static void w_cputune(struct wr *w)
{
    bool open = false;

    for (int i = 0; i < w->b->num_vcpu_hard_affinity; i++) {
        char *set = xlate_bitmap_format(&w->b->vcpu_hard_affinity[i]);

        if (set && *set) {
            if (!open)
                fputs("  <cputune>\n", w->f);
            open = true;
            fprintf(w->f, "    <vcpupin vcpu='%d' cpuset='%s'/>\n", i, set);
        }
        free(set);
    }
    if (open)
        fputs("  </cputune>\n", w->f);
}

static void w_os(struct wr *w)
{
    const struct lvxml_ostype *t = lvxml_ostype_of(w->dc->c_info.type);

    fputs("  <os>\n    <type", w->f);
    /* The schema knows x86 arches only for Xen guests; elsewhere libvirt takes the host's. */
    if (w->arch && (w->hvm || !strcmp(w->arch, "x86_64")))
        attr(w, "arch", w->arch);
    attr(w, "machine", t ? t->machine : NULL);
    fprintf(w->f, ">%s</type>\n", t ? t->text : "");
    text_elem(w, 4, "kernel", w->b->kernel);
    text_elem(w, 4, "initrd", w->b->ramdisk);
    text_elem(w, 4, "cmdline", w->b->cmdline);
    fputs("  </os>\n", w->f);
}

/* The implied HVM features, and hap when set. */
static void w_features(struct wr *w)
{
    if (!w->hvm)
        return;
    fputs("  <features>\n", w->f);
    for (size_t i = 0; i < LVXML_N(lvxml_implied); i++)
        if (!strncmp(lvxml_implied[i].path, "features/", 9) && lvxml_implied_value(w->b, i))
            fprintf(w->f, "    <%s/>\n", lvxml_implied[i].path + 9);
    if (!libxl_defbool_is_default(w->dc->c_info.hap))
        fprintf(w->f, "    <hap state='%s'/>\n",
                libxl_defbool_val(w->dc->c_info.hap) ? "on" : "off");
    fputs("  </features>\n", w->f);
}

static void w_clock(struct wr *w)
{
    bool local = !libxl_defbool_is_default(w->b->localtime) && libxl_defbool_val(w->b->localtime);
    bool hpet = w->hvm && !libxl_defbool_is_default(w->b->u.hvm.hpet) &&
                libxl_defbool_val(w->b->u.hvm.hpet);

    if (!local && !hpet)
        return;
    fprintf(w->f, "  <clock offset='%s'", local ? "localtime" : "utc");
    if (!hpet) {
        fputs("/>\n", w->f);
        return;
    }
    fputs(">\n    <timer name='hpet' present='yes'/>\n  </clock>\n", w->f);
}

static void w_action(struct wr *w, const char *tag, libxl_action_on_shutdown a, size_t n)
{
    text_elem(w, 2, tag, lvxml_name_of(lvxml_actions, n, (int)a));
}

static void w_actions(struct wr *w)
{
    /* coredump-* are for <on_crash> only: the first four rows elsewhere. */
    w_action(w, "on_poweroff", w->dc->on_poweroff, 4);
    w_action(w, "on_reboot", w->dc->on_reboot, 4);
    w_action(w, "on_crash", w->dc->on_crash, LVXML_N(lvxml_actions));
}

/* <target bus=> from the name's prefix, as libvirt's xenParseXLDisk does. */
static const char *disk_bus(const char *vdev)
{
    static const char *const bus[][2] = {{"xvd", "xen"}, {"hd", "ide"}, {"sd", "scsi"}};

    for (size_t i = 0; vdev && i < LVXML_N(bus); i++)
        if (!strncmp(vdev, bus[i][0], strlen(bus[i][0])))
            return bus[i][1];
    return NULL;
}

static void w_disk(struct wr *w, const libxl_device_disk *k)
{
    const char *name = lvxml_name_of(lvxml_disk_backends, LVXML_N(lvxml_disk_backends), k->backend);
    const char *type = lvxml_name_of(lvxml_disk_formats, LVXML_N(lvxml_disk_formats), k->format);

    fprintf(w->f, "    <disk type='file' device='%s'>\n", k->is_cdrom ? "cdrom" : "disk");
    if (name || type) {
        fputs("      <driver", w->f);
        attr(w, "name", name);
        attr(w, "type", type);
        fputs("/>\n", w->f);
    }
    if (k->pdev_path) {
        fputs("      <source", w->f);
        attr(w, "file", k->pdev_path);
        fputs("/>\n", w->f);
    }
    fputs("      <target", w->f);
    attr(w, "dev", k->vdev);
    attr(w, "bus", disk_bus(k->vdev));
    fputs("/>\n", w->f);
    if (!k->readwrite)
        fputs("      <readonly/>\n", w->f);
    fputs("    </disk>\n", w->f);
}

static void w_nic(struct wr *w, const libxl_device_nic *n)
{
    static const uint8_t zero[6];
    const char *model = n->nictype == LIBXL_NIC_TYPE_VIF ? "netfront" : n->model;

    fprintf(w->f, "    <interface type='%s'>\n", n->bridge ? "bridge" : "ethernet");
    if (memcmp(n->mac, zero, sizeof(zero)))
        fprintf(w->f, "      <mac address='" LIBXL_MAC_FMT "'/>\n", LIBXL_MAC_BYTES(n->mac));
    if (n->bridge) {
        fputs("      <source", w->f);
        attr(w, "bridge", n->bridge);
        fputs("/>\n", w->f);
    }
    if (n->script) {
        fputs("      <script", w->f);
        attr(w, "path", n->script);
        fputs("/>\n", w->f);
    }
    if (model) {
        fputs("      <model", w->f);
        attr(w, "type", model);
        fputs("/>\n", w->f);
    }
    fputs("    </interface>\n", w->f);
}

static void w_pci(struct wr *w, const libxl_device_pci *p)
{
    fprintf(w->f,
            "    <hostdev mode='subsystem' type='pci' managed='no'>\n      <source>\n"
            "        <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
            "      </source>\n    </hostdev>\n",
            p->domain, p->bus, p->dev, p->func);
}

/* Whether libxl's chardev @dev is spelt by row @c; *@path_r: its <source path=>. */
static bool chardev_match(const struct lvxml_chardev *c, const char *dev, const char **path_r)
{
    size_t plen = c->prefix ? strlen(c->prefix) : 0;

    *path_r = NULL;
    if (!c->path)
        return !strcmp(dev, c->type);
    if (strncmp(dev, c->prefix, plen) || !dev[plen] || (!plen && dev[0] != '/'))
        return false;
    *path_r = dev + plen;
    return true;
}

/* One HVM serial: libxl's chardev spelling back to libvirt's type and path. */
static void w_serial(struct wr *w, const char *dev)
{
    const char *path;

    for (size_t i = 0; i < LVXML_N(lvxml_chardevs); i++) {
        if (!chardev_match(&lvxml_chardevs[i], dev, &path))
            continue;
        fprintf(w->f, "    <serial type='%s'%s\n", lvxml_chardevs[i].type, path ? ">" : "/>");
        if (!path)
            return;
        fputs("      <source", w->f);
        attr(w, "path", path);
        fputs("/>\n    </serial>\n", w->f);
        return;
    }
}

static void w_serials(struct wr *w)
{
    if (!w->hvm)
        return;
    for (char **s = w->b->u.hvm.serial_list; s && *s; s++)
        w_serial(w, *s);
}

/* PV and PVH guests always have the Xen console (libxl makes it: no config field). */
static void w_console(struct wr *w)
{
    if (!w->hvm)
        fputs("    <console type='pty'>\n      <target type='xen' port='0'/>\n    </console>\n",
              w->f);
}

static void w_channel(struct wr *w, const libxl_device_channel *c)
{
    bool sock = c->connection == LIBXL_CHANNEL_CONNECTION_SOCKET;

    if (!sock && c->connection != LIBXL_CHANNEL_CONNECTION_PTY)
        return;
    fprintf(w->f, "    <channel type='%s'>\n", sock ? "unix" : "pty");
    if (sock) {
        fputs("      <source mode='bind'", w->f);
        attr(w, "path", c->u.socket.path);
        fputs("/>\n", w->f);
    }
    fputs("      <target type='xen'", w->f);
    attr(w, "name", c->name);
    fputs("/>\n    </channel>\n", w->f);
}

/* No <video> is libvirt's "no VGA, no graphics" (vga none and nographic). */
static void w_video(struct wr *w)
{
    const char *model =
        w->hvm ? lvxml_name_of(lvxml_videos, LVXML_N(lvxml_videos), w->b->u.hvm.vga.kind) : NULL;

    if (model)
        fprintf(w->f, "    <video>\n      <model type='%s'/>\n    </video>\n", model);
}

static void w_graphics(struct wr *w)
{
    for (size_t i = 0; w->hvm && i < LVXML_N(lvxml_implied); i++)
        if (!strcmp(lvxml_implied[i].path, "devices/graphics") && lvxml_implied_value(w->b, i))
            fputs("    <graphics type='vnc'/>\n", w->f);
}

static void w_devices(struct wr *w)
{
    const libxl_domain_config *dc = w->dc;

    fputs("  <devices>\n", w->f);
    for (int i = 0; i < dc->num_disks; i++)
        w_disk(w, &dc->disks[i]);
    for (int i = 0; i < dc->num_nics; i++)
        w_nic(w, &dc->nics[i]);
    for (int i = 0; i < dc->num_pcidevs; i++)
        w_pci(w, &dc->pcidevs[i]);
    w_serials(w);
    w_console(w);
    for (int i = 0; i < dc->num_channels; i++)
        w_channel(w, &dc->channels[i]);
    w_graphics(w);
    w_video(w);
    fputs("  </devices>\n", w->f);
}

/* The sections in libvirt's own order (virDomainDefFormat). */
static void (*const sections[])(struct wr *) = {
    w_name, w_memory, w_vcpu, w_cputune, w_os, w_features, w_clock, w_actions, w_devices,
};

/* The XML of @dc into a malloc'd text, or NULL when out of memory. */
static char *xml_text(const libxl_domain_config *dc, const char *arch)
{
    struct wr w = {
        .dc = dc, .b = &dc->b_info, .arch = arch, .hvm = dc->c_info.type == LIBXL_DOMAIN_TYPE_HVM};
    char *text = NULL;
    size_t len = 0;

    w.f = open_memstream(&text, &len);
    if (!w.f)
        return NULL;
    fputs("<domain type='xen'>\n", w.f);
    for (size_t i = 0; i < LVXML_N(sections); i++)
        sections[i](&w);
    fputs("</domain>\n", w.f);
    if (fclose(w.f)) {
        free(text);
        return NULL;
    }
    return text;
}

/* Reads @text back and reports what differs from @dc; returns the count, or -1 (no memory). */
static int round_trip(const libxl_domain_config *dc, const char *text, const char *name,
                      enum qc_severity sev, struct qc_diags *d, char **paths_r)
{
    libxl_domain_config back;
    struct qc_diags quiet;
    int rc, n;

    libxl_domain_config_init(&back);
    qc_diags_init(&quiet);
    rc = lvxml_read("written.xml", text, strlen(text), &back, NULL, &quiet, NULL);
    if (rc == XLCFG_ERR_NOMEM) {
        n = -1;
    } else if (rc) { /* a value libvirt XML has no spelling for, such as an empty name */
        qc_diag_sev(d, sev, QC_CK_LIBVIRT_UNSUPPORTED, (struct qc_loc){.file = name},
                    "the XML written does not read back: %s",
                    quiet.count ? quiet.items[0].msg : "?");
        n = 1;
        *paths_r = strdup("(the whole configuration)");
    } else {
        n = lvxml_compare(dc, &back, name, sev, d, paths_r);
    }
    qc_diags_dispose(&quiet);
    libxl_domain_config_dispose(&back);
    return n;
}

/* The caller's extra items: reported, and appended to *@paths (space-separated). */
static int extras(const struct lvxml_write_opts *o, enum qc_severity sev, struct qc_diags *d,
                  char **paths)
{
    for (size_t i = 0; i < o->nextra; i++) {
        char *p = NULL;

        qc_diag_sev(d, sev, QC_CK_LIBVIRT_UNSUPPORTED, (struct qc_loc){.file = o->name},
                    "%s: libvirt domain XML cannot express it", o->extra[i]);
        bool more = *paths && **paths;

        if (asprintf(&p, "%s%s%s", more ? *paths : "", more ? " " : "", o->extra[i]) < 0)
            return -1;
        free(*paths);
        *paths = p;
    }
    return (int)o->nextra;
}

/* @s inside a comment, which may hold neither "--" nor end in '-'. */
static void comment_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        fputc(*s, out);
        if (*s == '-' && (s[1] == '-' || !s[1]))
            fputc(' ', out);
    }
}

/* @text with the comment saying what is left out (@paths, or none) after its first line. */
static int put(FILE *out, const char *text, const char *paths)
{
    const char *body = strchr(text, '\n') + 1;

    fwrite(text, 1, (size_t)(body - text), out);
    if (paths) {
        fputs("  <!-- qvm-xl: not expressed: ", out);
        comment_text(out, paths);
        fputs(" -->\n", out);
    }
    fputs(body, out);
    return fflush(out) ? XLCFG_ERR_IO : 0;
}

int lvxml_write(FILE *out, const libxl_domain_config *dc, const struct lvxml_write_opts *o,
                struct qc_diags *d)
{
    enum qc_severity sev = o->allow_partial ? QC_SEV_WARNING : QC_SEV_ERROR;
    char *text = xml_text(dc, o->arch), *paths = NULL;
    int n = text ? round_trip(dc, text, o->name, sev, d, &paths) : -1;
    int rc;

    if (n >= 0) {
        int e = extras(o, sev, d, &paths);

        n = e < 0 ? -1 : n + e;
    }
    rc = n < 0 ? XLCFG_ERR_NOMEM : n && !o->allow_partial ? XLCFG_ERR_UNSUPPORTED : 0;
    if (!rc)
        rc = put(out, text, n ? paths : NULL);
    free(paths);
    free(text);
    return rc;
}
