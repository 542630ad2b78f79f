// Package browsertest finds the headless browser that the tests driving
// Chromium use: the reading view's browser test and the tests that print
// PDFs. It is imported by tests only.
package browsertest

import (
	"os"
	"os/exec"
)

// Find returns the path of a Chromium or Chrome: $POLICYKB_CHROME, else the
// first one on $PATH, else "".
func Find() string {
	if p := os.Getenv("POLICYKB_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}
