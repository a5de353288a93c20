# dom0 side of the e2e case runner: run every case in /e2e/cases in one boot, each under
# its own timeout, between "QXCASE begin/end" markers the host runner reads.
. /e2e/lib/dom0-lib.sh
[ -f /e2e/env ] && . /e2e/env
for c in /e2e/cases/*.sh; do
    [ -f "$c" ] || continue
    name=${c##*/}
    name=${name%.sh}
    echo "QXCASE begin $name"
    start=$(qx_now)
    QX_CASE=$name QX_CASE_DIR=/e2e/cases/$name \
        timeout -s KILL "${QX_CASE_TIMEOUT:-300}" sh -c 'cd /e2e/cases && . "$0"' "$c" 2>&1
    rc=$?
    # A case must not leave guests behind for the next one.
    left=$(qx_domains | tr '\n' ' ')
    qx_destroy_all
    echo
    echo "QXCASE end $name rc=$rc secs=$(qx_elapsed "$start") leftover=${left% }"
done
