package tensor

import (
	"math"
	"testing"
)

func TestNewChecks(t *testing.T) {
	cases := []struct {
		name  string
		d     DType
		shape []int64
		max   int64
		rule  string
	}{
		{"invalid dtype", Invalid, []int64{1}, 100, "input.dtype"},
		{"negative dim", F32, []int64{2, -1}, 100, "input.shape"},
		{"element overflow", F32, []int64{1 << 40, 1 << 40}, math.MaxInt64, "input.size"},
		{"byte overflow", C128, []int64{1 << 31, 1 << 30}, math.MaxInt64, "input.size"},
		{"over limit", F64, []int64{10, 10}, 799, "input.size"},
		{"zero limit", I8, []int64{1}, 0, "input.size"},
	}
	for _, c := range cases {
		_, err := New(c.d, c.shape, c.max)
		wantRule(t, c.name, err, c.rule)
	}
	x, err := New(F64, []int64{10, 10}, 800)
	if err != nil || len(x.Data) != 800 || x.NumElements() != 100 || x.Rank() != 2 {
		t.Fatalf("New: %v %v", x, err)
	}
	s, err := New(I32, nil, 4)
	if err != nil || s.NumElements() != 1 || len(s.Data) != 4 {
		t.Fatalf("scalar: %v %v", s, err)
	}
	e, err := New(I32, []int64{0, 1 << 62}, 0)
	if err != nil || e.NumElements() != 0 {
		t.Fatalf("empty: %v %v", e, err)
	}
}

func TestValidate(t *testing.T) {
	bad := []struct {
		name string
		t    *Tensor
		rule string
	}{
		{"nil", nil, "input.data"},
		{"short", &Tensor{DType: F32, Shape: []int64{2}, Data: make([]byte, 7)}, "input.data"},
		{"bool 2", &Tensor{DType: Bool, Shape: []int64{1}, Data: []byte{2}}, "input.data"},
		{"i4 unextended", &Tensor{DType: I4, Shape: []int64{1}, Data: []byte{0x0F}}, "input.data"},
		{"i2 range", &Tensor{DType: I2, Shape: []int64{1}, Data: []byte{2}}, "input.data"},
		{"u4 high", &Tensor{DType: U4, Shape: []int64{1}, Data: []byte{0x10}}, "input.data"},
		{"f4 high", &Tensor{DType: F4E2M1FN, Shape: []int64{1}, Data: []byte{0x10}}, "input.data"},
		{"f6 high", &Tensor{DType: F6E3M2FN, Shape: []int64{1}, Data: []byte{0x40}}, "input.data"},
		{"neg shape", &Tensor{DType: F32, Shape: []int64{-1}}, "input.shape"},
	}
	for _, c := range bad {
		wantRule(t, c.name, c.t.Validate(), c.rule)
	}
	if _, err := FromData(I4, []int64{2}, []byte{0xF8, 7}); err != nil {
		t.Error(err)
	}
}

func TestAccessors(t *testing.T) {
	x, _ := New(I4, []int64{3}, 100)
	x.SetInt64(0, -8)
	x.SetInt64(1, 7)
	x.SetInt64(2, 9) // wraps to -7
	if x.Int64(0) != -8 || x.Int64(1) != 7 || x.Int64(2) != -7 || x.Data[2] != 0xF9 {
		t.Errorf("i4: %v %v", []int64{x.Int64(0), x.Int64(1), x.Int64(2)}, x.Data)
	}
	if x.Uint64(0) != math.MaxUint64-7 {
		t.Errorf("i4 as uint: %d", x.Uint64(0))
	}
	u, _ := New(U64, []int64{1}, 100)
	u.SetUint64(0, math.MaxUint64)
	if u.Int64(0) != -1 || u.Float64(0) != 18446744073709551616.0 {
		t.Errorf("u64: %d %v", u.Int64(0), u.Float64(0))
	}
	b, _ := New(Bool, []int64{2}, 100)
	b.SetInt64(0, 5)
	b.SetFloat64(1, 0)
	if b.Data[0] != 1 || b.Data[1] != 0 || b.Float64(0) != 1 {
		t.Errorf("bool: %v", b.Data)
	}
	f, _ := New(F8E4M3FN, []int64{2}, 100)
	f.SetFloat64(0, 1000)
	f.SetInt64(1, 3)
	if !math.IsNaN(f.Float64(0)) || f.Float64(1) != 3 || f.Int64(0) != 0 {
		t.Errorf("f8: %v %v", f.Float64(0), f.Float64(1))
	}
	h, _ := New(F16, []int64{1}, 100)
	h.SetFloat64(0, -70000)
	if h.Int64(0) != math.MinInt64 || h.Uint64(0) != 0 {
		t.Errorf("f16 -inf: %d %d", h.Int64(0), h.Uint64(0))
	}
	c, _ := New(C64, []int64{1}, 100)
	c.SetComplex128(0, complex(1.5, -2))
	if c.Complex128(0) != complex(1.5, -2) || c.Float64(0) != 1.5 || c.Int64(0) != 1 {
		t.Errorf("c64: %v", c.Complex128(0))
	}
	c.SetInt64(0, 7)
	if c.Complex128(0) != 7 {
		t.Errorf("c64 int: %v", c.Complex128(0))
	}
	r, _ := New(F64, []int64{1}, 100)
	r.SetComplex128(0, complex(2, 3))
	if r.Float64(0) != 2 || r.Complex128(0) != 2 {
		t.Errorf("f64 from complex: %v", r.Float64(0))
	}
	i8, _ := New(I8, []int64{1}, 100)
	i8.SetFloat64(0, math.Inf(1))
	if i8.Int64(0) != 127 {
		t.Errorf("i8 inf: %d", i8.Int64(0))
	}
	i8.SetUint64(0, 0x1FF)
	if i8.Int64(0) != -1 {
		t.Errorf("i8 wrap: %d", i8.Int64(0))
	}
}

func TestEqual(t *testing.T) {
	a := sampleTensor(t, F32, []int64{2, 3}, false)
	b := a.Clone()
	if !Equal(a, b) || !Equal(nil, nil) || Equal(a, nil) {
		t.Fatal("equal")
	}
	b.Shape = []int64{3, 2}
	if Equal(a, b) {
		t.Error("shape ignored")
	}
	b = a.Clone()
	b.Data[0] ^= 1
	if Equal(a, b) {
		t.Error("data ignored")
	}
	b = a.Clone()
	b.DType = I32
	if Equal(a, b) {
		t.Error("dtype ignored")
	}
	if !Equal(&Tensor{DType: F32, Shape: nil, Data: make([]byte, 4)}, &Tensor{DType: F32, Shape: []int64{}, Data: make([]byte, 4)}) {
		t.Error("nil vs empty shape")
	}
}

func TestNumElements(t *testing.T) {
	if n, err := NumElements(nil); n != 1 || err != nil {
		t.Error(n, err)
	}
	if n, err := NumElements([]int64{0, -1}); err == nil {
		t.Error("negative accepted", n)
	}
	if n, err := NumElements([]int64{math.MaxInt64, 0}); n != 0 || err != nil {
		t.Error(n, err)
	}
	if _, err := NumElements([]int64{math.MaxInt64, 2}); err == nil {
		t.Error("overflow accepted")
	}
	if n, _ := ByteSize(C128, []int64{3}); n != 48 {
		t.Error(n)
	}
}

func TestHugeLimits(t *testing.T) {
	lim := DecodeLimits{MaxBytes: math.MaxInt64, MaxElements: math.MaxInt64, MaxRank: math.MaxInt, MaxTensors: math.MaxInt}
	x := sampleTensor(t, F32, []int64{2}, true)
	j, _ := EncodeJSON(x)
	if y, err := ReadJSON(bytesReader(j), lim); err != nil || !Equal(x, y) {
		t.Errorf("json: %v", err)
	}
	z, _ := EncodeNPZ([]Named{{"x", x}}, true)
	if ts, err := DecodeNPZ(z, lim); err != nil || !Equal(ts[0].Tensor, x) {
		t.Errorf("npz: %v", err)
	}
	n, _ := EncodeNPY(x)
	if y, err := ReadNPY(bytesReader(n), lim); err != nil || !Equal(x, y) {
		t.Errorf("npy: %v", err)
	}
	s, _ := EncodeSafetensors([]Named{{"x", x}}, nil)
	if ts, _, err := ReadSafetensors(bytesReader(s), lim); err != nil || !Equal(ts[0].Tensor, x) {
		t.Errorf("safetensors: %v", err)
	}
	if d := DefaultDecodeLimits(); d != (DecodeLimits{}).norm() {
		t.Errorf("zero limits are not the defaults: %+v", (DecodeLimits{}).norm())
	}
}
