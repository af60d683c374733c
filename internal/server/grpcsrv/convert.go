package grpcsrv

// Conversion between the Open Inference Protocol's gRPC tensors and
// tensor.Tensor. Everything here sees bytes from clients that may be
// hostile: every count is checked against the request's shape, with
// overflow-checked arithmetic, before anything is allocated, and the total
// decoded size of a request is capped.

import (
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/server/oippb"
	"github.com/hlogate/hlogate/tensor"
)

// decodeLimits bound what one ModelInferRequest may decode to.
type decodeLimits struct {
	maxInputs   int   // input tensors
	maxRank     int   // dimensions of one tensor
	maxElements int64 // elements of all inputs together
	maxBytes    int64 // dense bytes of all inputs together
}

// Fixed caps that are not worth a knob. The model's signature decides the
// real rank and count; these only bound the work done before it is checked.
const (
	maxInputTensors = 1024
	maxInputRank    = 64
	maxParameters   = 256
	maxNameBytes    = 1024
)

// datatypes maps the protocol's type names to element types. BYTES is not
// here: StableHLO programs take no strings.
var datatypes = map[string]tensor.DType{
	"BOOL": tensor.Bool, "UINT8": tensor.U8, "UINT16": tensor.U16, "UINT32": tensor.U32, "UINT64": tensor.U64,
	"INT8": tensor.I8, "INT16": tensor.I16, "INT32": tensor.I32, "INT64": tensor.I64,
	"FP16": tensor.F16, "BF16": tensor.BF16, "FP32": tensor.F32, "FP64": tensor.F64,
}

// datatypeNames lists the accepted names, for error messages.
const datatypeNames = "BOOL, UINT8, UINT16, UINT32, UINT64, INT8, INT16, INT32, INT64, FP16, BF16, FP32, FP64"

// contentField says which InferTensorContents field carries a type.
type contentField uint8

const (
	fieldNone contentField = iota // raw only (FP16, BF16)
	fieldBool
	fieldInt
	fieldInt64
	fieldUint
	fieldUint64
	fieldFP32
	fieldFP64
	fieldBytes
	numFields
)

var fieldNames = [numFields]string{
	fieldNone: "", fieldBool: "bool_contents", fieldInt: "int_contents", fieldInt64: "int64_contents",
	fieldUint: "uint_contents", fieldUint64: "uint64_contents", fieldFP32: "fp32_contents",
	fieldFP64: "fp64_contents", fieldBytes: "bytes_contents",
}

// fieldOf returns the typed field of an element type. Index travels as
// INT64.
func fieldOf(d tensor.DType) contentField {
	switch d {
	case tensor.Bool:
		return fieldBool
	case tensor.I8, tensor.I16, tensor.I32:
		return fieldInt
	case tensor.I64, tensor.Index:
		return fieldInt64
	case tensor.U8, tensor.U16, tensor.U32:
		return fieldUint
	case tensor.U64:
		return fieldUint64
	case tensor.F32:
		return fieldFP32
	case tensor.F64:
		return fieldFP64
	}
	return fieldNone
}

// fieldLens returns the length of every typed field of c.
func fieldLens(c *oippb.InferTensorContents) [numFields]int {
	var n [numFields]int
	n[fieldBool] = len(c.GetBoolContents())
	n[fieldInt] = len(c.GetIntContents())
	n[fieldInt64] = len(c.GetInt64Contents())
	n[fieldUint] = len(c.GetUintContents())
	n[fieldUint64] = len(c.GetUint64Contents())
	n[fieldFP32] = len(c.GetFp32Contents())
	n[fieldFP64] = len(c.GetFp64Contents())
	n[fieldBytes] = len(c.GetBytesContents())
	return n
}

// input is one decoded request input.
type input struct {
	Name     string
	Datatype string
	Shape    []int64
	Tensor   *tensor.Tensor
}

func invalid(rule, format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.InvalidInput, Rule: rule, Msg: fmt.Sprintf(format, args...)}
}

func tooLarge(format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.InvalidInput, Rule: "request.too_large", Msg: fmt.Sprintf(format, args...)}
}

// quote renders a client-supplied name for an error message: quoted,
// escaped and cut short.
func quote(s string) string {
	const n = 64
	if len(s) > n {
		return fmt.Sprintf("%q...", s[:n])
	}
	return fmt.Sprintf("%q", s)
}

func fmtShape(s []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, d := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		if i == 16 && len(s) > 17 {
			fmt.Fprintf(&b, "...(%d dims)", len(s))
			break
		}
		fmt.Fprint(&b, d)
	}
	b.WriteByte(']')
	return b.String()
}

// decodeInputs checks and decodes the inputs of a request. Each input's
// data comes either from its typed contents or from raw_input_contents,
// never both, and must match its datatype and shape exactly:
//
//   - raw_input_contents, when present, has one entry per input (in order)
//     and then no input may carry contents; each entry has exactly the
//     tensor's byte size (little-endian, row-major, BOOL one byte 0 or 1);
//   - typed contents use the one field of the datatype (bool_contents,
//     int_contents for INT8/16/32, int64_contents, uint_contents for
//     UINT8/16/32, uint64_contents, fp32_contents, fp64_contents), with
//     exactly as many elements as the shape has, each in the datatype's
//     range; every other field is empty;
//   - FP16 and BF16 travel only as raw contents; BYTES is refused.
//
// Raw tensors alias the request's bytes (not copied).
func decodeInputs(req *oippb.ModelInferRequest, lim decodeLimits) ([]input, error) {
	ins := req.GetInputs()
	raw := req.GetRawInputContents()
	if len(ins) > lim.maxInputs {
		return nil, invalid("input.count", "the request has %d inputs, more than the limit of %d", len(ins), lim.maxInputs)
	}
	useRaw := len(raw) > 0
	if useRaw && len(raw) != len(ins) {
		return nil, invalid("input.raw", "the request has %d inputs but %d raw_input_contents; when raw_input_contents is used it must hold one entry per input, in order", len(ins), len(raw))
	}
	elemsLeft, bytesLeft := lim.maxElements, lim.maxBytes
	out := make([]input, 0, len(ins))
	seen := make(map[string]bool, len(ins))
	for i, in := range ins {
		name := in.GetName()
		if name == "" {
			return nil, invalid("input.name", "input %d has no name", i)
		}
		if len(name) > maxNameBytes {
			return nil, invalid("input.name", "input %d has a name of %d bytes, more than the limit of %d", i, len(name), maxNameBytes)
		}
		if seen[name] {
			return nil, invalid("input.name", "input %s is given more than once", quote(name))
		}
		seen[name] = true
		dt := in.GetDatatype()
		d, ok := datatypes[dt]
		if !ok {
			if dt == "BYTES" {
				return nil, invalid("input.datatype", "input %s has datatype BYTES, which hlogate does not support: StableHLO programs take no strings", quote(name))
			}
			return nil, invalid("input.datatype", "input %s has unknown datatype %s; expected one of %s", quote(name), quote(dt), datatypeNames)
		}
		shape := in.GetShape()
		if len(shape) > lim.maxRank {
			return nil, invalid("input.shape", "input %s has %d dimensions, more than the limit of %d", quote(name), len(shape), lim.maxRank)
		}
		for k, s := range shape {
			if s < 0 {
				return nil, invalid("input.shape", "input %s has shape %s: dimension %d is negative", quote(name), fmtShape(shape), k)
			}
		}
		n, err := tensor.NumElements(shape)
		if err != nil {
			return nil, tooLarge("input %s has shape %s, whose element count overflows int64", quote(name), fmtShape(shape))
		}
		size, err := tensor.ByteSize(d, shape)
		if err != nil {
			return nil, tooLarge("input %s: a %s tensor of shape %s has more than 2^63 bytes", quote(name), dt, fmtShape(shape))
		}
		if n > elemsLeft {
			return nil, tooLarge("input %s has %d elements; the request may have at most %d elements in all", quote(name), n, lim.maxElements)
		}
		if size > bytesLeft {
			return nil, tooLarge("input %s needs %d bytes; the request's inputs may take at most %d bytes in all", quote(name), size, lim.maxBytes)
		}
		elemsLeft -= n
		bytesLeft -= size

		var t *tensor.Tensor
		if useRaw {
			if in.GetContents() != nil {
				return nil, invalid("input.contents", "input %s has contents, but the request uses raw_input_contents; the contents field must not be specified when using raw_input_contents", quote(name))
			}
			t, err = fromRaw(name, dt, d, shape, size, raw[i])
		} else {
			t, err = fromContents(name, dt, d, shape, n, in.GetContents())
		}
		if err != nil {
			return nil, err
		}
		out = append(out, input{Name: name, Datatype: dt, Shape: t.Shape, Tensor: t})
	}
	return out, nil
}

// fromRaw wraps raw bytes (not copied) after checking their length and, for
// BOOL, that every byte is 0 or 1.
func fromRaw(name, dt string, d tensor.DType, shape []int64, size int64, b []byte) (*tensor.Tensor, error) {
	if int64(len(b)) != size {
		return nil, invalid("input.size", "input %s: raw_input_contents holds %d bytes, but a %s tensor of shape %s needs %d", quote(name), len(b), dt, fmtShape(shape), size)
	}
	if d == tensor.Bool {
		for k, v := range b {
			if v > 1 {
				return nil, invalid("input.data", "input %s: element %d of the BOOL tensor is the byte 0x%02x; BOOL elements are one byte, 0 or 1", quote(name), k, v)
			}
		}
	}
	t, err := tensor.FromData(d, shape, b)
	if err != nil {
		d := diag.As(err)
		return nil, invalid(d.Rule, "input %s: %s", quote(name), d.Msg)
	}
	return t, nil
}

// fromContents decodes typed contents into a new tensor of n elements.
func fromContents(name, dt string, d tensor.DType, shape []int64, n int64, c *oippb.InferTensorContents) (*tensor.Tensor, error) {
	want := fieldOf(d)
	lens := fieldLens(c)
	for f := fieldBool; f < numFields; f++ {
		if f != want && lens[f] > 0 {
			if want == fieldNone {
				return nil, invalid("input.contents", "input %s is %s, which must be sent in raw_input_contents (the protocol has no typed field for it), not in %s", quote(name), dt, fieldNames[f])
			}
			return nil, invalid("input.contents", "input %s is %s, whose data goes in %s, but the request sets %s", quote(name), dt, fieldNames[want], fieldNames[f])
		}
	}
	if want == fieldNone {
		if n > 0 {
			return nil, invalid("input.contents", "input %s is %s, which must be sent in raw_input_contents: the protocol has no typed field for it", quote(name), dt)
		}
		return tensor.FromData(d, shape, []byte{})
	}
	if int64(lens[want]) != n {
		if c == nil && n > 0 {
			return nil, invalid("input.contents", "input %s has no data: set its contents.%s or use raw_input_contents", quote(name), fieldNames[want])
		}
		return nil, invalid("input.size", "input %s: %s holds %d elements, but a tensor of shape %s has %d", quote(name), fieldNames[want], lens[want], fmtShape(shape), n)
	}
	sz := d.Size()
	// n elements of sz bytes were checked against the byte budget.
	data := make([]byte, int(n)*sz)
	le := binary.LittleEndian
	rangeErr := func(k int, v any, lo, hi int64) error {
		return invalid("input.data", "input %s: element %d of %s is %v, outside the %s range [%d, %d]", quote(name), k, fieldNames[want], v, dt, lo, hi)
	}
	switch d {
	case tensor.Bool:
		for k, v := range c.GetBoolContents() {
			if v {
				data[k] = 1
			}
		}
	case tensor.I8:
		for k, v := range c.GetIntContents() {
			if v < math.MinInt8 || v > math.MaxInt8 {
				return nil, rangeErr(k, v, math.MinInt8, math.MaxInt8)
			}
			data[k] = byte(int8(v))
		}
	case tensor.I16:
		for k, v := range c.GetIntContents() {
			if v < math.MinInt16 || v > math.MaxInt16 {
				return nil, rangeErr(k, v, math.MinInt16, math.MaxInt16)
			}
			le.PutUint16(data[2*k:], uint16(int16(v)))
		}
	case tensor.I32:
		for k, v := range c.GetIntContents() {
			le.PutUint32(data[4*k:], uint32(v))
		}
	case tensor.I64:
		for k, v := range c.GetInt64Contents() {
			le.PutUint64(data[8*k:], uint64(v))
		}
	case tensor.U8:
		for k, v := range c.GetUintContents() {
			if v > math.MaxUint8 {
				return nil, rangeErr(k, v, 0, math.MaxUint8)
			}
			data[k] = byte(v)
		}
	case tensor.U16:
		for k, v := range c.GetUintContents() {
			if v > math.MaxUint16 {
				return nil, rangeErr(k, v, 0, math.MaxUint16)
			}
			le.PutUint16(data[2*k:], uint16(v))
		}
	case tensor.U32:
		for k, v := range c.GetUintContents() {
			le.PutUint32(data[4*k:], v)
		}
	case tensor.U64:
		for k, v := range c.GetUint64Contents() {
			le.PutUint64(data[8*k:], v)
		}
	case tensor.F32:
		for k, v := range c.GetFp32Contents() {
			le.PutUint32(data[4*k:], math.Float32bits(v))
		}
	case tensor.F64:
		for k, v := range c.GetFp64Contents() {
			le.PutUint64(data[8*k:], math.Float64bits(v))
		}
	default:
		return nil, &diag.Error{Kind: diag.Internal, Rule: "internal", Msg: fmt.Sprintf("grpcsrv: no typed decoder for %s", d)}
	}
	return tensor.FromData(d, shape, data)
}

// output is one result tensor to encode.
type output struct {
	Name     string
	Datatype string
	Shape    []int64
	Tensor   *tensor.Tensor
}

// needsRaw reports whether some output can only travel as raw contents
// (FP16, BF16).
func needsRaw(outs []output) bool {
	for _, o := range outs {
		if o.Tensor != nil && fieldOf(o.Tensor.DType) == fieldNone {
			return true
		}
	}
	return false
}

// encodeOutputs converts result tensors. With raw set, every output's data
// goes in the returned raw contents (aliasing the tensors' bytes) and no
// output has typed contents; otherwise each output carries typed contents,
// which fails for FP16 and BF16 (see needsRaw). An output whose Datatype
// disagrees with its tensor, or that the protocol cannot carry, is an
// internal error: the server validates models' signatures at load.
func encodeOutputs(outs []output, raw bool) ([]*oippb.ModelInferResponse_InferOutputTensor, [][]byte, error) {
	pbs := make([]*oippb.ModelInferResponse_InferOutputTensor, 0, len(outs))
	var raws [][]byte
	if raw {
		raws = make([][]byte, 0, len(outs))
	}
	for _, o := range outs {
		t := o.Tensor
		if t == nil {
			return nil, nil, internalf("output %s has no tensor", quote(o.Name))
		}
		dt := o.Datatype
		d, ok := datatypes[dt]
		if !ok || (d != t.DType && !(d == tensor.I64 && t.DType == tensor.Index)) {
			return nil, nil, internalf("output %s: datatype %s does not describe its %s tensor", quote(o.Name), quote(dt), t.DType)
		}
		if err := t.Validate(); err != nil {
			return nil, nil, internalf("output %s: %v", quote(o.Name), err)
		}
		shape := o.Shape
		if shape == nil {
			shape = t.Shape
		}
		if !sameShape(shape, t.Shape) {
			return nil, nil, internalf("output %s: shape %s does not match its tensor's %s", quote(o.Name), fmtShape(shape), fmtShape(t.Shape))
		}
		pb := &oippb.ModelInferResponse_InferOutputTensor{Name: o.Name, Datatype: dt, Shape: append([]int64{}, t.Shape...)}
		if raw {
			data := t.Data
			if data == nil {
				data = []byte{}
			}
			raws = append(raws, data)
		} else {
			c, err := typedContents(t)
			if err != nil {
				return nil, nil, err
			}
			pb.Contents = c
		}
		pbs = append(pbs, pb)
	}
	return pbs, raws, nil
}

func sameShape(a, b []int64) bool {
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

func internalf(format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.Internal, Rule: "internal", Msg: "grpcsrv: " + fmt.Sprintf(format, args...)}
}

// typedContents converts a valid tensor into typed contents.
func typedContents(t *tensor.Tensor) (*oippb.InferTensorContents, error) {
	n := len(t.Data)
	if s := t.DType.Size(); s > 0 {
		n /= s
	}
	le := binary.LittleEndian
	b := t.Data
	c := &oippb.InferTensorContents{}
	switch t.DType {
	case tensor.Bool:
		v := make([]bool, n)
		for k := range v {
			v[k] = b[k] != 0
		}
		c.BoolContents = v
	case tensor.I8:
		v := make([]int32, n)
		for k := range v {
			v[k] = int32(int8(b[k]))
		}
		c.IntContents = v
	case tensor.I16:
		v := make([]int32, n)
		for k := range v {
			v[k] = int32(int16(le.Uint16(b[2*k:])))
		}
		c.IntContents = v
	case tensor.I32:
		v := make([]int32, n)
		for k := range v {
			v[k] = int32(le.Uint32(b[4*k:]))
		}
		c.IntContents = v
	case tensor.I64, tensor.Index:
		v := make([]int64, n)
		for k := range v {
			v[k] = int64(le.Uint64(b[8*k:]))
		}
		c.Int64Contents = v
	case tensor.U8:
		v := make([]uint32, n)
		for k := range v {
			v[k] = uint32(b[k])
		}
		c.UintContents = v
	case tensor.U16:
		v := make([]uint32, n)
		for k := range v {
			v[k] = uint32(le.Uint16(b[2*k:]))
		}
		c.UintContents = v
	case tensor.U32:
		v := make([]uint32, n)
		for k := range v {
			v[k] = le.Uint32(b[4*k:])
		}
		c.UintContents = v
	case tensor.U64:
		v := make([]uint64, n)
		for k := range v {
			v[k] = le.Uint64(b[8*k:])
		}
		c.Uint64Contents = v
	case tensor.F32:
		v := make([]float32, n)
		for k := range v {
			v[k] = math.Float32frombits(le.Uint32(b[4*k:]))
		}
		c.Fp32Contents = v
	case tensor.F64:
		v := make([]float64, n)
		for k := range v {
			v[k] = math.Float64frombits(le.Uint64(b[8*k:]))
		}
		c.Fp64Contents = v
	default:
		return nil, internalf("a %s tensor has no typed contents; it travels only as raw_output_contents", t.DType)
	}
	return c, nil
}

// decodeParameters converts request parameters. Values are bool, int64,
// float64 or string; a uint64 that fits int64 becomes int64.
func decodeParameters(ps map[string]*oippb.InferParameter) (map[string]any, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	if len(ps) > maxParameters {
		return nil, invalid("request.parameters", "the request has %d parameters, more than the limit of %d", len(ps), maxParameters)
	}
	out := make(map[string]any, len(ps))
	for k, p := range ps {
		switch v := p.GetParameterChoice().(type) {
		case *oippb.InferParameter_BoolParam:
			out[k] = v.BoolParam
		case *oippb.InferParameter_Int64Param:
			out[k] = v.Int64Param
		case *oippb.InferParameter_StringParam:
			out[k] = v.StringParam
		case *oippb.InferParameter_DoubleParam:
			out[k] = v.DoubleParam
		case *oippb.InferParameter_Uint64Param:
			if v.Uint64Param > math.MaxInt64 {
				return nil, invalid("request.parameters", "parameter %s is %d, more than the largest int64", quote(k), v.Uint64Param)
			}
			out[k] = int64(v.Uint64Param)
		default:
			return nil, invalid("request.parameters", "parameter %s has no value", quote(k))
		}
	}
	return out, nil
}
