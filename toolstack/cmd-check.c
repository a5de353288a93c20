/* SPDX-License-Identifier: LGPL-2.1-only */
/* `qvm-xl check`: read each FILE and the words after "--" as qvm would,
 * parse, validate, then translate for the target and look for the files the
 * configuration loads (as `create -n` does), and report; a FILE.cfg is an
 * xl.cfg, read and converted back to qvmconf (as `convert --to=qvmconf`).
 * Exit 0 when every FILE is valid, 65 on any configuration error, 1 when a
 * FILE cannot be read, 64 on misuse. */
#include <stdlib.h>
#include <string.h>

#include "toolstack/checks.h"
#include "toolstack/cmd-util.h"
#include "toolstack/export.h"
#include "toolstack/load.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/steps.h"
#include "xlate/xlate.h"

/* A NULL-terminated list of check names (for qc_diags.disabled/promoted). */
struct names {
    const char **v;
    size_t n;
};

static int names_add(struct names *l, const char *name)
{
    const char **v = realloc(l->v, (l->n + 2) * sizeof(*v));
    if (!v)
        return -1;
    l->v = v;
    l->v[l->n++] = name;
    l->v[l->n] = NULL;
    return 0;
}

static void names_del(struct names *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0) {
            memmove(&l->v[i], &l->v[i + 1], (l->n - i) * sizeof(l->v[0]));
            l->n--;
            return;
        }
}

enum output { OUT_TEXT, OUT_JSON, OUT_EXPLAIN, OUT_CANONICAL };

struct check_opts {
    enum output out;
    bool syntax_only, no_files, have_target;
    struct xlate_target t;
    struct qx_load_opts lo;
    int verbosity;
    int nfiles;
};

static bool known_check(struct qx_getopt *g, const char *opt, const char *name)
{
    const char *hit;

    if (qx_check_known(name))
        return true;
    hit = qx_check_suggest(name);
    if (hit)
        qx_usage_error(g, "%s: unknown check '%s'; did you mean '%s'? (see --list-checks)", opt,
                       name, hit);
    else
        qx_usage_error(g, "%s: unknown check '%s' (see --list-checks)", opt, name);
    return false;
}

static void json(FILE *out, const char *file, const struct qc_diags *d, int exit_code)
{
    fputs("{\"file\": ", out);
    qc_json_str(out, file);
    fprintf(out, ", \"exit\": %d, \"errors\": %zu, \"warnings\": %zu, \"diagnostics\": ", exit_code,
            d->errors, d->warnings);
    qc_diags_print_json(out, d);
    fputs("}\n", out);
}

/* --explain, second part: how each component maps onto Xen 4.17 (the
 * translation report). With --syntax-only the translation is done here
 * only for the report: the diagnostics are printed already, its own do not count. */
static void explain_translation(FILE *out, struct qx_load *l, const struct xlate_target *t,
                                bool translated)
{
    fputs("# translation for ", out);
    xlate_target_print(out, t);
    if (!translated)
        qx_load_translate(l, t);
    xlate_report_print(out, &l->plan);
}

/* The diagnostics gcc-style with carets (errors only with -q), then the summary. */
static void print_text(FILE *out, const char *name, const struct qc_diags *d,
                       const struct qc_sources *src, const struct check_opts *o)
{
    qx_diags_print_v(out, d, src, o->verbosity);
    if (o->verbosity >= 0 && (d->errors || d->warnings)) {
        if (o->nfiles > 1)
            fprintf(out, "%s: ", name);
        /* "2 errors, 1 warning", as a compiler ends */
        qc_diags_print_summary(out, d);
    }
}

/* One xl.cfg: read and converted back (no output but diagnostics, or the qvmconf with
 * --canonical); its exit status (0, 1 or 65). */
static int check_xlcfg(const char *file, const struct check_opts *o)
{
    struct qx_xlcfg x;
    bool back = !o->syntax_only || o->out == OUT_CANONICAL;
    int rc;

    qx_xlcfg_init(&x);
    x.d.disabled = o->lo.disabled;
    x.d.promoted = o->lo.promoted;
    rc = qx_xlcfg_load(&x, file, o->have_target ? &o->t : NULL, back, stderr);
    if (rc == QX_EXIT_OK && x.d.errors) /* a warning made an error (-E) */
        rc = QX_EXIT_CONFIG;
    if (o->out == OUT_JSON)
        json(stdout, file, &x.d, rc);
    else
        print_text(stderr, file, &x.d, &x.r.doc.src, o);
    if (x.why)
        fprintf(stderr, "qvm-xl: %s: %s\n", file, x.why);
    if (o->verbosity > 0 && (rc != QX_EXIT_FAIL || x.why)) /* read, at least */
        fprintf(stderr, "qvm-xl check: %s: %s; read as an xl.cfg for %s\n", file,
                rc ? "invalid" : "valid", xlate_arch_name(x.arch));
    if (o->out == OUT_CANONICAL && rc == QX_EXIT_OK && x.converted)
        xlate_reverse_write(stdout, &x.r);
    qx_xlcfg_dispose(&x);
    return rc;
}

/* One FILE: its exit status (0, 1 or 65). */
static int check_one(const char *file, const struct check_opts *o, int nwords, char **words)
{
    const char *name = qx_load_name(file);
    struct xlate_target t;
    struct qx_load l;
    bool translated = false;
    int r, rc;

    qx_load_init(&l);
    r = qx_load_read(&l, file, nwords, words, &o->lo, stderr);
    if (r == QX_LOAD_EIO) {
        rc = QX_EXIT_FAIL;
        if (o->out == OUT_JSON)
            json(stdout, name, &l.doc.d, rc);
        goto out;
    }
    if (o->have_target)
        t = o->t;
    else if (r == 0 && !o->syntax_only)
        qx_load_default_target(&l, &t, file);
    else
        qx_target_for(&t, &l.doc.cfg);
    if (r == 0 && !o->syntax_only) {
        /* What `create -n` does: every error it would stop at is one here. */
        translated = true;
        qx_load_prepare(&l, &t, !o->no_files, true);
    }
    rc = r || l.doc.d.errors ? QX_EXIT_CONFIG : QX_EXIT_OK;

    if (o->out == OUT_JSON)
        json(stdout, name, &l.doc.d, rc);
    else
        print_text(stderr, name, &l.doc.d, &l.doc.src, o);
    if (o->verbosity > 0) {
        fprintf(stderr, "qvm-xl check: %s: %s", name, rc ? "invalid" : "valid");
        if (translated) {
            fputs("; translated for ", stderr);
            xlate_target_print(stderr, &t);
        } else {
            fputc('\n', stderr);
        }
    }
    /* The language's output needs a valid language; the translation report
     * is most useful when the translation refuses something. */
    if (o->out == OUT_EXPLAIN && r == 0 && (translated || !l.doc.d.errors)) {
        qc_write_explain(stdout, &l.doc.cfg);
        explain_translation(stdout, &l, &t, translated);
    } else if (o->out == OUT_CANONICAL && rc == QX_EXIT_OK) {
        qc_write(stdout, &l.doc.cfg);
    }
out:
    qx_load_dispose(&l);
    return rc;
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"explain", no_argument, NULL, 'x'},
        {"canonical", no_argument, NULL, 'c'},
        {"target", required_argument, NULL, 'T'},
        {"arch", required_argument, NULL, 'T'}, /* the old name, kept hidden */
        {"syntax-only", no_argument, NULL, 'S'},
        {"no-files", no_argument, NULL, 'F'},
        {"list-checks", no_argument, NULL, 'L'},
        {"asinfo", required_argument, NULL, 'A'},
        {"prefer-pv", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    static const char *const hidden[] = {"arch", NULL};
    struct qx_getopt g = {.cmd = "check",
                          .optstring = "W:E:",
                          .longopts = longopts,
                          .hidden = hidden,
                          .min_args = 1,
                          .max_args = -1,
                          .words = true};
    struct names disabled = {0}, promoted = {0};
    struct check_opts o = {.lo = {.arch = QC_ARCH_ANY}};
    const char *out_opt = NULL;
    int rc, opt, nstdin = 0;

    while ((opt = qx_getopt(&g, argc, argv)) != -1) {
        enum output want = OUT_TEXT;
        switch (opt) {
        case 'j':
            want = OUT_JSON;
            break;
        case 'x':
            want = OUT_EXPLAIN;
            break;
        case 'c':
            want = OUT_CANONICAL;
            break;
        case 'T':
            if (qx_target_parse(&o.t, optarg, stderr)) {
                rc = QX_EXIT_USAGE;
                goto out;
            }
            o.have_target = true;
            o.lo.arch = qx_target_qc_arch(&o.t);
            break;
        case 'S':
            o.syntax_only = true;
            break;
        case 'F':
            o.no_files = true;
            break;
        case 'W':
            if (strncmp(optarg, "no-", 3) == 0) {
                if (!known_check(&g, "-W", optarg + 3) || names_add(&disabled, optarg + 3)) {
                    rc = QX_EXIT_USAGE;
                    goto out;
                }
            } else if (known_check(&g, "-W", optarg)) {
                names_del(&disabled, optarg);
            } else {
                rc = QX_EXIT_USAGE;
                goto out;
            }
            break;
        case 'E':
            if (!known_check(&g, "-E", optarg) || names_add(&promoted, optarg)) {
                rc = QX_EXIT_USAGE;
                goto out;
            }
            break;
        case 'A':
            o.lo.asinfo = optarg;
            break;
        case 'V':
            o.lo.prefer_pv = true;
            break;
        case 'L':
            qx_checks_print(stdout);
            rc = QX_EXIT_OK;
            goto out;
        default: /* QX_OPT_EXIT: help or misuse */
            rc = g.rc;
            goto out;
        }
        if (want != OUT_TEXT) {
            /* stdout carries one thing: the diagnostics as JSON, the
             * explanation, or the canonical text. */
            if (o.out != OUT_TEXT && o.out != want) {
                qx_usage_error(&g, "%s and %s both choose what standard output carries; give one",
                               out_opt, argv[optind - 1]);
                rc = QX_EXIT_USAGE;
                goto out;
            }
            o.out = want;
            out_opt = argv[optind - 1];
        }
    }
    for (int i = 0; i < g.nargs; i++)
        nstdin += !strcmp(g.args[i], "-");
    if (nstdin > 1) {
        qx_usage_error(&g, "standard input ('-') can be read once");
        rc = g.rc;
        goto out;
    }
    if (g.nargs > 1 && (o.out == OUT_EXPLAIN || o.out == OUT_CANONICAL)) {
        qx_usage_error(&g, "%s takes one FILE", o.out == OUT_EXPLAIN ? "--explain" : "--canonical");
        rc = g.rc;
        goto out;
    }
    for (int i = 0; i < g.nargs; i++) {
        if (!qx_is_xlcfg(g.args[i]))
            continue;
        if (o.out == OUT_EXPLAIN)
            qx_usage_error(&g,
                           "--explain explains a qvmconf, not an xl.cfg ('%s'); "
                           "--canonical prints the qvmconf it converts to",
                           g.args[i]);
        else if (g.nwords)
            qx_usage_error(&g, "the WORDs after -- are qvmconf words: an xl.cfg ('%s') takes none",
                           g.args[i]);
        else
            continue;
        rc = g.rc;
        goto out;
    }
    o.lo.disabled = disabled.v;
    o.lo.promoted = promoted.v;
    o.verbosity = g.verbosity;
    o.nfiles = g.nargs;
    rc = QX_EXIT_OK;
    for (int i = 0; i < g.nargs; i++) {
        int r = qx_is_xlcfg(g.args[i]) ? check_xlcfg(g.args[i], &o)
                                       : check_one(g.args[i], &o, g.nwords, g.wordv);
        if (r > rc) /* the worst: 65 over 1 over 0 */
            rc = r;
    }
out:
    free(disabled.v);
    free(promoted.v);
    return rc;
}
