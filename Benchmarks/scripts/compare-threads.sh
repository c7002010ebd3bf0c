#!/bin/bash
# Two builds of `backprop`, A and B, timed on the same two-thread cases in alternation (A, B, A, B, …), so that
# both see the same minutes of a noisy host. Prints, per case, each build's two-thread examples/s and its
# two-thread ÷ one-thread ratio (from the one-thread batch engine `bench --threads 2` times side by side), round by
# round, and the medians.
#
#   Benchmarks/scripts/compare-threads.sh OLD_BINARY NEW_BINARY [ROUNDS] [--hog]
#
# --hog also keeps the second CPU busy the whole time (a Python loop pinned to CPU 1): one of the two threads then
# gets about half a core, a controlled version of a host that slows one virtual CPU.
# To build the old binary: git worktree add /tmp/old <commit> && (cd /tmp/old && swift build -c release).
set -euo pipefail
a=$1 b=$2 rounds=${3:-6} hog=${4:-}
cases=(--net 784-256-128-10 --net 784-30-10 --batch 256,1024 --precision both --threads 2 --format csv)
out=$(mktemp)
if [ "$hog" = "--hog" ]; then
  python3 -c 'import os; os.sched_setaffinity(0, {1})
while True: pass' &
  hog_pid=$!
  trap 'kill $hog_pid' EXIT
fi
for ((i = 0; i < rounds; i++)); do
  "$a" bench "${cases[@]}" 2>/dev/null | tail -n +2 | sed 's/^/A,/' >> "$out"
  "$b" bench "${cases[@]}" 2>/dev/null | tail -n +2 | sed 's/^/B,/' >> "$out"
done
python3 - "$out" <<'PY'
import csv, sys, statistics
rows = [r for r in csv.reader(open(sys.argv[1])) if r[5] in ('batch', 'batch-1t')]
cases = {}
for r in rows:
    cases.setdefault((r[1], r[2], int(r[3])), {}).setdefault((r[0], r[5]), []).append(float(r[7]))
print('network         precision     m  build  2-thread ex/s by round (k)               median   2t/1t by round                 median')
for key in sorted(cases):
    d = cases[key]
    medians = {}
    for build in 'AB':
        two, one = d[(build, 'batch')], d[(build, 'batch-1t')]
        ratios = [x / y for x, y in zip(two, one)]
        medians[build] = statistics.median(two)
        print(f'{key[0]:15} {key[1]:9} {key[2]:5}  {build}      {" ".join(f"{x/1e3:6.1f}" for x in two):40} {medians[build]/1e3:6.1f}   '
              f'{" ".join(f"{x:4.2f}" for x in ratios):30} {statistics.median(ratios):4.2f}')
    print(f'{"":33}B ÷ A, median 2-thread ex/s: {medians["B"] / medians["A"]:.2f}')
PY
rm -f "$out"
