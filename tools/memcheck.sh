#!/bin/sh
# Runs a test under valgrind memcheck (bazel test --config=valgrind).
# Any memory error or leak makes the test fail.
here=$(dirname "$0")
exec valgrind \
	--quiet \
	--error-exitcode=1 \
	--leak-check=full \
	--show-leak-kinds=definite,indirect,possible \
	--errors-for-leak-kinds=definite,indirect,possible \
	--track-origins=yes \
	--suppressions="$here/memcheck.supp" \
	"$@"
