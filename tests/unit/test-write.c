/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of the canonical writer: number spelling, quoting, exact
 * canonical text, and parse(write(parse(x))) == parse(x) on rich configs. */
#include <stdlib.h>

#include "tests/unit/model-test.h"

static const char *const x86_cfg =
    "system qnx7-x86_64-guest\n"
    "ram 0,0xa0000\n"
    "reserve loc 0xa0000,0x20000 loc io:0xcf8,8 loc pci:0:1 intr 39\n"
    "rom 0xc0000,0x40000\n"
    "ram 1m,1023m\n"
    "load /vm/qnx7.ifs\n"
    "acpi load ./acpi_foo\n"
    "cmdline \"console=ttyS0 \\\"quoted\\\" a\\\\b #x $HOME\"\n"
    "cpu runmask 0 sched 10f partition p1\n"
    "cpu runmask 1,2,3 sched 10,6,5,1000000,500000s set my-cpu-var 3\n"
    "vdev ioapic loc 0xfec00000 intr apic name myioapic hostvector 32\n"
    "vdev 8259 loc 0x20\n"
    "vdev 8259 loc io:0xa0\n"
    "vdev timer8254 intr myioapic:0\n"
    "vdev mc146818 reg 0x0b,0x02\n"
    "vdev pckeyboard loc 0x60\n"
    "vdev hpet loc 0xf8008000 intr myioapic:2,myioapic:8 intr myioapic:10 legacy-free "
    "frequency 14318180\n"
    "vdev ser8250 loc 0x3f8 intr myioapic:4 hostdev >- hostdev <\"/dev/ser 1\" delayed forever "
    "batch 100 sched 12 log error,warning stderr\n"
    "vdev virtio-blk loc pci:0:3.0 hostdev <disk.img dio enable\n"
    "vdev virtio-net mac aa:aa:aa:aa:aa:aa name p2p peer /dev/vdevpeers/vp0 peerfeats 0x3\n"
    "vdev shmem allow a* allow b? create TEST1,0xf0000 gid 100 umask 022 create T2,4K,0600,5 "
    "loc 0x10000000 intr myioapic:10\n"
    "vdev pci-dummy clone pci:0:31.0\n"
    "vdev wdt-ib700 action dump,terminate\n"
    "vdev vdev-thirdparty.so speed 9 \"odd word\" set vdev-message-block-timeout 7\n"
    "pass loc pci:0:12.0=pci:0x8086/0x1234 intr myioapic:11=150\n"
    "pass loc pci:0x8086/0x5aa8\n"
    "logger error,fatal stderr\n"
    "logger info slog\n"
    "set grow-heap 4K\n"
    "set exit-on-halt no\n"
    "unsupported instruction ignore\n"
    "tolerance 100\n"
    "dump \"|gzip >dump_output.gz\"\n"
    "safety warn\n"
    "debug\n"
    "dryrun\n";

static const char *const arm_cfg =
    "system linux-arm\n"
    "cpu sched 8 ram 0x80000000,128M cpu cluster _cpu-1 sched 6o\n"
    "load 0x80080000,/vm/images/linux.img\n"
    "initrd load /vm/images/ramdisk.img\n"
    "fdt load ./x.dtb\n"
    "cmdline \"console=ttyAMA0 earlycon=pl011,0x1c090000\"\n"
    "vdev gic version 3 gicr 0x2f100000 its 0x2f020000 num-lpis 8192 its-prealloc 4,8 "
    "loc 0x2f000000 name gic\n"
    "vdev gic version 2 msi 0x30000000,0x50,0x100 gicc 0x2c000000\n"
    "vdev pl011 loc 0x1c090000 intr gic:37 hostdev /dev/ser2 hostdev >\"|tee log.txt\"\n"
    "vdev virtio-console loc 0x1c0d0000 intr gic:41 legacy\n"
    "vdev virtio-entropy delayed 0\n"
    "vdev virtio-input screen touch screen multi-touch offset 10,20 size 800,480 zorder 1000 "
    "options +0x12 protocol B force_dev_presence true\n"
    "vdev virtio-fs tag qhostfs host_path /data num_req_queues 2 directio false\n"
    "vdev wdt-sp805 loc 0x1c0f0000 intr gic:32 action terminate frequency 25000000\n"
    "vdev smmu\n"
    "fdt pass loc mem:0xfe204000,0x1000,rwn intr gic:44=150\n"
    "pass loc mem:0x2000,r=0x1000\n"
    "pass loc 0xEE080000,0x1000,+rw-x\n"
    "pass intr gic:144,t\n"
    "reserve loc mem:0x1000,0x8\n"
    "set gic-hwassist off\n"
    "set fdt-dump-file fdt.dtb\n"
    "unsupported register abort\n"
    "unsupported reference fail\n"
    "logger warn,info,debug,verbose none\n"
    "debug gdb\n";

static char *write_str(const struct qc_config *cfg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    qc_write(f, cfg);
    fclose(f);
    return buf;
}

static void roundtrip(const char *text, enum qc_arch arch)
{
    struct mt a, b;
    mt_parse_files(&a, arch, &text, 1);
    if (a.rc)
        mt_dump(&a);
    assert_int_equal(a.rc, 0);
    char *out = write_str(&a.doc.cfg);
    const char *o = out;
    mt_parse_files(&b, arch, &o, 1);
    if (b.rc || !qc_config_equal(&a.doc.cfg, &b.doc.cfg)) {
        fprintf(stderr, "canonical text:\n%s", out);
        mt_dump(&b);
    }
    assert_int_equal(b.rc, 0);
    assert_true(qc_config_equal(&a.doc.cfg, &b.doc.cfg));
    /* The canonical text is a fixed point. */
    char *out2 = write_str(&b.doc.cfg);
    assert_string_equal(out, out2);
    free(out);
    free(out2);
    mt_dispose(&a);
    mt_dispose(&b);
}

static void roundtrip_x86(void **state)
{
    roundtrip(x86_cfg, QC_ARCH_ANY);
    roundtrip(x86_cfg, QC_ARCH_X86);
}

static void roundtrip_arm(void **state)
{
    roundtrip(arm_cfg, QC_ARCH_ANY);
    roundtrip(arm_cfg, QC_ARCH_ARM);
}

static void roundtrip_small(void **state)
{
    const char *cfgs[] = {
        "",
        "cpu sched 8 sched 6 cpu",
        "ram 1000 ram 4097 rom 1G",
        "set unknown-var \"\" set x \"@at\"",
        "vdev a vdev b c d vdev c",
        "cpu set message-block-timeout 5 set my-var x",
        "pass reserve pass loc io:0x60,4",
    };
    for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++)
        roundtrip(cfgs[i], QC_ARCH_ANY);
}

/* A repeated last-wins item takes the place of its last occurrence, so the
 * writer (input order) and equality (array order) agree (found by the
 * fuzzer: tests/fuzz/corpus-conf/43-unsupported-last-wins.qvmconf). */
static void roundtrip_last_wins(void **state)
{
    const char *cfgs[] = {
        "unsupported reference ignore unsupported register fail unsupported reference abort",
        "unsupported instruction fail unsupported register fail unsupported reference abort "
        "unsupported instruction ignore unsupported register abort",
        "set a 1 set b 2 set a 3",
        "vdev pl011 loc 0x1000 intr gic:1 name u vdev pl011 loc 0x2000 intr gic:2 set x 1 "
        "set y 2 set x 3",
        "vdev virtio-console hostdev a batch 1 hostdev b",
        "tolerance 1 ram 1m tolerance 2 system a dryrun system b",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++)
        roundtrip(cfgs[i], QC_ARCH_ANY);

    struct mt m;
    mt_parse(&m, cfgs[0]);
    assert_int_equal(m.doc.cfg.nunsupported, 2);
    assert_int_equal(m.doc.cfg.unsupported[0].type, QC_UNSUP_REGISTER);
    assert_int_equal(m.doc.cfg.unsupported[1].type, QC_UNSUP_REFERENCE);
    assert_int_equal(m.doc.cfg.unsupported[1].action, QC_UNSUP_ABORT);
    assert_true(m.doc.cfg.unsupported[0].seq < m.doc.cfg.unsupported[1].seq);
    assert_int_equal(mt_count(&m, "option-overridden"), 1);
    char *out = write_str(&m.doc.cfg);
    assert_string_equal(out, "unsupported register fail\nunsupported reference abort\n");
    free(out);
    mt_dispose(&m);
}

static void equality_sees_differences(void **state)
{
    const char *pairs[][2] = {
        {"ram 1m", "ram 2m"},
        {"ram 0,1m", "ram 1m"},
        {"cpu sched 8", "cpu sched 8f"},
        {"vdev pl011 hostdev a", "vdev pl011 hostdev b"},
        {"pass loc 0x1000,0x1000,rw", "pass loc 0x1000,0x1000,r"},
        {"cpu runmask 1", "cpu runmask 2"},
        {"vdev x a", "vdev x b"},
        {"set exit-on-halt on", "set exit-on-halt off"},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        struct mt a, b;
        mt_parse(&a, pairs[i][0]);
        mt_parse(&b, pairs[i][1]);
        assert_false(qc_config_equal(&a.doc.cfg, &b.doc.cfg));
        mt_dispose(&a);
        mt_dispose(&b);
    }
}

static void canonical_text(void **state)
{
    struct mt m;
    mt_parse(&m, "cpu sched 8r ram 80000000,131072K vdev pl011 hostdev \"a b\" loc 1c090000 "
                 "intr gic:37 load 0x80000000,x set exit-on-halt 1 pass loc mem:0x2000,4096,r");
    char *out = write_str(&m.doc.cfg);
    assert_string_equal(out, "cpu\n"
                             "    sched 8\n"
                             "ram 0x80000000,128M\n"
                             "vdev pl011\n"
                             "    loc mem:0x1c090000\n"
                             "    intr gic:37\n"
                             "    hostdev \"a b\"\n"
                             "load 0x80000000,x\n"
                             "set exit-on-halt on\n"
                             "pass\n"
                             "    loc mem:0x2000,4K,r\n");
    free(out);
    mt_dispose(&m);
}

static void number_format(void **state)
{
    char b[32];
    assert_string_equal(qc_num_format(b, sizeof(b), 0xABC, QC_NUM_ADDR), "0xabc");
    assert_string_equal(qc_num_format(b, sizeof(b), 0, QC_NUM_ADDR), "0x0");
    assert_string_equal(qc_num_format(b, sizeof(b), 0, QC_NUM_SIZE), "0");
    assert_string_equal(qc_num_format(b, sizeof(b), 1000, QC_NUM_SIZE), "1000");
    assert_string_equal(qc_num_format(b, sizeof(b), 0xa0000, QC_NUM_SIZE), "640K");
    assert_string_equal(qc_num_format(b, sizeof(b), 1u << 30, QC_NUM_SIZE), "1G");
    assert_string_equal(qc_num_format(b, sizeof(b), 3u << 20, QC_NUM_SIZE), "3M");
    assert_string_equal(qc_num_format(b, sizeof(b), 4096, QC_NUM_COUNT), "4096");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(roundtrip_x86),
        cmocka_unit_test(roundtrip_arm),
        cmocka_unit_test(roundtrip_small),
        cmocka_unit_test(roundtrip_last_wins),
        cmocka_unit_test(equality_sees_differences),
        cmocka_unit_test(canonical_text),
        cmocka_unit_test(number_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
