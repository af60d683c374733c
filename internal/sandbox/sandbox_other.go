//go:build !linux

package sandbox

import (
	"context"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/tensor"
)

// Sandboxed workers need Linux (namespaces, seccomp, cgroups); elsewhere
// every entry point reports that they are unavailable.

func unavailable() error {
	return diag.New(diag.Usage, "sandbox.unavailable", diag.Pos{}, "sandboxed worker processes need Linux").
		WithHint("use --isolation=none")
}

// MaybeRunWorker does nothing where workers are unavailable.
func MaybeRunWorker() {}

// RunTestWorkerWithProbes does nothing where workers are unavailable.
func RunTestWorkerWithProbes(func(string)) {}

// Result is a worker's answer plus what the parent applied.
type Result struct {
	Response
	Namespaces, Cgroups, Notes []string
	PeakRSS                    int64
}

// LayerSummary is a one-line summary of r's layers.
func (r *Result) LayerSummary() string { return "unavailable" }

// Exec reports that workers are unavailable.
func Exec(context.Context, Config, string, string, []*tensor.Tensor, exec.Limits, time.Duration) ([]*tensor.Tensor, exec.Stats, *Result, error) {
	return nil, exec.Stats{}, &Result{}, unavailable()
}

// Run reports that workers are unavailable.
func Run(context.Context, Config, *Request) (*Result, error) { return &Result{}, unavailable() }

// Pool is unavailable here.
type Pool struct{}

// NewPool reports that workers are unavailable.
func NewPool(PoolConfig) (*Pool, error) { return nil, unavailable() }

// Exec reports that workers are unavailable.
func (p *Pool) Exec(context.Context, *Job) ([]*tensor.Tensor, exec.Stats, *JobInfo, error) {
	return nil, exec.Stats{}, &JobInfo{}, unavailable()
}

// Forget does nothing.
func (p *Pool) Forget([keyLen]byte) {}

// Layers is empty.
func (p *Pool) Layers() string { return "" }

// Size is 0.
func (p *Pool) Size() int { return 0 }

// Close does nothing.
func (p *Pool) Close() {}

// Stats are empty.
func (p *Pool) Stats() PoolStats { return PoolStats{Exits: map[string]int64{}} }

func workerMain(func(string)) int { return 70 }
