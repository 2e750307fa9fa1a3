// block/blk-mq-tag.c: a tag set's tags. A tag is a request slot: the queue depth is how
// many there are, and a submitter that finds none sleeps until one is freed.
#include <linux/blk-mq.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include "kernel/block/block.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

namespace {
// __blk_mq_get_tag(): the lowest free tag (Linux's sbitmap starts each CPU at a hint; the
// lowest free is what one CPU submitting alone gets).
int take_free(struct blk_mq_tags* tags) {
    TagsRecord& t = tags_record(tags);
    for (unsigned i = tags->nr_reserved_tags; i < tags->nr_tags; ++i) {
        if (t.busy[i]) continue;
        t.busy[i] = true;
        ++t.used;
        return static_cast<int>(i);
    }
    return -1;
}
}  // namespace

// blk_mq_get_tag(): a free tag, or sleep for one. The sleep is TASK_UNINTERRUPTIBLE through
// io_schedule(), on an exclusive wait, so each freed tag wakes one waiter. Linux's
// sbitmap_queue spreads waiters over 8 wait queues and wakes them in batches of
// wake_batch = clamp(depth / 8, 1, 8) frees; irqlab wakes one waiter per freed tag.
int blk_mq_get_tag(struct request_queue* q, blk_mq_req_flags_t flags) {
    struct blk_mq_tags* tags = q->hctx->tags;
    int tag = take_free(tags);
    if (tag >= 0 || (flags & BLK_MQ_REQ_NOWAIT)) return tag;
    might_sleep();
    TagsRecord& t = tags_record(tags);
    DEFINE_WAIT(wait);
    for (;;) {
        if (test_bit(QUEUE_FLAG_DYING, &q->queue_flags)) break;
        prepare_to_wait_exclusive(&t.wait, &wait, TASK_UNINTERRUPTIBLE);
        tag = take_free(tags);
        if (tag >= 0 || test_bit(QUEUE_FLAG_DYING, &q->queue_flags)) break;
        io_schedule();
    }
    finish_wait(&t.wait, &wait);
    // The completion that freed the tag is not what this request waits for: its own
    // interrupt starts the end-to-end latency of the read that submits it.
    if (Task* self = Kernel::get().running()) self->origin = -1;
    return tag;
}

// blk_mq_put_tag(): the tag is free again; one waiter gets to try for it.
void blk_mq_put_tag(struct blk_mq_tags* tags, unsigned tag) {
    TagsRecord& t = tags_record(tags);
    if (tag >= tags->nr_tags || !t.busy[tag]) return;
    t.busy[tag] = false;
    --t.used;
    wake_up(&t.wait);
}

}  // namespace irqlab::kernel

extern "C" {

struct request* blk_mq_tag_to_rq(struct blk_mq_tags* tags, unsigned int tag) {
    if (tag < tags->nr_tags) return tags->rqs[tag];
    return nullptr;
}

}  // extern "C"
