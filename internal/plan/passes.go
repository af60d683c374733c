package plan

import (
	"context"
	"fmt"
	"strings"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
)

// pureOps have no effects beyond their results: they may be folded,
// deduplicated and removed when unused. Ops with regions count as pure only
// when every op inside is pure too.
var pureOps = map[string]bool{}

func init() {
	for _, s := range strings.Fields(`abs add and atan2 broadcast_in_dim cbrt ceil clamp compare complex
		concatenate constant convert cosine count_leading_zeros divide dot dot_general exponential
		exponential_minus_one floor imag iota is_finite log log_plus_one logistic maximum minimum
		multiply negate not or popcnt power real reduce remainder reshape reverse round_nearest_afz
		round_nearest_even rsqrt select shift_left shift_right_arithmetic shift_right_logical sign sine
		slice sqrt subtract tan tanh transpose xor pad gather dynamic_slice dynamic_update_slice
		reduce_window sort map bitcast_convert reduce_precision return`) {
		pureOps["stablehlo."+s] = true
	}
}

func isPure(op *ir.Op) bool {
	if !pureOps[op.Name] {
		return false
	}
	ok := true
	for _, r := range op.Regions {
		r.Walk(func(o *ir.Op) bool {
			if !pureOps[o.Name] {
				ok = false
			}
			return ok
		})
	}
	return ok
}

// lowerPass picks each node's kernel: native when supportNative has one,
// else the reference fallback.
func lowerPass(g *graph) error {
	for _, n := range g.nodes {
		if !g.opts.NoNative {
			if n.op.Name == "stablehlo.while" {
				n.nat = whileNative(g, n)
			} else {
				n.nat = supportNative(n)
			}
		}
		if n.nat == nil {
			fb, err := newFallback(n)
			if err != nil {
				return err
			}
			n.fb = fb
		} else if n.nat.kind != kWhile { // a loop's regions charge their own
			n.fl = flopsOf(n)
		}
	}
	return nil
}

// foldPass evaluates, at compile time, pure nodes whose inputs are all
// constants and whose results are small (constants themselves always),
// through the reference executor.
func foldPass(g *graph) error {
	for _, n := range g.nodes {
		if n.dead || !isPure(n.op) || len(n.capt) > 0 {
			continue
		}
		allConst := true
		for _, v := range n.in {
			if v.konst == nil {
				allConst = false
				break
			}
		}
		if !allConst {
			continue
		}
		var size int64
		for _, v := range n.out {
			size += v.bytes
		}
		isConst := n.op.Name == "stablehlo.constant"
		if !isConst && g.opts.NoFold {
			continue
		}
		if isConst && isSplat(n.op) && size > g.opts.FoldMaxBytes {
			// A splat's text is one element: expanding it here would
			// allocate outside every budget (a program can name a
			// splat of 2^47 bytes). It is filled at run time, budgeted.
			continue
		}
		if !isConst {
			if size > g.opts.FoldMaxBytes || g.folded+size > g.opts.FoldMaxTotal {
				continue
			}
			if fl := flopsOf(n); fl < 0 || fl > g.opts.FoldMaxFLOPs {
				continue
			}
		}
		fb := n.fb
		if fb == nil {
			var err error
			if fb, err = newFallback(n); err != nil {
				continue
			}
		}
		ins := make([]*tensorT, len(fb.args))
		for i, v := range fb.args {
			ins[i] = v.konst
		}
		lim := exec.Limits{MaxMemory: 4*size + 4*g.opts.FoldMaxBytes + 1<<20, MaxFLOPs: g.opts.FoldMaxFLOPs + 1}
		for _, v := range fb.args {
			lim.MaxMemory += v.bytes
		}
		outs, _, err := exec.Run(context.Background(), g.m, fb.fn, ins, lim)
		if err != nil || len(outs) != len(n.out) {
			continue // left to run time, which reports the error
		}
		for i, v := range n.out {
			if outs[i].DType != v.dt || int64(len(outs[i].Data)) != v.bytes {
				return fmt.Errorf("folding %s gave %s%v, want %s", n.op.Name, outs[i].DType, outs[i].Shape, v.typ)
			}
			if len(ins) > 0 && outs[i] == ins[0] {
				outs[i] = outs[i].Clone()
			}
			v.konst = outs[i]
			v.def = nil
		}
		if !isConst {
			g.folded += size
		}
		n.dead = true
	}
	return nil
}

// csePass replaces a pure node by an earlier identical one (same op, same
// attributes, same inputs). Ops with regions are left alone; constants are
// compared by value when small.
func csePass(g *graph) error {
	repl := map[*value]*value{}
	get := func(v *value) *value {
		if r, ok := repl[v]; ok {
			return r
		}
		return v
	}
	seen := map[string]*node{}
	konsts := map[string]*value{}
	var sb strings.Builder
	for _, n := range g.nodes {
		if n.dead {
			continue
		}
		for i, v := range n.in {
			n.in[i] = get(v)
		}
		for i, v := range n.capt {
			n.capt[i] = get(v)
		}
		if n.fb != nil {
			n.fb.args = n.fb.argsOf(n)
		}
		if !isPure(n.op) || len(n.op.Regions) > 0 {
			continue
		}
		sb.Reset()
		sb.WriteString(n.op.Name)
		for _, v := range n.in {
			if v.konst != nil && v.bytes <= 4096 {
				if k, ok := konsts[konstKey(v)]; ok {
					v = k
				} else {
					konsts[konstKey(v)] = v
				}
			}
			fmt.Fprintf(&sb, " %d", v.id)
		}
		for _, v := range n.out {
			sb.WriteString(" ")
			sb.WriteString(v.typ.String())
		}
		// The attributes' text, not %v: that prints pointers for array,
		// struct and elements attributes, and no two ops would match.
		sb.WriteString(" ")
		sb.WriteString(ir.PrintDict(n.op.Props))
		sb.WriteString(ir.PrintDict(n.op.Attrs))
		key := sb.String()
		if prev, ok := seen[key]; ok {
			for i, v := range n.out {
				repl[v] = prev.out[i]
			}
			n.dead = true
			continue
		}
		seen[key] = n
	}
	for i, v := range g.outs {
		g.outs[i] = get(v)
	}
	return nil
}

func konstKey(v *value) string { return v.typ.String() + "|" + string(v.konst.Data) }

// dcePass removes pure nodes none of whose results is used, and counts
// the uses of every value by the remaining nodes and the outputs. After
// fusion a group's root reads for all its members (its sources, views
// included), so layout nodes that only fed views go too.
func dcePass(g *graph) error {
	for _, v := range g.vals {
		v.uses = 0
	}
	for _, v := range g.outs {
		v.uses++
	}
	for i := len(g.nodes) - 1; i >= 0; i-- {
		n := g.nodes[i]
		if n.dead {
			continue
		}
		reads := [][]*value{n.in, n.capt}
		if n.grp != nil && n.grp.refs != nil {
			if n.grp.out != n.out[0] {
				continue // a member: its root reads for it
			}
			reads = [][]*value{n.grp.values()}
		}
		used := false
		for _, v := range n.out {
			if v.uses > 0 {
				used = true
			}
		}
		if !used && isPure(n.op) {
			n.dead = true
			continue
		}
		for _, l := range reads {
			for _, v := range l {
				v.uses++
			}
		}
	}
	live := g.nodes[:0]
	for _, n := range g.nodes {
		if !n.dead {
			live = append(live, n)
		}
	}
	g.nodes = live
	return nil
}

// group is a fused elementwise chain: members in schedule order, the last
// one's result is the group's only materialised output; every other
// member's result is read once, by a later member. Inputs from outside
// come from sources: a value read element for element, or a strided view
// of a value (a broadcast, transpose or slice fused into the chain, so the
// view is never materialised: JAX's broadcast of a scalar to the full
// shape costs nothing).
type group struct {
	members []*node
	srcs    []groupSrc
	refs    [][]int // refs[i][j]: member i's input j: ≥ 0 a member, < 0 source −1−ref
	out     *value
	nbuf    int   // chunk-sized scratch buffers: one per member and per view
	chunk   int64 // elements per chunk: Options.ChunkElems, or fewer for a small group
	maxIn   int   // most operands of a member
}

// groupSrc is one external input of a group.
type groupSrc struct {
	v     *value
	view  *native // nil: read directly; else a kStrided view of v
	shape []int64 // shape of the view
	splat bool    // every element of the view is v's first: filled once
	buf   int     // scratch buffer of a view (after the members'), or -1
}

// scratchPer is the scratch one thread of the group needs: a chunk of up
// to 8-byte elements per buffer.
func (gr *group) scratchPer() int64 { return int64(gr.nbuf) * gr.chunk * 8 }

// parts is how many threads evaluate the group: one below parallelMin
// elements.
func (gr *group) parts(threads int) int64 {
	if gr.out.n < parallelMin {
		return 1
	}
	return max(1, min(int64(threads), gr.out.n/(parallelMin/2)))
}

// direct reports whether the group reads v only element for element (so
// its output may overwrite v in place).
func (gr *group) direct(v *value) bool {
	for _, s := range gr.srcs {
		if s.v == v && s.view != nil {
			return false
		}
	}
	return true
}

// values lists the values the group reads, once each.
func (gr *group) values() []*value {
	var out []*value
	seen := map[*value]bool{}
	for _, s := range gr.srcs {
		if !seen[s.v] {
			seen[s.v] = true
			out = append(out, s.v)
		}
	}
	return out
}

// fusePass merges an elementwise node into its only consumer when both are
// fusible elementwise nodes over the same element count, then turns the
// strided layout nodes (broadcast_in_dim, transpose, slice) that feed a
// group into views the group reads through. A layout node none of whose
// results is then read is removed.
func fusePass(g *graph) error {
	if g.opts.NoFusion {
		return nil
	}
	consumer := map[*value]*node{}
	for _, n := range g.nodes {
		for _, v := range n.in {
			consumer[v] = n
		}
		for _, v := range n.capt {
			consumer[v] = nil
		}
	}
	for _, n := range g.nodes {
		if !fusible(n) {
			continue
		}
		if n.grp == nil {
			n.grp = &group{members: []*node{n}}
		}
		for _, v := range n.in {
			d := v.def
			if d == nil || v.uses != 1 || consumer[v] != n || !fusible(d) || v.n != n.out[0].n || d.grp == nil || d.grp == n.grp ||
				len(d.grp.members)+len(n.grp.members) > maxGroup {
				continue
			}
			// merge d's group into n's, keeping schedule order
			merged := mergeOrdered(d.grp.members, n.grp.members)
			for _, m := range d.grp.members {
				m.grp = n.grp
			}
			n.grp.members = merged
		}
	}
	removed := false
	for _, n := range g.nodes {
		gr := n.grp
		if gr == nil || gr.members[len(gr.members)-1] != n {
			continue
		}
		gr.out = n.out[0]
		gr.chunk = max(1, min(int64(g.opts.ChunkElems), gr.out.n))
		finishGroup(gr) // a lone op is a group too: it runs chunked and in parallel
		for _, s := range gr.srcs {
			if s.view != nil {
				removed = true
			}
		}
	}
	if removed {
		return dcePass(g)
	}
	return nil
}

// finishGroup fills gr's sources and member references.
func finishGroup(gr *group) {
	pos := map[*value]int{}
	for i, m := range gr.members {
		pos[m.out[0]] = i
	}
	srcIdx := map[*value]int{}
	gr.refs = make([][]int, len(gr.members))
	for _, m := range gr.members {
		gr.maxIn = max(gr.maxIn, len(m.in))
	}
	gr.nbuf = len(gr.members)
	defer func() {
		for k := range gr.srcs {
			gr.srcs[k].buf = -1
			if gr.srcs[k].view != nil {
				gr.srcs[k].buf = gr.nbuf
				gr.nbuf++
			}
		}
	}()
	for i, m := range gr.members {
		gr.refs[i] = make([]int, len(m.in))
		for j, v := range m.in {
			if p, ok := pos[v]; ok {
				gr.refs[i][j] = p
				continue
			}
			k, ok := srcIdx[v]
			if !ok {
				k = len(gr.srcs)
				srcIdx[v] = k
				gr.srcs = append(gr.srcs, viewSource(v))
			}
			gr.refs[i][j] = -1 - k
		}
	}
}

// viewSource reads v through the strided node that defines it when that
// node only moves whole elements of 1, 4 or 8 bytes.
func viewSource(v *value) groupSrc {
	d := v.def
	if d == nil || d.nat == nil || d.nat.kind != kStrided || d.grp != nil || len(d.in) != 1 {
		return groupSrc{v: v}
	}
	switch v.dt.Size() {
	case 1, 4, 8:
	default:
		return groupSrc{v: v}
	}
	splat := true
	for _, s := range d.nat.istr {
		if s != 0 {
			splat = false
		}
	}
	return groupSrc{v: d.in[0], view: d.nat, shape: v.shape, splat: splat}
}

// maxGroup bounds a fused chain (and keeps fusion linear).
const maxGroup = 64

func mergeOrdered(a, b []*node) []*node {
	out := make([]*node, 0, len(a)+len(b))
	pos := func(n *node) int { return n.out[0].id }
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j >= len(b) || (i < len(a) && pos(a[i]) < pos(b[j])) {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return out
}

func fusible(n *node) bool {
	if n.nat == nil || n.nat.kind != kEW || len(n.out) != 1 {
		return false
	}
	for _, v := range n.in {
		if v.n != n.out[0].n {
			return false
		}
	}
	return true
}

// isSplat reports whether a constant's literal is a splat.
func isSplat(op *ir.Op) bool {
	e, ok := op.Props.Get("value").(*ir.ElementsAttr)
	return !ok || e.Splat
}
