#!/bin/sh
# gen_scenario.sh COUNTRIES STEP HORIZON [BASELINE [RATE]] — print a valid
# scenario with COUNTRIES countries (codes C000001, ...; baseline BASELINE
# MW, default 100, compound growth RATE, default 0.05) from baseline year
# 2024 to HORIZON in steps of STEP (year, quarter, month).  Used by the
# hardening tests to make large inputs at test time instead of committing
# them.
set -eu
n=${1:?usage: gen_scenario.sh COUNTRIES STEP HORIZON [BASELINE [RATE]]}
step=${2:?}
horizon=${3:?}
baseline=${4:-100}
rate=${5:-0.05}
awk -v n="$n" -v step="$step" -v h="$horizon" -v c0="$baseline" -v r="$rate" 'BEGIN {
    printf "{\"dcproj\": 1, \"name\": \"generated\", \"baseline_year\": 2024, "
    printf "\"horizon\": %d, \"step\": \"%s\",\n", h, step
    printf " \"defaults\": {\"growth\": {\"model\": \"compound\", \"rate\": %s}},\n", r
    printf " \"countries\": {\n"
    for (i = 1; i <= n; i++)
        printf "  \"C%06d\": {\"baseline\": %s}%s\n", i, c0, i < n ? "," : ""
    printf " }}\n"
}'
