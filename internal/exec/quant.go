package exec

import (
	"math"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Quantized types (spec "Quantization computations"). A quantized tensor
// holds its storage integers; its scales and zero points live in the static
// type. uniform_quantize and uniform_dequantize convert; the ops whose spec
// semantics is dequantize_op_quantize (and its compare / select / hybrid /
// batch_norm variants) run through quantWrap: dequantize the quantized
// operands to the expressed type, run the float kernel, quantize the
// quantized results. All other ops (data movement, control flow, constants,
// bitcast_convert, ...) work on the storage values directly.
//
// dequantize(x) = convert(x - zero_point, expressed) * scale and
// quantize(x) = convert(round_nearest_even(clamp(min, x / scale + zp, max))),
// each step rounded to the expressed type, exactly as the spec writes them.
// The subtraction x - zero_point is done in 64-bit integers (it cannot wrap
// in the storage type, as the spec's literal formula could).

func init() {
	register("stablehlo.uniform_quantize", uniformQuantizeKernel)
	register("stablehlo.uniform_dequantize", uniformDequantizeKernel)
}

// quantOps are the ops the spec defines on quantized types by
// dequantize → float op → quantize.
var quantOps = map[string]bool{}

func init() {
	for _, n := range []string{
		"abs", "add", "atan2", "batch_norm_grad", "batch_norm_inference", "batch_norm_training",
		"cbrt", "ceil", "cholesky", "clamp", "compare", "convolution", "cosine", "divide",
		"dot_general", "dynamic_conv", "exponential", "exponential_minus_one", "floor", "log",
		"log_plus_one", "logistic", "maximum", "minimum", "multiply", "negate", "power",
		"reduce_precision", "remainder", "round_nearest_afz", "round_nearest_even", "rsqrt",
		"select", "sign", "sine", "sqrt", "subtract", "tan", "tanh", "triangular_solve",
	} {
		quantOps["stablehlo."+n] = true
	}
}

// quantOf returns the quantization of a value's type, or nil.
func quantOf(t ir.Type) *ir.Quant {
	if tt, ok := t.(*ir.TensorType); ok {
		return tt.Elem.Quant
	}
	return nil
}

// quantNeedsWrap reports whether op must run through quantWrap: it is one
// of quantOps and has a quantized operand or result.
func quantNeedsWrap(op *ir.Op) bool {
	if !quantOps[op.Name] {
		return false
	}
	for _, v := range op.Operands {
		if quantOf(v.Type) != nil {
			return true
		}
	}
	for _, v := range op.Results {
		if quantOf(v.Type) != nil {
			return true
		}
	}
	return false
}

// quantWrap runs k as the spec's dequantize_op_quantize: quantized operands
// are dequantized to their expressed type, k runs on a copy of the op whose
// quantized types are replaced by their expressed types, and each result of
// quantized type is quantized with that type's parameters. Operands and
// results of other types pass through (hybrid ops, compare, select).
func quantWrap(k Kernel) Kernel {
	return func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		if len(in) != len(op.Operands) {
			return nil, linReject(op, "%s has %d operands, got %d values", op.Name, len(op.Operands), len(in))
		}
		fop := quantFloatOp(op)
		fin := make([]Val, len(in))
		var scratch []Val
		defer func() { c.releaseAll(scratch) }()
		for i, v := range in {
			q := quantOf(op.Operands[i].Type)
			if q == nil || v.T == nil {
				fin[i] = v
				continue
			}
			t, err := quantDequantize(c, op, v.T, q)
			if err != nil {
				return nil, err
			}
			sv := Val{T: t}
			c.adopt(sv) // owned, so the kernel may even return it retained
			scratch = append(scratch, sv)
			fin[i] = sv
		}
		outs, err := k(c, fop, fin)
		if err != nil {
			return nil, err
		}
		drop := func(vs []Val) {
			for _, v := range vs {
				c.adopt(v)
				c.Release(v)
			}
		}
		res := make([]Val, len(outs))
		for i, o := range outs {
			var q *ir.Quant
			if i < len(op.Results) {
				q = quantOf(op.Results[i].Type)
			}
			if q == nil || o.T == nil {
				res[i] = o
				continue
			}
			t, err := quantQuantize(c, op, o.T, q)
			drop([]Val{o})
			if err != nil {
				drop(res[:i])
				drop(outs[i+1:])
				return nil, err
			}
			res[i] = Val{T: t}
		}
		return res, nil
	}
}

// quantFloatOp copies op with every quantized type replaced by its
// expressed type, for the float kernel to read.
func quantFloatOp(op *ir.Op) *ir.Op {
	f := *op
	f.Operands = make([]*ir.Value, len(op.Operands))
	for i, v := range op.Operands {
		f.Operands[i] = quantFloatValue(v)
	}
	f.Results = make([]*ir.Value, len(op.Results))
	for i, v := range op.Results {
		f.Results[i] = quantFloatValue(v)
	}
	return &f
}

func quantFloatValue(v *ir.Value) *ir.Value {
	tt, ok := v.Type.(*ir.TensorType)
	if !ok || tt.Elem.Quant == nil {
		return v
	}
	nt := *tt
	nt.Elem = ir.Element{DType: tt.Elem.Quant.Expressed}
	nv := *v
	nv.Type = &nt
	return &nv
}

// quantParams resolves per-element scale and zero point: per tensor, or
// per slice along the quantization axis of shape.
type quantParams struct {
	q      *ir.Quant
	stride int64 // stride of the axis; 0 for per-tensor
	size   int64
}

func quantParamsFor(op *ir.Op, q *ir.Quant, shape []int64) (quantParams, error) {
	if len(q.Scales) == 0 || len(q.Scales) != len(q.ZeroPoints) {
		return quantParams{}, linReject(op, "quantized type %s has no usable scales", q)
	}
	if !q.Expressed.IsFloat() || !(q.Storage.IsInteger()) {
		return quantParams{}, linReject(op, "quantized type %s must have an integer storage and a float expressed type", q)
	}
	if q.Axis < 0 {
		return quantParams{q: q}, nil
	}
	if q.Axis >= len(shape) || int64(len(q.Scales)) != shape[q.Axis] {
		return quantParams{}, linReject(op, "quantized type %s has %d scales for axis %d of shape %v", q, len(q.Scales), q.Axis, shape)
	}
	return quantParams{q: q, stride: linStrides(shape)[q.Axis], size: shape[q.Axis]}, nil
}

// at returns the scale-and-zero-point index of flat element i.
func (p quantParams) at(i int64) int {
	if p.stride == 0 {
		return 0
	}
	return int(i / p.stride % p.size)
}

// quantDequantize turns storage integers of type q into a tensor of q's
// expressed type.
func quantDequantize(c *Ctx, op *ir.Op, x *tensor.Tensor, q *ir.Quant) (*tensor.Tensor, error) {
	p, err := quantParamsFor(op, q, x.Shape)
	if err != nil {
		return nil, err
	}
	if x.DType != q.Storage {
		return nil, linReject(op, "a value of quantized type %s holds %s data", q, x.DType)
	}
	e := q.Expressed
	out, err := c.NewTensor(e, x.Shape)
	if err != nil {
		return nil, err
	}
	unsigned := x.DType.IsUnsigned()
	err = c.Loop(x.NumElements(), func(i int64) {
		k := p.at(i)
		var diff float64
		if unsigned {
			diff = float64(int64(x.Uint64(i)) - q.ZeroPoints[k]) // storage is at most 63 bits wide in practice
		} else {
			diff = float64(x.Int64(i) - q.ZeroPoints[k])
		}
		v := linRound(e, diff) * linRound(e, q.Scales[k])
		out.SetFloat64(i, linRound(e, v))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// quantQuantize turns a float tensor into storage integers of type q.
func quantQuantize(c *Ctx, op *ir.Op, x *tensor.Tensor, q *ir.Quant) (*tensor.Tensor, error) {
	p, err := quantParamsFor(op, q, x.Shape)
	if err != nil {
		return nil, err
	}
	if !x.DType.IsFloat() {
		return nil, linReject(op, "cannot quantize %s values to %s", x.DType, q)
	}
	e := q.Expressed
	out, err := c.NewTensor(q.Storage, x.Shape)
	if err != nil {
		return nil, err
	}
	lo, hi := linRound(e, float64(q.StorageMin)), linRound(e, float64(q.StorageMax))
	err = c.Loop(x.NumElements(), func(i int64) {
		k := p.at(i)
		v := linRound(e, x.Float64(i)) // convert to the expressed type
		v = linRound(e, v/linRound(e, q.Scales[k]))
		v = linRound(e, v+linRound(e, float64(q.ZeroPoints[k])))
		if v < lo { // clamp; NaN stays NaN
			v = lo
		} else if v > hi {
			v = hi
		}
		out.SetFloat64(i, math.RoundToEven(v)) // NaN stores 0
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func uniformQuantizeKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 1)
	if err != nil {
		return nil, err
	}
	if len(op.Operands) != 1 || len(op.Results) != 1 {
		return nil, linReject(op, "uniform_quantize takes one operand and has one result")
	}
	rq := quantOf(op.Results[0].Type)
	if rq == nil {
		return nil, linReject(op, "uniform_quantize must produce a quantized type, got %s", op.Results[0].Type)
	}
	if err := quantSameShape(op, ts[0].Shape); err != nil {
		return nil, err
	}
	x := ts[0]
	if oq := quantOf(op.Operands[0].Type); oq != nil {
		f, err := quantDequantize(c, op, x, oq)
		if err != nil {
			return nil, err
		}
		defer c.Free(f)
		x = f
	}
	out, err := quantQuantize(c, op, x, rq)
	if err != nil {
		return nil, err
	}
	return []Val{{T: out}}, nil
}

func uniformDequantizeKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 1)
	if err != nil {
		return nil, err
	}
	if len(op.Operands) != 1 || len(op.Results) != 1 {
		return nil, linReject(op, "uniform_dequantize takes one operand and has one result")
	}
	oq := quantOf(op.Operands[0].Type)
	if oq == nil {
		return nil, linReject(op, "uniform_dequantize takes a quantized operand, got %s", op.Operands[0].Type)
	}
	if err := quantSameShape(op, ts[0].Shape); err != nil {
		return nil, err
	}
	if d := ir.Tensor(op.Results[0].Type); d == nil || d.Elem.Quant != nil || d.Elem.DType != oq.Expressed {
		return nil, linReject(op, "uniform_dequantize produces the expressed type %s", oq.Expressed)
	}
	out, err := quantDequantize(c, op, ts[0], oq)
	if err != nil {
		return nil, err
	}
	return []Val{{T: out}}, nil
}

// quantSameShape checks the result's static shape against the operand's.
func quantSameShape(op *ir.Op, shape []int64) error {
	tt := ir.Tensor(op.Results[0].Type)
	ok := tt != nil && len(tt.Shape) == len(shape)
	for i := 0; ok && i < len(shape); i++ {
		ok = tt.Shape[i] < 0 || tt.Shape[i] == shape[i]
	}
	if !ok {
		return linReject(op, "result type %s does not match the operand shape %v", op.Results[0].Type, shape)
	}
	return nil
}
