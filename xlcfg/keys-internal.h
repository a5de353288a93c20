/* SPDX-License-Identifier: LGPL-2.1-only */
/* Inside xlcfg/: the functions the rows of keys.def name, and the state they work on. */
#ifndef XLCFG_KEYS_INTERNAL_H
#define XLCFG_KEYS_INTERNAL_H

#include <libxlutil.h>

#include "xlcfg/xlcfg.h"

/* The reader's state (read.c). */
struct xlcfg_parse {
    XLU_Config *cfg;
    const char *name;
    libxl_domain_config *dc;
    struct xlcfg_lossy_list *lossy;
    struct qc_diags *d;
    struct xlcfg_keymap *keys;
    const char *key; /* the key being read: where libxlutil's messages belong */
    int errors;
    int nomem;
    /* libxlutil's messages: written to this memory stream, turned into diagnostics */
    FILE *xlu_out;
    char *xlu_text;
    size_t xlu_len, relayed;
};

/*
 * The writer's state (write.c). How "never drop a field" is enforced: the
 * writer works on a shallow copy (rest) of the caller's config; every field
 * written to the text is reset in rest to its libxl default (CONSUME).
 * Whatever libxl's own JSON generator still prints for rest at the end is a
 * field xl.cfg cannot express, and its JSON names it. Device arrays are
 * checked the same way, element by element. rest only borrows pointers from
 * the caller's config: it is never disposed.
 */
struct xlcfg_emit {
    FILE *f; /* text buffer; copied to the caller's stream only on success */
    const libxl_domain_config *d;
    libxl_domain_config rest;
    libxl_domain_config blank; /* libxl defaults for the same domain type */
    char *why;                 /* first reason for XLCFG_ERR_UNSUPPORTED */
};

typedef int xlcfg_read_fn(struct xlcfg_parse *p, const char *key);
/* Entry @i of a list key is @s (NULL when it is not a string); @dev is the
 * device appended for it, if the key adds devices. Returns 0, 1 when the entry
 * is not what the key's row says it must be, or -1 once reported. */
typedef int xlcfg_entry_fn(struct xlcfg_parse *p, const char *key, int i, const char *s, void *dev);
typedef int xlcfg_write_fn(struct xlcfg_emit *st);
typedef void *xlcfg_add_fn(libxl_domain_config *d);

/* The functions of row i of xlcfg_keys (keys.def). */
struct xlcfg_key_fns {
    xlcfg_read_fn *read;
    xlcfg_add_fn *add;
    xlcfg_entry_fn *entry;
    const char *what;
    xlcfg_write_fn *write;
};
extern const struct xlcfg_key_fns xlcfg_key_fns[];

/* Readers (read.c) */
xlcfg_read_fn r_memory, r_vcpus, r_affinity, r_cmdline, r_gic_version, r_vuart, r_serial;
xlcfg_entry_fn e_iomem, e_ioport, e_irq, e_dtdev, e_disk, e_vif, e_pci, e_channel, e_dm_arg_hvm;
xlcfg_add_fn add_dtdev, add_disk, add_nic, add_pci, add_channel;
/* Generic readers by kind, and the list reader (read.c). */
int xlcfg_read_generic(struct xlcfg_parse *p, const struct xlcfg_key *k);
int xlcfg_read_list(struct xlcfg_parse *p, const char *key, const struct xlcfg_key_fns *fn);

/* Writers (write.c) */
xlcfg_write_fn w_identity, w_memory, w_vcpus, w_cpus, w_cpus_soft, w_iomem, w_ioports, w_irqs,
    w_serial, w_dtdevs, w_disks, w_nics, w_pcidevs, w_channels, w_dm_args_hvm;
int xlcfg_write_generic(struct xlcfg_emit *st, const struct xlcfg_key *k);

#endif
