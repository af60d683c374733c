package server

import (
	"context"
	"fmt"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/hlogate/hlogate/tensor"
)

// The overhead of sandboxed serving: the same requests through Server.Infer
// (admission, quotas, queueing, execution, no HTTP) executing in process
// and in a pool of sandboxed workers. docs/BENCHMARKS.md has the numbers.
//
//	go test ./internal/server -run '^$' -bench 'Sandbox' -count 5

// matmulSrc multiplies two n×n matrices and applies tanh: about 1 ms in
// the reference executor for n = 32 on the project machine.
func matmulSrc(n int) string {
	return fmt.Sprintf(`module @jit_mm {
  func.func public @main(%%a: tensor<%[1]dx%[1]dxf32>, %%b: tensor<%[1]dx%[1]dxf32>) -> tensor<%[1]dx%[1]dxf32> {
    %%0 = stablehlo.dot_general %%a, %%b, contracting_dims = [1] x [0] : (tensor<%[1]dx%[1]dxf32>, tensor<%[1]dx%[1]dxf32>) -> tensor<%[1]dx%[1]dxf32>
    %%1 = stablehlo.tanh %%0 : tensor<%[1]dx%[1]dxf32>
    return %%1 : tensor<%[1]dx%[1]dxf32>
  }
}`, n)
}

const benchMatmulN = 32

func benchServer(b *testing.B, x Executor) *Server {
	b.Helper()
	tf, err := ParseTenants([]byte(`
tenants:
  - name: bench
    api_keys_sha256: ["` + HashKey("key-bench") + `"]
    rate: {requests_per_second: 1e9, requests_burst: 1e9, flops_per_second: 1e15, flops_burst: 1e15}
`))
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{Executor: x, MaxQueue: 1024, Tenants: tf})
	if err != nil {
		b.Fatal(err)
	}
	repo := fstest.MapFS{
		"affine/1/model.mlir": &fstest.MapFile{Data: []byte(mustRead(b, "affine/1/model.mlir"))},
		"affine/config.yaml":  &fstest.MapFile{Data: []byte(mustRead(b, "affine/config.yaml"))},
		"mm/1/model.mlir":     &fstest.MapFile{Data: []byte(matmulSrc(benchMatmulN))},
		"mm/config.yaml":      &fstest.MapFile{Data: []byte("inputs: [a, b]\nlimits: {timeout: 10s}\n")},
	}
	if err := s.LoadRepository(repo); err != nil {
		b.Fatal(err)
	}
	return s
}

func mustRead(b *testing.B, name string) string {
	data, err := fs.ReadFile(BuiltinRepository(), name)
	if err != nil {
		b.Fatal(err)
	}
	return string(data)
}

func tensorInput(b *testing.B, name string, shape []int64, fill func(i int) float64) InferInput {
	t, err := tensor.New(tensor.F32, shape, 1<<30)
	if err != nil {
		b.Fatal(err)
	}
	n, _ := tensor.NumElements(shape)
	for i := int64(0); i < n; i++ {
		t.SetFloat64(i, fill(int(i)))
	}
	return InferInput{Name: name, Datatype: "FP32", Shape: shape, Tensor: t}
}

func affineRequest(b *testing.B) *InferRequest {
	return &InferRequest{ModelName: "affine", Inputs: []InferInput{
		tensorInput(b, "x", []int64{2, 3}, func(i int) float64 { return float64(i) - 2.5 })}}
}

func matmulRequest(b *testing.B) *InferRequest {
	n := int64(benchMatmulN)
	return &InferRequest{ModelName: "mm", Inputs: []InferInput{
		tensorInput(b, "a", []int64{n, n}, func(i int) float64 { return float64(i%7) / 7 }),
		tensorInput(b, "b", []int64{n, n}, func(i int) float64 { return float64(i%5)/5 - 0.4 })}}
}

// benchModes runs f with the server executing in process and in a pool.
func benchModes(b *testing.B, f func(b *testing.B, s *Server)) {
	b.Run("isolation=none", func(b *testing.B) { f(b, benchServer(b, nil)) })
	b.Run("isolation=process", func(b *testing.B) {
		pool := sandboxPool(b, 0)
		f(b, benchServer(b, &SandboxExecutor{Pool: pool}))
	})
}

// BenchmarkSandboxLatencyTiny is the time of one request for the tiny
// affine model (2×3 · 3×2), one request at a time.
func BenchmarkSandboxLatencyTiny(b *testing.B) {
	benchModes(b, func(b *testing.B, s *Server) {
		t, _ := s.Authenticate("key-bench")
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			if _, err := s.Infer(ctx, t, affineRequest(b)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSandboxLatency1ms is the time of one request for the ~1 ms
// model, one request at a time.
func BenchmarkSandboxLatency1ms(b *testing.B) {
	benchModes(b, func(b *testing.B, s *Server) {
		t, _ := s.Authenticate("key-bench")
		req := matmulRequest(b)
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			if _, err := s.Infer(ctx, t, req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSandboxThroughput1ms runs the ~1 ms model from as many
// goroutines as GOMAXPROCS: ns/op is the inverse of throughput.
func BenchmarkSandboxThroughput1ms(b *testing.B) {
	benchModes(b, func(b *testing.B, s *Server) {
		t, _ := s.Authenticate("key-bench")
		req := matmulRequest(b)
		if _, err := s.Infer(context.Background(), t, req); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := s.Infer(context.Background(), t, req); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
