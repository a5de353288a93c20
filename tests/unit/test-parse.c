/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of the qvmconf parser: contexts, last-wins, accumulation,
 * vdev type spellings, blob types and each argument grammar. */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/model-test.h"

static void global_inside_context(void **state)
{
    struct mt a, b;
    mt_parse(&a, "cpu sched 8 ram 32m");
    mt_parse(&b, "cpu ram 32m sched 8");
    assert_int_equal(a.rc, 0);
    assert_int_equal(b.rc, 0);
    assert_int_equal(a.doc.cfg.ncpus, 1);
    assert_true(a.doc.cfg.cpus[0].sched.set);
    assert_int_equal(a.doc.cfg.cpus[0].sched.prio, 8);
    assert_int_equal(a.doc.cfg.nregions, 1);
    assert_int_equal(a.doc.cfg.regions[0].size, 32u << 20);
    assert_true(qc_config_equal(&a.doc.cfg, &b.doc.cfg));
    mt_dispose(&a);
    mt_dispose(&b);
}

static void last_wins_in_context(void **state)
{
    struct mt m;
    mt_parse(&m, "cpu sched 8 sched 6 cpu");
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.doc.cfg.ncpus, 2);
    assert_int_equal(m.doc.cfg.cpus[0].sched.prio, 6);
    assert_false(m.doc.cfg.cpus[1].sched.set);
    assert_int_equal(mt_count(&m, "option-overridden"), 1);
    assert_true(m.doc.d.items[0].has_note);
    mt_dispose(&m);
}

static void accumulating_options(void **state)
{
    struct mt m;
    mt_parse(&m, "vdev pl011 loc 0x1c090000 intr gic:37 hostdev <in hostdev >out\n"
                 "vdev hpet loc 0xf8008000 intr ioapic:2,ioapic:8 intr ioapic:10\n"
                 "vdev shmem allow a* allow b* create X,4K create Y,1M,0600\n"
                 "vdev virtio-input screen touch screen multi-touch\n"
                 "vdev ser8250 log error stderr log info,debug slog\n"
                 "vdev virtio-blk hostdev a.img hostdev b.img\n");
    assert_int_equal(m.doc.cfg.nvdevs, 6);
    assert_int_equal(m.doc.cfg.vdevs[0].nvalues, 2); /* two hostdevs */
    assert_int_equal(m.doc.cfg.vdevs[1].nintrs, 3);  /* hpet intr accumulates */
    assert_int_equal(m.doc.cfg.vdevs[2].nvalues, 4);
    assert_int_equal(m.doc.cfg.vdevs[2].values[3].nums[0], 1u << 20);
    assert_string_equal(m.doc.cfg.vdevs[2].values[3].str2, "0600");
    assert_int_equal(m.doc.cfg.vdevs[3].nvalues, 2);
    assert_int_equal(m.doc.cfg.vdevs[4].nvalues, 2);
    assert_int_equal(m.doc.cfg.vdevs[5].nvalues, 1); /* virtio-blk hostdev: last wins */
    assert_string_equal(m.doc.cfg.vdevs[5].values[0].str, "b.img");
    assert_int_equal(mt_count(&m, "option-overridden"), 1);
    mt_dispose(&m);
}

static void intr_last_wins_on_uart(void **state)
{
    struct mt m;
    mt_parse(&m, "vdev pl011 loc 0x1000 intr gic:1 intr gic:2");
    assert_int_equal(m.doc.cfg.vdevs[0].nintrs, 1);
    assert_int_equal(m.doc.cfg.vdevs[0].intrs[0].line, 2);
    assert_true(mt_has(&m, "option-overridden"));
    mt_dispose(&m);
}

static void vdev_spellings(void **state)
{
    const char *sp[] = {"vdev pl011", "vdev vdev-pl011", "vdev vdev-pl011.so",
                        "vdev vdev-pl011-safety.so"};
    struct mt ref;
    mt_parse(&ref, sp[0]);
    assert_int_equal(ref.doc.cfg.vdevs[0].type, QC_VDEV_PL011);
    for (size_t i = 1; i < 4; i++) {
        struct mt m;
        mt_parse(&m, sp[i]);
        assert_int_equal(m.rc, 0);
        assert_int_equal(m.doc.cfg.vdevs[0].type, QC_VDEV_PL011);
        assert_true(qc_config_equal(&ref.doc.cfg, &m.doc.cfg));
        mt_dispose(&m);
    }
    mt_dispose(&ref);
}

static void unknown_vdev_kept(void **state)
{
    struct mt m;
    mt_parse(&m, "vdev vdev-frobnicator.so speed 9 mode fast ram 1m vdev pl011");
    assert_int_equal(m.rc, 0);
    assert_true(mt_has(&m, "vdev-unknown-type"));
    assert_int_equal(m.doc.cfg.nvdevs, 2);
    assert_int_equal(m.doc.cfg.vdevs[0].type, -1);
    assert_string_equal(m.doc.cfg.vdevs[0].type_name, "frobnicator");
    assert_int_equal(m.doc.cfg.vdevs[0].nraw, 4);
    assert_string_equal(m.doc.cfg.vdevs[0].raw[3].text, "fast");
    assert_int_equal(m.doc.cfg.nregions, 1); /* global ram is still handled */
    mt_dispose(&m);
}

static void unknown_and_misplaced_words(void **state)
{
    struct mt m;
    mt_parse(&m, "frobnicate 3");
    assert_int_equal(m.rc, -1);
    assert_true(mt_has(&m, "option-unknown"));
    mt_dispose(&m);
    mt_parse(&m, "sched 8");
    assert_true(mt_has(&m, "option-context"));
    mt_dispose(&m);
    mt_parse(&m, "vdev pl011 mac aa:bb:cc:dd:ee:ff");
    assert_true(mt_has(&m, "option-context"));
    mt_dispose(&m);
    mt_parse(&m, "cpu runmask 1 vdev ser8250 runmask 2");
    assert_true(mt_has(&m, "option-context"));
    mt_dispose(&m);
}

static void blob_types(void **state)
{
    struct mt m;
    mt_parse(&m, "ram 0x80000000,128M fdt load ./x.dtb initrd load 0x88000000,rd.gz "
                 "load 0x80080000,Image data pass loc mem:0x10000000,0x1000,rw");
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.doc.cfg.nloads, 3);
    assert_int_equal(m.doc.cfg.loads[0].blob, QC_BLOB_FDT);
    assert_false(m.doc.cfg.loads[0].has_addr);
    assert_string_equal(m.doc.cfg.loads[0].path, "./x.dtb");
    assert_int_equal(m.doc.cfg.loads[1].blob, QC_BLOB_INITRD);
    assert_int_equal(m.doc.cfg.loads[1].addr, 0x88000000);
    assert_int_equal(m.doc.cfg.loads[2].blob, -1);
    assert_int_equal(m.doc.cfg.npasses, 1);
    assert_int_equal(m.doc.cfg.passes[0].blob, QC_BLOB_DATA);
    assert_int_equal(m.doc.cfg.arch, QC_ARCH_ARM); /* inferred from fdt */
    mt_dispose(&m);
    mt_parse(&m, "fdt ram 1m");
    assert_true(mt_has(&m, "blob-syntax"));
    mt_dispose(&m);
}

static void arg_missing_and_other_segment(void **state)
{
    struct mt m;
    mt_parse(&m, "ram");
    assert_int_equal(m.rc, -1);
    assert_true(mt_has(&m, "arg-missing"));
    assert_false(m.doc.d.items[0].has_note);
    mt_dispose(&m);
    const char *files[] = {"ram 1m system", "x"};
    mt_parse_files(&m, QC_ARCH_ANY, files, 2);
    assert_true(mt_has(&m, "arg-missing"));
    /* Reported at the option, with a note at the word from the next file. */
    assert_string_equal(m.doc.d.items[0].check, "arg-missing");
    assert_int_equal(m.doc.d.items[0].loc.col, 8);
    assert_true(m.doc.d.items[0].has_note);
    assert_string_equal(m.doc.d.items[0].note_loc.file, "t1.qvmconf");
    assert_true(mt_has(&m, "option-unknown")); /* "x" is read as an option */
    assert_false(m.doc.cfg.system.set);
    mt_dispose(&m);
}

static void memspec_and_numbers(void **state)
{
    struct mt m;
    mt_parse(&m, "ram 0,0xa0000 rom 0xc0000,0x40000 ram 1m,1023m ram 1000 rom 80000000,4K");
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.doc.cfg.nregions, 5);
    assert_int_equal(m.doc.cfg.regions[0].size, 0xa0000);
    assert_true(m.doc.cfg.regions[1].rom);
    assert_int_equal(m.doc.cfg.regions[2].start, 1u << 20);
    assert_false(m.doc.cfg.regions[3].has_start);
    assert_int_equal(m.doc.cfg.regions[3].size, 1000);        /* sizes are decimal */
    assert_int_equal(m.doc.cfg.regions[4].start, 0x80000000); /* addresses hex */
    mt_dispose(&m);
    mt_parse(&m, "ram 12q");
    assert_true(mt_has(&m, "number-invalid"));
    mt_dispose(&m);
}

static void locations(void **state)
{
    struct mt m;
    mt_parse(&m, "vdev ser8250 loc 0x3f8 intr ioapic:4\n"
                 "vdev virtio-net loc pci:0:1\n"
                 "vdev pci-dummy loc pci:0x8086/0x1234/2\n"
                 "pass loc mem:0x2000,r=0x1000 loc 0xfe204000,0x1000,rwn intr gic:44=150\n"
                 "pass loc pci:0:12.0=pci:0x8086/0x1234 intr gic:45,u\n"
                 "reserve loc io:0xcf8,8 intr 39\n");
    assert_int_equal(m.rc, 0);
    const struct qc_locspec *l = &m.doc.cfg.vdevs[0].locspec;
    assert_int_equal(l->guest.space, QC_SPACE_IO); /* ser8250 default space */
    assert_int_equal(l->guest.addr, 0x3f8);
    l = &m.doc.cfg.vdevs[1].locspec;
    assert_int_equal(l->guest.space, QC_SPACE_PCI_BDF);
    assert_int_equal(l->guest.dev, 1);
    assert_false(l->guest.has_func);
    l = &m.doc.cfg.vdevs[2].locspec;
    assert_int_equal(l->guest.space, QC_SPACE_PCI_ID);
    assert_int_equal(l->guest.vid, 0x8086);
    assert_int_equal(l->guest.idx, 2);
    const struct qc_pass *p = &m.doc.cfg.passes[0];
    assert_int_equal(p->nlocs, 2);
    assert_string_equal(p->locs[0].attrs, "r");
    assert_false(p->locs[0].has_len);
    assert_int_equal(p->locs[0].host.addr, 0x1000);
    assert_int_equal(p->locs[1].len, 0x1000);
    assert_string_equal(p->locs[1].attrs, "rwn");
    assert_int_equal(p->intrs[0].vector, 150);
    p = &m.doc.cfg.passes[1];
    assert_int_equal(p->locs[0].guest.dev, 12);
    assert_int_equal(p->locs[0].host.space, QC_SPACE_PCI_ID);
    assert_int_equal(p->intrs[0].attr, 'u');
    assert_int_equal(m.doc.cfg.reserves[0].locs[0].len, 8);
    assert_int_equal(m.doc.cfg.reserves[0].intrs[0].kind, QC_INTR_NUM);
    assert_int_equal(m.doc.cfg.reserves[0].intrs[0].line, 39);
    mt_dispose(&m);
    mt_parse(&m, "pass loc 0x1000,0x1000,rwq");
    assert_true(mt_has(&m, "loc-syntax"));
    mt_dispose(&m);
    mt_parse(&m, "vdev virtio-net loc pci:0:40");
    assert_true(mt_has(&m, "loc-syntax"));
    mt_dispose(&m);
}

static void interrupts(void **state)
{
    struct mt m;
    mt_parse(&m, "vdev ioapic loc 0xfec00000 intr apic name myioapic");
    assert_int_equal(m.doc.cfg.vdevs[0].intrs[0].kind, QC_INTR_APIC);
    assert_string_equal(m.doc.cfg.vdevs[0].name, "myioapic");
    mt_dispose(&m);
    mt_parse(&m, "vdev pl011 intr 37");
    assert_true(mt_has(&m, "intr-syntax"));
    mt_dispose(&m);
    mt_parse(&m, "pass intr gic:3,x");
    assert_true(mt_has(&m, "intr-syntax"));
    mt_dispose(&m);
}

static void cpu_options(void **state)
{
    struct mt m;
    mt_parse(&m, "cpu runmask 2,3 sched 10f partition p1 cpu cluster _cpu-1 sched 12\n"
                 "cpu sched 10,6,5,1000000,500000s cpu sched 10,6,5,1000000,500000 s");
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.doc.cfg.cpus[0].runmask, 0xc);
    assert_int_equal(m.doc.cfg.cpus[0].sched.policy, QC_SCHED_FIFO);
    assert_string_equal(m.doc.cfg.cpus[0].partition, "p1");
    assert_string_equal(m.doc.cfg.cpus[1].cluster, "_cpu-1");
    assert_int_equal(m.doc.cfg.cpus[1].sched.policy, QC_SCHED_RR);
    assert_int_equal(m.doc.cfg.cpus[2].sched.policy, QC_SCHED_SPORADIC);
    assert_int_equal(m.doc.cfg.cpus[2].sched.low_prio, 6);
    assert_int_equal(m.doc.cfg.cpus[2].sched.init_budget, 500000);
    assert_int_equal(m.doc.cfg.ncpus, 4);
    assert_true(qc_config_equal(&m.doc.cfg, &m.doc.cfg));
    assert_int_equal(m.doc.cfg.cpus[3].sched.repl_period, 1000000);
    mt_dispose(&m);
    mt_parse(&m, "cpu sched 10,6,5");
    assert_true(mt_has(&m, "sched-syntax"));
    mt_dispose(&m);
    mt_parse(&m, "cpu sched 8x");
    assert_int_equal(m.rc, -1);
    mt_dispose(&m);
    mt_parse(&m, "cpu runmask 64");
    assert_true(mt_has(&m, "runmask-range"));
    mt_dispose(&m);
}

static void set_variables(void **state)
{
    struct mt m;
    mt_parse(&m, "set grow-heap 4K set exit-on-halt off cpu set message-block-timeout 0x10\n"
                 "vdev pl011 set vdev-message-block-timeout 5 set my-var hello\n"
                 "set slog-buffer 0d16384");
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.doc.cfg.nsetvars, 6);
    assert_int_equal(m.doc.cfg.setvars[0].num, 4096);
    assert_int_equal(m.doc.cfg.setvars[1].num, 0);
    assert_int_equal(m.doc.cfg.setvars[2].ctx, QC_SET_GLOBAL); /* known global var */
    assert_int_equal(m.doc.cfg.setvars[2].num, 16);
    assert_int_equal(m.doc.cfg.setvars[3].ctx, QC_SET_VDEV);
    assert_int_equal(m.doc.cfg.setvars[4].var, -1);
    assert_int_equal(m.doc.cfg.setvars[4].ctx, QC_SET_VDEV);
    assert_int_equal(m.doc.cfg.setvars[5].num, 16384);
    mt_dispose(&m);
    mt_parse(&m, "set exit-on-halt maybe");
    assert_true(mt_has(&m, "set-value"));
    mt_dispose(&m);
    /* Last wins per variable and context: the later one takes the place at the end. */
    mt_parse(&m, "set a 1 set b 2 set a 3 vdev pl011 set a 7 set a 8");
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.doc.cfg.nsetvars, 3);
    assert_string_equal(m.doc.cfg.setvars[0].name, "b");
    assert_int_equal(m.doc.cfg.setvars[0].ctx, QC_SET_GLOBAL);
    assert_string_equal(m.doc.cfg.setvars[1].name, "a");
    assert_string_equal(m.doc.cfg.setvars[1].value, "3");
    assert_int_equal(m.doc.cfg.setvars[1].ctx, QC_SET_GLOBAL);
    assert_string_equal(m.doc.cfg.setvars[2].value, "8");
    assert_int_equal(m.doc.cfg.setvars[2].ctx, QC_SET_VDEV);
    assert_true(mt_has(&m, "option-overridden"));
    mt_dispose(&m);
}

static void global_options(void **state)
{
    struct mt m;
    mt_parse(&m, "system g1 logger error,fatal stderr logger info slog unsupported register "
                 "ignore unsupported register abort tolerance 50 dump \"|gzip >d.gz\" safety warn "
                 "dryrun debug cmdline \"a b\" debug gdb");
    assert_int_equal(m.rc, 0);
    assert_string_equal(m.doc.cfg.system.value, "g1");
    assert_int_equal(m.doc.cfg.nloggers, 2);
    assert_int_equal(m.doc.cfg.loggers[0].dest, QC_LOG_STDERR);
    assert_int_equal(m.doc.cfg.loggers[0].filters, 0x5); /* fatal, error */
    assert_int_equal(m.doc.cfg.nunsupported, 1);
    assert_int_equal(m.doc.cfg.unsupported[0].action, QC_UNSUP_ABORT);
    assert_int_equal(m.doc.cfg.tolerance.value, 50);
    assert_string_equal(m.doc.cfg.dump.value, "|gzip >d.gz");
    assert_string_equal(m.doc.cfg.safety.value, "warn");
    assert_true(m.doc.cfg.dryrun.set);
    assert_string_equal(m.doc.cfg.debug.value, "gdb"); /* second debug wins */
    assert_string_equal(m.doc.cfg.cmdline.value, "a b");
    mt_dispose(&m);
    mt_parse(&m, "safety maybe");
    assert_true(mt_has(&m, "arg-invalid"));
    mt_dispose(&m);
    mt_parse(&m, "logger error,loud stderr");
    assert_true(mt_has(&m, "log-filter"));
    mt_dispose(&m);
}

/* A vdev type that accepts vdev option @vo (-1 when none does). */
static int type_accepting(int vo)
{
    for (int t = 0; t < QC_VDEV_COUNT; t++)
        if (qc_vdev_accepts(t, (enum qc_vopt)vo))
            return t;
    return -1;
}

/* The grammar column alone decides whether an option needs a word after it,
 * for the rows of every table: one reader per grammar serves them all. */
static void grammar_decides_argument(void **state)
{
    static const char *const opener[] = {[QC_CTX_GLOBAL] = "",
                                         [QC_CTX_OPEN] = "",
                                         [QC_CTX_CPU] = "cpu ",
                                         [QC_CTX_PASS] = "pass ",
                                         [QC_CTX_RESERVE] = "reserve "};
    char text[128];
    struct mt m;
    for (int i = 0; i < QC_OPT_COUNT + QC_VOPT_COUNT; i++) {
        bool vdev = i >= QC_OPT_COUNT;
        const struct qc_opt_desc *od = vdev ? &qc_vopts[i - QC_OPT_COUNT] : &qc_opts[i];
        int type = vdev ? type_accepting(i - QC_OPT_COUNT) : -1;
        if (vdev && type < 0)
            continue;
        snprintf(text, sizeof(text), "%s%s%s%s", vdev ? "vdev " : opener[od->ctx],
                 vdev ? qc_vdevs[type].name : "", vdev ? " " : "", od->name);
        mt_parse(&m, text);
        bool optional = od->grammar == QC_G_NONE || od->grammar == QC_G_OPTWORD;
        if (mt_has(&m, "arg-missing") == optional)
            fail_msg("'%s': grammar %d, arg-missing %s", text, od->grammar,
                     optional ? "reported" : "not reported");
        mt_dispose(&m);
    }
}

/* NUM reads the whole word as one number; NUMS "n" a comma list of one field;
 * CPUS a list of any length, as a mask. */
static void number_grammars(void **state)
{
    struct mt m;
    mt_parse(&m, "tolerance 5,6");
    assert_true(mt_has(&m, "number-invalid"));
    assert_false(m.doc.cfg.tolerance.set);
    mt_dispose(&m);
    mt_parse(&m, "vdev ser8250 batch 5,6");
    assert_true(mt_has(&m, "arg-count"));
    mt_dispose(&m);
    mt_parse(&m, "cpu runmask 0,1,2,3,4,5,6,7,8,63");
    assert_int_equal(m.rc, 0);
    assert_true(m.doc.cfg.cpus[0].runmask == (UINT64_C(0x1ff) | UINT64_C(1) << 63));
    mt_dispose(&m);
    mt_parse(&m, "cpu runmask 64,x"); /* stops at the first refused field */
    assert_int_equal(mt_count(&m, "runmask-range"), 1);
    assert_false(mt_has(&m, "number-invalid"));
    mt_dispose(&m);
}

/* What an option does with a refused argument: ram/rom mark memory as
 * unreliable for the checks, vdev still opens its context. */
static void refused_arguments(void **state)
{
    struct mt m;
    mt_parse(&m, "ram 1m ram 12q rom");
    assert_int_equal(m.doc.cfg.nregions, 1);
    assert_int_equal(m.doc.cfg.bad_region_seq, 2);
    mt_dispose(&m);
    mt_parse(&m, "vdev");
    assert_int_equal(m.doc.cfg.nvdevs, 1);
    assert_int_equal(m.doc.cfg.vdevs[0].type, -1);
    mt_dispose(&m);
    mt_parse(&m, "load 0x1000,");
    assert_true(mt_has(&m, "arg-invalid"));
    assert_int_equal(m.doc.cfg.nloads, 0);
    mt_dispose(&m);
}

static void vdev_option_grammars(void **state)
{
    struct mt m;
    mt_parse(&m, "vdev gic version 3 gicr 0x2f100000 msi 0x30000000,0x50,0x100 its-prealloc 4\n"
                 "vdev virtio-console delayed forever legacy\n"
                 "vdev virtio-blk dio enable delayed 5\n"
                 "vdev mc146818 reg 0x0b,0x02");
    assert_int_equal(m.rc, 0);
    const struct qc_vdev *g = &m.doc.cfg.vdevs[0];
    assert_int_equal(g->values[1].nums[0], 0x2f100000);
    assert_int_equal(g->values[2].nnums, 3);
    assert_int_equal(g->values[2].nums[1], 0x50);
    assert_int_equal(g->values[2].nums[2], 0x100);
    assert_int_equal(g->values[3].nnums, 1);
    assert_string_equal(m.doc.cfg.vdevs[1].values[0].str, "forever");
    assert_int_equal(m.doc.cfg.vdevs[2].values[1].nums[0], 5);
    assert_int_equal(m.doc.cfg.vdevs[3].values[0].nums[1], 2);
    mt_dispose(&m);
    mt_parse(&m, "vdev gic msi 0x30000000,0x50");
    assert_true(mt_has(&m, "arg-count"));
    mt_dispose(&m);
    mt_parse(&m, "vdev virtio-blk dio maybe");
    assert_true(mt_has(&m, "arg-invalid"));
    mt_dispose(&m);
    /* Options of the 7.0, 7.1 and 8.0 references: hpet's 7.0 intrmap adds timers like intr;
     * virtio-blk threads and 8.0's dio read; pci-dummy's reg forms; the deprecated host-gic*. */
    mt_parse(&m, "vdev ioapic loc 0xf8000000 intr apic name io\n"
                 "vdev hpet intrmap io:2 intr io:8\n"
                 "vdev virtio-blk threads 4 dio read sched 10 hostdev /d\n"
                 "vdev pci-dummy clone pci:0:31.0 reg 0x40/4=0x1 reg vendor=0x8086\n"
                 "vdev gic host-gicd 0x2f000000 host-gich 0x2c010000/0/0x200");
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.doc.cfg.vdevs[1].nintrs, 2);
    assert_int_equal(m.doc.cfg.vdevs[1].intrs[0].line, 2);
    assert_int_equal(m.doc.cfg.vdevs[1].intrs[1].line, 8);
    assert_int_equal(m.doc.cfg.vdevs[2].values[0].nums[0], 4);
    assert_string_equal(m.doc.cfg.vdevs[2].values[1].str, "read");
    assert_int_equal(m.doc.cfg.vdevs[3].nvalues, 3); /* reg repeats */
    mt_dispose(&m);
    mt_parse(&m, "vdev pci-dummy reg 0x40");
    assert_true(mt_has(&m, "arg-invalid"));
    mt_dispose(&m);
    mt_parse(&m, "vdev mc146818 reg 0x0b");
    assert_true(mt_has(&m, "arg-count"));
    mt_dispose(&m);
}

static void arch_inference(void **state)
{
    struct mt m;
    mt_parse(&m, "ram 1m vdev ioapic loc 0xfec00000 intr apic");
    assert_int_equal(m.doc.cfg.arch, QC_ARCH_X86);
    assert_false(m.doc.cfg.arch_explicit);
    mt_dispose(&m);
    const char *t = "ram 1m";
    mt_parse_files(&m, QC_ARCH_ARM, &t, 1);
    assert_int_equal(m.doc.cfg.arch, QC_ARCH_ARM);
    assert_true(m.doc.cfg.arch_explicit);
    mt_dispose(&m);
}

static void bad_input_does_not_crash(void **state)
{
    const char *bad[] = {"vdev",
                         "vdev pl011 loc",
                         "pass loc =",
                         "pass loc pci:",
                         "pass loc ,,,,",
                         "reserve intr",
                         "vdev gic msi ,,,,,,,,,,,",
                         "cpu sched s",
                         "cpu sched ,,,,s",
                         "load ,",
                         "vdev pl011 intr :",
                         "vdev pl011 intr a:",
                         "pass intr =5",
                         "vdev shmem create ,",
                         "set",
                         "set x",
                         "vdev pl011 log error",
                         "pass loc pci:1/",
                         "unsupported x y",
                         "fdt",
                         "cpu runmask ,"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mt m;
        mt_check(&m, bad[i]);
        if (m.rc != -1)
            fprintf(stderr, "accepted: %s\n", bad[i]);
        assert_int_equal(m.rc, -1);
        mt_dispose(&m);
    }
}

/* The hashed schema lookups give what a scan of the tables in order gives,
 * for every name, every context, and near misses of every name. */
static int linear(int table, const char *w, size_t len, int ctx)
{
    for (int i = 0;; i++) {
        const char *n;
        if (table == 0) {
            if (i == QC_OPT_COUNT)
                return -1;
            if (ctx >= 0 && !(qc_opts[i].ctx == (enum qc_ctx)ctx ||
                              (ctx == QC_CTX_GLOBAL && qc_opts[i].ctx == QC_CTX_OPEN)))
                continue;
            n = qc_opts[i].name;
        } else if (table == 1) {
            if (i == QC_VOPT_COUNT)
                return -1;
            n = qc_vopts[i].name;
        } else if (table == 2) {
            if (i == QC_VDEV_COUNT)
                return -1;
            n = qc_vdevs[i].name;
        } else if (table == 3) {
            if (i == QC_SETVAR_COUNT)
                return -1;
            n = qc_setvars[i].name;
        } else {
            if (i == QC_BLOB_COUNT)
                return -1;
            n = qc_blobs[i].name;
        }
        if (strlen(n) == len && memcmp(n, w, len) == 0)
            return i;
    }
}

static void check_word(const char *w, size_t len)
{
    for (int ctx = QC_CTX_GLOBAL; ctx <= QC_CTX_RESERVE; ctx++)
        assert_int_equal(qc_opt_lookup(w, len, (enum qc_ctx)ctx), linear(0, w, len, ctx));
    assert_int_equal(qc_vopt_lookup(w, len), linear(1, w, len, -1));
    assert_int_equal(qc_vdev_lookup(w, len), linear(2, w, len, -1));
    assert_int_equal(qc_setvar_lookup(w, len), linear(3, w, len, -1));
    assert_int_equal(qc_blob_lookup(w, len), linear(4, w, len, -1));
    bool kw =
        linear(0, w, len, -1) >= 0 || linear(1, w, len, -1) >= 0 || linear(4, w, len, -1) >= 0;
    assert_int_equal(qc_is_keyword(w, len), kw);
}

static void schema_lookups(void **state)
{
    (void)state;
    const char
        *names[QC_OPT_COUNT + QC_VOPT_COUNT + QC_VDEV_COUNT + QC_SETVAR_COUNT + QC_BLOB_COUNT];
    size_t n = 0;
    for (int i = 0; i < QC_OPT_COUNT; i++)
        names[n++] = qc_opts[i].name;
    for (int i = 0; i < QC_VOPT_COUNT; i++)
        names[n++] = qc_vopts[i].name;
    for (int i = 0; i < QC_VDEV_COUNT; i++)
        names[n++] = qc_vdevs[i].name;
    for (int i = 0; i < QC_SETVAR_COUNT; i++)
        names[n++] = qc_setvars[i].name;
    for (int i = 0; i < QC_BLOB_COUNT; i++)
        names[n++] = qc_blobs[i].name;
    for (size_t i = 0; i < n; i++) {
        char w[300];
        size_t len = strlen(names[i]);
        assert_true(len + 2 < sizeof(w));
        check_word(names[i], len);
        check_word(names[i], len - 1); /* a prefix */
        memcpy(w, names[i], len);
        w[len] = 'x';
        check_word(w, len + 1);
        w[0] ^= 0x20; /* case matters */
        check_word(w, len);
    }
    check_word("", 0);
    char big[400];
    memset(big, 'a', sizeof(big));
    check_word(big, sizeof(big));
    assert_int_equal(qc_opt_lookup("loc", 3, QC_CTX_PASS), QC_OPT_PASS_LOC);
    assert_int_equal(qc_opt_lookup("loc", 3, QC_CTX_RESERVE), QC_OPT_RESERVE_LOC);
    assert_int_equal(qc_opt_lookup("loc", 3, QC_CTX_GLOBAL), -1);
}

/* Arrays grow geometrically; many items of each kind all arrive, in order. */
static void many_items(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    for (int i = 0; i < 3000; i++)
        fprintf(f, "ram 0x%llx,4k set v%d %d vdev pl011 loc 0x%x intr gic:%d\n",
                (unsigned long long)(i + 1) << 20, i, i, 0x40000000 + i * 0x1000, i);
    fclose(f);
    struct mt m;
    mt_parse(&m, text);
    assert_int_equal(m.rc, 0);
    assert_int_equal(m.doc.cfg.nregions, 3000);
    assert_int_equal(m.doc.cfg.nsetvars, 3000);
    assert_int_equal(m.doc.cfg.nvdevs, 3000);
    for (size_t i = 0; i < 3000; i++) {
        assert_int_equal(m.doc.cfg.regions[i].start, (uint64_t)(i + 1) << 20);
        assert_int_equal(m.doc.cfg.vdevs[i].intrs[0].line, i);
        char name[16];
        snprintf(name, sizeof(name), "v%zu", i);
        assert_string_equal(m.doc.cfg.setvars[i].name, name);
    }
    mt_dispose(&m);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(global_inside_context),
        cmocka_unit_test(last_wins_in_context),
        cmocka_unit_test(accumulating_options),
        cmocka_unit_test(intr_last_wins_on_uart),
        cmocka_unit_test(vdev_spellings),
        cmocka_unit_test(unknown_vdev_kept),
        cmocka_unit_test(unknown_and_misplaced_words),
        cmocka_unit_test(blob_types),
        cmocka_unit_test(arg_missing_and_other_segment),
        cmocka_unit_test(memspec_and_numbers),
        cmocka_unit_test(locations),
        cmocka_unit_test(interrupts),
        cmocka_unit_test(cpu_options),
        cmocka_unit_test(set_variables),
        cmocka_unit_test(global_options),
        cmocka_unit_test(grammar_decides_argument),
        cmocka_unit_test(number_grammars),
        cmocka_unit_test(refused_arguments),
        cmocka_unit_test(vdev_option_grammars),
        cmocka_unit_test(arch_inference),
        cmocka_unit_test(bad_input_does_not_crash),
        cmocka_unit_test(schema_lookups),
        cmocka_unit_test(many_items),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
