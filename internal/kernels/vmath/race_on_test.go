//go:build race

package vmath

// raceEnabled shrinks the sampled accuracy test under the race detector,
// which slows the pure-Go kernels about tenfold.
const raceEnabled = true
