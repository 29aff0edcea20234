# shellcheck shell=sh
# shellcheck disable=SC2154 # tmpdir and me come from tests/lib/init.sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Sourced by tests/programs/*.test after tests/lib/init.sh.  Each case
# runs one real program three ways under the same Docker-like filter:
#
#   kernel        $KERNEL_RUN --bpf docker.bpf -- CMD       (the reference)
#   sandbox       $SANDBOX_RUN --bpf docker.bpf -- CMD
#   no-prefilter  $SANDBOX_RUN --no-prefilter --bpf docker.bpf -- CMD
#
# and compares stdout, exit status and (normalised) stderr with the kernel
# run's.  Every run happens in a fresh directory of the same path, ./w, so
# paths printed by the programs agree.  A case whose programs are missing
# is skipped and named at the end; the test skips only if no case ran.
#
# Per-case settings (reset after each case_):
#   case_setup   shell text run in ./w, outside any sandbox, before each run
#   case_cleanup shell text run in the scratch directory after each run
#   case_want    the kernel run's exit status: a number, or "fail" for any
#                non-zero one (default 0); anything else fails the test,
#                since two runs failing alike would prove little
#   case_errsed  a sed script applied to stderr before comparing
#   case_err     "no": do not compare stderr
#   case_bpf     filter files in the scratch directory, in stacking order
#                (default docker.bpf)
#
# With PROGRAMS_POLICY=FILE (a .policy) or PROGRAMS_PROFILE=FILE (OCI or
# Docker JSON) in the environment, the default filter is that file
# instead: the kernel run gets it compiled by "sandbox-bpf compile", and
# sandbox-run gets the file itself (--policy, --profile), so that its own
# loading and compiling is what is compared.

for v in SANDBOX_RUN KERNEL_RUN MKFILTER; do
	eval "[ -n \"\${$v:-}\" ]" ||
		skip_ "$v is not set: run the test with make check (see tests/lib/init.sh)"
done
[ -x "$SANDBOX_RUN" ] || skip_ "sandbox-run is not built ($SANDBOX_RUN)"
[ -x "$KERNEL_RUN" ] || framework_failure_ "$KERNEL_RUN is not built"
[ -x "$MKFILTER" ] || framework_failure_ "$MKFILTER is not built"
command -v timeout >/dev/null || framework_failure_ "timeout(1) is missing"
case $tmpdir in
*[!A-Za-z0-9_./-]*) framework_failure_ "the scratch path '$tmpdir' needs quoting" ;;
esac

# PROGRAMS_KEEP=1 keeps the scratch directory, with every run's output.
if [ -n "${PROGRAMS_KEEP:-}" ]; then
	trap 'echo "$me: kept $tmpdir" >&2' EXIT
fi

"$MKFILTER" docker -o docker.bpf || framework_failure_ "mkfilter docker failed"
input_opt=
if [ -n "${PROGRAMS_POLICY:-}" ] || [ -n "${PROGRAMS_PROFILE:-}" ]; then
	[ -x "${SANDBOX_BPF:-}" ] || framework_failure_ "SANDBOX_BPF is not set"
	if [ -n "${PROGRAMS_POLICY:-}" ]; then
		input_opt="--policy $PROGRAMS_POLICY"
		input_file=$PROGRAMS_POLICY
	else
		input_opt="--profile $PROGRAMS_PROFILE"
		input_file=$PROGRAMS_PROFILE
	fi
	case $input_file in
	*[!A-Za-z0-9_./-]*) framework_failure_ "the path '$input_file' needs quoting" ;;
	esac
	"$SANDBOX_BPF" compile -o input.bpf "$input_file" 2>compile.err || {
		cat compile.err >&2
		framework_failure_ "sandbox-bpf compile $input_file failed"
	}
fi

# The system's programs, not a user's wrappers (pyenv shims, ccache...),
# and a home, a git and a locale of our own: the runs must agree, and the
# test also runs as a user that cannot read root's home.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
HOME=$tmpdir/home
mkdir "$HOME" || framework_failure_ "cannot make $HOME"
GIT_CONFIG_NOSYSTEM=1
GIT_CONFIG_GLOBAL=/dev/null
TZ=UTC
export PATH HOME GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL TZ
unset CDPATH ENV BASH_ENV PYTHONPATH PYTHONSTARTUP MAKEFLAGS 2>/dev/null

runners='kernel sandbox no-prefilter'
# One run's limit; a case's three runs and their compare stay well
# inside the test's own.
case_timeout=${PROGRAMS_TIMEOUT:-40}
cases_ran=0
cases_failed=
cases_skipped=

case_reset_() {
	case_setup=
	case_cleanup=
	case_want=0
	case_errsed=
	case_err=yes
	case_bpf=docker.bpf
	[ -n "$input_opt" ] && case_bpf=input.bpf
}
case_reset_

# have_ CASE PROGRAM...: true if every PROGRAM is installed; otherwise
# note CASE as skipped.
have_() {
	have_case=$1
	shift
	for have_p; do
		if ! command -v "$have_p" >/dev/null 2>&1; then
			echo "$have_case: SKIP: $have_p is not installed"
			cases_skipped="$cases_skipped $have_case($have_p)"
			case_reset_
			return 1
		fi
	done
	return 0
}

# run_under_ RUNNER COMMAND [ARG]...: in a subshell, which it replaces, so
# no shell of ours waits for the runner and reports a signal death (with
# a pid) into the output compared.
run_under_() {
	ru_r=$1
	shift
	ru_opts=
	for ru_f in $case_bpf; do
		if [ "$ru_f" = input.bpf ] && [ "$ru_r" != kernel ]; then
			ru_opts="$ru_opts $input_opt"
		else
			ru_opts="$ru_opts --bpf $tmpdir/$ru_f"
		fi
	done
	# shellcheck disable=SC2086 # ru_opts is words (no blanks in tmpdir)
	case $ru_r in
	kernel) set -- "$KERNEL_RUN" $ru_opts -- "$@" ;;
	sandbox) set -- "$SANDBOX_RUN" $ru_opts -- "$@" ;;
	no-prefilter) set -- "$SANDBOX_RUN" --no-prefilter $ru_opts -- "$@" ;;
	*) framework_failure_ "unknown runner $ru_r" ;;
	esac
	exec timeout -k 5 "$case_timeout" "$@"
}

# differs_ CASE RUNNER WHAT: the RUNNER run of CASE gave another WHAT
# than the kernel run.
differs_() {
	echo "$1: FAIL: $3 under $2 differs from the kernel run's:" >&2
	diff -u "$1.kernel.$3" "$1.$2.$3" >&2
	cases_failed="$cases_failed $1($2:$3)"
}

# case_ CASE COMMAND [ARG]...: run COMMAND the three ways and compare.
case_() {
	c_name=$1
	shift
	for c_r in $runners; do
		rm -rf w
		mkdir w || framework_failure_ "$c_name: cannot make w"
		if [ -n "$case_setup" ]; then
			(cd w && eval "$case_setup") >setup.log 2>&1 || {
				cat setup.log >&2
				framework_failure_ "$c_name: setup failed"
			}
		fi
		c_rc=0
		(cd w && run_under_ "$c_r" "$@") </dev/null \
			>"$c_name.$c_r.out" 2>"$c_name.$c_r.rawerr" || c_rc=$?
		echo "$c_rc" >"$c_name.$c_r.status"
		if [ -n "$case_errsed" ]; then
			sed -e "$case_errsed" "$c_name.$c_r.rawerr"
		else
			cat "$c_name.$c_r.rawerr"
		fi >"$c_name.$c_r.err"
		if [ -n "$case_cleanup" ]; then
			eval "$case_cleanup" >/dev/null 2>&1
		fi
		rm -rf w
	done
	cases_ran=$((cases_ran + 1))

	read -r c_rc <"$c_name.kernel.status"
	case $case_want in
	fail) [ "$c_rc" -ne 0 ] ;;
	*) [ "$c_rc" -eq "$case_want" ] ;;
	esac || {
		echo "$c_name: FAIL: under the kernel filter it exited $c_rc, not $case_want" >&2
		echo "--- stdout:" >&2
		cat "$c_name.kernel.out" >&2
		echo "--- stderr:" >&2
		cat "$c_name.kernel.rawerr" >&2
		cases_failed="$cases_failed $c_name(kernel)"
	}
	c_bad=$cases_failed
	for c_r in $runners; do
		[ "$c_r" = kernel ] && continue
		cmp -s "$c_name.kernel.status" "$c_name.$c_r.status" ||
			differs_ "$c_name" "$c_r" status
		cmp -s "$c_name.kernel.out" "$c_name.$c_r.out" ||
			differs_ "$c_name" "$c_r" out
		[ "$case_err" = no ] ||
			cmp -s "$c_name.kernel.err" "$c_name.$c_r.err" ||
			differs_ "$c_name" "$c_r" err
	done
	[ "$c_bad" = "$cases_failed" ] && echo "$c_name: ok (exit $c_rc)"
	case_reset_
}

# finish_: the test's verdict.
finish_() {
	[ -n "$cases_skipped" ] && echo "skipped cases:$cases_skipped"
	[ -z "$cases_failed" ] || fail_ "failed:$cases_failed"
	[ "$cases_ran" -gt 0 ] || skip_ "no case could run:$cases_skipped"
	exit 0
}
