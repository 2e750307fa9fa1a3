#include "tools/scenario/world.hpp"

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include <algorithm>
#include <cstdlib>

#include "devices/bus/bus.hpp"
#include "devices/device.hpp"
#include "kernel/arch/x86/io_apic.hpp"
#include "kernel/drivers/base/base.hpp"
#include "kernel/fs/proc/proc.hpp"
#include "kernel/fs/vfs.hpp"
#include "kernel/lib/errname.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::scenario {

namespace {
// A process's sleep is nanosleep(): an hrtimer with the default timer slack of a normal
// task (50 us), so it ends between the time asked and 50 us later.
constexpr sim::Time kTimerSlack = 50'000;
}  // namespace

struct World::Starter final : sim::Event {
    Starter(World& w, const TaskSpec& s) : sim::Event("scenario: a task starts", sim::Priority::Stimulus), world(w), spec(s) {}
    void process() override { world.start(spec); }
    std::string describe() const override { return "scenario: start " + spec.name; }
    World& world;
    const TaskSpec& spec;
};

// Loads or unloads a module at its time: a task like insmod/rmmod does it.
struct World::ModuleAction final : sim::Event {
    ModuleAction(World& w, const ModuleSpec& m, bool l)
        : sim::Event("scenario: a module is (un)loaded", sim::Priority::Stimulus), world(w), spec(m), load(l) {}
    void process() override { world.module_task(spec, load); }
    std::string describe() const override { return std::string("scenario: ") + (load ? "insmod " : "rmmod ") + spec.name; }
    World& world;
    const ModuleSpec& spec;
    bool load;
};

World::World(kernel::Kernel& k, const Scenario& sc) : k_(k), sc_(sc) {
    if (!sc.expect.order.empty()) {
        order_ = std::make_unique<OrderCheck>(sc.expect.order, k.nr_cpus());
        k.sim.trace().subscribe(order_.get());
    }
    build_machine();
    for (const SyncObject& o : sc.sync) {
        switch (o.type) {
            case SyncObject::Type::Spinlock: {
                auto mem = std::make_unique<unsigned char[]>(sizeof(spinlock_t));
                // No shared key: each scenario lock is its own lockdep class, as a DEFINE_SPINLOCK.
                __raw_spin_lock_init(&reinterpret_cast<spinlock_t*>(mem.get())->rlock, k.symbols().intern(o.name), nullptr);
                objects_[o.name] = std::move(mem);
                break;
            }
            case SyncObject::Type::Mutex: {
                auto mem = std::make_unique<unsigned char[]>(sizeof(struct mutex));
                static struct lock_class_key key;
                __mutex_init(reinterpret_cast<struct mutex*>(mem.get()), k.symbols().intern(o.name), &key);
                objects_[o.name] = std::move(mem);
                break;
            }
            case SyncObject::Type::Completion: {
                auto mem = std::make_unique<unsigned char[]>(sizeof(struct completion));
                auto* c = reinterpret_cast<struct completion*>(mem.get());
                c->done = 0;
                static struct lock_class_key key;
                __init_waitqueue_head(&c->wait, k.symbols().intern(o.name), &key);
                objects_[o.name] = std::move(mem);
                break;
            }
        }
    }
    for (const TaskSpec& spec : sc.tasks) {
        starters_.push_back(std::make_unique<Starter>(*this, spec));
        k.engine.schedule(*starters_.back(), spec.start);
    }
}

template <class T>
T& World::entry(std::vector<T>& v, const std::string& task, const std::string& path) {
    for (T& e : v)
        if (e.task == task && e.path == path) return e;
    v.push_back(T{task, path});
    return v.back();
}

World::~World() {
    if (order_) k_.sim.trace().unsubscribe(order_.get());
    k_.attach_bus(nullptr);
}

// The "firmware": the bus, each device on it, and the platform devices the kernel sees.
void World::build_machine() {
    bus_ = std::make_unique<dev::Bus>(k_, k_.ioapic());
    k_.attach_bus(bus_.get());
    std::map<std::string, int> ids;
    for (const DeviceSpec& d : sc_.devices) {
        const dev::DeviceType& type = *dev::find_type(d.type);
        // Platform devices are numbered per name, as platform_device_alloc(name, id) is.
        int id = ids[d.type]++;
        devices_.push_back(type.make(*bus_, d.params, d.type + "." + std::to_string(id)));
        dev::Device& device = *devices_.back();
        std::vector<struct resource> res = device.resources();
        for (int v = 0, n = device.msi_vectors(); v < n; ++v) res.push_back(msi_interrupt(device, v));
        k_.drivers().add_platform_device(device.name(), id, std::move(res), dev::properties_of(type, d.params));
        device.start();
    }
    for (const dev::LineFaultSpec& f : sc_.line_faults) {
        line_faults_.push_back(std::make_unique<dev::LineFault>(*bus_, f));
        line_faults_.back()->start();
    }
    for (const ModuleSpec& m : sc_.modules) {
        module_actions_.push_back(std::make_unique<ModuleAction>(*this, m, true));
        k_.engine.schedule(*module_actions_.back(), m.load);
        if (m.unload != sim::kNever) {
            module_actions_.push_back(std::make_unique<ModuleAction>(*this, m, false));
            k_.engine.schedule(*module_actions_.back(), m.unload);
        }
    }
}

std::string World::switch_line_fault(int gsi, const std::string& kind, const std::string& arg) {
    if (gsi < 0 || gsi >= kernel::IoApic::kPins) return "no line gsi" + std::to_string(gsi) + " (the IO-APIC has gsi0-gsi23)";
    // Pin 2 is the timer's (IRQ 0), pin 0 is not wired: no device line to fault.
    const kernel::IrqDesc* desc = gsi == 0 || gsi == 2 ? nullptr : k_.irqs().desc(static_cast<unsigned>(gsi));
    if (!desc) return "gsi" + std::to_string(gsi) + " carries no device line (pin 2 is the timer's)";
    dev::LineFault* fault = nullptr;
    for (auto& f : line_faults_)
        if (f->gsi() == gsi) fault = f.get();
    const bool level = desc->level();  // as the machine wired the pin (Irqs::setup_ioapic)
    const std::string line = "gsi" + std::to_string(gsi);
    if (kind == "stuck") {
        if (arg != "on" && arg != "off") return "fault " + line + " stuck takes on or off";
    } else if (kind == "spurious") {
        if (!arg.empty()) return "fault " + line + " spurious takes no argument";
    } else if (kind == "lose_edges" || kind == "jitter") {
        if (level) return kind + ": " + line + " is level-triggered; only an edge line (1-15) has " + kind;
        if (kind == "lose_edges") {
            char* end = nullptr;
            double p = std::strtod(arg.c_str(), &end);
            if (arg.empty() || *end || p < 0 || p > 1) return "fault " + line + " lose_edges takes a probability from 0 to 1";
        } else if (!sim::parse_time(arg)) {
            return "fault " + line + " jitter takes a time (2us)";
        }
    } else {
        std::string e = "no line fault '" + kind + "'";
        if (auto n = nearest(kind, {"stuck", "spurious", "lose_edges", "jitter"})) e += " (did you mean '" + *n + "'?)";
        return e;
    }
    if (!fault) {
        dev::LineFaultSpec spec;
        spec.gsi = gsi;
        spec.level = level;
        line_faults_.push_back(std::make_unique<dev::LineFault>(*bus_, spec));
        fault = line_faults_.back().get();
    }
    if (kind == "stuck")
        fault->set_stuck(arg == "on");
    else if (kind == "spurious")
        fault->spurious_now();
    else if (kind == "lose_edges")
        fault->set_lose(std::strtod(arg.c_str(), nullptr));
    else
        fault->set_jitter(*sim::parse_time(arg));
    return "";
}

// An MSI device's interrupt: a descriptor whose chip writes the device's message slot
// (as the PCI core programs the MSI capability), reported to the driver as its IRQ.
// With several vectors (MSI-X), each is its own descriptor writing its own slot.
struct resource World::msi_interrupt(dev::Device& device, int vector) {
    auto src = std::make_unique<kernel::MsiSource>();
    src->device = device.instance();
    src->index = vector;
    msi_slots_.push_back(std::make_unique<MsiSlot>(MsiSlot{&device, vector}));
    src->ctx = msi_slots_.back().get();
    src->write_msg = [](void* ctx, std::uint64_t address, std::uint32_t data, bool enabled) {
        auto* slot = static_cast<MsiSlot*>(ctx);
        dev::MsiMessage& m = *slot->device->msi_vector(slot->vector);  // (its Pending bit stays)
        m.address = address;
        m.data = data;
        m.enabled = enabled;
        slot->device->msi_vector_written(slot->vector);
    };
    kernel::IrqDesc& desc = k_.irqs().alloc_msi(*src);
    msi_.push_back(std::move(src));
    struct resource irq {};
    irq.start = irq.end = desc.irq;
    irq.flags = IORESOURCE_IRQ | IORESOURCE_IRQ_HIGHEDGE;
    return irq;
}

// insmod/rmmod: a process enters the kernel (finit_module/delete_module) and runs the
// module's init or exit; probe() and remove() run inside, in process context.
void World::module_task(const ModuleSpec& m, bool load) {
    kernel::Task& t = k_.create_task(kernel::TaskKind::User, load ? "insmod" : "rmmod");
    const ModuleSpec* mp = &m;
    t.body = [this, mp, load] {
        kernel::spend(kernel::Cost::syscall);
        kernel::Task& self = *k_.running();
        if (load)
            self.frames = {{"entry_SYSCALL_64_after_hwframe"}, {"do_syscall_64"}, {"__do_sys_finit_module"},
                           {"do_init_module"}, {"do_one_initcall"}};
        else
            self.frames = {{"entry_SYSCALL_64_after_hwframe"}, {"do_syscall_64"}, {"__do_sys_delete_module"}};
        int ret = load ? k_.drivers().load_module(mp->name) : k_.drivers().unload_module(mp->name);
        k_.running()->frames.clear();
        module_log_.push_back({mp->name, load, ret});
        return 0;
    };
    k_.sched().wake_up_new_task(t);
}

void* World::object(const std::string& name) const { return objects_.at(name).get(); }

void* World::step_object(const TaskSpec& spec, const Op& op, bool tasklet) {
    if (!op.on_device) return object(op.target);
    void* o = k_.drivers().probe_object(op.target, tasklet ? kernel::ProbeObject::Tasklet : kernel::ProbeObject::Spinlock);
    if (!o) {
        struct platform_device* pdev = k_.drivers().find_platform_device(op.target);
        std::string why = spec.name + ": " + op.target +
                          (pdev && pdev->dev.driver
                               ? "'s driver set up no " + std::string(tasklet ? "tasklet" : "spinlock") + " in its probe"
                               : " has no driver bound");
        step_error(why);
    }
    return o;
}

void World::start(const TaskSpec& spec) {
    kernel::Task& t = k_.create_task(spec.kthread ? kernel::TaskKind::Kthread : kernel::TaskKind::User, spec.name);
    if (spec.kthread) t.ts.flags |= PF_KTHREAD;
    const TaskSpec* sp = &spec;
    t.body = [this, sp] { return run_program(*sp); };
    if (spec.policy != SCHED_NORMAL)
        k_.sched().set_scheduler(t, spec.policy, spec.priority);
    else
        k_.sched().set_nice(t, spec.nice);
    if (spec.cpu >= 0) {
        struct cpumask mask;
        cpumask_clear(&mask);
        cpumask_set_cpu(static_cast<unsigned>(spec.cpu), &mask);
        k_.sched().set_affinity(t, mask);
        t.ts.cpu = static_cast<unsigned>(spec.cpu);
    }
    k_.sched().wake_up_new_task(t);
}

int World::run_program(const TaskSpec& spec) {
    kernel::Task& self = *k_.running();
    if (!spec.kthread) self.frames.clear();  // a process starts in user mode
    else self.frames.push_back({k_.symbols().intern(spec.name)});
    bool exited = false;
    run_ops(spec, spec.program, exited);
    return 0;
}

void World::run_ops(const TaskSpec& spec, const std::vector<Op>& ops, bool& exited) {
    kernel::Task& self = *k_.running();
    for (const Op& op : ops) {
        if (exited) return;
        switch (op.kind) {
            case Op::Kind::Compute:
                if (!spec.kthread) self.in_user = true;
                kernel::spend(op.time);
                k_.running()->in_user = false;
                break;
            case Op::Kind::Delay:
                if (!spec.kthread) kernel::spend(kernel::Cost::syscall);
                kernel::spend(op.time);
                break;
            case Op::Kind::Sleep:
                if (spec.kthread) {
                    msleep(static_cast<unsigned>((op.time + sim::kNsPerMs - 1) / sim::kNsPerMs));
                } else {
                    // nanosleep(): syscall entry, then an hrtimer sleep.
                    kernel::spend(kernel::Cost::syscall);
                    self.frames = {{"entry_SYSCALL_64_after_hwframe"}, {"do_syscall_64"}, {"__x64_sys_nanosleep"}};
                    sim::Time soft = k_.now() + op.time;
                    while (k_.now() < soft) {
                        __set_current_state(TASK_INTERRUPTIBLE);
                        k_.sched().schedule(soft, soft + kTimerSlack);
                    }
                    __set_current_state(TASK_RUNNING);
                    k_.running()->frames.clear();
                }
                break;
            case Op::Kind::Usleep:
                usleep_range(static_cast<unsigned long>(op.time / 1000), static_cast<unsigned long>(op.time2 / 1000));
                break;
            case Op::Kind::Lock:
            case Op::Kind::Unlock: {
                void* obj = step_object(spec, op, false);
                if (!obj) break;
                bool is_mutex = !op.on_device && sc_.find_sync(op.target)->type == SyncObject::Type::Mutex;
                if (op.kind == Op::Kind::Lock)
                    is_mutex ? mutex_lock(static_cast<struct mutex*>(obj)) : spin_lock(static_cast<spinlock_t*>(obj));
                else
                    is_mutex ? mutex_unlock(static_cast<struct mutex*>(obj)) : spin_unlock(static_cast<spinlock_t*>(obj));
                break;
            }
            case Op::Kind::LockIrq:
            case Op::Kind::UnlockIrq:
            case Op::Kind::LockBh:
            case Op::Kind::UnlockBh: {
                auto* l = static_cast<spinlock_t*>(step_object(spec, op, false));
                if (!l) break;
                if (op.kind == Op::Kind::LockIrq) spin_lock_irq(l);
                if (op.kind == Op::Kind::UnlockIrq) spin_unlock_irq(l);
                if (op.kind == Op::Kind::LockBh) spin_lock_bh(l);
                if (op.kind == Op::Kind::UnlockBh) spin_unlock_bh(l);
                break;
            }
            case Op::Kind::LockIrqsave: {
                auto* l = static_cast<spinlock_t*>(step_object(spec, op, false));
                if (!l) break;
                unsigned long flags;
                spin_lock_irqsave(l, flags);
                irq_flags_[l] = flags;
                break;
            }
            case Op::Kind::UnlockIrqrestore: {
                auto* l = static_cast<spinlock_t*>(step_object(spec, op, false));
                if (!l) break;
                spin_unlock_irqrestore(l, irq_flags_[l]);
                break;
            }
            case Op::Kind::Wait: wait_for_completion(static_cast<struct completion*>(object(op.target))); break;
            case Op::Kind::Complete: complete(static_cast<struct completion*>(object(op.target))); break;
            case Op::Kind::CompleteAll: complete_all(static_cast<struct completion*>(object(op.target))); break;
            case Op::Kind::Yield:
                if (!spec.kthread) kernel::spend(kernel::Cost::syscall);
                yield();
                break;
            case Op::Kind::Print: printk(KERN_INFO "%s: %s\n", spec.name.c_str(), op.target.c_str()); break;
            case Op::Kind::DisableIrq: disable_irq(static_cast<unsigned>(op.count)); break;
            case Op::Kind::DisableIrqNosync: disable_irq_nosync(static_cast<unsigned>(op.count)); break;
            case Op::Kind::EnableIrq: enable_irq(static_cast<unsigned>(op.count)); break;
            case Op::Kind::SynchronizeIrq: synchronize_irq(static_cast<unsigned>(op.count)); break;
            case Op::Kind::TaskletDisable:
            case Op::Kind::TaskletDisableNosync:
            case Op::Kind::TaskletEnable:
            case Op::Kind::TaskletKill: {
                auto* t = static_cast<struct tasklet_struct*>(step_object(spec, op, true));
                if (!t) break;
                if (op.kind == Op::Kind::TaskletDisable) tasklet_disable(t);
                if (op.kind == Op::Kind::TaskletDisableNosync) tasklet_disable_nosync(t);
                if (op.kind == Op::Kind::TaskletEnable) tasklet_enable(t);
                if (op.kind == Op::Kind::TaskletKill) tasklet_kill(t);
                break;
            }
            case Op::Kind::Write:
                if (op.target.rfind("/dev/", 0) == 0) {
                    file_op(spec, op);
                    break;
                } else {
                    // write(2) to a /proc file; a failure is what echo would print on stderr.
                    kernel::spend(kernel::Cost::syscall);
                    long r = kernel::procfs::write(k_, op.target, op.text);
                    if (r < 0) step_errors_.push_back(spec.name + ": write " + op.target + ": error " + std::to_string(r));
                }
                break;
            case Op::Kind::Open:
            case Op::Kind::Read:
            case Op::Kind::Close:
            case Op::Kind::Ioctl:
            case Op::Kind::Poll:
            case Op::Kind::Copy: file_op(spec, op); break;
            case Op::Kind::Repeat:
                for (int i = 0; op.count < 0 || i < op.count; ++i) {
                    run_ops(spec, op.body, exited);
                    if (exited) return;
                    // A loop of zero-time steps still advances: every pass costs 1 ns.
                    kernel::spend(1);
                }
                break;
            case Op::Kind::Exit:
                exited = true;
                return;
        }
    }
}

void World::step_error(const std::string& e) {
    if (std::find(step_errors_.begin(), step_errors_.end(), e) == step_errors_.end()) step_errors_.push_back(e);
}

int World::fd_for(const TaskSpec& spec, const std::string& path) {
    kernel::Task& self = *k_.running();
    int fd = k_.vfs().fd_of(self, path);
    if (fd >= 0) return fd;
    fd = k_.vfs().open(self, path, O_RDWR);
    if (fd < 0) step_error(spec.name + ": open " + path + ": " + kernel::errname_signed(fd));
    return fd;
}

// The system calls on device files. A read or write of a file the process has not opened
// opens it first (and keeps it open), as a shell's redirection would.
void World::file_op(const TaskSpec& spec, const Op& op) {
    kernel::Task& self = *k_.running();
    kernel::Vfs& vfs = k_.vfs();
    switch (op.kind) {
        case Op::Kind::Open: {
            int fd = vfs.open(self, op.target, static_cast<unsigned>(op.count));
            if (fd < 0) step_error(spec.name + ": open " + op.target + ": " + kernel::errname_signed(fd));
            break;
        }
        case Op::Kind::Read:
        case Op::Kind::Copy: {
            int fd = fd_for(spec, op.target);
            if (fd < 0) break;
            std::string data;
            long r = vfs.read(self, fd, data, static_cast<std::size_t>(op.count));
            Reads& rd = entry(reads_, spec.name, op.target);
            ++rd.count;
            rd.bytes += data.size();
            if (rd.data.size() < kKeptBytes) rd.data.append(data, 0, kKeptBytes - rd.data.size());
            if (r < 0) ++rd.errors[r];
            // A non-blocking read with nothing there is an answer, not a failure; nor is the
            // error the scenario expects (expect.read_errors).
            if (r < 0 && r != -EAGAIN) {
                std::string err = kernel::errname_signed(static_cast<int>(r));
                auto want = sc_.expect.read_errors.find(spec.name);
                if (want == sc_.expect.read_errors.end() || want->second != err)
                    step_error(spec.name + ": read " + op.target + ": " + err);
            }
            // copy: what the read returned goes on to the other file.
            if (op.kind == Op::Kind::Copy && r > 0) {
                int out = fd_for(spec, op.text);
                if (out < 0) break;
                long w = vfs.write(self, out, data);
                if (w < 0) step_error(spec.name + ": write " + op.text + ": " + kernel::errname_signed(static_cast<int>(w)));
            }
            break;
        }
        case Op::Kind::Write: {
            int fd = fd_for(spec, op.target);
            if (fd < 0) break;
            long r = vfs.write(self, fd, op.text);
            if (r < 0) step_error(spec.name + ": write " + op.target + ": " + kernel::errname_signed(static_cast<int>(r)));
            break;
        }
        case Op::Kind::Close: {
            int fd = vfs.fd_of(self, op.target);
            int r = fd < 0 ? fd : vfs.close(self, fd);
            if (r < 0) step_error(spec.name + ": close " + op.target + ": " + kernel::errname_signed(static_cast<int>(r)));
            break;
        }
        case Op::Kind::Poll: {
            int fd = fd_for(spec, op.target);
            if (fd < 0) break;
            long r = vfs.poll(self, fd, static_cast<unsigned>(op.count), op.time);
            Polls& pl = entry(polls_, spec.name, op.target);
            ++pl.count;
            if (r == 0) ++pl.timed_out;
            if (r < 0) step_error(spec.name + ": poll " + op.target + ": " + kernel::errname_signed(static_cast<int>(r)));
            break;
        }
        case Op::Kind::Ioctl: {
            int fd = fd_for(spec, op.target);
            if (fd < 0) break;
            long r = vfs.ioctl(self, fd, static_cast<unsigned>(op.count), static_cast<unsigned long>(op.time2));
            if (r < 0) step_error(spec.name + ": ioctl " + op.target + ": " + kernel::errname_signed(static_cast<int>(r)));
            break;
        }
        default: break;
    }
}

}  // namespace irqlab::scenario
