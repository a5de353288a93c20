/* SPDX-License-Identifier: LGPL-2.1-only */
/* The canonical writer: prints a model back as qvmconf text.
 *
 * Canonical form (what tests and the good corpus compare against):
 * - top-level items in input order, one per line; a context keyword (cpu,
 *   vdev, pass, reserve) on its own line, its options indented 4 spaces on
 *   the following lines, each on its own line; `set` of a cpu/vdev
 *   variable inside its context;
 * - addresses "0x" + lower-case hex; sizes and lengths with the largest
 *   exact K/M/G suffix ("128M", "4K"), else decimal; everything else decimal;
 * - locations always with their space prefix (mem:, io:, pci:);
 * - a word is double-quoted when it is empty or holds white space, '"',
 *   '\\', '#' or '$', or starts with '@'; inside quotes '"' and '\\' are
 *   written with a backslash before them, and a '$' that would start a
 *   substitution ("$env{" ...) is followed by an empty quote pair. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conf/qvmconf.h"

const char *qc_num_format(char *buf, size_t len, uint64_t v, enum qc_num_role role)
{
    static const struct {
        char suffix;
        unsigned shift;
    } mult[] = {{'G', 30}, {'M', 20}, {'K', 10}};
    if (role == QC_NUM_ADDR) {
        snprintf(buf, len, "0x%" PRIx64, v);
        return buf;
    }
    if (role == QC_NUM_SIZE && v) {
        for (size_t i = 0; i < sizeof(mult) / sizeof(mult[0]); i++) {
            uint64_t m = UINT64_C(1) << mult[i].shift;
            if (v % m == 0) {
                snprintf(buf, len, "%" PRIu64 "%c", v / m, mult[i].suffix);
                return buf;
            }
        }
    }
    snprintf(buf, len, "%" PRIu64, v);
    return buf;
}

static void word(FILE *out, const char *s)
{
    bool quote = !*s || *s == '@' || strpbrk(s, " \t\n\r\f\v\"\\#$") != NULL;
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fputc('\\', out);
        fputc(*s, out);
        /* A literal "$env{" (from a substituted value, or written with
         * quotes inside it) must not be substituted when read back: an
         * empty quote pair after the '$' breaks the sequence. */
        if (*s == '$' && qc_subst_prefix_len(s + 1))
            fputs("\"\"", out);
    }
    fputc('"', out);
}

/* Builds one argument in a memory stream, then prints it as a word. */
struct argbuf {
    char *text;
    size_t len;
    FILE *f;
};
static FILE *arg_open(struct argbuf *a)
{
    a->text = NULL;
    a->f = open_memstream(&a->text, &a->len);
    return a->f;
}
static void arg_close(FILE *out, struct argbuf *a)
{
    if (!a->f)
        return;
    fclose(a->f);
    fputc(' ', out);
    word(out, a->text ? a->text : "");
    free(a->text);
}

static void num(FILE *f, uint64_t v, enum qc_num_role role)
{
    char b[32];
    fputs(qc_num_format(b, sizeof(b), v, role), f);
}

static void place(FILE *f, const struct qc_place *p, bool prefix)
{
    switch (p->space) {
    case QC_SPACE_PCI_BDF:
        fprintf(f, "pci:%u:%u", p->bus, p->dev);
        if (p->has_func)
            fprintf(f, ".%u", p->func);
        break;
    case QC_SPACE_PCI_ID:
        fprintf(f, "pci:0x%x/0x%x", p->vid, p->did);
        if (p->has_idx)
            fprintf(f, "/%u", p->idx);
        break;
    default:
        if (prefix)
            fputs(p->space == QC_SPACE_IO ? "io:" : "mem:", f);
        num(f, p->addr, QC_NUM_ADDR);
    }
}

static void locspec(FILE *out, const char *ind, const struct qc_locspec *l)
{
    struct argbuf a;
    fprintf(out, "%sloc", ind);
    FILE *f = arg_open(&a);
    if (f) {
        place(f, &l->guest, true);
        if (l->has_len) {
            fputc(',', f);
            num(f, l->len, QC_NUM_SIZE);
        }
        if (l->attrs)
            fprintf(f, ",%s", l->attrs);
        if (l->has_host) {
            fputc('=', f);
            place(f, &l->host, l->host.space != l->guest.space);
        }
    }
    arg_close(out, &a);
    fputc('\n', out);
}

static void intr_one(FILE *f, const struct qc_intr *it)
{
    if (it->kind == QC_INTR_APIC)
        fputs("apic", f);
    else if (it->kind == QC_INTR_NUM)
        fprintf(f, "%u", it->line);
    else
        fprintf(f, "%s:%u", it->pic, it->line);
    if (it->attr)
        fprintf(f, ",%c", it->attr);
    if (it->has_vector)
        fprintf(f, "=%u", it->vector);
}

/* One `intr` line for a vdev list; one line each in pass/reserve. */
static void intrs(FILE *out, const char *ind, const struct qc_intr *v, size_t n, bool as_list)
{
    for (size_t i = 0; i < n;) {
        struct argbuf a;
        fprintf(out, "%sintr", ind);
        FILE *f = arg_open(&a);
        do {
            if (f) {
                if (i && as_list)
                    fputc(',', f);
                intr_one(f, &v[i]);
            }
            i++;
        } while (as_list && i < n);
        arg_close(out, &a);
        fputc('\n', out);
    }
}

static void filters(FILE *f, const char *list, unsigned mask)
{
    const char *p = list;
    bool first = true;
    for (unsigned i = 0; p && *p; i++) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (mask & (1u << i)) {
            fprintf(f, "%s%.*s", first ? "" : ",", (int)l, p);
            first = false;
        }
        p = e ? e + 1 : NULL;
    }
}

static enum qc_num_role role_of(char c)
{
    return (c | 0x20) == 'a' ? QC_NUM_ADDR : (c | 0x20) == 's' ? QC_NUM_SIZE : QC_NUM_COUNT;
}

/* --explain: a comment line with the place and the schema help. */
static void explain(FILE *out, const char *ind, struct qc_loc loc, const char *name,
                    const char *help)
{
    fprintf(out, "%s# %s:%u:%u: %s: %s\n", ind, loc.file ? loc.file : "?", loc.line, loc.col, name,
            help);
}

static void value(FILE *out, const struct qc_value *v, bool ex)
{
    const struct qc_opt_desc *od = &qc_vopts[v->opt];
    struct argbuf a;
    FILE *f;
    if (ex)
        explain(out, "    ", v->loc, od->name, od->help);
    fprintf(out, "    %s", od->name);
    switch (od->grammar) {
    case QC_G_NONE:
        break;
    case QC_G_NUMS: {
        size_t nr = strlen(od->fields);
        if (nr && od->fields[nr - 1] == '+')
            nr--;
        f = arg_open(&a);
        for (size_t i = 0; f && i < v->nnums; i++) {
            if (i)
                fputc(',', f);
            num(f, v->nums[i], role_of(od->fields[i < nr ? i : nr - 1]));
        }
        arg_close(out, &a);
        break;
    }
    case QC_G_DELAY:
        if (v->str) {
            fputc(' ', out);
            word(out, v->str);
        } else {
            fprintf(out, " %" PRIu64, v->nums[0]);
        }
        break;
    case QC_G_LOG:
        f = arg_open(&a);
        if (f)
            filters(f, od->fields, (unsigned)v->nums[0]);
        arg_close(out, &a);
        fputc(' ', out);
        word(out, v->str2);
        break;
    case QC_G_CREATE:
        f = arg_open(&a);
        if (f) {
            fprintf(f, "%s,", v->str);
            num(f, v->nums[0], QC_NUM_SIZE);
            if (v->str2)
                fprintf(f, ",%s", v->str2);
        }
        arg_close(out, &a);
        break;
    default:
        fputc(' ', out);
        word(out, v->str ? v->str : "");
    }
    fputc('\n', out);
}

static void setvar(FILE *out, const char *ind, const struct qc_setvar *s)
{
    char b[32];
    fprintf(out, "%sset ", ind);
    word(out, s->name);
    fputc(' ', out);
    if (s->var < 0) {
        word(out, s->value);
    } else {
        switch (qc_setvars[s->var].type) {
        case QC_ST_BOOL:
            fputs(s->num ? "on" : "off", out);
            break;
        case QC_ST_TRISTATE:
            fputs(s->num == 2 ? "auto" : s->num ? "on" : "off", out);
            break;
        case QC_ST_NUMBER:
            fputs(qc_num_format(b, sizeof(b), s->num, QC_NUM_COUNT), out);
            break;
        case QC_ST_ADDR:
            fputs(qc_num_format(b, sizeof(b), s->num, QC_NUM_ADDR), out);
            break;
        default:
            word(out, s->value);
        }
    }
    fputc('\n', out);
}

/* The setvars of each cpu and vdev context as lists in array order, so
 * writing them costs their number, not contexts x setvars. */
struct setidx {
    size_t *cpu, *vdev; /* head per owner: setvar index + 1, 0 = none */
    size_t *next;       /* per setvar: the owner's next one + 1 */
};

static int setidx_build(struct setidx *x, const struct qc_config *c)
{
    size_t *tail_cpu = calloc(c->ncpus + 1, sizeof(size_t));
    size_t *tail_vdev = calloc(c->nvdevs + 1, sizeof(size_t));
    x->cpu = calloc(c->ncpus + 1, sizeof(size_t));
    x->vdev = calloc(c->nvdevs + 1, sizeof(size_t));
    x->next = calloc(c->nsetvars + 1, sizeof(size_t));
    int rc = tail_cpu && tail_vdev && x->cpu && x->vdev && x->next ? 0 : -1;
    for (size_t i = 0; !rc && i < c->nsetvars; i++) {
        const struct qc_setvar *v = &c->setvars[i];
        bool cpu = v->ctx == QC_SET_CPU;
        if (v->ctx == QC_SET_GLOBAL || v->owner >= (cpu ? c->ncpus : c->nvdevs))
            continue;
        size_t *head = cpu ? x->cpu : x->vdev, *tail = cpu ? tail_cpu : tail_vdev;
        if (tail[v->owner])
            x->next[tail[v->owner] - 1] = i + 1;
        else
            head[v->owner] = i + 1;
        tail[v->owner] = i + 1;
    }
    free(tail_cpu);
    free(tail_vdev);
    return rc;
}

static void setidx_dispose(struct setidx *x)
{
    free(x->cpu);
    free(x->vdev);
    free(x->next);
}

static void ctx_setvars(FILE *out, const struct qc_config *c, const struct setidx *x,
                        enum qc_set_ctx ctx, size_t owner)
{
    for (size_t i = ctx == QC_SET_CPU ? x->cpu[owner] : x->vdev[owner]; i; i = x->next[i - 1])
        setvar(out, "    ", &c->setvars[i - 1]);
}

static void cpu(FILE *out, const struct qc_config *c, const struct setidx *x, size_t idx)
{
    const struct qc_cpu *p = &c->cpus[idx];
    fputs("cpu\n", out);
    if (p->partition) {
        fputs("    partition ", out);
        word(out, p->partition);
        fputc('\n', out);
    }
    if (p->cluster) {
        fputs("    cluster ", out);
        word(out, p->cluster);
        fputc('\n', out);
    }
    if (p->has_runmask) {
        const char *sep = " ";
        fputs("    runmask", out);
        for (unsigned i = 0; i < 64; i++)
            if (p->runmask & (UINT64_C(1) << i)) {
                fprintf(out, "%s%u", sep, i);
                sep = ",";
            }
        fputc('\n', out);
    }
    if (p->sched.set) {
        const struct qc_sched *s = &p->sched;
        if (s->policy == QC_SCHED_SPORADIC)
            fprintf(out, "    sched %u,%u,%u,%" PRIu64 ",%" PRIu64 "s\n", s->prio, s->low_prio,
                    s->max_repl, s->repl_period, s->init_budget);
        else if (s->policy == QC_SCHED_RR)
            fprintf(out, "    sched %u\n", s->prio);
        else
            fprintf(out, "    sched %u%c\n", s->prio, (char)s->policy);
    }
    ctx_setvars(out, c, x, QC_SET_CPU, idx);
}

static void vdev(FILE *out, const struct qc_config *c, const struct setidx *x, size_t idx, bool ex)
{
    const struct qc_vdev *v = &c->vdevs[idx];
    char *spelling = qc_vdev_spelling(v->type_name);

    fputs("vdev ", out);
    word(out, spelling ? spelling : v->type_name);
    free(spelling);
    fputc('\n', out);
    if (v->has_loc) {
        locspec(out, "    ", &v->locspec);
    } else if (ex && v->type >= 0 && qc_vdevs[v->type].defloc) {
        struct qc_place pl;
        char buf[40];
        qc_vdev_place(v, &pl);
        fprintf(out, "    # no loc: at qvm's default %s:%s\n",
                pl.space == QC_SPACE_IO ? "io" : "mem",
                qc_num_format(buf, sizeof(buf), pl.addr, QC_NUM_ADDR));
    }
    intrs(out, "    ", v->intrs, v->nintrs, true);
    if (v->name) {
        fputs("    name ", out);
        word(out, v->name);
        fputc('\n', out);
    }
    for (size_t i = 0; i < v->nvalues; i++)
        value(out, &v->values[i], ex);
    if (v->nraw) {
        fputs("   ", out);
        for (size_t i = 0; i < v->nraw; i++) {
            fputc(' ', out);
            word(out, v->raw[i].text);
        }
        fputc('\n', out);
    }
    ctx_setvars(out, c, x, QC_SET_VDEV, idx);
}

static void str_opt(FILE *out, const char *name, const struct qc_str_opt *o)
{
    fputs(name, out);
    if (o->value) {
        fputc(' ', out);
        word(out, o->value);
    }
    fputc('\n', out);
}

/* The QC_STR_OPTS members: their option and their place in struct qc_config. */
static const struct {
    int opt;
    size_t offset;
} str_opts[] = {
#define STR_OPT(ID, member) {QC_OPT_##ID, offsetof(struct qc_config, member)},
    QC_STR_OPTS(STR_OPT)
#undef STR_OPT
};
#define N_STR_OPTS (sizeof(str_opts) / sizeof(str_opts[0]))

static const struct qc_str_opt *str_opt_of(const struct qc_config *c, size_t i)
{
    return (const struct qc_str_opt *)((const char *)c + str_opts[i].offset);
}

/* Top-level items, sorted back into input order. */
enum kind {
    K_STR, /* idx: the QC_STR_OPTS entry */
    K_TOLERANCE,
    K_REGION,
    K_LOAD,
    K_CPU,
    K_VDEV,
    K_PASS,
    K_RESERVE,
    K_LOGGER,
    K_SET,
    K_UNSUP
};
struct item {
    size_t seq;
    enum kind kind;
    size_t idx;
};

static int by_seq(const void *a, const void *b)
{
    const struct item *x = a, *y = b;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The location, name and help of a top-level item, for --explain. */
static void explain_item(FILE *out, const struct qc_config *c, const struct item *it)
{
    static const int opt_of[] = {[K_TOLERANCE] = QC_OPT_TOLERANCE,
                                 [K_REGION] = QC_OPT_RAM,
                                 [K_LOAD] = QC_OPT_LOAD,
                                 [K_CPU] = QC_OPT_CPU,
                                 [K_VDEV] = QC_OPT_VDEV,
                                 [K_PASS] = QC_OPT_PASS,
                                 [K_RESERVE] = QC_OPT_RESERVE,
                                 [K_LOGGER] = QC_OPT_LOGGER,
                                 [K_SET] = QC_OPT_SET,
                                 [K_UNSUP] = QC_OPT_UNSUPPORTED};
    const struct qc_opt_desc *od =
        &qc_opts[it->kind == K_STR ? str_opts[it->idx].opt : opt_of[it->kind]];
    struct qc_loc loc = {0};
    const char *name = od->name, *help = od->help;
    switch (it->kind) {
    case K_STR:
        loc = str_opt_of(c, it->idx)->loc;
        break;
    case K_TOLERANCE:
        loc = c->tolerance.loc;
        break;
    case K_REGION:
        loc = c->regions[it->idx].loc;
        if (c->regions[it->idx].rom)
            name = qc_opts[QC_OPT_ROM].name, help = qc_opts[QC_OPT_ROM].help;
        break;
    case K_LOAD:
        loc = c->loads[it->idx].loc;
        break;
    case K_CPU:
        loc = c->cpus[it->idx].loc;
        break;
    case K_VDEV: {
        const struct qc_vdev *v = &c->vdevs[it->idx];
        loc = v->loc;
        name = v->type_name;
        help = v->type >= 0 ? qc_vdevs[v->type].help : "unknown vdev type (not checked)";
        break;
    }
    case K_PASS:
        loc = c->passes[it->idx].loc;
        break;
    case K_RESERVE:
        loc = c->reserves[it->idx].loc;
        break;
    case K_LOGGER:
        loc = c->loggers[it->idx].loc;
        break;
    case K_SET:
        loc = c->setvars[it->idx].loc;
        break;
    case K_UNSUP:
        loc = c->unsupported[it->idx].loc;
        break;
    }
    explain(out, "", loc, name, help);
}

static void item(FILE *out, const struct qc_config *c, const struct setidx *x,
                 const struct item *it, bool ex)
{
    if (ex)
        explain_item(out, c, it);
    static const char *const unsup_t[] = {"instruction", "reference", "register"};
    static const char *const unsup_a[] = {"abort", "fail", "ignore"};
    static const char *const dests[] = {"stdout", "stderr", "slog", "none"};
    char b[32];
    switch (it->kind) {
    case K_STR:
        return str_opt(out, qc_opts[str_opts[it->idx].opt].name, str_opt_of(c, it->idx));
    case K_TOLERANCE:
        fprintf(out, "tolerance %" PRIu64 "\n", c->tolerance.value);
        return;
    case K_REGION: {
        const struct qc_region *r = &c->regions[it->idx];
        fprintf(out, "%s ", r->rom ? "rom" : "ram");
        if (r->has_start)
            fprintf(out, "%s,", qc_num_format(b, sizeof(b), r->start, QC_NUM_ADDR));
        fprintf(out, "%s\n", qc_num_format(b, sizeof(b), r->size, QC_NUM_SIZE));
        return;
    }
    case K_LOAD: {
        const struct qc_load *l = &c->loads[it->idx];
        struct argbuf a;
        if (l->blob >= 0)
            fprintf(out, "%s ", qc_blobs[l->blob].name);
        fputs("load", out);
        FILE *f = arg_open(&a);
        if (f && l->has_addr)
            fprintf(f, "%s,", qc_num_format(b, sizeof(b), l->addr, QC_NUM_ADDR));
        if (f)
            fputs(l->path, f);
        arg_close(out, &a);
        fputc('\n', out);
        return;
    }
    case K_CPU:
        return cpu(out, c, x, it->idx);
    case K_VDEV:
        return vdev(out, c, x, it->idx, ex);
    case K_PASS: {
        const struct qc_pass *p = &c->passes[it->idx];
        if (p->blob >= 0)
            fprintf(out, "%s ", qc_blobs[p->blob].name);
        fputs("pass\n", out);
        for (size_t i = 0; i < p->nlocs; i++)
            locspec(out, "    ", &p->locs[i]);
        intrs(out, "    ", p->intrs, p->nintrs, false);
        return;
    }
    case K_RESERVE: {
        const struct qc_reserve *r = &c->reserves[it->idx];
        fputs("reserve\n", out);
        for (size_t i = 0; i < r->nlocs; i++)
            locspec(out, "    ", &r->locs[i]);
        intrs(out, "    ", r->intrs, r->nintrs, false);
        return;
    }
    case K_LOGGER: {
        const struct qc_logger *l = &c->loggers[it->idx];
        fputs("logger ", out);
        filters(out, qc_opts[QC_OPT_LOGGER].fields, l->filters);
        fprintf(out, " %s\n", dests[l->dest]);
        return;
    }
    case K_SET:
        return setvar(out, "", &c->setvars[it->idx]);
    case K_UNSUP:
        fprintf(out, "unsupported %s %s\n", unsup_t[c->unsupported[it->idx].type],
                unsup_a[c->unsupported[it->idx].action]);
        return;
    }
}

static void write_all(FILE *out, const struct qc_config *c, bool ex)
{
    size_t n = N_STR_OPTS + 1 + c->nregions + c->nloads + c->ncpus + c->nvdevs + c->npasses +
               c->nreserves + c->nloggers + c->nsetvars + c->nunsupported;
    struct item *items = calloc(n, sizeof(*items));
    struct setidx x;
    size_t k = 0;
    if (setidx_build(&x, c) || !items)
        goto out;
    for (size_t i = 0; i < N_STR_OPTS; i++)
        if (str_opt_of(c, i)->set)
            items[k++] = (struct item){str_opt_of(c, i)->seq, K_STR, i};
    if (c->tolerance.set)
        items[k++] = (struct item){c->tolerance.seq, K_TOLERANCE, 0};
#define ADD(arr, kind)                                                                             \
    for (size_t i = 0; i < c->n##arr; i++)                                                         \
        items[k++] = (struct item){c->arr[i].seq, kind, i};
    ADD(regions, K_REGION)
    ADD(loads, K_LOAD)
    ADD(cpus, K_CPU)
    ADD(vdevs, K_VDEV)
    ADD(passes, K_PASS)
    ADD(reserves, K_RESERVE)
    ADD(loggers, K_LOGGER)
    ADD(unsupported, K_UNSUP)
#undef ADD
    for (size_t i = 0; i < c->nsetvars; i++)
        if (c->setvars[i].ctx == QC_SET_GLOBAL)
            items[k++] = (struct item){c->setvars[i].seq, K_SET, i};
    qsort(items, k, sizeof(*items), by_seq);
    for (size_t i = 0; i < k; i++)
        item(out, c, &x, &items[i], ex);
out:
    setidx_dispose(&x);
    free(items);
}

void qc_write(FILE *out, const struct qc_config *c)
{
    write_all(out, c, false);
}

void qc_write_explain(FILE *out, const struct qc_config *c)
{
    write_all(out, c, true);
}
