package pages

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
)

// This file reads the parameters of /search and writes them back.

// searchParams are the query parameters /search accepts.
var searchParams = map[string]bool{"q": true, "kind": true, "under": true, "cites": true, "document": true, "after": true, "format": true,
	"year": true, "series": true, "collapse": true}

// maxParam bounds the bytes of a search parameter; the search service has
// its own, lower bound on the query in characters.
const maxParam = 2048

type searchInput struct {
	Q, Document, Under, Cites, After string
	Kinds                            []string
	Years                            []int  // fiscal years (year=2020&year=2021)
	Series                           string // a series ID or key
	EveryYear                        bool   // collapse=0: every document's provision a hit
}

// parseSearch reads and checks the parameters of /search.
func parseSearch(q url.Values) (searchInput, error) {
	var in searchInput
	for k, vs := range q {
		if !searchParams[k] {
			return in, userError(policy.EINVALID, "検索はパラメーター「"+clip(k)+"」を受け付けません（使えるのは q, kind, under, cites, document, year, series, collapse, after, format）。",
				"unknown parameter %q: /search takes q, kind, under, cites, document, year, series, collapse and after", clip(k))
		}
		if k != "kind" && k != "year" && len(vs) > 1 {
			return in, userError(policy.EINVALID, "パラメーター「"+clip(k)+"」は一度だけ指定してください。", "give %s once", k)
		}
		for _, v := range vs {
			if len(v) > maxParam {
				return in, userError(policy.EINVALID, "パラメーター「"+clip(k)+"」が長すぎます。", "parameter %s is longer than %d bytes", k, maxParam)
			}
			if !utf8.ValidString(v) {
				return in, userError(policy.EINVALID, "パラメーター「"+clip(k)+"」の文字を読めません（UTF-8 ではありません）。", "parameter %s is not valid UTF-8", k)
			}
		}
	}
	in.Q = strings.TrimSpace(q.Get("q"))
	in.Document, in.Under, in.Cites, in.After = q.Get("document"), q.Get("under"), q.Get("cites"), q.Get("after")
	if len(q["kind"]) > len(policy.Kinds) {
		return in, userError(policy.EINVALID, "項目の種類（kind）の指定が多すぎます。", "too many kinds")
	}
	for _, k := range q["kind"] {
		if k == "" {
			continue
		}
		kind := policy.Kind(strings.ToUpper(k))
		if !kind.Valid() {
			return in, userError(policy.EINVALID, "項目の種類「"+clip(k)+"」はありません（"+kindList(", ", ", ")+" のいずれか）。",
				"unknown kind %q: use %s", clip(k), kindList(", ", " or "))
		}
		if !slices.Contains(in.Kinds, string(kind)) {
			in.Kinds = append(in.Kinds, string(kind))
		}
	}
	if in.Cites != "" && !strings.HasPrefix(in.Cites, policy.ReferenceIDPrefix) {
		in.Cites = policy.ReferenceIDPrefix + in.Cites
	}
	if len(q["year"]) > 50 {
		return in, userError(policy.EINVALID, "年度（year）の指定が多すぎます。", "too many years")
	}
	for _, y := range q["year"] {
		if y == "" {
			continue
		}
		n, err := strconv.Atoi(y)
		if err != nil || n < 1868 || n > 2999 {
			return in, userError(policy.EINVALID, "年度「"+clip(y)+"」は西暦の年（2020 など）で指定してください。",
				"year %q: give a Gregorian year such as 2020", clip(y))
		}
		if !slices.Contains(in.Years, n) {
			in.Years = append(in.Years, n)
		}
	}
	slices.Sort(in.Years)
	in.Series = q.Get("series")
	switch c := q.Get("collapse"); c {
	case "", "1", "true":
	case "0", "false":
		in.EveryYear = true
	default:
		return in, userError(policy.EINVALID, "collapse は 0 か 1 で指定してください。", "collapse %q: give 0 or 1", clip(c))
	}
	return in, nil
}

// kindList lists the kinds of policy.Kinds, separated by sep, the last two
// by last: "PREAMBLE, SECTION, … or POINT".
func kindList(sep, last string) string {
	var b strings.Builder
	for i, k := range policy.Kinds {
		switch {
		case i == 0:
		case i == len(policy.Kinds)-1:
			b.WriteString(last)
		default:
			b.WriteString(sep)
		}
		b.WriteString(string(k))
	}
	return b.String()
}

// path is the canonical URL of a search: its parameters in a fixed order.
func (in searchInput) path() string {
	var parts []string
	add := func(k, s string) {
		if s != "" {
			parts = append(parts, k+"="+url.QueryEscape(s))
		}
	}
	add("q", in.Q)
	add("document", in.Document)
	for _, k := range in.Kinds {
		parts = append(parts, "kind="+k)
	}
	add("under", in.Under)
	add("cites", strings.TrimPrefix(in.Cites, policy.ReferenceIDPrefix))
	for _, y := range in.Years {
		parts = append(parts, "year="+strconv.Itoa(y))
	}
	add("series", in.Series)
	if in.EveryYear {
		parts = append(parts, "collapse=0")
	}
	add("after", in.After)
	if len(parts) == 0 {
		return "/search"
	}
	return "/search?" + strings.Join(parts, "&")
}

// vars are the variables of the GraphQL query of the search.
func (in searchInput) vars() map[string]any {
	filter := map[string]any{}
	for k, v := range map[string]string{"document": in.Document, "under": in.Under, "cites": in.Cites, "series": in.Series} {
		if v != "" {
			filter[k] = v
		}
	}
	if len(in.Kinds) > 0 {
		filter["kinds"] = in.Kinds
	}
	if len(in.Years) > 0 {
		filter["fiscalYears"] = in.Years
	}
	if in.EveryYear {
		filter["collapse"] = false
	}
	vars := map[string]any{"q": in.Q, "first": searchPageSize, "filter": filter}
	if in.After != "" {
		vars["after"] = in.After
	}
	return vars
}
