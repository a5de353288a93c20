/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem-proto.h: what qvm-xl, qvm-xl-backend and qvm-xl-shmemd say to each other about qvm's
 * shared-memory regions (vdev shmem), declared once for the three of them.
 *
 * Roles (docs/shmem-xen.md has the why):
 * - qvm-xl-shmemd, the broker: one privileged process per host. It keeps the named regions, owns
 *   their pages through a holder domain that never runs, makes the holder every client's Xen
 *   target, and maps a region's data pages into a client's region window. On x86 (Xen maps no
 *   foreign page into a domU) it keeps each region in a memfd of its own instead and hands it
 *   to every client's backend, which emulates the data pages too (SHMEM_ATTACH_EMULATED).
 * - qvm-xl create: connects to the broker's socket (root only), sends HELLO for the new domain
 *   (its domid and the shmem device's options) and hands the connected socket to the domain's
 *   qvm-xl-backend (device option fd=N). The connection is bound to that domain from then on:
 *   the unprivileged backend can never speak for another domain.
 * - qvm-xl-backend: emulates the factory page and the regions' control pages (shmem.c) and asks
 *   the broker to ATTACH, DETACH and NOTIFY; the broker sends it EVENTs when another client of
 *   a region notifies it or attaches or detaches.
 *
 * Transport: a SOCK_SEQPACKET UNIX socket, one struct shmem_msg per packet, host byte order
 * (both ends run on the same host). A request gets exactly one REPLY, in order; EVENTs may come
 * between a request and its reply. A malformed message ends the connection. */
#ifndef QX_SHMEM_PROTO_H
#define QX_SHMEM_PROTO_H

#include <stdint.h>

#define SHMEM_PROTO_VERSION 1
/* The broker's socket; QVMXL_SHMEMD_SOCKET in the environment overrides it (tests). */
#define SHMEM_SOCKET_PATH "/run/qvm-xl/shmemd.sock"

/* The guest's view (QNX's guest_shm.h: the factory page, the control page, the statuses). */
#define SHMEM_SIGNATURE   0x4d534732474d5651ULL
#define SHMEM_MAX_CLIENTS 16
#define SHMEM_MAX_NAME    32 /* bytes, including the terminating NUL */
#define SHMEM_PAGE        4096u

enum shmem_gss {
    SHMEM_GSS_OK,
    SHMEM_GSS_UNKNOWN_FAILURE,
    SHMEM_GSS_NOMEM,
    SHMEM_GSS_CLIENT_MAX,
    SHMEM_GSS_ILLEGAL_NAME,
    SHMEM_GSS_NO_PERMISSION,
    SHMEM_GSS_DOES_NOT_EXIST,
};

/* Factory page registers (byte offsets). */
enum {
    SHMEM_F_SIGNATURE = 0, /* u64, R/O */
    SHMEM_F_SHMEM = 8,     /* u64, R/O: guest-physical address of the last region's control page */
    SHMEM_F_VECTOR = 16,   /* u32, R/O: the device's interrupt */
    SHMEM_F_STATUS = 20,   /* u32, R/O: enum shmem_gss of the last size/find write */
    SHMEM_F_SIZE = 24,     /* u32, W: data pages; writing it creates or attaches name[] */
    SHMEM_F_NAME = 28,     /* char[32] */
    SHMEM_F_FIND = 60,     /* u32, W: the N-th of this guest's connections into shmem/size/name */
    SHMEM_F_END = 64,
};

/* A region as a client sees it, inside its window: the control page at gpa (trapped: the
 * backend claims the whole window for its ioreq server), then the region's data pages at
 * gpa + SHMEM_PAGE (RAM: the broker maps the holder's pages over the window there).
 * Control page registers (byte offsets): */
enum {
    SHMEM_C_STATUS = 0, /* u32, R: low 16 bits pending notifiers (cleared by the read), high 16
                           bits attached clients */
    SHMEM_C_IDX = 4,    /* u32, R/O: this client's index in the region */
    SHMEM_C_NOTIFY = 8, /* u32, W: bitset of clients to notify; ~0: every other client */
    SHMEM_C_DETACH = 12 /* u32, W: any value detaches */
};

enum shmem_msg_type {
    SHMEM_MSG_HELLO = 1, /* qvm-xl: domid, text = the device's options (below) */
    SHMEM_MSG_ATTACH,    /* backend: name, pages (0: only an existing region) */
    SHMEM_MSG_DETACH,    /* backend: region */
    SHMEM_MSG_NOTIFY,    /* backend: region, mask (client indices; ~0: all others) */
    SHMEM_MSG_REPLY,     /* broker: status; for ATTACH also region, idx, pages, gpa, clients,
                            flags */
    SHMEM_MSG_EVENT,     /* broker: region, mask (the notifiers' bits), clients */
};

/* REPLY.status of a HELLO, DETACH or NOTIFY (ATTACH replies carry an enum shmem_gss). */
enum shmem_err {
    SHMEM_E_OK = 0,
    SHMEM_E_PROTO = 100, /* malformed or out-of-order message */
    SHMEM_E_OPTS,        /* HELLO: bad options (text names which) */
    SHMEM_E_XEN,         /* a hypercall failed (holder, target, mapping); text says which */
    SHMEM_E_NOREGION,    /* no such region on this connection */
};

#define SHMEM_TEXT_MAX 1024

/* ATTACH REPLY flags. EMULATED (a broker run with --data=emulate: x86, where Xen maps no
 * foreign page into a domU): the region's data pages are not mapped into the guest. The REPLY
 * packet carries exactly one file descriptor (SCM_RIGHTS): a memfd of the broker's, sealed
 * against shrinking and growing, at least pages * SHMEM_PAGE bytes, holding the data; the
 * backend maps it and serves the guest's accesses to the data pages itself. gpa is then the
 * control page's OFFSET in the window, not an address: the window may move (a PCI BAR), the
 * backend adds its base at the time of each access. Without the flag (ARM) no descriptor
 * comes, and gpa is the address the broker mapped the data pages after. */
#define SHMEM_ATTACH_EMULATED 1u

/* HELLO text: the shmem device's options, comma-separated KEY=VALUE as on the backend's
 * --device line: window=BASE+LEN (the client's region window, guest-physical, page-aligned; a
 * broker that emulates places regions by offset, only LEN counts: qvm-xl says window=0+LEN),
 * allow=PATTERN and deny=PATTERN (shell patterns, repeatable), create=NAME:PAGES[:MODE[:GID]]
 * (repeatable), subst=PREFIX. REPLY texts are human-readable errors. */
struct shmem_msg {
    uint32_t type;
    uint32_t status;
    uint32_t domid;  /* HELLO */
    uint32_t region; /* broker's id of one client's connection to a region */
    uint32_t idx;    /* the client's index in the region */
    uint32_t pages;  /* data pages */
    union {
        uint32_t mask;  /* NOTIFY / EVENT */
        uint32_t flags; /* ATTACH REPLY: SHMEM_ATTACH_* (0 from a broker that maps) */
    };
    uint32_t clients; /* attached clients after the change */
    uint64_t gpa;     /* ATTACH reply: the control page's guest-physical address (its window
                         offset with SHMEM_ATTACH_EMULATED) */
    char name[SHMEM_MAX_NAME];
    char text[SHMEM_TEXT_MAX];
};

/* What follows is for the host's processes only: the stand-in guests (tests/e2e/guest-standin)
 * include this header freestanding, without the host's libc headers. */
#if __STDC_HOSTED__
#include <sys/types.h>

/* The most descriptors shmem_send passes with one message (the protocol's own need is one;
 * the tests and the fuzzer send more, to see them refused). */
#define SHMEM_SEND_FDS_MAX 4

/* One message on @sock with @nfds (<= SHMEM_SEND_FDS_MAX) descriptors of @fds as SCM_RIGHTS
 * data of the same packet; sendmsg's result (-1 with EINVAL for too many descriptors). */
ssize_t shmem_send(int sock, const struct shmem_msg *m, const int *fds, unsigned nfds, int flags);
#endif

#endif
