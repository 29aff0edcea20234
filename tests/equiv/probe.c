/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * probe: makes the system calls a script names and prints, one line each,
 * everything seccomp can change about them, so that two runs (the filters
 * in the kernel, and sandbox-run enforcing them) can be compared as text.
 *
 *   probe OP...
 *
 * Calls (NR may be negative or wider than 32 bits; every number is a C
 * literal):
 *   c NR A0 A1 A2 A3 A4 A5   through the 64-bit syscall instruction
 *   i NR A0 ... A5           through int $0x80 (the i386 ABI)
 *   l NR A0 ... A5           through libc's syscall(3), from elsewhere
 *   t NR A0 ... A5           from a new thread; reports whether it lived
 *   f NR A0 ... A5           from a forked child; reports its wait status
 *   v NR A0 ... A5           from a vfork(2) child, which makes only the
 *                            call; the parent reports it and the status
 *   P N NR A0 ... A5         from N new threads at once (at most 8); each
 *                            reports whether it lived, in order
 *   K NR A0 ... A5           from this thread while a watcher thread waits:
 *                            if this thread dies, the watcher says so and
 *                            runs the rest of the script (top level only)
 *   y WHICH                  a call through the vsyscall page, which the
 *                            kernel emulates: 0 gettimeofday(NULL, NULL),
 *                            2 getcpu(NULL, NULL, NULL)
 * Blocks, which nest:
 *   T OP... .                the ops in a new thread, joined
 *   F OP... .                the ops in a forked child, waited for
 * Threads and exits:
 *   X                        hand over: a new thread runs the rest of the
 *                            script once this one has exited (SYS_exit), so
 *                            the new one is the process's last live thread
 *                            (top level only)
 *   E CODE / G CODE          end the thread with exit(2) / the process with
 *                            exit_group(2), both raw
 *   S MS HOW CALL            a call that waits MS ms while something the
 *                            kernel discards happens to this thread: HOW c,
 *                            a child exits (SIGCHLD, default action);
 *                            HOW w, a thread sends it SIGWINCH (ditto);
 *                            HOW z, a child stops the process (SIGSTOP)
 *                            and continues it (SIGCONT).
 *                            CALL: n nanosleep, k clock_nanosleep, p poll,
 *                            s select, e epoll_wait, f futex, t
 *                            rt_sigtimedwait
 * SIGSYS, for the whole process (B and U: this thread's mask only):
 *   H  a handler that records the siginfo (the default); unblocks
 *   N  the same, but the handler makes the trapped call again once, while
 *      SIGSYS is blocked in it (a trap there is forced: the process dies)
 *   D  as N with SA_NODEFER, so the second trap runs the handler again
 *   R  a one-shot handler (SA_RESETHAND): a second trap kills
 *   I  ignored;  B  blocked;  U  unblocked
 * Queries: ip (the addresses after the syscall and int $0x80
 * instructions), i80 (whether int $0x80 works here).
 *
 * Each call prints its op's index in argv and the return register as the
 * call left it, and for each SIGSYS it raised (at most two): si_code,
 * si_errno, si_syscall, si_arch, the call address and the context's rip
 * relative to the probe's syscall instruction (to libc's syscall() for l,
 * to the page for y), and the context's rax (the kernel's rollback).  Pids
 * print as PID, PPID and TID.  Core dumps are off, so wait statuses do not
 * depend on where cores would go.  An argument PPID is the parent's pid
 * (for checks by hand).  Exit status 2: a bad script.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define WAIT_MS	 10000
#define VSYSCALL 0xffffffffff600000UL
/* epoll_create1(EPOLL_CLOEXEC), without <sys/epoll.h> */
#define EPOLL_CLOEXEC_VALUE 02000000

struct sigsys_rec {
	int code;
	int err;
	int syscall;
	unsigned int arch;
	long long call_off;
	long long rip_off;
	long long rax;
};

struct call {
	char how; /* 'c', 'i', 'l' or 'y' */
	long nr;
	long a[6];
};

/* What the SIGSYS handler saw, per thread. */
static __thread struct {
	volatile int count;
	struct sigsys_rec rec[2];
	const struct call *cur; /* the call in progress, for N and D */
	const char *base;	/* what addresses are relative to */
	long nested_ret;
	bool nested;
} seen;

static char **ops;
static int n_ops;
static char handler_mode = 'H';
static bool in_child;

extern char probe_sys_insn[], probe_i80_insn[];

static void __attribute__((noreturn)) bad(int i, const char *why)
{
	fprintf(stderr, "probe: op %d (%s): %s\n", i, i < n_ops ? ops[i] : "",
		why);
	_exit(2);
}

/* one copy of each, so the labels are defined once */
static __attribute__((noinline)) long
sys64(long nr, const long a[6])
{
	register long r10 __asm__("r10") = a[3];
	register long r8 __asm__("r8") = a[4];
	register long r9 __asm__("r9") = a[5];
	long ret;

	__asm__ volatile(".globl probe_sys_insn\n"
			 "probe_sys_insn:\n\t"
			 "syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10),
			   "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

static __attribute__((noinline)) long
sys32(long nr, const long a[6])
{
	long ret;

	/* rbp is the sixth argument; keep the frame pointer safe around it */
	__asm__ volatile("push %%rbp\n\t"
			 "mov %7, %%rbp\n\t"
			 ".globl probe_i80_insn\n"
			 "probe_i80_insn:\n\t"
			 "int $0x80\n\t"
			 "pop %%rbp"
			 : "=a"(ret)
			 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]),
			   "D"(a[4]), "m"(a[5])
			 : "memory");
	return ret;
}

static long
issue(const struct call *c)
{
	long r;

	if (c->how == 'i')
		return sys32(c->nr, c->a);
	if (c->how == 'c')
		return sys64(c->nr, c->a);
	if (c->how == 'y') {
		long (*fn)(long, long, long) =
		    (long (*)(long, long, long))(VSYSCALL + 0x400 * c->nr);

		return fn(0, 0, 0);
	}
	r = syscall(c->nr, c->a[0], c->a[1], c->a[2], c->a[3], c->a[4],
		    c->a[5]);
	return r == -1 ? -errno : r;
}

static void
on_sigsys(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;
	int n = seen.count++;

	(void)sig;
	if (n < 2) {
		struct sigsys_rec *r = &seen.rec[n];

		r->code = si->si_code;
		r->err = si->si_errno;
		r->syscall = si->si_syscall;
		r->arch = si->si_arch;
		r->call_off = (char *)si->si_call_addr - seen.base;
		r->rip_off = (long long)uc->uc_mcontext.gregs[REG_RIP] -
			     (long long)(uintptr_t)seen.base;
		r->rax = (long long)uc->uc_mcontext.gregs[REG_RAX];
	}
	/* the same call again from inside the handler, once */
	if (n == 0 && (handler_mode == 'N' || handler_mode == 'D') &&
	    seen.cur) {
		seen.nested = true;
		seen.nested_ret = issue(seen.cur);
	}
}

/*
 * This thread's id, without gettid(2), which scripts may filter: a wrong
 * id would make a live thread look gone.
 */
static pid_t
thread_id(void)
{
	char buf[64], *slash;
	ssize_t n = readlink("/proc/thread-self", buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	n = atoi(slash ? slash + 1 : buf);
	if (n <= 0)
		bad(0, "cannot tell this thread's id");
	return (pid_t)n;
}

/* The parent's pid, without getppid(2), which scripts may filter. */
static long
parent_pid(void)
{
	char buf[512], *p;
	long ppid = -1;
	FILE *f = fopen("/proc/self/stat", "re");

	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 1, " %*c %ld", &ppid);
	fclose(f);
	return ppid;
}

static int
fmt_ret(char *buf, size_t size, long ret, long pid, long ppid, long tid)
{
	/* pids differ from run to run; what they are does not */
	if (ret == pid)
		return snprintf(buf, size, "PID");
	if (ret == ppid)
		return snprintf(buf, size, "PPID");
	if (ret == tid)
		return snprintf(buf, size, "TID");
	return snprintf(buf, size, "%ld", ret);
}

/* Makes @c and formats what happened into @line. */
static void
do_call(const struct call *c, char *line, size_t size)
{
	long ret, pid = getpid(), ppid = parent_pid(), tid = thread_id();
	size_t n;
	int i;

	memset(&seen, 0, sizeof(seen));
	seen.cur = c;
	/* libc is where ASLR puts it, so relative to its syscall() */
	seen.base = c->how == 'l'   ? (const char *)(uintptr_t)syscall
		    : c->how == 'y' ? (const char *)VSYSCALL
				    : probe_sys_insn;
	ret = issue(c);
	seen.cur = NULL;
	n = (size_t)snprintf(line, size, "ret=");
	n += (size_t)fmt_ret(line + n, size - n, ret, pid, ppid, tid);
	for (i = 0; i < seen.count && i < 2 && n < size; i++) {
		const struct sigsys_rec *r = &seen.rec[i];

		n += (size_t)snprintf(line + n, size - n,
				      " sigsys%d: code=%d errno=%d syscall=%d "
				      "arch=%#x off=%lld rip=%lld rax=%lld",
				      i + 1, r->code, r->err, r->syscall,
				      r->arch, r->call_off, r->rip_off, r->rax);
	}
	if (seen.count > 2 && n < size)
		n += (size_t)snprintf(line + n, size - n, " sigsys=%d",
				      seen.count);
	if (seen.nested && n < size) {
		n += (size_t)snprintf(line + n, size - n, " nested=");
		if (n < size)
			fmt_ret(line + n, size - n, seen.nested_ret, pid, ppid,
				tid);
	}
}

static void
parse_call(int i, char how, struct call *c)
{
	int k;

	if (i + 7 >= n_ops)
		bad(i, "a call needs NR and six arguments");
	c->how = how;
	c->nr = (long)strtoull(ops[i + 1], NULL, 0);
	/* PPID: the parent's pid, for checks by hand (the suite never) */
	for (k = 0; k < 6; k++)
		c->a[k] = strcmp(ops[i + 2 + k], "PPID") == 0
			      ? parent_pid()
			      : (long)strtoull(ops[i + 2 + k], NULL, 0);
}

static int
op_args(const char *op)
{
	if (strlen(op) == 1 && strchr("ciltfvK", op[0]))
		return 7;
	if (strcmp(op, "P") == 0)
		return 8;
	if (strcmp(op, "E") == 0 || strcmp(op, "G") == 0 ||
	    strcmp(op, "y") == 0)
		return 1;
	if (strcmp(op, "S") == 0)
		return 3;
	return 0;
}

/* The index of the "." that closes the block opened at @i. */
static int
block_end(int i)
{
	int depth = 0;

	for (; i < n_ops; i++) {
		const char *op = ops[i];

		if (strcmp(op, "T") == 0 || strcmp(op, "F") == 0)
			depth++;
		else if (strcmp(op, ".") == 0 && --depth == 0)
			return i;
		i += op_args(op);
	}
	bad(i, "unclosed block");
}

static void
set_sigsys(char how)
{
	struct sigaction sa = { 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	if (how == 'B' || how == 'U') {
		pthread_sigmask(how == 'B' ? SIG_BLOCK : SIG_UNBLOCK, &set,
				NULL);
		return;
	}
	if (how == 'I') {
		sa.sa_handler = SIG_IGN;
	} else {
		handler_mode = how;
		sa.sa_sigaction = on_sigsys;
		sa.sa_flags = SA_SIGINFO;
		if (how == 'D')
			sa.sa_flags |= SA_NODEFER;
		if (how == 'R')
			sa.sa_flags |= SA_RESETHAND;
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
	sigaction(SIGSYS, &sa, NULL);
}

/* Is thread @tid of this process gone (or a zombie)? */
static bool
thread_gone(pid_t tid)
{
	char path[64], buf[256], *p;
	bool gone = true;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return true;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		gone = p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X');
	fclose(f);
	return gone;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void run(int from, int to, bool top);

/* The end of a top-level script: of the probe, or of a forked child. */
static void __attribute__((noreturn)) finish(void)
{
	if (in_child)
		_exit(0);
	printf("end\n");
	exit(0);
}

struct block {
	int from, to;
	bool top;
	pid_t wait_tid; /* X: start once this thread is gone */
	struct call c;	/* t */
	char line[512];
	volatile int done;
};

static void *
block_thread(void *arg)
{
	struct block *b = arg;

	if (b->wait_tid) {
		int ms;

		for (ms = 0; !thread_gone(b->wait_tid); ms++) {
			if (ms == WAIT_MS) {
				printf("%d handover: hung\n", b->from - 1);
				exit(0);
			}
			sleep_ms(1);
		}
	}
	if (b->to < 0) {
		do_call(&b->c, b->line, sizeof(b->line));
		b->done = 1;
		return NULL;
	}
	run(b->from, b->to, b->top);
	b->done = 1;
	return NULL;
}

/* Joins @th, giving up after a while: a hang must not stall the suite. */
static const char *
join(pthread_t th, struct block *b)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WAIT_MS / 1000;
	if (pthread_timedjoin_np(th, NULL, &ts) != 0)
		return "hung";
	return b->done ? "lived" : "died";
}

static void
print_status(int i, const char *what, pid_t pid)
{
	int status;

	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		printf("%d %s: lost\n", i, what);
	else if (WIFEXITED(status))
		printf("%d %s: exit %d\n", i, what, WEXITSTATUS(status));
	else
		printf("%d %s: signal %d core %d\n", i, what, WTERMSIG(status),
		       WCOREDUMP(status) ? 1 : 0);
}

struct watch {
	pid_t tid;
	int next, to;
	volatile int returned;
};

static void *
watcher(void *arg)
{
	struct watch *w = arg;
	int ms;

	for (ms = 0; ms < WAIT_MS; ms++) {
		if (w->returned)
			return NULL;
		if (thread_gone(w->tid)) {
			printf("%d died\n", w->next - 8);
			run(w->next, w->to, true);
		}
		sleep_ms(1);
	}
	printf("%d hung\n", w->next - 8);
	exit(0);
}

#define MAX_PAR 8

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int waiting, n;
} gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };

static void *
par_thread(void *arg)
{
	struct block *b = arg;

	/* all at the gate first, so the calls overlap */
	pthread_mutex_lock(&gate.lock);
	if (++gate.waiting == gate.n)
		pthread_cond_broadcast(&gate.cond);
	while (gate.waiting < gate.n)
		pthread_cond_wait(&gate.cond, &gate.lock);
	pthread_mutex_unlock(&gate.lock);
	do_call(&b->c, b->line, sizeof(b->line));
	b->done = 1;
	return NULL;
}

static void
par_calls(int i, int n)
{
	static struct block b[MAX_PAR];
	pthread_t th[MAX_PAR];
	int k;

	if (n < 1 || n > MAX_PAR)
		bad(i, "P takes 1 to 8 threads");
	gate.waiting = 0;
	gate.n = n;
	for (k = 0; k < n; k++) {
		memset(&b[k], 0, sizeof(b[k]));
		parse_call(i + 1, 'c', &b[k].c);
		if (pthread_create(&th[k], NULL, par_thread, &b[k]) != 0)
			bad(i, "cannot start a thread");
	}
	for (k = 0; k < n; k++) {
		const char *how = join(th[k], &b[k]);

		printf("%d thread %d: %s%s%s\n", i, k, how,
		       b[k].done ? " " : "", b[k].done ? b[k].line : "");
	}
}

/* What a vfork child leaves for its parent, in their shared memory. */
static volatile long vfork_ret;

static void
vfork_call(int i, const struct call *c)
{
	long pid = getpid();
	char line[512];
	size_t n;
	pid_t child;
	int k;

	memset(&seen, 0, sizeof(seen));
	seen.base = probe_sys_insn;
	vfork_ret = 0;
	child = vfork();
	if (child == 0) {
		/* only the call: anything more is not safe in a vfork child */
		vfork_ret = issue(c);
		_exit(0);
	}
	/* the child's view: PID is the child, PPID this process */
	n = (size_t)snprintf(line, sizeof(line), "ret=");
	n += (size_t)fmt_ret(line + n, sizeof(line) - n, vfork_ret, child, pid,
			     child);
	for (k = 0; k < seen.count && k < 2 && n < sizeof(line); k++)
		n += (size_t)snprintf(
		    line + n, sizeof(line) - n,
		    " sigsys%d: code=%d errno=%d syscall=%d arch=%#x off=%lld "
		    "rip=%lld rax=%lld",
		    k + 1, seen.rec[k].code, seen.rec[k].err,
		    seen.rec[k].syscall, seen.rec[k].arch, seen.rec[k].call_off,
		    seen.rec[k].rip_off, seen.rec[k].rax);
	printf("%d vfork: %s\n", i, line);
	print_status(i, "vfork", child);
}

/* Is thread @tid of process @pid in system call @nr? */
static bool
in_call(pid_t pid, pid_t tid, long nr)
{
	char path[96], buf[64];
	bool yes = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid,
		 (int)tid);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (fgets(buf, sizeof(buf), f))
		yes = atol(buf) == nr;
	fclose(f);
	return yes;
}

struct sleeper {
	pid_t pid, tid;
	long nr;
};

static void
wait_for_call(const struct sleeper *s)
{
	int ms;

	for (ms = 0; ms < WAIT_MS && !in_call(s->pid, s->tid, s->nr); ms++)
		sleep_ms(1);
}

/* One field of /proc/PID/stat: the state letter. */
static char
proc_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : '?';
}

/*
 * Job control: the kernel wakes a waiting thread to stop it, and the call
 * restarts once it continues.  Only the process gets the signals: tests
 * run side by side in one process group.
 */
static void
stop_and_continue(const struct sleeper *s)
{
	int ms;

	wait_for_call(s);
	kill(s->pid, SIGSTOP);
	for (ms = 0; ms < WAIT_MS && !strchr("Tt", proc_state(s->pid)); ms++)
		sleep_ms(1);
	/*
	 * A traced process shows "t" in any ptrace stop, before it takes
	 * the SIGSTOP, and a SIGCONT then would cancel the stop.
	 */
	sleep_ms(100);
	kill(s->pid, SIGCONT);
}

static void *
winch_thread(void *arg)
{
	const struct sleeper *s = arg;

	wait_for_call(s);
	syscall(SYS_tgkill, s->pid, s->tid, SIGWINCH);
	return NULL;
}

/*
 * Without a tracer the kernel discards a signal whose action is the
 * default "ignore", so the wait goes on undisturbed.  A tracer is told of
 * every signal, which wakes the waiter: the call restarts (through
 * restart_syscall(2) for some, which seccomp sees) or fails with EINTR.
 */
static void
sleep_call(int i, long ms, char how, char which)
{
	struct sleeper s = { getpid(), thread_id(), 0 };
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };
	static int futex_word;
	sigset_t set;
	long a[6] = { 0 };
	pthread_t th;
	pid_t child = -1;
	long ret;
	int status, epfd = -1;
	char events[64];

	switch (which) {
	case 'n':
		s.nr = SYS_nanosleep;
		a[0] = (long)&ts;
		break;
	case 'k':
		s.nr = SYS_clock_nanosleep;
		a[0] = CLOCK_MONOTONIC;
		a[2] = (long)&ts;
		break;
	case 'p':
		s.nr = SYS_poll;
		a[2] = ms;
		break;
	case 's':
		s.nr = SYS_select;
		a[4] = (long)&tv;
		break;
	case 'e':
		s.nr = SYS_epoll_wait;
		epfd = (int)syscall(SYS_epoll_create1, EPOLL_CLOEXEC_VALUE);
		a[0] = epfd;
		a[1] = (long)events;
		a[2] = 1;
		a[3] = ms;
		break;
	case 'f':
		s.nr = SYS_futex;
		a[0] = (long)&futex_word;
		a[1] = 0; /* FUTEX_WAIT */
		a[2] = 0;
		a[3] = (long)&ts;
		break;
	case 't':
		s.nr = SYS_rt_sigtimedwait;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR2);
		a[0] = (long)&set;
		a[2] = (long)&ts;
		a[3] = 8;
		break;
	default:
		bad(i, "unknown waiting call");
	}
	if (how == 'c' || how == 'z') {
		child = fork();
		if (child == 0) {
			if (how == 'z')
				stop_and_continue(&s);
			else
				wait_for_call(&s);
			_exit(0);
		}
	} else if (pthread_create(&th, NULL, winch_thread, &s) != 0) {
		bad(i, "cannot start a thread");
	}
	ret = sys64(s.nr, a);
	if (how == 'c' || how == 'z')
		waitpid(child, &status, 0);
	else
		pthread_join(th, NULL);
	if (epfd >= 0)
		close(epfd);
	printf("%d wait: ret=%ld\n", i, ret);
}

static void
run(int from, int to, bool top)
{
	int i;

	for (i = from; i < to; i++) {
		const char *op = ops[i];
		char line[512];
		struct call c;

		if (strlen(op) == 1 && strchr("HNDRIBU", op[0])) {
			set_sigsys(op[0]);
		} else if (strcmp(op, "ip") == 0) {
			printf("ip=%#lx ip80=%#lx\n",
			       (unsigned long)probe_sys_insn + 2,
			       (unsigned long)probe_i80_insn + 2);
		} else if (strcmp(op, "i80") == 0) {
			const long a[6] = { 0 };
			pid_t pid = fork();
			int status;

			/* i386 getpid: a host without 32-bit code faults */
			if (pid == 0)
				_exit(sys32(20, a) == getpid() ? 0 : 1);
			printf("i80=%d\n",
			       pid > 0 && waitpid(pid, &status, 0) == pid &&
				   WIFEXITED(status) &&
				   WEXITSTATUS(status) == 0);
		} else if (strlen(op) == 1 && strchr("cil", op[0])) {
			parse_call(i, op[0], &c);
			do_call(&c, line, sizeof(line));
			printf("%d %s\n", i, line);
			i += 7;
		} else if (strcmp(op, "t") == 0 || strcmp(op, "T") == 0) {
			struct block b = { .from = i + 1, .to = -1 };
			const char *how;
			pthread_t th;

			if (op[0] == 't')
				parse_call(i, 'c', &b.c);
			else
				b.to = block_end(i);
			if (pthread_create(&th, NULL, block_thread, &b) != 0)
				bad(i, "cannot start a thread");
			how = join(th, &b);
			printf("%d thread: %s%s%s\n", i, how,
			       b.done && op[0] == 't' ? " " : "",
			       b.done && op[0] == 't' ? b.line : "");
			i = op[0] == 't' ? i + 7 : b.to;
		} else if (strcmp(op, "f") == 0 || strcmp(op, "F") == 0) {
			int end = op[0] == 'f' ? i + 7 : block_end(i);
			pid_t pid;

			if (op[0] == 'f')
				parse_call(i, 'c', &c);
			pid = fork();
			if (pid == 0) {
				in_child = true;
				if (op[0] == 'F')
					run(i + 1, end, true);
				do_call(&c, line, sizeof(line));
				printf("%d child: %s\n", i, line);
				_exit(0);
			}
			print_status(i, "child", pid);
			i = end;
		} else if (strcmp(op, "y") == 0) {
			if (i + 1 >= to)
				bad(i, "y needs WHICH");
			memset(&c, 0, sizeof(c));
			c.how = 'y';
			c.nr = strtol(ops[i + 1], NULL, 0);
			do_call(&c, line, sizeof(line));
			printf("%d %s\n", i, line);
			i++;
		} else if (strcmp(op, "P") == 0) {
			if (i + 8 >= to)
				bad(i, "P needs N, NR and six arguments");
			par_calls(i, atoi(ops[i + 1]));
			i += 8;
		} else if (strcmp(op, "v") == 0) {
			parse_call(i, 'c', &c);
			vfork_call(i, &c);
			i += 7;
		} else if (strcmp(op, "S") == 0) {
			if (i + 3 >= to)
				bad(i, "S needs MS, HOW and CALL");
			sleep_call(i, strtol(ops[i + 1], NULL, 0),
				   ops[i + 2][0], ops[i + 3][0]);
			i += 3;
		} else if (strcmp(op, "K") == 0) {
			struct watch w = { thread_id(), i + 8, to, 0 };
			pthread_t th;

			if (!top)
				bad(i, "K in a thread block");
			parse_call(i, 'c', &c);
			if (pthread_create(&th, NULL, watcher, &w) != 0)
				bad(i, "cannot start a thread");
			do_call(&c, line, sizeof(line));
			w.returned = 1;
			pthread_join(th, NULL);
			printf("%d %s\n", i, line);
			i += 7;
		} else if (strcmp(op, "X") == 0) {
			static struct block b;
			pthread_t th;

			if (!top)
				bad(i, "X in a thread block");
			b = (struct block){ .from = i + 1,
					    .to = to,
					    .top = true,
					    .wait_tid = thread_id() };
			printf("%d handover\n", i);
			if (pthread_create(&th, NULL, block_thread, &b) != 0)
				bad(i, "cannot start a thread");
			syscall(SYS_exit, 0);
		} else if (strcmp(op, "E") == 0 || strcmp(op, "G") == 0) {
			long code;

			if (i + 1 >= to)
				bad(i, "E and G need a code");
			code = strtol(ops[i + 1], NULL, 0);
			printf("%d %s %ld\n", i,
			       op[0] == 'E' ? "exit" : "exit_group", code);
			syscall(op[0] == 'E' ? SYS_exit : SYS_exit_group, code);
			printf("%d still here\n", i);
			i++;
		} else {
			bad(i, "unknown op");
		}
	}
	if (top)
		finish();
}

int
main(int argc, char **argv)
{
	struct rlimit no_core = { 0, 0 };

	ops = argv;
	n_ops = argc;
	setrlimit(RLIMIT_CORE, &no_core);
	setvbuf(stdout, NULL, _IONBF, 0);
	set_sigsys('H');
	run(1, argc, true);
	return 0;
}
