package server

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/tensor"
)

func TestParseTenants(t *testing.T) {
	h := HashKey("k")
	if h != "8254c329a92850f6d539dd376f4816ee2764517da5e0235514af433164480d7a" {
		t.Fatalf("HashKey = %s", h)
	}
	for _, c := range []struct{ yaml, err string }{
		{"tenants: []", "no tenants"},
		{"tenants: [{name: a}]", "no api_keys_sha256"},
		{"tenants: [{name: a, api_keys_sha256: [abc]}]", "64 hex digits"},
		{"tenants: [{name: A, api_keys_sha256: [" + h + "]}]", "name"},
		{"tenants: [{name: anonymous, api_keys_sha256: [" + h + "]}]", "name"},
		{"tenants: [{name: a, api_keys_sha256: [" + h + "]}, {name: b, api_keys_sha256: [" + h + "]}]", "share an API key"},
		{"tenants: [{name: a, api_keys_sha256: [" + h + "]}, {name: a, api_keys_sha256: [" + HashKey("j") + "]}]", "twice"},
		{"tenants: [{name: a, api_keys_sha256: [" + h + "], color: red}]", "not valid"},
		{"tenants: [{name: a, api_keys_sha256: [" + h + "], limits: {max_memory: lots}}]", "limits.max_memory"},
		{"tenants: [{name: a, api_keys_sha256: [" + h + "], rate: {flops_burst: -1}}]", "rate.flops_burst"},
		{"tenants: [{name: a, api_keys_sha256: [" + h + "], max_queue: -1}]", "negative"},
	} {
		_, err := ParseTenants([]byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: got %v, want an error about %q", c.yaml, err, c.err)
		}
	}
	f, err := ParseTenants([]byte("tenants:\n  - name: a\n    api_keys_sha256: [\"sha256:" + strings.ToUpper(h) + "\"]\n    admin: true\n    limits: {timeout: 2s, max_flops: 1e9}\n"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Tenants: f, Limits: Limits{Timeout: 5 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if s.ServerReady() {
		t.Fatal("ready before the repository was loaded")
	}
	tn, err := s.Authenticate("k")
	if err != nil || tn.Name != "a" || !tn.Admin || tn.limits.Timeout != 2*time.Second || tn.limits.MaxFLOPs != 1e9 {
		t.Fatalf("tenant %+v, %v", tn, err)
	}
	if _, err := s.Authenticate("K"); err == nil {
		t.Fatal("a wrong key authenticated")
	}
	if _, err := s.Authenticate(""); HTTPStatus(err) != 401 {
		t.Fatalf("no key: %v", err)
	}
	for _, c := range []struct{ authz, x, want string }{
		{"Bearer abc", "", "abc"}, {"bearer  abc ", "", "abc"}, {"Basic abc", "", ""}, {"", "xyz", "xyz"}, {"Bearer a", "b", "b"},
	} {
		if got := APIKey(c.authz, c.x); got != c.want {
			t.Errorf("APIKey(%q, %q) = %q", c.authz, c.x, got)
		}
	}
}

func TestBucket(t *testing.T) {
	now := time.Unix(100, 0)
	bs := &buckets{flops: newBucket(10, 100, now), bytes: newBucket(1000, 1000, now), reqs: newBucket(1, 2, now)}
	if which, _ := bs.take(charge{flops: 60, bytes: 10}, now); which != "" {
		t.Fatal(which)
	}
	which, wait := bs.take(charge{flops: 60, bytes: 10}, now)
	if which != "flops" || wait != 2*time.Second {
		t.Fatalf("%s %v", which, wait)
	}
	// Nothing was taken from the bytes bucket by the refused charge.
	if _, b, _ := bs.level(now); b != 990 {
		t.Fatalf("bytes left %v", b)
	}
	if which, _ := bs.take(charge{flops: 60}, now.Add(2*time.Second)); which != "" {
		t.Fatal(which)
	}
	// Never more than the burst.
	if f, _, _ := bs.level(now.Add(time.Hour)); f != 100 {
		t.Fatalf("flops level %v", f)
	}
	if bs.takeRequest(now) != 0 || bs.takeRequest(now) != 0 || bs.takeRequest(now) != time.Second {
		t.Fatal("request bucket")
	}
	// A clock that goes backwards does not mint tokens.
	if bs.takeRequest(now.Add(-time.Hour)) == 0 {
		t.Fatal("tokens from the past")
	}
}

func TestLimits(t *testing.T) {
	l, err := LimitsSpec{MaxMemory: "1MiB", MaxFLOPs: "1e6", Timeout: "250ms"}.Parse("x")
	if err != nil || l.MaxMemory != 1<<20 || l.MaxFLOPs != 1e6 || l.Timeout != 250*time.Millisecond {
		t.Fatalf("%+v %v", l, err)
	}
	if _, err := (LimitsSpec{Timeout: "-1s"}).Parse("x"); err == nil {
		t.Fatal("negative timeout")
	}
	a := Limits{MaxMemory: 100, MaxFLOPs: 10}
	b := a.tighten(Limits{MaxMemory: 50, MaxSteps: 7})
	if b.MaxMemory != 50 || b.MaxFLOPs != 10 || b.MaxSteps != 7 {
		t.Fatalf("%+v", b)
	}
	if d := (Limits{}).orDefault(DefaultLimits()); d != DefaultLimits() {
		t.Fatalf("%+v", d)
	}
}

func TestRepositoryConfigs(t *testing.T) {
	neg := &fstest.MapFile{Data: []byte(negSrc)}
	repo := fstest.MapFS{
		"v/1/model.mlir":        neg,
		"v/2/model.mlir":        neg,
		"v/3/model.mlir":        neg,
		"v/config.yaml":         {Data: []byte("version_policy: latest\nnum_versions: 2\n")},
		"all/1/model.mlir":      neg,
		"all/5/model.mlir":      neg,
		"all/config.yaml":       {Data: []byte("version_policy: all\n")},
		"spec/1/model.mlir":     neg,
		"spec/2/model.mlir":     neg,
		"spec/config.yaml":      {Data: []byte("version_policy: specific\nversions: [1]\n")},
		"badname/1/model.mlir":  neg,
		"badname/config.yaml":   {Data: []byte("name: other\n")},
		"badkey/1/model.mlir":   neg,
		"badkey/config.yaml":    {Data: []byte("colour: red\n")},
		"noversion/README":      {Data: []byte("x")},
		"badbound/1/model.mlir": neg,
		"badbound/config.yaml":  {Data: []byte("bound: [{file: ../../etc/passwd}]\n")},
		"inputs/1/model.mlir":   neg,
		"inputs/config.yaml":    {Data: []byte("inputs: [a, b]\n")},
		"bigcost/1/model.mlir":  neg,
		"bigcost/config.yaml":   {Data: []byte("limits: {max_flops: 1}\n")},
	}
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.LoadRepository(repo)
	for _, bad := range []string{"badname", "badkey", "noversion", "badbound", "inputs", "bigcost"} {
		if err == nil || !strings.Contains(err.Error(), "model "+bad+":") {
			t.Errorf("%s loaded: %v", bad, err)
		}
	}
	anon, _ := s.Authenticate("")
	for name, want := range map[string]string{"v": "2 3", "all": "1 5", "spec": "1"} {
		md, err := s.ModelMetadata(nil, anon, name, "")
		if err != nil || strings.Join(md.Versions, " ") != want {
			t.Errorf("%s versions %v, %v; want %s", name, md, err, want)
		}
	}
	// The highest version serves when none is named.
	v, _ := s.repo.resolve(anon, "v", "")
	if v.label != "3" {
		t.Errorf("default version %s", v.label)
	}
	if _, err := s.repo.resolve(anon, "v", "1"); err == nil {
		t.Error("version 1 is served under latest/2")
	}
}

func TestSmallHelpers(t *testing.T) {
	for _, c := range []struct {
		dt   tensor.DType
		data []byte
		want int64
		ok   bool
	}{
		{tensor.I64, []byte{0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, -2, true},
		{tensor.I32, []byte{7, 0, 0, 0}, 7, true},
		{tensor.I8, []byte{0x80}, -128, true},
		{tensor.U16, []byte{0xff, 0xff}, 65535, true},
		{tensor.U64, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 0, false},
		{tensor.F32, []byte{0, 0, 0, 0}, 0, false},
	} {
		got, ok := scalarInt(&tensor.Tensor{DType: c.dt, Data: c.data})
		if got != c.want || ok != c.ok {
			t.Errorf("scalarInt(%s %v) = %d %v", c.dt, c.data, got, ok)
		}
	}
	if _, ok := scalarInt(&tensor.Tensor{DType: tensor.I32, Shape: []int64{1}, Data: []byte{1, 0, 0, 0}}); ok {
		t.Error("scalarInt of a vector")
	}
	for _, c := range []struct {
		v    any
		want int64
		ok   bool
	}{{int64(5), 5, true}, {7, 7, true}, {3.0, 3, true}, {3.5, 0, false}, {json.Number("12"), 12, true}, {"12", 0, false}} {
		got, ok := paramInt(map[string]any{"k": c.v}, "k")
		if got != c.want || ok != c.ok {
			t.Errorf("paramInt(%v) = %d %v", c.v, got, ok)
		}
	}
	l, err := LimitsFromPolicy(&policy.Limits{MaxMemory: "2MiB", Timeout: "1s"})
	if err != nil || l.MaxMemory != 2<<20 || l.Timeout != time.Second {
		t.Fatalf("%+v %v", l, err)
	}
	if _, err := LimitsFromPolicy(&policy.Limits{MaxFLOPs: "many"}); err == nil {
		t.Fatal("bad policy limits accepted")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "tenants.yaml")
	if err := os.WriteFile(p, []byte("tenants: [{name: a, api_keys_sha256: ["+HashKey("x")+"]}]"), 0o600); err != nil {
		t.Fatal(err)
	}
	if f, err := LoadTenants(p); err != nil || f.Tenants[0].Name != "a" {
		t.Fatalf("%+v %v", f, err)
	}
	if _, err := LoadTenants(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Fatal("missing tenants file")
	}
}

func TestBoundWeightErrors(t *testing.T) {
	src := &fstest.MapFile{Data: []byte(`module @m {
  func.func public @main(%w: tensor<3xf32>, %x: tensor<3xf32>) -> tensor<3xf32> {
    %0 = stablehlo.add %w, %x : tensor<3xf32>
    return %0 : tensor<3xf32>
  }
}`)}
	repo := fstest.MapFS{
		"garbage/1/model.mlir": src,
		"garbage/w.npy":        {Data: []byte("not a numpy file")},
		"garbage/config.yaml":  {Data: []byte("bound: [{file: w.npy}]\n")},
		"missing/1/model.mlir": src,
		"missing/config.yaml":  {Data: []byte("bound: [{file: nowhere.npy}]\n")},
		"huge/1/model.mlir":    src,
		"huge/w.npy":           {Data: make([]byte, 3<<20)},
		"huge/config.yaml":     {Data: []byte("bound: [{file: w.npy}]\nlimits: {max_memory: 1MiB}\n")},
	}
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.LoadRepository(repo)
	for _, want := range []string{"model garbage:", "model.weights", "model missing:", "nowhere.npy does not exist", "model huge:", "limit.source_bytes"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("load errors lack %q: %v", want, err)
		}
	}
	for _, e := range strings.Split(err.Error(), "\n") {
		if HTTPStatus(err) == 500 || strings.Contains(e, "internal") {
			t.Errorf("a bad weight file is an internal error: %s", e)
		}
	}
}
