//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

// detectCaches reads the deterministic cache parameters: CPUID leaf 4
// (Intel) or 0x8000001D (AMD with topology extensions). Feature detection
// itself is golang.org/x/sys/cpu's.
func detectCaches() cacheInfo {
	max0, _, _, _ := cpuid(0, 0)
	maxExt, _, _, _ := cpuid(0x80000000, 0)
	leaf := uint32(0)
	switch {
	case maxExt >= 0x8000001D && amdTopoExt():
		leaf = 0x8000001D
	case max0 >= 4:
		leaf = 4
	default:
		return defaultCaches.sane()
	}
	var c cacheInfo
	for sub := uint32(0); sub < 16; sub++ {
		eax, ebx, ecx, _ := cpuid(leaf, sub)
		typ := eax & 0x1F
		if typ == 0 {
			break
		}
		if typ != 1 && typ != 3 { // data or unified
			continue
		}
		level := (eax >> 5) & 7
		ways := int(ebx>>22) + 1
		parts := int((ebx>>12)&0x3FF) + 1
		line := int(ebx&0xFFF) + 1
		sets := int(ecx) + 1
		size := ways * parts * line * sets
		switch level {
		case 1:
			c.l1 = size
		case 2:
			c.l2 = size
		case 3:
			c.l3 = size
		}
	}
	return c.sane()
}

// amdTopoExt reports CPUID.80000001H:ECX[22] (TopologyExtensions), which
// makes leaf 0x8000001D valid.
func amdTopoExt() bool {
	_, _, ecx, _ := cpuid(0x80000001, 0)
	return ecx&(1<<22) != 0
}

// machineImpls returns the assembly families this CPU and OS support, best
// first. HasAVX512F and HasAVX2 already include the OS's XCR0 check that
// the ZMM / YMM state is enabled.
func machineImpls(c cacheInfo) []*impl {
	var out []*impl
	if cpu.X86.HasAVX512F && cpu.X86.HasFMA {
		out = append(out, avx512Impl(c))
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		out = append(out, avx2Impl(c))
	}
	return out
}
