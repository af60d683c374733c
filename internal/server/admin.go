package server

import (
	"context"
	"encoding/base64"
	"path"
	"strings"
	"testing/fstest"
	"time"

	"github.com/hlogate/hlogate/internal/diag"
)

// RepositoryIndex lists the models t may use (its own programs and the
// shared models, plus models the operator gave t) with their state; an
// administrator sees every model with its owner. Models of other tenants
// are never listed. readyOnly keeps only READY rows.
func (s *Server) RepositoryIndex(_ context.Context, t *Tenant, readyOnly bool) ([]IndexEntry, error) {
	if t == nil {
		return nil, errUnauthenticated(true)
	}
	out := s.index(t, readyOnly)
	s.audit.Info("index", "event", "index", "tenant", t.Name, "decision", "admit", "models", len(out))
	return out, nil
}

// LoadModel loads a model (Triton's repository load).
//
//   - Without "file:" parameters, an administrator (re)loads the named
//     model from the server's repository; the model keeps being served as
//     it was if the new one fails to load.
//   - With "file:<path>" parameters (base64 or plain text; at least
//     "file:<N>/model.mlir") and an optional "config" parameter (the
//     model's config.yaml, YAML or JSON), the program is admitted with the
//     server's policy. A tenant's program goes into the tenant's own
//     namespace, under the tenant's limits, and only when the server allows
//     tenant programs; an administrator's goes into the repository
//     namespace.
//
// Errors: auth.forbidden, model.not_found, model.conflict (a shared model
// of that name exists), tenant.max_models, and the admission errors of the
// program (parse, verify, policy, static cost: 422).
func (s *Server) LoadModel(ctx context.Context, t *Tenant, name string, req *LoadRequest) (err error) {
	rec := &record{event: "load", tenant: tenantName(t), model: "_unknown", start: time.Now()}
	defer func() { s.finish(rec, err) }()
	if t == nil {
		return errUnauthenticated(true)
	}
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave()
	if w := s.anom.throttled(t.Name, s.now()); w > 0 {
		rec.throttled = true
		return withRetry(errf(diag.Usage, "tenant.throttled",
			"this API key is throttled for %s after an anomaly in its traffic", w.Round(time.Second)), w)
	}
	if w := t.buckets.takeRequest(s.now()); w > 0 {
		return withRetry(errf(diag.Usage, "quota.requests", "the request rate of this API key is over its limit"), w)
	}
	files, config, err := programFiles(req)
	if err != nil {
		return err
	}
	if !modelNameRE.MatchString(name) {
		if t.Admin || len(files) > 0 {
			return errf(diag.InvalidInput, "request.model_name", "model names are 1-128 of A-Z, a-z, 0-9, _, . and -, starting with a letter or digit")
		}
		return errNotFound()
	}
	if len(files) == 0 {
		if !t.Admin {
			return errForbidden("loading a model from the repository")
		}
		rec.model = name
		return s.loadRepoModel(name)
	}
	if !t.Admin {
		if !s.cfg.AllowTenantPrograms || !t.programs {
			return errForbidden("submitting programs (the server runs with tenant programs disabled)")
		}
	}
	ns := t.Name
	owner := t
	if t.Admin {
		ns, owner = "", nil
		rec.model = name
	} else {
		rec.model, rec.name, rec.owner = "_tenant_program", name, t.Name
	}
	// Build an in-memory model directory from the parameters.
	mfs := fstest.MapFS{}
	for p, data := range files {
		mfs[path.Join(name, p)] = &fstest.MapFile{Data: data}
	}
	if config != nil {
		mfs[path.Join(name, ConfigFile)] = &fstest.MapFile{Data: config}
	}
	s.repo.mu.RLock()
	if !t.Admin {
		if m := s.repo.models[modelKey{"", name}]; m != nil && (m.owner == "" || m.owner == t.Name) {
			s.repo.mu.RUnlock()
			return errf(diag.Usage, "model.conflict", "a repository model of this name is already served to you; choose another name")
		}
		n := 0
		for k := range s.repo.models {
			if k.ns == t.Name && k.name != name {
				n++
			}
		}
		if n >= t.maxModels {
			s.repo.mu.RUnlock()
			return errf(diag.Rejected, "tenant.max_models", "this API key already has %d programs loaded, its limit", n).
				WithHint("unload one with POST /v2/repository/models/{name}/unload")
		}
	}
	s.repo.mu.RUnlock()
	// Admission takes a slot like a request does, so program submissions
	// count against the tenant's and the server's concurrency.
	release, _, err := s.sched.acquire(ctx, t, s)
	if err != nil {
		return err
	}
	m, err := s.buildModel(mfs, name, ns, owner)
	release()
	if err != nil {
		d := diag.As(err)
		if d.File == "" || strings.HasPrefix(d.File, name+"/") {
			d.File = name
		}
		return err
	}
	for _, v := range m.versions {
		rec.hash = v.hash
	}
	s.repo.mu.Lock()
	s.replaceLocked(modelKey{ns, name}, m)
	if ns == "" {
		delete(s.repo.unavailable, name)
	}
	s.repo.mu.Unlock()
	s.updateModelGauges()
	return nil
}

// UnloadModel stops serving a model. A tenant may unload its own programs;
// an administrator any repository model (its own namespace first).
// Errors: model.not_found, auth.forbidden.
func (s *Server) UnloadModel(_ context.Context, t *Tenant, name string) (err error) {
	rec := &record{event: "unload", tenant: tenantName(t), model: "_unknown", start: time.Now()}
	defer func() { s.finish(rec, err) }()
	if t == nil {
		return errUnauthenticated(true)
	}
	s.repo.mu.Lock()
	defer s.updateModelGauges()
	defer s.repo.mu.Unlock()
	if m := s.repo.models[modelKey{t.Name, name}]; m != nil {
		rec.model, rec.name, rec.owner = "_tenant_program", name, t.Name
		s.replaceLocked(m.key, nil)
		return nil
	}
	m := s.repo.models[modelKey{"", name}]
	if m == nil {
		if _, ok := s.repo.unavailable[name]; ok && t.Admin {
			return nil // already not served
		}
		return errNotFound()
	}
	if !t.Admin {
		if m.owner == "" || m.owner == t.Name {
			return errForbidden("unloading a repository model")
		}
		return errNotFound()
	}
	rec.model = name
	s.replaceLocked(m.key, nil)
	s.repo.unavailable[name] = unavailable{owner: m.owner, known: true, reason: "unloaded"}
	return nil
}

// Anomalies returns the anomalies detected so far (the most recent
// AnomalyConfig.MaxRecords, oldest first). Administrators only.
func (s *Server) Anomalies(_ context.Context, t *Tenant) ([]Anomaly, error) {
	if t == nil {
		return nil, errUnauthenticated(true)
	}
	if !t.Admin {
		return nil, errForbidden("reading anomalies")
	}
	return s.anom.list(), nil
}

// programFiles extracts the file: and config parameters of a load call.
func programFiles(req *LoadRequest) (map[string][]byte, []byte, error) {
	if req == nil {
		return nil, nil, nil
	}
	if len(req.Parameters) > 256 {
		return nil, nil, errf(diag.InvalidInput, "request.parameters", "a load request takes at most 256 parameters")
	}
	files := map[string][]byte{}
	var config []byte
	for k, v := range req.Parameters {
		switch {
		case k == "config":
			config = []byte(v)
		case strings.HasPrefix(k, "file:"):
			p := strings.TrimPrefix(k, "file:")
			if !fsValidRel(p) || p == ConfigFile {
				return nil, nil, errf(diag.InvalidInput, "request.parameters", "file parameter %q must name a relative path inside the model directory", clip(k, 128))
			}
			files[p] = decodeFileParam(v)
		}
	}
	if len(files) > 0 {
		has := false
		for p := range files {
			if dir, f := path.Split(p); f == ProgramFile && dir != "" && !strings.Contains(strings.TrimSuffix(dir, "/"), "/") {
				has = true
			}
		}
		if !has {
			return nil, nil, errf(diag.InvalidInput, "request.parameters", "a program load needs a parameter file:<version>/%s", ProgramFile)
		}
	}
	return files, config, nil
}

func fsValidRel(p string) bool {
	return p != "" && p != "." && !strings.HasPrefix(p, "/") && !strings.Contains(p, "\\") && pathValid(p)
}

func pathValid(p string) bool {
	for _, e := range strings.Split(p, "/") {
		if e == "" || e == "." || e == ".." {
			return false
		}
	}
	return true
}

// decodeFileParam takes Triton's base64 file content, or plain text when
// the value is not valid base64.
func decodeFileParam(v string) []byte {
	if b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v)); err == nil {
		return b
	}
	return []byte(v)
}

func tenantName(t *Tenant) string {
	if t == nil {
		return ""
	}
	return t.Name
}

// updateModelGauges recounts the served versions; the caller must not
// hold the repository lock.
func (s *Server) updateModelGauges() {
	s.metrics.modelsLoaded.Set(float64(len(s.repo.allVersions())))
}
