package search

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/ikawaha/kagome-dict/dict"
)

// A kagome dictionary ships as a zip of nine deflated parts, which kagome
// inflates and decodes one after the other: inflating is about half of the
// time, and the parts are independent. cachedDict keeps a copy of the
// dictionary, stored without compression, in the user's cache directory,
// and loads it by decoding the parts in parallel: about half the time of
// the embedded dictionary for IPA, a third for UniDic (see BENCHMARKS.md).

// dictCacheDir is where the copies are kept; "" disables them.
var dictCacheDir = func() string {
	if d := os.Getenv("POLICYKB_CACHE"); d != "" {
		if d == "off" {
			return ""
		}
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "policykb")
}

// cachedDict returns the dictionary of the Go module modulePath (such as
// github.com/ikawaha/kagome-dict/ipa): from the copy in the cache directory
// if there is a sound one for the version of the module this program is
// built with, else with load, after which it writes the copy. A copy that
// cannot be read or written is no error: load is used.
func cachedDict(modulePath string, load func() *dict.Dict) *dict.Dict {
	file := dictCacheFile(modulePath)
	if file == "" {
		return load()
	}
	if d, err := readDictCopy(file); err == nil {
		return d
	}
	d := load()
	writeDictCopy(file, d)
	return d
}

// dictCacheFile is the file of the copy of the dictionary of modulePath at
// the version this program is built with; "" when the version is unknown
// (as in tests).
func dictCacheFile(modulePath string) string {
	dir, version := dictCacheDir(), moduleVersion(modulePath)
	if dir == "" || version == "" {
		return ""
	}
	name := modulePath + "@" + version
	return filepath.Join(dir, "dict", strings.NewReplacer("/", "_", "+", "-", "=", "", ":", "-").Replace(name)+".zip")
}

// moduleVersion returns the version and checksum of the Go module
// modulePath that this program is built with, "" if it is unknown.
var moduleVersion = func(modulePath string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range info.Deps {
		if m.Path == modulePath {
			if m.Replace != nil {
				m = m.Replace
			}
			if m.Version == "" || m.Version == "(devel)" {
				return ""
			}
			return m.Version + "-" + m.Sum
		}
	}
	return ""
}

// readDictCopy reads a copy written by writeDictCopy, its parts in
// parallel. Every part is read to its end, so that the zip's checksums are
// checked; a damaged copy is an error, never a panic.
func readDictCopy(file string) (d *dict.Dict, err error) {
	// Mapped (or read) whole: the decoders read a few bytes at a time. They
	// copy what they read, so the mapping can go once they are done.
	b, unmap, err := mapFile(file)
	if err != nil {
		return nil, err
	}
	defer unmap()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	d = &dict.Dict{}
	var charDef *dict.CharDef
	var info *dict.Info
	var wg sync.WaitGroup
	errs := make([]error, len(zr.File))
	seen := map[string]bool{}
	for i, zf := range zr.File {
		if seen[zf.Name] {
			return nil, fmt.Errorf("%s twice", zf.Name)
		}
		seen[zf.Name] = true
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					errs[i] = fmt.Errorf("%s: %v", zf.Name, r)
				}
			}()
			errs[i] = readDictPart(zf, d, &charDef, &info)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(seen) != 9 || charDef == nil || info == nil {
		return nil, errors.New("incomplete dictionary copy")
	}
	d.CharClass, d.CharCategory, d.InvokeList, d.GroupList = charDef.CharClass, charDef.CharCategory, charDef.InvokeList, charDef.GroupList
	d.SetInfo(info)
	return d, nil
}

// readDictPart decodes one part into its field of d.
func readDictPart(zf *zip.File, d *dict.Dict, charDef **dict.CharDef, info **dict.Info) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	switch zf.Name {
	case dict.MorphDictFileName:
		d.Morphs, err = dict.ReadMorphs(rc)
	case dict.POSDictFileName:
		d.POSTable, err = dict.ReadPOSTable(rc)
	case dict.ContentMetaFileName:
		d.ContentsMeta, err = dict.ReadContentsMeta(rc)
	case dict.ContentDictFileName:
		d.Contents, err = dict.ReadContents(rc)
	case dict.IndexDictFileName:
		d.Index, err = dict.ReadIndexTable(rc)
	case dict.ConnectionDictFileName:
		d.Connection, err = dict.ReadConnectionTable(rc)
	case dict.CharDefDictFileName:
		*charDef, err = dict.ReadCharDef(rc)
	case dict.UnkDictFileName:
		d.UnkDict, err = dict.ReadUnkDic(rc)
	case dict.DictInfoFileName:
		if *info = dict.ReadDictInfo(rc); *info == nil {
			err = errors.New("unreadable")
		}
	default:
		err = errors.New("unknown part")
	}
	if err == nil {
		_, err = io.Copy(io.Discard, rc) // to the end: the checksum is checked
	}
	if err != nil {
		return fmt.Errorf("%s: %w", zf.Name, err)
	}
	return nil
}

// writeDictCopy writes d, stored without compression, to file (through a
// temporary file and a rename, so that a reader never sees half a copy).
func writeDictCopy(file string, d *dict.Dict) {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return
	}
	f, err := os.CreateTemp(filepath.Dir(file), ".dict-*")
	if err != nil {
		return
	}
	defer os.Remove(f.Name())
	zw := zip.NewWriter(f)
	part := func(name string, w io.WriterTo) {
		if err != nil {
			return
		}
		var pw io.Writer
		if pw, err = zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store}); err == nil {
			_, err = w.WriteTo(pw)
		}
	}
	part(dict.MorphDictFileName, d.Morphs)
	part(dict.POSDictFileName, d.POSTable)
	part(dict.ContentMetaFileName, d.ContentsMeta)
	part(dict.ContentDictFileName, d.Contents)
	part(dict.IndexDictFileName, d.Index)
	part(dict.ConnectionDictFileName, d.Connection)
	part(dict.CharDefDictFileName, dict.CharDef{CharClass: d.CharClass, CharCategory: d.CharCategory, InvokeList: d.InvokeList, GroupList: d.GroupList})
	part(dict.UnkDictFileName, d.UnkDict)
	if info := d.Info(); info != nil {
		part(dict.DictInfoFileName, info)
	}
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		os.Rename(f.Name(), file)
	}
}
