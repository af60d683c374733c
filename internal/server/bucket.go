package server

import (
	"math"
	"sync"
	"time"
)

// bucket is a token bucket: it holds at most burst tokens and refills at
// rate tokens per second. Time comes from the caller, so tests drive it
// with a fake clock.
type bucket struct {
	rate, burst float64
	tokens      float64
	last        time.Time
}

func newBucket(rate, burst float64, now time.Time) *bucket {
	return &bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

func (b *bucket) refill(now time.Time) {
	if b == nil {
		return
	}
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = math.Min(b.burst, b.tokens+dt*b.rate)
	}
	if now.After(b.last) {
		b.last = now
	}
}

// wait returns how long until n tokens are there (0: now).
func (b *bucket) wait(n float64) time.Duration {
	if b == nil || b.tokens >= n {
		return 0
	}
	if b.rate <= 0 {
		return time.Hour
	}
	s := (n - b.tokens) / b.rate
	if s > 3600 {
		s = 3600
	}
	return time.Duration(math.Ceil(s * float64(time.Second)))
}

// buckets are a tenant's three buckets, taken together: a request is
// charged in all of them or in none.
type buckets struct {
	mu                 sync.Mutex
	flops, bytes, reqs *bucket
}

// charge is what one request costs.
type charge struct {
	flops, bytes float64
}

// take charges c in the FLOPs and bytes buckets, in both or in neither.
// On failure it returns which bucket was short ("flops", "bytes") and how
// long until it would not be.
func (bs *buckets) take(c charge, now time.Time) (string, time.Duration) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	bs.flops.refill(now)
	bs.bytes.refill(now)
	for _, x := range []struct {
		name string
		b    *bucket
		n    float64
	}{{"flops", bs.flops, c.flops}, {"bytes", bs.bytes, c.bytes}} {
		if w := x.b.wait(x.n); w > 0 {
			return x.name, w
		}
	}
	if bs.flops != nil {
		bs.flops.tokens -= c.flops
	}
	if bs.bytes != nil {
		bs.bytes.tokens -= c.bytes
	}
	return "", 0
}

// takeRequest charges one request only (for calls that run nothing, such
// as program submission).
func (bs *buckets) takeRequest(now time.Time) time.Duration {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	bs.reqs.refill(now)
	if w := bs.reqs.wait(1); w > 0 {
		return w
	}
	if bs.reqs != nil {
		bs.reqs.tokens--
	}
	return 0
}

// level reports the tokens left in each bucket (for tests and the admin
// view).
func (bs *buckets) level(now time.Time) (flops, bytes, reqs float64) {
	bs.mu.Lock()
	defer bs.mu.Unlock()
	get := func(b *bucket) float64 {
		if b == nil {
			return math.Inf(1)
		}
		b.refill(now)
		return b.tokens
	}
	return get(bs.flops), get(bs.bytes), get(bs.reqs)
}
