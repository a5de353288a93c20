# toolstack/local.mk: the qvm-xl command. Each command is toolstack/cmd-NAME.c
# plus one row in toolstack/commands.def; add the file to the list below.
bin_PROGRAMS += toolstack/qvm-xl
toolstack_qvm_xl_SOURCES = \
	toolstack/qvm-xl.c toolstack/qvm-xl.h toolstack/commands.def \
	toolstack/cmd-check.c
toolstack_qvm_xl_LDADD = conf/libqvmconf.a
