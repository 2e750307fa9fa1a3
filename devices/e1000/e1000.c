// SPDX-License-Identifier: GPL-2.0
/*
 * e1000: the driver of irqlab's e1000 NIC (devices/e1000/README.md), after Linux's
 * drivers/net/ethernet/intel/e1000/e1000_main.c, under its function names: e1000_intr,
 * e1000_clean, e1000_clean_rx_irq, e1000_clean_tx_irq, e1000_alloc_rx_buffers,
 * e1000_set_itr, e1000_xmit_frame.
 *
 * Two styles, the device property "style" chooses:
 *  - "napi" (Linux's e1000, the default): the hard handler reads ICR (0: not ours, on a
 *    shared line), masks the NIC (IMC = ~0) and schedules NAPI; e1000_clean() polls in
 *    NET_RX_SOFTIRQ, up to the budget, and unmasks (IMS) only after napi_complete_done()
 *    returned true. Under load the NIC stays masked and frames it has no descriptor for
 *    are dropped by the hardware, at no cost to the CPU.
 *  - "per-packet" (the e1000 of Linux 2.4 without CONFIG_E1000_NAPI): no throttling
 *    (ITR 0, RDTR 0), so an interrupt per frame, and all receive work in the hard handler,
 *    which hands each frame to netif_rx(): the backlog queue, processed later in
 *    NET_RX_SOFTIRQ. Under load the hard handler and the softirq it raises take the CPU
 *    from everything else: receive livelock (Mogul & Ramakrishnan, 1997).
 *
 * Receive-side scaling (the "queues" property, 2-4, with MSI-X), after igb: one RX ring
 * per queue, the redirection table (RETA) spreading the flows' RSS hashes over them as
 * igb_setup_reta() does, and a q_vector per queue with its own IRQ ("eth0-rx-0", ...),
 * its own hard handler (e1000_msix_rx: mask the queue's vector in EIMC, schedule the
 * queue's NAPI) and its own napi_struct, polled on the CPU that took the interrupt
 * (e1000_clean_msix). TX completions come on vector 0 and are cleaned by its poll.
 *
 * irqlab has no "ip link set up": probe() also does what e1000_open() does (rings,
 * buffers, the IRQ, interrupts on). No PCI: the NIC is a platform device whose MMIO
 * window and IRQ come from its resources, and whose MAC address is in RA[0] (the EEPROM
 * is not modelled). Received frames are always copied into a fresh skb and the buffer is
 * reused (Linux does that below copybreak, 256 bytes). skb->tstamp is the frame's arrival
 * on the wire, from the NIC's irqlab-specific timestamp in front of each frame
 * (E1000_RCTL_TSIP): a process's read of /dev/ethN then reports the latency from the wire.
 */
#include <linux/bitops.h>
#include <linux/dma-mapping.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "e1000_hw.h"

/* x86 is little endian: the descriptors' byte order is the CPU's. */
#define cpu_to_le64(x) ((__le64)(x))
#define cpu_to_le32(x) ((__le32)(x))
#define le16_to_cpu(x) ((u16)(x))
#define le32_to_cpu(x) ((u32)(x))

#define E1000_DEFAULT_RXD	256
#define E1000_DEFAULT_TXD	256
#define REQ_RX_DESCRIPTOR_MULTIPLE 8
#define E1000_RX_BUFFER_WRITE	16	/* Must be power of 2 */
#define E1000_RXBUFFER_2048	2048
#define E1000_MAX_INTR		10	/* the pre-NAPI handler's passes over the rings */
#define TX_WAKE_THRESHOLD	32
#define DEFAULT_ITR		3	/* dynamic conservative */
#define DEFAULT_RDTR		0
#define DEFAULT_RADV		8	/* units of 1.024 us */

enum e1000_state_t {
	__E1000_TESTING,
	__E1000_RESETTING,
	__E1000_DOWN,
	__E1000_DISABLED
};

enum latency_range {
	lowest_latency = 0,
	low_latency = 1,
	bulk_latency = 2,
	latency_invalid = 255
};

struct e1000_rx_buffer {
	void *data;
	dma_addr_t dma;
};

struct e1000_tx_buffer {
	struct sk_buff *skb;
	dma_addr_t dma;
	unsigned int length;
};

struct e1000_rx_ring {
	struct e1000_rx_desc *desc;	/* the descriptors, in coherent DMA memory */
	dma_addr_t dma;
	unsigned int size;		/* bytes */
	unsigned int count;		/* descriptors */
	unsigned int next_to_use;
	unsigned int next_to_clean;
	struct e1000_rx_buffer *buffer_info;
	unsigned int reg_idx;		/* irqlab: the queue's registers, RDT_Q(reg_idx) */
};

struct e1000_tx_ring {
	struct e1000_tx_desc *desc;
	dma_addr_t dma;
	unsigned int size;
	unsigned int count;
	unsigned int next_to_use;
	unsigned int next_to_clean;
	struct e1000_tx_buffer *buffer_info;
};

#define E1000_RX_DESC(R, i) (&(R).desc[i])
#define E1000_TX_DESC(R, i) (&(R).desc[i])
#define E1000_DESC_UNUSED(R) \
	((((R)->next_to_clean > (R)->next_to_use) ? 0 : (R)->count) + \
	 (R)->next_to_clean - (R)->next_to_use - 1)

struct e1000_adapter {
	struct net_device *netdev;
	struct platform_device *pdev;
	u8 __iomem *hw_addr;
	int irq;
	unsigned long flags;
	bool per_packet;		/* irqlab: the pre-NAPI style */
	bool msi;

	struct napi_struct napi;
	struct e1000_tx_ring tx_ring;
	struct e1000_rx_ring rx_ring;
	u32 rx_buffer_len;

	/* interrupt moderation (e1000_param.c's options) */
	u32 itr;			/* interrupts/s now */
	u32 itr_setting;		/* InterruptThrottleRate: 0, 1, 3 or a rate */
	u16 tx_itr;
	u16 rx_itr;
	u32 rx_int_delay;		/* RDTR, units of 1.024 us */
	u32 rx_abs_int_delay;		/* RADV */
	u16 link_speed;
	unsigned int total_tx_bytes;
	unsigned int total_tx_packets;
	unsigned int total_rx_bytes;
	unsigned int total_rx_packets;

	u64 mpc;			/* missed packets (MPC, read and cleared) */

	/* irqlab: receive-side scaling, queues > 1 with MSI-X (igb's q_vectors) */
	int num_rx_queues;
	struct e1000_rx_ring rx_rings[E1000_MAX_RX_QUEUES - 1];	/* queues 1..; 0 is rx_ring */
	struct e1000_q_vector {
		struct e1000_adapter *adapter;
		struct e1000_rx_ring *rx_ring;
		struct napi_struct napi;
		int irq;
		u32 eims_value;		/* its bit in EICR/EIMS/EIMC */
		char name[IFNAMSIZ + 16];	/* "eth0-rx-0" */
	} q_vector[E1000_MAX_RX_QUEUES];
};

#define e1000_multi_queue(adapter) ((adapter)->num_rx_queues > 1)

#define er32(reg) readl(adapter->hw_addr + E1000_##reg)
#define ew32(reg, value) writel((value), adapter->hw_addr + E1000_##reg)
#define E1000_WRITE_FLUSH() er32(STATUS)

static u32 e1000_eims_mask(struct e1000_adapter *adapter)
{
	return (1u << adapter->num_rx_queues) - 1;
}

static void e1000_irq_enable(struct e1000_adapter *adapter)
{
	if (e1000_multi_queue(adapter)) {
		/* igb_irq_enable (MSI-X): each vector's cause clears itself when sent */
		ew32(EIAC, e1000_eims_mask(adapter));
		ew32(EIMS, e1000_eims_mask(adapter));
		E1000_WRITE_FLUSH();
		return;
	}
	ew32(IMS, IMS_ENABLE_MASK);
	E1000_WRITE_FLUSH();
}

static void e1000_irq_disable(struct e1000_adapter *adapter)
{
	int i;

	if (e1000_multi_queue(adapter)) {
		ew32(EIMC, ~0);
		ew32(EIAC, 0);
		E1000_WRITE_FLUSH();
		for (i = 0; i < adapter->num_rx_queues; i++)
			synchronize_irq(adapter->q_vector[i].irq);
		return;
	}
	ew32(IMC, ~0);
	E1000_WRITE_FLUSH();
	synchronize_irq(adapter->irq);
}

/* --- interrupt moderation (e1000_update_itr, e1000_set_itr) --------------------- */

static unsigned int e1000_update_itr(struct e1000_adapter *adapter, u16 itr_setting, int packets, int bytes)
{
	unsigned int retval = itr_setting;

	(void)adapter;
	if (packets == 0)
		goto update_itr_done;

	switch (itr_setting) {
	case lowest_latency:
		/* jumbo frames get bulk treatment*/
		if (bytes / packets > 8000)
			retval = bulk_latency;
		else if ((packets < 5) && (bytes > 512))
			retval = low_latency;
		break;
	case low_latency:  /* 50 usec aka 20000 ints/s */
		if (bytes > 10000) {
			/* jumbo frames need bulk latency setting */
			if (bytes / packets > 8000)
				retval = bulk_latency;
			else if ((packets < 10) || ((bytes / packets) > 1200))
				retval = bulk_latency;
			else if ((packets > 35))
				retval = lowest_latency;
		} else if (bytes / packets > 2000)
			retval = bulk_latency;
		else if (packets <= 2 && bytes < 512)
			retval = lowest_latency;
		break;
	case bulk_latency: /* 250 usec aka 4000 ints/s */
		if (bytes > 25000) {
			if (packets > 35)
				retval = low_latency;
		} else if (bytes < 6000) {
			retval = low_latency;
		}
		break;
	}

update_itr_done:
	return retval;
}

static void e1000_set_itr(struct e1000_adapter *adapter)
{
	u16 current_itr;
	u32 new_itr = adapter->itr;

	/* for non-gigabit speeds, just fix the interrupt rate at 4000 */
	if (unlikely(adapter->link_speed != 1000)) {
		new_itr = 4000;
		goto set_itr_now;
	}

	adapter->tx_itr = e1000_update_itr(adapter, adapter->tx_itr, adapter->total_tx_packets,
					   adapter->total_tx_bytes);
	/* conservative mode (itr 3) eliminates the lowest_latency setting */
	if (adapter->itr_setting == 3 && adapter->tx_itr == lowest_latency)
		adapter->tx_itr = low_latency;

	adapter->rx_itr = e1000_update_itr(adapter, adapter->rx_itr, adapter->total_rx_packets,
					   adapter->total_rx_bytes);
	/* conservative mode (itr 3) eliminates the lowest_latency setting */
	if (adapter->itr_setting == 3 && adapter->rx_itr == lowest_latency)
		adapter->rx_itr = low_latency;

	current_itr = max(adapter->rx_itr, adapter->tx_itr);

	switch (current_itr) {
	/* counts and packets in update_itr are dependent on these numbers */
	case lowest_latency:
		new_itr = 70000;
		break;
	case low_latency:
		new_itr = 20000; /* aka hwitr = ~200 */
		break;
	case bulk_latency:
		new_itr = 4000;
		break;
	default:
		break;
	}

set_itr_now:
	if (new_itr != adapter->itr) {
		/* this attempts to bias the interrupt rate towards Bulk
		 * by adding intermediate steps when interrupt rate is
		 * increasing
		 */
		new_itr = new_itr > adapter->itr ? min(adapter->itr + (new_itr >> 2), new_itr) : new_itr;
		adapter->itr = new_itr;
		ew32(ITR, 1000000000 / (new_itr * 256));
	}
}

/* --- receive ---------------------------------------------------------------------- */

/*
 * Give the NIC buffers for `cleaned_count` descriptors from next_to_use on, and move
 * RDT. As in Linux, RDT is written as the last descriptor filled, so the NIC owns the
 * descriptors from RDH up to (not including) that one.
 */
static void e1000_alloc_rx_buffers(struct e1000_adapter *adapter, struct e1000_rx_ring *rx_ring,
				   int cleaned_count)
{
	struct device *dev = &adapter->pdev->dev;
	struct e1000_rx_buffer *buffer_info;
	struct e1000_rx_desc *rx_desc;
	unsigned int i;

	i = rx_ring->next_to_use;
	buffer_info = &rx_ring->buffer_info[i];

	while (cleaned_count--) {
		if (!buffer_info->data) {
			void *data = kmalloc(adapter->rx_buffer_len, GFP_ATOMIC);

			if (!data)
				break;
			buffer_info->dma = dma_map_single(dev, data, adapter->rx_buffer_len, DMA_FROM_DEVICE);
			if (dma_mapping_error(dev, buffer_info->dma)) {
				kfree(data);
				buffer_info->dma = 0;
				break;
			}
			buffer_info->data = data;
		}
		rx_desc = E1000_RX_DESC(*rx_ring, i);
		rx_desc->buffer_addr = cpu_to_le64(buffer_info->dma);
		rx_desc->status = 0;

		if (unlikely(++i == rx_ring->count))
			i = 0;
		buffer_info = &rx_ring->buffer_info[i];
	}

	if (likely(rx_ring->next_to_use != i)) {
		rx_ring->next_to_use = i;
		if (unlikely(i-- == 0))
			i = (rx_ring->count - 1);

		/* Force memory writes to complete before letting h/w
		 * know there are new descriptors to fetch.
		 */
		wmb();
		writel(i, adapter->hw_addr + E1000_RDT_Q(rx_ring->reg_idx));
	}
}

/*
 * Send received frames up the stack: every descriptor the NIC wrote back (DD), up to
 * `work_to_do`. Each frame is copied into a new skb (the buffer goes back to the NIC),
 * stamped with its arrival on the wire, and handed on: to GRO from NAPI, to the backlog
 * (netif_rx) from the per-packet hard handler.
 */
static bool e1000_clean_rx_irq(struct e1000_adapter *adapter, struct e1000_rx_ring *rx_ring,
			       struct napi_struct *napi, int *work_done, int work_to_do)
{
	struct net_device *netdev = adapter->netdev;
	struct e1000_rx_desc *rx_desc;
	struct e1000_rx_buffer *buffer_info;
	unsigned int total_rx_bytes = 0, total_rx_packets = 0;
	int cleaned_count = 0;
	bool cleaned = false;
	unsigned int i;

	i = rx_ring->next_to_clean;
	rx_desc = E1000_RX_DESC(*rx_ring, i);
	buffer_info = &rx_ring->buffer_info[i];

	while (rx_desc->status & E1000_RXD_STAT_DD) {
		struct sk_buff *skb;
		const u8 *data;
		u64 tstamp;
		u32 length;
		u8 status;

		if (*work_done >= work_to_do)
			break;
		(*work_done)++;
		rmb(); /* read descriptor and rx_buffer_info after status DD */

		status = rx_desc->status;
		length = le16_to_cpu(rx_desc->length);
		data = buffer_info->data;

		if (++i == rx_ring->count)
			i = 0;
		cleaned = true;
		cleaned_count++;

		if (unlikely(!(status & E1000_RXD_STAT_EOP) ||
			     (rx_desc->errors & E1000_RXD_ERR_FRAME_ERR_MASK) || length <= ETH_FCS_LEN)) {
			netdev->stats.rx_errors++;
			goto next_desc;
		}

		/* adjust length to remove Ethernet CRC */
		length -= ETH_FCS_LEN;
		if (adapter->per_packet)
			skb = netdev_alloc_skb(netdev, length);
		else
			skb = napi_alloc_skb(napi, length);
		if (!skb) {
			netdev->stats.rx_dropped++;
			goto next_desc;
		}
		/* irqlab: the arrival time the NIC put in front of the frame (TSIP) */
		memcpy(&tstamp, data, sizeof(tstamp));
		skb->tstamp = (ktime_t)tstamp;
		memcpy(skb_put(skb, length), data + E1000_TSIP_HDR_LEN, length);
		total_rx_bytes += length;
		total_rx_packets++;

		skb->protocol = eth_type_trans(skb, netdev);
		if (e1000_multi_queue(adapter))
			skb_record_rx_queue(skb, rx_ring->reg_idx);
		if (adapter->per_packet)
			netif_rx(skb);
		else
			napi_gro_receive(napi, skb);

next_desc:
		rx_desc->status = 0;

		/* return some buffers to hardware, one at a time is too slow */
		if (unlikely(cleaned_count >= E1000_RX_BUFFER_WRITE)) {
			e1000_alloc_rx_buffers(adapter, rx_ring, cleaned_count);
			cleaned_count = 0;
		}

		rx_desc = E1000_RX_DESC(*rx_ring, i);
		buffer_info = &rx_ring->buffer_info[i];
	}
	rx_ring->next_to_clean = i;

	cleaned_count = E1000_DESC_UNUSED(rx_ring);
	if (cleaned_count)
		e1000_alloc_rx_buffers(adapter, rx_ring, cleaned_count);

	adapter->total_rx_packets += total_rx_packets;
	adapter->total_rx_bytes += total_rx_bytes;
	netdev->stats.rx_bytes += total_rx_bytes;
	netdev->stats.rx_packets += total_rx_packets;
	return cleaned;
}

/* --- transmit --------------------------------------------------------------------- */

/* Reclaim what the NIC has sent (DD). Returns false if the ring may hold more. */
static bool e1000_clean_tx_irq(struct e1000_adapter *adapter)
{
	struct e1000_tx_ring *tx_ring = &adapter->tx_ring;
	struct net_device *netdev = adapter->netdev;
	struct device *dev = &adapter->pdev->dev;
	unsigned int total_tx_bytes = 0, total_tx_packets = 0;
	unsigned int count = 0;
	unsigned int i;

	i = tx_ring->next_to_clean;
	while (count < tx_ring->count && i != tx_ring->next_to_use &&
	       (le32_to_cpu(E1000_TX_DESC(*tx_ring, i)->upper.data) & E1000_TXD_STAT_DD)) {
		struct e1000_tx_buffer *buffer_info = &tx_ring->buffer_info[i];

		rmb(); /* read buffer_info after the descriptor's status */
		dma_unmap_single(dev, buffer_info->dma, buffer_info->length, DMA_TO_DEVICE);
		total_tx_packets++;
		total_tx_bytes += buffer_info->length;
		dev_kfree_skb_any(buffer_info->skb);
		buffer_info->skb = NULL;
		E1000_TX_DESC(*tx_ring, i)->upper.data = 0;
		if (unlikely(++i == tx_ring->count))
			i = 0;
		count++;
	}
	tx_ring->next_to_clean = i;

	if (unlikely(count && netif_carrier_ok(netdev) && E1000_DESC_UNUSED(tx_ring) >= TX_WAKE_THRESHOLD)) {
		/* Make sure that anybody stopping the queue after this sees the new
		 * next_to_clean.
		 */
		smp_mb();
		if (netif_queue_stopped(netdev) && !test_bit(__E1000_DOWN, &adapter->flags))
			netif_wake_queue(netdev);
	}
	adapter->total_tx_bytes += total_tx_bytes;
	adapter->total_tx_packets += total_tx_packets;
	netdev->stats.tx_bytes += total_tx_bytes;
	netdev->stats.tx_packets += total_tx_packets;
	return count < tx_ring->count;
}

static int __e1000_maybe_stop_tx(struct net_device *netdev, int size)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);
	struct e1000_tx_ring *tx_ring = &adapter->tx_ring;

	netif_stop_queue(netdev);
	/* Herbert's original patch had:
	 *  smp_mb__after_netif_stop_queue();
	 * but since that doesn't exist yet, just open code it.
	 */
	smp_mb();

	/* We need to check again in a case another CPU has just
	 * made room available.
	 */
	if (likely(E1000_DESC_UNUSED(tx_ring) < size))
		return -EBUSY;

	/* A reprieve! */
	netif_start_queue(netdev);
	return 0;
}

static int e1000_maybe_stop_tx(struct net_device *netdev, int size)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);

	if (likely(E1000_DESC_UNUSED(&adapter->tx_ring) >= size))
		return 0;
	return __e1000_maybe_stop_tx(netdev, size);
}

/* One frame, one descriptor: EOP, insert the FCS, report status (DD) when sent. */
static netdev_tx_t e1000_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct e1000_adapter *adapter = netdev_priv(netdev);
	struct e1000_tx_ring *tx_ring = &adapter->tx_ring;
	struct device *dev = &adapter->pdev->dev;
	struct e1000_tx_buffer *buffer_info;
	struct e1000_tx_desc *tx_desc;
	unsigned int i;

	if (unlikely(e1000_maybe_stop_tx(netdev, 2)))
		return NETDEV_TX_BUSY;

	i = tx_ring->next_to_use;
	buffer_info = &tx_ring->buffer_info[i];
	buffer_info->dma = dma_map_single(dev, skb->data, skb->len, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, buffer_info->dma)) {
		dev_kfree_skb_any(skb);
		netdev->stats.tx_dropped++;
		return NETDEV_TX_OK;
	}
	buffer_info->skb = skb;
	buffer_info->length = skb->len;

	tx_desc = E1000_TX_DESC(*tx_ring, i);
	tx_desc->buffer_addr = cpu_to_le64(buffer_info->dma);
	tx_desc->lower.data = cpu_to_le32(E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS | skb->len);
	tx_desc->upper.data = 0;
	if (unlikely(++i == tx_ring->count))
		i = 0;

	/* Force memory writes to complete before letting h/w know there are new
	 * descriptors to fetch.
	 */
	wmb();
	tx_ring->next_to_use = i;
	writel(i, adapter->hw_addr + E1000_TDT);

	/* Make sure there is space in the ring for the next send. */
	e1000_maybe_stop_tx(netdev, 2);
	return NETDEV_TX_OK;
}

/* --- interrupts and NAPI ---------------------------------------------------------- */

/*
 * e1000_intr - the hard handler (NAPI style). ICR is read to clear: 0 means the
 * interrupt was another device's on a shared line. The NIC is masked until the poll
 * has caught up.
 */
static irqreturn_t e1000_intr(int irq, void *data)
{
	struct net_device *netdev = data;
	struct e1000_adapter *adapter = netdev_priv(netdev);
	u32 icr = er32(ICR);

	(void)irq;
	if (unlikely((!icr)))
		return IRQ_NONE;  /* Not our interrupt */

	/* we might have caused the interrupt, but the above
	 * read cleared it, and just in case the driver is
	 * down there is nothing to do so return handled
	 */
	if (unlikely(test_bit(__E1000_DOWN, &adapter->flags)))
		return IRQ_HANDLED;

	/* disable interrupts, without the synchronize_irq bit */
	ew32(IMC, ~0);
	E1000_WRITE_FLUSH();

	if (likely(napi_schedule_prep(&adapter->napi))) {
		adapter->total_tx_bytes = 0;
		adapter->total_tx_packets = 0;
		adapter->total_rx_bytes = 0;
		adapter->total_rx_packets = 0;
		__napi_schedule(&adapter->napi);
	} else {
		/* this really should not happen! if it does it is basically a
		 * bug, but not a hard error, so enable ints and continue
		 */
		if (!test_bit(__E1000_DOWN, &adapter->flags))
			e1000_irq_enable(adapter);
	}

	return IRQ_HANDLED;
}

/*
 * e1000_clean - NAPI Rx polling callback. Returning the whole budget keeps the
 * instance scheduled (polled again without an interrupt); the NIC is unmasked only
 * when napi_complete_done() says the poll is really over.
 */
static int e1000_clean(struct napi_struct *napi, int budget)
{
	struct e1000_adapter *adapter = container_of(napi, struct e1000_adapter, napi);
	int tx_clean_complete, work_done = 0;

	tx_clean_complete = e1000_clean_tx_irq(adapter);

	e1000_clean_rx_irq(adapter, &adapter->rx_ring, napi, &work_done, budget);

	if (!tx_clean_complete || work_done == budget)
		return budget;

	/* Exit the polling mode, but don't re-enable interrupts if stack might
	 * poll us due to busy-polling
	 */
	if (likely(napi_complete_done(napi, work_done))) {
		if (likely(adapter->itr_setting & 3))
			e1000_set_itr(adapter);
		if (!test_bit(__E1000_DOWN, &adapter->flags))
			e1000_irq_enable(adapter);
	}

	return work_done;
}

/*
 * e1000_msix_rx - a queue's hard handler (igb_msix_ring): its vector is the queue's own,
 * so there is no cause to read; mask the vector until the poll has caught up and
 * schedule the queue's NAPI, on this CPU.
 */
static irqreturn_t e1000_msix_rx(int irq, void *data)
{
	struct e1000_q_vector *q_vector = data;
	struct e1000_adapter *adapter = q_vector->adapter;

	(void)irq;
	if (unlikely(test_bit(__E1000_DOWN, &adapter->flags)))
		return IRQ_HANDLED;
	ew32(EIMC, q_vector->eims_value);
	napi_schedule(&q_vector->napi);
	return IRQ_HANDLED;
}

/*
 * e1000_clean_msix - a queue's NAPI poll (igb_poll): its own ring (and on queue 0 the
 * transmit ring), then its vector unmasked once the poll is over.
 */
static int e1000_clean_msix(struct napi_struct *napi, int budget)
{
	struct e1000_q_vector *q_vector = container_of(napi, struct e1000_q_vector, napi);
	struct e1000_adapter *adapter = q_vector->adapter;
	bool tx_clean_complete = true;
	int work_done = 0;

	if (q_vector->rx_ring->reg_idx == 0)
		tx_clean_complete = e1000_clean_tx_irq(adapter);

	e1000_clean_rx_irq(adapter, q_vector->rx_ring, napi, &work_done, budget);

	if (!tx_clean_complete || work_done == budget)
		return budget;

	if (likely(napi_complete_done(napi, work_done))) {
		if (!test_bit(__E1000_DOWN, &adapter->flags))
			ew32(EIMS, q_vector->eims_value);
	}
	return work_done;
}

/*
 * e1000_intr_per_packet - the hard handler of the pre-NAPI driver: it does all the
 * work itself, passing over both rings until a pass finds nothing (at most
 * E1000_MAX_INTR passes), and queues each frame to the backlog with netif_rx().
 */
static irqreturn_t e1000_intr_per_packet(int irq, void *data)
{
	struct net_device *netdev = data;
	struct e1000_adapter *adapter = netdev_priv(netdev);
	u32 icr = er32(ICR);
	int i;

	(void)irq;
	if (unlikely(!icr))
		return IRQ_NONE;  /* Not our interrupt */
	if (unlikely(test_bit(__E1000_DOWN, &adapter->flags)))
		return IRQ_HANDLED;

	for (i = 0; i < E1000_MAX_INTR; i++) {
		unsigned int tx_clean = adapter->tx_ring.next_to_clean;
		int work_done = 0;
		bool rx, tx;

		rx = e1000_clean_rx_irq(adapter, &adapter->rx_ring, NULL, &work_done, adapter->rx_ring.count);
		e1000_clean_tx_irq(adapter);
		tx = adapter->tx_ring.next_to_clean != tx_clean;
		if (!rx && !tx)
			break;
	}
	return IRQ_HANDLED;
}

/* --- setup ------------------------------------------------------------------------ */

static int e1000_setup_tx_resources(struct e1000_adapter *adapter, unsigned int count)
{
	struct e1000_tx_ring *txdr = &adapter->tx_ring;
	struct device *dev = &adapter->pdev->dev;

	txdr->count = count;
	txdr->size = count * sizeof(struct e1000_tx_desc);
	txdr->buffer_info = kcalloc(count, sizeof(struct e1000_tx_buffer), GFP_KERNEL);
	if (!txdr->buffer_info)
		return -ENOMEM;
	txdr->desc = dma_alloc_coherent(dev, txdr->size, &txdr->dma, GFP_KERNEL);
	if (!txdr->desc) {
		kfree(txdr->buffer_info);
		txdr->buffer_info = NULL;
		return -ENOMEM;
	}
	txdr->next_to_use = 0;
	txdr->next_to_clean = 0;
	return 0;
}

static int e1000_setup_rx_resources(struct e1000_adapter *adapter, struct e1000_rx_ring *rxdr,
				    unsigned int count)
{
	struct device *dev = &adapter->pdev->dev;

	rxdr->count = count;
	rxdr->size = count * sizeof(struct e1000_rx_desc);
	rxdr->buffer_info = kcalloc(count, sizeof(struct e1000_rx_buffer), GFP_KERNEL);
	if (!rxdr->buffer_info)
		return -ENOMEM;
	rxdr->desc = dma_alloc_coherent(dev, rxdr->size, &rxdr->dma, GFP_KERNEL);
	if (!rxdr->desc) {
		kfree(rxdr->buffer_info);
		rxdr->buffer_info = NULL;
		return -ENOMEM;
	}
	rxdr->next_to_use = 0;
	rxdr->next_to_clean = 0;
	return 0;
}

static void e1000_free_tx_resources(struct e1000_adapter *adapter)
{
	struct e1000_tx_ring *txdr = &adapter->tx_ring;
	struct device *dev = &adapter->pdev->dev;
	unsigned int i;

	if (!txdr->buffer_info)
		return;
	for (i = 0; i < txdr->count; i++) {
		struct e1000_tx_buffer *b = &txdr->buffer_info[i];

		if (b->skb) {
			dma_unmap_single(dev, b->dma, b->length, DMA_TO_DEVICE);
			dev_kfree_skb_any(b->skb);
		}
	}
	kfree(txdr->buffer_info);
	txdr->buffer_info = NULL;
	dma_free_coherent(dev, txdr->size, txdr->desc, txdr->dma);
	txdr->desc = NULL;
}

static void e1000_free_rx_resources(struct e1000_adapter *adapter, struct e1000_rx_ring *rxdr)
{
	struct device *dev = &adapter->pdev->dev;
	unsigned int i;

	if (!rxdr->buffer_info)
		return;
	for (i = 0; i < rxdr->count; i++) {
		struct e1000_rx_buffer *b = &rxdr->buffer_info[i];

		if (b->data) {
			dma_unmap_single(dev, b->dma, adapter->rx_buffer_len, DMA_FROM_DEVICE);
			kfree(b->data);
		}
	}
	kfree(rxdr->buffer_info);
	rxdr->buffer_info = NULL;
	dma_free_coherent(dev, rxdr->size, rxdr->desc, rxdr->dma);
	rxdr->desc = NULL;
}

/* e1000_reset_hw, shortened: quiet the NIC, reset it, clear what is pending. */
static void e1000_reset_hw(struct e1000_adapter *adapter)
{
	ew32(IMC, 0xffffffff);
	ew32(RCTL, 0);
	ew32(TCTL, E1000_TCTL_PSP);
	E1000_WRITE_FLUSH();
	ew32(CTRL, er32(CTRL) | E1000_CTRL_RST);
	ew32(IMC, 0xffffffff);
	er32(ICR);
}

static void e1000_configure_tx(struct e1000_adapter *adapter)
{
	u64 tdba = adapter->tx_ring.dma;

	ew32(TDBAL, (tdba & 0x00000000ffffffffULL));
	ew32(TDBAH, (tdba >> 32));
	ew32(TDLEN, adapter->tx_ring.count * sizeof(struct e1000_tx_desc));
	ew32(TDH, 0);
	ew32(TDT, 0);
	ew32(TCTL, E1000_TCTL_PSP | E1000_TCTL_EN);
}

static struct e1000_rx_ring *e1000_rx_ring_of(struct e1000_adapter *adapter, int q)
{
	return q == 0 ? &adapter->rx_ring : &adapter->rx_rings[q - 1];
}

/* igb_setup_reta: RETA entry j to queue j * queues / 128, four entries a register. */
static void e1000_setup_reta(struct e1000_adapter *adapter)
{
	u32 reta = 0;
	int j;

	for (j = 0; j < E1000_RETA_SIZE; j++) {
		u32 q = (u32)(j * adapter->num_rx_queues / E1000_RETA_SIZE);

		reta |= q << (8 * (j & 3));
		if ((j & 3) == 3) {
			writel(reta, adapter->hw_addr + E1000_RETA(j >> 2));
			reta = 0;
		}
	}
	ew32(MRQC, E1000_MRQC_ENABLE_RSS_MQ);
}

static void e1000_configure_rx(struct e1000_adapter *adapter)
{
	u64 rdba = adapter->rx_ring.dma;
	u32 rctl;
	int q;

	/* disable receives while setting up the descriptors */
	ew32(RCTL, 0);

	/* set the Receive Delay Timer Register */
	ew32(RDTR, adapter->rx_int_delay);
	ew32(RADV, adapter->rx_abs_int_delay);
	if (adapter->itr_setting != 0)
		ew32(ITR, 1000000000 / (adapter->itr * 256));

	ew32(RDBAL, (rdba & 0x00000000ffffffffULL));
	ew32(RDBAH, (rdba >> 32));
	ew32(RDLEN, adapter->rx_ring.count * sizeof(struct e1000_rx_desc));
	ew32(RDH, 0);
	ew32(RDT, 0);

	/* e1000_setup_rctl; irqlab: with the arrival time in front of each frame */
	rctl = E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_LBM_NO | E1000_RCTL_RDMTS_HALF |
	       E1000_RCTL_SZ_2048 | E1000_RCTL_TSIP;
	for (q = 1; q < adapter->num_rx_queues; q++) {
		struct e1000_rx_ring *ring = e1000_rx_ring_of(adapter, q);

		writel(ring->dma & 0x00000000ffffffffULL, adapter->hw_addr + E1000_RDBAL_Q(q));
		writel(ring->dma >> 32, adapter->hw_addr + E1000_RDBAH_Q(q));
		writel(ring->count * sizeof(struct e1000_rx_desc), adapter->hw_addr + E1000_RDLEN_Q(q));
		writel(0, adapter->hw_addr + E1000_RDH_Q(q));
		writel(0, adapter->hw_addr + E1000_RDT_Q(q));
	}
	if (e1000_multi_queue(adapter))
		e1000_setup_reta(adapter);
	ew32(RCTL, rctl);
	for (q = 0; q < adapter->num_rx_queues; q++)
		e1000_alloc_rx_buffers(adapter, e1000_rx_ring_of(adapter, q),
				       E1000_DESC_UNUSED(e1000_rx_ring_of(adapter, q)));
}

/*
 * irqlab: the per-queue parts, for one queue (adapter->napi, rx_ring, one IRQ) or, with
 * RSS, for each q_vector (igb_alloc_q_vectors, igb_setup_all_rx_resources,
 * igb_request_msix).
 */
static void e1000_napi_add(struct e1000_adapter *adapter)
{
	int q;

	if (adapter->per_packet)
		return;
	if (!e1000_multi_queue(adapter)) {
		netif_napi_add(adapter->netdev, &adapter->napi, e1000_clean);
		return;
	}
	for (q = 0; q < adapter->num_rx_queues; q++) {
		struct e1000_q_vector *qv = &adapter->q_vector[q];

		qv->adapter = adapter;
		qv->rx_ring = e1000_rx_ring_of(adapter, q);
		qv->rx_ring->reg_idx = q;
		qv->eims_value = E1000_EICR_RX_QUEUE(q);
		netif_napi_add(adapter->netdev, &qv->napi, e1000_clean_msix);
	}
}

static void e1000_napi_del(struct e1000_adapter *adapter)
{
	int q;

	if (adapter->per_packet)
		return;
	if (!e1000_multi_queue(adapter)) {
		netif_napi_del(&adapter->napi);
		return;
	}
	for (q = 0; q < adapter->num_rx_queues; q++)
		netif_napi_del(&adapter->q_vector[q].napi);
}

static void e1000_napi_enable_all(struct e1000_adapter *adapter, bool enable)
{
	int q;

	if (adapter->per_packet)
		return;
	if (!e1000_multi_queue(adapter)) {
		if (enable)
			napi_enable(&adapter->napi);
		else
			napi_disable(&adapter->napi);
		return;
	}
	for (q = 0; q < adapter->num_rx_queues; q++) {
		if (enable)
			napi_enable(&adapter->q_vector[q].napi);
		else
			napi_disable(&adapter->q_vector[q].napi);
	}
}

static void e1000_free_all_rx_resources(struct e1000_adapter *adapter, int queues)
{
	int q;

	for (q = 0; q < queues; q++)
		e1000_free_rx_resources(adapter, e1000_rx_ring_of(adapter, q));
}

static int e1000_setup_all_rx_resources(struct e1000_adapter *adapter, unsigned int count)
{
	int q, err;

	for (q = 0; q < adapter->num_rx_queues; q++) {
		err = e1000_setup_rx_resources(adapter, e1000_rx_ring_of(adapter, q), count);
		if (err) {
			e1000_free_all_rx_resources(adapter, q);
			return err;
		}
	}
	return 0;
}

static void e1000_free_irq(struct e1000_adapter *adapter, int vectors)
{
	int q;

	if (!e1000_multi_queue(adapter)) {
		free_irq(adapter->irq, adapter->netdev);
		return;
	}
	for (q = 0; q < vectors; q++)
		free_irq(adapter->q_vector[q].irq, &adapter->q_vector[q]);
}

static int e1000_request_irq(struct e1000_adapter *adapter)
{
	struct net_device *netdev = adapter->netdev;
	int q, err;

	if (!e1000_multi_queue(adapter))
		return request_irq(adapter->irq, adapter->per_packet ? e1000_intr_per_packet : e1000_intr,
				   adapter->msi ? 0 : IRQF_SHARED, netdev->name, netdev);
	for (q = 0; q < adapter->num_rx_queues; q++) {
		struct e1000_q_vector *qv = &adapter->q_vector[q];

		snprintf(qv->name, sizeof(qv->name), "%s-rx-%d", netdev->name, q);
		err = request_irq(qv->irq, e1000_msix_rx, 0, qv->name, qv);
		if (err) {
			e1000_free_irq(adapter, q);
			return err;
		}
	}
	return 0;
}

static const struct net_device_ops e1000_netdev_ops = {
	.ndo_start_xmit = e1000_xmit_frame,
};

/* e1000_check_options, for the device's properties in place of module parameters. */
static int e1000_check_options(struct e1000_adapter *adapter, u32 *rxd, u32 *txd)
{
	struct device *dev = &adapter->pdev->dev;
	const char *style;
	u32 ns;

	adapter->per_packet = !device_property_read_string(dev, "style", &style) && !strcmp(style, "per-packet");
	adapter->msi = device_property_read_bool(dev, "msi");
	adapter->num_rx_queues = 1;
	device_property_read_u32(dev, "queues", (u32 *)&adapter->num_rx_queues);
	if (adapter->num_rx_queues < 1 || adapter->num_rx_queues > E1000_MAX_RX_QUEUES ||
	    (adapter->num_rx_queues > 1 && (!adapter->msi || adapter->per_packet)))
		return -EINVAL;

	*rxd = E1000_DEFAULT_RXD;
	*txd = E1000_DEFAULT_TXD;
	device_property_read_u32(dev, "rx-descriptors", rxd);
	device_property_read_u32(dev, "tx-descriptors", txd);
	if (*rxd % REQ_RX_DESCRIPTOR_MULTIPLE || *txd % REQ_RX_DESCRIPTOR_MULTIPLE)
		return -EINVAL;

	adapter->rx_int_delay = DEFAULT_RDTR;
	adapter->rx_abs_int_delay = DEFAULT_RADV;
	if (!device_property_read_u32(dev, "rx-int-delay", &ns))
		adapter->rx_int_delay = DIV_ROUND_UP(ns, 1024);
	if (!device_property_read_u32(dev, "rx-abs-int-delay", &ns))
		adapter->rx_abs_int_delay = DIV_ROUND_UP(ns, 1024);

	adapter->itr_setting = DEFAULT_ITR;
	device_property_read_u32(dev, "itr", &adapter->itr_setting);
	switch (adapter->itr_setting) {
	case 0:
		break;
	case 1:
	case 3:
		adapter->itr = 20000;	/* dynamic modes start at 20000 interrupts/s */
		break;
	default:
		adapter->itr = adapter->itr_setting;
		/* the lower two bits are used as control */
		adapter->itr_setting = adapter->itr & ~3;
		break;
	}

	/* The pre-NAPI driver: an interrupt for every frame. */
	if (adapter->per_packet) {
		adapter->itr_setting = 0;
		adapter->rx_int_delay = 0;
		adapter->rx_abs_int_delay = 0;
	}
	return 0;
}

static int e1000_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct e1000_adapter *adapter;
	struct net_device *netdev;
	u32 rxd, txd, ral, rah, status;
	u8 mac[ETH_ALEN];
	int err, i;

	netdev = alloc_etherdev(sizeof(struct e1000_adapter));
	if (!netdev)
		return -ENOMEM;
	SET_NETDEV_DEV(netdev, dev);
	platform_set_drvdata(pdev, netdev);
	adapter = netdev_priv(netdev);
	adapter->netdev = netdev;
	adapter->pdev = pdev;

	err = e1000_check_options(adapter, &rxd, &txd);
	if (err)
		goto err_free;
	adapter->hw_addr = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(adapter->hw_addr)) {
		err = PTR_ERR(adapter->hw_addr);
		goto err_free;
	}
	adapter->irq = platform_get_irq(pdev, 0);
	if (adapter->irq < 0) {
		err = adapter->irq;
		goto err_free;
	}
	for (i = 0; e1000_multi_queue(adapter) && i < adapter->num_rx_queues; i++) {
		/* one MSI-X vector per queue, in order */
		adapter->q_vector[i].irq = platform_get_irq(pdev, i);
		if (adapter->q_vector[i].irq < 0) {
			err = adapter->q_vector[i].irq;
			goto err_free;
		}
	}
	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (err)
		goto err_free;

	e1000_reset_hw(adapter);
	ral = er32(RAL0);
	rah = er32(RAH0);
	mac[0] = ral;
	mac[1] = ral >> 8;
	mac[2] = ral >> 16;
	mac[3] = ral >> 24;
	mac[4] = rah;
	mac[5] = rah >> 8;
	eth_hw_addr_set(netdev, mac);
	status = er32(STATUS);
	adapter->link_speed = (status & E1000_STATUS_SPEED_1000) ? 1000 : (status & E1000_STATUS_SPEED_100) ? 100 : 10;

	netdev->netdev_ops = &e1000_netdev_ops;
	e1000_napi_add(adapter);

	/* e1000_open: rings, buffers, then the IRQ, then interrupts on */
	adapter->rx_buffer_len = E1000_RXBUFFER_2048;
	err = e1000_setup_tx_resources(adapter, txd);
	if (err)
		goto err_napi;
	err = e1000_setup_all_rx_resources(adapter, rxd);
	if (err)
		goto err_setup_rx;
	e1000_configure_tx(adapter);
	e1000_configure_rx(adapter);

	err = register_netdev(netdev);
	if (err)
		goto err_register;

	err = e1000_request_irq(adapter);
	if (err) {
		netdev_err(netdev, "Unable to allocate interrupt Error: %d\n", err);
		goto err_req_irq;
	}

	e1000_napi_enable_all(adapter, true);
	er32(ICR);
	if (e1000_multi_queue(adapter))
		er32(EICR);
	e1000_irq_enable(adapter);
	netif_start_queue(netdev);
	if (status & E1000_STATUS_LU)
		netif_carrier_on(netdev);

	netdev_info(netdev, "Intel(R) PRO/1000 Network Connection, %02x:%02x:%02x:%02x:%02x:%02x, irq %d%s\n",
		    mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], adapter->irq, adapter->msi ? " (MSI)" : "");
	if (e1000_multi_queue(adapter))
		netdev_info(netdev, "RSS: %d RX queues, MSI-X irqs %d-%d (%s-rx-0 ...)\n", adapter->num_rx_queues,
			    adapter->q_vector[0].irq, adapter->q_vector[adapter->num_rx_queues - 1].irq, netdev->name);
	if (adapter->per_packet)
		netdev_info(netdev, "per-packet interrupts (no NAPI): receive in the hard handler, netif_rx\n");
	else if (e1000_multi_queue(adapter) && adapter->itr_setting != 0)
		/* irqlab: no dynamic moderation per queue; the start value stays */
		netdev_info(netdev, "NAPI per queue, interrupt throttling at %u interrupts/s per vector\n",
			    adapter->itr);
	else if (adapter->itr_setting == 0)
		netdev_info(netdev, "NAPI, interrupt throttling off\n");
	else if (adapter->itr_setting & 3)
		netdev_info(netdev, "NAPI, %s interrupt throttling from %u interrupts/s\n",
			    adapter->itr_setting == 3 ? "dynamic conservative" : "dynamic", adapter->itr);
	else
		netdev_info(netdev, "NAPI, interrupt throttling at %u interrupts/s\n", adapter->itr);
	netdev_info(netdev, "NIC Link is Up %u Mbps Full Duplex, Flow Control: None\n", adapter->link_speed);
	return 0;

err_req_irq:
	unregister_netdev(netdev);
err_register:
	e1000_reset_hw(adapter);
	e1000_free_all_rx_resources(adapter, adapter->num_rx_queues);
err_setup_rx:
	e1000_free_tx_resources(adapter);
err_napi:
	e1000_napi_del(adapter);
err_free:
	free_netdev(netdev);
	return err;
}

/* e1000_remove: e1000_down (receiver and transmitter off, interrupts off, NAPI off), the
 * IRQ freed, the device unregistered, the statistics read, the rings freed.
 */
static void e1000_remove(struct platform_device *pdev)
{
	struct net_device *netdev = platform_get_drvdata(pdev);
	struct e1000_adapter *adapter = netdev_priv(netdev);

	set_bit(__E1000_DOWN, &adapter->flags);
	ew32(RCTL, er32(RCTL) & ~E1000_RCTL_EN);
	netif_stop_queue(netdev);
	ew32(TCTL, er32(TCTL) & ~E1000_TCTL_EN);
	E1000_WRITE_FLUSH();
	e1000_irq_disable(adapter);
	e1000_napi_enable_all(adapter, false);
	netif_carrier_off(netdev);
	e1000_free_irq(adapter, adapter->num_rx_queues);

	unregister_netdev(netdev);
	adapter->mpc += er32(MPC);
	netdev->stats.rx_missed_errors = adapter->mpc;
	netdev_info(netdev, "%lu packets received, %llu missed (no descriptor), %lu sent\n",
		    netdev->stats.rx_packets, (unsigned long long)adapter->mpc, netdev->stats.tx_packets);

	e1000_reset_hw(adapter);
	e1000_free_tx_resources(adapter);
	e1000_free_all_rx_resources(adapter, adapter->num_rx_queues);
	e1000_napi_del(adapter);
	free_netdev(netdev);
}

static struct platform_driver e1000_driver = {
	.probe = e1000_probe,
	.remove = e1000_remove,
	.driver = {
		.name = "e1000",
	},
};
module_platform_driver(e1000_driver);

MODULE_DESCRIPTION("Intel(R) PRO/1000 Network Driver (irqlab's e1000)");
MODULE_LICENSE("GPL");
