package models_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/pipeline"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/units"
	"github.com/hlogate/hlogate/models"
	"github.com/hlogate/hlogate/tensor"
)

// wantModels are the models the repository must hold; a model added
// without updating this list (and its example and expected answer) fails.
var wantModels = []string{"cumsum", "digits_mlp", "sort", "standardize", "top_k", "transformer_block"}

// maxRepositoryBytes keeps the embedded repository small.
const maxRepositoryBytes = 256 << 10

// modelConfig mirrors the keys of internal/server.ModelConfig that these
// models use (docs/SERVING.md); unknown keys are errors, and
// models/servercheck loads the repository into the real server.
type modelConfig struct {
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description"`
	Entry         string   `yaml:"entry"`
	Inputs        []string `yaml:"inputs"`
	Outputs       []string `yaml:"outputs"`
	VersionPolicy string   `yaml:"version_policy"`
	Bound         []struct {
		File  string   `yaml:"file"`
		Names []string `yaml:"names"`
	} `yaml:"bound"`
	Limits struct {
		MaxMemory string `yaml:"max_memory"`
		MaxFLOPs  string `yaml:"max_flops"`
		MaxSteps  string `yaml:"max_steps"`
		MaxOutput string `yaml:"max_output"`
		MaxInput  string `yaml:"max_input"`
		Timeout   string `yaml:"timeout"`
	} `yaml:"limits"`
}

type limits struct {
	memory, flops, steps, output, input int64
	timeout                             time.Duration
}

func (c *modelConfig) limits(t *testing.T) limits {
	t.Helper()
	var l limits
	var err error
	size := func(s string) int64 {
		n, e := units.ParseBytes(s)
		if e != nil && err == nil {
			err = e
		}
		return n
	}
	cnt := func(s string) int64 {
		n, e := units.ParseCount(s)
		if e != nil && err == nil {
			err = e
		}
		return n
	}
	l.memory, l.output, l.input = size(c.Limits.MaxMemory), size(c.Limits.MaxOutput), size(c.Limits.MaxInput)
	l.flops, l.steps = cnt(c.Limits.MaxFLOPs), cnt(c.Limits.MaxSteps)
	if l.timeout, err = time.ParseDuration(c.Limits.Timeout); err != nil {
		t.Fatalf("%s: limits.timeout: %v", c.Name, err)
	}
	if err != nil {
		t.Fatalf("%s: limits: %v", c.Name, err)
	}
	if l.memory <= 0 || l.flops <= 0 || l.steps <= 0 || l.output <= 0 || l.input <= 0 || l.timeout <= 0 {
		t.Fatalf("%s: config.yaml should set every limit: %+v", c.Name, c.Limits)
	}
	return l
}

// loaded is one admitted model version with its config and bound weights.
type loaded struct {
	name   string
	cfg    *modelConfig
	limits limits
	mod    *ir.Module
	fn     *ir.Func
	bound  []*tensor.Tensor
}

func modelNames(t *testing.T) []string {
	t.Helper()
	ents, err := fs.ReadDir(models.FS, ".")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() {
			t.Errorf("stray file %s at the repository's top level", e.Name())
			continue
		}
		names = append(names, e.Name())
	}
	return names
}

// readConfig decodes config.yaml strictly, in the server's schema.
func readConfig(t *testing.T, name string) *modelConfig {
	t.Helper()
	data, err := fs.ReadFile(models.FS, path.Join(name, "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	cfg := &modelConfig{}
	if err := dec.Decode(cfg); err != nil {
		t.Fatalf("%s/config.yaml: %v", name, err)
	}
	if cfg.Name != name {
		t.Errorf("%s/config.yaml: name %q", name, cfg.Name)
	}
	return cfg
}

// load admits version 1 of a model with the default policy and binds its
// weights, the way the server does.
func load(t *testing.T, name string) *loaded {
	t.Helper()
	cfg := readConfig(t, name)
	lim := cfg.limits(t)
	src, err := fs.ReadFile(models.FS, path.Join(name, "1", "model.mlir"))
	if err != nil {
		t.Fatal(err)
	}
	mods, err := pipeline.Admit(name, string(src), pipeline.Options{Policy: policy.Default()})
	if err != nil {
		t.Fatalf("%s: not admitted by the default policy: %v", name, err)
	}
	fn := mods[0].Entry(cfg.Entry)
	if fn == nil {
		t.Fatalf("%s: no entry %q", name, cfg.Entry)
	}
	l := &loaded{name: name, cfg: cfg, limits: lim, mod: mods[0], fn: fn}
	for _, b := range cfg.Bound {
		data, err := fs.ReadFile(models.FS, path.Join(name, "1", b.File))
		if err != nil {
			t.Fatal(err)
		}
		named, _, err := tensor.DecodeSafetensors(data, tensor.DecodeLimits{})
		if err != nil {
			t.Fatalf("%s: %s: %v", name, b.File, err)
		}
		byName := map[string]*tensor.Tensor{}
		for _, n := range named {
			byName[n.Name] = n.Tensor
		}
		for _, n := range b.Names {
			if byName[n] == nil {
				t.Fatalf("%s: %s has no tensor %q", name, b.File, n)
			}
			l.bound = append(l.bound, byName[n])
		}
	}
	if got, want := len(cfg.Inputs)+len(l.bound), len(fn.Args); got != want {
		t.Fatalf("%s: %d bound + %d inputs, but @%s takes %d arguments", name, len(l.bound), len(cfg.Inputs), fn.Name, want)
	}
	if len(cfg.Outputs) != len(fn.Results) {
		t.Fatalf("%s: config names %d outputs, @%s returns %d", name, len(cfg.Outputs), fn.Name, len(fn.Results))
	}
	return l
}

func (l *loaded) run(t *testing.T, inputs []*tensor.Tensor) []*tensor.Tensor {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	args := append(append([]*tensor.Tensor{}, l.bound...), inputs...)
	outs, _, err := exec.Run(ctx, l.mod, l.fn, args, exec.Limits{MaxMemory: l.limits.memory, MaxSteps: l.limits.steps, MaxFLOPs: l.limits.flops})
	if err != nil {
		t.Fatalf("%s: %v", l.name, err)
	}
	return outs
}

func TestRepositoryLayout(t *testing.T) {
	names := modelNames(t)
	if !slices.Equal(names, wantModels) {
		t.Fatalf("models %v, want %v", names, wantModels)
	}
	var total int64
	err := fs.WalkDir(models.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		switch path.Base(p) {
		case "config.yaml", "model.mlir", "weights.safetensors":
		default:
			t.Errorf("unexpected file %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total > maxRepositoryBytes {
		t.Errorf("the embedded repository is %d bytes, over %d", total, maxRepositoryBytes)
	}
	for _, n := range names {
		if _, err := fs.Stat(models.Examples, n+".json"); err != nil {
			t.Errorf("%s: no example request: %v", n, err)
		}
		if _, err := os.Stat(filepath.Join("testdata", n+".response.json")); err != nil {
			t.Errorf("%s: no expected response: %v", n, err)
		}
	}
}

// TestAdmitAndBound: every model passes the default policy and the
// verifier, has a static cost bound on every resource, and that bound fits
// both its own config limits and the default limits.
func TestAdmitAndBound(t *testing.T) {
	for _, name := range modelNames(t) {
		t.Run(name, func(t *testing.T) {
			l := load(t, name)
			rep, err := cost.Analyze(l.mod, l.fn)
			if err != nil {
				t.Fatal(err)
			}
			if rep.FLOPs.IsUnbounded() || rep.Steps.IsUnbounded() || rep.PeakMemory == cost.Unbounded || rep.OutputBytes == cost.Unbounded {
				t.Fatalf("cost not bounded: FLOPs %v steps %v peak %d output %d", rep.FLOPs, rep.Steps, rep.PeakMemory, rep.OutputBytes)
			}
			own := cost.Budget{MaxFLOPs: l.limits.flops, MaxMemory: l.limits.memory, MaxSteps: l.limits.steps, MaxOutputBytes: l.limits.output}
			if err := rep.Admit(own); err != nil {
				t.Errorf("over its own limits: %v", err)
			}
			// The defaults of `hlogate run` (docs/LIMITS.md).
			if err := rep.Admit(cost.Budget{MaxFLOPs: 1e11, MaxMemory: 1 << 30, MaxSteps: 1e8, MaxOutputBytes: 64 << 20}); err != nil {
				t.Errorf("over the default limits: %v", err)
			}
			t.Logf("FLOPs %v, steps %v, peak memory %d B, output %d B", rep.FLOPs, rep.Steps, rep.PeakMemory, rep.OutputBytes)
		})
	}
}

// oipTensor is a tensor in the Open Inference Protocol's JSON form.
type oipTensor struct {
	Name     string          `json:"name"`
	Shape    []int64         `json:"shape"`
	Datatype string          `json:"datatype"`
	Data     json.RawMessage `json:"data"`
}

var oipDTypes = map[string]string{"FP32": "float32", "INT32": "int32"}

func (o oipTensor) decode(t *testing.T) *tensor.Tensor {
	t.Helper()
	dt, ok := oipDTypes[o.Datatype]
	if !ok {
		t.Fatalf("%s: datatype %s", o.Name, o.Datatype)
	}
	shape, _ := json.Marshal(o.Shape)
	doc := fmt.Sprintf(`{"dtype":%q,"shape":%s,"data":%s}`, dt, shape, o.Data)
	x, err := tensor.DecodeJSON([]byte(doc), tensor.DecodeLimits{})
	if err != nil {
		t.Fatalf("%s: %v", o.Name, err)
	}
	return x
}

func readJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatal(err)
	}
}

// close reports whether float32 results agree to within what a different
// summation order can change.
func close(got, want float64) bool {
	return math.Abs(got-want) <= 1e-5+1e-4*math.Abs(want)
}

func compareTensor(t *testing.T, what string, got *tensor.Tensor, want *tensor.Tensor) {
	t.Helper()
	if got.DType != want.DType || !slices.Equal(got.Shape, want.Shape) {
		t.Fatalf("%s: got %s%v, want %s%v", what, got.DType, got.Shape, want.DType, want.Shape)
	}
	bad := 0
	for i := int64(0); i < got.NumElements(); i++ {
		var ok bool
		if got.DType.IsFloat() {
			ok = close(got.Float64(i), want.Float64(i))
		} else {
			ok = got.Int64(i) == want.Int64(i)
		}
		if !ok {
			if bad < 5 {
				t.Errorf("%s[%d]: got %v, want %v", what, i, got.Float64(i), want.Float64(i))
			}
			bad++
		}
	}
	if bad > 0 {
		t.Errorf("%s: %d of %d elements differ", what, bad, got.NumElements())
	}
}

// TestExamples runs every model on its example request (the bound
// weights, then the request's inputs) and compares with the answer numpy
// computed when the model was generated.
func TestExamples(t *testing.T) {
	for _, name := range modelNames(t) {
		t.Run(name, func(t *testing.T) {
			l := load(t, name)
			var req struct {
				ID     string      `json:"id"`
				Inputs []oipTensor `json:"inputs"`
			}
			data, err := fs.ReadFile(models.Examples, name+".json")
			if err != nil {
				t.Fatal(err)
			}
			readJSON(t, data, &req)
			var resp struct {
				ModelName string      `json:"model_name"`
				Outputs   []oipTensor `json:"outputs"`
			}
			data, err = os.ReadFile(filepath.Join("testdata", name+".response.json"))
			if err != nil {
				t.Fatal(err)
			}
			readJSON(t, data, &resp)
			if len(req.Inputs) != len(l.cfg.Inputs) {
				t.Fatalf("example has %d inputs, the model %d", len(req.Inputs), len(l.cfg.Inputs))
			}
			var in []*tensor.Tensor
			for i, x := range req.Inputs {
				if x.Name != l.cfg.Inputs[i] {
					t.Fatalf("example input %d is %q, the model's is %q", i, x.Name, l.cfg.Inputs[i])
				}
				in = append(in, x.decode(t))
			}
			outs := l.run(t, in)
			if len(resp.Outputs) != len(outs) {
				t.Fatalf("%d outputs, want %d", len(outs), len(resp.Outputs))
			}
			for i, o := range resp.Outputs {
				if o.Name != l.cfg.Outputs[i] {
					t.Errorf("output %d is %q in the config, %q in the expected response", i, l.cfg.Outputs[i], o.Name)
				}
				compareTensor(t, o.Name, outs[i], o.decode(t))
			}
		})
	}
}

type digitsFixture struct {
	Comment              string      `json:"comment"`
	TestAccuracy         float64     `json:"test_accuracy"`
	TestIndex            []int       `json:"test_index"`
	Pixels               [][]int     `json:"pixels"`
	Labels               []int       `json:"labels"`
	SklearnPredictions   []int       `json:"sklearn_predictions"`
	SklearnProbabilities [][]float64 `json:"sklearn_probabilities"`
	Float32Logits        [][]float64 `json:"float32_logits"`
}

// TestDigitsAgreesWithSklearn runs the digits MLP through the Go executor
// on test digits and checks it predicts what scikit-learn predicted, with
// the same probabilities.
func TestDigitsAgreesWithSklearn(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "digits_mlp_fixture.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx digitsFixture
	readJSON(t, data, &fx)
	n := len(fx.Pixels)
	if n < 20 || len(fx.TestIndex) != n || len(fx.SklearnPredictions) != n || len(fx.SklearnProbabilities) != n || len(fx.Labels) != n || len(fx.Float32Logits) != n {
		t.Fatalf("fixture has %d digits and mismatched lists", n)
	}
	l := load(t, "digits_mlp")
	agree, correct := 0, 0
	for i, px := range fx.Pixels {
		x, err := tensor.New(tensor.F32, []int64{1, 64}, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if len(px) != 64 {
			t.Fatalf("digit %d has %d pixels", i, len(px))
		}
		for j, v := range px {
			x.SetFloat64(int64(j), float64(v))
		}
		outs := l.run(t, []*tensor.Tensor{x})
		class, logits, probs := outs[0], outs[1], outs[2]
		got := int(class.Int64(0))
		if got == fx.SklearnPredictions[i] {
			agree++
		} else {
			t.Errorf("digit %d (label %d): Go predicts %d, sklearn %d", i, fx.Labels[i], got, fx.SklearnPredictions[i])
		}
		if got == fx.Labels[i] {
			correct++
		}
		best := 0
		for k := 0; k < 10; k++ {
			if logits.Float64(int64(k)) > logits.Float64(int64(best)) {
				best = k
			}
			if p, want := probs.Float64(int64(k)), fx.SklearnProbabilities[i][k]; math.Abs(p-want) > 1e-4 {
				t.Errorf("digit %d: P(%d) = %.6f, sklearn %.6f", i, k, p, want)
			}
			if lg, want := logits.Float64(int64(k)), fx.Float32Logits[i][k]; !close(lg, want) {
				t.Errorf("digit %d: logit %d = %.5f, numpy float32 %.5f", i, k, lg, want)
			}
		}
		if best != got {
			t.Errorf("digit %d: class %d is not the argmax of the logits (%d)", i, got, best)
		}
	}
	t.Logf("Go executor agrees with sklearn on %d/%d test digits; %d/%d correct (sklearn's test accuracy %.4f)", agree, n, correct, n, fx.TestAccuracy)
	if correct == n {
		t.Errorf("the fixture should hold digits the model misclassifies")
	}
}
