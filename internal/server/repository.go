package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"gopkg.in/yaml.v3"

	"github.com/hlogate/hlogate/internal/cost"
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/pipeline"
	"github.com/hlogate/hlogate/internal/refine"
	"github.com/hlogate/hlogate/tensor"
)

// ModelConfig is a model's config.yaml (every key optional):
//
//	name: affine              # must equal the directory name when given
//	description: a dense layer
//	entry: main               # entry function (default: main, or the only public one)
//	inputs: [x]               # names of the request inputs, in argument order
//	outputs: [y]              # names of the outputs (default: jax.result_info, else output_N)
//	version_policy: latest    # latest (num_versions, default 1) | all | specific (versions)
//	num_versions: 1
//	versions: [1, 3]
//	limits: {max_flops: 1e9, max_memory: 64MiB, timeout: 2s}
//	bound:                    # leading arguments bound to weight files
//	  - file: weights.safetensors
//	    names: [w, b]         # tensors to take, in argument order (default: all, in file order)
//	  - file: bias.npy
//	owner: alice              # private to tenant alice (default: shared with every tenant)
type ModelConfig struct {
	Name          string      `yaml:"name"`
	Description   string      `yaml:"description"`
	Entry         string      `yaml:"entry"`
	Inputs        []string    `yaml:"inputs"`
	Outputs       []string    `yaml:"outputs"`
	VersionPolicy string      `yaml:"version_policy"`
	NumVersions   int         `yaml:"num_versions"`
	Versions      []int64     `yaml:"versions"`
	Limits        LimitsSpec  `yaml:"limits"`
	Bound         []BoundSpec `yaml:"bound"`
	Owner         string      `yaml:"owner"`
}

// BoundSpec binds leading program arguments to the tensors of a weight
// file (.npy, .npz, .safetensors). The file is looked up in the version's
// directory first, then in the model's directory.
type BoundSpec struct {
	File  string   `yaml:"file"`
	Names []string `yaml:"names"`
}

// Repository file names and caps.
const (
	ConfigFile         = "config.yaml"
	ProgramFile        = "model.mlir"
	maxConfigBytes     = 64 << 10
	maxVersions        = 64
	maxRepositoryModel = 10000
)

var (
	modelNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)
	safeNameRE  = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)
)

// modelKey names a model: ns is "" for the repository's models and the
// tenant's name for programs the tenant submitted.
type modelKey struct{ ns, name string }

type model struct {
	key   modelKey
	name  string
	owner string // "" = shared with every tenant
	desc  string
	// versions are the served versions, ascending.
	versions []*version
}

// version is one admitted, cost-bounded program, immutable once built
// (apart from its quarantine flag).
type version struct {
	model  *model
	n      int64
	label  string
	hash   string // sha256 of the program text
	mod    *ir.Module
	fn     *ir.Func
	bound  []*tensor.Tensor
	prog   *ExecProgram // text, entry and bound weights, for the executor
	limits Limits
	// inputs are the request inputs (the arguments after the bound ones);
	// outputs the results.
	inputs   []TensorMetadata
	inDTypes []tensor.DType
	inTypes  []*ir.TensorType
	outputs  []TensorMetadata
	// static is the cost report when the program has static shapes; nil
	// when it is refined per input-shape signature.
	static  *cost.Report
	dimArgs []int
	// quarantine is set when an observed cost exceeded the static bound.
	quarantine atomic.Pointer[Anomaly]
}

func (v *version) metricLabel() string {
	if v.model.key.ns != "" {
		return "_tenant_program" // tenants choose these names: keep label values bounded
	}
	return v.model.name
}

type repository struct {
	mu     sync.RWMutex
	fsys   fs.FS
	models map[modelKey]*model
	// unavailable holds repository models that failed to load or were
	// unloaded, with the reason.
	unavailable map[string]unavailable
}

type unavailable struct {
	owner, reason string
	// known: the owner was read; a model whose config cannot be read is
	// listed to administrators only (it might be someone's private one).
	known bool
}

func newRepository() *repository {
	return &repository{models: map[modelKey]*model{}, unavailable: map[string]unavailable{}}
}

// visible returns the model named name that t may use: its own program
// first, then a repository model that is shared or owned by t.
func (r *repository) visible(t *Tenant, name string) *model {
	if t == nil {
		return nil
	}
	if m := r.models[modelKey{t.Name, name}]; m != nil {
		return m
	}
	if m := r.models[modelKey{"", name}]; m != nil && (m.owner == "" || m.owner == t.Name) {
		return m
	}
	return nil
}

// resolve finds the version of a model visible to t. version "" picks the
// highest served version.
func (r *repository) resolve(t *Tenant, name, ver string) (*version, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	m := r.visible(t, name)
	if m == nil || len(m.versions) == 0 {
		return nil, errNotFound()
	}
	if ver == "" {
		return m.versions[len(m.versions)-1], nil
	}
	for _, v := range m.versions {
		if v.label == ver {
			return v, nil
		}
	}
	return nil, errNotFound()
}

func (r *repository) versionsOf(m *model) []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, len(m.versions))
	for i, v := range m.versions {
		out[i] = v.label
	}
	return out
}

func (r *repository) allVersions() []*version {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []*version
	for _, m := range r.models {
		out = append(out, m.versions...)
	}
	return out
}

// loadRepository loads every model directory of fsys.
func (s *Server) loadRepository(fsys fs.FS) error {
	s.repo.mu.Lock()
	s.repo.fsys = fsys
	s.repo.mu.Unlock()
	ents, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return &diag.Error{Kind: diag.Usage, Rule: "repository.read", Msg: fmt.Sprintf("cannot read the model repository: %v", err)}
	}
	var errs []error
	n := 0
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if n++; n > maxRepositoryModel {
			errs = append(errs, errf(diag.Usage, "repository.size", "the repository holds more than %d models; the rest are ignored", maxRepositoryModel))
			break
		}
		if err := s.loadRepoModel(e.Name()); err != nil {
			errs = append(errs, fmt.Errorf("model %s: %w", e.Name(), err))
		}
	}
	s.updateModelGauges()
	return errors.Join(errs...)
}

// loadRepoModel (re)loads one model of the repository. On failure a model
// that was being served keeps being served.
func (s *Server) loadRepoModel(name string) error {
	if !modelNameRE.MatchString(name) {
		return errf(diag.Usage, "repository.name", "model directory names are 1-128 of A-Z, a-z, 0-9, _, . and -")
	}
	s.repo.mu.RLock()
	fsys := s.repo.fsys
	s.repo.mu.RUnlock()
	if fsys == nil {
		return errNotFound()
	}
	if st, err := fs.Stat(fsys, name); err != nil || !st.IsDir() {
		return errNotFound()
	}
	m, err := s.buildModel(fsys, name, "", nil)
	s.repo.mu.Lock()
	defer s.repo.mu.Unlock()
	key := modelKey{"", name}
	if err != nil {
		if _, serving := s.repo.models[key]; !serving {
			owner, known := s.repoOwner(fsys, name)
			s.repo.unavailable[name] = unavailable{owner: owner, known: known, reason: diag.As(err).Error()}
		}
		return err
	}
	s.replaceLocked(key, m)
	delete(s.repo.unavailable, name)
	return nil
}

// repoOwner reads the owner of a model that failed to load (for the
// index); ok is false when its config cannot be read.
func (s *Server) repoOwner(fsys fs.FS, name string) (owner string, ok bool) {
	if _, err := fs.Stat(fsys, path.Join(name, ConfigFile)); errors.Is(err, fs.ErrNotExist) {
		return "", true
	}
	data, err := readCapped(fsys, path.Join(name, ConfigFile), maxConfigBytes)
	if err != nil {
		return "", false
	}
	var c struct {
		Owner string `yaml:"owner"`
	}
	if yaml.Unmarshal(data, &c) != nil {
		return "", false
	}
	return c.Owner, true
}

// replaceLocked installs m under key, dropping the cached refinements of
// the programs it replaces.
func (s *Server) replaceLocked(key modelKey, m *model) {
	if old := s.repo.models[key]; old != nil {
		for _, v := range old.versions {
			s.refined.Purge(v.mod)
			s.costs.purge(func(e costEntry) bool { return e.v == v })
			if s.plans != nil {
				s.plans.purge(func(e planEntry) bool { return e.v == v })
			}
			s.anom.forget(v)
			if f, ok := s.exec.(programForgetter); ok {
				f.Forget(v.prog)
			}
		}
	}
	if m == nil {
		delete(s.repo.models, key)
	} else {
		s.repo.models[key] = m
	}
}

// buildModel reads, admits and bounds every served version of the model
// directory name in fsys. tenant is nil for repository models; for a
// tenant's program it is the submitting tenant, whose namespace and limits
// apply.
func (s *Server) buildModel(fsys fs.FS, name string, ns string, tenant *Tenant) (*model, error) {
	cfg, err := readModelConfig(fsys, name)
	if err != nil {
		return nil, err
	}
	if cfg.Name != "" && cfg.Name != name {
		return nil, modelErr("config.yaml names the model %q, but its directory is %q", clip(cfg.Name, 64), name)
	}
	lim, err := cfg.Limits.Parse(name + "/" + ConfigFile)
	if err != nil {
		return nil, err
	}
	var limits Limits
	owner := cfg.Owner
	if tenant != nil {
		// A tenant's program runs under the server's and the tenant's
		// limits; its own config may only lower them.
		limits = s.cfg.Limits.tighten(tenant.limits).tighten(lim)
		owner = tenant.Name
	} else {
		// The server's limits cap every model: a model's config may only
		// lower them (so --max-memory bounds every request, which is what
		// deployments size their memory by).
		limits = s.cfg.Limits.tighten(lim)
		if owner != "" && !tenantNameRE.MatchString(owner) {
			return nil, modelErr("owner %q is not a valid tenant name", clip(owner, 64))
		}
	}
	vers, err := selectVersions(fsys, name, cfg)
	if err != nil {
		return nil, err
	}
	m := &model{key: modelKey{ns, name}, name: name, owner: owner, desc: cfg.Description}
	maxSource := limits.MaxSource
	if tenant == nil {
		maxSource = max(maxSource, mlir.DefaultLimits().MaxSourceBytes)
	}
	for _, n := range vers {
		v, err := s.buildVersion(fsys, m, n, cfg, limits, maxSource)
		if err != nil {
			return nil, fmt.Errorf("version %d: %w", n, err)
		}
		m.versions = append(m.versions, v)
	}
	return m, nil
}

func modelErr(format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.Rejected, Rule: "model.config", Msg: fmt.Sprintf(format, args...)}
}

func readModelConfig(fsys fs.FS, name string) (*ModelConfig, error) {
	cfg := &ModelConfig{}
	if _, err := fs.Stat(fsys, path.Join(name, ConfigFile)); errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	data, err := readCapped(fsys, path.Join(name, ConfigFile), maxConfigBytes)
	if err != nil {
		return nil, err
	}
	return parseModelConfig(data)
}

func parseModelConfig(data []byte) (*ModelConfig, error) {
	cfg := &ModelConfig{}
	if len(data) > maxConfigBytes {
		return nil, modelErr("config.yaml is larger than %d bytes", maxConfigBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, modelErr("config.yaml is not valid: %v", err)
	}
	if len(cfg.Inputs) > 1024 || len(cfg.Outputs) > 1024 || len(cfg.Bound) > 1024 || len(cfg.Versions) > maxVersions {
		return nil, modelErr("config.yaml lists too many inputs, outputs, bound files or versions")
	}
	return cfg, nil
}

// selectVersions lists the numeric version directories holding a
// model.mlir and applies the version policy.
func selectVersions(fsys fs.FS, name string, cfg *ModelConfig) ([]int64, error) {
	ents, err := fs.ReadDir(fsys, name)
	if err != nil {
		return nil, modelErr("cannot read the model directory: %v", err)
	}
	var have []int64
	for _, e := range ents {
		n, err := strconv.ParseInt(e.Name(), 10, 64)
		if !e.IsDir() || err != nil || n <= 0 || strconv.FormatInt(n, 10) != e.Name() {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(name, e.Name(), ProgramFile)); err == nil {
			have = append(have, n)
		}
	}
	slices.Sort(have)
	if len(have) == 0 {
		return nil, modelErr("no version directory <N>/%s found", ProgramFile)
	}
	switch cfg.VersionPolicy {
	case "", "latest":
		k := cfg.NumVersions
		if k <= 0 {
			k = 1
		}
		if k > maxVersions {
			k = maxVersions
		}
		if k < len(have) {
			have = have[len(have)-k:]
		}
		return have, nil
	case "all":
		if len(have) > maxVersions {
			have = have[len(have)-maxVersions:]
		}
		return have, nil
	case "specific":
		if len(cfg.Versions) == 0 {
			return nil, modelErr("version_policy specific needs a versions list")
		}
		var out []int64
		for _, v := range cfg.Versions {
			if !slices.Contains(have, v) {
				return nil, modelErr("version %d is listed but has no %d/%s", v, v, ProgramFile)
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		slices.Sort(out)
		return out, nil
	}
	return nil, modelErr("version_policy must be latest, all or specific, not %q", clip(cfg.VersionPolicy, 32))
}

// buildVersion admits one program: parse, policy and verify (the server's
// policy), the signature, the bound weights, and — for static shapes — the
// static cost bound against the model's limits.
func (s *Server) buildVersion(fsys fs.FS, m *model, n int64, cfg *ModelConfig, limits Limits, maxSource int64) (*version, error) {
	label := strconv.FormatInt(n, 10)
	dir := path.Join(m.name, label)
	data, err := readCapped(fsys, path.Join(dir, ProgramFile), maxSource)
	if err != nil {
		return nil, err
	}
	src := string(data)
	display := m.name + "/" + label
	mods, err := pipeline.Admit(display, src, pipeline.Options{Policy: s.policy, Limits: mlir.Limits{MaxSourceBytes: maxSource}})
	if err != nil {
		return nil, err
	}
	if len(mods) != 1 || mods[0] == nil {
		return nil, modelErr("%s holds no module", ProgramFile)
	}
	mod := mods[0]
	fn := mod.Entry(cfg.Entry)
	if fn == nil {
		return nil, modelErr("no entry function %q (name one with entry: in config.yaml)", clip(cfg.Entry, 64))
	}
	sum := sha256.Sum256(data)
	v := &version{model: m, n: n, label: label, hash: hex.EncodeToString(sum[:]), mod: mod, fn: fn, limits: limits}

	// Bound weights.
	wlim := tensor.DecodeLimits{MaxBytes: limits.MaxMemory}
	for _, b := range cfg.Bound {
		ts, err := loadWeights(fsys, m.name, dir, b, wlim)
		if err != nil {
			return nil, err
		}
		v.bound = append(v.bound, ts...)
	}
	v.prog = &ExecProgram{Source: data, Entry: fn.Name, Bound: v.bound}
	if len(v.bound) > len(fn.Args) {
		return nil, modelErr("%d bound tensors, but @%s takes %d arguments", len(v.bound), fn.Name, len(fn.Args))
	}
	for i, t := range v.bound {
		tt, ok := fn.Args[i].Type.(*ir.TensorType)
		if !ok || !fitsType(t, tt) {
			return nil, modelErr("bound tensor %d (%s%v) does not fit argument %d of @%s (%s)", i, t.DType, t.Shape, i, fn.Name, fn.Args[i].Type)
		}
	}

	// Request inputs and outputs.
	free := fn.Args[len(v.bound):]
	if len(cfg.Inputs) > 0 && len(cfg.Inputs) != len(free) {
		return nil, modelErr("config.yaml names %d inputs, but the program takes %d after %d bound ones", len(cfg.Inputs), len(free), len(v.bound))
	}
	names := map[string]bool{}
	for k, a := range free {
		i := len(v.bound) + k
		tt, ok := a.Type.(*ir.TensorType)
		if !ok {
			return nil, modelErr("argument %d of @%s has type %s; only tensors can be inputs", i, fn.Name, a.Type)
		}
		dt := DatatypeOf(tt.Elem.StorageDType())
		if dt == "" {
			return nil, modelErr("argument %d of @%s has element type %s, which the inference protocol cannot carry", i, fn.Name, tt.Elem)
		}
		name := ""
		if len(cfg.Inputs) > 0 {
			name = cfg.Inputs[k]
			if !validTensorName(name) || names[name] {
				return nil, modelErr("input name %q is invalid or repeated", clip(name, 64))
			}
		} else {
			name = attrName(fn.ArgAttrs, i, "jax.arg_info")
			if name == "" || names[name] {
				name = fmt.Sprintf("input_%d", k)
			}
		}
		names[name] = true
		v.inputs = append(v.inputs, TensorMetadata{Name: name, Datatype: dt, Shape: append([]int64{}, tt.Shape...)})
		v.inDTypes = append(v.inDTypes, tt.Elem.StorageDType())
		v.inTypes = append(v.inTypes, tt)
	}
	if len(cfg.Outputs) > 0 && len(cfg.Outputs) != len(fn.Results) {
		return nil, modelErr("config.yaml names %d outputs, but @%s returns %d", len(cfg.Outputs), fn.Name, len(fn.Results))
	}
	names = map[string]bool{}
	for i, rt := range fn.Results {
		tt, ok := rt.(*ir.TensorType)
		if !ok {
			return nil, modelErr("result %d of @%s has type %s; only tensors can be outputs", i, fn.Name, rt)
		}
		dt := DatatypeOf(tt.Elem.StorageDType())
		if dt == "" {
			return nil, modelErr("result %d of @%s has element type %s, which the inference protocol cannot carry", i, fn.Name, tt.Elem)
		}
		name := ""
		if len(cfg.Outputs) > 0 {
			name = cfg.Outputs[i]
			if !validTensorName(name) || names[name] {
				return nil, modelErr("output name %q is invalid or repeated", clip(name, 64))
			}
		} else {
			name = attrName(fn.ResultAttrs, i, "jax.result_info")
			if name == "" || names[name] {
				name = fmt.Sprintf("output_%d", i)
			}
		}
		names[name] = true
		v.outputs = append(v.outputs, TensorMetadata{Name: name, Datatype: dt, Shape: append([]int64{}, tt.Shape...)})
	}

	// Static cost, now when the shapes are static; per signature otherwise.
	if refine.NeedsRefinement(mod) {
		v.dimArgs = refine.DimArgs(fn)
		return v, nil
	}
	rep, err := s.analyze(v, mod, fn)
	if err != nil {
		return nil, err
	}
	if err := rep.Admit(limits.budget()); err != nil {
		d := diag.As(err)
		d.File = display
		return nil, d
	}
	v.static = rep
	return v, nil
}

// fitsType reports whether a bound tensor can be passed as an argument of
// type tt (dynamic dimensions take any size).
func fitsType(t *tensor.Tensor, tt *ir.TensorType) bool {
	if t.DType != tt.Elem.StorageDType() || len(t.Shape) != len(tt.Shape) {
		return false
	}
	for i, d := range tt.Shape {
		if d >= 0 && t.Shape[i] != d {
			return false
		}
	}
	return true
}

func validTensorName(s string) bool {
	return s != "" && len(s) <= 128 && safeNameRE.FindStringIndex(s) == nil
}

// attrName reads a JAX name attribute and makes it a safe tensor name.
func attrName(attrs []ir.Dict, i int, key string) string {
	if i >= len(attrs) {
		return ""
	}
	s, ok := attrs[i].Get(key).(ir.StringAttr)
	if !ok {
		return ""
	}
	n := strings.Trim(safeNameRE.ReplaceAllString(string(s), "_"), "_.")
	if len(n) > 128 {
		n = n[:128]
	}
	return n
}

// loadWeights decodes one bound file, found in the version's directory or
// else the model's.
func loadWeights(fsys fs.FS, modelDir, versionDir string, b BoundSpec, lim tensor.DecodeLimits) ([]*tensor.Tensor, error) {
	if b.File == "" || !fs.ValidPath(b.File) {
		return nil, modelErr("bound file %q must be a relative path inside the model directory", clip(b.File, 128))
	}
	p := path.Join(versionDir, b.File)
	if _, err := fs.Stat(fsys, p); err != nil {
		p = path.Join(modelDir, b.File)
	}
	data, err := readCapped(fsys, p, lim.MaxBytes+1<<20)
	if err != nil {
		return nil, err
	}
	var named []tensor.Named
	switch strings.ToLower(path.Ext(p)) {
	case ".npy":
		t, err := tensor.DecodeNPY(data, lim)
		if err != nil {
			return nil, weightErr(b.File, err)
		}
		if len(b.Names) > 0 {
			return nil, modelErr("bound file %s holds one tensor; names: applies to .npz and .safetensors files", b.File)
		}
		return []*tensor.Tensor{t}, nil
	case ".npz":
		named, err = tensor.DecodeNPZ(data, lim)
	case ".safetensors":
		named, _, err = tensor.DecodeSafetensors(data, lim)
	default:
		return nil, modelErr("bound file %s: use .npy, .npz or .safetensors", clip(b.File, 128))
	}
	if err != nil {
		return nil, weightErr(b.File, err)
	}
	if len(b.Names) == 0 {
		out := make([]*tensor.Tensor, len(named))
		for i, n := range named {
			out[i] = n.Tensor
		}
		return out, nil
	}
	byName := map[string]*tensor.Tensor{}
	for _, n := range named {
		byName[n.Name] = n.Tensor
	}
	out := make([]*tensor.Tensor, 0, len(b.Names))
	for _, n := range b.Names {
		t := byName[n]
		if t == nil {
			return nil, modelErr("bound file %s has no tensor %q", b.File, clip(n, 64))
		}
		out = append(out, t)
	}
	return out, nil
}

func weightErr(file string, err error) error {
	d := diag.As(err)
	return &diag.Error{Kind: diag.Rejected, Rule: "model.weights", Msg: fmt.Sprintf("bound file %s: %s", file, d.Msg), Hint: d.Hint}
}

// readCapped reads a file of fsys, refusing one larger than max bytes.
func readCapped(fsys fs.FS, name string, max int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		msg := "cannot open " + path.Base(name)
		if errors.Is(err, fs.ErrNotExist) {
			msg = path.Base(name) + " does not exist"
		}
		return nil, &diag.Error{Kind: diag.Rejected, Rule: "model.files", Msg: msg}
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > max {
		return nil, &diag.Error{Kind: diag.Rejected, Rule: "limit.source_bytes",
			Msg: fmt.Sprintf("%s is %d bytes, over the limit of %d", path.Base(name), st.Size(), max)}
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, &diag.Error{Kind: diag.Rejected, Rule: "model.files", Msg: fmt.Sprintf("cannot read %s: %v", path.Base(name), err)}
	}
	if int64(len(data)) > max {
		return nil, &diag.Error{Kind: diag.Rejected, Rule: "limit.source_bytes",
			Msg: fmt.Sprintf("%s is over the limit of %d bytes", path.Base(name), max)}
	}
	return data, nil
}

// index lists the models t may see.
func (s *Server) index(t *Tenant, readyOnly bool) []IndexEntry {
	s.repo.mu.RLock()
	defer s.repo.mu.RUnlock()
	var out []IndexEntry
	for key, m := range s.repo.models {
		if !t.Admin && key.ns != t.Name && !(key.ns == "" && (m.owner == "" || m.owner == t.Name)) {
			continue
		}
		if key.ns == "" && key.ns != t.Name && s.repo.models[modelKey{t.Name, m.name}] != nil && !t.Admin {
			continue // shadowed by the tenant's own program of the same name
		}
		for _, v := range m.versions {
			e := IndexEntry{Name: m.name, Version: v.label, State: "READY"}
			if q := v.quarantine.Load(); q != nil {
				e.State, e.Reason = "QUARANTINED", q.Detail
			}
			if t.Admin {
				e.Owner = m.owner
			}
			if readyOnly && e.State != "READY" {
				continue
			}
			out = append(out, e)
		}
	}
	if !readyOnly {
		for name, u := range s.repo.unavailable {
			if !t.Admin && (!u.known || (u.owner != "" && u.owner != t.Name)) {
				continue
			}
			e := IndexEntry{Name: name, State: "UNAVAILABLE"}
			if t.Admin {
				e.Reason, e.Owner = u.reason, u.owner
			}
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		if out[i].Owner != out[j].Owner {
			return out[i].Owner < out[j].Owner
		}
		return out[i].Version < out[j].Version
	})
	return out
}
