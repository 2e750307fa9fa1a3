/* SPDX-License-Identifier: GPL-2.0 */
/*
 * String functions (include/linux/string.h): the C library's, which have the same names
 * and contracts as the kernel's lib/string.c.
 */
#ifndef _LINUX_STRING_H_
#define _LINUX_STRING_H_

#include <string.h>

#endif /* _LINUX_STRING_H_ */
