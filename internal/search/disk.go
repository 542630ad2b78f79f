package search

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/policykb/policykb/internal/policy"
)

// The index on disk. The directory at the index path holds complete indexes
// in subdirectories and a small file, CURRENT, naming the one that is live
// and the store generation it was built from:
//
//	index/CURRENT          {"dir":"g7-5f2c9a01","schema":1,"generation":7,"docs":35,"fingerprint":"…"}
//	index/g7-5f2c9a01/     a bleve index, never written once published
//
// An index is built in a new subdirectory and published by replacing
// CURRENT (a rename, atomic), so a reader never sees a half-written index
// and no reader needs a lock held by a writer: a server and any number of
// command-line searches open the published index read-only, side by side.
// A process that finds the published index stale, missing or damaged builds
// a new one; the subdirectories no longer named are removed.
const currentFile = "CURRENT"

// published is the content of CURRENT.
type published struct {
	Dir        string `json:"dir"`
	Schema     int    `json:"schema"`
	Generation int64  `json:"generation"`
	Docs       int    `json:"docs"`
	// Fingerprint is a hash of the provisions and terms indexed: a store
	// made anew reaches the generation of the old one again.
	Fingerprint string `json:"fingerprint"`
}

// errStale says that the published index is not of the wanted generation.
var errStale = errors.New("the published index is stale")

// abandonedAfter is how old a subdirectory that CURRENT does not name must
// be before it is taken for the leftover of a crashed build and removed.
const abandonedAfter = 10 * time.Minute

// readCurrent reads the CURRENT file of the index at path.
func readCurrent(path string) (published, error) {
	var pub published
	b, err := os.ReadFile(filepath.Join(path, currentFile))
	if err != nil {
		return pub, err
	}
	if err := json.Unmarshal(b, &pub); err != nil || !validDirName(pub.Dir) {
		return pub, fmt.Errorf("damaged %s file", currentFile)
	}
	return pub, nil
}

// validDirName reports whether name is a subdirectory name this package
// makes (so that a damaged CURRENT cannot point elsewhere).
func validDirName(name string) bool {
	return strings.HasPrefix(name, "g") && name == filepath.Base(name) && !strings.ContainsAny(name, `/\`) && name != "." && name != ".."
}

// openPublished opens the published index at path read-only, if it is of
// the version want (all fields but Dir).
func openPublished(path string, want published) (bleve.Index, error) {
	pub, err := readCurrent(path)
	if err != nil {
		return nil, err
	}
	if want.Dir = pub.Dir; pub != want {
		return nil, errStale
	}
	return openReadOnly(filepath.Join(path, pub.Dir), pub.Docs)
}

// openReadOnly opens the index in dir read-only and checks that it is
// whole: it opens, it holds docs documents and it answers a query. A
// damaged index can make bleve panic; that is an error here.
func openReadOnly(dir string, docs int) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("damaged index: %v", r)
		}
		if err != nil && idx != nil {
			idx.Close()
			idx = nil
		}
	}()
	idx, err = bleve.OpenUsing(dir, map[string]any{"read_only": true, "bolt_timeout": "1s"})
	if err != nil {
		return nil, err
	}
	n, err := idx.DocCount()
	if err != nil {
		return idx, err
	}
	if int(n) != docs {
		return idx, fmt.Errorf("damaged index: %d documents, want %d", n, docs)
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1, 0, false)
	res, err := idx.Search(req)
	if err != nil {
		return idx, err
	}
	if int(res.Total) != docs {
		return idx, fmt.Errorf("damaged index: %d documents match all, want %d", res.Total, docs)
	}
	return idx, nil
}

// indexDoc is one document of the index.
type indexDoc struct {
	id     string
	fields map[string]any
}

// newBuilder makes the offline builder of an index; a variable so that
// tests can make building fail as a full disk would.
var newBuilder = func(dir string, m mapping.IndexMapping, config map[string]any) (bleve.Builder, error) {
	return bleve.NewBuilder(dir, m, config)
}

// buildPublished builds an index of docs, of version pub, in a new
// subdirectory of path, publishes it and opens it read-only. Nothing is
// left behind when it fails or ctx is done.
func buildPublished(ctx context.Context, path string, m mapping.IndexMapping, docs []indexDoc, pub published) (bleve.Index, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, err
	}
	removeLegacy(path)
	var rnd [4]byte
	rand.Read(rnd[:])
	name := fmt.Sprintf("g%d-%s", pub.Generation, hex.EncodeToString(rnd[:]))
	dir := filepath.Join(path, name)
	if err := build(ctx, dir, m, docs); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	prev, _ := readCurrent(path)
	pub.Dir = name
	if err := writeCurrent(path, pub); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	removeUnpublished(path, name, prev.Dir)
	return openReadOnly(dir, len(docs))
}

// build writes the index of docs into dir (which must not exist) with
// bleve's offline builder, which writes one segment synchronously and so
// reports a full disk as an error, not as a stalled background task.
func build(ctx context.Context, dir string, m mapping.IndexMapping, docs []indexDoc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(docs) == 0 {
		// The builder cannot write an index of nothing (bleve panics);
		// an empty index is made the ordinary way.
		idx, err := bleve.New(dir, m)
		if err != nil {
			return err
		}
		return idx.Close()
	}
	bl, err := newBuilder(dir, m, map[string]any{"buildPathPrefix": dir})
	if err != nil {
		return err
	}
	for i, d := range docs {
		if i > 0 && i%64 == 0 {
			// Closing a builder flushes what it holds: it has at least one
			// document here, as bleve needs (it panics on none).
			if err := ctx.Err(); err != nil {
				bl.Close()
				return err
			}
		}
		if err := bl.Index(d.id, d.fields); err != nil {
			bl.Close()
			return err
		}
	}
	return bl.Close()
}

// writeCurrent replaces the CURRENT file of path by one naming pub.
func writeCurrent(path string, pub published) error {
	b, _ := json.Marshal(pub)
	f, err := os.CreateTemp(path, currentFile+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	err = f.Chmod(0o644)
	if err == nil {
		_, err = f.Write(append(b, '\n'))
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		cur := filepath.Join(path, currentFile)
		if err = os.Rename(tmp, cur); err != nil {
			if st, serr := os.Lstat(cur); serr == nil && st.IsDir() {
				// A directory in the way: what is in the index directory
				// is policykb's own.
				os.RemoveAll(cur)
				err = os.Rename(tmp, cur)
			}
		}
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// removeUnpublished removes the subdirectories of path that are neither
// live nor being built: the one CURRENT named before (prev) at once, others
// once they look abandoned. A process still reading a removed index keeps
// its open files.
func removeUnpublished(path, live, prev string) {
	entries, err := os.ReadDir(path)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if name == live || name == currentFile {
			continue
		}
		if name != prev || !validDirName(prev) {
			info, err := e.Info()
			if err != nil || time.Since(info.ModTime()) < abandonedAfter {
				continue
			}
			if !validDirName(name) && !strings.HasPrefix(name, currentFile+".tmp-") {
				continue // not ours
			}
		}
		os.RemoveAll(filepath.Join(path, name))
	}
}

// removeLegacy removes an index of the earlier layout, where the index path
// was itself a bleve index.
func removeLegacy(path string) {
	if _, err := os.Stat(filepath.Join(path, "index_meta.json")); errors.Is(err, fs.ErrNotExist) {
		return
	}
	os.Remove(filepath.Join(path, "index_meta.json"))
	os.RemoveAll(filepath.Join(path, "store"))
}

// fingerprint is a hash of what the index is built from.
func fingerprint(provs []*policy.Provision, terms []*policy.DefinedTerm) string {
	h := sha256.New()
	for _, p := range provs {
		fmt.Fprintf(h, "%q %q %q %d %q\n", p.ID, p.DocumentID, p.Kind, p.Seq, indexedText(p))
	}
	for _, t := range terms {
		fmt.Fprintf(h, "%q %q %q %q\n", t.DocumentID, t.Term, t.Meaning, t.DefinedIn)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
