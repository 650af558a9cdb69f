#!/usr/bin/env python3
"""The book's SimpleConvNet (ch. 7) in PyTorch on the CPU, for `npm run bench -- --only-conv`.

nn.Conv2d(1, 30, 5) -> ReLU -> nn.MaxPool2d(2, 2) -> nn.Linear(4320, 100) -> ReLU ->
nn.Linear(100, 10), nn.CrossEntropyLoss; weights 0.01 * standard normal and biases 0 as the
book initialises them; torch.optim.Adam(lr=0.001) with eps 1e-7, the book's (PyTorch's
default is 1e-8; PyTorch adds eps after the bias correction, the book before, which differs
by a factor sqrt(1 - beta2^t) in eps alone); batches of 100 drawn with replacement. The
input needs no gradient, so autograd computes none for the first convolution, as the other
two implementations skip it.

PyTorch uses one thread here unless told otherwise: its default is the number of physical
cores that cpuinfo counts, and on this KVM guest cpuinfo reads the CPUID topology as one
core with two hardware threads (Linux says two cores). --threads all (the default) sets
the intra-op thread count to the CPUs this process may run on; --threads default leaves
PyTorch's own choice; --threads N sets N. On a loaded machine PyTorch's OpenMP threads
wait for each other at every operator, so the harness runs both all and default.

Prints one JSON line: the loop's seconds, ms per step, the losses (first, final, mean of the
last 50 steps), and the threads used.

Usage: python3 bench/torch_simple_convnet.py [DATA_DIR] [--dtype float64|float32] [--iters N] [--threads all|default|N]
"""

import argparse
import json
import os
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    print("torch_simple_convnet.py: PyTorch is not installed for this python3 (apt-get install python3-torch)", file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from numpy_seed import DEFAULT_DATA_DIR, load_mnist  # noqa: E402

LOSS_WINDOW = 50  # as bench/lib/loss_window.ts


def thread_count(text):
    """--threads: 'all', 'default' or a positive integer."""
    if text in ("all", "default"):
        return text
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError(f"must be all, default or a positive integer, got '{text}'")


def use_threads(requested):
    """Sets PyTorch's intra-op threads as --threads says; returns (PyTorch's default, the count now used)."""
    default = torch.get_num_threads()
    if requested == "all":
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        torch.set_num_threads(usable or 1)
    elif requested != "default":
        torch.set_num_threads(requested)
    return default, torch.get_num_threads()


def book_init(model, std):
    """0.01 * randn for every weight, zeros for every bias, as ch07/simple_convnet.py does."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                module.weight.normal_(0.0, std)
                module.bias.zero_()


def simple_convnet(dtype):
    model = nn.Sequential(
        nn.Conv2d(1, 30, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten(),
        nn.Linear(30 * 12 * 12, 100), nn.ReLU(), nn.Linear(100, 10),
    ).to(dtype)
    book_init(model, 0.01)
    return model


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA_DIR)
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--iters", type=int, default=600)
    parser.add_argument("--threads", type=thread_count, default="all", help="intra-op threads: all (every CPU this process may use), default (PyTorch's choice) or N")
    args = parser.parse_args()
    if args.iters < 1:
        parser.error("--iters must be a positive integer")
    default_threads, threads = use_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    torch.manual_seed(42)
    x_np, t_np, _, _ = load_mnist(args.data_dir, args.dtype)
    x_train = torch.from_numpy(x_np).reshape(-1, 1, 28, 28)
    t_train = torch.from_numpy(t_np)
    model = simple_convnet(dtype)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    losses = torch.empty(args.iters, dtype=torch.float64)
    started = time.perf_counter()
    for i in range(args.iters):
        batch = torch.randint(0, x_train.shape[0], (100,))
        loss = loss_fn(model(x_train[batch]), t_train[batch])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses[i] = loss.item()
    seconds = time.perf_counter() - started
    print(json.dumps({"net": "SimpleConvNet", "dtype": args.dtype, "iters": args.iters, "batch": 100, "seconds": seconds,
                      "msPerStep": 1000 * seconds / args.iters, "firstLoss": float(losses[0]), "finalLoss": float(losses[-1]),
                      "meanLastLoss": float(losses[-LOSS_WINDOW:].mean()), "lossWindow": LOSS_WINDOW,
                      "torch": torch.__version__, "threads": threads, "defaultThreads": default_threads,
                      "mkldnn": torch.backends.mkldnn.is_available()}))


if __name__ == "__main__":
    main()
