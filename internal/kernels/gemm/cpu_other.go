//go:build !amd64 || purego

package gemm

func detectCaches() cacheInfo { return defaultCaches.sane() }

func machineImpls(cacheInfo) []*impl { return nil }
