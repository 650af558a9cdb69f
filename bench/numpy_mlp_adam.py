#!/usr/bin/env python3
"""The `optimizers` experiment's Adam run in lean NumPy, for `npm run bench`.

MultiLayerNet(784, [100, 100, 100, 100], 10): the book's Affine, Relu and SoftmaxWithLoss
layers, He init, Adam (lr 0.001, beta1 0.9, beta2 0.999) as the book writes it, batches of
128 drawn with replacement, 2000 iterations. No needless work: class-index targets, no
input gradient for the first Affine, and the loss of each step taken from the forward
pass that the gradient needs (the book computes it again after the update).
Prints one JSON line: the loop's seconds and the final loss.

Usage: python3 bench/numpy_mlp_adam.py [DATA_DIR] [--dtype float64|float32] [--iters N]
"""

import argparse
import json
import os
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy_mlp_adam.py: NumPy is not installed for this python3 (pip install numpy)", file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from numpy_seed import DEFAULT_DATA_DIR, Affine, Relu, load_mnist  # noqa: E402  (the same layers as the seed's run)


class SoftmaxWithLoss:
    def forward(self, x, labels):
        x = x - x.max(axis=1, keepdims=True)
        e = np.exp(x)
        self.y = e / e.sum(axis=1, keepdims=True)
        self.labels = labels
        n = labels.size
        return -np.log(self.y[np.arange(n), labels] + 1e-7).sum() / n

    def backward(self):
        n = self.labels.size
        dx = self.y.copy()
        dx[np.arange(n), self.labels] -= 1
        return dx / n


class Adam:
    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.iter = 0
        self.m = self.v = None

    def update(self, params, grads):
        if self.m is None:
            self.m = {k: np.zeros_like(v) for k, v in params.items()}
            self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.iter += 1
        lr_t = self.lr * np.sqrt(1.0 - self.beta2 ** self.iter) / (1.0 - self.beta1 ** self.iter)
        for k in params:
            self.m[k] += (1 - self.beta1) * (grads[k] - self.m[k])
            self.v[k] += (1 - self.beta2) * (grads[k] ** 2 - self.v[k])
            params[k] -= lr_t * self.m[k] / (np.sqrt(self.v[k]) + 1e-7)


def build(sizes, rng, dtype):
    params, layers = {}, []
    for i in range(len(sizes) - 1):
        scale = np.sqrt(2.0 / sizes[i])  # He
        params[f"W{i + 1}"] = (scale * rng.standard_normal((sizes[i], sizes[i + 1]))).astype(dtype)
        params[f"b{i + 1}"] = np.zeros(sizes[i + 1], dtype=dtype)
        layers.append(Affine(params[f"W{i + 1}"], params[f"b{i + 1}"], need_dx=i > 0))
        if i < len(sizes) - 2:
            layers.append(Relu())
    return params, layers


def require_openblas():
    """The baseline must be NumPy done well: the reference BLAS is 6× slower here and would flatter nabla."""
    np.dot(np.ones((2, 2)), np.ones((2, 2)))  # make sure the BLAS library is loaded
    try:
        with open("/proc/self/maps") as maps:
            lines = maps.read().splitlines()
        # Debian's numpy calls dgemm through the libblas.so.3 alternative (OpenBLAS's LAPACK may be
        # loaded beside the reference BLAS); a wheel bundles its own OpenBLAS and has no libblas.
        blas = [line for line in lines if "/libblas" in line] or lines
        if any("openblas" in line for line in blas):
            return
    except OSError:
        return  # not Linux: cannot tell, trust the install
    sys.exit(f"{os.path.basename(sys.argv[0])}: NumPy is not using OpenBLAS (the reference BLAS is loaded); "
             "install libopenblas0-pthread beside python3-numpy")


def main():
    require_openblas()
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA_DIR)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--iters", type=int, default=2000)
    args = parser.parse_args()
    dtype = np.dtype(args.dtype)
    x_train, t_train, _, _ = load_mnist(args.data_dir, dtype)
    rng = np.random.default_rng(42)
    params, layers = build([x_train.shape[1], 100, 100, 100, 100, 10], rng, dtype)
    affines = [layer for layer in layers if isinstance(layer, Affine)]
    last = SoftmaxWithLoss()
    optimizer = Adam()
    started = time.perf_counter()
    loss = float("nan")
    for _ in range(args.iters):
        batch = rng.integers(0, x_train.shape[0], 128)
        out = x_train[batch]
        for layer in layers:
            out = layer.forward(out)
        loss = last.forward(out, t_train[batch])
        dout = last.backward()
        for layer in reversed(layers):
            dout = layer.backward(dout)
        grads = {}
        for i, affine in enumerate(affines):
            grads[f"W{i + 1}"], grads[f"b{i + 1}"] = affine.dW, affine.db
        optimizer.update(params, grads)
    seconds = time.perf_counter() - started
    print(json.dumps({"dtype": args.dtype, "iters": args.iters, "seconds": seconds, "finalLoss": float(loss),
                      "numpy": np.__version__}))


if __name__ == "__main__":
    main()
