#!/bin/sh
# fuzz_smoke.sh HARNESS SRCROOT WORKDIR — run a libFuzzer harness for a
# short while (DCPROJ_FUZZ_SECONDS, default 30) from the seed corpus.  Exit
# status is the fuzzer's: nonzero on any crash, leak, sanitizer report or
# timeout.  Findings land in WORKDIR/artifacts.
set -eu
exe=${1:?}
src=${2:?}
work=${3:?}
secs=${DCPROJ_FUZZ_SECONDS:-30}
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
sh "$src/tests/fuzz/make_corpus.sh" "$src" "$work/seeds" >/dev/null
# a sanitizer report stops the run (UBSan only prints by default)
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS
# libFuzzer exits 77 on a finding by default, which meson reads as "skipped":
# every finding must fail the test, so the exit codes are set explicitly
exec "$exe" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -error_exitcode=1 -timeout_exitcode=1 \
    -dict="$src/tests/fuzz/dcproj.dict" -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$work/corpus" "$work/seeds" </dev/null
