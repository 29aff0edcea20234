# shellcheck shell=sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Sourced by tests/daemon/*.test after tests/lib/init.sh (so the test runs
# in its scratch directory, $tmpdir).  These tests start the real sandboxd
# as root, with a configuration, policy folder and control socket of their
# own in $tmpdir, and run clients as the unprivileged user $dt_user.  It
# skips the test unless it runs as root and sandboxd is built, and defines:
#
#   dt_policy NAME LINE...	write $dt_policies/NAME.policy
#   dt_start [CONF-LINE]...	start sandboxd (pid $dt_pid) with those
#				sandboxd.conf lines too (each replaces the
#				default of its directive); wait for its socket
#				and its spare session
#   dt_stop			SIGTERM it and wait (10 s at most); its exit
#				status in $rc
#   dt_as COMMAND [ARG]...	run COMMAND as $dt_user (gid $dt_gid,
#				groups $dt_groups)
#   dt_run NAME POLICY [OPTION]... -- COMMAND [ARG]...
#				sandbox-run --connect as $dt_user: output
#				in NAME.out, NAME.err, exit status in $rc
#   dt_wait_for FILE WHAT	wait (20 s at most) for FILE to exist
#   dt_gone PID WHAT		wait (10 s at most) for PID to be gone
#   dt_sessions PID		PID's children but the spare session that
#				sandboxd forks ahead of time: "PID ARGS"
#				a line
#
# $dt_sock is the control socket, $dt_events the event log (JSON lines),
# $dt_err sandboxd's standard error, $dt_bin a folder $dt_user can read
# with copies of sandbox-run and sandboxd.

[ "$(id -u)" -eq 0 ] || skip_ "sandboxd runs as root; this test needs root"
SANDBOXD=${SANDBOXD:-$abs_top_builddir/sandboxd}
[ -x "$SANDBOXD" ] || skip_ "sandboxd is not built"
[ -x "${SANDBOX_RUN:-}" ] || skip_ "sandbox-run is not built"
command -v setpriv >/dev/null 2>&1 || skip_ "setpriv(1) is missing"
command -v timeout >/dev/null 2>&1 || skip_ "timeout(1) is missing"

dt_user=nobody
dt_gid=$(id -g nobody) || framework_failure_ "no user nobody"
dt_groups=4242,4343
# a unix socket's path has room for 107 bytes
[ ${#tmpdir} -le 90 ] || skip_ "the scratch directory's path is too long for a unix socket: $tmpdir"
chmod 755 "$tmpdir"
dt_sock=$tmpdir/control.sock
dt_policies=$tmpdir/policies
dt_events=$tmpdir/events.log
dt_err=$tmpdir/sandboxd.err
dt_bin=$tmpdir/bin
dt_pid=
mkdir "$dt_policies" "$dt_bin" || framework_failure_ "mkdir"
cp "$SANDBOX_RUN" "$SANDBOXD" "$dt_bin/" || framework_failure_ "cp"
chmod -R a+rX "$tmpdir"
limit=${SANDBOXD_DAEMON_TIMEOUT:-40}

# Never leave a daemon behind, whatever the test did.
trap 'dt_kill; cd / && rm -rf "$tmpdir"' EXIT

dt_kill() {
	if [ -n "$dt_pid" ] && kill -0 "$dt_pid" 2>/dev/null; then
		kill -KILL "$dt_pid" 2>/dev/null
		wait "$dt_pid" 2>/dev/null
	fi
	dt_pid=
}

dt_policy() {
	p_name=$1
	shift
	printf '%s\n' "$@" >"$dt_policies/$p_name.policy" ||
		framework_failure_ "cannot write policy $p_name"
}

dt_wait_for() {
	w_n=0
	while [ ! -e "$1" ]; do
		w_n=$((w_n + 1))
		[ "$w_n" -le 200 ] || fail_ "$2: $1 did not appear"
		sleep 0.1
	done
}

dt_gone() {
	g_n=0
	while kill -0 "$1" 2>/dev/null; do
		g_n=$((g_n + 1))
		[ "$g_n" -le 100 ] || fail_ "$2: process $1 is still there"
		sleep 0.1
	done
}

dt_sessions() {
	ps --ppid "$1" -o pid=,args= 2>/dev/null |
		grep -v ' sandboxd: spare session' || true
}

dt_start() {
	{
		for d in "control-socket $dt_sock" "policy-dir $dt_policies" \
			"pidfile none" "log $dt_events" "stop-timeout 5"; do
			# a line given replaces the default of its directive
			case " $* " in
			*" ${d%% *} "*) ;;
			*) echo "$d" ;;
			esac
		done
		for l in "$@"; do
			echo "$l"
		done
	} >"$tmpdir/sandboxd.conf"
	rm -f "$dt_sock"
	"$SANDBOXD" --config "$tmpdir/sandboxd.conf" 2>>"$dt_err" &
	dt_pid=$!
	dt_wait_for "$dt_sock" "sandboxd's control socket"
	# settled: the spare session is there, its fds counted
	s_n=0
	until ps --ppid "$dt_pid" -o args= 2>/dev/null |
		grep -q '^sandboxd: spare session'; do
		s_n=$((s_n + 1))
		[ "$s_n" -le 100 ] || fail_ "sandboxd forked no spare session"
		sleep 0.1
	done
}

dt_stop() {
	rc=0
	[ -n "$dt_pid" ] || return 0
	kill -TERM "$dt_pid"
	s_n=0
	while kill -0 "$dt_pid" 2>/dev/null; do
		s_n=$((s_n + 1))
		if [ "$s_n" -gt 100 ]; then
			cat "$dt_err" >&2
			fail_ "sandboxd did not stop within 10 s of SIGTERM"
		fi
		sleep 0.1
	done
	wait "$dt_pid"
	rc=$?
	dt_pid=
}

dt_as() {
	setpriv --reuid="$dt_user" --regid="$dt_gid" --groups="$dt_groups" \
		--inh-caps=-all -- "$@"
}

dt_run() {
	r_name=$1
	r_policy=$2
	shift 2
	rc=0
	(cd "$tmpdir" && dt_as timeout -s KILL "$limit" \
		"$dt_bin/sandbox-run" --connect "$dt_sock" --policy "$r_policy" \
		"$@") >"$r_name.out" 2>"$r_name.err" || rc=$?
}
