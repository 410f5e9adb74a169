#!/usr/bin/env bash
# bench/sens_bench.sh — Sobol sensitivity (issue 20): `dcproj sensitivity --method sobol` with
# N = 4096 on the Microsoft `uncertain` what-if (42 factors: N (k + 2) = 180,224 runs), side by
# side with the numpy/SALib-style reference bench/reference/sobol_ref.py, interleaved, median of
# RUNS wall times each; prints runs per second and the ratio.  First checks that both list the same
# factors and agree on S1 and ST within 0.05 (different generators: statistical agreement only).
# Never part of `meson test`.
# Usage: bench/sens_bench.sh [RUNS]   (default 5)
# Environment: DCPROJ=path/to/dcproj (default build-bench/src/cli/dcproj, else build/src/cli/dcproj)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
runs=${1:-5}
dcproj=${DCPROJ:-$root/build-bench/src/cli/dcproj}
[ -x "$dcproj" ] || dcproj=$root/build/src/cli/dcproj
PY=/usr/bin/python3
s=$root/scenarios/what-if/uncertain.json
N=4096
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$dcproj" sensitivity "$s" --method sobol --samples $N --seed 1 -o "$work/dc.csv"
"$PY" "$here/reference/sobol_ref.py" "$s" --samples $N --seed 1 > "$work/ref.csv" 2>/dev/null
"$PY" - "$work/dc.csv" "$work/ref.csv" <<'PYEOF'
import csv, sys
a = {r["factor"]: r for r in csv.DictReader(open(sys.argv[1]))}
b = {r["factor"]: r for r in csv.DictReader(open(sys.argv[2]))}
assert set(a) == set(b), "factor sets differ: %s" % (set(a) ^ set(b))
worst = max(abs(float(a[f][c]) - float(b[f][c])) for f in a for c in ("S1", "ST"))
print("agreement: %d factors, largest |dcproj - reference| of S1/ST = %.4f" % (len(a), worst))
sys.exit(0 if worst < 0.05 else 1)
PYEOF

k=$(($(wc -l < "$work/dc.csv") - 1))
total=$((N * (k + 2)))
time_of() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc -l; }
declare -a t2 t1 tr
for ((i = 0; i < runs; i++)); do
    t2+=("$(time_of "$dcproj" sensitivity "$s" --method sobol --samples $N --seed 1 --threads 2)")
    t1+=("$(time_of "$dcproj" sensitivity "$s" --method sobol --samples $N --seed 1 --threads 1)")
    tr+=("$(time_of "$PY" "$here/reference/sobol_ref.py" "$s" --samples $N --seed 1)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
m2=$(median "${t2[@]}") m1=$(median "${t1[@]}") mr=$(median "${tr[@]}")
printf 'Sobol N=%d, %d factors, %d runs (median of %d interleaved wall times, whole process)\n' $N "$k" $total "$runs"
printf '  %-28s %8.3f s  %10.0f runs/s  %6.1fx the reference\n' \
    "dcproj --threads 2" "$m2" "$(echo "$total / $m2" | bc -l)" "$(echo "$mr / $m2" | bc -l)" \
    "dcproj --threads 1" "$m1" "$(echo "$total / $m1" | bc -l)" "$(echo "$mr / $m1" | bc -l)" \
    "numpy reference" "$mr" "$(echo "$total / $mr" | bc -l)" 1
