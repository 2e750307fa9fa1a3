/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files and character devices (include/linux/fs.h), the part a character driver uses:
 * struct file, struct inode, struct file_operations, and the char device number
 * registry (fs/char_dev.c). A simulated process's open(2) of a /dev node reaches the
 * driver's fops through chrdev_open(), as in Linux; read(2), write(2), poll(2), ioctl(2)
 * and close(2) call the matching operation.
 */
#ifndef _LINUX_FS_H
#define _LINUX_FS_H

#include <linux/types.h>
#include <linux/kdev_t.h>
#include <linux/wait.h>

struct module;
struct cdev;
struct poll_table_struct;
struct file;

/* f_mode bits. */
#define FMODE_READ		((fmode_t)(1 << 0))
#define FMODE_WRITE		((fmode_t)(1 << 1))
#define FMODE_LSEEK		((fmode_t)(1 << 2))
#define FMODE_PREAD		((fmode_t)(1 << 3))
#define FMODE_PWRITE		((fmode_t)(1 << 4))

/* open(2) flags (include/uapi/asm-generic/fcntl.h), as f_flags holds them. */
#ifndef O_ACCMODE
#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_NONBLOCK	00004000
#endif

#define CHRDEV_MAJOR_MAX		512
/* Dynamic majors come from 254 down to 234, then 511 down to 384 (fs/char_dev.c). */
#define CHRDEV_MAJOR_DYN_END		234
#define CHRDEV_MAJOR_DYN_EXT_START	511
#define CHRDEV_MAJOR_DYN_EXT_END	384

struct inode {
	umode_t i_mode;
	dev_t i_rdev;
	struct cdev *i_cdev;
	void *i_private;
};

struct file {
	const struct file_operations *f_op;
	struct inode *f_inode;
	fmode_t f_mode;
	unsigned int f_flags;
	loff_t f_pos;
	void *private_data;
};

struct file_operations {
	struct module *owner;
	loff_t (*llseek)(struct file *, loff_t, int);
	ssize_t (*read)(struct file *, char __user *, size_t, loff_t *);
	ssize_t (*write)(struct file *, const char __user *, size_t, loff_t *);
	__poll_t (*poll)(struct file *, struct poll_table_struct *);
	long (*unlocked_ioctl)(struct file *, unsigned int, unsigned long);
	long (*compat_ioctl)(struct file *, unsigned int, unsigned long);
	int (*open)(struct inode *, struct file *);
	int (*flush)(struct file *, void *id);
	int (*release)(struct inode *, struct file *);
	int (*fasync)(int, struct file *, int);
};

static inline struct inode *file_inode(const struct file *f) { return f->f_inode; }
static inline unsigned iminor(const struct inode *inode) { return MINOR(inode->i_rdev); }
static inline unsigned imajor(const struct inode *inode) { return MAJOR(inode->i_rdev); }

__IRQLAB_EXTERN_C_BEGIN
int alloc_chrdev_region(dev_t *dev, unsigned baseminor, unsigned count, const char *name);
int register_chrdev_region(dev_t from, unsigned count, const char *name);
void unregister_chrdev_region(dev_t from, unsigned count);
int __register_chrdev(unsigned int major, unsigned int baseminor, unsigned int count, const char *name,
		      const struct file_operations *fops);
void __unregister_chrdev(unsigned int major, unsigned int baseminor, unsigned int count, const char *name);
int nonseekable_open(struct inode *inode, struct file *filp);
int stream_open(struct inode *inode, struct file *filp);
loff_t no_llseek(struct file *file, loff_t offset, int whence);
loff_t noop_llseek(struct file *file, loff_t offset, int whence);
__IRQLAB_EXTERN_C_END

/* register_chrdev(): major 0 asks for a dynamic one; it takes minors 0-255. */
static inline int register_chrdev(unsigned int major, const char *name, const struct file_operations *fops)
{
	return __register_chrdev(major, 0, 256, name, fops);
}
static inline void unregister_chrdev(unsigned int major, const char *name)
{
	__unregister_chrdev(major, 0, 256, name);
}

#endif /* _LINUX_FS_H */
