/* SPDX-License-Identifier: GPL-2.0 */
/* Character devices (include/linux/cdev.h, fs/char_dev.c): a cdev maps a range of device
 * numbers to a driver's file_operations; cdev_add() makes it live. */
#ifndef _LINUX_CDEV_H
#define _LINUX_CDEV_H

#include <linux/types.h>
#include <linux/fs.h>

struct cdev {
	struct module *owner;
	const struct file_operations *ops;
	dev_t dev;
	unsigned int count;
	void *__irqlab; /* irqlab: set while the cdev is added */
};

__IRQLAB_EXTERN_C_BEGIN
void cdev_init(struct cdev *cdev, const struct file_operations *fops);
struct cdev *cdev_alloc(void);
int cdev_add(struct cdev *p, dev_t dev, unsigned count);
void cdev_del(struct cdev *p);
__IRQLAB_EXTERN_C_END

#endif /* _LINUX_CDEV_H */
