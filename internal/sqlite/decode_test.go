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
	for _, s := range strs {
		got, gerr := decodeStrings(s)
		var want []string
		werr := json.Unmarshal([]byte(s), &want)
		if (gerr != nil) != (werr != nil) || (werr == nil && (!reflect.DeepEqual(got, want) || (got == nil) != (want == nil))) {
			t.Errorf("decodeStrings(%q) = %#v, %v; json: %#v, %v", s, got, gerr, want, werr)
		}
	}
	ints := []string{`null`, `[]`, `[1]`, `[1,2,30]`, `[-1]`, `[-0]`, `[01]`, `[-01]`, `[+1]`, `[1,]`, `[ 1]`, `[1.5]`, `[1e3]`,
		`[99999999999999999999]`, `["1"]`, `[-]`, `[1`, ``}
	for _, s := range ints {
		got, gerr := decodeInts(s)
		var want []int
		werr := json.Unmarshal([]byte(s), &want)
		if (gerr != nil) != (werr != nil) || (werr == nil && (!reflect.DeepEqual(got, want) || (got == nil) != (want == nil))) {
			t.Errorf("decodeInts(%q) = %#v, %v; json: %#v, %v", s, got, gerr, want, werr)
		}
	}
}
