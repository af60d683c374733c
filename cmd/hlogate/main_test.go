package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := dispatch(args, &out, &errb)
	return code, out.String(), errb.String()
}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/hlogate -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestCheckGolden(t *testing.T) {
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"check_ok.txt", []string{"check", "../../examples/affine.mlir"}, 0},
		{"check_ok.json", []string{"check", "--json", "../../examples/affine.mlir"}, 0},
		{"check_callback.txt", []string{"check", "../../examples/callback.mlir"}, 3},
		{"check_callback.json", []string{"check", "--json", "../../examples/callback.mlir"}, 3},
		{"check_syntax.txt", []string{"check", "testdata/programs/syntax.mlir"}, 3},
		{"check_shape.json", []string{"check", "--json", "testdata/programs/bad_shape.mlir"}, 3},
		{"check_missing.txt", []string{"check", "testdata/programs/does_not_exist.mlir"}, 2},
		{"check_cost.txt", []string{"check", "--cost", "../../examples/affine.mlir"}, 0},
		{"check_cost_rejected.json", []string{"check", "--cost", "--json", "--max-flops", "10", "../../examples/affine.mlir"}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, _ := run(c.args...)
			if code != c.code {
				t.Errorf("exit code %d, want %d; output:\n%s", code, c.code, out)
			}
			golden(t, c.name, out)
		})
	}
}

func TestRunExample(t *testing.T) {
	code, out, errOut := run("run", "../../examples/affine.mlir", "--input", "../../examples/x.json", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errOut)
	}
	// relu([1,2,3]·W + b) = relu([-3.5, 3.25]); relu([-1,.5,4]·W + b) = relu([-8.25, 2.5])
	want := `{"outputs":[{"name":"y","dtype":"float32","shape":[2,2],"data":[0,3.25,0,2.5]}]}`
	if strings.TrimSpace(out) != want {
		t.Errorf("got %s\nwant %s", out, want)
	}
}

func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "x.json")
	os.WriteFile(bad, []byte(`{"dtype": "float32", "shape": [3, 3], "data": [1,2,3,4,5,6,7,8,9]}`), 0o644)
	loop := filepath.Join(dir, "loop.mlir")
	os.WriteFile(loop, []byte(`func.func @main() -> tensor<i64> {
  %c0 = stablehlo.constant dense<0> : tensor<i64>
  %c1 = stablehlo.constant dense<1> : tensor<i64>
  %r = stablehlo.while(%i = %c0) : tensor<i64>
  cond {
    %t = stablehlo.compare GE, %i, %c0 : (tensor<i64>, tensor<i64>) -> tensor<i1>
    stablehlo.return %t : tensor<i1>
  } do {
    %n = stablehlo.add %i, %c1 : tensor<i64>
    stablehlo.return %n : tensor<i64>
  }
  func.return %r : tensor<i64>
}
`), 0o644)
	pol := filepath.Join(dir, "tight.json")
	os.WriteFile(pol, []byte(`{"name": "tight", "allowed_dialects": ["stablehlo", "func"], "denied_ops": [], "allowed_custom_calls": [], "allow_check_ops": false, "limits": {"max_flops": "10"}}`), 0o644)
	badPol := filepath.Join(dir, "bad.json")
	os.WriteFile(badPol, []byte(`{"name": "bad", "allowed_dialects": ["stablehlo"], "denied_ops": [], "allowed_custom_calls": [], "allow_check_ops": false, "limits": {"max_memory": "lots"}}`), 0o644)
	five := filepath.Join(dir, "five.json")
	os.WriteFile(five, []byte(`{"dtype": "int64", "shape": [1], "data": [5]}`), 0o644)
	cases := []struct {
		args []string
		code int
		rule string
	}{
		// a shape read from an input value: runs under the meters
		{[]string{"run", "../../testdata/attacks/dyn_iota_from_input.mlir", "--input", five, "--json"}, 0, `"data":[10]`},
		{[]string{"run", "../../examples/affine.mlir", "--input", "../../examples/x.json", "--policy", pol, "--json"}, 3, `"rule":"cost.flops"`},
		{[]string{"run", "../../examples/affine.mlir", "--input", "../../examples/x.json", "--policy", pol, "--max-flops", "1e6", "--json"}, 0, `"outputs"`},
		{[]string{"run", "../../examples/affine.mlir", "--input", "../../examples/x.json", "--policy", badPol, "--json"}, 2, `"rule":"policy.file"`},
		{[]string{"run", "../../examples/affine.mlir", "--input", bad, "--json"}, 3, `"rule":"input.shape"`},
		{[]string{"run", "../../examples/affine.mlir", "--json"}, 3, `"rule":"input.count"`},
		{[]string{"run", "../../examples/callback.mlir", "--json"}, 3, `"rule":"policy.custom_call"`},
		{[]string{"run", loop, "--max-steps", "1000", "--json"}, 4, `"rule":"limit.steps"`},
		{[]string{"run", loop, "--timeout", "50ms", "--json"}, 4, `"rule":"limit.deadline"`},
		{[]string{"run", "--bogus-flag"}, 2, ""},
	}
	for _, c := range cases {
		code, out, _ := run(c.args...)
		if code != c.code || !strings.Contains(out, c.rule) {
			t.Errorf("%v: exit %d (want %d), output %s (want %s)", c.args, code, c.code, out, c.rule)
		}
	}
}

func TestByteSizes(t *testing.T) {
	for in, want := range map[string]int64{"512MiB": 512 << 20, "2GB": 2e9, "64K": 64 << 10, "100": 100, "1.5GiB": 3 << 29} {
		got, err := parseByteSize(in)
		if err != nil || got != want {
			t.Errorf("%s: got %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1MiB", "lots", "1e30GiB", "NaN"} {
		if _, err := parseByteSize(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The plan engine gives the reference executor's answer on the example.
func TestRunPlanEngine(t *testing.T) {
	_, ref, _ := run("run", "../../examples/affine.mlir", "--input", "../../examples/x.json", "--json")
	code, got, errOut := run("run", "../../examples/affine.mlir", "--input", "../../examples/x.json", "--json", "--engine", "plan")
	if code != 0 || got != ref {
		t.Fatalf("exit %d: %s%s\nwant %s", code, got, errOut, ref)
	}
}
