package pages

import (
	"errors"
	"fmt"
	"strings"

	"github.com/policykb/policykb/internal/policy"
)

// jaError gives an error meant for the user a Japanese message for the
// HTML pages. The JSON answers keep the code and the message of the error
// it wraps, which programs may rely on.
type jaError struct {
	err error
	ja  string
}

func (e *jaError) Error() string { return e.err.Error() }
func (e *jaError) Unwrap() error { return e.err }

// userError returns a *policy.Error with code and the English message of
// format, shown on the pages as ja.
func userError(code, ja, format string, args ...any) error {
	return &jaError{err: policy.Errorf(code, format, args...), ja: ja}
}

// inJapanese gives err the Japanese message ja where its code is code, and
// returns it unchanged otherwise.
func inJapanese(err error, code, ja string, args ...any) error {
	if policy.ErrorCode(err) != code {
		return err
	}
	var je *jaError
	if errors.As(err, &je) {
		return err
	}
	return &jaError{err: err, ja: fmt.Sprintf(ja, args...)}
}

// japanese is the message of err on an HTML page: its own Japanese message,
// else one for its code.
func japanese(err error) string {
	var je *jaError
	if errors.As(err, &je) {
		return je.ja
	}
	switch policy.ErrorCode(err) {
	case policy.ENOTFOUND:
		return "お探しのものは見つかりませんでした。"
	case policy.EINVALID:
		return "リクエストの内容を読み取れませんでした。アドレスをお確かめください。"
	case policy.ECOMPLEXITY, policy.EDEPTH:
		return "このリクエストは大きすぎて処理できません。"
	case policy.EUNAVAILABLE:
		return "検索の索引を準備しています。しばらくしてからもう一度お試しください。"
	case policy.ETIMEOUT:
		return "処理に時間がかかりすぎたため中断しました。しばらくしてからもう一度お試しください。"
	}
	return "サーバーで問題が起きました。時間をおいてもう一度お試しください。"
}

// searchServiceError gives the errors of the search service about a query
// Japanese messages. The service says what is wrong only in its message
// (internal/search has no finer codes), so the two it can give about a
// query that passed the checks of the page are told apart by the input:
// a query of excluded words only, or a bad cursor.
func searchServiceError(err error, in searchInput) error {
	if policy.ErrorCode(err) != policy.EINVALID {
		return err
	}
	if noWord(in.Q) {
		return inJapanese(err, policy.EINVALID, "検索語に探す語がありません。引用符や「-」だけでは検索できません。語を一つ以上入れてください。")
	}
	if onlyExcluded(in.Q) {
		return inJapanese(err, policy.EINVALID, "この検索語では検索できません。除外する語（-語）のほかに、探す語を一つ以上入れてください。")
	}
	if in.After != "" {
		return inJapanese(err, policy.EINVALID, "検索結果の続きを読めません（after の値が正しくありません）。最初のページからお試しください。")
	}
	return inJapanese(err, policy.EINVALID, "この条件では検索できません。検索語と絞り込みをお確かめください。")
}

// noWord reports whether a query holds nothing but quotes, dashes and
// blanks, which the query language reads as no word at all.
func noWord(q string) bool {
	return strings.Trim(q, " \t\r\n　\"“”＂-－−") == ""
}

// onlyExcluded reports whether every word of a query is excluded (-word).
func onlyExcluded(q string) bool {
	words := strings.Fields(q)
	for _, w := range words {
		if !strings.HasPrefix(w, "-") && !strings.HasPrefix(w, "－") && !strings.HasPrefix(w, "−") {
			return false
		}
	}
	return len(words) > 0
}
