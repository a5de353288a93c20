#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-only
# The qvm-xl command line, table-driven: each row of the tables below is one
# command line with its expected exit status and what standard output and
# standard error must (or must not) show. No hypervisor is needed: the rows
# stop before libxl, or accept the "cannot open libxl" failure (1).
#
#   t EXIT 'ARGS' 'STDOUT' 'STDERR'
#
# EXIT    an extended regular expression for the status ("0", "0|1")
# ARGS    the arguments after qvm-xl, as shell words (quotes and "< FILE" work)
# STDOUT, STDERR  an ERE that must match somewhere; "!ERE": must match
#         nowhere; "-": must be empty; "": anything. Several conditions are
#         separated by " && ".
#
# The fixtures are written to a temporary directory, where the rows run.
# Environment: top_srcdir, top_builddir (set by make check); QVMXL, BACKEND
# for other binaries; QX_CLI_VERBOSE=1 prints every row.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$here/../..}
top_builddir=${top_builddir:-$top_srcdir}
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
QVMXL=${QVMXL:-$top_builddir/toolstack/qvm-xl}
BACKEND=${BACKEND:-$top_builddir/vdev-backends/qvm-xl-backend}
COMPLETION=$top_srcdir/toolstack/completion/qvm-xl
[ -x "$QVMXL" ] || { echo "cli: $QVMXL not built" >&2; exit 99; }
tmp=$(mktemp -d) || exit 99
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
cd "$tmp" || exit 99
pass=0 fail=0 row=0

# matches FILE CONDITIONS: whether FILE satisfies every " && "-separated condition.
matches() {
    rest=$2
    while :; do
        case $rest in
        *" && "*) cond=${rest%% && *} rest=${rest#* && } ;;
        *) cond=$rest rest= ;;
        esac
        case $cond in
        "") ;;
        -) [ ! -s "$1" ] || return 1 ;;
        !*) ! grep -Eq -- "${cond#!}" "$1" || return 1 ;;
        *) grep -Eq -- "$cond" "$1" || return 1 ;;
        esac
        [ -n "$rest" ] || return 0
    done
}

t() {
    row=$((row + 1))
    eval "\"\$QVMXL\" $2" >out 2>err </dev/null
    rc=$?
    why=
    echo "$rc" | grep -Eqx -- "$1" || why="exit $rc, want $1"
    [ -n "$why" ] || matches out "$3" || why="stdout does not match '$3'"
    [ -n "$why" ] || matches err "$4" || why="stderr does not match '$4'"
    if [ -z "$why" ]; then
        pass=$((pass + 1))
        [ "${QX_CLI_VERBOSE:-0}" = 1 ] && echo "ok $row: qvm-xl $2"
    else
        fail=$((fail + 1))
        echo "FAIL $row: qvm-xl $2: $why"
        sed 's/^/    out: /' out | head -n 8
        sed 's/^/    err: /' err | head -n 12
    fi
}

# ok NAME: a check done in shell; its result is $?.
ok() {
    rc=$?
    row=$((row + 1))
    if [ $rc = 0 ]; then pass=$((pass + 1)); else
        fail=$((fail + 1))
        echo "FAIL $row: $1"
    fi
}

# json_objects N FILE: FILE is exactly N JSON documents one after the other, nothing else.
json_objects() {
    python3 -c '
import json, sys
text = open(sys.argv[2]).read()
dec, i, n = json.JSONDecoder(), 0, 0
while i < len(text):
    obj, i = dec.raw_decode(text, i)
    n += 1
    while i < len(text) and text[i].isspace():
        i += 1
assert n == int(sys.argv[1]), n
' "$1" "$2"
}

# --- fixtures -------------------------------------------------------------------
printf '\177ELF\002\001\001\000' >kernel.elf # what an x86 PVH guest loads
# an arm64 Linux Image: its header's magic "ARM\x64" at byte 56
{ head -c 56 /dev/zero; printf 'ARM\144'; head -c 8 /dev/zero; } >Image
printf 'system x86g\nram 1m,64m\nvdev wdt-ib700\nload kernel.elf\n' >x86.qvmconf
printf 'system armg\nram 0x40000000,64m\nvdev gic version 2\nvdev pl011 loc 0x22000000 intr gic:32\nload Image\n' >arm.qvmconf
printf 'system neutral\nram 1m,64m\nload kernel.elf\n' >neutral.qvmconf
# The language takes it; Xen has no shared memory device: the translation refuses it.
printf 'system refused\nram 1m,64m\nvdev shmem\nload kernel.elf\n' >refused.qvmconf
# A translation warning: ARM RAM where Xen does not put it.
printf 'system armwarn\nram 0x80000000,64m\nvdev gic version 2\nload Image\n' >armwarn.qvmconf
printf 'system typo\nrma 64m\nvdev ser8250 loc 0x3f8 intrr 4\nvdev ser825\n' >typo.qvmconf
printf 'system nokernel\nram 1m,64m\nload ./no-such-kernel\n' >nokernel.qvmconf
printf 'system dirinitrd\nram 1m,64m\nload kernel.elf\ninitrd load .\n' >dirinitrd.qvmconf
mkfifo fifo 2>/dev/null && printf 'system fifo\nram 1m,64m\nload fifo\n' >fifokernel.qvmconf
mkdir sub && printf 'system x86g\nram 1m,64m\nvdev wdt-ib700\nload kernel.elf\n' >sub/other.qvmconf
USAGE='^Usage: qvm-xl'
NOTE_ARCH='note: no item tells the architecture; translated for (x86_64|aarch64) .*--target (aarch64|x86_64) chooses the other \[arch-assumed\]'

# --- A. help, -q/-v, several FILEs, words after --, options after FILE, -, stdout --
for c in create destroy list console convert export check; do
    t 0 "$c -h" "$USAGE $c " -
    t 0 "$c --help" "$USAGE $c " -
    t 0 "help $c" "$USAGE $c " -
done
t 0 '--help' '^Usage: qvm-xl \[-v\|-q\]' -
t 0 '--version' '^qvm-xl [0-9]' -
t 64 '' - "$USAGE"
t 0 '-v create -n --no-files x86.qvmconf' '"c_info"' -
t 0 '-vv --quiet check x86.qvmconf' - 'valid; translated for' # -vv -q: verbosity 1
t 0 '--verbose check x86.qvmconf' - 'qvm-xl check: x86.qvmconf: valid; translated for x86_64'
t 64 '-x list' - "unknown option '-x'"
t 0 'check -q neutral.qvmconf' - -
t 0 'check -v neutral.qvmconf' - 'arch-assumed && valid; translated for'
t 65 'check -q typo.qvmconf' - 'error: unknown option .rma. && !warning: && ![0-9] errors'
t 65 'check typo.qvmconf' - 'warning: unknown vdev type && 3 errors, 1 warning'
t '0|1' 'list -v' '' '!unknown option'
t '0|1' 'list -q' '' '!unknown option'
t 64 'destroy -q' - 'missing DOMAIN'
t 64 'console -v' - 'missing DOMAIN'
t 64 'export -q' - 'missing DOMAIN'
t 64 'list extra' - "takes no operand"
t 64 'destroy a b' - "unexpected 'b'"
t 0 'convert -q --to=xl neutral.qvmconf' '^name="neutral"' -
t 0 'convert -v --to=xl x86.qvmconf' '^name="x86g"' 'translated for x86_64'
# check takes several FILEs; the worst status wins (65 over 1 over 0).
t 0 'check x86.qvmconf arm.qvmconf sub/other.qvmconf' - -
t 65 'check x86.qvmconf typo.qvmconf' - '^typo.qvmconf:2:1: error && ^typo.qvmconf: 3 errors, 1 warning'
t 1 'check x86.qvmconf no-such.qvmconf' - "cannot read 'no-such.qvmconf'"
t 65 'check no-such.qvmconf typo.qvmconf' - "cannot read 'no-such.qvmconf' && typo.qvmconf:2:1"
# qvm's command-line WORDs: after "--" for check (every FILE), after FILE or "--" for create/convert.
t 0 'check neutral.qvmconf -- cmdline quiet' - "$NOTE_ARCH"
t 65 'check --target x86_64 x86.qvmconf neutral.qvmconf -- rma 1' - '^<command-line>:1:[0-9]+: error: unknown option .rma. && did you mean .ram.'
t 0 'create -n --no-files x86.qvmconf cmdline hello' '"cmdline": "hello"' -
t 0 'create -n x86.qvmconf -- cmdline hello' '"cmdline": "hello"' -
t 0 'convert --to=xl x86.qvmconf -- cmdline hello' '^cmdline="hello"' -
t 64 'create -n x86.qvmconf cmdline -- hello' - "takes one FILE"
t 1 'check x86.qvmconf cmdline' - "cannot read 'cmdline'" # every operand of check is a FILE
# An option after FILE: a hint, not a qvmconf word.
t 64 'create x86.qvmconf -n' - "option '-n' after FILE: options go before FILE"
t 64 'check x86.qvmconf --json' - "option '--json' after FILE: options go before FILE"
t 64 'convert --to=xl x86.qvmconf --target aarch64' - 'options go before FILE'
t 64 'destroy dom0 -q' - "option '-q' after DOMAIN: options go before DOMAIN"
t 65 'create -n x86.qvmconf -- -n' - "error: unknown option '-n' \\[option-unknown\\]" # a word
# "-" is standard input.
t 0 'check - <x86.qvmconf' - -
t 65 'check - <typo.qvmconf' - '^<stdin>:2:1: error: unknown option'
t 0 'create -n - <x86.qvmconf' '"name": "x86g"' -
t 0 'convert --to=xl - <x86.qvmconf' '^name="x86g"' -
t 0 'convert --to=qvmconf - <x86.qvmconf' '^system x86g' -
t 64 'check - - <x86.qvmconf' - "standard input \\('-'\\) can be read once"
# Standard output carries only the requested format.
t 64 'check --json --explain x86.qvmconf' - '--json and --explain both choose what standard output carries'
t 64 'check --canonical --json x86.qvmconf' - 'give one'
t 64 'check --explain x86.qvmconf arm.qvmconf' - '--explain takes one FILE'
t 65 'check --json typo.qvmconf' '^\{"file": "typo.qvmconf", "exit": 65, "errors": 3, "warnings": 1' -
t 0 'check --json x86.qvmconf arm.qvmconf' '^\{"file": "x86.qvmconf", "exit": 0 && ^\{"file": "arm.qvmconf", "exit": 0' -
t 1 'check --json no-such.qvmconf' '^\{"file": "no-such.qvmconf", "exit": 1' "cannot read 'no-such.qvmconf'"
t 0 'check --explain x86.qvmconf' '^# translation for x86_64 && vdev wdt-ib700' -
t 65 'check --explain refused.qvmconf' '^# translation for' 'xlate-vdev-unsupported'
t 0 'check --canonical x86.qvmconf' '^system x86g$' -
t 65 'check --canonical refused.qvmconf' - 'xlate-vdev-unsupported'
if command -v python3 >/dev/null 2>&1; then
    "$QVMXL" check --json x86.qvmconf typo.qvmconf refused.qvmconf >out 2>/dev/null
    json_objects 3 out
    ok "check --json: standard output is one JSON object per FILE, nothing else"
fi

# --- B. --target everywhere; --arch hidden; architecture note ---------------------
t 64 'check --target arm64 x86.qvmconf' - "unknown architecture 'arm64'; valid: x86_64, aarch64 \\(did you mean 'aarch64'\\?\\)"
t 64 'create -n --target amd64 x86.qvmconf' - "unknown architecture 'amd64'; valid: x86_64, aarch64 \\(did you mean 'x86_64'\\?\\)"
t 64 'convert --to=xl --target mips x86.qvmconf' - "unknown architecture 'mips'; valid: x86_64, aarch64$"
t 64 'check --target x86_64,bogus x86.qvmconf' - "unknown capability 'bogus'"
t 0 'check --target x86_64,-ioreq neutral.qvmconf' - -
t 65 'check --target x86_64,-ioreq x86.qvmconf' - 'xlate-backend'
t 0 'check --target aarch64 arm.qvmconf' - -
# --no-files does not require the files, but one that is here is still checked.
t 65 'check --target=aarch64 --no-files neutral.qvmconf' - 'kernel kernel.elf: ELF without Xen notes .*: nothing to load \[xlate-kernel-format\]'
t 65 'check --target x86_64 arm.qvmconf' - '\[arch-mismatch\]'
t 65 'create -n --target x86_64 arm.qvmconf' - '\[arch-mismatch\]'
t 0 'check --arch x86_64 x86.qvmconf' - -
t 65 'check --arch=aarch64 x86.qvmconf' - '\[arch-mismatch\]'
t 0 'check --help' '--target ARCH && !--arch' -
t 0 'check neutral.qvmconf' - "^neutral.qvmconf: $NOTE_ARCH"
t 0 'create -n neutral.qvmconf' '"name": "neutral"' "$NOTE_ARCH"
t 0 'convert --to=json neutral.qvmconf' '"name": "neutral"' "$NOTE_ARCH"
t 0 'check --target x86_64 neutral.qvmconf' - -
t 0 'check -W no-arch-assumed neutral.qvmconf' - -
# convert writes every file its output names: the device tree an ARM pass-through generates.
printf 'system dtg\nram 0x40000000,64m\nvdev gic version 2\nload arm64.Image\npass loc mem:0xfe204000,0x1000,rwn intr gic:44\n' >dt.qvmconf
t 0 'convert --to=xl --no-files --dtb out.dtb dt.qvmconf' '^device_tree="out.dtb"' 'wrote the guest.s device tree to out.dtb'
if [ -s out.dtb ] && [ "$(od -An -tx1 -N4 out.dtb | tr -d ' ')" = d00dfeed ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: convert --dtb wrote no device tree"; fi
t 1 'convert --to=xl --no-files --dtb /nonexistent/dir/x.dtb dt.qvmconf' - 'cannot write the device tree'
# An xl.cfg that is no regular file is an I/O error at once (it was read without end).
ln -s /dev/zero zero.cfg
mkfifo fifo.cfg 2>/dev/null
t 1 'convert --to=qvmconf zero.cfg' - 'zero.cfg: not a regular file'
t 1 'convert --to=qvmconf fifo.cfg' - 'fifo.cfg: not a regular file'
t 1 'convert --to=qvmconf missing.cfg' - 'missing.cfg'
# ... unless the kernel's header tells: an arm64 Image ("ARM\x64" at 0x38) is aarch64.
{ head -c 56 /dev/zero; printf 'ARM\144'; head -c 8 /dev/zero; } >arm64.Image
printf 'system img\nram 0x40000000,64m\nload arm64.Image\n' >imgarch.qvmconf
t 0 'check -v imgarch.qvmconf' - 'translated for aarch64'
t 0 'check x86.qvmconf' - -
t 0 'check arm.qvmconf' - -
# A mapping that changes what the guest sees is a warning by default, with its check name
# (issue: changes that break guests are said); -W no-NAME silences it.
sed 's/loc 0x22000000 intr gic:32/loc 0x1c090000 intr gic:37/' arm.qvmconf >moved-arm.qvmconf
t 0 'check moved-arm.qvmconf' - 'warning: vdev pl011: vuart="sbsa_uart" at 0x22000000.*\[xlate-device-moved\]'
t 0 'check -W no-xlate-device-moved moved-arm.qvmconf' - -
printf 'system blk\nram 0x100000,64m\nload /absent/bzImage\nvdev virtio-blk hostdev /absent/disk.img\n' >blk.qvmconf
t 0 'check --no-files --target x86_64 blk.qvmconf' - 'Xen PV block, the guest needs blkfront \[xlate-device-changed\]'
t 0 'check --syntax-only neutral.qvmconf' - -

# --- C. exit codes: unreadable input is I/O (1), naming the file or option ------
t 1 'check /no/such/file.qvmconf' - "^qvm-xl: cannot read '/no/such/file.qvmconf': No such file or directory$ && !command-line"
t 1 'create -n no-such.qvmconf' - "cannot read 'no-such.qvmconf' && !command-line"
t 1 'create no-such.qvmconf' - "cannot read 'no-such.qvmconf'"
t 1 'convert --to=json no-such.qvmconf' - "cannot read 'no-such.qvmconf'"
t 1 'convert --to=qvmconf no-such.cfg' - "cannot read 'no-such.cfg'"
t 1 'check sub' - "cannot read 'sub': Is a directory"
t 1 'check --asinfo /no/such/asinfo x86.qvmconf' - "^qvm-xl: --asinfo: cannot read '/no/such/asinfo'"
t 1 'create -n --asinfo /no/such/asinfo x86.qvmconf' - "--asinfo: cannot read '/no/such/asinfo'"
t 1 'convert --to=xl --asinfo sub x86.qvmconf' - "--asinfo: cannot read 'sub'"
if [ -p fifo ]; then
    t 1 'check fifo' - "cannot read 'fifo': not a regular file"
fi
if [ "$(id -u)" != 0 ]; then
    cp x86.qvmconf locked.qvmconf && chmod 000 locked.qvmconf
    t 1 'check locked.qvmconf' - "cannot read 'locked.qvmconf': Permission denied"
fi
sed -n '/^\.SH EXIT STATUS/,/^\.SH/p' "$top_srcdir/docs/qvm-xl.1" | sed 's/\\-/-/g' >exits
for n in 0 1 3 4 5 64 65; do grep -q "^\\.IP $n 4" exits; ok "qvm-xl.1 EXIT STATUS lists $n"; done
grep -q 'I/O' exits && grep -q -- '--asinfo' exits
ok "qvm-xl.1 EXIT STATUS: an unreadable FILE or --asinfo file is 1"

# --- D. did you mean ----------------------------------------------------------------
t 64 'craete x86.qvmconf' - "unknown command 'craete'; did you mean 'create'\\?"
t 64 'chekc x86.qvmconf' - "did you mean 'check'\\?"
t 64 'help destory' - "unknown command 'destory'; did you mean 'destroy'\\?"
t 64 'frobnicate' - "unknown command 'frobnicate'$"
t 64 'c' - "ambiguous command 'c'; possibilities: check create console convert"
t 0 'conv --help' "$USAGE convert " -
t 64 '--verison' - "unknown option '--verison'; did you mean '--version'\\?"
t 64 '-create x' - "the command is 'create', without '-'"
t 64 'create --dryrun x86.qvmconf' - "unknown option '--dryrun'; did you mean '--dry-run'\\?"
t 64 'check --jsno x86.qvmconf' - "did you mean '--json'\\?"
t 64 'check -target x86_64 x86.qvmconf' - "did you mean '--target'\\?"
t 64 'check --arhc x86_64 x86.qvmconf' - "did you mean '--target'\\?"
t 64 'convert --t xl x86.qvmconf' - "option '--t' is ambiguous; possibilities: --to --target"
t 64 'check --json=yes x86.qvmconf' - "option '--json' takes no argument"
t 64 'check --target' - "option '--target' needs an argument"
t 64 'check -W' - "option '-W' needs an argument"
t 64 'check -W no-ovrlap x86.qvmconf' - "-W: unknown check 'ovrlap'; did you mean 'overlap'\\?"
t 64 'check -E xlate-vdev-unsuported x86.qvmconf' - "did you mean 'xlate-vdev-unsupported'\\?"
t 64 'check -E zzzz x86.qvmconf' - "unknown check 'zzzz' \\(see --list-checks\\)"
t 0 'check --list-checks' '^overlap  && ^xlate-ram-relocated .*\(translation\) && ^load-unreadable && ^arch-assumed && ^host-reserve-item .*\(toolstack\)$ && !\(null\)' -
# In the configuration: unknown options and vdev types (same checks, places and status).
t 65 'check typo.qvmconf' - "^typo.qvmconf:2:1: error: unknown option 'rma' \\[option-unknown\\] && ^typo.qvmconf:2:1: note: did you mean 'ram'\\?"
t 65 'check typo.qvmconf' - "^typo.qvmconf:3:24: error: unknown option 'intrr' \\[option-unknown\\] && ^typo.qvmconf:3:24: note: did you mean 'intr'\\?"
t 65 'check typo.qvmconf' - "^typo.qvmconf:4:6: warning: unknown vdev type 'ser825' .*\\[vdev-unknown-type\\] && note: did you mean 'ser8250'\\?"
t 65 'check --json typo.qvmconf' '"check": "option-unknown", "file": "typo.qvmconf", "line": 2, "col": 1, .*"note": \{"file": "typo.qvmconf", "line": 2, "col": 1, "message": "did you mean .ram.\?"\}' -
t 65 'check --syntax-only typo.qvmconf' - "note: did you mean 'ram'"

# --- E. check translates as create -n does --------------------------------------------
t 65 'check refused.qvmconf' - "^refused.qvmconf:3:1: error: vdev shmem: .*\\[xlate-vdev-unsupported\\]"
t 65 'create -n refused.qvmconf' - '\[xlate-vdev-unsupported\]'
t 0 'check --syntax-only refused.qvmconf' - -
t 0 'check armwarn.qvmconf' - '^armwarn.qvmconf:2:1: warning: .*\[xlate-ram-relocated\] && 1 warning'
t 65 'check -E xlate-ram-relocated armwarn.qvmconf' - 'error: .*\[xlate-ram-relocated\]'
t 0 'check -W no-xlate-ram-relocated armwarn.qvmconf' - -
t 0 'check --syntax-only armwarn.qvmconf' - -
# check refuses exactly what create -n refuses.
for f in x86 arm neutral refused armwarn typo nokernel dirinitrd; do
    "$QVMXL" check "$f.qvmconf" >/dev/null 2>&1
    a=$?
    "$QVMXL" create -n "$f.qvmconf" >/dev/null 2>&1
    [ $a = $? ]
    ok "check and create -n agree on $f.qvmconf"
done

# --- F. files the configuration loads ------------------------------------------------
LOADERR="^nokernel.qvmconf:3:1: error: cannot read './no-such-kernel': No such file or directory \\[load-unreadable\\]"
t 65 'check nokernel.qvmconf' - "$LOADERR && note: the files are looked for on this machine; --no-files skips this"
t 0 'check --no-files nokernel.qvmconf' - "!error"
t 0 'check --syntax-only nokernel.qvmconf' - "!error"
t 65 'create -n nokernel.qvmconf' - "$LOADERR"
t 0 'create -n --no-files nokernel.qvmconf' '"kernel": "./no-such-kernel"' "$NOTE_ARCH && !error"
t 65 'convert --to=xl nokernel.qvmconf' - "$LOADERR"
t 65 'convert --to=json nokernel.qvmconf' - "$LOADERR"
t 0 'convert --to=xl --no-files nokernel.qvmconf' '^kernel="./no-such-kernel"' "$NOTE_ARCH && !error"
t 0 'convert --to=qvmconf nokernel.qvmconf' '^load ./no-such-kernel' -
t 64 'create --no-files nokernel.qvmconf' - '--no-files needs -n'
t 65 'check dirinitrd.qvmconf' - "^dirinitrd.qvmconf:4:8: error: cannot read '.' \\(initrd\\): Is a directory \\[load-unreadable\\]"
if [ -p fifo ]; then
    t 65 'check fifokernel.qvmconf' - "^fifokernel.qvmconf:3:1: error: cannot read 'fifo': not a regular file"
fi

# --- H. an xl.cfg: check reads it and converts it back; one diagnostic channel ---------
printf 'name = "xg"\nmemory = 64\nkernel = "kernel.elf"\nviridian = 1\n' >unknown.cfg
printf 'name = "xg"\nvcpus = "many"\n' >badvalue.cfg
t 0 'check unknown.cfg' - '^unknown.cfg:4:1: warning: viridian: .*\[xlcfg-unknown-key\]$ && ^viridian = 1$ && ^\^$ && ^[0-9]+ warnings?$'
t 65 'check badvalue.cfg' - '^badvalue.cfg:2:1: error: vcpus: .*\[xlcfg-value\]$ && ^vcpus = "many"$ && ^1 error$'
t 0 'check --json unknown.cfg' '^\{"file": "unknown.cfg", "exit": 0, "errors": 0, "warnings": [1-9] && "check": "xlcfg-unknown-key", "file": "unknown.cfg", "line": 4, "col": 1' -
t 65 'check --json badvalue.cfg' '^\{"file": "badvalue.cfg", "exit": 65, "errors": 1, && "check": "xlcfg-value", "file": "badvalue.cfg", "line": 2, "col": 1' -
t 0 'check -W no-xlcfg-unknown-key unknown.cfg' - '!xlcfg-unknown-key && !viridian'
t 65 'check -E xlcfg-unknown-key unknown.cfg' - '^unknown.cfg:4:1: error: viridian: .*\[xlcfg-unknown-key\]'
t 0 'check -q unknown.cfg' - -
t 65 'check -q badvalue.cfg' - '^badvalue.cfg:2:1: error && ![0-9] error'
t 0 'check -v unknown.cfg' - 'qvm-xl check: unknown.cfg: valid; read as an xl.cfg for (x86_64|aarch64)$'
t 0 'check --canonical unknown.cfg' '^system xg$ && ^#   viridian: ' 'xlcfg-unknown-key'
t 65 'check --canonical badvalue.cfg' - 'xlcfg-value'
t 0 'check --syntax-only unknown.cfg' - 'xlcfg-unknown-key && !xlcfg-lossy'
t 64 'check --explain unknown.cfg' - '--explain explains a qvmconf, not an xl.cfg'
t 64 'check unknown.cfg -- ram 64m' - "an xl.cfg \('unknown.cfg'\) takes none"
t 1 'check no-such.cfg' - "^qvm-xl: cannot read 'no-such.cfg': No such file or directory$"
t 1 'check --json no-such.cfg' '^\{"file": "no-such.cfg", "exit": 1, "errors": 0' "cannot read 'no-such.cfg'"
t 1 'check zero.cfg' - 'zero.cfg: not a regular file'
t 65 'check x86.qvmconf unknown.cfg badvalue.cfg' - '^unknown.cfg: [0-9]+ warnings?$ && ^badvalue.cfg: 1 error$'
# convert prints the same diagnostics, with the same carets.
t 0 'convert --to=qvmconf unknown.cfg' '^system xg$' '^unknown.cfg:4:1: warning: viridian: .*\[xlcfg-unknown-key\]$ && ^viridian = 1$ && !warnings?$'
t 65 'convert --to=qvmconf badvalue.cfg' - '^badvalue.cfg:2:1: error: vcpus: .*\[xlcfg-value\]$ && ^vcpus = "many"$'
for f in unknown badvalue; do
    "$QVMXL" check "$f.cfg" >/dev/null 2>check.err
    a=$?
    "$QVMXL" convert --to=qvmconf "$f.cfg" >/dev/null 2>convert.err
    [ $a = $? ] && [ "$(grep -v '^[0-9]* \(error\|warning\)' check.err)" = "$(cat convert.err)" ]
    ok "check and convert --to=qvmconf agree on $f.cfg"
done
if command -v python3 >/dev/null 2>&1; then
    "$QVMXL" check --json unknown.cfg badvalue.cfg x86.qvmconf >out 2>/dev/null
    json_objects 3 out
    ok "check --json on xl.cfg FILEs: one JSON object per FILE"
fi

# --- G. bash completion and the backend's man page -----------------------------------
if command -v bash >/dev/null 2>&1; then
    # A qvm-xl whose `list` shows two domains, for the DOMAIN completions.
    cat >fake-qvm-xl <<EOF
#!/bin/sh
if [ "\$1" = list ]; then
    printf 'Name ID Mem VCPUs State Time(s)\nDomain-0 0 1024 1 r----- 1.0\nguest-one 1 64 1 -b---- 0.1\nguest-two 2 64 1 -b---- 0.1\n'
    exit 0
fi
exec "$QVMXL" "\$@"
EOF
    chmod +x fake-qvm-xl
    # comp WANT WORD...: the completions of the last WORD (after ./fake-qvm-xl).
    comp() {
        want=$1
        shift
        got=$(bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _qvm_xl
            [ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' comp "$COMPLETION" ./fake-qvm-xl "$@")
        row=$((row + 1))
        if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
            fail=$((fail + 1))
            echo "FAIL $row: completion of '$*': got '$got', want '$want'"
        fi
    }
    bash -n "$COMPLETION"
    ok "the completion file is bash"
    comp 'check console convert create ' c
    comp 'create ' -v cr
    comp '--help --quiet --verbose --version ' --
    comp 'destroy ' help des
    comp '--dry-run ' create --dr
    comp '--syntax-only ' check --sy
    comp 'arm.qvmconf armwarn.qvmconf ' check ar
    comp 'unknown.cfg ' check unk
    comp 'sub ' create su
    comp 'guest-one guest-two ' destroy ''
    comp 'guest-two ' console guest-t
    comp 'json ' convert --to j
    comp 'json ' convert --to = j
    comp 'aarch64 ' check --target a
    comp 'no-overlap ' check -W no-overl
    comp 'xlate-ram-relocated ' check -E xlate-ram-re
    comp '' check x86.qvmconf -- ''
fi
man8=$top_srcdir/docs/qvm-xl-backend.8
[ -f "$man8" ]
ok "docs/qvm-xl-backend.8 exists"
if [ -x "$BACKEND" ]; then
    "$BACKEND" --help >help 2>&1
    sed 's/\\-/-/g' "$man8" >man8.txt
    for o in $(grep -o -- '--[a-z-]*' help | sort -u); do
        grep -q -- "$o" man8.txt
        ok "qvm-xl-backend.8 documents $o"
    done
    for d in $(sed -n 's/^  \([a-z0-9-]*\)  .*/\1/p' help); do
        grep -q "^\\.B $d\$" man8.txt
        ok "qvm-xl-backend.8 documents device $d"
    done
    for n in $(sed -n 's/^ *EXIT_[A-Z_]* = \([0-9]*\),.*/\1/p' "$top_srcdir/vdev-backends/backend-main.c"); do
        grep -q "^\\.IP $n 4" man8.txt
        ok "qvm-xl-backend.8 EXIT STATUS lists $n"
    done
fi

# --- every check name a diagnostic carries is in the registry, and documented ------------
# From what qvm-xl prints, not from its sources: --json over the test corpora (the
# language's and the translation's checks, for both targets), and the xl.cfg corpora. The host reservation's
# (create only, past libxl) are asserted by name in tests/unit/test-host.c.
"$QVMXL" check --list-checks | awk '{ print $1 }' >checks
[ "$(wc -l <checks)" -ge 90 ]
ok "--list-checks lists the registry"
: >seen
for f in $(find "$top_srcdir/tests/conf" "$top_srcdir/tests/golden" -name '*.qvmconf' | sort); do
    for tg in x86_64 aarch64; do
        "$QVMXL" check --json --no-files --target $tg "$f" 2>/dev/null |
            sed -n 's/.*"check": "\([^"]*\)".*/\1/p' >>seen
    done
done
# The xl.cfg reader's and the way back's (check reads an xl.cfg and converts it back).
for f in $(find "$top_srcdir/tests/reverse" "$top_srcdir/tests/golden" -name '*.cfg' | sort); do
    "$QVMXL" check --json "$f" 2>/dev/null |
        sed -n 's/.*"check": "\([^"]*\)".*/\1/p' >>seen
done
sort -u seen -o seen
[ "$(wc -l <seen)" -ge 60 ]
ok "the corpora's diagnostics carry $(wc -l <seen) check names"
for n in $(cat seen); do
    grep -qx -- "$n" checks
    ok "check name $n is in --list-checks"
done
sed 's/\\-/-/g' "$top_srcdir/docs/qvmconf.5" >man5.txt
for n in $(cat checks); do
    grep -qF -- "\\fB$n\\fR \\fI" man5.txt
    ok "qvmconf.5 documents check $n"
done

echo "cli: $row cases, $pass passed, $fail failed"
[ $fail -eq 0 ]
