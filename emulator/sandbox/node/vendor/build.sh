#!/bin/sh
# Rebuilds interceptors.mjs and platform.cjs (with their licence files) from npm (needs network and
# npm; run by hand, never at install or run time). VERSION names the packages installed, one a line.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund $(cat "$here/VERSION") esbuild@0.28.2 >/dev/null
interceptors=$(node -p 'JSON.parse(require("fs").readFileSync("node_modules/@mswjs/interceptors/package.json")).version')
cp "$here/interceptors-entry.mjs" .
./node_modules/.bin/esbuild interceptors-entry.mjs --bundle --format=esm --platform=node --target=node18 \
  --legal-comments=inline --outfile="$here/interceptors.mjs" \
  --banner:js="// @mswjs/interceptors $interceptors (MIT, see LICENSE-interceptors.txt), bundled by build.sh: do not edit."
cp node_modules/@mswjs/interceptors/LICENSE.md "$here/LICENSE-interceptors.txt"
cp "$here/platform-build.mjs" .
node platform-build.mjs "$here"
