#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Tracer workloads: what a ptrace supervisor costs on real programs.
#
#	bench/tracer.sh [-q] [-r ROUNDS] [--only W[,W...]] [--variants V,...]
#			[--modes unpinned,pinned] [-o RAWFILE] [--no-count]
#	bench/tracer.sh --report RAWFILE
#
# Runs each workload (below) under each variant, in rounds: in every round
# each workload runs once under every variant, unpinned and pinned to CPU 0
# (taskset -c 0 on the whole tree), in an order that rotates from round to
# round, so that drift on this shared machine hits every variant alike.  A
# ratio is taken inside a round (variant / native of the same round, and
# variant / reftrace) and the table shows the median over rounds with its
# min-max.  Before the rounds, one untimed pass per workload counts the
# system calls (strace -f -c) and the stops of reftrace and sandbox-run.
#
# Workloads:
#   getppid   bench/micro getppid -t MS   ns per call, timed inside
#   openat    bench/micro openat -t MS    ns per openat+close pair, inside
#   gcc       gcc -O2 -c on a generated C file           wall time
#   find      find /usr/share >/dev/null                 wall time
#   tar       sh -c 'tar cf - /usr/include | wc -c'      wall time
#   forkexec  bench/micro forkexec -n 300 (fork, exec /bin/true, wait)
# Variants:
#   native          nothing
#   kernel          tests/bin/kernel-run --bpf F (F: mkfilter docker)
#   strace-none     strace -f -e trace=none -o /dev/null
#   strace-openat   strace -f --seccomp-bpf -e trace=openat -o /dev/null
#   sr              sandbox-run --bpf F
#   sr-nopf         sandbox-run --no-prefilter --bpf F
#   reftrace        bench/reftrace (sandbox-run's always-traced set)
#   reftrace-openat bench/reftrace -t openat: the floor for strace-openat
#                   (not run unless named in --variants)
#
# -q is a smoke run: 3 rounds unless -r is given, and smaller workloads.
# The full sizes fit the rounds in about 10 minutes on the 2-vCPU dev VM:
# find walks /usr/share (a quarter of /usr's system calls: all of /usr
# costs 10-15 s per run under strace -f) and gcc compiles 40 functions.
# Override them with MICRO_MS, GCC_FUNCS, FIND_ROOT, TAR_ROOT and FORKS.
# The Markdown tables go to stdout, progress to stderr, one line per run to
# RAWFILE (default bench/tracer-raw.txt in the build directory); --report
# prints the tables of an earlier RAWFILE again, running nothing.  The
# build directory is found as bench/run.sh finds it ($BUILDDIR, the current
# directory, or build-bench/ in the source tree).  The sandbox-run variants
# are left out, with a note, when sandbox-run does not build or run.
# Needs strace, gcc, tar, findutils, util-linux (taskset) and coreutils.
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cmdline="bench/tracer.sh $*"

rounds=
quick=0
only=
variants="native kernel strace-none strace-openat sr sr-nopf reftrace"
modes="unpinned pinned"
raw=
count=1
report_only=

usage() {
	if [ "$1" = 0 ]; then
		sed -n '/^# Tracer workloads/,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
	else
		sed -n '/^#	bench\/tracer.sh/,/^#	bench\/tracer.sh --report/p' "$0" |
			sed 's/^#[[:space:]]*//; 1s/^/usage: /; 2,$s/^/       /' >&2
	fi
	exit "$1"
}

die() {
	echo "bench/tracer.sh: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	-r) [ $# -ge 2 ] || usage 2; rounds=$2; shift ;;
	-q) quick=1 ;;
	--only) [ $# -ge 2 ] || usage 2; only=$(echo "$2" | tr , ' '); shift ;;
	--variants) [ $# -ge 2 ] || usage 2; variants=$(echo "$2" | tr , ' '); shift ;;
	--modes) [ $# -ge 2 ] || usage 2; modes=$(echo "$2" | tr , ' '); shift ;;
	-o) [ $# -ge 2 ] || usage 2; raw=$2; shift ;;
	--no-count) count=0 ;;
	--report) [ $# -ge 2 ] || usage 2; report_only=$2; shift ;;
	-h | --help) usage 0 ;;
	*) usage 2 ;;
	esac
	shift
done

workloads="getppid openat gcc find tar forkexec"
if [ -n "$only" ]; then
	for w in $only; do
		case " $workloads " in
		*" $w "*) ;;
		*) die "--only: unknown workload '$w' (one of: $workloads)" ;;
		esac
	done
	workloads=$only
fi
for v in $variants; do
	case $v in
	native | kernel | strace-none | strace-openat | sr | sr-nopf | reftrace | reftrace-openat) ;;
	*) die "--variants: unknown variant '$v'" ;;
	esac
done
for m in $modes; do
	case $m in unpinned | pinned) ;; *) die "--modes: unknown mode '$m'" ;; esac
done
if [ "$quick" = 1 ]; then
	rounds=${rounds:-3}
	micro_ms=100 gcc_funcs=20 find_root=/usr/include tar_root=/usr/include/linux forks=50
	count_n=2000
else
	rounds=${rounds:-5}
	micro_ms=200 gcc_funcs=40 find_root=/usr/share tar_root=/usr/include forks=300
	count_n=10000
fi
micro_ms=${MICRO_MS:-$micro_ms} gcc_funcs=${GCC_FUNCS:-$gcc_funcs}
find_root=${FIND_ROOT:-$find_root} tar_root=${TAR_ROOT:-$tar_root}
forks=${FORKS:-$forks}
case $rounds in '' | *[!0-9]* | 0) die "-r: a positive number please" ;; esac

# ---- the tables ----

# meta KEY: a "# meta KEY=value" line of the raw file
meta() {
	sed -n "s/^# meta $1=//p" "$raw" | head -n 1
}

psi() {
	sed -n 's/^some avg10=[^ ]* avg60=\([^ ]*\).*/\1/p' /proc/pressure/cpu 2>/dev/null
}

# report: the Markdown tables of $raw, on stdout
report() {
	cat <<EOH
### Tracer workloads: $(meta started)

Command: \`$(meta command)\` (build: \`$(meta build)\`); rounds: $(meta rounds); tree $(meta tree).
Machine: $(meta machine); load average $(meta load_before) before, $(meta load_after) after (CPU pressure, some avg60: $(meta cpu_pressure_before) before, $(meta cpu_pressure_after) after); $(meta elapsed) s in all.
Sizes: $(meta sizes).
Raw data: \`$raw\`.
EOH
	sed -n 's/^# meta note=/- /p' "$raw"
	echo
	awk -v variants="$(meta variants)" -v workloads="$(meta workloads)" \
		-v modes="$(meta modes)" '
function sortn(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}
function med(a, n) {
	sortn(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
# per-round ratio (op "r") or difference (op "d") of v against b; sets
# N, MED, MIN, MAX
function pair(m, w, v, b, op,    r, n, a, x) {
	n = 0
	for (r = 1; r <= maxr; r++) {
		if (!((m, w, v, r) in val) || !((m, w, b, r) in val))
			continue
		if (st[m, w, v, r] != 0 || st[m, w, b, r] != 0)
			continue
		if (op == "r" && val[m, w, b, r] <= 0)
			continue
		x = op == "r" ? val[m, w, v, r] / val[m, w, b, r] : val[m, w, v, r] - val[m, w, b, r]
		a[++n] = x
	}
	N = n
	if (!n)
		return 0
	MED = med(a, n)
	MIN = a[1]
	MAX = a[n]
	return n
}
function single(m, w, v,    r, n, a) {
	n = 0
	for (r = 1; r <= maxr; r++)
		if (((m, w, v, r) in val) && st[m, w, v, r] == 0)
			a[++n] = val[m, w, v, r]
	return n ? med(a, n) : -1
}
function fr(x) {
	return x < 10 ? sprintf("%.2f", x) : x < 100 ? sprintf("%.1f", x) : sprintf("%.0f", x)
}
function fabs(w, x) {
	if (x < 0)
		return "FAIL"
	if (w == "getppid" || w == "openat")
		return x < 10000 ? sprintf("%.0f ns", x) : sprintf("%.1f µs", x / 1000)
	return x < 10 ? sprintf("%.3f s", x) : sprintf("%.1f s", x)
}
function fnum(x) {
	return x >= 1e6 ? sprintf("%.2fM", x / 1e6) : x >= 1e4 ? sprintf("%.1fk", x / 1e3) : x >= 100 ? sprintf("%.0f", x) : sprintf("%.3g", x)
}
function failcell(m, w, v,    r, s) {
	s = ""
	for (r = 1; r <= maxr; r++)
		if (((m, w, v, r) in st) && st[m, w, v, r] != 0)
			s = s (s ? "," : "") st[m, w, v, r]
	return s
}
function ratio_cell(m, w, v, b,    f) {
	f = failcell(m, w, v)
	if (!pair(m, w, v, b, "r"))
		return f ? "FAIL (" f ")" : "-"
	return "x" fr(MED) " [" fr(MIN) "-" fr(MAX) "]" (f ? " (failed: " f ")" : "")
}
function unit(w) {
	return w == "getppid" ? "ns/call" : w == "openat" ? "ns/pair" : "wall"
}
$1 == "run" {
	val[$3, $4, $5, $2] = $6
	st[$3, $4, $5, $2] = $9
	if ($2 > maxr)
		maxr = $2
}
$1 == "count" {
	for (i = 4; i <= NF; i++) {
		k = $i; sub(/=.*/, "", k)
		x = $i; sub(/^[^=]*=/, "", x)
		cnt[$2, $3, k] = x
	}
	counted[$2, $3] = 1
}
END {
	nv = split(variants, V, " ")
	nw = split(workloads, W, " ")
	nm = split(modes, M, " ")
	has_rt = index(" " variants " ", " reftrace ") > 0
	for (mi = 1; mi <= nm; mi++) {
		m = M[mi]
		printf "#### %s: ratio to native, median [min-max] of the in-round ratios\n\n", m
		printf "| workload | native |"
		for (i = 2; i <= nv; i++)
			printf " %s |", V[i]
		printf "\n|---|---|"
		for (i = 2; i <= nv; i++)
			printf "---|"
		printf "\n"
		for (j = 1; j <= nw; j++) {
			w = W[j]
			printf "| %s | %s |", w, fabs(w, single(m, w, "native"))
			for (i = 2; i <= nv; i++)
				printf " %s |", ratio_cell(m, w, V[i], "native")
			printf "\n"
		}
		printf "\n"
		if (!has_rt)
			continue
		printf "#### %s: ratio to reftrace, median [min-max] of the in-round ratios\n\n", m
		printf "| workload | reftrace |"
		for (i = 2; i <= nv; i++)
			if (V[i] != "reftrace")
				printf " %s |", V[i]
		printf "\n|---|---|"
		for (i = 2; i <= nv; i++)
			if (V[i] != "reftrace")
				printf "---|"
		printf "\n"
		for (j = 1; j <= nw; j++) {
			w = W[j]
			printf "| %s | %s |", w, fabs(w, single(m, w, "reftrace"))
			for (i = 2; i <= nv; i++)
				if (V[i] != "reftrace")
					printf " %s |", ratio_cell(m, w, V[i], "reftrace")
			printf "\n"
		}
		printf "\n"
	}
	printf "#### Medians (ns per call or pair for the micro workloads, wall seconds otherwise)\n\n"
	printf "| workload | mode |"
	for (i = 1; i <= nv; i++)
		printf " %s |", V[i]
	printf "\n|---|---|"
	for (i = 1; i <= nv; i++)
		printf "---|"
	printf "\n"
	for (j = 1; j <= nw; j++)
		for (mi = 1; mi <= nm; mi++) {
			printf "| %s | %s |", W[j], M[mi]
			for (i = 1; i <= nv; i++)
				printf " %s |", fabs(W[j], single(M[mi], W[j], V[i]))
			printf "\n"
		}
	printf "\n"

	# stops
	any = 0
	for (j = 1; j <= nw; j++)
		if ((W[j], "strace") in counted)
			any = 1
	if (!any)
		exit
	printf "#### Stops (one untimed counting run per workload; micro workloads per call)\n\n"
	printf "System calls, from `strace -f -c` of the native run: "
	sep = ""
	for (j = 1; j <= nw; j++) {
		w = W[j]
		if (!((w, "strace") in counted))
			continue
		ops = cnt[w, "strace", "ops"]
		printf "%s%s %s (openat %s)", sep, w, fnum(cnt[w, "strace", "syscalls"] / ops), fnum(cnt[w, "strace", "openat"] / ops)
		sep = "; "
	}
	printf ".\n\n"
	printf "%s\n\n", "`stops`: ptrace stops of all kinds. `decisions`: stops the supervisor decides (sandbox-run: calls the chain was run for; reftrace: seccomp stops). strace cannot count its stops: `~` marks 2 per traced call (entry and exit), events left out. `µs/stop`: median in-round time added over native, divided by the stops (only with at least 1000 stops per run, or one per 2 calls, and where every round was over 5 % slower than native)."
	printf "| workload | variant | stops | decisions | stops/decision |"
	for (mi = 1; mi <= nm; mi++)
		printf " stops/s %s | µs/stop %s |", M[mi], M[mi]
	printf "\n|---|---|---|---|---|"
	for (mi = 1; mi <= nm; mi++)
		printf "---|---|"
	printf "\n"
	split("reftrace reftrace-openat sr sr-nopf strace-none strace-openat", CV, " ")
	for (j = 1; j <= nw; j++) {
		w = W[j]
		micro = w == "getppid" || w == "openat"
		for (c = 1; c <= 6; c++) {
			v = CV[c]
			if (index(" " variants " ", " " v " ") == 0)
				continue
			est = ""
			if (v == "strace-none") {
				if (!((w, "strace") in counted))
					continue
				stops = 2 * cnt[w, "strace", "syscalls"]; dec = -1; est = "~"
				ops = cnt[w, "strace", "ops"]
			} else if (v == "strace-openat") {
				if (!((w, "strace") in counted))
					continue
				stops = 2 * cnt[w, "strace", "openat"]; dec = -1; est = "~"
				ops = cnt[w, "strace", "ops"]
			} else {
				if (!((w, v) in counted))
					continue
				stops = cnt[w, v, "stops"]; dec = cnt[w, v, "decisions"]
				ops = cnt[w, v, "ops"]
				if (stops == "") {
					printf "| %s | %s | ? | ? | ? |", w, v
					for (mi = 1; mi <= nm; mi++)
						printf " | |"
					printf "\n"
					continue
				}
			}
			if (!ops)
				ops = 1
			spo = stops / ops
			printf "| %s | %s | %s%s | %s | %s |", w, v, est, fnum(spo), (dec < 0 ? "-" : fnum(dec / ops)), (dec > 0 ? fr(stops / dec) : "-")
			for (mi = 1; mi <= nm; mi++) {
				m = M[mi]
				t = single(m, w, v)
				# a handful of start-up stops per run: no rate
				if (t <= 0 || spo < (micro ? 0.01 : 10)) {
					printf " - | - |"
					continue
				}
				# micro: t is ns per call; else seconds
				sps = micro ? spo / (t * 1e-9) : spo / t
				us = "-"
				# only where the stops clearly cost something:
				# enough of them to outweigh the start-up, and
				# every round at least 5 % slower than native
				if (spo >= (micro ? 0.5 : 1000) && pair(m, w, v, "native", "r") && MIN > 1.05 && pair(m, w, v, "native", "d"))
					us = fr((micro ? MED / 1000 : MED * 1e6) / spo)
				printf " %s%s | %s |", est, fnum(sps), us
			}
			printf "\n"
		}
	}
	printf "\n"
}' "$raw"
}

if [ -n "$report_only" ]; then
	raw=$report_only
	[ -r "$raw" ] || die "$raw: cannot read"
	report
	exit 0
fi

for tool in strace gcc tar find taskset timeout awk; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install strace gcc tar findutils util-linux coreutils mawk)"
done

# ---- the build ----
if [ -n "${BUILDDIR:-}" ]; then
	builddir=$BUILDDIR
elif [ -f Makefile ] && grep -q '^bench_reftrace_SOURCES' Makefile; then
	builddir=$(pwd)
else
	builddir=$srcdir/build-bench
fi
if [ ! -f "$builddir/Makefile" ]; then
	if [ ! -x "$srcdir/configure" ]; then
		(cd "$srcdir" && autoreconf -fi)
	fi
	mkdir -p "$builddir"
	(cd "$builddir" && "$srcdir/configure" --enable-werror)
fi
builddir=$(cd "$builddir" && pwd)
make -C "$builddir" -s bench/reftrace bench/micro tests/bin/kernel-run \
	tests/bin/mkfilter >&2
MICRO=$builddir/bench/micro
REFTRACE=$builddir/bench/reftrace
KERNEL_RUN=$builddir/tests/bin/kernel-run
SR=$builddir/sandbox-run
raw=${raw:-$builddir/bench/tracer-raw.txt}

work=$(mktemp -d "${TMPDIR:-/tmp}/tracer-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
F=$work/docker.bpf
"$builddir/tests/bin/mkfilter" docker >"$F"

notes=
sr_ok=0
if make -C "$builddir" -s sandbox-run >"$work/sr-build.log" 2>&1 &&
	"$SR" --bpf "$F" -- /bin/true 2>>"$work/sr-build.log"; then
	sr_ok=1
fi
if [ "$sr_ok" = 0 ]; then
	v2=
	for v in $variants; do
		case $v in sr | sr-nopf) ;; *) v2="$v2 $v" ;; esac
	done
	variants=${v2# }
	notes="sandbox-run did not build or run here, so the sr and sr-nopf columns are missing."
fi
case " $variants " in *" native "*) ;; *) variants="native $variants" ;; esac

# The compile: each function is a nested loop plus a switch of calls, so
# cc1 has enough to optimize to take a while, and the result never changes.
awk -v n="$gcc_funcs" 'BEGIN {
	print "/* generated by bench/tracer.sh */"
	for (i = 0; i < n; i++) {
		printf "int f%d(int *a, int n)\n{\n\tint s = %d, i, j;\n\n", i, i
		printf "\tfor (i = 0; i < n; i++)\n\t\tfor (j = 0; j < i; j++)\n"
		printf "\t\t\ts += (a[i] * %d) ^ (a[j] >> (j & 7)) + (s %% %d);\n", i + 3, i % 13 + 1
		printf "\tswitch (s & 7) {\n"
		for (k = 0; k < 8; k++)
			printf "\tcase %d:\n\t\ts += f%d(a, n - %d);\n\t\tbreak;\n", k, (i > 0 ? i - 1 : 0), k + 1
		printf "\t}\n\treturn s;\n}\n\n"
	}
}' >"$work/gen.c"
printf 'tar cf - %s 2>/dev/null | wc -c\n' "$tar_root" >"$work/tar.sh"


# ---- one run ----

# wl_run WORKLOAD MODE VARIANT OUT [count]: run it once under the
# stopwatch, whose line goes to $work/t; the workload's stdout goes to OUT.
# With "count", the micro workloads do a fixed number of calls instead of
# running for a time, so that their stops can be counted per call.
wl_run() {
	_w=$1 _m=$2 _v=$3 _out=$4 _c=${5:-}
	_t="-t $micro_ms"
	[ -n "$_c" ] && _t="-n $count_n"
	case $_w in
	getppid) set -- "$MICRO" getppid $_t ;;
	openat) set -- "$MICRO" openat $_t ;;
	gcc) set -- gcc -O2 -c "$work/gen.c" -o "$work/gen.o" ;;
	find) set -- find "$find_root" ;;
	tar) set -- sh "$work/tar.sh" ;;
	forkexec) set -- "$MICRO" forkexec -n "$forks" ;;
	*) die "unknown workload $_w" ;;
	esac
	case $_v in
	native) ;;
	kernel) set -- "$KERNEL_RUN" --bpf "$F" -- "$@" ;;
	strace-none) set -- strace -f -e trace=none -o /dev/null "$@" ;;
	strace-openat)
		set -- strace -f --seccomp-bpf -e trace=openat -o /dev/null "$@" ;;
	sr) set -- "$SR" $sr_extra --bpf "$F" -- "$@" ;;
	sr-nopf) set -- "$SR" $sr_extra --no-prefilter --bpf "$F" -- "$@" ;;
	reftrace) set -- "$REFTRACE" $rt_extra -- "$@" ;;
	reftrace-openat) set -- "$REFTRACE" $rt_extra -t openat -- "$@" ;;
	strace-count) set -- strace -f -c -o "$work/count" "$@" ;;
	*) die "unknown variant $_v" ;;
	esac
	[ "$_m" = pinned ] && set -- taskset -c 0 "$@"
	rm -f "$work/t"
	timeout -k 10 600 "$MICRO" time -o "$work/t" -- "$@" \
		>"$_out" 2>>"$work/stderr.log" || :
	[ -s "$work/t" ] || echo "wall_s=0 cpu_s=0 status=255" >"$work/t"
}

# kv KEY FILE: the value of the last KEY=value (or "KEY":value) in FILE.
kv() {
	sed -n "s/^\(.*[\" ]\)\{0,1\}$1\"\{0,1\}[=:]\([0-9.]*\).*/\2/p" "$2" |
		tail -n 1
}

has_variant() {
	case " $variants " in *" $1 "*) return 0 ;; esac
	return 1
}

# ---- the counting pass (untimed; it also warms the page cache) ----
sr_extra='' rt_extra=''
: >"$raw"
{
	echo "# bench/tracer.sh raw data"
	echo "# meta started=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "# meta command=$cmdline"
	echo "# meta build=$builddir"
	echo "# meta tree=$(git -C "$srcdir" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "# meta machine=$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)"
	echo "# meta rounds=$rounds"
	echo "# meta sizes=micro -t $micro_ms ms, gcc on $gcc_funcs generated functions, find $find_root, tar $tar_root, forkexec $forks"
	echo "# meta variants=$variants"
	echo "# meta workloads=$workloads"
	echo "# meta modes=$modes"
	[ -z "$notes" ] || echo "# meta note=$notes"
	echo "# meta load_before=$(cut -d' ' -f1 /proc/loadavg)"
	echo "# meta cpu_pressure_before=$(psi)"
	echo "# run ROUND MODE WORKLOAD VARIANT METRIC WALL_S CPU_S STATUS"
	echo "#   METRIC: ns per op (getppid, openat) or wall seconds"
	echo "# count WORKLOAD VARIANT KEY=VALUE..."
} >>"$raw"
start=$(date +%s)
if [ "$count" = 1 ]; then
	for w in $workloads; do
		echo "counting: $w" >&2
		ops=1
		case $w in getppid | openat) ops=$count_n ;; esac
		wl_run "$w" unpinned strace-count /dev/null count
		sc=$(awk '$NF == "total" { print $4 }' "$work/count")
		so=$(awk '$NF == "openat" { print $4 }' "$work/count")
		echo "count $w strace ops=$ops syscalls=${sc:-0} openat=${so:-0}" >>"$raw"
		# HOOK: reftrace's counters (-v: "reftrace: stops=N seccomp=N ...")
		for v in reftrace reftrace-openat; do
			has_variant $v || continue
			rt_extra=-v
			: >"$work/stderr.log"
			wl_run "$w" unpinned $v /dev/null count
			rt_extra=
			echo "count $w $v ops=$ops stops=$(kv stops "$work/stderr.log") decisions=$(kv seccomp "$work/stderr.log") status=$(kv status "$work/t")" >>"$raw"
		done
		# HOOK: sandbox-run's counters.  --log FILE ends with an "exit"
		# event carrying "stops", "syscall_stops" and "decisions"
		# (src/tracer/supervise.c log_exit()); if that changes, change
		# only these lines.
		for v in sr sr-nopf; do
			has_variant $v || continue
			rm -f "$work/sr.log"
			sr_extra="--log $work/sr.log"
			wl_run "$w" unpinned $v /dev/null count
			sr_extra=
			grep '"event":"exit"' "$work/sr.log" >"$work/sr.exit" 2>/dev/null || :
			echo "count $w $v ops=$ops stops=$(kv stops "$work/sr.exit") syscall_stops=$(kv syscall_stops "$work/sr.exit") decisions=$(kv decisions "$work/sr.exit") status=$(kv status "$work/t")" >>"$raw"
		done
	done
fi

# ---- the timed rounds ----
r=1
while [ "$r" -le "$rounds" ]; do
	# rotate the variants by one per round; alternate the modes
	order=$(echo "$variants" | awk -v r="$r" '{ for (i = 0; i < NF; i++)
		printf "%s ", $((i + r - 1) % NF + 1) }')
	mo=$modes
	[ $((r % 2)) = 0 ] && mo=$(echo "$modes" | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
	for w in $workloads; do
		for m in $mo; do
			line="[round $r/$rounds] $w $m:"
			for v in $order; do
				wl_run "$w" "$m" "$v" "$work/out"
				wall=$(kv wall_s "$work/t") cpu=$(kv cpu_s "$work/t")
				status=$(kv status "$work/t")
				case $w in
				getppid | openat) metric=$(kv ns_per_op "$work/out") ;;
				*) metric=$wall ;;
				esac
				[ -n "$metric" ] || { metric=0; status=${status:-255}; [ "$status" != 0 ] || status=254; }
				echo "run $r $m $w $v $metric $wall $cpu $status" >>"$raw"
				[ "$status" = 0 ] || echo "bench/tracer.sh: $w under $v ($m) exited $status" >&2
				line="$line $v=$metric"
			done
			echo "$line" >&2
		done
	done
	r=$((r + 1))
done
{
	echo "# meta load_after=$(cut -d' ' -f1 /proc/loadavg)"
	echo "# meta cpu_pressure_after=$(psi)"
	echo "# meta elapsed=$(($(date +%s) - start))"
} >>"$raw"
report
echo "bench/tracer.sh: done in $(($(date +%s) - start))s; raw data in $raw" >&2
