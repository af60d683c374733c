package server

import (
	"encoding/json"
	"time"

	"github.com/hlogate/hlogate/tensor"
)

// Platform is what model metadata reports as the model's platform
// (`<project>_<format>`, information only in the Open Inference Protocol).
const Platform = "hlogate_stablehlo"

// InferRequest is one inference call in Go terms, shared by the REST and
// gRPC front ends. The front end authenticates the caller and fills this in
// from the wire; Server.Infer validates everything in it.
type InferRequest struct {
	// ModelName and ModelVersion name the model; an empty version lets the
	// server pick (the highest version served).
	ModelName    string
	ModelVersion string
	// ID is echoed in the response (at most 256 bytes are kept).
	ID string
	// Parameters are the request's parameters: values are bool, int64,
	// float64 or string (gRPC's InferParameter oneof; JSON numbers decode
	// as float64 or int64). Recognised keys: "timeout" (microseconds, as
	// Triton's schedule-policy extension) and "binary_data_output" (bool,
	// REST only). Others are ignored.
	Parameters map[string]any
	// Inputs are the request's tensors (not the model's bound weights).
	Inputs []InferInput
	// Outputs restricts and orders the outputs returned; empty means all,
	// in the model's order.
	Outputs []RequestedOutput
	// Timeout is a deadline asked for by the client (for example gRPC's
	// grpc-timeout is carried by ctx instead; REST's Inference-Timeout
	// header lands here). Zero means none. It can only lower the deadline
	// the server's, tenant's and model's limits allow.
	Timeout time.Duration
}

// InferInput is one named input tensor. Name, Datatype and Shape are
// checked against the model's signature before any data is decoded.
// Exactly one of Tensor, Raw and JSON must be set.
type InferInput struct {
	Name string
	// Datatype is the protocol's spelling: BOOL, UINT8, UINT16, UINT32,
	// UINT64, INT8, INT16, INT32, INT64, FP16, BF16, FP32, FP64. BYTES is
	// rejected: no StableHLO program takes strings.
	Datatype string
	Shape    []int64
	// Tensor is data already decoded; its DType and Shape must agree with
	// Datatype and Shape.
	Tensor *tensor.Tensor
	// Raw is the tensor's bytes, little-endian and row-major with no
	// padding, BOOL one byte per element (the HTTP binary extension and
	// gRPC raw_input_contents). The bytes are used in place, not copied.
	Raw []byte
	// JSON is the OIP "data" member: a flat or nested JSON array (a bare
	// number for a scalar).
	JSON json.RawMessage
	// HasRaw marks Raw as given even when it is empty (a zero-element
	// tensor sent in binary form).
	HasRaw bool
}

// RequestedOutput names an output to return. Binary records the REST
// client's `binary_data` output parameter; the gRPC front end ignores it.
type RequestedOutput struct {
	Name   string
	Binary bool
}

// InferResponse is the result of a successful Infer.
type InferResponse struct {
	ModelName    string
	ModelVersion string
	ID           string
	Outputs      []InferOutput

	release func()
}

// Release lets the server reuse the memory of the response's output
// tensors (the sandboxed workers' response buffers) once the response
// has been written. It is optional: without it the garbage collector
// takes the memory. After Release the output tensors must not be used.
// Calling it more than once is harmless.
func (r *InferResponse) Release() {
	if r != nil && r.release != nil {
		r.release()
	}
}

// InferOutput is one output tensor. Tensor.Data is little-endian and
// row-major: it can be sent as it is as gRPC raw_output_contents or as a
// binary-extension chunk.
type InferOutput struct {
	Name     string
	Datatype string
	Shape    []int64
	Tensor   *tensor.Tensor
	// Binary is true when the client asked for this output in binary form
	// (its binary_data parameter, or the request's binary_data_output).
	Binary bool
}

// ServerMetadata answers GET /v2 and gRPC ServerMetadata.
type ServerMetadata struct {
	Name       string   `json:"name"`
	Version    string   `json:"version"`
	Extensions []string `json:"extensions"`
}

// TensorMetadata describes one input or output: dimensions that depend on
// the call (shape-polymorphic programs) are -1.
type TensorMetadata struct {
	Name     string  `json:"name"`
	Datatype string  `json:"datatype"`
	Shape    []int64 `json:"shape"`
}

// ModelMetadata answers GET /v2/models/{m}[/versions/{v}] and gRPC
// ModelMetadata. Inputs are the inputs a request must carry: the program's
// arguments minus the bound (weight) ones.
type ModelMetadata struct {
	Name     string           `json:"name"`
	Versions []string         `json:"versions,omitempty"`
	Platform string           `json:"platform"`
	Inputs   []TensorMetadata `json:"inputs"`
	Outputs  []TensorMetadata `json:"outputs"`
}

// IndexEntry is one row of the repository index (Triton's model repository
// extension). State is READY, UNAVAILABLE or QUARANTINED; Reason says why a
// model is not ready. Owner is set only in an administrator's index.
type IndexEntry struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
	State   string `json:"state,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Owner   string `json:"owner,omitempty"`
}

// LoadRequest is the body of a repository load call. Parameters follow
// Triton's model repository extension: "config" holds the model's
// config.yaml (YAML or JSON) and each "file:<path>" holds a file of the
// model directory, base64-encoded (plain program text is accepted too),
// such as "file:1/model.mlir". With no file parameters an administrator
// (re)loads the model from the server's repository.
type LoadRequest struct {
	Parameters map[string]string
}

// Datatypes are the protocol's element type names, in the order the
// protocol lists them, with BF16 (a Triton extension) added.
var Datatypes = []string{"BOOL", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64", "FP16", "BF16", "FP32", "FP64"}

var datatypeToDType = map[string]tensor.DType{
	"BOOL": tensor.Bool, "UINT8": tensor.U8, "UINT16": tensor.U16, "UINT32": tensor.U32, "UINT64": tensor.U64,
	"INT8": tensor.I8, "INT16": tensor.I16, "INT32": tensor.I32, "INT64": tensor.I64,
	"FP16": tensor.F16, "BF16": tensor.BF16, "FP32": tensor.F32, "FP64": tensor.F64,
}

// DTypeOf returns the element type of a protocol datatype name. BYTES and
// unknown names report false.
func DTypeOf(datatype string) (tensor.DType, bool) {
	d, ok := datatypeToDType[datatype]
	return d, ok
}

// DatatypeOf returns the protocol name of an element type, or "" for one
// the protocol cannot carry (complex, float8, sub-byte integers, index).
func DatatypeOf(d tensor.DType) string {
	for n, dd := range datatypeToDType {
		if dd == d {
			return n
		}
	}
	return ""
}
