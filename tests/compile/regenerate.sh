#!/bin/sh
#
# Rebuilds the expected output of every golden compile case from the real Shorewall 5.2.8
# compiler (../shared/oracle/compile6).
#
# usage: tests/compile/regenerate.sh [CASE...]     (default: every case)
#
# Each case is a directory tests/compile/<case>/ holding the configuration in config/.
# compile6 config/ succeeds -> expected.ip6tables (its stdout); expected.err is removed.
# compile6 config/ fails    -> expected.err (its stderr, the case directory's absolute path
#                              replaced by "<case>"); expected.ip6tables is removed.
# Warnings printed on success are kept in expected.warnings (removed when there are none).
#
set -eu

here=$(cd "$(dirname "$0")" && pwd)
oracle=${COMPILE6:-$here/../../../shared/oracle/compile6}
[ -x "$oracle" ] || { echo "regenerate.sh: no oracle at $oracle (set COMPILE6)" >&2; exit 2; }

if [ $# -eq 0 ]; then
    set -- $(cd "$here" && for d in */config; do echo "${d%/config}"; done)
fi

for case in "$@"; do
    case=${case%/}
    dir=$here/$case
    [ -d "$dir/config" ] || { echo "regenerate.sh: $case has no config/ directory" >&2; exit 2; }
    out=$(mktemp) err=$(mktemp)
    if "$oracle" "$dir/config" >"$out" 2>"$err"; then
        mv "$out" "$dir/expected.ip6tables"
        rm -f "$dir/expected.err"
        if [ -s "$err" ]; then
            sed "s|$dir|<case>|g" "$err" >"$dir/expected.warnings"
        else
            rm -f "$dir/expected.warnings"
        fi
        rm -f "$err"
        echo "ok    $case"
    else
        rc=$?
        if [ $rc -ne 1 ]; then
            cat "$err" >&2
            rm -f "$out" "$err"
            echo "regenerate.sh: compile6 failed to run on $case (exit $rc)" >&2
            exit 2
        fi
        sed "s|$dir|<case>|g" "$err" >"$dir/expected.err"
        rm -f "$dir/expected.ip6tables" "$dir/expected.warnings" "$out" "$err"
        echo "error $case"
    fi
done
