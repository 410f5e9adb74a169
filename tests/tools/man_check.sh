#!/bin/sh
# Format doc/dcproj.1 with groff and every warning enabled (-ww), for the
# default (typeset) device and for terminals (-Tutf8); any output on
# stderr or a failing groff fails the test.  Skipped (77) without groff.
# Usage: man_check.sh SRCDIR
src=${1:?usage: man_check.sh SRCDIR}
page="$src/doc/dcproj.1"
if ! command -v groff >/dev/null 2>&1; then
    echo "SKIP: groff is not installed"
    exit 77
fi
status=0
for dev in "" -Tutf8; do
    # shellcheck disable=SC2086
    if ! out=$(groff -man -ww -z $dev "$page" 2>&1); then
        echo "FAIL: groff -man -ww -z $dev exited with an error"
        status=1
    fi
    if [ -n "$out" ]; then
        echo "FAIL: groff -man -ww -z $dev warned:"
        printf '%s\n' "$out"
        status=1
    fi
done
[ $status -eq 0 ] && echo "ok: $page formats without warnings"
exit $status
