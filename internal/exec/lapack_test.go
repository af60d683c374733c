package exec_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/hlogate/hlogate/internal/cost"
	"math"
	"math/cmplx"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/testutil"
	"github.com/hlogate/hlogate/tensor"
)

// Tests of the LAPACK/BLAS FFI custom calls (lapack*.go): small cases
// checked by hand, random batches of all four element types checked by
// reconstruction, edge cases (singular, NaN, not positive definite,
// layouts, malformed calls) and the JAX CPU exports of the shared corpus.

var lptTypes = []tensor.DType{tensor.F32, tensor.F64, tensor.C64, tensor.C128}

func lptLetter(d tensor.DType) string {
	return map[tensor.DType]string{tensor.F32: "s", tensor.F64: "d", tensor.C64: "c", tensor.C128: "z"}[d]
}

func lptReal(d tensor.DType) tensor.DType {
	if d.IsComplex() {
		return d.ComplexPart()
	}
	return d
}

// lptTol is the reconstruction tolerance, relative to the matrix size.
func lptTol(d tensor.DType) float64 {
	if d == tensor.F32 || d == tensor.C64 {
		return 2e-5
	}
	return 1e-12
}

func lptType(d tensor.DType, shape []int64) string {
	var b strings.Builder
	b.WriteString("tensor<")
	for _, s := range shape {
		fmt.Fprintf(&b, "%dx", s)
	}
	b.WriteString(d.String())
	b.WriteString(">")
	return b.String()
}

// lptLayout is JAX's layout: column-major matrices in row-major batches for
// matrices, row-major otherwise.
func lptLayout(rank int, mat bool) string {
	var l []int
	if mat && rank >= 2 {
		l = append(l, rank-2, rank-1)
		for i := rank - 3; i >= 0; i-- {
			l = append(l, i)
		}
	} else {
		for i := rank - 1; i >= 0; i-- {
			l = append(l, i)
		}
	}
	if rank == 0 {
		return "dense<> : tensor<0xindex>"
	}
	s := make([]string, len(l))
	for i, v := range l {
		s[i] = fmt.Sprint(v)
	}
	return fmt.Sprintf("dense<[%s]> : tensor<%dxindex>", strings.Join(s, ", "), rank)
}

type lptVal struct {
	d     tensor.DType
	shape []int64
	mat   bool
}

// lptSrc builds a module whose @main makes one custom call.
func lptSrc(target, cfg string, ins, outs []lptVal, layouts bool) string {
	var args, inT, outT, inL, outL []string
	for i, v := range ins {
		ty := lptType(v.d, v.shape)
		args = append(args, fmt.Sprintf("%%a%d: %s", i, ty))
		inT = append(inT, ty)
		inL = append(inL, lptLayout(len(v.shape), v.mat))
	}
	var rets []string
	for i, v := range outs {
		outT = append(outT, lptType(v.d, v.shape))
		outL = append(outL, lptLayout(len(v.shape), v.mat))
		if len(outs) == 1 {
			rets = append(rets, "%0")
		} else {
			rets = append(rets, fmt.Sprintf("%%0#%d", i))
		}
	}
	var ops []string
	for i := range ins {
		ops = append(ops, fmt.Sprintf("%%a%d", i))
	}
	attrs := fmt.Sprintf("mhlo.backend_config = {%s}", cfg)
	if layouts {
		attrs += fmt.Sprintf(", operand_layouts = [%s], result_layouts = [%s]", strings.Join(inL, ", "), strings.Join(outL, ", "))
	}
	res := "%0"
	if len(outs) > 1 {
		res = fmt.Sprintf("%%0:%d", len(outs))
	}
	return fmt.Sprintf(`func.func @main(%s) -> (%s) {
  %s = stablehlo.custom_call @%s(%s) {%s} : (%s) -> (%s)
  return %s : %s
}
`, strings.Join(args, ", "), strings.Join(outT, ", "), res, target, strings.Join(ops, ", "), attrs,
		strings.Join(inT, ", "), strings.Join(outT, ", "), strings.Join(rets, ", "), strings.Join(outT, ", "))
}

func lptRunCtx(t *testing.T, ctx context.Context, src string, inputs []*tensor.Tensor) ([]*tensor.Tensor, error) {
	t.Helper()
	m, err := mlir.ParseModule(src, mlir.Limits{})
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	out, _, err := exec.Run(ctx, m, m.Entry(""), inputs, exec.Limits{})
	return out, err
}

// lptCall runs one custom call with JAX's layouts.
func lptCall(t *testing.T, target, cfg string, ins []*tensor.Tensor, insMat []bool, outs []lptVal) []*tensor.Tensor {
	t.Helper()
	var iv []lptVal
	for i, x := range ins {
		iv = append(iv, lptVal{x.DType, x.Shape, insMat[i]})
	}
	src := lptSrc(target, cfg, iv, outs, true)
	out, err := lptRunCtx(t, context.Background(), src, ins)
	if err != nil {
		t.Fatalf("%s: %v\n%s", target, err, src)
	}
	return out
}

func lptNew(d tensor.DType, shape []int64) *tensor.Tensor {
	t, err := tensor.New(d, shape, 1<<30)
	if err != nil {
		panic(err)
	}
	return t
}

// lptFrom builds a tensor from real values (complex types get them as real
// parts).
func lptFrom(d tensor.DType, shape []int64, vals ...float64) *tensor.Tensor {
	t := lptNew(d, shape)
	for i, v := range vals {
		t.SetFloat64(int64(i), v)
	}
	return t
}

func lptRand(r *rand.Rand, d tensor.DType, shape []int64) *tensor.Tensor {
	t := lptNew(d, shape)
	for i := int64(0); i < t.NumElements(); i++ {
		if d.IsComplex() {
			t.SetComplex128(i, complex(2*r.Float64()-1, 2*r.Float64()-1))
		} else {
			t.SetFloat64(i, 2*r.Float64()-1)
		}
	}
	return t
}

// lptMat is one matrix of a batch, logical row-major, as complex128.
type lptMat struct {
	r, c int
	a    []complex128
}

func (m lptMat) at(i, j int) complex128 { return m.a[i*m.c+j] }

func lptGet(t *tensor.Tensor, b int) lptMat {
	r := len(t.Shape)
	rows, cols := int(t.Shape[r-2]), int(t.Shape[r-1])
	m := lptMat{rows, cols, make([]complex128, rows*cols)}
	for i := range m.a {
		m.a[i] = t.Complex128(int64(b*rows*cols + i))
	}
	return m
}

func lptVec(t *tensor.Tensor, b int) []complex128 {
	n := int(t.Shape[len(t.Shape)-1])
	v := make([]complex128, n)
	for i := range v {
		v[i] = t.Complex128(int64(b*n + i))
	}
	return v
}

func lptMul(a, b lptMat) lptMat {
	m := lptMat{a.r, b.c, make([]complex128, a.r*b.c)}
	for i := 0; i < a.r; i++ {
		for j := 0; j < b.c; j++ {
			var s complex128
			for k := 0; k < a.c; k++ {
				s += a.at(i, k) * b.at(k, j)
			}
			m.a[i*m.c+j] = s
		}
	}
	return m
}

func lptH(a lptMat) lptMat {
	m := lptMat{a.c, a.r, make([]complex128, len(a.a))}
	for i := 0; i < a.r; i++ {
		for j := 0; j < a.c; j++ {
			m.a[j*m.c+i] = cmplx.Conj(a.at(i, j))
		}
	}
	return m
}

func lptEye(n int) lptMat {
	m := lptMat{n, n, make([]complex128, n*n)}
	for i := 0; i < n; i++ {
		m.a[i*n+i] = 1
	}
	return m
}

// lptClose reports the largest |a-b| relative to max(1, |b|max).
func lptDiff(a, b lptMat) float64 {
	var d, s float64 = 0, 1
	for i := range a.a {
		d = max(d, cmplx.Abs(a.a[i]-b.a[i]))
		s = max(s, cmplx.Abs(b.a[i]))
	}
	return d / s
}

func lptCheck(t *testing.T, what string, got, want lptMat, tol float64) {
	t.Helper()
	if got.r != want.r || got.c != want.c {
		t.Fatalf("%s: shape %dx%d, want %dx%d", what, got.r, got.c, want.r, want.c)
	}
	if d := lptDiff(got, want); !(d <= tol) {
		t.Errorf("%s: off by %.3g (tolerance %.3g)\ngot  %v\nwant %v", what, d, tol, got.a, want.a)
	}
}

func lptRule(err error) string {
	if err == nil {
		return ""
	}
	return diag.As(err).Rule
}

// ---- potrf ---------------------------------------------------------------

func TestLapackPotrfHand(t *testing.T) {
	a := lptFrom(tensor.F64, []int64{2, 2}, 4, 2, 2, 3)
	for _, tc := range []struct {
		uplo int
		want []float64
	}{
		{'L', []float64{2, 2, 1, math.Sqrt2}}, // upper triangle kept from the input
		{'U', []float64{2, 1, 2, math.Sqrt2}},
	} {
		out := lptCall(t, "lapack_dpotrf_ffi", fmt.Sprintf("uplo = %d : ui8", tc.uplo), []*tensor.Tensor{a}, []bool{true},
			[]lptVal{{tensor.F64, []int64{2, 2}, true}, {tensor.I32, nil, false}})
		for i, w := range tc.want {
			if g := out[0].Float64(int64(i)); math.Abs(g-w) > 1e-15 {
				t.Errorf("uplo %c: element %d = %v, want %v", tc.uplo, i, g, w)
			}
		}
		if out[1].Int64(0) != 0 {
			t.Errorf("uplo %c: info %d", tc.uplo, out[1].Int64(0))
		}
	}
	// Not positive definite: the failing leading minor's order, 1-based.
	for _, tc := range []struct {
		vals []float64
		info int64
	}{
		{[]float64{1, 2, 2, 1}, 2},
		{[]float64{-1, 0, 0, 1}, 1},
		{[]float64{0, 0, 0, 0}, 1},
		{[]float64{math.NaN(), 0, 0, 1}, 1},
		{[]float64{1, math.NaN(), math.NaN(), 1}, 2},
		{[]float64{1, 0, 0, math.Inf(1)}, 0}, // sqrt(Inf) is a (useless) positive pivot, as in LAPACK
	} {
		for _, d := range lptTypes {
			out := lptCall(t, "lapack_"+lptLetter(d)+"potrf_ffi", "uplo = 76 : ui8", []*tensor.Tensor{lptFrom(d, []int64{2, 2}, tc.vals...)}, []bool{true},
				[]lptVal{{d, []int64{2, 2}, true}, {tensor.I32, nil, false}})
			if g := out[1].Int64(0); g != tc.info {
				t.Errorf("%s %v: info %d, want %d", d, tc.vals, g, tc.info)
			}
		}
	}
}

func TestLapackPotrfRandom(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, d := range lptTypes {
		for _, lower := range []bool{true, false} {
			const n = 5
			batch := []int64{2, 3}
			shape := append(append([]int64{}, batch...), n, n)
			b := lptRand(r, d, shape)
			a := lptNew(d, shape)
			for bi := 0; bi < 6; bi++ { // A = B·Bᴴ + n·I
				m := lptGet(b, bi)
				p := lptMul(m, lptH(m))
				for i := 0; i < n; i++ {
					p.a[i*n+i] += n
				}
				for i, v := range p.a {
					a.SetComplex128(int64(bi*n*n+i), v)
				}
			}
			uplo := 'L'
			if !lower {
				uplo = 'U'
			}
			out := lptCall(t, "lapack_"+lptLetter(d)+"potrf_ffi", fmt.Sprintf("uplo = %d : ui8", uplo), []*tensor.Tensor{a}, []bool{true},
				[]lptVal{{d, shape, true}, {tensor.I32, batch, false}})
			for bi := 0; bi < 6; bi++ {
				if out[1].Int64(int64(bi)) != 0 {
					t.Fatalf("%s: info %d", d, out[1].Int64(int64(bi)))
				}
				f := lptGet(out[0], bi)
				orig := lptGet(a, bi)
				for i := 0; i < n; i++ { // the other triangle is the input's
					for j := 0; j < n; j++ {
						if (lower && j > i) || (!lower && j < i) {
							if f.at(i, j) != orig.at(i, j) {
								t.Fatalf("%s: element (%d,%d) of the other triangle changed", d, i, j)
							}
							f.a[i*n+j] = 0
						}
					}
				}
				var rec lptMat
				if lower {
					rec = lptMul(f, lptH(f))
				} else {
					rec = lptMul(lptH(f), f)
				}
				lptCheck(t, fmt.Sprintf("%s lower=%v batch %d: factor product", d, lower, bi), rec, lptGet(a, bi), lptTol(d)*n)
			}
		}
	}
}

// ---- getrf ---------------------------------------------------------------

func TestLapackGetrfHand(t *testing.T) {
	// The corpus case: arange(9) as 3×3. Exactly singular: info 3.
	a := lptFrom(tensor.F32, []int64{3, 3}, 0, 1, 2, 3, 4, 5, 6, 7, 8)
	out := lptCall(t, "lapack_sgetrf_ffi", "", []*tensor.Tensor{a}, []bool{true},
		[]lptVal{{tensor.F32, []int64{3, 3}, true}, {tensor.I32, []int64{3}, false}, {tensor.I32, nil, false}})
	want := []float64{6, 7, 8, 0, 1, 2, 0.5, 0.5, 0}
	for i, w := range want {
		if g := out[0].Float64(int64(i)); g != w {
			t.Errorf("lu[%d] = %v, want %v", i, g, w)
		}
	}
	for i, w := range []int64{3, 3, 3} {
		if g := out[1].Int64(int64(i)); g != w {
			t.Errorf("ipiv[%d] = %d, want %d", i, g, w)
		}
	}
	if g := out[2].Int64(0); g != 3 {
		t.Errorf("info = %d, want 3", g)
	}
	// A zero first column: info 1, no pivoting, the rest still factored.
	z := lptFrom(tensor.F64, []int64{2, 2}, 0, 1, 0, 2)
	out = lptCall(t, "lapack_dgetrf_ffi", "", []*tensor.Tensor{z}, []bool{true},
		[]lptVal{{tensor.F64, []int64{2, 2}, true}, {tensor.I32, []int64{2}, false}, {tensor.I32, nil, false}})
	if out[2].Int64(0) != 1 || out[1].Int64(0) != 1 || out[1].Int64(1) != 2 {
		t.Errorf("zero column: info %d ipiv %d %d", out[2].Int64(0), out[1].Int64(0), out[1].Int64(1))
	}
	// Complex pivoting uses |re|+|im|: 3+3i (6) beats 5 (5), though |5| > |3+3i|.
	c := lptNew(tensor.C128, []int64{2, 1})
	c.SetComplex128(0, 5)
	c.SetComplex128(1, 3+3i)
	out = lptCall(t, "lapack_zgetrf_ffi", "", []*tensor.Tensor{c}, []bool{true},
		[]lptVal{{tensor.C128, []int64{2, 1}, true}, {tensor.I32, []int64{1}, false}, {tensor.I32, nil, false}})
	if out[1].Int64(0) != 2 {
		t.Errorf("complex pivot: ipiv %d, want 2", out[1].Int64(0))
	}
}

// lptLUCheck checks P·A = L·U for getrf's outputs.
func lptLUCheck(t *testing.T, what string, a, lu lptMat, ipiv []complex128, tol float64) {
	t.Helper()
	m, n := a.r, a.c
	k := min(m, n)
	pa := lptMat{m, n, append([]complex128(nil), a.a...)}
	for j := 0; j < k; j++ {
		p := int(real(ipiv[j])) - 1
		if p < j || p >= m {
			t.Fatalf("%s: ipiv[%d] = %d out of range", what, j, p+1)
		}
		for c := 0; c < n; c++ {
			pa.a[j*n+c], pa.a[p*n+c] = pa.a[p*n+c], pa.a[j*n+c]
		}
	}
	l := lptMat{m, k, make([]complex128, m*k)}
	u := lptMat{k, n, make([]complex128, k*n)}
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			switch {
			case i > j && j < k:
				l.a[i*k+j] = lu.at(i, j)
			case i <= j && i < k:
				u.a[i*n+j] = lu.at(i, j)
			}
		}
		if i < k {
			l.a[i*k+i] = 1
		}
	}
	lptCheck(t, what, lptMul(l, u), pa, tol)
}

func TestLapackGetrfRandom(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, d := range lptTypes {
		for _, mn := range [][2]int64{{4, 4}, {5, 3}, {3, 5}, {1, 4}} {
			m, n := mn[0], mn[1]
			batch := []int64{3}
			shape := []int64{3, m, n}
			a := lptRand(r, d, shape)
			k := min(m, n)
			out := lptCall(t, "lapack_"+lptLetter(d)+"getrf_ffi", "", []*tensor.Tensor{a}, []bool{true},
				[]lptVal{{d, shape, true}, {tensor.I32, []int64{3, k}, false}, {tensor.I32, batch, false}})
			for bi := 0; bi < 3; bi++ {
				if out[2].Int64(int64(bi)) != 0 {
					t.Errorf("%s %dx%d: info %d", d, m, n, out[2].Int64(int64(bi)))
				}
				lptLUCheck(t, fmt.Sprintf("%s %dx%d batch %d", d, m, n, bi), lptGet(a, bi), lptGet(out[0], bi), lptVec(out[1], bi), lptTol(d)*float64(n))
			}
		}
	}
	// NaN: no panic, NaN factors, info 0 (NaN is not an exact zero pivot).
	a := lptFrom(tensor.F32, []int64{2, 2}, math.NaN(), 1, 2, 3)
	out := lptCall(t, "lapack_sgetrf_ffi", "", []*tensor.Tensor{a}, []bool{true},
		[]lptVal{{tensor.F32, []int64{2, 2}, true}, {tensor.I32, []int64{2}, false}, {tensor.I32, nil, false}})
	if !math.IsNaN(out[0].Float64(3)) {
		t.Errorf("NaN input: U(1,1) = %v, want NaN", out[0].Float64(3))
	}
}

// ---- geqrf / orgqr -------------------------------------------------------

func TestLapackGeqrfHand(t *testing.T) {
	a := lptFrom(tensor.F64, []int64{2, 1}, 3, 4)
	out := lptCall(t, "lapack_dgeqrf_ffi", "", []*tensor.Tensor{a}, []bool{true},
		[]lptVal{{tensor.F64, []int64{2, 1}, true}, {tensor.F64, []int64{1}, false}})
	// beta = -5, tau = (beta - alpha)/beta = 1.6, v = 4/(3+5) = 0.5.
	for i, w := range []float64{-5, 0.5} {
		if g := out[0].Float64(int64(i)); math.Abs(g-w) > 1e-15 {
			t.Errorf("a[%d] = %v, want %v", i, g, w)
		}
	}
	if g := out[1].Float64(0); math.Abs(g-1.6) > 1e-15 {
		t.Errorf("tau = %v, want 1.6", g)
	}
	// An already-triangular column gives tau 0 (H = I), and a complex
	// 1×1 gets a real diagonal: beta = -|alpha|·sign(re).
	c := lptNew(tensor.C128, []int64{1, 1})
	c.SetComplex128(0, 3+4i)
	out = lptCall(t, "lapack_zgeqrf_ffi", "", []*tensor.Tensor{c}, []bool{true},
		[]lptVal{{tensor.C128, []int64{1, 1}, true}, {tensor.C128, []int64{1}, false}})
	if g := out[0].Complex128(0); cmplx.Abs(g-(-5)) > 1e-15 {
		t.Errorf("complex 1×1: r = %v, want -5", g)
	}
	if g := out[1].Complex128(0); cmplx.Abs(g-complex(1.6, 0.8)) > 1e-15 {
		t.Errorf("complex 1×1: tau = %v, want 1.6+0.8i", g)
	}
}

func TestLapackQRRandom(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, d := range lptTypes {
		gq := "geqrf"
		oq := "orgqr"
		if d.IsComplex() {
			oq = "ungqr"
		}
		for _, mn := range [][2]int64{{4, 4}, {5, 3}, {3, 5}} {
			m, n := mn[0], mn[1]
			k := min(m, n)
			shape := []int64{2, m, n}
			a := lptRand(r, d, shape)
			out := lptCall(t, "lapack_"+lptLetter(d)+gq+"_ffi", "", []*tensor.Tensor{a}, []bool{true},
				[]lptVal{{d, shape, true}, {d, []int64{2, k}, false}})
			// Q (m×m): orgqr on the reflectors padded to m×m, as JAX's
			// qr(full_matrices=True) does.
			pad := lptNew(d, []int64{2, m, m})
			for bi := 0; bi < 2; bi++ {
				f := lptGet(out[0], bi)
				for i := 0; i < int(m); i++ {
					for j := 0; j < int(min(m, n)); j++ {
						pad.SetComplex128(int64(bi)*m*m+int64(i)*m+int64(j), f.at(i, j))
					}
				}
			}
			q := lptCall(t, "lapack_"+lptLetter(d)+oq+"_ffi", "", []*tensor.Tensor{pad, out[1]}, []bool{true, false},
				[]lptVal{{d, []int64{2, m, m}, true}})[0]
			for bi := 0; bi < 2; bi++ {
				Q := lptGet(q, bi)
				f := lptGet(out[0], bi)
				R := lptMat{int(m), int(n), make([]complex128, m*n)}
				for i := 0; i < int(m); i++ {
					for j := i; j < int(n); j++ {
						R.a[i*int(n)+j] = f.at(i, j)
					}
				}
				what := fmt.Sprintf("%s %dx%d batch %d", d, m, n, bi)
				lptCheck(t, what+": Q·R", lptMul(Q, R), lptGet(a, bi), lptTol(d)*float64(m))
				lptCheck(t, what+": QᴴQ", lptMul(lptH(Q), Q), lptEye(int(m)), lptTol(d)*float64(m))
			}
		}
	}
	// orgqr needs m >= n >= k.
	_, err := lptRunCtx(t, context.Background(), lptSrc("lapack_sorgqr_ffi", "",
		[]lptVal{{tensor.F32, []int64{2, 3}, true}, {tensor.F32, []int64{2}, false}},
		[]lptVal{{tensor.F32, []int64{2, 3}, true}}, true),
		[]*tensor.Tensor{lptNew(tensor.F32, []int64{2, 3}), lptNew(tensor.F32, []int64{2})})
	if lptRule(err) != "exec.lapack_sorgqr_ffi" {
		t.Errorf("orgqr with m < n: %v", err)
	}
}

// ---- trsm ----------------------------------------------------------------

func TestLapackTrsm(t *testing.T) {
	r := rand.New(rand.NewSource(4))
	for _, d := range lptTypes {
		for _, side := range "LR" {
			for _, uplo := range "LU" {
				for _, trans := range "NTC" {
					for _, dg := range "NU" {
						const m, n = 4, 3
						kd := int64(m)
						if side == 'R' {
							kd = n
						}
						a := lptRand(r, d, []int64{2, kd, kd})
						for bi := int64(0); bi < 2; bi++ { // well conditioned
							for i := int64(0); i < kd; i++ {
								a.SetComplex128(bi*kd*kd+i*kd+i, a.Complex128(bi*kd*kd+i*kd+i)+4)
							}
						}
						b := lptRand(r, d, []int64{2, m, n})
						cfg := fmt.Sprintf("diag = %d : ui8, side = %d : ui8, trans_x = %d : ui8, uplo = %d : ui8", dg, side, trans, uplo)
						x := lptCall(t, "lapack_"+lptLetter(d)+"trsm_ffi", cfg, []*tensor.Tensor{a, b}, []bool{true, true},
							[]lptVal{{d, []int64{2, m, n}, true}})[0]
						for bi := 0; bi < 2; bi++ {
							A := lptGet(a, bi)
							for i := 0; i < int(kd); i++ { // the referenced triangle only
								for j := 0; j < int(kd); j++ {
									if (uplo == 'L' && j > i) || (uplo == 'U' && j < i) {
										A.a[i*int(kd)+j] = 0
									}
									if i == j && dg == 'U' {
										A.a[i*int(kd)+j] = 1
									}
								}
							}
							switch trans {
							case 'T':
								A = lptH(A)
								for i := range A.a {
									A.a[i] = cmplx.Conj(A.a[i])
								}
							case 'C':
								A = lptH(A)
							}
							X := lptGet(x, bi)
							var got lptMat
							if side == 'L' {
								got = lptMul(A, X)
							} else {
								got = lptMul(X, A)
							}
							lptCheck(t, fmt.Sprintf("%s side %c uplo %c trans %c diag %c", d, side, uplo, trans, dg), got, lptGet(b, bi), lptTol(d)*10)
						}
					}
				}
			}
		}
	}
	// The older form with an alpha operand: op(A)·X = alpha·B.
	a := lptFrom(tensor.F64, []int64{2, 2}, 2, 0, 1, 4)
	b := lptFrom(tensor.F64, []int64{2, 1}, 2, 9)
	alpha := lptFrom(tensor.F64, nil, 2)
	src := lptSrc("lapack_dtrsm_ffi", "diag = 78 : ui8, side = 76 : ui8, trans_x = 78 : ui8, uplo = 76 : ui8",
		[]lptVal{{tensor.F64, []int64{2, 2}, true}, {tensor.F64, []int64{2, 1}, true}, {tensor.F64, nil, false}},
		[]lptVal{{tensor.F64, []int64{2, 1}, true}}, true)
	out, err := lptRunCtx(t, context.Background(), src, []*tensor.Tensor{a, b, alpha})
	if err != nil {
		t.Fatal(err)
	}
	// [2 0; 1 4]·x = [4; 18] → x = [2, 4].
	if out[0].Float64(0) != 2 || out[0].Float64(1) != 4 {
		t.Errorf("alpha form: x = %v, %v, want 2, 4", out[0].Float64(0), out[0].Float64(1))
	}
}

// ---- syevd / heevd -------------------------------------------------------

func TestLapackSyevd(t *testing.T) {
	// Hand case: [[2, 1], [1, 2]] has eigenvalues 1 and 3, ascending.
	a := lptFrom(tensor.F64, []int64{2, 2}, 2, 1, 1, 2)
	out := lptCall(t, "lapack_dsyevd_ffi", "mode = 86 : ui8, uplo = 76 : ui8", []*tensor.Tensor{a}, []bool{true},
		[]lptVal{{tensor.F64, []int64{2, 2}, true}, {tensor.F64, []int64{2}, false}, {tensor.I32, nil, false}})
	if w0, w1 := out[1].Float64(0), out[1].Float64(1); math.Abs(w0-1) > 1e-15 || math.Abs(w1-3) > 1e-15 {
		t.Errorf("eigenvalues %v %v, want 1 3", w0, w1)
	}
	v := lptGet(out[0], 0)
	if s := 1 / math.Sqrt2; math.Abs(math.Abs(real(v.at(0, 0)))-s) > 1e-15 || math.Abs(real(v.at(0, 0)+v.at(1, 0))) > 1e-15 {
		t.Errorf("eigenvector for 1: %v", v.a)
	}
	r := rand.New(rand.NewSource(5))
	for _, d := range lptTypes {
		target := "lapack_" + lptLetter(d) + "syevd_ffi"
		if d.IsComplex() {
			target = "lapack_" + lptLetter(d) + "heevd_ffi"
		}
		for _, uplo := range "LU" {
			for _, n := range []int64{1, 4, 7} {
				shape := []int64{2, n, n}
				a := lptRand(r, d, shape)
				for _, mode := range "VN" {
					out := lptCall(t, target, fmt.Sprintf("mode = %d : ui8, uplo = %d : ui8", mode, uplo), []*tensor.Tensor{a}, []bool{true},
						[]lptVal{{d, shape, true}, {lptReal(d), []int64{2, n}, false}, {tensor.I32, []int64{2}, false}})
					for bi := 0; bi < 2; bi++ {
						what := fmt.Sprintf("%s uplo %c n=%d mode %c batch %d", d, uplo, n, mode, bi)
						if out[2].Int64(int64(bi)) != 0 {
							t.Fatalf("%s: info %d", what, out[2].Int64(int64(bi)))
						}
						// The Hermitian matrix the triangle describes.
						A := lptGet(a, bi)
						H := lptMat{int(n), int(n), make([]complex128, n*n)}
						for i := 0; i < int(n); i++ {
							for j := 0; j <= i; j++ {
								e := A.at(i, j)
								if uplo == 'U' {
									e = cmplx.Conj(A.at(j, i))
								}
								if i == j {
									e = complex(real(e), 0)
								}
								H.a[i*int(n)+j], H.a[j*int(n)+i] = e, cmplx.Conj(e)
							}
						}
						w := lptVec(out[1], bi)
						for i := 1; i < len(w); i++ {
							if real(w[i]) < real(w[i-1]) {
								t.Errorf("%s: eigenvalues not ascending: %v", what, w)
							}
						}
						var tr float64
						for i := 0; i < int(n); i++ {
							tr += real(H.at(i, i)) - real(w[i])
						}
						if math.Abs(tr) > lptTol(d)*float64(n)*10 {
							t.Errorf("%s: trace differs by %v", what, tr)
						}
						if mode == 'N' {
							continue
						}
						V := lptGet(out[0], bi)
						VL := lptMat{V.r, V.c, make([]complex128, len(V.a))}
						for i := 0; i < V.r; i++ {
							for j := 0; j < V.c; j++ {
								VL.a[i*V.c+j] = V.at(i, j) * w[j]
							}
						}
						lptCheck(t, what+": A·V = V·Λ", lptMul(H, V), VL, lptTol(d)*float64(n)*4)
						lptCheck(t, what+": VᴴV", lptMul(lptH(V), V), lptEye(int(n)), lptTol(d)*float64(n)*4)
					}
				}
			}
		}
	}
	// NaN: info > 0 and NaN results, promptly.
	nan := lptFrom(tensor.F32, []int64{3, 3}, 1, 0, 0, math.NaN(), 1, 0, 0, 0, 1)
	out = lptCall(t, "lapack_ssyevd_ffi", "mode = 86 : ui8, uplo = 76 : ui8", []*tensor.Tensor{nan}, []bool{true},
		[]lptVal{{tensor.F32, []int64{3, 3}, true}, {tensor.F32, []int64{3}, false}, {tensor.I32, nil, false}})
	if out[2].Int64(0) <= 0 || !math.IsNaN(out[1].Float64(0)) {
		t.Errorf("NaN input: info %d, w %v", out[2].Int64(0), out[1].Float64(0))
	}
}

// ---- gesdd ---------------------------------------------------------------

func TestLapackGesdd(t *testing.T) {
	// Hand case: diag(3, 4) has singular values 4, 3.
	a := lptFrom(tensor.F64, []int64{2, 2}, 3, 0, 0, 4)
	out := lptCall(t, "lapack_dgesdd_ffi", "mode = 65 : ui8", []*tensor.Tensor{a}, []bool{true},
		[]lptVal{{tensor.F64, []int64{2, 2}, true}, {tensor.F64, []int64{2}, false}, {tensor.F64, []int64{2, 2}, true},
			{tensor.F64, []int64{2, 2}, true}, {tensor.I32, nil, false}})
	if out[1].Float64(0) != 4 || out[1].Float64(1) != 3 {
		t.Errorf("singular values %v %v, want 4 3", out[1].Float64(0), out[1].Float64(1))
	}
	r := rand.New(rand.NewSource(6))
	for _, d := range lptTypes {
		target := "lapack_" + lptLetter(d) + "gesdd_ffi"
		for _, mn := range [][2]int64{{4, 3}, {3, 5}, {4, 4}, {1, 3}} {
			m, n := mn[0], mn[1]
			k := min(m, n)
			for _, mode := range "ASN" {
				for _, kind := range []string{"random", "rank1", "zero"} {
					shape := []int64{2, m, n}
					a := lptRand(r, d, shape)
					switch kind {
					case "rank1": // u·vᴴ
						for bi := int64(0); bi < 2; bi++ {
							for i := int64(0); i < m; i++ {
								for j := int64(0); j < n; j++ {
									a.SetComplex128(bi*m*n+i*n+j, complex(float64(i+1), float64(bi))*complex(float64(j)-1, 0.5))
								}
							}
						}
					case "zero":
						a = lptNew(d, shape)
					}
					us, vs := []int64{2, m, m}, []int64{2, n, n}
					if mode == 'S' {
						us, vs = []int64{2, m, k}, []int64{2, k, n}
					}
					out := lptCall(t, target, fmt.Sprintf("mode = %d : ui8", mode), []*tensor.Tensor{a}, []bool{true},
						[]lptVal{{d, shape, true}, {lptReal(d), []int64{2, k}, false}, {d, us, true}, {d, vs, true}, {tensor.I32, []int64{2}, false}})
					for bi := 0; bi < 2; bi++ {
						what := fmt.Sprintf("%s %dx%d mode %c %s batch %d", d, m, n, mode, kind, bi)
						if out[4].Int64(int64(bi)) != 0 {
							t.Fatalf("%s: info %d", what, out[4].Int64(int64(bi)))
						}
						s := lptVec(out[1], bi)
						for i := range s {
							if real(s[i]) < 0 || (i > 0 && real(s[i]) > real(s[i-1])) {
								t.Errorf("%s: singular values not descending and >= 0: %v", what, s)
							}
						}
						A := lptGet(a, bi)
						var fro float64
						for _, v := range A.a {
							fro += real(v)*real(v) + imag(v)*imag(v)
						}
						var ss float64
						for _, v := range s {
							ss += real(v) * real(v)
						}
						if math.Abs(fro-ss) > lptTol(d)*10*max(1, fro) {
							t.Errorf("%s: Σσ² = %v, ‖A‖² = %v", what, ss, fro)
						}
						if mode == 'N' {
							continue
						}
						U, VT := lptGet(out[2], bi), lptGet(out[3], bi)
						S := lptMat{U.c, VT.r, make([]complex128, U.c*VT.r)}
						for i := 0; i < int(k); i++ {
							S.a[i*S.c+i] = s[i]
						}
						tol := lptTol(d) * float64(m+n) * 4
						lptCheck(t, what+": U·Σ·Vᴴ", lptMul(lptMul(U, S), VT), A, tol)
						lptCheck(t, what+": UᴴU", lptMul(lptH(U), U), lptEye(U.c), tol)
						lptCheck(t, what+": VᴴV", lptMul(VT, lptH(VT)), lptEye(VT.r), tol)
					}
				}
			}
		}
	}
	// NaN: info -4 as LAPACK's gesdd reports it; NaN results.
	nan := lptFrom(tensor.F32, []int64{2, 2}, 1, math.NaN(), 0, 1)
	out = lptCall(t, "lapack_sgesdd_ffi", "mode = 65 : ui8", []*tensor.Tensor{nan}, []bool{true},
		[]lptVal{{tensor.F32, []int64{2, 2}, true}, {tensor.F32, []int64{2}, false}, {tensor.F32, []int64{2, 2}, true},
			{tensor.F32, []int64{2, 2}, true}, {tensor.I32, nil, false}})
	if out[4].Int64(0) != -4 || !math.IsNaN(out[1].Float64(0)) {
		t.Errorf("NaN input: info %d, s %v", out[4].Int64(0), out[1].Float64(0))
	}
	// Mode 'O' is rejected, as jaxlib's kernel refuses it.
	_, err := lptRunCtx(t, context.Background(), lptSrc("lapack_sgesdd_ffi", "mode = 79 : ui8",
		[]lptVal{{tensor.F32, []int64{2, 2}, true}},
		[]lptVal{{tensor.F32, []int64{2, 2}, true}, {tensor.F32, []int64{2}, false}, {tensor.F32, []int64{2, 2}, true},
			{tensor.F32, []int64{2, 2}, true}, {tensor.I32, nil, false}}, true), []*tensor.Tensor{lptNew(tensor.F32, []int64{2, 2})})
	if lptRule(err) != "exec.lapack_sgesdd_ffi" {
		t.Errorf("mode O: %v", err)
	}
}

// ---- geev ----------------------------------------------------------------

// lptGeev runs geev and returns w (complex), vl, vr and info, for batch 0..nb-1.
func lptGeev(t *testing.T, a *tensor.Tensor, left, right bool) (w, vl, vr, info *tensor.Tensor, wi *tensor.Tensor) {
	t.Helper()
	d := a.DType
	r := len(a.Shape)
	batch, n := a.Shape[:r-2], a.Shape[r-1]
	vs := []int64{}
	vs = append(append(vs, batch...), n)
	cfg := fmt.Sprintf("compute_left = %d : ui8, compute_right = %d : ui8", map[bool]int{true: 'V', false: 'N'}[left], map[bool]int{true: 'V', false: 'N'}[right])
	target := "lapack_" + lptLetter(d) + "geev_ffi"
	if d.IsComplex() {
		out := lptCall(t, target, cfg, []*tensor.Tensor{a}, []bool{true},
			[]lptVal{{d, vs, false}, {d, a.Shape, true}, {d, a.Shape, true}, {tensor.I32, batch, false}})
		return out[0], out[1], out[2], out[3], nil
	}
	cd := tensor.ComplexOf(d)
	out := lptCall(t, target, cfg, []*tensor.Tensor{a}, []bool{true},
		[]lptVal{{d, vs, false}, {d, vs, false}, {cd, a.Shape, true}, {cd, a.Shape, true}, {tensor.I32, batch, false}})
	w = lptNew(cd, vs)
	for i := int64(0); i < w.NumElements(); i++ {
		w.SetComplex128(i, complex(out[0].Float64(i), out[1].Float64(i)))
	}
	return w, out[2], out[3], out[4], out[1]
}

func lptGeevCheck(t *testing.T, what string, A lptMat, w []complex128, VL, VR lptMat, tol float64) {
	t.Helper()
	n := A.r
	WR := lptMat{n, n, make([]complex128, n*n)}
	WL := lptMat{n, n, make([]complex128, n*n)}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			WR.a[i*n+j] = VR.at(i, j) * w[j]
			WL.a[i*n+j] = VL.at(i, j) * cmplx.Conj(w[j])
		}
	}
	lptCheck(t, what+": A·vr = vr·diag(w)", lptMul(A, VR), WR, tol)
	lptCheck(t, what+": Aᴴ·vl = vl·diag(w̄)", lptMul(lptH(A), VL), WL, tol)
	for _, V := range []lptMat{VL, VR} {
		for j := 0; j < n; j++ {
			var nrm, best float64
			for i := 0; i < n; i++ {
				a := cmplx.Abs(V.at(i, j))
				nrm += a * a
				best = max(best, a)
			}
			if math.Abs(nrm-1) > tol {
				t.Errorf("%s: vector %d has norm² %v", what, j, nrm)
			}
			// A component of largest modulus (up to rounding, for ties) is real.
			real := false
			for i := 0; i < n; i++ {
				if v := V.at(i, j); cmplx.Abs(v) >= best-1e-5 && math.Abs(imag(v)) <= tol {
					real = true
				}
			}
			if !real {
				t.Errorf("%s: vector %d has no real component of largest modulus: %v", what, j, V.a)
			}
		}
	}
}

func TestLapackGeevHand(t *testing.T) {
	// [[0, 1], [-2, -3]]: eigenvalues -1 and -2, real.
	w, vl, vr, info, wi := lptGeev(t, lptFrom(tensor.F64, []int64{2, 2}, 0, 1, -2, -3), true, true)
	if info.Int64(0) != 0 || wi.Float64(0) != 0 || wi.Float64(1) != 0 {
		t.Errorf("real eigenvalues: info %d, wi %v %v", info.Int64(0), wi.Float64(0), wi.Float64(1))
	}
	got := []float64{real(w.Complex128(0)), real(w.Complex128(1))}
	if !(math.Abs(got[0]+1) < 1e-14 && math.Abs(got[1]+2) < 1e-14) && !(math.Abs(got[0]+2) < 1e-14 && math.Abs(got[1]+1) < 1e-14) {
		t.Errorf("eigenvalues %v, want -1 and -2", got)
	}
	for i := int64(0); i < 4; i++ {
		if imag(vr.Complex128(i)) != 0 || imag(vl.Complex128(i)) != 0 {
			t.Errorf("real eigenvector has an imaginary part: %v %v", vr.Complex128(i), vl.Complex128(i))
		}
	}
	// A rotation: ±i, the positive imaginary part first, exact conjugates.
	w, vl, vr, info, wi = lptGeev(t, lptFrom(tensor.F32, []int64{2, 2}, 0, -1, 1, 0), true, true)
	if info.Int64(0) != 0 || wi.Float64(0) <= 0 || wi.Float64(1) != -wi.Float64(0) || real(w.Complex128(0)) != real(w.Complex128(1)) {
		t.Errorf("rotation: info %d, w %v %v", info.Int64(0), w.Complex128(0), w.Complex128(1))
	}
	if math.Abs(wi.Float64(0)-1) > 1e-6 {
		t.Errorf("rotation: wi %v, want 1", wi.Float64(0))
	}
	for i := 0; i < 2; i++ {
		if vr.Complex128(int64(2*i+1)) != cmplx.Conj(vr.Complex128(int64(2*i))) || vl.Complex128(int64(2*i+1)) != cmplx.Conj(vl.Complex128(int64(2*i))) {
			t.Errorf("pair vectors are not conjugates")
		}
	}
	// Defective, zero, identity and NaN matrices do not hang or panic.
	for _, tc := range []struct {
		vals []float64
		info int64
	}{
		{[]float64{1, 1, 0, 1}, 0},
		{[]float64{0, 0, 0, 0}, 0},
		{[]float64{1, 0, 0, 1}, 0},
		{[]float64{math.NaN(), 0, 0, 1}, -4},
		{[]float64{math.Inf(1), 0, 0, 1}, -4},
	} {
		for _, d := range lptTypes {
			w, vl, vr, info, _ := lptGeev(t, lptFrom(d, []int64{2, 2}, tc.vals...), true, true)
			if info.Int64(0) != tc.info {
				t.Errorf("%s %v: info %d, want %d", d, tc.vals, info.Int64(0), tc.info)
			}
			if tc.info == 0 {
				for i := int64(0); i < 4; i++ {
					if cmplx.IsNaN(vl.Complex128(i)) || cmplx.IsNaN(vr.Complex128(i)) || (i < 2 && cmplx.IsNaN(w.Complex128(i))) {
						t.Errorf("%s %v: NaN in the results", d, tc.vals)
					}
				}
			}
		}
	}
}

func TestLapackGeevRandom(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for _, d := range lptTypes {
		for _, n := range []int64{1, 3, 6, 9} {
			shape := []int64{3, n, n}
			a := lptRand(r, d, shape)
			w, vl, vr, info, wi := lptGeev(t, a, true, true)
			for bi := 0; bi < 3; bi++ {
				what := fmt.Sprintf("%s n=%d batch %d", d, n, bi)
				if info.Int64(int64(bi)) != 0 {
					t.Fatalf("%s: info %d", what, info.Int64(int64(bi)))
				}
				ws := lptVec(w, bi)
				if wi != nil { // real input: pairs (a+bi, a-bi) with b > 0 first
					for j := 0; j < len(ws); j++ {
						if imag(ws[j]) > 0 {
							if j+1 >= len(ws) || ws[j+1] != cmplx.Conj(ws[j]) {
								t.Errorf("%s: eigenvalue %d = %v has no conjugate after it: %v", what, j, ws[j], ws)
							}
							j++
						} else if imag(ws[j]) < 0 {
							t.Errorf("%s: eigenvalue %d = %v comes before its conjugate", what, j, ws[j])
						}
					}
				}
				lptGeevCheck(t, what, lptGet(a, bi), ws, lptGet(vl, bi), lptGet(vr, bi), lptTol(d)*float64(n)*20)
			}
		}
	}
	// Right vectors only: vl stays zero.
	a := lptRand(r, tensor.F64, []int64{4, 4})
	_, vl, _, info, _ := lptGeev(t, a, false, true)
	if info.Int64(0) != 0 || vl.Complex128(0) != 0 {
		t.Errorf("compute_left N: info %d vl[0] %v", info.Int64(0), vl.Complex128(0))
	}
}

// Hard cases for the QR iteration: a cyclic permutation (all eigenvalues
// on the unit circle), Jordan blocks and companion matrices (defective or
// ill-conditioned eigenvectors), a Hilbert matrix, entries near 1e±200
// (scaled as LAPACK does), graded and repeated eigenvalues.
func TestLapackGeevSpecial(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	special := func(d tensor.DType, n int64, kind string) *tensor.Tensor {
		a := lptNew(d, []int64{n, n})
		for i := int64(0); i < n; i++ {
			for j := int64(0); j < n; j++ {
				var v float64
				switch kind {
				case "cyclic":
					if (i+1)%n == j {
						v = 1
					}
				case "hilbert":
					v = 1 / float64(i+j+1)
				case "jordan":
					if i == j {
						v = 2
					} else if j == i+1 {
						v = 1
					}
				case "companion":
					if i == 0 {
						v = -float64(j + 1)
					} else if j == i-1 {
						v = 1
					}
				case "big":
					v = (2*r.Float64() - 1) * 1e200
				case "small":
					v = (2*r.Float64() - 1) * 1e-200
				case "graded":
					v = (2*r.Float64() - 1) * math.Pow(10, -float64(i+j))
				case "repeated":
					if i == j {
						v = float64(i % 2)
					}
				case "random":
					v = 2*r.Float64() - 1
				}
				a.SetFloat64(i*n+j, v)
			}
		}
		return a
	}
	for _, kind := range []string{"random", "cyclic", "hilbert", "jordan", "companion", "big", "small", "graded", "repeated"} {
		for _, d := range []tensor.DType{tensor.F64, tensor.C128, tensor.F32} {
			for _, n := range []int64{2, 5, 16} {
				if (d == tensor.F32) && (kind == "big" || kind == "small") {
					continue
				}
				a := special(d, n, kind)
				w, vl, vr, info, _ := lptGeev(t, a, true, true)
				what := fmt.Sprintf("geev %s %s n=%d", kind, d, n)
				if info.Int64(0) != 0 {
					t.Errorf("%s: info %d", what, info.Int64(0))
					continue
				}
				A := lptGet(a, 0)
				scale := 1.0
				if kind == "big" {
					scale = 1e200
				} else if kind == "small" {
					scale = 1e-200
				}
				As := lptMat{A.r, A.c, make([]complex128, len(A.a))}
				for i := range A.a {
					As.a[i] = A.a[i] / complex(scale, 0)
				}
				ws := lptVec(w, 0)
				for i := range ws {
					ws[i] /= complex(scale, 0)
				}
				tol := lptTol(d) * float64(n) * 50
				if kind == "jordan" || kind == "repeated" || kind == "companion" || kind == "cyclic" {
					tol = 1e-3
					if d == tensor.F32 {
						tol = 0.05
					}
				}
				lptGeevCheck(t, what, As, ws, lptGet(vl, 0), lptGet(vr, 0), tol)
			}
		}
	}
}

// gesdd and syevd/heevd on ill-conditioned, huge, tiny, graded, repeated,
// zero and rank-deficient matrices.
func TestLapackSVDEighSpecial(t *testing.T) {
	r := rand.New(rand.NewSource(12))
	mk := func(d tensor.DType, m, n int64, kind string) (*tensor.Tensor, float64) {
		a := lptNew(d, []int64{m, n})
		sc := 1.0
		for i := int64(0); i < m; i++ {
			for j := int64(0); j < n; j++ {
				var v complex128
				x := complex(2*r.Float64()-1, 0)
				if d.IsComplex() {
					x += complex(0, 2*r.Float64()-1)
				}
				switch kind {
				case "random":
					v = x
				case "hilbert":
					v = complex(1/float64(i+j+1), 0)
				case "big":
					v, sc = x*1e200, 1e200
				case "small":
					v, sc = x*1e-200, 1e-200
				case "graded":
					v = x * complex(math.Pow(10, -float64(i+j)), 0)
				case "repeated":
					if i == j {
						v = complex(float64(i%2), 0)
					}
				case "zero":
				case "rank2":
					v = complex(float64(i+1)*float64(j%3), 0) + complex(float64(j+1)*float64(i%2), 0)
				}
				a.SetComplex128(i*n+j, v)
			}
		}
		return a, sc
	}
	for _, kind := range []string{"random", "hilbert", "big", "small", "graded", "repeated", "zero", "rank2"} {
		for _, d := range []tensor.DType{tensor.F64, tensor.C128, tensor.F32, tensor.C64} {
			for _, mn := range [][2]int64{{3, 3}, {12, 12}, {25, 10}, {10, 25}} {
				m, n := mn[0], mn[1]
				if (d == tensor.F32 || d == tensor.C64) && (kind == "big" || kind == "small") {
					continue
				}
				a, sc := mk(d, m, n, kind)
				k := min(m, n)
				out := lptCall(t, "lapack_"+lptLetter(d)+"gesdd_ffi", "mode = 65 : ui8", []*tensor.Tensor{a}, []bool{true},
					[]lptVal{{d, []int64{m, n}, true}, {lptReal(d), []int64{k}, false}, {d, []int64{m, m}, true}, {d, []int64{n, n}, true}, {tensor.I32, nil, false}})
				what := fmt.Sprintf("gesdd %s %s %dx%d", kind, d, m, n)
				if out[4].Int64(0) != 0 {
					t.Errorf("%s: info %d", what, out[4].Int64(0))
					continue
				}
				A := lptGet(a, 0)
				for i := range A.a {
					A.a[i] /= complex(sc, 0)
				}
				s := lptVec(out[1], 0)
				U, VT := lptGet(out[2], 0), lptGet(out[3], 0)
				S := lptMat{U.c, VT.r, make([]complex128, U.c*VT.r)}
				for i := 0; i < int(k); i++ {
					S.a[i*S.c+i] = s[i] / complex(sc, 0)
				}
				tol := lptTol(d) * float64(m+n) * 4
				lptCheck(t, what+": U·Σ·Vᴴ", lptMul(lptMul(U, S), VT), A, tol)
				lptCheck(t, what+": UᴴU", lptMul(lptH(U), U), lptEye(U.c), tol)
				lptCheck(t, what+": VᴴV", lptMul(VT, lptH(VT)), lptEye(VT.r), tol)
				if m != n {
					continue
				}
				target := "lapack_" + lptLetter(d) + "syevd_ffi"
				if d.IsComplex() {
					target = "lapack_" + lptLetter(d) + "heevd_ffi"
				}
				out = lptCall(t, target, "mode = 86 : ui8, uplo = 76 : ui8", []*tensor.Tensor{a}, []bool{true},
					[]lptVal{{d, []int64{n, n}, true}, {lptReal(d), []int64{n}, false}, {tensor.I32, nil, false}})
				what = fmt.Sprintf("syevd %s %s n=%d", kind, d, n)
				if out[2].Int64(0) != 0 {
					t.Errorf("%s: info %d", what, out[2].Int64(0))
					continue
				}
				H := lptMat{int(n), int(n), make([]complex128, n*n)}
				for i := 0; i < int(n); i++ {
					for j := 0; j <= i; j++ {
						e := A.at(i, j)
						if i == j {
							e = complex(real(e), 0)
						}
						H.a[i*int(n)+j], H.a[j*int(n)+i] = e, cmplx.Conj(e)
					}
				}
				w := lptVec(out[1], 0)
				V := lptGet(out[0], 0)
				VL := lptMat{V.r, V.c, make([]complex128, len(V.a))}
				for i := 0; i < V.r; i++ {
					for j := 0; j < V.c; j++ {
						VL.a[i*V.c+j] = V.at(i, j) * w[j] / complex(sc, 0)
					}
				}
				lptCheck(t, what+": A·V = V·Λ", lptMul(H, V), VL, tol)
				lptCheck(t, what+": VᴴV", lptMul(lptH(V), V), lptEye(int(n)), tol)
			}
		}
	}
}

func TestLapackGesddGraded(t *testing.T) {
	// A diagonal matrix's singular values are exact, however small.
	a := lptFrom(tensor.F64, []int64{3, 3}, 1e-20, 0, 0, 0, 1, 0, 0, 0, 1e-300)
	out := lptCall(t, "lapack_dgesdd_ffi", "mode = 83 : ui8", []*tensor.Tensor{a}, []bool{true},
		[]lptVal{{tensor.F64, []int64{3, 3}, true}, {tensor.F64, []int64{3}, false}, {tensor.F64, []int64{3, 3}, true},
			{tensor.F64, []int64{3, 3}, true}, {tensor.I32, nil, false}})
	for i, w := range []float64{1, 1e-20, 1e-300} {
		if g := out[1].Float64(int64(i)); g != w {
			t.Errorf("s[%d] = %v, want %v", i, g, w)
		}
	}
	U := lptGet(out[2], 0)
	lptCheck(t, "UᴴU", lptMul(lptH(U), U), lptEye(3), 1e-15)
}

// ---- layouts, sharding, malformed calls, cancellation --------------------

func TestLapackLayouts(t *testing.T) {
	// Without layouts (row-major buffers) getrf reads each m×n buffer as a
	// column-major matrix: element (i, j) is flat element j·m + i.
	r := rand.New(rand.NewSource(8))
	const m, n = 2, 3
	x := lptRand(r, tensor.F64, []int64{m, n})
	y := lptNew(tensor.F64, []int64{m, n})
	for i := int64(0); i < m; i++ {
		for j := int64(0); j < n; j++ {
			y.SetFloat64(i*n+j, x.Float64(j*m+i))
		}
	}
	outs := []lptVal{{tensor.F64, []int64{m, n}, true}, {tensor.I32, []int64{m}, false}, {tensor.I32, nil, false}}
	want := lptCall(t, "lapack_dgetrf_ffi", "", []*tensor.Tensor{y}, []bool{true}, outs)
	got, err := lptRunCtx(t, context.Background(), lptSrc("lapack_dgetrf_ffi", "", []lptVal{{tensor.F64, []int64{m, n}, true}}, outs, false), []*tensor.Tensor{x})
	if err != nil {
		t.Fatal(err)
	}
	for i := int64(0); i < m; i++ {
		for j := int64(0); j < n; j++ {
			if g, w := got[0].Float64(j*m+i), want[0].Float64(i*n+j); g != w {
				t.Errorf("(%d,%d): %v, want %v", i, j, g, w)
			}
		}
	}
	// Batched JAX layout on a rank-4 operand agrees with one matrix at a time.
	a := lptRand(r, tensor.C64, []int64{2, 2, 3, 3})
	all := lptCall(t, "lapack_cgetrf_ffi", "", []*tensor.Tensor{a}, []bool{true},
		[]lptVal{{tensor.C64, []int64{2, 2, 3, 3}, true}, {tensor.I32, []int64{2, 2, 3}, false}, {tensor.I32, []int64{2, 2}, false}})
	for bi := 0; bi < 4; bi++ {
		one := lptNew(tensor.C64, []int64{3, 3})
		copy(one.Data, a.Data[bi*9*8:(bi+1)*9*8])
		o := lptCall(t, "lapack_cgetrf_ffi", "", []*tensor.Tensor{one}, []bool{true},
			[]lptVal{{tensor.C64, []int64{3, 3}, true}, {tensor.I32, []int64{3}, false}, {tensor.I32, nil, false}})
		lptCheck(t, fmt.Sprintf("batch %d", bi), lptGet(all[0], bi), lptGet(o[0], 0), 0)
	}
}

func TestLapackSharding(t *testing.T) {
	for _, target := range []string{"Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape"} {
		src := fmt.Sprintf(`func.func @main(%%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %%0 = stablehlo.custom_call @%s(%%a) {mhlo.sharding = "{replicated}"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %%0 : tensor<2x3xf32>
}`, target)
		x := lptFrom(tensor.F32, []int64{2, 3}, 1, 2, 3, 4, 5, 6)
		out, err := lptRunCtx(t, context.Background(), src, []*tensor.Tensor{x})
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		for i := int64(0); i < 6; i++ {
			if out[0].Float64(i) != float64(i+1) {
				t.Errorf("%s: element %d = %v", target, i, out[0].Float64(i))
			}
		}
		// A shard of another shape means several devices: rejected.
		bad := strings.ReplaceAll(src, "-> tensor<2x3xf32>\n  return", "-> tensor<1x3xf32>\n  return")
		bad = strings.ReplaceAll(bad, "-> tensor<2x3xf32> {", "-> tensor<1x3xf32> {")
		bad = strings.ReplaceAll(bad, "return %0 : tensor<2x3xf32>", "return %0 : tensor<1x3xf32>")
		if _, err := lptRunCtx(t, context.Background(), bad, []*tensor.Tensor{x}); lptRule(err) != "exec."+target {
			t.Errorf("%s with another shape: %v", target, err)
		}
	}
}

func TestLapackMalformed(t *testing.T) {
	f2 := []lptVal{{tensor.F32, []int64{2, 2}, true}}
	potrfOut := []lptVal{{tensor.F32, []int64{2, 2}, true}, {tensor.I32, nil, false}}
	x := lptNew(tensor.F32, []int64{2, 2})
	for _, tc := range []struct {
		name string
		src  string
		in   []*tensor.Tensor
	}{
		{"missing uplo", lptSrc("lapack_spotrf_ffi", "", f2, potrfOut, true), []*tensor.Tensor{x}},
		{"bad uplo", lptSrc("lapack_spotrf_ffi", "uplo = 88 : ui8", f2, potrfOut, true), []*tensor.Tensor{x}},
		{"wrong element type", lptSrc("lapack_dpotrf_ffi", "uplo = 76 : ui8", f2, potrfOut, true), []*tensor.Tensor{x}},
		{"wrong info type", lptSrc("lapack_spotrf_ffi", "uplo = 76 : ui8", f2, []lptVal{potrfOut[0], {tensor.I64, nil, false}}, true), []*tensor.Tensor{x}},
		{"not square", lptSrc("lapack_spotrf_ffi", "uplo = 76 : ui8", []lptVal{{tensor.F32, []int64{2, 3}, true}},
			[]lptVal{{tensor.F32, []int64{2, 3}, true}, {tensor.I32, nil, false}}, true), []*tensor.Tensor{lptNew(tensor.F32, []int64{2, 3})}},
		{"bad layout", strings.Replace(lptSrc("lapack_spotrf_ffi", "uplo = 76 : ui8", f2, potrfOut, true), "dense<[0, 1]>", "dense<[0, 0]>", 1), []*tensor.Tensor{x}},
		{"too many results", lptSrc("lapack_sgetrf_ffi", "", f2, potrfOut, true), []*tensor.Tensor{x}},
	} {
		_, err := lptRunCtx(t, context.Background(), tc.src, tc.in)
		d := diag.As(err)
		if err == nil || d.Kind != diag.Rejected || !strings.HasPrefix(d.Rule, "exec.lapack_") {
			t.Errorf("%s: got %v", tc.name, err)
		}
	}
}

func TestLapackCancel(t *testing.T) {
	// A large eigenproblem under a short deadline stops with limit.deadline.
	const n = 220
	a := lptRand(rand.New(rand.NewSource(9)), tensor.F64, []int64{n, n})
	for _, tc := range []struct {
		target, cfg string
		outs        []lptVal
	}{
		{"lapack_dgeev_ffi", "compute_left = 86 : ui8, compute_right = 86 : ui8", []lptVal{{tensor.F64, []int64{n}, false}, {tensor.F64, []int64{n}, false},
			{tensor.C128, []int64{n, n}, true}, {tensor.C128, []int64{n, n}, true}, {tensor.I32, nil, false}}},
		{"lapack_dsyevd_ffi", "mode = 86 : ui8, uplo = 76 : ui8", []lptVal{{tensor.F64, []int64{n, n}, true}, {tensor.F64, []int64{n}, false}, {tensor.I32, nil, false}}},
		{"lapack_dgesdd_ffi", "mode = 65 : ui8", []lptVal{{tensor.F64, []int64{n, n}, true}, {tensor.F64, []int64{n}, false},
			{tensor.F64, []int64{n, n}, true}, {tensor.F64, []int64{n, n}, true}, {tensor.I32, nil, false}}},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Millisecond)
		start := time.Now()
		_, err := lptRunCtx(t, ctx, lptSrc(tc.target, tc.cfg, []lptVal{{tensor.F64, []int64{n, n}, true}}, tc.outs, true), []*tensor.Tensor{a})
		cancel()
		if lptRule(err) != "limit.deadline" {
			t.Errorf("%s: got %v after %v", tc.target, err, time.Since(start))
		}
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("%s: took %v to stop", tc.target, el)
		}
	}
}

func TestLapackFLOPs(t *testing.T) {
	for _, tc := range []struct {
		target string
		in     [][]int64
		want   int64
	}{
		{"lapack_spotrf_ffi", [][]int64{{2, 3, 3}}, 2 * 9},
		{"lapack_zpotrf_ffi", [][]int64{{3, 3}}, 4 * 9},
		{"lapack_dgetrf_ffi", [][]int64{{4, 4}}, 64 - 64 + 64/3 + 1},
		{"lapack_strsm_ffi", [][]int64{{4, 4}, {4, 5}}, 5 * 4 * 5},
		{"lapack_dsyevd_ffi", [][]int64{{2, 2}}, 12 * 8},
		{"lapack_cheevd_ffi", [][]int64{{2, 2}}, 4 * 12 * 8},
		{"lapack_dgeev_ffi", [][]int64{{5, 2, 2}}, 5 * 30 * 8},
		{"Sharding", [][]int64{{7}}, 0},
		{"lapack_ssyevd_ffi", [][]int64{{0, 3, 3}}, 0},
		{"lapack_csyevd_ffi", [][]int64{{3, 3}}, -1},
		{"lapack_spotrs_ffi", [][]int64{{3, 3}}, -1},
		{"foo", nil, -1},
		{"lapack_sgeev_ffi", [][]int64{{-1, 3, 3}}, math.MaxInt64},
		{"lapack_sgeev_ffi", [][]int64{{1 << 40, 1 << 20, 1 << 20}}, math.MaxInt64},
	} {
		if got := cost.LapackFLOPs(tc.target, tc.in); got != tc.want {
			t.Errorf("LapackFLOPs(%s, %v) = %d, want %d", tc.target, tc.in, got, tc.want)
		}
	}
	for _, target := range []string{"potrf", "getrf", "geqrf", "trsm", "gesdd", "geev"} {
		for _, l := range "sdcz" {
			name := "lapack_" + string(l) + target + "_ffi"
			if got := cost.LapackFLOPs(name, [][]int64{{3, 4, 4}, {3, 4, 4}}); got <= 0 {
				t.Errorf("%s: %d", name, got)
			}
		}
	}
}

// ---- the JAX exports of the shared corpus --------------------------------

type lptArray struct {
	DType string          `json:"dtype"`
	Shape []int64         `json:"shape"`
	Data  json.RawMessage `json:"data"`
}

type lptCase struct {
	Inputs   []lptArray `json:"inputs"`
	Expected []lptArray `json:"expected_outputs"`
	RTol     *float64   `json:"rtol"`
	ATol     *float64   `json:"atol"`
}

func lptDecode(t *testing.T, a lptArray) *tensor.Tensor {
	t.Helper()
	text, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	x, err := tensor.DecodeJSON(text, tensor.DecodeLimits{})
	if err != nil {
		t.Fatalf("decode %s: %v", text, err)
	}
	return x
}

// lptDefaultTol is JAX's default test tolerance for a dtype (jtu).
func lptDefaultTol(d tensor.DType) float64 {
	switch d {
	case tensor.F64, tensor.C128:
		return 1e-15
	case tensor.F32, tensor.C64:
		return 1e-6
	}
	return 0
}

func lptCorpus(t *testing.T, name string) (lptCase, []*tensor.Tensor) {
	t.Helper()
	dir := filepath.Join(testutil.SharedDir(t), "corpus", "jax-export")
	src, err := os.ReadFile(filepath.Join(dir, name+".mlir"))
	if err != nil {
		t.Skipf("%s not in the corpus: %v", name, err)
	}
	meta, err := os.ReadFile(filepath.Join(dir, name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var c lptCase
	if err := json.Unmarshal(meta, &c); err != nil {
		t.Fatal(err)
	}
	m, err := mlir.ParseModule(string(src), mlir.Limits{})
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	var inputs []*tensor.Tensor
	for _, a := range c.Inputs {
		inputs = append(inputs, lptDecode(t, a))
	}
	out, _, err := exec.Run(context.Background(), m, m.Entry(""), inputs, exec.Limits{})
	if err != nil {
		t.Fatalf("run %s: %v", name, err)
	}
	if len(out) != len(c.Expected) {
		t.Fatalf("%s: %d outputs, want %d", name, len(out), len(c.Expected))
	}
	return c, out
}

func lptAllClose(t *testing.T, what string, got, want *tensor.Tensor, rtol, atol *float64) {
	t.Helper()
	if got.DType != want.DType || fmt.Sprint(got.Shape) != fmt.Sprint(want.Shape) {
		t.Fatalf("%s: got %s%v, want %s%v", what, got.DType, got.Shape, want.DType, want.Shape)
	}
	rt, at := lptDefaultTol(want.DType), lptDefaultTol(want.DType)
	if rtol != nil {
		rt = *rtol
	}
	if atol != nil {
		at = *atol
	}
	for i := int64(0); i < got.NumElements(); i++ {
		g, w := got.Complex128(i), want.Complex128(i)
		if cmplx.Abs(g-w) > at+rt*cmplx.Abs(w) {
			t.Errorf("%s: element %d = %v, want %v (rtol %g atol %g)", what, i, g, w, rt, at)
		}
	}
}

func TestLapackCorpusCholesky(t *testing.T) {
	c, out := lptCorpus(t, "cpu_cholesky_lapack_potrf_f32")
	lptAllClose(t, "cholesky", out[0], lptDecode(t, c.Expected[0]), c.RTol, c.ATol)
}

func TestLapackCorpusQR(t *testing.T) {
	c, out := lptCorpus(t, "cpu_qr_lapack_geqrf_f32")
	for i := range out {
		lptAllClose(t, fmt.Sprintf("qr output %d", i), out[i], lptDecode(t, c.Expected[i]), c.RTol, c.ATol)
	}
}

func TestLapackCorpusTrsm(t *testing.T) {
	c, out := lptCorpus(t, "cpu_triangular_solve_blas_trsm_f32")
	lptAllClose(t, "trsm", out[0], lptDecode(t, c.Expected[0]), c.RTol, c.ATol)
	// Upstream's property: a @ x == b.
	a, b := lptGet(lptDecode(t, c.Inputs[0]), 0), lptGet(lptDecode(t, c.Inputs[1]), 0)
	lptCheck(t, "a·x = b", lptMul(a, lptGet(out[0], 0)), b, 1e-5)
}

func TestLapackCorpusLU(t *testing.T) {
	// Upstream checks the property P·A = L·U with the permutation the
	// program returns, not the expected values.
	c, out := lptCorpus(t, "cpu_lu_lapack_getrf_f32")
	lu, perm := lptGet(out[0], 0), out[2]
	const n = 3
	a := lptMat{n, n, make([]complex128, n*n)}
	for i := range a.a {
		a.a[i] = complex(float64(i), 0)
	}
	pa := lptMat{n, n, make([]complex128, n*n)}
	for i := 0; i < n; i++ {
		p := int(perm.Int64(int64(i)))
		for j := 0; j < n; j++ {
			pa.a[i*n+j] = a.at(p, j)
		}
	}
	l, u := lptEye(n), lptMat{n, n, make([]complex128, n*n)}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i > j {
				l.a[i*n+j] = lu.at(i, j)
			} else {
				u.a[i*n+j] = lu.at(i, j)
			}
		}
	}
	rtol, atol := *c.RTol, *c.ATol
	got := lptMul(l, u)
	for i := range got.a {
		if cmplx.Abs(got.a[i]-pa.a[i]) > atol+rtol*cmplx.Abs(pa.a[i]) {
			t.Errorf("P·A = L·U fails at %d: %v vs %v", i, got.a[i], pa.a[i])
		}
	}
	// This input is exactly representable, so the values match too.
	for i := range out {
		lptAllClose(t, fmt.Sprintf("lu output %d", i), out[i], lptDecode(t, c.Expected[i]), c.RTol, c.ATol)
	}
}
