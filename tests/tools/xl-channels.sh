# SPDX-License-Identifier: LGPL-2.1-only
# Sourced by the tests that compare our libxl JSON with Xen's `xl -N` (golden-xl.sh,
# xl-roundtrip.sh, tests/reverse/run.sh); needs $work, $shim and $XL_BIN.
#
# Channel devids are xl's own numbering, and it changed: xl up to 4.18.4/4.19.1/4.20.0
# gives each channel the devid of its index, later ones leave it unset (-1) so that the
# first channel cannot take the primary console's devid 0. Which one this xl does is
# probed (not read from its version), and our JSON is compared in that convention.
printf 'name="p"\ntype="pvh"\nkernel="/dev/null"\nmemory=16\nchannel=["name=p,connection=pty"]\n' \
    >"$work/probe.cfg"
if ! LD_PRELOAD="$shim" "$XL_BIN" -N create "$work/probe.cfg" >"$work/probe.json" 2>&1; then
    echo "FAIL: xl -N cannot run:"
    cat "$work/probe.json"
    exit 1
fi
chan_devid='unset'
grep -q '"devid"' "$work/probe.json" && chan_devid=index
echo "# this xl numbers channels: $chan_devid"

# as_xl_numbers IN.json OUT.json: IN with its channels numbered as this xl numbers them.
as_xl_numbers() {
    python3 - "$1" "$chan_devid" >"$2" <<'EOF'
import json, sys
cfg = json.load(open(sys.argv[1]))
for i, ch in enumerate(cfg.get("channels", [])):
    if sys.argv[2] == "index":
        ch["devid"] = i
    else:
        ch.pop("devid", None)
json.dump(cfg, sys.stdout)
EOF
}
