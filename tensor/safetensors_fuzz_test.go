package tensor

import (
	"bytes"
	"testing"
)

func FuzzSafetensors(f *testing.F) {
	var named []Named
	for i, x := range seedTensors(f) {
		if _, ok := stDTypeName(x.DType); ok {
			named = append(named, Named{Name: "w" + string(rune('a'+i)), Tensor: x})
		}
	}
	enc, err := EncodeSafetensors(named, map[string]string{"format": "pt"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(enc)
	f.Add(enc[:len(enc)-1])
	one, _ := EncodeSafetensors(named[:1], nil)
	f.Add(one)
	f.Add(stFile(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`, make([]byte, 3)))
	f.Add(stFile(`{"__metadata__":{"a":1}}`, nil))
	f.Add(stFile(`{"t":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,0]}}`, nil))
	f.Add(stFile(`{}`, nil))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, meta, err := DecodeSafetensors(data, fuzzLimits)
		ts2, _, err2 := ReadSafetensors(bytes.NewReader(data), fuzzLimits)
		sameOutcome(t, "safetensors", err, err2)
		if err != nil {
			checkErr(t, err)
			return
		}
		for i, nt := range ts {
			if err := nt.Tensor.Validate(); err != nil {
				t.Fatalf("%s: decoded tensor is invalid: %v", nt.Name, err)
			}
			if !Equal(nt.Tensor, ts2[i].Tensor) {
				t.Fatal("DecodeSafetensors and ReadSafetensors disagree")
			}
		}
		enc, err := EncodeSafetensors(ts, meta)
		if err != nil {
			t.Fatalf("re-encoding failed: %v", err)
		}
		back, meta2, err := DecodeSafetensors(enc, fuzzLimits)
		if err != nil {
			t.Fatalf("re-decoding failed: %v", err)
		}
		if len(back) != len(ts) || len(meta2) != len(meta) {
			t.Fatalf("round trip changed the counts")
		}
		for k, v := range meta {
			if meta2[k] != v {
				t.Fatalf("metadata %q changed", k)
			}
		}
		for i := range ts {
			if back[i].Name != ts[i].Name || !Equal(back[i].Tensor, ts[i].Tensor) {
				t.Fatalf("tensor %q changed in the round trip", ts[i].Name)
			}
		}
	})
}
