/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device properties (include/linux/property.h). A scenario gives each device its
 * properties (as a device tree or ACPI would), and drivers read them here.
 */
#ifndef _LINUX_PROPERTY_H
#define _LINUX_PROPERTY_H

#include <linux/types.h>

struct device;

__IRQLAB_EXTERN_C_BEGIN
bool device_property_present(const struct device *dev, const char *propname);
int device_property_read_u32(const struct device *dev, const char *propname, u32 *val);
int device_property_read_u64(const struct device *dev, const char *propname, u64 *val);
int device_property_read_string(const struct device *dev, const char *propname, const char **val);
__IRQLAB_EXTERN_C_END

static inline bool device_property_read_bool(const struct device *dev, const char *propname)
{
	return device_property_present(dev, propname);
}

#endif /* _LINUX_PROPERTY_H */
