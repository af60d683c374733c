package mlir_test

import (
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/mlir"
)

// Each cap, when exceeded, is a Rejected error with its own rule and a
// position, never a crash.
func TestLimits(t *testing.T) {
	deepTuple := "tensor<f32>"
	for range 200 {
		deepTuple = "tuple<" + deepTuple + ">"
	}
	deepRegions := "%0 = stablehlo.constant dense<0> : tensor<i64>\n"
	for range 100 {
		deepRegions += `"stablehlo.if"(%p) ({` + "\n"
	}
	deepArray := strings.Repeat("[", 500) + strings.Repeat("]", 500)
	manyOps := strings.Repeat("  %x = stablehlo.constant dense<0> : tensor<i64>\n", 1)
	for i := range 50 {
		manyOps += "  %c" + itoa(i) + " = stablehlo.constant dense<0> : tensor<i64>\n"
	}
	cases := []struct {
		name string
		src  string
		lim  mlir.Limits
		rule string
	}{
		{"source bytes", "func.func @f() { func.return }", mlir.Limits{MaxSourceBytes: 10}, "limit.source_bytes"},
		{"rank", fn("tensor<" + strings.Repeat("1x", 20) + "f32>"), mlir.Limits{}, "limit.rank"},
		{"dim size", fn("tensor<2000000000000000xf32>"), mlir.Limits{}, "limit.dim_size"},
		{"element product", fn("tensor<1000000000x1000000000xf32>"), mlir.Limits{}, "limit.elements"},
		{"overflowing product", fn("tensor<1099511627776x1099511627776x1099511627776xf32>"), mlir.Limits{}, "limit.elements"},
		{"type nesting", fn(deepTuple), mlir.Limits{}, "limit.depth"},
		{"region nesting", "func.func @f(%p: tensor<i1>) {\n" + deepRegions, mlir.Limits{}, "limit.depth"},
		{"attribute nesting", "func.func @f() attributes {a = " + deepArray + "} { func.return }", mlir.Limits{}, "limit.depth"},
		{"ops", "func.func @f() {\n" + manyOps + "  func.return\n}", mlir.Limits{MaxOps: 10}, "limit.ops"},
		{"functions", "func.func @a() { func.return }\nfunc.func @b() { func.return }\nfunc.func @c() { func.return }", mlir.Limits{MaxFuncs: 2}, "limit.functions"},
		{"identifier", "func.func @" + strings.Repeat("a", 5000) + "() { func.return }", mlir.Limits{}, "limit.identifier"},
		{"string", `func.func @f() attributes {s = "` + strings.Repeat("x", 2000) + `"} { func.return }`, mlir.Limits{MaxStringLen: 1000}, "limit.string"},
		{"literal elements", lit("dense<[" + strings.Repeat("1, ", 99) + "1]> : tensor<100xi32>"), mlir.Limits{MaxLiteralElems: 50}, "limit.literal_elements"},
		{"literal bytes", lit(`dense<"0x` + strings.Repeat("00", 4096) + `"> : tensor<1024xf32>`), mlir.Limits{MaxLiteralBytes: 1000}, "limit.literal_bytes"},
		{"splat literal bytes are not expanded", lit("dense<1.0> : tensor<1000000000xf32>"), mlir.Limits{}, ""},
		{"lying hex literal", lit(`dense<"0x0000"> : tensor<4xf32>`), mlir.Limits{}, "parse.dense"},
		{"ragged literal", lit("dense<[[1, 2], [3]]> : tensor<2x2xi32>"), mlir.Limits{}, "parse.dense"},
		{"mixed literal", lit("dense<[[1], 2]> : tensor<2x1xi32>"), mlir.Limits{}, "parse.dense"},
		{"literal shape mismatch", lit("dense<[1, 2, 3]> : tensor<2xi32>"), mlir.Limits{}, "parse.dense"},
		{"integer out of range", lit("dense<300> : tensor<i8>"), mlir.Limits{}, "parse.dense"},
		{"negative unsigned", lit("dense<-1> : tensor<ui8>"), mlir.Limits{}, "parse.dense"},
		{"huge integer", lit("dense<99999999999999999999999> : tensor<i64>"), mlir.Limits{}, "parse.dense"},
		{"dense_resource", lit("dense_resource<blob> : tensor<4xf32>"), mlir.Limits{}, "parse.dense_resource"},
		{"undefined value", "func.func @f() {\n  func.return %x : tensor<f32>\n}", mlir.Limits{}, "parse.undefined_value"},
		{"redefinition", "func.func @f() {\n  %a = stablehlo.constant dense<0> : tensor<i64>\n  %a = stablehlo.constant dense<0> : tensor<i64>\n  func.return\n}", mlir.Limits{}, "parse.redefinition"},
		{"duplicate function", "func.func @f() { func.return }\nfunc.func @f() { func.return }", mlir.Limits{}, "parse.redefinition"},
		{"unterminated string", "func.func @f() attributes {s = \"abc} { func.return }", mlir.Limits{}, "parse.string"},
		{"bad character", "func.func @f() { ` }", mlir.Limits{}, "parse.syntax"},
		{"truncated", "func.func @f() {\n  %a = stablehlo.add", mlir.Limits{}, "parse.syntax"},
		{"result count", "func.func @f() {\n  %a:2 = stablehlo.constant dense<0> : tensor<i64>\n  func.return\n}", mlir.Limits{}, "parse.result_count"},
		{"operand type lie", "func.func @f(%a: tensor<2xf32>) {\n  %b = stablehlo.add %a, %a : tensor<3xf32>\n  func.return\n}", mlir.Limits{}, "parse.operand_type"},
		{"multi-block region", "func.func @f() {\n^bb0:\n  func.return\n^bb1:\n  func.return\n}", mlir.Limits{}, "parse.blocks"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := mlir.ParseFile(c.src, c.lim)
			if c.rule == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want %s", c.rule)
			}
			d := diag.As(err)
			if d.Kind != diag.Rejected || d.Rule != c.rule {
				t.Fatalf("got %s [%s] %v, want rejected [%s]", d.Kind, d.Rule, err, c.rule)
			}
			if c.rule != "limit.source_bytes" && !d.Pos.Known() {
				t.Errorf("error has no position: %v", err)
			}
		})
	}
}

func fn(ty string) string {
	return "func.func @f(%a: " + ty + ") {\n  func.return\n}"
}

func lit(l string) string {
	return "func.func @f() {\n  %c = stablehlo.constant " + l + "\n  func.return\n}"
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
