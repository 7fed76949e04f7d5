#!/usr/bin/env bash
# Text captures of Neovim 0.11 with the plugin, for docs/neovim.md: runs the editor in a tmux
# pane on a copy of the fixture, as a user would (vim.lsp.enable, K for hover, format,
# :ShorewallPreview), and writes what the screen shows to OUT_DIR.
#
#   tests/e2e/nvim/screen.sh OUT_DIR      (needs tmux, tests/e2e/install.sh and the release server)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
# shellcheck source=../versions.sh
. "$HERE/../versions.sh"
OUT="$(mkdir -p "${1:?usage: screen.sh OUT_DIR}" && cd "$1" && pwd)"
WORK="$(mktemp -d)"
SESSION="shorewall-screen-$$"
trap 'tmux kill-session -t "$SESSION" 2>/dev/null || true; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin" "$WORK/xdg"
cp -r "$HERE/../fixtures/shorewall6" "$WORK/"
ln -s "$REPO/target/release/shorewall-ls" "$WORK/bin/shorewall-ls"
cat > "$WORK/init.lua" <<LUA
vim.opt.runtimepath:append('$REPO/editors/nvim')
vim.lsp.enable('shorewall_ls')
vim.diagnostic.config({ virtual_text = true })
vim.o.winborder = 'rounded'
vim.o.wrap = false
LUA
cd "$WORK"
tmux new-session -d -s "$SESSION" -x 118 -y 20 \
  "env PATH=$WORK/bin:\$PATH XDG_CONFIG_HOME=$WORK/xdg/c XDG_DATA_HOME=$WORK/xdg/d XDG_STATE_HOME=$WORK/xdg/s XDG_CACHE_HOME=$WORK/xdg/ca $NVIM011 -u $WORK/init.lua -i NONE -n shorewall6/rules"
keys() { tmux send-keys -t "$SESSION" "$@"; sleep 0.7; }
capture() { tmux capture-pane -p -t "$SESSION" | sed -e 's/[[:space:]]*$//' > "$OUT/$1"; }
sleep 2
keys 3G K                                        # hover on ACCEPT
capture neovim-hover.txt
keys Escape ':lua vim.lsp.buf.format()' Enter    # align the columns
keys ':%s/nte/net/' Enter ':write' Enter          # fix the zone
keys ':ShorewallPreview' Enter
keys C-w l ':call search("^# rules:")' Enter zt C-w h ':echo' Enter
capture neovim-preview.txt
keys ':qall!' Enter
