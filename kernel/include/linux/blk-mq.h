/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The multi-queue block layer (include/linux/blk-mq.h, block/blk-mq.c), the part a driver
 * uses: the tag set (queue depth, per-request driver data), struct request, the queue_rq
 * and complete operations, and the completion path:
 *
 *   hardirq    the driver finds a finished command and calls blk_mq_complete_request(rq)
 *              (6.12's logic: blk_mq_complete_request_remote() either sends an IPI to the
 *              submitting CPU, or raises BLOCK_SOFTIRQ on this one, or returns false and
 *              ->complete runs right here, in the hardirq)
 *   softirq    blk_done_softirq() -> ->complete(rq) -> blk_mq_end_request(rq, status)
 *   waiter     the bio's end_io wakes the task sleeping in submit_bio_wait()
 *
 * irqlab keeps one hardware queue per tag set (nr_hw_queues 1, as virtio-blk with one
 * virtqueue) and no I/O scheduler ("none": a request's tag is its driver tag).
 */
#ifndef _LINUX_BLK_MQ_H
#define _LINUX_BLK_MQ_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/blkdev.h>
#include <linux/dma-mapping.h>

struct blk_mq_tags;
struct blk_mq_ctx;

#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE (-1)
#endif

enum mq_rq_state {
	MQ_RQ_IDLE = 0,
	MQ_RQ_IN_FLIGHT = 1,
	MQ_RQ_COMPLETE = 2,
};

enum rq_end_io_ret {
	RQ_END_IO_NONE,
	RQ_END_IO_FREE,
};

struct request;
typedef enum rq_end_io_ret (rq_end_io_fn)(struct request *, blk_status_t);

struct request {
	struct request_queue *q;
	struct blk_mq_ctx *mq_ctx;	/* the submitting CPU's software queue */
	struct blk_mq_hw_ctx *mq_hctx;
	blk_opf_t cmd_flags;		/* op and common flags */
	int tag;
	unsigned int __data_len;	/* total data length, bytes */
	sector_t __sector;		/* sector cursor */
	struct bio *bio;
	struct bio *biotail;
	struct list_head queuelist;
	unsigned short nr_phys_segments;
	enum mq_rq_state state;
	u64 start_time_ns;
	u64 io_start_time_ns;
	struct list_head ipi_list;	/* on a CPU's blk_cpu_done list (Linux: an llist) */
	rq_end_io_fn *end_io;
	void *end_io_data;
	s64 __irqlab_origin;		/* irqlab: the origin of the completing interrupt */
};

struct blk_mq_ctx {
	unsigned int cpu;
	unsigned int index_hw;
	struct blk_mq_hw_ctx *hctxs[1];
};

struct blk_mq_hw_ctx {
	struct request_queue *queue;
	struct blk_mq_tags *tags;
	unsigned int queue_num;
	unsigned int nr_ctx;	/* software queues mapped here: every CPU's, with one hw queue */
	unsigned long flags;
	void *driver_data;
	unsigned long queued;
	unsigned long run;
};

struct blk_mq_tags {
	unsigned int nr_tags;
	unsigned int nr_reserved_tags;
	struct request **rqs;		/* by tag: the request started with it */
	struct request **static_rqs;	/* by tag: the preallocated request */
	void *__irqlab;			/* irqlab: free tags and their waiters */
};

struct blk_mq_queue_data {
	struct request *rq;
	bool last;
};

struct blk_mq_ops {
	/* Queue a new request; BLK_STS_RESOURCE / BLK_STS_DEV_RESOURCE: busy, retry later. */
	blk_status_t (*queue_rq)(struct blk_mq_hw_ctx *, const struct blk_mq_queue_data *);
	/* Ring the doorbell for requests queued with bd->last false. */
	void (*commit_rqs)(struct blk_mq_hw_ctx *);
	/* End a completed request (from BLOCK_SOFTIRQ, or wherever blk_mq_complete_request is). */
	void (*complete)(struct request *);
};

enum {
	BLK_MQ_F_SHOULD_MERGE = 1 << 0,
	BLK_MQ_F_TAG_QUEUE_SHARED = 1 << 1,
	BLK_MQ_F_BLOCKING = 1 << 5,	/* queue_rq may sleep */
	BLK_MQ_F_NO_SCHED = 1 << 6,
};

struct blk_mq_tag_set {
	const struct blk_mq_ops *ops;
	unsigned int nr_maps;
	unsigned int nr_hw_queues;	/* irqlab: must be 1 */
	unsigned int queue_depth;	/* tags (requests in flight at once) */
	unsigned int reserved_tags;
	unsigned int cmd_size;		/* driver data after each request (blk_mq_rq_to_pdu) */
	int numa_node;
	unsigned int timeout;
	unsigned int flags;
	void *driver_data;
	struct blk_mq_tags **tags;	/* one per hardware queue */
	struct list_head tag_list;
};

/* blk_mq_req_flags_t */
typedef unsigned int blk_mq_req_flags_t;
#define BLK_MQ_REQ_NOWAIT	((blk_mq_req_flags_t)(1 << 0))	/* no sleeping for a tag */
#define BLK_MQ_REQ_RESERVED	((blk_mq_req_flags_t)(1 << 1))

static inline enum req_op req_op(const struct request *req)
{
	return (enum req_op)(req->cmd_flags & REQ_OP_MASK);
}

static inline sector_t blk_rq_pos(const struct request *rq)
{
	return rq->__sector;
}

static inline unsigned int blk_rq_bytes(const struct request *rq)
{
	return rq->__data_len;
}

static inline unsigned int blk_rq_sectors(const struct request *rq)
{
	return blk_rq_bytes(rq) >> SECTOR_SHIFT;
}

static inline enum mq_rq_state blk_mq_rq_state(struct request *rq)
{
	return rq->state;
}

#define rq_data_dir(rq)	(op_is_write(req_op(rq)) ? 1 : 0)	/* WRITE : READ */
#define rq_dma_dir(rq)	(op_is_write(req_op(rq)) ? DMA_TO_DEVICE : DMA_FROM_DEVICE)

/* The driver's data behind a request (tag_set.cmd_size bytes), and back. */
static inline void *blk_mq_rq_to_pdu(struct request *rq)
{
	return rq + 1;
}

static inline struct request *blk_mq_rq_from_pdu(void *pdu)
{
	return (struct request *)pdu - 1;
}

__IRQLAB_EXTERN_C_BEGIN
int blk_mq_alloc_tag_set(struct blk_mq_tag_set *set);
void blk_mq_free_tag_set(struct blk_mq_tag_set *set);
struct gendisk *__blk_mq_alloc_disk(struct blk_mq_tag_set *set, struct queue_limits *lim, void *queuedata,
				    struct lock_class_key *lkclass);
struct request *blk_mq_alloc_request(struct request_queue *q, blk_opf_t opf, blk_mq_req_flags_t flags);
void blk_mq_free_request(struct request *rq);
struct request *blk_mq_tag_to_rq(struct blk_mq_tags *tags, unsigned int tag);
void blk_mq_start_request(struct request *rq);
void blk_mq_end_request(struct request *rq, blk_status_t error);
void __blk_mq_end_request(struct request *rq, blk_status_t error);
bool blk_update_request(struct request *rq, blk_status_t error, unsigned int nr_bytes);
void blk_mq_complete_request(struct request *rq);
bool blk_mq_complete_request_remote(struct request *rq);
blk_status_t blk_execute_rq(struct request *rq, bool at_head);
void blk_execute_rq_nowait(struct request *rq, bool at_head);
void blk_mq_run_hw_queues(struct request_queue *q, bool async);
__IRQLAB_EXTERN_C_END

/* A new disk with its queue on the tag set; an ERR_PTR on failure. */
#define blk_mq_alloc_disk(set, lim, queuedata) __blk_mq_alloc_disk(set, lim, queuedata, NULL)

#endif /* _LINUX_BLK_MQ_H */
