/* Round trip of the canonical writer on one configuration: checks that
 * parse(write(parse(x))) equals parse(x) and that writing again gives the
 * same text. Used by tests/conf/run-roundtrip.sh on the good corpus.
 *
 *   roundtrip [-a NAME=START,LENGTH]... WORD...
 *
 * WORDs are read as on qvm's command line (@FILE, literal words), with
 * $env{} from the environment and $asinfo_*{} from the -a options.
 * Exit: 0 equal, 1 different, 2 the input does not parse, 3 the canonical
 * text does not parse. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "conf/doc.h"

struct asinfo_entry {
    const char *name;
    size_t name_len;
    uint64_t start, length;
};

struct asinfo_table {
    struct asinfo_entry *items;
    size_t count;
};

static int asinfo_lookup(void *opaque, const char *name, uint64_t *start, uint64_t *length)
{
    const struct asinfo_table *t = opaque;

    for (size_t i = 0; i < t->count; i++) {
        if (strlen(name) == t->items[i].name_len &&
            !memcmp(name, t->items[i].name, t->items[i].name_len)) {
            *start = t->items[i].start;
            *length = t->items[i].length;
            return 0;
        }
    }
    return -1;
}

/* "NAME=START,LENGTH" with C-style numbers; -1 when malformed. */
static int asinfo_parse(const char *s, struct asinfo_entry *e)
{
    const char *eq = strchr(s, '=');
    char *end;

    if (!eq || eq == s)
        return -1;
    e->name = s;
    e->name_len = (size_t)(eq - s);
    e->start = strtoull(eq + 1, &end, 0);
    if (*end != ',')
        return -1;
    e->length = strtoull(end + 1, &end, 0);
    return *end ? -1 : 0;
}

/* Reads words or one text into @doc and parses them; prints diagnostics on failure. */
static int parse(struct qc_doc *doc, int argc, const char *const *argv, const char *text)
{
    int rc;

    if (text)
        rc = qc_doc_read_buffer(doc, "<canonical>", text, strlen(text));
    else
        rc = qc_doc_read_words(doc, argc, argv);
    if (!rc)
        rc = qc_doc_parse(doc);
    if (rc || doc->d.errors) {
        qc_diags_print(stderr, &doc->d, &doc->src);
        rc = -1;
    }
    return rc;
}

/* The canonical text of `cfg`, malloc'd; NULL when out of memory. */
static char *write_text(const struct qc_config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (!f)
        return NULL;
    qc_write(f, cfg);
    if (fclose(f)) {
        free(text);
        return NULL;
    }
    return text;
}

int main(int argc, char **argv)
{
    struct asinfo_table asinfo = {0};
    struct qc_subst subst = {.env = qc_subst_getenv, .asinfo = asinfo_lookup, .opaque = &asinfo};
    const struct qc_doc_opts opts = {.read = {.subst = &subst}};
    struct qc_doc first, second;
    char *text1 = NULL, *text2 = NULL;
    int rc, i = 1;

    qc_doc_init(&first, &opts);
    qc_doc_init(&second, &opts);
    asinfo.items = calloc((size_t)argc, sizeof(*asinfo.items));
    if (!asinfo.items) {
        rc = 2;
        goto out;
    }
    while (i + 1 < argc && !strcmp(argv[i], "-a")) {
        if (asinfo_parse(argv[i + 1], &asinfo.items[asinfo.count++])) {
            fprintf(stderr, "roundtrip: bad -a '%s' (want NAME=START,LENGTH)\n", argv[i + 1]);
            rc = 2;
            goto out;
        }
        i += 2;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: roundtrip [-a NAME=START,LENGTH]... WORD...\n");
        rc = 2;
        goto out;
    }
    if (parse(&first, argc - i, (const char *const *)argv + i, NULL)) {
        rc = 2;
        goto out;
    }
    text1 = write_text(&first.cfg);
    if (!text1 || parse(&second, 0, NULL, text1)) {
        fprintf(stderr, "roundtrip: the canonical text does not parse:\n%s", text1 ? text1 : "");
        rc = 3;
        goto out;
    }
    text2 = write_text(&second.cfg);
    rc = 0;
    if (!qc_config_equal(&first.cfg, &second.cfg)) {
        fprintf(stderr, "roundtrip: parse(write(x)) differs from x; canonical text:\n%s", text1);
        rc = 1;
    }
    if (!text2 || strcmp(text1, text2)) {
        fprintf(stderr, "roundtrip: writing twice differs:\n--- first\n%s--- second\n%s", text1,
                text2 ? text2 : "");
        rc = 1;
    }
out:
    free(text1);
    free(text2);
    free(asinfo.items);
    qc_doc_dispose(&first);
    qc_doc_dispose(&second);
    return rc;
}
