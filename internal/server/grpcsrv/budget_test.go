package grpcsrv

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/proto"

	"github.com/hlogate/hlogate/internal/server"
	"github.com/hlogate/hlogate/internal/server/oippb"
	"github.com/hlogate/hlogate/tensor"
)

// manualTimers replaces time.AfterFunc: the test fires the read timers.
type manualTimers struct {
	mu sync.Mutex
	fs []func()
}

func (m *manualTimers) afterFunc(_ time.Duration, f func()) func() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := len(m.fs)
	m.fs = append(m.fs, f)
	return func() bool {
		m.mu.Lock()
		defer m.mu.Unlock()
		stopped := m.fs[i] != nil
		m.fs[i] = nil
		return stopped
	}
}

// fire runs every timer still armed.
func (m *manualTimers) fire() int {
	m.mu.Lock()
	fs := m.fs
	m.fs = make([]func(), len(fs))
	m.mu.Unlock()
	n := 0
	for _, f := range fs {
		if f != nil {
			f()
			n++
		}
	}
	return n
}

func TestMessageBudget(t *testing.T) {
	const per = 1 << 16
	timers := &manualTimers{}
	b := newMsgBudget(per, 2*per, time.Minute)
	b.afterFunc = timers.afterFunc
	reserved, released := make(chan struct{}, 16), make(chan struct{}, 16)
	b.onReserve = func() { reserved <- struct{}{} }
	b.onRelease = func() { released <- struct{}{} }

	var inUse atomic.Int64
	f := &fakeCore{infer: func(_ context.Context, _ *server.Tenant, req *server.InferRequest) (*server.InferResponse, error) {
		inUse.Store(b.inUse())
		i, _ := tensor.FromData(tensor.I32, []int64{1}, []byte{7, 0, 0, 0})
		return &server.InferResponse{ModelName: req.ModelName, Outputs: []server.InferOutput{{Name: "i", Datatype: "INT32", Tensor: i}}}, nil
	}}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer(serverOptions(per, b)...)
	Register(gs, f)
	done := make(chan struct{})
	go func() { defer close(done); _ = gs.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { conn.Close(); gs.Stop(); <-done }()
	c := oippb.NewGRPCInferenceServiceClient(conn)

	// A call holds a whole message while its message is read, then only
	// its real size, and nothing once it ended.
	req := &oippb.ModelInferRequest{ModelName: "m", Inputs: []*inT{{Name: "x", Datatype: "UINT8", Shape: []int64{100}}}, RawInputContents: [][]byte{make([]byte, 100)}}
	if _, err := c.ModelInfer(withKey("k"), req); err != nil {
		t.Fatal(err)
	}
	<-reserved
	if n := inUse.Load(); n != int64(proto.Size(req)) {
		t.Fatalf("%d bytes held during the call, want the message's %d", n, proto.Size(req))
	}
	<-released
	if n := b.inUse(); n != 0 {
		t.Fatalf("%d bytes held after the call", n)
	}

	// stall opens a ModelInfer stream that sends no message, and waits
	// until the server has reserved for it.
	stall := func() (context.CancelFunc, grpc.ClientStream) {
		ctx, cancel := context.WithCancel(withKey("k"))
		s, err := conn.NewStream(ctx, &grpc.StreamDesc{ClientStreams: true, ServerStreams: true}, oippb.GRPCInferenceService_ModelInfer_FullMethodName)
		if err != nil {
			t.Fatal(err)
		}
		<-reserved
		return cancel, s
	}
	cancel1, _ := stall()
	_, s2 := stall()
	// The budget (two messages) is spent: every call is refused at once.
	_, err = c.ModelInfer(withKey("k"), req)
	st := wantCode(t, err, codes.Unavailable, "queue.full", "too many request messages")
	if retryDelay(st) != time.Second {
		t.Fatalf("retry delay %v", retryDelay(st))
	}
	_, err = c.ServerLive(context.Background(), &oippb.ServerLiveRequest{})
	wantCode(t, err, codes.Unavailable, "queue.full")
	// A client that gives up returns its share.
	cancel1()
	<-released
	if _, err := c.ModelInfer(withKey("k"), req); err != nil {
		t.Fatal(err)
	}
	<-reserved
	<-released
	// A sender that is too slow is cancelled when its read timer fires
	// (only s2's is still armed: the finished calls stopped theirs).
	if n := timers.fire(); n != 1 {
		t.Fatalf("%d read timers armed, want 1", n)
	}
	<-released
	if err := s2.RecvMsg(new(oippb.ModelInferResponse)); err == nil {
		t.Fatal("the stalled stream got an answer")
	}
	if n := b.inUse(); n != 0 {
		t.Fatalf("%d bytes held after every call ended", n)
	}
	// The budget is whole again: two stalled streams fit, a third does not.
	c1, _ := stall()
	c2, _ := stall()
	_, err = c.ModelInfer(withKey("k"), req)
	wantCode(t, err, codes.Unavailable, "queue.full")
	c1()
	c2()
	<-released
	<-released
	if n := b.inUse(); n != 0 {
		t.Fatalf("%d bytes held", n)
	}
}

// Register without the tap (a grpc.Server built without ServerOptions)
// still serves.
func TestRegisterWithoutOptions(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	Register(gs, &fakeCore{})
	done := make(chan struct{})
	go func() { defer close(done); _ = gs.Serve(lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { conn.Close(); gs.Stop(); <-done }()
	r, err := oippb.NewGRPCInferenceServiceClient(conn).ServerLive(context.Background(), &oippb.ServerLiveRequest{})
	if err != nil || !r.Live {
		t.Fatal(r, err)
	}
}
