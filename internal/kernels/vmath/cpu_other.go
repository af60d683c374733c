//go:build !amd64 || purego

package vmath

func machineImpls() []*impl { return nil }
