#include "tools/output/context.hpp"

#include "kernel/trace/events.hpp"

namespace irqlab::output {

namespace {
using kernel::trace::Ev;
using Op = ContextChange::Op;
constexpr std::int64_t kNrSoftirqs = 10;
}  // namespace

ContextChange context_change(const sim::TraceRecord& r) {
    switch (static_cast<Ev>(r.kind)) {
        case Ev::irq_handler_entry:
            return {Op::Enter, Context::Hardirq, r.arg[0]};
        case Ev::irq_handler_exit:
            return {Op::Exit, Context::Hardirq, r.arg[0]};
        case Ev::softirq_entry:
            if (r.arg[0] < 0 || r.arg[0] >= kNrSoftirqs) return {};
            return {Op::Enter, Context::Softirq, r.arg[0]};
        case Ev::softirq_exit:
            return {Op::Exit, Context::Softirq, r.arg[0]};
        case Ev::tasklet_entry:
            return {Op::Enter, Context::Tasklet, -1};
        case Ev::tasklet_exit:
            return {Op::Exit, Context::Tasklet, -1};
        case Ev::workqueue_execute_start:
            return {Op::Enter, Context::Work, -1};
        case Ev::workqueue_execute_end:
            return {Op::Exit, Context::Work, -1};
        case Ev::timer_expire_entry:
            return {Op::Enter, Context::Timer, -1};
        case Ev::timer_expire_exit:
            return {Op::Exit, Context::Timer, -1};
        case Ev::hrtimer_expire_entry:
            return {Op::Enter, Context::Hrtimer, -1};
        case Ev::hrtimer_expire_exit:
            return {Op::Exit, Context::Hrtimer, -1};
        // The system vectors: each exit follows its entry in Ev, and names it.
        case Ev::local_timer_entry:
        case Ev::reschedule_entry:
        case Ev::call_function_entry:
        case Ev::call_function_single_entry:
            return {Op::Enter, Context::Sysvec, r.kind};
        case Ev::local_timer_exit:
        case Ev::reschedule_exit:
        case Ev::call_function_exit:
        case Ev::call_function_single_exit:
            return {Op::Exit, Context::Sysvec, r.kind - 1};
        default:
            return {};
    }
}

}  // namespace irqlab::output
