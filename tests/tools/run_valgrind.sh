#!/bin/sh
# run_valgrind.sh DCPROJ SRCROOT — representative CLI invocations under
# valgrind memcheck: every conformance case, a data error, a syntax error,
# validate, explain, check (a match and a difference), diff, sweep, chart
# (v1 and v2 options), report,
# a frozen what-if and Monte Carlo on two threads; and the threaded
# deterministic paths (countries projected and a large table formatted by
# two threads, a sweep on two threads) under memcheck and helgrind.  Any
# memcheck error, definite/indirect leak or helgrind report fails the test.  Skipped (77) without valgrind.
# Not for sanitizer builds (meson defines it only when b_sanitize=none).
set -u
dcproj=${1:?usage: run_valgrind.sh DCPROJ SRCROOT}
src=${2:?usage: run_valgrind.sh DCPROJ SRCROOT}
command -v valgrind >/dev/null 2>&1 || { echo "valgrind: SKIP: valgrind not installed"; exit 77; }
case $dcproj in /*) ;; *) dcproj=$PWD/$dcproj ;; esac
case $src in /*) ;; *) src=$PWD/$src ;; esac
work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT
conf=$src/tests/data/conformance
ms=$src/scenarios/microsoft-europe-2025.json
whatif=$src/scenarios/what-if
fails=0

# vg EXPECTED_EXIT ARGS... — run dcproj ARGS under memcheck (stdout
# discarded); the exit status must be EXPECTED_EXIT, and memcheck quiet.
vg() {
    want=$1
    shift
    valgrind -q --error-exitcode=125 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect \
        --log-file="$work/vg.log" "$dcproj" "$@" >"$work/out" 2>"$work/err"
    st=$?
    if [ "$st" -eq 125 ] || [ -s "$work/vg.log" ]; then
        echo "valgrind: FAIL: dcproj $*: memcheck errors:"
        cat "$work/vg.log"
        fails=$((fails + 1))
    elif [ "$st" -ne "$want" ]; then
        echo "valgrind: FAIL: dcproj $*: exit $st, not $want: $(head -3 "$work/err")"
        fails=$((fails + 1))
    else
        echo "valgrind: ok: dcproj $* (exit $st)"
    fi
}

for c in basic points-quarterly pledge; do
    vg 0 run "$conf/$c.json"
done
vg 0 run "$conf/pledge.json" --format json --solution "$work/solution.csv"
vg 0 run "$conf/basic.json" --format table --layout wide
printf '{"dcproj": 1, "name": "x", "baseline_year": 2024, "horizon": 2025,\n "countries": {"IE": {"baseline": "abc"}}}\n' >"$work/bad.json"
vg 65 run "$work/bad.json"
printf '{"dcproj": 1,\n  "name": }\n' >"$work/syntax.json"
vg 65 run "$work/syntax.json"
vg 66 run "$work/missing.json"
vg 0 validate "$ms"
vg 0 explain "$conf/pledge.json"
"$dcproj" run "$conf/basic.json" >"$work/golden.csv" || exit 99
vg 0 check "$conf/basic.json" --expect "$work/golden.csv"
vg 1 check "$conf/pledge.json" --expect "$work/golden.csv"
vg 0 diff "$conf/basic.json" "$conf/pledge.json"
vg 0 sweep "$conf/basic.json" --vary 'countries.IE.baseline=100:300:100'
vg 0 chart "$ms" -o "$work/chart.svg"
vg 0 run "$whatif/ai-surge.json"
vg 0 run "$whatif/uncertain.json" --draws 200 --threads 2 -o "$work/mc.csv"
vg 0 chart "$whatif/uncertain.json" --draws 100 --threads 2 -o "$work/mc.svg"
vg 0 chart "$ms" --metric energy_twh --stack --scope IE,NL --scope TOTAL -o "$work/energy.svg"
vg 0 report "$whatif/uncertain.json" --draws 100 --threads 2 -o "$work/report.html"

# hg ARGS... — dcproj ARGS under helgrind (data races, lock misuse): quiet or fail
hg() {
    valgrind -q --tool=helgrind --error-exitcode=125 --log-file="$work/hg.log" "$dcproj" "$@" \
        >"$work/out" 2>"$work/err"
    st=$?
    if [ "$st" -eq 125 ] || [ -s "$work/hg.log" ]; then
        echo "valgrind: FAIL: helgrind: dcproj $*:"
        cat "$work/hg.log"
        fails=$((fails + 1))
    elif [ "$st" -ne 0 ]; then
        echo "valgrind: FAIL: helgrind: dcproj $*: exit $st: $(head -3 "$work/err")"
        fails=$((fails + 1))
    else
        echo "valgrind: ok: helgrind: dcproj $*"
    fi
}
# 120 countries, monthly to 2035, with power: 69,600 country cells and a
# table of 70,180 numbers, both above the threads' thresholds (65,536)
{
    printf '{"dcproj": 1, "name": "many", "baseline_year": 2023, "horizon": 2035, "step": "month",\n'
    printf ' "power": {"pue": 1.2, "utilization": 0.6}, "countries": {'
    i=0
    while [ $i -lt 120 ]; do
        [ $i -gt 0 ] && printf ', '
        printf '"C%03d": {"baseline": %d, "growth": {"model": "compound", "rate": 0.0%d}}' $i $((10 + i)) $((i % 10))
        i=$((i + 1))
    done
    printf '}}\n'
} >"$work/many.json"
vg 0 run "$work/many.json" --threads 2 -o "$work/many.csv"
vg 0 run "$ms" --step month --horizon 2100 --threads 2 --layout iamc -o "$work/big.csv"
hg run "$work/many.json" --threads 2 -o "$work/many.csv"
hg sweep "$ms" --frozen --vary 'countries.IE.baseline=100:300:2' --threads 2 -o "$work/sweep.csv"

[ "$fails" -eq 0 ] || { echo "valgrind: $fails failure(s)"; exit 1; }
echo "valgrind: all passed"
