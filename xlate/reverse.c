/* SPDX-License-Identifier: LGPL-2.1-only */
/* libxl_domain_config -> qvm model: the driver of the reverse rules, the lossy list and the
 * residual check. */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "xlate/reverse-internal.h"
#include "xlate/xlate.h"

/* ---- lossy entries and refusals: a list entry and a diagnostic each ---- */

/* Adds an item to @l and a diagnostic @check of @sev, at the key's place when known. */
__attribute__((format(printf, 6, 0))) static void
rev_vnote(struct rev *st, struct xlcfg_lossy_list *l, enum qc_severity sev, enum qc_check_id check,
          const char *key, const char *fmt, va_list ap)
{
    if (xlcfg_lossy_vadd(l, key, fmt, ap))
        st->nomem = 1;
    else
        qc_diag_sev(st->diags, sev, check, xlcfg_keymap_loc(st->where, st->name, key), "%s: %s",
                    key, l->v[l->n - 1].text);
}

void rev_lossy(struct rev *st, const char *key, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rev_vnote(st, &st->r->lossy, QC_SEV_WARNING, QC_CK_XLCFG_LOSSY, key, fmt, ap);
    va_end(ap);
}

void rev_refuse(struct rev *st, const char *key, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rev_vnote(st, &st->r->refused, QC_SEV_ERROR, QC_CK_XLCFG_REFUSED, key, fmt, ap);
    va_end(ap);
}

/* The bytes conf/lex.c rejects everywhere but in comments (its CTRL class). */
static bool qvm_control(unsigned char c)
{
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

bool rev_word_ok(struct rev *st, const char *key, const char *what, const char *s)
{
    for (const char *p = s; *p; p++)
        if (qvm_control((unsigned char)*p)) {
            rev_refuse(st, key,
                       "%s: control character 0x%02x at offset %zu: qvmconf has no way to "
                       "write it",
                       what, (unsigned char)*p, (size_t)(p - s));
            return false;
        }
    return true;
}

/* ---- residual: the libxl JSON of what no rule consumed ---- */

/* End of the JSON value at @p (compact text). */
static const char *value_end(const char *p)
{
    int depth = 0;
    bool in_str = false;

    for (; *p; p++) {
        if (in_str) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                in_str = false;
        } else if (*p == '"') {
            in_str = true;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (depth-- == 0)
                return p;
        } else if (*p == ',' && depth == 0) {
            return p;
        }
    }
    return p;
}

/* Whether the compact JSON value [v, end) is an object of nothing but (nested) empty objects. */
static bool empty_value(const char *v, const char *end)
{
    const char *p = v + 1;

    if (*v != '{')
        return false;
    while (p < end && *p != '}') {
        const char *ke = strchr(p + 1, '"'), *mv, *me;

        if (!ke || ke[1] != ':')
            return false;
        mv = ke + 2;
        me = value_end(mv);
        if (!empty_value(mv, me))
            return false;
        p = *me == ',' ? me + 1 : me;
    }
    return true;
}

/* The value of member @key (@klen bytes) of the compact object @obj, or NULL; *end_r set. */
static const char *member(const char *obj, const char *key, size_t klen, const char **end_r)
{
    const char *p = obj ? obj + 1 : NULL;

    while (p && *p && *p != '}') {
        const char *k = p + 1, *ke = strchr(k, '"'), *v, *ve;

        if (!ke || ke[1] != ':')
            return NULL;
        v = ke + 2;
        ve = value_end(v);
        if ((size_t)(ke - k) == klen && !strncmp(k, key, klen)) {
            *end_r = ve;
            return v;
        }
        p = *ve == ',' ? ve + 1 : ve;
    }
    return NULL;
}

/* For each member of the compact object @obj that differs from the same
 * member of @base (libxl's defaults for this domain type): one lossy entry
 * "PREFIX.KEY: VALUE"; members named in @descend are split one level further. */
static void report_members(struct rev *st, const char *prefix, const char *obj, const char *base,
                           const char *const *descend)
{
    const char *p = obj;

    if (*p++ != '{')
        return;
    while (*p && *p != '}') {
        const char *k = p + 1, *ke = strchr(k, '"'), *v, *ve, *bv, *be = NULL;
        char key[128], *val;
        bool down = false;

        if (!ke || ke[1] != ':')
            return;
        v = ke + 2;
        ve = value_end(v);
        p = *ve == ',' ? ve + 1 : ve;
        bv = member(base, k, (size_t)(ke - k), &be);
        if ((bv && be - bv == ve - v && !strncmp(bv, v, (size_t)(ve - v))) || empty_value(v, ve))
            continue; /* libxl's default, or nothing set */
        snprintf(key, sizeof(key), "%s%s%.*s", prefix, *prefix ? "." : "", (int)(ke - k), k);
        for (size_t i = 0; descend && descend[i]; i++)
            down = down || !strcmp(key, descend[i]);
        if (*v == '{' && down) {
            char *sub = strndup(v, (size_t)(ve - v));
            char *bsub = bv ? strndup(bv, (size_t)(be - bv)) : NULL;

            if (!sub || (bv && !bsub))
                st->nomem = 1;
            else
                report_members(st, key, sub, bsub, descend);
            free(sub);
            free(bsub);
            continue;
        }
        val = strndup(v, (size_t)(ve - v));
        if (!val)
            st->nomem = 1;
        else
            rev_lossy(st, key, "%s: no qvm equivalent (libxl value)", val);
        free(val);
    }
}

void rev_residual(struct rev *st, const char *key, int idx, char *json)
{
    char prefix[64];

    if (!json) {
        st->nomem = 1;
        return;
    }
    xlcfg_json_compact(json);
    snprintf(prefix, sizeof(prefix), "%s[%d]", key, idx);
    report_members(st, prefix, json, NULL, NULL);
    free(json);
}

static void residual_config(struct rev *st)
{
    static const char *const descend[] = {"c_info",
                                          "b_info",
                                          "b_info.type.hvm",
                                          "b_info.type.pv",
                                          "b_info.type.pvh",
                                          "b_info.arch_arm",
                                          "b_info.arch_x86",
                                          "b_info.sched_params",
                                          NULL};
    char *json = libxl_domain_config_to_json(NULL, &st->rest);
    char *base = libxl_domain_config_to_json(NULL, &st->blank);

    if (!json || !base) {
        st->nomem = 1;
    } else {
        xlcfg_json_compact(json);
        xlcfg_json_compact(base);
        report_members(st, "", json, base, descend);
    }
    free(json);
    free(base);
}

/* ---- entry points ---- */

void xlate_reverse_init(struct xlate_reverse *r)
{
    memset(r, 0, sizeof(*r));
    qc_doc_init(&r->doc, NULL);
    xlcfg_lossy_init(&r->lossy);
    xlcfg_lossy_init(&r->refused);
}

void xlate_reverse_dispose(struct xlate_reverse *r)
{
    qc_doc_dispose(&r->doc);
    xlcfg_lossy_dispose(&r->lossy);
    xlcfg_lossy_dispose(&r->refused);
    free(r->text);
    memset(r, 0, sizeof(*r));
}

/* The built model as qvmconf text (conf's writer), read back by r->doc (conf's reader, parser
 * and validator) into r->doc.cfg: exactly what qvm-xl would read. */
static int read_back(struct rev *st, const struct qc_config *built)
{
    struct qc_doc *doc = &st->r->doc;
    size_t len = 0;
    FILE *f = open_memstream(&st->r->text, &len);

    if (!f)
        return XLATE_ERR_NOMEM;
    qc_write(f, built);
    if (fclose(f))
        return XLATE_ERR_NOMEM;
    doc->opts.parse.arch = st->arm ? QC_ARCH_ARM : QC_ARCH_X86;
    if (!qc_doc_read_buffer(doc, st->name, st->r->text, len) && !qc_doc_parse(doc) &&
        !qc_doc_validate(doc))
        return 0;
    /* The doc's own diagnostics (its warnings too) follow the bug's, in the caller's channel. */
    qc_diag(st->diags, QC_CK_XLCFG_REVERSE_BUG, (struct qc_loc){.file = st->name},
            "the generated qvmconf does not parse (a qvm-xl bug):");
    for (size_t i = 0; i < doc->d.count; i++) {
        const struct qc_diag *g = &doc->d.items[i];

        qc_diag_sev(st->diags, g->sev, g->id, g->loc, "%s", g->msg);
    }
    return XLATE_ERR_INVAL;
}

int xlate_reverse_diags(const libxl_domain_config *dc, const struct xlate_reverse_opts *o,
                        struct xlate_reverse *r, struct qc_diags *d)
{
    struct rev st = {.d = dc, .r = r, .diags = d};
    struct qc_config built;
    int rc;

    st.name = o && o->name ? o->name : "reverse";
    st.where = o ? o->where : NULL;
    st.arm = o && o->arch == XLATE_ARCH_AARCH64;
    st.hvm = dc->c_info.type == LIBXL_DOMAIN_TYPE_HVM && !st.arm;
    qc_config_init(&built);
    qc_build_init(&st.b, &built, st.name);
    libxl_domain_config_init(&st.blank);
    xlate_config_init_type(&st.blank, dc->c_info.type == LIBXL_DOMAIN_TYPE_INVALID
                                          ? LIBXL_DOMAIN_TYPE_PVH
                                          : dc->b_info.type);
    st.blank.c_info.type = dc->c_info.type;
    st.rest = *dc;
    for (size_t i = 0; o && o->carry && i < o->carry->n; i++)
        if (xlcfg_lossy_add(&r->lossy, o->carry->v[i].key, "%s", o->carry->v[i].text))
            st.nomem = 1;
    free(r->text);
    r->text = NULL;
    rev_run_rules(&st);
    residual_config(&st);
    if (st.nomem || st.b.nomem)
        rc = XLATE_ERR_NOMEM;
    else if (r->refused.n)
        rc = XLATE_ERR_INVAL; /* each one an error diagnostic */
    else
        rc = read_back(&st, &built);
    qc_config_dispose(&built);
    libxl_domain_config_dispose(&st.blank);
    return rc;
}

void xlate_reverse_write(FILE *out, const struct xlate_reverse *r)
{
    if (r->lossy.n)
        fputs("# Converted from Xen; not expressible in qvmconf, so not converted:\n", out);
    for (size_t i = 0; i < r->lossy.n; i++) {
        fprintf(out, "#   %s: ", r->lossy.v[i].key);
        for (const char *s = r->lossy.v[i].text; *s; s++)
            fputc(*s == '\n' ? ' ' : *s, out);
        fputc('\n', out);
    }
    qc_write(out, &r->doc.cfg);
}
