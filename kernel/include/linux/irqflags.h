/* SPDX-License-Identifier: GPL-2.0 */
/* Local interrupt flag of the simulated CPU (EFLAGS.IF), include/linux/irqflags.h. */
#ifndef _LINUX_IRQFLAGS_H
#define _LINUX_IRQFLAGS_H

#include <linux/types.h>

#define X86_EFLAGS_IF 0x00000200UL

__IRQLAB_EXTERN_C_BEGIN
unsigned long arch_local_save_flags(void);
unsigned long arch_local_irq_save(void);
/* Restoring IF=1 delivers what the local APIC holds pending, at once. */
void arch_local_irq_restore(unsigned long flags);
void arch_local_irq_enable(void);
void arch_local_irq_disable(void);
__IRQLAB_EXTERN_C_END

static inline bool arch_irqs_disabled_flags(unsigned long flags) { return !(flags & X86_EFLAGS_IF); }

#define raw_local_irq_save(flags) do { (flags) = arch_local_irq_save(); } while (0)
#define raw_local_irq_restore(flags) arch_local_irq_restore(flags)
#define raw_local_save_flags(flags) do { (flags) = arch_local_save_flags(); } while (0)
#define raw_local_irq_enable() arch_local_irq_enable()
#define raw_local_irq_disable() arch_local_irq_disable()
#define raw_irqs_disabled() arch_irqs_disabled_flags(arch_local_save_flags())
#define raw_irqs_disabled_flags(flags) arch_irqs_disabled_flags(flags)

#define local_irq_save(flags) raw_local_irq_save(flags)
#define local_irq_restore(flags) raw_local_irq_restore(flags)
#define local_save_flags(flags) raw_local_save_flags(flags)
#define local_irq_enable() raw_local_irq_enable()
#define local_irq_disable() raw_local_irq_disable()
#define irqs_disabled() raw_irqs_disabled()
#define irqs_disabled_flags(flags) raw_irqs_disabled_flags(flags)

#endif /* _LINUX_IRQFLAGS_H */
