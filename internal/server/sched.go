package server

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
)

// scheduler caps the requests executing at once, globally and per tenant,
// and keeps bounded FIFO queues of the requests waiting for a slot. A full
// tenant queue is the tenant's problem (429); a full server queue is the
// server's (503).
type scheduler struct {
	mu               sync.Mutex
	maxRun, maxQueue int
	running, queued  int
	tenants          map[string]*slots
	waiters          []*waiter
}

type slots struct{ running, queued int }

type waiter struct {
	t       *Tenant
	ready   chan struct{}
	granted bool
}

func newScheduler(maxRun, maxQueue int) *scheduler {
	return &scheduler{maxRun: maxRun, maxQueue: maxQueue, tenants: map[string]*slots{}}
}

func (sc *scheduler) slotsOf(t *Tenant) *slots {
	ts := sc.tenants[t.Name]
	if ts == nil {
		ts = &slots{}
		sc.tenants[t.Name] = ts
	}
	return ts
}

func (sc *scheduler) canRun(t *Tenant, ts *slots) bool {
	return sc.running < sc.maxRun && ts.running < t.maxConcurrency
}

// acquire waits for an execution slot for t. It returns the function that
// gives the slot back and how long the request waited.
func (sc *scheduler) acquire(ctx context.Context, t *Tenant, s *Server) (func(), time.Duration, error) {
	start := time.Now()
	sc.mu.Lock()
	ts := sc.slotsOf(t)
	// Every waiter that could run was granted when a slot last freed, so
	// a request that fits the caps now does not jump an eligible waiter.
	if sc.canRun(t, ts) {
		sc.running++
		ts.running++
		sc.gauges(s)
		sc.mu.Unlock()
		return sc.releaser(t, s), 0, nil
	}
	if ts.queued >= t.maxQueue {
		sc.mu.Unlock()
		return nil, 0, withRetry(errf(diag.Usage, "tenant.queue_full",
			"this API key already has %d requests waiting, its limit", ts.queued), time.Second)
	}
	if sc.queued >= sc.maxQueue {
		sc.mu.Unlock()
		return nil, 0, withRetry(errf(diag.Usage, "queue.full",
			"the server's queue is full (%d requests waiting)", sc.queued), time.Second)
	}
	w := &waiter{t: t, ready: make(chan struct{})}
	sc.waiters = append(sc.waiters, w)
	sc.queued++
	ts.queued++
	sc.gauges(s)
	sc.mu.Unlock()
	if s != nil && s.hooks.queued != nil {
		s.hooks.queued()
	}
	select {
	case <-w.ready:
		return sc.releaser(t, s), time.Since(start), nil
	case <-ctx.Done():
	}
	sc.mu.Lock()
	if w.granted {
		// Granted while the context ended: give the slot back.
		sc.mu.Unlock()
		sc.releaser(t, s)()
	} else {
		for i, x := range sc.waiters {
			if x == w {
				sc.waiters = append(sc.waiters[:i], sc.waiters[i+1:]...)
				break
			}
		}
		sc.queued--
		ts.queued--
		sc.gauges(s)
		sc.mu.Unlock()
	}
	return nil, time.Since(start), ctxErr(ctx, "while waiting in the queue")
}

func (sc *scheduler) releaser(t *Tenant, s *Server) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			sc.mu.Lock()
			defer sc.mu.Unlock()
			sc.running--
			sc.slotsOf(t).running--
			sc.dispatch()
			sc.gauges(s)
		})
	}
}

// dispatch grants slots to waiters in FIFO order, skipping those whose
// tenant is at its own cap.
func (sc *scheduler) dispatch() {
	for i := 0; i < len(sc.waiters) && sc.running < sc.maxRun; {
		w := sc.waiters[i]
		ts := sc.slotsOf(w.t)
		if !sc.canRun(w.t, ts) {
			i++
			continue
		}
		sc.waiters = append(sc.waiters[:i], sc.waiters[i+1:]...)
		sc.queued--
		ts.queued--
		sc.running++
		ts.running++
		w.granted = true
		close(w.ready)
	}
}

func (sc *scheduler) gauges(s *Server) {
	if s == nil {
		return
	}
	s.metrics.running.Set(float64(sc.running))
	s.metrics.queueDepth.Set(float64(sc.queued))
}

// depth reports the queue (for tests).
func (sc *scheduler) depth() (running, queued int) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.running, sc.queued
}

// ctxErr turns a finished context into the server's error.
func ctxErr(ctx context.Context, where string) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errf(diag.Limit, "limit.deadline", "the request ran past its deadline %s", where)
	}
	return errf(diag.Limit, "limit.cancelled", "the request was cancelled %s", where)
}
