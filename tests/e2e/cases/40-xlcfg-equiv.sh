# SPDX-License-Identifier: LGPL-2.1-only
# 40-xlcfg-equiv (issue 5): for each x86 example, `xl -N create` on the xl.cfg that
# `qvm-xl convert --to=xl` emits gives the same libxl JSON as `qvm-xl create -n`
# (after dropping what xl adds on its own: uuid, run_hotplug_scripts, claim_mode,
# numa_placement); and a guest created by plain `xl create` from that xl.cfg boots with
# the vCPUs, pinning and memory asked for.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
T=/tmp/qx-equiv
mkdir -p $T
for f in "$D"/*.qvmconf; do
    n=$(basename "$f" .qvmconf)
    check "$n: convert --to=xl" sh -c "qvm-xl convert --to=xl '$f' >$T/$n.cfg"
    check "$n: create -n" sh -c "qvm-xl create -n '$f' >$T/$n.qx.json"
    check "$n: xl -N create" sh -c "xl -N create $T/$n.cfg >$T/$n.xl.json"
    qx_same_json "$n: same libxl JSON" $T/$n.qx.json $T/$n.xl.json
done

# Boot from the emitted xl.cfg with xl itself.
check "xl create from pvh-pinned's xl.cfg" xl create $T/pvh-pinned.cfg
qx_wait_console pvh-pinned '^QXGUEST end' 60 && ok "guest reported" || not_ok "guest reported"
is "guest sees 2 cpus" "$(qx_guest_value pvh-pinned cpus)" 2
is "vCPU 0 hard affinity" "$(qx_vcpu_affinity pvh-pinned 0)" 1
is "vCPU 1 hard affinity" "$(qx_vcpu_affinity pvh-pinned 1)" 0
is "xl list shows 128 MiB" "$(xl list pvh-pinned | awk 'NR == 2 { print $3 }')" 128
check "xl destroy" xl destroy pvh-pinned
qx_done
