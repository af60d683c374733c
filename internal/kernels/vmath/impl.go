package vmath

import "os"

// impl is one family of kernels. The slice arguments have been checked by
// the exported functions: all of length len(x).
type impl struct {
	name string

	exp, log, tanh, logistic, erf func(dst, x []float32)
	expm1, log1p                  func(dst, x []float32)
	neg, abs, sqrt, rsqrt         func(dst, x []float32)

	add, sub, mul, div, max, min func(dst, x, y []float32)

	addS, subS, mulS, divS, maxS, minS func(dst, x []float32, s float32)
	subR, divR                         func(dst, x []float32, s float32) // s op x

	muladd func(dst, x, y, z []float32)

	sum, maxR, minR func(x []float32) float32

	d impl64 // the float64 kernels
}

// impl64 holds a family's float64 kernels.
type impl64 struct {
	neg, abs, sqrt, rsqrt func(dst, x []float64)

	add, sub, mul, div, max, min func(dst, x, y []float64)

	addS, subS, mulS, divS, maxS, minS func(dst, x []float64, s float64)
	subR, divR                         func(dst, x []float64, s float64) // s op x

	muladd func(dst, x, y, z []float64)

	sum, maxR, minR func(x []float64) float64
}

var (
	// impls lists the families this machine can run, best first; the
	// pure-Go family is always last.
	impls []*impl
	cur   *impl
)

func init() {
	impls = append(machineImpls(), genericImpl())
	cur = impls[0]
	if want := os.Getenv("HLOGATE_VMATH"); want != "" {
		if im := implByName(want); im != nil {
			cur = im
		}
	}
}

func implByName(name string) *impl {
	for _, im := range impls {
		if im.name == name {
			return im
		}
	}
	return nil
}

// Impl returns the name of the kernel family in use: "avx512", "avx2" or
// "generic" (pure Go). The environment variable HLOGATE_VMATH, read once
// at start-up, selects a family by name among those the CPU supports.
func Impl() string { return cur.name }
