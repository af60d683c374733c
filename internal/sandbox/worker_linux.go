package sandbox

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/verify"
	"github.com/hlogate/hlogate/tensor"
)

// MaybeRunWorker turns this process into a sandbox worker when it was
// started as one, and never returns in that case. Call it first in main.
func MaybeRunWorker() {
	if IsWorker() {
		os.Exit(workerMain(nil))
	}
}

// workerArgs are the worker's arguments after the marker: key=value.
func workerArg(key string) string {
	for _, a := range os.Args[2:] {
		if v, ok := strings.CutPrefix(a, key+"="); ok {
			return v
		}
	}
	return ""
}

// workerMain hardens the process, serves one request and returns the exit
// status. probe, in test builds only, runs after hardening instead of
// reading a request.
func workerMain(probe func(name string)) int {
	req := os.NewFile(fdRequest, "request")
	resp := os.NewFile(fdResponse, "response")
	if req == nil || resp == nil {
		fmt.Fprintln(os.Stderr, "hlogate sandbox worker: IPC descriptors missing")
		return 70
	}
	var cpu uint64 = 60
	if v := workerArg("cpu"); v != "" {
		fmt.Sscan(v, &cpu)
	}
	layers, err := harden(cpu, workerArg("seccomp"), workerArg("pidns") == "1")
	if err != nil {
		// Fail closed, and say why on the response pipe.
		writeResponse(resp, &Response{Err: diag.New(diag.Internal, "sandbox.setup", diag.Pos{}, "worker hardening failed: %v", err), Layers: strings.Join(layers, ",")})
		return 71
	}
	r := serve(req, strings.Join(layers, ","), probe)
	if err := writeResponse(resp, r); err != nil {
		return 72
	}
	return 0
}

func writeResponse(f *os.File, r *Response) error {
	return WriteFrame(f, frameResponse, EncodeResponse(r))
}

func serve(f *os.File, layers string, probe func(string)) *Response {
	p, err := ReadFrame(f, frameRequest, MaxFrame)
	if err != nil {
		return &Response{Err: diag.New(diag.Internal, "sandbox.protocol", diag.Pos{}, "reading request: %v", err), Layers: layers}
	}
	// The request arrives only once the worker is in its cgroups.
	if probe != nil {
		if name := workerArg("probe"); name != "" {
			probe(name)
		}
	}
	rq, err := DecodeRequest(p)
	if err != nil {
		return &Response{Err: diag.New(diag.Internal, "sandbox.protocol", diag.Pos{}, "%v", err), Layers: layers}
	}
	p = nil
	outs, st, err := execute(rq)
	r := &Response{Outputs: outs, Layers: layers,
		Stats: Stats{PeakMemory: st.PeakMemory, Steps: st.Steps, Work: st.Work, FLOPs: st.FLOPs}}
	if err != nil {
		r.Outputs, r.Err = nil, diag.As(err)
	}
	return r
}

// execute re-parses and re-verifies the (already admitted) program, then
// runs it. The parent has applied policy and static cost checks.
func execute(rq *Request) ([][]byte, exec.Stats, error) {
	if rq.Limits.SoftMemory > 0 {
		debug.SetMemoryLimit(rq.Limits.SoftMemory)
	}
	src := string(rq.Program)
	rq.Program = nil
	m, err := mlir.ParseModule(src, mlir.Limits{MaxSourceBytes: int64(len(src)) + 1})
	if err != nil {
		return nil, exec.Stats{}, err
	}
	if err := verify.Module(m); err != nil {
		return nil, exec.Stats{}, err
	}
	fn := m.Entry(rq.Entry)
	if fn == nil {
		return nil, exec.Stats{}, diag.New(diag.Usage, "usage.entry", diag.Pos{}, "no entry function %q", rq.Entry)
	}
	var total int64
	for _, b := range rq.Inputs {
		total += int64(len(b))
	}
	in := make([]*tensor.Tensor, len(rq.Inputs))
	for i, b := range rq.Inputs {
		t, err := tensor.DecodeNPY(b, tensor.DecodeLimits{MaxBytes: max(total, 1)})
		if err != nil {
			return nil, exec.Stats{}, err
		}
		in[i] = t
		rq.Inputs[i] = nil
	}
	ctx := context.Background()
	if rq.Limits.TimeoutNanos > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(rq.Limits.TimeoutNanos))
		defer cancel()
	}
	lim := exec.Limits{MaxMemory: rq.Limits.MaxMemory, MaxSteps: rq.Limits.MaxSteps,
		MaxCallDepth: int(rq.Limits.MaxCallDepth), MaxFLOPs: rq.Limits.MaxFLOPs}
	outs, st, err := exec.Run(ctx, m, fn, in, lim)
	if err != nil {
		return nil, st, err
	}
	blobs := make([][]byte, len(outs))
	for i, t := range outs {
		if blobs[i], err = tensor.EncodeNPY(t); err != nil {
			return nil, st, err
		}
	}
	return blobs, st, nil
}
