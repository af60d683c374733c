package tensor

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// JSON tensors:
//
//	{"dtype": "float32", "shape": [2, 3], "data": [1, 2, 3, 4, 5, 6]}
//
// The keys may come in any order; no others are allowed. dtype is a numpy
// or ml_dtypes name (bool, int8 ... int64, uint8 ... uint64, float16,
// bfloat16, float32, float64, complex64, complex128, float8_e4m3fn, int4,
// ...) or an MLIR name (i1, i32, ui8, f32, bf16, f8E4M3FN, complex<f32>,
// index, ...). shape is a list of non-negative integers ([] for a scalar).
// data is either flat (a list of all elements in row-major order) or nested
// lists that match the shape; a scalar may also be given bare. Elements:
// bool takes true/false (or 0/1); integers take integer literals that fit
// the type; floats take numbers, rounded once and exactly to the type, or
// the strings "nan", "inf", "-inf" (also "NaN", "Infinity", "-Infinity",
// any case, optional sign). Python's json module writes NaN and Infinity
// bare; those are accepted too. Complex elements are [re, im] pairs.
//
// The text must be valid UTF-8 and at most MaxBytes long; the element count
// and byte size implied by dtype and shape are checked against the limits
// before anything is allocated; numbers may be at most 4096 characters.
//
// Rules: input.json.utf8, input.json.syntax, input.json.key,
// input.json.dtype, input.json.shape, input.json.data, input.json.depth, and
// the shared input.rank and input.size.

var numpyDTypeNames = map[string]DType{
	"bool":       Bool,
	"int8":       I8,
	"int16":      I16,
	"int32":      I32,
	"int64":      I64,
	"uint8":      U8,
	"uint16":     U16,
	"uint32":     U32,
	"uint64":     U64,
	"float16":    F16,
	"float32":    F32,
	"float64":    F64,
	"complex64":  C64,
	"complex128": C128,
}

// DTypeByName looks up a numpy, ml_dtypes or MLIR element type name.
func DTypeByName(s string) (DType, bool) {
	if d, ok := numpyDTypeNames[s]; ok {
		return d, true
	}
	if d, ok := mlDTypeNames[s]; ok {
		return d, true
	}
	return ParseDType(s)
}

// NumpyName returns the numpy (or ml_dtypes) name of d, or its MLIR name if
// it has none (index).
func NumpyName(d DType) string {
	for n, nd := range numpyDTypeNames {
		if nd == d {
			return n
		}
	}
	for n, nd := range mlDTypeNames {
		if nd == d {
			return n
		}
	}
	return d.String()
}

// DecodeJSON decodes a JSON tensor held in memory.
func DecodeJSON(text []byte, lim DecodeLimits) (*Tensor, error) {
	b := newBudget(lim)
	if int64(len(text)) > b.lim.MaxBytes {
		return nil, jsonTooLong(b.lim.MaxBytes)
	}
	return decodeJSON(text, b)
}

// ReadJSON reads and decodes a JSON tensor from r (at most MaxBytes of
// text).
func ReadJSON(r io.Reader, lim DecodeLimits) (*Tensor, error) {
	b := newBudget(lim)
	text, err := io.ReadAll(io.LimitReader(r, b.lim.MaxBytes+1))
	if err != nil {
		return nil, ioDiag(err)
	}
	if int64(len(text)) > b.lim.MaxBytes {
		return nil, jsonTooLong(b.lim.MaxBytes)
	}
	return decodeJSON(text, b)
}

func jsonTooLong(max int64) error {
	return errf("input.size", "the JSON text is longer than the limit of %d bytes", max).
		WithHint("use a binary format (.npy, safetensors) for large tensors or raise the byte limit")
}

func jsonSyntax(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return errf("input.json.syntax", "the input is not valid JSON: %v (at byte %d)", se, se.Offset)
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		return errf("input.json.syntax", "the JSON text ends too early")
	}
	return errf("input.json.syntax", "the input is not valid JSON: %v", err)
}

func decodeJSON(text []byte, b *budget) (*Tensor, error) {
	if !utf8.Valid(text) {
		i := 0
		for i < len(text) {
			r, n := utf8.DecodeRune(text[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		return nil, errf("input.json.utf8", "the JSON text is not valid UTF-8 (at byte %d)", i)
	}
	text = quoteBareSpecials(text)
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonSyntax(err)
	}
	if tok != json.Delim('{') {
		return nil, errf("input.json.syntax", "a JSON tensor must be an object such as {\"dtype\": \"float32\", \"shape\": [2], \"data\": [1, 2]}")
	}
	var (
		dtype   DType
		shape   []int64
		seen    = map[string]bool{}
		t       *Tensor
		rawData []byte
	)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonSyntax(err)
		}
		key, _ := tok.(string)
		if seen[key] {
			return nil, errf("input.json.key", "the key %q appears twice", truncStr(key))
		}
		seen[key] = true
		switch key {
		case "dtype":
			tok, err := dec.Token()
			if err != nil {
				return nil, jsonSyntax(err)
			}
			s, ok := tok.(string)
			if !ok {
				return nil, errf("input.json.dtype", "dtype must be a string such as \"float32\"")
			}
			d, ok := DTypeByName(s)
			if !ok {
				return nil, errf("input.json.dtype", "unknown dtype %q", truncStr(s)).
					WithHint("use a numpy name (float32, int64, bool, bfloat16, float8_e4m3fn, ...) or an MLIR name (f32, i64, i1, bf16, ...)")
			}
			dtype = d
		case "shape":
			if shape, err = jsonShape(dec, b); err != nil {
				return nil, err
			}
		case "data":
			if seen["dtype"] && seen["shape"] {
				if t, err = jsonData(dec, dtype, shape, b); err != nil {
					return nil, err
				}
			} else {
				// dtype or shape still to come: skip the value (checking its
				// depth) and parse it once they are known.
				start := dec.InputOffset()
				if err := skipJSONValue(dec, b.lim.MaxRank+2); err != nil {
					return nil, err
				}
				rawData = bytes.TrimLeft(text[start:dec.InputOffset()], " \t\r\n:")
			}
		default:
			return nil, errf("input.json.key", "unknown key %q", truncStr(key)).
				WithHint("a JSON tensor has exactly the keys dtype, shape and data")
		}
	}
	if _, err := dec.Token(); err != nil { // '}'
		return nil, jsonSyntax(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, jsonSyntax(err)
		}
		return nil, errf("input.json.syntax", "the JSON text continues after the tensor object (at byte %d)", dec.InputOffset())
	}
	for _, k := range []string{"dtype", "shape", "data"} {
		if !seen[k] {
			return nil, errf("input.json.key", "the key %q is missing", k).
				WithHint("a JSON tensor has exactly the keys dtype, shape and data")
		}
	}
	if t == nil {
		d2 := json.NewDecoder(bytes.NewReader(rawData))
		d2.UseNumber()
		if t, err = jsonData(d2, dtype, shape, b); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// skipJSONValue consumes one value, failing with input.json.depth if
// arrays or objects nest deeper than maxDepth.
func skipJSONValue(dec *json.Decoder, maxDepth int) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return jsonSyntax(err)
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '[', '{':
				depth++
				if depth > maxDepth {
					return errf("input.json.depth", "data is nested more than %d levels deep", maxDepth).
						WithHint("give data flat in row-major order or nested exactly as the shape")
				}
			default:
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

func truncStr(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// quoteBareSpecials turns the bare NaN, Infinity and -Infinity tokens that
// Python's json module writes (not valid JSON) into strings. Outside string
// literals those letters can never be valid JSON, so nothing valid changes.
func quoteBareSpecials(text []byte) []byte {
	if !bytes.Contains(text, []byte("NaN")) && !bytes.Contains(text, []byte("Infinity")) {
		return text
	}
	out := make([]byte, 0, len(text)+16)
	inStr, esc := false, false
	for i := 0; i < len(text); i++ {
		c := text[i]
		if inStr {
			out = append(out, c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch {
		case c == '"':
			inStr = true
			out = append(out, c)
		case bytes.HasPrefix(text[i:], []byte("NaN")):
			out = append(out, `"NaN"`...)
			i += 2
		case bytes.HasPrefix(text[i:], []byte("-Infinity")):
			out = append(out, `"-Infinity"`...)
			i += 8
		case bytes.HasPrefix(text[i:], []byte("Infinity")):
			out = append(out, `"Infinity"`...)
			i += 7
		default:
			out = append(out, c)
		}
	}
	return out
}

func isIntLiteral(s string) bool {
	if strings.HasPrefix(s, "-") {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func jsonShape(dec *json.Decoder, b *budget) ([]int64, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonSyntax(err)
	}
	if tok != json.Delim('[') {
		return nil, errf("input.json.shape", "shape must be a list of dimensions such as [2, 3] ([] for a scalar)")
	}
	shape := []int64{}
	for dec.More() {
		if err := b.checkRank(len(shape) + 1); err != nil {
			return nil, err
		}
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonSyntax(err)
		}
		num, ok := tok.(json.Number)
		if !ok || !isIntLiteral(string(num)) {
			return nil, errf("input.json.shape", "dimension %d of shape is not an integer", len(shape)).
				WithHint("shape must be a list of dimensions such as [2, 3]")
		}
		s := string(num)
		if s[0] == '-' && strings.Trim(s[1:], "0") != "" {
			return nil, errf("input.json.shape", "dimension %d of shape is negative (%s)", len(shape), truncStr(s)).
				WithHint("every dimension must be 0 or more")
		}
		v, err := strconv.ParseInt(strings.TrimPrefix(s, "-"), 10, 64)
		if err != nil {
			return nil, errf("input.size", "dimension %d of shape (%s) is too large", len(shape), truncStr(s))
		}
		shape = append(shape, v)
	}
	if _, err := dec.Token(); err != nil {
		return nil, jsonSyntax(err)
	}
	return shape, nil
}

// jsonReader walks the data value token by token with a small look-ahead.
type jsonReader struct {
	dec   *json.Decoder
	buf   []json.Token
	t     *Tensor
	n     int64 // elements expected
	next  int64 // next element to fill
	esize int
}

func (r *jsonReader) tok() (json.Token, error) {
	if len(r.buf) > 0 {
		t := r.buf[0]
		r.buf = r.buf[1:]
		return t, nil
	}
	t, err := r.dec.Token()
	if err != nil {
		return nil, jsonSyntax(err)
	}
	return t, nil
}

// peek returns the k-th token ahead (0-based) without consuming it.
func (r *jsonReader) peek(k int) (json.Token, error) {
	for len(r.buf) <= k {
		t, err := r.dec.Token()
		if err != nil {
			return nil, jsonSyntax(err)
		}
		r.buf = append(r.buf, t)
	}
	return r.buf[k], nil
}

func isDelim(t json.Token, c byte) bool {
	d, ok := t.(json.Delim)
	return ok && byte(d) == c
}

func jsonData(dec *json.Decoder, d DType, shape []int64, b *budget) (*Tensor, error) {
	size, err := b.take(d, shape)
	if err != nil {
		return nil, err
	}
	n, _ := NumElements(shape)
	t := &Tensor{DType: d, Shape: shape, Data: make([]byte, size)}
	r := &jsonReader{dec: dec, t: t, n: n, esize: d.Size()}
	rank := len(shape)
	first, err := r.peek(0)
	if err != nil {
		return nil, err
	}
	switch {
	case rank == 0 && !isDelim(first, '['):
		err = r.leaf()
	case rank == 0 && d.IsComplex():
		// [re, im] is the bare scalar; [[re, im]] a one-element list.
		second, perr := r.peek(1)
		if perr != nil {
			return nil, perr
		}
		if isDelim(second, '[') {
			err = r.flat()
		} else {
			err = r.leaf()
		}
	case rank <= 1:
		err = r.flat()
	default:
		nested := false
		second, perr := r.peek(1)
		if perr != nil {
			return nil, perr
		}
		if isDelim(first, '[') && isDelim(second, '[') {
			if d.IsComplex() {
				third, perr := r.peek(2)
				if perr != nil {
					return nil, perr
				}
				nested = !isScalarTok(third)
			} else {
				nested = true
			}
		}
		if nested {
			err = r.nested(0)
		} else {
			err = r.flat()
		}
	}
	if err != nil {
		return nil, err
	}
	if len(r.buf) > 0 {
		return nil, errf("input.json.syntax", "unexpected JSON after the data")
	}
	return t, nil
}

func isScalarTok(t json.Token) bool {
	switch t.(type) {
	case json.Number, string, bool:
		return true
	}
	return false
}

func (r *jsonReader) flat() error {
	tok, err := r.tok()
	if err != nil {
		return err
	}
	if !isDelim(tok, '[') {
		return errf("input.json.data", "data must be a list of elements (or nested lists matching the shape)")
	}
	for {
		p, err := r.peek(0)
		if err != nil {
			return err
		}
		if isDelim(p, ']') {
			r.buf = r.buf[1:]
			break
		}
		if r.next >= r.n {
			return errf("input.json.data", "data has more than the %d elements shape %s holds", r.n, fmtShape(r.t.Shape)).
				WithHint("give exactly one element per position, flat in row-major order or nested to match the shape")
		}
		if err := r.leaf(); err != nil {
			return err
		}
	}
	if r.next != r.n {
		return errf("input.json.data", "data has %d elements but shape %s holds %d", r.next, fmtShape(r.t.Shape), r.n).
			WithHint("give exactly one element per position, flat in row-major order or nested to match the shape")
	}
	return nil
}

// nested reads the list for dimension k of nested data.
func (r *jsonReader) nested(k int) error {
	tok, err := r.tok()
	if err != nil {
		return err
	}
	shape := r.t.Shape
	if !isDelim(tok, '[') {
		return errf("input.json.data", "data is nested lists but an entry of dimension %d (before element %d) is not a list", k, r.next).
			WithHint("nested data must match the shape %s exactly", fmtShape(shape))
	}
	var cnt int64
	for {
		p, err := r.peek(0)
		if err != nil {
			return err
		}
		if isDelim(p, ']') {
			r.buf = r.buf[1:]
			break
		}
		if cnt >= shape[k] {
			return errf("input.json.data", "dimension %d of the nested data has more than the %d entries shape %s gives it", k, shape[k], fmtShape(shape))
		}
		if k == len(shape)-1 {
			err = r.leaf()
		} else {
			err = r.nested(k + 1)
		}
		if err != nil {
			return err
		}
		cnt++
	}
	if cnt != shape[k] {
		return errf("input.json.data", "dimension %d of the nested data has %d entries but shape %s gives it %d", k, cnt, fmtShape(shape), shape[k])
	}
	return nil
}

func (r *jsonReader) where() string {
	return fmt.Sprintf("element %d (index %s)", r.next, fmtIndex(r.t.Shape, r.next))
}

// leaf reads one element into position r.next.
func (r *jsonReader) leaf() error {
	if r.next >= r.n {
		return errf("input.json.data", "data has more than the %d elements shape %s holds", r.n, fmtShape(r.t.Shape))
	}
	d := r.t.DType
	dst := r.t.Data[r.next*int64(r.esize) : (r.next+1)*int64(r.esize)]
	tok, err := r.tok()
	if err != nil {
		return err
	}
	if d.IsComplex() {
		if !isDelim(tok, '[') {
			return errf("input.json.data", "%s: a complex value is written [re, im]", r.where())
		}
		p := d.ComplexPart()
		for part := 0; part < 2; part++ {
			tok, err := r.tok()
			if err != nil {
				return err
			}
			if !isScalarTok(tok) {
				return errf("input.json.data", "%s: a complex value is written [re, im] with two numbers", r.where())
			}
			bitsv, err := r.floatTok(p, tok)
			if err != nil {
				return err
			}
			storeBits(p, dst[part*p.Size():], bitsv)
		}
		tok, err := r.tok()
		if err != nil {
			return err
		}
		if !isDelim(tok, ']') {
			return errf("input.json.data", "%s: a complex value is written [re, im] with exactly two numbers", r.where())
		}
		r.next++
		return nil
	}
	if _, ok := tok.(json.Delim); ok {
		if isDelim(tok, '[') {
			return errf("input.json.depth", "%s: data is nested deeper than the %d dimensions of shape %s", r.where(), len(r.t.Shape), fmtShape(r.t.Shape)).
				WithHint("give data flat in row-major order or nested exactly as the shape")
		}
		return errf("input.json.data", "%s: expected a value", r.where())
	}
	switch {
	case d.IsBool():
		switch v := tok.(type) {
		case bool:
			dst[0] = boolByte(v)
		case json.Number:
			switch string(v) {
			case "0":
				dst[0] = 0
			case "1":
				dst[0] = 1
			default:
				return errf("input.json.data", "%s: a bool element must be true, false, 0 or 1, not %s", r.where(), truncStr(string(v)))
			}
		default:
			return errf("input.json.data", "%s: a bool element must be true, false, 0 or 1", r.where())
		}
	case d.IsInteger():
		num, ok := tok.(json.Number)
		if !ok || !isIntLiteral(string(num)) {
			return errf("input.json.data", "%s: a %s element must be an integer", r.where(), NumpyName(d))
		}
		if err := r.intTok(d, string(num), dst); err != nil {
			return err
		}
	default: // real float
		v, err := r.floatTok(d, tok)
		if err != nil {
			return err
		}
		storeBits(d, dst, v)
	}
	r.next++
	return nil
}

func intRange(d DType) (int64, uint64) {
	w := uint(d.Bits())
	if d.IsSigned() {
		return -(1 << (w - 1)), 1<<(w-1) - 1
	}
	if w == 64 {
		return 0, math.MaxUint64
	}
	return 0, 1<<w - 1
}

func (r *jsonReader) intTok(d DType, s string, dst []byte) error {
	if !storeIntLiteral(d, s, dst) {
		lo, hi := intRange(d)
		return errf("input.json.data", "%s: %s does not fit %s (range %d to %d)", r.where(), truncStr(s), NumpyName(d), lo, hi)
	}
	return nil
}

// storeIntLiteral stores the integer literal s (isIntLiteral) as integer
// type d, reporting false when it does not fit.
func storeIntLiteral(d DType, s string, dst []byte) bool {
	lo, hi := intRange(d)
	if s[0] == '-' {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < lo {
			return false
		}
		storeInt(d, dst, v)
		return true
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v > hi {
		return false
	}
	if d.IsSigned() {
		storeInt(d, dst, int64(v))
	} else {
		storeUint(d, dst, v)
	}
	return true
}

// floatTok converts a number or special string to the bits of float type d.
func (r *jsonReader) floatTok(d DType, tok json.Token) (uint64, error) {
	switch v := tok.(type) {
	case json.Number:
		s := string(v)
		if len(s) > maxJSONNumber {
			return 0, errf("input.json.data", "%s: the number is longer than %d characters", r.where(), maxJSONNumber)
		}
		b, ok := decimalToFloatBits(d, s)
		if !ok {
			return 0, errf("input.json.data", "%s: %s is not a number", r.where(), truncStr(s))
		}
		return b, nil
	case string:
		if f, ok := specialFloat(v); ok {
			return FloatBits(d, f), nil
		}
		return 0, errf("input.json.data", "%s: the string %q is not a number", r.where(), truncStr(v)).
			WithHint("only \"nan\", \"inf\" and \"-inf\" may be written as strings")
	}
	return 0, errf("input.json.data", "%s: a %s element must be a number", r.where(), NumpyName(d))
}

func specialFloat(s string) (float64, bool) {
	neg := false
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		neg = s[0] == '-'
		s = s[1:]
	}
	var f float64
	switch strings.ToLower(s) {
	case "nan":
		f = math.NaN()
	case "inf", "infinity":
		f = math.Inf(1)
	default:
		return 0, false
	}
	if neg {
		f = math.Copysign(f, -1)
	}
	return f, true
}

// decimalToFloatBits rounds the decimal number s once, to nearest even, to
// the real float type d. strconv does this for f32 and f64. For the narrow
// types the float64 nearest to s is rounded again, which is only wrong when
// that float64 lies exactly halfway between two values of d while s does
// not; then the exact comparison of s with it decides.
func decimalToFloatBits(d DType, s string) (uint64, bool) {
	switch d {
	case F64:
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, false
		}
		return math.Float64bits(f), true
	case F32:
		f, err := strconv.ParseFloat(s, 32)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return 0, false
		}
		return uint64(math.Float32bits(float32(f))), true
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	b, tie := floatBitsTie(d, x)
	if !tie {
		return b, true
	}
	// A copy: s would otherwise escape (and be allocated on the heap for
	// every number parsed) for this rare path's sake.
	exact, ok := new(big.Rat).SetString(strings.Clone(s))
	if !ok {
		return b, true // a form big.Rat does not read (hex): trust the tie
	}
	c := exact.Cmp(new(big.Rat).SetFloat64(x))
	if c == 0 {
		return b, true
	}
	return FloatBits(d, math.Nextafter(x, math.Inf(c))), true
}

// ParseFloatBits parses a floating-point literal in strconv.ParseFloat's
// syntax (decimal or hex, "inf", "nan", ...) and rounds it once, to nearest
// even, to the real float type d, returning the bit pattern. Unlike
// FloatBits(d, strconv.ParseFloat(s, 64)) it never rounds twice, so a
// decimal just above or below a tie of d rounds the right way. Values out of
// range follow FloatBits. It reports false for a malformed literal, one
// longer than 4096 bytes, or a d that is not a real float type.
func ParseFloatBits(d DType, s string) (uint64, bool) {
	if !d.IsFloat() || len(s) > maxJSONNumber {
		return 0, false
	}
	return decimalToFloatBits(d, s)
}

// EncodeJSON encodes t as JSON (see WriteJSON).
func EncodeJSON(t *Tensor) ([]byte, error) {
	var buf bytes.Buffer
	if err := WriteJSON(&buf, t); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteJSON writes t as {"dtype": ..., "shape": [...], "data": [...]} with
// data flat in row-major order, dtype as its numpy/ml_dtypes name (MLIR's
// for index), floats in the shortest form that reads back to the same
// value of the type, NaN as "nan" or "-nan" and infinities as "inf" and
// "-inf", complex values as [re, im]. The output ends with a newline.
func WriteJSON(w io.Writer, t *Tensor) error {
	if err := t.Validate(); err != nil {
		return err
	}
	var buf []byte
	buf = append(buf, `{"dtype":"`...)
	buf = append(buf, NumpyName(t.DType)...)
	buf = append(buf, `","shape":[`...)
	for i, s := range t.Shape {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, s, 10)
	}
	buf = append(buf, `],"data":[`...)
	d := t.DType
	n := t.NumElements()
	flush := func() error {
		if len(buf) >= 64<<10 {
			if _, err := w.Write(buf); err != nil {
				return writeErr(err)
			}
			buf = buf[:0]
		}
		return nil
	}
	for i := int64(0); i < n; i++ {
		if i > 0 {
			buf = append(buf, ',')
		}
		e := t.elem(i)
		switch {
		case d.IsBool():
			buf = strconv.AppendBool(buf, e[0] != 0)
		case d.IsSigned():
			buf = strconv.AppendInt(buf, loadInt(d, e), 10)
		case d.IsUnsigned():
			buf = strconv.AppendUint(buf, loadUint(d, e), 10)
		case d.IsComplex():
			p := d.ComplexPart()
			buf = append(buf, '[')
			buf = appendJSONFloat(buf, p, loadBits(p, e))
			buf = append(buf, ',')
			buf = appendJSONFloat(buf, p, loadBits(p, e[p.Size():]))
			buf = append(buf, ']')
		default:
			buf = appendJSONFloat(buf, d, loadBits(d, e))
		}
		if err := flush(); err != nil {
			return err
		}
	}
	buf = append(buf, "]}\n"...)
	_, err := w.Write(buf)
	return writeErr(err)
}

func appendJSONFloat(buf []byte, d DType, b uint64) []byte {
	f := BitsFloat(d, b)
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return append(buf, `"-nan"`...)
		}
		return append(buf, `"nan"`...)
	case math.IsInf(f, 1):
		return append(buf, `"inf"`...)
	case math.IsInf(f, -1):
		return append(buf, `"-inf"`...)
	}
	switch d {
	case F64:
		return strconv.AppendFloat(buf, f, 'g', -1, 64)
	case F32:
		return strconv.AppendFloat(buf, f, 'g', -1, 32)
	}
	// Shortest decimal that reads back to the same bits of d.
	for prec := 1; prec < 17; prec++ {
		s := strconv.FormatFloat(f, 'g', prec, 64)
		if rb, ok := decimalToFloatBits(d, s); ok && rb == b {
			return append(buf, s...)
		}
	}
	return strconv.AppendFloat(buf, f, 'g', -1, 64)
}
