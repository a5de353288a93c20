/* SPDX-License-Identifier: LGPL-2.1-only */
/* Parse benchmark: qvmconf read+parse+validate throughput on the good corpus
 * and on generated configs of growing size, against libxlutil parsing an
 * xl.cfg of the same byte size. Prints figures; fails only if it cannot run. */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxlutil.h>

#include "conf/doc.h"
#include "bench/gen.h"
#include "xlate/plan.h"
#include "xlate/target.h"

/* Targets of issue 3: qvmconf at least this fast, and no slower than xl's. */
#define TARGET_MBPS  50.0
#define TARGET_RATIO 1.0
#define MIN_SECONDS  0.3
#define ROUNDS       3

struct text {
    char *name;
    char *data;
    size_t len;
    size_t lines;
};

struct corpus {
    struct text *items;
    size_t count;
    size_t bytes, lines;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One job: runs once over its input, returns 0 or -1 when it failed. */
typedef int (*job_fn)(const struct text *t, size_t n);

/* Seconds per run of `job`: repeated until MIN_SECONDS have passed, the
 * best of ROUNDS such measurements. Negative when the job failed. */
static double measure(job_fn job, const struct text *t, size_t n)
{
    double best = -1;

    for (int r = 0; r < ROUNDS; r++) {
        size_t iters = 0;
        double start = now(), el;
        do {
            if (job(t, n))
                return -1;
            iters++;
            el = now() - start;
        } while (el < MIN_SECONDS);
        el /= (double)iters;
        if (best < 0 || el < best)
            best = el;
    }
    return best;
}

/* Translate too (qvm model -> libxl_domain_config for the config's arch):
 * the second measurement of each row, so both share one run. */
static bool with_translate;

static void translate(const struct qc_config *cfg)
{
    struct xlate_target t;
    struct xlate_plan plan;
    struct qc_diags d;

    xlate_target_default(&t, cfg->arch == QC_ARCH_ARM ? XLATE_ARCH_AARCH64 : XLATE_ARCH_X86_64);
    t.nr_pcpus = 64;
    xlate_plan_init(&plan);
    qc_diags_init(&d);
    xlate_translate(cfg, &t, &plan, &d);
    qc_diags_dispose(&d);
    xlate_plan_dispose(&plan);
}

static int qvmconf_job(const struct text *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct qc_doc doc;

        qc_doc_init(&doc, NULL);
        qc_doc_load_buffer(&doc, t[i].name, t[i].data, t[i].len);
        if (with_translate)
            translate(&doc.cfg);
        qc_doc_dispose(&doc);
    }
    return 0;
}

static FILE *devnull;

/* xlu_cfg_readdata, then every value read back, so libxlutil does the work
 * xl's parser would ask of it. */
static int xlu_one(const struct text *t)
{
    XLU_Config *c = xlu_cfg_init(devnull, t->name);
    int rc = -1;

    if (!c)
        return -1;
    if (xlu_cfg_readdata(c, t->data, (int)t->len))
        goto out;
    for (size_t k = 0; bench_xl_scalars[k][0]; k++) {
        const char *s;
        long l;
        int r = bench_xl_scalars[k][1][0] == 'l'
                    ? xlu_cfg_get_long(c, bench_xl_scalars[k][0], &l, 0)
                    : xlu_cfg_get_string(c, bench_xl_scalars[k][0], &s, 0);
        if (r)
            goto out;
    }
    for (size_t k = 0; bench_xl_lists[k]; k++) {
        XLU_ConfigList *list;
        int entries;
        if (xlu_cfg_get_list(c, bench_xl_lists[k], &list, &entries, 0))
            goto out;
        for (int e = 0; e < entries; e++)
            if (!xlu_cfg_get_listitem(list, e))
                goto out;
    }
    rc = 0;
out:
    xlu_cfg_destroy(c);
    return rc;
}

static int xlu_job(const struct text *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (xlu_one(&t[i]))
            return -1;
    return 0;
}

/* How many errors and warnings the library reports on `t` (a generated
 * input should be clean, or the figures measure error paths). */
static void diag_counts(const struct text *t, size_t *errors, size_t *warnings)
{
    struct qc_doc doc;

    qc_doc_init(&doc, NULL);
    qc_doc_load_buffer(&doc, t->name, t->data, t->len);
    *errors = doc.d.errors;
    *warnings = doc.d.warnings;
    qc_doc_dispose(&doc);
}

static int cmp_text(const void *a, const void *b)
{
    return strcmp(((const struct text *)a)->name, ((const struct text *)b)->name);
}

static int read_file(const char *path, struct text *t)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 0, n;

    memset(t, 0, sizeof(*t));
    if (!f)
        return -1;
    do {
        if (t->len == cap) {
            char *nb = realloc(t->data, (cap = cap ? 2 * cap : 8192) + 1);
            if (!nb)
                break;
            t->data = nb;
        }
        n = fread(t->data + t->len, 1, cap - t->len, f);
        t->len += n;
    } while (n);
    fclose(f);
    if (!t->data)
        return -1;
    t->data[t->len] = '\0';
    for (size_t i = 0; i < t->len; i++)
        t->lines += t->data[i] == '\n';
    t->name = strdup(path);
    return t->name ? 0 : -1;
}

/* Every *.qvmconf of `dir`, sorted by name. */
static int load_corpus(const char *dir, struct corpus *c)
{
    DIR *dp = opendir(dir);
    struct dirent *e;

    memset(c, 0, sizeof(*c));
    if (!dp)
        return -1;
    while ((e = readdir(dp))) {
        size_t l = strlen(e->d_name);
        char *path;
        struct text *nt;

        if (l < 8 || strcmp(e->d_name + l - 8, ".qvmconf") != 0)
            continue;
        nt = realloc(c->items, (c->count + 1) * sizeof(*nt));
        if (!nt || asprintf(&path, "%s/%s", dir, e->d_name) < 0)
            break;
        c->items = nt;
        if (read_file(path, &c->items[c->count]) == 0) {
            c->bytes += c->items[c->count].len;
            c->lines += c->items[c->count].lines;
            c->count++;
        }
        free(path);
    }
    closedir(dp);
    qsort(c->items, c->count, sizeof(*c->items), cmp_text);
    return c->count ? 0 : -1;
}

static void free_texts(struct text *t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(t[i].name);
        free(t[i].data);
    }
}

static double mbps(size_t bytes, double secs)
{
    return (double)bytes / secs / 1e6;
}

int main(int argc, char **argv)
{
    static const size_t sizes[] = {1000, 10000, 100000};
    const char *top = getenv("top_srcdir");
    char *dir = NULL;
    struct corpus corpus;
    int warnings = 0;
    double s, st;

    setvbuf(stdout, NULL, _IOLBF, 0); /* each row as soon as it is measured */
    /* --gen-qvmconf N / --gen-xlcfg N: print a generated input and exit. */
    if (argc == 3 && strncmp(argv[1], "--gen-", 6) == 0) {
        size_t len, lines, n = strtoul(argv[2], NULL, 10);
        char *t = bench_gen_qvmconf(n, &len, &lines);
        if (t && strcmp(argv[1], "--gen-xlcfg") == 0) {
            char *x = bench_gen_xlcfg(len, &len, &lines);
            free(t);
            t = x;
        }
        if (!t)
            return 1;
        fwrite(t, 1, len, stdout);
        free(t);
        return 0;
    }
    if (argc > 1)
        dir = strdup(argv[1]);
    else if (asprintf(&dir, "%s/tests/conf/good", top ? top : ".") < 0)
        dir = NULL;
    devnull = fopen("/dev/null", "w");
    if (!dir || !devnull) {
        fprintf(stderr, "bench-parse: out of memory or no /dev/null\n");
        return 1;
    }

    printf("bench-parse: read+parse+validate (qvm), the same + translate to a libxl config (+xl),\n"
           "and xlu_cfg_readdata + reading every key (libxlutil), each ratio against libxlutil\n");
    printf("best of %d runs of >= %.1f s each\n\n", ROUNDS, MIN_SECONDS);
    printf("%-20s %8s %6s | %8s %7s | %8s %7s | %8s %7s | %5s %5s\n", "input", "bytes", "lines",
           "qvm MB/s", "ns/line", "+xl MB/s", "ns/line", "xlu MB/s", "ns/line", "ratio", "+xl");

    if (load_corpus(dir, &corpus)) {
        printf("%-22s (no *.qvmconf in %s: skipped)\n", "good corpus", dir);
    } else {
        char label[48];
        snprintf(label, sizeof(label), "good corpus (%zu)", corpus.count);
        with_translate = false;
        s = measure(qvmconf_job, corpus.items, corpus.count);
        with_translate = true;
        st = measure(qvmconf_job, corpus.items, corpus.count);
        if (s < 0 || st < 0)
            return 1;
        printf("%-20s %8zu %6zu | %8.1f %7.1f | %8.1f %7.1f | %8s %7s | %5s %5s\n", label,
               corpus.bytes, corpus.lines, mbps(corpus.bytes, s), s * 1e9 / (double)corpus.lines,
               mbps(corpus.bytes, st), st * 1e9 / (double)corpus.lines, "-", "-", "-", "-");
        if (mbps(corpus.bytes, s) < TARGET_MBPS) {
            printf("WARNING: good corpus: %.1f MB/s is below the %.0f MB/s target\n",
                   mbps(corpus.bytes, s), TARGET_MBPS);
            warnings++;
        }
        free_texts(corpus.items, corpus.count);
        free(corpus.items);
    }

    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct text q = {.name = "generated.qvmconf"}, x = {.name = "generated.cfg"};
        double sq, sx, ratio, ratio_t;
        size_t nerr, nwarn;
        char label[48];

        q.data = bench_gen_qvmconf(sizes[i], &q.len, &q.lines);
        x.data = q.data ? bench_gen_xlcfg(q.len, &x.len, &x.lines) : NULL;
        if (!q.data || !x.data) {
            fprintf(stderr, "bench-parse: out of memory generating %zu lines\n", sizes[i]);
            return 1;
        }
        with_translate = false;
        sq = measure(qvmconf_job, &q, 1);
        with_translate = true;
        st = measure(qvmconf_job, &q, 1);
        sx = measure(xlu_job, &x, 1);
        if (sq < 0 || st < 0 || sx < 0) {
            fprintf(stderr, "bench-parse: %s failed on the generated input\n",
                    sx < 0 ? "libxlutil" : "qvmconf");
            return 1;
        }
        /* Throughput ratios: each parser on its own text of the same size. */
        ratio = mbps(q.len, sq) / mbps(x.len, sx);
        ratio_t = mbps(q.len, st) / mbps(x.len, sx);
        snprintf(label, sizeof(label), "generated %zuk lines", sizes[i] / 1000);
        printf("%-20s %8zu %6zu | %8.1f %7.1f | %8.1f %7.1f | %8.1f %7.1f | %5.2f %5.2f\n", label,
               q.len, q.lines, mbps(q.len, sq), sq * 1e9 / (double)q.lines, mbps(q.len, st),
               st * 1e9 / (double)q.lines, mbps(x.len, sx), sx * 1e9 / (double)x.lines, ratio,
               ratio_t);
        if (mbps(q.len, sq) < TARGET_MBPS) {
            printf("WARNING: %s: %.1f MB/s is below the %.0f MB/s target\n", label, mbps(q.len, sq),
                   TARGET_MBPS);
            warnings++;
        }
        if (ratio < TARGET_RATIO) {
            printf("WARNING: %s: qvmconf/libxlutil ratio %.2f is below %.1f\n", label, ratio,
                   TARGET_RATIO);
            warnings++;
        }
        diag_counts(&q, &nerr, &nwarn);
        if (nerr || nwarn)
            printf("note: %s: the library reports %zu errors, %zu warnings on it\n", label, nerr,
                   nwarn);
        free(q.data);
        free(x.data);
    }

    printf("\nverdict: %s (targets: >= %.0f MB/s, qvmconf/libxlutil >= %.1f)\n",
           warnings ? "WARNING, target(s) missed" : "all targets met", TARGET_MBPS, TARGET_RATIO);
    free(dir);
    fclose(devnull);
    return 0;
}
