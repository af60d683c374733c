package tensor

import (
	"strconv"
	"strings"
	"testing"
)

// fuzzShape derives a small shape from fuzz bytes: rank 0 to 3, dims 0 to 4.
func fuzzShape(rank uint8, dims uint16) []int64 {
	shape := make([]int64, int(rank)%4)
	for i := range shape {
		shape[i] = int64(dims>>(4*i)) % 5
	}
	return shape
}

// FuzzJSONData: whenever the fast scanner accepts a data value, the
// general decoder accepts the same document and gives the same tensor.
// (When the scanner declines, DecodeJSONData is the general decoder.)
func FuzzJSONData(f *testing.F) {
	for _, s := range []struct {
		data     string
		dt, rank uint8
		dims     uint16
	}{
		{"[1, 2.5, -3e2, 0]", 0, 1, 4},
		{"[[1,2],[3,4]]", 1, 2, 2 | 2<<4},
		{"[1,2,3,4]", 2, 2, 2 | 2<<4},
		{"7", 3, 0, 0},
		{"[7]", 3, 0, 0},
		{"[[]]", 4, 2, 1},
		{"[]", 5, 2, 0 | 3<<4},
		{"[01]", 0, 1, 1},
		{"[1.]", 0, 1, 1},
		{"[-0, 1E+2, 2e-3]", 6, 1, 3},
		{"[300, -129]", 7, 1, 2},
		{"[1,2,3]", 8, 1, 2},
		{"[[1,2],3]", 0, 2, 2 | 2<<4},
		{` [ 1 ,	2 ] `, 9, 1, 2},
		{"[NaN, 1]", 0, 1, 2},
		{`["nan", 1]`, 0, 1, 2},
		{"[1e400, -1e400, 1e-400]", 10, 1, 3},
	} {
		f.Add([]byte(s.data), s.dt, s.rank, s.dims)
	}
	all := AllDTypes()
	lim := DecodeLimits{MaxBytes: 1 << 20, MaxElements: 1 << 10, MaxRank: 4}
	f.Fuzz(func(t *testing.T, data []byte, dt, rank uint8, dims uint16) {
		d := all[int(dt)%len(all)]
		shape := fuzzShape(rank, dims)
		fast, ok := fastJSONData(data, d, shape, lim)
		slow, err := DecodeJSON(jsonTensorDoc(data, d, shape), lim)
		if !ok {
			return
		}
		if err != nil {
			t.Fatalf("%s %v %q: the scanner accepted what the decoder refuses: %v", d, shape, data, err)
		}
		if !Equal(fast, slow) {
			t.Fatalf("%s %v %q: scanner %v, decoder %v", d, shape, data, fast.Data, slow.Data)
		}
		got, err := DecodeJSONData(data, d, shape, lim)
		if err != nil || !Equal(got, slow) {
			t.Fatalf("DecodeJSONData: %v", err)
		}
	})
}

// The scanner takes the common forms (flat, nested, scalar, integers,
// floats of every width) and leaves the rest to the decoder.
func TestJSONDataScanner(t *testing.T) {
	lim := DecodeLimits{MaxBytes: 1 << 20}
	cases := []struct {
		data  string
		d     DType
		shape []int64
		fast  bool
	}{
		{"[1, 2.5, -3e2, 0]", F32, []int64{4}, true},
		{"[[1,2],[3,4]]", F64, []int64{2, 2}, true},
		{"[1,2,3,4]", BF16, []int64{2, 2}, true},
		{"[[1,2],[3,4]]", I8, []int64{2, 2}, true},
		{"5", U64, nil, true},
		{"[5]", F16, nil, true},
		{"[[],[]]", F32, []int64{2, 0}, true},
		{"[]", F32, []int64{0, 3}, true},
		{`["nan", 1]`, F32, []int64{2}, false},
		{"[1, 2]", Bool, []int64{2}, false},
		{"[[1, 2]]", C64, []int64{1}, false},
		{"[1.5]", I32, []int64{1}, false},
		{"[300]", I8, []int64{1}, false},
		{"[1, 2]", F32, []int64{3}, false},
		{"[[1,2],[3]]", F32, []int64{2, 2}, false},
		{"[01]", F32, []int64{1}, false},
		{"[1] x", F32, []int64{1}, false},
	}
	for _, c := range cases {
		_, ok := fastJSONData([]byte(c.data), c.d, c.shape, lim)
		if ok != c.fast {
			t.Errorf("%s %v %q: scanner took it: %v, want %v", c.d, c.shape, c.data, ok, c.fast)
		}
		got, err := DecodeJSONData([]byte(c.data), c.d, c.shape, lim)
		want, werr := DecodeJSON(jsonTensorDoc([]byte(c.data), c.d, c.shape), lim)
		if (err == nil) != (werr == nil) || (err != nil && err.Error() != werr.Error()) || !Equal(got, want) {
			t.Errorf("%s %v %q: got %v %v, want %v %v", c.d, c.shape, c.data, got, err, want, werr)
		}
	}
}

func BenchmarkJSONData(b *testing.B) {
	var sb strings.Builder
	sb.WriteByte('[')
	for i := 0; i < 64*512; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.FormatFloat(float64(i%7)/7-0.5, 'g', -1, 32))
	}
	sb.WriteByte(']')
	data := []byte(sb.String())
	shape := []int64{64, 512}
	lim := DecodeLimits{MaxBytes: 1 << 30}
	b.Run("scanner", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			if _, err := DecodeJSONData(data, F32, shape, lim); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decoder", func(b *testing.B) {
		doc := jsonTensorDoc(data, F32, shape)
		b.SetBytes(int64(len(data)))
		for i := 0; i < b.N; i++ {
			if _, err := DecodeJSON(doc, lim); err != nil {
				b.Fatal(err)
			}
		}
	})
}
