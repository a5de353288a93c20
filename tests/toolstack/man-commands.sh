#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# docs/qvm-xl.1 against the command table: every command of `qvm-xl --help`
# has a ".SS NAME" section whose synopsis is its usage line, and every exit
# status of `qvm-xl help create` is listed under EXIT STATUS.
set -u
top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-$top_srcdir}
QVMXL=${QVMXL:-$top_builddir/toolstack/qvm-xl}
man=$top_srcdir/docs/qvm-xl.1
fail=0
[ -x "$QVMXL" ] || exit 99
cmds=$("$QVMXL" --help | sed -n 's/^ \([a-z][a-z-]*\) .*/\1/p')
[ -n "$cmds" ] || { echo "FAIL: no commands in --help"; exit 1; }
# roff to text: drop \- escapes, as the usage line is written in the table.
plain=$(sed 's/\\-/-/g' "$man")
for c in $cmds; do
    if ! echo "$plain" | grep -qx "\.SS $c"; then
        echo "FAIL: no .SS $c in $man"
        fail=1
        continue
    fi
    usage=$("$QVMXL" help "$c" | sed -n "1s/^Usage: qvm-xl $c //p")
    got=$(echo "$plain" | sed -n "/^\.SS $c\$/,/^\.PP/p" | sed '1,2d;$d' | tr '\n' ' ' | sed 's/ $//')
    if [ "$usage" != "$got" ]; then
        echo "FAIL: $c: usage '$usage', man page '$got'"
        fail=1
    fi
done
codes=$("$QVMXL" help create | sed -n '/Exit status/,$p' | grep -o '[0-9][0-9]* [a-z]' | cut -d' ' -f1)
for n in $codes; do
    echo "$plain" | sed -n '/^\.SH EXIT STATUS/,/^\.SH/p' | grep -q "^\.IP $n 4" ||
        { echo "FAIL: exit status $n not in EXIT STATUS"; fail=1; }
done
[ $fail = 0 ] && echo "man-commands: $(echo $cmds | wc -w) commands, exit codes: $(echo $codes)"
exit $fail
