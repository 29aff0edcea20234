#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Configure and build in ./build (out of tree).  Extra arguments go to
# ./configure.  Reuses an existing build directory.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -x configure ] && [ configure -nt configure.ac ] || autoreconf -fi >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure --enable-werror "$@" >/dev/null
make -j"$(nproc)" >/dev/null
