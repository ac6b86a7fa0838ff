"""PyTorch reference for bench/engine.bench.ts: the same models and steps, samples/s on stdout.

Usage: python3 engine_reference.py mlp|cnn STEPS WARMUP
"""
import json
import sys
import time

import torch
from torch import nn


def mlp():
    layers = [nn.Flatten()]
    width, dim = 512, 784
    for _ in range(3):
        layers += [nn.Linear(dim, width), nn.BatchNorm1d(width), nn.ReLU()]
        dim = width
    layers.append(nn.Linear(width, 10))
    return nn.Sequential(*layers)


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, 10),
    )


def main():
    name, steps, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.manual_seed(0)
    model = mlp() if name == "mlp" else cnn()
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
    batches = [(torch.randn(128, 1, 28, 28), torch.randint(0, 10, (128,))) for _ in range(8)]
    loss_fn = nn.CrossEntropyLoss()

    def step(i):
        x, y = batches[i % len(batches)]
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    for i in range(warmup):
        step(i)
    start = time.perf_counter()
    for i in range(steps):
        loss = step(i)
    loss.item()
    seconds = time.perf_counter() - start
    print(json.dumps({"samples_per_second": steps * 128 / seconds, "threads": torch.get_num_threads(), "version": torch.__version__}))


main()
