package parse

import (
	"strings"
	"unicode"

	"github.com/policykb/policykb/internal/numbering"
	"github.com/policykb/policykb/internal/policy"
	"github.com/policykb/policykb/internal/wareki"
	"golang.org/x/text/unicode/norm"
)

// This file reads the header lines of a document: its title, the date of
// its decision and who decided it, in whichever order they stand.

// isDecidingBody reports whether t names who decided the text: …決定,
// …了承, …報告, …改定.
func isDecidingBody(t string) bool {
	if strings.Contains(t, "。") || cells(t) > 80 || len(numbering.Read(t)) > 0 {
		return false
	}
	for _, s := range []string{"決定", "了承", "報告", "改定"} {
		if strings.HasSuffix(t, s) {
			return true
		}
	}
	return false
}

// header finds the title, date and deciding-body lines among the first
// lines, in whichever order they stand, and returns the index of the line
// before the body of the text.
func header(lines []srcLine, opt Options) (int, *Error) {
	i := next(lines, -1)
	if i < 0 {
		return 0, &Error{Line: 1, Msg: "empty file"}
	}
	last := -1
	title := false
	for k := 0; k < 5 && i >= 0; k++ {
		t := lines[i].text
		switch {
		case isDate(t) && lines[i].class == clBlank:
			lines[i].class = clDate
		case isDecidingBody(t):
			lines[i].class = clBody
		case !title && titleLine(t, opt):
			lines[i].class = clTitle
			title = true
			// A title over two lines: the second is short and not a
			// sentence, and a date or a deciding body follows it, or the
			// first stops mid-phrase.
			if j := next(lines, i); j >= 0 && titleLine(lines[j].text, opt) && !isDecidingBody(lines[j].text) {
				if k := next(lines, j); k >= 0 && (isDate(lines[k].text) || isDecidingBody(lines[k].text)) || openPhrase(t) {
					lines[j].class = clTitle
					i = j
				}
			}
		default:
			k = 5
			continue
		}
		last = i
		i = next(lines, i)
	}
	if !title && !opt.Partial && opt.Title == "" {
		first := next(lines, -1)
		return 0, &Error{Line: lines[first].no, Msg: "no title: the first line is not the Japanese title of a policy (an excerpt without one: --partial --title)"}
	}
	return last, nil
}

// isDate reports whether t is a date line: 令和元年５月２３日, 2019年5月23日,
// perhaps in brackets, perhaps followed by who decided
// (令和元年５月２３日 サイバーセキュリティ戦略本部決定).
func isDate(t string) bool {
	_, _, ok := dateLine(t)
	return ok
}

// dateLine reads a date line: the date, and who decided where the line
// names them after the date.
func dateLine(t string) (d policy.Date, by string, ok bool) {
	s := strings.Trim(t, "（）()【】［］〔〕 　")
	if d, ok = wareki.Parse(s); ok {
		return d, "", true
	}
	// The date, a blank, and the deciding body.
	i := strings.IndexAny(s, " 　")
	for i > 0 {
		date, rest := s[:i], strings.TrimSpace(s[i:])
		if d, ok = wareki.Parse(date); ok && isDecidingBody(rest) {
			return d, strings.TrimSuffix(rest, "決定"), true
		}
		j := strings.IndexAny(s[i+1:], " 　")
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return policy.Date{}, "", false
}

// titleLine reports whether t can be (part of) a title: Japanese, short,
// not a sentence, not a marker, and, for an excerpt whose title is given,
// that title.
func titleLine(t string, opt Options) bool {
	if !hasJapanese(t) || !headingLike(t) || len(numbering.Read(t)) > 0 || isDate(t) {
		return false
	}
	if _, ok := contentsEntry(t); ok || t == "目次" {
		return false
	}
	if opt.Partial && opt.Title != "" {
		return blankless(norm.NFKC.String(t)) == blankless(norm.NFKC.String(opt.Title))
	}
	return true
}

// openPhrase reports whether a title line stops mid-phrase, so that the
// next line goes on with it.
func openPhrase(t string) bool {
	for _, s := range []string{"に関する", "における", "に係る", "のための", "及び", "並びに", "の", "・", "、"} {
		if strings.HasSuffix(t, s) {
			return true
		}
	}
	return false
}

func blankless(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
