package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policykb/policykb/internal/policy"
)

// clause is one part of a user's query.
type clause struct {
	text   string
	phrase bool     // "…"
	negate bool     // -word
	or     []clause // a OR b OR c (then text is empty)
}

// parseQuery reads the query language: words are ANDed, "…" is a phrase,
// OR between two clauses makes either do, and -word excludes. It never
// fails on odd input that holds a word: an unclosed quote runs to the end,
// a "-" or "OR" at the edges is ignored, and an OR alone is the word. It
// refuses a query with no word (empty, or quotes and dashes only) and one
// whose words are all excluded.
func parseQuery(q string) ([]clause, error) {
	if strings.TrimFunc(q, unicode.IsSpace) == "" {
		return nil, policy.Errorf(policy.EINVALID, "empty search query")
	}
	if n := utf8.RuneCountInString(q); n > policy.MaxQueryLength {
		return nil, policy.Errorf(policy.EINVALID, "search query of %d characters; at most %d", n, policy.MaxQueryLength)
	}
	if !utf8.ValidString(q) {
		return nil, policy.Errorf(policy.EINVALID, "search query is not valid UTF-8")
	}
	var raw []clause
	rs := []rune(q)
	for i := 0; i < len(rs); {
		switch r := rs[i]; {
		case unicode.IsSpace(r):
			i++
		case r == '"' || r == '“' || r == '”' || r == '＂':
			j := i + 1
			for j < len(rs) && rs[j] != '"' && rs[j] != '”' && rs[j] != '“' && rs[j] != '＂' {
				j++
			}
			neg := len(raw) > 0 && raw[len(raw)-1].text == "-" && !raw[len(raw)-1].phrase
			if neg {
				raw = raw[:len(raw)-1]
			}
			if t := strings.TrimSpace(string(rs[i+1 : min(j, len(rs))])); t != "" {
				raw = append(raw, clause{text: t, phrase: true, negate: neg})
			}
			i = j + 1
		default:
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && rs[j] != '"' && rs[j] != '“' && rs[j] != '＂' {
				j++
			}
			w := string(rs[i:j])
			switch {
			case w == "-" && j < len(rs) && (rs[j] == '"' || rs[j] == '“' || rs[j] == '＂'):
				raw = append(raw, clause{text: "-"}) // negates the phrase that follows
			case strings.HasPrefix(w, "-") || strings.HasPrefix(w, "－"):
				if t := strings.TrimLeft(w, "-－"); t != "" {
					raw = append(raw, clause{text: t, negate: true})
				}
			default:
				raw = append(raw, clause{text: w})
			}
			i = j
		}
	}
	// Join a OR b into one clause.
	var out []clause
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c.text == "-" && !c.phrase {
			continue
		}
		if c.text == "OR" && !c.phrase {
			continue // at an edge, or doubled
		}
		if c.negate || i+2 >= len(raw) || raw[i+1].text != "OR" || raw[i+1].phrase || raw[i+2].negate {
			out = append(out, c)
			continue
		}
		group := clause{or: []clause{c}}
		for i+2 < len(raw) && raw[i+1].text == "OR" && !raw[i+1].phrase && !raw[i+2].negate && raw[i+2].text != "OR" {
			group.or = append(group.or, raw[i+2])
			i += 2
		}
		out = append(out, group)
	}
	positive, negative := false, false
	for _, c := range out {
		positive = positive || !c.negate
		negative = negative || c.negate
	}
	switch {
	case positive:
		return out, nil
	case negative:
		return nil, policy.Errorf(policy.EINVALID, "a search query needs at least one word that is not excluded")
	}
	// Nothing but OR is the word OR, read leniently.
	for _, c := range raw {
		if c.text == "OR" && !c.phrase {
			return []clause{{text: "OR"}}, nil
		}
	}
	return nil, policy.Errorf(policy.EINVALID, "search query %s holds no word: give at least one", policy.Quote(q))
}
