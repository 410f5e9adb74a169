#!/bin/sh
# One file reader (issue 14): every command reads its inputs through
# dcproj_file_read(), so a file of exactly DCPROJ_MAX_FILE_BYTES (64 MiB)
# is accepted by validate, sweep and check --expect alike (sweep and check
# refused it before), one byte more is refused by all three with exit 65;
# and a scenario whose `extends` names a FIFO is refused at once (exit 66,
# "not a regular file") instead of waiting for a writer forever.
# usage: read_limits.sh DCPROJ SOURCE_ROOT
dcproj=$1 root=$2
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
limit=$((64 * 1024 * 1024))

# A valid scenario padded with trailing whitespace (JSON allows it) to
# exactly `limit` bytes, and a golden padded with the same.
cp "$root/tests/data/conformance/basic.json" "$tmp/s.json"
truncate -s "$limit" "$tmp/s.json" || exit 99
# truncate pads with NUL bytes, which JSON refuses: turn them into spaces.
tr '\000' ' ' < "$tmp/s.json" > "$tmp/big.json" && rm "$tmp/s.json"
[ "$(wc -c < "$tmp/big.json")" -eq "$limit" ] || { echo "setup: wrong size"; exit 99; }
cp "$tmp/big.json" "$tmp/over.json" && printf ' ' >> "$tmp/over.json"

expect() { # NAME WANT_RC RC STDERR_FILE [PATTERN_WANTED] [PATTERN_NOT_WANTED]
    if [ "$3" -ne "$2" ]; then
        echo "FAIL $1: exit $3, expected $2"; sed 's/^/  /' "$4"; fail=1
    elif [ -n "$5" ] && ! grep -q -- "$5" "$4"; then
        echo "FAIL $1: stderr lacks '$5'"; sed 's/^/  /' "$4"; fail=1
    elif [ -n "$6" ] && grep -q -- "$6" "$4"; then
        echo "FAIL $1: stderr has '$6'"; sed 's/^/  /' "$4"; fail=1
    else
        echo "ok   $1"
    fi
}

"$dcproj" validate "$tmp/big.json" > /dev/null 2> "$tmp/e"
expect "validate accepts 64 MiB" 0 $? "$tmp/e"
"$dcproj" sweep "$tmp/big.json" --vary defaults.growth.rate=0.1,0.2 > /dev/null 2> "$tmp/e"
expect "sweep accepts 64 MiB" 0 $? "$tmp/e"
for cmd in validate sweep; do
    extra=
    [ $cmd = sweep ] && extra="--vary defaults.growth.rate=0.1,0.2"
    # shellcheck disable=SC2086
    "$dcproj" $cmd "$tmp/over.json" $extra > /dev/null 2> "$tmp/e"
    expect "$cmd refuses 64 MiB + 1" 65 $? "$tmp/e" "$tmp/over.json: file too large"
done

# check --expect: a golden of exactly 64 MiB is read (and then found to
# differ, exit 1); one byte more is refused unread.
"$dcproj" run "$root/tests/data/conformance/basic.json" -o "$tmp/g.csv" 2> "$tmp/e" || { cat "$tmp/e"; exit 99; }
head -c "$limit" /dev/zero | tr '\000' '0' > "$tmp/pad"
{ cat "$tmp/g.csv"; head -c $((limit - $(wc -c < "$tmp/g.csv"))) "$tmp/pad"; } > "$tmp/g64.csv"
[ "$(wc -c < "$tmp/g64.csv")" -eq "$limit" ] || { echo "setup: wrong golden size"; exit 99; }
"$dcproj" check "$root/tests/data/conformance/basic.json" --expect "$tmp/g64.csv" > /dev/null 2> "$tmp/e"
rc=$?
if [ $rc -eq 65 ] && grep -q -e 'too large' -e 'larger than' "$tmp/e"; then
    echo "FAIL check --expect refuses a golden of exactly 64 MiB"; fail=1
else
    echo "ok   check --expect reads a golden of exactly 64 MiB (exit $rc: $(head -c 120 "$tmp/e"))"
fi
printf '0' >> "$tmp/g64.csv"
"$dcproj" check "$root/tests/data/conformance/basic.json" --expect "$tmp/g64.csv" > /dev/null 2> "$tmp/e"
expect "check --expect refuses 64 MiB + 1" 65 $? "$tmp/e" "$tmp/g64.csv: file too large"
rm -f "$tmp"/*.json "$tmp"/*.csv "$tmp/pad"

# extends naming a FIFO: refused without blocking.
if command -v mkfifo > /dev/null 2>&1 && mkfifo "$tmp/parent.fifo" 2> /dev/null; then
    printf '{"dcproj": 1, "name": "child", "extends": "parent.fifo"}\n' > "$tmp/child.json"
    if command -v timeout > /dev/null 2>&1; then
        timeout 20 "$dcproj" validate "$tmp/child.json" > /dev/null 2> "$tmp/e"
    else
        "$dcproj" validate "$tmp/child.json" > /dev/null 2> "$tmp/e"
    fi
    expect "extends naming a FIFO" 66 $? "$tmp/e" "parent.fifo: cannot open: not a regular file"
else
    echo "skip extends naming a FIFO: mkfifo unavailable"
fi
exit $fail
