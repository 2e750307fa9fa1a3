// SPDX-License-Identifier: GPL-2.0
/*
 * sensor: the driver of the slow sensor (devices/sensor/README.md), the reason
 * IRQF_ONESHOT exists.
 *
 * The sensor's INT pin holds a level line asserted while a sample waits. The only way to
 * learn why it interrupted, and to make it stop, is a transfer on its slow serial bus:
 * sensor_read_reg() and sensor_write_reg() start one on the I2C-like controller and sleep
 * until the controller's transfer-done interrupt (an MSI) completes it, hundreds of
 * microseconds later. Sleeping is not allowed in a hard interrupt handler, so the work is
 * a threaded handler's: sensor_thread_fn() reads INT_STATUS and the sample, clears
 * INT_STATUS (which drops the line) and wakes the readers of /dev/sensorN.
 *
 * The line must stay masked from the hard interrupt until the thread has cleared the
 * sensor, or the still-asserted line interrupts again the moment it is unmasked: that
 * is IRQF_ONESHOT. The device property "variant" picks how the line is requested:
 *   "oneshot"                 request_threaded_irq(irq, NULL, sensor_thread_fn, IRQF_ONESHOT)
 *                             (the default; correct);
 *   "no-oneshot"              the same without IRQF_ONESHOT: Linux refuses it (-EINVAL);
 *   "wake-thread-no-oneshot"  a primary handler that returns IRQ_WAKE_THREAD, without
 *                             IRQF_ONESHOT: accepted, and an interrupt storm.
 */
#include <linux/cdev.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

/* The I2C-like controller (MMIO) */
#define I2C_CTRL		0x00
#define I2C_STATUS		0x04
#define I2C_REG			0x08
#define I2C_DATA		0x0c
#define I2C_CMD			0x10
#define I2C_CTRL_DONE_IE	BIT(0)	/* a finished transfer raises the MSI */
#define I2C_STATUS_BUSY		BIT(0)	/* a transfer is on the wire */
#define I2C_STATUS_DONE		BIT(1)	/* the last transfer finished (write 1 to clear) */
#define I2C_STATUS_NACK		BIT(2)	/* ... and the sensor did not answer */
#define I2C_CMD_READ		1
#define I2C_CMD_WRITE		2
#define I2C_CMD_LEN(n)		((n) << 8)

/* The sensor, behind the bus */
#define SENSOR_WHO_AM_I		0x00
#define SENSOR_INT_STATUS	0x01
#define SENSOR_INT_ENABLE	0x02
#define SENSOR_DATA_L		0x03
#define SENSOR_ID		0x5a
#define SENSOR_DATA_READY	BIT(0)	/* a sample waits */
#define SENSOR_OVERRUN		BIT(1)	/* a sample was lost: the one before it was not read */

/* A transfer takes under 500 us; one that has not finished in 10 ms never will. */
#define SENSOR_XFER_TIMEOUT_MS	10
#define SENSOR_MINORS		8
#define SENSOR_RING		64

enum sensor_variant {
	SENSOR_ONESHOT,
	SENSOR_NO_ONESHOT,
	SENSOR_WAKE_THREAD_NO_ONESHOT,
};

struct sensor {
	struct device *dev;
	void __iomem *base;
	int irq;		/* the sensor's INT pin: a level line */
	int xfer_irq;		/* the controller's transfer-done MSI */
	struct mutex bus_lock;	/* one transfer at a time */
	struct completion xfer_done;
	spinlock_t lock;	/* protects the ring */
	u16 ring[SENSOR_RING];
	unsigned int head, tail;
	unsigned long samples, overruns;
	wait_queue_head_t readq;
	struct cdev cdev;
	dev_t devt;
};

static struct class *sensor_class;
static dev_t sensor_base;

/* The controller's interrupt: a transfer is over. Hard irq context, fast MMIO only. */
static irqreturn_t sensor_xfer_isr(int irq, void *dev_id)
{
	struct sensor *s = dev_id;
	u32 status = readl(s->base + I2C_STATUS);

	if (!(status & I2C_STATUS_DONE))
		return IRQ_NONE;
	writel(I2C_STATUS_DONE, s->base + I2C_STATUS);
	complete(&s->xfer_done);
	return IRQ_HANDLED;
}

/* One bus transfer: start it, sleep until the controller says it is done. */
static int sensor_xfer(struct sensor *s, u8 reg, u32 cmd, int len)
{
	int ret = 0;

	reinit_completion(&s->xfer_done);
	writel(reg, s->base + I2C_REG);
	writel(cmd | I2C_CMD_LEN(len), s->base + I2C_CMD);
	if (!wait_for_completion_timeout(&s->xfer_done, msecs_to_jiffies(SENSOR_XFER_TIMEOUT_MS)))
		ret = -ETIMEDOUT;
	else if (readl(s->base + I2C_STATUS) & I2C_STATUS_NACK)
		ret = -EIO;
	return ret;
}

/* Read len (1 or 2) bytes from a sensor register. Sleeps: process context only. */
static int sensor_read_reg(struct sensor *s, u8 reg, int len, u32 *val)
{
	int ret;

	mutex_lock(&s->bus_lock);
	ret = sensor_xfer(s, reg, I2C_CMD_READ, len);
	if (!ret)
		*val = readl(s->base + I2C_DATA);
	mutex_unlock(&s->bus_lock);
	return ret;
}

/* Write one byte to a sensor register. Sleeps: process context only. */
static int sensor_write_reg(struct sensor *s, u8 reg, u8 val)
{
	int ret;

	mutex_lock(&s->bus_lock);
	writel(val, s->base + I2C_DATA);
	ret = sensor_xfer(s, reg, I2C_CMD_WRITE, 1);
	mutex_unlock(&s->bus_lock);
	return ret;
}

/*
 * The thread function: process context, may sleep. Three bus transfers, about 1.2 ms:
 * why did it interrupt, the sample, then clear INT_STATUS, which drops the line.
 */
static irqreturn_t sensor_thread_fn(int irq, void *dev_id)
{
	struct sensor *s = dev_id;
	u32 status, sample;

	if (sensor_read_reg(s, SENSOR_INT_STATUS, 1, &status))
		return IRQ_NONE;
	if (!(status & (SENSOR_DATA_READY | SENSOR_OVERRUN)))
		return IRQ_NONE;
	if ((status & SENSOR_DATA_READY) && !sensor_read_reg(s, SENSOR_DATA_L, 2, &sample)) {
		spin_lock(&s->lock);
		if (s->head - s->tail < SENSOR_RING) {
			s->ring[s->head % SENSOR_RING] = sample;
			s->head++;
		}
		s->samples++;
		spin_unlock(&s->lock);
	}
	if (status & SENSOR_OVERRUN)
		s->overruns++;
	sensor_write_reg(s, SENSOR_INT_STATUS, status);	/* write 1 to clear: the line drops */
	wake_up_interruptible(&s->readq);
	return IRQ_HANDLED;
}

/*
 * The bug of the "wake-thread-no-oneshot" variant: a primary handler of its own. It cannot
 * ask the sensor whether the interrupt is its own (that is a bus transfer), so it wakes
 * the thread every time, and without IRQF_ONESHOT the core unmasks the line as soon as
 * it returns.
 */
static irqreturn_t sensor_hardirq(int irq, void *dev_id)
{
	return IRQ_WAKE_THREAD;
}

/* read(): sleep until samples are there, then return them as decimal lines. */
static ssize_t sensor_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	struct sensor *s = file->private_data;
	char text[256];
	size_t n = 0;

	if (wait_event_interruptible(s->readq, s->head != s->tail))
		return -ERESTARTSYS;
	spin_lock(&s->lock);
	while (s->head != s->tail && n + 8 < sizeof(text) && n + 8 < len) {
		n += snprintf(text + n, sizeof(text) - n, "%u\n", s->ring[s->tail % SENSOR_RING]);
		s->tail++;
	}
	spin_unlock(&s->lock);
	if (copy_to_user(buf, text, n))
		return -EFAULT;
	return n;
}

static int sensor_open(struct inode *inode, struct file *file)
{
	file->private_data = container_of(inode->i_cdev, struct sensor, cdev);
	return 0;
}

static const struct file_operations sensor_fops = {
	.owner = THIS_MODULE,
	.open = sensor_open,
	.read = sensor_read,
};

static enum sensor_variant sensor_get_variant(struct device *dev)
{
	const char *v;

	if (device_property_read_string(dev, "variant", &v))
		return SENSOR_ONESHOT;
	if (!strcmp(v, "no-oneshot"))
		return SENSOR_NO_ONESHOT;
	if (!strcmp(v, "wake-thread-no-oneshot"))
		return SENSOR_WAKE_THREAD_NO_ONESHOT;
	return SENSOR_ONESHOT;
}

/* The sensor's line, requested as the variant says. */
static int sensor_request_irq(struct sensor *s, enum sensor_variant variant)
{
	switch (variant) {
	case SENSOR_NO_ONESHOT:
		/* Refused: nothing would keep the level line from firing until the thread ran. */
		return request_threaded_irq(s->irq, NULL, sensor_thread_fn, 0, "sensor", s);
	case SENSOR_WAKE_THREAD_NO_ONESHOT:
		/* Accepted: the core cannot tell that this primary handler does nothing. */
		return request_threaded_irq(s->irq, sensor_hardirq, sensor_thread_fn, 0, "sensor", s);
	default:
		return request_threaded_irq(s->irq, NULL, sensor_thread_fn, IRQF_ONESHOT, "sensor", s);
	}
}

static int sensor_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	enum sensor_variant variant = sensor_get_variant(dev);
	struct device *node;
	struct sensor *s;
	u32 id;
	int ret;

	s = devm_kzalloc(dev, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->dev = dev;
	mutex_init(&s->bus_lock);
	init_completion(&s->xfer_done);
	spin_lock_init(&s->lock);
	init_waitqueue_head(&s->readq);
	s->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(s->base))
		return PTR_ERR(s->base);
	s->irq = platform_get_irq(pdev, 0);
	if (s->irq < 0)
		return s->irq;
	s->xfer_irq = platform_get_irq(pdev, 1);
	if (s->xfer_irq < 0)
		return s->xfer_irq;

	/* The bus first: every access to the sensor needs its completion interrupt. */
	ret = devm_request_irq(dev, s->xfer_irq, sensor_xfer_isr, 0, "sensor-i2c", s);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request IRQ %d\n", s->xfer_irq);
	writel(I2C_CTRL_DONE_IE, s->base + I2C_CTRL);
	ret = sensor_read_reg(s, SENSOR_WHO_AM_I, 1, &id);
	if (ret)
		return dev_err_probe(dev, ret, "no answer on the bus\n");
	if (id != SENSOR_ID)
		return dev_err_probe(dev, -ENODEV, "WHO_AM_I %#x, expected %#x\n", id, SENSOR_ID);

	ret = sensor_request_irq(s, variant);
	if (ret)
		return dev_err_probe(dev, ret, "failed to request IRQ %d\n", s->irq);
	platform_set_drvdata(pdev, s);

	s->devt = MKDEV(MAJOR(sensor_base), pdev->id);
	cdev_init(&s->cdev, &sensor_fops);
	ret = cdev_add(&s->cdev, s->devt, 1);
	if (ret)
		goto err_free_irq;
	node = device_create(sensor_class, dev, s->devt, s, "sensor%d", pdev->id);
	if (IS_ERR(node)) {
		ret = PTR_ERR(node);
		goto err_cdev;
	}
	/* Let the sensor interrupt us: a bus transfer too. */
	ret = sensor_write_reg(s, SENSOR_INT_ENABLE, SENSOR_DATA_READY);
	if (ret)
		goto err_node;
	dev_info(dev, "irq %d (%s), bus irq %d, /dev/sensor%d\n", s->irq,
		 variant == SENSOR_ONESHOT ? "oneshot" : "threaded, no oneshot", s->xfer_irq, pdev->id);
	return 0;

err_node:
	device_destroy(sensor_class, s->devt);
err_cdev:
	cdev_del(&s->cdev);
err_free_irq:
	free_irq(s->irq, s);
	return ret;
}

static void sensor_remove(struct platform_device *pdev)
{
	struct sensor *s = platform_get_drvdata(pdev);

	device_destroy(sensor_class, s->devt);
	cdev_del(&s->cdev);
	/* Quiet the sensor (over the bus), then let a running thread finish. */
	sensor_write_reg(s, SENSOR_INT_ENABLE, 0);
	free_irq(s->irq, s);
	dev_info(&pdev->dev, "%lu samples read, %lu overruns\n", s->samples, s->overruns);
}

static struct platform_driver sensor_driver = {
	.probe = sensor_probe,
	.remove = sensor_remove,
	.driver = {
		.name = "sensor",
	},
};

static int __init sensor_init(void)
{
	int ret;

	ret = alloc_chrdev_region(&sensor_base, 0, SENSOR_MINORS, "sensor");
	if (ret)
		return ret;
	sensor_class = class_create("sensor");
	if (IS_ERR(sensor_class)) {
		unregister_chrdev_region(sensor_base, SENSOR_MINORS);
		return PTR_ERR(sensor_class);
	}
	ret = platform_driver_register(&sensor_driver);
	if (ret) {
		class_destroy(sensor_class);
		unregister_chrdev_region(sensor_base, SENSOR_MINORS);
	}
	return ret;
}

static void __exit sensor_exit(void)
{
	platform_driver_unregister(&sensor_driver);
	class_destroy(sensor_class);
	unregister_chrdev_region(sensor_base, SENSOR_MINORS);
}

module_init(sensor_init);
module_exit(sensor_exit);

MODULE_DESCRIPTION("irqlab slow sensor behind an I2C-like bus");
MODULE_LICENSE("GPL");
