package parse

import (
	"fmt"

	"github.com/policykb/policykb/internal/policy"
)

// Error is a refusal to parse a file: it names the file and the line where
// the parser gave up. It unwraps to a *policy.Error with code EINVALID.
type Error struct {
	File string // as given to Document; may be ""
	Line int    // 1-based
	Msg  string
}

func (e *Error) Error() string {
	if e.File == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// Unwrap lets policy.ErrorCode see a parse error as invalid user input.
func (e *Error) Unwrap() error {
	return &policy.Error{Code: policy.EINVALID, Message: e.Error()}
}
