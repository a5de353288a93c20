/* SPDX-License-Identifier: LGPL-2.1-only */
/* Argument grammars of qvmconf options: numbers by role, comma lists,
 * locations, interrupts, memory specs, logger filters and cpu sched. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "conf/parse.h"

/* The model keeps no capacities: malloc knows them (malloc_usable_size), so
 * arrays grow by doubling, whoever allocated them, and qc_p_reserve can
 * size one ahead. */
static int grow(void **arr, size_t want, size_t size)
{
    if (want > SIZE_MAX / size)
        return -1;
    char *p = realloc(*arr, want * size);
    if (!p)
        return -1;
    *arr = p;
    return 0;
}

void *qc_p_push(void *arrp, size_t *n, size_t size)
{
    void **arr = arrp;
    size_t cnt = *n;
    if ((!*arr || malloc_usable_size(*arr) / size <= cnt) && grow(arr, cnt ? cnt * 2 : 1, size))
        return NULL;
    char *p = *arr;
    memset(p + cnt * size, 0, size);
    return p + (*n)++ * size;
}

void qc_p_reserve(void *arrp, size_t n, size_t want, size_t size)
{
    void **arr = arrp;
    if (want > n && (!*arr || malloc_usable_size(*arr) / size < want))
        (void)grow(arr, want, size); /* a hint: qc_p_push still grows as needed */
}

struct qc_loc qc_p_at(const struct qc_word *w, size_t off)
{
    struct qc_loc l = w->loc;
    /* Columns inside a quoted word may be off by the quotes; close enough. */
    if (!w->quoted)
        l.col += (uint32_t)off;
    return l;
}

int qc_p_num(struct qc_parser *p, const struct qc_word *w, const char *s, size_t len,
             enum qc_num_role role, uint64_t *out)
{
    size_t bad = 0;
    enum qc_num_err e = qc_num_parse(s, len, role, out, &bad);
    if (e == QC_NUM_OK)
        return 0;
    qc_diag(p->d, QC_CK_NUMBER_INVALID, qc_p_at(w, (size_t)(s - w->text) + bad),
            "invalid number '%.*s': %s", (int)len, s, qc_num_strerror(e));
    return -1;
}

static enum qc_num_role role_of(char c)
{
    switch (c | 0x20) {
    case 'a':
        return QC_NUM_ADDR;
    case 's':
        return QC_NUM_SIZE;
    default:
        return QC_NUM_COUNT;
    }
}

int qc_p_nums(struct qc_parser *p, const struct qc_word *w, const char *roles, uint64_t *out,
              size_t *n_r)
{
    size_t nroles = strlen(roles), required = 0, k = 0;
    bool repeat = nroles && roles[nroles - 1] == '+';
    int rc = 0;
    if (repeat)
        nroles--;
    for (size_t i = 0; i < nroles; i++)
        if (roles[i] >= 'a' && roles[i] <= 'z')
            required = i + 1;
    const char *s = w->text, *end = w->text + w->len;
    for (;;) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        const char *fe = c ? c : end;
        if (k >= QC_VALUE_MAX_NUMS || (k >= nroles && !repeat)) {
            qc_diag(p->d, QC_CK_ARG_COUNT, w->loc, "too many fields in '%s'", w->text);
            return -1;
        }
        char role = roles[k < nroles ? k : nroles - 1];
        if (qc_p_num(p, w, s, (size_t)(fe - s), role_of(role), &out[k]))
            rc = -1;
        k++;
        if (!c)
            break;
        s = c + 1;
    }
    if (k < required) {
        qc_diag(p->d, QC_CK_ARG_COUNT, w->loc, "'%s' needs %zu comma-separated fields", w->text,
                required);
        return -1;
    }
    *n_r = k;
    return rc;
}

int qc_p_memspec(struct qc_parser *p, const struct qc_word *w, bool *has_start, uint64_t *start,
                 uint64_t *size)
{
    const char *c = memchr(w->text, ',', w->len);
    *has_start = c != NULL;
    if (c && qc_p_num(p, w, w->text, (size_t)(c - w->text), QC_NUM_ADDR, start))
        return -1;
    const char *s = c ? c + 1 : w->text;
    return qc_p_num(p, w, s, (size_t)(w->text + w->len - s), QC_NUM_SIZE, size);
}

int qc_p_filters(struct qc_parser *p, const struct qc_word *w, const char *filters, unsigned *mask)
{
    const char *s = w->text, *end = w->text + w->len;
    *mask = 0;
    for (;;) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        size_t l = (size_t)((c ? c : end) - s);
        int i = qc_list_index(filters, ',', s, l);
        if (i < 0) {
            qc_diag(p->d, QC_CK_LOG_FILTER, qc_p_at(w, (size_t)(s - w->text)),
                    "unknown log filter '%.*s' (one of %s)", (int)l, s, filters);
            return -1;
        }
        *mask |= 1u << i;
        if (!c)
            return 0;
        s = c + 1;
    }
}

static bool has_prefix(const char *s, size_t len, const char *pre)
{
    size_t l = strlen(pre);
    return len >= l && memcmp(s, pre, l) == 0;
}

/* pci:BUS:DEV[.FUNC] or pci:VID/DID[/IDX]; s points after "pci:". */
static int parse_pci(struct qc_parser *p, const struct qc_word *w, const char *s, size_t len,
                     struct qc_place *pl)
{
    const char *end = s + len;
    const char *slash = memchr(s, '/', len);
    uint64_t a = 0, b = 0, c = 0;
    if (slash) {
        const char *slash2 = memchr(slash + 1, '/', (size_t)(end - slash - 1));
        const char *de = slash2 ? slash2 : end;
        pl->space = QC_SPACE_PCI_ID;
        if (qc_p_num(p, w, s, (size_t)(slash - s), QC_NUM_ADDR, &a) ||
            qc_p_num(p, w, slash + 1, (size_t)(de - slash - 1), QC_NUM_ADDR, &b) ||
            (slash2 && qc_p_num(p, w, slash2 + 1, (size_t)(end - slash2 - 1), QC_NUM_COUNT, &c)))
            return -1;
        if (a > 0xffff || b > 0xffff) {
            qc_diag(p->d, QC_CK_LOC_SYNTAX, w->loc, "PCI IDs are 16-bit");
            return -1;
        }
        pl->vid = (uint32_t)a;
        pl->did = (uint32_t)b;
        pl->has_idx = slash2 != NULL;
        pl->idx = (uint32_t)c;
        return 0;
    }
    const char *colon = memchr(s, ':', len);
    if (!colon) {
        qc_diag(p->d, QC_CK_LOC_SYNTAX, w->loc,
                "PCI location needs BUS:DEV[.FUNC] or VID/DID: '%s'", w->text);
        return -1;
    }
    const char *dot = memchr(colon + 1, '.', (size_t)(end - colon - 1));
    const char *de = dot ? dot : end;
    pl->space = QC_SPACE_PCI_BDF;
    size_t errors = p->d->errors;
    if (qc_p_num(p, w, s, (size_t)(colon - s), QC_NUM_COUNT, &a) ||
        qc_p_num(p, w, colon + 1, (size_t)(de - colon - 1), QC_NUM_COUNT, &b) ||
        (dot && qc_p_num(p, w, dot + 1, (size_t)(end - dot - 1), QC_NUM_COUNT, &c))) {
        /* lspci writes 00:1f.3 in hex; qvm reads the fields as decimal (pci:0:31.3). */
        uint64_t hb, hd, hf = 0;
        if (p->d->errors > errors && p->d->count &&
            !qc_num_parse(s, (size_t)(colon - s), QC_NUM_ADDR, &hb, NULL) &&
            !qc_num_parse(colon + 1, (size_t)(de - colon - 1), QC_NUM_ADDR, &hd, NULL) &&
            (!dot || !qc_num_parse(dot + 1, (size_t)(end - dot - 1), QC_NUM_ADDR, &hf, NULL)) &&
            hb <= 255 && hd <= 31 && hf <= 7)
            qc_diag_note(p->d, (int)p->d->count - 1, w->loc,
                         "PCI bus, device and function are decimal here; lspci's hex %.*s is "
                         "pci:%llu:%llu.%llu",
                         (int)len, s, (unsigned long long)hb, (unsigned long long)hd,
                         (unsigned long long)hf);
        return -1;
    }
    if (a > 255 || b > 31 || c > 7) {
        qc_diag(p->d, QC_CK_LOC_SYNTAX, w->loc,
                "PCI bus/device/function out of range (255/31/7): '%s'", w->text);
        return -1;
    }
    pl->bus = (uint32_t)a;
    pl->dev = (uint32_t)b;
    pl->func = (uint32_t)c;
    pl->has_func = dot != NULL;
    return 0;
}

/* A place prefix: sets space and advances past "mem:", "io:", "pci:". */
static void prefix(const char **s, size_t *len, struct qc_place *pl)
{
    static const struct {
        const char *pre;
        enum qc_space space;
    } pre[] = {{"mem:", QC_SPACE_MEM}, {"io:", QC_SPACE_IO}, {"pci:", QC_SPACE_PCI_BDF}};
    for (size_t i = 0; i < sizeof(pre) / sizeof(pre[0]); i++) {
        if (has_prefix(*s, *len, pre[i].pre)) {
            size_t l = strlen(pre[i].pre);
            *s += l;
            *len -= l;
            pl->space = pre[i].space;
            pl->space_explicit = true;
            return;
        }
    }
}

static bool is_attrs(const char *s, size_t len)
{
    if (!len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!strchr("+-" QC_ATTR_LETTERS, s[i]))
            return false;
    return true;
}

int qc_p_locspec(struct qc_parser *p, const struct qc_word *w, enum qc_ctx ctx,
                 enum qc_space def_space, struct qc_locspec *out)
{
    const char *s = w->text;
    size_t len = w->len;
    const char *eq = memchr(s, '=', len);
    size_t glen = eq ? (size_t)(eq - s) : len;
    memset(out, 0, sizeof(*out));
    out->loc = w->loc;
    prefix(&s, &glen, &out->guest);
    if (out->guest.space == QC_SPACE_PCI_BDF) {
        if (parse_pci(p, w, s, glen, &out->guest))
            return -1;
    } else {
        if (out->guest.space == QC_SPACE_NONE)
            out->guest.space = def_space;
        const char *end = s + glen, *f = s;
        for (int field = 0; f <= end; field++) {
            const char *c = memchr(f, ',', (size_t)(end - f));
            const char *fe = c ? c : end;
            size_t fl = (size_t)(fe - f);
            if (field == 0) {
                if (qc_p_num(p, w, f, fl, QC_NUM_ADDR, &out->guest.addr))
                    return -1;
            } else if (field == 1 && fl && f[0] >= '0' && f[0] <= '9') {
                if (qc_p_num(p, w, f, fl, QC_NUM_SIZE, &out->len))
                    return -1;
                out->has_len = true;
            } else if (!out->attrs && is_attrs(f, fl) && ctx == QC_CTX_PASS) {
                out->attrs = strndup(f, fl);
                if (!out->attrs)
                    return -1;
            } else {
                qc_diag(p->d, QC_CK_LOC_SYNTAX, qc_p_at(w, (size_t)(f - w->text)),
                        "unexpected '%.*s' in location '%s'", (int)fl, f, w->text);
                return -1;
            }
            if (!c)
                break;
            f = c + 1;
        }
    }
    if (eq) {
        const char *h = eq + 1;
        size_t hl = (size_t)(w->text + w->len - h);
        out->has_host = true;
        prefix(&h, &hl, &out->host);
        if (out->host.space == QC_SPACE_PCI_BDF)
            return parse_pci(p, w, h, hl, &out->host);
        if (out->host.space == QC_SPACE_NONE)
            out->host.space = out->guest.space;
        return qc_p_num(p, w, h, hl, QC_NUM_ADDR, &out->host.addr);
    }
    return 0;
}

/* "NAME:LINE" or "apic" in [s, s+len). */
static int parse_pic_line(struct qc_parser *p, const struct qc_word *w, const char *s, size_t len,
                          bool allow_apic, struct qc_intr *it)
{
    uint64_t line;
    if (allow_apic && len == 4 && memcmp(s, "apic", 4) == 0) {
        it->kind = QC_INTR_APIC;
        return 0;
    }
    const char *colon = memchr(s, ':', len);
    if (!colon || colon == s) {
        qc_diag(p->d, QC_CK_INTR_SYNTAX, qc_p_at(w, (size_t)(s - w->text)),
                "interrupt '%.*s' is not PIC:LINE", (int)len, s);
        return -1;
    }
    if (qc_p_num(p, w, colon + 1, (size_t)(s + len - colon - 1), QC_NUM_COUNT, &line))
        return -1;
    if (line > UINT32_MAX) {
        qc_diag(p->d, QC_CK_NUMBER_RANGE, w->loc, "interrupt line too large");
        return -1;
    }
    it->kind = QC_INTR_PIC;
    it->pic = strndup(s, (size_t)(colon - s));
    it->line = (uint32_t)line;
    return it->pic ? 0 : -1;
}

int qc_p_intrs(struct qc_parser *p, const struct qc_word *w, enum qc_ctx ctx, struct qc_intr **arr,
               size_t *n)
{
    const char *s = w->text, *end = w->text + w->len;
    uint64_t v;
    if (ctx == QC_CTX_RESERVE) {
        if (qc_p_num(p, w, s, w->len, QC_NUM_COUNT, &v))
            return -1;
        if (v > UINT32_MAX) {
            qc_diag(p->d, QC_CK_NUMBER_RANGE, w->loc, "interrupt number too large");
            return -1;
        }
        struct qc_intr *it = qc_p_push(arr, n, sizeof(*it));
        if (!it)
            return -1;
        it->kind = QC_INTR_NUM;
        it->line = (uint32_t)v;
        it->loc = w->loc;
        return 0;
    }
    if (ctx == QC_CTX_PASS) {
        struct qc_intr it = {.loc = w->loc};
        const char *eq = memchr(s, '=', w->len);
        const char *ge = eq ? eq : end;
        const char *comma = memchr(s, ',', (size_t)(ge - s));
        if (eq) {
            if (qc_p_num(p, w, eq + 1, (size_t)(end - eq - 1), QC_NUM_COUNT, &v))
                return -1;
            if (v > UINT32_MAX) {
                qc_diag(p->d, QC_CK_NUMBER_RANGE, w->loc, "host vector too large");
                return -1;
            }
            it.has_vector = true;
            it.vector = (uint32_t)v;
        }
        if (comma) {
            if (ge - comma != 2 || (comma[1] != 't' && comma[1] != 'u')) {
                qc_diag(p->d, QC_CK_INTR_SYNTAX, qc_p_at(w, (size_t)(comma - s)),
                        "pass intr attribute must be ',t' or ',u'");
                return -1;
            }
            it.attr = comma[1];
        }
        if (parse_pic_line(p, w, s, (size_t)((comma ? comma : ge) - s), false, &it))
            return -1;
        struct qc_intr *slot = qc_p_push(arr, n, sizeof(*slot));
        if (!slot) {
            free(it.pic);
            return -1;
        }
        *slot = it;
        return 0;
    }
    for (;;) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        struct qc_intr it = {.loc = w->loc};
        if (parse_pic_line(p, w, s, (size_t)((c ? c : end) - s), true, &it))
            return -1;
        struct qc_intr *slot = qc_p_push(arr, n, sizeof(*slot));
        if (!slot) {
            free(it.pic);
            return -1;
        }
        *slot = it;
        if (!c)
            return 0;
        s = c + 1;
    }
}

/* prio[r|f|o], or the sporadic form "hi,lo,max_repl,period,budget" with
 * the policy letter s attached ("...,500s"); parse.c also accepts it as
 * the next word. */
int qc_p_sched(struct qc_parser *p, const struct qc_word *w, struct qc_sched *out)
{
    const char *s = w->text;
    size_t len = w->len;
    uint64_t f[5];
    size_t n = 0;
    memset(out, 0, sizeof(*out));
    out->loc = w->loc;
    out->policy = QC_SCHED_RR;
    if (len && strchr("rfos", s[len - 1])) {
        out->policy = (enum qc_sched_policy)s[len - 1];
        out->policy_explicit = true;
        len--;
    }
    bool sporadic = memchr(s, ',', len) != NULL;
    if (sporadic != (out->policy == QC_SCHED_SPORADIC)) {
        qc_diag(p->d, QC_CK_SCHED_SYNTAX, w->loc,
                "sched is PRIO[r|f|o] or HI,LO,MAX_REPL,PERIOD,BUDGETs: '%s'", w->text);
        return -1;
    }
    const char *e = s + len;
    while (n < 5) {
        const char *c = memchr(s, ',', (size_t)(e - s));
        if (qc_p_num(p, w, s, (size_t)((c ? c : e) - s), QC_NUM_COUNT, &f[n++]))
            return -1;
        if (!c)
            break;
        s = c + 1;
    }
    if (n != (sporadic ? 5u : 1u) || (sporadic && memchr(s, ',', (size_t)(e - s)))) {
        qc_diag(p->d, QC_CK_SCHED_SYNTAX, w->loc, "sporadic sched needs exactly 5 fields: '%s'",
                w->text);
        return -1;
    }
    if (f[0] > 255 || (sporadic && f[1] > 255)) {
        qc_diag(p->d, QC_CK_NUMBER_RANGE, w->loc, "priority out of range 0..255");
        return -1;
    }
    out->set = true;
    out->prio = (uint32_t)f[0];
    if (sporadic) {
        out->low_prio = (uint32_t)f[1];
        out->max_repl = (uint32_t)f[2];
        out->repl_period = f[3];
        out->init_budget = f[4];
    }
    return 0;
}

/* The grammar readers: one per schema.def grammar, shared by every table. */

static bool word_is(const struct qc_word *w, const char *s)
{
    return strlen(s) == w->len && memcmp(w->text, s, w->len) == 0;
}

static char *dup_word(const struct qc_word *w)
{
    return strndup(w->text, w->len);
}

/* The next argument word of option a->kw, which must come from the same source
 * segment (spec 1.1): advances p->i onto it and records it in a->w. */
static const struct qc_word *next_arg(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *opt = &p->w->items[p->i];
    if (p->i + 1 >= p->w->count || p->w->items[p->i + 1].seg != opt->seg) {
        bool other = p->i + 1 < p->w->count;
        int idx =
            qc_diag(p->d, QC_CK_ARG_MISSING, opt->loc,
                    other ? "'%s' needs an argument in the same file" : "'%s' needs an argument",
                    opt->text);
        if (idx >= 0 && other)
            qc_diag_note(p->d, idx, p->w->items[p->i + 1].loc,
                         "the next word comes from another source");
        return NULL;
    }
    const struct qc_word *w = &p->w->items[++p->i];
    a->w[a->w[0] ? 1 : 0] = w;
    return w;
}

static int read_none(struct qc_parser *p, struct qc_arg *a)
{
    (void)p, (void)a;
    return 0;
}

/* The word must be one of the FIELDS choices when the row has them. */
static int check_choice(struct qc_parser *p, const struct qc_opt_desc *od, const struct qc_word *w)
{
    if (!od->fields || qc_list_index(od->fields, '|', w->text, w->len) >= 0)
        return 0;
    qc_diag(p->d, QC_CK_ARG_INVALID, w->loc, "'%s' takes %s, not '%s'", od->name, od->fields,
            w->text);
    return -1;
}

static int read_word(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    if (!w || check_choice(p, a->od, w))
        return -1;
    a->val.str = dup_word(w);
    return 0;
}

/* `debug [WORD]` (project decision, spec 2.17 leaves it unconfirmed): the
 * optional word is taken when it is in the same source and no keyword. */
static int read_optword(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *next = p->i + 1 < p->w->count ? &p->w->items[p->i + 1] : NULL;
    if (!next || next->seg != a->kw->seg || qc_is_keyword(next->text, next->len))
        return 0;
    a->w[0] = &p->w->items[++p->i];
    if (check_choice(p, a->od, a->w[0]))
        return -1;
    a->val.str = dup_word(a->w[0]);
    return 0;
}

static int read_nums(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    return w ? qc_p_nums(p, w, a->od->fields, a->val.nums, &a->val.nnums) : -1;
}

static int read_num(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    a->val.nnums = 1;
    return w ? qc_p_num(p, w, w->text, w->len, role_of(a->od->fields[0]), &a->val.nums[0]) : -1;
}

static int read_cpus(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    uint64_t mask = 0;
    if (!w)
        return -1;
    const char *s = w->text, *e = w->text + w->len;
    for (;;) {
        const char *c = memchr(s, ',', (size_t)(e - s));
        uint64_t cpuno;
        if (qc_p_num(p, w, s, (size_t)((c ? c : e) - s), QC_NUM_COUNT, &cpuno))
            return -1;
        if (cpuno > 63) {
            qc_diag(p->d, QC_CK_RUNMASK_RANGE, qc_p_at(w, (size_t)(s - w->text)),
                    "physical CPU %llu is beyond 63", (unsigned long long)cpuno);
            return -1;
        }
        mask |= UINT64_C(1) << cpuno;
        if (!c)
            break;
        s = c + 1;
    }
    a->val.nums[0] = mask;
    a->val.nnums = 1;
    return 0;
}

static int read_delay(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    if (!w)
        return -1;
    if (word_is(w, "forever")) {
        a->val.str = dup_word(w);
        return 0;
    }
    a->val.nnums = 1;
    return qc_p_num(p, w, w->text, w->len, QC_NUM_COUNT, &a->val.nums[0]);
}

static int read_memspec(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    bool has_start;
    uint64_t start, size;
    if (!w || qc_p_memspec(p, w, &has_start, &start, &size))
        return -1;
    if (has_start)
        a->val.nums[a->val.nnums++] = start;
    a->val.nums[a->val.nnums++] = size;
    return 0;
}

/* "[address,]path": the part before a comma is an address only when it
 * parses as one, so paths containing commas still work. */
static int read_loadspec(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    if (!w)
        return -1;
    const char *c = memchr(w->text, ',', w->len);
    const char *path = w->text;
    if (c && qc_num_parse(w->text, (size_t)(c - w->text), QC_NUM_ADDR, &a->val.nums[0], NULL) ==
                 QC_NUM_OK) {
        a->val.nnums = 1;
        path = c + 1;
    }
    if (!*path) {
        qc_diag(p->d, QC_CK_ARG_INVALID, w->loc, "%s needs a file path", a->od->name);
        return -1;
    }
    a->val.str = strdup(path);
    return 0;
}

/* The two words of `set`; what the value must be depends on the variable. */
static int read_set(struct qc_parser *p, struct qc_arg *a)
{
    return next_arg(p, a) && next_arg(p, a) ? 0 : -1;
}

static int read_log(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *f = next_arg(p, a);
    const struct qc_word *dst = f ? next_arg(p, a) : NULL;
    unsigned mask;
    if (!dst || qc_p_filters(p, f, a->od->fields, &mask))
        return -1;
    if (qc_list_index(QC_LOG_DESTS, '|', dst->text, dst->len) < 0) {
        qc_diag(p->d, QC_CK_ARG_INVALID, dst->loc, "%s destination is " QC_LOG_DESTS ", not '%s'",
                a->od->name, dst->text);
        return -1;
    }
    a->val.nums[0] = mask;
    a->val.nnums = 1;
    a->val.str2 = dup_word(dst);
    return 0;
}

#define UNSUP_TYPES   "instruction|reference|register"
#define UNSUP_ACTIONS "abort|fail|ignore"

static int read_unsup(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *t = next_arg(p, a);
    const struct qc_word *act = t ? next_arg(p, a) : NULL;
    if (!act)
        return -1;
    int ti = qc_list_index(UNSUP_TYPES, '|', t->text, t->len);
    int ai = qc_list_index(UNSUP_ACTIONS, '|', act->text, act->len);
    if (ti < 0 || ai < 0) {
        qc_diag(p->d, QC_CK_ARG_INVALID, ti < 0 ? t->loc : act->loc,
                "%s takes " UNSUP_TYPES " " UNSUP_ACTIONS, a->od->name);
        return -1;
    }
    a->val.nums[0] = (uint64_t)ti;
    a->val.nums[1] = (uint64_t)ai;
    a->val.nnums = 2;
    return 0;
}

/* The sporadic form also comes with its policy letter as a word of its own:
 * "HI,LO,MAX_REPL,PERIOD,BUDGET s". */
static int read_sched(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    if (!w)
        return -1;
    struct qc_word tmp = *w;
    char *joined = NULL;
    const struct qc_word *next = p->i + 1 < p->w->count ? &p->w->items[p->i + 1] : NULL;
    if (memchr(w->text, ',', w->len) && w->text[w->len - 1] != 's' && next && next->seg == w->seg &&
        word_is(next, "s")) {
        if (asprintf(&joined, "%ss", w->text) < 0) {
            qc_diag(p->d, QC_CK_OUT_OF_MEMORY, w->loc, "out of memory");
            return -1;
        }
        tmp.text = joined;
        tmp.len++;
        a->w[1] = &p->w->items[++p->i];
    }
    int rc = qc_p_sched(p, &tmp, &a->sched);
    free(joined);
    return rc;
}

/* A bare address is in the vdev type's space (a PCI vdev's bare loc is an
 * MMIO one), elsewhere in memory. */
static int read_loc(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    enum qc_space def = QC_SPACE_MEM;
    if (!w)
        return -1;
    if (p->ctx == QC_CTX_VDEV) {
        def = (enum qc_space)qc_vdevs[p->cfg->vdevs[p->ctx_index].type].space;
        if (def == QC_SPACE_PCI_BDF)
            def = QC_SPACE_MEM;
    }
    return qc_p_locspec(p, w, p->ctx, def, &a->ls);
}

static int read_intr(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    return w ? qc_p_intrs(p, w, p->ctx, &a->intrs, &a->nintrs) : -1;
}

static int read_create(struct qc_parser *p, struct qc_arg *a)
{
    const struct qc_word *w = next_arg(p, a);
    if (!w)
        return -1;
    const char *c = memchr(w->text, ',', w->len);
    if (!c || c == w->text) {
        qc_diag(p->d, QC_CK_ARG_INVALID, w->loc, "create takes NAME,SIZE[,MODE[,GID]]");
        return -1;
    }
    const char *e = w->text + w->len;
    const char *c2 = memchr(c + 1, ',', (size_t)(e - c - 1));
    a->val.str = strndup(w->text, (size_t)(c - w->text));
    a->val.nnums = 1;
    if (c2)
        a->val.str2 = strndup(c2 + 1, (size_t)(e - c2 - 1));
    return qc_p_num(p, w, c + 1, (size_t)((c2 ? c2 : e) - c - 1), QC_NUM_SIZE, &a->val.nums[0]);
}

/* The type word; what it names is the vdev's business (unknown types are kept). */
static int read_vdevtype(struct qc_parser *p, struct qc_arg *a)
{
    return next_arg(p, a) ? 0 : -1;
}

int qc_p_read_arg(struct qc_parser *p, struct qc_arg *a)
{
    static int (*const readers[QC_G_COUNT])(struct qc_parser *, struct qc_arg *) = {
        [QC_G_NONE] = read_none,       [QC_G_WORD] = read_word,         [QC_G_NUMS] = read_nums,
        [QC_G_NUM] = read_num,         [QC_G_CPUS] = read_cpus,         [QC_G_DELAY] = read_delay,
        [QC_G_MEMSPEC] = read_memspec, [QC_G_LOADSPEC] = read_loadspec, [QC_G_LOC] = read_loc,
        [QC_G_INTR] = read_intr,       [QC_G_SCHED] = read_sched,       [QC_G_SET] = read_set,
        [QC_G_LOG] = read_log,         [QC_G_UNSUP] = read_unsup,       [QC_G_CREATE] = read_create,
        [QC_G_OPTWORD] = read_optword, [QC_G_VDEVTYPE] = read_vdevtype,
    };
    return readers[a->od->grammar](p, a);
}

void qc_arg_dispose(struct qc_arg *a)
{
    qc_value_dispose(&a->val);
    qc_locspec_dispose(&a->ls);
    qc_intrs_dispose(a->intrs, a->nintrs);
    a->intrs = NULL;
    a->nintrs = 0;
}
