// block/fops.c, collapsed: read(2) and write(2) of a disk's /dev node.
//
// Linux reads a block device through the page cache: a read that misses it allocates
// folios, readahead builds bios for them (block_read_full_folio()), the bios become
// requests, and the reader sleeps on the folio lock until the end_io marks the folio
// uptodate; then the data is copied out. irqlab leaves out the page cache and the bio
// layer's splitting and merging: the read becomes a bio per max_sectors of the sectors
// the file range touches, each submitted and waited for in turn (submit_bio_wait(): an
// uninterruptible sleep, I/O wait) before the copy to the user. Nothing is cached, so
// every read goes to the disk, as an O_DIRECT read would.
//
// A failed read is -EIO whatever the block status: that is what filemap_read() returns
// for a folio that did not become uptodate (an O_DIRECT read would get
// blk_status_to_errno(): -ENODATA for BLK_STS_MEDIUM). A write of part of a sector reads
// the sector first (as a write into a page-cache page that is not uptodate does).
#include <linux/blk-mq.h>
#include <linux/cdev.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <algorithm>

#include "kernel/block/block.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

namespace {

// The sectors [first, first + count) to or from `buf`, a bio per max_sectors, in turn.
int blkdev_rw_sectors(struct gendisk* disk, enum req_op op, sector_t first, sector_t count, char* buf) {
    sector_t max = disk->queue->limits.max_sectors;
    while (count) {
        sector_t n = std::min(count, max);
        struct bio bio {};
        bio.bi_bdev = disk->part0;
        bio.bi_opf = op;
        bio.bi_iter.bi_sector = first;
        bio.bi_iter.bi_size = static_cast<unsigned>(n << SECTOR_SHIFT);
        bio.__irqlab_data = buf;
        // Only the interrupt that ends this bio starts the latency the read records (a
        // read of several bios: the last one's), not an earlier bio's.
        if (Task* self = Kernel::get().running()) self->origin = -1;
        int err = submit_bio_wait(&bio);
        if (err) return err;
        first += n;
        count -= n;
        buf += n << SECTOR_SHIFT;
    }
    return 0;
}

DiskRecord* disk_of(struct file* f) {
    auto* disk = static_cast<struct gendisk*>(f->private_data);
    return disk ? &Kernel::get().block().record(disk) : nullptr;
}

// blkdev_open(): the disk of the node; its driver's open() may refuse.
int blkdev_open(struct inode* inode, struct file* f) {
    DiskRecord* d = Kernel::get().block().disk_by_node(inode->i_rdev);
    if (!d) return -ENXIO;
    struct gendisk* disk = d->disk;
    if (disk->fops && disk->fops->open) {
        blk_mode_t mode = ((f->f_mode & FMODE_READ) ? BLK_OPEN_READ : 0u) |
                          ((f->f_mode & FMODE_WRITE) ? BLK_OPEN_WRITE : 0u);
        int ret = disk->fops->open(disk, mode);
        if (ret) return ret;
    }
    ++d->opens;
    f->private_data = disk;
    return 0;
}

int blkdev_release(struct inode*, struct file* f) {
    DiskRecord* d = disk_of(f);
    if (!d) return 0;
    if (!d->deleted && d->disk->fops && d->disk->fops->release) d->disk->fops->release(d->disk);
    --d->opens;
    if (d->put && d->opens == 0) Kernel::get().block().free_disk(*d);
    return 0;
}

// blkdev_read_iter(): the sectors the range touches, then the bytes asked for.
ssize_t blkdev_read_iter(struct file* f, char __user* buf, size_t count, loff_t* ppos) {
    DiskRecord* d = disk_of(f);
    if (!d || d->deleted) return -EIO;
    struct gendisk* disk = d->disk;
    loff_t size = static_cast<loff_t>(get_capacity(disk) << SECTOR_SHIFT);
    loff_t pos = *ppos;
    if (pos >= size || count == 0) return 0;
    count = static_cast<size_t>(std::min<loff_t>(static_cast<loff_t>(count), size - pos));
    sector_t first = static_cast<sector_t>(pos) >> SECTOR_SHIFT;
    sector_t end = (static_cast<sector_t>(pos) + count + SECTOR_SIZE - 1) >> SECTOR_SHIFT;
    auto* kbuf = static_cast<char*>(kmalloc((end - first) << SECTOR_SHIFT, GFP_KERNEL));
    if (!kbuf) return -ENOMEM;
    int err = blkdev_rw_sectors(disk, REQ_OP_READ, first, end - first, kbuf);
    if (err) {
        kfree(kbuf);
        return -EIO;
    }
    unsigned long left = copy_to_user(buf, kbuf + (pos & (SECTOR_SIZE - 1)), count);
    kfree(kbuf);
    if (left) return -EFAULT;
    *ppos = pos + static_cast<loff_t>(count);
    return static_cast<ssize_t>(count);
}

// blkdev_write_iter(): -ENOSPC at the end of the disk; a partial sector is read first.
ssize_t blkdev_write_iter(struct file* f, const char __user* buf, size_t count, loff_t* ppos) {
    DiskRecord* d = disk_of(f);
    if (!d || d->deleted) return -EIO;
    struct gendisk* disk = d->disk;
    loff_t size = static_cast<loff_t>(get_capacity(disk) << SECTOR_SHIFT);
    loff_t pos = *ppos;
    if (pos >= size) return -ENOSPC;
    if (count == 0) return 0;
    count = static_cast<size_t>(std::min<loff_t>(static_cast<loff_t>(count), size - pos));
    sector_t first = static_cast<sector_t>(pos) >> SECTOR_SHIFT;
    sector_t end = (static_cast<sector_t>(pos) + count + SECTOR_SIZE - 1) >> SECTOR_SHIFT;
    auto* kbuf = static_cast<char*>(kmalloc((end - first) << SECTOR_SHIFT, GFP_KERNEL));
    if (!kbuf) return -ENOMEM;
    bool partial = (pos & (SECTOR_SIZE - 1)) || ((pos + static_cast<loff_t>(count)) & (SECTOR_SIZE - 1));
    int err = partial ? blkdev_rw_sectors(disk, REQ_OP_READ, first, end - first, kbuf) : 0;
    if (!err && copy_from_user(kbuf + (pos & (SECTOR_SIZE - 1)), buf, count)) err = -EFAULT;
    if (!err) err = blkdev_rw_sectors(disk, REQ_OP_WRITE, first, end - first, kbuf);
    kfree(kbuf);
    if (err == -EFAULT) return err;
    if (err) return -EIO;
    *ppos = pos + static_cast<loff_t>(count);
    return static_cast<ssize_t>(count);
}

}  // namespace

const struct file_operations def_blk_fops = {
    .owner = nullptr,
    .llseek = nullptr,
    .read = blkdev_read_iter,
    .write = blkdev_write_iter,
    .poll = nullptr,
    .unlocked_ioctl = nullptr,
    .compat_ioctl = nullptr,
    .open = blkdev_open,
    .flush = nullptr,
    .release = blkdev_release,
    .fasync = nullptr,
};

// The names stacks and the trace show for them.
void name_block_symbols(Kernel& k) {
    k.symbols().name(reinterpret_cast<const void*>(&blkdev_read_iter), "blkdev_read_iter", nullptr);
    k.symbols().name(reinterpret_cast<const void*>(&blkdev_write_iter), "blkdev_write_iter", nullptr);
    k.symbols().name(reinterpret_cast<const void*>(&blkdev_open), "blkdev_open", nullptr);
    k.symbols().name(reinterpret_cast<const void*>(&blkdev_release), "blkdev_release", nullptr);
}

}  // namespace irqlab::kernel
