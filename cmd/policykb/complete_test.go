package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// wordsByRef stands in for _get_comp_words_by_ref of the bash-completion
// package where it is not installed (the words as COMP_WORDS holds them),
// and for compopt, which works only while bash itself completes.
const wordsByRef = `
compopt() { :; }
if ! declare -F _get_comp_words_by_ref >/dev/null; then
	_get_comp_words_by_ref() {
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	}
fi
`

// TestBashCompletion runs the script of 'policykb completion bash' as bash
// does on a <TAB>, with the binary on the PATH: commands, options, document
// IDs, provision IDs and versions complete, the IDs read from the store.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	bin := binary(t)
	data := t.TempDir()
	mustRun(t, "export", "--data", data)
	script := writeFile(t, t.TempDir(), "policykb.bash", []byte(mustRun(t, "completion", "bash")))
	if bc := "/usr/share/bash-completion/bash_completion"; fileExists(bc) {
		script = bc + `"; source "` + script
	}
	tests := []struct {
		line string // what is typed before <TAB>
		want []string
	}{
		{"policykb history cs-", []string{docID}},
		{"policykb export --document c", []string{docID}},
		{"policykb revert " + docID + " ", []string{"1"}},
		// Bash breaks words at colons and replaces only what follows the
		// last one: the script leaves out what comes before it.
		{"policykb search --under " + docID + ":2.2.3.", []string{"2.2.3.1", "2.2.3.2", "2.2.3.3"}},
		{"policykb hist", []string{"history"}},
		{"policykb search --fi", []string{"--first"}},
		{"policykb completion ", []string{"bash", "zsh", "fish"}},
		{"policykb help rev", []string{"revert"}},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			words := strings.Fields(tt.line)
			if strings.HasSuffix(tt.line, " ") {
				words = append(words, "")
			}
			quoted := make([]string, len(words))
			for i, w := range words {
				quoted[i] = strconv.Quote(w)
			}
			prog := `source "` + script + `"` + wordsByRef + `
COMP_WORDS=(` + strings.Join(quoted, " ") + `)
COMP_CWORD=` + strconv.Itoa(len(words)-1) + `
COMP_LINE=` + strconv.Quote(tt.line) + `
COMP_POINT=${#COMP_LINE}
COMP_TYPE=9
__start_policykb
printf '%s\n' "${COMPREPLY[@]}"
`
			cmd := exec.Command(bash, "--norc", "--noprofile", "-c", prog)
			cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"), "POLICYKB_DATA="+data)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil || stderr.Len() > 0 {
				t.Fatalf("bash: %v\n%s", err, stderr.String())
			}
			var got []string
			for _, c := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				// Descriptions follow a tab where bash shows them.
				c, _, _ = strings.Cut(strings.TrimSpace(c), " ")
				got = append(got, c)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("%q<TAB> completes\n%s\nwant\n%s", tt.line, out, strings.Join(tt.want, "\n"))
			}
		})
	}
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// TestCompletionScripts checks that a script is written for each shell
// (bash's is run by TestBashCompletion), and that another is bad usage.
func TestCompletionScripts(t *testing.T) {
	for _, shell := range []struct{ name, holds string }{
		{"bash", "__start_policykb"},
		{"zsh", "#compdef policykb"},
		{"fish", "complete -c policykb"},
	} {
		if out := mustRun(t, "completion", shell.name); !strings.Contains(out, shell.holds) || !strings.Contains(out, "__complete") {
			t.Errorf("completion %s: a script of %d bytes without %q", shell.name, len(out), shell.holds)
		}
	}
	if code, out, errs := policykb(t, "completion", "powershell"); code != 2 || out != "" || !strings.HasPrefix(errs, "policykb completion: give the shell: bash, zsh or fish\n") {
		t.Errorf("completion powershell: exit %d, %q, %q", code, out, errs)
	}
}
