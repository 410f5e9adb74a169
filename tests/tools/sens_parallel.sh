#!/bin/sh
# The GNU parallel recipe of doc/sensitivity.md, run as written there: four
# Sobol shards of the Microsoft `uncertain` what-if computed by `parallel`,
# merged, must be byte-identical to one unsharded run.  Skipped (77)
# without GNU parallel.
# Usage: sens_parallel.sh DCPROJ SRCDIR
dcproj=${1:?usage: sens_parallel.sh DCPROJ SRCDIR}
src=${2:?usage: sens_parallel.sh DCPROJ SRCDIR}
if ! command -v parallel >/dev/null 2>&1 || ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
    echo "SKIP: GNU parallel is not installed"
    exit 77
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
s="$src/scenarios/what-if/uncertain.json"
opts="--method sobol --samples 256 --bootstrap 50 --seed 7"
# shellcheck disable=SC2086
"$dcproj" sensitivity "$s" $opts --threads 1 -o "$tmp/whole.csv" || exit 1
# the recipe (doc/sensitivity.md)
# shellcheck disable=SC2086
parallel --will-cite -j 2 "$dcproj" sensitivity "$s" $opts --threads 1 \
    --shard {}/4 -o "$tmp/part{}.csv" ::: 1 2 3 4 || { echo "FAIL: parallel"; exit 1; }
# shellcheck disable=SC2086
"$dcproj" sensitivity "$s" $opts --merge "$tmp"/part*.csv -o "$tmp/merged.csv" || exit 1
if ! cmp "$tmp/whole.csv" "$tmp/merged.csv"; then
    echo "FAIL: shards merged differ from the unsharded run"
    exit 1
fi
echo "ok: 4 shards run by GNU parallel merge to the bytes of one run"
