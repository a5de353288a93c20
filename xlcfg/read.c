/* SPDX-License-Identifier: LGPL-2.1-only */
/* xl.cfg -> libxl_domain_config: libxlutil reads the text, each key keeps Xen 4.17 xl's meaning;
 * the keys are read in the order of keys.def, each by its row's reader or its kind's. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xlcfg/keys-internal.h"
#include "xlcfg/libxl-util.h"

#define CPU_BITS 64 /* affinity bitmaps, as the forward translator builds them */
#define MiB      (UINT64_C(1) << 20)

/* ---- where keys are ---- */

void xlcfg_keymap_init(struct xlcfg_keymap *m)
{
    memset(m, 0, sizeof(*m));
}

void xlcfg_keymap_dispose(struct xlcfg_keymap *m)
{
    free(m->v);
    memset(m, 0, sizeof(*m));
}

struct qc_loc xlcfg_keymap_loc(const struct xlcfg_keymap *m, const char *name, const char *key)
{
    for (size_t i = m ? m->n : 0; i-- > 0;) /* xl: the last assignment wins */
        if (!strcmp(m->v[i].key, key))
            return m->v[i].loc;
    return (struct qc_loc){.file = name};
}

static struct qc_loc key_loc(const struct xlcfg_parse *p, const char *key)
{
    return xlcfg_keymap_loc(p->keys, p->name, key);
}

static bool key_given(const struct xlcfg_parse *p, const char *key)
{
    return key_loc(p, key).line != 0;
}

/*
 * Turns libxlutil's new messages into diagnostics (its calls have returned:
 * the messages are complete). "NAME:LINE: TEXT" is located at LINE; its
 * grammar errors on a line's newline name the line before ("NAME:0:" on
 * line 1): a line 0 becomes line 1, so every message has a real location.
 * Other messages ("NAME: TEXT", or TEXT alone) belong to the key being read.
 */
static void relay(struct xlcfg_parse *p, enum qc_severity sev, enum qc_check_id check)
{
    size_t nlen = strlen(p->name);

    if (!p->xlu_out || fflush(p->xlu_out))
        return;
    while (p->relayed < p->xlu_len) {
        const char *l = p->xlu_text + p->relayed;
        const char *nl = memchr(l, '\n', p->xlu_len - p->relayed);
        size_t n = nl ? (size_t)(nl - l) : p->xlu_len - p->relayed;
        struct qc_loc loc = p->key ? key_loc(p, p->key) : (struct qc_loc){.file = p->name};
        const char *t = l;

        if (n > nlen && !strncmp(l, p->name, nlen) && l[nlen] == ':') {
            char *end;
            unsigned long line = strtoul(l + nlen + 1, &end, 10);

            t = l + nlen + 1;
            if (end > t && *end == ':' && end < l + n) {
                loc = (struct qc_loc){.file = p->name, .line = line ? (uint32_t)line : 1};
                t = end + 1;
            }
            while (t < l + n && *t == ' ')
                t++;
        }
        if (sev == QC_SEV_ERROR)
            p->errors++;
        qc_diag_sev(p->d, sev, check, loc, "%.*s", (int)(n - (size_t)(t - l)), t);
        p->relayed += n + (nl != NULL);
    }
}

/* A diagnostic about @key, at its place: "KEY: TEXT". */
static void msg(struct xlcfg_parse *p, enum qc_severity sev, enum qc_check_id check,
                const char *key, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void msg(struct xlcfg_parse *p, enum qc_severity sev, enum qc_check_id check,
                const char *key, const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    int r;

    if (sev == QC_SEV_ERROR)
        p->errors++;
    relay(p, QC_SEV_NOTE, QC_CK_XLCFG_LIBXLUTIL); /* what libxlutil said first */
    va_start(ap, fmt);
    r = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (r < 0) {
        p->nomem = 1;
        return;
    }
    qc_diag_sev(p->d, sev, check, key_loc(p, key), "%s: %s", key, text);
    free(text);
}

/* A value of @key that is not what xl takes. */
#define bad(p, key, ...) msg(p, QC_SEV_ERROR, QC_CK_XLCFG_VALUE, key, __VA_ARGS__)

static void check(struct xlcfg_parse *p, int rc)
{
    if (rc)
        p->nomem = 1;
}

static int add_key(struct xlcfg_keymap *m, const char *s, size_t len, struct qc_loc loc)
{
    struct xlcfg_keypos *k = realloc(m->v, (m->n + 1) * sizeof(*k));

    if (!k)
        return XLCFG_ERR_NOMEM;
    m->v = k;
    k = &m->v[m->n++];
    snprintf(k->key, sizeof(k->key), "%.*s", (int)len, s);
    k->loc = loc;
    return 0;
}

/*
 * The top-level keys in order, with their places. Only called on text
 * libxlutil accepted, so the grammar is simple: at bracket depth 0 outside
 * strings and comments, an identifier followed by '=' or '+=' is a key.
 */
static int scan_keys(struct xlcfg_parse *p, const char *s, size_t len)
{
    int line = 1, depth = 0;
    size_t i = 0, bol = 0;

    while (i < len) {
        char c = s[i];

        if (c == '\n') {
            line++;
            bol = ++i;
        } else if (c == '#') {
            while (i < len && s[i] != '\n')
                i++;
        } else if (c == '"' || c == '\'') {
            for (i++; i < len && s[i] != c; i++) {
                if (s[i] == '\\' && i + 1 < len)
                    i++;
                if (s[i] == '\n')
                    line++, bol = i + 1;
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
            if (depth == 0 && j < len && s[j] == '=' &&
                add_key(p->keys, s + start, i - start,
                        (struct qc_loc){p->name, (uint32_t)line, (uint32_t)(start - bol + 1)}))
                return XLCFG_ERR_NOMEM;
        } else {
            i++;
        }
    }
    return 0;
}

/* ---- value helpers ---- */

static const char *get_str(struct xlcfg_parse *p, const char *key)
{
    const char *v = NULL;
    int rc = xlu_cfg_get_string(p->cfg, key, &v, 1);

    if (rc == EINVAL)
        bad(p, key, "must be a string");
    return rc ? NULL : v;
}

static bool get_long(struct xlcfg_parse *p, const char *key, long *v)
{
    int rc = xlu_cfg_get_long(p->cfg, key, v, 1);
    const char *raw = NULL;

    /* xl warns and goes on without the key; dropping a value is not ours to do. */
    if (rc == ERANGE && !xlu_cfg_get_string(p->cfg, key, &raw, 1))
        bad(p, key, "%s: out of range", raw);
    else if (rc && rc != ESRCH)
        bad(p, key, "must be a number");
    return rc == 0;
}

static int set_str(struct xlcfg_parse *p, const char *key, char **field)
{
    const char *v = get_str(p, key);

    if (v)
        check(p, xlate_set_string(field, v));
    return 0;
}

/* A list key; a plain string counts as a one-element list when @string_ok. */
static int get_list(struct xlcfg_parse *p, const char *key, XLU_ConfigList **l, int *n)
{
    int rc = xlu_cfg_get_list(p->cfg, key, l, n, 1);

    if (rc == EINVAL)
        bad(p, key, "must be a list [ ... ]");
    return rc ? 0 : 1;
}

/* xl's parse_cpurange: "all", "N", "N-M", "^N", comma-separated. */
static int parse_cpurange(struct xlcfg_parse *p, const char *key, const char *s, libxl_bitmap *bm)
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
            bad(p, key, "NUMA node ranges (\"%s\") depend on the host; give pCPUs", tok);
            rc = -1;
            break;
        } else {
            errno = 0;
            a = strtoul(tok, &end, 10);
            b = a;
            if (*end == '-')
                b = strtoul(end + 1, &end, 10);
            if (errno || end == tok || *end || b < a) {
                bad(p, key, "bad CPU range \"%s\"", tok);
                rc = -1;
                break;
            }
            if (b >= CPU_BITS) {
                bad(p, key, "pCPU %lu: at most %d pCPUs can be named", b, CPU_BITS);
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

int r_memory(struct xlcfg_parse *p, const char *key)
{
    libxl_domain_build_info *b = &p->dc->b_info;
    long v;

    (void)key;
    /* xl: memory= sets both; maxmem= then overrides the maximum. Both are MiB
     * that must be bytes in 64 bits (what the RAM layout can hold is
     * xlate_reverse's to say). */
    if (get_long(p, "memory", &v)) {
        if (v < 1 || (uint64_t)v > UINT64_MAX / MiB)
            bad(p, "memory", "%ld: not a size in MiB (1 to %" PRIu64 ")", v, UINT64_MAX / MiB);
        else
            b->max_memkb = b->target_memkb = (uint64_t)v * 1024;
    }
    if (get_long(p, "maxmem", &v)) {
        if (v < 1 || (uint64_t)v > UINT64_MAX / MiB)
            bad(p, "maxmem", "%ld: not a size in MiB (1 to %" PRIu64 ")", v, UINT64_MAX / MiB);
        else
            b->max_memkb = (uint64_t)v * 1024;
    }
    return 0;
}

int r_vcpus(struct xlcfg_parse *p, const char *key)
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
        bad(p, has_max ? "maxvcpus" : "vcpus", "needs 1 <= vcpus <= maxvcpus <= 4096");
        return -1;
    }
    check(p, xlate_set_vcpus(b, (int)online, (int)max));
    return 0;
}

/* cpus= / cpus_soft=: a list gives one range per vCPU, a string one range for all of them. */
int r_affinity(struct xlcfg_parse *p, const char *key)
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
            bad(p, key, "entry %d is not a string", i);
            rc = -1;
            break;
        }
        rc = parse_cpurange(p, key, item, &(*maps)[i]);
    }
    if (hard)
        libxl_defbool_set(&b->numa_placement, false);
    return rc;
}

/* cmdline=, or xl's older root= + extra= ("root=ROOT EXTRA"). */
int r_cmdline(struct xlcfg_parse *p, const char *key)
{
    const char *cmd = get_str(p, "cmdline"), *root = get_str(p, "root"),
               *extra = get_str(p, "extra");
    char *s = NULL;

    (void)key;
    if (cmd) {
        if (root || extra)
            msg(p, QC_SEV_WARNING, QC_CK_XLCFG_IGNORED, "cmdline",
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

static char *repeated_key(struct xlcfg_parse *p, const char *spec);

/* xlate_add_<kind> for every device kind, as one type for the key table. */
#define ADD_DEV(type, array, devid)                                                                \
    void *add_##type(libxl_domain_config *d)                                                       \
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
static int each_item(struct xlcfg_parse *p, const char *key, xlcfg_add_fn *add,
                     xlcfg_entry_fn *entry, const char *what)
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
            bad(p, key, "entry %d is not a string", i);
            return -1;
        }
        rc = entry(p, key, i, s, dev);
        if (rc > 0)
            bad(p, key, "entry %d: %s", i, what);
        if (rc)
            return -1;
    }
    return 0;
}

int e_iomem(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
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

int e_ioport(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
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

int e_irq(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
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

int e_dm_arg_hvm(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
{
    (void)key, (void)i, (void)dev;
    if (!s)
        return 1;
    check(p, xlate_string_list_append(&p->dc->b_info.extra_hvm, s));
    return 0;
}

int e_disk(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
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

int e_pci(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
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
        msg(p, QC_SEV_ERROR, QC_CK_XLCFG_SPEC_REPEAT, key, "entry %d: %s= given twice", i, dup);
        free(dup);
        return -1;
    }
    return p->nomem || xlu_pci_parse_spec_string(p->cfg, dev, s) ? 1 : 0;
}

int e_dtdev(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
{
    libxl_device_dtdev *dt = dev;

    (void)key, (void)i;
    check(p, xlate_set_string(&dt->path, s));
    return 0;
}

/* One "k=v,k=v" device spec; calls @one for each pair. Returns -1 on a bad pair. */
static int each_pair(struct xlcfg_parse *p, const char *key, int idx, const char *spec,
                     int (*one)(struct xlcfg_parse *, void *, const char *, const char *),
                     void *dev)
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
            bad(p, key, "entry %d: \"%s\" is not KEY=VALUE", idx, tok);
            rc = -1;
            break;
        }
        *eq = '\0';
        rc = one(p, dev, tok, eq + 1);
        if (rc > 0) {
            bad(p, key, "entry %d: bad %s=%s", idx, tok, eq + 1);
            rc = -1;
        }
    }
    free(copy);
    return rc;
}

/* xl's parse_nic_config; the keys a qvm vif can carry plus the common ones. */
static int nic_pair(struct xlcfg_parse *p, void *dev, const char *k, const char *v)
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
    msg(p, QC_SEV_WARNING, QC_CK_XLCFG_IGNORED, "vif",
        "sub-key %s= is not read by qvm-xl (ignored)", k);
    return xlcfg_lossy_add(p->lossy, "vif", "sub-key %s=%s ignored", k, v) ? -1 : 0;
}

int e_vif(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
{
    return each_pair(p, key, i, s, nic_pair, dev);
}

static int channel_pair(struct xlcfg_parse *p, void *dev, const char *k, const char *v)
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
static char *repeated_key(struct xlcfg_parse *p, const char *spec)
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

int e_channel(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
{
    libxl_device_channel *ch = dev;
    char *dup = s ? repeated_key(p, s) : NULL;

    /* libxl asserts when a channel's connection is set twice: refused before that. */
    if (dup) {
        msg(p, QC_SEV_ERROR, QC_CK_XLCFG_SPEC_REPEAT, key, "entry %d: %s= given twice", i, dup);
        free(dup);
        return -1;
    }
    if (p->nomem || each_pair(p, key, i, s, channel_pair, ch))
        return -1;
    if (!ch->name || ch->connection == LIBXL_CHANNEL_CONNECTION_UNKNOWN) {
        bad(p, key, "entry %d needs name= and connection= (as xl)", i);
        return -1;
    }
    return 0;
}

static int e_serial(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev)
{
    (void)key, (void)i, (void)dev;
    check(p, xlate_string_list_append(&p->dc->b_info.u.hvm.serial_list, s));
    return 0;
}

int r_vuart(struct xlcfg_parse *p, const char *key)
{
    const char *v = get_str(p, key);

    if (!v)
        return 0;
    if (strcmp(v, "sbsa_uart")) {
        bad(p, key, "\"%s\": only \"sbsa_uart\" exists", v);
        return -1;
    }
    p->dc->b_info.arch_arm.vuart = LIBXL_VUART_TYPE_SBSA_UART;
    return 0;
}

int r_gic_version(struct xlcfg_parse *p, const char *key)
{
    const char *v = get_str(p, key);

    if (v && libxl_gic_version_from_string(v, &p->dc->b_info.arch_arm.gic_version)) {
        bad(p, key, "\"%s\": expected v2 or v3", v);
        return -1;
    }
    return 0;
}

int r_serial(struct xlcfg_parse *p, const char *key)
{
    libxl_domain_build_info *b = &p->dc->b_info;
    XLU_ConfigList *l;
    int n;

    if (b->type != LIBXL_DOMAIN_TYPE_HVM) {
        if (key_given(p, key)) {
            msg(p, QC_SEV_WARNING, QC_CK_XLCFG_IGNORED, key,
                "only HVM guests have emulated serial ports (ignored, as xl)");
            return xlcfg_lossy_add(p->lossy, key, "ignored for a non-HVM guest") ? -1 : 0;
        }
        return 0;
    }
    /* A list is read as xl reads one; anything else as a single serial= string. */
    if (xlu_cfg_get_list(p->cfg, key, &l, &n, 1) == 0)
        return each_item(p, key, NULL, e_serial, NULL);
    return set_str(p, key, &b->u.hvm.serial);
}

/* An on_* action; xl's own value when the key is absent. */
static int read_action(struct xlcfg_parse *p, const struct xlcfg_key *k, void *field)
{
    const char *v = get_str(p, k->key);

    if (!v)
        v = k->names[k->xl_default];
    for (int i = 0; i < k->nnames; i++)
        if (k->names[i] && !strcmp(v, k->names[i])) {
            *(libxl_action_on_shutdown *)field = (libxl_action_on_shutdown)i;
            return 0;
        }
    bad(p, k->key, "unknown action \"%s\"", v);
    return -1;
}

/* A libxl enum spelled by its xl.cfg name (keys.def NAMES); absent: libxl's default. */
static int read_enum(struct xlcfg_parse *p, const struct xlcfg_key *k, void *field)
{
    const char *v = get_str(p, k->key);

    if (!v)
        return 0;
    for (int i = 0; i < k->nnames; i++)
        if (k->names[i] && !strcmp(v, k->names[i])) {
            *(int *)field = i; /* a libxl enum */
            return 0;
        }
    bad(p, k->key, "unknown value \"%s\"", v);
    return -1;
}

int xlcfg_read_generic(struct xlcfg_parse *p, const struct xlcfg_key *k)
{
    void *field = (char *)p->dc + k->off;
    long v;
    int rc;

    if (!(k->types & (1u << p->dc->b_info.type)))
        return 0; /* another type's union member: xl ignores the key */
    switch (k->kind) {
    case XLCFG_STRING:
        return set_str(p, k->key, field);
    case XLCFG_INT:
        if (get_long(p, k->key, &v))
            *(int *)field = (int)v;
        return 0;
    case XLCFG_DEFBOOL:
        rc = xlu_cfg_get_defbool(p->cfg, k->key, field, 1);
        if (rc && rc != ESRCH)
            bad(p, k->key, "must be 0 or 1");
        return 0;
    case XLCFG_ACTION:
        return read_action(p, k, field);
    case XLCFG_ENUM:
        return read_enum(p, k, field);
    default:
        return 0; /* keys of other kinds name their reader */
    }
}

int xlcfg_read_list(struct xlcfg_parse *p, const char *key, const struct xlcfg_key_fns *fn)
{
    return each_item(p, key, fn->add, fn->entry, fn->what);
}

/* type= (or the old builder=) first: it selects b_info's union member. */
static int read_type(struct xlcfg_parse *p, libxl_domain_type type)
{
    const char *v = get_str(p, "type");

    if (v) {
        if (libxl_domain_type_from_string(v, &type) || type == LIBXL_DOMAIN_TYPE_INVALID) {
            bad(p, "type", "\"%s\": expected pv, pvh or hvm", v);
            return -1;
        }
    } else if ((v = get_str(p, "builder"))) {
        if (!strcmp(v, "hvm"))
            type = LIBXL_DOMAIN_TYPE_HVM;
        else if (strcmp(v, "generic")) {
            bad(p, "builder", "\"%s\": expected generic or hvm", v);
            return -1;
        }
    }
    xlate_config_init_type(p->dc, type);
    return 0;
}

/* Every row of keys.def the reader knows, in order: its own reader, or its kind's. */
static void read_keys(struct xlcfg_parse *p)
{
    for (size_t i = 0; i < xlcfg_nkeys; i++) {
        const struct xlcfg_key *k = &xlcfg_keys[i];
        const struct xlcfg_key_fns *fn = &xlcfg_key_fns[i];

        if (!(k->dir & XLCFG_R))
            continue;
        p->key = k->key;
        if (k->kind == XLCFG_LIST)
            xlcfg_read_list(p, k->key, fn);
        else if (fn->read)
            fn->read(p, k->key);
        else
            xlcfg_read_generic(p, k);
        relay(p, QC_SEV_NOTE, QC_CK_XLCFG_LIBXLUTIL);
    }
    p->key = NULL;
}

/* Unknown keys are not silently ignored: each is a warning and a lossy entry. */
static void unknown_keys(struct xlcfg_parse *p)
{
    for (size_t i = 0; i < p->keys->n; i++) {
        const struct xlcfg_key *k = xlcfg_key_find(p->keys->v[i].key);
        bool again = false;

        for (size_t j = 0; j < i && !again; j++)
            again = !strcmp(p->keys->v[i].key, p->keys->v[j].key);
        if ((k && (k->dir & XLCFG_R)) || again)
            continue;
        qc_diag(p->d, QC_CK_XLCFG_UNKNOWN_KEY, p->keys->v[i].loc,
                "%s: not a key qvm-xl reads; not converted", p->keys->v[i].key);
        if (xlcfg_lossy_add(p->lossy, p->keys->v[i].key, "unknown xl.cfg key, not converted"))
            p->nomem = 1;
    }
}

/* libxlutil asserts on a NUL byte in a string (it measures tokens with strlen): an xl.cfg is
 * text, so any NUL is refused, at its line and column, before libxlutil sees it. */
static bool has_nul(const char *name, const char *data, size_t len, struct qc_diags *d)
{
    const char *nul = memchr(data, '\0', len);
    uint32_t line = 1, col = 1;

    if (!nul)
        return false;
    for (const char *c = data; c < nul; c++, col++)
        if (*c == '\n')
            line++, col = 0;
    qc_diag(d, QC_CK_XLCFG_NUL, (struct qc_loc){name, line, col}, "a NUL byte (an xl.cfg is text)");
    return true;
}

int xlcfg_read(const char *name, const char *data, size_t len, libxl_domain_type default_type,
               libxl_domain_config *dc, struct xlcfg_lossy_list *lossy, struct qc_diags *d,
               struct xlcfg_keymap *keys_r)
{
    struct xlcfg_keymap own;
    struct xlcfg_parse p = {.name = name, .dc = dc, .lossy = lossy, .d = d};
    int rc;

    xlcfg_keymap_init(&own);
    p.keys = keys_r ? keys_r : &own;
    if (len > INT32_MAX || has_nul(name, data, len, d))
        return XLCFG_ERR_INVAL;
    /* libxlutil always writes somewhere: into a buffer that relay() turns into diagnostics. */
    if (!(p.xlu_out = open_memstream(&p.xlu_text, &p.xlu_len)))
        return XLCFG_ERR_NOMEM;
    p.cfg = xlu_cfg_init(p.xlu_out, name);
    if (!p.cfg) {
        rc = XLCFG_ERR_NOMEM;
        goto out;
    }
    if (xlu_cfg_readdata(p.cfg, data, (int)len)) {
        relay(&p, QC_SEV_ERROR, QC_CK_XLCFG_SYNTAX); /* "name:line: config parsing error ..." */
        rc = XLCFG_ERR_INVAL;
        goto out;
    }
    rc = scan_keys(&p, data, len);
    if (rc)
        goto out;
    if (read_type(&p, default_type)) {
        rc = XLCFG_ERR_INVAL;
        goto out;
    }
    read_keys(&p);
    unknown_keys(&p);
    rc = p.nomem ? XLCFG_ERR_NOMEM : p.errors ? XLCFG_ERR_INVAL : 0;
out:
    if (p.cfg)
        xlu_cfg_destroy(p.cfg);
    relay(&p, QC_SEV_NOTE, QC_CK_XLCFG_LIBXLUTIL);
    fclose(p.xlu_out);
    free(p.xlu_text);
    xlcfg_keymap_dispose(&own);
    return rc;
}
