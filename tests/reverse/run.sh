#!/bin/sh
# Reverse translation against Xen's own xl (README.md): for every cfg/*.cfg,
# (1) our xl.cfg parser gives the JSON `xl -N create` gives; (2) xl.cfg ->
# qvmconf -> forward translator gives that JSON again, except the paths the
# file's .lossy list names, and exactly the .lossy keys are reported;
# (3) bad/*.cfg exit 65 with a file:line message (line >= 1); (4) qvmconf -> xl.cfg ->
# qvmconf gives the same model for every golden whose components map exactly.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${XL_BIN:=}"

if [ -z "$XL_BIN" ] || [ ! -x "$XL_BIN" ]; then
    echo "SKIP: no xl binary (XL_BIN)"; exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }

dump="$top_builddir/tests/reverse/reverse-dump"
shim="$top_builddir/tests/tools/noxen-shim.so"
norm="$top_srcdir/tests/tools/json-norm"
dir="$top_srcdir/tests/reverse"
case "$shim" in /*) ;; *) shim="$PWD/$shim" ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/reverse.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT

. "$top_srcdir/tests/tools/xl-channels.sh"

# drop_paths FILE.json PATH... : the JSON without those paths (a/b/0: list indexes are numbers).
drop_paths() {
    python3 - "$@" <<'EOF'
import json, sys
cfg = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    node, parts = cfg, path.split("/")
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node.get(p, {})
    last = parts[-1]
    if isinstance(node, list):
        node[int(last)] = None
    elif isinstance(node, dict):
        node.pop(last, None)
json.dump(cfg, sys.stdout, indent=1, sort_keys=True)
sys.stdout.write("\n")
EOF
}

arch_of() {
    case "$1" in arm-*) echo aarch64 ;; *) echo x86_64 ;; esac
}

fail=0
for cfg in "$dir"/cfg/*.cfg; do
    n=$(basename "$cfg" .cfg)
    a=$(arch_of "$n")
    lossy="$dir/cfg/$n.lossy"
    w="$work/$n"
    if ! LD_PRELOAD="$shim" "$XL_BIN" -N create "$cfg" >"$w.xl.json" 2>"$w.xl.err"; then
        echo "FAIL $n: xl rejects it"; cat "$w.xl.err"; fail=1; continue
    fi
    python3 "$norm" "$w.xl.json" >"$w.xl.norm" || { fail=1; continue; }
    # (1) the parser alone
    if ! "$dump" --arch "$a" parse-json "$cfg" >"$w.parse.json" 2>"$w.err"; then
        echo "FAIL $n: parse"; cat "$w.err"; fail=1; continue
    fi
    as_xl_numbers "$w.parse.json" "$w.parse.xl.json" && python3 "$norm" "$w.parse.xl.json" >"$w.parse.norm"
    if ! diff -u "$w.xl.norm" "$w.parse.norm" >"$w.diff"; then
        echo "FAIL $n: our xl.cfg parser differs from xl (- xl, + ours):"; cat "$w.diff"; fail=1
        continue
    fi
    # (2) there and back, with the declared losses
    if ! "$dump" --arch "$a" json "$cfg" >"$w.back.json" 2>"$w.err"; then
        echo "FAIL $n: reverse or forward translation"; cat "$w.err"; fail=1; continue
    fi
    "$dump" --arch "$a" lossy "$cfg" 2>/dev/null | sort >"$w.lossy.got"
    paths=""
    : >"$w.lossy.want"
    if [ -f "$lossy" ]; then
        grep -v '^#' "$lossy" | awk 'NF { print $1 }' | sort >"$w.lossy.want"
        paths=$(grep -v '^#' "$lossy" | awk '{ for (i = 2; i <= NF; i++) print $i }')
    fi
    if ! diff -u "$w.lossy.want" "$w.lossy.got" >"$w.diff"; then
        echo "FAIL $n: lossy keys differ from $n.lossy (- expected, + reported):"; cat "$w.diff"
        fail=1; continue
    fi
    as_xl_numbers "$w.back.json" "$w.back.xl.json" && python3 "$norm" "$w.back.xl.json" >"$w.back.norm"
    # shellcheck disable=SC2086
    drop_paths "$w.xl.norm" $paths >"$w.a" && drop_paths "$w.back.norm" $paths >"$w.b" ||
        { fail=1; continue; }
    if diff -u "$w.a" "$w.b" >"$w.diff"; then
        echo "PASS $n ($(wc -l <"$w.lossy.got") lossy)"
    else
        echo "FAIL $n: xl.cfg -> qvmconf -> libxl differs (- xl, + via qvmconf):"; cat "$w.diff"
        echo "--- qvmconf:"; "$dump" --arch "$a" qvmconf "$cfg" 2>&1
        fail=1
    fi
done

# (3) bad input: exit 65 and a located message, never a crash.
for cfg in "$dir"/bad/*.cfg; do
    n=$(basename "$cfg" .cfg)
    "$dump" qvmconf "$cfg" >/dev/null 2>"$work/$n.err"
    rc=$?
    if [ $rc -eq 65 ] && grep -q "$n.cfg:[1-9][0-9]*:" "$work/$n.err"; then
        echo "PASS bad/$n (65: $(head -n 1 "$work/$n.err" | sed 's|.*/||'))"
    else
        echo "FAIL bad/$n: exit $rc, want 65 with FILE:LINE:"; cat "$work/$n.err"; fail=1
    fi
done

# (4) qvmconf -> xl.cfg -> qvmconf on the exact goldens and our own examples.
exact=0
for q in "$top_srcdir"/tests/golden/xlate/*.qvmconf "$dir"/qvm/*.qvmconf; do
    [ -f "$q" ] || continue
    n=$(basename "$q" .qvmconf)
    a=$(arch_of "$n")
    out=$("$dump" --arch "$a" model-rt "$q" 2>&1)
    case $? in
    0) echo "PASS model $n"; exact=$((exact + 1)) ;;
    77) ;;
    *) echo "FAIL model $n:"; echo "$out"; fail=1 ;;
    esac
done
[ $exact -gt 0 ] || { echo "FAIL: no exact qvmconf was round-tripped"; fail=1; }
exit $fail
