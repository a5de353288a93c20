/* The qvmconf parser: one pass over the words, with qvm's contexts (cpu,
 * vdev, pass, reserve) that only the next context keyword or the end of the
 * input closes; global options are handled wherever they appear. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "suggest.h"

int qc_p_diag(struct qc_parser *p, enum qc_severity sev, const char *check, struct qc_loc loc,
              const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int idx = qc_diag_vadd(p->d, sev, check, loc, fmt, ap);
    va_end(ap);
    return idx;
}

static const struct qc_word *cur(struct qc_parser *p)
{
    return &p->w->items[p->i];
}

static bool word_is(const struct qc_word *w, const char *s)
{
    return strlen(s) == w->len && memcmp(w->text, s, w->len) == 0;
}

/* The argument of the option at p->i: the next word, which must come from
 * the same source segment (spec 1.1). Advances p->i onto it. */
static const struct qc_word *arg(struct qc_parser *p)
{
    const struct qc_word *opt = cur(p);
    if (p->i + 1 >= p->w->count || p->w->items[p->i + 1].seg != opt->seg) {
        bool other = p->i + 1 < p->w->count;
        int idx =
            qc_p_diag(p, QC_SEV_ERROR, "arg-missing", opt->loc,
                      other ? "'%s' needs an argument in the same file" : "'%s' needs an argument",
                      opt->text);
        if (idx >= 0 && other)
            qc_diag_note(p->d, idx, p->w->items[p->i + 1].loc,
                         "the next word comes from another source");
        return NULL;
    }
    return &p->w->items[++p->i];
}

/* Warns that a last-wins option replaces an earlier one. */
static void overridden(struct qc_parser *p, const char *name, struct qc_loc now,
                       struct qc_loc before)
{
    int idx = qc_p_diag(p, QC_SEV_WARNING, "option-overridden", now,
                        "'%s' given again; the last one wins", name);
    if (idx >= 0)
        qc_diag_note(p->d, idx, before, "earlier '%s' is here", name);
}

static void note_arch(struct qc_parser *p, unsigned mask, struct qc_loc loc)
{
    if (mask == QC_AR_ANY || p->cfg->arch != QC_ARCH_ANY)
        return;
    p->cfg->arch = mask == QC_AR_X86 ? QC_ARCH_X86 : QC_ARCH_ARM;
    p->cfg->arch_loc = loc;
}

static char *dup_word(const struct qc_word *w)
{
    return strndup(w->text, w->len);
}

static int oom(struct qc_parser *p)
{
    qc_p_diag(p, QC_SEV_ERROR, "out-of-memory", cur(p)->loc, "out of memory");
    return -1;
}

/* A single-instance string option (system, cmdline, dump, safety, ...). */
static int str_opt(struct qc_parser *p, int id, struct qc_str_opt *o, const struct qc_word *a)
{
    const struct qc_opt_desc *od = &qc_opts[id];
    const struct qc_word *kw = &p->w->items[p->i - (a ? 1 : 0)];
    if (a && od->fields && qc_list_index(od->fields, '|', a->text, a->len) < 0) {
        qc_p_diag(p, QC_SEV_ERROR, "arg-invalid", a->loc, "'%s' takes %s, not '%s'", od->name,
                  od->fields, a->text);
        return -1;
    }
    if (o->set)
        overridden(p, od->name, kw->loc, o->loc);
    free(o->value);
    o->value = a ? dup_word(a) : NULL;
    o->set = true;
    o->loc = kw->loc;
    o->seq = (size_t)(kw - p->w->items);
    return 0;
}

static size_t *set_slot(struct qc_parser *p, enum qc_set_ctx ctx, size_t owner, const char *name);

static int do_set(struct qc_parser *p, const struct qc_word *kw)
{
    const struct qc_word *name = arg(p);
    const struct qc_word *val = name ? arg(p) : NULL;
    if (!val)
        return -1;
    struct qc_setvar sv = {.var = qc_setvar_lookup(name->text, name->len), .loc = kw->loc};
    sv.seq = (size_t)(kw - p->w->items);
    enum qc_ctx want = sv.var >= 0 ? qc_setvars[sv.var].ctx : p->ctx;
    enum qc_ctx here = p->ctx == QC_CTX_CPU || p->ctx == QC_CTX_VDEV ? p->ctx : QC_CTX_GLOBAL;
    if (sv.var >= 0 && want != QC_CTX_GLOBAL && want != here)
        qc_p_diag(p, QC_SEV_WARNING, "set-context", kw->loc,
                  "variable '%s' belongs in a %s context", name->text, qc_ctx_name(want));
    if (sv.var < 0 || want != QC_CTX_GLOBAL) {
        sv.ctx = here == QC_CTX_CPU    ? QC_SET_CPU
                 : here == QC_CTX_VDEV ? QC_SET_VDEV
                                       : QC_SET_GLOBAL;
        sv.owner = sv.ctx == QC_SET_GLOBAL ? 0 : p->ctx_index;
    }
    if (sv.var >= 0) {
        note_arch(p, qc_setvars[sv.var].arch, kw->loc);
        static const char *const choices[] = {
            [QC_ST_BOOL] = "off|on|0|1|no|yes|false|true", [QC_ST_TRISTATE] = "off|on|auto"};
        enum qc_settype t = qc_setvars[sv.var].type;
        int ci;
        switch (t) {
        case QC_ST_BOOL:
        case QC_ST_TRISTATE:
            ci = qc_list_index(choices[t], '|', val->text, val->len);
            if (ci < 0) {
                qc_p_diag(p, QC_SEV_ERROR, "set-value", val->loc, "'%s' takes %s, not '%s'",
                          name->text, choices[t], val->text);
                return -1;
            }
            sv.num = t == QC_ST_BOOL ? (uint64_t)(ci & 1) : (uint64_t)ci;
            break;
        case QC_ST_NUMBER:
        case QC_ST_ADDR:
            if (qc_p_num(p, val, val->text, val->len, t == QC_ST_ADDR ? QC_NUM_ADDR : QC_NUM_COUNT,
                         &sv.num))
                return -1;
            break;
        case QC_ST_STRING:
            break;
        }
    }
    /* Last wins per variable and context. */
    size_t *live = set_slot(p, sv.ctx, sv.owner, name->text);
    if (!live)
        return oom(p);
    if (*live) {
        struct qc_setvar *o = &p->cfg->setvars[*live - 1];
        overridden(p, o->name, kw->loc, o->loc);
        free(o->name);
        free(o->value);
        o->name = o->value = NULL; /* a tombstone until qc_parse ends */
        p->set_dead++;
    }
    sv.name = dup_word(name);
    sv.value = dup_word(val);
    struct qc_setvar *slot =
        sv.name && sv.value ? qc_p_push(&p->cfg->setvars, &p->cfg->nsetvars, sizeof(*slot)) : NULL;
    if (!slot) {
        free(sv.name);
        free(sv.value);
        *live = 0; /* the overridden one is gone too */
        return oom(p);
    }
    *slot = sv;
    *live = p->cfg->nsetvars;
    return 0;
}

static size_t set_hash(enum qc_set_ctx ctx, size_t owner, const char *name)
{
    size_t h = (size_t)ctx * 0x9e3779b97f4a7c15u ^ owner * 0x85ebca6bu;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++)
        h = (h ^ *c) * 0x100000001b3u;
    return h;
}

/* The slot of (ctx, owner, name): holding its live setvar's index + 1, or 0. NULL when out
 * of memory. The table doubles at half full (tombstoned setvars keep their slots'
 * entries pointing at the newer one, so no slot is ever freed). */
static size_t *set_slot(struct qc_parser *p, enum qc_set_ctx ctx, size_t owner, const char *name)
{
    if (2 * (p->cfg->nsetvars + 1) > p->set_cap) {
        size_t ncap = p->set_cap ? p->set_cap * 2 : 64;
        size_t *n = calloc(ncap, sizeof(*n));
        if (!n)
            return NULL;
        for (size_t i = 0; i < p->set_cap; i++) {
            size_t v = p->set_slots[i];
            if (!v)
                continue;
            const struct qc_setvar *o = &p->cfg->setvars[v - 1];
            size_t k = set_hash(o->ctx, o->owner, o->name) & (ncap - 1);
            while (n[k])
                k = (k + 1) & (ncap - 1);
            n[k] = v;
        }
        free(p->set_slots);
        p->set_slots = n, p->set_cap = ncap;
    }
    size_t k = set_hash(ctx, owner, name) & (p->set_cap - 1);
    for (;; k = (k + 1) & (p->set_cap - 1)) {
        size_t v = p->set_slots[k];
        if (!v)
            return &p->set_slots[k];
        const struct qc_setvar *o = &p->cfg->setvars[v - 1];
        if (o->ctx == ctx && o->owner == owner && !strcmp(o->name, name))
            return &p->set_slots[k];
    }
}

/* Drops the tombstones of overridden setvars, keeping the others' order. */
static void compact_setvars(struct qc_parser *p)
{
    size_t n = 0;
    if (!p->set_dead)
        return;
    for (size_t i = 0; i < p->cfg->nsetvars; i++)
        if (p->cfg->setvars[i].name)
            p->cfg->setvars[n++] = p->cfg->setvars[i];
    p->cfg->nsetvars = n;
}

static int do_unsupported(struct qc_parser *p, const struct qc_word *kw)
{
    const struct qc_word *t = arg(p);
    const struct qc_word *a = t ? arg(p) : NULL;
    if (!a)
        return -1;
    int ti = qc_list_index("instruction|reference|register", '|', t->text, t->len);
    int ai = qc_list_index("abort|fail|ignore", '|', a->text, a->len);
    if (ti < 0 || ai < 0) {
        qc_p_diag(p, QC_SEV_ERROR, "arg-invalid", ti < 0 ? t->loc : a->loc,
                  "unsupported takes instruction|reference|register abort|fail|ignore");
        return -1;
    }
    /* Last wins per type, and the winner takes the place of the last
     * occurrence: the array stays in input order, as the writer prints it. */
    struct qc_config *c = p->cfg;
    for (size_t i = 0; i < c->nunsupported; i++)
        if (c->unsupported[i].type == (enum qc_unsup_type)ti) {
            overridden(p, "unsupported", kw->loc, c->unsupported[i].loc);
            memmove(&c->unsupported[i], &c->unsupported[i + 1],
                    (c->nunsupported - i - 1) * sizeof(c->unsupported[0]));
            c->nunsupported--;
            break;
        }
    struct qc_unsupported *u = qc_p_push(&c->unsupported, &c->nunsupported, sizeof(*u));
    if (!u)
        return oom(p);
    *u = (struct qc_unsupported){(enum qc_unsup_type)ti, (enum qc_unsup_action)ai, kw->loc,
                                 (size_t)(kw - p->w->items)};
    return 0;
}

static int do_logger(struct qc_parser *p, const struct qc_word *kw)
{
    const struct qc_word *f = arg(p);
    const struct qc_word *dst = f ? arg(p) : NULL;
    unsigned mask;
    if (!dst)
        return -1;
    if (qc_p_filters(p, f, qc_opts[QC_OPT_LOGGER].fields, &mask))
        return -1;
    int di = qc_list_index("stdout|stderr|slog|none", '|', dst->text, dst->len);
    if (di < 0) {
        qc_p_diag(p, QC_SEV_ERROR, "arg-invalid", dst->loc,
                  "logger destination is stdout|stderr|slog|none, not '%s'", dst->text);
        return -1;
    }
    struct qc_logger *l = qc_p_push(&p->cfg->loggers, &p->cfg->nloggers, sizeof(*l));
    if (!l)
        return oom(p);
    *l = (struct qc_logger){mask, (enum qc_log_dest)di, kw->loc, (size_t)(kw - p->w->items)};
    return 0;
}

static int do_load(struct qc_parser *p, const struct qc_word *kw, int blob)
{
    const struct qc_word *a = arg(p);
    if (!a)
        return -1;
    struct qc_load ld = {.blob = blob, .loc = kw->loc, .seq = (size_t)(kw - p->w->items)};
    const char *c = memchr(a->text, ',', a->len);
    const char *path = a->text;
    /* "[address,]path": the part before a comma is an address only when it
     * parses as one, so paths containing commas still work. */
    if (c &&
        qc_num_parse(a->text, (size_t)(c - a->text), QC_NUM_ADDR, &ld.addr, NULL) == QC_NUM_OK) {
        ld.has_addr = true;
        path = c + 1;
    }
    if (!*path) {
        qc_p_diag(p, QC_SEV_ERROR, "arg-invalid", a->loc, "load needs a file path");
        return -1;
    }
    struct qc_load *slot = qc_p_push(&p->cfg->loads, &p->cfg->nloads, sizeof(*slot));
    if (!slot)
        return oom(p);
    ld.path = strdup(path);
    *slot = ld;
    return 0;
}

static int do_region(struct qc_parser *p, const struct qc_word *kw, bool rom)
{
    const struct qc_word *a = arg(p);
    struct qc_region r = {.rom = rom, .loc = kw->loc, .seq = (size_t)(kw - p->w->items)};
    if (!a || qc_p_memspec(p, a, &r.has_start, &r.start, &r.size)) {
        if (r.seq < p->cfg->bad_region_seq)
            p->cfg->bad_region_seq = r.seq;
        return -1;
    }
    struct qc_region *slot = qc_p_push(&p->cfg->regions, &p->cfg->nregions, sizeof(*slot));
    if (!slot)
        return oom(p);
    *slot = r;
    return 0;
}

static int do_tolerance(struct qc_parser *p, const struct qc_word *kw)
{
    const struct qc_word *a = arg(p);
    uint64_t v;
    if (!a || qc_p_num(p, a, a->text, a->len, QC_NUM_COUNT, &v))
        return -1;
    if (p->cfg->tolerance.set)
        overridden(p, "tolerance", kw->loc, p->cfg->tolerance.loc);
    p->cfg->tolerance = (struct qc_num_opt){true, v, kw->loc, (size_t)(kw - p->w->items)};
    return 0;
}

/* `debug [WORD]` (project decision, spec 2.17 leaves it unconfirmed): the
 * optional word is taken when it is in the same source and no keyword. */
static int do_debug(struct qc_parser *p)
{
    const struct qc_word *next = p->i + 1 < p->w->count ? &p->w->items[p->i + 1] : NULL;
    const struct qc_word *a = NULL;
    if (next && next->seg == cur(p)->seg && !qc_is_keyword(next->text, next->len))
        a = &p->w->items[++p->i];
    return str_opt(p, QC_OPT_DEBUG, &p->cfg->debug, a);
}

/* "did you mean": a note at @loc on diagnostic @di naming the closest of
 * the vdev types (conf/suggest.h), when one is close enough. */
static void suggest_vdev_type(struct qc_parser *p, int di, const char *name, struct qc_loc loc)
{
    struct qc_suggest s;
    const char *hit;

    if (di < 0 || !name)
        return;
    qc_suggest_init(&s, name, strlen(name));
    for (int i = 0; i < QC_VDEV_COUNT; i++)
        qc_suggest_add(&s, qc_vdevs[i].name);
    hit = qc_suggest_result(&s);
    if (hit)
        qc_diag_note(p->d, di, loc, "did you mean '%s'?", hit);
}

static int open_context(struct qc_parser *p, int id, const struct qc_word *kw, int blob)
{
    struct qc_config *c = p->cfg;
    size_t seq = (size_t)(kw - p->w->items);
    if (id == QC_OPT_CPU) {
        struct qc_cpu *cpu = qc_p_push(&c->cpus, &c->ncpus, sizeof(*cpu));
        if (!cpu)
            return oom(p);
        cpu->loc = kw->loc;
        cpu->seq = seq;
        p->ctx = QC_CTX_CPU;
        p->ctx_index = c->ncpus - 1;
    } else if (id == QC_OPT_PASS) {
        struct qc_pass *ps = qc_p_push(&c->passes, &c->npasses, sizeof(*ps));
        if (!ps)
            return oom(p);
        *ps = (struct qc_pass){.blob = blob, .loc = kw->loc, .seq = seq};
        p->ctx = QC_CTX_PASS;
        p->ctx_index = c->npasses - 1;
    } else if (id == QC_OPT_RESERVE) {
        struct qc_reserve *r = qc_p_push(&c->reserves, &c->nreserves, sizeof(*r));
        if (!r)
            return oom(p);
        *r = (struct qc_reserve){.loc = kw->loc, .seq = seq};
        p->ctx = QC_CTX_RESERVE;
        p->ctx_index = c->nreserves - 1;
    } else {
        /* vdev: even without its type word a context opens, so that the
         * options that follow are not reported once more each. */
        const struct qc_word *t = arg(p);
        struct qc_vdev *v = qc_p_push(&c->vdevs, &c->nvdevs, sizeof(*v));
        if (!v)
            return oom(p);
        v->loc = kw->loc;
        v->seq = seq;
        v->type = t ? qc_vdev_lookup(t->text, t->len) : -1;
        v->type_name = t ? qc_vdev_bare_name(t->text, t->len) : strdup("?");
        p->ctx = QC_CTX_VDEV;
        p->ctx_index = c->nvdevs - 1;
        if (!t)
            return -1;
        if (v->type < 0) {
            int di = qc_p_diag(p, QC_SEV_WARNING, "vdev-unknown-type", t->loc,
                               "unknown vdev type '%s' (loaded as vdev-%s.so); its options are "
                               "not checked",
                               v->type_name, v->type_name);
            suggest_vdev_type(p, di, v->type_name, t->loc);
        } else
            note_arch(p, qc_vdevs[v->type].arch, t->loc);
    }
    return 0;
}

static int cpu_option(struct qc_parser *p, int id, const struct qc_word *kw)
{
    struct qc_cpu *cpu = &p->cfg->cpus[p->ctx_index];
    const struct qc_word *a = arg(p);
    if (!a)
        return -1;
    switch (id) {
    case QC_OPT_CPU_PARTITION:
    case QC_OPT_CPU_CLUSTER: {
        char **s = id == QC_OPT_CPU_PARTITION ? &cpu->partition : &cpu->cluster;
        struct qc_loc *l = id == QC_OPT_CPU_PARTITION ? &cpu->partition_loc : &cpu->cluster_loc;
        if (*s)
            overridden(p, kw->text, kw->loc, *l);
        free(*s);
        *s = dup_word(a);
        *l = kw->loc;
        return 0;
    }
    case QC_OPT_CPU_RUNMASK: {
        uint64_t mask = 0;
        const char *s = a->text, *e = a->text + a->len;
        for (;;) {
            const char *c = memchr(s, ',', (size_t)(e - s));
            uint64_t cpuno;
            if (qc_p_num(p, a, s, (size_t)((c ? c : e) - s), QC_NUM_COUNT, &cpuno))
                return -1;
            if (cpuno > 63) {
                qc_p_diag(p, QC_SEV_ERROR, "runmask-range", qc_p_at(a, (size_t)(s - a->text)),
                          "physical CPU %llu is beyond 63", (unsigned long long)cpuno);
                return -1;
            }
            mask |= UINT64_C(1) << cpuno;
            if (!c)
                break;
            s = c + 1;
        }
        if (cpu->has_runmask)
            overridden(p, "runmask", kw->loc, cpu->runmask_loc);
        cpu->has_runmask = true;
        cpu->runmask = mask;
        cpu->runmask_loc = kw->loc;
        return 0;
    }
    default: { /* sched */
        struct qc_sched s;
        struct qc_word tmp = *a;
        char *joined = NULL;
        const struct qc_word *next = p->i + 1 < p->w->count ? &p->w->items[p->i + 1] : NULL;
        /* Sporadic form with the policy letter as its own word: "... s". */
        if (memchr(a->text, ',', a->len) && a->text[a->len - 1] != 's' && next &&
            next->seg == a->seg && word_is(next, "s")) {
            if (asprintf(&joined, "%ss", a->text) < 0)
                return oom(p);
            tmp.text = joined;
            tmp.len++;
            p->i++;
        }
        int rc = qc_p_sched(p, &tmp, &s);
        free(joined);
        if (rc)
            return -1;
        s.loc = kw->loc;
        if (cpu->sched.set)
            overridden(p, "sched", kw->loc, cpu->sched.loc);
        cpu->sched = s;
        return 0;
    }
    }
}

static int pass_reserve_option(struct qc_parser *p, int id, const struct qc_word *kw)
{
    const struct qc_word *a = arg(p);
    struct qc_locspec ls;
    struct qc_locspec **locs;
    size_t *nlocs;
    struct qc_intr **intrs;
    size_t *nintrs;
    enum qc_ctx ctx = p->ctx;
    if (!a)
        return -1;
    if (ctx == QC_CTX_PASS) {
        struct qc_pass *ps = &p->cfg->passes[p->ctx_index];
        locs = &ps->locs, nlocs = &ps->nlocs, intrs = &ps->intrs, nintrs = &ps->nintrs;
    } else {
        struct qc_reserve *r = &p->cfg->reserves[p->ctx_index];
        locs = &r->locs, nlocs = &r->nlocs, intrs = &r->intrs, nintrs = &r->nintrs;
    }
    size_t seq = (size_t)(kw - p->w->items);
    if (id == QC_OPT_PASS_INTR || id == QC_OPT_RESERVE_INTR) {
        size_t before = *nintrs;
        if (qc_p_intrs(p, a, ctx, intrs, nintrs))
            return -1;
        for (size_t i = before; i < *nintrs; i++)
            (*intrs)[i].loc = kw->loc, (*intrs)[i].seq = seq;
        return 0;
    }
    if (qc_p_locspec(p, a, ctx, QC_SPACE_MEM, &ls)) {
        qc_locspec_dispose(&ls);
        return -1;
    }
    ls.loc = kw->loc;
    ls.seq = seq;
    if (ls.guest.space == QC_SPACE_IO)
        note_arch(p, QC_AR_X86, a->loc);
    struct qc_locspec *slot = qc_p_push(locs, nlocs, sizeof(*slot));
    if (!slot) {
        qc_locspec_dispose(&ls);
        return oom(p);
    }
    *slot = ls;
    return 0;
}

/* Removes earlier values of a last-wins option, warning about them. */
static void drop_earlier(struct qc_parser *p, struct qc_vdev *v, int vo, struct qc_loc now)
{
    for (size_t i = 0; i < v->nvalues;) {
        if (v->values[i].opt == (enum qc_vopt)vo) {
            overridden(p, qc_vopts[vo].name, now, v->values[i].loc);
            qc_value_dispose(&v->values[i]);
            memmove(&v->values[i], &v->values[i + 1], (v->nvalues - i - 1) * sizeof(v->values[0]));
            v->nvalues--;
        } else {
            i++;
        }
    }
}

/* `reg` is a register preset whose form is its type's: mc146818 REGISTER,VALUE (two numbers,
 * kept in nums too); pci-dummy OFFSET/SIZE=VALUE or NAME=VALUE (vdev_pci-dummy.html). */
static int reg_value(struct qc_parser *p, const struct qc_vdev *v, const struct qc_word *a,
                     struct qc_value *val)
{
    if (v->type == QC_VDEV_MC146818)
        return qc_p_nums(p, a, "nn", val->nums, &val->nnums);
    const char *eq = memchr(a->text, '=', a->len);
    if (!eq || eq == a->text || eq + 1 == a->text + a->len) {
        qc_p_diag(p, QC_SEV_ERROR, "arg-invalid", a->loc,
                  "pci-dummy reg takes OFFSET/SIZE=VALUE or NAME=VALUE, not '%s'", a->text);
        return -1;
    }
    uint64_t n;
    return qc_p_num(p, a, eq + 1, (size_t)(a->text + a->len - eq - 1), QC_NUM_COUNT, &n);
}

static int vdev_value(struct qc_parser *p, struct qc_vdev *v, int vo, const struct qc_word *kw,
                      const struct qc_word *a, struct qc_value *val)
{
    const struct qc_opt_desc *od = &qc_vopts[vo];
    switch (od->grammar) {
    case QC_G_NONE:
        return 0;
    case QC_G_WORD:
        if (od->fields && qc_list_index(od->fields, '|', a->text, a->len) < 0) {
            qc_p_diag(p, QC_SEV_ERROR, "arg-invalid", a->loc, "'%s' takes %s, not '%s'", od->name,
                      od->fields, a->text);
            return -1;
        }
        val->str = dup_word(a);
        return vo == QC_VOPT_REG ? reg_value(p, v, a, val) : 0;
    case QC_G_NUMS:
        return qc_p_nums(p, a, od->fields, val->nums, &val->nnums);
    case QC_G_DELAY:
        if (word_is(a, "forever")) {
            val->str = dup_word(a);
            return 0;
        }
        val->nnums = 1;
        return qc_p_num(p, a, a->text, a->len, QC_NUM_COUNT, &val->nums[0]);
    case QC_G_LOG: {
        const struct qc_word *dst = arg(p);
        unsigned mask;
        if (!dst || qc_p_filters(p, a, od->fields, &mask))
            return -1;
        if (qc_list_index("stdout|stderr|slog|none", '|', dst->text, dst->len) < 0) {
            qc_p_diag(p, QC_SEV_ERROR, "arg-invalid", dst->loc,
                      "log destination is stdout|stderr|slog|none, not '%s'", dst->text);
            return -1;
        }
        val->nums[0] = mask;
        val->nnums = 1;
        val->str2 = dup_word(dst);
        return 0;
    }
    case QC_G_CREATE: {
        const char *c = memchr(a->text, ',', a->len);
        if (!c || c == a->text) {
            qc_p_diag(p, QC_SEV_ERROR, "arg-invalid", a->loc,
                      "create takes NAME,SIZE[,MODE[,GID]]");
            return -1;
        }
        const char *e = a->text + a->len;
        const char *c2 = memchr(c + 1, ',', (size_t)(e - c - 1));
        val->str = strndup(a->text, (size_t)(c - a->text));
        val->nnums = 1;
        if (c2)
            val->str2 = strndup(c2 + 1, (size_t)(e - c2 - 1));
        return qc_p_num(p, a, c + 1, (size_t)((c2 ? c2 : e) - c - 1), QC_NUM_SIZE, &val->nums[0]);
    }
    case QC_G_LOC: { /* clone pci:B:D.F: keep as text after checking it */
        struct qc_locspec ls;
        int rc = qc_p_locspec(p, a, QC_CTX_VDEV, QC_SPACE_PCI_BDF, &ls);
        qc_locspec_dispose(&ls);
        val->str = dup_word(a);
        return rc;
    }
    default:
        (void)kw;
        (void)v;
        return -1;
    }
}

static int vdev_option(struct qc_parser *p, int vo, const struct qc_word *kw)
{
    struct qc_vdev *v = &p->cfg->vdevs[p->ctx_index];
    const struct qc_opt_desc *od = &qc_vopts[vo];
    const struct qc_word *a = od->grammar == QC_G_NONE ? NULL : arg(p);
    size_t seq = (size_t)(kw - p->w->items);
    bool last = qc_vdev_repeat(v->type, (enum qc_vopt)vo) == QC_R_LAST;
    if (od->grammar != QC_G_NONE && !a)
        return -1;
    if (vo == QC_VOPT_LOC) {
        struct qc_locspec ls;
        int def = qc_vdevs[v->type].space;
        if (def == QC_SPACE_PCI_BDF) /* a bare loc makes a PCI vdev an MMIO one */
            def = QC_SPACE_MEM;
        if (qc_p_locspec(p, a, QC_CTX_VDEV, (enum qc_space)def, &ls)) {
            qc_locspec_dispose(&ls);
            return -1;
        }
        ls.loc = kw->loc;
        ls.seq = seq;
        if (ls.guest.space == QC_SPACE_IO)
            note_arch(p, QC_AR_X86, a->loc);
        if (v->has_loc) {
            overridden(p, "loc", kw->loc, v->locspec.loc);
            qc_locspec_dispose(&v->locspec);
        }
        v->locspec = ls;
        v->has_loc = true;
        return 0;
    }
    if (od->grammar == QC_G_INTR) { /* intr, and hpet's 7.0 spelling intrmap */
        struct qc_intr *list = NULL;
        size_t n = 0;
        if (qc_p_intrs(p, a, QC_CTX_VDEV, &list, &n)) {
            qc_intrs_dispose(list, n);
            return -1;
        }
        for (size_t i = 0; i < n; i++)
            list[i].loc = kw->loc, list[i].seq = seq;
        if (last && v->nintrs) {
            overridden(p, "intr", kw->loc, v->intrs[0].loc);
            qc_intrs_dispose(v->intrs, v->nintrs);
            v->intrs = NULL;
            v->nintrs = 0;
        }
        for (size_t i = 0; i < n; i++) {
            struct qc_intr *slot = qc_p_push(&v->intrs, &v->nintrs, sizeof(*slot));
            if (!slot) {
                qc_intrs_dispose(list + i, n - i);
                free(list);
                return oom(p);
            }
            *slot = list[i];
        }
        free(list);
        return 0;
    }
    if (vo == QC_VOPT_NAME) {
        if (v->name) {
            overridden(p, "name", kw->loc, v->name_loc);
            free(v->name);
        }
        v->name = dup_word(a);
        v->name_loc = kw->loc;
        return 0;
    }
    struct qc_value val = {.opt = (enum qc_vopt)vo, .loc = kw->loc, .seq = seq};
    if (vdev_value(p, v, vo, kw, a, &val)) {
        qc_value_dispose(&val);
        return -1;
    }
    if (last)
        drop_earlier(p, v, vo, kw->loc);
    struct qc_value *slot = qc_p_push(&v->values, &v->nvalues, sizeof(*slot));
    if (!slot) {
        qc_value_dispose(&val);
        return oom(p);
    }
    *slot = val;
    return 0;
}

static int global_option(struct qc_parser *p, int id, const struct qc_word *kw, int blob)
{
    struct qc_config *c = p->cfg;
    const struct qc_word *a;
    switch (id) {
    case QC_OPT_SYSTEM:
    case QC_OPT_CMDLINE:
    case QC_OPT_DUMP:
    case QC_OPT_SAFETY: {
        struct qc_str_opt *o = id == QC_OPT_SYSTEM    ? &c->system
                               : id == QC_OPT_CMDLINE ? &c->cmdline
                               : id == QC_OPT_DUMP    ? &c->dump
                                                      : &c->safety;
        a = arg(p);
        return a ? str_opt(p, id, o, a) : -1;
    }
    case QC_OPT_DRYRUN:
        return str_opt(p, id, &c->dryrun, NULL);
    case QC_OPT_DEBUG:
        return do_debug(p);
    case QC_OPT_RAM:
    case QC_OPT_ROM:
        return do_region(p, kw, id == QC_OPT_ROM);
    case QC_OPT_LOAD:
        return do_load(p, kw, blob);
    case QC_OPT_LOGGER:
        return do_logger(p, kw);
    case QC_OPT_SET:
        return do_set(p, kw);
    case QC_OPT_UNSUPPORTED:
        return do_unsupported(p, kw);
    case QC_OPT_TOLERANCE:
        return do_tolerance(p, kw);
    default:
        return open_context(p, id, kw, blob);
    }
}

/* After an unknown option: its arguments are the words that follow it on
 * its line, from its source, up to the next keyword. Skipping them reports
 * one error per mistake instead of one per word. */
static void skip_arguments(struct qc_parser *p)
{
    const struct qc_word *kw = cur(p);
    while (p->i + 1 < p->w->count) {
        const struct qc_word *n = &p->w->items[p->i + 1];
        if (n->seg != kw->seg || n->loc.line != kw->loc.line || n->loc.file != kw->loc.file ||
            qc_is_keyword(n->text, n->len))
            break;
        p->i++;
    }
}

/* "did you mean": a note on diagnostic @di naming the option closest to the
 * unknown word @kw among those valid here: the global ones, blob types, and
 * the current context's (a vdev's own options, or cpu, pass, reserve). */
static void suggest_option(struct qc_parser *p, int di, const struct qc_word *kw)
{
    struct qc_suggest s;
    const char *hit;

    if (di < 0)
        return;
    qc_suggest_init(&s, kw->text, kw->len);
    if (p->ctx == QC_CTX_VDEV) {
        int type = p->cfg->vdevs[p->ctx_index].type;
        for (int i = 0; type >= 0 && i < QC_VOPT_COUNT; i++)
            if (qc_vdev_accepts(type, (enum qc_vopt)i))
                qc_suggest_add(&s, qc_vopts[i].name);
    }
    for (int i = 0; i < QC_OPT_COUNT; i++)
        if (qc_opts[i].ctx == QC_CTX_GLOBAL || qc_opts[i].ctx == QC_CTX_OPEN ||
            (p->ctx != QC_CTX_VDEV && qc_opts[i].ctx == p->ctx))
            qc_suggest_add(&s, qc_opts[i].name);
    for (int i = 0; i < QC_BLOB_COUNT; i++)
        qc_suggest_add(&s, qc_blobs[i].name);
    hit = qc_suggest_result(&s);
    if (hit)
        qc_diag_note(p->d, di, kw->loc, "did you mean '%s'?", hit);
}

/* One option starting at p->i; on return p->i is its last word. */
static void step(struct qc_parser *p)
{
    const struct qc_word *kw = cur(p);
    int blob = qc_blob_lookup(kw->text, kw->len);
    if (blob >= 0) {
        const struct qc_word *next = p->i + 1 < p->w->count ? &p->w->items[p->i + 1] : NULL;
        if (blob == QC_BLOB_FDT && next && next->seg == kw->seg && word_is(next, "generate")) {
            /* Seen in published 8.0-era configurations, in no QNX reference: it asks for
             * what qvm does anyway when no fdt is loaded, so it is read as that default. */
            qc_p_diag(p, QC_SEV_WARNING, "fdt-generate", kw->loc,
                      "'fdt generate' is in no QNX reference; read as qvm's default, a "
                      "generated device tree");
            p->i++; /* nothing in the model: not even an arch hint, which the text would lose */
            return;
        }
        if (!next || next->seg != kw->seg || !(word_is(next, "load") || word_is(next, "pass"))) {
            qc_p_diag(p, QC_SEV_ERROR, "blob-syntax", kw->loc,
                      "blob type '%s' must be followed by 'load' or 'pass'", kw->text);
            return;
        }
        note_arch(p, qc_blobs[blob].arch, kw->loc);
        kw = &p->w->items[++p->i];
    }
    int id = qc_opt_lookup(kw->text, kw->len, QC_CTX_GLOBAL);
    if (id >= 0) {
        global_option(p, id, kw, blob);
        return;
    }
    if (p->ctx == QC_CTX_VDEV && p->cfg->vdevs[p->ctx_index].type < 0) {
        struct qc_vdev *v = &p->cfg->vdevs[p->ctx_index];
        struct qc_rawword *r = qc_p_push(&v->raw, &v->nraw, sizeof(*r));
        if (!r || !(r->text = dup_word(kw)))
            oom(p);
        else
            r->loc = kw->loc;
        return;
    }
    if (p->ctx == QC_CTX_VDEV) {
        int vo = qc_vopt_lookup(kw->text, kw->len);
        int type = p->cfg->vdevs[p->ctx_index].type;
        if (vo >= 0 && qc_vdev_accepts(type, (enum qc_vopt)vo)) {
            if (vdev_option(p, vo, kw))
                p->cfg->vdevs[p->ctx_index].damaged = true;
            return;
        }
        if (vo >= 0) {
            qc_p_diag(p, QC_SEV_ERROR, "option-context", kw->loc,
                      "'%s' is not an option of vdev %s", kw->text, qc_vdevs[type].name);
            return;
        }
    } else if (p->ctx != QC_CTX_GLOBAL) {
        id = qc_opt_lookup(kw->text, kw->len, p->ctx);
        if (id >= 0) {
            if (p->ctx == QC_CTX_CPU)
                cpu_option(p, id, kw);
            else
                pass_reserve_option(p, id, kw);
            return;
        }
    }
    bool elsewhere = qc_is_keyword(kw->text, kw->len);
    int di = qc_p_diag(p, QC_SEV_ERROR, elsewhere ? "option-context" : "option-unknown", kw->loc,
                       elsewhere ? "'%s' is not valid in the %s context" : "unknown option '%s'%s",
                       kw->text, elsewhere ? qc_ctx_name(p->ctx) : "");
    if (!elsewhere) {
        suggest_option(p, di, kw);
        skip_arguments(p);
    }
}

/* Sizes the model's big arrays from a count of their keywords, so a large
 * configuration does not copy them at every doubling. Words that are not
 * keywords but spelled like one only make the guess a little high. */
static void reserve_arrays(const struct qc_words *words, struct qc_config *c)
{
    size_t n[6] = {0};
    static const char *const kw[6] = {"vdev", "cpu", "pass", "ram", "load", "set"};
    for (size_t i = 0; i < words->count; i++) {
        const struct qc_word *w = &words->items[i];
        for (size_t k = 0; k < 6; k++)
            if (w->text[0] == kw[k][0] && word_is(w, kw[k]))
                n[k]++;
        if (w->text[0] == 'r' && word_is(w, "rom"))
            n[3]++;
    }
    qc_p_reserve(&c->vdevs, c->nvdevs, c->nvdevs + n[0], sizeof(*c->vdevs));
    qc_p_reserve(&c->cpus, c->ncpus, c->ncpus + n[1], sizeof(*c->cpus));
    qc_p_reserve(&c->passes, c->npasses, c->npasses + n[2], sizeof(*c->passes));
    qc_p_reserve(&c->regions, c->nregions, c->nregions + n[3], sizeof(*c->regions));
    qc_p_reserve(&c->loads, c->nloads, c->nloads + n[4], sizeof(*c->loads));
    qc_p_reserve(&c->setvars, c->nsetvars, c->nsetvars + n[5], sizeof(*c->setvars));
}

int qc_parse(const struct qc_words *words, const struct qc_parse_opts *opts, struct qc_config *cfg,
             struct qc_diags *d)
{
    struct qc_parser p = {.w = words, .cfg = cfg, .d = d, .ctx = QC_CTX_GLOBAL};
    size_t errors = d->errors;
    if (opts && opts->arch != QC_ARCH_ANY) {
        cfg->arch = opts->arch;
        cfg->arch_explicit = true;
    }
    reserve_arrays(words, cfg);
    for (p.i = 0; p.i < words->count; p.i++)
        step(&p);
    compact_setvars(&p);
    free(p.set_slots);
    return d->errors > errors ? -1 : 0;
}
