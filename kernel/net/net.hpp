// The network core (net/core/dev.c, net/core/skbuff.c): registered devices, each CPU's
// softnet_data (its NAPI poll list, the backlog, the counters of /proc/net/softnet_stat),
// net_rx_action() in NET_RX_SOFTIRQ and net_tx_action() in NET_TX_SOFTIRQ, and the receive
// path to a socket-like endpoint per device.
//
// Simplifications: no protocols, routing or GRO; every received packet goes through one
// "stack" step (Cost::net_stack) into its device's socket, a bounded queue that a process
// reads through the device node /dev/IFNAME (one packet per read, as a datagram socket
// gives one datagram). A write to the node sends one packet (the stack's output step, one
// Cost::net_stack, then dev_queue_xmit()). No RPS, no busy polling, no threaded NAPI, no
// qdisc.
#pragma once

#include <linux/netdevice.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sim/time.hpp"

struct cdev;

namespace irqlab::kernel {

class Kernel;

// sysctl net.core.* (net/core/hotdata.c), per kernel.
struct NetSysctl {
    int netdev_budget = 300;
    int netdev_budget_usecs = 0;  // 2 * USEC_PER_SEC / HZ, set from HZ at boot
    int netdev_max_backlog = 1000;
    int dev_weight = 64;
    unsigned socket_queue = 256;  // packets a device's socket holds (irqlab's, see net.hpp)
};

struct SoftnetData {
    struct list_head poll_list {};  // of napi_struct.poll_list
    bool in_net_rx_action = false;
    std::uint32_t processed = 0;
    std::uint32_t dropped = 0;
    std::uint32_t time_squeeze = 0;
    std::deque<struct sk_buff*> input_pkt_queue;  // netif_rx()'s backlog
    struct napi_struct backlog {};
    std::vector<struct sk_buff*> completion_queue;  // dev_kfree_skb_irq(), freed in NET_TX
};

// What irqlab keeps beside a net_device.
struct NetDeviceRecord {
    bool registered = false;
    bool carrier = false;
    bool queue_stopped = true;
    std::vector<struct napi_struct*> napis;
    // The socket: received packets waiting for a reader of /dev/IFNAME.
    std::deque<struct sk_buff*> socket;
    std::uint64_t socket_drops = 0;
    std::uint64_t delivered = 0;  // packets a process has read
    struct wait_queue_head* readers = nullptr;
    struct cdev* cdev = nullptr;
    dev_t devt = 0;
};

class Net {
public:
    explicit Net(Kernel& k);
    ~Net();
    Net(const Net&) = delete;
    Net& operator=(const Net&) = delete;

    NetSysctl sysctl;
    SoftnetData& softnet(int cpu) { return sd_[static_cast<std::size_t>(cpu)]; }
    const std::vector<struct net_device*>& devices() const { return devices_; }
    static NetDeviceRecord& record(const struct net_device* dev);

    // Opens NET_RX/NET_TX and sets up each CPU's backlog NAPI (net_dev_init()).
    void init();
    int register_netdev(struct net_device* dev);
    void unregister_netdev(struct net_device* dev);
    struct net_device* alloc(int sizeof_priv, unsigned txqs, unsigned rxqs);
    void free(struct net_device* dev);
    void napi_add(struct net_device* dev, struct napi_struct* n, int (*poll)(struct napi_struct*, int), int weight);
    void napi_del(struct napi_struct* n);
    // ____napi_schedule() on the running CPU.
    void napi_schedule_here(struct napi_struct* n);
    void napi_list_remove(struct napi_struct* n);
    void net_rx_action();
    void net_tx_action();
    // __netif_receive_skb(): one packet through the stack into its device's socket.
    int receive(struct sk_buff* skb);
    // enqueue_to_backlog(): netif_rx's queue on this CPU.
    int enqueue_backlog(struct sk_buff* skb);
    int process_backlog(struct napi_struct* napi, int quota);
    // __dev_queue_xmit() without a qdisc: to the driver's ndo_start_xmit(), or dropped.
    int xmit(struct sk_buff* skb);

    std::string show_softnet_stat() const;
    std::string show_dev() const;

private:
    int napi_poll(struct napi_struct* n, bool& repoll);

    Kernel& k_;
    std::vector<SoftnetData> sd_;  // sized once: the list heads in it point at themselves
    std::vector<struct net_device*> devices_;
    std::vector<std::unique_ptr<NetDeviceRecord>> records_;
    int next_ifindex_ = 2;  // 1 is lo
    unsigned next_napi_id_ = 1;
    unsigned eth_count_ = 0;
    dev_t sock_base_ = 0;
    bool err_budget_once_ = false;
    bool warn_rescheduled_once_ = false;
};

}  // namespace irqlab::kernel
