package server

import "net/http"

// requestKey is what tells apart the answers to GET requests of one route,
// for ETags and the answer cache: the query string of /graphql; the path,
// query string and Accept header (which picks HTML or JSON) of a page.
func requestKey(r *http.Request) string {
	if r.URL.Path == "/graphql" {
		return r.URL.RawQuery
	}
	return r.URL.Path + "?" + r.URL.RawQuery + "\x00" + r.Header.Get("Accept")
}

// pageCSP lets the pages of the reading view load scripts, styles and
// images from their own origin only.
const pageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// pageHeaders sets the headers of every answer of the reading view, before
// the answer cache so that cached answers carry them too.
func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Vary", "Accept") // HTML or JSON
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", pageCSP)
		next.ServeHTTP(w, r)
	})
}
