/* SPDX-License-Identifier: LGPL-2.1-only */
/* The translation plan: its lifetime, the report helpers the passes share, and xlate_translate. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "xlate/map-internal.h"

const struct xlate_rule_desc xlate_rules[XLATE_RULE_COUNT] = {
#define XLATE_RULE(ID, NAME, QVM, XEN, FID, NOTE) [XLATE_RULE_##ID] = {NAME, QVM, XEN, FID, NOTE},
#include "xlate/mapping.def"
};

const char *xlate_fidelity_name(enum xlate_fidelity f)
{
    static const char *const names[] = {
#define XLATE_FID_NAME(e, name) [XLATE_##e] = name,
        XLATE_FIDELITIES(XLATE_FID_NAME)
#undef XLATE_FID_NAME
    };

    if ((unsigned)f >= sizeof(names) / sizeof(names[0]))
        return "?";
    return names[f];
}

static const struct {
    const char *name;
    enum xlate_start start[3]; /* aarch64, x86 PVH, x86 HVM */
} image_formats[XLATE_IMAGE_COUNT] = {
#define XLATE_IMG_ROW(id, name, a64, pvh, hvm)                                                     \
    [XLATE_IMAGE_##id] = {name, {XLATE_START_##a64, XLATE_START_##pvh, XLATE_START_##hvm}},
    XLATE_IMAGE_FORMATS(XLATE_IMG_ROW)
#undef XLATE_IMG_ROW
};

const char *xlate_image_format_name(enum xlate_image_format f)
{
    return (unsigned)f < XLATE_IMAGE_COUNT ? image_formats[f].name : "?";
}

enum xlate_start xlate_image_start(enum xlate_image_format f, enum xlate_arch arch, bool hvm)
{
    if ((unsigned)f >= XLATE_IMAGE_COUNT)
        return XLATE_START_REFUSE;
    return image_formats[f].start[arch == XLATE_ARCH_AARCH64 ? 0 : hvm ? 2 : 1];
}

void xlate_plan_init(struct xlate_plan *p)
{
    memset(p, 0, sizeof(*p));
    libxl_domain_config_init(&p->config);
}

void xlate_plan_dispose(struct xlate_plan *p)
{
    for (size_t i = 0; i < p->nreports; i++) {
        free(p->reports[i].component);
        free(p->reports[i].text);
    }
    free(p->reports);
    for (size_t i = 0; i < p->nbackends; i++)
        free(p->backends[i].spec);
    free(p->backends);
    free(p->type_reason);
    free(p->fdt);
    libxl_domain_config_dispose(&p->config);
    memset(p, 0, sizeof(*p));
    libxl_domain_config_init(&p->config);
}

void xlate_check(struct xlate_ctx *x, int rc)
{
    if (rc)
        x->nomem = 1;
}

int xlate_note(struct xlate_ctx *x, struct qc_loc loc, const char *component, enum xlate_fidelity f,
               enum xlate_rule rule, const char *fmt, ...)
{
    struct xlate_plan *p = x->plan;
    struct xlate_report *r;
    va_list ap;
    char *text = NULL, *comp = strdup(component);
    int n;

    va_start(ap, fmt);
    n = vasprintf(&text, fmt, ap);
    va_end(ap);
    r = realloc(p->reports, (p->nreports + 1) * sizeof(*r));
    if (n < 0 || !comp || !r) {
        if (r)
            p->reports = r;
        free(comp);
        if (n >= 0)
            free(text);
        x->nomem = 1;
        return -1;
    }
    p->reports = r;
    p->reports[p->nreports++] = (struct xlate_report){
        .loc = loc, .component = comp, .fidelity = f, .rule = xlate_rules[rule].name, .text = text};
    return 0;
}

void xlate_diag_last(struct xlate_ctx *x, enum qc_check_id id)
{
    const struct xlate_plan *p = x->plan;

    if (p->nreports)
        qc_diag(x->d, id, p->reports[p->nreports - 1].loc, "%s: %s",
                p->reports[p->nreports - 1].component, p->reports[p->nreports - 1].text);
}

int xlate_backend(struct xlate_ctx *x, struct qc_loc loc, const char *fmt, ...)
{
    struct xlate_plan *p = x->plan;
    struct xlate_backend_dev *b;
    va_list ap;
    char *spec = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&spec, fmt, ap);
    va_end(ap);
    b = n < 0 ? NULL : realloc(p->backends, (p->nbackends + 1) * sizeof(*b));
    if (!b) {
        if (n >= 0)
            free(spec);
        x->nomem = 1;
        return -1;
    }
    p->backends = b;
    p->backends[p->nbackends++] = (struct xlate_backend_dev){.spec = spec, .loc = loc};
    return 0;
}

/* Sets the shutdown actions qvm implies: qvm exits whenever the guest stops. */
static void map_actions(struct xlate_ctx *x)
{
    libxl_domain_config *dc = x->dc;

    dc->on_poweroff = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    dc->on_reboot = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    dc->on_watchdog = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    dc->on_soft_reset = LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET;
    if (dc->on_crash != LIBXL_ACTION_ON_SHUTDOWN_COREDUMP_DESTROY)
        dc->on_crash = LIBXL_ACTION_ON_SHUTDOWN_DESTROY;
    xlate_note(x, (struct qc_loc){0}, "actions", XLATE_EXACT, XLATE_RULE_ACTIONS,
               "on_poweroff, on_reboot and on_watchdog destroy the domain (qvm exits), "
               "on_crash %s",
               dc->on_crash == LIBXL_ACTION_ON_SHUTDOWN_DESTROY ? "destroy" : "coredump-destroy");
}

int xlate_translate(const struct qc_config *cfg, const struct xlate_target *t,
                    struct xlate_plan *plan, struct qc_diags *d)
{
    struct xlate_ctx x = {
        .cfg = cfg,
        .t = t,
        .plan = plan,
        .d = d,
        .dc = &plan->config,
        .arm = t->arch == XLATE_ARCH_AARCH64,
    };
    size_t errors_before = d->errors;

    xlate_map_guest(&x);
    xlate_map_cpu(&x);
    xlate_map_mem(&x);
    xlate_map_pass(&x);
    xlate_map_vdev(&x);
    xlate_map_global(&x);
    map_actions(&x);
    xlate_map_arm(&x);
    free(x.dt_nodes);
    if (x.nomem) {
        qc_diag(x.d, QC_CK_XLATE_NOMEM, (struct qc_loc){0}, "out of memory");
        return -1;
    }
    return d->errors > errors_before ? -1 : 0;
}

static void print_loc(FILE *out, struct qc_loc loc)
{
    if (loc.file)
        fprintf(out, "%s:%u:%u", loc.file, loc.line, loc.col);
    else
        fputs("<implicit>", out);
}

void xlate_report_print(FILE *out, const struct xlate_plan *p)
{
    fprintf(out, "guest type: %s: %s\n", libxl_domain_type_to_string(p->type),
            p->type_reason ? p->type_reason : "");
    for (size_t i = 0; i < p->nreports; i++) {
        const struct xlate_report *r = &p->reports[i];

        print_loc(out, r->loc);
        fprintf(out, ": %s: %s: %s [%s]\n", r->component, xlate_fidelity_name(r->fidelity), r->text,
                r->rule);
    }
    for (size_t i = 0; i < p->nbackends; i++) {
        print_loc(out, p->backends[i].loc);
        fprintf(out, ": backend: --device %s\n", p->backends[i].spec);
    }
    if (p->fdt)
        fprintf(out, "device tree: %zu bytes generated\n", p->fdt_size);
}

void xlate_report_print_json(FILE *out, const struct xlate_plan *p)
{
    fputc('[', out);
    for (size_t i = 0; i < p->nreports; i++) {
        const struct xlate_report *r = &p->reports[i];

        fputs(i ? ",\n {\"file\":" : "{\"file\":", out);
        if (r->loc.file)
            qc_json_str(out, r->loc.file ? r->loc.file : "");
        else
            fputs("null", out);
        fprintf(out, ",\"line\":%u,\"col\":%u,\"component\":", r->loc.line, r->loc.col);
        qc_json_str(out, r->component ? r->component : "");
        fputs(",\"fidelity\":", out);
        qc_json_str(out, xlate_fidelity_name(r->fidelity));
        fputs(",\"rule\":", out);
        qc_json_str(out, r->rule ? r->rule : "");
        fputs(",\"text\":", out);
        qc_json_str(out, r->text ? r->text : "");
        fputc('}', out);
    }
    fputs("]\n", out);
}
