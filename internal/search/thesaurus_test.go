package search

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

func TestThesaurusFileErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"relation", "# ok\nsyn\tA案\tB案\nsame\t事故\t事案\n", "user.tsv:3: relation \"same\""},
		{"one term", "syn\t事故対応\n", "user.tsv:1: syn needs two or more terms"},
		{"spaces not tabs", "syn 事故対応 インシデント対応\n", "user.tsv:1: relation \"syn 事故対応 インシデント対応\""},
		{"english", "en\t脆弱性\tvulnerability\n", "user.tsv:1: \"脆弱性\": the first term of en is English"},
		{"no word", "syn\t事故対応\t。。\n", "user.tsv:1: term \"。。\" has no word"},
		{"utf-8", "syn\t事故対応\t\xff\xfe\n", "user.tsv:1: not valid UTF-8"},
		{"long", "syn\t事故対応\t" + strings.Repeat("長", maxTermRunes+1) + "\n", "user.tsv:1: term"},
		{"many", "syn" + strings.Repeat("\t人材", maxThesaurusTerms+1) + "\n", "user.tsv:1: 33 terms"},
	}
	for _, tt := range tests {
		th := &Thesaurus{byKey: map[string][]related{}}
		err := th.Add("user.tsv", strings.NewReader(tt.data))
		var te *ThesaurusError
		if !errors.As(err, &te) || !strings.HasPrefix(err.Error(), "thesaurus "+tt.want) {
			t.Errorf("%s: %v, want thesaurus %s…", tt.name, err, tt.want)
		}
	}
	// The shipped thesaurus reads without error.
	if _, err := LoadThesaurus(); err != nil {
		t.Fatal(err)
	}
}

// TestUserThesaurus checks that a user's file, named by POLICYKB_THESAURUS,
// adds entries to search, and that a bad one stops the index from opening
// with the file and line.
func TestUserThesaurus(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tsv")
	os.WriteFile(good, []byte("# 組織の略称\nsyn\t国家安全保障会議\tNSC\tガイドブック\nen\tcyber hygiene\tサイバーセキュリティ意識\n"), 0o644)
	bad := filepath.Join(dir, "bad.tsv")
	os.WriteFile(bad, []byte("syn\t事故\t事案\nsyn\n"), 0o644)
	store := newTextStore("全員参加による協働。サイバーセキュリティ意識・行動強化プログラム。", "ガイドブックを配布する。")

	t.Setenv(ThesaurusEnv, good)
	x := openIndex(t, "", store)
	for q, want := range map[string]string{"NSC": "t:2", "Cyber Hygiene": "t:1"} {
		r, err := x.Search(context.Background(), policy.SearchQuery{Query: q, First: 10})
		if err != nil || r.TotalCount != 1 || r.Hits[0].ProvisionID != want || r.Hits[0].Matches[0].Via != policy.MatchThesaurus {
			t.Errorf("%s: %+v, %v; want %s through the thesaurus", q, r, err, want)
		}
	}

	t.Setenv(ThesaurusEnv, good+string(os.PathListSeparator)+bad)
	if _, err := Open(context.Background(), "", store); err == nil || err.Error() != "thesaurus "+bad+":2: syn needs two or more terms separated by tabs" {
		t.Errorf("bad file: %v", err)
	}
	t.Setenv(ThesaurusEnv, filepath.Join(dir, "missing.tsv"))
	if _, err := Open(context.Background(), "", store); err == nil || !strings.Contains(err.Error(), "missing.tsv") {
		t.Errorf("missing file: %v", err)
	}
	t.Setenv(ThesaurusEnv, dir)
	if _, err := Open(context.Background(), "", store); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
}
