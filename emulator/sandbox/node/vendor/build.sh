#!/bin/sh
# Rebuilds interceptors.mjs from npm (needs network and npm; run by hand, never at install or run time).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
version=$(cat "$here/VERSION")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "@mswjs/interceptors@$version" esbuild@0.28.2 >/dev/null
cp "$here/interceptors-entry.mjs" .
./node_modules/.bin/esbuild interceptors-entry.mjs --bundle --format=esm --platform=node --target=node18 \
  --legal-comments=inline --outfile="$here/interceptors.mjs" \
  --banner:js="// @mswjs/interceptors $version (MIT, see LICENSE-interceptors.txt), bundled by build.sh: do not edit."
cp node_modules/@mswjs/interceptors/LICENSE.md "$here/LICENSE-interceptors.txt"
