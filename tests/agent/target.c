/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * target: the confined probe of the tests in tests/agent.  Each notified
 * call is getppid(2) with arguments that tell the agent (agent.c) what to
 * do (ops.h); the probe then checks, from inside, what became of its fd
 * table, its threads and its memory.
 *
 *   target [-W FILE] [-T FILE] [-p] SUBCOMMAND [ARG]...
 *
 *   -W FILE  wait until FILE exists before anything else
 *   -T FILE  create FILE just before the first notified call
 *   -p	   print "pid=PID" first
 *
 * Every line is either compared with the same run under a kernel listener
 * (agent -k), or judged here: a line starting "FAIL:" is a broken
 * expectation, and makes the exit status 1.  Lines are written with one
 * write(2) each, so processes and threads do not mix them.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "notify/sandbox-notify.h"
#include "ops.h"

extern char **environ;

static atomic_uint fails;
static const char *touch_file;

static void
out(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, (size_t)n) < 0) {
		/* nowhere left to say it */
	}
	if (strncmp(line, "FAIL:", 5) == 0)
		fails++;
}

static void
touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd >= 0)
		close(fd);
}

/* The notified call.  Returns its result, or -errno. */
static long
notify(uint64_t op, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
       uint64_t a5)
{
	long r;

	if (touch_file) {
		touch(touch_file);
		touch_file = NULL;
	}
	r = syscall(SYS_getppid, op, a1, a2, a3, a4, a5);
	return r < 0 ? -errno : r;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *
errname(long e)
{
	const char *s = strerrorname_np((int)e);

	return s ? s : "E?";
}

/*
 * Open fds below @below, from /proc/self/fd (the one opendir uses left
 * out), or, in a full table where opendir has no fd to use, by asking
 * fcntl about each number.
 */
static int
count_fds(int below)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d) {
		int fd;

		/* the table is full only under the low limits set here */
		if (errno != EMFILE)
			return -1;
		for (fd = 0; fd < 1024 && fd < below; fd++)
			n += fcntl(fd, F_GETFD) >= 0;
		return n;
	}
	while ((e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd != dirfd(d) && fd < below)
			n++;
	}
	closedir(d);
	return n;
}

static int
lowest_free(void)
{
	int fd = 0;

	while (fcntl(fd, F_GETFD) >= 0)
		fd++;
	return fd;
}

static int
highest_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int hi = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd != dirfd(d) && fd > hi)
			hi = fd;
	}
	closedir(d);
	return hi;
}

/* Which of @files @fd is (by st_dev and st_ino), or -1. */
static int
which_file(int fd, char **files, int n)
{
	struct stat a, b;
	int i;

	if (fstat(fd, &a) < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (stat(files[i], &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino)
			return i;
	return -1;
}

static int
cloexec_of(int fd)
{
	int f = fcntl(fd, F_GETFD);

	return f < 0 ? -1 : !!(f & FD_CLOEXEC);
}

static int
devnull(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd < 0)
		out("FAIL: cannot open /dev/null: %s", strerror(errno));
	return fd;
}

/*
 * Only 0, 1 and 2 open, whatever the probe inherited, so that the numbers
 * are the same under the kernel and under sandbox-run.
 */
static void
normalize_fds(void)
{
	closefrom(3);
	while (lowest_free() < 3)
		if (devnull() < 0)
			break;
}

/* ---- ADDFD in a single-threaded process ---- */

static char **addfd_files;

/*
 * One notified call asking for ADDFD: print what came of it, and say FAIL
 * where it is not @want (an fd number, or -errno) with @want_file,
 * @want_cloexec and @want_delta more fds.
 */
static long
addfd_step(const char *name, unsigned int file, uint32_t flags, uint32_t newfd,
	   uint32_t newfd_flags, unsigned int count, long want, int want_file,
	   int want_cloexec, int want_delta)
{
	int before = count_fds(INT_MAX), delta, f, ce;
	long r = notify(AGENT_OP_ADDFD, file, flags, newfd, newfd_flags, count);

	delta = count_fds(INT_MAX) - before;
	if (r < 0) {
		out("%s: errno=%s nfds=%+d", name, errname(-r), delta);
		if (r != want || delta != 0)
			out("FAIL: %s: want %ld (%s), nfds +0", name, want,
			    want < 0 ? errname(-want) : "an fd");
		return r;
	}
	f = which_file((int)r, addfd_files, 2);
	ce = cloexec_of((int)r);
	out("%s: fd=%ld file=%d cloexec=%d nfds=%+d", name, r, f, ce, delta);
	if (r != want || f != want_file || ce != want_cloexec ||
	    delta != want_delta)
		out("FAIL: %s: want fd=%ld file=%d cloexec=%d nfds=%+d", name,
		    want, want_file, want_cloexec, want_delta);
	return r;
}

static void
set_nofile(rlim_t cur, rlim_t max)
{
	struct rlimit rl = { cur, max };

	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		out("FAIL: setrlimit(%lu, %lu): %s", (unsigned long)cur,
		    (unsigned long)max, strerror(errno));
}

static void
check_nofile(const char *name, rlim_t cur, rlim_t max)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		out("FAIL: getrlimit: %s", strerror(errno));
	else if (rl.rlim_cur != cur || rl.rlim_max != max)
		out("FAIL: %s: RLIMIT_NOFILE is %lu/%lu, not %lu/%lu", name,
		    (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max,
		    (unsigned long)cur, (unsigned long)max);
	else
		out("%s: RLIMIT_NOFILE unchanged", name);
}

/* Open /dev/null into every hole, then up to @at_least fds. */
static int
fill_table(int at_least)
{
	int lo;

	while ((lo = lowest_free()) < highest_open() || lo < at_least)
		if (devnull() < 0)
			return -1;
	return lo;
}

static int
cmd_addfd(int argc, char **argv)
{
	struct rlimit orig;
	int base, k, i;
	const uint32_t SETFD = SECCOMP_ADDFD_FLAG_SETFD,
		       SEND = SECCOMP_ADDFD_FLAG_SEND;

	if (argc != 3) {
		out("usage: addfd FILE0 FILE1");
		return 2;
	}
	addfd_files = argv + 1;
	normalize_fds();
	base = count_fds(INT_MAX);
	if (getrlimit(RLIMIT_NOFILE, &orig) < 0 || orig.rlim_cur < 64) {
		out("FAIL: RLIMIT_NOFILE too low to test");
		return 1;
	}
	/* 3, 4, 5 open, then 4 closed: the lowest free number is 4 */
	devnull();
	devnull();
	devnull();
	close(4);
	addfd_step("lowest", 0, 0, 0, 0, 1, 4, 0, 0, 1);
	addfd_step("cloexec", 1, 0, 0, O_CLOEXEC, 1, 6, 1, 1, 1);
	addfd_step("setfd-open", 0, SETFD, 3, 0, 1, 3, 0, 0, 0);
	addfd_step("setfd-open-cloexec", 1, SETFD, 5, O_CLOEXEC, 1, 5, 1, 1, 0);
	addfd_step("setfd-free", 1, SETFD, 40, 0, 1, 40, 1, 0, 1);
	addfd_step("setfd-again", 0, SETFD, 40, O_CLOEXEC, 1, 40, 0, 1, 0);
	addfd_step("send", 0, SEND, 0, 0, 1, 7, 0, 0, 1);
	addfd_step("send-setfd-cloexec", 1, SEND | SETFD, 41, O_CLOEXEC, 1, 41,
		   1, 1, 1);
	addfd_step("five", 0, 0, 0, 0, 5, 12, 0, 0, 5);
	addfd_step("newfd-without-setfd", 0, 0, 13, 0, 1, -EINVAL, -1, -1, 0);
	addfd_step("newfd-flags", 0, 0, 0, O_NONBLOCK, 1, -EINVAL, -1, -1, 0);
	addfd_step("unknown-flags", 0, 4, 0, 0, 1, -EINVAL, -1, -1, 0);
	addfd_step("setfd-at-limit", 0, SETFD, (uint32_t)orig.rlim_cur, 0, 1,
		   -EBADF, -1, -1, 0);
	addfd_step("setfd-int-max", 0, SETFD, INT_MAX, 0, 1, -EBADF, -1, -1, 0);
	addfd_step("setfd-all-ones", 0, SETFD, UINT32_MAX, 0, 1, -EBADF, -1, -1,
		   0);
	addfd_step("send-newfd-without-setfd", 0, SEND, 13, 0, 1, -EINVAL, -1,
		   -1, 0);
	closefrom(3);
	out("cleanup: nfds=%+d", count_fds(INT_MAX) - base);
	if (count_fds(INT_MAX) != base)
		out("FAIL: fds left behind");

	/* the RLIMIT_NOFILE edge: exactly one slot free, then none */
	k = fill_table(10);
	set_nofile((rlim_t)k + 1, orig.rlim_max);
	addfd_step("edge-one", 0, 0, 0, 0, 1, k, 0, 0, 1);
	addfd_step("edge-full", 0, 0, 0, 0, 1, -EMFILE, -1, -1, 0);
	addfd_step("edge-full-cloexec", 1, 0, 0, O_CLOEXEC, 1, -EMFILE, -1, -1,
		   0);
	addfd_step("edge-full-send", 0, SEND, 0, 0, 1, -EMFILE, -1, -1, 0);
	addfd_step("edge-setfd-at-limit", 1, SETFD, (uint32_t)k + 1, 0, 1,
		   -EBADF, -1, -1, 0);
	addfd_step("edge-setfd-replace", 1, SETFD, (uint32_t)k, O_CLOEXEC, 1, k,
		   1, 1, 0);
	addfd_step("edge-setfd-send-replace", 0, SETFD | SEND, 3, 0, 1, 3, 0, 0,
		   0);
	check_nofile("edge-full", (rlim_t)k + 1, orig.rlim_max);
	close(k);
	addfd_step("edge-send-one", 1, SEND, 0, 0, 1, k, 1, 0, 1);
	close(4);
	close(k);
	addfd_step("edge-hole", 0, 0, 0, 0, 1, 4, 0, 0, 1);
	addfd_step("edge-last", 1, 0, 0, O_CLOEXEC, 1, k, 1, 1, 1);
	addfd_step("edge-none", 0, 0, 0, 0, 1, -EMFILE, -1, -1, 0);
	check_nofile("edge-after", (rlim_t)k + 1, orig.rlim_max);

	/* a limit below open fds: only numbers under it count */
	set_nofile(orig.rlim_cur, orig.rlim_max);
	fill_table(k + 10);
	set_nofile((rlim_t)k, orig.rlim_max);
	close(5);
	addfd_step("below-hole", 0, 0, 0, 0, 1, 5, 0, 0, 1);
	addfd_step("below-none", 0, 0, 0, 0, 1, -EMFILE, -1, -1, 0);
	addfd_step("below-setfd-replace", 1, SETFD, 3, 0, 1, 3, 1, 0, 0);
	addfd_step("below-setfd-open-above", 0, SETFD, (uint32_t)k + 2, 0, 1,
		   -EBADF, -1, -1, 0);
	check_nofile("below", (rlim_t)k, orig.rlim_max);
	set_nofile(orig.rlim_cur, orig.rlim_max);

	for (i = 3; i <= k + 20; i++)
		close(i);
	out("done: nfds=%+d", count_fds(INT_MAX) - base);
	if (count_fds(INT_MAX) != base)
		out("FAIL: fds left behind");
	return fails ? 1 : 0;
}

/*
 * ADDFD into a process that is not dumpable: the kernel's ADDFD does not
 * care, and a supervisor that is not root cannot read or write its memory
 * through ptrace.
 */
static int
cmd_addfd_nondumpable(int argc, char **argv)
{
	const uint32_t SETFD = SECCOMP_ADDFD_FLAG_SETFD,
		       SEND = SECCOMP_ADDFD_FLAG_SEND;
	int base;

	if (argc != 3) {
		out("usage: addfd-nondumpable FILE0 FILE1");
		return 2;
	}
	addfd_files = argv + 1;
	normalize_fds();
	base = count_fds(INT_MAX);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		out("FAIL: PR_SET_DUMPABLE: %s", strerror(errno));
		return 1;
	}
	addfd_step("nondumpable", 0, 0, 0, 0, 1, 3, 0, 0, 1);
	addfd_step("nondumpable-setfd", 1, SETFD, 20, O_CLOEXEC, 1, 20, 1, 1,
		   1);
	addfd_step("nondumpable-send", 1, SEND, 0, 0, 1, 4, 1, 0, 1);
	out("nondumpable: PR_GET_DUMPABLE %d",
	    prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	closefrom(3);
	out("done: nfds=%+d", count_fds(INT_MAX) - base);
	return fails ? 1 : 0;
}

/*
 * The RLIMIT_NOFILE edge where the hard limit is the soft one, which the
 * process cannot raise again (without CAP_SYS_RESOURCE): one slot free,
 * then none.
 */
static int
cmd_addfd_hard(int argc, char **argv, bool nocap)
{
	int base, k;

	if (argc != 3) {
		out("usage: addfd-hardlimit FILE0 FILE1");
		return 2;
	}
	addfd_files = argv + 1;
	normalize_fds();
	base = count_fds(INT_MAX);
	k = fill_table(10);
	set_nofile((rlim_t)k + 1, (rlim_t)k + 1);
	if (nocap) {
		/* the documented difference: one slot is not enough */
		addfd_step("hard-one", 0, 0, 0, 0, 1, -EMFILE, -1, -1, 0);
		if (devnull() != k)
			out("FAIL: cannot fill slot %d", k);
	} else {
		addfd_step("hard-one", 0, 0, 0, 0, 1, k, 0, 0, 1);
	}
	addfd_step("hard-full", 0, 0, 0, 0, 1, -EMFILE, -1, -1, 0);
	addfd_step("hard-setfd-replace", 1, SECCOMP_ADDFD_FLAG_SETFD, 3,
		   O_CLOEXEC, 1, nocap ? -EMFILE : 3, 1, 1, 0);
	check_nofile("hard", (rlim_t)k + 1, (rlim_t)k + 1);
	close(k);
	addfd_step("hard-send", 1, SECCOMP_ADDFD_FLAG_SEND, 0, 0, 1,
		   nocap ? -EMFILE : k, 1, 0, 1);
	check_nofile("hard-after", (rlim_t)k + 1, (rlim_t)k + 1);
	closefrom(3);
	out("done: nfds=%+d", count_fds(INT_MAX) - base);
	return fails ? 1 : 0;
}

/* ---- ADDFD into one thread while its siblings juggle their fds ---- */

#define SIBLINGS   3
#define SIB_BASE   600 /* sibling i owns SIB_BASE + 20 i .. + 10 */
#define ADDFD_MANY 200

struct sibling {
	pthread_t th;
	int base;
	ino_t ino[2];
	atomic_ulong iters;
	unsigned long broken;
};

static atomic_bool stop_siblings;

static ino_t
ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) < 0 ? 0 : st.st_ino;
}

/*
 * dup2 over a number of its own, check it, close it, check it is gone,
 * and check the two fds it keeps: none of that may change while an
 * injection runs in another thread.
 */
static void *
sibling_main(void *p)
{
	struct sibling *s = p;
	int b = s->base;

	while (!stop_siblings) {
		if (dup2(b, b + 10) != b + 10 || ino_of(b + 10) != s->ino[0])
			s->broken++;
		if (close(b + 10) != 0)
			s->broken++;
		if (fcntl(b + 10, F_GETFD) != -1 || errno != EBADF)
			s->broken++;
		if (ino_of(b) != s->ino[0] || ino_of(b + 1) != s->ino[1])
			s->broken++;
		s->iters++;
	}
	return NULL;
}

static int
start_siblings(struct sibling *sib)
{
	int i, p[2];

	for (i = 0; i < SIBLINGS; i++) {
		sib[i].base = SIB_BASE + 20 * i;
		if (pipe(p) < 0 || dup2(p[0], sib[i].base) < 0 ||
		    dup2(p[1], sib[i].base + 1) < 0) {
			out("FAIL: sibling setup: %s", strerror(errno));
			return -1;
		}
		close(p[0]);
		close(p[1]);
		sib[i].ino[0] = ino_of(sib[i].base);
		sib[i].ino[1] = ino_of(sib[i].base + 1);
		if (pthread_create(&sib[i].th, NULL, sibling_main, &sib[i])) {
			out("FAIL: pthread_create");
			return -1;
		}
	}
	for (i = 0; i < SIBLINGS; i++)
		while (sib[i].iters < 10)
			sched_yield();
	return 0;
}

static void
stop_and_check_siblings(struct sibling *sib)
{
	unsigned long broken = 0;
	int i, ran = 0;

	stop_siblings = true;
	for (i = 0; i < SIBLINGS; i++) {
		pthread_join(sib[i].th, NULL);
		broken += sib[i].broken;
		ran += sib[i].iters > 10;
		if (ino_of(sib[i].base) != sib[i].ino[0] ||
		    ino_of(sib[i].base + 1) != sib[i].ino[1])
			broken++;
	}
	out("siblings: %d of %d ran on, %lu broken", ran, SIBLINGS, broken);
	if (broken)
		out("FAIL: the siblings' fds changed under them");
}

static int
cmd_threads(int argc, char **argv)
{
	struct sibling sib[SIBLINGS];
	unsigned long iters[SIBLINGS];
	int lo, before, i, f;
	long r;

	if (argc != 2) {
		out("usage: threads FILE");
		return 2;
	}
	addfd_files = argv + 1;
	normalize_fds();
	memset(sib, 0, sizeof(sib));
	if (start_siblings(sib) < 0)
		return 1;
	lo = lowest_free();
	before = count_fds(SIB_BASE);
	for (i = 0; i < SIBLINGS; i++)
		iters[i] = sib[i].iters;
	r = notify(AGENT_OP_ADDFD_SEQ, 0, ADDFD_MANY, (uint64_t)lo, 0, 0);
	for (i = 0, f = 0; i < SIBLINGS; i++)
		f += sib[i].iters > iters[i];
	/* held still while each injection runs, they run between */
	out("siblings: %d of %d ran during the ADDFDs", f, SIBLINGS);
	if (r < 0)
		out("many: errno=%s", errname(-r));
	else
		out("many: %ld of %d where expected", r, ADDFD_MANY);
	if (r != ADDFD_MANY)
		out("FAIL: want %d landed where expected", ADDFD_MANY);
	r = notify(AGENT_OP_ADDFD, 0, SECCOMP_ADDFD_FLAG_SETFD, 300, O_CLOEXEC,
		   1);
	out("setfd: %ld", r);
	if (r != 300)
		out("FAIL: want 300");
	r = notify(AGENT_OP_ADDFD, 0, SECCOMP_ADDFD_FLAG_SEND, 0, 0, 1);
	out("send: fd=%s", r == lo + ADDFD_MANY ? "next" : "elsewhere");
	if (r != lo + ADDFD_MANY)
		out("FAIL: want %d, got %ld", lo + ADDFD_MANY, r);
	stop_and_check_siblings(sib);
	for (i = 0, f = 0; i < ADDFD_MANY + 1; i++)
		f += which_file(lo + i, addfd_files, 1) == 0;
	f += which_file(300, addfd_files, 1) == 0 && cloexec_of(300) == 1;
	out("landed: %d of %d are the agent's file", f, ADDFD_MANY + 2);
	if (f != ADDFD_MANY + 2)
		out("FAIL: want all");
	out("nfds: %+d", count_fds(SIB_BASE) - before);
	if (count_fds(SIB_BASE) - before != ADDFD_MANY + 2)
		out("FAIL: want +%d", ADDFD_MANY + 2);
	for (i = 0; i < ADDFD_MANY + 1; i++)
		close(lo + i);
	close(300);
	out("cleanup: nfds=%+d", count_fds(SIB_BASE) - before);
	if (count_fds(SIB_BASE) != before)
		out("FAIL: fds left behind");
	return fails ? 1 : 0;
}

/* ---- ADDFD into a vfork child ---- */

static int
cmd_check_fd(int argc, char **argv)
{
	int fd;

	if (argc != 3)
		return 2;
	fd = atoi(argv[1]);
	addfd_files = argv + 2;
	out("exec: fd=%d file=%d cloexec=%d", fd,
	    which_file(fd, addfd_files, 1), cloexec_of(fd));
	return which_file(fd, addfd_files, 1) == 0 ? 0 : 1;
}

static int
cmd_vfork(int argc, char **argv)
{
	static volatile long got;
	static volatile int got_file, got_cloexec;
	char fdtext[24];
	int before, lo, status;
	pid_t pid;

	if (argc != 2) {
		out("usage: vfork FILE");
		return 2;
	}
	addfd_files = argv + 1;
	normalize_fds();
	before = count_fds(INT_MAX);
	lo = lowest_free();

	/* the child takes an fd, checks it, and _exits */
	pid = vfork();
	if (pid == 0) {
		got = notify(AGENT_OP_ADDFD, 0, SECCOMP_ADDFD_FLAG_SEND, 0,
			     O_CLOEXEC, 1);
		if (got >= 0) {
			got_file = which_file((int)got, addfd_files, 1);
			got_cloexec = cloexec_of((int)got);
		}
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		out("FAIL: vfork: %s", strerror(errno));
		return 1;
	}
	out("vfork-exit: child fd=%s file=%d cloexec=%d",
	    got == lo ? "lowest" : "elsewhere", got_file, got_cloexec);
	if (got != lo || got_file != 0 || got_cloexec != 1)
		out("FAIL: want the lowest free fd, the agent's file, cloexec");
	out("vfork-exit: parent nfds=%+d lowest=%s",
	    count_fds(INT_MAX) - before,
	    lowest_free() == lo ? "same" : "changed");
	if (count_fds(INT_MAX) != before || lowest_free() != lo)
		out("FAIL: the parent's fd table changed");

	/* the child takes an fd without O_CLOEXEC and execs */
	pid = vfork();
	if (pid == 0) {
		long r = notify(AGENT_OP_ADDFD, 0, 0, 0, 0, 1);
		char *args[] = { "target", "check-fd", fdtext, argv[1], NULL };

		if (r < 0)
			_exit(3);
		snprintf(fdtext, sizeof(fdtext), "%ld", r);
		execve("/proc/self/exe", args, environ);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		out("FAIL: vfork: %s", strerror(errno));
		return 1;
	}
	out("vfork-exec: child status %d",
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		out("FAIL: the exec'd child did not find the agent's file");
	out("vfork-exec: parent nfds=%+d lowest=%s",
	    count_fds(INT_MAX) - before,
	    lowest_free() == lo ? "same" : "changed");
	if (count_fds(INT_MAX) != before || lowest_free() != lo)
		out("FAIL: the parent's fd table changed");
	return fails ? 1 : 0;
}

/* ---- the state of a waiting thread ---- */

static void *
state_thread(void *p)
{
	long *r = p;

	*r = notify(AGENT_OP_STATE, 300, 0, 0, 0, 0);
	return NULL;
}

static int
cmd_state(void)
{
	pthread_t th;
	long r, tr;

	r = notify(AGENT_OP_STATE, 300, 0, 0, 0, 0);
	if (pthread_create(&th, NULL, state_thread, &tr) ||
	    pthread_join(th, NULL)) {
		out("FAIL: pthread");
		return 1;
	}
	out("state: main %c, thread %c", r > 0 ? (char)r : '?',
	    tr > 0 ? (char)tr : '?');
	if (r != 'S' || tr != 'S')
		out("FAIL: a waiting thread sleeps interruptibly (S)");
	return fails ? 1 : 0;
}

/*
 * A thread whose own filter refuses ppoll(2): sandbox-run cannot park it
 * there, so it waits in a ptrace stop (state t), still gets its answer,
 * and an ADDFD for it fails with EOPNOTSUPP (sandbox-run(1), DIFFERENCES
 * FROM KERNEL SECCOMP).  Under sandbox-run only.
 */
static int
cmd_own_filter(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ppoll, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };
	long r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		out("FAIL: seccomp: %s", strerror(errno));
		return 1;
	}
	r = notify(AGENT_OP_VAL, 4242, 0, 0, 0, 0);
	out("own-filter: answer %ld", r);
	if (r != 4242)
		out("FAIL: the answer did not come through");
	r = notify(AGENT_OP_STATE, 300, 0, 0, 0, 0);
	out("own-filter: state %c", r > 0 ? (char)r : '?');
	if (r != 't')
		out("FAIL: it waits in a ptrace stop (t)");
	r = notify(AGENT_OP_ADDFD, 0, 0, 0, 0, 1);
	out("own-filter: addfd %s", r < 0 ? errname(-r) : "an fd");
	if (r != -EOPNOTSUPP)
		out("FAIL: ADDFD is refused with EOPNOTSUPP");
	return fails ? 1 : 0;
}

/* ---- one call, and losing the agent ---- */

static void
print_result(const char *name, long r)
{
	if (r < 0)
		out("%s: errno=%s", name, errname(-r));
	else
		out("%s: ret=%ld", name, r);
}

static int
cmd_call(int argc, char **argv)
{
	uint64_t a[6] = { 0 };
	int i;

	if (argc < 2 || argc > 7) {
		out("usage: call OP [ARG]...");
		return 2;
	}
	for (i = 1; i < argc; i++)
		a[i - 1] = strtoull(argv[i], NULL, 0);
	print_result("call", notify(a[0], a[1], a[2], a[3], a[4], a[5]));
	return 0;
}

static int
cmd_loss(void)
{
	long long t;
	long r;

	/* the agent of generation 1 takes this one and goes away */
	print_result("pending", notify(AGENT_OP_DIE, 1, 55, 0, 0, 0));
	t = now_ms();
	r = notify(AGENT_OP_VAL, 7, 0, 0, 0, 0);
	t = now_ms() - t;
	print_result("later", r);
	if (r < 0 && t > 2000)
		out("FAIL: the later call took %lld ms to fail", t);
	return 0;
}

/* The supervisor must kill this process and its child. */
static int
cmd_kill(int argc, char **argv)
{
	char line[64];
	pid_t child;
	int fd, n;

	if (argc != 2)
		return 2;
	child = fork();
	if (child == 0) {
		for (;;)
			pause();
	}
	n = snprintf(line, sizeof(line), "%d %d\n", (int)getpid(), (int)child);
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		return 2;
	close(fd);
	print_result("pending", notify(AGENT_OP_DIE, 1, 55, 0, 0, 0));
	out("FAIL: the call returned");
	return 3;
}

/* ---- many calls from many threads and processes ---- */

struct load_counts {
	atomic_ulong ok, bad, calls;
};

struct load_arg {
	struct load_counts *c;
	unsigned int proc, thread, calls;
};

static void *
load_thread(void *p)
{
	struct load_arg *la = p;
	unsigned int seed = la->proc * 7919 + la->thread * 104729 + 1, i;

	for (i = 0; i < la->calls; i++) {
		uint64_t a1 = (uint64_t)la->proc << 20 |
			      (uint64_t)la->thread << 12 | i,
			 a2 = (uint64_t)rand_r(&seed) % 100000;
		long r = notify(AGENT_OP_LOAD, a1, a2, 0, 0, 0);

		la->c->calls++;
		if (r == (long)(a1 * 3 + a2 + 1)) {
			la->c->ok++;
		} else {
			la->c->bad++;
			out("FAIL: call %" PRIx64 ": %ld, not %" PRIu64, a1, r,
			    a1 * 3 + a2 + 1);
		}
	}
	return NULL;
}

static void
load_process(struct load_counts *c, unsigned int proc, unsigned int threads,
	     unsigned int calls)
{
	pthread_t th[64];
	struct load_arg la[64];
	unsigned int t;

	for (t = 0; t < threads; t++) {
		la[t] = (struct load_arg){ c, proc, t, calls };
		if (pthread_create(&th[t], NULL, load_thread, &la[t])) {
			out("FAIL: pthread_create");
			threads = t;
			break;
		}
	}
	for (t = 0; t < threads; t++)
		pthread_join(th[t], NULL);
}

static int
cmd_load(int argc, char **argv)
{
	unsigned int procs, threads, calls, p;
	struct load_counts *c;
	pid_t pids[64];
	long r;

	if (argc < 4) {
		out("usage: load PROCS THREADS CALLS [quitter]");
		return 2;
	}
	procs = (unsigned int)atoi(argv[1]);
	threads = (unsigned int)atoi(argv[2]);
	calls = (unsigned int)atoi(argv[3]);
	if (procs < 1 || procs > 64 || threads < 1 || threads > 64) {
		out("usage: at most 64 processes and 64 threads");
		return 2;
	}
	if (argc > 4) {
		/* the agent of generation 1 takes this one and leaves */
		r = notify(AGENT_OP_DIE, 1, 4242, 0, 0, 0);
		print_result("quitter", r);
		if (r != 4242)
			out("FAIL: want 4242 from another agent");
	}
	c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return 1;
	for (p = 0; p < procs; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			load_process(c, p, threads, calls);
			_exit(0);
		}
		if (pids[p] < 0) {
			out("FAIL: fork");
			procs = p;
			break;
		}
	}
	for (p = 0; p < procs; p++)
		waitpid(pids[p], NULL, 0);
	out("load: calls=%lu ok=%lu bad=%lu", (unsigned long)c->calls,
	    (unsigned long)c->ok, (unsigned long)c->bad);
	if (c->ok != (unsigned long)procs * threads * calls)
		out("FAIL: want %u calls answered right",
		    procs * threads * calls);
	return fails ? 1 : 0;
}

/* ---- READ_MEM ---- */

static char text[] = "the target's own bytes, read by the agent";

static void
want_read(const char *name, long r, const void *buf, size_t len)
{
	long want = (long)((uint64_t)len << 32 | agent_fnv1a(buf, len));

	if (r < 0)
		out("%s: errno=%s", name, errname(-r));
	else
		out("%s: %s, %ld bytes", name,
		    (r & 0xffffffffL) ==
			    (long)agent_fnv1a(buf, (unsigned long)(r >> 32))
			? "the target's bytes"
			: "other bytes",
		    r >> 32);
	if (r != want)
		out("FAIL: %s: want the target's %zu bytes", name, len);
}

static int
cmd_readmem(void)
{
	long page = sysconf(_SC_PAGESIZE), r;
	char *map, stackbuf[64];
	size_t big = SBX_READ_MEM_MAX;

	map = mmap(NULL, (size_t)page * 3, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return 1;
	for (long i = 0; i < page * 2; i++)
		map[i] = (char)(i * 31 + 7);
	munmap(map + page * 2, (size_t)page);
	snprintf(stackbuf, sizeof(stackbuf), "stack %d", (int)getpid());

	r = notify(AGENT_OP_READ_MEM, (uintptr_t)text, sizeof(text), 0, 0, 0);
	want_read("data", r, text, sizeof(text));
	r = notify(AGENT_OP_READ_MEM, (uintptr_t)stackbuf, sizeof(stackbuf), 0,
		   0, 0);
	want_read("stack", r, stackbuf, sizeof(stackbuf));
	/* the most one READ_MEM gives, across a page boundary */
	r = notify(AGENT_OP_READ_MEM, (uintptr_t)(map + page - 100), big, 0, 0,
		   0);
	want_read("largest", r, map + page - 100, big);
	r = notify(AGENT_OP_READ_MEM_STALE, (uintptr_t)text, 8, 0, 0, 0);
	print_result("answered-id", r);
	if (r != -ENOENT)
		out("FAIL: READ_MEM of an answered id: want ENOENT");
	r = notify(AGENT_OP_READ_MEM, (uintptr_t)(map + page * 2), 16, 0, 0, 0);
	print_result("unmapped", r);
	if (r != -EFAULT)
		out("FAIL: READ_MEM of an unmapped page: want EFAULT");
	r = notify(AGENT_OP_READ_MEM, 0, 16, 0, 0, 0);
	print_result("null", r);
	if (r != -EFAULT)
		out("FAIL: READ_MEM at 0: want EFAULT");
	/* partly mapped: the bytes up to the hole, or EFAULT */
	r = notify(AGENT_OP_READ_MEM, (uintptr_t)(map + page * 2 - 100), 200, 0,
		   0, 0);
	if (r == -EFAULT)
		out("partial: errno=EFAULT");
	else
		want_read("partial", r, map + page * 2 - 100, 100);

	r = notify(AGENT_OP_PROC_MEM, (uintptr_t)text, sizeof(text), 0, 0, 0);
	if (r < 0)
		out("note: /proc/PID/mem of the dumpable target: %s",
		    errname(-r));
	else
		out("note: /proc/PID/mem of the dumpable target: readable");

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		out("FAIL: PR_SET_DUMPABLE: %s", strerror(errno));
		return 1;
	}
	r = notify(AGENT_OP_PROC_MEM, (uintptr_t)text, sizeof(text), 0, 0, 0);
	print_result("nondumpable-proc-mem", r);
	if (r != -EACCES && r != -EPERM)
		out("FAIL: /proc/PID/mem of a non-dumpable target is not "
		    "refused to the agent: the test is not testing");
	r = notify(AGENT_OP_READ_MEM, (uintptr_t)text, sizeof(text), 0, 0, 0);
	want_read("nondumpable", r, text, sizeof(text));
	r = notify(AGENT_OP_READ_MEM, (uintptr_t)(map + page - 100), big, 0, 0,
		   0);
	want_read("nondumpable-largest", r, map + page - 100, big);
	r = notify(AGENT_OP_READ_MEM, (uintptr_t)(map + page * 2), 16, 0, 0, 0);
	print_result("nondumpable-unmapped", r);
	if (r != -EFAULT)
		out("FAIL: READ_MEM of an unmapped page: want EFAULT");
	r = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
	out("nondumpable: PR_GET_DUMPABLE %ld", r);
	if (r != 0)
		out("FAIL: the target is dumpable again");
	return fails ? 1 : 0;
}

/* ---- main ---- */

int
main(int argc, char **argv)
{
	const char *cmd;
	int opt;

	while ((opt = getopt(argc, argv, "+W:T:p")) != -1) {
		switch (opt) {
		case 'W': {
			long long end = now_ms() + 30000;

			while (access(optarg, F_OK) < 0 && now_ms() < end)
				usleep(10000);
			break;
		}
		case 'T':
			touch_file = optarg;
			break;
		case 'p':
			out("pid=%d", (int)getpid());
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		out("usage: target [-W FILE] [-T FILE] [-p] SUBCOMMAND [ARG]...");
		return 2;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (strcmp(cmd, "addfd") == 0)
		return cmd_addfd(argc, argv);
	if (strcmp(cmd, "addfd-hardlimit") == 0)
		return cmd_addfd_hard(argc, argv, false);
	if (strcmp(cmd, "addfd-hardlimit-nocap") == 0)
		return cmd_addfd_hard(argc, argv, true);
	if (strcmp(cmd, "addfd-nondumpable") == 0)
		return cmd_addfd_nondumpable(argc, argv);
	if (strcmp(cmd, "threads") == 0)
		return cmd_threads(argc, argv);
	if (strcmp(cmd, "vfork") == 0)
		return cmd_vfork(argc, argv);
	if (strcmp(cmd, "check-fd") == 0)
		return cmd_check_fd(argc, argv);
	if (strcmp(cmd, "state") == 0)
		return cmd_state();
	if (strcmp(cmd, "own-filter") == 0)
		return cmd_own_filter();
	if (strcmp(cmd, "call") == 0)
		return cmd_call(argc, argv);
	if (strcmp(cmd, "loss") == 0)
		return cmd_loss();
	if (strcmp(cmd, "kill") == 0)
		return cmd_kill(argc, argv);
	if (strcmp(cmd, "load") == 0)
		return cmd_load(argc, argv);
	if (strcmp(cmd, "readmem") == 0)
		return cmd_readmem();
	out("unknown subcommand %s", cmd);
	return 2;
}
