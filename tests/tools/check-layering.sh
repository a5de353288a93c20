#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The libraries' layering, enforced: every #include of a project header is
# path-qualified ("conf/diag.h"), and a library includes only its own folder
# and the ones below it:
#   conf  <  xlcfg, libvirt  <  xlate  <  toolstack          vdev-backends: alone
# (libvirt/ sits beside xlcfg/: it may use xlcfg/, xlcfg/ never uses it; toolstack/ may
# include the wire protocols vdev-backends/*-proto.h, which hold no code)
# (tests/, bench/, docs/ and the fuzzers may include any of them). The build
# gives every target the source tree's top as its only project include path,
# so a name that is not path-qualified does not build from another folder and
# a path-qualified one is checked here.
set -u
cd "${top_srcdir:-.}" || exit 99

allowed() { # FOLDER: the folders it may include
    case $1 in
    conf) echo "conf" ;;
    xlcfg) echo "conf xlcfg" ;;
    libvirt) echo "conf xlcfg libvirt" ;;
    xlate) echo "conf xlcfg libvirt xlate" ;;
    toolstack) echo "conf xlcfg libvirt xlate toolstack" ;;
    vdev-backends) echo "vdev-backends" ;;
    *) echo "*" ;;
    esac
}

bad=0
n=0
# Tracked and new (not yet added, not ignored) files alike.
if [ -d .git ]; then files=$(git ls-files --cached --others --exclude-standard '*.c' '*.h'); else files=$(find conf xlcfg libvirt xlate toolstack vdev-backends tests bench docs -name '*.[ch]'); fi
for f in $files; do
    folder=${f%%/*}
    ok=$(allowed "$folder")
    # #include "x": the file's own line numbers for the message.
    grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" | while IFS= read -r line; do
        num=${line%%:*}
        inc=$(echo "$line" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
        case $inc in
        */*) ;;
        *)
            # A .def X-macro table or a header beside the file is still named by path.
            echo "$f:$num: error: #include \"$inc\" is not path-qualified (write \"$folder/$inc\")"
            continue
            ;;
        esac
        top=${inc%%/*}
        [ -e "$inc" ] || { echo "$f:$num: error: #include \"$inc\": no such file in the tree"; continue; }
        [ "$ok" = "*" ] && continue
        # A wire protocol between the toolstack and a dom0 daemon is declared once, beside
        # the daemon (declarations only, no code): the toolstack may include it.
        case $folder:$inc in toolstack:vdev-backends/*-proto.h) continue ;; esac
        case " $ok " in
        *" $top "*) ;;
        *) echo "$f:$num: error: $folder/ includes $inc: $top/ is above $folder/ (layers: conf < xlcfg, libvirt < xlate < toolstack)" ;;
        esac
    done
    n=$((n + 1))
done >"${TMPDIR:-/tmp}/layering.$$"
if [ -s "${TMPDIR:-/tmp}/layering.$$" ]; then
    cat "${TMPDIR:-/tmp}/layering.$$"
    bad=1
fi
rm -f "${TMPDIR:-/tmp}/layering.$$"
[ $bad -eq 0 ] && echo "layering: $n files, every include path-qualified and downward"
exit $bad
