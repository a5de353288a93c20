/* Unit tests of the validator: each named check, positive and negative. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    for (size_t i = 0; i < m.d.count; i++)
        hint |= m.d.items[i].has_note && strstr(m.d.items[i].note, "pci:0:31.3") != NULL;
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
    for (size_t i = 0; i < m.d.count; i++)
        if (strcmp(m.d.items[i].check, check) == 0)
            snprintf(got + strlen(got), sizeof(got) - strlen(got), "%u>%u ", m.d.items[i].loc.line,
                     m.d.items[i].has_note ? m.d.items[i].note_loc.line : 0);
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
                 "pass loc 0x10000000,0x1000,rw\nram 0x20000000,0\n",
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

/* Is [s, s+n) shaped like a check name ("word-word...")? Messages have
 * blanks or '%', so only names pass. */
static bool name_shaped(const char *s, size_t n)
{
    bool dash = false;
    if (n < 3 || s[0] < 'a' || s[0] > 'z' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-')
            dash = true;
        else if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
            return false;
    }
    return dash;
}

/* Counts in *seen the check names in the arguments of the diagnostic calls
 * in `text`; returns the first one missing from qc_check_table (static
 * buffer), or NULL. */
static const char *unknown_name(const char *text, size_t *seen)
{
    static const char *const calls[] = {"qc_diag_add(", "qc_diag_vadd(", "qc_p_diag("};
    static char name[64];
    const char *bad = NULL;
    for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++)
        for (const char *p = text; (p = strstr(p, calls[c]));) {
            int depth = 0;
            p += strlen(calls[c]) - 1;
            do { /* to the matching ')', reading string literals whole */
                if (*p == '(') {
                    depth++;
                } else if (*p == ')') {
                    depth--;
                } else if (*p == '"') {
                    const char *e = p + 1;
                    while (*e && *e != '"')
                        e += *e == '\\' && e[1] ? 2 : 1;
                    size_t n = (size_t)(e - p - 1);
                    if (name_shaped(p + 1, n) && n < sizeof(name)) {
                        (*seen)++;
                        if (!bad) {
                            snprintf(name, sizeof(name), "%.*s", (int)n, p + 1);
                            if (!qc_check_find(name))
                                bad = name;
                        }
                    }
                    p = *e ? e : e - 1;
                }
                p++;
            } while (*p && depth > 0);
        }
    return bad;
}

/* Every check name the library can emit is in the one table: the literals
 * passed to the diagnostic functions anywhere in conf/. */
static void registry_complete(void **state)
{
    const char *top = getenv("top_srcdir");
    char dir[4096];
    size_t files = 0, names = 0, n = 0;
    (void)state;
    snprintf(dir, sizeof(dir), "%s/conf", top ? top : ".");
    DIR *dp = opendir(dir);
    if (!dp)
        fprintf(stderr, "cannot open %s (is top_srcdir set?)\n", dir);
    assert_non_null(dp);
    for (struct dirent *e; (e = readdir(dp));) {
        size_t l = strlen(e->d_name);
        if (l < 3 || strcmp(e->d_name + l - 2, ".c") != 0)
            continue;
        char path[8192], buf[4096], *text = NULL;
        size_t len = 0;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb"), *m = open_memstream(&text, &len);
        assert_non_null(f);
        assert_non_null(m);
        for (size_t k; (k = fread(buf, 1, sizeof(buf), f));)
            fwrite(buf, 1, k, m);
        fclose(f);
        fclose(m);
        const char *bad = unknown_name(text, &names);
        if (bad)
            fprintf(stderr, "conf/%s: check '%s' is not in qc_check_table\n", e->d_name, bad);
        assert_null(bad);
        free(text);
        files++;
    }
    closedir(dp);
    /* The scan itself works: a dozen sources, dozens of names... */
    assert_true(files >= 10);
    assert_true(names >= 40);
    /* ...and can fail. */
    assert_string_equal(unknown_name("qc_p_diag(p, QC_SEV_ERROR, f(x) ? \"arg-count\" : "
                                     "\"no-such-name\", w->loc, \"msg %s\", a)",
                                     &n),
                        "no-such-name");
    assert_int_equal(n, 2);
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
        cmocka_unit_test(registry_complete),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
