package verify_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/internal/verify"
	"github.com/hlogate/hlogate/tensor"
)

// A mutation changes one top-level op of a valid corpus module and returns
// the rule the change must trigger, or "" when it does not apply to op.
type mutation struct {
	name string
	// on is a cheap filter on the op name, checked before re-parsing.
	on    func(name string) bool
	apply func(m *ir.Module, f *ir.Func, op *ir.Op) string
	stage stage
}

func is(names ...string) func(string) bool {
	return func(n string) bool { return slices.Contains(names, n) }
}

func short(name string) string { return strings.TrimPrefix(name, "stablehlo.") }

func cloneTT(t *ir.TensorType) *ir.TensorType {
	return &ir.TensorType{Shape: slices.Clone(t.Shape), Elem: t.Elem, Bounds: slices.Clone(t.Bounds)}
}

// shapeRuleOps infer their result shape; a changed static result dimension
// must be reported as verify.<op>.shape.
var shapeRuleOps = map[string]bool{}

// elemRuleOps derive their result element type from a float operand; a
// changed result element type must be reported as verify.<op>.types.
var elemRuleOps = map[string]bool{}

func init() {
	for _, op := range []string{"abs", "add", "subtract", "multiply", "divide", "remainder", "power", "maximum", "minimum",
		"atan2", "and", "or", "xor", "shift_left", "shift_right_logical", "shift_right_arithmetic", "sqrt", "rsqrt", "cbrt",
		"exponential", "exponential_minus_one", "log", "log_plus_one", "logistic", "sine", "cosine", "tan", "tanh", "negate",
		"sign", "floor", "ceil", "round_nearest_afz", "round_nearest_even", "not", "popcnt", "convert", "select", "clamp",
		"compare", "real", "imag", "is_finite", "transpose", "reshape", "slice", "concatenate", "pad", "dot_general",
		"reduce", "gather", "dynamic_slice", "reverse", "complex", "bitcast_convert", "reduce_window", "convolution",
		"sort", "dynamic_update_slice", "uniform_quantize", "uniform_dequantize", "scatter", "fft", "cholesky",
		"triangular_solve", "map", "reduce_precision", "count_leading_zeros"} {
		shapeRuleOps["stablehlo."+op] = true
	}
	for _, op := range []string{"add", "subtract", "multiply", "divide", "remainder", "power", "maximum", "minimum", "atan2",
		"sqrt", "rsqrt", "cbrt", "exponential", "exponential_minus_one", "log", "log_plus_one", "logistic", "sine", "cosine",
		"tan", "tanh", "negate", "sign", "floor", "ceil", "round_nearest_afz", "round_nearest_even", "select", "clamp",
		"slice", "concatenate", "pad", "transpose", "reshape", "reverse", "gather", "dynamic_slice", "abs",
		"dynamic_update_slice", "reduce_precision", "broadcast_in_dim", "sort"} {
		elemRuleOps["stablehlo."+op] = true
	}
}

func setInts(op *ir.Op, name string, v []int64) {
	op.Props.Set(name, &ir.DenseArrayAttr{Elem: tensor.I64, Ints: v})
}

func ints(op *ir.Op, name string) []int64 {
	v, _ := ir.Ints(op.Props.Get(name))
	return slices.Clone(v)
}

func firstTensor(vs []*ir.Value) *ir.TensorType {
	if len(vs) == 0 {
		return nil
	}
	return ir.Tensor(vs[0].Type)
}

var mutations = []mutation{
	{name: "result_dim", on: func(n string) bool { return shapeRuleOps[n] }, apply: func(m *ir.Module, f *ir.Func, op *ir.Op) string {
		if !shapeRuleOps[op.Name] || len(op.Results) != 1 {
			return ""
		}
		r := ir.Tensor(op.Results[0].Type)
		if r == nil || len(r.Shape) == 0 || r.Shape[0] < 0 || r.Elem.Quant != nil && r.Elem.Quant.Axis == 0 {
			return ""
		}
		n := cloneTT(r)
		n.Shape[0] += 3
		op.Results[0].Type = n
		return "verify." + short(op.Name) + ".shape"
	}},
	{name: "result_elem", on: func(n string) bool { return elemRuleOps[n] }, apply: func(m *ir.Module, f *ir.Func, op *ir.Op) string {
		if !elemRuleOps[op.Name] || len(op.Results) != 1 {
			return ""
		}
		r := ir.Tensor(op.Results[0].Type)
		if r == nil || r.Elem.Quant != nil || !r.Elem.DType.IsFloat() {
			return ""
		}
		n := cloneTT(r)
		if n.Elem.DType == tensor.F64 {
			n.Elem.DType = tensor.F32
		} else {
			n.Elem.DType = tensor.F64
		}
		op.Results[0].Type = n
		return "verify." + short(op.Name) + ".types"
	}},
	{name: "dims_attr", on: is("stablehlo.broadcast_in_dim", "stablehlo.transpose", "stablehlo.reverse", "stablehlo.reduce",
		"stablehlo.concatenate", "stablehlo.iota", "stablehlo.get_dimension_size", "stablehlo.slice", "stablehlo.pad",
		"stablehlo.dynamic_slice", "stablehlo.gather", "stablehlo.sort", "stablehlo.compare", "stablehlo.dot_general"), apply: func(m *ir.Module, f *ir.Func, op *ir.Op) string {
		x, r := firstTensor(op.Operands), firstTensor(op.Results)
		if x == nil || r == nil {
			return ""
		}
		switch op.Name {
		case "stablehlo.broadcast_in_dim":
			d := ints(op, "broadcast_dimensions")
			if len(d) == 0 {
				return ""
			}
			d[len(d)-1] = int64(len(r.Shape))
			setInts(op, "broadcast_dimensions", d)
			return "verify.broadcast_in_dim.dims"
		case "stablehlo.transpose":
			p := ints(op, "permutation")
			if len(p) < 2 {
				return ""
			}
			p[1] = p[0]
			setInts(op, "permutation", p)
			return "verify.transpose.permutation"
		case "stablehlo.reverse":
			setInts(op, "dimensions", append(ints(op, "dimensions"), int64(len(x.Shape))))
			return "verify.reverse.dims"
		case "stablehlo.reduce":
			d := ints(op, "dimensions")
			if len(d) == 0 {
				return ""
			}
			setInts(op, "dimensions", append(d, d[0]))
			return "verify.reduce.dimensions"
		case "stablehlo.concatenate":
			op.Props.Set("dimension", ir.IntAttr{Value: int64(len(x.Shape)), Type: tensor.I64})
			return "verify.concatenate.dimension"
		case "stablehlo.iota":
			op.Props.Set("iota_dimension", ir.IntAttr{Value: int64(len(r.Shape)), Type: tensor.I64})
			return "verify.iota.iota_dimension"
		case "stablehlo.get_dimension_size":
			op.Props.Set("dimension", ir.IntAttr{Value: -1, Type: tensor.I64})
			return "verify.get_dimension_size.dimension"
		case "stablehlo.slice":
			s := ints(op, "strides")
			if len(s) == 0 {
				return ""
			}
			s[0] = 0
			setInts(op, "strides", s)
			return "verify.slice.strides"
		case "stablehlo.pad":
			p := ints(op, "interior_padding")
			if len(p) == 0 {
				return ""
			}
			p[0] = -1
			setInts(op, "interior_padding", p)
			return "verify.pad.padding"
		case "stablehlo.dynamic_slice":
			s := ints(op, "slice_sizes")
			if len(s) == 0 || x.Shape[0] < 0 {
				return ""
			}
			s[0] = x.Shape[0] + 1
			setInts(op, "slice_sizes", s)
			return "verify.dynamic_slice.slice_sizes"
		case "stablehlo.gather":
			s := ints(op, "slice_sizes")
			setInts(op, "slice_sizes", append(s, 1))
			return "verify.gather.slice_sizes"
		case "stablehlo.sort":
			op.Props.Set("dimension", ir.IntAttr{Value: int64(len(x.Shape)), Type: tensor.I64})
			return "verify.sort.dimension"
		case "stablehlo.compare":
			op.Props.Set("comparison_direction", ir.EnumAttr{Dialect: "stablehlo", Name: "comparison_direction", Value: "NEQ"})
			return "verify.compare.comparison_direction"
		case "stablehlo.dot_general":
			dn, ok := op.Props.Get("dot_dimension_numbers").(*ir.StructAttr)
			if !ok {
				return ""
			}
			lc, _ := ir.Ints(dn.Fields.Get("lhs_contracting_dimensions"))
			if len(lc) == 0 {
				return ""
			}
			nd := &ir.StructAttr{Dialect: dn.Dialect, Name: dn.Name, Fields: slices.Clone(dn.Fields)}
			lc = slices.Clone(lc)
			lc[0] = int64(len(x.Shape))
			nd.Fields.Set("lhs_contracting_dimensions", &ir.DenseArrayAttr{Elem: tensor.I64, Ints: lc})
			op.Props.Set("dot_dimension_numbers", nd)
			return "verify.dot_general.contracting_dims"
		}
		return ""
	}},
	{name: "drop_attr", on: is("stablehlo.broadcast_in_dim", "stablehlo.transpose", "stablehlo.concatenate", "stablehlo.iota",
		"stablehlo.compare", "stablehlo.reduce", "stablehlo.slice", "stablehlo.dot_general", "stablehlo.gather", "stablehlo.scatter",
		"stablehlo.constant", "stablehlo.dynamic_slice", "stablehlo.pad", "stablehlo.get_dimension_size"), apply: func(m *ir.Module, f *ir.Func, op *ir.Op) string {
		req := map[string]string{
			"stablehlo.broadcast_in_dim": "broadcast_dimensions", "stablehlo.transpose": "permutation",
			"stablehlo.concatenate": "dimension", "stablehlo.iota": "iota_dimension", "stablehlo.compare": "comparison_direction",
			"stablehlo.reduce": "dimensions", "stablehlo.slice": "limit_indices", "stablehlo.dot_general": "dot_dimension_numbers",
			"stablehlo.gather": "dimension_numbers", "stablehlo.scatter": "scatter_dimension_numbers", "stablehlo.constant": "value",
			"stablehlo.dynamic_slice": "slice_sizes", "stablehlo.pad": "edge_padding_low", "stablehlo.get_dimension_size": "dimension",
		}
		a, ok := req[op.Name]
		if !ok || op.Props.Get(a) == nil {
			return ""
		}
		op.Props.Delete(a)
		return "verify." + short(op.Name) + ".attr"
	}},
	{name: "callee", on: is("func.call"), apply: func(m *ir.Module, f *ir.Func, op *ir.Op) string {
		if op.Name != "func.call" {
			return ""
		}
		op.Props.Set("callee", ir.SymbolRefAttr("no_such_function"))
		return "verify.symbol.undefined"
	}},
	{name: "self_call", on: is("func.call"), apply: func(m *ir.Module, f *ir.Func, op *ir.Op) string {
		if op.Name != "func.call" {
			return ""
		}
		op.Props.Set("callee", ir.SymbolRefAttr(f.Name))
		return "verify.call.cycle"
	}},
	{name: "custom_call_target", on: is("stablehlo.custom_call"), stage: withConformance, apply: func(m *ir.Module, f *ir.Func, op *ir.Op) string {
		if op.Name != "stablehlo.custom_call" {
			return ""
		}
		op.Props.Set("call_target_name", ir.StringAttr("xla_ffi_python_cpu_callback"))
		return "policy.custom_call"
	}},
	{name: "constant_type", on: is("stablehlo.constant"), apply: func(m *ir.Module, f *ir.Func, op *ir.Op) string {
		if op.Name != "stablehlo.constant" {
			return ""
		}
		r := ir.Tensor(op.Results[0].Type)
		if r == nil || r.Elem.Quant != nil || !r.Elem.DType.IsFloat() {
			return ""
		}
		n := cloneTT(r)
		n.Shape = append(n.Shape, 1)
		op.Results[0].Type = n
		return "verify.constant.types"
	}},
}

// uncalled reports whether no op of m refers to f.
func uncalled(m *ir.Module, f *ir.Func) bool {
	called := false
	m.Walk(func(_ *ir.Func, o *ir.Op) bool {
		for _, a := range o.Props {
			if s, ok := a.Value.(ir.SymbolRefAttr); ok && string(s) == f.Name {
				called = true
			}
			if arr, ok := a.Value.(ir.ArrayAttr); ok && strings.Contains(fmt.Sprint(arr), f.Name) {
				called = true
			}
		}
		return !called
	})
	return !called
}

// TestCorpusMutations changes valid corpus modules one op (or signature)
// at a time and checks that each change is rejected with the expected rule.
func TestCorpusMutations(t *testing.T) {
	const perOp = 6 // cases per (mutation, op name)
	type chunk struct {
		rel  string
		text string
	}
	var chunks []chunk
	root := filepath.Join(testutil.SharedDir(t), "corpus")
	for _, f := range testutil.CorpusFiles(t, "") {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(root, f)
		for _, c := range mlir.SplitChunks(string(src)) {
			chunks = append(chunks, chunk{rel, c.Text})
		}
	}
	count := map[string]int{}
	total := 0
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf(format, args...)
	}
	for _, ch := range chunks {
		base, err := mlir.ParseModule(ch.text, mlir.Limits{})
		if err != nil || verify.Module(base) != nil {
			continue
		}
		if policy.Conformance().Check(base) != nil {
			continue
		}
		// Op mutations: enumerate (function, top-level op index) pairs on a
		// fresh parse each time.
		for fi, f := range base.Funcs {
			if f.Body == nil {
				continue
			}
			for oi := range f.Body.Blocks[0].Ops {
				for _, mu := range mutations {
					name := f.Body.Blocks[0].Ops[oi].Name
					key := mu.name + "/" + name
					if count[key] >= perOp || !mu.on(name) {
						continue
					}
					m, _ := mlir.ParseModule(ch.text, mlir.Limits{})
					mf := m.Funcs[fi]
					op := mf.Body.Blocks[0].Ops[oi]
					want := mu.apply(m, mf, op)
					if want == "" {
						continue
					}
					count[key]++
					total++
					err := verify.Module(m)
					if err == nil && mu.stage == withConformance {
						err = policy.Conformance().Check(m)
					}
					d := diag.As(err)
					if d == nil {
						fail("%s %s in %s: mutation accepted, want %s", mu.name, op.Name, ch.rel, want)
						continue
					}
					if d.Rule != want || d.Pos != op.Pos {
						fail("%s %s at %s in %s: got %v, want [%s] at the op", mu.name, op.Name, op.Pos, ch.rel, d, want)
					}
				}
			}
		}
		// Signature mutation: change the result type of an uncalled function.
		for fi, f := range base.Funcs {
			key := "func_result"
			if count[key] >= 60 || len(f.Results) == 0 || !uncalled(base, f) {
				continue
			}
			r := ir.Tensor(f.Results[0])
			if r == nil {
				continue
			}
			m, _ := mlir.ParseModule(ch.text, mlir.Limits{})
			n := cloneTT(r)
			n.Shape = append(n.Shape, 2)
			m.Funcs[fi].Results[0] = n
			count[key]++
			total++
			if got := diag.RuleOf(verify.Module(m)); got != "verify.func.return" {
				fail("func_result in %s @%s: got %s, want verify.func.return", ch.rel, f.Name, got)
			}
		}
		// Module mutation: claim several partitions.
		if count["num_partitions"] < 40 && base.Attrs.Get("mhlo.num_partitions") != nil {
			m, _ := mlir.ParseModule(ch.text, mlir.Limits{})
			m.Attrs.Set("mhlo.num_partitions", ir.IntAttr{Value: 4, Type: tensor.I32})
			count["num_partitions"]++
			total++
			if got := diag.RuleOf(verify.Module(m)); got != "verify.module.partitions" {
				fail("num_partitions in %s: got %s", ch.rel, got)
			}
		}
	}
	if total < 300 {
		t.Errorf("only %d mutation cases", total)
	}
	var keys []string
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("%d mutation cases over %d (mutation, op) kinds", total, len(keys))
}
