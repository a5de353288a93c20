/* Parsing the host description file that resolves $asinfo_* substitutions. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "asinfo.h"

void qx_asinfo_init(struct qx_asinfo *a)
{
    a->v = NULL;
    a->n = 0;
}

void qx_asinfo_dispose(struct qx_asinfo *a)
{
    for (size_t i = 0; i < a->n; i++)
        free(a->v[i].name);
    free(a->v);
    qx_asinfo_init(a);
}

/* Strict unsigned number: 0x hex or decimal, all of the word, no overflow. */
static int parse_num(const char *w, uint64_t *v)
{
    char *end;

    if (*w < '0' || *w > '9')
        return -1;
    errno = 0;
    if (w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) {
        if (!isxdigit((unsigned char)w[2]))
            return -1;
        *v = strtoull(w + 2, &end, 16);
    } else {
        *v = strtoull(w, &end, 10);
    }
    return errno || *end ? -1 : 0;
}

static const struct qx_asinfo_entry *find(const struct qx_asinfo *a, const char *name)
{
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i].name, name) == 0)
            return &a->v[i];
    return NULL;
}

int qx_asinfo_parse(struct qx_asinfo *a, const char *name, const char *text, FILE *err)
{
    char *copy = strdup(text), *save = NULL, *line;
    unsigned lineno = 0;
    int rc = 0;

    if (!copy)
        return -1;
    /* strsep keeps empty lines, so line numbers stay right. */
    for (char *rest = copy; (line = strsep(&rest, "\n"));) {
        char *w[4];
        int nw = 0;
        uint64_t start, length;

        lineno++;
        line[strcspn(line, "#")] = '\0';
        for (char *t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save))
            if (nw < 4)
                w[nw++] = t;
            else
                nw = 5;
        if (nw == 0)
            continue;
        if (nw != 3 || parse_num(w[1], &start) || parse_num(w[2], &length)) {
            fprintf(err, "%s:%u: error: expected NAME START LENGTH\n", name, lineno);
            rc = -1;
            continue;
        }
        if (find(a, w[0])) {
            fprintf(err, "%s:%u: error: '%s' is described twice\n", name, lineno, w[0]);
            rc = -1;
            continue;
        }
        struct qx_asinfo_entry *v = realloc(a->v, (a->n + 1) * sizeof(*v));
        char *n = strdup(w[0]);
        if (!v || !n) {
            free(n);
            if (v)
                a->v = v;
            rc = -1;
            break;
        }
        a->v = v;
        a->v[a->n++] = (struct qx_asinfo_entry){n, start, length};
    }
    free(copy);
    return rc;
}

int qx_asinfo_load(struct qx_asinfo *a, const char *path, int must_exist, FILE *err)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t len = 0;
    int rc = -1;

    if (!f) {
        if (!must_exist && errno == ENOENT)
            return 0;
        fprintf(err, "qvm-xl: %s: %s\n", path, strerror(errno));
        return -1;
    }
    FILE *m = open_memstream(&text, &len);
    if (!m)
        goto out;
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
        fwrite(buf, 1, k, m);
    if (fclose(m))
        goto out;
    if (memchr(text, '\0', len)) {
        fprintf(err, "%s: error: not a text file\n", path);
        goto out;
    }
    rc = qx_asinfo_parse(a, path, text, err);
out:
    free(text);
    fclose(f);
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
