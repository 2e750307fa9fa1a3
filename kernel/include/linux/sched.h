/* SPDX-License-Identifier: GPL-2.0 */
/* Tasks and the scheduler interface (include/linux/sched.h, the part drivers use). */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/types.h>
#include <linux/cpumask.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>

/* Task states (values of 6.12). */
#define TASK_RUNNING 0x00000000
#define TASK_INTERRUPTIBLE 0x00000001
#define TASK_UNINTERRUPTIBLE 0x00000002
#define __TASK_STOPPED 0x00000004
#define __TASK_TRACED 0x00000008
#define EXIT_DEAD 0x00000010
#define EXIT_ZOMBIE 0x00000020
#define TASK_PARKED 0x00000040
#define TASK_DEAD 0x00000080
#define TASK_WAKEKILL 0x00000100
#define TASK_WAKING 0x00000200
#define TASK_NOLOAD 0x00000400
#define TASK_NEW 0x00000800
#define TASK_STATE_MAX 0x00010000
#define TASK_KILLABLE (TASK_WAKEKILL | TASK_UNINTERRUPTIBLE)
#define TASK_IDLE (TASK_UNINTERRUPTIBLE | TASK_NOLOAD)
#define TASK_NORMAL (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)

/* Per-task flags. */
#define PF_IDLE 0x00000002
#define PF_EXITING 0x00000004
#define PF_WQ_WORKER 0x00000020
#define PF_KTHREAD 0x00200000

/* Scheduling policies and priorities (include/uapi/linux/sched.h, sched/prio.h). */
#define SCHED_NORMAL 0
#define SCHED_FIFO 1
#define SCHED_RR 2
#define SCHED_BATCH 3
#define SCHED_IDLE 5
#define MAX_NICE 19
#define MIN_NICE -20
#define MAX_RT_PRIO 100
#define MAX_PRIO (MAX_RT_PRIO + 40)
#define DEFAULT_PRIO (MAX_RT_PRIO + 20)

#define TASK_COMM_LEN 16
#define MAX_SCHEDULE_TIMEOUT LONG_MAX

/* glibc's <sched.h> defines the same struct under this guard. */
#ifndef _BITS_TYPES_STRUCT_SCHED_PARAM
#define _BITS_TYPES_STRUCT_SCHED_PARAM 1
struct sched_param {
	int sched_priority;
};
#endif

struct task_struct {
	unsigned int __state;
	unsigned int flags;       /* PF_* */
	int on_cpu;               /* running right now */
	unsigned int cpu;         /* the CPU it runs on, or last ran on */
	int prio;                 /* kernel-internal: 0..99 RT (lower is higher), 100..139 normal */
	int static_prio;
	int normal_prio;
	unsigned int rt_priority; /* 1..99 for SCHED_FIFO/SCHED_RR */
	unsigned int policy;
	int nr_cpus_allowed;
	cpumask_t cpus_mask;
	pid_t pid;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
	unsigned long nvcsw;      /* voluntary context switches */
	unsigned long nivcsw;     /* involuntary context switches */
	u64 utime;                /* ns in user mode */
	u64 stime;                /* ns in kernel mode */
	int exit_code;
	void *__irqlab_task; /* irqlab: the simulator's Task behind this task_struct */
};

__IRQLAB_EXTERN_C_BEGIN
struct task_struct *get_current(void);
void schedule(void);
long schedule_timeout(long timeout);
long schedule_timeout_interruptible(long timeout);
long schedule_timeout_killable(long timeout);
long schedule_timeout_uninterruptible(long timeout);
long schedule_timeout_idle(long timeout);
void io_schedule(void);
void yield(void);
int wake_up_process(struct task_struct *p);
int wake_up_state(struct task_struct *p, unsigned int state);
int signal_pending(struct task_struct *p);
int fatal_signal_pending(struct task_struct *p);
bool need_resched(void);
void set_user_nice(struct task_struct *p, long nice);
int task_nice(const struct task_struct *p);
int sched_setscheduler_nocheck(struct task_struct *p, int policy, const struct sched_param *param);
void sched_set_fifo(struct task_struct *p);
void sched_set_fifo_low(struct task_struct *p);
void sched_set_normal(struct task_struct *p, int nice);
int set_cpus_allowed_ptr(struct task_struct *p, const struct cpumask *new_mask);
__IRQLAB_EXTERN_C_END

/* C++ files of the simulator itself define IRQLAB_SIM_INTERNAL: `current` is a common word. */
#if !defined(IRQLAB_SIM_INTERNAL)
#define current get_current()
#endif

#define __set_current_state(state_value) do { get_current()->__state = (state_value); } while (0)
#define set_current_state(state_value) do { get_current()->__state = (state_value); smp_mb(); } while (0)
#define get_current_state() READ_ONCE(get_current()->__state)
#define task_is_running(task) (READ_ONCE((task)->__state) == TASK_RUNNING)

#define cond_resched() __cond_resched()

static inline pid_t task_pid_nr(const struct task_struct *tsk) { return tsk->pid; }
static inline unsigned int task_cpu(const struct task_struct *p) { return p->cpu; }
static inline bool is_idle_task(const struct task_struct *p) { return !!(p->flags & PF_IDLE); }

#endif /* _LINUX_SCHED_H */
