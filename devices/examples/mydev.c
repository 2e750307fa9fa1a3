// SPDX-License-Identifier: GPL-2.0
/*
 * mydev: seed 004's complete example driver (devices/examples/README.md), on the mydev
 * receive device (mydev.hpp). The hardirq drains the device's FIFO into a 256-entry ring
 * and schedules a tasklet; the tasklet processes the ring, wakes readers and re-enables
 * the device's interrupt; remove() disables the interrupt and kills the tasklet.
 *
 * What the seed leaves out, added here so the example runs: process_rx_data() (it keeps
 * each word for readers, spending "process-cost" per word), a character device /dev/mydevN
 * whose read() sleeps on rx_wait until processed words are there and returns them as
 * decimal lines, and the platform_driver itself. The device property "bug" turns on one
 * of the seed's Don'ts: "sleep-in-tasklet" (msleep(10) in the tasklet) or
 * "no-tasklet-kill" (remove() without tasklet_kill()).
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/cdev.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define IRQ_STATUS	0x00
#define IRQ_CTRL	0x04
#define IRQ_CLEAR	0x08
#define RX_FIFO_COUNT	0x0c
#define RX_DATA		0x10
#define RX_IRQ		BIT(0)
#define IRQ_ENABLE	BIT(0)

#define MYDEV_MINORS	8

struct my_device {
	void __iomem *regs;
	struct tasklet_struct tasklet;
	spinlock_t lock;
	u32 rx_buffer[256];
	int rx_head;
	int rx_tail;
	wait_queue_head_t rx_wait;
	/* irqlab: what the seed leaves out */
	u32 processed[256];	/* words process_rx_data() kept for readers */
	int proc_head;
	int proc_tail;
	u32 process_cost;	/* ns per word */
	bool sleep_in_tasklet;
	bool no_tasklet_kill;
	struct cdev cdev;
	dev_t devt;
};

static struct class *mydev_class;
static dev_t mydev_base;

/* Keep a word for readers (the seed's process_rx_data(), which it does not show). */
static void process_rx_data(struct my_device *dev, u32 data)
{
	int next = (dev->proc_head + 1) % 256;

	if (dev->process_cost)
		ndelay(dev->process_cost);
	if (next == dev->proc_tail)
		return;		/* readers are behind: drop it */
	dev->processed[dev->proc_head] = data;
	dev->proc_head = next;
}

/* Tasklet function - softirq context, cannot sleep */
static void rx_tasklet_func(struct tasklet_struct *t)
{
	struct my_device *dev = from_tasklet(dev, t, tasklet);
	unsigned long flags;
	u32 data;

	if (dev->sleep_in_tasklet)
		msleep(10); /* BAD! (the seed's Don't) */
	spin_lock_irqsave(&dev->lock, flags);
	/* Process all available data */
	while (dev->rx_head != dev->rx_tail) {
		data = dev->rx_buffer[dev->rx_tail];
		dev->rx_tail = (dev->rx_tail + 1) % 256;
		spin_unlock_irqrestore(&dev->lock, flags);
		/* Process this item (still in softirq context) */
		process_rx_data(dev, data);
		spin_lock_irqsave(&dev->lock, flags);
	}
	spin_unlock_irqrestore(&dev->lock, flags);
	/* Wake up readers */
	wake_up_interruptible(&dev->rx_wait);
	/* Re-enable device interrupt */
	writel(IRQ_ENABLE, dev->regs + IRQ_CTRL);
}

/* Interrupt handler - hardirq context */
static irqreturn_t my_irq_handler(int irq, void *dev_id)
{
	struct my_device *dev = dev_id;
	unsigned long flags;
	u32 status;

	status = readl(dev->regs + IRQ_STATUS);
	if (!(status & RX_IRQ))
		return IRQ_NONE;
	/* Disable interrupt until tasklet processes */
	writel(0, dev->regs + IRQ_CTRL);
	/* Acknowledge */
	writel(RX_IRQ, dev->regs + IRQ_CLEAR);
	/* Read all available data into buffer */
	spin_lock_irqsave(&dev->lock, flags);
	while (readl(dev->regs + RX_FIFO_COUNT)) {
		int next = (dev->rx_head + 1) % 256;
		if (next == dev->rx_tail) {
			/* Buffer full - drop data */
			readl(dev->regs + RX_DATA); /* Discard */
			continue;
		}
		dev->rx_buffer[dev->rx_head] = readl(dev->regs + RX_DATA);
		dev->rx_head = next;
	}
	spin_unlock_irqrestore(&dev->lock, flags);
	/* Schedule tasklet */
	tasklet_schedule(&dev->tasklet);
	return IRQ_HANDLED;
}

/* read(): sleep until processed words are there, then return them, one per line. */
static ssize_t mydev_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	struct my_device *dev = file->private_data;
	char text[256];
	size_t n = 0;

	if (wait_event_interruptible(dev->rx_wait, dev->proc_head != dev->proc_tail))
		return -ERESTARTSYS;
	while (dev->proc_head != dev->proc_tail && n + 12 < sizeof(text) && n + 12 < len) {
		n += snprintf(text + n, sizeof(text) - n, "%u\n", dev->processed[dev->proc_tail]);
		dev->proc_tail = (dev->proc_tail + 1) % 256;
	}
	if (copy_to_user(buf, text, n))
		return -EFAULT;
	return n;
}

static int mydev_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct my_device, cdev);
	return 0;
}

static const struct file_operations mydev_fops = {
	.owner = THIS_MODULE,
	.open = mydev_open,
	.read = mydev_read,
};

static int my_probe(struct platform_device *pdev)
{
	struct my_device *dev;
	const char *bug;
	struct device *node;
	int irq, ret;

	dev = devm_kzalloc(&pdev->dev, sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	spin_lock_init(&dev->lock);
	init_waitqueue_head(&dev->rx_wait);
	tasklet_setup(&dev->tasklet, rx_tasklet_func);
	device_property_read_u32(&pdev->dev, "process-cost", &dev->process_cost);
	if (!device_property_read_string(&pdev->dev, "bug", &bug)) {
		dev->sleep_in_tasklet = !strcmp(bug, "sleep-in-tasklet");
		dev->no_tasklet_kill = !strcmp(bug, "no-tasklet-kill");
	}
	dev->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(dev->regs))
		return PTR_ERR(dev->regs);
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	ret = devm_request_irq(&pdev->dev, irq, my_irq_handler,
			       0, "mydev", dev);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, dev);

	/* irqlab: the readers' side, /dev/mydevN */
	dev->devt = MKDEV(MAJOR(mydev_base), pdev->id);
	cdev_init(&dev->cdev, &mydev_fops);
	ret = cdev_add(&dev->cdev, dev->devt, 1);
	if (ret)
		return ret;
	node = device_create(mydev_class, &pdev->dev, dev->devt, dev, "mydev%d", pdev->id);
	if (IS_ERR(node)) {
		cdev_del(&dev->cdev);
		return PTR_ERR(node);
	}
	/* Let the device interrupt us. */
	writel(IRQ_ENABLE, dev->regs + IRQ_CTRL);
	dev_info(&pdev->dev, "irq %d, /dev/mydev%d\n", irq, pdev->id);
	return 0;
}

static void my_remove(struct platform_device *pdev)
{
	struct my_device *dev = platform_get_drvdata(pdev);

	device_destroy(mydev_class, dev->devt);
	cdev_del(&dev->cdev);
	/* Disable hardware interrupts first */
	writel(0, dev->regs + IRQ_CTRL);
	/* Kill tasklet - waits for completion */
	if (!dev->no_tasklet_kill)
		tasklet_kill(&dev->tasklet);
	/* (with "no-tasklet-kill": the seed's Don't: "Tasklet might still be scheduled!") */
}

static struct platform_driver my_driver = {
	.probe = my_probe,
	.remove = my_remove,
	.driver = {
		.name = "mydev",
	},
};

static int __init mydev_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&mydev_base, 0, MYDEV_MINORS, "mydev");
	if (ret)
		return ret;
	mydev_class = class_create("mydev");
	if (IS_ERR(mydev_class)) {
		unregister_chrdev_region(mydev_base, MYDEV_MINORS);
		return PTR_ERR(mydev_class);
	}
	ret = platform_driver_register(&my_driver);
	if (ret) {
		class_destroy(mydev_class);
		unregister_chrdev_region(mydev_base, MYDEV_MINORS);
	}
	return ret;
}

static void __exit mydev_exit(void)
{
	platform_driver_unregister(&my_driver);
	class_destroy(mydev_class);
	unregister_chrdev_region(mydev_base, MYDEV_MINORS);
}

module_init(mydev_init);
module_exit(mydev_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Seed 004's tasklet receive driver");
