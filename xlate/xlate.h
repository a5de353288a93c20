/* xlate/: from the qvm model to a Xen domain — plan type, error codes and emitters. */
#ifndef XLATE_H
#define XLATE_H

#include <stdio.h>
#include <libxl.h>
#include "target.h"
#include "libxl-util.h"

/* Error codes, negative; X(enum suffix, value, meaning and remedy). */
#define XLATE_ERRORS(X)                                                                            \
    X(NOMEM, -1, "out of memory")                                                                  \
    X(INVAL, -2, "invalid argument (a caller bug, or a value outside what libxl accepts)")        \
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

/* xl's own spellings of the on_* actions (xl_parse.c action_on_shutdown_names), indexed by
 * libxl_action_on_shutdown; read by the xl.cfg writer and the xl.cfg reader. */
#define XLATE_XL_ACTION_COUNT (LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET + 1)
extern const char *const xlate_xl_action_names[XLATE_XL_ACTION_COUNT];

/*
 * xl.cfg text that Xen 4.17's xl parses back into @d (checked by
 * tests/xlate/xl-roundtrip.sh against the real xl). Nothing is written unless
 * the whole config can be expressed. Returns 0, XLATE_ERR_NOMEM, XLATE_ERR_IO,
 * or XLATE_ERR_UNSUPPORTED: then, if @unsupported_r is not NULL, it receives a
 * malloc'd text naming the first field(s) that cannot be expressed, as a libxl
 * field path and/or the residual libxl JSON, e.g.
 * `b_info: {"b_info":{"tsc_mode":"native"}}` or `disks[0].pdev_path: ...`.
 */
int xlate_emit_xlcfg(FILE *out, const libxl_domain_config *d, char **unsupported_r);

#endif
