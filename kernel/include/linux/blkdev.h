/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block devices (include/linux/blkdev.h, block/genhd.c), the part a blk-mq driver uses:
 * the gendisk with its request queue and limits, register_blkdev(), add_disk() and
 * del_gendisk(), and the queue flags that steer completion (rq_affinity).
 *
 * irqlab has no block special files, page cache or bio layer above the request queue:
 * add_disk() makes /dev/<disk_name> a node whose read() and write() submit a bio for the
 * file position and sleep until it ends (kernel/block/fops.cpp), which is what a buffered
 * read that misses the page cache, or an O_DIRECT one, comes down to.
 */
#ifndef _LINUX_BLKDEV_H
#define _LINUX_BLKDEV_H

#include <linux/types.h>
#include <linux/blk_types.h>
#include <linux/lockdep_types.h>

struct module;
struct device;
struct request_queue;
struct blk_mq_tag_set;
struct blk_mq_ops;
struct blk_mq_hw_ctx;

#define SECTOR_SHIFT		9
#define SECTOR_SIZE		(1 << SECTOR_SHIFT)
#define DISK_NAME_LEN		32
#define BLKDEV_MAJOR_MAX	512
#define BLK_SAFE_MAX_SECTORS	255	/* max_hw_sectors when a driver sets none */
#define BLK_DEF_MAX_SECTORS_CAP	2560u	/* max_sectors is at most this */

/* Queue flags (bit numbers in request_queue.queue_flags), in Linux's order. */
enum {
	QUEUE_FLAG_DYING,	/* queue being torn down */
	QUEUE_FLAG_NOMERGES,	/* disable merge attempts */
	QUEUE_FLAG_SAME_COMP,	/* complete on same CPU-group (rq_affinity 1) */
	QUEUE_FLAG_FAIL_IO,	/* fake timeout */
	QUEUE_FLAG_NOXMERGES,	/* no extended merges */
	QUEUE_FLAG_SAME_FORCE,	/* force complete on same CPU (rq_affinity 2) */
	QUEUE_FLAG_INIT_DONE,	/* queue is initialized */
	QUEUE_FLAG_STATS,	/* track IO start and completion times */
	QUEUE_FLAG_REGISTERED,	/* queue has been registered to a disk */
	QUEUE_FLAG_QUIESCED,	/* queue has been quiesced */
	QUEUE_FLAG_MAX
};
#define QUEUE_FLAG_MQ_DEFAULT	(1UL << QUEUE_FLAG_SAME_COMP)

struct queue_limits {
	unsigned int max_hw_sectors;	/* largest request the device takes, sectors */
	unsigned int max_sectors;	/* largest the block layer builds */
	unsigned int max_segments;
	unsigned int logical_block_size;
	unsigned int physical_block_size;
};

/* One per disk: the mq machinery (blk-mq.h), its limits and flags. */
struct request_queue {
	void *queuedata;		/* the driver's */
	const struct blk_mq_ops *mq_ops;
	struct blk_mq_tag_set *tag_set;
	struct blk_mq_hw_ctx *hctx;	/* irqlab: one hardware queue */
	unsigned int nr_hw_queues;
	unsigned long queue_flags;
	struct queue_limits limits;
	struct gendisk *disk;
	void *__irqlab;			/* irqlab: the queue's record (kernel/block) */
};

/* The whole-disk "partition" (irqlab has no partitions). */
struct block_device {
	dev_t bd_dev;
	struct gendisk *bd_disk;
	sector_t bd_nr_sectors;
};

/* blk_mode_t: how the device is opened. */
typedef unsigned int blk_mode_t;
#define BLK_OPEN_READ	((blk_mode_t)(1 << 0))
#define BLK_OPEN_WRITE	((blk_mode_t)(1 << 1))

struct block_device_operations {
	struct module *owner;
	int (*open)(struct gendisk *disk, blk_mode_t mode);
	void (*release)(struct gendisk *disk);
};

/* gendisk.state bits */
#define GD_DEAD		2
#define GD_ADDED	4

struct gendisk {
	int major;
	int first_minor;
	int minors;
	char disk_name[DISK_NAME_LEN];
	struct block_device *part0;
	const struct block_device_operations *fops;
	struct request_queue *queue;
	void *private_data;
	int flags;
	unsigned long state;
	struct block_device __irqlab_part0;	/* irqlab: part0's storage */
};

static inline sector_t get_capacity(struct gendisk *disk)
{
	return disk->part0->bd_nr_sectors;
}

__IRQLAB_EXTERN_C_BEGIN
/* Major 0 asks for a dynamic one (254 down); the major, or -EBUSY / -EINVAL. */
int __register_blkdev(unsigned int major, const char *name, void (*probe)(dev_t devt));
void unregister_blkdev(unsigned int major, const char *name);
void set_capacity(struct gendisk *disk, sector_t size);
int device_add_disk(struct device *parent, struct gendisk *disk, const void *groups);
void del_gendisk(struct gendisk *disk);
void put_disk(struct gendisk *disk);
void blk_queue_flag_set(unsigned int flag, struct request_queue *q);
void blk_queue_flag_clear(unsigned int flag, struct request_queue *q);
__IRQLAB_EXTERN_C_END

#define register_blkdev(major, name) __register_blkdev(major, name, NULL)

static inline int add_disk(struct gendisk *disk)
{
	return device_add_disk(NULL, disk, NULL);
}

#endif /* _LINUX_BLKDEV_H */
