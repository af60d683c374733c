package tensor

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/hlogate/hlogate/internal/diag"
)

// .npz files: zip archives of .npy files, as numpy.savez and
// numpy.savez_compressed write them. Each entry must be called NAME.npy;
// the tensor is called NAME.
//
// The archive is hostile until proven otherwise: the number of entries is
// checked (in the end-of-directory record before archive/zip reads the
// directory, and the directory read itself is capped); entry names must be
// plain (no '/', '\\', NUL, control characters, "." or ".."), valid UTF-8
// and unique; only stored and deflated, unencrypted entries are read; and no
// declared size is trusted: each entry is read through a limit of what is
// left of MaxBytes (plus the .npy header allowance), the .npy reader pulls
// no more than its header, the data the header describes and one byte to
// check for the end, and archive/zip checks the CRC and the declared size
// at the end of each entry.
//
// Rules: input.npz.zip, input.npz.entries, input.npz.name, input.npz.size,
// and the .npy rules for each entry (with the entry's name in the error's
// File field).

// Named is a tensor with a name.
type Named struct {
	Name   string
	Tensor *Tensor
}

// DecodeNPZ decodes a complete .npz archive held in memory.
func DecodeNPZ(data []byte, lim DecodeLimits) ([]Named, error) {
	return ReadNPZ(bytes.NewReader(data), int64(len(data)), lim)
}

// ReadNPZ decodes a .npz archive of the given size, returning its tensors in
// archive order.
func ReadNPZ(r io.ReaderAt, size int64, lim DecodeLimits) ([]Named, error) {
	b := newBudget(lim)
	if size < 0 {
		return nil, errf("input.npz.zip", "negative archive size %d", size)
	}
	n, err := zipEntryCount(r, size)
	if err != nil {
		return nil, asDiag(err)
	}
	if n > uint64(b.lim.MaxTensors) {
		return nil, tooManyEntries(n, b.lim.MaxTensors)
	}
	// Cap the bytes archive/zip may read while it parses the central
	// directory; a directory is read record by record until one is bad, so
	// its size (and the memory spent on it) is otherwise only bounded by the
	// archive's.
	br := &capReaderAt{r: r, left: 256<<10 + int64(b.lim.MaxTensors+1)*2048}
	zr, err := zip.NewReader(br, size)
	if br.exceeded {
		return nil, errf("input.npz.entries", "the .npz central directory is larger than %d entries can need", b.lim.MaxTensors).
			WithHint("an archive may hold at most %d entries", b.lim.MaxTensors)
	}
	if errors.Is(err, zip.ErrInsecurePath) {
		return nil, errf("input.npz.name", "the .npz archive has an entry whose name is a path").
			WithHint("entry names must be plain NAME.npy")
	}
	if err != nil {
		var ie *ioError
		if errors.As(err, &ie) {
			return nil, ioDiag(ie.err)
		}
		return nil, errf("input.npz.zip", "the input is not a valid zip archive: %v", err).
			WithHint("write the file with numpy.savez or numpy.savez_compressed")
	}
	br.left = -1 // no cap for the entries themselves
	if len(zr.File) > b.lim.MaxTensors {
		return nil, tooManyEntries(uint64(len(zr.File)), b.lim.MaxTensors)
	}
	seen := make(map[string]bool, len(zr.File))
	out := make([]Named, 0, len(zr.File))
	for _, f := range zr.File {
		name, err := npzEntryName(f.Name)
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, errf("input.npz.name", "the .npz archive has two entries called %q", f.Name).
				WithHint("every array needs its own name")
		}
		seen[name] = true
		if f.Flags&0x1 != 0 {
			return nil, errf("input.npz.zip", "entry %q is encrypted", f.Name)
		}
		if f.Method != zip.Store && f.Method != zip.Deflate {
			return nil, errf("input.npz.zip", "entry %q uses compression method %d; only stored (0) and deflate (8) are supported", f.Name, f.Method)
		}
		limit := b.bytes + maxNPYHeader + 16
		if f.UncompressedSize64 > uint64(limit) {
			return nil, errf("input.npz.size", "entry %q declares %d uncompressed bytes, more than the %d left of the limit", f.Name, f.UncompressedSize64, limit).
				WithHint("use smaller arrays or raise the byte limit")
		}
		t, err := readNPZEntry(f, b, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, Named{Name: name, Tensor: t})
	}
	return out, nil
}

var errEntryTooLong = errors.New("entry longer than the limit")

func readNPZEntry(f *zip.File, b *budget, limit int64) (*Tensor, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, errf("input.npz.zip", "cannot open entry %q: %v", f.Name, err)
	}
	defer rc.Close()
	lr := &strictLimitReader{r: rc, left: limit}
	t, err := readNPY(lr, b)
	if err == nil {
		return t, nil
	}
	var ie *ioError
	if errors.As(err, &ie) {
		if errors.Is(ie.err, errEntryTooLong) {
			return nil, errf("input.npz.size", "entry %q is longer than the %d bytes left of the limit", f.Name, limit).
				WithHint("use smaller arrays or raise the byte limit")
		}
		return nil, errf("input.npz.zip", "entry %q is corrupt: %v", f.Name, ie.err)
	}
	if de, ok := err.(*diag.Error); ok && de.File == "" {
		de.File = f.Name
	}
	return nil, err
}

func tooManyEntries(n uint64, max int) error {
	return errf("input.npz.entries", "the .npz archive has %d entries, more than the limit of %d", n, max).
		WithHint("split the arrays over several files or raise the tensor limit")
}

func npzEntryName(s string) (string, error) {
	bad := func(why string) error {
		return errf("input.npz.name", "the .npz entry name %q is not allowed: %s", s, why).
			WithHint("entries must be called NAME.npy, NAME plain UTF-8 text without '/', '\\' or control characters")
	}
	if !utf8.ValidString(s) {
		return "", bad("it is not valid UTF-8")
	}
	if !strings.HasSuffix(s, ".npy") {
		return "", bad("it does not end in .npy")
	}
	name := strings.TrimSuffix(s, ".npy")
	if err := checkPlainName(name); err != "" {
		return "", bad(err)
	}
	return name, nil
}

// checkPlainName returns why name is not a plain tensor name, or "".
func checkPlainName(name string) string {
	switch {
	case name == "":
		return "the name is empty"
	case name == "." || name == "..":
		return "it is a path"
	case len(name) > 1024:
		return "it is longer than 1024 bytes"
	case !utf8.ValidString(name):
		return "it is not valid UTF-8"
	}
	for _, r := range name {
		switch {
		case r == '/' || r == '\\':
			return "it contains a path separator"
		case r < 0x20 || r == 0x7f:
			return "it contains a control character"
		}
	}
	return ""
}

// capReaderAt fails once more than left bytes have been read (left < 0: no
// cap).
type capReaderAt struct {
	r        io.ReaderAt
	left     int64
	exceeded bool
}

var errCapExceeded = errors.New("read cap exceeded")

func (c *capReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if c.left < 0 {
		return c.r.ReadAt(p, off)
	}
	if int64(len(p)) > c.left {
		c.exceeded = true
		return 0, errCapExceeded
	}
	n, err := c.r.ReadAt(p, off)
	c.left -= int64(n)
	return n, err
}

// strictLimitReader reads at most left bytes and then fails (rather than
// reporting a clean EOF) if the underlying reader has more.
type strictLimitReader struct {
	r    io.Reader
	left int64
}

func (l *strictLimitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, &ioError{errEntryTooLong}
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if err != nil && err != io.EOF {
		err = &ioError{err}
	}
	return n, err
}

// zipEntryCount reads the entry count from the end-of-central-directory
// record (or its zip64 form) the way archive/zip finds it. It returns 0 when
// there is no such record; archive/zip then reports the archive as invalid.
func zipEntryCount(r io.ReaderAt, size int64) (uint64, error) {
	const endLen = 22
	for _, bl := range []int64{1024, 65 * 1024} {
		if bl > size {
			bl = size
		}
		buf := make([]byte, bl)
		if n, err := r.ReadAt(buf, size-bl); err != nil && !(err == io.EOF && int64(n) == bl) {
			return 0, &ioError{err}
		}
		p := -1
		for i := len(buf) - endLen; i >= 0; i-- {
			if buf[i] == 'P' && buf[i+1] == 'K' && buf[i+2] == 5 && buf[i+3] == 6 {
				n := int(binary.LittleEndian.Uint16(buf[i+20:]))
				if n+endLen+i <= len(buf) {
					p = i
				}
				break
			}
		}
		if p < 0 {
			if bl == size {
				return 0, nil
			}
			continue
		}
		rec := buf[p:]
		count := uint64(binary.LittleEndian.Uint16(rec[10:]))
		dirSize := binary.LittleEndian.Uint32(rec[12:])
		dirOff := binary.LittleEndian.Uint32(rec[16:])
		if count != 0xFFFF && dirSize != 0xFFFFFFFF && dirOff != 0xFFFFFFFF {
			return count, nil
		}
		// zip64: the locator sits just before the end record.
		endOff := size - bl + int64(p)
		if endOff < 20 {
			return count, nil
		}
		var loc [20]byte
		if _, err := r.ReadAt(loc[:], endOff-20); err != nil {
			return count, nil
		}
		if binary.LittleEndian.Uint32(loc[:]) != 0x07064b50 {
			return count, nil
		}
		off := binary.LittleEndian.Uint64(loc[8:])
		if off > uint64(size) || uint64(size)-off < 56 {
			return count, nil
		}
		var rec64 [56]byte
		if _, err := r.ReadAt(rec64[:], int64(off)); err != nil {
			return count, nil
		}
		if binary.LittleEndian.Uint32(rec64[:]) != 0x06064b50 {
			return count, nil
		}
		return binary.LittleEndian.Uint64(rec64[32:]), nil
	}
	return 0, nil
}

// EncodeNPZ encodes named tensors as a .npz archive (see WriteNPZ).
func EncodeNPZ(ts []Named, compress bool) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteNPZ(&buf, ts, compress); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteNPZ writes named tensors as a .npz archive, in order, each as
// NAME.npy encoded by WriteNPY; stored like numpy.savez, or deflated like
// numpy.savez_compressed when compress is set. Names must be plain and
// unique (rule "output.npz.name").
func WriteNPZ(w io.Writer, ts []Named, compress bool) error {
	seen := make(map[string]bool, len(ts))
	for _, nt := range ts {
		if why := checkPlainName(nt.Name); why != "" {
			return errf("output.npz.name", "the tensor name %q cannot be used in a .npz archive: %s", nt.Name, why)
		}
		if seen[nt.Name] {
			return errf("output.npz.name", "two tensors are called %q", nt.Name)
		}
		seen[nt.Name] = true
		if err := nt.Tensor.Validate(); err != nil {
			return err
		}
	}
	zw := zip.NewWriter(w)
	method := zip.Store
	if compress {
		method = zip.Deflate
	}
	for _, nt := range ts {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: nt.Name + ".npy", Method: method})
		if err != nil {
			return writeErr(err)
		}
		if err := WriteNPY(fw, nt.Tensor); err != nil {
			return err
		}
	}
	return writeErr(zw.Close())
}
