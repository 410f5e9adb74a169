#!/bin/sh
# The shared library exports exactly the public API (issue 14): every
# symbol `nm -D --defined-only` lists must be a function declared with
# DCPROJ_API in include/dcproj/, and every such declaration must be
# exported.  Skips (77) without nm.
# usage: exported_symbols.sh LIBDCPROJ.so INCLUDE_DIR
lib=$1 inc=$2
command -v nm >/dev/null 2>&1 || { echo "nm not found: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# Defined dynamic symbols of type T/D/B/R (code and data), without the
# linker's own (_init, _fini, _edata, _end, __bss_start).
nm -D --defined-only "$lib" > "$tmp/nm" || { echo "nm failed on $lib"; exit 99; }
awk '$2 ~ /^[TtDdBbRrVvWwi]$/ { print $3 }' "$tmp/nm" |
    grep -v -x -e _init -e _fini -e _edata -e _end -e __bss_start |
    sed 's/@.*//' | sort -u > "$tmp/exported"

# Names declared with DCPROJ_API: the identifier before the first '(' on
# the declaration's first line.
cat "$inc"/*.h | grep '^DCPROJ_API ' |
    sed 's/(.*//; s/.*[ *]\([A-Za-z_][A-Za-z0-9_]*\)$/\1/' | sort -u > "$tmp/declared"

test -s "$tmp/exported" || { echo "no symbols read from $lib"; exit 99; }
test -s "$tmp/declared" || { echo "no DCPROJ_API declarations in $inc"; exit 99; }

status=0
extra=$(comm -23 "$tmp/exported" "$tmp/declared")
if [ -n "$extra" ]; then
    echo "exported but not declared DCPROJ_API in include/dcproj/:"
    echo "$extra" | sed 's/^/  /'
    status=1
fi
missing=$(comm -13 "$tmp/exported" "$tmp/declared")
if [ -n "$missing" ]; then
    echo "declared DCPROJ_API but not exported:"
    echo "$missing" | sed 's/^/  /'
    status=1
fi
[ $status = 0 ] && echo "$(wc -l < "$tmp/exported") exported symbols, all declared in include/dcproj/"
exit $status
