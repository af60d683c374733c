package refine

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// refineAndCompare refines m for the inputs, checks the result is static
// and that it computes bit-for-bit what the unrefined dynamic program
// computes in the reference executor.
func refineAndCompare(t *testing.T, m *ir.Module, in Inputs, ins []*tensor.Tensor) *ir.Module {
	t.Helper()
	before := ir.Print(m)
	fn := m.Entry("")
	rm, err := RefineWith(m, fn, in)
	if err != nil {
		t.Fatalf("refine: %v", err)
	}
	if ir.Print(m) != before {
		t.Fatal("input module modified")
	}
	assertStatic(t, rm)
	got, err := run(t, rm, rm.Entry(fn.Name), ins)
	if err != nil {
		t.Fatalf("run refined: %v\n%s", err, ir.Print(rm))
	}
	want, err := run(t, m, fn, ins)
	if err != nil {
		t.Fatalf("run dynamic: %v", err)
	}
	for i := range want {
		if !sameBits(got[i], want[i]) {
			t.Fatalf("output %d: refined %v %v, dynamic %v %v", i, got[i].Shape, got[i].Data, want[i].Shape, want[i].Data)
		}
	}
	return rm
}

func countOpsNamed(m *ir.Module, name string) int {
	n := 0
	m.Walk(func(_ *ir.Func, o *ir.Op) bool {
		if o.Name == name {
			n++
		}
		return true
	})
	return n
}

func wantErr(t *testing.T, err error, kind diag.Kind, rule string, contains ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %s", kind, rule)
	}
	d := diag.As(err)
	if d.Kind != kind || d.Rule != rule {
		t.Fatalf("got %v, want kind %s rule %s", err, kind, rule)
	}
	for _, c := range contains {
		if !strings.Contains(d.Error(), c) {
			t.Errorf("error %q lacks %q", d.Error(), c)
		}
	}
}

const foldSrc = `module @m {
  func.func public @main(%arg0: tensor<?x3xf32>) -> (tensor<?x3x2xf32>, tensor<?xi32>, tensor<3x?xf32>, tensor<?xf32>) {
    %0 = stablehlo.get_dimension_size %arg0, dim = 0 : (tensor<?x3xf32>) -> tensor<i32>
    %1 = stablehlo.convert %0 : (tensor<i32>) -> tensor<i64>
    %c2 = stablehlo.constant dense<2> : tensor<i64>
    %2 = stablehlo.multiply %1, %c2 : tensor<i64>
    %c1 = stablehlo.constant dense<1> : tensor<i64>
    %3 = stablehlo.subtract %2, %c1 : tensor<i64>
    %4 = stablehlo.convert %3 : (tensor<i64>) -> tensor<i32>
    %5 = stablehlo.reshape %4 : (tensor<i32>) -> tensor<1xi32>
    %6 = stablehlo.dynamic_iota %5, dim = 0 : (tensor<1xi32>) -> tensor<?xi32>
    %7 = stablehlo.reshape %0 : (tensor<i32>) -> tensor<1xi32>
    %c3 = stablehlo.constant dense<[3, 2]> : tensor<2xi32>
    %8 = stablehlo.concatenate %7, %c3, dim = 0 : (tensor<1xi32>, tensor<2xi32>) -> tensor<3xi32>
    %9 = stablehlo.dynamic_broadcast_in_dim %arg0, %8, dims = [0, 1] : (tensor<?x3xf32>, tensor<3xi32>) -> tensor<?x3x2xf32>
    %10 = stablehlo.transpose %arg0, dims = [1, 0] : (tensor<?x3xf32>) -> tensor<3x?xf32>
    %c3b = stablehlo.constant dense<3> : tensor<i32>
    %11 = stablehlo.multiply %0, %c3b : tensor<i32>
    %12 = stablehlo.reshape %11 : (tensor<i32>) -> tensor<1xi32>
    %13 = stablehlo.dynamic_reshape %arg0, %12 : (tensor<?x3xf32>, tensor<1xi32>) -> tensor<?xf32>
    return %9, %6, %10, %13 : tensor<?x3x2xf32>, tensor<?xi32>, tensor<3x?xf32>, tensor<?xf32>
  }
}`

func TestConstantFoldingShapeChain(t *testing.T) {
	m := parse(t, foldSrc)
	for _, n := range []int64{1, 4} {
		x := genInput(tensor.F32, []int64{n, 3}, 7)
		rm := refineAndCompare(t, m, Inputs{Shapes: [][]int64{{n, 3}}}, []*tensor.Tensor{x})
		fn := rm.Entry("main")
		want := fmt.Sprintf("(tensor<%dx3x2xf32>, tensor<%dxi32>, tensor<3x%dxf32>, tensor<%dxf32>)", n, max(2*n-1, 0), n, 3*n)
		if got := fmt.Sprint(fnResults(fn)); got != want {
			t.Errorf("n=%d: results %s, want %s", n, got, want)
		}
		// The shape computation is gone: no get_dimension_size, no
		// multiply/subtract of the dimension, no shape concatenate.
		for _, name := range []string{"stablehlo.get_dimension_size", "stablehlo.multiply", "stablehlo.subtract", "stablehlo.concatenate", "stablehlo.convert"} {
			if c := countOpsNamed(rm, name); c != 0 {
				t.Errorf("n=%d: %d %s left after folding:\n%s", n, c, name, ir.Print(rm))
			}
		}
		if countOpsNamed(rm, "stablehlo.iota") != 1 || countOpsNamed(rm, "stablehlo.broadcast_in_dim") != 1 || countOpsNamed(rm, "stablehlo.reshape") != 1 {
			t.Errorf("n=%d: static ops missing:\n%s", n, ir.Print(rm))
		}
	}
	// n = 0 gives an iota of 2*0 - 1 = -1 elements: an input error.
	_, err := Refine(m, m.Entry(""), [][]int64{{0, 3}})
	wantErr(t, err, diag.InvalidInput, "refine.input_shape", "stablehlo.dynamic_iota", "negative")
}

func fnResults(f *ir.Func) string {
	var b strings.Builder
	b.WriteString("(")
	for i, r := range f.Results {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.String())
	}
	b.WriteString(")")
	return b.String()
}

func TestFoldArithmetic(t *testing.T) {
	if got := wrap(tensor.I8, 128); got != -128 {
		t.Errorf("wrap i8 128 = %d", got)
	}
	if got := wrap(tensor.U8, -1); got != 255 {
		t.Errorf("wrap u8 -1 = %d", got)
	}
	if got := wrap(tensor.I32, 1<<31); got != -(1 << 31) {
		t.Errorf("wrap i32 2^31 = %d", got)
	}
	if got := wrap(tensor.Bool, 2); got != 1 {
		t.Errorf("wrap bool 2 = %d", got)
	}
	k := func(dt tensor.DType, v ...int64) *kval { return &kval{dt: dt, shape: []int64{int64(len(v))}, v: v} }
	cases := []struct {
		op   string
		a, b *kval
		dir  string
		rdt  tensor.DType
		want []int64
		ok   bool
	}{
		{"stablehlo.multiply", k(tensor.I32, 1<<20), k(tensor.I32, 1<<12), "", tensor.I32, []int64{0}, true},
		{"stablehlo.add", k(tensor.I32, 1<<31-1), k(tensor.I32, 1), "", tensor.I32, []int64{-(1 << 31)}, true},
		{"stablehlo.divide", k(tensor.I32, 7, -7), k(tensor.I32, 2, 2), "", tensor.I32, []int64{3, -3}, true},
		{"stablehlo.remainder", k(tensor.I32, 7, -7), k(tensor.I32, 2, 2), "", tensor.I32, []int64{1, -1}, true},
		{"stablehlo.divide", k(tensor.I32, -(1 << 31)), k(tensor.I32, -1), "", tensor.I32, []int64{-(1 << 31)}, true},
		{"stablehlo.divide", k(tensor.I32, 1), k(tensor.I32, 0), "", tensor.I32, nil, false},
		{"stablehlo.remainder", k(tensor.I64, 1), k(tensor.I64, 0), "", tensor.I64, nil, false},
		{"stablehlo.divide", k(tensor.U64, -2), k(tensor.U64, 2), "", tensor.U64, []int64{1<<63 - 1}, true},
		{"stablehlo.compare", k(tensor.U64, -1), k(tensor.U64, 1), "GT", tensor.Bool, []int64{1}, true},
		{"stablehlo.compare", k(tensor.I64, -1), k(tensor.I64, 1), "GT", tensor.Bool, []int64{0}, true},
		{"stablehlo.maximum", k(tensor.U64, -1), k(tensor.U64, 1), "", tensor.U64, []int64{-1}, true},
		{"stablehlo.minimum", k(tensor.I64, -1, 5), k(tensor.I64, 1, 2), "", tensor.I64, []int64{-1, 2}, true},
		{"stablehlo.and", k(tensor.Bool, 1, 0), k(tensor.Bool, 1, 1), "", tensor.Bool, []int64{1, 0}, true},
		{"stablehlo.power", k(tensor.I64, 2), k(tensor.I64, 3), "", tensor.I64, nil, false},
	}
	for _, c := range cases {
		got, ok := foldBinary(c.op, c.a, c.b, c.dir, c.rdt)
		if ok != c.ok || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s %s %v %v: got %v %v, want %v %v", c.op, c.dir, c.a.v, c.b.v, got, ok, c.want, c.ok)
		}
	}
	if got, _ := foldUnary("stablehlo.not", k(tensor.Bool, 0, 1), tensor.Bool); fmt.Sprint(got) != "[1 0]" {
		t.Errorf("not bool = %v", got)
	}
	if got, _ := foldUnary("stablehlo.convert", k(tensor.I64, 300, -1), tensor.U8); fmt.Sprint(got) != "[44 255]" {
		t.Errorf("convert i64->u8 = %v", got)
	}
	if got, _ := foldUnary("stablehlo.abs", k(tensor.I32, -(1<<31)), tensor.I32); fmt.Sprint(got) != fmt.Sprint([]int64{-(1 << 31)}) {
		t.Errorf("abs min i32 = %v", got)
	}
}

// A dimension that overflows or goes negative in the folded arithmetic is
// an input error, never a huge or negative allocation.
func TestFoldedSizesChecked(t *testing.T) {
	src := `module {
  func.func @main(%arg0: tensor<?xf32>) -> tensor<?x?xf32> {
    %0 = stablehlo.get_dimension_size %arg0, dim = 0 : (tensor<?xf32>) -> tensor<i32>
    %1 = stablehlo.convert %0 : (tensor<i32>) -> tensor<i64>
    %c = stablehlo.constant dense<SCALE> : tensor<i64>
    %2 = stablehlo.multiply %1, %c : tensor<i64>
    %3 = stablehlo.reshape %2 : (tensor<i64>) -> tensor<1xi64>
    %4 = stablehlo.concatenate %3, %3, dim = 0 : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
    %f = stablehlo.constant dense<1.0> : tensor<f32>
    %5 = stablehlo.dynamic_broadcast_in_dim %f, %4, dims = [] : (tensor<f32>, tensor<2xi64>) -> tensor<?x?xf32>
    return %5 : tensor<?x?xf32>
  }
}`
	// 3 * 2^40 is above the dimension cap.
	m := parse(t, strings.Replace(src, "SCALE", "1099511627776", 1))
	_, err := Refine(m, m.Entry(""), [][]int64{{3}})
	wantErr(t, err, diag.Rejected, "refine.limit", "over the limit")
	// 2^30 x 2^30 elements is above the element cap.
	m = parse(t, strings.Replace(src, "SCALE", "536870912", 1))
	_, err = Refine(m, m.Entry(""), [][]int64{{2}})
	wantErr(t, err, diag.Rejected, "refine.limit", "elements")
	// 2 * 2^62 wraps to a negative i64: an input error, not an allocation.
	m = parse(t, strings.Replace(src, "SCALE", "4611686018427387904", 1))
	_, err = Refine(m, m.Entry(""), [][]int64{{2}})
	wantErr(t, err, diag.InvalidInput, "refine.input_shape", "negative")
}

const specSrc = `module {
  func.func @main(%a: tensor<?xf32>, %b: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xi32>) {
    %0 = call @twice(%a) : (tensor<?xf32>) -> tensor<?xf32>
    %1 = call @twice(%b) : (tensor<?xf32>) -> tensor<?xf32>
    %2 = call @twice(%a) : (tensor<?xf32>) -> tensor<?xf32>
    %n = stablehlo.get_dimension_size %b, dim = 0 : (tensor<?xf32>) -> tensor<i32>
    %3 = call @range(%n, %a) : (tensor<i32>, tensor<?xf32>) -> tensor<?xi32>
    return %0, %1, %2, %3 : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xi32>
  }
  func.func private @twice(%x: tensor<?xf32>) -> tensor<?xf32> {
    %0 = stablehlo.add %x, %x : tensor<?xf32>
    return %0 : tensor<?xf32>
  }
  func.func private @range(%n: tensor<i32>, %x: tensor<?xf32>) -> tensor<?xi32> {
    %0 = stablehlo.reshape %n : (tensor<i32>) -> tensor<1xi32>
    %1 = stablehlo.dynamic_iota %0, dim = 0 : (tensor<1xi32>) -> tensor<?xi32>
    return %1 : tensor<?xi32>
  }
}`

func TestSpecialization(t *testing.T) {
	m := parse(t, specSrc)
	a, b := genInput(tensor.F32, []int64{3}, 1), genInput(tensor.F32, []int64{5}, 2)
	rm := refineAndCompare(t, m, Inputs{Shapes: [][]int64{{3}, {5}}}, []*tensor.Tensor{a, b})
	var names []string
	for _, f := range rm.Funcs {
		names = append(names, f.Name+fnArgs(f))
	}
	// @twice is copied once per distinct shape; @range loses its constant
	// dimension argument.
	want := "[main(tensor<3xf32>, tensor<5xf32>) twice(tensor<3xf32>) twice_1(tensor<5xf32>) range(tensor<3xf32>)]"
	if got := fmt.Sprint(names); got != want {
		t.Errorf("functions %s, want %s", got, want)
	}
	if r := rm.Func("range"); r == nil || r.Visibility != "private" || fnResults(r) != "(tensor<5xi32>)" {
		t.Errorf("@range not specialised:\n%s", ir.Print(rm))
	}
	// Equal shapes share one copy.
	rm = refineAndCompare(t, m, Inputs{Shapes: [][]int64{{4}, {4}}}, []*tensor.Tensor{genInput(tensor.F32, []int64{4}, 3), genInput(tensor.F32, []int64{4}, 4)})
	if len(rm.Funcs) != 3 {
		t.Errorf("%d functions for equal shapes:\n%s", len(rm.Funcs), ir.Print(rm))
	}
}

func fnArgs(f *ir.Func) string {
	var s []string
	for _, a := range f.Args {
		s = append(s, a.Type.String())
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// A call tree in which every level calls the next with two different
// shapes needs 2^depth copies: refinement stops at the cap instead.
func TestSpecializationCap(t *testing.T) {
	const depth = 12
	var b strings.Builder
	b.WriteString("module {\n  func.func @main(%x: tensor<?xf32>) -> tensor<?xf32> {\n    %0 = call @f0(%x) : (tensor<?xf32>) -> tensor<?xf32>\n    return %0 : tensor<?xf32>\n  }\n")
	for k := range depth {
		fmt.Fprintf(&b, `  func.func private @f%d(%%x: tensor<?xf32>) -> tensor<?xf32> {
    %%z = stablehlo.constant dense<0.0> : tensor<f32>
    %%p = stablehlo.pad %%x, %%z, low = [0], high = [%d], interior = [0] : (tensor<?xf32>, tensor<f32>) -> tensor<?xf32>
    %%a = call @f%d(%%x) : (tensor<?xf32>) -> tensor<?xf32>
    %%b = call @f%d(%%p) : (tensor<?xf32>) -> tensor<?xf32>
    %%s = stablehlo.reduce(%%b init: %%z) applies stablehlo.add across dimensions = [0] : (tensor<?xf32>, tensor<f32>) -> tensor<f32>
    return %%a : tensor<?xf32>
  }
`, k, 1<<k, k+1, k+1)
	}
	fmt.Fprintf(&b, "  func.func private @f%d(%%x: tensor<?xf32>) -> tensor<?xf32> {\n    return %%x : tensor<?xf32>\n  }\n}\n", depth)
	src := b.String()
	m := parse(t, src)
	_, err := Refine(m, m.Entry(""), [][]int64{{1}})
	wantErr(t, err, diag.Rejected, "refine.limit", "specialised function copies")
	// With a smaller tree it fits.
	_, err = RefineWith(m, m.Entry(""), Inputs{Shapes: [][]int64{{1}}, Limits: Limits{MaxSpecializations: 1 << 14}})
	if err != nil {
		t.Fatalf("with a larger cap: %v", err)
	}
	// Other caps.
	_, err = RefineWith(m, m.Entry(""), Inputs{Shapes: [][]int64{{1}}, Limits: Limits{MaxSpecializations: 1 << 14, MaxOps: 1000}})
	wantErr(t, err, diag.Rejected, "refine.limit", "more than 1000 ops")
}

func TestFoldBudget(t *testing.T) {
	m := parse(t, foldSrc)
	_, err := RefineWith(m, m.Entry(""), Inputs{Shapes: [][]int64{{2, 3}}, Limits: Limits{MaxFoldTotal: 3}})
	wantErr(t, err, diag.Rejected, "refine.limit", "folded more than 3 elements")
	// Tensors above MaxFoldElements are not folded: the shape operand is
	// then unknown.
	_, err = RefineWith(m, m.Entry(""), Inputs{Shapes: [][]int64{{2, 3}}, Limits: Limits{MaxFoldElements: 1}})
	wantErr(t, err, diag.Rejected, "refine.unsupported", "stablehlo.dynamic_broadcast_in_dim", "15:10")
}

func TestUnsupportedDataDependentShape(t *testing.T) {
	src := `module {
  func.func @main(%a: tensor<?xf32>, %s: tensor<2xi32>) -> tensor<?x?xf32> {
    %0 = stablehlo.dynamic_broadcast_in_dim %a, %s, dims = [1] : (tensor<?xf32>, tensor<2xi32>) -> tensor<?x?xf32>
    return %0 : tensor<?x?xf32>
  }
}`
	m := parse(t, src)
	_, err := Refine(m, m.Entry(""), [][]int64{{3}, {2}})
	wantErr(t, err, diag.Rejected, "refine.unsupported", "stablehlo.dynamic_broadcast_in_dim", "3:10", "input values")
}

func TestInputShapeErrors(t *testing.T) {
	m := parse(t, foldSrc)
	fn := m.Entry("")
	for _, shapes := range [][][]int64{{}, {{2, 3}, {1}}, {{2}}, {{2, 4}}, {{-1, 3}}, {{2, 3, 1}}} {
		_, err := Refine(m, fn, shapes)
		wantErr(t, err, diag.InvalidInput, "refine.input_shape", "@main")
	}
	_, err := Refine(m, fn, [][]int64{{2, 4}})
	wantErr(t, err, diag.InvalidInput, "refine.input_shape", "argument 0 (%arg0)", "tensor<?x3xf32>")
	// Inconsistent shapes inside the program are input errors too.
	src := `module {
  func.func @main(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
    %0 = stablehlo.add %a, %b : tensor<?xf32>
    return %0 : tensor<?xf32>
  }
}`
	m = parse(t, src)
	_, err = Refine(m, m.Entry(""), [][]int64{{2}, {3}})
	wantErr(t, err, diag.InvalidInput, "refine.input_shape", "stablehlo.add", "3:10", "[2] and [3]")
}

func TestFillMessage(t *testing.T) {
	cases := []struct {
		tmpl string
		vals []string
		want string
	}{
		{"b = {0}, dim {1} (= {0})", []string{"3", "-1"}, "b = 3, dim -1 (= 3)"},
		{"{2} {x} {} {-1} {01} {{0}}", []string{"7", "8"}, "{2} {x} {} {-1} 8 {7}"},
		{"%s %d %!v {0}", []string{"5"}, "%s %d %!v 5"},
		{"line\nbreak\x00{0}", []string{"1"}, "line break 1"},
		{"{99999999999999999999}", []string{"1"}, "{99999999999999999999}"},
	}
	for _, c := range cases {
		if got := fillMessage(c.tmpl, c.vals); got != c.want {
			t.Errorf("fillMessage(%q) = %q, want %q", c.tmpl, got, c.want)
		}
	}
	long := strings.Repeat("{0}", 10000)
	got := fillMessage(long, []string{"123456789"})
	if len(got) > maxAssertionMessage+64 || !strings.HasSuffix(got, "[message truncated]") {
		t.Errorf("long message: %d bytes", len(got))
	}
}

func TestShapeAssertionInModule(t *testing.T) {
	src := `module {
  func.func @main(%a: tensor<?xf32>) -> tensor<?xf32> {
    %0 = stablehlo.get_dimension_size %a, dim = 0 : (tensor<?xf32>) -> tensor<i32>
    %c = stablehlo.constant dense<2> : tensor<i32>
    %1 = stablehlo.remainder %0, %c : tensor<i32>
    %z = stablehlo.constant dense<0> : tensor<i32>
    %2 = stablehlo.compare EQ, %1, %z, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
    stablehlo.custom_call @shape_assertion(%2, %0, %1) {error_message = "size {0} is odd (remainder {1}); %s {2}", has_side_effect = true} : (tensor<i1>, tensor<i32>, tensor<i32>) -> ()
    return %a : tensor<?xf32>
  }
}`
	m := parse(t, src)
	rm, err := Refine(m, m.Entry(""), [][]int64{{4}})
	if err != nil {
		t.Fatal(err)
	}
	if countOpsNamed(rm, "stablehlo.custom_call") != 0 {
		t.Errorf("assertion not dropped:\n%s", ir.Print(rm))
	}
	_, err = Refine(m, m.Entry(""), [][]int64{{5}})
	wantErr(t, err, diag.Runtime, "refine.shape_assertion", "size 5 is odd (remainder 1); %s {2}", "8:5")
	// A predicate that depends on data cannot be evaluated.
	src2 := strings.Replace(src, "%2 = stablehlo.compare EQ, %1, %z, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>",
		"%f = stablehlo.constant dense<0.0> : tensor<f32>\n    %s = stablehlo.reduce(%a init: %f) applies stablehlo.add across dimensions = [0] : (tensor<?xf32>, tensor<f32>) -> tensor<f32>\n    %2 = stablehlo.compare GT, %s, %f : (tensor<f32>, tensor<f32>) -> tensor<i1>", 1)
	m = parse(t, src2)
	_, err = Refine(m, m.Entry(""), [][]int64{{4}})
	wantErr(t, err, diag.Rejected, "refine.unsupported", "custom_call", "input values")
}

func TestDimArgs(t *testing.T) {
	src := `module {
  func.func @main(%arg0: tensor<i64>, %arg1: tensor<?xf32>) -> tensor<?xf32> {
    %c = stablehlo.constant dense<2> : tensor<i64>
    %0 = stablehlo.multiply %arg0, %c : tensor<i64>
    %1 = stablehlo.convert %0 : (tensor<i64>) -> tensor<i32>
    %2 = stablehlo.reshape %1 : (tensor<i32>) -> tensor<1xi32>
    %3 = stablehlo.dynamic_iota %2, dim = 0 : (tensor<1xi32>) -> tensor<?xf32>
    return %3 : tensor<?xf32>
  }
}`
	m := parse(t, src)
	fn := m.Entry("")
	if got := fmt.Sprint(DimArgs(fn)); got != "[0]" {
		t.Fatalf("DimArgs = %s", got)
	}
	// Inferred from the shape of %arg1 (b = 3), or given explicitly.
	rm, err := Refine(m, fn, [][]int64{{}, {3}})
	if err != nil || fnResults(rm.Entry("main")) != "(tensor<6xf32>)" {
		t.Fatalf("inferred: %v\n%v", err, rm)
	}
	rm, err = RefineWith(m, fn, Inputs{Shapes: [][]int64{{}, {3}}, Values: map[int]int64{0: 5}})
	if err != nil || fnResults(rm.Entry("main")) != "(tensor<10xf32>)" {
		t.Fatalf("given: %v", err)
	}
	// The entry keeps its signature (the caller passes the same inputs).
	if len(rm.Entry("main").Args) != 2 {
		t.Errorf("entry lost arguments")
	}
	_, err = RefineWith(m, fn, Inputs{Shapes: [][]int64{{}, {3}}, Values: map[int]int64{0: -1}})
	wantErr(t, err, diag.InvalidInput, "refine.input_shape", "dimension argument")
	if DimArgs(parse(t, foldSrc).Entry("")) != nil {
		t.Error("DimArgs of a module without dimension arguments")
	}
}

const controlSrc = `module {
  func.func @main(%a: tensor<?x2xf32>, %p: tensor<i1>) -> (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?xf32>) {
    %zero = stablehlo.constant dense<0> : tensor<i32>
    %three = stablehlo.constant dense<3> : tensor<i32>
    %w:2 = stablehlo.while(%i = %zero, %acc = %a) : tensor<i32>, tensor<?x2xf32>
     cond {
      %c = stablehlo.compare LT, %i, %three, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
      stablehlo.return %c : tensor<i1>
    } do {
      %one = stablehlo.constant dense<1> : tensor<i32>
      %n = stablehlo.add %i, %one : tensor<i32>
      %d = stablehlo.add %acc, %a : tensor<?x2xf32>
      stablehlo.return %n, %d : tensor<i32>, tensor<?x2xf32>
    }
    %r = "stablehlo.if"(%p) ({
      %x = stablehlo.negate %a : tensor<?x2xf32>
      stablehlo.return %x : tensor<?x2xf32>
    }, {
      stablehlo.return %a : tensor<?x2xf32>
    }) : (tensor<i1>) -> tensor<?x2xf32>
    %f = stablehlo.constant dense<0.0> : tensor<f32>
    %s = stablehlo.reduce(%a init: %f) applies stablehlo.add across dimensions = [1] : (tensor<?x2xf32>, tensor<f32>) -> tensor<?xf32>
    return %w#1, %r, %s : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?xf32>
  }
}`

func TestControlFlow(t *testing.T) {
	m := parse(t, controlSrc)
	for _, n := range []int64{1, 3} {
		p, _ := tensor.New(tensor.Bool, nil, 8)
		p.Data[0] = 1
		refineAndCompare(t, m, Inputs{Shapes: [][]int64{{n, 2}, {}}}, []*tensor.Tensor{genInput(tensor.F32, []int64{n, 2}, 5), p})
	}
	// A loop whose carried value changes shape cannot be refined.
	src := `module {
  func.func @main(%a: tensor<?xf32>) -> tensor<?xf32> {
    %zero = stablehlo.constant dense<0> : tensor<i32>
    %w:2 = stablehlo.while(%i = %zero, %acc = %a) : tensor<i32>, tensor<?xf32>
     cond {
      %c = stablehlo.compare LT, %i, %zero, SIGNED : (tensor<i32>, tensor<i32>) -> tensor<i1>
      stablehlo.return %c : tensor<i1>
    } do {
      %d = stablehlo.concatenate %acc, %acc, dim = 0 : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
      stablehlo.return %i, %d : tensor<i32>, tensor<?xf32>
    }
    return %w#1 : tensor<?xf32>
  }
}`
	m = parse(t, src)
	_, err := Refine(m, m.Entry(""), [][]int64{{2}})
	wantErr(t, err, diag.Rejected, "refine.unsupported", "stablehlo.while", "changes shape")
}

func TestRealDynamicSliceFromValues(t *testing.T) {
	// jax.lax.dynamic_slice(x, (i,), (b - 1,)) under shape polymorphism.
	src := `module {
  func.func @main(%x: tensor<?xf32>, %i: tensor<1xi32>) -> tensor<?xf32> {
    %0 = stablehlo.get_dimension_size %x, dim = 0 : (tensor<?xf32>) -> tensor<i32>
    %c1 = stablehlo.constant dense<1> : tensor<i32>
    %1 = stablehlo.subtract %0, %c1 : tensor<i32>
    %2 = stablehlo.reshape %1 : (tensor<i32>) -> tensor<1xi32>
    %3 = stablehlo.add %i, %2 : tensor<1xi32>
    %4 = stablehlo.real_dynamic_slice %x, %i, %3, %c : (tensor<?xf32>, tensor<1xi32>, tensor<1xi32>, tensor<1xi32>) -> tensor<?xf32>
    return %4 : tensor<?xf32>
  }
}`
	src = strings.Replace(src, "%4 = stablehlo.real", "%c = stablehlo.constant dense<1> : tensor<1xi32>\n    %4 = stablehlo.real", 1)
	m := parse(t, src)
	idx, _ := tensor.New(tensor.I32, []int64{1}, 8)
	idx.SetInt64(0, 1)
	rm := refineAndCompare(t, m, Inputs{Shapes: [][]int64{{5}, {1}}}, []*tensor.Tensor{genInput(tensor.F32, []int64{5}, 9), idx})
	if countOpsNamed(rm, "stablehlo.dynamic_slice") != 1 || fnResults(rm.Entry("main")) != "(tensor<4xf32>)" {
		t.Errorf("not rewritten to dynamic_slice:\n%s", ir.Print(rm))
	}
}

func TestNeedsRefinement(t *testing.T) {
	if !NeedsRefinement(parse(t, foldSrc)) {
		t.Error("dynamic module")
	}
	static := parse(t, `module {
  func.func @main(%a: tensor<2xf32>) -> tensor<2xf32> {
    %0 = stablehlo.add %a, %a : tensor<2xf32>
    return %0 : tensor<2xf32>
  }
}`)
	if NeedsRefinement(static) {
		t.Error("static module")
	}
	// Refining a static module is a copy.
	rm, err := Refine(static, static.Entry(""), [][]int64{{2}})
	if err != nil || ir.Print(rm) != ir.Print(static) || rm == static {
		t.Errorf("static refinement: %v", err)
	}
	shim := parse(t, `module {
  func.func @main(%a: tensor<4xf32>) -> (tensor<2xf32>, tensor<2xi32>) {
    %k = stablehlo.constant dense<2> : tensor<i32>
    %0:2 = stablehlo.custom_call @stablehlo.dynamic_top_k(%a, %k) : (tensor<4xf32>, tensor<i32>) -> (tensor<2xf32>, tensor<2xi32>)
    return %0#0, %0#1 : tensor<2xf32>, tensor<2xi32>
  }
}`)
	if !NeedsRefinement(shim) {
		t.Error("module with a dynamic_top_k shim")
	}
	rm, err = Refine(shim, shim.Entry(""), [][]int64{{4}})
	if err != nil || countOpsNamed(rm, "chlo.top_k") != 1 {
		t.Errorf("shim: %v", err)
	}
}

const approxSrc = `module {
  func.func private @cmp(%a: tensor<f32>, %b: tensor<f32>, %c: tensor<i32>, %d: tensor<i32>) -> tensor<i1> {
    %0 = stablehlo.compare DIR, %a, %b : (tensor<f32>, tensor<f32>) -> tensor<i1>
    return %0 : tensor<i1>
  }
  func.func @main(%x: tensor<?x3xf32>) -> (tensor<?x3xf32>, tensor<?x3xi32>) {
    %n = stablehlo.get_dimension_size %x, dim = 0 : (tensor<?x3xf32>) -> tensor<i32>
    %c1 = stablehlo.constant dense<1> : tensor<i32>
    %k = stablehlo.subtract %n, %c1 : tensor<i32>
    %c3 = stablehlo.constant dense<3> : tensor<1xi32>
    %n1 = stablehlo.reshape %n : (tensor<i32>) -> tensor<1xi32>
    %s = stablehlo.concatenate %n1, %c3, dim = 0 : (tensor<1xi32>, tensor<1xi32>) -> tensor<2xi32>
    %iota = stablehlo.dynamic_iota %s, dim = 0 : (tensor<2xi32>) -> tensor<?x3xi32>
    %k1 = stablehlo.reshape %k : (tensor<i32>) -> tensor<1xi32>
    %sk = stablehlo.concatenate %k1, %c3, dim = 0 : (tensor<1xi32>, tensor<1xi32>) -> tensor<2xi32>
    %init = stablehlo.constant dense<0xFF800000> : tensor<f32>
    %initi = stablehlo.constant dense<-1> : tensor<i32>
    %r:2 = stablehlo.custom_call @stablehlo.dynamic_approx_top_k(%x, %iota, %init, %initi, %k, %sk, %sk) {called_computations = [@cmp], mhlo.backend_config = {aggregate_to_topk = true, recall_target = 0.95 : f32, reduction_dim = 0 : i64}} : (tensor<?x3xf32>, tensor<?x3xi32>, tensor<f32>, tensor<i32>, tensor<i32>, tensor<2xi32>, tensor<2xi32>) -> (tensor<?x3xf32>, tensor<?x3xi32>)
    return %r#0, %r#1 : tensor<?x3xf32>, tensor<?x3xi32>
  }
}`

// approx_top_k along a non-minor dimension: exact top-k through transposes.
func TestApproxTopKReductionDim(t *testing.T) {
	m := parse(t, strings.Replace(approxSrc, "DIR", "GT", 1))
	x, _ := tensor.New(tensor.F32, []int64{4, 3}, 1<<10)
	vals := []float64{1, 9, 5, 7, 2, 6, 3, 8, 4, 0, 7, 5}
	for i, v := range vals {
		x.SetFloat64(int64(i), v)
	}
	rm, err := Refine(m, m.Entry(""), [][]int64{{4, 3}})
	if err != nil {
		t.Fatal(err)
	}
	assertStatic(t, rm)
	outs, err := run(t, rm, rm.Entry("main"), []*tensor.Tensor{x})
	if err != nil {
		t.Fatalf("%v\n%s", err, ir.Print(rm))
	}
	// Column-wise top 3 of [[1 9 5] [7 2 6] [3 8 4] [0 7 5]].
	wantV := []float64{7, 9, 6, 3, 8, 5, 1, 7, 5}
	wantI := []int64{1, 0, 1, 2, 2, 0, 0, 3, 3}
	if fmt.Sprint(outs[0].Shape) != "[3 3]" {
		t.Fatalf("shape %v", outs[0].Shape)
	}
	for i := range wantV {
		if outs[0].Float64(int64(i)) != wantV[i] || outs[1].Int64(int64(i)) != wantI[i] {
			t.Fatalf("element %d: %v/%v, want %v/%v", i, outs[0].Float64(int64(i)), outs[1].Int64(int64(i)), wantV[i], wantI[i])
		}
	}
	// A min-k comparator is not supported.
	m = parse(t, strings.Replace(approxSrc, "DIR", "LT", 1))
	_, err = Refine(m, m.Entry(""), [][]int64{{4, 3}})
	wantErr(t, err, diag.Rejected, "refine.unsupported", "max-k comparator")
}
