#!/usr/bin/env python3
"""The book's SimpleConvNet (ch. 7) in lean NumPy, for `npm run bench -- --only-conv`.

Convolution 30x5x5 (stride 1, pad 0) -> Relu -> 2x2 max pool (stride 2) -> Affine 4320->100
-> Relu -> Affine 100->10 -> SoftmaxWithLoss; weights 0.01 * standard normal, biases 0;
Adam (lr 0.001, beta1 0.9, beta2 0.999, eps 1e-7 as the book writes it), batches of 100
drawn with replacement. The book's im2col method: every 5x5 window becomes a row of `col`
and the convolution is one matrix product. Here im2col is a strided view copied once (no
Python loop at all), and the first layer computes no input gradient, so no col2im.
Pooling with stride equal to the window is im2col without overlap: a reshape of the image
into 2x2 blocks, max and argmax over each block.

Prints one JSON line: the loop's seconds, ms per step, and the losses (first, final, mean of
the last 50 steps).

Usage: python3 bench/numpy_simple_convnet.py [DATA_DIR] [--dtype float64|float32] [--iters N]
"""

import argparse
import json
import os
import sys
import time

try:
    import numpy as np
    from numpy.lib.stride_tricks import as_strided
except ImportError:
    print("numpy_simple_convnet.py: NumPy is not installed for this python3 (apt-get install python3-numpy)", file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from numpy_seed import DEFAULT_DATA_DIR, Affine, Relu, load_mnist  # noqa: E402
from numpy_mlp_adam import Adam, SoftmaxWithLoss, require_openblas  # noqa: E402

LOSS_WINDOW = 50  # as bench/lib/loss_window.ts


def im2col(x, fh, fw, stride):
    """[N, C, H, W] -> [N*OH*OW, C*FH*FW], one row per output position (no padding)."""
    n, c, h, w = x.shape
    oh, ow = (h - fh) // stride + 1, (w - fw) // stride + 1
    sn, sc, sh, sw = x.strides
    windows = as_strided(x, (n, oh, ow, c, fh, fw), (sn, sh * stride, sw * stride, sc, sh, sw), writeable=False)
    return windows.reshape(n * oh * ow, c * fh * fw), oh, ow


class Convolution:
    """Forward and the parameter gradients only: it is the first layer, nothing needs its dx."""

    def __init__(self, W, b, stride=1):
        self.W, self.b, self.stride = W, b, stride
        self.col = self.dW = self.db = None
        self.shape = None

    def forward(self, x):
        fn, _, fh, fw = self.W.shape
        self.col, oh, ow = im2col(x, fh, fw, self.stride)
        out = self.col @ self.W.reshape(fn, -1).T + self.b
        self.shape = (x.shape[0], oh, ow, fn)
        return out.reshape(self.shape).transpose(0, 3, 1, 2)

    def backward_params(self, dout):
        fn = self.W.shape[0]
        rows = dout.transpose(0, 2, 3, 1).reshape(-1, fn)
        self.db = rows.sum(axis=0)
        self.dW = (rows.T @ self.col).reshape(self.W.shape)


class MaxPool2x2:
    def __init__(self):
        self.argmax = self.shape = None

    def forward(self, x):
        n, c, h, w = x.shape
        self.shape = x.shape
        blocks = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h // 2, w // 2, 4)
        self.argmax = blocks.argmax(axis=4)
        return np.take_along_axis(blocks, self.argmax[..., None], axis=4)[..., 0]

    def backward(self, dout):
        n, c, h, w = self.shape
        blocks = np.zeros((n, c, h // 2, w // 2, 4), dtype=dout.dtype)
        np.put_along_axis(blocks, self.argmax[..., None], dout[..., None], axis=4)
        return blocks.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(n, c, h, w)


class SimpleConvNet:
    def __init__(self, rng, dtype, filters=30, size=5, hidden=100, classes=10, std=0.01):
        pooled = filters * ((28 - size + 1) // 2) ** 2
        self.params = {
            "W1": (std * rng.standard_normal((filters, 1, size, size))).astype(dtype), "b1": np.zeros(filters, dtype),
            "W2": (std * rng.standard_normal((pooled, hidden))).astype(dtype), "b2": np.zeros(hidden, dtype),
            "W3": (std * rng.standard_normal((hidden, classes))).astype(dtype), "b3": np.zeros(classes, dtype),
        }
        p = self.params
        self.conv, self.relu1, self.pool = Convolution(p["W1"], p["b1"]), Relu(), MaxPool2x2()
        self.affine1, self.relu2, self.affine2 = Affine(p["W2"], p["b2"]), Relu(), Affine(p["W3"], p["b3"])
        self.last = SoftmaxWithLoss()

    def gradient(self, x, labels):
        """Forward, loss and backward; returns (loss, grads)."""
        pooled = self.pool.forward(self.relu1.forward(self.conv.forward(x)))
        scores = self.affine2.forward(self.relu2.forward(self.affine1.forward(pooled.reshape(x.shape[0], -1))))
        loss = self.last.forward(scores, labels)
        dout = self.affine1.backward(self.relu2.backward(self.affine2.backward(self.last.backward())))
        self.conv.backward_params(self.relu1.backward(self.pool.backward(dout.reshape(pooled.shape))))
        grads = {"W1": self.conv.dW, "b1": self.conv.db, "W2": self.affine1.dW, "b2": self.affine1.db,
                 "W3": self.affine2.dW, "b3": self.affine2.db}
        return loss, grads


def main():
    require_openblas()
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA_DIR)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--iters", type=int, default=600)
    args = parser.parse_args()
    if args.iters < 1:
        parser.error("--iters must be a positive integer")
    dtype = np.dtype(args.dtype)
    x_train, t_train, _, _ = load_mnist(args.data_dir, dtype)
    x_train = x_train.reshape(-1, 1, 28, 28)
    rng = np.random.default_rng(42)
    net = SimpleConvNet(rng, dtype)
    optimizer = Adam(lr=0.001)
    losses = np.empty(args.iters)
    started = time.perf_counter()
    for i in range(args.iters):
        batch = rng.integers(0, x_train.shape[0], 100)
        losses[i], grads = net.gradient(x_train[batch], t_train[batch])
        optimizer.update(net.params, grads)
    seconds = time.perf_counter() - started
    print(json.dumps({"net": "SimpleConvNet", "dtype": args.dtype, "iters": args.iters, "batch": 100, "seconds": seconds,
                      "msPerStep": 1000 * seconds / args.iters, "firstLoss": float(losses[0]), "finalLoss": float(losses[-1]),
                      "meanLastLoss": float(losses[-LOSS_WINDOW:].mean()), "lossWindow": LOSS_WINDOW, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
