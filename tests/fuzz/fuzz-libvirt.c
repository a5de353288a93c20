/* SPDX-License-Identifier: LGPL-2.1-only */
/* libFuzzer target for libvirt domain XML (`qvm-xl convert --to=qvmconf FILE.xml`):
 *
 *   XML -> libxl config (lvxml_read) -> XML (lvxml_write) -> libxl config again
 *
 * and aborts unless either the input was refused with a located libvirt-* error
 * ("fuzz.xml:LINE:COL", LINE >= 1), or the writer expresses everything the reader accepted
 * (no "not expressed" at all) and its XML reads back to the same libxl JSON. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvirt/libvirt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.xml"

static void fail(const char *why, const uint8_t *data, size_t size, const char *a, const char *b)
{
    fprintf(stderr, "fuzz-libvirt: %s\n--- input ---\n%.*s\n", why, (int)size, (const char *)data);
    if (a)
        fprintf(stderr, "--- %s\n", a);
    if (b)
        fprintf(stderr, "--- %s\n", b);
    abort();
}

/* Every error of @d is located in the input and has a libvirt-* check name. */
static bool located(const struct qc_diags *d)
{
    bool any = false;

    for (size_t i = 0; i < d->count; i++) {
        const struct qc_diag *it = &d->items[i];

        if (it->sev != QC_SEV_ERROR)
            continue;
        if (!it->loc.file || strcmp(it->loc.file, NAME) || it->loc.line < 1 || it->loc.col < 1 ||
            strncmp(it->check, "libvirt-", 8))
            return false;
        any = true;
    }
    return any;
}

/* The first diagnostic's message, for the report. */
static const char *first(const struct qc_diags *d)
{
    return d->count ? d->items[0].msg : "(no diagnostic)";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    libxl_domain_config dc, again;
    struct lvxml_write_opts o = {.arch = "x86_64", .name = NAME};
    struct qc_diags d, d2;
    char *xml = NULL, *ja = NULL, *jb = NULL;
    size_t len = 0;
    FILE *out;
    int rc;

    libxl_domain_config_init(&dc);
    libxl_domain_config_init(&again);
    qc_diags_init(&d);
    qc_diags_init(&d2);
    rc = lvxml_read(NAME, (const char *)data, size, &dc, NULL, &d, NULL);
    if (rc == XLCFG_ERR_INVAL && !located(&d))
        fail("refused without a located libvirt-* error", data, size, first(&d), NULL);
    if (rc)
        goto out;
    if (!(out = open_memstream(&xml, &len)))
        goto out;
    rc = lvxml_write(out, &dc, &o, &d2);
    fclose(out);
    if (rc == XLCFG_ERR_NOMEM)
        goto out;
    if (rc)
        fail("the writer cannot express what the reader accepted", data, size, first(&d2), xml);
    if (lvxml_read("written.xml", xml, len, &again, NULL, &d2, NULL))
        fail("the XML written does not read back", data, size, xml, first(&d2));
    ja = libxl_domain_config_to_json(NULL, &dc);
    jb = libxl_domain_config_to_json(NULL, &again);
    if (ja && jb && strcmp(ja, jb))
        fail("the meaning changed (XML -> libxl -> XML -> libxl)", data, size, ja, jb);
out:
    free(ja);
    free(jb);
    free(xml);
    qc_diags_dispose(&d2);
    qc_diags_dispose(&d);
    libxl_domain_config_dispose(&again);
    libxl_domain_config_dispose(&dc);
    return 0;
}
