#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Compile what an aarch64 host would build of the register code, with the
# aarch64 cross compiler against its own libc and kernel headers: the
# aarch64 backend (src/arch/aarch64/regs.c) and the arch-neutral code that
# drives it (src/tracer/inject.c).  An x86_64 host cannot run it, but it
# must keep compiling.
#
#   scripts/check-aarch64.sh      exit 0 when all compile, 1 when one does
#                                 not, 77 (skip) without the compiler
#
# AARCH64_CC overrides the compiler (Debian: gcc-aarch64-linux-gnu).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cc=${AARCH64_CC:-aarch64-linux-gnu-gcc}

if ! command -v "$cc" >/dev/null 2>&1; then
	echo "check-aarch64: $cc not found (Debian: apt-get install gcc-aarch64-linux-gnu); skipped" >&2
	exit 77
fi

if ! echo '#include <sys/user.h>' | "$cc" -E -o /dev/null - 2>/dev/null; then
	echo "check-aarch64: $cc has no aarch64 libc headers (Debian: apt-get install libc6-dev-arm64-cross); skipped" >&2
	exit 77
fi

# The warnings configure's --enable-werror uses.
flags="-std=gnu11 -O2 -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes
	-Wshadow -Wpointer-arith -Wimplicit-fallthrough -Wno-unused-parameter
	-Werror"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

status=0
for src in src/arch/aarch64/regs.c src/tracer/inject.c; do
	obj=$out/$(basename "$src" .c).o
	# shellcheck disable=SC2086
	if "$cc" $flags -I"$top/src" -c -o "$obj" "$top/$src"; then
		echo "check-aarch64: $src: ok"
	else
		echo "check-aarch64: $src: does not compile for aarch64" >&2
		status=1
	fi
done
exit $status
