#!/usr/bin/env bash
# Measures how long `policykb serve` takes from start to its first answer:
# cold (empty data directory: the corpus is parsed, stored and indexed) and
# warm (the same directory again). Loopback only; five runs of each; prints
# every run and the median.
#
#   bash bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/policykb" ./cmd/policykb
port=18931
query='{"query":"{ documents { id } }"}'

# first_answer DIR: start the server on DIR, print milliseconds to the first
# answer to a GraphQL query, stop the server.
first_answer() {
	local start end pid
	start=$(date +%s%N)
	"$work/policykb" serve --addr 127.0.0.1:$port --data "$1" >/dev/null 2>&1 &
	pid=$!
	until curl -sf -o /dev/null -H 'Content-Type: application/json' -d "$query" http://127.0.0.1:$port/graphql; do
		if ! kill -0 $pid 2>/dev/null; then echo "server died" >&2; exit 1; fi
		if (( $(date +%s%N) - start > 30000000000 )); then echo "no answer in 30 s" >&2; exit 1; fi
	done
	end=$(date +%s%N)
	kill $pid; wait $pid 2>/dev/null || true
	echo $(( (end - start) / 1000000 ))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

cold=() warm=()
for i in 1 2 3 4 5; do
	dir="$work/data$i"
	cold+=("$(first_answer "$dir")")
	warm+=("$(first_answer "$dir")")
done
echo "cold start (empty data directory) to first answer, ms: ${cold[*]}; median $(printf '%s\n' "${cold[@]}" | median)"
echo "warm start (same directory again) to first answer, ms: ${warm[*]}; median $(printf '%s\n' "${warm[@]}" | median)"
