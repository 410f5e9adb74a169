#!/bin/sh
# check_golden_list.sh GOLDEN_DIR CASE... — the cases listed in
# tests/golden/meson.build are exactly the case directories, so a case can
# be neither forgotten nor listed without its directory.
set -u
if [ $# -lt 1 ]; then
    echo "usage: check_golden_list.sh GOLDEN_DIR CASE..." >&2
    exit 99
fi
dir=$1
shift
status=0
for c in "$@"; do
    [ -f "$dir/$c/cmd" ] || { echo "golden-list: '$c' is listed but $dir/$c/cmd does not exist"; status=1; }
done
for d in "$dir"/*/; do
    c=$(basename "$d")
    listed=0
    for l in "$@"; do
        [ "$l" = "$c" ] && listed=1 && break
    done
    [ "$listed" -eq 1 ] || { echo "golden-list: $dir/$c is not listed in $dir/meson.build"; status=1; }
done
exit $status
