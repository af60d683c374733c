package vmath

//go:generate go run ./internal/asmgen -o kernels_amd64.s
