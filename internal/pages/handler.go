package pages

import (
	"net/http"
)

// request is what a handler knows once it is open: the format asked for,
// and ?version= (0 when absent) where the page takes it.
type request struct {
	f       format
	version int
}

// open starts a handler, the same way for every page: it negotiates the
// format, checks that the query names no parameter but format and params
// (each at most once), and that each path segment given can be part of an
// ID, answering notFound where one cannot. Where it returns false it has
// answered, with the error.
func (h *Handler) open(w http.ResponseWriter, r *http.Request, notFound error, segments []string, params ...string) (request, bool) {
	f, err := negotiate(r)
	var version int
	if err == nil {
		version, err = pageParams(r, params...)
	}
	for _, s := range segments {
		if err == nil && !validSegment(s) {
			err = notFound
		}
	}
	if err != nil {
		h.fail(w, r, f, err)
		return request{f: f}, false
	}
	return request{f: f, version: version}, true
}

// answerJSON answers a page's JSON: the field of the answer to a GraphQL
// query, as /graphql answers it. wrap, where given, gives the errors of the
// query their Japanese messages.
func (h *Handler) answerJSON(w http.ResponseWriter, r *http.Request, query string, vars map[string]any, field string, wrap func(error) error) {
	data, err := h.query(r.Context(), query, vars, nil)
	if err != nil {
		if wrap != nil {
			err = wrap(err)
		}
		h.fail(w, r, formatJSON, err)
		return
	}
	h.writeJSON(w, r, data, field)
}
