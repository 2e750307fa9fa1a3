/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block layer types (include/linux/blk_types.h): sector_t, the block status codes with
 * Linux's values, the request operations, and the bio. irqlab's bio carries one segment
 * of kernel memory (Linux's carries a vector of pages); bio_data() gives it.
 */
#ifndef _LINUX_BLK_TYPES_H
#define _LINUX_BLK_TYPES_H

#include <linux/types.h>

typedef u64 sector_t;

/* blk_status_t: what a request ended with (blk_status_to_errno() maps it). */
typedef u8 blk_status_t;
#define BLK_STS_OK		((blk_status_t)0)
#define BLK_STS_NOTSUPP		((blk_status_t)1)
#define BLK_STS_TIMEOUT		((blk_status_t)2)
#define BLK_STS_NOSPC		((blk_status_t)3)
#define BLK_STS_TRANSPORT	((blk_status_t)4)
#define BLK_STS_TARGET		((blk_status_t)5)
#define BLK_STS_RESV_CONFLICT	((blk_status_t)6)
#define BLK_STS_MEDIUM		((blk_status_t)7)	/* an unrecoverable medium error */
#define BLK_STS_PROTECTION	((blk_status_t)8)
#define BLK_STS_RESOURCE	((blk_status_t)9)	/* queue_rq: out of resources, retry */
#define BLK_STS_IOERR		((blk_status_t)10)	/* everything else */
#define BLK_STS_AGAIN		((blk_status_t)12)
#define BLK_STS_DEV_RESOURCE	((blk_status_t)13)	/* queue_rq: the device is busy, retry */
#define BLK_STS_OFFLINE		((blk_status_t)16)
#define BLK_STS_INVAL		((blk_status_t)19)

/* The operation is the low 8 bits of a request's cmd_flags; bit 0 set means "to the device". */
typedef u32 blk_opf_t;
enum req_op {
	REQ_OP_READ = 0,
	REQ_OP_WRITE = 1,
	REQ_OP_FLUSH = 2,
	REQ_OP_DISCARD = 3,
};
#define REQ_OP_BITS	8
#define REQ_OP_MASK	((1 << REQ_OP_BITS) - 1)

static inline bool op_is_write(blk_opf_t op)
{
	return op & 1;
}

struct bio;
struct block_device;
typedef void (bio_end_io_t)(struct bio *);

struct bvec_iter {
	sector_t bi_sector;	/* device address in 512-byte sectors */
	unsigned int bi_size;	/* residual I/O count, bytes */
};

struct bio {
	struct bio *bi_next;
	struct block_device *bi_bdev;
	blk_opf_t bi_opf;
	blk_status_t bi_status;
	struct bvec_iter bi_iter;
	bio_end_io_t *bi_end_io;
	void *bi_private;
	void *__irqlab_data;	/* irqlab: the one segment, in kernel memory */
};

static inline void *bio_data(struct bio *bio)
{
	return bio->__irqlab_data;
}

static inline enum req_op bio_op(const struct bio *bio)
{
	return (enum req_op)(bio->bi_opf & REQ_OP_MASK);
}

__IRQLAB_EXTERN_C_BEGIN
/* Submits the bio and sleeps (TASK_UNINTERRUPTIBLE, as I/O wait) until it ends; its errno. */
int submit_bio_wait(struct bio *bio);
void submit_bio(struct bio *bio);
void bio_endio(struct bio *bio);
int blk_status_to_errno(blk_status_t status);
const char *blk_status_to_str(blk_status_t status);
const char *blk_op_str(enum req_op op);
__IRQLAB_EXTERN_C_END

#endif /* _LINUX_BLK_TYPES_H */
