/* SPDX-License-Identifier: LGPL-2.1-only */
/* Output formats of the reference page generator: the same calls write
 * roff (man 7) or Markdown. */
#ifndef DOCS_REF_OUT_H
#define DOCS_REF_OUT_H

#include <stdio.h>

struct ref_out {
    void (*begin)(FILE *f);
    void (*section)(FILE *f, const char *title);    /* .SH / ## */
    void (*subsection)(FILE *f, const char *title); /* .SS / ### */
    /* A paragraph; `text` may hold `code` spans (backquotes). */
    void (*para)(FILE *f, const char *text);
    /* A tagged item: bold `name`, italic `args` (may be empty), text. */
    void (*item)(FILE *f, const char *name, const char *args, const char *text);
    /* Literal lines (a synopsis, an example). */
    void (*verbatim)(FILE *f, const char *text);
    /* Markdown text (the lexical rules page) whose "## " headings become
     * subsections. */
    void (*markdown)(FILE *f, const char *text);
};

extern const struct ref_out ref_roff;
extern const struct ref_out ref_md;

/* Writes s with roff's special characters escaped; `code` spans in bold. */
void roff_inline(FILE *f, const char *s, size_t len);

/* The Markdown subset of the docs/ pages, to roff: "## " headings, paragraphs,
 * "- " lists (with indented continuation lines), pipe tables, indented
 * code blocks and `code` spans. */
void md_to_roff(FILE *f, const char *text);

#endif
