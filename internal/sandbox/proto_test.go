package sandbox

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/tensor"
)

func mustTensor(t testing.TB, d tensor.DType, shape []int64, data []byte) *tensor.Tensor {
	t.Helper()
	x, err := tensor.FromData(d, shape, data)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// wireTensors covers the layouts the wire must carry: odd sizes (so the
// next tensor needs padding), booleans, sub-byte types, scalars and empty
// tensors.
func wireTensors(t testing.TB) []*tensor.Tensor {
	return []*tensor.Tensor{
		mustTensor(t, tensor.F32, []int64{2, 3}, bytes.Repeat([]byte{0, 0, 0x80, 0x3f}, 6)),
		mustTensor(t, tensor.Bool, []int64{3}, []byte{1, 0, 1}),
		mustTensor(t, tensor.I4, []int64{2}, []byte{0xff, 7}),
		mustTensor(t, tensor.I64, []int64{}, []byte{1, 2, 3, 4, 5, 6, 7, 8}),
		mustTensor(t, tensor.F64, []int64{0, 5}, []byte{}),
	}
}

func encodeRequest(t testing.TB, r *Request) []byte {
	t.Helper()
	p, err := EncodeRequest(r)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func encodeResponse(t testing.TB, r *Response) []byte {
	t.Helper()
	p, err := EncodeResponse(r)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestProtoRoundTrip(t *testing.T) {
	rq := &Request{Program: []byte("module {}"), Entry: "main",
		Limits: Limits{MaxMemory: 1 << 30, MaxSteps: 7, MaxCallDepth: 256, MaxFLOPs: 9, TimeoutNanos: 1e9, SoftMemory: 5},
		Inputs: wireTensors(t), Key: bytes.Repeat([]byte{7}, keyLen), Bound: [][]byte{[]byte("w")},
		Refine: true, DimValues: []DimValue{{Arg: 1, Value: -3}}, Probe: "open", Engine: "plan"}
	frame, err := requestFrame(rq, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadFrame(bytes.NewReader(frame), frameRequest, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p, encodeRequest(t, rq)) {
		t.Fatal("requestFrame's payload differs from EncodeRequest")
	}
	got, err := DecodeRequest(p)
	if err != nil || !reflect.DeepEqual(got, rq) {
		t.Fatalf("got %+v, %v", got, err)
	}
	// Tensor data lies where it was read, at aligned offsets.
	for i, x := range got.Inputs {
		if len(x.Data) == 0 {
			continue
		}
		off := int(reflect.ValueOf(x.Data).Pointer() - reflect.ValueOf(p).Pointer())
		if off < 0 || off >= len(p) || off%tensorAlign != 0 {
			t.Fatalf("input %d: data at payload offset %d", i, off)
		}
		if addr := reflect.ValueOf(x.Data).Pointer(); addr%tensorAlign != 0 {
			t.Fatalf("input %d: data at address %#x, not aligned", i, addr)
		}
	}
	rs := &Response{Err: &diag.Error{Kind: diag.Limit, Rule: "limit.deadline", Op: "x", Msg: "m", Hint: "h", Pos: diag.Pos{Line: 3, Col: 4}}, Stats: Stats{1, 2, 3, 4}, Layers: "l"}
	got2, err := DecodeResponse(encodeResponse(t, rs))
	if err != nil || !reflect.DeepEqual(got2, rs) {
		t.Fatalf("got %+v, %v", got2, err)
	}
	if _, err := DecodeRequest(append(encodeRequest(t, rq), 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
	for _, m := range []Response{{Miss: true, CPUNanos: 5, MemBytes: 6}, {Outputs: wireTensors(t), CacheHit: true}} {
		frame, err := responseFrame(&m, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeResponse(frame[frameHeaderLen:])
		if err != nil || !reflect.DeepEqual(*got, m) {
			t.Fatalf("got %+v, %v; want %+v", got, err, m)
		}
	}
	// Keys are 0 or 32 bytes; a lying dimension-value count is refused
	// before allocating.
	bad := *rq
	bad.Key = []byte{1, 2, 3}
	if _, err := DecodeRequest(encodeRequest(t, &bad)); err == nil {
		t.Fatal("short key accepted")
	}
	bad = *rq
	bad.DimValues, bad.Probe, bad.Engine = nil, "", ""
	p = encodeRequest(t, &bad) // ends: refine flag 1, count 0, probe length 0, engine 0, warm 0
	if !bytes.HasSuffix(p, []byte{1, 0, 0, 0, 0}) {
		t.Fatalf("unexpected encoding tail %v", p[len(p)-5:])
	}
	lie := append(append([]byte{}, p[:len(p)-4]...), 0xff, 0xff, 0xff, 0x7f, 0, 0, 0)
	if _, err := DecodeRequest(lie); err == nil {
		t.Fatal("lying dimension-value count accepted")
	}
	// Flags are 0 or 1.
	for _, tail := range [][]byte{{2, 0}, {0, 2}} {
		bad := append(append([]byte{}, p[:len(p)-2]...), tail...)
		if _, err := DecodeRequest(bad); err == nil || !strings.Contains(err.Error(), "flag") {
			t.Fatalf("flags %v: %v", tail, err)
		}
	}
	if got, err := DecodeRequest(append(append([]byte{}, p[:len(p)-1]...), 1)); err != nil || !got.Warm {
		t.Fatalf("warm flag: %+v, %v", got, err)
	}
	// A lying frame length is refused by the cap before any allocation.
	hdr := []byte{'H', 'L', 'G', 'S', protoVersion, frameRequest, 0, 0, 0xff, 0xff, 0xff, 0x7f}
	if _, err := ReadFrame(bytes.NewReader(hdr), frameRequest, 1<<20); err == nil {
		t.Fatal("over-cap frame accepted")
	}
	// Malformed tensors are not sent.
	if _, err := EncodeRequest(&Request{Inputs: []*tensor.Tensor{{DType: tensor.F32, Shape: []int64{2}, Data: []byte{1}}}}); err == nil {
		t.Fatal("a tensor with too little data was encoded")
	}
}

// tensorPayload is a response payload carrying one hand-made tensor:
// status OK, count 1, then body (a tensor's encoding), then the trailer.
func tensorPayload(body ...byte) []byte {
	p := append([]byte{statusOK, 1}, body...)
	return append(p, 0, 0, 0, 0, 0, 0, 0, 0) // stats, layers, cache flag, cpu, memory
}

// Each way a tensor can lie is refused, before any allocation it implies.
func TestProtoTensorRejects(t *testing.T) {
	// A valid f32 scalar: dtype, rank 0, pad to offset 64, 4 bytes.
	f32 := byte(tensor.F32)
	pad := func(n int) []byte { return make([]byte, n) }
	ok := tensorPayload(append(append([]byte{f32, 0, 59}, pad(59)...), 0, 0, 0x80, 0x3f)...)
	if r, err := DecodeResponse(ok); err != nil || r.Outputs[0].Float64(0) != 1 {
		t.Fatalf("the valid payload: %v", err)
	}
	cases := []struct {
		name, want string
		body       []byte
	}{
		{"unknown dtype", "element type", []byte{200, 0, 59}},
		{"dtype past a byte", "element type", []byte{0x81, 0x02, 0}}, // 257 would truncate to a valid type
		{"rank over cap", "rank", []byte{f32, 65}},
		{"negative dimension", "dimension", []byte{f32, 1, 1}},
		{"byte size overflows", "overruns", append([]byte{f32, 2, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 41}, pad(41)...)},
		{"data overruns", "overruns", append(append([]byte{f32, 1, 0x80, 0x01, 57}, pad(57)...), 1, 2, 3)},
		{"padding not zero", "padding is not zero", append([]byte{f32, 0, 59, 1}, pad(58)...)},
		{"padding too long", "padding", []byte{f32, 0, 64}},
		{"misaligned", "aligned", append(append([]byte{f32, 0, 3}, pad(3)...), 0, 0, 0x80, 0x3f)},
		{"bool not 0 or 1", "invalid storage byte", append(append([]byte{byte(tensor.Bool), 1, 4, 58}, pad(58)...), 1, 2)},
	}
	for _, c := range cases {
		_, err := DecodeResponse(tensorPayload(c.body...))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.name, err, c.want)
		}
	}
	// A lying tensor count is refused before allocating.
	if _, err := DecodeResponse([]byte{statusOK, 0xff, 0xff, 0x03, 0}); err == nil {
		t.Error("lying tensor count accepted")
	}
}

// readFrame reuses a buffer that is large enough, and allocates an aligned
// one otherwise.
func TestReadFrameReuse(t *testing.T) {
	frame, err := responseFrame(&Response{Outputs: wireTensors(t)}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	buf := alignedBytes(4096)
	p, _, err := readFrame(bytes.NewReader(frame), frameResponse, 1<<20, frameIn{buf: buf[:0]})
	if err != nil || &p[0] != &buf[0] {
		t.Fatalf("the buffer was not reused (%v)", err)
	}
	p, _, err = readFrame(bytes.NewReader(frame), frameResponse, 1<<20, frameIn{buf: make([]byte, 0, 8)})
	if err != nil || reflect.ValueOf(p).Pointer()%tensorAlign != 0 {
		t.Fatalf("a new buffer is not aligned (%v)", err)
	}
	if _, err := DecodeResponse(p); err != nil {
		t.Fatal(err)
	}
}

// FuzzFrame feeds arbitrary bytes to the frame reader and both decoders:
// no panics, and whatever decodes round-trips.
func FuzzFrame(f *testing.F) {
	in := wireTensors(f)
	frame, _ := requestFrame(&Request{Program: []byte("p"), Entry: "e", Inputs: in[:1]}, nil, nil)
	f.Add(frame)
	f.Add(encodeResponse(f, &Response{Outputs: in, Layers: "x"}))
	f.Add(encodeResponse(f, &Response{Err: diag.New(diag.Runtime, "r", diag.Pos{Line: 1, Col: 2}, "m")}))
	f.Add(encodeRequest(f, &Request{Program: []byte("p"), Key: bytes.Repeat([]byte{1}, keyLen), Bound: [][]byte{{2}},
		Refine: true, DimValues: []DimValue{{0, 5}, {3, -1}}, Probe: "x", Inputs: in, Engine: "plan"}))
	f.Add(encodeRequest(f, &Request{Program: []byte("p"), Key: bytes.Repeat([]byte{2}, keyLen), Entry: "main", Engine: "plan", Warm: true}))
	f.Add(encodeResponse(f, &Response{Miss: true, CPUNanos: 1 << 40, MemBytes: 1 << 20}))
	f.Add(encodeResponse(f, &Response{Outputs: in[1:3], CacheHit: true, Stats: Stats{1, 2, 3, 4}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if p, err := ReadFrame(bytes.NewReader(data), frameRequest, 1<<16); err == nil {
			_, _ = DecodeRequest(p)
		}
		if rq, err := DecodeRequest(data); err == nil {
			p, err := EncodeRequest(rq)
			if err != nil {
				t.Fatalf("a decoded request does not encode: %v", err)
			}
			if rq2, err := DecodeRequest(p); err != nil || !reflect.DeepEqual(rq, rq2) {
				t.Fatalf("request does not round-trip: %v", err)
			}
		}
		if rs, err := DecodeResponse(data); err == nil {
			p, err := EncodeResponse(rs)
			if err != nil {
				t.Fatalf("a decoded response does not encode: %v", err)
			}
			if rs2, err := DecodeResponse(p); err != nil || !reflect.DeepEqual(rs, rs2) {
				t.Fatalf("response does not round-trip: %v", err)
			}
		}
	})
}

// A frame whose payload fits the shared region leaves it there: the
// header alone goes on the pipe. The reader takes it in place, or copies
// it out when the writer is not trusted; a flagged frame without a region,
// or longer than the region, is refused.
func TestSharedFrames(t *testing.T) {
	rq := &Request{Program: []byte("p"), Entry: "e", Inputs: wireTensors(t), Engine: "plan"}
	region := alignedBytes(64 << 10)
	frame, err := requestFrame(rq, nil, region)
	if err != nil || len(frame) != frameHeaderLen || frame[6] != flagShared {
		t.Fatalf("frame of %d bytes, flags %v (%v)", len(frame), frame[6], err)
	}
	p, inShared, err := readFrame(bytes.NewReader(frame), frameRequest, 1<<20, frameIn{shared: region})
	if err != nil || !inShared || &p[0] != &region[0] {
		t.Fatalf("not read in place: %v", err)
	}
	if got, err := DecodeRequest(p); err != nil || !reflect.DeepEqual(got, rq) {
		t.Fatalf("got %+v, %v", got, err)
	}
	p, inShared, err = readFrame(bytes.NewReader(frame), frameRequest, 1<<20, frameIn{shared: region, private: true})
	if err != nil || !inShared || &p[0] == &region[0] {
		t.Fatalf("not copied out: %v", err)
	}
	if got, err := DecodeRequest(p); err != nil || !reflect.DeepEqual(got, rq) {
		t.Fatalf("copy: got %+v, %v", got, err)
	}
	if _, _, err := readFrame(bytes.NewReader(frame), frameRequest, 1<<20, frameIn{}); err == nil {
		t.Fatal("a shared frame was accepted without a region")
	}
	if _, _, err := readFrame(bytes.NewReader(frame), frameRequest, 1<<20, frameIn{shared: region[:16]}); err == nil {
		t.Fatal("a shared frame longer than the region was accepted")
	}
	// A payload that does not fit goes on the pipe.
	frame, err = requestFrame(rq, nil, region[:64])
	if err != nil || frame[6] != 0 || len(frame) <= frameHeaderLen {
		t.Fatalf("large payload: %d bytes, flags %v (%v)", len(frame), frame[6], err)
	}
	if p, _, err := readFrame(bytes.NewReader(frame), frameRequest, 1<<20, frameIn{shared: region[:64]}); err != nil {
		t.Fatal(err)
	} else if _, err := DecodeRequest(p); err != nil {
		t.Fatal(err)
	}
	// Unknown flag bits are refused.
	frame[6] = 2
	if _, _, err := readFrame(bytes.NewReader(frame), frameRequest, 1<<20, frameIn{}); err == nil {
		t.Fatal("unknown flags accepted")
	}
}
