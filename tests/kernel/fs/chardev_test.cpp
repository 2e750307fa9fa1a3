// Character devices (fs/char_dev.c, chrdev_open(), drivers/base/class.c) and the system
// calls simulated processes make on them.
#include <catch2/catch.hpp>

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "kernel/fs/proc/proc.hpp"
#include "kernel/fs/vfs.hpp"
#include "kernel/irq_source.hpp"
#include "kernel/panic.hpp"
#include "kernel/trace/latency.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

namespace {
// A tiny driver: read() blocks until `ready`, then returns "hi".
struct Dev {
    wait_queue_head_t wq;
    bool ready = false;
    int opens = 0, releases = 0;
};
Dev* g_dev;

int dev_open(struct inode*, struct file* f) {
    ++g_dev->opens;
    f->private_data = g_dev;
    return 0;
}
int dev_release(struct inode*, struct file*) {
    ++g_dev->releases;
    return 0;
}
ssize_t dev_read(struct file* f, char __user* buf, size_t len, loff_t*) {
    Dev* d = static_cast<Dev*>(f->private_data);
    if (wait_event_interruptible(d->wq, d->ready)) return -ERESTARTSYS;
    d->ready = false;
    if (len > 2) len = 2;
    if (copy_to_user(buf, "hi", len)) return -EFAULT;
    return static_cast<ssize_t>(len);
}
const struct file_operations dev_fops = {.read = dev_read, .open = dev_open, .release = dev_release};
}  // namespace

TEST_CASE("alloc_chrdev_region hands out dynamic majors from 254 down (find_dynamic_major)") {
    test::Machine m;
    dev_t a = 0, b = 0;
    int ra = -1, rb = -1;
    m.kthread("reg", [&] {
        ra = alloc_chrdev_region(&a, 0, 1, "first");
        rb = alloc_chrdev_region(&b, 0, 4, "second");
        return 0;
    });
    m.run_until(1_ms);
    CHECK(ra == 0);
    CHECK(rb == 0);
    CHECK(MAJOR(a) == 254);
    CHECK(MAJOR(b) == 253);
    CHECK(*kernel::procfs::read(m.k, "/proc/devices") == "Character devices:\n253 second\n254 first\n\nBlock devices:\n");
}

TEST_CASE("__register_chrdev_region refuses overlapping minors with -EBUSY and a major over 511 with -EINVAL") {
    test::Machine m;
    int overlap = 0, disjoint = -1, too_big = 0;
    m.kthread("reg", [&] {
        register_chrdev_region(MKDEV(60, 0), 4, "a");
        overlap = register_chrdev_region(MKDEV(60, 2), 4, "b");
        disjoint = register_chrdev_region(MKDEV(60, 4), 4, "c");
        too_big = register_chrdev_region(MKDEV(512, 0), 1, "d");
        return 0;
    });
    m.run_until(1_ms);
    CHECK(overlap == -EBUSY);
    CHECK(disjoint == 0);
    CHECK(too_big == -EINVAL);
    CHECK(m.k.log().dmesg().find("CHRDEV \"d\" major requested (512) is greater than the maximum (511)") !=
          std::string::npos);
}

TEST_CASE("open(2) of a node is -ENOENT without the node and -ENXIO when no cdev serves its number (chrdev_open)") {
    test::Machine m;
    int no_node = 0, no_cdev = 0;
    m.kthread("t", [&] {
        struct class_* cls = class_create("c");
        device_create(cls, nullptr, MKDEV(240, 0), nullptr, "orphan");
        kernel::Task& self = *m.k.running();
        no_node = m.k.vfs().open(self, "/dev/nothing", O_RDWR);
        no_cdev = m.k.vfs().open(self, "/dev/orphan", O_RDWR);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(no_node == -ENOENT);
    CHECK(no_cdev == -ENXIO);
}

TEST_CASE("device_create with a name taken fails with -EEXIST and sysfs's duplicate-filename message") {
    test::Machine m;
    long second = 0;
    m.kthread("t", [&] {
        struct class_* cls = class_create("dup");
        device_create(cls, nullptr, MKDEV(240, 0), nullptr, "x");
        second = PTR_ERR(device_create(cls, nullptr, MKDEV(240, 1), nullptr, "x"));
        return 0;
    });
    m.run_until(1_ms);
    CHECK(second == -EEXIST);
    CHECK(m.k.log().dmesg().find("sysfs: cannot create duplicate filename '/devices/virtual/dup/x'") != std::string::npos);
}

TEST_CASE("a read blocks in the driver's wait queue until an interrupt's chain wakes it, and its end-to-end latency is recorded") {
    test::Machine m;
    Dev d;
    g_dev = &d;
    init_waitqueue_head(&d.wq);
    test::TestIrq irq(m, 0, 0x41, 1_us);
    // The handler makes data ready and wakes the reader, as a bottom half would.
    irq.extra = [&] {
        d.ready = true;
        wake_up_interruptible(&d.wq);
    };
    std::string got;
    long ret = 0;
    sim::Time returned = 0;
    m.kthread("reader", [&] {
        dev_t devt;
        alloc_chrdev_region(&devt, 0, 1, "t");
        static struct cdev c;
        cdev_init(&c, &dev_fops);
        cdev_add(&c, devt, 1);
        device_create(class_create("t"), nullptr, devt, nullptr, "t0");
        kernel::Task& self = *m.k.running();
        int fd = m.k.vfs().open(self, "/dev/t0", O_RDONLY);
        ret = m.k.vfs().read(self, fd, got, 16);
        returned = m.now();
        m.k.vfs().close(self, fd);
        return 0;
    });
    irq.fire_at(5_ms);
    m.run_until(10_ms);
    CHECK(ret == 2);
    CHECK(got == "hi");
    CHECK(returned > 5_ms);
    CHECK(d.opens == 1);
    CHECK(d.releases == 1);
    auto paths = m.k.latency().paths(m.k.symbols());
    auto it = std::find_if(paths.begin(), paths.end(), [](const auto& p) { return p.kind == "read"; });
    REQUIRE(it != paths.end());
    CHECK(it->name == "/dev/t0");
    CHECK(it->hist->count() == 1);
    CHECK(it->hist->max() == returned - 5_ms);
}

TEST_CASE("copy_to_user under a spinlock is 'sleeping function called from invalid context' (might_fault)") {
    test::Machine m;
    static DEFINE_SPINLOCK(lock);
    m.kthread("t", [&] {
        char dst[4];
        spin_lock(&lock);
        unsigned long left = copy_to_user(dst, "abc", 4);
        spin_unlock(&lock);
        return static_cast<int>(left);
    });
    m.run_until(1_ms);
    CHECK(m.k.bugs().count("sleeping function called from invalid context") == 1);
}
