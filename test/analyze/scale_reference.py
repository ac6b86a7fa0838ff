"""Float64 NumPy reference of every METRICS.md key, written from the definitions with whole
C x C and p x p matrices (no tiles, no routes), for test/analyze/scale.test.ts.

Usage: python3 scale_reference.py SPEC.json  -> prints one JSON object of keys.
SPEC: {"features": [files], "labels": [files], "kinds": ["npy"|"bf16"], "weight": file, "bias": file,
       "wd": number, "min_count": int|null, "decision_rows": file|null}
A "bf16" features file is raw little-endian bfloat16 bits (uint16 .npy), widened here by a shift.
"""
import json
import sys

import numpy as np


def load_features(path, kind):
    a = np.load(path)
    if kind == "bf16":
        return (a.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
    return a.astype(np.float64)


def pinv_cut(S):
    values, vectors = np.linalg.eigh(S)
    keep = values > 1e-12 * values[-1]
    return (vectors[:, keep] / values[keep]) @ vectors[:, keep].T


def pair_stats(V):
    C = V.shape[0]
    G = V @ V.T
    norms = np.sqrt(np.diag(G))
    cos = G / np.outer(norms, norms)
    iu = np.triu_indices(C, 1)
    pc = cos[iu]
    E = (np.eye(C) - np.ones((C, C)) / C) / np.sqrt(C - 1)
    return {
        "equinorm": norms.std(ddof=1) / norms.mean(),
        "equiangular": pc.std(ddof=1),
        "maxangle": np.abs(pc + 1 / (C - 1)).mean(),
        "etf": np.linalg.norm(G / np.linalg.norm(G) - E),
        "G": G,
    }


def main():
    spec = json.load(open(sys.argv[1]))
    H = np.concatenate([load_features(f, k) for f, k in zip(spec["features"], spec["kinds"])])
    y = np.concatenate([np.load(f).astype(np.int64) for f in spec["labels"]])
    W = np.load(spec["weight"]).astype(np.float64)
    b = np.load(spec["bias"]).astype(np.float64)
    counts = np.bincount(y, minlength=W.shape[0])
    if spec["min_count"] is not None:
        kept = np.flatnonzero(counts >= spec["min_count"])
    else:
        kept = np.arange(W.shape[0])
    remap = -np.ones(W.shape[0], dtype=np.int64)
    remap[kept] = np.arange(len(kept))
    rows = remap[y] >= 0
    H, y = H[rows], remap[y[rows]]
    W, b = W[kept], b[kept]
    N, p = H.shape
    C = len(kept)

    n = np.bincount(y, minlength=C).astype(np.float64)
    mu = np.zeros((C, p))
    np.add.at(mu, y, H)
    mu /= n[:, None]
    muG = mu.mean(0)
    Mt = mu - muG
    D = H - mu[y]
    SW = D.T @ D / N
    SB = Mt.T @ Mt / C
    ST = SW + SB
    s = np.bincount(y, weights=(D * D).sum(1), minlength=C) / n

    means = pair_stats(Mt)
    classifier = pair_stats(W)
    G = means["G"]
    dist = np.diag(G)[:, None] + np.diag(G)[None, :] - 2 * G
    iu = np.triu_indices(C, 1)
    cdnv = ((s[:, None] + s[None, :])[iu] / (2 * dist[iu])).mean()

    W_LS = Mt @ pinv_cut(ST) / C
    b_LS = 1 / C - W_LS @ muG

    if spec["decision_rows"] is not None:
        pick = np.load(spec["decision_rows"]).astype(np.int64)
    else:
        pick = np.arange(N)
    h, t = H[pick], y[pick]
    ncc = np.argmin(((h[:, None, :] - mu[None, :, :]) ** 2).sum(2), axis=1)
    z = h @ W.T + b
    decision = z.argmax(1)
    own = z[np.arange(len(t)), t]
    rival = z.copy()
    rival[np.arange(len(t)), t] = -np.inf
    margins = (own - rival.max(1)) / np.linalg.norm(W)
    ls = (h @ W_LS.T + b_LS).argmax(1)

    wd = spec["wd"]
    lam = wd / 2
    I = np.eye(p)
    St_reg = ST + np.outer(muG, muG) * lam / (1 + lam) + lam * I
    targets = mu - muG / (1 + lam)
    W_mse = np.linalg.solve(St_reg, targets.T).T / C
    b_mse = (1 / C - W_mse @ muG) / (1 + lam)
    lnc1 = 0.5 * (np.sum((W_mse @ (SW + lam * I)) * W_mse) + lam * np.sum(b_mse**2))
    lnc23 = np.sum((W_mse @ mu.T + b_mse[:, None] - np.eye(C)) ** 2) / (2 * C)
    diff = np.concatenate([W - W_mse, (b - b_mse)[:, None]], 1)
    corner = ST + np.outer(muG, muG) + lam * I
    A = np.block([[corner, muG[:, None]], [muG[None, :], np.array([[1 + lam]])]])
    lperp = 0.5 * np.sum((diff @ A) * diff)

    unit = lambda X: X / np.linalg.norm(X)
    out = {
        "train_error": float((decision != t).mean()),
        "equinorm_means": means["equinorm"],
        "equinorm_classifier": classifier["equinorm"],
        "equiangular_means": means["equiangular"],
        "equiangular_classifier": classifier["equiangular"],
        "maxangle_means": means["maxangle"],
        "maxangle_classifier": classifier["maxangle"],
        "self_duality": np.sum((unit(W) - unit(Mt)) ** 2),
        "nc1": np.trace(SW @ pinv_cut(SB)) / C,
        "ncc_mismatch": float((decision != ncc).mean()),
        "nc1_trace_ratio": np.trace(SW) / np.trace(SB),
        "cdnv": cdnv,
        "etf_error_means": means["etf"],
        "etf_error_classifier": classifier["etf"],
        "margin_min": margins.min(),
        "margin_mean": margins.mean(),
        "webb_lowe_distance": np.linalg.norm(unit(W) - unit(W_LS)),
        "webb_lowe_agreement": float((ls == decision).mean()),
        "ncc_accuracy": float((ncc == t).mean()),
        "lnc1": lnc1,
        "lnc23": lnc23,
        "lperp": lperp,
    }
    print(json.dumps({k: float(v) for k, v in out.items()} | {"N": int(N), "C": int(C)}))


if __name__ == "__main__":
    main()
