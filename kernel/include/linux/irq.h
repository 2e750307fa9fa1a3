/* SPDX-License-Identifier: GPL-2.0 */
/* IRQ descriptors' driver-visible part (include/linux/irq.h): trigger types and state. */
#ifndef _LINUX_IRQ_H
#define _LINUX_IRQ_H

#include <linux/types.h>
#include <linux/interrupt.h>

enum {
	IRQ_TYPE_NONE = 0x00000000,
	IRQ_TYPE_EDGE_RISING = 0x00000001,
	IRQ_TYPE_EDGE_FALLING = 0x00000002,
	IRQ_TYPE_EDGE_BOTH = (IRQ_TYPE_EDGE_FALLING | IRQ_TYPE_EDGE_RISING),
	IRQ_TYPE_LEVEL_HIGH = 0x00000004,
	IRQ_TYPE_LEVEL_LOW = 0x00000008,
	IRQ_TYPE_LEVEL_MASK = (IRQ_TYPE_LEVEL_LOW | IRQ_TYPE_LEVEL_HIGH),
	IRQ_TYPE_SENSE_MASK = 0x0000000f,
};

/* irq_set_status_flags(): IRQ_DISABLE_UNLAZY makes disable_irq() mask at once. */
#define IRQ_NOREQUEST (1 << 11)
#define IRQ_NOAUTOEN (1 << 12)
#define IRQ_DISABLE_UNLAZY (1 << 19)

struct irq_data {
	u32 mask;
	unsigned int irq;
	irq_hw_number_t hwirq;
	void *__irqlab_desc;
};

__IRQLAB_EXTERN_C_BEGIN
struct irq_data *irq_get_irq_data(unsigned int irq);
void irq_set_status_flags(unsigned int irq, unsigned long set);
void irq_clear_status_flags(unsigned int irq, unsigned long clr);
u32 irqd_get_trigger_type(struct irq_data *d);
bool irqd_irq_disabled(struct irq_data *d);
bool irqd_irq_masked(struct irq_data *d);
bool irqd_irq_inprogress(struct irq_data *d);
__IRQLAB_EXTERN_C_END

#endif /* _LINUX_IRQ_H */
