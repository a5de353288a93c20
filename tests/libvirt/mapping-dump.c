/* SPDX-License-Identifier: LGPL-2.1-only */
/* mapping-dump: prints the libvirt reader's element table as Markdown (docs/libvirt.md). */
#include <stdio.h>

#include "libvirt/libvirt.h"

int main(void)
{
    lvxml_mapping_print_md(stdout);
    return fflush(stdout) ? 1 : 0;
}
