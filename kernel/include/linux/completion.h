/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_COMPLETION_H
#define _LINUX_COMPLETION_H

#include <linux/wait.h>

/* Linux uses a simple wait queue (swait); a wait queue behaves the same for these uses. */
struct completion {
	unsigned int done;
	struct wait_queue_head wait;
};

#define UINT_MAX_DONE (~0U)
#define COMPLETION_INITIALIZER(work) { .done = 0, .wait = __WAIT_QUEUE_HEAD_INITIALIZER((work).wait) }
#define DECLARE_COMPLETION(work) struct completion work = COMPLETION_INITIALIZER(work)
#define DECLARE_COMPLETION_ONSTACK(work) DECLARE_COMPLETION(work)

__IRQLAB_EXTERN_C_BEGIN
void complete(struct completion *x);
void complete_all(struct completion *x);
void wait_for_completion(struct completion *x);
void wait_for_completion_io(struct completion *x);
unsigned long wait_for_completion_timeout(struct completion *x, unsigned long timeout);
int wait_for_completion_interruptible(struct completion *x);
long wait_for_completion_interruptible_timeout(struct completion *x, unsigned long timeout);
int wait_for_completion_killable(struct completion *x);
bool try_wait_for_completion(struct completion *x);
bool completion_done(struct completion *x);
__IRQLAB_EXTERN_C_END

#define init_completion(x) do {                                             \
	(x)->done = 0;                                                      \
	init_waitqueue_head(&(x)->wait);                                    \
} while (0)
static inline void reinit_completion(struct completion *x) { x->done = 0; }

#endif /* _LINUX_COMPLETION_H */
