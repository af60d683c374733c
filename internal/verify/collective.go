package verify

import (
	"fmt"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Collectives, host I/O, point-to-point and async ops. The default policy
// rejects all of them; they are still verified against the spec so that a
// policy which admits one (for the upstream conformance corpus) only admits
// well-formed programs.

var _ = register(map[string]func(*ctx) *diag.Error{
	"stablehlo.all_gather":           checkAllGather,
	"stablehlo.all_reduce":           checkAllReduce,
	"stablehlo.all_to_all":           checkAllToAll,
	"stablehlo.reduce_scatter":       checkReduceScatter,
	"stablehlo.collective_permute":   checkCollectivePermute,
	"stablehlo.collective_broadcast": checkCollectiveBroadcast,
	"stablehlo.collective_reduce":    checkCollectiveReduce,
	"stablehlo.partition_id":         checkProcessID,
	"stablehlo.replica_id":           checkProcessID,
	"stablehlo.infeed":               checkInfeed,
	"stablehlo.outfeed":              checkOutfeed,
	"stablehlo.send":                 checkSend,
	"stablehlo.recv":                 checkRecv,
	"stablehlo.async_start":          checkAsync,
	"stablehlo.async_done":           checkAsync,
})

// replicaGroups checks a 2-D integer replica_groups literal: ids unique and
// non-negative (-1 pads uneven groups), below the device count when the
// module declares it. It returns the group size (-1 when absent).
func (c *ctx) replicaGroups(name string, required bool) (int64, *diag.Error) {
	a := c.attr(name)
	if a == nil {
		if required {
			return -1, c.missing(name)
		}
		return -1, nil
	}
	e, ok := a.(*ir.ElementsAttr)
	if !ok || e == nil || e.Type == nil {
		return -1, c.badAttr(name, "a 2-D dense<...> : tensor<NxMxi64> literal", a)
	}
	if len(e.Type.Shape) != 2 || e.Type.Elem.Quant != nil || !e.Type.Elem.DType.IsInteger() {
		return -1, c.errf("replica_groups", "use a 2-D integer literal", "%s must be a 2-D integer literal, got %s", name, e.Type)
	}
	n, ok := e.NumElements()
	if !ok || n > maxAttrInts {
		return -1, c.errf("replica_groups", "use fewer groups", "%s has too many elements", name)
	}
	seen := make(map[int64]bool, n)
	for i := range n {
		id := e.IntAt(i)
		if id == -1 {
			continue
		}
		if id < 0 || (c.v.maxDevices > 0 && id >= c.v.maxDevices) {
			return -1, c.errf("replica_groups", "use process ids of this program", "%s contains the id %d", name, id)
		}
		if seen[id] {
			return -1, c.errf("replica_groups", "list each process once", "%s lists process %d twice", name, id)
		}
		seen[id] = true
	}
	return e.Type.Shape[1], nil
}

// processGroupSize is dim(process_groups, 1) for ops whose process groups
// follow cross_replica, cross_replica_and_partition or flattened_ids: the
// replica group size g, times num_partitions in cross_replica_and_partition
// mode; -1 when unknown.
func (c *ctx) processGroupSize(g, channelID int64) (int64, *diag.Error) {
	global, err := c.boolAttr("use_global_device_ids", false)
	if err != nil {
		return -1, err
	}
	if g < 0 || channelID <= 0 || global {
		return g, nil
	}
	if c.v.numPartitions < 0 {
		return -1, nil
	}
	return g * c.v.numPartitions, nil
}

// channel reads channel_handle (handle, type) and checks
// use_global_device_ids; it returns the channel id (0 when absent).
func (c *ctx) channel(required bool) (int64, int64, *diag.Error) {
	a := c.attr("channel_handle")
	var id, typ int64
	if a == nil {
		if required {
			return 0, 0, c.missing("channel_handle")
		}
	} else {
		s, ok := a.(*ir.StructAttr)
		if !ok || s == nil || s.Name != "channel_handle" {
			return 0, 0, c.badAttr("channel_handle", "#stablehlo.channel_handle<handle = N, type = T>", a)
		}
		var err *diag.Error
		if id, err = c.structInt(s, "handle", "channel_handle", 0, false); err != nil {
			return 0, 0, err
		}
		if typ, err = c.structInt(s, "type", "channel_handle", 0, false); err != nil {
			return 0, 0, err
		}
		if typ < 0 || typ > 3 {
			return 0, 0, c.errf("channel_handle", "use channel type 0..3", "channel type %d is not defined", typ)
		}
	}
	global, err := c.boolAttr("use_global_device_ids", false)
	if err != nil {
		return 0, 0, err
	}
	if global && id <= 0 {
		return 0, 0, c.errf("channel_handle", "give a positive channel id with use_global_device_ids", "use_global_device_ids needs channel_id > 0, got %d", id)
	}
	return id, typ, nil
}

func (c *ctx) collectiveDim(name string, rank int) (int64, *diag.Error) {
	d, err := c.intAttr(name, 0, true)
	if err != nil {
		return 0, err
	}
	if d < 0 || d >= int64(rank) {
		return 0, c.errf(name, "use a dimension of the operand", "%s %d is out of range for rank %d", name, d, rank)
	}
	return d, nil
}

func checkAllGather(c *ctx) *diag.Error {
	if err := c.minArity(1, 1); err != nil {
		return err
	}
	if err := c.arity(-1, len(c.op.Operands)); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	g, err := c.replicaGroups("replica_groups", true)
	if err != nil {
		return err
	}
	ch, _, err := c.channel(false)
	if err != nil {
		return err
	}
	if g, err = c.processGroupSize(g, ch); err != nil {
		return err
	}
	for i, t := range ts {
		if err := c.elemIn(t, cAnyNQ|cQuantPT, operandName(i)); err != nil {
			return err
		}
		d, err := c.collectiveDim("all_gather_dim", len(t.Shape))
		if err != nil {
			return err
		}
		if err := c.sameElem(t, rs[i], operandName(i), resultName(i)); err != nil {
			return err
		}
		want := append([]int64(nil), t.Shape...)
		if want[d] >= 0 && g >= 0 {
			v, ok := mulI(want[d], g)
			if !ok {
				return c.overflow("shape")
			}
			want[d] = v
		} else {
			want[d] = ir.Dynamic
		}
		if err := c.expectShape(rs[i], want, resultName(i)); err != nil {
			return err
		}
	}
	return nil
}

func checkAllReduce(c *ctx) *diag.Error {
	if err := c.minArity(1, 1); err != nil {
		return err
	}
	if err := c.arity(-1, len(c.op.Operands)); err != nil {
		return err
	}
	if len(c.op.Regions) != 1 {
		return c.errf("region", "give all_reduce one computation", "all_reduce needs 1 region, has %d", len(c.op.Regions))
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	if _, err := c.replicaGroups("replica_groups", true); err != nil {
		return err
	}
	if _, _, err := c.channel(false); err != nil {
		return err
	}
	for i, t := range ts {
		if err := c.elemIn(t, cAnyNQ|cQuantPT, operandName(i)); err != nil {
			return err
		}
	}
	// C5: one (tensor<E>, tensor<E>) -> tensor<E> computation applied to
	// every operand.
	for i := range ts {
		es, err := c.reducer(0, []ir.Element{ts[i].Elem})
		if err != nil {
			return err
		}
		if err := c.checkResults(rs[i:i+1], es, ts[i].Shape); err != nil {
			return err
		}
	}
	return nil
}

func checkAllToAll(c *ctx) *diag.Error {
	if err := c.minArity(1, 1); err != nil {
		return err
	}
	if err := c.arity(-1, len(c.op.Operands)); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	g, err := c.replicaGroups("replica_groups", true)
	if err != nil {
		return err
	}
	if _, _, err := c.channel(false); err != nil {
		return err
	}
	count, err := c.intAttr("split_count", 0, true)
	if err != nil {
		return err
	}
	if count <= 0 {
		return c.errf("split_count", "use a positive split_count", "split_count is %d", count)
	}
	if g >= 0 && g != count {
		return c.errf("replica_groups", "use groups of split_count processes", "replica groups have %d processes, split_count is %d", g, count)
	}
	for i, t := range ts {
		if err := c.elemIn(t, cAnyNQ|cQuantPT, operandName(i)); err != nil {
			return err
		}
		sd, err := c.collectiveDim("split_dimension", len(t.Shape))
		if err != nil {
			return err
		}
		cd, err := c.collectiveDim("concat_dimension", len(t.Shape))
		if err != nil {
			return err
		}
		if s := t.Shape[sd]; s >= 0 && s%count != 0 {
			return c.errf("split_count", "use a split_count that divides the split dimension", "dimension %d (size %d) is not divisible by split_count %d", sd, s, count)
		}
		if err := c.sameElem(t, rs[i], operandName(i), resultName(i)); err != nil {
			return err
		}
		want := append([]int64(nil), t.Shape...)
		if sd != cd {
			if want[sd] >= 0 {
				want[sd] /= count
			}
			if want[cd] >= 0 {
				v, ok := mulI(want[cd], count)
				if !ok {
					return c.overflow("shape")
				}
				want[cd] = v
			}
		}
		if err := c.expectShape(rs[i], want, resultName(i)); err != nil {
			return err
		}
	}
	return nil
}

func checkReduceScatter(c *ctx) *diag.Error {
	if err := c.arity(1, 1); err != nil {
		return err
	}
	if len(c.op.Regions) != 1 {
		return c.errf("region", "give reduce_scatter one computation", "reduce_scatter needs 1 region, has %d", len(c.op.Regions))
	}
	x, err := c.operandT(0)
	if err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	g, err := c.replicaGroups("replica_groups", true)
	if err != nil {
		return err
	}
	ch, _, err := c.channel(false)
	if err != nil {
		return err
	}
	if g, err = c.processGroupSize(g, ch); err != nil {
		return err
	}
	d, err := c.collectiveDim("scatter_dimension", len(x.Shape))
	if err != nil {
		return err
	}
	want := append([]int64(nil), x.Shape...)
	if g == 0 {
		return c.errf("replica_groups", "use non-empty groups", "replica groups are empty")
	}
	if want[d] >= 0 && g > 0 {
		if want[d]%g != 0 {
			return c.errf("scatter_dimension", "use a group size that divides the scatter dimension", "dimension %d (size %d) is not divisible by the group size %d", d, want[d], g)
		}
		want[d] /= g
	} else {
		want[d] = ir.Dynamic
	}
	es, err := c.reducer(0, []ir.Element{x.Elem})
	if err != nil {
		return err
	}
	return c.checkResults([]*ir.TensorType{r}, es, want)
}

// pairs checks source_target_pairs (N x 2, unique sources and targets).
func (c *ctx) pairs() *diag.Error {
	a := c.attr("source_target_pairs")
	if a == nil {
		return nil
	}
	e, ok := a.(*ir.ElementsAttr)
	if !ok || e == nil || e.Type == nil {
		return c.badAttr("source_target_pairs", "a dense<...> : tensor<Nx2xi64> literal", a)
	}
	if len(e.Type.Shape) != 2 || e.Type.Shape[1] != 2 || e.Type.Elem.Quant != nil || !e.Type.Elem.DType.IsInteger() {
		return c.errf("source_target_pairs", "use an Nx2 integer literal", "source_target_pairs must be Nx2, got %s", e.Type)
	}
	n := e.Type.Shape[0]
	if n > maxAttrInts {
		return c.errf("source_target_pairs", "use fewer pairs", "source_target_pairs has %d pairs", n)
	}
	for col := range int64(2) {
		seen := map[int64]bool{}
		for i := range n {
			id := e.IntAt(2*i + col)
			if id < 0 || (c.v.maxDevices > 0 && id >= c.v.maxDevices) {
				return c.errf("source_target_pairs", "use process ids of this program", "source_target_pairs contains the id %d", id)
			}
			if seen[id] {
				return c.errf("source_target_pairs", "use each source and each target once", "source_target_pairs repeats %d", id)
			}
			seen[id] = true
		}
	}
	return nil
}

func checkCollectivePermute(c *ctx) *diag.Error {
	x, r, err := unaryTypes(c)
	if err != nil {
		return err
	}
	if a := c.attr("source_target_pairs"); a == nil {
		return c.missing("source_target_pairs")
	}
	if err := c.pairs(); err != nil {
		return err
	}
	if _, _, err := c.channel(false); err != nil {
		return err
	}
	if err := c.elemIn(x, cAnyNQ|cQuantPT, "operand"); err != nil {
		return err
	}
	return c.sameType(x, r, "operand", "result")
}

func checkCollectiveBroadcast(c *ctx) *diag.Error {
	if err := c.noRegions(); err != nil {
		return err
	}
	dyn, err := c.boolAttr("has_dynamic_root", false)
	if err != nil {
		return err
	}
	if _, err := c.replicaGroups("replica_groups", true); err != nil {
		return err
	}
	if _, _, err := c.channel(false); err != nil {
		return err
	}
	nd := 0
	if dyn {
		nd = 1
	}
	if err := c.minArity(1+nd, 0); err != nil {
		return err
	}
	n := len(c.op.Operands) - nd
	if err := c.arity(-1, n); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	for i := range n {
		if err := c.elemIn(ts[i], cAnyNQ|cQuantPT, operandName(i)); err != nil {
			return err
		}
		if err := c.sameType(ts[i], rs[i], operandName(i), resultName(i)); err != nil {
			return err
		}
	}
	if dyn {
		root := ts[n]
		if len(root.Shape) != 1 || !dimEq(root.Shape[0], int64(n)) || root.Elem.Quant != nil || root.Elem.DType != tensor.I32 {
			return c.errf("types", fmt.Sprintf("pass the roots as tensor<%dxi32>", n), "dynamic root operand must be tensor<%dxi32>, got %s", n, root)
		}
	}
	return nil
}

func checkCollectiveReduce(c *ctx) *diag.Error {
	if len(c.op.Regions) != 1 {
		return c.errf("region", "give collective_reduce one computation", "collective_reduce needs 1 region, has %d", len(c.op.Regions))
	}
	dyn, err := c.boolAttr("has_dynamic_root", false)
	if err != nil {
		return err
	}
	if _, err := c.replicaGroups("replica_groups", true); err != nil {
		return err
	}
	if _, _, err := c.channel(false); err != nil {
		return err
	}
	nd := 0
	if dyn {
		nd = 1
	}
	if err := c.minArity(1+nd, 0); err != nil {
		return err
	}
	n := len(c.op.Operands) - nd
	if err := c.arity(-1, n); err != nil {
		return err
	}
	ts, err := c.operandTs()
	if err != nil {
		return err
	}
	rs, err := c.resultTs()
	if err != nil {
		return err
	}
	for i := range n {
		if err := c.elemIn(ts[i], cAnyNQ|cQuantPT, operandName(i)); err != nil {
			return err
		}
		es, err := c.reducer(0, []ir.Element{ts[i].Elem})
		if err != nil {
			return err
		}
		if err := c.checkResults(rs[i:i+1], es, ts[i].Shape); err != nil {
			return err
		}
	}
	if dyn {
		root := ts[n]
		if len(root.Shape) != 1 || !dimEq(root.Shape[0], int64(n)) || classOf(root.Elem)&cInt == 0 {
			return c.errf("types", fmt.Sprintf("pass the roots as a tensor of %d integers", n), "dynamic root operand must have %d integer elements, got %s", n, root)
		}
	}
	return nil
}

func checkProcessID(c *ctx) *diag.Error {
	if err := c.arity(0, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	r, err := c.resultT(0)
	if err != nil {
		return err
	}
	if !isScalar(r) || r.Elem.Quant != nil || r.Elem.DType != tensor.U32 {
		return c.errf("types", "declare the result as tensor<ui32>", "result of %s must be tensor<ui32>, got %s", c.op.Name, r)
	}
	return nil
}

func checkInfeed(c *ctx) *diag.Error {
	if err := c.arity(1, -1); err != nil {
		return err
	}
	if err := c.minArity(1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	if !isToken(c.op.Operands[0].Type) {
		return c.errf("types", "pass a token", "operand of infeed must be a token")
	}
	if _, _, err := c.stringAttr("infeed_config", false); err != nil {
		return err
	}
	n := len(c.op.Results)
	for i, r := range c.op.Results {
		if i == n-1 {
			if !isToken(r.Type) {
				return c.errf("types", "make the last result a token", "last result of infeed must be a token")
			}
		} else if _, ok := r.Type.(*ir.TensorType); !ok {
			return c.errf("types", "receive tensors", "%s of infeed must be a tensor, got %s", resultName(i), typeStr(r.Type))
		}
	}
	return nil
}

// tensorsThenToken checks operands: tensors followed by one token.
func (c *ctx) tensorsThenToken() *diag.Error {
	if err := c.minArity(1, 0); err != nil {
		return err
	}
	n := len(c.op.Operands)
	for i, o := range c.op.Operands {
		if i == n-1 {
			if !isToken(o.Type) {
				return c.errf("types", "pass a token last", "last operand of %s must be a token", c.op.Name)
			}
		} else if _, ok := o.Type.(*ir.TensorType); !ok {
			return c.errf("types", "pass tensors", "%s of %s must be a tensor, got %s", operandName(i), c.op.Name, typeStr(o.Type))
		}
	}
	return nil
}

func checkOutfeed(c *ctx) *diag.Error {
	if err := c.arity(-1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	if err := c.tensorsThenToken(); err != nil {
		return err
	}
	if _, _, err := c.stringAttr("outfeed_config", false); err != nil {
		return err
	}
	if !isToken(c.op.Results[0].Type) {
		return c.errf("types", "declare the result as a token", "result of outfeed must be a token")
	}
	return nil
}

func checkSend(c *ctx) *diag.Error {
	if err := c.arity(-1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	if err := c.tensorsThenToken(); err != nil {
		return err
	}
	if !isToken(c.op.Results[0].Type) {
		return c.errf("types", "declare the result as a token", "result of send must be a token")
	}
	return c.p2p(2)
}

func checkRecv(c *ctx) *diag.Error {
	if err := c.arity(1, -1); err != nil {
		return err
	}
	if err := c.minArity(1, 1); err != nil {
		return err
	}
	if err := c.noRegions(); err != nil {
		return err
	}
	if !isToken(c.op.Operands[0].Type) {
		return c.errf("types", "pass a token", "operand of recv must be a token")
	}
	n := len(c.op.Results)
	for i, r := range c.op.Results {
		if i == n-1 {
			if !isToken(r.Type) {
				return c.errf("types", "make the last result a token", "last result of recv must be a token")
			}
		} else if _, ok := r.Type.(*ir.TensorType); !ok {
			return c.errf("types", "receive tensors", "%s of recv must be a tensor, got %s", resultName(i), typeStr(r.Type))
		}
	}
	return c.p2p(3)
}

// p2p checks send/recv attributes: a channel, is_host_transfer consistent
// with the channel type (hostType: 2 DEVICE_TO_HOST for send, 3
// HOST_TO_DEVICE for recv), and source_target_pairs.
func (c *ctx) p2p(hostType int64) *diag.Error {
	_, typ, err := c.channel(true)
	if err != nil {
		return err
	}
	host, err := c.boolAttr("is_host_transfer", false)
	if err != nil {
		return err
	}
	if typ != 0 && (host != (typ == hostType)) {
		return c.errf("channel_handle", "use a host channel type exactly for host transfers",
			"channel type %d does not agree with is_host_transfer = %v", typ, host)
	}
	return c.pairs()
}

func checkAsync(c *ctx) *diag.Error {
	return c.errf("types", "use the synchronous op instead",
		"%s produces or consumes a future, a type hlogate does not represent", c.op.Name)
}
