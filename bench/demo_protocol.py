"""What the PyTorch references of the benches share: the demo's data and network.

Fashion-MNIST (Debian's dataset-fashion-mnist), the first 500 training images of each class,
pixel-wise standardisation with training statistics, and the MLP (3 hidden layers of 512 with
BatchNorm1d and ReLU), seeded with 0.
"""
import gzip

import numpy as np
import torch
from torch import nn

DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def demo_data(folder):
    """The standardised training images (N x 1 x 28 x 28) and int64 labels."""
    images = read_idx(f"{folder}/train-images-idx3-ubyte.gz").astype(np.float32) / 255
    labels = read_idx(f"{folder}/train-labels-idx1-ubyte.gz").astype(np.int64)
    keep = np.concatenate([np.flatnonzero(labels == c)[:500] for c in range(10)])
    keep.sort()
    x = torch.from_numpy(images[keep]).unsqueeze(1)
    y = torch.from_numpy(labels[keep])
    mean, std = x.mean(0, keepdim=True), x.std(0, unbiased=False, keepdim=True)
    return (x - mean) / torch.where(std > 0, std, torch.ones_like(std)), y


def demo_mlp():
    torch.manual_seed(0)
    layers = [nn.Flatten()]
    dim = 784
    for _ in range(3):
        layers += [nn.Linear(dim, 512), nn.BatchNorm1d(512), nn.ReLU()]
        dim = 512
    return nn.Sequential(*layers, nn.Linear(512, 10))
