/* SPDX-License-Identifier: LGPL-2.1-only */
/* qvm-xl's main(), renamed for tests/unit/test-toolstack (built with -Dmain=qx_main). */
#ifndef QX_MAIN_H
#define QX_MAIN_H
int qx_main(int argc, char **argv);
#endif
