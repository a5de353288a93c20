# SPDX-License-Identifier: LGPL-2.1-only
# 35-qvmxl-failat-late: QVMXL_FAIL_AT for the steps after the domain's creation (the checks
# are those of 30-qvmxl-failat).
QX_FAILAT_STEPS="backend:5 ready:5 unpause:4 monitor:4"
. /e2e/cases/30-qvmxl-failat.sh
