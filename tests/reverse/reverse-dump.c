/* reverse-dump: drives the reverse translation for tests/reverse/run.sh (xl.cfg in, qvmconf/JSON
 * out). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlate/map-internal.h"
#include "conf/doc.h"
#include "xlate/reverse.h"
#include "tests/xlate/reverse-print.h"

/* libxlutil 4.17 leaks the string and list tokens being read when a syntax error hits
 * inside a list (its bison grammar has no %destructor): theirs, not ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:xlu__cfg_string_mk\nleak:xlu__cfgl_strdup\nleak:xlu__cfg_list_mk\n";
}

static int usage(void)
{
    fprintf(stderr, "usage: reverse-dump [--arch ARCH] qvmconf|parse-json|json|lossy FILE.cfg\n"
                    "       reverse-dump [--arch ARCH] model-rt FILE.qvmconf\n");
    return 2;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (!f)
        return NULL;
    do {
        if (n + 4096 > cap) {
            char *nb = realloc(buf, cap = n + 65536);

            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
    } while (r);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* xl.cfg -> libxl config -> qvm model; @what selects the output. */
static int from_cfg(const char *what, const char *path, enum xlate_arch arch)
{
    libxl_domain_config dc;
    struct xlcfg_lossy_list lossy;
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.name = "reverse", .arch = arch, .carry = &lossy};
    size_t len = 0;
    char *text = slurp(path, &len);
    int rc;

    if (!text) {
        perror(path);
        return 2;
    }
    libxl_domain_config_init(&dc);
    xlcfg_lossy_init(&lossy);
    xlate_reverse_init(&r);
    rc = rp_xlcfg_parse(path, text, len, arch, &dc, &lossy, stderr);
    if (rc) {
        rc = rc == XLATE_ERR_INVAL ? 65 : 1;
        goto out;
    }
    if (!strcmp(what, "parse-json")) {
        rc = xlate_emit_json(stdout, &dc) ? 1 : 0;
        goto out;
    }
    rc = rp_reverse(&dc, &o, &r, stderr);
    if (rc) {
        rc = 1;
        goto out;
    }
    if (!strcmp(what, "qvmconf")) {
        xlate_reverse_write(stdout, &r);
    } else if (!strcmp(what, "lossy")) {
        for (size_t i = 0; i < r.lossy.n; i++)
            if (i == 0 ||
                !xlcfg_lossy_has(&(struct xlcfg_lossy_list){r.lossy.v, i}, r.lossy.v[i].key))
                printf("%s\n", r.lossy.v[i].key);
    } else { /* json: back through the forward translator */
        struct xlate_target t;
        struct xlate_plan plan;
        struct qc_diags d;

        xlate_target_default(&t, arch);
        xlate_plan_init(&plan);
        qc_diags_init(&d);
        if (xlate_translate(&r.doc.cfg, &t, &plan, &d)) {
            qc_diags_print(stderr, &d, &r.doc.src);
            rc = 1;
        } else {
            rc = xlate_emit_json(stdout, &plan.config) ? 1 : 0;
        }
        qc_diags_dispose(&d);
        xlate_plan_dispose(&plan);
    }
out:
    xlate_reverse_dispose(&r);
    xlcfg_lossy_dispose(&lossy);
    libxl_domain_config_dispose(&dc);
    free(text);
    return rc;
}

/* ---- model round trip: qvmconf -> xl.cfg -> qvmconf, compared as models ---- */

/*
 * The normalised view of a model: what Xen decides is rewritten the same way
 * in both (README.md "Normalisation"). Arrays are new; their elements borrow
 * from the model, which stays untouched.
 */
struct view {
    struct qc_config c;
};

static bool builtin_pc(int type)
{
    return type == QC_VDEV_IOAPIC || type == QC_VDEV_I8259 || type == QC_VDEV_TIMER8254 ||
           type == QC_VDEV_MC146818 || type == QC_VDEV_PCKEYBOARD;
}

static int vdev_order(const void *a, const void *b)
{
    const struct qc_vdev *x = a, *y = b;

    if (x->type != y->type)
        return x->type - y->type;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int pass_kind(const struct qc_pass *p)
{
    if (p->nintrs)
        return 10;
    return p->nlocs ? (int)p->locs[0].guest.space : 0;
}

static int pass_order(const void *a, const void *b)
{
    const struct qc_pass *x = a, *y = b;

    if (pass_kind(x) != pass_kind(y))
        return pass_kind(x) - pass_kind(y);
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int view_make(struct view *v, const struct qc_config *cfg)
{
    size_t n = 0;
    uint64_t total = 0, mib;

    v->c = *cfg;
    /* RAM: Xen keeps only the size (whole MiB) and lays it out itself. */
    for (size_t i = 0; i < cfg->nregions; i++)
        if (!cfg->regions[i].rom)
            total += cfg->regions[i].size;
    mib = (total + (1u << 20) - 1) >> 20;
    v->c.regions = calloc(1, sizeof(*v->c.regions));
    v->c.nregions = 1;
    if (!v->c.regions)
        return -1;
    v->c.regions[0] = (struct qc_region){.has_start = false, .size = mib << 20};
    /* No cpu is one vCPU, which the reverse direction writes as `cpu`. */
    if (!cfg->ncpus) {
        v->c.cpus = calloc(1, sizeof(*v->c.cpus));
        if (!v->c.cpus)
            return -1;
        v->c.ncpus = 1;
    }
    /* vdevs: Xen's built-in PC devices and an option-less gic are implied by the
     * guest type; the intrs of the rest name those built-ins; order by type. */
    v->c.vdevs = calloc(cfg->nvdevs + 1, sizeof(*v->c.vdevs));
    if (!v->c.vdevs)
        return -1;
    for (size_t i = 0; i < cfg->nvdevs; i++) {
        struct qc_vdev d = cfg->vdevs[i];

        if (d.type >= 0 && builtin_pc(d.type))
            continue;
        if (d.type == QC_VDEV_GIC && !d.nvalues && !d.has_loc && !d.name)
            continue;
        if (d.type == QC_VDEV_HPET || d.type == QC_VDEV_SER8250)
            d.nintrs = 0, d.intrs = NULL, d.has_loc = false;
        v->c.vdevs[n++] = d;
    }
    v->c.nvdevs = n;
    qsort(v->c.vdevs, n, sizeof(*v->c.vdevs), vdev_order);
    /* pass: one region or interrupt per item, attributes dropped (iomem has none). */
    n = 0;
    for (size_t i = 0; i < cfg->npasses; i++)
        n += cfg->passes[i].nlocs + cfg->passes[i].nintrs;
    v->c.passes = calloc(n + 1, sizeof(*v->c.passes) + sizeof(struct qc_locspec));
    if (!v->c.passes)
        return -1;
    {
        struct qc_locspec *locs = (struct qc_locspec *)(v->c.passes + n + 1);
        size_t k = 0;

        for (size_t i = 0; i < cfg->npasses; i++) {
            const struct qc_pass *p = &cfg->passes[i];

            for (size_t j = 0; j < p->nlocs; j++) {
                locs[k] = p->locs[j];
                locs[k].attrs = NULL;
                locs[k].guest.space_explicit = locs[k].host.space_explicit = false;
                if (locs[k].has_host && locs[k].host.space == locs[k].guest.space &&
                    locs[k].host.addr == locs[k].guest.addr && locs[k].guest.space == QC_SPACE_MEM)
                    locs[k].has_host = false;
                v->c.passes[k] = (struct qc_pass){
                    .blob = p->blob, .locs = &locs[k], .nlocs = 1, .seq = p->seq * 64 + j};
                k++;
            }
            for (size_t j = 0; j < p->nintrs; j++)
                v->c.passes[k++] = (struct qc_pass){.blob = p->blob,
                                                    .intrs = &p->intrs[j],
                                                    .nintrs = 1,
                                                    .seq = p->seq * 64 + 32 + j};
        }
        v->c.npasses = k;
        qsort(v->c.passes, k, sizeof(*v->c.passes), pass_order);
    }
    return 0;
}

static void view_dispose(struct view *v, const struct qc_config *cfg)
{
    if (cfg && !cfg->ncpus)
        free(v->c.cpus);
    free(v->c.regions);
    free(v->c.vdevs);
    free(v->c.passes);
}

static bool all_exact(const struct xlate_plan *p)
{
    for (size_t i = 0; i < p->nreports; i++)
        if (p->reports[i].fidelity != XLATE_EXACT)
            return false;
    return true;
}

static int model_rt(const char *path, enum xlate_arch arch)
{
    const struct qc_doc_opts dopts = {
        .parse = {.arch = arch == XLATE_ARCH_AARCH64 ? QC_ARCH_ARM : QC_ARCH_X86}};
    struct qc_doc doc;
    struct xlate_target t;
    struct xlate_plan plan;
    struct xlcfg_lossy_list lossy;
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.name = "reverse", .arch = arch};
    libxl_domain_config dc;
    struct view va = {0}, vb = {0};
    char *xl = NULL, *why = NULL;
    size_t xllen = 0;
    FILE *f;
    int rc = 1;

    qc_doc_init(&doc, &dopts);
    xlate_plan_init(&plan);
    xlcfg_lossy_init(&lossy);
    xlate_reverse_init(&r);
    libxl_domain_config_init(&dc);
    xlate_target_default(&t, arch);
    if (qc_doc_read_file(&doc, path, 0, NULL) || qc_doc_parse(&doc) || qc_doc_validate(&doc) ||
        xlate_translate(&doc.cfg, &t, &plan, &doc.d)) {
        printf("SKIP: does not translate\n");
        rc = 77;
        goto out;
    }
    if (!all_exact(&plan)) {
        printf("SKIP: not every component maps exactly\n");
        rc = 77;
        goto out;
    }
    f = open_memstream(&xl, &xllen);
    if (!f || xlate_emit_xlcfg(f, &plan.config, &why)) {
        printf("FAIL: no xl.cfg: %s\n", why ? why : "");
        if (f)
            fclose(f);
        goto out;
    }
    fclose(f);
    if (rp_xlcfg_parse("emitted.cfg", xl, xllen, arch, &dc, &lossy, stderr) ||
        (o.carry = &lossy, rp_reverse(&dc, &o, &r, stderr))) {
        printf("FAIL: reverse\n%s", xl);
        goto out;
    }
    if (view_make(&va, &doc.cfg) || view_make(&vb, &r.doc.cfg)) {
        printf("FAIL: out of memory\n");
        goto out;
    }
    if (!qc_config_equal(&va.c, &vb.c)) {
        printf("FAIL: models differ (normalised).\n--- original:\n");
        qc_write(stdout, &va.c);
        printf("--- xl.cfg:\n%s--- back:\n", xl);
        qc_write(stdout, &vb.c);
        goto out;
    }
    printf("PASS\n");
    rc = 0;
out:
    view_dispose(&va, va.c.regions ? &doc.cfg : NULL);
    view_dispose(&vb, vb.c.regions ? &r.doc.cfg : NULL);
    free(xl);
    free(why);
    libxl_domain_config_dispose(&dc);
    xlate_reverse_dispose(&r);
    xlcfg_lossy_dispose(&lossy);
    xlate_plan_dispose(&plan);
    qc_doc_dispose(&doc);
    return rc;
}

int main(int argc, char **argv)
{
    enum xlate_arch arch;
    int i = 1;

    arch = XLATE_ARCH_X86_64;
    if (argc > 3 && !strcmp(argv[1], "--arch")) {
        if (xlate_arch_from_name(argv[2], &arch))
            return usage();
        i = 3;
    }
    if (argc != i + 2)
        return usage();
    if (!strcmp(argv[i], "model-rt"))
        return model_rt(argv[i + 1], arch);
    if (!strcmp(argv[i], "qvmconf") || !strcmp(argv[i], "parse-json") || !strcmp(argv[i], "json") ||
        !strcmp(argv[i], "lossy"))
        return from_cfg(argv[i], argv[i + 1], arch);
    return usage();
}
