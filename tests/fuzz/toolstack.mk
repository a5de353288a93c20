# tests/fuzz: libFuzzer targets of the toolstack's own input files (the host
# reservation file and the asinfo host description); see local.mk for the pattern.
