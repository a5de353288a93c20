/* SPDX-License-Identifier: LGPL-2.1-only */
/* The qvmconf parser: one pass over the words, with qvm's contexts (cpu,
 * vdev, pass, reserve) that only the next context keyword or the end of the
 * input closes; global options are handled wherever they appear. Every
 * option's argument is read by the reader of its schema grammar
 * (parse-arg.c); what is read is then applied to the model by the option's
 * apply function here (apply_ID for a schema.def QC_OPT row, vdev_apply for
 * the vdev options). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "conf/parse.h"
#include "conf/suggest.h"

static const struct qc_word *cur(struct qc_parser *p)
{
    return &p->w->items[p->i];
}

static bool word_is(const struct qc_word *w, const char *s)
{
    return strlen(s) == w->len && memcmp(w->text, s, w->len) == 0;
}
/* Warns that a last-wins option replaces an earlier one. */
static void overridden(struct qc_parser *p, const char *name, struct qc_loc now,
                       struct qc_loc before)
{
    int idx =
        qc_diag(p->d, QC_CK_OPTION_OVERRIDDEN, now, "'%s' given again; the last one wins", name);
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
    qc_diag(p->d, QC_CK_OUT_OF_MEMORY, cur(p)->loc, "out of memory");
    return -1;
}

/* What an option does with its argument once its grammar has read it
 * (schema.def): applies[] below holds apply_ID for each QC_OPT row. */
typedef int apply_fn(struct qc_parser *p, struct qc_arg *a);

/* A single-instance option kept as a qc_str_opt (system, cmdline, ...): last wins. */
static int set_str_opt(struct qc_parser *p, struct qc_arg *a, struct qc_str_opt *o)
{
    if (o->set)
        overridden(p, a->od->name, a->kw->loc, o->loc);
    free(o->value);
    o->value = a->val.str; /* NULL for dryrun and a bare debug */
    a->val.str = NULL;
    o->set = true;
    o->loc = a->kw->loc;
    o->seq = a->seq;
    return 0;
}

#define APPLY_STR_OPT(ID, member)                                                                  \
    static int apply_##ID(struct qc_parser *p, struct qc_arg *a)                                   \
    {                                                                                              \
        return set_str_opt(p, a, &p->cfg->member);                                                 \
    }
QC_STR_OPTS(APPLY_STR_OPT)
#undef APPLY_STR_OPT

static int apply_TOLERANCE(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_num_opt *o = &p->cfg->tolerance;
    if (o->set)
        overridden(p, a->od->name, a->kw->loc, o->loc);
    *o = (struct qc_num_opt){true, a->val.nums[0], a->kw->loc, a->seq};
    return 0;
}

static int add_region(struct qc_parser *p, struct qc_arg *a, bool rom)
{
    const struct qc_value *v = &a->val; /* [start,]size */
    struct qc_region *r = qc_p_push(&p->cfg->regions, &p->cfg->nregions, sizeof(*r));
    if (!r)
        return oom(p);
    *r = (struct qc_region){.rom = rom,
                            .has_start = v->nnums == 2,
                            .start = v->nnums == 2 ? v->nums[0] : 0,
                            .size = v->nums[v->nnums - 1],
                            .loc = a->kw->loc,
                            .seq = a->seq};
    return 0;
}

static int apply_RAM(struct qc_parser *p, struct qc_arg *a)
{
    return add_region(p, a, false);
}

static int apply_ROM(struct qc_parser *p, struct qc_arg *a)
{
    return add_region(p, a, true);
}

/* A refused ram/rom: the checks that depend on memory do not report what
 * that error already explains. */
static int region_refused(struct qc_parser *p, struct qc_arg *a)
{
    if (a->seq < p->cfg->bad_region_seq)
        p->cfg->bad_region_seq = a->seq;
    return -1;
}

static int apply_LOAD(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_load *l = qc_p_push(&p->cfg->loads, &p->cfg->nloads, sizeof(*l));
    if (!l)
        return oom(p);
    *l = (struct qc_load){.blob = p->blob,
                          .has_addr = a->val.nnums == 1,
                          .addr = a->val.nums[0],
                          .path = a->val.str,
                          .loc = a->kw->loc,
                          .seq = a->seq};
    a->val.str = NULL;
    return 0;
}

static int apply_LOGGER(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *dst = a->w[1];
    struct qc_logger *l = qc_p_push(&p->cfg->loggers, &p->cfg->nloggers, sizeof(*l));
    if (!l)
        return oom(p);
    *l = (struct qc_logger){(unsigned)a->val.nums[0],
                            (enum qc_log_dest)qc_list_index(QC_LOG_DESTS, '|', dst->text, dst->len),
                            a->kw->loc, a->seq};
    return 0;
}

static size_t *set_slot(struct qc_parser *p, enum qc_set_ctx ctx, size_t owner, const char *name);

/* The value of a known variable, read by its type. */
static int setvar_value(struct qc_parser *p, struct qc_setvar *sv, const struct qc_word *name,
                        const struct qc_word *val)
{
    static const char *const choices[] = {
        [QC_ST_BOOL] = "off|on|0|1|no|yes|false|true", [QC_ST_TRISTATE] = "off|on|auto"};
    enum qc_settype t = qc_setvars[sv->var].type;
    int ci;
    switch (t) {
    case QC_ST_BOOL:
    case QC_ST_TRISTATE:
        ci = qc_list_index(choices[t], '|', val->text, val->len);
        if (ci < 0) {
            qc_diag(p->d, QC_CK_SET_VALUE, val->loc, "'%s' takes %s, not '%s'", name->text,
                    choices[t], val->text);
            return -1;
        }
        sv->num = t == QC_ST_BOOL ? (uint64_t)(ci & 1) : (uint64_t)ci;
        return 0;
    case QC_ST_NUMBER:
    case QC_ST_ADDR:
        return qc_p_num(p, val, val->text, val->len, t == QC_ST_ADDR ? QC_NUM_ADDR : QC_NUM_COUNT,
                        &sv->num);
    case QC_ST_STRING:
        break;
    }
    return 0;
}

static int apply_SET(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *kw = a->kw, *name = a->w[0], *val = a->w[1];
    struct qc_setvar sv = {.var = qc_setvar_lookup(name->text, name->len), .loc = kw->loc};
    sv.seq = a->seq;
    enum qc_ctx want = sv.var >= 0 ? qc_setvars[sv.var].ctx : p->ctx;
    enum qc_ctx here = p->ctx == QC_CTX_CPU || p->ctx == QC_CTX_VDEV ? p->ctx : QC_CTX_GLOBAL;
    if (sv.var >= 0 && want != QC_CTX_GLOBAL && want != here)
        qc_diag(p->d, QC_CK_SET_CONTEXT, kw->loc, "variable '%s' belongs in a %s context",
                name->text, qc_ctx_name(want));
    if (sv.var < 0 || want != QC_CTX_GLOBAL) {
        sv.ctx = here == QC_CTX_CPU    ? QC_SET_CPU
                 : here == QC_CTX_VDEV ? QC_SET_VDEV
                                       : QC_SET_GLOBAL;
        sv.owner = sv.ctx == QC_SET_GLOBAL ? 0 : p->ctx_index;
    }
    if (sv.var >= 0) {
        note_arch(p, qc_setvars[sv.var].arch, kw->loc);
        if (setvar_value(p, &sv, name, val))
            return -1;
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

static int apply_UNSUPPORTED(struct qc_parser *p, struct qc_arg *a)
{
    enum qc_unsup_type ti = (enum qc_unsup_type)a->val.nums[0];
    enum qc_unsup_action ai = (enum qc_unsup_action)a->val.nums[1];
    /* Last wins per type, and the winner takes the place of the last
     * occurrence: the array stays in input order, as the writer prints it. */
    struct qc_config *c = p->cfg;
    for (size_t i = 0; i < c->nunsupported; i++)
        if (c->unsupported[i].type == ti) {
            overridden(p, a->od->name, a->kw->loc, c->unsupported[i].loc);
            memmove(&c->unsupported[i], &c->unsupported[i + 1],
                    (c->nunsupported - i - 1) * sizeof(c->unsupported[0]));
            c->nunsupported--;
            break;
        }
    struct qc_unsupported *u = qc_p_push(&c->unsupported, &c->nunsupported, sizeof(*u));
    if (!u)
        return oom(p);
    *u = (struct qc_unsupported){ti, ai, a->kw->loc, a->seq};
    return 0;
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

static int apply_CPU(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_config *c = p->cfg;
    struct qc_cpu *cpu = qc_p_push(&c->cpus, &c->ncpus, sizeof(*cpu));
    if (!cpu)
        return oom(p);
    cpu->loc = a->kw->loc;
    cpu->seq = a->seq;
    p->ctx = QC_CTX_CPU;
    p->ctx_index = c->ncpus - 1;
    return 0;
}

static int apply_PASS(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_config *c = p->cfg;
    struct qc_pass *ps = qc_p_push(&c->passes, &c->npasses, sizeof(*ps));
    if (!ps)
        return oom(p);
    *ps = (struct qc_pass){.blob = p->blob, .loc = a->kw->loc, .seq = a->seq};
    p->ctx = QC_CTX_PASS;
    p->ctx_index = c->npasses - 1;
    return 0;
}

static int apply_RESERVE(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_config *c = p->cfg;
    struct qc_reserve *r = qc_p_push(&c->reserves, &c->nreserves, sizeof(*r));
    if (!r)
        return oom(p);
    *r = (struct qc_reserve){.loc = a->kw->loc, .seq = a->seq};
    p->ctx = QC_CTX_RESERVE;
    p->ctx_index = c->nreserves - 1;
    return 0;
}

/* Also what a vdev without its type word does: a context opens all the same,
 * so that the options that follow are not reported once more each. */
static int apply_VDEV(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_config *c = p->cfg;
    const struct qc_word *t = a->w[0];
    struct qc_vdev *v = qc_p_push(&c->vdevs, &c->nvdevs, sizeof(*v));
    if (!v)
        return oom(p);
    v->loc = a->kw->loc;
    v->seq = a->seq;
    v->type = t ? qc_vdev_lookup(t->text, t->len) : -1;
    v->type_name = t ? qc_vdev_bare_name(t->text, t->len) : strdup("?");
    p->ctx = QC_CTX_VDEV;
    p->ctx_index = c->nvdevs - 1;
    if (!t)
        return -1;
    if (v->type < 0) {
        int di = qc_diag(p->d, QC_CK_VDEV_UNKNOWN_TYPE, t->loc,
                         "unknown vdev type '%s' (loaded as vdev-%s.so); its options are "
                         "not checked",
                         v->type_name, v->type_name);
        suggest_vdev_type(p, di, v->type_name, t->loc);
    } else
        note_arch(p, qc_vdevs[v->type].arch, t->loc);
    return 0;
}

static struct qc_cpu *cur_cpu(struct qc_parser *p)
{
    return &p->cfg->cpus[p->ctx_index];
}

/* partition and cluster: a name, last wins. */
static int set_cpu_name(struct qc_parser *p, struct qc_arg *a, char **s, struct qc_loc *l)
{
    if (*s)
        overridden(p, a->od->name, a->kw->loc, *l);
    free(*s);
    *s = a->val.str;
    a->val.str = NULL;
    *l = a->kw->loc;
    return 0;
}

static int apply_CPU_PARTITION(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_cpu *cpu = cur_cpu(p);
    return set_cpu_name(p, a, &cpu->partition, &cpu->partition_loc);
}

static int apply_CPU_CLUSTER(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_cpu *cpu = cur_cpu(p);
    return set_cpu_name(p, a, &cpu->cluster, &cpu->cluster_loc);
}

static int apply_CPU_RUNMASK(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_cpu *cpu = cur_cpu(p);
    if (cpu->has_runmask)
        overridden(p, a->od->name, a->kw->loc, cpu->runmask_loc);
    cpu->has_runmask = true;
    cpu->runmask = a->val.nums[0];
    cpu->runmask_loc = a->kw->loc;
    return 0;
}

static int apply_CPU_SCHED(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_cpu *cpu = cur_cpu(p);
    a->sched.loc = a->kw->loc;
    if (cpu->sched.set)
        overridden(p, a->od->name, a->kw->loc, cpu->sched.loc);
    cpu->sched = a->sched;
    return 0;
}

/* The location read, stamped with its option's place; io: tells the arch. */
static struct qc_locspec take_loc(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_locspec ls = a->ls;
    a->ls.attrs = NULL;
    ls.loc = a->kw->loc;
    ls.seq = a->seq;
    if (ls.guest.space == QC_SPACE_IO)
        note_arch(p, QC_AR_X86, a->w[0]->loc);
    return ls;
}

static int add_loc(struct qc_parser *p, struct qc_arg *a, struct qc_locspec **locs, size_t *n)
{
    struct qc_locspec ls = take_loc(p, a);
    struct qc_locspec *slot = qc_p_push(locs, n, sizeof(*slot));
    if (!slot) {
        qc_locspec_dispose(&ls);
        return oom(p);
    }
    *slot = ls;
    return 0;
}

/* Appends the interrupts read, stamped with their option's place. */
static int add_intrs(struct qc_parser *p, struct qc_arg *a, struct qc_intr **arr, size_t *n)
{
    for (size_t i = 0; i < a->nintrs; i++) {
        struct qc_intr *slot = qc_p_push(arr, n, sizeof(*slot));
        if (!slot)
            return oom(p);
        *slot = a->intrs[i];
        slot->loc = a->kw->loc;
        slot->seq = a->seq;
        a->intrs[i].pic = NULL;
    }
    return 0;
}

static int apply_PASS_LOC(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_pass *ps = &p->cfg->passes[p->ctx_index];
    return add_loc(p, a, &ps->locs, &ps->nlocs);
}

static int apply_PASS_INTR(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_pass *ps = &p->cfg->passes[p->ctx_index];
    return add_intrs(p, a, &ps->intrs, &ps->nintrs);
}

static int apply_RESERVE_LOC(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_reserve *r = &p->cfg->reserves[p->ctx_index];
    return add_loc(p, a, &r->locs, &r->nlocs);
}

static int apply_RESERVE_INTR(struct qc_parser *p, struct qc_arg *a)
{
    struct qc_reserve *r = &p->cfg->reserves[p->ctx_index];
    return add_intrs(p, a, &r->intrs, &r->nintrs);
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
        qc_diag(p->d, QC_CK_ARG_INVALID, a->loc,
                "pci-dummy reg takes OFFSET/SIZE=VALUE or NAME=VALUE, not '%s'", a->text);
        return -1;
    }
    uint64_t n;
    return qc_p_num(p, a, eq + 1, (size_t)(a->text + a->len - eq - 1), QC_NUM_COUNT, &n);
}

static int vdev_loc(struct qc_parser *p, struct qc_vdev *v, struct qc_arg *a)
{
    struct qc_locspec ls = take_loc(p, a);
    if (v->has_loc) {
        overridden(p, "loc", a->kw->loc, v->locspec.loc);
        qc_locspec_dispose(&v->locspec);
    }
    v->locspec = ls;
    v->has_loc = true;
    return 0;
}

/* intr, and hpet's 7.0 spelling intrmap. */
static int vdev_intrs(struct qc_parser *p, struct qc_vdev *v, struct qc_arg *a, bool last)
{
    if (last && v->nintrs) {
        overridden(p, "intr", a->kw->loc, v->intrs[0].loc);
        qc_intrs_dispose(v->intrs, v->nintrs);
        v->intrs = NULL;
        v->nintrs = 0;
    }
    return add_intrs(p, a, &v->intrs, &v->nintrs);
}

/* Options other than loc, intr and name are kept as typed values. */
static int vdev_value(struct qc_parser *p, struct qc_vdev *v, int vo, struct qc_arg *a, bool last)
{
    if (vo == QC_VOPT_REG && reg_value(p, v, a->w[0], &a->val))
        return -1;
    if (a->od->grammar == QC_G_LOC) /* clone pci:B:D.F: kept as text once checked */
        a->val.str = dup_word(a->w[0]);
    a->val.opt = (enum qc_vopt)vo;
    a->val.loc = a->kw->loc;
    a->val.seq = a->seq;
    if (last)
        drop_earlier(p, v, vo, a->kw->loc);
    struct qc_value *slot = qc_p_push(&v->values, &v->nvalues, sizeof(*slot));
    if (!slot)
        return oom(p);
    *slot = a->val;
    a->val.str = a->val.str2 = NULL;
    return 0;
}

static int vdev_apply(struct qc_parser *p, struct qc_arg *a)
{
    int vo = (int)(a->od - qc_vopts);
    struct qc_vdev *v = &p->cfg->vdevs[p->ctx_index];
    bool last = qc_vdev_repeat(v->type, (enum qc_vopt)vo) == QC_R_LAST;
    if (vo == QC_VOPT_LOC)
        return vdev_loc(p, v, a);
    if (a->od->grammar == QC_G_INTR)
        return vdev_intrs(p, v, a, last);
    if (vo == QC_VOPT_NAME) {
        if (v->name) {
            overridden(p, "name", a->kw->loc, v->name_loc);
            free(v->name);
        }
        v->name = a->val.str;
        a->val.str = NULL;
        v->name_loc = a->kw->loc;
        return 0;
    }
    return vdev_value(p, v, vo, a, last);
}

static apply_fn *const applies[QC_OPT_COUNT] = {
#define QC_OPT(ID, ...) [QC_OPT_##ID] = apply_##ID,
#include "conf/schema.def"
};

/* What an option still does when its argument was refused. */
static apply_fn *const refused[QC_OPT_COUNT] = {
    [QC_OPT_RAM] = region_refused, [QC_OPT_ROM] = region_refused, [QC_OPT_VDEV] = apply_VDEV};

/* Option `od`, whose keyword is at p->i: reads its argument by its grammar,
 * then applies it (or, when refused, does what `on_refused` still does). */
static int option(struct qc_parser *p, const struct qc_opt_desc *od, apply_fn *apply,
                  apply_fn *on_refused)
{
    const struct qc_word *kw = cur(p);
    struct qc_arg a = {.od = od, .kw = kw, .seq = (size_t)(kw - p->w->items)};
    int rc = qc_p_read_arg(p, &a);
    if (!rc)
        rc = apply(p, &a);
    else if (on_refused)
        on_refused(p, &a);
    qc_arg_dispose(&a);
    return rc;
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
            qc_diag(p->d, QC_CK_FDT_GENERATE, kw->loc,
                    "'fdt generate' is in no QNX reference; read as qvm's default, a "
                    "generated device tree");
            p->i++; /* nothing in the model: not even an arch hint, which the text would lose */
            return;
        }
        if (!next || next->seg != kw->seg || !(word_is(next, "load") || word_is(next, "pass"))) {
            qc_diag(p->d, QC_CK_BLOB_SYNTAX, kw->loc,
                    "blob type '%s' must be followed by 'load' or 'pass'", kw->text);
            return;
        }
        note_arch(p, qc_blobs[blob].arch, kw->loc);
        kw = &p->w->items[++p->i];
    }
    int id = qc_opt_lookup(kw->text, kw->len, QC_CTX_GLOBAL);
    p->blob = blob;
    if (id >= 0) {
        option(p, &qc_opts[id], applies[id], refused[id]);
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
            if (option(p, &qc_vopts[vo], vdev_apply, NULL))
                p->cfg->vdevs[p->ctx_index].damaged = true;
            return;
        }
        if (vo >= 0) {
            qc_diag(p->d, QC_CK_OPTION_CONTEXT, kw->loc, "'%s' is not an option of vdev %s",
                    kw->text, qc_vdevs[type].name);
            return;
        }
    } else if (p->ctx != QC_CTX_GLOBAL) {
        id = qc_opt_lookup(kw->text, kw->len, p->ctx);
        if (id >= 0) {
            option(p, &qc_opts[id], applies[id], refused[id]);
            return;
        }
    }
    bool elsewhere = qc_is_keyword(kw->text, kw->len);
    int di = qc_diag(p->d, elsewhere ? QC_CK_OPTION_CONTEXT : QC_CK_OPTION_UNKNOWN, kw->loc,
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
