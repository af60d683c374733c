package mlir

import (
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
)

// parseTop parses a chunk: attribute aliases, then either one
// `module ... { }` or bare functions, then trailing aliases.
func (p *parser) parseTop() *ir.Module {
	var m *ir.Module
	for p.err == nil && p.tok.kind != tEOF {
		switch {
		case p.tok.kind == tHashID:
			p.parseAliasDef()
		case p.tok.kind == tIdent && p.tok.text == "module":
			if m != nil {
				p.failf(p.tok.pos, "parse.module", "more than one module in one chunk; separate them with // -----")
				return nil
			}
			m = p.parseModule()
		case p.tok.kind == tIdent && p.tok.text == "func.func":
			if m == nil {
				m = &ir.Module{Implicit: true, Pos: p.tok.pos}
			} else if !m.Implicit {
				p.failf(p.tok.pos, "parse.module", "function outside the module")
				return nil
			}
			p.parseFuncInto(m)
		default:
			p.syntax("expected a module, a function or an alias, found %s", describe(p.tok))
		}
	}
	if p.err != nil {
		return nil
	}
	return m
}

// parseAliasDef parses `#name = attr` (locations are skipped).
func (p *parser) parseAliasDef() {
	t := p.tok
	p.advance()
	if !p.expect("=") {
		return
	}
	if p.is("loc") {
		p.skipLoc()
		return
	}
	a := p.parseAttr()
	if a != nil {
		if len(p.aliases) >= 10000 {
			p.failf(t.pos, "limit.aliases", "too many attribute aliases")
			return
		}
		p.aliases[t.text[1:]] = a
	}
}

// skipLoc skips `loc(...)`, balancing parentheses; nothing of a location
// is kept (positions come from the source itself).
func (p *parser) skipLoc() {
	if !p.is("loc") {
		return
	}
	p.advance()
	if !p.is("(") {
		p.syntax("expected '(' after loc")
		return
	}
	level := 0
	for p.err == nil {
		switch {
		case p.tok.kind == tEOF:
			p.syntax("unterminated loc(...)")
			return
		case p.is("("), p.is("["), p.is("{"):
			level++
			if level > p.lim.MaxDepth {
				p.failf(p.tok.pos, "limit.depth", "location nesting is deeper than %d", p.lim.MaxDepth)
				return
			}
		case p.is(")"), p.is("]"), p.is("}"):
			level--
		}
		p.advance()
		if level == 0 {
			return
		}
	}
}

func (p *parser) parseModule() *ir.Module {
	m := &ir.Module{Pos: p.tok.pos}
	p.advance() // module
	if p.tok.kind == tSymbol {
		m.Name = symName(p.tok.text)
		p.advance()
	}
	if p.accept("attributes") {
		d, ok := p.parseDict()
		if !ok {
			return nil
		}
		m.Attrs = d
	}
	if !p.expect("{") {
		return nil
	}
	for p.err == nil && !p.is("}") {
		if p.tok.kind == tIdent && p.tok.text == "func.func" {
			p.parseFuncInto(m)
			continue
		}
		p.syntax("expected func.func or '}' in module, found %s", describe(p.tok))
		return nil
	}
	p.expect("}")
	p.skipLoc()
	return m
}

func symName(s string) string {
	s = s[1:]
	if strings.HasPrefix(s, "\"") {
		if u, ok := unquote(s); ok {
			return u
		}
	}
	return s
}

// parseFuncInto parses one `func.func` and appends it to m.
func (p *parser) parseFuncInto(m *ir.Module) {
	if len(m.Funcs) >= p.lim.MaxFuncs {
		p.failf(p.tok.pos, "limit.functions", "module has more than %d functions", p.lim.MaxFuncs)
		return
	}
	f := &ir.Func{Pos: p.tok.pos}
	p.advance() // func.func
	if p.tok.kind == tIdent && (p.tok.text == "public" || p.tok.text == "private" || p.tok.text == "nested") {
		f.Visibility = p.tok.text
		p.advance()
	}
	if p.tok.kind != tSymbol {
		p.syntax("expected the function name (@name), found %s", describe(p.tok))
		return
	}
	f.Name = symName(p.tok.text)
	if m.Func(f.Name) != nil {
		p.failf(p.tok.pos, "parse.redefinition", "function @%s is defined twice", f.Name)
		return
	}
	p.advance()
	p.pushScope()
	defer p.popScope()
	if !p.expect("(") {
		return
	}
	hasArgAttrs := false
	for p.err == nil && !p.is(")") {
		if len(f.Args) > 0 && !p.expect(",") {
			return
		}
		if p.tok.kind != tValueID {
			p.syntax("expected an argument (%%name: type), found %s", describe(p.tok))
			return
		}
		at := p.tok
		p.advance()
		if !p.expect(":") {
			return
		}
		ty := p.parseType()
		if ty == nil {
			return
		}
		var ad ir.Dict
		if p.is("{") {
			d, ok := p.parseDict()
			if !ok {
				return
			}
			ad, hasArgAttrs = d, true
		}
		p.skipLoc()
		v := &ir.Value{Type: ty, Index: len(f.Args), Name: at.text[1:]}
		p.define(at.text[1:], at.pos, []*ir.Value{v})
		f.Args = append(f.Args, v)
		f.ArgAttrs = append(f.ArgAttrs, ad)
	}
	if !p.expect(")") {
		return
	}
	if !hasArgAttrs {
		f.ArgAttrs = nil
	}
	if p.accept("->") {
		if !p.parseFuncResults(f) {
			return
		}
	}
	if p.accept("attributes") {
		d, ok := p.parseDict()
		if !ok {
			return
		}
		f.Attrs = d
	}
	if p.is("{") {
		f.Body = p.parseRegion(nil)
		if f.Body == nil {
			return
		}
		// The entry block's arguments are the function's arguments.
		if len(f.Body.Blocks[0].Args) > 0 {
			p.failf(f.Pos, "parse.blocks", "function @%s declares arguments on its entry block; declare them in the signature only", f.Name)
			return
		}
		f.Body.Blocks[0].Args = f.Args
	}
	p.skipLoc()
	m.Funcs = append(m.Funcs, f)
}

func (p *parser) parseFuncResults(f *ir.Func) bool {
	hasAttrs := false
	one := func(inParens bool) bool {
		ty := p.parseType()
		if ty == nil {
			return false
		}
		var d ir.Dict
		if inParens && p.is("{") {
			dd, ok := p.parseDict()
			if !ok {
				return false
			}
			d, hasAttrs = dd, true
		}
		p.skipLoc()
		f.Results = append(f.Results, ty)
		f.ResultAttrs = append(f.ResultAttrs, d)
		return true
	}
	if p.accept("(") {
		for !p.is(")") {
			if len(f.Results) > 0 && !p.expect(",") {
				return false
			}
			if !one(true) {
				return false
			}
		}
		p.advance()
	} else if !one(false) {
		return false
	}
	if f.Results == nil {
		f.Results = []ir.Type{}
	}
	if !hasAttrs {
		f.ResultAttrs = nil
	}
	return true
}

// parseRegion parses `{ [^bb0(args):] ops }`. When the region has no block
// header, implicitArgs (may be nil) become its block arguments: they were
// declared by the op's pretty syntax (while, reduce).
func (p *parser) parseRegion(implicitArgs []namedArg) *ir.Region {
	if !p.enter() {
		return nil
	}
	defer p.leave()
	if !p.expect("{") {
		return nil
	}
	p.pushScope()
	defer p.popScope()
	b := &ir.Block{}
	for i, a := range implicitArgs {
		v := &ir.Value{Type: a.ty, Index: i, Name: a.name}
		p.define(a.name, a.pos, []*ir.Value{v})
		b.Args = append(b.Args, v)
	}
	if p.tok.kind == tCaretID {
		if implicitArgs != nil {
			p.syntax("block arguments were already declared before the region")
			return nil
		}
		p.advance()
		if p.accept("(") {
			for p.err == nil && !p.is(")") {
				if len(b.Args) > 0 && !p.expect(",") {
					return nil
				}
				if p.tok.kind != tValueID {
					p.syntax("expected a block argument, found %s", describe(p.tok))
					return nil
				}
				at := p.tok
				p.advance()
				if !p.expect(":") {
					return nil
				}
				ty := p.parseType()
				if ty == nil {
					return nil
				}
				p.skipLoc()
				v := &ir.Value{Type: ty, Index: len(b.Args), Name: at.text[1:]}
				p.define(at.text[1:], at.pos, []*ir.Value{v})
				b.Args = append(b.Args, v)
			}
			p.advance()
		}
		if !p.expect(":") {
			return nil
		}
	}
	for p.err == nil && !p.is("}") {
		if p.tok.kind == tCaretID {
			p.failf(p.tok.pos, "parse.blocks", "regions with more than one block are not supported")
			return nil
		}
		op := p.parseOp()
		if op == nil {
			return nil
		}
		b.Ops = append(b.Ops, op)
	}
	if !p.expect("}") {
		return nil
	}
	return &ir.Region{Blocks: []*ir.Block{b}}
}

type namedArg struct {
	name string
	pos  diag.Pos
	ty   ir.Type
}

type resultGroup struct {
	name  string
	count int
	pos   diag.Pos
}

// parseOp parses one operation with its result list.
func (p *parser) parseOp() *ir.Op {
	p.ops++
	if p.ops > p.lim.MaxOps {
		p.failf(p.tok.pos, "limit.ops", "module has more than %d ops", p.lim.MaxOps)
		return nil
	}
	var groups []resultGroup
	nres := 0
	for p.tok.kind == tValueID {
		g := resultGroup{name: p.tok.text[1:], count: 1, pos: p.tok.pos}
		p.advance()
		if p.is(":") {
			p.advance()
			if p.tok.kind != tInt {
				p.syntax("expected a result count after ':'")
				return nil
			}
			n, err := strconv.Atoi(p.tok.text)
			if err != nil || n < 1 || n > 1<<16 {
				p.failf(p.tok.pos, "limit.results", "bad result count %s", p.tok.text)
				return nil
			}
			g.count = n
			p.advance()
		}
		groups = append(groups, g)
		nres += g.count
		if nres > 1<<16 {
			p.failf(g.pos, "limit.results", "too many results")
			return nil
		}
		if !p.accept(",") {
			break
		}
	}
	if len(groups) > 0 && !p.expect("=") {
		return nil
	}
	op := &ir.Op{Pos: p.tok.pos}
	var resultTypes []ir.Type
	var ok bool
	switch p.tok.kind {
	case tString:
		name, _ := unquote(p.tok.text)
		op.Name = canonicalOpName(name)
		p.advance()
		resultTypes, ok = p.parseGenericOp(op)
	case tIdent:
		op.Name = canonicalOpName(p.tok.text)
		p.advance()
		resultTypes, ok = p.parsePrettyOp(op, nres)
	default:
		p.syntax("expected an operation, found %s", describe(p.tok))
		return nil
	}
	if !ok || p.err != nil {
		return nil
	}
	p.skipLoc()
	if len(resultTypes) != nres {
		p.failf(op.Pos, "parse.result_count", "%s defines %d results but its type lists %d", op.Name, nres, len(resultTypes))
		return nil
	}
	k := 0
	for _, g := range groups {
		vals := make([]*ir.Value, g.count)
		for i := range vals {
			v := &ir.Value{Type: resultTypes[k], Def: op, Index: k, Name: g.name}
			if g.count > 1 {
				v.Name = g.name + "#" + strconv.Itoa(i)
			}
			vals[i] = v
			op.Results = append(op.Results, v)
			k++
		}
		p.define(g.name, g.pos, vals)
	}
	return op
}

func canonicalOpName(n string) string {
	switch n {
	case "return":
		return "func.return"
	case "call":
		return "func.call"
	}
	return n
}

// parseGenericOp parses `(%a, %b) <{props}> ({regions}) {attrs} : (T) -> R`.
func (p *parser) parseGenericOp(op *ir.Op) ([]ir.Type, bool) {
	if !p.expect("(") {
		return nil, false
	}
	op.Operands = p.parseValueList()
	if p.err != nil || !p.expect(")") {
		return nil, false
	}
	if p.is("<") {
		p.advance()
		if !p.is("{") {
			p.syntax("expected '{' after '<' in properties")
			return nil, false
		}
		if !p.parseAttrDictInto(&op.Props, &op.Attrs) || !p.expect(">") {
			return nil, false
		}
	}
	if p.is("(") {
		p.advance()
		for {
			r := p.parseRegion(nil)
			if r == nil {
				return nil, false
			}
			op.Regions = append(op.Regions, r)
			if !p.accept(",") {
				break
			}
		}
		if !p.expect(")") {
			return nil, false
		}
	}
	if p.is("{") && !p.parseAttrDictInto(&op.Props, &op.Attrs) {
		return nil, false
	}
	if !p.expect(":") {
		return nil, false
	}
	ins, outs, ok := p.parseFunctionType()
	if !ok {
		return nil, false
	}
	if !p.checkOperandTypes(op, ins) {
		return nil, false
	}
	return outs, true
}

// checkOperandTypes checks that the types written for the operands are the
// operands' types.
func (p *parser) checkOperandTypes(op *ir.Op, ins []ir.Type) bool {
	if len(ins) != len(op.Operands) {
		p.failf(op.Pos, "parse.operand_count", "%s has %d operands but its type lists %d", op.Name, len(op.Operands), len(ins))
		return false
	}
	for i, v := range op.Operands {
		if !ir.TypesEqual(v.Type, ins[i]) {
			p.failf(op.Pos, "parse.operand_type", "%s operand #%d has type %s but is written as %s", op.Name, i, v.Type, ins[i])
			return false
		}
	}
	return true
}
