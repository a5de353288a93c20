/* qvm-xl: run QNX qvm configurations on Xen. main() and the command table. */
#include <stdio.h>
#include <string.h>

#include "qvm-xl.h"

const struct qx_cmd qx_cmds[] = {
#define QX_CMD(NAME, DRYRUN, DESC, USAGE, OPTIONS)                                                 \
    {#NAME, cmd_##NAME, DRYRUN, DESC, USAGE, OPTIONS},
#include "commands.def"
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
    fputs("Usage: qvm-xl [--version] [--help] COMMAND [ARGS]\n\nCommands:\n", out);
    for (const struct qx_cmd *c = qx_cmds; c->name; c++)
        fprintf(out, " %-12s %s\n", c->name, c->desc);
    fputs("\n'qvm-xl help COMMAND' describes one command.\n", out);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        help(stderr);
        return QX_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("qvm-xl %s\n", PACKAGE_VERSION);
        return QX_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(cmd, "help") == 0) {
            const struct qx_cmd *c = qx_cmd_lookup(argv[2]);
            if (!c) {
                fprintf(stderr, "qvm-xl: unknown command '%s'\n", argv[2]);
                return QX_EXIT_USAGE;
            }
            qx_cmd_usage(stdout, c);
            return QX_EXIT_OK;
        }
        help(stdout);
        return QX_EXIT_OK;
    }
    const struct qx_cmd *c = qx_cmd_lookup(cmd);
    if (!c) {
        fprintf(stderr, "qvm-xl: unknown or ambiguous command '%s'\n", cmd);
        help(stderr);
        return QX_EXIT_USAGE;
    }
    return c->fn(argc - 1, argv + 1);
}
