/* SPDX-License-Identifier: GPL-2.0 */
/* Ethernet devices (include/linux/etherdevice.h): allocation and eth_type_trans(). */
#ifndef _LINUX_ETHERDEVICE_H
#define _LINUX_ETHERDEVICE_H

#include <linux/netdevice.h>

#define ETH_ALEN	6
#define ETH_HLEN	14
#define ETH_ZLEN	60
#define ETH_DATA_LEN	1500
#define ETH_FRAME_LEN	1514
#define ETH_FCS_LEN	4

#define alloc_etherdev_mq(sizeof_priv, count) alloc_etherdev_mqs(sizeof_priv, count, count)
#define alloc_etherdev(sizeof_priv) alloc_etherdev_mq(sizeof_priv, 1)

__IRQLAB_EXTERN_C_BEGIN
/* Sets skb->dev, pulls the Ethernet header and returns the frame's protocol. */
__be16 eth_type_trans(struct sk_buff *skb, struct net_device *dev);
void eth_hw_addr_set(struct net_device *dev, const u8 *addr);
__IRQLAB_EXTERN_C_END

#endif /* _LINUX_ETHERDEVICE_H */
