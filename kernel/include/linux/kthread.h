/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_KTHREAD_H
#define _LINUX_KTHREAD_H

#include <linux/err.h>
#include <linux/sched.h>
#include <linux/symbol.h>

__IRQLAB_EXTERN_C_BEGIN
struct task_struct *kthread_create_on_node(int (*threadfn)(void *data), void *data, int node,
					   const char namefmt[], ...) __printf(4, 5);
struct task_struct *kthread_create_on_cpu(int (*threadfn)(void *data), void *data,
					  unsigned int cpu, const char *namefmt);
void kthread_bind(struct task_struct *k, unsigned int cpu);
int kthread_stop(struct task_struct *k);
bool kthread_should_stop(void);
void kthread_exit(long result) __noreturn;
__IRQLAB_EXTERN_C_END

#define NUMA_NO_NODE (-1)

/* The thread function's name is captured for %ps and the trace (irqlab_symbol()). */
#define kthread_create(threadfn, data, namefmt, arg...) \
	kthread_create_on_node(irqlab_symbol(threadfn), data, NUMA_NO_NODE, namefmt, ##arg)

#define kthread_run(threadfn, data, namefmt, ...) ({                                    \
	struct task_struct *__k = kthread_create(threadfn, data, namefmt, ##__VA_ARGS__); \
	if (!IS_ERR(__k))                                                                  \
		wake_up_process(__k);                                                      \
	__k;                                                                               \
})

#endif /* _LINUX_KTHREAD_H */
