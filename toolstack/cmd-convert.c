/* `qvm-xl convert --to=xl|json|qvmconf FILE [WORD...]`: the translation as
 * xl.cfg text or libxl JSON (or the canonical qvmconf), no hypervisor needed. */
#include <stdlib.h>
#include <string.h>

#include "cmd-util.h"
#include "export.h"
#include "kernel.h"
#include "load.h"
#include "qvm-xl.h"
#include "steps.h"
#include "xlate.h"

enum to { TO_NONE, TO_XL, TO_JSON, TO_QVMCONF };

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"to", required_argument, NULL, 't'},
        {"target", required_argument, NULL, 'T'},
        {"asinfo", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct qx_getopt g = {
        .cmd = "convert", .optstring = "+qh", .longopts = longopts, .min_args = 1, .max_args = -1};
    struct qx_load_opts lo = {.arch = QC_ARCH_ANY};
    const char *target = NULL;
    struct xlate_target t;
    struct qx_load l;
    enum to to = TO_NONE;
    char *why = NULL;
    int opt, rc;

    qx_load_init(&l);
    while ((opt = qx_getopt(&g, argc, argv)) != -1) {
        switch (opt) {
        case 't':
            to = strcmp(optarg, "xl") == 0        ? TO_XL
                 : strcmp(optarg, "json") == 0    ? TO_JSON
                 : strcmp(optarg, "qvmconf") == 0 ? TO_QVMCONF
                                                  : TO_NONE;
            if (to == TO_NONE) {
                fprintf(stderr, "qvm-xl convert: --to is xl, json or qvmconf\n");
                rc = QX_EXIT_USAGE;
                goto out;
            }
            break;
        case 'T':
            target = optarg;
            break;
        case 'A':
            lo.asinfo = optarg;
            break;
        default: /* QX_OPT_EXIT: help or misuse */
            rc = g.rc;
            goto out;
        }
    }
    if (to == TO_NONE) {
        qx_cmd_usage(stderr, qx_cmd_lookup("convert"));
        rc = QX_EXIT_USAGE;
        goto out;
    }
    if (target && qx_target_parse(&t, target, stderr)) {
        rc = QX_EXIT_USAGE;
        goto out;
    }
    if (to == TO_QVMCONF && qx_is_xlcfg(argv[optind])) {
        /* The reverse direction: an xl.cfg back to qvmconf (cmd-export.c). */
        rc = qx_convert_xlcfg(argv[optind], target ? &t : NULL, stdout, stderr);
        goto out;
    }
    rc = QX_EXIT_CONFIG;
    if (qx_load_read(&l, argv[optind], argc - optind - 1, argv + optind + 1, &lo, stderr)) {
        qc_diags_print(stderr, &l.d, &l.src);
        goto out;
    }
    if (to == TO_QVMCONF) {
        qc_diags_print(stderr, &l.d, &l.src);
        qc_write(stdout, &l.cfg);
        rc = QX_EXIT_OK;
        goto out;
    }
    if (!target)
        qx_target_for(&t, &l.cfg);
    /* The kernel is checked when it can be read: convert needs no files. */
    int bad = qx_load_translate(&l, &t) || qx_kernel_check(&l.cfg, &l.plan, &t, false, &l.d);
    qc_diags_print(stderr, &l.d, &l.src);
    if (bad)
        goto out;
    if (to == TO_JSON) {
        rc = xlate_emit_json(stdout, &l.plan.config) ? QX_EXIT_FAIL : QX_EXIT_OK;
    } else if ((rc = xlate_emit_xlcfg(stdout, &l.plan.config, &why))) {
        fprintf(stderr, "qvm-xl convert: xl.cfg cannot express %s; use --to=json\n",
                why ? why : "this configuration");
        rc = rc == XLATE_ERR_UNSUPPORTED ? QX_EXIT_CONFIG : QX_EXIT_FAIL;
    } else if (l.plan.nbackends) {
        /* xl cannot start them: say how, so the file is still usable. */
        fputs("# Emulated devices: xl create -p this file, then run\n# qvm-xl-backend --domid "
              "DOMID",
              stdout);
        for (size_t i = 0; i < l.plan.nbackends; i++)
            printf(" --device '%s'", l.plan.backends[i].spec);
        fputs("\n# and xl unpause DOMID once it prints \"ready\".\n", stdout);
    }
out:
    free(why);
    qx_load_dispose(&l);
    return rc;
}
