package pdf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/klippa-app/go-pdfium"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

const (
	// memoryPages bounds the memory of an instance of PDFium, in pages of
	// 64 KiB: 1 GiB, which holds a PDF of MaxSize and what PDFium makes of it.
	memoryPages = 1 << 14
	// maxInstances bounds the documents read at once.
	maxInstances = 4
)

// The pool of PDFium instances is made at the first call of Text, and
// kept. ready is closed when it is made, or failed.
var (
	startOnce sync.Once
	ready     = make(chan struct{})
	pool      pdfium.Pool
	poolErr   error
)

// Start starts the reader, if it has not started yet, and returns when it
// is ready or ctx is done. The first start in a process takes seconds of
// CPU time (much more under the race detector): a caller that bounds the
// time a document may take to read calls Start first, outside that bound.
func Start(ctx context.Context) error {
	_, err := start(ctx)
	return err
}

// start returns the pool, making it at the first call. Making it takes
// seconds: wazero compiles the module. It goes on when ctx is done, for the
// next call.
func start(ctx context.Context) (pdfium.Pool, error) {
	startOnce.Do(func() {
		go func() {
			defer close(ready)
			pool, poolErr = newPool()
		}()
	})
	select {
	case <-ready:
		return pool, poolErr
	case <-ctx.Done():
		return nil, fmt.Errorf("pdf: starting the reader: %w", ctx.Err())
	}
}

func newPool() (pdfium.Pool, error) {
	rc := wazero.NewRuntimeConfig().
		// The module uses WebAssembly exceptions for setjmp and longjmp.
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		// Closing an instance stops the code running in it.
		WithCloseOnContextDone(true).
		WithMemoryLimitPages(memoryPages)
	p, err := webassembly.Init(webassembly.Config{
		MinIdle:       0,
		MaxIdle:       1,
		MaxTotal:      min(runtime.GOMAXPROCS(0), maxInstances),
		RuntimeConfig: rc,
		// No directory is mounted: PDFium reads the bytes given, no file.
		FSConfig: wazero.NewFSConfig(),
		Stdout:   io.Discard,
		Stderr:   io.Discard,
	})
	if err != nil {
		return nil, fmt.Errorf("pdf: starting PDFium: %w", err)
	}
	return p, nil
}

// testHookPage, if not nil, is called before a page is read.
var testHookPage func()

// readPages returns the text of each page of the PDF in data, in a new
// instance of PDFium that is closed at the end, or killed when ctx is done.
func readPages(ctx context.Context, data []byte) (pages []string, err error) {
	p, err := start(ctx)
	if err != nil {
		return nil, err
	}
	inst, err := p.GetInstanceWithContext(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdf: %w", ctx.Err())
		}
		return nil, fmt.Errorf("pdf: starting PDFium: %w", err)
	}
	// Kill stops the code running in the instance, and closes it.
	stop := context.AfterFunc(ctx, func() { inst.Kill() })
	defer func() {
		if stop() {
			inst.Close()
			return
		}
		// The instance was killed: whatever failed, failed for that.
		pages, err = nil, fmt.Errorf("pdf: %w", ctx.Err())
	}()
	return read(ctx, inst, data)
}

// read returns the text of each page of the PDF in data.
func read(ctx context.Context, inst pdfium.Pdfium, data []byte) ([]string, error) {
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if errors.Is(err, pdfiumerrors.ErrPassword) {
		return nil, fmt.Errorf("%w (%v)", ErrEncrypted, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: PDFium: %v", ErrDamaged, err)
	}
	defer inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	count, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return nil, fmt.Errorf("%w: PDFium: %v", ErrDamaged, err)
	}
	var pages []string
	size := 0
	for i := range count.PageCount {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if testHookPage != nil {
			testHookPage()
		}
		text, err := pageText(inst, doc.Document, i)
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("%w: page %d: PDFium: %v", ErrDamaged, i+1, err)
		}
		if size += len(text) + 1; size > maxTextSize {
			return nil, fmt.Errorf("%w: more than %d bytes of text", ErrTooLarge, maxTextSize)
		}
		pages = append(pages, text)
	}
	return pages, nil
}

// pageText returns the text of page i of doc.
func pageText(inst pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) (string, error) {
	page, err := inst.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return "", err
	}
	defer inst.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
	if err != nil {
		return "", err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	// The count is of UTF-16 code units, which is what FPDFText_GetText
	// writes: a character outside the BMP counts twice.
	n, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return "", err
	}
	if n.Count <= 0 {
		return "", nil
	}
	if n.Count > maxTextSize {
		return "", fmt.Errorf("%w: more than %d characters on a page", ErrTooLarge, maxTextSize)
	}
	t, err := inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: n.Count})
	if err != nil {
		return "", err
	}
	return clean(t.Text), nil
}
