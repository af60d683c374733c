package cost

import "math"

// Unbounded is the saturation value of every count: a bound we cannot give.
const Unbounded int64 = math.MaxInt64

// Interval is a closed range [Min, Max] of a non-negative count. Arithmetic
// saturates at Unbounded instead of overflowing.
type Interval struct {
	Min, Max int64
}

// Exact is the interval [n, n].
func Exact(n int64) Interval { return Interval{n, n} }

// Zero is [0, 0].
var Zero = Interval{}

// IsUnbounded reports whether the upper bound is unknown.
func (a Interval) IsUnbounded() bool { return a.Max == Unbounded }

func satAdd(a, b int64) int64 {
	if a == Unbounded || b == Unbounded || a > Unbounded-b {
		return Unbounded
	}
	return a + b
}

func satMul(a, b int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a == Unbounded || b == Unbounded || a > Unbounded/b {
		return Unbounded
	}
	return a * b
}

// Add returns a + b.
func (a Interval) Add(b Interval) Interval {
	return Interval{satAdd(a.Min, b.Min), satAdd(a.Max, b.Max)}
}

// Mul returns a · b (both non-negative).
func (a Interval) Mul(b Interval) Interval {
	return Interval{satMul(a.Min, b.Min), satMul(a.Max, b.Max)}
}

// Scale returns a · n.
func (a Interval) Scale(n int64) Interval { return a.Mul(Exact(n)) }

// Join returns the smallest interval holding both (for branches).
func (a Interval) Join(b Interval) Interval {
	return Interval{min(a.Min, b.Min), max(a.Max, b.Max)}
}

// MaxOf returns the pointwise maximum (for peaks).
func (a Interval) MaxOf(b Interval) Interval {
	return Interval{max(a.Min, b.Min), max(a.Max, b.Max)}
}

// Contains reports whether n lies in the interval.
func (a Interval) Contains(n int64) bool { return a.Min <= n && n <= a.Max }

// SatAdd is a + b for non-negative counts, Unbounded on overflow or when
// either is Unbounded.
func SatAdd(a, b int64) int64 { return satAdd(a, b) }

// SatMul is a · b for non-negative counts, saturating like SatAdd.
func SatMul(a, b int64) int64 { return satMul(a, b) }
