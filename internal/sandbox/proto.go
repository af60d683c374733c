package sandbox

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/tensor"
)

// Wire protocol between the parent and a worker, over two pipes.
//
// Every message is one frame:
//
//	magic "HLGS" | version u8 | type u8 | flags u8 | 0 u8 | payload length u32 (LE) | payload
//
// With flagShared set, the payload is not on the pipe but at the start of
// the sender's shared-memory region (shm_linux.go); the length is checked
// against the region as against the cap.
//
// Payload fields are uvarint-length-prefixed byte strings and (u)varints,
// in a fixed order per message type; see Request and Response. Tensors
// (inputs and outputs) travel raw:
//
//	dtype uvarint | rank uvarint | dims varint... | pad u8 | pad zero bytes | data
//
// where the data's length follows from dtype and shape and the padding puts
// the data at a multiple of tensorAlign bytes from the payload's start, so
// a worker runs on its inputs where they lie in the frame it read (no .npy
// coding, no copy) and the parent hands out outputs that alias the frame.
// The decoder is strict: unknown versions and types, trailing bytes,
// over-long fields, counts larger than the bytes left, shapes whose byte
// size overflows or overruns the frame, non-zero padding, non-canonical
// element bytes and frames over the cap are all errors. Nothing is
// allocated from a length before that length is checked against both its
// cap and the bytes actually present.

const (
	protoVersion = 5

	frameRequest  = 1
	frameResponse = 2

	frameHeaderLen = 12
	flagShared     = 1

	// MaxFrame caps any frame. Inputs and outputs are also capped by the
	// caller's limits; this is the backstop.
	MaxFrame = 1<<31 - 1

	maxEntryLen   = 1 << 10
	maxStringLen  = 64 << 10 // diag rule, op, message, hint, layers
	maxTensors    = 1 << 12  // inputs or outputs per message
	maxPos        = 1 << 30
	statusOK      = 0
	statusError   = 1
	statusMiss    = 2 // the program is not in the worker's cache: send it
	keyLen        = 32
	maxProbeLen   = 64
	maxDimValues  = 1 << 12
	maxDiagKind   = uint64(diag.Usage)
	maxLimitValue = 1<<63 - 1
	maxWireRank   = 64
	// tensorAlign aligns tensor data within a payload (a cache line, and
	// the widest vector load).
	tensorAlign = 64
)

var frameMagic = [4]byte{'H', 'L', 'G', 'S'}

// Limits are the execution limits carried to the worker.
type Limits struct {
	MaxMemory    int64 // exec.Limits.MaxMemory
	MaxSteps     int64
	MaxCallDepth int64
	MaxFLOPs     int64
	TimeoutNanos int64 // the run's deadline, relative to the start of execution
	// SoftMemory is the worker's Go heap soft limit (GOMEMLIMIT), 0 for none.
	SoftMemory int64
}

// Request is what the parent sends: a program, its entry point, limits and
// the inputs, in argument order. Decoded inputs alias the payload.
//
// A pool worker keeps compiled programs by Key (see ProgramKey): a request
// with a Key may leave Program and Bound empty; a worker that does not hold
// the key answers statusMiss and the parent sends the request again with
// them. Bound are leading arguments (a model's weights, .npy) cached with
// the program; the arguments are Bound followed by Inputs. Refine asks the
// worker to specialise a shape-polymorphic program to the arguments' shapes
// and the DimValues (argument index → scalar value), as the server did
// before admitting the request.
type Request struct {
	Program   []byte
	Entry     string
	Limits    Limits
	Inputs    []*tensor.Tensor
	Key       []byte // empty, or keyLen bytes
	Bound     [][]byte
	Refine    bool
	DimValues []DimValue
	// Probe is test-only: a worker built with test probes runs the named
	// one after decoding the request; product workers ignore it.
	Probe string
	// Engine is "plan" (the fast engine, with the reference executor for
	// what it cannot plan) or "" (the reference executor).
	Engine string
	// Warm asks the worker to compile the program (and, on the plan
	// engine, its entry's plan) into its cache and answer without running
	// anything: the pool warms a replacement worker with the programs in
	// use before it takes requests.
	Warm bool
}

// DimValue is the value of a scalar dimension argument for refinement.
type DimValue struct {
	Arg   int64
	Value int64
}

// Stats mirrors exec.Stats.
type Stats struct {
	PeakMemory, Steps, Work, FLOPs int64
}

// Response is what the worker sends back: outputs (decoded, they alias the
// payload), or a diagnostic. Layers lists the in-worker sandbox layers
// that applied.
type Response struct {
	Outputs []*tensor.Tensor
	Err     *diag.Error
	Stats   Stats
	Layers  string
	// Miss: the request's Key is not cached; resend it with the program.
	Miss bool
	// CacheHit: the program came from the worker's cache.
	CacheHit bool
	// CPUNanos is the worker's CPU time so far (all threads); MemBytes the
	// memory its Go runtime holds from the OS (mapped, not released) after
	// the request. The pool recycles workers by them.
	CPUNanos int64
	MemBytes int64

	// buf is the memory the response was decoded from (the parent's), for
	// reuse once its outputs are released.
	buf []byte
}

var errFrame = errors.New("sandbox: malformed frame")

func frameErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errFrame, fmt.Sprintf(format, args...))
}

// ReadFrame reads one frame of type want whose payload is at most maxLen
// bytes into a new buffer. Memory grows with the bytes actually received,
// never with the claimed length alone.
func ReadFrame(r io.Reader, want byte, maxLen int64) ([]byte, error) {
	p, _, err := readFrame(r, want, maxLen, frameIn{})
	return p, err
}

// frameIn says where a frame's payload may come from and go.
type frameIn struct {
	// buf is memory to reuse for a payload that fits its capacity (what
	// the last payload held is overwritten); otherwise a new aligned
	// buffer is allocated.
	buf []byte
	// shared is the sender's shared-memory region, nil for none: a frame
	// with flagShared is then an error.
	shared []byte
	// private copies a shared payload out (into buf or a new buffer)
	// before it is returned, for a sender that may change it meanwhile.
	private bool
}

// readFrame is ReadFrame with the payload's memory chosen by in; inShared
// reports that the payload came through in.shared (and lies there unless
// in.private).
func readFrame(r io.Reader, want byte, maxLen int64, in frameIn) (p []byte, inShared bool, err error) {
	n, shared, err := readHeader(r, want, maxLen)
	switch {
	case err != nil:
		return nil, false, err
	case shared:
		p, err = sharedPayload(in, n)
		return p, err == nil, err
	}
	p, err = pipePayload(r, in.buf, n)
	return p, false, err
}

// readHeader reads and checks a frame header; it returns the payload's
// length and whether the payload is in shared memory.
func readHeader(r io.Reader, want byte, maxLen int64) (n int64, shared bool, err error) {
	var h [frameHeaderLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, false, err
	}
	switch {
	case [4]byte(h[:4]) != frameMagic:
		return 0, false, frameErr("bad magic")
	case h[4] != protoVersion:
		return 0, false, frameErr("protocol version %d, want %d", h[4], protoVersion)
	case h[5] != want:
		return 0, false, frameErr("frame type %d, want %d", h[5], want)
	case h[6]&^flagShared != 0 || h[7] != 0:
		return 0, false, frameErr("reserved bits set")
	}
	n = int64(binary.LittleEndian.Uint32(h[8:]))
	if maxLen > MaxFrame {
		maxLen = MaxFrame
	}
	if n > maxLen {
		return 0, false, frameErr("payload of %d bytes is over the %d-byte cap", n, maxLen)
	}
	return n, h[6]&flagShared != 0, nil
}

// sharedPayload returns the first n bytes of the shared region, in place
// or copied out (in.private).
func sharedPayload(in frameIn, n int64) ([]byte, error) {
	if n > int64(len(in.shared)) {
		return nil, frameErr("shared payload of %d bytes is over the %d-byte region", n, len(in.shared))
	}
	if !in.private {
		return in.shared[:n:n], nil
	}
	// append leaves a new buffer unzeroed where it copies; a large one is
	// page-aligned.
	return append(in.buf[:0], in.shared[:n]...), nil
}

// pipePayload reads n bytes from r into buf when they fit, else into new
// aligned memory, in chunks so a lying length costs only what was really
// sent.
func pipePayload(r io.Reader, buf []byte, n int64) ([]byte, error) {
	if n <= int64(cap(buf)) {
		p := buf[:n]
		if _, err := io.ReadFull(r, p); err != nil {
			return nil, unexpectedEOF(err)
		}
		return p, nil
	}
	const chunk = 1 << 20
	p := alignedBytes(int(min(n, chunk)))[:0]
	for int64(len(p)) < n {
		k := min(n-int64(len(p)), chunk)
		start := len(p)
		p = append(p, make([]byte, k)...)
		if _, err := io.ReadFull(r, p[start:]); err != nil {
			return nil, unexpectedEOF(err)
		}
	}
	return p, nil
}

func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// enc builds a payload, which starts at b[base]; the first error sticks.
type enc struct {
	b    []byte
	base int
	err  error
}

func (e *enc) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *enc) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *enc) bytes(p []byte)   { e.uvarint(uint64(len(p))); e.b = append(e.b, p...) }
func (e *enc) str(s string)     { e.uvarint(uint64(len(s))); e.b = append(e.b, s...) }
func (e *enc) blobs(bs [][]byte) {
	e.uvarint(uint64(len(bs)))
	for _, b := range bs {
		e.bytes(b)
	}
}

var zeroPad [tensorAlign]byte

// tensor appends t raw, its data aligned (see the package comment).
func (e *enc) tensor(t *tensor.Tensor) {
	if e.err == nil && (t == nil || t.Validate() != nil || len(t.Shape) > maxWireRank) {
		e.err = frameErr("cannot send a malformed tensor")
	}
	if e.err != nil {
		return
	}
	e.uvarint(uint64(t.DType))
	e.uvarint(uint64(len(t.Shape)))
	for _, d := range t.Shape {
		e.varint(d)
	}
	pad := (tensorAlign - (len(e.b)-e.base+1)%tensorAlign) % tensorAlign
	e.b = append(e.b, byte(pad))
	e.b = append(e.b, zeroPad[:pad]...)
	e.b = append(e.b, t.Data...)
}

func (e *enc) tensors(ts []*tensor.Tensor) {
	e.uvarint(uint64(len(ts)))
	for _, t := range ts {
		e.tensor(t)
	}
}

// tensorsSize bounds the encoded size of ts.
func tensorsSize(ts []*tensor.Tensor) int {
	n := binary.MaxVarintLen64
	for _, t := range ts {
		if t != nil {
			n += len(t.Data) + (len(t.Shape)+2)*binary.MaxVarintLen64 + tensorAlign
		}
	}
	return n
}

// dec reads a payload; the first error sticks. n is the payload's length
// (d.b is what is left of it).
type dec struct {
	b   []byte
	n   int
	err error
}

func (d *dec) fail(format string, args ...any) {
	if d.err == nil {
		d.err = frameErr(format, args...)
	}
}

func (d *dec) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *dec) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// nonneg reads a varint that must lie in [0, max].
func (d *dec) nonneg(what string, max int64) int64 {
	v := d.varint()
	if d.err == nil && (v < 0 || v > max) {
		d.fail("%s %d out of range [0, %d]", what, v, max)
		return 0
	}
	return v
}

func (d *dec) bytes(what string, max int64) []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(max) {
		d.fail("%s of %d bytes is over the %d-byte cap", what, n, max)
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("%s of %d bytes overruns the frame", what, n)
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *dec) str(what string, max int64) string { return string(d.bytes(what, max)) }

func (d *dec) blobs(what string) [][]byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	// Each blob takes at least one byte (its length), so a count above the
	// bytes left is a lie; check before allocating.
	if n > maxTensors || n > uint64(len(d.b)) {
		d.fail("%s count %d is over the cap or overruns the frame", what, n)
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([][]byte, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, d.bytes(what, MaxFrame))
	}
	return out
}

// tensor reads a tensor whose data aliases the payload.
func (d *dec) tensor(what string) *tensor.Tensor {
	code := d.uvarint()
	dt := tensor.DType(code)
	if d.err == nil && (code > 255 || !dt.Valid()) {
		d.fail("%s element type %d unknown", what, code)
	}
	rank := d.uvarint()
	if d.err != nil {
		return nil
	}
	// Each dimension takes at least one byte; check before allocating.
	if rank > maxWireRank || rank > uint64(len(d.b)) {
		d.fail("%s rank %d is over the cap or overruns the frame", what, rank)
		return nil
	}
	shape := make([]int64, rank)
	for i := range shape {
		shape[i] = d.nonneg("dimension", maxLimitValue)
	}
	if d.err != nil {
		return nil
	}
	if len(d.b) == 0 || d.b[0] >= tensorAlign || int(d.b[0]) >= len(d.b) {
		d.fail("%s padding missing or too long", what)
		return nil
	}
	pad := int(d.b[0])
	for _, z := range d.b[1 : 1+pad] {
		if z != 0 {
			d.fail("%s padding is not zero", what)
			return nil
		}
	}
	d.b = d.b[1+pad:]
	if off := d.n - len(d.b); off%tensorAlign != 0 {
		d.fail("%s data at payload offset %d is not %d-byte aligned", what, off, tensorAlign)
		return nil
	}
	size, err := tensor.ByteSize(dt, shape)
	if err != nil || size > int64(len(d.b)) {
		d.fail("%s of element type %s and shape %v overruns the frame", what, dt, shape)
		return nil
	}
	t := &tensor.Tensor{DType: dt, Shape: shape, Data: d.b[:size:size]}
	d.b = d.b[size:]
	if err := t.Validate(); err != nil {
		d.fail("%s: %v", what, err)
		return nil
	}
	return t
}

func (d *dec) tensors(what string) []*tensor.Tensor {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	// Each tensor takes at least three bytes; check before allocating.
	if n > maxTensors || n > uint64(len(d.b))/3 {
		d.fail("%s count %d is over the cap or overruns the frame", what, n)
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]*tensor.Tensor, 0, n)
	for i := uint64(0); i < n && d.err == nil; i++ {
		out = append(out, d.tensor(what))
	}
	return out
}

// flag reads a uvarint that must be 0 or 1.
func (d *dec) flag(what string) bool {
	f := d.uvarint()
	if d.err == nil && f > 1 {
		d.fail("%s flag %d", what, f)
	}
	return f == 1 && d.err == nil
}

func (d *dec) end() error {
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d trailing bytes", len(d.b))
	}
	return d.err
}

// EncodeRequest encodes r as a payload.
func EncodeRequest(r *Request) ([]byte, error) {
	var e enc
	e.request(r)
	return e.b, e.err
}

// requestFrame encodes r as a whole frame, header included, so that it
// goes down a pipe in one write. It appends to buf[:0] (reusing its
// memory when large enough), or, when shared is not nil and the payload
// fits it, builds the payload in shared and returns only the header.
func requestFrame(r *Request, buf, shared []byte) ([]byte, error) {
	n := frameHeaderLen + 128 + len(r.Program) + len(r.Entry) + len(r.Probe) +
		tensorsSize(r.Inputs) + len(r.DimValues)*2*binary.MaxVarintLen64
	for _, b := range r.Bound {
		n += len(b) + binary.MaxVarintLen64
	}
	e := newFrameEnc(buf, shared, n)
	e.request(r)
	return e.frame(frameRequest)
}

// frameEnc builds a frame: after its header in buf, or, when the bound n
// on the frame's size fits the shared region, in the region with only
// the header in buf.
type frameEnc struct {
	enc
	buf    []byte
	shared []byte
}

func newFrameEnc(buf, shared []byte, n int) *frameEnc {
	if shared != nil && n-frameHeaderLen <= len(shared) {
		return &frameEnc{enc: enc{b: shared[:0:len(shared)]}, buf: buf, shared: shared}
	}
	if cap(buf) < n {
		buf = make([]byte, 0, n)
	}
	return &frameEnc{enc: enc{b: buf[:frameHeaderLen], base: frameHeaderLen}}
}

// frame returns the frame to write: header and payload, or the header of
// a payload left in the shared region.
func (e *frameEnc) frame(typ byte) ([]byte, error) {
	if e.err != nil {
		return nil, e.err
	}
	var flags byte
	frame := e.b
	payload := len(e.b) - e.base
	if e.shared != nil {
		if cap(e.b) == len(e.shared) { // still in the region: the bound held
			flags = flagShared
			frame = append(e.buf[:0], make([]byte, frameHeaderLen)...)
		} else {
			frame = append(make([]byte, frameHeaderLen, frameHeaderLen+payload), e.b...)
		}
	}
	if payload > MaxFrame {
		return nil, frameErr("payload of %d bytes is over the %d-byte cap", payload, MaxFrame)
	}
	clear(frame[:frameHeaderLen])
	copy(frame[:4], frameMagic[:])
	frame[4] = protoVersion
	frame[5] = typ
	frame[6] = flags
	binary.LittleEndian.PutUint32(frame[8:], uint32(payload))
	return frame, nil
}

func (e *enc) request(r *Request) {
	e.bytes(r.Program)
	e.str(r.Entry)
	l := r.Limits
	for _, v := range []int64{l.MaxMemory, l.MaxSteps, l.MaxCallDepth, l.MaxFLOPs, l.TimeoutNanos, l.SoftMemory} {
		e.varint(v)
	}
	e.tensors(r.Inputs)
	e.bytes(r.Key)
	e.blobs(r.Bound)
	e.flag(r.Refine)
	e.uvarint(uint64(len(r.DimValues)))
	for _, dv := range r.DimValues {
		e.varint(dv.Arg)
		e.varint(dv.Value)
	}
	e.str(r.Probe)
	e.flag(r.Engine == "plan")
	e.flag(r.Warm)
}

func (e *enc) flag(v bool) {
	if v {
		e.uvarint(1)
	} else {
		e.uvarint(0)
	}
}

// DecodeRequest decodes a request payload strictly.
func DecodeRequest(p []byte) (*Request, error) {
	d := dec{b: p, n: len(p)}
	r := &Request{}
	r.Program = d.bytes("program", MaxFrame)
	r.Entry = d.str("entry", maxEntryLen)
	r.Limits = Limits{
		MaxMemory:    d.nonneg("max memory", maxLimitValue),
		MaxSteps:     d.nonneg("max steps", maxLimitValue),
		MaxCallDepth: d.nonneg("max call depth", 1<<20),
		MaxFLOPs:     d.nonneg("max flops", maxLimitValue),
		TimeoutNanos: d.nonneg("timeout", maxLimitValue),
		SoftMemory:   d.nonneg("soft memory", maxLimitValue),
	}
	r.Inputs = d.tensors("input")
	r.Key = d.bytes("key", keyLen)
	if d.err == nil && len(r.Key) != 0 && len(r.Key) != keyLen {
		d.fail("key of %d bytes, want 0 or %d", len(r.Key), keyLen)
	}
	if len(r.Key) == 0 {
		r.Key = nil
	}
	r.Bound = d.blobs("bound")
	r.Refine = d.flag("refine")
	// Each pair takes at least two bytes; check before allocating.
	if n := d.uvarint(); d.err == nil {
		if n > maxDimValues || n > uint64(len(d.b))/2 {
			d.fail("dimension value count %d is over the cap or overruns the frame", n)
		} else if n > 0 {
			r.DimValues = make([]DimValue, 0, n)
			for i := uint64(0); i < n && d.err == nil; i++ {
				r.DimValues = append(r.DimValues, DimValue{Arg: d.nonneg("dimension argument", maxTensors), Value: d.varint()})
			}
		}
	}
	r.Probe = d.str("probe", maxProbeLen)
	if d.flag("engine") {
		r.Engine = "plan"
	}
	r.Warm = d.flag("warm")
	if err := d.end(); err != nil {
		return nil, err
	}
	return r, nil
}

// EncodeResponse encodes r as a payload.
func EncodeResponse(r *Response) ([]byte, error) {
	var e enc
	e.response(r)
	return e.b, e.err
}

// responseFrame is requestFrame for a response.
func responseFrame(r *Response, buf, shared []byte) ([]byte, error) {
	n := frameHeaderLen + 128 + tensorsSize(r.Outputs) + len(clip(r.Layers))
	if r.Err != nil {
		n += len(clip(r.Err.Rule)) + len(clip(r.Err.Op)) + len(clip(r.Err.Msg)) + len(clip(r.Err.Hint))
	}
	e := newFrameEnc(buf, shared, n)
	e.response(r)
	return e.frame(frameResponse)
}

func (e *enc) response(r *Response) {
	if r.Err != nil {
		e.uvarint(statusError)
		x := r.Err
		e.uvarint(uint64(x.Kind))
		e.str(clip(x.Rule))
		e.str(clip(x.Op))
		e.str(clip(x.Msg))
		e.str(clip(x.Hint))
		e.varint(int64(x.Pos.Line))
		e.varint(int64(x.Pos.Col))
	} else if r.Miss {
		e.uvarint(statusMiss)
	} else {
		e.uvarint(statusOK)
		e.tensors(r.Outputs)
	}
	for _, v := range []int64{r.Stats.PeakMemory, r.Stats.Steps, r.Stats.Work, r.Stats.FLOPs} {
		e.varint(v)
	}
	e.str(clip(r.Layers))
	e.flag(r.CacheHit)
	e.varint(r.CPUNanos)
	e.varint(r.MemBytes)
}

func clip(s string) string {
	if len(s) > maxStringLen {
		return s[:maxStringLen]
	}
	return s
}

// DecodeResponse decodes a response payload strictly.
func DecodeResponse(p []byte) (*Response, error) {
	d := dec{b: p, n: len(p)}
	r := &Response{}
	switch st := d.uvarint(); {
	case d.err != nil:
	case st == statusError:
		k := d.uvarint()
		if d.err == nil && k > maxDiagKind {
			d.fail("diag kind %d unknown", k)
		}
		x := &diag.Error{Kind: diag.Kind(k)}
		x.Rule = d.str("rule", maxStringLen)
		x.Op = d.str("op", maxStringLen)
		x.Msg = d.str("message", maxStringLen)
		x.Hint = d.str("hint", maxStringLen)
		x.Pos.Line = int32(d.nonneg("line", maxPos))
		x.Pos.Col = int32(d.nonneg("column", maxPos))
		r.Err = x
	case st == statusOK:
		r.Outputs = d.tensors("output")
	case st == statusMiss:
		r.Miss = true
	default:
		d.fail("status %d unknown", st)
	}
	r.Stats = Stats{
		PeakMemory: d.nonneg("peak memory", maxLimitValue),
		Steps:      d.nonneg("steps", maxLimitValue),
		Work:       d.nonneg("work", maxLimitValue),
		FLOPs:      d.nonneg("flops", maxLimitValue),
	}
	r.Layers = d.str("layers", maxStringLen)
	r.CacheHit = d.flag("cache")
	r.CPUNanos = d.nonneg("cpu time", maxLimitValue)
	r.MemBytes = d.nonneg("memory", maxLimitValue)
	if err := d.end(); err != nil {
		return nil, err
	}
	return r, nil
}
