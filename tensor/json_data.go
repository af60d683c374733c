package tensor

import (
	"strconv"
	"strings"
)

// DecodeJSONData decodes the data value of a JSON tensor whose element type
// and shape are known already (the Open Inference Protocol's REST inputs
// carry them beside the data): a number, or lists of numbers flat in
// row-major order or nested as the shape. The answer, errors included,
// is DecodeJSON's for {"dtype": NAME, "shape": SHAPE, "data": data} under
// lim.
//
// The common case — plain JSON numbers for a real or integer type — is
// read by a scanner of its own, about an order of magnitude faster than
// the general decoder: it converts each number with the general decoder's
// own functions, and hands anything else (strings, booleans, complex
// values, a shape mismatch, malformed text, a limit reached) to the
// general decoder from the start, so that it can only ever agree with it.
func DecodeJSONData(data []byte, d DType, shape []int64, lim DecodeLimits) (*Tensor, error) {
	if t, ok := fastJSONData(data, d, shape, lim); ok {
		return t, nil
	}
	return DecodeJSON(jsonTensorDoc(data, d, shape), lim)
}

// jsonTensorDoc wraps a data value into a whole JSON tensor.
func jsonTensorDoc(data []byte, d DType, shape []int64) []byte {
	var b strings.Builder
	b.Grow(len(data) + 64)
	b.WriteString(`{"dtype":"`)
	b.WriteString(NumpyName(d))
	b.WriteString(`","shape":[`)
	for i, n := range shape {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(n, 10))
	}
	b.WriteString(`],"data":`)
	b.Write(data)
	b.WriteByte('}')
	return []byte(b.String())
}

// fastJSONData is DecodeJSONData's scanner; ok is false whenever the
// general decoder must decide.
func fastJSONData(data []byte, d DType, shape []int64, lim DecodeLimits) (*Tensor, bool) {
	if d.IsBool() || d.IsComplex() || !d.Valid() {
		return nil, false
	}
	// The general path names the type and reads the name back.
	if rd, ok := DTypeByName(NumpyName(d)); !ok || rd != d {
		return nil, false
	}
	b := newBudget(lim)
	// Leave the text limit, near its edge, to the general path's exact
	// count of the wrapped document.
	if int64(len(data))+int64(64+24*len(shape)) > b.lim.MaxBytes {
		return nil, false
	}
	for _, n := range shape {
		if n < 0 {
			return nil, false
		}
	}
	size, err := b.take(d, shape)
	if err != nil {
		return nil, false
	}
	n, _ := NumElements(shape)
	t := &Tensor{DType: d, Shape: shape, Data: make([]byte, size)}
	s := &dataScanner{b: data, t: t, n: n, esize: d.Size()}
	s.ws()
	ok := false
	switch {
	case len(shape) == 0 && s.peek() != '[':
		ok = s.leaf()
	case len(shape) >= 2 && s.peek() == '[' && s.peekAfterOpen() == '[':
		ok = s.nested(0) && s.next == n
	default:
		ok = s.flat()
	}
	s.ws()
	if !ok || s.i != len(s.b) {
		return nil, false
	}
	return t, true
}

// dataScanner reads plain JSON numbers into t.
type dataScanner struct {
	b     []byte
	i     int
	t     *Tensor
	n     int64 // elements expected
	next  int64 // next element to fill
	esize int
}

func (s *dataScanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *dataScanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// peekAfterOpen is the first byte after the '[' at s.i and whitespace.
func (s *dataScanner) peekAfterOpen() byte {
	for j := s.i + 1; j < len(s.b); j++ {
		switch s.b[j] {
		case ' ', '\t', '\n', '\r':
		default:
			return s.b[j]
		}
	}
	return 0
}

// list reads '[' elem (',' elem)* ']' (or '[]'), calling elem for each
// element; it reports the count, and false on anything else.
func (s *dataScanner) list(elem func() bool) (int64, bool) {
	if s.peek() != '[' {
		return 0, false
	}
	s.i++
	s.ws()
	if s.peek() == ']' {
		s.i++
		return 0, true
	}
	var cnt int64
	for {
		s.ws()
		if !elem() {
			return 0, false
		}
		cnt++
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return cnt, true
		default:
			return 0, false
		}
	}
}

func (s *dataScanner) flat() bool {
	cnt, ok := s.list(s.leaf)
	return ok && cnt == s.n
}

func (s *dataScanner) nested(k int) bool {
	shape := s.t.Shape
	elem := s.leaf
	if k < len(shape)-1 {
		elem = func() bool { return s.nested(k + 1) }
	}
	cnt, ok := s.list(elem)
	return ok && cnt == shape[k]
}

// leaf reads one number into position s.next.
func (s *dataScanner) leaf() bool {
	if s.next >= s.n {
		return false
	}
	start := s.i
	if !s.number() {
		return false
	}
	num := string(s.b[start:s.i])
	dst := s.t.Data[s.next*int64(s.esize) : (s.next+1)*int64(s.esize)]
	d := s.t.DType
	if d.IsInteger() {
		if !isIntLiteral(num) || !storeIntLiteral(d, num, dst) {
			return false
		}
	} else {
		if len(num) > maxJSONNumber {
			return false
		}
		v, ok := decimalToFloatBits(d, num)
		if !ok {
			return false
		}
		storeBits(d, dst, v)
	}
	s.next++
	return true
}

// number consumes a JSON number (RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?
// ([eE][+-]?[0-9]+)?), reporting false if what is there is not one.
func (s *dataScanner) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	s.i = i
	return true
}
