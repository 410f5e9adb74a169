#!/bin/sh
# run_conformance.sh DCPROJ CSVCMP CASE_DIR CASE [RTOL] — one SPEC conformance case.
#
# Runs `dcproj run CASE_DIR/CASE.json` and compares its table with
# CASE_DIR/CASE.expected.csv using csvcmp (rtol RTOL, default 1e-9; atol
# 1e-12).  The conformance README allows 1e-6 for fitted countries and the
# aggregates holding one: a case made only of those passes RTOL 1e-6.  When
# CASE_DIR/CASE.solution.csv exists the run also writes --solution into the
# working directory (meson's build directory) and that is compared too.
# Exit 0 pass, 1 fail, 77 skip (a tool is missing), 99 broken setup.
set -u

if [ $# -ne 4 ] && [ $# -ne 5 ]; then
    echo "usage: run_conformance.sh DCPROJ CSVCMP CASE_DIR CASE [RTOL]" >&2
    exit 99
fi
dcproj=$1 csvcmp=$2 dir=$3 name=$4 rtol=${5:-1e-9}

for tool in cat rm; do
    command -v "$tool" >/dev/null 2>&1 || { echo "conformance $name: SKIP: needs $tool"; exit 77; }
done
[ -x "$dcproj" ] || { echo "conformance $name: ERROR: no dcproj at $dcproj"; exit 99; }
[ -x "$csvcmp" ] || { echo "conformance $name: ERROR: no csvcmp at $csvcmp"; exit 99; }
[ -f "$dir/$name.json" ] || { echo "conformance $name: ERROR: no $dir/$name.json"; exit 99; }
[ -f "$dir/$name.expected.csv" ] || { echo "conformance $name: ERROR: no $dir/$name.expected.csv"; exit 99; }

out=conformance-$name.csv
err=conformance-$name.stderr
sol=conformance-$name.solution.csv
rm -f "$out" "$err" "$sol"
if [ -f "$dir/$name.solution.csv" ]; then
    LC_ALL=C "$dcproj" run "$dir/$name.json" --solution "$sol" >"$out" 2>"$err"
else
    LC_ALL=C "$dcproj" run "$dir/$name.json" >"$out" 2>"$err"
fi
rc=$?
status=0
if [ "$rc" -ne 0 ]; then
    echo "conformance $name: FAIL: dcproj exit status $rc"
    cat "$err"
    exit 1
fi
if ! "$csvcmp" --rtol "$rtol" "$dir/$name.expected.csv" "$out"; then
    echo "conformance $name: FAIL: the table differs from $name.expected.csv"
    status=1
fi
if [ -f "$dir/$name.solution.csv" ]; then
    if [ ! -f "$sol" ]; then
        echo "conformance $name: FAIL: --solution wrote no $sol"
        status=1
    elif ! "$csvcmp" --rtol "$rtol" "$dir/$name.solution.csv" "$sol"; then
        echo "conformance $name: FAIL: the solution differs from $name.solution.csv"
        status=1
    fi
fi
[ -s "$err" ] && { echo "stderr:"; cat "$err"; }
exit $status
