package pdf

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
	"github.com/policykb/policykb/internal/pdf/pdftest"
)

// readTimeout bounds a call of Text in the tests. The first call starts
// the reader, which takes seconds, and more under the race detector.
const readTimeout = 3 * time.Minute

func text(t *testing.T, data []byte) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	return Text(ctx, data)
}

// threePages is a PDF of three pages: two lines, one line, and a drawing.
var threePages = pdftest.MakePDF([]pdftest.Page{
	{Lines: []string{"Hello world", "Second (line)"}},
	{Lines: []string{"Page two"}},
	{Content: "0 0 1 rg 72 600 200 100 re f"},
}, nil)

func TestIsPDF(t *testing.T) {
	for _, tc := range []struct {
		data string
		want bool
	}{
		{"%PDF-1.7\n", true},
		{"%PDF-", true},
		{"\uFEFF%PDF-1.4", true},
		{"\r\n \t\x00\f%PDF-2.0", true},
		{"\uFEFF\n%PDF-1.4", true},
		{"", false},
		{"%PDF", false},
		{"%pdf-1.4", false},
		{"x%PDF-1.4", false},
		{"サイバーセキュリティ", false},
		{"\uFEFF\uFEFF%PDF-1.4", false},
	} {
		if got := IsPDF([]byte(tc.data)); got != tc.want {
			t.Errorf("IsPDF(%q) = %v, want %v", tc.data, got, tc.want)
		}
	}
}

func TestText(t *testing.T) {
	got, err := text(t, threePages)
	if err != nil {
		t.Fatal(err)
	}
	// Pages are separated by form feeds, the last one empty.
	if want := "Hello world\nSecond (line)\fPage two\f"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestEncrypted reads two PDFs that makePDF encrypts: one that needs a
// password, and one that opens without one.
func TestEncrypted(t *testing.T) {
	secret := []pdftest.Page{{Lines: []string{"Secret text"}}}
	locked := pdftest.MakePDF(secret, &pdftest.Encryption{User: "user password"})
	_, err := text(t, locked)
	if !errors.Is(err, ErrEncrypted) || errors.Is(err, ErrDamaged) {
		t.Errorf("a PDF that needs a password: got %v, want ErrEncrypted", err)
	}

	// The file is encrypted right: PDFium opens it with the password.
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	p, err := start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := p.GetInstanceWithContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer inst.Close()
	pw := "user password"
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &locked, Password: &pw})
	if err != nil {
		t.Fatalf("opening the encrypted PDF with its password: %v", err)
	}
	got, err := pageText(inst, doc.Document, 0)
	if err != nil || got != "Secret text" {
		t.Errorf("the encrypted PDF opened with its password reads %q, %v; want %q", got, err, "Secret text")
	}
	inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})

	// Encrypted with an owner password only: anyone can read it.
	open := pdftest.MakePDF(secret, &pdftest.Encryption{Owner: "owner password"})
	got, err = text(t, open)
	if err != nil || got != "Secret text" {
		t.Errorf("a PDF encrypted with an empty user password reads %q, %v; want %q", got, err, "Secret text")
	}
}

func TestNoText(t *testing.T) {
	for name, data := range map[string][]byte{
		"drawing":  pdftest.MakePDF([]pdftest.Page{{Content: "0 0 1 rg 72 600 200 100 re f"}}, nil),
		"blank":    pdftest.MakePDF([]pdftest.Page{{Lines: []string{" ", ""}}, {}}, nil),
		"no pages": pdftest.MakePDF(nil, nil),
	} {
		_, err := text(t, data)
		t.Logf("%s: %v", name, err)
		if !errors.Is(err, ErrNoText) {
			t.Errorf("%s: got %v, want ErrNoText", name, err)
		}
	}
}

// garbage returns n bytes that are the same on every run.
func garbage(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func TestDamaged(t *testing.T) {
	half := threePages[: len(threePages)/2 : len(threePages)/2]
	for name, data := range map[string][]byte{
		"empty":                   nil,
		"text":                    []byte("サイバーセキュリティ基本法\n"),
		"HTML":                    []byte("<!doctype html><title>404</title>\n%%EOF"),
		"header only":             []byte("%PDF-1.7\n%%EOF\n"),
		"random after header":     append([]byte("%PDF-1.7\n"), garbage(1, 64<<10)...),
		"random and end marker":   append(append([]byte("%PDF-1.7\n"), garbage(2, 64<<10)...), "\n%%EOF\n"...),
		"truncated":               half,
		"truncated with end mark": append(half, "\n%%EOF\n"...),
		"no cross-reference":      []byte(strings.Replace(string(threePages), "xref", "yref", 1)[:len(threePages)/3] + "%%EOF\n"),
	} {
		_, err := text(t, data)
		t.Logf("%s: %v", name, err)
		if !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: got %v, want ErrDamaged", name, err)
		}
	}
}

func TestTooLarge(t *testing.T) {
	huge := make([]byte, MaxSize+1)
	copy(huge, "%PDF-1.7\n")
	if _, err := text(t, huge); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a PDF of %d bytes: got %v, want ErrTooLarge", len(huge), err)
	}

	defer func(n int) { maxTextSize = n }(maxTextSize)
	maxTextSize = len("Hello world\nSecond (line)\n")
	if _, err := text(t, threePages); !errors.Is(err, ErrTooLarge) {
		t.Errorf("text of more than %d bytes: got %v, want ErrTooLarge", maxTextSize, err)
	}
	maxTextSize = 5
	if _, err := text(t, threePages); !errors.Is(err, ErrTooLarge) {
		t.Errorf("a page of more than %d characters: got %v, want ErrTooLarge", maxTextSize, err)
	}
}

// heavyPage returns a PDF of one page that PDFium takes long to read: n
// glyphs drawn nearly one over the other, which it compares.
func heavyPage(n int) []byte {
	return pdftest.MakePDF([]pdftest.Page{{Content: "BT /F1 1 Tf " + strings.Repeat("(ab) Tj 0.01 0 Td\n", n) + "ET"}}, nil)
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Text(ctx, threePages); !errors.Is(err, context.Canceled) {
		t.Errorf("with a cancelled context: got %v, want context.Canceled", err)
	}

	// With the reader started, a deadline stops it.
	if _, err := text(t, threePages); err != nil {
		t.Fatal(err)
	}
	heavy := heavyPage(1_000_000)
	const deadline = 100 * time.Millisecond
	ctx, cancel = context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	if _, err := Text(ctx, heavy); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("past the deadline: got %v, want context.DeadlineExceeded", err)
	}
	if took := time.Since(start); took > deadline+5*time.Second {
		t.Errorf("Text took %v with a deadline of %v", took, deadline)
	}

	// Cancelling stops the reader in the middle of a page: a page 33 times
	// as heavy as one read in time t is given up within a few t, however
	// fast the machine.
	start = time.Now()
	if _, err := text(t, heavyPage(30_000)); err != nil {
		t.Fatal(err)
	}
	light := time.Since(start)
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	testHookPage = func() {
		start = time.Now()
		cancel()
	}
	defer func() { testHookPage = nil }()
	if _, err := Text(ctx, heavy); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while reading a page: got %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 3*light+time.Second {
		t.Errorf("Text returned %v after it was cancelled in a page; a page 33 times lighter took %v", took, light)
	}
	testHookPage = nil

	// The reader reads on.
	if got, err := text(t, threePages); err != nil || !strings.HasPrefix(got, "Hello world") {
		t.Errorf("after a killed read: got %q, %v", got, err)
	}
}

func TestConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			want := fmt.Sprintf("Document %d", i)
			got, err := text(t, pdftest.MakePDF([]pdftest.Page{{Lines: []string{want}}}, nil))
			if err != nil || got != want {
				t.Errorf("got %q, %v; want %q", got, err, want)
			}
		})
	}
	wg.Wait()
}

// TestNoTempFiles checks that reading leaves no file in the temporary
// directory.
func TestNoTempFiles(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	for _, data := range [][]byte{threePages, append([]byte("%PDF-1.7\n"), garbage(3, 4096)...)} {
		text(t, data)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) > 0 {
		t.Errorf("files left in the temporary directory: %v, %v", entries, err)
	}
}

// FuzzText checks that Text neither panics nor hangs, and returns text or
// one of its errors. Its seeds include damaged variants of a good PDF.
func FuzzText(f *testing.F) {
	f.Add(threePages)
	f.Add(pdftest.MakePDF([]pdftest.Page{{Lines: []string{"Secret"}}}, &pdftest.Encryption{User: "pw"}))
	r := rand.New(rand.NewPCG(4, 4))
	for range 40 {
		data := append([]byte(nil), threePages...)
		switch r.IntN(3) {
		case 0: // bytes changed
			for range 1 + r.IntN(8) {
				data[r.IntN(len(data))] = byte(r.Uint32())
			}
		case 1: // cut, and the end marker put back
			data = append(data[:r.IntN(len(data))], "\n%%EOF\n"...)
		case 2: // a part repeated
			i := r.IntN(len(data))
			j := i + r.IntN(len(data)-i)
			data = append(data[:j], append(append([]byte(nil), data[i:j]...), data[j:]...)...)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		_, err := Text(ctx, data)
		if err != nil && !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrNoText) &&
			!errors.Is(err, ErrEncrypted) && !errors.Is(err, ErrTooLarge) {
			t.Errorf("Text: %v", err)
		}
	})
}
