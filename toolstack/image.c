/* SPDX-License-Identifier: LGPL-2.1-only */
/* What a kernel file is (docs/guest-images.md §1.5), and the wrappers that place an image at
 * its own address (§4): the arm64 Image header for Xen's Image loader, which reads only
 * text_offset and the magic, puts the file at 0x40000000 + text_offset and starts it at its
 * first byte with x0 = the device tree; and, on x86 HVM, a Multiboot 1 header with the
 * address fields for QEMU's Multiboot loader. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolstack/image.h"
#include "conf/source.h"

#define EM_386                   3
#define EM_ARM                   40
#define EM_X86_64                62
#define EM_AARCH64               183
#define PT_LOAD                  1
#define PT_NOTE                  4
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define MB1_MAGIC                UINT32_C(0x1badb002)
#define MB1_SCAN                 8192 /* the header lies in the first 8 KiB (Multiboot 1 spec) */
#define MB1_ADDR_FIELDS          UINT32_C(0x10000) /* flags bit 16: load_addr, entry_addr, ... */
#define MB1_MEM_INFO             UINT32_C(0x2)     /* flags bit 1: mem_lower/upper, memory map */
#define MB2_MAGIC                UINT32_C(0xe85250d6)
#define MB2_SCAN                 32768 /* 8-aligned in the first 32 KiB (Multiboot 2 spec) */
#define ARM64_IMAGE_MAGIC        UINT32_C(0x644d5241) /* "ARM\x64" at 56 */
#define ZIMAGE32_MAGIC           UINT32_C(0x016f2818) /* at 0x24 */
/* The largest file wrapped: all of Xen's first ARM guest bank. */
#define WRAP_MAX (UINT64_C(3) << 30)

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

static void machine_arch(unsigned m, struct xlate_image *im)
{
    im->arch = m == EM_AARCH64 || m == EM_ARM  ? QC_ARCH_ARM
               : m == EM_X86_64 || m == EM_386 ? QC_ARCH_X86
                                               : QC_ARCH_ANY;
    im->is64 = m == EM_AARCH64 || m == EM_X86_64;
}

static const char *machine_name(unsigned m)
{
    return m == EM_AARCH64  ? "aarch64"
           : m == EM_ARM    ? "arm"
           : m == EM_X86_64 ? "x86_64"
           : m == EM_386    ? "x86"
                            : "unknown machine";
}

/* One ELF program header, either class. */
struct phdr {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

static void read_phdr(const unsigned char *p, bool is64, struct phdr *h)
{
    h->type = le32(p);
    if (is64) {
        h->offset = le64(p + 8), h->vaddr = le64(p + 16), h->paddr = le64(p + 24);
        h->filesz = le64(p + 32), h->memsz = le64(p + 40);
    } else {
        h->offset = le32(p + 4), h->vaddr = le32(p + 8), h->paddr = le32(p + 12);
        h->filesz = le32(p + 16), h->memsz = le32(p + 20);
    }
}

/* Whether the notes in [p, p+len) have Xen's PVH entry note. */
static bool has_pvh_note(const unsigned char *p, uint64_t len)
{
    uint64_t off = 0;

    while (off + 12 <= len) {
        uint32_t namesz = le32(p + off), descsz = le32(p + off + 4), type = le32(p + off + 8);
        uint64_t name = off + 12, next = name + ((namesz + 3u) & ~3u) + ((descsz + 3u) & ~3u);

        if (namesz == 4 && name + 4 <= len && !memcmp(p + name, "Xen", 4) &&
            type == XEN_ELFNOTE_PHYS32_ENTRY)
            return true;
        if (next <= off)
            break;
        off = next;
    }
    return false;
}

/* The ELF program headers, each in @buf; calls @fn on each (stops at the first non-zero). */
typedef int (*phdr_fn)(const struct phdr *h, void *opaque);
static int for_each_phdr(const unsigned char *buf, size_t len, phdr_fn fn, void *opaque)
{
    bool is64 = buf[4] == 2;
    uint64_t phoff = is64 ? le64(buf + 32) : le32(buf + 28);
    unsigned phentsize = le16(buf + (is64 ? 54 : 42)), phnum = le16(buf + (is64 ? 56 : 44));
    int r;

    if (phentsize < (is64 ? 56u : 32u) || phoff > len || (uint64_t)phnum * phentsize > len - phoff)
        return -1;
    for (unsigned i = 0; i < phnum; i++) {
        struct phdr h;

        read_phdr(buf + phoff + (uint64_t)i * phentsize, is64, &h);
        if ((r = fn(&h, opaque)))
            return r;
    }
    return 0;
}

struct elf_scan {
    const unsigned char *buf;
    size_t len;
    uint64_t file_size, lo, hi, lo_offset, entry;
    bool any, pvh, entry_mapped;
    const char *bad; /* why a PT_LOAD cannot be loaded, or NULL */
};

static int scan_phdr(const struct phdr *h, void *opaque)
{
    struct elf_scan *s = opaque;

    if (h->type == PT_NOTE && h->offset <= s->len && h->filesz <= s->len - h->offset)
        s->pvh |= has_pvh_note(s->buf + h->offset, h->filesz);
    if (h->type != PT_LOAD || !h->memsz)
        return 0;
    /* What the wrapper and every ELF loader copy must exist: refused here, not when the
     * file is written after the translation. */
    if (h->filesz > h->memsz)
        s->bad = "a PT_LOAD has more file bytes than memory";
    else if (h->offset > s->file_size || h->filesz > s->file_size - h->offset)
        s->bad = "a PT_LOAD lies beyond the end of the file";
    else if (h->paddr + h->memsz < h->paddr)
        s->bad = "a PT_LOAD wraps past 2^64";
    if (s->bad)
        return 1;
    if (!s->any || h->paddr < s->lo)
        s->lo = h->paddr, s->lo_offset = h->offset;
    if (!s->any || h->paddr + h->memsz > s->hi)
        s->hi = h->paddr + h->memsz;
    s->any = true;
    /* e_entry is virtual; bare-metal images link vaddr = paddr, others need the segment's. */
    if (!s->entry_mapped && s->entry >= h->vaddr && s->entry - h->vaddr < h->memsz) {
        s->entry = s->entry - h->vaddr + h->paddr;
        s->entry_mapped = true;
    }
    return 0;
}

static bool ifs_header_at(const unsigned char *buf, size_t len, size_t off);

static void probe_elf(const unsigned char *buf, size_t len, uint64_t file_size,
                      struct xlate_image *im)
{
    bool is64 = len > 4 && buf[4] == 2;
    struct elf_scan s = {.buf = buf, .len = len, .file_size = file_size};

    im->format = XLATE_IMAGE_ELF;
    if (len < 6 || len < (is64 ? 64u : 52u) || buf[5] != 1) {
        snprintf(im->detail, sizeof(im->detail), "%s",
                 len >= 6 && buf[5] != 1 ? "big-endian" : "truncated ELF header");
        if (len >= 20 && buf[5] == 1)
            machine_arch(le16(buf + 18), im);
        return;
    }
    machine_arch(le16(buf + 18), im);
    im->is64 = im->is64 && is64;
    s.entry = is64 ? le64(buf + 24) : le32(buf + 24);
    if (for_each_phdr(buf, len, scan_phdr, &s)) {
        if (s.bad)
            snprintf(im->detail, sizeof(im->detail), "%s", s.bad);
        else
            snprintf(im->detail, sizeof(im->detail), "program headers beyond the first %u KiB",
                     QX_IMAGE_PROBE_LEN / 1024);
        return;
    }
    if (s.pvh)
        im->format = XLATE_IMAGE_ELF_PVH;
    if (!s.any) {
        snprintf(im->detail, sizeof(im->detail), "no PT_LOAD segment");
        return;
    }
    im->has_addr = im->has_entry = true;
    im->addr = s.lo, im->size = s.hi - s.lo, im->entry = s.entry;
    snprintf(im->detail, sizeof(im->detail),
             "%s ELF%d, PT_LOAD 0x%" PRIx64 "-0x%" PRIx64 ", entry 0x%" PRIx64 "%s",
             machine_name(le16(buf + 18)), is64 ? 64 : 32, s.lo, s.hi, s.entry,
             s.lo_offset + QX_IFS_HEADER_SIZE <= len && ifs_header_at(buf, len, s.lo_offset)
                 ? ", a QNX IFS inside"
                 : "");
}

/* A QNX startup header at @off (little-endian; sys/startup.h, docs/guest-images.md §1.2). */
static bool ifs_header_at(const unsigned char *buf, size_t len, size_t off)
{
    const unsigned char *h = buf + off;

    return off + QX_IFS_HEADER_SIZE <= len && le32(h) == QX_IFS_SIGNATURE && le16(h + 4) == 1 &&
           le16(h + 8) == QX_IFS_HEADER_SIZE && le16(h + 48) <= off;
}

static bool probe_ifs(const unsigned char *buf, size_t len, uint64_t file_size,
                      struct xlate_image *im)
{
    static const char *const compress[] = {"", ", zlib-compressed", ", LZO-compressed",
                                           ", UCL-compressed"};
    size_t off;
    const unsigned char *h;
    uint32_t paddr;

    for (off = 0; off + QX_IFS_HEADER_SIZE <= len; off += 4)
        if (ifs_header_at(buf, len, off))
            break;
    if (off + QX_IFS_HEADER_SIZE > len)
        return false;
    h = buf + off;
    paddr = le32(h + 20);
    im->format = XLATE_IMAGE_IFS;
    machine_arch(le16(h + 10), im);
    im->size = file_size;
    /* The header sits at image_paddr: the file's first byte @off below. */
    im->has_addr = paddr >= off;
    im->addr = paddr - off;
    /* Startup runs in [ram_paddr, +ram_size): RAM past the file end that a loader must not
     * fill (QEMU's Multiboot loader puts its command lines right after the image). */
    if (le32(h + 24) >= im->addr && le32(h + 24) - im->addr + le32(h + 28) > file_size)
        im->mem_size = le32(h + 24) - im->addr + le32(h + 28);
    /* qvm starts an image at its first byte: the boot prefix; without one, at startup. */
    im->has_entry = off == 0;
    im->entry = le32(h + 12);
    snprintf(im->detail, sizeof(im->detail),
             "%s, startup header at 0x%zx, image_paddr 0x%" PRIx32 ", startup_vaddr 0x%" PRIx32
             ", ram_size 0x%" PRIx32 "%s",
             machine_name(le16(h + 10)), off, paddr, le32(h + 12), le32(h + 28),
             compress[(h[6] >> 2) & 3]);
    return true;
}

/* The address fields of the Multiboot 1 header at @off (flags bit 16), which let a loader
 * place a file that is not ELF: QEMU's loader copies the file from offset
 * off - (header_addr - load_addr) to load_addr and jumps to entry_addr. Consistent ones set
 * addr/entry; the detail says what they are. */
static void multiboot_addr(const unsigned char *h, size_t off, struct xlate_image *im, char *d,
                           size_t dlen)
{
    uint32_t header = le32(h + 12), load = le32(h + 16), end = le32(h + 20), entry = le32(h + 28);

    im->mb_addr_fields = false;
    if (!(le32(h + 4) & MB1_ADDR_FIELDS)) {
        snprintf(d, dlen, "no address fields");
        return;
    }
    if (header < load || header - load > off || (end && end <= load) || entry < load) {
        snprintf(d, dlen, "inconsistent address fields");
        return;
    }
    im->mb_addr_fields = im->has_addr = im->has_entry = true;
    im->addr = load;
    im->entry = entry;
    snprintf(d, dlen, "load_addr 0x%" PRIx32 ", entry_addr 0x%" PRIx32, load, entry);
}

/* A Multiboot 1 header in the first 8 KiB: magic, flags, checksum summing to 0. An x86 IFS
 * keeps its detail, shortened, and takes the header's addresses: QEMU's loader uses those. */
static bool probe_multiboot(const unsigned char *buf, size_t len, struct xlate_image *im)
{
    for (size_t off = 0; off + 12 <= len && off + 12 <= MB1_SCAN; off += 4) {
        const unsigned char *h = buf + off;
        char addr[80] = "no address fields";
        bool ifs = im->format == XLATE_IMAGE_IFS;
        size_t n;

        if (le32(h) != MB1_MAGIC || (uint32_t)(le32(h) + le32(h + 4) + le32(h + 8)) != 0)
            continue;
        if (ifs && im->arch != QC_ARCH_X86) { /* not for QEMU's loader: keep the IFS's */
            im->format = XLATE_IMAGE_IFS_MULTIBOOT;
            return true;
        }
        if (off + 32 <= len)
            multiboot_addr(h, off, im, addr, sizeof(addr));
        im->format = ifs ? XLATE_IMAGE_IFS_MULTIBOOT : XLATE_IMAGE_MULTIBOOT;
        im->arch = QC_ARCH_X86;
        n = ifs ? strlen(im->detail) : 0;
        if (ifs && n > sizeof(im->detail) - 80) /* room for the Multiboot part */
            n = sizeof(im->detail) - 80;
        snprintf(im->detail + n, sizeof(im->detail) - n, "%sMultiboot 1 header at 0x%zx, %s",
                 ifs ? "; " : "", off, addr);
        return true;
    }
    return false;
}

/* A Multiboot 2 header, 8-aligned in the first 32 KiB: magic, architecture, length and a
 * checksum summing to 0. */
static bool probe_multiboot2(const unsigned char *buf, size_t len, struct xlate_image *im)
{
    for (size_t off = 0; off + 16 <= len && off + 16 <= MB2_SCAN; off += 8) {
        const unsigned char *h = buf + off;

        if (le32(h) != MB2_MAGIC ||
            (uint32_t)(le32(h) + le32(h + 4) + le32(h + 8) + le32(h + 12)) != 0)
            continue;
        im->format = XLATE_IMAGE_MULTIBOOT2;
        im->arch = QC_ARCH_X86;
        snprintf(im->detail, sizeof(im->detail), "Multiboot 2 header at 0x%zx", off);
        return true;
    }
    return false;
}

void qx_image_probe(const unsigned char *buf, size_t len, uint64_t file_size,
                    struct xlate_image *im)
{
    memset(im, 0, sizeof(*im));
    im->arch = QC_ARCH_ANY;
    if (len >= 4 && !memcmp(buf,
                            "\x7f"
                            "ELF",
                            4)) {
        probe_elf(buf, len, file_size, im);
    } else if (len >= 64 && (le32(buf + 56) == ARM64_IMAGE_MAGIC || le32(buf) == 0x14000008)) {
        im->format = XLATE_IMAGE_ARM64_IMAGE;
        im->arch = QC_ARCH_ARM;
        im->is64 = true;
        snprintf(im->detail, sizeof(im->detail), "text_offset 0x%" PRIx64, le64(buf + 8));
    } else if (len >= 0x28 && le32(buf + 0x24) == ZIMAGE32_MAGIC) {
        im->format = XLATE_IMAGE_ZIMAGE32;
        im->arch = QC_ARCH_ARM;
    } else if (len >= 0x206 && !memcmp(buf + 0x202, "HdrS", 4)) {
        im->format = XLATE_IMAGE_BZIMAGE;
        im->arch = QC_ARCH_X86;
        im->is64 = true;
    } else if (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b) {
        im->format = XLATE_IMAGE_GZIP;
    } else if (probe_ifs(buf, len, file_size, im)) {
        probe_multiboot(buf, len, im); /* an x86 IFS may carry one too */
    } else if (probe_multiboot(buf, len, im) || probe_multiboot2(buf, len, im)) {
    } else if (len >= 2 && buf[0] == 'M' && buf[1] == 'Z') {
        im->format = XLATE_IMAGE_PE;
    } else {
        im->format = XLATE_IMAGE_RAW;
        im->is64 = true; /* code for the target, as far as anyone can tell */
        im->size = file_size;
    }
}

/* Reads @path into a malloc'd buffer: its first @max bytes when @head, else all of it
 * (EFBIG when longer than @max). */
static int read_file(const char *path, uint64_t max, bool head, unsigned char **buf_r,
                     size_t *len_r, uint64_t *size_r)
{
    struct stat st;
    int fd = qc_open_regular(path, &st), saved;
    size_t want, got = 0;
    unsigned char *buf;

    if (fd < 0)
        return -1;
    *size_r = (uint64_t)st.st_size;
    if (!head && (uint64_t)st.st_size > max) {
        close(fd);
        errno = EFBIG;
        return -1;
    }
    want = (uint64_t)st.st_size < max ? (size_t)st.st_size : (size_t)max;
    buf = malloc(want ? want : 1);
    while (buf && got < want) {
        ssize_t r = read(fd, buf + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    saved = buf ? errno : ENOMEM;
    close(fd);
    if (!buf || got < want) {
        free(buf);
        errno = buf ? (saved ? saved : EIO) : ENOMEM;
        return -1;
    }
    *buf_r = buf;
    *len_r = got;
    return 0;
}

int qx_image_probe_file(const char *path, struct xlate_image *im)
{
    unsigned char *buf;
    size_t len;
    uint64_t size;

    if (read_file(path, QX_IMAGE_PROBE_LEN, true, &buf, &len, &size))
        return -1;
    qx_image_probe(buf, len, size, im);
    free(buf);
    return 0;
}

struct flatten {
    const unsigned char *file;
    size_t len;
    unsigned char *dst; /* guest address lo */
    uint64_t lo, span;
};

static int copy_segment(const struct phdr *h, void *opaque)
{
    struct flatten *f = opaque;

    if (h->type != PT_LOAD || !h->memsz)
        return 0;
    if (h->paddr < f->lo || h->paddr - f->lo > f->span || h->memsz > f->span - (h->paddr - f->lo) ||
        h->filesz > h->memsz || h->offset > f->len || h->filesz > f->len - h->offset)
        return -1;
    memcpy(f->dst + (h->paddr - f->lo), f->file + h->offset, (size_t)h->filesz);
    return 0; /* the rest of memsz (bss) is zero already */
}

/* The arm64 header page: Image header, then a trampoline to the entry (ldr x16 / br x16). */
static void write_arm64_header(unsigned char *p, const struct xlate_wrap *w, uint64_t total)
{
    put32(p + 0, 0x14000010);                /* code0: b +64 (the trampoline) */
    put64(p + 8, w->hdr_addr - QX_ARM_RAM0); /* text_offset */
    put64(p + 16, total);                    /* image_size */
    put64(p + 24, 0xa);                      /* flags: LE, 4 KiB pages, anywhere */
    put32(p + 56, ARM64_IMAGE_MAGIC);        /* "ARM\x64" */
    put32(p + 64, 0x58000050);               /* ldr x16, #8 (the literal below) */
    put32(p + 68, 0xd61f0200);               /* br x16 */
    put64(p + 72, w->entry);
}

/* The x86 header page: a Multiboot 1 header at its start whose address fields make QEMU's
 * loader copy the whole file (header page included) to hdr_addr and jump to the entry. An
 * ELF's bss is zeros in the file already; RAM an IFS uses past its file (@bss_end, else 0)
 * is bss for the loader, which then puts its command lines after it. */
static void write_multiboot_header(unsigned char *p, const struct xlate_wrap *w, uint64_t total,
                                   uint64_t bss_end)
{
    uint32_t flags = MB1_ADDR_FIELDS | MB1_MEM_INFO;

    put32(p + 0, MB1_MAGIC);
    put32(p + 4, flags);
    put32(p + 8, (uint32_t) - (MB1_MAGIC + flags)); /* checksum */
    put32(p + 12, (uint32_t)w->hdr_addr);           /* header_addr: this header */
    put32(p + 16, (uint32_t)w->hdr_addr);           /* load_addr: the file's first byte */
    put32(p + 20, (uint32_t)(w->hdr_addr + total)); /* load_end_addr */
    put32(p + 24, (uint32_t)bss_end);               /* bss_end_addr: 0, or RAM it uses */
    put32(p + 28, (uint32_t)w->entry);              /* entry_addr */
}

int qx_image_wrap(const unsigned char *file, size_t len, const struct xlate_image *im,
                  const struct xlate_wrap *w, unsigned char **out_r, size_t *out_len_r)
{
    bool elf = im->format == XLATE_IMAGE_ELF;
    bool mb = w->kind == XLATE_WRAP_MULTIBOOT1;
    uint64_t pad = w->addr - w->hdr_addr, body = elf ? im->size : len, total = pad + body;
    unsigned char *out;

    /* Multiboot 1 addresses are 32 bits: the image and its RAM below 4 GiB. */
    if (w->addr < w->hdr_addr + 80 || body > WRAP_MAX ||
        (mb && (w->addr + (im->mem_size > body ? im->mem_size : body) > UINT32_MAX ||
                w->entry > UINT32_MAX))) {
        errno = EINVAL;
        return -1;
    }
    out = calloc(1, (size_t)total);
    if (!out) {
        errno = ENOMEM;
        return -1;
    }
    if (mb)
        write_multiboot_header(out, w, total, im->mem_size > body ? w->addr + im->mem_size : 0);
    else
        write_arm64_header(out, w, total);
    if (elf) {
        struct flatten f = {file, len, out + pad, im->addr, im->size};

        if (len < 64 || for_each_phdr(file, len, copy_segment, &f)) {
            free(out);
            errno = EINVAL;
            return -1;
        }
    } else {
        memcpy(out + pad, file, len);
    }
    *out_r = out;
    *out_len_r = (size_t)total;
    return 0;
}

int qx_image_wrap_file(const char *path, const struct xlate_image *im, const struct xlate_wrap *w,
                       unsigned char **out_r, size_t *out_len_r)
{
    unsigned char *buf;
    size_t len;
    uint64_t size;
    int r;

    if (read_file(path, WRAP_MAX, false, &buf, &len, &size))
        return -1;
    r = qx_image_wrap(buf, len, im, w, out_r, out_len_r);
    free(buf);
    return r;
}
