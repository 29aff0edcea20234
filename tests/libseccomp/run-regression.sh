#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Run libseccomp 2.5.4's own regression suite (test types bpf-sim and
# bpf-sim-fuzz) with `sandbox-bpf sim` in place of libseccomp's
# scmp_bpf_sim.  libseccomp is fetched with `apt-get source` and built in
# a scratch directory; nothing of it enters this tree.  See README.md.

set -u
set -o pipefail

prog=${0##*/}

# What libseccomp 2.5.4's suite runs on an x86_64 host.  A run that does
# fewer cases than this fails, so a suite that shrinks cannot pass.
lsc_version=2.5.4
pin_arch=x86_64
pin_sim=7562
pin_skipped=35
pin_fuzz=1000
# Bump when the way the test kit is built changes; stale caches rebuild.
kit_format=1

usage() {
	cat <<EOF
usage: $prog [options] SANDBOX_BPF
       $prog [options] --stock

Build libseccomp $lsc_version's regression suite from Debian's source
package and run its bpf-sim and bpf-sim-fuzz tests with
"SANDBOX_BPF sim" as the simulator.  Every case must pass, and the
number of cases must be exactly what $lsc_version runs ($pin_sim bpf-sim
and $pin_fuzz bpf-sim-fuzz runs on $pin_arch).

options:
  -c, --cache DIR     keep the built test kit in DIR and reuse it on later
                      runs (also: SANDBOXD_LIBSECCOMP_CACHE)
  -j, --jobs N        harness instances to run at once (default: CPUs)
  -b, --batch NAME    run only this batch, e.g. 06-sim-actions (repeatable;
                      the pinned counts then do not apply)
  -k, --keep          keep the scratch directory even when the run passes
      --stock         use libseccomp's own scmp_bpf_sim: checks the
                      plumbing, and that the counts are right
      --stock-harness run libseccomp's harness exactly as shipped, in one
                      process (much slower; see README.md)
      --expect-sim N, --expect-fuzz N, --expect-skipped N
                      pin other counts (default on $pin_arch: $pin_sim,
                      $pin_fuzz, $pin_skipped)
  -h, --help          show this help

environment:
  SANDBOXD_SCRATCH    where the scratch directory is made (default \$TMPDIR
                      or /tmp)

exit status: 0 all cases passed and the counts match; 1 a case failed or
the counts differ; 77 the libseccomp source cannot be obtained (the reason
is printed); 99 the kit could not be built, or bad usage.
EOF
}

die() {
	echo "$prog: $*" >&2
	exit 99
}

say() {
	echo "$prog: $*" >&2
}

elapsed() {
	printf '%dm%02ds' $(($1 / 60)) $(($1 % 60))
}

cache=${SANDBOXD_LIBSECCOMP_CACHE:-}
jobs=
keep=no
stock=no
stock_harness=no
only=()
expect_sim=
expect_fuzz=
expect_skipped=
sbx=

while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help)
		usage
		exit 0
		;;
	-c | --cache)
		[ $# -ge 2 ] || die "$1 needs a directory"
		cache=$2
		shift
		;;
	--cache=*) cache=${1#*=} ;;
	-j | --jobs)
		[ $# -ge 2 ] || die "$1 needs a number"
		jobs=$2
		shift
		;;
	--jobs=*) jobs=${1#*=} ;;
	-k | --keep) keep=yes ;;
	--stock) stock=yes ;;
	--stock-harness) stock_harness=yes ;;
	-b | --batch)
		[ $# -ge 2 ] || die "$1 needs a batch name"
		only+=("$2")
		shift
		;;
	--expect-sim | --expect-fuzz | --expect-skipped)
		[ $# -ge 2 ] || die "$1 needs a number"
		[[ $2 =~ ^[0-9]+$ ]] || die "$1: not a number: $2"
		printf -v "expect_${1#--expect-}" '%s' "$2"
		shift
		;;
	-*) die "unknown option $1 (see --help)" ;;
	*)
		[ -z "$sbx" ] || die "only one SANDBOX_BPF may be given"
		sbx=$1
		;;
	esac
	shift
done

if [ "$stock" = yes ]; then
	[ -z "$sbx" ] || die "--stock takes no SANDBOX_BPF"
else
	[ -n "$sbx" ] || {
		usage >&2
		exit 99
	}
	case "$sbx" in
	/*) ;;
	*) sbx=$PWD/$sbx ;;
	esac
	[ -f "$sbx" ] && [ -x "$sbx" ] || die "not an executable file: $sbx"
fi
jobs=${jobs:-$(nproc 2>/dev/null || echo 1)}
[[ $jobs =~ ^[1-9][0-9]*$ ]] || die "--jobs: not a positive number: $jobs"
[ "$stock_harness" = yes ] && jobs=1

# The harness reads these; none may change what it runs.
unset LIBSECCOMP_TSTCFG_MODE_LIST LIBSECCOMP_TSTCFG_BATCHES \
	LIBSECCOMP_TSTCFG_TYPE LIBSECCOMP_TSTCFG_STRESSCNT
export LC_ALL=C

t_start=$SECONDS
base=${SANDBOXD_SCRATCH:-${TMPDIR:-/tmp}}
mkdir -p "$base" || die "cannot create $base"
scratch=$(mktemp -d "$base/sandboxd-libseccomp.XXXXXX") ||
	die "cannot make a scratch directory in $base"
passed=no
cleanup() {
	local rc=$?
	# kept when something failed, for its logs; not for a skip
	if { [ "$passed" = yes ] || [ "$rc" -eq 77 ]; } && [ "$keep" = no ]; then
		rm -rf "$scratch"
	else
		say "scratch directory kept: $scratch"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- fetching and building the kit ------------------------------------

# fetch_source DIR: apt-get source into DIR; prints the source tree's path.
# Exits 77, with apt's own words, when the source cannot be had.
fetch_source() {
	local dir=$1 tree
	if ! command -v apt-get >/dev/null; then
		say "cannot obtain the libseccomp source: apt-get is not installed"
		exit 77
	fi
	if ! command -v dpkg-source >/dev/null; then
		say "cannot unpack the libseccomp source: dpkg-source is missing" \
			"(Debian package dpkg-dev; scripts/deps.sh test installs it)"
		exit 77
	fi
	# apt's download user must be able to write here when we are root.
	chmod 755 "$scratch" "$dir"
	if ! (cd "$dir" && apt-get source -q libseccomp) >"$dir/apt.log" 2>&1; then
		say "cannot obtain the libseccomp source: 'apt-get source libseccomp' failed:"
		grep -E '^(E|W):' "$dir/apt.log" | sed 's/^/    /' >&2 ||
			tail -n 5 "$dir/apt.log" | sed 's/^/    /' >&2
		if grep -q "deb-src" "$dir/apt.log"; then
			say "add a deb-src entry and run apt-get update" \
				"(scripts/deps.sh test does both as root)"
		fi
		exit 77
	fi
	tree=$(find "$dir" -mindepth 1 -maxdepth 1 -type d -name 'libseccomp-*')
	if [ -z "$tree" ] || [ "$(echo "$tree" | wc -l)" -ne 1 ]; then
		say "cannot obtain the libseccomp source: no unpacked tree in $dir"
		sed 's/^/    /' "$dir/apt.log" >&2
		exit 77
	fi
	echo "$tree"
}

# build_kit TREE: configure, build the tools and the test programs.
# Shared libraries are off: the tools are then plain binaries rather than
# libtool wrapper scripts, which the harness would run thousands of times.
build_kit() {
	local tree=$1 tool
	for tool in make cc gperf; do
		command -v "$tool" >/dev/null ||
			die "cannot build libseccomp: '$tool' is missing (scripts/deps.sh test)"
	done
	say "building libseccomp $lsc_version's tools and test programs"
	if ! (cd "$tree" && ./configure --disable-shared &&
		make -j"$(nproc)" && make -C tests -j"$(nproc)" check-build) \
		>"$tree/sandboxd-build.log" 2>&1; then
		tail -n 25 "$tree/sandboxd-build.log" >&2
		die "building libseccomp failed (log: $tree/sandboxd-build.log)"
	fi
}

# kit_version TREE: the upstream version of an unpacked source tree.
kit_version() {
	sed -n 's/^AC_INIT(\[libseccomp\], *\[\([^]]*\)\].*/\1/p' "$1/configure.ac"
}

# get_kit: sets kit to a directory holding a built tests/ and tools/ that
# this run may modify.
get_kit() {
	local tree stamp want ver tmp
	want="format=$kit_format version=$lsc_version host=$(uname -m)"
	if [ -n "$cache" ]; then
		mkdir -p "$cache" || die "cannot create the cache directory $cache"
		cache=$(cd "$cache" && pwd)
		stamp=$cache/kit/sandboxd-kit.stamp
		if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
			say "no usable test kit in $cache: fetching and building one"
			tmp=$(mktemp -d "$cache/build.XXXXXX") || die "cannot write to $cache"
			tree=$(fetch_source "$tmp") || {
				rc=$?
				rm -rf "$tmp"
				exit $rc
			}
			ver=$(kit_version "$tree")
			[ "$ver" = "$lsc_version" ] ||
				die "apt-get source gave libseccomp '$ver'; this suite pins $lsc_version"
			build_kit "$tree"
			mkdir "$tmp/kit"
			cp -a "$tree/tests" "$tree/tools" "$tmp/kit/" || die "cannot copy the kit"
			echo "$want" >"$tmp/kit/sandboxd-kit.stamp"
			rm -rf "$cache/kit" && mv "$tmp/kit" "$cache/kit" || die "cannot update $cache"
			rm -rf "$tmp"
		else
			say "using the test kit cached in $cache/kit"
		fi
		mkdir "$scratch/run"
		cp -a "$cache/kit/tests" "$cache/kit/tools" "$scratch/run/" ||
			die "cannot copy the kit from $cache"
		kit=$scratch/run
	else
		mkdir "$scratch/src"
		tree=$(fetch_source "$scratch/src") || exit $?
		ver=$(kit_version "$tree")
		[ "$ver" = "$lsc_version" ] ||
			die "apt-get source gave libseccomp '$ver'; this suite pins $lsc_version"
		build_kit "$tree"
		kit=$tree
	fi
}

# --- making the harness affordable ------------------------------------

# libseccomp's tests/regression starts about 27 processes per case (seq
# through ./miniseq at every loop level, printf in command substitutions
# for log lines, the test program rerun to print the same filter again),
# about 45 per fuzz case (dd|md5sum|awk|head for each random value) and
# some 30 per line of a .tests file (echo|sed|grep to trim and match it).
# Where a fork costs milliseconds that is most of an hour.  fast_harness
# edits those spots in the scratch copy so the same values come without
# new processes.  Which cases run, the simulator's command line and input
# bytes, and how results are judged are untouched.  If the text is not
# exactly 2.5.4's, the harness runs as shipped.

fast_prelude() {
	cat <<'EOF'
# --- added by sandboxd's run-regression.sh (scratch copy only) ---
# get_seq without a fork: the same numbers ./miniseq prints (strtoull,
# then PRId64, so values past INT64_MAX print negative, as bash wraps).
function sbx_seq() {
	local n re='^-?([0-9]|[1-9][0-9]{1,17}|0[xX][0-9a-fA-F]{1,16})$'
	sbx_seq_out=()
	if [[ $1 =~ $re && $2 =~ $re ]] && (($1 <= $2)); then
		for ((n = $1; n != $2; n++)); do
			sbx_seq_out+=("$n")
		done
		sbx_seq_out+=("$(($2))")
	else
		sbx_seq_out=($(get_seq "$1" "$2"))
	fi
}
# get_range without a fork: field $1 of a lo-hi range, or the value.
function sbx_range() {
	if [[ $2 =~ ^[0-9a-fA-Fx]+-[0-9a-fA-Fx]+$ ]]; then
		if [[ $1 == 1 ]]; then
			sbx_rv=${2%%-*}
		else
			sbx_rv=${2#*-}
		fi
	else
		sbx_rv=$2
	fi
}
# generate_test_num without a fork: the same format, into $sbx_tn.
function sbx_test_num() {
	printf -v sbx_tn '%s%%%%%03d-%05d' "$1" $2 $3
}
# grep -w WORD on each line of STRING, without grep.
function sbx_grep_w() {
	[[ $1 =~ (^|[^[:alnum:]_])"$2"([^[:alnum:]_]|$) ]]
}
# grep -v -w WORD: some line of STRING lacks WORD.
function sbx_grep_vw() {
	local l
	while IFS= read -r l; do
		sbx_grep_w "$l" "$2" || return 0
	done <<<"$1"
	return 1
}
function match_csv_word {
	[[ -z $1 || -z $2 ]] && return 1
	sbx_grep_w "${1//,/ }" "$2" && echo "${1//,/ }"
}
# The whitespace, comment and blank-line stripping of a line, in place.
function sbx_trim_line() {
	line=${line#"${line%%[!$'\t' ]*}"}
	line=${line%"${line##*[!$'\t' ]}"}
	[[ $line == \#* ]] && line=
}
function sbx_words() {
	sbx_w="$*"
}
function sbx_status() {
	return $1
}
# scmp_sys_resolver, asked once per architecture and name.
declare -A sbx_res_cache
function sbx_resolve() {
	local key="$1 $2"
	if [[ -n ${sbx_res_cache[$key]+set} ]]; then
		sbx_res=${sbx_res_cache[$key]}
		sbx_rc=0
		return
	fi
	sbx_res=$($GLBL_SYS_RESOLVER -a $1 -t $2)
	sbx_rc=$?
	((sbx_rc == 0)) && sbx_res_cache[$key]=$sbx_res
}
# generate_random_data without dd, md5sum, awk and head, and without a
# subshell per value: seven values of 1 to 16 (8 on other than x86_64)
# random lowercase hex digits into sbx_rd[0..6].
function sbx_random7() {
	local rcount i j rdata
	sbx_rd=()
	for ((j = 0; j < 7; j++)); do
		if [[ $arch == "x86_64" ]]; then
			rcount=$(((SRANDOM % 16) + 1))
		else
			rcount=$(((SRANDOM % 8) + 1))
		fi
		rdata=
		for ((i = 0; i < rcount; i++)); do
			printf -v rdata '%s%x' "$rdata" $((SRANDOM % 16))
		done
		sbx_rd+=("$rdata")
	done
}
# A test program prints the same filter every time.  Run it for real
# until two runs agree, then write those bytes to the same fd itself.
declare -A sbx_bpf sbx_bpf_state
function sbx_run_test_program() {
	local key="$mode $2 $3" rc hex
	if [[ ${sbx_bpf_state[$key]:-} == same ]]; then
		printf '%b' "${sbx_bpf[$key]}" >&$4
		return 0
	fi
	run_test_command "$@"
	rc=$?
	[[ $rc -eq 0 && ${sbx_bpf_state[$key]:-} != differs ]] || return $rc
	hex=$(od -An -v -tx1 "$tmpfile" | tr -d ' \n' | sed 's/../\\x&/g')
	if [[ -z ${sbx_bpf_state[$key]:-} ]]; then
		sbx_bpf[$key]=$hex
		sbx_bpf_state[$key]=once
	elif [[ ${sbx_bpf[$key]} == "$hex" ]]; then
		sbx_bpf_state[$key]=same
	else
		sbx_bpf_state[$key]=differs
	fi
	return 0
}
# --- end of additions ---
EOF
}

# count_re FILE ERE: lines of FILE matching ERE.
count_re() {
	grep -cE -- "$2" "$1"
}

# The edits: ERE to match, sed replacement, and how many lines 2.5.4 has.
fast_edits() {
	cat <<'EOF'
^([[:space:]]*)for ([a-z0-9_]+) in \$\(get_seq ([^)]*)\); do$	\1sbx_seq \3; for \2 in "${sbx_seq_out[@]}"; do	8
^([[:space:]]*)([a-z_]+(\[\$arg_i\])?)=\$\(get_range (\$[A-Z]+) ("[^"]*")\)$	\1sbx_range \4 \5; \2=$sbx_rv	4
^([[:space:]]*)local testdata=\$\(printf (.*)\)$	\1local testdata; printf -v testdata \2	2
^([[:space:]]*)testdata\+=\$\(printf (.*)\)$	\1printf -v sbx_td \2; testdata+=$sbx_td	16
^([[:space:]]*)local testnumstr=\$\(generate_test_num ([^)]*)\)$	\1sbx_test_num \2; local testnumstr=$sbx_tn	2
^([[:space:]]*)local testnumstr=\$\(generate_test_num ([^)]*) \\$	\1sbx_test_num \2 \\	1
^([[:space:]]*)\$subtestnum\)$	\1$subtestnum; local testnumstr=$sbx_tn	1
^([[:space:]]*)run_test_command "\$testnumstr" "\./\$testname" "-b" 4 ""$	\1sbx_run_test_program "$testnumstr" "./$testname" "-b" 4 ""	2
^([[:space:]]*)local sys=\$\(generate_random_data\)$	\1sbx_random7; local sys=${sbx_rd[6]}	1
^([[:space:]]*)local -a arg=\(\$\(generate_random_data\) \$\(generate_random_data\) \\$	\1local -a arg=(${sbx_rd[0]} ${sbx_rd[1]} \\	1
^([[:space:]]*)\$\(generate_random_data\) \$\(generate_random_data\) \\$	\1${sbx_rd[2]} ${sbx_rd[3]} \\	1
^([[:space:]]*)\$\(generate_random_data\) \$\(generate_random_data\)\)$	\1${sbx_rd[4]} ${sbx_rd[5]})	1
^function match_csv_word\(\) \{$	function sbx_shipped_match_csv_word() {	1
^([[:space:]]*)line=\$\(echo "\$line" \| \\$	\1sbx_trim_line \\	1
^([[:space:]]*)sed -e 's/\^\[\\t \]\*//;s/\[\\t \]\*\$//;' \| \\$	\1\\	1
^([[:space:]]*)sed -e '/\^\[#\]\.\*\$/d;/\^\$/d'\)$	\1	1
^([[:space:]]*)for arch_i in \$\(echo \$testarch \| sed -e 's/,/ /g'\); do$	\1for arch_i in ${testarch//,/ }; do	1
^([[:space:]]*)if echo "(\$GLBL_ARCH_[A-Z0-9_]+)" \| grep -qw "\$arch"; then$	\1if sbx_grep_w "\2" "$arch"; then	4
^([[:space:]]*)if echo "\$simarch_avoid" \| grep -q -v -w "\$arch_i"; then$	\1if sbx_grep_vw "$simarch_avoid" "$arch_i"; then	1
^([[:space:]]*)simarch_list=\$\(echo \$simarch_list \| sed -e 's/  / /g;s/\^ //;'\)$	\1sbx_words $simarch_list; simarch_list=$sbx_w	1
^([[:space:]]*)(low|high)_syscall=\$\(\$GLBL_SYS_RESOLVER -a \$simarch -t \\$	\1sbx_resolve $simarch \\	2
^([[:space:]]*)\$(low|high)_syscall\)$	\1$\2_syscall; \2_syscall=$sbx_res; sbx_status $sbx_rc	2
EOF
}

fast_harness() {
	local h=$1 re rep want args=()
	if [ "$(head -n 1 "$h")" != "#!/bin/bash" ]; then
		say "NOTE: tests/regression is not the $lsc_version text;" \
			"running it as shipped (slow)"
		return 0
	fi
	while IFS=$'\t' read -r re rep want; do
		if [ "$(count_re "$h" "$re")" != "$want" ]; then
			say "NOTE: tests/regression is not the $lsc_version text;" \
				"running it as shipped (slow)"
			return 0
		fi
		args+=(-e "s/${re//\//\\/}/${rep//\//\\/}/")
	done < <(fast_edits)
	fast_prelude >"$scratch/prelude"
	sed -E -i -e '1r '"$scratch/prelude" "${args[@]}" "$h" ||
		die "cannot edit $h"
	# Every edited line must be gone.
	while IFS=$'\t' read -r re rep want; do
		[ "$(count_re "$h" "$re")" -eq 0 ] || die "editing $h went wrong"
	done < <(fast_edits)
	[ "$(count_re "$h" '\$\(generate_random_data')" -eq 0 ] &&
		bash -n "$h" || die "editing $h went wrong"
}

# --- running ------------------------------------------------------------

# batch_weight FILE: a rough case count of a .tests file, used only to
# start the longest batches first.
batch_weight() {
	awk '
	function width(s, a) {
		if (split(s, a, "-") == 2 && a[1] != "" && a[2] != "")
			return (a[2] + 0) - (a[1] + 0) + 1
		return 1
	}
	/^[[:space:]]*test type:/ { t = $3; next }
	/^[[:space:]]*(#|$)/ { next }
	t == "bpf-sim" && NF == 10 {
		w = split($2, x, ",")
		for (i = 3; i <= 9; i++)
			w *= width($i)
		n += w
	}
	t == "bpf-sim-fuzz" && NF == 2 { n += $2 }
	END { print n + 0 }' "$1"
}

get_kit
t_built=$SECONDS
say "test kit ready in $(elapsed $((t_built - t_start)))"

tests=$kit/tests
[ -x "$tests/regression" ] && [ -x "$kit/tools/scmp_bpf_sim" ] ||
	die "the kit in $kit lacks tests/regression or tools/scmp_bpf_sim"
if [ "$stock" = yes ]; then
	sim_desc="libseccomp's own scmp_bpf_sim"
else
	printf '#!/bin/sh\nexec "%s" sim "$@"\n' "$sbx" >"$kit/tools/scmp_bpf_sim" ||
		die "cannot write the simulator wrapper"
	chmod 755 "$kit/tools/scmp_bpf_sim"
	sim_desc="$sbx sim"
fi
[ "$stock_harness" = yes ] || fast_harness "$tests/regression"

host_arch=$("$kit/tools/scmp_arch_detect") || die "scmp_arch_detect failed"
if [ "$host_arch" = "$pin_arch" ] && [ ${#only[@]} -eq 0 ]; then
	expect_sim=${expect_sim:-$pin_sim}
	expect_fuzz=${expect_fuzz:-$pin_fuzz}
	expect_skipped=${expect_skipped:-$pin_skipped}
fi

logs=$scratch/logs
mkdir -p "$logs" "$scratch/tmp"
types=bpf-sim,bpf-sim-fuzz
if [ "$stock_harness" = yes ]; then
	say "running libseccomp's harness as shipped: ./regression -T $types"
	bargs=()
	for b in "${only[@]}"; do
		bargs+=(-b "$b")
	done
	(cd "$tests" && ./regression -v -m c -T "$types" "${bargs[@]}" \
		-l "$logs/all.log" -t "$scratch/tmp" >"$logs/all.out" 2>&1)
	echo $? >"$logs/all.rc"
	batches=all
else
	# One harness per batch, longest first, $jobs at a time.  A batch
	# without these test types would only cost the harness's start-up.
	batches=$(for f in "$tests"/*.tests; do
		grep -qE '^[[:space:]]*test type:[[:space:]]*bpf-sim' "$f" || continue
		echo "$(batch_weight "$f") $(basename "$f" .tests)"
	done | sort -k1,1nr -k2 | awk '{ print $2 }')
	if [ ${#only[@]} -gt 0 ]; then
		batches=$(for b in "${only[@]}"; do
			echo "$batches" | grep -qxF -- "$b" ||
				die "no bpf-sim batch named $b"
			echo "$b"
		done)
	fi
	[ -n "$batches" ] || die "no bpf-sim batches in $tests"
	say "running $(echo "$batches" | wc -l) batches of ./regression -T $types," \
		"$jobs at a time"
	running=0
	for b in $batches; do
		if [ "$running" -ge "$jobs" ]; then
			wait -n
			running=$((running - 1))
		fi
		(
			cd "$tests" &&
				./regression -v -m c -T "$types" -b "$b" -l "$logs/$b.log" \
					-t "$scratch/tmp" >"$logs/$b.out" 2>&1
			echo $? >"$logs/$b.rc"
		) &
		running=$((running + 1))
	done
	wait
fi
t_ran=$SECONDS

# --- judging --------------------------------------------------------------

# Per log: the harness's own summary, and each result line counted under
# the test type it ran as.  Failed and errored cases are joined with their
# data line (the harness writes it with -v) into failures.txt.
problems=()
for b in $batches; do
	rc=$(cat "$logs/$b.rc" 2>/dev/null) || rc=missing
	[ "$rc" = 0 ] || problems+=("batch $b: ./regression exited $rc")
	grep -q '^Regression Test Summary' "$logs/$b.log" 2>/dev/null ||
		problems+=("batch $b: no summary in its log (harness died?)")
done
# shellcheck disable=SC2086
eval "$(cd "$logs" && awk '
	/^ test type:/ { type = $3; next }
	/^Test .* data: / {
		id = $2
		sub(/^Test [^ ]+ data: +/, "")
		data[FILENAME, id] = $0
		next
	}
	/^Test .* result: / {
		id = $2; st = $4
		key = (type == "bpf-sim-fuzz" ? "fuzz" : "sim")
		n[key "_" st]++
		if (st == "FAILURE" || st == "ERROR") {
			line = $0
			sub(/^Test [^ ]+ result: +[A-Z]+ ?/, "", line)
			d = data[FILENAME, id]
			printf "%s\t%s\t%s\t%s\t%s\n", type, id, st, line, d > "failures.txt"
		}
		next
	}
	/^ tests run:/ { s_run += $3 }
	/^ tests skipped:/ { s_skip += $3 }
	/^ tests passed:/ { s_pass += $3 }
	/^ tests failed:/ { s_fail += $3 }
	/^ tests errored:/ { s_err += $3 }
	END {
		printf "sim_ok=%d sim_fail=%d sim_err=%d sim_skip=%d\n",
			n["sim_SUCCESS"], n["sim_FAILURE"], n["sim_ERROR"], n["sim_SKIPPED"]
		printf "fuzz_ok=%d fuzz_fail=%d fuzz_err=%d\n",
			n["fuzz_SUCCESS"], n["fuzz_FAILURE"], n["fuzz_ERROR"]
		printf "s_run=%d s_skip=%d s_pass=%d s_fail=%d s_err=%d\n",
			s_run, s_skip, s_pass, s_fail, s_err
	}' $(for b in $batches; do echo "$b.log"; done))"

# The harness's summary and our per-type tally must agree.
# ("run" leaves out errors of a test program, after which the harness
# drops the rest of that line.)
[ "$s_pass" -eq $((sim_ok + fuzz_ok)) ] && [ "$s_fail" -eq $((sim_fail + fuzz_fail)) ] &&
	[ "$s_err" -eq $((sim_err + fuzz_err)) ] && [ "$s_skip" -eq "$sim_skip" ] &&
	[ "$s_run" -ge $((s_pass + s_fail)) ] &&
	[ "$s_run" -le $((s_pass + s_fail + s_err)) ] ||
	problems+=("the harness's summary (run $s_run, passed $s_pass, failed $s_fail, errored $s_err, skipped $s_skip) does not match its result lines")
[ $((sim_fail + sim_err)) -eq 0 ] ||
	problems+=("bpf-sim: $sim_fail failed, $sim_err errored")
[ $((fuzz_fail + fuzz_err)) -eq 0 ] ||
	problems+=("bpf-sim-fuzz: $fuzz_fail failed, $fuzz_err errored")
pinned=yes
if [ -n "$expect_sim" ]; then
	[ "$sim_ok" -eq "$expect_sim" ] ||
		problems+=("bpf-sim: $sim_ok cases passed, expected $expect_sim")
else
	pinned=no
fi
if [ -n "$expect_fuzz" ]; then
	[ "$fuzz_ok" -eq "$expect_fuzz" ] ||
		problems+=("bpf-sim-fuzz: $fuzz_ok cases passed, expected $expect_fuzz")
else
	pinned=no
fi
if [ -n "$expect_skipped" ]; then
	[ "$sim_skip" -eq "$expect_skipped" ] ||
		problems+=("bpf-sim: $sim_skip lines skipped, expected $expect_skipped")
fi
if [ "$pinned" = no ] && [ ${#only[@]} -gt 0 ]; then
	say "NOTE: counts are not pinned for a run of some batches"
elif [ "$pinned" = no ]; then
	say "NOTE: no pinned counts for $host_arch; pass --expect-sim and --expect-fuzz"
fi

# Show each failed case with the simulator's own words, rerun by hand.
if [ -s "$logs/failures.txt" ]; then
	nfail=$(wc -l <"$logs/failures.txt")
	echo "failed cases ($nfail; all in $logs/failures.txt):"
	head -n 40 "$logs/failures.txt" |
		while IFS=$'\t' read -r type id st what data; do
			# shellcheck disable=SC2086
			set -- $data
			if [ "$type" = bpf-sim ] && [ $# -eq 10 ]; then
				t=$1 a=$2 nr=$3 want=${10}
				shift 3
				opts=
				for i in 0 1 2 3 4 5; do
					[ "$1" = N ] || opts="$opts -$i $1"
					shift
				done
				cmd="-a $a -f BPF -s $nr$opts"
			elif [ "$type" = bpf-sim-fuzz ] && [ $# -eq 8 ]; then
				t=$1 nr=$2 want="exit 0"
				shift 2
				opts=
				for i in 0 1 2 3 4 5; do
					opts="$opts -$i $1"
					shift
				done
				cmd="-f BPF -s $nr$opts"
			else
				echo "  $id: $st $what (data: $data)"
				continue
			fi
			(cd "$tests" && "./$t" -b >"$scratch/tmp/case.bpf") 2>/dev/null
			# shellcheck disable=SC2086
			got=$(cd "$tests" && ../tools/scmp_bpf_sim ${cmd/BPF/$scratch/tmp/case.bpf} 2>&1)
			grc=$?
			echo "  $id [$type] $t: sim $cmd"
			echo "      expected: $want; harness: $st $what;" \
				"rerun: exit $grc, output: $(echo "$got" | tr '\n' ' ')"
		done
	[ "$nfail" -le 40 ] || echo "  ..."
fi

summary="bpf-sim $sim_ok/$expect_sim passed ($sim_skip lines skipped), bpf-sim-fuzz $fuzz_ok/$expect_fuzz passed"
[ "$pinned" = yes ] ||
	summary="bpf-sim $sim_ok passed ($sim_skip lines skipped), bpf-sim-fuzz $fuzz_ok passed (counts not pinned)"
times="kit $(elapsed $((t_built - t_start))), suite $(elapsed $((t_ran - t_built))), total $(elapsed $((SECONDS - t_start)))"
if [ ${#problems[@]} -eq 0 ]; then
	passed=yes
	echo "PASS: libseccomp $lsc_version regression with $sim_desc: $summary; $times"
	exit 0
fi
for p in "${problems[@]}"; do
	echo "  problem: $p"
done
echo "FAIL: libseccomp $lsc_version regression with $sim_desc: $summary; ${#problems[@]} problem(s); logs in $logs; $times"
exit 1
