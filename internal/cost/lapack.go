package cost

import (
	"math"
	"strings"
)

// LapackFLOPs estimates the floating-point operations of one call of a
// LAPACK/BLAS FFI target (lapack_<t><name>_ffi) or a sharding annotation,
// given its operand shapes; complex targets count 4 per multiply-add. It
// returns -1 for a target it does not know and Unbounded when a shape
// is unknown or the count overflows. Per matrix (k = min(m, n)), times the
// number of matrices in the batch:
//
//	potrf                n³/3
//	getrf                m·n·k − (m+n)·k²/2 + k³/3
//	geqrf                2·m·n·k − (m+n)·k² + 2·k³/3
//	orgqr / ungqr        4·m·n·t − 2·(m+n)·t² + 4·t³/3   (t = tau length)
//	trsm                 m²·n (side L) or m·n² (side R), for b m×n
//	syevd / heevd        12·n³   (cyclic Jacobi, about eight sweeps of 1.5·n³)
//	gesdd                25·k²·M + 10·k³ + 2·M²·k   (M = max(m, n); one-sided
//	                     Jacobi, about ten sweeps, and completing U)
//	geev                 30·n³   (Hessenberg, shifted QR, eigenvectors)
//	Sharding, SPMD*      0
//
// trsm's side is not among the shapes: the estimate takes the larger of the
// two, max(m, n)·m·n.
func LapackFLOPs(target string, in [][]int64) int64 {
	switch target {
	case "Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape":
		return 0
	}
	if !strings.HasPrefix(target, "lapack_") || !strings.HasSuffix(target, "_ffi") || len(target) < len("lapack_x_ffi")+1 {
		return -1
	}
	t := target[len("lapack_")]
	name := target[len("lapack_")+1 : len(target)-len("_ffi")]
	factor := int64(1)
	switch t {
	case 's', 'd':
		if name == "ungqr" || name == "heevd" {
			return -1
		}
	case 'c', 'z':
		factor = 4
		if name == "orgqr" || name == "syevd" {
			return -1
		}
	default:
		return -1
	}
	if len(in) == 0 || len(in[0]) < 2 {
		return Unbounded
	}
	for _, s := range in {
		for _, d := range s {
			if d < 0 {
				return Unbounded
			}
		}
	}
	a := in[0]
	r := len(a)
	batch := elems(Shape(a[:r-2]))
	if r == 2 {
		batch = 1
	}
	m, n := a[r-2], a[r-1]
	k := min(m, n)
	// Work in float64 to avoid intermediate overflow, then saturate.
	fm, fn, fk := float64(m), float64(n), float64(k)
	var per float64
	switch name {
	case "potrf":
		per = fn * fn * fn / 3
	case "getrf":
		per = fm*fn*fk - (fm+fn)*fk*fk/2 + fk*fk*fk/3
	case "geqrf":
		per = 2*fm*fn*fk - (fm+fn)*fk*fk + 2*fk*fk*fk/3
	case "orgqr", "ungqr":
		ft := fk
		if len(in) > 1 && len(in[1]) >= 1 {
			ft = float64(in[1][len(in[1])-1])
		}
		per = 4*fm*fn*ft - 2*(fm+fn)*ft*ft + 4*ft*ft*ft/3
	case "trsm":
		if len(in) < 2 || len(in[1]) < 2 {
			return Unbounded
		}
		b := in[1]
		bm, bn := float64(b[len(b)-2]), float64(b[len(b)-1])
		per = max(bm, bn) * bm * bn
	case "syevd", "heevd":
		per = 12 * fn * fn * fn
	case "gesdd":
		fM := max(fm, fn)
		per = 25*fk*fk*fM + 10*fk*fk*fk + 2*fM*fM*fk
	case "geev":
		per = 30 * fn * fn * fn
	default:
		return -1
	}
	per = max(per, 0) * float64(factor)
	total := per * float64(batch)
	if batch == Unbounded || total >= float64(Unbounded) || math.IsNaN(total) {
		return Unbounded
	}
	return int64(math.Ceil(total))
}
