package grpcsrv

import (
	"context"
	"sync"
	"time"

	"google.golang.org/grpc/tap"

	"github.com/hlogate/hlogate/internal/diag"
)

// msgBudget bounds the request bytes the server receives and holds at
// once, across all connections, as the REST front end's body budget does.
//
// grpc-go reads a whole request message before the handler runs, and
// MaxRecvMsgSize bounds only one message; many concurrent streams could
// each fill one. So every new stream first reserves a full message (in the
// tap handle, before anything is read) and is refused with Unavailable
// (rule queue.full, RetryInfo 1 s) when the budget is spent. Once the
// handler runs, the reservation shrinks to the message's real size, and it
// is given back when the stream ends. A stream whose message has not
// arrived within readTimeout is cancelled, so slow senders cannot hold the
// budget.
type msgBudget struct {
	per         int64 // one message at most (the body limit)
	max         int64 // the budget
	readTimeout time.Duration

	mu   sync.Mutex
	used int64

	// afterFunc is time.AfterFunc (tests replace it); onReserve and
	// onRelease are test hooks.
	afterFunc func(d time.Duration, f func()) (stop func() bool)
	onReserve func()
	onRelease func()
}

// Defaults of the message budget: eight whole messages at once, as the
// REST front end's body budget, and a minute to receive one.
const (
	budgetMessages     = 8
	defaultReadTimeout = time.Minute
)

func newMsgBudget(per, maxBytes int64, readTimeout time.Duration) *msgBudget {
	return &msgBudget{per: per, max: maxBytes, readTimeout: readTimeout,
		afterFunc: func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }}
}

// reservation is one stream's share of the budget.
type reservation struct {
	b    *msgBudget
	mu   sync.Mutex
	n    int64 // bytes held
	done bool
	stop func() bool // stops the read timer
}

type reservationKey struct{}

// tap is the grpc.InTapHandle. It runs in the connection's reader
// goroutine with the transport's lock held: it must not block.
func (b *msgBudget) tap(ctx context.Context, _ *tap.Info) (context.Context, error) {
	b.mu.Lock()
	if b.used+b.per > b.max {
		b.mu.Unlock()
		return nil, toStatusRetry(&diag.Error{Kind: diag.Usage, Rule: "queue.full",
			Msg: "the server is receiving too many request messages at once", Hint: "retry shortly"}, time.Second)
	}
	b.used += b.per
	b.mu.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	r := &reservation{b: b, n: b.per}
	r.stop = b.afterFunc(b.readTimeout, cancel)
	// The transport cancels the stream's context when the stream ends,
	// however it ends.
	context.AfterFunc(ctx, r.release)
	if b.onReserve != nil {
		b.onReserve()
	}
	return context.WithValue(ctx, reservationKey{}, r), nil
}

// started tells the budget that the handler runs with a message of size
// bytes: the read timer stops and the reservation shrinks to size.
func started(ctx context.Context, size int64) {
	r, _ := ctx.Value(reservationKey{}).(*reservation)
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return
	}
	r.stop()
	if size < r.n {
		r.b.give(r.n - size)
		r.n = size
	}
}

func (r *reservation) release() {
	r.mu.Lock()
	if r.done {
		r.mu.Unlock()
		return
	}
	r.done = true
	r.stop()
	n := r.n
	r.n = 0
	r.mu.Unlock()
	r.b.give(n)
	if r.b.onRelease != nil {
		r.b.onRelease()
	}
}

func (b *msgBudget) give(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

func (b *msgBudget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
