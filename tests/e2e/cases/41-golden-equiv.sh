# SPDX-License-Identifier: LGPL-2.1-only
# 41-golden-equiv (issue 5): for EVERY x86 translator golden (tests/golden/xlate/x86-*)
# whose translation succeeds, the real xl in dom0 (`xl -N create`, no shim) parses the
# xl.cfg that `qvm-xl convert --to=xl` emits into the same libxl JSON as `qvm-xl create -n`;
# the goldens whose translation is refused must be refused by both commands.
# The goldens' kernel paths (/vm/...) are not in the rig: --no-files.
. /e2e/lib/dom0-lib.sh
G=$QX_CASE_DIR/golden
T=/tmp/qx-golden-equiv
mkdir -p $T
# Channel devids are xl's own numbering, and it changed: xl up to 4.18.4/4.19.1/4.20.0
# (Debian 12's 4.17 included) gives each channel the devid of its index, which libxl then
# refuses for the first one (devid 0 is the primary console's); later ones leave it unset,
# as qvm-xl does (case 10 checks that its channel reaches xenstore). Which one this xl does
# is probed, not read from its version; an index numbering is dropped from xl's JSON.
printf 'name="p"\ntype="pvh"\nkernel="/dev/null"\nmemory=16\nchannel=["name=p,connection=pty"]\n' \
    >$T/probe.cfg
chan_index=""
if xl -N create $T/probe.cfg 2>/dev/null | grep -q '"devid"'; then
    chan_index=1
    diag "this xl numbers channels by their index: not compared"
fi
no_channel_devids() {
    awk '/^    "channels": \[/ { c = 1 } c && /^    \]/ { c = 0 } !(c && /"devid":/)' "$1" >"$1.t" &&
        mv "$1.t" "$1"
}
for f in "$G"/x86-*.qvmconf; do
    n=$(basename "$f" .qvmconf)
    # The golden's target: `# xlate-args: --caps C` becomes --target x86_64,C.
    caps=$(sed -n 's/^# xlate-args:.*--caps \([^ ]*\).*/\1/p' "$f")
    target=x86_64${caps:+,$caps}
    if grep -q -- '--pcpus' "$f" && grep -q 'translation failed' "$G/$n.report"; then
        # Refused only for a host of N pCPUs; convert has no such host (case 20
        # checks the live pCPU conflict).
        diag "$n: host-dependent refusal, not compared"
        continue
    fi
    if grep -q 'translation failed' "$G/$n.report"; then
        if qvm-xl convert --to=xl --no-files --target "$target" "$f" >/dev/null 2>&1; then
            not_ok "$n: refused by convert, as in the golden"
        else
            ok "$n: refused by convert, as in the golden"
        fi
        continue
    fi
    check "$n: convert --to=xl" sh -c "qvm-xl convert --to=xl --no-files --target $target '$f' >$T/$n.cfg"
    check "$n: create -n" sh -c "qvm-xl create -n --no-files --target $target '$f' >$T/$n.qx.json"
    check "$n: xl -N create" sh -c "xl -N create $T/$n.cfg >$T/$n.xl.json 2>$T/$n.xl.err"
    [ -z "$chan_index" ] || no_channel_devids $T/$n.xl.json
    qx_same_json "$n: same libxl JSON" $T/$n.qx.json $T/$n.xl.json
done
qx_done
