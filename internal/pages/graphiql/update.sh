#!/usr/bin/env bash
# Refreshes the GraphiQL IDE's assets in ./assets from the npm registry.
#
# The IDE is served from these files only, embedded in the binary: nothing is
# fetched at run time. To move to other versions, change the pins below, run
#
#	bash internal/pages/graphiql/update.sh
#
# and commit the result (assets/ and assets/SOURCES.txt). npm pack checks each
# tarball against the integrity hash the registry publishes; SOURCES.txt
# records those hashes and the SHA-256 of every file copied.
set -euo pipefail

GRAPHIQL_VERSION=4.1.2 # the last major version with a UMD build (React 18)
REACT_VERSION=18.3.1   # the last React with UMD builds

here="$(cd "$(dirname "$0")" && pwd)"
out="$here/assets"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cd "$tmp"
npm pack --silent "graphiql@$GRAPHIQL_VERSION" "react@$REACT_VERSION" "react-dom@$REACT_VERSION" >/dev/null
for tgz in "graphiql-$GRAPHIQL_VERSION" "react-$REACT_VERSION" "react-dom-$REACT_VERSION"; do
	pkg="${tgz%-*}"
	mkdir "$pkg"
	tar -xzf "$tgz.tgz" -C "$pkg" --strip-components=1
done

rm -rf "$out"
mkdir -p "$out"
# name in assets/ <- file in the package
copy() {
	# Source maps are not shipped: drop the comments that point at them.
	sed -e '/^\/\/# sourceMappingURL=/d' -e 's#/\*\# sourceMappingURL=[^*]*\*/##' "$2" >"$out/$1"
}
copy graphiql.min.js graphiql/graphiql.min.js
copy graphiql.min.css graphiql/graphiql.min.css
copy react.production.min.js react/umd/react.production.min.js
copy react-dom.production.min.js react-dom/umd/react-dom.production.min.js
cp graphiql/LICENSE "$out/LICENSE.graphiql"
cp react/LICENSE "$out/LICENSE.react"

{
	echo "# Copied from the npm registry by update.sh; do not edit by hand."
	for pkg in graphiql react react-dom; do
		v=$(node -p "require('./$pkg/package.json').version")
		echo "package $pkg@$v $(npm view "$pkg@$v" dist.integrity)"
	done
	(cd "$out" && sha256sum -- *.js *.css LICENSE.*)
} >"$out/SOURCES.txt"
echo "GraphiQL $GRAPHIQL_VERSION with React $REACT_VERSION in $out"
