#!/usr/bin/env bash
# Differential testing of `shorewall-ls check` against the real Shorewall 5.2.8.
#
#   tests/diagnostics/oracle-diff.sh ask [--jobs N]   ask the oracle about the variants not yet in
#                                                     oracle-verdicts.tsv, in the background
#                                                     (log: tests/diagnostics/oracle-diff.log)
#   tests/diagnostics/oracle-diff.sh compare [...]    replay the cached verdicts against check
#   tests/diagnostics/oracle-diff.sh live [...]       re-ask the oracle about the cached variants
#
# See tests/src/bin/oracle_diff.rs for the options.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
cargo build -q -p shorewall-tests --bin oracle_diff
bin=$root/target/debug/oracle_diff
case "${1:-}" in
    ask)
        shift
        nohup "$bin" ask "$@" > "$here/oracle-diff.log" 2>&1 &
        echo "oracle_diff ask running as pid $! (log: $here/oracle-diff.log)"
        ;;
    *)
        exec "$bin" "$@"
        ;;
esac
