package verify_test

import (
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/internal/verify"
	"github.com/hlogate/hlogate/tensor"
)

// Text fuzzing mostly exercises the parser: random byte changes rarely
// produce a module that parses. The structural fuzzer below parses valid
// corpus modules and damages their IR directly — wrong types, foreign
// attributes, missing operands, swapped op names — so that every op check
// sees inputs it was not written for. It must never panic, and every error
// must be a positioned *diag.Error.

type irPool struct {
	texts []string
	types []ir.Type
	attrs []ir.Attr
	names []string
}

func buildPool(tb testing.TB, files []string) *irPool {
	p := &irPool{}
	seenName := map[string]bool{}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, c := range mlir.SplitChunks(string(src)) {
			if len(c.Text) > 20000 {
				continue
			}
			m, err := mlir.ParseModule(c.Text, mlir.Limits{})
			if err != nil || verify.Module(m) != nil {
				continue
			}
			p.texts = append(p.texts, c.Text)
			m.Walk(func(_ *ir.Func, o *ir.Op) bool {
				if !seenName[o.Name] {
					seenName[o.Name] = true
					p.names = append(p.names, o.Name)
				}
				if len(p.types) < 4000 {
					for _, r := range o.Results {
						p.types = append(p.types, r.Type)
					}
				}
				if len(p.attrs) < 4000 {
					for _, a := range o.Props {
						p.attrs = append(p.attrs, a.Value)
					}
				}
				return true
			})
		}
	}
	p.types = append(p.types, &ir.TokenType{}, &ir.TupleType{}, &ir.TupleType{Elems: []ir.Type{&ir.TokenType{}}},
		&ir.TensorType{Elem: ir.Element{DType: tensor.Bool}}, &ir.TensorType{Shape: []int64{-1, 0}, Elem: ir.Element{DType: tensor.F32}},
		&ir.FuncType{}, &ir.TensorType{Shape: []int64{3}, Elem: ir.Element{DType: tensor.Index}})
	p.attrs = append(p.attrs, ir.IntAttr{Value: -1}, ir.IntAttr{Value: 1 << 62}, ir.ArrayAttr{}, ir.UnitAttr{},
		ir.StringAttr(""), &ir.DenseArrayAttr{Elem: tensor.F32, Floats: []float64{1}}, &ir.StructAttr{Name: "gather"},
		&ir.StructAttr{Name: "conv"}, &ir.StructAttr{Name: "dot"}, &ir.StructAttr{Name: "scatter"}, ir.DictAttr{},
		ir.SymbolRefAttr("main"), ir.SymbolRefAttr("missing"), ir.OpaqueAttr{Text: "#x<>"})
	p.names = append(p.names, verify.KnownOps()...)
	slices.Sort(p.names)
	p.names = slices.Compact(p.names)
	if len(p.texts) == 0 {
		tb.Skip("no corpus modules")
	}
	return p
}

// damage applies one random change to m.
func (p *irPool) damage(r *rand.Rand, m *ir.Module) {
	var ops []*ir.Op
	m.Walk(func(_ *ir.Func, o *ir.Op) bool { ops = append(ops, o); return true })
	if len(ops) == 0 {
		return
	}
	op := ops[r.IntN(len(ops))]
	switch r.IntN(12) {
	case 0:
		if len(op.Results) > 0 {
			op.Results[r.IntN(len(op.Results))].Type = p.types[r.IntN(len(p.types))]
		}
	case 1:
		if len(op.Operands) > 0 {
			src := ops[r.IntN(len(ops))]
			if len(src.Results) > 0 {
				op.Operands[r.IntN(len(op.Operands))] = src.Results[r.IntN(len(src.Results))]
			}
		}
	case 2:
		if len(op.Props) > 0 {
			op.Props = slices.Delete(slices.Clone(op.Props), 0, 1+r.IntN(len(op.Props)))
		}
	case 3:
		if len(op.Props) > 0 {
			op.Props = slices.Clone(op.Props)
			op.Props[r.IntN(len(op.Props))].Value = p.attrs[r.IntN(len(p.attrs))]
		}
	case 4:
		if len(op.Operands) > 0 {
			op.Operands = op.Operands[:r.IntN(len(op.Operands))]
		}
	case 5:
		if len(op.Results) > 0 {
			op.Results = op.Results[:r.IntN(len(op.Results))]
		} else {
			op.Results = []*ir.Value{{Type: p.types[r.IntN(len(p.types))], Def: op}}
		}
	case 6:
		op.Name = p.names[r.IntN(len(p.names))]
	case 7:
		if len(op.Regions) > 0 {
			op.Regions = op.Regions[:r.IntN(len(op.Regions))]
		}
	case 8:
		if len(op.Regions) > 0 {
			b := op.Regions[r.IntN(len(op.Regions))].Blocks[0]
			if len(b.Args) > 0 {
				b.Args[r.IntN(len(b.Args))].Type = p.types[r.IntN(len(p.types))]
			} else if len(b.Ops) > 0 {
				b.Ops = b.Ops[:r.IntN(len(b.Ops))]
			}
		}
	case 9:
		// Move a result type's dimension.
		if len(op.Results) > 0 {
			if t := ir.Tensor(op.Results[0].Type); t != nil && len(t.Shape) > 0 {
				n := &ir.TensorType{Shape: slices.Clone(t.Shape), Elem: t.Elem}
				n.Shape[r.IntN(len(n.Shape))] = []int64{-1, 0, 1, 7, 1 << 40}[r.IntN(5)]
				op.Results[0].Type = n
			}
		}
	case 10:
		f := m.Funcs[r.IntN(len(m.Funcs))]
		if len(f.Results) > 0 {
			f.Results[r.IntN(len(f.Results))] = p.types[r.IntN(len(p.types))]
		} else if len(f.Args) > 0 {
			f.Args[r.IntN(len(f.Args))].Type = p.types[r.IntN(len(p.types))]
		}
	case 11:
		// Splice an integer list attribute with out-of-range values.
		for i, a := range op.Props {
			if d, ok := a.Value.(*ir.DenseArrayAttr); ok && d.Floats == nil {
				v := slices.Clone(d.Ints)
				v = append(v, []int64{-1, 1 << 40, 0, 3}[r.IntN(4)])
				if len(v) > 1 && r.IntN(2) == 0 {
					v = v[1:]
				}
				op.Props = slices.Clone(op.Props)
				op.Props[i].Value = &ir.DenseArrayAttr{Elem: d.Elem, Ints: v}
				break
			}
		}
	}
}

func runDamaged(t *testing.T, p *irPool, seed uint64) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	text := p.texts[r.IntN(len(p.texts))]
	m, err := mlir.ParseModule(text, mlir.Limits{})
	if err != nil {
		t.Fatalf("corpus chunk no longer parses: %v", err)
	}
	for n := 1 + r.IntN(3); n > 0; n-- {
		p.damage(r, m)
	}
	err = verify.Module(m)
	checkErr(t, "verify", err, true)
	if err == nil {
		checkErr(t, "policy", policy.Default().Check(m), true)
	}
}

func TestStructuralFuzz(t *testing.T) {
	p := buildPool(t, testutil.CorpusFiles(t, ""))
	n := 6000
	if testing.Short() {
		n = 1000
	}
	for i := 0; i < n; i++ {
		runDamaged(t, p, uint64(i))
	}
}

// FuzzVerifyIR is the structural fuzzer as a fuzz target: the input picks
// the module and the damage.
func FuzzVerifyIR(f *testing.F) {
	for i := uint64(0); i < 16; i++ {
		f.Add(i)
	}
	var (
		once sync.Once
		p    *irPool
	)
	f.Fuzz(func(t *testing.T, seed uint64) {
		once.Do(func() { p = buildPool(t, testutil.CorpusFiles(t, "")) })
		if p == nil {
			t.Skip("no corpus")
		}
		runDamaged(t, p, seed)
	})
}
