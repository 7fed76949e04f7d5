#!/usr/bin/env bash
# VS Code end-to-end suite: installs the packaged extension into code-server 4.100.3, starts it
# on 127.0.0.1 with isolated data directories, and runs e2e.js in headless Chromium.
#
# Env: CODE_SERVER  the code-server binary (required)
#      VSIX         the extension package (required)
#      WORK         scratch directory (required; the workspace is a copy of ../fixtures)
#      SHOTS        where the screenshots go (required)
#      E2E_SERVER_PATH  the `shorewall-ls` the extension is to start (shorewall.server.path:
#                   VS Code's server replaces PATH with the login shell's, so PATH cannot carry it);
#                   empty: the setting stays unset (PATH, then the binary bundled in the .vsix)
#      E2E_SERVER_FROM  where the extension must have found the server: setting, path or bundled
#                   (read from its output channel; default: setting)
#      E2E_STEPS    all (default), or problems: stop after the Problems panel check
#      E2E_PROFILE, E2E_DIAG_CODE, E2E_HOVER_TEXT, E2E_WRAPPER_LOG, FAKE_SHOREWALL_LS_LOG: see e2e.js
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
: "${CODE_SERVER:?}" "${VSIX:?}" "${WORK:?}" "${SHOTS:?}" "${E2E_SERVER_PATH?}"
SERVER_FROM="${E2E_SERVER_FROM:-setting}"

rm -rf "$WORK" && mkdir -p "$WORK/data/User" "$WORK/exts" "$WORK/ws" "$SHOTS"
cp -r "$HERE/../fixtures/shorewall6" "$WORK/ws/"
cat > "$WORK/data/User/settings.json" <<JSON
{
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "git.enabled": false,
  "editor.quickSuggestions": { "other": false, "comments": false, "strings": false },
  "editor.minimap.enabled": false,
  "shorewall.format.tabWidth": 4
}
JSON
if [ -n "$E2E_SERVER_PATH" ]; then
  node -e 'const fs = require("fs"); const [file, path] = process.argv.slice(1);
    const settings = JSON.parse(fs.readFileSync(file, "utf8"));
    settings["shorewall.server.path"] = path;
    fs.writeFileSync(file, JSON.stringify(settings, null, 2));' "$WORK/data/User/settings.json" "$E2E_SERVER_PATH"
fi

# code-server and Chromium write under $HOME unless pointed elsewhere.
: > "$WORK/config.yaml"
export XDG_DATA_HOME="$WORK/xdg-data" XDG_CONFIG_HOME="$WORK/xdg-config" XDG_CACHE_HOME="$WORK/xdg-cache"
COMMON=(--config "$WORK/config.yaml" --user-data-dir "$WORK/data" --extensions-dir "$WORK/exts")
"$CODE_SERVER" "${COMMON[@]}" --install-extension "$VSIX" > "$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log"; exit 1; }
"$CODE_SERVER" "${COMMON[@]}" --list-extensions --show-versions

PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
# setsid: its own process group, so that cleanup ends code-server and everything it started
# (extension host, file watcher, language server); killing only its pid leaks them.
setsid "$CODE_SERVER" "${COMMON[@]}" --bind-addr "127.0.0.1:$PORT" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened \
  "$WORK/ws" > "$WORK/code-server.log" 2>&1 &
CS_PID=$!
cleanup() {
  kill -- "-$CS_PID" 2>/dev/null || true
  wait "$CS_PID" 2>/dev/null || true
  for _ in $(seq 1 20); do kill -0 -- "-$CS_PID" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 -- "-$CS_PID" 2>/dev/null || true
}
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$CS_PID" 2>/dev/null || { cat "$WORK/code-server.log"; exit 1; }
  sleep 0.25
done

rc=0
node "$HERE/e2e.js" "http://127.0.0.1:$PORT" "$WORK/ws" "$SHOTS" || rc=$?

# The extension logs where it found the server to its output channel.
channel="$(find "$WORK/data/logs" -name '*-Shorewall.log' 2>/dev/null | head -1)"
if [ -n "$channel" ] && grep -q "(from $SERVER_FROM)" "$channel"; then
  echo "ok   - the extension started the server (from $SERVER_FROM): $(grep -m1 '^starting' "$channel")"
else
  echo "FAIL - the extension did not start the server (from $SERVER_FROM): $(grep '^starting' "$channel" 2>/dev/null)"
  rc=1
fi

if [ "$rc" != 0 ]; then
  find "$WORK/data/logs" -name '*.log' 2>/dev/null | grep -iE 'exthost|shorewall' | head -5 \
    | while read -r f; do echo "== $f"; tail -20 "$f"; done
fi
exit "$rc"
