package servercheck_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hlogate/hlogate/internal/server"
	"github.com/hlogate/hlogate/models"
)

type oipTensor struct {
	Name     string          `json:"name"`
	Shape    []int64         `json:"shape"`
	Datatype string          `json:"datatype"`
	Data     json.RawMessage `json:"data"`
}

func decode(t *testing.T, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestServerServesEveryExample(t *testing.T) {
	s, err := server.New(server.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LoadRepository(models.FS); err != nil {
		t.Fatalf("the server refuses the embedded repository: %v", err)
	}
	tenant, err := s.Authenticate("")
	if err != nil {
		t.Fatal(err)
	}
	ents, err := fs.ReadDir(models.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			data, err := fs.ReadFile(models.Examples, name+".json")
			if err != nil {
				t.Fatal(err)
			}
			var req struct {
				ID     string      `json:"id"`
				Inputs []oipTensor `json:"inputs"`
			}
			decode(t, data, &req)
			data, err = os.ReadFile(filepath.Join("..", "testdata", name+".response.json"))
			if err != nil {
				t.Fatal(err)
			}
			var want struct {
				ModelName string      `json:"model_name"`
				Outputs   []oipTensor `json:"outputs"`
			}
			decode(t, data, &want)

			md, err := s.ModelMetadata(context.Background(), tenant, name, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(md.Inputs) != len(req.Inputs) || len(md.Outputs) != len(want.Outputs) {
				t.Fatalf("metadata %+v does not match the example's %d inputs and %d outputs", md, len(req.Inputs), len(want.Outputs))
			}
			ir := &server.InferRequest{ModelName: name, ID: req.ID}
			for i, x := range req.Inputs {
				if md.Inputs[i].Name != x.Name || md.Inputs[i].Datatype != x.Datatype || !slices.Equal(md.Inputs[i].Shape, x.Shape) {
					t.Errorf("input %d: metadata %+v, example %s %s %v", i, md.Inputs[i], x.Name, x.Datatype, x.Shape)
				}
				ir.Inputs = append(ir.Inputs, server.InferInput{Name: x.Name, Datatype: x.Datatype, Shape: x.Shape, JSON: x.Data})
			}
			resp, err := s.Infer(context.Background(), tenant, ir)
			if err != nil {
				t.Fatalf("infer: %v", err)
			}
			if resp.ID != req.ID || len(resp.Outputs) != len(want.Outputs) {
				t.Fatalf("response id %q with %d outputs", resp.ID, len(resp.Outputs))
			}
			for i, w := range want.Outputs {
				got := resp.Outputs[i]
				if got.Name != w.Name || got.Datatype != w.Datatype || !slices.Equal(got.Shape, w.Shape) {
					t.Fatalf("output %d: %s %s %v, want %s %s %v", i, got.Name, got.Datatype, got.Shape, w.Name, w.Datatype, w.Shape)
				}
				var vals []float64
				if err := json.Unmarshal(w.Data, &vals); err != nil {
					t.Fatal(err)
				}
				for k, v := range vals {
					g := got.Tensor.Float64(int64(k))
					if math.Abs(g-v) > 1e-5+1e-4*math.Abs(v) {
						t.Errorf("%s[%d] = %v, want %v", w.Name, k, g, v)
					}
				}
			}
		})
	}
}
