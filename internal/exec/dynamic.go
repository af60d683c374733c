package exec

import "github.com/hlogate/hlogate/internal/ir"

// Ops whose shapes come from operand values: dynamic_broadcast_in_dim,
// dynamic_iota, dynamic_reshape, dynamic_pad, real_dynamic_slice and
// dynamic_gather. Each reads its shape operands, validates every value
// (negative sizes, overflow, agreement with the static dimensions of the
// result type) and fails with an InvalidInput error before allocating
// anything; the allocation itself is charged to the memory budget like any
// other. They then share the code of their static counterparts.

func init() {
	register("stablehlo.dynamic_broadcast_in_dim", dmDynamicBroadcastInDim)
	register("stablehlo.dynamic_iota", dmDynamicIota)
	register("stablehlo.dynamic_reshape", dmDynamicReshape)
	register("stablehlo.dynamic_pad", dmDynamicPad)
	register("stablehlo.real_dynamic_slice", dmRealDynamicSlice)
	register("stablehlo.dynamic_gather", dmDynamicGather)
}

// dmValues reads operand i, a 1-D integer tensor, as int64 values. want >= 0
// requires that many values. Unsigned values above MaxInt64 saturate (and are
// then rejected by the callers' range checks).
func dmValues(op *ir.Op, in []Val, i int, what string, want int) ([]int64, error) {
	t := in[i].T
	if len(t.Shape) != 1 || !dmIsIndexType(t.DType) {
		return nil, dmReject(op, "%s (operand %d of %s) must be a 1-D integer tensor, got %s%v", what, i, op.Name, t.DType, t.Shape)
	}
	if want >= 0 && t.Shape[0] != int64(want) {
		return nil, dmBadValue(op, "%s has %d values, want %d", what, t.Shape[0], want)
	}
	n := t.Shape[0]
	out := make([]int64, n) // n is want, or the length of an existing tensor
	for k := int64(0); k < n; k++ {
		out[k] = dmIndexAt(t, k)
	}
	return out, nil
}

// dmShapeValues reads a shape operand for result 0: one value per result
// dimension, each non-negative, matching the result type's static
// dimensions, with an element count that fits.
func dmShapeValues(op *ir.Op, in []Val, i int, what string) ([]int64, *ir.TensorType, error) {
	tt, err := dmResultType(op, 0)
	if err != nil {
		return nil, nil, err
	}
	shape, err := dmValues(op, in, i, what, len(tt.Shape))
	if err != nil {
		return nil, nil, err
	}
	for k, d := range shape {
		if d < 0 {
			return nil, nil, dmBadValue(op, "%s gives dimension %d the size %d, which is negative", what, k, d)
		}
		if tt.Shape[k] >= 0 && tt.Shape[k] != d {
			return nil, nil, dmBadValue(op, "%s gives dimension %d the size %d, but the result type %s says %d", what, k, d, tt, tt.Shape[k])
		}
	}
	if _, err := dmShapeElems(op, shape, dmBadValue); err != nil {
		return nil, nil, err
	}
	return shape, tt, nil
}

func dmDynamicBroadcastInDim(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 2); err != nil {
		return nil, err
	}
	shape, _, err := dmShapeValues(op, in, 1, "output_dimensions")
	if err != nil {
		return nil, err
	}
	dims, err := dmIntsAttr(op, "broadcast_dimensions")
	if err != nil {
		return nil, err
	}
	// known_expanding_dimensions / known_nonexpanding_dimensions are hints
	// about the values; the result does not depend on them.
	return dmBroadcast(c, op, in[0].T, shape, dims, dmBadValue)
}

func dmDynamicIota(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 1); err != nil {
		return nil, err
	}
	shape, tt, err := dmShapeValues(op, in, 0, "output_shape")
	if err != nil {
		return nil, err
	}
	dim, err := dmIntAttr(op, "iota_dimension")
	if err != nil {
		return nil, err
	}
	return dmIotaInto(c, op, tt, shape, dim, dmBadValue)
}

func dmDynamicReshape(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 2); err != nil {
		return nil, err
	}
	shape, _, err := dmShapeValues(op, in, 1, "output_shape")
	if err != nil {
		return nil, err
	}
	return dmReshapeTo(c, op, in[0].T, shape, dmBadValue)
}

func dmDynamicPad(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 5); err != nil {
		return nil, err
	}
	r := len(in[0].T.Shape)
	low, err := dmValues(op, in, 2, "edge_padding_low", r)
	if err != nil {
		return nil, err
	}
	high, err := dmValues(op, in, 3, "edge_padding_high", r)
	if err != nil {
		return nil, err
	}
	interior, err := dmValues(op, in, 4, "interior_padding", r)
	if err != nil {
		return nil, err
	}
	return dmPad(c, op, in[0].T, in[1].T, low, high, interior, dmBadValue)
}

func dmRealDynamicSlice(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 4); err != nil {
		return nil, err
	}
	r := len(in[0].T.Shape)
	start, err := dmValues(op, in, 1, "start_indices", r)
	if err != nil {
		return nil, err
	}
	limit, err := dmValues(op, in, 2, "limit_indices", r)
	if err != nil {
		return nil, err
	}
	strides, err := dmValues(op, in, 3, "strides", r)
	if err != nil {
		return nil, err
	}
	return dmStridedSlice(c, op, in[0].T, start, limit, strides, dmBadValue)
}

func dmDynamicGather(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	if err := dmTensors(op, in, 3); err != nil {
		return nil, err
	}
	sizes, err := dmValues(op, in, 2, "slice_sizes", len(in[0].T.Shape))
	if err != nil {
		return nil, err
	}
	return dmGather(c, op, in[0].T, in[1].T, sizes, dmBadValue)
}
