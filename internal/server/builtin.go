package server

import (
	"embed"
	"io/fs"
)

// builtinFS is a tiny example repository: affine (static, weights in the
// program), dense (weights bound from weights.npz) and double
// (shape-polymorphic).
//
//go:embed all:testdata/builtin
var builtinFS embed.FS

// BuiltinRepository returns the tiny repository compiled into this
// package: the fixture of its tests. `hlogate serve` serves models.FS (the
// example repository of package models) by default, not this.
func BuiltinRepository() fs.FS {
	sub, err := fs.Sub(builtinFS, "testdata/builtin")
	if err != nil {
		panic(err) // the path is a constant of this package
	}
	return sub
}
