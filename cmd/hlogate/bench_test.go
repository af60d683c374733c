package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestBenchCommand(t *testing.T) {
	var out, errb bytes.Buffer
	code := dispatch([]string{"bench", "--suite", "matmul_64,while", "--threads", "1", "--mintime", "1ms", "--minreps", "1", "--format", "results"}, &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "RESULT hlogate matmul_64 1 ") || !strings.HasPrefix(lines[1], "RESULT hlogate while 1 ") {
		t.Fatalf("results:\n%s", out.String())
	}
	if !strings.Contains(errb.String(), "bench: while") {
		t.Errorf("no progress on stderr: %q", errb.String())
	}

	out.Reset()
	errb.Reset()
	if code := dispatch([]string{"bench", "--suite", "mlp", "--threads", "1", "--mintime", "1ms", "--minreps", "1", "--json"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var rep struct {
		Results []benchResult `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil || len(rep.Results) != 1 || rep.Results[0].GFLOPs <= 0 || !strings.Contains(rep.Results[0].Plan, "native") {
		t.Fatalf("json %v: %s", err, out.String())
	}

	out.Reset()
	errb.Reset()
	if code := dispatch([]string{"bench", "--suite", "nope"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), `no workload "nope"`) {
		t.Fatalf("unknown workload: exit %d, %s", code, errb.String())
	}
}
