package mlir

import (
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// parseType parses one type at the current token.
func (p *parser) parseType() ir.Type {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	t := p.tok
	switch {
	case t.kind == tIdent && t.text == "tensor":
		if tt := p.parseTensorType(); tt != nil {
			return tt
		}
		return nil
	case t.kind == tIdent && t.text == "tuple":
		p.advance()
		if !p.expect("<") {
			return nil
		}
		tt := &ir.TupleType{}
		if !p.accept(">") {
			for {
				e := p.parseType()
				if e == nil {
					return nil
				}
				tt.Elems = append(tt.Elems, e)
				if !p.accept(",") {
					break
				}
			}
			if !p.expect(">") {
				return nil
			}
		}
		return tt
	case t.kind == tBangID && t.text == "!stablehlo.token":
		p.advance()
		return &ir.TokenType{}
	case t.kind == tIdent:
		// A bare element type used as a type (`i32` in attributes,
		// `f32` in scalars) is a rank-0 tensor of it.
		if e, ok := p.parseElementType(); ok {
			return &ir.TensorType{Elem: e}
		}
		return nil
	case t.kind == tBangID && t.text == "!quant.uniform":
		if e, ok := p.parseElementType(); ok {
			return &ir.TensorType{Elem: e}
		}
		return nil
	}
	p.failf(t.pos, "parse.type", "expected a type, found %s", describe(t))
	return nil
}

// parseTensorType parses `tensor<2x?x3xf32[, #stablehlo.bounds<...>]>`.
// Dimensions are scanned by hand because `2x3xf32` is one lexer word.
func (p *parser) parseTensorType() *ir.TensorType {
	pos := p.tok.pos
	p.advance() // tensor
	if !p.is("<") {
		p.syntax("expected '<' after tensor")
		return nil
	}
	// The lexer has already scanned the token after '<'; rewind to scan
	// the dimension list character by character.
	p.lex.off = p.tok.off + 1
	p.lex.line, p.lex.lineStart = p.tok.pos.Line, p.tok.off-int(p.tok.pos.Col)+1
	tt := &ir.TensorType{}
	src := p.lex.src
	elems := int64(1)
	for {
		p.lex.skipSpace()
		o := p.lex.off
		if o >= len(src) {
			p.syntax("unterminated tensor type")
			return nil
		}
		var d int64
		switch c := src[o]; {
		case c == '?':
			d = ir.Dynamic
			o++
		case isDigit(c):
			j := o
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			if j >= len(src) || src[j] != 'x' {
				goto elem // a number not followed by 'x' is not a dimension
			}
			v, err := strconv.ParseInt(src[o:j], 10, 64)
			if err != nil || v > p.lim.MaxDimSize {
				p.failf(p.lex.pos(), "limit.dim_size", "dimension %s is larger than the limit of %d", src[o:j], p.lim.MaxDimSize)
				return nil
			}
			d = v
			o = j
		default:
			goto elem
		}
		if o >= len(src) || src[o] != 'x' {
			p.syntax("expected 'x' after a dimension")
			return nil
		}
		if len(tt.Shape) >= p.lim.MaxRank {
			p.failf(pos, "limit.rank", "tensor rank is over the limit of %d", p.lim.MaxRank)
			return nil
		}
		if d > 0 {
			if elems > p.lim.MaxElements/d {
				p.failf(pos, "limit.elements", "tensor type has more than %d elements", p.lim.MaxElements)
				return nil
			}
			elems *= d
		}
		tt.Shape = append(tt.Shape, d)
		p.lex.off = o + 1
	}
elem:
	p.advance()
	e, ok := p.parseElementType()
	if !ok {
		return nil
	}
	tt.Elem = e
	if p.accept(",") {
		if !(p.tok.kind == tHashID && p.tok.text == "#stablehlo.bounds") {
			p.failf(p.tok.pos, "parse.type", "unsupported tensor encoding %s", describe(p.tok))
			return nil
		}
		p.advance()
		if !p.expect("<") {
			return nil
		}
		for i := 0; ; i++ {
			if p.accept("?") {
				tt.Bounds = append(tt.Bounds, ir.Dynamic)
			} else {
				v, ok := p.parseIntTok()
				if !ok {
					return nil
				}
				tt.Bounds = append(tt.Bounds, v)
			}
			if !p.accept(",") {
				break
			}
		}
		if !p.expect(">") {
			return nil
		}
		if len(tt.Bounds) != len(tt.Shape) {
			p.failf(pos, "parse.type", "bounds list has %d entries for a rank-%d tensor", len(tt.Bounds), len(tt.Shape))
			return nil
		}
	}
	if !p.expect(">") {
		return nil
	}
	return tt
}

// parseElementType parses `f32`, `complex<f64>`, `!quant.uniform<...>`.
func (p *parser) parseElementType() (ir.Element, bool) {
	t := p.tok
	if t.kind == tBangID && t.text == "!quant.uniform" {
		q := p.parseQuant()
		if q == nil {
			return ir.Element{}, false
		}
		return ir.Element{DType: q.Storage, Quant: q}, true
	}
	if t.kind != tIdent {
		p.failf(t.pos, "parse.type", "expected an element type, found %s", describe(t))
		return ir.Element{}, false
	}
	if t.text == "complex" {
		p.advance()
		if !p.expect("<") {
			return ir.Element{}, false
		}
		pt := p.tok
		p.advance()
		if !p.expect(">") {
			return ir.Element{}, false
		}
		switch pt.text {
		case "f32":
			return ir.Element{DType: tensor.C64}, true
		case "f64":
			return ir.Element{DType: tensor.C128}, true
		}
		p.failf(pt.pos, "parse.type", "complex<%s> is not supported; use complex<f32> or complex<f64>", pt.text)
		return ir.Element{}, false
	}
	d, ok := dtypeFromIdent(t.text)
	if !ok {
		p.failf(t.pos, "parse.type", "unknown element type %q", t.text)
		return ir.Element{}, false
	}
	p.advance()
	return ir.Element{DType: d}, true
}

// parseQuant parses
// `!quant.uniform<i8<-127:127>:f32:1, {0.1:-30, 0.5}>` and the per-tensor
// form `!quant.uniform<i8:f32, 0.1:-30>`.
func (p *parser) parseQuant() *ir.Quant {
	pos := p.tok.pos
	p.advance()
	if !p.expect("<") {
		return nil
	}
	q := &ir.Quant{Axis: -1}
	st := p.tok
	if st.kind != tIdent {
		p.failf(st.pos, "parse.quant", "expected a storage type")
		return nil
	}
	name := st.text
	// `i8:f32` lexes as one identifier "i8" followed by ':'; fine.
	d, ok := dtypeFromIdent(name)
	if !ok || !(d.IsInteger()) {
		p.failf(st.pos, "parse.quant", "storage type %q must be an integer type", name)
		return nil
	}
	q.Storage = d
	p.advance()
	if p.accept("<") {
		lo, ok1 := p.parseIntTok()
		if !ok1 || !p.expect(":") {
			return nil
		}
		hi, ok2 := p.parseIntTok()
		if !ok2 || !p.expect(">") {
			return nil
		}
		q.StorageMin, q.StorageMax, q.HasRange = lo, hi, true
	} else {
		q.StorageMin, q.StorageMax = intRange(d)
	}
	if !p.expect(":") {
		return nil
	}
	et := p.tok
	ed, ok := dtypeFromIdent(et.text)
	if et.kind != tIdent || !ok || !ed.IsFloat() {
		p.failf(et.pos, "parse.quant", "expressed type must be a float type")
		return nil
	}
	q.Expressed = ed
	p.advance()
	if p.accept(":") {
		ax, ok := p.parseIntTok()
		if !ok {
			return nil
		}
		if ax < 0 || ax >= int64(p.lim.MaxRank) {
			p.failf(pos, "parse.quant", "quantization axis %d is out of range", ax)
			return nil
		}
		q.Axis = int(ax)
		if !p.expect(",") || !p.expect("{") {
			return nil
		}
		for {
			s, z, ok := p.parseScaleZP()
			if !ok {
				return nil
			}
			q.Scales = append(q.Scales, s)
			q.ZeroPoints = append(q.ZeroPoints, z)
			if len(q.Scales) > 1<<16 {
				p.failf(pos, "limit.quant", "too many per-axis scales")
				return nil
			}
			if !p.accept(",") {
				break
			}
		}
		if !p.expect("}") {
			return nil
		}
	} else {
		if !p.expect(",") {
			return nil
		}
		s, z, ok := p.parseScaleZP()
		if !ok {
			return nil
		}
		q.Scales, q.ZeroPoints = []float64{s}, []int64{z}
	}
	if !p.expect(">") {
		return nil
	}
	return q
}

func (p *parser) parseScaleZP() (float64, int64, bool) {
	s, ok := p.parseFloatTok()
	if !ok {
		return 0, 0, false
	}
	var z int64
	if p.accept(":") {
		z, ok = p.parseIntTok()
		if !ok {
			return 0, 0, false
		}
	}
	return s, z, true
}

func (p *parser) parseFloatTok() (float64, bool) {
	neg := p.accept("-")
	t := p.tok
	if t.kind != tFloat && t.kind != tInt {
		p.syntax("expected a number, found %s", describe(t))
		return 0, false
	}
	f, err := strconv.ParseFloat(t.text, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		p.failf(t.pos, "parse.float", "bad number %s", t.text)
		return 0, false
	}
	p.advance()
	if neg {
		f = -f
	}
	return f, true
}

// intRange returns the representable range of an integer dtype.
func intRange(d tensor.DType) (int64, int64) {
	b := d.Bits()
	if d.IsUnsigned() {
		if b >= 64 {
			return 0, -1 // all ones: callers treat as unbounded
		}
		return 0, 1<<b - 1
	}
	if b >= 64 {
		return -1 << 63, 1<<63 - 1
	}
	return -1 << (b - 1), 1<<(b-1) - 1
}

// parseTypeList parses `T1, T2, ...` (at least one).
func (p *parser) parseTypeList() []ir.Type {
	var ts []ir.Type
	for {
		t := p.parseType()
		if t == nil {
			return nil
		}
		ts = append(ts, t)
		if !p.is(",") {
			return ts
		}
		p.advance()
	}
}

// parseParenTypes parses `(T1, T2)` or `()`.
func (p *parser) parseParenTypes() ([]ir.Type, bool) {
	if !p.expect("(") {
		return nil, false
	}
	if p.accept(")") {
		return []ir.Type{}, true
	}
	ts := p.parseTypeList()
	if ts == nil || !p.expect(")") {
		return nil, false
	}
	return ts, true
}

// parseResultTypes parses what follows `->`: `T` or `(T1, T2)` or `()`.
func (p *parser) parseResultTypes() ([]ir.Type, bool) {
	if p.is("(") {
		return p.parseParenTypes()
	}
	t := p.parseType()
	if t == nil {
		return nil, false
	}
	return []ir.Type{t}, true
}

// parseFunctionType parses `(A, B) -> R` / `(A) -> (R1, R2)`.
func (p *parser) parseFunctionType() (ins, outs []ir.Type, ok bool) {
	ins, ok = p.parseParenTypes()
	if !ok || !p.expect("->") {
		return nil, nil, false
	}
	outs, ok = p.parseResultTypes()
	return ins, outs, ok
}
