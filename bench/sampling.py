"""`make bench`, sampling part (issue 16): Logits' sampler side by side with
numpy and JAX on the same logits, one thread, float32, caches flushed before
every round (bench/run.py's harness), median ns per call.

Settings: temperature 0.7, top_k 50, top_p 0.9 (and top_p 0.9 alone); vocab
32000, 128256, 151936, 262144; batch 1 and 64. Peers:

* numpy (argpartition): the fastest numpy of the same semantics we could
  write: argpartition for the top k, softmax of those, a sort of the k,
  cumsum for top-p, one uniform per row; top_p alone needs the full sort.
* numpy (sort): the sort-based reference (argsort of the whole row).
* JAX (jit): jax.lax.top_k, then softmax, cumsum and jax.random.categorical,
  under jax.jit (top_p alone: a full jnp.sort), block_until_ready.
* Logits softmax of the same logits: the yardstick of the targets.

Writes build/bench/sampling.json; bench/report.py renders it
(`sampling_section`). Environment as bench/run.py (BENCH_QUICK, BENCH_BUDGET).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 (the harness: Core, py_time, flush)

ROOT = run.ROOT
sys.path.insert(0, str(ROOT / "bindings" / "python"))
os.environ.setdefault("LOGITS_LIBRARY", str(ROOT / "build" / "lib" / "liblogits.so"))
import logits  # noqa: E402

OUT = run.OUT / "sampling.json"
VOCABS = [32000, 128256] if run.QUICK else [32000, 128256, 151936, 262144]
BATCHES = [1, 64]
T, K, P = 0.7, 50, 0.9


def np_topk_topp(x, rng):
    """argpartition top-k, softmax / T, sorted cumsum top-p, one draw per row."""
    idx = np.argpartition(-x, K - 1, axis=-1)[:, :K]
    v = np.take_along_axis(x, idx, axis=-1) / T
    order = np.argsort(-v, axis=-1, kind="stable")
    v = np.take_along_axis(v, order, axis=-1)
    idx = np.take_along_axis(idx, order, axis=-1)
    p = np.exp(v - v[:, :1])
    p /= p.sum(axis=-1, keepdims=True)
    c = np.cumsum(p, axis=-1)
    keep = (c - p) < P
    p = np.where(keep, p, 0)
    c = np.cumsum(p, axis=-1)
    u = rng.random((x.shape[0], 1)) * c[:, -1:]
    j = np.minimum((c <= u).sum(axis=-1), K - 1)
    return idx[np.arange(x.shape[0]), j]


def np_sort_topp(x, rng, k=None):
    """The sort-based reference: the whole row sorted."""
    order = np.argsort(-x, axis=-1, kind="stable")
    v = np.take_along_axis(x, order, axis=-1) / T
    if k is not None:
        v = v[:, :k]
        order = order[:, :k]
    p = np.exp(v - v[:, :1])
    p /= p.sum(axis=-1, keepdims=True)
    c = np.cumsum(p, axis=-1)
    p = np.where((c - p) < P, p, 0)
    c = np.cumsum(p, axis=-1)
    u = rng.random((x.shape[0], 1)) * c[:, -1:]
    j = np.minimum((c <= u).sum(axis=-1), c.shape[1] - 1)
    return order[np.arange(x.shape[0]), j]


def jax_samplers():
    try:
        import jax
        import jax.numpy as jnp
    except ImportError as e:
        return None, f"unavailable: {e}"

    def topp_mask(v):
        p = jax.nn.softmax(v, axis=-1)
        c = jnp.cumsum(p, axis=-1)
        return jnp.where((c - p) < P, v, -jnp.inf)

    @jax.jit
    def topk_topp(x, key):
        v, idx = jax.lax.top_k(x / T, K)
        j = jax.random.categorical(key, topp_mask(v), axis=-1)
        return jnp.take_along_axis(idx, j[:, None], axis=-1)[:, 0]

    @jax.jit
    def topp(x, key):
        v = x / T
        order = jnp.argsort(-v, axis=-1)
        s = jnp.take_along_axis(v, order, axis=-1)
        j = jax.random.categorical(key, topp_mask(s), axis=-1)
        return jnp.take_along_axis(order, j[:, None], axis=-1)[:, 0]

    key = jax.random.PRNGKey(0)
    return (lambda x: topk_topp(x, key).block_until_ready(),
            lambda x: topp(x, key).block_until_ready()), jax.__version__


def main():
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    logits.set_num_threads(1)
    core = run.Core()
    rng = np.random.default_rng(run.SEED)
    jaxfns, jaxinfo = jax_samplers()
    results = {"settings": {"temperature": T, "top_k": K, "top_p": P}, "jax": jaxinfo, "cells": []}
    for batch in BATCHES:
        for vocab in VOCABS:
            x = (rng.standard_normal((batch, vocab)) * 2.5).astype(np.float32)
            xj = None
            if jaxfns:
                import jax.numpy as jnp
                xj = jnp.asarray(x)
            impls = {
                "logits softmax": lambda: logits.softmax(x),
                "logits k50 p0.9": lambda: logits.sample(x, temperature=T, top_k=K, top_p=P, seed=1),
                "logits p0.9": lambda: logits.sample(x, temperature=T, top_p=P, seed=1),
                "numpy argpartition k50 p0.9": lambda: np_topk_topp(x, rng),
                "numpy sort k50 p0.9": lambda: np_sort_topp(x, rng, K),
                "numpy sort p0.9": lambda: np_sort_topp(x, rng),
            }
            if jaxfns:
                impls["jax k50 p0.9"] = lambda: jaxfns[0](xj)
                impls["jax p0.9"] = lambda: jaxfns[1](xj)
            cell = {"batch": batch, "vocab": vocab, "us": {}}
            for name, fn in impls.items():
                wall, _ = run.py_time(fn, core, flush=True)
                cell["us"][name] = statistics.median(wall) / 1e3
            print(f"sampling batch {batch} vocab {vocab}: " +
                  ", ".join(f"{k} {v:.1f} us" for k, v in cell["us"].items()), flush=True)
            results["cells"].append(cell)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1))
    print(f"bench: wrote {OUT}")


if __name__ == "__main__":
    main()
