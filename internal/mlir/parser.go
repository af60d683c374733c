// Package mlir parses StableHLO text, as JAX and the upstream StableHLO tests
// print it, into the typed IR of package ir.
//
// The parser is the first thing untrusted bytes meet, so it is written to a
// few hard rules: every size it reads is checked against a cap in Limits
// before it allocates; nesting (regions, types, attributes, literals) is
// counted against Limits.MaxDepth, and the only recursion is bounded by that
// count; every failure is a *diag.Error of kind Rejected with a line:col.
//
// Both the pretty (custom) and the generic op syntax are accepted. Pretty
// syntax is converted on the spot to the generic form's attribute names, so
// the IR has one canonical shape per op.
package mlir

import (
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Limits caps what the parser accepts. The zero value of a field means the
// default from DefaultLimits.
type Limits struct {
	MaxSourceBytes  int64 // whole input
	MaxOps          int   // ops per module, nested ones included
	MaxFuncs        int   // functions per module
	MaxDepth        int   // nesting of regions, types, attributes and literals
	MaxLiteralBytes int64 // decoded bytes of one dense literal
	MaxLiteralElems int64 // elements written out in one literal
	MaxRank         int   // dimensions of a tensor type
	MaxDimSize      int64 // one dimension
	MaxElements     int64 // product of a tensor type's dimensions
	MaxIdentLen     int   // identifiers, value and symbol names
	MaxStringLen    int   // string literals
}

// DefaultLimits returns the documented defaults (see docs/LIMITS.md).
func DefaultLimits() Limits {
	return Limits{
		MaxSourceBytes:  256 << 20,
		MaxOps:          1_000_000,
		MaxFuncs:        10_000,
		MaxDepth:        64,
		MaxLiteralBytes: 256 << 20,
		MaxLiteralElems: 64 << 20,
		MaxRank:         16,
		MaxDimSize:      1 << 40,
		MaxElements:     1 << 48,
		MaxIdentLen:     1024,
		MaxStringLen:    1 << 20,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxSourceBytes <= 0 {
		l.MaxSourceBytes = d.MaxSourceBytes
	}
	if l.MaxOps <= 0 {
		l.MaxOps = d.MaxOps
	}
	if l.MaxFuncs <= 0 {
		l.MaxFuncs = d.MaxFuncs
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxLiteralBytes <= 0 {
		l.MaxLiteralBytes = d.MaxLiteralBytes
	}
	if l.MaxLiteralElems <= 0 {
		l.MaxLiteralElems = d.MaxLiteralElems
	}
	if l.MaxRank <= 0 {
		l.MaxRank = d.MaxRank
	}
	if l.MaxDimSize <= 0 {
		l.MaxDimSize = d.MaxDimSize
	}
	if l.MaxElements <= 0 {
		l.MaxElements = d.MaxElements
	}
	if l.MaxIdentLen <= 0 {
		l.MaxIdentLen = d.MaxIdentLen
	}
	if l.MaxStringLen <= 0 {
		l.MaxStringLen = d.MaxStringLen
	}
	return l
}

// Chunk is one `// -----` piece of a split file with its first line number.
type Chunk struct {
	Text      string
	FirstLine int32
}

// SplitChunks splits source at lines that start with `// -----`, as
// upstream's -split-input-file does.
func SplitChunks(src string) []Chunk {
	var out []Chunk
	start, line, startLine := 0, int32(1), int32(1)
	for i := 0; i < len(src); {
		j := strings.IndexByte(src[i:], '\n')
		end := len(src)
		if j >= 0 {
			end = i + j
		}
		if strings.HasPrefix(src[i:end], "// -----") {
			out = append(out, Chunk{Text: src[start:i], FirstLine: startLine})
			start = end
			startLine = line
		}
		if j < 0 {
			break
		}
		i = end + 1
		line++
	}
	return append(out, Chunk{Text: src[start:], FirstLine: startLine})
}

// ParseFile parses a whole file, split at `// -----` markers, into one
// module per chunk. Chunks that hold only comments are dropped.
func ParseFile(src string, lim Limits) ([]*ir.Module, error) {
	lim = lim.withDefaults()
	if int64(len(src)) > lim.MaxSourceBytes {
		return nil, diag.New(diag.Rejected, "limit.source_bytes", diag.Pos{},
			"source is %d bytes, over the limit of %d", len(src), lim.MaxSourceBytes).
			WithHint("split the program or raise --max-source")
	}
	var mods []*ir.Module
	for _, c := range SplitChunks(src) {
		m, err := parseChunk(c, lim)
		if err != nil {
			return nil, err
		}
		if m != nil {
			mods = append(mods, m)
		}
	}
	return mods, nil
}

// ParseModule parses source that must hold exactly one module (no split
// markers are interpreted).
func ParseModule(src string, lim Limits) (*ir.Module, error) {
	lim = lim.withDefaults()
	if int64(len(src)) > lim.MaxSourceBytes {
		return nil, diag.New(diag.Rejected, "limit.source_bytes", diag.Pos{},
			"source is %d bytes, over the limit of %d", len(src), lim.MaxSourceBytes).
			WithHint("split the program or raise --max-source")
	}
	m, err := parseChunk(Chunk{Text: src, FirstLine: 1}, lim)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, diag.New(diag.Rejected, "parse.empty", diag.Pos{Line: 1, Col: 1}, "no module or function found")
	}
	return m, nil
}

type parser struct {
	lex   lexer
	tok   token
	lim   Limits
	depth int
	ops   int
	err   *diag.Error
	// scopes of SSA names, innermost last
	scopes []map[string][]*ir.Value
	// attribute aliases defined with `#name = attr`
	aliases map[string]ir.Attr
}

func parseChunk(c Chunk, lim Limits) (*ir.Module, error) {
	p := &parser{lim: lim, aliases: map[string]ir.Attr{}}
	// String tokens may be hex blobs, so the lexer allows literal-sized
	// strings; other uses of a string check MaxStringLen themselves.
	maxTok := int(min(int64(lim.MaxStringLen)+2*lim.MaxLiteralBytes+4, 1<<40))
	p.lex = lexer{src: c.Text, line: c.FirstLine, maxIdent: lim.MaxIdentLen, maxString: maxTok}
	p.advance()
	m := p.parseTop()
	if p.err != nil {
		return nil, p.err
	}
	return m, nil
}

// --- token helpers ---

func (p *parser) advance() {
	if p.err != nil {
		p.tok = token{kind: tEOF, pos: p.tok.pos}
		return
	}
	p.tok = p.lex.next()
	if p.tok.kind == tError {
		p.err = p.lex.err
		p.tok.kind = tEOF
	}
}

func (p *parser) failf(pos diag.Pos, rule, format string, args ...any) {
	if p.err == nil {
		p.err = diag.New(diag.Rejected, rule, pos, format, args...)
	}
	p.tok = token{kind: tEOF, pos: p.tok.pos}
	p.lex.off = len(p.lex.src)
}

func (p *parser) syntax(format string, args ...any) {
	p.failf(p.tok.pos, "parse.syntax", format, args...)
}

func (p *parser) is(text string) bool {
	return (p.tok.kind == tPunct || p.tok.kind == tIdent) && p.tok.text == text
}

func (p *parser) accept(text string) bool {
	if p.is(text) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expect(text string) bool {
	if p.accept(text) {
		return true
	}
	p.syntax("expected %q, found %s", text, describe(p.tok))
	return false
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tString:
		if len(t.text) > 40 {
			return "a string"
		}
	}
	s := t.text
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return strconv.Quote(s)
}

// enter counts one level of nesting; every caller pairs it with leave.
func (p *parser) enter() bool {
	p.depth++
	if p.depth > p.lim.MaxDepth {
		p.failf(p.tok.pos, "limit.depth", "nesting is deeper than the limit of %d levels", p.lim.MaxDepth)
		return false
	}
	return true
}

func (p *parser) leave() { p.depth-- }

func (p *parser) parseIntTok() (int64, bool) {
	neg := false
	pos := p.tok.pos
	if p.is("-") {
		neg = true
		p.advance()
	}
	if p.tok.kind != tInt {
		p.syntax("expected an integer, found %s", describe(p.tok))
		return 0, false
	}
	v, ok := parseInt(p.tok.text, neg)
	if !ok {
		p.failf(pos, "parse.integer", "integer %s does not fit in 64 bits", p.tok.text)
		return 0, false
	}
	p.advance()
	return v, true
}

// parseInt reads a decimal or 0x integer; values up to 2^64-1 are accepted
// and returned as their two's-complement bit pattern.
func parseInt(s string, neg bool) (int64, bool) {
	var u uint64
	var err error
	if strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X") {
		u, err = strconv.ParseUint(s[2:], 16, 64)
	} else {
		u, err = strconv.ParseUint(s, 10, 64)
	}
	if err != nil {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	return int64(u), true
}

// peekIs reports whether the token after the current one is text.
func (p *parser) peekIs(text string) bool {
	save := p.lex
	t := p.lex.next()
	p.lex = save
	return (t.kind == tPunct || t.kind == tIdent) && t.text == text
}

// --- scopes ---

func (p *parser) pushScope() { p.scopes = append(p.scopes, map[string][]*ir.Value{}) }
func (p *parser) popScope()  { p.scopes = p.scopes[:len(p.scopes)-1] }

func (p *parser) define(name string, pos diag.Pos, vals []*ir.Value) {
	for i := len(p.scopes) - 1; i >= 0; i-- {
		if _, dup := p.scopes[i][name]; dup {
			p.failf(pos, "parse.redefinition", "value %%%s is defined twice", name)
			return
		}
	}
	p.scopes[len(p.scopes)-1][name] = vals
}

// useValue resolves `%name` or `%name#k` at the current token.
func (p *parser) useValue() *ir.Value {
	if p.tok.kind != tValueID {
		p.syntax("expected a value (%%name), found %s", describe(p.tok))
		return nil
	}
	t := p.tok
	name := t.text[1:]
	idx := 0
	p.advance()
	if p.tok.kind == tHashID && p.tok.off == t.off+len(t.text) {
		n, err := strconv.Atoi(p.tok.text[1:])
		if err != nil || n < 0 {
			p.failf(p.tok.pos, "parse.syntax", "bad result index %s", p.tok.text)
			return nil
		}
		idx = n
		p.advance()
	}
	for i := len(p.scopes) - 1; i >= 0; i-- {
		if vals, ok := p.scopes[i][name]; ok {
			if idx >= len(vals) {
				p.failf(t.pos, "parse.undefined_value", "%%%s has %d results; #%d is out of range", name, len(vals), idx)
				return nil
			}
			return vals[idx]
		}
	}
	p.failf(t.pos, "parse.undefined_value", "use of undefined value %%%s", name)
	return nil
}

// parseValueList parses `%a, %b#1, ...` (possibly empty when the next token
// is not a value).
func (p *parser) parseValueList() []*ir.Value {
	var vals []*ir.Value
	if p.tok.kind != tValueID {
		return nil
	}
	for {
		v := p.useValue()
		if v == nil {
			return nil
		}
		vals = append(vals, v)
		if !p.is(",") {
			return vals
		}
		// Only continue if a value follows the comma.
		save, saveTok := p.lex, p.tok
		p.advance()
		if p.tok.kind != tValueID {
			p.lex, p.tok = save, saveTok
			return vals
		}
	}
}

func dtypeFromIdent(s string) (tensor.DType, bool) {
	if strings.HasPrefix(s, "si") { // signless spelled as signed
		s = "i" + s[2:]
	}
	return tensor.ParseDType(s)
}
