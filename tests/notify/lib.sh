# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Sourced by tests/notify/*.test after tests/lib/init.sh (so the test
# already runs in its scratch directory).  It defines:
#
#   compare SCENARIO...
#	for each scenario of notify-probe: run it against the kernel and
#	check that transcript against tests/notify/expected/SCENARIO.txt,
#	which holds what the kernel's selftests expect; then run it under
#	sandbox-run, with the kernel prefilter and without it, and check
#	each transcript against the kernel's.  A scenario the kernel side
#	cannot run here (exit 77: no user namespaces, say) is skipped.
#   finish_
#	exit: fail if any run failed, skip if every scenario was skipped.
#
# Every run is listed on stdout (PASS, SKIP, FAIL), and a failed one shows
# its difference and the probe's standard error, so the test's .log says
# which behaviour differs from the kernel's, and how.

probe=$abs_top_builddir/tests/notify/notify-probe
expected=$abs_top_srcdir/tests/notify/expected
[ -x "$probe" ] || framework_failure_ "$probe is not built"
[ -x "${SANDBOX_RUN:-}" ] || skip_ "sandbox-run is not built"
command -v timeout >/dev/null 2>&1 || skip_ "timeout(1) is missing"

# Each run's bound: the probe gives up after 20 s itself and says where.
limit=${SANDBOXD_NOTIFY_TIMEOUT:-30}
# The probe's files (the filter, the agent socket) go into the scratch
# directory, which goes away with the test even when a run is killed.
TMPDIR=$tmpdir
export TMPDIR
n_pass=0
n_skip=0
n_fail=0

# probe_run OUT ARG...: run the probe, output in OUT and OUT.err; its exit
# status in $rc.
probe_run() {
	probe_out=$1
	shift
	rc=0
	timeout -k 2 "$limit" "$probe" "$@" >"$probe_out" 2>"$probe_out.err" ||
		rc=$?
}

# show WHAT FILE...: a failed run's files, in the log.
show() {
	show_what=$1
	shift
	echo "FAIL: $show_what"
	for show_f in "$@"; do
		[ -s "$show_f" ] || continue
		echo "  --- $show_f:"
		sed 's/^/  | /' "$show_f"
	done
	n_fail=$((n_fail + 1))
}

compare() {
	for s in "$@"; do
		[ -f "$expected/$s.txt" ] ||
			framework_failure_ "no expected transcript for $s"
		probe_run "$s.kernel" kernel "$s"
		case $rc in
		0) ;;
		77)
			echo "SKIP: $s: $(sed -n 's/^A skip: //p' "$s.kernel")"
			n_skip=$((n_skip + 1))
			continue
			;;
		*)
			show "$s against the kernel: exit $rc" "$s.kernel" \
				"$s.kernel.err"
			continue
			;;
		esac
		if ! diff -u "$expected/$s.txt" "$s.kernel" >"$s.kernel.diff"; then
			show "$s: the kernel did not do what its selftests expect" \
				"$s.kernel.diff" "$s.kernel.err"
			continue
		fi
		for m in default no-prefilter; do
			if [ "$m" = default ]; then
				probe_run "$s.$m" sandbox "$s"
			else
				probe_run "$s.$m" sandbox "$s" --no-prefilter
			fi
			if diff -u "$s.kernel" "$s.$m" >"$s.$m.diff" &&
				[ "$rc" -eq 0 ]; then
				echo "PASS: $s ($m)"
				n_pass=$((n_pass + 1))
			else
				show "$s ($m): exit $rc; the difference from the kernel:" \
					"$s.$m.diff" "$s.$m.err"
			fi
		done
	done
}

finish_() {
	[ "$n_fail" -eq 0 ] || fail_ "$n_fail runs differ from the kernel's"
	[ "$n_pass" -gt 0 ] || skip_ "every scenario was skipped"
	exit 0
}
