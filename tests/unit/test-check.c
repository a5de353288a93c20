/* Unit tests of the validator: each named check, positive and negative. */
#include "model-test.h"

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
    qc_validate(&m.cfg, &m.d);
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
}

static void dup_intr(void **state)
{
    expect("vdev pl011 loc 0x1000 intr gic:37 vdev pl011 loc 0x2000 intr gic:37", "dup-intr", true);
    expect("vdev pl011 loc 0x1000 intr gic:37 vdev pl011 loc 0x2000 intr gic:38", "dup-intr",
           false);
    expect("vdev pl011 loc 0x1000 intr gic:37 pass intr gic:37", "dup-intr", true);
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

static void overlap(void **state)
{
    expect("ram 0,1m ram 0x80000,1m", "overlap", true);
    expect("ram 0,0xa0000 rom 0xc0000,0x40000 ram 1m,1023m", "overlap", false);
    expect("ram 0x80000000,128M vdev pl011 loc 0x80001000 intr gic:1", "overlap", true);
    expect("ram 0x80000000,128M pass loc 0x80000000,0x1000,rw", "overlap", true);
    expect("ram 0x80000000,128M pass loc 0x10000000,0x1000,rw", "overlap", false);
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
}

static void runmask_range(void **state)
{
    struct mt m;
    struct qc_validate_opts o = {.host_pcpus = 4};
    mt_parse(&m, "cpu runmask 0,5");
    qc_validate_ex(&m.cfg, &o, &m.d);
    assert_true(mt_has(&m, "runmask-range"));
    mt_dispose(&m);
    mt_parse(&m, "cpu runmask 0,3");
    qc_validate_ex(&m.cfg, &o, &m.d);
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
    m.d.disabled = off;
    m.d.promoted = err;
    assert_int_equal(qc_validate(&m.cfg, &m.d), -1);
    assert_false(mt_has(&m, "overlap"));
    assert_true(mt_has(&m, "set-unknown-var"));
    mt_dispose(&m);
}

static void registry(void **state)
{
    assert_non_null(qc_check_find("ram-before-load"));
    assert_non_null(qc_check_find("arg-missing"));
    assert_null(qc_check_find("no-such-check"));
    assert_int_equal(qc_check_find("overlap")->sev, QC_SEV_WARNING);
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
        cmocka_unit_test(overlap),
        cmocka_unit_test(pass_alignment),
        cmocka_unit_test(pass_attr_conflict),
        cmocka_unit_test(vcpu_shared_pcpu),
        cmocka_unit_test(runmask_range),
        cmocka_unit_test(set_unknown_var),
        cmocka_unit_test(reports_all_errors),
        cmocka_unit_test(disable_and_promote),
        cmocka_unit_test(registry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
