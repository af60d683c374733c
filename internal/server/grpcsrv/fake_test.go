package grpcsrv

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/server"
	"github.com/hlogate/hlogate/internal/server/oippb"
	"github.com/hlogate/hlogate/tensor"
)

// fakeCore implements Core with canned answers, to reach the paths the
// real core only takes under load (full queues, deadlines) or never (a
// panic, an internal error).
type fakeCore struct {
	mu    sync.Mutex
	infer func(ctx context.Context, t *server.Tenant, req *server.InferRequest) (*server.InferResponse, error)
	keys  []string // API keys seen by Authenticate
}

func (f *fakeCore) seenKeys() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.keys...)
}

func (f *fakeCore) setInfer(fn func(ctx context.Context, t *server.Tenant, req *server.InferRequest) (*server.InferResponse, error)) {
	f.mu.Lock()
	f.infer = fn
	f.mu.Unlock()
}

func (f *fakeCore) Authenticate(key string) (*server.Tenant, error) {
	f.mu.Lock()
	f.keys = append(f.keys, key)
	f.mu.Unlock()
	if key == "" {
		return nil, &diag.Error{Kind: diag.Usage, Rule: "auth.missing_key", Msg: "an API key is required"}
	}
	return &server.Tenant{Name: "t-" + key}, nil
}
func (f *fakeCore) ServerLive() bool                      { return true }
func (f *fakeCore) ServerReady() bool                     { return false }
func (f *fakeCore) ServerMetadata() server.ServerMetadata { return server.ServerMetadata{Name: "fake"} }
func (f *fakeCore) MaxBodyBytes() int64                   { return 1 << 16 }
func (f *fakeCore) ModelReady(_ context.Context, t *server.Tenant, name, _ string) (bool, error) {
	if name == "panic" {
		panic("boom")
	}
	return t.Name == "t-k" && name == "m", nil
}
func (f *fakeCore) ModelMetadata(_ context.Context, _ *server.Tenant, name, version string) (*server.ModelMetadata, error) {
	return &server.ModelMetadata{Name: name, Versions: []string{version}, Platform: "p",
		Inputs: []server.TensorMetadata{{Name: "x", Datatype: "FP16", Shape: []int64{-1, 2}}}}, nil
}
func (f *fakeCore) Infer(ctx context.Context, t *server.Tenant, req *server.InferRequest) (*server.InferResponse, error) {
	f.mu.Lock()
	fn := f.infer
	f.mu.Unlock()
	return fn(ctx, t, req)
}

var _ Core = (*fakeCore)(nil)

func withKey(key string) context.Context {
	return metadata.AppendToOutgoingContext(context.Background(), "x-api-key", key)
}

func TestFakeHealthAndMetadata(t *testing.T) {
	f := &fakeCore{}
	c := serve(t, f)
	ready, err := c.ServerReady(context.Background(), &oippb.ServerReadyRequest{})
	if err != nil || ready.Ready {
		t.Fatal(ready, err)
	}
	md, err := c.ServerMetadata(context.Background(), &oippb.ServerMetadataRequest{})
	if err != nil || md.Name != "fake" {
		t.Fatal(md, err)
	}
	mr, err := c.ModelReady(withKey("k"), &oippb.ModelReadyRequest{Name: "m"})
	if err != nil || !mr.Ready {
		t.Fatal(mr, err)
	}
	mr, err = c.ModelReady(metadata.AppendToOutgoingContext(context.Background(), "authorization", "bearer  k "), &oippb.ModelReadyRequest{Name: "m"})
	if err != nil || !mr.Ready {
		t.Fatal(mr, err)
	}
	mm, err := c.ModelMetadata(withKey("k"), &oippb.ModelMetadataRequest{Name: "m", Version: "3"})
	if err != nil || mm.Name != "m" || fmt.Sprint(mm.Versions) != "[3]" || mm.Platform != "p" || mm.Inputs[0].Datatype != "FP16" || fmt.Sprint(mm.Inputs[0].Shape) != "[-1 2]" || len(mm.Outputs) != 0 {
		t.Fatal(mm, err)
	}
	// A panic in the core is an Internal status, and the server lives on.
	_, err = c.ModelReady(withKey("k"), &oippb.ModelReadyRequest{Name: "panic"})
	st := wantCode(t, err, codes.Internal, "internal.panic")
	if st.Message() != "internal error" {
		t.Fatalf("internal details leaked: %q", st.Message())
	}
	if _, err := c.ServerLive(context.Background(), &oippb.ServerLiveRequest{}); err != nil {
		t.Fatal(err)
	}
	// Two Authorization values are refused before the core sees either.
	before := len(f.seenKeys())
	_, err = c.ModelReady(metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer a", "authorization", "Bearer b"), &oippb.ModelReadyRequest{Name: "m"})
	wantCode(t, err, codes.Unauthenticated, "auth.invalid_key")
	if keys := f.seenKeys(); len(keys) != before {
		t.Fatalf("core saw keys %q", keys[before:])
	}
}

func TestFakeErrorCodes(t *testing.T) {
	cases := []struct {
		err   error
		code  codes.Code
		retry bool
	}{
		{&diag.Error{Kind: diag.Usage, Rule: "auth.invalid_key", Msg: "m"}, codes.Unauthenticated, false},
		{&diag.Error{Kind: diag.Usage, Rule: "auth.forbidden", Msg: "m"}, codes.PermissionDenied, false},
		{&diag.Error{Kind: diag.InvalidInput, Rule: "model.not_found", Msg: "m"}, codes.NotFound, false},
		{&diag.Error{Kind: diag.InvalidInput, Rule: "request.too_large", Msg: "m"}, codes.ResourceExhausted, false},
		{&diag.Error{Kind: diag.InvalidInput, Rule: "request.shape", Msg: "m"}, codes.InvalidArgument, false},
		{&diag.Error{Kind: diag.Usage, Rule: "tenant.queue_full", Msg: "m"}, codes.ResourceExhausted, false},
		{&diag.Error{Kind: diag.Usage, Rule: "queue.full", Msg: "m"}, codes.Unavailable, false},
		{&diag.Error{Kind: diag.Usage, Rule: "model.quarantined", Msg: "m"}, codes.Unavailable, false},
		{&diag.Error{Kind: diag.Limit, Rule: "limit.deadline", Msg: "m"}, codes.DeadlineExceeded, false},
		{&diag.Error{Kind: diag.Rejected, Rule: "policy.custom_call", Msg: "m"}, codes.FailedPrecondition, false},
		{&diag.Error{Kind: diag.Rejected, Rule: "cost.flops", Msg: "m"}, codes.FailedPrecondition, false},
		{&diag.Error{Kind: diag.Limit, Rule: "limit.memory", Msg: "m"}, codes.FailedPrecondition, false},
		{&diag.Error{Kind: diag.Runtime, Rule: "refine.shape_assertion", Msg: "m"}, codes.InvalidArgument, false},
		{&diag.Error{Kind: diag.Internal, Rule: "internal", Msg: "secret detail"}, codes.Internal, false},
		{fmt.Errorf("a foreign error"), codes.Internal, false},
	}
	for _, tc := range cases {
		d := diag.As(tc.err)
		t.Run(d.Rule, func(t *testing.T) {
			f := &fakeCore{infer: func(context.Context, *server.Tenant, *server.InferRequest) (*server.InferResponse, error) {
				return nil, tc.err
			}}
			c := serve(t, f)
			_, err := c.ModelInfer(withKey("k"), &oippb.ModelInferRequest{ModelName: "m"})
			st := wantCode(t, err, tc.code, d.Rule)
			if tc.code != server.GRPCCode(tc.err) {
				t.Fatalf("the table disagrees with server.GRPCCode: %v", server.GRPCCode(tc.err))
			}
			if d.Kind == diag.Internal {
				if st.Message() != "internal error" {
					t.Fatalf("message %q", st.Message())
				}
			} else if !strings.Contains(st.Message(), "["+d.Rule+"]") {
				t.Fatalf("message %q", st.Message())
			}
		})
	}
}

func TestFakeInfer(t *testing.T) {
	// What the core last received (written by the server's goroutine).
	var mu sync.Mutex
	var lastReq *server.InferRequest
	var lastTenant string
	var lastDeadline time.Time
	var lastHas bool
	last := func() (*server.InferRequest, string, time.Time, bool) {
		mu.Lock()
		defer mu.Unlock()
		return lastReq, lastTenant, lastDeadline, lastHas
	}
	f := &fakeCore{infer: func(ctx context.Context, tn *server.Tenant, req *server.InferRequest) (*server.InferResponse, error) {
		mu.Lock()
		lastReq, lastTenant = req, tn.Name
		lastDeadline, lastHas = ctx.Deadline()
		mu.Unlock()
		h, _ := tensor.FromData(tensor.F16, []int64{1}, []byte{0, 0x3c})
		i, _ := tensor.FromData(tensor.I32, []int64{2}, []byte{1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff})
		outs := []server.InferOutput{{Name: "i", Datatype: "INT32", Shape: []int64{2}, Tensor: i}}
		if req.Parameters["half"] == true {
			outs = append(outs, server.InferOutput{Name: "h", Datatype: "FP16", Shape: []int64{1}, Tensor: h})
		}
		return &server.InferResponse{ModelName: req.ModelName, ModelVersion: "9", ID: req.ID, Outputs: outs}, nil
	}}
	c := serve(t, f)
	typedReq := func() *oippb.ModelInferRequest {
		return &oippb.ModelInferRequest{ModelName: "m", ModelVersion: "9", Id: "abc",
			Parameters: map[string]*oippb.InferParameter{"timeout": {ParameterChoice: &oippb.InferParameter_Int64Param{Int64Param: 5000}}},
			Inputs:     []*inT{{Name: "x", Datatype: "INT16", Shape: []int64{2}, Contents: &oippb.InferTensorContents{IntContents: []int32{-1, 2}}}},
			Outputs:    []*oippb.ModelInferRequest_InferRequestedOutputTensor{{Name: "i"}}}
	}
	ctx, cancel := context.WithTimeout(withKey("k"), time.Hour)
	defer cancel()
	clientDeadline, _ := ctx.Deadline()
	r, err := c.ModelInfer(ctx, typedReq())
	if err != nil {
		t.Fatal(err)
	}
	got, gotTenant, deadline, hasDeadline := last()
	// What the core received.
	if gotTenant != "t-k" || got.ModelName != "m" || got.ModelVersion != "9" || got.ID != "abc" || got.Parameters["timeout"] != int64(5000) ||
		len(got.Outputs) != 1 || got.Outputs[0].Name != "i" || len(got.Inputs) != 1 {
		t.Fatalf("core got %+v", got)
	}
	in := got.Inputs[0]
	if in.Name != "x" || in.Datatype != "INT16" || fmt.Sprint(in.Shape) != "[2]" || in.Raw != nil || in.HasRaw || in.JSON != nil ||
		in.Tensor == nil || in.Tensor.DType != tensor.I16 || fmt.Sprint(in.Tensor.Data) != "[255 255 2 0]" {
		t.Fatalf("input %+v", in)
	}
	// The client's deadline reached the core, which may only shorten it.
	// (The server rebuilds it from the relative grpc-timeout header, so it
	// is not exactly the client's; an hour against a ten-minute slack.)
	if d := deadline.Sub(clientDeadline); !hasDeadline || d > 10*time.Minute || d < -10*time.Minute {
		t.Fatalf("core deadline %v (set %v), client's %v", deadline, hasDeadline, clientDeadline)
	}
	// Typed in, typed out.
	if r.ModelVersion != "9" || r.Id != "abc" || len(r.RawOutputContents) != 0 || fmt.Sprint(r.Outputs[0].Contents.GetIntContents()) != "[1 -1]" {
		t.Fatalf("response %v", r)
	}
	// Typed in, but an FP16 output: everything raw.
	req := typedReq()
	req.Parameters["half"] = &oippb.InferParameter{ParameterChoice: &oippb.InferParameter_BoolParam{BoolParam: true}}
	r, err = c.ModelInfer(withKey("k"), req)
	if err != nil || len(r.RawOutputContents) != 2 || r.Outputs[0].Contents != nil || r.Outputs[1].Contents != nil ||
		fmt.Sprint(r.RawOutputContents) != "[[1 0 0 0 255 255 255 255] [0 60]]" {
		t.Fatal(r, err)
	}
	// No deadline from the client: none is invented here (the core sets
	// its own).
	_, err = c.ModelInfer(withKey("k"), typedReq())
	if _, _, _, hasDeadline = last(); err != nil || hasDeadline {
		t.Fatal(err, hasDeadline)
	}
	// No inputs: raw out (as Triton answers).
	r, err = c.ModelInfer(withKey("k"), &oippb.ModelInferRequest{ModelName: "m"})
	if got, _, _, _ = last(); err != nil || len(r.RawOutputContents) != 1 || len(got.Inputs) != 0 {
		t.Fatal(r, err)
	}
	// Raw in: the core gets a tensor over the request's bytes.
	r, err = c.ModelInfer(withKey("k"), &oippb.ModelInferRequest{ModelName: "m",
		Inputs: []*inT{{Name: "x", Datatype: "BOOL", Shape: []int64{2}}}, RawInputContents: [][]byte{{1, 0}}})
	if got, _, _, _ = last(); err != nil || len(r.RawOutputContents) != 1 || got.Inputs[0].Tensor.DType != tensor.Bool {
		t.Fatal(r, err)
	}
	// Decoding errors never reach the core.
	mu.Lock()
	lastReq = nil
	mu.Unlock()
	_, err = c.ModelInfer(withKey("k"), &oippb.ModelInferRequest{ModelName: "m",
		Inputs: []*inT{{Name: "x", Datatype: "BOOL", Shape: []int64{2}}}, RawInputContents: [][]byte{{1, 2}}})
	wantCode(t, err, codes.InvalidArgument, "input.data")
	if got, _, _, _ := last(); got != nil {
		t.Fatal("the core was called")
	}
	// Nor do messages over the core's body limit (64 KiB here).
	_, err = c.ModelInfer(withKey("k"), &oippb.ModelInferRequest{ModelName: "m",
		Inputs: []*inT{{Name: "x", Datatype: "UINT8", Shape: []int64{1 << 17}}}, RawInputContents: [][]byte{make([]byte, 1<<17)}})
	wantCode(t, err, codes.ResourceExhausted, "")
	if got, _, _, _ := last(); got != nil {
		t.Fatal("the core was called")
	}
	// A broken core answer is Internal, not a crash.
	f.setInfer(func(context.Context, *server.Tenant, *server.InferRequest) (*server.InferResponse, error) {
		return &server.InferResponse{Outputs: []server.InferOutput{{Name: "y", Datatype: "FP32"}}}, nil
	})
	_, err = c.ModelInfer(withKey("k"), &oippb.ModelInferRequest{ModelName: "m"})
	wantCode(t, err, codes.Internal, "internal")
}

func TestReason(t *testing.T) {
	for in, want := range map[string]string{
		"model.not_found": "MODEL_NOT_FOUND", "quota.flops": "QUOTA_FLOPS", "internal": "INTERNAL",
		"": "UNKNOWN", "9x": "UNKNOWN", "a..b": "A__B", "é.x": "X",
	} {
		if got := reason(in); got != want {
			t.Errorf("reason(%q) = %q, want %q", in, got, want)
		}
	}
}
