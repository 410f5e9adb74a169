#!/bin/sh
# -o decides "device or not" from stat/statfs, never from the path
# (issue 14).  A regular file under /dev (/dev/shm/x.csv, tmpfs) is
# replaced atomically like any other: new inode, exactly the new bytes (it
# was appended to before).  Devices and links through procfs are still
# written directly: -o /dev/stdout >> LOG appends to LOG, -o /dev/null
# works.  Skips (77) when /dev/shm is not a writable directory.
# usage: output_paths.sh DCPROJ SOURCE_ROOT
dcproj=$1 root=$2
scen="$root/tests/data/conformance/basic.json"
[ -d /dev/shm ] && [ -w /dev/shm ] || { echo "/dev/shm not writable: skipped"; exit 77; }
tmp=$(mktemp -d) || exit 99
shm=$(mktemp /dev/shm/dcproj-test.XXXXXX) || exit 99
trap 'rm -rf "$tmp" "$shm" "/dev/shm/.$(basename "$shm").dcproj-tmp"' EXIT
fail=0

"$dcproj" run "$scen" > "$tmp/expected.csv" || exit 99
# an old, longer content and its inode
{ cat "$tmp/expected.csv"; cat "$tmp/expected.csv"; } > "$shm"
ino_before=$(stat -c %i "$shm")
"$dcproj" run "$scen" -o "$shm" || { echo "FAIL run -o $shm"; exit 1; }
if cmp -s "$tmp/expected.csv" "$shm"; then
    echo "ok   -o $shm holds exactly the new output"
else
    echo "FAIL -o $shm: $(wc -c < "$shm") bytes, expected $(wc -c < "$tmp/expected.csv")"; fail=1
fi
if [ "$(stat -c %i "$shm")" != "$ino_before" ]; then
    echo "ok   -o $shm was replaced by rename (new inode)"
else
    echo "FAIL -o $shm was written in place (same inode)"; fail=1
fi

# /dev/stdout redirected to a file with >> appends to it
printf 'first line\n' > "$tmp/log"
"$dcproj" run "$scen" -o /dev/stdout >> "$tmp/log" || { echo "FAIL run -o /dev/stdout"; exit 1; }
{ printf 'first line\n'; cat "$tmp/expected.csv"; } > "$tmp/log.expected"
if cmp -s "$tmp/log" "$tmp/log.expected"; then
    echo "ok   -o /dev/stdout >> LOG appends"
else
    echo "FAIL -o /dev/stdout >> LOG did not append"; fail=1
fi
if "$dcproj" run "$scen" -o /dev/null && [ -c /dev/null ]; then
    echo "ok   -o /dev/null"
else
    echo "FAIL -o /dev/null"; fail=1
fi
exit $fail
