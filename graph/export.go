package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/policykb/policykb/internal/policy"
)

// exportFields is the part of the graph an export holds, for each document:
// its current version in full, and the list of its versions (what changed
// between them is for policykb history and the GraphQL API).
const exportFields = `id title fiscalYear decidedOn decidedBy pageCount encoding sha256 partial
	version versions { number sha256 ingestedAt provisionCount current }
	provisions {
		id kind level number label marker heading paragraphs text pages line notes { marker text }
		parent { id } children { id } ancestors { id }
		citations { id target { id } text start end pinpoint form }
		crossReferences { id } referencedBy { id }
	}`

// exportReferences is the part of the graph an export holds of references
// and terms.
const exportReferences = `
	references(document: $id) {
		id title titleEn kind issuedOn revisedOn issuer lawNumber eGovLawId aliases resolved
		citedBy { id }
	}
	terms(document: $id) { term meaning reference { id } definedIn { id } uses { id } }`

// Export returns the whole graph, or one document of it, as indented JSON in
// the shape of the GraphQL types: {"documents": [...], "references": [...],
// "terms": [...]}. Two exports of the same store are byte-identical.
func Export(ctx context.Context, res *Resolver, documentID string) ([]byte, error) {
	query, vars := `query($id: ID) { documents { `+exportFields+` } `+exportReferences+` }`, map[string]any{}
	if documentID != "" {
		query = `query($id: ID!) { document(id: $id) { ` + exportFields + ` } ` + exportReferences + ` }`
		vars["id"] = documentID
	}
	data, err := Query(ctx, res, query, vars)
	if err != nil {
		return nil, err
	}
	if documentID != "" {
		// The shape of a whole export: a list of documents.
		var one struct {
			Document   json.RawMessage `json:"document"`
			References json.RawMessage `json:"references"`
			Terms      json.RawMessage `json:"terms"`
		}
		if err := json.Unmarshal(data, &one); err != nil {
			return nil, err
		}
		if data, err = json.Marshal(map[string]json.RawMessage{"documents": append(append([]byte("["), one.Document...), ']'),
			"references": one.References, "terms": one.Terms}); err != nil {
			return nil, err
		}
	}
	var out bytes.Buffer
	if err := json.Indent(&out, data, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// Query runs a GraphQL query in process and returns its data. The first
// error of the response is returned as a *policy.Error with its code. One
// executor of res serves every call, with a cache of parsed queries.
func Query(ctx context.Context, res *Resolver, query string, vars map[string]any) (json.RawMessage, error) {
	res.execOnce.Do(func() { res.exec = newExecutor(res, Options{}) })
	e := res.exec
	ctx = graphql.StartOperationTrace(ctx)
	rc, errs := e.CreateOperationContext(ctx, &graphql.RawParams{Query: query, Variables: vars})
	if errs != nil {
		return nil, policy.Errorf(policy.EINVALID, "%s", errs.Error())
	}
	h, ctx := e.DispatchOperation(ctx, rc)
	resp := h(ctx)
	if len(resp.Errors) > 0 {
		code, _ := resp.Errors[0].Extensions["code"].(string)
		if code == "" {
			code = policy.EINTERNAL
		}
		return nil, &policy.Error{Code: code, Message: resp.Errors[0].Message}
	}
	if resp.Data == nil {
		return nil, errors.New("no data")
	}
	return resp.Data, nil
}
