package exec

import (
	"math"
	"math/cmplx"
	"sort"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// syevd/heevd, gesdd and geev. LAPACK's own algorithms (divide and
// conquer, bidiagonal D&C, multishift QR) are replaced by robust textbook
// ones that give the same decompositions to working accuracy:
//
//   - syevd/heevd: cyclic two-sided Jacobi on the Hermitian matrix built
//     from the uplo triangle; eigenvalues ascending, as LAPACK returns them.
//   - gesdd: one-sided (Hestenes) Jacobi on the columns of A, or of Aᴴ when
//     m < n; singular values descending; U completed to a unitary basis
//     (mode 'A', or zero singular values) with Householder reflections.
//   - geev: Householder reduction to Hessenberg form, then the shifted QR
//     algorithm (Francis double shift in real arithmetic for real input, so
//     complex eigenvalues come in exact conjugate pairs, positive imaginary
//     part first; single shift for complex input), eigenvectors of the
//     triangular Schur form by substitution, transformed back and
//     normalised as LAPACK does: Euclidean norm 1 and, for complex vectors,
//     the component of largest modulus real (positive here).
//
// Every iteration is capped: a matrix that does not converge gives info > 0
// and NaN results (JAX returns NaNs for info != 0 anyway). A non-finite
// operand to geev gives info = -4 (jaxlib's check); a NaN one to gesdd -4
// (LAPACK's check) and an infinite one 1; a non-finite one to syevd/heevd
// (n > 1) n-1, as syevd's tridiagonal QL iteration would fail. Operands
// with entries beyond 2^±400 are scaled by a power of two first, as the
// LAPACK drivers scale them.

const (
	lpEps    = 0x1p-53 // unit roundoff of float64
	lpUlp    = 0x1p-52
	lpSafMin = 0x1p-1022
)

// lpRot returns cos θ, sin θ and t = tan θ of the Jacobi rotation that
// zeroes the off-diagonal entry g > 0 of the 2×2 symmetric
// [[app, g], [g, aqq]], with θ in [-π/4, π/4] (Numerical Recipes' choice).
func lpRot(app, aqq, g float64) (c, s, t float64) {
	theta := (aqq - app) / (2 * g)
	if math.Abs(theta) > 1e150 {
		t = 0.5 / theta
	} else {
		t = 1 / (math.Abs(theta) + math.Sqrt(1+theta*theta))
		if theta < 0 {
			t = -t
		}
	}
	c = 1 / math.Sqrt(1+t*t)
	return c, t * c, t
}

// lpRotCols applies the unitary J = [[c, s], [-s·conj(ph), c·conj(ph)]]
// from the right to columns p and q of the row-major r×n matrix M.
func lpRotCols[T linScalar](M []T, rows, n, p, q int64, C, S, phc T) {
	for r := int64(0); r < rows; r++ {
		x, y := M[r*n+p], M[r*n+q]
		M[r*n+p] = C*x - S*phc*y
		M[r*n+q] = S*x + C*phc*y
	}
}

// lpScaleFor returns a power of two that brings the largest entry of the
// finite M near 1 when it lies outside [2⁻⁴⁰⁰, 2⁴⁰⁰], else 1. (LAPACK's
// drivers scale outside about [2⁻⁴⁵⁹, 2⁴⁵⁷] for the same reason.)
func lpScaleFor[T linScalar](M []T) float64 {
	var anrm float64
	for _, v := range M {
		anrm = max(anrm, lpAbs1(v))
	}
	if anrm == 0 || (anrm <= 0x1p400 && anrm >= 0x1p-400) {
		return 1
	}
	_, e := math.Frexp(anrm)
	return math.Ldexp(1, -e)
}

func lpScale[T linScalar](M []T, f float64) {
	if f == 1 {
		return
	}
	for i := range M {
		M[i] *= lpR[T](f)
	}
}

// ---- syevd / heevd -------------------------------------------------------

func lpSyevd(k *lpCall, in []*tensor.Tensor) ([]Val, error) {
	if err := k.counts(in, 1, 3); err != nil {
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
	mode, err := k.char("mode", "VN")
	if err != nil {
		return nil, err
	}
	batch, n, err := k.square(x, "syevd")
	if err != nil {
		return nil, err
	}
	rdt := k.dt
	if k.dt.IsComplex() {
		rdt = k.dt.ComplexPart()
	}
	v, err := k.result(0, k.dt, x.t.Shape)
	if err != nil {
		return nil, err
	}
	w, err := k.result(1, rdt, lpShape(batch, n))
	if err != nil {
		return nil, err
	}
	info, err := k.result(2, tensor.I32, batch)
	if err != nil {
		return nil, err
	}
	nb := linNumel(batch)
	if k.dt.IsComplex() {
		err = lpSyevdT[complex128](k, x, v, w, info, nb, n, uplo == 'L', mode == 'V')
	} else {
		err = lpSyevdT[float64](k, x, v, w, info, nb, n, uplo == 'L', mode == 'V')
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: v.t}, {T: w.t}, {T: info.t}}, nil
}

func lpSyevdT[T linScalar](k *lpCall, x, vV, wV, infoV *lpView, nb, n int64, lower, wantV bool) error {
	if nb == 0 {
		return nil
	}
	done, err := k.scratch(3*n*n, n)
	if err != nil {
		return err
	}
	defer done()
	X := make([]T, n*n)
	A := make([]T, n*n)
	V := make([]T, n*n)
	w := make([]float64, n)
	perm := make([]int, n)
	for b := int64(0); b < nb; b++ {
		lpGetMat(x, b, n, n, X)
		finite := true
		for i := int64(0); i < n; i++ {
			for j := int64(0); j <= i; j++ {
				var e T // element (i, j) of the Hermitian matrix, i >= j
				if lower {
					e = X[i*n+j]
				} else {
					e = linConj(X[j*n+i])
				}
				if i == j {
					e = lpR[T](lpRe(e))
				}
				A[i*n+j], A[j*n+i] = e, linConj(e)
				finite = finite && lpFinite(e)
			}
		}
		if err := k.work(2 * n * n); err != nil {
			return err
		}
		info := 0
		scale := 1.0
		if finite {
			scale = lpScaleFor(A)
			lpScale(A, scale)
		}
		if !finite && n > 1 {
			info = int(n - 1)
		} else if info, err = lpJacobiEig(k, A, V, n, wantV); err != nil {
			return err
		}
		out := X // mode 'N' leaves the operand (LAPACK overwrites it with scratch)
		if info != 0 {
			for i := range w {
				w[i] = math.NaN()
			}
			if wantV {
				for i := range V {
					V[i] = lpNaN[T]()
				}
				out = V
			}
		} else {
			for i := range perm {
				perm[i] = i
			}
			sort.SliceStable(perm, func(i, j int) bool {
				return lpRe(A[int64(perm[i])*(n+1)]) < lpRe(A[int64(perm[j])*(n+1)])
			})
			for i, p := range perm {
				w[i] = lpRe(A[int64(p)*(n+1)]) / scale
			}
			if wantV {
				for r := int64(0); r < n; r++ {
					for i, p := range perm {
						A[r*n+int64(i)] = V[r*n+int64(p)]
					}
				}
				out = A
			}
		}
		lpSetMat(vV, b, n, n, out)
		lpSetVec(wV, b, n, w)
		lpSetInfo(infoV, b, info)
	}
	return nil
}

// lpJacobiEig diagonalises the Hermitian A in place by cyclic Jacobi
// rotations, accumulating them in V when wantV. An off-diagonal entry is
// rotated away while |a_pq| > eps·sqrt(|a_pp|·|a_qq|); after lpMaxSweeps
// sweeps that still rotate it returns the number of such entries (> 0).
func lpJacobiEig[T linScalar](k *lpCall, A, V []T, n int64, wantV bool) (int, error) {
	if wantV {
		clear(V)
		for i := int64(0); i < n; i++ {
			V[i*n+i] = 1
		}
	}
	big := func(p, q int64) (float64, bool) {
		g := lpAbs(A[p*n+q])
		app, aqq := lpRe(A[p*n+p]), lpRe(A[q*n+q])
		return g, g != 0 && g > lpEps*math.Sqrt(math.Abs(app))*math.Sqrt(math.Abs(aqq))
	}
	for sweep := 0; sweep < lpMaxSweeps; sweep++ {
		rotated := false
		for p := int64(0); p < n-1; p++ {
			for q := p + 1; q < n; q++ {
				g, ok := big(p, q)
				if !ok {
					continue
				}
				rotated = true
				app, aqq := lpRe(A[p*n+p]), lpRe(A[q*n+q])
				c, s, t := lpRot(app, aqq, g)
				ph := A[p*n+q] * lpR[T](1/g)
				phc := linConj(ph)
				C, S := lpR[T](c), lpR[T](s)
				lpRotCols(A, n, n, p, q, C, S, phc) // A·J
				for r := int64(0); r < n; r++ {     // Jᴴ·A
					x, y := A[p*n+r], A[q*n+r]
					A[p*n+r] = C*x - S*ph*y
					A[q*n+r] = S*x + C*ph*y
				}
				A[p*n+q], A[q*n+p] = 0, 0
				A[p*n+p] = lpR[T](app - t*g)
				A[q*n+q] = lpR[T](aqq + t*g)
				if wantV {
					lpRotCols(V, n, n, p, q, C, S, phc)
				}
				if err := k.work(3 * n); err != nil {
					return 0, err
				}
			}
		}
		if !rotated {
			return 0, nil
		}
	}
	left := 0
	for p := int64(0); p < n-1; p++ {
		for q := p + 1; q < n; q++ {
			if _, ok := big(p, q); ok {
				left++
			}
		}
	}
	return max(left, 1), nil
}

// lpMaxSweeps caps the Jacobi sweeps; convergence is quadratic and takes
// well under 20 sweeps in practice.
const lpMaxSweeps = 60

// ---- gesdd ---------------------------------------------------------------

func lpGesdd(k *lpCall, in []*tensor.Tensor) ([]Val, error) {
	if err := k.counts(in, 1, 5); err != nil {
		return nil, err
	}
	x, err := k.operand(in, 0, k.dt, 2)
	if err != nil {
		return nil, err
	}
	mode, err := k.char("mode", "ASNO")
	if err != nil {
		return nil, err
	}
	if mode == 'O' {
		return nil, k.reject("%s mode 'O' is not supported (jaxlib's kernel does not implement it either)", k.target)
	}
	s := x.t.Shape
	r := len(s)
	batch, m, n := s[:r-2], s[r-2], s[r-1]
	kk := min(m, n)
	rdt := k.dt
	if k.dt.IsComplex() {
		rdt = k.dt.ComplexPart()
	}
	var ushape, vshape []int64
	switch mode {
	case 'A':
		ushape, vshape = lpShape(batch, m, m), lpShape(batch, n, n)
	case 'S':
		ushape, vshape = lpShape(batch, m, kk), lpShape(batch, kk, n)
	case 'N': // not written; JAX still declares them
		if ushape, err = k.staticShape(2, batch); err != nil {
			return nil, err
		}
		if vshape, err = k.staticShape(3, batch); err != nil {
			return nil, err
		}
	}
	out, err := k.result(0, k.dt, s)
	if err != nil {
		return nil, err
	}
	sv, err := k.result(1, rdt, lpShape(batch, kk))
	if err != nil {
		return nil, err
	}
	u, err := k.result(2, k.dt, ushape)
	if err != nil {
		return nil, err
	}
	vt, err := k.result(3, k.dt, vshape)
	if err != nil {
		return nil, err
	}
	info, err := k.result(4, tensor.I32, batch)
	if err != nil {
		return nil, err
	}
	nb := linNumel(batch)
	if k.dt.IsComplex() {
		err = lpGesddT[complex128](k, x, out, sv, u, vt, info, nb, m, n, mode)
	} else {
		err = lpGesddT[float64](k, x, out, sv, u, vt, info, nb, m, n, mode)
	}
	if err != nil {
		return nil, err
	}
	return []Val{{T: out.t}, {T: sv.t}, {T: u.t}, {T: vt.t}, {T: info.t}}, nil
}

// staticShape returns result i's shape, which must be static and start
// with the batch dimensions.
func (k *lpCall) staticShape(i int, batch []int64) ([]int64, error) {
	tt := ir.Tensor(k.op.Results[i].Type)
	if tt == nil || len(tt.Shape) < len(batch) {
		return nil, k.reject("result %d must be a tensor with the batch dimensions %v", i, batch)
	}
	for j, d := range tt.Shape {
		if d < 0 || (j < len(batch) && d != batch[j]) {
			return nil, k.reject("result %d must have a static shape starting with the batch dimensions %v, got %s", i, batch, k.op.Results[i].Type)
		}
	}
	return append([]int64(nil), tt.Shape...), nil
}

func lpGesddT[T linScalar](k *lpCall, x, outV, sV, uV, vtV, infoV *lpView, nb, m, n int64, mode byte) error {
	if nb == 0 {
		return nil
	}
	kk := min(m, n)
	trans := m < n
	p, q := m, n // W = A (p×q), or Aᴴ when m < n; p >= q = kk
	if trans {
		p, q = n, m
	}
	wantUV, full := mode != 'N', mode == 'A'
	ucols := q // columns kept of W's left factor
	if full {
		ucols = p
	}
	var ur, uc, vr, vc int64 // the u and vt results, per matrix
	if wantUV {
		ur, uc, vr, vc = m, m, n, n
		if !full {
			uc, vr = kk, kk
		}
	}
	wq := int64(0)
	if wantUV {
		wq = q * q
	}
	done, err := k.scratch(m*n, p*ucols, wq, ur*uc, vr*vc, 3*q, p)
	if err != nil {
		return err
	}
	defer done()
	A := make([]T, m*n)
	W := make([]T, p*ucols) // column-major: column j is W[j*p : (j+1)*p]
	V := make([]T, wq)      // column-major q×q
	U := make([]T, ur*uc)
	VT := make([]T, vr*vc)
	tmp := make([]T, p)
	norms := make([]float64, q)
	sv := make([]float64, q)
	perm := make([]int, q)
	for b := int64(0); b < nb; b++ {
		lpGetMat(x, b, m, n, A)
		if err := k.work(2 * m * n); err != nil {
			return err
		}
		nan, inf := false, false
		for _, v := range A {
			nan = nan || lpHasNaN(v)
			inf = inf || !lpFinite(v)
		}
		// Scale by a power of two when the entries are so large or small
		// that sums of squares could overflow or underflow.
		scale := 1.0
		if !inf {
			scale = lpScaleFor(A)
		}
		for j := int64(0); j < q; j++ {
			for i := int64(0); i < p; i++ {
				var v T
				if trans {
					v = linConj(A[j*n+i])
				} else {
					v = A[i*n+j]
				}
				W[j*p+i] = v * lpR[T](scale)
			}
		}
		info, cut := 0, 0.0
		switch {
		case nan:
			info = -4
		case inf:
			info = 1
		default:
			if info, cut, err = lpJacobiSVD(k, W, V, p, q, wantUV); err != nil {
				return err
			}
		}
		if info != 0 {
			for i := range sv {
				sv[i] = math.NaN()
			}
			for i := range U {
				U[i] = lpNaN[T]()
			}
			for i := range VT {
				VT[i] = lpNaN[T]()
			}
		} else {
			for j := int64(0); j < q; j++ {
				norms[j] = lpNorm(W[j*p : (j+1)*p])
				perm[j] = int(j)
			}
			sort.SliceStable(perm, func(i, j int) bool { return norms[perm[i]] > norms[perm[j]] })
			for j, pj := range perm {
				sv[j] = norms[pj] / scale
			}
			if wantUV {
				// Sort W's and V's columns, normalise W's, and complete
				// W's to a unitary basis where needed.
				lpSortCols(W, p, perm, tmp)
				lpSortCols(V, q, perm, tmp)
				r := int64(0)
				for j := int64(0); j < q && norms[perm[j]] > cut; j++ {
					d := lpR[T](norms[perm[j]])
					for i := int64(0); i < p; i++ {
						W[j*p+i] /= d
					}
					r++
				}
				if err := lpComplete(k, W, p, r, ucols); err != nil {
					return err
				}
				// A = L·S·Rᴴ with L, R column-major: (W, V), or (V, W) when
				// W came from Aᴴ. R has n rows either way.
				L, lr, R := W, p, V
				if trans {
					L, lr, R = V, q, W
				}
				for i := int64(0); i < ur; i++ {
					for j := int64(0); j < uc; j++ {
						U[i*uc+j] = L[j*lr+i]
					}
				}
				for i := int64(0); i < vr; i++ {
					for j := int64(0); j < vc; j++ {
						VT[i*vc+j] = linConj(R[i*n+j])
					}
				}
			}
		}
		lpSetMat(outV, b, m, n, A) // LAPACK overwrites the operand; this keeps it
		lpSetVec(sV, b, q, sv)
		if wantUV {
			lpSetMat(uV, b, ur, uc, U)
			lpSetMat(vtV, b, vr, vc, VT)
		}
		lpSetInfo(infoV, b, info)
	}
	return nil
}

// lpSortCols permutes the column-major columns of M (rows long) so that
// column j becomes old column perm[j]. tmp must hold rows elements.
func lpSortCols[T linScalar](M []T, rows int64, perm []int, tmp []T) {
	n := int64(len(perm))
	done := make([]bool, n)
	for s := int64(0); s < n; s++ {
		if done[s] || int64(perm[s]) == s {
			done[s] = true
			continue
		}
		// Follow the cycle starting at s.
		copy(tmp[:rows], M[s*rows:(s+1)*rows])
		j := s
		for {
			src := int64(perm[j])
			done[j] = true
			if src == s {
				copy(M[j*rows:(j+1)*rows], tmp[:rows])
				break
			}
			copy(M[j*rows:(j+1)*rows], M[src*rows:(src+1)*rows])
			j = src
		}
	}
}

// lpJacobiSVD orthogonalises the q columns (length p, column-major) of W by
// one-sided Jacobi rotations, accumulating them in the column-major q×q V
// when wantV. Two columns are rotated while |ciᴴ·cj| > tol·|ci|·|cj|,
// unless one of them is down at rounding level, |c| <= cut = p·eps·‖W‖_F:
// such a column is noise whose direction cannot be orthogonalised
// reliably (rotating it forever would not converge); its singular value
// stands, and the caller gives it a U column from the orthogonal
// complement instead. It returns info and cut.
func lpJacobiSVD[T linScalar](k *lpCall, W, V []T, p, q int64, wantV bool) (int, float64, error) {
	if wantV {
		clear(V)
		for i := int64(0); i < q; i++ {
			V[i*q+i] = 1
		}
	}
	tol := max(float64(p), 4) * lpEps
	cut := float64(p) * lpEps * lpNorm(W[:p*q])
	cut2 := cut * cut
	// rotate reports whether columns i and j need a rotation.
	rotate := func(i, j int64) (bool, float64, float64, T) {
		ci, cj := W[i*p:(i+1)*p], W[j*p:(j+1)*p]
		var a, b float64
		var g T
		for r := range ci {
			a += lpAbs2(ci[r])
			b += lpAbs2(cj[r])
			g += linConj(ci[r]) * cj[r]
		}
		ga := lpAbs(g)
		return a > cut2 && b > cut2 && ga > tol*math.Sqrt(a)*math.Sqrt(b), a, b, g
	}
	if err := k.work(p * q); err != nil {
		return 0, 0, err
	}
	for sweep := 0; sweep < lpMaxSweeps; sweep++ {
		rotated := false
		for i := int64(0); i < q-1; i++ {
			for j := i + 1; j < q; j++ {
				ok, a, bb, gamma := rotate(i, j)
				if err := k.work(3 * p); err != nil {
					return 0, 0, err
				}
				if !ok {
					continue
				}
				rotated = true
				g := lpAbs(gamma)
				c, s, _ := lpRot(a, bb, g)
				ph := gamma * lpR[T](1/g)
				C, S, phc := lpR[T](c), lpR[T](s), linConj(ph)
				ci, cj := W[i*p:(i+1)*p], W[j*p:(j+1)*p]
				for r := range ci {
					x, y := ci[r], cj[r]
					ci[r] = C*x - S*phc*y
					cj[r] = S*x + C*phc*y
				}
				if wantV {
					vi, vj := V[i*q:(i+1)*q], V[j*q:(j+1)*q]
					for r := range vi {
						x, y := vi[r], vj[r]
						vi[r] = C*x - S*phc*y
						vj[r] = S*x + C*phc*y
					}
				}
				if err := k.work(2*p + 2*q); err != nil {
					return 0, 0, err
				}
			}
		}
		if !rotated {
			return 0, cut, nil
		}
	}
	left := 0
	for i := int64(0); i < q-1; i++ {
		for j := i + 1; j < q; j++ {
			if ok, _, _, _ := rotate(i, j); ok {
				left++
			}
		}
	}
	return max(left, 1), cut, nil
}

// lpComplete fills columns r..cols-1 of the column-major p×cols U, whose
// first r columns are orthonormal, with an orthonormal basis of the rest:
// Q·e_c for c >= r, where Q = H(0)···H(r-1) is the Householder QR of the
// first r columns.
func lpComplete[T linScalar](k *lpCall, U []T, p, r, cols int64) error {
	if r >= cols {
		return nil
	}
	done, err := k.scratch(p*r, r)
	if err != nil {
		return err
	}
	defer done()
	R := make([]T, p*r) // row-major p×r copy
	tau := make([]T, r)
	for j := int64(0); j < r; j++ {
		for i := int64(0); i < p; i++ {
			R[i*r+j] = U[j*p+i]
		}
	}
	for j := int64(0); j < r; j++ {
		tau[j] = lpHouse(R, p, r, j)
		if t := linConj(tau[j]); t != 0 {
			for c := j + 1; c < r; c++ {
				w := R[j*r+c]
				for i := j + 1; i < p; i++ {
					w += linConj(R[i*r+j]) * R[i*r+c]
				}
				w *= t
				R[j*r+c] -= w
				for i := j + 1; i < p; i++ {
					R[i*r+c] -= R[i*r+j] * w
				}
			}
		}
		if err := k.work(2 * (p - j) * r); err != nil {
			return err
		}
	}
	for c := r; c < cols; c++ {
		v := U[c*p : (c+1)*p]
		clear(v)
		v[c] = 1
		for j := r - 1; j >= 0; j-- { // v := H(j)·v
			w := v[j]
			for i := j + 1; i < p; i++ {
				w += linConj(R[i*r+j]) * v[i]
			}
			w *= tau[j]
			v[j] -= w
			for i := j + 1; i < p; i++ {
				v[i] -= R[i*r+j] * w
			}
		}
		if err := k.work(2 * p * r); err != nil {
			return err
		}
	}
	return nil
}

// ---- geev ----------------------------------------------------------------

func lpGeev(k *lpCall, in []*tensor.Tensor) ([]Val, error) {
	cplx := k.dt.IsComplex()
	nres := 5
	if cplx {
		nres = 4
	}
	if err := k.counts(in, 1, nres); err != nil {
		return nil, err
	}
	x, err := k.operand(in, 0, k.dt, 2)
	if err != nil {
		return nil, err
	}
	jl, err := k.char("compute_left", "VN")
	if err != nil {
		return nil, err
	}
	jr, err := k.char("compute_right", "VN")
	if err != nil {
		return nil, err
	}
	batch, n, err := k.square(x, "geev")
	if err != nil {
		return nil, err
	}
	g := &lpGeevOut{wantL: jl == 'V', wantR: jr == 'V'}
	cdt := k.dt
	i := 0
	if cplx {
		if g.w, err = k.result(0, k.dt, lpShape(batch, n)); err != nil {
			return nil, err
		}
		i = 1
	} else {
		cdt = tensor.ComplexOf(k.dt)
		if g.wr, err = k.result(0, k.dt, lpShape(batch, n)); err != nil {
			return nil, err
		}
		if g.wi, err = k.result(1, k.dt, lpShape(batch, n)); err != nil {
			return nil, err
		}
		i = 2
	}
	if g.vl, err = k.result(i, cdt, x.t.Shape); err != nil {
		return nil, err
	}
	if g.vr, err = k.result(i+1, cdt, x.t.Shape); err != nil {
		return nil, err
	}
	if g.info, err = k.result(i+2, tensor.I32, batch); err != nil {
		return nil, err
	}
	if err := lpGeevRun(k, x, g, linNumel(batch), n, !cplx); err != nil {
		return nil, err
	}
	var outs []Val
	if cplx {
		outs = append(outs, Val{T: g.w.t})
	} else {
		outs = append(outs, Val{T: g.wr.t}, Val{T: g.wi.t})
	}
	return append(outs, Val{T: g.vl.t}, Val{T: g.vr.t}, Val{T: g.info.t}), nil
}

type lpGeevOut struct {
	w, wr, wi, vl, vr, info *lpView
	wantL, wantR            bool
}

func lpGeevRun(k *lpCall, x *lpView, g *lpGeevOut, nb, n int64, isReal bool) error {
	if nb == 0 {
		return nil
	}
	done, err := k.scratch(3*n*n, 2*n)
	if err != nil {
		return err
	}
	defer done()
	H := make([]complex128, n*n)
	Z := make([]complex128, n*n)
	VEC := make([]complex128, n*n)
	xbuf := make([]complex128, n)
	var Hr, Zr []float64
	if isReal {
		done2, err := k.scratch(n * n)
		if err != nil {
			return err
		}
		defer done2()
		Hr = make([]float64, n*n)
		Zr = make([]float64, n*n)
	}
	wr := make([]float64, n)
	wi := make([]float64, n)
	nanC := complex(math.NaN(), math.NaN())
	for b := int64(0); b < nb; b++ {
		finite := true
		if isReal {
			lpGetMat(x, b, n, n, Hr)
			for _, v := range Hr {
				finite = finite && lpFinite(v)
			}
		} else {
			lpGetMat(x, b, n, n, H)
			for _, v := range H {
				finite = finite && lpFinite(v)
			}
		}
		if err := k.work(2 * n * n); err != nil {
			return err
		}
		info := 0
		// Scale by a power of two, as geev does, when the entries are so
		// large or small that the iteration would overflow or underflow.
		scale := 1.0
		if finite {
			if isReal {
				scale = lpScaleFor(Hr)
				lpScale(Hr, scale)
			} else {
				scale = lpScaleFor(H)
				lpScale(H, scale)
			}
		}
		if !finite {
			info = -4
		} else if isReal {
			if err := lpHessenberg(k, Hr, Zr, n); err != nil {
				return err
			}
			if info, err = lpHQR(k, Hr, Zr, n, wr, wi); err != nil {
				return err
			}
			if info == 0 {
				lpRsf2csf(Hr, Zr, n, wr, wi, H, Z)
			}
		} else {
			if err := lpHessenberg(k, H, Z, n); err != nil {
				return err
			}
			if info, err = lpCQR(k, H, Z, n); err != nil {
				return err
			}
			for i := int64(0); i < n; i++ {
				wr[i], wi[i] = real(H[i*n+i]), imag(H[i*n+i])
			}
		}
		if info != 0 {
			for _, v := range []*lpView{g.w, g.wr, g.wi} {
				if v != nil {
					lpFill(v, b, n, nanC)
				}
			}
			lpFill(g.vl, b, n*n, nanC)
			lpFill(g.vr, b, n*n, nanC)
			lpSetInfo(g.info, b, info)
			continue
		}
		for i := range wr {
			wr[i] /= scale
			wi[i] /= scale
		}
		if isReal {
			lpSetVec(g.wr, b, n, wr)
			lpSetVec(g.wi, b, n, wi)
		} else {
			for i := int64(0); i < n; i++ {
				xbuf[i] = complex(wr[i], wi[i])
			}
			lpSetVec(g.w, b, n, xbuf)
		}
		for _, left := range []bool{false, true} {
			if (left && !g.wantL) || (!left && !g.wantR) {
				continue
			}
			if err := lpEigvecs(k, H, Z, n, isReal, wi, left, VEC, xbuf); err != nil {
				return err
			}
			v := g.vr
			if left {
				v = g.vl
			}
			lpSetMat(v, b, n, n, VEC)
		}
		lpSetInfo(g.info, b, 0)
	}
	return nil
}

// lpHessenberg reduces the row-major n×n H to upper Hessenberg form by
// Householder similarities, H := Qᴴ·H·Q, and sets Z := Q.
func lpHessenberg[T linScalar](k *lpCall, H, Z []T, n int64) error {
	clear(Z)
	for i := int64(0); i < n; i++ {
		Z[i*n+i] = 1
	}
	u := make([]T, n)
	for c := int64(0); c+2 < n; c++ {
		alpha := H[(c+1)*n+c]
		col := u[c+1:]
		for i := c + 1; i < n; i++ {
			u[i] = H[i*n+c]
		}
		xn := lpNorm(col)
		if xn == 0 {
			continue
		}
		ph := T(1)
		if a := lpAbs(alpha); a != 0 {
			ph = alpha * lpR[T](1/a)
		}
		u[c+1] += ph * lpR[T](xn)
		// Normalise u so that P = I - 2·u·uᴴ.
		unorm := lpNorm(col)
		if unorm == 0 || math.IsInf(unorm, 0) {
			continue
		}
		for i := range col {
			col[i] /= lpR[T](unorm)
		}
		f := T(2)
		// H := P·H (rows c+1..), P = I - f·u·uᴴ.
		for j := c; j < n; j++ {
			var s T
			for i := c + 1; i < n; i++ {
				s += linConj(u[i]) * H[i*n+j]
			}
			s *= f
			for i := c + 1; i < n; i++ {
				H[i*n+j] -= u[i] * s
			}
		}
		// H := H·P and Z := Z·P (columns c+1..).
		for _, M := range [][]T{H, Z} {
			for i := int64(0); i < n; i++ {
				var s T
				for j := c + 1; j < n; j++ {
					s += M[i*n+j] * u[j]
				}
				s *= f
				for j := c + 1; j < n; j++ {
					M[i*n+j] -= s * linConj(u[j])
				}
			}
		}
		H[(c+1)*n+c] = -ph * lpR[T](xn)
		for i := c + 2; i < n; i++ {
			H[i*n+c] = 0
		}
		if err := k.work(4 * n * (n - c)); err != nil {
			return err
		}
	}
	return nil
}

// lpHQR reduces the upper Hessenberg H (row-major n×n) to real Schur form
// by Francis double-shift QR steps (after EISPACK's hqr2 and JAMA's port
// of it), accumulating the transformations into Z, and returns the
// eigenvalues: wr, wi with complex pairs as (a+bi, a-bi), b > 0, and 2×2
// blocks left at those pairs. Subdiagonal entries outside those blocks are
// zero on return. info > 0 (LAPACK's convention: the 1-based index of the
// eigenvalue being sought) when an eigenvalue takes more than
// 30·max(10, n) iterations.
func lpHQR(k *lpCall, H, Z []float64, nn int64, wr, wi []float64) (int, error) {
	at := func(i, j int64) int64 { return i*nn + j }
	const eps = lpUlp
	var p, q, r, s, z, w, x, y float64
	exshift := 0.0
	norm := 0.0
	for i := int64(0); i < nn; i++ {
		for j := max(i-1, 0); j < nn; j++ {
			norm += math.Abs(H[at(i, j)])
		}
	}
	itmax := 30 * max(10, nn)
	n := nn - 1
	iter := int64(0)
	for n >= 0 {
		// Look for a single small subdiagonal element.
		l := n
		for l > 0 {
			s = math.Abs(H[at(l-1, l-1)]) + math.Abs(H[at(l, l)])
			if s == 0 {
				s = norm
			}
			if math.Abs(H[at(l, l-1)]) <= eps*s {
				break
			}
			l--
		}
		switch {
		case l == n: // one root
			H[at(n, n)] += exshift
			wr[n], wi[n] = H[at(n, n)], 0
			if n > 0 {
				H[at(n, n-1)] = 0
			}
			n--
			iter = 0
		case l == n-1: // two roots
			w = H[at(n, n-1)] * H[at(n-1, n)]
			p = (H[at(n-1, n-1)] - H[at(n, n)]) / 2
			q = p*p + w
			z = math.Sqrt(math.Abs(q))
			H[at(n, n)] += exshift
			H[at(n-1, n-1)] += exshift
			x = H[at(n, n)]
			if q >= 0 { // a real pair: split the block by a rotation
				if p >= 0 {
					z = p + z
				} else {
					z = p - z
				}
				x = H[at(n, n-1)]
				s = math.Abs(x) + math.Abs(z)
				p = x / s
				q = z / s
				r = math.Sqrt(p*p + q*q)
				p /= r
				q /= r
				for j := n - 1; j < nn; j++ {
					z = H[at(n-1, j)]
					H[at(n-1, j)] = q*z + p*H[at(n, j)]
					H[at(n, j)] = q*H[at(n, j)] - p*z
				}
				for i := int64(0); i <= n; i++ {
					z = H[at(i, n-1)]
					H[at(i, n-1)] = q*z + p*H[at(i, n)]
					H[at(i, n)] = q*H[at(i, n)] - p*z
				}
				for i := int64(0); i < nn; i++ {
					z = Z[at(i, n-1)]
					Z[at(i, n-1)] = q*z + p*Z[at(i, n)]
					Z[at(i, n)] = q*Z[at(i, n)] - p*z
				}
				H[at(n, n-1)] = 0
				wr[n-1], wi[n-1] = H[at(n-1, n-1)], 0
				wr[n], wi[n] = H[at(n, n)], 0
				if err := k.work(3 * nn); err != nil {
					return 0, err
				}
			} else { // a complex pair
				wr[n-1], wi[n-1] = x+p, z
				wr[n], wi[n] = x+p, -z
			}
			if n > 1 {
				H[at(n-1, n-2)] = 0
			}
			n -= 2
			iter = 0
		default: // no convergence yet: a double-shift QR step
			x = H[at(n, n)]
			y = H[at(n-1, n-1)]
			w = H[at(n, n-1)] * H[at(n-1, n)]
			if iter > 0 && iter%30 == 10 { // Wilkinson's ad hoc shift
				exshift += x
				for i := int64(0); i <= n; i++ {
					H[at(i, i)] -= x
				}
				s = math.Abs(H[at(n, n-1)]) + math.Abs(H[at(n-1, n-2)])
				x = 0.75 * s
				y = x
				w = -0.4375 * s * s
			}
			if iter > 0 && iter%30 == 0 { // MATLAB's ad hoc shift
				s = (y - x) / 2
				s = s*s + w
				if s > 0 {
					s = math.Sqrt(s)
					if y < x {
						s = -s
					}
					s = x - w/((y-x)/2+s)
					for i := int64(0); i <= n; i++ {
						H[at(i, i)] -= s
					}
					exshift += s
					x, y, w = 0.964, 0.964, 0.964
				}
			}
			iter++
			if iter > itmax {
				return int(n + 1), nil
			}
			// Look for two consecutive small subdiagonal elements.
			m := n - 2
			for m >= l {
				z = H[at(m, m)]
				r = x - z
				s = y - z
				p = (r*s-w)/H[at(m+1, m)] + H[at(m, m+1)]
				q = H[at(m+1, m+1)] - z - r - s
				r = H[at(m+2, m+1)]
				s = math.Abs(p) + math.Abs(q) + math.Abs(r)
				p /= s
				q /= s
				r /= s
				if m == l {
					break
				}
				if math.Abs(H[at(m, m-1)])*(math.Abs(q)+math.Abs(r)) <
					eps*(math.Abs(p)*(math.Abs(H[at(m-1, m-1)])+math.Abs(z)+math.Abs(H[at(m+1, m+1)]))) {
					break
				}
				m--
			}
			for i := m + 2; i <= n; i++ {
				H[at(i, i-2)] = 0
				if i > m+2 {
					H[at(i, i-3)] = 0
				}
			}
			for kk := m; kk <= n-1; kk++ {
				notlast := kk != n-1
				if kk != m {
					p = H[at(kk, kk-1)]
					q = H[at(kk+1, kk-1)]
					r = 0
					if notlast {
						r = H[at(kk+2, kk-1)]
					}
					x = math.Abs(p) + math.Abs(q) + math.Abs(r)
					if x == 0 {
						continue
					}
					p /= x
					q /= x
					r /= x
				}
				s = math.Sqrt(p*p + q*q + r*r)
				if p < 0 {
					s = -s
				}
				if s == 0 {
					continue
				}
				if kk != m {
					H[at(kk, kk-1)] = -s * x
				} else if l != m {
					H[at(kk, kk-1)] = -H[at(kk, kk-1)]
				}
				p += s
				x = p / s
				y = q / s
				z = r / s
				q /= p
				r /= p
				for j := kk; j < nn; j++ { // rows
					p = H[at(kk, j)] + q*H[at(kk+1, j)]
					if notlast {
						p += r * H[at(kk+2, j)]
						H[at(kk+2, j)] -= p * z
					}
					H[at(kk, j)] -= p * x
					H[at(kk+1, j)] -= p * y
				}
				for i := int64(0); i <= min(n, kk+3); i++ { // columns
					p = x*H[at(i, kk)] + y*H[at(i, kk+1)]
					if notlast {
						p += z * H[at(i, kk+2)]
						H[at(i, kk+2)] -= p * r
					}
					H[at(i, kk)] -= p
					H[at(i, kk+1)] -= p * q
				}
				for i := int64(0); i < nn; i++ { // Z
					p = x*Z[at(i, kk)] + y*Z[at(i, kk+1)]
					if notlast {
						p += z * Z[at(i, kk+2)]
						Z[at(i, kk+2)] -= p * r
					}
					Z[at(i, kk)] -= p
					Z[at(i, kk+1)] -= p * q
				}
			}
			if err := k.work(6 * nn * (n - m + 1)); err != nil {
				return 0, err
			}
		}
	}
	return 0, nil
}

// lpRsf2csf turns the real Schur form (Hr, Zr) into a complex triangular
// one (H, Z): each 2×2 block of a pair a±bi is triangularised by a complex
// rotation that puts a+bi first.
func lpRsf2csf(Hr, Zr []float64, n int64, wr, wi []float64, H, Z []complex128) {
	for i := range Hr {
		H[i] = complex(Hr[i], 0)
		Z[i] = complex(Zr[i], 0)
	}
	for i := int64(1); i < n; i++ { // everything below the diagonal but the blocks is zero
		for j := int64(0); j < i; j++ {
			if !(j == i-1 && wi[j] > 0) {
				H[i*n+j] = 0
			}
		}
	}
	for m := n - 1; m >= 1; m-- {
		if !(wi[m-1] > 0) {
			continue
		}
		lam := complex(wr[m-1], wi[m-1])
		mu := lam - H[m*n+m]
		t21 := H[m*n+m-1]
		r := math.Hypot(cmplx.Abs(mu), cmplx.Abs(t21))
		c, s := mu/complex(r, 0), t21/complex(r, 0)
		// G = [[c̄, s̄], [-s, c]] from the left, Gᴴ from the right.
		for j := m - 1; j < n; j++ {
			a, bb := H[(m-1)*n+j], H[m*n+j]
			H[(m-1)*n+j] = cmplx.Conj(c)*a + cmplx.Conj(s)*bb
			H[m*n+j] = -s*a + c*bb
		}
		for i := int64(0); i <= m; i++ {
			a, bb := H[i*n+m-1], H[i*n+m]
			H[i*n+m-1] = a*c + bb*s
			H[i*n+m] = -a*cmplx.Conj(s) + bb*cmplx.Conj(c)
		}
		for i := int64(0); i < n; i++ {
			a, bb := Z[i*n+m-1], Z[i*n+m]
			Z[i*n+m-1] = a*c + bb*s
			Z[i*n+m] = -a*cmplx.Conj(s) + bb*cmplx.Conj(c)
		}
		H[m*n+m-1] = 0
		H[(m-1)*n+m-1] = lam
		H[m*n+m] = cmplx.Conj(lam)
		m--
	}
}

// lpCQR reduces the complex upper Hessenberg H to upper triangular Schur
// form by single-shift QR steps with Givens rotations (Wilkinson shifts,
// an exceptional shift every 10 iterations), accumulating into Z. info > 0
// as lpHQR.
func lpCQR(k *lpCall, H, Z []complex128, n int64) (int, error) {
	at := func(i, j int64) int64 { return i*n + j }
	cabs1 := func(x complex128) float64 { return math.Abs(real(x)) + math.Abs(imag(x)) }
	smlnum := lpSafMin * (float64(n) / lpUlp)
	itmax := 30 * max(10, n)
	its := int64(0)
	for hi := n - 1; hi >= 0; {
		l := hi
		for l > 0 {
			sub := cabs1(H[at(l, l-1)])
			if sub <= smlnum {
				break
			}
			tst := cabs1(H[at(l-1, l-1)]) + cabs1(H[at(l, l)])
			if sub <= lpUlp*tst {
				break
			}
			l--
		}
		if l > 0 {
			H[at(l, l-1)] = 0
		}
		if l == hi {
			hi--
			its = 0
			continue
		}
		its++
		if its > itmax {
			return int(hi + 1), nil
		}
		var mu complex128
		if its%10 == 0 {
			mu = H[at(hi, hi)] + complex(0.75*math.Abs(real(H[at(hi, hi-1)])), 0)
		} else {
			a, b := H[at(hi-1, hi-1)], H[at(hi-1, hi)]
			c, d := H[at(hi, hi-1)], H[at(hi, hi)]
			p := (a - d) / 2
			disc := cmplx.Sqrt(p*p + b*c)
			if real(cmplx.Conj(p)*disc) < 0 {
				disc = -disc
			}
			mu = d
			if den := p + disc; den != 0 {
				mu = d - b*c/den
			}
		}
		for kk := l; kk < hi; kk++ {
			var x, y complex128
			if kk == l {
				x, y = H[at(l, l)]-mu, H[at(l+1, l)]
			} else {
				x, y = H[at(kk, kk-1)], H[at(kk+1, kk-1)]
			}
			c, s, r := lpGivens(x, y)
			if kk > l {
				H[at(kk, kk-1)], H[at(kk+1, kk-1)] = r, 0
			}
			for j := kk; j < n; j++ {
				a, b := H[at(kk, j)], H[at(kk+1, j)]
				H[at(kk, j)] = c*a + s*b
				H[at(kk+1, j)] = -cmplx.Conj(s)*a + c*b
			}
			for i := int64(0); i <= min(kk+2, hi); i++ {
				a, b := H[at(i, kk)], H[at(i, kk+1)]
				H[at(i, kk)] = a*c + b*cmplx.Conj(s)
				H[at(i, kk+1)] = -a*s + b*c
			}
			for i := int64(0); i < n; i++ {
				a, b := Z[at(i, kk)], Z[at(i, kk+1)]
				Z[at(i, kk)] = a*c + b*cmplx.Conj(s)
				Z[at(i, kk+1)] = -a*s + b*c
			}
		}
		if err := k.work(3 * n * (hi - l + 1)); err != nil {
			return 0, err
		}
	}
	return 0, nil
}

// lpGivens returns c (real, as complex128), s and r with
// [[c, s], [-s̄, c]]·[x, y] = [r, 0].
func lpGivens(x, y complex128) (c, s, r complex128) {
	if y == 0 {
		return 1, 0, x
	}
	if x == 0 {
		ay := cmplx.Abs(y)
		return 0, cmplx.Conj(y) / complex(ay, 0), complex(ay, 0)
	}
	ax, ay := cmplx.Abs(x), cmplx.Abs(y)
	nrm := math.Hypot(ax, ay)
	ph := x / complex(ax, 0)
	return complex(ax/nrm, 0), ph * cmplx.Conj(y) / complex(nrm, 0), ph * complex(nrm, 0)
}

// lpEigvecs computes the right (or left) eigenvectors of A = Z·T·Zᴴ, T
// upper triangular, into the columns of the row-major n×n out. For real
// input (real = true) a real eigenvalue's vector is real, and a pair's
// second vector is the conjugate of the first (wi < 0 marks it).
func lpEigvecs(k *lpCall, T, Z []complex128, n int64, isReal bool, wi []float64, left bool, out, x []complex128) error {
	cabs1 := func(v complex128) float64 { return math.Abs(real(v)) + math.Abs(imag(v)) }
	smlnum := lpSafMin * (float64(n) / lpUlp)
	const big = 1e100
	v := make([]complex128, n)
	for j := int64(0); j < n; j++ {
		if isReal && wi[j] < 0 {
			for r := int64(0); r < n; r++ {
				out[r*n+j] = cmplx.Conj(out[r*n+j-1])
			}
			continue
		}
		lam := T[j*n+j]
		smin := max(lpUlp*cabs1(lam), smlnum)
		clear(x)
		x[j] = 1
		if !left {
			for i := j - 1; i >= 0; i-- {
				var s complex128
				for p := i + 1; p <= j; p++ {
					s += T[i*n+p] * x[p]
				}
				d := T[i*n+i] - lam
				if cabs1(d) < smin {
					d = complex(smin, 0)
				}
				x[i] = -s / d
				if a := cabs1(x[i]); a > big {
					f := complex(1/a, 0)
					for p := i; p <= j; p++ {
						x[p] *= f
					}
				}
			}
			for r := int64(0); r < n; r++ {
				var s complex128
				for p := int64(0); p <= j; p++ {
					s += Z[r*n+p] * x[p]
				}
				v[r] = s
			}
		} else {
			// yᴴ·T = λ·yᴴ: with w = conj(y), w_i·(T_ii − λ) = −Σ_{p<i} w_p·T_pi.
			for i := j + 1; i < n; i++ {
				var s complex128
				for p := j; p < i; p++ {
					s += x[p] * T[p*n+i]
				}
				d := T[i*n+i] - lam
				if cabs1(d) < smin {
					d = complex(smin, 0)
				}
				x[i] = -s / d
				if a := cabs1(x[i]); a > big {
					f := complex(1/a, 0)
					for p := j; p <= i; p++ {
						x[p] *= f
					}
				}
			}
			for r := int64(0); r < n; r++ {
				var s complex128
				for p := j; p < n; p++ {
					s += Z[r*n+p] * cmplx.Conj(x[p])
				}
				v[r] = s
			}
		}
		if isReal && wi[j] == 0 {
			for r := range v {
				v[r] = complex(real(v[r]), 0)
			}
			nrm := lpNorm(v)
			for r := range v {
				v[r] /= complex(nrm, 0)
			}
		} else {
			nrm := lpNorm(v)
			km, best := 0, -1.0
			for r := range v {
				v[r] /= complex(nrm, 0)
				if a := lpAbs2(v[r]); a > best {
					km, best = r, a
				}
			}
			ph := cmplx.Conj(v[km]) / complex(math.Sqrt(best), 0)
			for r := range v {
				v[r] *= ph
			}
			v[km] = complex(real(v[km]), 0)
		}
		for r := int64(0); r < n; r++ {
			out[r*n+j] = v[r]
		}
		if err := k.work(2 * n * n); err != nil {
			return err
		}
	}
	return nil
}
