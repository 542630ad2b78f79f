package pdftest

import (
	"bytes"
	"crypto/md5"
	"crypto/rc4"
	"fmt"
	"strings"
)

// Page is a page of a PDF that MakePDF writes.
type Page struct {
	// Lines are set in Helvetica, one under the other.
	Lines []string
	// Content, if not empty, is the content stream, and Lines are ignored.
	Content string
}

// Encryption is how MakePDF encrypts a PDF: with the standard security
// handler of PDF 1.1, revision 2 (RC4 with a 40-bit key), which every
// reader supports. A reader needs the user password to open the file; an
// empty one opens it without asking.
type Encryption struct {
	User, Owner string
}

// MakePDF returns a PDF of pages, written as a PDF writer writes one:
// objects, a cross-reference table, a trailer.
func MakePDF(pages []Page, enc *Encryption) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	n := len(pages)
	font := 3 + 2*n
	size := font + 1
	var offsets []int
	object := func(num int, body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", num, body)
	}
	var key, o, u []byte
	var trailer string
	if enc != nil {
		// The encryption dictionary is the last object.
		id := md5.Sum([]byte("policykb test"))
		key, o, u = standardSecurity(enc.User, enc.Owner, -4, id[:])
		trailer = fmt.Sprintf(" /Encrypt %d 0 R /ID [<%x> <%x>]", size, id, id)
		size++
	}
	object(1, "<< /Type /Catalog /Pages 2 0 R >>")
	var kids []string
	for i := range pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", 3+2*i))
	}
	object(2, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	for i, p := range pages {
		num := 3 + 2*i
		object(num, fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>", font, num+1))
		content := p.Content
		if content == "" {
			var c strings.Builder
			c.WriteString("BT /F1 12 Tf 14 TL 72 780 Td\n")
			for _, l := range p.Lines {
				r := strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)
				fmt.Fprintf(&c, "(%s) Tj T*\n", r.Replace(l))
			}
			c.WriteString("ET\n")
			content = c.String()
		}
		data := []byte(content)
		if key != nil {
			data = rc4Crypt(objectKey(key, num+1), data)
		}
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n", num+1, len(data))
		b.Write(data)
		b.WriteString("\nendstream\nendobj\n")
	}
	object(font, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	if enc != nil {
		object(font+1, fmt.Sprintf("<< /Filter /Standard /V 1 /R 2 /O <%x> /U <%x> /P -4 >>", o, u))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", size)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", size, trailer, xref)
	return b.Bytes()
}

// passwordPad pads passwords to 32 bytes (PDF 1.7, 7.6.3.3).
var passwordPad = []byte{
	0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
	0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
}

func pad(password string) []byte {
	return append([]byte(password), passwordPad...)[:32]
}

// standardSecurity returns the file key and the O and U entries of the
// encryption dictionary of the standard security handler, revision 2
// (PDF 1.7, algorithms 2, 3 and 4).
func standardSecurity(user, owner string, perms int32, id []byte) (key, o, u []byte) {
	if owner == "" {
		owner = user
	}
	ownerKey := md5.Sum(pad(owner))
	o = rc4Crypt(ownerKey[:5], pad(user))
	h := md5.New()
	h.Write(pad(user))
	h.Write(o)
	p := uint32(perms)
	h.Write([]byte{byte(p), byte(p >> 8), byte(p >> 16), byte(p >> 24)})
	h.Write(id)
	key = h.Sum(nil)[:5]
	u = rc4Crypt(key, passwordPad)
	return key, o, u
}

// objectKey returns the key of object num, generation 0 (algorithm 1).
func objectKey(key []byte, num int) []byte {
	k := append(append([]byte{}, key...), byte(num), byte(num>>8), byte(num>>16), 0, 0)
	sum := md5.Sum(k)
	return sum[:len(key)+5]
}

func rc4Crypt(key, data []byte) []byte {
	c, err := rc4.NewCipher(key)
	if err != nil {
		panic(err)
	}
	out := make([]byte, len(data))
	c.XORKeyStream(out, data)
	return out
}
