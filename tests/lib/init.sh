# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Sourced by every shell test (tests/integration/*.test, man/*.test).
# It moves the test into a scratch directory of its own, which is removed
# on exit, and defines the functions below.  `make check` exports
# abs_top_srcdir, abs_top_builddir and SANDBOX_BPF; to run a test by hand,
# export them the same way:
#
#   abs_top_srcdir=$PWD abs_top_builddir=$PWD/build \
#   SANDBOX_BPF=$PWD/build/sandbox-bpf sh tests/integration/sim.test
#
# Exit statuses follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

set -u

me=${0##*/}
me=${me%.test}

# fail_ MESSAGE: the test failed.
fail_() {
	printf '%s: FAIL: %s\n' "$me" "$*" >&2
	exit 1
}

# skip_ REASON: the test cannot run here.
skip_() {
	printf '%s: SKIP: %s\n' "$me" "$*" >&2
	exit 77
}

# framework_failure_ MESSAGE: the test could not be set up.
framework_failure_() {
	printf '%s: ERROR: %s\n' "$me" "$*" >&2
	exit 99
}

# match_diff EXPECTED ACTUAL [WHAT]: fail, showing the difference, unless
# the two files are the same.
match_diff() {
	diff -u -- "$1" "$2" >&2 || fail_ "${3:-$2 differs from $1}"
}

# match_text ACTUAL TEXT [WHAT]: like match_diff, against TEXT and a newline.
match_text() {
	printf '%s\n' "$2" >expected.txt
	match_diff expected.txt "$1" "${3:-}"
}

# run_ STATUS COMMAND [ARG]...: run COMMAND with its standard output in
# ./out and its standard error in ./err, and fail unless it exits STATUS.
run_() {
	run_want=$1
	shift
	"$@" >out 2>err
	run_got=$?
	if [ "$run_got" -ne "$run_want" ]; then
		echo "--- stdout:" >&2
		cat out >&2
		echo "--- stderr:" >&2
		cat err >&2
		fail_ "exit status $run_got, not $run_want: $*"
	fi
}

# bpf_ STATUS ARG...: run_ on sandbox-bpf.
bpf_() {
	bpf_want=$1
	shift
	run_ "$bpf_want" "$SANDBOX_BPF" "$@"
}

# asm_ OUT TEXT: assemble TEXT (printf %b escapes allowed) into OUT,
# whether or not the kernel would take the result.
asm_() {
	printf '%b' "$2" >asm-src.txt
	"$SANDBOX_BPF" asm asm-src.txt -o "$1" 2>asm-err ||
		{ cat asm-err >&2; framework_failure_ "cannot assemble $1"; }
}

# swap_records IN OUT: the raw filter IN with each record in the other
# byte order (code and k swapped, jt and jf kept).
swap_records() {
	od -An -v -tx1 "$1" | awk '
		function oct(h,   d) {
			d = (index("0123456789abcdef", substr(h, 1, 1)) - 1) * 16
			d += index("0123456789abcdef", substr(h, 2, 1)) - 1
			return sprintf("\\%03o", d)
		}
		{ for (i = 1; i <= NF; i++) b[n++] = $i }
		END {
			for (i = 0; i + 7 < n; i += 8)
				printf "%s%s%s%s%s%s%s%s", oct(b[i + 1]),
					oct(b[i]), oct(b[i + 2]), oct(b[i + 3]),
					oct(b[i + 7]), oct(b[i + 6]),
					oct(b[i + 5]), oct(b[i + 4])
		}' >swap-fmt || framework_failure_ "swap_records $1"
	# shellcheck disable=SC2059 # the escapes are the point
	printf "$(cat swap-fmt)" >"$2"
}

: "${abs_top_srcdir:?is not set: run the test with make check (see tests/lib/init.sh)}"
: "${SANDBOX_BPF:?is not set: run the test with make check (see tests/lib/init.sh)}"
[ -x "$SANDBOX_BPF" ] || framework_failure_ "$SANDBOX_BPF is not built"

srcdir=$abs_top_srcdir
datadir=$srcdir/tests/data/integration
examplesdir=$srcdir/examples

# The scratch directory, so a test depends on no current directory.
tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/sandboxd-$me.XXXXXX") ||
	framework_failure_ "mktemp failed"
trap 'cd / && rm -rf "$tmpdir"' EXIT
trap 'exit 1' HUP INT TERM
cd "$tmpdir" || framework_failure_ "cannot enter $tmpdir"

# Messages the tests compare must not depend on the user's locale.
LC_ALL=C
export LC_ALL
