package server

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/netutil"
)

// TestIdleConnectionsMakeRoom fills a server's connections up to its hard
// limit with idle keep-alive connections, as a client that opens
// connections and leaves them would: a new client is still served, because
// idle connections above the soft limit are closed to make room.
func TestIdleConnectionsMakeRoom(t *testing.T) {
	const hard, soft = 6, 3
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	}))
	srv.Listener = netutil.LimitListener(srv.Listener, hard)
	srv.Config.IdleTimeout = time.Hour // idle connections stay unless closed
	conns := NewConns(soft)
	srv.Config.ConnState = conns.ConnState
	srv.Start()
	defer srv.Close()

	addr := srv.Listener.Addr().String()
	var idle []net.Conn
	defer func() {
		for _, c := range idle {
			c.Close()
		}
	}()
	for range hard {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
		c.SetDeadline(time.Now().Add(30 * time.Second)) // a hang guard, not a timing assertion
		io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}

	// Every place is taken by an idle connection; a new client is served.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 3 {
		resp, err := client.Get(srv.URL)
		if err != nil {
			t.Fatalf("request %d with %d idle connections open: %v", i, hard, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(b)) != "ok" {
			t.Fatalf("request %d: %d %q", i, resp.StatusCode, b)
		}
	}
	// The idle connections closed to make room are the oldest ones.
	closed := 0
	for _, c := range idle {
		c.SetReadDeadline(time.Now().Add(2 * time.Second))
		if _, err := c.Read(make([]byte, 1)); err == io.EOF {
			closed++
		}
	}
	if closed == 0 {
		t.Error("no idle connection was closed")
	}
	if n := conns.Open(); n > hard {
		t.Errorf("%d connections open, want at most %d", n, hard)
	}
}
