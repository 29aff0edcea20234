#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Coverage-guided fuzzing of src/bpf, src/policy and src/notify for a
# bounded time.  Builds each harness in tests/fuzz with clang's libFuzzer,
# ASan and UBSan (the engine sources compiled in), runs it for SECONDS,
# and merges the inputs that found new coverage into tests/fuzz/corpus/
# HARNESS/, which make check replays.  Run from anywhere in the tree.
#
#   scripts/fuzz.sh [--minimize] [SECONDS]
#
# SECONDS is per harness (default 60).  --minimize also shrinks each
# corpus to a set with the same coverage, keeping the seed-* files.
# Environment: SANDBOXD_FUZZ_BUILD (build and work directory, default
# build-fuzz), FUZZ_CC (default clang), FUZZ_HARNESSES (default: all).
# Exit status: 0 no crash; 1 a harness crashed (the input that did it is
# named); 2 usage; 77 clang or libFuzzer is missing.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

minimize=no
secs=60
for a in "$@"; do
	case "$a" in
	--minimize) minimize=yes ;;
	-h | --help)
		sed -n '5,18s/^# \{0,1\}//p' "$0"
		exit 0
		;;
	*[!0-9]* | '')
		echo "usage: scripts/fuzz.sh [--minimize] [SECONDS]" >&2
		exit 2
		;;
	*) secs=$a ;;
	esac
done

build=${SANDBOXD_FUZZ_BUILD:-$top/build-fuzz}
cc=${FUZZ_CC:-clang}
harnesses=${FUZZ_HARNESSES:-"fuzz_loader fuzz_asm fuzz_policy fuzz_oci fuzz_notify fuzz_control fuzz_conf"}
mkdir -p "$build/artifacts" || exit 2

cflags="-std=gnu11 -g -O1 -fno-omit-frame-pointer -D_GNU_SOURCE \
-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
-I$top/src -I$top/tests/fuzz"

# Can this compiler build a libFuzzer target at all?
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; return (int)(n & 0); }' \
	>"$build/probe.c"
# shellcheck disable=SC2086
if ! "$cc" $cflags "$build/probe.c" -o "$build/probe" >"$build/probe.log" 2>&1; then
	echo "fuzz: cannot build libFuzzer targets with '$cc':" >&2
	sed 's/^/    /' "$build/probe.log" | tail -n 5 >&2
	echo "fuzz: install the Debian packages clang and libclang-rt-14-dev" \
		"(scripts/deps.sh test)" >&2
	exit 77
fi

# Build every harness; the engine is compiled straight from src/.
engine=$(ls "$top"/src/bpf/*.c "$top"/src/arch/*.c)
# fuzz_policy's .policy loader; its files include config.h, of which they
# need only the _GNU_SOURCE given above, so an empty one stands in.
engine="$engine $(ls "$top"/src/policy/policy.c "$top"/src/policy/file.c \
	"$top"/src/policy/lang.c "$top"/src/policy/consts.c "$top"/src/policy/groups.c)"
: >"$build/config.h"
cflags="$cflags -I$build $(pkg-config --cflags libbsd-overlay)"
# fuzz_oci's OCI loader, and the libraries it needs, after the sources
# that use them (for --as-needed linkers).
# fuzz_notify's agent hub; fuzz_control's control-protocol codec.
engine="$engine $top/src/policy/oci.c $top/src/policy/jsonpos.c \
	$top/src/notify/hub.c $top/src/notify/control.c \
	$top/src/policy/conf.c -ljson-c -lcap -lbsd"
# A harness lives in tests/fuzz, or beside the tests of what it fuzzes.
hdir() {
	if [ -f "$top/tests/fuzz/$1.c" ]; then
		echo "$top/tests/fuzz"
	else
		echo "$top/tests/conf"
	fi
}
for h in $harnesses; do
	[ -f "$(hdir "$h")/$h.c" ] || {
		echo "fuzz: no harness tests/fuzz/$h.c" >&2
		exit 2
	}
	rm -f "$build/$h"
	# shellcheck disable=SC2086
	"$cc" $cflags $engine "$top/tests/fuzz/checks.c" "$(hdir "$h")/$h.c" \
		-lseccomp -o "$build/$h" >"$build/$h.build.log" 2>&1 &
done
wait
for h in $harnesses; do
	if [ ! -x "$build/$h" ]; then
		cat "$build/$h.build.log" >&2
		echo "fuzz: building $h failed" >&2
		exit 2
	fi
done

export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}${UBSAN_OPTIONS:+:}print_stacktrace=1:halt_on_error=1"

crashed=0
for h in $harnesses; do
	corpus=$top/tests/fuzz/corpus/$h
	work=$build/$h.new
	merge=$build/$h.merge
	mkdir -p "$corpus"
	rm -rf "$work" "$merge"
	mkdir -p "$work"
	dict=
	[ -f "$(hdir "$h")/$h.dict" ] && dict=-dict=$(hdir "$h")/$h.dict
	before=$(ls "$corpus" | wc -l)

	# New finds go to $work; the checked-in corpus is only read.
	"$build/$h" -max_total_time="$secs" -max_len=4096 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$build/artifacts/$h-" $dict \
		"$work" "$corpus" >"$build/$h.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$h.log")
	if [ "$rc" -ne 0 ]; then
		crashed=1
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$build/$h.log" | tail -n 1)
		echo "fuzz: CRASH in $h (exit $rc); the input: ${crash:-none written}"
		grep -E 'BUG:|ERROR:|SUMMARY:|runtime error|#[0-9]+ 0x' "$build/$h.log" |
			head -n 30 | sed 's/^/    /'
		echo "    reproduce: $build/$h ${crash:-}"
		echo "    full log: $build/$h.log"
	fi

	# Keep only what adds coverage to the checked-in corpus.
	if [ "$minimize" = yes ]; then
		mkdir -p "$merge" "$build/$h.old"
		rm -rf "$build/$h.old"/*
		cp "$corpus"/seed-* "$merge"/ 2>/dev/null
		find "$corpus" -maxdepth 1 -type f ! -name 'seed-*' \
			-exec mv {} "$build/$h.old"/ \;
		"$build/$h" -merge=1 -use_counters=0 -max_len=4096 -timeout=10 "$merge" \
			"$build/$h.old" "$work" >"$build/$h.merge.log" 2>&1
	else
		mkdir -p "$merge"
		cp "$corpus"/* "$merge"/ 2>/dev/null
		"$build/$h" -merge=1 -use_counters=0 -max_len=4096 -timeout=10 "$merge" "$work" \
			>"$build/$h.merge.log" 2>&1
	fi
	mrc=$?
	if [ "$mrc" -ne 0 ]; then
		echo "fuzz: merging $h's corpus failed; see $build/$h.merge.log"
		[ "$minimize" = yes ] && cp "$build/$h.old"/* "$corpus"/ 2>/dev/null
		crashed=1
		continue
	fi
	for f in "$merge"/*; do
		[ -e "$corpus/${f##*/}" ] || cp "$f" "$corpus/"
	done
	after=$(ls "$corpus" | wc -l)
	echo "fuzz: $h: ${secs}s, ${runs:-?} runs, $([ "$rc" -eq 0 ] && echo "no crash" || echo CRASH);" \
		"corpus $before -> $after files"
	[ "$after" -le 300 ] ||
		echo "fuzz: $h's corpus has $after files; consider scripts/fuzz.sh --minimize"
done
exit $crashed
