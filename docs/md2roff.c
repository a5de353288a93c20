/* SPDX-License-Identifier: LGPL-2.1-only */
/* The small Markdown subset of the docs/ pages, converted to man(7) requests. */
#include <stdbool.h>
#include <string.h>

#include "docs/ref-out.h"

enum block { B_NONE, B_PARA, B_LIST, B_CODE, B_TABLE };

static bool starts(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static void trim(const char **s, size_t *len)
{
    while (*len && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\r'))
        (*len)--;
}

/* A table row "| a | b |" as a tagged paragraph: the first cell is the tag,
 * the other cells its text. Separator rows (|---|) are skipped. */
static void table_row(FILE *f, const char *s, size_t len)
{
    const char *end = s + len;
    int cell = 0;

    if (strspn(s, "|-: ") >= len)
        return;
    s++;
    while (s < end) {
        const char *bar = memchr(s, '|', (size_t)(end - s));
        const char *c = s;
        size_t l = bar ? (size_t)(bar - s) : (size_t)(end - s);
        trim(&c, &l);
        if (!bar && !l)
            break;
        fputs(cell == 0 ? ".TP\n" : "", f);
        if (l) {
            roff_inline(f, c, l);
            fputc('\n', f);
        }
        cell++;
        s = bar ? bar + 1 : end;
    }
}

/* A code line keeps its indentation beyond the first four spaces; only the
 * backslash and '-' need escaping in literal text. */
static void code_line(FILE *f, const char *s, size_t len)
{
    fputs("\\&", f);
    for (size_t i = 4; i < len && s[i] != '\r'; i++) {
        if (s[i] == '\\')
            fputs("\\e", f);
        else if (s[i] == '-')
            fputs("\\-", f);
        else
            fputc(s[i], f);
    }
    fputc('\n', f);
}

void md_to_roff(FILE *f, const char *text)
{
    enum block b = B_NONE;
    bool table_head = false;
    size_t blanks = 0; /* inside a code block, emitted only if it goes on */
    const char *p = text;

    while (*p) {
        const char *line = p, *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *s = line;
        size_t l = len;
        bool indented = starts(line, len, "    ");

        p += len + (nl != NULL);
        trim(&s, &l);
        if (b == B_CODE && l && !indented) {
            fputs(".fi\n.RE\n", f);
            b = B_NONE;
            blanks = 0;
        }
        if (!l) {
            if (b == B_CODE)
                blanks++;
            else
                b = B_NONE;
            continue;
        }
        if (b == B_CODE || (b == B_NONE && indented)) {
            if (b != B_CODE)
                fputs(".PP\n.RS 4\n.nf\n", f);
            b = B_CODE;
            for (; blanks; blanks--)
                fputc('\n', f);
            code_line(f, line, len);
        } else if (starts(s, l, "# ")) {
            continue; /* the page title */
        } else if (starts(s, l, "## ")) {
            fputs(".SS ", f);
            roff_inline(f, s + 3, l - 3);
            fputc('\n', f);
            b = B_NONE;
        } else if (s[0] == '|') {
            if (b != B_TABLE)
                table_head = true;
            b = B_TABLE;
            if (!table_head)
                table_row(f, s, l);
            else if (strspn(s, "|-: ") >= l)
                table_head = false; /* the header ends at its separator */
        } else if (starts(s, l, "- ")) {
            fputs(".IP \\(bu 2\n", f);
            roff_inline(f, s + 2, l - 2);
            fputc('\n', f);
            b = B_LIST;
        } else {
            if (b == B_NONE || b == B_TABLE)
                fputs(".PP\n", f);
            if (b != B_LIST)
                b = B_PARA;
            roff_inline(f, s, l);
            fputc('\n', f);
        }
    }
    if (b == B_CODE)
        fputs(".fi\n.RE\n", f);
}
