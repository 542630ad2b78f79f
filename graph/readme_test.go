package graph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"testing"
)

// TestREADMEExamples runs every GraphQL example of the README and compares
// the answer with the output printed under it, so that the README shows
// real output.
func TestREADMEExamples(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)```graphql\n(.*?)```\n\n```json\n(.*?)```")
	examples := re.FindAllStringSubmatch(string(b), -1)
	if len(examples) < 5 {
		t.Fatalf("%d examples in the README", len(examples))
	}
	srv, _ := newServer(t)
	for _, ex := range examples {
		var want, got any
		if err := json.Unmarshal([]byte(ex[2]), &want); err != nil {
			t.Fatalf("README output is not JSON: %v\n%s", err, ex[2])
		}
		body, _ := json.Marshal(map[string]string{"query": ex[1]})
		resp, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		if !reflect.DeepEqual(got, want) {
			pretty, _ := json.MarshalIndent(got, "", "  ")
			t.Errorf("README example\n%s\nanswers\n%s", ex[1], pretty)
		}
	}
}
