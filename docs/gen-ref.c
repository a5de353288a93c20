/* SPDX-License-Identifier: LGPL-2.1-only */
/* Generates the qvmconf(5) reference page (roff, or Markdown with
 * --markdown) from the schema tables, the check registry and the lexical
 * rules text, so the page and the code cannot drift apart; with --dict, the
 * fuzzer's dictionary from the same schema. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/qvmconf.h"
#include "docs/ref-out.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Last-wins is the rule DESCRIPTION states; only the exceptions are marked. */
static const char *repeat_text(enum qc_repeat r)
{
    return r == QC_R_MULTI ? "May be repeated; each occurrence adds one." : NULL;
}

/* "help. Repeat rule. x86_64 only." as one malloc'd sentence. The help
 * keeps its case: it may start with a unit or a name ("ms", "vCPU"). */
static char *describe(const char *help, const char *repeat, unsigned arch)
{
    char *s = NULL;
    const char *a = arch == QC_AR_ANY ? "" : arch == QC_AR_X86 ? " x86_64 only." : " aarch64 only.";

    if (asprintf(&s, "%s.%s%s%s", help, repeat ? " " : "", repeat ? repeat : "", a) < 0)
        return NULL;
    return s;
}

static int item(const struct ref_out *o, FILE *f, const char *name, const char *args,
                const char *help, const char *repeat, unsigned arch)
{
    char *text = describe(help, repeat, arch);
    if (!text)
        return -1;
    o->item(f, name, args, text);
    free(text);
    return 0;
}

static void description(const struct ref_out *o, FILE *f)
{
    o->section(f, "DESCRIPTION");
    o->para(f, "A qvmconf file describes one virtual machine in the language of the QNX "
               "Hypervisor's qvm process. qvm-xl reads it, checks it and runs the VM as a Xen "
               "domain. The same words may also be given on the qvm-xl command line after the "
               "file name; they are read after it.");
    o->para(f, "The input is a sequence of words. Line breaks and indentation carry no meaning. "
               "A word is either an option or an argument of the option before it; most options "
               "take one argument, some none, and an argument must come from the same file as "
               "its option.");
    o->para(f, "Four options open a context: `cpu`, `vdev`, `pass` and `reserve`. The options "
               "that follow configure that context until the next one opens. Global options "
               "(COMPONENTS below) may appear anywhere and do not close the current context: "
               "`cpu sched 8 ram 32m` is the same as `cpu ram 32m sched 8`. Inside a context the "
               "order of options does not matter and, unless stated otherwise, the last of a "
               "repeated option wins.");
    o->para(f, "The input is read once, from start to end, so a few things must come before "
               "others: `system`, if present, is the first entry; `ram` and `rom` come before "
               "any `load` or other option that puts something in guest memory; and an "
               "interrupt controller vdev comes before every `intr` that names it.");
}

static int components(const struct ref_out *o, FILE *f)
{
    o->section(f, "COMPONENTS");
    o->para(f, "Global options. A blob type (see Blob types) may be written before `load`.");
    for (size_t i = 0; i < QC_OPT_COUNT; i++) {
        const struct qc_opt_desc *d = &qc_opts[i];
        if (d->ctx == QC_CTX_GLOBAL &&
            item(o, f, d->name, d->args, d->help, repeat_text(d->repeat), d->arch))
            return -1;
    }
    o->subsection(f, "Blob types");
    o->para(f, "A blob type is the word before `load` (or `pass`) that says what the file is.");
    for (size_t i = 0; i < QC_BLOB_COUNT; i++)
        if (item(o, f, qc_blobs[i].name, "", qc_blobs[i].help, NULL, qc_blobs[i].arch))
            return -1;
    o->subsection(f, "Variables of set");
    o->para(f, "`set` NAME VALUE assigns a qvm variable. A variable of the cpu or vdev context "
               "applies to the context being configured. Unknown names are kept, with a "
               "warning. Value types: boolean (on/off, 1/0, yes/no, true/false), tristate "
               "(on, off, auto), number, address (any size form, such as 4K) and string.");
    for (size_t i = 0; i < QC_SETVAR_COUNT; i++) {
        static const char *const types[] = {"boolean", "tristate", "number", "address", "string"};
        const struct qc_setvar_desc *v = &qc_setvars[i];
        char *help;
        int r;
        if (asprintf(&help, "%s (%s context)", v->help, qc_ctx_name(v->ctx)) < 0)
            return -1;
        r = item(o, f, v->name, v->type < N(types) ? types[v->type] : "?", help, NULL, v->arch);
        free(help);
        if (r)
            return -1;
    }
    return 0;
}

/* The options of context `ctx` (cpu, pass, reserve) as items. */
static int context_options(const struct ref_out *o, FILE *f, enum qc_ctx ctx)
{
    for (size_t i = 0; i < QC_OPT_COUNT; i++) {
        const struct qc_opt_desc *d = &qc_opts[i];
        if (d->ctx == ctx && item(o, f, d->name, d->args, d->help, repeat_text(d->repeat), d->arch))
            return -1;
    }
    return 0;
}

static int contexts(const struct ref_out *o, FILE *f)
{
    static const struct {
        int opt;
        enum qc_ctx ctx;
    } ctxs[] = {
        {QC_OPT_CPU, QC_CTX_CPU},
        {QC_OPT_VDEV, QC_CTX_VDEV},
        {QC_OPT_PASS, QC_CTX_PASS},
        {QC_OPT_RESERVE, QC_CTX_RESERVE},
    };

    o->section(f, "CONTEXTS");
    for (size_t c = 0; c < N(ctxs); c++) {
        const struct qc_opt_desc *d = &qc_opts[ctxs[c].opt];
        char title[64];
        char *text = describe(d->help, repeat_text(d->repeat), d->arch);
        if (!text)
            return -1;
        snprintf(title, sizeof(title), "%s%s%s", d->name, *d->args ? " " : "", d->args);
        o->subsection(f, title);
        o->para(f, text);
        free(text);
        if (ctxs[c].ctx == QC_CTX_VDEV) {
            o->para(f, "Options every vdev type accepts (the others are listed per type "
                       "under VDEV TYPES):");
            for (size_t i = 0; i < QC_VOPT_COUNT; i++) {
                const struct qc_opt_desc *v = &qc_vopts[i];
                if (((QC_VO_COMMON >> i) & 1) &&
                    item(o, f, v->name, v->args, v->help, repeat_text(v->repeat), QC_AR_ANY))
                    return -1;
            }
        } else if (context_options(o, f, ctxs[c].ctx)) {
            return -1;
        }
    }
    return 0;
}

static void flags_text(char *buf, size_t len, const struct qc_vdev_desc *v)
{
    static const struct {
        unsigned flag;
        const char *text;
    } flags[] = {
        {QC_VF_PIC, " An interrupt controller: other vdevs name it in intr."},
        {QC_VF_IMPLICIT, " Exists without being configured."},
        {QC_VF_PCI, " A PCI device unless loc gives another place; with a loc it needs intr."},
        {QC_VF_NEEDLOC, " Needs loc."},
        {QC_VF_NEEDINTR, " Needs intr."},
    };
    static const char *const spaces[] = {"", "mem", "io", "pci", "pci"};
    size_t n = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < N(flags) && n < len; i++)
        if ((v->flags & flags[i].flag) && !(flags[i].flag == QC_VF_NEEDLOC && v->defloc))
            n += (size_t)snprintf(buf + n, len - n, "%s", flags[i].text);
    if (n < len && (unsigned)v->space < N(spaces) && *spaces[v->space])
        n += (size_t)snprintf(buf + n, len - n, " A loc without prefix is in %s: space.",
                              spaces[v->space]);
    if (n < len && v->defloc)
        snprintf(buf + n, len - n, " Without loc it is at %s:0x%llx, as on qvm.", spaces[v->space],
                 (unsigned long long)v->defloc);
}

static int vdev_types(const struct ref_out *o, FILE *f)
{
    o->section(f, "VDEV TYPES");
    o->para(f, "`vdev` TYPE accepts the type name or its shared-object spelling: `vdev-TYPE.so` "
               "and `vdev-TYPE-safety.so` name the same type. An unknown type is kept with a "
               "warning and its options are not checked.");
    for (size_t t = 0; t < QC_VDEV_COUNT; t++) {
        const struct qc_vdev_desc *v = &qc_vdevs[t];
        char flags[512];
        char *text;
        bool any = false;

        flags_text(flags, sizeof(flags), v);
        o->subsection(f, v->name);
        text = describe(v->help, flags[0] ? flags + 1 : NULL, v->arch);
        if (!text)
            return -1;
        o->para(f, text);
        free(text);
        for (size_t i = 0; i < QC_VOPT_COUNT; i++) {
            const struct qc_opt_desc *d = &qc_vopts[i];
            bool common = (QC_VO_COMMON >> i) & 1;
            enum qc_repeat r = qc_vdev_repeat((int)t, (enum qc_vopt)i);
            /* Common options appear only where this type changes their rule. */
            if (!qc_vdev_accepts((int)t, (enum qc_vopt)i) || (common && r == d->repeat))
                continue;
            if (item(o, f, d->name, d->args, d->help, repeat_text(r), QC_AR_ANY))
                return -1;
            any = true;
        }
        if (!any)
            o->para(f, "No options beyond the common ones.");
    }
    return 0;
}

/* The "## Numbers" part of the lexical rules goes to NUMBERS; the rest to
 * LEXICAL RULES. Splits `md` in place into the two. */
static int split_numbers(char *md, char **numbers_r)
{
    char *n = strstr(md, "\n## Numbers\n"), *next;

    if (!n)
        return -1;
    static const char head[] = "\n## Numbers\n";
    const char *body = n + sizeof(head) - 1; /* without its heading */

    next = strstr(n + 1, "\n## ");
    *numbers_r = strndup(body, next ? (size_t)(next + 1 - body) : strlen(body));
    if (!*numbers_r)
        return -1;
    if (next)
        memmove(n + 1, next + 1, strlen(next + 1) + 1);
    else
        n[1] = '\0';
    return 0;
}

/* "help. Skipped when a or b reported an error." as one malloc'd sentence. */
static char *check_text(const struct qc_check *c)
{
    char *s = NULL, *t;
    const enum qc_check_id *p = c->prereqs;

    if (asprintf(&s, "%s.", c->help) < 0)
        return NULL;
    for (size_t n = 0; p && p[n] != QC_CK_COUNT; n++) {
        const char *sep = !n ? " Skipped when " : p[n + 1] == QC_CK_COUNT ? " or " : ", ";
        if (asprintf(&t, "%s%s%s%s", s, sep, qc_checks[p[n]].name,
                     p[n + 1] == QC_CK_COUNT ? " reported an error." : "") < 0) {
            free(s);
            return NULL;
        }
        free(s);
        s = t;
    }
    return s;
}

static void checks(const struct ref_out *o, FILE *f)
{
    static const struct {
        enum qc_check_kind kind, also;
        const char *title;
    } groups[] = {
        {QC_KIND_VALIDATOR, QC_KIND_VALIDATOR, "Validator checks"},
        {QC_KIND_PARSER, QC_KIND_READER, "Parser and reader checks"},
        {QC_KIND_XLATE, QC_KIND_XLATE, "Translation checks"},
        {QC_KIND_XLCFG, QC_KIND_XLCFG, "xl.cfg reader checks"},
        {QC_KIND_TOOL, QC_KIND_TOOL, "Toolstack checks"},
    };

    o->section(f, "CHECKS");
    o->para(f, "Every diagnostic carries a check name, shown in brackets after the message. "
               "Warnings can be turned off (`qvm-xl check -W no-NAME`) or made errors "
               "(`-E NAME`); errors cannot be turned off. The validator runs its checks in "
               "the order below and skips a check when one it depends on reported an error.");
    for (size_t g = 0; g < N(groups); g++) {
        o->subsection(f, groups[g].title);
        if (groups[g].kind == QC_KIND_XLATE)
            o->para(f, "qvm-xl's, not the language's: reported when a configuration is translated "
                       "for Xen (qvm-xl check, convert and create).");
        if (groups[g].kind == QC_KIND_XLCFG)
            o->para(f, "Reported when an xl.cfg is read (`qvm-xl convert --to=qvmconf`).");
        if (groups[g].kind == QC_KIND_TOOL)
            o->para(f, "Reported for the host reservation file of `qvm-xl create "
                       "--host-reserve`.");
        for (size_t i = 0; i < QC_CK_COUNT; i++) {
            const struct qc_check *c = &qc_checks[i];
            if (c->kind != groups[g].kind && c->kind != groups[g].also)
                continue;
            char *text = check_text(c);
            if (!text)
                continue;
            o->item(f, c->name, qc_severity_name(c->sev), text);
            free(text);
        }
    }
}

/* One dictionary entry; libFuzzer wants '"' and '\\' escaped. */
static void dict_word(FILE *f, const char *w, size_t len)
{
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (w[i] == '"' || w[i] == '\\')
            fputc('\\', f);
        fputc(w[i], f);
    }
    fputs("\"\n", f);
}

/* The words of a choice list ("a|b|c") or filter list ("a,b"). */
static void dict_list(FILE *f, const char *list)
{
    while (list && *list) {
        size_t l = strcspn(list, "|,");
        if (l)
            dict_word(f, list, l);
        list += l + (list[l] != '\0');
    }
}

/* The libFuzzer dictionary of tests/fuzz: every keyword, vdev type, set
 * variable, blob type and choice word of the schema, then the punctuation
 * and prefixes of the argument grammars. */
static void fuzz_dict(FILE *f)
{
    static const char *const extra[] = {
        "mem:",
        "io:",
        "pci:",
        "apic",
        "forever",
        "on",
        "off",
        "auto",
        "yes",
        "no",
        "0x",
        "0d",
        "K",
        "M",
        "G",
        ",",
        ":",
        "=",
        "/",
        ".",
        "<",
        ">",
        "|",
        "+",
        "-",
        "#",
        "@",
        "\"",
        "\\",
        "\n",
        "$env{",
        "$asinfo_start{",
        "$asinfo_length{",
        "}",
        "vdev-",
        ".so",
        "-safety.so",
        "gic:",
        ",t",
        ",u",
        ",rw",
        "+rwn-x",
        "0xffffffffffffffff",
        "18446744073709551616",
    };

    fputs("# libFuzzer dictionary for qvmconf, generated by docs/gen-ref --dict from\n"
          "# conf/schema.def. Do not edit: run `make update-docs`.\n",
          f);
    for (size_t i = 0; i < QC_OPT_COUNT; i++) {
        dict_word(f, qc_opts[i].name, strlen(qc_opts[i].name));
        dict_list(f, qc_opts[i].fields);
    }
    for (size_t i = 0; i < QC_VOPT_COUNT; i++) {
        dict_word(f, qc_vopts[i].name, strlen(qc_vopts[i].name));
        dict_list(f, qc_vopts[i].fields);
    }
    for (size_t i = 0; i < QC_VDEV_COUNT; i++)
        dict_word(f, qc_vdevs[i].name, strlen(qc_vdevs[i].name));
    for (size_t i = 0; i < QC_SETVAR_COUNT; i++)
        dict_word(f, qc_setvars[i].name, strlen(qc_setvars[i].name));
    for (size_t i = 0; i < QC_BLOB_COUNT; i++)
        dict_word(f, qc_blobs[i].name, strlen(qc_blobs[i].name));
    dict_list(f, "instruction|reference|register|abort|fail|ignore|stdout|stderr|slog|none");
    for (size_t i = 0; i < N(extra); i++) {
        if (strcmp(extra[i], "\n") == 0)
            fputs("\"\\x0a\"\n", f); /* a newline, as libFuzzer spells it */
        else
            dict_word(f, extra[i], strlen(extra[i]));
    }
}

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
            len = fread(buf, 1, (size_t)n, f);
            buf[len] = '\0';
        }
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    const struct ref_out *o = &ref_roff;
    const char *lexical = NULL;
    char *md = NULL, *numbers = NULL;
    FILE *f = stdout;
    int rc = 1;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--markdown") == 0)
            o = &ref_md;
        else if (strcmp(argv[i], "--dict") == 0)
            o = NULL;
        else
            lexical = argv[i];
    }
    if (!o) {
        fuzz_dict(f);
        return fflush(f) ? 1 : 0;
    }
    if (!lexical) {
        fprintf(stderr, "usage: gen-ref [--markdown] LEXICAL-RULES.md > PAGE\n"
                        "       gen-ref --dict > DICTIONARY\n");
        return 64;
    }
    md = read_all(lexical);
    if (!md || split_numbers(md, &numbers)) {
        fprintf(stderr, "gen-ref: cannot read %s or it has no \"## Numbers\" section\n", lexical);
        goto out;
    }

    o->begin(f);
    o->section(f, "NAME");
    o->para(f, "qvmconf - QNX Hypervisor VM configuration files, as read by qvm-xl");
    o->section(f, "SYNOPSIS");
    o->verbatim(f, "GUEST.qvmconf\n"
                   "qvm-xl create [-c] [-p] [-n] FILE [[--] WORD...]\n"
                   "qvm-xl check [--syntax-only] [--explain] [--canonical] FILE... [-- WORD...]");
    description(o, f);
    o->section(f, "LEXICAL RULES");
    o->markdown(f, md);
    if (components(o, f) || contexts(o, f) || vdev_types(o, f))
        goto out;
    o->section(f, "NUMBERS");
    o->markdown(f, numbers);
    o->para(f, "In the syntax above, `address` and `start` fields are addresses, `length` and "
               "`size` fields are sizes, and every other number is a count.");
    checks(o, f);
    o->section(f, "EXIT STATUS");
    o->para(f, "qvm-xl check and create exit with 0 when the configuration is valid (warnings "
               "allowed), 65 when it has an error (as qvm does) or, unless check is given "
               "--syntax-only, when Xen cannot run it as written, 1 when a file cannot be "
               "read, and 64 on a usage error.");
    o->section(f, "SEE ALSO");
    o->para(f, "qvm-xl(1), xl(1), xl.cfg(5)");
    rc = fflush(f) ? 1 : 0;
out:
    free(md);
    free(numbers);
    return rc;
}
