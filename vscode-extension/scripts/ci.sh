#!/usr/bin/env bash
# CI for the VS Code extension: installs the locked npm packages, checks that the grammars are
# generated from syntaxes/generate.py, then type-checks, runs the unit tests and the grammar
# tests (vscode-tmgrammar-test assertions and snapshots). Needs Node 20 and python3.
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

npm ci --no-audit --no-fund
npm test
