#!/usr/bin/env bash
# Builds shorewall-ls in release mode and packages the extension with the binary inside
# (server/shorewall-ls), for machines where shorewall-ls is not installed.
# The .vsix then only runs on the platform it was built on (linux-x64 here).
set -euo pipefail
cd "$(dirname "$0")/.."
(cd .. && cargo build --release -p shorewall-ls)
# Without its debug line tables the binary is a sixth of the size.
strip -o server/shorewall-ls ../target/release/shorewall-ls 2>/dev/null \
  || cp ../target/release/shorewall-ls server/shorewall-ls
chmod 0755 server/shorewall-ls
npm ci --no-audit --no-fund
npm run package
