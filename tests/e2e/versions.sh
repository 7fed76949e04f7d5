# What the editor tests run on and where install.sh puts it; sourced by install.sh and run.sh.
# shellcheck shell=bash
E2E_CACHE="${E2E_CACHE:-$HOME/.cache/shorewall-ls-e2e}"
NVIM011_VERSION=0.11.4
NVIM011_VENV="$E2E_CACHE/nvim-$NVIM011_VERSION"
NVIM011="$NVIM011_VENV/bin/nvim"
CODE_SERVER_VERSION=4.100.3
CODE_SERVER_DIR="$E2E_CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER="$CODE_SERVER_DIR/node_modules/.bin/code-server"
