// Package grpcsrv is the gRPC front end of `hlogate serve`: the Open
// Inference Protocol's GRPCInferenceService (package inference) over the
// serving core in package server.
//
// It is a thin codec. Authentication, model visibility, admission, quotas,
// queues, deadlines and execution all live in the core, so REST and gRPC
// clients get the same answers. This package adds only what is gRPC's own:
//
//   - the API key comes from the request metadata, as
//     "authorization: Bearer KEY" or "x-api-key: KEY";
//   - the deadline is the gRPC deadline, which the core can only shorten
//     (the smallest of the server's, tenant's and model's timeouts, the
//     "timeout" parameter in µs, and the client's deadline wins);
//   - tensors are converted strictly (see decodeInputs): typed contents or
//     raw_input_contents, never both; FP16 and BF16 only as raw; BYTES
//     refused; counts checked against shapes with overflow checks;
//   - responses use raw_output_contents when the request used
//     raw_input_contents (tritonclient does), when it had no inputs, or when
//     an output is FP16 or BF16; otherwise typed contents;
//   - errors carry the core's status code (server.GRPCCode), its message,
//     and a google.rpc.ErrorInfo (domain "hlogate", metadata "rule" and
//     "kind"), plus google.rpc.RetryInfo for answers worth retrying later.
//
// Message sizes, and the request bytes received at once, are capped by the
// grpc.Server's options: build it with NewServer, or pass ServerOptions to
// grpc.NewServer yourself.
package grpcsrv

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/protoadapt"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/server"
	"github.com/hlogate/hlogate/internal/server/oippb"
)

// Core is what the gRPC front end needs from the serving core.
// *server.Server implements it; tests may use a fake.
type Core interface {
	// Authenticate returns the tenant of an API key ("" when the request
	// carried none).
	Authenticate(apiKey string) (*server.Tenant, error)
	ServerLive() bool
	ServerReady() bool
	ServerMetadata() server.ServerMetadata
	// MaxBodyBytes caps one request message.
	MaxBodyBytes() int64
	ModelReady(ctx context.Context, t *server.Tenant, name, version string) (bool, error)
	ModelMetadata(ctx context.Context, t *server.Tenant, name, version string) (*server.ModelMetadata, error)
	Infer(ctx context.Context, t *server.Tenant, req *server.InferRequest) (*server.InferResponse, error)
}

var _ Core = (*server.Server)(nil)

// minInputBytes is the smallest cap on the decoded inputs of one request:
// the core's default input limit. The core applies the tenant's and the
// model's own limits afterwards; this cap only bounds what typed contents
// (whose varints can be 8 times smaller than the tensor they decode to)
// may allocate before that.
var minInputBytes = server.DefaultLimits().MaxInput

// maxHeaderListBytes caps the request metadata, as the REST front end
// caps headers.
const maxHeaderListBytes = 64 << 10

// ServerOptions returns the grpc.Server options that the front end relies
// on:
//
//   - the received message cap, the core's body limit: a larger message
//     fails with ResourceExhausted before it reaches the core;
//   - a cap on request metadata (64 KiB, as REST caps headers);
//   - a tap handle that bounds the request bytes received and held at once
//     to 8 messages of the body limit, across all connections, refusing
//     new calls with Unavailable (queue.full) beyond it, and that cancels a
//     call whose message has not arrived within a minute (see msgBudget).
//     grpc.Server takes one tap handle: do not pass another.
func ServerOptions(c Core) []grpc.ServerOption {
	n := c.MaxBodyBytes()
	if n <= 0 || n > math.MaxInt32 {
		n = math.MaxInt32
	}
	b := newMsgBudget(n, budgetMessages*n, defaultReadTimeout)
	return serverOptions(n, b)
}

func serverOptions(maxMsg int64, b *msgBudget) []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(int(maxMsg)),
		grpc.MaxHeaderListSize(maxHeaderListBytes),
		grpc.InTapHandle(b.tap),
	}
}

// NewServer returns a grpc.Server with ServerOptions (then extra) and the
// inference service registered.
func NewServer(c Core, extra ...grpc.ServerOption) *grpc.Server {
	gs := grpc.NewServer(append(ServerOptions(c), extra...)...)
	Register(gs, c)
	return gs
}

// Register adds the GRPCInferenceService, backed by c, to gs. gs should
// have been built with ServerOptions (NewServer does both).
func Register(gs *grpc.Server, c Core) {
	oippb.RegisterGRPCInferenceServiceServer(gs, newService(c))
}

type service struct {
	oippb.UnimplementedGRPCInferenceServiceServer
	core Core
	lim  decodeLimits
}

func newService(c Core) *service {
	maxBytes := max(c.MaxBodyBytes(), minInputBytes)
	return &service{core: c, lim: decodeLimits{
		maxInputs:   maxInputTensors,
		maxRank:     maxInputRank,
		maxElements: maxBytes,
		maxBytes:    maxBytes,
	}}
}

// recoverTo turns a panic in a handler into an Internal status: a bug must
// not take down the process and every other tenant's requests with it.
func recoverTo(err *error) {
	if p := recover(); p != nil {
		*err = toStatus(&diag.Error{Kind: diag.Internal, Rule: "internal.panic", Msg: fmt.Sprintf("grpcsrv: %v", p)})
	}
}

// tenant authenticates the caller from the request metadata.
func (s *service) tenant(ctx context.Context) (*server.Tenant, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	authz, xkey := md.Get("authorization"), md.Get("x-api-key")
	if len(authz) > 1 || len(xkey) > 1 {
		return nil, &diag.Error{Kind: diag.Usage, Rule: "auth.invalid_key",
			Msg: "the request carries more than one authorization or x-api-key value", Hint: "send the API key once"}
	}
	first := func(v []string) string {
		if len(v) == 0 {
			return ""
		}
		return v[0]
	}
	return s.core.Authenticate(server.APIKey(first(authz), first(xkey)))
}

func (s *service) ServerLive(ctx context.Context, req *oippb.ServerLiveRequest) (_ *oippb.ServerLiveResponse, err error) {
	defer recoverTo(&err)
	started(ctx, int64(proto.Size(req)))
	return &oippb.ServerLiveResponse{Live: s.core.ServerLive()}, nil
}

func (s *service) ServerReady(ctx context.Context, req *oippb.ServerReadyRequest) (_ *oippb.ServerReadyResponse, err error) {
	defer recoverTo(&err)
	started(ctx, int64(proto.Size(req)))
	return &oippb.ServerReadyResponse{Ready: s.core.ServerReady()}, nil
}

func (s *service) ServerMetadata(ctx context.Context, req *oippb.ServerMetadataRequest) (_ *oippb.ServerMetadataResponse, err error) {
	defer recoverTo(&err)
	started(ctx, int64(proto.Size(req)))
	md := s.core.ServerMetadata()
	return &oippb.ServerMetadataResponse{Name: md.Name, Version: md.Version, Extensions: append([]string(nil), md.Extensions...)}, nil
}

func (s *service) ModelReady(ctx context.Context, req *oippb.ModelReadyRequest) (_ *oippb.ModelReadyResponse, err error) {
	defer recoverTo(&err)
	started(ctx, int64(proto.Size(req)))
	t, err := s.tenant(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	ready, err := s.core.ModelReady(ctx, t, req.GetName(), req.GetVersion())
	if err != nil {
		return nil, toStatus(err)
	}
	return &oippb.ModelReadyResponse{Ready: ready}, nil
}

func (s *service) ModelMetadata(ctx context.Context, req *oippb.ModelMetadataRequest) (_ *oippb.ModelMetadataResponse, err error) {
	defer recoverTo(&err)
	started(ctx, int64(proto.Size(req)))
	t, err := s.tenant(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	md, err := s.core.ModelMetadata(ctx, t, req.GetName(), req.GetVersion())
	if err != nil {
		return nil, toStatus(err)
	}
	meta := func(ms []server.TensorMetadata) []*oippb.ModelMetadataResponse_TensorMetadata {
		out := make([]*oippb.ModelMetadataResponse_TensorMetadata, len(ms))
		for i, m := range ms {
			out[i] = &oippb.ModelMetadataResponse_TensorMetadata{Name: m.Name, Datatype: m.Datatype, Shape: append([]int64{}, m.Shape...)}
		}
		return out
	}
	return &oippb.ModelMetadataResponse{
		Name:     md.Name,
		Versions: append([]string(nil), md.Versions...),
		Platform: md.Platform,
		Inputs:   meta(md.Inputs),
		Outputs:  meta(md.Outputs),
	}, nil
}

func (s *service) ModelInfer(ctx context.Context, req *oippb.ModelInferRequest) (_ *oippb.ModelInferResponse, err error) {
	defer recoverTo(&err)
	started(ctx, int64(proto.Size(req)))
	t, err := s.tenant(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	ins, err := decodeInputs(req, s.lim)
	if err != nil {
		return nil, toStatus(err)
	}
	params, err := decodeParameters(req.GetParameters())
	if err != nil {
		return nil, toStatus(err)
	}
	sreq := &server.InferRequest{
		ModelName:    req.GetModelName(),
		ModelVersion: req.GetModelVersion(),
		ID:           req.GetId(),
		Parameters:   params,
		Inputs:       make([]server.InferInput, len(ins)),
	}
	for i, in := range ins {
		sreq.Inputs[i] = server.InferInput{Name: in.Name, Datatype: in.Datatype, Shape: in.Shape, Tensor: in.Tensor}
	}
	if ro := req.GetOutputs(); len(ro) > 0 {
		if len(ro) > maxInputTensors {
			return nil, toStatus(invalid("request.output", "the request asks for %d outputs, more than the limit of %d", len(ro), maxInputTensors))
		}
		sreq.Outputs = make([]server.RequestedOutput, len(ro))
		for i, o := range ro {
			sreq.Outputs[i] = server.RequestedOutput{Name: o.GetName()}
		}
	}
	// ctx carries the client's deadline; the core tightens it to the
	// limits, never extends it.
	resp, err := s.core.Infer(ctx, t, sreq)
	if err != nil {
		return nil, toStatus(err)
	}
	outs := make([]output, len(resp.Outputs))
	for i, o := range resp.Outputs {
		outs[i] = output{Name: o.Name, Datatype: o.Datatype, Shape: o.Shape, Tensor: o.Tensor}
	}
	raw := len(req.GetRawInputContents()) > 0 || len(req.GetInputs()) == 0 || needsRaw(outs)
	pbs, raws, err := encodeOutputs(outs, raw)
	if err != nil || !raw {
		// Typed contents are copies: the outputs' memory can go back to
		// the core now. Raw contents alias the outputs until grpc has
		// marshalled the answer, after this returns; those are left to
		// the garbage collector.
		resp.Release()
	}
	if err != nil {
		return nil, toStatus(err)
	}
	return &oippb.ModelInferResponse{
		ModelName:         resp.ModelName,
		ModelVersion:      resp.ModelVersion,
		Id:                resp.ID,
		Outputs:           pbs,
		RawOutputContents: raws,
	}, nil
}

// toStatus converts an error of the core (or of the conversion) into a
// gRPC status error: the code from server.GRPCCode, the diagnostic as the
// message (only "internal error" for internal ones, whose details are not
// for clients), an ErrorInfo with the rule and kind, and a RetryInfo when
// the core advises a delay. Status errors pass through.
func toStatus(err error) error {
	return toStatusRetry(err, server.RetryAfter(err))
}

// toStatusRetry is toStatus with the retry delay given.
func toStatusRetry(err error, retry time.Duration) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(interface{ GRPCStatus() *status.Status }); ok {
		return err
	}
	d := diag.As(err)
	code := server.GRPCCode(err)
	msg := d.Error()
	if d.Kind == diag.Internal {
		msg = "internal error"
	}
	st := status.New(code, msg)
	details := []protoadapt.MessageV1{&errdetails.ErrorInfo{
		Reason:   reason(d.Rule),
		Domain:   "hlogate",
		Metadata: map[string]string{"rule": d.Rule, "kind": d.Kind.String()},
	}}
	if retry > 0 {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(retry)})
	}
	if withDetails, derr := st.WithDetails(details...); derr == nil {
		st = withDetails
	}
	if code == codes.OK { // never report success for an error
		st = status.New(codes.Unknown, msg)
	}
	return st.Err()
}

// reason turns a rule ("model.not_found") into an ErrorInfo reason
// ("MODEL_NOT_FOUND": upper snake case, as google.rpc.ErrorInfo asks).
func reason(rule string) string {
	var b strings.Builder
	for _, r := range rule {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	s := strings.Trim(b.String(), "_")
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		s = "UNKNOWN"
	}
	return s
}
