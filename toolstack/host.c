/* SPDX-License-Identifier: LGPL-2.1-only */
/* Host inventory from text (/proc files, the reservation file, domain
 * configs) and the precedence check of a VM against it. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/host.h"
#include "conf/doc.h"

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
    struct qx_claim c = {kind, start, len, name ? strdup(name) : NULL, strdup(holder)};

    if (h->nclaims == h->cap_claims && c.holder && (!name || c.name)) {
        /* Doubling: a large reservation file stays linear. */
        size_t cap = h->cap_claims ? 2 * h->cap_claims : 16;
        struct qx_claim *v = realloc(h->claims, cap * sizeof(*v));
        if (v) {
            h->claims = v;
            h->cap_claims = cap;
        }
    }
    if (h->nclaims == h->cap_claims || !c.holder || (name && !c.name)) {
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

/* The length of a line's inclusive range; the whole 64-bit space (2^64
 * bytes) is kept as 2^64 - 1, since a length of 0 would hold nothing. */
static uint64_t iomem_len(const struct iomem_line *l)
{
    return l->end - l->start == UINT64_MAX ? UINT64_MAX : l->end - l->start + 1;
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
            if (qx_host_claim(h, QX_RES_IOMEM, cur.start, iomem_len(&cur), NULL, holder))
                return -1;
            added++;
        }
        cur = next;
        have = true;
    }
    if (have && iomem_is_claim(cur.name)) {
        char holder[128];
        snprintf(holder, sizeof(holder), "dom0 (%s)", cur.name);
        if (qx_host_claim(h, QX_RES_IOMEM, cur.start, iomem_len(&cur), NULL, holder))
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

/* Where the argument of the option whose keyword is word @seq is (the
 * parser takes it from the next word); @kw when there is none. */
static struct qc_loc arg_loc(const struct qc_words *w, size_t seq, struct qc_loc kw)
{
    return seq + 1 < w->count ? w->items[seq + 1].loc : kw;
}

static void not_allowed(struct qc_diags *d, struct qc_loc loc, const char *what)
{
    qc_diag(d, QC_CK_HOST_RESERVE_ITEM, loc,
            "`%s` is not allowed in a host reservation file (only `cpu runmask LIST`, "
            "`reserve loc mem:ADDR[,LEN]` and `reserve intr N`)",
            what);
}

/* The VM items: a host reservation file holds none of them. */
static void check_vm_items(const struct qc_config *cfg, struct qc_diags *d)
{
    const struct {
        const struct qc_str_opt *o;
        const char *name;
    } opts[] = {
        {&cfg->system, "system"}, {&cfg->cmdline, "cmdline"}, {&cfg->dump, "dump"},
        {&cfg->safety, "safety"}, {&cfg->dryrun, "dryrun"},   {&cfg->debug, "debug"},
    };

    for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if (opts[i].o->set)
            not_allowed(d, opts[i].o->loc, opts[i].name);
    if (cfg->tolerance.set)
        not_allowed(d, cfg->tolerance.loc, "tolerance");
    for (size_t i = 0; i < cfg->nregions; i++)
        not_allowed(d, cfg->regions[i].loc, cfg->regions[i].rom ? "rom" : "ram");
    for (size_t i = 0; i < cfg->nloads; i++)
        not_allowed(d, cfg->loads[i].loc, "load");
    for (size_t i = 0; i < cfg->nvdevs; i++)
        not_allowed(d, cfg->vdevs[i].loc, "vdev");
    for (size_t i = 0; i < cfg->npasses; i++)
        not_allowed(d, cfg->passes[i].loc, "pass");
    for (size_t i = 0; i < cfg->nloggers; i++)
        not_allowed(d, cfg->loggers[i].loc, "logger");
    for (size_t i = 0; i < cfg->nsetvars; i++)
        not_allowed(d, cfg->setvars[i].loc, "set");
    for (size_t i = 0; i < cfg->nunsupported; i++)
        not_allowed(d, cfg->unsupported[i].loc, "unsupported");
}

/* Whether the options written after `cpu` (word @seq) include a runmask,
 * perhaps one that did not parse (it has its own error then). */
static bool runmask_written(const struct qc_words *w, size_t seq)
{
    static const char *const opts[] = {"runmask", "sched", "partition", "cluster"};

    for (size_t i = seq + 1; i < w->count && w->items[i].seg == w->items[seq].seg; i += 2) {
        size_t k = 0;
        while (k < sizeof(opts) / sizeof(opts[0]) && strcmp(w->items[i].text, opts[k]) != 0)
            k++;
        if (k == 0)
            return true;
        if (k == sizeof(opts) / sizeof(opts[0]))
            break;
    }
    return false;
}

static void check_cpu(const struct qc_cpu *c, const struct qc_words *w, struct qc_diags *d)
{
    static const char only[] = "a host `cpu` takes only `runmask`";

    if (!c->has_runmask && !runmask_written(w, c->seq))
        qc_diag(d, QC_CK_HOST_RESERVE_CPU, c->loc,
                "a host `cpu` needs `runmask LIST` (the pCPUs kept for the host)");
    if (c->partition)
        qc_diag(d, QC_CK_HOST_RESERVE_CPU, c->partition_loc, "%s, not `partition`", only);
    if (c->cluster)
        qc_diag(d, QC_CK_HOST_RESERVE_CPU, c->cluster_loc, "%s, not `cluster`", only);
    if (c->sched.set)
        qc_diag(d, QC_CK_HOST_RESERVE_CPU, c->sched.loc, "%s, not `sched`", only);
}

/* One side of a `reserve loc`: host physical memory, a range that is not
 * empty and does not go past 2^64 - 1 (ADDR + LEN fits in 64 bits). */
static void check_place(const struct qc_place *pl, uint64_t len, struct qc_loc at, const char *side,
                        struct qc_diags *d)
{
    static const char *const spaces[] = {[QC_SPACE_NONE] = "no",
                                         [QC_SPACE_MEM] = "mem:",
                                         [QC_SPACE_IO] = "io:",
                                         [QC_SPACE_PCI_BDF] = "pci:",
                                         [QC_SPACE_PCI_ID] = "pci:"};

    if (pl->space != QC_SPACE_MEM) {
        qc_diag(
            d, QC_CK_HOST_RESERVE_SPACE, at, "a host reservation is a mem: range, not %s space%s",
            (unsigned)pl->space < sizeof(spaces) / sizeof(spaces[0]) ? spaces[pl->space] : "this",
            side);
        return;
    }
    if (len > UINT64_MAX - pl->addr)
        qc_diag(d, QC_CK_HOST_RESERVE_RANGE, at,
                "range 0x%" PRIx64 ",0x%" PRIx64 "%s goes past the end of the 64-bit "
                "address space",
                pl->addr, len, side);
}

static void check_reserve(const struct qc_reserve *r, const struct qc_words *w, struct qc_diags *d)
{
    /* A `loc` or `intr` that did not parse has its own error already. */
    const struct qc_word *next = r->seq + 1 < w->count ? &w->items[r->seq + 1] : NULL;
    bool tried = next && next->seg == w->items[r->seq].seg &&
                 (strcmp(next->text, "loc") == 0 || strcmp(next->text, "intr") == 0);

    if (!r->nlocs && !r->nintrs && !tried)
        qc_diag(d, QC_CK_HOST_RESERVE_EMPTY, r->loc,
                "`reserve` without `loc` or `intr` reserves nothing");
    for (size_t j = 0; j < r->nlocs; j++) {
        const struct qc_locspec *l = &r->locs[j];
        struct qc_loc at = arg_loc(w, l->seq, l->loc);
        uint64_t len = l->has_len ? l->len : 4096;

        if (l->has_len && l->len == 0) {
            qc_diag(d, QC_CK_HOST_RESERVE_RANGE, at,
                    "a host reservation of length 0 reserves nothing");
            continue;
        }
        check_place(&l->guest, len, at, l->has_host ? " (before '=')" : "", d);
        if (l->has_host)
            check_place(&l->host, len, at, " (after '=')", d);
    }
}

/* The first NUL byte of text[0..len) as a location; false when there is none. */
static bool find_nul(const char *name, const char *text, size_t len, struct qc_loc *at)
{
    const char *nul = memchr(text, '\0', len);
    uint32_t line = 1;
    const char *bol = text;

    if (!nul)
        return false;
    for (const char *p = text; (p = memchr(p, '\n', (size_t)(nul - p))); bol = ++p)
        line++;
    *at = (struct qc_loc){name, line, (uint32_t)(nul - bol + 1)};
    return true;
}

/* File order (all diagnostics are of the one file): line, column, errors
 * before warnings. */
static int diag_cmp(const void *a, const void *b)
{
    const struct qc_diag *x = a, *y = b;

    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    if (x->loc.col != y->loc.col)
        return x->loc.col < y->loc.col ? -1 : 1;
    if (x->sev != y->sev)
        return x->sev > y->sev ? -1 : 1;
    /* qsort is not stable: ties are ordered by their text. */
    int c = strcmp(x->check, y->check);
    return c ? c : strcmp(x->msg ? x->msg : "", y->msg ? y->msg : "");
}

/* Claims what @cfg (checked: no error) reserves. */
static int claim_all(struct qx_host *h, const struct qc_config *cfg)
{
    char holder[256];

    for (size_t i = 0; i < cfg->ncpus; i++) {
        const struct qc_cpu *c = &cfg->cpus[i];
        reserve_holder(holder, sizeof(holder), c->loc);
        for (unsigned b = 0; b < 64; b++)
            if ((c->runmask >> b & 1) && qx_host_claim(h, QX_RES_PCPU, b, 1, NULL, holder))
                return -1;
    }
    for (size_t i = 0; i < cfg->nreserves; i++) {
        const struct qc_reserve *r = &cfg->reserves[i];
        for (size_t j = 0; j < r->nlocs; j++) {
            const struct qc_locspec *l = &r->locs[j];
            const struct qc_place *pl = l->has_host ? &l->host : &l->guest;
            reserve_holder(holder, sizeof(holder), l->loc);
            if (qx_host_claim(h, QX_RES_IOMEM, pl->addr, l->has_len ? l->len : 4096, NULL, holder))
                return -1;
        }
        for (size_t j = 0; j < r->nintrs; j++) {
            reserve_holder(holder, sizeof(holder), r->intrs[j].loc);
            if (qx_host_claim(h, QX_RES_IRQ, r->intrs[j].line, 1, NULL, holder))
                return -1;
        }
    }
    return 0;
}

int qx_host_parse_reserve_n(struct qx_host *h, const char *name, const char *text, size_t len,
                            FILE *err)
{
    /* Self-contained: no @FILE includes, no $ substitutions (qvm-xl(1)). */
    const struct qc_doc_opts opts = {.read = {.no_includes = true}};
    struct qc_doc doc;
    struct qc_config only;
    struct qc_loc at;
    int rc = -1;

    qc_doc_init(&doc, &opts);
    if (find_nul(name, text, len, &at)) {
        /* Not text: one error, not one per byte of a binary file. */
        qc_diag(&doc.d, QC_CK_HOST_RESERVE_NUL, at, "NUL byte: a host reservation file is text");
        qc_diags_print(err, &doc.d, NULL);
        goto out;
    }
    qc_doc_read_buffer(&doc, name, text, len);
    qc_doc_parse(&doc);
    check_vm_items(&doc.cfg, &doc.d);
    for (size_t i = 0; i < doc.cfg.ncpus; i++)
        check_cpu(&doc.cfg.cpus[i], &doc.words, &doc.d);
    for (size_t i = 0; i < doc.cfg.nreserves; i++)
        check_reserve(&doc.cfg.reserves[i], &doc.words, &doc.d);
    /* Whatever the checks above do not know (a new kind of item) is an error too:
     * the model must be its cpus and reserves and nothing else. */
    qc_config_init(&only);
    only.arch = doc.cfg.arch;
    only.cpus = doc.cfg.cpus;
    only.ncpus = doc.cfg.ncpus;
    only.reserves = doc.cfg.reserves;
    only.nreserves = doc.cfg.nreserves;
    if (!doc.d.errors && !qc_config_equal(&doc.cfg, &only))
        qc_diag(&doc.d, QC_CK_HOST_RESERVE_ITEM,
                doc.words.count ? doc.words.items[0].loc : (struct qc_loc){name, 1, 1},
                "this file holds more than `cpu runmask` and `reserve` items");
    if (doc.d.count) {
        qsort(doc.d.items, doc.d.count, sizeof(*doc.d.items), diag_cmp);
        qc_diags_print(err, &doc.d, &doc.src);
    }
    if (!doc.d.errors && (rc = claim_all(h, &doc.cfg)))
        fprintf(err, "%s: error: out of memory\n", name);
out:
    qc_doc_dispose(&doc);
    return rc;
}

int qx_host_parse_reserve(struct qx_host *h, const char *name, const char *text, FILE *err)
{
    return qx_host_parse_reserve_n(h, name, text, strlen(text), err);
}

int qx_host_load_reserve(struct qx_host *h, const char *path, int must_exist, FILE *err)
{
    char *text = NULL;
    size_t len = 0;
    int e = qc_read_regular_file(path, QX_HOST_RESERVE_MAX, &text, &len), rc;

    if (e == ENOENT && !must_exist)
        return 0;
    if (e == EFBIG) {
        fprintf(err, "qvm-xl: %s: cannot read the host reservation file: larger than %d bytes\n",
                path, QX_HOST_RESERVE_MAX);
        return -1;
    }
    if (e) {
        fprintf(err, "qvm-xl: %s: cannot read the host reservation file: %s\n", path,
                qc_file_strerror(e));
        return -1;
    }
    rc = qx_host_parse_reserve_n(h, path, text, len, err);
    free(text);
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

/* The last byte of [start, start+len) (len > 0), at most 2^64 - 1: a range
 * that would wrap ends at the top of the address space. */
static uint64_t last_byte(uint64_t start, uint64_t len)
{
    return len - 1 > UINT64_MAX - start ? UINT64_MAX : start + (len - 1);
}

/* The first claim of @kind overlapping [start, start+len), or NULL. Empty
 * ranges overlap nothing; a range reaching 2^64 does not wrap to 0. */
static const struct qx_claim *held(const struct qx_host *h, enum qx_res kind, uint64_t start,
                                   uint64_t len)
{
    if (!len)
        return NULL;
    for (size_t i = 0; i < h->nclaims; i++) {
        const struct qx_claim *c = &h->claims[i];
        if (c->kind == kind && c->len && start <= last_byte(c->start, c->len) &&
            c->start <= last_byte(start, len))
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
