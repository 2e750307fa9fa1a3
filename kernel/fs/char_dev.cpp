// The character-device API (fs/char_dev.c): device number regions and cdevs, on the Vfs.
#include <linux/cdev.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/slab.h>

#include "kernel/fs/vfs.hpp"
#include "kernel/kernel.hpp"

using irqlab::kernel::Kernel;

extern "C" {

int alloc_chrdev_region(dev_t* dev, unsigned baseminor, unsigned count, const char* name) {
    int major = Kernel::get().vfs().register_region(0, baseminor, count, name);
    if (major < 0) return major;
    *dev = MKDEV(static_cast<unsigned>(major), baseminor);
    return 0;
}

// A range may span majors: each major's part is a region of its own.
int register_chrdev_region(dev_t from, unsigned count, const char* name) {
    auto& vfs = Kernel::get().vfs();
    dev_t to = from + count;
    for (dev_t n = from; n < to;) {
        dev_t next = MKDEV(MAJOR(n) + 1, 0);
        if (next > to) next = to;
        int ret = vfs.register_region(MAJOR(n), MINOR(n), static_cast<unsigned>(next - n), name);
        if (ret < 0) {
            for (dev_t m = from; m < n;) {
                dev_t mnext = MKDEV(MAJOR(m) + 1, 0);
                vfs.unregister_region(MAJOR(m), MINOR(m), static_cast<unsigned>(mnext - m));
                m = mnext;
            }
            return ret;
        }
        n = next;
    }
    return 0;
}

void unregister_chrdev_region(dev_t from, unsigned count) {
    auto& vfs = Kernel::get().vfs();
    dev_t to = from + count;
    for (dev_t n = from; n < to;) {
        dev_t next = MKDEV(MAJOR(n) + 1, 0);
        if (next > to) next = to;
        vfs.unregister_region(MAJOR(n), MINOR(n), static_cast<unsigned>(next - n));
        n = next;
    }
}

void cdev_init(struct cdev* cdev, const struct file_operations* fops) {
    *cdev = {};
    cdev->ops = fops;
}

struct cdev* cdev_alloc(void) {
    auto* p = static_cast<struct cdev*>(kzalloc(sizeof(struct cdev), GFP_KERNEL));
    if (p) p->__irqlab = p;  // allocated here: cdev_del() frees it, as the kobject release does
    return p;
}

int cdev_add(struct cdev* p, dev_t dev, unsigned count) {
    p->dev = dev;
    p->count = count;
    return Kernel::get().vfs().cdev_add(p, dev, count);
}

void cdev_del(struct cdev* p) {
    Kernel::get().vfs().cdev_del(p);
    if (p->__irqlab == p) kfree(p);
}

// __register_chrdev(): a region and a cdev of its own for it. Returns the major for a
// dynamic request, else 0.
int __register_chrdev(unsigned int major, unsigned int baseminor, unsigned int count, const char* name,
                      const struct file_operations* fops) {
    auto& vfs = Kernel::get().vfs();
    int got = vfs.register_region(major, baseminor, count, name);
    if (got < 0) return got;
    struct cdev* cdev = cdev_alloc();
    if (!cdev) {
        vfs.unregister_region(static_cast<unsigned>(got), baseminor, count);
        return -ENOMEM;
    }
    cdev->ops = fops;
    cdev_add(cdev, MKDEV(static_cast<unsigned>(got), baseminor), count);
    vfs.chrdev_cdevs[{static_cast<unsigned>(got), baseminor}] = cdev;
    return major ? 0 : got;
}

void __unregister_chrdev(unsigned int major, unsigned int baseminor, unsigned int count, const char*) {
    auto& vfs = Kernel::get().vfs();
    vfs.unregister_region(major, baseminor, count);
    auto it = vfs.chrdev_cdevs.find({major, baseminor});
    if (it == vfs.chrdev_cdevs.end()) return;
    cdev_del(it->second);
    vfs.chrdev_cdevs.erase(it);
}

int nonseekable_open(struct inode*, struct file* filp) {
    filp->f_mode &= ~(FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE);
    return 0;
}

int stream_open(struct inode* inode, struct file* filp) { return nonseekable_open(inode, filp); }

loff_t no_llseek(struct file*, loff_t, int) { return -ESPIPE; }
loff_t noop_llseek(struct file* file, loff_t, int) { return file->f_pos; }

}  // extern "C"
