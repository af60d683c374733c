package tensor

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

func stFile(header string, data []byte) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint64(b, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

func TestSafetensorsDecode(t *testing.T) {
	// As the reference Python implementation writes it: metadata first,
	// header padded with spaces to 8 bytes, tensors in any header order.
	hdr := `{"__metadata__":{"format":"pt"},"b":{"dtype":"F16","shape":[2],"data_offsets":[8,12]},"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}`
	hdr += strings.Repeat(" ", (8-len(hdr)%8)%8)
	data := []byte{1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x3C, 0x00, 0xC0}
	file := stFile(hdr, data)
	ts, meta, err := DecodeSafetensors(file, DecodeLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if meta["format"] != "pt" || len(ts) != 2 || ts[0].Name != "b" || ts[1].Name != "a" {
		t.Fatalf("%v %+v", meta, ts)
	}
	if ts[0].Tensor.Float64(0) != 1 || ts[0].Tensor.Float64(1) != -2 || ts[1].Tensor.Int64(1) != -1 {
		t.Errorf("values: %v %v %v", ts[0].Tensor.Float64(0), ts[0].Tensor.Float64(1), ts[1].Tensor.Int64(1))
	}
	ts2, meta2, err := ReadSafetensors(bytes.NewReader(file), DecodeLimits{})
	if err != nil || len(ts2) != 2 || !Equal(ts[0].Tensor, ts2[0].Tensor) || meta2["format"] != "pt" {
		t.Errorf("ReadSafetensors: %v", err)
	}
	// F8_E4M3 is float8_e4m3fn; zero-sized tensors may sit anywhere.
	hdr = `{"x":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]},"e":{"dtype":"F32","shape":[0,3],"data_offsets":[1,1]},"s":{"dtype":"BOOL","shape":[],"data_offsets":[1,2]}}`
	ts, meta, err = DecodeSafetensors(stFile(hdr, []byte{0x7E, 1}), DecodeLimits{})
	if err != nil || meta != nil || ts[0].Tensor.DType != F8E4M3FN || ts[0].Tensor.Float64(0) != 448 || ts[1].Tensor.NumElements() != 0 || ts[2].Tensor.Data[0] != 1 {
		t.Fatalf("%+v %v", ts, err)
	}
	// An empty file is valid.
	ts, _, err = DecodeSafetensors(stFile("{}", nil), DecodeLimits{})
	if err != nil || len(ts) != 0 {
		t.Fatal(err)
	}
}

func TestSafetensorsMalformed(t *testing.T) {
	one := func(dtype, shape, offs string) string {
		return `{"t":{"dtype":"` + dtype + `","shape":` + shape + `,"data_offsets":` + offs + `}}`
	}
	huge := binary.LittleEndian.AppendUint64(nil, 1<<40)
	cases := []struct {
		name string
		in   []byte
		lim  DecodeLimits
		rule string
	}{
		{"empty", nil, DecodeLimits{}, "input.safetensors.header"},
		{"short length", []byte{1, 2, 3}, DecodeLimits{}, "input.safetensors.header"},
		{"huge header length", append(huge, "{}"...), DecodeLimits{}, "input.safetensors.header"},
		{"header longer than file", append(binary.LittleEndian.AppendUint64(nil, 100), "{}"...), DecodeLimits{}, "input.safetensors.header"},
		{"header too short", stFile("{", nil), DecodeLimits{}, "input.safetensors.header"},
		{"not json", stFile("{nope}", nil), DecodeLimits{}, "input.safetensors.header"},
		{"not an object", stFile("[1, 2]", nil), DecodeLimits{}, "input.safetensors.header"},
		{"leading space", stFile(" {}", nil), DecodeLimits{}, "input.safetensors.header"},
		{"not utf8", stFile("{\"\xff\":{}}", nil), DecodeLimits{}, "input.safetensors.header"},
		{"trailing in header", stFile("{} x", nil), DecodeLimits{}, "input.safetensors.header"},
		{"entry not object", stFile(`{"t":[1]}`, nil), DecodeLimits{}, "input.safetensors.header"},
		{"unknown key", stFile(`{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}}`, []byte{1}), DecodeLimits{}, "input.safetensors.header"},
		{"missing offsets", stFile(`{"t":{"dtype":"U8","shape":[1]}}`, []byte{1}), DecodeLimits{}, "input.safetensors.header"},
		{"unknown dtype", stFile(one("F4", "[2]", "[0,1]"), []byte{1}), DecodeLimits{}, "input.safetensors.dtype"},
		{"dtype not string", stFile(`{"t":{"dtype":7,"shape":[1],"data_offsets":[0,1]}}`, []byte{1}), DecodeLimits{}, "input.safetensors.dtype"},
		{"negative dim", stFile(one("U8", "[-1]", "[0,0]"), nil), DecodeLimits{}, "input.safetensors.shape"},
		{"fractional dim", stFile(one("U8", "[1.5]", "[0,0]"), nil), DecodeLimits{}, "input.safetensors.shape"},
		{"shape not list", stFile(one("U8", "3", "[0,3]"), nil), DecodeLimits{}, "input.safetensors.shape"},
		{"shape overflow", stFile(one("U8", "[1099511627776,1099511627776]", "[0,0]"), nil), DecodeLimits{}, "input.size"},
		{"rank limit", stFile(one("U8", "[1,1,1]", "[0,1]"), []byte{1}), DecodeLimits{MaxRank: 2}, "input.rank"},
		{"over byte limit", stFile(one("F64", "[1000]", "[0,8000]"), nil), DecodeLimits{MaxBytes: 100}, "input.size"},
		{"size mismatch", stFile(one("F32", "[2]", "[0,4]"), make([]byte, 4)), DecodeLimits{}, "input.safetensors.offsets"},
		{"begin after end", stFile(one("U8", "[0]", "[4,0]"), make([]byte, 4)), DecodeLimits{}, "input.safetensors.offsets"},
		{"offsets three", stFile(one("U8", "[1]", "[0,1,2]"), []byte{1}), DecodeLimits{}, "input.safetensors.offsets"},
		{"offsets one", stFile(one("U8", "[1]", "[1]"), []byte{1}), DecodeLimits{}, "input.safetensors.offsets"},
		{"negative offset", stFile(one("U8", "[1]", "[-1,0]"), []byte{1}), DecodeLimits{}, "input.safetensors.offsets"},
		{"offset too large", stFile(one("U8", "[1]", "[18446744073709551615,0]"), []byte{1}), DecodeLimits{}, "input.safetensors.offsets"},
		{"gap at start", stFile(one("U8", "[1]", "[1,2]"), []byte{0, 1}), DecodeLimits{}, "input.safetensors.offsets"},
		{"overlap", stFile(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`, make([]byte, 3)), DecodeLimits{}, "input.safetensors.offsets"},
		{"same range", stFile(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`, make([]byte, 2)), DecodeLimits{}, "input.safetensors.offsets"},
		{"gap between", stFile(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[3,5]}}`, make([]byte, 5)), DecodeLimits{}, "input.safetensors.offsets"},
		{"out of bounds", stFile(one("U8", "[4]", "[0,4]"), make([]byte, 2)), DecodeLimits{}, "input.safetensors.data"},
		{"trailing bytes", stFile(one("U8", "[2]", "[0,2]"), make([]byte, 3)), DecodeLimits{}, "input.safetensors.data"},
		{"bool 2", stFile(one("BOOL", "[2]", "[0,2]"), []byte{1, 2}), DecodeLimits{}, "input.safetensors.data"},
		{"duplicate name", stFile(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, make([]byte, 2)), DecodeLimits{}, "input.safetensors.name"},
		{"empty name", stFile(`{"":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 1)), DecodeLimits{}, "input.safetensors.name"},
		{"control char name", stFile(`{"a\u0001":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 1)), DecodeLimits{}, "input.safetensors.name"},
		{"metadata not strings", stFile(`{"__metadata__":{"a":1}}`, nil), DecodeLimits{}, "input.safetensors.metadata"},
		{"metadata nested", stFile(`{"__metadata__":{"a":{"b":"c"}}}`, nil), DecodeLimits{}, "input.safetensors.metadata"},
		{"metadata list", stFile(`{"__metadata__":["a"]}`, nil), DecodeLimits{}, "input.safetensors.metadata"},
		{"metadata duplicate key", stFile(`{"__metadata__":{"a":"1","a":"2"}}`, nil), DecodeLimits{}, "input.safetensors.metadata"},
		{"two metadata", stFile(`{"__metadata__":{},"__metadata__":{}}`, nil), DecodeLimits{}, "input.safetensors.name"},
		{"too many tensors", stFile(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, make([]byte, 2)), DecodeLimits{MaxTensors: 1}, "input.safetensors.tensors"},
	}
	for _, c := range cases {
		_, _, err := DecodeSafetensors(c.in, c.lim)
		wantRule(t, c.name, err, c.rule)
		_, _, err = ReadSafetensors(bytes.NewReader(c.in), c.lim)
		wantRule(t, "ReadSafetensors "+c.name, err, c.rule)
		_, _, err = ReadSafetensors(oneByteReader(c.in), c.lim)
		wantRule(t, "ReadSafetensors bytewise "+c.name, err, c.rule)
	}
}

func TestSafetensorsRoundTripAll(t *testing.T) {
	var ts []Named
	var unsupported []DType
	for _, d := range AllDTypes() {
		if _, ok := stDTypeName(d); !ok {
			unsupported = append(unsupported, d)
			continue
		}
		ts = append(ts, Named{Name: "t." + d.String(), Tensor: sampleTensor(t, d, []int64{2, 3}, false)})
	}
	ts = append(ts, Named{Name: "scalar", Tensor: sampleTensor(t, F32, nil, false)})
	ts = append(ts, Named{Name: "empty", Tensor: sampleTensor(t, I8, []int64{0, 2}, false)})
	meta := map[string]string{"format": "pt", "note": "\"quoted\" <tag> é"}
	enc, err := EncodeSafetensors(ts, meta)
	if err != nil {
		t.Fatal(err)
	}
	if n := binary.LittleEndian.Uint64(enc); n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
	got, gmeta, err := DecodeSafetensors(enc, DecodeLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ts) || gmeta["note"] != meta["note"] || len(gmeta) != 2 {
		t.Fatalf("%d tensors, meta %v", len(got), gmeta)
	}
	for i := range ts {
		want := ts[i].Tensor
		if want.DType == Index {
			want = &Tensor{DType: I64, Shape: want.Shape, Data: want.Data}
		}
		if got[i].Name != ts[i].Name || !Equal(got[i].Tensor, want) {
			t.Errorf("%s differs", ts[i].Name)
		}
	}
	for _, d := range unsupported {
		_, err := EncodeSafetensors([]Named{{"x", sampleTensor(t, d, []int64{1}, false)}}, nil)
		wantRule(t, "unsupported "+d.String(), err, "output.safetensors.dtype")
	}
	x := sampleTensor(t, U8, []int64{1}, false)
	_, err = EncodeSafetensors([]Named{{"a", x}, {"a", x}}, nil)
	wantRule(t, "duplicate", err, "output.safetensors.name")
	_, err = EncodeSafetensors([]Named{{"__metadata__", x}}, nil)
	wantRule(t, "reserved", err, "output.safetensors.name")
	_, err = EncodeSafetensors(nil, map[string]string{"a": "\xff"})
	wantRule(t, "metadata", err, "output.safetensors.metadata")
}
