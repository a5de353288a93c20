/* SPDX-License-Identifier: LGPL-2.1-only */
/* qvm-xl: run QNX qvm configurations on Xen. main() and the command table. */
#include <stdio.h>
#include <string.h>

#include "toolstack/cmd-util.h"
#include "toolstack/qvm-xl.h"
#include "conf/suggest.h"

const struct qx_cmd qx_cmds[] = {
#define QX_CMD(NAME, DRYRUN, DESC, USAGE, OPTIONS)                                                 \
    {#NAME, cmd_##NAME, DRYRUN, DESC, USAGE, OPTIONS},
#include "toolstack/commands.def"
    {NULL, NULL, false, NULL, NULL, NULL},
};

const struct qx_cmd *qx_cmd_lookup(const char *name)
{
    const struct qx_cmd *found = NULL;
    size_t len = strlen(name);
    for (const struct qx_cmd *c = qx_cmds; c->name; c++) {
        if (strcmp(c->name, name) == 0)
            return c;
        if (len && strncmp(c->name, name, len) == 0) {
            if (found)
                return NULL; /* ambiguous */
            found = c;
        }
    }
    return found;
}

void qx_cmd_usage(FILE *out, const struct qx_cmd *c)
{
    fprintf(out, "Usage: qvm-xl %s %s\n\n%s.\n\nOptions:\n%s\n", c->name, c->usage, c->desc,
            c->options);
}

static void help(FILE *out)
{
    fputs("Usage: qvm-xl [-v|-q] [--version] [--help] COMMAND [ARGS]\n\nCommands:\n", out);
    for (const struct qx_cmd *c = qx_cmds; c->name; c++)
        fprintf(out, " %-12s %s\n", c->name, c->desc);
    fputs("\n'qvm-xl help COMMAND' (or 'qvm-xl COMMAND --help') describes one command.\n", out);
}

/* "unknown command 'craete'; did you mean 'create'?", or the commands an
 * ambiguous abbreviation could be. Returns the usage status. */
static int unknown_command(const char *name)
{
    size_t len = strlen(name), n = 0;
    struct qc_suggest s;
    const char *hit;

    for (const struct qx_cmd *c = qx_cmds; c->name; c++)
        n += len && strncmp(c->name, name, len) == 0;
    if (n > 1) {
        fprintf(stderr, "qvm-xl: ambiguous command '%s'; possibilities:", name);
        for (const struct qx_cmd *c = qx_cmds; c->name; c++)
            if (strncmp(c->name, name, len) == 0)
                fprintf(stderr, " %s", c->name);
        fputc('\n', stderr);
        return QX_EXIT_USAGE;
    }
    qc_suggest_init(&s, name, len);
    for (const struct qx_cmd *c = qx_cmds; c->name; c++)
        qc_suggest_add(&s, c->name);
    qc_suggest_add(&s, "help");
    hit = qc_suggest_result(&s);
    fprintf(stderr, "qvm-xl: unknown command '%s'", name);
    if (hit)
        fprintf(stderr, "; did you mean '%s'?", hit);
    fputs("\nTry 'qvm-xl --help' for the list of commands.\n", stderr);
    return QX_EXIT_USAGE;
}

/* An option before COMMAND that is none of qvm-xl's own. */
static int unknown_option(const char *opt)
{
    static const char *const known[] = {"--version", "--help", "--verbose", "--quiet"};
    size_t len = strcspn(opt, "=");
    struct qc_suggest s;
    const char *hit;

    qc_suggest_init(&s, opt, len);
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        qc_suggest_add(&s, known[i]);
    hit = len > 2 ? qc_suggest_result(&s) : NULL;
    fprintf(stderr, "qvm-xl: unknown option '%.*s'", (int)len, opt);
    if (hit)
        fprintf(stderr, "; did you mean '%s'?", hit);
    if (len >= 2 && opt[1] != '-' && qx_cmd_lookup(opt + 1))
        fprintf(stderr, "; the command is '%s', without '-'", qx_cmd_lookup(opt + 1)->name);
    fputs("\nUsage: qvm-xl [-v|-q] [--version] [--help] COMMAND [ARGS]\n", stderr);
    return QX_EXIT_USAGE;
}

/* -v and -q (repeatable, "-vv"), --verbose, --quiet before COMMAND: 0 when
 * @a is one of them (counted in qx_verbosity), else -1. */
static int verbosity_option(const char *a)
{
    if (!strcmp(a, "--verbose") || !strcmp(a, "--quiet")) {
        qx_verbosity += a[2] == 'v' ? 1 : -1;
        return 0;
    }
    if (a[0] != '-' || !a[1] || strspn(a + 1, "vq") != strlen(a + 1))
        return -1;
    for (a++; *a; a++)
        qx_verbosity += *a == 'v' ? 1 : -1;
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;

    qx_verbosity = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) {
            i++;
            break;
        }
        if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
            printf("qvm-xl %s\n", PACKAGE_VERSION);
            return QX_EXIT_OK;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            help(stdout);
            return QX_EXIT_OK;
        }
        if (verbosity_option(a))
            return unknown_option(a);
    }
    if (i >= argc) {
        help(stderr);
        return QX_EXIT_USAGE;
    }
    const char *cmd = argv[i];
    if (strcmp(cmd, "help") == 0) {
        if (i + 1 < argc) {
            const struct qx_cmd *c = qx_cmd_lookup(argv[i + 1]);
            if (!c)
                return unknown_command(argv[i + 1]);
            qx_cmd_usage(stdout, c);
            return QX_EXIT_OK;
        }
        help(stdout);
        return QX_EXIT_OK;
    }
    const struct qx_cmd *c = qx_cmd_lookup(cmd);
    if (!c)
        return unknown_command(cmd);
    return c->fn(argc - i, argv + i);
}
