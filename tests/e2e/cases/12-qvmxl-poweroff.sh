# 12-qvmxl-poweroff: a guest that powers off is destroyed by qvm-xl's monitor (qvm exits
# with its guest), as xl's daemon does for on_poweroff="destroy".
. /e2e/lib/dom0-lib.sh
D=$QX_CASE_DIR
check "qvm-xl create pvh-small" qvm-xl create "$D/pvh-small.qvmconf"
qx_wait_console pvh-small '^QXGUEST end' 100 && ok "pvh-small reported" || not_ok "pvh-small reported"
is "pvh-small: 1 cpu" "$(qx_guest_value pvh-small cpus)" 1
end=$(($(qx_now) + 3000))
while [ -n "$(qx_domains)" ] && [ "$(qx_now)" -lt "$end" ]; do sleep 0.5; done
is "powered-off guest is gone" "$(qx_domains | tr '\n' ' ')" ""

qx_done
