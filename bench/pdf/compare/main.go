// Command compare measures PDF text readers on the benchmark PDFs.
//
//	compare -reader pdfium|pdftotext|pdftotext-raw|pdftotext-layout -runs N src.txt:doc.pdf ...
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
	"golang.org/x/text/unicode/norm"
)

var instance pdfium.Pdfium

var perChar = flag.Bool("perchar", false, "FPDFText_GetUnicode per character, not FPDFText_GetText")

func pdfiumText(data []byte) (string, error) {
	doc, err := instance.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		return "", err
	}
	defer instance.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	n, err := instance.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i := 0; i < n.PageCount; i++ {
		page, err := instance.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc.Document, Index: i})
		if err != nil {
			return "", err
		}
		tp, err := instance.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page.Page}})
		if err != nil {
			return "", err
		}
		nc, err := instance.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
		if err != nil {
			return "", err
		}
		var t struct{ Text string }
		if *perChar {
			r, err := instance.GetPageText(&requests.GetPageText{Page: requests.Page{ByReference: &page.Page}})
			if err != nil {
				return "", err
			}
			t.Text = r.Text
		} else {
			r, err := instance.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: nc.Count})
			if err != nil {
				return "", err
			}
			t.Text = r.Text
		}
		instance.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
		instance.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
		b.WriteString(strings.ReplaceAll(t.Text, "\r\n", "\n"))
		b.WriteString("\f")
	}
	return b.String(), nil
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// read returns the text and the CPU time it took.
func read(reader, path string, data []byte) (string, time.Duration, error) {
	if reader == "pdfium" {
		c := cpu()
		s, err := pdfiumText(data)
		return s, cpu() - c, err
	}
	args := []string{"-enc", "UTF-8"}
	switch reader {
	case "pdftotext-raw":
		args = append(args, "-raw")
	case "pdftotext-layout":
		args = append(args, "-layout")
	}
	cmd := exec.Command("pdftotext", append(args, path, "-")...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	return out.String(), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), err
}

func squeeze(s string) []rune {
	var r []rune
	for _, c := range s {
		if !unicode.IsSpace(c) {
			r = append(r, c)
		}
	}
	return r
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = string(squeeze(l)); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func lcs[T comparable](a, b []T) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// fullWidth counts the characters that NFKC changes.
func fullWidth(rs []rune) map[rune]int {
	m := map[rune]int{}
	for _, r := range rs {
		if norm.NFKC.String(string(r)) != string(r) {
			m[r]++
		}
	}
	return m
}

func main() {
	reader := flag.String("reader", "pdfium", "")
	closeOnDone := flag.Bool("closeondone", false, "wazero WithCloseOnContextDone")
	runs := flag.Int("runs", 5, "")
	flag.Parse()
	if *reader == "pdfium" {
		t0 := time.Now()
		c0 := cpu()
		rc := wazero.NewRuntimeConfigCompiler().WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).WithCloseOnContextDone(*closeOnDone)
		pool, err := webassembly.Init(webassembly.Config{MinIdle: 1, MaxIdle: 1, MaxTotal: 1, FSConfig: wazero.NewFSConfig(), RuntimeConfig: rc})
		if err != nil {
			log.Fatal(err)
		}
		instance, err = pool.GetInstance(30 * time.Second)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("init: wall %v cpu %v\n", time.Since(t0).Round(time.Millisecond), (cpu() - c0).Round(time.Millisecond))
	}
	for _, arg := range flag.Args() {
		src, pdf, _ := strings.Cut(arg, ":")
		want, err := os.ReadFile(src)
		if err != nil {
			log.Fatal(err)
		}
		data, err := os.ReadFile(pdf)
		if err != nil {
			log.Fatal(err)
		}
		var got string
		var cpus []time.Duration
		var first time.Duration
		for i := 0; i < *runs; i++ {
			t0 := time.Now()
			s, c, err := read(*reader, pdf, data)
			if i == 0 {
				first = time.Since(t0)
			}
			if err != nil {
				log.Fatalf("%s: %v", pdf, err)
			}
			got = s
			cpus = append(cpus, c)
		}
		sort.Slice(cpus, func(i, j int) bool { return cpus[i] < cpus[j] })
		pages := strings.Count(got, "\f")
		os.WriteFile(fmt.Sprintf("out/%s.%s.txt", strings.TrimSuffix(strings.TrimPrefix(pdf, "pdfs/"), ".pdf"), *reader), []byte(got), 0o644)
		w, g := squeeze(string(want)), squeeze(got)
		exact := string(w) == string(g)
		common := lcs(w, g)
		fw, gw := fullWidth(w), fullWidth(g)
		fwKept := fmt.Sprint(fw) == fmt.Sprint(gw)
		wl, gl := lines(string(want)), lines(strings.ReplaceAll(got, "\f", "\n"))
		linesExact := strings.Join(wl, "\n") == strings.Join(gl, "\n")
		lcsLines := lcs(wl, gl)
		fmt.Printf("%-18s %-16s chars exact=%v (lcs %d/%d, got %d) fullwidth kept=%v (want %d kinds, got %v) lines exact=%v (in order %d/%d, got %d lines) pages=%d first=%v cpu median=%v (%.1f ms/page)\n",
			pdf, *reader, exact, common, len(w), len(g), fwKept, len(fw), diffMap(fw, gw), linesExact, lcsLines, len(wl), len(gl), pages,
			first.Round(time.Millisecond), cpus[len(cpus)/2].Round(time.Microsecond), float64(cpus[len(cpus)/2].Microseconds())/1000/float64(max(pages, 1)))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ruc syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ruc)
	fmt.Printf("maxrss self %d MiB, children %d MiB, go sys %d MiB\n", ru.Maxrss/1024, ruc.Maxrss/1024, ms.Sys>>20)
}

func diffMap(want, got map[rune]int) string {
	var d []string
	for r, n := range want {
		if got[r] != n {
			d = append(d, fmt.Sprintf("%c:%d→%d", r, n, got[r]))
		}
	}
	for r, n := range got {
		if _, ok := want[r]; !ok {
			d = append(d, fmt.Sprintf("+%c:%d", r, n))
		}
	}
	sort.Strings(d)
	return "[" + strings.Join(d, " ") + "]"
}
