package sandbox

import "unsafe"

// alignedBytes returns n zeroed bytes whose first byte lies at a multiple
// of tensorAlign in memory, with capacity for n: frames are read into such
// buffers so that the tensors in them (aligned within the payload) are
// aligned in memory too.
func alignedBytes(n int) []byte {
	b := make([]byte, n+tensorAlign)
	off := 0
	if len(b) > 0 {
		if r := int(uintptr(unsafe.Pointer(&b[0])) % tensorAlign); r != 0 {
			off = tensorAlign - r
		}
	}
	return b[off : off+n : off+n]
}
