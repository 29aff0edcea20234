# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Sourced by tests/hardening/*.test after tests/lib/init.sh (so the test
# already runs in its scratch directory).  It skips the test until
# sandbox-run is built, writes deny.bpf (getppid fails with EPERM: the
# call the probe uses to see that a task is still confined), and defines:
#
#   attempt LABEL MODE [OPTION]... -- PROBE-ARG...
#	run the probe (tests/hardening/escape) under sandbox-run in MODE
#	("default" or "no-prefilter") with OPTIONs, and count the run as
#	passed (exit 0, "done", no ESCAPE or BROKEN line), skipped (exit 77)
#	or failed, showing the probe's output when it failed.  sandbox-run
#	runs in a session of its own (setsid), so a group signal that gets
#	through reaches nothing but it and the probe, and under a time limit,
#	so a stopped supervisor fails the run instead of hanging the test.
#	With wrap=sh, a shell leads that session and runs sandbox-run (the
#	shell then leads the supervisor's process group, as an interactive
#	pipeline's first command would).
#   failed WHAT	  count a failure found by the test itself
#   finish_	  exit: fail if any run failed, skip if all were skipped
#   survivors PID...  print the PIDs still running after a grace of 2 s
#   reap_stray PID    kill PID if it is a probe that outlived its run
#
# Every run is listed on stdout (PASS, SKIP, FAIL), so the test's .log
# says which escape got out, and how.

[ -x "${SANDBOX_RUN:-}" ] || skip_ "sandbox-run is not built"
escape=$abs_top_builddir/tests/hardening/escape
[ -x "$escape" ] || framework_failure_ "$escape is not built"
command -v setsid >/dev/null 2>&1 || skip_ "setsid(1) is missing"
command -v timeout >/dev/null 2>&1 || skip_ "timeout(1) is missing"
: "${MKFILTER:?is not set: run the test with make check}"

# Each run's bound; the probe gives up after 20 s itself (SIGALRM), so a
# hang inside it shows as such.  And the whole test's: runs that hang get
# what is left of it, at least 2 s, so a test of many runs stays bounded.
limit=${SANDBOXD_ESCAPE_TIMEOUT:-25}
budget=${SANDBOXD_ESCAPE_BUDGET:-25}
t_start=$(date +%s)
modes="default no-prefilter"
wrap=
n_pass=0
n_skip=0
n_fail=0

"$MKFILTER" deny getppid -o deny.bpf || framework_failure_ "mkfilter failed"

# describe STATUS: what an exit status of a run means.
describe() {
	case $1 in
	124 | 137)
		if [ "$1" -eq 124 ]; then
			echo "timed out: a stopped or hung supervisor?"
		else
			echo "died of SIGKILL: the supervisor was killed (its targets with it), or it re-raised the probe's SIGKILL"
		fi
		;;
	142) echo "SIGALRM: the probe hung" ;;
	*)
		if [ "$1" -gt 128 ]; then
			echo "died of signal $(($1 - 128)): the supervisor was killed by it, or it re-raised the probe's death"
		else
			echo "exit $1"
		fi
		;;
	esac
}

# judge WHAT STATUS: count the run whose output is in ./out and ./err.
judge() {
	if [ "$2" -eq 77 ]; then
		n_skip=$((n_skip + 1))
		echo "SKIP: $1: $(sed -n 's/^skip: //p' out)"
		return 0
	fi
	if [ "$2" -eq 0 ] && grep -qx 'done' out &&
		! grep -q -e '^ESCAPE' -e '^BROKEN' out; then
		n_pass=$((n_pass + 1))
		echo "PASS: $1"
		sed -n 's/^note: /  note: /p' out
		return 0
	fi
	n_fail=$((n_fail + 1))
	echo "FAIL: $1: $(describe "$2")"
	grep -v '^ok: ' out | sed 's/^/  | /'
	sed 's/^/  stderr| /' err
	return 1
}

attempt() {
	a_label=$1
	a_mode=$2
	shift 2
	if [ "$a_mode" = no-prefilter ]; then
		set -- --no-prefilter "$@"
	fi
	a_rc=0
	a_limit=$((t_start + budget - $(date +%s)))
	[ "$a_limit" -le "$limit" ] || a_limit=$limit
	if [ "$a_limit" -lt 2 ]; then
		failed "$a_label ($a_mode): not run, the test is out of time"
		return 1
	fi
	if [ "$wrap" = sh ]; then
		# shellcheck disable=SC2016 # the inner shell expands them
		timeout -k 2 "$a_limit" setsid -w sh -c \
			'"$@"; rc=$?; exit $rc' sh "$SANDBOX_RUN" "$@" \
			>out 2>err || a_rc=$?
	else
		timeout -k 2 "$a_limit" setsid -w "$SANDBOX_RUN" "$@" \
			>out 2>err || a_rc=$?
	fi
	judge "$a_label ($a_mode)" "$a_rc"
}

failed() {
	n_fail=$((n_fail + 1))
	echo "FAIL: $*"
}

finish_() {
	if [ "$n_fail" -ne 0 ]; then
		fail_ "$n_fail of $((n_pass + n_skip + n_fail)) runs failed (see above)"
	fi
	[ "$n_pass" -gt 0 ] || skip_ "every run was skipped"
	exit 0
}

# running PID: PID exists and is not a zombie.
running() {
	r_state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' \
		"/proc/$1/status" 2>/dev/null)
	[ -n "$r_state" ] && [ "$r_state" != Z ]
}

# survivors PID...: wait up to 2 s for every PID to be gone (or a zombie
# nobody reaped yet), then print those still running.
survivors() {
	s_i=0
	while [ $s_i -lt 20 ]; do
		s_any=
		for s_pid; do
			running "$s_pid" && s_any=1 && break
		done
		[ -n "$s_any" ] || return 0
		sleep 0.1
		s_i=$((s_i + 1))
	done
	for s_pid; do
		running "$s_pid" && echo "$s_pid"
	done
	return 0
}

# reap_stray PID: kill PID if it is a probe that outlived its run.
reap_stray() {
	if tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q escape; then
		kill -KILL "$1" 2>/dev/null
	fi
}
