package plan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/exec"
	"github.com/hlogate/hlogate/internal/pipeline"
	"github.com/hlogate/hlogate/tensor"
)

// TestJAXModels runs small real JAX exports (testdata/jax, made by
// bench/suite/export_models.py with JAX 0.11.2 on CPU) through the plan
// engine and compares with JAX's own outputs and with the reference
// executor: embedding gathers, causal masks, argmax, one-hot, erf gelu,
// cross-entropy, strided NCHW convolution, average pooling, lax.scan,
// sort, cumsum and top_k, as JAX writes them.
func TestJAXModels(t *testing.T) {
	srcs, err := filepath.Glob("testdata/jax/*.mlir")
	if err != nil || len(srcs) < 6 {
		t.Fatalf("fixtures: %v %v", srcs, err)
	}
	for _, path := range srcs {
		name := strings.TrimSuffix(filepath.Base(path), ".mlir")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			mods, err := pipeline.Admit(path, string(src), pipeline.Options{})
			if err != nil {
				t.Fatal(err)
			}
			m := mods[0]
			fn := m.Entry("")
			in := loadNPYs(t, "testdata/jax/"+name+".in%d.npy")
			want := loadNPYs(t, "testdata/jax/"+name+".out%d.npy")
			p, err := Compile(m, fn, Options{CheckPasses: true})
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := p.Run(context.Background(), in, exec.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%d outputs, JAX has %d", len(got), len(want))
			}
			for j := range want {
				if err := sameTensor(got[j], want[j], 2e-5); err != nil {
					t.Errorf("output %d vs JAX: %v", j, err)
				}
			}
			diffRun(t, m, in, Options{})
			d := p.Describe()
			t.Logf("%d steps: %d native, %d fallback %v", d.Steps, d.Native, d.Fallback, d.FallbackOps)
		})
	}
}

func loadNPYs(t *testing.T, pattern string) []*tensor.Tensor {
	t.Helper()
	var out []*tensor.Tensor
	for k := 0; ; k++ {
		b, err := os.ReadFile(fmt.Sprintf(pattern, k))
		if os.IsNotExist(err) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		x, err := tensor.DecodeNPY(b, tensor.DecodeLimits{MaxBytes: 1 << 24})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
	}
}
