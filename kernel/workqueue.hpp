// Workqueues (kernel/workqueue.c, 6.12): worker pools, workers and concurrency management.
//
// Per CPU there are four pools (BH normal and highpri, then normal and highpri kworkers),
// numbered as Linux numbers them, and unbound pools are made on first use per nice level.
// A workqueue reaches a pool through a pool_workqueue (pwq), which counts its active items
// against max_active and holds the excess on its inactive list.
//
// Concurrency management is Linux's: a per-CPU pool counts its running workers
// (nr_running); queueing wakes an idle worker only when none is running, and a worker that
// blocks (wq_worker_sleeping, called from schedule()) lets another one start. Unbound and
// CPU-intensive workers are not counted, so each item gets its own worker there.
//
// Simplifications (stated in the docs): flush colors are replaced by exact queueing order
// (a flush waits for every item queued before it, as colors guarantee); no idle-worker
// reaping (IDLE_WORKER_TIMEOUT is 5 minutes); worker creation never fails, so the rescuer
// thread of a WQ_MEM_RECLAIM workqueue exists but is never summoned; one NUMA node, one
// affinity pod.
#pragma once

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/workqueue.h>

#include <deque>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace irqlab::kernel {

class Kernel;
struct Task;
struct WorkerPool;
struct PoolWorkqueue;

// enum worker_flags (kernel/workqueue.c).
enum : unsigned {
    WORKER_IDLE = 1 << 2,
    WORKER_PREP = 1 << 3,
    WORKER_CPU_INTENSIVE = 1 << 6,
    WORKER_UNBOUND = 1 << 7,
    WORKER_REBOUND = 1 << 8,
    WORKER_NOT_RUNNING = WORKER_PREP | WORKER_CPU_INTENSIVE | WORKER_UNBOUND | WORKER_REBOUND,
};

struct Worker {
    WorkerPool* pool = nullptr;
    Task* task = nullptr;  // nullptr: a BH pool's worker, which runs in softirq context
    int id = 0;
    unsigned flags = WORKER_PREP;
    bool sleeping = false;
    struct work_struct* current_work = nullptr;
    work_func_t current_func = nullptr;
    PoolWorkqueue* current_pwq = nullptr;
    std::uint64_t current_at = 0;  // the task's runtime when the item started or last woke
    struct list_head scheduled;   // items assigned to this worker, in order
};

struct WorkerPool {
    int id = 0;
    int cpu = -1;  // -1: unbound
    int nice = 0;
    bool bh = false;
    struct list_head worklist;
    std::vector<std::unique_ptr<Worker>> workers;  // attached, in creation order
    std::deque<Worker*> idle_list;                 // the most recently idle first
    std::vector<bool> ids;                         // worker_ida
    int nr_running = 0;
    bool manager_active = false;

    bool need_more_worker() const { return !list_empty(&worklist) && !nr_running; }
    bool may_start_working() const { return !idle_list.empty(); }
    bool keep_working() const { return !list_empty(&worklist) && nr_running <= 1; }
    bool need_to_create_worker() const { return need_more_worker() && !may_start_working(); }
    bool highpri() const { return nice < 0; }
};

// A workqueue's link to one pool. Aligned to 256 bytes as in Linux: its address shares the
// work item's data word with the flag and color bits.
struct alignas(256) PoolWorkqueue {
    struct workqueue_struct* wq = nullptr;
    WorkerPool* pool = nullptr;
    int nr_active = 0;
    struct list_head inactive_works;
};

class Workqueues {
public:
    explicit Workqueues(Kernel& k);
    bool bh_used = false;  // a work item has been queued to a BH pool
    Workqueues(const Workqueues&) = delete;
    Workqueues& operator=(const Workqueues&) = delete;
    ~Workqueues();

    // workqueue_init_early() and workqueue_init(): the pools, their first idle workers and
    // the system workqueues, as they are when the machine starts.
    void init();
    bool online() const { return online_; }

    WorkerPool& cpu_pool(int cpu, bool highpri) { return *pools_[static_cast<std::size_t>(cpu * 4 + 2 + highpri)]; }
    WorkerPool& bh_pool(int cpu, bool highpri) { return *pools_[static_cast<std::size_t>(cpu * 4 + highpri)]; }
    WorkerPool& unbound_pool(int nice);
    WorkerPool* pool_by_id(unsigned long id);
    const std::vector<std::unique_ptr<WorkerPool>>& pools() const { return pools_; }
    const std::vector<std::unique_ptr<struct workqueue_struct>>& workqueues() const { return wqs_; }

    struct workqueue_struct* alloc(std::string name, unsigned flags, int max_active);
    // destroy_workqueue()'s last step. The memory stays until the kernel goes, so a driver
    // that queues on a destroyed workqueue gets Linux's warning, not a host crash.
    void release(struct workqueue_struct* wq);

    // The scheduler's hooks (sched_submit_work, sched_update_worker, sched_tick).
    void worker_sleeping(Task& t);
    void worker_running(Task& t);
    void worker_tick(Task& t);
    // workqueue_softirq_action(): the BH pools, run from the tasklet softirqs.
    void softirq_action(bool highpri);

    Worker* create_worker(WorkerPool& pool, bool wake);

private:
    WorkerPool& add_pool(int cpu, int nice, bool bh);
    Kernel& k_;
    bool online_ = false;
    std::vector<std::unique_ptr<WorkerPool>> pools_;  // index == pool ID
    std::vector<std::unique_ptr<struct workqueue_struct>> wqs_;
    std::vector<std::unique_ptr<struct workqueue_struct>> destroyed_;
};

// --- shared by workqueue.cpp and workqueue_flush.cpp -------------------------------------

// kick_pool(): wakes the first idle worker if the pool needs one.
bool kick_pool(Kernel& k, WorkerPool& pool);
// The pwq a queued item is on, or nullptr.
PoolWorkqueue* get_work_pwq(const struct work_struct* work);
// The pool a work item is queued on or last ran on, or nullptr.
WorkerPool* get_work_pool(Kernel& k, const struct work_struct* work);
Worker* find_worker_executing_work(WorkerPool& pool, const struct work_struct* work);
// insert_work(): puts `work` before `head` with its pwq and flags, in flight on its wq.
void insert_work(PoolWorkqueue& pwq, struct work_struct* work, struct list_head* head, unsigned long extra_flags);
// pwq_dec_nr_in_flight(): an item left its pwq (ran or was cancelled).
void pwq_dec_nr_in_flight(PoolWorkqueue& pwq, unsigned long work_data, unsigned long seq);
void move_linked_works(struct work_struct* work, struct list_head* head);
// __queue_work() and __queue_delayed_work(), called with interrupts off and PENDING won.
void queue_work_locked(int req_cpu, struct workqueue_struct* wq, struct work_struct* work);
void queue_delayed_locked(int cpu, struct workqueue_struct* wq, struct delayed_work* dwork, unsigned long delay);
// clear_pending_if_disabled(): true (and PENDING dropped) if the item is disabled.
bool clear_pending_if_disabled(struct work_struct* work);
Worker* current_worker(Kernel& k);
void set_work_pool_and_clear_pending(struct work_struct* work, unsigned long pool_id, unsigned long flags);

}  // namespace irqlab::kernel

// The workqueue itself (opaque to C).
struct workqueue_struct {
    static constexpr std::size_t kNameLen = 32;  // WQ_NAME_LEN
    char name[kNameLen] = {};
    unsigned flags = 0;
    int max_active = 0;
    std::vector<irqlab::kernel::PoolWorkqueue*> cpu_pwq;  // by CPU (unbound: one pwq for all)
    std::vector<std::unique_ptr<irqlab::kernel::PoolWorkqueue>> pwqs;
    irqlab::kernel::Task* rescuer = nullptr;
    // What flush_workqueue waits for: the instances in flight, by queueing order.
    unsigned long next_seq = 1;
    std::set<unsigned long> in_flight;
    struct Flusher {
        unsigned long before;  // waits for every instance with a smaller seq
        struct completion* done;
    };
    std::vector<Flusher> flushers;
    int nr_drainers = 0;
    struct mutex mutex;
};
