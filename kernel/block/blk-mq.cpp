// block/blk-mq.c: tag sets and their requests, dispatch to the driver's queue_rq, and
// the completion path (blk_mq_complete_request -> BLOCK_SOFTIRQ -> ->complete ->
// blk_mq_end_request), following 6.12.
#include <linux/blk-mq.h>
#include <linux/bug.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/interrupt.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>

#include <algorithm>

#include "kernel/block/block.hpp"
#include "kernel/irq/irq.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"
#include "kernel/softirq.hpp"

namespace irqlab::kernel {

namespace {

// blk_mq_run_hw_queue(async): the work kblockd runs. kblockd is a WQ_HIGHPRI workqueue,
// so its items run on each CPU's highpri pool, the one system_highpri_wq feeds.
void blk_mq_run_work_fn(struct work_struct* work) {
    for (const auto& d : Kernel::get().block().disks())
        if (d->disk && d->disk->queue && &queue_record(d->disk->queue).run_work == work)
            blk_mq_run_hw_queues(d->disk->queue, false);
}

// blk_mq_dispatch_rq_list() for one request. False: the driver is busy, the request went
// back to the head of the dispatch list.
bool dispatch_one(struct request* rq, bool last) {
    struct request_queue* q = rq->q;
    struct blk_mq_queue_data bd {};
    bd.rq = rq;
    bd.last = last;
    rq->mq_hctx->queued++;
    blk_status_t ret = q->mq_ops->queue_rq(rq->mq_hctx, &bd);
    switch (ret) {
        case BLK_STS_OK: return true;
        case BLK_STS_RESOURCE:
        case BLK_STS_DEV_RESOURCE:
            // __blk_mq_requeue_request(): back to idle, first in line. The queue runs again
            // when one of its requests frees its tag (SCHED_RESTART).
            rq->state = MQ_RQ_IDLE;
            queue_record(q).dispatch.push_front(rq);
            return false;
        default: blk_mq_end_request(rq, ret); return true;
    }
}

// blk_mq_complete_need_ipi(): complete on the submitting CPU by IPI? Only with
// rq_affinity (QUEUE_FLAG_SAME_COMP), not with forced irq threads (the IPI's softirq
// would only wake ksoftirqd), and not when this CPU shares a cache with the submitter
// (unless QUEUE_FLAG_SAME_FORCE, rq_affinity 2). irqlab's CPUs are one package: they all
// share the last-level cache and have equal capacity.
bool blk_mq_complete_need_ipi(struct request* rq) {
    Kernel& k = Kernel::get();
    unsigned cpu = static_cast<unsigned>(raw_smp_processor_id());
    if (!test_bit(QUEUE_FLAG_SAME_COMP, &rq->q->queue_flags)) return false;
    if (k.irqs().force_threads) return false;
    bool share_cache = true;  // cpus_share_cache() && cpus_equal_capacity()
    if (cpu == rq->mq_ctx->cpu || (!test_bit(QUEUE_FLAG_SAME_FORCE, &rq->q->queue_flags) && share_cache))
        return false;
    return cpu_online(rq->mq_ctx->cpu);
}

// __blk_mq_complete_request_remote(): the IPI's function, on the submitting CPU.
void blk_mq_complete_request_remote_fn(void*) { __raise_softirq_irqoff(BLOCK_SOFTIRQ); }

// blk_mq_complete_send_ipi(): onto the submitting CPU's list; an IPI only if the list was
// empty (otherwise one is on its way, or its softirq has yet to take the list).
void blk_mq_complete_send_ipi(struct request* rq) {
    unsigned cpu = rq->mq_ctx->cpu;
    struct list_head& list = Kernel::get().block().cpu_done(static_cast<int>(cpu));
    bool first = list_empty(&list);
    list_add_tail(&rq->ipi_list, &list);
    if (first) smp_call_function_single(static_cast<int>(cpu), blk_mq_complete_request_remote_fn, nullptr, 0);
}

// blk_mq_raise_softirq(): onto this CPU's list; the first one raises BLOCK_SOFTIRQ.
void blk_mq_raise_softirq(struct request* rq) {
    preempt_disable();
    struct list_head& list = Kernel::get().block().cpu_done(raw_smp_processor_id());
    bool first = list_empty(&list);
    list_add_tail(&rq->ipi_list, &list);
    if (first) raise_softirq(BLOCK_SOFTIRQ);
    preempt_enable();
}

void blk_done_softirq() { Kernel::get().block().done_softirq(); }

}  // namespace

// blk_complete_reqs(): take this CPU's whole list, then ->complete each, oldest first.
// Each request carries the origin of the interrupt that completed it (the softirq may
// run on another CPU, or in ksoftirqd), so the wakeup it leads to keeps it.
void BlockLayer::done_softirq() {
    Task& task = *k_.running();
    struct list_head& list = cpu_done(k_.this_cpu().id);
    struct list_head local;
    INIT_LIST_HEAD(&local);
    unsigned long flags;
    local_irq_save(flags);  // llist_del_all(): atomic against the hardirq adding to it
    if (!list_empty(&list)) {
        local.next = list.next;
        local.prev = list.prev;
        local.next->prev = &local;
        local.prev->next = &local;
        INIT_LIST_HEAD(&list);
    }
    local_irq_restore(flags);
    sim::Time saved_origin = task.origin;
    while (!list_empty(&local)) {
        struct request* rq = list_first_entry(&local, struct request, ipi_list);
        list_del_init(&rq->ipi_list);
        task.origin = rq->__irqlab_origin;
        rq->q->mq_ops->complete(rq);
    }
    task.origin = saved_origin;
}

void BlockLayer::init() {
    for (struct list_head& l : done_) INIT_LIST_HEAD(&l);
    k_.softirqs().open(BLOCK_SOFTIRQ, blk_done_softirq, "blk_done_softirq");
    name_block_symbols(k_);
}

// __blk_mq_alloc_requests() with no scheduler: the request is the tag's own.
struct request* blk_mq_get_request(struct request_queue* q, blk_opf_t opf, blk_mq_req_flags_t flags) {
    Kernel& k = Kernel::get();
    if (test_bit(QUEUE_FLAG_DYING, &q->queue_flags)) return nullptr;
    int tag = blk_mq_get_tag(q, flags);
    if (tag < 0) return nullptr;
    struct blk_mq_tags* tags = q->hctx->tags;
    struct request* rq = tags->static_rqs[tag];
    QueueRecord& rec = queue_record(q);
    // blk_mq_get_ctx() after the tag: a submitter that slept may be on another CPU now.
    int cpu = raw_smp_processor_id();
    rq->q = q;
    rq->mq_ctx = &rec.ctxs[static_cast<std::size_t>(cpu)];
    rq->mq_hctx = q->hctx;
    rq->cmd_flags = opf;
    rq->tag = tag;
    rq->__data_len = 0;
    rq->__sector = ~sector_t{0};
    rq->bio = rq->biotail = nullptr;
    rq->nr_phys_segments = 0;
    rq->state = MQ_RQ_IDLE;
    rq->start_time_ns = static_cast<u64>(k.now());
    rq->io_start_time_ns = 0;
    rq->end_io = nullptr;
    rq->end_io_data = nullptr;
    rq->__irqlab_origin = -1;
    INIT_LIST_HEAD(&rq->queuelist);
    INIT_LIST_HEAD(&rq->ipi_list);
    ++rec.allocated;
    if (rec.allocated > rec.max_allocated) rec.max_allocated = rec.allocated;
    return rq;
}

// blk_mq_try_issue_directly(): straight to queue_rq, unless requests the driver refused
// are waiting (they go first).
void blk_mq_issue(struct request* rq) {
    QueueRecord& rec = queue_record(rq->q);
    if (!rec.dispatch.empty()) {
        rec.dispatch.push_back(rq);
        blk_mq_run_hw_queues(rq->q, false);
        return;
    }
    dispatch_one(rq, true);
}

}  // namespace irqlab::kernel

using irqlab::kernel::BlockLayer;
using irqlab::kernel::Kernel;
using irqlab::kernel::QueueRecord;
using irqlab::kernel::TagsRecord;
using irqlab::kernel::queue_record;
using irqlab::kernel::blk_mq_run_work_fn;

extern "C" {

// blk_mq_alloc_tag_set(): the tags and a request (with cmd_size bytes of driver data
// behind it) for each. irqlab: one hardware queue.
int blk_mq_alloc_tag_set(struct blk_mq_tag_set* set) {
    if (!set->ops || !set->ops->queue_rq || !set->queue_depth) return -EINVAL;
    if (set->nr_hw_queues > 1) {
        pr_warn("blk-mq: irqlab has one hardware queue per tag set, not %u\n", set->nr_hw_queues);
        return -EINVAL;
    }
    if (set->reserved_tags >= set->queue_depth) return -EINVAL;
    set->nr_hw_queues = 1;
    if (!set->nr_maps) set->nr_maps = 1;
    INIT_LIST_HEAD(&set->tag_list);
    set->tags = static_cast<struct blk_mq_tags**>(kcalloc(1, sizeof(struct blk_mq_tags*), GFP_KERNEL));
    auto* tags = static_cast<struct blk_mq_tags*>(kzalloc(sizeof(struct blk_mq_tags), GFP_KERNEL));
    if (!set->tags || !tags) return -ENOMEM;
    unsigned depth = set->queue_depth;
    tags->nr_tags = depth;
    tags->nr_reserved_tags = set->reserved_tags;
    tags->rqs = static_cast<struct request**>(kcalloc(depth, sizeof(struct request*), GFP_KERNEL));
    tags->static_rqs = static_cast<struct request**>(kcalloc(depth, sizeof(struct request*), GFP_KERNEL));
    for (unsigned i = 0; i < depth; ++i) {
        tags->static_rqs[i] = static_cast<struct request*>(kzalloc(sizeof(struct request) + set->cmd_size, GFP_KERNEL));
        tags->static_rqs[i]->tag = -1;
    }
    TagsRecord& rec = Kernel::get().block().new_tags_record();
    rec.busy.assign(depth, false);
    static struct lock_class_key tags_key;
    __init_waitqueue_head(&rec.wait, "&bt->ws[i].wait", &tags_key);
    tags->__irqlab = &rec;
    set->tags[0] = tags;
    return 0;
}

void blk_mq_free_tag_set(struct blk_mq_tag_set* set) {
    if (!set->tags) return;
    struct blk_mq_tags* tags = set->tags[0];
    if (tags) {
        for (unsigned i = 0; i < tags->nr_tags; ++i) kfree(tags->static_rqs[i]);
        kfree(tags->static_rqs);
        kfree(tags->rqs);
        Kernel::get().block().free_tags_record(static_cast<TagsRecord*>(tags->__irqlab));
        kfree(tags);
    }
    kfree(set->tags);
    set->tags = nullptr;
}

// __blk_mq_alloc_disk(): a request queue on the tag set (one hardware context, every
// CPU's software context mapped to it) and its gendisk, with QUEUE_FLAG_MQ_DEFAULT
// (rq_affinity 1) and the limits, validated as blk_validate_limits() does.
struct gendisk* __blk_mq_alloc_disk(struct blk_mq_tag_set* set, struct queue_limits* lim, void* queuedata,
                                    struct lock_class_key*) {
    Kernel& k = Kernel::get();
    if (!set->tags) return static_cast<struct gendisk*>(ERR_PTR(-EINVAL));
    auto* q = static_cast<struct request_queue*>(kzalloc(sizeof(struct request_queue), GFP_KERNEL));
    auto* hctx = static_cast<struct blk_mq_hw_ctx*>(kzalloc(sizeof(struct blk_mq_hw_ctx), GFP_KERNEL));
    auto* disk = static_cast<struct gendisk*>(kzalloc(sizeof(struct gendisk), GFP_KERNEL));
    if (!q || !hctx || !disk) return static_cast<struct gendisk*>(ERR_PTR(-ENOMEM));
    QueueRecord& rec = k.block().new_queue_record();
    rec.ctxs.resize(static_cast<std::size_t>(k.nr_cpus()));
    for (std::size_t c = 0; c < rec.ctxs.size(); ++c) {
        rec.ctxs[c].cpu = static_cast<unsigned>(c);
        rec.ctxs[c].index_hw = static_cast<unsigned>(c);
        rec.ctxs[c].hctxs[0] = hctx;
    }
    INIT_WORK(&rec.run_work, blk_mq_run_work_fn);
    static struct lock_class_key freeze_key;
    __init_waitqueue_head(&rec.freeze_wq, "&q->mq_freeze_wq", &freeze_key);
    hctx->queue = q;
    hctx->tags = set->tags[0];
    hctx->queue_num = 0;
    hctx->nr_ctx = static_cast<unsigned>(k.nr_cpus());
    hctx->flags = set->flags;
    hctx->driver_data = set->driver_data;
    q->queuedata = queuedata;
    q->mq_ops = set->ops;
    q->tag_set = set;
    q->hctx = hctx;
    q->nr_hw_queues = set->nr_hw_queues;
    q->queue_flags = QUEUE_FLAG_MQ_DEFAULT;
    q->__irqlab = &rec;
    if (lim) q->limits = *lim;
    if (!q->limits.logical_block_size) q->limits.logical_block_size = SECTOR_SIZE;
    if (!q->limits.physical_block_size) q->limits.physical_block_size = q->limits.logical_block_size;
    if (!q->limits.max_hw_sectors) q->limits.max_hw_sectors = BLK_SAFE_MAX_SECTORS;
    if (!q->limits.max_segments) q->limits.max_segments = 128;  // BLK_MAX_SEGMENTS
    unsigned max = std::min(q->limits.max_hw_sectors, BLK_DEF_MAX_SECTORS_CAP);
    if (!q->limits.max_sectors || q->limits.max_sectors > max) q->limits.max_sectors = max;
    disk->queue = q;
    disk->part0 = &disk->__irqlab_part0;
    disk->part0->bd_disk = disk;
    q->disk = disk;
    set_bit(QUEUE_FLAG_INIT_DONE, &q->queue_flags);
    return disk;
}

struct request* blk_mq_alloc_request(struct request_queue* q, blk_opf_t opf, blk_mq_req_flags_t flags) {
    struct request* rq = irqlab::kernel::blk_mq_get_request(q, opf, flags);
    if (!rq) {
        bool dying = test_bit(QUEUE_FLAG_DYING, &q->queue_flags);
        return static_cast<struct request*>(ERR_PTR(dying ? -ENODEV : -EWOULDBLOCK));
    }
    return rq;
}

// blk_mq_free_request(): the tag goes back (waking a submitter waiting for one); a queue
// with requests the driver refused runs again, from kblockd.
void blk_mq_free_request(struct request* rq) {
    struct request_queue* q = rq->q;
    QueueRecord& rec = queue_record(q);
    int tag = rq->tag;
    rq->state = MQ_RQ_IDLE;
    rq->bio = rq->biotail = nullptr;
    q->hctx->tags->rqs[tag] = nullptr;
    rq->tag = -1;
    irqlab::kernel::blk_mq_put_tag(q->hctx->tags, static_cast<unsigned>(tag));
    --rec.allocated;
    if (rec.allocated == 0) wake_up_all(&rec.freeze_wq);
    if (!rec.dispatch.empty()) queue_work(system_highpri_wq, &rec.run_work);
}

// blk_mq_start_request(): the driver has taken it; from now on it is in flight.
void blk_mq_start_request(struct request* rq) {
    WARN_ON_ONCE(rq->state != MQ_RQ_IDLE);
    rq->io_start_time_ns = static_cast<u64>(Kernel::get().now());
    rq->state = MQ_RQ_IN_FLIGHT;
    rq->mq_hctx->tags->rqs[rq->tag] = rq;
}

// blk_update_request(): the bio ends with the request's status. A failed request that is
// not a passthrough one is reported as blk_print_req_error() does (rate limited).
bool blk_update_request(struct request* rq, blk_status_t error, unsigned int nr_bytes) {
    if (error) {
        pr_err_ratelimited("%s error, dev %s, sector %llu op 0x%x:(%s) flags 0x%x phys_seg %u prio class %u\n",
                           blk_status_to_str(error), rq->q->disk ? rq->q->disk->disk_name : "?",
                           static_cast<unsigned long long>(blk_rq_pos(rq)), static_cast<unsigned>(req_op(rq)),
                           blk_op_str(req_op(rq)), static_cast<unsigned>(rq->cmd_flags & ~REQ_OP_MASK),
                           static_cast<unsigned>(rq->nr_phys_segments), 0u);
        ++queue_record(rq->q).errors;
    }
    struct bio* bio = rq->bio;
    while (bio) {
        struct bio* next = bio->bi_next;
        if (error) bio->bi_status = error;
        unsigned done = bio->bi_iter.bi_size < nr_bytes ? bio->bi_iter.bi_size : nr_bytes;
        nr_bytes -= done;
        bio->bi_iter.bi_size -= done;
        bio->bi_iter.bi_sector += done >> SECTOR_SHIFT;
        bio->bi_next = nullptr;
        bio_endio(bio);
        bio = next;
    }
    rq->bio = rq->biotail = nullptr;
    rq->__data_len = 0;
    return false;
}

// __blk_mq_end_request(): the request is done; end_io decides whether it is freed here
// (a bio's request is; a passthrough waiter frees its own).
void __blk_mq_end_request(struct request* rq, blk_status_t error) {
    ++queue_record(rq->q).completed;
    if (rq->end_io) {
        if (rq->end_io(rq, error) == RQ_END_IO_FREE) blk_mq_free_request(rq);
    } else {
        blk_mq_free_request(rq);
    }
}

void blk_mq_end_request(struct request* rq, blk_status_t error) {
    if (blk_update_request(rq, error, blk_rq_bytes(rq))) BUG();
    __blk_mq_end_request(rq, error);
}

// blk_mq_complete_request_remote(): decides where ->complete runs. False: here and now
// (the caller calls it). 6.12's order: a hardware queue with one software queue whose CPU
// this is completes locally; then the IPI to the submitting CPU; then, with one hardware
// queue, BLOCK_SOFTIRQ on this CPU; else locally.
bool blk_mq_complete_request_remote(struct request* rq) {
    Kernel& k = Kernel::get();
    rq->state = MQ_RQ_COMPLETE;
    rq->__irqlab_origin = k.running() ? k.running()->origin : -1;
    if (rq->mq_hctx->nr_ctx == 1 && rq->mq_ctx->cpu == static_cast<unsigned>(raw_smp_processor_id())) return false;
    if (irqlab::kernel::blk_mq_complete_need_ipi(rq)) {
        irqlab::kernel::blk_mq_complete_send_ipi(rq);
        return true;
    }
    if (rq->q->nr_hw_queues == 1) {
        irqlab::kernel::blk_mq_raise_softirq(rq);
        return true;
    }
    return false;
}

void blk_mq_complete_request(struct request* rq) {
    if (!blk_mq_complete_request_remote(rq)) rq->q->mq_ops->complete(rq);
}

// blk_mq_run_hw_queue(): issue what waits on the dispatch list until the driver is busy.
void blk_mq_run_hw_queues(struct request_queue* q, bool async) {
    QueueRecord& rec = queue_record(q);
    if (async) {
        queue_work(system_highpri_wq, &rec.run_work);
        return;
    }
    q->hctx->run++;
    while (!rec.dispatch.empty()) {
        struct request* rq = rec.dispatch.front();
        rec.dispatch.pop_front();
        if (!irqlab::kernel::dispatch_one(rq, rec.dispatch.empty())) break;
    }
}

}  // extern "C"
