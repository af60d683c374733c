package server

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/units"
)

// TenantsFile is the tenants configuration (tenants.yaml):
//
//	tenants:
//	  - name: alice
//	    api_keys_sha256: ["<64 hex digits: sha256 of the key>"]
//	    admin: false            # may use the repository load/unload and admin APIs
//	    programs: true          # may submit programs (when the server allows it)
//	    max_models: 4           # programs of its own at once
//	    max_concurrency: 2      # requests running at once
//	    max_queue: 8            # requests waiting at once
//	    limits: {max_flops: 1e10, max_memory: 256MiB, timeout: 5s}
//	    rate:
//	      flops_per_second: 1e10
//	      flops_burst: 1e11
//	      bytes_per_second: 4GiB
//	      bytes_burst: 64GiB
//	      requests_per_second: 100
//	      requests_burst: 200
type TenantsFile struct {
	Tenants []TenantSpec `yaml:"tenants"`
}

// TenantSpec is one tenant of the tenants file. See TenantsFile.
type TenantSpec struct {
	Name           string     `yaml:"name"`
	APIKeysSHA256  []string   `yaml:"api_keys_sha256"`
	Admin          bool       `yaml:"admin"`
	Programs       *bool      `yaml:"programs"`
	MaxModels      int        `yaml:"max_models"`
	MaxConcurrency int        `yaml:"max_concurrency"`
	MaxQueue       int        `yaml:"max_queue"`
	Limits         LimitsSpec `yaml:"limits"`
	Rate           RateSpec   `yaml:"rate"`
}

// RateSpec sets a tenant's token buckets. Requests are charged by their
// static cost: FLOPs in the FLOPs bucket, bytes read plus written in the
// bytes bucket, and one token in the requests bucket. Empty fields take
// the defaults: FLOPs max_flops per second with a burst of 10·max_flops,
// bytes 16GiB per second with a burst of 64GiB, 1000 requests per second
// with a burst of 1000.
type RateSpec struct {
	FLOPsPerSecond    string  `yaml:"flops_per_second"`
	FLOPsBurst        string  `yaml:"flops_burst"`
	BytesPerSecond    string  `yaml:"bytes_per_second"`
	BytesBurst        string  `yaml:"bytes_burst"`
	RequestsPerSecond float64 `yaml:"requests_per_second"`
	RequestsBurst     float64 `yaml:"requests_burst"`
}

// MaxTenantsFileBytes caps the tenants file.
const MaxTenantsFileBytes = 1 << 20

var tenantNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// anonymous is the tenant of every request when no tenants are
// configured.
const anonymous = "anonymous"

// ParseTenants decodes and validates a tenants file (YAML or JSON).
// Unknown keys are errors.
func ParseTenants(data []byte) (*TenantsFile, error) {
	if len(data) > MaxTenantsFileBytes {
		return nil, configErr("tenants file is %d bytes, over the limit of %d", len(data), MaxTenantsFileBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f TenantsFile
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, configErr("tenants file is not valid: %v", err)
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// LoadTenants reads and parses a tenants file.
func LoadTenants(path string) (*TenantsFile, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, configErr("cannot open tenants file: %v", err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxTenantsFileBytes+1))
	if err != nil {
		return nil, configErr("cannot read tenants file: %v", err)
	}
	return ParseTenants(data)
}

// HashKey returns the hex SHA-256 of an API key, as api_keys_sha256 holds
// it (the same as `printf %s KEY | sha256sum`).
func HashKey(key string) string {
	h := sha256.Sum256([]byte(key))
	return hex.EncodeToString(h[:])
}

func (f *TenantsFile) validate() error {
	if len(f.Tenants) == 0 {
		return configErr("the tenants file lists no tenants")
	}
	if len(f.Tenants) > 10000 {
		return configErr("the tenants file lists %d tenants, over the limit of 10000", len(f.Tenants))
	}
	names := map[string]bool{}
	keys := map[string]string{}
	for i, t := range f.Tenants {
		if !tenantNameRE.MatchString(t.Name) || t.Name == anonymous {
			return configErr("tenant %d: name %q must be 1-63 of a-z, 0-9, _ and -, starting with a letter or digit, and not %q", i+1, clip(t.Name, 64), anonymous)
		}
		if names[t.Name] {
			return configErr("tenant %q is listed twice", t.Name)
		}
		names[t.Name] = true
		if len(t.APIKeysSHA256) == 0 {
			return configErr("tenant %q has no api_keys_sha256", t.Name)
		}
		for _, k := range t.APIKeysSHA256 {
			k = strings.ToLower(strings.TrimPrefix(k, "sha256:"))
			if b, err := hex.DecodeString(k); err != nil || len(b) != sha256.Size {
				return configErr("tenant %q: api key hashes are 64 hex digits (the SHA-256 of the key; `printf %%s KEY | sha256sum`)", t.Name)
			}
			if other, dup := keys[k]; dup {
				return configErr("tenants %q and %q share an API key", other, t.Name)
			}
			keys[k] = t.Name
		}
		if t.MaxModels < 0 || t.MaxConcurrency < 0 || t.MaxQueue < 0 {
			return configErr("tenant %q: max_models, max_concurrency and max_queue must not be negative", t.Name)
		}
		if _, err := t.Limits.Parse("tenant " + t.Name); err != nil {
			return err
		}
		if _, err := t.Rate.parse(t.Name, Limits{MaxFLOPs: 1}); err != nil {
			return err
		}
	}
	return nil
}

type rates struct {
	flopsRate, flopsBurst, bytesRate, bytesBurst, reqRate, reqBurst float64
}

func (r RateSpec) parse(tenant string, lim Limits) (rates, error) {
	out := rates{
		flopsRate: float64(lim.MaxFLOPs), flopsBurst: 10 * float64(lim.MaxFLOPs),
		bytesRate: 16 << 30, bytesBurst: 64 << 30,
		reqRate: 1000, reqBurst: 1000,
	}
	var err error
	cnt := func(key, v string, dst *float64) {
		if v == "" || err != nil {
			return
		}
		var n int64
		if n, err = units.ParseCount(v); err != nil || n <= 0 {
			err = configErr("tenant %q: rate.%s must be a positive count such as 1e10", tenant, key)
		}
		*dst = float64(n)
	}
	size := func(key, v string, dst *float64) {
		if v == "" || err != nil {
			return
		}
		var n int64
		if n, err = units.ParseBytes(v); err != nil || n <= 0 {
			err = configErr("tenant %q: rate.%s must be a positive size such as 4GiB", tenant, key)
		}
		*dst = float64(n)
	}
	cnt("flops_per_second", r.FLOPsPerSecond, &out.flopsRate)
	cnt("flops_burst", r.FLOPsBurst, &out.flopsBurst)
	size("bytes_per_second", r.BytesPerSecond, &out.bytesRate)
	size("bytes_burst", r.BytesBurst, &out.bytesBurst)
	if err != nil {
		return out, err
	}
	if r.RequestsPerSecond < 0 || r.RequestsBurst < 0 {
		return out, configErr("tenant %q: requests_per_second and requests_burst must not be negative", tenant)
	}
	if r.RequestsPerSecond > 0 {
		out.reqRate = r.RequestsPerSecond
	}
	if r.RequestsBurst > 0 {
		out.reqBurst = r.RequestsBurst
	}
	return out, nil
}

func configErr(format string, args ...any) *diag.Error {
	return &diag.Error{Kind: diag.Usage, Rule: "config.tenants", Msg: fmt.Sprintf(format, args...)}
}

// Tenant is an authenticated caller. Its fields other than Name and Admin
// are the server's bookkeeping.
type Tenant struct {
	// Name is the tenant's name from the tenants file ("anonymous" when the
	// server runs without one).
	Name string
	// Admin tenants may use the repository load/unload calls for every
	// model and GET /v2/admin/anomalies, and see every model in the index.
	Admin bool

	programs       bool
	maxModels      int
	maxConcurrency int
	maxQueue       int
	limits         Limits // the tenant's own limits (zero fields: unset)
	rates          rates
	buckets        *buckets
}

// tenantSet holds the tenants and their key hashes.
type tenantSet struct {
	open    bool // no tenants file: everyone is the anonymous tenant
	anon    *Tenant
	byName  map[string]*Tenant
	keys    [][sha256.Size]byte
	keyOwns []*Tenant
}

func newTenantSet(f *TenantsFile, cfg *Config, now time.Time) (*tenantSet, error) {
	ts := &tenantSet{byName: map[string]*Tenant{}}
	mk := func(spec TenantSpec) (*Tenant, error) {
		lim, err := spec.Limits.Parse("tenant " + spec.Name)
		if err != nil {
			return nil, err
		}
		eff := cfg.Limits.tighten(lim)
		r, err := spec.Rate.parse(spec.Name, eff)
		if err != nil {
			return nil, err
		}
		t := &Tenant{Name: spec.Name, Admin: spec.Admin, programs: true, limits: lim, rates: r,
			maxModels: spec.MaxModels, maxConcurrency: spec.MaxConcurrency, maxQueue: spec.MaxQueue}
		if spec.Programs != nil {
			t.programs = *spec.Programs
		}
		if t.maxModels == 0 {
			t.maxModels = 4
		}
		if t.maxConcurrency == 0 || t.maxConcurrency > cfg.MaxConcurrency {
			t.maxConcurrency = cfg.MaxConcurrency
		}
		if t.maxQueue == 0 || t.maxQueue > cfg.MaxQueue {
			t.maxQueue = cfg.MaxQueue
		}
		t.buckets = &buckets{
			flops: newBucket(r.flopsRate, r.flopsBurst, now),
			bytes: newBucket(r.bytesRate, r.bytesBurst, now),
			reqs:  newBucket(r.reqRate, r.reqBurst, now),
		}
		return t, nil
	}
	if f == nil {
		ts.open = true
		t, err := mk(TenantSpec{Name: anonymous})
		if err != nil {
			return nil, err
		}
		ts.anon = t
		ts.byName[anonymous] = t
		return ts, nil
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	for _, spec := range f.Tenants {
		t, err := mk(spec)
		if err != nil {
			return nil, err
		}
		ts.byName[t.Name] = t
		for _, k := range spec.APIKeysSHA256 {
			var h [sha256.Size]byte
			b, _ := hex.DecodeString(strings.ToLower(strings.TrimPrefix(k, "sha256:")))
			copy(h[:], b)
			ts.keys = append(ts.keys, h)
			ts.keyOwns = append(ts.keyOwns, t)
		}
	}
	return ts, nil
}

// authenticate finds the tenant of an API key. Every stored hash is
// compared, in constant time, whatever matches.
func (ts *tenantSet) authenticate(key string) (*Tenant, error) {
	if ts.open {
		return ts.anon, nil
	}
	if key == "" {
		return nil, errUnauthenticated(true)
	}
	h := sha256.Sum256([]byte(key))
	var found *Tenant
	for i := range ts.keys {
		if subtle.ConstantTimeCompare(h[:], ts.keys[i][:]) == 1 {
			found = ts.keyOwns[i]
		}
	}
	if found == nil {
		return nil, errUnauthenticated(false)
	}
	return found, nil
}

// APIKey extracts the API key from the values of the Authorization
// ("Bearer KEY") and X-API-Key headers (gRPC metadata keys "authorization"
// and "x-api-key"); "" when neither carries one.
func APIKey(authorization, xAPIKey string) string {
	if k := strings.TrimSpace(xAPIKey); k != "" {
		return k
	}
	a := strings.TrimSpace(authorization)
	if len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}
