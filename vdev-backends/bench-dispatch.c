/* SPDX-License-Identifier: LGPL-2.1-only */
/* bench-dispatch.c: in-process cost of dispatching one emulated access (no hypervisor). */
#include <stdio.h>
#include <time.h>

#include "vdev-backends/vdev-fake.h"

static double secs(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
    enum { N = 5000000 };
    struct vdev_fake f;
    volatile uint64_t sink = 0;
    double t0, t1;

    vdev_fake_init(&f);
    if (vdev_fake_add(&f, "ser8250,io=0x3f8") || vdev_fake_add(&f, "wdt-sp805,mem=0x1c0f0000"))
        return 1;
    t0 = secs();
    for (int i = 0; i < N; i++)
        sink += pio_in(&f, 0x3f8 + 5); /* LSR: the register a polling driver spins on */
    t1 = secs();
    printf("ser8250 LSR read: %.1f ns/access\n", (t1 - t0) * 1e9 / N);
    t0 = secs();
    for (int i = 0; i < N; i++)
        sink += mmio_rd(&f, 0x1c0f0000 + 0x10);
    t1 = secs();
    printf("sp805 RIS read:   %.1f ns/access\n", (t1 - t0) * 1e9 / N);
    vdev_fake_dispose(&f);
    return sink == 1; /* keeps the loop from being optimised away */
}
