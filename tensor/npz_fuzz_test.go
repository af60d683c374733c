package tensor

import (
	"archive/zip"
	"bytes"
	"testing"
)

func FuzzNPZ(f *testing.F) {
	var named []Named
	for i, x := range seedTensors(f) {
		named = append(named, Named{Name: string(rune('a' + i)), Tensor: x})
	}
	for _, compress := range []bool{false, true} {
		enc, err := EncodeNPZ(named[:4], compress)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(enc)
		f.Add(enc[:len(enc)/2])
		one, _ := EncodeNPZ(named[4:5], compress)
		f.Add(one)
	}
	f.Add(b64(numpySavez))
	f.Add(b64(numpySavezCompressed))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("../evil.npy")
	w.Write([]byte("\x93NUMPY"))
	w, _ = zw.Create("a.npy")
	w.Write([]byte("not npy"))
	zw.Close()
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, err := DecodeNPZ(data, fuzzLimits)
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, nt := range ts {
			if err := nt.Tensor.Validate(); err != nil {
				t.Fatalf("%s: decoded tensor is invalid: %v", nt.Name, err)
			}
		}
		enc, err := EncodeNPZ(ts, len(data)%2 == 0)
		if err != nil {
			t.Fatalf("re-encoding failed: %v", err)
		}
		back, err := DecodeNPZ(enc, fuzzLimits)
		if err != nil {
			t.Fatalf("re-decoding failed: %v", err)
		}
		if len(back) != len(ts) {
			t.Fatalf("%d tensors became %d", len(ts), len(back))
		}
		for i := range ts {
			if back[i].Name != ts[i].Name || !Equal(back[i].Tensor, ts[i].Tensor) {
				t.Fatalf("tensor %q changed in the round trip", ts[i].Name)
			}
		}
	})
}
