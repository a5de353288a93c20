/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of the validator: each named check, positive and negative. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/model-test.h"

/* Runs `text` (validated) and asserts whether `check` was reported. */
static void expect(const char *text, const char *check, bool reported)
{
    struct mt m;
    mt_check(&m, text);
    if (mt_has(&m, check) != reported) {
        fprintf(stderr, "%s %s for: %s\n", check, reported ? "missing" : "unexpected", text);
        mt_dump(&m);
    }
    assert_int_equal(mt_has(&m, check), reported);
    mt_dispose(&m);
}

static void system_first(void **state)
{
    expect("system a ram 1m", "system-first", false);
    expect("ram 1m system a", "system-first", true);
}

static void ram_before_load(void **state)
{
    expect("ram 0x80000000,128M load 0x80080000,Image", "ram-before-load", false);
    expect("ram 32m load /qnx7.ifs", "ram-before-load", false);
    expect("load /qnx7.ifs ram 32m", "ram-before-load", true);
    expect("ram 0x80000000,128M load 0x10000,Image", "ram-before-load", true);
    /* "after previous": the second region starts at 1M. */
    expect("ram 0,1m ram 1m load 0x180000,x", "ram-before-load", false);
}

static void pic_before_intr(void **state)
{
    expect("vdev ioapic loc 0xfec00000 intr apic name myioapic vdev ser8250 loc 0x3f8 "
           "intr myioapic:4",
           "pic-before-intr", false);
    expect("vdev ser8250 loc 0x3f8 intr myioapic:4 vdev ioapic loc 0xfec00000 intr apic "
           "name myioapic",
           "pic-before-intr", true);
    expect("vdev pl011 loc 0x1c090000 intr gic:37", "pic-before-intr", false);
    expect("vdev gic name g2 vdev pl011 loc 0x1c090000 intr gic:37", "pic-before-intr", true);
    expect("vdev gic name g2 vdev pl011 loc 0x1c090000 intr g2:37", "pic-before-intr", false);
    expect("vdev ioapic loc 0xfec00000 intr apic vdev pl011 loc 0x1000 intr gic:3",
           "pic-before-intr", true); /* x86: no implicit gic */
    expect("pass intr nope:3", "pic-before-intr", true);
}

static void pic_name_colon(void **state)
{
    expect("vdev ioapic loc 0xfec00000 intr apic name a:b", "pic-name-colon", true);
    expect("vdev ioapic loc 0xfec00000 intr apic name ab", "pic-name-colon", false);
    expect("vdev virtio-net name a:b", "pic-name-colon", false);
}

static void arch_mismatch(void **state)
{
    expect("vdev pl011 loc 0x1000 intr gic:1 vdev ioapic loc 0xfec00000 intr apic", "arch-mismatch",
           true);
    expect("vdev ioapic loc 0xfec00000 intr apic vdev hpet loc 0xf8008000 intr ioapic:2",
           "arch-mismatch", false);
    expect("vdev pl011 loc 0x1000 intr gic:1 reserve loc io:0xcf8,8", "arch-mismatch", true);
    expect("fdt load x.dtb acpi load y", "arch-mismatch", true);
    struct mt m;
    const char *t = "vdev ioapic loc 0xfec00000 intr apic";
    mt_parse_files(&m, QC_ARCH_ARM, &t, 1);
    qc_validate(&m.doc.cfg, &m.doc.d);
    assert_true(mt_has(&m, "arch-mismatch"));
    mt_dispose(&m);
}

static void loc_and_intr_required(void **state)
{
    expect("vdev pl011 intr gic:37", "loc-required", true);
    expect("vdev pl011 loc 0x1c090000 intr gic:37", "loc-required", false);
    expect("vdev gic", "loc-required", false); /* implicit, has a default */
    expect("vdev virtio-net", "loc-required", false);
    expect("vdev pl011 loc 0x1c090000", "intr-required", true);
    expect("vdev virtio-net loc 0x1c0c0000", "intr-required", true);
    expect("vdev virtio-net loc 0x1c0c0000 intr gic:40", "intr-required", false);
    expect("vdev virtio-net loc pci:0:1", "intr-required", false);
    expect("vdev virtio-net", "intr-required", false);
    /* Types qvm places by default when loc is omitted (schema.def DEFLOC). */
    const char *defaulted[] = {"vdev ser8250 intr 8259a:4",
                               "vdev pckeyboard",
                               "vdev hpet",
                               "vdev timer8254",
                               "vdev mc146818",
                               "vdev wdt-sp805",
                               "vdev wdt-ib700"};
    for (size_t i = 0; i < sizeof(defaulted) / sizeof(defaulted[0]); i++)
        expect(defaulted[i], "loc-required", false);
    expect("vdev 8259", "loc-required", true);   /* one vdev per chip: no default */
    expect("vdev ioapic", "loc-required", true); /* no documented default */
}

static void dup_intr(void **state)
{
    expect("vdev pl011 loc 0x1000 intr gic:37 vdev pl011 loc 0x2000 intr gic:37", "dup-intr", true);
    expect("vdev pl011 loc 0x1000 intr gic:37 vdev pl011 loc 0x2000 intr gic:38", "dup-intr",
           false);
    expect("vdev pl011 loc 0x1000 intr gic:37 pass intr gic:37", "dup-intr", true);
    /* An HPET in legacy replacement mode takes the PIT's and RTC's lines (QNX's Linux example). */
    const char *pc = "vdev ioapic loc 0xf8000000 intr apic name io vdev timer8254 intr io:0 "
                     "vdev mc146818 intr io:8 ";
    char text[256];
    snprintf(text, sizeof(text), "%svdev hpet intr io:0,io:8,io:10", pc);
    expect(text, "dup-intr", false);
    snprintf(text, sizeof(text), "%svdev hpet legacy-free intr io:0", pc);
    expect(text, "dup-intr", true);
    snprintf(text, sizeof(text), "%svdev ser8250 intr io:0", pc);
    expect(text, "dup-intr", true);
}

static void number_range(void **state)
{
    expect("vdev gic version 3", "number-range", false);
    expect("vdev gic version 4", "number-range", true);
    expect("vdev gic its 0x8000000 num-lpis 1000", "number-range", true);
    expect("vdev gic its 0x8000000 num-lpis 8192", "number-range", false);
    expect("vdev gic its 0x8000000", "gic-its-lpis", true);
    expect("vdev gic its 0x8000000 num-lpis 8192", "gic-its-lpis", false);
}

static void shmem_allow_deny(void **state)
{
    expect("vdev shmem allow a* deny b*", "shmem-allow-deny", true);
    expect("vdev shmem allow a* allow b*", "shmem-allow-deny", false);
}

/* One error per mistake: a refused value does not also give the errors of what it would
 * have set (no RAM before the load, no loc), and lspci's hex BDF gets a hint. */
static void no_cascades(void **state)
{
    (void)state;
    expect("ram 128MB load /k", "number-invalid", true);
    expect("ram 128MB load /k", "ram-before-load", false);
    expect("load /k ram 128MB", "ram-before-load", true); /* the load came first */
    expect("vdev pl011 loc pci:0:1f.3 intr gic:33", "loc-required", false);
    expect("vdev pl011 loc 0x1c0z", "intr-required", false);
    expect("vdev pl011 hostdev /x", "loc-required", true); /* nothing refused: still said */

    struct mt m;
    mt_check(&m, "pass loc pci:0:1f.3");
    assert_true(mt_has(&m, "number-invalid"));
    bool hint = false;
    for (size_t i = 0; i < m.doc.d.count; i++)
        hint |= m.doc.d.items[i].has_note && strstr(m.doc.d.items[i].note, "pci:0:31.3") != NULL;
    assert_true(hint);
    mt_dispose(&m);
}

static void range_invalid(void **state)
{
    (void)state;
    expect("ram 0", "range-invalid", true);
    expect("ram 0x80000000,0", "range-invalid", true);
    expect("ram 0xffffffffffff0000,1M", "range-invalid", true);
    expect("ram 0xfffffffffff00000,1M", "range-invalid", false); /* ends at 2^64 exactly */
    expect("ram 0xfffffffffff00000,1M ram 1M", "range-invalid", true);
    expect("pass loc mem:0xfffffffffffff000,0x2000", "range-invalid", true);
    expect("pass loc mem:0x1000,0x1000=mem:0xfffffffffffff800", "range-invalid", true);
    expect("pass loc mem:0x1000,0", "range-invalid", true);
    expect("reserve loc mem:0xfffffffffffff000,0x2000", "range-invalid", true);
    expect("ram 1M ram 2M pass loc mem:0x10000000,0x1000", "range-invalid", false);
}

static void overlap(void **state)
{
    expect("ram 0,1m ram 0x80000,1m", "overlap", true);
    expect("ram 0,0xa0000 rom 0xc0000,0x40000 ram 1m,1023m", "overlap", false);
    expect("ram 0x80000000,128M vdev pl011 loc 0x80001000 intr gic:1", "overlap", true);
    expect("ram 0x80000000,128M pass loc 0x80000000,0x1000,rw", "overlap", true);
    expect("ram 0x80000000,128M pass loc 0x10000000,0x1000,rw", "overlap", false);
    /* Default places count: two UARTs without loc are both COM1; a hpet at 0xfed00000. */
    expect("vdev ser8250 intr a:4 vdev ser8250 intr a:3", "overlap", true);
    expect("vdev ser8250 intr a:4 vdev ser8250 loc 0x2f8 intr a:3", "overlap", false);
    expect("vdev hpet vdev pl011 loc 0xfed00000 intr gic:33", "overlap", true);
}

/* The diagnostics of `check` as "LINE>NOTE_LINE" items, in report order. */
static void expect_pairs(const char *text, const char *check, const char *want)
{
    struct mt m;
    char got[256] = "";
    mt_check(&m, text);
    for (size_t i = 0; i < m.doc.d.count; i++)
        if (strcmp(m.doc.d.items[i].check, check) == 0)
            snprintf(got + strlen(got), sizeof(got) - strlen(got), "%u>%u ", m.doc.d.items[i].loc.line,
                     m.doc.d.items[i].has_note ? m.doc.d.items[i].note_loc.line : 0);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "%s: got '%s', want '%s' for:\n%s\n", check, got, want, text);
    assert_string_equal(got, want);
    mt_dispose(&m);
}

/* Overlaps and repeated interrupts are found by sorting; they must still be
 * reported in input order, once per range: a range against one range it
 * overlaps (the first of a group is not reported), a line against its first
 * use (dup-intr). Once per range keeps the count linear: n copies of one
 * region are n-1 warnings, not n(n-1)/2. */
static void sorted_scans_keep_order(void **state)
{
    (void)state;
    expect_pairs("ram 0x80000,1m\nram 0,1m\nram 0x40000,1m\nram 0x10000000,1m\n"
                 "pass loc 0x10000000,0x1000,rw\n",
                 "overlap", "1>3 3>2 5>4 ");
    expect_pairs("ram 0,1m\nram 0,1m\nram 0,1m\nram 0,1m\n", "overlap", "2>1 3>1 4>1 ");
    expect_pairs("vdev pl011 loc 0x1000 intr gic:37\nvdev pl011 loc 0x2000 intr gic:38\n"
                 "vdev pl011 loc 0x3000 intr gic:37\npass intr gic:38\npass intr gic:37\n",
                 "dup-intr", "3>1 4>2 5>1 ");
}

static void pass_alignment(void **state)
{
    expect("pass loc mem:0x10000000,0x1000,rw", "pass-alignment", false);
    expect("pass loc mem:0x10000000,0x1001,rw", "pass-alignment", true);
    expect("pass loc mem:0x10000000,0x1000,rw=0x20000800", "pass-alignment", true);
}

static void pass_attr_conflict(void **state)
{
    expect("pass loc mem:0x10000000,0x1000,md", "pass-attr-conflict", true);
    expect("pass loc mem:0x10000000,0x1000,m-d", "pass-attr-conflict", false);
    expect("pass loc mem:0x10000000,0x1000,rwd", "pass-attr-conflict", false);
}

static void vcpu_shared_pcpu(void **state)
{
    expect("cpu runmask 1 cpu runmask 1", "vcpu-shared-pcpu", true);
    expect("cpu runmask 1 sched 10 cpu runmask 1 sched 5", "vcpu-shared-pcpu", true);
    expect("cpu runmask 1 cpu runmask 2", "vcpu-shared-pcpu", false);
    expect("cpu runmask 1,2 cpu runmask 1,2", "vcpu-shared-pcpu", false);
    /* 8.0's predefined clusters _cpu-N are single CPUs too; other names are not. */
    expect("cpu cluster _cpu-1 cpu runmask 1", "vcpu-shared-pcpu", true);
    expect("cpu cluster _cpu-1 cpu cluster _cpu-2", "vcpu-shared-pcpu", false);
    expect("cpu cluster big cpu cluster big", "vcpu-shared-pcpu", false);
    expect("cpu cluster _cpu-01 cpu cluster _cpu-1", "vcpu-shared-pcpu", false);
}

static void runmask_range(void **state)
{
    struct mt m;
    struct qc_validate_opts o = {.host_pcpus = 4};
    mt_parse(&m, "cpu runmask 0,5");
    qc_validate_ex(&m.doc.cfg, &o, &m.doc.d);
    assert_true(mt_has(&m, "runmask-range"));
    mt_dispose(&m);
    mt_parse(&m, "cpu runmask 0,3");
    qc_validate_ex(&m.doc.cfg, &o, &m.doc.d);
    assert_false(mt_has(&m, "runmask-range"));
    mt_dispose(&m);
}

static void set_unknown_var(void **state)
{
    expect("set my-var 1", "set-unknown-var", true);
    expect("set exit-on-halt on", "set-unknown-var", false);
}

static void reports_all_errors(void **state)
{
    struct mt m;
    mt_check(&m, "load x ram 1m system s vdev pl011");
    assert_true(mt_has(&m, "ram-before-load"));
    assert_true(mt_has(&m, "system-first"));
    assert_true(mt_has(&m, "loc-required"));
    assert_true(mt_has(&m, "intr-required"));
    assert_int_equal(m.rc, -1);
    mt_dispose(&m);
}

static void disable_and_promote(void **state)
{
    static const char *const off[] = {"overlap", NULL};
    static const char *const err[] = {"set-unknown-var", NULL};
    struct mt m;
    mt_parse(&m, "ram 0,1m ram 0x80000,1m set my-var 1");
    m.doc.d.disabled = off;
    m.doc.d.promoted = err;
    assert_int_equal(qc_validate(&m.doc.cfg, &m.doc.d), -1);
    assert_false(mt_has(&m, "overlap"));
    assert_true(mt_has(&m, "set-unknown-var"));
    mt_dispose(&m);
}

static void registry(void **state)
{
    (void)state;
    assert_ptr_equal(qc_check_find("ram-before-load"), &qc_checks[QC_CK_RAM_BEFORE_LOAD]);
    assert_ptr_equal(qc_check_find("arg-missing"), &qc_checks[QC_CK_ARG_MISSING]);
    assert_ptr_equal(qc_check_find("xlate-set"), &qc_checks[QC_CK_XLATE_SET]);
    assert_null(qc_check_find("no-such-check"));
    assert_int_equal(qc_checks[QC_CK_OVERLAP].sev, QC_SEV_WARNING);
    assert_int_equal(qc_checks[QC_CK_OVERLAP].kind, QC_KIND_VALIDATOR);
    assert_int_equal(qc_checks[QC_CK_XLATE_NOMEM].kind, QC_KIND_XLATE);
}

/* Every row is filled in, its name unique; a prerequisite is a validator
 * check that runs before its dependant (qc_validate runs in table order). */
static void registry_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < QC_CK_COUNT; i++) {
        const struct qc_check *c = &qc_checks[i];
        assert_non_null(c->name);
        assert_non_null(c->help);
        assert_ptr_equal(qc_check_find(c->name), c);
        for (const enum qc_check_id *p = c->prereqs; p && *p != QC_CK_COUNT; p++) {
            assert_int_equal(c->kind, QC_KIND_VALIDATOR);
            assert_int_equal(qc_checks[*p].kind, QC_KIND_VALIDATOR);
            assert_true((size_t)*p < i);
        }
    }
}

/* A check whose prerequisite reported an error is skipped (dtc): an
 * undefined PIC is one error, not also a repeated line. */
static void prerequisites(void **state)
{
    (void)state;
    const char *undefined = "vdev pl011 loc 0x1000 intr nope:37 vdev pl011 loc 0x2000 intr nope:37";
    expect(undefined, "pic-before-intr", true);
    expect(undefined, "dup-intr", false);
    expect("vdev pl011 loc 0x1000 intr gic:37 vdev pl011 loc 0x2000 intr gic:37", "dup-intr", true);
    /* Skipped for the whole configuration, as dtc does: the overlap of the
     * two valid regions is reported once the empty one is fixed. */
    expect("ram 0 ram 0x100000,1m ram 0x180000,1m", "range-invalid", true);
    expect("ram 0 ram 0x100000,1m ram 0x180000,1m", "overlap", false);
    expect("ram 0x100000,1m ram 0x180000,1m", "overlap", true);
    struct mt m;
    mt_check(&m, undefined);
    assert_true(qc_diags_failed(&m.doc.d, QC_CK_PIC_BEFORE_INTR));
    assert_int_equal(mt_count(&m, "pic-before-intr"), 2);
    assert_int_equal(m.doc.d.count, 2);
    mt_dispose(&m);
}

/* qc_diags_failed tells a later stage (the translation) that a check refused
 * something; warnings do not count. */
static void diags_failed(void **state)
{
    (void)state;
    struct mt m;
    mt_check(&m, "ram 0x100000,1m ram 0x180000,1m load 0x10,k");
    assert_true(mt_has(&m, "overlap"));
    assert_false(qc_diags_failed(&m.doc.d, QC_CK_OVERLAP));
    assert_true(qc_diags_failed(&m.doc.d, QC_CK_RAM_BEFORE_LOAD));
    mt_dispose(&m);
}

/* qc_diag takes the registry's severity and name; qc_diag_sev another
 * severity. */
static void diag_by_id(void **state)
{
    (void)state;
    struct qc_diags d;
    struct qc_loc l = {"f", 1, 1};
    qc_diags_init(&d);
    assert_int_equal(qc_diag(&d, QC_CK_OVERLAP, l, "x %d", 1), 0);
    assert_int_equal(qc_diag_sev(&d, QC_SEV_ERROR, QC_CK_XLATE_SAFETY, l, "y"), 1);
    assert_int_equal(d.items[0].sev, QC_SEV_WARNING);
    assert_string_equal(d.items[0].check, "overlap");
    assert_int_equal(d.items[0].id, QC_CK_OVERLAP);
    assert_string_equal(d.items[0].msg, "x 1");
    assert_int_equal(d.items[1].sev, QC_SEV_ERROR);
    assert_string_equal(d.items[1].check, "xlate-safety");
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.warnings, 1);
    qc_diags_dispose(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(system_first),
        cmocka_unit_test(ram_before_load),
        cmocka_unit_test(pic_before_intr),
        cmocka_unit_test(pic_name_colon),
        cmocka_unit_test(arch_mismatch),
        cmocka_unit_test(loc_and_intr_required),
        cmocka_unit_test(dup_intr),
        cmocka_unit_test(number_range),
        cmocka_unit_test(shmem_allow_deny),
        cmocka_unit_test(no_cascades),
        cmocka_unit_test(range_invalid),
        cmocka_unit_test(overlap),
        cmocka_unit_test(sorted_scans_keep_order),
        cmocka_unit_test(pass_alignment),
        cmocka_unit_test(pass_attr_conflict),
        cmocka_unit_test(vcpu_shared_pcpu),
        cmocka_unit_test(runmask_range),
        cmocka_unit_test(set_unknown_var),
        cmocka_unit_test(reports_all_errors),
        cmocka_unit_test(disable_and_promote),
        cmocka_unit_test(registry),
        cmocka_unit_test(registry_rows),
        cmocka_unit_test(prerequisites),
        cmocka_unit_test(diags_failed),
        cmocka_unit_test(diag_by_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
