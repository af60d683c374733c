package plan

import (
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// iotaNative fills the result with its index along iota_dimension, for
// f32, f64, i32 and i64 results (others take the fallback).
func iotaNative(n *node) *native {
	out := n.out[0]
	d, ok := ir.Int(n.op.Attr("iota_dimension"))
	if len(n.in) != 0 || !ok || d < 0 || int(d) >= len(out.shape) || !(isFloat(out.dt) || isInt(out.dt)) {
		return nil
	}
	return &native{kind: kIota, dt: out.dt, odt: out.dt, axis: int(d)}
}

// iota writes out[idx] = idx[axis]: each run of stride elements (the
// product of the dimensions after axis) holds one value.
func (r *runState) iota(k *native, out *tensor.Tensor) error {
	total := out.NumElements()
	if total == 0 {
		return nil
	}
	stride := int64(1)
	for _, x := range out.Shape[k.axis+1:] {
		stride *= x
	}
	size := out.Shape[k.axis]
	for base := int64(0); base < total; base += stride * size {
		for j := int64(0); j < size; j++ {
			lo, hi := base+j*stride, base+(j+1)*stride
			switch out.DType {
			case tensor.F32:
				fillRun(f32s(out.Data)[lo:hi], float32(j))
			case tensor.F64:
				fillRun(f64s(out.Data)[lo:hi], float64(j))
			case tensor.I32:
				fillRun(i32s(out.Data)[lo:hi], int32(j))
			case tensor.I64:
				fillRun(i64s(out.Data)[lo:hi], j)
			}
		}
		if err := r.meter(stride * size); err != nil {
			return err
		}
	}
	return nil
}

func fillRun[T any](dst []T, v T) {
	for i := range dst {
		dst[i] = v
	}
}
