#!/usr/bin/env python3
"""Times two builds of `backprop` against each other: runs `backprop bench ... --format csv` with each, alternating
(A, B, A, B, ...), RUNS times each, and prints, per case and engine, the median examples/s of each build, the
spread (max/min) of A's runs, and B's median over A's.

A cell of B is flagged when B's median is lower than A's by more than A's own spread between runs (the criterion
of a refactoring that must not cost speed).

    Benchmarks/scripts/compare-builds.py OLD/backprop NEW/backprop --runs 3 -- --compare numpy --precision both --threads 1,2

Everything after `--` goes to `backprop bench`. Standard error of the runs is discarded.
"""
import argparse
import csv
import io
import statistics
import subprocess
import sys


def run(binary, bench_args):
    out = subprocess.run([binary, "bench", "--format", "csv", *bench_args], check=True,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    rows = [line for line in out.splitlines() if line and not line.startswith("#")]
    table = {}
    for row in csv.DictReader(io.StringIO("\n".join(rows))):
        key = (row["network"], row["precision"], int(row["batch"]), int(row["threads"]), row["engine"])
        table[key] = float(row["examples_per_second"])
    return table


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a")
    parser.add_argument("b")
    parser.add_argument("--runs", type=int, default=3)
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    options = parser.parse_args(argv[:split])
    bench = argv[split + 1:]
    results = {"a": [], "b": []}
    for index in range(options.runs):
        for name in ("a", "b"):
            print(f"run {index + 1}/{options.runs}: {name}", file=sys.stderr)
            results[name].append(run(getattr(options, name), bench))
    keys = [key for key in results["a"][0] if all(key in r for r in results["a"] + results["b"])]
    print("network,precision,batch,threads,engine,a_median,b_median,b_over_a,a_spread,flag")
    flagged = 0
    for key in keys:
        a = [r[key] for r in results["a"]]
        b = [r[key] for r in results["b"]]
        a_median, b_median = statistics.median(a), statistics.median(b)
        spread = max(a) / min(a)
        flag = b_median < a_median / spread
        flagged += flag
        print(",".join(map(str, key)) + f",{a_median:.4g},{b_median:.4g},{b_median / a_median:.3f},{spread:.3f},"
              + ("SLOWER" if flag else ""))
    print(f"# {len(keys)} cells, {flagged} slower than A by more than A's spread", file=sys.stderr)


if __name__ == "__main__":
    main()
