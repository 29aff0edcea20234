/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * probe: the target of tests/daemon/subscribe.test.  It makes one
 * getppid(2) call, the raw system call so that no libc cache answers
 * instead, and prints
 *
 *   pid PID nr NR getppid RESULT errno ERRNO
 *
 * with ERRNO 0 when the call succeeded.  It ends with _exit(): nothing
 * of a sanitizer's exit-time work runs under the supervisor.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int
main(void)
{
	long r;
	int e;

	errno = 0;
	r = syscall(SYS_getppid);
	e = r < 0 ? errno : 0;
	printf("pid %ld nr %d getppid %ld errno %d\n", (long)getpid(),
	       (int)SYS_getppid, r, e);
	fflush(stdout);
	_exit(ferror(stdout) ? 1 : 0);
}
