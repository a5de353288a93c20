/* SPDX-License-Identifier: LGPL-2.1-only */
/* test-ioreq.c: dispatcher validation, string I/O, a random hammer, and privilege decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vdev-backends/privdrop.h"
#include "vdev-backends/ser8250.h"
#include "vdev-backends/vdev-fake.h"

#define SP 0x1c0f0000

static uint8_t guest_mem[2 * 4096];

static int setup(void **state)
{
    static struct vdev_fake f;

    return vdev_fake_setup(
        state, &f,
        (const char *const[]){"ser8250", "wdt-ib700", "wdt-sp805", "pl011,mem=0x9000000", NULL});
}

static void test_validation_table(void **state)
{
    static const struct {
        struct vdev_ioreq r;
        enum vdev_disp disp;
        uint64_t data; /* expected answer for reads */
    } cases[] = {
        {{.type = 7, .dir = 1, .size = 1, .count = 1}, VDEV_DISP_IGNORED_TYPE, UINT64_MAX},
        {{.type = 8, .dir = 0, .size = 1, .count = 1, .data = 5}, VDEV_DISP_IGNORED_TYPE, 5},
        {{.type = 2, .dir = 1, .size = 4, .count = 1}, VDEV_DISP_IGNORED_TYPE, UINT64_MAX},
        {{.type = 255, .dir = 1, .size = 4, .count = 1}, VDEV_DISP_IGNORED_TYPE, UINT64_MAX},
        {{.type = 0, .addr = 0x3fd, .dir = 1, .size = 3, .count = 1},
         VDEV_DISP_BAD_SIZE,
         UINT64_MAX},
        {{.type = 0, .addr = 0x3fd, .dir = 1, .size = 0, .count = 1},
         VDEV_DISP_BAD_SIZE,
         UINT64_MAX},
        {{.type = 0, .addr = 0x3fd, .dir = 1, .size = 16, .count = 1},
         VDEV_DISP_BAD_SIZE,
         UINT64_MAX},
        {{.type = 0, .addr = 0x3fd, .dir = 1, .size = 1, .count = 0},
         VDEV_DISP_BAD_SIZE,
         UINT64_MAX},
        {{.type = 0, .addr = 0x3fd, .dir = 1, .size = 1, .count = 2},
         VDEV_DISP_BAD_SIZE,
         UINT64_MAX},
        {{.type = 0, .addr = 0x3fd, .dir = 1, .size = 1, .count = 1}, VDEV_DISP_OK, 0x60},
        {{.type = 1, .addr = 0x3fd, .dir = 1, .size = 1, .count = 1},
         VDEV_DISP_UNMAPPED,
         UINT64_MAX},
        {{.type = 0, .addr = 0x2f8, .dir = 1, .size = 1, .count = 1},
         VDEV_DISP_UNMAPPED,
         UINT64_MAX},
        {{.type = 0, .addr = UINT64_MAX, .dir = 1, .size = 8, .count = 1},
         VDEV_DISP_UNMAPPED,
         UINT64_MAX},
        {{.type = 1, .addr = SP + 0xffc, .dir = 1, .size = 8, .count = 1},
         VDEV_DISP_UNMAPPED,
         UINT64_MAX},
        {{.type = 1, .addr = SP + 0xffc, .dir = 1, .size = 4, .count = 1}, VDEV_DISP_OK, 0xb1},
        {{.type = 1, .addr = SP + 2, .dir = 1, .size = 2, .count = 1},
         VDEV_DISP_BAD_ACCESS,
         UINT64_MAX},
        {{.type = 1, .addr = SP - 1, .dir = 1, .size = 4, .count = 1},
         VDEV_DISP_UNMAPPED,
         UINT64_MAX},
        {{.type = 0,
          .addr = 0x3f8,
          .dir = 1,
          .size = 1,
          .count = 5,
          .data_is_ptr = true,
          .data = 0},
         VDEV_DISP_OK,
         0},
        {{.type = 0, .addr = 0x3f8, .dir = 1, .size = 8, .count = 4096, .data_is_ptr = true},
         VDEV_DISP_REP_REFUSED,
         0},
        {{.type = 0,
          .addr = 0x3f8,
          .dir = 0,
          .size = 1,
          .count = 16,
          .data_is_ptr = true,
          .data = sizeof(guest_mem) - 8},
         VDEV_DISP_REP_FAULT,
         sizeof(guest_mem) - 8},
        {{.type = 0,
          .addr = 0x3f8,
          .dir = 0,
          .size = 4,
          .count = 4,
          .data_is_ptr = true,
          .df = true,
          .data = 4},
         VDEV_DISP_REP_FAULT,
         4},
        {{.type = 0,
          .addr = 0x3f8,
          .dir = 0,
          .size = 4,
          .count = 0xffffffff,
          .data_is_ptr = true,
          .data = UINT64_MAX},
         VDEV_DISP_REP_REFUSED,
         UINT64_MAX},
    };
    struct vdev_fake *f = *state;

    vdev_fake_set_mem(f, guest_mem, sizeof(guest_mem));
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vdev_ioreq r = cases[i].r;

        assert_int_equal(vdev_dispatch(&f->bus, &r), cases[i].disp);
        if (r.dir == VDEV_DIR_READ || r.data_is_ptr || r.type > 1)
            assert_true(r.data == cases[i].data);
    }
}

static void test_rep_refused_without_copy(void **state)
{
    struct vdev_fake *f = *state;
    struct vdev_ioreq r = {.type = 0,
                           .addr = 0x3f8,
                           .dir = 0,
                           .size = 1,
                           .count = 3,
                           .data_is_ptr = true,
                           .data = 0x1000};

    vdev_fake_set_mem(f, NULL, 0);
    assert_int_equal(vdev_dispatch(&f->bus, &r), VDEV_DISP_REP_REFUSED);
    assert_true(r.data == 0x1000); /* the guest address is never replaced */
}

static void test_rep_outs_and_ins(void **state)
{
    struct vdev_fake *f = *state;
    struct vdev_ioreq r;

    vdev_fake_set_mem(f, guest_mem, sizeof(guest_mem));
    pio_out(f, 0x3f8 + UART_FCR, UART_FCR_ENABLE);
    pio_out(f, 0x3f8 + UART_MCR, UART_MCR_LOOP);
    memcpy(guest_mem + 100, "hello", 5);
    r = (struct vdev_ioreq){.type = 0,
                            .addr = 0x3f8,
                            .dir = 0,
                            .size = 1,
                            .count = 5,
                            .data_is_ptr = true,
                            .data = 100};
    assert_int_equal(vdev_dispatch(&f->bus, &r), VDEV_DISP_OK);
    memset(guest_mem + 200, 0, 8);
    /* REP INSB with the direction flag set fills memory downwards from data */
    r = (struct vdev_ioreq){.type = 0,
                            .addr = 0x3f8,
                            .dir = 1,
                            .size = 1,
                            .count = 5,
                            .data_is_ptr = true,
                            .df = true,
                            .data = 204};
    assert_int_equal(vdev_dispatch(&f->bus, &r), VDEV_DISP_OK);
    assert_memory_equal(guest_mem + 200, "olleh", 5);
}

/* 100k random requests of every type, size, direction and address near our devices; the
 * timers and interrupt deliveries they cause stay bounded. */
static void test_hammer(void **state)
{
    static const uint64_t bases[] = {0x3f8, 0x441, SP, 0x9000000, 0, UINT64_MAX - 4};
    struct vdev_fake *f = *state;
    unsigned seed = 12345, calls;

    vdev_fake_set_mem(f, guest_mem, sizeof(guest_mem));
    for (int i = 0; i < 100000; i++) {
        struct vdev_ioreq r;
        uint32_t x = (uint32_t)rand_r(&seed), y = (uint32_t)rand_r(&seed);

        r.type = (uint8_t)(x % 10 == 9 ? y : x % 3);
        r.addr = bases[(x >> 4) % 6] + (int64_t)((y % 0x1100) - 0x80);
        r.size = (x >> 8) % 5 == 0 ? y % 17 : 1u << ((x >> 12) % 4);
        r.dir = (x >> 16) & 1;
        r.data_is_ptr = ((x >> 17) % 16) == 0;
        r.df = (x >> 21) & 1;
        r.count =
            r.data_is_ptr ? ((y >> 8) % 4 == 0 ? y : (y >> 8) % 600) : ((y >> 20) % 50 ? 1 : y % 3);
        r.data =
            r.data_is_ptr ? (uint64_t)(y >> 4) % (2 * sizeof(guest_mem)) : ((uint64_t)x << 32 | y);
        calls = f->irq_calls;
        vdev_dispatch(&f->bus, &r);
        /* Interrupt changes are delivered once per request and device, however many
         * items a REP access had. */
        assert_true(f->irq_calls - calls <= f->bus.ndev);
        if ((i & 255) == 0) {
            /* Whatever the guest programmed, no timer is due at or before now. */
            f->now += VDEV_NS_PER_SEC;
            assert_true(vdev_bus_timers(&f->bus, f->now) > f->now);
        }
        if ((i & 255) == 128) {
            f->now += 1000; /* a backend that wakes after 1 us: still nothing due */
            assert_true(vdev_bus_timers(&f->bus, f->now) > f->now);
        }
    }
    for (int d = 0; d < VDEV_DISP_COUNT; d++)
        assert_true(f->bus.stats[d] > 0); /* every outcome was exercised */
}

static const char *known_users; /* space-separated "name:uid:gid" */

static int table_lookup(const char *name, uid_t *uid, gid_t *gid)
{
    char buf[128], *tok, *save;

    strcpy(buf, known_users);
    for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        char *c1 = strchr(tok, ':'), *c2;

        *c1 = '\0';
        c2 = strchr(c1 + 1, ':');
        *c2 = '\0';
        if (!strcmp(tok, name)) {
            *uid = (uid_t)atoi(c1 + 1);
            *gid = (gid_t)atoi(c2 + 1);
            return 0;
        }
    }
    return -1;
}

static void test_privdrop_decide(void **state)
{
    static const struct {
        const char *users, *opt;
        int rc;
        unsigned uid, gid;
        const char *source;
    } cases[] = {
        {"qvm-xl-backend:120:130 nobody:65534:65534", NULL, 0, 120, 130, "dedicated"},
        {"nobody:65534:65533", NULL, 0, 65534, 65533, "nobody"},
        {"", NULL, 0, 65534, 65534, "fallback"},
        {"alice:1000:1000", "alice", 0, 1000, 1000, "option"},
        {"", "2000", 0, 2000, 2000, "option"},
        {"", "2000:3000", 0, 2000, 3000, "option"},
        {"", "bob", -1, 0, 0, NULL},
        {"", "0", -1, 0, 0, NULL},
        {"", "5:0", -1, 0, 0, NULL},
        {"", "5:x", -1, 0, 0, NULL},
        {"root:0:0", "root", -1, 0, 0, NULL},
        {"qvm-xl-backend:0:0", NULL, -1, 0, 0, NULL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct privdrop_creds c;

        known_users = cases[i].users;
        assert_int_equal(privdrop_decide(cases[i].opt, table_lookup, &c, NULL), cases[i].rc);
        if (cases[i].rc)
            continue;
        assert_int_equal(c.uid, cases[i].uid);
        assert_int_equal(c.gid, cases[i].gid);
        assert_string_equal(c.source, cases[i].source);
    }
}

static void test_opts_parse(void **state)
{
    static const struct {
        const char *spec;
        int rc;
    } cases[] = {
        {"ser8250", 0},
        {"", VDEV_ERR_INVAL},
        {",io=1", VDEV_ERR_INVAL},
        {"x,=3", VDEV_ERR_INVAL},
        {"x,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", 0},
        {"x,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q", VDEV_ERR_INVAL},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct vdev_opts o;

        vdev_opts_init(&o);
        assert_int_equal(vdev_opts_parse(&o, cases[i].spec, NULL), cases[i].rc);
        vdev_opts_dispose(&o);
    }
    {
        struct vdev_fake f;

        vdev_fake_init(&f);
        assert_int_equal(vdev_fake_add(&f, "nosuch"), VDEV_ERR_UNKNOWN);
        assert_int_equal(vdev_fake_add(&f, "ser8250,io=0x3f8x"), VDEV_ERR_INVAL);
        assert_int_equal(vdev_fake_add(&f, "ser8250,msi=12"), VDEV_ERR_INVAL);
        assert_int_equal(vdev_fake_add(&f, "ser8250,msi=1:0x100000000"), VDEV_ERR_INVAL);
        assert_int_equal(vdev_fake_add(&f, "ser8250,isa-irq=16"), VDEV_ERR_INVAL);
        assert_int_equal(vdev_fake_add(&f, "ser8250,isa-irq=4"), 0);
        assert_int_equal(f.dev[0].isa_irq, 4);
        vdev_fake_dispose(&f);
    }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, vdev_fake_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_validation_table),
        T(test_rep_refused_without_copy),
        T(test_rep_outs_and_ins),
        T(test_hammer),
        cmocka_unit_test(test_privdrop_decide),
        cmocka_unit_test(test_opts_parse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
