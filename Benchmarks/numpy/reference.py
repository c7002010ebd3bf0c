#!/usr/bin/env python3
"""NumPy reference for `backprop bench --compare numpy`: the same gradients, written the way a Python course does.

Two ways to run it:

  reference.py --serve        (what `backprop bench` uses) reads one JSON request per line on stdin and answers
                              one JSON line each, so the Swift harness can interleave NumPy's samples with its own:
      {"op": "case", "path": F, "min_time": s, "warm_up": s}  -> {"max_relative_difference": d, "numpy": v, "blas": b,
                                       "peers": [...], "skipped": {...}, "peer_differences": {...}, "versions": {...}}
      {"op": "gemm", "precision": p, "m": m, "n": n, "k": k, "min_time": s, "warm_up": s} -> {"numpy": v, "blas": b}
      {"op": "sample", "engine": "numpy-loop" | "numpy-batch" | "numpy-matmul" | "jax-batch" | "sklearn-batch"}
                                                                  -> {"seconds": per-call, "repetitions": r}
      {"op": "quit"}

    A case also loads the other peers a student might time the same gradient with, when they are installed:
      jax-batch      jax.jit(jax.grad(mean loss)): the matrix form differentiated by JAX (XLA on the CPU);
      sklearn-batch  scikit-learn's MLPClassifier._backprop (MLPRegressor's for identity + squared error) on the
                     same weights, X and Y; scikit-learn has no sigmoid output with squared error.
    "peers" lists what can be sampled ("numpy-loop", "numpy-batch", then the peers that loaded), "skipped" says
    in one line why a peer did not load, "peer_differences" is each loaded peer's largest relative difference from
    the Swift gradients (the same measure as max_relative_difference, which stays NumPy's), and "versions" gives
    the peers' package versions. An optional "peers": [names] in the request loads only those peers ([] for none).
    jax and scikit-learn are imported on the first case that needs them, never before, so without them this
    script answers as it always did, plus the four new fields. JAX runs on one thread when OPENBLAS_NUM_THREADS is
    1 (PJRT_NPROC=1, and the XLA flags older jaxlibs read); otherwise it keeps XLA's default thread pool.

  reference.py CASE.json [--peers jax-batch,sklearn-batch]   times one case on its own and prints one JSON object:

    {"numpy-loop":  {"times": [...seconds per call...], "repetitions": r},
     "numpy-batch": {"times": [...], "repetitions": r},
     "max_relative_difference": d,       # largest |NumPy - Swift| / max|Swift| over each gradient array
     "numpy": "2.4.6", "blas": "openblas 0.3.31 ...",
     # with --peers: "jax-batch": {"times": [...], "repetitions": r}, ..., and peers, skipped, peer_differences, versions
    }

The loop form is Nielsen's `backprop` (neuralnetworksanddeeplearning.com, network.py), one column vector at a
time, its per-example gradients added in place, in the course note's convention W of shape (h_{l-1}, h_l), so z = W.T @ a + b. The batch form is the note's
matrix form. Threads: the caller sets OPENBLAS_NUM_THREADS (and OMP/MKL) to the Swift run's thread count.
Benchmarks/python/train_peers.py trains with this Network (with_loss=True, feedforward, forward) and the JAX and
scikit-learn helpers below, so both files teach the same equations.
"""
import argparse
import json
import os
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


def example_losses(output, loss, z, a, y, axis):
    """Each example's loss, summed over its outputs (along axis), in the stable forms the Swift engines use:
    softmax + cross-entropy  sum_j y_j (lse(z) - z_j);  sigmoid + cross-entropy  sum_j softplus(z_j) - y_j z_j;
    squared error  1/2 sum_j (a_j - y_j)^2."""
    if loss == "cross-entropy" and output == "softmax":
        top = z.max(axis=axis, keepdims=True)
        lse = top + np.log(np.exp(z - top).sum(axis=axis, keepdims=True))
        return np.sum(y * (lse - z), axis=axis)
    if loss == "cross-entropy":
        return np.sum(np.logaddexp(0, z) - y * z, axis=axis)
    return 0.5 * np.sum((a - y) ** 2, axis=axis)


class Network:
    def __init__(self, document, dtype):
        self.Ws = [np.array(layer["weights"], dtype=dtype) for layer in document["layers"]]
        self.bs = [np.array(layer["biases"], dtype=dtype) for layer in document["layers"]]
        self.sigma, self.sigma_prime = activations(document["hidden"])
        self.sigma_prime_from_a = derivative_from_activation(document["hidden"])
        self.output = document["output"]
        self.loss = document["loss"]
        self.squared_sigmoid = document["output"] == "sigmoid" and document["loss"] == "squared-error"
        # Column-vector biases for the per-example form.
        self.bs_column = [b.reshape(-1, 1) for b in self.bs]

    # --- one example at a time (Nielsen's backprop, summed over the batch, then divided by m) ---------------
    def backprop(self, x, y, with_loss=False):
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
        if with_loss:  # for training (Benchmarks/python/train_peers.py): this example's loss as well
            return nabla_b, nabla_w, float(example_losses(self.output, self.loss, z, a, y, 0)[0])
        return nabla_b, nabla_w

    def loop_gradients(self, X, Y, with_loss=False):
        nabla_b = [np.zeros(b.shape, b.dtype) for b in self.bs_column]
        nabla_w = [np.zeros(w.shape, w.dtype) for w in self.Ws]
        total_loss = 0.0
        for x, y in zip(X, Y):
            if with_loss:
                delta_nabla_b, delta_nabla_w, example_loss = self.backprop(x.reshape(-1, 1), y.reshape(-1, 1), True)
                total_loss += example_loss
            else:
                delta_nabla_b, delta_nabla_w = self.backprop(x.reshape(-1, 1), y.reshape(-1, 1))
            # Nielsen writes nabla = [nb + dnb ...], a new array per example; adding in place is the same sum
            # and faster on wide layers, so the reference uses it (the stronger baseline).
            for nb, dnb in zip(nabla_b, delta_nabla_b):
                nb += dnb
            for nw, dnw in zip(nabla_w, delta_nabla_w):
                nw += dnw
        m = X.shape[0]
        if with_loss:
            return [nw / m for nw in nabla_w], [(nb / m).ravel() for nb in nabla_b], total_loss / m
        return [nw / m for nw in nabla_w], [(nb / m).ravel() for nb in nabla_b]

    def feedforward(self, a):
        """Nielsen's feedforward: one example, a column vector, to its output activation."""
        for w, b in zip(self.Ws[:-1], self.bs_column[:-1]):
            a = self.sigma(w.T @ a + b)
        return output_function(self.output, 0)(self.Ws[-1].T @ a + self.bs_column[-1])

    # --- all m at once (the note's matrix form) --------------------------------------------------------
    def batch_gradients(self, X, Y, with_loss=False):
        m = X.shape[0]
        A = X
        As = [X]
        for W, b in zip(self.Ws[:-1], self.bs[:-1]):
            A = self.sigma(A @ W + b)
            As.append(A)
        ZL = A @ self.Ws[-1] + self.bs[-1]
        AL = output_function(self.output, 1)(ZL)
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
        if with_loss:  # for training: the mean loss of the batch as well
            return grads_w, grads_b, float(np.mean(example_losses(self.output, self.loss, ZL, AL, Y, 1)))
        return grads_w, grads_b

    def forward(self, X):
        """The output activations of m examples (rows), the matrix form."""
        A = X
        for W, b in zip(self.Ws[:-1], self.bs[:-1]):
            A = self.sigma(A @ W + b)
        return output_function(self.output, 1)(A @ self.Ws[-1] + self.bs[-1])


# --- the other peers: JAX and scikit-learn, imported only when a case asks for them ---------------------------

PEERS = ("jax-batch", "sklearn-batch")
SINGLE_THREAD_XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def import_jax(precision_64=True):
    """Imports JAX for the CPU; on one thread when OPENBLAS_NUM_THREADS is 1. Raises ImportError without it.

    The XLA flags are the long-standing recipe, but jaxlib 0.10.2 ignores them (a jitted matmul still kept both
    cores busy) and sizes its CPU thread pool from PJRT_NPROC, else from the CPUs this process may run on; with
    PJRT_NPROC=1 it used one core. So both are set, before the first import, and asynchronous dispatch is off."""
    one_thread = os.environ.get("OPENBLAS_NUM_THREADS") == "1"
    if "jax" not in sys.modules and one_thread:
        flags = os.environ.get("XLA_FLAGS", "")
        if "xla_cpu_multi_thread_eigen" not in flags:
            os.environ["XLA_FLAGS"] = (flags + " " + SINGLE_THREAD_XLA_FLAGS).strip()
        os.environ.setdefault("PJRT_NPROC", "1")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import jax
    if precision_64:
        jax.config.update("jax_enable_x64", True)  # float32 arrays stay float32; float64 ones need it
    if one_thread:
        # Run each computation in the calling thread: with asynchronous dispatch (the default on the CPU since
        # jaxlib 0.4.32) Python dispatches the next step while an XLA thread computes this one, 1.2 cores.
        try:
            jax.config.update("jax_cpu_enable_async_dispatch", False)
        except (AttributeError, KeyError, ValueError):  # an older JAX: no such option, and no such overlap
            pass
    return jax


def jax_mean_loss(jax, hidden, output, loss):
    """The MEAN loss of a batch as a function of params = ((W1, b1), ..., (WL, bL)), X and Y (rows are examples),
    for jax.grad: the same loss as example_losses, so its gradient is the note's matrix form."""
    jnp = jax.numpy
    sigma = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "relu": jax.nn.relu, "identity": lambda z: z}[hidden]

    def mean_loss(params, X, Y):
        A = X
        for W, b in params[:-1]:
            A = sigma(A @ W + b)
        W, b = params[-1]
        Z = A @ W + b
        if loss == "cross-entropy" and output == "softmax":
            per_example = jnp.sum(Y * (jax.nn.logsumexp(Z, axis=1, keepdims=True) - Z), axis=1)
        elif loss == "cross-entropy":
            per_example = jnp.sum(jax.nn.softplus(Z) - Y * Z, axis=1)
        else:
            out = jax.nn.sigmoid(Z) if output == "sigmoid" else Z
            per_example = 0.5 * jnp.sum((out - Y) ** 2, axis=1)
        return jnp.mean(per_example)

    return mean_loss


def jax_batch_peer(document, Ws, bs, X, Y):
    """(gradient function returning ([dW...], [db...]) as NumPy arrays, timed call, versions)."""
    jax = import_jax()
    grad = jax.jit(jax.grad(jax_mean_loss(jax, document["hidden"], document["output"], document["loss"])))
    params = tuple((jax.device_put(W), jax.device_put(b)) for W, b in zip(Ws, bs))
    Xd, Yd = jax.device_put(X), jax.device_put(Y)

    def gradients():
        g = grad(params, Xd, Yd)
        return [np.asarray(gW) for gW, _ in g], [np.asarray(gb) for _, gb in g]

    import jaxlib
    return gradients, lambda: jax.block_until_ready(grad(params, Xd, Yd)), {"jax": jax.__version__, "jaxlib": jaxlib.__version__}


SKLEARN_ACTIVATIONS = {"sigmoid": "logistic", "tanh": "tanh", "relu": "relu", "identity": "identity"}


def sklearn_unsupported(output, loss):
    """Why scikit-learn's MLP cannot compute this output layer's gradient, or None."""
    if (output, loss) == ("sigmoid", "squared-error"):
        return "scikit-learn's MLP has no sigmoid output with squared error (MLPRegressor's output is the identity)"
    return None


def sklearn_batch_peer(document, Ws, bs, X, Y):
    """scikit-learn's own backprop (BaseMultilayerPerceptron._backprop, the method its SGD, Adam and L-BFGS
    solvers call) on our weights: MLPClassifier with a softmax output (multiclass) or a logistic one (multilabel),
    MLPRegressor for identity + squared error. alpha = 0 (no L2); its gradients are of the mean loss, like ours."""
    reason = sklearn_unsupported(document["output"], document["loss"])
    if reason:
        raise PeerUnavailable(reason)
    import inspect
    import sklearn
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    regressor = document["output"] == "identity"
    model = (MLPRegressor if regressor else MLPClassifier)(
        hidden_layer_sizes=tuple(W.shape[1] for W in Ws[:-1]), activation=SKLEARN_ACTIVATIONS[document["hidden"]],
        alpha=0.0)
    model.coefs_ = [W.copy() for W in Ws]
    model.intercepts_ = [b.copy() for b in bs]
    model.n_layers_ = len(Ws) + 1
    model.n_outputs_ = Ws[-1].shape[1]
    model.out_activation_ = {"softmax": "softmax", "sigmoid": "logistic", "identity": "identity"}[document["output"]]
    layers = len(Ws)
    activations = [X] + [None] * layers
    deltas = [None] * layers
    coef_grads = [np.empty_like(W) for W in Ws]
    intercept_grads = [np.empty_like(b) for b in bs]
    # scikit-learn 1.5 added sample_weight to _backprop
    takes_weights = "sample_weight" in inspect.signature(model._backprop).parameters
    arguments = (X, Y, None) if takes_weights else (X, Y)

    def backprop():
        return model._backprop(*arguments, activations, deltas, coef_grads, intercept_grads)

    def gradients():
        _, gW, gb = backprop()
        return [g.copy() for g in gW], [g.copy() for g in gb]

    return gradients, backprop, {"sklearn": sklearn.__version__}


class PeerUnavailable(Exception):
    """A peer that cannot run this case, with the one-line reason."""


def load_peers(names, document, Ws, bs, X, Y, swift):
    """Builds each named peer: ({name: timed function}, {name: difference from Swift}, {name: reason}, versions)."""
    functions, differences, skipped, versions = {}, {}, {}, {}
    builders = {"jax-batch": (jax_batch_peer, "jax is not installed (pip install jax)"),
                "sklearn-batch": (sklearn_batch_peer, "scikit-learn is not installed (pip install scikit-learn)")}
    for name in names:
        if name not in builders:
            skipped[name] = f"unknown peer {name!r} (known: {', '.join(PEERS)})"
            continue
        build, missing = builders[name]
        try:
            gradients, timed, peer_versions = build(document, Ws, bs, X, Y)
            peer_w, peer_b = gradients()
        except ModuleNotFoundError:
            skipped[name] = missing
            continue
        except ImportError as error:
            skipped[name] = f"{missing.split(' is not')[0]} cannot be imported: {str(error).splitlines()[0]}"
            continue
        except PeerUnavailable as reason:
            skipped[name] = str(reason)
            continue
        except Exception as error:  # a peer that fails never stops the NumPy comparison
            skipped[name] = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}".rstrip(": ")
            continue
        differences[name] = max_relative_difference(peer_w + peer_b, swift)
        functions[name] = timed
        versions.update(peer_versions)
    return functions, differences, skipped, versions


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
            peers, differences, skipped, versions = load_peers(
                request.get("peers", PEERS), document, network.Ws, network.bs, X, Y, swift_w + swift_b)
            functions.update(peers)
            answer = {"max_relative_difference": difference, "peers": list(functions), "skipped": skipped,
                      "peer_differences": differences, "versions": versions}
        elif op == "gemm":
            dtype = np.float64 if request["precision"] == "double" else np.float32
            rng = np.random.default_rng(1)
            a = rng.uniform(-1, 1, (request["m"], request["k"])).astype(dtype)
            b = rng.uniform(-1, 1, (request["k"], request["n"])).astype(dtype)
            c = a @ b
            functions = {"numpy-matmul": lambda: np.matmul(a, b, out=c)}
            answer = {}
        elif op == "sample":
            if request.get("engine") not in functions:
                print(json.dumps({"error": f"engine {request.get('engine')!r} is not loaded "
                                           f"(loaded: {', '.join(functions) or 'none'})"}), flush=True)
                continue
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
    parser.add_argument("--peers", default="", help="also time these peers, comma-separated: " + ", ".join(PEERS))
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
    functions = {"numpy-loop": lambda: network.loop_gradients(X, Y),
                 "numpy-batch": lambda: network.batch_gradients(X, Y)}
    peers, differences, skipped, versions = load_peers(
        args.peers.split(",") if args.peers else [], document, network.Ws, network.bs, X, Y, swift_w + swift_b)
    functions.update(peers)

    times, repetitions = time_interleaved(list(functions.values()), args.min_time, args.samples, args.warm_up)
    result = {name: {"times": t, "repetitions": r} for name, t, r in zip(functions, times, repetitions)}
    result.update({
        "max_relative_difference": difference,
        "numpy": np.__version__,
        "blas": blas_description(),
    })
    if args.peers:
        result.update({"peers": list(functions), "skipped": skipped, "peer_differences": differences,
                       "versions": versions})
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
