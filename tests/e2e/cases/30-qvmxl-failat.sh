# SPDX-License-Identifier: LGPL-2.1-only
# 30-qvmxl-failat: all or nothing. QVMXL_FAIL_AT=STEP makes each step of qvm-xl create
# fail after doing its work; every run must exit with the step's documented code and
# leave no domain besides Domain-0 and no backend process. The configuration has a
# backend device, so every step runs. The late steps run in 35-qvmxl-failat-late (each
# takes a domain build, and a case has QX_CASE_TIMEOUT).
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
# step:exit, as in toolstack/steps.h and qvm-xl(1)
for se in ${QX_FAILAT_STEPS:-config:65 ctx:1 host:3 domain:4}; do
    step=${se%:*} want=${se#*:}
    t=$(qx_now)
    QVMXL_FAIL_AT=$step qvm-xl create -q "$D/pvh-serial.qvmconf" >/tmp/qx-failat.out 2>&1
    rc=$?
    is "fail at $step: exit $want" "$rc" "$want"
    grep -q "injected failure at step $step" /tmp/qx-failat.out && ok "fail at $step: injected" ||
        { not_ok "fail at $step: injected"; sed 's/^/#   /' /tmp/qx-failat.out; }
    is "fail at $step: no domain left" "$(qx_domains | tr '\n' ' ')" ""
    is "fail at $step: no backend left" "$(pidof qvm-xl-backend | wc -w)" 0
    diag "fail at $step took $(qx_elapsed "$t") s"
    qx_destroy_all
done
qx_done
