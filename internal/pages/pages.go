// Package pages serves the reading view of the knowledge base: HTML pages
// at canonical URLs for documents, provisions, references and search, and
// the same objects as JSON for programs (Accept: application/json or
// ?format=json). An HTML page reads the services of package policy
// directly, the same services the API's resolvers call (model.go keeps, per
// store generation, what pages share), so that a page costs what it shows;
// the JSON of a page is the answer to a GraphQL query, in the shape of the
// GraphQL types, byte for byte what /graphql answers. Each resource is a
// file (provision.go, document.go, search.go, compare.go, series.go, …),
// and every handler opens the same way (handler.go).
//
// Routes (see SPEC, "Reading view and canonical URLs"):
//
//	/                              the documents and a search box
//	/documents                     the documents
//	/references                    every referenced document, by kind
//	/documents/{doc}               a document: contents, citation graph, full text
//	/documents/{doc}/{n1.n2…}      one provision (also …/preamble)
//	/references/{slug}             a referenced document and every citation of it
//	/compare/{from}/{to}           two documents side by side, aligned, changes marked
//	/series/{slug}                 a series: its documents, each provision's line through them
//	/search?q=…                    search, with the filters of SearchFilter
//	/id/{ID}                       303 to the page of any canonical ID
//	/assets/…                      the style sheet and the script of the copy button
package pages

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/graph"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/server"
	"github.com/vektah/gqlparser/v2/ast"
)

// Options configure the reading view.
type Options struct {
	// Logger receives internal errors; slog.Default() if nil.
	Logger *slog.Logger
	// BaseURL, such as "https://policykb.example.org", makes canonical links
	// absolute. Without it they are absolute paths: the host of a request
	// is not trusted to name the site.
	BaseURL string
}

// Handler serves the reading view.
type Handler struct {
	res   *graph.Resolver
	model *model
	log   *slog.Logger
	base  string
	mux   *http.ServeMux
	tmpl  *templates
	// The query of the JSON of a search, with the fields that explain a
	// search where the schema has them.
	searchJSON string
}

// New returns the reading view over the services of res.
func New(res *graph.Resolver, opt Options) *Handler {
	h := &Handler{res: res, model: newModel(res), log: opt.Logger, base: strings.TrimSuffix(opt.BaseURL, "/"), tmpl: parseTemplates()}
	conn, hit := searchExtras(graph.NewExecutableSchema(graph.Config{Resolvers: res}).Schema())
	h.searchJSON = fmt.Sprintf(searchJSON, conn, hit)
	if h.log == nil {
		h.log = slog.Default()
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", h.home)
	mux.HandleFunc("GET /documents", h.documents)
	mux.HandleFunc("GET /documents/{$}", func(w http.ResponseWriter, r *http.Request) {
		redirect(w, r, "/documents", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /references", h.references)
	mux.HandleFunc("GET /references/{$}", func(w http.ResponseWriter, r *http.Request) {
		redirect(w, r, "/references", http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /documents/{doc}", h.document)
	mux.HandleFunc("GET /documents/{doc}/{$}", func(w http.ResponseWriter, r *http.Request) {
		redirect(w, r, docPath(r.PathValue("doc")), http.StatusMovedPermanently)
	})
	mux.HandleFunc("GET /documents/{doc}/{local}", h.provision)
	mux.HandleFunc("GET /references/{slug}", h.reference)
	mux.HandleFunc("GET /compare/{from}/{to}", h.compare)
	mux.HandleFunc("GET /series/{slug}", h.series)
	mux.HandleFunc("GET /search", h.search)
	mux.HandleFunc("GET /id/{id...}", h.id)
	mux.HandleFunc("GET /assets/{name}", serveAsset)
	mux.HandleFunc("/", h.notFound)
	h.mux = mux
	return h
}

// searchExtras returns the fields of SearchConnection and of SearchHit
// that explain a search — whether the hits hold only some of the words
// (partial), how each word was found (matches), the documents found
// (facets) and the other years a hit stands for (alsoIn) — that schema
// has.
func searchExtras(schema *ast.Schema) (conn, hit string) {
	if t := schema.Types["SearchConnection"]; t != nil {
		if t.Fields.ForName("partial") != nil {
			conn = " partial"
		}
		if t.Fields.ForName("facets") != nil {
			conn += " facets { count document { id title fiscalYear } }"
		}
	}
	if t := schema.Types["SearchHit"]; t != nil {
		if t.Fields.ForName("matches") != nil {
			if m := schema.Types["Match"]; m != nil && m.Fields.ForName("query") != nil &&
				m.Fields.ForName("matched") != nil && m.Fields.ForName("via") != nil {
				hit = " matches { query matched via }"
			}
		}
		if t.Fields.ForName("partial") != nil {
			hit += " partial"
		}
		if t.Fields.ForName("alsoIn") != nil {
			hit += " alsoIn { id label document { id title fiscalYear } }"
		}
	}
	return conn, hit
}

// ServeHTTP serves the reading view. Its pages load scripts and styles
// from their own origin only, and every answer varies with the Accept
// header, which chooses between HTML and JSON: internal/server sets the
// headers that say so (Content-Security-Policy, Vary) on fresh and cached
// answers alike.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// Format is how an answer is written.
type format int

const (
	formatHTML format = iota
	formatJSON
)

// negotiate picks HTML or JSON: ?format=html|json wins; else the Accept
// header, JSON only where it prefers application/json to text/html.
// A bad ?format= is an error, answered in the format the Accept header asks.
func negotiate(r *http.Request) (format, error) {
	f := formatHTML
	if accept := r.Header.Get("Accept"); accept != "" {
		if html, js := acceptQ(accept); js > html {
			f = formatJSON
		}
	}
	if vs, ok := r.URL.Query()["format"]; ok {
		switch {
		case len(vs) != 1:
			return f, userError(policy.EINVALID, "format は一度だけ指定してください。", "give format once")
		case vs[0] == "json":
			return formatJSON, nil
		case vs[0] == "html":
			return formatHTML, nil
		}
		return f, userError(policy.EINVALID, "format には html か json を指定してください。", "unknown format %q: use html or json", clip(vs[0]))
	}
	return f, nil
}

// acceptQ returns the quality an Accept header gives to HTML and to JSON,
// counting the most specific media range that matches each.
func acceptQ(accept string) (html, js float64) {
	// specificity of the range that set each value: 0 none, 1 */*, 2 type/*, 3 exact
	var hs, js0 int
	for _, part := range strings.Split(accept, ",") {
		fields := strings.Split(part, ";")
		mt := strings.ToLower(strings.TrimSpace(fields[0]))
		q := 1.0
		for _, p := range fields[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f >= 0 && f <= 1 {
					q = f
				} else {
					q = 0
				}
			}
		}
		spec := func(exact, family string) int {
			switch mt {
			case exact:
				return 3
			case family:
				return 2
			case "*/*":
				return 1
			}
			return 0
		}
		if s := spec("text/html", "text/*"); s > hs || (s == hs && s > 0 && q > html) {
			hs, html = s, q
		}
		if s := spec("application/json", "application/*"); s > js0 || (s == js0 && s > 0 && q > js) {
			js0, js = s, q
		}
	}
	return html, js
}

// status is the HTTP status of err: that of its code (see server.Status),
// and 503 for a request that took too long or was cancelled.
func status(err error) int {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return server.Status(policy.ETIMEOUT)
	}
	return server.Status(policy.ErrorCode(err))
}

// fail answers with an error page, or a GraphQL-shaped error in JSON.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, f format, err error) {
	code := status(err)
	msg := policy.ErrorMessage(err)
	ecode := policy.ErrorCode(err)
	if code == http.StatusInternalServerError {
		h.log.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "error", err.Error())
	} else if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
		if ecode == policy.EINTERNAL {
			ecode, msg = policy.ETIMEOUT, "the request took too long or was cancelled"
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	if f == formatJSON {
		writeJSONStatus(w, code, map[string]any{"errors": []any{map[string]any{
			"message": msg, "extensions": map[string]any{"code": ecode}}}})
		return
	}
	v := &errorView{Status: code, Message: japanese(err)}
	if q := r.URL.Query().Get("q"); utf8.ValidString(q) && len(q) <= 1024 {
		v.Query = q
	}
	switch code {
	case http.StatusNotFound:
		v.Title = "ページが見つかりません"
	case http.StatusBadRequest:
		v.Title = "リクエストを読めません"
	case http.StatusServiceUnavailable:
		v.Title = "しばらくしてからもう一度お試しください"
	default:
		v.Title = "サーバーの内部エラー"
	}
	h.render(w, r, code, "error", page{Title: v.Title, Body: v, NoSiteSearch: true})
}

// notFound answers any path the reading view does not know.
func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed: the reading view is read-only", http.StatusMethodNotAllowed)
		return
	}
	f, _ := negotiate(r)
	h.fail(w, r, f, userError(policy.ENOTFOUND, "「"+clip(r.URL.Path)+"」というページはありません。", "no page at %s", clip(r.URL.Path)))
}

// clip shortens s for an error message and makes it valid UTF-8.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:80]) + "…"
	}
	return s
}

// query runs a GraphQL query in process and decodes its data into out.
func (h *Handler) query(ctx context.Context, q string, vars map[string]any, out any) (json.RawMessage, error) {
	data, err := graph.Query(ctx, h.res, q, vars)
	if err != nil {
		return nil, err
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return nil, err
		}
	}
	return data, nil
}

// writeJSON writes the field of a GraphQL answer that is the page's object.
func (h *Handler) writeJSON(w http.ResponseWriter, r *http.Request, data json.RawMessage, field string) {
	if field != "" {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			h.fail(w, r, formatJSON, err)
			return
		}
		data = m[field]
	}
	var b bytes.Buffer
	if err := json.Indent(&b, data, "", "  "); err != nil {
		h.fail(w, r, formatJSON, err)
		return
	}
	b.WriteByte('\n')
	// Escaped for HTML (<, >, & as \u003c …): the same JSON, safe even where
	// a browser would take it for a page.
	var esc bytes.Buffer
	json.HTMLEscape(&esc, b.Bytes())
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(esc.Bytes())
}

func writeJSONStatus(w http.ResponseWriter, code int, v any) {
	b, _ := json.MarshalIndent(v, "", "  ")
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// redirect answers with a redirect to a path of the reading view, keeping
// ?format=.
func redirect(w http.ResponseWriter, r *http.Request, to string, code int) {
	if f := r.URL.Query().Get("format"); f == "json" || f == "html" {
		frag := ""
		if i := strings.IndexByte(to, '#'); i >= 0 {
			to, frag = to[:i], to[i:]
		}
		sep := "?"
		if strings.Contains(to, "?") {
			sep = "&"
		}
		to += sep + "format=" + f + frag
	}
	w.Header().Set("Location", to)
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(code)
}

// Paths of the pages of objects, from their IDs.

func docPath(doc string) string { return "/documents/" + url.PathEscape(doc) }

func provisionPath(id string) string {
	doc, local, ok := policy.SplitID(id)
	if !ok {
		return docPath(id)
	}
	return docPath(doc) + "/" + url.PathEscape(local)
}

func referencePath(id string) string {
	return "/references/" + url.PathEscape(strings.TrimPrefix(id, policy.ReferenceIDPrefix))
}

// localID is the part of a provision or citation ID after the document:
// "2.2.3.1", "2.2.3.1~c1". It is the anchor of the provision or citation on
// the document page and on the provision page.
func localID(id string) string {
	if _, local, ok := policy.SplitID(id); ok {
		return local
	}
	return id
}

// citationPath is the provision page of a citation, at the citation.
func citationPath(id string) string {
	src, _, _ := strings.Cut(id, "~")
	return provisionPath(src) + "#" + url.PathEscape(localID(id))
}

// localRe is the form of the part of a provision ID after the document,
// at any depth.
var localRe = regexp.MustCompile(`^(preamble|[1-9][0-9]{0,8}(\.[1-9][0-9]{0,8})*)$`)

// maxSegment bounds the bytes of a path segment: room for the IDs of
// provisions thousands of levels deep.
const maxSegment = 8192

// validSegment reports whether a path segment can be part of an ID.
func validSegment(s string) bool {
	if s == "" || len(s) > maxSegment || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// pageParams checks that a request names no query parameter but format
// and the ones given, each at most once, and returns ?version= (0 when
// absent) where it is one of them.
func pageParams(r *http.Request, allowed ...string) (version int, err error) {
	q := r.URL.Query()
	for k, vs := range q {
		if k != "format" && !slices.Contains(allowed, k) {
			names := strings.Join(append([]string{"format"}, allowed...), ", ")
			return 0, userError(policy.EINVALID, "このページはパラメーター「"+clip(k)+"」を受け付けません（使えるのは "+names+"）。",
				"unknown parameter %q: this page takes %s", clip(k), names)
		}
		if len(vs) > 1 {
			return 0, userError(policy.EINVALID, "パラメーター「"+clip(k)+"」は一度だけ指定してください。", "give %s once", clip(k))
		}
	}
	if vs, ok := q["version"]; ok {
		n, err := strconv.Atoi(vs[0])
		if err != nil || n < 1 {
			return 0, userError(policy.EINVALID, "版（version）は1以上の数で指定してください。", "version must be a number of 1 or more, not %q", clip(vs[0]))
		}
		return n, nil
	}
	return 0, nil
}
