#!/usr/bin/env python3
"""NumPy's matrix product A @ B, timed like the Swift harness, for `backprop bench --kernels --compare numpy`.

Usage: gemm.py PRECISION M N K [M N K ...] --min-time S --samples N
Prints one JSON object: {"shapes": [{"m":..,"n":..,"k":..,"times":[...],"repetitions":r}, ...], "numpy": "...", "blas": "..."}
"""
import argparse
import json
import sys
import time

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("precision", choices=["double", "float"])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--min-time", type=float, default=0.05)
    parser.add_argument("--samples", type=int, default=7)
    args = parser.parse_args()
    dtype = np.float64 if args.precision == "double" else np.float32
    rng = np.random.default_rng(1)
    shapes = []
    for m, n, k in zip(args.sizes[0::3], args.sizes[1::3], args.sizes[2::3]):
        a = rng.uniform(-1, 1, (m, k)).astype(dtype)
        b = rng.uniform(-1, 1, (k, n)).astype(dtype)
        c = a @ b
        start, calls = time.perf_counter(), 0
        while time.perf_counter() - start < 0.02:
            np.matmul(a, b, out=c)
            calls += 1
        repetitions = max(1, int(np.ceil(args.min_time / ((time.perf_counter() - start) / calls))))
        times = []
        for _ in range(args.samples):
            start = time.perf_counter()
            for _ in range(repetitions):
                np.matmul(a, b, out=c)
            times.append((time.perf_counter() - start) / repetitions)
        shapes.append({"m": m, "n": n, "k": k, "times": times, "repetitions": repetitions})
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:
        blas = "unknown BLAS"
    json.dump({"shapes": shapes, "numpy": np.__version__, "blas": blas}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
