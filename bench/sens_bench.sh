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
# wall and CPU (user + sys) seconds of one command, "WALL CPU"
time_of() {
    "$PY" -c '
import resource, subprocess, sys, time
t0 = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
t = time.perf_counter() - t0
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.4f %.4f" % (t, r.ru_utime + r.ru_stime))' "$@"
}
declare -a w2 w1 wr c2 c1 cr
for ((i = 0; i < runs; i++)); do
    read -r w c < <(time_of "$dcproj" sensitivity "$s" --method sobol --samples $N --seed 1 --threads 2); w2+=("$w"); c2+=("$c")
    read -r w c < <(time_of "$dcproj" sensitivity "$s" --method sobol --samples $N --seed 1 --threads 1); w1+=("$w"); c1+=("$c")
    read -r w c < <(time_of "$PY" "$here/reference/sobol_ref.py" "$s" --samples $N --seed 1); wr+=("$w"); cr+=("$c")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
printf 'Sobol N=%d, %d factors, %d runs (medians of %d interleaved runs, whole process)\n' $N "$k" $total "$runs"
printf '  %-20s %8s %12s %8s %8s %12s %8s\n' "" "wall s" "runs/s" "ratio" "CPU s" "runs/CPU s" "ratio"
mr=$(median "${wr[@]}") cmr=$(median "${cr[@]}")
row() {
    local name=$1 w=$2 c=$3
    printf '  %-20s %8.3f %12.0f %7.1fx %8.3f %12.0f %7.1fx\n' "$name" "$w" "$(echo "$total / $w" | bc -l)" \
        "$(echo "$mr / $w" | bc -l)" "$c" "$(echo "$total / $c" | bc -l)" "$(echo "$cmr / $c" | bc -l)"
}
row "dcproj --threads 2" "$(median "${w2[@]}")" "$(median "${c2[@]}")"
row "dcproj --threads 1" "$(median "${w1[@]}")" "$(median "${c1[@]}")"
row "numpy reference" "$mr" "$cmr"
