#!/bin/sh
# Run a test program, under valgrind's memcheck when VALGRIND=1.
# Check's fork mode is turned off there so valgrind sees every test.
if [ "${VALGRIND:-0}" = 1 ]; then
	CK_FORK=no
	export CK_FORK
	exec valgrind --quiet --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --track-origins=yes "$@"
fi
exec "$@"
