package tensor

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
)

// wantRule fails unless err is a *diag.Error with the given rule.
func wantRule(t *testing.T, name string, err error, rule string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: no error, want rule %s", name, rule)
		return
	}
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Errorf("%s: error %T %v is not a *diag.Error (want rule %s)", name, err, err, rule)
		return
	}
	if de.Rule != rule {
		t.Errorf("%s: rule %s, want %s (%v)", name, de.Rule, rule, err)
	}
	if de.Msg == "" {
		t.Errorf("%s: empty message", name)
	}
}

// sampleTensor makes a tensor of type d and the given shape whose elements
// run through many bit patterns (all canonical; NaNs canonical too when
// canonNaN is set, so that a JSON round trip keeps them).
func sampleTensor(t *testing.T, d DType, shape []int64, canonNaN bool) *Tensor {
	t.Helper()
	x, err := New(d, shape, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	n := x.NumElements()
	for i := int64(0); i < n; i++ {
		seed := uint64(i)*0x9E3779B97F4A7C15 + uint64(d)*0x632BE59BD9B4E019
		seed ^= seed >> 29
		switch {
		case d.IsBool() || d.IsInteger():
			x.SetUint64(i, seed)
		case d.IsFloat():
			storeBits(d, x.elem(i), sampleFloatBits(d, seed, i, canonNaN))
		case d.IsComplex():
			p := d.ComplexPart()
			e := x.elem(i)
			storeBits(p, e, sampleFloatBits(p, seed, i, canonNaN))
			storeBits(p, e[p.Size():], sampleFloatBits(p, seed>>7^0x5555, i+3, canonNaN))
		}
	}
	if err := x.Validate(); err != nil {
		t.Fatalf("sample %s: %v", d, err)
	}
	return x
}

func sampleFloatBits(d DType, seed uint64, i int64, canonNaN bool) uint64 {
	specials := []float64{0, math.Copysign(0, -1), 1, -1.5, math.Inf(1), math.Inf(-1), math.NaN(), 0.1, 1e-40, -3e38}
	var b uint64
	if i < int64(len(specials)) {
		b = FloatBits(d, specials[i])
	} else {
		b = seed
		if w := d.Bits(); w < 64 {
			b &= 1<<uint(w) - 1
		}
	}
	if canonNaN {
		if f := BitsFloat(d, b); math.IsNaN(f) {
			b = FloatBits(d, math.Copysign(math.NaN(), sign(math.Signbit(f))))
		}
	}
	return b
}

func sign(neg bool) float64 {
	if neg {
		return -1
	}
	return 1
}

func mustDiag(t *testing.T, err error) *diag.Error {
	t.Helper()
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Fatalf("not a diag error: %v", err)
	}
	return de
}

func contains(t *testing.T, what, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%s: %q does not contain %q", what, s, sub)
	}
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
