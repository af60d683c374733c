package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/tensor"
)

// REST headers of the binary tensor extension and of hlogate.
const (
	HeaderInferenceHeaderLength = "Inference-Header-Content-Length"
	// HeaderTimeout asks for a deadline shorter than the server's: a Go
	// duration ("250ms") or seconds ("0.25").
	HeaderTimeout = "Inference-Timeout"
)

// Handler returns the REST front end (Open Inference Protocol v2, with the
// binary tensor data and model repository extensions):
//
//	GET  /v2/health/live, /v2/health/ready
//	GET  /v2                                       server metadata
//	GET  /v2/models/{m}[/versions/{v}]             model metadata
//	GET  /v2/models/{m}[/versions/{v}]/ready       model readiness
//	POST /v2/models/{m}[/versions/{v}]/infer       inference (JSON or binary)
//	POST /v2/repository/index                      models visible to the key
//	POST /v2/repository/models/{m}/load            admin; or a tenant's program
//	POST /v2/repository/models/{m}/unload          admin; or a tenant's program
//	GET  /v2/admin/anomalies                       admin
//
// The health endpoints and server metadata need no API key; everything
// else does when the server has tenants. Errors are {"error": "..."} with
// the extra keys "kind" and "rule".
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/health/live", s.hLive)
	mux.HandleFunc("GET /v2/health/ready", s.hReady)
	mux.HandleFunc("GET /v2", s.hServerMetadata)
	mux.HandleFunc("GET /v2/models/{model}", s.hModelMetadata)
	mux.HandleFunc("GET /v2/models/{model}/versions/{version}", s.hModelMetadata)
	mux.HandleFunc("GET /v2/models/{model}/ready", s.hModelReady)
	mux.HandleFunc("GET /v2/models/{model}/versions/{version}/ready", s.hModelReady)
	mux.HandleFunc("POST /v2/models/{model}/infer", s.hInfer)
	mux.HandleFunc("POST /v2/models/{model}/versions/{version}/infer", s.hInfer)
	mux.HandleFunc("POST /v2/repository/index", s.hIndex)
	mux.HandleFunc("POST /v2/repository/models/{model}/load", s.hLoad)
	mux.HandleFunc("POST /v2/repository/models/{model}/unload", s.hUnload)
	mux.HandleFunc("GET /v2/admin/anomalies", s.hAnomalies)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such endpoint", "rule": "http.not_found"})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store")
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error: cannot encode the response"}`)
	}
	writeJSONBytes(w, status, b)
}

func writeJSONBytes(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// marshalRestResponse is json.Marshal(rr), byte for byte, without
// re-reading the outputs' data: json.Marshal validates and compacts every
// json.RawMessage, a second pass over what may be megabytes of numbers
// that tensor.EncodeJSON has just written compact and valid. Data is the
// last field of an output, so it is spliced in before the output's
// closing brace.
func marshalRestResponse(rr restResponse) ([]byte, error) {
	outs := rr.Outputs
	rr.Outputs = []restOutput{}
	head, err := json.Marshal(rr)
	if err != nil {
		return nil, err
	}
	// head ends with "[]}": the outputs go between the brackets.
	b := append([]byte{}, head[:len(head)-2]...)
	for i, o := range outs {
		if i > 0 {
			b = append(b, ',')
		}
		data := o.Data
		o.Data = nil
		ob, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		if len(data) == 0 {
			b = append(b, ob...)
			continue
		}
		b = append(b, ob[:len(ob)-1]...)
		b = append(b, `,"data":`...)
		b = append(b, data...)
		b = append(b, '}')
	}
	return append(b, "]}"...), nil
}

// writeError answers with err's status, Retry-After and {"error": ...}.
func writeError(w http.ResponseWriter, err error) {
	d := diag.As(err)
	status := HTTPStatus(err)
	if ra := RetryAfter(err); ra > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(ra.Seconds()))))
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="hlogate"`)
	}
	msg := d.Error()
	if d.Kind == diag.Internal {
		msg = "internal error" // details go to the audit log only
	}
	writeJSON(w, status, map[string]string{"error": msg, "kind": d.Kind.String(), "rule": d.Rule})
}

func (s *Server) tenantOf(r *http.Request) (*Tenant, error) {
	return s.Authenticate(APIKey(r.Header.Get("Authorization"), r.Header.Get("X-API-Key")))
}

func (s *Server) hLive(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]bool{"live": s.ServerLive()})
}

func (s *Server) hReady(w http.ResponseWriter, _ *http.Request) {
	ready := s.ServerReady()
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, map[string]bool{"ready": ready})
}

func (s *Server) hServerMetadata(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.ServerMetadata())
}

func (s *Server) hModelMetadata(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenantOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	md, err := s.ModelMetadata(r.Context(), t, r.PathValue("model"), r.PathValue("version"))
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, md)
}

func (s *Server) hModelReady(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenantOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	name := r.PathValue("model")
	ready, err := s.ModelReady(r.Context(), t, name, r.PathValue("version"))
	if err != nil {
		writeError(w, err)
		return
	}
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	writeJSON(w, status, map[string]any{"name": name, "ready": ready})
}

// bodyBudget caps the request bytes being read at once across all
// requests, so many large uploads cannot exhaust memory before admission.
type bodyBudget struct {
	mu   sync.Mutex
	used int64
	max  int64
}

func (b *bodyBudget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.used+n > b.max {
		return false
	}
	b.used += n
	return true
}

func (b *bodyBudget) give(n int64) {
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
}

// readBody reads a request body under the size cap (413) and the global
// body budget (503). It returns the bytes and the function that gives the
// budget back.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, maxBytes int64) ([]byte, func(), error) {
	if enc := r.Header.Get("Content-Encoding"); enc != "" && !strings.EqualFold(enc, "identity") {
		return nil, nil, errf(diag.InvalidInput, "request.encoding", "compressed request bodies (%s) are not accepted", clip(enc, 32))
	}
	if r.ContentLength > maxBytes {
		return nil, nil, errf(diag.InvalidInput, "request.too_large", "the request body is %d bytes, over the limit of %d", r.ContentLength, maxBytes)
	}
	reserve := maxBytes
	if r.ContentLength >= 0 {
		reserve = r.ContentLength
	}
	if !s.bodies.take(reserve) {
		return nil, nil, withRetry(errf(diag.Usage, "queue.full", "the server is reading too many request bodies at once"), time.Second)
	}
	done := func() { s.bodies.give(reserve) }
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
	if err != nil {
		done()
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, nil, errf(diag.InvalidInput, "request.too_large", "the request body is over the limit of %d bytes", maxBytes)
		}
		return nil, nil, errf(diag.InvalidInput, "request.read", "cannot read the request body: %v", err)
	}
	return data, done, nil
}

// REST inference request, as the protocol spells it.
type restRequest struct {
	ID         string          `json:"id"`
	Parameters map[string]any  `json:"parameters"`
	Inputs     []restInput     `json:"inputs"`
	Outputs    []restReqOutput `json:"outputs"`
}

type restInput struct {
	Name       string          `json:"name"`
	Shape      []int64         `json:"shape"`
	Datatype   string          `json:"datatype"`
	Parameters map[string]any  `json:"parameters"`
	Data       json.RawMessage `json:"data"`
}

type restReqOutput struct {
	Name       string         `json:"name"`
	Parameters map[string]any `json:"parameters"`
}

type restResponse struct {
	ModelName    string       `json:"model_name"`
	ModelVersion string       `json:"model_version,omitempty"`
	ID           string       `json:"id"`
	Outputs      []restOutput `json:"outputs"`
}

type restOutput struct {
	Name       string          `json:"name"`
	Datatype   string          `json:"datatype"`
	Shape      []int64         `json:"shape"`
	Parameters map[string]any  `json:"parameters,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
}

func (s *Server) hInfer(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenantOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	req, done, err := s.parseInferRequest(w, r)
	if done != nil {
		defer done()
	}
	if err != nil {
		// Count the malformed request like any other refusal.
		rec := &record{event: "infer", tenant: t.Name, model: "_unknown", start: time.Now()}
		s.finish(rec, err)
		writeError(w, err)
		return
	}
	resp, err := s.Infer(r.Context(), t, req)
	if err != nil {
		writeError(w, err)
		return
	}
	// The response writer has copied or sent every byte when it returns.
	defer resp.Release()
	writeInferResponse(w, resp)
}

// parseInferRequest decodes a JSON or binary-extension inference request.
func (s *Server) parseInferRequest(w http.ResponseWriter, r *http.Request) (*InferRequest, func(), error) {
	body, done, err := s.readBody(w, r, s.cfg.MaxBodyBytes)
	if err != nil {
		return nil, nil, err
	}
	header, binary := body, []byte(nil)
	if hl := r.Header.Get(HeaderInferenceHeaderLength); hl != "" {
		n, err := strconv.ParseInt(hl, 10, 64)
		if err != nil || n < 0 || n > int64(len(body)) {
			return nil, done, errf(diag.InvalidInput, "request.binary", "%s is %q; it must be the JSON header's length, at most the body's %d bytes",
				HeaderInferenceHeaderLength, clip(hl, 32), len(body))
		}
		header, binary = body[:n], body[n:]
	}
	var rr restRequest
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.UseNumber()
	if err := dec.Decode(&rr); err != nil {
		return nil, done, errf(diag.InvalidInput, "request.json", "the inference request is not valid JSON: %v", clipErr(err))
	}
	if dec.More() {
		return nil, done, errf(diag.InvalidInput, "request.json", "the inference request has data after its JSON object")
	}
	if len(rr.Inputs) > maxRequestTensors || len(rr.Outputs) > maxRequestTensors || len(rr.Parameters) > 256 {
		return nil, done, errf(diag.InvalidInput, "request.json", "the request has too many inputs, outputs or parameters")
	}
	req := &InferRequest{ModelName: r.PathValue("model"), ModelVersion: r.PathValue("version"), ID: rr.ID}
	if req.Parameters, err = normParams(rr.Parameters); err != nil {
		return nil, done, err
	}
	if h := r.Header.Get(HeaderTimeout); h != "" {
		d, err := time.ParseDuration(h)
		if err != nil {
			f, ferr := strconv.ParseFloat(h, 64)
			if ferr != nil || f <= 0 || f > 1e6 {
				return nil, done, errf(diag.InvalidInput, "request.timeout", "%s must be a duration such as 250ms or a number of seconds", HeaderTimeout)
			}
			d = time.Duration(f * float64(time.Second))
		}
		if d <= 0 {
			return nil, done, errf(diag.InvalidInput, "request.timeout", "%s must be positive", HeaderTimeout)
		}
		req.Timeout = d
	}
	off := int64(0)
	for _, in := range rr.Inputs {
		params, err := normParams(in.Parameters)
		if err != nil {
			return nil, done, err
		}
		ii := InferInput{Name: in.Name, Datatype: in.Datatype, Shape: in.Shape}
		if raw, ok := params["binary_data_size"]; ok {
			n, ok := paramInt(map[string]any{"n": raw}, "n")
			if !ok || n < 0 || n > int64(len(binary))-off {
				return nil, done, errf(diag.InvalidInput, "request.binary", "input %q: binary_data_size %v does not fit the %d bytes of binary data left",
					clip(in.Name, 64), raw, int64(len(binary))-off)
			}
			if in.Data != nil {
				return nil, done, errf(diag.InvalidInput, "request.binary", "input %q has both data and binary_data_size", clip(in.Name, 64))
			}
			ii.Raw, ii.HasRaw = binary[off:off+n:off+n], true
			off += n
		} else if in.Data != nil && string(in.Data) != "null" {
			ii.JSON = in.Data
		}
		req.Inputs = append(req.Inputs, ii)
	}
	if off != int64(len(binary)) {
		return nil, done, errf(diag.InvalidInput, "request.binary", "the request carries %d bytes of binary data, its inputs' binary_data_size add up to %d",
			len(binary), off)
	}
	for _, o := range rr.Outputs {
		params, err := normParams(o.Parameters)
		if err != nil {
			return nil, done, err
		}
		b, _ := params["binary_data"].(bool)
		req.Outputs = append(req.Outputs, RequestedOutput{Name: o.Name, Binary: b})
	}
	return req, done, nil
}

// normParams turns JSON parameter values into bool, int64, float64 or
// string; anything else is an error.
func normParams(p map[string]any) (map[string]any, error) {
	if len(p) > 256 {
		return nil, errf(diag.InvalidInput, "request.parameters", "at most 256 parameters are accepted")
	}
	out := make(map[string]any, len(p))
	for k, v := range p {
		switch x := v.(type) {
		case bool, string:
			out[k] = x
		case json.Number:
			if n, err := x.Int64(); err == nil {
				out[k] = n
			} else if f, err := x.Float64(); err == nil {
				out[k] = f
			} else {
				return nil, errf(diag.InvalidInput, "request.parameters", "parameter %q is not a number", clip(k, 64))
			}
		default:
			return nil, errf(diag.InvalidInput, "request.parameters", "parameter %q must be a string, a number or a boolean", clip(k, 64))
		}
	}
	return out, nil
}

func clipErr(err error) string { return clip(err.Error(), 200) }

// writeInferResponse writes JSON, or the binary extension's layout when an
// output was asked for in binary.
func writeInferResponse(w http.ResponseWriter, resp *InferResponse) {
	rr := restResponse{ModelName: resp.ModelName, ModelVersion: resp.ModelVersion, ID: resp.ID, Outputs: []restOutput{}}
	var chunks [][]byte
	for _, o := range resp.Outputs {
		ro := restOutput{Name: o.Name, Datatype: o.Datatype, Shape: o.Shape}
		if ro.Shape == nil {
			ro.Shape = []int64{}
		}
		if o.Binary {
			ro.Parameters = map[string]any{"binary_data_size": len(o.Tensor.Data)}
			chunks = append(chunks, o.Tensor.Data)
		} else {
			data, err := jsonData(o.Tensor)
			if err != nil {
				writeError(w, err)
				return
			}
			ro.Data = data
		}
		rr.Outputs = append(rr.Outputs, ro)
	}
	if len(chunks) == 0 {
		b, err := marshalRestResponse(rr)
		if err != nil {
			writeError(w, errf(diag.Internal, "internal.json", "%v", err))
			return
		}
		writeJSONBytes(w, http.StatusOK, b)
		return
	}
	header, err := marshalRestResponse(rr)
	if err != nil {
		writeError(w, errf(diag.Internal, "internal.json", "%v", err))
		return
	}
	total := len(header)
	for _, c := range chunks {
		total += len(c)
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set(HeaderInferenceHeaderLength, strconv.Itoa(len(header)))
	h.Set("Content-Length", strconv.Itoa(total))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(header)
	for _, c := range chunks {
		_, _ = w.Write(c)
	}
}

// jsonData is the flat JSON "data" array of a tensor (NaN and infinities
// as the strings "nan", "inf", "-inf").
func jsonData(t *tensor.Tensor) (json.RawMessage, error) {
	b, err := tensor.EncodeJSON(t)
	if err != nil {
		return nil, err
	}
	i := bytes.Index(b, []byte(`"data":`))
	if i < 0 {
		return nil, errf(diag.Internal, "internal.json", "tensor encoding without data")
	}
	b = bytes.TrimSpace(b[i+len(`"data":`):])
	b = bytes.TrimSuffix(b, []byte("}"))
	return json.RawMessage(b), nil
}

func (s *Server) hIndex(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenantOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	body, done, err := s.readBody(w, r, 64<<10)
	if err != nil {
		writeError(w, err)
		return
	}
	done()
	var q struct {
		Ready bool `json:"ready"`
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &q); err != nil {
			writeError(w, errf(diag.InvalidInput, "request.json", "the index request is not valid JSON: %v", clipErr(err)))
			return
		}
	}
	idx, err := s.RepositoryIndex(r.Context(), t, q.Ready)
	if err != nil {
		writeError(w, err)
		return
	}
	if idx == nil {
		idx = []IndexEntry{}
	}
	writeJSON(w, http.StatusOK, idx)
}

func (s *Server) hLoad(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenantOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	body, done, err := s.readBody(w, r, s.cfg.MaxBodyBytes)
	if err != nil {
		writeError(w, err)
		return
	}
	defer done()
	var q struct {
		Parameters map[string]any `json:"parameters"`
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &q); err != nil {
			writeError(w, errf(diag.InvalidInput, "request.json", "the load request is not valid JSON: %v", clipErr(err)))
			return
		}
	}
	lr := &LoadRequest{Parameters: map[string]string{}}
	for k, v := range q.Parameters {
		switch x := v.(type) {
		case string:
			lr.Parameters[k] = x
		case map[string]any:
			if k == "config" { // a config given as a JSON object
				b, _ := json.Marshal(x)
				lr.Parameters[k] = string(b)
			}
		}
	}
	if err := s.LoadModel(r.Context(), t, r.PathValue("model"), lr); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) hUnload(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenantOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	if _, done, err := s.readBody(w, r, 64<<10); err != nil {
		writeError(w, err)
		return
	} else {
		done()
	}
	if err := s.UnloadModel(r.Context(), t, r.PathValue("model")); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

func (s *Server) hAnomalies(w http.ResponseWriter, r *http.Request) {
	t, err := s.tenantOf(r)
	if err != nil {
		writeError(w, err)
		return
	}
	list, err := s.Anomalies(r.Context(), t)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"anomalies": list})
}
