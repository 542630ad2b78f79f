package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	shipped "github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/sqlite"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	xunicode "golang.org/x/text/encoding/unicode"
)

func TestLockWaits(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	unlock, err := Lock(ctx, dir, time.Minute, func() { t.Error("the first lock waited") })
	if err != nil {
		t.Fatal(err)
	}
	var waited, got atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		u, err := Lock(ctx, dir, time.Minute, func() { waited.Store(true) })
		if err != nil {
			t.Error(err)
			return
		}
		got.Store(true)
		u()
	}()
	time.Sleep(100 * time.Millisecond)
	if got.Load() {
		t.Fatal("a second lock was taken while the first was held")
	}
	unlock()
	<-done
	if !waited.Load() || !got.Load() {
		t.Errorf("waited %v, got %v", waited.Load(), got.Load())
	}
}

// TestLockGivesUp checks that a lock held elsewhere is waited for at most
// the timeout, with the wait announced, and that a cancelled context stops
// the wait.
func TestLockGivesUp(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	unlock, err := Lock(ctx, dir, time.Minute, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	var told atomic.Bool
	_, err = Lock(ctx, dir, 200*time.Millisecond, func() { told.Store(true) })
	if !errors.Is(err, ErrLockTimeout) || !told.Load() || !strings.Contains(err.Error(), "ingest.lock") {
		t.Errorf("lock held elsewhere: told %v, err %v", told.Load(), err)
	}
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	if _, err = Lock(cctx, dir, time.Hour, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled wait: %v", err)
	}
}

// corpusStore returns a new store with the embedded corpus ingested, an
// ingester into it and the documents.
func corpusStore(t *testing.T) (*sqlite.DB, *Ingester, []*policy.Document) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "policykb.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	in, err := New(db)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := in.Corpus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return db, in, docs
}

func TestIngest(t *testing.T) {
	ctx := context.Background()
	db, in, docs := corpusStore(t)
	if len(docs) != 1 || len(docs[0].Citations) != 20 {
		t.Fatalf("corpus: %d documents", len(docs))
	}
	refs, _ := db.References(ctx, policy.ReferenceFilter{})
	if len(refs) != 17 {
		t.Errorf("%d references stored, want 17", len(refs))
	}
	big := []byte(strings.Repeat("あ", MaxFileSize/3+1))
	if _, err := in.Bytes(ctx, "big.txt", big, parse.Options{}); err == nil || !strings.Contains(err.Error(), "big.txt:1: file larger") {
		t.Errorf("a file over the limit: %v", err)
	}
	if _, err := in.File(ctx, "/nonexistent/x.txt", Options{}); err == nil {
		t.Error("a missing file was ingested")
	}
}

// TestReadFile reads regular files whole, and refuses files whose size
// does not say what they hold.
func TestReadFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	text := strings.Repeat("本文である。\n", 100000) // over one read
	path := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := ReadFile(ctx, path); err != nil || string(got) != text {
		t.Errorf("ReadFile: %d bytes, %v", len(got), err)
	}
	empty := filepath.Join(dir, "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	if got, err := ReadFile(ctx, empty); err != nil || len(got) != 0 {
		t.Errorf("empty file: %q, %v", got, err)
	}
	if _, err := os.Stat("/proc/self/status"); err == nil {
		if _, err := ReadFile(ctx, "/proc/self/status"); err == nil || !strings.Contains(err.Error(), "holds more than its size") {
			t.Errorf("/proc/self/status: %v", err)
		}
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ReadFile(cancelled, path); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled read: %v", err)
	}
}

// TestSameTextOtherBytes ingests the embedded policy, then copies of it in
// other encodings and with other line breaks: none adds a version, and each
// says how its bytes differ; a changed word adds version 2.
func TestSameTextOtherBytes(t *testing.T) {
	ctx := context.Background()
	db, in, _ := corpusStore(t)
	src := shipped.Files()[0].Data
	encode := func(e encoding.Encoding, b []byte) []byte {
		out, err := e.NewEncoder().Bytes(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	crlf := bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
	tests := []struct {
		name   string
		src    []byte
		unlike string
	}{
		{"same bytes", src, ""},
		{"UTF-8 with BOM", append([]byte("\xEF\xBB\xBF"), src...), "with or without a byte-order mark"},
		{"Shift_JIS", encode(japanese.ShiftJIS, src), "in Shift_JIS, not UTF-8"},
		{"UTF-16LE with BOM", encode(xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM), src), "in UTF-16LE, not UTF-8"},
		{"UTF-16BE with BOM, CRLF", encode(xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM), crlf), "in UTF-16BE, not UTF-8; with CRLF line breaks, not LF"},
		{"CRLF", crlf, "with CRLF line breaks, not LF"},
		{"CR", bytes.ReplaceAll(src, []byte("\n"), []byte("\r")), "with CR line breaks, not LF"},
	}
	for _, tt := range tests {
		res, err := in.Ingest(ctx, tt.name, tt.src, Options{})
		if err != nil || !res.Unchanged || res.Version != 1 || res.Unlike != tt.unlike {
			t.Errorf("%s: %+v, %v; want unchanged, version 1, %q", tt.name, res, err, tt.unlike)
		}
	}
	changed := bytes.Replace(crlf, []byte("人材育成・確保"), []byte("人材育成・定着"), 1)
	res, err := in.Ingest(ctx, "changed", encode(japanese.ShiftJIS, changed), Options{})
	if err != nil || res.Unchanged || res.Version != 2 {
		t.Errorf("a changed word: %+v, %v; want version 2", res, err)
	}
	if vs, err := db.Versions(ctx, res.Doc.ID); err != nil || len(vs) != 2 {
		t.Errorf("versions: %d, %v; want 2", len(vs), err)
	}
}

// TestParseOptions checks that every option of the parser is passed on.
func TestParseOptions(t *testing.T) {
	opt := Options{ID: "x", Replace: true, Note: "n", Title: "t", DecidedOn: policy.Date{Year: 2019, Month: 5, Day: 23},
		DecidedBy: "b", FiscalYear: 2020, Partial: true}
	want := parse.Options{ID: "x", AllowTruncated: true, Title: "t", DecidedOn: policy.Date{Year: 2019, Month: 5, Day: 23},
		DecidedBy: "b", FiscalYear: 2020, Partial: true}
	if got := opt.parseOptions(); !reflect.DeepEqual(got, want) {
		t.Errorf("parse options %+v, want %+v", got, want)
	}
	// A field the parser gains is not forgotten here.
	v := reflect.ValueOf(want)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Errorf("parse.Options.%s is not passed on by Options", v.Type().Field(i).Name)
		}
	}
}
