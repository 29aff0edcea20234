#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the tests that confine targets with sandbox-run again, as an
# unprivileged user: sandbox-run's users are ordinary users, and root's
# CAP_SYS_PTRACE hides mistakes they would hit.
#
# usage: scripts/unpriv-tests.sh [USER]
#
# Run as root after scripts/build.sh.  USER (default sandboxd-ci) is
# created as a system user if it does not exist.  The build and the tests
# are copied to a scratch directory the user can read, since the checkout
# may sit where it cannot; the programs linked with libsandbox-notify find
# its copy there through LD_LIBRARY_PATH.  Exit status: 0 when every test
# passed or skipped, 1 otherwise.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
user=${1:-sandboxd-ci}

if [ "$(id -u)" -ne 0 ]; then
	echo "unpriv-tests.sh: run as root (it switches to $user)" >&2
	exit 1
fi
if ! id "$user" >/dev/null 2>&1; then
	useradd --system --no-create-home --shell /usr/sbin/nologin "$user" || {
		echo "unpriv-tests.sh: cannot create user $user" >&2
		exit 1
	}
fi
tests=$(cd "$top/build" && make -s print-tracer-tests) || exit 1
xfail=" $(cd "$top/build" && make -s print-xfail-tests) "

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
chmod 755 "$scratch"
cp -a "$top/build" "$scratch/build"
mkdir "$scratch/src"
cp -a "$top/tests" "$top/examples" "$top/man" "$top/policies" "$scratch/src/"
chmod -R a+rX "$scratch"

failed=0
for t in $tests; do
	case $t in
	*.test) cmd="sh $scratch/src/$t" ;;
	*) cmd="$scratch/build/$t" ;;
	esac
	rc=0
	(cd /tmp && env abs_top_srcdir="$scratch/src" \
		abs_top_builddir="$scratch/build" srcdir="$scratch/src" \
		SANDBOX_RUN="$scratch/build/sandbox-run" \
		SANDBOX_BPF="$scratch/build/sandbox-bpf" \
		KERNEL_RUN="$scratch/build/tests/bin/kernel-run" \
		MKFILTER="$scratch/build/tests/bin/mkfilter" \
		LD_LIBRARY_PATH="$scratch/build/src/notify/.libs" \
		setpriv --reuid="$user" --regid="$(id -g "$user")" --clear-groups \
		"$scratch/src/tests/lib/run-with-timeout" $cmd) >"$scratch/out" 2>&1 ||
		rc=$?
	case "$xfail" in
	*" $t "*)
		# expected to fail, as make check expects it
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
			echo "XFAIL (as $user): $t"
			continue
		fi
		[ "$rc" -eq 0 ] && {
			echo "XPASS (as $user): $t: expected to fail"
			failed=1
			continue
		}
		;;
	esac
	case $rc in
	0) echo "PASS (as $user): $t" ;;
	77) echo "SKIP (as $user): $t" ;;
	*)
		echo "FAIL (as $user): $t (exit $rc)"
		sed 's/^/  | /' "$scratch/out"
		failed=1
		;;
	esac
done
exit $failed
