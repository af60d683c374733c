#!/usr/bin/env python3
"""Generate the non-trained models of the embedded repository.

    /usr/bin/python3 models/train/gen_models.py

Deterministic (numpy.random.default_rng with fixed seeds). For each model it
writes models/repository/<model>/1/model.mlir (StableHLO text as JAX prints
it), bound weights as .safetensors where the model has any, an Open
Inference Protocol request in models/examples/<model>.json, and the outputs
numpy computes for that request in models/testdata/<model>.response.json
(the Go tests check that the executor reproduces them).

Models:
  transformer_block  a pre-LN transformer encoder block: seq 8, d_model 16,
                     2 heads, softmax attention, GELU MLP 16->32->16, random
                     weights (seed 0), bound as leading arguments
  sort               jnp.sort and jnp.argsort of a vector (stablehlo.sort)
  top_k              jax.lax.top_k, k = 3 (chlo.top_k)
  cumsum             jnp.cumsum (stablehlo.reduce_window, as JAX lowers it on CPU)
  standardize        jax.nn.standardize over the last axis
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hlo  # noqa: E402
from hlo import ttype  # noqa: E402

SEQ, D, HEADS, FF = 8, 16, 2, 32
DH = D // HEADS
LN_EPS = 1e-6


def response(name, outputs):
    return {"model_name": name, "outputs": [
        {"name": n, "shape": list(np.asarray(a).shape), "datatype": hlo._DT[np.asarray(a).dtype][2],
         "data": hlo._flat(a)} for n, a in outputs]}


SMALL = {"max_memory": "1MiB", "max_flops": "1e5", "max_steps": "1e4",
         "max_output": "64KiB", "max_input": "64KiB", "timeout": "5s"}


def save(name, text, inputs, outputs, description, limits=SMALL, weights=None, meta=None):
    hlo.write_config(name, description, [n for n, _ in inputs], [n for n, _ in outputs], limits,
                     bound=[("weights.safetensors", [n for n, _ in weights])] if weights else None)
    vdir = os.path.join(hlo.REPO, name, "1")
    hlo.write(os.path.join(vdir, "model.mlir"), text)
    if weights:
        hlo.write_safetensors(os.path.join(vdir, "weights.safetensors"), weights, meta)
    hlo.write_json(os.path.join(hlo.EXAMPLES, name + ".json"), hlo.oip_request(inputs, req_id=name + "-0"))
    hlo.write_json(os.path.join(hlo.TESTDATA, name + ".response.json"), response(name, outputs))


# --- transformer_block -----------------------------------------------------

WEIGHTS = [  # (name, shape), argument order
    ("ln1_scale", (D,)), ("ln1_bias", (D,)),
    ("wq", (D, D)), ("bq", (D,)), ("wk", (D, D)), ("bk", (D,)),
    ("wv", (D, D)), ("bv", (D,)), ("wo", (D, D)), ("bo", (D,)),
    ("ln2_scale", (D,)), ("ln2_bias", (D,)),
    ("w1", (D, FF)), ("b1", (FF,)), ("w2", (FF, D)), ("b2", (D,)),
]


def transformer_weights():
    rng = np.random.default_rng(0)
    w = {}
    for name, shape in WEIGHTS:
        if name.endswith("_scale"):
            a = 1.0 + 0.1 * rng.standard_normal(shape)
        elif len(shape) == 1:
            a = 0.1 * rng.standard_normal(shape)
        else:
            a = rng.standard_normal(shape) / math.sqrt(shape[0])
        w[name] = a.astype(np.float32)
    return w


def np_layernorm(x, g, b):
    m = x.mean(axis=-1, keepdims=True, dtype=np.float32)
    xc = x - m
    v = (xc * xc).mean(axis=-1, keepdims=True, dtype=np.float32)
    return xc / np.sqrt(v + np.float32(LN_EPS)) * g + b


def np_gelu(x):
    c = np.float32(math.sqrt(2.0 / math.pi))
    return np.float32(0.5) * x * (np.float32(1) + np.tanh(c * (x + np.float32(0.044715) * x * x * x)))


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_transformer(w, x):
    h = np_layernorm(x, w["ln1_scale"], w["ln1_bias"])

    def heads(t):  # (S, D) -> (H, S, DH)
        return t.reshape(SEQ, HEADS, DH).transpose(1, 0, 2)
    q, k, v = (heads(h @ w["w" + n] + w["b" + n]) for n in "qkv")
    s = np.einsum("hid,hjd->hij", q, k) * np.float32(1 / math.sqrt(DH))
    p = np_softmax(s)
    ctx = np.einsum("hij,hjd->hid", p, v).transpose(1, 0, 2).reshape(SEQ, D)
    x1 = x + (ctx @ w["wo"] + w["bo"])
    h2 = np_layernorm(x1, w["ln2_scale"], w["ln2_bias"])
    y = x1 + (np_gelu(h2 @ w["w1"] + w["b1"]) @ w["w2"] + w["b2"])
    return y.astype(np.float32), p.astype(np.float32)


def layernorm(f, x, g, b, shape):
    n, d = shape
    s = f.reduce(x, "add", 0.0, [1], shape, (n,))
    mean = f.binary("divide", s, f.scalar_bcast(float(d), (n,)), (n,))
    xc = f.binary("subtract", x, f.bcast(mean, [0], (n,), shape), shape)
    sq = f.binary("multiply", xc, xc, shape)
    s2 = f.reduce(sq, "add", 0.0, [1], shape, (n,))
    var = f.binary("divide", s2, f.scalar_bcast(float(d), (n,)), (n,))
    ve = f.binary("add", var, f.scalar_bcast(LN_EPS, (n,)), (n,))
    r = f.unary("rsqrt", ve, (n,))
    xn = f.binary("multiply", xc, f.bcast(r, [0], (n,), shape), shape)
    y = f.binary("multiply", xn, f.bcast(g, [1], (d,), shape), shape)
    return f.binary("add", y, f.bcast(b, [1], (d,), shape), shape)


def dense(f, x, w, b, n, din, dout):
    y = f.dot(x, w, (n, din), (din, dout), (n, dout), ([1], [0]))
    return f.binary("add", y, f.bcast(b, [1], (dout,), (n, dout)), (n, dout))


def gelu(f, x, shape):
    x3 = f.binary("multiply", f.binary("multiply", x, x, shape), x, shape)
    inner = f.binary("add", x, f.binary("multiply", f.scalar_bcast(0.044715, shape), x3, shape), shape)
    t = f.unary("tanh", f.binary("multiply", f.scalar_bcast(math.sqrt(2.0 / math.pi), shape), inner, shape), shape)
    one = f.binary("add", f.scalar_bcast(1.0, shape), t, shape)
    return f.binary("multiply", f.binary("multiply", f.scalar_bcast(0.5, shape), x, shape), one, shape)


def transformer_program():
    nw = len(WEIGHTS)
    arg = {name: "%%arg%d" % i for i, (name, _) in enumerate(WEIGHTS)}
    x = "%%arg%d" % nw
    f = hlo.Func(nargs=nw + 1)
    sd, hsd, shd = (SEQ, D), (HEADS, SEQ, DH), (SEQ, HEADS, DH)
    h = layernorm(f, x, arg["ln1_scale"], arg["ln1_bias"], sd)
    qkv = []
    for n in "qkv":
        t = dense(f, h, arg["w" + n], arg["b" + n], SEQ, D, D)
        t = f.reshape(t, sd, shd)
        qkv.append(f.transpose(t, [1, 0, 2], shd, hsd))
    q, k, v = qkv
    s = f.dot(q, k, hsd, hsd, (HEADS, SEQ, SEQ), ([2], [2]), batching=([0], [0]))
    s = f.binary("multiply", s, f.scalar_bcast(1 / math.sqrt(DH), (HEADS, SEQ, SEQ)), (HEADS, SEQ, SEQ))
    p = f.softmax(s, (HEADS, SEQ, SEQ), 2)
    ctx = f.dot(p, v, (HEADS, SEQ, SEQ), hsd, hsd, ([2], [1]), batching=([0], [0]))
    ctx = f.transpose(ctx, [1, 0, 2], hsd, shd)
    ctx = f.reshape(ctx, shd, sd)
    att = dense(f, ctx, arg["wo"], arg["bo"], SEQ, D, D)
    x1 = f.binary("add", x, att, sd)
    h2 = layernorm(f, x1, arg["ln2_scale"], arg["ln2_bias"], sd)
    m = dense(f, h2, arg["w1"], arg["b1"], SEQ, D, FF)
    m = gelu(f, m, (SEQ, FF))
    m = dense(f, m, arg["w2"], arg["b2"], SEQ, FF, D)
    y = f.binary("add", x1, m, sd)
    args = [(arg[n], shape, "f32", "params['%s']" % n) for n, shape in WEIGHTS]
    args.append((x, sd, "f32", "x"))
    results = [(p, (HEADS, SEQ, SEQ), "f32", "['attention']"), (y, sd, "f32", "['y']")]
    return hlo.module("encoder_block", args, results, f)


def gen_transformer():
    w = transformer_weights()
    x = np.random.default_rng(1).standard_normal((SEQ, D)).astype(np.float32)
    y, p = np_transformer(w, x)
    save("transformer_block", transformer_program(), [("x", x)], [("attention", p), ("y", y)],
         "a pre-LN transformer encoder block (seq 8, d_model 16, 2 heads, softmax attention, GELU MLP 16-32-16) "
         "with random weights (seed 0); y = block(x), attention = the heads' attention weights",
         limits={"max_memory": "8MiB", "max_flops": "1e7", "max_steps": "1e5",
                 "max_output": "64KiB", "max_input": "64KiB", "timeout": "5s"},
         weights=[(n, w[n]) for n, _ in WEIGHTS],
         meta={"model": "transformer_block", "source": "models/train/gen_models.py", "seed": "0"})


# --- array utilities -------------------------------------------------------

N = 16


def canon_lines(f, a):
    """JAX's NaN/-0 canonicalisation of a sort key, as lax.sort lowers it."""
    s = ttype(())
    z = f.const(0.0)
    e = f.emit("stablehlo.compare  EQ, %s, %s,  FLOAT : (%s, %s) -> tensor<i1>" % (a, z, s, s))
    z2 = f.const(0.0)
    a2 = f.emit("stablehlo.select %s, %s, %s : tensor<i1>, %s" % (e, z2, a, s))
    ne = f.emit("stablehlo.compare  NE, %s, %s,  FLOAT : (%s, %s) -> tensor<i1>" % (a, a, s, s))
    nan = f.emit("stablehlo.constant dense<0x7FC00000> : %s" % s, "%%cst_%d" % (f.ncst - 1))
    f.ncst += 1
    return f.emit("stablehlo.select %s, %s, %s : tensor<i1>, %s" % (ne, nan, a2, s))


def sort_program():
    f = hlo.Func(nargs=1)
    v, i = ttype((N,)), ttype((N,), "i32")
    idx = f.emit("stablehlo.iota dim = 0 : %s" % i)
    r = f._name()
    region = hlo.Func(nargs=1)
    region.n, region.ncst = f.n, f.ncst
    a = canon_lines(region, "%arg1")
    b = canon_lines(region, "%arg2")
    lt = region.emit("stablehlo.compare  LT, %s, %s,  TOTALORDER : (tensor<f32>, tensor<f32>) -> tensor<i1>" % (a, b))
    f.n, f.ncst = region.n, region.ncst
    f.lines.append('    %s:2 = "stablehlo.sort"(%%arg0, %s) <{dimension = 0 : i64, is_stable = true}> ({' % (r, idx))
    f.lines.append("    ^bb0(%arg1: tensor<f32>, %arg2: tensor<f32>, %arg3: tensor<i32>, %arg4: tensor<i32>):")
    f.lines += ["  " + ln for ln in region.lines]
    f.lines.append("      stablehlo.return %s : tensor<i1>" % lt)
    f.lines.append("    }) : (%s, %s) -> (%s, %s)" % (v, i, v, i))
    return hlo.module("sort", [("%arg0", (N,), "f32", "x")],
                      [(r + "#1", (N,), "i32", "['indices']"), (r + "#0", (N,), "f32", "['sorted']")], f)


def gen_sort(x):
    order = np.argsort(x, kind="stable").astype(np.int32)
    save("sort", sort_program(), [("x", x)], [("indices", order), ("sorted", x[order])],
         "jnp.sort and jnp.argsort of 16 floats (a stable stablehlo.sort, NaNs last)")


K = 3


def top_k_program():
    f = hlo.Func(nargs=1)
    f.lines.append("    %%values, %%indices = chlo.top_k(%%arg0, k = %d) : %s -> (%s, %s)" % (
        K, ttype((N,)), ttype((K,)), ttype((K,), "i32")))
    return hlo.module("top_k", [("%arg0", (N,), "f32", "x")],
                      [("%values", (K,), "f32", "[0]"), ("%indices", (K,), "i32", "[1]")], f)


def gen_top_k(x):
    order = np.argsort(-x, kind="stable")[:K].astype(np.int32)
    text = top_k_program().replace('"[0]"', '"[\'values\']"').replace('"[1]"', '"[\'indices\']"')
    save("top_k", text, [("x", x)], [("values", x[order]), ("indices", order)],
         "jax.lax.top_k: the 3 largest of 16 floats and their indices (chlo.top_k)")


def cumsum_program():
    f = hlo.Func(nargs=1)
    z = f.const(0.0)
    init = f.bcast(z, [], (), ())
    r = f._name()
    f.lines += [
        '    %s = "stablehlo.reduce_window"(%%arg0, %s) <{padding = dense<[[%d, 0]]> : tensor<1x2xi64>, '
        'window_dimensions = array<i64: %d>}> ({' % (r, init, N - 1, N),
        "    ^bb0(%arg1: tensor<f32>, %arg2: tensor<f32>):",
        "      %%%d = stablehlo.add %%arg1, %%arg2 : tensor<f32>" % f.n,
        "      stablehlo.return %%%d : tensor<f32>" % f.n,
        "    }) : (%s, tensor<f32>) -> %s" % (ttype((N,)), ttype((N,))),
    ]
    f.n += 1
    return hlo.module("cumsum", [("%arg0", (N,), "f32", "x")], [(r, (N,), "f32", "")], f)


def gen_cumsum(x):
    save("cumsum", cumsum_program(), [("x", x)], [("y", np.cumsum(x, dtype=np.float32))],
         "jnp.cumsum of 16 floats (stablehlo.reduce_window, as JAX lowers it on CPU)")


ROWS = 4
STD_EPS = 1e-5


def standardize_program():
    shape = (ROWS, N)
    f = hlo.Func(nargs=1)
    x = "%arg0"
    s = f.reduce(x, "add", 0.0, [1], shape, (ROWS,))
    mean = f.binary("divide", s, f.scalar_bcast(float(N), (ROWS,)), (ROWS,))
    mb = f.bcast(f.bcast(mean, [0], (ROWS,), (ROWS, 1)), [0, 1], (ROWS, 1), shape)
    xc = f.binary("subtract", x, mb, shape)
    sq = f.binary("multiply", xc, xc, shape)
    s2 = f.reduce(sq, "add", 0.0, [1], shape, (ROWS,))
    var = f.binary("divide", s2, f.scalar_bcast(float(N), (ROWS,)), (ROWS,))
    ve = f.binary("add", var, f.scalar_bcast(STD_EPS, (ROWS,)), (ROWS,))
    r = f.unary("rsqrt", ve, (ROWS,))
    rb = f.bcast(f.bcast(r, [0], (ROWS,), (ROWS, 1)), [0, 1], (ROWS, 1), shape)
    y = f.binary("multiply", xc, rb, shape)
    return hlo.module("standardize", [("%arg0", shape, "f32", "x")], [(y, shape, "f32", "")], f)


def gen_standardize():
    x = (np.random.default_rng(3).standard_normal((ROWS, N)) * 3 + 2).astype(np.float32)
    m = x.mean(axis=1, keepdims=True, dtype=np.float32)
    xc = x - m
    v = (xc * xc).mean(axis=1, keepdims=True, dtype=np.float32)
    y = (xc / np.sqrt(v + np.float32(STD_EPS))).astype(np.float32)
    save("standardize", standardize_program(), [("x", x)], [("y", y)],
         "jax.nn.standardize over the last axis of a 4x16 matrix: (x - mean) / sqrt(var + 1e-5)")


def main():
    gen_transformer()
    # Distinct values, so that sort and top_k have one right answer.
    x = np.round(np.random.default_rng(2).permutation(N) * 0.75 - 5.0 +
                 np.random.default_rng(2).uniform(0, 0.5, N), 3).astype(np.float32)
    gen_sort(x)
    gen_top_k(x)
    gen_cumsum(x)
    gen_standardize()
    print("wrote transformer_block, sort, top_k, cumsum, standardize")


if __name__ == "__main__":
    main()
