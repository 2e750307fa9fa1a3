/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Socket buffers (include/linux/skbuff.h), the part a NIC driver and the receive path use:
 * a linear buffer with head/data/tail/end, its length, protocol and queue mapping.
 * irqlab has no fragments, no clones and no shared info; an skb is one kmalloc'd block.
 */
#ifndef _LINUX_SKBUFF_H
#define _LINUX_SKBUFF_H

#include <linux/types.h>
#include <linux/gfp.h>
#include <linux/list.h>

struct net_device;
struct napi_struct;

struct sk_buff {
	struct sk_buff *next;
	struct sk_buff *prev;
	struct net_device *dev;
	ktime_t tstamp;		/* irqlab: when its data arrived at the device (the wire) */
	unsigned int len;
	__be16 protocol;
	u16 queue_mapping;
	u32 hash;
	unsigned char *head;
	unsigned char *data;
	unsigned char *tail;
	unsigned char *end;
};

struct sk_buff_head {
	struct sk_buff *next;
	struct sk_buff *prev;
	u32 qlen;
};

__IRQLAB_EXTERN_C_BEGIN
struct sk_buff *alloc_skb(unsigned int size, gfp_t priority);
struct sk_buff *__netdev_alloc_skb(struct net_device *dev, unsigned int length, gfp_t gfp_mask);
struct sk_buff *napi_alloc_skb(struct napi_struct *napi, unsigned int length);
void kfree_skb(struct sk_buff *skb);
void consume_skb(struct sk_buff *skb);
void dev_kfree_skb_any(struct sk_buff *skb);
void dev_kfree_skb_irq(struct sk_buff *skb);
void napi_consume_skb(struct sk_buff *skb, int budget);
void *skb_put(struct sk_buff *skb, unsigned int len);
void *skb_pull(struct sk_buff *skb, unsigned int len);
__IRQLAB_EXTERN_C_END

#define dev_kfree_skb(a) consume_skb(a)

static inline struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int length)
{
	return __netdev_alloc_skb(dev, length, GFP_ATOMIC);
}
static inline void skb_reserve(struct sk_buff *skb, int len)
{
	skb->data += len;
	skb->tail += len;
}
static inline unsigned int skb_headlen(const struct sk_buff *skb) { return skb->len; }
static inline void skb_record_rx_queue(struct sk_buff *skb, u16 rx_queue) { skb->queue_mapping = rx_queue + 1; }
static inline u16 skb_get_rx_queue(const struct sk_buff *skb) { return skb->queue_mapping - 1; }
static inline void skb_set_hash(struct sk_buff *skb, u32 hash, int type) { (void)type; skb->hash = hash; }

#define PKT_HASH_TYPE_L4 3

#endif /* _LINUX_SKBUFF_H */
