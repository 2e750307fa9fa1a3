/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_SMP_H
#define _LINUX_SMP_H

#include <linux/types.h>
#include <linux/preempt.h>
#include <linux/cpumask.h>

__IRQLAB_EXTERN_C_BEGIN
int raw_smp_processor_id(void);
/* Linux's debug build checks the caller cannot migrate; irqlab does the same check. */
int smp_processor_id(void);
typedef void (*smp_call_func_t)(void *info);
int smp_call_function_single(int cpu, smp_call_func_t func, void *info, int wait);
void smp_call_function(smp_call_func_t func, void *info, int wait);
void on_each_cpu(smp_call_func_t func, void *info, int wait);
__IRQLAB_EXTERN_C_END

#define get_cpu() ({ preempt_disable(); smp_processor_id(); })
#define put_cpu() preempt_enable()

#endif /* _LINUX_SMP_H */
