package mlir

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// parseDenseAttr parses `dense<...> : tensor<...>`.
//
// Textual literals are read twice: a first pass checks the nesting and
// finds the literal's shape and element count without storing anything,
// then, once the type that follows is known, a second pass over the same
// text encodes each element straight into the final buffer. Hex blobs are
// decoded once into a buffer of exactly the size the type implies.
func (p *parser) parseDenseAttr() ir.Attr {
	pos := p.tok.pos
	p.advance() // dense
	if !p.expect("<") {
		return nil
	}
	var (
		hex       string
		hexPos    diag.Pos
		empty     bool
		snapLex   lexer
		snapTok   token
		litShape  []int64
		leaves    int64
		scalarLit bool
	)
	switch {
	case p.is(">"):
		empty = true
	case p.tok.kind == tString:
		hex, hexPos = p.tok.text, p.tok.pos
		p.advance()
	default:
		snapLex, snapTok = p.lex, p.tok
		var ok bool
		litShape, leaves, scalarLit, ok = p.scanLiteralShape()
		if !ok {
			return nil
		}
	}
	if !p.expect(">") || !p.expect(":") {
		return nil
	}
	ty := p.parseType()
	if ty == nil {
		return nil
	}
	tt, ok := ty.(*ir.TensorType)
	if !ok || !tt.IsStatic() {
		p.failf(pos, "parse.dense", "a dense literal needs a static tensor type, got %s", ty)
		return nil
	}
	n, _ := tt.NumElements()
	d := tt.Elem.StorageDType()
	size := int64(d.Size())
	attr := &ir.ElementsAttr{Type: tt}
	alloc := func(count int64) bool {
		if count > 0 && size > p.lim.MaxLiteralBytes/count {
			p.failf(pos, "limit.literal_bytes", "literal of %d elements of %s is over the limit of %d bytes", count, d, p.lim.MaxLiteralBytes)
			return false
		}
		attr.Data = make([]byte, count*size)
		return true
	}
	switch {
	case empty:
		if n != 0 {
			p.failf(pos, "parse.dense", "empty literal for %s, which has %d elements", tt, n)
			return nil
		}
		attr.Data = []byte{}
		return attr
	case hex != "":
		return p.decodeHexLiteral(attr, hex, hexPos, n, size, alloc)
	}
	if scalarLit {
		attr.Splat = n != 1
		if !alloc(1) {
			return nil
		}
	} else {
		if !shapeEqual(litShape, tt.Shape) {
			p.failf(pos, "parse.dense", "literal has shape %v but its type %s has shape %v", litShape, tt, tt.Shape)
			return nil
		}
		if leaves != n {
			p.failf(pos, "parse.dense", "literal has %d elements, type wants %d", leaves, n)
			return nil
		}
		if !alloc(n) {
			return nil
		}
	}
	// Second pass: encode each element.
	after, afterTok := p.lex, p.tok
	p.lex, p.tok = snapLex, snapTok
	var i int64
	for p.err == nil && !p.is(">") {
		if p.is("[") || p.is("]") || p.is(",") {
			p.advance()
			continue
		}
		if i*size >= int64(len(attr.Data)) {
			p.failf(p.tok.pos, "parse.dense", "too many elements in literal")
			break
		}
		p.encodeScalar(tt.Elem, attr.Data[i*size:(i+1)*size])
		i++
	}
	if p.err != nil {
		return nil
	}
	p.lex, p.tok = after, afterTok
	return attr
}

func shapeEqual(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// scanLiteralShape walks a textual literal up to its closing '>' and
// returns its shape and leaf count. scalar is true for a bare scalar.
// Every list at one depth must have the same length, and hold either only
// lists or only scalars.
func (p *parser) scanLiteralShape() (shape []int64, leaves int64, scalar, ok bool) {
	if !p.is("[") {
		if !p.skipScalar() {
			return nil, 0, false, false
		}
		return nil, 1, true, true
	}
	const unknown, lists, scalars = 0, 1, 2
	var counts []int64 // element count of the open list at each depth
	var want []int64   // length every list at that depth must have; -1 unknown
	var kind []int8    // what the lists at that depth hold
	mark := func(d int, k int8) bool {
		if kind[d] != unknown && kind[d] != k {
			p.failf(p.tok.pos, "parse.dense", "literal is not rectangular: lists and scalars mixed at depth %d", d+1)
			return false
		}
		kind[d] = k
		return true
	}
	for p.err == nil {
		switch {
		case p.is("["):
			d := len(counts)
			if d >= p.lim.MaxRank {
				p.failf(p.tok.pos, "limit.rank", "literal nesting is deeper than the rank limit %d", p.lim.MaxRank)
				return nil, 0, false, false
			}
			if d > 0 {
				if !mark(d-1, lists) {
					return nil, 0, false, false
				}
				counts[d-1]++
			}
			counts = append(counts, 0)
			if len(want) <= d {
				want, kind = append(want, -1), append(kind, unknown)
			}
			p.advance()
		case p.is("]"):
			d := len(counts) - 1
			if want[d] == -1 {
				want[d] = counts[d]
			} else if want[d] != counts[d] {
				p.failf(p.tok.pos, "parse.dense", "literal is not rectangular: a list has %d elements, an earlier one at the same depth %d", counts[d], want[d])
				return nil, 0, false, false
			}
			counts = counts[:d]
			p.advance()
			if d == 0 {
				return want, leaves, false, true
			}
			if !p.is("]") && !p.expect(",") {
				return nil, 0, false, false
			}
		default:
			d := len(counts) - 1
			if !mark(d, scalars) || !p.skipScalar() {
				return nil, 0, false, false
			}
			leaves++
			if leaves > p.lim.MaxLiteralElems {
				p.failf(p.tok.pos, "limit.literal_elements", "literal has more than %d elements", p.lim.MaxLiteralElems)
				return nil, 0, false, false
			}
			counts[d]++
			if !p.is("]") && !p.expect(",") {
				return nil, 0, false, false
			}
		}
	}
	return nil, 0, false, false
}

// skipScalar steps over one literal scalar: [-]number, true, false, an
// identifier (inf, nan) or a complex pair (re, im).
func (p *parser) skipScalar() bool {
	if p.accept("(") {
		if !p.skipReal() || !p.expect(",") || !p.skipReal() || !p.expect(")") {
			return false
		}
		return true
	}
	return p.skipReal()
}

func (p *parser) skipReal() bool {
	p.accept("-")
	switch p.tok.kind {
	case tInt, tFloat, tIdent:
		p.advance()
		return true
	}
	p.syntax("expected a literal element, found %s", describe(p.tok))
	return false
}

// encodeScalar reads one scalar at p.tok and writes it to dst in the
// storage layout of elem.
func (p *parser) encodeScalar(elem ir.Element, dst []byte) {
	d := elem.StorageDType()
	if d.IsComplex() {
		part := d.ComplexPart()
		ps := part.Size()
		if !p.expect("(") {
			return
		}
		p.encodeReal(part, dst[:ps])
		if !p.expect(",") {
			return
		}
		p.encodeReal(part, dst[ps:])
		p.expect(")")
		return
	}
	if p.is("(") {
		p.syntax("complex literal for non-complex type %s", d)
		return
	}
	p.encodeReal(d, dst)
}

func (p *parser) encodeReal(d tensor.DType, dst []byte) {
	pos := p.tok.pos
	neg := p.accept("-")
	t := p.tok
	p.advance()
	switch {
	case d.IsBool():
		var v byte
		switch {
		case t.kind == tIdent && t.text == "true":
			v = 1
		case t.kind == tIdent && t.text == "false":
		case t.kind == tInt && (t.text == "1" || t.text == "0") && !neg:
			v = t.text[0] - '0'
		default:
			p.failf(pos, "parse.dense", "bad i1 literal %q", t.text)
			return
		}
		dst[0] = v
	case d.IsInteger():
		if t.kind == tIdent && (t.text == "true" || t.text == "false") && !neg {
			putInt(dst, b2i(t.text == "true"))
			return
		}
		if t.kind != tInt {
			p.failf(pos, "parse.dense", "expected an integer for %s, found %q", d, t.text)
			return
		}
		v, ok := parseInt(t.text, neg)
		if !ok || !intFits(d, v, neg, strings.HasPrefix(t.text, "0x")) {
			p.failf(pos, "parse.dense", "integer %s%s does not fit in %s", sign(neg), t.text, d)
			return
		}
		if d.Bits() < 8*len(dst) || d.Bits() < 8 {
			v = truncExtend(d, v)
		}
		putInt(dst, v)
	case d.IsFloat():
		if t.kind == tInt && strings.HasPrefix(t.text, "0x") {
			bits, ok := parseInt(t.text, false)
			if !ok || neg {
				p.failf(pos, "parse.dense", "bad float bit pattern %s", t.text)
				return
			}
			if d.Bits() < 64 && uint64(bits)>>uint(d.Bits()) != 0 {
				p.failf(pos, "parse.dense", "bit pattern %s is wider than %s", t.text, d)
				return
			}
			putBits(dst, uint64(bits))
			return
		}
		var f float64
		switch t.kind {
		case tInt, tFloat:
			if d != tensor.F64 {
				// Round the decimal once, straight to the narrow type.
				text := t.text
				if neg {
					text = "-" + text
				}
				if bits, ok := tensor.ParseFloatBits(d, text); ok {
					putBits(dst, bits)
					return
				}
			}
			v, err := strconv.ParseFloat(t.text, 64)
			if err != nil && !strings.Contains(err.Error(), "range") {
				p.failf(pos, "parse.dense", "bad float %q", t.text)
				return
			}
			f = v
		case tIdent:
			switch strings.ToLower(t.text) {
			case "inf", "infinity":
				f = math.Inf(1)
			case "nan":
				f = math.NaN()
			default:
				p.failf(pos, "parse.dense", "bad float literal %q", t.text)
				return
			}
		default:
			p.failf(pos, "parse.dense", "bad float literal %q", t.text)
			return
		}
		if neg {
			f = -f
		}
		tensor.PutFloat64(d, dst, f)
	default:
		p.failf(pos, "parse.dense", "literals of %s are not supported", d)
	}
}

func sign(neg bool) string {
	if neg {
		return "-"
	}
	return ""
}

// intFits checks an integer against the range of d. Hex literals may give
// the unsigned bit pattern of a signed value (0xFF for i8 -1).
func intFits(d tensor.DType, v int64, neg, hex bool) bool {
	b := d.Bits()
	if d.IsUnsigned() {
		if neg && v != 0 {
			return false
		}
		return b >= 64 || uint64(v) < 1<<b
	}
	if b >= 64 {
		return true
	}
	lo, hi := int64(-1)<<(b-1), int64(1)<<(b-1)-1
	if hex && !neg {
		return uint64(v) < 1<<b
	}
	return v >= lo && v <= hi
}

// truncExtend keeps the low Bits() of v, sign-extending signed types.
func truncExtend(d tensor.DType, v int64) int64 {
	b := uint(d.Bits())
	if b >= 64 {
		return v
	}
	v &= 1<<b - 1
	if d.IsSigned() && v&(1<<(b-1)) != 0 {
		v -= 1 << b
	}
	return v
}

func putInt(dst []byte, v int64) { putBits(dst, uint64(v)) }

func putBits(dst []byte, u uint64) {
	switch len(dst) {
	case 1:
		dst[0] = byte(u)
	case 2:
		binary.LittleEndian.PutUint16(dst, uint16(u))
	case 4:
		binary.LittleEndian.PutUint32(dst, uint32(u))
	case 8:
		binary.LittleEndian.PutUint64(dst, u)
	}
}

// decodeHexLiteral decodes `"0x..."` into attr. A blob of exactly one
// element for a multi-element type is a splat, as in MLIR.
func (p *parser) decodeHexLiteral(attr *ir.ElementsAttr, raw string, pos diag.Pos, n, size int64, alloc func(int64) bool) ir.Attr {
	body := raw[1 : len(raw)-1]
	if !strings.HasPrefix(body, "0x") && !strings.HasPrefix(body, "0X") {
		p.failf(pos, "parse.dense", "string literal in dense<> must be a hex blob \"0x...\"")
		return nil
	}
	hexDigits := body[2:]
	if len(hexDigits)%2 != 0 {
		p.failf(pos, "parse.dense", "hex blob has an odd number of digits")
		return nil
	}
	nb := int64(len(hexDigits) / 2)
	count := n
	switch {
	case n > 0 && size > 0 && nb == n*size:
	case n > 1 && nb == size:
		attr.Splat = true
		count = 1
	default:
		p.failf(pos, "parse.dense", "hex blob has %d bytes; %s needs %d (or %d for a splat)", nb, attr.Type, n*size, size)
		return nil
	}
	if !alloc(count) {
		return nil
	}
	if !decodeHex(attr.Data, hexDigits) {
		p.failf(pos, "parse.dense", "hex blob contains a non-hex character")
		return nil
	}
	if err := checkStorage(attr); err != "" {
		p.failf(pos, "parse.dense", "%s", err)
		return nil
	}
	return attr
}

var hexTable = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
		t[c-'a'+'A'] = byte(c-'a') + 10
	}
	return t
}()

func decodeHex(dst []byte, src string) bool {
	var bad byte
	for i := range dst {
		hi, lo := hexTable[src[2*i]], hexTable[src[2*i+1]]
		bad |= hi | lo
		dst[i] = hi<<4 | lo
	}
	return bad&0xF0 == 0
}

// checkStorage normalises sub-byte elements read from a blob: values must
// fit their width (sign-extended for signed types), i1 must be 0 or 1.
func checkStorage(a *ir.ElementsAttr) string {
	d := a.Type.Elem.StorageDType()
	if d.Size() != 1 || d.Bits() == 8 {
		return ""
	}
	for i, b := range a.Data {
		switch {
		case d.IsBool():
			if b > 1 {
				return "i1 blob byte " + strconv.Itoa(i) + " is not 0 or 1"
			}
		case d.IsSigned() || d.IsUnsigned():
			a.Data[i] = byte(truncExtend(d, int64(int8(b))))
		default: // narrow floats: keep the low bits only
			a.Data[i] = b & (1<<uint(d.Bits()) - 1)
		}
	}
	return ""
}
