package plan

import "github.com/hlogate/hlogate/tensor"

// reduce folds the input, in row-major order, into out[kept index] with
// the body op, starting from init — the reference executor's order, so
// results match it exactly. The one exception: float add over a trailing
// block of at least reassocMin elements uses 8 partial sums (faster, and
// differs from the reference by rounding only).
func (r *runState) reduce(k *native, out, in, init *tensor.Tensor) error {
	switch k.dt {
	case tensor.F32:
		return reduceT(r, k, f32s(out.Data), f32s(in.Data), f32s(init.Data)[0], in.Shape, opFloat[float32](k.code))
	case tensor.F64:
		return reduceT(r, k, f64s(out.Data), f64s(in.Data), f64s(init.Data)[0], in.Shape, opFloat[float64](k.code))
	case tensor.I32:
		return reduceT(r, k, i32s(out.Data), i32s(in.Data), i32s(init.Data)[0], in.Shape, opInt[int32](k.code))
	case tensor.I64:
		return reduceT(r, k, i64s(out.Data), i64s(in.Data), i64s(init.Data)[0], in.Shape, opInt[int64](k.code))
	}
	return nil
}

func opFloat[T floatT](c ewCode) func(a, b T) T {
	switch c {
	case eAdd:
		return func(a, b T) T { return a + b }
	case eMul:
		return func(a, b T) T { return a * b }
	case eMax:
		return maxF[T]
	}
	return minF[T]
}

func opInt[T intT](c ewCode) func(a, b T) T {
	switch c {
	case eAdd:
		return func(a, b T) T { return a + b }
	case eMul:
		return func(a, b T) T { return a * b }
	case eMax:
		return func(a, b T) T { return max(a, b) }
	}
	return func(a, b T) T { return min(a, b) }
}

const reassocMin = 4096

func reduceT[T floatT | intT](r *runState, k *native, out, in []T, init T, shape []int64, f func(a, b T) T) error {
	for i := range out {
		out[i] = init
	}
	if len(in) == 0 {
		return nil
	}
	rank := len(shape)
	// trailing reduced block: out[o] = fold(in[o*R : (o+1)*R])
	t := rank
	for t > 0 && k.redDims[t-1] {
		t--
	}
	trailing := true
	for d := 0; d < t; d++ {
		if k.redDims[d] {
			trailing = false
		}
	}
	if trailing {
		R := int64(1)
		for _, d := range shape[t:] {
			R *= d
		}
		for o := range out {
			blk := in[int64(o)*R : int64(o+1)*R]
			var zero T
			_, isF := any(zero).(float32)
			_, isD := any(zero).(float64)
			if k.code == eAdd && (isF || isD) && R >= reassocMin {
				var s [8]T
				j := 0
				for ; j+8 <= len(blk); j += 8 {
					s[0] += blk[j]
					s[1] += blk[j+1]
					s[2] += blk[j+2]
					s[3] += blk[j+3]
					s[4] += blk[j+4]
					s[5] += blk[j+5]
					s[6] += blk[j+6]
					s[7] += blk[j+7]
				}
				acc := ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]))
				for ; j < len(blk); j++ {
					acc += blk[j]
				}
				out[o] = out[o] + acc
			} else {
				acc := out[o]
				for _, x := range blk {
					acc = f(acc, x)
				}
				out[o] = acc
			}
			if err := r.meter(R); err != nil {
				return err
			}
		}
		return nil
	}
	// general: scan the input row-major; out offset from kept dims
	ost := make([]int64, rank)
	acc := int64(1)
	for d := rank - 1; d >= 0; d-- {
		if !k.redDims[d] {
			ost[d] = acc
			acc *= shape[d]
		}
	}
	inner := shape[rank-1]
	is := ost[rank-1]
	idx := make([]int64, rank)
	for base := int64(0); base < int64(len(in)); base += inner {
		off := int64(0)
		for d := 0; d < rank-1; d++ {
			off += idx[d] * ost[d]
		}
		row := in[base : base+inner]
		for j, x := range row {
			p := off + int64(j)*is
			out[p] = f(out[p], x)
		}
		for d := rank - 2; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
		if err := r.meter(inner); err != nil {
			return err
		}
	}
	return nil
}
