package grpcsrv

import (
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/hlogate/hlogate/internal/sandbox"
	"github.com/hlogate/hlogate/internal/server"
	"github.com/hlogate/hlogate/internal/server/oippb"
)

// The test binary doubles as the sandboxed workers' executable.
func TestMain(m *testing.M) {
	sandbox.MaybeRunWorker()
	os.Exit(m.Run())
}

// Concurrent gRPC requests, typed and raw, through sandboxed workers whose
// released response buffers are poisoned and reused: each answer must be
// exactly the in-process core's answer to the same request. (Typed
// answers release the outputs before the handler returns; raw ones leave
// them to the garbage collector.)
func TestInferSandboxedReleased(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	pool, err := sandbox.NewPool(sandbox.PoolConfig{Workers: 2, PoisonReleased: true,
		Config: sandbox.Config{Executable: exe, MemoryBytes: 512 << 20, Margin: 300 * time.Millisecond, Warn: func(string) {}}})
	if err != nil {
		t.Skipf("sandboxed workers cannot start here: %v", err)
	}
	t.Cleanup(pool.Close)
	core := newCore(t, 0)
	sandboxed := newCoreWith(t, &server.SandboxExecutor{Pool: pool})
	ref, c := serve(t, core), serve(t, sandboxed)

	var reqs []*oippb.ModelInferRequest
	var want []*oippb.ModelInferResponse
	for g := 0; g < 8; g++ {
		x := make([]float32, 6)
		for i := range x {
			x[i] = float32(g*10+i) - 3.5
		}
		r := &oippb.ModelInferRequest{ModelName: "affine", Id: fmt.Sprint(g), Inputs: []*inT{{
			Name: "x", Datatype: "FP32", Shape: []int64{2, 3}, Contents: &oippb.InferTensorContents{Fp32Contents: x}}}}
		if g%2 == 1 {
			r.Inputs[0].Contents = nil
			r.RawInputContents = [][]byte{f32bytes(x)}
		}
		w, err := ref.ModelInfer(bearer("key-alice"), r)
		if err != nil {
			t.Fatal(err)
		}
		reqs, want = append(reqs, r), append(want, w)
	}
	errs := make(chan error, len(reqs))
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 25; k++ {
				got, err := c.ModelInfer(bearer("key-alice"), reqs[i])
				if err == nil && !proto.Equal(got, want[i]) {
					err = fmt.Errorf("request %d: got %v, want %v", i, got, want[i])
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
