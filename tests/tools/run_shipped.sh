#!/bin/sh
# run_shipped.sh DCPROJ CSVCMP SCENARIO EXPECTED_CSV EXPECTED_SOLUTION
# A shipped scenario against its golden output: the table and the solution
# through the independent comparator, then the same golden through
# `dcproj check` (which must agree with it and exit 0).
set -u
dcproj=$1 csvcmp=$2 scenario=$3 expected=$4 solution=$5
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
"$dcproj" run "$scenario" -q -o "$tmp/out.csv" --solution "$tmp/sol.csv" || { echo "run failed: $?"; exit 1; }
"$csvcmp" "$expected" "$tmp/out.csv" || exit 1
"$csvcmp" "$solution" "$tmp/sol.csv" || exit 1
"$dcproj" check "$scenario" -q --expect "$expected" || { echo "dcproj check disagrees: $?"; exit 1; }
exit 0
