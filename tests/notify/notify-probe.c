/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * notify-probe: what the kernel's seccomp selftests check of user
 * notifications (the user_notification_* tests of
 * tools/testing/selftests/seccomp/seccomp_bpf.c), played against a real
 * kernel listener and against sandbox-run's agent socket, each run printed
 * as a transcript that a test compares line by line.
 *
 *   notify-probe kernel SCENARIO
 *	The target installs the scenario's filter itself, with
 *	SECCOMP_FILTER_FLAG_NEW_LISTENER, and passes the listener up; the
 *	probe answers through the SECCOMP_IOCTL_NOTIF_* ioctls.
 *   notify-probe sandbox SCENARIO [SANDBOX-RUN-OPTION]...
 *	The same filter, as BPF text (or as a policy where the scenario needs
 *	a directive), under $SANDBOX_RUN --agent-socket; the probe is the
 *	agent and answers through libsandbox-notify.
 *   notify-probe list
 *	The scenarios, one a line.
 *   notify-probe target MODE SCENARIO
 *	The confined side; the two modes above run it.
 *
 * Every scenario is written once: its agent half against the few calls
 * below that both listeners offer (recv, send, id_valid, addfd, close), its
 * target half as plain code.  The target is two processes.  The "keeper"
 * forks the "worker", waits for it, reports how it ended, and stays until
 * the probe lets it go, so a sandbox's supervisor outlives the worker as a
 * kernel listener outlives the tasks that notify through it.  The worker
 * (and its threads and children) make the calls the filter sends to the
 * listener.  In kernel mode the worker installs the filter; in sandbox mode
 * sandbox-run has done so.  Either way the worker starts with the same fds:
 * 0, 1, 2 and these:
 *
 *   100  ctl	probe -> worker: one byte for each go-ahead
 *   101  rep	targets -> probe: the target's lines
 *   102  quit	probe -> keeper: EOF ends the run
 *   103  lsock	worker -> probe: the kernel listener (SCM_RIGHTS); closed
 *		before the scenario starts
 *
 * The target writes lines to rep, one write(2) each.  Lines that start with
 * '@' tell the probe something and are not printed: "@tid NAME TID" names a
 * thread, "@calling NAME" says that thread is about to make the call,
 * "@skip REASON" ends the run as skipped (exit 77), "@kfail TEXT" reports a
 * kernel-only check that failed.  The probe prints the other lines, "T "
 * first, at fixed points of the scenario, and its own lines with "A "
 * first, so the transcript does not depend on timing.  Ids are printed
 * relative to the first one received, pids by the name of the thread.
 *
 * What only the kernel API has (poll on the listener, the RECV buffer
 * check, a second listener, ADDFD record sizes, TSYNC flags, TASK_KILLABLE
 * as state D) is checked in kernel mode only; a failure prints a
 * "KERNEL-CHECK FAILED" line, which no expected transcript holds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/kcmp.h>
#include <linux/seccomp.h>

#include "notify/sandbox-notify.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#define NATIVE_ARCH 0
#endif

#define CTL_FD	 100
#define REP_FD	 101
#define QUIT_FD	 102
#define LSOCK_FD 103

/* The selftests' USER_NOTIF_MAGIC. */
#define MAGIC INT_MAX

/* Arguments 1 to 5 of every notifying call, so NOTIF's args can be
 * checked. */
#define ARG(i) (0x1000L * (i) + (i))

/* How long the probe waits for any one thing, and for the whole run. */
#define WAIT_MS	    5000
#define RUN_SECONDS 20

/* Scenario flags. */
#define SC_NO_LISTENER (1U << 0) /* no listener, no --agent-socket */
#define SC_KILLABLE    (1U << 1) /* WAIT_KILLABLE_RECV, wait-killable-recv */
#define SC_LATE	       (1U << 2) /* the agent connects when it is ready */
#define SC_TSYNC       (1U << 3) /* kernel: install with TSYNC */
#define SC_BUSY	       (1U << 4) /* kernel: a second listener gives EBUSY */

struct scenario {
	const char *name;
	int nr;		     /* the call the filter sends to the listener */
	const char *nr_name; /* its name, for a policy */
	unsigned int flags;
	void (*pre)(void);    /* worker, before the kernel filter goes in */
	void (*target)(void); /* worker */
	void (*agent)(void);
};

enum probe_mode {
	MODE_KERNEL,
	MODE_SANDBOX,
};

static const struct scenario *scen;
static enum probe_mode mode;

/* ==== Both sides ======================================================= */

static const char *
errname_r(int e, char *buf, size_t size)
{
	const char *n = strerrorname_np(e);

	if (n)
		return n;
	snprintf(buf, size, "E%d", e);
	return buf;
}

static const char *
signame(int sig)
{
	const char *n = sigabbrev_np(sig);
	static char buf[16];

	if (n) {
		snprintf(buf, sizeof(buf), "SIG%s", n);
		return buf;
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}

static const char *
status_str(int st)
{
	static char buf[64];

	if (WIFEXITED(st))
		snprintf(buf, sizeof(buf), "exit %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, sizeof(buf), "killed by %s",
			 signame(WTERMSIG(st)));
	else
		snprintf(buf, sizeof(buf), "status %#x", st);
	return buf;
}

static const char *
nr_str(long nr)
{
	static char buf[24];

	switch (nr) {
	case __NR_getppid:
		return "getppid";
	case __NR_gettid:
		return "gettid";
	case __NR_dup:
		return "dup";
	}
	snprintf(buf, sizeof(buf), "%ld", nr);
	return buf;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ==== The target ======================================================= */

/* tsay() - one line to the probe, in one write so threads do not mix. */
static void __attribute__((format(printf, 1, 2))) tsay(const char *fmt, ...)
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
	if (write(REP_FD, line, n) != n)
		_exit(98);
}

static void
on_signal(int sig)
{
	static const char usr1[] = "handler: SIGUSR1\n";
	static const char other[] = "handler: another signal\n";
	int saved = errno;
	ssize_t n;

	if (sig == SIGUSR1)
		n = write(REP_FD, usr1, sizeof(usr1) - 1);
	else
		n = write(REP_FD, other, sizeof(other) - 1);
	(void)n;
	errno = saved;
}

/* set_handler() - a SIGUSR1 handler, with or without SA_RESTART. */
static void
set_handler(bool restart)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		tsay("@kfail sigaction: %s", strerror(errno));
}

/* t_call() - make the notifying call @nr as @who and report its result. */
static long
t_call(const char *who, long nr, long a0)
{
	char buf[16];
	long r;
	int e;

	tsay("@calling %s", who);
	errno = 0;
	r = syscall(nr, a0, ARG(1), ARG(2), ARG(3), ARG(4), ARG(5));
	e = errno;
	if (r == -1)
		tsay("%s: %s = -1 %s", who, nr_str(nr),
		     errname_r(e, buf, sizeof(buf)));
	else
		tsay("%s: %s = %ld", who, nr_str(nr), r);
	return r;
}

static long
t_getppid(const char *who)
{
	return t_call(who, __NR_getppid, 0);
}

/* fd_kind() - what fd @fd is, in a word that does not change between
 * runs. */
static const char *
fd_kind(int fd)
{
	char path[64], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return "?";
	link[n] = '\0';
	if (strncmp(link, "/memfd:notify-probe", 19) == 0)
		return "memfd";
	if (strcmp(link, "/dev/null") == 0)
		return "null";
	if (strncmp(link, "pipe:", 5) == 0)
		return "pipe";
	if (strncmp(link, "socket:", 7) == 0)
		return "socket";
	if (strcmp(link, "anon_inode:seccomp notify") == 0)
		return "listener";
	return "other";
}

/* t_fds() - report the open fds; those from 3 to 99 with what they are and
 * FD_CLOEXEC.  It opens nothing, so it works at any RLIMIT_NOFILE. */
static void
t_fds(void)
{
	char line[900];
	size_t len;
	int fd, fl;

	len = (size_t)snprintf(line, sizeof(line), "fds:");
	for (fd = 0; fd < 1024 && len < sizeof(line) - 40; fd++) {
		fl = fcntl(fd, F_GETFD);
		if (fl < 0)
			continue;
		len +=
		    (size_t)snprintf(line + len, sizeof(line) - len, " %d", fd);
		if (fd < 3 || fd >= 100)
			continue;
		len += (size_t)snprintf(line + len, sizeof(line) - len, ":%s%s",
					fd_kind(fd),
					(fl & FD_CLOEXEC) ? ",cloexec" : "");
	}
	tsay("%s", line);
}

/* ctl_wait() - wait for the probe's go-ahead. */
static void
ctl_wait(void)
{
	char c;
	ssize_t n;

	do
		n = read(CTL_FD, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		_exit(97);
}

static int
send_fd(int sock, int fd)
{
	char byte = 'L';
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

	memset(&u, 0, sizeof(u));
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

static long
seccomp_filter(unsigned int flags, struct sock_fprog *prog)
{
	return syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
}

/* kernel_install() - what sandbox-run does for sandbox mode: the
 * scenario's filter (see sandbox_files()), with a listener for the probe. */
static void
kernel_install(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, scen->nr, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
	};
	struct sock_fprog prog = { .len = 4, .filter = insns };
	unsigned int flags = 0;
	long fd;

	if (!(scen->flags & SC_NO_LISTENER))
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
	if (scen->flags & SC_KILLABLE)
		flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		tsay("@kfail PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
	if (scen->flags & SC_TSYNC) {
		/* user_notification_with_tsync: exclusive without ESRCH. */
		if (seccomp_filter(flags | SECCOMP_FILTER_FLAG_TSYNC, &prog) !=
			-1 ||
		    errno != EINVAL)
			tsay("@kfail NEW_LISTENER|TSYNC was not EINVAL");
		flags |=
		    SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	fd = seccomp_filter(flags, &prog);
	if (fd < 0) {
		tsay("@kfail seccomp(SET_MODE_FILTER, %#x): %s", flags,
		     strerror(errno));
		_exit(96);
	}
	if (scen->flags & SC_BUSY) {
		/* user_notification_basic: one listener per chain. */
		if (seccomp_filter(flags, &prog) != -1 || errno != EBUSY)
			tsay("@kfail a second listener was not EBUSY");
	}
	if (flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) {
		if (send_fd(LSOCK_FD, (int)fd) < 0)
			tsay("@kfail cannot pass the listener up");
		close((int)fd);
	}
}

static void __attribute__((noreturn)) worker_main(bool kernel)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	alarm(RUN_SECONDS);
	tsay("@tid worker %d", (int)getpid());
	if (scen->pre)
		scen->pre();
	if (kernel)
		kernel_install();
	close(LSOCK_FD);
	t_fds();
	scen->target();
	exit(0);
}

static int
target_main(const char *how)
{
	bool kernel = strcmp(how, "kernel") == 0;
	pid_t w;
	ssize_t n;
	char c;
	int st, fd;

	for (fd = CTL_FD; fd <= LSOCK_FD; fd++) {
		if (fcntl(fd, F_GETFD) < 0) {
			fprintf(stderr,
				"notify-probe target: fd %d is not "
				"open; run it through notify-probe\n",
				fd);
			return 99;
		}
	}
	w = fork();
	if (w < 0)
		return 99;
	if (w == 0)
		worker_main(kernel);
	close(LSOCK_FD);
	while (waitpid(w, &st, 0) < 0) {
		if (errno != EINTR)
			return 99;
	}
	tsay("worker: %s", status_str(st));
	close(REP_FD);
	for (;;) {
		n = read(QUIT_FD, &c, 1);
		if (n == 0 || (n < 0 && errno != EINTR))
			break;
	}
	return 0;
}

/* ==== Scenario targets ================================================= */

static void
t_worker_getppid(void)
{
	t_getppid("worker");
}

static void
t_twice(void)
{
	t_getppid("worker");
	t_getppid("worker");
}

static int tsync_pipe[2];
static pthread_t tsync_thread;

static void *
tsync_main(void *arg)
{
	char c;

	if (read(tsync_pipe[0], &c, 1) != 1)
		return NULL;
	tsay("@tid t1 %d", (int)syscall(SYS_gettid));
	t_getppid("t1");
	return NULL;
}

/* A thread that exists before the filter goes in: only TSYNC puts the
 * kernel's filter on it. */
static void
tsync_pre(void)
{
	if (pipe2(tsync_pipe, O_CLOEXEC) < 0 ||
	    pthread_create(&tsync_thread, NULL, tsync_main, NULL) != 0)
		tsay("@kfail cannot start the thread");
}

static void
t_tsync(void)
{
	if (write(tsync_pipe[1], "g", 1) != 1)
		tsay("@kfail cannot wake the thread");
	pthread_join(tsync_thread, NULL);
}

static void
t_signal(void)
{
	/* signal(2) in glibc, as the selftest uses it, means SA_RESTART. */
	set_handler(true);
	t_call("worker", __NR_gettid, 0);
}

static void
t_signal_eintr(void)
{
	set_handler(false);
	t_call("worker", __NR_gettid, 0);
}

static void
t_signal_ignored(void)
{
	sigset_t set;

	set_handler(false);
	signal(SIGUSR2, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	t_getppid("worker");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	tsay("worker: unblocked SIGUSR1");
}

static void
t_killable(void)
{
	set_handler(false);
	t_getppid("worker");
}

static void
t_continue(void)
{
	struct stat a, b;
	int p[2];
	long d;

	if (pipe(p) < 0) {
		tsay("pipe: %s", strerror(errno));
		return;
	}
	d = t_call("worker", __NR_dup, p[0]);
	if (d < 0)
		return;
	if (fstat(p[0], &a) == 0 && fstat((int)d, &b) == 0)
		tsay("worker: dup'd fd is the pipe: %s",
		     a.st_dev == b.st_dev && a.st_ino == b.st_ino ? "yes"
								  : "no");
}

static void *
nothing(void *arg)
{
	return arg;
}

/* user_notification_filter_empty_threaded: children and threads come and
 * go, and the filter's users with them. */
static void
t_empty_threaded(void)
{
	pthread_t th;
	pid_t p;
	int i, st;

	for (i = 0; i < 2; i++) {
		p = fork();
		if (p == 0)
			_exit(0);
		if (p > 0)
			waitpid(p, &st, 0);
		if (pthread_create(&th, NULL, nothing, NULL) == 0)
			pthread_join(th, NULL);
	}
}

static void
t_addfd(void)
{
	int n;

	/* fd 50 is open, for ADDFD with SETFD to replace. */
	n = open("/dev/null", O_RDONLY);
	if (n < 0 || dup2(n, 50) != 50)
		tsay("open /dev/null: %s", strerror(errno));
	close(n);
	t_getppid("worker");
	t_fds();
	t_getppid("worker");
	t_fds();
	t_getppid("worker");
}

static void
t_addfd_edge(void)
{
	t_getppid("worker");
	t_fds();
	close(3);
	t_getppid("worker");
	t_fds();
	/* Still here while the agent compares fd 3. */
	t_getppid("worker");
}

static void
t_addfd_rlimit(void)
{
	t_getppid("worker");
	t_fds();
}

static const char *const fifo_names[] = { "t1", "t2", "t3" };
static const char *const fifo_proc_names[] = { "c1", "c2", "c3" };

static void *
fifo_thread(void *arg)
{
	const char *name = arg;

	tsay("@tid %s %d", name, (int)syscall(SYS_gettid));
	t_getppid(name);
	return NULL;
}

/* user_notification_fifo, with threads: started one at a time, each once
 * the one before waits, so their order is known. */
static void
t_fifo(void)
{
	pthread_t th[3];
	int i;

	t_getppid("worker");
	for (i = 0; i < 3; i++) {
		if (pthread_create(&th[i], NULL, fifo_thread,
				   (void *)fifo_names[i]) != 0)
			tsay("@kfail pthread_create");
		if (i < 2)
			ctl_wait();
	}
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
}

/* The same with processes, as the selftest has it. */
static void
t_fifo_procs(void)
{
	pid_t p[3];
	int i, st[3];

	t_getppid("worker");
	for (i = 0; i < 3; i++) {
		p[i] = fork();
		if (p[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			tsay("@tid %s %d", fifo_proc_names[i], (int)getpid());
			t_getppid(fifo_proc_names[i]);
			_exit(0);
		}
		if (i < 2)
			ctl_wait();
	}
	/* All first, then the report, which then cannot come between a
	 * child's lines. */
	for (i = 0; i < 3; i++) {
		if (p[i] <= 0 || waitpid(p[i], &st[i], 0) != p[i])
			st[i] = -1;
	}
	for (i = 0; i < 3; i++)
		tsay("%s: %s", fifo_proc_names[i], status_str(st[i]));
}

static void
pidns_pre(void)
{
	char buf[16];

	if (unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0) {
		tsay("@skip unshare(CLONE_NEWUSER|CLONE_NEWPID): %s",
		     errname_r(errno, buf, sizeof(buf)));
		_exit(0);
	}
}

/* user_notification_child_pid_ns: the notifying task is pid 1 of a new
 * pid namespace; the listener's owner sees it by its own number. */
static void
t_child_pid_ns(void)
{
	pid_t c;
	int st;

	c = fork();
	if (c == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		tsay("c: getpid = %d", (int)getpid());
		t_getppid("c");
		_exit(0);
	}
	if (c < 0) {
		tsay("fork: %s", strerror(errno));
		return;
	}
	tsay("@tid c %d", (int)c);
	if (waitpid(c, &st, 0) == c)
		tsay("c: %s", status_str(st));
}

/* ==== The agent ======================================================== */

static int lfd = -1;		/* kernel mode: the listener */
static struct sbx_notify *conn; /* sandbox mode: the connection */
static char tmpdir[PATH_MAX];
static char sock_path[PATH_MAX + 16];
static char filter_path[PATH_MAX + 32];
static pid_t agent_pid;
static pid_t run_pid = -1;
static bool run_done;
static int ctl_w = -1, rep_r = -1, quit_w = -1, lsock_r = -1;
static int memfd = -1;
static uint64_t base_id;
static bool have_base;
static const char *volatile step = "start";

struct tname {
	char name[16];
	pid_t tid;
	unsigned int calls; /* "@calling" lines not yet waited for */
};
static struct tname tnames[32];
static size_t n_tnames;

static char *lines[512];
static size_t n_lines, next_line;
static bool rep_eof;

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static const char *
errname(int e)
{
	static char buf[4][16];
	static unsigned int i;

	i = (i + 1) % 4;
	return errname_r(e, buf[i], sizeof(buf[i]));
}

/* result() - 0 as "ok", -errno by name. */
static const char *
result(int r)
{
	return r < 0 ? errname(-r) : "ok";
}

/* rel() - @id as an offset from the first id received. */
static const char *
rel(uint64_t id)
{
	static char buf[4][32];
	static unsigned int i;

	i = (i + 1) % 4;
	if (!have_base)
		snprintf(buf[i], sizeof(buf[i]), "?");
	else
		snprintf(buf[i], sizeof(buf[i]), "%+lld",
			 (long long)(id - base_id));
	return buf[i];
}

static void
kfail(const char *what)
{
	say("KERNEL-CHECK FAILED: %s", what);
}

/* cleanup() - remove the sandbox mode's files; async-signal-safe. */
static void
cleanup(void)
{
	if (getpid() != agent_pid || !tmpdir[0])
		return;
	unlink(sock_path);
	unlink(filter_path);
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

/* abort_run() - end the run at once, show what the target said, and
 * exit with @code. */
static void __attribute__((noreturn)) abort_run(int code)
{
	int st;

	if (run_pid > 0 && !run_done) {
		kill(run_pid, SIGKILL);
		waitpid(run_pid, &st, 0);
		run_done = true;
	}
	while (next_line < n_lines)
		say("T %s", lines[next_line++]);
	exit(code);
}

static void
on_alarm(int sig)
{
	static const char msg[] = "A TIMEOUT: the run took too long (at ";
	static const char term[] = "A stopped by a signal (at ";
	ssize_t n;

	if (sig == SIGALRM)
		n = write(STDOUT_FILENO, msg, sizeof(msg) - 1);
	else
		n = write(STDOUT_FILENO, term, sizeof(term) - 1);
	n = write(STDOUT_FILENO, step, strlen(step));
	n = write(STDOUT_FILENO, ")\n", 2);
	(void)n;
	if (run_pid > 0)
		kill(run_pid, SIGKILL);
	cleanup();
	_exit(1);
}

static struct tname *
tname_get(const char *name)
{
	size_t i;

	for (i = 0; i < n_tnames; i++) {
		if (strcmp(tnames[i].name, name) == 0)
			return &tnames[i];
	}
	if (n_tnames == sizeof(tnames) / sizeof(tnames[0])) {
		say("A too many thread names");
		abort_run(1);
	}
	snprintf(tnames[n_tnames].name, sizeof(tnames[0].name), "%s", name);
	return &tnames[n_tnames++];
}

static const char *
pid_name(uint32_t pid)
{
	size_t i;

	if (pid == 0)
		return "0";
	for (i = 0; i < n_tnames; i++) {
		if (tnames[i].tid == (pid_t)pid)
			return tnames[i].name;
	}
	return "unknown";
}

static void
handle_line(char *s)
{
	char name[16];
	int tid;

	if (s[0] != '@') {
		if (n_lines == sizeof(lines) / sizeof(lines[0])) {
			say("A too many lines from the target");
			abort_run(1);
		}
		lines[n_lines] = strdup(s);
		if (!lines[n_lines])
			abort_run(1);
		n_lines++;
		return;
	}
	if (sscanf(s, "@tid %15s %d", name, &tid) == 2) {
		tname_get(name)->tid = tid;
	} else if (sscanf(s, "@calling %15s", name) == 1) {
		tname_get(name)->calls++;
	} else if (strncmp(s, "@skip ", 6) == 0) {
		say("A skip: %s", s + 6);
		abort_run(77);
	} else if (strncmp(s, "@kfail ", 7) == 0) {
		say("KERNEL-CHECK FAILED in the target: %s", s + 7);
	} else {
		say("A unknown line from the target: %s", s);
	}
}

/* pump() - read what the target wrote, waiting up to @timeout_ms. */
static void
pump(long long timeout_ms)
{
	static char buf[16384];
	static size_t len;
	struct pollfd p = { .fd = rep_r, .events = POLLIN };
	char *start, *nl;
	ssize_t got;

	if (rep_eof)
		return;
	if (poll(&p, 1, timeout_ms > INT_MAX ? INT_MAX : (int)timeout_ms) <= 0)
		return;
	got = read(rep_r, buf + len, sizeof(buf) - 1 - len);
	if (got < 0 && errno == EINTR)
		return;
	if (got <= 0) {
		rep_eof = true;
		if (len) {
			buf[len] = '\0';
			handle_line(buf);
			len = 0;
		}
		return;
	}
	len += (size_t)got;
	start = buf;
	while ((nl = memchr(start, '\n', (size_t)(buf + len - start)))) {
		*nl = '\0';
		handle_line(start);
		start = nl + 1;
	}
	len = (size_t)(buf + len - start);
	memmove(buf, start, len);
	if (len == sizeof(buf) - 1) {
		buf[len] = '\0';
		handle_line(buf);
		len = 0;
	}
}

/* pump_ready() - take in whatever the target has written already. */
static void
pump_ready(void)
{
	size_t before;

	do {
		before = n_lines;
		pump(0);
	} while (n_lines != before && !rep_eof);
	pump(0);
}

static void __attribute__((noreturn)) timed_out(const char *what)
{
	say("A TIMEOUT waiting for %s", what);
	abort_run(1);
}

/* tline() - print the target's next line. */
static void
tline(void)
{
	long long end = now_ms() + WAIT_MS;

	while (next_line == n_lines) {
		if (rep_eof) {
			say("T (no more lines)");
			return;
		}
		if (now_ms() >= end)
			timed_out("a line from the target");
		pump(end - now_ms());
	}
	say("T %s", lines[next_line++]);
}

static void
tlines(int n)
{
	while (n-- > 0)
		tline();
}

/* wait_tid() - the tid the target gave @name. */
static pid_t
wait_tid(const char *name)
{
	long long end = now_ms() + WAIT_MS;
	struct tname *t = tname_get(name);

	while (!t->tid) {
		if (rep_eof || now_ms() >= end)
			timed_out(name);
		pump(end - now_ms());
		t = tname_get(name);
	}
	return t->tid;
}

static char
proc_state(pid_t tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '-';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '-';
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return '?';
	return p[2];
}

/* wait_state() - poll @tid's state until it is one of @want, for up to
 * @ms; the last state seen. */
static char
wait_state(pid_t tid, const char *want, long ms)
{
	long long end = now_ms() + ms;
	char st;

	for (;;) {
		st = proc_state(tid);
		if (strchr(want, st) || now_ms() >= end)
			return st;
		sleep_ms(2);
	}
}

/* wait_waiting() - wait until @name announced its call and sleeps in it,
 * as the selftests wait for state S. */
static void
wait_waiting(const char *name)
{
	long long end = now_ms() + WAIT_MS;
	struct tname *t = tname_get(name);
	pid_t tid;

	step = "a thread's call";
	while (!t->calls) {
		if (rep_eof || now_ms() >= end)
			timed_out(name);
		pump(end - now_ms());
		t = tname_get(name);
	}
	t->calls--;
	tid = wait_tid(name);
	say("A %s waits: state %c", name, wait_state(tid, "S", 5000));
}

/* show_state() - the state of @name once it is no longer running. */
static void
show_state(const char *name)
{
	say("A %s state: %c", name,
	    wait_state(wait_tid(name), "SDTtXZ-", 2000));
}

static int
lsn_recv(struct seccomp_notif *req)
{
	memset(req, 0, sizeof(*req));
	if (mode == MODE_KERNEL) {
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
			return -errno;
		return 0;
	}
	if (!conn)
		return -EBADF;
	return sbx_notify_receive(conn, req);
}

static int
lsn_send(const struct seccomp_notif_resp *resp)
{
	if (mode == MODE_KERNEL) {
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0)
			return -errno;
		return 0;
	}
	if (!conn)
		return -EBADF;
	return sbx_notify_respond(conn, resp);
}

static int
lsn_id_valid(uint64_t id)
{
	if (mode == MODE_KERNEL) {
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0)
			return -errno;
		return 0;
	}
	if (!conn)
		return -EBADF;
	return sbx_notify_id_valid(conn, id);
}

static int
lsn_addfd(const struct seccomp_notif_addfd *a, int fd)
{
	struct seccomp_notif_addfd k = *a;
	int r;

	if (mode == MODE_KERNEL) {
		k.srcfd = (uint32_t)fd;
		r = ioctl(lfd, SECCOMP_IOCTL_NOTIF_ADDFD, &k);
		return r < 0 ? -errno : r;
	}
	if (!conn)
		return -EBADF;
	return sbx_notify_addfd(conn, a, fd);
}

static void
lsn_close(void)
{
	if (mode == MODE_KERNEL) {
		close(lfd);
		lfd = -1;
	} else {
		sbx_notify_close(conn);
		conn = NULL;
	}
}

static int
op_recv(struct seccomp_notif *req)
{
	int r;

	step = "recv";
	r = lsn_recv(req);
	if (r < 0) {
		say("A recv: %s", errname(-r));
		return r;
	}
	if (!have_base) {
		base_id = req->id;
		have_base = true;
	}
	pump_ready();
	say("A recv: id=%s pid=%s flags=%u nr=%s arch=%s args=%#llx,%#llx,"
	    "%#llx,%#llx,%#llx,%#llx ip=%s",
	    rel(req->id), pid_name(req->pid), req->flags, nr_str(req->data.nr),
	    req->data.arch == NATIVE_ARCH ? "native" : "other",
	    (unsigned long long)req->data.args[0],
	    (unsigned long long)req->data.args[1],
	    (unsigned long long)req->data.args[2],
	    (unsigned long long)req->data.args[3],
	    (unsigned long long)req->data.args[4],
	    (unsigned long long)req->data.args[5],
	    req->data.instruction_pointer ? "set" : "0");
	return 0;
}

/* op_recv_gone() - RECV once no task is left under the filter.  The kernel
 * says ENOENT (and poll says POLLHUP); sandbox-run's hub says ENOENT while
 * it still runs, and the connection ends with it (ECONNRESET). */
static void
op_recv_gone(void)
{
	struct seccomp_notif req;
	int r;

	step = "recv with no task left";
	r = lsn_recv(&req);
	if (r == -ENOENT || (mode == MODE_SANDBOX && r == -ECONNRESET))
		say("A recv: no task left");
	else if (r < 0)
		say("A recv: %s", errname(-r));
	else
		say("A recv: a notification, id=%s", rel(req.id));
}

static int
op_send(uint64_t id, int64_t val, int32_t error, uint32_t flags)
{
	struct seccomp_notif_resp resp = {
		.id = id,
		.val = val,
		.error = error,
		.flags = flags,
	};
	int r;

	step = "send";
	r = lsn_send(&resp);
	say("A send id=%s val=%lld error=%d flags=%#x: %s", rel(id),
	    (long long)val, error, flags, result(r));
	return r;
}

static int
op_valid(uint64_t id)
{
	int r;

	step = "id_valid";
	r = lsn_id_valid(id);
	say("A id_valid id=%s: %s", rel(id), result(r));
	return r;
}

static const char *
addfd_flags_str(uint32_t flags)
{
	static char buf[16];

	switch (flags) {
	case 0:
		return "0";
	case SECCOMP_ADDFD_FLAG_SETFD:
		return "SETFD";
	case SECCOMP_ADDFD_FLAG_SEND:
		return "SEND";
	case SECCOMP_ADDFD_FLAG_SETFD | SECCOMP_ADDFD_FLAG_SEND:
		return "SETFD|SEND";
	}
	snprintf(buf, sizeof(buf), "%#x", flags);
	return buf;
}

static int
op_addfd(uint64_t id, uint32_t flags, uint32_t newfd, uint32_t newfd_flags)
{
	struct seccomp_notif_addfd a = {
		.id = id,
		.flags = flags,
		.newfd = newfd,
		.newfd_flags = newfd_flags,
	};
	char res[32];
	int r;

	step = "addfd";
	r = lsn_addfd(&a, memfd);
	if (r < 0)
		snprintf(res, sizeof(res), "%s", errname(-r));
	else
		snprintf(res, sizeof(res), "fd %d", r);
	say("A addfd id=%s flags=%s newfd=%u newfd_flags=%s: %s", rel(id),
	    addfd_flags_str(flags), newfd,
	    newfd_flags == O_CLOEXEC ? "O_CLOEXEC"
	    : newfd_flags == 0	     ? "0"
				     : "bad",
	    res);
	return r;
}

/* op_kcmp() - whether the target's fd @tfd is the agent's memfd. */
static void
op_kcmp(int tfd)
{
	pid_t w = wait_tid("worker");
	long r;

	r = syscall(SYS_kcmp, getpid(), w, KCMP_FILE, memfd, tfd);
	say("A kcmp(memfd, worker fd %d): %s", tfd,
	    r == 0  ? "same file"
	    : r < 0 ? errname(errno)
		    : "another file");
}

static void
op_kill(const char *name, int sig)
{
	pid_t tid = wait_tid(name);
	int r = kill(tid, sig);

	say("A kill(%s, %s): %s", name, signame(sig),
	    r < 0 ? errname(errno) : "ok");
}

/* kpoll() - kernel mode: poll the listener for POLLIN|POLLOUT, as the
 * selftests do, and check the revents. */
static void
kpoll(short want, short mask, const char *when)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN | POLLOUT };
	char what[128];
	int n;

	if (mode != MODE_KERNEL)
		return;
	n = poll(&p, 1, 2000);
	if (n != 1 || (p.revents & mask) != want) {
		snprintf(what, sizeof(what), "poll %s: %d, revents %#x", when,
			 n, p.revents);
		kfail(what);
	}
}

static int
recv_fd(int sock)
{
	char byte;
	struct iovec iov = { &byte, 1 };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct cmsghdr *c;
	int fd;

	if (poll(&p, 1, WAIT_MS) != 1)
		return -ETIMEDOUT;
	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -EPROTO;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

static void
connect_agent(void)
{
	long long end = now_ms() + WAIT_MS;
	int r, st;

	step = "connect";
	for (;;) {
		r = sbx_notify_connect(sock_path, &conn);
		if (r == 0)
			return;
		if ((r != -ENOENT && r != -ECONNREFUSED) || now_ms() >= end)
			break;
		if (waitpid(run_pid, &st, WNOHANG) == run_pid) {
			run_done = true;
			say("A sandbox-run ended before its agent socket was "
			    "ready: %s",
			    status_str(st));
			abort_run(1);
		}
		sleep_ms(5);
	}
	say("A connect: %s", errname(-r));
	abort_run(1);
}

/* run_end() - let the keeper go; print what the target still had to say
 * and how the run ended. */
static void
run_end(void)
{
	long long end = now_ms() + WAIT_MS;
	int st;

	if (run_done)
		return;
	step = "the end of the run";
	if (ctl_w >= 0)
		close(ctl_w);
	if (quit_w >= 0)
		close(quit_w);
	ctl_w = quit_w = -1;
	while (!rep_eof) {
		if (now_ms() >= end)
			timed_out("the target to finish");
		pump(end - now_ms());
	}
	while (next_line < n_lines)
		say("T %s", lines[next_line++]);
	while (waitpid(run_pid, &st, 0) < 0) {
		if (errno != EINTR) {
			say("A waitpid: %s", errname(errno));
			abort_run(1);
		}
	}
	run_done = true;
	say("A run: %s", status_str(st));
}

static void
ctl_go(void)
{
	if (write(ctl_w, "g", 1) != 1) {
		say("A cannot write to the worker");
		abort_run(1);
	}
}

/* ==== Scenario agents ================================================== */

/* user_notification_basic.  Not here: RECV's check for a zeroed buffer
 * (our RECV has no buffer; kernel mode checks it), a second listener
 * (EBUSY; a seccomp(2) matter, checked in kernel mode), and the no-op
 * filters stacked under it. */
static void
a_basic(void)
{
	struct seccomp_notif req;

	wait_waiting("worker");
	kpoll(POLLIN, POLLIN | POLLOUT | POLLHUP, "before RECV");
	if (mode == MODE_KERNEL) {
		memset(&req, 0, sizeof(req));
		req.pid = (uint32_t)-1;
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, &req) != -1 ||
		    errno != EINVAL)
			kfail("RECV into a buffer not zeroed was not EINVAL");
	}
	if (op_recv(&req) < 0)
		return;
	kpoll(POLLOUT, POLLIN | POLLOUT | POLLHUP, "after RECV");
	show_state("worker");
	op_send(req.id, MAGIC, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	op_send(req.id, MAGIC, 0, 2);
	op_valid(req.id);
	op_valid(req.id + 100);
	op_send(req.id + 100, MAGIC, 0, 0);
	op_addfd(req.id + 100, 0, 0, 0);
	op_send(req.id, MAGIC, 0, 0);
	tline();
}

/* user_notification_basic, first part: USER_NOTIF with no listener is
 * ENOSYS (under sandbox-run: no --agent-socket). */
static void
a_nolistener(void)
{
	tline();
}

/* A notification waits for the first agent (sandbox mode connects only
 * now), as one waits for the first RECV. */
static void
a_early(void)
{
	struct seccomp_notif req;

	wait_waiting("worker");
	sleep_ms(100);
	if (mode == MODE_SANDBOX)
		connect_agent();
	if (op_recv(&req) < 0)
		return;
	op_send(req.id, MAGIC, 0, 0);
	tline();
}

/* user_notification_with_tsync: a thread that was there before the filter
 * notifies too. */
static void
a_tsync(void)
{
	struct seccomp_notif req;

	wait_waiting("t1");
	if (op_recv(&req) < 0)
		return;
	op_send(req.id, MAGIC, 0, 0);
	tline();
}

/* user_notification_kill_in_middle. */
static void
a_kill_in_middle(void)
{
	struct seccomp_notif req;

	if (op_recv(&req) < 0)
		return;
	op_valid(req.id);
	op_kill("worker", SIGKILL);
	tline();
	op_valid(req.id);
	op_send(req.id, MAGIC, 0, 0);
}

/* user_notification_signal: a handler with SA_RESTART; the call comes
 * back with a new id, the old one is gone, and -512 (ERESTARTSYS) from the
 * agent is errno 512 in the target. */
static void
a_signal(void)
{
	struct seccomp_notif req;
	uint64_t old;

	if (op_recv(&req) < 0)
		return;
	old = req.id;
	op_kill("worker", SIGUSR1);
	tline();
	op_send(old, 0, -EPERM, 0);
	if (op_recv(&req) < 0)
		return;
	op_valid(old);
	op_send(req.id, 0, -512, 0);
	tline();
}

/* The same without SA_RESTART: EINTR. */
static void
a_signal_eintr(void)
{
	struct seccomp_notif req;

	if (op_recv(&req) < 0)
		return;
	op_kill("worker", SIGUSR1);
	tlines(2);
	op_valid(req.id);
	op_send(req.id, MAGIC, 0, 0);
}

/* Signals that are ignored or blocked do not interrupt the wait; a blocked
 * one is handled once unblocked. */
static void
a_signal_ignored(void)
{
	struct seccomp_notif req;

	if (op_recv(&req) < 0)
		return;
	op_kill("worker", SIGUSR2);
	op_kill("worker", SIGCHLD);
	op_kill("worker", SIGWINCH);
	op_kill("worker", SIGUSR1);
	sleep_ms(200);
	show_state("worker");
	op_valid(req.id);
	op_send(req.id, MAGIC, 0, 0);
	tlines(3);
}

/* SIGSTOP and SIGCONT during the wait: the call restarts with the next
 * id. */
static void
a_sigstop(void)
{
	struct seccomp_notif req;
	uint64_t old;
	char st;

	if (op_recv(&req) < 0)
		return;
	old = req.id;
	op_kill("worker", SIGSTOP);
	/* 't' under a tracer: a traced task's group stop is a tracing stop. */
	st = wait_state(wait_tid("worker"), "Tt", 5000);
	say("A worker %s", strchr("Tt", st) ? "stopped" : "did not stop");
	/*
	 * A tracer's task shows 't' from its signal-delivery stop on, before
	 * the supervisor has seen the stop and ended the wait: give it time
	 * (the kernel has ended it by now).  Only then is SIGCONT sure to
	 * come after the stop.
	 */
	for (int i = 0; i < 500 && lsn_id_valid(old) == 0; i++)
		sleep_ms(10);
	/* The stop ended the wait, and the notification with it. */
	if (op_valid(old) == 0) {
		/* Not so: answer it, rather than wait for one to come. */
		op_kill("worker", SIGCONT);
		op_send(old, MAGIC, 0, 0);
		tline();
		return;
	}
	op_kill("worker", SIGCONT);
	if (op_recv(&req) < 0)
		return;
	op_valid(old);
	op_send(old, MAGIC, 0, 0);
	op_send(req.id, MAGIC, 0, 0);
	tline();
}

/* user_notification_closed_listener: a call waiting when the listener
 * goes (not yet received), and a later one, fail with ENOSYS. */
static void
a_closed(void)
{
	wait_waiting("worker");
	lsn_close();
	say("A closed the listener");
	tlines(2);
}

/* The same with the notification received. */
static void
a_closed_recv(void)
{
	struct seccomp_notif req;

	if (op_recv(&req) < 0)
		return;
	lsn_close();
	say("A closed the listener");
	tlines(2);
}

/* user_notification_continue. */
static void
a_continue(void)
{
	struct seccomp_notif req;

	wait_waiting("worker");
	kpoll(POLLIN, POLLIN | POLLOUT | POLLHUP, "before RECV");
	if (op_recv(&req) < 0)
		return;
	kpoll(POLLOUT, POLLIN | POLLOUT | POLLHUP, "after RECV");
	op_send(req.id, MAGIC, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	op_send(req.id, 0, MAGIC, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	op_send(req.id, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	tlines(2);
}

/* user_notification_filter_empty(_threaded), user_ioctl_notification_
 * filter_empty: once no task is left, RECV says so at once. */
static void
a_filter_empty(void)
{
	tline();
	run_end();
	kpoll(POLLHUP, POLLHUP, "with no task left");
	op_recv_gone();
	op_recv_gone();
}

/* user_notification_addfd.  Not here: ADDFD records of other sizes
 * (12 bytes: EINVAL; 32 bytes with junk: E2BIG), which our fixed records
 * cannot express; kernel mode checks them. */
static void
a_addfd(void)
{
	struct seccomp_notif req;
	uint64_t id;
	int fd;

	wait_waiting("worker");
	if (op_recv(&req) < 0)
		return;
	id = req.id;
	op_addfd(id, 0, 0, ~(uint32_t)O_CLOEXEC);
	op_addfd(id, 0xff, 0, O_CLOEXEC);
	op_addfd(id, 0, 1, O_CLOEXEC);
	if (mode == MODE_KERNEL) {
		struct {
			struct seccomp_notif_addfd a;
			uint64_t junk;
		} big;
		struct {
			char b[12];
		} small;

		memset(&small, 0, sizeof(small));
		if (ioctl(lfd, SECCOMP_IOW(3, small), &small) != -1 ||
		    errno != EINVAL)
			kfail("ADDFD of 12 bytes was not EINVAL");
		memset(&big, 0xaa, sizeof(big));
		memset(&big.a, 0, sizeof(big.a));
		big.a.id = id;
		big.a.srcfd = (uint32_t)memfd;
		if (ioctl(lfd, SECCOMP_IOW(3, big), &big) != -1 ||
		    errno != E2BIG)
			kfail("ADDFD of 32 bytes with junk was not E2BIG");
	}
	fd = op_addfd(id, 0, 0, O_CLOEXEC);
	if (fd >= 0)
		op_kcmp(fd);
	fd = op_addfd(id, 0, 0, 0);
	if (fd >= 0)
		op_kcmp(fd);
	fd = op_addfd(id, SECCOMP_ADDFD_FLAG_SETFD, 42, 0);
	if (fd >= 0)
		op_kcmp(fd);
	/* Onto the open fd 50: it is replaced, as by dup2. */
	fd = op_addfd(id, SECCOMP_ADDFD_FLAG_SETFD, 50, O_CLOEXEC);
	if (fd >= 0)
		op_kcmp(fd);
	op_send(id, MAGIC, 0, 0);
	tlines(2);

	/* The next notification, before it is received (INIT). */
	wait_waiting("worker");
	op_addfd(id + 1, 0, 0, 0);
	op_send(id + 1, MAGIC, 0, 0);
	op_valid(id + 1);
	if (op_recv(&req) < 0)
		return;
	fd = op_addfd(req.id, SECCOMP_ADDFD_FLAG_SEND, 0, O_CLOEXEC);
	if (fd >= 0)
		op_kcmp(fd);
	else
		op_send(req.id, MAGIC, 0, 0);
	tlines(2);
	if (op_recv(&req) < 0)
		return;
	op_send(req.id, MAGIC, 0, 0);
	tline();
}

/* Set the worker's soft RLIMIT_NOFILE, and with @hard its hard one too. */
static void
op_prlimit(rlim_t lim, bool hard)
{
	struct rlimit rl = { lim, lim };
	pid_t w = wait_tid("worker");
	int r = 0;

	if (!hard)
		r = prlimit(w, RLIMIT_NOFILE, NULL, &rl);
	rl.rlim_cur = lim;
	if (r == 0)
		r = prlimit(w, RLIMIT_NOFILE, &rl, NULL);
	say("A prlimit(worker, RLIMIT_NOFILE, %llu%s): %s",
	    (unsigned long long)lim, hard ? ", hard too" : "",
	    r < 0 ? errname(errno) : "ok");
}

/* user_notification_addfd_rlimit. */
static void
a_addfd_rlimit(void)
{
	struct seccomp_notif req;

	if (op_recv(&req) < 0)
		return;
	op_prlimit(0, true);
	op_addfd(req.id, 0, 0, O_CLOEXEC);
	op_addfd(req.id, SECCOMP_ADDFD_FLAG_SEND, 0, O_CLOEXEC);
	op_addfd(req.id, SECCOMP_ADDFD_FLAG_SETFD, 99, O_CLOEXEC);
	op_send(req.id, MAGIC, 0, 0);
	tlines(2);
}

/* At the edge: one fd free below RLIMIT_NOFILE (fds 0-2 are open, the
 * soft limit is 4).  The kernel's ADDFD takes it.  (With the hard limit
 * there too, the supervisor needs CAP_SYS_RESOURCE: sandbox-run(1),
 * DIFFERENCES; tests/agent/addfd.test pins that.) */
static void
a_addfd_rlimit_edge(void)
{
	struct seccomp_notif req;
	int fd;

	if (op_recv(&req) < 0)
		return;
	op_prlimit(4, false);
	fd = op_addfd(req.id, 0, 0, O_CLOEXEC);
	if (fd >= 0)
		op_kcmp(fd);
	op_addfd(req.id, 0, 0, 0);
	op_addfd(req.id, SECCOMP_ADDFD_FLAG_SETFD, 3, 0);
	op_addfd(req.id, SECCOMP_ADDFD_FLAG_SETFD, 4, 0);
	op_addfd(req.id, SECCOMP_ADDFD_FLAG_SEND, 0, 0);
	op_send(req.id, MAGIC, 0, 0);
	tlines(2);
	wait_waiting("worker");
	if (op_recv(&req) < 0)
		return;
	fd = op_addfd(req.id, SECCOMP_ADDFD_FLAG_SEND, 0, O_CLOEXEC);
	if (fd >= 0)
		op_kcmp(fd);
	else
		op_send(req.id, MAGIC, 0, 0);
	tlines(2);
	if (op_recv(&req) < 0)
		return;
	op_send(req.id, MAGIC, 0, 0);
	tline();
}

/* user_notification_fifo: the oldest notification is received first. */
static void
fifo_agent(const char *const names[3])
{
	struct seccomp_notif req[3];
	int i;

	if (op_recv(&req[0]) < 0)
		return;
	op_send(req[0].id, MAGIC, 0, 0);
	tline();
	for (i = 0; i < 3; i++) {
		wait_waiting(names[i]);
		if (i < 2)
			ctl_go();
	}
	for (i = 0; i < 3; i++) {
		if (op_recv(&req[i]) < 0)
			return;
	}
	for (i = 0; i < 3; i++) {
		op_send(req[i].id, MAGIC, 0, 0);
		tline();
	}
}

static void
a_fifo(void)
{
	fifo_agent(fifo_names);
}

static void
a_fifo_procs(void)
{
	fifo_agent(fifo_proc_names);
}

/* user_notification_wait_killable_pre_notification: before the
 * notification is received, a signal interrupts as ever. */
static void
a_killable_pre(void)
{
	wait_waiting("worker");
	op_kill("worker", SIGUSR1);
	tlines(2);
}

/* user_notification_wait_killable: once received, a non-fatal signal waits
 * for the reply, and the handler runs after the call.  The kernel shows
 * that wait as state D (TASK_KILLABLE), which a ptrace supervisor cannot
 * produce: kernel mode checks it, sandbox mode gives the signal time. */
static void
a_killable(void)
{
	struct seccomp_notif req;

	if (op_recv(&req) < 0)
		return;
	op_kill("worker", SIGUSR1);
	if (mode == MODE_KERNEL) {
		if (wait_state(wait_tid("worker"), "D", 5000) != 'D')
			kfail("the worker did not reach state D");
	} else {
		sleep_ms(200);
	}
	op_valid(req.id);
	op_send(req.id, MAGIC, 0, 0);
	tlines(2);
}

/* user_notification_wait_killable_fatal: a fatal signal still kills. */
static void
a_killable_fatal(void)
{
	struct seccomp_notif req;

	wait_waiting("worker");
	if (op_recv(&req) < 0)
		return;
	op_kill("worker", SIGTERM);
	tline();
	op_valid(req.id);
}

/* user_notification_child_pid_ns. */
static void
a_child_pid_ns(void)
{
	struct seccomp_notif req;

	wait_waiting("c");
	if (op_recv(&req) < 0)
		return;
	op_send(req.id, MAGIC, 0, 0);
	tlines(3);
}

/* user_notification_sibling_pid_ns: an agent in a pid namespace that
 * cannot see the target reads pid 0. */
static void
a_sibling_pid_ns(void)
{
	long long end = now_ms() + WAIT_MS;
	struct pollfd pf;
	char buf[512];
	size_t len = 0;
	ssize_t n;
	pid_t s1, s2;
	int p[2], st;

	wait_waiting("worker");
	if (pipe(p) < 0)
		abort_run(1);
	s1 = fork();
	if (s1 == 0) {
		close(p[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0) {
			dprintf(p[1],
				"@skip unshare(CLONE_NEWUSER|CLONE_NEWPID): "
				"%s\n",
				errname(errno));
			_exit(0);
		}
		s2 = fork();
		if (s2 == 0) {
			struct seccomp_notif req;
			struct seccomp_notif_resp resp = { 0 };
			int r;

			if (mode == MODE_SANDBOX) {
				r = sbx_notify_connect(sock_path, &conn);
				if (r < 0) {
					dprintf(p[1], "connect: %s\n",
						errname(-r));
					_exit(0);
				}
			}
			r = lsn_recv(&req);
			if (r < 0) {
				dprintf(p[1], "recv: %s\n", errname(-r));
				_exit(0);
			}
			dprintf(p[1], "recv: pid=%u nr=%s\n", req.pid,
				nr_str(req.data.nr));
			resp.id = req.id;
			resp.val = MAGIC;
			r = lsn_send(&resp);
			dprintf(p[1], "send val=%d: %s\n", MAGIC, result(r));
			_exit(0);
		}
		if (s2 > 0)
			waitpid(s2, &st, 0);
		_exit(0);
	}
	close(p[1]);
	step = "the agent in another pid namespace";
	pf.fd = p[0];
	pf.events = POLLIN;
	for (;;) {
		if (now_ms() >= end)
			timed_out(step);
		if (poll(&pf, 1, (int)(end - now_ms())) <= 0)
			continue;
		n = read(p[0], buf + len, sizeof(buf) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(p[0]);
	if (s1 > 0)
		waitpid(s1, &st, 0);
	buf[len] = '\0';
	if (strncmp(buf, "@skip ", 6) == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		say("A skip: %s", buf + 6);
		abort_run(77);
	}
	for (char *s = strtok(buf, "\n"); s; s = strtok(NULL, "\n"))
		say("A other pid namespace: %s", s);
	tline();
}

/* ==== The scenarios ==================================================== */

static const struct scenario scenarios[] = {
	{ "basic", __NR_getppid, "getppid", SC_BUSY, NULL, t_worker_getppid,
	  a_basic },
	{ "nolistener", __NR_getppid, "getppid", SC_NO_LISTENER, NULL,
	  t_worker_getppid, a_nolistener },
	{ "early", __NR_getppid, "getppid", SC_LATE, NULL, t_worker_getppid,
	  a_early },
	{ "tsync", __NR_getppid, "getppid", SC_TSYNC, tsync_pre, t_tsync,
	  a_tsync },
	{ "kill_in_middle", __NR_getppid, "getppid", 0, NULL, t_worker_getppid,
	  a_kill_in_middle },
	{ "signal", __NR_gettid, "gettid", 0, NULL, t_signal, a_signal },
	{ "signal_eintr", __NR_gettid, "gettid", 0, NULL, t_signal_eintr,
	  a_signal_eintr },
	{ "signal_ignored", __NR_getppid, "getppid", 0, NULL, t_signal_ignored,
	  a_signal_ignored },
	{ "sigstop", __NR_getppid, "getppid", 0, NULL, t_worker_getppid,
	  a_sigstop },
	{ "closed", __NR_getppid, "getppid", 0, NULL, t_twice, a_closed },
	{ "closed_recv", __NR_getppid, "getppid", 0, NULL, t_twice,
	  a_closed_recv },
	{ "continue", __NR_dup, "dup", 0, NULL, t_continue, a_continue },
	{ "filter_empty", __NR_getppid, "getppid", 0, NULL, NULL,
	  a_filter_empty },
	{ "filter_empty_threaded", __NR_dup, "dup", 0, NULL, t_empty_threaded,
	  a_filter_empty },
	{ "addfd", __NR_getppid, "getppid", 0, NULL, t_addfd, a_addfd },
	{ "addfd_rlimit", __NR_getppid, "getppid", 0, NULL, t_addfd_rlimit,
	  a_addfd_rlimit },
	{ "addfd_rlimit_edge", __NR_getppid, "getppid", 0, NULL, t_addfd_edge,
	  a_addfd_rlimit_edge },
	{ "fifo", __NR_getppid, "getppid", 0, NULL, t_fifo, a_fifo },
	{ "fifo_procs", __NR_getppid, "getppid", 0, NULL, t_fifo_procs,
	  a_fifo_procs },
	{ "wait_killable_pre", __NR_getppid, "getppid", SC_KILLABLE, NULL,
	  t_killable, a_killable_pre },
	{ "wait_killable", __NR_getppid, "getppid", SC_KILLABLE, NULL,
	  t_killable, a_killable },
	{ "wait_killable_fatal", __NR_getppid, "getppid", SC_KILLABLE, NULL,
	  t_worker_getppid, a_killable_fatal },
	{ "child_pid_ns", __NR_getppid, "getppid", 0, pidns_pre, t_child_pid_ns,
	  a_child_pid_ns },
	{ "sibling_pid_ns", __NR_getppid, "getppid", 0, NULL, t_worker_getppid,
	  a_sibling_pid_ns },
};

#define N_SCENARIOS (sizeof(scenarios) / sizeof(scenarios[0]))

static const struct scenario *
find_scenario(const char *name)
{
	size_t i;

	for (i = 0; i < N_SCENARIOS; i++) {
		if (strcmp(scenarios[i].name, name) == 0)
			return &scenarios[i];
	}
	return NULL;
}

static void
t_nothing(void)
{
}

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fputs(text, f);
	if (fclose(f) != 0)
		return -errno;
	return 0;
}

/* sandbox_files() - the scenario's filter for sandbox-run: BPF text the
 * same, instruction for instruction, as kernel_install()'s; or a policy
 * where a directive is needed.  Returns the option and the file. */
static int
sandbox_files(const char **ret_opt, char *path, size_t size)
{
	char text[512];

	if (scen->flags & SC_KILLABLE) {
		snprintf(path, size, "%s/notify.policy", tmpdir);
		snprintf(text, sizeof(text),
			 "# notify-probe %s\n"
			 "default allow\n"
			 "wait-killable-recv\n"
			 "%s: notify\n",
			 scen->name, scen->nr_name);
		*ret_opt = "--policy";
	} else {
		snprintf(path, size, "%s/filter.txt", tmpdir);
		snprintf(text, sizeof(text),
			 "; notify-probe %s\n"
			 "\tld\t[nr]\n"
			 "\tjeq\t#%d, notif, allow\n"
			 "allow:\tret\tALLOW\n"
			 "notif:\tret\tUSER_NOTIF\n",
			 scen->name, scen->nr);
		*ret_opt = "--bpf-text";
	}
	return write_file(path, text);
}

/* place_fds() - in the child: @fds onto 100 to 103, everything else above
 * 2 closed. */
static void
place_fds(const int fds[4])
{
	int tmp[4], i;

	for (i = 0; i < 4; i++) {
		tmp[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 200);
		if (tmp[i] < 0)
			_exit(99);
	}
	for (i = 0; i < 4; i++) {
		if (dup2(tmp[i], CTL_FD + i) < 0)
			_exit(99);
	}
	close_range(3, CTL_FD - 1, 0);
	close_range(LSOCK_FD + 1, ~0U, 0);
}

static int
agent_main(char **extra, int n_extra)
{
	char self[PATH_MAX];
	const char *filter_opt = NULL;
	int ctl[2], rep[2], quit[2], lsock[2];
	ssize_t n;
	int r;

	agent_pid = getpid();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_alarm);
	signal(SIGTERM, on_alarm);
	signal(SIGINT, on_alarm);
	signal(SIGHUP, on_alarm);
	alarm(RUN_SECONDS);
	say("scenario %s", scen->name);

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return 99;
	self[n] = '\0';
	memfd = memfd_create("notify-probe", MFD_CLOEXEC);
	if (memfd < 0 || pipe2(ctl, O_CLOEXEC) < 0 ||
	    pipe2(rep, O_CLOEXEC) < 0 || pipe2(quit, O_CLOEXEC) < 0 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, lsock) < 0) {
		perror("notify-probe");
		return 99;
	}
	if (mode == MODE_SANDBOX) {
		const char *base = getenv("TMPDIR");

		if (!getenv("SANDBOX_RUN")) {
			fprintf(stderr, "notify-probe: SANDBOX_RUN is not "
					"set\n");
			return 99;
		}
		snprintf(tmpdir, sizeof(tmpdir), "%s/notify-probe.XXXXXX",
			 base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			tmpdir[0] = '\0';
			perror("notify-probe: mkdtemp");
			return 99;
		}
		atexit(cleanup);
		snprintf(sock_path, sizeof(sock_path), "%s/agent.sock", tmpdir);
		r = sandbox_files(&filter_opt, filter_path,
				  sizeof(filter_path));
		if (r < 0) {
			fprintf(stderr, "notify-probe: %s: %s\n", filter_path,
				strerror(-r));
			return 99;
		}
	}

	run_pid = fork();
	if (run_pid < 0)
		return 99;
	if (run_pid == 0) {
		const int fds[4] = { ctl[0], rep[1], quit[0], lsock[1] };
		char *argv[32];
		int i = 0, j;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		place_fds(fds);
		if (mode == MODE_KERNEL) {
			argv[i++] = self;
		} else {
			argv[i++] = getenv("SANDBOX_RUN");
			for (j = 0; j < n_extra && i < 20; j++)
				argv[i++] = extra[j];
			argv[i++] = (char *)filter_opt;
			argv[i++] = filter_path;
			if (!(scen->flags & SC_NO_LISTENER)) {
				argv[i++] = "--agent-socket";
				argv[i++] = sock_path;
			}
			argv[i++] = "--";
			argv[i++] = self;
		}
		argv[i++] = "target";
		argv[i++] = mode == MODE_KERNEL ? "kernel" : "sandbox";
		argv[i++] = (char *)scen->name;
		argv[i] = NULL;
		execv(argv[0], argv);
		_exit(127);
	}
	close(ctl[0]);
	close(rep[1]);
	close(quit[0]);
	close(lsock[1]);
	ctl_w = ctl[1];
	rep_r = rep[0];
	quit_w = quit[1];
	lsock_r = lsock[0];

	if (mode == MODE_KERNEL && !(scen->flags & SC_NO_LISTENER)) {
		step = "the listener";
		lfd = recv_fd(lsock_r);
		if (lfd < 0) {
			/* A target that skips goes before it installs. */
			pump(1000);
			pump_ready();
			say("A no listener from the target: %s", errname(-lfd));
			abort_run(1);
		}
	}
	close(lsock_r);
	if (mode == MODE_SANDBOX && !(scen->flags & (SC_NO_LISTENER | SC_LATE)))
		connect_agent();

	/* The worker's fds as the scenario starts. */
	tline();
	scen->agent();
	run_end();
	sbx_notify_close(conn);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: notify-probe kernel SCENARIO\n"
			"       notify-probe sandbox SCENARIO "
			"[SANDBOX-RUN-OPTION]...\n"
			"       notify-probe list\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		for (i = 0; i < N_SCENARIOS; i++)
			printf("%s\n", scenarios[i].name);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "target") == 0) {
		static struct scenario copy;

		scen = find_scenario(argv[3]);
		if (!scen)
			return 99;
		copy = *scen;
		if (!copy.target)
			copy.target = t_nothing;
		scen = &copy;
		return target_main(argv[2]);
	}
	if (argc < 3) {
		usage();
		return 2;
	}
	scen = find_scenario(argv[2]);
	if (!scen) {
		fprintf(stderr, "notify-probe: no scenario '%s'\n", argv[2]);
		return 2;
	}
	if (strcmp(argv[1], "kernel") == 0 && argc == 3)
		mode = MODE_KERNEL;
	else if (strcmp(argv[1], "sandbox") == 0)
		mode = MODE_SANDBOX;
	else {
		usage();
		return 2;
	}
	return agent_main(argv + 3, argc - 3);
}
