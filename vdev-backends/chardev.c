/* SPDX-License-Identifier: LGPL-2.1-only */
/* chardev.c: opening and using hostdev sources and sinks without ever blocking the guest. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "vdev-backends/vdev.h"

void chardev_init(struct chardev *c)
{
    memset(c, 0, sizeof(*c));
    c->in_fd = -1;
    c->out_fd = -1;
}

void chardev_dispose(struct chardev *c)
{
    chardev_flush(c);
    if (c->own_in && c->in_fd >= 0)
        close(c->in_fd);
    if (c->own_out && c->out_fd >= 0 && c->out_fd != c->in_fd)
        close(c->out_fd);
    chardev_init(c);
}

static int set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0)
        return -1;
    return fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int open_pty(struct chardev *c, FILE *err)
{
    struct termios t;
    int fd;
    int r;

    fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        goto fail;
    r = grantpt(fd);
    if (!r)
        r = unlockpt(fd);
    if (!r)
        r = ptsname_r(fd, c->pty_name, sizeof(c->pty_name));
    if (r)
        goto fail;
    /* Raw: the guest's bytes pass unchanged, as on a real serial line. */
    if (!tcgetattr(fd, &t)) {
        cfmakeraw(&t);
        tcsetattr(fd, TCSANOW, &t);
    }
    c->in_fd = c->out_fd = fd;
    c->own_in = c->own_out = true;
    return 0;
fail:
    if (err)
        fprintf(err, "hostdev pty: %s\n", strerror(errno));
    if (fd >= 0)
        close(fd);
    return VDEV_ERR_IO;
}

int chardev_add(struct chardev *c, const char *spec, FILE *err)
{
    bool want_in = true, want_out = true;
    const char *path = spec;
    int fd;

    if (*path == '<') {
        want_out = false;
        path++;
    } else if (*path == '>') {
        want_in = false;
        path++;
    }
    if (!*path) {
        if (err)
            fprintf(err, "hostdev '%s': missing path\n", spec);
        return VDEV_ERR_INVAL;
    }
    if ((want_in && c->in_fd >= 0) || (want_out && c->out_fd >= 0)) {
        if (err)
            fprintf(err, "hostdev '%s': a %s is already configured\n", spec,
                    want_in && c->in_fd >= 0 ? "source" : "sink");
        return VDEV_ERR_INVAL;
    }
    if (!strcmp(path, "-")) {
        if (want_in) {
            c->in_fd = STDIN_FILENO;
            set_nonblock(STDIN_FILENO);
        }
        if (want_out)
            c->out_fd = STDOUT_FILENO;
        return 0;
    }
    if (!strcmp(path, "pty")) {
        if (!want_in || !want_out) {
            if (err)
                fprintf(err, "hostdev '%s': a pty is always both source and sink\n", spec);
            return VDEV_ERR_INVAL;
        }
        return open_pty(c, err);
    }
    if (want_in && want_out)
        fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    else if (want_in)
        fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    else
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0640);
    if (fd < 0) {
        if (err)
            fprintf(err, "hostdev '%s': %s\n", spec, strerror(errno));
        return VDEV_ERR_IO;
    }
    if (want_in) {
        c->in_fd = fd;
        c->own_in = true;
    }
    if (want_out) {
        c->out_fd = fd;
        c->own_out = true;
    }
    return 0;
}

void chardev_put(struct chardev *c, uint8_t byte)
{
    if (c->out_fd < 0)
        return;
    if (c->out_len == sizeof(c->out_buf))
        chardev_flush(c);
    c->out_buf[c->out_len++] = byte;
}

void chardev_flush(struct chardev *c)
{
    size_t done = 0;
    ssize_t r;

    if (c->out_fd < 0 || !c->out_len)
        return;
    /* Each pass either makes progress or stops: a full sink ends the loop at once. */
    while (done < c->out_len) {
        r = write(c->out_fd, c->out_buf + done, c->out_len - done);
        c->writes++;
        if (r > 0)
            done += (size_t)r;
        else if (r < 0 && errno == EINTR)
            continue;
        else
            break;
    }
    c->dropped += c->out_len - done;
    c->out_len = 0;
}

size_t chardev_get(struct chardev *c, uint8_t *buf, size_t max)
{
    ssize_t r;

    if (c->in_fd < 0 || c->in_eof || max == 0)
        return 0;
    do {
        r = read(c->in_fd, buf, max);
    } while (r < 0 && errno == EINTR);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        /* End of a file, or a pty with no reader yet (EIO): stop polling a
         * source that would otherwise stay readable forever. A pty is
         * polled again once something opens it (see chardev_in_fd). */
        if (!c->pty_name[0])
            c->in_eof = true;
        return 0;
    }
    return r < 0 ? 0 : (size_t)r;
}

int chardev_in_fd(const struct chardev *c)
{
    return c->in_eof ? -1 : c->in_fd;
}

int chardev_add_hostdevs(struct vdev *dev, struct vdev_opts *o, FILE *err)
{
    const char *h;
    int rc;

    while ((h = vdev_opts_take(o, "hostdev")) != NULL) {
        rc = chardev_add(&dev->chr, h, err);
        if (rc)
            return rc;
        if (dev->chr.pty_name[0] && err)
            fprintf(err, "%s: hostdev pty is %s\n", dev->ops->name, dev->chr.pty_name);
    }
    return 0;
}
