// NAPI and the receive path (net/core/dev.c): napi_schedule_prep/__napi_schedule,
// napi_complete_done, the weight, netdev_budget and time_squeeze in net_rx_action(), the
// backlog of netif_rx(), and /proc/net/softnet_stat.
#include <catch2/catch.hpp>

#include <linux/bottom_half.h>
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include <cstdio>

#include "kernel/fs/proc/proc.hpp"
#include "kernel/fs/vfs.hpp"
#include "kernel/net/net.hpp"
#include "machine.hpp"

using namespace irqlab;
using namespace irqlab::sim::literals;

namespace {
// A device whose "ring" holds `pending` packets; each poll takes up to the budget.
struct FakeNic {
    struct napi_struct napi;
    int pending = 0;
    int polls = 0;
    std::vector<int> budgets, works;
    bool completed = false;
    bool complete_result = false;
};

int fake_poll(struct napi_struct* napi, int budget) {
    FakeNic* nic = container_of(napi, FakeNic, napi);
    nic->polls++;
    nic->budgets.push_back(budget);
    int work = 0;
    while (work < budget && nic->pending > 0) {
        struct sk_buff* skb = napi_alloc_skb(napi, 64);
        skb_put(skb, 64);
        napi_gro_receive(napi, skb);
        nic->pending--;
        work++;
    }
    nic->works.push_back(work);
    if (work < budget) {
        nic->completed = true;
        nic->complete_result = napi_complete_done(napi, work);
    }
    return work;
}

struct net_device* make_nic(FakeNic& nic) {
    struct net_device* dev = alloc_etherdev(0);
    register_netdev(dev);
    netif_napi_add(dev, &nic.napi, fake_poll);
    napi_enable(&nic.napi);
    return dev;
}

// Schedules the instance as a hard handler would, from a BH-disabled section: the
// softirq runs at local_bh_enable().
void kick(FakeNic& nic) {
    local_bh_disable();
    napi_schedule(&nic.napi);
    local_bh_enable();
}
}  // namespace

TEST_CASE("register_netdev names devices eth0, eth1 and makes their socket nodes") {
    test::Machine m;
    std::string a, b;
    m.kthread("t", [&] {
        struct net_device* d0 = alloc_etherdev(0);
        struct net_device* d1 = alloc_etherdev(0);
        register_netdev(d0);
        register_netdev(d1);
        a = d0->name;
        b = d1->name;
        return 0;
    });
    m.run_until(1_ms);
    CHECK(a == "eth0");
    CHECK(b == "eth1");
    CHECK(m.k.vfs().node("/dev/eth1").has_value());
}

TEST_CASE("netif_napi_add uses NAPI_POLL_WEIGHT (64) and a poll with work under the weight completes (napi_complete_done returns true)") {
    test::Machine m;
    FakeNic nic;
    m.kthread("t", [&] {
        make_nic(nic);
        nic.pending = 10;
        kick(nic);
        return 0;
    });
    m.run_until(1_ms);
    REQUIRE(nic.polls == 1);
    CHECK(nic.budgets[0] == 64);
    CHECK(nic.works[0] == 10);
    CHECK(nic.completed);
    CHECK(nic.complete_result);
    CHECK(nic.napi.state == 0);
}

TEST_CASE("a poll that uses its whole weight stays scheduled and is polled again without a new interrupt (napi_poll repoll)") {
    test::Machine m;
    FakeNic nic;
    m.kthread("t", [&] {
        make_nic(nic);
        nic.pending = 150;
        kick(nic);
        return 0;
    });
    m.run_until(1_ms);
    CHECK(nic.works == std::vector<int>{64, 64, 22});
    CHECK(nic.pending == 0);
}

TEST_CASE("net_rx_action stops after netdev_budget (300) packets, counts a time_squeeze, and leaves the rest for the next NET_RX pass") {
    test::Machine m;
    FakeNic nics[6];
    std::vector<int> first_pass;
    m.kthread("t", [&] {
        local_bh_disable();
        for (FakeNic& nic : nics) {
            make_nic(nic);
            nic.pending = 100;
            napi_schedule(&nic.napi);
        }
        local_bh_enable();
        return 0;
    });
    m.run_until(50_ms);
    // One pass: 64 from each of the first five is 320 >= 300, so it stops there with the
    // sixth not yet polled: a time_squeeze. The rest runs in later passes.
    for (FakeNic& nic : nics) {
        CHECK(nic.pending == 0);
        CHECK(nic.works.front() == 64);
    }
    CHECK(m.k.net().softnet(0).time_squeeze >= 1);
    CHECK(m.k.net().softnet(0).processed == 600);
}

TEST_CASE("a single NAPI instance is polled once per net_rx_action: with more than its weight the NET_RX softirq is raised again") {
    test::Machine m;
    FakeNic nic;
    m.kthread("t", [&] {
        make_nic(nic);
        nic.pending = 1000;
        kick(nic);
        return 0;
    });
    m.run_until(50_ms);
    CHECK(nic.pending == 0);
    CHECK(nic.works.size() == 16);  // 15 x 64 + 40
    CHECK(m.k.net().softnet(0).time_squeeze == 0);
    CHECK(m.k.net().softnet(0).processed == 1000);
    CHECK(m.k.cpu(0).softirq_count[NET_RX_SOFTIRQ] == 16);
}

TEST_CASE("napi_schedule_prep on a scheduled instance notes MISSED, and napi_complete_done then reschedules it and returns false") {
    test::Machine m;
    FakeNic nic;
    bool second_prep = true, complete = true;
    unsigned long state_after = 0;
    m.kthread("t", [&] {
        make_nic(nic);
        local_bh_disable();
        CHECK_NOFAIL(napi_schedule_prep(&nic.napi));
        second_prep = napi_schedule_prep(&nic.napi);
        // The owner completes: because of MISSED it keeps SCHED and is queued again.
        m.k.net().napi_list_remove(&nic.napi);
        complete = napi_complete_done(&nic.napi, 0);
        state_after = nic.napi.state;
        local_bh_enable();
        return 0;
    });
    m.run_until(1_ms);
    CHECK_FALSE(second_prep);
    CHECK_FALSE(complete);
    CHECK((state_after & (1UL << NAPI_STATE_SCHED)) != 0);
    CHECK((state_after & (1UL << NAPI_STATE_MISSED)) == 0);
    CHECK(nic.polls == 1);  // the reschedule made one more poll
}

TEST_CASE("napi_schedule_prep refuses a disabled instance and napi_enable makes it schedulable") {
    test::Machine m;
    FakeNic nic;
    bool before = true, after = false;
    m.kthread("t", [&] {
            struct net_device* dev = alloc_etherdev(0);
        register_netdev(dev);
        netif_napi_add(dev, &nic.napi, fake_poll);
        before = napi_schedule_prep(&nic.napi);  // added: SCHED|NPSVC, owned by nobody
        napi_enable(&nic.napi);
        after = napi_schedule_prep(&nic.napi);
        return 0;
    });
    m.run_until(1_ms);
    CHECK_FALSE(before);
    CHECK(after);
}

TEST_CASE("netif_rx queues to the CPU's backlog, and past netdev_max_backlog drops and counts it in softnet_stat") {
    test::Machine m;
    int ok = 0, dropped = 0;
    m.kthread("t", [&] {
        struct net_device* dev = alloc_etherdev(0);
        register_netdev(dev);
        m.k.net().sysctl.netdev_max_backlog = 5;
        local_bh_disable();
        for (int i = 0; i < 8; ++i) {
            struct sk_buff* skb = netdev_alloc_skb(dev, 64);
            skb_put(skb, 64);
            (netif_rx(skb) == NET_RX_SUCCESS ? ok : dropped)++;
        }
        local_bh_enable();
        return 0;
    });
    m.run_until(1_ms);
    CHECK(ok == 5);
    CHECK(dropped == 3);
    CHECK(m.k.net().softnet(0).processed == 5);
    CHECK(*kernel::procfs::read(m.k, "/proc/net/softnet_stat") ==
          "00000005 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 "
          "00000000 00000000 00000000\n");
}

TEST_CASE("/proc/net/dev has Linux's header and one line per device") {
    test::Machine m;
    m.kthread("t", [&] {
        struct net_device* dev = alloc_etherdev(0);
        register_netdev(dev);
        dev->stats.rx_packets = 3;
        dev->stats.rx_bytes = 180;
        return 0;
    });
    m.run_until(1_ms);
    std::string s = *kernel::procfs::read(m.k, "/proc/net/dev");
    CHECK(s.rfind("Inter-|   Receive                                                |  Transmit\n"
                  " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo "
                  "colls carrier compressed\n",
                  0) == 0);
    CHECK(s.find("  eth0:     180       3    0    0    0     0          0         0        0       0    0    0    0     0       0          0\n") !=
          std::string::npos);
}
