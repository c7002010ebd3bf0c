#!/usr/bin/env python3
"""Train one recipe the way a student would in Python, for `backprop bench-train DATA --compare`.

    python3 Benchmarks/python/train_peers.py DIR --peer PEER [--epochs K] [--check]

The Swift side writes DIR and runs this once per peer. Every peer starts from the same weights, takes the same
mini-batches in the same order, and does plain SGD on the MEAN loss of each mini-batch
(W <- W - eta * (1/|batch|) * sum of the examples' gradients; no momentum, no L2), on ONE thread.

DIR (every .npy little-endian, C order; floats in the recipe's precision):
    train_x.npy [n, h_0], already scaled     train_y.npy [n] int64 labels 0..h_L-1
    test_x.npy  [t, h_0]                     test_y.npy  [t] int64
    w1.npy, b1.npy, ..., wL.npy, bL.npy      W^l (h_{l-1}, h_l), input x output, so Z = A @ W + b; b^l (h_l,)
    order.npy   [epochs, n] int64            the examples' order in each epoch; mini-batches are consecutive runs
                                             of batch_size of it, the last one of an epoch possibly smaller
    recipe.json {"sizes": [h_0, ..., h_L], "hidden": "sigmoid"|"relu"|"tanh"|"identity",
                 "output": "softmax"|"sigmoid", "loss": "cross-entropy"|"squared-error",
                 "learning_rate": eta, "batch_size": B, "epochs": E, "precision": "float32"|"float64"}
Targets are one-hot over the h_L outputs. Losses: softmax + cross-entropy -sum y ln a; sigmoid + cross-entropy
-sum [y ln a + (1-y) ln(1-a)]; squared error 1/2 sum (a-y)^2 (delta^L = (a-y) * sigma'(z^L) for a sigmoid output).

PEER:
    numpy-loop   Nielsen's network.py: each example on its own as column vectors (Network.backprop of
                 Benchmarks/numpy/reference.py), the gradients summed over the mini-batch, then one update
    numpy-batch  the matrix form on the whole mini-batch, examples as rows, as a NumPy user who counts the passes
                 writes the step (Network.sgd_step there): bias and sigma in place on A @ W, Delta^L scaled by
                 eta/m once, sigma' a mask (relu) or from the stored activation, W and b updated in place
    sklearn      scikit-learn's MLPClassifier(solver="sgd", momentum=0, nesterovs_momentum=False, alpha=0,
                 learning_rate="constant", learning_rate_init=eta, batch_size=B, shuffle=False), its coefs_ and
                 intercepts_ set to our W and b, one partial_fit per mini-batch in our order. Softmax +
                 cross-entropy takes the labels (multiclass: softmax output, log-loss); sigmoid + cross-entropy
                 takes the one-hot rows as a multilabel indicator matrix (logistic outputs, binary log-loss).
                 Its gradient is of the mean loss, like ours, so the updates are the same. Squared error, and a
                 softmax over 2 outputs (scikit-learn uses one logistic unit for two classes), are skipped.
    jax          the matrix form with jax.value_and_grad of the mean loss; the whole step (gathering the
                 mini-batch from the arrays already on the device, gradient, update) under one jax.jit, its
                 parameters donated, compiled and called once (on a copy of the parameters) before the first
                 epoch, on the CPU, one thread, the process pinned to one CPU (see Threads).

Output, JSON lines on stdout:
    {"peer": P, "epoch": k, "seconds": s, "cpu_seconds": c, "loss": l, "test_accuracy": a, "eval_seconds": e}
        one per epoch, k from 1. seconds: the epoch's mini-batch loop (gathering the rows, gradient, update);
        cpu_seconds: this process's CPU time over that loop (about seconds when it ran on one thread);
        loss: the mini-batches' mean losses (before their updates) averaged weighted by size; null when training
        diverged (a loss or, for sklearn, a weight no longer finite): that epoch's record is the last, and its
        test_accuracy is null;
        test_accuracy: the fraction of test examples whose largest output is their label, after the epoch
        (null without test examples);
        eval_seconds: that evaluation, a forward pass only (numpy-loop feeds one example at a time, as
        Nielsen's evaluate does; the others the whole test set at once).
    {"peer": P, "done": true, "versions": {"python", "numpy", "blas", "sklearn" | "jax", "jaxlib"},
     "setup_seconds": s, "pinned": note}   setup: building the model (sklearn) or compiling the step and the
        evaluation (jax); pinned (jax only, when it was): one line saying to which CPU and why
    {"peer": P, "skipped": "reason"}   instead of everything else when the peer cannot run (exit 0)
With --check: run the first 3 mini-batches only, with this peer and with numpy-batch, and print
    {"peer": P, "max_parameter_difference": d}   the largest |difference| over every W and b after those steps.
--epochs K trains only the first K epochs of order.npy (default: the recipe's epochs).

A problem in DIR (missing file, wrong shape or type, bad recipe) prints one line on stderr naming the file and
the problem, and exits 1; a bad command line exits 2.

Threads: OPENBLAS_NUM_THREADS, OMP_NUM_THREADS and MKL_NUM_THREADS are set to 1 before NumPy is imported. For
JAX, XLA_FLAGS gets --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1, which jaxlib 0.10.2
ignores (a jitted matmul still kept two cores busy), and PJRT_NPROC=1, which sizes its CPU thread pool to one;
and jax_cpu_enable_async_dispatch is off, so each step runs in the calling thread (with it on, Python dispatched
the next step while XLA computed this one: about 1.2 cores). Since jaxlib does not keep to its thread flags, the
jax peer's process is also pinned to the first CPU it may run on (sched_setaffinity, as `taskset -c N`), before
JAX is imported, and its "done" record says so. cpu_seconds / seconds shows each peer's cores either way. NumPy's arrays are allocated and freed at every
step: glibc's malloc is told to keep freed memory (see keep_freed_memory), so no epoch pays for fresh pages.
"""
import os

for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_name] = "1"  # before NumPy is imported: one BLAS thread

import argparse
import json
import math
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ left in Benchmarks/numpy
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "numpy"))
import reference  # noqa: E402  (Benchmarks/numpy/reference.py: the same Network the gradient benchmark uses)

PEERS = ("numpy-loop", "numpy-batch", "sklearn", "jax")
CHECK_STEPS = 3


class DataError(Exception):
    """A problem in DIR: str(self) is the one line to print."""


# --- DIR --------------------------------------------------------------------------------------------------------

class Data:
    """Everything in DIR, checked."""

    def __init__(self, directory):
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise DataError(f"{directory}: not a directory")
        self.recipe = self.read_recipe()
        r = self.recipe
        self.sizes, self.dtype = r["sizes"], np.dtype(r["precision"])
        h0, c = self.sizes[0], self.sizes[-1]
        self.train_x = self.array("train_x.npy", float_=True, ndim=2)
        n = self.train_x.shape[0]
        self.expect_shape("train_x.npy", self.train_x, (n, h0), "[n, h_0]")
        if n == 0:
            raise DataError(f"{self.path('train_x.npy')}: no training examples")
        self.train_y = self.labels("train_y.npy", n, c)
        self.test_x = self.array("test_x.npy", float_=True, ndim=2)
        t = self.test_x.shape[0]
        self.expect_shape("test_x.npy", self.test_x, (t, h0), "[t, h_0]")
        self.test_y = self.labels("test_y.npy", t, c)
        self.weights, self.biases = [], []
        for l in range(1, len(self.sizes)):
            shape_w, shape_b = (self.sizes[l - 1], self.sizes[l]), (self.sizes[l],)
            w = self.array(f"w{l}.npy", float_=True, ndim=2)
            self.expect_shape(f"w{l}.npy", w, shape_w, f"(h_{l - 1}, h_{l})")
            b = self.array(f"b{l}.npy", float_=True, ndim=1)
            self.expect_shape(f"b{l}.npy", b, shape_b, f"(h_{l},)")
            self.weights.append(w)
            self.biases.append(b)
        extra = len(self.sizes)
        if (self.directory / f"w{extra}.npy").exists():
            raise DataError(f"{self.directory / f'w{extra}.npy'}: recipe.json's sizes have only {extra - 1} layers")
        self.order = self.array("order.npy", float_=False, ndim=2)
        if self.order.shape[1] != n:
            raise DataError(f"{self.path('order.npy')}: shape {self.order.shape}, expected (epochs, {n}): "
                            f"one row of the {n} training examples' indices per epoch")
        if self.order.shape[0] < r["epochs"]:
            raise DataError(f"{self.path('order.npy')}: {self.order.shape[0]} rows (epochs), recipe.json asks for "
                            f"{r['epochs']} epochs")
        if self.order.size and (self.order.min() < 0 or self.order.max() >= n):
            raise DataError(f"{self.path('order.npy')}: indices must be in 0..{n - 1}, found "
                            f"{self.order.min()}..{self.order.max()}")
        self.train_onehot = np.eye(c, dtype=self.dtype)[self.train_y]

    def path(self, name):
        return self.directory / name

    def read_recipe(self):
        path = self.path("recipe.json")
        try:
            with open(path) as f:
                recipe = json.load(f)
        except FileNotFoundError:
            raise DataError(f"{path}: missing")
        except (OSError, ValueError) as error:
            raise DataError(f"{path}: not JSON ({error})")
        if not isinstance(recipe, dict):
            raise DataError(f"{path}: expected a JSON object")

        def problem(text):
            return DataError(f"{path}: {text}")

        for key in ("sizes", "hidden", "output", "loss", "learning_rate", "batch_size", "epochs", "precision"):
            if key not in recipe:
                raise problem(f"missing key \"{key}\"")
        sizes = recipe["sizes"]
        if (not isinstance(sizes, list) or len(sizes) < 2
                or not all(isinstance(h, int) and not isinstance(h, bool) and h >= 1 for h in sizes)):
            raise problem(f"\"sizes\" must be a list of at least two integers >= 1, got {sizes!r}")
        choices = {"hidden": ("sigmoid", "relu", "tanh", "identity"), "output": ("softmax", "sigmoid", "identity"),
                   "loss": ("cross-entropy", "squared-error"), "precision": ("float32", "float64")}
        for key, allowed in choices.items():
            if recipe[key] not in allowed:
                raise problem(f"\"{key}\" must be one of {', '.join(allowed)}, got {recipe[key]!r}")
        pairing = (recipe["output"], recipe["loss"])
        if pairing in (("softmax", "squared-error"), ("identity", "cross-entropy")):
            raise problem(f"output {pairing[0]} with loss {pairing[1]} is not a supported pairing")
        eta = recipe["learning_rate"]
        if isinstance(eta, bool) or not isinstance(eta, (int, float)) or not math.isfinite(eta) or eta <= 0:
            raise problem(f"\"learning_rate\" must be a finite number > 0, got {eta!r}")
        recipe["learning_rate"] = float(eta)
        for key in ("batch_size", "epochs"):
            value = recipe[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise problem(f"\"{key}\" must be an integer >= 1, got {value!r}")
        return recipe

    def array(self, name, float_, ndim):
        path = self.path(name)
        try:
            with open(path, "rb") as f:
                if f.read(6) != b"\x93NUMPY":
                    raise DataError(f"{path}: not a .npy file (no \\x93NUMPY magic)")
            a = np.load(path, allow_pickle=False)
        except FileNotFoundError:
            raise DataError(f"{path}: missing")
        except (OSError, ValueError) as error:
            raise DataError(f"{path}: not a readable .npy file ({str(error).splitlines()[0]})")
        if a.ndim != ndim:
            raise DataError(f"{path}: shape {a.shape}, expected {ndim} dimension{'s' if ndim > 1 else ''}")
        if float_:
            if a.dtype != self.dtype:
                raise DataError(f"{path}: dtype {a.dtype}, expected {self.dtype} (recipe.json's precision)")
        elif a.dtype.kind not in "iu":
            raise DataError(f"{path}: dtype {a.dtype}, expected int64")
        else:
            a = a.astype(np.int64, copy=False)
        return np.ascontiguousarray(a)

    def expect_shape(self, name, a, shape, meaning):
        if a.shape != shape:
            raise DataError(f"{self.path(name)}: shape {a.shape}, expected {shape} {meaning}")

    def labels(self, name, count, classes):
        y = self.array(name, float_=False, ndim=1)
        if y.shape != (count,):
            raise DataError(f"{self.path(name)}: shape {y.shape}, expected ({count},): one label per row of "
                            f"{name.replace('_y', '_x')}")
        if y.size and (y.min() < 0 or y.max() >= classes):
            raise DataError(f"{self.path(name)}: labels must be in 0..{classes - 1} (h_L = {classes} outputs), "
                            f"found {y.min()}..{y.max()}")
        return y

    def batches(self, epoch):
        """The mini-batches of one epoch (0-based): index arrays, consecutive runs of batch_size of its order."""
        row, size = self.order[epoch], self.recipe["batch_size"]
        return [row[start:start + size] for start in range(0, row.shape[0], size)]

    def document(self):
        """The network as reference.Network reads it (its arrays are copied)."""
        r = self.recipe
        return {"hidden": r["hidden"], "output": r["output"], "loss": r["loss"],
                "layers": [{"weights": w, "biases": b} for w, b in zip(self.weights, self.biases)]}


# --- the peers --------------------------------------------------------------------------------------------------

class Skip(Exception):
    """This peer cannot run this recipe here: str(self) is the one-line reason."""


class NumPyLoop:
    """Nielsen's update_mini_batch: backprop each example (column vectors), sum, one update."""
    name = "numpy-loop"

    def __init__(self, data):
        self.data, self.eta = data, data.recipe["learning_rate"]
        self.network = reference.Network(data.document(), data.dtype)
        self.setup_seconds = 0.0

    def gradients(self, X, Y):
        return self.network.loop_gradients(X, Y, with_loss=True)

    def batches(self, epoch):
        return self.data.batches(epoch)

    def step(self, indices):
        """One mini-batch: gather its rows, the mean gradient, the update; returns the batch's mean loss."""
        X, Y = self.data.train_x[indices], self.data.train_onehot[indices]
        grads_w, grads_b, loss = self.gradients(X, Y)
        for W, g in zip(self.network.Ws, grads_w):
            W -= self.eta * g
        for b, g in zip(self.network.bs, grads_b):  # in place: bs_column are views of bs
            b -= self.eta * g
        return loss

    def synchronize(self):
        pass

    def predict(self, X):
        # Nielsen's evaluate: one example at a time
        return np.array([np.argmax(self.network.feedforward(x.reshape(-1, 1))) for x in X], dtype=np.int64)

    def parameters(self):
        return self.network.Ws + self.network.bs

    def versions(self):
        return {}


class NumPyBatch(NumPyLoop):
    """The matrix form on the whole mini-batch, the step written tight (reference.Network.sgd_step): eta/m applied
    once, sigma' from the stored activation, the parameters updated in place."""
    name = "numpy-batch"

    def step(self, indices):
        X, Y = self.data.train_x[indices], self.data.train_onehot[indices]
        return self.network.sgd_step(X, Y, self.eta)

    def predict(self, X):
        return np.argmax(self.network.forward(X), axis=1)


class ScikitLearn:
    """MLPClassifier with plain SGD, our weights, one partial_fit per mini-batch."""
    name = "sklearn"

    def __init__(self, data):
        r = data.recipe
        c = data.sizes[-1]
        if r["loss"] != "cross-entropy" or r["output"] == "identity":
            raise Skip(f"scikit-learn's MLPClassifier trains softmax or logistic outputs with log-loss only, "
                       f"not {r['output']} + {r['loss']}")
        if r["output"] == "softmax" and c < 3:
            raise Skip(f"scikit-learn's MLPClassifier uses one logistic output for {c} classes, not a "
                       f"{c}-way softmax")
        if r["output"] == "sigmoid" and c < 2:
            raise Skip("scikit-learn's MLPClassifier needs at least 2 logistic outputs for a multilabel target")
        try:
            import sklearn
            from sklearn.neural_network import MLPClassifier
        except ModuleNotFoundError:
            raise Skip("scikit-learn is not installed (pip install scikit-learn)")
        except ImportError as error:
            raise Skip(f"scikit-learn cannot be imported: {str(error).splitlines()[0]}")
        warnings.filterwarnings("ignore", module="sklearn")  # the last, smaller batch: "batch_size ... clipped"
        start = time.perf_counter()
        self.data, self.sklearn_version = data, sklearn.__version__
        self.model = MLPClassifier(
            hidden_layer_sizes=tuple(data.sizes[1:-1]), activation=reference.SKLEARN_ACTIVATIONS[r["hidden"]],
            solver="sgd", alpha=0.0, batch_size=r["batch_size"], learning_rate="constant",
            learning_rate_init=r["learning_rate"], momentum=0.0, nesterovs_momentum=False, shuffle=False,
            early_stopping=False, max_iter=1, random_state=0)
        # softmax: the labels (multiclass); sigmoid: the one-hot rows as a multilabel indicator matrix
        self.targets = data.train_y if r["output"] == "softmax" else data.train_onehot.astype(np.int64)
        # partial_fit builds the model (label binarizer, output activation, layers) with its own random weights
        # and takes one step; then our weights replace them and its optimizer starts afresh.
        first = data.batches(0)[0]
        self.model.partial_fit(data.train_x[first], self.targets[first], classes=np.arange(c))
        expected = "softmax" if r["output"] == "softmax" else "logistic"
        if self.model.out_activation_ != expected or self.model.n_outputs_ != c:
            raise Skip(f"scikit-learn built a {self.model.out_activation_} output with {self.model.n_outputs_} "
                       f"units, not {expected} with {c}")
        self.model.coefs_ = [w.copy() for w in data.weights]
        self.model.intercepts_ = [b.copy() for b in data.biases]
        del self.model._optimizer
        self.setup_seconds = time.perf_counter() - start

    def batches(self, epoch):
        return self.data.batches(epoch)

    def step(self, indices):
        try:
            self.model.partial_fit(self.data.train_x[indices], self.targets[indices])
        except ValueError as error:  # scikit-learn refuses to go on once its weights are no longer finite
            if "non-finite" in str(error):
                return math.nan
            raise
        return self.model.loss_  # the batch's mean loss before the update (its log-loss clips a to [eps, 1-eps])

    def synchronize(self):
        pass

    def predict(self, X):
        return np.argmax(self.model.predict_proba(X), axis=1)

    def parameters(self):
        return self.model.coefs_ + self.model.intercepts_

    def versions(self):
        return {"sklearn": self.sklearn_version}


class Jax:
    """jax.jit of the whole step: gather, value_and_grad of the mean loss, SGD update."""
    name = "jax"

    def __init__(self, data):
        r = data.recipe
        try:
            jax = reference.import_jax(precision_64=r["precision"] == "float64")
            import jaxlib
        except ModuleNotFoundError:
            raise Skip("jax is not installed (pip install jax)")
        except ImportError as error:
            raise Skip(f"jax cannot be imported: {str(error).splitlines()[0]}")
        self.jax, self.data = jax, data
        self.jax_versions = {"jax": jax.__version__, "jaxlib": jaxlib.__version__}
        jnp = jax.numpy
        start = time.perf_counter()
        mean_loss = reference.jax_mean_loss(jax, r["hidden"], r["output"], r["loss"])
        eta = r["learning_rate"]  # a Python float: weakly typed, so float32 parameters stay float32

        def step(params, X_all, Y_all, indices):
            loss, grads = jax.value_and_grad(mean_loss)(params, X_all[indices], Y_all[indices])
            return jax.tree_util.tree_map(lambda p, g: p - eta * g, params, grads), loss

        def predict(params, X):
            A = X
            sigma = {"sigmoid": jax.nn.sigmoid, "tanh": jnp.tanh, "relu": jax.nn.relu,
                     "identity": lambda z: z}[r["hidden"]]
            for W, b in params[:-1]:
                A = sigma(A @ W + b)
            W, b = params[-1]
            Z = A @ W + b
            out = {"softmax": lambda z: jax.nn.softmax(z, axis=1), "sigmoid": jax.nn.sigmoid,
                   "identity": lambda z: z}[r["output"]](Z)
            return jnp.argmax(out, axis=1)

        self.params = tuple((jax.device_put(w), jax.device_put(b)) for w, b in zip(data.weights, data.biases))
        self.X_all, self.Y_all = jax.device_put(data.train_x), jax.device_put(data.train_onehot)
        self.test_x = jax.device_put(data.test_x)
        self.order = data.order.astype(np.int32)  # the indices as the device takes them (int32 without x64)
        jitted = jax.jit(step, donate_argnums=0)
        sizes = {len(batch) for batch in data.batches(0)}
        self.steps = {size: jitted.lower(self.params, self.X_all, self.Y_all,
                                         jax.ShapeDtypeStruct((size,), np.int32)).compile() for size in sizes}
        self.predict_compiled = jax.jit(predict).lower(self.params, self.test_x).compile()
        # One untimed call of each, the step on a copy of the parameters (it donates them): a compiled
        # executable's first call is much slower than the next ones (up to 50 ms here), which epoch 1 would pay.
        for size, compiled in self.steps.items():
            spare = jax.tree_util.tree_map(jnp.copy, self.params)
            jax.block_until_ready(compiled(spare, self.X_all, self.Y_all, self.order[0, :size]))
        jax.block_until_ready(self.predict_compiled(self.params, self.test_x))
        self.setup_seconds = time.perf_counter() - start

    def batches(self, epoch):
        """The epoch's mini-batches as the device takes them (int32), converted once per epoch, not per step."""
        row, size = self.order[epoch], self.data.recipe["batch_size"]
        return [row[start:start + size] for start in range(0, row.shape[0], size)]

    def step(self, indices):
        self.params, loss = self.steps[len(indices)](self.params, self.X_all, self.Y_all, indices)
        return loss  # a device scalar: read after the epoch, not here (that would wait for each step)

    def synchronize(self):
        self.jax.block_until_ready(self.params)

    def predict(self, X):
        assert X is self.data.test_x
        return np.asarray(self.predict_compiled(self.params, self.test_x))

    def parameters(self):
        return [np.asarray(w) for w, _ in self.params] + [np.asarray(b) for _, b in self.params]

    def versions(self):
        return self.jax_versions

    def pinned(self):
        return reference.pinning_note()


PEER_CLASSES = {"numpy-loop": NumPyLoop, "numpy-batch": NumPyBatch, "sklearn": ScikitLearn, "jax": Jax}


# --- running ----------------------------------------------------------------------------------------------------

def keep_freed_memory():
    """Tells glibc's malloc to keep freed memory for reuse (mallopt), so that each step's new arrays do not take
    fresh pages from the kernel. By default an array over 128 KiB gets its own mmap, and is unmapped when freed,
    until glibc raises that threshold on its own after a large free (the first test evaluation does it): a
    784-100-10 network with mini-batches of 32 took 0.17-0.19 s for its first NumPy epoch and 0.07-0.09 s for
    the next ones, or for every epoch with this. Returns whether it applied (False off glibc)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None)
        M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
        return bool(libc.mallopt(M_MMAP_THRESHOLD, 32 << 20) and libc.mallopt(M_TRIM_THRESHOLD, 1 << 30))
    except (OSError, AttributeError):
        return False


def emit(record):
    print(json.dumps(record), flush=True)


def finite_or_none(x):
    return x if math.isfinite(x) else None


def train(peer, data, epochs):
    n, t = data.train_x.shape[0], data.test_x.shape[0]
    for epoch in range(epochs):
        batches = peer.batches(epoch)
        losses = []
        start, cpu_start = time.perf_counter(), time.process_time()
        for indices in batches:
            losses.append(peer.step(indices))
        peer.synchronize()
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        loss = sum(float(l) * len(b) for l, b in zip(losses, batches)) / n
        if not math.isfinite(loss):
            emit({"peer": peer.name, "epoch": epoch + 1, "seconds": seconds, "cpu_seconds": cpu_seconds,
                  "loss": None, "test_accuracy": None, "eval_seconds": 0.0})
            return
        start = time.perf_counter()
        accuracy = float(np.mean(peer.predict(data.test_x) == data.test_y)) if t else None
        eval_seconds = time.perf_counter() - start
        emit({"peer": peer.name, "epoch": epoch + 1, "seconds": seconds, "cpu_seconds": cpu_seconds,
              "loss": finite_or_none(loss), "test_accuracy": accuracy, "eval_seconds": eval_seconds})


def check(peer, data):
    """The first CHECK_STEPS mini-batches with this peer and with numpy-batch; the largest |parameter difference|."""
    reference_peer = NumPyBatch(data)
    for p in (peer, reference_peer):
        for indices in [b for epoch in range(data.order.shape[0]) for b in p.batches(epoch)][:CHECK_STEPS]:
            p.step(indices)
    peer.synchronize()
    difference = max(float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
                     for a, b in zip(peer.parameters(), reference_peer.parameters()))
    emit({"peer": peer.name, "max_parameter_difference": difference})


def versions(peer):
    return {"python": platform.python_version(), "numpy": np.__version__, "blas": reference.blas_description(),
            **peer.versions()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    parser.add_argument("directory", metavar="DIR", help="the directory the Swift side wrote")
    parser.add_argument("--peer", required=True, choices=PEERS)
    parser.add_argument("--epochs", type=int, metavar="K", help="train only the first K epochs of order.npy")
    parser.add_argument("--check", action="store_true",
                        help=f"run {CHECK_STEPS} mini-batches and print the largest parameter difference from numpy-batch")
    args = parser.parse_args()
    keep_freed_memory()
    try:
        data = Data(args.directory)
    except DataError as error:
        print(f"train_peers.py: {error}", file=sys.stderr)
        return 1
    epochs = data.recipe["epochs"] if args.epochs is None else args.epochs
    if not 1 <= epochs <= data.order.shape[0]:
        parser.error(f"--epochs {epochs}: must be between 1 and the {data.order.shape[0]} epochs of order.npy")
    try:
        peer = PEER_CLASSES[args.peer](data)
    except Skip as reason:
        emit({"peer": args.peer, "skipped": str(reason)})
        return 0
    if args.check:
        check(peer, data)
        return 0
    train(peer, data, epochs)
    done = {"peer": peer.name, "done": True, "versions": versions(peer), "setup_seconds": peer.setup_seconds}
    if hasattr(peer, "pinned") and peer.pinned():
        done["pinned"] = peer.pinned()
    emit(done)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # the reader went away: no traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
