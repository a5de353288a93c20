#!/bin/sh
# Golden tests of the qvmconf corpus in tests/conf, in one of three modes:
#   good       each good/*.qvmconf is valid, has its expected warnings and
#              prints exactly good/NAME.expected as canonical text
#   bad        each bad/*.qvmconf exits 65 with the expected error
#   roundtrip  canonical text re-checks, writes identically, and gives an
#              equal model (tests/conf/roundtrip)
# run-bad.sh and run-roundtrip.sh call this script with their mode.
#
# Header lines of a corpus file (anywhere in the file, usually at the top):
#   # expect: CHECK [FILE:]LINE:COL        bad: the error expected
#   # expect-warning: CHECK [FILE:]LINE:COL good: a warning that must appear
#   # args: WORD...                        words after the file
#   # env: NAME=VALUE                      environment for the run
#   # host: FILE                           host description ($asinfo_*)
# FILE paths are relative to tests/conf, where the script runs (qvm
# resolves relative paths against its working directory).
#
# Environment: top_srcdir, top_builddir (set by make check); QVMXL to use
# another binary; QX_CONF_BLESS=1 writes missing .expected files (review
# them by hand before committing); QX_CONF_ONLY=NAME runs one file.
set -u
mode=${1:-good}
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/../..}
top_builddir=${top_builddir:-$top_srcdir}
QVMXL=${QVMXL:-$top_builddir/toolstack/qvm-xl}
ROUNDTRIP=${ROUNDTRIP:-$top_builddir/tests/conf/roundtrip}
case $QVMXL in /*) ;; *) QVMXL=$PWD/$QVMXL ;; esac
case $ROUNDTRIP in /*) ;; *) ROUNDTRIP=$PWD/$ROUNDTRIP ;; esac

cd "$top_srcdir/tests/conf" || exit 99
if [ ! -x "$QVMXL" ]; then
    echo "conf-$mode: $QVMXL not built" >&2
    exit 99
fi
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM

pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() {
    fail=$((fail + 1))
    echo "FAIL: $f: $*"
}

# header FILE KEY: the values of "# KEY: ..." lines, one per line.
header() { sed -n "s/^# $2: *//p" "$1"; }

# How check takes the host description (qvm-xl(1), HOST DESCRIPTION);
# empty when it has no such option.
host_opt=
if "$QVMXL" check --help 2>&1 | grep -q -- '--asinfo'; then
    host_opt=--asinfo
fi

# setup FILE: sets $envs (NAME=VALUE words), $hostargs and the positional
# words after the file ($args); returns 1 when the file cannot run here.
setup() {
    envs=$(header "$1" env | tr '\n' ' ')
    args=$(header "$1" args | tr '\n' ' ')
    hostfile=$(header "$1" host)
    hostargs=
    if [ -n "$hostfile" ]; then
        [ -n "$host_opt" ] || return 1
        hostargs="$host_opt=$hostfile"
    fi
    return 0
}

# qx OUT ERR check-options...: runs qvm-xl check on $f; prints the exit code.
# The corpus is the language's: --syntax-only (no translation, no file the
# configuration loads); the "# args:" words follow "--", as check wants them.
qx() {
    out=$1 err=$2
    shift 2
    # shellcheck disable=SC2086 # $envs and $args are lists of words
    env $envs "$QVMXL" check --syntax-only $hostargs "$@" "$f" ${args:+--} $args >"$out" 2>"$err"
    echo $?
}

# has_diag JSON SEVERITY CHECK WHERE: is that diagnostic in the JSON?
# WHERE is LINE:COL (in $f itself) or FILE:LINE:COL.
has_diag() {
    case $4 in
    *:*:*) file=${4%:*:*} lc=${4##"${4%:*:*}":} ;;
    *) file=$f lc=$4 ;;
    esac
    line=${lc%:*} col=${lc#*:}
    grep -F -q "\"severity\": \"$2\", \"check\": \"$3\", \"file\": \"$file\", \"line\": $line, \"col\": $col," "$1"
}

run_good() {
    exp=${f%.qvmconf}.expected
    code=$(qx "$tmp/json" "$tmp/err" --json)
    if [ "$code" != 0 ]; then
        bad "exit $code, want 0"
        grep '"severity": "error"' "$tmp/json" | sed 's/^/    /'
        return
    fi
    missing=0
    header "$f" expect-warning >"$tmp/want"
    while read -r check where; do
        if ! has_diag "$tmp/json" warning "$check" "$where"; then
            bad "warning $check at $where missing"
            missing=1
        fi
    done <"$tmp/want"
    [ $missing = 0 ] || { sed 's/^/    /' "$tmp/json"; return; }
    qx "$tmp/canon" "$tmp/err" --canonical >/dev/null
    if [ ! -f "$exp" ]; then
        if [ "${QX_CONF_BLESS:-0}" = 1 ]; then
            cp "$tmp/canon" "$exp"
            echo "blessed $exp: review it by hand"
            ok
        else
            bad "no $exp (QX_CONF_BLESS=1 writes it)"
        fi
        return
    fi
    if diff -u "$exp" "$tmp/canon" >"$tmp/diff"; then
        ok
    else
        bad "canonical text differs from $exp"
        sed 's/^/    /' "$tmp/diff"
    fi
}

run_bad() {
    want=$(header "$f" expect | head -n1)
    if [ -z "$want" ]; then
        bad "no '# expect: CHECK LINE:COL' line"
        return
    fi
    code=$(qx "$tmp/json" "$tmp/err" --json)
    if [ "$code" != 65 ]; then
        bad "exit $code, want 65"
        grep '"severity"' "$tmp/json" | sed 's/^/    /'
        return
    fi
    # shellcheck disable=SC2086
    if has_diag "$tmp/json" error $want; then
        ok
    else
        bad "no error $want"
        grep '"severity"' "$tmp/json" | sed 's/^/    /'
    fi
}

# -a NAME=START,LENGTH options for tests/conf/roundtrip from a host file
# whose lines are "NAME START LENGTH" (comments with #).
asinfo_opts() {
    [ -n "$1" ] || return 0
    sed -e 's/#.*//' "$1" | while read -r name start length; do
        [ -n "$name" ] && printf ' -a %s=%s,%s' "$name" "$start" "$length"
    done
}

run_roundtrip() {
    code=$(qx "$tmp/canon1" "$tmp/err" --canonical)
    if [ "$code" != 0 ] || [ ! -s "$tmp/canon1" ]; then
        bad "exit $code or no canonical text"
        return
    fi
    # The canonical text stands alone: no args, env or host needed.
    if ! "$QVMXL" check --syntax-only --canonical "$tmp/canon1" >"$tmp/canon2" 2>"$tmp/err"; then
        bad "canonical text does not re-check"
        sed 's/^/    /' "$tmp/err"
        return
    fi
    if ! diff -u "$tmp/canon1" "$tmp/canon2" >"$tmp/diff"; then
        bad "writing the canonical text again changes it"
        sed 's/^/    /' "$tmp/diff"
        return
    fi
    if [ -x "$ROUNDTRIP" ]; then
        # shellcheck disable=SC2086
        if ! env $envs "$ROUNDTRIP" $(asinfo_opts "$hostfile") "@$f" $args >"$tmp/out" 2>&1; then
            bad "model of parse(write(x)) differs from x"
            sed 's/^/    /' "$tmp/out"
            return
        fi
    fi
    ok
}

case $mode in
good | roundtrip) files=$(ls good/*.qvmconf) ;;
bad) files=$(ls bad/*.qvmconf) ;;
*)
    echo "usage: $0 [good|bad|roundtrip]" >&2
    exit 99
    ;;
esac
for f in $files; do
    if [ -n "${QX_CONF_ONLY:-}" ] && [ "$(basename "$f" .qvmconf)" != "$QX_CONF_ONLY" ]; then
        continue
    fi
    if ! setup "$f"; then
        echo "SKIP: $f: qvm-xl check has no host description option"
        skip=$((skip + 1))
        continue
    fi
    "run_$mode"
done
if [ $skip -gt 0 ]; then
    echo "conf-$mode: $pass passed, $fail failed, $skip skipped"
else
    echo "conf-$mode: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
