package exec

import (
	"math"
	"math/cmplx"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// fft, triangular_solve and cholesky. All three compute in float64 /
// complex128 and round once into the result type. The FFT is a plain
// O(n²) discrete Fourier transform per one-dimensional pass.

func init() {
	register("stablehlo.fft", fftKernel)
	register("stablehlo.triangular_solve", triangularSolveKernel)
	register("stablehlo.cholesky", choleskyKernel)
}

func fftKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 1)
	if err != nil {
		return nil, err
	}
	x := ts[0]
	kind, _ := ir.Enum(op.Props.Get("fft_type"))
	lens, ok := ir.Ints(op.Props.Get("fft_length"))
	if !ok {
		return nil, linReject(op, "fft needs fft_length")
	}
	r, nl := len(x.Shape), len(lens)
	if nl < 1 || nl > 3 || nl > r {
		return nil, linReject(op, "fft_length must list 1 to 3 sizes, at most the operand rank %d; got %d", r, nl)
	}
	for _, n := range lens {
		if n < 0 {
			return nil, linReject(op, "fft_length %v has a negative size", lens)
		}
	}
	inner := x.Shape[r-nl:] // the transformed dimensions of the operand
	shape := append([]int64(nil), x.Shape...)
	var want tensor.DType
	switch kind {
	case "FFT", "IFFT":
		if !x.DType.IsComplex() {
			return nil, linReject(op, "%s takes a complex operand, got %s", kind, x.DType)
		}
		for i, n := range lens {
			if inner[i] != n {
				return nil, linReject(op, "the last %d dimensions of the operand %v must equal fft_length %v", nl, x.Shape, lens)
			}
		}
		want = x.DType
	case "RFFT":
		want = tensor.ComplexOf(x.DType)
		if want == tensor.Invalid {
			return nil, linReject(op, "RFFT takes an f32 or f64 operand, got %s", x.DType)
		}
		for i, n := range lens {
			if inner[i] != n {
				return nil, linReject(op, "the last %d dimensions of the operand %v must equal fft_length %v", nl, x.Shape, lens)
			}
		}
		shape[r-1] = linHalf(lens[nl-1])
	case "IRFFT":
		want = x.DType.ComplexPart()
		if want == tensor.Invalid {
			return nil, linReject(op, "IRFFT takes a complex operand, got %s", x.DType)
		}
		for i, n := range lens[:nl-1] {
			if inner[i] != n {
				return nil, linReject(op, "the last %d dimensions of the operand %v must equal fft_length %v", nl, x.Shape, lens)
			}
		}
		if inner[nl-1] != linHalf(lens[nl-1]) {
			return nil, linReject(op, "IRFFT of length %d needs %d elements in the last operand dimension, got %d", lens[nl-1], linHalf(lens[nl-1]), inner[nl-1])
		}
		shape[r-1] = lens[nl-1]
	default:
		return nil, linReject(op, "unknown fft_type %q", kind)
	}
	d, err := linCheckShape(op, 0, shape)
	if err != nil {
		return nil, err
	}
	if d != want {
		return nil, linReject(op, "%s of a %s operand produces %s, but the result type says %s", kind, x.DType, want, d)
	}
	out, err := c.NewTensor(d, shape)
	if err != nil {
		return nil, err
	}
	// The working buffer holds the complex values of the transform: the
	// operand for FFT, IFFT and IRFFT, the result for RFFT.
	wshape := x.Shape
	if kind == "RFFT" {
		wshape = shape
	}
	nw := linNumel(wshape)
	// Twiddle tables need at most max(lens) entries.
	var tw int64
	for _, n := range lens {
		tw = max(tw, n)
	}
	done, err := linScratch(c, 16*(nw+2*tw))
	if err != nil {
		return nil, err
	}
	defer done()
	buf := make([]complex128, nw)
	m := &linMeter{c: c}
	switch kind {
	case "FFT":
		if err := linLoad(c, x, buf); err != nil {
			return nil, err
		}
		for i := r - 1; i >= r-nl; i-- {
			if err := linDFT(m, buf, wshape, i, false); err != nil {
				return nil, err
			}
		}
	case "IFFT":
		if err := linLoad(c, x, buf); err != nil {
			return nil, err
		}
		for i := r - nl; i < r; i++ {
			if err := linDFT(m, buf, wshape, i, true); err != nil {
				return nil, err
			}
		}
	case "RFFT":
		if err := linRFFT(m, x, buf, lens[nl-1]); err != nil {
			return nil, err
		}
		for i := r - 2; i >= r-nl; i-- {
			if err := linDFT(m, buf, wshape, i, false); err != nil {
				return nil, err
			}
		}
	case "IRFFT":
		if err := linLoad(c, x, buf); err != nil {
			return nil, err
		}
		for i := r - nl; i < r-1; i++ {
			if err := linDFT(m, buf, wshape, i, true); err != nil {
				return nil, err
			}
		}
		if err := linIRFFT(m, buf, x.Shape[r-1], out); err != nil {
			return nil, err
		}
		return []Val{{T: out}}, m.flush()
	}
	if err := c.Loop(nw, func(i int64) { out.SetComplex128(i, buf[i]) }); err != nil {
		return nil, err
	}
	return []Val{{T: out}}, m.flush()
}

// linHalf is the number of non-redundant outputs of a real DFT of length n.
func linHalf(n int64) int64 {
	if n == 0 {
		return 0
	}
	return n/2 + 1
}

func linLoad(c *Ctx, x *tensor.Tensor, buf []complex128) error {
	return c.Loop(int64(len(buf)), func(i int64) { buf[i] = x.Complex128(i) })
}

// linTwiddles returns w[j] = exp(sign·2πi·j/n) for j in [0, n).
func linTwiddles(n int64, inverse bool) []complex128 {
	w := make([]complex128, n)
	sign := -1.0
	if inverse {
		sign = 1
	}
	for j := int64(0); j < n; j++ {
		s, c := math.Sincos(2 * math.Pi * float64(j) / float64(n))
		w[j] = complex(c, sign*s)
	}
	return w
}

// linDFT transforms buf (of the given shape) in place along dimension dim:
// X[k] = Σ_t x[t]·exp(∓2πi·kt/n), divided by n for the inverse.
func linDFT(m *linMeter, buf []complex128, shape []int64, dim int, inverse bool) error {
	n := shape[dim]
	if n == 0 || len(buf) == 0 {
		return nil
	}
	w := linTwiddles(n, inverse)
	stride := linStrides(shape)[dim]
	line := make([]complex128, n)
	outer := int64(len(buf)) / (n * stride)
	for o := int64(0); o < outer; o++ {
		for in := int64(0); in < stride; in++ {
			base := o*n*stride + in
			for t := int64(0); t < n; t++ {
				line[t] = buf[base+t*stride]
			}
			for k := int64(0); k < n; k++ {
				var acc complex128
				j := int64(0) // k·t mod n, kept without multiplying
				for t := int64(0); t < n; t++ {
					acc += line[t] * w[j]
					if j += k; j >= n {
						j -= n
					}
				}
				if inverse {
					acc /= complex(float64(n), 0)
				}
				buf[base+k*stride] = acc
				if err := m.add(n); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// linRFFT fills buf (last dimension n/2+1) with the real DFT of the rows
// (length n) of x.
func linRFFT(m *linMeter, x *tensor.Tensor, buf []complex128, n int64) error {
	h := linHalf(n)
	if h == 0 || len(buf) == 0 {
		return nil
	}
	w := linTwiddles(n, false)
	rows := int64(len(buf)) / h
	for row := int64(0); row < rows; row++ {
		for k := int64(0); k < h; k++ {
			var acc complex128
			j := int64(0)
			for t := int64(0); t < n; t++ {
				acc += complex(x.Float64(row*n+t), 0) * w[j]
				if j += k; j >= n {
					j -= n
				}
			}
			buf[row*h+k] = acc
			if err := m.add(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// linIRFFT writes the inverse real DFT of the rows of buf (h = n/2+1
// values, the rest of the spectrum being their conjugate mirror) into the
// real tensor out (rows of length n).
func linIRFFT(m *linMeter, buf []complex128, h int64, out *tensor.Tensor) error {
	n := out.Shape[len(out.Shape)-1]
	if n == 0 || h == 0 {
		return nil
	}
	w := linTwiddles(n, true)
	rows := int64(len(buf)) / h
	full := make([]complex128, n)
	for row := int64(0); row < rows; row++ {
		for k := int64(0); k < n; k++ {
			if k < h {
				full[k] = buf[row*h+k]
			} else {
				full[k] = cmplx.Conj(buf[row*h+n-k])
			}
		}
		for t := int64(0); t < n; t++ {
			var acc complex128
			j := int64(0)
			for k := int64(0); k < n; k++ {
				acc += full[k] * w[j]
				if j += t; j >= n {
					j -= n
				}
			}
			out.SetFloat64(row*n+t, real(acc)/float64(n))
			if err := m.add(n); err != nil {
				return err
			}
		}
	}
	return nil
}

// linScalar is the arithmetic of the solvers: float64 for real types,
// complex128 for complex ones.
type linScalar interface{ float64 | complex128 }

func linConj[T linScalar](x T) T {
	if c, ok := any(x).(complex128); ok {
		return any(cmplx.Conj(c)).(T)
	}
	return x
}

func linGet[T linScalar](t *tensor.Tensor, i int64) T {
	var z T
	if _, ok := any(z).(complex128); ok {
		return any(t.Complex128(i)).(T)
	}
	return any(t.Float64(i)).(T)
}

func linSet[T linScalar](t *tensor.Tensor, i int64, v T) {
	if c, ok := any(v).(complex128); ok {
		t.SetComplex128(i, c)
		return
	}
	t.SetFloat64(i, any(v).(float64))
}

// linBatch is the number of matrices in a batch of shape [..., m, n].
func linBatch(shape []int64) int64 { return linNumel(shape[:len(shape)-2]) }

func triangularSolveKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 2)
	if err != nil {
		return nil, err
	}
	a, b := ts[0], ts[1]
	left, _ := ir.Bool(op.Props.Get("left_side"))
	lower, _ := ir.Bool(op.Props.Get("lower"))
	unit, _ := ir.Bool(op.Props.Get("unit_diagonal"))
	trans := "NO_TRANSPOSE"
	if v, ok := ir.Enum(op.Props.Get("transpose_a")); ok {
		trans = v
	}
	if trans != "NO_TRANSPOSE" && trans != "TRANSPOSE" && trans != "ADJOINT" {
		return nil, linReject(op, "unknown transpose_a %q", trans)
	}
	r := len(a.Shape)
	if r < 2 || len(b.Shape) != r {
		return nil, linReject(op, "a and b must have the same rank of at least 2, got %v and %v", a.Shape, b.Shape)
	}
	for i := 0; i < r-2; i++ {
		if a.Shape[i] != b.Shape[i] {
			return nil, linReject(op, "the batch dimensions of a %v and b %v differ", a.Shape, b.Shape)
		}
	}
	mm := a.Shape[r-1]
	bdim := r - 1
	if left {
		bdim = r - 2
	}
	if a.Shape[r-2] != mm || b.Shape[bdim] != mm {
		return nil, linReject(op, "a must be square and match b: a %v, b %v, left_side %v", a.Shape, b.Shape, left)
	}
	if a.DType != b.DType || !(a.DType.IsFloat() || a.DType.IsComplex()) {
		return nil, linReject(op, "a and b must share a floating-point or complex type, got %s and %s", a.DType, b.DType)
	}
	d, err := linCheckShape(op, 0, b.Shape)
	if err != nil {
		return nil, err
	}
	if d != b.DType {
		return nil, linReject(op, "the result type must be b's type %s, got %s", b.DType, d)
	}
	out, err := c.NewTensor(d, b.Shape)
	if err != nil {
		return nil, err
	}
	ts2 := linTri{left: left, lower: lower, unit: unit, trans: trans}
	if d.IsComplex() {
		err = linTriSolve[complex128](c, ts2, a, b, out)
	} else {
		err = linTriSolve[float64](c, ts2, a, b, out)
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: out}}, nil
}

type linTri struct {
	left, lower, unit bool
	trans             string
}

// linTriSolve solves op(A)·X = B (left) or X·op(A) = B (right) for each
// matrix of the batch, reading only the triangle of A that lower names.
func linTriSolve[T linScalar](c *Ctx, s linTri, a, b, out *tensor.Tensor) error {
	r := len(a.Shape)
	mm := a.Shape[r-1]
	rows, cols := b.Shape[r-2], b.Shape[r-1]
	nb := linBatch(a.Shape)
	done, err := linScratch(c, 16*(mm*mm+rows*cols))
	if err != nil {
		return err
	}
	defer done()
	A := make([]T, mm*mm)
	X := make([]T, rows*cols)
	// opA(i, j) is element (i, j) of op(A); it is only asked for entries in
	// op(A)'s triangle, which map to A's stored triangle.
	transposed := s.trans != "NO_TRANSPOSE"
	opA := func(i, j int64) T {
		if i == j && s.unit {
			return T(1)
		}
		if !transposed {
			return A[i*mm+j]
		}
		v := A[j*mm+i]
		if s.trans == "ADJOINT" {
			v = linConj(v)
		}
		return v
	}
	// op(A) is lower triangular when A is lower and not transposed, or A is
	// upper and transposed.
	effLower := s.lower != transposed
	m := &linMeter{c: c}
	for bi := int64(0); bi < nb; bi++ {
		for i := range A {
			A[i] = linGet[T](a, bi*mm*mm+int64(i))
		}
		for i := range X {
			X[i] = linGet[T](b, bi*rows*cols+int64(i))
		}
		if err := m.add(mm*mm + rows*cols); err != nil {
			return err
		}
		if s.left {
			// Column by column: op(A)·x = b with x, b of length mm (rows == mm).
			for col := int64(0); col < cols; col++ {
				x := func(i int64) *T { return &X[i*cols+col] }
				linSubst(mm, effLower, opA, x, false)
				if err := m.add(mm * mm); err != nil {
					return err
				}
			}
		} else {
			// Row by row: x·op(A) = b, i.e. op(A)ᵀ·xᵀ = bᵀ; op(A)ᵀ flips the
			// triangle.
			for row := int64(0); row < rows; row++ {
				x := func(i int64) *T { return &X[row*cols+i] }
				linSubst(mm, !effLower, opA, x, true)
				if err := m.add(mm * mm); err != nil {
					return err
				}
			}
		}
		for i, v := range X {
			linSet(out, bi*rows*cols+int64(i), v)
		}
	}
	return m.flush()
}

// linSubst solves M·x = b in place (x holds b on entry) by forward (lower)
// or backward substitution, where M(i, j) = get(i, j), or get(j, i) when
// flip is set.
func linSubst[T linScalar](n int64, lower bool, get func(i, j int64) T, x func(i int64) *T, flip bool) {
	at := func(i, j int64) T {
		if flip {
			return get(j, i)
		}
		return get(i, j)
	}
	for step := int64(0); step < n; step++ {
		i := step
		if !lower {
			i = n - 1 - step
		}
		v := *x(i)
		if lower {
			for j := int64(0); j < i; j++ {
				v -= at(i, j) * *x(j)
			}
		} else {
			for j := i + 1; j < n; j++ {
				v -= at(i, j) * *x(j)
			}
		}
		*x(i) = v / at(i, i)
	}
}

func choleskyKernel(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
	ts, err := linTensors(op, in, 1)
	if err != nil {
		return nil, err
	}
	a := ts[0]
	lower, _ := ir.Bool(op.Props.Get("lower"))
	r := len(a.Shape)
	if r < 2 || a.Shape[r-1] != a.Shape[r-2] {
		return nil, linReject(op, "cholesky takes a batch of square matrices, got shape %v", a.Shape)
	}
	if !(a.DType.IsFloat() || a.DType.IsComplex()) {
		return nil, linReject(op, "cholesky takes a floating-point or complex operand, got %s", a.DType)
	}
	d, err := linCheckShape(op, 0, a.Shape)
	if err != nil {
		return nil, err
	}
	if d != a.DType {
		return nil, linReject(op, "the result type must be the operand's type %s, got %s", a.DType, d)
	}
	out, err := c.NewTensor(d, a.Shape)
	if err != nil {
		return nil, err
	}
	if d.IsComplex() {
		err = linCholesky[complex128](c, a, out, lower)
	} else {
		err = linCholesky[float64](c, a, out, lower)
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: out}}, nil
}

// linCholesky factors each matrix as L·Lᴴ (lower) or Uᴴ·U (upper), reading
// only that triangle of the input, and leaves zeros in the other triangle.
// As in XLA, a matrix with a NaN pivot (one that is not positive definite,
// or holds NaN) comes out as all NaN.
func linCholesky[T linScalar](c *Ctx, a, out *tensor.Tensor, lower bool) error {
	r := len(a.Shape)
	n := a.Shape[r-1]
	nb := linBatch(a.Shape)
	done, err := linScratch(c, 16*n*n)
	if err != nil {
		return err
	}
	defer done()
	L := make([]T, n*n)
	m := &linMeter{c: c}
	for bi := int64(0); bi < nb; bi++ {
		base := bi * n * n
		// in(i, j) for i >= j: the lower-triangle view of the Hermitian input.
		in := func(i, j int64) T {
			if lower {
				return linGet[T](a, base+i*n+j)
			}
			return linConj(linGet[T](a, base+j*n+i))
		}
		clear(L)
		if err := m.add(2 * n * n); err != nil { // reading and writing the matrix
			return err
		}
		failed := false
		for j := int64(0); j < n; j++ {
			var s T = in(j, j)
			for k := int64(0); k < j; k++ {
				s -= L[j*n+k] * linConj(L[j*n+k])
			}
			djj := linSqrt(s)
			failed = failed || linIsNaN(djj)
			L[j*n+j] = djj
			for i := j + 1; i < n; i++ {
				v := in(i, j)
				for k := int64(0); k < j; k++ {
					v -= L[i*n+k] * linConj(L[j*n+k])
				}
				L[i*n+j] = v / djj
			}
			if err := m.add(n * (j + 1)); err != nil {
				return err
			}
		}
		if failed {
			var nan T
			if _, ok := any(nan).(complex128); ok {
				nan = any(complex(math.NaN(), math.NaN())).(T)
			} else {
				nan = any(math.NaN()).(T)
			}
			for i := range L {
				L[i] = nan
			}
		}
		for i := int64(0); i < n; i++ {
			for j := int64(0); j < n; j++ {
				if lower {
					linSet(out, base+i*n+j, L[i*n+j])
				} else {
					linSet(out, base+i*n+j, linConj(L[j*n+i]))
				}
			}
		}
	}
	return m.flush()
}

func linIsNaN[T linScalar](x T) bool {
	switch v := any(x).(type) {
	case complex128:
		return math.IsNaN(real(v)) || math.IsNaN(imag(v))
	case float64:
		return math.IsNaN(v)
	}
	return false
}

// linSqrt is the square root of a pivot: of the real part for complex
// types (a Hermitian matrix has a real diagonal); NaN when negative.
func linSqrt[T linScalar](x T) T {
	var f float64
	switch v := any(x).(type) {
	case complex128:
		f = real(v)
	case float64:
		f = v
	}
	s := math.Sqrt(f) // NaN for a negative pivot
	var z T
	if _, ok := any(z).(complex128); ok {
		return any(complex(s, 0)).(T)
	}
	return any(s).(T)
}
