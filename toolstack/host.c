/* Host inventory from text (/proc files, the reservation file, domain
 * configs) and the precedence check of a VM against it. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

const char *qx_res_name(enum qx_res r)
{
    static const char *const names[] = {
#define QX_RES_NAME_ROW(e, name) [QX_RES_##e] = name,
        QX_RESOURCES(QX_RES_NAME_ROW)
#undef QX_RES_NAME_ROW
    };
    return (unsigned)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

void qx_host_init(struct qx_host *h)
{
    memset(h, 0, sizeof(*h));
}

void qx_host_dispose(struct qx_host *h)
{
    for (size_t i = 0; i < h->nclaims; i++) {
        free(h->claims[i].name);
        free(h->claims[i].holder);
    }
    free(h->claims);
    qx_host_init(h);
}

int qx_host_claim(struct qx_host *h, enum qx_res kind, uint64_t start, uint64_t len,
                  const char *name, const char *holder)
{
    struct qx_claim *v = realloc(h->claims, (h->nclaims + 1) * sizeof(*v));
    struct qx_claim c = {kind, start, len, name ? strdup(name) : NULL, strdup(holder)};

    if (v)
        h->claims = v;
    if (!v || !c.holder || (name && !c.name)) {
        free(c.name);
        free(c.holder);
        return -1;
    }
    h->claims[h->nclaims++] = c;
    return 0;
}

/* One /proc/iomem line: depth (2 spaces a level), range, name. */
struct iomem_line {
    unsigned depth;
    uint64_t start, end;
    char name[96];
};

static int iomem_line(const char *s, size_t len, struct iomem_line *l)
{
    char buf[160];
    int n = 0;

    if (len >= sizeof(buf))
        len = sizeof(buf) - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    l->depth = (unsigned)strspn(buf, " ") / 2;
    l->name[0] = '\0';
    if (sscanf(buf, " %" SCNx64 "-%" SCNx64 " : %n", &l->start, &l->end, &n) != 2 || !n ||
        l->end < l->start)
        return -1;
    snprintf(l->name, sizeof(l->name), "%s", buf + n);
    return 0;
}

/* Containers and memory, not device claims (qvm-xl(1), HOST PRECEDENCE). */
static bool iomem_is_claim(const char *name)
{
    static const char *const skip[] = {
        "System RAM", "RAM buffer", "reserved",     "Reserved", "PCI Bus",
        "PCI ECAM",   "Kernel ",    "Crash kernel", NULL,
    };
    for (const char *const *p = skip; *p; p++)
        if (strncmp(name, *p, strlen(*p)) == 0)
            return false;
    return *name != '\0';
}

int qx_host_parse_iomem(struct qx_host *h, const char *text)
{
    struct iomem_line cur, next;
    bool have = false;
    int added = 0;
    const char *p = text;

    /* A line is a leaf when the next line is not deeper. */
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        bool ok = iomem_line(p, len, &next) == 0;

        p = nl ? nl + 1 : NULL;
        if (!ok)
            continue;
        if (have && next.depth <= cur.depth && iomem_is_claim(cur.name)) {
            char holder[128];
            snprintf(holder, sizeof(holder), "dom0 (%s)", cur.name);
            if (qx_host_claim(h, QX_RES_IOMEM, cur.start, cur.end - cur.start + 1, NULL, holder))
                return -1;
            added++;
        }
        cur = next;
        have = true;
    }
    if (have && iomem_is_claim(cur.name)) {
        char holder[128];
        snprintf(holder, sizeof(holder), "dom0 (%s)", cur.name);
        if (qx_host_claim(h, QX_RES_IOMEM, cur.start, cur.end - cur.start + 1, NULL, holder))
            return -1;
        added++;
    }
    return added;
}

int qx_host_parse_interrupts(struct qx_host *h, const char *text)
{
    static const char *const chips[] = {"pirq", "IO-APIC", "XT-PIC", NULL};
    int added = 0;
    const char *p = text;

    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[512], *end;
        unsigned long irq;

        if (len >= sizeof(line))
            len = sizeof(line) - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        p = nl ? nl + 1 : NULL;
        char *s = line + strspn(line, " ");
        irq = strtoul(s, &end, 10);
        if (end == s || *end != ':' || irq > 0xffff)
            continue;
        bool physical = false;
        for (const char *const *c = chips; *c && !physical; c++)
            physical = strstr(end, *c) != NULL;
        if (!physical)
            continue;
        /* The device name is the last word of the line. */
        size_t l = strlen(end);
        while (l && (end[l - 1] == ' ' || end[l - 1] == '\r'))
            end[--l] = '\0';
        const char *dev = strrchr(end, ' ');
        char holder[96];
        snprintf(holder, sizeof(holder), "dom0 (%s)", dev ? dev + 1 : "?");
        if (qx_host_claim(h, QX_RES_IRQ, irq, 1, NULL, holder))
            return -1;
        added++;
    }
    return added;
}

int qx_host_add_domain(struct qx_host *h, const char *name, const libxl_domain_config *dc)
{
    char holder[128];

    snprintf(holder, sizeof(holder), "domain %s", name);
    if (qx_host_claim(h, QX_RES_NAME, 0, 0, name, holder))
        return -1;
    if (!dc)
        return 0;
    const libxl_domain_build_info *b = &dc->b_info;
    for (int i = 0; i < b->num_iomem; i++)
        if (qx_host_claim(h, QX_RES_IOMEM, b->iomem[i].start << 12, b->iomem[i].number << 12, NULL,
                          holder))
            return -1;
    for (int i = 0; i < b->num_irqs; i++)
        if (qx_host_claim(h, QX_RES_IRQ, b->irqs[i], 1, NULL, holder))
            return -1;
    return 0;
}

static int reserve_holder(char *buf, size_t len, struct qc_loc loc)
{
    return snprintf(buf, len, "host reservation %s:%u", loc.file ? loc.file : "?", loc.line);
}

int qx_host_parse_reserve(struct qx_host *h, const char *name, const char *text, FILE *err)
{
    struct qc_sources src;
    struct qc_words words;
    struct qc_diags d;
    struct qc_config cfg;
    char holder[256];
    int rc = -1;

    qc_sources_init(&src);
    qc_words_init(&words);
    qc_diags_init(&d);
    qc_config_init(&cfg);
    qc_read_text(&src, &words, name, text, strlen(text), NULL, &d);
    qc_parse(&words, NULL, &cfg, &d);
    if (d.errors) {
        qc_diags_print(err, &d, &src);
        goto out;
    }
    /* Only reservations belong here: a VM item would be silently ignored. */
    if (cfg.nregions || cfg.nloads || cfg.nvdevs || cfg.npasses || cfg.system.set ||
        cfg.cmdline.set) {
        fprintf(err, "%s: error: a host reservation file holds only `reserve` and `cpu runmask`\n",
                name);
        goto out;
    }
    for (size_t i = 0; i < cfg.ncpus; i++) {
        const struct qc_cpu *c = &cfg.cpus[i];
        if (!c->has_runmask) {
            fprintf(err, "%s:%u: error: a host `cpu` needs a runmask\n", name, c->loc.line);
            goto out;
        }
        reserve_holder(holder, sizeof(holder), c->loc);
        for (unsigned b = 0; b < 64; b++)
            if ((c->runmask >> b & 1) && qx_host_claim(h, QX_RES_PCPU, b, 1, NULL, holder))
                goto out;
    }
    for (size_t i = 0; i < cfg.nreserves; i++) {
        const struct qc_reserve *r = &cfg.reserves[i];
        for (size_t j = 0; j < r->nlocs; j++) {
            const struct qc_locspec *l = &r->locs[j];
            const struct qc_place *pl = l->has_host ? &l->host : &l->guest;
            if (pl->space != QC_SPACE_MEM) {
                fprintf(err, "%s:%u: error: a host reservation is a mem: range\n", name,
                        l->loc.line);
                goto out;
            }
            reserve_holder(holder, sizeof(holder), l->loc);
            if (qx_host_claim(h, QX_RES_IOMEM, pl->addr, l->has_len ? l->len : 4096, NULL, holder))
                goto out;
        }
        for (size_t j = 0; j < r->nintrs; j++) {
            reserve_holder(holder, sizeof(holder), r->intrs[j].loc);
            if (qx_host_claim(h, QX_RES_IRQ, r->intrs[j].line, 1, NULL, holder))
                goto out;
        }
    }
    rc = 0;
out:
    qc_config_dispose(&cfg);
    qc_diags_dispose(&d);
    qc_words_dispose(&words);
    qc_sources_dispose(&src);
    return rc;
}

int qx_host_load_reserve(struct qx_host *h, const char *path, int must_exist, FILE *err)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;
    int rc = -1;

    if (!f) {
        if (!must_exist && errno == ENOENT)
            return 0;
        fprintf(err, "qvm-xl: %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (getdelim(&text, &len, '\0', f) < 0 && ferror(f))
        fprintf(err, "qvm-xl: %s: read error\n", path);
    else
        rc = qx_host_parse_reserve(h, path, text ? text : "", err);
    free(text);
    fclose(f);
    return rc;
}

void qx_conflicts_init(struct qx_conflicts *c)
{
    c->v = NULL;
    c->n = 0;
}

void qx_conflicts_dispose(struct qx_conflicts *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].what);
    free(c->v);
    qx_conflicts_init(c);
}

static int conflict(struct qx_conflicts *out, enum qx_res kind, const char *holder,
                    struct qc_loc loc, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int conflict(struct qx_conflicts *out, enum qx_res kind, const char *holder,
                    struct qc_loc loc, const char *fmt, ...)
{
    struct qx_conflict *v = realloc(out->v, (out->n + 1) * sizeof(*v));
    char *what = NULL;
    va_list ap;
    int n;

    if (!v)
        return -1;
    out->v = v;
    va_start(ap, fmt);
    n = vasprintf(&what, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    out->v[out->n++] = (struct qx_conflict){kind, what, holder, loc};
    return 0;
}

/* The first claim of @kind overlapping [start, start+len), or NULL. */
static const struct qx_claim *held(const struct qx_host *h, enum qx_res kind, uint64_t start,
                                   uint64_t len)
{
    for (size_t i = 0; i < h->nclaims; i++) {
        const struct qx_claim *c = &h->claims[i];
        if (c->kind == kind && start < c->start + c->len && c->start < start + len)
            return c;
    }
    return NULL;
}

static int check_pcpus(const struct qx_host *h, const struct qc_config *cfg,
                       struct qx_conflicts *out)
{
    for (size_t i = 0; i < cfg->ncpus; i++) {
        const struct qc_cpu *c = &cfg->cpus[i];
        if (!c->has_runmask)
            continue;
        for (unsigned b = 0; b < 64; b++) {
            if (!(c->runmask >> b & 1))
                continue;
            const struct qx_claim *k = held(h, QX_RES_PCPU, b, 1);
            if (h->nr_pcpus && b >= h->nr_pcpus) {
                if (conflict(out, QX_RES_PCPU, NULL, c->runmask_loc,
                             "pCPU %u of cpu %zu does not exist (the host has %u)", b, i,
                             h->nr_pcpus))
                    return -1;
            } else if (k && conflict(out, QX_RES_PCPU, k->holder, c->runmask_loc,
                                     "pCPU %u of cpu %zu", b, i)) {
                return -1;
            }
        }
    }
    return 0;
}

int qx_host_check(const struct qx_host *h, const struct qc_config *cfg,
                  const libxl_domain_config *dc, struct qx_conflicts *out)
{
    const libxl_domain_build_info *b = &dc->b_info;
    const struct qc_loc none = {0};
    const struct qx_claim *k;
    size_t before = out->n;

    if (dc->c_info.name) {
        for (size_t i = 0; i < h->nclaims; i++) {
            k = &h->claims[i];
            if (k->kind == QX_RES_NAME && k->name && strcmp(k->name, dc->c_info.name) == 0 &&
                conflict(out, QX_RES_NAME, k->holder, cfg->system.loc, "domain name '%s'",
                         dc->c_info.name))
                return -1;
        }
    }
    if (check_pcpus(h, cfg, out))
        return -1;
    if (h->has_free_kb && b->max_memkb != LIBXL_MEMKB_DEFAULT && b->max_memkb > h->free_kb &&
        conflict(out, QX_RES_MEMORY, NULL, cfg->nregions ? cfg->regions[0].loc : none,
                 "memory %" PRIu64 " KiB is more than the host's free %" PRIu64 " KiB",
                 b->max_memkb, h->free_kb))
        return -1;
    for (int i = 0; i < b->num_iomem; i++) {
        uint64_t start = b->iomem[i].start << 12, len = b->iomem[i].number << 12;
        if ((k = held(h, QX_RES_IOMEM, start, len)) &&
            conflict(out, QX_RES_IOMEM, k->holder, none, "iomem 0x%" PRIx64 "-0x%" PRIx64, start,
                     start + len - 1))
            return -1;
    }
    for (int i = 0; i < b->num_irqs; i++)
        if ((k = held(h, QX_RES_IRQ, b->irqs[i], 1)) &&
            conflict(out, QX_RES_IRQ, k->holder, none, "irq %" PRIu32, b->irqs[i]))
            return -1;
    return (int)(out->n - before);
}

void qx_conflicts_print(FILE *out, const struct qx_conflicts *c)
{
    for (size_t i = 0; i < c->n; i++) {
        const struct qx_conflict *k = &c->v[i];
        if (k->loc.file)
            fprintf(out, "%s:%u:%u: ", k->loc.file, k->loc.line, k->loc.col);
        else
            fputs("qvm-xl: ", out);
        fprintf(out, "error: host conflict (%s): %s", qx_res_name(k->kind), k->what);
        if (k->holder)
            fprintf(out, " is held by %s", k->holder);
        fputc('\n', out);
    }
}
