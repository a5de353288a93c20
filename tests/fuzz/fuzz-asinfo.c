/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: the asinfo host description (toolstack/asinfo.c,
 * docs/qvm-xl.1 HOST DESCRIPTION). Each input is parsed, then:
 * - every entry round-trips through qx_asinfo_lookup, its name is not empty,
 *   is unique and $asinfo_*{NAME} could name it, and START + LENGTH does not
 *   wrap;
 * - a small reference reader written from the man page (one line at a time,
 *   strtoull for numbers) agrees: the file is accepted exactly when every
 *   line is good, and the entries kept are those of the good lines, in order. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/asinfo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *why, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz-asinfo: %s\n--- input ---\n%.*s\n---\n", why, (int)size,
            (const char *)data);
    abort();
}

static int blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* A number as the page says: 0x (or 0X) and hex digits, or decimal digits,
 * fitting in 64 bits. */
static int ref_num(const char *s, uint64_t *v)
{
    const char *digits = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2] ? s + 2 : s;
    int hex = digits != s;
    char *end;

    for (const char *p = digits; *p; p++)
        if (!(hex ? strchr("0123456789abcdefABCDEF", *p) : strchr("0123456789", *p)))
            return -1;
    if (!*digits)
        return -1;
    errno = 0;
    *v = strtoull(digits, &end, hex ? 16 : 10);
    return errno || *end ? -1 : 0;
}

struct ref_entry {
    char *name;
    uint64_t start, length;
};

/* Reads one line (NUL-terminated copy, no newline); 1 entry, 0 nothing, -1 bad. */
static int ref_line(char *line, size_t len, struct ref_entry *out)
{
    char *f[4];
    int nf = 0;

    if (strlen(line) != len)
        return -1; /* a NUL byte */
    line[strcspn(line, "#")] = '\0';
    for (char *p = line; *p; p++)
        if (((unsigned char)*p < 0x20 && !blank((unsigned char)*p)) || *p == 0x7f)
            return -1;
    for (char *p = line; *p;) {
        while (*p && blank((unsigned char)*p))
            *p++ = '\0';
        if (!*p)
            break;
        if (nf == 4)
            return -1;
        f[nf++] = p;
        while (*p && !blank((unsigned char)*p))
            p++;
    }
    if (nf == 0)
        return 0;
    if (nf != 3 || strpbrk(f[0], "\"${}/") || ref_num(f[1], &out->start) ||
        ref_num(f[2], &out->length) || out->length > UINT64_MAX - out->start)
        return -1;
    out->name = f[0];
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    struct qx_asinfo a;
    char *copy = malloc(size + 1);
    struct ref_entry *ref = calloc(size / 2 + 1, sizeof(*ref));
    size_t nref = 0;
    int rc, ref_bad = 0;

    if (!copy || !ref || (!sink && !(sink = fopen("/dev/null", "w"))))
        abort();
    qx_asinfo_init(&a);
    rc = qx_asinfo_parse_n(&a, "fuzz.asinfo", (const char *)data, size, sink);

    /* The reference, line by line on a copy. */
    memcpy(copy, data, size);
    copy[size] = '\0';
    for (size_t off = 0; off < size;) {
        char *nl = memchr(copy + off, '\n', size - off);
        size_t len = nl ? (size_t)(nl - (copy + off)) : size - off;
        struct ref_entry e;
        int r;

        copy[off + len] = '\0';
        r = ref_line(copy + off, len, &e);
        if (r == 1) {
            for (size_t i = 0; i < nref; i++)
                if (strcmp(ref[i].name, e.name) == 0)
                    r = -1;
        }
        if (r == 1)
            ref[nref++] = e;
        ref_bad |= r < 0;
        off += len + 1;
    }
    if ((rc == 0) != !ref_bad)
        fail(rc ? "refused, but the reference reads it" : "accepted, but the reference refuses it",
             data, size);
    if (a.n != nref)
        fail("not the entries of the good lines", data, size);
    for (size_t i = 0; i < a.n; i++) {
        const struct qx_asinfo_entry *e = &a.v[i];
        uint64_t s, l;

        if (strcmp(e->name, ref[i].name) != 0 || e->start != ref[i].start ||
            e->length != ref[i].length)
            fail("an entry differs from the reference's", data, size);
        if (!e->name[0] || strpbrk(e->name, " \t\r\n\"#${}/"))
            fail("a name $asinfo_*{NAME} cannot name was accepted", data, size);
        if (e->length > UINT64_MAX - e->start)
            fail("START + LENGTH wraps", data, size);
        if (qx_asinfo_lookup(&a, e->name, &s, &l) || s != e->start || l != e->length)
            fail("an entry does not round-trip through qx_asinfo_lookup", data, size);
    }
    qx_asinfo_dispose(&a);
    free(ref);
    free(copy);
    return 0;
}
