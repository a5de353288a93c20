/* SPDX-License-Identifier: LGPL-2.1-only */
/* privdrop.h: choosing and switching to the unprivileged identity a backend runs as. */
#ifndef QX_PRIVDROP_H
#define QX_PRIVDROP_H

#include <stdio.h>
#include <sys/types.h>

#define PRIVDROP_DEDICATED_USER "qvm-xl-backend"
#define PRIVDROP_NOBODY_ID      65534

struct privdrop_creds {
    uid_t uid;
    gid_t gid;
    const char *source; /* option, dedicated, nobody or fallback */
};

/* Looks a user up by name: 0 and the ids when found, -1 when not. */
typedef int (*privdrop_lookup_fn)(const char *name, uid_t *uid_r, gid_t *gid_r);
int privdrop_lookup_passwd(const char *name, uid_t *uid_r, gid_t *gid_r);

/* user: NULL (dedicated user if it exists, else nobody, else 65534:65534), a name, or
 * "UID[:GID]". Root is refused. Returns 0 or -1 (message to err). */
int privdrop_decide(const char *user, privdrop_lookup_fn lookup, struct privdrop_creds *c_r,
                    FILE *err);

/* Drops supplementary groups, gid and uid (real, effective, saved) and sets no_new_privs;
 * then checks that uid 0 cannot be regained. Without root it changes nothing and says so.
 * Returns 0 or -1. */
int privdrop_apply(const struct privdrop_creds *c, FILE *err);

/* One line: uid, gid, groups and capability sets as the kernel reports them. */
void privdrop_print_creds(FILE *out);

#endif
