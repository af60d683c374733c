package verify

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/tensor"
)

// Attribute values can be shared through aliases (`#a = [...]` used by many
// ops), so per-op work on an attribute must be bounded independently of
// the source size: integer lists (dimension numbers, sizes, layouts) longer
// than maxListLen and process-id literals (replica groups, source-target
// pairs) with more than maxAttrInts elements are refused before their
// elements are read.
const (
	maxListLen  = 1 << 10
	maxAttrInts = 1 << 12
)

// ctx is the state of one op's check.
type ctx struct {
	v     *verifier
	op    *ir.Op
	fn    *ir.Func
	short string // rule prefix without "verify.", e.g. "add", "chlo.top_k"
}

// errf builds the op's error for rule verify.<short>.<what>.
func (c *ctx) errf(what, hint, format string, args ...any) *diag.Error {
	return &diag.Error{
		Kind: diag.Rejected,
		Rule: "verify." + c.short + "." + what,
		Op:   c.op.Name,
		Pos:  c.op.Pos,
		Msg:  fmt.Sprintf(format, args...),
		Hint: hint,
	}
}

// ruleErr builds an error with an explicit rule (module-level rules raised
// at an op).
func (c *ctx) ruleErr(rule, hint, format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.Rejected, Rule: rule, Op: c.op.Name, Pos: c.op.Pos,
		Msg: fmt.Sprintf(format, args...), Hint: hint}
}

// shortName is the rule prefix of an op name.
func shortName(name string) string {
	switch {
	case strings.HasPrefix(name, "stablehlo."):
		return name[len("stablehlo."):]
	case name == "func.call":
		return "call"
	case name == "func.return":
		return "func.return"
	}
	return name
}

// --- arity ---

// arity checks the operand and result counts; -1 means any.
func (c *ctx) arity(nOperands, nResults int) *diag.Error {
	if nOperands >= 0 && len(c.op.Operands) != nOperands {
		return c.errf("arity", fmt.Sprintf("pass exactly %d operand(s)", nOperands),
			"%s takes %d operand(s), got %d", c.op.Name, nOperands, len(c.op.Operands))
	}
	if nResults >= 0 && len(c.op.Results) != nResults {
		return c.errf("arity", fmt.Sprintf("declare exactly %d result(s)", nResults),
			"%s produces %d result(s), got %d", c.op.Name, nResults, len(c.op.Results))
	}
	return nil
}

// minArity checks lower bounds on operand and result counts.
func (c *ctx) minArity(nOperands, nResults int) *diag.Error {
	if len(c.op.Operands) < nOperands {
		return c.errf("arity", fmt.Sprintf("pass at least %d operand(s)", nOperands),
			"%s takes at least %d operand(s), got %d", c.op.Name, nOperands, len(c.op.Operands))
	}
	if len(c.op.Results) < nResults {
		return c.errf("arity", fmt.Sprintf("declare at least %d result(s)", nResults),
			"%s produces at least %d result(s), got %d", c.op.Name, nResults, len(c.op.Results))
	}
	return nil
}

// noRegions rejects regions on ops that take none.
func (c *ctx) noRegions() *diag.Error {
	if len(c.op.Regions) != 0 {
		return c.errf("region", "remove the region", "%s takes no regions, got %d", c.op.Name, len(c.op.Regions))
	}
	return nil
}

// --- tensors and element types ---

func operandName(i int) string { return "operand #" + strconv.Itoa(i) }
func resultName(i int) string  { return "result #" + strconv.Itoa(i) }

// tensorOf returns t as a tensor type, or an error naming what.
func (c *ctx) tensorOf(t ir.Type, what string) (*ir.TensorType, *diag.Error) {
	tt, ok := t.(*ir.TensorType)
	if !ok {
		return nil, c.errf("types", "use a tensor type here", "%s of %s must be a tensor, got %s", what, c.op.Name, typeStr(t))
	}
	return tt, nil
}

func (c *ctx) operandT(i int) (*ir.TensorType, *diag.Error) {
	return c.tensorOf(c.op.Operands[i].Type, operandName(i))
}

func (c *ctx) resultT(i int) (*ir.TensorType, *diag.Error) {
	return c.tensorOf(c.op.Results[i].Type, resultName(i))
}

// allTensors returns every operand (or result) as a tensor type.
func (c *ctx) operandTs() ([]*ir.TensorType, *diag.Error) {
	out := make([]*ir.TensorType, len(c.op.Operands))
	for i := range c.op.Operands {
		t, err := c.operandT(i)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

func (c *ctx) resultTs() ([]*ir.TensorType, *diag.Error) {
	out := make([]*ir.TensorType, len(c.op.Results))
	for i := range c.op.Results {
		t, err := c.resultT(i)
		if err != nil {
			return nil, err
		}
		out[i] = t
	}
	return out, nil
}

func typeStr(t ir.Type) string {
	if t == nil {
		return "<nil>"
	}
	s := t.String()
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// eclass is a set of element-type classes.
type eclass uint16

const (
	cBool eclass = 1 << iota
	cSInt
	cUInt
	cFloat
	cComplex
	cQuantPT // per-tensor quantized
	cQuantPA // per-axis quantized

	cInt     = cSInt | cUInt
	cQuant   = cQuantPT | cQuantPA
	cNumeric = cInt | cFloat | cComplex
	cAnyNQ   = cBool | cNumeric          // any non-quantized
	cAny     = cBool | cNumeric | cQuant // anything
)

func classOf(e ir.Element) eclass {
	if e.Quant != nil {
		if e.Quant.Axis >= 0 {
			return cQuantPA
		}
		return cQuantPT
	}
	d := e.DType
	switch {
	case d.IsBool():
		return cBool
	case d.IsSigned():
		return cSInt
	case d.IsUnsigned():
		return cUInt
	case d.IsFloat():
		return cFloat
	case d.IsComplex():
		return cComplex
	}
	return 0
}

func (k eclass) String() string {
	var parts []string
	add := func(bit eclass, s string) {
		if k&bit == bit {
			parts = append(parts, s)
			k &^= bit
		}
	}
	add(cBool, "boolean")
	add(cInt, "integer")
	add(cSInt, "signed integer")
	add(cUInt, "unsigned integer")
	add(cFloat, "floating-point")
	add(cComplex, "complex")
	add(cQuant, "quantized")
	add(cQuantPT, "per-tensor quantized")
	add(cQuantPA, "per-axis quantized")
	if len(parts) == 0 {
		return "no"
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// elemIn checks that t's element type is in allowed (rule element_type).
func (c *ctx) elemIn(t *ir.TensorType, allowed eclass, what string) *diag.Error {
	if classOf(t.Elem)&allowed == 0 {
		return c.errf("element_type", fmt.Sprintf("use a %s element type", allowed),
			"%s of %s has element type %s; it must be %s", what, c.op.Name, t.Elem, allowed)
	}
	return nil
}

func isQuant(e ir.Element) bool   { return e.Quant != nil }
func isPerAxis(e ir.Element) bool { return e.Quant != nil && e.Quant.Axis >= 0 }

// expressed returns the expressed type of a quantized element, or the
// element's own dtype.
func expressed(e ir.Element) tensor.DType {
	if e.Quant != nil {
		return e.Quant.Expressed
	}
	return e.DType
}

// baseElemEq compares baseline element types: quantization parameters
// (scales and zero points) are ignored.
func baseElemEq(a, b ir.Element) bool {
	if (a.Quant == nil) != (b.Quant == nil) {
		return false
	}
	if a.Quant == nil {
		return a.DType == b.DType
	}
	x, y := a.Quant, b.Quant
	return x.Storage == y.Storage && x.Expressed == y.Expressed && x.Axis == y.Axis &&
		x.StorageMin == y.StorageMin && x.StorageMax == y.StorageMax
}

// dimEq is the spec's compatibility of two dimension sizes: a dynamic size
// matches anything.
func dimEq(a, b int64) bool { return a < 0 || b < 0 || a == b }

// shapeCompat reports same rank and compatible dimensions.
func shapeCompat(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !dimEq(a[i], b[i]) {
			return false
		}
	}
	return true
}

func fmtShape(s []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		if i >= 20 {
			b.WriteString("...")
			break
		}
		if d < 0 {
			b.WriteByte('?')
		} else {
			b.WriteString(strconv.FormatInt(d, 10))
		}
	}
	b.WriteByte(']')
	return b.String()
}

func fmtInts(s []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteString(", ")
		}
		if i >= 20 {
			b.WriteString("...")
			break
		}
		b.WriteString(strconv.FormatInt(d, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// expectShape checks a declared shape against an inferred one (rule shape).
func (c *ctx) expectShape(got *ir.TensorType, want []int64, what string) *diag.Error {
	if !shapeCompat(got.Shape, want) {
		return c.errf("shape", "declare the shape "+fmtShape(want),
			"%s of %s has shape %s, expected %s", what, c.op.Name, fmtShape(got.Shape), fmtShape(want))
	}
	return nil
}

// sameShape checks two types for compatible shapes (rule shape).
func (c *ctx) sameShape(a, b *ir.TensorType, an, bn string) *diag.Error {
	if !shapeCompat(a.Shape, b.Shape) {
		return c.errf("shape", "make the shapes agree",
			"%s of %s has shape %s but %s has shape %s", bn, c.op.Name, fmtShape(b.Shape), an, fmtShape(a.Shape))
	}
	return nil
}

// sameElem checks exact element-type equality (rule types).
func (c *ctx) sameElem(a, b *ir.TensorType, an, bn string) *diag.Error {
	if !a.Elem.Equal(b.Elem) {
		return c.errf("types", "make the element types agree",
			"%s of %s has element type %s but %s has %s", bn, c.op.Name, b.Elem, an, a.Elem)
	}
	return nil
}

// sameBaseElem checks baseline element-type equality (rule types).
func (c *ctx) sameBaseElem(a, b *ir.TensorType, an, bn string) *diag.Error {
	if !baseElemEq(a.Elem, b.Elem) {
		return c.errf("types", "make the element types agree (quantized types may differ only in scales and zero points)",
			"%s of %s has element type %s but %s has %s", bn, c.op.Name, b.Elem, an, a.Elem)
	}
	return nil
}

// sameType checks type(a) = type(b) with the spec's shape compatibility.
func (c *ctx) sameType(a, b *ir.TensorType, an, bn string) *diag.Error {
	if err := c.sameElem(a, b, an, bn); err != nil {
		return err
	}
	return c.sameShape(a, b, an, bn)
}

// sameBaseType checks baseline_type(a) = baseline_type(b).
func (c *ctx) sameBaseType(a, b *ir.TensorType, an, bn string) *diag.Error {
	if err := c.sameBaseElem(a, b, an, bn); err != nil {
		return err
	}
	return c.sameShape(a, b, an, bn)
}

// typeCompat compares two value types: tensors by element type and
// compatible shape, tuples element-wise, tokens trivially. It uses an
// explicit stack.
func typeCompat(a, b ir.Type) bool {
	type pair struct{ a, b ir.Type }
	stack := []pair{{a, b}}
	for steps := 0; len(stack) > 0; steps++ {
		if steps > 1<<20 {
			return false
		}
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		switch x := p.a.(type) {
		case *ir.TensorType:
			y, ok := p.b.(*ir.TensorType)
			if !ok || !x.Elem.Equal(y.Elem) || !shapeCompat(x.Shape, y.Shape) {
				return false
			}
		case *ir.TokenType:
			if _, ok := p.b.(*ir.TokenType); !ok {
				return false
			}
		case *ir.TupleType:
			y, ok := p.b.(*ir.TupleType)
			if !ok || len(x.Elems) != len(y.Elems) {
				return false
			}
			for i := range x.Elems {
				stack = append(stack, pair{x.Elems[i], y.Elems[i]})
			}
		default:
			return false
		}
	}
	return true
}

func isToken(t ir.Type) bool { _, ok := t.(*ir.TokenType); return ok }

// isScalar reports a rank-0 tensor.
func isScalar(t *ir.TensorType) bool { return len(t.Shape) == 0 }

// --- attributes ---

func (c *ctx) attr(name string) ir.Attr { return c.op.Props.Get(name) }

func attrKind(a ir.Attr) string {
	switch a.(type) {
	case ir.IntAttr:
		return "an integer"
	case ir.FloatAttr:
		return "a float"
	case ir.BoolAttr:
		return "a boolean"
	case ir.StringAttr:
		return "a string"
	case ir.UnitAttr:
		return "a unit attribute"
	case ir.ArrayAttr:
		return "an array"
	case *ir.DenseArrayAttr:
		return "a dense array"
	case *ir.ElementsAttr:
		return "a dense literal"
	case ir.SymbolRefAttr:
		return "a symbol reference"
	case ir.TypeAttr:
		return "a type"
	case ir.DictAttr:
		return "a dictionary"
	case ir.EnumAttr:
		return "an enum"
	case *ir.StructAttr:
		return "a structured attribute"
	case ir.OpaqueAttr:
		return "an opaque attribute"
	}
	return "an unknown attribute"
}

func (c *ctx) missing(name string) *diag.Error {
	return c.errf("attr", "add the "+name+" attribute", "%s needs the attribute %s", c.op.Name, name)
}

func (c *ctx) badAttr(name, want string, a ir.Attr) *diag.Error {
	return c.errf("attr", "write "+name+" as "+want, "attribute %s of %s must be %s, got %s", name, c.op.Name, want, attrKind(a))
}

// intAttr reads an integer attribute; def is used when it is absent and not
// required.
func (c *ctx) intAttr(name string, def int64, required bool) (int64, *diag.Error) {
	a := c.attr(name)
	if a == nil {
		if required {
			return 0, c.missing(name)
		}
		return def, nil
	}
	v, ok := ir.Int(a)
	if !ok {
		return 0, c.badAttr(name, "an integer", a)
	}
	return v, nil
}

// intsAttr reads an integer-list attribute. present is false when absent.
// Lists longer than maxListLen are refused before they are read.
func (c *ctx) intsAttr(name string, required bool) (v []int64, present bool, err *diag.Error) {
	a := c.attr(name)
	if a == nil {
		if required {
			return nil, false, c.missing(name)
		}
		return nil, false, nil
	}
	return c.intsOf(name, a)
}

func (c *ctx) intsOf(name string, a ir.Attr) ([]int64, bool, *diag.Error) {
	tooLong := func() *diag.Error {
		return c.errf("attr", "shorten "+name, "attribute %s of %s has more than %d elements", name, c.op.Name, maxListLen)
	}
	switch x := a.(type) {
	case *ir.DenseArrayAttr:
		if x == nil || x.Floats != nil {
			return nil, true, c.badAttr(name, "a list of integers", a)
		}
		if len(x.Ints) > maxListLen {
			return nil, true, tooLong()
		}
		return x.Ints, true, nil
	case ir.ArrayAttr:
		if len(x) > maxListLen {
			return nil, true, tooLong()
		}
	case *ir.ElementsAttr:
		if x == nil || x.Type == nil || len(x.Type.Shape) > 1 {
			return nil, true, c.badAttr(name, "a 1-D list of integers", a)
		}
		if n, ok := x.NumElements(); !ok || n > maxListLen {
			return nil, true, tooLong()
		}
	}
	v, ok := ir.Ints(a)
	if !ok {
		return nil, true, c.badAttr(name, "a list of integers", a)
	}
	return v, true, nil
}

// boolsAttr reads a boolean list (window_reversal).
func (c *ctx) boolsAttr(name string) ([]int64, bool, *diag.Error) {
	a := c.attr(name)
	if a == nil {
		return nil, false, nil
	}
	switch x := a.(type) {
	case *ir.DenseArrayAttr:
		if x == nil || x.Floats != nil {
			return nil, true, c.badAttr(name, "a list of booleans", a)
		}
		if len(x.Ints) > maxListLen {
			return nil, true, c.errf("attr", "shorten "+name, "attribute %s of %s has more than %d elements", name, c.op.Name, maxListLen)
		}
		return x.Ints, true, nil
	case ir.ArrayAttr:
		if len(x) > maxListLen {
			return nil, true, c.errf("attr", "shorten "+name, "attribute %s of %s has more than %d elements", name, c.op.Name, maxListLen)
		}
		out := make([]int64, 0, len(x))
		for _, e := range x {
			b, ok := ir.Bool(e)
			if !ok {
				return nil, true, c.badAttr(name, "a list of booleans", a)
			}
			if b {
				out = append(out, 1)
			} else {
				out = append(out, 0)
			}
		}
		return out, true, nil
	case *ir.ElementsAttr:
		v, _, err := c.intsOf(name, a)
		return v, true, err
	}
	return nil, true, c.badAttr(name, "a list of booleans", a)
}

// boolAttr reads a boolean (or unit) attribute.
func (c *ctx) boolAttr(name string, def bool) (bool, *diag.Error) {
	a := c.attr(name)
	if a == nil {
		return def, nil
	}
	b, ok := ir.Bool(a)
	if !ok {
		if iv, isInt := a.(ir.IntAttr); isInt && (iv.Value == 0 || iv.Value == 1) {
			return iv.Value == 1, nil
		}
		return false, c.badAttr(name, "a boolean", a)
	}
	return b, nil
}

// floatAttr reads a float attribute.
func (c *ctx) floatAttr(name string, required bool) (float64, bool, *diag.Error) {
	a := c.attr(name)
	if a == nil {
		if required {
			return 0, false, c.missing(name)
		}
		return 0, false, nil
	}
	switch x := a.(type) {
	case ir.FloatAttr:
		return x.Value, true, nil
	case ir.IntAttr:
		return float64(x.Value), true, nil
	}
	return 0, true, c.badAttr(name, "a float", a)
}

// stringAttr reads a string attribute.
func (c *ctx) stringAttr(name string, required bool) (string, bool, *diag.Error) {
	a := c.attr(name)
	if a == nil {
		if required {
			return "", false, c.missing(name)
		}
		return "", false, nil
	}
	s, ok := a.(ir.StringAttr)
	if !ok {
		return "", true, c.badAttr(name, "a string", a)
	}
	return string(s), true, nil
}

// enumAttr reads an enum attribute and checks it against allowed.
func (c *ctx) enumAttr(name string, allowed []string, def string, required bool) (string, *diag.Error) {
	a := c.attr(name)
	if a == nil {
		if required {
			return "", c.missing(name)
		}
		return def, nil
	}
	var v string
	switch x := a.(type) {
	case ir.EnumAttr:
		v = x.Value
	case ir.StringAttr:
		v = string(x)
	default:
		return "", c.badAttr(name, "one of "+strings.Join(allowed, ", "), a)
	}
	if !slices.Contains(allowed, v) {
		return "", c.errf(name, "use one of "+strings.Join(allowed, ", "),
			"%s of %s is %q; it must be one of %s", name, c.op.Name, clip(v), strings.Join(allowed, ", "))
	}
	return v, nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// --- dimension lists ---

// dimsInRange checks 0 <= d < rank for each d (rule what).
func (c *ctx) dimsInRange(what, name string, dims []int64, rank int) *diag.Error {
	for _, d := range dims {
		if d < 0 || d >= int64(rank) {
			return c.errf(what, fmt.Sprintf("use dimensions in [0, %d)", rank),
				"%s of %s contains %d, out of range for rank %d", name, c.op.Name, d, rank)
		}
	}
	return nil
}

// dimsUnique checks that dims has no duplicates (rule what).
func (c *ctx) dimsUnique(what, name string, dims []int64) *diag.Error {
	if d, dup := firstDup(dims); dup {
		return c.errf(what, "list each dimension once", "%s of %s lists dimension %d twice", name, c.op.Name, d)
	}
	return nil
}

// dimsSorted checks ascending order (rule what).
func (c *ctx) dimsSorted(what, name string, dims []int64) *diag.Error {
	for i := 1; i < len(dims); i++ {
		if dims[i] < dims[i-1] {
			return c.errf(what, "sort the dimensions in ascending order", "%s of %s is not sorted: %s", name, c.op.Name, fmtInts(dims))
		}
	}
	return nil
}

func firstDup(v []int64) (int64, bool) {
	if len(v) <= 32 {
		for i := range v {
			for j := 0; j < i; j++ {
				if v[i] == v[j] {
					return v[i], true
				}
			}
		}
		return 0, false
	}
	s := slices.Clone(v)
	slices.Sort(s)
	for i := 1; i < len(s); i++ {
		if s[i] == s[i-1] {
			return s[i], true
		}
	}
	return 0, false
}

func contains(v []int64, x int64) bool { return slices.Contains(v, x) }

// --- overflow-checked dimension arithmetic ---

const dimLimit = int64(1) << 62

func addI(a, b int64) (int64, bool) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) || s > dimLimit || s < -dimLimit {
		return 0, false
	}
	return s, true
}

func mulI(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	if a == math.MinInt64 || b == math.MinInt64 {
		return 0, false
	}
	x, y := a, b
	if x < 0 {
		x = -x
	}
	if y < 0 {
		y = -y
	}
	if x > dimLimit/y {
		return 0, false
	}
	return a * b, true
}

func (c *ctx) overflow(what string) *diag.Error {
	return c.errf(what, "use smaller sizes", "size arithmetic of %s overflows", c.op.Name)
}

// --- regions ---

// block returns the single block of region i (rule region).
func (c *ctx) block(i int) (*ir.Block, *diag.Error) {
	if i >= len(c.op.Regions) || c.op.Regions[i] == nil {
		return nil, c.errf("region", "add the region", "%s needs region #%d", c.op.Name, i)
	}
	r := c.op.Regions[i]
	if len(r.Blocks) != 1 || r.Blocks[0] == nil {
		return nil, c.errf("region", "use exactly one block", "region #%d of %s must have exactly one block, has %d", i, c.op.Name, len(r.Blocks))
	}
	return r.Blocks[0], nil
}

// ret returns the operands of the stablehlo.return that ends b.
func (c *ctx) ret(b *ir.Block, i int) ([]*ir.Value, *diag.Error) {
	if len(b.Ops) == 0 {
		return nil, c.errf("region", "end the region with stablehlo.return", "region #%d of %s is empty", i, c.op.Name)
	}
	last := b.Ops[len(b.Ops)-1]
	if last == nil || last.Name != "stablehlo.return" {
		return nil, c.errf("region", "end the region with stablehlo.return",
			"region #%d of %s does not end with stablehlo.return", i, c.op.Name)
	}
	return last.Operands, nil
}

// regionSig returns region i's block, argument types and return types.
func (c *ctx) regionSig(i int) (args []ir.Type, rets []ir.Type, err *diag.Error) {
	b, err := c.block(i)
	if err != nil {
		return nil, nil, err
	}
	vals, err := c.ret(b, i)
	if err != nil {
		return nil, nil, err
	}
	args = make([]ir.Type, len(b.Args))
	for j, a := range b.Args {
		args[j] = a.Type
	}
	rets = make([]ir.Type, len(vals))
	for j, v := range vals {
		rets[j] = v.Type
	}
	return args, rets, nil
}

// isPromotable is the spec's is_promotable on element types.
func isPromotable(x, y ir.Element) bool {
	if x.Quant != nil || y.Quant != nil {
		if x.Quant == nil || y.Quant == nil || x.Quant.Expressed != y.Quant.Expressed {
			return false
		}
		return x.Quant.Storage.Bits() <= y.Quant.Storage.Bits()
	}
	a, b := x.DType, y.DType
	switch {
	case a.IsBool() && b.IsBool():
		return true
	case a.IsInteger() && b.IsInteger():
		// The spec compares bit widths only; a signedness change would
		// reinterpret values, so require the same signedness too.
		return a.IsSigned() == b.IsSigned() && a.Bits() <= b.Bits()
	case a.IsFloat() && b.IsFloat():
		return a.Bits() <= b.Bits()
	case a.IsComplex() && b.IsComplex():
		return a.Bits() <= b.Bits()
	}
	return false
}

// reducer checks a reduction body: 2N rank-0 tensor arguments (the i-th and
// (N+i)-th of the same type tensor<Ei>), is_promotable(elems[i], Ei), and a
// return of N values of type tensor<Ei>. It returns the Ei.
func (c *ctx) reducer(i int, elems []ir.Element) ([]ir.Element, *diag.Error) {
	n := len(elems)
	args, rets, err := c.regionSig(i)
	if err != nil {
		return nil, err
	}
	if len(args) != 2*n {
		return nil, c.errf("region", fmt.Sprintf("give the body %d arguments", 2*n),
			"body of %s must take %d arguments, takes %d", c.op.Name, 2*n, len(args))
	}
	out := make([]ir.Element, n)
	for j := 0; j < n; j++ {
		a, ok1 := args[j].(*ir.TensorType)
		b, ok2 := args[n+j].(*ir.TensorType)
		if !ok1 || !ok2 || !isScalar(a) || !isScalar(b) {
			return nil, c.errf("region", "use rank-0 tensor arguments",
				"body arguments #%d and #%d of %s must be rank-0 tensors", j, n+j, c.op.Name)
		}
		if !a.Elem.Equal(b.Elem) {
			return nil, c.errf("region", "use the same type for both arguments",
				"body arguments #%d (%s) and #%d (%s) of %s differ", j, a, n+j, b, c.op.Name)
		}
		if !isPromotable(elems[j], a.Elem) {
			return nil, c.errf("region", "use an element type the input promotes to",
				"body argument #%d of %s has element type %s, which %s does not promote to", j, c.op.Name, a.Elem, elems[j])
		}
		out[j] = a.Elem
	}
	if len(rets) != n {
		return nil, c.errf("region", fmt.Sprintf("return %d values", n),
			"body of %s returns %d values, expected %d", c.op.Name, len(rets), n)
	}
	for j := 0; j < n; j++ {
		r, ok := rets[j].(*ir.TensorType)
		if !ok || !isScalar(r) || !r.Elem.Equal(out[j]) {
			return nil, c.errf("region", "return tensor<"+out[j].String()+">",
				"body of %s returns %s as value #%d, expected tensor<%s>", c.op.Name, typeStr(rets[j]), j, out[j])
		}
	}
	return out, nil
}

// constInts returns the integer values of v when it is produced by a
// stablehlo.constant with at most max elements.
func constInts(v *ir.Value, max int64) ([]int64, bool) {
	if v.Def == nil || v.Def.Name != "stablehlo.constant" {
		return nil, false
	}
	e, ok := v.Def.Props.Get("value").(*ir.ElementsAttr)
	if !ok || e == nil || e.Type == nil {
		return nil, false
	}
	n, ok := e.NumElements()
	if !ok || n > max {
		return nil, false
	}
	d := e.Type.Elem.DType
	if e.Type.Elem.Quant != nil || !d.IsInteger() {
		return nil, false
	}
	return ir.ElementsInts(e)
}

// shapeOperand checks a 1-D integer shape operand of length rank (when
// static) and returns its constant values when known.
func (c *ctx) shapeOperand(i, rank int, name string) ([]int64, *diag.Error) {
	t, err := c.operandT(i)
	if err != nil {
		return nil, err
	}
	if len(t.Shape) != 1 || classOf(t.Elem)&cInt == 0 {
		return nil, c.errf("types", "pass a 1-D integer tensor", "%s (operand #%d) of %s must be a 1-D integer tensor, got %s", name, i, c.op.Name, t)
	}
	if rank >= 0 && t.Shape[0] >= 0 && t.Shape[0] != int64(rank) {
		return nil, c.errf("shape", fmt.Sprintf("pass %d sizes", rank),
			"%s (operand #%d) of %s has %d elements but the result has rank %d", name, i, c.op.Name, t.Shape[0], rank)
	}
	vals, _ := constInts(c.op.Operands[i], 64)
	return vals, nil
}
