/* SPDX-License-Identifier: LGPL-2.1-only */
/* wdt-sp805.c: ARM SP805 watchdog: interrupt after one countdown, reset after the second. */
#include "vdev-backends/vdev.h"
#include "vdev-backends/wdt-sp805.h"

static const uint8_t sp805_ids[8] = SP805_IDS;

struct sp805 {
    enum vdev_action action;
    uint64_t hz;
    uint32_t load;
    uint32_t ctrl;
    bool ris;
    bool locked;
    bool reset_fired;
    uint64_t start_ns;    /* when the counter last started from start_value */
    uint32_t start_value; /* counting only while INTEN (the TRM's counter enable) */
    uint32_t held_value;  /* value while the counter is stopped */
    uint64_t deadline;    /* when the counter reaches zero */
};

static uint64_t ticks_to_ns(const struct sp805 *w, uint64_t ticks)
{
    return (uint64_t)(((unsigned __int128)ticks * VDEV_NS_PER_SEC + w->hz - 1) / w->hz);
}

static uint32_t current_value(const struct vdev *dev, const struct sp805 *w)
{
    uint64_t now = vdev_now(dev);
    unsigned __int128 elapsed;

    if (!(w->ctrl & SP805_CTRL_INTEN) || w->reset_fired)
        return w->held_value;
    if (now <= w->start_ns)
        return w->start_value;
    elapsed = (unsigned __int128)(now - w->start_ns) * w->hz / VDEV_NS_PER_SEC;
    return elapsed >= w->start_value ? 0 : (uint32_t)(w->start_value - elapsed);
}

/* Every guest-programmed deadline is set here: LOAD (or its zero) counted at the clock's
 * frequency, and never less than SP805_MIN_PERIOD_NS. VALUE still counts at the programmed
 * frequency; below the floor it reads 0 until the (later) expiry. */
static void reload(struct sp805 *w, uint64_t t)
{
    uint64_t period = ticks_to_ns(w, w->load ? w->load : 1);

    w->start_ns = t;
    w->start_value = w->load;
    w->held_value = w->load;
    w->deadline = t + (period < SP805_MIN_PERIOD_NS ? SP805_MIN_PERIOD_NS : period);
}

static void update_irq(struct vdev *dev)
{
    struct sp805 *w = dev->priv;

    vdev_set_irq(dev, w->ris && (w->ctrl & SP805_CTRL_INTEN));
}

static uint64_t sp805_read(struct vdev *dev, uint64_t off, unsigned size)
{
    struct sp805 *w = dev->priv;

    switch (off) {
    case SP805_LOAD:
        return w->load;
    case SP805_VALUE:
        return current_value(dev, w);
    case SP805_CONTROL:
        return w->ctrl;
    case SP805_RIS:
        return w->ris;
    case SP805_MIS:
        return w->ris && (w->ctrl & SP805_CTRL_INTEN);
    case SP805_LOCK:
        return w->locked;
    case SP805_ITCR:
    case SP805_ITOP:
        return 0;
    default:
        if (off >= SP805_ID_BASE && off < SP805_ID_BASE + 4 * sizeof(sp805_ids))
            return sp805_ids[(off - SP805_ID_BASE) / 4];
        return 0;
    }
}

static void sp805_write(struct vdev *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct sp805 *w = dev->priv;
    uint32_t v = (uint32_t)val;

    if (off == SP805_LOCK) {
        w->locked = v != SP805_UNLOCK_KEY;
        return;
    }
    if (w->locked)
        return; /* a locked watchdog ignores every other write */
    switch (off) {
    case SP805_LOAD:
        w->load = v;
        reload(w, vdev_now(dev));
        break;
    case SP805_CONTROL:
        if (!(w->ctrl & SP805_CTRL_INTEN) && (v & SP805_CTRL_INTEN))
            reload(w, vdev_now(dev));
        else if ((w->ctrl & SP805_CTRL_INTEN) && !(v & SP805_CTRL_INTEN))
            w->held_value = current_value(dev, w);
        w->ctrl = v & (SP805_CTRL_INTEN | SP805_CTRL_RESEN);
        break;
    case SP805_INTCLR:
        w->ris = false;
        reload(w, vdev_now(dev));
        break;
    default:
        return; /* read-only and reserved registers */
    }
    update_irq(dev);
}

static uint64_t sp805_timer(struct vdev *dev, uint64_t now)
{
    struct sp805 *w = dev->priv;

    /* At most two passes, however late the backend runs: the first expiry sets RIS and
     * counts on from the old deadline; a second one either resets (and stops) or reloads from
     * now, which puts the deadline at least SP805_MIN_PERIOD_NS in the future. */
    while ((w->ctrl & SP805_CTRL_INTEN) && !w->reset_fired && now >= w->deadline) {
        if (!w->ris) {
            /* First countdown: raise the interrupt and count again. */
            w->ris = true;
            update_irq(dev);
            reload(w, w->deadline);
        } else if (w->ctrl & SP805_CTRL_RESEN) {
            /* Second countdown with the interrupt still set: reset the system. */
            w->held_value = 0;
            w->reset_fired = true;
            vdev_domain_action(dev, w->action);
        } else {
            reload(w, now > w->deadline ? now : w->deadline);
        }
    }
    if (!(w->ctrl & SP805_CTRL_INTEN) || w->reset_fired)
        return VDEV_NO_DEADLINE;
    return w->deadline;
}

static void sp805_reset(struct vdev *dev)
{
    struct sp805 *w = dev->priv;

    w->load = 0xffffffff;
    w->ctrl = 0;
    w->ris = false;
    w->locked = false;
    w->reset_fired = false;
    w->held_value = 0xffffffff;
    w->start_value = 0xffffffff;
    w->deadline = 0;
    dev->irq_level = 0;
}

static int sp805_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    struct sp805 *w = dev->priv;
    const char *a = vdev_opts_take(o, "action");

    w->action = VDEV_ACTION_WATCHDOG;
    w->hz = SP805_DEFAULT_HZ;
    if (a && vdev_action_parse(a, &w->action)) {
        if (err)
            fprintf(err, "wdt-sp805: unknown action '%s'\n", a);
        return VDEV_ERR_INVAL;
    }
    if (vdev_opts_take_u64(o, "frequency", 1, 10000000000ULL, &w->hz, err) < 0)
        return VDEV_ERR_INVAL;
    return 0;
}

const struct vdev_ops vdev_wdt_sp805_ops = {
    .name = "wdt-sp805",
    .help = "mem=ADDR (0x1c0f0000), frequency=HZ (25000000), action=..., spi=N",
    .space = VDEV_SPACE_MMIO,
    .default_base = 0x1c0f0000,
    .has_default_base = true,
    .acts_on_domain = true,
    .len = 0x1000,
    .reg_width = 4,
    .priv_size = sizeof(struct sp805),
    .init = sp805_init,
    .read = sp805_read,
    .write = sp805_write,
    .reset = sp805_reset,
    .timer = sp805_timer,
};
