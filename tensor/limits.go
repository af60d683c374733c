package tensor

import (
	"errors"
	"io"
	"math"

	"github.com/hlogate/hlogate/internal/diag"
)

// DecodeLimits bounds what a decoder will accept. Every size is checked
// against these limits, with overflow checks, before anything is allocated.
// A zero or negative field takes its default (see DefaultDecodeLimits), so
// DecodeLimits{} is the default. Values beyond 2^62 bytes or elements, rank
// 65536 or 2^20 tensors are clamped to those.
type DecodeLimits struct {
	// MaxBytes caps the decoded data of all tensors of one input together
	// (the dense storage, DType.Size() bytes per element). For JSON it also
	// caps the length of the JSON text. Default 1 GiB.
	MaxBytes int64
	// MaxElements caps the number of elements of all tensors of one input
	// together. Default 2^30.
	MaxElements int64
	// MaxRank caps the number of dimensions of each tensor. Default 16.
	MaxRank int
	// MaxTensors caps the number of tensors (and of archive entries) in one
	// .npz or safetensors input. Default 1024.
	MaxTensors int
}

// Fixed caps that are not worth a knob.
const (
	// maxNPYHeader caps the .npy header dictionary (numpy itself refuses
	// more than 10000 bytes by default).
	maxNPYHeader = 1 << 16
	// maxSafetensorsHeader caps the safetensors JSON header.
	maxSafetensorsHeader = 16 << 20
	// maxJSONNumber caps the length of one number in JSON input.
	maxJSONNumber = 4096
)

// DefaultDecodeLimits returns the defaults: MaxBytes 1 GiB, MaxElements
// 2^30, MaxRank 16, MaxTensors 1024.
func DefaultDecodeLimits() DecodeLimits {
	return DecodeLimits{MaxBytes: 1 << 30, MaxElements: 1 << 30, MaxRank: 16, MaxTensors: 1024}
}

func (l DecodeLimits) norm() DecodeLimits {
	d := DefaultDecodeLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxElements <= 0 {
		l.MaxElements = d.MaxElements
	}
	if l.MaxRank <= 0 {
		l.MaxRank = d.MaxRank
	}
	if l.MaxTensors <= 0 {
		l.MaxTensors = d.MaxTensors
	}
	// Clamp absurd values so that the arithmetic on them cannot overflow.
	l.MaxBytes = min(l.MaxBytes, 1<<62, math.MaxInt/2)
	l.MaxElements = min(l.MaxElements, 1<<62)
	l.MaxRank = min(l.MaxRank, 1<<16)
	l.MaxTensors = min(l.MaxTensors, 1<<20)
	return l
}

// budget tracks what is left of the limits across the tensors of one input.
type budget struct {
	lim   DecodeLimits
	bytes int64 // left
	elems int64 // left
}

func newBudget(l DecodeLimits) *budget {
	l = l.norm()
	return &budget{lim: l, bytes: l.MaxBytes, elems: l.MaxElements}
}

// checkRank enforces MaxRank on a shape as it is being read; rule is the
// format's shape rule.
func (b *budget) checkRank(rank int) error {
	if rank > b.lim.MaxRank {
		return errf("input.rank", "the tensor has %d dimensions, more than the limit of %d", rank, b.lim.MaxRank).
			WithHint("use a tensor of lower rank or raise the rank limit")
	}
	return nil
}

// take checks a tensor of type d and shape against what is left and, if it
// fits, reserves it. It returns the byte size.
func (b *budget) take(d DType, shape []int64) (int64, error) {
	if err := b.checkRank(len(shape)); err != nil {
		return 0, err
	}
	size, err := ByteSize(d, shape)
	if err != nil {
		return 0, err
	}
	n, _ := NumElements(shape)
	if n > b.elems {
		return 0, errf("input.size", "a tensor of shape %s has %d elements, more than the %d left of the limit of %d", fmtShape(shape), n, b.elems, b.lim.MaxElements).
			WithHint("use smaller tensors or raise the element limit")
	}
	if size > b.bytes {
		return 0, errf("input.size", "a %s tensor of shape %s needs %d bytes, more than the %d left of the limit of %d", d, fmtShape(shape), size, b.bytes, b.lim.MaxBytes).
			WithHint("use smaller tensors or raise the byte limit")
	}
	b.elems -= n
	b.bytes -= size
	return size, nil
}

// ioError marks a failure of the underlying reader (not of the format).
type ioError struct{ err error }

func (e *ioError) Error() string { return e.err.Error() }
func (e *ioError) Unwrap() error { return e.err }

func ioDiag(err error) *diag.Error {
	return diag.New(diag.Usage, "io.read", diag.Pos{}, "reading the input failed: %v", err)
}

// readExact reads exactly n bytes. Memory grows with the data actually
// received (doubling, from at most 1 MiB), so a header that claims a large
// size costs nothing unless the bytes are really there. It returns
// (data, false, nil) if the input ended early, and an *ioError if the
// reader failed.
func readExact(r io.Reader, n int64) ([]byte, bool, error) {
	const first = 1 << 20
	c := n
	if c > first {
		c = first
	}
	buf := make([]byte, 0, int(c))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			nc := int64(cap(buf)) * 2
			if nc > n {
				nc = n
			}
			nb := make([]byte, len(buf), int(nc))
			copy(nb, buf)
			buf = nb
		}
		want := cap(buf)
		if int64(want) > n {
			want = int(n)
		}
		m, err := r.Read(buf[len(buf):want])
		buf = buf[:len(buf)+m]
		if err == io.EOF {
			if int64(len(buf)) < n {
				return buf, false, nil
			}
			break
		}
		if err != nil {
			return buf, false, &ioError{err}
		}
	}
	return buf, true, nil
}

// atEOF reports whether r has nothing left. It reads at most one byte.
func atEOF(r io.Reader) (bool, error) {
	var one [1]byte
	for range 100 {
		m, err := r.Read(one[:])
		if m > 0 {
			return false, nil
		}
		if err == io.EOF {
			return true, nil
		}
		if err != nil {
			return false, &ioError{err}
		}
	}
	return false, &ioError{io.ErrNoProgress}
}

// asDiag turns an ioError into a Usage diagnostic and passes diag errors
// through.
func asDiag(err error) error {
	var ie *ioError
	if errors.As(err, &ie) {
		return ioDiag(ie.err)
	}
	return err
}

func ioWriteDiag(err error) *diag.Error {
	return diag.New(diag.Usage, "io.write", diag.Pos{}, "writing the output failed: %v", err)
}
