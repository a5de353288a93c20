/* SPDX-License-Identifier: LGPL-2.1-only */
/* xlate-dump: translate one qvmconf for a target and print the xl.cfg, JSON or report (golden
 * tests). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/doc.h"
#include "xlate/map-internal.h"

static int usage(void)
{
    fprintf(stderr,
            "usage: xlate-dump [--arch ARCH] [--caps SPEC] [--pcpus N] [--xen X.Y] [--prefer-pv] "
            "cfg|json|report FILE\n"
            "       xlate-dump --mapping-md | --rules\n");
    return 2;
}

static int print(const char *mode, const struct xlate_plan *plan, const struct qc_diags *d, int rc)
{
    char *why = NULL;
    int erc;

    if (!strcmp(mode, "report")) {
        xlate_report_print(stdout, plan);
        qc_diags_print(stdout, d, NULL);
        qc_diags_print_summary(stdout, d);
        printf("translation %s\n", rc ? "failed" : "succeeded");
        return rc ? 1 : 0;
    }
    if (!strcmp(mode, "json"))
        return xlate_emit_json(stdout, &plan->config) ? 1 : rc ? 1 : 0;
    erc = xlate_emit_xlcfg(stdout, &plan->config, &why);
    if (erc) /* a comment line, so the golden shows why and xl never sees it */
        printf("# not expressible in xl.cfg: %s: %s\n", xlate_strerror(erc), why ? why : "");
    free(why);
    return erc ? 3 : rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    struct xlate_target t;
    const char *arch = NULL, *caps = NULL, *mode;
    unsigned pcpus = 0;
    bool prefer_pv = false;
    const char *xen = NULL;
    struct qc_doc doc;
    struct xlate_plan plan;
    int i = 1, rc;

    if (argc == 2 && !strcmp(argv[1], "--mapping-md")) {
        xlate_mapping_print_md(stdout);
        return 0;
    }
    if (argc == 2 && !strcmp(argv[1], "--rules")) {
        for (int r = 0; r < XLATE_RULE_COUNT; r++)
            printf("%s\n", xlate_rules[r].name);
        return 0;
    }
    for (; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
        if (!strcmp(argv[i], "--prefer-pv")) {
            prefer_pv = true;
            i--; /* no value */
        } else if (!strcmp(argv[i], "--arch")) {
            arch = argv[i + 1];
        } else if (!strcmp(argv[i], "--caps")) {
            caps = argv[i + 1];
        } else if (!strcmp(argv[i], "--xen")) {
            xen = argv[i + 1];
        } else if (!strcmp(argv[i], "--pcpus")) {
            pcpus = (unsigned)strtoul(argv[i + 1], NULL, 0);
        } else {
            return usage();
        }
    }
    if (argc - i != 2)
        return usage();
    mode = argv[i++];
    if (strcmp(mode, "cfg") && strcmp(mode, "json") && strcmp(mode, "report"))
        return usage();

    qc_doc_init(&doc, NULL);
    xlate_plan_init(&plan);
    rc = qc_doc_read_file(&doc, argv[i], 0, NULL); /* as qvm's "@FILE" word */
    if (!rc)
        rc = qc_doc_parse(&doc);
    if (!rc)
        rc = qc_doc_validate(&doc); /* pCPU range: the translator's check */
    if (rc || doc.d.errors) {
        qc_diags_print(stdout, &doc.d, NULL);
        qc_diags_print_summary(stdout, &doc.d);
        rc = 65;
        goto out;
    }
    if (arch) {
        enum xlate_arch a;

        if (xlate_arch_from_name(arch, &a)) {
            rc = usage();
            goto out;
        }
        xlate_target_default(&t, a);
    } else {
        xlate_target_default(&t,
                             doc.cfg.arch == QC_ARCH_ARM ? XLATE_ARCH_AARCH64 : XLATE_ARCH_X86_64);
    }
    t.nr_pcpus = pcpus;
    t.prefer_pv = prefer_pv;
    if (xen && sscanf(xen, "%u.%u", &t.xen_major, &t.xen_minor) != 2) {
        rc = usage();
        goto out;
    }
    if (caps && xlate_target_parse_caps(&t, caps)) {
        rc = usage();
        goto out;
    }
    rc = xlate_translate(&doc.cfg, &t, &plan, &doc.d);
    rc = print(mode, &plan, &doc.d, rc);
out:
    xlate_plan_dispose(&plan);
    qc_doc_dispose(&doc);
    return rc;
}
