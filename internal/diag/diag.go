// Package diag defines hlogate's error values. Every failure that can reach a
// user is a *diag.Error with a Kind (which decides the CLI exit code and the
// HTTP/gRPC status), the rule that was broken, the op and its source position,
// and a message that says what to change.
package diag

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error by who must act on it.
type Kind uint8

const (
	// Internal is a bug in hlogate.
	Internal Kind = iota
	// Rejected: the program was refused before execution (parse, verify,
	// policy, static cost).
	Rejected
	// InvalidInput: the inputs do not match the program's signature, or an
	// input file is malformed. Also refused before execution.
	InvalidInput
	// Limit: execution was stopped by a run-time limit (memory, steps,
	// deadline, cancellation).
	Limit
	// Runtime: the program itself failed while running (for example a failed
	// shape assertion).
	Runtime
	// Usage: the command line or an I/O operation failed.
	Usage
)

var kindNames = [...]string{
	Internal:     "internal",
	Rejected:     "rejected",
	InvalidInput: "invalid_input",
	Limit:        "limit",
	Runtime:      "runtime",
	Usage:        "usage",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ExitCode maps a kind to the CLI's exit status: 0 ok, 1 internal, 2 usage or
// I/O, 3 rejected before execution, 4 stopped by a limit, 5 failed at run time.
func (k Kind) ExitCode() int {
	switch k {
	case Usage:
		return 2
	case Rejected, InvalidInput:
		return 3
	case Limit:
		return 4
	case Runtime:
		return 5
	}
	return 1
}

// Pos is a 1-based position in source text. The zero value means unknown.
type Pos struct {
	Line int32
	Col  int32
}

// Known reports whether the position was set.
func (p Pos) Known() bool { return p.Line > 0 }

func (p Pos) String() string {
	if !p.Known() {
		return "?"
	}
	return fmt.Sprintf("%d:%d", p.Line, p.Col)
}

// Error is a structured hlogate error.
type Error struct {
	Kind Kind
	// Rule is a stable, dotted identifier of the broken rule, such as
	// "parse.syntax", "limit.rank", "verify.add.types", "policy.custom_call".
	Rule string
	// Op is the op name the error is about, if any ("stablehlo.add").
	Op string
	// File is the source file name, if known.
	File string
	Pos  Pos
	// Msg says what is wrong; Hint says what to change. Hint may be empty.
	Msg  string
	Hint string
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	}
	if e.Pos.Known() {
		b.WriteString(e.Pos.String())
		b.WriteString(": ")
	} else if e.File != "" {
		b.WriteByte(' ')
	}
	b.WriteString(e.Kind.String())
	b.WriteString(" [")
	b.WriteString(e.Rule)
	b.WriteString("]")
	if e.Op != "" {
		b.WriteString(" ")
		b.WriteString(e.Op)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// New builds an error.
func New(kind Kind, rule string, pos Pos, format string, args ...any) *Error {
	return &Error{Kind: kind, Rule: rule, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// WithOp returns e with its op set.
func (e *Error) WithOp(op string) *Error { e.Op = op; return e }

// WithHint returns e with its hint set.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// As extracts a *Error from err. A non-diag error is wrapped as Internal.
func As(err error) *Error {
	if err == nil {
		return nil
	}
	var d *Error
	if errors.As(err, &d) {
		return d
	}
	return &Error{Kind: Internal, Rule: "internal", Msg: err.Error()}
}

// KindOf returns the kind of err (Internal for foreign errors).
func KindOf(err error) Kind { return As(err).Kind }

// RuleOf returns the rule of err, or "" for nil.
func RuleOf(err error) string {
	if err == nil {
		return ""
	}
	return As(err).Rule
}
