#!/usr/bin/env bash
# Installs test/fixtures/ric/node_modules: AWS's official Node runtime interface client
# (aws-lambda-ric), whose install scripts build curl, aws-lambda-cpp and a native addon from source
# (needs the build tools in scripts/system-deps.sh; takes a few minutes). test/integration/ric.test.ts
# deploys that fixture as a provided.al2023 function.
#
# Idempotent: does nothing when node_modules was built from the current package-lock.json for the
# current node ABI (recorded in node_modules/.gust-ric-stamp; ric.test.ts checks the same stamp).
# Quiet on success; on failure prints the tail of npm's output and exits non-zero.
set -euo pipefail
DIR="$(cd "$(dirname "$0")/../test/fixtures/ric" && pwd)"
STAMP="$DIR/node_modules/.gust-ric-stamp"
ADDON="$DIR/node_modules/aws-lambda-ric/dist/rapid-client.node"

# "<sha256 of package-lock.json> node-abi-<modules> <platform>-<arch>": the addon is tied to the ABI.
want="$(node -e '
  const fs = require("node:fs"), crypto = require("node:crypto");
  const lock = crypto.createHash("sha256").update(fs.readFileSync(process.argv[1])).digest("hex");
  console.log(`${lock} node-abi-${process.versions.modules} ${process.platform}-${process.arch}`);
' "$DIR/package-lock.json")"

if [ -f "$ADDON" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then exit 0; fi

# node-gyp must build against the local node's headers: there is no network to download them.
nodedir="$(cd "$DIR" && npm config get nodedir 2>/dev/null || true)"
if [ -z "$nodedir" ] || [ "$nodedir" = "undefined" ] || [ "$nodedir" = "null" ]; then
  prefix="$(dirname "$(dirname "$(command -v node)")")"
  if [ -f "$prefix/include/node/node.h" ]; then export npm_config_nodedir="$prefix"; fi
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
echo "build-ric-fixture: npm ci in $DIR (builds aws-lambda-ric's native addon; takes minutes)" >&2
if ! (cd "$DIR" && npm ci --no-audit --no-fund --foreground-scripts) >"$log" 2>&1; then
  echo "build-ric-fixture: npm ci failed in $DIR; last lines of its output:" >&2
  tail -n 60 "$log" >&2
  exit 1
fi
if [ ! -f "$ADDON" ]; then
  echo "build-ric-fixture: npm ci succeeded but $ADDON was not built (install scripts not run?); output:" >&2
  tail -n 60 "$log" >&2
  exit 1
fi

# aws-lambda-ric's postinstall means to delete its build leftovers, but its `[^gz]` glob does not
# work under dash, which leaves ~145 MB of curl/aws-lambda-cpp build trees behind. Remove them as
# the package intends (nothing at run time uses them) so the deployment zip stays small.
rm -rf "$DIR"/node_modules/aws-lambda-ric/deps/curl-* \
  "$DIR"/node_modules/aws-lambda-ric/deps/aws-lambda-cpp-* \
  "$DIR"/node_modules/aws-lambda-ric/deps/artifacts \
  "$DIR"/node_modules/aws-lambda-ric/build

echo "$want" >"$STAMP"
