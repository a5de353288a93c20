/* `qvm-xl check`: read FILE and extra words as qvm would, parse, validate,
 * report. Exit 0 when valid, 65 on any configuration error, 64 on misuse. */
#include <stdlib.h>
#include <string.h>

#include "asinfo.h"
#include "check.h"
#include "cmd-util.h"
#include "load.h"
#include "qvm-xl.h"
#include "qvmconf.h"

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

static bool known_check(const char *name)
{
    if (qc_check_find(name))
        return true;
    fprintf(stderr, "qvm-xl check: unknown check '%s' (see --list-checks)\n", name);
    return false;
}

static void list_checks(void)
{
    static const char *const sev[] = {"note", "warning", "error"};
    for (const struct qc_check *c = qc_check_table; c->name; c++)
        printf("%-20s %-8s %s%s\n", c->name, sev[c->sev], c->help, c->fn ? "" : " (parser)");
}

/* $env{NAME} comes from qvm-xl's environment, as from qvm's. */
static int env_lookup(void *opaque, const char *name, const char **out)
{
    *out = getenv(name);
    return *out ? 0 : -1;
}

static void json(FILE *out, const struct qc_diags *d, int exit_code)
{
    fprintf(out, "{\"exit\": %d, \"errors\": %zu, \"warnings\": %zu, \"diagnostics\": ", exit_code,
            d->errors, d->warnings);
    qc_diags_print_json(out, d);
    fputs("}\n", out);
}

/* --explain, second part: how each component maps onto Xen 4.17 for the
 * configuration's architecture. Its diagnostics do not change check's
 * verdict (that is the language's); the report shows them per component. */
static void explain_translation(FILE *out, const struct qc_config *cfg)
{
    struct xlate_target t;
    struct xlate_plan plan;
    struct qc_diags td;

    qx_target_for(&t, cfg);
    xlate_plan_init(&plan);
    qc_diags_init(&td);
    xlate_translate(cfg, &t, &plan, &td);
    fputs("# translation for ", out);
    xlate_target_print(out, &t);
    xlate_report_print(out, &plan);
    qc_diags_dispose(&td);
    xlate_plan_dispose(&plan);
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, 'j'},
        {"explain", no_argument, NULL, 'x'},
        {"canonical", no_argument, NULL, 'c'},
        {"arch", required_argument, NULL, 'a'},
        {"list-checks", no_argument, NULL, 'L'},
        {"asinfo", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    /* '+': stop at FILE, so the words after it stay qvmconf words. */
    struct qx_getopt g = {
        .cmd = "check", .optstring = "+hW:E:", .longopts = longopts, .min_args = 1, .max_args = -1};
    struct names disabled = {0}, promoted = {0};
    bool as_json = false, explain = false, canonical = false;
    struct qc_parse_opts popts = {.arch = QC_ARCH_ANY};
    struct qx_asinfo asinfo;
    const char *asinfo_file = NULL;
    const struct qc_subst subst = {
        .env = env_lookup, .asinfo = qx_asinfo_lookup, .opaque = &asinfo};
    const struct qc_read_opts ropts = {.subst = &subst};
    struct qc_sources src;
    struct qc_words words;
    struct qc_diags d;
    struct qc_config cfg;
    char **wv = NULL;
    int rc, opt;

    qx_asinfo_init(&asinfo);
    qc_sources_init(&src);
    qc_words_init(&words);
    qc_diags_init(&d);
    qc_config_init(&cfg);
    while ((opt = qx_getopt(&g, argc, argv)) != -1) {
        switch (opt) {
        case 'j':
            as_json = true;
            break;
        case 'x':
            explain = true;
            break;
        case 'c':
            canonical = true;
            break;
        case 'a':
            if (strcmp(optarg, "x86_64") == 0)
                popts.arch = QC_ARCH_X86;
            else if (strcmp(optarg, "aarch64") == 0)
                popts.arch = QC_ARCH_ARM;
            else {
                fprintf(stderr, "qvm-xl check: --arch is x86_64 or aarch64\n");
                rc = QX_EXIT_USAGE;
                goto out;
            }
            break;
        case 'W':
            if (strncmp(optarg, "no-", 3) == 0) {
                if (!known_check(optarg + 3) || names_add(&disabled, optarg + 3)) {
                    rc = QX_EXIT_USAGE;
                    goto out;
                }
            } else if (known_check(optarg)) {
                names_del(&disabled, optarg);
            } else {
                rc = QX_EXIT_USAGE;
                goto out;
            }
            break;
        case 'E':
            if (!known_check(optarg) || names_add(&promoted, optarg)) {
                rc = QX_EXIT_USAGE;
                goto out;
            }
            break;
        case 'A':
            asinfo_file = optarg;
            break;
        case 'L':
            list_checks();
            rc = QX_EXIT_OK;
            goto out;
        default: /* QX_OPT_EXIT: help or misuse */
            rc = g.rc;
            goto out;
        }
    }
    /* $asinfo_* come from the host description, as qvm takes them from the host. */
    if (qx_asinfo_load(&asinfo, asinfo_file ? asinfo_file : QX_ASINFO_DEFAULT, asinfo_file != NULL,
                       stderr)) {
        rc = QX_EXIT_CONFIG;
        goto out;
    }
    d.disabled = disabled.v;
    d.promoted = promoted.v;

    /* FILE is read as qvm reads "@FILE"; the remaining words are literal. */
    int nw = argc - optind;
    wv = calloc((size_t)nw, sizeof(*wv));
    if (!wv || asprintf(&wv[0], "@%s", argv[optind]) < 0) {
        rc = QX_EXIT_CONFIG;
        goto out;
    }
    for (int i = 1; i < nw; i++)
        wv[i] = argv[optind + i];
    qc_read_args(&src, &words, nw, (const char *const *)wv, &ropts, &d);
    qc_parse(&words, &popts, &cfg, &d);
    qc_validate(&cfg, &d);
    rc = d.errors ? QX_EXIT_CONFIG : QX_EXIT_OK;

    if (as_json)
        json(stdout, &d, rc);
    else {
        qc_diags_print(stderr, &d, &src);
        qc_diags_print_summary(stderr, &d); /* "2 errors, 1 warning", as a compiler ends */
    }
    if (!d.errors && explain) {
        qc_write_explain(stdout, &cfg);
        explain_translation(stdout, &cfg);
    } else if (!d.errors && canonical)
        qc_write(stdout, &cfg);

out:
    if (wv)
        free(wv[0]);
    free(wv);
    free(disabled.v);
    free(promoted.v);
    qc_config_dispose(&cfg);
    qc_diags_dispose(&d);
    qc_words_dispose(&words);
    qc_sources_dispose(&src);
    qx_asinfo_dispose(&asinfo);
    return rc;
}
