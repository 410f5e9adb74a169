#!/bin/sh
# extreme_inputs.sh DCPROJ SRCROOT — extreme but valid scenarios (rates near
# -1, logistic caps at the smallest allowed margin over the baseline,
# baselines of 1e12 MW, monthly steps over 100 years, 100000 countries,
# values at the edge of double range) must give finite numbers in every
# format, or the data error of SPEC §3.6 (exit 65, a message naming the
# country or aggregate and the period, nothing on stdout) — never `nan` or
# `inf` in the output.  Scenarios are written into a temporary directory
# at test time (the large ones by gen_scenario.sh).
set -u
dcproj=${1:?usage: extreme_inputs.sh DCPROJ SRCROOT}
src=${2:?usage: extreme_inputs.sh DCPROJ SRCROOT}
case $dcproj in /*) ;; *) dcproj=$PWD/$dcproj ;; esac
case $src in /*) ;; *) src=$PWD/$src ;; esac
work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 99
fails=0
fail() {
    echo "extreme: FAIL: $*"
    fails=$((fails + 1))
}

# scenario NAME STEP BODY — NAME.json from B = 2024 to H = 2124 (100
# years) with step STEP and the members BODY (countries, events, ...).
scenario() {
    printf '{"dcproj": 1, "name": "%s", "baseline_year": 2024, "horizon": 2124, "step": "%s", %s}\n' \
        "$1" "$2" "$3" >"$1.json"
}

# expect_finite NAME [OPTIONS...] — exit 0 in csv, json and table, and
# not one nan or inf among the output's words.
expect_finite() {
    name=$1
    shift
    for fmt in csv json table; do
        "$dcproj" run "$name.json" --format "$fmt" "$@" >out.txt 2>err.txt
        st=$?
        if [ "$st" -ne 0 ]; then
            fail "$name ($fmt): exit $st: $(head -3 err.txt)"
        elif grep -Eiq '(^|[^a-z])(nan|inf|infinity)([^a-z]|$)' out.txt; then
            fail "$name ($fmt): non-finite number in the output: $(grep -Eim1 '(^|[^a-z])(nan|inf)' out.txt)"
        elif [ ! -s out.txt ]; then
            fail "$name ($fmt): empty output"
        fi
    done
    [ "$fails" -ne 0 ] || echo "extreme: ok: $name: finite in csv, json, table"
}

# expect_data NAME REGEX [OPTIONS...] — exit 65, nothing on stdout, and a
# `dcproj: NAME.json: ...` message matching REGEX (which names the row and
# the period at fault).
expect_data() {
    name=$1 regex=$2
    shift 2
    "$dcproj" run "$name.json" "$@" >out.txt 2>err.txt
    st=$?
    if [ "$st" -ne 65 ]; then
        fail "$name: exit $st, not 65 (stderr: $(head -3 err.txt))"
    elif [ -s out.txt ]; then
        fail "$name: output on stdout with a data error"
    elif ! grep -Eq "^dcproj: $name\\.json: .*$regex" err.txt; then
        fail "$name: message does not match '$regex': $(head -3 err.txt)"
    else
        echo "extreme: ok: $name: exit 65: $(head -1 err.txt)"
    fi
}

# Rates near -1 over 100 years, monthly: (1e-6)^100 underflows to 0.
scenario rate-near-minus-one month '"power": {"pue": 1.5, "utilization": 1},
  "countries": {"AA": {"baseline": 1e12, "growth": {"model": "compound", "rate": -0.999999}},
                "BB": {"baseline": 100, "growth": {"model": "compound", "rates": [
                   {"until": 2030, "rate": -0.999999}, {"until": 2050, "rate": 10}, {"rate": -0.999999}]}}},
  "events": [{"country": "AA", "date": "2100-01", "add": 5, "ramp_months": 1200}]'
expect_finite rate-near-minus-one

# Logistic caps at the smallest margin the SPEC allows (C0·(1 + 1e-9)),
# slow and fast rates, and a tiny baseline under a huge cap.
scenario logistic-cap-near-baseline month '"countries": {
  "AA": {"baseline": 100, "growth": {"model": "logistic", "cap": 100.00000011, "rate": 1e-9}},
  "BB": {"baseline": 1e12, "growth": {"model": "logistic", "cap": 1000000001000, "rate": 50}},
  "CC": {"baseline": 1e-300, "growth": {"model": "logistic", "cap": 1e300, "rate": 5}}}'
expect_finite logistic-cap-near-baseline

# 1e12 MW growing by half a year for 100 years (about 4e29), with power.
scenario huge-baseline month '"power": {"pue": 3, "utilization": 1},
  "countries": {"AA": {"baseline": 1e12, "growth": {"model": "compound", "rate": 0.5}},
                "BB": {"baseline": 1e12, "growth": {"model": "linear", "per_year": 1e12}}}'
expect_finite huge-baseline
expect_finite huge-baseline --draws 50 --seed 3 --step year

# Monte Carlo over the full range of a rate near -1 and a large upside.
scenario uncertain-extreme quarter '"uncertainty": {"draws": 200, "seed": 9},
  "countries": {"AA": {"baseline": 1e12, "growth": {"model": "compound",
     "rate": {"dist": "uniform", "min": -0.999999, "max": 5}}},
                "BB": {"baseline": 1, "growth": {"model": "compound",
     "rate": {"dist": "lognormal", "mean": 0.5, "sd": 3}}}}'
expect_finite uncertain-extreme

# Past the end of double range: a data error naming row and period.
scenario overflow-growth year '"countries": {"AA": {"baseline": 1e12, "growth": {"model": "compound", "rate": 1000}}}'
expect_data overflow-growth 'AA.*(21[0-2][0-9])'
scenario overflow-total year '"countries": {
  "AA": {"baseline": 1e308, "growth": {"model": "linear", "per_year": 0}},
  "BB": {"baseline": 1e308, "growth": {"model": "linear", "per_year": 0}}}'
expect_data overflow-total 'TOTAL.*2024'
scenario overflow-energy year '"power": {"pue": 2, "utilization": 1},
  "countries": {"AA": {"baseline": 1e308, "growth": {"model": "linear", "per_year": 0}}}'
expect_data overflow-energy 'AA.*facility_mw.*2024'
scenario overflow-event year '"countries": {"AA": {"baseline": 1e308, "growth": {"model": "linear", "per_year": 0}}},
  "events": [{"country": "AA", "date": "2030", "add": 1e308}]'
expect_data overflow-event 'AA.*2030'

# 100000 countries (the limit) run; one more is refused.
sh "$src/tests/tools/gen_scenario.sh" 100000 year 2026 >countries-100000.json || exit 99
"$dcproj" run countries-100000.json >out.txt 2>err.txt
st=$?
rows=$(wc -l <out.txt)
if [ "$st" -ne 0 ]; then
    fail "countries-100000: exit $st: $(head -3 err.txt)"
elif [ "$rows" -ne $((1 + 100001 * 3)) ]; then
    fail "countries-100000: $rows lines, not 1 + 100001 rows x 3 periods"
elif grep -Eiq '(^|[^a-z])(nan|inf)([^a-z]|$)' out.txt; then
    fail "countries-100000: non-finite number in the output"
else
    # the last country: 100·1.05² = 110.25; TOTAL: 100000 times that
    last=$(grep '^country,C100000,' out.txt | tail -1)
    total=$(grep '^total,TOTAL,' out.txt | tail -1)
    case "$last" in *,2026,110.25*) ;; *) fail "countries-100000: last country row: $last" ;; esac
    case "$total" in *,2026,11025000) ;; *) fail "countries-100000: TOTAL row: $total" ;; esac
    echo "extreme: ok: countries-100000: $rows lines, $last"
fi
sh "$src/tests/tools/gen_scenario.sh" 100001 year 2026 >countries-100001.json || exit 99
expect_data countries-100001 'countries'

# A file over 64 MiB is refused with 65 (SPEC §9), as a file and on stdin,
# without reading it into memory whole (the limit is checked first).
head -c $((64 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >huge.json
for how in file stdin; do
    if [ "$how" = file ]; then
        "$dcproj" run huge.json >out.txt 2>err.txt
    else
        "$dcproj" run - <huge.json >out.txt 2>err.txt
    fi
    st=$?
    if [ "$st" -ne 65 ] || [ -s out.txt ] || ! grep -q 'too large' err.txt; then
        fail "huge file ($how): exit $st, stderr: $(head -2 err.txt)"
    else
        echo "extreme: ok: huge file ($how): $(head -1 err.txt)"
    fi
done
rm -f huge.json

[ "$fails" -eq 0 ] || { echo "extreme: $fails failure(s)"; exit 1; }
echo "extreme: all passed"
