/* SPDX-License-Identifier: LGPL-2.1-only */
/* vdev.c: creating device instances from --device specs, and helpers devices share. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vdev-backends/pci-func.h"
#include "vdev-backends/vdev.h"

static const char *const action_names[] = {
#define X(e, s) [VDEV_ACTION_##e] = s,
    VDEV_ACTIONS(X)
#undef X
};

const char *vdev_action_name(enum vdev_action a)
{
    return (unsigned)a < VDEV_ACTION_COUNT ? action_names[a] : "?";
}

int vdev_action_parse(const char *s, enum vdev_action *out_r)
{
    if (!strcmp(s, "terminate")) {
        *out_r = VDEV_ACTION_WATCHDOG;
        return 0;
    }
    for (unsigned i = 0; i < VDEV_ACTION_COUNT; i++) {
        if (!strcmp(s, action_names[i])) {
            *out_r = i;
            return 0;
        }
    }
    return VDEV_ERR_INVAL;
}

const struct vdev_ops *vdev_type_find(const char *name)
{
    for (size_t i = 0; vdev_types[i]; i++)
        if (!strcmp(vdev_types[i]->name, name))
            return vdev_types[i];
    return NULL;
}

/* msi=ADDR:DATA (x86, the only interrupt a PVH guest can receive from a backend). */
static int take_msi(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    const char *s = vdev_opts_take(o, "msi");
    char buf[64];
    char *colon;
    uint64_t a, d;

    if (!s)
        return 0;
    if (strlen(s) >= sizeof(buf))
        goto bad;
    strcpy(buf, s);
    colon = strchr(buf, ':');
    if (!colon)
        goto bad;
    *colon = '\0';
    if (vdev_parse_u64(buf, &a) || vdev_parse_u64(colon + 1, &d) || d > UINT32_MAX)
        goto bad;
    dev->msi_addr = a;
    dev->msi_data = (uint32_t)d;
    dev->has_msi = true;
    return 0;
bad:
    if (err)
        fprintf(err, "msi=%s: expected ADDRESS:DATA\n", s);
    return VDEV_ERR_INVAL;
}

int vdev_create(const char *spec, const struct vdev_host *host, struct vdev *dev, FILE *err)
{
    struct vdev_opts o;
    const struct vdev_ops *ops;
    const char *unused;
    uint64_t v;
    bool have_io, have_pci;
    int rc, r;

    memset(dev, 0, sizeof(*dev));
    chardev_init(&dev->chr);
    dev->isa_irq = -1;
    dev->spi = -1;
    vdev_opts_init(&o);

    rc = vdev_opts_parse(&o, spec, err);
    if (rc)
        goto out;
    ops = vdev_type_find(o.type);
    if (!ops) {
        if (err)
            fprintf(err, "unknown device type '%s'\n", o.type);
        rc = VDEV_ERR_UNKNOWN;
        goto out;
    }
    dev->ops = ops;
    dev->host = host;
    dev->space = ops->space;
    dev->len = ops->len;
    dev->base = ops->default_base;

    r = pci_func_take(dev, &o, err); /* refuses io=, mem= and interrupt keys beside it */
    if (r < 0) {
        rc = VDEV_ERR_INVAL;
        goto out;
    }
    have_pci = r > 0;
    r = vdev_opts_take_u64(&o, "io", 0, 0x10000 - ops->len, &v, err);
    if (r < 0) {
        rc = VDEV_ERR_INVAL;
        goto out;
    }
    if (r > 0) {
        dev->space = VDEV_SPACE_PIO;
        dev->base = v;
    }
    have_io = r > 0;
    r = vdev_opts_take_u64(&o, "mem", 0, UINT64_MAX - ops->len, &v, err);
    if (r < 0 || (r > 0 && have_io)) {
        if (r > 0 && err)
            fprintf(err, "%s: give io= or mem=, not both\n", ops->name);
        rc = VDEV_ERR_INVAL;
        goto out;
    }
    if (r > 0) {
        dev->space = VDEV_SPACE_MMIO;
        dev->base = v;
    }
    if (!r && !have_io && !have_pci && !ops->has_default_base) {
        if (err)
            fprintf(err, "%s: a location (io= or mem=) is required\n", ops->name);
        rc = VDEV_ERR_INVAL;
        goto out;
    }
    r = vdev_opts_take_u64(&o, "isa-irq", 0, 15, &v, err);
    if (r < 0) {
        rc = VDEV_ERR_INVAL;
        goto out;
    }
    if (r > 0)
        dev->isa_irq = (int)v;
    r = vdev_opts_take_u64(&o, "spi", 32, 1019, &v, err);
    if (r < 0) {
        rc = VDEV_ERR_INVAL;
        goto out;
    }
    if (r > 0)
        dev->spi = (int)v;
    rc = take_msi(dev, &o, err);
    if (rc)
        goto out;

    dev->priv = calloc(1, ops->priv_size ? ops->priv_size : 1);
    if (!dev->priv) {
        rc = VDEV_ERR_NOMEM;
        goto out;
    }
    rc = ops->init(dev, &o, err);
    if (!rc && have_pci)
        rc = pci_func_attach(dev, err);
    if (rc)
        goto out;
    unused = vdev_opts_unused(&o);
    if (unused) {
        if (err)
            fprintf(err, "%s: unknown option '%s' (%s)\n", ops->name, unused, ops->help);
        rc = VDEV_ERR_UNKNOWN;
        goto out;
    }
    if (ops->reset)
        ops->reset(dev);
    rc = 0;
out:
    vdev_opts_dispose(&o);
    if (rc)
        vdev_dispose(dev);
    return rc;
}

void vdev_dispose(struct vdev *dev)
{
    if (dev->ops && dev->ops->teardown && dev->priv)
        dev->ops->teardown(dev);
    chardev_dispose(&dev->chr);
    free(dev->priv);
    dev->priv = NULL;
    dev->ops = NULL;
}

uint64_t vdev_now(const struct vdev *dev)
{
    return dev->host && dev->host->now_ns ? dev->host->now_ns(dev->host->opaque) : 0;
}

void vdev_set_irq(struct vdev *dev, int level)
{
    dev->irq_level = !!level;
}

void vdev_flush(struct vdev *dev)
{
    if (!dev->ops)
        return;
    chardev_flush(&dev->chr);
    if (dev->irq_level == dev->irq_sent)
        return;
    dev->irq_sent = dev->irq_level;
    if (dev->host && dev->host->set_irq)
        dev->host->set_irq(dev->host->opaque, dev, dev->irq_sent);
}

void vdev_domain_action(struct vdev *dev, enum vdev_action action)
{
    vdev_log(dev, "watchdog expired: action %s", vdev_action_name(action));
    if (dev->host && dev->host->domain_action)
        dev->host->domain_action(dev->host->opaque, dev, action);
}

void vdev_log(const struct vdev *dev, const char *fmt, ...)
{
    va_list ap;
    FILE *f = dev->host ? dev->host->log : NULL;

    if (!f)
        return;
    fprintf(f, "%s@%#llx: ", dev->ops ? dev->ops->name : "?", (unsigned long long)dev->base);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}
