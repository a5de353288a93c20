/* SPDX-License-Identifier: LGPL-2.1-only */
/* Runs a fuzz target once on each seed file without libFuzzer, so `make check`
 * (with any compiler, and under --enable-sanitizers) keeps the seeds and the
 * target's properties honest between fuzzing sessions. Built once per target
 * (tests/fuzz/local.mk, toolstack.mk) with REPLAY_NAME and REPLAY_DIRS, a comma
 * list of {"DIR", "EXT"} pairs: seed directories under $top_srcdir and the
 * ending of the files taken from them ("" for every file but dot files). A
 * directory that is not there (a tree without tests) is skipped. With
 * arguments, runs those files instead. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    int rc = -1;

    if (!f) {
        perror(path);
        return -1;
    }
    do {
        if (len == cap) {
            char *nb = realloc(buf, cap = cap ? 2 * cap : 4096);
            if (!nb)
                goto out;
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n);
    if (ferror(f)) {
        perror(path);
        goto out;
    }
    /* Named first: a failing input aborts inside the target. */
    printf("%s\n", path);
    fflush(stdout);
    LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
    rc = 0;
out:
    free(buf);
    fclose(f);
    return rc;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the files of @dir ending in @ext in name order; counts them in *n. */
static int run_dir(const char *dir, const char *ext, size_t *n)
{
    DIR *dp = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t count = 0, el = strlen(ext);
    int rc = 0;

    if (!dp)
        return 0;
    while ((e = readdir(dp))) {
        size_t l = strlen(e->d_name);
        char **nn;

        if (e->d_name[0] == '.' || l < el || strcmp(e->d_name + l - el, ext))
            continue;
        nn = realloc(names, (count + 1) * sizeof(*names));
        if (!nn) {
            rc = -1;
            break;
        }
        names = nn;
        if (asprintf(&names[count], "%s/%s", dir, e->d_name) < 0) {
            rc = -1;
            break;
        }
        count++;
    }
    closedir(dp);
    if (names)
        qsort(names, count, sizeof(*names), cmp);
    for (size_t i = 0; i < count; i++) {
        if (!rc && run_file(names[i]))
            rc = -1;
        free(names[i]);
    }
    free(names);
    *n += count;
    return rc;
}

int main(int argc, char **argv)
{
    static const char *const dirs[][2] = {REPLAY_DIRS};
    const char *top = getenv("top_srcdir");
    size_t n = 0;
    int rc = 0;

    if (argc > 1) {
        for (int i = 1; i < argc && !rc; i++)
            rc = run_file(argv[i]);
        n = (size_t)argc - 1;
    } else {
        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]) && !rc; i++) {
            char *path;
            if (asprintf(&path, "%s/%s", top ? top : ".", dirs[i][0]) < 0)
                return 99;
            rc = run_dir(path, dirs[i][1], &n);
            free(path);
        }
    }
    printf("%s: %zu inputs\n", REPLAY_NAME, n);
    if (!rc && n == 0) {
        fprintf(stderr, "%s: no input found (is top_srcdir set?)\n", REPLAY_NAME);
        return 99;
    }
    return rc ? 99 : 0;
}
