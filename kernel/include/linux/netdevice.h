/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network devices and NAPI (include/linux/netdevice.h, net/core/dev.c), the part a NIC
 * driver uses: struct net_device with its private area, net_device_ops, registration,
 * the NAPI instance and its scheduling (napi_schedule_prep / __napi_schedule /
 * napi_complete_done), and the receive entry points (netif_receive_skb, napi_gro_receive,
 * netif_rx), and the transmit entry point dev_queue_xmit(). NAPI polls run in
 * NET_RX_SOFTIRQ from net_rx_action(), with Linux's weight, netdev_budget and
 * netdev_budget_usecs. GRO is not modelled: napi_gro_receive() delivers each packet as
 * netif_receive_skb() does. No qdisc: dev_queue_xmit() calls ndo_start_xmit() at once
 * and drops what the device cannot take.
 */
#ifndef _LINUX_NETDEVICE_H
#define _LINUX_NETDEVICE_H

#include <linux/types.h>
#include <linux/list.h>
#include <linux/skbuff.h>
#include <linux/device.h>

#define IFNAMSIZ 16
#define NAPI_POLL_WEIGHT 64
#define NETDEV_ALIGN 32
#define MAX_ADDR_LEN 32

typedef enum netdev_tx {
	NETDEV_TX_OK = 0x00,
	NETDEV_TX_BUSY = 0x10,
} netdev_tx_t;

typedef enum gro_result {
	GRO_MERGED,
	GRO_MERGED_FREE,
	GRO_HELD,
	GRO_NORMAL,
	GRO_CONSUMED,
} gro_result_t;

#define NET_RX_SUCCESS 0
#define NET_RX_DROP 1
#define NET_XMIT_SUCCESS 0x00
#define NET_XMIT_DROP 0x01

/* enum napi_state: bit numbers of napi_struct.state. */
enum {
	NAPI_STATE_SCHED,
	NAPI_STATE_MISSED,
	NAPI_STATE_DISABLE,
	NAPI_STATE_NPSVC,
	NAPI_STATE_LISTED,
	NAPI_STATE_NO_BUSY_POLL,
	NAPI_STATE_IN_BUSY_POLL,
	NAPI_STATE_PREFER_BUSY_POLL,
	NAPI_STATE_THREADED,
	NAPI_STATE_SCHED_THREADED,
};

struct net_device;

struct napi_struct {
	struct list_head poll_list;
	unsigned long state;
	int weight;
	int (*poll)(struct napi_struct *, int);
	struct net_device *dev;
	struct list_head dev_list;
	unsigned int napi_id;
	void *__irqlab;
};

struct net_device_stats {
	unsigned long rx_packets;
	unsigned long tx_packets;
	unsigned long rx_bytes;
	unsigned long tx_bytes;
	unsigned long rx_errors;
	unsigned long tx_errors;
	unsigned long rx_dropped;
	unsigned long tx_dropped;
	unsigned long multicast;
	unsigned long collisions;
	unsigned long rx_length_errors;
	unsigned long rx_over_errors;
	unsigned long rx_crc_errors;
	unsigned long rx_frame_errors;
	unsigned long rx_fifo_errors;
	unsigned long rx_missed_errors;
	unsigned long tx_aborted_errors;
	unsigned long tx_carrier_errors;
	unsigned long tx_fifo_errors;
	unsigned long tx_heartbeat_errors;
	unsigned long tx_window_errors;
	unsigned long rx_compressed;
	unsigned long tx_compressed;
};

struct net_device_ops {
	int (*ndo_open)(struct net_device *dev);
	int (*ndo_stop)(struct net_device *dev);
	netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
};

struct net_device {
	char name[IFNAMSIZ];
	unsigned int flags;
	unsigned int mtu;
	int ifindex;
	const struct net_device_ops *netdev_ops;
	struct net_device_stats stats;
	unsigned char dev_addr[MAX_ADDR_LEN];
	unsigned char addr_len;
	unsigned int num_tx_queues;
	unsigned int real_num_rx_queues;
	int irq;
	struct device dev;		/* the class device; its parent is the bus device */
	struct list_head napi_list;
	void *__irqlab;
};

#define SET_NETDEV_DEV(net, pdev) ((net)->dev.parent = (pdev))

static inline void *netdev_priv(const struct net_device *dev)
{
	return (char *)dev + ((sizeof(struct net_device) + NETDEV_ALIGN - 1) & ~(NETDEV_ALIGN - 1));
}

__IRQLAB_EXTERN_C_BEGIN
struct net_device *alloc_etherdev_mqs(int sizeof_priv, unsigned int txqs, unsigned int rxqs);
void free_netdev(struct net_device *dev);
int register_netdev(struct net_device *dev);
void unregister_netdev(struct net_device *dev);

void netif_napi_add_weight(struct net_device *dev, struct napi_struct *napi,
			   int (*poll)(struct napi_struct *, int), int weight);
void netif_napi_del(struct napi_struct *napi);
void napi_enable(struct napi_struct *n);
void napi_disable(struct napi_struct *n);
bool napi_schedule_prep(struct napi_struct *n);
void __napi_schedule(struct napi_struct *n);
void __napi_schedule_irqoff(struct napi_struct *n);
bool napi_complete_done(struct napi_struct *n, int work_done);

int netif_receive_skb(struct sk_buff *skb);
gro_result_t napi_gro_receive(struct napi_struct *napi, struct sk_buff *skb);
int netif_rx(struct sk_buff *skb);
int dev_queue_xmit(struct sk_buff *skb);

void netif_carrier_on(struct net_device *dev);
void netif_carrier_off(struct net_device *dev);
bool netif_carrier_ok(const struct net_device *dev);
void netif_start_queue(struct net_device *dev);
void netif_stop_queue(struct net_device *dev);
void netif_wake_queue(struct net_device *dev);
bool netif_queue_stopped(const struct net_device *dev);
__printf(2, 3) void netdev_info(const struct net_device *dev, const char *fmt, ...);
__printf(2, 3) void netdev_warn(const struct net_device *dev, const char *fmt, ...);
__printf(2, 3) void netdev_err(const struct net_device *dev, const char *fmt, ...);
__IRQLAB_EXTERN_C_END

static inline void netif_napi_add(struct net_device *dev, struct napi_struct *napi,
				  int (*poll)(struct napi_struct *, int))
{
	netif_napi_add_weight(dev, napi, poll, NAPI_POLL_WEIGHT);
}

static inline bool napi_schedule(struct napi_struct *n)
{
	if (napi_schedule_prep(n)) {
		__napi_schedule(n);
		return true;
	}
	return false;
}

static inline void napi_schedule_irqoff(struct napi_struct *n)
{
	if (napi_schedule_prep(n))
		__napi_schedule_irqoff(n);
}

static inline bool napi_complete(struct napi_struct *n)
{
	return napi_complete_done(n, 0);
}

#endif /* _LINUX_NETDEVICE_H */
