package verify_test

import (
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/verify"
)

// TestMalformedIR hands the verifier IR that text cannot produce (nil
// parts, typed-nil attributes); it must report errors, not panic.
func TestMalformedIR(t *testing.T) {
	base := `func.func @main(%a: tensor<2x3xf32>, %p: tensor<i1>) -> tensor<3x2xf32> {
  %r = "stablehlo.transpose"(%a) {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %s = "stablehlo.if"(%p) ({
    "stablehlo.return"(%r) : (tensor<3x2xf32>) -> ()
  }, {
    "stablehlo.return"(%r) : (tensor<3x2xf32>) -> ()
  }) : (tensor<i1>) -> tensor<3x2xf32>
  func.return %s : tensor<3x2xf32>
}`
	damage := []func(m *ir.Module){
		func(m *ir.Module) { m.Funcs = append(m.Funcs, nil) },
		func(m *ir.Module) { m.Funcs[0].Body.Blocks[0].Ops[0] = nil },
		func(m *ir.Module) { m.Funcs[0].Body.Blocks[0].Ops[1].Regions[0] = nil },
		func(m *ir.Module) { m.Funcs[0].Body.Blocks[0].Ops[1].Regions[1].Blocks = nil },
		func(m *ir.Module) { m.Funcs[0].Body.Blocks[0].Ops[1].Regions[1].Blocks[0].Ops[0] = nil },
		func(m *ir.Module) { m.Funcs[0].Body.Blocks[0].Ops[0].Operands[0] = nil },
		func(m *ir.Module) { m.Funcs[0].Body.Blocks[0].Ops[0].Results[0].Type = nil },
		func(m *ir.Module) {
			m.Funcs[0].Body.Blocks[0].Ops[0].Props.Set("permutation", (*ir.DenseArrayAttr)(nil))
		},
		func(m *ir.Module) { m.Funcs[0].Body = nil },
		func(m *ir.Module) { m.Funcs[0].Args[0] = nil },
		func(m *ir.Module) { m.Funcs[0].Results[0] = &ir.FuncType{} },
	}
	for i, d := range damage {
		m, err := mlir.ParseModule(base, mlir.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if err := verify.Module(m); err != nil {
			t.Fatalf("base: %v", err)
		}
		d(m)
		err = verify.Module(m)
		if d := diag.As(err); d == nil || d.Kind != diag.Rejected || d.Rule == "" {
			t.Errorf("damage %d: got %v", i, err)
		}
		_ = policy.Default().Check(m)
	}
	if diag.RuleOf(verify.Module(nil)) == "" {
		t.Error("nil module accepted")
	}
}
