/* SPDX-License-Identifier: LGPL-2.1-only */
/* `qvm-xl convert --to=xl|json|libvirt|qvmconf FILE [WORD...]`: the translation as
 * xl.cfg text, libxl JSON or libvirt domain XML (or the canonical qvmconf), no hypervisor
 * needed. */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt/libvirt.h"
#include "toolstack/cmd-util.h"
#include "toolstack/export.h"
#include "toolstack/load.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/shmem-client.h"
#include "toolstack/steps.h"
#include "xlate/xlate.h"

enum to { TO_NONE, TO_XL, TO_JSON, TO_QVMCONF, TO_LIBVIRT };

/* Writes the wrapped kernel (when the plan needs one) into the directory of @dtb, or
 * here, and makes kernel= name it. */
static int stage_kernel(struct qx_load *l, const char *dtb)
{
    char *dir = dtb ? strdup(dtb) : NULL;
    int rc;

    if (dtb && !dir)
        return -1;
    rc = qx_load_stage(l, dir ? dirname(dir) : ".", QX_STAGE_KERNEL, stderr);
    free(dir);
    return rc;
}

/* Writes the device tree the translation generated to @path (default: the name the plan
 * gives it, NAME.dtb, here), and makes device_tree= name that file. */
static int write_dtb(struct xlate_plan *plan, const char *path, int verbosity)
{
    char **name = &plan->config.b_info.device_tree;
    FILE *f;

    if (path) {
        char *copy = strdup(path);
        if (!copy)
            return -1;
        free(*name);
        *name = copy;
    }
    f = fopen(*name, "wb");
    bool ok = f && fwrite(plan->fdt, 1, plan->fdt_size, f) == plan->fdt_size;
    if (f && fclose(f))
        ok = false;
    if (!ok) {
        fprintf(stderr, "qvm-xl convert: cannot write the device tree to '%s': %s\n", *name,
                strerror(errno));
        return -1;
    }
    if (verbosity >= 0)
        fprintf(stderr, "qvm-xl convert: wrote the guest's device tree to %s (device_tree=)\n",
                *name);
    return 0;
}

/* libvirt domain XML of the plan; the backend devices are what libvirt cannot start. */
static int emit_libvirt(const struct xlate_plan *plan, const struct xlate_target *t,
                        const char *name, bool allow_partial, int verbosity)
{
    const char **extra = calloc(plan->nbackends + 1, sizeof(*extra));
    char **own = calloc(plan->nbackends + 1, sizeof(*own));
    struct lvxml_write_opts o = {.arch = xlate_arch_name(t->arch),
                                 .name = name,
                                 .allow_partial = allow_partial,
                                 .extra = extra};
    struct qc_diags d;
    int rc = XLATE_ERR_NOMEM;

    qc_diags_init(&d);
    for (size_t i = 0; extra && own && i < plan->nbackends; i++, o.nextra++) {
        if (asprintf(&own[i], "qvm-xl-backend device '%s'", plan->backends[i].spec) < 0) {
            own[i] = NULL; /* undefined after a failure */
            goto out;
        }
        extra[i] = own[i];
    }
    if (extra && own)
        rc = lvxml_write(stdout, &plan->config, &o, &d);
    if (verbosity >= 0 || rc)
        qc_diags_print(stderr, &d, NULL);
out:
    if (rc == XLATE_ERR_UNSUPPORTED)
        fputs("qvm-xl convert: libvirt domain XML cannot express this configuration; use "
              "--to=json, or --allow-partial to write the rest\n",
              stderr);
    else if (rc)
        fprintf(stderr, "qvm-xl convert: %s\n", xlate_strerror(rc));
    for (size_t i = 0; own && i < plan->nbackends; i++)
        free(own[i]);
    free(own);
    free(extra);
    qc_diags_dispose(&d);
    return !rc ? QX_EXIT_OK : rc == XLATE_ERR_UNSUPPORTED ? QX_EXIT_CONFIG : QX_EXIT_FAIL;
}

int cmd_convert(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"to", required_argument, NULL, 't'},     {"target", required_argument, NULL, 'T'},
        {"asinfo", required_argument, NULL, 'A'}, {"no-files", no_argument, NULL, 'X'},
        {"dtb", required_argument, NULL, 'D'},    {"allow-partial", no_argument, NULL, 'P'},
        {"prefer-pv", no_argument, NULL, 'V'},    {NULL, 0, NULL, 0},
    };
    struct qx_getopt g = {
        .cmd = "convert", .longopts = longopts, .min_args = 1, .max_args = 1, .words = true};
    struct qx_load_opts lo = {.arch = QC_ARCH_ANY};
    bool have_target = false, no_files = false, allow_partial = false;
    const char *dtb = NULL;
    struct xlate_target t;
    struct qx_load l;
    enum to to = TO_NONE;
    char *why = NULL;
    int opt, rc, r;

    qx_load_init(&l);
    while ((opt = qx_getopt(&g, argc, argv)) != -1) {
        switch (opt) {
        case 't':
            to = strcmp(optarg, "xl") == 0        ? TO_XL
                 : strcmp(optarg, "json") == 0    ? TO_JSON
                 : strcmp(optarg, "qvmconf") == 0 ? TO_QVMCONF
                 : strcmp(optarg, "libvirt") == 0 ? TO_LIBVIRT
                                                  : TO_NONE;
            if (to == TO_NONE) {
                qx_usage_error(&g, "--to is xl, json, libvirt or qvmconf, not '%s'", optarg);
                rc = g.rc;
                goto out;
            }
            break;
        case 'T':
            if (qx_target_parse(&t, optarg, stderr)) {
                rc = QX_EXIT_USAGE;
                goto out;
            }
            have_target = true;
            lo.arch = qx_target_qc_arch(&t);
            break;
        case 'A':
            lo.asinfo = optarg;
            break;
        case 'V':
            lo.prefer_pv = true;
            break;
        case 'X':
            no_files = true;
            break;
        case 'D':
            dtb = optarg;
            break;
        case 'P':
            allow_partial = true;
            break;
        default: /* QX_OPT_EXIT: help or misuse */
            rc = g.rc;
            goto out;
        }
    }
    if (to == TO_NONE) {
        qx_usage_error(&g, "--to=xl, --to=json, --to=libvirt or --to=qvmconf is needed");
        rc = g.rc;
        goto out;
    }
    if (to == TO_QVMCONF && qx_is_xlcfg(g.args[0])) {
        /* The reverse direction: an xl.cfg or libvirt XML back to qvmconf (cmd-export.c). */
        rc = qx_convert_xlcfg(g.args[0], have_target ? &t : NULL, stdout, stderr);
        goto out;
    }
    r = qx_load_read(&l, g.args[0], g.nwords, g.wordv, &lo, stderr);
    if (r) {
        qx_load_print(&l, stderr, g.verbosity);
        rc = r == QX_LOAD_EIO ? QX_EXIT_FAIL : QX_EXIT_CONFIG;
        goto out;
    }
    rc = QX_EXIT_CONFIG;
    if (to == TO_QVMCONF) {
        /* The language only: nothing is translated, no file is read. */
        qx_load_print(&l, stderr, g.verbosity);
        qc_write(stdout, &l.doc.cfg);
        rc = QX_EXIT_OK;
        goto out;
    }
    if (!have_target)
        qx_load_default_target(&l, &t, g.args[0]);
    /* The files are read unless --no-files: this machine may not be the VM's host. */
    r = qx_load_translate(&l, &t);
    r |= qx_load_files(&l, &t, !no_files,
                       "the files are looked for on this machine; --no-files skips this");
    qx_load_print(&l, stderr, g.verbosity);
    if (r)
        goto out;
    if (g.verbosity > 0) {
        fputs("qvm-xl convert: translated for ", stderr);
        xlate_target_print(stderr, &t);
    }
    /* The output refers to every file it needs: a generated device tree is written. */
    if (l.plan.fdt && write_dtb(&l.plan, dtb, g.verbosity)) {
        rc = QX_EXIT_FAIL;
        goto out;
    }
    /* A kernel Xen cannot start as it is is written wrapped beside the device tree. */
    if (stage_kernel(&l, dtb)) {
        rc = QX_EXIT_FAIL;
        goto out;
    }
    if (to == TO_JSON) {
        rc = xlate_emit_json(stdout, &l.plan.config) ? QX_EXIT_FAIL : QX_EXIT_OK;
    } else if (to == TO_LIBVIRT) {
        rc = emit_libvirt(&l.plan, &t, g.args[0], allow_partial, g.verbosity);
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
        for (size_t i = 0; i < l.plan.nbackends; i++) {
            if (qx_shmem_spec(l.plan.backends[i].spec)) {
                fputs("# The shmem device also needs its connection to qvm-xl-shmemd (fd=), which\n"
                      "# only qvm-xl create sets up: create this guest with qvm-xl create.\n",
                      stdout);
                break;
            }
        }
    }
out:
    free(why);
    qx_load_dispose(&l);
    return rc;
}
