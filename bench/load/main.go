// Command load measures the GraphQL server under load, on loopback only,
// bounded in time and requests. It serves the embedded corpus from a fresh
// store in a temporary directory and, for each scenario, drives
//
//   - the real endpoint (/graphql: middleware, GraphQL, store, index), and
//   - a handler that returns the very same bytes without GraphQL (/static,
//     behind the same middleware): the HTTP limit of the machine,
//
// with the same number of connections, one after the other, and reports
// throughput, latency percentiles, the CPU time per request of the whole
// process (a figure that suffers less than throughput from other work on a
// shared machine) and their ratios. With -soak it then runs
// a mixed load for the given time and reports errors and heap growth.
//
//	go run ./bench/load -duration 10s -conns 64
//	go run ./bench/load -duration 10s -conns 64 -soak 60s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/cputime"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/pages"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/sqlite"
)

type scenario struct {
	name string
	body []byte // a GraphQL request, POSTed to /graphql
	path string // or a page of the reading view, fetched with GET
}

var scenarios = []scenario{
	{name: "provision(id)", body: mustJSON(map[string]any{
		"query":     `query($id: ID!) { provision(id: $id) { id label heading text pages } }`,
		"variables": map[string]any{"id": "cs-budget-policy-fy2020:2.2.3.1"},
	})},
	{name: "search", body: mustJSON(map[string]any{
		"query":     `query($q: String!) { search(query: $q, first: 10) { totalCount edges { node { score highlights provision { id label } } } } }`,
		"variables": map[string]any{"q": "サプライチェーン"},
	})},
	{name: "provision page", path: "/documents/cs-budget-policy-fy2020/2.2.3.1"},
	{name: "document page", path: "/documents/cs-budget-policy-fy2020"},
	{name: "search page", path: "/search?q=" + url.QueryEscape("サプライチェーン")},
}

// url is where a scenario's requests go, on the server at base or, with
// static, on the handler that returns the same bytes.
func (sc scenario) url(base string, static bool) string {
	switch {
	case sc.path == "" && static:
		return base + "/static"
	case sc.path == "":
		return base + "/graphql"
	case static:
		return base + "/static-pages" + sc.path
	}
	return base + sc.path
}

func main() {
	duration := flag.Duration("duration", 10*time.Second, "how long each measurement runs")
	conns := flag.Int("conns", 64, "concurrent connections")
	maxRequests := flag.Int64("max-requests", 5_000_000, "stop a measurement after this many requests")
	soak := flag.Duration("soak", 0, "then run a mixed load this long and report errors and heap growth")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to `file`")
	noCache := flag.Bool("no-cache", false, "switch the cache of answers to repeated queries off, to measure GraphQL itself")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "load:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *duration > 5*time.Minute || *soak > 10*time.Minute || *conns < 1 || *conns > 1024 {
		fmt.Fprintln(os.Stderr, "load: -duration at most 5m, -soak at most 10m, -conns 1 to 1024")
		os.Exit(2)
	}
	if err := run(*duration, *conns, *maxRequests, *soak, *noCache); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(duration time.Duration, conns int, maxRequests int64, soak time.Duration, noCache bool) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "policykb-load")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(filepath.Join(dir, "policykb.db"))
	if err != nil {
		return err
	}
	defer db.Close()
	in, err := ingest.New(db)
	if err != nil {
		return err
	}
	if _, err := in.Corpus(ctx); err != nil {
		return err
	}
	idx, err := search.Open(ctx, filepath.Join(dir, "index"), db)
	if err != nil {
		return err
	}
	defer idx.Close()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	res := &graph.Resolver{Documents: db, Provisions: db, References: db, Search: idx}
	api := graph.NewHandler(res, graph.Options{Logger: quiet})

	// /static answers with the bytes /graphql gave for the same request.
	var static sync.Map
	staticHandler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		v, _ := static.Load(string(b))
		w.Header().Set("Content-Type", "application/json")
		w.Write(v.([]byte))
	})
	mux := http.NewServeMux()
	cacheBytes := 0 // the default
	if noCache {
		cacheBytes = -1
	}
	mux.Handle("/", server.New(server.Config{API: api, Pages: pages.New(res, pages.Options{Logger: quiet}),
		Logger: quiet, Generation: db.Generation, CacheBytes: cacheBytes}))
	staticSrv := server.New(server.Config{API: staticHandler, Logger: quiet})
	mux.Handle("/static", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = "/graphql" // the route of the API behind the same middleware
		staticSrv.ServeHTTP(w, r)
	}))
	// /static-pages/… answers with the bytes the page at … gave, behind the
	// middleware of pages.
	staticPages := server.New(server.Config{Logger: quiet, Pages: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, _ := static.Load(r.URL.RequestURI())
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(v.([]byte))
	})})
	mux.Handle("/static-pages/", http.StripPrefix("/static-pages", staticPages))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}

	fmt.Printf("machine: %d CPUs, GOMAXPROCS %d, %s; %d connections, %v per measurement; response cache %v\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), conns, duration, !noCache)
	fmt.Printf("%-15s %-8s %10s %9s %9s %7s %12s %s\n", "scenario", "path", "req/s", "p50 ms", "p99 ms", "errors", "CPU µs/req", "")
	for _, sc := range scenarios {
		want, err := post(client, sc.url(base, false), sc.body)
		if err != nil {
			return err
		}
		if bytes.Contains(want, []byte(`"errors"`)) {
			return fmt.Errorf("%s answers with an error: %s", sc.name, want)
		}
		static.Store(string(sc.body), want)
		if sc.path != "" {
			static.Store(sc.path, want)
		}
		g := measure(client, sc.url(base, false), sc.body, want, conns, duration, maxRequests)
		s := measure(client, sc.url(base, true), sc.body, want, conns, duration, maxRequests)
		kind := "graphql"
		if sc.path != "" {
			kind = "page"
		}
		fmt.Printf("%-15s %-8s %10.0f %9.2f %9.2f %7d %12.0f\n", sc.name, kind, g.rate, g.p50, g.p99, g.errors, g.cpu)
		fmt.Printf("%-15s %-8s %10.0f %9.2f %9.2f %7d %12.0f  (%d bytes)\n", "", "static", s.rate, s.p50, s.p99, s.errors, s.cpu, len(want))
		fmt.Printf("%-15s %-8s %9.0f%% %41.0f%%\n\n", "", "ratio", 100*g.rate/s.rate, 100*s.cpu/g.cpu)
	}
	if soak > 0 {
		return soakTest(client, base, conns, soak)
	}
	return nil
}

type result struct {
	rate, p50, p99 float64
	errors         int64
	cpu            float64 // CPU time of the whole process (server and load) per request, µs
}

// measure drives url with conns clients for d (or max requests) and checks
// every answer against want.
func measure(client *http.Client, url string, body, want []byte, conns int, d time.Duration, max int64) result {
	var count, errs atomic.Int64
	lats := make([][]time.Duration, conns)
	deadline := time.Now().Add(d)
	start, cpu0 := time.Now(), cputime.Used()
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) && count.Add(1) <= max {
				t0 := time.Now()
				got, err := post(client, url, body)
				lats[c] = append(lats[c], time.Since(t0))
				if err != nil || !bytes.Equal(got, want) {
					errs.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cputime.Used()-cpu0
	var all []time.Duration
	for _, l := range lats {
		all = append(all, l...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
	}
	return result{rate: float64(len(all)) / elapsed.Seconds(), p50: pct(0.5), p99: pct(0.99), errors: errs.Load(),
		cpu: float64(cpu.Microseconds()) / float64(len(all)+1)}
}

// soakTest runs both scenarios mixed for d and samples the heap.
func soakTest(client *http.Client, base string, conns int, d time.Duration) error {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	startHeap := ms.HeapInuse
	var errs, count atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				sc := scenarios[(c+i)%len(scenarios)]
				got, err := post(client, sc.url(base, false), sc.body)
				count.Add(1)
				if err != nil || bytes.Contains(got, []byte(`"errors"`)) {
					errs.Add(1)
				}
			}
		}()
	}
	peak := startHeap
	var samples []uint64
	for time.Now().Before(deadline) {
		time.Sleep(min(5*time.Second, time.Until(deadline)+time.Millisecond))
		runtime.ReadMemStats(&ms)
		samples = append(samples, ms.HeapInuse>>20)
		peak = max(peak, ms.HeapInuse)
	}
	wg.Wait()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Printf("soak: %v, %d connections, %d requests (%.0f req/s), %d errors\n", d, conns, count.Load(),
		float64(count.Load())/d.Seconds(), errs.Load())
	fmt.Printf("heap in use: %d MiB at start, peak %d MiB, %d MiB after the load and a GC; samples (MiB) %v\n",
		startHeap>>20, peak>>20, ms.HeapInuse>>20, samples)
	if errs.Load() > 0 {
		return fmt.Errorf("%d errors during the soak", errs.Load())
	}
	return nil
}

// post POSTs body to url, or GETs url for a nil body.
func post(client *http.Client, url string, body []byte) ([]byte, error) {
	var resp *http.Response
	var err error
	if body == nil {
		resp, err = client.Get(url)
	} else {
		resp, err = client.Post(url, "application/json", bytes.NewReader(body))
	}
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return b, fmt.Errorf("status %d", resp.StatusCode)
	}
	return b, err
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
