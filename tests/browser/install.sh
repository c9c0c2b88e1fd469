#!/usr/bin/env sh
# The test host of the MCP App browser tests (tests/e2e/test_app_browser.py): installs the
# pinned ext-apps (AppBridge), the TypeScript SDK client and esbuild from package-lock.json,
# then bundles host.mjs into host.bundle.js, one module Chromium loads without a network.
# Called by .ci/run. The browser itself is Debian's chromium (apt), driven by Playwright for
# Python (the `browser` extra); nothing here downloads a browser.
#
# To change a version: edit package.json, then regenerate the lock with npm 11.13
#   npx -y npm@11.13.0 install --package-lock-only --ignore-scripts --no-audit --no-fund
set -eu
cd "$(dirname "$0")"
# No install script runs: esbuild's JS API finds its binary in the locked platform package.
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
node_modules/.bin/esbuild host.mjs --bundle --format=esm --platform=browser \
  --log-level=warning --outfile=host.bundle.js
