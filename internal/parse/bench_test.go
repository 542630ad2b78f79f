package parse_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/cputime"
	"github.com/policykb/policykb/internal/parse"
)

// benchTexts are the shapes of text measured: corpusgen's long shapes, and
// the first of them in 公用文 numbering.
var benchTexts = append(slices.Clip(corpusgen.LongShapes), corpusgen.Shape{Name: "kobun", Gen: kobunLong})

// kobunLong is a text of about size bytes in 公用文 numbering (第2 alone on its
// line, its heading on the next; 1 heading; (1) heading; ア text), with a
// footnote: corpusgen.Long renumbered.
func kobunLong(size int) []byte {
	long := corpusgen.Long(size * 9 / 10)
	doc, err := parse.Document(context.Background(), "long.txt", long, parse.Options{ID: "long"})
	if err != nil {
		panic(err)
	}
	text, err := corpusgen.Renumber(doc, "kobun-half", parse.Layout{Width: 70, PerPage: 36, Footer: "- %d -"})
	if err != nil {
		panic(err)
	}
	return []byte(text)
}

// BenchmarkDocument parses long policy texts of each size, of many sections
// (corpusgen.Long) and of one paragraph (corpusgen.OneParagraph), and
// reports the time per MiB of input: linear parsing keeps it flat.
//
//	go test -run '^$' -bench Document -benchtime 5x ./internal/parse
func BenchmarkDocument(b *testing.B) {
	for _, g := range benchTexts {
		for _, s := range corpusgen.BenchSizes {
			text := g.Gen(s.Bytes)
			b.Run(g.Name+"/"+s.Name, func(b *testing.B) {
				benchParse(b, text, parse.Options{ID: "long"}, true)
			})
		}
	}
}

// benchParse parses text b.N times with opt and reports the clock and CPU
// time per MiB of input; must says whether the text must parse, or may be
// refused.
func benchParse(b *testing.B, text []byte, opt parse.Options, must bool) {
	b.SetBytes(int64(len(text)))
	cpu0 := cputime.Used()
	for b.Loop() {
		if _, err := parse.Document(context.Background(), "bench.txt", text, opt); err != nil && must {
			b.Fatal(err)
		}
	}
	mib := float64(len(text)) / (1 << 20)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/float64(b.N)/mib, "ms/MiB")
	b.ReportMetric(float64(cputime.Used()-cpu0)/1e6/float64(b.N)/mib, "cpu-ms/MiB")
}

// TestCancel cancels the parse of an 8 MiB text at several points: each
// time it stops with the context's error.
func TestCancel(t *testing.T) {
	text := corpusgen.Long(8<<20 - 64<<10)
	for _, after := range []time.Duration{0, time.Millisecond, 20 * time.Millisecond, 100 * time.Millisecond} {
		t.Run(fmt.Sprint(after), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			var stopped time.Time
			time.AfterFunc(after, func() { stopped = time.Now(); cancel() })
			doc, err := parse.Document(ctx, "long.txt", text, parse.Options{ID: "long"})
			if err == nil {
				// The parse may finish before the cancel on a fast machine.
				if len(doc.Provisions) == 0 {
					t.Error("no provisions")
				}
				return
			}
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			t.Logf("stopped %v after the cancel", time.Since(stopped))
		})
	}
}

// BenchmarkCancel measures how long the parser runs on once its context is
// cancelled, at a random point of an 8 MiB text.
func BenchmarkCancel(b *testing.B) {
	text := corpusgen.Long(8<<20 - 64<<10)
	var worst time.Duration
	i := 0
	for b.Loop() {
		i++
		ctx, cancel := context.WithCancel(context.Background())
		var at time.Time
		time.AfterFunc(time.Duration(i%10)*15*time.Millisecond, func() { at = time.Now(); cancel() })
		_, err := parse.Document(ctx, "long.txt", text, parse.Options{ID: "long"})
		if err != nil {
			worst = max(worst, time.Since(at))
		}
		cancel()
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms-after-cancel")
}

// hostileTexts are shapes an outsider would send: markers and nothing else,
// numbers alone on every line, decimal chains as deep as they go, footnote
// markers and notes on every page.
var hostileTexts = []corpusgen.Shape{
	{Name: "markers", Gen: func(size int) []byte {
		return repeatTo(size, "方針\n", func(i int) string {
			return fmt.Sprintf("%d\n見出し\n(1)\n①\nⅰ）細目であること。\n", i)
		})
	}},
	{Name: "numbers", Gen: func(size int) []byte {
		return repeatTo(size, "方針\n１\n見出し\n", func(i int) string { return fmt.Sprintf("%d\n", i) })
	}},
	{Name: "chains", Gen: func(size int) []byte {
		return repeatTo(size, "方針\n", func(i int) string {
			return fmt.Sprintf("%d 見出し\n%d.1 見出し\n%d.1.1 見出し\n本文である。\n", i, i, i)
		})
	}},
	{Name: "notes", Gen: func(size int) []byte {
		return repeatTo(size, "方針\n", func(i int) string {
			return fmt.Sprintf("%d 見出し\n監視はGSOC%dにより行う。\n%d 注記の本文\n- %d -\n", i, i, i, i)
		})
	}},
}

// repeatTo returns head and the pieces of part(1), part(2) … up to size bytes.
func repeatTo(size int, head string, part func(int) string) []byte {
	b := []byte(head)
	for i := 1; len(b) < size; i++ {
		b = append(b, part(i)...)
	}
	return b
}

// BenchmarkHostile parses the hostile shapes at each size, accepted or
// refused, and reports CPU time per MiB: it stays flat as the size grows.
//
//	go test -run '^$' -bench Hostile -benchtime 3x ./internal/parse
func BenchmarkHostile(b *testing.B) {
	for _, g := range hostileTexts {
		for _, s := range corpusgen.BenchSizes {
			text := g.Gen(s.Bytes)
			b.Run(g.Name+"/"+s.Name, func(b *testing.B) {
				benchParse(b, text, parse.Options{ID: "hostile", Partial: true, Title: "方針"}, false)
			})
		}
	}
}
