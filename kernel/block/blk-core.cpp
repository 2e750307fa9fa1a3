// block/blk-core.c and block/bio.c: submitting a bio (a request per bio, no merging or
// splitting: the caller keeps each within max_sectors), waiting for it, the status codes.
#include <linux/blk-mq.h>
#include <linux/completion.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "kernel/block/block.hpp"
#include "kernel/kernel.hpp"

namespace irqlab::kernel {

namespace {

struct BlkError {
    int errno_value;
    const char* name;
};

// blk_errors[]: each status's errno and the word blk_print_req_error() prints.
BlkError blk_error(blk_status_t status) {
    switch (status) {
        case BLK_STS_OK: return {0, ""};
        case BLK_STS_NOTSUPP: return {-EOPNOTSUPP, "operation not supported"};
        case BLK_STS_TIMEOUT: return {-ETIMEDOUT, "timeout"};
        case BLK_STS_NOSPC: return {-ENOSPC, "critical space allocation"};
        case BLK_STS_TRANSPORT: return {-ENOLINK, "recoverable transport"};
        case BLK_STS_TARGET: return {-EREMOTEIO, "critical target"};
        case BLK_STS_RESV_CONFLICT: return {-EBADE, "reservation conflict"};
        case BLK_STS_MEDIUM: return {-ENODATA, "critical medium"};
        case BLK_STS_PROTECTION: return {-EILSEQ, "protection"};
        case BLK_STS_RESOURCE: return {-ENOMEM, "kernel resource"};
        case BLK_STS_DEV_RESOURCE: return {-EBUSY, "device resource"};
        case BLK_STS_AGAIN: return {-EAGAIN, "nonblocking retry"};
        case BLK_STS_OFFLINE: return {-ENODEV, "device offline"};
        case BLK_STS_INVAL: return {-EINVAL, "invalid"};
        default: return {-EIO, "I/O"};  // BLK_STS_IOERR and everything else
    }
}

// blk_mq_bio_to_request(): the request covers the bio's one segment.
void blk_mq_bio_to_request(struct request* rq, struct bio* bio) {
    rq->bio = rq->biotail = bio;
    rq->__sector = bio->bi_iter.bi_sector;
    rq->__data_len = bio->bi_iter.bi_size;
    rq->nr_phys_segments = 1;
}

void bio_io_error(struct bio* bio) {
    bio->bi_status = BLK_STS_IOERR;
    bio_endio(bio);
}

void submit_bio_wait_endio(struct bio* bio) { complete(static_cast<struct completion*>(bio->bi_private)); }

// blk_end_sync_rq(): a passthrough request's waiter is woken; it frees the request.
struct blk_rq_wait {
    struct completion done;
    blk_status_t ret;
};

enum rq_end_io_ret blk_end_sync_rq(struct request* rq, blk_status_t ret) {
    auto* wait = static_cast<struct blk_rq_wait*>(rq->end_io_data);
    wait->ret = ret;
    complete(&wait->done);
    return RQ_END_IO_NONE;
}

}  // namespace

}  // namespace irqlab::kernel

using irqlab::kernel::blk_end_sync_rq;
using irqlab::kernel::submit_bio_wait_endio;

extern "C" {

int blk_status_to_errno(blk_status_t status) { return irqlab::kernel::blk_error(status).errno_value; }
const char* blk_status_to_str(blk_status_t status) { return irqlab::kernel::blk_error(status).name; }

const char* blk_op_str(enum req_op op) {
    switch (op) {
        case REQ_OP_READ: return "READ";
        case REQ_OP_WRITE: return "WRITE";
        case REQ_OP_FLUSH: return "FLUSH";
        case REQ_OP_DISCARD: return "DISCARD";
    }
    return "UNKNOWN";
}

void blk_queue_flag_set(unsigned int flag, struct request_queue* q) { set_bit(flag, &q->queue_flags); }
void blk_queue_flag_clear(unsigned int flag, struct request_queue* q) { clear_bit(flag, &q->queue_flags); }

void bio_endio(struct bio* bio) {
    if (bio->bi_end_io) bio->bi_end_io(bio);
}

// submit_bio() -> blk_mq_submit_bio(): a request (sleeping for a tag if the queue depth is
// used up), then straight to the driver. A dying queue fails the bio.
void submit_bio(struct bio* bio) {
    struct gendisk* disk = bio->bi_bdev->bd_disk;
    struct request_queue* q = disk->queue;
    if (test_bit(GD_DEAD, &disk->state)) {
        irqlab::kernel::bio_io_error(bio);
        return;
    }
    struct request* rq = irqlab::kernel::blk_mq_get_request(q, bio->bi_opf, 0);
    if (!rq) {
        irqlab::kernel::bio_io_error(bio);
        return;
    }
    irqlab::kernel::blk_mq_bio_to_request(rq, bio);
    irqlab::kernel::blk_mq_issue(rq);
}

// submit_bio_wait(): submit, then blk_wait_io(): wait_for_completion_io(), an
// uninterruptible sleep counted as I/O wait (state D in ps).
int submit_bio_wait(struct bio* bio) {
    struct completion done;
    init_completion(&done);
    bio->bi_private = &done;
    bio->bi_end_io = irqlab_symbol(submit_bio_wait_endio);
    submit_bio(bio);
    wait_for_completion_io(&done);
    return blk_status_to_errno(bio->bi_status);
}

// blk_execute_rq_nowait() / blk_execute_rq(): a request the caller allocated and filled
// in (passthrough style), issued now; blk_execute_rq() waits for it and returns its status.
void blk_execute_rq_nowait(struct request* rq, bool) { irqlab::kernel::blk_mq_issue(rq); }

blk_status_t blk_execute_rq(struct request* rq, bool at_head) {
    irqlab::kernel::blk_rq_wait wait{};
    init_completion(&wait.done);
    rq->end_io_data = &wait;
    rq->end_io = blk_end_sync_rq;
    blk_execute_rq_nowait(rq, at_head);
    wait_for_completion_io(&wait.done);
    return wait.ret;
}

}  // extern "C"
