#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what sandboxd needs from Debian 12's packages.
#   scripts/deps.sh build   what ./configure && make need
#   scripts/deps.sh test    that, plus what the whole test suite needs
# As root it runs apt-get; otherwise it prints the apt-get line and fails.
set -eu

profile=${1:-build}
build_pkgs="build-essential autoconf automake libtool pkgconf libseccomp-dev libjson-c-dev libcap-dev libbsd-dev check libsystemd-dev"
test_pkgs="$build_pkgs git mandoc python3 perl-base binutils tar gzip findutils diffutils coreutils strace procps clang libclang-rt-14-dev gperf dpkg-dev xz-utils ca-certificates util-linux crossbuild-essential-i386 gcc-aarch64-linux-gnu libc6-dev-arm64-cross systemd golang-github-containers-common"

case "$profile" in
build) pkgs=$build_pkgs ;;
test) pkgs=$test_pkgs ;;
*)
	echo "usage: scripts/deps.sh build|test" >&2
	exit 2
	;;
esac

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

# The test suite builds libseccomp's own regression suite from Debian's
# source package, which needs a deb-src entry; this adds one of our own.
srcfile=/etc/apt/sources.list.d/sandboxd-deb-src.sources
need_src=no
if [ "$profile" = test ] && ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ &&
	! grep -qs '^deb-src' /etc/apt/sources.list; then
	need_src=yes
fi

[ -z "$missing" ] && [ "$need_src" = no ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "sandboxd needs these Debian packages:$missing" >&2
	echo "Run as root:  apt-get update && apt-get install -y$missing" >&2
	[ "$need_src" = yes ] && echo "and add a deb-src entry for bookworm (see scripts/deps.sh)" >&2
	exit 1
fi

if [ "$need_src" = yes ]; then
	cat >"$srcfile" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
[ -z "$missing" ] || apt-get install -y -q --no-install-recommends $missing >/dev/null
echo "installed:$missing" >&2
