package server

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/hlogate/hlogate/tensor"
)

// The overhead of sandboxed serving: the same requests through Server.Infer
// (admission, quotas, queueing, execution, no HTTP) executing in process
// and in a pool of sandboxed workers. Each response is released once
// read, as the REST handler does after writing it. docs/BENCHMARKS.md has
// the numbers.
//
//	go test ./internal/server -run '^$' -bench 'Sandbox' -count 5

// mlpSrc is a ~1.4 ms model on the fast engine (one thread, the project
// machine): seven 64×512 · 512×512 layers with tanh, weights computed in
// the program (so requests carry only the 128 KiB input, as a model with
// bound weights would).
func mlpSrc() string {
	var b strings.Builder
	b.WriteString(`module @jit_mlp7 {
  func.func public @main(%x: tensor<64x512xf32>) -> tensor<64x512xf32> {
    %i = stablehlo.iota dim = 0 : tensor<512x512xf32>
    %j = stablehlo.iota dim = 1 : tensor<512x512xf32>
    %d = stablehlo.subtract %i, %j : tensor<512x512xf32>
    %s = stablehlo.constant dense<1.0e-3> : tensor<f32>
    %sb = stablehlo.broadcast_in_dim %s, dims = [] : (tensor<f32>) -> tensor<512x512xf32>
    %w = stablehlo.multiply %d, %sb : tensor<512x512xf32>
`)
	prev := "%x"
	for l := 0; l < 7; l++ {
		fmt.Fprintf(&b, "    %%m%d = stablehlo.dot_general %s, %%w, contracting_dims = [1] x [0] : (tensor<64x512xf32>, tensor<512x512xf32>) -> tensor<64x512xf32>\n", l, prev)
		fmt.Fprintf(&b, "    %%h%d = stablehlo.tanh %%m%d : tensor<64x512xf32>\n", l, l)
		prev = fmt.Sprintf("%%h%d", l)
	}
	fmt.Fprintf(&b, "    return %s : tensor<64x512xf32>\n  }\n}\n", prev)
	return b.String()
}

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
		"mm/1/model.mlir":     &fstest.MapFile{Data: []byte(mlpSrc())},
		"mm/config.yaml":      &fstest.MapFile{Data: []byte("inputs: [x]\nlimits: {timeout: 10s}\n")},
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
	return &InferRequest{ModelName: "mm", Inputs: []InferInput{
		tensorInput(b, "x", []int64{64, 512}, func(i int) float64 { return float64(i%7)/7 - 0.5 })}}
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
		for i := 0; i < b.N; i++ {
			inferAndRelease(b, s, t, affineRequest(b))
		}
	})
}

// BenchmarkSandboxLatency1ms is the time of one request for the ~1 ms
// model, one request at a time.
func BenchmarkSandboxLatency1ms(b *testing.B) {
	benchModes(b, func(b *testing.B, s *Server) {
		t, _ := s.Authenticate("key-bench")
		req := matmulRequest(b)
		for i := 0; i < b.N; i++ {
			inferAndRelease(b, s, t, req)
		}
	})
}

// BenchmarkSandboxThroughput1ms runs the ~1 ms model from 4 × GOMAXPROCS
// goroutines, more requests than workers, so that the server is
// saturated in both modes: ns/op is the inverse of throughput.
func BenchmarkSandboxThroughput1ms(b *testing.B) {
	benchModes(b, func(b *testing.B, s *Server) {
		b.SetParallelism(4)
		t, _ := s.Authenticate("key-bench")
		req := matmulRequest(b)
		if _, err := s.Infer(context.Background(), t, req); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		var ru0, ru1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		w0 := s.workerStats().CPU
		defer func() {
			syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
			b.ReportMetric(float64(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano())/float64(b.N)/1e3, "server-cpu-us/op")
			b.ReportMetric(float64(s.workerStats().CPU-w0)/float64(b.N)/1e3, "worker-cpu-us/op")
		}()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := s.Infer(context.Background(), t, req)
				if err != nil {
					b.Error(err)
					return
				}
				resp.Release()
			}
		})
	})
}

func inferAndRelease(b *testing.B, s *Server, t *Tenant, req *InferRequest) {
	resp, err := s.Infer(context.Background(), t, req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Release()
}
