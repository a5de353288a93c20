# SPDX-License-Identifier: LGPL-2.1-only
# toolstack/local.mk: the qvm-xl command. Each command is toolstack/cmd-NAME.c
# plus one row in toolstack/commands.def; add the file to the list below.
bin_PROGRAMS += toolstack/qvm-xl
# libqvmxl.a: everything but main(), so unit tests link the same code.
noinst_LIBRARIES += toolstack/libqvmxl.a
toolstack_libqvmxl_a_SOURCES = \
	toolstack/qvm-xl.h toolstack/commands.def \
	toolstack/steps.h toolstack/steps.c \
	toolstack/asinfo.h toolstack/asinfo.c \
	toolstack/load.h toolstack/load.c \
	toolstack/kernel.h toolstack/kernel.c \
	toolstack/image.h toolstack/image.c \
	toolstack/host.h toolstack/host.c toolstack/host-xen.c \
	toolstack/ctx.h toolstack/ctx.c \
	toolstack/backend.h toolstack/backend.c \
	toolstack/shmem-client.h toolstack/shmem-client.c \
	toolstack/monitor.h toolstack/monitor.c \
	toolstack/cmd-util.h toolstack/cmd-util.c \
	toolstack/checks.h toolstack/checks.c \
	toolstack/cmd-check.c toolstack/cmd-create.c toolstack/cmd-destroy.c \
	toolstack/cmd-list.c toolstack/cmd-console.c toolstack/cmd-convert.c \
	toolstack/export.h toolstack/cmd-export.c
toolstack_libqvmxl_a_CPPFLAGS = $(AM_CPPFLAGS) -DQX_LIBEXECDIR='"$(libexecdir)"' \
	$(XENLIGHT_CFLAGS) $(XENTOOLLOG_CFLAGS)
QX_TOOLSTACK_LIBS = toolstack/libqvmxl.a xlate/libxlate.a xlcfg/libxlcfg.a conf/libqvmconf.a \
	$(XLUTIL_LIBS) $(XENLIGHT_LIBS) $(XENTOOLLOG_LIBS) $(LIBFDT_LIBS)

toolstack_qvm_xl_SOURCES = toolstack/qvm-xl.c
toolstack_qvm_xl_CPPFLAGS = $(AM_CPPFLAGS) $(XENLIGHT_CFLAGS)
toolstack_qvm_xl_LDADD = $(QX_TOOLSTACK_LIBS)

# Unit tests: host precedence, reservation and asinfo files, steps, options.
QX_TS_TEST_CPPFLAGS = $(AM_CPPFLAGS) $(XENLIGHT_CFLAGS) $(CMOCKA_CFLAGS)
QX_TS_TEST_LDADD = $(QX_TOOLSTACK_LIBS) $(CMOCKA_LIBS)
check_PROGRAMS += tests/unit/test-host tests/unit/test-toolstack tests/unit/test-kernel \
	tests/unit/test-image
TESTS += tests/unit/test-host tests/unit/test-toolstack tests/unit/test-kernel \
	tests/unit/test-image
tests_unit_test_host_SOURCES = tests/unit/test-host.c
tests_unit_test_host_CPPFLAGS = $(QX_TS_TEST_CPPFLAGS)
tests_unit_test_host_LDADD = $(QX_TS_TEST_LDADD)
tests_unit_test_kernel_SOURCES = tests/unit/test-kernel.c
tests_unit_test_kernel_CPPFLAGS = $(QX_TS_TEST_CPPFLAGS)
tests_unit_test_kernel_LDADD = $(QX_TS_TEST_LDADD)
tests_unit_test_image_SOURCES = tests/unit/test-image.c
tests_unit_test_image_CPPFLAGS = $(QX_TS_TEST_CPPFLAGS)
tests_unit_test_image_LDADD = $(QX_TS_TEST_LDADD)
tests_unit_test_toolstack_SOURCES = tests/unit/test-toolstack.c tests/unit/qx-main.h \
	toolstack/qvm-xl.c
# qvm-xl's main() becomes qx_main() so the test drives whole command lines.
tests_unit_test_toolstack_CPPFLAGS = $(QX_TS_TEST_CPPFLAGS) -Dmain=qx_main \
	-include $(srcdir)/tests/unit/qx-main.h
tests_unit_test_toolstack_LDADD = $(QX_TS_TEST_LDADD)

# Golden tests without a hypervisor: create -n and convert on the examples,
# and the man page against the command table.
TESTS += tests/toolstack/golden.sh tests/toolstack/man-commands.sh \
	tests/toolstack/kernel-format.sh
EXTRA_DIST += tests/toolstack examples

dist_man_MANS += docs/qvm-xl.1

# bash completion of qvm-xl (commands, options, domains, check names, files)
# and the backend's man page.
bashcompletiondir = $(datadir)/bash-completion/completions
dist_bashcompletion_DATA = toolstack/completion/qvm-xl
dist_man_MANS += docs/qvm-xl-backend.8 docs/qvm-xl-shmemd.8

# make installcheck: what `make install` put in place runs and is complete (the
# command, its backend and broker, the four man pages, the completion); DESTDIR is honoured.
installcheck-local:
	'$(DESTDIR)$(bindir)/qvm-xl' --version
	'$(DESTDIR)$(bindir)/qvm-xl' check --syntax-only - </dev/null
	'$(DESTDIR)$(libexecdir)/qvm-xl-backend' --help >/dev/null
	'$(DESTDIR)$(libexecdir)/qvm-xl-shmemd' --help >/dev/null
	test -s '$(DESTDIR)$(mandir)/man1/qvm-xl.1'
	test -s '$(DESTDIR)$(mandir)/man5/qvmconf.5'
	test -s '$(DESTDIR)$(mandir)/man8/qvm-xl-backend.8'
	test -s '$(DESTDIR)$(mandir)/man8/qvm-xl-shmemd.8'
	bash -n '$(DESTDIR)$(bashcompletiondir)/qvm-xl'
	bash -c '. "$(DESTDIR)$(bashcompletiondir)/qvm-xl" && complete -p qvm-xl'
