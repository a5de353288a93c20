/* SPDX-License-Identifier: LGPL-2.1-only */
/* What the writer and the reader of libvirt XML share: the spellings of libxl values in
 * libvirt's words, and the HVM settings libvirt's libxl driver always sets. */
#ifndef LVXML_INTERNAL_H
#define LVXML_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <libxl.h>

#include "libvirt/libvirt.h"

/* A libxl enum value and its libvirt spelling. */
struct lvxml_name {
    int value;
    const char *name;
};
/* The spelling of @value in @t (@n rows), or NULL. */
const char *lvxml_name_of(const struct lvxml_name *t, size_t n, int value);
/* The value spelt @name into *@value_r; false when @t has no such row. */
bool lvxml_value_of(const struct lvxml_name *t, size_t n, const char *name, int *value_r);
#define LVXML_N(t) (sizeof(t) / sizeof((t)[0]))

/* <on_poweroff> ... (libvirt's virDomainLifecycleAction); coredump-* only in <on_crash>. */
extern const struct lvxml_name lvxml_actions[6];
/* <disk><driver name=>: the libxl disk backend (libvirt's libxlMakeDisk). */
extern const struct lvxml_name lvxml_disk_backends[3];
/* <disk><driver type=>: the libxl disk format. */
extern const struct lvxml_name lvxml_disk_formats[5];

/* <video><model type=>: the emulated VGA (libvirt's libxlMakeVideo). */
extern const struct lvxml_name lvxml_videos[2];

/* <os><type>TEXT</type> and its machine= for each libxl domain type. */
struct lvxml_ostype {
    libxl_domain_type type;
    const char *text, *machine;
};
extern const struct lvxml_ostype lvxml_ostypes[3];
const struct lvxml_ostype *lvxml_ostype_of(libxl_domain_type type);

/* <serial type=>: libxl's (QEMU's) character device spelling: TYPE alone, TYPE:PATH, or the
 * path itself (type 'dev'). */
struct lvxml_chardev {
    const char *type;
    bool path;          /* takes <source path=> */
    const char *prefix; /* libxl's spelling before the path ("file:"); NULL: type alone */
};
extern const struct lvxml_chardev lvxml_chardevs[7];

/*
 * The HVM defbools libvirt's libxl driver sets from the XML every time (a feature absent is
 * false, not libxl's default): <acpi/>, <apic/>, <pae/>, <graphics type='vnc'/>, and sdl
 * (never). The writer writes the element when the value libxl would use is true; the round
 * trip check treats "default" and libxl's default as the same value.
 */
struct lvxml_implied {
    size_t off;         /* of the libxl_defbool in libxl_domain_build_info */
    bool libxl_default; /* what libxl uses for default on x86 HVM */
    const char *path;   /* features/acpi, devices/graphics ... ("" when not written) */
};
extern const struct lvxml_implied lvxml_implied[5];
/* The value libxl would use for row @i of @b. */
bool lvxml_implied_value(const libxl_domain_build_info *b, size_t i);
libxl_defbool *lvxml_implied_field(libxl_domain_build_info *b, size_t i);

/*
 * Compares @a (what the writer was given) and @b (what the reader made of the XML): the
 * fields whose libxl JSON differ are reported in @d (located at @name) as "libvirt-unsupported"
 * (@sev) with their libxl path, and appended to *@paths_r (malloc'd, space-separated, may be NULL).
 * @b is adjusted for the implied defbools first. Returns the number of fields, or -1 when
 * out of memory.
 */
int lvxml_compare(const libxl_domain_config *a, libxl_domain_config *b, const char *name,
                  enum qc_severity sev, struct qc_diags *d, char **paths_r);

#endif
