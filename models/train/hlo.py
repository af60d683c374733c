"""Helpers shared by the generators in models/train.

They write StableHLO text the way JAX prints it
(``jax.jit(f).lower(...).as_text()``), float32 weights as .safetensors
(hand-rolled: an 8-byte little-endian header length, a JSON header in
argument order, then the raw little-endian bytes), and Open Inference
Protocol REST requests for models/examples.

Only the Python standard library and numpy are used, so the scripts run on a
stock Debian (python3-numpy, python3-sklearn) without pip.
"""

import json
import os
import re
import struct

import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
REPO = os.path.join(ROOT, "repository")
EXAMPLES = os.path.join(ROOT, "examples")
TESTDATA = os.path.join(ROOT, "testdata")

_DT = {np.dtype(np.float32): ("f32", "F32", "FP32"),
       np.dtype(np.int32): ("i32", "I32", "INT32")}


def ttype(shape, dt="f32"):
    """tensor<1x64xf32>; tensor<f32> for a scalar."""
    if not shape:
        return "tensor<%s>" % dt
    return "tensor<%sx%s>" % ("x".join(str(d) for d in shape), dt)


def fconst(v):
    """A float32 literal as JAX prints it: 1.600000e+01, 0xFF800000 for -inf."""
    v = float(v)
    if v == float("-inf"):
        return "0xFF800000"
    if v == float("inf"):
        return "0x7F800000"
    return "%.6e" % v


class Func:
    """Emits the body of one function with JAX's SSA naming (%0, %1, ...
    for results, %cst, %cst_0, ... for float constants, %c, %c_0, ... for
    integer ones)."""

    def __init__(self, nargs):
        self.nargs = nargs  # region arguments continue the numbering
        self.lines = []
        self.n = 0
        self.ncst = 0
        self.nc = 0

    def _name(self):
        name = "%%%d" % self.n
        self.n += 1
        return name

    def emit(self, text, name=None):
        name = name or self._name()
        self.lines.append("    %s = %s" % (name, text))
        return name

    def const(self, v, shape=(), dt="f32"):
        if dt.startswith("f"):
            name = "%cst" if self.ncst == 0 else "%%cst_%d" % (self.ncst - 1)
            self.ncst += 1
            lit = fconst(v)
        else:
            name = "%c" if self.nc == 0 else "%%c_%d" % (self.nc - 1)
            self.nc += 1
            lit = str(int(v))
        return self.emit("stablehlo.constant dense<%s> : %s" % (lit, ttype(shape, dt)), name)

    # elementwise
    def binary(self, op, a, b, shape, dt="f32"):
        return self.emit("stablehlo.%s %s, %s : %s" % (op, a, b, ttype(shape, dt)))

    def unary(self, op, a, shape, dt="f32"):
        return self.emit("stablehlo.%s %s : %s" % (op, a, ttype(shape, dt)))

    def bcast(self, x, dims, sin, sout, dt="f32"):
        return self.emit("stablehlo.broadcast_in_dim %s, dims = [%s] : (%s) -> %s" % (
            x, ", ".join(str(d) for d in dims), ttype(sin, dt), ttype(sout, dt)))

    def scalar_bcast(self, v, shape):
        c = self.const(v)
        return self.bcast(c, [], (), shape)

    def dot(self, a, b, sa, sb, sout, contracting, batching=None):
        batch = ""
        if batching:
            batch = "batching_dims = [%s] x [%s], " % (
                ", ".join(map(str, batching[0])), ", ".join(map(str, batching[1])))
        return self.emit(
            "stablehlo.dot_general %s, %s, %scontracting_dims = [%s] x [%s], precision = [DEFAULT, DEFAULT] : (%s, %s) -> %s" % (
                a, b, batch, ", ".join(map(str, contracting[0])), ", ".join(map(str, contracting[1])),
                ttype(sa), ttype(sb), ttype(sout)))

    def reduce(self, x, op, init, dims, sin, sout, dt="f32"):
        c = self.const(init, (), dt)
        return self.emit("stablehlo.reduce(%s init: %s) applies stablehlo.%s across dimensions = [%s] : (%s, %s) -> %s" % (
            x, c, op, ", ".join(map(str, dims)), ttype(sin, dt), ttype((), dt), ttype(sout, dt)))

    def reshape(self, x, sin, sout, dt="f32"):
        return self.emit("stablehlo.reshape %s : (%s) -> %s" % (x, ttype(sin, dt), ttype(sout, dt)))

    def transpose(self, x, perm, sin, sout, dt="f32"):
        return self.emit("stablehlo.transpose %s, dims = [%s] : (%s) -> %s" % (
            x, ", ".join(map(str, perm)), ttype(sin, dt), ttype(sout, dt)))

    # composites, lowered as jax.nn lowers them
    def softmax(self, x, shape, axis):
        """jax.nn.softmax along the last axis `axis`."""
        kept = [d for i, d in enumerate(shape) if i != axis]
        keep1 = list(shape[:axis]) + [1] + list(shape[axis + 1:])
        m = self.reduce(x, "maximum", float("-inf"), [axis], shape, kept)
        m1 = self.bcast(m, [i for i in range(len(shape)) if i != axis], kept, keep1)
        mb = self.bcast(m1, list(range(len(shape))), keep1, shape)
        z = self.binary("subtract", x, mb, shape)
        e = self.unary("exponential", z, shape)
        s = self.reduce(e, "add", 0.0, [axis], shape, kept)
        s1 = self.bcast(s, [i for i in range(len(shape)) if i != axis], kept, keep1)
        sb = self.bcast(s1, list(range(len(shape))), keep1, shape)
        return self.binary("divide", e, sb, shape)

    def argmax(self, x, shape, axis):
        """jnp.argmax(x, axis) with int32 indices, as JAX lowers it."""
        kept = [d for i, d in enumerate(shape) if i != axis]
        idx = self.emit("stablehlo.iota dim = %d : %s" % (axis, ttype(shape, "i32")))
        ninf = self.const(float("-inf"))
        zero = self.const(0, (), "i32")
        r = self._name()
        r2 = r + ":2"
        f, i = ttype((), "f32"), ttype((), "i32")
        self.lines.append(
            "    %s = stablehlo.reduce(%s init: %s), (%s init: %s) across dimensions = [%d] : (%s, %s, %s, %s) -> (%s, %s)" % (
                r2, x, ninf, idx, zero, axis, ttype(shape), ttype(shape, "i32"), f, i, ttype(kept), ttype(kept, "i32")))
        a, b, c, d = ["%%arg%d" % (self.nargs + k) for k in (0, 2, 1, 3)]
        self.nargs += 4
        v = [self._name() for _ in range(9)]
        self.lines += [
            "     reducer(%s: %s, %s: %s) (%s: %s, %s: %s)  {" % (a, f, b, f, c, i, d, i),
            "      %s = stablehlo.compare  GT, %s, %s,  FLOAT : (%s, %s) -> tensor<i1>" % (v[0], a, b, f, f),
            "      %s = stablehlo.compare  NE, %s, %s,  FLOAT : (%s, %s) -> tensor<i1>" % (v[1], a, a, f, f),
            "      %s = stablehlo.or %s, %s : tensor<i1>" % (v[2], v[0], v[1]),
            "      %s = stablehlo.compare  EQ, %s, %s,  FLOAT : (%s, %s) -> tensor<i1>" % (v[3], a, b, f, f),
            "      %s = stablehlo.compare  LT, %s, %s,  SIGNED : (%s, %s) -> tensor<i1>" % (v[4], c, d, i, i),
            "      %s = stablehlo.and %s, %s : tensor<i1>" % (v[5], v[3], v[4]),
            "      %s = stablehlo.or %s, %s : tensor<i1>" % (v[6], v[2], v[5]),
            "      %s = stablehlo.select %s, %s, %s : tensor<i1>, %s" % (v[7], v[2], a, b, f),
            "      %s = stablehlo.select %s, %s, %s : tensor<i1>, %s" % (v[8], v[6], c, d, i),
            "      stablehlo.return %s, %s : %s, %s" % (v[7], v[8], f, i),
            "    }",
        ]
        return r + "#1"


def module(name, args, results, body, extra_funcs=""):
    """Wraps a body in `module @jit_<name>` with @main.

    args: [(ssa, shape, dtype, arg_info)]; results: [(ssa, shape, dtype, result_info)].
    """
    a = ", ".join('%s: %s {jax.arg_info = "%s", mhlo.sharding = "{replicated}"}' % (s, ttype(sh, dt), info)
                  for s, sh, dt, info in args)
    r = ", ".join('%s {jax.result_info = "%s"}' % (ttype(sh, dt), info) for _, sh, dt, info in results)
    ret = "    return %s : %s" % (", ".join(s for s, _, _, _ in results),
                                   ", ".join(ttype(sh, dt) for _, sh, dt, _ in results))
    lines = ["module @jit_%s attributes {mhlo.num_partitions = 1 : i32, mhlo.num_replicas = 1 : i32} {" % name,
             "  func.func public @main(%s) -> (%s) {" % (a, r)]
    lines += body.lines + [ret, "  }"]
    if extra_funcs:
        lines.append(extra_funcs.rstrip("\n"))
    lines.append("}")
    return "\n".join(lines) + "\n"


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


def write_safetensors(path, tensors, metadata=None):
    """tensors: [(name, ndarray)] in argument order; the header keeps that order."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    off = 0
    blobs = []
    for name, arr in tensors:
        arr = np.ascontiguousarray(arr)
        dt = _DT[arr.dtype][1]
        b = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dt, "shape": list(arr.shape), "data_offsets": [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def _flat(arr):
    arr = np.asarray(arr)
    if arr.dtype == np.float32:
        # shortest repr that round-trips a float32
        return [float(np.format_float_positional(v, unique=True, trim="-")) for v in arr.ravel()]
    return [int(v) for v in arr.ravel()]


def oip_request(inputs, req_id=None):
    """inputs: [(name, ndarray)] -> Open Inference Protocol REST request."""
    req = {}
    if req_id:
        req["id"] = req_id
    req["inputs"] = [{"name": n, "shape": list(np.asarray(a).shape), "datatype": _DT[np.asarray(a).dtype][2],
                      "data": _flat(a)} for n, a in inputs]
    return req


_NUMLIST = re.compile(r"\[\s*([-+0-9eE.,\s]+?)\s*\]")


def write_json(path, obj):
    """Indented JSON with every list of numbers on one line."""
    text = json.dumps(obj, indent=1)
    text = _NUMLIST.sub(lambda m: "[" + ", ".join(v.strip() for v in m.group(1).split(",")) + "]", text)
    write(path, text + "\n")


def write_config(name, description, inputs, outputs, limits, bound=None):
    """models/repository/<name>/config.yaml in the schema of
    internal/server.ModelConfig (docs/SERVING.md)."""
    lines = ["# %s: written by models/train; see models/README.md." % name,
             "name: %s" % name,
             "description: %s" % json.dumps(description),
             "entry: main",
             "inputs: [%s]" % ", ".join(inputs),
             "outputs: [%s]" % ", ".join(outputs),
             "version_policy: latest"]
    if bound:
        lines.append("bound:")
        for file, names in bound:
            lines.append("  - file: %s" % file)
            lines.append("    names: [%s]" % ", ".join(names))
    lines.append("limits:")
    for k in ("max_memory", "max_flops", "max_steps", "max_output", "max_input", "timeout"):
        if k in limits:
            lines.append("  %s: %s" % (k, limits[k]))
    write(os.path.join(REPO, name, "config.yaml"), "\n".join(lines) + "\n")
