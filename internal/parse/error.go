package parse

import (
	"errors"
	"fmt"

	"github.com/policykb/policykb/internal/policy"
)

// ErrTruncated is the kind of a *Error refusing a text that looks cut short:
// it ends inside a sentence, inside brackets, mid-word, on a heading, or
// before the footer of its last page. errors.Is(err, ErrTruncated) tells
// such a refusal from others; Options.AllowTruncated accepts the text with
// a warning instead.
var ErrTruncated = errors.New("text looks truncated")

// Error is a refusal to parse a file: it names the file and the line where
// the parser gave up. It unwraps to a *policy.Error with code EINVALID and,
// for a truncated text, to ErrTruncated.
type Error struct {
	File string // as given to Document; may be ""
	Line int    // 1-based
	Msg  string
	Kind error // ErrTruncated, or nil
}

func (e *Error) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Unwrap lets policy.ErrorCode see a parse error as invalid user input, and
// errors.Is see its kind.
func (e *Error) Unwrap() []error {
	errs := []error{&policy.Error{Code: policy.EINVALID, Message: e.Error()}}
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	return errs
}
