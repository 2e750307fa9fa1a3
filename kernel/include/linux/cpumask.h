/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LINUX_CPUMASK_H
#define _LINUX_CPUMASK_H

#include <linux/types.h>
#include <linux/bitops.h>

#define NR_CPUS 256

struct cpumask {
	DECLARE_BITMAP(bits, NR_CPUS);
};
typedef struct cpumask cpumask_t;

__IRQLAB_EXTERN_C_BEGIN
extern unsigned int nr_cpu_ids;
unsigned int num_online_cpus(void);
bool cpu_online(unsigned int cpu);
const struct cpumask *cpu_online_mask_ptr(void);
const struct cpumask *cpumask_of(unsigned int cpu);
__IRQLAB_EXTERN_C_END

#define cpu_online_mask (cpu_online_mask_ptr())
#define cpu_possible_mask (cpu_online_mask_ptr())
#define cpumask_bits(maskp) ((maskp)->bits)

static inline void cpumask_clear(struct cpumask *m)
{
	for (unsigned int i = 0; i < NR_CPUS / BITS_PER_LONG; i++)
		m->bits[i] = 0;
}
static inline void cpumask_set_cpu(unsigned int cpu, struct cpumask *m) { set_bit(cpu, m->bits); }
static inline void cpumask_clear_cpu(unsigned int cpu, struct cpumask *m) { clear_bit(cpu, m->bits); }
static inline bool cpumask_test_cpu(int cpu, const struct cpumask *m) { return test_bit(cpu, m->bits); }
static inline unsigned int cpumask_next(int n, const struct cpumask *m)
{
	for (unsigned int i = (unsigned int)(n + 1); i < nr_cpu_ids; i++)
		if (test_bit(i, m->bits))
			return i;
	return nr_cpu_ids;
}
static inline unsigned int cpumask_first(const struct cpumask *m) { return cpumask_next(-1, m); }
static inline void cpumask_copy(struct cpumask *dst, const struct cpumask *src) { *dst = *src; }

#define for_each_cpu(cpu, mask) \
	for ((cpu) = cpumask_first(mask); (cpu) < nr_cpu_ids; (cpu) = cpumask_next((cpu), (mask)))
#define for_each_online_cpu(cpu) for_each_cpu((cpu), cpu_online_mask)
#define for_each_possible_cpu(cpu) for_each_cpu((cpu), cpu_possible_mask)

#endif /* _LINUX_CPUMASK_H */
