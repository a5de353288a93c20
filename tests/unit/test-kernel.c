/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of the guest kernel checks (toolstack/kernel.c, and the translation's refusal
 * of formats the target cannot start), on small temp files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf/doc.h"
#include "toolstack/kernel.h"
#include "xlate/xlate.h"

static const unsigned char elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
static const unsigned char gz[] = {0x1f, 0x8b, 8, 0};
static const unsigned char text[] = "not a kernel";

/* A temp file holding @len bytes of @buf (len 0: empty); @bz adds "HdrS" at 0x202. */
static char *temp_kernel(const unsigned char *buf, size_t len, int bz)
{
    char *path = strdup("qx-kernel-XXXXXX") /* in the build dir */;
    unsigned char big[0x400] = {0};
    int fd;

    assert_non_null(path);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    memcpy(big, buf, len);
    if (bz) {
        memcpy(big + 0x202, "HdrS", 4);
        len = sizeof(big);
    }
    assert_int_equal(write(fd, big, len), (ssize_t)len);
    close(fd);
    return path;
}

/* Translates "load PATH" for @arch and runs the check; returns -1 when either failed
 * and the check name of the first error (or "") in @check_r. */
static int check_kernel(enum xlate_arch arch, const char *path, bool must_read, char check_r[64])
{
    struct qc_doc doc;
    struct qc_diags *d = &doc.d;
    struct xlate_plan plan;
    struct xlate_target t;
    char conf[256];
    int rc;

    qc_doc_init(&doc, NULL);
    xlate_plan_init(&plan);
    snprintf(conf, sizeof(conf), "system k ram %s,64m load %s",
             arch == XLATE_ARCH_AARCH64 ? "0x40000000" : "1m", path);
    assert_int_equal(qc_doc_read_buffer(&doc, "k.qvmconf", conf, strlen(conf)), 0);
    assert_int_equal(qc_doc_parse(&doc), 0);
    xlate_target_default(&t, arch);
    /* As qx_load_translate: the format read decides in the translation. */
    qx_kernel_probe(&doc.cfg, &plan.kernel_image);
    rc = xlate_translate(&doc.cfg, &t, &plan, d);
    rc |= qx_kernel_check(&doc.cfg, &plan, &t, must_read, d);
    check_r[0] = 0;
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].sev == QC_SEV_ERROR) {
            snprintf(check_r, 64, "%s", d->items[i].check);
            /* Located at the load item (line 1, after "system k ram ... "). */
            assert_int_equal(d->items[i].loc.line, 1);
            assert_true(d->items[i].loc.col > 1);
            assert_non_null(strstr(d->items[i].msg, path));
            break;
        }
    assert_int_equal(rc != 0, d->errors != 0);
    xlate_plan_dispose(&plan);
    qc_doc_dispose(&doc);
    return rc;
}

static void test_format(void **state)
{
    unsigned char bz[0x206] = {0};

    (void)state;
    memcpy(bz + 0x202, "HdrS", 4);
    assert_int_equal(qx_kernel_format(elf, sizeof(elf)), QX_KERNEL_ELF);
    assert_int_equal(qx_kernel_format(elf, 3), QX_KERNEL_OTHER);
    assert_int_equal(qx_kernel_format(gz, sizeof(gz)), QX_KERNEL_GZIP);
    assert_int_equal(qx_kernel_format(bz, sizeof(bz)), QX_KERNEL_BZIMAGE);
    assert_int_equal(qx_kernel_format(bz, sizeof(bz) - 1), QX_KERNEL_OTHER);
    assert_int_equal(qx_kernel_format(text, sizeof(text)), QX_KERNEL_OTHER);
    assert_int_equal(qx_kernel_format(NULL, 0), QX_KERNEL_OTHER);
}

/* The architecture an image names, for a file whose items name none. */
static void test_image_arch(void **state)
{
    unsigned char e[20] = {0x7f, 'E', 'L', 'F', 2, 1}, img[0x40] = {0}, bz[0x206] = {0};

    (void)state;
    e[18] = 62; /* EM_X86_64 */
    assert_int_equal(qx_kernel_arch(e, sizeof(e)), QC_ARCH_X86);
    e[18] = 183; /* EM_AARCH64 */
    assert_int_equal(qx_kernel_arch(e, sizeof(e)), QC_ARCH_ARM);
    e[18] = 40; /* EM_ARM: neither target */
    assert_int_equal(qx_kernel_arch(e, sizeof(e)), QC_ARCH_ANY);
    e[18] = 183, e[5] = 2; /* big-endian: not read */
    assert_int_equal(qx_kernel_arch(e, sizeof(e)), QC_ARCH_ANY);
    memcpy(img + 0x38, "ARM\x64", 4);
    assert_int_equal(qx_kernel_arch(img, sizeof(img)), QC_ARCH_ARM);
    assert_int_equal(qx_kernel_arch(img, 0x3b), QC_ARCH_ANY);
    memcpy(bz + 0x202, "HdrS", 4);
    assert_int_equal(qx_kernel_arch(bz, sizeof(bz)), QC_ARCH_X86);
    assert_int_equal(qx_kernel_arch(text, sizeof(text)), QC_ARCH_ANY);
}

static void test_arm_refuses_elf(void **state)
{
    char *e = temp_kernel(elf, sizeof(elf), 0), *img = temp_kernel(text, sizeof(text), 0);
    char check[64];

    (void)state;
    assert_int_equal(check_kernel(XLATE_ARCH_AARCH64, e, true, check), -1);
    assert_string_equal(check, "xlate-kernel-format");
    /* Offline (convert, create -n) an existing file is checked too. */
    assert_int_equal(check_kernel(XLATE_ARCH_AARCH64, e, false, check), -1);
    assert_string_equal(check, "xlate-kernel-format");
    assert_int_equal(check_kernel(XLATE_ARCH_AARCH64, img, true, check), 0);
    assert_string_equal(check, "");
    unlink(e);
    unlink(img);
    free(e);
    free(img);
}

static void test_pvh_needs_elf(void **state)
{
    char *e = temp_kernel(elf, sizeof(elf), 0), *raw = temp_kernel(text, sizeof(text), 0);
    char *bz = temp_kernel(text, sizeof(text), 1), *z = temp_kernel(gz, sizeof(gz), 0);
    char *empty = temp_kernel(text, 0, 0);
    char check[64];

    (void)state;
    assert_int_equal(check_kernel(XLATE_ARCH_X86_64, e, true, check), 0);
    assert_int_equal(check_kernel(XLATE_ARCH_X86_64, bz, true, check), 0);
    assert_int_equal(check_kernel(XLATE_ARCH_X86_64, z, true, check), 0);
    /* A raw binary is wrapped behind a Multiboot 1 header (HVM), at 0x200000. */
    assert_int_equal(check_kernel(XLATE_ARCH_X86_64, raw, true, check), 0);
    assert_int_equal(check_kernel(XLATE_ARCH_X86_64, empty, true, check), -1);
    assert_string_equal(check, "xlate-kernel-format");
    for (char **p = (char *[]){e, raw, bz, z, empty, NULL}; *p; p++) {
        unlink(*p);
        free(*p);
    }
}

static void test_unreadable(void **state)
{
    char *gone = temp_kernel(elf, sizeof(elf), 0);
    char check[64];

    (void)state;
    unlink(gone);
    assert_int_equal(check_kernel(XLATE_ARCH_AARCH64, gone, true, check), -1);
    assert_string_equal(check, "load-unreadable");
    assert_int_equal(check_kernel(XLATE_ARCH_X86_64, gone, true, check), -1);
    assert_string_equal(check, "load-unreadable");
    /* convert and create -n do without the file. */
    assert_int_equal(check_kernel(XLATE_ARCH_X86_64, gone, false, check), 0);
    /* A directory opens but does not read. */
    assert_int_equal(check_kernel(XLATE_ARCH_X86_64, "/", true, check), -1);
    assert_string_equal(check, "load-unreadable");
    free(gone);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),          cmocka_unit_test(test_image_arch),
        cmocka_unit_test(test_arm_refuses_elf), cmocka_unit_test(test_pvh_needs_elf),
        cmocka_unit_test(test_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
