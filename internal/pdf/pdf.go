// Package pdf reads the text of a PDF file, for ingesting a policy that is
// published only as a PDF.
//
// The reader is PDFium, compiled to WebAssembly and run in the process by
// the wazero runtime (github.com/klippa-app/go-pdfium/webassembly): it needs
// nothing installed, on any system the program builds for. It was chosen
// over poppler's pdftotext by measurement, on six Japanese PDFs printed by
// Chromium: the FY2020 policy in a CFF font (embedded as Type 3) and in a
// TrueType one (embedded as a CID font), numbered levels in full-width
// forms such as （１）①ⅰ）ＩｏＴ indented by padding and by full-width spaces,
// in both fonts, vertical text, and two columns.
//
//   - PDFium read every character in order, full-width forms unchanged, in
//     all but the vertical text, where it put one character of 629 out of
//     order; and it kept every line of the four documents in one column.
//   - No mode of pdftotext did as well. Without flags it tore apart the
//     indented lines in the CID font (none of 28 in order), interleaved the
//     columns and scrambled the vertical text; -layout interleaved the
//     columns, scrambled the vertical text and moved a character drawn in a
//     fallback font to another line; -raw kept the characters in order but
//     broke lines at brackets in the Type 3 font (200 of 209 lines kept),
//     and gave vertical text one character a line. All modes kept full-width
//     forms and put a form feed between the pages.
//   - PDFium took 11–88 ms of CPU time a page, pdftotext 3–29 ms (the start
//     of its process included). PDFium costs more elsewhere: the first call
//     in a process takes about 4 s of CPU time and 330 MiB of memory while
//     wazero compiles the module (much more under the race detector), and
//     the program grows by about 14 MB.
//
// A document is read in a new instance of the module, with bounded memory
// and no access to files. The instance is killed when the context is done,
// even in the middle of a page, so a hostile document cannot hang the
// caller; the checks that make that possible cost about 4 times the CPU time
// a page would take without them.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors that Text returns, wrapped with details; test for them with
// errors.Is.
var (
	// ErrEncrypted is returned for a PDF that needs a password to be read.
	ErrEncrypted = errors.New("pdf: encrypted: it needs a password")
	// ErrNoText is returned for a PDF that has no text layer, such as a
	// scan that holds only images of its pages.
	ErrNoText = errors.New("pdf: no text layer (a scan of images only?)")
	// ErrDamaged is returned for data that is not a readable PDF: not a PDF
	// at all, truncated, or corrupt.
	ErrDamaged = errors.New("pdf: not a readable PDF")
	// ErrTooLarge is returned for a PDF larger than MaxSize, or whose text
	// is larger than MaxTextSize.
	ErrTooLarge = errors.New("pdf: too large")
)

const (
	// MaxSize bounds the size of a PDF that Text reads.
	MaxSize = 256 << 20
	// MaxTextSize bounds the size of the text that Text returns.
	MaxTextSize = 64 << 20
)

// maxTextSize is MaxTextSize, which tests lower.
var maxTextSize = MaxTextSize

// IsPDF reports whether data starts with the PDF header "%PDF-", after an
// optional byte order mark and white space.
func IsPDF(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	data = bytes.TrimLeft(data, "\x00\t\n\f\r ")
	return bytes.HasPrefix(data, []byte("%PDF-"))
}

// hasEOF reports whether the end-of-file marker of a PDF is in its last
// kilobyte, where readers such as Acrobat look for it. A truncated file
// lacks it.
func hasEOF(data []byte) bool {
	return bytes.Contains(data[len(data)-min(len(data), 1024):], []byte("%%EOF"))
}

// Text returns the text of a PDF, pages separated by "\f" (form feed), lines
// by "\n", in reading order. Characters are as the PDF maps them to Unicode:
// full-width forms stay full-width.
//
// It returns an error that wraps ErrEncrypted, ErrNoText, ErrDamaged or
// ErrTooLarge when the PDF cannot be read for that reason, and ctx.Err(),
// wrapped, soon after ctx is done. The first call in a process takes a few
// seconds to start the reader.
func Text(ctx context.Context, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("pdf: %w", err)
	}
	if len(data) > MaxSize {
		return "", fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, len(data), MaxSize)
	}
	if !IsPDF(data) {
		return "", fmt.Errorf("%w: it does not start with %%PDF-", ErrDamaged)
	}
	if !hasEOF(data) {
		return "", fmt.Errorf("%w: no %%%%EOF at the end: truncated?", ErrDamaged)
	}
	pages, err := readPages(ctx, data)
	if err != nil {
		return "", err
	}
	if len(pages) == 0 {
		return "", fmt.Errorf("%w: it has no pages", ErrNoText)
	}
	text := strings.Join(pages, "\f")
	if strings.TrimFunc(text, unicode.IsSpace) == "" {
		return "", fmt.Errorf("%w: %d pages, none with text", ErrNoText, len(pages))
	}
	return text, nil
}

// clean turns the text of a page as PDFium gives it into lines: "\r\n" and
// "\r" end lines, and other control characters, which would be taken for a
// page break ("\f") or which no text holds, are left out, as are the
// non-characters and invalid UTF-8 that an odd font can map glyphs to.
func clean(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if strings.HasPrefix(s[i+n:], "\n") {
				n++
			}
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r == utf8.RuneError && n == 1, r == 0xFFFE, r == 0xFFFF, unicode.IsControl(r):
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
