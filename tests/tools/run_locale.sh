#!/bin/sh
# run_locale.sh DCPROJ SCENARIO — the output must not depend on the locale
# (SPEC §8): `dcproj run SCENARIO` (plain, --precision 3, --excel-eu) under
# LC_ALL=de_DE.UTF-8 and LC_ALL=fr_FR.UTF-8 must give the same bytes as
# under LC_ALL=C.  Locales missing from `locale -a` are not tested; with
# neither present the test is skipped (77).
set -u

if [ $# -ne 2 ]; then
    echo "usage: run_locale.sh DCPROJ SCENARIO" >&2
    exit 99
fi
dcproj=$1 scenario=$2
for tool in locale mktemp cmp grep tr; do
    command -v "$tool" >/dev/null 2>&1 || { echo "locale: SKIP: needs $tool"; exit 77; }
done
[ -x "$dcproj" ] || { echo "locale: ERROR: no dcproj at $dcproj"; exit 99; }

# `locale -a` spells de_DE.UTF-8 as de_DE.utf8: compare lower case, no '-'.
available=$(locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]' | tr -d '-')
work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT

tested=0 status=0
for opts in "" "--precision 3" "--excel-eu"; do
    # shellcheck disable=SC2086  # $opts is a list of words
    if ! LC_ALL=C "$dcproj" run "$scenario" $opts >"$work/c.csv" 2>"$work/c.err"; then
        echo "locale: FAIL: dcproj run $opts fails under LC_ALL=C"
        cat "$work/c.err"
        exit 1
    fi
    for loc in de_DE.UTF-8 fr_FR.UTF-8; do
        key=$(printf '%s' "$loc" | tr '[:upper:]' '[:lower:]' | tr -d '-')
        if ! printf '%s\n' "$available" | grep -qxF "$key"; then
            echo "locale: $loc not installed, not tested"
            continue
        fi
        tested=1
        # shellcheck disable=SC2086
        LC_ALL=$loc "$dcproj" run "$scenario" $opts >"$work/l.csv" 2>"$work/l.err"
        rc=$?
        if [ "$rc" -ne 0 ] || ! cmp "$work/c.csv" "$work/l.csv"; then
            echo "locale: FAIL: 'dcproj run $opts' under LC_ALL=$loc (exit $rc) differs from LC_ALL=C"
            cat "$work/l.err"
            status=1
        fi
    done
done
if [ "$tested" -eq 0 ]; then
    echo "locale: SKIP: neither de_DE.UTF-8 nor fr_FR.UTF-8 is installed"
    exit 77
fi
exit $status
