/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-virtio-net.c: virtio-net on virtio-mmio with a flat guest memory (skeleton). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vdev-backends/vdev.h"

static void test_registered(void **state)
{
    (void)state;
    assert_non_null(vdev_type_find("virtio-net"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_registered)};

    return cmocka_run_group_tests(tests, NULL, NULL);
}
