package plan

import (
	"github.com/hlogate/hlogate/internal/kernels/vmath"
	"github.com/hlogate/hlogate/tensor"
	"slices"
)

// reduce folds the input, in row-major order, into out[kept index] with
// the body op, starting from init — the reference executor's order, so
// results match it exactly. The one exception: float add over a trailing
// block of at least reassocMin elements uses 8 partial sums (faster, and
// differs from the reference by rounding only).
func (r *runState) reduce(k *native, out, in, init *tensor.Tensor) error {
	switch k.dt {
	case tensor.F32:
		if done, err := reduceF32(r, k, f32s(out.Data), f32s(in.Data), f32s(init.Data)[0], in.Shape); done {
			return err
		}
		return reduceT(r, k, f32s(out.Data), f32s(in.Data), f32s(init.Data)[0], in.Shape, opFloat[float32](k.code))
	case tensor.F64:
		return reduceT(r, k, f64s(out.Data), f64s(in.Data), f64s(init.Data)[0], in.Shape, opFloat[float64](k.code))
	case tensor.I32:
		return reduceT(r, k, i32s(out.Data), i32s(in.Data), i32s(init.Data)[0], in.Shape, opInt[int32](k.code))
	case tensor.I64:
		return reduceT(r, k, i64s(out.Data), i64s(in.Data), i64s(init.Data)[0], in.Shape, opInt[int64](k.code))
	case tensor.Bool: // bytes 0 and 1: any is max, all is min
		return reduceT(r, k, out.Data, in.Data, init.Data[0], in.Shape, opInt[uint8](k.code))
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

// reduceF32 runs the two common f32 layouts on internal/kernels/vmath:
// a trailing block of reduced dimensions (a row sum, max or min per
// output element; sums of at least vecSumMin elements are reassociated
// into vector partial sums, max and min do not depend on order) and a
// leading block (the rows folded into the output one after another — the
// reference's own order, so bit-identical). false: another layout.
func reduceF32(r *runState, k *native, out, in []float32, init float32, shape []int64) (bool, error) {
	if len(in) == 0 || len(out) == 0 || k.code == eMul {
		return false, nil
	}
	rank := len(shape)
	t := rank // reduced dims are [t, rank)?
	for t > 0 && k.redDims[t-1] {
		t--
	}
	l := 0 // reduced dims are [0, l)?
	for l < rank && k.redDims[l] {
		l++
	}
	switch {
	case t < rank && !slices.Contains(k.redDims[:t], true):
		R := len(in) / len(out)
		rows := func(lo, hi int) {
			for o := lo; o < hi; o++ {
				blk := in[o*R : (o+1)*R]
				switch k.code {
				case eAdd:
					if R >= vecSumMin {
						out[o] = init + vmath.Sum(blk)
					} else {
						acc := init
						for _, x := range blk {
							acc += x
						}
						out[o] = acc
					}
				case eMax:
					out[o] = maxF(init, vmath.ReduceMax(blk))
				case eMin:
					out[o] = minF(init, vmath.ReduceMin(blk))
				}
			}
		}
		return true, r.split(len(out), R, rows)
	case l > 0 && !slices.Contains(k.redDims[l:], true):
		// Fold the rows into the output one after another; across
		// threads, each takes a block of columns through all the rows.
		C := len(out)
		for i := range out {
			out[i] = init
		}
		rows := len(in) / C
		fold := func(lo, hi int, check func(row int) error) error {
			o := out[lo:hi]
			for i, base := 0, 0; base < len(in); i, base = i+1, base+C {
				row := in[base+lo : base+hi]
				switch k.code {
				case eAdd:
					vmath.Add(o, o, row)
				case eMax:
					vmath.Max(o, o, row)
				case eMin:
					vmath.Min(o, o, row)
				}
				if err := check(i); err != nil {
					return err
				}
			}
			return nil
		}
		parts := 1
		if len(in) >= parallelMin {
			parts = min(r.p.threads, C/64)
		}
		if parts <= 1 {
			return true, fold(0, C, func(int) error { return r.meter(int64(C)) })
		}
		return true, r.parallel(parts, func(t int) (int64, error) {
			lo, hi := C*t/parts, C*(t+1)/parts
			err := fold(lo, hi, func(i int) error {
				if i%256 == 255 {
					return ctxErr(r.ctx)
				}
				return nil
			})
			return int64(rows) * int64(hi-lo), err
		})
	}
	return false, nil
}

// split runs fn over [0, n) items of cost each: on the calling goroutine
// for small work, else in contiguous ranges across the plan's threads (each
// item is computed the same way either way). Work is metered per range.
func (r *runState) split(n, cost int, fn func(lo, hi int)) error {
	parts := 1
	if int64(n)*int64(cost) >= parallelMin {
		parts = min(r.p.threads, n)
	}
	if parts <= 1 {
		const batch = 1 << 16
		step := max(1, batch/max(cost, 1))
		for lo := 0; lo < n; lo += step {
			hi := min(n, lo+step)
			fn(lo, hi)
			if err := r.meter(int64(hi-lo) * int64(cost)); err != nil {
				return err
			}
		}
		return nil
	}
	return r.parallel(parts, func(t int) (int64, error) {
		lo, hi := n*t/parts, n*(t+1)/parts
		fn(lo, hi)
		return int64(hi-lo) * int64(cost), nil
	})
}

// vecSumMin is the shortest f32 row summed with vector partial sums.
const vecSumMin = 64

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
