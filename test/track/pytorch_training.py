"""A real PyTorch training that writes per-epoch dumps with the README's own example code.

Usage: python3 pytorch_training.py README.md FASHION_MNIST_DIR DUMP_DIR EPOCHS

The first ```python block of README.md's "## Your own training" section is executed as it stands
(it defines collect() and save_dump()), so that the README's code is the code this test runs.
Trains a small MLP on 10 Fashion-MNIST images per class and prints, per epoch, one JSON line with
what PyTorch itself says: the loss and learning rate saved in the dump and the network's test error.
"""
import gzip
import json
import re
import sys

import numpy as np
import torch

readme, data_dir, dump_dir, epochs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
section = open(readme, encoding='utf8').read().split('## Your own training', 1)[1]
example = re.search(r'```python\n(.*?)```', section, re.S).group(1)
exec(example)  # defines collect() and save_dump()


def idx(name):
    with gzip.open(f'{data_dir}/{name}', 'rb') as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def balanced(images, labels, per_class):
    keep = np.concatenate([np.flatnonzero(labels == c)[:per_class] for c in range(10)])
    x = torch.tensor(images[keep], dtype=torch.float32).div(255).unsqueeze(1)
    return torch.utils.data.TensorDataset(x, torch.tensor(labels[keep], dtype=torch.int64))


torch.manual_seed(0)
torch.set_num_threads(1)
train_set = balanced(idx('train-images-idx3-ubyte.gz'), idx('train-labels-idx1-ubyte.gz'), 10)
test_set = balanced(idx('t10k-images-idx3-ubyte.gz'), idx('t10k-labels-idx1-ubyte.gz'), 20)
train_eval_loader = torch.utils.data.DataLoader(train_set, batch_size=200)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=200)

model = torch.nn.Sequential(
    torch.nn.Flatten(), torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
STEPS = 10
for epoch in range(1, epochs + 1):
    # An "epoch" of this tiny run is STEPS full-batch steps, so that it reaches zero training error within seconds.
    x, y = train_set.tensors
    for step in range(STEPS):
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    epoch_loss, lr = loss.item(), optimizer.param_groups[0]['lr']
    save_dump(dump_dir, epoch, model, model[5], train_eval_loader, test_loader,
              layers={'hidden.0': model[2], 'hidden.1': model[4]}, loss=epoch_loss, lr=lr)
    model.eval()
    with torch.no_grad():
        x, y = test_set.tensors
        test_error = (model(x).argmax(1) != y).double().mean().item()
        x, y = train_set.tensors
        train_error = (model(x).argmax(1) != y).double().mean().item()
    model.train()
    print(json.dumps({'epoch': epoch, 'loss': epoch_loss, 'lr': lr, 'test_error': test_error, 'train_error': train_error}), flush=True)
