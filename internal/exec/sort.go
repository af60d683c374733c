package exec

import (
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// sort: sorts the 1-D slices along `dimension` of all inputs together with a
// comparator region. The sort is a bottom-up merge sort, which is stable
// (so it serves is_stable = true and false alike) and calls the comparator
// O(n log n) times per slice whatever the comparator returns.

func init() {
	register("stablehlo.sort", dmSort)
}

func dmSort(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, -1); err != nil {
		return nil, err
	}
	n := len(in)
	x := in[0].T
	r := int64(len(x.Shape))
	for i, v := range in {
		t := v.T
		if len(t.Shape) != len(x.Shape) {
			return nil, dmReject(op, "input %d has rank %d, input 0 has %d", i, len(t.Shape), len(x.Shape))
		}
		for d := range t.Shape {
			if t.Shape[d] != x.Shape[d] {
				return nil, dmBadValue(op, "input %d has shape %v, input 0 has %v", i, t.Shape, x.Shape)
			}
		}
	}
	dim := int64(-1)
	if op.Attr("dimension") != nil {
		var err error
		if dim, err = dmIntAttr(op, "dimension"); err != nil {
			return nil, err
		}
	}
	if dim < -r || dim >= r {
		return nil, dmReject(op, "dimension %d is out of range for rank %d", dim, r)
	}
	if dim < 0 {
		dim += r
	}
	if _, err := dmResultDTypes(op, n); err != nil {
		return nil, err
	}
	for i, v := range in {
		if _, err := dmCheckResult(op, i, v.T.Shape, v.T.DType); err != nil {
			return nil, err
		}
	}
	var sources []ir.Type
	for _, v := range op.Operands {
		sources = append(sources, v.Type, v.Type)
	}
	cmp, err := dmNewRegion(c, op, 0, 2*n, []tensor.DType{tensor.Bool}, sources)
	if err != nil {
		return nil, err
	}
	defer cmp.release()
	results := make([]*tensor.Tensor, n)
	ok := false
	defer func() {
		if !ok {
			dmReleaseTensors(c, results)
		}
	}()
	for i, v := range in {
		if results[i], err = dmNewOwned(c, v.T.DType, v.T.Shape); err != nil {
			return nil, err
		}
	}
	if x.NumElements() == 0 {
		ok = true
		return dmVals(results), nil
	}

	length := x.Shape[dim]
	stride := dmStrides(x.Shape)[dim]
	// The permutation and the merge buffer live outside tensors; charge them
	// to the memory budget all the same.
	scratch := 16 * length
	if err := c.budget.Reserve(scratch); err != nil {
		return nil, err
	}
	defer c.budget.Release(scratch)
	perm := make([]int64, length)
	buf := make([]int64, length)

	// less(a, b) calls comparator(in0[a], in0[b], in1[a], in1[b], ...) for
	// the slice starting at base.
	var base int64
	less := func(a, b int64) (bool, error) {
		for i, v := range in {
			dmConvertElem(cmp.args[2*i], 0, v.T, base+a*stride)
			dmConvertElem(cmp.args[2*i+1], 0, v.T, base+b*stride)
		}
		return cmp.callBool()
	}

	outer := append([]int64(nil), x.Shape...)
	outer[dim] = 1
	strides := dmStrides(x.Shape)
	idx := make([]int64, len(x.Shape))
	for {
		base = dmOffset(idx, strides)
		for k := range perm {
			perm[k] = int64(k)
		}
		if err := dmMergeSort(c, perm, buf, less); err != nil {
			return nil, err
		}
		for k, p := range perm {
			for i, v := range in {
				dmCopyElem(results[i], base+int64(k)*stride, v.T, base+p*stride)
			}
		}
		if err := c.Work(length * int64(n)); err != nil {
			return nil, err
		}
		if !dmNext(idx, outer) {
			break
		}
	}
	ok = true
	return dmVals(results), nil
}

// dmMergeSort sorts perm stably by less with a bottom-up merge sort; buf has
// perm's length. Within each merge an element of the right run moves ahead
// of the left run's head only when less(right, left) holds, which keeps
// equal elements in their original order.
func dmMergeSort(c *Ctx, perm, buf []int64, less func(a, b int64) (bool, error)) error {
	n := len(perm)
	if n < 2 {
		return nil
	}
	src, dst := perm, buf
	for width := 1; width < n; width *= 2 {
		for lo := 0; lo < n; lo += 2 * width {
			mid := min(lo+width, n)
			hi := min(lo+2*width, n)
			i, j, k := lo, mid, lo
			for i < mid && j < hi {
				rightFirst, err := less(src[j], src[i])
				if err != nil {
					return err
				}
				if rightFirst {
					dst[k] = src[j]
					j++
				} else {
					dst[k] = src[i]
					i++
				}
				k++
			}
			k += copy(dst[k:], src[i:mid])
			copy(dst[k:], src[j:hi])
			if err := c.Work(int64(hi - lo)); err != nil {
				return err
			}
		}
		src, dst = dst, src
	}
	if &src[0] != &perm[0] {
		copy(perm, src)
	}
	return nil
}
