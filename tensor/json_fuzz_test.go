package tensor

import (
	"bytes"
	"testing"
)

func FuzzJSON(f *testing.F) {
	for _, x := range seedTensors(f) {
		enc, err := EncodeJSON(x)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(enc)
	}
	for _, s := range []string{
		`{"dtype": "float32", "shape": [2, 3], "data": [[1, 2, 3], [4, 5, 6]]}`,
		`{"data": [NaN, Infinity, -Infinity], "shape": [3], "dtype": "f16"}`,
		`{"dtype": "complex64", "shape": [2, 1], "data": [[[1, 2]], [[3, "nan"]]]}`,
		`{"dtype": "complex128", "shape": [], "data": [1, 2]}`,
		`{"dtype": "int8", "shape": [2], "data": [1, 300]}`,
		`{"dtype": "bool", "shape": [], "data": true}`,
		`{"dtype": "float8_e8m0fnu", "shape": [3], "data": [0, -1, 1e38]}`,
		`{"dtype": "float16", "shape": [1], "data": [1.000488281250000000000001]}`,
		`{"dtype": "int8", "shape": [1099511627776, 1099511627776], "data": []}`,
		`{"dtype": "int8", "shape": [1], "data": [[[[1]]]]}`,
		"{\"dtype\": \"int8\xff\"}",
		`{"dtype": "uint4", "shape": [2, 2], "data": [[1, 2], [3]]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := DecodeJSON(data, fuzzLimits)
		y, err2 := ReadJSON(bytes.NewReader(data), fuzzLimits)
		sameOutcome(t, "json", err, err2)
		if err != nil {
			checkErr(t, err)
			return
		}
		if !Equal(x, y) {
			t.Fatal("DecodeJSON and ReadJSON disagree")
		}
		if err := x.Validate(); err != nil {
			t.Fatalf("decoded tensor is invalid: %v", err)
		}
		enc, err := EncodeJSON(x)
		if err != nil {
			t.Fatalf("re-encoding failed: %v", err)
		}
		z, err := DecodeJSON(enc, DecodeLimits{MaxBytes: 64 << 20, MaxElements: fuzzLimits.MaxElements, MaxRank: fuzzLimits.MaxRank})
		if err != nil {
			t.Fatalf("re-decoding failed: %v\n%s", err, enc)
		}
		if !Equal(x, z) {
			t.Fatalf("round trip changed the tensor:\n%s", enc)
		}
	})
}
