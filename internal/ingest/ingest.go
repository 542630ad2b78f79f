// Package ingest is the path of a text into the store: read it, parse it,
// extract what it cites, and store both in one transaction as a new version
// of its document.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/policykb/policykb/internal/pdf"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/cite"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// MaxFileSize bounds an input file. The FY2020 policy is 16 KB; a policy of
// this family a hundred times longer still fits.
const MaxFileSize = 8 << 20

// MaxPDFTime bounds the time the text of a PDF takes to read: the 60 MiB
// PDF of a long text takes about 15 s; a PDF built to exhaust its reader
// (objects that draw each other, a stream that inflates to gigabytes) is
// stopped.
const MaxPDFTime = 30 * time.Second

// MaxPDFSize bounds an input file that is a PDF: its fonts and images make
// it larger than its text.
const MaxPDFSize = 64 << 20

// Ingester parses texts and stores them.
type Ingester struct {
	store    policy.Ingester
	registry *cite.Registry
}

// New returns an Ingester into store that resolves references against the
// shipped registry.
func New(store policy.Ingester) (*Ingester, error) {
	reg, err := cite.LoadRegistry(corpus.Registry())
	if err != nil {
		return nil, err
	}
	return &Ingester{store: store, registry: reg}, nil
}

// Options says how a text is ingested.
type Options struct {
	// ID is the document ID (see parse.Options).
	ID string
	// Replace makes the text the current version of its document even if it
	// lacks provisions the current version has, or looks truncated.
	Replace bool
	// Note says how the version came about, for its history.
	Note string
	// References names the references the text is ("ref:<slug>", or the
	// slug alone), so that their citations lead to it: what policykb
	// ingest --reference gives. A reference is one document at a time:
	// naming it again for another document moves it.
	References []string

	// The fields below, where set, override what the text prints (see
	// parse.Options).
	Title      string
	DecidedOn  policy.Date
	DecidedBy  string
	FiscalYear int
	// Partial reads the text as an excerpt (see parse.Options).
	Partial bool
}

// parseOptions are the options of the parser for opt.
func (opt Options) parseOptions() parse.Options {
	return parse.Options{
		ID: opt.ID, AllowTruncated: opt.Replace,
		Title: opt.Title, DecidedOn: opt.DecidedOn, DecidedBy: opt.DecidedBy, FiscalYear: opt.FiscalYear,
		Partial: opt.Partial,
	}
}

// ReferenceID returns the reference ID that s names: s itself where it is
// "ref:" and a lower-case kebab slug, "ref:"+s for the slug alone. Anything
// else is a BAD_USER_INPUT error.
func ReferenceID(s string) (string, error) {
	id := s
	if !strings.HasPrefix(id, policy.ReferenceIDPrefix) {
		id = policy.ReferenceIDPrefix + id
	}
	if !referenceSlug.MatchString(strings.TrimPrefix(id, policy.ReferenceIDPrefix)) {
		return "", policy.Errorf(policy.EINVALID, "%s is not a reference ID: want ref: and a slug of lower-case letters, digits and single hyphens, such as ref:cybersecurity-strategy-2018", policy.Quote(s))
	}
	return id, nil
}

var referenceSlug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Result is what an ingest did.
type Result struct {
	Doc *policy.Document
	policy.IngestResult
}

// Ingest parses src, read from a file called name, and stores it as the
// current version of its document. Names with control characters are
// quoted in errors. It stops with ctx.Err() soon after ctx is done, the
// store left as it was.
func (in *Ingester) Ingest(ctx context.Context, name string, src []byte, opt Options) (*Result, error) {
	shown := policy.Name(name)
	refs := make([]string, 0, len(opt.References))
	for _, r := range opt.References {
		id, err := ReferenceID(r)
		if err != nil {
			return nil, err
		}
		refs = append(refs, id)
	}
	if limit := maxSize(src); len(src) > limit {
		return nil, &parse.Error{File: shown, Line: 1, Msg: fmt.Sprintf("file larger than %d MiB; not a policy text", limit>>20)}
	}
	isPDF := pdf.IsPDF(src)
	if isPDF {
		text, err := readPDF(ctx, shown, src)
		if err != nil {
			return nil, err
		}
		src = text
	}
	doc, err := in.parse(ctx, shown, src, opt.parseOptions())
	if err != nil {
		return nil, err
	}
	if isPDF {
		doc.Encoding = "PDF"
	}
	res, err := in.store.IngestVersion(ctx, doc, policy.IngestOptions{Replace: opt.Replace, Note: opt.Note, References: refs})
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var loss *policy.LossError
		if errors.As(err, &loss) {
			return nil, &FileError{Name: shown, Err: err}
		}
		return nil, fmt.Errorf("%s: store: %w", shown, err)
	}
	return &Result{Doc: doc, IngestResult: *res}, nil
}

// maxSize returns the size an input file may have: MaxPDFSize for a PDF,
// MaxFileSize for a text.
func maxSize(head []byte) int {
	if pdf.IsPDF(head) {
		return MaxPDFSize
	}
	return MaxFileSize
}

// readPDF returns the text of a PDF, its pages separated by form feeds, or
// an error saying why it cannot be read.
func readPDF(ctx context.Context, shown string, src []byte) ([]byte, error) {
	// The reader starts once a process, in seconds: not a document's time.
	if err := pdf.Start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: reading the PDF: %w", shown, err)
	}
	rctx, cancel := context.WithTimeout(ctx, MaxPDFTime)
	defer cancel()
	text, err := pdf.Text(rctx, src)
	if err == nil {
		return []byte(text), nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if rctx.Err() != nil {
		return nil, &parse.Error{File: shown, Line: 1, Msg: fmt.Sprintf("a PDF too complex to read within %v: extract its text with another tool, or give its text", MaxPDFTime)}
	}
	var why string
	switch {
	case errors.Is(err, pdf.ErrEncrypted):
		why = "a PDF that is encrypted: it needs a password; save a copy without one, or extract its text"
	case errors.Is(err, pdf.ErrNoText):
		why = "a PDF without a text layer (images of pages only, as a scan is): run OCR on it, or give its text"
	case errors.Is(err, pdf.ErrTooLarge):
		why = fmt.Sprintf("a PDF too large to read (over %d MiB, or over %d MiB of text)", pdf.MaxSize>>20, pdf.MaxTextSize>>20)
	case errors.Is(err, pdf.ErrDamaged):
		why = "a damaged PDF: it cannot be read (truncated or corrupt)"
	default:
		return nil, fmt.Errorf("%s: reading the PDF: %w", shown, err)
	}
	return nil, &parse.Error{File: shown, Line: 1, Msg: why}
}

// FileError is an error about one file: its message starts with the
// file's name (quoted where need be). It is a *policy.Error with that
// message and the code of Err, and it unwraps to Err too.
type FileError struct {
	Name string // as shown, see policy.Name
	Err  error
}

func (e *FileError) Error() string { return e.Name + ": " + e.Err.Error() }

// Unwrap returns the error as a *policy.Error, then Err.
func (e *FileError) Unwrap() []error {
	return []error{&policy.Error{Code: policy.ErrorCode(e.Err), Message: e.Error()}, e.Err}
}

// parse parses and extracts citations; parsing stops with ctx.Err() soon
// after ctx is done.
func (in *Ingester) parse(ctx context.Context, name string, src []byte, opt parse.Options) (*policy.Document, error) {
	doc, err := parse.Document(ctx, name, src, opt)
	if err != nil {
		return nil, err
	}
	cite.Extract(doc, in.registry)
	return doc, ctx.Err()
}

// Bytes parses src, read from a file called name, and stores it; it refuses
// to make current a version that loses provisions.
func (in *Ingester) Bytes(ctx context.Context, name string, src []byte, opt parse.Options) (*policy.Document, error) {
	res, err := in.Ingest(ctx, name, src, Options{ID: opt.ID, Replace: opt.AllowTruncated,
		Title: opt.Title, DecidedOn: opt.DecidedOn, DecidedBy: opt.DecidedBy, FiscalYear: opt.FiscalYear, Partial: opt.Partial})
	if err != nil {
		return nil, err
	}
	return res.Doc, nil
}

// File reads, parses and stores the file name (see ReadFile and Ingest).
func (in *Ingester) File(ctx context.Context, name string, opt Options) (*Result, error) {
	src, err := ReadFile(ctx, name)
	if err != nil {
		return nil, err
	}
	return in.Ingest(ctx, name, src, opt)
}

// ReadFile reads a text to ingest. It refuses what is not a regular file —
// a FIFO, a device, a socket, a directory — before reading from it, and
// files over MaxFileSize; it stops when ctx is done.
func ReadFile(ctx context.Context, name string) ([]byte, error) {
	shown := policy.Name(name)
	fi, err := os.Stat(name)
	if err != nil {
		return nil, fileError(shown, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(shown, fi.Mode())
	}
	f, err := openNonBlocking(name)
	if err != nil {
		return nil, fileError(shown, err)
	}
	defer f.Close()
	// The name may have been replaced between Stat and open.
	if fi, err = f.Stat(); err != nil {
		return nil, fileError(shown, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular(shown, fi.Mode())
	}
	head := make([]byte, 16)
	n, _ := f.ReadAt(head, 0)
	if limit := maxSize(head[:n]); fi.Size() > int64(limit) {
		return nil, &parse.Error{File: shown, Line: 1, Msg: fmt.Sprintf("file larger than %d MiB; not a policy text", limit>>20)}
	}
	// Read what the size says, and one byte more to see whether the file
	// holds more: a file still being written, or a special file such as
	// those under /proc, whose size says nothing.
	size := fi.Size()
	buf := make([]byte, 0, size+1)
	r := io.LimitReader(f, size+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := r.Read(buf[len(buf):cap(buf)][:min(256<<10, cap(buf)-len(buf))])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fileError(shown, err)
		}
	}
	switch {
	case int64(len(buf)) > size:
		return nil, policy.Errorf(policy.EINVALID, "%s: holds more than its size of %d bytes says (a file still being written, or a special file); give a complete text file", shown, size)
	case int64(len(buf)) < size:
		return nil, policy.Errorf(policy.EINVALID, "%s: shrank to %d of its %d bytes while it was read; give a complete text file", shown, len(buf), size)
	}
	return buf, nil
}

func notRegular(shown string, m os.FileMode) error {
	return policy.Errorf(policy.EINVALID, "%s: not a regular file but %s; give a text file", shown, policy.FileKind(m))
}

// fileError is err with the file's name shown safely: the *PathError of
// package os would print it raw.
func fileError(shown string, err error) error {
	var perr *os.PathError
	if errors.As(err, &perr) {
		return policy.Errorf(policy.EINVALID, "%s: %v", shown, perr.Err)
	}
	return fmt.Errorf("%s: %w", shown, err)
}

// Corpus stores the texts shipped in package corpus.
func (in *Ingester) Corpus(ctx context.Context) ([]*policy.Document, error) {
	var docs []*policy.Document
	for _, f := range corpus.Files() {
		res, err := in.Ingest(ctx, "corpus/"+f.Name, f.Data, Options{Note: "embedded policy"})
		if err != nil {
			return nil, err
		}
		docs = append(docs, res.Doc)
	}
	return docs, nil
}
