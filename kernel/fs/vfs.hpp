// Character devices and the files of simulated processes: device numbers (fs/char_dev.c),
// the cdev map (kobj_map), the /dev nodes device_create() makes (devtmpfs), and the
// system calls a scenario's processes make on them (fs/open.c, fs/read_write.c, fs/ioctl.c).
//
// Simplifications: one flat /dev (no directories, no permissions); a /dev node is made by
// device_create() only (no mknod); file descriptors start at 3 and are per task.
#pragma once

#include <linux/device.h>
#include <linux/fs.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"

struct cdev;

namespace irqlab::kernel {

class Kernel;
struct DeviceRecord;
struct Task;

class Vfs {
public:
    explicit Vfs(Kernel& k);
    ~Vfs();
    Vfs(const Vfs&) = delete;
    Vfs& operator=(const Vfs&) = delete;

    // --- device numbers (__register_chrdev_region) ---
    // The major (a dynamic one for 0), or -EINVAL / -EBUSY with Linux's message.
    int register_region(unsigned major, unsigned baseminor, unsigned count, const char* name);
    void unregister_region(unsigned major, unsigned baseminor, unsigned count);
    // /proc/devices.
    std::string show_devices() const;

    // --- the cdev map ---
    int cdev_add(struct cdev* p, dev_t dev, unsigned count);
    void cdev_del(struct cdev* p);
    struct cdev* cdev_lookup(dev_t dev) const;

    // --- classes and their devices (drivers/base/class.c, device_create()) ---
    // ERR_PTR(-EEXIST) for a name taken.
    struct class_* class_create(const char* name);
    void class_destroy(const struct class_* cls);
    // The device, with a /dev node named `name` if devt is not 0; ERR_PTR(-EEXIST) if taken.
    struct device* device_create(const struct class_* cls, struct device* parent, dev_t devt, void* drvdata,
                                 const std::string& name);
    void device_destroy(const struct class_* cls, dev_t devt);

    // register_chrdev()'s own cdevs, by (major, first minor); cdev_alloc()'s, to free.
    std::map<std::pair<unsigned, unsigned>, struct cdev*> chrdev_cdevs;

    // --- /dev ---
    // -EEXIST if the name is taken.
    int add_node(const std::string& name, dev_t devt);
    void remove_node(dev_t devt);
    std::optional<dev_t> node(std::string_view path) const;  // "/dev/kbd" or "kbd"
    std::vector<std::string> node_names() const;

    // --- system calls, made on the calling task's fiber ---
    int open(Task& t, std::string_view path, unsigned flags);  // an fd, or -errno
    long read(Task& t, int fd, std::string& out, std::size_t count);
    long write(Task& t, int fd, std::string_view data);
    long ioctl(Task& t, int fd, unsigned cmd, unsigned long arg);
    // poll(2) of one fd for `events`: the events ready (0 when `timeout` ran out first;
    // sim::kNever waits for good), or -errno.
    long poll(Task& t, int fd, unsigned events, sim::Time timeout);
    int close(Task& t, int fd);
    // The task's newest open fd of `path`; -EBADF if none.
    int fd_of(const Task& t, std::string_view path) const;
    // What the task has open, for the summary: "fd 3: /dev/kbd".
    std::vector<std::string> open_files(const Task& t) const;

private:
    struct Region {
        unsigned major, baseminor, count;
        std::string name;
    };
    struct CdevMapping {
        struct cdev* cdev;
        dev_t dev;
        unsigned count;
    };
    struct OpenFile {
        std::string path;
        struct file file {};
    };
    struct ClassRecord {
        std::unique_ptr<struct class_> cls;
        std::string name;
    };
    struct ClassDevice {
        const struct class_* cls;
        std::unique_ptr<struct device> dev;
        std::unique_ptr<DeviceRecord> record;
    };
    int find_dynamic_major() const;
    OpenFile* lookup(const Task& t, int fd) const;
    struct inode& inode_of(dev_t devt);

    Kernel& k_;
    std::vector<Region> regions_;
    std::vector<CdevMapping> cdevs_;
    std::vector<ClassRecord> classes_;
    std::vector<ClassDevice> class_devices_;
    std::map<std::string, dev_t, std::less<>> nodes_;
    std::map<dev_t, std::unique_ptr<struct inode>> inodes_;
    std::map<int, std::map<int, std::unique_ptr<OpenFile>>> files_;  // pid -> fd -> file
};

}  // namespace irqlab::kernel
