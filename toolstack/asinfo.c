/* SPDX-License-Identifier: LGPL-2.1-only */
/* Parsing the host description file that resolves $asinfo_* substitutions. */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "toolstack/asinfo.h"
#include "conf/source.h"

void qx_asinfo_init(struct qx_asinfo *a)
{
    a->v = NULL;
    a->n = 0;
    a->cap = 0;
}

void qx_asinfo_dispose(struct qx_asinfo *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i].name);
    free(a->v);
    qx_asinfo_init(a);
}

static const struct qx_asinfo_entry *find(const struct qx_asinfo *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].name, name) == 0)
            return &a->v[i];
    return NULL;
}

/* The names seen so far, hashed, so a large file is not quadratic. Slots
 * hold an entry index + 1 (0: free). */
struct names {
    size_t *slot;
    unsigned *line; /* per entry index: its line in this file, 0 when earlier */
    size_t cap;     /* a power of two */
};

static uint64_t hash(const char *s)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
    return h;
}

/* The slot of @name: where it is, or the free one where it would go. */
static size_t *names_slot(const struct names *t, const struct qx_asinfo *a, const char *name)
{
    size_t i = (size_t)hash(name) & (t->cap - 1);

    while (t->slot[i] && strcmp(a->v[t->slot[i] - 1].name, name) != 0)
        i = (i + 1) & (t->cap - 1);
    return &t->slot[i];
}

/* Room for @n entries at most half full; rehashes a->v[0..a->n). */
static int names_grow(struct names *t, const struct qx_asinfo *a, size_t n)
{
    size_t cap = t->cap ? t->cap : 64;
    size_t *slot;
    unsigned *line;

    if (n <= t->cap / 2)
        return 0;
    while (n > cap / 2)
        cap *= 2;
    slot = calloc(cap, sizeof(*slot));
    line = realloc(t->line, cap * sizeof(*line));
    if (!slot || !line) {
        free(slot);
        if (line)
            t->line = line;
        return -1;
    }
    memset(line + t->cap, 0, (cap - t->cap) * sizeof(*line));
    free(t->slot);
    t->slot = slot;
    t->line = line;
    t->cap = cap;
    for (size_t i = 0; i < a->n; i++)
        *names_slot(t, a, a->v[i].name) = i + 1;
    return 0;
}

/* One parse: where messages go and how many were printed. */
struct ctx {
    const char *name;
    FILE *err;
    unsigned errors;
};

static void error_at(struct ctx *c, unsigned line, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void error_at(struct ctx *c, unsigned line, size_t col, const char *fmt, ...)
{
    va_list ap;

    if (++c->errors > QX_ASINFO_MAX_ERRORS) {
        if (c->errors == QX_ASINFO_MAX_ERRORS + 1)
            fprintf(c->err, "%s: note: more errors, not reported\n", c->name);
        return;
    }
    fprintf(c->err, "%s:%u:%zu: error: ", c->name, line, col);
    va_start(ap, fmt);
    vfprintf(c->err, fmt, ap);
    va_end(ap);
    fputc('\n', c->err);
}

/* Strict unsigned number, all of w[0..len): 0x (or 0X) and hex digits, or
 * decimal digits; at most 64 bits. 0, or -1 with *bad the offset of the
 * offending character (len: too large). */
static int parse_num(const char *w, size_t len, uint64_t *v, size_t *bad)
{
    unsigned base = 10;
    size_t i = 0;

    *v = 0;
    if (len > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        base = 16;
        i = 2;
    }
    for (; i < len; i++) {
        unsigned char ch = (unsigned char)w[i];
        unsigned dg = 99;

        if (ch >= '0' && ch <= '9')
            dg = ch - '0';
        else if (ch >= 'a' && ch <= 'f')
            dg = ch - 'a' + 10u;
        else if (ch >= 'A' && ch <= 'F')
            dg = ch - 'A' + 10u;
        if (dg >= base) {
            *bad = i;
            return -1;
        }
        if (*v > (UINT64_MAX - dg) / base) {
            *bad = len;
            return -1;
        }
        *v = *v * base + dg;
    }
    return 0;
}

/* A byte $asinfo_start{NAME} can take (conf/subst.c), but for '/': a
 * path, which $asinfo_* never looks up. */
static bool name_byte(unsigned char ch)
{
    return ch > 0x20 && ch != 0x7f && !strchr("\"#${}/", ch);
}

struct field {
    const char *p;
    size_t len, col;
};

/* One line (without its newline): 0, or -1 when it is in error (reported). */
static int parse_line(struct qx_asinfo *a, struct names *t, struct ctx *c, unsigned lineno,
                      const char *line, size_t len, int *oom)
{
    struct field f[3];
    size_t nf = 0, i = 0;
    uint64_t num[2];
    const char *what[2] = {"START", "LENGTH"};
    const char *nul = memchr(line, '\0', len);

    if (nul) { /* anywhere, comments too: not a text file */
        error_at(c, lineno, (size_t)(nul - line) + 1, "NUL byte: the host description is text");
        return -1;
    }
    if (memchr(line, '#', len))
        len = (size_t)((const char *)memchr(line, '#', len) - line);
    while (i < len) {
        unsigned char ch = (unsigned char)line[i];
        size_t start;

        if (ch == ' ' || ch == '\t' || ch == '\r') {
            i++;
            continue;
        }
        if (ch < 0x20 || ch == 0x7f) {
            error_at(c, lineno, i + 1, "control character 0x%02x", ch);
            return -1;
        }
        if (nf == 3) {
            error_at(c, lineno, i + 1, "unexpected text after NAME START LENGTH");
            return -1;
        }
        start = i;
        while (i < len && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
               !((unsigned char)line[i] < 0x20 || line[i] == 0x7f))
            i++;
        f[nf++] = (struct field){line + start, i - start, start + 1};
    }
    if (nf == 0)
        return 0;
    if (nf < 3) {
        error_at(c, lineno, nf == 1 ? f[0].col + f[0].len : f[1].col + f[1].len,
                 "expected NAME START LENGTH (%s missing)", nf == 1 ? "START" : "LENGTH");
        return -1;
    }
    /* nf == 3: fields are never empty, so the name is not. */
    for (size_t k = 0; k < f[0].len; k++) {
        if (!name_byte((unsigned char)f[0].p[k])) {
            error_at(c, lineno, f[0].col + k,
                     "'%c' in NAME: $asinfo_start{NAME} could not name this entry", f[0].p[k]);
            return -1;
        }
    }
    for (int k = 0; k < 2; k++) {
        size_t bad;
        if (parse_num(f[k + 1].p, f[k + 1].len, &num[k], &bad)) {
            if (bad == f[k + 1].len)
                error_at(c, lineno, f[k + 1].col, "%s '%.*s' does not fit in 64 bits", what[k],
                         (int)f[k + 1].len, f[k + 1].p);
            else
                error_at(c, lineno, f[k + 1].col + bad,
                         "%s '%.*s' is not a number (0x hexadecimal or decimal)", what[k],
                         (int)f[k + 1].len, f[k + 1].p);
            return -1;
        }
    }
    if (num[1] > UINT64_MAX - num[0]) {
        error_at(c, lineno, f[1].col,
                 "START + LENGTH (0x%llx + 0x%llx) goes past the 64-bit address space",
                 (unsigned long long)num[0], (unsigned long long)num[1]);
        return -1;
    }
    char *n = strndup(f[0].p, f[0].len);
    if (!n || names_grow(t, a, a->n + 1)) {
        free(n);
        *oom = 1;
        return -1;
    }
    size_t *slot = names_slot(t, a, n);
    if (*slot) {
        unsigned first = t->line[*slot - 1];
        if (first)
            error_at(c, lineno, f[0].col, "'%s' is described twice (first on line %u)", n, first);
        else
            error_at(c, lineno, f[0].col, "'%s' is described twice", n);
        free(n);
        return -1;
    }
    if (a->n == a->cap) { /* doubling: a large file stays linear */
        size_t cap = a->cap ? 2 * a->cap : 16;
        struct qx_asinfo_entry *v = realloc(a->v, cap * sizeof(*v));
        if (!v) {
            free(n);
            *oom = 1;
            return -1;
        }
        a->v = v;
        a->cap = cap;
    }
    *slot = a->n + 1;
    t->line[a->n] = lineno;
    a->v[a->n++] = (struct qx_asinfo_entry){n, num[0], num[1]};
    return 0;
}

int qx_asinfo_parse_n(struct qx_asinfo *a, const char *name, const char *text, size_t len,
                      FILE *err)
{
    struct names t = {NULL, NULL, 0};
    struct ctx c = {name, err, 0};
    unsigned lineno = 0;
    int rc = 0, oom = 0;

    if (names_grow(&t, a, a->n + 1)) {
        rc = -1;
        oom = 1;
    }
    for (size_t off = 0; !oom && off < len;) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t l = nl ? (size_t)(nl - (text + off)) : len - off;

        lineno++;
        if (parse_line(a, &t, &c, lineno, text + off, l, &oom))
            rc = -1;
        off += l + 1;
    }
    if (oom)
        fprintf(err, "%s: error: out of memory\n", name);
    free(t.slot);
    free(t.line);
    return rc;
}

int qx_asinfo_parse(struct qx_asinfo *a, const char *name, const char *text, FILE *err)
{
    return qx_asinfo_parse_n(a, name, text, strlen(text), err);
}

int qx_asinfo_load(struct qx_asinfo *a, const char *path, int must_exist, FILE *err)
{
    char *text = NULL;
    size_t len = 0;
    int e = qc_read_regular_file(path, QX_ASINFO_MAX, &text, &len), rc;

    if (e == ENOENT && !must_exist)
        return 0;
    if (e == EFBIG) {
        fprintf(err, "qvm-xl: %s: cannot read the host description: larger than %d bytes\n", path,
                QX_ASINFO_MAX);
        return -1;
    }
    if (e) {
        fprintf(err, "qvm-xl: %s: cannot read the host description: %s\n", path,
                qc_file_strerror(e));
        return -1;
    }
    rc = qx_asinfo_parse_n(a, path, text, len, err);
    free(text);
    return rc;
}

int qx_asinfo_lookup(void *opaque, const char *name, uint64_t *start, uint64_t *length)
{
    const struct qx_asinfo_entry *e = find(opaque, name);

    if (!e)
        return -1;
    *start = e->start;
    *length = e->length;
    return 0;
}
