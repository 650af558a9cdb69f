#!/usr/bin/env python3
"""The book's DeepConvNet (ch. 8) in PyTorch on the CPU, for `npm run bench -- --only-conv`.

(Conv 3x3 -> ReLU -> Conv 3x3 -> ReLU -> MaxPool 2x2) x 3 with 16, 16, 32, 32 (pad 2), 64, 64
filters -> Linear(1024, 50) -> ReLU -> Dropout(0.5) -> Linear(50, 10) -> Dropout(0.5), He
initialisation. Two measurements, each with freshly initialised weights:

  --eval    score the 10000 test images in blocks of 100 (as nabla does), in eval mode under
            torch.no_grad(); prints the seconds and images per second.
  --memory  a few training steps (CrossEntropyLoss, Adam lr 0.001) on a random batch of 100;
            prints the process's peak resident set (getrusage's max RSS).

Threads: --threads all|default|N as in torch_simple_convnet.py (PyTorch's own default is
1 here).

Usage: python3 bench/torch_deep_convnet.py [DATA_DIR] (--eval [--images N] | --memory [--steps N]) [--dtype float64|float32]
"""

import argparse
import json
import math
import os
import resource
import sys
import time

try:
    import torch
    from torch import nn
except ImportError:
    print("torch_deep_convnet.py: PyTorch is not installed for this python3 (apt-get install python3-torch)", file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from numpy_seed import DEFAULT_DATA_DIR, read_idx  # noqa: E402
from torch_simple_convnet import thread_count, use_threads  # noqa: E402


def deep_convnet(dtype):
    layers, channels = [], 1
    for i, (filters, pad) in enumerate([(16, 1), (16, 1), (32, 1), (32, 2), (64, 1), (64, 1)]):
        layers += [nn.Conv2d(channels, filters, 3, padding=pad), nn.ReLU()]
        if i % 2 == 1:
            layers.append(nn.MaxPool2d(2, 2))
        channels = filters
    layers += [nn.Flatten(), nn.Linear(64 * 4 * 4, 50), nn.ReLU(), nn.Dropout(0.5), nn.Linear(50, 10), nn.Dropout(0.5)]
    model = nn.Sequential(*layers).to(dtype)
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                fan_in = module.weight[0].numel()
                module.weight.normal_(0.0, math.sqrt(2.0 / fan_in))
                module.bias.zero_()
    return model


def evaluate(args, dtype):
    images = torch.from_numpy(read_idx(os.path.join(args.data_dir, "t10k-images-idx3-ubyte")).astype(args.dtype) / 255)
    labels = torch.from_numpy(read_idx(os.path.join(args.data_dir, "t10k-labels-idx1-ubyte")).astype("int64"))
    count = images.shape[0] if args.images is None else args.images
    if not 1 <= count <= images.shape[0]:
        sys.exit(f"torch_deep_convnet.py: --images must be from 1 to {images.shape[0]}, got {count}")
    x, labels = images[:count].reshape(-1, 1, 28, 28).to(dtype), labels[:count]
    model = deep_convnet(dtype).eval()
    started = time.perf_counter()
    correct = 0
    with torch.no_grad():
        for start in range(0, x.shape[0], 100):
            correct += int((model(x[start:start + 100]).argmax(dim=1) == labels[start:start + 100]).sum())
    seconds = time.perf_counter() - started
    return {"images": x.shape[0], "blockSize": 100, "seconds": seconds, "imagesPerSecond": x.shape[0] / seconds,
            "accuracy": correct / x.shape[0]}


def memory(args, dtype):
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    x = torch.rand(100, 1, 28, 28, dtype=dtype)
    t = torch.randint(0, 10, (100,))
    model = deep_convnet(dtype).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    started = time.perf_counter()
    for _ in range(args.steps):
        loss = loss_fn(model(x), t)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    seconds = time.perf_counter() - started
    return {"batch": 100, "steps": args.steps, "msPerStep": 1000 * seconds / args.steps, "finalLoss": float(loss),
            "rssBeforeMiB": rss_before, "maxRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", nargs="?", default=DEFAULT_DATA_DIR)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--eval", action="store_true")
    mode.add_argument("--memory", action="store_true")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64")
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--threads", type=thread_count, default="all", help="as in torch_simple_convnet.py")
    parser.add_argument("--images", type=int, help="--eval: score only the first N test images (default all)")
    args = parser.parse_args()
    if args.steps < 1:
        parser.error("--steps must be a positive integer")
    default_threads, threads = use_threads(args.threads)
    torch.manual_seed(42)
    dtype = getattr(torch, args.dtype)
    result = evaluate(args, dtype) if args.eval else memory(args, dtype)
    print(json.dumps({"net": "DeepConvNet", "dtype": args.dtype, **result, "torch": torch.__version__,
                      "threads": threads, "defaultThreads": default_threads}))


if __name__ == "__main__":
    main()
