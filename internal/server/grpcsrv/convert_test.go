package grpcsrv

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/server/oippb"
	"github.com/hlogate/hlogate/tensor"
)

var testLimits = decodeLimits{maxInputs: 16, maxRank: 8, maxElements: 1 << 20, maxBytes: 1 << 22}

type inT = oippb.ModelInferRequest_InferInputTensor

func req(ins ...*inT) *oippb.ModelInferRequest {
	return &oippb.ModelInferRequest{ModelName: "m", Inputs: ins}
}

func typed(name, dt string, shape []int64, c *oippb.InferTensorContents) *inT {
	return &inT{Name: name, Datatype: dt, Shape: shape, Contents: c}
}

func le16(vs ...uint16) []byte {
	b := make([]byte, 2*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint16(b[2*i:], v)
	}
	return b
}

func le32(vs ...uint32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return b
}

func le64(vs ...uint64) []byte {
	b := make([]byte, 8*len(vs))
	for i, v := range vs {
		binary.LittleEndian.PutUint64(b[8*i:], v)
	}
	return b
}

// typedCases covers every datatype that has a typed field, with its
// extreme values, and the storage bytes they must decode to.
var typedCases = []struct {
	dt    string
	d     tensor.DType
	c     *oippb.InferTensorContents
	bytes []byte
}{
	{"BOOL", tensor.Bool, &oippb.InferTensorContents{BoolContents: []bool{true, false, true}}, []byte{1, 0, 1}},
	{"INT8", tensor.I8, &oippb.InferTensorContents{IntContents: []int32{-128, 0, 127}}, []byte{0x80, 0, 0x7f}},
	{"INT16", tensor.I16, &oippb.InferTensorContents{IntContents: []int32{-32768, -1, 32767}}, le16(0x8000, 0xffff, 0x7fff)},
	{"INT32", tensor.I32, &oippb.InferTensorContents{IntContents: []int32{math.MinInt32, -2, math.MaxInt32}}, le32(0x80000000, 0xfffffffe, 0x7fffffff)},
	{"INT64", tensor.I64, &oippb.InferTensorContents{Int64Contents: []int64{math.MinInt64, -3, math.MaxInt64}}, le64(1<<63, math.MaxUint64-2, 1<<63-1)},
	{"UINT8", tensor.U8, &oippb.InferTensorContents{UintContents: []uint32{0, 1, 255}}, []byte{0, 1, 255}},
	{"UINT16", tensor.U16, &oippb.InferTensorContents{UintContents: []uint32{0, 2, 65535}}, le16(0, 2, 0xffff)},
	{"UINT32", tensor.U32, &oippb.InferTensorContents{UintContents: []uint32{0, 3, math.MaxUint32}}, le32(0, 3, math.MaxUint32)},
	{"UINT64", tensor.U64, &oippb.InferTensorContents{Uint64Contents: []uint64{0, 4, math.MaxUint64}}, le64(0, 4, math.MaxUint64)},
	{"FP32", tensor.F32, &oippb.InferTensorContents{Fp32Contents: []float32{float32(math.Copysign(0, -1)), 1.5, float32(math.Inf(-1))}},
		le32(0x80000000, math.Float32bits(1.5), 0xff800000)},
	{"FP64", tensor.F64, &oippb.InferTensorContents{Fp64Contents: []float64{math.Float64frombits(0x7ff8000000000123), -2.25, math.MaxFloat64}},
		le64(0x7ff8000000000123, math.Float64bits(-2.25), math.Float64bits(math.MaxFloat64))},
}

func TestTypedRoundTrip(t *testing.T) {
	for _, tc := range typedCases {
		t.Run(tc.dt, func(t *testing.T) {
			ins, err := decodeInputs(req(typed("x", tc.dt, []int64{3}, tc.c)), testLimits)
			if err != nil {
				t.Fatal(err)
			}
			if len(ins) != 1 {
				t.Fatalf("%d inputs", len(ins))
			}
			got := ins[0]
			if got.Name != "x" || got.Datatype != tc.dt || got.Tensor.DType != tc.d || !sameShape(got.Tensor.Shape, []int64{3}) {
				t.Fatalf("got %+v", got)
			}
			if !bytes.Equal(got.Tensor.Data, tc.bytes) {
				t.Fatalf("data % x, want % x", got.Tensor.Data, tc.bytes)
			}
			// And back: typed outputs reproduce the request's contents
			// exactly (bit patterns of floats included).
			pbs, raws, err := encodeOutputs([]output{{Name: "y", Datatype: tc.dt, Shape: []int64{3}, Tensor: got.Tensor}}, false)
			if err != nil {
				t.Fatal(err)
			}
			if raws != nil {
				t.Fatal("typed encoding returned raw contents")
			}
			if pbs[0].Name != "y" || pbs[0].Datatype != tc.dt || !sameShape(pbs[0].Shape, []int64{3}) {
				t.Fatalf("output %v", pbs[0])
			}
			if !proto.Equal(pbs[0].Contents, tc.c) {
				// proto.Equal compares floats by value; NaN != NaN.
				if tc.dt != "FP64" || math.Float64bits(pbs[0].Contents.Fp64Contents[0]) != 0x7ff8000000000123 {
					t.Fatalf("contents %v, want %v", pbs[0].Contents, tc.c)
				}
			}
			// Raw encoding of the same tensor is its storage bytes.
			_, raws, err = encodeOutputs([]output{{Name: "y", Datatype: tc.dt, Shape: []int64{3}, Tensor: got.Tensor}}, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(raws) != 1 || !bytes.Equal(raws[0], tc.bytes) {
				t.Fatalf("raw % x", raws)
			}
		})
	}
}

func TestRawEveryDatatype(t *testing.T) {
	cases := []struct {
		dt string
		d  tensor.DType
		b  []byte
	}{
		{"BOOL", tensor.Bool, []byte{0, 1}},
		{"INT8", tensor.I8, []byte{0xff, 7}},
		{"INT16", tensor.I16, le16(1, 0x8000)},
		{"INT32", tensor.I32, le32(1, 2)},
		{"INT64", tensor.I64, le64(1, 1<<63)},
		{"UINT8", tensor.U8, []byte{255, 0}},
		{"UINT16", tensor.U16, le16(9, 10)},
		{"UINT32", tensor.U32, le32(9, 10)},
		{"UINT64", tensor.U64, le64(9, math.MaxUint64)},
		{"FP16", tensor.F16, le16(0x3c00, 0xfc00)},  // 1.0, -Inf
		{"BF16", tensor.BF16, le16(0x3f80, 0x7fc1)}, // 1.0, a NaN
		{"FP32", tensor.F32, le32(math.Float32bits(1), 0x7fc00001)},
		{"FP64", tensor.F64, le64(math.Float64bits(-1), 0)},
	}
	for _, tc := range cases {
		t.Run(tc.dt, func(t *testing.T) {
			r := req(&inT{Name: "x", Datatype: tc.dt, Shape: []int64{2}})
			r.RawInputContents = [][]byte{tc.b}
			ins, err := decodeInputs(r, testLimits)
			if err != nil {
				t.Fatal(err)
			}
			tt := ins[0].Tensor
			if tt.DType != tc.d || !bytes.Equal(tt.Data, tc.b) {
				t.Fatalf("got %v % x", tt.DType, tt.Data)
			}
			if &tt.Data[0] != &tc.b[0] {
				t.Fatal("raw input was copied")
			}
			_, raws, err := encodeOutputs([]output{{Name: "y", Datatype: tc.dt, Shape: []int64{2}, Tensor: tt}}, true)
			if err != nil || !bytes.Equal(raws[0], tc.b) {
				t.Fatalf("raw out % x, %v", raws, err)
			}
			if tc.d == tensor.F16 || tc.d == tensor.BF16 {
				if !needsRaw([]output{{Tensor: tt}}) {
					t.Fatal("needsRaw is false for a 16-bit float")
				}
				if _, _, err := encodeOutputs([]output{{Name: "y", Datatype: tc.dt, Tensor: tt}}, false); diag.KindOf(err) != diag.Internal {
					t.Fatalf("typed %s output: %v", tc.dt, err)
				}
			} else if needsRaw([]output{{Tensor: tt}}) {
				t.Fatal("needsRaw is true")
			}
		})
	}
}

// wantErr checks that err is a diag error with the rule and that its
// message contains every fragment.
func wantErr(t *testing.T, err error, rule string, frags ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", rule)
	}
	d := diag.As(err)
	if d.Rule != rule {
		t.Fatalf("rule %s, want %s (%v)", d.Rule, rule, err)
	}
	if d.Kind == diag.Internal && rule != "internal" {
		t.Fatalf("internal kind for %v", err)
	}
	for _, f := range frags {
		if !strings.Contains(d.Msg, f) {
			t.Fatalf("message %q lacks %q", d.Msg, f)
		}
	}
}

func rawReq(raw [][]byte, ins ...*inT) *oippb.ModelInferRequest {
	r := req(ins...)
	r.RawInputContents = raw
	return r
}

func TestDecodeErrors(t *testing.T) {
	f32 := func(n int) *oippb.InferTensorContents {
		return &oippb.InferTensorContents{Fp32Contents: make([]float32, n)}
	}
	huge := int64(1) << 62
	cases := []struct {
		name string
		r    *oippb.ModelInferRequest
		lim  *decodeLimits
		rule string
		frag []string
	}{
		{"bytes datatype", req(typed("s", "BYTES", []int64{1}, &oippb.InferTensorContents{BytesContents: [][]byte{[]byte("a")}})), nil,
			"input.datatype", []string{"BYTES", `"s"`}},
		{"unknown datatype", req(typed("x", "FLOAT32", []int64{1}, f32(1))), nil, "input.datatype", []string{`"FLOAT32"`, "FP32"}},
		{"lower-case datatype", req(typed("x", "fp32", []int64{1}, f32(1))), nil, "input.datatype", nil},
		{"empty datatype", req(typed("x", "", []int64{1}, f32(1))), nil, "input.datatype", nil},
		{"no name", req(typed("", "FP32", []int64{1}, f32(1))), nil, "input.name", []string{"input 0"}},
		{"long name", req(typed(strings.Repeat("n", maxNameBytes+1), "FP32", []int64{1}, f32(1))), nil, "input.name", nil},
		{"duplicate name", req(typed("x", "FP32", []int64{1}, f32(1)), typed("x", "FP32", []int64{1}, f32(1))), nil, "input.name", []string{"more than once"}},
		{"negative dim", req(typed("x", "FP32", []int64{2, -1}, f32(2))), nil, "input.shape", []string{"[2,-1]", "dimension 1"}},
		{"rank", req(typed("x", "FP32", make([]int64, 9), f32(0))), nil, "input.shape", []string{"9 dimensions"}},
		{"element overflow", req(typed("x", "FP32", []int64{huge, huge}, f32(1))), nil, "request.too_large", []string{"overflows"}},
		{"byte overflow", req(typed("x", "FP64", []int64{huge / 2, 2}, f32(1))), nil, "request.too_large", []string{"2^63"}},
		{"overflow despite zero later", req(typed("x", "FP32", []int64{huge, huge, 0}, f32(0))), nil, "", nil}, // zero elements: fine
		{"element cap", req(typed("x", "BOOL", []int64{1 << 20}, &oippb.InferTensorContents{BoolContents: make([]bool, 1<<20)}), typed("y", "BOOL", []int64{1}, &oippb.InferTensorContents{BoolContents: []bool{true}})), nil,
			"request.too_large", []string{`"y"`, "elements"}},
		{"byte cap", req(typed("x", "FP64", []int64{1<<19 + 1}, nil)), nil, "request.too_large", []string{"4194312 bytes", "4194304 bytes"}},
		{"byte cap over inputs", rawReq([][]byte{make([]byte, 3<<20), make([]byte, 2<<20)}, &inT{Name: "a", Datatype: "UINT8", Shape: []int64{3 << 20}}, &inT{Name: "b", Datatype: "UINT8", Shape: []int64{2 << 20}}),
			&decodeLimits{maxInputs: 4, maxRank: 4, maxElements: 1 << 30, maxBytes: 4 << 20}, "request.too_large", []string{`"b"`}},
		{"input count", req(make([]*inT, 17)...), nil, "input.count", []string{"17"}},
		{"count mismatch", req(typed("x", "FP32", []int64{3}, f32(2))), nil, "input.size", []string{"fp32_contents holds 2", "[3] has 3"}},
		{"count too many", req(typed("x", "FP32", []int64{3}, f32(4))), nil, "input.size", nil},
		{"scalar needs one", req(typed("x", "FP32", nil, f32(0))), nil, "input.size", []string{"holds 0", "[] has 1"}},
		{"scalar no contents", req(typed("x", "FP32", nil, nil)), nil, "input.contents", []string{"no data"}},
		{"missing contents", req(typed("x", "INT32", []int64{2}, nil)), nil, "input.contents", []string{"int_contents"}},
		{"wrong field", req(typed("x", "INT32", []int64{1}, f32(1))), nil, "input.contents", []string{"int_contents", "fp32_contents"}},
		{"two fields", req(typed("x", "FP32", []int64{1}, &oippb.InferTensorContents{Fp32Contents: []float32{1}, Fp64Contents: []float64{1}})), nil,
			"input.contents", []string{"fp64_contents"}},
		{"int64 in int", req(typed("x", "INT64", []int64{1}, &oippb.InferTensorContents{IntContents: []int32{1}})), nil, "input.contents", []string{"int64_contents"}},
		{"uint64 in uint", req(typed("x", "UINT64", []int64{1}, &oippb.InferTensorContents{UintContents: []uint32{1}})), nil, "input.contents", nil},
		{"bytes contents on FP32", req(typed("x", "FP32", []int64{1}, &oippb.InferTensorContents{Fp32Contents: []float32{1}, BytesContents: [][]byte{{1}}})), nil,
			"input.contents", []string{"bytes_contents"}},
		{"fp16 typed", req(typed("h", "FP16", []int64{1}, f32(1))), nil, "input.contents", []string{"raw_input_contents"}},
		{"bf16 no data", req(typed("h", "BF16", []int64{2}, nil)), nil, "input.contents", []string{"raw_input_contents"}},
		{"int8 high", req(typed("x", "INT8", []int64{2}, &oippb.InferTensorContents{IntContents: []int32{0, 128}})), nil, "input.data", []string{"element 1", "128", "[-128, 127]"}},
		{"int8 low", req(typed("x", "INT8", []int64{1}, &oippb.InferTensorContents{IntContents: []int32{-129}})), nil, "input.data", nil},
		{"int16 high", req(typed("x", "INT16", []int64{1}, &oippb.InferTensorContents{IntContents: []int32{32768}})), nil, "input.data", nil},
		{"int16 low", req(typed("x", "INT16", []int64{1}, &oippb.InferTensorContents{IntContents: []int32{-32769}})), nil, "input.data", nil},
		{"uint8 high", req(typed("x", "UINT8", []int64{1}, &oippb.InferTensorContents{UintContents: []uint32{256}})), nil, "input.data", []string{"[0, 255]"}},
		{"uint16 high", req(typed("x", "UINT16", []int64{1}, &oippb.InferTensorContents{UintContents: []uint32{65536}})), nil, "input.data", nil},
		{"raw and contents", rawReq([][]byte{le32(0)}, typed("x", "FP32", []int64{1}, f32(1))), nil, "input.contents", []string{"must not be specified"}},
		{"raw and empty contents", rawReq([][]byte{le32(0)}, typed("x", "FP32", []int64{1}, &oippb.InferTensorContents{})), nil, "input.contents", nil},
		{"raw too few", rawReq([][]byte{le32(0)}, &inT{Name: "a", Datatype: "FP32", Shape: []int64{1}}, &inT{Name: "b", Datatype: "FP32", Shape: []int64{1}}), nil,
			"input.raw", []string{"2 inputs but 1"}},
		{"raw too many", rawReq([][]byte{le32(0), le32(0)}, &inT{Name: "a", Datatype: "FP32", Shape: []int64{1}}), nil, "input.raw", nil},
		{"raw short", rawReq([][]byte{le32(0)}, &inT{Name: "a", Datatype: "FP32", Shape: []int64{2}}), nil, "input.size", []string{"4 bytes", "needs 8"}},
		{"raw long", rawReq([][]byte{le32(0, 0, 0)}, &inT{Name: "a", Datatype: "FP32", Shape: []int64{2}}), nil, "input.size", nil},
		{"raw odd fp16", rawReq([][]byte{{1, 2, 3}}, &inT{Name: "a", Datatype: "FP16", Shape: []int64{2}}), nil, "input.size", nil},
		{"raw bool 2", rawReq([][]byte{{0, 1, 2}}, &inT{Name: "a", Datatype: "BOOL", Shape: []int64{3}}), nil, "input.data", []string{"element 2", "0x02"}},
		{"raw shape overflow", rawReq([][]byte{{}}, &inT{Name: "a", Datatype: "UINT8", Shape: []int64{huge, 8}}), nil, "request.too_large", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			lim := testLimits
			if tc.lim != nil {
				lim = *tc.lim
			}
			if tc.name == "input count" {
				for i := range tc.r.Inputs {
					tc.r.Inputs[i] = typed(string(rune('a'+i)), "FP32", nil, f32(1))
				}
			}
			ins, err := decodeInputs(tc.r, lim)
			if tc.rule == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if ins != nil {
				t.Fatalf("inputs returned with an error")
			}
			wantErr(t, err, tc.rule, tc.frag...)
			if d := diag.As(err); d.Kind != diag.InvalidInput {
				t.Fatalf("kind %v", d.Kind)
			}
		})
	}
}

func TestDecodeEdgeCases(t *testing.T) {
	// Zero-element tensors need no data in any form.
	ins, err := decodeInputs(req(typed("e", "FP16", []int64{0, 3}, nil), typed("f", "FP32", []int64{4, 0}, nil), typed("g", "INT8", []int64{0}, &oippb.InferTensorContents{})), testLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range ins {
		if len(in.Tensor.Data) != 0 || in.Tensor.NumElements() != 0 {
			t.Fatalf("%s: %v", in.Name, in.Tensor)
		}
	}
	if !sameShape(ins[0].Shape, []int64{0, 3}) {
		t.Fatalf("shape %v", ins[0].Shape)
	}
	// A scalar is one element; raw zero-element inputs take an empty entry.
	ins, err = decodeInputs(rawReq([][]byte{le32(math.Float32bits(2)), {}}, &inT{Name: "s", Datatype: "FP32"}, &inT{Name: "z", Datatype: "BF16", Shape: []int64{0}}), testLimits)
	if err != nil {
		t.Fatal(err)
	}
	if ins[0].Tensor.Rank() != 0 || ins[0].Tensor.Float64(0) != 2 || ins[1].Tensor.NumElements() != 0 {
		t.Fatalf("%v %v", ins[0].Tensor, ins[1].Tensor)
	}
	// No inputs at all is fine here (the model's signature decides).
	if ins, err := decodeInputs(req(), testLimits); err != nil || len(ins) != 0 {
		t.Fatal(ins, err)
	}
	// Exactly at the caps is fine.
	lim := decodeLimits{maxInputs: 2, maxRank: 2, maxElements: 6, maxBytes: 32}
	if _, err := decodeInputs(req(typed("a", "FP32", []int64{2, 2}, f32n(4)), typed("b", "FP64", []int64{2}, &oippb.InferTensorContents{Fp64Contents: []float64{1, 2}})), lim); err != nil {
		t.Fatal(err)
	}
	lim.maxBytes = 31
	if _, err := decodeInputs(req(typed("a", "FP32", []int64{2, 2}, f32n(4)), typed("b", "FP64", []int64{2}, &oippb.InferTensorContents{Fp64Contents: []float64{1, 2}})), lim); diag.RuleOf(err) != "request.too_large" {
		t.Fatal(err)
	}
}

func f32n(n int) *oippb.InferTensorContents {
	return &oippb.InferTensorContents{Fp32Contents: make([]float32, n)}
}

func TestEncodeOutputs(t *testing.T) {
	mk := func(d tensor.DType, shape []int64, data []byte) *tensor.Tensor {
		tt, err := tensor.FromData(d, shape, data)
		if err != nil {
			t.Fatal(err)
		}
		return tt
	}
	f := mk(tensor.F32, []int64{1, 2}, le32(math.Float32bits(1), math.Float32bits(2)))
	h := mk(tensor.F16, []int64{1}, le16(0x3c00))
	outs := []output{{Name: "f", Datatype: "FP32", Shape: []int64{1, 2}, Tensor: f}, {Name: "h", Datatype: "FP16", Shape: []int64{1}, Tensor: h}}
	if !needsRaw(outs) {
		t.Fatal("needsRaw")
	}
	pbs, raws, err := encodeOutputs(outs, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(pbs) != 2 || len(raws) != 2 || pbs[0].Contents != nil || pbs[1].Contents != nil {
		t.Fatalf("%v %v", pbs, raws)
	}
	if pbs[1].Datatype != "FP16" || !bytes.Equal(raws[1], []byte{0, 0x3c}) || !sameShape(pbs[0].Shape, []int64{1, 2}) {
		t.Fatalf("%v % x", pbs[1], raws[1])
	}
	// A nil Shape takes the tensor's.
	pbs, _, err = encodeOutputs([]output{{Name: "f", Datatype: "FP32", Tensor: f}}, false)
	if err != nil || !sameShape(pbs[0].Shape, []int64{1, 2}) || len(pbs[0].Contents.Fp32Contents) != 2 {
		t.Fatal(pbs, err)
	}
	// Index travels as INT64.
	ix := mk(tensor.Index, []int64{2}, le64(5, math.MaxUint64))
	pbs, _, err = encodeOutputs([]output{{Name: "i", Datatype: "INT64", Tensor: ix}}, false)
	if err != nil || pbs[0].Contents.Int64Contents[0] != 5 || pbs[0].Contents.Int64Contents[1] != -1 {
		t.Fatal(pbs, err)
	}
	// Empty outputs encode to empty contents.
	e := mk(tensor.F64, []int64{0}, nil)
	pbs, raws, err = encodeOutputs([]output{{Name: "e", Datatype: "FP64", Tensor: e}}, true)
	if err != nil || raws[0] == nil || len(raws[0]) != 0 {
		t.Fatal(pbs, raws, err)
	}
	// Broken outputs are internal errors, never panics.
	bad := []struct {
		name string
		o    output
	}{
		{"nil tensor", output{Name: "x", Datatype: "FP32"}},
		{"datatype mismatch", output{Name: "x", Datatype: "FP64", Tensor: f}},
		{"unknown datatype", output{Name: "x", Datatype: "", Tensor: f}},
		{"shape mismatch", output{Name: "x", Datatype: "FP32", Shape: []int64{2, 1}, Tensor: f}},
		{"short data", output{Name: "x", Datatype: "FP32", Tensor: &tensor.Tensor{DType: tensor.F32, Shape: []int64{2}, Data: []byte{1}}}},
		{"complex", output{Name: "x", Datatype: "FP64", Tensor: mk(tensor.C64, []int64{1}, make([]byte, 8))}},
		{"fp16 typed", output{Name: "x", Datatype: "FP16", Tensor: h}},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			_, _, err := encodeOutputs([]output{b.o}, false)
			if diag.KindOf(err) != diag.Internal || err == nil {
				t.Fatalf("err %v", err)
			}
		})
	}
}

func TestDecodeParameters(t *testing.T) {
	p, err := decodeParameters(map[string]*oippb.InferParameter{
		"b": {ParameterChoice: &oippb.InferParameter_BoolParam{BoolParam: true}},
		"i": {ParameterChoice: &oippb.InferParameter_Int64Param{Int64Param: -5}},
		"s": {ParameterChoice: &oippb.InferParameter_StringParam{StringParam: "x"}},
		"d": {ParameterChoice: &oippb.InferParameter_DoubleParam{DoubleParam: 1.5}},
		"u": {ParameterChoice: &oippb.InferParameter_Uint64Param{Uint64Param: 7}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if p["b"] != true || p["i"] != int64(-5) || p["s"] != "x" || p["d"] != 1.5 || p["u"] != int64(7) {
		t.Fatalf("%v", p)
	}
	if p, err := decodeParameters(nil); p != nil || err != nil {
		t.Fatal(p, err)
	}
	_, err = decodeParameters(map[string]*oippb.InferParameter{"u": {ParameterChoice: &oippb.InferParameter_Uint64Param{Uint64Param: math.MaxUint64}}})
	wantErr(t, err, "request.parameters", `"u"`)
	_, err = decodeParameters(map[string]*oippb.InferParameter{"n": {}})
	wantErr(t, err, "request.parameters", "no value")
	_, err = decodeParameters(map[string]*oippb.InferParameter{"n": nil})
	wantErr(t, err, "request.parameters", "no value")
	many := map[string]*oippb.InferParameter{}
	for i := range maxParameters + 1 {
		many[strings.Repeat("k", i+1)] = &oippb.InferParameter{ParameterChoice: &oippb.InferParameter_BoolParam{}}
	}
	_, err = decodeParameters(many)
	wantErr(t, err, "request.parameters", "limit")
}

// FuzzDecodeInputs feeds arbitrary wire bytes through the protobuf decoder
// and the conversion: it must never panic, and whatever it accepts must be
// valid tensors within the limits.
func FuzzDecodeInputs(f *testing.F) {
	seed := func(r *oippb.ModelInferRequest) {
		b, err := proto.Marshal(r)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, tc := range typedCases {
		seed(req(typed("x", tc.dt, []int64{3}, tc.c)))
		seed(req(typed("x", tc.dt, []int64{1, 3}, tc.c)))
	}
	seed(rawReq([][]byte{le16(1, 2)}, &inT{Name: "h", Datatype: "FP16", Shape: []int64{2}}))
	seed(rawReq([][]byte{{0, 1, 2}}, &inT{Name: "b", Datatype: "BOOL", Shape: []int64{3}}))
	seed(req(typed("x", "FP32", []int64{1 << 62, 1 << 62}, f32n(1))))
	lim := decodeLimits{maxInputs: 8, maxRank: 8, maxElements: 1 << 12, maxBytes: 1 << 14}
	f.Fuzz(func(t *testing.T, b []byte) {
		var r oippb.ModelInferRequest
		if proto.Unmarshal(b, &r) != nil {
			return
		}
		ins, err := decodeInputs(&r, lim)
		if err != nil {
			if d := diag.As(err); d.Kind != diag.InvalidInput {
				t.Fatalf("kind %v: %v", d.Kind, err)
			}
			return
		}
		var elems, size int64
		for _, in := range ins {
			if err := in.Tensor.Validate(); err != nil {
				t.Fatal(err)
			}
			elems += in.Tensor.NumElements()
			size += in.Tensor.ByteSize()
			if len(in.Tensor.Shape) > lim.maxRank {
				t.Fatal("rank over the limit")
			}
		}
		if elems > lim.maxElements || size > lim.maxBytes || len(ins) > lim.maxInputs {
			t.Fatalf("limits exceeded: %d elements, %d bytes", elems, size)
		}
		// What was accepted encodes back without error.
		outs := make([]output, len(ins))
		for i, in := range ins {
			outs[i] = output{Name: in.Name, Datatype: in.Datatype, Shape: in.Shape, Tensor: in.Tensor}
		}
		if _, _, err := encodeOutputs(outs, needsRaw(outs)); err != nil {
			t.Fatal(err)
		}
	})
}
