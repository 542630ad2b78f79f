package search

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
)

// zapFile returns the segment file of the published index at path.
func zapFile(t *testing.T, path string) string {
	t.Helper()
	pub, err := readCurrent(path)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := filepath.Glob(filepath.Join(path, pub.Dir, "store", "*.zap"))
	if len(m) != 1 {
		t.Fatalf("segments of the published index: %v", m)
	}
	return m[0]
}

// TestDamagedIndexRebuilt damages the index on disk in the ways a crash, a
// full disk or a careless hand leave it, and checks that opening it finds
// the damage and rebuilds it.
func TestDamagedIndexRebuilt(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"CURRENT garbage", func(t *testing.T, path string) {
			os.WriteFile(filepath.Join(path, currentFile), []byte("{\x00\xff"), 0o644)
		}},
		{"CURRENT empty", func(t *testing.T, path string) {
			os.WriteFile(filepath.Join(path, currentFile), nil, 0o644)
		}},
		{"CURRENT pointing outside", func(t *testing.T, path string) {
			os.WriteFile(filepath.Join(path, currentFile), []byte(`{"dir":"../..","schema":1,"generation":1,"docs":35}`), 0o644)
		}},
		{"CURRENT a directory", func(t *testing.T, path string) {
			os.Remove(filepath.Join(path, currentFile))
			os.MkdirAll(filepath.Join(path, currentFile, "x"), 0o755)
		}},
		{"CURRENT missing", func(t *testing.T, path string) {
			os.Remove(filepath.Join(path, currentFile))
		}},
		{"index directory missing", func(t *testing.T, path string) {
			pub, _ := readCurrent(path)
			os.RemoveAll(filepath.Join(path, pub.Dir))
		}},
		{"segment truncated", func(t *testing.T, path string) {
			f := zapFile(t, path)
			st, _ := os.Stat(f)
			os.Truncate(f, st.Size()/2)
		}},
		{"segment empty", func(t *testing.T, path string) {
			os.Truncate(zapFile(t, path), 0)
		}},
		{"segment overwritten", func(t *testing.T, path string) {
			f := zapFile(t, path)
			st, _ := os.Stat(f)
			junk := make([]byte, st.Size())
			for i := range junk {
				junk[i] = byte(i * 7)
			}
			os.WriteFile(f, junk, 0o600)
		}},
		{"root.bolt missing", func(t *testing.T, path string) {
			pub, _ := readCurrent(path)
			os.Remove(filepath.Join(path, pub.Dir, "store", "root.bolt"))
		}},
		{"root.bolt garbage", func(t *testing.T, path string) {
			pub, _ := readCurrent(path)
			os.WriteFile(filepath.Join(path, pub.Dir, "store", "root.bolt"), []byte("garbage"), 0o600)
		}},
		{"index_meta.json garbage", func(t *testing.T, path string) {
			pub, _ := readCurrent(path)
			os.WriteFile(filepath.Join(path, pub.Dir, "index_meta.json"), []byte("{"), 0o600)
		}},
		{"empty directory", func(t *testing.T, path string) {
			os.RemoveAll(path)
			os.Mkdir(path, 0o755)
		}},
		{"index of the earlier layout", func(t *testing.T, path string) {
			os.RemoveAll(path)
			idx, err := bleve.New(path, bleve.NewIndexMapping())
			if err != nil {
				t.Fatal(err)
			}
			idx.Close()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "index")
			db, x := corpusIndex(t, path)
			x.Close()
			tt.damage(t, path)
			y := openIndex(t, path, db)
			if y.InMemory() {
				t.Error("rebuilt in memory, not on disk")
			}
			wantHits(t, y, "暗号", 1, "after the rebuild")
			// What was published is whole.
			pub, err := readCurrent(path)
			if err != nil {
				t.Fatal(err)
			}
			idx, err := openReadOnly(filepath.Join(path, pub.Dir), 35)
			if err != nil {
				t.Fatalf("the published index: %v", err)
			}
			idx.Close()
		})
	}
}

// TestSideBySide opens the index as a server and as a command-line search
// on the same directory: the second opens the published index without
// rebuilding it, and after an ingest whichever searches first updates it,
// once, for both: the other takes up what it published.
func TestSideBySide(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	db, server := corpusIndex(t, path)
	run(t, server, "暗号")
	before, _ := readCurrent(path)
	cli := openIndex(t, path, db)
	if after, _ := readCurrent(path); after != before {
		t.Errorf("a second process rebuilt a current index: %+v, then %+v", before, after)
	}
	wantHits(t, cli, "暗号", 1, "beside the server")
	cli.Close()

	reingest(t, db)
	cli = openIndex(t, path, db)
	rebuilt, _ := readCurrent(path)
	if rebuilt.Dir == before.Dir || rebuilt.Generation == before.Generation || rebuilt.Updates != before.Updates+1 {
		t.Errorf("not updated after an ingest: %+v", rebuilt)
	}
	wantHits(t, server, "追記", 1, "in the server after the ingest")
	if now, _ := readCurrent(path); now != rebuilt {
		t.Errorf("the server updated again the index the command line had published: %+v, then %+v", rebuilt, now)
	}
	if _, err := os.Stat(filepath.Join(path, before.Dir)); !os.IsNotExist(err) {
		t.Errorf("the index of the earlier generation is left: %v", err)
	}
}

// TestReadOnlyDataDirectory checks that a command-line search on a data
// directory it may not write builds the index in memory, and that an index
// opened without MemoryFallback fails (a server's Pending falls back to
// memory too: see TestPendingRecovers).
func TestReadOnlyDataDirectory(t *testing.T) {
	db := corpusStore(t)
	path := filepath.Join(t.TempDir(), "index")
	os.WriteFile(path, nil, 0o644) // a file: the index cannot be written
	x, err := OpenOptions(context.Background(), path, db, Options{MemoryFallback: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if !x.InMemory() {
		t.Error("not in memory")
	}
	wantHits(t, x, "暗号", 1, "in memory")
	if _, err := Open(context.Background(), path, db); err == nil {
		t.Error("an index without MemoryFallback opened where it could not be written")
	}
}

// TestStoreMadeAnew replaces the store by another one of the same
// generation and as many provisions (a store deleted and ingested again,
// differently): the index is rebuilt, not taken for current.
func TestStoreMadeAnew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "index")
	old := corpusStore(t)
	reingestWith(t, old, "追記")
	x := openIndex(t, path, old)
	x.Close()
	anew := corpusStore(t)
	reingestWith(t, anew, "別記")
	g1, _ := old.Generation(context.Background())
	g2, _ := anew.Generation(context.Background())
	if g1 != g2 {
		t.Fatalf("generations %d and %d: the test needs them equal", g1, g2)
	}
	y := openIndex(t, path, anew)
	wantHits(t, y, "別記", 1, "in the new store")
	wantHits(t, y, "追記", 0, "of the old store")
}

// TestBuildNothing builds an index whose build is cancelled before its
// first document (a server stopped as it starts) and an index of no
// documents: neither panics (bleve's builder does on an empty index), the
// first leaves nothing behind and the second opens with no documents.
func TestBuildNothing(t *testing.T) {
	m := indexMapping(Morphology)
	docs := []indexDoc{{id: "d:1", fields: map[string]any{"text": "人材育成"}}}
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	path := filepath.Join(t.TempDir(), "index")
	if _, err := buildDir(cancelled, path, m, docs, published{Generation: 1}); err != context.Canceled {
		t.Errorf("cancelled build: %v, want %v", err, context.Canceled)
	}
	if entries, _ := os.ReadDir(path); len(entries) != 0 {
		t.Errorf("a cancelled build left %v", entries)
	}

	path = filepath.Join(t.TempDir(), "index")
	dir, err := buildDir(context.Background(), path, m, nil, published{Generation: 1})
	if err != nil {
		t.Fatalf("empty build: %v", err)
	}
	idx, err := openReadOnly(filepath.Join(path, dir), 0)
	if err != nil {
		t.Fatalf("empty index: %v", err)
	}
	defer idx.Close()
	if n, err := idx.DocCount(); err != nil || n != 0 {
		t.Errorf("empty index: %d documents, %v", n, err)
	}
}
