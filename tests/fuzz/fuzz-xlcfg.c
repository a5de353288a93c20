/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target for the reverse direction (`qvm-xl convert --to=qvmconf FILE.cfg`), for an
 * x86_64 and an aarch64 guest in turn:
 *
 *   xl.cfg text -> libxl config (xlate_xlcfg_read) -> qvmconf text (xlate_reverse_diags and
 *   xlate_reverse_write, as convert) -> read, parse and validate as `qvm-xl check` does
 *   (conf/) -> libxl config again (xlate_translate, Xen 4.17 defaults)
 *
 * and aborts unless either the input was refused with a located error ("fuzz.cfg:LINE:"), or
 * the converted text re-checks without an error, reads no environment, translates back, and
 * the libxl JSON of both configs is the same once the fields of every key the conversion
 * reported as lossy are dropped from both (tests/reverse/run.sh's comparison, with the
 * paths of each key taken from the table below instead of a .lossy file). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlate/plan.h"
#include "conf/doc.h"
#include "xlate/reverse.h"
#include "xlate/xlate.h"
#include "tests/xlate/reverse-print.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* libxlutil 4.17 leaks the string and list tokens being read when a syntax error hits
 * inside a list (its bison grammar has no %destructor): theirs, not ours. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:xlu__cfg_string_mk\nleak:xlu__cfgl_strdup\nleak:xlu__cfg_list_mk\n";
}

#define NAME "fuzz.cfg"

/* ---- a small JSON tree: enough for libxl's generator output ---- */

enum jtype { J_NULL, J_SCALAR, J_ARR, J_OBJ };

struct jnode {
    enum jtype t;
    char *raw; /* scalar: its text as written (strings with their quotes) */
    size_t rawlen;
    size_t n;
    char **keys; /* J_OBJ: member names as written, without quotes */
    struct jnode **v;
};

static void jfree(struct jnode *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->n; i++) {
        if (j->keys)
            free(j->keys[i]);
        jfree(j->v[i]);
    }
    free(j->keys);
    free(j->v);
    free(j->raw);
    free(j);
}

static void skip_ws(const char **p)
{
    while (**p == ' ' || **p == '\n' || **p == '\t' || **p == '\r')
        (*p)++;
}

/* The end of the string token at @p (at its opening quote), after the closing quote. */
static const char *string_end(const char *p)
{
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1])
            p++;
    return *p ? p + 1 : NULL;
}

static struct jnode *jparse(const char **p, int depth);

static int jpush(struct jnode *j, char *key, struct jnode *v)
{
    char **k = j->t == J_OBJ ? realloc(j->keys, (j->n + 1) * sizeof(*k)) : NULL;
    struct jnode **nv;

    if (j->t == J_OBJ && !k)
        return -1;
    if (k)
        j->keys = k;
    nv = realloc(j->v, (j->n + 1) * sizeof(*nv));
    if (!nv)
        return -1;
    j->v = nv;
    if (k)
        j->keys[j->n] = key;
    j->v[j->n++] = v;
    return 0;
}

static struct jnode *jparse(const char **p, int depth)
{
    struct jnode *j = calloc(1, sizeof(*j));
    char close;

    if (!j || depth > 64)
        goto bad;
    skip_ws(p);
    if (**p != '{' && **p != '[') {
        const char *e = *p;

        if (*e == '"')
            e = string_end(e);
        else
            while (e && *e && !strchr(",]} \n\t\r", *e))
                e++;
        if (!e || e == *p)
            goto bad;
        j->t = strncmp(*p, "null", 4) || e - *p != 4 ? J_SCALAR : J_NULL;
        j->rawlen = (size_t)(e - *p);
        if (!(j->raw = strndup(*p, j->rawlen)))
            goto bad;
        *p = e;
        return j;
    }
    j->t = **p == '{' ? J_OBJ : J_ARR;
    close = **p == '{' ? '}' : ']';
    (*p)++;
    skip_ws(p);
    if (**p == close) {
        (*p)++;
        return j;
    }
    for (;;) {
        char *key = NULL;
        struct jnode *v;

        skip_ws(p);
        if (j->t == J_OBJ) {
            const char *e = **p == '"' ? string_end(*p) : NULL;

            if (!e || !(key = strndup(*p + 1, (size_t)(e - *p - 2))))
                goto bad;
            *p = e;
            skip_ws(p);
            if (**p != ':') {
                free(key);
                goto bad;
            }
            (*p)++;
        }
        v = jparse(p, depth + 1);
        if (!v || jpush(j, key, v)) {
            free(key);
            jfree(v);
            goto bad;
        }
        skip_ws(p);
        if (**p == ',') {
            (*p)++;
            continue;
        }
        if (**p != close)
            goto bad;
        (*p)++;
        return j;
    }
bad:
    jfree(j);
    return NULL;
}

/* Drops the member at @path ("a/b/0", '/'-separated; a list element becomes null). */
static void jdrop(struct jnode *j, const char *path)
{
    const char *slash = strchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : strlen(path);

    for (size_t i = 0; j && i < j->n; i++) {
        bool hit;

        if (!j->v[i])
            continue;
        if (j->t == J_OBJ)
            hit = strlen(j->keys[i]) == len && !strncmp(j->keys[i], path, len);
        else
            hit = (size_t)atoi(path) == i && len;
        if (!hit)
            continue;
        if (slash) {
            jdrop(j->v[i], slash + 1);
        } else {
            jfree(j->v[i]);
            j->v[i] = NULL;
        }
        return;
    }
}

/* Drops a residual key of xlate_reverse ("b_info.type.hvm.acpi": member names may hold dots). */
static void jdrop_dotted(struct jnode *j, const char *path)
{
    for (size_t i = 0; j && j->t == J_OBJ && i < j->n; i++) {
        size_t len = strlen(j->keys[i]);

        if (!j->v[i] || strncmp(path, j->keys[i], len) || (path[len] && path[len] != '.'))
            continue;
        if (!path[len]) {
            jfree(j->v[i]);
            j->v[i] = NULL;
        } else {
            jdrop_dotted(j->v[i], path + len + 1);
        }
        return;
    }
}

/* The node at @path ("a/b"), or NULL. */
static const struct jnode *jget(const struct jnode *j, const char *path)
{
    const char *slash = strchr(path, '/');
    size_t len = slash ? (size_t)(slash - path) : strlen(path);

    for (size_t i = 0; j && j->t == J_OBJ && i < j->n; i++)
        if (j->v[i] && strlen(j->keys[i]) == len && !strncmp(j->keys[i], path, len))
            return slash ? jget(j->v[i], slash + 1) : j->v[i];
    return NULL;
}

static bool jis(const struct jnode *j, const char *raw)
{
    return j && j->t == J_SCALAR && j->rawlen == strlen(raw) && !strncmp(j->raw, raw, j->rawlen);
}

static int by_key(const void *a, const void *b)
{
    const char *const *x = a, *const *y = b;

    return strcmp(*x, *y);
}

/* Canonical text: members sorted, dropped ones left out, an empty object as {}. */
static void jprint(FILE *f, const struct jnode *j, int ind)
{
    if (!j || j->t == J_NULL) {
        fputs("null", f);
        return;
    }
    if (j->t == J_SCALAR) {
        fwrite(j->raw, 1, j->rawlen, f);
        return;
    }
    if (j->t == J_ARR) {
        fputs("[", f);
        for (size_t i = 0; i < j->n; i++) {
            fprintf(f, "%s\n%*s", i ? "," : "", ind + 1, "");
            jprint(f, j->v[i], ind + 1);
        }
        fputs("]", f);
        return;
    }
    {
        const char **order = calloc(j->n + 1, sizeof(*order));
        size_t n = 0;

        for (size_t i = 0; order && i < j->n; i++)
            if (j->v[i])
                order[n++] = j->keys[i];
        if (order)
            qsort(order, n, sizeof(*order), by_key);
        fputs("{", f);
        for (size_t k = 0; k < n; k++)
            for (size_t i = 0; i < j->n; i++)
                if (j->v[i] && j->keys[i] == order[k]) {
                    fprintf(f, "%s\n%*s\"%s\": ", k ? "," : "", ind + 1, "", j->keys[i]);
                    jprint(f, j->v[i], ind + 1);
                }
        fputs("}", f);
        free(order);
    }
}

/* ---- what each lossy key changes ---- */

/* The libxl JSON paths an xl.cfg key reported as lossy may change (the .lossy
 * files of tests/reverse/cfg name the same ones); keys not listed (unknown
 * keys, vif sub-keys and serial= of a non-HVM guest, which the parser does
 * not read) change none. */
static const struct {
    const char *key;
    const char *paths[5];
} lossy_paths[] = {
    {"name", {"c_info/name"}},
    {"type", {"c_info/type", "b_info/type.pv", "b_info/type.pvh", "b_info/type.hvm"}},
    {"memory", {"b_info/target_memkb", "b_info/max_memkb"}},
    {"maxmem", {"b_info/max_memkb"}},
    {"vcpus", {"b_info/max_vcpus", "b_info/avail_vcpus", "b_info/vcpu_hard_affinity"}},
    {"maxvcpus", {"b_info/max_vcpus", "b_info/avail_vcpus"}},
    {"cpus", {"b_info/vcpu_hard_affinity"}},
    {"cpus_soft", {"b_info/vcpu_soft_affinity"}},
    {"cap", {"b_info/sched_params/cap"}},
    {"cpu_weight", {"b_info/sched_params/weight"}},
    {"gic_version", {"b_info/arch_arm/gic_version"}},
    {"vuart", {"b_info/arch_arm/vuart"}},
    {"hpet", {"b_info/type.hvm/hpet"}},
    {"vga", {"b_info/type.hvm/vga"}},
    {"vnc", {"b_info/type.hvm/vnc"}},
    {"serial", {"b_info/type.hvm/serial", "b_info/type.hvm/serial_list"}},
    /* An HVM guest's virtio-blk and virtio-console come back as QEMU's (extra_hvm). */
    {"channel", {"channels", "b_info/extra_hvm"}},
    {"disk", {"disks", "b_info/extra_hvm"}},
    {"device_model_args_hvm", {"b_info/extra_hvm"}},
    {"vif", {"nics"}},
    {"pci", {"pcidevs"}},
    {"ioports", {"b_info/ioports"}},
    {"irqs", {"b_info/irqs"}},
    {"dtdev", {"dtdevs"}},
    {"device_tree", {"b_info/device_tree"}},
    {"on_poweroff", {"on_poweroff"}},
    {"on_reboot", {"on_reboot"}},
    {"on_watchdog", {"on_watchdog"}},
    {"on_crash", {"on_crash"}},
    {"on_soft_reset", {"on_soft_reset"}},
};

/* Residual keys of one device element ("disk[0].backend"): the whole list is dropped. */
static const char *const device_lists[][2] = {
    {"channel[", "channels"}, {"disk[", "disks"}, {"vif[", "nics"}, {"pci[", "pcidevs"}};

static void drop_lossy(struct jnode *j, const struct xlcfg_lossy_list *l)
{
    /* Set by xl from xl.conf or at random, never from the guest's xl.cfg (tests/tools/json-norm).
     */
    static const char *const never[] = {"c_info/uuid", "c_info/run_hotplug_scripts",
                                        "b_info/claim_mode", "b_info/numa_placement"};

    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        jdrop(j, never[i]);
    for (size_t i = 0; i < l->n; i++) {
        const char *key = l->v[i].key;

        for (size_t k = 0; k < sizeof(lossy_paths) / sizeof(lossy_paths[0]); k++)
            if (!strcmp(key, lossy_paths[k].key))
                for (size_t p = 0; p < 5 && lossy_paths[k].paths[p]; p++)
                    jdrop(j, lossy_paths[k].paths[p]);
        for (size_t k = 0; k < sizeof(device_lists) / sizeof(device_lists[0]); k++)
            if (!strncmp(key, device_lists[k][0], strlen(device_lists[k][0])))
                jdrop(j, device_lists[k][1]);
        if (!strncmp(key, "b_info.", 7) || !strncmp(key, "c_info.", 7))
            jdrop_dotted(j, key);
    }
}

/* The JSON tree of @dc without what @lossy changes, or NULL when out of memory. */
static struct jnode *tree(const libxl_domain_config *dc, const struct xlcfg_lossy_list *lossy)
{
    char *json = xlate_json_string(dc);
    const char *p = json;
    struct jnode *j = json ? jparse(&p, 0) : NULL;

    if (json && !j) {
        fprintf(stderr, "fuzz-xlcfg: libxl's JSON does not parse here:\n%s\n", json);
        abort();
    }
    if (j)
        drop_lossy(j, lossy);
    free(json);
    return j;
}

/*
 * What Xen decides, the same way for the original (@a, from the xl.cfg) and
 * the result (@b, through qvmconf): the tests/reverse/README.md normalisation.
 * - No vcpus= is libxl's one vCPU, which qvm writes as one cpu.
 * - @generated_dt: b_info.device_tree names the tree the translation generated
 *   for ARM pass-through (the toolstack replaces the name with the file it
 *   writes): Xen's side of qvm's pass items.
 */
static void xen_defaults(struct jnode *a, struct jnode *b, bool generated_dt)
{
    if (!jget(a, "b_info/max_vcpus") && !jget(a, "b_info/avail_vcpus") &&
        jis(jget(b, "b_info/max_vcpus"), "1")) {
        jdrop(b, "b_info/max_vcpus");
        jdrop(b, "b_info/avail_vcpus");
    }
    if (generated_dt)
        jdrop(b, "b_info/device_tree");
}

/* iomem "S,N@G" with G == S maps guest frame S to host frame S, which is what libxl does
 * for no @G: the same meaning, written without the gfn (as qvmconf writes it). */
static void identity_gfn(libxl_domain_config *dc)
{
    for (int i = 0; i < dc->b_info.num_iomem; i++)
        if (dc->b_info.iomem[i].gfn == dc->b_info.iomem[i].start)
            dc->b_info.iomem[i].gfn = XLATE_IOMEM_GFN_1TO1;
}

static char *text_of(const struct jnode *j)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    if (!f)
        return NULL;
    jprint(f, j, 0);
    fclose(f);
    return out;
}

/* ---- the property ---- */

static void fail(const char *why, enum xlate_arch arch, const uint8_t *data, size_t size,
                 const char *a, const char *b)
{
    fprintf(stderr, "fuzz-xlcfg: %s (%s)\n--- xl.cfg ---\n%.*s\n", why, xlate_arch_name(arch),
            (int)size, (const char *)data);
    if (a)
        fprintf(stderr, "--- %s\n", a);
    if (b)
        fprintf(stderr, "--- %s\n", b);
    abort();
}

/* Whether @report holds a located error: "fuzz.cfg:LINE:" with LINE >= 1, then "error". */
static bool located_error(const char *report)
{
    for (const char *l = report; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        const char *p = l + strlen(NAME ":");
        char *end;
        long line;

        if (strncmp(l, NAME ":", strlen(NAME ":")))
            continue;
        line = strtol(p, &end, 10);
        if (line >= 1 && end > p && *end == ':') {
            const char *nl = strchr(end, '\n');
            const char *e = strstr(end, "error");

            if (e && (!nl || e < nl))
                return true;
        }
    }
    return false;
}

/* Any substitution in the converted text would make its meaning the environment's. */
static int no_env(void *opaque, const char *name, const char **out)
{
    (void)name, (void)out;
    *(bool *)opaque = true;
    return -1;
}

static int no_asinfo(void *opaque, const char *name, uint64_t *start, uint64_t *length)
{
    (void)name, (void)start, (void)length;
    *(bool *)opaque = true;
    return -1;
}

/* Reads @text into the empty document @doc as `qvm-xl check` does, for @arch (QC_ARCH_ANY:
 * check without --arch); returns the error count, the diagnostics in *diags_r (free it). */
static int recheck(const char *text, size_t len, enum qc_arch arch, struct qc_doc *doc,
                   char **diags_r)
{
    bool substituted = false;
    const struct qc_subst subst = {no_env, no_asinfo, &substituted};
    size_t dlen = 0;
    FILE *f;
    int errors;

    /* The caller's document is empty (its exits dispose it whether or not it got here);
     * these options, the substitution watcher included, serve this one load. */
    doc->opts = (struct qc_doc_opts){.read = {.subst = &subst, .no_includes = true},
                                     .parse = {.arch = arch}};
    qc_doc_load_buffer(doc, "converted.qvmconf", text, len);
    doc->opts.read.subst = NULL;
    errors = (int)doc->d.errors + substituted;
    free(*diags_r);
    *diags_r = NULL;
    if ((f = open_memstream(diags_r, &dlen))) {
        if (substituted)
            fputs("a substitution was read from the environment\n", f);
        qc_diags_print(f, &doc->d, &doc->src);
        fclose(f);
    }
    return errors;
}

static void one_arch(const uint8_t *data, size_t size, enum xlate_arch arch)
{
    libxl_domain_config dc;
    struct xlcfg_lossy_list lossy;
    struct xlate_reverse r;
    struct xlate_reverse_opts o = {.name = NAME, .arch = arch, .carry = &lossy};
    struct xlate_target t;
    struct xlate_plan plan;
    struct qc_doc any, m;
    struct qc_diags d;
    char *report = NULL, *text = NULL, *diags = NULL, *before = NULL, *after = NULL;
    struct jnode *ja = NULL, *jb = NULL;
    size_t rlen = 0, tlen = 0;
    FILE *rep = open_memstream(&report, &rlen), *out;
    int rc;

    libxl_domain_config_init(&dc);
    xlcfg_lossy_init(&lossy);
    xlate_reverse_init(&r);
    xlate_plan_init(&plan);
    qc_doc_init(&any, NULL);
    qc_doc_init(&m, NULL);
    qc_diags_init(&d);
    if (!rep)
        goto out;
    rc = rp_xlcfg_parse(NAME, (const char *)data, size, arch, &dc, &lossy, rep);
    fflush(rep);
    if (rc == XLATE_ERR_INVAL) {
        if (!located_error(report))
            fail("refused without a located error", arch, data, size, report, NULL);
        goto out;
    }
    if (rc)
        goto out; /* out of memory */
    rc = rp_reverse(&dc, &o, &r, rep);
    fflush(rep);
    if (rc == XLATE_ERR_NOMEM)
        goto out;
    if (rc)
        fail("accepted by the parser, but the reverse direction fails", arch, data, size, report,
             r.text);
    out = open_memstream(&text, &tlen);
    if (!out)
        goto out;
    xlate_reverse_write(out, &r);
    fclose(out);
    /* `qvm-xl check` without --arch, then for the guest's architecture (what create reads). */
    if (recheck(text, tlen, QC_ARCH_ANY, &any, &diags))
        fail("the converted qvmconf does not re-check", arch, data, size, text, diags);
    if (recheck(text, tlen, arch == XLATE_ARCH_AARCH64 ? QC_ARCH_ARM : QC_ARCH_X86, &m, &diags))
        fail("the converted qvmconf does not re-check for its architecture", arch, data, size, text,
             diags);
    xlate_target_default(&t, arch);
    if (xlate_translate(&m.cfg, &t, &plan, &d)) {
        size_t dlen = 0;
        FILE *f;

        free(diags);
        diags = NULL;
        if ((f = open_memstream(&diags, &dlen))) {
            qc_diags_print(f, &d, &m.src);
            fclose(f);
        }
        fail("the converted qvmconf does not translate back", arch, data, size, text, diags);
    }
    identity_gfn(&dc);
    identity_gfn(&plan.config);
    ja = tree(&dc, &r.lossy);
    jb = tree(&plan.config, &r.lossy);
    if (ja && jb) {
        xen_defaults(ja, jb, plan.fdt && !dc.b_info.device_tree);
        before = text_of(ja);
        after = text_of(jb);
    }
    if (before && after && strcmp(before, after)) {
        char *both = NULL;

        if (asprintf(&both,
                     "qvmconf:\n%s--- libxl JSON of the xl.cfg, lossy keys dropped:\n%s\n"
                     "--- libxl JSON back through qvmconf:\n%s",
                     text, before, after) < 0)
            both = NULL;
        fail("the meaning changed (xl.cfg -> qvmconf -> libxl)", arch, data, size, report, both);
    }
out:
    jfree(ja);
    jfree(jb);
    free(before);
    free(after);
    free(diags);
    free(text);
    if (rep)
        fclose(rep);
    free(report);
    qc_diags_dispose(&d);
    qc_doc_dispose(&m);
    qc_doc_dispose(&any);
    xlate_plan_dispose(&plan);
    xlate_reverse_dispose(&r);
    xlcfg_lossy_dispose(&lossy);
    libxl_domain_config_dispose(&dc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0; /* a config, not a file dump: keeps runs fast */
    one_arch(data, size, XLATE_ARCH_X86_64);
    one_arch(data, size, XLATE_ARCH_AARCH64);
    return 0;
}
