// Package pipeline is the one place that strings the front-end stages
// together — parse, verify, policy — so the CLI, the server and the tests
// admit programs the same way.
package pipeline

import (
	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/ir"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/verify"
)

// Options configure admission.
type Options struct {
	Limits mlir.Limits
	Policy *policy.Policy // nil means policy.Default()
	// Split parses `// -----` chunks as separate modules.
	Split bool
}

// Admit parses, verifies and policy-checks source. With Split, each chunk is
// a module; otherwise the source must be one module. The returned error is
// the first *diag.Error found, with File set to name.
func Admit(name, src string, opt Options) ([]*ir.Module, error) {
	var mods []*ir.Module
	if opt.Split {
		ms, err := mlir.ParseFile(src, opt.Limits)
		if err != nil {
			return nil, withFile(err, name)
		}
		mods = ms
	} else {
		m, err := mlir.ParseModule(src, opt.Limits)
		if err != nil {
			return nil, withFile(err, name)
		}
		mods = []*ir.Module{m}
	}
	pol := opt.Policy
	if pol == nil {
		pol = policy.Default()
	}
	// The policy runs first: a forbidden op or custom call is reported as
	// forbidden, whatever else is wrong with it.
	for _, m := range mods {
		if err := pol.Check(m); err != nil {
			return mods, withFile(err, name)
		}
		if err := verify.Module(m); err != nil {
			return mods, withFile(err, name)
		}
	}
	return mods, nil
}

func withFile(err error, name string) error {
	d := diag.As(err)
	if d.File == "" {
		d.File = name
	}
	return d
}
