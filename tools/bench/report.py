"""Turns Google Benchmark's JSON (repetitions with aggregates) into the medians and ratios
tools/bench/run.sh prints."""
import json
import sys

d = json.load(sys.stdin)
med = {b["run_name"]: b for b in d["benchmarks"] if b.get("aggregate_name") == "median"}


def rate(name):
    return med[name]["items_per_second"]


for name, b in med.items():
    per_s = b["items_per_second"] / 1e6
    print(f"{name:36s} median {b['real_time']:8.1f} {b['time_unit']}  {per_s:8.2f} M items/s")
if "BM_EventChain/1000000" in med and "BM_BareHeapChain/1000000" in med:
    chain, bare = rate("BM_EventChain/1000000"), rate("BM_BareHeapChain/1000000")
    print(f"event chain vs bare heap loop: {chain / bare:.2f}x ({1e9 / chain:.1f} ns vs {1e9 / bare:.1f} ns per event)")
if "BM_FiberSwitch/1000000" in med and "BM_BoostFiberSwitch/1000000" in med:
    ours, boost = 1e9 / rate("BM_FiberSwitch/1000000"), 1e9 / rate("BM_BoostFiberSwitch/1000000")
    print(f"fiber switch: {ours:.1f} ns, {ours / boost:.2f}x Boost.Context's own ({boost:.1f} ns)")
