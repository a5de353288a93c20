/* SPDX-License-Identifier: LGPL-2.1-only */
/* libvirt/: a libxl domain config <-> libvirt domain XML for libvirt's libxl driver
 * (<domain type='xen'>), another serialization of the libxl_domain_config beside xlcfg/'s
 * xl.cfg. One table (map.c) says which libxl field each element carries; the writer, the
 * reader and docs/libvirt.md follow it. Nothing is written with another meaning: the writer
 * reads its own XML back and reports every field whose libxl JSON differs as not expressed.
 * Depends on conf/ (diagnostics), xlcfg/ (keymap, error codes), libxl and libxml2. */
#ifndef LVXML_LIBVIRT_H
#define LVXML_LIBVIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <libxl.h>

#include "conf/diag.h"
#include "xlcfg/xlcfg.h"

/* Error codes are xlcfg's: XLCFG_ERR_NOMEM, _INVAL (the XML is refused: the diagnostics say
 * why), _UNSUPPORTED (a field libvirt cannot express), _IO. */

/* A domain XML is at most this large (and nested this deep): larger is not a domain. */
#define LVXML_MAX_SIZE  (1u << 20)
#define LVXML_MAX_DEPTH 16

/* Whether @data looks like libvirt XML: its first non-space byte is '<' (a qvmconf or an
 * xl.cfg never starts so). The reader then says whether the root is <domain>. */
bool lvxml_is_xml(const char *data, size_t len);

/* How to write: for whom, and what to do with what XML cannot say. */
struct lvxml_write_opts {
    const char *arch;   /* "x86_64", "aarch64" (<type arch=>), or NULL */
    const char *name;   /* the input's name, where the diagnostics are located */
    bool allow_partial; /* write anyway, saying what is left out */
    /* What the caller knows the XML cannot carry (a qvm-xl-backend device), reported as the
     * fields are; @nextra of them. */
    const char *const *extra;
    size_t nextra;
};

/*
 * libvirt domain XML of @dc on @out. Every field of @dc whose value the XML does not carry
 * (and every @o->extra) is a diagnostic "libvirt-unsupported" in @d naming its libxl path:
 * an error, and nothing is written; with @o->allow_partial a warning, and the XML says it in
 * a comment "<!-- qvm-xl: not expressed: PATH ... -->". Returns 0, XLCFG_ERR_UNSUPPORTED,
 * XLCFG_ERR_NOMEM or XLCFG_ERR_IO.
 */
int lvxml_write(FILE *out, const libxl_domain_config *dc, const struct lvxml_write_opts *o,
                struct qc_diags *d);

/*
 * libvirt domain XML -> @dc (fresh from libxl_domain_config_init) with the meaning the writer
 * gives each element (docs/libvirt.md). @name names the text in locations and must outlive
 * @d. Anything not understood (an element, an attribute, a value) is an error at
 * NAME:LINE:COL: "libvirt-syntax" (not well-formed, a DTD, too deep), "libvirt-unknown",
 * "libvirt-value". @arch_r (may be NULL) receives the <type arch=> ("" when absent; 16
 * bytes). @keys_r (may be NULL) receives the places of the elements under the xl.cfg key
 * names the way back to qvmconf reports with ("memory", "disk", "vif" ...).
 * Returns 0, XLCFG_ERR_INVAL or XLCFG_ERR_NOMEM.
 */
int lvxml_read(const char *name, const char *data, size_t len, libxl_domain_config *dc,
               char arch_r[16], struct qc_diags *d, struct xlcfg_keymap *keys_r);

/* The element table the reader follows, as a Markdown table (docs/libvirt.md). */
void lvxml_mapping_print_md(FILE *out);

#endif
