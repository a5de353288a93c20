/* SPDX-License-Identifier: LGPL-2.1-only */
/* dispatch.c: validating untrusted ioreqs and routing them to device register models. */
#include <string.h>

#include "vdev-backends/dispatch.h"
#include "vdev-backends/pci-func.h"

static const char *const disp_names[VDEV_DISP_COUNT] = {
    [VDEV_DISP_OK] = "ok",
    [VDEV_DISP_IGNORED_TYPE] = "ignored-type",
    [VDEV_DISP_BAD_SIZE] = "bad-size",
    [VDEV_DISP_UNMAPPED] = "unmapped",
    [VDEV_DISP_BAD_ACCESS] = "bad-access",
    [VDEV_DISP_REP_REFUSED] = "rep-refused",
    [VDEV_DISP_REP_FAULT] = "rep-fault",
};

const char *vdev_disp_name(enum vdev_disp d)
{
    return (unsigned)d < VDEV_DISP_COUNT ? disp_names[d] : "?";
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? UINT64_MAX : (1ULL << (size * 8)) - 1;
}

static bool valid_size(uint64_t size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* Whether d decodes its range r: a PCI function only while the guest has it live. */
static bool decodes(const struct vdev *d, enum vdev_range r)
{
    return !d->pci.present || d->pci.live[r];
}

/* Written so that no sum can overflow: base + len may be 2^64. */
static struct vdev *find_dev(struct vdev_bus *bus, enum vdev_space space, uint64_t addr,
                             unsigned size, uint64_t *off_r)
{
    for (size_t i = 0; i < bus->ndev; i++) {
        struct vdev *d = &bus->dev[i];

        if (!d->ops || d->space != space)
            continue;
        if (decodes(d, VDEV_RANGE_MAIN) && addr >= d->base && addr - d->base < d->len &&
            size <= d->len - (addr - d->base)) {
            *off_r = addr - d->base;
            return d;
        }
        if (d->win_len && decodes(d, VDEV_RANGE_WIN) && space == VDEV_SPACE_MMIO &&
            addr >= d->win_base && addr - d->win_base < d->win_len &&
            size <= d->win_len - (addr - d->win_base)) {
            *off_r = d->len + (addr - d->win_base);
            return d;
        }
    }
    return NULL;
}

/* A narrower access the device takes as it is (ops->narrow_from). */
static bool narrow_ok(const struct vdev_ops *ops, uint64_t off, unsigned size)
{
    if (ops->any_align_from && off >= ops->any_align_from && size <= ops->reg_width)
        return true; /* memory-like: any width at any offset, as the guest made it */
    return ops->narrow_from && off >= ops->narrow_from && size < ops->reg_width && off % size == 0;
}

/* Turns an access of any width into the device's register width. Wider accesses to byte
 * registers are split low byte first (what the hardware's bus does for inw/inl); narrower
 * accesses to 32-bit registers are allowed only at the register's low byte, because a
 * read-modify-write would repeat read side effects (popping a FIFO, clearing a flag), except
 * from narrow_from on, where the device takes them as they are. */
static enum vdev_disp dev_access(struct vdev *d, uint64_t off, unsigned size, bool is_read,
                                 uint64_t *val)
{
    const struct vdev_ops *ops = d->ops;
    unsigned w = ops->reg_width;

    if (w == 1) {
        uint64_t v = 0;

        for (unsigned i = 0; i < size; i++) {
            if (is_read)
                v |= (ops->read(d, off + i, 1) & 0xff) << (8 * i);
            else
                ops->write(d, off + i, 1, (*val >> (8 * i)) & 0xff);
        }
        if (is_read)
            *val = v;
        return VDEV_DISP_OK;
    }
    if (narrow_ok(ops, off, size)) {
        if (is_read)
            *val = ops->read(d, off, size) & size_mask(size);
        else
            ops->write(d, off, size, *val & size_mask(size));
        return VDEV_DISP_OK;
    }
    if (off % w || size > w)
        return VDEV_DISP_BAD_ACCESS;
    if (is_read)
        *val = ops->read(d, off, w) & size_mask(size);
    else
        ops->write(d, off, w, *val & size_mask(size));
    return VDEV_DISP_OK;
}

enum vdev_disp vdev_bus_access(struct vdev_bus *bus, enum vdev_space space, uint64_t addr,
                               unsigned size, bool is_read, uint64_t *val)
{
    enum vdev_disp rc;
    struct vdev *d;
    uint64_t off;

    d = find_dev(bus, space, addr, size, &off);
    if (!d) {
        rc = VDEV_DISP_UNMAPPED;
        goto out;
    }
    rc = dev_access(d, off, size, is_read, val);
out:
    if (rc != VDEV_DISP_OK && is_read)
        *val = UINT64_MAX;
    return rc;
}

/* A configuration access: addr is Xen's (SBDF << 32) | register (x86, CF8/CFC). */
static enum vdev_disp config_access(struct vdev_bus *bus, uint64_t addr, unsigned size,
                                    bool is_read, uint64_t *val)
{
    struct vdev *d = pci_func_find(bus, (uint32_t)(addr >> 32));
    enum vdev_disp rc = !d ? VDEV_DISP_UNMAPPED : size > 4 ? VDEV_DISP_BAD_SIZE : VDEV_DISP_OK;

    if (rc == VDEV_DISP_OK)
        pci_func_config(bus, d, (uint32_t)addr, size, is_read, val);
    else if (is_read)
        *val = UINT64_MAX;
    return rc;
}

/* One item of a request of type (PIO, COPY or PCI_CONFIG). */
static enum vdev_disp item_access(struct vdev_bus *bus, uint8_t type, uint64_t addr, unsigned size,
                                  bool is_read, uint64_t *val)
{
    if (type == VDEV_IOREQ_PCI_CONFIG)
        return config_access(bus, addr, size, is_read, val);
    return vdev_bus_access(bus, type == VDEV_IOREQ_PIO ? VDEV_SPACE_PIO : VDEV_SPACE_MMIO, addr,
                           size, is_read, val);
}

static void put_item(uint8_t *buf, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++)
        buf[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_item(const uint8_t *buf, unsigned size)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)buf[i] << (8 * i);
    return v;
}

/* String I/O (REP INS/OUTS/MOVS): data is a guest-physical address of count items. The
 * guest memory is copied once, in one bounded block, through the transport's callback. */
static enum vdev_disp dispatch_rep(struct vdev_bus *bus, const struct vdev_ioreq *req)
{
    uint8_t buf[VDEV_MAX_REP_BYTES];
    const bool is_read = req->dir == VDEV_DIR_READ;
    const unsigned size = req->size;
    const uint64_t count = req->count;
    const uint64_t span = (count - 1) * size;
    uint64_t gpa_lo;

    if (!bus->copy || count * size > sizeof(buf))
        return VDEV_DISP_REP_REFUSED;
    if (req->df) {
        if (req->data < span)
            return VDEV_DISP_REP_FAULT;
        gpa_lo = req->data - span;
    } else {
        if (req->data > UINT64_MAX - span - size + 1)
            return VDEV_DISP_REP_FAULT;
        gpa_lo = req->data;
    }
    if (!is_read && bus->copy(bus->copy_opaque, gpa_lo, buf, count * size, false))
        return VDEV_DISP_REP_FAULT;
    for (uint64_t i = 0; i < count; i++) {
        /* Item i sits at the guest address data +/- i*size; buf mirrors guest order. */
        uint64_t slot = req->df ? count - 1 - i : i;
        uint64_t step = req->type == VDEV_IOREQ_COPY ? i * size : 0; /* ports stay put */
        uint64_t addr = req->df ? req->addr - step : req->addr + step;
        uint64_t v = 0;

        if (is_read) {
            item_access(bus, req->type, addr, size, true, &v);
            put_item(buf + slot * size, size, v);
        } else {
            v = get_item(buf + slot * size, size);
            item_access(bus, req->type, addr, size, false, &v);
        }
    }
    if (is_read && bus->copy(bus->copy_opaque, gpa_lo, buf, count * size, true))
        return VDEV_DISP_REP_FAULT;
    return VDEV_DISP_OK;
}

/* Port I/O, MMIO, or a configuration access to one of our PCI functions. */
static bool ours(struct vdev_bus *bus, const struct vdev_ioreq *req)
{
    switch (req->type) {
    case VDEV_IOREQ_PIO:
    case VDEV_IOREQ_COPY:
        return true;
    case VDEV_IOREQ_PCI_CONFIG:
        return pci_func_find(bus, (uint32_t)(req->addr >> 32)) != NULL;
    default:
        return false;
    }
}

enum vdev_disp vdev_dispatch(struct vdev_bus *bus, struct vdev_ioreq *req)
{
    const bool is_read = req->dir == VDEV_DIR_READ;
    enum vdev_disp rc;

    if (!ours(bus, req)) {
        /* PCI config of another function, time offset, invalidate, or garbage: nothing of
         * ours. Answer so the vCPU is not left waiting; a config-space read of nothing is all
         * ones. */
        if (is_read && !req->data_is_ptr)
            req->data = UINT64_MAX;
        rc = VDEV_DISP_IGNORED_TYPE;
        goto out;
    }
    if (!valid_size(req->size)) {
        rc = VDEV_DISP_BAD_SIZE;
        goto fail;
    }
    if (req->data_is_ptr) {
        rc = req->count ? dispatch_rep(bus, req) : VDEV_DISP_OK;
        goto out;
    }
    if (req->count != 1) {
        rc = VDEV_DISP_BAD_SIZE;
        goto fail;
    }
    rc = item_access(bus, req->type, req->addr, req->size, is_read, &req->data);
    if (rc == VDEV_DISP_OK && is_read)
        req->data &= size_mask(req->size);
    goto out;
fail:
    if (is_read && !req->data_is_ptr)
        req->data = UINT64_MAX;
out:
    bus->stats[rc]++;
    vdev_bus_flush(bus);
    return rc;
}

void vdev_bus_flush(struct vdev_bus *bus)
{
    for (size_t i = 0; i < bus->ndev; i++)
        vdev_flush(&bus->dev[i]);
}

uint64_t vdev_bus_timers(struct vdev_bus *bus, uint64_t now)
{
    uint64_t next = VDEV_NO_DEADLINE;

    for (size_t i = 0; i < bus->ndev; i++) {
        struct vdev *d = &bus->dev[i];
        uint64_t t;

        if (!d->ops || !d->ops->timer)
            continue;
        t = d->ops->timer(d, now);
        if (t < next)
            next = t;
    }
    vdev_bus_flush(bus);
    return next;
}
