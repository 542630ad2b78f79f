// Command initbench measures the start of the pdfium WebAssembly pool.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/klippa-app/go-pdfium/requests"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func rss() string {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS") || strings.HasPrefix(l, "VmHWM") {
			fmt.Print(strings.Join(strings.Fields(l), " "), "; ")
		}
	}
	return ""
}

func main() {
	mode := os.Args[1]
	var rc wazero.RuntimeConfig
	features := api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling
	switch mode {
	case "compiler":
		rc = wazero.NewRuntimeConfigCompiler().WithCoreFeatures(features)
	case "cache":
		cache, err := wazero.NewCompilationCacheWithDir(os.Args[3])
		if err != nil {
			panic(err)
		}
		rc = wazero.NewRuntimeConfigCompiler().WithCoreFeatures(features).WithCompilationCache(cache)
	case "closeondone":
		rc = wazero.NewRuntimeConfigCompiler().WithCoreFeatures(features).WithCloseOnContextDone(true)
	case "interpreter":
		rc = wazero.NewRuntimeConfigInterpreter().WithCoreFeatures(features)
	}
	t0, c0 := time.Now(), cpu()
	pool, err := webassembly.Init(webassembly.Config{MinIdle: 1, MaxIdle: 1, MaxTotal: 1, FSConfig: wazero.NewFSConfig(), RuntimeConfig: rc, Context: context.Background()})
	if err != nil {
		panic(err)
	}
	inst, err := pool.GetInstance(time.Minute)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: init wall %v cpu %v; ", mode, time.Since(t0).Round(time.Millisecond), (cpu() - c0).Round(time.Millisecond))
	rss()
	data, _ := os.ReadFile(os.Args[2])
	t1, c1 := time.Now(), cpu()
	doc, err := inst.OpenDocument(&requests.OpenDocument{File: &data})
	if err != nil {
		panic(err)
	}
	n, _ := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc.Document})
	chars := 0
	for i := 0; i < n.PageCount; i++ {
		r, err := inst.GetPageText(&requests.GetPageText{Page: requests.Page{ByIndex: &requests.PageByIndex{Document: doc.Document, Index: i}}})
		if err != nil {
			panic(err)
		}
		chars += len([]rune(r.Text))
	}
	inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc.Document})
	fmt.Printf("first doc: %d pages %d chars wall %v cpu %v; ", n.PageCount, chars, time.Since(t1).Round(time.Millisecond), (cpu() - c1).Round(time.Millisecond))
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("after GC heap %d MiB; ", ms.HeapInuse>>20)
	rss()
	fmt.Println()
	inst.Close()
	pool.Close()
}
