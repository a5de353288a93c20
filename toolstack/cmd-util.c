/* SPDX-License-Identifier: LGPL-2.1-only */
/* The option loop, operands and DOMAIN look-up the commands share (cmd-util.h). */
#include <getopt.h>
#include <stdarg.h>
#include <string.h>

#include "toolstack/cmd-util.h"
#include "toolstack/qvm-xl.h"
#include "toolstack/steps.h"
#include "conf/suggest.h"

int qx_verbosity;

/* Options every command takes. */
static const struct option common_longopts[] = {
    {"help", no_argument, NULL, 'h'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
};
#define NCOMMON      (sizeof(common_longopts) / sizeof(common_longopts[0]))
#define MAX_LONGOPTS 32

/* The command's options plus the common ones (one command runs at a time). */
static struct option merged[MAX_LONGOPTS + NCOMMON + 1];
static char optstring[64];

static void merge(const struct qx_getopt *g)
{
    size_t n = 0, o = 0;
    const char *s = g->optstring ? g->optstring : "";

    for (const struct option *l = g->longopts; l && l->name && n < MAX_LONGOPTS; l++)
        merged[n++] = *l;
    for (size_t i = 0; i < NCOMMON; i++) {
        bool have = false;
        for (size_t k = 0; k < n; k++)
            have |= !strcmp(merged[k].name, common_longopts[i].name);
        if (!have)
            merged[n++] = common_longopts[i];
    }
    memset(&merged[n], 0, sizeof(merged[n]));
    /* '+': stop at the first operand, so that words after FILE stay words;
     * ':': a missing argument is told apart from an unknown option. */
    optstring[o++] = '+';
    optstring[o++] = ':';
    while (*s == '+' || *s == ':')
        s++;
    for (; *s && o < sizeof(optstring) - 4; s++)
        optstring[o++] = *s;
    optstring[o] = '\0';
    for (const char *c = "hqv"; *c; c++)
        if (!strchr(optstring + 2, *c)) {
            optstring[o++] = *c;
            optstring[o] = '\0';
        }
}

static const char *operand_name(const struct qx_getopt *g)
{
    return g->operand ? g->operand : "FILE";
}

static int usage(struct qx_getopt *g, FILE *out, int rc)
{
    qx_cmd_usage(out, qx_cmd_lookup(g->cmd));
    g->rc = rc;
    return QX_OPT_EXIT;
}

int qx_usage_error(struct qx_getopt *g, const char *fmt, ...)
{
    const struct qx_cmd *c = qx_cmd_lookup(g->cmd);
    va_list ap;

    fprintf(stderr, "qvm-xl %s: ", g->cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (c)
        fprintf(stderr, "Usage: qvm-xl %s %s\n", c->name, c->usage);
    fprintf(stderr, "Try 'qvm-xl %s --help' for more information.\n", g->cmd);
    g->rc = QX_EXIT_USAGE;
    return QX_OPT_EXIT;
}

static bool hidden(const struct qx_getopt *g, const char *name)
{
    for (const char *const *h = g->hidden; h && *h; h++)
        if (!strcmp(*h, name))
            return true;
    return false;
}

/* The visible long option with the same meaning as hidden alias @l. */
static const struct option *visible_twin(const struct qx_getopt *g, const struct option *l)
{
    for (const struct option *m = merged; m->name; m++)
        if (!hidden(g, m->name) && m->val == l->val && m->flag == l->flag)
            return m;
    return NULL;
}

/* The long option closest to @word ("--dryrun", "-target"), or NULL; one
 * close to a hidden alias is given by its visible name ("--arhc": --target). */
static const char *suggest_long(const struct qx_getopt *g, const char *word, size_t len)
{
    static char cand[MAX_LONGOPTS + NCOMMON][40], shown[MAX_LONGOPTS + NCOMMON][40];
    struct qc_suggest s;
    const char *hit;
    size_t n = 0;

    qc_suggest_init(&s, word, len);
    for (const struct option *l = merged; l->name && n < sizeof(cand) / sizeof(cand[0]); l++) {
        const struct option *v = hidden(g, l->name) ? visible_twin(g, l) : l;
        if (!v)
            continue;
        snprintf(cand[n], sizeof(cand[n]), "--%s", l->name);
        snprintf(shown[n], sizeof(shown[n]), "--%s", v->name);
        qc_suggest_add(&s, cand[n++]);
    }
    hit = qc_suggest_result(&s);
    for (size_t i = 0; hit && i < n; i++)
        if (hit == cand[i])
            return shown[i];
    return NULL;
}

/* getopt said '?' for argv[at]: say exactly what is wrong with it. */
static int bad_option(struct qx_getopt *g, char **argv, int at)
{
    const char *w = argv[at], *hit;
    size_t wlen = strcspn(w, "=");

    if (w[0] == '-' && w[1] == '-') {
        const char *name = w + 2;
        size_t nlen = wlen - 2, nprefix = 0;
        char list[256] = "";

        for (const struct option *l = merged; l->name; l++) {
            if (strlen(l->name) == nlen && !strncmp(l->name, name, nlen))
                return qx_usage_error(g, "option '--%s' takes no argument", l->name);
            if (!strncmp(l->name, name, nlen) && !hidden(g, l->name)) {
                nprefix++;
                snprintf(list + strlen(list), sizeof(list) - strlen(list), " --%s", l->name);
            }
        }
        if (nprefix > 1)
            return qx_usage_error(g, "option '%.*s' is ambiguous; possibilities:%s", (int)wlen, w,
                                  list);
        hit = suggest_long(g, w, wlen);
        if (hit)
            return qx_usage_error(g, "unknown option '%.*s'; did you mean '%s'?", (int)wlen, w,
                                  hit);
        return qx_usage_error(g, "unknown option '%.*s'", (int)wlen, w);
    }
    /* A short option; "-target" (one dash) may be a long one misspelt. */
    hit = wlen > 2 ? suggest_long(g, w, wlen) : NULL;
    if (hit)
        return qx_usage_error(g, "unknown option '-%c' in '%s'; did you mean '%s'?", optopt, w,
                              hit);
    return qx_usage_error(g, "unknown option '-%c'", optopt);
}

/* getopt said ':' for argv[at]. */
static int missing_argument(struct qx_getopt *g, char **argv, int at)
{
    const char *w = argv[at];

    if (w[0] == '-' && w[1] == '-')
        return qx_usage_error(g, "option '%s' needs an argument", w);
    return qx_usage_error(g, "option '-%c' needs an argument", optopt);
}

static bool looks_like_option(const char *s)
{
    return s[0] == '-' && s[1] != '\0';
}

/* After the options: split the operands into FILEs/DOMAIN and words, and
 * check them. A "--" that getopt took (it ends the options) is not seen here:
 * only a "--" among the operands starts the words. */
static int operands(struct qx_getopt *g, int argc, char **argv)
{
    int first = optind, end = argc, nfiles;

    g->args = argv + first;
    g->wordv = argv + argc;
    g->nwords = 0;
    if (g->words) {
        for (int i = first; i < argc; i++)
            if (!strcmp(argv[i], "--")) {
                end = i;
                g->wordv = argv + i + 1;
                g->nwords = argc - i - 1;
                break;
            }
    }
    nfiles = end - first;
    for (int i = first + 1; i < end; i++)
        if (looks_like_option(argv[i]))
            return qx_usage_error(g, "option '%s' after %s: options go before %s%s", argv[i],
                                  operand_name(g), operand_name(g),
                                  g->words ? " (qvmconf words that start with '-' go after '--')"
                                           : "");
    if (g->words && g->max_args == 1 && nfiles > 1) {
        /* FILE WORD... [-- WORD...]: the words follow FILE, as on qvm's command line. */
        if (g->nwords)
            return qx_usage_error(g, "takes one FILE; '%s' is not after '--'", argv[first + 1]);
        g->wordv = argv + first + 1;
        g->nwords = argc - first - 1;
        nfiles = 1;
    }
    g->nargs = nfiles;
    if (nfiles < g->min_args)
        return qx_usage_error(g, "missing %s", operand_name(g));
    if (g->max_args >= 0 && nfiles > g->max_args) {
        if (g->max_args == 0)
            return qx_usage_error(g, "takes no operand ('%s')", argv[first]);
        return qx_usage_error(g, "takes at most %d %s; unexpected '%s'", g->max_args,
                              operand_name(g), argv[first + g->max_args]);
    }
    return -1;
}

int qx_getopt(struct qx_getopt *g, int argc, char **argv)
{
    int opt, at;

    if (!g->started) {
        optind = 1;
        opterr = 0;
        g->started = 1;
        g->verbosity += qx_verbosity;
        merge(g);
    }
    for (;;) {
        at = optind;
        opt = getopt_long(argc, argv, optstring, merged, NULL);
        switch (opt) {
        case 'q':
            g->verbosity--;
            continue;
        case 'v':
            g->verbosity++;
            continue;
        case 'h':
            return usage(g, stdout, QX_EXIT_OK);
        case '?':
            return bad_option(g, argv, at);
        case ':':
            return missing_argument(g, argv, at);
        case -1:
            return operands(g, argc, argv);
        default:
            return opt;
        }
    }
}

int qx_getopt_none(struct qx_getopt *g, int argc, char **argv)
{
    int opt = qx_getopt(g, argc, argv);

    if (opt == -1)
        return QX_PROCEED;
    if (opt != QX_OPT_EXIT) /* a letter the command declared but no one handles */
        usage(g, stderr, QX_EXIT_USAGE);
    return g->rc;
}

int qx_cmd_domain(struct qx_getopt *g, int argc, char **argv, struct qx_ctx *c, uint32_t *domid_r)
{
    int rc;

    g->min_args = g->max_args = 1;
    g->operand = "DOMAIN";
    rc = qx_getopt_none(g, argc, argv);
    if (rc != QX_PROCEED)
        return rc;
    if (qx_ctx_open(c, g->verbosity) || qx_domain_lookup(c, g->args[0], domid_r))
        return QX_EXIT_FAIL;
    return QX_PROCEED;
}
