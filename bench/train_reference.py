"""PyTorch reference for bench/train.bench.ts: the demo's training protocol, timed.

Fashion-MNIST (Debian's dataset-fashion-mnist), the first 500 training images of each class,
pixel-wise standardisation with training statistics, the MLP (3 hidden layers of 512 with
BatchNorm1d and ReLU), cross-entropy, SGD momentum 0.9, weight decay 5e-4, lr 0.0679 divided by
10 at 1/3 and 2/3 of the epochs, batch 128 with the incomplete last batch skipped.
Prints one JSON line: training seconds (excluding data loading) and the final training error.

Usage: python3 train_reference.py EPOCHS [DATA_DIR]
"""
import json
import sys
import time

import torch
from torch import nn

from demo_protocol import DEFAULT_DATA_DIR, demo_data, demo_mlp


def main():
    epochs = int(sys.argv[1])
    folder = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_DATA_DIR
    x, y = demo_data(folder)
    model = demo_mlp()
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
