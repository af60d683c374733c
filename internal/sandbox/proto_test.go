package sandbox

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
)

func TestProtoRoundTrip(t *testing.T) {
	rq := &Request{Program: []byte("module {}"), Entry: "main",
		Limits: Limits{MaxMemory: 1 << 30, MaxSteps: 7, MaxCallDepth: 256, MaxFLOPs: 9, TimeoutNanos: 1e9, SoftMemory: 5},
		Inputs: [][]byte{[]byte("a"), {}}, Key: bytes.Repeat([]byte{7}, keyLen), Bound: [][]byte{[]byte("w")},
		Refine: true, DimValues: []DimValue{{Arg: 1, Value: -3}}, Probe: "open", Engine: "plan"}
	var buf bytes.Buffer
	if err := WriteFrame(&buf, frameRequest, EncodeRequest(rq)); err != nil {
		t.Fatal(err)
	}
	p, err := ReadFrame(&buf, frameRequest, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeRequest(p)
	if err != nil || !reflect.DeepEqual(got, rq) {
		t.Fatalf("got %+v, %v", got, err)
	}
	rs := &Response{Err: &diag.Error{Kind: diag.Limit, Rule: "limit.deadline", Op: "x", Msg: "m", Hint: "h", Pos: diag.Pos{Line: 3, Col: 4}}, Stats: Stats{1, 2, 3, 4}, Layers: "l"}
	got2, err := DecodeResponse(EncodeResponse(rs))
	if err != nil || !reflect.DeepEqual(got2, rs) {
		t.Fatalf("got %+v, %v", got2, err)
	}
	if _, err := DecodeRequest(append(EncodeRequest(rq), 0)); err == nil {
		t.Fatal("trailing byte accepted")
	}
	// The whole-frame encoder agrees with WriteFrame.
	frame, err := requestFrame(rq)
	var buf2 bytes.Buffer
	if err != nil || WriteFrame(&buf2, frameRequest, EncodeRequest(rq)) != nil || !bytes.Equal(frame, buf2.Bytes()) {
		t.Fatalf("requestFrame differs from WriteFrame: %v", err)
	}
	for _, m := range []Response{{Miss: true, CPUNanos: 5, MemBytes: 6}, {Outputs: [][]byte{{1}}, CacheHit: true}} {
		got, err := DecodeResponse(EncodeResponse(&m))
		if err != nil || !reflect.DeepEqual(*got, m) {
			t.Fatalf("got %+v, %v; want %+v", got, err, m)
		}
	}
	// Keys are 0 or 32 bytes; a lying dimension-value count is refused
	// before allocating.
	bad := *rq
	bad.Key = []byte{1, 2, 3}
	if _, err := DecodeRequest(EncodeRequest(&bad)); err == nil {
		t.Fatal("short key accepted")
	}
	bad = *rq
	bad.DimValues, bad.Probe, bad.Engine = nil, "", ""
	p = EncodeRequest(&bad) // ends: refine flag 1, count 0, probe length 0, engine 0
	if !bytes.HasSuffix(p, []byte{1, 0, 0, 0}) {
		t.Fatalf("unexpected encoding tail %v", p[len(p)-4:])
	}
	lie := append(append([]byte{}, p[:len(p)-3]...), 0xff, 0xff, 0xff, 0x7f, 0, 0)
	if _, err := DecodeRequest(lie); err == nil {
		t.Fatal("lying dimension-value count accepted")
	}
	// A lying frame length is refused by the cap before any allocation.
	hdr := []byte{'H', 'L', 'G', 'S', protoVersion, frameRequest, 0, 0, 0xff, 0xff, 0xff, 0x7f}
	if _, err := ReadFrame(bytes.NewReader(hdr), frameRequest, 1<<20); err == nil {
		t.Fatal("over-cap frame accepted")
	}
}

// FuzzFrame feeds arbitrary bytes to the frame reader and both decoders:
// no panics, and whatever decodes round-trips.
func FuzzFrame(f *testing.F) {
	var buf bytes.Buffer
	_ = WriteFrame(&buf, frameRequest, EncodeRequest(&Request{Program: []byte("p"), Entry: "e", Inputs: [][]byte{{1}}}))
	f.Add(buf.Bytes())
	f.Add(EncodeResponse(&Response{Outputs: [][]byte{{1, 2}}, Layers: "x"}))
	f.Add(EncodeResponse(&Response{Err: diag.New(diag.Runtime, "r", diag.Pos{Line: 1, Col: 2}, "m")}))
	f.Add(EncodeRequest(&Request{Program: []byte("p"), Key: bytes.Repeat([]byte{1}, keyLen), Bound: [][]byte{{2}},
		Refine: true, DimValues: []DimValue{{0, 5}, {3, -1}}, Probe: "x", Inputs: [][]byte{{3}}, Engine: "plan"}))
	f.Add(EncodeResponse(&Response{Miss: true, CPUNanos: 1 << 40, MemBytes: 1 << 20}))
	f.Add(EncodeResponse(&Response{Outputs: [][]byte{{9}}, CacheHit: true, Stats: Stats{1, 2, 3, 4}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		if p, err := ReadFrame(bytes.NewReader(data), frameRequest, 1<<16); err == nil {
			_, _ = DecodeRequest(p)
		}
		if rq, err := DecodeRequest(data); err == nil {
			if rq2, err := DecodeRequest(EncodeRequest(rq)); err != nil || !reflect.DeepEqual(rq, rq2) {
				t.Fatalf("request does not round-trip: %v", err)
			}
		}
		if rs, err := DecodeResponse(data); err == nil {
			if rs2, err := DecodeResponse(EncodeResponse(rs)); err != nil || !reflect.DeepEqual(rs, rs2) {
				t.Fatalf("response does not round-trip: %v", err)
			}
		}
	})
}
