package ir

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/tensor"
)

// Print writes m as StableHLO text: functions in their usual form and every
// op in the generic form, with values renamed %0, %1, ... and %argN. The
// output parses back to an equal module, so Print(Parse(Print(x))) equals
// Print(x).
func Print(m *Module) string {
	var pr printer
	pr.module(m)
	return pr.b.String()
}

// PrintOp writes one op (and its regions) in generic form, with values named
// as they were in the source where known; for diagnostics.
func PrintOp(o *Op) string {
	pr := printer{names: map[*Value]string{}}
	pr.op(o, 0)
	return strings.TrimSpace(pr.b.String())
}

// PrintDict writes an attribute dictionary as the printer does: two
// dictionaries print the same exactly when their attributes are equal
// (what passes that compare ops by their text rely on).
func PrintDict(d Dict) string {
	var pr printer
	pr.dict(d)
	return pr.b.String()
}

type printer struct {
	b     strings.Builder
	names map[*Value]string
	next  int
	args  int
}

func (pr *printer) ws(s string) { pr.b.WriteString(s) }

func (pr *printer) indent(n int) {
	for range n {
		pr.ws("  ")
	}
}

func (pr *printer) module(m *Module) {
	if m.Implicit {
		for i, f := range m.Funcs {
			if i > 0 {
				pr.ws("\n")
			}
			pr.fn(f, 0)
		}
		return
	}
	pr.ws("module")
	if m.Name != "" {
		pr.ws(" ")
		pr.symbol(m.Name)
	}
	if len(m.Attrs) > 0 {
		pr.ws(" attributes ")
		pr.dict(m.Attrs)
	}
	pr.ws(" {\n")
	for _, f := range m.Funcs {
		pr.fn(f, 1)
	}
	pr.ws("}\n")
}

func (pr *printer) symbol(name string) {
	pr.ws("@")
	if isPlainSymbol(name) {
		pr.ws(name)
	} else {
		pr.str(name)
	}
}

func isPlainSymbol(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '$' || c == '.' ||
			(i > 0 && (c >= '0' && c <= '9' || c == '-'))
		if !ok {
			return false
		}
	}
	return true
}

// isPlainKey reports whether an attribute name can be printed bare: it
// must lex as one identifier.
func isPlainKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '$' || c == '.')) {
			return false
		}
	}
	return true
}

func (pr *printer) fn(f *Func, depth int) {
	pr.names = map[*Value]string{}
	pr.next, pr.args = 0, 0
	pr.indent(depth)
	pr.ws("func.func ")
	if f.Visibility != "" {
		pr.ws(f.Visibility)
		pr.ws(" ")
	}
	pr.symbol(f.Name)
	pr.ws("(")
	for i, a := range f.Args {
		if i > 0 {
			pr.ws(", ")
		}
		pr.ws(pr.argName(a))
		pr.ws(": ")
		pr.ws(a.Type.String())
		if i < len(f.ArgAttrs) && len(f.ArgAttrs[i]) > 0 {
			pr.ws(" ")
			pr.dict(f.ArgAttrs[i])
		}
	}
	pr.ws(")")
	if f.Results != nil {
		pr.ws(" -> (")
		for i, t := range f.Results {
			if i > 0 {
				pr.ws(", ")
			}
			pr.ws(t.String())
			if i < len(f.ResultAttrs) && len(f.ResultAttrs[i]) > 0 {
				pr.ws(" ")
				pr.dict(f.ResultAttrs[i])
			}
		}
		pr.ws(")")
	}
	if len(f.Attrs) > 0 {
		pr.ws(" attributes ")
		pr.dict(f.Attrs)
	}
	if f.Body != nil {
		pr.ws(" {\n")
		pr.blockOps(f.Body.Blocks[0], depth+1)
		pr.indent(depth)
		pr.ws("}")
	}
	pr.ws("\n")
}

func (pr *printer) argName(v *Value) string {
	n := "%arg" + strconv.Itoa(pr.args)
	pr.args++
	pr.names[v] = n
	return n
}

func (pr *printer) use(v *Value) string {
	if n, ok := pr.names[v]; ok {
		return n
	}
	if v.Name != "" {
		return "%" + strings.ReplaceAll(v.Name, "#", "_") // unknown value in PrintOp
	}
	return "%<unknown>"
}

func (pr *printer) blockOps(b *Block, depth int) {
	for _, o := range b.Ops {
		pr.op(o, depth)
	}
}

func (pr *printer) op(o *Op, depth int) {
	pr.indent(depth)
	if len(o.Results) > 0 {
		base := "%" + strconv.Itoa(pr.next)
		pr.next++
		if len(o.Results) == 1 {
			pr.names[o.Results[0]] = base
			pr.ws(base)
		} else {
			for i, r := range o.Results {
				pr.names[r] = base + "#" + strconv.Itoa(i)
			}
			pr.ws(base + ":" + strconv.Itoa(len(o.Results)))
		}
		pr.ws(" = ")
	}
	pr.str(o.Name)
	pr.ws("(")
	for i, v := range o.Operands {
		if i > 0 {
			pr.ws(", ")
		}
		pr.ws(pr.use(v))
	}
	pr.ws(")")
	if len(o.Props) > 0 {
		pr.ws(" <")
		pr.dict(o.Props)
		pr.ws(">")
	}
	if len(o.Regions) > 0 {
		pr.ws(" (")
		for i, r := range o.Regions {
			if i > 0 {
				pr.ws(", ")
			}
			pr.region(r, depth)
		}
		pr.ws(")")
	}
	if len(o.Attrs) > 0 {
		pr.ws(" ")
		pr.dict(o.Attrs)
	}
	pr.ws(" : (")
	for i, v := range o.Operands {
		if i > 0 {
			pr.ws(", ")
		}
		pr.ws(v.Type.String())
	}
	pr.ws(") -> ")
	if len(o.Results) == 1 {
		if _, isFn := o.Results[0].Type.(*FuncType); !isFn {
			pr.ws(o.Results[0].Type.String())
			pr.ws("\n")
			return
		}
	}
	pr.ws("(")
	for i, r := range o.Results {
		if i > 0 {
			pr.ws(", ")
		}
		pr.ws(r.Type.String())
	}
	pr.ws(")\n")
}

func (pr *printer) region(r *Region, depth int) {
	pr.ws("{\n")
	for _, b := range r.Blocks {
		pr.indent(depth)
		pr.ws("^bb0(")
		for i, a := range b.Args {
			if i > 0 {
				pr.ws(", ")
			}
			pr.ws(pr.argName(a))
			pr.ws(": ")
			pr.ws(a.Type.String())
		}
		pr.ws("):\n")
		pr.blockOps(b, depth+1)
	}
	pr.indent(depth)
	pr.ws("}")
}

func (pr *printer) dict(d Dict) {
	pr.ws("{")
	for i, a := range d {
		if i > 0 {
			pr.ws(", ")
		}
		if isPlainKey(a.Name) {
			pr.ws(a.Name)
		} else {
			pr.str(a.Name)
		}
		if _, unit := a.Value.(UnitAttr); unit {
			continue
		}
		pr.ws(" = ")
		pr.attr(a.Value)
	}
	pr.ws("}")
}

// str writes an MLIR string literal.
func (pr *printer) str(s string) {
	pr.ws(QuoteString(s))
}

// QuoteString quotes s as an MLIR string literal.
func QuoteString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString("\\n")
		case c == '\t':
			b.WriteString("\\t")
		case c < 0x20 || c == 0x7f:
			const hexd = "0123456789ABCDEF"
			b.WriteByte('\\')
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (pr *printer) attr(a Attr) {
	switch a := a.(type) {
	case IntAttr:
		if a.Type.IsUnsigned() {
			pr.ws(strconv.FormatUint(uint64(a.Value), 10))
		} else {
			pr.ws(strconv.FormatInt(a.Value, 10))
		}
		if a.Type != tensor.Invalid {
			pr.ws(" : ")
			pr.ws(a.Type.String())
		}
	case FloatAttr:
		pr.ws(formatFloatAttr(a.Value, a.Type))
		pr.ws(" : ")
		pr.ws(a.Type.String())
	case BoolAttr:
		if a {
			pr.ws("true")
		} else {
			pr.ws("false")
		}
	case StringAttr:
		pr.str(string(a))
	case UnitAttr:
		pr.ws("unit")
	case ArrayAttr:
		pr.ws("[")
		for i, e := range a {
			if i > 0 {
				pr.ws(", ")
			}
			pr.attr(e)
		}
		pr.ws("]")
	case *DenseArrayAttr:
		pr.ws("array<")
		pr.ws(a.Elem.String())
		if len(a.Ints)+len(a.Floats) > 0 {
			pr.ws(": ")
		}
		for i, v := range a.Ints {
			if i > 0 {
				pr.ws(", ")
			}
			switch {
			case a.Elem.IsBool():
				pr.ws(strconv.FormatBool(v != 0))
			case a.Elem.IsUnsigned():
				pr.ws(strconv.FormatUint(uint64(v), 10))
			default:
				pr.ws(strconv.FormatInt(v, 10))
			}
		}
		for i, v := range a.Floats {
			if i > 0 {
				pr.ws(", ")
			}
			pr.ws(FormatFloat(v))
		}
		pr.ws(">")
	case *ElementsAttr:
		pr.elements(a)
	case SymbolRefAttr:
		pr.symbol(string(a))
	case TypeAttr:
		pr.ws(a.Type.String())
	case DictAttr:
		pr.dict(Dict(a))
	case EnumAttr:
		if a.Dialect == "" {
			pr.ws(a.Value)
			return
		}
		pr.ws("#" + a.Dialect + "<" + a.Name + " " + a.Value + ">")
	case *StructAttr:
		pr.structAttr(a)
	case OpaqueAttr:
		pr.ws(a.Text)
	default:
		pr.ws("unit")
	}
}

// formatFloatAttr prints finite values in decimal and the rest as the
// type's bit pattern, which is how MLIR spells NaN and infinities.
func formatFloatAttr(v float64, t tensor.DType) string {
	if !math.IsNaN(v) && !math.IsInf(v, 0) {
		return FormatFloat(v)
	}
	bits := tensor.FloatBits(t, v)
	return "0x" + strings.ToUpper(strconv.FormatUint(bits, 16))
}

func (pr *printer) structAttr(s *StructAttr) {
	if s.Name == "conv" && pr.convCompact(s) {
		return
	}
	pr.ws("#" + s.Dialect + "." + s.Name + "<")
	if s.Name == "conv" {
		pr.ws("raw ")
	}
	for i, f := range s.Fields {
		if i > 0 {
			pr.ws(", ")
		}
		pr.ws(f.Name)
		pr.ws(" = ")
		if da, ok := f.Value.(*DenseArrayAttr); ok && da.Floats == nil {
			pr.ws("[")
			for j, v := range da.Ints {
				if j > 0 {
					pr.ws(", ")
				}
				pr.ws(strconv.FormatInt(v, 10))
			}
			pr.ws("]")
			continue
		}
		pr.attr(f.Value)
	}
	pr.ws(">")
}

// convCompact prints `#stablehlo.conv<[b, 0, f]x[0, i, o]->[b, 0, f]>`
// when the fields describe a valid layout; false otherwise.
func (pr *printer) convCompact(s *StructAttr) bool {
	var parts [3]string
	specs := [3]string{"input", "kernel", "output"}
	names := [3][2]string{
		{"input_batch_dimension", "input_feature_dimension"},
		{"kernel_input_feature_dimension", "kernel_output_feature_dimension"},
		{"output_batch_dimension", "output_feature_dimension"},
	}
	letters := [3][2]string{{"b", "f"}, {"i", "o"}, {"b", "f"}}
	if len(s.Fields) != 9 {
		return false
	}
	for k := range 3 {
		a, ok1 := Int(s.Fields.Get(names[k][0]))
		b, ok2 := Int(s.Fields.Get(names[k][1]))
		sp, ok3 := Ints(s.Fields.Get(specs[k] + "_spatial_dimensions"))
		if !ok1 || !ok2 || !ok3 {
			return false
		}
		rank := int64(2 + len(sp))
		slots := make([]string, rank)
		place := func(i int64, l string) bool {
			if i < 0 || i >= rank || slots[i] != "" {
				return false
			}
			slots[i] = l
			return true
		}
		if !place(a, letters[k][0]) || !place(b, letters[k][1]) {
			return false
		}
		for j, d := range sp {
			if !place(d, strconv.Itoa(j)) {
				return false
			}
		}
		parts[k] = "[" + strings.Join(slots, ", ") + "]"
	}
	pr.ws("#stablehlo.conv<" + parts[0] + "x" + parts[1] + "->" + parts[2] + ">")
	return true
}

// elements prints a dense literal: small integer literals as lists, the
// rest as hex blobs (exact for every element type).
func (pr *printer) elements(e *ElementsAttr) {
	n, _ := e.NumElements()
	d := e.Type.Elem.StorageDType()
	switch {
	case n == 0:
		pr.ws("dense<>")
	case (d.IsInteger() || d.IsBool()) && len(e.Data) <= 64*d.Size():
		pr.ws("dense<")
		if e.Splat {
			pr.intElem(e, 0)
		} else {
			pr.nested(e, n)
		}
		pr.ws(">")
	default:
		pr.ws("dense<\"0x")
		const hexd = "0123456789ABCDEF"
		buf := make([]byte, 2*len(e.Data))
		for i, c := range e.Data {
			buf[2*i], buf[2*i+1] = hexd[c>>4], hexd[c&15]
		}
		pr.b.Write(buf)
		pr.ws("\">")
	}
	pr.ws(" : ")
	pr.ws(e.Type.String())
}

func (pr *printer) intElem(e *ElementsAttr, i int64) {
	d := e.Type.Elem.StorageDType()
	v := e.IntAt(i)
	switch {
	case d.IsBool():
		pr.ws(strconv.FormatBool(v != 0))
	case d.IsUnsigned() && d.Size() == 8:
		pr.ws(strconv.FormatUint(binary.LittleEndian.Uint64(e.Data[8*i:]), 10))
	default:
		pr.ws(strconv.FormatInt(v, 10))
	}
}

// nested prints a row-major list with one bracket level per dimension.
func (pr *printer) nested(e *ElementsAttr, n int64) {
	shape := e.Type.Shape
	if len(shape) == 0 {
		pr.intElem(e, 0)
		return
	}
	// strides[k] = product of shape[k:]
	strides := make([]int64, len(shape)+1)
	strides[len(shape)] = 1
	for k := len(shape) - 1; k >= 0; k-- {
		strides[k] = strides[k+1] * shape[k]
	}
	for i := int64(0); i < n; i++ {
		for k := 0; k < len(shape); k++ {
			if i%strides[k] == 0 {
				pr.ws("[")
			}
		}
		pr.intElem(e, i)
		closed := 0
		for k := len(shape) - 1; k >= 0; k-- {
			if (i+1)%strides[k] == 0 {
				pr.ws("]")
				closed++
			}
		}
		if i+1 < n {
			pr.ws(", ")
		}
	}
}
