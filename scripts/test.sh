#!/usr/bin/env bash
# `npm test`: the README's test command, and all CI runs (.ci/run is `npm ci` + `npm test`).
# Installs what the tests need (Debian packages, the aws-lambda-ric fixture, better-sqlite3 built for
# this node), then runs the checks and the whole suite. On CI (CI=true), or with GUST_TEST_NODE=24,
# the suite then runs a second time on that Node.js major (scripts/test-on-node.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/ensure-native.sh
bash scripts/build-ric-fixture.sh
npm run typecheck
npm run lint
npm run format:check
npm run check:cycles
npm run build:console
npm run test:suite
other="${GUST_TEST_NODE:-}"
if [ -z "$other" ] && [ "${CI:-}" = "true" ]; then other=24; fi
if [ -n "$other" ] && [ "$other" != "$(node -p 'process.versions.node.split(".")[0]')" ]; then
  bash scripts/test-on-node.sh "$other"
fi
