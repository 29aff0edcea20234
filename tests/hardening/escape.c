/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * escape: tries to get out of sandbox-run, one route per subcommand (the
 * list is in tests/hardening/README.md).  It runs as the confined
 * command; its parent is then the supervisor.
 *
 *   escape SUBCOMMAND [ARG]...
 *
 * Each check prints one line: "ok: ..." when the sandbox held, "ESCAPE:
 * ..." when it did not, "BROKEN: ..." when something the contract
 * promises to keep working did not, "note: ..." for what is only worth
 * knowing, and "result: ..." for lines the tests compare with the kernel's.
 * A run that got to its end prints "done".  Exit status: 0 when nothing
 * escaped or broke, 1 otherwise, 77 when the route cannot be tried here.
 *
 * Unless a subcommand says otherwise, the chain must deny getppid with
 * EPERM (mkfilter deny getppid): that is the call every check uses to see
 * that a task is still confined, so the supervisor's pid is read from
 * /proc instead.  Calls under test are made with raw syscall instructions,
 * so no libc wrapper (and no errno) comes between the kernel and the check,
 * and they stay usable in threads made with a bare clone().
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/sockios.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef PIDFD_SIGNAL_PROCESS_GROUP
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)
#endif
#ifndef F_SETSIG
#define F_SETSIG 10
#endif

/* The x32 bit, and the numbers of the i386 and x32 calls used here. */
#define X32_BIT		   0x40000000L
#define I386_GETPID	   20
#define I386_KILL	   37
#define I386_GETPPID	   64
#define X32_GETPID	   (X32_BIT | 39)
#define X32_KILL	   (X32_BIT | 62)
#define X32_GETPPID	   (X32_BIT | 110)
#define X32_TKILL	   (X32_BIT | 200)
#define X32_TGKILL	   (X32_BIT | 234)
#define X32_PIDFD_OPEN	   (X32_BIT | 434)
#define X32_RT_SIGACTION   (X32_BIT | 512)
#define X32_PTRACE	   (X32_BIT | 521)
#define X32_RT_SIGQUEUE	   (X32_BIT | 524)
#define X32_PROCESS_VM_RDV (X32_BIT | 539)

/* How long the probe may take before it is a hang (the tests allow 25 s). */
#define PROBE_ALARM 20

extern char **environ;

static const char self_exe[] = "/proc/self/exe";
static pid_t sup; /* the supervisor: the top-level probe's parent */
static int n_bad; /* ESCAPE and BROKEN lines printed by this process */

/* ---- raw system calls ---- */

static inline long
sys6(long nr, long a0, long a1, long a2, long a3, long a4, long a5)
{
	register long r10 __asm__("r10") = a3;
	register long r8 __asm__("r8") = a4;
	register long r9 __asm__("r9") = a5;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static inline long
sys0(long nr)
{
	return sys6(nr, 0, 0, 0, 0, 0, 0);
}

static inline long
sys1(long nr, long a0)
{
	return sys6(nr, a0, 0, 0, 0, 0, 0);
}

static inline long
sys2(long nr, long a0, long a1)
{
	return sys6(nr, a0, a1, 0, 0, 0, 0);
}

static inline long
sys3(long nr, long a0, long a1, long a2)
{
	return sys6(nr, a0, a1, a2, 0, 0, 0);
}

static inline long
sys4(long nr, long a0, long a1, long a2, long a3)
{
	return sys6(nr, a0, a1, a2, a3, 0, 0);
}

/* A call through int $0x80, the i386 ABI, from this 64-bit program. */
static long
sys32(long nr, long a0, long a1, long a2)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a0), "c"(a1), "d"(a2)
			 : "r8", "r9", "r10", "r11", "memory");
	return (long)(int)ret;
}

/* ---- output ---- */

static void ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void escaped(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void broken(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void die(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));
static void skip(const char *fmt, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/* A result as text: a number, or -ENAME. */
struct rstr {
	char s[48];
};

static struct rstr
res(long r)
{
	struct rstr out;
	const char *name = NULL;

	if (r < 0 && r >= -4095)
		name = strerrorname_np((int)-r);
	if (name)
		snprintf(out.s, sizeof(out.s), "-%s", name);
	else
		snprintf(out.s, sizeof(out.s), "%ld", r);
	return out;
}

/* One line in one write(2), so lines of several processes do not mix. */
static void
vsay(const char *tag, const char *fmt, va_list ap)
{
	char line[1024];
	int n, m;

	n = snprintf(line, sizeof(line), "%s: ", tag);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	if (m < 0)
		m = 0;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(99);
}

static void
ok(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("ok", fmt, ap);
	va_end(ap);
}

static void
escaped(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("ESCAPE", fmt, ap);
	va_end(ap);
	n_bad++;
}

static void
broken(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("BROKEN", fmt, ap);
	va_end(ap);
	n_bad++;
}

static void
note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("note", fmt, ap);
	va_end(ap);
}

static void
result(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("result", fmt, ap);
	va_end(ap);
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("error", fmt, ap);
	va_end(ap);
	exit(99);
}

static void
skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsay("skip", fmt, ap);
	va_end(ap);
	exit(77);
}

static int
finish(void)
{
	if (write(STDOUT_FILENO, "done\n", 5) < 0)
		return 99;
	return n_bad ? 1 : 0;
}

static bool
expect(const char *what, long got, long want)
{
	if (got == want) {
		ok("%s: %s", what, res(got).s);
		return true;
	}
	escaped("%s: got %s, want %s", what, res(got).s, res(want).s);
	return false;
}

/* Any error will do: only a success lets the attempt through. */
static bool
expect_refused(const char *what, long got)
{
	if (got < 0 && got >= -4095) {
		ok("%s: %s", what, res(got).s);
		return true;
	}
	escaped("%s: got %s, want it refused", what, res(got).s);
	return false;
}

static bool
expect_error(const char *what, long got)
{
	if (got < 0 && got >= -4095) {
		ok("%s: %s", what, res(got).s);
		return true;
	}
	escaped("%s: got %s, want an error", what, res(got).s);
	return false;
}

/* ---- /proc, read with raw calls (usable in bare clone() threads) ---- */

static long
read_small(const char *path, char *buf, size_t len)
{
	long fd = sys3(SYS_open, (long)path, O_RDONLY | O_CLOEXEC, 0);
	long n, got = 0;

	if (fd < 0)
		return fd;
	while (got < (long)len - 1 && (n = sys3(SYS_read, fd, (long)(buf + got),
						(long)len - 1 - got)) > 0)
		got += n;
	sys1(SYS_close, fd);
	buf[got] = '\0';
	return got;
}

/* The number after "KEY:" in a /proc status file; LONG_MIN if none. */
static long
proc_field(const char *path, const char *key)
{
	char buf[4096], *p;
	size_t klen = strlen(key);
	long v = 0, sign = 1;

	if (read_small(path, buf, sizeof(buf)) < 0)
		return LONG_MIN;
	for (p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, klen) != 0 || p[klen] != ':')
			continue;
		for (p += klen + 1; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '-') {
			sign = -1;
			p++;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (*p - '0');
		return sign * v;
	}
	return LONG_MIN;
}

static long
self_field(const char *key)
{
	return proc_field("/proc/self/status", key);
}

static long
thread_field(const char *key)
{
	return proc_field("/proc/thread-self/status", key);
}

/* A process's state letter from /proc/PID/stat, 0 if it is gone. */
static char
proc_state(pid_t pid)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

static bool
proc_comm_is(pid_t pid, const char *name)
{
	char path[64], buf[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, name) == 0;
}

static void
msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the supervisor ---- */

static void
find_sup(void)
{
	const char *e = getenv("ESCAPE_SUP");
	char buf[24];
	long v;

	if (e && *e) {
		sup = (pid_t)atol(e);
		return;
	}
	v = self_field("PPid");
	if (v <= 1)
		die("cannot read the parent's pid from /proc/self/status");
	sup = (pid_t)v;
	snprintf(buf, sizeof(buf), "%ld", v);
	setenv("ESCAPE_SUP", buf, 1);
}

/* Subcommands that aim at the supervisor run only under sandbox-run. */
static void
need_sup(void)
{
	if (!proc_comm_is(sup, "sandbox-run"))
		skip("the parent (%d) is not sandbox-run", sup);
}

/*
 * Group signals are tried only where the supervisor leads a session of
 * its own (the tests start it under setsid(1)), so a signal that got
 * through reaches nothing but the supervisor and the probe.
 */
static void
need_contained(void)
{
	need_sup();
	if (sys1(SYS_getsid, sup) != sup || sys1(SYS_getpgid, sup) != sup)
		skip("sandbox-run does not lead a session of its own "
		     "(run it under setsid): no group signals");
}

/*
 * Put the probe in the supervisor's process group if it is not there.
 * Returns false, having said why, where it cannot be done: then no group
 * signal of the probe reaches the supervisor, which is the point.
 */
static bool
join_sup_group(void)
{
	long g = sys1(SYS_getpgid, sup), r;

	if (g < 0)
		die("getpgid(supervisor): %s", res(g).s);
	if (sys0(SYS_getpgrp) == g)
		return true;
	r = sys2(SYS_setpgid, 0, g);
	if (r == 0) {
		note("the probe joined the supervisor's process group");
		return true;
	}
	ok("the probe cannot join the supervisor's process group "
	   "(setpgid: %s)",
	   res(r).s);
	return false;
}

/*
 * After an attempt: the supervisor must still run and still deny.  A
 * stopped supervisor would leave the next stopping call hanging, so its
 * state is looked at first.
 */
static void
check_alive(const char *after)
{
	char st;
	long r;

	msleep(30); /* let a signal that got through land */
	st = proc_state(sup);
	if (!st) {
		escaped("after %s: the supervisor is gone", after);
		exit(1);
	}
	if (strchr("TtZXx", st)) {
		escaped("after %s: the supervisor is in state %c", after, st);
		exit(1);
	}
	r = sys0(SYS_getppid);
	if (r != -EPERM)
		escaped("after %s: getppid gives %s, no longer -EPERM", after,
			res(r).s);
}

/* Is this task confined: its denied call denied and a tracer on it? */
static int
confinement(long ppid_r, long tracer)
{
	return (ppid_r == -EPERM ? 0 : 1) | (tracer == sup ? 0 : 2);
}

static void
report_confinement(const char *what, long ppid_r, long tracer)
{
	if (!confinement(ppid_r, tracer))
		ok("%s: getppid %s, TracerPid %ld", what, res(ppid_r).s,
		   tracer);
	else
		escaped("%s: getppid %s (want -EPERM), TracerPid %ld "
			"(want the supervisor, %d)",
			what, res(ppid_r).s, tracer, sup);
}

/* ---- children that report through a pipe ---- */

struct report {
	long ppid_r;  /* getppid() */
	long tracer;  /* TracerPid */
	long traceme; /* PTRACE_TRACEME */
	long extra;
};

static void
report_send(int fd, struct report *rep)
{
	sys3(SYS_write, fd, (long)rep, sizeof(*rep));
}

/* Read a child's report; false if none came within five seconds. */
static bool
report_recv(int fd, struct report *rep)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*rep)) {
		if (poll(&pfd, 1, 5000) <= 0)
			return false;
		n = read(fd, (char *)rep + got, sizeof(*rep) - got);
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

static void
fill_report(struct report *rep, const char *status)
{
	rep->ppid_r = sys0(SYS_getppid);
	rep->tracer = proc_field(status, "TracerPid");
	rep->traceme = sys4(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0);
}

/* Wait for a child of ours, up to five seconds; -1 if it did not end. */
static int
wait_child(pid_t pid)
{
	int status, i;

	for (i = 0; i < 500; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG | __WALL);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		msleep(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, __WALL);
	return -1;
}

/* ---- filters ---- */

struct rule {
	int nr;
	uint32_t action;
};

/*
 * A filter for x86_64 calls: each rule's action for its number, @dflt for
 * the other numbers, @other_arch for the other ABIs.
 */
static size_t
build_filter(struct sock_filter *f, size_t cap, const struct rule *rules,
	     size_t n, uint32_t dflt, uint32_t other_arch)
{
	size_t i, k = 0;

	if (cap < 5 + 2 * n)
		die("filter too long");
	f[k++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					      AUDIT_ARCH_X86_64, 1, 0);
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, other_arch);
	f[k++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
	for (i = 0; i < n; i++) {
		f[k++] = (struct sock_filter)BPF_JUMP(
		    BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)rules[i].nr, 0, 1);
		f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      rules[i].action);
	}
	f[k++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, dflt);
	return k;
}

/* Install a filter in this thread; flags as seccomp(2).  Returns -errno. */
static long
install(const struct sock_filter *f, size_t len, unsigned long flags)
{
	struct sock_fprog prog = { .len = (unsigned short)len,
				   .filter = (struct sock_filter *)f };

	return sys3(SYS_seccomp, SECCOMP_SET_MODE_FILTER, (long)flags,
		    (long)&prog);
}

/*
 * escape bpf NAME FILE: write a raw filter the mkfilter helper cannot:
 *   x32kill   SECCOMP_RET_KILL_PROCESS for every number with the x32 bit
 *   i386deny  ERRNO(EACCES) for every i386 call, the rest allowed
 *   killuname KILL_PROCESS for uname, the rest allowed
 */
static int
cmd_bpf(int argc, char **argv)
{
	struct sock_filter f[16];
	size_t n = 0;
	FILE *out;

	if (argc != 3)
		die("usage: escape bpf NAME FILE");
	if (strcmp(argv[1], "x32kill") == 0) {
		f[n++] = (struct sock_filter)BPF_STMT(
		    BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch));
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      AUDIT_ARCH_X86_64, 1, 0);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_ALLOW);
		f[n++] = (struct sock_filter)BPF_STMT(
		    BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr));
		f[n++] = (struct sock_filter)BPF_JUMP(
		    BPF_JMP | BPF_JSET | BPF_K, (uint32_t)X32_BIT, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_KILL_PROCESS);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_ALLOW);
	} else if (strcmp(argv[1], "i386deny") == 0) {
		f[n++] = (struct sock_filter)BPF_STMT(
		    BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, arch));
		f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						      AUDIT_ARCH_I386, 0, 1);
		f[n++] = (struct sock_filter)BPF_STMT(
		    BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EACCES);
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_ALLOW);
	} else if (strcmp(argv[1], "killuname") == 0) {
		const struct rule r[] = { { SYS_uname,
					    SECCOMP_RET_KILL_PROCESS } };

		n = build_filter(f, 16, r, 1, SECCOMP_RET_ALLOW,
				 SECCOMP_RET_ALLOW);
	} else {
		die("unknown filter %s", argv[1]);
	}
	out = fopen(argv[2], "we");
	if (!out || fwrite(f, sizeof(f[0]), n, out) != n || fclose(out) != 0)
		die("cannot write %s", argv[2]);
	return 0;
}

/* ---- checks that exec'd children run ---- */

/* escape check-denied: exit 0 if getppid is denied and we are traced. */
static int
cmd_check_denied(int argc, char **argv)
{
	long r = sys0(SYS_getppid), tracer = self_field("TracerPid");

	(void)argc;
	(void)argv;
	if (r == -EPERM && tracer == sup)
		return 0;
	escaped("exec'd child: getppid %s, TracerPid %ld", res(r).s, tracer);
	return 1;
}

/* escape check-traced: exit 0 if the supervisor traces us. */
static int
cmd_check_traced(int argc, char **argv)
{
	long tracer = self_field("TracerPid");

	(void)argc;
	(void)argv;
	if (tracer == sup)
		return 0;
	escaped("exec'd child: TracerPid %ld, not %d", tracer, sup);
	return 1;
}

static int
spawn_check(const char *what, const char *check, bool vfork_like)
{
	char *args[] = { (char *)"escape", (char *)check, NULL };
	posix_spawnattr_t attr;
	pid_t pid;
	int r, status;

	posix_spawnattr_init(&attr);
	if (vfork_like)
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_USEVFORK);
	r = posix_spawn(&pid, self_exe, NULL, &attr, args, environ);
	posix_spawnattr_destroy(&attr);
	if (r != 0) {
		broken("%s: posix_spawn: %s", what, strerror(r));
		return -1;
	}
	status = wait_child(pid);
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		ok("%s: the spawned child is confined", what);
		return 0;
	}
	escaped("%s: the spawned child reported status 0x%x", what, status);
	return -1;
}

/* ---- CLONE_UNTRACED ---- */

/* A process made by a raw clone(flags) without a new stack (as fork). */
static void
untraced_process(const char *what, unsigned long flags)
{
	struct report rep = { 0 };
	int p[2], status;
	long pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %m");
	pid = sys6(SYS_clone, (long)flags, 0, 0, 0, 0, 0);
	if (pid == 0) {
		fill_report(&rep, "/proc/self/status");
		report_send(p[1], &rep);
		sys1(SYS_exit_group, 0);
	}
	close(p[1]);
	if (pid < 0) {
		/* refusing is safe too, but the contract clears the flag */
		broken("%s: clone failed: %s", what, res(pid).s);
		close(p[0]);
		return;
	}
	if (!report_recv(p[0], &rep))
		escaped("%s: the child never reported", what);
	else {
		report_confinement(what, rep.ppid_r, rep.tracer);
		if (rep.traceme >= 0)
			escaped("%s: PTRACE_TRACEME in the child worked", what);
	}
	close(p[0]);
	/* a CLONE_PARENT child is the supervisor's to reap */
	if (!(flags & CLONE_PARENT)) {
		status = wait_child((pid_t)pid);
		if (status < 0 || !WIFEXITED(status))
			escaped("%s: the child ended with status 0x%x", what,
				status);
	}
}

struct rthread {
	long ppid_r;
	long tracer;
	int done;
};

/* A bare clone() thread: raw calls only, it has no TLS of its own. */
static int
bare_thread(void *arg)
{
	struct rthread *t = arg;

	t->ppid_r = sys0(SYS_getppid);
	t->tracer = thread_field("TracerPid");
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	sys1(SYS_exit, 0);
	return 0;
}

static void
untraced_thread(const char *what, unsigned long flags)
{
	static struct rthread t; /* outlives the thread: never freed */
	size_t size = 256 * 1024;
	char *stack;
	int i, r;

	stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		die("mmap: %m");
	memset(&t, 0, sizeof(t));
	r = clone(bare_thread, stack + size, (int)flags, &t);
	if (r < 0) {
		broken("%s: clone failed: %m", what);
		return;
	}
	for (i = 0; i < 500 && !__atomic_load_n(&t.done, __ATOMIC_ACQUIRE); i++)
		msleep(10);
	if (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE)) {
		escaped("%s: the thread never reported", what);
		return;
	}
	report_confinement(what, t.ppid_r, t.tracer);
	msleep(20); /* let it finish its exit before the stack is reused */
}

static int
cmd_untraced(int argc, char **argv)
{
	const unsigned long thread_flags = CLONE_VM | CLONE_FS | CLONE_FILES |
					   CLONE_SIGHAND | CLONE_THREAD |
					   CLONE_SYSVSEM;

	(void)argc;
	(void)argv;
	need_sup();
	untraced_process("clone(CLONE_UNTRACED) process",
			 CLONE_UNTRACED | SIGCHLD);
	untraced_process("clone(CLONE_UNTRACED|CLONE_PTRACE) process",
			 CLONE_UNTRACED | CLONE_PTRACE | SIGCHLD);
	untraced_process("clone(CLONE_UNTRACED|CLONE_VFORK) process",
			 CLONE_UNTRACED | CLONE_VFORK | SIGCHLD);
	untraced_process("clone(CLONE_UNTRACED|CLONE_PARENT) process",
			 CLONE_UNTRACED | CLONE_PARENT | SIGCHLD);
	untraced_process("clone(CLONE_PARENT) process", CLONE_PARENT | SIGCHLD);
	untraced_thread("clone(CLONE_THREAD|CLONE_UNTRACED) thread",
			thread_flags | CLONE_UNTRACED);
	check_alive("CLONE_UNTRACED");
	return finish();
}

/* ---- clone3 ---- */

struct clone_args_v0 {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
};

static void
try_clone3(const char *what, uint64_t flags, long want)
{
	struct clone_args_v0 ca = { .flags = flags, .exit_signal = SIGCHLD };
	int pidfd = -1;
	long r;

	if (flags & CLONE_PIDFD)
		ca.pidfd = (uint64_t)(uintptr_t)&pidfd;
	r = sys2(SYS_clone3, (long)&ca, sizeof(ca));
	if (r == 0)
		sys1(SYS_exit_group, 0);
	if (r > 0) {
		wait_child((pid_t)r);
		escaped("%s: made child %ld, want %s", what, r, res(want).s);
		return;
	}
	expect(what, r, want);
}

static void *
traced_thread(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)thread_field("TracerPid");
}

/*
 * escape clone3 [EXPECT]: clone3 fails with EXPECT (ENOSYS, the default,
 * or EPERM where the chain denies clone3), and fork() still works and
 * gives a traced child; with ENOSYS, so do pthread_create() and
 * posix_spawn(), which glibc tries through clone3 first.  The chain need
 * not deny getppid.
 */
static int
cmd_clone3(int argc, char **argv)
{
	long want = -ENOSYS;
	pthread_t th;
	void *tracer;
	pid_t pid;
	int status;

	if (argc > 1 && strcmp(argv[1], "EPERM") == 0)
		want = -EPERM;
	need_sup();
	try_clone3("clone3()", 0, want);
	try_clone3("clone3(CLONE_UNTRACED)", CLONE_UNTRACED, want);
	try_clone3("clone3(CLONE_PIDFD)", CLONE_PIDFD, want);
	try_clone3("clone3(CLONE_PARENT)", CLONE_PARENT, want);

	pid = fork();
	if (pid == 0)
		_exit(self_field("TracerPid") == sup ? 0 : 1);
	if (pid < 0) {
		broken("fork after clone3: %m");
	} else {
		status = wait_child(pid);
		if (status >= 0 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 0)
			ok("fork() still works and its child is traced");
		else
			escaped("fork(): the child reported status 0x%x",
				status);
	}
	if (want != -ENOSYS) {
		/* glibc falls back to clone on ENOSYS only: as in the kernel */
		note("pthread_create() and posix_spawn() not tried: glibc "
		     "needs clone3 to fail with ENOSYS to fall back to clone");
		return finish();
	}
	errno = pthread_create(&th, NULL, traced_thread, NULL);
	if (errno) {
		broken("pthread_create after clone3: %m");
	} else {
		pthread_join(th, &tracer);
		if ((intptr_t)tracer == sup)
			ok("pthread_create() still works and the thread is "
			   "traced");
		else
			escaped("pthread_create(): the thread has TracerPid "
				"%ld",
				(long)(intptr_t)tracer);
	}
	spawn_check("posix_spawn()", "check-traced", false);
	return finish();
}

/* ---- vfork ---- */

static volatile long vfork_ppid;

static int
vfork_fn(void *arg)
{
	(void)arg;
	vfork_ppid = sys0(SYS_getppid);
	execl(self_exe, "escape", "check-denied", (char *)NULL);
	_exit(127);
}

static void
vfork_result(const char *what, pid_t pid)
{
	int status;

	if (pid < 0) {
		broken("%s: %m", what);
		return;
	}
	if (vfork_ppid == -EPERM)
		ok("%s: getppid before exec: -EPERM", what);
	else
		escaped("%s: getppid before exec: %s, want -EPERM", what,
			res(vfork_ppid).s);
	status = wait_child(pid);
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ok("%s: the exec'd image is confined", what);
	else
		escaped("%s: the exec'd child reported status 0x%x", what,
			status);
}

static int
cmd_vfork(int argc, char **argv)
{
	size_t size = 256 * 1024;
	char *stack;
	pid_t pid;

	(void)argc;
	(void)argv;
	need_sup();
	vfork_ppid = 0;
	pid = vfork();
	if (pid == 0) {
		vfork_ppid = sys0(SYS_getppid);
		execl(self_exe, "escape", "check-denied", (char *)NULL);
		_exit(127);
	}
	vfork_result("vfork()", pid);

	stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		die("mmap: %m");
	vfork_ppid = 0;
	pid = clone(vfork_fn, stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD,
		    NULL);
	vfork_result("clone(CLONE_VM|CLONE_VFORK)", pid);
	munmap(stack, size);

	spawn_check("posix_spawn(POSIX_SPAWN_USEVFORK)", "check-denied", true);
	check_alive("vfork");
	return finish();
}

/* ---- i386 ---- */

/* Does int $0x80 run here at all?  Some kernels refuse 32-bit entry. */
static bool
i80_works(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		sys32(I386_GETPID, 0, 0, 0);
		_exit(0);
	}
	if (pid < 0)
		die("fork: %m");
	status = wait_child(pid);
	return status >= 0 && WIFEXITED(status);
}

static int
cmd_i80_works(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return i80_works() ? 0 : 1;
}

/*
 * escape i386 eperm: under "mkfilter deny getppid" the i386 getppid is
 * denied too, and the i386 kill(supervisor) as well.
 * escape i386 eacces: under "escape bpf i386deny" every i386 call gets
 * EACCES while the native ones run.
 */
static int
cmd_i386(int argc, char **argv)
{
	if (argc != 2)
		die("usage: escape i386 eperm|eacces");
	if (!i80_works())
		skip("int $0x80 does not run on this machine");
	need_sup();
	if (strcmp(argv[1], "eperm") == 0) {
		expect("i386 getppid", sys32(I386_GETPPID, 0, 0, 0), -EPERM);
		expect("i386 kill(supervisor, 0)", sys32(I386_KILL, sup, 0, 0),
		       -EPERM);
		expect("i386 kill(supervisor, SIGKILL)",
		       sys32(I386_KILL, sup, SIGKILL, 0), -EPERM);
		check_alive("i386 calls");
	} else {
		long pid = sys0(SYS_getpid);

		expect("i386 getpid", sys32(I386_GETPID, 0, 0, 0), -EACCES);
		if (pid > 0)
			ok("native getpid runs: %ld", pid);
		else
			broken("native getpid: %s", res(pid).s);
	}
	return finish();
}

/* ---- x32 ---- */

/* Make one call in a child; its result or how it died, as text. */
static void
x32_call(const char *name, long nr, long a0, long a1, long a2)
{
	int p[2], status;
	long r = 0;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %m");
	pid = fork();
	if (pid == 0) {
		r = sys3(nr, a0, a1, a2);
		sys3(SYS_write, p[1], (long)&r, sizeof(r));
		sys1(SYS_exit_group, 0);
	}
	close(p[1]);
	if (pid < 0)
		die("fork: %m");
	status = wait_child(pid);
	if (status >= 0 && WIFSIGNALED(status))
		result("x32 %s: killed by signal %d", name, WTERMSIG(status));
	else if (read(p[0], &r, sizeof(r)) == (ssize_t)sizeof(r))
		result("x32 %s: %s", name, res(r).s);
	else
		result("x32 %s: no result (status 0x%x)", name, status);
	close(p[0]);
}

/*
 * escape x32: x32 calls (number | 0x40000000), one per child, printed so
 * that the test can compare the output with kernel-run's: the chain decides
 * first, then the kernel (with no x32 here: ENOSYS).
 */
static int
cmd_x32(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	x32_call("getpid", X32_GETPID, 0, 0, 0);
	x32_call("getppid", X32_GETPPID, 0, 0, 0);
	x32_call("rt_sigaction", X32_RT_SIGACTION, SIGUSR1, 0, 0);
	x32_call("nr 1000", X32_BIT | 1000, 0, 0, 0);
	x32_call("nr 0x3fffffff|x32", X32_BIT | 0x3fffffff, 0, 0, 0);
	return finish();
}

static void
x32_sup(const char *what, long r)
{
	if (r == -ENOSYS || r == -EPERM)
		ok("%s: %s", what, res(r).s);
	else
		escaped("%s: got %s, want -ENOSYS or -EPERM", what, res(r).s);
}

/* escape x32-sup: x32 calls aimed at the supervisor never reach it. */
static int
cmd_x32_sup(int argc, char **argv)
{
	siginfo_t si = { .si_signo = SIGKILL, .si_code = SI_QUEUE };
	char buf[8];
	struct iovec l = { buf, sizeof(buf) },
		     rem = { (void *)0x10000, sizeof(buf) };

	(void)argc;
	(void)argv;
	need_sup();
	x32_sup("x32 kill(supervisor, SIGKILL)", sys2(X32_KILL, sup, SIGKILL));
	x32_sup("x32 tkill(supervisor, SIGKILL)",
		sys2(X32_TKILL, sup, SIGKILL));
	x32_sup("x32 tgkill(supervisor, supervisor, SIGKILL)",
		sys3(X32_TGKILL, sup, sup, SIGKILL));
	x32_sup("x32 rt_sigqueueinfo(supervisor, SIGKILL)",
		sys3(X32_RT_SIGQUEUE, sup, SIGKILL, (long)&si));
	x32_sup("x32 ptrace(PTRACE_ATTACH, supervisor)",
		sys4(X32_PTRACE, PTRACE_ATTACH, sup, 0, 0));
	x32_sup("x32 pidfd_open(supervisor)", sys2(X32_PIDFD_OPEN, sup, 0));
	x32_sup("x32 process_vm_readv(supervisor)",
		sys6(X32_PROCESS_VM_RDV, sup, (long)&l, 1, (long)&rem, 1, 0));
	check_alive("x32 calls at the supervisor");
	return finish();
}

/* ---- signals ---- */

static long
sup_dirfd(void)
{
	char path[64];
	long fd;

	snprintf(path, sizeof(path), "/proc/%d", sup);
	fd = sys3(SYS_open, (long)path, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (fd < 0)
		die("open %s: %s", path, res(fd).s);
	return fd;
}

static void
ignore_signal(int sig)
{
	/* the kernel's struct sigaction; SIG_IGN needs no restorer */
	struct {
		unsigned long handler, flags, restorer, mask;
	} ksa = { (unsigned long)SIG_IGN, 0, 0, 0 };
	long r = sys4(SYS_rt_sigaction, sig, (long)&ksa, 0, 8);

	if (r < 0)
		die("ignore signal %d: %s", sig, res(r).s);
}

static void
signals_direct(void)
{
	siginfo_t si = { .si_code = SI_QUEUE };
	char what[128];
	long dfd, pidfd;
	pid_t self = getpid();
	/* harmless ones first: a SIGSTOP or SIGKILL that got through ends it */
	static const int sigs[] = { 0, SIGTERM, SIGCONT, SIGSTOP, SIGKILL };
	size_t i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int s = sigs[i];

		snprintf(what, sizeof(what), "kill(supervisor, %d)", s);
		expect(what, sys2(SYS_kill, sup, s), -EPERM);
		check_alive(what);
		snprintf(what, sizeof(what), "tkill(supervisor, %d)", s);
		expect(what, sys2(SYS_tkill, sup, s), -EPERM);
		check_alive(what);
		snprintf(what, sizeof(what),
			 "tgkill(supervisor, supervisor, %d)", s);
		expect(what, sys3(SYS_tgkill, sup, sup, s), -EPERM);
		check_alive(what);
		if (s == 0)
			continue;
		si.si_signo = s;
		si.si_pid = self;
		si.si_uid = getuid();
		snprintf(what, sizeof(what),
			 "rt_sigqueueinfo(supervisor, %d, SI_QUEUE)", s);
		expect(what, sys3(SYS_rt_sigqueueinfo, sup, s, (long)&si),
		       -EPERM);
		check_alive(what);
		snprintf(what, sizeof(what),
			 "rt_tgsigqueueinfo(supervisor, supervisor, %d)", s);
		expect(what,
		       sys4(SYS_rt_tgsigqueueinfo, sup, sup, s, (long)&si),
		       -EPERM);
		check_alive(what);
	}
	pidfd = sys2(SYS_pidfd_open, sup, 0);
	expect("pidfd_open(supervisor)", pidfd, -EPERM);
	if (pidfd >= 0) {
		/* do not use it: that would end the run */
		close((int)pidfd);
	}
	/* a /proc/PID directory fd is a pidfd to pidfd_send_signal */
	dfd = sup_dirfd();
	expect("pidfd_send_signal(/proc/supervisor, 0)",
	       sys4(SYS_pidfd_send_signal, dfd, 0, 0, 0), -EPERM);
	check_alive("pidfd_send_signal(/proc/supervisor, 0)");
	expect("pidfd_send_signal(/proc/supervisor, SIGKILL)",
	       sys4(SYS_pidfd_send_signal, dfd, SIGKILL, 0, 0), -EPERM);
	check_alive("pidfd_send_signal(/proc/supervisor, SIGKILL)");
	close((int)dfd);
	/*
	 * Broadcasts: only signal 0, which delivers nothing.  kill(-1, S)
	 * would reach every process this user may signal, on the whole
	 * machine when root: never tried.
	 */
	note("kill(-1, 0): %s", res(sys2(SYS_kill, -1, 0)).s);
	check_alive("kill(-1, 0)");
}

static void
signals_group(void)
{
	long g = sys1(SYS_getpgid, sup);
	char what[128];
	int status;
	pid_t pid;
	static const int absorbed[] = { SIGTERM, SIGHUP, SIGUSR1, SIGUSR2 };
	size_t i;

	if (!join_sup_group())
		return;
	/* signals the supervisor may take: it must survive them */
	for (i = 0; i < sizeof(absorbed) / sizeof(absorbed[0]); i++) {
		int s = absorbed[i];

		ignore_signal(s);
		snprintf(what, sizeof(what), "kill(0, %d) in its group", s);
		note("%s: %s", what, res(sys2(SYS_kill, 0, s)).s);
		check_alive(what);
		snprintf(what, sizeof(what), "kill(-its group, %d)", s);
		note("%s: %s", what, res(sys2(SYS_kill, -g, s)).s);
		check_alive(what);
	}
	expect("kill(0, SIGSTOP) in the supervisor's group",
	       sys2(SYS_kill, 0, SIGSTOP), -EPERM);
	check_alive("kill(0, SIGSTOP)");
	expect("kill(-supervisor's group, SIGSTOP)",
	       sys2(SYS_kill, -g, SIGSTOP), -EPERM);
	check_alive("kill(-group, SIGSTOP)");
	/* from a process in a group of its own */
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		_exit(sys2(SYS_kill, -g, SIGKILL) == -EPERM ? 0 : 1);
	}
	status = wait_child(pid);
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ok("kill(-supervisor's group, SIGKILL) from another group: "
		   "-EPERM");
	else
		escaped("kill(-supervisor's group, SIGKILL) from another "
			"group: child status 0x%x",
			status);
	check_alive("kill(-group, SIGKILL) from another group");
	expect("kill(-supervisor's group, SIGKILL)",
	       sys2(SYS_kill, -g, SIGKILL), -EPERM);
	check_alive("kill(-group, SIGKILL)");
	expect("kill(0, SIGKILL) in the supervisor's group",
	       sys2(SYS_kill, 0, SIGKILL), -EPERM);
	check_alive("kill(0, SIGKILL)");
}

/*
 * escape signals direct|group: signals aimed at the supervisor fail with
 * EPERM (or, for group signals it can take, leave it running).  "group"
 * needs the supervisor in a session of its own.
 */
static int
cmd_signals(int argc, char **argv)
{
	if (argc != 2)
		die("usage: escape signals direct|group");
	if (strcmp(argv[1], "group") == 0) {
		need_contained();
		signals_group();
	} else {
		need_sup();
		signals_direct();
	}
	return finish();
}

/* ---- ptrace ---- */

static void
undo_attach(long r)
{
	int status;

	if (r != 0)
		return;
	/* we hold the supervisor: let it go, or everything hangs */
	waitpid(sup, &status, __WALL);
	sys4(SYS_ptrace, PTRACE_DETACH, sup, 0, 0);
}

static int
cmd_ptrace(int argc, char **argv)
{
	long r, word;
	pid_t pid;

	(void)argc;
	(void)argv;
	need_sup();
	r = sys4(SYS_ptrace, PTRACE_ATTACH, sup, 0, 0);
	expect("ptrace(PTRACE_ATTACH, supervisor)", r, -EPERM);
	undo_attach(r);
	check_alive("PTRACE_ATTACH");
	r = sys4(SYS_ptrace, PTRACE_SEIZE, sup, 0, 0);
	expect("ptrace(PTRACE_SEIZE, supervisor)", r, -EPERM);
	if (r == 0)
		sys4(SYS_ptrace, PTRACE_DETACH, sup, 0, 0);
	check_alive("PTRACE_SEIZE");
	expect_error(
	    "ptrace(PTRACE_PEEKDATA, supervisor)",
	    sys4(SYS_ptrace, PTRACE_PEEKDATA, sup, 0x400000, (long)&word));
	expect_error("ptrace(PTRACE_TRACEME)",
		     sys4(SYS_ptrace, PTRACE_TRACEME, 0, 0, 0));
	check_alive("PTRACE_TRACEME");

	/* a confined process cannot be taken over by another */
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 1000; i++)
			msleep(10);
		_exit(0);
	}
	if (pid < 0)
		die("fork: %m");
	r = sys4(SYS_ptrace, PTRACE_ATTACH, pid, 0, 0);
	expect("ptrace(PTRACE_ATTACH, confined child)", r, -EPERM);
	r = sys4(SYS_ptrace, PTRACE_SEIZE, pid, 0, 0);
	expect("ptrace(PTRACE_SEIZE, confined child)", r, -EPERM);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, __WALL);
	check_alive("ptrace of a child");
	return finish();
}

/* ---- the supervisor's memory ---- */

/*
 * Open /proc/supervisor/REL.  @strict: it must fail.  Otherwise it is
 * information the kernel itself may disclose (a root target without
 * CAP_SYS_PTRACE can open environ, auxv, maps... of a non-dumpable root
 * process on some kernels): noted, not failed.
 */
static void
no_open(const char *rel, int flags, bool strict)
{
	char path[96], what[160];
	long fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", sup, rel);
	fd = sys3(SYS_open, (long)path, flags | O_CLOEXEC, 0);
	snprintf(what, sizeof(what), "open(/proc/supervisor/%s, %s)", rel,
		 (flags & O_ACCMODE) == O_RDWR	   ? "O_RDWR"
		 : (flags & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
						   : "O_RDONLY");
	if (strict)
		expect_error(what, fd);
	else if (fd >= 0)
		note("%s: %s (the kernel's own rule, not the sandbox's)", what,
		     res(fd).s);
	else
		ok("%s: %s", what, res(fd).s);
	if (fd >= 0)
		close((int)fd);
}

static void
no_readlink(const char *rel)
{
	char path[96], what[160], buf[256];

	snprintf(path, sizeof(path), "/proc/%d/%s", sup, rel);
	snprintf(what, sizeof(what), "readlink(/proc/supervisor/%s)", rel);
	expect_error(what,
		     sys3(SYS_readlink, (long)path, (long)buf, sizeof(buf)));
}

static int
cmd_memory(int argc, char **argv)
{
	char buf[16] = { 0 }, what[96], rel[48];
	struct iovec l = { buf, sizeof(buf) };
	/* mmap_min_addr keeps page 0x1000 unmapped: nothing can be hit */
	struct iovec rem = { (void *)0x1000, sizeof(buf) };
	long dfd, r;
	int fd;

	(void)argc;
	(void)argv;
	need_sup();
	no_open("mem", O_RDONLY, true);
	no_open("mem", O_RDWR, true);
	no_open("mem", O_WRONLY, true);
	snprintf(rel, sizeof(rel), "task/%d/mem", sup);
	no_open(rel, O_RDWR, true);
	no_open("fd/0", O_RDONLY, true);
	no_open("fd/1", O_WRONLY, true);
	no_open("environ", O_RDONLY, false);
	no_open("auxv", O_RDONLY, false);
	no_open("maps", O_RDONLY, false);
	no_open("syscall", O_RDONLY, false);
	no_open("fd", O_RDONLY | O_DIRECTORY, false);
	no_open("map_files", O_RDONLY | O_DIRECTORY, false);
	no_readlink("exe");
	no_readlink("cwd");
	no_readlink("root");
	no_readlink("fd/0");
	dfd = sup_dirfd();
	r = sys4(SYS_openat, dfd, (long)"mem", O_RDWR | O_CLOEXEC, 0);
	expect_error("openat(/proc/supervisor, mem, O_RDWR)", r);
	if (r >= 0)
		close((int)r);

	/* EFAULT would mean the permission check passed */
	expect("process_vm_readv(supervisor)",
	       sys6(SYS_process_vm_readv, sup, (long)&l, 1, (long)&rem, 1, 0),
	       -EPERM);
	expect("process_vm_writev(supervisor)",
	       sys6(SYS_process_vm_writev, sup, (long)&l, 1, (long)&rem, 1, 0),
	       -EPERM);
	for (fd = 0; fd < 5; fd++) {
		snprintf(what, sizeof(what),
			 "pidfd_getfd(/proc/supervisor, %d)", fd);
		r = sys3(SYS_pidfd_getfd, dfd, fd, 0);
		expect(what, r, -EPERM);
		if (r >= 0)
			close((int)r);
	}
	close((int)dfd);
	check_alive("memory access");
	return finish();
}

/* ---- a thread racing an exec ---- */

static void
race_bad(long r)
{
	char line[128];
	int n =
	    snprintf(line, sizeof(line),
		     "ESCAPE: exec-race: getppid gave %ld in a thread\n", r);

	if (write(STDOUT_FILENO, line, (size_t)n) < 0)
		_exit(99);
	sys1(SYS_exit_group, 1);
}

static void *
race_spin(void *arg)
{
	(void)arg;
	for (;;) {
		long r = sys0(SYS_getppid);

		if (r != -EPERM)
			race_bad(r);
	}
	return NULL;
}

static void *
race_short(void *arg)
{
	long r = sys0(SYS_getppid);

	(void)arg;
	if (r != -EPERM)
		race_bad(r);
	return NULL;
}

static void *
race_churn(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_t t;

		if (pthread_create(&t, NULL, race_short, NULL) == 0)
			pthread_join(t, NULL);
	}
	return NULL;
}

static void *
race_exec(void *arg)
{
	msleep(5);
	execl(self_exe, "escape", "exec-race", (const char *)arg, (char *)NULL);
	die("exec-race: execl: %m");
}

/*
 * escape exec-race N: threads make the denied call in a loop, one more
 * keeps creating threads, and a thread other than the leader execs the
 * probe again with N-1; the last image checks it is still confined.
 */
static int
cmd_exec_race(int argc, char **argv)
{
	static char next[16];
	pthread_t t;
	long r, tracer;
	int gen, i;

	if (argc != 2)
		die("usage: escape exec-race N");
	need_sup();
	gen = atoi(argv[1]);
	r = sys0(SYS_getppid);
	tracer = self_field("TracerPid");
	if (confinement(r, tracer)) {
		report_confinement("exec-race image", r, tracer);
		return finish();
	}
	if (gen <= 0) {
		ok("exec-race: the image after the last exec is confined");
		for (i = 0; i < 2; i++)
			pthread_create(&t, NULL, race_spin, NULL);
		msleep(50);
		return finish();
	}
	snprintf(next, sizeof(next), "%d", gen - 1);
	for (i = 0; i < 2; i++)
		if (pthread_create(&t, NULL, race_spin, NULL) != 0)
			die("pthread_create: %m");
	if (pthread_create(&t, NULL, race_churn, NULL) != 0 ||
	    pthread_create(&t, NULL, race_exec, next) != 0)
		die("pthread_create: %m");
	race_spin(NULL);
	return 1;
}

/* ---- orphans ---- */

/* Wait until the subreaper (the supervisor) has adopted us. */
static bool
wait_adopted(void)
{
	int i;

	for (i = 0; i < 500; i++) {
		if (self_field("PPid") == sup)
			return true;
		msleep(10);
	}
	return false;
}

static void
write_file(const char *path, const char *text)
{
	char tmp[4096];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.%d", path, getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    close(fd) != 0 || rename(tmp, path) != 0)
		die("cannot write %s: %m", path);
}

/* Write a /proc file, which cannot be replaced by a rename. */
static void
write_file_in_place(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		skip("cannot write %s: %m", path);
	close(fd);
}

/*
 * escape orphan-wait FILE (run with --wait-all): a grandchild outlives its
 * parent and the command; once adopted by the supervisor it checks it is
 * confined, a while after the command is gone, and writes the verdict to
 * FILE.
 */
static int
cmd_orphan_wait(int argc, char **argv)
{
	char text[512];
	pid_t c, g;
	int status;

	if (argc != 2)
		die("usage: escape orphan-wait FILE");
	need_sup();
	c = fork();
	if (c == 0) {
		g = fork();
		if (g == 0) {
			long r1, r2, tracer, ppid;
			bool adopted = wait_adopted();

			r1 = sys0(SYS_getppid);
			msleep(300); /* the command has exited by now */
			r2 = sys0(SYS_getppid);
			tracer = self_field("TracerPid");
			ppid = self_field("PPid");
			snprintf(text, sizeof(text),
				 "%s adopted=%d ppid=%ld tracer=%ld "
				 "getppid=%s getppid-later=%s\n",
				 adopted && r1 == -EPERM && r2 == -EPERM &&
					 tracer == sup
				     ? "confined"
				     : "ESCAPE",
				 adopted, ppid, tracer, res(r1).s, res(r2).s);
			write_file(argv[1], text);
			_exit(0);
		}
		_exit(g < 0 ? 1 : 0);
	}
	if (c < 0)
		die("fork: %m");
	status = wait_child(c);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("the middle child failed (0x%x)", status);
	ok("orphan-wait: the command exits, leaving its grandchild");
	return finish();
}

/*
 * escape orphan-kill PIDFILE (run without --wait-all): a grandchild is
 * adopted by the supervisor, writes its pid to PIDFILE, then keeps
 * forking children (each appends its pid to PIDFILE.all) while the
 * command exits: every one of them must be killed.  None lives longer
 * than 15 s whatever happens, so a failed run leaves nothing behind.
 */
static int
cmd_orphan_kill(int argc, char **argv)
{
	char all[4096], text[32];
	struct stat st;
	pid_t c, g;
	int i, status;

	if (argc != 2)
		die("usage: escape orphan-kill PIDFILE");
	need_sup();
	snprintf(all, sizeof(all), "%s.all", argv[1]);
	c = fork();
	if (c == 0) {
		g = fork();
		if (g == 0) {
			double end = now() + 15;
			int fd, n;

			if (!wait_adopted())
				_exit(1);
			fd =
			    open(all, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
				 0644);
			snprintf(text, sizeof(text), "%d\n", getpid());
			write_file(argv[1], text);
			for (n = 0; n < 200 && now() < end; n++) {
				pid_t x = fork();

				if (x == 0) {
					int len = snprintf(text, sizeof(text),
							   "%d\n", getpid());

					if (write(fd, text, (size_t)len) < 0)
						_exit(1);
					while (now() < end)
						msleep(20);
					_exit(0);
				}
				msleep(5);
			}
			while (now() < end)
				msleep(20);
			_exit(0);
		}
		_exit(g < 0 ? 1 : 0);
	}
	if (c < 0)
		die("fork: %m");
	status = wait_child(c);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("the middle child failed (0x%x)", status);
	for (i = 0; i < 500 && stat(argv[1], &st) < 0; i++)
		msleep(10);
	if (i == 500)
		die("the grandchild never wrote %s", argv[1]);
	msleep(30); /* let it fork a few */
	ok("orphan-kill: the command exits while its grandchild forks");
	return finish();
}

/* ---- the target's own filters ---- */

struct listener_arg {
	int fd;
	int answered;
	int stop;
};

/* Answer every notification with CONTINUE, as an escaping target would. */
static void *
listener_loop(void *arg)
{
	struct listener_arg *la = arg;
	struct pollfd pfd = { .fd = la->fd, .events = POLLIN };

	while (!__atomic_load_n(&la->stop, __ATOMIC_ACQUIRE)) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;

		if (poll(&pfd, 1, 20) <= 0)
			continue;
		memset(&req, 0, sizeof(req));
		if (ioctl(la->fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			break;
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(la->fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0)
			__atomic_add_fetch(&la->answered, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

static void
try_listener(const char *what, unsigned long flags, bool sandboxed)
{
	const struct rule rules[] = { { SYS_getppid, SECCOMP_RET_USER_NOTIF } };
	struct sock_filter f[16];
	size_t n =
	    build_filter(f, 16, rules, 1, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW);
	struct listener_arg la = { -1, 0, 0 };
	pthread_t th;
	long fd = install(f, n, flags), r;

	if (sandboxed)
		expect(what, fd, -EPERM);
	else if (fd >= 0)
		note("%s: the kernel gives listener fd %ld", what, fd);
	else
		note("%s: %s", what, res(fd).s);
	if (fd >= 0) {
		la.fd = (int)fd;
		if (pthread_create(&th, NULL, listener_loop, &la) != 0)
			die("pthread_create: %m");
	}
	r = sys0(SYS_getppid);
	expect("getppid with the listener answering CONTINUE", r, -EPERM);
	if (la.answered)
		escaped("%s: the listener got %d notifications", what,
			la.answered);
	if (fd >= 0) {
		__atomic_store_n(&la.stop, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		close((int)fd);
	}
}

/*
 * escape listener sandbox|kernel: the target installs a filter that hands
 * getppid (which the chain denies) to its own listener, which answers
 * CONTINUE.  Under sandbox-run the filter is refused (EPERM); under the
 * kernel it goes in; in both, getppid stays denied.
 */
static int
cmd_listener(int argc, char **argv)
{
	bool sandboxed;

	if (argc != 2)
		die("usage: escape listener sandbox|kernel");
	sandboxed = strcmp(argv[1], "sandbox") == 0;
	try_listener("seccomp(NEW_LISTENER)", SECCOMP_FILTER_FLAG_NEW_LISTENER,
		     sandboxed);
	try_listener("seccomp(NEW_LISTENER|TSYNC_ESRCH|TSYNC)",
		     SECCOMP_FILTER_FLAG_NEW_LISTENER |
			 SECCOMP_FILTER_FLAG_TSYNC |
			 SECCOMP_FILTER_FLAG_TSYNC_ESRCH,
		     sandboxed);
	try_listener("seccomp(NEW_LISTENER|WAIT_KILLABLE_RECV)",
		     SECCOMP_FILTER_FLAG_NEW_LISTENER |
			 SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV,
		     sandboxed);
	if (sandboxed)
		check_alive("a listener filter");
	return finish();
}

static void
own_calls_raw(const char *who)
{
	long v;

	/* positive results are pids: print only that they are positive */
	v = sys0(SYS_getpid);
	result("%s getpid: %s", who, v > 0 ? "pid" : res(v).s);
	v = sys0(SYS_getppid);
	result("%s getppid: %s", who, v > 0 ? "pid" : res(v).s);
	v = sys1(SYS_getsid, 0);
	result("%s getsid: %s", who, v > 0 ? "pid" : res(v).s);
	v = sys0(SYS_gettid);
	result("%s gettid: %s", who, v > 0 ? "pid" : res(v).s);
	v = sys2(SYS_kill, getpid(), 0);
	result("%s kill(self, 0): %s", who, res(v).s);
	v = sys0(SYS_getpgrp);
	result("%s getpgrp: %s", who, v > 0 ? "pid" : res(v).s);
}

static void *
own_thread(void *arg)
{
	/* wait for the main thread's TSYNC install */
	while (!__atomic_load_n((int *)arg, __ATOMIC_ACQUIRE))
		msleep(1);
	own_calls_raw("thread");
	return NULL;
}

/*
 * escape own-filter seccomp|prctl|tsync|fork: the target stacks a filter
 * of its own on the chain (mkfilter deny getppid getsid):
 *   getpid    TRACE         chain allows: ENOSYS, as with no tracer
 *   getppid   ALLOW         chain denies: still EPERM
 *   getsid    TRACE         chain denies: EPERM wins
 *   gettid    ERRNO(EACCES) chain allows: EACCES
 *   kill      TRACE         a call the supervisor always sees: ENOSYS
 *   getpgrp   (default) ALLOW
 * The output must be the same under kernel-run and sandbox-run.
 */
static int
cmd_own_filter(int argc, char **argv)
{
	const struct rule rules[] = {
		{ SYS_getpid, SECCOMP_RET_TRACE },
		{ SYS_getppid, SECCOMP_RET_ALLOW },
		{ SYS_getsid, SECCOMP_RET_TRACE },
		{ SYS_gettid, SECCOMP_RET_ERRNO | EACCES },
		{ SYS_kill, SECCOMP_RET_TRACE },
	};
	struct sock_filter f[32];
	size_t n =
	    build_filter(f, 32, rules, 5, SECCOMP_RET_ALLOW, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = f };
	const char *how;
	static int go;
	pthread_t th;
	long r;
	pid_t pid;
	int status;

	if (argc != 2)
		die("usage: escape own-filter seccomp|prctl|tsync|fork");
	how = argv[1];
	if (strcmp(how, "tsync") == 0) {
		if (pthread_create(&th, NULL, own_thread, &go) != 0)
			die("pthread_create: %m");
		r = install(f, n, SECCOMP_FILTER_FLAG_TSYNC);
		result("install with TSYNC: %s", res(r).s);
		__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
	} else if (strcmp(how, "prctl") == 0) {
		r = sys6(SYS_prctl, PR_SET_SECCOMP, SECCOMP_MODE_FILTER,
			 (long)&prog, 0, 0, 0);
		result("install with prctl: %s", res(r).s);
		own_calls_raw("process");
	} else if (strcmp(how, "fork") == 0) {
		r = install(f, n, 0);
		result("install: %s", res(r).s);
		pid = fork();
		if (pid == 0) {
			own_calls_raw("child");
			_exit(0);
		}
		status = wait_child(pid);
		result("child status: 0x%x", status);
	} else {
		r = install(f, n, 0);
		result("install: %s", res(r).s);
		own_calls_raw("process");
	}
	return finish();
}

/* ---- killed from outside ---- */

static void __attribute__((noreturn)) heartbeat(int fd, double end)
{
	while (now() < end) {
		if (write(fd, ".", 1) < 0)
			break;
		msleep(10);
	}
	_exit(0);
}

static void *
heartbeat_thread(void *arg)
{
	int fd = *(int *)arg;

	for (;;) {
		if (write(fd, "t", 1) < 0)
			break;
		msleep(10);
	}
	return NULL;
}

/*
 * escape spin PIDFILE BEATFILE: a thread, a child and an orphaned
 * grandchild (which leads a session of its own) all append to BEATFILE
 * every 10 ms; their pids go to PIDFILE, then a line "ready".  Nothing
 * runs longer than 20 s whatever happens.
 */
static int
cmd_spin(int argc, char **argv)
{
	double end = now() + 20;
	char text[128];
	int fd, p[2];
	pid_t c, g = 0;
	pthread_t th;

	if (argc != 3)
		die("usage: escape spin PIDFILE BEATFILE");
	fd = open(argv[2], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || pipe2(p, O_CLOEXEC) < 0)
		die("open %s: %m", argv[2]);
	c = fork();
	if (c == 0) {
		g = fork();
		if (g == 0) {
			setsid();
			heartbeat(fd, end);
		}
		if (write(p[1], &g, sizeof(g)) != (ssize_t)sizeof(g))
			_exit(1);
		_exit(0);
	}
	if (c < 0 || read(p[0], &g, sizeof(g)) != (ssize_t)sizeof(g))
		die("fork: %m");
	waitpid(c, NULL, 0);
	c = fork();
	if (c == 0)
		heartbeat(fd, end);
	if (pthread_create(&th, NULL, heartbeat_thread, &fd) != 0)
		die("pthread_create: %m");
	snprintf(text, sizeof(text), "%d %d %d\nready\n", getpid(), c, g);
	write_file(argv[1], text);
	while (now() < end)
		msleep(50);
	return 0;
}

/* ---- non-dumpable ---- */

/*
 * escape nondumpable: the target makes itself non-dumpable (the
 * supervisor, unprivileged, can then no longer read its memory) and tries
 * what needs the supervisor to look: installing filters, pidfd calls by
 * fd, kills.  Chain: mkfilter deny getppid, then escape bpf killuname.
 */
static int
cmd_nondumpable(int argc, char **argv)
{
	const struct rule allow_ppid[] = { { SYS_getppid, SECCOMP_RET_ALLOW } };
	const struct rule trace_pid[] = { { SYS_getpid, SECCOMP_RET_TRACE } };
	struct sock_filter f[16];
	struct utsname uts;
	struct report rep;
	size_t n;
	long r, dfd;
	pid_t pid;
	int p[2], status;

	(void)argc;
	(void)argv;
	need_sup();
	r = sys6(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0, 0);
	note("prctl(PR_SET_DUMPABLE, 0): %s", res(r).s);
	note("prctl(PR_GET_DUMPABLE): %s",
	     res(sys6(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0, 0)).s);
	expect("non-dumpable: getppid", sys0(SYS_getppid), -EPERM);

	/* a child inherits the non-dumpable mm */
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %m");
	pid = fork();
	if (pid == 0) {
		fill_report(&rep, "/proc/self/status");
		report_send(p[1], &rep);
		sys1(SYS_uname, (long)&uts);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0)
		die("fork: %m");
	if (report_recv(p[0], &rep))
		report_confinement("non-dumpable child", rep.ppid_r,
				   rep.tracer);
	else
		escaped("non-dumpable child: no report");
	close(p[0]);
	status = wait_child(pid);
	if (status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
		ok("non-dumpable child: uname (KILL_PROCESS) killed it with "
		   "SIGSYS");
	else if (status >= 0 && WIFSIGNALED(status))
		note("non-dumpable child: uname (KILL_PROCESS) killed it "
		     "with signal %d, where the kernel gives SIGSYS "
		     "(denied all the same)",
		     WTERMSIG(status));
	else
		escaped("non-dumpable child: uname (KILL_PROCESS) did not "
			"kill it (status 0x%x)",
			status);

	/* its own filters: refused, or followed; never a way out */
	n = build_filter(f, 16, allow_ppid, 1, SECCOMP_RET_ALLOW,
			 SECCOMP_RET_ALLOW);
	r = install(f, n, 0);
	note("non-dumpable: install a filter allowing getppid: %s", res(r).s);
	expect("non-dumpable: getppid after that", sys0(SYS_getppid), -EPERM);
	n = build_filter(f, 16, trace_pid, 1, SECCOMP_RET_ALLOW,
			 SECCOMP_RET_ALLOW);
	r = install(f, n, 0);
	note("non-dumpable: install a filter tracing getpid: %s", res(r).s);
	if (r == 0)
		expect("non-dumpable: getpid under its own TRACE",
		       sys0(SYS_getpid), -ENOSYS);

	/* calls the supervisor judges by the fd's target */
	dfd = sup_dirfd();
	expect("non-dumpable: pidfd_send_signal(/proc/supervisor, 0)",
	       sys4(SYS_pidfd_send_signal, dfd, 0, 0, 0), -EPERM);
	r = sys3(SYS_pidfd_getfd, dfd, 0, 0);
	if (r == -EPERM)
		ok("non-dumpable: pidfd_getfd(/proc/supervisor, 0): -EPERM");
	else if (r < 0)
		note("non-dumpable: pidfd_getfd(/proc/supervisor, 0): %s: the "
		     "supervisor let it through, the kernel refused it",
		     res(r).s);
	else
		escaped("non-dumpable: pidfd_getfd(/proc/supervisor, 0): %s",
			res(r).s);
	if (r >= 0)
		close((int)r);
	close((int)dfd);
	expect("non-dumpable: kill(supervisor, 0)", sys2(SYS_kill, sup, 0),
	       -EPERM);
	untraced_process("non-dumpable: clone(CLONE_UNTRACED) process",
			 CLONE_UNTRACED | SIGCHLD);
	spawn_check("non-dumpable: posix_spawn", "check-denied", true);
	check_alive("non-dumpable");
	return finish();
}

/* ---- other ways to signal the supervisor ---- */

static int
parse_signal(const char *s)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {
		{ "SEGV", SIGSEGV }, { "ABRT", SIGABRT }, { "SYS", SIGSYS },
		{ "BUS", SIGBUS },   { "FPE", SIGFPE },	  { "ILL", SIGILL },
		{ "TRAP", SIGTRAP }, { "TERM", SIGTERM }, { "HUP", SIGHUP },
		{ "USR1", SIGUSR1 }, { "XCPU", SIGXCPU }, { "QUIT", SIGQUIT },
	};
	size_t i;

	if (*s >= '0' && *s <= '9')
		return atoi(s);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].sig;
	die("unknown signal %s", s);
}

/*
 * escape group-signal SIG: SIG (neither SIGKILL nor SIGSTOP, so the
 * supervisor's guard lets it through) to the supervisor's process group,
 * by kill(0, SIG) and kill(-group, SIG).  The probe ignores SIG itself;
 * the supervisor must survive it.
 */
static int
cmd_group_signal(int argc, char **argv)
{
	char what[96];
	long g;
	int sig;

	if (argc != 2)
		die("usage: escape group-signal SIG");
	need_contained();
	sig = parse_signal(argv[1]);
	if (!join_sup_group())
		return finish();
	g = sys1(SYS_getpgid, sup);
	ignore_signal(sig);
	snprintf(what, sizeof(what), "kill(0, %d) in the supervisor's group",
		 sig);
	note("%s: %s", what, res(sys2(SYS_kill, 0, sig)).s);
	msleep(100);
	check_alive(what);
	snprintf(what, sizeof(what), "kill(-supervisor's group, %d)", sig);
	note("%s: %s", what, res(sys2(SYS_kill, -g, sig)).s);
	msleep(100);
	check_alive(what);
	ok("signal %d to the supervisor's group: it lives", sig);
	return finish();
}

/*
 * escape pidfd-pgrp: pidfd_send_signal(PIDFD_SIGNAL_PROCESS_GROUP) signals
 * the process group that the pidfd's process leads.  Where another process
 * leads the supervisor's group (a shell without job control that runs it,
 * the first command of a pipeline), a pidfd of that leader is easy to get,
 * and SIGKILL to its group reaches the supervisor.  The test runs
 * sandbox-run under "setsid sh -c", so that group is contained; with the
 * supervisor leading its own group, its /proc directory is tried instead.
 */
static int
cmd_pidfd_pgrp(int argc, char **argv)
{
	long g, pidfd, r;
	char path[64];

	(void)argc;
	(void)argv;
	need_sup();
	g = sys1(SYS_getpgid, sup);
	if (g < 0 || sys1(SYS_getsid, sup) != g)
		skip("the supervisor's group does not lead a session of its "
		     "own (run it under setsid): no group signals");
	if (g == sup) {
		pidfd = sup_dirfd();
	} else {
		snprintf(path, sizeof(path), "/proc/%ld", g);
		if (!proc_comm_is((pid_t)g, "sh") &&
		    !proc_comm_is((pid_t)g, "dash") &&
		    !proc_comm_is((pid_t)g, "bash"))
			skip("the supervisor's group is led by %ld, not the "
			     "test's shell",
			     g);
		pidfd = sys2(SYS_pidfd_open, g, 0);
		note("pidfd_open(%ld, the leader of the supervisor's group): "
		     "%s",
		     g, res(pidfd).s);
		if (pidfd < 0)
			return finish();
	}
	/* signal 0 sends nothing: does this kernel know the flag? */
	r = sys4(SYS_pidfd_send_signal, pidfd, 0, 0,
		 PIDFD_SIGNAL_PROCESS_GROUP);
	if (r == -EINVAL)
		skip("this kernel has no PIDFD_SIGNAL_PROCESS_GROUP");
	note("pidfd_send_signal(leader, 0, PROCESS_GROUP): %s", res(r).s);
	note("trying SIGKILL to the supervisor's group through a pidfd of "
	     "its leader; if sandbox-run then dies of SIGKILL, it got through");
	r = sys4(SYS_pidfd_send_signal, pidfd, SIGKILL, 0,
		 PIDFD_SIGNAL_PROCESS_GROUP);
	expect("pidfd_send_signal(leader of the supervisor's group, SIGKILL, "
	       "PIDFD_SIGNAL_PROCESS_GROUP)",
	       r, -EPERM);
	check_alive("pidfd_send_signal(PROCESS_GROUP)");
	return finish();
}

/*
 * escape fsetown: make the supervisor the owner of an fd, so the kernel
 * signals it when the fd becomes ready.  Setting the owner is allowed: the
 * supervisor absorbs SIGIO and every signal it can catch.  What it cannot
 * absorb, SIGKILL and SIGSTOP chosen with F_SETSIG, must be refused; then
 * the owner is set every way there is, and the fd made ready, and the
 * supervisor must live.
 */
static int
cmd_fsetown(int argc, char **argv)
{
	struct f_owner_ex ox;
	int p[2], sock, arg;
	long g, r;

	(void)argc;
	(void)argv;
	need_sup();
	g = sys1(SYS_getpgid, sup);
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0)
		die("pipe: %m");
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		die("socket: %m");

	r = sys3(SYS_fcntl, p[0], F_SETSIG, SIGKILL);
	expect_refused("fcntl(F_SETSIG, SIGKILL)", r);
	r = sys3(SYS_fcntl, p[0], F_SETSIG, SIGSTOP);
	expect_refused("fcntl(F_SETSIG, SIGSTOP)", r);
	/* the group is ours too: we must not die of it ourselves */
	signal(SIGUSR1, SIG_IGN);
	signal(SIGIO, SIG_IGN);
	sys3(SYS_fcntl, p[0], F_SETSIG, SIGUSR1);
	sys3(SYS_fcntl, p[0], F_SETFL, O_ASYNC | O_NONBLOCK);

	sys3(SYS_fcntl, p[0], F_SETOWN, sup);
	sys3(SYS_write, p[1], (long)"x", 1);
	msleep(100);
	check_alive("F_SETOWN to the supervisor, then I/O");
	sys3(SYS_fcntl, p[0], F_SETOWN, -g);
	sys3(SYS_write, p[1], (long)"x", 1);
	msleep(100);
	check_alive("F_SETOWN to the supervisor's group, then I/O");
	ox = (struct f_owner_ex){ F_OWNER_TID, sup };
	sys3(SYS_fcntl, p[0], F_SETOWN_EX, (long)&ox);
	sys3(SYS_fcntl, p[0], F_SETSIG, 0); /* plain SIGIO */
	sys3(SYS_write, p[1], (long)"x", 1);
	msleep(100);
	check_alive("F_SETOWN_EX to the supervisor, then I/O");
	arg = sup;
	sys3(SYS_ioctl, sock, FIOSETOWN, (long)&arg);
	arg = (int)g;
	sys3(SYS_ioctl, sock, SIOCSPGRP, (long)&arg);
	close(sock);
	close(p[0]);
	close(p[1]);
	check_alive("setting an fd's owner");
	return finish();
}

/*
 * escape pgrp-race: the supervisor judges kill(0, SIGKILL) by the
 * caller's process group at the stop; the parent moves the caller between
 * its own group and the supervisor's meanwhile.  A win kills the
 * supervisor's whole group: sandbox-run dies of SIGKILL.
 */
static int
cmd_pgrp_race(int argc, char **argv)
{
	double end = now() + 3;
	int attempts = 0, status;
	long g;

	(void)argc;
	(void)argv;
	need_contained();
	if (!join_sup_group())
		return finish();
	g = sys1(SYS_getpgid, sup);
	note("racing kill(0, SIGKILL) against setpgid for 3 s; if "
	     "sandbox-run dies of SIGKILL, a kill got through");
	while (now() < end) {
		pid_t c = fork();

		if (c == 0) {
			int i;

			sys2(SYS_setpgid, 0, 0);
			for (i = 0; i < 2000; i++)
				sys2(SYS_kill, 0, SIGKILL);
			_exit(0);
		}
		if (c < 0)
			die("fork: %m");
		attempts++;
		while (waitpid(c, &status, WNOHANG) == 0) {
			sys2(SYS_setpgid, c, g);
			sys2(SYS_setpgid, c, c);
		}
	}
	ok("pgrp-race: %d racing children, the supervisor lives", attempts);
	check_alive("the process group race");
	return finish();
}

static int race_fd_stop;

static void *
fd_flipper(void *arg)
{
	const int *fds = arg; /* target, supervisor's, harmless */

	while (!__atomic_load_n(&race_fd_stop, __ATOMIC_ACQUIRE)) {
		sys2(SYS_dup2, fds[1], fds[0]);
		sys2(SYS_dup2, fds[2], fds[0]);
	}
	return NULL;
}

/*
 * escape pidfd-race: pidfd_send_signal(fd, SIGKILL) while another thread
 * swaps fd between /proc/supervisor and a harmless /proc directory of a
 * process that is gone (ESRCH).  A check of what fd refers to could be
 * raced, so with a shared file table the supervisor refuses SIGKILL and
 * SIGSTOP outright; a win would kill it.
 */
static int
cmd_pidfd_race(int argc, char **argv)
{
	int fds[3], p[2], hits = 0, denied = 0, gone = 0, other = 0, n;
	char path[64], c;
	double end = now() + 2;
	pthread_t th;
	pid_t child;
	long r;

	(void)argc;
	(void)argv;
	need_sup();
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe: %m");
	child = fork();
	if (child == 0) {
		close(p[1]);
		if (read(p[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	if (child < 0)
		die("fork: %m");
	snprintf(path, sizeof(path), "/proc/%d", child);
	fds[2] = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fds[2] < 0)
		die("open %s: %m", path);
	close(p[1]);
	waitpid(child, NULL, 0);
	close(p[0]);
	fds[1] = (int)sup_dirfd();
	fds[0] = 200;
	r = sys4(SYS_pidfd_send_signal, fds[2], 0, 0, 0);
	if (r != -ESRCH)
		skip("a /proc fd of a reaped process gives %s, not -ESRCH",
		     res(r).s);
	expect("pidfd_send_signal(/proc/supervisor, 0)",
	       sys4(SYS_pidfd_send_signal, fds[1], 0, 0, 0), -EPERM);
	if (dup2(fds[2], fds[0]) < 0)
		die("dup2: %m");
	if (pthread_create(&th, NULL, fd_flipper, fds) != 0)
		die("pthread_create: %m");
	for (n = 0; now() < end && n < 200000; n++) {
		r = sys4(SYS_pidfd_send_signal, fds[0], SIGKILL, 0, 0);
		if (r == 0)
			hits++;
		else if (r == -EPERM)
			denied++;
		else if (r == -ESRCH)
			gone++;
		else
			other++;
	}
	__atomic_store_n(&race_fd_stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	note("pidfd-race: %d calls: %d reached the supervisor, %d -EPERM, "
	     "%d -ESRCH, %d other",
	     n, hits, denied, gone, other);
	if (hits)
		escaped("pidfd_send_signal reached the supervisor %d times "
			"with the fd swapped after the supervisor's check",
			hits);
	else
		ok("pidfd-race: never reached the supervisor in %d calls", n);
	check_alive("the fd swapping race");
	return finish();
}

/* The child of cmd_proc_mount(), in mount namespaces of its own. */
static int
proc_mount_child(void)
{
	char src[64], dst[64], stage[64], comm[64];
	int dfd, cfd;
	ssize_t n;
	long r;

	/* unprivileged, a user namespace gives the mount rights */
	if (geteuid() != 0 || unshare(CLONE_NEWNS) < 0) {
		uid_t uid = geteuid();
		gid_t gid = getegid();
		char map[64];

		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			skip("no mount namespace: %m");
		/* files it makes need an owner the namespace maps */
		write_file_in_place("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %u 1", uid);
		write_file_in_place("/proc/self/uid_map", map);
		snprintf(map, sizeof(map), "0 %u 1", gid);
		write_file_in_place("/proc/self/gid_map", map);
	}
	/* nothing done here may reach the host's mounts */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		skip("cannot make the mounts private: %m");
	/* a staging place for the bind: the scratch directory (cwd) */
	snprintf(src, sizeof(src), "/proc/%d", sup);
	snprintf(stage, sizeof(stage), "proc-mount.%d", getpid());
	if (mkdir(stage, 0700) < 0 ||
	    mount(src, stage, NULL, MS_BIND, NULL) < 0)
		skip("bind %s on ./%s: %m", src, stage);
	if (mount("escape", "/proc", "tmpfs", 0, "size=16k") < 0)
		skip("mount tmpfs on /proc: %m");
	snprintf(dst, sizeof(dst), "/proc/%d", getpid());
	if (mkdir(dst, 0755) < 0 || mount(stage, dst, NULL, MS_BIND, NULL) < 0)
		skip("bind %s on %s: %m", src, dst);
	dfd = open(dst, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		skip("open %s: %m", dst);
	cfd = openat(dfd, "comm", O_RDONLY | O_CLOEXEC);
	n = cfd < 0 ? -1 : read(cfd, comm, sizeof(comm) - 1);
	if (n <= 0 || (comm[n] = '\0', strcmp(comm, "sandbox-run\n") != 0))
		skip("%s is not the supervisor's /proc directory", dst);
	note("%s is now the supervisor's /proc directory", dst);
	r = sys4(SYS_pidfd_send_signal, dfd, 0, 0, 0);
	return expect("pidfd_send_signal(/proc/supervisor mounted at "
		      "/proc/<own pid>, 0)",
		      r, -EPERM)
		   ? 0
		   : 1;
}

/* The staging directory, empty again once the child's namespace is gone. */
static void
rmdir_stage(pid_t pid)
{
	char stage[64];

	snprintf(stage, sizeof(stage), "proc-mount.%d", pid);
	rmdir(stage);
}

/*
 * escape proc-mount: the supervisor tells which process a /proc directory
 * fd stands for by the fd's path.  A child in a mount namespace of its own
 * (and a user namespace, unprivileged) mounts the supervisor's /proc
 * directory at /proc/<its own pid>, and hands an fd of it to
 * pidfd_send_signal(fd, 0), which must fail with EPERM.
 */
static int
cmd_proc_mount(int argc, char **argv)
{
	pid_t pid;
	int status;

	(void)argc;
	(void)argv;
	need_sup();
	pid = fork();
	if (pid == 0)
		_exit(proc_mount_child());
	if (pid < 0)
		die("fork: %m");
	status = wait_child(pid);
	rmdir_stage(pid);
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 77)
		exit(77);
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1)
		die("the child failed (status 0x%x)", status);
	if (WEXITSTATUS(status) == 1)
		n_bad++;
	check_alive("a /proc directory under another name");
	return finish();
}

/*
 * escape limits: what the kernel lets one process of a user do to another
 * without signals: resource limits (a lower RLIMIT_CPU has the kernel
 * SIGKILL the supervisor), scheduling, its OOM score.  Each is tried
 * with the values the supervisor already has, so nothing changes.
 */
static int
cmd_limits(int argc, char **argv)
{
	struct {
		uint64_t cur, max;
	} lim;
	cpu_set_t set;
	char path[64];
	long r, prio;
	int fd;

	(void)argc;
	(void)argv;
	need_sup();
	r = sys4(SYS_prlimit64, sup, RLIMIT_CPU, 0, (long)&lim);
	note("prlimit64(supervisor, RLIMIT_CPU) read: %s", res(r).s);
	if (r == 0)
		expect("prlimit64(supervisor, RLIMIT_CPU, its own values)",
		       sys4(SYS_prlimit64, sup, RLIMIT_CPU, (long)&lim, 0),
		       -EPERM);
	prio = sys2(SYS_getpriority, PRIO_PROCESS, sup);
	if (prio > 0)
		expect("setpriority(supervisor, its own nice value)",
		       sys3(SYS_setpriority, PRIO_PROCESS, sup, 20 - prio),
		       -EPERM);
	r = sys3(SYS_sched_getaffinity, sup, sizeof(set), (long)&set);
	if (r > 0)
		expect("sched_setaffinity(supervisor, its own mask)",
		       sys3(SYS_sched_setaffinity, sup, r, (long)&set), -EPERM);
	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", sup);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && geteuid() == 0) {
		/*
		 * a non-dumpable process's /proc files belong to root, so a
		 * root target can raise the supervisor's OOM score, which
		 * can only get it killed, and its targets with it: the man
		 * page's threat model says so
		 */
		note("as root, /proc/supervisor/oom_score_adj opens for "
		     "writing (documented: fails closed)");
		close(fd);
	} else if (fd >= 0) {
		escaped("/proc/supervisor/oom_score_adj opens for writing");
		close(fd);
	} else {
		ok("open(/proc/supervisor/oom_score_adj, O_WRONLY): %m");
	}
	check_alive("the supervisor's limits");
	return finish();
}

/* ---- main ---- */

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "bpf", cmd_bpf },
	{ "check-denied", cmd_check_denied },
	{ "check-traced", cmd_check_traced },
	{ "i80-works", cmd_i80_works },
	{ "untraced", cmd_untraced },
	{ "clone3", cmd_clone3 },
	{ "vfork", cmd_vfork },
	{ "i386", cmd_i386 },
	{ "x32", cmd_x32 },
	{ "x32-sup", cmd_x32_sup },
	{ "signals", cmd_signals },
	{ "ptrace", cmd_ptrace },
	{ "memory", cmd_memory },
	{ "exec-race", cmd_exec_race },
	{ "orphan-wait", cmd_orphan_wait },
	{ "orphan-kill", cmd_orphan_kill },
	{ "listener", cmd_listener },
	{ "own-filter", cmd_own_filter },
	{ "spin", cmd_spin },
	{ "nondumpable", cmd_nondumpable },
	{ "group-signal", cmd_group_signal },
	{ "pidfd-pgrp", cmd_pidfd_pgrp },
	{ "fsetown", cmd_fsetown },
	{ "pgrp-race", cmd_pgrp_race },
	{ "pidfd-race", cmd_pidfd_race },
	{ "proc-mount", cmd_proc_mount },
	{ "limits", cmd_limits },
};

int
main(int argc, char **argv)
{
	struct rlimit no_core = { 0, 0 };
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "usage: escape SUBCOMMAND [ARG]...\n");
		return 2;
	}
	/* children killed by the checks leave no cores behind */
	setrlimit(RLIMIT_CORE, &no_core);
	alarm(PROBE_ALARM);
	find_sup();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "escape: unknown subcommand %s\n", argv[1]);
	return 2;
}
