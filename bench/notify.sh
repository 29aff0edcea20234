#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Notifications: what a user notification and an fd injection cost, in
# ptrace stops and in microseconds, next to their floors measured in the
# same rounds.
#
#	bench/notify.sh [-q] [-r ROUNDS] [-t MS] [--modes unpinned,pinned]
#			[-o RAWFILE] [--no-count]
#	bench/notify.sh --report RAWFILE
#
# Each round runs every variant below once, unpinned and pinned to CPU 0
# (taskset -c 0 on everything: supervisor, target and agent), in an order
# that rotates from round to round.  Differences are taken inside a round
# and mode (variant - native, and the like); the tables show the median
# over rounds with its min-max.  The target is bench/notify target: it
# calls getppid() in a loop for MS milliseconds and reports us per call.
#
# Variants:
#   pingpong        bench/notify pingpong: the records of one notification
#                   on a bare socketpair (rt: NOTIF->SEND; cycle: NOTIF,
#                   SEND, STATUS, RECV), the floor of any agent
#   pingpong-x      the same with its two ends on two different CPUs
#                   (unpinned mode only)
#   native          the target alone
#   reftrace        bench/reftrace -t getppid: one minimal seccomp stop
#                   per call, the floor of any ptrace stop
#   sr-deny         sandbox-run, "getppid: errno(EPERM)": a stop that
#                   sandbox-run decides itself
#   errno           sandbox-run, "getppid: notify", agent answers -EPERM
#   continue        the same, agent answers CONTINUE
#   addfd           the same, agent answers ADDFD|SEND of /dev/null
#   addfd-setfd     the same, ADDFD|SETFD|SEND onto fd 64
#   addfd-then-send the same, ADDFD without SEND, then SEND of the fd
#
# Before the rounds, an untimed pass counts, for each variant, unpinned and
# pinned, with N and 2N calls (the difference over N is per call, start-up
# cancelled): sandbox-run's stops and syscall_stops (the "exit" event of
# --log), reftrace's stops (-v), the agent's answers, and, where perf can
# read the sched:sched_switch tracepoint, the stops the kernel saw: every
# switch-out in TASK_TRACED (a tracer's ptrace request waits for the tracee
# to be off the CPU, so each stop is one).  It also counts, with strace -c
# on the supervisor alone, the supervisor's system calls per call.  One
# more variant is counted only: addfd-then-send+watch, under a policy whose
# prefilter stops ppoll, for the park's own stop.
#
# -q is a smoke run: 3 rounds unless -r is given, 150 ms runs, fewer
# calls.  The Markdown tables go to stdout, progress to stderr, and one
# line per run to RAWFILE (default bench/notify-raw.txt in the build
# directory), which --report prints again.  The build directory is found
# as bench/run.sh finds it.  Needs util-linux (taskset), coreutils
# (timeout) and an awk; perf and strace are used for counting if present.
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)
cmdline="bench/notify.sh $*"

rounds=
quick=0
modes="unpinned pinned"
raw=
count=1
report_only=
ms=

usage() {
	if [ "$1" = 0 ]; then
		sed -n '/^# Notifications: /,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
	else
		sed -n '/^#	bench\/notify.sh \[/,/^#	bench\/notify.sh --report/p' "$0" |
			sed 's/^#[[:space:]]*//; 1s/^/usage: /; 2,$s/^/       /' >&2
	fi
	exit "$1"
}

die() {
	echo "bench/notify.sh: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	-r) [ $# -ge 2 ] || usage 2; rounds=$2; shift ;;
	-t) [ $# -ge 2 ] || usage 2; ms=$2; shift ;;
	-q) quick=1 ;;
	--modes) [ $# -ge 2 ] || usage 2; modes=$(echo "$2" | tr , ' '); shift ;;
	-o) [ $# -ge 2 ] || usage 2; raw=$2; shift ;;
	--no-count) count=0 ;;
	--report) [ $# -ge 2 ] || usage 2; report_only=$2; shift ;;
	-h | --help) usage 0 ;;
	*) usage 2 ;;
	esac
	shift
done
for m in $modes; do
	case $m in unpinned | pinned) ;; *) die "--modes: unknown mode '$m'" ;; esac
done
if [ "$quick" = 1 ]; then
	rounds=${rounds:-3} ms=${ms:-150} pp_n=3000 count_n=200
else
	rounds=${rounds:-5} ms=${ms:-400} pp_n=10000 count_n=500
fi
case $rounds in '' | *[!0-9]* | 0) die "-r: a positive number please" ;; esac
case $ms in '' | *[!0-9]* | 0) die "-t: a positive number of ms please" ;; esac

# ---- the tables ----

meta() {
	sed -n "s/^# meta $1=//p" "$raw" | head -n 1
}

psi() {
	sed -n 's/^some avg10=[^ ]* avg60=\([^ ]*\).*/\1/p' /proc/pressure/cpu 2>/dev/null
}

report() {
	cat <<EOH
### Notifications: $(meta started)

Command: \`$(meta command)\` (build: \`$(meta build)\`); rounds: $(meta rounds); tree $(meta tree).
Machine: $(meta machine); load average $(meta load_before) before, $(meta load_after) after (CPU pressure, some avg60: $(meta cpu_pressure_before) before, $(meta cpu_pressure_after) after); $(meta elapsed) s in all.
Sizes: $(meta sizes).
Raw data: \`$raw\`.
EOH
	sed -n 's/^# meta note=/- /p' "$raw"
	echo
	awk -v modes="$(meta modes)" '
function sortn(a, n,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}
# median, min and max of a[1..n] into MED, MIN, MAX; returns n
function stats(a, n) {
	if (!n)
		return 0
	sortn(a, n)
	MED = n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	MIN = a[1]
	MAX = a[n]
	return n
}
function ok(m, v, r) {
	return ((m, v, r) in val) && st[m, v, r] == 0
}
function fus(x) {
	return x < 10 ? sprintf("%.2f", x) : x < 1000 ? sprintf("%.1f", x) : sprintf("%.0f", x)
}
function cell() {
	return fus(MED) " [" fus(MIN) "-" fus(MAX) "]"
}
function fx(x) {
	return sprintf("%.2f", x)
}
# raw µs per call of variant v in mode m, over the rounds
function raw_cell(m, v,    r, n, a) {
	n = 0
	for (r = 1; r <= maxr; r++)
		if (ok(m, v, r))
			a[++n] = val[m, v, r]
	return stats(a, n) ? cell() : "-"
}
# per call: per N calls, from the N and 2N counting runs
function per(m, v, k) {
	if (!((m, v, k, 1) in cnt) || !((m, v, k, 2) in cnt) || cnt[m, v, k, 1] == "" || cnt[m, v, k, 2] == "")
		return ""
	return (cnt[m, v, k, 2] - cnt[m, v, k, 1]) / (cn[m, v, 2] - cn[m, v, 1])
}
function fper(x) {
	return x == "" ? "-" : sprintf("%.2f", x)
}
# stops per call for the floor: the kernel count if there is one
function kst(v,    x, mi) {
	for (mi = 1; mi <= nm; mi++) {
		x = per(M[mi], v, "kstops")
		if (x != "")
			return x
	}
	for (mi = 1; mi <= nm; mi++) {
		x = per(M[mi], v, "stops")
		if (x != "")
			return x
	}
	return ""
}
# in-round derived quantity q in mode m and round r into D; false if
# a run it needs is missing or failed
function derive(q, m, r,    stop, cyc, rt, k) {
	if (!ok(m, "native", r))
		return 0
	if (q == "stop") {
		if (!ok(m, "reftrace", r))
			return 0
		D = val[m, "reftrace", r] - val[m, "native", r]
		F = -1
		return 1
	}
	if (q == "addfd-own") {
		if (!ok(m, "addfd", r) || !ok(m, "errno", r))
			return 0
		D = val[m, "addfd", r] - val[m, "errno", r]
	} else {
		if (!ok(m, q, r))
			return 0
		D = val[m, q, r] - val[m, "native", r]
	}
	F = -1
	# the floor: its stops at the minimal stop cost, plus the agent
	if (!ok(m, "reftrace", r) || !ok(m, "pingpong-cycle", r))
		return 1
	stop = val[m, "reftrace", r] - val[m, "native", r]
	cyc = val[m, "pingpong-cycle", r]
	rt = ok(m, "pingpong-rt", r) ? val[m, "pingpong-rt", r] : 0
	if (q == "addfd-own") {
		if (kst("addfd") == "" || kst("errno") == "")
			return 1
		k = kst("addfd") - kst("errno")
		F = k * stop
		return 1
	}
	k = kst(q)
	if (k == "")
		return 1
	F = k * stop
	if (q != "sr-deny")
		F += cyc
	if (q == "addfd-then-send")
		F += rt
	return 1
}
$1 == "run" {
	val[$3, $4, $2] = $5
	st[$3, $4, $2] = $6
	if ($2 > maxr)
		maxr = $2
}
# count MODE VARIANT IDX n=N key=value...
$1 == "count" {
	for (i = 5; i <= NF; i++) {
		k = $i; sub(/=.*/, "", k)
		x = $i; sub(/^[^=]*=/, "", x)
		if (k == "n")
			cn[$2, $3, $4] = x
		else
			cnt[$2, $3, k, $4] = x
	}
	counted[$3] = 1
	if (!(($2, $3) in seen)) {
		seen[$2, $3] = 1
		cv[++ncv, "m"] = $2
		cv[ncv, "v"] = $3
	}
}
$1 == "sys" {
	# sys MODE VARIANT IDX NAME CALLS
	sc[$2, $3, $5, $4] = $6
	if (!(($3, $5) in sname)) {
		sname[$3, $5] = 1
		snames[$3] = snames[$3] " " $5
	}
	sysv[$2, $3] = 1
}
END {
	nm = split(modes, M, " ")
	split("pingpong-rt pingpong-cycle pingpong-x-rt pingpong-x-cycle native reftrace sr-deny errno continue addfd addfd-setfd addfd-then-send", V, " ")
	nv = 12

	printf "#### Per call: µs, median [min-max] over the rounds\n\n"
	printf "| variant |"
	for (mi = 1; mi <= nm; mi++)
		printf " %s |", M[mi]
	printf "\n|---|"
	for (mi = 1; mi <= nm; mi++)
		printf "---|"
	printf "\n"
	for (i = 1; i <= nv; i++) {
		printf "| %s |", V[i]
		for (mi = 1; mi <= nm; mi++)
			printf " %s |", raw_cell(M[mi], V[i])
		printf "\n"
	}
	printf "\n"

	split("stop sr-deny errno continue addfd addfd-own addfd-setfd addfd-then-send", Q, " ")
	nq = 8
	lab["stop"] = "minimal ptrace stop (reftrace - native)"
	lab["sr-deny"] = "sandbox-run decides a call itself (sr-deny - native)"
	lab["errno"] = "notification answered with an errno (errno - native)"
	lab["continue"] = "notification answered with CONTINUE (continue - native)"
	lab["addfd"] = "notification answered with ADDFD|SEND (addfd - native)"
	lab["addfd-own"] = "what the injection adds (addfd - errno)"
	lab["addfd-setfd"] = "ADDFD|SETFD|SEND onto fd 64 (addfd-setfd - native)"
	lab["addfd-then-send"] = "ADDFD, then SEND (addfd-then-send - native)"
	printf "#### What each costs: µs added per call, median [min-max] of the in-round differences\n\n"
	printf "`floor`: the same number of minimal stops (reftrace) plus, for notifications, one pingpong cycle (and one more round trip for addfd-then-send), in the same round. `x floor`: median of the in-round ratios.\n\n"
	printf "| what | stops |"
	for (mi = 1; mi <= nm; mi++)
		printf " µs %s | floor %s | x floor %s |", M[mi], M[mi], M[mi]
	printf "\n|---|---|"
	for (mi = 1; mi <= nm; mi++)
		printf "---|---|---|"
	printf "\n"
	for (i = 1; i <= nq; i++) {
		q = Q[i]
		if (q == "stop")
			k = kst("reftrace")
		else if (q == "addfd-own")
			k = (kst("addfd") != "" && kst("errno") != "") ? kst("addfd") - kst("errno") : ""
		else
			k = kst(q)
		printf "| %s | %s |", lab[q], fper(k)
		for (mi = 1; mi <= nm; mi++) {
			m = M[mi]
			n = nf = nr = 0
			delete a; delete b; delete c
			for (r = 1; r <= maxr; r++) {
				if (!derive(q, m, r))
					continue
				a[++n] = D
				if (F > 0) {
					b[++nf] = F
					c[++nr] = D / F
				}
			}
			printf " %s |", stats(a, n) ? cell() : "-"
			printf " %s |", stats(b, nf) ? fus(MED) : "-"
			printf " %s |", stats(c, nr) ? "x" fx(MED) " [" fx(MIN) "-" fx(MAX) "]" : "-"
		}
		printf "\n"
	}
	printf "\n"

	if (!ncv)
		exit
	printf "#### Stops per call (counting pass: runs of %s and %s calls, the difference divided by %s)\n\n", cn[cv[1, "m"], cv[1, "v"], 1], cn[cv[1, "m"], cv[1, "v"], 2], cn[cv[1, "m"], cv[1, "v"], 2] - cn[cv[1, "m"], cv[1, "v"], 1]
	printf "`kernel`: switch-outs in TASK_TRACED (perf, sched:sched_switch), every stop of every kind. `stops`, `syscall_stops`: sandbox-run'"'"'s own counters (the \"exit\" event of --log); reftrace'"'"'s stops for reftrace. `answered`: the agent'"'"'s answers per call (1: none lost, none twice). `supervisor calls`: system calls of sandbox-run'"'"'s own process per call (strace -c).\n\n"
	printf "| variant | mode | kernel | stops | syscall_stops | answered | supervisor calls |\n"
	printf "|---|---|---|---|---|---|---|\n"
	for (i = 1; i <= ncv; i++) {
		m = cv[i, "m"]; v = cv[i, "v"]
		printf "| %s | %s | %s | %s | %s | %s |", v, m, fper(per(m, v, "kstops")), fper(per(m, v, "stops")), fper(per(m, v, "syscall_stops")), fper(per(m, v, "answered"))
		s = ""
		if ((m, v) in sysv) {
			ns = split(snames[v], SN, " ")
			tot = 0
			for (j = 1; j <= ns; j++) {
				x = sc[m, v, SN[j], 2] - sc[m, v, SN[j], 1]
				x /= cn[m, v, 2] - cn[m, v, 1]
				tot += x
				if (x >= 0.5)
					s = s (s ? ", " : "") SN[j] " " sprintf("%.0f", x)
			}
			s = sprintf("%.0f: ", tot) s
		}
		printf " %s |\n", s ? s : "-"
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

for tool in taskset timeout awk; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install util-linux coreutils mawk)"
done

# ---- the build ----
if [ -n "${BUILDDIR:-}" ]; then
	builddir=$BUILDDIR
elif [ -f Makefile ] && grep -q '^bench_notify_SOURCES' Makefile; then
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
make -C "$builddir" -s bench/notify bench/reftrace >&2
NOTIFY=$builddir/bench/notify
REFTRACE=$builddir/bench/reftrace
SR=$builddir/sandbox-run
raw=${raw:-$builddir/bench/notify-raw.txt}

work=$(mktemp -d "${TMPDIR:-/tmp}/notify-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

printf 'default allow\ngetppid: errno(EPERM)\n' >"$work/deny.policy"
printf 'default allow\ngetppid: notify\n' >"$work/notify.policy"
# the same, but the prefilter stops every ppoll to check its argument
printf 'default allow\ngetppid: notify\nppoll: arg1 == 12345; errno(EPERM)\n' \
	>"$work/watch.policy"

variants="pingpong pingpong-x native reftrace"
[ "$(nproc)" -ge 2 ] || variants="pingpong native reftrace"
notes=
if make -C "$builddir" -s sandbox-run >"$work/sr-build.log" 2>&1 &&
	"$SR" --policy "$work/notify.policy" --agent-socket "$work/probe.sock" \
		-- /bin/true 2>>"$work/sr-build.log"; then
	variants="$variants sr-deny errno continue addfd addfd-setfd addfd-then-send"
else
	notes="sandbox-run did not build or run here ($(tail -n 1 "$work/sr-build.log")), so only the floors were measured."
fi

perf_ok=0
if command -v perf >/dev/null 2>&1 &&
	perf stat -e sched:sched_switch --filter 'prev_state == 8' -x, \
		-o "$work/perf" -- /bin/true 2>/dev/null; then
	perf_ok=1
fi
strace_ok=0
command -v strace >/dev/null 2>&1 && strace_ok=1

# ---- one run ----

# run_one MODE VARIANT OUT [N]: one run of VARIANT; the target's (or
# pingpong's) stdout goes to OUT, its status (or the agent's, if that
# failed) to $rc.  With N, a counting run of N calls: with $wrap set
# ("perf" or "strace") it runs under that, and sandbox-run logs to
# $work/sr.log unless under strace.
run_one() {
	_m=$1 _v=$2 _out=$3 _n=${4:-}
	_pin=
	[ "$_m" = pinned ] && _pin="taskset -c 0"
	_t="-t $ms"
	[ -n "$_n" ] && _t="-n $_n"
	# the log costs system calls of its own: not under strace
	_log=false
	[ -n "$_n" ] && [ "${wrap:-}" != strace ] && _log=true
	_answer='' _pol=$work/notify.policy _e=ppid
	case $_v in
	pingpong)
		set -- "$NOTIFY" pingpong -n "$pp_n" ;;
	pingpong-x)
		set -- "$NOTIFY" pingpong -n "$pp_n" -x ;;
	native)
		set -- "$NOTIFY" target $_t -e ppid ;;
	reftrace)
		_rv=
		[ -n "$_n" ] && _rv=-v
		set -- "$REFTRACE" $_rv -t getppid -- "$NOTIFY" target $_t -e ppid ;;
	sr-deny)
		set -- "$SR" --policy "$work/deny.policy" ;;
	errno) _answer=errno _e=eperm ;;
	continue) _answer=continue _e=ppid ;;
	addfd) _answer=addfd _e=fd ;;
	addfd-setfd) _answer=addfd-setfd _e=fd ;;
	addfd-then-send) _answer=addfd-then-send _e=fd ;;
	addfd-then-send+watch)
		_answer=addfd-then-send _e=fd _pol=$work/watch.policy ;;
	*) die "unknown variant $_v" ;;
	esac
	case $_v in
	sr-deny)
		$_log && set -- "$@" --log "$work/sr.log"
		set -- "$@" -- "$NOTIFY" target $_t -e eperm ;;
	errno | continue | addfd*)
		rm -f "$work/agent.sock"
		set -- "$SR" --policy "$_pol" --agent-socket "$work/agent.sock"
		$_log && set -- "$@" --log "$work/sr.log"
		set -- "$@" -- "$NOTIFY" target $_t -e "$_e" ;;
	esac
	case ${wrap:-} in
	perf) set -- perf stat -e sched:sched_switch --filter 'prev_state == 8' \
		-x, -o "$work/perf" -- "$@" ;;
	strace) set -- strace -c -U name,calls -o "$work/strace" "$@" ;;
	esac
	: >"$work/agent.err"
	if [ -n "$_answer" ]; then
		$_pin timeout -k 5 300 "$NOTIFY" agent "$work/agent.sock" \
			"$_answer" 2>"$work/agent.err" &
		_apid=$!
	fi
	rc=0
	$_pin timeout -k 5 300 "$@" >"$_out" 2>>"$work/stderr.log" || rc=$?
	if [ -n "$_answer" ]; then
		_arc=0
		wait "$_apid" || _arc=$?
		cat "$work/agent.err" >>"$work/stderr.log"
		[ "$rc" != 0 ] || rc=$_arc
	fi
	return 0
}

# kv KEY FILE: the value of the last KEY=value (or "KEY":value) in FILE.
kv() {
	sed -n "s/^\(.*[\" ]\)\{0,1\}$1\"\{0,1\}[=:]\([0-9.]*\).*/\2/p" "$2" |
		tail -n 1
}

# ---- the counting pass ----
: >"$raw"
{
	echo "# bench/notify.sh raw data"
	echo "# meta started=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "# meta command=$cmdline"
	echo "# meta build=$builddir"
	echo "# meta tree=$(git -C "$srcdir" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "# meta machine=$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), Linux $(uname -r)"
	echo "# meta rounds=$rounds"
	echo "# meta sizes=target runs of $ms ms, pingpong $pp_n round trips and cycles, counting runs of $count_n and $((2 * count_n)) calls"
	echo "# meta variants=$variants"
	echo "# meta modes=$modes"
	[ -z "$notes" ] || echo "# meta note=$notes"
	[ "$perf_ok" = 1 ] || echo "# meta note=perf cannot read sched:sched_switch here: no kernel count of the stops."
	echo "# meta load_before=$(cut -d' ' -f1 /proc/loadavg)"
	echo "# meta cpu_pressure_before=$(psi)"
	echo "# run ROUND MODE VARIANT US_PER_CALL STATUS"
	echo "# count MODE VARIANT 1|2 n=CALLS KEY=VALUE..."
	echo "# sys MODE VARIANT 1|2 SYSCALL CALLS (strace -c of the supervisor)"
} >>"$raw"
start=$(date +%s)
if [ "$count" = 1 ]; then
	cvariants=
	for v in $variants; do
		case $v in pingpong* | native) ;; *) cvariants="$cvariants $v" ;; esac
	done
	case " $variants " in
	*" addfd-then-send "*) cvariants="$cvariants addfd-then-send+watch" ;;
	esac
	for m in $modes; do
		for v in $cvariants; do
			echo "counting: $v $m" >&2
			for i in 1 2; do
				n=$((i * count_n))
				rm -f "$work/sr.log" "$work/perf"
				wrap=
				[ "$perf_ok" = 1 ] && wrap=perf
				: >"$work/stderr.log"
				run_one "$m" "$v" "$work/out" "$n"
				k=
				[ "$perf_ok" = 1 ] && k=$(awk -F, '/sched:sched_switch/ { print $1 }' "$work/perf")
				line="count $m $v $i n=$n kstops=${k:-} status=$rc"
				case $v in
				reftrace)
					line="$line stops=$(kv stops "$work/stderr.log")" ;;
				*)
					grep '"event":"exit"' "$work/sr.log" >"$work/sr.exit" 2>/dev/null || :
					line="$line stops=$(kv stops "$work/sr.exit") syscall_stops=$(kv syscall_stops "$work/sr.exit")"
					case $v in
					sr-deny) ;;
					*) line="$line answered=$(kv answered "$work/agent.err")" ;;
					esac
					;;
				esac
				echo "$line" >>"$raw"
				[ "$rc" = 0 ] || echo "bench/notify.sh: counting $v ($m, $n calls) exited $rc" >&2
				# the supervisor's own system calls
				case $v in reftrace) continue ;; esac
				[ "$strace_ok" = 1 ] || continue
				wrap=strace
				run_one "$m" "$v" "$work/out" "$n"
				wrap=
				[ "$rc" = 0 ] || continue
				awk -v p="sys $m $v $i" 'NR > 2 && $1 !~ /^-/ && $1 != "total" && NF == 2 { print p, $1, $2 }' \
					"$work/strace" >>"$raw"
			done
		done
	done
fi

# ---- the timed rounds ----
r=1
while [ "$r" -le "$rounds" ]; do
	order=$(echo "$variants" | awk -v r="$r" '{ for (i = 0; i < NF; i++)
		printf "%s ", $((i + r - 1) % NF + 1) }')
	mo=$modes
	[ $((r % 2)) = 0 ] && mo=$(echo "$modes" | awk '{ for (i = NF; i; i--) printf "%s ", $i }')
	for m in $mo; do
		line="[round $r/$rounds] $m:"
		for v in $order; do
			# one CPU has no two CPUs to cross
			[ "$v" = pingpong-x ] && [ "$m" = pinned ] && continue
			run_one "$m" "$v" "$work/out"
			if [ "$v" = pingpong ] || [ "$v" = pingpong-x ]; then
				x=$(kv rt_us "$work/out") y=$(kv cycle_us "$work/out")
				[ -n "$x" ] && [ -n "$y" ] || { x=0 y=0; [ "$rc" != 0 ] || rc=254; }
				echo "run $r $m $v-rt $x $rc" >>"$raw"
				echo "run $r $m $v-cycle $y $rc" >>"$raw"
				line="$line $v=$x/$y"
			else
				x=$(kv us_per_call "$work/out")
				[ -n "$x" ] || { x=0; [ "$rc" != 0 ] || rc=254; }
				echo "run $r $m $v $x $rc" >>"$raw"
				line="$line $v=$x"
			fi
			[ "$rc" = 0 ] || echo "bench/notify.sh: $v ($m) exited $rc" >&2
		done
		echo "$line" >&2
	done
	r=$((r + 1))
done
{
	echo "# meta load_after=$(cut -d' ' -f1 /proc/loadavg)"
	echo "# meta cpu_pressure_after=$(psi)"
	echo "# meta elapsed=$(($(date +%s) - start))"
} >>"$raw"
report
echo "bench/notify.sh: done in $(($(date +%s) - start))s; raw data in $raw" >&2
