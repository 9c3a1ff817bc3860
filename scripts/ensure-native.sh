#!/usr/bin/env bash
# Native modules are built for one Node.js ABI. If better-sqlite3 does not load in this node (npm ci ran
# under another node version), rebuild it from source against this node's headers.
set -euo pipefail
cd "$(dirname "$0")/.."
if node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; then exit 0; fi
prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -f "$prefix/include/node/node.h" ]; then export npm_config_nodedir="$prefix"; fi
echo "ensure-native: rebuilding better-sqlite3 for node $(node --version)" >&2
npm rebuild better-sqlite3 --foreground-scripts >/dev/null
node -e "new (require('better-sqlite3'))(':memory:').close()"
