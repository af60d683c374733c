package verify_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/verify"
)

// TestHostileInputsAreCheap feeds inputs built to make verification slow
// or deep: long call chains (the call-graph walk must not recurse), huge
// shared attribute lists, deep region nesting and overflowing sizes. Each
// must be answered quickly with the expected rule.
func TestHostileInputsAreCheap(t *testing.T) {
	chain := func(n int, cycle bool) string {
		var b strings.Builder
		b.WriteString("module {\n")
		for i := 0; i < n; i++ {
			name := fmt.Sprintf("f%d", i)
			vis := "private "
			if i == 0 {
				name, vis = "main", ""
			}
			fmt.Fprintf(&b, "func.func %s@%s(%%a: tensor<f32>) -> tensor<f32> {\n", vis, name)
			next := fmt.Sprintf("f%d", i+1)
			if i == n-1 {
				if !cycle {
					b.WriteString("  func.return %a : tensor<f32>\n}\n")
					continue
				}
				next = "main"
			}
			fmt.Fprintf(&b, "  %%r = func.call @%s(%%a) : (tensor<f32>) -> tensor<f32>\n  func.return %%r : tensor<f32>\n}\n", next)
		}
		b.WriteString("}\n")
		return b.String()
	}
	bigList := func(n int) string {
		var b strings.Builder
		b.WriteString("#dims = array<i64: ")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("0")
		}
		b.WriteString(">\nfunc.func @main(%a: tensor<3xf32>) -> tensor<2x3xf32> {\n")
		for i := 0; i < 2000; i++ {
			fmt.Fprintf(&b, "  %%r%d = \"stablehlo.broadcast_in_dim\"(%%a) {broadcast_dimensions = #dims} : (tensor<3xf32>) -> tensor<2x3xf32>\n", i)
		}
		b.WriteString("  func.return %r0 : tensor<2x3xf32>\n}\n")
		return b.String()
	}
	sharedGroups := func() string {
		var b strings.Builder
		b.WriteString("#g = dense<0> : tensor<4096x1024xi64>\nfunc.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {\n")
		for i := 0; i < 2000; i++ {
			fmt.Fprintf(&b, "  %%r%d = \"stablehlo.collective_permute\"(%%a) {source_target_pairs = dense<[[0, 0]]> : tensor<1x2xi64>} : (tensor<2xf32>) -> tensor<2xf32>\n", i)
			fmt.Fprintf(&b, "  %%s%d = \"stablehlo.all_gather\"(%%a) {all_gather_dim = 0 : i64, replica_groups = #g} : (tensor<2xf32>) -> tensor<2xf32>\n", i)
		}
		b.WriteString("  func.return %a : tensor<2xf32>\n}\n")
		return b.String()
	}
	nested := func(depth int) string {
		var b strings.Builder
		b.WriteString("func.func @main(%p: tensor<i1>, %a: tensor<f32>) -> tensor<f32> {\n")
		for i := 0; i < depth; i++ {
			fmt.Fprintf(&b, "%%r%d = \"stablehlo.if\"(%%p) ({\n", i)
		}
		b.WriteString("\"stablehlo.return\"(%a) : (tensor<f32>) -> ()\n")
		for i := depth - 1; i >= 0; i-- {
			fmt.Fprintf(&b, "}, {\n\"stablehlo.return\"(%%a) : (tensor<f32>) -> ()\n}) : (tensor<i1>) -> tensor<f32>\n")
			if i > 0 {
				fmt.Fprintf(&b, "\"stablehlo.return\"(%%r%d) : (tensor<f32>) -> ()\n", i)
			}
		}
		b.WriteString("func.return %r0 : tensor<f32>\n}\n")
		return b.String()
	}
	manyOps := func(n int) string {
		var b strings.Builder
		b.WriteString("func.func @main(%a: tensor<16x16xf32>) -> tensor<16x16xf32> {\n  %r0 = stablehlo.add %a, %a : tensor<16x16xf32>\n")
		for i := 1; i < n; i++ {
			fmt.Fprintf(&b, "  %%r%d = stablehlo.multiply %%r%d, %%a : tensor<16x16xf32>\n", i, i-1)
		}
		fmt.Fprintf(&b, "  func.return %%r%d : tensor<16x16xf32>\n}\n", n-1)
		return b.String()
	}
	cases := []struct {
		name, src, rule string
		lim             mlir.Limits
	}{
		{"call_chain", chain(5000, false), "", mlir.Limits{}},
		{"call_chain_cycle", chain(5000, true), "verify.call.cycle", mlir.Limits{}},
		{"shared_huge_dims", bigList(200000), "verify.broadcast_in_dim.attr", mlir.Limits{}},
		{"shared_huge_groups", sharedGroups(), "verify.all_gather.replica_groups", mlir.Limits{}},
		{"deep_regions", nested(60), "", mlir.Limits{MaxDepth: 200}},
		{"many_ops", manyOps(100000), "", mlir.Limits{}},
		{"pad_overflow", g1("stablehlo.pad", []string{"tensor<1099511627776xf32>", f32s}, "tensor<1xf32>", " {edge_padding_low = array<i64: 9223372036854775807>, edge_padding_high = array<i64: 9223372036854775807>, interior_padding = array<i64: 0>}"), "verify.pad.padding", mlir.Limits{}},
		{"conv_overflow", g1("stablehlo.convolution", []string{"tensor<1x1099511627776x1xf32>", "tensor<1099511627776x1x1xf32>"}, "tensor<1x1x1xf32>", " {dimension_numbers = #stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>, lhs_dilation = array<i64: 9223372036854775807>}"), "verify.convolution.window", mlir.Limits{}},
		{"concat_overflow", g1("stablehlo.concatenate", ts("tensor<1099511627776xf32>", 3), "tensor<1xf32>", " {dimension = 0 : i64}"), "verify.concatenate.shape", mlir.Limits{}},
		{"huge_type", g1("stablehlo.reshape", []string{"tensor<2147483648x2147483649xf32>"}, "tensor<1xf32>", ""), "verify.type.shape", mlir.Limits{MaxElements: 1<<63 - 1, MaxDimSize: 1 << 40}},
		{"slice_huge_limit", g1("stablehlo.slice", []string{"tensor<?xf32>"}, "tensor<?xf32>", " {start_indices = array<i64: 0>, limit_indices = array<i64: 9223372036854775807>, strides = array<i64: 1>}"), "", mlir.Limits{}},
	}
	for _, c := range cases {
		m, err := mlir.ParseModule(c.src, c.lim)
		if err != nil {
			t.Errorf("%s: parse: %v", c.name, err)
			continue
		}
		start := time.Now()
		err = verify.Module(m)
		el := time.Since(start)
		if got := diag.RuleOf(err); got != c.rule {
			t.Errorf("%s: got %v, want %q", c.name, err, c.rule)
		}
		if el > 5*time.Second {
			t.Errorf("%s: verification took %v", c.name, el)
		}
	}
}
