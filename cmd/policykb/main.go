// Command policykb is a knowledge base of Japan's cybersecurity budget-priority
// policy: it parses the policy texts into numbered provisions, stores them in
// SQLite and serves them over GraphQL.
//
//	policykb serve      [--addr 127.0.0.1:8080] [--data DIR] [--no-introspection] [--timeout 10s]
//	policykb ingest     [--data DIR] [--id ID] [--replace] [--lock-timeout 30s] [--title T] … FILE…
//	policykb search     [--data DIR] [--first N] [--page N] [--document ID] [--under ID] QUERY
//	policykb export     [--data DIR] [--document ID]
//	policykb history    [--data DIR] DOC
//	policykb revert     [--data DIR] [--lock-timeout 30s] DOC VERSION
//	policykb backup     [--data DIR] [--force] FILE
//	policykb version
//	policykb completion bash|zsh|fish
//
// 'policykb --help' lists every command with every option; 'policykb
// COMMAND --help' those of one command. --data defaults to $POLICYKB_DATA,
// else to policykb under the user's data directory ($XDG_DATA_HOME or
// ~/.local/share). Exit status: 0 on success, 1 on a failure, 2 on bad usage.
//
// The commands are declared in cli.go and the file named after each; this
// file only wires the process to them.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
