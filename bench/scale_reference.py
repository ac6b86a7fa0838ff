"""The Python side of `npm run bench:scale` (bench/scale.bench.ts).

generate DIR C P N DTYPE SHARD_ROWS SEED
    Synthetic features in shards: DIR/H-000.npy (float16 or float32), DIR/y-000.npy (int64), ...
    and DIR/manifest.json. Every class occurs (the first C labels are 0..C-1), the rest uniform.

measure DIR THREADS
    A PyTorch float64 two-pass reference of the same keys, as rhubarbwu/neural-collapse computes
    them: class means in the first pass, then the within-class scatter (p x p), the per-class
    variances and the nearest-class-centre decisions in the second; pairwise keys from whole
    C x C matrices. Prints one JSON object: seconds, peak RSS (kB) and the keys.
"""
import json
import os
import resource
import sys
import time

import numpy as np


def generate(folder, C, p, N, dtype, shard_rows, seed):
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    means = rng.standard_normal((C, p)) * 2
    shards = []
    for k, start in enumerate(range(0, N, shard_rows)):
        rows = min(shard_rows, N - start)
        y = rng.integers(0, C, rows)
        if start < C:
            first = np.arange(start, min(C, start + rows))
            y[: len(first)] = first
        H = means[y] + rng.standard_normal((rows, p))
        np.save(os.path.join(folder, f"H-{k:03d}.npy"), H.astype(np.float16 if dtype == "float16" else np.float32))
        np.save(os.path.join(folder, f"y-{k:03d}.npy"), y.astype(np.int64))
        shards.append({"features": f"H-{k:03d}.npy", "labels": f"y-{k:03d}.npy"})
    json.dump({"shards": shards}, open(os.path.join(folder, "manifest.json"), "w"))


def measure(folder, threads):
    import torch

    torch.set_num_threads(threads)
    start = time.perf_counter()
    manifest = json.load(open(os.path.join(folder, "manifest.json")))
    shards = [(os.path.join(folder, s["features"]), os.path.join(folder, s["labels"])) for s in manifest["shards"]]
    batch = 4096

    def batches():
        for features, labels in shards:
            H = np.load(features, mmap_mode="r")
            y = np.load(labels)
            for i in range(0, len(y), batch):
                yield torch.from_numpy(np.asarray(H[i : i + batch], dtype=np.float64)), torch.from_numpy(y[i : i + batch])

    C = None
    sums = counts = None
    for h, y in batches():
        if sums is None:
            C = int(max(np.load(l).max() for _, l in shards)) + 1
            sums = torch.zeros(C, h.shape[1], dtype=torch.float64)
            counts = torch.zeros(C, dtype=torch.float64)
        sums.index_add_(0, y, h)
        counts += torch.bincount(y, minlength=C).double()
    first = time.perf_counter()
    mu = sums / counts[:, None]
    muG = mu.mean(0)
    Mt = mu - muG
    p = mu.shape[1]
    SW = torch.zeros(p, p, dtype=torch.float64)
    scatter = torch.zeros(C, dtype=torch.float64)
    correct = 0
    N = 0
    mu_norms = (mu * mu).sum(1)
    for h, y in batches():
        D = h - mu[y]
        SW += D.T @ D
        scatter.index_add_(0, y, (D * D).sum(1))
        ncc = (mu_norms[None, :] - 2 * h @ mu.T).argmin(1)
        correct += int((ncc == y).sum())
        N += len(y)
    second = time.perf_counter()
    SW /= N
    SB = Mt.T @ Mt / C
    values, vectors = torch.linalg.eigh(SB)
    keep = values > 1e-12 * values[-1]
    nc1 = float(torch.trace(SW @ (vectors[:, keep] / values[keep]) @ vectors[:, keep].T) / C)
    G = Mt @ Mt.T
    norms = torch.sqrt(torch.diag(G))
    cos = G / torch.outer(norms, norms)
    iu = torch.triu_indices(C, C, 1)
    pc = cos[iu[0], iu[1]]
    E = (torch.eye(C, dtype=torch.float64) - 1.0 / C) / (C - 1) ** 0.5
    s = scatter / counts
    dist = torch.diag(G)[:, None] + torch.diag(G)[None, :] - 2 * G
    cdnv = float(((s[:, None] + s[None, :])[iu[0], iu[1]] / (2 * dist[iu[0], iu[1]])).mean())
    keys = {
        "equinorm_means": float(norms.std() / norms.mean()),
        "equiangular_means": float(pc.std()),
        "maxangle_means": float((pc + 1 / (C - 1)).abs().mean()),
        "nc1": nc1,
        "nc1_trace_ratio": float(torch.trace(SW) / torch.trace(SB)),
        "cdnv": cdnv,
        "etf_error_means": float(torch.linalg.norm(G / torch.linalg.norm(G) - E)),
        "ncc_accuracy": correct / N,
    }
    end = time.perf_counter()
    print(json.dumps({"seconds": end - start, "pass_seconds": [first - start, second - first, end - second], "max_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "samples": N, "metrics": keys}))


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        folder, C, p, N, dtype, shard_rows, seed = sys.argv[2:9]
        generate(folder, int(C), int(p), int(N), dtype, int(shard_rows), int(seed))
    else:
        measure(sys.argv[2], int(sys.argv[3]))
