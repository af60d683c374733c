package tensor

import (
	"math"
	"sort"
	"testing"
)

var narrowDTypes = []DType{F16, BF16, F8E3M4, F8E4M3, F8E4M3FN, F8E4M3FNUZ, F8E4M3B11FNUZ, F8E5M2, F8E5M2FNUZ, F8E8M0FNU, F6E2M3FN, F6E3M2FN, F4E2M1FN}

func TestFloatBitsKnown(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	negNaN := math.Copysign(nan, -1)
	p := math.Ldexp
	cases := []struct {
		d    DType
		f    float64
		bits uint64
	}{
		// f16
		{F16, 1, 0x3C00}, {F16, -2, 0xC000}, {F16, 65504, 0x7BFF}, {F16, p(1, -24), 0x0001},
		{F16, p(1, -14), 0x0400}, {F16, 0, 0}, {F16, math.Copysign(0, -1), 0x8000},
		{F16, inf, 0x7C00}, {F16, -inf, 0xFC00}, {F16, nan, 0x7E00}, {F16, negNaN, 0xFE00},
		{F16, 65519.99, 0x7BFF}, {F16, 65520, 0x7C00}, {F16, 1e10, 0x7C00},
		{F16, p(1, -25), 0}, {F16, p(3, -25), 0x0002}, {F16, p(1, -25) * 1.0000001, 0x0001},
		{F16, 1 + p(1, -11), 0x3C00}, {F16, 1 + p(3, -11), 0x3C02}, {F16, 0.1, 0x2E66},
		// bf16
		{BF16, 1, 0x3F80}, {BF16, 3.3895313892515355e38, 0x7F7F}, {BF16, p(1, -133), 0x0001},
		{BF16, inf, 0x7F80}, {BF16, nan, 0x7FC0}, {BF16, 1 + p(1, -8), 0x3F80}, {BF16, 1 + p(3, -8), 0x3F82},
		{BF16, math.MaxFloat64, 0x7F80}, {BF16, p(1, -134), 0}, {BF16, -p(1, -134), 0x8000},
		// f8E3M4 (IEEE, bias 3)
		{F8E3M4, 1, 0x30}, {F8E3M4, 15.5, 0x6F}, {F8E3M4, 16, 0x70}, {F8E3M4, 15.75, 0x70}, {F8E3M4, 15.74, 0x6F},
		{F8E3M4, p(1, -6), 0x01}, {F8E3M4, inf, 0x70}, {F8E3M4, -inf, 0xF0}, {F8E3M4, nan, 0x78},
		// f8E4M3 (IEEE, bias 7)
		{F8E4M3, 1, 0x38}, {F8E4M3, 240, 0x77}, {F8E4M3, 248, 0x78}, {F8E4M3, 247, 0x77},
		{F8E4M3, p(1, -9), 0x01}, {F8E4M3, inf, 0x78}, {F8E4M3, nan, 0x7C}, {F8E4M3, -0.0 * 1, 0},
		// f8E4M3FN
		{F8E4M3FN, 1, 0x38}, {F8E4M3FN, 448, 0x7E}, {F8E4M3FN, -448, 0xFE}, {F8E4M3FN, 464, 0x7E},
		{F8E4M3FN, 464.0001, 0x7F}, {F8E4M3FN, 1e9, 0x7F}, {F8E4M3FN, -1e9, 0xFF},
		{F8E4M3FN, inf, 0x7F}, {F8E4M3FN, -inf, 0xFF}, {F8E4M3FN, nan, 0x7F}, {F8E4M3FN, negNaN, 0xFF},
		{F8E4M3FN, p(1, -9), 0x01}, {F8E4M3FN, p(1, -10), 0x00}, {F8E4M3FN, math.Copysign(0, -1), 0x80},
		{F8E4M3FN, p(1, -6), 0x08},
		// f8E4M3FNUZ (bias 8)
		{F8E4M3FNUZ, 1, 0x40}, {F8E4M3FNUZ, -1, 0xC0}, {F8E4M3FNUZ, 240, 0x7F}, {F8E4M3FNUZ, 248, 0x80},
		{F8E4M3FNUZ, 247, 0x7F}, {F8E4M3FNUZ, inf, 0x80}, {F8E4M3FNUZ, -inf, 0x80}, {F8E4M3FNUZ, nan, 0x80},
		{F8E4M3FNUZ, math.Copysign(0, -1), 0x00}, {F8E4M3FNUZ, -p(1, -12), 0x00}, {F8E4M3FNUZ, p(1, -10), 0x01},
		// f8E4M3B11FNUZ (bias 11)
		{F8E4M3B11FNUZ, 1, 0x58}, {F8E4M3B11FNUZ, 30, 0x7F}, {F8E4M3B11FNUZ, 31, 0x80}, {F8E4M3B11FNUZ, p(1, -13), 0x01},
		{F8E4M3B11FNUZ, nan, 0x80}, {F8E4M3B11FNUZ, math.Copysign(0, -1), 0x00},
		// f8E5M2
		{F8E5M2, 1, 0x3C}, {F8E5M2, 57344, 0x7B}, {F8E5M2, 61440, 0x7C}, {F8E5M2, 61439, 0x7B},
		{F8E5M2, p(1, -16), 0x01}, {F8E5M2, inf, 0x7C}, {F8E5M2, nan, 0x7E}, {F8E5M2, -inf, 0xFC},
		// f8E5M2FNUZ (bias 16)
		{F8E5M2FNUZ, 1, 0x40}, {F8E5M2FNUZ, 57344, 0x7F}, {F8E5M2FNUZ, 61440, 0x80}, {F8E5M2FNUZ, p(1, -17), 0x01},
		{F8E5M2FNUZ, inf, 0x80}, {F8E5M2FNUZ, nan, 0x80}, {F8E5M2FNUZ, math.Copysign(0, -1), 0},
		// f8E8M0FNU
		{F8E8M0FNU, 1, 0x7F}, {F8E8M0FNU, 2, 0x80}, {F8E8M0FNU, 0.5, 0x7E}, {F8E8M0FNU, p(1, 127), 0xFE},
		{F8E8M0FNU, p(1, -127), 0x00}, {F8E8M0FNU, p(1, -128), 0x00}, {F8E8M0FNU, p(1, -300), 0x00},
		{F8E8M0FNU, 0, 0x00}, {F8E8M0FNU, math.Copysign(0, -1), 0x00}, {F8E8M0FNU, -1, 0xFF},
		{F8E8M0FNU, nan, 0xFF}, {F8E8M0FNU, inf, 0xFF}, {F8E8M0FNU, -inf, 0xFF},
		{F8E8M0FNU, 1.5, 0x80}, {F8E8M0FNU, 1.4999, 0x7F}, {F8E8M0FNU, 3, 0x81},
		{F8E8M0FNU, p(3, 126), 0xFF}, {F8E8M0FNU, p(3, 126) * 0.9999, 0xFE}, {F8E8M0FNU, p(3, -128), 0x01},
		// f6E2M3FN
		{F6E2M3FN, 1, 0x08}, {F6E2M3FN, 7.5, 0x1F}, {F6E2M3FN, -7.5, 0x3F}, {F6E2M3FN, 0.125, 0x01},
		{F6E2M3FN, 100, 0x1F}, {F6E2M3FN, -100, 0x3F}, {F6E2M3FN, inf, 0x1F}, {F6E2M3FN, -inf, 0x3F},
		{F6E2M3FN, nan, 0x20}, {F6E2M3FN, negNaN, 0x00}, {F6E2M3FN, math.Copysign(0, -1), 0x20},
		{F6E2M3FN, 0.0625, 0x00}, {F6E2M3FN, 0.0626, 0x01},
		// f6E3M2FN
		{F6E3M2FN, 1, 0x0C}, {F6E3M2FN, 28, 0x1F}, {F6E3M2FN, 1e6, 0x1F}, {F6E3M2FN, 0.0625, 0x01},
		{F6E3M2FN, -28, 0x3F}, {F6E3M2FN, nan, 0x20},
		// f4E2M1FN
		{F4E2M1FN, 1, 0x2}, {F4E2M1FN, 6, 0x7}, {F4E2M1FN, -6, 0xF}, {F4E2M1FN, 0.5, 0x1},
		{F4E2M1FN, 5, 0x6}, {F4E2M1FN, 0.25, 0x0}, {F4E2M1FN, 0.75, 0x2}, {F4E2M1FN, 1.25, 0x2},
		{F4E2M1FN, 1.75, 0x4}, {F4E2M1FN, 7, 0x7}, {F4E2M1FN, inf, 0x7}, {F4E2M1FN, -inf, 0xF},
		{F4E2M1FN, nan, 0x8}, {F4E2M1FN, negNaN, 0x0}, {F4E2M1FN, -0.25, 0x8},
		// f32 / f64
		{F32, 1, 0x3F800000}, {F32, math.MaxFloat64, 0x7F800000}, {F32, 0.1, 0x3DCCCCCD},
		{F64, 1, 0x3FF0000000000000},
	}
	for _, c := range cases {
		if got := FloatBits(c.d, c.f); got != c.bits {
			t.Errorf("FloatBits(%s, %v) = %#x, want %#x", c.d, c.f, got, c.bits)
		}
	}
}

func TestBitsFloatKnown(t *testing.T) {
	p := math.Ldexp
	cases := []struct {
		d    DType
		bits uint64
		f    float64
	}{
		{F16, 0x7BFF, 65504}, {F16, 0x0001, p(1, -24)}, {F16, 0x3555, 0.333251953125},
		{BF16, 0x7F7F, 3.3895313892515355e38}, {BF16, 0x0001, p(1, -133)},
		{F8E3M4, 0x6F, 15.5}, {F8E3M4, 0x01, p(1, -6)},
		{F8E4M3, 0x77, 240}, {F8E4M3, 0x01, p(1, -9)},
		{F8E4M3FN, 0x7E, 448}, {F8E4M3FN, 0xFE, -448}, {F8E4M3FN, 0x01, p(1, -9)},
		{F8E4M3FNUZ, 0x7F, 240}, {F8E4M3FNUZ, 0x01, p(1, -10)}, {F8E4M3FNUZ, 0xFF, -240},
		{F8E4M3B11FNUZ, 0x7F, 30}, {F8E4M3B11FNUZ, 0x01, p(1, -13)},
		{F8E5M2, 0x7B, 57344}, {F8E5M2, 0x01, p(1, -16)},
		{F8E5M2FNUZ, 0x7F, 57344}, {F8E5M2FNUZ, 0x01, p(1, -17)},
		{F8E8M0FNU, 0x00, p(1, -127)}, {F8E8M0FNU, 0xFE, p(1, 127)}, {F8E8M0FNU, 0x7F, 1},
		{F6E2M3FN, 0x1F, 7.5}, {F6E2M3FN, 0x01, 0.125}, {F6E2M3FN, 0x3F, -7.5},
		{F6E3M2FN, 0x1F, 28}, {F6E3M2FN, 0x01, 0.0625},
		{F4E2M1FN, 0x7, 6}, {F4E2M1FN, 0x1, 0.5}, {F4E2M1FN, 0xF, -6}, {F4E2M1FN, 0x5, 3},
		{F4E2M1FN, 0xF7, 6}, // high bits ignored
	}
	for _, c := range cases {
		if got := BitsFloat(c.d, c.bits); got != c.f {
			t.Errorf("BitsFloat(%s, %#x) = %v, want %v", c.d, c.bits, got, c.f)
		}
	}
	nans := []struct {
		d    DType
		bits uint64
	}{
		{F16, 0x7E00}, {F16, 0x7C01}, {BF16, 0xFFC0}, {F8E3M4, 0x71}, {F8E4M3, 0x79}, {F8E4M3FN, 0x7F}, {F8E4M3FN, 0xFF},
		{F8E4M3FNUZ, 0x80}, {F8E4M3B11FNUZ, 0x80}, {F8E5M2, 0x7D}, {F8E5M2FNUZ, 0x80}, {F8E8M0FNU, 0xFF},
	}
	for _, c := range nans {
		if f := BitsFloat(c.d, c.bits); !math.IsNaN(f) {
			t.Errorf("BitsFloat(%s, %#x) = %v, want NaN", c.d, c.bits, f)
		}
	}
	if f := BitsFloat(F16, 0xFC00); !math.IsInf(f, -1) {
		t.Errorf("f16 0xFC00 = %v", f)
	}
	// Zero patterns of FNUZ and f4 types.
	if f := BitsFloat(F4E2M1FN, 0x8); f != 0 || !math.Signbit(f) {
		t.Errorf("f4 0x8 = %v, want -0", f)
	}
}

// TestNarrowRoundTrip checks bits → float64 → bits for every non-NaN pattern
// of every narrow format, all 65536 for f16/bf16.
func TestNarrowRoundTrip(t *testing.T) {
	for _, d := range narrowDTypes {
		n := uint64(1) << uint(d.Bits())
		for b := uint64(0); b < n; b++ {
			f := BitsFloat(d, b)
			if math.IsNaN(f) {
				continue
			}
			if got := FloatBits(d, f); got != b {
				t.Fatalf("%s: %#x → %v → %#x", d, b, f, got)
			}
		}
	}
}

// TestNarrowRounding checks every rounding boundary of every narrow format:
// the midpoint of each pair of neighbouring values rounds to the even one
// (f8E8M0FNU, which has no mantissa, rounds ties up like APFloat and
// ml_dtypes), and the float64 values just either side of it round to the
// nearer neighbour.
func TestNarrowRounding(t *testing.T) {
	for _, d := range narrowDTypes {
		type vb struct {
			v float64
			b uint64
		}
		var vals []vb
		n := uint64(1) << uint(d.Bits())
		for b := uint64(0); b < n; b++ {
			f := BitsFloat(d, b)
			if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || (f == 0 && math.Signbit(f)) {
				continue
			}
			vals = append(vals, vb{f, b})
		}
		sort.Slice(vals, func(i, j int) bool { return vals[i].v < vals[j].v })
		for i := 0; i+1 < len(vals); i++ {
			lo, hi := vals[i], vals[i+1]
			mid := lo.v + (hi.v-lo.v)/2
			want := lo.b
			if hi.b&1 == 0 || d == F8E8M0FNU {
				want = hi.b
			}
			got, tie := floatBitsTie(d, mid)
			if got != want || !tie {
				t.Errorf("%s: midpoint %v of %v and %v → %#x (tie %v), want %#x", d, mid, lo.v, hi.v, got, tie, want)
			}
			if got := FloatBits(d, math.Nextafter(mid, 0)); got != lo.b {
				t.Errorf("%s: just below %v → %#x, want %#x", d, mid, got, lo.b)
			}
			if got := FloatBits(d, math.Nextafter(mid, math.Inf(1))); got != hi.b {
				t.Errorf("%s: just above %v → %#x, want %#x", d, mid, got, hi.b)
			}
			// Negative side: mirror image where the format is signed and has
			// a negative of both values.
			if d.IsFloat() && narrowFormat(d).signed && lo.v != 0 {
				nb := FloatBits(d, -mid)
				if BitsFloat(d, nb) != -BitsFloat(d, want) {
					t.Errorf("%s: midpoint %v → %#x, not the mirror of %#x", d, -mid, nb, want)
				}
			}
		}
		// Just above the largest finite value.
		top := vals[len(vals)-1]
		if got := FloatBits(d, math.Nextafter(top.v, math.Inf(1))); got != top.b {
			t.Errorf("%s: just above max %v → %#x, want %#x", d, top.v, got, top.b)
		}
	}
}

func TestOverflowClasses(t *testing.T) {
	// 4× the largest finite value overflows in every narrow format.
	for _, d := range narrowDTypes {
		ff := narrowFormat(d)
		max := BitsFloat(d, ff.maxFinite)
		got := BitsFloat(d, FloatBits(d, 4*max))
		switch ff.nan {
		case nanIEEE:
			if !math.IsInf(got, 1) {
				t.Errorf("%s: overflow gave %v, want +Inf", d, got)
			}
		case nanAllOnes, nanNegZero:
			if !math.IsNaN(got) {
				t.Errorf("%s: overflow gave %v, want NaN", d, got)
			}
		case nanNone:
			if got != max {
				t.Errorf("%s: overflow gave %v, want max %v", d, got, max)
			}
		}
	}
}

func TestIntToFloatSingleRounding(t *testing.T) {
	// 2^60 + 2^36 + 1 lies just above the f32 midpoint between 2^60 and
	// 2^60 + 2^37; rounding through float64 first would lose the +1 and
	// round down to even.
	v := int64(1)<<60 + 1<<36 + 1
	tt, _ := New(F32, []int64{1}, 1<<10)
	tt.SetInt64(0, v)
	if got, want := tt.Float64(0), math.Ldexp(1, 60)+math.Ldexp(1, 37); got != want {
		t.Errorf("f32 of %d = %v, want %v", v, got, want)
	}
	tt.SetInt64(0, -v)
	if got, want := tt.Float64(0), -(math.Ldexp(1, 60) + math.Ldexp(1, 37)); got != want {
		t.Errorf("f32 of %d = %v, want %v", -v, got, want)
	}
	tt.SetUint64(0, uint64(v))
	if got, want := tt.Float64(0), math.Ldexp(1, 60)+math.Ldexp(1, 37); got != want {
		t.Errorf("f32 of %d = %v, want %v", v, got, want)
	}
	// bf16: 2^40 + 2^32 is the tie between 2^40 and 2^40 + 2^33.
	bt, _ := New(BF16, []int64{1}, 1<<10)
	bt.SetInt64(0, 1<<40+1<<32+1)
	if got, want := bt.Float64(0), math.Ldexp(1, 40)+math.Ldexp(1, 33); got != want {
		t.Errorf("bf16 = %v, want %v", got, want)
	}
	bt.SetInt64(0, 1<<40+1<<32)
	if got, want := bt.Float64(0), math.Ldexp(1, 40); got != want {
		t.Errorf("bf16 tie = %v, want %v", got, want)
	}
}

func TestToPutFloat64(t *testing.T) {
	for _, d := range AllDTypes() {
		b := make([]byte, d.Size())
		PutFloat64(d, b, 1)
		if got := ToFloat64(d, b); got != 1 {
			t.Errorf("%s: 1 → %v", d, got)
		}
		PutFloat64(d, b, 0)
		if got := ToFloat64(d, b); got != 0 && d != F8E8M0FNU { // E8M0 has no zero
			t.Errorf("%s: 0 → %v", d, got)
		}
	}
	b := make([]byte, 1)
	PutFloat64(I8, b, 1000)
	if int8(b[0]) != 127 {
		t.Errorf("i8 1000 → %d", int8(b[0]))
	}
	PutFloat64(I8, b, -1000)
	if int8(b[0]) != -128 {
		t.Errorf("i8 -1000 → %d", int8(b[0]))
	}
	PutFloat64(I4, b, 100)
	if int8(b[0]) != 7 {
		t.Errorf("i4 100 → %d", int8(b[0]))
	}
	PutFloat64(U4, b, -3)
	if b[0] != 0 {
		t.Errorf("ui4 -3 → %d", b[0])
	}
	PutFloat64(U8, b, math.NaN())
	if b[0] != 0 {
		t.Errorf("ui8 NaN → %d", b[0])
	}
	PutFloat64(Bool, b, math.NaN())
	if b[0] != 1 {
		t.Errorf("i1 NaN → %d", b[0])
	}
	b8 := make([]byte, 8)
	PutFloat64(I64, b8, 1e300)
	if got := int64(loadBits(I64, b8)); got != math.MaxInt64 {
		t.Errorf("i64 1e300 → %d", got)
	}
	PutFloat64(U64, b8, 1e300)
	if got := loadBits(U64, b8); got != math.MaxUint64 {
		t.Errorf("ui64 1e300 → %d", got)
	}
	PutFloat64(I64, b8, -9.223372036854775808e18)
	if got := int64(loadBits(I64, b8)); got != math.MinInt64 {
		t.Errorf("i64 -2^63 → %d", got)
	}
}
