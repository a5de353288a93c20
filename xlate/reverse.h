/* The reverse direction: xl.cfg text or a libxl domain config -> the qvm model and qvmconf text. */
#ifndef XLATE_REVERSE_H
#define XLATE_REVERSE_H

#include <stddef.h>
#include <stdio.h>
#include <libxl.h>

#include "qvmconf.h"
#include "target.h"

/*
 * Something of the Xen side that the qvm side cannot say: an xl.cfg key (or
 * a libxl field path when there is no key, e.g. "b_info.tsc_mode") and why.
 * Each one is a warning on the report stream and a "# " comment in the
 * qvmconf output, so nothing is dropped silently.
 */
struct xlate_lossy {
    char *key;
    char *text;
};
struct xlate_lossy_list {
    struct xlate_lossy *v;
    size_t n;
};
void xlate_lossy_init(struct xlate_lossy_list *l);
void xlate_lossy_dispose(struct xlate_lossy_list *l);
/* Appends one entry. Returns 0 or XLATE_ERR_NOMEM. */
int xlate_lossy_add(struct xlate_lossy_list *l, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Whether @key is in the list. */
bool xlate_lossy_has(const struct xlate_lossy_list *l, const char *key);

/*
 * xl.cfg -> libxl_domain_config with the meaning Xen 4.17's xl gives each key
 * (xl_parse.c), read with libxlutil. @name names the text in messages; @arch
 * picks xl's default guest type (pv on x86_64, pvh on aarch64). @dc must be
 * fresh from libxl_domain_config_init.
 * Syntax errors are libxlutil's own, located ("NAME:LINE: config parsing
 * error near ..."); bad values are "NAME:LINE: error: KEY: ..."; keys this
 * parser does not know are "NAME:LINE: warning: KEY: ..." and are added to
 * @lossy. All go to @report (may be NULL). Input that libxlutil or libxl
 * would assert on (a NUL byte, a key repeated in a channel spec) is refused
 * before it reaches them ("NAME:LINE:COL: error: ..."), and so is every value
 * xlate_reverse would refuse for @arch (its r->refused), at the key's line:
 * what this accepts, xlate_reverse turns into qvmconf with the same meaning.
 * Returns 0, XLATE_ERR_INVAL (the text is not a valid xl.cfg: the caller
 * exits 65, as for any configuration error) or XLATE_ERR_NOMEM.
 */
int xlate_xlcfg_parse(const char *name, const char *data, size_t len, enum xlate_arch arch,
                      libxl_domain_config *dc, struct xlate_lossy_list *lossy, FILE *report);

/* Whether @dc uses ARM-only settings (gic_version, vuart, dtdev, device_tree,
 * virtio disks): how a caller without --target tells an ARM xl.cfg. */
bool xlate_xlcfg_is_arm(const libxl_domain_config *dc);

/* The xl.cfg keys xlate_xlcfg_parse understands, NULL-terminated. */
extern const char *const xlate_xlcfg_keys[];

/*
 * Result of the reverse translation. The model is built by writing qvmconf
 * text and parsing it with conf/'s own parser, so it is exactly what qvm-xl
 * would read back; item locations point into that text (named by
 * xlate_reverse_opts.name), which `src` owns.
 */
struct xlate_reverse {
    struct qc_sources src;
    struct qc_words words;
    struct qc_config cfg;
    char *text;                    /* the generated qvmconf, before canonical writing */
    struct xlate_lossy_list lossy; /* in the order found */
    /* Values qvmconf cannot say with the same meaning (a load path qvm would
     * read as ADDRESS,PATH, a control character, RAM beyond 64-bit addresses,
     * an empty affinity ...): KEY and why. Any entry makes xlate_reverse fail. */
    struct xlate_lossy_list refused;
};
void xlate_reverse_init(struct xlate_reverse *r);
void xlate_reverse_dispose(struct xlate_reverse *r);

struct xlate_reverse_opts {
    const char *name;                     /* names the generated text in locations ("export") */
    enum xlate_arch arch;                 /* the guest's architecture */
    const struct xlate_lossy_list *carry; /* lossy entries from the parser, copied first */
};

/*
 * libxl_domain_config -> qvm model, one rule per mapping.def row
 * (xlate/reverse.def). Xen defaults that qvm spells out are written: the
 * RAM layout at Xen's guest addresses, the interrupt controller (ARM vdev
 * gic; x86 HVM ioapic, 8259s, PIT, RTC, keyboard). Whatever has no qvm
 * equivalent is added to r->lossy and printed to @report as
 * "NAME: warning: KEY: TEXT". A value that qvmconf cannot carry with its
 * meaning is refused: added to r->refused and printed as
 * "NAME: error: KEY: TEXT" (xlate_xlcfg_parse reports the same refusals at
 * the key's line, so convert never gets this far with them).
 * Returns 0, XLATE_ERR_NOMEM, or XLATE_ERR_INVAL when a value was refused or
 * the generated text does not parse or validate (a bug; the diagnostics go
 * to @report). On success, qvm-xl's reader and validator accept the text.
 */
int xlate_reverse(const libxl_domain_config *dc, const struct xlate_reverse_opts *o,
                  struct xlate_reverse *r, FILE *report);

/* The qvmconf output: a comment per lossy entry, then qc_write's canonical text. */
void xlate_reverse_write(FILE *out, const struct xlate_reverse *r);

/* Reverse rules, one per mapping.def row they invert (xlate/reverse.def). */
struct xlate_reverse_rule {
    int rule;            /* enum xlate_rule (map-internal.h; its name: xlate_rules[rule].name) */
    const char *xl_keys; /* the xl.cfg keys it reads, space-separated */
};
extern const struct xlate_reverse_rule xlate_reverse_rules[];
extern const size_t xlate_reverse_nrules;

#endif
