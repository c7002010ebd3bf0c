#!/usr/bin/env python3
"""NumPy reference for `backprop bench --compare numpy`: the same gradients, written the way a Python course does.

Two ways to run it:

  reference.py --serve        (what `backprop bench` uses) reads one JSON request per line on stdin and answers
                              one JSON line each, so the Swift harness can interleave NumPy's samples with its own:
      {"op": "case", "path": F, "min_time": s, "warm_up": s}  -> {"max_relative_difference": d, "numpy": v, "blas": b,
                                       "peers": [...], "skipped": {...}, "peer_differences": {...}, "versions": {...},
                                       "pinned": {"jax-batch": note}  (only when JAX was pinned to one CPU)}
      {"op": "gemm", "precision": p, "m": m, "n": n, "k": k, "min_time": s, "warm_up": s} -> {"numpy": v, "blas": b}
      {"op": "sample", "engine": "numpy-loop" | "numpy-batch" | "numpy-matmul" | "jax-batch" | "sklearn-batch"}
                                          -> {"seconds": per-call, "cpu_seconds": per-call, "repetitions": r}
          cpu_seconds: this process's CPU time (every thread) over the same calls, so cpu_seconds / seconds is
          the cores the peer kept busy: about 1.0 on one thread
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
    1 (PJRT_NPROC=1, and the XLA flags older jaxlibs read), and since jaxlib does not keep to those, the process is
    then pinned to one CPU as `taskset -c N` would ("pinned" says so); otherwise it keeps XLA's default pool.

  reference.py CASE.json [--peers jax-batch,sklearn-batch]   times one case on its own and prints one JSON object:

    {"numpy-loop":  {"times": [...seconds per call...], "cpu_times": [...CPU seconds per call...], "repetitions": r},
     "numpy-batch": {"times": [...], "cpu_times": [...], "repetitions": r},
     "max_relative_difference": d,       # largest |NumPy - Swift| / max|Swift| over each gradient array
     "numpy": "2.4.6", "blas": "openblas 0.3.31 ...",
     # with --peers: "jax-batch": {"times": [...], "cpu_times": [...], "repetitions": r}, ..., and peers, skipped,
     # peer_differences, versions (and pinned, as above)
    }

The loop form is Nielsen's `backprop` (neuralnetworksanddeeplearning.com, network.py), one column vector at a
time, its per-example gradients added in place, in the course note's convention W of shape (h_{l-1}, h_l), so
z = W.T @ a + b. The batch form is the note's matrix form as a NumPy user who counts the passes writes it: the bias
and sigma applied in place on A @ W, Delta^L scaled by 1/m once (not each layer's gradient), sigma' a mask (relu) or
computed from the stored activation (sigmoid, tanh) and multiplied in place, and, for training (sgd_step), eta/m
applied once and the parameters updated in place. Threads: the caller sets OPENBLAS_NUM_THREADS (and OMP/MKL) to the Swift run's thread count.
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


def activation_in_place(name):
    """sigma applied to Z in place (Z is returned): the matrix form's activations, one pass, no temporaries."""
    if name == "sigmoid":
        def sigmoid(z):
            np.negative(z, out=z)
            np.exp(z, out=z)
            z += 1
            return np.reciprocal(z, out=z)
        return sigmoid
    if name == "tanh":
        return lambda z: np.tanh(z, out=z)
    if name == "relu":
        return lambda z: np.maximum(z, 0, out=z)
    return lambda z: z


def multiply_by_derivative(name):
    """Delta *= sigma'(z), in place, with sigma' taken from the stored activation a = sigma(z) (no second exp):
    a mask for relu, a(1 - a) for sigmoid, 1 - a^2 for tanh; one temporary at most."""
    if name == "sigmoid":
        def sigmoid(delta, a):
            t = np.subtract(1, a)
            t *= a
            delta *= t
        return sigmoid
    if name == "tanh":
        def tanh(delta, a):
            t = np.multiply(a, a)
            np.subtract(1, t, out=t)
            delta *= t
        return tanh
    if name == "relu":
        return lambda delta, a: np.multiply(delta, a > 0, out=delta)
    return lambda delta, a: None


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
        self.sigma_in_place = activation_in_place(document["hidden"])
        self.multiply_by_derivative = multiply_by_derivative(document["hidden"])
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

    # --- all m at once (the note's matrix form), as a NumPy user who counts the passes writes it ------------
    # Z = A @ W, then the bias and sigma in place; Delta^L once, scaled by 1/m once (so every gradient below is
    # already the mean's, with no division per layer); sigma' as a mask or from the stored activation, in place.
    def forward_stored(self, X):
        """Every layer's activation [X, A^1, ..., A^{L-1}] and the output pre-activation Z^L."""
        As = [X]
        A = X
        for W, b in zip(self.Ws[:-1], self.bs[:-1]):
            Z = A @ W
            Z += b
            A = self.sigma_in_place(Z)
            As.append(A)
        ZL = A @ self.Ws[-1]
        ZL += self.bs[-1]
        return As, ZL

    def output_delta(self, ZL, Y, with_loss):
        """Delta^L = dLoss/dZ^L for the SUM loss (ZL is overwritten), and the batch's mean loss if asked (else
        None). The loss is the stable form of example_losses, from quantities the output needs anyway."""
        m = ZL.shape[0]
        loss = None
        if self.output == "softmax":
            ZL -= ZL.max(axis=1, keepdims=True)              # shifted logits S
            E = np.exp(ZL)
            s = E.sum(axis=1, keepdims=True)
            if with_loss:                                    # sum_j y_j (lse(z) - z_j) = sum_j y_j (ln s - S_j)
                loss = float(np.sum(Y * (np.log(s) - ZL))) / m
            E /= s
            E -= Y
            return E, loss
        if with_loss:
            loss = float(np.mean(example_losses(self.output, self.loss, ZL, None if self.loss == "cross-entropy"
                                                else output_function(self.output, 1)(ZL), Y, 1)))
        if self.output == "sigmoid":
            A = activation_in_place("sigmoid")(ZL)
            if self.squared_sigmoid:
                t = np.subtract(1, A)
                t *= A                                       # sigma'(z) = a (1 - a)
                A -= Y
                A *= t
                return A, loss
            A -= Y
            return A, loss
        ZL -= Y                                              # identity output, squared error
        return ZL, loss

    def batch_gradients(self, X, Y, with_loss=False):
        m = X.shape[0]
        As, ZL = self.forward_stored(X)
        Delta, loss = self.output_delta(ZL, Y, with_loss)
        Delta *= 1 / m                                       # the mean: once, here
        grads_w = [None] * len(self.Ws)
        grads_b = [None] * len(self.Ws)
        for l in range(len(self.Ws) - 1, -1, -1):
            grads_w[l] = As[l].T @ Delta
            grads_b[l] = Delta.sum(axis=0)
            if l > 0:
                Delta = Delta @ self.Ws[l].T
                self.multiply_by_derivative(Delta, As[l])
        if with_loss:  # for training: the mean loss of the batch as well
            return grads_w, grads_b, loss
        return grads_w, grads_b

    def sgd_step(self, X, Y, eta):
        """One step of plain SGD on the batch's mean loss, in place: W -= eta (1/m) A^T Delta, b -= eta (1/m)
        sum Delta, with eta/m applied to Delta^L once (the same update as eta times the mean gradient). Each
        layer's Delta is carried down before its W changes. Returns the batch's mean loss before the step."""
        m = X.shape[0]
        As, ZL = self.forward_stored(X)
        Delta, loss = self.output_delta(ZL, Y, with_loss=True)
        Delta *= eta / m
        if not hasattr(self, "step_buffers"):
            self.step_buffers = [np.empty_like(W) for W in self.Ws]
        for l in range(len(self.Ws) - 1, -1, -1):
            below = None
            if l > 0:
                below = Delta @ self.Ws[l].T
                self.multiply_by_derivative(below, As[l])
            step = np.matmul(As[l].T, Delta, out=self.step_buffers[l])
            self.Ws[l] -= step
            self.bs[l] -= Delta.sum(axis=0)
            Delta = below
        return loss

    def forward(self, X):
        """The output activations of m examples (rows), the matrix form."""
        A = X
        for W, b in zip(self.Ws[:-1], self.bs[:-1]):
            A = self.sigma(A @ W + b)
        return output_function(self.output, 1)(A @ self.Ws[-1] + self.bs[-1])


# --- the other peers: JAX and scikit-learn, imported only when a case asks for them ---------------------------

PEERS = ("jax-batch", "sklearn-batch")
SINGLE_THREAD_XLA_FLAGS = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"


def pin_to_one_cpu():
    """Pins this process (every thread it has, and so every thread it starts later) to the first CPU it may run
    on, as `taskset -c N` would; returns N. For JAX: jaxlib 0.10.2 ignores XLA's thread flags (a jitted matmul
    still kept two cores busy without PJRT_NPROC=1), so a thread count is not enough to hold it to one core.
    None where the system has no affinity calls (macOS)."""
    global ALREADY_ONE_CPU
    if not hasattr(os, "sched_setaffinity"):
        return None
    allowed = os.sched_getaffinity(0)
    ALREADY_ONE_CPU = len(allowed) == 1
    cpu = min(allowed)
    for task in os.listdir("/proc/self/task") if os.path.isdir("/proc/self/task") else ["0"]:
        try:
            os.sched_setaffinity(int(task), {cpu})
        except OSError:  # a thread that ended meanwhile
            pass
    return cpu


PINNED_CPU = None  # the CPU import_jax pinned this process to, if it did
ALREADY_ONE_CPU = False  # whether the process was given one CPU only (taskset) before that


def pinning_note():
    """One line for the output: how JAX was held to one core, or None when it was not pinned."""
    if PINNED_CPU is None:
        return None
    if ALREADY_ONE_CPU:
        return f"ran on CPU {PINNED_CPU} only, the one CPU its process was given (taskset)"
    return (f"pinned to CPU {PINNED_CPU} (sched_setaffinity, as taskset -c {PINNED_CPU}) with its process, "
            f"because jaxlib does not keep to its thread flags")


def import_jax(precision_64=True):
    """Imports JAX for the CPU; on one thread when OPENBLAS_NUM_THREADS is 1. Raises ImportError without it.

    The XLA flags are the long-standing recipe, but jaxlib 0.10.2 ignores them (a jitted matmul still kept both
    cores busy) and sizes its CPU thread pool from PJRT_NPROC, else from the CPUs this process may run on; with
    PJRT_NPROC=1 it used one core. So both are set, before the first import, asynchronous dispatch is off, and the
    process is pinned to one CPU (pin_to_one_cpu; pinning_note says so)."""
    global PINNED_CPU
    one_thread = os.environ.get("OPENBLAS_NUM_THREADS") == "1"
    if "jax" not in sys.modules and one_thread:
        flags = os.environ.get("XLA_FLAGS", "")
        if "xla_cpu_multi_thread_eigen" not in flags:
            os.environ["XLA_FLAGS"] = (flags + " " + SINGLE_THREAD_XLA_FLAGS).strip()
        os.environ.setdefault("PJRT_NPROC", "1")
        PINNED_CPU = pin_to_one_cpu()
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
    cpu_times = [[] for _ in functions]
    for round_ in range(samples):
        order = range(len(functions)) if round_ % 2 == 0 else reversed(range(len(functions)))
        for i in order:
            functions[i]()  # untimed: each sample starts warm
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(repetitions[i]):
                functions[i]()
            times[i].append((time.perf_counter() - start) / repetitions[i])
            cpu_times[i].append((time.process_time() - cpu_start) / repetitions[i])
    return times, cpu_times, repetitions


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
            if "jax-batch" in peers and pinning_note():
                answer["pinned"] = {"jax-batch": pinning_note()}
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
            start, cpu_start = time.perf_counter(), time.process_time()
            for _ in range(reps):
                f()
            seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
            answer = {"seconds": seconds / reps, "cpu_seconds": cpu_seconds / reps, "repetitions": reps}
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

    times, cpu_times, repetitions = time_interleaved(list(functions.values()), args.min_time, args.samples,
                                                     args.warm_up)
    result = {name: {"times": t, "cpu_times": c, "repetitions": r}
              for name, t, c, r in zip(functions, times, cpu_times, repetitions)}
    result.update({
        "max_relative_difference": difference,
        "numpy": np.__version__,
        "blas": blas_description(),
    })
    if args.peers:
        result.update({"peers": list(functions), "skipped": skipped, "peer_differences": differences,
                       "versions": versions})
        if "jax-batch" in peers and pinning_note():
            result["pinned"] = {"jax-batch": pinning_note()}
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
