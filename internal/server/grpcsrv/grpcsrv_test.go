package grpcsrv

import (
	"context"
	"encoding/binary"
	"fmt"
	"io/fs"
	"math"
	"net"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/hlogate/hlogate/internal/server"
	"github.com/hlogate/hlogate/internal/server/oippb"
)

// End-to-end tests: the real core (package server) behind a real
// grpc.Server on 127.0.0.1:0, called through the generated client.

const (
	halfSrc = `module @jit_half {
  func.func public @main(%x: tensor<4xbf16>, %h: tensor<2xf16>) -> (tensor<4xbf16>, tensor<2xf16>) {
    %0 = stablehlo.add %x, %x : tensor<4xbf16>
    %1 = stablehlo.multiply %h, %h : tensor<2xf16>
    return %0, %1 : tensor<4xbf16>, tensor<2xf16>
  }
}`
	// intsSrc doubles (with wrap-around) one tensor of every integer type,
	// negates a BOOL tensor and doubles an FP64 one.
	intsSrc = `module @jit_ints {
  func.func public @main(%a: tensor<3xi8>, %b: tensor<2xi16>, %c: tensor<2xi32>, %d: tensor<2xi64>, %e: tensor<2xui8>, %f: tensor<2xui16>, %g: tensor<2xui32>, %h: tensor<2xui64>, %p: tensor<3xi1>, %q: tensor<2xf64>) -> (tensor<3xi8>, tensor<2xi16>, tensor<2xi32>, tensor<2xi64>, tensor<2xui8>, tensor<2xui16>, tensor<2xui32>, tensor<2xui64>, tensor<3xi1>, tensor<2xf64>) {
    %0 = stablehlo.add %a, %a : tensor<3xi8>
    %1 = stablehlo.add %b, %b : tensor<2xi16>
    %2 = stablehlo.add %c, %c : tensor<2xi32>
    %3 = stablehlo.add %d, %d : tensor<2xi64>
    %4 = stablehlo.add %e, %e : tensor<2xui8>
    %5 = stablehlo.add %f, %f : tensor<2xui16>
    %6 = stablehlo.add %g, %g : tensor<2xui32>
    %7 = stablehlo.add %h, %h : tensor<2xui64>
    %8 = stablehlo.not %p : tensor<3xi1>
    %9 = stablehlo.add %q, %q : tensor<2xf64>
    return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9 : tensor<3xi8>, tensor<2xi16>, tensor<2xi32>, tensor<2xi64>, tensor<2xui8>, tensor<2xui16>, tensor<2xui32>, tensor<2xui64>, tensor<3xi1>, tensor<2xf64>
  }
}`
	intsConfig = "inputs: [a, b, c, d, e, f, g, h, p, q]\noutputs: [a2, b2, c2, d2, e2, f2, g2, h2, np, q2]\n"
)

// affineX and affineY are the built-in affine model's example input and
// its result.
var (
	affineX = []float32{1, 2, 3, -1, 0.5, 4}
	affineY = []float32{0, 3.25, 0, 2.5}
)

func testRepo(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	b := server.BuiltinRepository()
	err := fs.WalkDir(b, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(b, p)
		m[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if m["affine/1/model.mlir"] == nil {
		t.Fatal("the built-in repository has no affine model")
	}
	m["secret/1/model.mlir"] = m["affine/1/model.mlir"]
	m["secret/config.yaml"] = &fstest.MapFile{Data: []byte("owner: alice\ninputs: [x]\noutputs: [y]\n")}
	m["half/1/model.mlir"] = &fstest.MapFile{Data: []byte(halfSrc)}
	m["half/config.yaml"] = &fstest.MapFile{Data: []byte("inputs: [x, h]\noutputs: [x2, h2]\n")}
	m["ints/1/model.mlir"] = &fstest.MapFile{Data: []byte(intsSrc)}
	m["ints/config.yaml"] = &fstest.MapFile{Data: []byte(intsConfig)}
	return m
}

const tenantsFmt = `
tenants:
  - name: alice
    api_keys_sha256: ["%s"]
  - name: bob
    api_keys_sha256: ["%s"]
  - name: tiny
    api_keys_sha256: ["%s"]
    limits: {max_flops: 10}
  - name: carol
    api_keys_sha256: ["%s"]
    rate: {requests_per_second: 1, requests_burst: 2}
`

// newCore builds the real core with the test repository, four tenants and
// a clock that never moves (so token buckets never refill).
func newCore(t *testing.T, maxBody int64) *server.Server {
	t.Helper()
	return newCoreConfig(t, server.Config{MaxBodyBytes: maxBody})
}

// newCoreWith is newCore executing through x.
func newCoreWith(t *testing.T, x server.Executor) *server.Server {
	t.Helper()
	return newCoreConfig(t, server.Config{Executor: x})
}

func newCoreConfig(t *testing.T, cfg server.Config) *server.Server {
	t.Helper()
	tf, err := server.ParseTenants([]byte(fmt.Sprintf(tenantsFmt,
		server.HashKey("key-alice"), server.HashKey("key-bob"), server.HashKey("key-tiny"), server.HashKey("key-carol"))))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cfg.Tenants, cfg.Now = tf, func() time.Time { return now }
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadRepository(testRepo(t)); err != nil {
		t.Fatal(err)
	}
	return s
}

// serve starts c behind a grpc.Server on 127.0.0.1:0 and returns a client.
func serve(t *testing.T, c Core) oippb.GRPCInferenceServiceClient {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := NewServer(c)
	done := make(chan struct{})
	go func() { defer close(done); _ = gs.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(256<<20), grpc.MaxCallSendMsgSize(256<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		gs.Stop()
		<-done
	})
	return oippb.NewGRPCInferenceServiceClient(conn)
}

func bearer(key string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+key)
}

// wantCode checks err's status code, that its message contains every
// fragment, and (for errors from the core) the rule in its ErrorInfo.
func wantCode(t *testing.T, err error, code codes.Code, rule string, frags ...string) *status.Status {
	t.Helper()
	st, ok := status.FromError(err)
	if !ok {
		t.Fatalf("not a status error: %v", err)
	}
	if st.Code() != code {
		t.Fatalf("code %v, want %v: %s", st.Code(), code, st.Message())
	}
	for _, f := range frags {
		if !strings.Contains(st.Message(), f) {
			t.Fatalf("message %q lacks %q", st.Message(), f)
		}
	}
	if rule != "" {
		if got := ruleOf(st); got != rule {
			t.Fatalf("rule %q, want %q (%s)", got, rule, st.Message())
		}
	}
	return st
}

func ruleOf(st *status.Status) string {
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			if ei.Domain != "hlogate" || ei.Reason != reason(ei.Metadata["rule"]) || ei.Metadata["kind"] == "" {
				return "bad ErrorInfo " + ei.String()
			}
			return ei.Metadata["rule"]
		}
	}
	return ""
}

func retryDelay(st *status.Status) time.Duration {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok {
			return ri.RetryDelay.AsDuration()
		}
	}
	return 0
}

func f32bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

func affineTyped() *oippb.ModelInferRequest {
	return &oippb.ModelInferRequest{ModelName: "affine", Id: "req-1", Inputs: []*inT{{
		Name: "x", Datatype: "FP32", Shape: []int64{2, 3},
		Contents: &oippb.InferTensorContents{Fp32Contents: affineX},
	}}}
}

func affineRaw() *oippb.ModelInferRequest {
	return &oippb.ModelInferRequest{ModelName: "affine", Inputs: []*inT{{Name: "x", Datatype: "FP32", Shape: []int64{2, 3}}},
		RawInputContents: [][]byte{f32bytes(affineX)}}
}

func TestHealthAndMetadata(t *testing.T) {
	c := serve(t, newCore(t, 0))
	ctx := context.Background()
	live, err := c.ServerLive(ctx, &oippb.ServerLiveRequest{})
	if err != nil || !live.Live {
		t.Fatal(live, err)
	}
	ready, err := c.ServerReady(ctx, &oippb.ServerReadyRequest{})
	if err != nil || !ready.Ready {
		t.Fatal(ready, err)
	}
	md, err := c.ServerMetadata(ctx, &oippb.ServerMetadataRequest{})
	if err != nil || md.Name != "hlogate" || md.Version != server.Version || len(md.Extensions) != len(server.Extensions) {
		t.Fatal(md, err)
	}
	// Model calls need a key (the server has tenants).
	_, err = c.ModelMetadata(ctx, &oippb.ModelMetadataRequest{Name: "affine"})
	wantCode(t, err, codes.Unauthenticated, "auth.missing_key")
	mr, err := c.ModelReady(bearer("key-bob"), &oippb.ModelReadyRequest{Name: "affine"})
	if err != nil || !mr.Ready {
		t.Fatal(mr, err)
	}
	mr, err = c.ModelReady(bearer("key-bob"), &oippb.ModelReadyRequest{Name: "affine", Version: "1"})
	if err != nil || !mr.Ready {
		t.Fatal(mr, err)
	}
	mm, err := c.ModelMetadata(bearer("key-bob"), &oippb.ModelMetadataRequest{Name: "affine"})
	if err != nil {
		t.Fatal(err)
	}
	if mm.Name != "affine" || mm.Platform != server.Platform || fmt.Sprint(mm.Versions) != "[1]" ||
		len(mm.Inputs) != 1 || mm.Inputs[0].Name != "x" || mm.Inputs[0].Datatype != "FP32" || fmt.Sprint(mm.Inputs[0].Shape) != "[2 3]" ||
		len(mm.Outputs) != 1 || mm.Outputs[0].Name != "y" || fmt.Sprint(mm.Outputs[0].Shape) != "[2 2]" {
		t.Fatalf("metadata %v", mm)
	}
	// A shape-polymorphic input reports -1.
	mm, err = c.ModelMetadata(bearer("key-bob"), &oippb.ModelMetadataRequest{Name: "double"})
	if err != nil || fmt.Sprint(mm.Inputs[0].Shape) != "[-1]" {
		t.Fatal(mm, err)
	}
	mm, err = c.ModelMetadata(bearer("key-bob"), &oippb.ModelMetadataRequest{Name: "half"})
	if err != nil || mm.Inputs[0].Datatype != "BF16" || mm.Inputs[1].Datatype != "FP16" {
		t.Fatal(mm, err)
	}
	_, err = c.ModelMetadata(bearer("key-bob"), &oippb.ModelMetadataRequest{Name: "affine", Version: "7"})
	wantCode(t, err, codes.NotFound, "model.not_found")
}

func TestInferTyped(t *testing.T) {
	c := serve(t, newCore(t, 0))
	r, err := c.ModelInfer(bearer("key-alice"), affineTyped())
	if err != nil {
		t.Fatal(err)
	}
	if r.ModelName != "affine" || r.ModelVersion != "1" || r.Id != "req-1" || len(r.Outputs) != 1 || len(r.RawOutputContents) != 0 {
		t.Fatalf("response %v", r)
	}
	o := r.Outputs[0]
	if o.Name != "y" || o.Datatype != "FP32" || fmt.Sprint(o.Shape) != "[2 2]" || fmt.Sprint(o.Contents.GetFp32Contents()) != fmt.Sprint(affineY) {
		t.Fatalf("output %v", o)
	}
	// Every integer type, BOOL and FP64 through typed contents, with
	// wrap-around in the program and range checks on the way in.
	ints := &oippb.ModelInferRequest{ModelName: "ints", Inputs: []*inT{
		{Name: "a", Datatype: "INT8", Shape: []int64{3}, Contents: &oippb.InferTensorContents{IntContents: []int32{-128, 1, 127}}},
		{Name: "b", Datatype: "INT16", Shape: []int64{2}, Contents: &oippb.InferTensorContents{IntContents: []int32{-32768, 300}}},
		{Name: "c", Datatype: "INT32", Shape: []int64{2}, Contents: &oippb.InferTensorContents{IntContents: []int32{math.MaxInt32, -5}}},
		{Name: "d", Datatype: "INT64", Shape: []int64{2}, Contents: &oippb.InferTensorContents{Int64Contents: []int64{math.MinInt64, 1 << 40}}},
		{Name: "e", Datatype: "UINT8", Shape: []int64{2}, Contents: &oippb.InferTensorContents{UintContents: []uint32{200, 3}}},
		{Name: "f", Datatype: "UINT16", Shape: []int64{2}, Contents: &oippb.InferTensorContents{UintContents: []uint32{65535, 7}}},
		{Name: "g", Datatype: "UINT32", Shape: []int64{2}, Contents: &oippb.InferTensorContents{UintContents: []uint32{math.MaxUint32, 9}}},
		{Name: "h", Datatype: "UINT64", Shape: []int64{2}, Contents: &oippb.InferTensorContents{Uint64Contents: []uint64{math.MaxUint64, 11}}},
		{Name: "p", Datatype: "BOOL", Shape: []int64{3}, Contents: &oippb.InferTensorContents{BoolContents: []bool{true, false, true}}},
		{Name: "q", Datatype: "FP64", Shape: []int64{2}, Contents: &oippb.InferTensorContents{Fp64Contents: []float64{1.25, -0.5}}},
	}}
	r, err = c.ModelInfer(bearer("key-alice"), ints)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"a2 INT8 [0 2 -2]", "b2 INT16 [0 600]", "c2 INT32 [-2 -10]", "d2 INT64 [0 2199023255552]",
		"e2 UINT8 [144 6]", "f2 UINT16 [65534 14]", "g2 UINT32 [4294967294 18]", "h2 UINT64 [18446744073709551614 22]",
		"np BOOL [false true false]", "q2 FP64 [2.5 -1]",
	}
	if len(r.Outputs) != len(want) || len(r.RawOutputContents) != 0 {
		t.Fatalf("response %v", r)
	}
	for i, o := range r.Outputs {
		var vals any
		c := o.Contents
		switch {
		case c.IntContents != nil:
			vals = c.IntContents
		case c.Int64Contents != nil:
			vals = c.Int64Contents
		case c.UintContents != nil:
			vals = c.UintContents
		case c.Uint64Contents != nil:
			vals = c.Uint64Contents
		case c.BoolContents != nil:
			vals = c.BoolContents
		case c.Fp64Contents != nil:
			vals = c.Fp64Contents
		}
		if got := fmt.Sprintf("%s %s %v", o.Name, o.Datatype, vals); got != want[i] {
			t.Errorf("output %d: %s, want %s", i, got, want[i])
		}
	}
	// Requested outputs: a subset, in the asked order.
	ints.Outputs = []*oippb.ModelInferRequest_InferRequestedOutputTensor{{Name: "q2"}, {Name: "a2"}}
	r, err = c.ModelInfer(bearer("key-alice"), ints)
	if err != nil || len(r.Outputs) != 2 || r.Outputs[0].Name != "q2" || r.Outputs[1].Name != "a2" {
		t.Fatal(r, err)
	}
	ints.Outputs = []*oippb.ModelInferRequest_InferRequestedOutputTensor{{Name: "zz"}}
	_, err = c.ModelInfer(bearer("key-alice"), ints)
	wantCode(t, err, codes.InvalidArgument, "request.output", "zz")
}

func TestInferRaw(t *testing.T) {
	c := serve(t, newCore(t, 0))
	r, err := c.ModelInfer(bearer("key-alice"), affineRaw())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.RawOutputContents) != 1 || r.Outputs[0].Contents != nil || string(r.RawOutputContents[0]) != string(f32bytes(affineY)) {
		t.Fatalf("response %v", r)
	}
	// FP16 and BF16 travel raw both ways.
	bf := []byte{0x80, 0x3f, 0x00, 0xc0, 0x00, 0x00, 0x80, 0x7f} // 1, -2, 0, +Inf
	h := []byte{0x00, 0x3c, 0x00, 0xc2}                          // 1, -3
	half := &oippb.ModelInferRequest{ModelName: "half", Inputs: []*inT{
		{Name: "x", Datatype: "BF16", Shape: []int64{4}},
		{Name: "h", Datatype: "FP16", Shape: []int64{2}},
	}, RawInputContents: [][]byte{bf, h}}
	_, err = c.ModelInfer(bearer("bob-is-not-needed-here"), half)
	wantCode(t, err, codes.Unauthenticated, "auth.invalid_key")
	r, err = c.ModelInfer(metadata.AppendToOutgoingContext(context.Background(), "x-api-key", "key-bob"), half)
	if err != nil {
		t.Fatal(err)
	}
	wantBF := []byte{0x00, 0x40, 0x80, 0xc0, 0x00, 0x00, 0x80, 0x7f} // 2, -4, 0, +Inf
	wantH := []byte{0x00, 0x3c, 0x80, 0x48}                          // 1, 9
	if len(r.Outputs) != 2 || r.Outputs[0].Datatype != "BF16" || r.Outputs[1].Datatype != "FP16" ||
		string(r.RawOutputContents[0]) != string(wantBF) || string(r.RawOutputContents[1]) != string(wantH) {
		t.Fatalf("response %v", r)
	}
	// FP16 cannot go typed.
	_, err = c.ModelInfer(bearer("key-bob"), &oippb.ModelInferRequest{ModelName: "half", Inputs: []*inT{
		{Name: "x", Datatype: "BF16", Shape: []int64{4}, Contents: &oippb.InferTensorContents{Fp32Contents: []float32{1, 2, 3, 4}}},
		{Name: "h", Datatype: "FP16", Shape: []int64{2}, Contents: &oippb.InferTensorContents{Fp32Contents: []float32{1, 2}}},
	}})
	wantCode(t, err, codes.InvalidArgument, "input.contents", "raw_input_contents")
	// A shape-polymorphic model refined per request.
	r, err = c.ModelInfer(bearer("key-bob"), &oippb.ModelInferRequest{ModelName: "double", Inputs: []*inT{{Name: "x", Datatype: "FP32", Shape: []int64{3}}},
		RawInputContents: [][]byte{f32bytes([]float32{1, -2, 0.5})}})
	if err != nil || fmt.Sprint(r.Outputs[0].Shape) != "[3]" || string(r.RawOutputContents[0]) != string(f32bytes([]float32{2, -4, 1})) {
		t.Fatal(r, err)
	}
}

func TestInferErrors(t *testing.T) {
	core := newCore(t, 1<<20)
	c := serve(t, core)
	alice := bearer("key-alice")
	cases := []struct {
		name string
		ctx  context.Context
		req  func() *oippb.ModelInferRequest
		code codes.Code
		rule string
		frag string
	}{
		{"no key", context.Background(), affineTyped, codes.Unauthenticated, "auth.missing_key", ""},
		{"bad key", bearer("nope"), affineTyped, codes.Unauthenticated, "auth.invalid_key", ""},
		{"two keys", metadata.AppendToOutgoingContext(context.Background(), "x-api-key", "key-alice", "x-api-key", "key-bob"), affineTyped,
			codes.Unauthenticated, "auth.invalid_key", "more than one"},
		{"unknown model", alice, func() *oippb.ModelInferRequest { r := affineTyped(); r.ModelName = "nope"; return r }, codes.NotFound, "model.not_found", ""},
		{"unknown version", alice, func() *oippb.ModelInferRequest { r := affineTyped(); r.ModelVersion = "2"; return r }, codes.NotFound, "model.not_found", ""},
		{"wrong input name", alice, func() *oippb.ModelInferRequest { r := affineTyped(); r.Inputs[0].Name = "z"; return r }, codes.InvalidArgument, "request.input", `"z"`},
		{"wrong datatype", alice, func() *oippb.ModelInferRequest {
			r := affineTyped()
			r.Inputs[0].Datatype, r.Inputs[0].Contents = "FP64", &oippb.InferTensorContents{Fp64Contents: make([]float64, 6)}
			return r
		}, codes.InvalidArgument, "request.datatype", "FP32"},
		{"wrong shape", alice, func() *oippb.ModelInferRequest { r := affineTyped(); r.Inputs[0].Shape = []int64{3, 2}; return r }, codes.InvalidArgument, "request.shape", ""},
		{"count mismatch", alice, func() *oippb.ModelInferRequest {
			r := affineTyped()
			r.Inputs[0].Contents.Fp32Contents = affineX[:5]
			return r
		}, codes.InvalidArgument, "input.size", "holds 5"},
		{"bytes", alice, func() *oippb.ModelInferRequest {
			r := affineTyped()
			r.Inputs[0].Datatype, r.Inputs[0].Contents = "BYTES", &oippb.InferTensorContents{BytesContents: [][]byte{{1}}}
			return r
		}, codes.InvalidArgument, "input.datatype", "BYTES"},
		{"raw and typed", alice, func() *oippb.ModelInferRequest {
			r := affineTyped()
			r.RawInputContents = [][]byte{f32bytes(affineX)}
			return r
		}, codes.InvalidArgument, "input.contents", "must not be specified"},
		{"raw short", alice, func() *oippb.ModelInferRequest {
			r := affineRaw()
			r.RawInputContents[0] = r.RawInputContents[0][:20]
			return r
		}, codes.InvalidArgument, "input.size", "20 bytes"},
		{"huge shape", alice, func() *oippb.ModelInferRequest {
			r := affineTyped()
			r.Inputs[0].Shape = []int64{1 << 40}
			return r
		}, codes.ResourceExhausted, "request.too_large", ""},
		{"message too large", alice, func() *oippb.ModelInferRequest {
			r := affineRaw()
			r.RawInputContents[0] = make([]byte, 2<<20)
			return r
		}, codes.ResourceExhausted, "", "larger than max"},
		{"static cost over the tenant's limit", bearer("key-tiny"), affineTyped, codes.FailedPrecondition, "", "FLOPs"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ModelInfer(tc.ctx, tc.req())
			frags := []string{}
			if tc.frag != "" {
				frags = append(frags, tc.frag)
			}
			wantCode(t, err, tc.code, tc.rule, frags...)
		})
	}
	// The request quota: carol's bucket holds two requests and the test
	// clock never moves, so within a few requests she gets 429 with a retry
	// delay.
	carol := bearer("key-carol")
	if _, err := c.ModelInfer(carol, affineRaw()); err != nil {
		t.Fatal(err)
	}
	var err error
	for range 3 {
		if _, err = c.ModelInfer(carol, affineRaw()); err != nil {
			break
		}
	}
	st := wantCode(t, err, codes.ResourceExhausted, "quota.requests")
	if d := retryDelay(st); d < time.Second {
		t.Fatalf("retry delay %v", d)
	}
	// Draining: not ready, inference Unavailable with a retry delay.
	if err := core.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	ready, err := c.ServerReady(context.Background(), &oippb.ServerReadyRequest{})
	if err != nil || ready.Ready {
		t.Fatal(ready, err)
	}
	_, err = c.ModelInfer(alice, affineRaw())
	st = wantCode(t, err, codes.Unavailable, "server.draining")
	if retryDelay(st) <= 0 {
		t.Fatal("no RetryInfo")
	}
}

func TestTenantIsolation(t *testing.T) {
	c := serve(t, newCore(t, 0))
	secret := func() *oippb.ModelInferRequest { r := affineRaw(); r.ModelName = "secret"; return r }
	// alice owns "secret".
	r, err := c.ModelInfer(bearer("key-alice"), secret())
	if err != nil || string(r.RawOutputContents[0]) != string(f32bytes(affineY)) {
		t.Fatal(r, err)
	}
	if mr, err := c.ModelReady(bearer("key-alice"), &oippb.ModelReadyRequest{Name: "secret"}); err != nil || !mr.Ready {
		t.Fatal(mr, err)
	}
	// bob cannot tell it from a model that does not exist: same code, same
	// message, for every call.
	var msgs []string
	for _, name := range []string{"secret", "no-such-model"} {
		_, err := c.ModelInfer(bearer("key-bob"), func() *oippb.ModelInferRequest { r := secret(); r.ModelName = name; return r }())
		msgs = append(msgs, wantCode(t, err, codes.NotFound, "model.not_found").Message())
		_, err = c.ModelMetadata(bearer("key-bob"), &oippb.ModelMetadataRequest{Name: name})
		msgs = append(msgs, wantCode(t, err, codes.NotFound, "model.not_found").Message())
		_, err = c.ModelReady(bearer("key-bob"), &oippb.ModelReadyRequest{Name: name})
		msgs = append(msgs, wantCode(t, err, codes.NotFound, "model.not_found").Message())
	}
	for _, m := range msgs {
		if m != msgs[0] || strings.Contains(m, "secret") {
			t.Fatalf("messages differ or name the model: %q", msgs)
		}
	}
}
