/* SPDX-License-Identifier: LGPL-2.1-only */
/* `qvm-xl create`: validate, translate for this host, check host
 * precedence, then build the domain, its backend and unpause it — all or
 * nothing. The steps and their exit classes are in steps.h. */
#include <stdlib.h>
#include <string.h>

#include "toolstack/backend.h"
#include "toolstack/cmd-util.h"
#include "toolstack/host.h"
#include "toolstack/load.h"
#include "toolstack/monitor.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/shmem-client.h"
#include "toolstack/steps.h"
#include "xlate/xlate.h"

struct create_opts {
    bool console, paused, dryrun, foreground, no_files, have_target;
    int verbosity;
    const char *host_reserve;
    struct xlate_target target; /* --target, when have_target */
    struct qx_load_opts load;
    const char *file; /* FILE, then the qvmconf words */
    int nwords;
    char **words;
};

/* Parses create's options; returns -1 to go on, or an exit code. */
static int parse_opts(int argc, char **argv, struct create_opts *o)
{
    static const struct option longopts[] = {
        {"dry-run", no_argument, NULL, 'n'},
        {"host-reserve", required_argument, NULL, 'R'},
        {"target", required_argument, NULL, 'T'},
        {"asinfo", required_argument, NULL, 'A'},
        {"no-files", no_argument, NULL, 'X'},
        {"prefer-pv", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct qx_getopt g = {.cmd = "create",
                          .optstring = "cpnNF",
                          .longopts = longopts,
                          .min_args = 1,
                          .max_args = 1,
                          .words = true};
    int opt;

    while ((opt = qx_getopt(&g, argc, argv)) != -1) {
        switch (opt) {
        case 'c':
            o->console = true;
            break;
        case 'p':
            o->paused = true;
            break;
        case 'n':
        case 'N':
            o->dryrun = true;
            break;
        case 'F':
            o->foreground = true;
            break;
        case 'R':
            o->host_reserve = optarg;
            break;
        case 'T':
            if (qx_target_parse(&o->target, optarg, stderr))
                return QX_EXIT_USAGE;
            o->have_target = true;
            o->load.arch = qx_target_qc_arch(&o->target);
            break;
        case 'A':
            o->load.asinfo = optarg;
            break;
        case 'V':
            o->load.prefer_pv = true;
            break;
        case 'X':
            o->no_files = true;
            break;
        default: /* QX_OPT_EXIT: help or misuse */
            return g.rc;
        }
    }
    if (o->no_files && !o->dryrun) {
        qx_usage_error(&g, "--no-files needs -n: a domain is built from the files");
        return g.rc;
    }
    o->verbosity = g.verbosity;
    o->file = g.args[0];
    o->nwords = g.nwords;
    o->words = g.wordv;
    return -1;
}

/* The live host's target, unless --target says otherwise. */
static int host_target(libxl_ctx *ctx, const struct create_opts *o, struct xlate_target *t)
{
    const libxl_version_info *ver;
    libxl_physinfo phys;
    int rc;

    if (o->have_target) {
        *t = o->target;
        return 0;
    }
    libxl_physinfo_init(&phys);
    ver = libxl_get_version_info(ctx);
    rc = ver && !libxl_get_physinfo(ctx, &phys) ? xlate_target_from_host(t, ver, &phys) : -1;
    libxl_physinfo_dispose(&phys);
    /* pCPUs that do not exist are a host conflict (exit 3, the precedence
     * check), not a configuration error of the translation (65). */
    t->nr_pcpus = 0;
    if (rc)
        fprintf(stderr, "qvm-xl: cannot describe this host's Xen\n");
    return rc;
}

static int precedence(libxl_ctx *ctx, const struct create_opts *o, const struct qx_load *l)
{
    struct qx_host h;
    struct qx_conflicts c;
    const char *res = o->host_reserve ? o->host_reserve : QX_HOST_RESERVE_DEFAULT;
    int rc = QX_EXIT_FAIL, n;

    qx_host_init(&h);
    qx_conflicts_init(&c);
    if (qx_host_from_xen(&h, ctx, stderr))
        goto out;
    if (qx_host_load_reserve(&h, res, o->host_reserve != NULL, stderr)) {
        rc = QX_EXIT_HOST;
        goto out;
    }
    n = qx_host_check(&h, &l->doc.cfg, &l->plan.config, &c);
    qx_conflicts_print(stderr, &c);
    rc = n == 0 ? QX_EXIT_OK : n > 0 ? QX_EXIT_HOST : QX_EXIT_FAIL;
out:
    qx_conflicts_dispose(&c);
    qx_host_dispose(&h);
    return rc;
}

static int backend_timeout_ms(void)
{
    const char *s = getenv("QVMXL_BACKEND_TIMEOUT");
    int v = s ? atoi(s) : 0;
    return v > 0 ? v : 10000;
}

/* From the domain's creation on: every failure tears down what exists. */
static int build(struct qx_ctx *c, const struct create_opts *o, struct qx_load *l)
{
    uint32_t domid = (uint32_t)INVALID_DOMID;
    struct qx_backend be;
    struct qx_shmem_links links = {0};
    enum qx_step step = QX_STEP_DOMAIN;
    char **specs = NULL;
    int rc;

    qx_backend_init(&be);
    rc = libxl_domain_create_new(c->ctx, &l->plan.config, &domid, NULL, NULL);
    if (rc || qx_fail_injected(step, stderr)) {
        if (rc)
            fprintf(stderr, "qvm-xl: creating the domain failed (libxl error %d)\n", rc);
        goto fail;
    }
    if (l->plan.nbackends) {
        step = QX_STEP_BACKEND;
        specs = calloc(l->plan.nbackends, sizeof(*specs));
        if (!specs)
            goto fail;
        for (size_t i = 0; i < l->plan.nbackends; i++)
            specs[i] = l->plan.backends[i].spec;
        /* shmem devices get their broker connection first; the backend inherits it. */
        rc = qx_shmem_connect(domid, specs, l->plan.nbackends, &links, stderr) ||
             qx_backend_start(&be, domid, links.specs, l->plan.nbackends, stderr);
        qx_shmem_links_dispose(&links);
        if (rc || qx_fail_injected(step, stderr))
            goto fail;
        step = QX_STEP_READY;
        if (qx_backend_wait_ready(&be, backend_timeout_ms(), stderr) ||
            qx_fail_injected(step, stderr))
            goto fail;
    }
    step = QX_STEP_UNPAUSE;
    if (!o->paused && libxl_domain_unpause(c->ctx, domid, NULL)) {
        fprintf(stderr, "qvm-xl: unpausing domain %u failed\n", domid);
        goto fail;
    }
    if (qx_fail_injected(step, stderr))
        goto fail;
    step = QX_STEP_MONITOR;
    if (!o->foreground &&
        (qx_monitor_spawn(domid, o->verbosity, stderr) || qx_fail_injected(step, stderr)))
        goto fail;
    if (o->verbosity >= 0)
        fprintf(stderr, "qvm-xl: domain %s (%u) created%s\n", l->plan.config.c_info.name, domid,
                o->paused ? ", paused" : "");
    rc = QX_EXIT_OK;
    if (o->console) {
        /* Like xl create -c: the console replaces this process. */
        qx_console_exec(c, domid);
        fprintf(stderr, "qvm-xl: cannot attach the console\n");
        rc = QX_EXIT_FAIL;
    } else if (o->foreground) {
        int code = qx_monitor_run(c->ctx, domid, stderr);
        rc = code < 0 ? QX_EXIT_FAIL : code; /* qvm's code for why the guest stopped */
    }
    goto out;
fail:
    rc = qx_step_exit(step);
    if (domid != (uint32_t)INVALID_DOMID)
        qx_domain_teardown(c->ctx, domid, stderr);
out:
    free(specs);
    qx_backend_dispose(&be);
    return rc;
}

int cmd_create(int argc, char **argv)
{
    struct create_opts o = {.load = {.arch = QC_ARCH_ANY}};
    struct qx_ctx c = {0};
    struct qx_load l;
    struct xlate_target t;
    int rc, r;

    qx_load_init(&l);
    rc = parse_opts(argc, argv, &o);
    if (rc >= 0)
        goto out;
    r = qx_load_read(&l, o.file, o.nwords, o.words, &o.load, stderr);
    if (r) {
        qx_load_print(&l, stderr, o.verbosity);
        rc = r == QX_LOAD_EIO ? QX_EXIT_FAIL : QX_EXIT_CONFIG;
        goto out;
    }
    if (o.dryrun) {
        if (o.have_target)
            t = o.target;
        else
            qx_load_default_target(&l, &t, o.file);
    } else {
        /* The context comes first: the translation is for this host. */
        if (qx_ctx_open(&c, o.verbosity) || qx_fail_injected(QX_STEP_CTX, stderr)) {
            rc = qx_step_exit(QX_STEP_CTX);
            goto out;
        }
        if (host_target(c.ctx, &o, &t)) {
            rc = QX_EXIT_FAIL;
            goto out;
        }
    }
    /* The files are read here, before anything is built (with -n too,
     * unless --no-files: they may live on the VM's host). */
    r = qx_load_translate(&l, &t);
    r |= qx_load_files(&l, &t, !o.no_files,
                       o.dryrun ? "the files are looked for on this machine; --no-files skips this"
                                : NULL);
    if (r || qx_fail_injected(QX_STEP_CONFIG, stderr)) {
        qx_load_print(&l, stderr, o.verbosity);
        rc = QX_EXIT_CONFIG;
        goto out;
    }
    qx_load_print(&l, stderr, o.verbosity);
    if (o.dryrun) {
        rc = xlate_emit_json(stdout, &l.plan.config) ? QX_EXIT_FAIL : QX_EXIT_OK;
        goto out;
    }
    /* The files the domain is built from: a wrapped kernel and the generated device tree,
     * under the run directory (xl reads them when it builds). */
    if (qx_load_stage(&l, NULL, QX_STAGE_KERNEL | QX_STAGE_DTB, stderr)) {
        rc = QX_EXIT_FAIL;
        goto out;
    }
    rc = precedence(c.ctx, &o, &l);
    if (!rc && qx_fail_injected(QX_STEP_HOST, stderr))
        rc = QX_EXIT_HOST;
    if (rc)
        goto out;
    rc = build(&c, &o, &l);
out:
    qx_load_unstage(&l);
    qx_ctx_close(&c);
    qx_load_dispose(&l);
    return rc;
}
