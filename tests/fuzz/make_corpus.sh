#!/bin/sh
# make_corpus.sh SRCROOT OUTDIR — collect the seed corpus of the fuzzers:
# every scenario, test-data and golden JSON file of the source tree (valid
# and invalid alike), copied flat into OUTDIR under a name derived from its
# path.  Files over 64 KiB are left out (the harnesses skip them anyway).
set -eu
src=${1:?usage: make_corpus.sh SRCROOT OUTDIR}
out=${2:?usage: make_corpus.sh SRCROOT OUTDIR}
mkdir -p "$out"
cd "$src"
find scenarios tests/data tests/golden -type f -name '*.json' -size -65k | sort |
while IFS= read -r f; do
    cp "$f" "$out/$(printf '%s' "$f" | tr '/' '_')"
done
echo "make_corpus: $(ls "$out" | wc -l) seeds in $out"
