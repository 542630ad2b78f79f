package pages

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var errorMessageRe = regexp.MustCompile(`<p class="error-message"[^>]*>([^<]*)</p>`)

// TestJapaneseErrors checks that the HTML pages explain errors in
// Japanese, while the JSON answers keep their codes and English messages.
func TestJapaneseErrors(t *testing.T) {
	srv, _ := newServer(t)
	long := strings.Repeat("あ", 300)
	tests := []struct {
		path     string
		status   int
		page     string // the message of the HTML page, exactly
		code     string // extensions.code of the JSON answer
		jsonText string // its English message, exactly
	}{
		{"/nope", 404, "「/nope」というページはありません。", "NOT_FOUND", "no page at /nope"},
		{"/documents/nosuch", 404, "文書「nosuch」はありません。", "NOT_FOUND", `no document \"nosuch\"`},
		{"/documents/" + doc + "?version=9", 404, "文書「" + doc + "」に第9版はありません。", "NOT_FOUND", ""},
		{"/documents/" + doc + "/9.9", 404, "文書「" + doc + "」に項目「9.9」はありません。", "NOT_FOUND", ""},
		{"/documents/nosuch/2.1", 404, "文書「nosuch」に項目「2.1」はありません。", "NOT_FOUND", ""},
		{"/documents/" + doc + "/(9)", 404, "文書「" + doc + "」に「(9)」という番号の項目はありません。", "NOT_FOUND", ""},
		{"/documents/" + doc + "/2.2.3.1?version=9", 404, "文書「" + doc + "」に第9版はありません。", "NOT_FOUND", ""},
		{"/references/nosuch", 404, "参照文書「nosuch」はありません。", "NOT_FOUND", `no reference \"ref:nosuch\"`},
		{"/id/nosuch:1", 404, "ID「nosuch:1」のものはありません。", "NOT_FOUND", ""},
		{"/documents/" + doc + "/2.2.3?foo=1", 400, "このページはパラメーター「foo」を受け付けません（使えるのは format, version）。", "BAD_USER_INPUT",
			`unknown parameter \"foo\": this page takes format, version`},
		{"/documents/" + doc + "?version=x", 400, "版（version）は1以上の数で指定してください。", "BAD_USER_INPUT", ""},
		{"/?format=xml", 400, "format には html か json を指定してください。", "BAD_USER_INPUT", ""},
		{"/search?q=-" + url.QueryEscape("予算"), 400, "この検索語では検索できません。除外する語（-語）のほかに、探す語を一つ以上入れてください。", "BAD_USER_INPUT",
			"a search query needs at least one word that is not excluded"},
		{"/search?q=" + url.QueryEscape(`"`), 400, "検索語に探す語がありません。引用符や「-」だけでは検索できません。語を一つ以上入れてください。", "BAD_USER_INPUT", ""},
		{"/search?q=" + url.QueryEscape(long), 400, "検索語は256文字までです（いまは300文字）。短くしてお試しください。", "BAD_USER_INPUT",
			"search query of 300 characters; at most 256"},
		{"/search?q=a&after=zzz", 400, "検索結果の続きを読めません（after の値が正しくありません）。最初のページからお試しください。", "BAD_USER_INPUT", ""},
		{"/search?q=a&kind=x", 400, "項目の種類「x」はありません（PREAMBLE, SECTION, AREA, ITEM, SUBITEM, POINT のいずれか）。", "BAD_USER_INPUT",
			`unknown kind \"x\": use PREAMBLE, SECTION, AREA, ITEM, SUBITEM or POINT`},
		{"/search?q=a&cites=nosuch", 400, "絞り込みに指定した文書・項目・参照文書が見つかりません。", "BAD_USER_INPUT", ""},
		{"/search?foo=1", 400, "検索はパラメーター「foo」を受け付けません（使えるのは q, kind, under, cites, document, year, series, collapse, after, format）。", "BAD_USER_INPUT", ""},
	}
	for _, tt := range tests {
		a := get(t, srv.URL, tt.path, "Accept", htmlAccept)
		if a.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.path, a.status, tt.status)
		}
		m := errorMessageRe.FindStringSubmatch(a.body)
		if m == nil || m[1] != tt.page {
			t.Errorf("%s: page message %q, want %q", tt.path, m, tt.page)
		}
		j := get(t, srv.URL, tt.path, "Accept", "application/json")
		if j.status != tt.status || !strings.Contains(j.body, `"code": "`+tt.code+`"`) {
			t.Errorf("%s as JSON: %d %s", tt.path, j.status, j.body)
		}
		if tt.jsonText != "" && !strings.Contains(j.body, `"message": "`+tt.jsonText+`"`) {
			t.Errorf("%s as JSON: message changed: %s", tt.path, j.body)
		}
		for _, english := range []string{"no page", "no document", "search query", "unknown parameter", "no reference", "no object"} {
			if strings.Contains(a.body, english) {
				t.Errorf("%s: the page says %q", tt.path, english)
			}
		}
	}
}
