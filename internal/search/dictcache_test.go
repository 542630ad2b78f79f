package search

import (
	"archive/zip"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome-dict/ipa"
	"github.com/ikawaha/kagome/v2/tokenizer"
)

const ipaModule = "github.com/ikawaha/kagome-dict/ipa"

// tokens returns what the dictionary makes of the corpus: every token with
// its features.
func tokens(t *testing.T, d *dict.Dict) [][]string {
	t.Helper()
	src, err := os.ReadFile("../../corpus/cs-budget-policy-fy2020.txt")
	if err != nil {
		t.Fatal(err)
	}
	tk, err := tokenizer.New(d, tokenizer.OmitBosEos())
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, tok := range tk.Analyze(string(src)+" ｱｲｳ ﾃｽﾄ Ωλ 𠮷野家 ＩｏＴ", tokenizer.Search) {
		out = append(out, append([]string{tok.Surface, string(rune(tok.Class))}, tok.Features()...))
	}
	return out
}

// smallDict is a dictionary made of parts of the IPA dictionary, small
// enough to copy quickly under the race detector.
func smallDict(t *testing.T) *dict.Dict {
	t.Helper()
	full := ipa.Dict()
	d := *full
	d.Morphs = full.Morphs[:200]
	d.POSTable = dict.POSTable{NameList: full.POSTable.NameList, POSs: full.POSTable.POSs[:200]}
	d.Contents = full.Contents[:200]
	d.Connection = dict.ConnectionTable{Row: 3, Col: 2, Vec: []int16{1, -2, 3, -4, 5, -6}}
	idx, err := dict.BuildIndexTable([]string{"人材", "人材育成", "暗号", "脆弱性"})
	if err != nil {
		t.Fatal(err)
	}
	d.Index = idx
	return &d
}

// TestDictCopyRoundTrip writes a dictionary and reads it back: every part
// comes back as it was.
func TestDictCopyRoundTrip(t *testing.T) {
	d := smallDict(t)
	file := filepath.Join(t.TempDir(), "small.zip")
	writeDictCopy(file, d)
	got, err := readDictCopy(file)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Error("the copy differs from the dictionary")
	}
	if got.Info() == nil || *got.Info() != *d.Info() {
		t.Errorf("dictionary info of the copy: %+v, want %+v", got.Info(), d.Info())
	}
}

// TestDictCopy checks that the copy of the dictionary in the cache
// directory tokenizes exactly as the dictionary, and that a damaged copy
// is never used: the dictionary is loaded as shipped and the copy written
// again.
func TestDictCopy(t *testing.T) {
	if raceEnabled {
		t.Skip("copies the whole dictionary, which takes minutes under the race detector; TestDictCopyRoundTrip runs")
	}
	dir := t.TempDir()
	origDir, origVersion := dictCacheDir, moduleVersion
	dictCacheDir = func() string { return dir }
	moduleVersion = func(string) string { return "v1.2.6-h1:test" }
	t.Cleanup(func() { dictCacheDir, moduleVersion = origDir, origVersion })
	file := dictCacheFile(ipaModule)
	want := tokens(t, ipa.Dict())
	loads := 0
	load := func() *dict.Dict { loads++; return ipa.Dict() }
	cachedDict(ipaModule, load)
	if _, err := os.Stat(file); err != nil || loads != 1 {
		t.Fatalf("no copy written (%v), %d loads", err, loads)
	}
	d := cachedDict(ipaModule, load)
	if loads != 1 {
		t.Fatal("the copy was not used")
	}
	if got := tokens(t, d); !reflect.DeepEqual(got, want) {
		t.Fatal("the copy tokenizes otherwise than the dictionary")
	}
	if d.Info() == nil || d.Info().Name != ipa.DictName {
		t.Errorf("dictionary info of the copy: %+v", d.Info())
	}
	sound, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	damages := []struct {
		name string
		b    func() []byte
	}{
		{"empty", func() []byte { return nil }},
		{"truncated", func() []byte { return sound[:len(sound)/2] }},
		{"end cut", func() []byte { return sound[:len(sound)-30] }},
		{"byte flipped in a part", func() []byte {
			b := append([]byte(nil), sound...)
			b[len(b)/3] ^= 0x40
			return b
		}},
		{"garbage", func() []byte {
			b := make([]byte, 4096)
			for i := range b {
				b[i] = byte(i * 31)
			}
			return b
		}},
	}
	for _, tt := range damages {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(file, tt.b(), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := readDictCopy(file); err == nil {
				t.Fatal("a damaged copy reads")
			}
			before := loads
			d := cachedDict(ipaModule, load)
			if loads != before+1 {
				t.Error("a damaged copy was used")
			}
			if d != ipa.Dict() {
				t.Error("not the dictionary as shipped after a damaged copy")
			}
			if b, _ := os.ReadFile(file); len(b) != len(sound) {
				t.Error("the copy was not written again")
			}
		})
	}
	// No copy where the cache directory cannot be written.
	dictCacheDir = func() string { return filepath.Join(file, "x") }
	before := loads
	cachedDict(ipaModule, load)
	if loads != before+1 {
		t.Error("no load where the copy cannot be written")
	}
}

// BenchmarkDictionaryLoad compares loading a dictionary as kagome ships it
// (a zip of deflated parts, decoded one after the other) with loading the
// copy cachedDict keeps (stored parts, decoded in parallel), for each
// dictionary module in the build list:
//
//	go test -run - -bench DictionaryLoad -benchtime 5x ./internal/search
func BenchmarkDictionaryLoad(b *testing.B) {
	for _, name := range []string{"ipa", "uni"} {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/ikawaha/kagome-dict/"+name).Output()
		if err != nil || len(bytes.TrimSpace(out)) == 0 {
			b.Logf("%s: not in the build list", name)
			continue
		}
		shipped, err := os.ReadFile(filepath.Join(string(bytes.TrimSpace(out)), name+".dict"))
		if err != nil {
			b.Logf("%s: %v", name, err)
			continue
		}
		load := func() *dict.Dict {
			zr, err := zip.NewReader(bytes.NewReader(shipped), int64(len(shipped)))
			if err != nil {
				b.Fatal(err)
			}
			d, err := dict.Load(zr, true)
			if err != nil {
				b.Fatal(err)
			}
			return d
		}
		// Each load starts from a collected heap, as in a new process.
		b.Run(name+"/shipped", func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				runtime.GC()
				b.StartTimer()
				load()
			}
		})
		file := filepath.Join(b.TempDir(), name+".zip")
		writeDictCopy(file, load())
		b.Run(name+"/copy", func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				runtime.GC()
				b.StartTimer()
				if _, err := readDictCopy(file); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
