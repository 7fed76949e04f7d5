#!/usr/bin/env bash
# Installs code-server 4.100.3 from the npm registry into DEST (Debian 12, Node 20), with no
# download outside the npm and Debian registries.
#
#   tests/e2e/vscode/install_code_server.sh DEST   ->   DEST/node_modules/.bin/code-server
#
# Why each piece is there (each one was hit when the recipe was worked out):
#  * 4.100.3 (VS Code 1.100.3) is the last release for Node 20; later ones want Node 22 or 24 and
#    their postinstall refuses other majors.
#  * As root the postinstall wants npm_config_unsafe_perm=true (npm 11 warns that the config is
#    unknown, but the script reads the variable).
#  * node-pty's post-install runs `npx node-gyp`, which cancels without npm_config_yes=true.
#  * npm_config_nodedir=/usr makes node-gyp use /usr/include/node instead of downloading headers.
#  * @vscode/ripgrep's postinstall downloads rg from GitHub, but first looks in
#    $TMPDIR/vscode-ripgrep-cache-<version>/, which we seed with Debian's rg.
#  * kerberos and argon2 try prebuilt binaries, fail at once offline, then build from source
#    (kerberos needs libkrb5-dev).
set -euo pipefail
DEST="${1:?usage: install_code_server.sh DEST}"
CS_VERSION=4.100.3
RG_PKG_VERSION=1.15.11   # @vscode/ripgrep pinned by code-server 4.100.3's shrinkwrap
RG_TAG=v13.0.0-10        # the release its postinstall asks for
export DEBIAN_FRONTEND=noninteractive

if ! command -v rg >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1 || ! command -v g++ >/dev/null; then
  apt-get install -y build-essential python3 libkrb5-dev ripgrep \
    || { apt-get update && apt-get install -y build-essential python3 libkrb5-dev ripgrep; }
fi
[ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] \
  || { echo "code-server $CS_VERSION needs Node 20, found $(node --version)" >&2; exit 1; }

mkdir -p "$DEST"
DEST="$(cd "$DEST" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/vscode-ripgrep-cache-$RG_PKG_VERSION" "$TMP/rg"
cp "$(command -v rg)" "$TMP/rg/rg"
tar czf "$TMP/vscode-ripgrep-cache-$RG_PKG_VERSION/ripgrep-$RG_TAG-x86_64-unknown-linux-musl.tar.gz" -C "$TMP/rg" rg

cd "$DEST"
[ -f package.json ] || echo '{"name":"code-server-host","private":true}' > package.json
# prefer_offline: what npm's cache holds is not asked for again (a flaky registry costs a minute
# of retries per request).
env TMPDIR="$TMP" npm_config_unsafe_perm=true npm_config_nodedir=/usr npm_config_yes=true \
  npm_config_prefer_offline=true \
  npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" > install.log 2>&1 \
  || { tail -40 install.log; exit 1; }
XDG_DATA_HOME="$TMP" XDG_CONFIG_HOME="$TMP" XDG_CACHE_HOME="$TMP" \
  "$DEST/node_modules/.bin/code-server" --config /dev/null --version
