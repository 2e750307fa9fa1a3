/* Every driver-facing header, and code that uses their macros: compiled as C11 and as C++20. */
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/blk-mq.h>
#include <linux/blk_types.h>
#include <linux/blkdev.h>
#include <linux/bottom_half.h>
#include <linux/bug.h>
#include <linux/cdev.h>
#include <linux/compiler.h>
#include <linux/completion.h>
#include <linux/container_of.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/fs.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/hardirq.h>
#include <linux/init.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/irq.h>
#include <linux/irqreturn.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kdev_t.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/lockdep_types.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/preempt.h>
#include <linux/platform_device.h>
#include <linux/poll.h>
#include <linux/printk.h>
#include <linux/property.h>
#include <linux/sched.h>
#include <linux/serial_reg.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/spinlock_types.h>
#include <linux/symbol.h>
#include <linux/timekeeping.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

struct headers_dev {
	spinlock_t lock;
	struct mutex mx;
	wait_queue_head_t wq;
	struct completion done;
	struct timer_list timer;
	struct list_head items;
	atomic_t count;
	int ready;
};

static DEFINE_SPINLOCK(headers_static_lock);
static DEFINE_MUTEX(headers_static_mutex);
static DECLARE_WAIT_QUEUE_HEAD(headers_static_wq);
static DECLARE_COMPLETION(headers_static_done);

static void headers_timer_fn(struct timer_list *t)
{
	struct headers_dev *dev = from_timer(dev, t, timer);
	atomic_inc(&dev->count);
}

static int headers_thread(void *data)
{
	struct headers_dev *dev = (struct headers_dev *)data;
	unsigned long flags;
	int ret;

	while (!kthread_should_stop()) {
		spin_lock_irqsave(&dev->lock, flags);
		dev->ready = 0;
		spin_unlock_irqrestore(&dev->lock, flags);
		ret = wait_event_interruptible(dev->wq, dev->ready);
		if (ret)
			return ret;
		if (wait_event_timeout(dev->wq, dev->ready, msecs_to_jiffies(10)) == 0)
			pr_warn("timeout on %s\n", "dev");
		wait_event(dev->wq, dev->ready != 0);
	}
	return 0;
}

int headers_use(void);
int headers_use(void)
{
	struct headers_dev *dev = (struct headers_dev *)kzalloc(sizeof(*dev), GFP_KERNEL);
	struct task_struct *t;

	if (!dev)
		return -ENOMEM;
	spin_lock_init(&dev->lock);
	mutex_init(&dev->mx);
	init_waitqueue_head(&dev->wq);
	init_completion(&dev->done);
	INIT_LIST_HEAD(&dev->items);
	atomic_set(&dev->count, 0);
	timer_setup(&dev->timer, headers_timer_fn, 0);
	mod_timer(&dev->timer, jiffies + HZ);
	t = kthread_run(headers_thread, dev, "headers/%d", 0);
	if (IS_ERR(t))
		return PTR_ERR(t);
	mutex_lock(&headers_static_mutex);
	spin_lock_bh(&headers_static_lock);
	spin_unlock_bh(&headers_static_lock);
	mutex_unlock(&headers_static_mutex);
	wake_up_interruptible(&headers_static_wq);
	complete(&headers_static_done);
	if (time_after(jiffies, 0UL) && in_interrupt())
		WARN_ON(1);
	udelay(1);
	msleep(1);
	del_timer_sync(&dev->timer);
	kthread_stop(t);
	kfree(dev);
	return min(1, 2) + max_t(int, 3, 4);
}

/* A platform driver, as a device folder's driver is written. */
struct headers_pdata {
	void __iomem *base;
	int irq;
	dma_addr_t ring_dma;
	void *ring;
};

static irqreturn_t headers_isr(int irq, void *dev_id)
{
	struct headers_pdata *p = (struct headers_pdata *)dev_id;

	(void)irq;
	if (!(readl(p->base) & BIT(0)))
		return IRQ_NONE;
	writel(1, (char __iomem *)p->base + 8);
	return IRQ_WAKE_THREAD;
}

static irqreturn_t headers_thread_fn(int irq, void *dev_id)
{
	(void)irq;
	(void)dev_id;
	return IRQ_HANDLED;
}

static int headers_probe(struct platform_device *pdev)
{
	struct headers_pdata *p;
	struct resource *res;
	struct irq_data *d;
	u32 cost = 0;
	int ret;

	p = (struct headers_pdata *)devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	res = platform_get_resource(pdev, IORESOURCE_MEM, 0);
	if (!res || resource_size(res) < 16)
		return -ENODEV;
	p->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(p->base))
		return PTR_ERR(p->base);
	p->irq = platform_get_irq(pdev, 0);
	if (p->irq < 0)
		return p->irq;
	device_property_read_u32(&pdev->dev, "cost", &cost);
	p->ring = dmam_alloc_coherent(&pdev->dev, 4096, &p->ring_dma, GFP_KERNEL);
	ret = devm_request_threaded_irq(&pdev->dev, p->irq, headers_isr, headers_thread_fn,
					IRQF_SHARED | IRQF_ONESHOT, dev_name(&pdev->dev), p);
	if (ret)
		return dev_err_probe(&pdev->dev, ret, "irq %d\n", p->irq);
	d = irq_get_irq_data(p->irq);
	if (d && (irqd_get_trigger_type(d) & IRQ_TYPE_LEVEL_MASK))
		dev_info(&pdev->dev, "level, hwirq %lu\n", d->hwirq);
	outb(inb(0x60), 0x64);
	platform_set_drvdata(pdev, p);
	return 0;
}

static void headers_remove(struct platform_device *pdev)
{
	struct headers_pdata *p = (struct headers_pdata *)platform_get_drvdata(pdev);

	disable_irq(p->irq);
	enable_irq(p->irq);
	synchronize_irq(p->irq);
}

static struct platform_driver headers_driver = {
	.probe = headers_probe,
	.remove = headers_remove,
	.driver = { .name = "headers" },
};

static inline int headers_register(void)
{
	return platform_driver_register(&headers_driver);
}

/* Tasklets: both DECLARE_TASKLET forms, setup/init, and the calls a driver makes. */
struct headers_bh {
	struct tasklet_struct tasklet;
	int runs;
};

static void headers_tasklet_fn(struct tasklet_struct *t)
{
	struct headers_bh *bh = from_tasklet(bh, t, tasklet);

	bh->runs++;
}

static void headers_old_tasklet_fn(unsigned long data)
{
	(void)data;
}

static DECLARE_TASKLET(headers_new_tasklet, headers_tasklet_fn);
static DECLARE_TASKLET(headers_old_tasklet, headers_old_tasklet_fn, 7);
static DECLARE_TASKLET_DISABLED(headers_off_tasklet, headers_tasklet_fn);
static DECLARE_TASKLET_OLD(headers_older_tasklet, headers_old_tasklet_fn);

static inline void headers_use_tasklets(struct headers_bh *bh)
{
	tasklet_setup(&bh->tasklet, headers_tasklet_fn);
	tasklet_init(&headers_old_tasklet, headers_old_tasklet_fn, 1);
	tasklet_schedule(&bh->tasklet);
	tasklet_hi_schedule(&headers_new_tasklet);
	tasklet_disable(&headers_off_tasklet);
	tasklet_enable(&headers_off_tasklet);
	tasklet_schedule(&headers_older_tasklet);
	tasklet_kill(&bh->tasklet);
}

/* Workqueues: every initializer and the calls a driver makes. */
struct headers_wq_dev {
	struct work_struct work;
	struct delayed_work dwork;
	struct workqueue_struct *wq;
};

static void headers_work_fn(struct work_struct *work)
{
	struct headers_wq_dev *dev = from_work(dev, work, work);
	(void)dev;
}

static void headers_dwork_fn(struct work_struct *work)
{
	struct delayed_work *dw = to_delayed_work(work);
	struct headers_wq_dev *dev = container_of(dw, struct headers_wq_dev, dwork);
	(void)dev;
}

static DECLARE_WORK(headers_static_work, headers_work_fn);
static DECLARE_DELAYED_WORK(headers_static_dwork, headers_dwork_fn);

static inline void headers_use_workqueues(struct headers_wq_dev *dev)
{
	INIT_WORK(&dev->work, headers_work_fn);
	INIT_DELAYED_WORK(&dev->dwork, headers_dwork_fn);
	dev->wq = alloc_workqueue("headers_%d", WQ_UNBOUND | WQ_HIGHPRI | WQ_MEM_RECLAIM, 4, 1);
	dev->wq = alloc_ordered_workqueue("headers_ordered", 0);
	dev->wq = create_singlethread_workqueue("headers_single");
	queue_work(dev->wq, &dev->work);
	queue_work_on(0, system_highpri_wq, &headers_static_work);
	schedule_work(&dev->work);
	queue_delayed_work(dev->wq, &dev->dwork, msecs_to_jiffies(10));
	mod_delayed_work(system_unbound_wq, &headers_static_dwork, 1);
	schedule_delayed_work(&dev->dwork, HZ);
	if (work_pending(&dev->work) || delayed_work_pending(&dev->dwork))
		flush_work(&dev->work);
	flush_delayed_work(&dev->dwork);
	cancel_work_sync(&dev->work);
	cancel_delayed_work_sync(&dev->dwork);
	cancel_work(&dev->work);
	cancel_delayed_work(&dev->dwork);
	disable_work_sync(&dev->work);
	enable_work(&dev->work);
	queue_work(system_bh_wq, &dev->work);
	flush_workqueue(dev->wq);
	drain_workqueue(dev->wq);
	destroy_workqueue(dev->wq);
}
