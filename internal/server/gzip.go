package server

import (
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
)

// gzipMin is the smallest response worth compressing.
const gzipMin = 1024

var gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

// gzipped compresses responses of gzipMin bytes or more for clients that
// accept gzip.
func gzipped(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.close()
		next.ServeHTTP(gw, r)
	})
}

// gzipWriter holds back the first gzipMin bytes to decide whether to
// compress.
type gzipWriter struct {
	http.ResponseWriter
	status int
	buf    []byte
	gz     *gzip.Writer
	plain  bool
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.status == 0 {
		g.status = code
	}
	if code != http.StatusOK {
		g.flushPlain()
	}
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	switch {
	case g.plain:
		return g.ResponseWriter.Write(b)
	case g.gz != nil:
		return g.gz.Write(b)
	}
	g.buf = append(g.buf, b...)
	if len(g.buf) >= gzipMin {
		h := g.Header()
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		if g.status != 0 {
			g.ResponseWriter.WriteHeader(g.status)
		}
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
		if _, err := g.gz.Write(g.buf); err != nil {
			return 0, err
		}
		g.buf = nil
	}
	return len(b), nil
}

// flushPlain gives up on compression and writes what is held back.
func (g *gzipWriter) flushPlain() {
	if g.plain || g.gz != nil {
		return
	}
	g.plain = true
	if g.status != 0 {
		g.ResponseWriter.WriteHeader(g.status)
	}
	if len(g.buf) > 0 {
		g.ResponseWriter.Write(g.buf)
		g.buf = nil
	}
}

func (g *gzipWriter) close() {
	if g.gz != nil {
		g.gz.Close()
		gzipPool.Put(g.gz)
		return
	}
	g.flushPlain()
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }
