// Package verify checks a parsed StableHLO module against the StableHLO
// specification before anything runs it.
//
// Programs may come from hostile users, and the executor's kernels trust
// the shapes, element types and attributes they are handed, so every op's
// constraints (C1, C2, ... in the spec) are checked here once, statically:
// a program that passes cannot make a kernel index out of bounds, overflow a
// size, or recurse. Verification is bounded: no literal is materialised, all
// size arithmetic is overflow-checked, every walk uses an explicit stack, and
// the call graph must be acyclic. The first violation in program order is
// returned as a *diag.Error of kind Rejected whose Rule is a stable dotted
// identifier ("verify.<op>.<what>").
package verify
