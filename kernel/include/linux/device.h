/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Devices and drivers (include/linux/device.h), the part drivers use: struct device,
 * driver data, managed (devm_) resources, and the dev_* log helpers, which prefix
 * messages with the driver and device names as Linux does ("irqgen irqgen.0: ...").
 */
#ifndef _LINUX_DEVICE_H
#define _LINUX_DEVICE_H

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/symbol.h>

struct device_driver;
struct module;

/* A bus: what dev_driver_string() names a device by before a driver binds. */
struct bus_type {
	const char *name;
};

struct device {
	struct device *parent;
	const char *init_name;
	const struct bus_type *bus;
	struct device_driver *driver;
	void *platform_data;
	void *driver_data;
	dev_t devt;
	u64 *dma_mask;
	u64 coherent_dma_mask;
	void *__irqlab; /* irqlab: the simulator's record of this device (name, devres) */
};

struct device_driver {
	const char *name;
	const struct bus_type *bus;
	struct module *owner;
};

/*
 * Device classes (include/linux/device/class.h): device_create() in a class makes the
 * /dev node of a device number (devtmpfs names it after the device), which simulated
 * processes open. Linux 6.4 dropped class_create()'s module argument (commit 1aaba11da9aa);
 * both forms work here, as older drivers and the seeds still use the two-argument one.
 */
/* `class` is a C++ keyword: C++ (the simulator) sees the struct as `struct class_`. */
#ifdef __cplusplus
#define __IRQLAB_CLASS class_
#else
#define __IRQLAB_CLASS class
#endif
struct __IRQLAB_CLASS {
	const char *name;
	void *__irqlab;
};

__IRQLAB_EXTERN_C_BEGIN
struct __IRQLAB_CLASS *__irqlab_class_create(const char *name);
void class_destroy(const struct __IRQLAB_CLASS *cls);
__printf(5, 6) struct device *device_create(const struct __IRQLAB_CLASS *cls, struct device *parent, dev_t devt,
					    void *drvdata, const char *fmt, ...);
void device_destroy(const struct __IRQLAB_CLASS *cls, dev_t devt);
__IRQLAB_EXTERN_C_END

static inline struct __IRQLAB_CLASS *__irqlab_class_create_owner(struct module *owner, const char *name)
{
	(void)owner;
	return __irqlab_class_create(name);
}
#define __IRQLAB_CLASS_CREATE_PICK(_1, _2, fn, ...) fn
#define class_create(...) \
	__IRQLAB_CLASS_CREATE_PICK(__VA_ARGS__, __irqlab_class_create_owner, __irqlab_class_create)(__VA_ARGS__)

__IRQLAB_EXTERN_C_BEGIN
const char *dev_name(const struct device *dev);
const char *dev_driver_string(const struct device *dev);
void *devm_kmalloc(struct device *dev, size_t size, gfp_t gfp);
void *devm_kcalloc(struct device *dev, size_t n, size_t size, gfp_t gfp);
char *devm_kstrdup(struct device *dev, const char *s, gfp_t gfp);
void devm_kfree(struct device *dev, const void *p);
int devm_add_action(struct device *dev, void (*action)(void *), void *data);
int devm_add_action_or_reset(struct device *dev, void (*action)(void *), void *data);
__printf(3, 4) void _dev_printk(const char *level, const struct device *dev, const char *fmt, ...);
/* Logs "error -ENXIO: <message>" (silently for -EPROBE_DEFER) and returns err. */
__printf(3, 4) int dev_err_probe(const struct device *dev, int err, const char *fmt, ...);
__printf(3, 4) int dev_warn_probe(const struct device *dev, int err, const char *fmt, ...);
__IRQLAB_EXTERN_C_END

static inline void *devm_kzalloc(struct device *dev, size_t size, gfp_t gfp)
{
	return devm_kmalloc(dev, size, gfp | __GFP_ZERO);
}
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }
static inline void *dev_get_platdata(const struct device *dev) { return dev->platform_data; }

#ifndef dev_fmt
#define dev_fmt(fmt) fmt
#endif
#define dev_emerg(dev, fmt, ...) _dev_printk(KERN_EMERG, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_crit(dev, fmt, ...) _dev_printk(KERN_CRIT, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_alert(dev, fmt, ...) _dev_printk(KERN_ALERT, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_err(dev, fmt, ...) _dev_printk(KERN_ERR, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) _dev_printk(KERN_WARNING, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_notice(dev, fmt, ...) _dev_printk(KERN_NOTICE, dev, dev_fmt(fmt), ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) _dev_printk(KERN_INFO, dev, dev_fmt(fmt), ##__VA_ARGS__)
#if defined(DEBUG)
#define dev_dbg(dev, fmt, ...) _dev_printk(KERN_DEBUG, dev, dev_fmt(fmt), ##__VA_ARGS__)
#else
#define dev_dbg(dev, fmt, ...) ({ if (0) _dev_printk(KERN_DEBUG, dev, dev_fmt(fmt), ##__VA_ARGS__); })
#endif

#endif /* _LINUX_DEVICE_H */
