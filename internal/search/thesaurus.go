package search

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/policykb/policykb/corpus"
	"golang.org/x/text/unicode/norm"
)

// ThesaurusEnv names the environment variable that adds thesaurus files of
// a user's own to the shipped one (corpus/thesaurus.tsv): one path, or
// several separated by the system's list separator (":" on Unix).
const ThesaurusEnv = "POLICYKB_THESAURUS"

// Limits of a thesaurus file.
const (
	maxThesaurusBytes = 4 << 20
	maxThesaurusTerms = 32
	maxTermRunes      = 100
)

// Relation is how the terms of a thesaurus entry relate.
type Relation string

// The relations (the first column of a thesaurus line).
const (
	Synonym     Relation = "syn"     // the same concept: each term finds the others
	NearSynonym Relation = "near"    // close concepts: each finds the others, ranked lower
	Renamed     Relation = "renamed" // an old and a new name: each finds the others
	English     Relation = "en"      // an English term, then its Japanese: the English finds the Japanese
)

// Thesaurus maps query words to other words that find what they mean.
type Thesaurus struct {
	byKey map[string][]related
	// longest English entry, in words: how far queries are looked at for
	// a multi-word English term.
	maxWords int
}

type related struct {
	term string
	rel  Relation
}

// ThesaurusError is a thesaurus file that cannot be read, with its place.
type ThesaurusError struct {
	File string
	Line int // 0 for the file as a whole
	Msg  string
}

func (e *ThesaurusError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("thesaurus %s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("thesaurus %s:%d: %s", e.File, e.Line, e.Msg)
}

// LoadThesaurus returns the shipped thesaurus with the files named by
// POLICYKB_THESAURUS added, or the first error in them.
func LoadThesaurus() (*Thesaurus, error) {
	th := &Thesaurus{byKey: map[string][]related{}}
	if err := th.Add("corpus/thesaurus.tsv", bytes.NewReader(corpus.Thesaurus())); err != nil {
		return nil, err
	}
	for _, path := range filepath.SplitList(os.Getenv(ThesaurusEnv)) {
		if path == "" {
			continue
		}
		if err := th.AddFile(path); err != nil {
			return nil, err
		}
	}
	return th, nil
}

// AddFile adds the entries of the thesaurus file at path.
func (th *Thesaurus) AddFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return &ThesaurusError{File: path, Msg: err.Error()}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return &ThesaurusError{File: path, Msg: err.Error()}
	}
	if !st.Mode().IsRegular() {
		return &ThesaurusError{File: path, Msg: "not a regular file"}
	}
	return th.Add(path, f)
}

// Add adds the entries of a thesaurus file, named name in errors. The
// format, UTF-8 text:
//
//	# a comment; blank lines are ignored
//	syn<TAB>事故対応<TAB>インシデント対応
//	en<TAB>research and development<TAB>研究開発
//
// Each line is a relation (syn, near, renamed or en) and two or more terms,
// separated by tabs. For en the first term is English (ASCII) and the
// others Japanese; English words are matched whatever their case and
// inflection (vulnerability, vulnerabilities).
func (th *Thesaurus) Add(name string, r io.Reader) error {
	data, err := io.ReadAll(io.LimitReader(r, maxThesaurusBytes+1))
	if err != nil {
		return &ThesaurusError{File: name, Msg: err.Error()}
	}
	if len(data) > maxThesaurusBytes {
		return &ThesaurusError{File: name, Msg: fmt.Sprintf("larger than %d MiB", maxThesaurusBytes>>20)}
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), maxThesaurusBytes)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		bad := func(format string, args ...any) error {
			return &ThesaurusError{File: name, Line: n, Msg: fmt.Sprintf(format, args...)}
		}
		if !utf8.ValidString(line) {
			return bad("not valid UTF-8")
		}
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		rel := Relation(strings.TrimSpace(fields[0]))
		switch rel {
		case Synonym, NearSynonym, Renamed, English:
		default:
			return bad("relation %q: want syn, near, renamed or en, then terms separated by tabs", fields[0])
		}
		var terms []string
		for _, f := range fields[1:] {
			if f = strings.TrimSpace(f); f != "" {
				terms = append(terms, f)
			}
		}
		if len(terms) < 2 {
			return bad("%s needs two or more terms separated by tabs", rel)
		}
		if len(terms) > maxThesaurusTerms {
			return bad("%d terms; at most %d", len(terms), maxThesaurusTerms)
		}
		for i, t := range terms {
			if utf8.RuneCountInString(t) > maxTermRunes {
				return bad("term %q is longer than %d characters", t, maxTermRunes)
			}
			english := rel == English && i == 0
			if english && !isLatinPhrase(t) {
				return bad("%q: the first term of en is English (ASCII letters, digits, spaces and - & . ')", t)
			}
			if !english && !hasWordRune(t) {
				return bad("term %q has no word to search for", t)
			}
		}
		if rel == English {
			key := englishKey(terms[0])
			for _, t := range terms[1:] {
				th.add(key, t, rel)
			}
			th.maxWords = max(th.maxWords, len(strings.Fields(key)))
			continue
		}
		for _, a := range terms {
			for _, b := range terms {
				if a != b {
					th.add(jaKey(a), b, rel)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return &ThesaurusError{File: name, Msg: err.Error()}
	}
	return nil
}

func (th *Thesaurus) add(key, term string, rel Relation) {
	for _, r := range th.byKey[key] {
		if r.term == term {
			return
		}
	}
	th.byKey[key] = append(th.byKey[key], related{term, rel})
}

// lookup returns the terms related to a query word.
func (th *Thesaurus) lookup(word string) []related {
	if th == nil {
		return nil
	}
	word = norm.NFKC.String(word)
	out := th.byKey[jaKey(word)]
	if isLatinPhrase(word) {
		out = append(out[:len(out):len(out)], th.byKey[englishKey(word)]...)
	}
	return out
}

// isEnglish reports whether words (joined by spaces) are an English term of
// the thesaurus.
func (th *Thesaurus) isEnglish(words string) bool {
	words = norm.NFKC.String(words)
	return th != nil && isLatinPhrase(words) && len(th.byKey[englishKey(words)]) > 0
}

// jaKey is the key of a Japanese term: folded, katakana without long vowel
// marks and middle dots, no blanks.
func jaKey(s string) string { return kanaKey(foldKey(s)) }

// englishKey is the key of an English term: lower case, each word in the
// singular (vulnerabilities → vulnerability), single spaces. Stemming
// further would mix words up (governance and government are both govern to
// Porter's stemmer).
func englishKey(s string) string {
	fs := strings.Fields(strings.ToLower(s))
	for i, f := range fs {
		fs[i] = singular(f)
	}
	return "en:" + strings.Join(fs, " ")
}

// singular strips the plural ending of an English word.
func singular(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "xes"):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:len(w)-1]
	}
	return w
}

// isLatinPhrase reports whether s is ASCII letters and digits, with spaces
// and the punctuation of English terms.
func isLatinPhrase(s string) bool {
	letter := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			letter = true
		case r >= '0' && r <= '9', r == ' ', r == '-', r == '&', r == '.', r == '\'', r == '/':
		default:
			return false
		}
	}
	return letter
}
