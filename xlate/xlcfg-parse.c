/* xl.cfg -> libxl_domain_config: libxlutil reads the text, each key keeps Xen 4.17 xl's meaning. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <libxlutil.h>

#include "reverse.h"
#include "xlate.h"

#define CPU_BITS 64 /* affinity bitmaps, as the forward translator builds them */
#define MiB      (UINT64_C(1) << 20)

/* Where a top-level key is written, from our own scan of the text (libxlutil has no key iterator).
 */
struct keypos {
    char key[64];
    int line;
};

struct parse {
    XLU_Config *cfg;
    FILE *report;
    const char *name;
    libxl_domain_config *dc;
    struct xlate_lossy_list *lossy;
    struct keypos *keys;
    size_t nkeys;
    int errors;
    int nomem;
    /* libxlutil's messages: written to this memory stream, relayed to report in order */
    FILE *xlu_out;
    char *xlu_text;
    size_t xlu_len, relayed;
};

/*
 * Copies libxlutil's new messages to the report stream (its calls have
 * returned: the messages are complete). Its grammar errors on a line's
 * newline name the line before ("NAME:0:" on line 1): a line 0 becomes
 * line 1, so every message has a real location.
 */
static void relay(struct parse *p)
{
    size_t nlen = strlen(p->name);

    if (!p->xlu_out || fflush(p->xlu_out))
        return;
    while (p->relayed < p->xlu_len) {
        const char *l = p->xlu_text + p->relayed;
        const char *nl = memchr(l, '\n', p->xlu_len - p->relayed);
        size_t n = nl ? (size_t)(nl - l) + 1 : p->xlu_len - p->relayed;

        if (p->report) {
            if (n > nlen + 3 && !strncmp(l, p->name, nlen) && !strncmp(l + nlen, ":0:", 3))
                fprintf(p->report, "%s:1:%.*s", p->name, (int)(n - nlen - 3), l + nlen + 3);
            else
                fwrite(l, 1, n, p->report);
            if (!nl) /* some of its messages have no newline: ours start on a line of their own */
                fputc('\n', p->report);
        }
        p->relayed += n;
    }
}

static int key_line(const struct parse *p, const char *key)
{
    for (size_t i = p->nkeys; i-- > 0;) /* xl: the last assignment wins */
        if (!strcmp(p->keys[i].key, key))
            return p->keys[i].line;
    return 0;
}

static void msg(struct parse *p, const char *sev, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void msg(struct parse *p, const char *sev, const char *key, const char *fmt, ...)
{
    va_list ap;

    if (*sev == 'e')
        p->errors++;
    relay(p); /* what libxlutil said first */
    if (!p->report)
        return;
    fprintf(p->report, "%s:%d: %s: %s: ", p->name, key_line(p, key), sev, key);
    va_start(ap, fmt);
    vfprintf(p->report, fmt, ap);
    va_end(ap);
    fputc('\n', p->report);
}

static void check(struct parse *p, int rc)
{
    if (rc)
        p->nomem = 1;
}

/*
 * The top-level keys in order, with their lines. Only called on text
 * libxlutil accepted, so the grammar is simple: at bracket depth 0 outside
 * strings and comments, an identifier followed by '=' or '+=' is a key.
 */
static int scan_keys(struct parse *p, const char *s, size_t len)
{
    int line = 1, depth = 0;
    size_t i = 0;

    while (i < len) {
        char c = s[i];

        if (c == '\n') {
            line++;
            i++;
        } else if (c == '#') {
            while (i < len && s[i] != '\n')
                i++;
        } else if (c == '"' || c == '\'') {
            for (i++; i < len && s[i] != c; i++) {
                if (s[i] == '\\' && i + 1 < len)
                    i++;
                if (s[i] == '\n')
                    line++;
            }
            i++;
        } else if (c == '[') {
            depth++;
            i++;
        } else if (c == ']') {
            depth--;
            i++;
        } else if (isalpha((unsigned char)c) || c == '_') {
            size_t start = i, j;

            while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.'))
                i++;
            for (j = i; j < len && (s[j] == ' ' || s[j] == '\t'); j++)
                ;
            if (j + 1 < len && s[j] == '+' && s[j + 1] == '=')
                j++; /* KEY += VALUE */
            if (depth == 0 && j < len && s[j] == '=') {
                struct keypos *k = realloc(p->keys, (p->nkeys + 1) * sizeof(*k));

                if (!k)
                    return XLATE_ERR_NOMEM;
                p->keys = k;
                k = &p->keys[p->nkeys++];
                snprintf(k->key, sizeof(k->key), "%.*s", (int)(i - start), s + start);
                k->line = line;
            }
        } else {
            i++;
        }
    }
    return 0;
}

/* ---- value helpers ---- */

static const char *get_str(struct parse *p, const char *key)
{
    const char *v = NULL;
    int rc = xlu_cfg_get_string(p->cfg, key, &v, 1);

    if (rc == EINVAL)
        msg(p, "error", key, "must be a string");
    return rc ? NULL : v;
}

static bool get_long(struct parse *p, const char *key, long *v)
{
    int rc = xlu_cfg_get_long(p->cfg, key, v, 1);
    const char *raw = NULL;

    /* xl warns and goes on without the key; dropping a value is not ours to do. */
    if (rc == ERANGE && !xlu_cfg_get_string(p->cfg, key, &raw, 1))
        msg(p, "error", key, "%s: out of range", raw);
    else if (rc && rc != ESRCH)
        msg(p, "error", key, "must be a number");
    return rc == 0;
}

static int set_str(struct parse *p, const char *key, char **field)
{
    const char *v = get_str(p, key);

    if (v)
        check(p, xlate_set_string(field, v));
    return 0;
}

/* A list key; a plain string counts as a one-element list when @string_ok. */
static int get_list(struct parse *p, const char *key, XLU_ConfigList **l, int *n)
{
    int rc = xlu_cfg_get_list(p->cfg, key, l, n, 1);

    if (rc == EINVAL)
        msg(p, "error", key, "must be a list [ ... ]");
    return rc ? 0 : 1;
}

/* xl's parse_cpurange: "all", "N", "N-M", "^N", comma-separated. */
static int parse_cpurange(struct parse *p, const char *key, const char *s, libxl_bitmap *bm)
{
    char *copy = strdup(s), *tok, *save = NULL;
    int rc = 0;

    if (!copy || xlate_bitmap_alloc(bm, CPU_BITS)) {
        free(copy);
        p->nomem = 1;
        return -1;
    }
    for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        bool neg = *tok == '^';
        unsigned long a, b;
        char *end;

        tok += neg;
        if (!strcmp(tok, "all")) {
            a = 0, b = CPU_BITS - 1;
        } else if (!strncmp(tok, "nodes:", 6) || !strncmp(tok, "node:", 5)) {
            msg(p, "error", key, "NUMA node ranges (\"%s\") depend on the host; give pCPUs", tok);
            rc = -1;
            break;
        } else {
            errno = 0;
            a = strtoul(tok, &end, 10);
            b = a;
            if (*end == '-')
                b = strtoul(end + 1, &end, 10);
            if (errno || end == tok || *end || b < a) {
                msg(p, "error", key, "bad CPU range \"%s\"", tok);
                rc = -1;
                break;
            }
            if (b >= CPU_BITS) {
                msg(p, "error", key, "pCPU %lu: at most %d pCPUs can be named", b, CPU_BITS);
                rc = -1;
                break;
            }
        }
        for (unsigned long c = a; c <= b; c++) {
            if (neg)
                libxl_bitmap_reset(bm, (int)c);
            else
                libxl_bitmap_set(bm, (int)c);
        }
    }
    free(copy);
    return rc;
}

/* ---- keys ---- */

static int k_name(struct parse *p, const char *key)
{
    return set_str(p, key, &p->dc->c_info.name);
}

static int k_memory(struct parse *p, const char *key)
{
    libxl_domain_build_info *b = &p->dc->b_info;
    long v;

    (void)key;
    /* xl: memory= sets both; maxmem= then overrides the maximum. Both are MiB
     * that must be bytes in 64 bits (what the RAM layout can hold is
     * xlate_reverse's to say). */
    if (get_long(p, "memory", &v)) {
        if (v < 1 || (uint64_t)v > UINT64_MAX / MiB)
            msg(p, "error", "memory", "%ld: not a size in MiB (1 to %" PRIu64 ")", v,
                UINT64_MAX / MiB);
        else
            b->max_memkb = b->target_memkb = (uint64_t)v * 1024;
    }
    if (get_long(p, "maxmem", &v)) {
        if (v < 1 || (uint64_t)v > UINT64_MAX / MiB)
            msg(p, "error", "maxmem", "%ld: not a size in MiB (1 to %" PRIu64 ")", v,
                UINT64_MAX / MiB);
        else
            b->max_memkb = (uint64_t)v * 1024;
    }
    return 0;
}

static int k_vcpus(struct parse *p, const char *key)
{
    libxl_domain_build_info *b = &p->dc->b_info;
    long online = 0, max = 0;
    bool has_online = get_long(p, "vcpus", &online), has_max = get_long(p, "maxvcpus", &max);

    (void)key;
    if (!has_online && !has_max)
        return 0;
    if (!has_online)
        online = max;
    if (!has_max)
        max = online;
    if (online < 1 || max < online || max > 4096) {
        msg(p, "error", has_max ? "maxvcpus" : "vcpus", "needs 1 <= vcpus <= maxvcpus <= 4096");
        return -1;
    }
    check(p, xlate_set_vcpus(b, (int)online, (int)max));
    return 0;
}

/* cpus= / cpus_soft=: a list gives one range per vCPU, a string one range for all of them. */
static int k_affinity(struct parse *p, const char *key)
{
    libxl_domain_build_info *b = &p->dc->b_info;
    bool hard = !strcmp(key, "cpus");
    XLU_ConfigList *list;
    libxl_bitmap **maps = hard ? &b->vcpu_hard_affinity : &b->vcpu_soft_affinity;
    int *num = hard ? &b->num_vcpu_hard_affinity : &b->num_vcpu_soft_affinity;
    int n = 0, rc = 0;
    const char *s = NULL;

    if (xlu_cfg_get_list(p->cfg, key, &list, &n, 1) == 0) {
        s = NULL;
    } else if (xlu_cfg_get_string(p->cfg, key, &s, 1) == 0) {
        n = b->max_vcpus > 0 ? b->max_vcpus : 1;
    } else {
        return 0;
    }
    *maps = calloc((size_t)n, sizeof(**maps));
    if (!*maps && n) {
        p->nomem = 1;
        return -1;
    }
    *num = n;
    for (int i = 0; i < n && !rc; i++) {
        const char *item = s ? s : xlu_cfg_get_listitem(list, i);

        libxl_bitmap_init(&(*maps)[i]);
        if (!item) {
            msg(p, "error", key, "entry %d is not a string", i);
            rc = -1;
            break;
        }
        rc = parse_cpurange(p, key, item, &(*maps)[i]);
    }
    if (hard)
        libxl_defbool_set(&b->numa_placement, false);
    return rc;
}

static int k_sched(struct parse *p, const char *key)
{
    libxl_domain_sched_params *sp = &p->dc->b_info.sched_params;
    long v;

    if (!get_long(p, key, &v))
        return 0;
    if (!strcmp(key, "cpu_weight"))
        sp->weight = (int)v;
    else if (!strcmp(key, "cap"))
        sp->cap = (int)v;
    else if (!strcmp(key, "period"))
        sp->period = (int)v;
    else if (!strcmp(key, "slice"))
        sp->slice = (int)v;
    else if (!strcmp(key, "latency"))
        sp->latency = (int)v;
    else if (!strcmp(key, "extratime"))
        sp->extratime = (int)v;
    return 0;
}

static int k_pool(struct parse *p, const char *key)
{
    return set_str(p, key, &p->dc->c_info.pool_name);
}

static int k_image(struct parse *p, const char *key)
{
    libxl_domain_build_info *b = &p->dc->b_info;

    if (!strcmp(key, "kernel"))
        return set_str(p, key, &b->kernel);
    if (!strcmp(key, "ramdisk"))
        return set_str(p, key, &b->ramdisk);
    if (!strcmp(key, "acpi_firmware"))
        return b->type == LIBXL_DOMAIN_TYPE_HVM ? set_str(p, key, &b->u.hvm.acpi_firmware) : 0;
    return set_str(p, key, &b->device_tree);
}

/* cmdline=, or xl's older root= + extra= ("root=ROOT EXTRA"). */
static int k_cmdline(struct parse *p, const char *key)
{
    const char *cmd = get_str(p, "cmdline"), *root = get_str(p, "root"),
               *extra = get_str(p, "extra");
    char *s = NULL;

    (void)key;
    if (cmd) {
        if (root || extra)
            msg(p, "warning", "cmdline",
                "root= and extra= are ignored in favour of cmdline= (as xl)");
        check(p, xlate_set_string(&p->dc->b_info.cmdline, cmd));
        return 0;
    }
    if (root && asprintf(&s, extra ? "root=%s %s" : "root=%s", root, extra) < 0)
        s = NULL, p->nomem = 1;
    else if (!root && extra && !(s = strdup(extra)))
        p->nomem = 1;
    if (s) {
        free(p->dc->b_info.cmdline);
        p->dc->b_info.cmdline = s;
    }
    return 0;
}

/* Entry @i of a list key is @s (NULL when it is not a string); @dev is the
 * device appended for it, if the key adds devices. Returns 0, 1 when the entry
 * is not what the key's table row says it must be, or -1 once reported. */
typedef int entry_fn(struct parse *p, const char *key, int i, const char *s, void *dev);

static char *repeated_key(struct parse *p, const char *spec);

/* xlate_add_<kind> for every device kind, as one type for the key table. */
#define ADD_DEV(type, array, devid)                                                                \
    __attribute__((unused)) static void *add_##type(libxl_domain_config *d)                        \
    {                                                                                              \
        return xlate_add_##type(d);                                                                \
    }
XLATE_DEVICE_KINDS(ADD_DEV)
#undef ADD_DEV

/*
 * A list key, entry by entry, as xl reads it: the device first (@add, if the
 * key adds devices), then the entry. An entry that is not a string is an
 * error of its own unless the key says what an entry must be (@what). The
 * first bad entry ends the list.
 */
static int each_item(struct parse *p, const char *key, void *(*add)(libxl_domain_config *),
                     entry_fn *entry, const char *what)
{
    XLU_ConfigList *l;
    int n, rc;

    if (!get_list(p, key, &l, &n))
        return 0;
    for (int i = 0; i < n; i++) {
        const char *s = xlu_cfg_get_listitem(l, i);
        void *dev = NULL;

        if (add && !(dev = add(p->dc))) {
            p->nomem = 1;
            return -1;
        }
        if (!s && !what) {
            msg(p, "error", key, "entry %d is not a string", i);
            return -1;
        }
        rc = entry(p, key, i, s, dev);
        if (rc > 0)
            msg(p, "error", key, "entry %d: %s", i, what);
        if (rc)
            return -1;
    }
    return 0;
}

static int e_iomem(struct parse *p, const char *key, int i, const char *s, void *dev)
{
    uint64_t start, number, gfn = XLATE_IOMEM_GFN_1TO1;
    int used = 0, r;

    (void)key, (void)i, (void)dev;
    r = s ? sscanf(s, "%" SCNx64 ",%" SCNx64 "%n", &start, &number, &used) : 0;
    if (r == 2 && s[used] == '@' && sscanf(s + used + 1, "%" SCNx64 "%n", &gfn, &r) == 1)
        used += 1 + r;
    if (!s || r < 1 || s[used])
        return 1;
    check(p, xlate_add_iomem(&p->dc->b_info, start, number, gfn));
    return 0;
}

static int e_ioport(struct parse *p, const char *key, int i, const char *s, void *dev)
{
    char *end;
    unsigned long a, b;

    (void)key, (void)i, (void)dev;
    errno = 0;
    a = s ? strtoul(s, &end, 16) : 0;
    b = a;
    if (s && *end == '-')
        b = strtoul(end + 1, &end, 16);
    if (!s || errno || end == s || *end || b < a || b > 0xffff)
        return 1;
    check(p, xlate_add_ioport(&p->dc->b_info, (uint32_t)a, (uint32_t)(b - a + 1)));
    return 0;
}

static int e_irq(struct parse *p, const char *key, int i, const char *s, void *dev)
{
    char *end;
    unsigned long v;

    (void)key, (void)i, (void)dev;
    errno = 0;
    v = s ? strtoul(s, &end, 0) : 0;
    if (!s || errno || end == s || *end || v > UINT32_MAX)
        return 1;
    check(p, xlate_add_irq(&p->dc->b_info, (uint32_t)v));
    return 0;
}

static int e_disk(struct parse *p, const char *key, int i, const char *s, void *dev)
{
    (void)key, (void)i;
    return !s || xlu_disk_parse(p->cfg, 1, &s, dev);
}

/* Whether libxlutil 4.17's parse_bdf can read the BDF at @s: with one or two
 * ':' in its leading run of hex digits and colons, it adds an sscanf "%n" it
 * never set unless a '.' follows the run ("0:3", "0:3x" read garbage). */
static bool bdf_readable(const char *s)
{
    size_t i = 0;
    int colons = 0;

    for (; isxdigit((unsigned char)s[i]) || s[i] == ':'; i++)
        colons += s[i] == ':';
    return (colons != 1 && colons != 2) || s[i] == '.';
}

static int e_pci(struct parse *p, const char *key, int i, const char *s, void *dev)
{
    char *dup;

    if (!s)
        return 1;
    /* Refused before libxlutil: a BDF it would misread (the positional one, or any bdf=
     * value), or a key given twice (it leaks a repeated name=). */
    if (!bdf_readable(s))
        return 1;
    for (const char *b = strstr(s, "bdf="); b; b = strstr(b + 4, "bdf="))
        if (!bdf_readable(b + 4))
            return 1;
    if ((dup = repeated_key(p, s))) {
        msg(p, "error", key, "entry %d: %s= given twice", i, dup);
        free(dup);
        return -1;
    }
    return p->nomem || xlu_pci_parse_spec_string(p->cfg, dev, s) ? 1 : 0;
}

static int e_dtdev(struct parse *p, const char *key, int i, const char *s, void *dev)
{
    libxl_device_dtdev *dt = dev;

    (void)key, (void)i;
    check(p, xlate_set_string(&dt->path, s));
    return 0;
}

/* One "k=v,k=v" device spec; calls @one for each pair. Returns -1 on a bad pair. */
static int each_pair(struct parse *p, const char *key, int idx, const char *spec,
                     int (*one)(struct parse *, void *, const char *, const char *), void *dev)
{
    char *copy = strdup(spec), *tok, *save = NULL;
    int rc = 0;

    if (!copy) {
        p->nomem = 1;
        return -1;
    }
    for (tok = strtok_r(copy, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save)) {
        char *eq;

        while (*tok == ' ')
            tok++;
        eq = strchr(tok, '=');
        if (!eq) {
            msg(p, "error", key, "entry %d: \"%s\" is not KEY=VALUE", idx, tok);
            rc = -1;
            break;
        }
        *eq = '\0';
        rc = one(p, dev, tok, eq + 1);
        if (rc > 0) {
            msg(p, "error", key, "entry %d: bad %s=%s", idx, tok, eq + 1);
            rc = -1;
        }
    }
    free(copy);
    return rc;
}

/* xl's parse_nic_config; the keys a qvm vif can carry plus the common ones. */
static int nic_pair(struct parse *p, void *dev, const char *k, const char *v)
{
    libxl_device_nic *nic = dev;
    unsigned m[6];
    char **field = NULL;

    if (!strcmp(k, "mac")) {
        if (sscanf(v, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6)
            return 1;
        for (int i = 0; i < 6; i++)
            nic->mac[i] = (uint8_t)m[i];
        return 0;
    }
    if (!strcmp(k, "bridge"))
        field = &nic->bridge;
    else if (!strcmp(k, "ip"))
        field = &nic->ip;
    else if (!strcmp(k, "script"))
        field = &nic->script;
    else if (!strcmp(k, "model"))
        field = &nic->model;
    else if (!strcmp(k, "vifname"))
        field = &nic->ifname;
    else if (!strcmp(k, "backend"))
        field = &nic->backend_domname;
    else if (!strcmp(k, "gatewaydev"))
        field = &nic->gatewaydev;
    if (field) {
        check(p, xlate_set_string(field, v));
        return 0;
    }
    if (!strcmp(k, "type")) {
        if (!strcmp(v, "ioemu"))
            nic->nictype = LIBXL_NIC_TYPE_VIF_IOEMU;
        else if (!strcmp(v, "vif"))
            nic->nictype = LIBXL_NIC_TYPE_VIF;
        else
            return 1;
        return 0;
    }
    if (!strcmp(k, "mtu")) {
        nic->mtu = atoi(v);
        return nic->mtu > 0 ? 0 : 1;
    }
    if (!strcmp(k, "rate"))
        return xlu_vif_parse_rate(p->cfg, v, nic) ? 1 : 0;
    msg(p, "warning", "vif", "sub-key %s= is not read by qvm-xl (ignored)", k);
    return xlate_lossy_add(p->lossy, "vif", "sub-key %s=%s ignored", k, v) ? -1 : 0;
}

static int e_vif(struct parse *p, const char *key, int i, const char *s, void *dev)
{
    return each_pair(p, key, i, s, nic_pair, dev);
}

static int channel_pair(struct parse *p, void *dev, const char *k, const char *v)
{
    libxl_device_channel *ch = dev;

    if (!strcmp(k, "name")) {
        check(p, xlate_set_string(&ch->name, v));
    } else if (!strcmp(k, "backend")) {
        check(p, xlate_set_string(&ch->backend_domname, v));
    } else if (!strcmp(k, "connection")) {
        if (!strcmp(v, "pty"))
            libxl_device_channel_init_connection(ch, LIBXL_CHANNEL_CONNECTION_PTY);
        else if (!strcmp(v, "socket"))
            libxl_device_channel_init_connection(ch, LIBXL_CHANNEL_CONNECTION_SOCKET);
        else
            return 1;
    } else if (!strcmp(k, "path") && ch->connection == LIBXL_CHANNEL_CONNECTION_SOCKET) {
        check(p, xlate_set_string(&ch->u.socket.path, v));
    } else {
        return 1;
    }
    return 0;
}

/* The first KEY of a "k=v,k=v" spec that is given twice (a copy to free), or NULL. */
static char *repeated_key(struct parse *p, const char *spec)
{
    char *copy = strdup(spec), *tok, *save = NULL, *dup = NULL;
    const char **seen = NULL;
    size_t n = 0;

    if (!copy || !(seen = calloc(strlen(spec) / 2 + 1, sizeof(*seen)))) {
        p->nomem = 1;
        free(copy);
        return NULL;
    }
    for (tok = strtok_r(copy, ",", &save); tok && !dup; tok = strtok_r(NULL, ",", &save)) {
        char *eq;

        while (*tok == ' ')
            tok++;
        if ((eq = strchr(tok, '=')))
            *eq = '\0';
        for (size_t j = 0; j < n && !dup; j++)
            if (!strcmp(seen[j], tok) && !(dup = strdup(tok)))
                p->nomem = 1;
        seen[n++] = tok;
    }
    free(seen);
    free(copy);
    return dup;
}

static int e_channel(struct parse *p, const char *key, int i, const char *s, void *dev)
{
    libxl_device_channel *ch = dev;
    char *dup = s ? repeated_key(p, s) : NULL;

    /* libxl asserts when a channel's connection is set twice: refused before that. */
    if (dup) {
        msg(p, "error", key, "entry %d: %s= given twice", i, dup);
        free(dup);
        return -1;
    }
    if (p->nomem || each_pair(p, key, i, s, channel_pair, ch))
        return -1;
    if (!ch->name || ch->connection == LIBXL_CHANNEL_CONNECTION_UNKNOWN) {
        msg(p, "error", key, "entry %d needs name= and connection= (as xl)", i);
        return -1;
    }
    return 0;
}

static int e_serial(struct parse *p, const char *key, int i, const char *s, void *dev)
{
    (void)key, (void)i, (void)dev;
    check(p, xlate_string_list_append(&p->dc->b_info.u.hvm.serial_list, s));
    return 0;
}

static int k_arm(struct parse *p, const char *key)
{
    libxl_domain_build_info *b = &p->dc->b_info;
    const char *v = get_str(p, key);

    if (!v)
        return 0;
    if (!strcmp(key, "vuart")) {
        if (strcmp(v, "sbsa_uart")) {
            msg(p, "error", key, "\"%s\": only \"sbsa_uart\" exists", v);
            return -1;
        }
        b->arch_arm.vuart = LIBXL_VUART_TYPE_SBSA_UART;
    } else if (libxl_gic_version_from_string(v, &b->arch_arm.gic_version)) {
        msg(p, "error", key, "\"%s\": expected v2 or v3", v);
        return -1;
    }
    return 0;
}

static int k_serial(struct parse *p, const char *key)
{
    libxl_domain_build_info *b = &p->dc->b_info;
    XLU_ConfigList *l;
    int n;

    if (b->type != LIBXL_DOMAIN_TYPE_HVM) {
        if (key_line(p, key)) {
            msg(p, "warning", key, "only HVM guests have emulated serial ports (ignored, as xl)");
            return xlate_lossy_add(p->lossy, key, "ignored for a non-HVM guest") ? -1 : 0;
        }
        return 0;
    }
    /* A list is read as xl reads one; anything else as a single serial= string. */
    if (xlu_cfg_get_list(p->cfg, key, &l, &n, 1) == 0)
        return each_item(p, key, NULL, e_serial, NULL);
    return set_str(p, key, &b->u.hvm.serial);
}

static int k_defbool(struct parse *p, const char *key)
{
    libxl_domain_build_info *b = &p->dc->b_info;
    libxl_defbool *db;
    int rc;

    if (!strcmp(key, "hpet")) {
        if (b->type != LIBXL_DOMAIN_TYPE_HVM)
            return 0;
        db = &b->u.hvm.hpet;
    } else if (!strcmp(key, "acpi")) {
        db = &b->acpi;
    } else {
        db = &b->apic;
    }
    rc = xlu_cfg_get_defbool(p->cfg, key, db, 1);
    if (rc && rc != ESRCH)
        msg(p, "error", key, "must be 0 or 1");
    return 0;
}

static int k_action(struct parse *p, const char *key)
{
    const char *const *names = xlate_xl_action_names;
    libxl_domain_config *d = p->dc;
    libxl_action_on_shutdown *a = !strcmp(key, "on_poweroff")   ? &d->on_poweroff
                                  : !strcmp(key, "on_reboot")   ? &d->on_reboot
                                  : !strcmp(key, "on_watchdog") ? &d->on_watchdog
                                  : !strcmp(key, "on_crash")    ? &d->on_crash
                                                                : &d->on_soft_reset;
    const char *v = get_str(p, key);

    /* xl's defaults when the key is absent (xl_parse.c parse_config_data). */
    if (!v)
        v = !strcmp(key, "on_reboot")       ? "restart"
            : !strcmp(key, "on_soft_reset") ? "soft-reset"
                                            : "destroy";
    for (size_t i = 0; i < XLATE_XL_ACTION_COUNT; i++)
        if (names[i] && !strcmp(v, names[i])) {
            *a = (libxl_action_on_shutdown)i;
            return 0;
        }
    msg(p, "error", key, "unknown action \"%s\"", v);
    return -1;
}

static int k_ignore(struct parse *p, const char *key)
{
    (void)p;
    (void)key;
    return 0; /* type/builder are read first; uuid is per instance */
}

/* The keys, declared once, in the order they are read: X(xl key, handler), or
 * for a list read entry by entry L(xl key, device kind's add_* or NULL, entry,
 * what an entry must be or NULL; see each_item). Handlers reading several keys
 * (memory/maxmem, vcpus/maxvcpus, cmdline/root/extra) appear under each key
 * and run once. */
#define XLCFG_KEYS(X, L)                                                                           \
    X("name", k_name)                                                                              \
    X("type", k_ignore)                                                                            \
    X("builder", k_ignore)                                                                         \
    X("uuid", k_ignore)                                                                            \
    X("memory", k_memory)                                                                          \
    X("maxmem", k_memory)                                                                          \
    X("vcpus", k_vcpus)                                                                            \
    X("maxvcpus", k_vcpus)                                                                         \
    X("cpus", k_affinity)                                                                          \
    X("cpus_soft", k_affinity)                                                                     \
    X("cpu_weight", k_sched)                                                                       \
    X("cap", k_sched)                                                                              \
    X("period", k_sched)                                                                           \
    X("slice", k_sched)                                                                            \
    X("latency", k_sched)                                                                          \
    X("extratime", k_sched)                                                                        \
    X("pool", k_pool)                                                                              \
    X("kernel", k_image)                                                                           \
    X("ramdisk", k_image)                                                                          \
    X("device_tree", k_image)                                                                      \
    X("acpi_firmware", k_image)                                                                    \
    X("cmdline", k_cmdline)                                                                        \
    X("root", k_cmdline)                                                                           \
    X("extra", k_cmdline)                                                                          \
    L("iomem", NULL, e_iomem, "expected \"START,NUMBER[@GFN]\" (hex pages)")                       \
    L("ioports", NULL, e_ioport, "expected \"FIRST[-LAST]\" (hex ports)")                          \
    L("irqs", NULL, e_irq, "expected an IRQ number")                                               \
    L("disk", add_disk, e_disk, "not a disk spec (xl-disk-configuration(5))")                      \
    L("vif", add_nic, e_vif, NULL)                                                                 \
    L("pci", add_pci, e_pci, "not a PCI spec (BDF[,options])")                                     \
    L("dtdev", add_dtdev, e_dtdev, NULL)                                                           \
    X("vuart", k_arm)                                                                              \
    X("gic_version", k_arm)                                                                        \
    L("channel", add_channel, e_channel, NULL)                                                     \
    X("serial", k_serial)                                                                          \
    X("hpet", k_defbool)                                                                           \
    X("acpi", k_defbool)                                                                           \
    X("apic", k_defbool)                                                                           \
    X("on_poweroff", k_action)                                                                     \
    X("on_reboot", k_action)                                                                       \
    X("on_watchdog", k_action)                                                                     \
    X("on_crash", k_action)                                                                        \
    X("on_soft_reset", k_action)

static const struct {
    const char *key;
    int (*fn)(struct parse *, const char *);
    void *(*add)(libxl_domain_config *);
    entry_fn *entry;
    const char *what;
} keys[] = {
#define XLCFG_ROW(k, fn)                {k, fn, NULL, NULL, NULL},
#define XLCFG_LIST(k, add, entry, what) {k, NULL, add, entry, what},
    XLCFG_KEYS(XLCFG_ROW, XLCFG_LIST)
#undef XLCFG_LIST
#undef XLCFG_ROW
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

const char *const xlate_xlcfg_keys[] = {
#define XLCFG_NAME(k, ...) k,
    XLCFG_KEYS(XLCFG_NAME, XLCFG_NAME)
#undef XLCFG_NAME
        NULL,
};

/* type= (or the old builder=) first: it selects b_info's union member. */
static int read_type(struct parse *p, enum xlate_arch arch)
{
    libxl_domain_type type =
        arch == XLATE_ARCH_AARCH64 ? LIBXL_DOMAIN_TYPE_PVH : LIBXL_DOMAIN_TYPE_PV;
    const char *v = get_str(p, "type");

    if (v) {
        if (libxl_domain_type_from_string(v, &type) || type == LIBXL_DOMAIN_TYPE_INVALID) {
            msg(p, "error", "type", "\"%s\": expected pv, pvh or hvm", v);
            return -1;
        }
    } else if ((v = get_str(p, "builder"))) {
        if (!strcmp(v, "hvm"))
            type = LIBXL_DOMAIN_TYPE_HVM;
        else if (strcmp(v, "generic")) {
            msg(p, "error", "builder", "\"%s\": expected generic or hvm", v);
            return -1;
        }
    }
    xlate_config_init_type(p->dc, type);
    return 0;
}

/* libxlutil asserts on a NUL byte in a string (it measures tokens with strlen): an xl.cfg is
 * text, so any NUL is refused, at its line and column, before libxlutil sees it. */
static bool has_nul(const char *name, const char *data, size_t len, FILE *report)
{
    const char *nul = memchr(data, '\0', len);
    size_t line = 1, col = 1;

    if (!nul)
        return false;
    for (const char *c = data; c < nul; c++, col++)
        if (*c == '\n')
            line++, col = 0;
    if (report)
        fprintf(report, "%s:%zu:%zu: error: a NUL byte (an xl.cfg is text)\n", name, line, col);
    return true;
}

/* Refuses, at the key's line, what xlate_reverse would refuse to write (its r->refused). */
static void check_reverse(struct parse *p, enum xlate_arch arch)
{
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.name = p->name, .arch = arch};

    xlate_reverse_init(&r);
    if (xlate_reverse(p->dc, &o, &r, NULL) == XLATE_ERR_NOMEM)
        p->nomem = 1;
    for (size_t i = 0; i < r.refused.n; i++) {
        const char *key = r.refused.v[i].key;

        /* A command line made by xl's root= and extra= */
        if (!strcmp(key, "cmdline") && !key_line(p, key))
            key = key_line(p, "root") ? "root" : "extra";
        msg(p, "error", key, "%s", r.refused.v[i].text);
    }
    xlate_reverse_dispose(&r);
}

int xlate_xlcfg_parse(const char *name, const char *data, size_t len, enum xlate_arch arch,
                      libxl_domain_config *dc, struct xlate_lossy_list *lossy, FILE *report)
{
    struct parse p = {.report = report, .name = name, .dc = dc, .lossy = lossy};
    int rc;

    if (len > INT32_MAX || has_nul(name, data, len, report))
        return XLATE_ERR_INVAL;
    /* libxlutil always writes somewhere: into a buffer that relay() passes on. */
    if (!(p.xlu_out = open_memstream(&p.xlu_text, &p.xlu_len)))
        return XLATE_ERR_NOMEM;
    p.cfg = xlu_cfg_init(p.xlu_out, name);
    if (!p.cfg) {
        rc = XLATE_ERR_NOMEM;
        goto out;
    }
    if (xlu_cfg_readdata(p.cfg, data, (int)len)) {
        rc = XLATE_ERR_INVAL; /* libxlutil printed "name:line: config parsing error ..." */
        goto out;
    }
    rc = scan_keys(&p, data, len);
    if (rc)
        goto out;
    if (read_type(&p, arch))
        goto bad;
    for (size_t i = 0; i < NKEYS; i++) {
        bool again = false;

        /* memory/maxmem, vcpus/maxvcpus and cmdline/root/extra are read together, once. */
        for (size_t j = 0; j < i && !again; j++)
            again = keys[j].fn == keys[i].fn &&
                    (keys[i].fn == k_memory || keys[i].fn == k_vcpus || keys[i].fn == k_cmdline);
        if (again)
            continue;
        if (keys[i].fn)
            keys[i].fn(&p, keys[i].key);
        else
            each_item(&p, keys[i].key, keys[i].add, keys[i].entry, keys[i].what);
    }
    relay(&p);
    /* Unknown keys are not silently ignored: each is a warning and a lossy entry. */
    for (size_t i = 0; i < p.nkeys; i++) {
        bool known = false, again = false;

        for (size_t j = 0; j < NKEYS && !known; j++)
            known = !strcmp(p.keys[i].key, keys[j].key);
        for (size_t j = 0; j < i && !again; j++)
            again = !strcmp(p.keys[i].key, p.keys[j].key);
        if (known || again)
            continue;
        if (report)
            fprintf(report, "%s:%d: warning: %s: not a key qvm-xl reads; not converted\n", name,
                    p.keys[i].line, p.keys[i].key);
        if (xlate_lossy_add(lossy, p.keys[i].key, "unknown xl.cfg key, not converted"))
            p.nomem = 1;
    }
    if (!p.errors && !p.nomem)
        check_reverse(&p, arch);
    if (p.nomem) {
        rc = XLATE_ERR_NOMEM;
        goto out;
    }
    if (p.errors)
        goto bad;
    rc = 0;
    goto out;
bad:
    rc = XLATE_ERR_INVAL;
out:
    free(p.keys);
    if (p.cfg)
        xlu_cfg_destroy(p.cfg);
    relay(&p);
    fclose(p.xlu_out);
    free(p.xlu_text);
    return rc;
}

bool xlate_xlcfg_is_arm(const libxl_domain_config *dc)
{
    const libxl_domain_build_info *b = &dc->b_info;

    for (int i = 0; i < dc->num_disks; i++)
        if (dc->disks[i].specification == LIBXL_DISK_SPECIFICATION_VIRTIO)
            return true;
    return b->arch_arm.gic_version != LIBXL_GIC_VERSION_DEFAULT ||
           b->arch_arm.vuart != LIBXL_VUART_TYPE_UNKNOWN || dc->num_dtdevs || b->device_tree;
}
