package parse

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// decode turns the bytes of a file into text. It accepts UTF-8 (with or
// without a byte-order mark), UTF-16 with a byte-order mark, and Shift_JIS
// (Windows code page 932), which it detects when the bytes are not UTF-8.
// Anything else, and text holding control characters, is refused. A text
// whose only flaw is an incomplete character at its very end (a file cut
// short in the middle of one) is decoded without it: cut is the number of
// bytes left out, and the caller refuses the text as truncated.
func decode(c *canceller, src []byte) (text, enc string, cut int, err *Error) {
	text, enc, err = decodeWhole(c, src)
	if err == nil || err == errStopped {
		return text, enc, 0, err
	}
	if n := incompleteTail(src); n > 0 {
		if t, e, derr := decodeWhole(c, src[:len(src)-n]); derr == nil {
			return t, e, n, nil
		}
	}
	return "", "", 0, err
}

// incompleteTail returns the number of bytes at the end of src that begin a
// character without ending it, in the encoding src is in: UTF-8 (the start
// of a multi-byte sequence), UTF-16 with a byte-order mark (an odd byte, or
// a high surrogate with no low one) or Shift_JIS (a lead byte); 0 if none.
func incompleteTail(src []byte) int {
	switch {
	case len(src) == 0:
		return 0
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}), bytes.HasPrefix(src, []byte{0xFE, 0xFF}):
		n := len(src) % 2
		if rest := src[:len(src)-n]; len(rest) >= 4 {
			u := uint16(rest[len(rest)-2]) | uint16(rest[len(rest)-1])<<8
			if src[0] == 0xFE {
				u = uint16(rest[len(rest)-2])<<8 | uint16(rest[len(rest)-1])
			}
			if 0xD800 <= u && u < 0xDC00 {
				n += 2
			}
		}
		return n
	}
	for n := 1; n <= utf8.UTFMax-1 && n < len(src); n++ {
		tail := src[len(src)-n:]
		if utf8.RuneStart(tail[0]) {
			if tail[0] >= 0xC0 && !utf8.FullRune(tail) {
				return n
			}
			break
		}
	}
	// Shift_JIS: a lead byte at the end, after whole characters.
	last := src[len(src)-1]
	if !utf8.Valid(src) && (0x81 <= last && last <= 0x9F || 0xE0 <= last && last <= 0xFC) {
		return 1
	}
	return 0
}

// decodeWhole is decode of a text that must be whole.
func decodeWhole(c *canceller, src []byte) (text, enc string, err *Error) {
	if len(bytes.TrimSpace(src)) == 0 {
		return "", "", &Error{Line: 1, Msg: "empty file"}
	}
	for _, f := range binaryFormats {
		if bytes.HasPrefix(src, []byte(f.magic)) {
			return "", "", &Error{Line: 1, Msg: f.msg}
		}
	}
	switch {
	case bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF}):
		src, enc = src[3:], "UTF-8"
		if !utf8.Valid(src) {
			return "", "", &Error{Line: badUTF8Line(src), Msg: "invalid UTF-8 after a UTF-8 byte-order mark"}
		}
		text = string(src)
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}), bytes.HasPrefix(src, []byte{0xFE, 0xFF}):
		enc = "UTF-16LE"
		var e encoding.Encoding = xunicode.UTF16(xunicode.LittleEndian, xunicode.ExpectBOM)
		if src[0] == 0xFE {
			enc = "UTF-16BE"
			e = xunicode.UTF16(xunicode.BigEndian, xunicode.ExpectBOM)
		}
		b, derr := e.NewDecoder().Bytes(src)
		if derr != nil || len(src)%2 != 0 {
			return "", "", &Error{Line: 1, Msg: "invalid " + enc + " text"}
		}
		text = string(b)
		if i := bytes.IndexRune(b, utf8.RuneError); i >= 0 {
			return "", "", &Error{Line: 1 + bytes.Count(b[:i], []byte("\n")), Msg: "invalid " + enc + " text"}
		}
	case utf8.Valid(src):
		text, enc = string(src), "UTF-8"
	default:
		b, derr := japanese.ShiftJIS.NewDecoder().Bytes(src)
		bad := bytes.IndexRune(b, utf8.RuneError)
		if derr != nil || bad >= 0 {
			return "", "", &Error{Line: badUTF8Line(src), Msg: "not text in UTF-8 or Shift_JIS (binary data?)"}
		}
		text, enc = string(b), "Shift_JIS"
	}
	line, prev, poll := 1, rune(0), 1<<15
	for i, r := range text {
		if i >= poll {
			// Once per 32 KiB, a look at the context; the caller returns
			// its error.
			if poll += 1 << 15; c.checkNow() {
				return "", "", errStopped
			}
		}
		switch {
		case r == '\n' || r == '\r':
			if r == '\r' || prev != '\r' {
				line++
			}
		case r == '\t' || r == '\f' || r == '\v':
		case unicode.IsControl(r) || r == 0xFFFE || r == 0xFFFF:
			return "", "", &Error{Line: line, Msg: fmt.Sprintf("control character %U: binary data, not a policy text", r)}
		}
		prev = r
	}
	return text, enc, nil
}

// binaryFormats are files people may try to ingest in place of the text.
var binaryFormats = []struct{ magic, msg string }{
	{"%PDF-", "a PDF file, not text: extract its text first (for example with pdftotext)"},
	{"PK\x03\x04", "a ZIP archive (such as .docx or .xlsx), not text"},
	{"\xD0\xCF\x11\xE0", "an old Microsoft Office file, not text"},
}

// badUTF8Line returns the line of the first byte that is not valid UTF-8.
func badUTF8Line(b []byte) int {
	line, prev := 1, byte(0)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return line
		}
		if r == '\r' || r == '\n' && prev != '\r' {
			line++
		}
		prev = b[0]
		b = b[n:]
	}
	return line
}
