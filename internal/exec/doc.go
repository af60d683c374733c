// Package exec is hlogate's reference executor: it runs a verified module op
// by op with simple, obviously correct kernels for every op. It is the
// correctness oracle that the fast plan engine is tested against, so clarity
// wins over speed everywhere in it.
//
// Execution is metered. Every tensor is allocated through a Budget that
// reserves bytes before allocating and releases them when the value dies
// (values are reference counted, and a value dies after its last use in the
// block, computed before the block runs). Work is charged to a meter that
// checks the context's cancellation and the step limit at loop headers and
// every few thousand elements inside long kernels, so a stop is prompt and
// leaves nothing allocated.
package exec
