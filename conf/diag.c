/* SPDX-License-Identifier: LGPL-2.1-only */
/* Diagnostics: collecting them, and printing them gcc-style or as JSON. */
#include <stdlib.h>
#include <string.h>

#include "conf/diag.h"
#include "conf/source.h"

void qc_diags_init(struct qc_diags *d)
{
    memset(d, 0, sizeof(*d));
}

void qc_diags_dispose(struct qc_diags *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->items[i].msg);
        free(d->items[i].note);
    }
    free(d->items);
    memset(d, 0, sizeof(*d));
}

/* The registry: the rows of checks.def, indexed by their enum. */
#define QC_PRE(...) ((const enum qc_check_id[]){__VA_ARGS__, QC_CK_COUNT})
const struct qc_check qc_checks[QC_CK_COUNT] = {
#define QC_CHECK(id, name, sev, pre, kind, help)                                                   \
    [QC_CK_##id] = {name, QC_SEV_##sev, QC_KIND_##kind, pre, help},
#include "conf/checks.def"
};
#undef QC_PRE

const struct qc_check *qc_check_find(const char *name)
{
    for (size_t i = 0; i < QC_CK_COUNT; i++)
        if (!strcmp(qc_checks[i].name, name))
            return &qc_checks[i];
    return NULL;
}

static bool listed(const char *const *list, const char *check)
{
    for (; list && *list; list++)
        if (!strcmp(*list, check))
            return true;
    return false;
}

int qc_vdiag_sev(struct qc_diags *d, enum qc_severity sev, enum qc_check_id id, struct qc_loc loc,
                 const char *fmt, va_list ap)
{
    const char *check = qc_checks[id].name;
    struct qc_diag *it;
    char *msg = NULL;

    /* Only warnings can be turned off or promoted: an error always stops
     * the configuration, whatever the command line says. */
    if (sev == QC_SEV_WARNING && listed(d->disabled, check))
        return -1;
    if (sev == QC_SEV_WARNING && listed(d->promoted, check))
        sev = QC_SEV_ERROR;
    if (d->count == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 16;
        struct qc_diag *n = realloc(d->items, ncap * sizeof(*n));

        if (!n)
            return -1;
        d->items = n;
        d->cap = ncap;
    }
    if (vasprintf(&msg, fmt, ap) < 0)
        return -1;
    it = &d->items[d->count];
    memset(it, 0, sizeof(*it));
    it->sev = sev;
    it->id = id;
    it->check = check;
    it->loc = loc;
    it->msg = msg;
    if (sev == QC_SEV_ERROR)
        d->errors++;
    else if (sev == QC_SEV_WARNING)
        d->warnings++;
    return (int)d->count++;
}

int qc_vdiag(struct qc_diags *d, enum qc_check_id id, struct qc_loc loc, const char *fmt,
             va_list ap)
{
    return qc_vdiag_sev(d, qc_checks[id].sev, id, loc, fmt, ap);
}

int qc_diag_sev(struct qc_diags *d, enum qc_severity sev, enum qc_check_id id, struct qc_loc loc,
                const char *fmt, ...)
{
    va_list ap;
    int idx;

    va_start(ap, fmt);
    idx = qc_vdiag_sev(d, sev, id, loc, fmt, ap);
    va_end(ap);
    return idx;
}

int qc_diag(struct qc_diags *d, enum qc_check_id id, struct qc_loc loc, const char *fmt, ...)
{
    va_list ap;
    int idx;

    va_start(ap, fmt);
    idx = qc_vdiag_sev(d, qc_checks[id].sev, id, loc, fmt, ap);
    va_end(ap);
    return idx;
}

bool qc_diags_failed(const struct qc_diags *d, enum qc_check_id id)
{
    for (size_t i = 0; i < d->count; i++)
        if (d->items[i].id == id && d->items[i].sev == QC_SEV_ERROR)
            return true;
    return false;
}

void qc_diag_note(struct qc_diags *d, int idx, struct qc_loc loc, const char *fmt, ...)
{
    struct qc_diag *it;
    char *note = NULL;
    va_list ap;
    int r;

    if (idx < 0 || (size_t)idx >= d->count)
        return;
    va_start(ap, fmt);
    r = vasprintf(&note, fmt, ap);
    va_end(ap);
    if (r < 0)
        return;
    it = &d->items[idx];
    free(it->note);
    it->note = note;
    it->note_loc = loc;
    it->has_note = true;
}

const char *qc_severity_name(enum qc_severity sev)
{
    switch (sev) {
    case QC_SEV_ERROR:
        return "error";
    case QC_SEV_WARNING:
        return "warning";
    default:
        return "note";
    }
}

static void print_loc(FILE *out, struct qc_loc loc)
{
    fputs(loc.file ? loc.file : "<unknown>", out);
    if (loc.line) {
        fprintf(out, ":%u", (unsigned)loc.line);
        if (loc.col)
            fprintf(out, ":%u", (unsigned)loc.col);
    }
}

/* The source line, then a caret under column `col`. Control characters
 * print as '?' so a stray escape byte cannot upset the terminal; tabs are
 * copied into the caret line and UTF-8 continuation bytes skipped there,
 * so the caret lines up with what the terminal shows. */
static void print_caret(FILE *out, const struct qc_sources *src, struct qc_loc loc)
{
    const unsigned char *p;
    size_t len, i;

    if (!src || !loc.file || !loc.line || !loc.col)
        return;
    p = (const unsigned char *)qc_sources_line(src, loc.file, loc.line, &len);
    if (!p)
        return;
    for (i = 0; i < len; i++)
        fputc(p[i] == '\t' || (p[i] >= 0x20 && p[i] != 0x7f) ? p[i] : '?', out);
    fputc('\n', out);
    for (i = 0; i + 1 < loc.col && i < len; i++) {
        if (p[i] == '\t')
            fputc('\t', out);
        else if ((p[i] & 0xc0) != 0x80)
            fputc(' ', out);
    }
    fputs("^\n", out);
}

void qc_diags_print(FILE *out, const struct qc_diags *d, const struct qc_sources *src)
{
    size_t shown = d->count < QC_DIAG_PRINT_MAX ? d->count : QC_DIAG_PRINT_MAX;

    for (size_t i = 0; i < shown; i++) {
        const struct qc_diag *it = &d->items[i];

        print_loc(out, it->loc);
        fprintf(out, ": %s: %s [%s]\n", qc_severity_name(it->sev), it->msg,
                it->check ? it->check : "");
        print_caret(out, src, it->loc);
        if (it->has_note) {
            print_loc(out, it->note_loc);
            fprintf(out, ": note: %s\n", it->note ? it->note : "");
            print_caret(out, src, it->note_loc);
        }
    }
    if (shown < d->count) {
        size_t errors = 0;
        for (size_t i = shown; i < d->count; i++)
            errors += d->items[i].sev == QC_SEV_ERROR;
        fprintf(out, "... and %zu more diagnostics (%zu errors) not shown; --json lists all\n",
                d->count - shown, errors);
    }
}

void qc_diags_print_summary(FILE *out, const struct qc_diags *d)
{
    if (!d->errors && !d->warnings)
        return;
    if (d->errors)
        fprintf(out, "%zu error%s", d->errors, d->errors == 1 ? "" : "s");
    if (d->errors && d->warnings)
        fputs(", ", out);
    if (d->warnings)
        fprintf(out, "%zu warning%s", d->warnings, d->warnings == 1 ? "" : "s");
    fputc('\n', out);
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
    size_t len, i;
    uint32_t cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xc2 && p[0] <= 0xdf) {
        len = 2;
        cp = p[0] & 0x1f;
    } else if (p[0] >= 0xe0 && p[0] <= 0xef) {
        len = 3;
        cp = p[0] & 0x0f;
    } else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
        len = 4;
        cp = p[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3f);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* A JSON string; bytes that are not valid UTF-8 become U+FFFD so the
 * output stays valid JSON whatever the configuration contained. */
void qc_json_str(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n;

    if (!s) {
        fputs("null", out);
        return;
    }
    n = strlen(s);
    fputc('"', out);
    while (n) {
        size_t l = utf8_len(p, n);

        if (!l) {
            fputs("\\ufffd", out);
            l = 1;
        } else if (*p == '"' || *p == '\\') {
            fputc('\\', out);
            fputc(*p, out);
        } else if (*p == '\n') {
            fputs("\\n", out);
        } else if (*p == '\t') {
            fputs("\\t", out);
        } else if (*p < 0x20 || *p == 0x7f) {
            fprintf(out, "\\u%04x", *p);
        } else {
            fwrite(p, 1, l, out);
        }
        p += l;
        n -= l;
    }
    fputc('"', out);
}

static void json_loc(FILE *out, struct qc_loc loc)
{
    fputs("\"file\": ", out);
    qc_json_str(out, loc.file);
    fprintf(out, ", \"line\": %u, \"col\": %u", (unsigned)loc.line, (unsigned)loc.col);
}

void qc_diags_print_json(FILE *out, const struct qc_diags *d)
{
    fputc('[', out);
    for (size_t i = 0; i < d->count; i++) {
        const struct qc_diag *it = &d->items[i];

        fputs(i ? ",\n  {" : "\n  {", out);
        fprintf(out, "\"severity\": \"%s\", \"check\": ", qc_severity_name(it->sev));
        qc_json_str(out, it->check);
        fputs(", ", out);
        json_loc(out, it->loc);
        fputs(", \"message\": ", out);
        qc_json_str(out, it->msg);
        fputs(", \"note\": ", out);
        if (it->has_note) {
            fputc('{', out);
            json_loc(out, it->note_loc);
            fputs(", \"message\": ", out);
            qc_json_str(out, it->note);
            fputc('}', out);
        } else {
            fputs("null", out);
        }
        fputc('}', out);
    }
    fputs(d->count ? "\n]\n" : "]\n", out);
}
