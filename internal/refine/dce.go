package refine

import "github.com/hlogate/hlogate/internal/ir"

// pure ops have no effect besides their results; dce removes them when no
// result is used. Ops with regions, calls and custom calls are kept.
var pure = map[string]bool{
	"stablehlo.constant": true, "stablehlo.iota": true, "stablehlo.reshape": true,
	"stablehlo.broadcast_in_dim": true, "stablehlo.concatenate": true, "stablehlo.slice": true,
	"stablehlo.transpose": true, "stablehlo.get_dimension_size": true, "stablehlo.tuple": true,
	"stablehlo.get_tuple_element": true, "stablehlo.pad": true, "stablehlo.reverse": true,
	"stablehlo.dynamic_slice": true, "stablehlo.gather": true,
}

func isPure(name string) bool {
	return pure[name] || (elementwise[name] && name != "stablehlo.map")
}

// dce removes unused pure ops from a function body, nested regions
// included. Uses are counted once over the whole body, then each block is
// swept from its end, so chains of dead ops go in one pass per nesting
// level; the loop stops when a sweep removes nothing.
func dce(body *ir.Region) {
	if body == nil {
		return
	}
	for {
		uses := map[*ir.Value]int{}
		body.Walk(func(o *ir.Op) bool {
			for _, v := range o.Operands {
				uses[v]++
			}
			return true
		})
		removed := false
		var sweep func(r *ir.Region, depth int)
		sweep = func(r *ir.Region, depth int) {
			for _, b := range r.Blocks {
				keep := make([]*ir.Op, 0, len(b.Ops))
				for i := len(b.Ops) - 1; i >= 0; i-- {
					o := b.Ops[i]
					if isPure(o.Name) && len(o.Regions) == 0 && len(o.Results) > 0 && unused(o, uses) {
						for _, v := range o.Operands {
							uses[v]--
						}
						removed = true
						continue
					}
					keep = append(keep, o)
					if depth < 256 {
						for _, rg := range o.Regions {
							sweep(rg, depth+1)
						}
					}
				}
				for l, h := 0, len(keep)-1; l < h; l, h = l+1, h-1 {
					keep[l], keep[h] = keep[h], keep[l]
				}
				b.Ops = keep
			}
		}
		sweep(body, 0)
		if !removed {
			return
		}
	}
}

func unused(o *ir.Op, uses map[*ir.Value]int) bool {
	for _, v := range o.Results {
		if uses[v] > 0 {
			return false
		}
	}
	return true
}
