package vmath

import (
	"math"
	"math/big"
)

// fmaExact is x*y + z rounded once to float32, computed exactly with
// big.Float (the reference for fma32).
func fmaExact(x, y, z float32) float32 {
	if x != x || y != y || z != z {
		return x + y + z // NaN
	}
	p := float64(x) * float64(y) // exact
	if isInf32(x) || isInf32(y) || isInf32(z) {
		return float32(p + float64(z))
	}
	s := new(big.Float).SetPrec(2000).SetFloat64(p)
	s.Add(s, new(big.Float).SetPrec(2000).SetFloat64(float64(z)))
	if s.Sign() == 0 {
		return float32(p + float64(z)) // the sign of an exact zero
	}
	f, _ := s.Float32()
	return f
}

func isInf32(v float32) bool { return math.IsInf(float64(v), 0) }
