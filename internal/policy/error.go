package policy

import (
	"errors"
	"fmt"
)

// Error codes. They are the values of extensions.code in GraphQL errors.
const (
	ENOTFOUND = "NOT_FOUND"
	EINVALID  = "BAD_USER_INPUT"
	EINTERNAL = "INTERNAL"
	// EUNAVAILABLE: the search index is not ready (being built, or its
	// build failed and is being retried); the request may succeed later.
	EUNAVAILABLE = "UNAVAILABLE"
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
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of err's *Error, or "internal error" for
// any other error, whose text may hold internals.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
