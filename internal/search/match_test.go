package search

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/policy"
)

// textStore is a store of one document whose provisions are the given
// texts, for checking classes of queries on texts other than the corpus.
type textStore struct{ provs []*policy.Provision }

func newTextStore(texts ...string) *textStore {
	s := &textStore{}
	for i, t := range texts {
		s.provs = append(s.provs, &policy.Provision{ID: fmt.Sprintf("t:%d", i+1), DocumentID: "t", Seq: i + 1,
			Kind: policy.KindItem, Number: i + 1, Label: fmt.Sprint(i + 1), Paragraphs: []string{t}})
	}
	return s
}

func (s *textStore) Generation(context.Context) (int64, error) { return 1, nil }
func (s *textStore) Provisions(context.Context, policy.ProvisionFilter) ([]*policy.Provision, error) {
	return s.provs, nil
}
func (s *textStore) Citations(context.Context, policy.CitationFilter) ([]*policy.Citation, error) {
	return nil, nil
}
func (s *textStore) Terms(context.Context, string) ([]*policy.DefinedTerm, error) { return nil, nil }
func (s *textStore) Documents(context.Context) ([]*policy.Document, error) {
	return []*policy.Document{{ID: "t", Title: "t"}}, nil
}
func (s *textStore) DocumentsByID(ctx context.Context, _ []string) ([]*policy.Document, error) {
	return s.Documents(ctx)
}
func (s *textStore) Changes(_ context.Context, since int64) (*policy.StoreChanges, error) {
	return &policy.StoreChanges{Store: "t", Generation: 1, Complete: since == 1}, nil
}

// TestClasses checks other members of each class of query than those of
// the evaluation set, each against a text that holds its word in another
// form (found, with the kind of match), or only inside a longer word (not
// found).
func TestClasses(t *testing.T) {
	tests := []struct {
		query, text string
		via         policy.MatchKind // "" for a trap: nothing found
	}{
		// Inflection.
		{"引き継ぐ", "業務を引き継いだ。", policy.MatchVariant},
		{"高める", "意識を高めた。", policy.MatchVariant},
		{"守った", "国民を守る。", policy.MatchVariant},
		{"新しい", "新しく作った。", policy.MatchVariant},
		// Okurigana.
		{"申合せ", "関係省庁の申し合わせによる。", policy.MatchVariant},
		{"申し合わせ", "関係省庁の申合せによる。", policy.MatchVariant},
		{"問い合わせ", "窓口に問合せる。", policy.MatchVariant},
		{"見積もり", "費用の見積りを行う。", policy.MatchVariant},
		{"引継ぎ", "業務の引き継ぎを行う。", policy.MatchVariant},
		{"取扱い", "情報の取り扱いに注意する。", policy.MatchVariant},
		{"打ち合わせ", "打合せを行う。", policy.MatchVariant},
		{"組み込み", "組込みシステムの安全。", policy.MatchVariant},
		// Kana and kanji mixed.
		{"き損", "信用を毀損する。", policy.MatchVariant},
		{"毀損", "信用をき損する。", policy.MatchVariant},
		{"ぜい弱", "脆弱な機器。", policy.MatchVariant},
		{"危ぐ", "危惧される。", policy.MatchVariant},
		{"繋ぐ", "人と人をつなぐ。", policy.MatchVariant},
		// Long vowels, dots, spaces, iteration marks.
		{"サーバ", "サーバーを更新する。", policy.MatchVariant},
		{"コンピューター", "コンピュータを守る。", policy.MatchVariant},
		{"ユーザ", "ユーザーの認証。", policy.MatchVariant},
		{"クラウドサービス", "クラウド・サービスの利用。", policy.MatchVariant},
		{"クラウド・サービス", "クラウドサービスの利用。", policy.MatchVariant},
		{"人人", "人々の暮らし。", policy.MatchVariant},
		{"時時", "時々確認する。", policy.MatchVariant},
		// Kana readings.
		{"きょうぎかい", "サイバーセキュリティ協議会を設ける。", policy.MatchReading},
		{"ぼうえい", "防衛に関する施策。", policy.MatchReading},
		{"けいさつ", "警察との連携。", policy.MatchReading},
		// Compounds absent from the text.
		{"クラウド人材", "人材の育成とクラウドの活用。", policy.MatchCompoundPart},
		{"暗号技術研究", "暗号の技術の研究。", policy.MatchCompoundPart},
		// Thesaurus and English.
		{"cyber attack", "サイバー攻撃への対処。", policy.MatchThesaurus},
		{"Cyberattacks", "サイバー攻撃への対処。", policy.MatchThesaurus},
		{"incident response", "事案対応の知見。", policy.MatchThesaurus},
		{"audit", "監査の実施。", policy.MatchThesaurus},
		{"インシデントレスポンス", "事故対応に係る国際連携。", policy.MatchThesaurus},
		// Traps: the word only inside a longer, unrelated word.
		{"議会", "サイバーセキュリティ協議会を設ける。", ""},
		{"京都", "東京都の取組。", ""},
		{"会社", "協会社員。", ""},
		{"かい", "協議会を設ける。", ""},
		{"ナンス", "ガバナンスの強化。", ""},
		{"リンピック", "パラリンピックの開催。", ""},
		{"サイ", "サイバーセキュリティの確保。", ""},
		{"バー", "サイバーセキュリティの確保。", ""},
		{"ポー", "ポータルサイトの運用。", ""},
		{"トランス", "デジタルトランスフォーメーションの推進。", ""},
		{"フォーメーション", "デジタルトランスフォーメーションの推進。", ""},
		{"サイバー人材", "サイバーセキュリティ人材。", policy.MatchCompoundPart},
	}
	for _, tt := range tests {
		x := openIndex(t, "", newTextStore(tt.text))
		r, err := x.Search(context.Background(), policy.SearchQuery{Query: tt.query, First: 10})
		x.Close()
		if err != nil {
			t.Errorf("%s: %v", tt.query, err)
			continue
		}
		switch {
		case tt.via == "" && r.TotalCount > 0:
			t.Errorf("%s found in %q: %+v", tt.query, tt.text, r.Hits[0].Matches)
		case tt.via == "":
		case r.TotalCount == 0:
			t.Errorf("%s not found in %q", tt.query, tt.text)
		case len(r.Hits[0].Matches) == 0 || r.Hits[0].Matches[0].Via != tt.via:
			t.Errorf("%s in %q: %+v, want %s", tt.query, tt.text, r.Hits[0].Matches, tt.via)
		}
	}
}

// TestHostileQueries checks odd members of the query classes: marks alone,
// dots at the edges of katakana, long kana, many words.
func TestHostileQueries(t *testing.T) {
	_, x := corpusIndex(t, "")
	for _, q := range []string{
		"ー", "ーー", "・", "・・・", "々", "々々", "ゝ", "ヽヾ", "ｰ", "ﾞ", "a・b", "サプライ・", "・リスク", "サプライ・・リスク",
		strings.Repeat("じんざい", 60), strings.Repeat("か", 250), strings.Repeat("人材 ", 80),
		strings.Repeat("サイバー", 60), strings.Repeat("a ", 120), "research and and development",
		"-人材 訓練 OR", "\"じんざい\"", "\"research and development\"", "IoT脆弱性 -IoT", "東京都 京都 議会",
	} {
		r, err := x.Search(context.Background(), policy.SearchQuery{Query: q, First: 10})
		if err != nil && policy.ErrorCode(err) != policy.EINVALID {
			t.Errorf("%q: %v", q, err)
			continue
		}
		if err == nil && len(r.Hits) > r.TotalCount {
			t.Errorf("%q: %d hits of %d", q, len(r.Hits), r.TotalCount)
		}
	}
}

// TestPartialPages checks that the pages of a partial answer fit together:
// every hit once, those holding more words first.
func TestPartialPages(t *testing.T) {
	_, x := corpusIndex(t, "")
	ctx := context.Background()
	q := "重要インフラ 訓練 大学 暗号"
	all, err := x.Search(ctx, policy.SearchQuery{Query: q, First: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !all.Partial || all.TotalCount < 5 {
		t.Fatalf("%s: partial %v, %d hits", q, all.Partial, all.TotalCount)
	}
	held := func(h policy.SearchHit) int { return len(h.Matches) }
	for i := 1; i < len(all.Hits); i++ {
		if held(all.Hits[i]) > held(all.Hits[i-1]) {
			t.Errorf("%s holds %d words, after %s holding %d", all.Hits[i].ProvisionID, held(all.Hits[i]), all.Hits[i-1].ProvisionID, held(all.Hits[i-1]))
		}
	}
	var paged []string
	after := ""
	for range 50 {
		p, err := x.Search(ctx, policy.SearchQuery{Query: q, First: 2, After: after})
		if err != nil {
			t.Fatal(err)
		}
		if !p.Partial || p.TotalCount != all.TotalCount {
			t.Fatalf("page: partial %v, total %d", p.Partial, p.TotalCount)
		}
		paged = append(paged, ids(p)...)
		if !p.HasNextPage {
			break
		}
		after = p.Hits[len(p.Hits)-1].Cursor
	}
	if strings.Join(paged, " ") != strings.Join(ids(all), " ") {
		t.Errorf("paged %v\nall   %v", paged, ids(all))
	}
}
