#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# Every source file names its licence in an SPDX line within its first three
# lines (after a #! line): C sources and headers, X-macro tables, build files,
# scripts. Test data (configurations, goldens, corpora) and the third-party
# configurations of tests/conf/real keep their own terms (see their SOURCES.md).
set -u
cd "${top_srcdir:-.}" || exit 99
want="SPDX-License-Identifier: LGPL-2.1-only"
n=0
bad=0
# The tracked files in a checkout; every file of the tree in a release tarball
# (but the build folders inside it: make distcheck's _build and _inst, debian/rules' _build).
if [ -d .git ]; then files=$(git ls-files); else files=$(find . -type f | sed 's|^\./||'); fi
for f in $files; do
    [ -f "$f" ] && [ ! -L "$f" ] || continue
    case $f in
    tests/conf/* | tests/golden/* | build*/* | _build/* | _inst/* | autom4te.cache/* | aclocal.m4 | configure | config.* | */Makefile.in | Makefile.in | install-sh | missing | depcomp | compile | test-driver | ar-lib | tests/reverse/* | tests/fuzz/corpus-* | *.md | LICENSE | .gitignore | gitignore | .clang-format | *.dict | *.json | *.cfg | *.qvmconf | *.expected) continue ;;
    *.c | *.h | *.def | *.mk | *.am | *.ac | *.sh | *.py | toolstack/completion/*) ;;
    *) head -c 2 "$f" | grep -q '^#!' || continue ;;
    esac
    n=$((n + 1))
    head -n 3 "$f" | grep -q "$want" || { echo "$f:1: error: no '$want' line"; bad=1; }
done
[ $bad -eq 0 ] && echo "spdx: $n source files, each with its licence line"
exit $bad
