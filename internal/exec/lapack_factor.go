package exec

import (
	"math"

	"github.com/hlogate/hlogate/tensor"
)

// potrf, getrf, geqrf, orgqr/ungqr and trsm: the factorizations and the
// triangular solve, each following its LAPACK reference routine (potf2,
// getf2, geqr2, org2r/ung2r, BLAS trsm) step for step in float64 or
// complex128.

// lpSfmin is LAPACK's safe minimum for double precision (dlamch('S')): the
// smallest number whose reciprocal does not overflow.
const lpSfmin = 0x1p-1022

// square checks that operand x is a batch of square matrices and returns
// the batch dimensions and the order.
func (k *lpCall) square(x *lpView, what string) ([]int64, int64, error) {
	s := x.t.Shape
	r := len(s)
	if s[r-1] != s[r-2] {
		return nil, 0, k.reject("%s takes a batch of square matrices, got shape %v", what, s)
	}
	return s[:r-2], s[r-1], nil
}

func lpPotrf(k *lpCall, in []*tensor.Tensor) ([]Val, error) {
	if err := k.counts(in, 1, 2); err != nil {
		return nil, err
	}
	x, err := k.operand(in, 0, k.dt, 2)
	if err != nil {
		return nil, err
	}
	uplo, err := k.char("uplo", "LU")
	if err != nil {
		return nil, err
	}
	batch, n, err := k.square(x, "potrf")
	if err != nil {
		return nil, err
	}
	out, err := k.result(0, k.dt, x.t.Shape)
	if err != nil {
		return nil, err
	}
	info, err := k.result(1, tensor.I32, batch)
	if err != nil {
		return nil, err
	}
	if k.dt.IsComplex() {
		err = lpPotrfT[complex128](k, x, out, info, linNumel(batch), n, uplo == 'L')
	} else {
		err = lpPotrfT[float64](k, x, out, info, linNumel(batch), n, uplo == 'L')
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: out.t}, {T: info.t}}, nil
}

// lpPotrfT factors each matrix as L·Lᴴ (lower) or Uᴴ·U (upper) from that
// triangle, leaving the other triangle as it was. At the first leading
// minor that is not positive definite (or is NaN) it stores the failing
// pivot on the diagonal, stops, and reports its 1-based order in info.
func lpPotrfT[T linScalar](k *lpCall, x, out, infoV *lpView, nb, n int64, lower bool) error {
	if nb == 0 {
		return nil
	}
	done, err := k.scratch(n * n)
	if err != nil {
		return err
	}
	defer done()
	A := make([]T, n*n)
	for b := int64(0); b < nb; b++ {
		lpGetMat(x, b, n, n, A)
		if err := k.work(2 * n * n); err != nil {
			return err
		}
		info := 0
		for j := int64(0); j < n; j++ {
			ajj := lpRe(A[j*n+j])
			if lower {
				for p := int64(0); p < j; p++ {
					ajj -= lpAbs2(A[j*n+p])
				}
			} else {
				for p := int64(0); p < j; p++ {
					ajj -= lpAbs2(A[p*n+j])
				}
			}
			if !(ajj > 0) { // also NaN
				A[j*n+j] = lpR[T](ajj)
				info = int(j + 1)
				break
			}
			ajj = math.Sqrt(ajj)
			A[j*n+j] = lpR[T](ajj)
			r := lpR[T](1 / ajj)
			for i := j + 1; i < n; i++ {
				if lower {
					v := A[i*n+j]
					for p := int64(0); p < j; p++ {
						v -= A[i*n+p] * linConj(A[j*n+p])
					}
					A[i*n+j] = v * r
				} else {
					v := A[j*n+i]
					for p := int64(0); p < j; p++ {
						v -= linConj(A[p*n+j]) * A[p*n+i]
					}
					A[j*n+i] = v * r
				}
			}
			if err := k.work(n * (j + 1)); err != nil {
				return err
			}
		}
		lpSetMat(out, b, n, n, A)
		lpSetInfo(infoV, b, info)
	}
	return nil
}

func lpGetrf(k *lpCall, in []*tensor.Tensor) ([]Val, error) {
	if err := k.counts(in, 1, 3); err != nil {
		return nil, err
	}
	x, err := k.operand(in, 0, k.dt, 2)
	if err != nil {
		return nil, err
	}
	s := x.t.Shape
	r := len(s)
	batch, m, n := s[:r-2], s[r-2], s[r-1]
	out, err := k.result(0, k.dt, s)
	if err != nil {
		return nil, err
	}
	piv, err := k.result(1, tensor.I32, lpShape(batch, min(m, n)))
	if err != nil {
		return nil, err
	}
	info, err := k.result(2, tensor.I32, batch)
	if err != nil {
		return nil, err
	}
	if k.dt.IsComplex() {
		err = lpGetrfT[complex128](k, x, out, piv, info, linNumel(batch), m, n)
	} else {
		err = lpGetrfT[float64](k, x, out, piv, info, linNumel(batch), m, n)
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: out.t}, {T: piv.t}, {T: info.t}}, nil
}

// lpGetrfT is LU with partial pivoting, P·A = L·U, as getf2: the pivot is
// the first entry of largest |re|+|im| (BLAS i*amax); rows are swapped
// whole; ipiv is 1-based; info is the first column whose pivot is exactly
// zero, and the factorization carries on past it.
func lpGetrfT[T linScalar](k *lpCall, x, out, pivV, infoV *lpView, nb, m, n int64) error {
	if nb == 0 {
		return nil
	}
	kk := min(m, n)
	done, err := k.scratch(m * n)
	if err != nil {
		return err
	}
	defer done()
	A := make([]T, m*n)
	for b := int64(0); b < nb; b++ {
		lpGetMat(x, b, m, n, A)
		if err := k.work(2 * m * n); err != nil {
			return err
		}
		info := 0
		for j := int64(0); j < kk; j++ {
			p, best := j, lpAbs1(A[j*n+j])
			for i := j + 1; i < m; i++ {
				if v := lpAbs1(A[i*n+j]); v > best {
					p, best = i, v
				}
			}
			pivV.t.SetInt64(pivV.idx(b*kk+j), p+1)
			if A[p*n+j] != 0 {
				if p != j {
					for c := int64(0); c < n; c++ {
						A[j*n+c], A[p*n+c] = A[p*n+c], A[j*n+c]
					}
				}
				pv := A[j*n+j]
				if lpAbs(pv) >= lpSfmin {
					r := T(1) / pv
					for i := j + 1; i < m; i++ {
						A[i*n+j] *= r
					}
				} else {
					for i := j + 1; i < m; i++ {
						A[i*n+j] /= pv
					}
				}
			} else if info == 0 {
				info = int(j + 1)
			}
			for i := j + 1; i < m; i++ {
				l := A[i*n+j]
				for c := j + 1; c < n; c++ {
					A[i*n+c] -= l * A[j*n+c]
				}
			}
			if err := k.work((m - j) * (n - j)); err != nil {
				return err
			}
		}
		lpSetMat(out, b, m, n, A)
		lpSetInfo(infoV, b, info)
	}
	return nil
}

func lpGeqrf(k *lpCall, in []*tensor.Tensor) ([]Val, error) {
	if err := k.counts(in, 1, 2); err != nil {
		return nil, err
	}
	x, err := k.operand(in, 0, k.dt, 2)
	if err != nil {
		return nil, err
	}
	s := x.t.Shape
	r := len(s)
	batch, m, n := s[:r-2], s[r-2], s[r-1]
	out, err := k.result(0, k.dt, s)
	if err != nil {
		return nil, err
	}
	tau, err := k.result(1, k.dt, lpShape(batch, min(m, n)))
	if err != nil {
		return nil, err
	}
	if k.dt.IsComplex() {
		err = lpGeqrfT[complex128](k, x, out, tau, linNumel(batch), m, n)
	} else {
		err = lpGeqrfT[float64](k, x, out, tau, linNumel(batch), m, n)
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: out.t}, {T: tau.t}}, nil
}

// lpHouse is LAPACK's larfg on column j of the m×n row-major A, rows j to
// m-1: it finds H = I - tau·v·vᴴ with Hᴴ·(alpha, x) = (beta, 0), beta real,
// stores beta at (j, j) and v's tail (v(0) = 1) below it, and returns tau.
func lpHouse[T linScalar](A []T, m, n, j int64) T {
	alpha := A[j*n+j]
	var scale float64
	for i := j + 1; i < m; i++ {
		scale = max(scale, lpAbs1(A[i*n+j]))
	}
	var xnorm float64
	if scale > 0 && !math.IsInf(scale, 0) {
		var s float64
		for i := j + 1; i < m; i++ {
			re, im := lpRe(A[i*n+j])/scale, lpIm(A[i*n+j])/scale
			s += re*re + im*im
		}
		xnorm = scale * math.Sqrt(s)
	} else {
		xnorm = scale // 0, Inf or NaN
	}
	alphr, alphi := lpRe(alpha), lpIm(alpha)
	if xnorm == 0 && alphi == 0 {
		return 0
	}
	beta := -math.Copysign(math.Hypot(math.Hypot(alphr, alphi), xnorm), alphr)
	tau := lpC[T](complex((beta-alphr)/beta, -alphi/beta))
	d := alpha - lpR[T](beta)
	for i := j + 1; i < m; i++ {
		A[i*n+j] /= d
	}
	A[j*n+j] = lpR[T](beta)
	return tau
}

// lpGeqrfT is Householder QR as geqr2: A = Q·R with Q = H(1)···H(k),
// H(i) = I - tau(i)·v(i)·v(i)ᴴ; R on and above the diagonal, the v(i)
// below it.
func lpGeqrfT[T linScalar](k *lpCall, x, out, tauV *lpView, nb, m, n int64) error {
	if nb == 0 {
		return nil
	}
	kk := min(m, n)
	done, err := k.scratch(m*n, kk)
	if err != nil {
		return err
	}
	defer done()
	A := make([]T, m*n)
	tau := make([]T, kk)
	for b := int64(0); b < nb; b++ {
		lpGetMat(x, b, m, n, A)
		if err := k.work(2 * m * n); err != nil {
			return err
		}
		for j := int64(0); j < kk; j++ {
			t := lpHouse(A, m, n, j)
			tau[j] = t
			if t != 0 {
				// A(j:m, j+1:n) := H(j)ᴴ·A(j:m, j+1:n).
				th := linConj(t)
				for c := j + 1; c < n; c++ {
					w := A[j*n+c]
					for i := j + 1; i < m; i++ {
						w += linConj(A[i*n+j]) * A[i*n+c]
					}
					w *= th
					A[j*n+c] -= w
					for i := j + 1; i < m; i++ {
						A[i*n+c] -= A[i*n+j] * w
					}
				}
			}
			if err := k.work(2 * (m - j) * (n - j)); err != nil {
				return err
			}
		}
		lpSetMat(out, b, m, n, A)
		lpSetVec(tauV, b, kk, tau)
	}
	return nil
}

func lpOrgqr(k *lpCall, in []*tensor.Tensor) ([]Val, error) {
	if err := k.counts(in, 2, 1); err != nil {
		return nil, err
	}
	x, err := k.operand(in, 0, k.dt, 2)
	if err != nil {
		return nil, err
	}
	tv, err := k.operand(in, 1, k.dt, 1)
	if err != nil {
		return nil, err
	}
	s := x.t.Shape
	r := len(s)
	batch, m, n := s[:r-2], s[r-2], s[r-1]
	ts := tv.t.Shape
	ok := len(ts) == r-1
	for i := 0; ok && i < r-2; i++ {
		ok = ts[i] == batch[i]
	}
	if !ok {
		return nil, k.reject("tau must have shape [batch..., k] for a of shape %v, got %v", s, ts)
	}
	t := ts[r-2]
	if !(m >= n && n >= t) {
		return nil, k.reject("%s needs m >= n >= k for an m×n matrix and k reflectors, got m=%d n=%d k=%d", k.target, m, n, t)
	}
	out, err := k.result(0, k.dt, s)
	if err != nil {
		return nil, err
	}
	if k.dt.IsComplex() {
		err = lpOrgqrT[complex128](k, x, tv, out, linNumel(batch), m, n, t)
	} else {
		err = lpOrgqrT[float64](k, x, tv, out, linNumel(batch), m, n, t)
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: out.t}}, nil
}

// lpOrgqrT forms the first n columns of Q = H(1)···H(t) from geqrf's
// reflectors, as org2r / ung2r.
func lpOrgqrT[T linScalar](k *lpCall, x, tv, out *lpView, nb, m, n, t int64) error {
	if nb == 0 {
		return nil
	}
	done, err := k.scratch(m*n, t)
	if err != nil {
		return err
	}
	defer done()
	A := make([]T, m*n)
	tau := make([]T, t)
	for b := int64(0); b < nb; b++ {
		lpGetMat(x, b, m, n, A)
		lpGetVec(tv, b, t, tau)
		if err := k.work(2 * m * n); err != nil {
			return err
		}
		// Columns t..n-1 start as columns of the unit matrix.
		for c := t; c < n; c++ {
			for i := int64(0); i < m; i++ {
				A[i*n+c] = 0
			}
			A[c*n+c] = 1
		}
		for i := t - 1; i >= 0; i-- {
			ti := tau[i]
			if i < n-1 {
				A[i*n+i] = 1
				for c := i + 1; c < n; c++ {
					var w T
					for r := i; r < m; r++ {
						w += linConj(A[r*n+i]) * A[r*n+c]
					}
					w *= ti
					for r := i; r < m; r++ {
						A[r*n+c] -= A[r*n+i] * w
					}
				}
			}
			for r := i + 1; r < m; r++ {
				A[r*n+i] *= -ti
			}
			A[i*n+i] = 1 - ti
			for r := int64(0); r < i; r++ {
				A[r*n+i] = 0
			}
			if err := k.work(2 * (m - i) * (n - i)); err != nil {
				return err
			}
		}
		lpSetMat(out, b, m, n, A)
	}
	return nil
}

func lpTrsm(k *lpCall, in []*tensor.Tensor) ([]Val, error) {
	if len(in) != 2 && len(in) != 3 {
		return nil, k.reject("%s takes 2 operands (a, b), or 3 with alpha, got %d", k.target, len(in))
	}
	if err := k.counts(in, len(in), 1); err != nil {
		return nil, err
	}
	a, err := k.operand(in, 0, k.dt, 2)
	if err != nil {
		return nil, err
	}
	bv, err := k.operand(in, 1, k.dt, 2)
	if err != nil {
		return nil, err
	}
	var alpha complex128 = 1
	if len(in) == 3 {
		if in[2].DType != k.dt || in[2].NumElements() != 1 || len(in[2].Shape) != 0 {
			return nil, k.reject("alpha must be a %s scalar, got %s%v", k.dt, in[2].DType, in[2].Shape)
		}
		alpha = in[2].Complex128(0)
	}
	side, err := k.char("side", "LR")
	if err != nil {
		return nil, err
	}
	uplo, err := k.char("uplo", "LU")
	if err != nil {
		return nil, err
	}
	trans, err := k.char("trans_x", "NTC")
	if err != nil {
		return nil, err
	}
	diagc, err := k.char("diag", "NU")
	if err != nil {
		return nil, err
	}
	bs, as := bv.t.Shape, a.t.Shape
	r := len(bs)
	m, n := bs[r-2], bs[r-1]
	kd := m
	if side == 'R' {
		kd = n
	}
	ok := len(as) == r && as[r-2] == kd && as[r-1] == kd
	for i := 0; ok && i < r-2; i++ {
		ok = as[i] == bs[i]
	}
	if !ok {
		return nil, k.reject("a must have shape [batch..., %d, %d] for b of shape %v with side %q, got %v", kd, kd, bs, side, as)
	}
	out, err := k.result(0, k.dt, bs)
	if err != nil {
		return nil, err
	}
	s := lpTrsmSpec{left: side == 'L', lower: uplo == 'L', trans: trans, unit: diagc == 'U'}
	nb := linNumel(bs[:r-2])
	if k.dt.IsComplex() {
		err = lpTrsmT[complex128](k, s, a, bv, out, lpC[complex128](alpha), nb, m, n, kd)
	} else {
		err = lpTrsmT[float64](k, s, a, bv, out, lpC[float64](alpha), nb, m, n, kd)
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: out.t}}, nil
}

type lpTrsmSpec struct {
	left, lower, unit bool
	trans             byte
}

// lpTrsmT solves op(A)·X = alpha·B (left) or X·op(A) = alpha·B (right) for
// the m×n B, reading only the uplo triangle of A (and not its diagonal when
// unit). As in BLAS there is no singularity check: a zero diagonal gives
// infinities and NaNs.
func lpTrsmT[T linScalar](k *lpCall, s lpTrsmSpec, a, bv, out *lpView, alpha T, nb, m, n, kd int64) error {
	if nb == 0 {
		return nil
	}
	done, err := k.scratch(kd*kd, m*n)
	if err != nil {
		return err
	}
	defer done()
	A := make([]T, kd*kd)
	B := make([]T, m*n)
	opA := func(i, j int64) T {
		switch s.trans {
		case 'T':
			return A[j*kd+i]
		case 'C':
			return linConj(A[j*kd+i])
		}
		return A[i*kd+j]
	}
	// op(A) is lower triangular when A is lower and not transposed, or
	// upper and transposed.
	effLower := s.lower == (s.trans == 'N')
	for b := int64(0); b < nb; b++ {
		lpGetMat(a, b, kd, kd, A)
		lpGetMat(bv, b, m, n, B)
		if err := k.work(kd*kd + 2*m*n); err != nil {
			return err
		}
		if alpha == 0 {
			clear(B)
			lpSetMat(out, b, m, n, B)
			continue
		}
		if alpha != 1 {
			for i := range B {
				B[i] *= alpha
			}
		}
		if s.left {
			for c := int64(0); c < n; c++ {
				for step := int64(0); step < m; step++ {
					i := step
					if !effLower {
						i = m - 1 - step
					}
					v := B[i*n+c]
					if effLower {
						for p := int64(0); p < i; p++ {
							v -= opA(i, p) * B[p*n+c]
						}
					} else {
						for p := i + 1; p < m; p++ {
							v -= opA(i, p) * B[p*n+c]
						}
					}
					if !s.unit {
						v /= opA(i, i)
					}
					B[i*n+c] = v
				}
				if err := k.work(m * m); err != nil {
					return err
				}
			}
		} else {
			// x·op(A) = b: with op(A) upper, x(j) needs x(0..j-1); lower, x(j+1..).
			for row := int64(0); row < m; row++ {
				for step := int64(0); step < n; step++ {
					j := step
					if effLower {
						j = n - 1 - step
					}
					v := B[row*n+j]
					if effLower {
						for p := j + 1; p < n; p++ {
							v -= B[row*n+p] * opA(p, j)
						}
					} else {
						for p := int64(0); p < j; p++ {
							v -= B[row*n+p] * opA(p, j)
						}
					}
					if !s.unit {
						v /= opA(j, j)
					}
					B[row*n+j] = v
				}
				if err := k.work(n * n); err != nil {
					return err
				}
			}
		}
		lpSetMat(out, b, m, n, B)
	}
	return nil
}
