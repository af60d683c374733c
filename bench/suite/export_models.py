#!/usr/bin/env python3
"""Exports small real JAX programs that exercise the JAX patterns the fast
engine must get right (embedding gathers, masks, argmax, one-hot, erf gelu,
cross-entropy, strided convolutions, average pooling, lax.scan, cumsum,
sort, top_k) as fixtures for internal/plan's TestJAXModels:
<name>.mlir, <name>.in<k>.npy, <name>.out<j>.npy.

Run with JAX_PLATFORMS=cpu:  python3 export_models.py OUTDIR
"""
import os, sys
os.environ.setdefault("JAX_PLATFORMS", "cpu")
import numpy as np
import jax, jax.numpy as jnp
from jax import lax

rng = np.random.default_rng(7)
f32 = lambda *s: rng.standard_normal(s).astype(np.float32)


def embed_classify(tokens, emb, w, b):
    x = jnp.take(emb, tokens, axis=0).mean(axis=1)
    logits = x @ w + b
    return jnp.argmax(logits, axis=-1).astype(jnp.int32), logits


def causal_attention(q, k, v):
    s = q @ k.T / jnp.sqrt(q.shape[-1])
    mask = jnp.tril(jnp.ones((q.shape[0], k.shape[0]), dtype=bool))
    s = jnp.where(mask, s, -jnp.inf)
    return jax.nn.softmax(s, axis=-1) @ v


def ln_gelu_xent(x, g, b, w, labels):
    m = x.mean(-1, keepdims=True)
    v = ((x - m) ** 2).mean(-1, keepdims=True)
    h = (x - m) / jnp.sqrt(v + 1e-5) * g + b
    h = jax.nn.gelu(h, approximate=False)
    logits = h @ w
    onehot = jax.nn.one_hot(labels, w.shape[1])
    return -(onehot * jax.nn.log_softmax(logits)).sum(-1).mean()


def conv_pool_bn(x, k, mean, var, scale, bias):
    y = lax.conv_general_dilated(x, k, (2, 2), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW"))
    y = (y - mean[None, :, None, None]) / jnp.sqrt(var[None, :, None, None] + 1e-3) * scale[None, :, None, None] + bias[None, :, None, None]
    y = jax.nn.relu(y)
    return lax.reduce_window(y, 0.0, lax.add, (1, 1, 2, 2), (1, 1, 2, 2), "SAME") / 4.0


def rnn_scan(xs, w, u, h0):
    def step(h, x):
        h = jnp.tanh(h @ w + x @ u)
        return h, h.sum()
    h, ys = lax.scan(step, h0, xs)
    return h, ys


def sort_cumsum_topk(x):
    s = jnp.sort(x, axis=-1)
    c = jnp.cumsum(x, axis=-1)
    v, i = lax.top_k(x, 3)
    return s, c, v, i


MODELS = [
    ("embed_classify", embed_classify, [rng.integers(0, 100, (4, 16)).astype(np.int32), f32(100, 32), f32(32, 10), f32(10)]),
    ("causal_attention", causal_attention, [f32(8, 16), f32(8, 16), f32(8, 16)]),
    ("ln_gelu_xent", ln_gelu_xent, [f32(8, 32), f32(32), f32(32), f32(32, 5), rng.integers(0, 5, (8,)).astype(np.int32)]),
    ("conv_pool_bn", conv_pool_bn, [f32(2, 3, 17, 17), f32(8, 3, 3, 3), f32(8), np.abs(f32(8)) + 0.5, f32(8), f32(8)]),
    ("rnn_scan", rnn_scan, [f32(12, 4, 6), f32(8, 8) * 0.3, f32(6, 8) * 0.3, f32(4, 8)]),
    ("sort_cumsum_topk", sort_cumsum_topk, [f32(5, 9)]),
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, f, args in MODELS:
        with open(os.path.join(out, name + ".mlir"), "w") as fh:
            fh.write(jax.jit(f).lower(*args).as_text())
        for k, a in enumerate(args):
            np.save(os.path.join(out, "%s.in%d.npy" % (name, k)), a)
        res = jax.jit(f)(*args)
        res = res if isinstance(res, (list, tuple)) else [res]
        for j, r in enumerate(res):
            np.save(os.path.join(out, "%s.out%d.npy" % (name, j)), np.asarray(r))
        print(name, "ok", flush=True)


if __name__ == "__main__":
    main()
