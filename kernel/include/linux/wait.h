/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wait queues (include/linux/wait.h). The wait_event*() macros are Linux's: they run in
 * the caller, put an entry that lives on the caller's stack on the queue, set the task
 * state, test the condition and call schedule(), exactly as in the kernel.
 */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/kernel.h>

struct wait_queue_entry;
typedef struct wait_queue_entry wait_queue_entry_t;
typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned mode, int flags, void *key);

#define WQ_FLAG_EXCLUSIVE 0x01
#define WQ_FLAG_WOKEN 0x02
#define WQ_FLAG_CUSTOM 0x04
#define WQ_FLAG_DONE 0x08
#define WQ_FLAG_PRIORITY 0x10

/* Linux calls the task pointer `private`, a C++ keyword: C++ sees it as `private_`. */
#ifdef __cplusplus
#define __IRQLAB_WQ_PRIVATE private_
#else
#define __IRQLAB_WQ_PRIVATE private
#endif

struct wait_queue_entry {
	unsigned int flags;
	void *__IRQLAB_WQ_PRIVATE;
	wait_queue_func_t func;
	struct list_head entry;
};

struct wait_queue_head {
	spinlock_t lock;
	struct list_head head;
};
typedef struct wait_queue_head wait_queue_head_t;

__IRQLAB_EXTERN_C_BEGIN
int default_wake_function(struct wait_queue_entry *wq_entry, unsigned mode, int flags, void *key);
int autoremove_wake_function(struct wait_queue_entry *wq_entry, unsigned mode, int flags, void *key);
void __init_waitqueue_head(struct wait_queue_head *wq_head, const char *name, struct lock_class_key *key);
void add_wait_queue(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
void add_wait_queue_exclusive(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
void remove_wait_queue(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
void __wake_up(struct wait_queue_head *wq_head, unsigned int mode, int nr, void *key);
void __wake_up_sync(struct wait_queue_head *wq_head, unsigned int mode);
void init_wait_entry(struct wait_queue_entry *wq_entry, int flags);
long prepare_to_wait_event(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry, int state);
void prepare_to_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry, int state);
bool prepare_to_wait_exclusive(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry, int state);
void finish_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
__IRQLAB_EXTERN_C_END

#define __WAIT_QUEUE_HEAD_INITIALIZER(name)                                 \
	{ .lock = __SPIN_LOCK_INITIALIZER(name.lock), .head = LIST_HEAD_INIT(name.head) }
#define DECLARE_WAIT_QUEUE_HEAD(name) struct wait_queue_head name = __WAIT_QUEUE_HEAD_INITIALIZER(name)

#define __WAITQUEUE_INITIALIZER(name, tsk)                                  \
	{ .flags = 0, .__IRQLAB_WQ_PRIVATE = (tsk), .func = default_wake_function, .entry = { NULL, NULL } }
#define DECLARE_WAITQUEUE(name, tsk) struct wait_queue_entry name = __WAITQUEUE_INITIALIZER(name, tsk)

#define DEFINE_WAIT_FUNC(name, function)                                    \
	struct wait_queue_entry name = { .flags = 0, .__IRQLAB_WQ_PRIVATE = get_current(), \
		.func = function, .entry = LIST_HEAD_INIT((name).entry) }
#define DEFINE_WAIT(name) DEFINE_WAIT_FUNC(name, autoremove_wake_function)

#define init_waitqueue_head(wq_head) do {                                   \
	static struct lock_class_key __key;                                 \
	__init_waitqueue_head((wq_head), #wq_head, &__key);                 \
} while (0)

static inline int waitqueue_active(struct wait_queue_head *wq_head) { return !list_empty(&wq_head->head); }
static inline bool wq_has_sleeper(struct wait_queue_head *wq_head) { smp_mb(); return waitqueue_active(wq_head); }

#define wake_up(x) __wake_up(x, TASK_NORMAL, 1, NULL)
#define wake_up_nr(x, nr) __wake_up(x, TASK_NORMAL, nr, NULL)
#define wake_up_all(x) __wake_up(x, TASK_NORMAL, 0, NULL)
#define wake_up_interruptible(x) __wake_up(x, TASK_INTERRUPTIBLE, 1, NULL)
#define wake_up_interruptible_nr(x, nr) __wake_up(x, TASK_INTERRUPTIBLE, nr, NULL)
#define wake_up_interruptible_all(x) __wake_up(x, TASK_INTERRUPTIBLE, 0, NULL)
#define wake_up_interruptible_sync(x) __wake_up_sync((x), TASK_INTERRUPTIBLE)

#define ___wait_is_interruptible(state)                                     \
	(!__builtin_constant_p(state) || (state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)))

/* The loop every wait_event*() expands to (6.12, include/linux/wait.h). */
#define ___wait_event(wq_head, condition, state, exclusive, ret, cmd) ({    \
	__label__ __out;                                                    \
	struct wait_queue_entry __wq_entry;                                 \
	long __ret = ret; /* explicit shadow */                             \
                                                                            \
	init_wait_entry(&__wq_entry, exclusive ? WQ_FLAG_EXCLUSIVE : 0);    \
	for (;;) {                                                          \
		long __int = prepare_to_wait_event(&wq_head, &__wq_entry, state); \
                                                                            \
		if (condition)                                              \
			break;                                              \
                                                                            \
		if (___wait_is_interruptible(state) && __int) {             \
			__ret = __int;                                      \
			goto __out;                                         \
		}                                                           \
                                                                            \
		cmd;                                                        \
	}                                                                   \
	finish_wait(&wq_head, &__wq_entry);                                 \
__out:	__ret;                                                              \
})

#define __wait_event(wq_head, condition)                                    \
	(void)___wait_event(wq_head, condition, TASK_UNINTERRUPTIBLE, 0, 0, schedule())

#define wait_event(wq_head, condition) do {                                 \
	might_sleep();                                                      \
	if (condition)                                                      \
		break;                                                      \
	__wait_event(wq_head, condition);                                   \
} while (0)

#define ___wait_cond_timeout(condition) ({                                  \
	bool __cond = (condition);                                          \
	if (__cond && !__ret)                                               \
		__ret = 1;                                                  \
	__cond || !__ret;                                                   \
})

#define __wait_event_timeout(wq_head, condition, timeout)                   \
	___wait_event(wq_head, ___wait_cond_timeout(condition),             \
		      TASK_UNINTERRUPTIBLE, 0, timeout,                     \
		      __ret = schedule_timeout(__ret))

#define wait_event_timeout(wq_head, condition, timeout) ({                  \
	long __ret = timeout;                                               \
	might_sleep();                                                      \
	if (!___wait_cond_timeout(condition))                               \
		__ret = __wait_event_timeout(wq_head, condition, timeout);  \
	__ret;                                                              \
})

#define __wait_event_interruptible(wq_head, condition)                      \
	___wait_event(wq_head, condition, TASK_INTERRUPTIBLE, 0, 0, schedule())

#define wait_event_interruptible(wq_head, condition) ({                     \
	int __ret = 0;                                                      \
	might_sleep();                                                      \
	if (!(condition))                                                   \
		__ret = __wait_event_interruptible(wq_head, condition);     \
	__ret;                                                              \
})

#define __wait_event_interruptible_timeout(wq_head, condition, timeout)     \
	___wait_event(wq_head, ___wait_cond_timeout(condition),             \
		      TASK_INTERRUPTIBLE, 0, timeout,                       \
		      __ret = schedule_timeout(__ret))

#define wait_event_interruptible_timeout(wq_head, condition, timeout) ({    \
	long __ret = timeout;                                               \
	might_sleep();                                                      \
	if (!___wait_cond_timeout(condition))                               \
		__ret = __wait_event_interruptible_timeout(wq_head,         \
						condition, timeout);        \
	__ret;                                                              \
})

#define __wait_event_killable(wq_head, condition)                           \
	___wait_event(wq_head, condition, TASK_KILLABLE, 0, 0, schedule())

#define wait_event_killable(wq_head, condition) ({                          \
	int __ret = 0;                                                      \
	might_sleep();                                                      \
	if (!(condition))                                                   \
		__ret = __wait_event_killable(wq_head, condition);          \
	__ret;                                                              \
})

#define __wait_event_interruptible_exclusive(wq, condition)                 \
	___wait_event(wq, condition, TASK_INTERRUPTIBLE, 1, 0, schedule())

#define wait_event_interruptible_exclusive(wq, condition) ({                \
	int __ret = 0;                                                      \
	might_sleep();                                                      \
	if (!(condition))                                                   \
		__ret = __wait_event_interruptible_exclusive(wq, condition);\
	__ret;                                                              \
})

#define __wait_event_idle(wq_head, condition)                               \
	(void)___wait_event(wq_head, condition, TASK_IDLE, 0, 0, schedule())
#define wait_event_idle(wq_head, condition) do {                            \
	might_sleep();                                                      \
	if (!(condition))                                                   \
		__wait_event_idle(wq_head, condition);                      \
} while (0)

#endif /* _LINUX_WAIT_H */
