#!/usr/bin/env python3
"""The two speeds of the two-thread batch engine, from `backprop bench --call-times FILE` logs.

    python3 Benchmarks/scripts/call-regimes.py Benchmarks/results/call-times/calls-*.csv

For each multi-thread case: the one-thread engine's median call (batch-1t, timed in the same rotation), each
sample's ratio (mean one-thread call ÷ mean two-thread call, the same round), and the two-thread calls split in
two: "fast" when a call took less than the one-thread median ÷ 1.5, "slow" otherwise, with how many there are of
each and their median speed over one thread. The threshold is arbitrary but the calls are not spread evenly: on
this host they gather near 1.9x and near 1.2-1.4x, and the split shows how much of a case ran at each.
"""
import csv
import statistics as st
import sys
from collections import defaultdict


def report(path):
    cases = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for row in csv.DictReader(open(path)):
        if row['case_threads'] == '1':
            continue
        key = (row['network'], row['precision'], row['batch'], row['case_threads'])
        cases[key][row['engine']][int(row['sample'])].append(float(row['seconds']))
    print(path)
    for (network, precision, batch, threads), engines in cases.items():
        one = [t for calls in engines['batch-1t'].values() for t in calls]
        many = [t for calls in engines['batch'].values() for t in calls]
        median_one = st.median(one)
        ratios = [st.mean(engines['batch-1t'][s]) / st.mean(engines['batch'][s]) for s in sorted(engines['batch'])]
        fast = [t for t in many if t < median_one / 1.5]
        slow = [t for t in many if t >= median_one / 1.5]

        def part(calls):
            return f"{len(calls)} ({median_one / st.median(calls):.2f}x)" if calls else "0"
        print(f"  {network} m={batch} {precision} {threads}t: one-thread call {median_one * 1e6:.0f} us; "
              f"per sample {' '.join(f'{r:.2f}' for r in ratios)}; calls fast {part(fast)}, slow {part(slow)}")


if __name__ == '__main__':
    if len(sys.argv) < 2:
        sys.exit('usage: call-regimes.py CALLS.csv ...')
    for path in sys.argv[1:]:
        report(path)
