#include "kernel/fs/vfs.hpp"

#include <linux/cdev.h>
#include <linux/errno.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include <algorithm>
#include <cstdio>

#include "kernel/drivers/base/base.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/trace/latency.hpp"

namespace irqlab::kernel {

namespace {
constexpr unsigned kChrdevMajorHashSize = 255;  // CHRDEV_MAJOR_HASH_SIZE
constexpr int kFirstFd = 3;                     // 0-2 are the process's stdio

// A system call's context stack: the entry path, then the VFS function and the driver's
// file operation, for bt and the BUG reports (a copy_to_user() under a spinlock shows
// where it came from). A process is in user mode before and after.
class SyscallFrames {
public:
    SyscallFrames(Task& t, const char* sys, const char* vfs_fn, const void* fop) : t_(t) {
        Kernel& k = t.kernel;
        t_.frames = {{"entry_SYSCALL_64_after_hwframe"}, {"do_syscall_64"}, {sys}, {vfs_fn}};
        if (fop) t_.frames.emplace_back(k.symbols().name_of(fop));
        spend(Cost::syscall);
    }
    SyscallFrames(const SyscallFrames&) = delete;
    SyscallFrames& operator=(const SyscallFrames&) = delete;
    ~SyscallFrames() { t_.frames.clear(); }

private:
    Task& t_;
};
}  // namespace

Vfs::Vfs(Kernel& k) : k_(k) {}
Vfs::~Vfs() = default;

// --- device numbers ------------------------------------------------------------------

// find_dynamic_major(): 254 down to 234, then 511 down to 384.
int Vfs::find_dynamic_major() const {
    auto taken = [this](unsigned major) {
        return std::any_of(regions_.begin(), regions_.end(), [&](const Region& r) { return r.major == major; });
    };
    for (unsigned i = kChrdevMajorHashSize - 1; i >= CHRDEV_MAJOR_DYN_END; --i)
        if (!taken(i)) return static_cast<int>(i);
    for (unsigned i = CHRDEV_MAJOR_DYN_EXT_START; i >= CHRDEV_MAJOR_DYN_EXT_END; --i)
        if (!taken(i)) return static_cast<int>(i);
    return -EBUSY;
}

int Vfs::register_region(unsigned major, unsigned baseminor, unsigned count, const char* name) {
    if (major >= CHRDEV_MAJOR_MAX) {
        pr_err("CHRDEV \"%s\" major requested (%u) is greater than the maximum (%u)\n", name, major,
               CHRDEV_MAJOR_MAX - 1);
        return -EINVAL;
    }
    if (count > MINORMASK + 1 - baseminor) {
        pr_err("CHRDEV \"%s\" minor range requested (%u-%u) is out of range of maximum range (%u-%u) for a single "
               "major\n",
               name, baseminor, baseminor + count - 1, 0, MINORMASK);
        return -EINVAL;
    }
    if (major == 0) {
        int m = find_dynamic_major();
        if (m < 0) {
            pr_err("CHRDEV \"%s\" dynamic allocation region is full\n", name);
            return m;
        }
        major = static_cast<unsigned>(m);
    }
    for (const Region& r : regions_)
        if (r.major == major && r.baseminor < baseminor + count && baseminor < r.baseminor + r.count) return -EBUSY;
    regions_.push_back({major, baseminor, count, name ? name : ""});
    // Kept sorted as Linux's lists are: by major, then by first minor.
    std::sort(regions_.begin(), regions_.end(), [](const Region& a, const Region& b) {
        return a.major != b.major ? a.major < b.major : a.baseminor < b.baseminor;
    });
    return static_cast<int>(major);
}

void Vfs::unregister_region(unsigned major, unsigned baseminor, unsigned count) {
    auto it = std::find_if(regions_.begin(), regions_.end(), [&](const Region& r) {
        return r.major == major && r.baseminor == baseminor && r.count == count;
    });
    if (it != regions_.end()) regions_.erase(it);
}

// fs/proc/devices.c: "%3d %s" per region; irqlab has no block devices yet.
std::string Vfs::show_devices() const {
    std::string out = "Character devices:\n";
    char line[96];
    for (const Region& r : regions_) {
        std::snprintf(line, sizeof line, "%3d %s\n", r.major, r.name.c_str());
        out += line;
    }
    out += "\nBlock devices:\n";
    return out;
}

// --- the cdev map --------------------------------------------------------------------

int Vfs::cdev_add(struct cdev* p, dev_t dev, unsigned count) {
    cdevs_.push_back({p, dev, count});
    return 0;
}

void Vfs::cdev_del(struct cdev* p) {
    std::erase_if(cdevs_, [&](const CdevMapping& m) { return m.cdev == p; });
}

// kobj_lookup(): the newest cdev whose range holds `dev`.
struct cdev* Vfs::cdev_lookup(dev_t dev) const {
    for (auto it = cdevs_.rbegin(); it != cdevs_.rend(); ++it)
        if (dev >= it->dev && dev < it->dev + it->count) return it->cdev;
    return nullptr;
}

// --- /dev ----------------------------------------------------------------------------

int Vfs::add_node(const std::string& name, dev_t devt) {
    if (nodes_.count(name)) return -EEXIST;
    nodes_[name] = devt;
    return 0;
}

void Vfs::remove_node(dev_t devt) {
    std::erase_if(nodes_, [&](const auto& n) { return n.second == devt; });
}

std::optional<dev_t> Vfs::node(std::string_view path) const {
    if (path.starts_with("/dev/")) path.remove_prefix(5);
    auto it = nodes_.find(path);
    if (it == nodes_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::string> Vfs::node_names() const {
    std::vector<std::string> out;
    for (const auto& [name, devt] : nodes_) out.push_back("/dev/" + name);
    return out;
}

struct inode& Vfs::inode_of(dev_t devt) {
    auto& slot = inodes_[devt];
    if (!slot) {
        slot = std::make_unique<struct inode>();
        slot->i_mode = 020000 | 0600;  // S_IFCHR, rw for the owner
        slot->i_rdev = devt;
    }
    return *slot;
}

// --- system calls --------------------------------------------------------------------

Vfs::OpenFile* Vfs::lookup(const Task& t, int fd) const {
    auto pt = files_.find(t.pid());
    if (pt == files_.end()) return nullptr;
    auto it = pt->second.find(fd);
    return it == pt->second.end() ? nullptr : it->second.get();
}

// do_sys_open() -> chrdev_open(): the cdev of the node's number gives the fops; its open()
// may refuse. -ENOENT for no such node, -ENXIO for a number no cdev serves.
int Vfs::open(Task& t, std::string_view path, unsigned flags) {
    SyscallFrames frames(t, "__x64_sys_openat", "do_sys_openat2", nullptr);
    std::optional<dev_t> devt = node(path);
    if (!devt) return -ENOENT;
    struct cdev* c = cdev_lookup(*devt);
    if (!c || !c->ops) return -ENXIO;
    auto f = std::make_unique<OpenFile>();
    f->path = path.starts_with("/dev/") ? std::string(path) : "/dev/" + std::string(path);
    struct inode& inode = inode_of(*devt);
    inode.i_cdev = c;
    f->file.f_inode = &inode;
    f->file.f_op = c->ops;
    f->file.f_flags = flags;
    unsigned acc = flags & O_ACCMODE;
    f->file.f_mode = FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE | (acc != O_WRONLY ? FMODE_READ : 0u) |
                     (acc != O_RDONLY ? FMODE_WRITE : 0u);
    if (c->ops->open) {
        t.frames.emplace_back("chrdev_open");
        t.frames.emplace_back(k_.symbols().name_of(reinterpret_cast<const void*>(c->ops->open)));
        int ret = c->ops->open(&inode, &f->file);
        if (ret) return ret;
    }
    auto& table = files_[t.pid()];
    int fd = kFirstFd;
    while (table.count(fd)) ++fd;
    table[fd] = std::move(f);
    return fd;
}

long Vfs::read(Task& t, int fd, std::string& out, std::size_t count) {
    OpenFile* f = lookup(t, fd);
    if (!f || !(f->file.f_mode & FMODE_READ)) return -EBADF;
    auto fop = f->file.f_op->read;
    if (!fop) return -EINVAL;
    SyscallFrames frames(t, "__x64_sys_read", "vfs_read", reinterpret_cast<const void*>(fop));
    out.assign(count, '\0');
    unsigned long switches = t.ts.nvcsw;
    t.origin = -1;  // what wakes this read starts its latency
    ssize_t r = fop(&f->file, out.data(), count, &f->file.f_pos);
    out.resize(r > 0 ? static_cast<std::size_t>(r) : 0);
    // A read that slept and was woken by an interrupt's chain: end-to-end latency.
    if (r > 0 && t.ts.nvcsw != switches && t.origin >= 0) k_.latency().read(f->path, k_.now() - t.origin);
    return r;
}

long Vfs::write(Task& t, int fd, std::string_view data) {
    OpenFile* f = lookup(t, fd);
    if (!f || !(f->file.f_mode & FMODE_WRITE)) return -EBADF;
    auto fop = f->file.f_op->write;
    if (!fop) return -EINVAL;
    SyscallFrames frames(t, "__x64_sys_write", "vfs_write", reinterpret_cast<const void*>(fop));
    return fop(&f->file, data.data(), data.size(), &f->file.f_pos);
}

long Vfs::ioctl(Task& t, int fd, unsigned cmd, unsigned long arg) {
    OpenFile* f = lookup(t, fd);
    if (!f) return -EBADF;
    auto fop = f->file.f_op->unlocked_ioctl;
    if (!fop) return -ENOTTY;
    SyscallFrames frames(t, "__x64_sys_ioctl", "do_vfs_ioctl", reinterpret_cast<const void*>(fop));
    return fop(&f->file, cmd, arg);
}

namespace {
// fs/select.c's poll_wqueues, for one file: the entries __pollwait() put on the driver's
// queues, and whether one of them fired (pollwake()). The poll_table comes first: the
// queueing callback finds the rest from it.
struct PollWait {
    poll_table pt;
    struct task_struct* task;
    bool triggered = false;
    std::vector<std::pair<wait_queue_head_t*, std::unique_ptr<wait_queue_entry_t>>> entries;
};

int pollwake(wait_queue_entry_t* wait, unsigned mode, int, void*) {
    auto* pw = static_cast<PollWait*>(wait->private_);
    pw->triggered = true;
    return wake_up_state(pw->task, mode);
}

void pollwait(struct file*, wait_queue_head_t* head, poll_table* p) {
    auto* pw = reinterpret_cast<PollWait*>(p);
    auto entry = std::make_unique<wait_queue_entry_t>();
    entry->flags = 0;
    entry->private_ = pw;
    entry->func = pollwake;
    add_wait_queue(head, entry.get());
    pw->entries.emplace_back(head, std::move(entry));
}
}  // namespace

// do_poll() for one file: the driver's poll() registers the caller on its queues (first
// pass only) and says what is ready; with nothing ready the task sleeps until a queue
// fires or the timeout passes, then asks again.
long Vfs::poll(Task& t, int fd, unsigned events, sim::Time timeout) {
    OpenFile* f = lookup(t, fd);
    if (!f) return -EBADF;
    auto fop = f->file.f_op->poll;
    constexpr unsigned kAlways = POLLERR | POLLHUP;
    if (!fop) return static_cast<long>((POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM) & (events | kAlways));  // DEFAULT_POLLMASK
    SyscallFrames frames(t, "__x64_sys_poll", "do_sys_poll", reinterpret_cast<const void*>(fop));
    PollWait pw;
    pw.pt._qproc = pollwait;
    pw.pt._key = events | kAlways;
    pw.task = &t.ts;
    sim::Time deadline = timeout == sim::kNever ? sim::kNever : k_.now() + timeout;
    unsigned mask = 0;
    for (bool first = true;; first = false) {
        mask = fop(&f->file, first ? &pw.pt : nullptr) & (events | kAlways);
        if (mask || k_.now() >= deadline) break;
        __set_current_state(TASK_INTERRUPTIBLE);
        if (!pw.triggered) k_.sched().schedule(deadline, deadline);
        __set_current_state(TASK_RUNNING);
        pw.triggered = false;
    }
    for (auto& [head, entry] : pw.entries) remove_wait_queue(head, entry.get());
    return mask;
}

// close(2): the last reference goes, so release() runs (__fput()).
int Vfs::close(Task& t, int fd) {
    OpenFile* f = lookup(t, fd);
    if (!f) return -EBADF;
    std::unique_ptr<OpenFile> owned = std::move(files_[t.pid()][fd]);
    files_[t.pid()].erase(fd);
    if (auto rel = owned->file.f_op->release) {
        SyscallFrames frames(t, "__x64_sys_close", "__fput", reinterpret_cast<const void*>(rel));
        rel(owned->file.f_inode, &owned->file);
    }
    return 0;
}

int Vfs::fd_of(const Task& t, std::string_view path) const {
    auto pt = files_.find(t.pid());
    if (pt == files_.end()) return -EBADF;
    std::string full = path.starts_with("/dev/") ? std::string(path) : "/dev/" + std::string(path);
    for (auto it = pt->second.rbegin(); it != pt->second.rend(); ++it)
        if (it->second->path == full) return it->first;
    return -EBADF;
}

std::vector<std::string> Vfs::open_files(const Task& t) const {
    std::vector<std::string> out;
    auto pt = files_.find(t.pid());
    if (pt == files_.end()) return out;
    for (const auto& [fd, f] : pt->second) out.push_back("fd " + std::to_string(fd) + ": " + f->path);
    return out;
}

}  // namespace irqlab::kernel
