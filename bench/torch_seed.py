#!/usr/bin/env python3
"""The seed's chapter-5 run in PyTorch on the CPU, for `npm run bench -- --only-seed`.

nn.Linear(784, 50) -> ReLU -> nn.Linear(50, 10), nn.CrossEntropyLoss, torch.optim.SGD(lr=0.1);
weights 0.01 * standard normal and biases 0 as the book initialises them; batches of 100
drawn with replacement; train and test accuracy on all 70000 images (under torch.no_grad())
at iteration 0 and every 600 iterations, 17 evaluations in 10000. The input needs no
gradient, so autograd computes none for the first layer's input. The data are read from the
same IDX files as nabla's, inside the timed process.

Threads: every CPU this process may run on (torch.set_num_threads), as the issue asks;
PyTorch's own default on a KVM guest may be one (see bench/torch_simple_convnet.py).

Prints one JSON line: the loop's seconds, the loading's seconds, the accuracies of the last
evaluation and the threads used.

Usage: python3 bench/torch_seed.py [DATA_DIR] [--dtype float64|float32] [--iters N] [--seed N]
"""

import argparse
import json
import os
import sys
import time

try:
    import numpy as np
    import torch
    from torch import nn
except ImportError as error:
    print(f"torch_seed.py: {error} (apt-get install python3-torch)", file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from numpy_seed_lean import BATCH, CLASSES, DEFAULT_DATA_DIR, EVAL_EVERY, HIDDEN, INIT_STD, LR, read_idx  # noqa: E402


def load(data_dir, dtype):
    def images(name):
        x = torch.from_numpy(read_idx(os.path.join(data_dir, name)).reshape(-1, 784).copy())
        return x.to(dtype).div_(255)

    def labels(name):
        return torch.from_numpy(read_idx(os.path.join(data_dir, name)).astype(np.int64))

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def main():
    parser = argparse.ArgumentParser(description="The seed's chapter-5 MNIST run in PyTorch (CPU).")
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA_DIR)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--iters", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.iters < 1:
        parser.error("--iters must be at least 1")
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    torch.set_num_threads(usable or 1)
    torch.manual_seed(args.seed)
    dtype = torch.float64 if args.dtype == "float64" else torch.float32

    started = time.perf_counter()
    x_train, t_train, x_test, t_test = load(args.data_dir, dtype)
    loaded = time.perf_counter()

    model = nn.Sequential(nn.Linear(784, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, CLASSES)).to(dtype)
    with torch.no_grad():
        for layer in (model[0], model[2]):
            layer.weight.normal_(0, INIT_STD)
            layer.bias.zero_()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)
    loss_fn = nn.CrossEntropyLoss()

    def accuracy(x, t):
        with torch.no_grad():
            return float((model(x).argmax(dim=1) == t).sum()) / x.shape[0]

    evaluations = []
    generator = torch.Generator().manual_seed(args.seed)
    for i in range(args.iters):
        batch = torch.randint(0, x_train.shape[0], (BATCH,), generator=generator)
        loss = loss_fn(model(x_train[batch]), t_train[batch])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if i % EVAL_EVERY == 0:
            evaluations.append({"iteration": i, "trainAcc": accuracy(x_train, t_train), "testAcc": accuracy(x_test, t_test), "loss": float(loss)})
    seconds = time.perf_counter() - loaded
    last = evaluations[-1]
    print(json.dumps({
        "dtype": args.dtype, "iters": args.iters, "torch": torch.__version__, "threads": torch.get_num_threads(),
        "loadSeconds": loaded - started, "seconds": seconds, "trainAcc": last["trainAcc"], "testAcc": last["testAcc"],
        "evaluations": len(evaluations),
    }))


if __name__ == "__main__":
    main()
