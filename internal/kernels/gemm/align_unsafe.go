package gemm

import "unsafe"

// alignPad is the slack, in bytes, that aligned buffers carry.
const alignPad = 64

// alignedSlice returns a slice of n elements whose first element sits on a
// 64-byte boundary (a cache line, and a zmm load that never splits lines).
func alignedSlice[T float](n int) []T {
	var z T
	es := int(unsafe.Sizeof(z))
	buf := make([]T, n+alignPad/es)
	off := 0
	if r := int(uintptr(unsafe.Pointer(unsafe.SliceData(buf))) % alignPad); r != 0 {
		off = (alignPad - r) / es
	}
	return buf[off : off+n : off+n]
}

func unsafeSizeof[T float](z T) uintptr { return unsafe.Sizeof(z) }
