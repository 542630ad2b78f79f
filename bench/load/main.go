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
// With -family N the store also holds N generated documents
// (corpusgen.Generate, 35 provisions each; in series of -years yearly
// documents) and the scenarios ask, request
// after request, for a different provision, page or search each: what a
// crawler or many readers of the family do, where the answer cache helps
// little.
//
//	go run ./bench/load -duration 10s -conns 64
//	go run ./bench/load -duration 10s -conns 64 -soak 60s
//	go run ./bench/load -duration 10s -conns 64 -family 300 -no-cache
package main

import (
	"bytes"
	"cmp"
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
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/corpusgen"
	"github.com/policykb/policykb/internal/cputime"
	"github.com/policykb/policykb/internal/ingest"
	"github.com/policykb/policykb/internal/pages"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/search"
	"github.com/policykb/policykb/internal/server"
	"github.com/policykb/policykb/internal/sqlite"
)

type scenario struct {
	name string
	body []byte // a GraphQL request, POSTed to /graphql
	path string // or a page of the reading view, fetched with GET
	// reqs, where set, are the requests of the scenario, asked for in
	// turn (body and path as above); else body or path alone.
	reqs []request
}

// request is one request of a scenario: a GraphQL body or a page path.
type request struct {
	body []byte
	path string
}

// requests returns the requests of sc, asked for in turn.
func (sc scenario) requests() []request {
	if sc.reqs != nil {
		return sc.reqs
	}
	return []request{{body: sc.body, path: sc.path}}
}

// provisionQuery is the query of the provision(id) scenarios.
const provisionQuery = `query($id: ID!) { provision(id: $id) { id label heading text pages } }`

// searchQuery is the query of the search scenarios.
const searchQuery = `query($q: String!) { search(query: $q, first: 10) { totalCount edges { node { score highlights provision { id label } } } } }`

// familyWords are what the family search scenarios search for, in turn.
var familyWords = []string{"サプライチェーン", "人材育成", "重要インフラ", "情報共有", "研究開発", "国際連携",
	"普及啓発", "政府機関", "サイバー攻撃", "東京大会", "制御システム", "中小企業", "IoT", "クラウド",
	"脆弱性", "インシデント", "監視", "演習", "予算", "体制"}

// familyScenarios are the scenarios over a store of many documents:
// every request asks for another provision (or search), in turn.
func familyScenarios(ps []*policy.Provision) []scenario {
	var gq, pages, search, searchPages []request
	for _, p := range ps {
		gq = append(gq, request{body: mustJSON(map[string]any{"query": provisionQuery, "variables": map[string]any{"id": p.ID}})})
		doc, local, _ := policy.SplitID(p.ID)
		pages = append(pages, request{path: "/documents/" + doc + "/" + local})
	}
	for _, w := range familyWords {
		search = append(search, request{body: mustJSON(map[string]any{"query": searchQuery, "variables": map[string]any{"q": w}})})
		searchPages = append(searchPages, request{path: "/search?q=" + url.QueryEscape(w)})
	}
	return []scenario{
		{name: "provision(id)", reqs: gq},
		{name: "provision page", reqs: pages},
		{name: "search", reqs: search},
		{name: "search page", reqs: searchPages},
	}
}

var scenarios = []scenario{
	{name: "provision(id)", body: mustJSON(map[string]any{
		"query":     provisionQuery,
		"variables": map[string]any{"id": "cs-budget-policy-fy2020:2.2.3.1"},
	})},
	{name: "search", body: mustJSON(map[string]any{
		"query":     searchQuery,
		"variables": map[string]any{"q": "サプライチェーン"},
	})},
	{name: "provision page", path: "/documents/cs-budget-policy-fy2020/2.2.3.1"},
	{name: "document page", path: "/documents/cs-budget-policy-fy2020"},
	{name: "search page", path: "/search?q=" + url.QueryEscape("サプライチェーン")},
}

// url is where a request goes, on the server at base or, with static, on
// the handler that returns the same bytes.
func (sc request) url(base string, static bool) string {
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
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measurements (not of making the store) to `file`")
	noCache := flag.Bool("no-cache", false, "switch the cache of answers to repeated queries off, to measure GraphQL itself")
	family := flag.Int("family", 0, "add `N` generated documents to the store and ask for a different provision each request")
	years := flag.Int("years", 10, "with -family, make series of `N` yearly documents, each series a title of its own (0: all of the policy's series)")
	distinct := flag.Int("distinct", 0, "with -family, ask for at most `N` distinct provisions (spread over the store; 0: all)")
	only := flag.String("scenarios", "", "run only the scenarios whose names contain one of these comma-separated `words`")
	flag.Parse()
	if *duration > 5*time.Minute || *soak > 10*time.Minute || *conns < 1 || *conns > 1024 || *family < 0 || *family > 2000 {
		fmt.Fprintln(os.Stderr, "load: -duration at most 5m, -soak at most 10m, -conns 1 to 1024, -family 0 to 2000")
		os.Exit(2)
	}
	if err := run(*duration, *conns, *maxRequests, *soak, *noCache, *family, *years, *distinct, *only, *cpuprofile); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(duration time.Duration, conns int, maxRequests int64, soak time.Duration, noCache bool, family, years, distinct int, only, cpuprofile string) error {
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
	scs := scenarios
	if family > 0 {
		t0 := time.Now()
		files, err := corpusgen.Generate(family, 1)
		if err != nil {
			return err
		}
		for i, f := range files {
			opt := parse.Options{ID: f.ID}
			if years > 0 {
				// Series of their own, a fiscal year each, as a family has.
				opt.FiscalYear = 2020 + i%years
				opt.Title = fmt.Sprintf("分野%d のサイバーセキュリティ関係施策に関する%d年度予算重点化方針", i/years+1, opt.FiscalYear)
			}
			if _, err := in.Bytes(ctx, f.Name, f.Data, opt); err != nil {
				return err
			}
		}
		ps, err := db.Provisions(ctx, policy.ProvisionFilter{})
		if err != nil {
			return err
		}
		n := len(ps)
		if distinct > 0 && distinct < len(ps) {
			spread := make([]*policy.Provision, distinct)
			for i := range spread {
				spread[i] = ps[i*len(ps)/distinct]
			}
			ps = spread
		}
		scs = familyScenarios(ps)
		fmt.Printf("store: %d documents (series of %d years; 0: one series), %d provisions (made in %v); %d of them asked for, in turn\n",
			family+1, years, n, time.Since(t0).Round(time.Second), len(ps))
	}
	if only != "" {
		var keep []scenario
		for _, sc := range scs {
			for _, w := range strings.Split(only, ",") {
				if w != "" && strings.Contains(sc.name, w) {
					keep = append(keep, sc)
					break
				}
			}
		}
		scs = keep
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
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	fmt.Printf("%-15s %-8s %10s %9s %9s %7s %12s %s\n", "scenario", "path", "req/s", "p50 ms", "p99 ms", "errors", "CPU µs/req", "")
	for _, sc := range scs {
		reqs := sc.requests()
		wants, err := expect(client, base, reqs, conns)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.name, err)
		}
		size := 0
		for i, r := range reqs {
			static.Store(string(r.body), wants[i])
			if r.path != "" {
				static.Store(r.path, wants[i])
			}
			size += len(wants[i])
		}
		g := measure(client, base, false, reqs, wants, conns, duration, maxRequests)
		s := measure(client, base, true, reqs, wants, conns, duration, maxRequests)
		kind := "graphql"
		if reqs[0].path != "" {
			kind = "page"
		}
		fmt.Printf("%-15s %-8s %10.0f %9.2f %9.2f %7d %12.0f\n", sc.name, kind, g.rate, g.p50, g.p99, g.errors, g.cpu)
		fmt.Printf("%-15s %-8s %10.0f %9.2f %9.2f %7d %12.0f  (%d bytes on average, %d requests in turn)\n", "", "static", s.rate, s.p50, s.p99, s.errors, s.cpu, size/len(reqs), len(reqs))
		fmt.Printf("%-15s %-8s %9.0f%% %41.0f%%\n\n", "", "ratio", 100*g.rate/s.rate, 100*s.cpu/g.cpu)
	}
	if soak > 0 {
		return soakTest(client, base, conns, soak, scs)
	}
	return nil
}

// expect asks for every request once, 8 at a time, and returns the
// answers: what every later answer must equal.
func expect(client *http.Client, base string, reqs []request, conns int) ([][]byte, error) {
	wants := make([][]byte, len(reqs))
	var next atomic.Int64
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range min(conns, 8, len(reqs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) {
					return
				}
				r := reqs[i]
				want, err := post(client, r.url(base, false), r.body)
				if err == nil && bytes.Contains(want, []byte(`"errors"`)) {
					err = fmt.Errorf("an answer with an error: %.300s", want)
				}
				if err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					return
				}
				wants[i] = want
			}
		}()
	}
	wg.Wait()
	return wants, first
}

type result struct {
	rate, p50, p99 float64
	errors         int64
	cpu            float64 // CPU time of the whole process (server and load) per request, µs
}

// measure drives the requests, in turn, at base (or their static
// equivalent) with conns clients for d (or max requests) and checks every
// answer against its want.
func measure(client *http.Client, base string, static bool, reqs []request, wants [][]byte, conns int, d time.Duration, max int64) result {
	urls := make([]string, len(reqs))
	for i, r := range reqs {
		urls[i] = r.url(base, static)
	}
	var count, errs atomic.Int64
	lats := make([][]time.Duration, conns)
	deadline := time.Now().Add(d)
	start, cpu0 := time.Now(), cputime.Used()
	var wg sync.WaitGroup
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				n := count.Add(1)
				if n > max {
					break
				}
				i := int((n - 1) % int64(len(reqs)))
				t0 := time.Now()
				got, err := post(client, urls[i], reqs[i].body)
				lats[c] = append(lats[c], time.Since(t0))
				if err != nil || !bytes.Equal(got, wants[i]) {
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

// soakTest runs the scenarios mixed for d and samples the heap.
func soakTest(client *http.Client, base string, conns int, d time.Duration, scenarios []scenario) error {
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
				reqs := scenarios[(c+i)%len(scenarios)].requests()
				r := reqs[(c*7919+i)%len(reqs)]
				got, err := post(client, r.url(base, false), r.body)
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
