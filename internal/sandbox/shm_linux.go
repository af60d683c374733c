package sandbox

import (
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// Shared memory between the parent and a pool worker: a sealed memfd of
// two regions, requests in the first and responses in the second. A frame
// whose payload fits its region travels as a bare header on the pipe with
// flagShared set, its payload in the region: tensors then cross without
// the two copies through the kernel a pipe costs (measured: ~23 µs of CPU
// per 128 KiB each way on the project machine), and the worker runs on
// its inputs where they lie.
//
// The worker is untrusted, so the parent never reads the request region
// back and copies a response out of its region before decoding it (the
// worker may change it at any time); the memfd is sealed against growing
// and shrinking, so the worker cannot make the parent's mapping fault.

// shmGranule rounds region sizes (page-aligned, so payloads are aligned).
const shmGranule = 64 << 10

// shm is one worker's mapping, in the parent or in the worker. mu guards
// mem against unmapping while a request uses it.
type shm struct {
	mu   sync.Mutex
	mem  []byte
	size int // of each region
	file *os.File
}

func (s *shm) requests() []byte  { return s.mem[:s.size:s.size] }
func (s *shm) responses() []byte { return s.mem[s.size : 2*s.size : 2*s.size] }

// newShm creates the parent's side: a sealed memfd of two regions of size
// bytes (rounded up), mapped; file is to be passed to the worker.
func newShm(size int) (*shm, error) {
	size = (size + shmGranule - 1) / shmGranule * shmGranule
	fd, err := unix.MemfdCreate("hlogate-ipc", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, fmt.Errorf("memfd_create: %w", err)
	}
	f := os.NewFile(uintptr(fd), "hlogate-ipc")
	if err := unix.Ftruncate(fd, int64(2*size)); err != nil {
		f.Close()
		return nil, fmt.Errorf("sizing shared memory: %w", err)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_SEAL); err != nil {
		f.Close()
		return nil, fmt.Errorf("sealing shared memory: %w", err)
	}
	mem, err := unix.Mmap(fd, 0, 2*size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("mapping shared memory: %w", err)
	}
	return &shm{mem: mem, size: size, file: f}, nil
}

// mapShm is the worker's side: the memfd it inherited at fd.
func mapShm(fd int, size int) (*shm, error) {
	if size <= 0 || size%shmGranule != 0 || size > 1<<30 {
		return nil, fmt.Errorf("shared memory region of %d bytes", size)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil || st.Size != int64(2*size) {
		return nil, fmt.Errorf("shared memory descriptor: size %d, want %d (%v)", st.Size, 2*size, err)
	}
	mem, err := unix.Mmap(fd, 0, 2*size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("mapping shared memory: %w", err)
	}
	unix.Close(fd)
	return &shm{mem: mem, size: size}, nil
}

// closeFile drops the parent's descriptor once the worker holds its own.
func (s *shm) closeFile() {
	if s != nil && s.file != nil {
		s.file.Close()
		s.file = nil
	}
}

// unmap releases the mapping; a request that takes mu afterwards finds
// mem nil.
func (s *shm) unmap() {
	if s == nil {
		return
	}
	s.closeFile()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mem != nil {
		_ = unix.Munmap(s.mem)
		s.mem = nil
	}
}
