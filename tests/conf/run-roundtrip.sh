#!/bin/sh
# The roundtrip mode of the qvmconf corpus tests (see run-good.sh).
exec sh "$(dirname "$0")/run-good.sh" roundtrip
