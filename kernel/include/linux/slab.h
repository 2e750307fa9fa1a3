/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmalloc and friends. New memory (other than __GFP_ZERO) is filled with the slab's free
 * poison byte 0x6b, so an uninitialised read behaves the same in every build.
 */
#ifndef _LINUX_SLAB_H
#define _LINUX_SLAB_H

#include <linux/types.h>
#include <linux/gfp.h>

__IRQLAB_EXTERN_C_BEGIN
void *kmalloc(size_t size, gfp_t flags) __attribute__((__malloc__));
void *kzalloc(size_t size, gfp_t flags) __attribute__((__malloc__));
void *kmalloc_array(size_t n, size_t size, gfp_t flags);
void *kcalloc(size_t n, size_t size, gfp_t flags);
void *krealloc(const void *p, size_t new_size, gfp_t flags);
void kfree(const void *objp);
size_t ksize(const void *objp);
char *kstrdup(const char *s, gfp_t gfp);
void *kmemdup(const void *src, size_t len, gfp_t gfp);
__IRQLAB_EXTERN_C_END

#define kvmalloc kmalloc
#define kvzalloc kzalloc
#define kvfree kfree
#define vmalloc(size) kmalloc((size), GFP_KERNEL)
#define vzalloc(size) kzalloc((size), GFP_KERNEL)
#define vfree kfree

#endif /* _LINUX_SLAB_H */
