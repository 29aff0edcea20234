#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Copyright (C) 2026 The sandboxd authors
#
# Run by policies.test and profiles.test with PROGRAMS_POLICY or
# PROGRAMS_PROFILE set: what the policy refuses, and what it leaves alone,
# compared as every case in lib.sh is (the compiled filter in the kernel,
# sandbox-run in both modes given the file itself).  The cases depend on
# the file's name.
# shellcheck disable=SC1091,SC2016 # sourced at run time; the quoted
# scripts expand inside the sandbox
. "${abs_top_srcdir:?}/tests/lib/init.sh"
. "$abs_top_srcdir/tests/programs/lib.sh"

# show(WHAT, F): python3 code printing the errno name F fails with, or ok;
# c(NAME, ARG...): a libc call, as os has not all of them
py_errno='
import ctypes, errno, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
def c(name, *args):
    if getattr(libc, name)(*args) < 0:
        raise OSError(ctypes.get_errno(), name)
def show(what, f):
    try:
        f()
        print(what, "ok")
    except OSError as e:
        print(what, errno.errorcode[e.errno])
'

case ${PROGRAMS_POLICY:-${PROGRAMS_PROFILE:-}} in
*/ci.policy)
	if have_ ci-refused python3; then
		case_ ci-refused python3 -c "$py_errno"'
show("inet", lambda: socket.socket(socket.AF_INET))
show("inet6", lambda: socket.socket(socket.AF_INET6, socket.SOCK_DGRAM))
show("unix", lambda: socket.socket(socket.AF_UNIX).close())
show("unshare", lambda: c("unshare", 0x10000000))
show("setns", lambda: c("setns", 0, 0))
'
	fi
	if have_ ci-keyring keyctl; then
		case_want=fail
		case_ ci-keyring keyctl show
	fi
	;;
*/build-ro.policy)
	case_setup='mkdir d && echo data >d/f && echo more >d/g'
	if have_ ro-reads sh ls cat find tar wc grep sort; then
		case_ ro-reads sh -c '
			ls d; cat d/f d/g | sort
			find d -type f | sort
			tar cf - d | wc -c
			grep -r more d
			echo piped | tr a-z A-Z'
	fi
	case_setup='mkdir d && echo data >d/f'
	if have_ ro-writes sh touch mkdir rm mv ln chmod; then
		case_ ro-writes sh -c '
			touch d/new; echo "touch $?"
			echo x >d/f; echo "redirect $?"
			echo x >>d/f; echo "append $?"
			mkdir d/sub; echo "mkdir $?"
			rm d/f; echo "rm $?"
			mv d/f d/h; echo "mv $?"
			ln -s f d/l; echo "ln $?"
			chmod 600 d/f; echo "chmod $?"
			cat d/f'
	fi
	if have_ ro-python python3; then
		case_setup='echo data >f'
		case_ ro-python python3 -c "$py_errno"'
show("read", lambda: open("f").read())
show("write", lambda: open("f", "w"))
show("create", lambda: open("g", "x"))
show("unlink", lambda: os.unlink("f"))
show("inet", lambda: socket.socket(socket.AF_INET))
show("unix", lambda: socket.socket(socket.AF_UNIX).close())
'
	fi
	;;
*/docker.policy | *.json)
	# With the default capabilities of a container (the profile's
	# conditions decided for them, as docker.policy has them).
	if have_ docker-refused python3; then
		case_ docker-refused python3 -c "$py_errno"'
show("vsock", lambda: socket.socket(40, socket.SOCK_STREAM))
show("inet", lambda: socket.socket(socket.AF_INET).close())
show("unshare", lambda: c("unshare", 0x10000000))
'
	fi
	;;
*)
	framework_failure_ "no refusal cases for ${PROGRAMS_POLICY:-${PROGRAMS_PROFILE:-nothing}}"
	;;
esac
finish_
