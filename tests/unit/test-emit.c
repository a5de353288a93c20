/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests for xlate/ and xlcfg/: target defaults, ctx-free libxl helpers, the keys table,
 * the xl.cfg writer and the JSON emitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "xlate/xlate.h"
#include "tests/xlate/emit-cases.h" /* tests/xlate/ */

static char *read_golden(const char *name, const char *ext)
{
    const char *top = getenv("top_srcdir");
    char *path = NULL, *buf = NULL;
    size_t len = 0;
    FILE *f, *m;
    int c;

    assert_true(asprintf(&path, "%s/tests/golden/emit/%s.%s", top ? top : ".", name, ext) > 0);
    f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open golden file %s (set top_srcdir)", path);
    m = open_memstream(&buf, &len);
    while ((c = fgetc(f)) != EOF)
        fputc(c, m);
    fclose(m);
    fclose(f);
    free(path);
    return buf;
}

typedef int (*emit_fn)(FILE *out, const libxl_domain_config *d, char **why);

static int emit_json_adapter(FILE *out, const libxl_domain_config *d, char **why)
{
    *why = NULL;
    return xlate_emit_json(out, d);
}

/* Emit @d to a string; returns the rc, text in *text_r, reason in *why_r. */
static int emit_to_string(emit_fn fn, const libxl_domain_config *d, char **text_r, char **why_r)
{
    size_t len = 0;
    FILE *m = open_memstream(text_r, &len);
    int rc;

    assert_non_null(m);
    rc = fn(m, d, why_r);
    fclose(m);
    return rc;
}

static void check_case(const char *name, emit_fn fn, const char *ext)
{
    const struct emit_case *c = emit_case_find(name);
    libxl_domain_config d;
    char *text = NULL, *why = NULL, *want;

    assert_non_null(c);
    libxl_domain_config_init(&d);
    assert_int_equal(c->build(&d), 0);
    assert_int_equal(emit_to_string(fn, &d, &text, &why), 0);
    assert_null(why);
    want = read_golden(name, ext);
    assert_string_equal(text, want);
    free(want);
    free(text);
    libxl_domain_config_dispose(&d);
}

#define CASE_TESTS(name)                                                                           \
    static void test_##name##_xlcfg(void **state)                                                  \
    {                                                                                              \
        check_case(#name, xlate_emit_xlcfg, "cfg");                                                \
    }                                                                                              \
    static void test_##name##_json(void **state)                                                   \
    {                                                                                              \
        check_case(#name, emit_json_adapter, "json");                                              \
    }
CASE_TESTS(pvh)
CASE_TESTS(hvm)
CASE_TESTS(arm)
CASE_TESTS(pv)

/* Build the pvh case, break it with @mutate, expect UNSUPPORTED naming @field. */
static void expect_unsupported(void (*mutate)(libxl_domain_config *), const char *field)
{
    libxl_domain_config d;
    char *text = NULL, *why = NULL;

    libxl_domain_config_init(&d);
    assert_int_equal(emit_case_find("pvh")->build(&d), 0);
    mutate(&d);
    assert_int_equal(emit_to_string(xlate_emit_xlcfg, &d, &text, &why), XLATE_ERR_UNSUPPORTED);
    assert_non_null(why);
    if (!strstr(why, field))
        fail_msg("reason '%s' does not name '%s'", why, field);
    assert_string_equal(text, ""); /* nothing written on failure */
    free(text);
    free(why);
    libxl_domain_config_dispose(&d);
}

static void set_budget(libxl_domain_config *d)
{
    d->b_info.sched_params.budget = 100; /* xl.cfg has no budget= */
}
static void set_tsc_mode(libxl_domain_config *d)
{
    d->b_info.tsc_mode = LIBXL_TSC_MODE_NATIVE; /* a field the emitter does not know */
}
static void set_odd_memory(libxl_domain_config *d)
{
    d->b_info.target_memkb = 1000;
}
static void set_disk_colo(libxl_domain_config *d)
{
    libxl_device_disk *disk = xlate_add_disk(d);

    xlate_set_string(&disk->vdev, "xvda");
    xlate_set_string(&disk->colo_host, "peer");
}
static void set_nic_comma(libxl_domain_config *d)
{
    libxl_device_nic *nic = xlate_add_nic(d);

    xlate_set_string(&nic->bridge, "br0,script=evil");
}
static void set_holey_vcpus(libxl_domain_config *d)
{
    xlate_set_vcpus(&d->b_info, 1, 3);
    xlate_bitmap_set(&d->b_info.avail_vcpus, 2); /* {0,2}: not 0..N-1 */
}
static void set_bad_enum(libxl_domain_config *d)
{
    d->b_info.arch_arm.gic_version = 99;
}

static void test_unsupported(void **state)
{
    expect_unsupported(set_budget, "budget");
    expect_unsupported(set_tsc_mode, "tsc_mode");
    expect_unsupported(set_odd_memory, "target_memkb");
    expect_unsupported(set_disk_colo, "colo_host");
    expect_unsupported(set_nic_comma, "bridge");
    expect_unsupported(set_holey_vcpus, "avail_vcpus");
    expect_unsupported(set_bad_enum, "gic_version");
}

static void test_empty_config(void **state)
{
    libxl_domain_config d;
    char *text = NULL, *why = NULL;

    libxl_domain_config_init(&d);
    /* No type at all: refused, not crashed. */
    assert_int_equal(emit_to_string(xlate_emit_xlcfg, &d, &text, &why), XLATE_ERR_UNSUPPORTED);
    assert_non_null(strstr(why, "type"));
    free(text);
    free(why);
    libxl_domain_config_dispose(&d);
}

static void test_bitmap(void **state)
{
    libxl_bitmap bm;
    char *s;

    libxl_bitmap_init(&bm);
    assert_int_equal(xlate_bitmap_alloc(&bm, 0), XLATE_ERR_INVAL);
    assert_int_equal(xlate_bitmap_alloc(&bm, 20), 0);
    assert_int_equal(bm.size, 3);
    assert_int_equal(xlate_bitmap_set(&bm, 24), XLATE_ERR_INVAL);
    assert_int_equal(xlate_bitmap_set(&bm, -1), XLATE_ERR_INVAL);
    for (int i = 0; i < 4; i++)
        assert_int_equal(xlate_bitmap_set(&bm, i), 0);
    assert_int_equal(xlate_bitmap_set(&bm, 6), 0);
    assert_int_equal(xlate_bitmap_set(&bm, 23), 0);
    s = xlate_bitmap_format(&bm);
    assert_string_equal(s, "0-3,6,23");
    free(s);
    libxl_bitmap_dispose(&bm); /* libxl frees what we allocated */
}

static void test_affinity_grows(void **state)
{
    libxl_domain_build_info b;
    static const int pin[] = {5};
    char *s;

    libxl_domain_build_info_init(&b);
    assert_int_equal(xlate_set_vcpu_affinity(&b, true, 2, pin, 1, 8), 0);
    assert_int_equal(b.num_vcpu_hard_affinity, 3);
    s = xlate_bitmap_format(&b.vcpu_hard_affinity[0]);
    assert_string_equal(s, "0-7");
    free(s);
    s = xlate_bitmap_format(&b.vcpu_hard_affinity[2]);
    assert_string_equal(s, "5");
    free(s);
    assert_int_equal(xlate_set_vcpu_affinity(&b, true, 0, (int[]){8}, 1, 8), XLATE_ERR_INVAL);
    libxl_domain_build_info_dispose(&b);
}

static void test_string_list(void **state)
{
    libxl_string_list sl = NULL;

    assert_int_equal(xlate_string_list_append(&sl, "a"), 0);
    assert_int_equal(xlate_string_list_append(&sl, "b"), 0);
    assert_int_equal(libxl_string_list_length(&sl), 2);
    assert_string_equal(sl[1], "b");
    assert_null(sl[2]);
    libxl_string_list_dispose(&sl);
}

static void test_target(void **state)
{
    struct xlate_target t;
    enum xlate_arch a;

    xlate_target_default(&t, XLATE_ARCH_AARCH64);
    assert_true(xlate_target_has(&t, XLATE_CAP(GICV3) | XLATE_CAP(VPL011)));
    assert_false(xlate_target_has(&t, XLATE_CAP(IOREQ)));
    assert_false(xlate_target_has(&t, XLATE_CAP(HVM)));
    assert_int_equal(t.xen_major * 100 + t.xen_minor, 417);
    xlate_target_default(&t, XLATE_ARCH_X86_64);
    assert_true(xlate_target_has(&t, XLATE_CAP(HVM) | XLATE_CAP(IOREQ) | XLATE_CAP(PVH)));
    assert_int_equal(xlate_target_parse_caps(&t, "-ioreq,+gicv2"), 0);
    assert_false(xlate_target_has(&t, XLATE_CAP(IOREQ)));
    assert_true(xlate_target_has(&t, XLATE_CAP(GICV2)));
    assert_int_equal(xlate_target_parse_caps(&t, "hvm,bogus"), XLATE_ERR_INVAL);
    assert_true(xlate_target_has(&t, XLATE_CAP(GICV2))); /* untouched on error */
    assert_int_equal(xlate_arch_from_name("aarch64", &a), 0);
    assert_int_equal(a, XLATE_ARCH_AARCH64);
    assert_int_equal(xlate_arch_from_name("riscv", &a), XLATE_ERR_INVAL);
    assert_int_equal(xlate_arch_from_name(NULL, &a), XLATE_ERR_INVAL);
}

static void test_target_from_host(void **state)
{
    struct xlate_target t;
    libxl_version_info ver = {.xen_version_major = 4, .xen_version_minor = 18};
    libxl_physinfo phys;

    libxl_physinfo_init(&phys);
    phys.nr_cpus = 8;
    phys.cap_hvm = true;
    phys.cap_hap = true;
    ver.capabilities = (char *)"xen-3.0-x86_64 hvm-3.0-x86_32";
    xlate_target_default(&t, XLATE_ARCH_AARCH64);
    assert_int_equal(xlate_target_from_host(&t, &ver, &phys), 0);
    assert_int_equal(t.arch, XLATE_ARCH_X86_64);
    assert_int_equal(t.nr_pcpus, 8);
    assert_int_equal(t.xen_minor, 18);
    assert_false(xlate_target_has(&t, XLATE_CAP(PV)));
    ver.capabilities = (char *)"xen-3.0-mips";
    assert_int_equal(xlate_target_from_host(&t, &ver, &phys), XLATE_ERR_INVAL);
}

static void test_strerror(void **state)
{
    assert_non_null(xlate_strerror(XLATE_ERR_UNSUPPORTED));
    assert_string_equal(xlate_strerror(12345), "unknown error");
    assert_string_equal(xlate_strerror(-12345), "unknown error");
}

/* The keys table is well formed: one row per key; a row of a generic kind names a field
 * (an enum one its spellings, an action xl's default among them). */
static void test_keys_table(void **state)
{
    (void)state;
    assert_true(xlcfg_nkeys > 0);
    for (size_t i = 0; i < xlcfg_nkeys; i++) {
        const struct xlcfg_key *k = &xlcfg_keys[i];

        assert_ptr_equal(xlcfg_key_find(k->key), k);
        assert_true(k->dir & (XLCFG_R | XLCFG_W));
        if (k->kind == XLCFG_CUSTOM || k->kind == XLCFG_LIST)
            continue;
        assert_true(k->size > 0 && k->off + k->size <= sizeof(libxl_domain_config));
        if (k->kind == XLCFG_ENUM || k->kind == XLCFG_ACTION)
            assert_true(k->nnames > 0 && k->names);
        if (k->kind == XLCFG_ACTION)
            assert_non_null(k->names[k->xl_default]);
    }
    assert_null(xlcfg_key_find("no_such_key"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pvh_xlcfg),        cmocka_unit_test(test_pvh_json),
        cmocka_unit_test(test_hvm_xlcfg),        cmocka_unit_test(test_hvm_json),
        cmocka_unit_test(test_arm_xlcfg),        cmocka_unit_test(test_arm_json),
        cmocka_unit_test(test_pv_xlcfg),         cmocka_unit_test(test_pv_json),
        cmocka_unit_test(test_unsupported),      cmocka_unit_test(test_empty_config),
        cmocka_unit_test(test_bitmap),           cmocka_unit_test(test_affinity_grows),
        cmocka_unit_test(test_string_list),      cmocka_unit_test(test_target),
        cmocka_unit_test(test_target_from_host), cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_keys_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
