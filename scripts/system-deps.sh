#!/usr/bin/env bash
# Installs the Debian packages Gust's tests use (idempotent; needs root or sudo).
#   curl        - the bash-bootstrap test functions talk to the Runtime API with it
#   python3     - the python3.x runtimes
#   awscli      - /usr/bin/aws, driven by the AWS CLI compatibility tests
#   build tools - g++/make for better-sqlite3; autoconf/automake/libtool/cmake for aws-lambda-ric
#   chromium    - /usr/bin/chromium, driven headless by playwright-core in the console e2e tests
#   bubblewrap  - /usr/bin/bwrap, the execution-environment sandbox (issue 9)
set -euo pipefail
PACKAGES=(curl python3 awscli g++ make autoconf automake libtool cmake chromium bubblewrap)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
