/* SPDX-License-Identifier: LGPL-2.1-only */
/* xlcfg/: a libxl domain config <-> xl.cfg text, with Xen 4.17 xl's meaning of
 * every key. One table (keys.def) declares the keys; the writer, the reader
 * and the residual check ("what libxl's JSON still prints is unexpressible")
 * all follow it. Depends on conf/ (diagnostics) and libxl/libxlutil only. */
#ifndef XLCFG_H
#define XLCFG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <libxl.h>

#include "conf/diag.h"

/* Error codes, negative; the same values as xlate's XLATE_ERR_* of the same name. */
enum xlcfg_error {
    XLCFG_ERR_NOMEM = -1,       /* out of memory */
    XLCFG_ERR_INVAL = -2,       /* not a valid xl.cfg (the diagnostics say why) */
    XLCFG_ERR_UNSUPPORTED = -3, /* a field xl.cfg cannot express */
    XLCFG_ERR_IO = -4,          /* writing the output failed */
};

/* ---- the keys table (keys.def) ---- */

/* How a key's value is read and written when its row names no function of its own. */
enum xlcfg_kind {
    XLCFG_STRING,  /* "TEXT" into a char * field */
    XLCFG_INT,     /* a number into an int field, written when not libxl's default */
    XLCFG_DEFBOOL, /* 0|1 into a libxl_defbool */
    XLCFG_ENUM,    /* one of the row's names, by value */
    XLCFG_ACTION,  /* an on_* action: written always (xl's default differs from libxl's) */
    XLCFG_CUSTOM,  /* the row's own functions (or another row's: see keys.def) */
    XLCFG_LIST,    /* [ "entry", ... ], read entry by entry */
};

/* Which side knows the key: the reader (R), the writer (W). */
#define XLCFG_R 1u
#define XLCFG_W 2u

/* The domain types a key applies to, as bits of libxl_domain_type. */
#define XLCFG_T_PV  (1u << LIBXL_DOMAIN_TYPE_PV)
#define XLCFG_T_PVH (1u << LIBXL_DOMAIN_TYPE_PVH)
#define XLCFG_T_HVM (1u << LIBXL_DOMAIN_TYPE_HVM)
#define XLCFG_T_ALL (XLCFG_T_PV | XLCFG_T_PVH | XLCFG_T_HVM)

struct xlcfg_key {
    const char *key;
    enum xlcfg_kind kind;
    size_t off, size;         /* the libxl_domain_config field (generic kinds) */
    unsigned types;           /* union members (b_info.u.*) are only valid for their type */
    unsigned dir;             /* XLCFG_R | XLCFG_W */
    const char *const *names; /* XLCFG_ENUM, XLCFG_ACTION: xl.cfg spelling by value */
    int nnames;
    int xl_default; /* XLCFG_ACTION: xl's value when the key is absent */
};
extern const struct xlcfg_key xlcfg_keys[];
extern const size_t xlcfg_nkeys;
/* The row of @key, or NULL. */
const struct xlcfg_key *xlcfg_key_find(const char *key);

/* xl's own spellings of the on_* actions (xl_parse.c action_on_shutdown_names). */
#define XLCFG_ACTION_COUNT (LIBXL_ACTION_ON_SHUTDOWN_SOFT_RESET + 1)
extern const char *const xlcfg_action_names[XLCFG_ACTION_COUNT];

/* ---- writer ---- */

/*
 * xl.cfg text that Xen 4.17's xl parses back into @d. Nothing is written
 * unless the whole config can be expressed. Returns 0, XLCFG_ERR_NOMEM,
 * XLCFG_ERR_IO, or XLCFG_ERR_UNSUPPORTED: then, if @unsupported_r is not
 * NULL, it receives a malloc'd text naming the first field(s) that cannot be
 * expressed, as a libxl field path and/or the residual libxl JSON.
 */
int xlcfg_write(FILE *out, const libxl_domain_config *d, char **unsupported_r);

/* ---- what has no equivalent on the other side ---- */

/* Something of the Xen side that the qvm side cannot say: an xl.cfg key (or a
 * libxl field path when there is no key, e.g. "b_info.tsc_mode") and why. */
struct xlcfg_lossy {
    char *key;
    char *text;
};
struct xlcfg_lossy_list {
    struct xlcfg_lossy *v;
    size_t n;
};
void xlcfg_lossy_init(struct xlcfg_lossy_list *l);
void xlcfg_lossy_dispose(struct xlcfg_lossy_list *l);
/* Appends one entry. Returns 0 or XLCFG_ERR_NOMEM. */
int xlcfg_lossy_add(struct xlcfg_lossy_list *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int xlcfg_lossy_vadd(struct xlcfg_lossy_list *l, const char *key, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
bool xlcfg_lossy_has(const struct xlcfg_lossy_list *l, const char *key);

/* ---- reader ---- */

/* Where each top-level key of a text is written (libxlutil has no key iterator). */
struct xlcfg_keypos {
    char key[64];
    struct qc_loc loc;
};
struct xlcfg_keymap {
    struct xlcfg_keypos *v;
    size_t n;
};
void xlcfg_keymap_init(struct xlcfg_keymap *m);
void xlcfg_keymap_dispose(struct xlcfg_keymap *m);
/* Where @key was last assigned (xl: the last assignment wins); line 0 when absent. */
struct qc_loc xlcfg_keymap_loc(const struct xlcfg_keymap *m, const char *name, const char *key);

/*
 * xl.cfg -> libxl_domain_config with the meaning Xen 4.17's xl gives each key
 * (xl_parse.c), read with libxlutil. @name names the text in locations (it
 * must outlive @d); @default_type is xl's guest type when type= is absent
 * (pv on x86_64, pvh on aarch64). @dc must be fresh from
 * libxl_domain_config_init. Every problem is a diagnostic in @d with a check
 * name "xlcfg-..." at NAME:LINE:COL of the key: libxlutil's syntax errors, bad
 * values, unknown keys (warnings, also added to @lossy), and input libxlutil
 * or libxl would assert on (a NUL byte, a key repeated in a spec). @keys_r (may
 * be NULL; init'ed by the caller) receives the keys' places.
 * Returns 0, XLCFG_ERR_INVAL (an error diagnostic was added) or XLCFG_ERR_NOMEM.
 */
int xlcfg_read(const char *name, const char *data, size_t len, libxl_domain_type default_type,
               libxl_domain_config *dc, struct xlcfg_lossy_list *lossy, struct qc_diags *d,
               struct xlcfg_keymap *keys_r);

/* ---- residual JSON ---- */

/* Compacts libxl JSON in place (no white space outside strings). */
void xlcfg_json_compact(char *json);
/* Compacts it and drops empty objects ("k":{}), so a fully consumed config is "{}". */
char *xlcfg_json_residual(char *json);

#endif
