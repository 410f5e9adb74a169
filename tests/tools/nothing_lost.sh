#!/bin/sh
# nothing_lost.sh DCPROJ SRCROOT — SPEC §9 "nothing is lost" with the real
# CLI:
#  1. a full disk (-o /dev/full, > /dev/full): exit 74 and a message;
#  2. SIGKILL in the middle of a large -o write: the old file is intact,
#     and the next write to it succeeds and removes the stale temporary;
#  3. -o through a symlink: the target is replaced, keeps mode 0640, the
#     link stays a link;
#  4. a closed pipe (dcproj run big | head -1): nothing on stderr, and
#     dcproj dies of SIGPIPE (status 141) — also when the parent ignores
#     SIGPIPE;
#  5. an output path naming the input (directly or through a link): exit
#     2, the input untouched.
# The large scenario (20000 countries, monthly, 2024-2030, ~60 MB of CSV)
# is generated at test time by gen_scenario.sh.
set -u
dcproj=${1:?usage: nothing_lost.sh DCPROJ SRCROOT}
src=${2:?usage: nothing_lost.sh DCPROJ SRCROOT}
case $dcproj in /*) ;; *) dcproj=$PWD/$dcproj ;; esac
case $src in /*) ;; *) src=$PWD/$src ;; esac
basic=$src/tests/data/conformance/basic.json
work=$(mktemp -d) || exit 99
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 99
fails=0
fail() {
    echo "nothing-lost: FAIL: $*"
    fails=$((fails + 1))
}
ok() {
    echo "nothing-lost: ok: $*"
}

# 1. Full disk.
for how in "-o /dev/full" "> /dev/full"; do
    # shellcheck disable=SC2086
    eval "\"\$dcproj\" run \"\$basic\" $how" 2>err.txt
    st=$?
    if [ "$st" -ne 74 ]; then
        fail "run $how: exit $st, not 74"
    elif ! grep -q '^dcproj: .*write error' err.txt; then
        fail "run $how: no write-error message: $(cat err.txt)"
    else
        ok "run $how: exit 74, $(cat err.txt)"
    fi
done
"$dcproj" explain "$basic" >/dev/full 2>err.txt
st=$?
[ "$st" -eq 74 ] && [ -s err.txt ] && ok "explain > /dev/full: exit 74" ||
    fail "explain > /dev/full: exit $st, stderr '$(cat err.txt)'"

# 2. SIGKILL during a large write.
sh "$src/tests/tools/gen_scenario.sh" 20000 month 2030 >big.json || exit 99
printf 'old content\n' >out.csv
cp out.csv out.orig
tmp=.out.csv.dcproj-tmp
"$dcproj" run big.json -o out.csv 2>/dev/null &
pid=$!
# wait (at most 60 s) until the temporary holds some of the output
i=0
while [ "$(stat -c %s "$tmp" 2>/dev/null || echo 0)" -lt 100000 ] && [ $i -lt 6000 ]; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.01
    i=$((i + 1))
done
if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null
    if ! cmp -s out.csv out.orig; then
        fail "SIGKILL: out.csv changed"
    elif [ ! -f "$tmp" ]; then
        fail "SIGKILL: no temporary left to clean up (killed too late?)"
    else
        ok "SIGKILL after $(stat -c %s "$tmp") bytes: out.csv intact, stale $tmp left"
        "$dcproj" run "$basic" -o out.csv 2>err.txt
        st=$?
        if [ "$st" -ne 0 ]; then
            fail "write after SIGKILL: exit $st: $(cat err.txt)"
        elif [ -e "$tmp" ]; then
            fail "write after SIGKILL: stale temporary still there"
        elif ! head -1 out.csv | grep -q '^kind,code,'; then
            fail "write after SIGKILL: out.csv not replaced"
        else
            ok "next write replaced out.csv and removed the stale temporary"
        fi
    fi
else
    wait "$pid"
    fail "SIGKILL: dcproj finished before it could be killed (exit $?)"
fi

# 3. -o through a symlink keeps the link and the target's mode.
mkdir real
printf 'old\n' >real/target.csv
chmod 0640 real/target.csv
ln -s real/target.csv link.csv
"$dcproj" run "$basic" -o link.csv 2>err.txt
st=$?
mode=$(stat -c %a real/target.csv)
if [ "$st" -ne 0 ]; then
    fail "symlink: exit $st: $(cat err.txt)"
elif [ ! -L link.csv ] || [ "$(readlink link.csv)" != real/target.csv ]; then
    fail "symlink: link.csv is no longer the link"
elif [ "$mode" != 640 ]; then
    fail "symlink: target mode $mode, not 640"
elif ! head -1 real/target.csv | grep -q '^kind,code,'; then
    fail "symlink: target not replaced"
elif ls -A real | grep -q dcproj-tmp; then
    fail "symlink: temporary left behind"
else
    ok "-o through a symlink: target replaced, mode 640, link kept"
fi

# 4. A closed pipe ends quietly: no message; killed by SIGPIPE (141).
for ignore in no yes; do
    if [ "$ignore" = yes ]; then
        st=$( (trap '' PIPE; "$dcproj" run big.json 2>err.txt; echo $? >st.txt) | head -1 >/dev/null; cat st.txt)
    else
        st=$( ("$dcproj" run big.json 2>err.txt; echo $? >st.txt) | head -1 >/dev/null; cat st.txt)
    fi
    if [ -s err.txt ]; then
        fail "closed pipe (SIGPIPE ignored: $ignore): stderr: $(head -3 err.txt)"
    elif [ "$st" -ne 141 ]; then
        fail "closed pipe (SIGPIPE ignored: $ignore): exit $st, not 141 (SIGPIPE)"
    else
        ok "closed pipe (SIGPIPE ignored by the parent: $ignore): quiet, status 141"
    fi
done

# 5. An output path that names the input.
cp "$basic" in.json
cp in.json in.orig
ln -s in.json in-link.json
for o in in.json in-link.json ./in.json; do
    "$dcproj" run in.json -o "$o" >/dev/null 2>err.txt
    st=$?
    if [ "$st" -ne 2 ]; then
        fail "-o $o on the input: exit $st, not 2"
    elif ! cmp -s in.json in.orig; then
        fail "-o $o on the input: input changed"
    elif ls -A | grep -q dcproj-tmp; then
        fail "-o $o on the input: temporary left behind"
    else
        ok "-o $o on the input: exit 2, input untouched ($(cat err.txt))"
    fi
done

[ "$fails" -eq 0 ] || { echo "nothing-lost: $fails failure(s)"; exit 1; }
echo "nothing-lost: all passed"
