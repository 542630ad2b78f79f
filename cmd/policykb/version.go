package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// version describes the binary from its build information bi (nil where
// there is none): the module
// version, the VCS revision it was built from (and whether the tree had
// changes), when that was committed, and the Go toolchain.
//
//	policykb v0.0.0-20261126150012-af31376d63c0+dirty
//	revision af31376d63c0345f4cb736e0102cc2e4a22397c7 (with uncommitted changes)
//	committed 2026-11-26T15:00:12Z
//	built with go1.26.8 for linux/amd64, cgo on
func version(bi *debug.BuildInfo) string {
	v, rev, at, modified := "(devel)", "", "", false
	if bi != nil {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "policykb %s\n", v)
	switch {
	case rev == "":
		b.WriteString("revision unknown (not built from a git clone, or built with -buildvcs=false)\n")
	case modified:
		fmt.Fprintf(&b, "revision %s (with uncommitted changes)\n", rev)
	default:
		fmt.Fprintf(&b, "revision %s\n", rev)
	}
	if at != "" {
		fmt.Fprintf(&b, "committed %s\n", at)
	}
	cgo := "on"
	if !cgoEnabled {
		cgo = "off (commands other than version and --help cannot run)"
	}
	fmt.Fprintf(&b, "built with %s for %s/%s, cgo %s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, cgo)
	return b.String()
}
