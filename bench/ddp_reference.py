"""PyTorch DDP reference for bench/ddp.bench.ts: the demo's MLP protocol on Fashion-MNIST (500 per
class, 3 hidden layers of 512 with BatchNorm1d, SGD momentum 0.9, weight decay 5e-4, global batch
128 split over the ranks by DistributedSampler, drop_last), as WORLD processes of one thread each
over Gloo (torch.nn.parallel.DistributedDataParallel). Prints one JSON line: training samples per
second (rank 0's wall clock over all epochs, data loading excluded).

Usage: python3 ddp_reference.py WORLD EPOCHS [DATA_DIR]
"""
import json
import os
import sys
import tempfile
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn

from demo_protocol import DEFAULT_DATA_DIR, demo_data, demo_mlp


def run(rank, world, epochs, folder, store, queue):
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=world)
    x, y = demo_data(folder)
    model = demo_mlp()
    if world > 1:
        model = nn.parallel.DistributedDataParallel(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.0679, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    n = x.shape[0]
    local = 128 // world
    sampler = torch.utils.data.distributed.DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=True, seed=0)
    samples = 0
    dist.barrier()
    start = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        sampler.set_epoch(epoch)
        mine = torch.tensor(list(sampler))
        for b in range(len(mine) // local):
            index = mine[b * local:(b + 1) * local]
            out = model(x[index])
            loss = loss_fn(out, y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss.item()
            samples += local * world
    dist.barrier()
    seconds = time.perf_counter() - start
    if rank == 0:
        queue.put({"samples_per_second": samples / seconds, "seconds": seconds, "world": world})
    dist.destroy_process_group()


def main():
    world = int(sys.argv[1])
    epochs = int(sys.argv[2])
    folder = sys.argv[3] if len(sys.argv) > 3 else DEFAULT_DATA_DIR
    with tempfile.TemporaryDirectory() as tmp:
        ctx = mp.get_context("spawn")
        queue = ctx.Queue()
        procs = [ctx.Process(target=run, args=(r, world, epochs, folder, os.path.join(tmp, "store"), queue)) for r in range(world)]
        for p in procs:
            p.start()
        result = queue.get()
        for p in procs:
            p.join()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
