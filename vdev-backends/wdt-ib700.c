/* SPDX-License-Identifier: LGPL-2.1-only */
/* wdt-ib700.c: iBase IB700 watchdog (x86 ports 0x441 stop, 0x443 start/kick). */
#include "vdev-backends/vdev.h"
#include "vdev-backends/wdt-ib700.h"

static const uint8_t ib700_timeouts[16] = IB700_TIMEOUTS;

struct ib700 {
    enum vdev_action action;
    bool running;
    bool fired;
    uint64_t deadline;
    uint64_t kicked; /* time of the last start or kick, for the expiry log line */
};

static uint64_t ib700_read(struct vdev *dev, uint64_t off, unsigned size)
{
    return 0xff; /* the ports are write-only */
}

static void ib700_write(struct vdev *dev, uint64_t off, unsigned size, uint64_t val)
{
    struct ib700 *w = dev->priv;

    if (off == IB700_STOP_OFF) {
        w->running = false;
    } else if (off == IB700_START_OFF) {
        /* The only guest-programmed deadline: the table's seconds, at least the floor. */
        uint64_t t = ib700_timeouts[val & 0xf] * VDEV_NS_PER_SEC;

        w->running = true;
        w->fired = false;
        w->kicked = vdev_now(dev);
        w->deadline = w->kicked + (t < IB700_MIN_TIMEOUT_NS ? IB700_MIN_TIMEOUT_NS : t);
    }
}

static uint64_t ib700_timer(struct vdev *dev, uint64_t now)
{
    struct ib700 *w = dev->priv;

    if (!w->running)
        return VDEV_NO_DEADLINE;
    if (now < w->deadline)
        return w->deadline;
    /* One action per expiry; the guest must start the watchdog again to re-arm it. */
    w->running = false;
    w->fired = true;
    /* Lets a test on real Xen check the timeout without trusting the guest's clock. */
    vdev_log(dev, "expiry-ms %llu after the last kick",
             (unsigned long long)((now - w->kicked) / 1000000u));
    vdev_domain_action(dev, w->action);
    return VDEV_NO_DEADLINE;
}

static void ib700_reset(struct vdev *dev)
{
    struct ib700 *w = dev->priv;

    w->running = false;
    w->fired = false;
    w->deadline = 0;
}

static int ib700_init(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    struct ib700 *w = dev->priv;
    const char *a = vdev_opts_take(o, "action");

    w->action = VDEV_ACTION_WATCHDOG;
    if (a && vdev_action_parse(a, &w->action)) {
        if (err)
            fprintf(err, "wdt-ib700: unknown action '%s'\n", a);
        return VDEV_ERR_INVAL;
    }
    return 0;
}

const struct vdev_ops vdev_wdt_ib700_ops = {
    .name = "wdt-ib700",
    .help = "io=PORT (0x441: claims 0x441-0x443), action=watchdog|reset|poweroff|dump",
    .space = VDEV_SPACE_PIO,
    .default_base = 0x441,
    .has_default_base = true,
    .acts_on_domain = true,
    .len = 3,
    .reg_width = 1,
    .priv_size = sizeof(struct ib700),
    .init = ib700_init,
    .read = ib700_read,
    .write = ib700_write,
    .reset = ib700_reset,
    .timer = ib700_timer,
};
