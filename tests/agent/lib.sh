# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Sourced by tests/agent/*.test after tests/lib/init.sh (so the test runs
# in its scratch directory, $tmpdir).  It skips the test until sandbox-run
# is built, writes notify.policy (getppid: notify, all else allowed: the
# probe's notified call), and defines:
#
#   policy FILE [LINE]...	notify.policy plus LINEs, in FILE
#   kernel_run NAME [AGENT-OPTION]... -- TARGET-ARG...
#	the probe under a kernel listener served by the test agent: output
#	in NAME.out, NAME.err, the agent's log in NAME.log, exit status in
#	$rc; 77 when the kernel cannot (no such filter flag)
#   agent_bg NAME [AGENT-OPTION]...
#	a test agent on ./sock in the background, its log in NAME.log; its
#	pid is $!
#   sbx_run NAME MODE POLICY [SANDBOX-RUN-OPTION]... -- TARGET-ARG...
#	the probe under sandbox-run in MODE ("default" or "no-prefilter")
#	with agents on ./sock: output in NAME.out, NAME.err, exit status in
#	$rc.  It runs in a session of its own (setsid) and under a time
#	limit, so that a hung supervisor fails the run instead of the test.
#   sbx_bg NAME MODE POLICY [SANDBOX-RUN-OPTION]... -- TARGET-ARG...
#	the same in the background; its pid is $!
#   reap PID WHAT	wait (10 s at most) for the agent or run PID; its
#			exit status in $rc; a run that does not end fails
#   wait_for FILE WHAT	wait (20 s at most) for FILE to exist, or fail
#   clean_log LOG WHAT	fail if the agent's LOG has a FAIL line
#   clean_out OUT WHAT	fail if the probe's OUT has a FAIL line
#   same_as EXPECTED ACTUAL WHAT  fail unless the two outputs are equal
#   versus_kernel WHAT [AGENT-OPTION]... -- TARGET-ARG...
#	the probe under a kernel listener, then under sandbox-run (policy
#	$vk_policy, default notify.policy) in each mode with one agent:
#	every run must exit 0 and print no FAIL, and each sandbox-run run
#	must print what the kernel run printed
#   failed WHAT		count a failure
#   passed WHAT		say that one run passed
#   finish_		exit: fail if anything failed
#
# Every run is listed on stdout (PASS, FAIL, SKIP), so the test's .log
# says what failed and shows the outputs that tell why.

[ -x "${SANDBOX_RUN:-}" ] || skip_ "sandbox-run is not built"
agent=$abs_top_builddir/tests/agent/agent
target=$abs_top_builddir/tests/agent/target
[ -x "$agent" ] || framework_failure_ "$agent is not built"
[ -x "$target" ] || framework_failure_ "$target is not built"
command -v setsid >/dev/null 2>&1 || skip_ "setsid(1) is missing"
command -v timeout >/dev/null 2>&1 || skip_ "timeout(1) is missing"

# Each run's bound.  Agents give up after 55 s themselves (SIGALRM).
limit=${SANDBOXD_AGENT_TIMEOUT:-40}
modes="default no-prefilter"
n_fail=0
sock=$tmpdir/sock
# a unix socket's path has room for 107 bytes; listener.sock is the longest
[ ${#tmpdir} -le 90 ] || skip_ "the scratch directory's path is too long for a unix socket: $tmpdir"

policy() {
	p_file=$1
	shift
	{
		echo "default allow"
		echo "getppid: notify"
		for p_line; do
			echo "$p_line"
		done
	} >"$p_file"
}
policy notify.policy

failed() {
	n_fail=$((n_fail + 1))
	echo "FAIL: $*"
}

passed() {
	echo "PASS: $*"
}

# show FILE...: the files, indented, for the log.
show() {
	for s_f; do
		[ -s "$s_f" ] || continue
		echo "  --- $s_f:"
		sed 's/^/  | /' "$s_f"
	done
}

kernel_run() {
	k_name=$1
	shift
	k_opts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		k_opts="$k_opts $1"
		shift
	done
	shift
	rc=0
	# shellcheck disable=SC2086 # options are single words
	timeout -k 2 "$limit" "$agent" -o "$k_name.log" $k_opts -k -- \
		"$target" "$@" >"$k_name.out" 2>"$k_name.err" || rc=$?
}

agent_bg() {
	a_name=$1
	shift
	"$agent" -o "$a_name.log" -s "$sock" "$@" &
}

sbx_run() {
	s_name=$1
	s_mode=$2
	s_policy=$3
	shift 3
	set -- --policy "$s_policy" --agent-socket "$sock" "$@"
	[ "$s_mode" = no-prefilter ] && set -- --no-prefilter "$@"
	rc=0
	timeout -k 2 "$limit" setsid -w "$SANDBOX_RUN" "$@" \
		>"$s_name.out" 2>"$s_name.err" || rc=$?
}

sbx_bg() {
	s_name=$1
	s_mode=$2
	s_policy=$3
	shift 3
	set -- --policy "$s_policy" --agent-socket "$sock" "$@"
	[ "$s_mode" = no-prefilter ] && set -- --no-prefilter "$@"
	timeout -k 2 "$limit" setsid -w "$SANDBOX_RUN" "$@" \
		>"$s_name.out" 2>"$s_name.err" &
}

# running PID: PID exists and is not a zombie.
running() {
	r_state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' \
		"/proc/$1/status" 2>/dev/null)
	[ -n "$r_state" ] && [ "$r_state" != Z ]
}

reap() {
	r_i=0
	while running "$1"; do
		if [ $r_i -ge 100 ]; then
			failed "$2: did not end within 10 s"
			kill -KILL "$1" 2>/dev/null
			break
		fi
		sleep 0.1
		r_i=$((r_i + 1))
	done
	rc=0
	wait "$1" || rc=$?
}

wait_for() {
	w_i=0
	while [ ! -e "$1" ]; do
		if [ $w_i -ge 200 ]; then
			failed "$2: $1 did not appear within 20 s"
			return 1
		fi
		sleep 0.1
		w_i=$((w_i + 1))
	done
	return 0
}

clean_log() {
	if grep -q '^FAIL' "$1" 2>/dev/null; then
		failed "$2: the agent found the protocol broken"
		grep '^FAIL' "$1" | sed "s|^|  $1: |"
		return 1
	fi
	return 0
}

clean_out() {
	if grep -q '^FAIL' "$1" 2>/dev/null; then
		failed "$2: the probe found its expectations broken"
		grep '^FAIL' "$1" | sed "s|^|  $1: |"
		return 1
	fi
	return 0
}

same_as() {
	if ! diff -u "$1" "$2" >diff.out 2>&1; then
		failed "$3: not what the kernel does"
		show diff.out
		return 1
	fi
	return 0
}

vk_policy=notify.policy
versus_kernel() {
	vk_what=$1
	shift
	vk_opts=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		vk_opts="$vk_opts $1"
		shift
	done
	shift
	vk_kernel=
	# vk_no_kernel: only sandbox-run runs, the probe's own checks decide
	if [ -n "${vk_no_kernel:-}" ]; then
		rc=skipped
	else
		# shellcheck disable=SC2086 # options are single words
		kernel_run kernel $vk_opts -- "$@"
	fi
	case $rc in
	skipped) ;;
	0)
		if clean_out kernel.out "$vk_what under the kernel" &&
			clean_log kernel.log "$vk_what under the kernel"; then
			vk_kernel=1
			passed "$vk_what under the kernel"
		fi
		;;
	77) echo "SKIP: $vk_what under the kernel: $(cat kernel.log)" ;;
	*)
		failed "$vk_what under the kernel: exit $rc"
		show kernel.out kernel.err kernel.log
		;;
	esac
	for vk_mode in $modes; do
		rm -f "$sock"
		# shellcheck disable=SC2086
		agent_bg "$vk_mode" $vk_opts
		vk_agent=$!
		sbx_run "$vk_mode" "$vk_mode" "$vk_policy" -- "$target" "$@"
		vk_rc=$rc
		reap "$vk_agent" "the agent ($vk_mode)"
		vk_ok=1
		if [ "$vk_rc" -ne 0 ]; then
			failed "$vk_what ($vk_mode): exit $vk_rc"
			vk_ok=
		fi
		if [ "$rc" -ne 0 ]; then
			failed "$vk_what ($vk_mode): the agent exited $rc"
			vk_ok=
		fi
		clean_out "$vk_mode.out" "$vk_what ($vk_mode)" || vk_ok=
		clean_log "$vk_mode.log" "$vk_what ($vk_mode)" || vk_ok=
		if [ -n "$vk_kernel" ]; then
			same_as kernel.out "$vk_mode.out" "$vk_what ($vk_mode)" ||
				vk_ok=
		fi
		if [ -n "$vk_ok" ]; then
			passed "$vk_what ($vk_mode)"
		else
			show "$vk_mode.out" "$vk_mode.err" "$vk_mode.log"
		fi
	done
}

finish_() {
	[ "$n_fail" -eq 0 ] || fail_ "$n_fail failures (see above)"
	exit 0
}
