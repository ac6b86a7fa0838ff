"""PyTorch reference for bench/train.bench.ts: the demo's training protocol, timed.

Fashion-MNIST (Debian's dataset-fashion-mnist), the first 500 training images of each class,
pixel-wise standardisation with training statistics, the MLP (3 hidden layers of 512 with
BatchNorm1d and ReLU), cross-entropy, SGD momentum 0.9, weight decay 5e-4, lr 0.0679 divided by
10 at 1/3 and 2/3 of the epochs, batch 128 with the incomplete last batch skipped.
Prints one JSON line: training seconds (excluding data loading) and the final training error.

Usage: python3 train_reference.py EPOCHS [DATA_DIR]
"""
import gzip
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    epochs = int(sys.argv[1])
    folder = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
    images = read_idx(f"{folder}/train-images-idx3-ubyte.gz").astype(np.float32) / 255
    labels = read_idx(f"{folder}/train-labels-idx1-ubyte.gz").astype(np.int64)
    keep = np.concatenate([np.flatnonzero(labels == c)[:500] for c in range(10)])
    keep.sort()
    x = torch.from_numpy(images[keep]).unsqueeze(1)
    y = torch.from_numpy(labels[keep])
    mean, std = x.mean(0, keepdim=True), x.std(0, unbiased=False, keepdim=True)
    x = (x - mean) / torch.where(std > 0, std, torch.ones_like(std))

    torch.manual_seed(0)
    layers = [nn.Flatten()]
    dim = 784
    for _ in range(3):
        layers += [nn.Linear(dim, 512), nn.BatchNorm1d(512), nn.ReLU()]
        dim = 512
    model = nn.Sequential(*layers, nn.Linear(512, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0679, momentum=0.9, weight_decay=5e-4)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=[epochs // 3, 2 * epochs // 3], gamma=0.1)
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]

    start = time.perf_counter()
    for _ in range(epochs):
        model.train()
        permutation = torch.randperm(n)
        for b in range(n // 128):
            index = permutation[b * 128:(b + 1) * 128]
            inputs, targets = x[index], y[index]
            out = model(inputs)
            loss = loss_fn(out, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()
            (out.argmax(1) == targets).sum().item()
        scheduler.step()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        error = (model(x).argmax(1) != y).float().mean().item()
    print(json.dumps({"seconds": seconds, "train_error": error, "threads": torch.get_num_threads()}))


main()
