#!/usr/bin/env bash
# Measures start-up times of policykb, each against the same figure of a
# baseline binary built from another revision in the same run (so that the
# load of the machine cancels out of the ratios):
#
#   help          policykb --help: the cost of starting the process at all
#   search cold   policykb search on an empty data directory
#   search        policykb search on a data directory with a current index
#   beside        policykb search on the data directory of a running server
#   first answer  policykb serve on an empty data directory, from start to
#                 its first answer to a GraphQL query (target ≤ 1.5 s)
#   index ready   the same, to /readyz answering 200 (target ≤ 3 s)
#   warm answer   policykb serve again on the same directory, first answer
#   SIGINT        policykb serve interrupted as soon as it listens, to exit
#
# Loopback only; RUNS runs of each (default 5); prints every run, the
# medians in ms and the ratios new/baseline.
#
#   bash bench/startup.sh [BASE]     # BASE: a revision, default main
#   DEBUG=1 bash bench/startup.sh    # trace the script
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
base=${1:-main}
runs=${RUNS:-5}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT
[[ -n ${DEBUG:-} ]] && set -x
query='{"query":"{ documents { id } }"}'

echo "building this tree and $base ($(git rev-parse --short "$base"))" >&2
go build -o "$work/new" ./cmd/policykb
mkdir "$work/src"
git archive "$base" | tar -x -C "$work/src"
(cd "$work/src" && go build -o "$work/old" ./cmd/policykb)

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# wait_for URL PID START: wait until URL answers 200; bounded by 60 s.
wait_for() {
	until curl -sf -m 10 -o /dev/null "$1" 2>/dev/null; do
		if ! kill -0 "$2" 2>/dev/null; then echo "server died" >&2; exit 1; fi
		if (( $(now) - $3 > 60000000000 )); then echo "no answer from $1 in 60 s" >&2; exit 1; fi
		sleep 0.01
	done
}
wait_graphql() {
	until curl -sf -m 10 -o /dev/null -H 'Content-Type: application/json' -d "$query" "http://$addr/graphql" 2>/dev/null; do
		if ! kill -0 "$1" 2>/dev/null; then echo "server died" >&2; exit 1; fi
		if (( $(now) - $2 > 60000000000 )); then
			kill -QUIT "$1"; sleep 1
			echo "no answer from $addr in 60 s: $(cat "$work/serve.log")" >&2; exit 1
		fi
		sleep 0.01
	done
}

# start BIN DIR: start a server on a port of the system's choice, set $pid,
# $start and, once it says where it listens, $addr (never another
# process's server).
starts=0
start() {
	# A new file for each server: the shell truncates a redirected file in
	# the child, later than the parent may read it.
	starts=$((starts + 1))
	out="$work/serve$starts.out"
	start=$(now)
	"$1" serve --addr 127.0.0.1:0 --data "$2" >"$out" 2>"$work/serve.log" &
	pid=$!
	pids+=("$pid")
	addr=
	until [[ -n $addr ]]; do
		addr=$(grep -o 'http://127\.0\.0\.1:[0-9]*/graphql' "$out" 2>/dev/null | head -1 | sed 's|http://||; s|/graphql||') || true
		if ! kill -0 "$pid" 2>/dev/null; then echo "server died: $(cat "$work/serve.log")" >&2; exit 1; fi
		if (( $(now) - start > 60000000000 )); then echo "server did not listen in 60 s" >&2; exit 1; fi
		[[ -n $addr ]] || sleep 0.005
	done
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }

# timed CMD…: print the milliseconds CMD takes.
timed() {
	local s
	s=$(now)
	"$@" >/dev/null 2>&1 || true
	ms "$s" "$(now)"
}

declare -A r
add() { r[$1]+="$2 "; }

for i in $(seq "$runs"); do
	for v in old new; do
		bin="$work/$v"
		add "help $v" "$(timed "$bin" --help)"
		d="$work/$v-search$i"
		add "search cold $v" "$(timed "$bin" search --data "$d" 人材)"
		# A store holding the corpus, first searched (index built), then
		# searched again.
		d="$work/$v-serve$i"
		start "$bin" "$d"
		wait_graphql "$pid" "$start"
		add "first answer $v" "$(ms "$start" "$(now)")"
		wait_for "http://$addr/readyz" "$pid" "$start"
		add "index ready $v" "$(ms "$start" "$(now)")"
		curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"query":"{ search(query: \"人材\") { totalCount } }"}' "http://$addr/graphql"
		add "beside $v" "$(timed "$bin" search --data "$d" 人材)"
		stop
		add "search $v" "$(timed "$bin" search --data "$d" 人材)"
		start "$bin" "$d"
		wait_graphql "$pid" "$start"
		add "warm answer $v" "$(ms "$start" "$(now)")"
		stop
		# SIGINT as soon as it listens, on an empty data directory.
		start "$bin" "$work/$v-int$i"
		wait_graphql "$pid" "$start"
		s=$(now)
		kill -INT "$pid"
		wait "$pid" 2>/dev/null || true
		add "SIGINT $v" "$(ms "$s" "$(now)")"
	done
done

printf '%-14s %8s %8s %7s   %s\n' measure "new ms" "base ms" ratio "runs new | base"
for m in help "search cold" search beside "first answer" "index ready" "warm answer" SIGINT; do
	n=$(printf '%s\n' ${r["$m new"]} | median)
	o=$(printf '%s\n' ${r["$m old"]} | median)
	printf '%-14s %8d %8d %7s   %s| %s\n' "$m" "$n" "$o" "$(awk -v n="$n" -v o="$o" 'BEGIN { if (o > 0) printf "%.2f", n / o; else print "-" }')" "${r["$m new"]}" "${r["$m old"]}"
done
