/* Configuration input for check, create and convert: read, validate, translate. */
#include <stdlib.h>
#include <string.h>

#include "load.h"
#include "xlate.h"

void qx_load_init(struct qx_load *l)
{
    qc_sources_init(&l->src);
    qc_words_init(&l->words);
    qc_diags_init(&l->d);
    qc_config_init(&l->cfg);
    qx_asinfo_init(&l->asinfo);
    xlate_plan_init(&l->plan);
}

void qx_load_dispose(struct qx_load *l)
{
    xlate_plan_dispose(&l->plan);
    qc_config_dispose(&l->cfg);
    qc_diags_dispose(&l->d);
    qc_words_dispose(&l->words);
    qc_sources_dispose(&l->src);
    qx_asinfo_dispose(&l->asinfo);
}

int qx_load_read(struct qx_load *l, const char *file, int nwords, char *const *words,
                 const struct qx_load_opts *o, FILE *err)
{
    const struct qc_subst subst = {
        .env = qc_subst_getenv, .asinfo = qx_asinfo_lookup, .opaque = &l->asinfo};
    const struct qc_read_opts ropts = {.subst = &subst};
    const struct qc_parse_opts popts = {.arch = o->arch};
    char **wv = calloc((size_t)nwords + 1, sizeof(*wv));
    int rc = -1;

    if (!wv || asprintf(&wv[0], "@%s", file) < 0) {
        fprintf(err, "qvm-xl: out of memory\n");
        goto out;
    }
    if (qx_asinfo_load(&l->asinfo, o->asinfo ? o->asinfo : QX_ASINFO_DEFAULT, o->asinfo != NULL,
                       err))
        goto out;
    for (int i = 0; i < nwords; i++)
        wv[i + 1] = words[i];
    l->d.disabled = o->disabled;
    l->d.promoted = o->promoted;
    qc_read_args(&l->src, &l->words, nwords + 1, (const char *const *)wv, &ropts, &l->d);
    qc_parse(&l->words, &popts, &l->cfg, &l->d);
    qc_validate(&l->cfg, &l->d);
    rc = l->d.errors ? -1 : 0;
out:
    if (wv)
        free(wv[0]);
    free(wv);
    return rc;
}

int qx_load_translate(struct qx_load *l, const struct xlate_target *t)
{
    xlate_plan_dispose(&l->plan);
    xlate_plan_init(&l->plan);
    return xlate_translate(&l->cfg, t, &l->plan, &l->d) || l->d.errors ? -1 : 0;
}

int qx_target_parse(struct xlate_target *t, const char *spec, FILE *err)
{
    size_t n = strcspn(spec, ",");
    char *arch = strndup(spec, n);
    enum xlate_arch a;
    int rc = -1;

    if (!arch || xlate_arch_from_name(arch, &a)) {
        fprintf(err, "qvm-xl: --target: unknown architecture '%s'\n", arch ? arch : spec);
        goto out;
    }
    xlate_target_default(t, a);
    if (spec[n] && xlate_target_parse_caps(t, spec + n + 1)) {
        fprintf(err, "qvm-xl: --target: unknown capability in '%s'\n", spec + n + 1);
        goto out;
    }
    rc = 0;
out:
    free(arch);
    return rc;
}

void qx_target_for(struct xlate_target *t, const struct qc_config *cfg)
{
    if (cfg->arch == QC_ARCH_ARM)
        xlate_target_default(t, XLATE_ARCH_AARCH64);
    else if (cfg->arch == QC_ARCH_X86)
        xlate_target_default(t, XLATE_ARCH_X86_64);
    else
        xlate_target_native(t);
}
