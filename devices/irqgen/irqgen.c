// SPDX-License-Identifier: GPL-2.0
/*
 * irqgen: the driver of the programmable interrupt source (devices/irqgen/README.md).
 *
 * A textbook platform driver: map the registers, request the IRQ, enable the device.
 * The hard handler checks STATUS first, because on a shared line the interrupt may be
 * another device's (IRQ_NONE then), and acknowledges the device, so a level line drops.
 *
 * How it requests its line comes from device properties the scenario sets: "shared",
 * "oneshot", "threaded" (acknowledge in a thread function), "primary" (with "threaded":
 * its own primary handler that defers to the thread; without it the primary is NULL and
 * the core's default one is used, which needs IRQF_ONESHOT), "handler-cost" and
 * "thread-cost" (ns of work), "bottom-half" (the hard handler acknowledges and defers the
 * rest to a tasklet, a work item on system_wq, system_highpri_wq or system_unbound_wq, or
 * a BH work item: "tasklet", "work", "highpri-work", "unbound-work", "bh-work"), which
 * spends "bh-cost" ns and then sleeps "bh-sleep" ns (legal in a work item, a bug in a
 * tasklet), and two bugs to demonstrate: "no-ack" (the handler claims the interrupt
 * without acknowledging it) and "no-bh-sync" (remove() forgets to wait for the bottom half).
 *
 * For the lessons about the API itself: "bottom-half" "hi-tasklet" (tasklet_hi_schedule(),
 * HI_SOFTIRQ), "unmanaged" (request_irq() in probe and free_irq() in remove instead of
 * devm_request_irq()), "log-context" (each handler logs in_interrupt(), in_serving_softirq(),
 * in_task() and the task it runs on), "bh-mutex" and "bh-alloc" (the bottom half takes a
 * mutex, or allocates with GFP_KERNEL or GFP_ATOMIC), and more bugs: "no-free-irq"
 * (request_irq() without free_irq()), "no-status-check" (seed 003's handler: IRQ_HANDLED
 * without asking the device) and "bad-return" (the handler returns -EIO, or IRQ_WAKE_THREAD
 * with no thread function).
 */
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#define IRQGEN_STATUS		0x00
#define IRQGEN_CTRL		0x04
#define IRQGEN_ACK		0x08
#define IRQGEN_COUNT		0x0c
#define IRQGEN_STATUS_PENDING	BIT(0)	/* an event waits for us */
#define IRQGEN_CTRL_ENABLE	BIT(0)	/* events raise the interrupt */

struct irqgen {
	struct device *dev;
	void __iomem *base;
	int irq;
	u32 handler_cost;	/* ns */
	u32 thread_cost;	/* ns */
	bool no_ack;
	bool no_bh_sync;
	const char *bottom_half;	/* NULL: none */
	struct workqueue_struct *wq;	/* the work item's queue (NULL: a tasklet) */
	u32 bh_cost;		/* ns */
	u32 bh_sleep;		/* ns */
	struct tasklet_struct bh;
	struct work_struct work;
	unsigned long handled;
	spinlock_t lock;	/* protects bh_runs: the bottom half counts, readers take it too */
	unsigned long bh_runs;
	bool hi;		/* "hi-tasklet": tasklet_hi_schedule() */
	bool unmanaged;		/* request_irq() and free_irq(), not devm_request_irq() */
	bool no_free_irq;	/* bug: unmanaged, and remove() forgets free_irq() */
	bool no_status_check;	/* bug: IRQ_HANDLED without reading STATUS */
	const char *bad_return;	/* bug: "errno" or "wake-thread"; NULL: none */
	bool log_context;
	bool bh_mutex;
	struct mutex mutex;	/* "bh-mutex": what the bottom half takes */
	const char *bh_alloc;	/* "gfp-kernel", "gfp-atomic"; NULL: no allocation */
};

/*
 * Where does this code run? What a driver author prints to find out: the context
 * predicates of <linux/preempt.h>, the CPU and the task that is current.
 */
static void irqgen_log_context(struct irqgen *g, const char *where)
{
	if (!g->log_context)
		return;
	dev_info(g->dev, "%s: in_interrupt() %d, in_serving_softirq() %d, in_task() %d; CPU%d, current %s/%d, preempt_count %#x\n",
		 where, !!in_interrupt(), !!in_serving_softirq(), !!in_task(), raw_smp_processor_id(),
		 current->comm, current->pid, preempt_count());
}

/* Does this device want attention? Reading STATUS also flushes posted writes. */
static bool irqgen_pending(struct irqgen *g)
{
	return readl(g->base + IRQGEN_STATUS) & IRQGEN_STATUS_PENDING;
}

static void irqgen_ack(struct irqgen *g)
{
	if (!g->no_ack)
		writel(IRQGEN_STATUS_PENDING, g->base + IRQGEN_ACK);
}

/* The hard handler: everything done in hardirq context. */
static irqreturn_t irqgen_isr(int irq, void *dev_id)
{
	struct irqgen *g = dev_id;

	/*
	 * "no-status-check" is seed 003's foo_interrupt(): it tests dev_id != NULL, which is
	 * always true (dev_id is the cookie given to request_irq()), so it claims every
	 * interrupt on the line, its device's or not.
	 */
	if (!g->no_status_check && !irqgen_pending(g))
		return IRQ_NONE;	/* not ours: another device on a shared line */
	irqgen_log_context(g, __func__);
	if (g->handler_cost)
		ndelay(g->handler_cost);
	irqgen_ack(g);
	g->handled++;
	if (g->wq)
		queue_work(g->wq, &g->work);	/* the rest runs in a kworker (or BH work) */
	else if (g->hi)
		tasklet_hi_schedule(&g->bh);	/* HI_SOFTIRQ: before every other softirq */
	else if (g->bottom_half)
		tasklet_schedule(&g->bh);	/* the rest runs in softirq context */
	if (g->bad_return && !strcmp(g->bad_return, "errno"))
		return (irqreturn_t)(-EIO);	/* not an irqreturn_t: "bogus return value" */
	if (g->bad_return)
		return IRQ_WAKE_THREAD;		/* requested without a thread function */
	return IRQ_HANDLED;
}

static void irqgen_bh_body(struct irqgen *g)
{
	if (g->bh_cost)
		ndelay(g->bh_cost);
	if (g->bh_sleep)
		usleep_range(g->bh_sleep / 1000, g->bh_sleep / 1000);
	if (g->bh_mutex) {
		/* may sleep: might_sleep() in mutex_lock() says so even when it is free */
		mutex_lock(&g->mutex);
		mutex_unlock(&g->mutex);
	}
	if (g->bh_alloc) {
		/* GFP_KERNEL may sleep to reclaim memory; GFP_ATOMIC never sleeps */
		void *buf = kmalloc(64, strcmp(g->bh_alloc, "gfp-atomic") ? GFP_KERNEL : GFP_ATOMIC);

		kfree(buf);
	}
	/*
	 * The same body runs as a tasklet (softirq context) or as a work item (process
	 * context), and every irqgen's lock is of one lockdep class: so _bh, which a
	 * tasklet does not need but a work item does. Anyone else taking this lock from
	 * process context needs spin_lock_bh() too; a plain spin_lock() can be
	 * interrupted by a tasklet of this class on the same CPU, which then spins forever.
	 */
	spin_lock_bh(&g->lock);
	g->bh_runs++;
	spin_unlock_bh(&g->lock);
}

/* The tasklet: softirq context, interrupts enabled, must not sleep. */
static void irqgen_bh(struct tasklet_struct *t)
{
	struct irqgen *g = from_tasklet(g, t, bh);

	irqgen_log_context(g, __func__);
	irqgen_bh_body(g);
}

/* The same, scheduled with tasklet_hi_schedule(): run from HI_SOFTIRQ. */
static void irqgen_hi_bh(struct tasklet_struct *t)
{
	struct irqgen *g = from_tasklet(g, t, bh);

	irqgen_log_context(g, __func__);
	irqgen_bh_body(g);
}

/* The work item: process context in a kworker, may sleep (BH work: softirq context). */
static void irqgen_work(struct work_struct *work)
{
	struct irqgen *g = from_work(g, work, work);

	irqgen_log_context(g, __func__);
	irqgen_bh_body(g);
}

static struct workqueue_struct *irqgen_pick_wq(const char *bh)
{
	if (!strcmp(bh, "work"))
		return system_wq;
	if (!strcmp(bh, "highpri-work"))
		return system_highpri_wq;
	if (!strcmp(bh, "unbound-work"))
		return system_unbound_wq;
	if (!strcmp(bh, "bh-work"))
		return system_bh_wq;
	return NULL;	/* "tasklet" */
}

/* The primary handler of the threaded variant: check, then defer all work. */
static irqreturn_t irqgen_quick_check(int irq, void *dev_id)
{
	struct irqgen *g = dev_id;

	if (!irqgen_pending(g))
		return IRQ_NONE;
	irqgen_log_context(g, __func__);
	if (g->handler_cost)
		ndelay(g->handler_cost);
	return IRQ_WAKE_THREAD;
}

/* The thread function: process context, may sleep; acknowledges the device last. */
static irqreturn_t irqgen_thread_fn(int irq, void *dev_id)
{
	struct irqgen *g = dev_id;

	if (!irqgen_pending(g))
		return IRQ_NONE;
	irqgen_log_context(g, __func__);
	if (g->thread_cost)
		ndelay(g->thread_cost);
	irqgen_ack(g);
	g->handled++;
	return IRQ_HANDLED;
}

static int irqgen_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	unsigned long flags = 0;
	struct irqgen *g;
	int ret;

	g = devm_kzalloc(dev, sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	g->dev = dev;
	g->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(g->base))
		return PTR_ERR(g->base);
	g->irq = platform_get_irq(pdev, 0);
	if (g->irq < 0)
		return g->irq;
	device_property_read_u32(dev, "handler-cost", &g->handler_cost);
	device_property_read_u32(dev, "thread-cost", &g->thread_cost);
	g->no_ack = device_property_read_bool(dev, "no-ack");
	g->no_bh_sync = device_property_read_bool(dev, "no-bh-sync");
	if (!device_property_read_string(dev, "bottom-half", &g->bottom_half))
		g->wq = irqgen_pick_wq(g->bottom_half);
	device_property_read_u32(dev, "bh-cost", &g->bh_cost);
	device_property_read_u32(dev, "bh-sleep", &g->bh_sleep);
	g->hi = g->bottom_half && !strcmp(g->bottom_half, "hi-tasklet");
	g->no_free_irq = device_property_read_bool(dev, "no-free-irq");
	g->unmanaged = device_property_read_bool(dev, "unmanaged") || g->no_free_irq;
	g->no_status_check = device_property_read_bool(dev, "no-status-check");
	if (device_property_read_string(dev, "bad-return", &g->bad_return))
		g->bad_return = NULL;
	g->log_context = device_property_read_bool(dev, "log-context");
	g->bh_mutex = device_property_read_bool(dev, "bh-mutex");
	if (g->bh_mutex)
		mutex_init(&g->mutex);
	if (device_property_read_string(dev, "bh-alloc", &g->bh_alloc))
		g->bh_alloc = NULL;
	spin_lock_init(&g->lock);
	if (g->hi)
		tasklet_setup(&g->bh, irqgen_hi_bh);
	else
		tasklet_setup(&g->bh, irqgen_bh);
	INIT_WORK(&g->work, irqgen_work);
	if (device_property_read_bool(dev, "shared"))
		flags |= IRQF_SHARED;
	if (device_property_read_bool(dev, "oneshot"))
		flags |= IRQF_ONESHOT;

	if (device_property_read_bool(dev, "threaded") && device_property_read_bool(dev, "primary"))
		ret = devm_request_threaded_irq(dev, g->irq, irqgen_quick_check, irqgen_thread_fn, flags,
						dev_name(dev), g);
	else if (device_property_read_bool(dev, "threaded"))
		ret = devm_request_threaded_irq(dev, g->irq, NULL, irqgen_thread_fn, flags, dev_name(dev), g);
	else if (g->unmanaged)
		ret = request_irq(g->irq, irqgen_isr, flags, dev_name(dev), g);	/* remove() frees it */
	else
		ret = devm_request_irq(dev, g->irq, irqgen_isr, flags, dev_name(dev), g);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request IRQ %d\n", g->irq);

	platform_set_drvdata(pdev, g);
	writel(IRQGEN_CTRL_ENABLE, g->base + IRQGEN_CTRL);
	dev_info(dev, "irq %d%s%s%s%s%s\n", g->irq, flags & IRQF_SHARED ? " shared" : "",
		 flags & IRQF_ONESHOT ? " oneshot" : "",
		 device_property_read_bool(dev, "threaded") ? " threaded" : "",
		 g->bottom_half ? " " : "", g->bottom_half ? g->bottom_half : "");
	return 0;
}

static void irqgen_remove(struct platform_device *pdev)
{
	struct irqgen *g = platform_get_drvdata(pdev);

	/*
	 * Quiet the device, let a running handler finish, then the bottom half it may have
	 * queued: nothing of ours may run once remove() returns.
	 */
	writel(0, g->base + IRQGEN_CTRL);
	if (g->unmanaged && !g->no_free_irq)
		free_irq(g->irq, g);	/* also waits for a running handler */
	else
		synchronize_irq(g->irq);	/* a devm IRQ is freed after remove() returns */
	if (!g->no_bh_sync) {
		tasklet_kill(&g->bh);
		cancel_work_sync(&g->work);
	}
	if (g->bottom_half)
		dev_info(&pdev->dev, "%lu interrupts handled, %lu bottom-half runs\n", g->handled, g->bh_runs);
	else
		dev_info(&pdev->dev, "%lu interrupts handled\n", g->handled);
}

static struct platform_driver irqgen_driver = {
	.probe = irqgen_probe,
	.remove = irqgen_remove,
	.driver = {
		.name = "irqgen",
	},
};
module_platform_driver(irqgen_driver);

MODULE_DESCRIPTION("irqlab programmable interrupt source");
MODULE_LICENSE("GPL");
