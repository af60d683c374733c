package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// FuzzRESTInfer sends arbitrary bodies (JSON, or the binary tensor
// extension with an arbitrary Inference-Header-Content-Length) to the
// infer endpoint of a server with the built-in test repository. The server
// must answer every one with a client error or a result, never a panic
// and never a 500.
func FuzzRESTInfer(f *testing.F) {
	f.Add("affine", -1, []byte(`{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[1,2,3,4,5,6]}]}`))
	f.Add("affine", -1, []byte(`{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","data":[[1,2,3],[4,5,6]]}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}`))
	hdr := []byte(`{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":24}}]}`)
	f.Add("affine", len(hdr), append(append([]byte{}, hdr...), make([]byte, 24)...))
	f.Add("double", -1, []byte(`{"inputs":[{"name":"x","shape":[4],"datatype":"FP32","data":[1,2,3,4]}]}`))
	f.Add("dense", -1, []byte(`{"inputs":[{"name":"x","shape":[1,4],"datatype":"BF16","data":[1,2,3,4]}]}`))
	f.Add("affine", 5, []byte(`{"inp`))
	f.Add("affine", -1, []byte(`{"inputs":[{"name":"x","shape":[4294967296,4294967296],"datatype":"FP32","data":[]}]}`))
	s, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	if err := s.LoadRepository(BuiltinRepository()); err != nil {
		f.Fatal(err)
	}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, model string, headerLen int, body []byte) {
		if len(model) > 64 {
			return
		}
		req := httptest.NewRequest(http.MethodPost, "/v2/models/x/infer", bytes.NewReader(body))
		req.URL.Path = "/v2/models/" + model + "/infer"
		req.Header.Set("Content-Type", "application/json")
		if headerLen >= 0 {
			req.Header.Set("Inference-Header-Content-Length", strconv.Itoa(headerLen))
			req.Header.Set("Content-Type", "application/octet-stream")
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 && rec.Code != http.StatusServiceUnavailable && rec.Code != http.StatusGatewayTimeout {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body.String())
		}
	})
}
