// Package ingest is the path of a text into the store: parse it, extract
// what it cites, and store both in one transaction.
package ingest

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/policykb/policykb/corpus"
	"github.com/policykb/policykb/internal/cite"
	"github.com/policykb/policykb/internal/parse"
	"github.com/policykb/policykb/internal/policy"
)

// MaxFileSize bounds an input file. The FY2020 policy is 16 KB; a policy of
// this family a hundred times longer still fits.
const MaxFileSize = 8 << 20

// Ingester parses texts and stores them.
type Ingester struct {
	store    policy.Ingester
	registry *cite.Registry
}

// New returns an Ingester into store that resolves references against the
// shipped registry.
func New(store policy.Ingester) (*Ingester, error) {
	reg, err := cite.LoadRegistry(corpus.Registry())
	if err != nil {
		return nil, err
	}
	return &Ingester{store: store, registry: reg}, nil
}

// Bytes parses src, read from a file called name, and stores it.
func (in *Ingester) Bytes(ctx context.Context, name string, src []byte, opt parse.Options) (*policy.Document, error) {
	if len(src) > MaxFileSize {
		return nil, &parse.Error{File: name, Line: 1, Msg: fmt.Sprintf("file larger than %d MiB; not a policy text", MaxFileSize>>20)}
	}
	doc, err := parse.Document(ctx, name, src, opt)
	if err != nil {
		return nil, err
	}
	cite.Extract(doc, in.registry)
	if err := in.store.Ingest(ctx, doc); err != nil {
		return nil, fmt.Errorf("%s: store: %w", name, err)
	}
	return doc, nil
}

// File reads, parses and stores the file name.
func (in *Ingester) File(ctx context.Context, name string, opt parse.Options) (*policy.Document, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return in.Bytes(ctx, name, src, opt)
}

// Corpus stores the texts shipped in package corpus.
func (in *Ingester) Corpus(ctx context.Context) ([]*policy.Document, error) {
	var docs []*policy.Document
	for _, f := range corpus.Files() {
		doc, err := in.Bytes(ctx, "corpus/"+f.Name, f.Data, parse.Options{})
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}
