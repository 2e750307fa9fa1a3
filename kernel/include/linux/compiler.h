/* SPDX-License-Identifier: GPL-2.0 */
/* Compiler helpers with Linux's names. This header is C11 and C++20 compatible. */
#ifndef _LINUX_COMPILER_H
#define _LINUX_COMPILER_H

/*
 * The C library's headers use some of the names defined below (__init, __packed, ...) as
 * identifiers, so they come first. The simulator's own C++ files (built with
 * IRQLAB_SIM_INTERNAL) may include the C++ library after this header, so they get only the
 * annotations the API itself needs.
 */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#ifdef __cplusplus
#define __IRQLAB_EXTERN_C_BEGIN extern "C" {
#define __IRQLAB_EXTERN_C_END }
#else
#define __IRQLAB_EXTERN_C_BEGIN
#define __IRQLAB_EXTERN_C_END
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#ifndef __always_inline
#define __always_inline inline __attribute__((__always_inline__))
#endif
#define __printf(a, b) __attribute__((__format__(printf, a, b)))
#define __noreturn __attribute__((__noreturn__))

/* sparse annotations: no meaning to the compiler, kept so driver code reads as in Linux. */
#define __user
#define __iomem

#if !defined(IRQLAB_SIM_INTERNAL)
#define noinline __attribute__((__noinline__))
#define __maybe_unused __attribute__((__unused__))
#define __always_unused __attribute__((__unused__))
#define __used __attribute__((__used__))
#define __must_check __attribute__((__warn_unused_result__))
#define __cold __attribute__((__cold__))
#define __packed __attribute__((__packed__))
#define __aligned(x) __attribute__((__aligned__(x)))
#define __section(s) __attribute__((__section__(s)))
#define __kernel
#define __force
#define __rcu
#define __percpu
#define __bitwise
#define __acquires(x)
#define __releases(x)
#define __must_hold(x)
/* Init/exit section markers: plain functions here. */
#define __init
#define __exit
#define __initdata
#define __exitdata
#endif

#define barrier() __asm__ __volatile__("" : : : "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val) do { *(volatile __typeof__(x) *)&(x) = (val); } while (0)
#define smp_mb() barrier()
#define smp_rmb() barrier()
#define smp_wmb() barrier()
#define mb() barrier()
#define rmb() barrier()
#define wmb() barrier()
#define smp_mb__before_atomic() barrier()
#define smp_mb__after_atomic() barrier()
#define cpu_relax() barrier()

#define __stringify_1(x...) #x
#define __stringify(x...) __stringify_1(x)
#define ___PASTE(a, b) a##b
#define __PASTE(a, b) ___PASTE(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#endif /* _LINUX_COMPILER_H */
