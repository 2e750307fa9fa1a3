/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What irqlab's lockdep-style checker needs from a lock: a class (one per initialisation
 * site, as Linux keys it on a static lock_class_key) and a name for reports.
 */
#ifndef _LINUX_LOCKDEP_TYPES_H
#define _LINUX_LOCKDEP_TYPES_H

struct lock_class_key {
	char __one_byte; /* its address is the class */
};

struct lockdep_map {
	struct lock_class_key *key;
	const char *name;
};

#define STATIC_LOCKDEP_MAP_INIT(_name, _key) { .key = (_key), .name = (_name) }

#endif /* _LINUX_LOCKDEP_TYPES_H */
