/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_CONTAINER_OF_H
#define _LINUX_CONTAINER_OF_H

#include <stddef.h>

/*
 * container_of - the structure a member is embedded in. Linux adds a static type check
 * with __same_type; the plain offsetof form below works as C and as C++ (the check would
 * need the GNU builtin that C++ lacks), so irqlab leaves the check to the C build.
 */
#ifdef __cplusplus
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))
#else
#define container_of(ptr, type, member) ({                                    \
	void *__mptr = (void *)(ptr);                                         \
	_Static_assert(__builtin_types_compatible_p(__typeof__(*(ptr)),       \
			__typeof__(((type *)0)->member)) ||                   \
		       __builtin_types_compatible_p(__typeof__(*(ptr)), void),\
		       "pointer type mismatch in container_of()");            \
	((type *)((char *)__mptr - offsetof(type, member))); })
#endif

#endif /* _LINUX_CONTAINER_OF_H */
