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

// iota writes out[idx] = idx[axis]: the first block (the axis and the
// dimensions after it, each value repeated stride times) is filled, then
// copied over the blocks of the dimensions before the axis.
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
	for j := int64(0); j < size; j++ {
		lo, hi := j*stride, (j+1)*stride
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
	block := stride * size * int64(out.DType.Size())
	if err := r.meter(stride * size); err != nil {
		return err
	}
	for done := block; done < int64(len(out.Data)); {
		n := copy(out.Data[done:], out.Data[:min(done, int64(len(out.Data))-done)])
		done += int64(n)
		if err := r.meter(int64(n) / int64(out.DType.Size())); err != nil {
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
