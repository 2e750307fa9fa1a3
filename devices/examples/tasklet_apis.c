// SPDX-License-Identifier: GPL-2.0
/*
 * tasklet_apis: the two tasklet APIs of the seeds, side by side (devices/examples/README.md).
 *
 * Until Linux 5.9 a tasklet's function took an unsigned long, set once when the tasklet
 * was made: tasklet_init(t, func, data) (seeds 000 and 003) or DECLARE_TASKLET(name, func,
 * data) (seeds 001, 002 and 003). A driver passed its structure as that integer and cast
 * it back. 5.9 added the callback form: the function gets the tasklet itself and finds its
 * structure with from_tasklet() (container_of()), set with tasklet_setup(t, callback) or
 * DECLARE_TASKLET(name, callback), the form of seed 004. The old one is deprecated but
 * still in 6.12 as tasklet_init() and DECLARE_TASKLET_OLD(name, func), whose data is
 * always 0: 5.9 took the three-argument DECLARE_TASKLET away, so the seeds' static form
 * does not compile on 6.12 (irqlab accepts it, dispatching on the argument count).
 *
 * The driver binds to irqgen devices (its id table names them; load this module instead
 * of irqgen's): each interrupt schedules four tasklets, one made each way, and each says
 * what it was given. They run in the order they were scheduled, from one TASKLET_SOFTIRQ
 * pass at irq_exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

/* irqgen's registers (devices/irqgen/README.md) */
#define IRQGEN_STATUS		0x00
#define IRQGEN_CTRL		0x04
#define IRQGEN_ACK		0x08
#define IRQGEN_STATUS_PENDING	BIT(0)
#define IRQGEN_CTRL_ENABLE	BIT(0)

struct tasklet_apis {
	struct device *dev;
	void __iomem *base;
	int irq;
	unsigned long events;
	struct tasklet_struct old_tasklet;	/* tasklet_init(): func(unsigned long data) */
	struct tasklet_struct new_tasklet;	/* tasklet_setup(): callback(struct tasklet_struct *) */
};

/* Old API, static: DECLARE_TASKLET(name, func, data), the seeds' form before 5.9. */
static void old_static_func(unsigned long data)
{
	pr_info("DECLARE_TASKLET(old_static, old_static_func, 42): func(data) with data %lu\n", data);
}
static DECLARE_TASKLET(old_static, old_static_func, 42);

/* New API, static: DECLARE_TASKLET(name, callback) since 5.9; the callback gets the tasklet. */
static struct tasklet_struct new_static;
static void new_static_cb(struct tasklet_struct *t)
{
	pr_info("DECLARE_TASKLET(new_static, new_static_cb): callback(t), t %s &new_static\n",
		t == &new_static ? "==" : "!=");
}
static DECLARE_TASKLET(new_static, new_static_cb);

/* Old API, per device: the data word carries the driver's structure, cast both ways. */
static void old_dyn_func(unsigned long data)
{
	struct tasklet_apis *p = (struct tasklet_apis *)data;

	dev_info(p->dev, "tasklet_init(t, old_dyn_func, (unsigned long)p): data is p, event %lu\n", p->events);
}

/* New API, per device: from_tasklet() finds the structure the tasklet is embedded in. */
static void new_dyn_cb(struct tasklet_struct *t)
{
	struct tasklet_apis *p = from_tasklet(p, t, new_tasklet);

	dev_info(p->dev, "tasklet_setup(t, new_dyn_cb): from_tasklet(p, t, new_tasklet) is p, event %lu\n",
		 p->events);
}

static irqreturn_t tasklet_apis_isr(int irq, void *dev_id)
{
	struct tasklet_apis *p = dev_id;

	if (!(readl(p->base + IRQGEN_STATUS) & IRQGEN_STATUS_PENDING))
		return IRQ_NONE;
	writel(IRQGEN_STATUS_PENDING, p->base + IRQGEN_ACK);
	p->events++;
	tasklet_schedule(&old_static);
	tasklet_schedule(&new_static);
	tasklet_schedule(&p->old_tasklet);
	tasklet_schedule(&p->new_tasklet);
	return IRQ_HANDLED;
}

static int tasklet_apis_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct tasklet_apis *p;
	int ret;

	p = devm_kzalloc(dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->dev = dev;
	p->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(p->base))
		return PTR_ERR(p->base);
	p->irq = platform_get_irq(pdev, 0);
	if (p->irq < 0)
		return p->irq;
	tasklet_init(&p->old_tasklet, old_dyn_func, (unsigned long)p);
	tasklet_setup(&p->new_tasklet, new_dyn_cb);
	ret = devm_request_irq(dev, p->irq, tasklet_apis_isr, 0, dev_name(dev), p);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, p);
	writel(IRQGEN_CTRL_ENABLE, p->base + IRQGEN_CTRL);
	dev_info(dev, "irq %d, four tasklets\n", p->irq);
	return 0;
}

static void tasklet_apis_remove(struct platform_device *pdev)
{
	struct tasklet_apis *p = platform_get_drvdata(pdev);

	writel(0, p->base + IRQGEN_CTRL);
	synchronize_irq(p->irq);
	tasklet_kill(&p->old_tasklet);
	tasklet_kill(&p->new_tasklet);
}

static const struct platform_device_id tasklet_apis_ids[] = {
	{ .name = "irqgen" },
	{ }
};
MODULE_DEVICE_TABLE(platform, tasklet_apis_ids);

static struct platform_driver tasklet_apis_driver = {
	.probe = tasklet_apis_probe,
	.remove = tasklet_apis_remove,
	.driver = {
		.name = "tasklet_apis",
	},
	.id_table = tasklet_apis_ids,
};

static int __init tasklet_apis_init(void)
{
	return platform_driver_register(&tasklet_apis_driver);
}

/* The static tasklets are the module's: killed last, when no handler can schedule them. */
static void __exit tasklet_apis_exit(void)
{
	platform_driver_unregister(&tasklet_apis_driver);
	tasklet_kill(&old_static);
	tasklet_kill(&new_static);
	pr_info("unloaded\n");
}

module_init(tasklet_apis_init);
module_exit(tasklet_apis_exit);

MODULE_DESCRIPTION("The old and the new tasklet API side by side");
MODULE_LICENSE("GPL");
