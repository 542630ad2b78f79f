package ingest_test

import (
	"bytes"
	"context"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/cite"
	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/cputime"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/sqlite"
)

// BenchmarkIngest stores long policy texts of each size, of many sections
// (corpusgen.Long) and of one paragraph (corpusgen.OneParagraph),
// into a fresh SQLite store, the whole path of `policykb ingest` (parse, cite
// extraction, store), and reports the time per MiB and the share of each
// step.
//
//	go test -run '^$' -bench Ingest -benchtime 3x ./internal/ingest
func BenchmarkIngest(b *testing.B) {
	reg, err := cite.LoadRegistry(corpus.Registry())
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, g := range corpusgen.LongShapes {
		for _, s := range corpusgen.BenchSizes {
			text := g.Gen(s.Bytes)
			mib := float64(len(text)) / (1 << 20)
			b.Run(g.Name+"/"+s.Name, func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				var tParse, tCite, tStore time.Duration
				var cpu time.Duration
				for b.Loop() {
					b.StopTimer()
					db, err := sqlite.Open(filepath.Join(b.TempDir(), "policykb.db"))
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					c0 := cputime.Used()
					t0 := time.Now()
					doc, err := parse.Document(ctx, "long.txt", text, parse.Options{ID: "long"})
					if err != nil {
						b.Fatal(err)
					}
					t1 := time.Now()
					cite.Extract(doc, reg)
					t2 := time.Now()
					if err := db.Ingest(ctx, doc); err != nil {
						b.Fatal(err)
					}
					t3 := time.Now()
					cpu += cputime.Used() - c0
					tParse, tCite, tStore = tParse+t1.Sub(t0), tCite+t2.Sub(t1), tStore+t3.Sub(t2)
					b.StopTimer()
					db.Close()
					b.StartTimer()
				}
				per := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 / float64(b.N) / mib }
				b.ReportMetric(per(tParse+tCite+tStore), "ms/MiB")
				b.ReportMetric(per(cpu), "cpu-ms/MiB")
				b.ReportMetric(per(tParse), "parse-ms/MiB")
				b.ReportMetric(per(tCite), "cite-ms/MiB")
				b.ReportMetric(per(tStore), "store-ms/MiB")
			})
		}
	}
}

// TestIngestLong ingests an 8 MiB text through the Ingester: it completes,
// and every section is stored.
func TestIngestLong(t *testing.T) {
	if testing.Short() {
		t.Skip("8 MiB ingest")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute) // a hang guard, not a timing assertion
	defer cancel()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "policykb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	in, err := ingest.New(db)
	if err != nil {
		t.Fatal(err)
	}
	text := corpusgen.Long(ingest.MaxFileSize - 64<<10)
	doc, err := in.Bytes(ctx, "long.txt", text, parse.Options{ID: "long"})
	if err != nil {
		t.Fatal(err)
	}
	if n := corpusgen.LongSections(text); len(doc.Provisions) != 3+32*(n-2) {
		t.Errorf("%d provisions, want %d", len(doc.Provisions), 3+32*(n-2))
	}
}

// manyLines is the policy with lines of three characters (あいう, 10
// bytes with the line break) added to one of its paragraphs until the text
// is size bytes: the most lines a text may have (parse refuses more).
func manyLines(size int) []byte {
	src := corpus.Files()[0].Data
	at := bytes.Index(src, []byte("あ"))
	if at < 0 {
		panic("no あ in the policy")
	}
	var b bytes.Buffer
	b.Grow(size)
	b.Write(src[:at])
	const line = "あいう\n"
	for b.Len()+len(src)-at+len(line) <= size {
		b.WriteString(line)
	}
	b.Write(src[at:])
	return b.Bytes()
}

// BenchmarkIngestMemory ingests texts of 1 and 8 MiB made of the shortest
// lines parse accepts in such numbers (manyLines), the whole path of `policykb ingest`, and reports the
// bytes the Go heap allocates and its peak (sampled every millisecond)
// per byte of input. SQLite's own memory (C) is not counted here; see
// BENCHMARKS.md for the peak RSS of the command.
//
//	go test -run '^$' -bench IngestMemory -benchtime 3x ./internal/ingest
func BenchmarkIngestMemory(b *testing.B) {
	ctx := context.Background()
	for _, s := range []corpusgen.Size{{Name: "1MiB", Bytes: 1 << 20}, {Name: "8MiB", Bytes: ingest.MaxFileSize - 64<<10}} {
		text := manyLines(s.Bytes)
		b.Run("lines/"+s.Name, func(b *testing.B) {
			var alloc, peak uint64
			for b.Loop() {
				b.StopTimer()
				db, err := sqlite.Open(filepath.Join(b.TempDir(), "policykb.db"))
				if err != nil {
					b.Fatal(err)
				}
				in, err := ingest.New(db)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				stop := samplePeak()
				b.StartTimer()
				if _, err := in.Bytes(ctx, "lines.txt", text, parse.Options{ID: "lines"}); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				p := stop()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				alloc += after.TotalAlloc - before.TotalAlloc
				if p > before.HeapAlloc && p-before.HeapAlloc > peak {
					peak = p - before.HeapAlloc
				}
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(alloc)/float64(b.N)/float64(len(text)), "alloc-B/B")
			b.ReportMetric(float64(peak)/float64(len(text)), "peak-heap-B/B")
		})
	}
}

// samplePeak samples the bytes of live heap objects every millisecond
// until the function it returns is called, which returns the largest.
func samplePeak() func() uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	done, res := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-done:
				res <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-res }
}
