/* SPDX-License-Identifier: LGPL-2.1-only */
/* Unit tests of kernel image detection and the arm64 Image wrapper (toolstack/image.c), and
 * of the translation's loader step (xlate/map-mem.c), on images built here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "conf/doc.h"
#include "toolstack/image.h"
#include "xlate/xlate.h"

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, (uint16_t)v), put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v), put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* A QNX startup header at @off of @buf: machine, image_paddr, startup_vaddr. */
static void ifs_header(unsigned char *buf, size_t off, uint16_t machine, uint32_t paddr,
                       uint32_t vaddr)
{
    unsigned char *h = buf + off;

    put32(h, QX_IFS_SIGNATURE);
    put16(h + 4, 1);
    h[6] = 0x01; /* VIRTUAL */
    put16(h + 8, QX_IFS_HEADER_SIZE);
    put16(h + 10, machine);
    put32(h + 12, vaddr);
    put32(h + 20, paddr);
    put32(h + 24, paddr);
    put32(h + 28, 0x10000);
    put16(h + 48, (uint16_t)off);
}

/* An ELF64 aarch64 image: one PT_LOAD at 0x80000000 (0x100 bytes from file offset 0x100,
 * memsz 0x200), entry 0x80000010, and, when @note, Xen's PVH entry note. */
static size_t elf64(unsigned char *b, uint16_t machine, bool note)
{
    memset(b, 0, 0x400);
    memcpy(b,
           "\x7f"
           "ELF",
           4);
    b[4] = 2, b[5] = 1, b[6] = 1;
    put16(b + 16, 2);
    put16(b + 18, machine);
    put64(b + 24, 0x80000010);
    put64(b + 32, 64); /* phoff */
    put16(b + 54, 56); /* phentsize */
    put16(b + 56, note ? 2 : 1);
    unsigned char *ph = b + 64;
    put32(ph, 1);         /* PT_LOAD */
    put64(ph + 8, 0x100); /* offset */
    put64(ph + 16, 0x80000000);
    put64(ph + 24, 0x80000000);
    put64(ph + 32, 0x100);
    put64(ph + 40, 0x200);
    for (int i = 0; i < 0x100; i++)
        b[0x100 + i] = (unsigned char)(i + 1);
    if (note) {
        ph += 56;
        put32(ph, 4); /* PT_NOTE */
        put64(ph + 8, 0x300);
        put64(ph + 32, 24);
        put32(b + 0x300, 4), put32(b + 0x304, 8), put32(b + 0x308, 18);
        memcpy(b + 0x30c, "Xen", 4);
    }
    return 0x400;
}

static void test_probe_formats(void **state)
{
    unsigned char b[0x2000] = {0};
    struct xlate_image im;

    (void)state;
    memcpy(b, "just some code", 14);
    qx_image_probe(b, sizeof(b), 12345, &im);
    assert_int_equal(im.format, XLATE_IMAGE_RAW);
    assert_int_equal(im.size, 12345);
    assert_false(im.has_addr);

    memset(b, 0, sizeof(b));
    put32(b + 56, 0x644d5241);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_ARM64_IMAGE);
    assert_int_equal(im.arch, QC_ARCH_ARM);

    memset(b, 0, sizeof(b));
    put32(b + 0x24, 0x016f2818);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_ZIMAGE32);

    memset(b, 0, sizeof(b));
    memcpy(b + 0x202, "HdrS", 4);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_BZIMAGE);

    memset(b, 0, sizeof(b));
    put32(b + 0x40, 0x1badb002), put32(b + 0x44, 0x10003);
    put32(b + 0x48, (uint32_t) - (0x1badb002u + 0x10003u));
    put32(b + 0x4c, 0x100040), put32(b + 0x50, 0x100000), put32(b + 0x5c, 0x100020);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_MULTIBOOT);
    assert_int_equal(im.addr, 0x100000);
    assert_int_equal(im.entry, 0x100020);
    put32(b + 0x48, 0); /* a bad checksum: not Multiboot */
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_RAW);

    memset(b, 0, sizeof(b));
    memcpy(b, "MZ", 2);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_PE);
}

static void test_probe_ifs(void **state)
{
    unsigned char b[0x1000] = {0};
    struct xlate_image im;

    (void)state;
    /* The raw variant: an 8-byte boot prefix, the header at image_paddr. */
    put32(b, 0x14000002); /* b +8 */
    ifs_header(b, 8, 183, 0x80000008, 0x80000108);
    qx_image_probe(b, sizeof(b), 0x5000, &im);
    assert_int_equal(im.format, XLATE_IMAGE_IFS);
    assert_int_equal(im.arch, QC_ARCH_ARM);
    assert_true(im.is64);
    assert_true(im.has_addr);
    assert_int_equal(im.addr, 0x80000000);
    assert_false(im.has_entry); /* the first byte, as qvm */
    assert_int_equal(im.size, 0x5000);
    assert_int_equal(im.mem_size, 0x10008); /* to ram_paddr + ram_size, past the file */
    assert_non_null(strstr(im.detail, "startup_vaddr 0x80000108"));

    /* No prefix: started at startup_vaddr. */
    memset(b, 0, sizeof(b));
    ifs_header(b, 0, 183, 0x80100000, 0x80100100);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_IFS);
    assert_true(im.has_entry);
    assert_int_equal(im.entry, 0x80100100);

    /* A header whose preboot_size exceeds its offset is no header. */
    memset(b, 0, sizeof(b));
    ifs_header(b, 8, 183, 0x80000008, 0x80000108);
    put16(b + 8 + 48, 16);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_RAW);

    /* An x86_64 IFS with a Multiboot header too. */
    memset(b, 0, sizeof(b));
    ifs_header(b, 0, 62, 0x100000, 0x100100);
    put32(b + 0x200, 0x1badb002), put32(b + 0x204, 3);
    put32(b + 0x208, (uint32_t) - (0x1badb002u + 3u));
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_IFS_MULTIBOOT);
    assert_int_equal(im.arch, QC_ARCH_X86);
}

/* A Multiboot 1 header at @off with @flags; with bit 16 the address fields for a file loaded
 * at @load whose header is @off bytes in, entered at @entry. */
static void mb1_header(unsigned char *buf, size_t off, uint32_t flags, uint32_t load,
                       uint32_t entry)
{
    unsigned char *h = buf + off;

    put32(h, 0x1badb002), put32(h + 4, flags), put32(h + 8, (uint32_t) - (0x1badb002u + flags));
    put32(h + 12, load + (uint32_t)off), put32(h + 16, load);
    put32(h + 20, 0), put32(h + 24, 0), put32(h + 28, entry);
}

static void test_probe_multiboot(void **state)
{
    unsigned char b[0x1000] = {0};
    struct xlate_image im;

    (void)state;
    /* QNX's x86_64 multiboot shape: header in the boot prefix, startup header at 0x100. */
    mb1_header(b, 0, 0x10003, 0x100000, 0x100200);
    ifs_header(b, 0x100, 62, 0x100100, 0x100200);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_IFS_MULTIBOOT);
    assert_int_equal(im.arch, QC_ARCH_X86);
    assert_true(im.mb_addr_fields);
    assert_int_equal(im.addr, 0x100000);
    assert_int_equal(im.entry, 0x100200);
    assert_non_null(strstr(im.detail, "image_paddr 0x100100"));
    assert_non_null(strstr(im.detail, "Multiboot 1 header at 0x0, load_addr 0x100000"));

    /* Without the address fields, or with ones that put the header before the file. */
    memset(b, 0, sizeof(b));
    mb1_header(b, 0x40, 0x3, 0, 0);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_MULTIBOOT);
    assert_false(im.mb_addr_fields);
    assert_non_null(strstr(im.detail, "no address fields"));
    mb1_header(b, 0x40, 0x10003, 0x100000, 0x100020);
    put32(b + 0x40 + 12, 0x100080); /* header_addr - load_addr > its file offset */
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_false(im.mb_addr_fields);
    assert_non_null(strstr(im.detail, "inconsistent"));

    /* Multiboot 2: 8-aligned, four words summing to 0; found after a miss at 0x40. */
    memset(b, 0, sizeof(b));
    put32(b + 0x48, 0xe85250d6), put32(b + 0x50, 16);
    put32(b + 0x54, (uint32_t) - (0xe85250d6u + 16u));
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_MULTIBOOT2);
    assert_int_equal(im.arch, QC_ARCH_X86);
    put32(b + 0x54, 0);
    qx_image_probe(b, sizeof(b), sizeof(b), &im);
    assert_int_equal(im.format, XLATE_IMAGE_RAW);
}

static void test_probe_elf(void **state)
{
    unsigned char b[0x400];
    struct xlate_image im;

    (void)state;
    qx_image_probe(b, elf64(b, 183, false), 0x400, &im);
    assert_int_equal(im.format, XLATE_IMAGE_ELF);
    assert_int_equal(im.arch, QC_ARCH_ARM);
    assert_true(im.is64);
    assert_int_equal(im.addr, 0x80000000);
    assert_int_equal(im.size, 0x200);
    assert_int_equal(im.entry, 0x80000010);
    qx_image_probe(b, elf64(b, 62, true), 0x400, &im);
    assert_int_equal(im.format, XLATE_IMAGE_ELF_PVH);
    assert_int_equal(im.arch, QC_ARCH_X86);
    qx_image_probe(b, 8, 8, &im); /* truncated */
    assert_int_equal(im.format, XLATE_IMAGE_ELF);
    assert_int_equal(im.size, 0);
    assert_non_null(strstr(im.detail, "truncated"));
}

static void test_wrap(void **state)
{
    unsigned char b[0x400], raw[100];
    struct xlate_image im;
    struct xlate_wrap w = {
        .needed = true, .addr = 0x80000000, .entry = 0x80000000, .hdr_addr = 0x7ffff000};
    unsigned char *out;
    size_t len;

    (void)state;
    for (size_t i = 0; i < sizeof(raw); i++)
        raw[i] = (unsigned char)i;
    qx_image_probe(raw, sizeof(raw), sizeof(raw), &im);
    assert_int_equal(qx_image_wrap(raw, sizeof(raw), &im, &w, &out, &len), 0);
    assert_int_equal(len, 0x1000 + sizeof(raw));
    assert_int_equal(get32(out), 0x14000010);      /* b +64 */
    assert_int_equal(get64(out + 8), 0x3ffff000);  /* text_offset */
    assert_int_equal(get32(out + 56), 0x644d5241); /* Xen's probe */
    assert_int_equal(get32(out + 64), 0x58000050); /* ldr x16, #8 */
    assert_int_equal(get32(out + 68), 0xd61f0200); /* br x16 */
    assert_int_equal(get64(out + 72), 0x80000000);
    assert_memory_equal(out + 0x1000, raw, sizeof(raw));
    /* Xen itself sees an arm64 Image. */
    qx_image_probe(out, len, len, &im);
    assert_int_equal(im.format, XLATE_IMAGE_ARM64_IMAGE);
    free(out);

    /* An ELF: its segment at paddr - lo, bss zeroed, entry from e_entry. */
    qx_image_probe(b, elf64(b, 183, false), 0x400, &im);
    w.entry = im.entry;
    assert_int_equal(qx_image_wrap(b, sizeof(b), &im, &w, &out, &len), 0);
    assert_int_equal(len, 0x1000 + 0x200);
    assert_int_equal(get64(out + 72), 0x80000010);
    assert_memory_equal(out + 0x1000, b + 0x100, 0x100);
    for (size_t i = 0x1100; i < len; i++)
        assert_int_equal(out[i], 0);
    free(out);

    /* An address not page-aligned: padding after the header page. */
    w.addr = w.entry = 0x80000010;
    qx_image_probe(raw, sizeof(raw), sizeof(raw), &im);
    assert_int_equal(qx_image_wrap(raw, sizeof(raw), &im, &w, &out, &len), 0);
    assert_memory_equal(out + 0x1010, raw, sizeof(raw));
    free(out);
}

/* x86 HVM: the Multiboot 1 header page QEMU's loader reads — magic, flags (address fields,
 * memory information), checksum, header_addr = load_addr = the page, load_end_addr = the end
 * of the file, no bss, entry_addr — then the image 4 KiB in. */
static void test_wrap_multiboot(void **state)
{
    unsigned char b[0x400], raw[100];
    struct xlate_image im;
    struct xlate_wrap w = {.needed = true,
                           .kind = XLATE_WRAP_MULTIBOOT1,
                           .addr = 0x400000,
                           .entry = 0x400000,
                           .hdr_addr = 0x3ff000};
    unsigned char *out;
    size_t len;

    (void)state;
    for (size_t i = 0; i < sizeof(raw); i++)
        raw[i] = (unsigned char)i;
    qx_image_probe(raw, sizeof(raw), sizeof(raw), &im);
    assert_int_equal(qx_image_wrap(raw, sizeof(raw), &im, &w, &out, &len), 0);
    assert_int_equal(len, 0x1000 + sizeof(raw));
    assert_int_equal(get32(out), 0x1badb002);
    assert_int_equal(get32(out + 4), 0x00010002);
    assert_int_equal((uint32_t)(get32(out) + get32(out + 4) + get32(out + 8)), 0);
    assert_int_equal(get32(out + 12), 0x3ff000);         /* header_addr */
    assert_int_equal(get32(out + 16), 0x3ff000);         /* load_addr */
    assert_int_equal(get32(out + 20), 0x3ff000 + len);   /* load_end_addr */
    assert_int_equal(get32(out + 24), 0);                /* bss_end_addr */
    assert_int_equal(get32(out + 28), 0x400000);         /* entry_addr */
    assert_memory_equal(out + 0x1000, raw, sizeof(raw)); /* file offset 0x1000 */
    /* QEMU sees a Multiboot image with the address fields, placed where qvm would. */
    qx_image_probe(out, len, len, &im);
    assert_int_equal(im.format, XLATE_IMAGE_MULTIBOOT);
    assert_true(im.mb_addr_fields);
    assert_int_equal(im.addr, 0x3ff000);
    assert_int_equal(im.entry, 0x400000);
    free(out);

    /* An x86_64 ELF: flattened as for ARM (segment at paddr - lo, bss zeroed in the file),
     * entry e_entry. */
    qx_image_probe(b, elf64(b, 62, false), 0x400, &im);
    w.addr = im.addr, w.hdr_addr = im.addr - 0x1000, w.entry = im.entry;
    assert_int_equal(qx_image_wrap(b, sizeof(b), &im, &w, &out, &len), 0);
    assert_int_equal(len, 0x1000 + 0x200);
    assert_int_equal(get32(out + 16), 0x7ffff000);
    assert_int_equal(get32(out + 20), 0x80000200);
    assert_int_equal(get32(out + 28), 0x80000010);
    assert_memory_equal(out + 0x1000, b + 0x100, 0x100);
    for (size_t i = 0x1100; i < len; i++)
        assert_int_equal(out[i], 0);
    free(out);

    /* A plain x86 IFS whose startup uses RAM past the file: that RAM is the loader's bss
     * (QEMU puts its command lines after it). */
    unsigned char ifs[0x1000] = {0};
    ifs_header(ifs, 0x100, 62, 0x400100, 0x400200);
    qx_image_probe(ifs, sizeof(ifs), sizeof(ifs), &im);
    assert_int_equal(im.format, XLATE_IMAGE_IFS);
    assert_int_equal(im.mem_size, 0x10100);
    w.addr = w.entry = 0x400000, w.hdr_addr = 0x3ff000;
    assert_int_equal(qx_image_wrap(ifs, sizeof(ifs), &im, &w, &out, &len), 0);
    assert_int_equal(len, 0x2000);
    assert_int_equal(get32(out + 20), 0x401000); /* load_end_addr: the file */
    assert_int_equal(get32(out + 24), 0x410100); /* bss_end_addr: ram_paddr + ram_size */
    assert_memory_equal(out + 0x1000, ifs, sizeof(ifs));
    free(out);

    /* Multiboot addresses are 32 bits: nothing at or above 4 GiB. */
    w.addr = w.entry = UINT64_C(0x100000000), w.hdr_addr = UINT64_C(0xfffff000);
    qx_image_probe(raw, sizeof(raw), sizeof(raw), &im);
    assert_int_equal(qx_image_wrap(raw, sizeof(raw), &im, &w, &out, &len), -1);
}

/* Translates @conf for @arch with @im as the kernel's format; the first error's check name
 * (or "") in @err_r. */
static void xlate_for(enum xlate_arch arch, const char *conf, const struct xlate_image *im,
                      struct xlate_plan *plan, struct qc_doc *doc, char err_r[64])
{
    struct xlate_target t;

    qc_doc_init(doc, NULL);
    xlate_plan_init(plan);
    plan->kernel_image = *im;
    assert_int_equal(qc_doc_read_buffer(doc, "k.qvmconf", conf, strlen(conf)), 0);
    assert_int_equal(qc_doc_parse(doc), 0);
    xlate_target_default(&t, arch);
    xlate_translate(&doc->cfg, &t, plan, &doc->d);
    err_r[0] = 0;
    for (size_t i = 0; i < doc->d.count; i++)
        if (doc->d.items[i].sev == QC_SEV_ERROR) {
            snprintf(err_r, 64, "%s", doc->d.items[i].check);
            break;
        }
}

static void xlate_arm(const char *conf, const struct xlate_image *im, struct xlate_plan *plan,
                      struct qc_doc *doc, char err_r[64])
{
    xlate_for(XLATE_ARCH_AARCH64, conf, im, plan, doc, err_r);
}

static bool has_diag(const struct qc_doc *doc, const char *check)
{
    for (size_t i = 0; i < doc->d.count; i++)
        if (!strcmp(doc->d.items[i].check, check))
            return true;
    return false;
}

static void done(struct xlate_plan *plan, struct qc_doc *doc)
{
    xlate_plan_dispose(plan);
    qc_doc_dispose(doc);
}

static void test_xlate_raw_grows_ram(void **state)
{
    struct xlate_image im = {.format = XLATE_IMAGE_RAW, .is64 = true, .size = 0x3000};
    struct xlate_plan plan;
    struct qc_doc doc;
    char err[64];

    (void)state;
    xlate_arm("system k ram 0x80000000,256m load 0x80000000,sa.bin", &im, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_true(plan.wrap.needed);
    assert_int_equal(plan.wrap.addr, 0x80000000);
    assert_int_equal(plan.wrap.entry, 0x80000000);
    assert_int_equal(plan.wrap.hdr_addr, 0x7ffff000);
    assert_string_equal(plan.config.b_info.kernel, "k.kernel");
    assert_int_equal(plan.config.b_info.target_memkb, 1280 * 1024); /* 0x40000000-0x90000000 */
    assert_true(has_diag(&doc, "xlate-ram-grown"));
    assert_true(has_diag(&doc, "image-format"));
    assert_false(has_diag(&doc, "xlate-ram-relocated"));
    done(&plan, &doc);

    /* RAM at Xen's base that already covers it: nothing grows. */
    xlate_arm("system k ram 0x40000000,1g load 0x48000000,sa.bin", &im, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_int_equal(plan.config.b_info.target_memkb, 1024 * 1024);
    assert_false(has_diag(&doc, "xlate-ram-grown"));
    done(&plan, &doc);

    /* An IFS whose load address is not its header's: placed as the load says, warned. */
    struct xlate_image ifs = {.format = XLATE_IMAGE_IFS,
                              .arch = QC_ARCH_ARM,
                              .is64 = true,
                              .size = 0x3000,
                              .has_addr = true,
                              .addr = 0x80000000};
    xlate_arm("system k ram 0x80000000,256m load 0x80100000,ifs", &ifs, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_int_equal(plan.wrap.addr, 0x80100000);
    assert_true(has_diag(&doc, "xlate-kernel-format")); /* a warning */
    done(&plan, &doc);
    xlate_arm("system k ram 0x80000000,256m load ifs", &ifs, &plan, &doc, err);
    assert_int_equal(plan.wrap.addr, 0x80000000);
    assert_false(has_diag(&doc, "xlate-kernel-format"));
    done(&plan, &doc);

    /* No address: qvm's first available location, the first RAM region. */
    xlate_arm("system k ram 0x80000000,64m load sa.bin", &im, &plan, &doc, err);
    assert_int_equal(plan.wrap.addr, 0x80000000);
    done(&plan, &doc);

    /* No address: right after the header page at Xen's base. */
    xlate_arm("system k ram 0x40000000,64m load sa.bin", &im, &plan, &doc, err);
    assert_int_equal(plan.wrap.addr, 0x40001000);
    assert_int_equal(plan.wrap.hdr_addr, 0x40000000);
    done(&plan, &doc);
}

static void test_xlate_refusals(void **state)
{
    struct xlate_image raw = {.format = XLATE_IMAGE_RAW, .is64 = true, .size = 0x3000};
    struct xlate_image bz = {.format = XLATE_IMAGE_BZIMAGE, .arch = QC_ARCH_X86, .is64 = true};
    struct xlate_image img = {.format = XLATE_IMAGE_ARM64_IMAGE, .arch = QC_ARCH_ARM};
    struct xlate_image elf32 = {.format = XLATE_IMAGE_ELF,
                                .arch = QC_ARCH_ARM,
                                .size = 0x100,
                                .has_addr = true,
                                .addr = 0x80000000};
    struct xlate_plan plan;
    struct qc_doc doc;
    char err[64];

    (void)state;
    xlate_arm("system k ram 0x30000000,256m load 0x30000000,sa.bin", &raw, &plan, &doc, err);
    assert_string_equal(err, "xlate-kernel-format");
    assert_false(plan.wrap.needed);
    assert_non_null(strstr(doc.d.items[0].msg, "sa.bin"));
    done(&plan, &doc);
    xlate_arm("system k ram 0x40000000,256m load bz", &bz, &plan, &doc, err);
    assert_string_equal(err, "xlate-kernel-format");
    done(&plan, &doc);
    xlate_arm("system k ram 0x80000000,64m load 0x80000000,e", &elf32, &plan, &doc, err);
    assert_string_equal(err, "xlate-kernel-format");
    done(&plan, &doc);
    /* A Linux Image is Xen's: as is, its address Xen's choice. */
    xlate_arm("system k ram 0x40000000,256m load Image", &img, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_false(plan.wrap.needed);
    assert_string_equal(plan.config.b_info.kernel, "Image");
    done(&plan, &doc);
}

/* x86: a Multiboot 1 image makes the guest HVM (QEMU's loader starts it; PVH cannot), and is
 * refused without the address fields QEMU needs; Multiboot 2 is refused everywhere. */
static void test_xlate_multiboot(void **state)
{
    struct xlate_image mb = {.format = XLATE_IMAGE_MULTIBOOT,
                             .arch = QC_ARCH_X86,
                             .has_addr = true,
                             .addr = 0x100000,
                             .has_entry = true,
                             .entry = 0x100020,
                             .mb_addr_fields = true};
    struct xlate_image noaddr = {.format = XLATE_IMAGE_IFS_MULTIBOOT, .arch = QC_ARCH_X86};
    struct xlate_image mb2 = {.format = XLATE_IMAGE_MULTIBOOT2, .arch = QC_ARCH_X86};
    struct xlate_plan plan;
    struct qc_doc doc;
    char err[64];

    (void)state;
    xlate_for(XLATE_ARCH_X86_64, "system k ram 1m,64m load mb", &mb, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_int_equal(plan.type, LIBXL_DOMAIN_TYPE_HVM);
    assert_non_null(strstr(plan.type_reason, "Multiboot"));
    assert_string_equal(plan.config.b_info.kernel, "mb");
    assert_false(plan.wrap.needed);
    assert_false(has_diag(&doc, "xlate-kernel-format"));
    done(&plan, &doc);
    /* QEMU puts it where its header says: a different load address is warned about. */
    xlate_for(XLATE_ARCH_X86_64, "system k ram 1m,64m load 0x200000,mb", &mb, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_true(has_diag(&doc, "xlate-kernel-format"));
    done(&plan, &doc);
    xlate_for(XLATE_ARCH_X86_64, "system k ram 1m,64m load ifs", &noaddr, &plan, &doc, err);
    assert_string_equal(err, "xlate-kernel-format");
    assert_non_null(strstr(doc.d.items[doc.d.count - 1].msg, "address fields"));
    done(&plan, &doc);
    xlate_for(XLATE_ARCH_X86_64, "system k ram 1m,64m load mb2", &mb2, &plan, &doc, err);
    assert_string_equal(err, "xlate-kernel-format");
    assert_non_null(strstr(doc.d.items[doc.d.count - 1].msg, "Multiboot 1 images only"));
    done(&plan, &doc);
    /* On ARM a Multiboot image is refused, naming the file. */
    xlate_arm("system k ram 0x40000000,64m load mb", &mb, &plan, &doc, err);
    assert_string_equal(err, "xlate-kernel-format");
    done(&plan, &doc);
}

/* x86: a raw binary, a plain IFS and an x86_64 ELF without notes are wrapped behind a
 * Multiboot 1 header page at A - 4 KiB and make the guest HVM; A must leave the first MiB
 * and the header page to the BIOS, be 4 KiB-aligned and end 1 MiB below RAM's end. */
static void test_xlate_x86_wrap(void **state)
{
    struct xlate_image raw = {.format = XLATE_IMAGE_RAW, .is64 = true, .size = 0x3000};
    struct xlate_image ifs = {.format = XLATE_IMAGE_IFS,
                              .arch = QC_ARCH_X86,
                              .is64 = true,
                              .size = 0x3000,
                              .has_addr = true,
                              .addr = 0x300000};
    struct xlate_image elf = {.format = XLATE_IMAGE_ELF,
                              .arch = QC_ARCH_X86,
                              .is64 = true,
                              .size = 0x200,
                              .has_addr = true,
                              .addr = 0x800000,
                              .has_entry = true,
                              .entry = 0x800010};
    struct xlate_image elf32 = elf;
    struct xlate_plan plan;
    struct qc_doc doc;
    char err[64];

    (void)state;
    elf32.is64 = false;
    xlate_for(XLATE_ARCH_X86_64, "system k ram 1m,64m load 0x400000,r", &raw, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_int_equal(plan.type, LIBXL_DOMAIN_TYPE_HVM);
    assert_non_null(strstr(plan.type_reason, "Multiboot 1 header"));
    assert_true(plan.wrap.needed);
    assert_int_equal(plan.wrap.kind, XLATE_WRAP_MULTIBOOT1);
    assert_int_equal(plan.wrap.addr, 0x400000);
    assert_int_equal(plan.wrap.hdr_addr, 0x3ff000);
    assert_int_equal(plan.wrap.entry, 0x400000);
    assert_string_equal(plan.config.b_info.kernel, "k.kernel");
    assert_int_equal(plan.config.b_info.target_memkb, 64 * 1024); /* RAM does not grow */
    assert_true(has_diag(&doc, "image-format"));
    done(&plan, &doc);
    /* No address: 0x200000. */
    xlate_for(XLATE_ARCH_X86_64, "system k ram 1m,64m load r", &raw, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_int_equal(plan.wrap.addr, 0x200000);
    done(&plan, &doc);
    /* An IFS at image_paddr - boot prefix, entry its first byte; an ELF at its p_paddr. */
    xlate_for(XLATE_ARCH_X86_64, "system k ram 1m,64m load ifs", &ifs, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_int_equal(plan.wrap.addr, 0x300000);
    assert_int_equal(plan.wrap.entry, 0x300000);
    done(&plan, &doc);
    xlate_for(XLATE_ARCH_X86_64, "system k ram 1m,64m load e", &elf, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_int_equal(plan.type, LIBXL_DOMAIN_TYPE_HVM);
    assert_int_equal(plan.wrap.addr, 0x800000);
    assert_int_equal(plan.wrap.entry, 0x800010);
    done(&plan, &doc);
    /* A note-less ELF32 stays Xen's (PVH, its HVM-firmware loader), as before. */
    xlate_for(XLATE_ARCH_X86_64, "system k ram 1m,64m load e", &elf32, &plan, &doc, err);
    assert_string_equal(err, "");
    assert_int_equal(plan.type, LIBXL_DOMAIN_TYPE_PVH);
    assert_false(plan.wrap.needed);
    done(&plan, &doc);
    /* Refused, naming the file: below 1 MiB + 4 KiB, not page-aligned, beyond RAM. */
    for (const char *const *c = (const char *const[]){"system k ram 1m,64m load 0x100000,r",
                                                      "system k ram 1m,64m load 0x400010,r",
                                                      "system k ram 1m,8m load 0x800000,r", NULL};
         *c; c++) {
        xlate_for(XLATE_ARCH_X86_64, *c, &raw, &plan, &doc, err);
        assert_string_equal(err, "xlate-kernel-format");
        assert_false(plan.wrap.needed);
        assert_non_null(strstr(doc.d.items[0].msg, "kernel r:"));
        done(&plan, &doc);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_probe_formats),       cmocka_unit_test(test_probe_ifs),
        cmocka_unit_test(test_probe_elf),           cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_xlate_raw_grows_ram), cmocka_unit_test(test_xlate_refusals),
        cmocka_unit_test(test_probe_multiboot),     cmocka_unit_test(test_xlate_multiboot),
        cmocka_unit_test(test_wrap_multiboot),      cmocka_unit_test(test_xlate_x86_wrap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
