// SPDX-License-Identifier: GPL-2.0
/*
 * workqueue_example: seed 003's "Workqueues" section as a driver (devices/examples/README.md).
 *
 * The seed's calls, as it writes them: my_workqueue = alloc_workqueue("my_wq", WQ_UNBOUND, 1)
 * when the module loads, INIT_WORK(&my_work, my_work_function), queue_work(my_workqueue,
 * &my_work), and flush_workqueue() then destroy_workqueue() when it unloads. The seed has
 * one work item and no device; here the workqueue is the module's and each device (an
 * irqgen: the id table names it, load this module instead of irqgen's) has its own work
 * item, which its hard handler queues after acknowledging the device. The work function
 * does the device's "bh-cost" of work, then sleeps "bh-sleep" (usleep_range()), which a
 * work item may do. For comparison, a device whose "bottom-half" is "unbound-work" has its
 * item queued on system_unbound_wq instead (max_active WQ_MAX_ACTIVE, 512).
 *
 * The seed calls the 1 "the maximum number of worker threads for the workqueue". It is
 * max_active: how many of the workqueue's work items may run at once (for an unbound
 * workqueue, in the whole system since 6.9). The threads are kworkers of the shared
 * unbound pools, as many as they need to be.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>

/* irqgen's registers (devices/irqgen/README.md) */
#define IRQGEN_STATUS		0x00
#define IRQGEN_CTRL		0x04
#define IRQGEN_ACK		0x08
#define IRQGEN_STATUS_PENDING	BIT(0)
#define IRQGEN_CTRL_ENABLE	BIT(0)

static struct workqueue_struct *my_workqueue;

struct my_device {
	struct device *dev;
	void __iomem *base;
	int irq;
	u32 cost;	/* ns of work */
	u32 sleep;	/* ns of sleep */
	struct workqueue_struct *wq;	/* my_workqueue, or system_unbound_wq to compare */
	struct work_struct my_work;
};

static void my_work_function(struct work_struct *work)
{
	struct my_device *d = from_work(d, work, my_work);

	dev_info(d->dev, "my_work_function starts in %s\n", current->comm);
	if (d->cost)
		ndelay(d->cost);
	if (d->sleep)
		usleep_range(d->sleep / 1000, d->sleep / 1000);
	dev_info(d->dev, "my_work_function done\n");
}

static irqreturn_t my_interrupt_handler(int irq, void *dev_id)
{
	struct my_device *d = dev_id;

	if (!(readl(d->base + IRQGEN_STATUS) & IRQGEN_STATUS_PENDING))
		return IRQ_NONE;
	writel(IRQGEN_STATUS_PENDING, d->base + IRQGEN_ACK);
	queue_work(d->wq, &d->my_work);
	return IRQ_HANDLED;
}

static int my_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct my_device *d;
	const char *bh;
	int ret;

	d = devm_kzalloc(dev, sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->dev = dev;
	d->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(d->base))
		return PTR_ERR(d->base);
	d->irq = platform_get_irq(pdev, 0);
	if (d->irq < 0)
		return d->irq;
	device_property_read_u32(dev, "bh-cost", &d->cost);
	device_property_read_u32(dev, "bh-sleep", &d->sleep);
	d->wq = my_workqueue;
	if (!device_property_read_string(dev, "bottom-half", &bh) && !strcmp(bh, "unbound-work"))
		d->wq = system_unbound_wq;
	INIT_WORK(&d->my_work, my_work_function);
	ret = devm_request_irq(dev, d->irq, my_interrupt_handler, 0, dev_name(dev), d);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, d);
	writel(IRQGEN_CTRL_ENABLE, d->base + IRQGEN_CTRL);
	return 0;
}

/* Nothing of ours may run once remove() returns: quiet the device, then wait for the work. */
static void my_remove(struct platform_device *pdev)
{
	struct my_device *d = platform_get_drvdata(pdev);

	writel(0, d->base + IRQGEN_CTRL);
	synchronize_irq(d->irq);
	cancel_work_sync(&d->my_work);
}

static const struct platform_device_id my_ids[] = {
	{ .name = "irqgen" },
	{ }
};
MODULE_DEVICE_TABLE(platform, my_ids);

static struct platform_driver my_driver = {
	.probe = my_probe,
	.remove = my_remove,
	.driver = {
		.name = "workqueue_example",
	},
	.id_table = my_ids,
};

static int __init my_module_init(void)
{
	int ret;

	my_workqueue = alloc_workqueue("my_wq", WQ_UNBOUND, 1);
	if (!my_workqueue)
		return -ENOMEM;
	ret = platform_driver_register(&my_driver);
	if (ret)
		destroy_workqueue(my_workqueue);
	return ret;
}

static void __exit my_module_exit(void)
{
	platform_driver_unregister(&my_driver);
	flush_workqueue(my_workqueue);	/* Wait for all pending work items to complete */
	destroy_workqueue(my_workqueue);	/* Cleanup and destroy the workqueue */
	pr_info("my_wq destroyed\n");
}

module_init(my_module_init);
module_exit(my_module_exit);

MODULE_DESCRIPTION("Seed 003's workqueue example on irqgen devices");
MODULE_LICENSE("GPL");
