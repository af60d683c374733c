package tensor

import (
	"bytes"
	"testing"
)

func FuzzNPY(f *testing.F) {
	for _, x := range seedTensors(f) {
		enc, err := EncodeNPY(x)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(enc)
		f.Add(enc[:len(enc)-1])
	}
	for _, c := range numpyFiles {
		f.Add(npyFile(1, c.dict, 128, unhex(c.data)))
	}
	f.Add(npyFile(1, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 2), }", 64, make([]byte, 32)))
	f.Add(npyFile(2, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", 64, make([]byte, 8)))
	f.Add(npyFile(3, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", 64, make([]byte, 4)))
	f.Add(npyFile(1, "{'descr': 'float4_e2m1fn', 'fortran_order': False, 'shape': (2L,), }", 16, []byte{0xFF, 0x07}))
	f.Add(npyFile(1, "{'descr': '<u2', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }", 64, nil))
	f.Add([]byte("\x93NUMPY\x01\x00"))
	f.Add([]byte("\x80\x04\x95"))
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := DecodeNPY(data, fuzzLimits)
		y, err2 := ReadNPY(bytes.NewReader(data), fuzzLimits)
		sameOutcome(t, "npy", err, err2)
		if err != nil {
			checkErr(t, err)
			return
		}
		if !Equal(x, y) {
			t.Fatal("DecodeNPY and ReadNPY disagree")
		}
		if err := x.Validate(); err != nil {
			t.Fatalf("decoded tensor is invalid: %v", err)
		}
		enc, err := EncodeNPY(x)
		if err != nil {
			t.Fatalf("re-encoding failed: %v", err)
		}
		z, err := DecodeNPY(enc, fuzzLimits)
		if err != nil {
			t.Fatalf("re-decoding failed: %v", err)
		}
		if !Equal(x, z) {
			t.Fatal("round trip changed the tensor")
		}
	})
}
