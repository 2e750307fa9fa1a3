// SPDX-License-Identifier: GPL-2.0
/*
 * vdisk: the driver of the disk controller (devices/disk/README.md), a blk-mq driver in
 * the shape of virtio-blk: one hardware queue whose tags are the controller's command
 * slots, and a gendisk, /dev/vdN.
 *
 *   queue_rq   blk_mq_start_request(), map the request's data for DMA, write the command
 *              into the slot of the request's tag, ring the doorbell
 *   hardirq    read ISR (nothing: not ours), acknowledge it, then reap: each DONE bit is a
 *              finished slot; read its STATUS, free the slot, and complete the request
 *   complete   unmap the data, blk_mq_end_request() with the status
 *
 * Where a request is completed is the device property "completion":
 *   softirq    (the default) the hardirq calls blk_mq_complete_request(): with one hardware
 *              queue and more than one CPU, ->complete runs in BLOCK_SOFTIRQ (on the
 *              interrupted CPU, or by IPI on the submitting one with rq_affinity 2); on a
 *              one-CPU machine blk-mq calls it right there, in the hardirq
 *   hardirq    the hardirq calls ->complete itself (virtio-blk and NVMe do this whenever
 *              blk_mq_complete_request_remote() says the request is local)
 *   thread     the hardirq only acknowledges and wakes its thread (request_threaded_irq),
 *              which reaps and ends the requests in process context, where it may sleep
 * and "rq-affinity" (0, 1, 2) plays /sys/block/vdN/queue/rq_affinity.
 *
 * remove() logs where its requests were completed: "vda: 8 requests completed (8 in
 * BLOCK softirq, 0 in hardirq, 0 in an irq thread), 0 errors".
 */
#include <linux/atomic.h>
#include <linux/blk-mq.h>
#include <linux/blkdev.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/hardirq.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>

#define VDISK_MAGIC		0x000
#define VDISK_CAPACITY_LO	0x004
#define VDISK_CAPACITY_HI	0x008
#define VDISK_QUEUE_DEPTH	0x00c
#define VDISK_CTRL		0x010
#define VDISK_ISR		0x014
#define VDISK_MAX_SECTORS	0x020
#define VDISK_DONE(w)		(0x040 + 4 * (w))	/* RW1C: finished slots 32w .. 32w+31 */
#define VDISK_DOORBELL		0x060
#define VDISK_SLOT(tag)		(0x100 + 0x20 * (tag))
#define VDISK_SLOT_LBA_LO	0x00
#define VDISK_SLOT_LBA_HI	0x04
#define VDISK_SLOT_COUNT	0x08
#define VDISK_SLOT_OP		0x0c
#define VDISK_SLOT_DMA_LO	0x10
#define VDISK_SLOT_DMA_HI	0x14
#define VDISK_SLOT_STATUS	0x18

#define VDISK_MAGIC_VALUE	0x4b534456	/* "VDSK" */
#define VDISK_CTRL_ENABLE	BIT(0)		/* doorbells are taken */
#define VDISK_CTRL_IRQ_ENABLE	BIT(1)		/* ISR raises the interrupt */
#define VDISK_ISR_CMD_DONE	BIT(0)		/* a command finished */
#define VDISK_OP_WRITE		BIT(0)
#define VDISK_STATUS_OK		2
#define VDISK_STATUS_MEDIUM	3		/* a sector could not be read or written */

#define VDISK_MINORS		16		/* per disk, as virtio-blk (partitions) */
#define VDISK_MAX_DEPTH		256

enum vdisk_completion { VDISK_COMPLETE_SOFTIRQ, VDISK_COMPLETE_HARDIRQ, VDISK_COMPLETE_THREAD };

/* The driver's data behind each request (tag_set.cmd_size). */
struct vdisk_cmd {
	dma_addr_t dma;
	blk_status_t status;
};

struct vdisk {
	struct device *dev;
	void __iomem *base;
	int irq;
	enum vdisk_completion completion;
	struct blk_mq_tag_set tag_set;
	struct gendisk *disk;
	atomic_t done_softirq, done_hardirq, done_thread, errors;
};

static int vdisk_major;

static void vdisk_complete_rq(struct request *rq);

static inline u32 vdisk_lo(u64 v) { return (u32)v; }
static inline u32 vdisk_hi(u64 v) { return (u32)(v >> 32); }

static blk_status_t vdisk_queue_rq(struct blk_mq_hw_ctx *hctx, const struct blk_mq_queue_data *bd)
{
	struct vdisk *vd = hctx->queue->queuedata;
	struct request *rq = bd->rq;
	struct vdisk_cmd *cmd = blk_mq_rq_to_pdu(rq);
	void __iomem *slot = vd->base + VDISK_SLOT(rq->tag);

	if (!rq->bio)
		return BLK_STS_IOERR;
	blk_mq_start_request(rq);
	cmd->dma = dma_map_single(vd->dev, bio_data(rq->bio), blk_rq_bytes(rq), rq_dma_dir(rq));
	if (dma_mapping_error(vd->dev, cmd->dma))
		return BLK_STS_IOERR;
	writel(vdisk_lo(blk_rq_pos(rq)), slot + VDISK_SLOT_LBA_LO);
	writel(vdisk_hi(blk_rq_pos(rq)), slot + VDISK_SLOT_LBA_HI);
	writel(blk_rq_sectors(rq), slot + VDISK_SLOT_COUNT);
	writel(op_is_write(req_op(rq)) ? VDISK_OP_WRITE : 0, slot + VDISK_SLOT_OP);
	writel(vdisk_lo(cmd->dma), slot + VDISK_SLOT_DMA_LO);
	writel(vdisk_hi(cmd->dma), slot + VDISK_SLOT_DMA_HI);
	writel(rq->tag, vd->base + VDISK_DOORBELL);
	return BLK_STS_OK;
}

static blk_status_t vdisk_status(u32 status)
{
	switch (status) {
	case VDISK_STATUS_OK:
		return BLK_STS_OK;
	case VDISK_STATUS_MEDIUM:
		return BLK_STS_MEDIUM;
	default:
		return BLK_STS_IOERR;
	}
}

/*
 * Each DONE bit is a finished slot: its STATUS, then free the slot (the word's bits are
 * written back at once), then complete the request. The block layer's tag stays taken
 * until the request ends, so the slot is not reused before that.
 */
static void vdisk_reap(struct vdisk *vd)
{
	unsigned int words = DIV_ROUND_UP(vd->tag_set.queue_depth, 32);
	unsigned int w;

	for (w = 0; w < words; w++) {
		u32 done = readl(vd->base + VDISK_DONE(w));
		u32 left = done;

		if (!done)
			continue;
		while (left) {
			unsigned int tag = w * 32 + __ffs(left);
			struct request *rq = blk_mq_tag_to_rq(vd->tag_set.tags[0], tag);
			struct vdisk_cmd *cmd;

			left &= left - 1;
			if (!rq)
				continue;
			cmd = blk_mq_rq_to_pdu(rq);
			cmd->status = vdisk_status(readl(vd->base + VDISK_SLOT(tag) + VDISK_SLOT_STATUS));
			if (cmd->status)
				atomic_inc(&vd->errors);
		}
		writel(done, vd->base + VDISK_DONE(w));
		left = done;
		while (left) {
			unsigned int tag = w * 32 + __ffs(left);
			struct request *rq = blk_mq_tag_to_rq(vd->tag_set.tags[0], tag);

			left &= left - 1;
			if (!rq)
				continue;
			if (vd->completion == VDISK_COMPLETE_SOFTIRQ)
				blk_mq_complete_request(rq);
			else
				vdisk_complete_rq(rq);
		}
	}
}

/* The hard handler: acknowledge first, so a command finishing while we reap interrupts again. */
static irqreturn_t vdisk_irq(int irq, void *dev_id)
{
	struct vdisk *vd = dev_id;
	u32 isr = readl(vd->base + VDISK_ISR);

	if (!(isr & VDISK_ISR_CMD_DONE))
		return IRQ_NONE;	/* not ours: another device on a shared line */
	writel(isr, vd->base + VDISK_ISR);
	if (vd->completion == VDISK_COMPLETE_THREAD)
		return IRQ_WAKE_THREAD;
	vdisk_reap(vd);
	return IRQ_HANDLED;
}

/* The thread function: process context; a completion path that must sleep could. */
static irqreturn_t vdisk_irq_thread(int irq, void *dev_id)
{
	vdisk_reap(dev_id);
	return IRQ_HANDLED;
}

/* ->complete: in BLOCK_SOFTIRQ, or wherever the driver chose to end requests. */
static void vdisk_complete_rq(struct request *rq)
{
	struct vdisk *vd = rq->q->queuedata;
	struct vdisk_cmd *cmd = blk_mq_rq_to_pdu(rq);

	dma_unmap_single(vd->dev, cmd->dma, blk_rq_bytes(rq), rq_dma_dir(rq));
	if (in_serving_softirq())
		atomic_inc(&vd->done_softirq);
	else if (in_hardirq())
		atomic_inc(&vd->done_hardirq);
	else
		atomic_inc(&vd->done_thread);
	blk_mq_end_request(rq, cmd->status);
}

static const struct blk_mq_ops vdisk_mq_ops = {
	.queue_rq = vdisk_queue_rq,
	.complete = vdisk_complete_rq,
};

static const struct block_device_operations vdisk_fops = {
	.owner = THIS_MODULE,
};

/* string_get_size() with 3 significant digits: "1.07 GB", "512 MiB". */
static void vdisk_size_str(u64 bytes, unsigned int base, char *buf, size_t len)
{
	static const char *const units_10[] = { "B", "kB", "MB", "GB", "TB", "PB" };
	static const char *const units_2[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	const char *const *units = base == 1000 ? units_10 : units_2;
	u64 div = 1, h;
	int i = 0;

	while (i < 5 && bytes / div >= base) {
		div *= base;
		i++;
	}
	h = (bytes * 100 + div / 2) / div;	/* hundredths */
	if (h >= 10000)
		snprintf(buf, len, "%llu %s", (unsigned long long)((h + 50) / 100), units[i]);
	else if (h >= 1000)	/* tenths */
		snprintf(buf, len, "%llu.%llu %s", (unsigned long long)((h + 5) / 100),
			 (unsigned long long)((h + 5) / 10 % 10), units[i]);
	else
		snprintf(buf, len, "%llu.%02llu %s", (unsigned long long)(h / 100), (unsigned long long)(h % 100),
			 units[i]);
}

static int vdisk_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct queue_limits lim = { 0 };
	char cap10[32], cap2[32];
	const char *str;
	struct vdisk *vd;
	sector_t capacity;
	u32 depth;
	int ret;

	vd = devm_kzalloc(dev, sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return -ENOMEM;
	vd->dev = dev;
	vd->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(vd->base))
		return PTR_ERR(vd->base);
	if (readl(vd->base + VDISK_MAGIC) != VDISK_MAGIC_VALUE)
		return dev_err_probe(dev, -ENODEV, "no disk controller here\n");
	vd->irq = platform_get_irq(pdev, 0);
	if (vd->irq < 0)
		return vd->irq;
	if (!device_property_read_string(dev, "completion", &str)) {
		if (!strcmp(str, "hardirq"))
			vd->completion = VDISK_COMPLETE_HARDIRQ;
		else if (!strcmp(str, "thread"))
			vd->completion = VDISK_COMPLETE_THREAD;
	}
	capacity = ((sector_t)readl(vd->base + VDISK_CAPACITY_HI) << 32) | readl(vd->base + VDISK_CAPACITY_LO);
	depth = readl(vd->base + VDISK_QUEUE_DEPTH);
	if (!depth || depth > VDISK_MAX_DEPTH)
		return dev_err_probe(dev, -ENODEV, "queue depth %u\n", depth);

	/* The tag set: one hardware queue, a tag per command slot. */
	vd->tag_set.ops = &vdisk_mq_ops;
	vd->tag_set.nr_hw_queues = 1;
	vd->tag_set.queue_depth = depth;
	vd->tag_set.numa_node = NUMA_NO_NODE;
	vd->tag_set.cmd_size = sizeof(struct vdisk_cmd);
	vd->tag_set.driver_data = vd;
	ret = blk_mq_alloc_tag_set(&vd->tag_set);
	if (ret)
		return ret;
	lim.max_hw_sectors = readl(vd->base + VDISK_MAX_SECTORS);
	lim.logical_block_size = SECTOR_SIZE;
	vd->disk = blk_mq_alloc_disk(&vd->tag_set, &lim, vd);
	if (IS_ERR(vd->disk)) {
		ret = PTR_ERR(vd->disk);
		goto out_free_tags;
	}
	if (!device_property_read_string(dev, "rq-affinity", &str)) {
		if (!strcmp(str, "0")) {
			blk_queue_flag_clear(QUEUE_FLAG_SAME_COMP, vd->disk->queue);
			blk_queue_flag_clear(QUEUE_FLAG_SAME_FORCE, vd->disk->queue);
		} else if (!strcmp(str, "2")) {
			blk_queue_flag_set(QUEUE_FLAG_SAME_COMP, vd->disk->queue);
			blk_queue_flag_set(QUEUE_FLAG_SAME_FORCE, vd->disk->queue);
		}
	}
	vd->disk->major = vdisk_major;
	vd->disk->first_minor = pdev->id * VDISK_MINORS;
	vd->disk->minors = VDISK_MINORS;
	vd->disk->fops = &vdisk_fops;
	vd->disk->private_data = vd;
	snprintf(vd->disk->disk_name, DISK_NAME_LEN, "vd%c", 'a' + pdev->id);
	set_capacity(vd->disk, capacity);

	if (vd->completion == VDISK_COMPLETE_THREAD)
		ret = devm_request_threaded_irq(dev, vd->irq, vdisk_irq, vdisk_irq_thread,
						IRQF_SHARED, dev_name(dev), vd);
	else
		ret = devm_request_irq(dev, vd->irq, vdisk_irq, IRQF_SHARED, dev_name(dev), vd);
	if (ret) {
		dev_err_probe(dev, ret, "failed to request IRQ %d\n", vd->irq);
		goto out_put_disk;
	}
	platform_set_drvdata(pdev, vd);
	writel(VDISK_CTRL_ENABLE | VDISK_CTRL_IRQ_ENABLE, vd->base + VDISK_CTRL);
	ret = add_disk(vd->disk);
	if (ret)
		goto out_disable;

	/* virtblk_update_capacity()'s line */
	vdisk_size_str(capacity << SECTOR_SHIFT, 1000, cap10, sizeof(cap10));
	vdisk_size_str(capacity << SECTOR_SHIFT, 1024, cap2, sizeof(cap2));
	dev_notice(dev, "[%s] %llu %d-byte logical blocks (%s/%s)\n", vd->disk->disk_name,
		   (unsigned long long)capacity, SECTOR_SIZE, cap10, cap2);
	dev_info(dev, "irq %d, queue depth %u, completion in %s\n", vd->irq, depth,
		 vd->completion == VDISK_COMPLETE_THREAD ? "an irq thread" :
		 vd->completion == VDISK_COMPLETE_HARDIRQ ? "the hardirq" : "BLOCK_SOFTIRQ");
	return 0;

out_disable:
	writel(0, vd->base + VDISK_CTRL);
out_put_disk:
	put_disk(vd->disk);
out_free_tags:
	blk_mq_free_tag_set(&vd->tag_set);
	return ret;
}

static void vdisk_remove(struct platform_device *pdev)
{
	struct vdisk *vd = platform_get_drvdata(pdev);
	char name[DISK_NAME_LEN];

	/* del_gendisk() waits for the requests in flight: the interrupt must still work. */
	snprintf(name, sizeof(name), "%s", vd->disk->disk_name);
	del_gendisk(vd->disk);
	writel(0, vd->base + VDISK_CTRL);
	synchronize_irq(vd->irq);
	put_disk(vd->disk);
	blk_mq_free_tag_set(&vd->tag_set);
	dev_info(&pdev->dev,
		 "%s: %d requests completed (%d in BLOCK softirq, %d in hardirq, %d in an irq thread), %d errors\n",
		 name, atomic_read(&vd->done_softirq) + atomic_read(&vd->done_hardirq) + atomic_read(&vd->done_thread),
		 atomic_read(&vd->done_softirq), atomic_read(&vd->done_hardirq), atomic_read(&vd->done_thread),
		 atomic_read(&vd->errors));
}

static struct platform_driver vdisk_driver = {
	.probe = vdisk_probe,
	.remove = vdisk_remove,
	.driver = {
		.name = "disk",
	},
};

static int __init vdisk_init(void)
{
	int ret;

	vdisk_major = register_blkdev(0, "vdisk");
	if (vdisk_major < 0)
		return vdisk_major;
	ret = platform_driver_register(&vdisk_driver);
	if (ret)
		unregister_blkdev(vdisk_major, "vdisk");
	return ret;
}

static void __exit vdisk_exit(void)
{
	platform_driver_unregister(&vdisk_driver);
	unregister_blkdev(vdisk_major, "vdisk");
}

module_init(vdisk_init);
module_exit(vdisk_exit);

MODULE_DESCRIPTION("irqlab disk controller");
MODULE_LICENSE("GPL");
