/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Platform devices and drivers (include/linux/platform_device.h). Device models register
 * platform devices with their resources; a platform driver binds to a device of the same
 * name and its probe() runs.
 */
#ifndef _LINUX_PLATFORM_DEVICE_H
#define _LINUX_PLATFORM_DEVICE_H

#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/module.h>

#define PLATFORM_DEVID_NONE (-1)
#define PLATFORM_DEVID_AUTO (-2)

struct platform_device_id {
	char name[20];
	unsigned long driver_data;
};

struct platform_device {
	const char *name;
	int id;
	struct device dev;
	u32 num_resources;
	struct resource *resource;
	const struct platform_device_id *id_entry;
};

struct platform_driver {
	int (*probe)(struct platform_device *);
	void (*remove)(struct platform_device *);
	int (*remove_new)(struct platform_device *); /* the int-returning remove of <= 6.10 */
	void (*shutdown)(struct platform_device *);
	struct device_driver driver;
	const struct platform_device_id *id_table;
};

#define to_platform_device(x) container_of((x), struct platform_device, dev)

__IRQLAB_EXTERN_C_BEGIN
extern const struct bus_type platform_bus_type;
int __platform_driver_register(struct platform_driver *drv, struct module *owner);
void platform_driver_unregister(struct platform_driver *drv);
struct resource *platform_get_resource(struct platform_device *dev, unsigned int type, unsigned int num);
int platform_get_irq(struct platform_device *dev, unsigned int num);
int platform_get_irq_optional(struct platform_device *dev, unsigned int num);
void __iomem *devm_platform_ioremap_resource(struct platform_device *pdev, unsigned int index);
__IRQLAB_EXTERN_C_END

#define platform_driver_register(drv) __platform_driver_register(drv, THIS_MODULE)

static inline void *platform_get_drvdata(const struct platform_device *pdev) { return dev_get_drvdata(&pdev->dev); }
static inline void platform_set_drvdata(struct platform_device *pdev, void *data) { dev_set_drvdata(&pdev->dev, data); }

/* module_platform_driver(): module init/exit that only (un)register the driver. */
#define module_platform_driver(__platform_driver)                                  \
	static int __init __PASTE(__platform_driver, _init)(void)                  \
	{                                                                          \
		return platform_driver_register(&(__platform_driver));              \
	}                                                                          \
	module_init(__PASTE(__platform_driver, _init));                             \
	static void __exit __PASTE(__platform_driver, _exit)(void)                 \
	{                                                                          \
		platform_driver_unregister(&(__platform_driver));                   \
	}                                                                          \
	module_exit(__PASTE(__platform_driver, _exit))

#endif /* _LINUX_PLATFORM_DEVICE_H */
