#!/usr/bin/env bash
# run_golden.sh DCPROJ CSVCMP CASE_DIR DATA_DIR — run one golden CLI case.
#
# A case is a directory tests/golden/<case>/ holding:
#   cmd              one line: the arguments after `dcproj`, split like shell
#                    words (quotes work; no command substitution); $DATA is
#                    the tests/data directory, $TMP a fresh empty directory
#   expected.exit    the exit status (a number)
#   stdin            optional: standard input (else /dev/null)
#   expected.stdout  optional: stdout, byte for byte ($DATA/$TMP substituted)
#   expected.stderr  optional: stderr, byte for byte ($DATA/$TMP substituted)
#   stderr.grep      optional, instead: fixed strings, one a line, that must
#                    each appear in stderr
#   expected.csv     optional: compared with csvcmp against $TMP/out.csv when
#                    the run left one, else against stdout
#   csvcmp.args      optional: one line of extra csvcmp options
#   preexisting      optional: copied to $TMP/out.csv before the run
#   requires         optional: tools (names) or files (absolute paths) the
#                    case needs; the case is skipped (77) without them
# dcproj runs in a copy of the case directory (relative paths name the
# case's files) with LC_ALL=C.  Besides the expectations above:
#   - on an exit status other than 0 and 1, stdout must be empty;
#   - after a failing run $TMP must hold exactly what it held before (an
#     existing output keeps its content, no temporary is left behind); after
#     a successful one, only the outputs named by -o/--output/--solution
#     may have been added.
# Exit 0 pass, 1 fail, 77 skip, 99 broken case or harness.
set -u

if [ $# -ne 4 ]; then
    echo "usage: run_golden.sh DCPROJ CSVCMP CASE_DIR DATA_DIR" >&2
    exit 99
fi

# Absolute paths: dcproj runs in another directory.
absolute() {
    case "$1" in
    /*) printf '%s' "$1" ;;
    *) printf '%s/%s' "$PWD" "$1" ;;
    esac
}
dcproj=$(absolute "$1")
csvcmp=$(absolute "$2")
case_dir=$(absolute "$3")
data_dir=$(absolute "$4")
name=${case_dir##*/}
failed=0

fail() {
    printf 'golden %s: FAIL: %s\n' "$name" "$*"
    failed=1
}
skip() {
    printf 'golden %s: SKIP: %s\n' "$name" "$*"
    exit 77
}
broken() {
    printf 'golden %s: ERROR: %s\n' "$name" "$*"
    exit 99
}

for tool in mktemp cmp grep cp ls cat; do
    command -v "$tool" >/dev/null 2>&1 || skip "needs $tool"
done
[ -x "$dcproj" ] || broken "dcproj is not an executable: $dcproj"
[ -f "$case_dir/cmd" ] || broken "no cmd file in $case_dir"
[ -f "$case_dir/expected.exit" ] || broken "no expected.exit in $case_dir"
expected_exit=$(tr -d ' \t\r\n' <"$case_dir/expected.exit")
case "$expected_exit" in
'' | *[!0-9]*) broken "expected.exit is not a number: '$expected_exit'" ;;
esac
if [ -f "$case_dir/expected.stderr" ] && [ -f "$case_dir/stderr.grep" ]; then
    broken "both expected.stderr and stderr.grep"
fi
if [ -f "$case_dir/requires" ]; then
    while IFS= read -r need || [ -n "$need" ]; do
        case "$need" in
        '') ;;
        /*) [ -e "$need" ] || skip "needs $need" ;;
        *) command -v "$need" >/dev/null 2>&1 || skip "needs $need" ;;
        esac
    done <"$case_dir/requires"
fi
if [ -f "$case_dir/expected.csv" ] && [ ! -x "$csvcmp" ]; then
    skip "needs csvcmp ($csvcmp)"
fi

work=$(mktemp -d) || broken "mktemp failed"
trap 'rm -rf "$work"' EXIT
tmp=$work/tmp
mkdir "$tmp" || broken "cannot create $tmp"
cp -R "$case_dir" "$work/case" || broken "cannot copy $case_dir"

# Replace $DATA and $TMP in a string (no other expansion).
substitute() {
    local s=$1
    s=${s//\$DATA/"$data_dir"}
    s=${s//\$TMP/"$tmp"}
    printf '%s' "$s"
}

# Split the first line of file $1 into the array `words` like the shell
# would, then substitute $DATA and $TMP in each word.  Inside the eval
# DATA and TMP expand to themselves so paths with spaces stay one word.
split_line() {
    # shellcheck disable=SC2016,SC2034  # literal placeholders, read by eval
    local line='' DATA='$DATA' TMP='$TMP'
    IFS= read -r line <"$1" || [ -n "$line" ] || line=''
    # shellcheck disable=SC2016  # the characters themselves
    case "$line" in
    *'`'* | *'$('*) broken "$1: command substitution is not allowed" ;;
    esac
    set -f
    eval "words=($line)" || broken "$1: cannot split '$line'"
    set +f
    local i
    for i in "${!words[@]}"; do
        words[i]=$(substitute "${words[i]}")
    done
}

# Copy file $1 to $2 with $DATA and $TMP substituted, bytes kept.
substitute_file() {
    local content
    content=$(cat "$1"; printf x)
    content=${content%x}
    substitute "$content" >"$2"
}

show() {
    printf -- '--- %s (%s)\n' "$1" "$2"
    head -c 4000 "$2"
    printf '\n'
}

words=()
split_line "$case_dir/cmd"
csvcmp_args=()
if [ -f "$case_dir/csvcmp.args" ]; then
    saved=("${words[@]}")
    split_line "$case_dir/csvcmp.args"
    csvcmp_args=("${words[@]}")
    words=("${saved[@]}")
fi

# Names in $TMP that the command line designates as outputs.
outputs=()
for ((i = 0; i < ${#words[@]}; i++)); do
    path=
    case "${words[i]}" in
    -o | --output | --solution) path=${words[i + 1]:-} ;;
    --output=* | --solution=*) path=${words[i]#*=} ;;
    esac
    [ "${path%/*}" = "$tmp" ] && outputs+=("${path##*/}")
done

if [ -f "$case_dir/preexisting" ]; then
    cp "$case_dir/preexisting" "$tmp/out.csv" || broken "cannot copy preexisting"
fi
before=$(cd "$tmp" && ls -A)
stdin_file=/dev/null
[ -f "$case_dir/stdin" ] && stdin_file=$case_dir/stdin

(cd "$work/case" && LC_ALL=C exec "$dcproj" "${words[@]}") \
    <"$stdin_file" >"$work/stdout" 2>"$work/stderr"
rc=$?

if [ "$rc" -ne "$expected_exit" ]; then
    fail "exit status $rc, expected $expected_exit"
fi
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ -s "$work/stdout" ]; then
    fail "exit status $rc with output on stdout"
fi
if [ -f "$case_dir/expected.stdout" ]; then
    substitute_file "$case_dir/expected.stdout" "$work/expected.stdout"
    if ! cmp -s "$work/expected.stdout" "$work/stdout"; then
        fail "stdout differs from expected.stdout"
        show "expected stdout" "$work/expected.stdout"
    fi
fi
if [ -f "$case_dir/expected.stderr" ]; then
    substitute_file "$case_dir/expected.stderr" "$work/expected.stderr"
    if ! cmp -s "$work/expected.stderr" "$work/stderr"; then
        fail "stderr differs from expected.stderr"
        show "expected stderr" "$work/expected.stderr"
    fi
fi
if [ -f "$case_dir/stderr.grep" ]; then
    while IFS= read -r pattern || [ -n "$pattern" ]; do
        [ -z "$pattern" ] && continue
        pattern=$(substitute "$pattern")
        grep -qF -- "$pattern" "$work/stderr" || fail "stderr lacks: $pattern"
    done <"$case_dir/stderr.grep"
fi
if [ -f "$case_dir/expected.csv" ]; then
    got=$work/stdout
    [ -f "$tmp/out.csv" ] && got=$tmp/out.csv
    "$csvcmp" "${csvcmp_args[@]}" "$case_dir/expected.csv" "$got" >"$work/csvcmp.out" 2>&1
    crc=$?
    if [ "$crc" -ne 0 ]; then
        fail "csvcmp exit $crc: the table differs from expected.csv"
        cat "$work/csvcmp.out"
    fi
fi
after=$(cd "$tmp" && ls -A)
if [ "$rc" -ne 0 ]; then
    if [ "$after" != "$before" ]; then
        fail "after a failing run \$TMP holds [$after], expected [$before]"
    fi
    if [ -f "$case_dir/preexisting" ] && ! cmp -s "$case_dir/preexisting" "$tmp/out.csv"; then
        fail "a failing run changed the existing \$TMP/out.csv"
    fi
else
    while IFS= read -r entry; do
        [ -z "$entry" ] && continue
        allowed=0
        while IFS= read -r old; do
            [ "$old" = "$entry" ] && allowed=1
        done <<<"$before"
        for out in "${outputs[@]}"; do
            [ "$out" = "$entry" ] && allowed=1
        done
        [ "$allowed" -eq 1 ] || fail "a successful run left \$TMP/$entry behind"
    done <<<"$after"
fi

if [ "$failed" -ne 0 ]; then
    printf 'command: dcproj'
    printf ' %q' "${words[@]}"
    printf '\nexit status: %s\n' "$rc"
    show stdout "$work/stdout"
    show stderr "$work/stderr"
    exit 1
fi
exit 0
