/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * bench/reftrace: the cheapest ptrace supervisor with a kernel prefilter,
 * the floor that sandbox-run's overhead is measured against.
 *
 *   reftrace [-v] [-T] [-t NAME|NR]... [--] COMMAND [ARG]...
 *
 * It has no policy.  The child waits in SIGSTOP until it is seized with
 * the options sandbox-run uses, sets no_new_privs and installs a filter
 * that returns SECCOMP_RET_TRACE for a set of calls and ALLOW for the
 * rest, then execs COMMAND.  The default set is sandbox-run's "always
 * traced" set; -t adds a call (by name or number), -T empties the set
 * first.  Calls of another ABI (and x32 numbers) stop too, as they do in
 * sandbox-run's prefilter.  Every stop is resumed at once with PTRACE_CONT
 * (PTRACE_LISTEN for group-stops) and signals are passed on, so what it
 * costs is the stops themselves: any supervisor that takes the same stops
 * pays at least this.  It exits as COMMAND did; -v prints the stop counts
 * to stderr.
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define PROG "reftrace"

#if defined(__x86_64__)
#define HOST_ARCH AUDIT_ARCH_X86_64
#define X32_FLAG  0x40000000u
#elif defined(__aarch64__)
#define HOST_ARCH AUDIT_ARCH_AARCH64
#elif defined(__i386__)
#define HOST_ARCH AUDIT_ARCH_I386
#else
#error "reftrace: unsupported architecture"
#endif

#define OPTIONS                                                             \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK | \
	 PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP | \
	 PTRACE_O_EXITKILL)

/* clang-format off */
#define NR(name)       { #name, __NR_##name, 1 }
#define NR_EXTRA(name) { #name, __NR_##name, 0 }
/* clang-format on */

static const struct {
	const char *name;
	long nr;
	int dflt;
} names[] = {
	/* the default set: always_traced[] in src/tracer/prefilter.c */
	NR(seccomp),
	NR(prctl),
	NR(ptrace),
	NR(clone),
#ifdef __NR_clone3
	NR(clone3),
#endif
#ifdef __NR_fork
	NR(fork),
#endif
#ifdef __NR_vfork
	NR(vfork),
#endif
	NR(kill),
	NR(tkill),
	NR(tgkill),
	NR(rt_sigqueueinfo),
	NR(rt_tgsigqueueinfo),
#ifdef __NR_pidfd_open
	NR(pidfd_open),
#endif
#ifdef __NR_pidfd_send_signal
	NR(pidfd_send_signal),
#endif
#ifdef __NR_pidfd_getfd
	NR(pidfd_getfd),
#endif
	NR(process_vm_readv),
	NR(process_vm_writev),
	/* more names for -t */
	NR_EXTRA(openat),
#ifdef __NR_open
	NR_EXTRA(open),
#endif
	NR_EXTRA(close),
	NR_EXTRA(read),
	NR_EXTRA(write),
	NR_EXTRA(getppid),
	NR_EXTRA(getpid),
	NR_EXTRA(execve),
#ifdef __NR_newfstatat
	NR_EXTRA(newfstatat),
#endif
	NR_EXTRA(fstat),
	NR_EXTRA(getdents64),
	NR_EXTRA(mmap),
};

#define MAX_TRACED 64

static long traced[MAX_TRACED];
static size_t n_traced;

static struct {
	unsigned long stops, seccomp, events, signals, group, tasks;
} st;

static void usage(int status) __attribute__((noreturn));
static void child(char **argv, pid_t parent) __attribute__((noreturn));
static void exit_like(int status, int verbose) __attribute__((noreturn));

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: " PROG " [-v] [-T] [-t NAME|NR]... [--] COMMAND "
		"[ARG]...\n"
		"  -t NAME  also stop at this call (e.g. -t openat)\n"
		"  -T       start from an empty set instead of sandbox-run's "
		"always-traced calls\n"
		"  -v       print the stop counts to stderr at the end\n");
	exit(status);
}

static void
add_traced(const char *arg)
{
	char *end;
	long nr = -1;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(arg, names[i].name) == 0)
			nr = names[i].nr;
	if (nr < 0) {
		errno = 0;
		nr = strtol(arg, &end, 0);
		if (errno || *end || end == arg || nr < 0 || nr > 0xffff) {
			fprintf(stderr, PROG ": -t %s: unknown call\n", arg);
			exit(125);
		}
	}
	for (i = 0; i < n_traced; i++)
		if (traced[i] == nr)
			return;
	if (n_traced == MAX_TRACED) {
		fprintf(stderr, PROG ": too many -t\n");
		exit(125);
	}
	traced[n_traced++] = nr;
}

/*
 * arch check, x32 check, then one compare per traced call: it answers in
 * fewer instructions than any real policy's prefilter, and the kernel's
 * action cache answers the untraced calls without running it at all.
 */
static int
install_filter(void)
{
	struct sock_filter f[MAX_TRACED + 8];
	struct sock_fprog prog;
	size_t n = 0, i;

	f[n++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
					      HOST_ARCH, 1, 0);
	f[n++] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	f[n++] = (struct sock_filter)BPF_STMT(
	    BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
#ifdef X32_FLAG
	f[n++] = (struct sock_filter)BPF_JUMP(
	    BPF_JMP | BPF_JGE | BPF_K, X32_FLAG, (uint8_t)n_traced + 1, 0);
#endif
	for (i = 0; i < n_traced; i++)
		f[n++] = (struct sock_filter)BPF_JUMP(
		    BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)traced[i],
		    (uint8_t)(n_traced - i), 0);
	f[n++] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] =
	    (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	prog.len = (unsigned short)n;
	prog.filter = f;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static void
child(char **argv, pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(125);
	/*
	 * The filter may only go in once we are traced: RET_TRACE with no
	 * tracer fails the call with ENOSYS.
	 */
	raise(SIGSTOP);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror(PROG ": no_new_privs");
		_exit(125);
	}
	if (install_filter() < 0) {
		perror(PROG ": seccomp");
		_exit(125);
	}
	execvp(argv[0], argv);
	fprintf(stderr, PROG ": %s: %s\n", argv[0], strerror(errno));
	_exit(errno == ENOENT ? 127 : 126);
}

static void
report(void)
{
	fprintf(stderr,
		PROG ": stops=%lu seccomp=%lu events=%lu signals=%lu "
		     "group=%lu tasks=%lu\n",
		st.stops, st.seccomp, st.events, st.signals, st.group,
		st.tasks);
}

static void
exit_like(int status, int verbose)
{
	struct rlimit no_core = { 0, 0 };
	int sig;

	if (verbose)
		report();
	if (WIFEXITED(status))
		exit(WEXITSTATUS(status));
	sig = WTERMSIG(status);
	fflush(NULL);
	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	raise(sig);
	exit(128 + sig);
}

/* one stop: resume it the way that costs nothing extra */
static void
on_stop(pid_t tid, int status)
{
	int sig = WSTOPSIG(status), event = status >> 16;

	st.stops++;
	switch (event) {
	case 0:
		/* a signal-delivery stop: deliver it */
		st.signals++;
		ptrace(PTRACE_CONT, tid, 0, (void *)(long)sig);
		return;
	case PTRACE_EVENT_SECCOMP:
		st.seccomp++;
		break;
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
		    sig == SIGTTOU) {
			/* a group-stop: stay stopped until SIGCONT */
			st.group++;
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			return;
		}
		/* a new task's first stop, or the re-trap after SIGCONT */
		st.events++;
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		st.tasks++;
		st.events++;
		break;
	default:
		st.events++;
		break;
	}
	ptrace(PTRACE_CONT, tid, 0, 0);
}

int
main(int argc, char **argv)
{
	int verbose = 0, status, opt;
	int keep_default = 1;
	pid_t pid, tid, self = getpid();
	size_t i;

	while ((opt = getopt(argc, argv, "+hTt:v")) != -1) {
		switch (opt) {
		case 'h':
			usage(0);
		case 'T':
			keep_default = 0;
			break;
		case 't':
			add_traced(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage(125);
		}
	}
	if (optind >= argc)
		usage(125);
	if (keep_default)
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (names[i].dflt)
				add_traced(names[i].name);

	pid = fork();
	if (pid < 0) {
		perror(PROG ": fork");
		return 125;
	}
	if (pid == 0)
		child(argv + optind, self);
	while (waitpid(pid, &status, WUNTRACED) < 0)
		if (errno != EINTR) {
			perror(PROG ": waitpid");
			return 125;
		}
	if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		fprintf(stderr, PROG ": the child did not stop (0x%x)\n",
			status);
		return 125;
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, OPTIONS) < 0) {
		perror(PROG ": PTRACE_SEIZE");
		kill(pid, SIGKILL);
		return 125;
	}
	st.tasks = 1;
	kill(pid, SIGCONT);

	for (;;) {
		tid = waitpid(-1, &status, __WALL);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			perror(PROG ": waitpid");
			return 125;
		}
		if (WIFSTOPPED(status)) {
			on_stop(tid, status);
			continue;
		}
		/* the others die with us (PTRACE_O_EXITKILL) */
		if (tid == pid)
			exit_like(status, verbose);
	}
}
