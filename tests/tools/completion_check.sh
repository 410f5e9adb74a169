#!/bin/bash
# Test doc/dcproj.bash-completion with plain bash (no bash-completion):
# source it, fill COMP_WORDS/COMP_CWORD as bash would, call _dcproj and
# compare COMPREPLY (sorted) with the expected words.
# Usage: completion_check.sh SRCDIR
set -u
src=${1:?usage: completion_check.sh SRCDIR}
if ((BASH_VERSINFO[0] < 4)); then
    echo "SKIP: bash >= 4 needed"
    exit 77
fi
# shellcheck source=../../doc/dcproj.bash-completion
source "$src/doc/dcproj.bash-completion" || exit 1
complete -p dcproj >/dev/null || { echo "FAIL: no 'complete' registration for dcproj"; exit 1; }

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
mkdir sub
touch a.csv b.json c.svg 'd e.json' notes.txt

failures=0
# expect "WORD WORD ..." -- COMP_WORDS...  (the last word is the one completed)
expect()
{
    local want=$1
    shift 2
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _dcproj
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ')
    got=${got% }
    if [[ $got == "$want" ]]; then
        echo "ok   [$*] -> [$got]"
    else
        echo "FAIL [$*] -> [$got], expected [$want]"
        failures=$((failures + 1))
    fi
}

# Built-in option lists: the program named by COMP_WORDS[0] does not exist.
p=/nonexistent/dcproj
expect "run" -- $p ru
expect "chart check" -- $p ch
expect "--help --version" -- $p --
expect "--format" -- $p run --form
expect "" -- $p validate --form
expect "--shard" -- $p sweep --sh
expect "--threads --top" -- $p chart --t
expect "--expect" -- $p check s.json --exp
expect "--excel --excel-eu --expect" -- $p check --ex
expect "csv json table tsv" -- $p run --format ''
expect "json" -- $p run --format = j
expect "--format=json" -- $p run --format=j
expect "--layout=wide" -- $p diff a.json b.json --layout=w
expect "" -- $p run --bom=x
expect "iamc" -- $p run --layout i
expect "quarter" -- $p validate --step q
expect "energy_twh" -- $p diff a.json b.json --metric e
expect "capacity" -- $p sweep s.json --vary x=1,2 --metric c
expect "b.json d e.json sub" -- $p run ''
expect "b.json d e.json sub" -- $p validate b.json ''
expect "a.csv sub" -- $p check b.json --expect ''
expect "c.svg sub" -- $p chart b.json -o ''
expect "" -- $p run b.json --seed ''

# Options read from the program's --help when it runs.
cat >fake-dcproj <<'HELP'
#!/bin/sh
printf '%s\n' "Usage: dcproj run SCENARIO [options]" "" "Options:" \
  "  -o, --output FILE     write to FILE" \
  "      --format F        csv (default), tsv, json or table" \
  "      --brand-new       an option the built-in list does not know" \
  "" "Examples:" "  dcproj run s.json --set x=1"
HELP
chmod +x fake-dcproj
expect "--brand-new" -- ./fake-dcproj run --b
expect "-o" -- ./fake-dcproj run -o
expect "--output" -- ./fake-dcproj run --o
expect "" -- ./fake-dcproj run --set

if ((failures)); then
    echo "$failures failure(s)"
    exit 1
fi
echo "all completion checks passed"
