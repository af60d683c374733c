package gemm

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Worker goroutines.
//
// Waking a parked goroutine's thread takes tens of µs on a virtual machine
// (the idle vCPU has to be interrupted), as long as a whole 256³ multiply
// on one core. So workers are kept: after a task a worker spins (yielding
// its P on every turn) for spinFor before it parks, and a multiply that
// follows soon finds it awake, as OpenBLAS's threads are. Workers are
// created on demand and never exit; an idle parked worker costs a
// goroutine. The caller waits for its workers the same way: spinning for a
// while, then blocking.

// spinFor is how long an idle worker (or a waiting caller) spins before it
// parks.
const spinFor = 100 * time.Microsecond

type worker struct {
	task   atomic.Pointer[task]
	parked atomic.Bool
	wake   chan struct{}
}

type task struct {
	f func(int)
	t int
	b *batch
}

// batch is one parallel call: its tasks, how many are still running, and
// the first panic.
type batch struct {
	tasks   []task
	pending atomic.Int32
	done    chan struct{}
	mu      sync.Mutex
	pv      any
	failed  bool
}

var idle struct {
	mu      sync.Mutex
	workers []*worker
}

// takeWorkers returns n workers, idle ones first, new ones for the rest.
func takeWorkers(n int, out []*worker) []*worker {
	idle.mu.Lock()
	k := min(n, len(idle.workers))
	out = append(out, idle.workers[len(idle.workers)-k:]...)
	idle.workers = idle.workers[:len(idle.workers)-k]
	idle.mu.Unlock()
	for len(out) < n {
		w := &worker{wake: make(chan struct{}, 1)}
		go w.loop()
		out = append(out, w)
	}
	return out
}

func (w *worker) loop() {
	for {
		t := w.await()
		b := t.b
		b.run(t.f, t.t)
		idle.mu.Lock()
		idle.workers = append(idle.workers, w)
		idle.mu.Unlock()
		if b.pending.Add(-1) == 0 {
			b.done <- struct{}{}
		}
	}
}

// await spins for spinFor, then parks, until a task arrives.
func (w *worker) await() *task {
	start := time.Now()
	for i := 0; ; i++ {
		if t := w.task.Swap(nil); t != nil {
			return t
		}
		runtime.Gosched()
		if i%16 == 15 && time.Since(start) > spinFor {
			break
		}
	}
	for {
		w.parked.Store(true)
		if t := w.task.Swap(nil); t != nil {
			w.parked.Store(false)
			return t
		}
		<-w.wake // a token may be stale: check again
		w.parked.Store(false)
		if t := w.task.Swap(nil); t != nil {
			return t
		}
	}
}

func (w *worker) give(t *task) {
	w.task.Store(t)
	if w.parked.Load() {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

func (b *batch) run(f func(int), t int) {
	defer func() {
		if r := recover(); r != nil {
			b.mu.Lock()
			if !b.failed {
				b.pv, b.failed = r, true
			}
			b.mu.Unlock()
		}
	}()
	f(t)
}

// parallel runs f(0..n-1), f(0) on the caller's goroutine and the others on
// workers, and waits for all. A panic in any of them is re-raised on the
// caller's goroutine after all have finished.
func parallel(n int, f func(t int)) {
	if n == 1 {
		f(0)
		return
	}
	b := &batch{tasks: make([]task, n-1), done: make(chan struct{}, 1)}
	b.pending.Store(int32(n - 1))
	var buf [8]*worker
	ws := takeWorkers(n-1, buf[:0])
	for i, w := range ws {
		b.tasks[i] = task{f: f, t: i + 1, b: b}
		w.give(&b.tasks[i])
	}
	b.run(f, 0)
	start := time.Now()
	for i := 0; b.pending.Load() != 0; i++ {
		if i%16 == 15 && time.Since(start) > spinFor {
			break
		}
		runtime.Gosched()
	}
	<-b.done
	if b.failed {
		panic(b.pv)
	}
}
