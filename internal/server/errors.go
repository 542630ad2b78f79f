package server

import (
	"encoding/json"
	"net/http"

	"github.com/policykb/policykb/internal/policy"
)

// statuses map the error codes of package policy onto HTTP: the one place
// they meet. A code not listed is a 500.
var statuses = map[string]int{
	policy.ENOTFOUND:        http.StatusNotFound,
	policy.EINVALID:         http.StatusBadRequest,
	policy.ECOMPLEXITY:      http.StatusBadRequest,
	policy.EDEPTH:           http.StatusBadRequest,
	policy.EINTROSPECTION:   http.StatusBadRequest,
	policy.EBADREQUEST:      http.StatusBadRequest,
	policy.EMEDIATYPE:       http.StatusUnsupportedMediaType,
	policy.EMETHOD:          http.StatusMethodNotAllowed,
	policy.EREQUESTTOOLARGE: http.StatusRequestEntityTooLarge,
	policy.EUNAVAILABLE:     http.StatusServiceUnavailable,
	policy.ETIMEOUT:         http.StatusServiceUnavailable,
}

// Status is the HTTP status of a request that fails with error code code.
// (A GraphQL operation that runs answers 200 whatever its errors, as
// GraphQL over HTTP does.)
func Status(code string) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// WriteError answers w with status and a GraphQL-shaped error of code and
// message, not to be stored by caches.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(errorJSON(code, message))
}

// errorJSON is a GraphQL answer of one error of code and message.
func errorJSON(code, message string) []byte {
	var body errorBody
	body.Errors = make([]errorEntry, 1)
	body.Errors[0].Message, body.Errors[0].Extensions.Code = message, code
	b, _ := json.Marshal(body)
	return b
}

// errorBody is a GraphQL answer of one error and no data.
type errorBody struct {
	Errors []errorEntry `json:"errors"`
	Data   any          `json:"data"`
}

type errorEntry struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}
