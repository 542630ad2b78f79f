// Package graphiql serves the GraphiQL IDE from files embedded in the
// binary, so that it works with no internet access. The files come from the
// npm registry, at the versions pinned in update.sh, which refreshes them.
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed assets/*.js assets/*.css assets/LICENSE.* assets/SOURCES.txt
var assets embed.FS

//go:embed ide.html ide.js ide.css
var own embed.FS

// DefaultQuery is the query the IDE opens with.
const DefaultQuery = `# policykb: the policy as a graph.
# Run the query with ▶ or Ctrl-Enter.
{
  provision(id: "cs-budget-policy-fy2020:2.2.3.1") {
    label
    heading
    text
    ancestors { label heading }
    citations {
      text
      target { id title kind }
    }
  }
}
`

// file is one asset with its content hash, which its URL carries so that
// browsers may keep it for good.
type file struct {
	data []byte
	ct   string
	tag  string
}

// Handler serves the IDE at prefix (such as "/graphiql") and its assets
// below it, sending queries to endpoint (such as "/graphql").
func Handler(prefix, endpoint string) http.Handler {
	files := map[string]*file{}
	add := func(fsys fs.FS, dir string) {
		entries, _ := fs.ReadDir(fsys, dir)
		for _, e := range entries {
			name := e.Name()
			data, _ := fs.ReadFile(fsys, path.Join(dir, name))
			sum := sha256.Sum256(data)
			ct := mime.TypeByExtension(path.Ext(name))
			if ct == "" || strings.HasPrefix(name, "LICENSE") || strings.HasSuffix(name, ".txt") {
				ct = "text/plain; charset=utf-8"
			}
			files[name] = &file{data: data, ct: ct, tag: hex.EncodeToString(sum[:8])}
		}
	}
	add(assets, "assets")
	add(own, ".")
	delete(files, "ide.html")
	url := func(name string) string { return prefix + "/" + name + "?v=" + files[name].tag }
	page := template.Must(template.ParseFS(own, "ide.html"))
	var b bytes.Buffer
	if err := page.Execute(&b, map[string]any{
		"Prefix": prefix, "Endpoint": endpoint, "Query": DefaultQuery, "URL": url,
	}); err != nil {
		panic(err) // the template and its data are fixed
	}
	html := b.Bytes()
	sum := sha256.Sum256(html)
	htmlTag := `"` + hex.EncodeToString(sum[:8]) + `"`

	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix, func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", htmlTag)
		h.Set("X-Content-Type-Options", "nosniff")
		// GraphiQL's components set inline styles; scripts come from here only.
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
			"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		if match(r.Header.Get("If-None-Match"), htmlTag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(html)
	})
	mux.HandleFunc("GET "+prefix+"/{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, prefix, http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET "+prefix+"/{name}", func(w http.ResponseWriter, r *http.Request) {
		f, ok := files[r.PathValue("name")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.ct)
		h.Set("X-Content-Type-Options", "nosniff")
		tag := `"` + f.tag + `"`
		h.Set("ETag", tag)
		if r.URL.Query().Get("v") == f.tag {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		if match(r.Header.Get("If-None-Match"), tag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write(f.data)
	})
	return mux
}

// match reports whether an If-None-Match header lists tag.
func match(header, tag string) bool {
	for _, t := range strings.Split(header, ",") {
		if t = strings.TrimSpace(t); t == tag || t == "W/"+tag || t == "*" {
			return true
		}
	}
	return false
}
