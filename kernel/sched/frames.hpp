// Names a kernel function on the running task's context stack for as long as it runs, so
// bt and the BUG reports show the path (msleep -> schedule_timeout -> schedule ...).
#pragma once

#include "kernel/kernel.hpp"
#include "kernel/sched/task.hpp"

namespace irqlab::kernel {

class FrameScope {
public:
    explicit FrameScope(const char* fn) : task_(Kernel::get().running()) {
        if (!task_) return;
        bool irq = !task_->frames.empty() && task_->frames.back().irq;
        task_->frames.emplace_back(fn, irq);
    }
    FrameScope(const FrameScope&) = delete;
    FrameScope& operator=(const FrameScope&) = delete;
    ~FrameScope() {
        if (task_) task_->frames.pop_back();
    }

private:
    Task* task_;
};

}  // namespace irqlab::kernel
