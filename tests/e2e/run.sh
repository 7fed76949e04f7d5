#!/usr/bin/env bash
# Editor end-to-end tests: the Neovim plugin on Neovim 0.7.2 and 0.11.4 (headless), and the VS Code
# extension in code-server 4.100.3 driven through headless Chromium. Installs nothing: a suite
# whose editor is missing is skipped with a message (tests/e2e/install.sh installs them all), or
# fails with E2E_REQUIRE_ALL=1 (as in CI). Packages the .vsix, runs each suite, and prints how
# long each one took.
#
#   tests/e2e/run.sh [--fake] [SUITE...]      SUITE: nvim-0.7 nvim-0.11 vscode (default: all)
#
# The server is `$SHOREWALL_LS_CMD` (default: the repository's `target/release/shorewall-ls lsp`).
# --fake runs the test double tests/e2e/fake_shorewall_ls.py instead, with the checks it
# supports (every check but manpage hover), to test the editors' side alone.
#
# Env: SHOREWALL_LS_CMD  the server command line, `lsp` included (split on blanks)
#      E2E_PROFILE       real or fake (default: fake with --fake, real otherwise)
#      E2E_REQUIRE_ALL   1: a suite whose editor is not installed fails instead of being skipped
#      E2E_CACHE         where install.sh put Neovim 0.11.4 and code-server
#                        (default: ~/.cache/shorewall-ls-e2e)
#      E2E_ARTIFACTS     screenshots, transcripts, timings (default: target/e2e-artifacts)
#      E2E_DIAG_CODE     the diagnostic code of an unknown zone (default: unknown-zone)
#      E2E_HOVER_TEXT    text the hover on ACCEPT must contain (default: the manpage's
#                        "Allow the connection request")
# Exit 0 when no suite failed. The last line says how many passed, failed and were skipped.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
# shellcheck source=versions.sh
. "$HERE/versions.sh"
ARTIFACTS="${E2E_ARTIFACTS:-$REPO/target/e2e-artifacts}"

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
results=()

WORK="$(mktemp -d)"
BUNDLED_COPY="" # a server binary this script put into vscode-extension/server/
trap 'rm -rf "$WORK"; [ -z "$BUNDLED_COPY" ] || rm -f "$BUNDLED_COPY"' EXIT
mkdir -p "$ARTIFACTS"
rm -rf "${ARTIFACTS:?}"/*

# --- what is installed ------------------------------------------------------------------------
# Prints why a suite cannot run here, or nothing.
missing() { # suite
  case "$1" in
    nvim-0.7) command -v nvim >/dev/null || echo "no nvim on PATH (Debian: apt-get install neovim)" ;;
    nvim-0.11) [ -x "$NVIM011" ] || echo "no Neovim $NVIM011_VERSION at $NVIM011" ;;
    vscode)
      local why=()
      command -v node >/dev/null || why+=("no Node.js")
      [ -x "$CODE_SERVER" ] || why+=("no code-server $CODE_SERVER_VERSION at $CODE_SERVER")
      [ -x "${CHROMIUM:-/usr/bin/chromium}" ] || why+=("no ${CHROMIUM:-/usr/bin/chromium}")
      [ -d "$HERE/node_modules/playwright-core" ] || why+=("no tests/e2e/node_modules")
      [ -d "$REPO/vscode-extension/node_modules/@vscode/vsce" ] || why+=("no vscode-extension/node_modules")
      [ ${#why[@]} -eq 0 ] || (IFS=';'; echo "${why[*]}")
      ;;
  esac
}
runnable=()
for suite in "${suites[@]}"; do
  why="$(missing "$suite")"
  if [ -z "$why" ]; then
    runnable+=("$suite")
  elif [ "${E2E_REQUIRE_ALL:-}" = 1 ]; then
    results+=("$suite: FAILED (not installed: $why)")
  else
    echo "e2e: skipping $suite: $why. Install with tests/e2e/install.sh (root, Debian 12)."
    results+=("$suite: skipped")
  fi
done

VSIX="$REPO/vscode-extension/shorewall-ls.vsix"
if [[ " ${runnable[*]} " == *" vscode "* ]]; then
  t="$(now)"
  (cd "$REPO/vscode-extension" && npm run --silent package > "$WORK/vsce.log" 2>&1) \
    || { cat "$WORK/vsce.log"; exit 1; }
  timings+=("package the .vsix: $(since "$t") s")
fi

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
# Packages a .vsix with the server binary in server/ (as scripts/package-with-server.sh does,
# without rebuilding) and checks that the extension starts it when nothing else is configured.
run_vscode_bundled() { # server-binary
  local ext="$REPO/vscode-extension" rc=0
  mkdir -p "$WORK/bundled"
  if [ -e "$ext/server/shorewall-ls" ]; then
    echo "bundling the server already in vscode-extension/server/"
  else
    strip -o "$ext/server/shorewall-ls" "$1" 2>/dev/null || cp "$1" "$ext/server/shorewall-ls"
    chmod 0755 "$ext/server/shorewall-ls"
    BUNDLED_COPY="$ext/server/shorewall-ls"
  fi
  (cd "$ext" && node_modules/.bin/vsce package --allow-missing-repository \
    --out "$WORK/bundled/shorewall-ls.vsix" > "$WORK/bundled/vsce.log" 2>&1) || rc=$?
  [ -z "$BUNDLED_COPY" ] || rm -f "$BUNDLED_COPY"
  BUNDLED_COPY=""
  [ "$rc" = 0 ] || { cat "$WORK/bundled/vsce.log"; return "$rc"; }
  CODE_SERVER="$CODE_SERVER" VSIX="$WORK/bundled/shorewall-ls.vsix" WORK="$WORK/vscode-bundled" \
    SHOTS="$ARTIFACTS/vscode-bundled" E2E_SERVER_PATH="" E2E_SERVER_FROM=bundled \
    E2E_STEPS=problems E2E_WRAPPER_LOG="" "$HERE/vscode/run.sh"
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

for suite in "${runnable[@]}"; do
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
      # The fallback to the binary bundled in the .vsix: no setting, no shorewall-ls on the
      # PATH of VS Code's server (a login shell's).
      if [ "$E2E_PROFILE" = real ] && [ -f "${server_words[0]}" ]; then
        run_suite "code-server $CODE_SERVER_VERSION, bundled server" \
          run_vscode_bundled "${server_words[0]}"
      fi
      ;;
  esac
done

{
  echo "server: $SHOREWALL_LS_CMD (profile $E2E_PROFILE)"
  printf '%s\n' "${results[@]}"
  [ ${#timings[@]} -eq 0 ] || { echo "wall time:"; printf '  %s\n' "${timings[@]}"; }
} | tee "$ARTIFACTS/summary.txt"
failed=0 skipped=0
for r in "${results[@]}"; do
  [[ "$r" == *FAILED* ]] && failed=$((failed + 1))
  [[ "$r" == *skipped ]] && skipped=$((skipped + 1))
done
echo "e2e: $(( ${#results[@]} - failed - skipped )) passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
