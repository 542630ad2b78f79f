package policy

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Name returns a file name fit for a message: as it is when every character
// of it prints, else quoted as a Go string ("a\nb"), so that a name cannot
// split a message into lines, forge one, or hide behind control characters.
func Name(s string) string {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return strconv.Quote(s)
			}
		}
		if !unicode.IsPrint(r) && r != ' ' || r == '"' && i == 0 {
			return strconv.Quote(s)
		}
	}
	return s
}

// FileKind names the kind of file a mode describes, for messages: "a FIFO",
// "a directory", "a device", "a socket", "a regular file".
func FileKind(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "a regular file"
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

// QuotePaths returns err with the file names that *fs.PathError and
// *os.LinkError put in its text shown by Name; other errors as they are.
// The result unwraps to err.
func QuotePaths(err error) error {
	if err == nil {
		return nil
	}
	var names []string
	var pe *fs.PathError
	if errors.As(err, &pe) {
		names = append(names, pe.Path)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		names = append(names, le.Old, le.New)
	}
	msg := err.Error()
	changed := false
	for _, n := range names {
		if q := Name(n); q != n && n != "" {
			msg, changed = strings.ReplaceAll(msg, n, q), true
		}
	}
	if !changed {
		return err
	}
	return &quotedError{msg, err}
}

type quotedError struct {
	msg string
	err error
}

func (e *quotedError) Error() string { return e.msg }
func (e *quotedError) Unwrap() error { return e.err }

// MaxQuoted is how many characters of a user's input a message quotes.
const MaxQuoted = 40

// Clip returns s cut to its first MaxQuoted characters, with "…" after
// them where it was longer, so that a message that echoes what a user gave
// (an ID, a label, a version, a query) stays short whatever was given.
func Clip(s string) string {
	n := 0
	for i := range s {
		if n == MaxQuoted {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Quote returns Clip(s) quoted as a Go string, for messages.
func Quote(s string) string { return strconv.Quote(Clip(s)) }
