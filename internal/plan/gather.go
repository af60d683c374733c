package plan

import (
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
	"slices"
)

// gatherNative runs the gather JAX emits for jnp.take(table, idx, axis=0)
// — an embedding lookup — natively: a rank-2 operand [V, D], indices
// [..., 1] with the index vector last, whole rows (slice_sizes [1, D],
// collapsed_slice_dims [0], start_index_map [0], offset_dims the last
// result dimension). Each index is clamped to [0, V−1], as the spec
// clamps start indices. Other gathers take the fallback.
func gatherNative(n *node) *native {
	if len(n.in) != 2 || len(n.out) != 1 {
		return nil
	}
	op, idx, out := n.in[0], n.in[1], n.out[0]
	if len(op.shape) != 2 || !plainElem(op) || out.dt != op.dt || !(idx.dt == tensor.I32 || idx.dt == tensor.I64) || idx.typ.Elem.Quant != nil {
		return nil
	}
	ni := len(idx.shape)
	if ni == 0 || idx.shape[ni-1] != 1 {
		return nil
	}
	s, _ := n.op.Attr("dimension_numbers").(*ir.StructAttr)
	sizes, ok := ir.Ints(n.op.Attr("slice_sizes"))
	if s == nil || !ok || len(sizes) != 2 || sizes[0] != 1 || sizes[1] != op.shape[1] {
		return nil
	}
	list := func(name string) []int64 {
		a := s.Fields.Get(name)
		if a == nil {
			return nil
		}
		v, ok := ir.Ints(a)
		if !ok {
			return []int64{-1}
		}
		return v
	}
	ivd, ok := ir.Int(s.Fields.Get("index_vector_dim"))
	if !ok || ivd != int64(ni-1) || !slices.Equal(list("offset_dims"), []int64{int64(ni - 1)}) ||
		!slices.Equal(list("collapsed_slice_dims"), []int64{0}) || !slices.Equal(list("start_index_map"), []int64{0}) ||
		len(list("operand_batching_dims")) != 0 || len(list("start_indices_batching_dims")) != 0 {
		return nil
	}
	// result: the index batch shape, then D
	if len(out.shape) != ni || out.shape[ni-1] != op.shape[1] {
		return nil
	}
	for i := 0; i < ni-1; i++ {
		if out.shape[i] != idx.shape[i] {
			return nil
		}
	}
	return &native{kind: kGather, dt: op.dt, odt: op.dt}
}

// gatherRows copies row clamp(idx[i]) of the table to row i of out.
func (r *runState) gatherRows(out, table, idx *tensor.Tensor) error {
	V := table.Shape[0]
	row := int64(len(table.Data)) / max(V, 1)
	n := idx.NumElements()
	if V == 0 || row == 0 {
		return nil
	}
	for i := int64(0); i < n; i++ {
		var j int64
		if idx.DType == tensor.I32 {
			j = int64(i32s(idx.Data)[i])
		} else {
			j = i64s(idx.Data)[i]
		}
		j = min(max(j, 0), V-1)
		copy(out.Data[i*row:(i+1)*row], table.Data[j*row:(j+1)*row])
		if err := r.meter(table.Shape[1]); err != nil {
			return err
		}
	}
	return nil
}
