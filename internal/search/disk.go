package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
)

// The index on disk. The directory at the index path holds complete indexes
// in subdirectories and a small file, CURRENT, naming the one that is live
// and the store generation it holds:
//
//	index/CURRENT          {"dir":"g7-5f2c9a01","schema":3,"store":"…","generation":7,"docs":35,"updates":2}
//	index/g7-5f2c9a01/     a bleve index, never written once published
//
// An index is built in a new subdirectory and published by replacing
// CURRENT (a rename, atomic), so a reader never sees a half-written index
// and no reader needs a lock held by a writer: a server and any number of
// command-line searches open the published index read-only, side by side.
//
// An update of a few documents does not build the index whole: it copies
// the published subdirectory into a new one — hard links to its segments,
// which bleve never writes once made, and a copy of the small file that
// lists them — opens the copy for writing, applies one bleve batch of
// deletions and insertions (a new segment, and the deleted entries marked
// in the list), closes it and publishes it. A full disk fails that batch,
// which bleve reports, and leaves the published index as it was. Each
// update adds a segment; after compactAfter of them the index is built
// whole again. A process that finds the published index of another store,
// missing or damaged builds a new one; the subdirectories no longer named
// are removed.
const currentFile = "CURRENT"

// published is the content of CURRENT.
type published struct {
	Dir    string `json:"dir"`
	Schema int    `json:"schema"`
	// Store identifies the store the index was built from: a store made
	// anew reaches the generations of the old one again.
	Store      string `json:"store"`
	Generation int64  `json:"generation"`
	Docs       int    `json:"docs"`
	// Updates counts the updates applied since the index was built whole.
	Updates int `json:"updates,omitempty"`
}

// errStale says that the published index is not of the store.
var errStale = errors.New("the published index is not of this store")

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

// builderFunc makes the offline builder of an index.
type builderFunc func(dir string, m mapping.IndexMapping, config map[string]any) (bleve.Builder, error)

// writableFunc opens an index for writing.
type writableFunc func(dir string) (bleve.Index, error)

// hooks are where the index is written, replaceable by tests to make
// writing fail as a full disk would, while a Pending runs.
var hooks = struct {
	sync.Mutex
	newBuilder   builderFunc
	openWritable writableFunc
}{
	newBuilder: func(dir string, m mapping.IndexMapping, config map[string]any) (bleve.Builder, error) {
		return bleve.NewBuilder(dir, m, config)
	},
	openWritable: func(dir string) (bleve.Index, error) {
		return bleve.OpenUsing(dir, map[string]any{"bolt_timeout": "1s"})
	},
}

// newBuilder makes the offline builder of an index in dir.
func newBuilder(dir string, m mapping.IndexMapping, config map[string]any) (bleve.Builder, error) {
	hooks.Lock()
	f := hooks.newBuilder
	hooks.Unlock()
	return f(dir, m, config)
}

// openWritable opens the index in dir for writing.
func openWritable(dir string) (bleve.Index, error) {
	hooks.Lock()
	f := hooks.openWritable
	hooks.Unlock()
	return f(dir)
}

// buildDir builds an index of docs in a new subdirectory of path, for
// the generation of pub, and returns its name; it publishes nothing.
// Nothing is left behind when it fails or ctx is done.
func buildDir(ctx context.Context, path string, m mapping.IndexMapping, docs []indexDoc, pub published) (string, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return "", err
	}
	removeLegacy(path)
	name := newDirName(pub.Generation)
	dir := filepath.Join(path, name)
	if err := build(ctx, dir, m, docs); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return name, nil
}

// newDirName returns a new name for the subdirectory of an index of
// generation gen.
func newDirName(gen int64) string {
	var rnd [4]byte
	rand.Read(rnd[:])
	return fmt.Sprintf("g%d-%s", gen, hex.EncodeToString(rnd[:]))
}

// publish makes pub (whose Dir is a whole index) the published index at
// path and removes the one it replaces.
func publish(path string, pub published) error {
	prev, _ := readCurrent(path)
	if err := writeCurrent(path, pub); err != nil {
		return err
	}
	removeUnpublished(path, pub.Dir, prev.Dir)
	return nil
}

// updateDir writes b into a copy of the index in subdirectory base of path
// (see the comment on currentFile), for the generation of pub, and returns
// the name of the copy; it publishes nothing. Nothing is left behind when
// it fails.
func updateDir(ctx context.Context, path, base string, b batch, pub published) (name string, err error) {
	name = newDirName(pub.Generation)
	dir := filepath.Join(path, name)
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", errRebuild, r) // a damaged copy makes bleve panic
		}
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := copyIndex(filepath.Join(path, base), dir); err != nil {
		return "", err
	}
	idx, err := openWritable(dir)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errRebuild, err)
	}
	if err := applyBatch(ctx, idx, b); err != nil {
		idx.Close()
		return "", err
	}
	if err := idx.Close(); err != nil {
		return "", err
	}
	return name, nil
}

// copyIndex copies the index in from into to, which must not exist: hard
// links to its segments (*.zap, never written once made) where it can,
// copies of everything else.
func copyIndex(from, to string) error {
	return filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, p)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.Mkdir(target, 0o755)
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%s: not a regular file", rel)
		}
		if strings.HasSuffix(p, ".zap") {
			if err := os.Link(p, target); err == nil {
				return nil
			}
		}
		return copyFile(p, target)
	})
}

// copyFile copies the regular file from into to, synced.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// probeDir checks that an index could be written at path: that it is a
// directory, or can be made one, in which a file can be written and
// synced.
func probeDir(path string) error {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(path, currentFile+".tmp-probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	_, err = f.Write(make([]byte, 64<<10))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	os.Remove(name)
	return err
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
