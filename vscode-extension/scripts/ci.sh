#!/usr/bin/env bash
# Tests of the VS Code extension: checks that the grammars are generated from
# syntaxes/generate.py, then type-checks, runs the unit tests and the grammar tests
# (vscode-tmgrammar-test assertions and snapshots). Needs Node 20, python3 and the locked npm
# packages (`npm ci` here, or tests/e2e/install.sh); ./scripts/test runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 syntaxes/generate.py "$tmp"
for grammar in shorewall.tmLanguage.json shorewall-ip6tables.tmLanguage.json; do
  if ! cmp -s "$tmp/$grammar" "syntaxes/$grammar"; then
    echo "syntaxes/$grammar is out of date: run python3 syntaxes/generate.py" >&2
    exit 1
  fi
done

[ -d node_modules/vscode-tmgrammar-test ] || { echo "vscode-extension: run npm ci first" >&2; exit 1; }
npm test
