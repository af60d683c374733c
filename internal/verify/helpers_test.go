package verify_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hlogate/hlogate/internal/diag"
	"github.com/hlogate/hlogate/internal/mlir"
	"github.com/hlogate/hlogate/internal/policy"
	"github.com/hlogate/hlogate/internal/verify"
)

// gop builds a module with one public @main whose body applies one generic
// op to the function's arguments and returns the op's results. tail is the
// text between the operand list and the ':' (regions and attributes).
func gop(name string, ins, outs []string, tail string) string {
	var b strings.Builder
	b.WriteString("func.func @main(")
	args := make([]string, len(ins))
	for i, t := range ins {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%%a%d: %s", i, t)
		args[i] = fmt.Sprintf("%%a%d", i)
	}
	b.WriteString(") -> (")
	b.WriteString(strings.Join(outs, ", "))
	b.WriteString(") {\n  ")
	switch len(outs) {
	case 0:
	case 1:
		b.WriteString("%r = ")
	default:
		fmt.Fprintf(&b, "%%r:%d = ", len(outs))
	}
	fmt.Fprintf(&b, "%q(%s)%s : (%s) -> (%s)\n", name, strings.Join(args, ", "), tail, strings.Join(ins, ", "), strings.Join(outs, ", "))
	b.WriteString("  func.return")
	if len(outs) == 1 {
		b.WriteString(" %r : " + outs[0])
	} else if len(outs) > 1 {
		rs := make([]string, len(outs))
		for i := range outs {
			rs[i] = fmt.Sprintf("%%r#%d", i)
		}
		b.WriteString(" " + strings.Join(rs, ", ") + " : " + strings.Join(outs, ", "))
	}
	b.WriteString("\n}\n")
	return b.String()
}

// g1 is gop with one result.
func g1(name string, ins []string, out, tail string) string {
	return gop(name, ins, []string{out}, tail)
}

// ts repeats a type n times.
func ts(t string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = t
	}
	return out
}

// region builds one region `{ ^bb0(args): body; return rets }` where body
// is a list of lines; ret names the returned values.
func region(args []string, body []string, rets []string, retTypes []string) string {
	var b strings.Builder
	b.WriteString("{\n  ^bb0(")
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%%x%d: %s", i, a)
	}
	b.WriteString("):\n")
	for _, l := range body {
		b.WriteString("    " + l + "\n")
	}
	fmt.Fprintf(&b, "    \"stablehlo.return\"(%s) : (%s) -> ()\n  }", strings.Join(rets, ", "), strings.Join(retTypes, ", "))
	return b.String()
}

// adder is a (t, t) -> t region adding its arguments.
func adder(t string) string {
	return region([]string{t, t}, []string{fmt.Sprintf("%%s = \"stablehlo.add\"(%%x0, %%x1) : (%s, %s) -> %s", t, t, t)}, []string{"%s"}, []string{t})
}

// comparator is a (t, t) -> i1 region comparing with LT.
func comparator(t string) string {
	return region([]string{t, t}, []string{fmt.Sprintf("%%s = \"stablehlo.compare\"(%%x0, %%x1) {comparison_direction = #stablehlo<comparison_direction LT>} : (%s, %s) -> tensor<i1>", t, t)}, []string{"%s"}, []string{"tensor<i1>"})
}

func regions(rs ...string) string { return " (" + strings.Join(rs, ", ") + ")" }

// stage names what a case runs after parsing and verifying.
type stage int

const (
	verifyOnly stage = iota
	withDefault
	withConformance
)

type negCase struct {
	name  string
	src   string
	rule  string
	stage stage
}

// outcome parses, verifies and policy-checks src and returns the first
// error.
func outcome(src string, st stage) error {
	m, err := mlir.ParseModule(src, mlir.Limits{})
	if err != nil {
		return err
	}
	if err := verify.Module(m); err != nil {
		return err
	}
	switch st {
	case withDefault:
		return policy.Default().Check(m)
	case withConformance:
		return policy.Conformance().Check(m)
	}
	return nil
}

func runNeg(t *testing.T, cases []negCase) {
	t.Helper()
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.name] {
			t.Errorf("duplicate case name %q", c.name)
		}
		seen[c.name] = true
		err := outcome(c.src, c.stage)
		if err == nil {
			t.Errorf("%s: accepted, want %s\n%s", c.name, c.rule, c.src)
			continue
		}
		d, ok := err.(*diag.Error)
		if !ok {
			t.Errorf("%s: error %T is not a *diag.Error: %v", c.name, err, err)
			continue
		}
		if d.Rule != c.rule || d.Kind != diag.Rejected {
			t.Errorf("%s: got [%s] %s, want [%s] rejected: %v\n%s", c.name, d.Rule, d.Kind, c.rule, d, c.src)
			continue
		}
		if !d.Pos.Known() || d.Msg == "" {
			t.Errorf("%s: error without position or message: %#v", c.name, d)
		}
	}
}

func runPos(t *testing.T, name, src string, st stage) {
	t.Helper()
	if err := outcome(src, st); err != nil {
		t.Errorf("%s: rejected valid program: %v\n%s", name, err, src)
	}
}
