# SPDX-License-Identifier: LGPL-2.1-only
# 50-reverse-export: a domain made by `xl create` is exported with `qvm-xl export`, destroyed,
# and re-created with `qvm-xl create` from the exported qvmconf; vCPUs, pinning and memory must
# be the same (issue 8). What qvmconf cannot express is listed as # comments in the export.
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
out=$D/rev-export.qvmconf

check "xl create" xl create "$D/guest.cfg"
qx_wait_console rev '^QXGUEST end' 120 && ok "xl guest reported" || not_ok "xl guest reported"
vcpus=$(qx_vcpu_count rev)
aff0=$(qx_vcpu_affinity rev 0)
aff1=$(qx_vcpu_affinity rev 1)
mem=$(xl list rev | awk 'NR == 2 { print $3 }')
is "xl guest: 2 vCPUs" "$vcpus" 2
is "xl guest: vCPU 0 on pCPU 1" "$aff0" 1

if qvm-xl export rev >"$out" 2>"$D/rev-export.err"; then
    ok "qvm-xl export"
else
    not_ok "qvm-xl export"
    sed "s/^/#   /" "$D/rev-export.err"
fi
diag "export: $(grep -c '^#   ' "$out") lossy key(s) kept as comments"
grep -v '^#' "$out" | sed 's/^/# exported: /'
check "qvm-xl check on the export" qvm-xl check "$out"
check "xl destroy" xl destroy rev
# The first guest's "QXGUEST end" must not count (qx_wait_console_more).
n0=$(qx_console_count rev '^QXGUEST end')

check "qvm-xl create from the export" qvm-xl create "$out"
qx_wait_console_more rev '^QXGUEST end' "$n0" 120 && ok "re-created guest reported" ||
    not_ok "re-created guest reported"
is "same vCPU count" "$(qx_vcpu_count rev)" "$vcpus"
is "same vCPU 0 affinity" "$(qx_vcpu_affinity rev 0)" "$aff0"
is "same vCPU 1 affinity" "$(qx_vcpu_affinity rev 1)" "$aff1"
is "same memory (xl list, MiB)" "$(xl list rev | awk 'NR == 2 { print $3 }')" "$mem"
is "guest sees 2 cpus" "$(qx_guest_value rev cpus)" 2
check "qvm-xl destroy" qvm-xl destroy rev
is "only Domain-0 is left" "$(qx_domains | tr '\n' ' ')" ""
qx_done
