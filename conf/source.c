/* SPDX-License-Identifier: LGPL-2.1-only */
/* Configuration sources: files, @file includes, command-line words. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/lex-internal.h"

#define CMDLINE_NAME "<command-line>"

void qc_sources_init(struct qc_sources *s)
{
    memset(s, 0, sizeof(*s));
}

void qc_sources_dispose(struct qc_sources *s)
{
    for (size_t i = 0; i < s->count; i++) {
        free(s->items[i].name);
        free(s->items[i].text);
        free(s->items[i].line_idx);
    }
    free(s->items);
    memset(s, 0, sizeof(*s));
}

void qc_reader_oom_(struct qc_reader *r, struct qc_loc at)
{
    if (!r->oom)
        qc_diag(r->d, QC_CK_OUT_OF_MEMORY, at, "out of memory");
    r->oom = true;
    r->failed = true;
}

/* One pass over the text: the offset of every QC_LINE_STEP-th line, and the longest line
 * (which the lexer checks against its limit without another pass). */
static int index_lines(struct qc_source *it, const char *text, size_t len)
{
    const char *p = text, *end = text + len, *nl;
    size_t cap = len / 4096 + 1, line = 1;

    it->line_idx = malloc(cap * sizeof(*it->line_idx));
    if (!it->line_idx)
        return -1;
    it->line_idx[it->nline_idx++] = 0;
    for (;; p = nl + 1, line++) {
        nl = memchr(p, '\n', (size_t)(end - p));
        size_t l = (size_t)((nl ? nl : end) - p);
        if (l > it->longest) {
            it->longest = l;
            it->longest_line = (uint32_t)line;
        }
        if (!nl)
            break;
        if ((line + 1) % QC_LINE_STEP != 1)
            continue;
        if (it->nline_idx == cap) {
            size_t *n = realloc(it->line_idx, 2 * cap * sizeof(*n));
            if (!n)
                return -1;
            it->line_idx = n, cap *= 2;
        }
        it->line_idx[it->nline_idx++] = (size_t)(nl + 1 - text);
    }
    return 0;
}

/* Appends a source taking ownership of `name` and `text`; returns its
 * index or -1 (and frees both) when out of memory. */
static int add_source(struct qc_sources *s, char *name, char *text, size_t len, int parent,
                      struct qc_loc from)
{
    struct qc_source *it;

    if (!name || !text)
        goto fail;
    if (s->count == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 8;
        struct qc_source *n = realloc(s->items, ncap * sizeof(*n));

        if (!n)
            goto fail;
        s->items = n;
        s->cap = ncap;
    }
    it = &s->items[s->count];
    memset(it, 0, sizeof(*it));
    if (index_lines(it, text, len))
        goto fail;
    it->name = name;
    it->text = text;
    it->len = len;
    it->parent = parent;
    it->included_from = from;
    return (int)s->count++;
fail:
    free(name);
    free(text);
    return -1;
}

/* Reads all of fd into a NUL-terminated buffer; returns 0, an errno
 * value, or EFBIG when the file has more than `max` bytes. Reads until
 * EOF rather than trusting st_size, so a file that grows is still bounded. */
static int read_all(int fd, size_t hint, size_t max, char **text_r, size_t *len_r)
{
    size_t cap = (hint && hint <= max ? hint : 4096) + 1, len = 0;
    char *buf = malloc(cap), *n;
    int rc;

    if (!buf)
        return ENOMEM;
    for (;;) {
        ssize_t got;

        if (len + 1 == cap) {
            if (len > max) {
                rc = EFBIG;
                goto out;
            }
            cap = cap * 2;
            n = realloc(buf, cap);
            if (!n) {
                rc = ENOMEM;
                goto out;
            }
            buf = n;
        }
        got = read(fd, buf + len, cap - 1 - len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = errno;
            goto out;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    if (len > max) {
        rc = EFBIG;
        goto out;
    }
    buf[len] = '\0';
    *text_r = buf;
    *len_r = len;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    return rc;
}

int qc_open_regular(const char *path, struct stat *st)
{
    /* O_NONBLOCK: opening a FIFO without a writer must not wait. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), e;

    if (fd < 0)
        return -1;
    if (fstat(fd, st)) {
        e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st->st_mode)) {
        close(fd);
        errno = S_ISDIR(st->st_mode) ? EISDIR : QC_ENOTREG;
        return -1;
    }
    return fd;
}

const char *qc_file_strerror(int err)
{
    return err == QC_ENOTREG ? "not a regular file (a FIFO, socket or device)" : strerror(err);
}

int qc_read_regular_file(const char *path, size_t max, char **text_r, size_t *len_r)
{
    struct stat st;
    int fd = qc_open_regular(path, &st), rc;

    if (fd < 0)
        return errno;
    rc = (uint64_t)st.st_size > max ? EFBIG : read_all(fd, (size_t)st.st_size, max, text_r, len_r);
    close(fd);
    return rc;
}

/* The source among `idx` and its includers that is file (dev, ino), or
 * -1: that file is being read right now. */
static int active_with_id(const struct qc_sources *s, int idx, uint64_t dev, uint64_t ino)
{
    for (; idx >= 0; idx = s->items[idx].parent)
        if (s->items[idx].has_id && s->items[idx].dev == dev && s->items[idx].ino == ino)
            return idx;
    return -1;
}

void qc_include_(struct qc_reader *r, const char *path, struct qc_loc at, int parent)
{
    struct stat st;
    char *text = NULL;
    size_t len = 0;
    int fd = -1, idx, err, again;

    if (r->no_includes) {
        r->failed = true;
        qc_diag(r->d, QC_CK_INCLUDE_DISABLED, at, "cannot include '%s': includes are disabled here",
                path);
        goto out;
    }
    if (r->depth >= r->max_depth) {
        r->failed = true;
        qc_diag(r->d, QC_CK_INCLUDE_DEPTH, at, "cannot include '%s': more than %u files nested",
                path, r->max_depth);
        goto out;
    }
    fd = qc_open_regular(path, &st);
    if (fd < 0) {
        r->failed = true;
        qc_diag(r->d, QC_CK_INCLUDE_UNREADABLE, at, "cannot read '%s': %s", path,
                qc_file_strerror(errno));
        goto out;
    }
    again = active_with_id(r->src, parent, (uint64_t)st.st_dev, (uint64_t)st.st_ino);
    if (again >= 0) {
        const struct qc_source *o = &r->src->items[again];
        int di = qc_diag(r->d, QC_CK_INCLUDE_RECURSION, at,
                         "'%s' includes itself (it is being read already)", path);

        r->failed = true;
        if (o->included_from.file)
            qc_diag_note(r->d, di, o->included_from, "'%s' was included here", o->name);
        goto out;
    }
    if ((uint64_t)st.st_size > r->max_size)
        err = EFBIG;
    else if (r->total_exceeded ||
             (uint64_t)st.st_size + QC_INCLUDE_MIN_COST > r->max_total - r->total)
        err = E2BIG;
    else
        err = read_all(fd, (size_t)st.st_size, r->max_size, &text, &len);
    if (err == EFBIG) {
        r->failed = true;
        qc_diag(r->d, QC_CK_INCLUDE_TOO_LARGE, at, "cannot read '%s': larger than %zu bytes", path,
                r->max_size);
        goto out;
    }
    if (!err && len + QC_INCLUDE_MIN_COST > r->max_total - r->total) /* it grew meanwhile */
        err = E2BIG;
    if (err == E2BIG) { /* reported once: the includes after it are not read either */
        if (!r->total_exceeded)
            qc_diag(r->d, QC_CK_INCLUDE_TOTAL, at,
                    "cannot read '%s': the configuration's files would exceed %zu bytes "
                    "in all",
                    path, r->max_total);
        r->failed = r->total_exceeded = true;
        goto out;
    }
    r->total += len + QC_INCLUDE_MIN_COST;
    if (err) {
        r->failed = true;
        qc_diag(r->d, QC_CK_INCLUDE_UNREADABLE, at, "cannot read '%s': %s", path, strerror(err));
        goto out;
    }
    idx = add_source(r->src, strdup(path), text, len, parent, at);
    text = NULL;
    if (idx < 0) {
        qc_reader_oom_(r, at);
        goto out;
    }
    r->src->items[idx].has_id = true;
    r->src->items[idx].dev = (uint64_t)st.st_dev;
    r->src->items[idx].ino = (uint64_t)st.st_ino;
    r->depth++;
    qc_lex_source_(r, (size_t)idx);
    r->depth--;
out:
    if (fd >= 0)
        close(fd);
    free(text);
}

static void reader_init(struct qc_reader *r, struct qc_sources *src, struct qc_words *out,
                        const struct qc_read_opts *opts, struct qc_diags *d)
{
    memset(r, 0, sizeof(*r));
    r->src = src;
    r->out = out;
    r->d = d;
    r->subst = opts ? opts->subst : NULL;
    r->max_depth =
        opts && opts->max_include_depth ? opts->max_include_depth : QC_DEFAULT_MAX_INCLUDE_DEPTH;
    r->max_size = opts && opts->max_file_size ? opts->max_file_size : QC_DEFAULT_MAX_FILE_SIZE;
    r->max_total = opts && opts->max_total_size ? opts->max_total_size : QC_DEFAULT_MAX_TOTAL_SIZE;
    r->no_includes = opts && opts->no_includes;
}

/* The command line as one display text: the words joined by one space,
 * newlines shown as spaces so that everything stays on "line 1". */
static char *join_args(int argc, const char *const *argv, size_t *len_r)
{
    size_t len = 0, o = 0;
    char *t;

    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + (i > 0);
    t = malloc(len + 1);
    if (!t)
        return NULL;
    for (int i = 0; i < argc; i++) {
        size_t l = strlen(argv[i]);

        if (i)
            t[o++] = ' ';
        memcpy(t + o, argv[i], l);
        o += l;
    }
    t[o] = '\0';
    for (char *p = t; (p = strchr(p, '\n'));)
        *p++ = ' ';
    *len_r = len;
    return t;
}

/* One literal command-line word, with $-substitution. */
static void arg_word(struct qc_reader *r, const char *w, struct qc_loc loc, uint32_t seg)
{
    size_t n = strlen(w), i = 0;

    qc_word_begin_(r->out);
    while (i < n) {
        const char *dl = memchr(w + i, '$', n - i);
        size_t run = dl ? (size_t)(dl - (w + i)) : n - i, k;
        struct qc_loc at = loc;

        if (run && qc_word_put_(r->out, w + i, run))
            qc_reader_oom_(r, loc);
        i += run;
        if (i == n)
            break;
        at.col += (uint32_t)i;
        k = qc_subst_expand_(r, w + i, n - i, at);
        if (!k) {
            if (qc_word_put_(r->out, "$", 1))
                qc_reader_oom_(r, loc);
            k = 1;
        }
        i += k;
    }
    if (qc_word_end_(r->out, loc, seg, false))
        qc_reader_oom_(r, loc);
}

int qc_read_args(struct qc_sources *src, struct qc_words *out, int argc, const char *const *argv,
                 const struct qc_read_opts *opts, struct qc_diags *d)
{
    struct qc_reader r;
    struct qc_loc loc = {NULL, 1, 1}, none = {NULL, 0, 0};
    size_t len = 0;
    uint32_t seg;
    char *joined;
    int idx;

    reader_init(&r, src, out, opts, d);
    if (argc <= 0)
        return 0;
    joined = join_args(argc, argv, &len);
    idx = add_source(src, strdup(CMDLINE_NAME), joined, len, -1, none);
    if (idx < 0) {
        qc_reader_oom_(&r, loc);
        return -1;
    }
    loc.file = src->items[idx].name;
    seg = qc_words_new_seg_(out);
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '@') {
            qc_include_(&r, argv[i] + 1, loc, idx);
            seg = qc_words_new_seg_(out);
        } else {
            arg_word(&r, argv[i], loc, seg);
        }
        loc.col += (uint32_t)strlen(argv[i]) + 1;
    }
    return r.failed ? -1 : 0;
}

/* Appends a copy of @text as a top-level source: its index, or -1 when out of memory. */
static int add_text(struct qc_sources *s, const char *name, const char *text, size_t len)
{
    struct qc_loc none = {NULL, 0, 0};
    char *copy = malloc(len + 1);

    if (copy) {
        if (len)
            memcpy(copy, text, len);
        copy[len] = '\0';
    }
    return add_source(s, strdup(name), copy, len, -1, none);
}

const char *qc_sources_add_text(struct qc_sources *s, const char *name, const char *text,
                                size_t len)
{
    int idx = add_text(s, name, text, len);

    return idx < 0 ? NULL : s->items[idx].name;
}

int qc_read_text(struct qc_sources *src, struct qc_words *out, const char *name, const char *text,
                 size_t len, const struct qc_read_opts *opts, struct qc_diags *d)
{
    struct qc_reader r;
    struct qc_loc none = {NULL, 0, 0};
    int idx;

    reader_init(&r, src, out, opts, d);
    idx = add_text(src, name, text, len);
    if (idx < 0) {
        qc_reader_oom_(&r, none);
        return -1;
    }
    r.depth = 1;
    qc_lex_source_(&r, (size_t)idx);
    return r.failed ? -1 : 0;
}

const char *qc_sources_line(const struct qc_sources *s, const char *file, uint32_t line,
                            size_t *len_r)
{
    const struct qc_source *it = NULL;
    const char *p, *end, *nl;

    if (!s || !file || !line)
        return NULL;
    /* Locations point at the source's own name, so try identity first. */
    for (size_t i = 0; i < s->count && !it; i++)
        if (s->items[i].name == file)
            it = &s->items[i];
    for (size_t i = 0; i < s->count && !it; i++)
        if (!strcmp(s->items[i].name, file))
            it = &s->items[i];
    if (!it || !it->text)
        return NULL;
    if ((line - 1) / QC_LINE_STEP >= it->nline_idx)
        return NULL;
    p = it->text + it->line_idx[(line - 1) / QC_LINE_STEP];
    end = it->text + it->len;
    for (uint32_t l = (line - 1) / QC_LINE_STEP * QC_LINE_STEP + 1; l < line; l++) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return NULL;
        p = nl + 1;
    }
    nl = memchr(p, '\n', (size_t)(end - p));
    *len_r = (size_t)((nl ? nl : end) - p);
    if (*len_r && p[*len_r - 1] == '\r')
        (*len_r)--;
    return p;
}
