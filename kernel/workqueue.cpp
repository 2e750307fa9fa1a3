// Workqueues (kernel/workqueue.c, 6.12): pools, workers, queueing and execution. Flushing,
// cancelling and destroying are in workqueue_flush.cpp.
#include "kernel/workqueue.hpp"

#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/smp.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "kernel/debugobjects.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/locking/lockdep.hpp"
#include "kernel/panic.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/sched.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"
#include "kernel/time/tick.hpp"
#include "kernel/trace/latency.hpp"

namespace irqlab::kernel {

Task& create_kthread(Kernel& k, int (*threadfn)(void*), void* data, const std::string& name);

namespace {

constexpr int kHighpriNice = -20;                   // HIGHPRI_NICE_LEVEL = MIN_NICE
constexpr int kBhWorkerRestarts = 10;               // BH_WORKER_RESTARTS
constexpr sim::Time kCpuIntensiveThresh = 10'000'000;  // wq_cpu_intensive_thresh_us = 10 ms

std::uint64_t runtime(const Task& t) { return t.ts.utime + t.ts.stime; }

void trace_work(Kernel& k, trace::Ev kind, const struct work_struct* work, work_func_t fn) {
    if (!k.tracing()) return;
    sim::TraceRecord r;
    r.ptr = work;
    r.str[0] = k.symbols().name_of(reinterpret_cast<const void*>(fn));
    k.emit(kind, r);
}

void worker_set_flags(Worker& w, unsigned flags) {
    if ((flags & WORKER_NOT_RUNNING) && !(w.flags & WORKER_NOT_RUNNING)) w.pool->nr_running--;
    w.flags |= flags;
}

void worker_clr_flags(Worker& w, unsigned flags) {
    unsigned oflags = w.flags;
    w.flags &= ~flags;
    if ((flags & WORKER_NOT_RUNNING) && (oflags & WORKER_NOT_RUNNING) && !(w.flags & WORKER_NOT_RUNNING))
        w.pool->nr_running++;
}

void worker_enter_idle(Worker& w) {
    w.flags |= WORKER_IDLE;
    w.pool->idle_list.push_front(&w);
}

void worker_leave_idle(Worker& w) {
    w.flags &= ~WORKER_IDLE;
    auto& l = w.pool->idle_list;
    l.erase(std::find(l.begin(), l.end(), &w));
}

// BH pools: raise the softirq on the pool's CPU (an IPI when it is another CPU; Linux uses
// an irq_work there).
void raise_bh(void* info) {
    auto* pool = static_cast<WorkerPool*>(info);
    raise_softirq_irqoff(Kernel::get().this_cpu(), pool->highpri() ? HI_SOFTIRQ : TASKLET_SOFTIRQ);
}

void kick_bh_pool(Kernel& k, WorkerPool& pool) {
    if (pool.cpu != k.this_cpu().id) {
        smp_call_function_single(pool.cpu, raise_bh, &pool, 0);
        return;
    }
    raise_bh(&pool);
}

// process_one_work(): run one item with PENDING already clear, so it may be queued again
// while it runs.
void process_one_work(Kernel& k, Worker& worker, struct work_struct* work) {
    PoolWorkqueue* pwq = get_work_pwq(work);
    WorkerPool& pool = *worker.pool;
    worker.current_work = work;
    worker.current_func = work->func;
    worker.current_pwq = pwq;
    if (worker.task) worker.current_at = runtime(*worker.task);
    unsigned long work_data = *work_data_bits(work);
    unsigned long seq = work->__seq;  // `work` may be freed by its function
    sim::Time queued_at = static_cast<sim::Time>(work->__queued_at);
    list_del_init(&work->entry);
    if (pwq->wq->flags & WQ_CPU_INTENSIVE) worker_set_flags(worker, WORKER_CPU_INTENSIVE);
    kick_pool(k, pool);
    set_work_pool_and_clear_pending(work, static_cast<unsigned long>(pool.id), pool.bh ? WORK_OFFQ_BH : 0);
    spend(Cost::api_call);

    Task& task = *k.running();
    std::size_t locks_before = task.held_locks.size();
    std::uint32_t count_before = k.this_cpu().preempt_count;
    work_func_t fn = worker.current_func;
    k.latency().work(reinterpret_cast<const void*>(fn), k.now() - queued_at);
    trace_work(k, trace::Ev::workqueue_execute_start, work, fn);
    bool irq_stack = !task.frames.empty() && task.frames.back().irq;
    task.frames.emplace_back("process_one_work", irq_stack);
    task.frames.emplace_back(k.symbols().name_of(reinterpret_cast<const void*>(fn)), irq_stack);
    fn(work);
    task.frames.resize(task.frames.size() - 2);
    if (worker.task) task.origin = -1;  // a kworker's item is done (BH work borrows a task)
    trace_work(k, trace::Ev::workqueue_execute_end, work, fn);

    Cpu& cpu = k.this_cpu();
    if ((worker.task && cpu.preempt_count != count_before) || task.held_locks.size() != locks_before) {
        std::string line = kformat(k, "BUG: workqueue leaked atomic, lock or RCU: %s[%d]", task.comm(), task.pid());
        k.bugs().record(k, "workqueue leaked atomic, lock or RCU", line);
        printk_emit(k, LOGLEVEL_ERR, line);
        printk_emit(k, LOGLEVEL_ERR,
                    kformat(k, "     preempt=0x%08x lock=%zu->%zu RCU=0->0 workfn=%ps", cpu.preempt_count,
                            locks_before, task.held_locks.size(), reinterpret_cast<const void*>(fn)));
        dump_stack(k);
    }
    if (worker.task) cond_resched();

    worker_clr_flags(worker, WORKER_CPU_INTENSIVE);
    worker.current_work = nullptr;
    worker.current_func = nullptr;
    worker.current_pwq = nullptr;
    pwq_dec_nr_in_flight(*pwq, work_data, seq);
}

void process_scheduled_works(Kernel& k, Worker& worker) {
    while (!list_empty(&worker.scheduled)) {
        struct work_struct* work = list_first_entry(&worker.scheduled, struct work_struct, entry);
        process_one_work(k, worker, work);
    }
}

// assign_work(): an item already running in this pool goes to the worker running it, so it
// never runs twice at once.
bool assign_work(struct work_struct* work, Worker& worker) {
    if (Worker* collision = find_worker_executing_work(*worker.pool, work)) {
        move_linked_works(work, &collision->scheduled);
        return false;
    }
    move_linked_works(work, &worker.scheduled);
    return true;
}

// manage_workers() / maybe_create_worker(): keep one idle worker in reserve.
bool manage_workers(Kernel& k, Worker& worker) {
    WorkerPool& pool = *worker.pool;
    if (pool.manager_active) return false;
    pool.manager_active = true;
    while (pool.need_to_create_worker()) k.workqueues().create_worker(pool, true);
    pool.manager_active = false;
    return true;
}

int worker_thread(void* arg) {
    Kernel& k = Kernel::get();
    auto& worker = *static_cast<Worker*>(arg);
    Task& self = *k.running();
    self.ts.flags |= PF_WQ_WORKER;
    self.frames.emplace_back("worker_thread");
    for (;;) {
        // woke_up:
        // (No WORKER_DIE check: idle workers are never reaped here.)
        WorkerPool& pool = *worker.pool;
        worker_leave_idle(worker);
        for (;;) {  // recheck:
            if (!pool.need_more_worker()) break;
            if (!pool.may_start_working() && manage_workers(k, worker)) continue;
            worker_clr_flags(worker, WORKER_PREP | WORKER_REBOUND);
            do {
                struct work_struct* work = list_first_entry(&pool.worklist, struct work_struct, entry);
                if (assign_work(work, worker)) process_scheduled_works(k, worker);
            } while (pool.keep_working());
            worker_set_flags(worker, WORKER_PREP);
            break;
        }
        // sleep:
        worker_enter_idle(worker);
        set_current_state(TASK_IDLE);
        schedule();
    }
}

// The rescuer of a WQ_MEM_RECLAIM workqueue: worker creation never fails here, so no pool
// ever sends it a mayday; it sleeps until the workqueue is destroyed.
int rescuer_thread(void*) {
    for (;;) {
        set_current_state(TASK_IDLE);
        if (kthread_should_stop()) {
            __set_current_state(TASK_RUNNING);
            return 0;
        }
        schedule();
    }
}

void bh_worker(Kernel& k, Worker& worker) {
    WorkerPool& pool = *worker.pool;
    int nr_restarts = kBhWorkerRestarts;
    unsigned long end = jiffies_at(k, k.now()) + msecs_to_jiffies(2);  // BH_WORKER_JIFFIES
    worker_leave_idle(worker);
    if (pool.need_more_worker()) {
        worker_clr_flags(worker, WORKER_PREP | WORKER_REBOUND);
        do {
            struct work_struct* work = list_first_entry(&pool.worklist, struct work_struct, entry);
            if (assign_work(work, worker)) process_scheduled_works(k, worker);
        } while (pool.keep_working() && --nr_restarts && time_before(jiffies_at(k, k.now()), end));
        worker_set_flags(worker, WORKER_PREP);
    }
    worker_enter_idle(worker);
    kick_pool(k, pool);
}

bool is_chained_work(Kernel& k, const struct workqueue_struct* wq) {
    Worker* w = current_worker(k);
    return w && w->current_pwq && w->current_pwq->wq == wq;
}

}  // namespace

// --- shared helpers ------------------------------------------------------------------------

Worker* current_worker(Kernel& k) {
    Task* t = k.running();
    if (!t || !(t->ts.flags & PF_WQ_WORKER)) return nullptr;
    return static_cast<Worker*>(t->kthread_data);
}

PoolWorkqueue* get_work_pwq(const struct work_struct* work) {
    unsigned long data = static_cast<unsigned long>(work->data.counter);
    if (!(data & WORK_STRUCT_PWQ)) return nullptr;
    return reinterpret_cast<PoolWorkqueue*>(data & WORK_STRUCT_PWQ_MASK);
}

WorkerPool* get_work_pool(Kernel& k, const struct work_struct* work) {
    if (PoolWorkqueue* pwq = get_work_pwq(work)) return pwq->pool;
    unsigned long id = static_cast<unsigned long>(work->data.counter) >> WORK_OFFQ_POOL_SHIFT;
    return k.workqueues().pool_by_id(id);
}

Worker* find_worker_executing_work(WorkerPool& pool, const struct work_struct* work) {
    for (auto& w : pool.workers)
        if (w->current_work == work && w->current_func == work->func) return w.get();
    return nullptr;
}

void set_work_pool_and_clear_pending(struct work_struct* work, unsigned long pool_id, unsigned long flags) {
    atomic_long_set(&work->data, static_cast<long>((pool_id << WORK_OFFQ_POOL_SHIFT) | flags));
}

void move_linked_works(struct work_struct* work, struct list_head* head) {
    for (;;) {
        struct work_struct* next = list_next_entry(work, entry);
        bool linked = *work_data_bits(work) & WORK_STRUCT_LINKED;
        list_move_tail(&work->entry, head);
        if (!linked) break;
        work = next;
    }
}

void insert_work(PoolWorkqueue& pwq, struct work_struct* work, struct list_head* head, unsigned long extra_flags) {
    Kernel& k = Kernel::get();
    atomic_long_set(&work->data, static_cast<long>(reinterpret_cast<unsigned long>(&pwq) | WORK_STRUCT_PENDING |
                                                   WORK_STRUCT_PWQ | extra_flags));
    list_add_tail(&work->entry, head);
    if (pwq.pool->bh) k.workqueues().bh_used = true;
    work->__seq = pwq.wq->next_seq++;
    work->__queued_at = static_cast<unsigned long>(k.now());
    pwq.wq->in_flight.insert(work->__seq);
}

bool kick_pool(Kernel& k, WorkerPool& pool) {
    if (!pool.need_more_worker() || pool.idle_list.empty()) return false;
    if (pool.bh) {
        kick_bh_pool(k, pool);
        return true;
    }
    wake_up_process(&pool.idle_list.front()->task->ts);
    return true;
}

void pwq_dec_nr_in_flight(PoolWorkqueue& pwq, unsigned long work_data, unsigned long seq) {
    if (!(work_data & WORK_STRUCT_INACTIVE)) {
        // pwq_dec_nr_active(): the first inactive item takes the freed slot.
        pwq.nr_active--;
        if (!list_empty(&pwq.inactive_works) && pwq.nr_active < pwq.wq->max_active) {
            struct work_struct* next = list_first_entry(&pwq.inactive_works, struct work_struct, entry);
            pwq.nr_active++;
            trace_work(Kernel::get(), trace::Ev::workqueue_activate_work, next, next->func);
            move_linked_works(next, &pwq.pool->worklist);
            next->data.counter &= ~static_cast<long>(WORK_STRUCT_INACTIVE);
        }
    }
    struct workqueue_struct& wq = *pwq.wq;
    wq.in_flight.erase(seq);
    unsigned long oldest = wq.in_flight.empty() ? wq.next_seq : *wq.in_flight.begin();
    for (auto it = wq.flushers.begin(); it != wq.flushers.end();) {
        if (it->before <= oldest) {
            complete(it->done);
            it = wq.flushers.erase(it);
        } else {
            ++it;
        }
    }
}

// --- queueing --------------------------------------------------------------------------------

void queue_work_locked(int req_cpu, struct workqueue_struct* wq, struct work_struct* work) {
    Kernel& k = Kernel::get();
    if ((wq->flags & (__WQ_DESTROYING | __WQ_DRAINING)) && !is_chained_work(k, wq)) {
        static bool warned = false;  // WARN_ON_ONCE
        if (!warned) {
            warned = true;
            warn_report(k, bug::kWarning, "kernel/workqueue.c", 2294, "__queue_work", "");
        }
        return;
    }
    int cpu = req_cpu == WORK_CPU_UNBOUND ? k.this_cpu().id : req_cpu;
    PoolWorkqueue* pwq = wq->cpu_pwq[static_cast<std::size_t>(cpu)];
    // Still running on the pool it last ran on? Queue it there, so it never runs twice at once.
    WorkerPool* last_pool = get_work_pool(k, work);
    if (last_pool && last_pool != pwq->pool && !(wq->flags & __WQ_ORDERED)) {
        Worker* worker = find_worker_executing_work(*last_pool, work);
        if (worker && worker->current_pwq->wq == wq) pwq = worker->current_pwq;
    }
    WorkerPool& pool = *pwq->pool;
    if (k.tracing()) {
        sim::TraceRecord r;
        r.ptr = work;
        r.str[0] = k.symbols().name_of(reinterpret_cast<const void*>(work->func));
        r.str[1] = k.symbols().intern(wq->name);
        r.arg[0] = req_cpu;
        r.arg[1] = pool.cpu;
        k.emit(trace::Ev::workqueue_queue_work, r);
    }
    if (!list_empty(&work->entry)) {
        warn_report(k, bug::kWarning, "kernel/workqueue.c", 2360, "__queue_work", "");
        return;
    }
    if (list_empty(&pwq->inactive_works) && pwq->nr_active < wq->max_active) {
        pwq->nr_active++;
        trace_work(k, trace::Ev::workqueue_activate_work, work, work->func);
        insert_work(*pwq, work, &pool.worklist, 0);
        kick_pool(k, pool);
    } else {
        insert_work(*pwq, work, &pwq->inactive_works, WORK_STRUCT_INACTIVE);
    }
}

// clear_pending_if_disabled(): a disabled item is not queued.
bool clear_pending_if_disabled(struct work_struct* work) {
    unsigned long data = *work_data_bits(work);
    if ((data & WORK_STRUCT_PWQ) || !(data & WORK_OFFQ_DISABLE_MASK)) return false;
    atomic_long_set(&work->data, static_cast<long>(data & ~static_cast<unsigned long>(WORK_STRUCT_PENDING)));
    return true;
}

void queue_delayed_locked(int cpu, struct workqueue_struct* wq, struct delayed_work* dwork, unsigned long delay) {
    if (!delay) {
        queue_work_locked(cpu, wq, &dwork->work);
        return;
    }
    dwork->wq = wq;
    dwork->cpu = cpu;
    dwork->timer.expires = irqlab_jiffies() + delay;
    if (cpu == WORK_CPU_UNBOUND)
        add_timer_global(&dwork->timer);
    else
        add_timer_on(&dwork->timer, cpu);
}

// --- pools and workers --------------------------------------------------------------------

Workqueues::Workqueues(Kernel& k) : k_(k) {}

Workqueues::~Workqueues() {
    system_wq = system_percpu_wq = system_highpri_wq = system_long_wq = nullptr;
    system_unbound_wq = system_dfl_wq = system_freezable_wq = system_power_efficient_wq = nullptr;
    system_freezable_power_efficient_wq = system_bh_wq = system_bh_highpri_wq = nullptr;
}

WorkerPool& Workqueues::add_pool(int cpu, int nice, bool bh) {
    auto pool = std::make_unique<WorkerPool>();
    pool->id = static_cast<int>(pools_.size());
    pool->cpu = cpu;
    pool->nice = nice;
    pool->bh = bh;
    INIT_LIST_HEAD(&pool->worklist);
    pools_.push_back(std::move(pool));
    return *pools_.back();
}

WorkerPool* Workqueues::pool_by_id(unsigned long id) {
    return id < pools_.size() ? pools_[id].get() : nullptr;
}

WorkerPool& Workqueues::unbound_pool(int nice) {
    for (auto& p : pools_)
        if (p->cpu < 0 && p->nice == nice) return *p;
    // get_unbound_pool(): a new pool starts with one idle worker.
    WorkerPool& pool = add_pool(-1, nice, false);
    if (online_) create_worker(pool, k_.running() != nullptr);
    return pool;
}

Worker* Workqueues::create_worker(WorkerPool& pool, bool wake) {
    auto w = std::make_unique<Worker>();
    Worker& worker = *w;
    worker.pool = &pool;
    INIT_LIST_HEAD(&worker.scheduled);
    auto free_id = std::find(pool.ids.begin(), pool.ids.end(), false);
    worker.id = static_cast<int>(free_id - pool.ids.begin());
    if (free_id == pool.ids.end())
        pool.ids.push_back(true);
    else
        *free_id = true;
    pool.workers.push_back(std::move(w));
    if (pool.bh) {
        worker_enter_idle(worker);
        return &worker;
    }
    // format_worker_id()
    char name[32];
    if (pool.cpu >= 0)
        std::snprintf(name, sizeof name, "kworker/%d:%d%s", pool.cpu, worker.id, pool.highpri() ? "H" : "");
    else
        std::snprintf(name, sizeof name, "kworker/u%d:%d", pool.id, worker.id);
    // kthread creation (kthreadd forking a thread) happens before the worker can help.
    if (k_.running()) spend(Cost::kthread_create);
    Task& t = create_kthread(k_, worker_thread, &worker, name);
    t.kthread_data = &worker;
    worker.task = &t;
    k_.sched().set_nice(t, pool.nice);
    if (pool.cpu >= 0) {
        kthread_bind(&t.ts, static_cast<unsigned>(pool.cpu));
    } else {
        worker.flags |= WORKER_UNBOUND;  // worker_attach_to_pool() of a DISASSOCIATED pool
        t.ts.cpu = k_.running() ? k_.this_cpu().id : 0;
    }
    worker_enter_idle(worker);
    // At boot the worker is made before time starts: it is already asleep in worker_thread.
    if (wake) wake_up_process(&t.ts);
    return &worker;
}

struct workqueue_struct* Workqueues::alloc(std::string name, unsigned flags, int max_active) {
    if (flags & WQ_BH) {
        if ((flags & ~static_cast<unsigned>(__WQ_BH_ALLOWS)) || max_active) {
            warn_report(k_, bug::kWarning, "kernel/workqueue.c", (flags & ~static_cast<unsigned>(__WQ_BH_ALLOWS)) ? 5718 : 5720,
                        "__alloc_workqueue", "");
            return nullptr;
        }
    }
    auto wq = std::make_unique<struct workqueue_struct>();
    std::snprintf(wq->name, sizeof wq->name, "%s", name.c_str());
    if (name.size() >= workqueue_struct::kNameLen) {
        static bool warned = false;  // pr_warn_once
        if (!warned) {
            warned = true;
            printk_emit(k_, LOGLEVEL_WARNING,
                        kformat(k_, "workqueue: name exceeds WQ_NAME_LEN. Truncating to: %s", wq->name));
        }
    }
    if (flags & WQ_BH) {
        max_active = 0x7fffffff;  // INT_MAX: BH workqueues have no limit
    } else {
        if (!max_active) max_active = WQ_DFL_ACTIVE;
        if (max_active < 1 || max_active > WQ_MAX_ACTIVE)
            printk_emit(k_, LOGLEVEL_WARNING,
                        kformat(k_, "workqueue: max_active %d requested for %s is out of range, clamping between %d and %d",
                                max_active, wq->name, 1, WQ_MAX_ACTIVE));
        max_active = std::clamp(max_active, 1, static_cast<int>(WQ_MAX_ACTIVE));
    }
    wq->flags = flags;
    wq->max_active = max_active;
    __mutex_init(&wq->mutex, "&wq->mutex", nullptr);
    bool highpri = flags & WQ_HIGHPRI;
    if (flags & WQ_UNBOUND) {
        auto pwq = std::make_unique<PoolWorkqueue>();
        pwq->wq = wq.get();
        pwq->pool = &unbound_pool(highpri ? kHighpriNice : 0);
        INIT_LIST_HEAD(&pwq->inactive_works);
        wq->cpu_pwq.assign(static_cast<std::size_t>(k_.nr_cpus()), pwq.get());
        wq->pwqs.push_back(std::move(pwq));
    } else {
        for (int cpu = 0; cpu < k_.nr_cpus(); ++cpu) {
            auto pwq = std::make_unique<PoolWorkqueue>();
            pwq->wq = wq.get();
            pwq->pool = (flags & WQ_BH) ? &bh_pool(cpu, highpri) : &cpu_pool(cpu, highpri);
            INIT_LIST_HEAD(&pwq->inactive_works);
            wq->cpu_pwq.push_back(pwq.get());
            wq->pwqs.push_back(std::move(pwq));
        }
    }
    if (flags & WQ_MEM_RECLAIM) {
        // init_rescuer(): "kworker/R-%s", at the rescuer's nice level (MIN_NICE).
        Task& t = create_kthread(k_, rescuer_thread, wq.get(), std::string("kworker/R-") + wq->name);
        k_.sched().set_nice(t, kHighpriNice);
        wq->rescuer = &t;
        if (online_ && k_.running()) wake_up_process(&t.ts);
    }
    wqs_.push_back(std::move(wq));
    return wqs_.back().get();
}

void Workqueues::release(struct workqueue_struct* wq) {
    auto it = std::find_if(wqs_.begin(), wqs_.end(), [wq](const auto& p) { return p.get() == wq; });
    if (it == wqs_.end()) return;
    destroyed_.push_back(std::move(*it));
    wqs_.erase(it);
}

void Workqueues::init() {
    k_.symbols().name(reinterpret_cast<const void*>(&worker_thread), "worker_thread", nullptr);
    k_.symbols().name(reinterpret_cast<const void*>(&rescuer_thread), "rescuer_thread", nullptr);
    k_.symbols().name(reinterpret_cast<const void*>(&delayed_work_timer_fn), "delayed_work_timer_fn", nullptr);
    // workqueue_init_early(): per CPU the two BH pools, then the two kworker pools.
    for (int cpu = 0; cpu < k_.nr_cpus(); ++cpu) {
        for (int nice : {0, kHighpriNice}) add_pool(cpu, nice, true);
        for (int nice : {0, kHighpriNice}) add_pool(cpu, nice, false);
    }
    system_wq = system_percpu_wq = alloc("events", 0, 0);
    system_highpri_wq = alloc("events_highpri", WQ_HIGHPRI, 0);
    system_long_wq = alloc("events_long", 0, 0);
    system_unbound_wq = system_dfl_wq = alloc("events_unbound", WQ_UNBOUND, WQ_MAX_ACTIVE);
    system_freezable_wq = alloc("events_freezable", WQ_FREEZABLE, 0);
    system_power_efficient_wq = alloc("events_power_efficient", WQ_POWER_EFFICIENT, 0);
    system_freezable_power_efficient_wq =
        alloc("events_freezable_pwr_efficient", WQ_FREEZABLE | WQ_POWER_EFFICIENT, 0);
    system_bh_wq = alloc("events_bh", WQ_BH, 0);
    system_bh_highpri_wq = alloc("events_bh_highpri", WQ_BH | WQ_HIGHPRI, 0);
    // workqueue_init(): the first worker of every pool.
    for (auto& pool : pools_) create_worker(*pool, false);
    online_ = true;
}

// --- scheduler and softirq hooks ----------------------------------------------------------

void Workqueues::worker_running(Task& t) {
    auto& worker = *static_cast<Worker*>(t.kthread_data);
    if (!worker.sleeping) return;
    if (!(worker.flags & WORKER_NOT_RUNNING)) worker.pool->nr_running++;
    worker.current_at = runtime(t);  // CPU-intensive detection restarts at each wakeup
    worker.sleeping = false;
}

void Workqueues::worker_sleeping(Task& t) {
    auto& worker = *static_cast<Worker*>(t.kthread_data);
    if (worker.flags & WORKER_NOT_RUNNING) return;
    if (worker.sleeping) return;
    worker.sleeping = true;
    worker.pool->nr_running--;
    kick_pool(k_, *worker.pool);  // the last running worker blocks: another one takes over
}

void Workqueues::worker_tick(Task& t) {
    auto& worker = *static_cast<Worker*>(t.kthread_data);
    if (!worker.current_pwq) return;
    if ((worker.flags & WORKER_NOT_RUNNING) || worker.sleeping ||
        runtime(t) - worker.current_at < static_cast<std::uint64_t>(kCpuIntensiveThresh))
        return;
    // Hogged the CPU without sleeping: out of concurrency management, and the pool is kicked.
    worker_set_flags(worker, WORKER_CPU_INTENSIVE);
    kick_pool(k_, *worker.pool);
}

void Workqueues::softirq_action(bool highpri) {
    if (!bh_used) return;  // no BH work item was ever queued: the tasklet softirqs skip the pools
    WorkerPool& pool = bh_pool(k_.this_cpu().id, highpri);
    if (pool.need_more_worker()) bh_worker(k_, *pool.workers.front());
}

}  // namespace irqlab::kernel

// ---------------------------------------------------------------------------------------
// The C API.

using irqlab::kernel::Kernel;

extern "C" {

void __init_work(struct work_struct* work, int onstack) {
    if (!onstack) irqlab::kernel::debug_object_init(work);
}

struct workqueue_struct* system_wq;
struct workqueue_struct* system_percpu_wq;
struct workqueue_struct* system_highpri_wq;
struct workqueue_struct* system_long_wq;
struct workqueue_struct* system_unbound_wq;
struct workqueue_struct* system_dfl_wq;
struct workqueue_struct* system_freezable_wq;
struct workqueue_struct* system_power_efficient_wq;
struct workqueue_struct* system_freezable_power_efficient_wq;
struct workqueue_struct* system_bh_wq;
struct workqueue_struct* system_bh_highpri_wq;

struct workqueue_struct* alloc_workqueue(const char* fmt, unsigned int flags, int max_active, ...) {
    Kernel& k = Kernel::get();
    va_list ap;
    va_start(ap, max_active);
    std::string name = irqlab::kernel::kvformat(k, fmt, ap);
    va_end(ap);
    return k.workqueues().alloc(std::move(name), flags, max_active);
}

bool queue_work_on(int cpu, struct workqueue_struct* wq, struct work_struct* work) {
    irqlab::kernel::spend(irqlab::kernel::Cost::api_call);
    unsigned long flags = arch_local_irq_save();
    bool ret = false;
    if (!test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)) &&
        !irqlab::kernel::clear_pending_if_disabled(work)) {
        irqlab::kernel::queue_work_locked(cpu, wq, work);
        ret = true;
    }
    arch_local_irq_restore(flags);
    return ret;
}

void delayed_work_timer_fn(struct timer_list* t) {
    struct delayed_work* dwork = from_timer(dwork, t, timer);
    irqlab::kernel::queue_work_locked(dwork->cpu, dwork->wq, &dwork->work);
}

bool queue_delayed_work_on(int cpu, struct workqueue_struct* wq, struct delayed_work* dwork, unsigned long delay) {
    irqlab::kernel::spend(irqlab::kernel::Cost::api_call);
    unsigned long flags = arch_local_irq_save();
    bool ret = false;
    if (!test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(&dwork->work)) &&
        !irqlab::kernel::clear_pending_if_disabled(&dwork->work)) {
        irqlab::kernel::queue_delayed_locked(cpu, wq, dwork, delay);
        ret = true;
    }
    arch_local_irq_restore(flags);
    return ret;
}

struct work_struct* current_work(void) {
    irqlab::kernel::Worker* w = irqlab::kernel::current_worker(Kernel::get());
    return w ? w->current_work : nullptr;
}

bool current_is_workqueue_rescuer(void) {
    Kernel& k = Kernel::get();
    for (const auto& wq : k.workqueues().workqueues())
        if (wq->rescuer && wq->rescuer == k.running()) return true;
    return false;
}

bool workqueue_congested(int cpu, struct workqueue_struct* wq) {
    Kernel& k = Kernel::get();
    if (cpu == WORK_CPU_UNBOUND) cpu = k.this_cpu().id;
    return !list_empty(&wq->cpu_pwq[static_cast<std::size_t>(cpu)]->inactive_works);
}

void workqueue_set_max_active(struct workqueue_struct* wq, int max_active) {
    if (wq->flags & WQ_BH) return;
    if (wq->flags & __WQ_ORDERED) return;  // WARN_ON(wq->flags & __WQ_ORDERED) in Linux
    wq->max_active = std::clamp(max_active, 1, static_cast<int>(WQ_MAX_ACTIVE));
}

unsigned int work_busy(struct work_struct* work) {
    Kernel& k = Kernel::get();
    unsigned int ret = 0;
    if (work_pending(work)) ret |= WORK_BUSY_PENDING;
    if (irqlab::kernel::WorkerPool* pool = irqlab::kernel::get_work_pool(k, work))
        if (irqlab::kernel::find_worker_executing_work(*pool, work)) ret |= WORK_BUSY_RUNNING;
    return ret;
}

}  // extern "C"
