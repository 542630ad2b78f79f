// Command memory measures the memory of a running policykb server under
// the worst legal requests: it builds and starts `policykb serve` on a
// fresh data directory (loopback only), waits until the search index is
// ready, then drives it with -conns connections for -duration, each
// sending, in turn, the largest requests the limits let through (twice the
// standard introspection query, documents' sources under 75 aliases,
// every provision with its texts and links, 100 search hits with texts) and
// the largest pages of the reading view (the whole document, a search page,
// a provision page), made distinct so that the answer cache cannot serve
// them; a quarter of the
// connections read their answers slowly. It samples the server's RSS and
// fails when its peak (VmHWM) passes -bound. With -idle it also holds that
// many slowloris connections open.
//
//	go run ./bench/memory -duration 30s -conns 64 -bound 512
//	go run ./bench/memory -duration 30s -conns 64 -idle 400 -bound 512
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	duration := flag.Duration("duration", 30*time.Second, "how long the load runs")
	conns := flag.Int("conns", 64, "concurrent connections")
	bound := flag.Int("bound", 512, "the RSS bound in MiB: exit 1 when the peak passes it")
	bin := flag.String("bin", "", "the policykb binary (default: built from ./cmd/policykb)")
	idle := flag.Int("idle", 0, "also hold this many connections that send their headers one byte a second (slowloris)")
	flag.Parse()
	if *duration > 5*time.Minute || *conns < 1 || *conns > 1024 {
		fmt.Fprintln(os.Stderr, "memory: -duration at most 5m, -conns 1 to 1024")
		os.Exit(2)
	}
	if *idle > 4096 {
		fmt.Fprintln(os.Stderr, "memory: -idle at most 4096")
		os.Exit(2)
	}
	if err := run(*duration, *conns, *idle, *bound, *bin); err != nil {
		fmt.Fprintln(os.Stderr, "memory:", err)
		os.Exit(1)
	}
}

func run(duration time.Duration, conns, idleConns, bound int, bin string) error {
	dir, err := os.MkdirTemp("", "policykb-memory")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if bin == "" {
		bin = filepath.Join(dir, "policykb")
		build := exec.Command("go", "build", "-o", bin, "./cmd/policykb")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"))
	out, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	srv.Stderr = io.Discard
	if err := srv.Start(); err != nil {
		return err
	}
	defer srv.Wait()
	defer cancel()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	go io.Copy(io.Discard, out)
	m := regexp.MustCompile(`http://([0-9.:]+)/graphql`).FindStringSubmatch(line)
	if m == nil {
		return fmt.Errorf("server said %q", line)
	}
	base := "http://" + m[1]
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Since(start) > 30*time.Second {
			return fmt.Errorf("server not ready after 30 s")
		}
	}
	pid := srv.Process.Pid
	idle := rss(pid, "VmRSS")
	introspection, err := os.ReadFile("graph/testdata/introspection/graphql-codegen.graphql")
	if err != nil {
		return err
	}
	worst := []func(n int64) string{
		func(n int64) string { return twice(string(introspection), n) },
		func(n int64) string {
			var b strings.Builder
			fmt.Fprintf(&b, "{ n%d: __typename", n)
			for i := range 75 {
				fmt.Fprintf(&b, " d%d: documents { source }", i)
			}
			return b.String() + " }"
		},
		func(n int64) string {
			return fmt.Sprintf(`{ n%d: __typename provisions { id label heading paragraphs text pages children { id } ancestors { id } citations { text pinpoint } references { id title } } }`, n)
		},
		func(n int64) string {
			return fmt.Sprintf(`{ n%d: __typename search(query: "施策", first: 100) { totalCount edges { cursor node { score highlights provision { id text } } } } }`, n)
		},
	}
	// The largest pages, made distinct by their Accept header (which the
	// answer cache keys them by, and which still asks for HTML).
	pages := []string{
		"/documents/cs-budget-policy-fy2020",
		"/search?q=%E6%96%BD%E7%AD%96", // 施策
		"/documents/cs-budget-policy-fy2020/2.2.3",
	}
	var seq, requests, bytesRead atomic.Int64
	codes := map[string]int{}
	var mu sync.Mutex
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
		DialContext: (&net.Dialer{}).DialContext, ReadBufferSize: 4096}}
	for c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slow := c%4 == 0
			for i := c; time.Now().Before(deadline); i++ {
				n := seq.Add(1)
				var resp *http.Response
				var err error
				page := i%(len(worst)+len(pages)) >= len(worst)
				if page {
					req, _ := http.NewRequest("GET", base+pages[i%(len(worst)+len(pages))-len(worst)], nil)
					req.Header.Set("Accept", fmt.Sprintf("text/html, application/x-n%d;q=0.1", n))
					resp, err = client.Do(req)
				} else {
					body, _ := json.Marshal(map[string]string{"query": worst[i%(len(worst)+len(pages))](n)})
					resp, err = client.Post(base+"/graphql", "application/json", bytes.NewReader(body))
				}
				requests.Add(1)
				if err != nil {
					mu.Lock()
					codes["transport error"]++
					mu.Unlock()
					continue
				}
				var got bytes.Buffer
				if slow { // 64 KiB/s
					for {
						k, err := io.CopyN(&got, resp.Body, 4096)
						if k == 0 || err != nil {
							break
						}
						time.Sleep(60 * time.Millisecond)
					}
				} else {
					io.Copy(&got, resp.Body)
				}
				resp.Body.Close()
				bytesRead.Add(int64(got.Len()))
				code := "ok"
				var r struct {
					Errors []struct{ Extensions map[string]any }
				}
				if page {
					if resp.StatusCode != http.StatusOK {
						code = fmt.Sprintf("page status %d", resp.StatusCode)
					} else if !bytes.HasSuffix(bytes.TrimSpace(got.Bytes()), []byte("</html>")) {
						code = "page cut off"
					} else {
						code = "ok page"
					}
				} else if json.Unmarshal(got.Bytes(), &r) != nil {
					code = fmt.Sprintf("cut off (status %d)", resp.StatusCode)
				} else if len(r.Errors) > 0 {
					code = fmt.Sprint(r.Errors[0].Extensions["code"])
				}
				mu.Lock()
				codes[code]++
				mu.Unlock()
			}
		}()
	}
	for range idleConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				c, err := net.DialTimeout("tcp", m[1], time.Second)
				if err != nil {
					time.Sleep(100 * time.Millisecond)
					continue
				}
				c.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\n"))
				for time.Now().Before(deadline) {
					if _, err := c.Write([]byte("X-A: a\r\n")); err != nil {
						break
					}
					time.Sleep(time.Second)
				}
				c.Close()
			}
		}()
	}
	var samples []int
	peak := 0
	for time.Now().Before(deadline) {
		time.Sleep(min(2*time.Second, time.Until(deadline)+time.Millisecond))
		r := rss(pid, "VmRSS")
		samples = append(samples, r)
		peak = max(peak, r)
	}
	wg.Wait()
	time.Sleep(2 * time.Second)
	hwm := rss(pid, "VmHWM")
	after := rss(pid, "VmRSS")
	resp, err := http.Post(base+"/graphql", "application/json", strings.NewReader(`{"query":"{ documents { id } }"}`))
	if err != nil {
		return fmt.Errorf("server no longer answers: %w", err)
	}
	resp.Body.Close()
	fmt.Printf("%d connections (%d reading at 64 KiB/s) and %d slowloris connections, %v: %d requests, %.0f MiB read; answers %v\n",
		conns, (conns+3)/4, idleConns, duration, requests.Load(), float64(bytesRead.Load())/(1<<20), codes)
	fmt.Printf("server RSS: %d MiB idle, peak %d MiB (VmHWM), %d MiB 2 s after the load; samples every 2 s (MiB) %v\n",
		idle, hwm, after, samples)
	if hwm > bound {
		return fmt.Errorf("peak RSS %d MiB is above the bound of %d MiB", hwm, bound)
	}
	fmt.Printf("bound %d MiB: met\n", bound)
	return nil
}

// twice repeats the operation of an introspection query twice under
// aliases, with a distinct field n so that no cache can answer it.
func twice(q string, n int64) string {
	i, j := strings.Index(q, "__schema"), strings.Index(q, "fragment ")
	op := strings.TrimSuffix(strings.TrimSpace(q[i:j]), "}")
	return fmt.Sprintf("query Twice { n%d: __typename a: %s b: %s}\n%s", n, op, op, q[j:])
}

// rss reads a field of /proc/PID/status, in MiB.
func rss(pid int, field string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, field+":") {
			f := strings.Fields(l)
			kb, _ := strconv.Atoi(f[1])
			return kb >> 10
		}
	}
	return -1
}
