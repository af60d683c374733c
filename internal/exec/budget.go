package exec

import (
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/units"
	"github.com/hlogate/hlogate/tensor"
)

// Budget counts the bytes of live tensors against a limit. It is used by
// one execution at a time (not safe for concurrent use).
type Budget struct {
	Limit int64 // bytes; <= 0 means unlimited
	used  int64
	peak  int64
}

// Used returns the bytes held now.
func (b *Budget) Used() int64 { return b.used }

// Peak returns the most bytes held at once so far.
func (b *Budget) Peak() int64 { return b.peak }

// Reserve takes n bytes from the budget or fails with a limit error.
func (b *Budget) Reserve(n int64) error {
	if n < 0 {
		return diag.New(diag.Internal, "internal.budget", diag.Pos{}, "negative reservation %d", n)
	}
	if b.Limit > 0 && n > b.Limit-b.used {
		return diag.New(diag.Limit, "limit.memory", diag.Pos{},
			"the program needs %s more memory while %s is in use, over the limit of %s",
			units.FormatBytes(n), units.FormatBytes(b.used), units.FormatBytes(b.Limit)).
			WithHint("raise --max-memory or give the program smaller inputs")
	}
	b.used += n
	if b.used > b.peak {
		b.peak = b.used
	}
	return nil
}

// Release returns n bytes.
func (b *Budget) Release(n int64) { b.used -= n }

func bytesOf(d tensor.DType, shape []int64) (int64, error) {
	n, err := tensor.ByteSize(d, shape)
	if err != nil {
		e := diag.As(err)
		return 0, diag.New(diag.Limit, "limit.memory", diag.Pos{}, "%s", e.Msg)
	}
	return n, nil
}
