/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target: the host reservation file (toolstack/host.c,
 * docs/qvm-xl.1 HOST RESERVATION). Each input is read as a reservation file:
 * - an accepted file holds only the documented items: its words are
 *   `cpu (runmask LIST)+` and `reserve (loc X | intr N)+`, the model read
 *   again has nothing else, every range is mem:, not empty and not wrapping,
 *   and exactly what it reserves is claimed, held by "host reservation
 *   fuzz.qvmconf:LINE";
 * - a refused file claims nothing;
 * - either way qx_host_check of a small fixed VM finds exactly the conflicts
 *   an independent overlap computation (128-bit, no wrapping) expects. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/doc.h"
#include "toolstack/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME     "fuzz.qvmconf"
#define NR_PCPUS 8

static void fail(const char *why, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz-host: %s\n--- input ---\n%.*s\n---\n", why, (int)size,
            (const char *)data);
    abort();
}

/* The VM checked against the reservations: pCPUs (one missing on this
 * host), iomem near the top of the address space and at a usual device
 * window, and interrupts at both ends of the range. */
static const char vm_text[] = "system fuzzvm\n"
                              "cpu runmask 0,1\n"
                              "cpu runmask 7,9\n"
                              "cpu\n"
                              "pass loc mem:0xfd500000,0x10000 intr ioapic:16\n"
                              "pass loc mem:0xfffffffffffff000,0x1000 intr ioapic:0\n"
                              "pass loc mem:0x0,0x1000 intr ioapic:4294967295\n";

struct vm {
    struct qc_doc doc; /* the whole run: the model's locations name its sources */
    libxl_domain_config dc;
};

static const struct vm *vm_get(void)
{
    static struct vm vm;
    static int ready;
    const struct qc_config *cfg = &vm.doc.cfg;
    libxl_domain_build_info *b = &vm.dc.b_info;

    if (ready)
        return &vm;
    qc_doc_init(&vm.doc, NULL);
    qc_doc_read_buffer(&vm.doc, "vm.qvmconf", vm_text, sizeof(vm_text) - 1);
    qc_doc_parse(&vm.doc);
    if (vm.doc.d.errors) {
        qc_diags_print(stderr, &vm.doc.d, &vm.doc.src);
        abort();
    }
    /* What the translation makes of it: pages 1:1, the PIC lines as irqs. */
    libxl_domain_config_init(&vm.dc);
    vm.dc.c_info.name = strdup("fuzzvm");
    for (size_t i = 0; i < cfg->npasses; i++) {
        const struct qc_pass *p = &cfg->passes[i];
        for (size_t j = 0; j < p->nlocs; j++) {
            libxl_iomem_range *r = realloc(b->iomem, (size_t)(b->num_iomem + 1) * sizeof(*r));
            if (!r)
                abort();
            b->iomem = r;
            r[b->num_iomem++] =
                (libxl_iomem_range){p->locs[j].guest.addr >> 12, (p->locs[j].len + 4095) >> 12,
                                    p->locs[j].guest.addr >> 12};
        }
        for (size_t j = 0; j < p->nintrs; j++) {
            uint32_t *q = realloc(b->irqs, (size_t)(b->num_irqs + 1) * sizeof(*q));
            if (!q)
                abort();
            b->irqs = q;
            q[b->num_irqs++] = p->intrs[j].line;
        }
    }
    ready = 1;
    return &vm;
}

static int is(const struct qc_word *w, const char *s)
{
    return strcmp(w->text, s) == 0;
}

/* The words of an accepted file follow the page's grammar. */
static const char *check_words(const struct qc_words *w)
{
    for (size_t i = 0; i < w->count;) {
        size_t opts = 0;
        const char *a, *b;

        if (is(&w->items[i], "cpu")) {
            a = "runmask", b = NULL;
        } else if (is(&w->items[i], "reserve")) {
            a = "loc", b = "intr";
        } else {
            return "an undocumented item was accepted";
        }
        for (i++; i < w->count && (is(&w->items[i], a) || (b && is(&w->items[i], b))); i += 2) {
            if (i + 1 >= w->count)
                return "an option without its argument was accepted";
            opts++;
        }
        if (!opts)
            return "a cpu or reserve without options was accepted";
    }
    return NULL;
}

static int fits(uint64_t addr, uint64_t len)
{
    return len && len <= UINT64_MAX - addr;
}

/* The model of an accepted file, read again, is only cpus and reserves. */
static const char *check_model(const struct qc_config *c, const struct qc_words *w, size_t *claims)
{
    if (c->system.set || c->cmdline.set || c->dump.set || c->safety.set || c->dryrun.set ||
        c->debug.set || c->tolerance.set || c->nregions || c->nloads || c->nvdevs || c->npasses ||
        c->nloggers || c->nsetvars || c->nunsupported)
        return "a VM item was accepted";
    *claims = 0;
    for (size_t i = 0; i < c->ncpus; i++) {
        const struct qc_cpu *u = &c->cpus[i];
        if (!u->has_runmask || !u->runmask || u->partition || u->cluster || u->sched.set)
            return "a cpu other than `cpu runmask LIST` was accepted";
        *claims += (size_t)__builtin_popcountll(u->runmask);
    }
    for (size_t i = 0; i < c->nreserves; i++) {
        const struct qc_reserve *r = &c->reserves[i];
        if (!r->nlocs && !r->nintrs)
            return "an empty reserve was accepted";
        for (size_t j = 0; j < r->nlocs; j++) {
            const struct qc_locspec *l = &r->locs[j];
            uint64_t len = l->has_len ? l->len : 4096;
            if (l->guest.space != QC_SPACE_MEM || (l->has_host && l->host.space != QC_SPACE_MEM))
                return "a reserve loc outside mem: was accepted";
            if (!fits(l->guest.addr, len) || (l->has_host && !fits(l->host.addr, len)))
                return "an empty or wrapping range was accepted";
            if (l->attrs)
                return "a reserve loc with attributes was accepted";
        }
        for (size_t j = 0; j < r->nintrs; j++) {
            const struct qc_intr *it = &r->intrs[j];
            uint64_t v;
            if (it->kind != QC_INTR_NUM)
                return "a reserve intr other than a number was accepted";
            if (it->seq + 1 >= w->count ||
                qc_num_parse(w->items[it->seq + 1].text, w->items[it->seq + 1].len, QC_NUM_COUNT,
                             &v, NULL) != QC_NUM_OK ||
                v != it->line)
                return "a reserve intr was truncated";
        }
        *claims += r->nlocs + r->nintrs;
    }
    return NULL;
}

static const char *check_claims(const struct qx_host *h, size_t want)
{
    if (h->nclaims != want)
        return "the claims are not what the file reserves";
    for (size_t i = 0; i < h->nclaims; i++) {
        const struct qx_claim *c = &h->claims[i];
        if (strncmp(c->holder, "host reservation " NAME ":", sizeof("host reservation " NAME)) != 0)
            return "a claim has another holder";
        if ((c->kind == QX_RES_PCPU && (c->start > 63 || c->len != 1)) ||
            (c->kind == QX_RES_IRQ && (c->start > UINT32_MAX || c->len != 1)) ||
            (c->kind == QX_RES_IOMEM && !fits(c->start, c->len)) ||
            (c->kind != QX_RES_PCPU && c->kind != QX_RES_IRQ && c->kind != QX_RES_IOMEM))
            return "a claim is out of range";
    }
    return NULL;
}

/* What an accepted file must be, checked on a second, independent read. */
static const char *check_accepted(const uint8_t *data, size_t size, const struct qx_host *h)
{
    const struct qc_doc_opts o = {.read = {.no_includes = true}};
    struct qc_doc doc;
    const char *why = NULL;
    size_t claims = 0;

    if (memchr(data, '\0', size))
        return "a file with a NUL byte was accepted";
    qc_doc_init(&doc, &o);
    qc_doc_read_buffer(&doc, NAME, (const char *)data, size);
    qc_doc_parse(&doc);
    if (doc.d.errors)
        why = "a file with a syntax error was accepted";
    if (!why)
        why = check_words(&doc.words);
    if (!why)
        why = check_model(&doc.cfg, &doc.words, &claims);
    if (!why)
        why = check_claims(h, claims);
    qc_doc_dispose(&doc);
    return why;
}

static int overlap(const struct qx_host *h, enum qx_res kind, unsigned __int128 start,
                   unsigned __int128 len)
{
    for (size_t i = 0; i < h->nclaims; i++) {
        const struct qx_claim *c = &h->claims[i];
        unsigned __int128 cs = c->start, ce = cs + c->len;
        if (c->kind == kind && len && c->len && start < ce && cs < start + len)
            return 1;
    }
    return 0;
}

/* The conflicts qx_host_check must find, computed another way. */
static int expected_conflicts(const struct qx_host *h, const struct vm *vm)
{
    const libxl_domain_build_info *b = &vm->dc.b_info;
    int n = 0;

    for (size_t i = 0; i < vm->doc.cfg.ncpus; i++) {
        const struct qc_cpu *c = &vm->doc.cfg.cpus[i];
        for (unsigned bit = 0; c->has_runmask && bit < 64; bit++)
            if (c->runmask >> bit & 1)
                n += bit >= h->nr_pcpus || overlap(h, QX_RES_PCPU, bit, 1);
    }
    for (int i = 0; i < b->num_iomem; i++)
        n += overlap(h, QX_RES_IOMEM, (unsigned __int128)b->iomem[i].start << 12,
                     (unsigned __int128)b->iomem[i].number << 12);
    for (int i = 0; i < b->num_irqs; i++)
        n += overlap(h, QX_RES_IRQ, b->irqs[i], 1);
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    const struct vm *vm = vm_get();
    struct qx_host h;
    struct qx_conflicts c;
    const char *why = NULL;
    int rc, n;

    if (!sink && !(sink = fopen("/dev/null", "w")))
        abort();
    qx_host_init(&h);
    h.nr_pcpus = NR_PCPUS;
    rc = qx_host_parse_reserve_n(&h, NAME, (const char *)data, size, sink);
    if (rc == 0)
        why = check_accepted(data, size, &h);
    else if (rc != -1 || h.nclaims)
        why = "a refused file claimed something";
    if (why)
        fail(why, data, size);
    qx_conflicts_init(&c);
    n = qx_host_check(&h, &vm->doc.cfg, &vm->dc, &c);
    if (n != (int)c.n || n != expected_conflicts(&h, vm)) {
        fprintf(stderr, "qx_host_check found %d conflicts, %d expected\n", n,
                expected_conflicts(&h, vm));
        qx_conflicts_print(stderr, &c);
        fail("wrong conflicts", data, size);
    }
    qx_conflicts_print(sink, &c);
    qx_conflicts_dispose(&c);
    qx_host_dispose(&h);
    return 0;
}
