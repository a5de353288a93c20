/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of the reverse direction: xlcfg/read.c (through xlate/xlcfg-parse.c), xlate/reverse.c,
 * reverse.def and its keys against xlcfg/keys.def. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf/source.h"
#include "xlate/map-internal.h"
#include "xlate/reverse.h"
#include "tests/xlate/reverse-print.h"

/* libxlutil 4.17 leaks the string and list tokens being read when a syntax error hits
 * inside a list (its bison grammar has no %destructor): theirs, not ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:xlu__cfg_string_mk\nleak:xlu__cfgl_strdup\nleak:xlu__cfg_list_mk\n";
}

/* Reads @len bytes of @text as the xl.cfg "t.cfg"; the diagnostics, printed as the commands
 * print them (with the xl.cfg's lines and carets), are returned in *report_r (free it). */
static int parse_len(const char *text, size_t len, enum xlate_arch arch, libxl_domain_config *dc,
                     struct xlcfg_lossy_list *lossy, char **report_r)
{
    struct qc_sources src;
    struct qc_diags d;
    const char *name;
    size_t rlen = 0;
    FILE *rep = open_memstream(report_r, &rlen);
    int rc;

    assert_non_null(rep);
    qc_sources_init(&src);
    qc_diags_init(&d);
    libxl_domain_config_init(dc);
    xlcfg_lossy_init(lossy);
    name = qc_sources_add_text(&src, "t.cfg", text, len);
    assert_non_null(name);
    rc = xlate_xlcfg_read(name, text, len, arch, dc, lossy, &d, NULL);
    qc_diags_print(rep, &d, &src);
    fclose(rep);
    qc_diags_dispose(&d);
    qc_sources_dispose(&src);
    return rc;
}

static int parse(const char *text, enum xlate_arch arch, libxl_domain_config *dc,
                 struct xlcfg_lossy_list *lossy, char **report_r)
{
    return parse_len(text, strlen(text), arch, dc, lossy, report_r);
}

static bool has_key(const char *keys, const char *key)
{
    size_t n = strlen(key);

    for (const char *p = keys; (p = strstr(p, key)); p += n)
        if ((p == keys || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
            return true;
    return false;
}

/* Every reverse row inverts a row that exists in mapping.def (the ids are
 * mapping.def's enum, so a wrong id does not even compile; this checks the
 * range and that each row is used once). */
static void rules_name_mapping_rows(void **state)
{
    (void)state;
    assert_true(xlate_reverse_nrules > 0);
    for (size_t i = 0; i < xlate_reverse_nrules; i++) {
        int r = xlate_reverse_rules[i].rule;

        assert_true(r >= 0 && r < XLATE_RULE_COUNT);
        assert_non_null(xlate_rules[r].name);
        for (size_t j = 0; j < i; j++)
            assert_int_not_equal(xlate_reverse_rules[j].rule, r);
    }
}

/* Calls @fn for each space-separated key of @keys. */
static void each_key(const char *keys, void (*fn)(const char *key, const char *rule),
                     const char *rule)
{
    char key[64];

    for (const char *p = keys; *p;) {
        size_t n = strcspn(p, " ");

        assert_true(n > 0 && n < sizeof(key));
        snprintf(key, sizeof(key), "%.*s", (int)n, p);
        fn(key, rule);
        p += n + (p[n] == ' ');
    }
}

static void key_is_read(const char *key, const char *rule)
{
    const struct xlcfg_key *k = xlcfg_key_find(key);

    if (!k || !(k->dir & XLCFG_R))
        fail_msg("reverse rule %s reads %s, which xlcfg/keys.def does not read", rule, key);
}

/* The keys of reverse.def are keys of xlcfg's table that its reader reads. */
static void reverse_keys_are_table_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < xlate_reverse_nrules; i++)
        each_key(xlate_reverse_rules[i].xl_keys, key_is_read,
                 xlate_rules[xlate_reverse_rules[i].rule].name);
}

/* Every "exact" mapping row has a reverse rule. */
static void exact_rows_have_reverse(void **state)
{
    (void)state;
    for (int r = 0; r < XLATE_RULE_COUNT; r++) {
        bool found = false;

        if (strcmp(xlate_rules[r].fidelity, "exact"))
            continue;
        for (size_t i = 0; i < xlate_reverse_nrules && !found; i++)
            found = xlate_reverse_rules[i].rule == r;
        if (!found)
            fail_msg("exact mapping row %s has no reverse rule", xlate_rules[r].name);
    }
}

/* Every key the xl.cfg reader reads is read by a reverse rule, or is one whose
 * value has no qvm equivalent (reported lossy: rev_cpus, or the residual). */
static void table_keys_have_reverse(void **state)
{
    static const char *const no_qvm[] = {"uuid",    "cpus_soft", "cap",  "period", "slice",
                                         "latency", "extratime", "acpi", "apic",   NULL};

    (void)state;
    for (size_t i = 0; i < xlcfg_nkeys; i++) {
        const char *key = xlcfg_keys[i].key;
        bool found = false;

        if (!(xlcfg_keys[i].dir & XLCFG_R))
            continue;
        for (size_t j = 0; no_qvm[j] && !found; j++)
            found = !strcmp(no_qvm[j], key);
        for (size_t j = 0; j < xlate_reverse_nrules && !found; j++)
            found = has_key(xlate_reverse_rules[j].xl_keys, key);
        if (!found)
            fail_msg("the xl.cfg key %s is read but no reverse rule reads it", key);
    }
}

static void syntax_error_is_located(void **state)
{
    libxl_domain_config dc;
    struct xlcfg_lossy_list lossy;
    char *rep = NULL;

    (void)state;
    assert_int_equal(parse("name=\"a\"\nvcpus = = 2\n", XLATE_ARCH_X86_64, &dc, &lossy, &rep),
                     XLATE_ERR_INVAL);
    assert_non_null(strstr(rep, "t.cfg:2:"));
    assert_non_null(strstr(rep, "[xlcfg-syntax]"));
    free(rep);
    libxl_domain_config_dispose(&dc);
    xlcfg_lossy_dispose(&lossy);
}

static void bad_value_is_an_error(void **state)
{
    static const char *const bad[] = {
        "iomem=[\"zz\"]\n",       "cpus=\"1-x\"\n",        "type=\"hvmx\"\n",
        "memory=\"lots\"\n",      "vif=[\"mac=1:2\"]\n",   "irqs=[\"q\"]\n",
        "on_crash=\"explode\"\n", "ioports=[\"10000\"]\n", "gic_version=\"v9\"\n",
        "channel=[\"name=x\"]\n",
    };

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        libxl_domain_config dc;
        struct xlcfg_lossy_list lossy;
        char *rep = NULL;

        assert_int_equal(parse(bad[i], XLATE_ARCH_X86_64, &dc, &lossy, &rep), XLATE_ERR_INVAL);
        assert_non_null(strstr(rep, "t.cfg:1:")); /* file:line of the key */
        free(rep);
        libxl_domain_config_dispose(&dc);
        xlcfg_lossy_dispose(&lossy);
    }
}

static void unknown_key_warns(void **state)
{
    libxl_domain_config dc;
    struct xlcfg_lossy_list lossy;
    char *rep = NULL;

    (void)state;
    assert_int_equal(
        parse("memory=64\nsched_bogus=1\nvcpus=1\n", XLATE_ARCH_X86_64, &dc, &lossy, &rep), 0);
    assert_true(xlcfg_lossy_has(&lossy, "sched_bogus"));
    assert_non_null(strstr(rep, "t.cfg:2:1: warning: sched_bogus"));
    /* One channel with qvmconf's: the check name, then the line and a caret. */
    assert_non_null(strstr(rep, "[xlcfg-unknown-key]\nsched_bogus=1\n^\n"));
    free(rep);
    libxl_domain_config_dispose(&dc);
    xlcfg_lossy_dispose(&lossy);
}

static void cpus_per_vcpu_and_string(void **state)
{
    libxl_domain_config dc;
    struct xlcfg_lossy_list lossy;
    char *rep = NULL;

    (void)state;
    assert_int_equal(parse("vcpus=2\ncpus=[\"1\",\"2-3\"]\n", XLATE_ARCH_X86_64, &dc, &lossy, &rep),
                     0);
    assert_int_equal(dc.b_info.num_vcpu_hard_affinity, 2);
    assert_int_equal(libxl_bitmap_count_set(&dc.b_info.vcpu_hard_affinity[0]), 1);
    assert_true(libxl_bitmap_test(&dc.b_info.vcpu_hard_affinity[1], 3));
    free(rep);
    libxl_domain_config_dispose(&dc);
    xlcfg_lossy_dispose(&lossy);

    assert_int_equal(parse("vcpus=3\ncpus=\"0-3,^2\"\n", XLATE_ARCH_X86_64, &dc, &lossy, &rep), 0);
    assert_int_equal(dc.b_info.num_vcpu_hard_affinity, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(libxl_bitmap_count_set(&dc.b_info.vcpu_hard_affinity[i]), 3);
        assert_false(libxl_bitmap_test(&dc.b_info.vcpu_hard_affinity[i], 2));
    }
    free(rep);
    libxl_domain_config_dispose(&dc);
    xlcfg_lossy_dispose(&lossy);
}

/* Reverse @text for @arch; the qvmconf output is returned in *out_r. */
static int reverse(const char *text, enum xlate_arch arch, struct xlate_reverse *r, char **out_r)
{
    libxl_domain_config dc;
    struct xlcfg_lossy_list lossy;
    struct xlate_reverse_opts o = {.name = "t", .arch = arch};
    char *rep = NULL;
    size_t len = 0;
    FILE *out;
    int rc;

    assert_int_equal(parse(text, arch, &dc, &lossy, &rep), 0);
    free(rep);
    o.carry = &lossy;
    xlate_reverse_init(r);
    rc = rp_reverse(&dc, &o, r, NULL);
    out = open_memstream(out_r, &len);
    assert_non_null(out);
    if (!rc)
        xlate_reverse_write(out, r);
    fclose(out);
    libxl_domain_config_dispose(&dc);
    xlcfg_lossy_dispose(&lossy);
    return rc;
}

static const struct qc_vdev *find_vdev(const struct qc_config *c, int type)
{
    for (size_t i = 0; i < c->nvdevs; i++)
        if (c->vdevs[i].type == type)
            return &c->vdevs[i];
    return NULL;
}

static void arm_defaults_are_spelled_out(void **state)
{
    struct xlate_reverse r;
    char *out = NULL;

    (void)state;
    assert_int_equal(reverse("name=\"a\"\nmemory=256\nvcpus=2\ncpus=[\"1\",\"all\"]\n"
                             "vuart=\"sbsa_uart\"\ngic_version=\"v3\"\nirqs=[44]\n",
                             XLATE_ARCH_AARCH64, &r, &out),
                     0);
    assert_int_equal(r.doc.cfg.nregions, 1);
    assert_int_equal(r.doc.cfg.regions[0].start, 0x40000000);
    assert_int_equal(r.doc.cfg.regions[0].size, 256 << 20);
    assert_int_equal(r.doc.cfg.ncpus, 2);
    assert_true(r.doc.cfg.cpus[0].has_runmask);
    assert_int_equal(r.doc.cfg.cpus[0].runmask, 1u << 1);
    assert_false(r.doc.cfg.cpus[1].has_runmask);
    assert_non_null(find_vdev(&r.doc.cfg, QC_VDEV_GIC));
    assert_non_null(find_vdev(&r.doc.cfg, QC_VDEV_PL011));
    assert_int_equal(find_vdev(&r.doc.cfg, QC_VDEV_PL011)->locspec.guest.addr, 0x22000000);
    assert_int_equal(r.doc.cfg.npasses, 1);
    assert_int_equal(r.doc.cfg.passes[0].intrs[0].line, 44);
    assert_int_equal(r.lossy.n, 1); /* on_reboot: xl's default restart */
    assert_true(xlcfg_lossy_has(&r.lossy, "on_reboot"));
    free(out);
    xlate_reverse_dispose(&r);
}

static void hvm_platform_is_spelled_out(void **state)
{
    struct xlate_reverse r;
    char *out = NULL;

    (void)state;
    assert_int_equal(reverse("name=\"h\"\ntype=\"hvm\"\nmemory=1024\nserial=[\"pty\"]\nhpet=1\n"
                             "on_reboot=\"destroy\"\nvga=\"none\"\nvnc=0\n",
                             XLATE_ARCH_X86_64, &r, &out),
                     0);
    assert_non_null(find_vdev(&r.doc.cfg, QC_VDEV_IOAPIC));
    assert_non_null(find_vdev(&r.doc.cfg, QC_VDEV_I8259));
    assert_non_null(find_vdev(&r.doc.cfg, QC_VDEV_HPET));
    assert_non_null(find_vdev(&r.doc.cfg, QC_VDEV_SER8250));
    assert_int_equal(r.doc.cfg.nregions, 2); /* 640K low, the rest from 1M */
    assert_int_equal(r.doc.cfg.regions[1].start, 0x100000);
    assert_int_equal(r.lossy.n, 0);
    free(out);
    xlate_reverse_dispose(&r);

    /* libxl's default display (an adapter, VNC on): qvm has none, both are lossy. */
    assert_int_equal(reverse("name=\"h\"\ntype=\"hvm\"\nmemory=1024\non_reboot=\"destroy\"\n"
                             "vga=\"stdvga\"\n",
                             XLATE_ARCH_X86_64, &r, &out),
                     0);
    assert_int_equal(r.lossy.n, 2);
    assert_true(xlcfg_lossy_has(&r.lossy, "vga"));
    assert_true(xlcfg_lossy_has(&r.lossy, "vnc"));
    free(out);
    xlate_reverse_dispose(&r);
}

static void lossy_keys_are_comments(void **state)
{
    struct xlate_reverse r;
    char *out = NULL;

    (void)state;
    assert_int_equal(reverse("type=\"pvh\"\nmemory=128\nmaxmem=256\ncap=50\ncpus_soft=\"1\"\n"
                             "vcpus=1\nfoo=\"x\"\non_reboot=\"destroy\"\n",
                             XLATE_ARCH_X86_64, &r, &out),
                     0);
    assert_true(xlcfg_lossy_has(&r.lossy, "maxmem"));
    assert_true(xlcfg_lossy_has(&r.lossy, "cap"));
    assert_true(xlcfg_lossy_has(&r.lossy, "cpus_soft"));
    assert_true(xlcfg_lossy_has(&r.lossy, "foo"));
    assert_non_null(strstr(out, "\n#   maxmem: "));
    assert_non_null(strstr(out, "#   foo: "));
    free(out);
    xlate_reverse_dispose(&r);
}

/* Unhandled libxl fields are reported by their path, not dropped. */
static void residual_fields_are_reported(void **state)
{
    libxl_domain_config dc;
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.name = "t", .arch = XLATE_ARCH_X86_64};

    (void)state;
    libxl_domain_config_init(&dc);
    xlate_config_init_type(&dc, LIBXL_DOMAIN_TYPE_PVH);
    dc.b_info.tsc_mode = LIBXL_TSC_MODE_NATIVE;
    dc.c_info.ssidref = 5;
    xlate_reverse_init(&r);
    assert_int_equal(rp_reverse(&dc, &o, &r, NULL), 0);
    assert_true(xlcfg_lossy_has(&r.lossy, "b_info.tsc_mode"));
    assert_true(xlcfg_lossy_has(&r.lossy, "c_info.ssidref"));
    xlate_reverse_dispose(&r);
    libxl_domain_config_dispose(&dc);
}

/* Bad input must never crash or read out of bounds (run under ASan too). */
static void garbage_never_crashes(void **state)
{
    static const char *const seeds[] = {
        "cpus=[\"\"]\n",
        "cpus=\"^\"\n",
        "iomem=[\"1,2@\"]\n",
        "iomem=[\",\"]\n",
        "disk=[\"\"]\n",
        "vif=[\",,,\"]\n",
        "vif=[\"=\"]\n",
        "pci=[\"zz\"]\n",
        "channel=[\"connection=socket\"]\n",
        "vcpus=0\n",
        "maxvcpus=1\nvcpus=4\n",
        "irqs=[]\n",
        "serial=[[\"a\"]]\n",
        "a=[\n",
        "\"\n",
        "memory=99999999999999999999\n",
        "cpus=\"64\"\n",
        "cpus=\"0-999999999999\"\n",
        "ioports=[\"5-1\"]\n",
        "root=\"/dev/x\"\nextra=\"y\"\n",
        "type=\"hvm\"\npci=[\"0:3\"]\n",
        "channel=[\"name=a,connection=pty,connection=pty\"]\n",
        "cmdline=\"\\a$env{X}\"\n",
        "kernel=\"1,x\"\nmemory=17592186044415\n",
        "iomem=[\"fffffffffffff,1@1\"]\n",
    };
    unsigned seed = 1;

    (void)state;
    for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
        for (int round = 0; round < 20; round++) {
            char buf[128];
            libxl_domain_config dc;
            struct xlcfg_lossy_list lossy;
            char *rep = NULL;

            snprintf(buf, sizeof(buf), "%s", seeds[i]);
            if (round) { /* flip a few bytes */
                seed = seed * 1103515245 + 12345;
                buf[(seed >> 8) % strlen(buf)] = (char)(seed >> 16);
            }
            if (parse(buf, XLATE_ARCH_X86_64, &dc, &lossy, &rep) == 0) {
                struct xlate_reverse r;
                struct xlate_reverse_opts o = {.name = "t", .arch = XLATE_ARCH_X86_64};

                xlate_reverse_init(&r);
                (void)rp_reverse(&dc, &o, &r, NULL);
                xlate_reverse_dispose(&r);
            }
            free(rep);
            libxl_domain_config_dispose(&dc);
            xlcfg_lossy_dispose(&lossy);
        }
    }
}

/* What qvmconf cannot carry with its meaning is refused at the key's line (exit 65 in
 * convert), for the architecture it is read for. */
static void refusals_are_located(void **state)
{
    static const struct {
        bool arm;
        const char *text, *want;
    } cases[] = {
        {false, "name=\"a\"\nkernel=\"10,x\"\n", "t.cfg:2:1: error: kernel: "},
        {false, "ramdisk=\"\"\n", "t.cfg:1:1: error: ramdisk: an empty path"},
        {false, "vcpus=2\ncpus=[\"1\", \"^0\"]\n", "t.cfg:2:1: error: cpus: vCPU 1: no pCPU"},
        {false, "memory=0\n", "t.cfg:1:1: error: memory: 0: not a size"},
        {false, "memory=64\nmaxmem=\"-1\"\n", "t.cfg:2:1: error: maxmem: -1: not a size"},
        {false, "memory=17592186044415\n", "t.cfg:1:1: error: memory: 17592186044415 MiB: RAM"},
        {true, "memory=1100000\n", "t.cfg:1:1: error: memory: 1100000 MiB: more than"},
        {true, "irqs=[31]\n", "t.cfg:1:1: error: irqs: 31: not an SPI"},
        {true, "irqs=[32]\n", "t.cfg:1:1: error: irqs: 32: SPI 32 is the vuart's"},
        {true, "pci=[\"0:3.0\"]\n", "t.cfg:1:1: error: pci: 0: Xen 4.17 has no PCI"},
        {false, "type=\"hvm\"\npci=[\"name=gpu\"]\n", "t.cfg:2:1: error: pci: 0: name=gpu"},
        {false, "type=\"hvm\"\npci=[\"0:3.0,seize=1,seize=0\"]\n",
         "t.cfg:2:1: error: pci: entry 0: "
         "seize= given twice"},
        {false, "type=\"hvm\"\npci=[\"bdf=0:3\"]\n", "t.cfg:2:1: error: pci: entry 0: not a PCI"},
        {false, "channel=[\"name=a,name=b,connection=pty\"]\n",
         "t.cfg:1:1: error: channel: entry 0: "
         "name= given twice"},
        {false, "x=1\nroot=\"/dev/\\bx\"\n",
         "t.cfg:2:1: error: root: the command line: control "
         "character 0x08"},
        {false, "pool=\"p\\fq\"\n",
         "t.cfg:1:1: error: pool: the pool name: control character 0x0c"},
        {false, "type=\"hvm\"\nserial=[\"file:\\\"x\"]\n", "t.cfg:2:1: error: serial: "},
        {false, "type=\"hvm\"\nhpet=99999999999999999999\n", "t.cfg:2:1: error: hpet: "},
        {false, "iomem=[\"1,0\"]\n", "t.cfg:1:1: error: iomem: 0: \"1,0\": no pages"},
        {false, "iomem=[\"1,2@fffffffffffff\"]\n",
         "t.cfg:1:1: error: iomem: 0: \"1,2@fffffffffffff\""},
        {false, "disk=[\"vdev=xvda,target=>x\"]\n", "t.cfg:1:1: error: disk: 0: target=>x"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        libxl_domain_config dc;
        struct xlcfg_lossy_list lossy;
        char *rep = NULL;

        assert_int_equal(parse(cases[i].text, cases[i].arm ? XLATE_ARCH_AARCH64 : XLATE_ARCH_X86_64,
                               &dc, &lossy, &rep),
                         XLATE_ERR_INVAL);
        if (!strstr(rep, cases[i].want))
            fail_msg("%s: want \"%s\" in:\n%s", cases[i].text, cases[i].want, rep);
        free(rep);
        libxl_domain_config_dispose(&dc);
        xlcfg_lossy_dispose(&lossy);
    }
}

/* libxlutil asserts on a NUL byte in a string: refused first, at its line and column. */
static void nul_byte_is_located(void **state)
{
    static const char text[] = "name=\"a\"\nkernel=\"/x\0y\"\n";
    libxl_domain_config dc;
    struct xlcfg_lossy_list lossy;
    char *rep = NULL;

    (void)state;
    assert_int_equal(parse_len(text, sizeof(text) - 1, XLATE_ARCH_X86_64, &dc, &lossy, &rep),
                     XLATE_ERR_INVAL);
    assert_non_null(strstr(rep, "t.cfg:2:11: error: a NUL byte"));
    assert_non_null(strstr(rep, "[xlcfg-nul]\nkernel=\"/x?y\"\n          ^\n"));
    free(rep);
    libxl_domain_config_dispose(&dc);
    xlcfg_lossy_dispose(&lossy);
}

/* Words qvm would otherwise read differently come back as the same strings. */
static void literal_words_read_back(void **state)
{
    struct xlate_reverse r;
    char *out = NULL;

    (void)state;
    assert_int_equal(reverse("name=\"a\"\nkernel=\"/k,1\"\ncmdline=\"x$env{HOME}\\ty $z\"\n",
                             XLATE_ARCH_X86_64, &r, &out),
                     0);
    assert_non_null(strstr(out, "cmdline \"x$\"\"env{HOME}\ty $z\"\n"));
    assert_true(r.doc.cfg.cmdline.set);
    assert_string_equal(r.doc.cfg.cmdline.value, "x$env{HOME}\ty $z");
    assert_int_equal(r.doc.cfg.nloads, 1);
    assert_false(r.doc.cfg.loads[0].has_addr);
    assert_string_equal(r.doc.cfg.loads[0].path, "/k,1");
    free(out);
    xlate_reverse_dispose(&r);
}

/* Without the parser (export): the refusal is the reverse direction's own error. */
static void export_refuses_too(void **state)
{
    libxl_domain_config dc;
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.name = "t", .arch = XLATE_ARCH_X86_64};
    char *rep = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&rep, &len);

    (void)state;
    assert_non_null(f);
    libxl_domain_config_init(&dc);
    xlate_config_init_type(&dc, LIBXL_DOMAIN_TYPE_PVH);
    assert_int_equal(xlate_set_string(&dc.c_info.name, "g"), 0);
    assert_int_equal(xlate_set_string(&dc.b_info.kernel, "0x1000,k"), 0);
    dc.b_info.target_memkb = dc.b_info.max_memkb = UINT64_MAX / 1024;
    xlate_reverse_init(&r);
    assert_int_equal(rp_reverse(&dc, &o, &r, f), XLATE_ERR_INVAL);
    fclose(f);
    assert_true(xlcfg_lossy_has(&r.refused, "kernel"));
    assert_true(xlcfg_lossy_has(&r.refused, "memory"));
    assert_non_null(strstr(rep, "t: error: kernel: "));
    free(rep);
    xlate_reverse_dispose(&r);
    libxl_domain_config_dispose(&dc);
}

/* One channel: with the keys' places, the reverse direction's warnings are located in the
 * xl.cfg and carry check names, as the reader's do. */
static void lossy_is_located_with_keys(void **state)
{
    static const char text[] = "name=\"a\"\nmemory=64\nmaxmem=128\nfoo=1\n";
    libxl_domain_config dc;
    struct xlcfg_lossy_list lossy;
    struct xlcfg_keymap keys;
    struct qc_diags d;
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.arch = XLATE_ARCH_X86_64};
    bool maxmem = false, foo = false;
    char *rep = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&rep, &len);

    (void)state;
    assert_non_null(f);
    libxl_domain_config_init(&dc);
    xlcfg_lossy_init(&lossy);
    xlcfg_keymap_init(&keys);
    qc_diags_init(&d);
    xlate_reverse_init(&r);
    /* The xl.cfg in the reverse's sources: one print shows every caret. */
    o.name = qc_sources_add_text(&r.doc.src, "t.cfg", text, sizeof(text) - 1);
    assert_non_null(o.name);
    assert_int_equal(
        xlate_xlcfg_read(o.name, text, sizeof(text) - 1, XLATE_ARCH_X86_64, &dc, &lossy, &d, &keys),
        0);
    o.carry = &lossy;
    o.where = &keys;
    assert_int_equal(xlate_reverse_diags(&dc, &o, &r, &d), 0);
    for (size_t i = 0; i < d.count; i++) {
        const struct qc_diag *g = &d.items[i];

        if (strstr(g->msg, "maxmem: ") == g->msg) {
            maxmem = g->loc.line == 3 && g->loc.col == 1 && g->sev == QC_SEV_WARNING;
        } else if (strstr(g->msg, "foo: ") == g->msg) {
            foo = g->loc.line == 4 && g->sev == QC_SEV_WARNING;
        }
    }
    assert_true(maxmem);
    assert_true(foo);
    qc_diags_print(f, &d, &r.doc.src);
    fclose(f);
    assert_non_null(strstr(rep, "t.cfg:3:1: warning: maxmem: "));
    assert_non_null(strstr(rep, "[xlcfg-lossy]\nmaxmem=128\n^\n"));
    free(rep);
    qc_diags_dispose(&d);
    xlcfg_keymap_dispose(&keys);
    xlcfg_lossy_dispose(&lossy);
    libxl_domain_config_dispose(&dc);
    xlate_reverse_dispose(&r); /* last: the diagnostics point at the name it owns */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rules_name_mapping_rows),
        cmocka_unit_test(reverse_keys_are_table_keys),
        cmocka_unit_test(exact_rows_have_reverse),
        cmocka_unit_test(table_keys_have_reverse),
        cmocka_unit_test(syntax_error_is_located),
        cmocka_unit_test(bad_value_is_an_error),
        cmocka_unit_test(unknown_key_warns),
        cmocka_unit_test(cpus_per_vcpu_and_string),
        cmocka_unit_test(arm_defaults_are_spelled_out),
        cmocka_unit_test(hvm_platform_is_spelled_out),
        cmocka_unit_test(lossy_keys_are_comments),
        cmocka_unit_test(residual_fields_are_reported),
        cmocka_unit_test(garbage_never_crashes),
        cmocka_unit_test(refusals_are_located),
        cmocka_unit_test(nul_byte_is_located),
        cmocka_unit_test(literal_words_read_back),
        cmocka_unit_test(export_refuses_too),
        cmocka_unit_test(lossy_is_located_with_keys),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
