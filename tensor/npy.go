package tensor

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// .npy files (numpy's format, versions 1.0, 2.0 and 3.0).
//
// The header dictionary is read by a small parser for exactly the literal
// numpy writes ({'descr': ..., 'fortran_order': ..., 'shape': (...), }),
// never by a general evaluator. Accepted descr values: |b1, i1/u1 (any
// byte-order mark), <i2 <i4 <i8 <u2 <u4 <u8 <f2 <f4 <f8 <c8 <c16 and their
// big-endian '>' forms (byte-swapped on read), plus the ml_dtypes names
// bfloat16, float8_e3m4, float8_e4m3, float8_e4m3fn, float8_e4m3fnuz,
// float8_e4m3b11fnuz, float8_e5m2, float8_e5m2fnuz, float8_e8m0fnu,
// float6_e2m3fn, float6_e3m2fn, float4_e2m1fn, int2, int4, uint2, uint4.
// numpy itself saves ml_dtypes arrays as raw void ('<V2', '|V1'), from which
// the element type cannot be recovered; those are rejected with a hint.
// Object arrays (pickles), structured dtypes, strings and datetimes are
// always rejected. fortran_order True is transposed into row-major order.
//
// Rules: input.npy.magic, input.npy.version, input.npy.header,
// input.npy.dtype, input.npy.shape, input.npy.data, plus the shared
// input.rank and input.size.

var npyMagic = []byte("\x93NUMPY")

// mlDTypeNames are the ml_dtypes spellings (also numpy's, for the standard
// types), used by the .npy descr extension and by JSON.
var mlDTypeNames = map[string]DType{
	"bfloat16":           BF16,
	"float8_e3m4":        F8E3M4,
	"float8_e4m3":        F8E4M3,
	"float8_e4m3fn":      F8E4M3FN,
	"float8_e4m3fnuz":    F8E4M3FNUZ,
	"float8_e4m3b11fnuz": F8E4M3B11FNUZ,
	"float8_e5m2":        F8E5M2,
	"float8_e5m2fnuz":    F8E5M2FNUZ,
	"float8_e8m0fnu":     F8E8M0FNU,
	"float6_e2m3fn":      F6E2M3FN,
	"float6_e3m2fn":      F6E3M2FN,
	"float4_e2m1fn":      F4E2M1FN,
	"int2":               I2,
	"int4":               I4,
	"uint2":              U2,
	"uint4":              U4,
}

var npyStdCodes = map[string]DType{
	"b1": Bool, "i1": I8, "u1": U8,
	"i2": I16, "i4": I32, "i8": I64,
	"u2": U16, "u4": U32, "u8": U64,
	"f2": F16, "f4": F32, "f8": F64,
	"c8": C64, "c16": C128,
}

type npyHeader struct {
	dtype   DType
	swap    bool // big-endian data
	fortran bool
	shape   []int64
}

// DecodeNPY decodes a complete .npy file held in memory. The header's shape
// is checked against lim and against the number of bytes that follow it,
// which must match exactly.
func DecodeNPY(data []byte, lim DecodeLimits) (*Tensor, error) {
	b := newBudget(lim)
	br := bytes.NewReader(data)
	h, err := readNPYHeader(br, b)
	if err != nil {
		return nil, err
	}
	size, err := b.take(h.dtype, h.shape)
	if err != nil {
		return nil, err
	}
	if rest := int64(br.Len()); rest != size {
		return nil, npyLengthError(h, size, rest)
	}
	raw := bytes.Clone(data[len(data)-br.Len():])
	return finishNPY(h, raw, b)
}

// ReadNPY decodes one .npy file from r, reading exactly the file (it fails
// if anything follows the data).
func ReadNPY(r io.Reader, lim DecodeLimits) (*Tensor, error) {
	t, err := readNPY(r, newBudget(lim))
	return t, asDiag(err)
}

// readNPY may return an *ioError for failures of r.
func readNPY(r io.Reader, b *budget) (*Tensor, error) {
	h, err := readNPYHeader(r, b)
	if err != nil {
		return nil, err
	}
	size, err := b.take(h.dtype, h.shape)
	if err != nil {
		return nil, err
	}
	raw, full, err := readExact(r, size)
	if err != nil {
		return nil, err
	}
	if !full {
		return nil, npyLengthError(h, size, int64(len(raw)))
	}
	eof, err := atEOF(r)
	if err != nil {
		return nil, err
	}
	if !eof {
		return nil, errf("input.npy.data", "the .npy file has bytes after the %d bytes of data its header describes", size).
			WithHint("remove the trailing bytes or fix the header's shape")
	}
	return finishNPY(h, raw, b)
}

func npyLengthError(h *npyHeader, want, got int64) error {
	if got < want {
		return errf("input.npy.data", "the header describes %d bytes of data (%s, shape %s) but the file has only %d", want, h.dtype, fmtShape(h.shape), got).
			WithHint("the file is truncated or its header's shape is wrong")
	}
	return errf("input.npy.data", "the header describes %d bytes of data (%s, shape %s) but the file has %d", want, h.dtype, fmtShape(h.shape), got).
		WithHint("remove the trailing bytes or fix the header's shape")
}

func finishNPY(h *npyHeader, raw []byte, b *budget) (*Tensor, error) {
	d := h.dtype
	if h.swap {
		swapBytes(d, raw)
	}
	switch d {
	case Bool:
		if i, ok := firstNonCanonical(d, raw); !ok {
			return nil, errf("input.npy.data", "boolean element %d is stored as 0x%02x; only 0 and 1 are allowed", i, raw[i])
		}
	default:
		canonicalize(d, raw)
	}
	if h.fortran && len(h.shape) > 1 {
		if int64(len(raw)) > b.bytes {
			return nil, errf("input.size", "transposing a fortran_order array of %d bytes needs as much again, more than the %d bytes left of the limit", len(raw), b.bytes).
				WithHint("save the array in C order (np.ascontiguousarray) or raise the byte limit")
		}
		raw = fortranToC(d, h.shape, raw)
	}
	return &Tensor{DType: d, Shape: h.shape, Data: raw}, nil
}

func swapBytes(d DType, b []byte) {
	s := d.Size()
	if p := d.ComplexPart(); p != Invalid {
		s = p.Size()
	}
	if s <= 1 {
		return
	}
	for i := 0; i+s <= len(b); i += s {
		e := b[i : i+s]
		for j, k := 0, s-1; j < k; j, k = j+1, k-1 {
			e[j], e[k] = e[k], e[j]
		}
	}
}

// fortranToC reorders column-major data into row-major order.
func fortranToC(d DType, shape []int64, src []byte) []byte {
	es := int64(d.Size())
	n := int64(len(src)) / es
	if n == 0 {
		return src
	}
	rank := len(shape)
	cstr := make([]int64, rank)
	cstr[rank-1] = 1
	for k := rank - 2; k >= 0; k-- {
		cstr[k] = cstr[k+1] * shape[k+1]
	}
	dst := make([]byte, len(src))
	idx := make([]int64, rank)
	off := int64(0)
	for j := int64(0); j < n; j++ {
		copy(dst[off*es:off*es+es], src[j*es:j*es+es])
		for k := 0; k < rank; k++ {
			idx[k]++
			off += cstr[k]
			if idx[k] < shape[k] {
				break
			}
			off -= idx[k] * cstr[k]
			idx[k] = 0
		}
	}
	return dst
}

func readNPYHeader(r io.Reader, b *budget) (*npyHeader, error) {
	pre, full, err := readExact(r, 8)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(pre, npyMagic) {
		if !full && bytes.HasPrefix(npyMagic, pre) {
			return nil, errf("input.npy.magic", "the input ends after %d bytes, inside the .npy magic string", len(pre))
		}
		return nil, badMagic(pre)
	}
	if !full {
		return nil, errf("input.npy.header", "the input ends inside the .npy version field")
	}
	major, minor := pre[6], pre[7]
	if major < 1 || major > 3 || minor != 0 {
		return nil, errf("input.npy.version", "unsupported .npy format version %d.%d", major, minor).
			WithHint("versions 1.0, 2.0 and 3.0 are supported")
	}
	lenBytes := int64(2)
	if major > 1 {
		lenBytes = 4
	}
	lb, full, err := readExact(r, lenBytes)
	if err != nil {
		return nil, err
	}
	if !full {
		return nil, errf("input.npy.header", "the input ends inside the .npy header length field")
	}
	var hlen uint32
	if lenBytes == 2 {
		hlen = uint32(binary.LittleEndian.Uint16(lb))
	} else {
		hlen = binary.LittleEndian.Uint32(lb)
	}
	if hlen > maxNPYHeader {
		return nil, errf("input.npy.header", "the .npy header claims %d bytes, more than the limit of %d", hlen, maxNPYHeader).
			WithHint("the file is corrupt or not a plain numpy array")
	}
	text, full, err := readExact(r, int64(hlen))
	if err != nil {
		return nil, err
	}
	if !full {
		return nil, errf("input.npy.header", "the .npy header claims %d bytes but the input ends after %d", hlen, len(text)).
			WithHint("the file is truncated")
	}
	if major == 3 && !utf8.Valid(text) {
		return nil, errf("input.npy.header", "the version 3.0 .npy header is not valid UTF-8")
	}
	return parseNPYDict(text, b)
}

func badMagic(pre []byte) error {
	switch {
	case len(pre) >= 2 && pre[0] == 0x80 && pre[1] >= 2 && pre[1] <= 5:
		return errf("input.npy.magic", "the input is a Python pickle, not a .npy file").
			WithHint("pickles can run code and are never loaded; save the array with numpy.save")
	case bytes.HasPrefix(pre, []byte("PK\x03\x04")) || bytes.HasPrefix(pre, []byte("PK\x05\x06")):
		return errf("input.npy.magic", "the input is a zip archive (an .npz?), not a .npy file").
			WithHint("load it as .npz")
	}
	return errf("input.npy.magic", "the input does not start with the .npy magic string \\x93NUMPY").
		WithHint("save the array with numpy.save")
}

// pyLex reads the tiny Python-literal subset of a .npy header.
type pyLex struct {
	s []byte
	i int
}

func (p *pyLex) ws() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *pyLex) peek() byte {
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *pyLex) at() string {
	if p.i >= len(p.s) {
		return "the end of the header"
	}
	end := p.i + 12
	if end > len(p.s) {
		end = len(p.s)
	}
	return fmt.Sprintf("byte %d (%q)", p.i, p.s[p.i:end])
}

func (p *pyLex) expect(c byte) error {
	p.ws()
	if p.peek() != c {
		return errf("input.npy.header", "the .npy header dictionary is malformed: expected %q at %s", c, p.at())
	}
	p.i++
	return nil
}

func (p *pyLex) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", errf("input.npy.header", "the .npy header dictionary is malformed: expected a quoted string at %s", p.at())
	}
	start := p.i + 1
	for j := start; j < len(p.s); j++ {
		switch p.s[j] {
		case q:
			p.i = j + 1
			return string(p.s[start:j]), nil
		case '\\', '\n', '\r':
			return "", errf("input.npy.header", "the .npy header has an unsupported character inside a string at byte %d", j)
		}
	}
	return "", errf("input.npy.header", "the .npy header has an unterminated string")
}

func (p *pyLex) ident() string {
	start := p.i
	for p.i < len(p.s) && (p.s[p.i] >= 'a' && p.s[p.i] <= 'z' || p.s[p.i] >= 'A' && p.s[p.i] <= 'Z' || p.s[p.i] == '_') {
		p.i++
	}
	return string(p.s[start:p.i])
}

// dim reads one shape entry: a non-negative decimal integer, optionally with
// Python 2's L suffix.
func (p *pyLex) dim(k int) (int64, error) {
	neg := false
	if c := p.peek(); c == '-' || c == '+' {
		neg = c == '-'
		p.i++
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	digits := string(p.s[start:p.i])
	if digits == "" {
		return 0, errf("input.npy.shape", "dimension %d of the .npy shape is not an integer (at %s)", k, p.at())
	}
	if c := p.peek(); c == 'L' || c == 'l' {
		p.i++
	}
	if len(digits) > 1 && digits[0] == '0' {
		return 0, errf("input.npy.shape", "dimension %d of the .npy shape, %q, has a leading zero", k, digits)
	}
	if neg && strings.Trim(digits, "0") != "" {
		return 0, errf("input.npy.shape", "dimension %d of the .npy shape is negative (-%s)", k, digits).
			WithHint("every dimension must be 0 or more")
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, errf("input.size", "dimension %d of the .npy shape (%s) is too large", k, digits)
	}
	return v, nil
}

func parseNPYDict(text []byte, b *budget) (*npyHeader, error) {
	p := &pyLex{s: text}
	h := &npyHeader{}
	if err := p.expect('{'); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for {
		p.ws()
		if p.peek() == '}' {
			p.i++
			break
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		if seen[key] {
			return nil, errf("input.npy.header", "the .npy header has the key %q twice", key)
		}
		seen[key] = true
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		p.ws()
		switch key {
		case "descr":
			if c := p.peek(); c == '[' || c == '(' || c == '{' {
				return nil, errf("input.npy.dtype", "the .npy file holds a structured array (record dtype)").
					WithHint("only plain numeric arrays are supported; save each field as its own array")
			}
			s, err := p.str()
			if err != nil {
				return nil, err
			}
			h.dtype, h.swap, err = parseDescr(s)
			if err != nil {
				return nil, err
			}
		case "fortran_order":
			switch id := p.ident(); id {
			case "True":
				h.fortran = true
			case "False":
				h.fortran = false
			default:
				return nil, errf("input.npy.header", "the .npy header's fortran_order must be True or False (at %s)", p.at())
			}
		case "shape":
			shape, err := p.shape(b)
			if err != nil {
				return nil, err
			}
			h.shape = shape
		default:
			return nil, errf("input.npy.header", "the .npy header has the unknown key %q", key).
				WithHint("the header must hold exactly 'descr', 'fortran_order' and 'shape'")
		}
		p.ws()
		switch p.peek() {
		case ',':
			p.i++
			continue
		case '}':
			p.i++
		default:
			return nil, errf("input.npy.header", "the .npy header dictionary is malformed: expected ',' or '}' at %s", p.at())
		}
		break
	}
	p.ws()
	if p.i != len(p.s) {
		return nil, errf("input.npy.header", "the .npy header has unexpected text after the dictionary, at %s", p.at())
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return nil, errf("input.npy.header", "the .npy header has no %q key", k).
				WithHint("the header must hold exactly 'descr', 'fortran_order' and 'shape'")
		}
	}
	return h, nil
}

func (p *pyLex) shape(b *budget) ([]int64, error) {
	if p.peek() != '(' {
		return nil, errf("input.npy.shape", "the .npy shape must be a tuple such as (2, 3) (at %s)", p.at())
	}
	p.i++
	shape := []int64{}
	trailingComma := false
	for {
		p.ws()
		if p.peek() == ')' {
			p.i++
			break
		}
		if err := b.checkRank(len(shape) + 1); err != nil {
			return nil, err
		}
		v, err := p.dim(len(shape))
		if err != nil {
			return nil, err
		}
		shape = append(shape, v)
		trailingComma = false
		p.ws()
		switch p.peek() {
		case ',':
			p.i++
			trailingComma = true
			continue
		case ')':
			p.i++
		default:
			return nil, errf("input.npy.shape", "the .npy shape tuple is malformed at %s", p.at())
		}
		break
	}
	if len(shape) == 1 && !trailingComma {
		return nil, errf("input.npy.shape", "the .npy shape (%d) is not a tuple", shape[0]).
			WithHint("a one-dimensional shape is written (%d,)", shape[0])
	}
	return shape, nil
}

// parseDescr maps a numpy type string to a DType and whether the data is
// big-endian.
func parseDescr(s string) (DType, bool, error) {
	if d, ok := mlDTypeNames[s]; ok {
		return d, false, nil
	}
	bad := func(format string, args ...any) (DType, bool, error) {
		return Invalid, false, errf("input.npy.dtype", "%s", fmt.Sprintf(format, args...))
	}
	if len(s) < 2 {
		return bad("unsupported .npy dtype %q", s)
	}
	order, code := s[0], s[1:]
	if order != '<' && order != '>' && order != '|' {
		if order == '=' {
			return Invalid, false, errf("input.npy.dtype", "the .npy dtype %q uses native byte order, which the file cannot tell", s).
				WithHint("numpy writes '<' or '>'; use one of those")
		}
		return bad("unsupported .npy dtype %q (no byte-order mark)", s)
	}
	d, ok := npyStdCodes[code]
	if !ok {
		switch code[0] {
		case 'O':
			return Invalid, false, errf("input.npy.dtype", "the .npy file holds Python objects (dtype %q), which are stored as a pickle", s).
				WithHint("pickles can run code and are never loaded; convert the array to a numeric dtype")
		case 'V':
			return Invalid, false, errf("input.npy.dtype", "the .npy dtype %q is raw void bytes; numpy saves bfloat16 and float8 (ml_dtypes) arrays this way and the element type is lost", s).
				WithHint("save the array with a numeric dtype, or write the ml_dtypes name (for example 'bfloat16') as the descr, or use safetensors or JSON")
		case 'U', 'S', 'a':
			return bad("the .npy file holds strings (dtype %q); only numeric arrays are supported", s)
		case 'M', 'm':
			return bad("the .npy file holds dates or times (dtype %q); only numeric arrays are supported", s)
		}
		return bad("unsupported .npy dtype %q", s)
	}
	size := d.Size()
	if order == '|' && size > 1 {
		return bad("the .npy dtype %q has no byte order but its elements are %d bytes", s, size)
	}
	return d, order == '>' && size > 1, nil
}

// npyDescr is the descr the writer uses for d.
func npyDescr(d DType) (string, bool) {
	switch d {
	case Bool:
		return "|b1", true
	case I8:
		return "|i1", true
	case U8:
		return "|u1", true
	case I16:
		return "<i2", true
	case I32:
		return "<i4", true
	case I64, Index:
		return "<i8", true
	case U16:
		return "<u2", true
	case U32:
		return "<u4", true
	case U64:
		return "<u8", true
	case F16:
		return "<f2", true
	case F32:
		return "<f4", true
	case F64:
		return "<f8", true
	case C64:
		return "<c8", true
	case C128:
		return "<c16", true
	}
	for name, md := range mlDTypeNames {
		if md == d {
			return name, true
		}
	}
	return "", false
}

// EncodeNPY encodes t as a .npy file (see WriteNPY).
func EncodeNPY(t *Tensor) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteNPY(&buf, t); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteNPY writes t as a .npy file laid out byte for byte as numpy 2.x does:
// version 1.0 (2.0 if the header needs more than 65535 bytes), C order,
// little-endian, header padded with spaces to a multiple of 64 bytes and
// ended by '\n'. bf16, the f8/f6/f4 types and i2/i4/ui2/ui4 get their
// ml_dtypes names as descr (numpy can read them once ml_dtypes is imported);
// index is written as '<i8' and so reads back as i64.
func WriteNPY(w io.Writer, t *Tensor) error {
	if err := t.Validate(); err != nil {
		return err
	}
	descr, ok := npyDescr(t.DType)
	if !ok {
		return errf("output.npy.dtype", "%s has no .npy encoding", t.DType)
	}
	hdr := npyHeaderBytes(descr, t.Shape)
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(hdr); err != nil {
		return writeErr(err)
	}
	if _, err := bw.Write(t.Data); err != nil {
		return writeErr(err)
	}
	return writeErr(bw.Flush())
}

func npyHeaderBytes(descr string, shape []int64) []byte {
	var sb strings.Builder
	fmt.Fprintf(&sb, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr)
	for i, d := range shape {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(strconv.FormatInt(d, 10))
	}
	if len(shape) == 1 {
		sb.WriteByte(',')
	}
	sb.WriteString("), }")
	// numpy leaves room to grow the first axis in place.
	if len(shape) > 0 {
		if n := 21 - len(strconv.FormatInt(shape[0], 10)); n > 0 {
			sb.WriteString(strings.Repeat(" ", n))
		}
	}
	header := sb.String()
	hlen := len(header) + 1 // '\n'
	pre := 10
	if pad := 64 - (pre+hlen)%64; hlen+pad > 65535 {
		pre = 12
	}
	pad := 64 - (pre+hlen)%64
	out := make([]byte, 0, pre+hlen+pad)
	out = append(out, npyMagic...)
	if pre == 10 {
		out = append(out, 1, 0)
		out = binary.LittleEndian.AppendUint16(out, uint16(hlen+pad))
	} else {
		out = append(out, 2, 0)
		out = binary.LittleEndian.AppendUint32(out, uint32(hlen+pad))
	}
	out = append(out, header...)
	for range pad {
		out = append(out, ' ')
	}
	return append(out, '\n')
}

func writeErr(err error) error {
	if err == nil {
		return nil
	}
	return ioWriteDiag(err)
}
