package exec

import (
	"context"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// RunUnmetered runs with the work, step and FLOP meters off, for the
// metering-overhead benchmark only.
func RunUnmetered(m *ir.Module, fn *ir.Func, inputs []*tensor.Tensor) ([]*tensor.Tensor, error) {
	c := newCtx(context.Background(), m, Limits{MaxMemory: 1 << 40})
	c.unmetered = true
	outs, _, err := run(c, m, fn, inputs)
	return outs, err
}
