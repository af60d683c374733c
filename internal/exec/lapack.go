package exec

import (
	"math"
	"math/cmplx"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Native Go versions of the LAPACK/BLAS FFI custom calls JAX emits on CPU
// (jaxlib/cpu/lapack_kernels.cc), plus the sharding annotations, which are
// the identity on one device.
//
// Conventions shared by every target:
//
//   - The target's letter gives the element type: s f32, d f64, c complex64,
//     z complex128. Arithmetic runs in float64 / complex128 and each result
//     is rounded once into its element type.
//   - Leading dimensions are batch dimensions; the last two are the matrix.
//     As in the FFI kernels, a buffer is read as its physical layout:
//     operand_layouts / result_layouts (minor-to-major, row-major when
//     absent) place the elements, and the kernel sees batch after batch of
//     column-major matrices (vectors and scalars in order). JAX's layouts,
//     (r-2, r-1, r-3, ..., 0) for matrices and row-major otherwise, make that
//     the logical matrix; any other layout is honoured the same way LAPACK
//     would see it.
//   - Attributes come from the mhlo.backend_config dictionary (u8 character
//     codes: uplo 'L'/'U', side 'L'/'R', trans_x 'N'/'T'/'C', diag 'N'/'U',
//     mode and compute_left/right 'V'/'N', gesdd mode 'A'/'S'/'N').
//   - info results are int32, 0 on success and > 0 as LAPACK reports a
//     failure (non positive definite minor, exactly zero pivot, no
//     convergence). geev reports -4 for a non-finite operand (jaxlib's
//     kernel checks before calling LAPACK) and gesdd -4 for a NaN one
//     (LAPACK's own check). JAX turns info != 0 into NaN results; the
//     results here are NaN already in those cases.
//   - A malformed call (operand or result types, attributes, layouts) is
//     Rejected with rule "exec.<target>".

// lpCall is one invocation of a LAPACK target.
type lpCall struct {
	c      *Ctx
	op     *ir.Op
	target string
	dt     tensor.DType // element type named by the target's letter
	m      linMeter
}

type lpKernel func(k *lpCall, in []*tensor.Tensor) ([]Val, error)

func init() {
	types := []struct {
		p  string
		dt tensor.DType
	}{{"s", tensor.F32}, {"d", tensor.F64}, {"c", tensor.C64}, {"z", tensor.C128}}
	for _, ty := range types {
		reg := func(name string, k lpKernel) {
			target := "lapack_" + ty.p + name + "_ffi"
			dt := ty.dt
			registerCustomCall(target, func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
				call := &lpCall{c: c, op: op, target: target, dt: dt, m: linMeter{c: c}}
				ts := make([]*tensor.Tensor, len(in))
				for i, v := range in {
					if v.T == nil {
						return nil, call.reject("operand %d is not a tensor", i)
					}
					ts[i] = v.T
				}
				outs, err := k(call, ts)
				if err != nil {
					return nil, err
				}
				if err := call.m.flush(); err != nil {
					return nil, err
				}
				return outs, nil
			})
		}
		reg("potrf", lpPotrf)
		reg("getrf", lpGetrf)
		reg("geqrf", lpGeqrf)
		reg("trsm", lpTrsm)
		reg("gesdd", lpGesdd)
		reg("geev", lpGeev)
		if ty.dt.IsComplex() {
			reg("ungqr", lpOrgqr)
			reg("heevd", lpSyevd)
		} else {
			reg("orgqr", lpOrgqr)
			reg("syevd", lpSyevd)
		}
	}
	for _, t := range []string{"Sharding", "SPMDFullToShardShape", "SPMDShardToFullShape"} {
		registerCustomCall(t, lpIdentity(t))
	}
}

// lpIdentity is a sharding annotation: on one device it returns its operand.
func lpIdentity(target string) Kernel {
	return func(c *Ctx, op *ir.Op, in []Val) ([]Val, error) {
		rej := func(format string, args ...any) error {
			return diag.New(diag.Rejected, "exec."+target, op.Pos, format, args...).WithOp(op.Name)
		}
		if len(in) != 1 || in[0].T == nil {
			return nil, rej("%s takes one tensor operand, got %d operands", target, len(in))
		}
		if len(op.Results) != 1 {
			return nil, rej("%s has one result, got %d", target, len(op.Results))
		}
		x := in[0].T
		tt := ir.Tensor(op.Results[0].Type)
		if tt == nil || tt.Elem.StorageDType() != x.DType || len(tt.Shape) != len(x.Shape) {
			return nil, rej("%s must return its operand's type on one device: operand %s%v, result %s", target, x.DType, x.Shape, op.Results[0].Type)
		}
		for i, d := range tt.Shape {
			if d >= 0 && d != x.Shape[i] {
				return nil, rej("%s must return its operand's shape on one device: operand %v, result %s (a program partitioned over several devices cannot run here)", target, x.Shape, op.Results[0].Type)
			}
		}
		c.Retain(in[0])
		return []Val{in[0]}, nil
	}
}

func (k *lpCall) reject(format string, args ...any) error {
	return diag.New(diag.Rejected, "exec."+k.target, k.op.Pos, format, args...).WithOp(k.op.Name)
}

// counts checks the numbers of operands and results.
func (k *lpCall) counts(in []*tensor.Tensor, operands, results int) error {
	if len(in) != operands {
		return k.reject("%s takes %d operands, got %d", k.target, operands, len(in))
	}
	if len(k.op.Results) != results {
		return k.reject("%s has %d results, got %d", k.target, results, len(k.op.Results))
	}
	return nil
}

// char reads a u8 character attribute from mhlo.backend_config.
func (k *lpCall) char(name, allowed string) (byte, error) {
	var cfg ir.DictAttr
	for _, key := range []string{"mhlo.backend_config", "backend_config"} {
		if d, ok := k.op.Attr(key).(ir.DictAttr); ok {
			cfg = d
			break
		}
	}
	a := ir.Dict(cfg).Get(name)
	if a == nil {
		return 0, k.reject("%s needs the attribute %s in mhlo.backend_config", k.target, name)
	}
	v, ok := ir.Int(a)
	if !ok || v <= 0 || v > 255 || strings.IndexByte(allowed, byte(v)) < 0 {
		return 0, k.reject("attribute %s must be one of the characters %q (as u8 codes)", name, allowed)
	}
	return byte(v), nil
}

// layout returns the minor-to-major layout of operand or result i.
func (k *lpCall) layout(results bool, i, rank int) ([]int64, error) {
	name, count := "operand_layouts", len(k.op.Operands)
	if results {
		name, count = "result_layouts", len(k.op.Results)
	}
	a := k.op.Attr(name)
	if a == nil {
		l := make([]int64, rank)
		for j := range l {
			l[j] = int64(rank - 1 - j)
		}
		return l, nil
	}
	arr, ok := a.(ir.ArrayAttr)
	if !ok || len(arr) != count {
		return nil, k.reject("%s must list one layout per value (%d)", name, count)
	}
	l, ok := ir.Ints(arr[i])
	if !ok || len(l) != rank {
		return nil, k.reject("%s[%d] must be a permutation of the %d dimensions", name, i, rank)
	}
	seen := make([]bool, rank)
	for _, d := range l {
		if d < 0 || d >= int64(rank) || seen[d] {
			return nil, k.reject("%s[%d] = %v is not a permutation of the %d dimensions", name, i, l, rank)
		}
		seen[d] = true
	}
	return l, nil
}

// lpView reads or writes a tensor in the order of its physical layout.
type lpView struct {
	t     *tensor.Tensor
	ident bool // the layout is row-major: physical and logical order agree
	m2m   []int64
	rs    []int64 // row-major strides
}

func newLPView(t *tensor.Tensor, m2m []int64) *lpView {
	r := len(t.Shape)
	ident := true
	for i, d := range m2m {
		if d != int64(r-1-i) {
			ident = false
		}
	}
	return &lpView{t: t, ident: ident, m2m: m2m, rs: linStrides(t.Shape)}
}

// idx maps a physical offset to the logical (row-major) element index.
func (v *lpView) idx(p int64) int64 {
	if v.ident {
		return p
	}
	var li int64
	for _, d := range v.m2m {
		n := v.t.Shape[d]
		li += (p % n) * v.rs[d]
		p /= n
	}
	return li
}

// operand checks operand i: its element type and a rank of at least minRank.
func (k *lpCall) operand(in []*tensor.Tensor, i int, dt tensor.DType, minRank int) (*lpView, error) {
	t := in[i]
	if t.DType != dt {
		return nil, k.reject("operand %d must have element type %s, got %s", i, dt, t.DType)
	}
	if len(t.Shape) < minRank {
		return nil, k.reject("operand %d must have rank %d or more, got shape %v", i, minRank, t.Shape)
	}
	l, err := k.layout(false, i, len(t.Shape))
	if err != nil {
		return nil, err
	}
	return newLPView(t, l), nil
}

// result checks result i against the type and shape the operands give and
// allocates it.
func (k *lpCall) result(i int, dt tensor.DType, shape []int64) (*lpView, error) {
	tt := ir.Tensor(k.op.Results[i].Type)
	if tt == nil || tt.Elem.Quant != nil {
		return nil, k.reject("result %d must be a tensor of %s", i, dt)
	}
	if tt.Elem.DType != dt {
		return nil, k.reject("result %d must have element type %s, got %s", i, dt, tt.Elem.DType)
	}
	ok := len(tt.Shape) == len(shape)
	for j := 0; ok && j < len(shape); j++ {
		ok = tt.Shape[j] < 0 || tt.Shape[j] == shape[j]
	}
	if !ok {
		return nil, k.reject("result %d has type %s but the operands give shape %v", i, k.op.Results[i].Type, shape)
	}
	l, err := k.layout(true, i, len(shape))
	if err != nil {
		return nil, err
	}
	t, err := k.c.NewTensor(dt, shape)
	if err != nil {
		return nil, err
	}
	return newLPView(t, l), nil
}

// scratch charges Go-side working memory of the given numbers of 16-byte
// elements.
func (k *lpCall) scratch(elems ...int64) (func(), error) {
	var total int64
	for _, e := range elems {
		b, ok := linMul(e, 16)
		if ok {
			total, ok = linAdd(total, b)
		}
		if !ok {
			return nil, diag.New(diag.Limit, "limit.memory", k.op.Pos, "%s needs more working memory than can be counted", k.target)
		}
	}
	return linScratch(k.c, total)
}

// work charges n units of work.
func (k *lpCall) work(n int64) error { return k.m.add(n) }

func lpShape(batch []int64, tail ...int64) []int64 {
	s := make([]int64, 0, len(batch)+len(tail))
	s = append(s, batch...)
	return append(s, tail...)
}

// lpGetMat loads matrix b (rows×cols, column-major in the physical order)
// into dst, row-major.
func lpGetMat[T linScalar](v *lpView, b, rows, cols int64, dst []T) {
	base := b * rows * cols
	for j := int64(0); j < cols; j++ {
		for i := int64(0); i < rows; i++ {
			dst[i*cols+j] = linGet[T](v.t, v.idx(base+j*rows+i))
		}
	}
}

// lpSetMat stores the row-major src as matrix b of v.
func lpSetMat[T linScalar](v *lpView, b, rows, cols int64, src []T) {
	base := b * rows * cols
	for j := int64(0); j < cols; j++ {
		for i := int64(0); i < rows; i++ {
			linSet(v.t, v.idx(base+j*rows+i), src[i*cols+j])
		}
	}
}

func lpGetVec[T linScalar](v *lpView, b, n int64, dst []T) {
	for i := int64(0); i < n; i++ {
		dst[i] = linGet[T](v.t, v.idx(b*n+i))
	}
}

func lpSetVec[T linScalar](v *lpView, b, n int64, src []T) {
	for i := int64(0); i < n; i++ {
		linSet(v.t, v.idx(b*n+i), src[i])
	}
}

// lpFill stores x into elements [b*n, (b+1)*n) of v.
func lpFill(v *lpView, b, n int64, x complex128) {
	for i := int64(0); i < n; i++ {
		v.t.SetComplex128(v.idx(b*n+i), x)
	}
}

// lpSetInfo stores info for matrix b.
func lpSetInfo(v *lpView, b int64, info int) { v.t.SetInt64(v.idx(b), int64(info)) }

// Scalar helpers over float64 and complex128.

// lpR converts a real number to T.
func lpR[T linScalar](f float64) T {
	var z T
	if _, ok := any(z).(complex128); ok {
		return any(complex(f, 0)).(T)
	}
	return any(f).(T)
}

// lpC converts a complex number to T, dropping the imaginary part for real T.
func lpC[T linScalar](c complex128) T {
	var z T
	if _, ok := any(z).(complex128); ok {
		return any(c).(T)
	}
	return any(real(c)).(T)
}

func lpRe[T linScalar](x T) float64 {
	switch v := any(x).(type) {
	case complex128:
		return real(v)
	case float64:
		return v
	}
	return 0
}

func lpIm[T linScalar](x T) float64 {
	if v, ok := any(x).(complex128); ok {
		return imag(v)
	}
	return 0
}

// lpAbs is the modulus.
func lpAbs[T linScalar](x T) float64 {
	switch v := any(x).(type) {
	case complex128:
		return cmplx.Abs(v)
	case float64:
		return math.Abs(v)
	}
	return 0
}

// lpAbs1 is |re| + |im|, BLAS's cabs1 (the modulus for real numbers).
func lpAbs1[T linScalar](x T) float64 {
	switch v := any(x).(type) {
	case complex128:
		return math.Abs(real(v)) + math.Abs(imag(v))
	case float64:
		return math.Abs(v)
	}
	return 0
}

// lpAbs2 is |x|².
func lpAbs2[T linScalar](x T) float64 {
	switch v := any(x).(type) {
	case complex128:
		return real(v)*real(v) + imag(v)*imag(v)
	case float64:
		return v * v
	}
	return 0
}

func lpFinite[T linScalar](x T) bool {
	switch v := any(x).(type) {
	case complex128:
		return !math.IsNaN(real(v)) && !math.IsInf(real(v), 0) && !math.IsNaN(imag(v)) && !math.IsInf(imag(v), 0)
	case float64:
		return !math.IsNaN(v) && !math.IsInf(v, 0)
	}
	return true
}

func lpHasNaN[T linScalar](x T) bool {
	switch v := any(x).(type) {
	case complex128:
		return math.IsNaN(real(v)) || math.IsNaN(imag(v))
	case float64:
		return math.IsNaN(v)
	}
	return false
}

func lpNaN[T linScalar]() T { return lpC[T](complex(math.NaN(), math.NaN())) }

// lpNorm is the Euclidean norm, scaled against overflow and underflow.
func lpNorm[T linScalar](x []T) float64 {
	var scale float64
	for _, v := range x {
		scale = max(scale, lpAbs1(v))
	}
	if scale == 0 || math.IsInf(scale, 0) || math.IsNaN(scale) {
		return scale
	}
	var s float64
	for _, v := range x {
		re, im := lpRe(v)/scale, lpIm(v)/scale
		s += re*re + im*im
	}
	return scale * math.Sqrt(s)
}
