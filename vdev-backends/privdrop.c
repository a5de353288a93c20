/* SPDX-License-Identifier: LGPL-2.1-only */
/* privdrop.c: after setup a backend needs no privilege, so it keeps none. */
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "vdev-backends/privdrop.h"
#include "vdev-backends/vdev-opts.h"

int privdrop_lookup_passwd(const char *name, uid_t *uid_r, gid_t *gid_r)
{
    struct passwd *pw = getpwnam(name);

    if (!pw)
        return -1;
    *uid_r = pw->pw_uid;
    *gid_r = pw->pw_gid;
    return 0;
}

static int parse_ids(const char *s, struct privdrop_creds *c)
{
    char buf[48];
    char *colon;
    uint64_t u, g;

    if (strlen(s) >= sizeof(buf))
        return -1;
    strcpy(buf, s);
    colon = strchr(buf, ':');
    if (colon)
        *colon = '\0';
    if (vdev_parse_u64(buf, &u) || u >= (uid_t)-1)
        return -1;
    g = u;
    if (colon && (vdev_parse_u64(colon + 1, &g) || g >= (gid_t)-1))
        return -1;
    c->uid = (uid_t)u;
    c->gid = (gid_t)g;
    return 0;
}

int privdrop_decide(const char *user, privdrop_lookup_fn lookup, struct privdrop_creds *c,
                    FILE *err)
{
    if (user) {
        c->source = "option";
        if (user[0] >= '0' && user[0] <= '9') {
            if (parse_ids(user, c))
                goto bad;
        } else if (lookup(user, &c->uid, &c->gid)) {
            if (err)
                fprintf(err, "--user %s: no such user\n", user);
            return -1;
        }
    } else if (!lookup(PRIVDROP_DEDICATED_USER, &c->uid, &c->gid)) {
        c->source = "dedicated";
    } else if (!lookup("nobody", &c->uid, &c->gid)) {
        c->source = "nobody";
    } else {
        c->uid = PRIVDROP_NOBODY_ID;
        c->gid = PRIVDROP_NOBODY_ID;
        c->source = "fallback";
    }
    if (c->uid == 0 || c->gid == 0) {
        if (err)
            fprintf(err, "refusing to run the backend as uid/gid 0\n");
        return -1;
    }
    return 0;
bad:
    if (err)
        fprintf(err, "--user %s: expected NAME or UID[:GID]\n", user);
    return -1;
}

int privdrop_apply(const struct privdrop_creds *c, FILE *err)
{
    if (geteuid() != 0) {
        if (err)
            fprintf(err, "not root: keeping uid %u (wanted %u)\n", (unsigned)geteuid(),
                    (unsigned)c->uid);
        return 0;
    }
    if (setgroups(0, NULL) || setresgid(c->gid, c->gid, c->gid) ||
        setresuid(c->uid, c->uid, c->uid)) {
        if (err)
            fprintf(err, "dropping privileges to %u:%u failed: %m\n", (unsigned)c->uid,
                    (unsigned)c->gid);
        return -1;
    }
    /* A uid change away from 0 clears the permitted and effective capability sets;
     * no_new_privs stops a later exec from gaining any back. */
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (setuid(0) == 0 || geteuid() == 0) {
        if (err)
            fprintf(err, "privileges could be regained; refusing to continue\n");
        return -1;
    }
    return 0;
}

void privdrop_print_creds(FILE *out)
{
    static const char *const keys[] = {"Uid:", "Gid:", "Groups:", "CapPrm:", "CapEff:", "NoNewPrivs:"};
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");

    fprintf(out, "creds:");
    while (f && fgets(line, sizeof(line), f)) {
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
            if (!strncmp(line, keys[i], strlen(keys[i]))) {
                char *p = line + strlen(keys[i]);

                line[strcspn(line, "\n")] = '\0';
                while (*p == '\t' || *p == ' ')
                    p++;
                fprintf(out, " %.*s=%s", (int)strlen(keys[i]) - 1, keys[i], p);
            }
        }
    }
    fputc('\n', out);
    if (f)
        fclose(f);
}
