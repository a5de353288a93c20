/* SPDX-License-Identifier: LGPL-2.1-only */
/* chardev.h: the host side of an emulated UART (qvm's hostdev: stdio, file, pty, <in, >out). */
#ifndef QX_CHARDEV_H
#define QX_CHARDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Output waiting for chardev_flush: a REP OUTSB of 4096 bytes costs at most four writes. */
#define CHARDEV_OUT_BUF 1024

struct chardev {
    int in_fd;  /* -1: no input */
    int out_fd; /* -1: output discarded */
    bool own_in, own_out;
    bool in_eof;
    char pty_name[64]; /* set when a pty was allocated */
    uint64_t dropped;  /* output bytes lost because the sink was full */
    uint64_t writes;   /* write(2) calls made, for tests and statistics */
    size_t out_len;
    uint8_t out_buf[CHARDEV_OUT_BUF];
};

void chardev_init(struct chardev *c);
/* Adds one hostdev spelling: "-" (stdin+stdout), ">-" (stdout), "pty", "PATH" (both),
 * ">PATH" (output only, created/appended), "<PATH" (input only). Several calls combine
 * (qvm allows "hostdev <in" plus "hostdev >out"); a second source or sink is an error.
 * Returns 0, VDEV_ERR_INVAL or VDEV_ERR_IO. */
int chardev_add(struct chardev *c, const char *spec, FILE *err);

struct vdev;
struct vdev_opts;
/* The UARTs' init: every hostdev= option of @o becomes a sink/source of
 * @dev's chardev (a pty's name is printed to @err). 0 or a VDEV_ERR_*. */
int chardev_add_hostdevs(struct vdev *dev, struct vdev_opts *o, FILE *err);
void chardev_dispose(struct chardev *c);

/* Queues one byte; writes only when the buffer is full (see chardev_flush). */
void chardev_put(struct chardev *c, uint8_t byte);
/* Writes what is queued. Never blocks: what a full sink cannot take is dropped and counted. */
void chardev_flush(struct chardev *c);
/* Never blocks: returns bytes read (0 when nothing is waiting or input is closed). */
size_t chardev_get(struct chardev *c, uint8_t *buf, size_t max);
/* fd to poll for input, or -1. */
int chardev_in_fd(const struct chardev *c);

#endif
