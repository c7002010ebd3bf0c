#!/usr/bin/env python3
"""NumPy reference for `backprop bench --compare numpy`: the same gradients, written the way a Python course does.

Two ways to run it:

  reference.py --serve        (what `backprop bench` uses) reads one JSON request per line on stdin and answers
                              one JSON line each, so the Swift harness can interleave NumPy's samples with its own:
      {"op": "case", "path": F, "min_time": s, "warm_up": s}  -> {"max_relative_difference": d, "numpy": v, "blas": b}
      {"op": "gemm", "precision": p, "m": m, "n": n, "k": k, "min_time": s, "warm_up": s} -> {"numpy": v, "blas": b}
      {"op": "sample", "engine": "numpy-loop" | "numpy-batch" | "numpy-matmul"}  -> {"seconds": per-call, "repetitions": r}
      {"op": "quit"}

  reference.py CASE.json      times one case on its own and prints one JSON object:

    {"numpy-loop":  {"times": [...seconds per call...], "repetitions": r},
     "numpy-batch": {"times": [...], "repetitions": r},
     "max_relative_difference": d,       # largest |NumPy - Swift| / max|Swift| over each gradient array
     "numpy": "2.4.6", "blas": "openblas 0.3.31 ..."}

The loop form is Nielsen's `backprop` (neuralnetworksanddeeplearning.com, network.py), one column vector at a
time, its per-example gradients added in place, in the course note's convention W of shape (h_{l-1}, h_l), so z = W.T @ a + b. The batch form is the note's
matrix form. Threads: the caller sets OPENBLAS_NUM_THREADS (and OMP/MKL) to the Swift run's thread count.
"""
import argparse
import json
import sys
import time

import numpy as np


def activations(name):
    """(sigma, sigma_prime_from_z) for a hidden activation, as a course writes them."""
    if name == "sigmoid":
        f = lambda z: 1.0 / (1.0 + np.exp(-z))
        return f, lambda z: f(z) * (1 - f(z))
    if name == "tanh":
        return np.tanh, lambda z: 1 - np.tanh(z) ** 2
    if name == "relu":
        return (lambda z: np.maximum(z, 0)), (lambda z: (z > 0).astype(z.dtype))
    return (lambda z: z), (lambda z: np.ones_like(z))


def derivative_from_activation(name):
    """sigma' computed from a = sigma(z), as vectorised code usually does (no second exp)."""
    if name == "sigmoid":
        return lambda a: a * (1 - a)
    if name == "tanh":
        return lambda a: 1 - a * a
    if name == "relu":
        return lambda a: (a > 0).astype(a.dtype)
    return lambda a: np.ones_like(a)


def output_function(name, axis):
    if name == "sigmoid":
        return lambda z: 1.0 / (1.0 + np.exp(-z))
    if name == "softmax":
        def softmax(z):
            e = np.exp(z - z.max(axis=axis, keepdims=True))
            return e / e.sum(axis=axis, keepdims=True)
        return softmax
    return lambda z: z


class Network:
    def __init__(self, document, dtype):
        self.Ws = [np.array(layer["weights"], dtype=dtype) for layer in document["layers"]]
        self.bs = [np.array(layer["biases"], dtype=dtype) for layer in document["layers"]]
        self.sigma, self.sigma_prime = activations(document["hidden"])
        self.sigma_prime_from_a = derivative_from_activation(document["hidden"])
        self.output = document["output"]
        self.squared_sigmoid = document["output"] == "sigmoid" and document["loss"] == "squared-error"
        # Column-vector biases for the per-example form.
        self.bs_column = [b.reshape(-1, 1) for b in self.bs]

    # --- one example at a time (Nielsen's backprop, summed over the batch, then divided by m) ---------------
    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape, b.dtype) for b in self.bs_column]
        nabla_w = [np.zeros(w.shape, w.dtype) for w in self.Ws]
        activation = x
        activations = [x]
        zs = []
        for w, b in zip(self.Ws[:-1], self.bs_column[:-1]):
            z = w.T @ activation + b
            zs.append(z)
            activation = self.sigma(z)
            activations.append(activation)
        z = self.Ws[-1].T @ activation + self.bs_column[-1]
        a = output_function(self.output, 0)(z)
        delta = a - y
        if self.squared_sigmoid:
            delta = delta * a * (1 - a)
        nabla_b[-1] = delta
        nabla_w[-1] = activations[-1] @ delta.T
        for l in range(2, len(self.Ws) + 1):
            delta = (self.Ws[-l + 1] @ delta) * self.sigma_prime(zs[-l + 1])
            nabla_b[-l] = delta
            nabla_w[-l] = activations[-l] @ delta.T
        return nabla_b, nabla_w

    def loop_gradients(self, X, Y):
        nabla_b = [np.zeros(b.shape, b.dtype) for b in self.bs_column]
        nabla_w = [np.zeros(w.shape, w.dtype) for w in self.Ws]
        for x, y in zip(X, Y):
            delta_nabla_b, delta_nabla_w = self.backprop(x.reshape(-1, 1), y.reshape(-1, 1))
            # Nielsen writes nabla = [nb + dnb ...], a new array per example; adding in place is the same sum
            # and faster on wide layers, so the reference uses it (the stronger baseline).
            for nb, dnb in zip(nabla_b, delta_nabla_b):
                nb += dnb
            for nw, dnw in zip(nabla_w, delta_nabla_w):
                nw += dnw
        m = X.shape[0]
        return [nw / m for nw in nabla_w], [(nb / m).ravel() for nb in nabla_b]

    # --- all m at once (the note's matrix form) --------------------------------------------------------
    def batch_gradients(self, X, Y):
        m = X.shape[0]
        A = X
        As = [X]
        for W, b in zip(self.Ws[:-1], self.bs[:-1]):
            A = self.sigma(A @ W + b)
            As.append(A)
        AL = output_function(self.output, 1)(A @ self.Ws[-1] + self.bs[-1])
        Delta = AL - Y
        if self.squared_sigmoid:
            Delta = Delta * AL * (1 - AL)
        grads_w = [None] * len(self.Ws)
        grads_b = [None] * len(self.Ws)
        for l in range(len(self.Ws) - 1, -1, -1):
            grads_w[l] = As[l].T @ Delta / m
            grads_b[l] = np.sum(Delta, axis=0) / m
            if l > 0:
                Delta = (Delta @ self.Ws[l].T) * self.sigma_prime_from_a(As[l])
        return grads_w, grads_b


def time_interleaved(functions, min_time, samples, warm_up):
    """Warm up each function, size its samples to min_time, then take interleaved samples (A B B A ...), each
    after one untimed call."""
    repetitions = []
    for f in functions:
        calls, start = 0, time.perf_counter()
        while True:
            f()
            calls += 1
            if time.perf_counter() - start >= warm_up:
                break
        per_call = (time.perf_counter() - start) / calls
        repetitions.append(max(1, int(np.ceil(min_time / per_call))))
    times = [[] for _ in functions]
    for round_ in range(samples):
        order = range(len(functions)) if round_ % 2 == 0 else reversed(range(len(functions)))
        for i in order:
            functions[i]()  # untimed: each sample starts warm
            start = time.perf_counter()
            for _ in range(repetitions[i]):
                functions[i]()
            times[i].append((time.perf_counter() - start) / repetitions[i])
    return times, repetitions


def max_relative_difference(ours, theirs):
    worst = 0.0
    for a, b in zip(ours, theirs):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        scale = max(np.max(np.abs(b)), np.finfo(np.float64).tiny)
        worst = max(worst, float(np.max(np.abs(a - b))) / scale)
    return worst


def blas_description():
    try:
        config = np.show_config(mode="dicts")
        blas = config.get("Build Dependencies", {}).get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older NumPy
        return "unknown BLAS"


def calibrate(function, min_time, warm_up):
    """Warm up, then the number of back-to-back calls that lasts at least min_time."""
    calls, start = 0, time.perf_counter()
    while True:
        function()
        calls += 1
        if time.perf_counter() - start >= warm_up:
            break
    return max(1, int(np.ceil(min_time / ((time.perf_counter() - start) / calls))))


def serve():
    """The co-process protocol (see the module docstring)."""
    functions, repetitions = {}, {}
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op == "quit":
            break
        if op == "case":
            with open(request["path"]) as f:
                case = json.load(f)
            document = case["network"]
            dtype = np.float64 if document["precision"] == "double" else np.float32
            network = Network(document, dtype)
            X = np.array(case["inputs"], dtype=dtype)
            Y = np.array(case["targets"], dtype=dtype)
            loop_w, loop_b = network.loop_gradients(X, Y)
            batch_w, batch_b = network.batch_gradients(X, Y)
            swift = case["engines"][0]["layers"]
            swift_w = [layer["weights"] for layer in swift]
            swift_b = [layer["biases"] for layer in swift]
            difference = max(max_relative_difference(loop_w + loop_b, swift_w + swift_b),
                             max_relative_difference(batch_w + batch_b, swift_w + swift_b))
            functions = {"numpy-loop": lambda: network.loop_gradients(X, Y),
                         "numpy-batch": lambda: network.batch_gradients(X, Y)}
            answer = {"max_relative_difference": difference}
        elif op == "gemm":
            dtype = np.float64 if request["precision"] == "double" else np.float32
            rng = np.random.default_rng(1)
            a = rng.uniform(-1, 1, (request["m"], request["k"])).astype(dtype)
            b = rng.uniform(-1, 1, (request["k"], request["n"])).astype(dtype)
            c = a @ b
            functions = {"numpy-matmul": lambda: np.matmul(a, b, out=c)}
            answer = {}
        elif op == "sample":
            f = functions[request["engine"]]
            reps = repetitions[request["engine"]]
            f()  # untimed, as the Swift harness starts each sample
            start = time.perf_counter()
            for _ in range(reps):
                f()
            answer = {"seconds": (time.perf_counter() - start) / reps, "repetitions": reps}
        else:
            answer = {"error": f"unknown op {op}"}
        if op in ("case", "gemm"):
            repetitions = {name: calibrate(f, request["min_time"], request["warm_up"]) for name, f in functions.items()}
            answer.update({"numpy": np.__version__, "blas": blas_description()})
        print(json.dumps(answer), flush=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", help="a backprop-check JSON file")
    parser.add_argument("--min-time", type=float, default=0.05)
    parser.add_argument("--samples", type=int, default=7)
    parser.add_argument("--warm-up", type=float, default=0.02)
    args = parser.parse_args()

    with open(args.case) as f:
        case = json.load(f)
    document = case["network"]
    dtype = np.float64 if document["precision"] == "double" else np.float32
    network = Network(document, dtype)
    X = np.array(case["inputs"], dtype=dtype)
    Y = np.array(case["targets"], dtype=dtype)

    loop_w, loop_b = network.loop_gradients(X, Y)
    batch_w, batch_b = network.batch_gradients(X, Y)
    swift = case["engines"][0]["layers"]
    swift_w = [layer["weights"] for layer in swift]
    swift_b = [layer["biases"] for layer in swift]
    difference = max(max_relative_difference(loop_w + loop_b, swift_w + swift_b),
                     max_relative_difference(batch_w + batch_b, swift_w + swift_b))

    times, repetitions = time_interleaved(
        [lambda: network.loop_gradients(X, Y), lambda: network.batch_gradients(X, Y)],
        args.min_time, args.samples, args.warm_up)
    json.dump({
        "numpy-loop": {"times": times[0], "repetitions": repetitions[0]},
        "numpy-batch": {"times": times[1], "repetitions": repetitions[1]},
        "max_relative_difference": difference,
        "numpy": np.__version__,
        "blas": blas_description(),
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
