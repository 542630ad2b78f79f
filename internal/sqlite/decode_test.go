package sqlite

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestDecodeLikeJSON checks that the decoders of the JSON columns give
// what json.Unmarshal gives, values and errors alike.
func TestDecodeLikeJSON(t *testing.T) {
	strs := []string{`null`, `[]`, `["a"]`, `["a","b"]`, `["第１","（２）"]`, `[""]`, `["a\"b"]`, `["\u003cx\u003e"]`,
		`[ "a"]`, `["a",]`, `["a"`, `[a]`, `["a""b"]`, "[\"a\tb\"]", "[\"\xff\"]", `[1]`, `{}`, ``, `["a","b",""]`}
	decodesLikeJSON(t, "decodeStrings", decodeStrings, strs)
	ints := []string{`null`, `[]`, `[1]`, `[1,2,30]`, `[-1]`, `[-0]`, `[01]`, `[-01]`, `[+1]`, `[1,]`, `[ 1]`, `[1.5]`, `[1e3]`,
		`[99999999999999999999]`, `["1"]`, `[-]`, `[1`, ``}
	decodesLikeJSON(t, "decodeInts", decodeInts, ints)
}

// decodesLikeJSON checks that decode gives for each of inputs what
// json.Unmarshal gives, values and errors alike; name is decode's, for
// the messages.
func decodesLikeJSON[E any](t *testing.T, name string, decode func(string) ([]E, error), inputs []string) {
	t.Helper()
	for _, s := range inputs {
		got, gerr := decode(s)
		var want []E
		werr := json.Unmarshal([]byte(s), &want)
		if (gerr != nil) != (werr != nil) || (werr == nil && (!reflect.DeepEqual(got, want) || (got == nil) != (want == nil))) {
			t.Errorf("%s(%q) = %#v, %v; json: %#v, %v", name, s, got, gerr, want, werr)
		}
	}
}
