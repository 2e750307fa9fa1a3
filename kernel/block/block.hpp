// The block layer (block/blk-mq.c, blk-mq-tag.c, blk-core.c, genhd.c, fops.c): tag sets
// and their requests, submission from a process, and the completion path through
// BLOCK_SOFTIRQ, with each CPU's blk_cpu_done list.
//
// What irqlab leaves out: the page cache and the bio layer's splitting and merging (a
// read(2) of /dev/vda becomes one request per max_sectors, and the reader sleeps until
// each ends), I/O schedulers (every queue is "none"), plugging, partitions and the
// partition scan at add_disk(), request timeouts, polled queues, and more than one
// hardware queue per tag set.
#pragma once

#include <linux/blk-mq.h>
#include <linux/fs.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

struct cdev;

namespace irqlab::kernel {

class Kernel;

// What irqlab keeps beside a tag set's tags: which are free, and who waits for one.
struct TagsRecord {
    std::vector<bool> busy;
    unsigned used = 0;
    struct wait_queue_head wait {};  // blk_mq_get_tag() sleeps here (Linux: sbitmap's wait queues)
};

// What irqlab keeps beside a request_queue.
struct QueueRecord {
    std::vector<struct blk_mq_ctx> ctxs;    // one software queue per CPU, sized once
    std::deque<struct request*> dispatch;   // refused by queue_rq (busy): issued first next run
    struct work_struct run_work {};         // blk_mq_run_hw_queue(async): kblockd's pool
    unsigned allocated = 0;                 // requests holding a tag
    unsigned max_allocated = 0;
    struct wait_queue_head freeze_wq {};    // del_gendisk() waits here for the last request
    std::uint64_t completed = 0, errors = 0;
};

// What irqlab keeps beside a gendisk: its /dev node and who has it open.
struct DiskRecord {
    struct gendisk* disk = nullptr;
    dev_t node = 0;  // the /dev node's number (see BlockLayer::add_disk)
    struct cdev* cdev = nullptr;
    unsigned opens = 0;
    bool added = false;
    bool deleted = false;  // del_gendisk(): I/O fails, the node is gone
    bool put = false;      // put_disk() ran while files were open: freed at the last close
};

class BlockLayer {
public:
    explicit BlockLayer(Kernel& k);
    ~BlockLayer();
    BlockLayer(const BlockLayer&) = delete;
    BlockLayer& operator=(const BlockLayer&) = delete;

    // blk_mq_init(): BLOCK_SOFTIRQ's action and each CPU's blk_cpu_done list.
    void init();
    // blk_done_softirq(): ->complete() for every request on this CPU's list, oldest first.
    void done_softirq();
    // The list blk_mq_complete_request() puts requests on for `cpu`'s BLOCK_SOFTIRQ.
    struct list_head& cpu_done(int cpu) { return done_[static_cast<std::size_t>(cpu)]; }

    // register_blkdev()'s majors (block/genhd.c major_names), and /proc/devices' lines.
    int register_major(unsigned major, const char* name);
    void unregister_major(unsigned major, const char* name);
    std::string show_devices() const;

    int add_disk(struct gendisk* disk);
    void del_gendisk(struct gendisk* disk);
    void put_disk(struct gendisk* disk);
    void free_disk(DiskRecord& d);
    DiskRecord* disk_by_node(dev_t node);
    DiskRecord& record(const struct gendisk* disk);
    const std::vector<std::unique_ptr<DiskRecord>>& disks() const { return disks_; }

    QueueRecord& new_queue_record();
    void free_queue_record(QueueRecord* r);
    TagsRecord& new_tags_record();
    void free_tags_record(TagsRecord* r);

private:
    Kernel& k_;
    std::vector<struct list_head> done_;  // per CPU; sized once (the heads point at themselves)
    struct Major {
        unsigned major;
        std::string name;
    };
    std::vector<Major> majors_;
    std::vector<std::unique_ptr<DiskRecord>> disks_;
    std::vector<std::unique_ptr<QueueRecord>> queues_;
    std::vector<std::unique_ptr<TagsRecord>> tags_;
    dev_t node_base_ = 0;  // the character region the /dev nodes use
    unsigned next_node_ = 0;
};

// The queue's and the tags' records.
inline QueueRecord& queue_record(const struct request_queue* q) { return *static_cast<QueueRecord*>(q->__irqlab); }
inline TagsRecord& tags_record(const struct blk_mq_tags* t) { return *static_cast<TagsRecord*>(t->__irqlab); }

// The file operations of a disk's /dev node (kernel/block/fops.cpp), and their names.
extern const struct file_operations def_blk_fops;
void name_block_symbols(Kernel& k);

// blk-mq internals shared by the files of kernel/block.
// __blk_mq_alloc_requests(): a request with a tag of q's tag set, sleeping for one unless
// BLK_MQ_REQ_NOWAIT; nullptr when none is to be had (or the queue is dying).
struct request* blk_mq_get_request(struct request_queue* q, blk_opf_t opf, blk_mq_req_flags_t flags);
// blk_mq_get_tag() / blk_mq_put_tag(): -1 for none.
int blk_mq_get_tag(struct request_queue* q, blk_mq_req_flags_t flags);
void blk_mq_put_tag(struct blk_mq_tags* tags, unsigned tag);
// blk_mq_try_issue_directly(): queue_rq now, in the submitter's context.
void blk_mq_issue(struct request* rq);

}  // namespace irqlab::kernel
