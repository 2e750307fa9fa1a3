/* SPDX-License-Identifier: GPL-2.0 */
/*
 * e1000_hw.h: the registers, bits and descriptors of irqlab's e1000 (README.md), the
 * subset of Linux's drivers/net/ethernet/intel/e1000/e1000_hw.h the model implements,
 * under Linux's names and values. The model (e1000.cpp) and the driver (e1000.c) both
 * include it, as both sides of a real NIC follow one datasheet. One addition is irqlab's
 * own and marked so: E1000_RCTL_TSIP, the arrival time written in front of each frame.
 */
#ifndef _E1000_HW_H_
#define _E1000_HW_H_

#include <linux/types.h>

/* Register offsets (32-bit registers in BAR0, a 128 KiB window). */
#define E1000_CTRL	0x00000	/* Device Control - RW */
#define E1000_STATUS	0x00008	/* Device Status - RO */
#define E1000_ICR	0x000C0	/* Interrupt Cause Read - R/clr */
#define E1000_ITR	0x000C4	/* Interrupt Throttling Rate - RW */
#define E1000_ICS	0x000C8	/* Interrupt Cause Set - WO */
#define E1000_IMS	0x000D0	/* Interrupt Mask Set - RW */
#define E1000_IMC	0x000D8	/* Interrupt Mask Clear - WO */
#define E1000_RCTL	0x00100	/* RX Control - RW */
#define E1000_TCTL	0x00400	/* TX Control - RW */
#define E1000_RDBAL	0x02800	/* RX Descriptor Base Address Low - RW */
#define E1000_RDBAH	0x02804	/* RX Descriptor Base Address High - RW */
#define E1000_RDLEN	0x02808	/* RX Descriptor Length - RW */
#define E1000_RDH	0x02810	/* RX Descriptor Head - RW */
#define E1000_RDT	0x02818	/* RX Descriptor Tail - RW */
#define E1000_RDTR	0x02820	/* RX Delay Timer - RW */
#define E1000_RADV	0x0282C	/* RX Interrupt Absolute Delay Timer - RW */
#define E1000_TDBAL	0x03800	/* TX Descriptor Base Address Low - RW */
#define E1000_TDBAH	0x03804	/* TX Descriptor Base Address High - RW */
#define E1000_TDLEN	0x03808	/* TX Descriptor Length - RW */
#define E1000_TDH	0x03810	/* TX Descriptor Head - RW */
#define E1000_TDT	0x03818	/* TX Descriptor Tail - RW */
#define E1000_MPC	0x04010	/* Missed Packet Count - R/clr */
#define E1000_GPRC	0x04074	/* Good Packets RX Count - R/clr */
#define E1000_GPTC	0x04080	/* Good Packets TX Count - R/clr */
#define E1000_RA	0x05400	/* Receive Address - RW Array */
#define E1000_RAL0	0x05400	/* irqlab: RA[0] low: MAC bytes 0-3 */
#define E1000_RAH0	0x05404	/* irqlab: RA[0] high: MAC bytes 4-5, E1000_RAH_AV */

#define E1000_RAH_AV	0x80000000	/* Receive address valid */

/*
 * Multiple receive queues (82574/igb style, README.md "Receive-side scaling"). Queue n's
 * ring registers are e1000e's E1000_RDBAL(_n) etc. (queue 0 at the legacy offsets; up to
 * 4 queues, 0x100 apart). Interrupts per queue are igb's extended registers: EICR bit n
 * is queue n's cause and is signalled on MSI-X vector n (irqlab's fixed IVAR: RX queue n
 * to vector n, the TX causes to vector 0); EIAC bits auto-clear their EICR bit when the
 * vector's message is sent. MRQC turns RSS on; RETA maps the low 7 bits of a frame's
 * RSS hash to a queue, one byte per entry, 128 entries (igb's IGB_RETA_SIZE).
 */
#define E1000_MAX_RX_QUEUES	4			/* irqlab's limit */
#define E1000_RDBAL_Q(_n)	(0x02800 + ((_n) * 0x100))	/* e1000e: E1000_RDBAL(_n), _n < 4 */
#define E1000_RDBAH_Q(_n)	(0x02804 + ((_n) * 0x100))
#define E1000_RDLEN_Q(_n)	(0x02808 + ((_n) * 0x100))
#define E1000_RDH_Q(_n)		(0x02810 + ((_n) * 0x100))
#define E1000_RDT_Q(_n)		(0x02818 + ((_n) * 0x100))
#define E1000_EICS	0x01520	/* Ext. Interrupt Cause Set - W0 */
#define E1000_EIMS	0x01524	/* Ext. Interrupt Mask Set/Read - RW */
#define E1000_EIMC	0x01528	/* Ext. Interrupt Mask Clear - WO */
#define E1000_EIAC	0x0152C	/* Ext. Interrupt Auto Clear - RW */
#define E1000_EICR	0x01580	/* Ext. Interrupt Cause Read - R/clr */
#define E1000_MRQC	0x05818	/* Multiple Receive Control - RW */
#define E1000_RETA(_i)	(0x05C00 + ((_i) * 4))	/* Redirection Table - RW */
#define E1000_RETA_SIZE	128	/* entries; 32 registers of 4 */
#define E1000_MRQC_ENABLE_RSS_MQ	0x00000002	/* igb: RSS on, up to 8 queues */
#define E1000_EICR_RX_QUEUE(_n)	(1u << (_n))	/* irqlab: queue _n's cause, vector _n */

/* Device Control */
#define E1000_CTRL_SLU	0x00000040	/* Set link up (Force Link) */
#define E1000_CTRL_RST	0x04000000	/* Global reset */

/* Device Status */
#define E1000_STATUS_FD		0x00000001	/* Full duplex.0=half,1=full */
#define E1000_STATUS_LU		0x00000002	/* Link up.0=no,1=link */
#define E1000_STATUS_SPEED_10	0x00000000	/* Speed 10Mb/s */
#define E1000_STATUS_SPEED_100	0x00000040	/* Speed 100Mb/s */
#define E1000_STATUS_SPEED_1000	0x00000080	/* Speed 1000Mb/s */

/* Interrupt Cause Read; the same bits in ICS, IMS and IMC */
#define E1000_ICR_TXDW		0x00000001	/* Transmit desc written back */
#define E1000_ICR_TXQE		0x00000002	/* Transmit Queue empty */
#define E1000_ICR_LSC		0x00000004	/* Link Status Change */
#define E1000_ICR_RXSEQ		0x00000008	/* rx sequence error */
#define E1000_ICR_RXDMT0	0x00000010	/* rx desc min. threshold (0) */
#define E1000_ICR_RXO		0x00000040	/* rx overrun */
#define E1000_ICR_RXT0		0x00000080	/* rx timer intr (ring 0) */

#define E1000_ICS_TXDW		E1000_ICR_TXDW
#define E1000_ICS_LSC		E1000_ICR_LSC
#define E1000_ICS_RXDMT0	E1000_ICR_RXDMT0
#define E1000_ICS_RXT0		E1000_ICR_RXT0

#define E1000_IMS_TXDW		E1000_ICR_TXDW	/* Transmit desc written back */
#define E1000_IMS_TXQE		E1000_ICR_TXQE	/* Transmit Queue empty */
#define E1000_IMS_LSC		E1000_ICR_LSC	/* Link Status Change */
#define E1000_IMS_RXSEQ		E1000_ICR_RXSEQ	/* rx sequence error */
#define E1000_IMS_RXDMT0	E1000_ICR_RXDMT0	/* rx desc min. threshold */
#define E1000_IMS_RXO		E1000_ICR_RXO	/* rx overrun */
#define E1000_IMS_RXT0		E1000_ICR_RXT0	/* rx timer intr */

/* The causes Linux's e1000 enables (e1000_irq_enable). */
#define IMS_ENABLE_MASK ( \
	E1000_IMS_RXT0   |    \
	E1000_IMS_TXDW   |    \
	E1000_IMS_RXDMT0 |    \
	E1000_IMS_RXSEQ  |    \
	E1000_IMS_LSC)

/* Receive Control */
#define E1000_RCTL_RST		0x00000001	/* Software reset */
#define E1000_RCTL_EN		0x00000002	/* enable */
#define E1000_RCTL_SBP		0x00000004	/* store bad packet */
#define E1000_RCTL_UPE		0x00000008	/* unicast promiscuous enable */
#define E1000_RCTL_MPE		0x00000010	/* multicast promiscuous enab */
#define E1000_RCTL_LPE		0x00000020	/* long packet enable */
#define E1000_RCTL_LBM_NO	0x00000000	/* no loopback mode */
#define E1000_RCTL_RDMTS_HALF	0x00000000	/* rx desc min threshold size */
#define E1000_RCTL_RDMTS_QUAT	0x00000100	/* rx desc min threshold size */
#define E1000_RCTL_RDMTS_EIGTH	0x00000200	/* rx desc min threshold size */
#define E1000_RCTL_RDMTS_MASK	0x00000300	/* irqlab: the two RDMTS bits */
#define E1000_RCTL_BAM		0x00008000	/* broadcast enable */
#define E1000_RCTL_SZ_2048	0x00000000	/* rx buffer size 2048 */
#define E1000_RCTL_SZ_1024	0x00010000	/* rx buffer size 1024 */
#define E1000_RCTL_SZ_512	0x00020000	/* rx buffer size 512 */
#define E1000_RCTL_SZ_256	0x00030000	/* rx buffer size 256 */
#define E1000_RCTL_SZ_MASK	0x00030000	/* irqlab: the two BSIZE bits */
#define E1000_RCTL_BSEX		0x02000000	/* Buffer size extension */
#define E1000_RCTL_SECRC	0x04000000	/* Strip Ethernet CRC */
/*
 * irqlab: timestamp in packet. Bit 31 is reserved on the 8254x; here it makes the NIC
 * write, in front of each received frame, the simulated time (ns, little endian) at
 * which the frame's last bit arrived. The descriptor's length counts the frame only.
 * igb's TSIP (a timestamp header in front of the packet data) is the real precedent.
 */
#define E1000_RCTL_TSIP		0x80000000
#define E1000_TSIP_HDR_LEN	8

/* Transmit Control */
#define E1000_TCTL_RST		0x00000001	/* software reset */
#define E1000_TCTL_EN		0x00000002	/* enable tx */
#define E1000_TCTL_PSP		0x00000008	/* pad short packets */

/* Receive Delay Timer: flush partial descriptor block */
#define E1000_RDT_FPDB		0x80000000

/* Receive Descriptor (legacy) */
struct e1000_rx_desc {
	__le64 buffer_addr;	/* Address of the descriptor's data buffer */
	__le16 length;		/* Length of data DMAed into data buffer */
	__le16 csum;		/* Packet checksum */
	u8 status;		/* Descriptor status */
	u8 errors;		/* Descriptor Errors */
	__le16 special;
};

#define E1000_RXD_STAT_DD	0x01	/* Descriptor Done */
#define E1000_RXD_STAT_EOP	0x02	/* End of Packet */
#define E1000_RXD_ERR_CE	0x01	/* CRC Error */
#define E1000_RXD_ERR_SE	0x02	/* Symbol Error */
#define E1000_RXD_ERR_SEQ	0x04	/* Sequence Error */
#define E1000_RXD_ERR_CXE	0x10	/* Carrier Extension Error */
#define E1000_RXD_ERR_RXE	0x80	/* Rx Data Error */
#define E1000_RXD_ERR_FRAME_ERR_MASK ( \
	E1000_RXD_ERR_CE  |                \
	E1000_RXD_ERR_SE  |                \
	E1000_RXD_ERR_SEQ |                \
	E1000_RXD_ERR_CXE |                \
	E1000_RXD_ERR_RXE)

/* Transmit Descriptor (legacy) */
struct e1000_tx_desc {
	__le64 buffer_addr;	/* Address of the descriptor's data buffer */
	union {
		__le32 data;
		struct {
			__le16 length;	/* Data buffer length */
			u8 cso;	/* Checksum offset */
			u8 cmd;	/* Descriptor control */
		} flags;
	} lower;
	union {
		__le32 data;
		struct {
			u8 status;	/* Descriptor status */
			u8 css;	/* Checksum start */
			__le16 special;
		} fields;
	} upper;
};

#define E1000_TXD_CMD_EOP	0x01000000	/* End of Packet */
#define E1000_TXD_CMD_IFCS	0x02000000	/* Insert FCS (Ethernet CRC) */
#define E1000_TXD_CMD_RS	0x08000000	/* Report Status */
#define E1000_TXD_STAT_DD	0x00000001	/* Descriptor Done */

#endif /* _E1000_HW_H_ */
