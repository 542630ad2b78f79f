package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
	xunicode "golang.org/x/text/encoding/unicode"
)

// TestUnknownDocument checks that every command that takes a document ID
// refuses one the store does not hold alike: exit 1, nothing on stdout,
// and the documents the store holds.
func TestUnknownDocument(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	holds := "; the store holds " + docID + "\n"
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"search", "--data", data, "--document", "nosuch", "人材"}, `policykb search: no document "nosuch"` + holds},
		{[]string{"search", "--data", data, "人材", "--document=nosuch"}, `policykb search: no document "nosuch"` + holds},
		{[]string{"search", "--data", data, "--under", docID + ":9", "人材"}, `policykb search: no provision "` + docID + `:9"` + "\n"},
		{[]string{"export", "--data", data, "--document", "nosuch"}, `policykb export: no document "nosuch"` + holds},
		{[]string{"history", "--data", data, "nosuch"}, `policykb history: no document "nosuch"` + holds},
		{[]string{"revert", "--data", data, "nosuch", "1"}, `policykb revert: no document "nosuch"` + holds},
		{[]string{"history", "--data", data, "no\nsuch"}, `policykb history: no document "no\nsuch"` + holds},
		{[]string{"export", "--data", data, "--document", docID + ":1"}, `policykb export: no document "` + docID + `:1"` + holds},
		{[]string{"revert", "--data", data, "CS-BUDGET-POLICY-FY2020", "1"}, `policykb revert: no document "CS-BUDGET-POLICY-FY2020"` + holds},
	}
	before := mustRun(t, "export", "--data", data)
	for _, tt := range tests {
		code, out, errs := policykb(t, tt.args...)
		if code != 1 || out != "" || errs != tt.stderr {
			t.Errorf("policykb %q: exit %d, stdout %q, stderr %q; want 1, nothing and %q", tt.args, code, out, errs, tt.stderr)
		}
	}
	if after := mustRun(t, "export", "--data", data); after != before {
		t.Error("a command given an unknown document changed the store")
	}
}

// TestHolds checks how many document IDs a message names.
func TestHolds(t *testing.T) {
	ids := func(n int) []string {
		var s []string
		for i := range n {
			s = append(s, fmt.Sprintf("d%02d", i))
		}
		return s
	}
	tests := []struct {
		n    int
		want string
	}{
		{0, "the store holds no document"},
		{1, "the store holds d00"},
		{10, "the store holds d00, d01, d02, d03, d04, d05, d06, d07, d08, d09"},
		{11, "the store holds 11 documents: d00, d01, d02, d03, d04, d05, d06, d07, d08, d09, and 1 more"},
		{1000, "the store holds 1000 documents: d00, d01, d02, d03, d04, d05, d06, d07, d08, d09, and 990 more"},
	}
	for _, tt := range tests {
		if got := holds(ids(tt.n)); got != tt.want {
			t.Errorf("holds(%d IDs) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestSameTextOtherBytes ingests the policy in other encodings and with
// other line breaks after the original: the same text adds no version, and
// says how the bytes differ; a changed word adds version 2.
func TestSameTextOtherBytes(t *testing.T) {
	src := readCorpus(t)
	data, dir := t.TempDir(), t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	before := mustRun(t, "export", "--data", data)
	sjis, err := japanese.ShiftJIS.NewEncoder().Bytes(src)
	if err != nil {
		t.Fatal(err)
	}
	utf16le, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes(src)
	if err != nil {
		t.Fatal(err)
	}
	utf16be, err := xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM).NewEncoder().Bytes(src)
	if err != nil {
		t.Fatal(err)
	}
	crlf := bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))
	sjisCRLF, err := japanese.ShiftJIS.NewEncoder().Bytes(crlf)
	if err != nil {
		t.Fatal(err)
	}
	const same = ": " + docID + " unchanged: the same text as version 1, the current one"
	tests := []struct {
		name string
		data []byte
		how  string
	}{
		{"copy.txt", src, ""},
		{"bom.txt", append([]byte("\xEF\xBB\xBF"), src...), " (with or without a byte-order mark)"},
		{"shift_jis.txt", sjis, " (in Shift_JIS, not UTF-8)"},
		{"utf16le.txt", utf16le, " (in UTF-16LE, not UTF-8)"},
		{"utf16be.txt", utf16be, " (in UTF-16BE, not UTF-8)"},
		{"crlf.txt", crlf, " (with CRLF line breaks, not LF)"},
		{"cr.txt", bytes.ReplaceAll(src, []byte("\n"), []byte("\r")), " (with CR line breaks, not LF)"},
		{"mixed.txt", bytes.Replace(src, []byte("\n"), []byte("\r\n"), 3), " (with mixed line breaks, not LF)"},
		{"no-final-newline.txt", bytes.TrimRight(src, "\n"), " (with other line breaks)"},
		{"bom-crlf.txt", append([]byte("\xEF\xBB\xBF"), crlf...), " (with CRLF line breaks, not LF)"},
		{"shift_jis-crlf.txt", sjisCRLF, " (in Shift_JIS, not UTF-8; with CRLF line breaks, not LF)"},
	}
	for _, tt := range tests {
		file := writeFile(t, dir, tt.name, tt.data)
		code, out, errs := policykb(t, "ingest", "--data", data, file)
		if want := file + same + tt.how + "\n"; code != 0 || out != want || errs != "" {
			t.Errorf("ingest %s: exit %d, stdout %q, stderr %q; want 0 and %q", tt.name, code, out, errs, want)
		}
	}
	// All of them at once, too.
	var files []string
	for _, tt := range tests {
		files = append(files, filepath.Join(dir, tt.name))
	}
	out := mustRun(t, append([]string{"ingest", "--data", data, "--replace"}, files...)...)
	if n := strings.Count(out, same); n != len(files) {
		t.Errorf("ingest of %d copies at once: %d unchanged:\n%s", len(files), n, out)
	}
	if after := mustRun(t, "export", "--data", data); after != before {
		t.Error("the same text in other bytes changed the export")
	}
	if got := versionCount(t, data); got != 1 {
		t.Fatalf("%d versions after the same text in other bytes, want 1", got)
	}

	// A changed word is a new version, in any encoding.
	changed := bytes.Replace(crlf, []byte("人材育成・確保"), []byte("人材育成・定着"), 1)
	if bytes.Equal(changed, crlf) {
		t.Fatal("the word to change is not in the corpus")
	}
	changedSJIS, err := japanese.ShiftJIS.NewEncoder().Bytes(changed)
	if err != nil {
		t.Fatal(err)
	}
	file := writeFile(t, dir, "changed.txt", changedSJIS)
	code, out, errs := policykb(t, "ingest", "--data", data, file)
	if want := file + ": ingested " + docID + " (35 provisions, 6 pages, Shift_JIS) as version 2\n"; code != 0 || out != want || errs != "" {
		t.Errorf("ingest changed.txt: exit %d, stdout %q, stderr %q; want 0 and %q", code, out, errs, want)
	}
	if got := versionCount(t, data); got != 2 {
		t.Errorf("%d versions after a changed word, want 2", got)
	}
	// The original again is a new version, though version 1 had its text.
	if out := mustRun(t, "ingest", "--data", data, corpusFile); out != corpusFile+": ingested "+docID+" (35 provisions, 6 pages, UTF-8) as version 3\n" {
		t.Errorf("the original after a change: %q", out)
	}
}

// versionCount is the number of versions history lists.
func versionCount(t *testing.T, data string) int {
	t.Helper()
	out := mustRun(t, "history", "--data", data, docID)
	return strings.Count(out, "\n") - 2 // the heading and the "* current" line
}

// TestRevertToCurrent checks that reverting to the current version is not
// a failure: nothing changes, a note on stderr, exit 0.
func TestRevertToCurrent(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	before := mustRun(t, "history", "--data", data, docID)
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"revert", "--data", data, docID, "1"}, "policykb revert: " + docID + ": version 1 is already the current one; nothing to do\n"},
		{[]string{"revert", "--data", data, docID, "01"}, "policykb revert: " + docID + ": version 1 is already the current one; nothing to do\n"},
	}
	for _, tt := range tests {
		code, out, errs := policykb(t, tt.args...)
		if code != 0 || out != "" || errs != tt.stderr {
			t.Errorf("policykb %q: exit %d, stdout %q, stderr %q; want 0, nothing and %q", tt.args, code, out, errs, tt.stderr)
		}
	}
	if after := mustRun(t, "history", "--data", data, docID); after != before {
		t.Errorf("reverting to the current version changed the history:\n%s", after)
	}

	// Version 1 again as version 3: reverting to 1 once more changes nothing.
	mustRun(t, "ingest", "--data", data, "--replace", writeFile(t, t.TempDir(), "short.txt", shortPolicy(t)))
	mustRun(t, "revert", "--data", data, docID, "1")
	before = mustRun(t, "history", "--data", data, docID)
	want := "policykb revert: " + docID + ": version 1 has the same text as version 3, the current one; nothing to do\n"
	if code, out, errs := policykb(t, "revert", "--data", data, docID, "1"); code != 0 || out != "" || errs != want {
		t.Errorf("revert to 1 again: exit %d, stdout %q, stderr %q; want 0, nothing and %q", code, out, errs, want)
	}
	if after := mustRun(t, "history", "--data", data, docID); after != before {
		t.Errorf("reverting to a version with the current text changed the history:\n%s", after)
	}
}

// TestIngestFailedMessage checks what ingest says of files it could not
// ingest, alone and beside others.
func TestIngestFailedMessage(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	empty := writeFile(t, dir, "empty.txt", nil)
	tests := []struct {
		files []string
		last  string
	}{
		{[]string{empty}, "policykb ingest: 1 of 1 file not ingested; nothing was stored for it; the store is unchanged\n"},
		{[]string{empty, empty}, "policykb ingest: 2 of 2 files not ingested; nothing was stored for them; the store is unchanged\n"},
		{[]string{empty, corpusFile}, "policykb ingest: 1 of 2 files not ingested; nothing was stored for it; the others are as reported above\n"},
	}
	for _, tt := range tests {
		code, _, errs := policykb(t, append([]string{"ingest", "--data", data}, tt.files...)...)
		if code != 1 || !strings.HasSuffix(errs, "\n"+tt.last) {
			t.Errorf("ingest %q: exit %d, stderr %q; want 1 and last line %q", tt.files, code, errs, tt.last)
		}
	}
}

// TestOptionErrors checks that every command reports a bad option with
// the spelling its help uses (--name), and exit status 2.
func TestOptionErrors(t *testing.T) {
	untouched := filepath.Join(t.TempDir(), "untouched")
	for _, name := range commandNames() {
		for _, bogus := range []string{"--bogus", "-bogus", "--bogus=1"} {
			args := []string{name, bogus}
			want := "policykb " + name + ": unknown option --bogus\nRun 'policykb " + name + " --help' for usage.\n"
			if code, out, errs := policykb(t, args...); code != 2 || out != "" || errs != want {
				t.Errorf("policykb %q: exit %d, stdout %q, stderr %q; want 2, nothing and %q", args, code, out, errs, want)
			}
		}
		if name == "version" || name == "completion" {
			continue // no --data
		}
		args := []string{name, "--data"}
		want := "policykb " + name + ": --data needs a value\nRun 'policykb " + name + " --help' for usage.\n"
		if code, out, errs := policykb(t, args...); code != 2 || out != "" || errs != want {
			t.Errorf("policykb %q: exit %d, stdout %q, stderr %q; want 2, nothing and %q", args, code, out, errs, want)
		}
	}
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"search", "--data", untouched, "--first", "x", "q"}, `--first: invalid value "x": want a whole number from 1 to 100`},
		{[]string{"search", "--data", untouched, "-first=0", "q"}, `--first: invalid value "0": want a whole number from 1 to 100`},
		{[]string{"search", "--data", untouched, "q", "--first"}, `--first needs a value`},
		{[]string{"serve", "--data", untouched, "--timeout", "soon"}, `--timeout: invalid value "soon": want a duration such as 30s or 1m30s`},
		{[]string{"serve", "--data", untouched, "--no-introspection=maybe"}, `--no-introspection: invalid value "maybe": want true or false`},
		{[]string{"ingest", "--data", untouched, "--replace=2", "a.txt"}, `--replace: invalid value "2": want true or false`},
		{[]string{"ingest", "--data", untouched, "--lock-timeout", "1", "a.txt"}, `--lock-timeout: invalid value "1": want a duration such as 30s or 1m30s`},
		{[]string{"revert", "--data", untouched, "--lock-timeout=x", docID, "1"}, `--lock-timeout: invalid value "x": want a duration such as 30s or 1m30s`},
		{[]string{"backup", "--data", untouched, "--force=yes", "copy.db"}, `--force: invalid value "yes": want true or false`},
		{[]string{"export", "--data", untouched, "---document", "x"}, `bad option syntax: "---document"`},
		{[]string{"export", "--data", untouched, "--bo\ngus"}, `unknown option "--bo\ngus"`},
		{[]string{"export", "--data", untouched, "-人材"}, `unknown option --人材`},
	}
	for _, tt := range tests {
		want := "policykb " + tt.args[0] + ": " + tt.stderr + "\nRun 'policykb " + tt.args[0] + " --help' for usage.\n"
		if code, out, errs := policykb(t, tt.args...); code != 2 || out != "" || errs != want {
			t.Errorf("policykb %q: exit %d, stdout %q, stderr %q; want 2, nothing and %q", tt.args, code, out, errs, want)
		}
	}
}

// TestQueryRefused checks that a query the query language refuses is bad
// usage: exit 2, the reason and what a query may hold, nothing on stdout.
func TestQueryRefused(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	const lang = `A query holds words (a hit has them all), "a phrase", a OR b, and -word to
leave out hits with the word; at least one word not left out, at most 256 characters.
`
	const noWord = "policykb search: a search query needs at least one word that is not excluded\n" + lang
	tests := []struct {
		query  []string
		stderr string
	}{
		{[]string{strings.Repeat("人", 257)}, "policykb search: search query of 257 characters; at most 256\n" + lang},
		{[]string{strings.Repeat("a ", 128), "b"}, "policykb search: search query of 258 characters; at most 256\n" + lang},
		{[]string{`"`}, "policykb search: search query \"\\\"\" holds no word: give at least one\n" + lang},
		{[]string{`""`}, "policykb search: search query \"\\\"\\\"\" holds no word: give at least one\n" + lang},
		{[]string{"-", `"`}, "policykb search: search query \"- \\\"\" holds no word: give at least one\n" + lang},
		{[]string{"-人材"}, noWord},
		{[]string{"-人材", "-IoT"}, noWord},
		{[]string{" "}, "policykb search: empty search query\n" + lang},
	}
	for _, tt := range tests {
		args := append([]string{"search", "--data", data, "--"}, tt.query...)
		if code, out, errs := policykb(t, args...); code != 2 || out != "" || errs != tt.stderr {
			t.Errorf("policykb %q: exit %d, stdout %q, stderr %q; want 2, nothing and %q", args, code, out, errs, tt.stderr)
		}
	}
	// A lone OR is read leniently, as the word.
	if code, out, errs := policykb(t, "search", "--data", data, "OR"); code != 0 || out != "0 hits\n" {
		t.Errorf("search OR: exit %d, stdout %q, stderr %q; want 0 and 0 hits", code, out, errs)
	}
	// The longest query allowed is no usage error.
	if code, _, errs := policykb(t, "search", "--data", data, strings.Repeat("人", 256)); code != 0 {
		t.Errorf("a query of 256 characters: exit %d: %s", code, errs)
	}
}

// TestExportVersions checks that export lists each document's versions in
// the shape of the GraphQL types, whole and for one document.
func TestExportVersions(t *testing.T) {
	data := t.TempDir()
	mustRun(t, "ingest", "--data", data, corpusFile)
	short := writeFile(t, t.TempDir(), "short.txt", shortPolicy(t))
	mustRun(t, "ingest", "--data", data, "--replace", short)
	sum := sha256.Sum256(shortPolicy(t))
	want := fmt.Sprintf(`{"version":2,"versions":[`+
		`{"number":1,"sha256":"6bd490ab7e5a54bc300ccab631698c1eee3f7d623f86066c10c31003a793218e","ingestedAt":"T","provisionCount":35,"current":false},`+
		`{"number":2,"sha256":"%x","ingestedAt":"T","provisionCount":2,"current":true}]}`, sum)
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	for _, args := range [][]string{{"export", "--data", data}, {"export", "--data", data, "--document", docID}} {
		var export struct {
			Documents []struct {
				Version  int `json:"version"`
				Versions []struct {
					Number         int    `json:"number"`
					SHA256         string `json:"sha256"`
					IngestedAt     string `json:"ingestedAt"`
					ProvisionCount int    `json:"provisionCount"`
					Current        bool   `json:"current"`
				} `json:"versions"`
			} `json:"documents"`
		}
		if err := json.Unmarshal([]byte(mustRun(t, args...)), &export); err != nil {
			t.Fatal(err)
		}
		if len(export.Documents) != 1 {
			t.Fatalf("policykb %q: %d documents", args, len(export.Documents))
		}
		d := export.Documents[0]
		for i := range d.Versions {
			if !stamp.MatchString(d.Versions[i].IngestedAt) {
				t.Errorf("policykb %q: ingestedAt %q", args, d.Versions[i].IngestedAt)
			}
			d.Versions[i].IngestedAt = "T"
		}
		got, _ := json.Marshal(d)
		if string(got) != want {
			t.Errorf("policykb %q: versions\n%s\nwant\n%s", args, got, want)
		}
	}
}

// withoutVersions is an export without the documents' version and versions,
// to compare what two stores hold whatever their histories.
func withoutVersions(t *testing.T, export string) string {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(export), &v); err != nil {
		t.Fatal(err)
	}
	docs, _ := v["documents"].([]any)
	for _, d := range docs {
		if d, ok := d.(map[string]any); ok {
			delete(d, "version")
			delete(d, "versions")
		}
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestIngestDocumentOptions checks that ingest takes --title, --decided-on
// (ISO or 和暦), --decided-by, --fiscal-year and --partial (the ingest
// package's tests check that they reach the parser), and that bad values
// are bad usage.
func TestIngestDocumentOptions(t *testing.T) {
	for _, args := range [][]string{
		{"--id", "x-2020", "--title", "題", "--decided-on", "2019-05-24", "--decided-by", "本部", "--fiscal-year", "2021"},
		{"--id", "x-2020", "--decided-on", "令和元年５月２５日", "--partial"},
	} {
		data := t.TempDir()
		out := mustRun(t, append(append([]string{"ingest", "--data", data}, args...), corpusFile)...)
		if !strings.Contains(out, "ingested x-2020 (35 provisions") {
			t.Errorf("ingest %q printed %q", args, out)
		}
	}
	bad := []struct {
		args []string
		want string
	}{
		{[]string{"--decided-on", "soon"}, `--decided-on: invalid value "soon": want a date such as 2019-05-23, 2019-05 or 2019, or 令和元年5月23日`},
		{[]string{"--fiscal-year", "20"}, `--fiscal-year: invalid value "20": want a whole number from 1900 to 2200`},
		{[]string{"--title", "t", corpusFile}, "--title describes one document: give it with one file"},
	}
	for _, tt := range bad {
		args := append(append([]string{"ingest", "--data", filepath.Join(t.TempDir(), "untouched")}, tt.args...), corpusFile)
		if code, _, errs := policykb(t, args...); code != 2 || !strings.Contains(errs, "policykb ingest: "+tt.want+"\n") {
			t.Errorf("policykb %q: exit %d, stderr %q; want 2 and %q", args, code, errs, tt.want)
		}
	}
}
