// The network driver API (include/linux/netdevice.h, etherdevice.h, skbuff.h) over Net.
#include <linux/bug.h>
#include <linux/delay.h>
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/hardirq.h>
#include <linux/interrupt.h>
#include <linux/netdevice.h>
#include <linux/printk.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>

#include "kernel/kernel.hpp"
#include "kernel/net/net.hpp"
#include "kernel/printk/printk.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/softirq.hpp"

using irqlab::kernel::Kernel;
using irqlab::kernel::Net;

namespace {
constexpr unsigned long NAPIF(int bit) { return 1UL << bit; }

// The block of an skb and its data, one allocation (irqlab has no separate head).
struct sk_buff* skb_alloc(unsigned int size, gfp_t gfp) {
    auto* skb = static_cast<struct sk_buff*>(kmalloc(sizeof(struct sk_buff) + size, gfp));
    if (!skb) return nullptr;
    std::memset(skb, 0, sizeof(struct sk_buff));
    skb->head = reinterpret_cast<unsigned char*>(skb + 1);
    skb->data = skb->tail = skb->head;
    skb->end = skb->head + size;
    return skb;
}

void netdev_vprintk(const char* level, const struct net_device* dev, const char* fmt, va_list ap) {
    char msg[512];
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    const struct device* parent = dev->dev.parent;
    if (parent)
        printk("%s%s %s %s: %s", level, dev_driver_string(parent), dev_name(parent), dev->name, msg);
    else
        printk("%s%s: %s", level, dev->name, msg);
}
}  // namespace

extern "C" {

// --- sk_buff -------------------------------------------------------------------------

struct sk_buff* alloc_skb(unsigned int size, gfp_t priority) { return skb_alloc(size, priority); }

// NET_SKB_PAD of headroom, as __netdev_alloc_skb() reserves it.
struct sk_buff* __netdev_alloc_skb(struct net_device* dev, unsigned int length, gfp_t gfp_mask) {
    constexpr unsigned kNetSkbPad = 64;
    struct sk_buff* skb = skb_alloc(length + kNetSkbPad, gfp_mask);
    if (!skb) return nullptr;
    skb_reserve(skb, kNetSkbPad);
    skb->dev = dev;
    return skb;
}

struct sk_buff* napi_alloc_skb(struct napi_struct* napi, unsigned int length) {
    return __netdev_alloc_skb(napi->dev, length, GFP_ATOMIC);
}

void kfree_skb(struct sk_buff* skb) {
    if (skb) kfree(skb);
}
void consume_skb(struct sk_buff* skb) { kfree_skb(skb); }
void napi_consume_skb(struct sk_buff* skb, int) { consume_skb(skb); }

// dev_kfree_skb_irq(): from hardirq context the skb goes to this CPU's completion queue
// and NET_TX_SOFTIRQ frees it.
void dev_kfree_skb_irq(struct sk_buff* skb) {
    if (!skb) return;
    Kernel& k = Kernel::get();
    irqlab::kernel::Cpu& cpu = k.this_cpu();
    unsigned long flags = arch_local_irq_save();
    k.net().softnet(cpu.id).completion_queue.push_back(skb);
    irqlab::kernel::raise_softirq_irqoff(cpu, NET_TX_SOFTIRQ);
    arch_local_irq_restore(flags);
}

void dev_kfree_skb_any(struct sk_buff* skb) {
    if (in_hardirq() || irqs_disabled())
        dev_kfree_skb_irq(skb);
    else
        consume_skb(skb);
}

void* skb_put(struct sk_buff* skb, unsigned int len) {
    unsigned char* tmp = skb->tail;
    skb->tail += len;
    skb->len += len;
    if (skb->tail > skb->end) {  // skb_over_panic()
        printk(KERN_EMERG "skbuff: skb_over_panic: len:%u put:%u dev:%s\n", skb->len, len,
               skb->dev ? skb->dev->name : "<NULL>");
        BUG();
    }
    return tmp;
}

void* skb_pull(struct sk_buff* skb, unsigned int len) {
    if (len > skb->len) return nullptr;
    skb->len -= len;
    return skb->data += len;
}

// --- devices -------------------------------------------------------------------------

struct net_device* alloc_etherdev_mqs(int sizeof_priv, unsigned int txqs, unsigned int rxqs) {
    return Kernel::get().net().alloc(sizeof_priv, txqs, rxqs);
}
void free_netdev(struct net_device* dev) { Kernel::get().net().free(dev); }
int register_netdev(struct net_device* dev) { return Kernel::get().net().register_netdev(dev); }
void unregister_netdev(struct net_device* dev) { Kernel::get().net().unregister_netdev(dev); }

void eth_hw_addr_set(struct net_device* dev, const u8* addr) { std::memcpy(dev->dev_addr, addr, ETH_ALEN); }

// eth_type_trans(): the frame's EtherType, with the header pulled.
__be16 eth_type_trans(struct sk_buff* skb, struct net_device* dev) {
    skb->dev = dev;
    __be16 proto = 0;
    if (skb->len >= ETH_HLEN) {
        std::memcpy(&proto, skb->data + 12, sizeof proto);
        skb_pull(skb, ETH_HLEN);
    }
    return proto;
}

void netif_carrier_on(struct net_device* dev) { Net::record(dev).carrier = true; }
void netif_carrier_off(struct net_device* dev) { Net::record(dev).carrier = false; }
bool netif_carrier_ok(const struct net_device* dev) { return Net::record(dev).carrier; }
void netif_start_queue(struct net_device* dev) { Net::record(dev).queue_stopped = false; }
void netif_stop_queue(struct net_device* dev) { Net::record(dev).queue_stopped = true; }
void netif_wake_queue(struct net_device* dev) { Net::record(dev).queue_stopped = false; }
bool netif_queue_stopped(const struct net_device* dev) { return Net::record(dev).queue_stopped; }

void netdev_info(const struct net_device* dev, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    netdev_vprintk(KERN_INFO, dev, fmt, ap);
    va_end(ap);
}
void netdev_warn(const struct net_device* dev, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    netdev_vprintk(KERN_WARNING, dev, fmt, ap);
    va_end(ap);
}
void netdev_err(const struct net_device* dev, const char* fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    netdev_vprintk(KERN_ERR, dev, fmt, ap);
    va_end(ap);
}

// --- NAPI ----------------------------------------------------------------------------

void netif_napi_add_weight(struct net_device* dev, struct napi_struct* napi, int (*poll)(struct napi_struct*, int),
                           int weight) {
    Kernel::get().net().napi_add(dev, napi, poll, weight);
}

void netif_napi_del(struct napi_struct* napi) { Kernel::get().net().napi_del(napi); }

// napi_enable(): must be disabled (SCHED set); clears SCHED and NPSVC.
void napi_enable(struct napi_struct* n) {
    BUG_ON(!(n->state & NAPIF(NAPI_STATE_SCHED)));
    n->state &= ~(NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC));
}

// napi_disable(): waits (sleeping) until the instance is not scheduled, then owns it.
void napi_disable(struct napi_struct* n) {
    might_sleep();
    n->state |= NAPIF(NAPI_STATE_DISABLE);
    while (n->state & (NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC))) usleep_range(20, 200);
    n->state |= NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC);
    n->state &= ~(NAPIF(NAPI_STATE_THREADED) | NAPIF(NAPI_STATE_PREFER_BUSY_POLL));
    n->state &= ~NAPIF(NAPI_STATE_DISABLE);
}

// napi_schedule_prep(): take ownership (SCHED); if it was scheduled already, note MISSED
// so that it is polled once more after it completes.
bool napi_schedule_prep(struct napi_struct* n) {
    unsigned long val = n->state;
    if (val & NAPIF(NAPI_STATE_DISABLE)) return false;
    unsigned long nv = val | NAPIF(NAPI_STATE_SCHED);
    if (val & NAPIF(NAPI_STATE_SCHED)) nv |= NAPIF(NAPI_STATE_MISSED);
    n->state = nv;
    return !(val & NAPIF(NAPI_STATE_SCHED));
}

void __napi_schedule(struct napi_struct* n) {
    unsigned long flags = arch_local_irq_save();
    Kernel::get().net().napi_schedule_here(n);
    arch_local_irq_restore(flags);
}

void __napi_schedule_irqoff(struct napi_struct* n) { Kernel::get().net().napi_schedule_here(n); }

// napi_complete_done(): release the instance; if it was MISSED meanwhile it stays
// scheduled (and is queued again) and the driver must not unmask its interrupt: false.
bool napi_complete_done(struct napi_struct* n, int) {
    if (n->state & (NAPIF(NAPI_STATE_NPSVC) | NAPIF(NAPI_STATE_IN_BUSY_POLL))) return false;
    Kernel::get().net().napi_list_remove(n);
    unsigned long val = n->state;
    WARN_ON_ONCE(!(val & NAPIF(NAPI_STATE_SCHED)));
    unsigned long nv = val & ~(NAPIF(NAPI_STATE_MISSED) | NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_SCHED_THREADED) |
                               NAPIF(NAPI_STATE_PREFER_BUSY_POLL));
    if (val & NAPIF(NAPI_STATE_MISSED)) nv |= NAPIF(NAPI_STATE_SCHED);
    n->state = nv;
    if (val & NAPIF(NAPI_STATE_MISSED)) {
        __napi_schedule(n);
        return false;
    }
    return true;
}

// --- receive -------------------------------------------------------------------------

int netif_receive_skb(struct sk_buff* skb) { return Kernel::get().net().receive(skb); }

gro_result_t napi_gro_receive(struct napi_struct*, struct sk_buff* skb) {
    Kernel::get().net().receive(skb);
    return GRO_NORMAL;
}

// netif_rx(): queue to this CPU's backlog; outside an interrupt the raise is followed by
// running the softirq at local_bh_enable(), as netif_rx() does with its BH section.
int netif_rx(struct sk_buff* skb) {
    bool need_bh_off = !in_interrupt();
    if (need_bh_off) local_bh_disable();
    int ret = Kernel::get().net().enqueue_backlog(skb);
    if (need_bh_off) local_bh_enable();
    return ret;
}

// --- transmit ------------------------------------------------------------------------

int dev_queue_xmit(struct sk_buff* skb) { return Kernel::get().net().xmit(skb); }

}  // extern "C"
