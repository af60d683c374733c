package tensor

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
)

// safetensors files: an 8-byte little-endian header length N, N bytes of
// JSON header, then the data buffer. The header maps each tensor name to
// {"dtype": ..., "shape": [...], "data_offsets": [begin, end]} (offsets
// relative to the buffer) and may hold "__metadata__", a string → string
// map.
//
// As the format requires, the tensors must tile the buffer exactly: sorted
// by offset they start at 0, each begins where the previous one ends (no
// gap, no overlap), end - begin equals the byte size of dtype × shape, and
// the last one ends at the end of the buffer (no trailing bytes). The header
// must start with '{', be valid UTF-8 and is capped at 16 MiB; names must be
// unique, non-empty and free of control characters; unknown keys are
// rejected.
//
// dtypes: BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64,
// F8_E4M3 (= f8E4M3FN, as in PyTorch's float8_e4m3fn), F8_E5M2, F8_E8M0
// (f8E8M0FNU) and C64. The packed F4/F6 types are not supported.
//
// Rules: input.safetensors.header, input.safetensors.tensors,
// input.safetensors.name, input.safetensors.dtype, input.safetensors.shape,
// input.safetensors.offsets, input.safetensors.metadata,
// input.safetensors.data, and the shared input.rank and input.size.

var stDTypes = map[string]DType{
	"BOOL": Bool, "U8": U8, "I8": I8, "I16": I16, "U16": U16,
	"I32": I32, "U32": U32, "I64": I64, "U64": U64,
	"F16": F16, "BF16": BF16, "F32": F32, "F64": F64,
	"F8_E4M3": F8E4M3FN, "F8_E5M2": F8E5M2, "F8_E8M0": F8E8M0FNU,
	"C64": C64,
}

func stDTypeName(d DType) (string, bool) {
	if d == Index {
		return "I64", true
	}
	for n, sd := range stDTypes {
		if sd == d {
			return n, true
		}
	}
	return "", false
}

type stEntry struct {
	name       string
	dtype      DType
	shape      []int64
	begin, end int64
}

// DecodeSafetensors decodes a complete safetensors file held in memory. It
// returns the tensors in header order and the metadata (nil if none).
func DecodeSafetensors(data []byte, lim DecodeLimits) ([]Named, map[string]string, error) {
	b := newBudget(lim)
	if len(data) < 8 {
		return nil, nil, errf("input.safetensors.header", "the input is %d bytes long, too short for the 8-byte safetensors header length", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	if err := checkSTHeaderLen(n, uint64(len(data)-8)); err != nil {
		return nil, nil, err
	}
	entries, meta, total, err := parseSTHeader(data[8:8+n], b)
	if err != nil {
		return nil, nil, err
	}
	buf := data[8+n:]
	if int64(len(buf)) != total {
		return nil, nil, stLengthError(total, int64(len(buf)))
	}
	out, err := stTensors(entries, bytes.Clone(buf))
	return out, meta, err
}

// ReadSafetensors reads a safetensors file from r, exactly (it fails if
// anything follows the buffer).
func ReadSafetensors(r io.Reader, lim DecodeLimits) ([]Named, map[string]string, error) {
	out, meta, err := readSafetensors(r, newBudget(lim))
	return out, meta, asDiag(err)
}

func readSafetensors(r io.Reader, b *budget) ([]Named, map[string]string, error) {
	lb, full, err := readExact(r, 8)
	if err != nil {
		return nil, nil, err
	}
	if !full {
		return nil, nil, errf("input.safetensors.header", "the input is %d bytes long, too short for the 8-byte safetensors header length", len(lb))
	}
	n := binary.LittleEndian.Uint64(lb)
	if err := checkSTHeaderLen(n, math.MaxUint64); err != nil {
		return nil, nil, err
	}
	text, full, err := readExact(r, int64(n))
	if err != nil {
		return nil, nil, err
	}
	if !full {
		return nil, nil, errf("input.safetensors.header", "the safetensors header claims %d bytes but the input ends after %d", n, len(text)).
			WithHint("the file is truncated")
	}
	entries, meta, total, err := parseSTHeader(text, b)
	if err != nil {
		return nil, nil, err
	}
	buf, full, err := readExact(r, total)
	if err != nil {
		return nil, nil, err
	}
	if !full {
		return nil, nil, stLengthError(total, int64(len(buf)))
	}
	eof, err := atEOF(r)
	if err != nil {
		return nil, nil, err
	}
	if !eof {
		return nil, nil, errf("input.safetensors.data", "the safetensors file has bytes after the %d-byte buffer its header describes", total).
			WithHint("remove the trailing bytes; the tensors must cover the buffer exactly")
	}
	out, err := stTensors(entries, buf)
	return out, meta, err
}

func checkSTHeaderLen(n, avail uint64) error {
	if n > maxSafetensorsHeader {
		return errf("input.safetensors.header", "the safetensors header claims %d bytes, more than the limit of %d", n, maxSafetensorsHeader).
			WithHint("the file is corrupt or not a safetensors file")
	}
	if n > avail {
		return errf("input.safetensors.header", "the safetensors header claims %d bytes but only %d follow the length", n, avail).
			WithHint("the file is truncated or not a safetensors file")
	}
	if n < 2 {
		return errf("input.safetensors.header", "the safetensors header is %d bytes, too short for a JSON object", n)
	}
	return nil
}

func stLengthError(want, got int64) error {
	if got < want {
		return errf("input.safetensors.data", "the header describes a %d-byte buffer but the file has only %d bytes after the header", want, got).
			WithHint("the file is truncated")
	}
	return errf("input.safetensors.data", "the header describes a %d-byte buffer but the file has %d bytes after the header", want, got).
		WithHint("remove the trailing bytes; the tensors must cover the buffer exactly")
}

func stTensors(entries []stEntry, buf []byte) ([]Named, error) {
	out := make([]Named, 0, len(entries))
	for _, e := range entries {
		data := buf[e.begin:e.end:e.end]
		if e.dtype == Bool {
			if i, ok := firstNonCanonical(Bool, data); !ok {
				return nil, errf("input.safetensors.data", "tensor %q: boolean element %d is stored as 0x%02x; only 0 and 1 are allowed", e.name, i, data[i])
			}
		}
		out = append(out, Named{Name: e.name, Tensor: &Tensor{DType: e.dtype, Shape: e.shape, Data: data}})
	}
	return out, nil
}

func stSyntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errf("input.safetensors.header", "the safetensors header is not valid JSON: %v (at byte %d)", se, se.Offset)
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return errf("input.safetensors.header", "the safetensors header JSON ends too early")
	}
	return errf("input.safetensors.header", "the safetensors header is not valid JSON: %v", err)
}

// parseSTHeader parses and validates the header; total is the buffer size
// it describes.
func parseSTHeader(text []byte, b *budget) ([]stEntry, map[string]string, int64, error) {
	if !utf8.Valid(text) {
		return nil, nil, 0, errf("input.safetensors.header", "the safetensors header is not valid UTF-8")
	}
	if text[0] != '{' {
		return nil, nil, 0, errf("input.safetensors.header", "the safetensors header does not start with '{'").
			WithHint("the file is corrupt or not a safetensors file")
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil {
		return nil, nil, 0, stSyntax(err)
	}
	var (
		entries []stEntry
		meta    map[string]string
		seen    = map[string]bool{}
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, 0, stSyntax(err)
		}
		name, _ := tok.(string)
		if seen[name] {
			return nil, nil, 0, errf("input.safetensors.name", "the safetensors header has the key %q twice", truncStr(name))
		}
		seen[name] = true
		if name == "__metadata__" {
			if meta, err = stMetadata(dec); err != nil {
				return nil, nil, 0, err
			}
			continue
		}
		if why := checkSTName(name); why != "" {
			return nil, nil, 0, errf("input.safetensors.name", "the tensor name %q is not allowed: %s", truncStr(name), why)
		}
		if len(entries) >= b.lim.MaxTensors {
			return nil, nil, 0, errf("input.safetensors.tensors", "the safetensors file has more than %d tensors", b.lim.MaxTensors).
				WithHint("split the tensors over several files or raise the tensor limit")
		}
		e, err := stTensorInfo(dec, name, b)
		if err != nil {
			return nil, nil, 0, err
		}
		entries = append(entries, e)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, 0, stSyntax(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, nil, 0, stSyntax(err)
		}
		return nil, nil, 0, errf("input.safetensors.header", "the safetensors header has more after its JSON object (at byte %d)", dec.InputOffset()).
			WithHint("only spaces may pad the header")
	}
	// The tensors must tile the buffer: no gap, no overlap, nothing left.
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, c := entries[order[i]], entries[order[j]]
		if a.begin != c.begin {
			return a.begin < c.begin
		}
		return a.end < c.end
	})
	var pos int64
	for _, i := range order {
		e := entries[i]
		if e.begin != pos {
			if e.begin < pos {
				return nil, nil, 0, errf("input.safetensors.offsets", "tensor %q (bytes %d to %d) overlaps the tensor before it, which ends at %d", truncStr(e.name), e.begin, e.end, pos)
			}
			return nil, nil, 0, errf("input.safetensors.offsets", "tensor %q starts at byte %d, leaving a gap after byte %d", truncStr(e.name), e.begin, pos).
				WithHint("the tensors must cover the data buffer exactly, without gaps")
		}
		pos = e.end
	}
	return entries, meta, pos, nil
}

func checkSTName(name string) string {
	if name == "" {
		return "the name is empty"
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "it contains a control character"
		}
	}
	return ""
}

func stMetadata(dec *json.Decoder) (map[string]string, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, stSyntax(err)
	}
	if tok == nil {
		return nil, nil
	}
	if tok != json.Delim('{') {
		return nil, errf("input.safetensors.metadata", "__metadata__ must be an object of strings")
	}
	meta := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, stSyntax(err)
		}
		k, _ := tok.(string)
		if _, dup := meta[k]; dup {
			return nil, errf("input.safetensors.metadata", "__metadata__ has the key %q twice", truncStr(k))
		}
		tok, err = dec.Token()
		if err != nil {
			return nil, stSyntax(err)
		}
		v, ok := tok.(string)
		if !ok {
			return nil, errf("input.safetensors.metadata", "__metadata__ value for %q is not a string", truncStr(k)).
				WithHint("safetensors metadata maps strings to strings")
		}
		meta[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, stSyntax(err)
	}
	return meta, nil
}

// stInt reads a non-negative integer token.
func stInt(dec *json.Decoder, rule, what string) (int64, error) {
	tok, err := dec.Token()
	if err != nil {
		return 0, stSyntax(err)
	}
	num, ok := tok.(json.Number)
	if !ok || !isIntLiteral(string(num)) {
		return 0, errf(rule, "%s is not an integer", what)
	}
	s := string(num)
	if s[0] == '-' {
		return 0, errf(rule, "%s is negative (%s)", what, truncStr(s))
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, errf(rule, "%s (%s) is too large", what, truncStr(s))
	}
	return v, nil
}

func stTensorInfo(dec *json.Decoder, name string, b *budget) (stEntry, error) {
	e := stEntry{name: name}
	tn := truncStr(name)
	tok, err := dec.Token()
	if err != nil {
		return e, stSyntax(err)
	}
	if tok != json.Delim('{') {
		return e, errf("input.safetensors.header", "the entry for tensor %q is not an object", tn)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return e, stSyntax(err)
		}
		k, _ := tok.(string)
		if seen[k] {
			return e, errf("input.safetensors.header", "tensor %q has the key %q twice", tn, truncStr(k))
		}
		seen[k] = true
		switch k {
		case "dtype":
			tok, err := dec.Token()
			if err != nil {
				return e, stSyntax(err)
			}
			s, _ := tok.(string)
			d, ok := stDTypes[s]
			if !ok {
				return e, errf("input.safetensors.dtype", "tensor %q has the unsupported dtype %v", tn, tok).
					WithHint("supported: BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64, F8_E4M3, F8_E5M2, F8_E8M0, C64")
			}
			e.dtype = d
		case "shape":
			tok, err := dec.Token()
			if err != nil {
				return e, stSyntax(err)
			}
			if tok != json.Delim('[') {
				return e, errf("input.safetensors.shape", "the shape of tensor %q is not a list", tn)
			}
			e.shape = []int64{}
			for dec.More() {
				if err := b.checkRank(len(e.shape) + 1); err != nil {
					return e, err
				}
				v, err := stInt(dec, "input.safetensors.shape", "dimension "+strconv.Itoa(len(e.shape))+" of tensor \""+tn+"\"")
				if err != nil {
					return e, err
				}
				e.shape = append(e.shape, v)
			}
			if _, err := dec.Token(); err != nil {
				return e, stSyntax(err)
			}
		case "data_offsets":
			tok, err := dec.Token()
			if err != nil {
				return e, stSyntax(err)
			}
			if tok != json.Delim('[') {
				return e, errf("input.safetensors.offsets", "data_offsets of tensor %q is not a list [begin, end]", tn)
			}
			var offs []int64
			for dec.More() {
				if len(offs) == 2 {
					return e, errf("input.safetensors.offsets", "data_offsets of tensor %q has more than two entries", tn)
				}
				v, err := stInt(dec, "input.safetensors.offsets", "a data offset of tensor \""+tn+"\"")
				if err != nil {
					return e, err
				}
				offs = append(offs, v)
			}
			if _, err := dec.Token(); err != nil {
				return e, stSyntax(err)
			}
			if len(offs) != 2 {
				return e, errf("input.safetensors.offsets", "data_offsets of tensor %q must be [begin, end]", tn)
			}
			e.begin, e.end = offs[0], offs[1]
		default:
			return e, errf("input.safetensors.header", "tensor %q has the unknown key %q", tn, truncStr(k)).
				WithHint("a tensor entry has exactly dtype, shape and data_offsets")
		}
	}
	if _, err := dec.Token(); err != nil {
		return e, stSyntax(err)
	}
	for _, k := range []string{"dtype", "shape", "data_offsets"} {
		if !seen[k] {
			return e, errf("input.safetensors.header", "tensor %q has no %q", tn, k)
		}
	}
	if e.begin > e.end {
		return e, errf("input.safetensors.offsets", "tensor %q has data_offsets [%d, %d], which end before they begin", tn, e.begin, e.end)
	}
	size, err := b.take(e.dtype, e.shape)
	if err != nil {
		return e, err
	}
	if e.end-e.begin != size {
		return e, errf("input.safetensors.offsets", "tensor %q is %s of shape %s, %d bytes, but its data_offsets [%d, %d] span %d", tn, e.dtype, fmtShape(e.shape), size, e.begin, e.end, e.end-e.begin)
	}
	return e, nil
}

// EncodeSafetensors encodes named tensors as a safetensors file (see
// WriteSafetensors).
func EncodeSafetensors(ts []Named, metadata map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, ts, metadata); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteSafetensors writes named tensors, in order and contiguous, with the
// metadata (omitted when empty). The header is padded with spaces to a
// multiple of 8 bytes, as the reference implementation does. index is
// written as I64. Rules: output.safetensors.name, output.safetensors.dtype,
// output.safetensors.metadata.
func WriteSafetensors(w io.Writer, ts []Named, metadata map[string]string) error {
	var hdr bytes.Buffer
	hdr.WriteByte('{')
	first := true
	comma := func() {
		if !first {
			hdr.WriteByte(',')
		}
		first = false
	}
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k, v := range metadata {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return errf("output.safetensors.metadata", "metadata entry %q is not valid UTF-8", truncStr(k))
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		comma()
		hdr.WriteString(`"__metadata__":{`)
		for i, k := range keys {
			if i > 0 {
				hdr.WriteByte(',')
			}
			writeJSONString(&hdr, k)
			hdr.WriteByte(':')
			writeJSONString(&hdr, metadata[k])
		}
		hdr.WriteByte('}')
	}
	seen := map[string]bool{}
	var off int64
	for _, nt := range ts {
		if why := checkSTName(nt.Name); why != "" || nt.Name == "__metadata__" || !utf8.ValidString(nt.Name) {
			if why == "" {
				why = "it is reserved or not valid UTF-8"
			}
			return errf("output.safetensors.name", "the tensor name %q cannot be used: %s", truncStr(nt.Name), why)
		}
		if seen[nt.Name] {
			return errf("output.safetensors.name", "two tensors are called %q", truncStr(nt.Name))
		}
		seen[nt.Name] = true
		if err := nt.Tensor.Validate(); err != nil {
			return err
		}
		dn, ok := stDTypeName(nt.Tensor.DType)
		if !ok {
			return errf("output.safetensors.dtype", "tensor %q is %s, which safetensors cannot hold", truncStr(nt.Name), nt.Tensor.DType).
				WithHint("safetensors holds bool, u8-u64, i8-i64, f16, bf16, f32, f64, f8E4M3FN, f8E5M2, f8E8M0FNU and complex<f32>")
		}
		comma()
		writeJSONString(&hdr, nt.Name)
		hdr.WriteString(`:{"dtype":"`)
		hdr.WriteString(dn)
		hdr.WriteString(`","shape":[`)
		for i, s := range nt.Tensor.Shape {
			if i > 0 {
				hdr.WriteByte(',')
			}
			hdr.WriteString(strconv.FormatInt(s, 10))
		}
		end := off + int64(len(nt.Tensor.Data))
		hdr.WriteString(`],"data_offsets":[`)
		hdr.WriteString(strconv.FormatInt(off, 10))
		hdr.WriteByte(',')
		hdr.WriteString(strconv.FormatInt(end, 10))
		hdr.WriteString("]}")
		off = end
	}
	hdr.WriteByte('}')
	for hdr.Len()%8 != 0 {
		hdr.WriteByte(' ')
	}
	var lb [8]byte
	binary.LittleEndian.PutUint64(lb[:], uint64(hdr.Len()))
	if _, err := w.Write(lb[:]); err != nil {
		return writeErr(err)
	}
	if _, err := w.Write(hdr.Bytes()); err != nil {
		return writeErr(err)
	}
	for _, nt := range ts {
		if _, err := w.Write(nt.Tensor.Data); err != nil {
			return writeErr(err)
		}
	}
	return nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s)
	b.Write(q)
}
