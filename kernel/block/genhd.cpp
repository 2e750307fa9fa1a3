// block/genhd.c: block majors, adding a disk (its /dev node) and taking it away.
#include <linux/blkdev.h>
#include <linux/cdev.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <algorithm>
#include <cstdio>

#include "kernel/block/block.hpp"
#include "kernel/fs/vfs.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::kernel {

namespace {
constexpr unsigned kBlkdevMajorHashSize = 255;  // BLKDEV_MAJOR_HASH_SIZE: dynamic majors 254 down
constexpr unsigned kNodeMinors = 256;           // disks irqlab's node region holds
}  // namespace

BlockLayer::BlockLayer(Kernel& k) : k_(k), done_(static_cast<std::size_t>(k.nr_cpus())) {}
BlockLayer::~BlockLayer() = default;

// __register_blkdev(): major 0 takes the highest free one below 255.
int BlockLayer::register_major(unsigned major, const char* name) {
    auto taken = [this](unsigned m) {
        return std::any_of(majors_.begin(), majors_.end(), [&](const Major& x) { return x.major == m; });
    };
    if (major == 0) {
        unsigned index = kBlkdevMajorHashSize - 1;
        while (index > 0 && taken(index)) --index;
        if (index == 0) {
            printk("register_blkdev: failed to get major for %s\n", name);
            return -EBUSY;
        }
        major = index;
    }
    if (major >= BLKDEV_MAJOR_MAX) {
        pr_err("register_blkdev: major requested (%u) is greater than the maximum (%u) for %s\n", major,
               BLKDEV_MAJOR_MAX - 1, name);
        return -EINVAL;
    }
    if (taken(major)) {
        printk("register_blkdev: cannot get major %u for %s\n", major, name);
        return -EBUSY;
    }
    majors_.push_back({major, name ? name : ""});
    std::sort(majors_.begin(), majors_.end(), [](const Major& a, const Major& b) { return a.major < b.major; });
    return static_cast<int>(major);
}

void BlockLayer::unregister_major(unsigned major, const char* name) {
    auto it = std::find_if(majors_.begin(), majors_.end(), [&](const Major& m) { return m.major == major; });
    if (it == majors_.end() || it->name != (name ? name : "")) {
        WARN_ON_ONCE(1);  // Linux: WARN_ON when the name does not match the major's
        return;
    }
    majors_.erase(it);
}

// blkdev_show(): the "Block devices:" lines of /proc/devices.
std::string BlockLayer::show_devices() const {
    std::string out;
    char line[96];
    for (const Major& m : majors_) {
        std::snprintf(line, sizeof line, "%3u %s\n", m.major, m.name.c_str());
        out += line;
    }
    return out;
}

// device_add_disk(): the disk becomes visible: /dev/<disk_name>. irqlab has no block
// special files, so the node is a character device of a region of its own (named
// "irqlab-blkdev" in /proc/devices), served by the block layer's file operations
// (kernel/block/fops.cpp), as Linux's def_blk_fops serve a block special file.
int BlockLayer::add_disk(struct gendisk* disk) {
    DiskRecord& d = record(disk);
    if (d.added) return -EBUSY;
    if (!node_base_) {
        int major = k_.vfs().register_region(0, 0, kNodeMinors, "irqlab-blkdev");
        if (major < 0) return major;
        node_base_ = MKDEV(static_cast<unsigned>(major), 0);
    }
    if (next_node_ >= kNodeMinors) return -EBUSY;
    d.node = node_base_ + next_node_++;
    d.cdev = cdev_alloc();
    d.cdev->ops = &def_blk_fops;
    cdev_add(d.cdev, d.node, 1);
    int ret = k_.vfs().add_node(disk->disk_name, d.node);
    if (ret) {
        cdev_del(d.cdev);  // frees it: cdev_alloc()'s
        d.cdev = nullptr;
        return ret;
    }
    disk->part0->bd_dev = MKDEV(static_cast<unsigned>(disk->major), static_cast<unsigned>(disk->first_minor));
    set_bit(GD_ADDED, &disk->state);
    set_bit(QUEUE_FLAG_REGISTERED, &disk->queue->queue_flags);
    d.added = true;
    return 0;
}

// del_gendisk(): the node goes, new I/O fails, and I/O in flight is waited for
// (blk_mq_freeze_queue_wait()); submitters sleeping for a tag give up.
void BlockLayer::del_gendisk(struct gendisk* disk) {
    DiskRecord& d = record(disk);
    if (!d.added || d.deleted) return;
    d.deleted = true;
    k_.vfs().remove_node(d.node);
    cdev_del(d.cdev);
    d.cdev = nullptr;
    set_bit(GD_DEAD, &disk->state);
    struct request_queue* q = disk->queue;
    set_bit(QUEUE_FLAG_DYING, &q->queue_flags);
    QueueRecord& rec = queue_record(q);
    wake_up_all(&tags_record(q->hctx->tags).wait);
    wait_event(rec.freeze_wq, queue_record(q).allocated == 0);
    cancel_work_sync(&rec.run_work);
    clear_bit(GD_ADDED, &disk->state);
}

// put_disk(): the last reference goes with it, unless a file still has the node open
// (Linux: the open holds a reference); then at that file's close.
void BlockLayer::put_disk(struct gendisk* disk) {
    if (!disk) return;
    DiskRecord& d = record(disk);
    d.put = true;
    if (d.opens == 0) free_disk(d);
}

void BlockLayer::free_disk(DiskRecord& d) {
    struct gendisk* disk = d.disk;
    if (d.cdev) {  // never deleted: put_disk() after a failed or no del_gendisk()
        k_.vfs().remove_node(d.node);
        cdev_del(d.cdev);
    }
    struct request_queue* q = disk->queue;
    if (q) {
        free_queue_record(&queue_record(q));
        kfree(q->hctx);
        kfree(q);
    }
    kfree(disk);
    std::erase_if(disks_, [&](const auto& r) { return r.get() == &d; });
}

DiskRecord* BlockLayer::disk_by_node(dev_t node) {
    for (auto& d : disks_)
        if (d->added && !d->deleted && d->node == node) return d.get();
    return nullptr;
}

DiskRecord& BlockLayer::record(const struct gendisk* disk) {
    for (auto& d : disks_)
        if (d->disk == disk) return *d;
    disks_.push_back(std::make_unique<DiskRecord>());
    disks_.back()->disk = const_cast<struct gendisk*>(disk);
    return *disks_.back();
}

QueueRecord& BlockLayer::new_queue_record() {
    queues_.push_back(std::make_unique<QueueRecord>());
    return *queues_.back();
}

void BlockLayer::free_queue_record(QueueRecord* r) {
    std::erase_if(queues_, [&](const auto& q) { return q.get() == r; });
}

TagsRecord& BlockLayer::new_tags_record() {
    tags_.push_back(std::make_unique<TagsRecord>());
    return *tags_.back();
}

void BlockLayer::free_tags_record(TagsRecord* r) {
    std::erase_if(tags_, [&](const auto& t) { return t.get() == r; });
}

}  // namespace irqlab::kernel

using irqlab::kernel::Kernel;

extern "C" {

int __register_blkdev(unsigned int major, const char* name, void (*)(dev_t)) {
    return Kernel::get().block().register_major(major, name);
}

void unregister_blkdev(unsigned int major, const char* name) { Kernel::get().block().unregister_major(major, name); }

void set_capacity(struct gendisk* disk, sector_t size) { disk->part0->bd_nr_sectors = size; }

int device_add_disk(struct device*, struct gendisk* disk, const void*) { return Kernel::get().block().add_disk(disk); }

void del_gendisk(struct gendisk* disk) { Kernel::get().block().del_gendisk(disk); }

void put_disk(struct gendisk* disk) { Kernel::get().block().put_disk(disk); }

}  // extern "C"
