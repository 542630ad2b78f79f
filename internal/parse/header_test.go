package parse_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// TestHeaders reads the document fields wherever the first lines print
// them: the date before or after the title, a title over two lines or in
// brackets, 和暦 and 西暦, the date and the deciding body on one line; and
// the ingest options override them.
func TestHeaders(t *testing.T) {
	const body = "１　総論\n総論である。\n"
	tests := []struct {
		name, head string
		opt        parse.Options
		// want: id | title | decided on | decided by | fiscal year
		want string
	}{
		{"policy order", "サイバーセキュリティ関係施策に関する令和３年度予算重点化方針\n令和２年７月２１日\nサイバーセキュリティ戦略本部決定\n", parse.Options{},
			"cs-budget-policy-fy2021|サイバーセキュリティ関係施策に関する令和３年度予算重点化方針|2020-07-21|サイバーセキュリティ戦略本部|2021"},
		{"date first", "令和２年７月２１日\nサイバーセキュリティ関係施策に関する令和３年度予算重点化方針\nサイバーセキュリティ戦略本部決定\n", parse.Options{},
			"cs-budget-policy-fy2021|サイバーセキュリティ関係施策に関する令和３年度予算重点化方針|2020-07-21|サイバーセキュリティ戦略本部|2021"},
		{"title over two lines, body before a 西暦 date", "サイバーセキュリティ関係施策に関する\n平成31年度予算重点化方針\nサイバーセキュリティ戦略本部決定\n2018年8月1日\n", parse.Options{},
			"cs-budget-policy-fy2019|サイバーセキュリティ関係施策に関する平成31年度予算重点化方針|2018-08-01|サイバーセキュリティ戦略本部|2019"},
		{"title in brackets, date and body on one line", "【重要インフラの情報セキュリティ対策に係る行動計画】\n（平成29年4月18日 サイバーセキュリティ戦略本部決定）\n", parse.Options{ID: "ci-action-plan"},
			"ci-action-plan|重要インフラの情報セキュリティ対策に係る行動計画|2017-04-18|サイバーセキュリティ戦略本部|0"},
		{"spaced date, 閣議決定", "サイバーセキュリティ戦略\n平 成 3 0 年 7 月 2 7 日\n閣議決定\n", parse.Options{ID: "cs-strategy-2018"},
			"cs-strategy-2018|サイバーセキュリティ戦略|2018-07-27|閣議|0"},
		{"options override", "サイバーセキュリティ戦略\n平成30年7月27日\n閣議決定\n", parse.Options{ID: "s", Title: "サイバーセキュリティ戦略（2018）", DecidedOn: policy.Date{Year: 2018, Month: 7}, DecidedBy: "内閣", FiscalYear: 2018},
			"s|サイバーセキュリティ戦略（2018）|2018-07|内閣|2018"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := parse.Document(context.Background(), "h.txt", []byte(tt.head+body), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join([]string{doc.ID, doc.Title, doc.DecidedOn.String(), doc.DecidedBy, strconv.Itoa(doc.FiscalYear)}, "|")
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if len(doc.Provisions) != 1 || doc.Provisions[0].Heading != "総論" {
				t.Errorf("the header lines ran into the body: %d provisions", len(doc.Provisions))
			}
		})
	}
	// A title the policy pattern gives no ID needs --id, and the error says so.
	_, err := parse.Document(context.Background(), "h.txt", []byte("サイバーセキュリティ戦略\n"+body), parse.Options{})
	if err == nil || !strings.Contains(err.Error(), "--id") {
		t.Errorf("err = %v, want one that asks for --id", err)
	}
	// An excerpt is not the document its title names: it needs an ID of its
	// own.
	_, err = parse.Document(context.Background(), "h.txt", []byte("サイバーセキュリティ関係施策に関する令和２年度予算重点化方針（抜粋）\n"+body), parse.Options{Partial: true})
	if err == nil || !strings.Contains(err.Error(), "h.txt:1: an excerpt needs an ID of its own") {
		t.Errorf("err = %v, want one that asks an excerpt for an ID of its own", err)
	}
	// An excerpt ends mid-page: no footer needs to close its last page.
	doc, err := parse.Document(context.Background(), "h.txt", []byte("（１）　範囲\n範囲を定める。\n4\n（２）　手続\n手続を定める。\n"), parse.Options{ID: "x", Partial: true, Title: "抜粋"})
	if err != nil || len(doc.Provisions) != 2 {
		t.Errorf("an excerpt ending mid-page: %v", err)
	}
	// A whole text without a title line takes --title.
	if doc, err := parse.Document(context.Background(), "h.txt", []byte(body), parse.Options{ID: "x", Title: "方針"}); err != nil || doc.Title != "方針" {
		t.Errorf("a text without a title line, given --title: %v", err)
	}
	// An excerpt without a title line needs --title.
	_, err = parse.Document(context.Background(), "h.txt", []byte(body), parse.Options{ID: "x", Partial: true})
	if err == nil || !strings.Contains(err.Error(), "--title") {
		t.Errorf("err = %v, want one that asks for --title", err)
	}
}
