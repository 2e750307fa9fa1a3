// net/core/dev.c: device registration, NAPI, net_rx_action()/net_tx_action(), the backlog
// and the receive path (see net.hpp for what irqlab leaves out).
#include "kernel/net/net.hpp"

#include <linux/bottom_half.h>
#include <linux/bug.h>
#include <linux/cdev.h>
#include <linux/errno.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "kernel/fs/vfs.hpp"
#include "kernel/kallsyms.hpp"
#include "kernel/kernel.hpp"
#include "kernel/sched/frames.hpp"
#include "kernel/sched/spend.hpp"
#include "kernel/softirq.hpp"
#include "kernel/time/tick.hpp"

namespace irqlab::kernel {

namespace {

constexpr unsigned long NAPIF(int bit) { return 1UL << bit; }

void list_splice_front(struct list_head* list, struct list_head* head) {  // list_splice()
    if (list_empty(list)) return;
    struct list_head* first = list->next;
    struct list_head* last = list->prev;
    struct list_head* at = head->next;
    first->prev = head;
    head->next = first;
    last->next = at;
    at->prev = last;
}

void list_splice_front_init(struct list_head* list, struct list_head* head) {  // list_splice_init()
    list_splice_front(list, head);
    INIT_LIST_HEAD(list);
}

struct napi_struct* first_napi(struct list_head* list) {
    return reinterpret_cast<struct napi_struct*>(reinterpret_cast<char*>(list->next) -
                                                 offsetof(struct napi_struct, poll_list));
}

int backlog_poll(struct napi_struct* napi, int quota) { return Kernel::get().net().process_backlog(napi, quota); }
void net_rx_softirq() { Kernel::get().net().net_rx_action(); }
void net_tx_softirq() { Kernel::get().net().net_tx_action(); }

}  // namespace

Net::Net(Kernel& k) : k_(k), sd_(static_cast<std::size_t>(k.nr_cpus())) {}
Net::~Net() = default;

NetDeviceRecord& Net::record(const struct net_device* dev) { return *static_cast<NetDeviceRecord*>(dev->__irqlab); }

// net_dev_init(): each CPU's softnet_data and backlog NAPI, and the two softirqs.
void Net::init() {
    sysctl.netdev_budget_usecs = static_cast<int>(2 * USEC_PER_SEC / k_.config.hz);
    for (SoftnetData& sd : sd_) {
        INIT_LIST_HEAD(&sd.poll_list);
        INIT_LIST_HEAD(&sd.backlog.poll_list);
        sd.backlog.poll = backlog_poll;
        sd.backlog.weight = sysctl.dev_weight;
    }
    k_.symbols().name(reinterpret_cast<const void*>(&backlog_poll), "process_backlog", nullptr);
    k_.softirqs().open(NET_TX_SOFTIRQ, net_tx_softirq, "net_tx_action");
    k_.softirqs().open(NET_RX_SOFTIRQ, net_rx_softirq, "net_rx_action");
}

// --- devices -------------------------------------------------------------------------

struct net_device* Net::alloc(int sizeof_priv, unsigned txqs, unsigned rxqs) {
    std::size_t head = (sizeof(struct net_device) + NETDEV_ALIGN - 1) & ~std::size_t{NETDEV_ALIGN - 1};
    auto* dev = static_cast<struct net_device*>(kzalloc(head + static_cast<std::size_t>(sizeof_priv), GFP_KERNEL));
    if (!dev) return nullptr;
    records_.push_back(std::make_unique<NetDeviceRecord>());
    dev->__irqlab = records_.back().get();
    std::snprintf(dev->name, IFNAMSIZ, "eth%%d");
    dev->mtu = ETH_DATA_LEN;
    dev->addr_len = ETH_ALEN;
    dev->num_tx_queues = txqs;
    dev->real_num_rx_queues = rxqs;
    INIT_LIST_HEAD(&dev->napi_list);
    return dev;
}

void Net::free(struct net_device* dev) {
    if (!dev) return;
    NetDeviceRecord* rec = &record(dev);
    std::erase_if(records_, [&](const auto& r) { return r.get() == rec; });
    kfree(dev);
}

// The socket's side: /dev/IFNAME, one packet per read (see net.hpp).
namespace {
int sock_open(struct inode* inode, struct file* f) {
    for (struct net_device* dev : Kernel::get().net().devices())
        if (Net::record(dev).devt == inode->i_rdev) f->private_data = dev;
    return f->private_data ? 0 : -ENODEV;
}

ssize_t sock_read(struct file* f, char __user* buf, size_t len, loff_t*) {
    auto* dev = static_cast<struct net_device*>(f->private_data);
    NetDeviceRecord& rec = Net::record(dev);
    if (rec.socket.empty() && (f->f_flags & O_NONBLOCK)) return -EAGAIN;
    if (wait_event_interruptible(*rec.readers, !Net::record(dev).socket.empty())) return -ERESTARTSYS;
    struct sk_buff* skb = rec.socket.front();
    rec.socket.pop_front();
    ++rec.delivered;
    char line[48];
    int n = std::snprintf(line, sizeof line, "packet %u\n", skb->len);
    // The packet's end-to-end latency runs from its arrival on the wire.
    if (skb->tstamp > 0) Kernel::get().running()->origin = skb->tstamp;
    consume_skb(skb);
    std::size_t take = std::min<std::size_t>(len, static_cast<std::size_t>(n));
    if (copy_to_user(buf, line, take)) return -EFAULT;
    return static_cast<ssize_t>(take);
}

// A write sends one packet, as a datagram socket's send does: the data behind an Ethernet
// header (to the broadcast address, from the device, IPv4), padded to the minimum frame,
// through the stack's output path (Cost::net_stack) to dev_queue_xmit(). As for UDP
// without IP_RECVERR, a packet the device drops is not the writer's error.
ssize_t sock_write(struct file* f, const char __user* buf, size_t len, loff_t*) {
    auto* dev = static_cast<struct net_device*>(f->private_data);
    if (!Net::record(dev).registered) return -ENXIO;
    if (len > dev->mtu) return -EMSGSIZE;
    unsigned int frame = std::max<unsigned int>(ETH_ZLEN, ETH_HLEN + static_cast<unsigned int>(len));
    struct sk_buff* skb = alloc_skb(frame, GFP_KERNEL);
    if (!skb) return -ENOBUFS;
    auto* eth = static_cast<unsigned char*>(skb_put(skb, frame));
    std::memset(eth, 0, frame);
    std::memset(eth, 0xff, ETH_ALEN);
    std::memcpy(eth + ETH_ALEN, dev->dev_addr, ETH_ALEN);
    eth[12] = 0x08;  // ETH_P_IP, big endian
    if (copy_from_user(eth + ETH_HLEN, buf, len)) {
        kfree_skb(skb);
        return -EFAULT;
    }
    skb->dev = dev;
    skb->protocol = 0x0008;  // htons(ETH_P_IP)
    spend(Cost::net_stack);
    dev_queue_xmit(skb);
    return static_cast<ssize_t>(len);
}

const struct file_operations sock_fops = {.read = sock_read, .write = sock_write, .open = sock_open};
}  // namespace

// register_netdev(): the name ("eth%d" -> eth0, eth1, ...), an ifindex, and the device's
// socket node.
int Net::register_netdev(struct net_device* dev) {
    NetDeviceRecord& rec = record(dev);
    if (rec.registered) return -EEXIST;
    if (std::string(dev->name).find('%') != std::string::npos) std::snprintf(dev->name, IFNAMSIZ, "eth%u", eth_count_++);
    dev->ifindex = next_ifindex_++;
    if (!sock_base_) {
        int major = k_.vfs().register_region(0, 0, 256, "irqlab-socket");
        if (major < 0) return major;
        sock_base_ = MKDEV(static_cast<unsigned>(major), 0);
    }
    rec.devt = sock_base_ + static_cast<dev_t>(devices_.size());
    rec.readers = static_cast<struct wait_queue_head*>(kzalloc(sizeof(struct wait_queue_head), GFP_KERNEL));
    static struct lock_class_key sock_key;
    __init_waitqueue_head(rec.readers, "sk_wq", &sock_key);
    rec.cdev = cdev_alloc();
    rec.cdev->ops = &sock_fops;
    cdev_add(rec.cdev, rec.devt, 1);
    k_.vfs().add_node(dev->name, rec.devt);
    rec.registered = true;
    devices_.push_back(dev);
    return 0;
}

void Net::unregister_netdev(struct net_device* dev) {
    NetDeviceRecord& rec = record(dev);
    if (!rec.registered) return;
    k_.vfs().remove_node(rec.devt);
    cdev_del(rec.cdev);
    for (struct sk_buff* skb : rec.socket) kfree_skb(skb);
    rec.socket.clear();
    kfree(rec.readers);
    rec.readers = nullptr;
    rec.registered = false;
    std::erase(devices_, dev);
}

// --- NAPI ----------------------------------------------------------------------------

// netif_napi_add_weight(): the instance starts disabled (SCHED and NPSVC set) until
// napi_enable().
void Net::napi_add(struct net_device* dev, struct napi_struct* n, int (*poll)(struct napi_struct*, int), int weight) {
    INIT_LIST_HEAD(&n->poll_list);
    if (weight > NAPI_POLL_WEIGHT && !err_budget_once_) {
        err_budget_once_ = true;
        pr_err("%s %s: %s() called with weight %d\n", dev_driver_string(dev->dev.parent ? dev->dev.parent : &dev->dev),
               dev->name, "netif_napi_add_weight", weight);
    }
    n->weight = weight;
    n->poll = poll;
    n->dev = dev;
    n->napi_id = next_napi_id_++;
    n->state = NAPIF(NAPI_STATE_SCHED) | NAPIF(NAPI_STATE_NPSVC);
    record(dev).napis.push_back(n);
}

void Net::napi_del(struct napi_struct* n) {
    if (n->dev) std::erase(record(n->dev).napis, n);
    if (!list_empty(&n->poll_list)) list_del_init(&n->poll_list);
}

// ____napi_schedule(): onto this CPU's poll list; NET_RX is raised unless net_rx_action()
// is running here already (it picks the list up again before it ends).
void Net::napi_schedule_here(struct napi_struct* n) {
    Cpu& cpu = k_.this_cpu();
    SoftnetData& sd = softnet(cpu.id);
    list_add_tail(&n->poll_list, &sd.poll_list);
    if (!sd.in_net_rx_action) raise_softirq_irqoff(cpu, NET_RX_SOFTIRQ);
}

void Net::napi_list_remove(struct napi_struct* n) {
    if (!list_empty(&n->poll_list)) list_del_init(&n->poll_list);
}

// napi_poll() and __napi_poll(): one poll of up to the instance's weight.
int Net::napi_poll(struct napi_struct* n, bool& repoll) {
    list_del_init(&n->poll_list);
    int weight = n->weight;
    int work = 0;
    if (n->state & NAPIF(NAPI_STATE_SCHED)) {
        FrameScope frame(k_.symbols().name_of(reinterpret_cast<const void*>(n->poll)));
        work = n->poll(n, weight);
        if (k_.tracing()) {
            sim::TraceRecord r;
            r.ptr = n;
            r.str[0] = k_.symbols().intern(n->dev ? n->dev->name : "(no_device)");
            r.arg[0] = work;
            r.arg[1] = weight;
            k_.emit(trace::Ev::napi_poll, r);
        }
    }
    if (work > weight)
        pr_err("%s: NAPI poll function %s returned %d, exceeding its budget of %d.\n", n->dev ? n->dev->name : "backlog",
               k_.symbols().name_of(reinterpret_cast<const void*>(n->poll)), work, weight);
    if (work < weight) return work;
    if (n->state & NAPIF(NAPI_STATE_DISABLE)) {
        napi_complete_done(n, 0);
        return work;
    }
    if (!list_empty(&n->poll_list)) {
        if (!warn_rescheduled_once_) {
            warn_rescheduled_once_ = true;
            pr_warn("%s: Budget exhausted after napi rescheduled\n", n->dev ? n->dev->name : "backlog");
        }
        return work;
    }
    // The budget is used up and the instance stays scheduled: polled again at the tail,
    // without a new interrupt.
    repoll = true;
    return work;
}

// net_rx_action(): poll the scheduled instances until the list is empty, netdev_budget
// packets are done, or netdev_budget_usecs have passed; then leave the rest for the next
// NET_RX pass (time_squeeze counts those stops).
void Net::net_rx_action() {
    Cpu& cpu = k_.this_cpu();
    SoftnetData& sd = softnet(cpu.id);
    unsigned long time_limit =
        jiffies_at(k_, k_.now()) + usecs_to_jiffies(static_cast<unsigned>(sysctl.netdev_budget_usecs));
    int budget = sysctl.netdev_budget;
    LIST_HEAD(list);
    LIST_HEAD(repoll);
    for (;;) {  // start:
        sd.in_net_rx_action = true;
        list_splice_front_init(&sd.poll_list, &list);
        bool again = false;
        for (;;) {
            if (list_empty(&list)) {
                if (list_empty(&repoll)) {
                    sd.in_net_rx_action = false;
                    if (!list_empty(&sd.poll_list)) {
                        again = true;
                        break;
                    }
                    return;
                }
                break;
            }
            struct napi_struct* n = first_napi(&list);
            bool do_repoll = false;
            budget -= napi_poll(n, do_repoll);
            if (do_repoll) list_add_tail(&n->poll_list, &repoll);
            if (budget <= 0 || time_after_eq(jiffies_at(k_, k_.now()), time_limit)) {
                sd.time_squeeze++;
                break;
            }
        }
        if (!again) break;
    }
    list_splice_tail_init(&sd.poll_list, &list);
    list_splice_tail_init(&repoll, &list);
    list_splice_front(&list, &sd.poll_list);
    if (!list_empty(&sd.poll_list))
        softirq_mark_pending(cpu, NET_RX_SOFTIRQ);  // __raise_softirq_irqoff()
    else
        sd.in_net_rx_action = false;
}

// net_tx_action(): free what drivers handed over with dev_kfree_skb_irq().
void Net::net_tx_action() {
    SoftnetData& sd = softnet(k_.this_cpu().id);
    std::vector<struct sk_buff*> done;
    done.swap(sd.completion_queue);
    for (struct sk_buff* skb : done) consume_skb(skb);
}

// --- receive -------------------------------------------------------------------------

int Net::receive(struct sk_buff* skb) {
    Cpu& cpu = k_.this_cpu();
    softnet(cpu.id).processed++;
    spend(Cost::net_stack);
    NetDeviceRecord& rec = record(skb->dev);
    if (!rec.registered || rec.socket.size() >= sysctl.socket_queue) {
        rec.socket_drops++;
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    rec.socket.push_back(skb);
    wake_up_interruptible(rec.readers);  // sock_def_readable()
    return NET_RX_SUCCESS;
}

// enqueue_to_backlog(): this CPU's input queue, at most netdev_max_backlog packets.
int Net::enqueue_backlog(struct sk_buff* skb) {
    Cpu& cpu = k_.this_cpu();
    SoftnetData& sd = softnet(cpu.id);
    unsigned long flags = arch_local_irq_save();
    if (sd.input_pkt_queue.size() >= static_cast<std::size_t>(sysctl.netdev_max_backlog)) {
        sd.dropped++;
        arch_local_irq_restore(flags);
        kfree_skb(skb);
        return NET_RX_DROP;
    }
    sd.input_pkt_queue.push_back(skb);
    if (napi_schedule_prep(&sd.backlog)) napi_schedule_here(&sd.backlog);
    arch_local_irq_restore(flags);
    return NET_RX_SUCCESS;
}

// process_backlog(): the backlog's poll, up to its quota; it completes itself when the
// queue is empty.
int Net::process_backlog(struct napi_struct* napi, int quota) {
    SoftnetData& sd = softnet(k_.this_cpu().id);
    int work = 0;
    while (work < quota && !sd.input_pkt_queue.empty()) {
        struct sk_buff* skb = sd.input_pkt_queue.front();
        sd.input_pkt_queue.pop_front();
        receive(skb);
        ++work;
    }
    // __napi_complete(): done when the queue ran dry within the quota.
    if (work < quota && sd.input_pkt_queue.empty()) napi->state = 0;
    return work;
}

// --- transmit ------------------------------------------------------------------------

// __dev_queue_xmit(): with BHs off (rcu_read_lock_bh()), to the driver's ndo_start_xmit()
// unless its queue is stopped. irqlab has no qdisc to hold a packet the device cannot take
// now (queue stopped, NETDEV_TX_BUSY): it is dropped and counted in tx_dropped, as a full
// qdisc would drop it.
int Net::xmit(struct sk_buff* skb) {
    struct net_device* dev = skb->dev;
    NetDeviceRecord& rec = record(dev);
    int rc = NET_XMIT_DROP;
    local_bh_disable();
    if (rec.registered && !rec.queue_stopped && dev->netdev_ops && dev->netdev_ops->ndo_start_xmit) {
        FrameScope frame(k_.symbols().name_of(reinterpret_cast<const void*>(dev->netdev_ops->ndo_start_xmit)));
        if (dev->netdev_ops->ndo_start_xmit(skb, dev) == NETDEV_TX_OK) rc = NET_XMIT_SUCCESS;
    }
    if (rc != NET_XMIT_SUCCESS) {
        dev->stats.tx_dropped++;
        kfree_skb(skb);
    }
    local_bh_enable();
    return rc;
}

// --- /proc/net -----------------------------------------------------------------------

// net/core/net-procfs.c's softnet_seq_show(). irqlab's backlog is one queue (Linux splices
// input_pkt_queue into a process_queue), so process_qlen is always 0.
std::string Net::show_softnet_stat() const {
    std::string out;
    char line[160];
    for (std::size_t c = 0; c < sd_.size(); ++c) {
        const SoftnetData& sd = sd_[c];
        auto qlen = static_cast<unsigned>(sd.input_pkt_queue.size());
        std::snprintf(line, sizeof line, "%08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x %08x\n",
                      sd.processed, sd.dropped, sd.time_squeeze, 0, 0, 0, 0, 0, 0, 0, 0, qlen,
                      static_cast<unsigned>(c), qlen, 0);
        out += line;
    }
    return out;
}

std::string Net::show_dev() const {
    std::string out =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls "
        "carrier compressed\n";
    char line[256];
    auto row = [&](const char* name, const struct net_device_stats& s) {
        std::snprintf(line, sizeof line,
                      "%6s: %7lu %7lu %4lu %4lu %4lu %5lu %10lu %9lu %8lu %7lu %4lu %4lu %4lu %5lu %7lu %10lu\n", name,
                      s.rx_bytes, s.rx_packets, s.rx_errors, s.rx_dropped + s.rx_missed_errors, s.rx_fifo_errors,
                      s.rx_length_errors + s.rx_over_errors + s.rx_crc_errors + s.rx_frame_errors, s.rx_compressed,
                      s.multicast, s.tx_bytes, s.tx_packets, s.tx_errors, s.tx_dropped, s.tx_fifo_errors, s.collisions,
                      s.tx_carrier_errors + s.tx_aborted_errors + s.tx_window_errors + s.tx_heartbeat_errors,
                      s.tx_compressed);
        out += line;
    };
    row("lo", {});
    for (const struct net_device* dev : devices_) row(dev->name, dev->stats);
    return out;
}

}  // namespace irqlab::kernel
