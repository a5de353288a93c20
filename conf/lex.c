/* SPDX-License-Identifier: LGPL-2.1-only */
/* Tokenising a qvmconf text into words (quotes, comments, backslashes),
 * and the word list with the arena that holds the word texts. */
#include <stdlib.h>
#include <string.h>

#include "conf/lex-internal.h"

/* Word texts live in chunks that never move, so a word's text stays valid
 * as long as its qc_words. The word being built sits at the end of the
 * newest chunk and is moved to a bigger chunk when it outgrows it. */
struct qc_chunk {
    struct qc_chunk *next;
    size_t cap;
    size_t used; /* committed bytes (words and their NULs) */
    size_t open; /* bytes of the word being built, after `used` */
    char data[];
};

#define CHUNK_MIN (64u << 10)

/* Only this many control-character errors per source: a binary file fed by
 * mistake should give a short report, not one line per byte. */
#define MAX_CTRL_ERRORS 20

void qc_words_init(struct qc_words *w)
{
    memset(w, 0, sizeof(*w));
}

void qc_words_dispose(struct qc_words *w)
{
    struct qc_chunk *c = w->arena;

    while (c) {
        struct qc_chunk *next = c->next;

        free(c);
        c = next;
    }
    free(w->items);
    memset(w, 0, sizeof(*w));
}

uint32_t qc_words_new_seg_(struct qc_words *w)
{
    return w->next_seg++;
}

/* Makes room for `n` more bytes of the open word plus its NUL; a new
 * chunk gets `slack` times what is needed (at least CHUNK_MIN). */
static int reserve_slack(struct qc_words *w, size_t n, size_t slack)
{
    struct qc_chunk *c = w->arena, *nc;
    size_t open = c ? c->open : 0, need = open + n + 1, cap;

    if (c && c->cap - c->used >= need)
        return 0;
    if (need < n || need > (SIZE_MAX - sizeof(*nc)) / slack)
        return -1;
    cap = need * slack > CHUNK_MIN ? need * slack : CHUNK_MIN;
    nc = malloc(sizeof(*nc) + cap);
    if (!nc)
        return -1;
    nc->next = c;
    nc->cap = cap;
    nc->used = 0;
    nc->open = open;
    if (open)
        memcpy(nc->data, c->data + c->used, open);
    if (c)
        c->open = 0;
    w->arena = nc;
    return 0;
}

static int reserve(struct qc_words *w, size_t n)
{
    return reserve_slack(w, n, 2);
}

int qc_word_begin_(struct qc_words *w)
{
    if (w->arena)
        w->arena->open = 0;
    return 0;
}

int qc_word_put_(struct qc_words *w, const char *p, size_t n)
{
    struct qc_chunk *c = w->arena;

    /* The common case, room in the current chunk, without a call. */
    if ((!c || c->cap - c->used - c->open <= n) && reserve(w, n))
        return -1;
    c = w->arena;
    memcpy(c->data + c->used + c->open, p, n);
    c->open += n;
    return 0;
}

const char *qc_word_peek_(const struct qc_words *w, size_t *len_r)
{
    const struct qc_chunk *c = w->arena;

    *len_r = c ? c->open : 0;
    return c ? c->data + c->used : "";
}

void qc_word_drop_(struct qc_words *w)
{
    if (w->arena)
        w->arena->open = 0;
}

/* Makes room for `n` more words in w->items. */
static int reserve_items(struct qc_words *w, size_t n)
{
    size_t ncap;
    struct qc_word *items;

    if (w->cap - w->count >= n)
        return 0;
    ncap = w->cap ? w->cap * 2 : 64;
    if (ncap - w->count < n)
        ncap = w->count + n;
    if (ncap < w->count || ncap > SIZE_MAX / sizeof(*items))
        return -1;
    items = realloc(w->items, ncap * sizeof(*items));
    if (!items)
        return -1;
    w->items = items;
    w->cap = ncap;
    return 0;
}

int qc_words_reserve_(struct qc_words *w, size_t bytes)
{
    /* Words average about 8 bytes of text; a short guess only costs a
     * doubling later, pages never touched cost nothing. Word texts are
     * at most as long as the text, substitutions aside. */
    if (reserve_items(w, bytes / 8 + 16))
        return -1;
    return reserve_slack(w, bytes, 1);
}

int qc_word_end_(struct qc_words *w, struct qc_loc loc, uint32_t seg, bool quoted)
{
    struct qc_chunk *c = w->arena;
    struct qc_word *it;

    if ((!c || c->cap - c->used - c->open < 1) && reserve(w, 0))
        return -1;
    if (w->count == w->cap && reserve_items(w, 1))
        return -1;
    c = w->arena;
    it = &w->items[w->count++];
    it->text = c->data + c->used;
    it->len = c->open;
    it->text[it->len] = '\0';
    it->loc = loc;
    it->seg = seg;
    it->quoted = quoted;
    c->used += c->open + 1;
    c->open = 0;
    return 0;
}

/* Byte classes. PLAIN_OUT: copied as is outside quotes; PLAIN_IN: copied
 * as is inside quotes; CTRL: rejected everywhere but in comments. */
enum { PLAIN_OUT = 1, PLAIN_IN = 2, CTRL = 4 };

#define ANY (PLAIN_OUT | PLAIN_IN)
static const unsigned char cls[256] = {
    [0 ... 8] = CTRL,   ['\t'] = PLAIN_IN,   ['\n'] = 0,       [11 ... 12] = CTRL,
    ['\r'] = PLAIN_IN,  [14 ... 31] = CTRL,  [' '] = PLAIN_IN, ['!'] = ANY,
    ['"'] = 0,          ['#'] = PLAIN_IN,    ['$'] = 0,        ['%' ... '['] = ANY,
    ['\\'] = PLAIN_OUT, [']' ... '~'] = ANY, [0x7f] = CTRL,    [0x80 ... 0xff] = ANY,
};

static bool is_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Where the scanner is in one text. */
struct scan {
    struct qc_reader *r;
    const char *file;
    const char *t;
    size_t n, i;
    uint32_t line;
    size_t line_start;
    unsigned ctrl_errors;
};

static struct qc_loc here(const struct scan *s, size_t at)
{
    struct qc_loc loc = {s->file, s->line, (uint32_t)(at - s->line_start + 1)};

    return loc;
}

static void put(struct scan *s, const char *p, size_t n)
{
    if (qc_word_put_(s->r->out, p, n))
        qc_reader_oom_(s->r, here(s, s->i));
}

static void control_char(struct scan *s)
{
    unsigned char c = (unsigned char)s->t[s->i];

    s->r->failed = true;
    if (++s->ctrl_errors > MAX_CTRL_ERRORS)
        return;
    qc_diag(s->r->d, QC_CK_SYNTAX_CONTROL_CHAR, here(s, s->i),
            "control character 0x%02x is not allowed outside comments%s", c,
            s->ctrl_errors == MAX_CTRL_ERRORS ? " (further ones in this file not reported)" : "");
}

static void dollar(struct scan *s)
{
    size_t k = qc_subst_expand_(s->r, s->t + s->i, s->n - s->i, here(s, s->i));

    if (!k) {
        put(s, "$", 1);
        k = 1;
    }
    /* A substitution's name never contains a newline, so the line count
     * stays right. */
    s->i += k;
}

/* Inside quotes at a backslash: continuation, escape, or a literal one. */
static void backslash(struct scan *s)
{
    const char *p = s->t + s->i;
    size_t left = s->n - s->i;

    if (left >= 2 && p[1] == '\n') {
        s->i += 2;
        s->line++;
        s->line_start = s->i;
    } else if (left >= 3 && p[1] == '\r' && p[2] == '\n') {
        s->i += 3;
        s->line++;
        s->line_start = s->i;
    } else if (left >= 2 && (p[1] == '"' || p[1] == '\\')) {
        put(s, p + 1, 1);
        s->i += 2;
    } else {
        put(s, p, 1);
        s->i++;
    }
}

/* Scans one word starting at s->i; returns false when it was not closed
 * (unterminated quote: the word is dropped). */
static bool scan_word(struct scan *s, bool *quoted_r)
{
    const unsigned char *u = (const unsigned char *)s->t;
    struct qc_loc qloc = {0};
    bool inq = false;

    *quoted_r = false;
    while (s->i < s->n) {
        size_t j = s->i;
        unsigned char c;

        if (!inq) {
            while (j < s->n && (cls[u[j]] & PLAIN_OUT))
                j++;
        } else {
            while (j < s->n && (cls[u[j]] & PLAIN_IN))
                j++;
        }
        if (j > s->i) {
            put(s, s->t + s->i, j - s->i);
            s->i = j;
            continue;
        }
        c = u[s->i];
        if (c == '"') {
            if (!inq)
                qloc = here(s, s->i);
            inq = !inq;
            *quoted_r = true;
            s->i++;
        } else if (c == '$') {
            dollar(s);
        } else if (cls[c] & CTRL) {
            control_char(s);
            s->i++;
        } else if (!inq) {
            break; /* blank or '#': the word ends */
        } else if (c == '\\') {
            backslash(s);
        } else { /* a newline inside quotes is part of the value */
            put(s, "\n", 1);
            s->i++;
            s->line++;
            s->line_start = s->i;
        }
    }
    if (inq) {
        s->r->failed = true;
        qc_diag(s->r->d, QC_CK_SYNTAX_UNTERMINATED_QUOTE, qloc,
                "missing closing '\"' for this quote");
        return false;
    }
    return true;
}

static void include_word(struct scan *s, size_t idx, struct qc_loc wloc)
{
    size_t len;
    const char *p = qc_word_peek_(s->r->out, &len);
    char *path = len ? strndup(p + 1, len - 1) : NULL;

    qc_word_drop_(s->r->out);
    if (!path) {
        qc_reader_oom_(s->r, wloc);
        return;
    }
    qc_include_(s->r, path, wloc, (int)idx);
    free(path);
}

/* A line longer than QC_MAX_LINE is an error and its file is not read: no
 * hand-written configuration has one, and every diagnostic prints its line. */
static bool long_line(struct scan *s, const struct qc_source *src)
{
    if (src->longest <= QC_MAX_LINE)
        return false;
    s->r->failed = true;
    qc_diag(s->r->d, QC_CK_SYNTAX_LINE_TOO_LONG,
            (struct qc_loc){s->file, src->longest_line, QC_MAX_LINE + 1},
            "line of %zu bytes: lines are at most %u bytes; the file is not read", src->longest,
            QC_MAX_LINE);
    return true;
}

void qc_lex_source_(struct qc_reader *r, size_t idx)
{
    /* Copies, not pointers into r->src->items: an include may move it. */
    struct scan s = {
        .r = r,
        .file = r->src->items[idx].name,
        .t = r->src->items[idx].text,
        .n = r->src->items[idx].len,
        .line = 1,
    };
    uint32_t seg = qc_words_new_seg_(r->out);

    if (long_line(&s, &r->src->items[idx]))
        return;
    /* Only a hint: when it fails, the words grow as they come (and report
     * running out of memory if it comes to that). */
    (void)qc_words_reserve_(r->out, s.n);
    while (s.i < s.n) {
        unsigned char c = (unsigned char)s.t[s.i];
        struct qc_loc wloc;
        bool quoted;

        if (c == '\n') {
            s.i++;
            s.line++;
            s.line_start = s.i;
            continue;
        }
        if (is_blank(c)) {
            s.i++;
            continue;
        }
        if (c == '#') {
            const char *nl = memchr(s.t + s.i, '\n', s.n - s.i);

            s.i = nl ? (size_t)(nl - s.t) : s.n;
            continue;
        }
        wloc = here(&s, s.i);
        qc_word_begin_(r->out);
        if (!scan_word(&s, &quoted)) {
            qc_word_drop_(r->out);
            continue;
        }
        /* Only an unquoted '@' as the first byte names a file: "@x" is
         * the literal word @x. */
        if (c == '@') {
            include_word(&s, idx, wloc);
            seg = qc_words_new_seg_(r->out);
            continue;
        }
        if (qc_word_end_(r->out, wloc, seg, quoted))
            qc_reader_oom_(r, wloc);
    }
}
