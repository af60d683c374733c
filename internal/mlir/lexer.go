package mlir

import (
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
)

type tokKind uint8

const (
	tEOF     tokKind = iota
	tIdent           // bare identifier: stablehlo.add, tensor, f32, dense, true
	tValueID         // %name
	tSymbol          // @name or @"quoted"
	tHashID          // #name (attribute alias or dialect attribute prefix)
	tBangID          // !name (type alias or dialect type prefix)
	tCaretID         // ^bb0
	tInt             // 123, 0x1F
	tFloat           // 1.5, 1e10
	tString          // "..." (text holds the raw quoted form)
	tPunct           // one of ( ) [ ] { } < > , : = + * ? - ->
	tError
)

type token struct {
	kind tokKind
	text string // slice of the source (no copy)
	pos  diag.Pos
	off  int // byte offset in the source
}

// lexer scans one chunk of source on demand. It never recurses and never
// allocates per token beyond the token itself.
type lexer struct {
	src       string
	off       int
	line      int32
	lineStart int
	maxIdent  int
	maxString int
	err       *diag.Error
}

func (l *lexer) pos() diag.Pos {
	return diag.Pos{Line: l.line, Col: int32(l.off-l.lineStart) + 1}
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' || c == '.'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHex(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func (l *lexer) skipSpace() {
	for l.off < len(l.src) {
		c := l.src[l.off]
		switch {
		case c == '\n':
			l.off++
			l.line++
			l.lineStart = l.off
		case c == ' ' || c == '\t' || c == '\r':
			l.off++
		case c == '/' && l.off+1 < len(l.src) && l.src[l.off+1] == '/':
			i := strings.IndexByte(l.src[l.off:], '\n')
			if i < 0 {
				l.off = len(l.src)
				return
			}
			l.off += i
		default:
			return
		}
	}
}

func (l *lexer) fail(pos diag.Pos, rule, format string, args ...any) token {
	if l.err == nil {
		l.err = diag.New(diag.Rejected, rule, pos, format, args...)
	}
	l.off = len(l.src)
	return token{kind: tError, pos: pos}
}

// next returns the next token.
func (l *lexer) next() token {
	l.skipSpace()
	p := l.pos()
	start := l.off
	if l.off >= len(l.src) {
		return token{kind: tEOF, pos: p, off: start}
	}
	c := l.src[l.off]
	mk := func(k tokKind) token {
		return token{kind: k, text: l.src[start:l.off], pos: p, off: start}
	}
	switch {
	case isIdentStart(c):
		l.scanIdentChars()
		if l.off-start > l.maxIdent {
			return l.fail(p, "limit.identifier", "identifier is %d bytes long, over the limit of %d", l.off-start, l.maxIdent)
		}
		return mk(tIdent)
	case isDigit(c):
		return l.scanNumber(start, p)
	case c == '"':
		if err := l.scanString(); err != nil {
			return token{kind: tError, pos: p}
		}
		return mk(tString)
	case c == '%' || c == '@' || c == '#' || c == '!' || c == '^':
		l.off++
		if c == '@' && l.off < len(l.src) && l.src[l.off] == '"' {
			if err := l.scanString(); err != nil {
				return token{kind: tError, pos: p}
			}
			return mk(tSymbol)
		}
		s := l.off
		for l.off < len(l.src) && (isIdentChar(l.src[l.off]) || l.src[l.off] == '-') {
			l.off++
		}
		if l.off == s {
			return l.fail(p, "parse.syntax", "expected a name after %q", string(c))
		}
		if l.off-s > l.maxIdent {
			return l.fail(p, "limit.identifier", "name is %d bytes long, over the limit of %d", l.off-s, l.maxIdent)
		}
		switch c {
		case '%':
			return mk(tValueID)
		case '@':
			return mk(tSymbol)
		case '#':
			return mk(tHashID)
		case '!':
			return mk(tBangID)
		}
		return mk(tCaretID)
	case c == '-':
		l.off++
		if l.off < len(l.src) && l.src[l.off] == '>' {
			l.off++
		}
		return mk(tPunct)
	case strings.IndexByte("()[]{}<>,:=+*?", c) >= 0:
		l.off++
		return mk(tPunct)
	}
	return l.fail(p, "parse.syntax", "unexpected character %q", string(c))
}

func (l *lexer) scanIdentChars() {
	for l.off < len(l.src) && isIdentChar(l.src[l.off]) {
		l.off++
	}
}

func (l *lexer) scanNumber(start int, p diag.Pos) token {
	s := l.src
	if s[l.off] == '0' && l.off+1 < len(s) && (s[l.off+1] == 'x' || s[l.off+1] == 'X') &&
		l.off+2 < len(s) && isHex(s[l.off+2]) {
		l.off += 2
		for l.off < len(s) && isHex(s[l.off]) {
			l.off++
		}
		if l.off-start > 40 {
			return l.fail(p, "limit.literal", "hexadecimal number is too long")
		}
		return token{kind: tInt, text: s[start:l.off], pos: p, off: start}
	}
	for l.off < len(s) && isDigit(s[l.off]) {
		l.off++
	}
	kind := tInt
	if l.off < len(s) && s[l.off] == '.' {
		kind = tFloat
		l.off++
		for l.off < len(s) && isDigit(s[l.off]) {
			l.off++
		}
	}
	if l.off < len(s) && (s[l.off] == 'e' || s[l.off] == 'E') {
		j := l.off + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			kind = tFloat
			l.off = j
			for l.off < len(s) && isDigit(s[l.off]) {
				l.off++
			}
		}
	}
	if l.off-start > 400 {
		return l.fail(p, "limit.literal", "number literal is %d characters long", l.off-start)
	}
	return token{kind: kind, text: s[start:l.off], pos: p, off: start}
}

// scanString scans a quoted string starting at l.off (which holds '"').
func (l *lexer) scanString() *diag.Error {
	p := l.pos()
	l.off++
	s := l.src
	for l.off < len(s) {
		c := s[l.off]
		switch c {
		case '"':
			l.off++
			return nil
		case '\\':
			l.off += 2
			continue
		case '\n':
			l.fail(p, "parse.string", "string literal is not closed before the end of the line")
			return l.err
		}
		l.off++
		if l.off-p2off(l, p) > l.maxString {
			l.fail(p, "limit.string", "string literal is longer than the limit of %d bytes", l.maxString)
			return l.err
		}
	}
	l.fail(p, "parse.string", "string literal is not closed")
	return l.err
}

// p2off converts the line start of p back to an offset: strings never span
// lines, so the string began on the current line.
func p2off(l *lexer, p diag.Pos) int { return l.lineStart + int(p.Col) - 1 }

// unquote decodes an MLIR string literal body: escapes \\ \" \n \t and
// two-digit hex \XX.
func unquote(raw string) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body, true
	}
	out := make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 >= len(body) {
			return "", false
		}
		i++
		switch e := body[i]; {
		case e == '\\' || e == '"' || e == '\'':
			out = append(out, e)
		case e == 'n':
			out = append(out, '\n')
		case e == 't':
			out = append(out, '\t')
		case isHex(e) && i+1 < len(body) && isHex(body[i+1]):
			out = append(out, hexVal(e)<<4|hexVal(body[i+1]))
			i++
		default:
			return "", false
		}
	}
	return string(out), true
}

func hexVal(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}
