package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/hlogate/hlogate/internal/diag"
)

// Every error the Server returns is a *diag.Error (possibly wrapped to
// carry a retry delay; use diag.As). Its Kind and Rule decide the status
// code, by HTTPStatus and GRPCCode below:
//
//	rule / kind                                   HTTP  gRPC
//	auth.missing_key, auth.invalid_key            401   Unauthenticated
//	auth.forbidden                                403   PermissionDenied
//	model.not_found (also other tenants' models)  404   NotFound
//	model.conflict                                409   AlreadyExists
//	request.too_large                             413   ResourceExhausted
//	quota.*, tenant.queue_full, tenant.throttled  429   ResourceExhausted (+ Retry-After)
//	queue.full, server.draining                   503   Unavailable (+ Retry-After)
//	model.quarantined, model.unavailable          503   Unavailable
//	limit.deadline                                504   DeadlineExceeded
//	limit.cancelled                               499   Canceled
//	refine.shape_assertion                        400   InvalidArgument
//	kind InvalidInput, kind Usage                 400   InvalidArgument
//	kind Rejected (parse, verify, policy, static
//	  cost, refine limits, quota.burst), kind
//	  Limit (run-time meters), kind Runtime       422   FailedPrecondition
//	kind Internal                                 500   Internal
//
// 422 Unprocessable Content means: the request is well-formed, but the
// program (or the program with these input shapes) is refused — by the
// policy, by its static cost bound, or by a run-time meter it ran into.
// Retrying the same request will fail the same way; unlike 429 it is not
// about load, and unlike 400 the inputs match the signature.

// HTTPStatus returns the HTTP status code for an error returned by the
// Server (200 for nil).
func HTTPStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	d := diag.As(err)
	switch rule := d.Rule; {
	case rule == "auth.missing_key" || rule == "auth.invalid_key":
		return http.StatusUnauthorized
	case rule == "auth.forbidden":
		return http.StatusForbidden
	case rule == "model.not_found":
		return http.StatusNotFound
	case rule == "model.conflict":
		return http.StatusConflict
	case rule == "request.too_large":
		return http.StatusRequestEntityTooLarge
	case rule == "quota.burst":
		return http.StatusUnprocessableEntity
	case strings.HasPrefix(rule, "quota.") || rule == "tenant.queue_full" || rule == "tenant.throttled":
		return http.StatusTooManyRequests
	case rule == "queue.full" || rule == "server.draining" || rule == "model.quarantined" || rule == "model.unavailable":
		return http.StatusServiceUnavailable
	case rule == "limit.deadline":
		return http.StatusGatewayTimeout
	case rule == "limit.cancelled":
		return 499 // client closed the request (nginx's convention)
	case rule == "refine.shape_assertion":
		return http.StatusBadRequest
	}
	switch d.Kind {
	case diag.InvalidInput, diag.Usage:
		return http.StatusBadRequest
	case diag.Rejected, diag.Limit, diag.Runtime:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}

// GRPCCode returns the gRPC status code for an error returned by the
// Server (OK for nil). It agrees with HTTPStatus.
func GRPCCode(err error) codes.Code {
	switch HTTPStatus(err) {
	case http.StatusOK:
		return codes.OK
	case http.StatusBadRequest:
		return codes.InvalidArgument
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		return codes.PermissionDenied
	case http.StatusNotFound:
		return codes.NotFound
	case http.StatusConflict:
		return codes.AlreadyExists
	case http.StatusRequestEntityTooLarge, http.StatusTooManyRequests:
		return codes.ResourceExhausted
	case http.StatusUnprocessableEntity:
		return codes.FailedPrecondition
	case http.StatusServiceUnavailable:
		return codes.Unavailable
	case http.StatusGatewayTimeout:
		return codes.DeadlineExceeded
	case 499:
		return codes.Canceled
	}
	return codes.Internal
}

// RetryAfter returns how long a client should wait before retrying a
// request that failed with err (429 and 503 answers); 0 when the error
// carries no such advice. The REST front end sends it as Retry-After
// (whole seconds, rounded up); gRPC can send it as google.rpc.RetryInfo.
func RetryAfter(err error) time.Duration {
	var r *retryError
	if errors.As(err, &r) {
		return r.after
	}
	return 0
}

// retryError is a *diag.Error with a retry delay.
type retryError struct {
	d     *diag.Error
	after time.Duration
}

func (e *retryError) Error() string { return e.d.Error() }
func (e *retryError) Unwrap() error { return e.d }

func withRetry(d *diag.Error, after time.Duration) error {
	if after < time.Second {
		after = time.Second
	}
	return &retryError{d: d, after: after}
}

// Errors the server makes.

func errf(kind diag.Kind, rule, format string, args ...any) *diag.Error {
	return &diag.Error{Kind: kind, Rule: rule, Msg: fmt.Sprintf(format, args...)}
}

// errNotFound is the one answer for a model that does not exist, is not
// served in that version, or belongs to another tenant: the message is the
// same in every case and never repeats the name.
func errNotFound() *diag.Error {
	return &diag.Error{Kind: diag.InvalidInput, Rule: "model.not_found",
		Msg:  "model not found: no model of that name and version is served to this API key",
		Hint: "list the models you can use with POST /v2/repository/index"}
}

func errUnauthenticated(missing bool) *diag.Error {
	if missing {
		return &diag.Error{Kind: diag.Usage, Rule: "auth.missing_key", Msg: "an API key is required",
			Hint: "send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'"}
	}
	return &diag.Error{Kind: diag.Usage, Rule: "auth.invalid_key", Msg: "the API key is not valid"}
}

func errForbidden(what string) *diag.Error {
	return &diag.Error{Kind: diag.Usage, Rule: "auth.forbidden", Msg: what + " needs an administrator's API key"}
}
