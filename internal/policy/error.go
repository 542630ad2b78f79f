package policy

import (
	"errors"
	"fmt"
)

// Error codes: the one list of them. They are the values of
// extensions.code in GraphQL errors; package server maps them onto HTTP
// statuses, also in one place.
const (
	ENOTFOUND = "NOT_FOUND"
	EINVALID  = "BAD_USER_INPUT"
	EINTERNAL = "INTERNAL"
	// EUNAVAILABLE: the search index is not ready (being built, or its
	// build failed and is being retried), or the server is busy; the
	// request may succeed later.
	EUNAVAILABLE = "UNAVAILABLE"
	// ETIMEOUT: the request took too long or was cancelled.
	ETIMEOUT = "TIMEOUT"

	// Limits of a GraphQL operation, checked before it runs, and of its
	// answer.
	ECOMPLEXITY    = "COMPLEXITY_LIMIT_EXCEEDED"
	EDEPTH         = "DEPTH_LIMIT_EXCEEDED"
	EINTROSPECTION = "INTROSPECTION_DISABLED"
	ETOOLARGE      = "ANSWER_TOO_LARGE"

	// Requests that are not GraphQL requests at all.
	EBADREQUEST      = "BAD_REQUEST"            // unreadable JSON or query string, a batch
	EMEDIATYPE       = "UNSUPPORTED_MEDIA_TYPE" // a POST that is not application/json
	EMETHOD          = "METHOD_NOT_ALLOWED"     // neither GET nor POST
	EREQUESTTOOLARGE = "REQUEST_TOO_LARGE"      // a body or query text over its limit
)

// Error is an error meant for the user: its Message is safe to show and its
// Code says what kind of failure it is. Any other error is internal.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err's *Error, EINTERNAL for any other error,
// and "" for nil.
func ErrorCode(err error) string {
	return errorField(err, func(e *Error) string { return e.Code }, EINTERNAL)
}

// ErrorMessage returns the message of err's *Error, or "internal error" for
// any other error, whose text may hold internals.
func ErrorMessage(err error) string {
	return errorField(err, func(e *Error) string { return e.Message }, "internal error")
}

// errorField returns field of err's *Error, other for any other error, and
// "" for nil.
func errorField(err error, field func(*Error) string, other string) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return field(e)
	}
	return other
}

// Degraded is the state of a service that answers, but not as it should:
// the search index kept in memory because its directory cannot be written,
// or searching the data as it was before the latest changes because they
// cannot be written into the index. Readiness checks return it, wrapped or
// not, where they would return nil; Reason is safe to show.
type Degraded struct {
	Reason string
}

func (d *Degraded) Error() string { return "degraded: " + d.Reason }

// IsDegraded reports whether err says that a service is degraded (and so
// ready), and why.
func IsDegraded(err error) (reason string, ok bool) {
	var d *Degraded
	if errors.As(err, &d) {
		return d.Reason, true
	}
	return "", false
}
