/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Waiting for a variable to change (include/linux/wait_bit.h): wait_var_event() sleeps
 * until a condition on some variable holds; whoever changes it calls wake_up_var().
 * Linux hashes variables into a table of wait queues; irqlab uses one queue (every
 * waiter re-checks its own condition, so sharing only costs spurious wakeups).
 */
#ifndef _LINUX_WAIT_BIT_H
#define _LINUX_WAIT_BIT_H

#include <linux/wait.h>

__IRQLAB_EXTERN_C_BEGIN
wait_queue_head_t *__var_waitqueue(void *p);
void wake_up_var(void *var);
__IRQLAB_EXTERN_C_END

#define wait_var_event(var, condition) do {                                 \
	might_sleep();                                                      \
	if (condition)                                                      \
		break;                                                      \
	__wait_event(*__var_waitqueue(var), condition);                     \
} while (0)

#endif /* _LINUX_WAIT_BIT_H */
