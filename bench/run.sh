#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Build bench/bpf if needed and run it pinned to CPU 0:
#
#	bench/run.sh [BPF-OPTIONS...]
#
# which comes down to
#
#	cd BUILDDIR && make bench/bpf && taskset -c 0 bench/bpf -r 7 [BPF-OPTIONS...]
#
# BUILDDIR is $BUILDDIR if set, else the current directory if it holds a
# configured build (a Makefile), else build-bench/ in the source tree,
# configured with --enable-werror on first use.  Options given after -r 7
# override it (bench/bpf takes the last -r).  The results table for
# bench/README.md is everything this prints.
set -eu

srcdir=$(cd "$(dirname "$0")/.." && pwd)

if [ -n "${BUILDDIR:-}" ]; then
	builddir=$BUILDDIR
elif [ -f Makefile ] && grep -q '^bench_bpf_SOURCES' Makefile; then
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

make -C "$builddir" -s bench/bpf >&2

cd "$builddir"
if command -v taskset >/dev/null 2>&1; then
	exec taskset -c 0 bench/bpf -r 7 "$@"
fi
echo "bench/run.sh: taskset not found; running unpinned" >&2
exec bench/bpf -r 7 "$@"
