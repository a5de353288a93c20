/* SPDX-License-Identifier: LGPL-2.1-only */
/* xlate/: from the qvm model to a Xen domain — plan type, error codes and emitters. */
#ifndef XLATE_H
#define XLATE_H

#include <stdio.h>
#include <libxl.h>
#include "xlate/target.h"
#include "xlcfg/libxl-util.h"
#include "xlcfg/xlcfg.h"

/* Error codes, negative; X(enum suffix, value, meaning and remedy). */
#define XLATE_ERRORS(X)                                                                            \
    X(NOMEM, -1, "out of memory")                                                                  \
    X(INVAL, -2, "invalid argument (a caller bug, or a value outside what libxl accepts)")         \
    X(UNSUPPORTED, -3, "a field xl.cfg cannot express; emit JSON or drop the field")               \
    X(IO, -4, "writing the output failed (check the stream)")

enum xlate_error {
#define XLATE_ERR_ENUM(e, v, text) XLATE_ERR_##e = (v),
    XLATE_ERRORS(XLATE_ERR_ENUM)
#undef XLATE_ERR_ENUM
};

/* Text for a code above (or 0); never NULL. */
const char *xlate_strerror(int rc);

/*
 * struct xlate_plan — PLACEHOLDER, to be completed with the qvm -> plan
 * entry point (conf/ model + xlate mapping). Intended shape:
 *
 *   enum xlate_fidelity { XLATE_EXACT, XLATE_APPROXIMATE, XLATE_BACKEND, XLATE_UNSUPPORTED };
 *   struct xlate_report_entry {
 *       struct qvm_srcpos loc;      // source location of the qvm item (file:line:col)
 *       const char *component;      // "cpu", "ram", "vdev pl011", ...
 *       enum xlate_fidelity fidelity;
 *       char *text;                 // what was done and why
 *   };
 *   struct xlate_backend { char *name; char **argv; ... };  // vdev-backends/ to start
 *   struct xlate_plan {
 *       libxl_domain_config config; // built with libxl-util.h, no ctx
 *       int num_backends;  struct xlate_backend *backends;
 *       int num_reports;   struct xlate_report_entry *reports;
 *   };
 *   void xlate_plan_init(struct xlate_plan *p);
 *   void xlate_plan_dispose(struct xlate_plan *p);
 *   int  xlate_translate(const struct qvm_config *c, const struct xlate_target *t,
 *                        struct xlate_plan *plan_r);
 */

/*
 * libxl JSON of @d, byte for byte what `xl -N create` prints for the same
 * config (libxl_domain_config_to_json(NULL, ...) plus a newline). Needs no ctx.
 * xlate_json_string returns a malloc'd string (no trailing newline) or NULL.
 * xlate_emit_json returns 0, XLATE_ERR_NOMEM or XLATE_ERR_IO.
 */
char *xlate_json_string(const libxl_domain_config *d);
int xlate_emit_json(FILE *out, const libxl_domain_config *d);

/*
 * xl.cfg text that Xen 4.17's xl parses back into @d: xlcfg_write
 * (xlcfg/xlcfg.h), whose error codes are XLATE_ERR_NOMEM, _IO and
 * _UNSUPPORTED by value.
 */
static inline int xlate_emit_xlcfg(FILE *out, const libxl_domain_config *d, char **unsupported_r)
{
    return xlcfg_write(out, d, unsupported_r);
}
_Static_assert((int)XLCFG_ERR_NOMEM == XLATE_ERR_NOMEM && (int)XLCFG_ERR_INVAL == XLATE_ERR_INVAL &&
                   (int)XLCFG_ERR_UNSUPPORTED == XLATE_ERR_UNSUPPORTED &&
                   (int)XLCFG_ERR_IO == XLATE_ERR_IO,
               "xlcfg's error codes are xlate's");

#endif
