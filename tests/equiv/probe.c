/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * probe: makes the system calls a script names and prints, one line each,
 * everything seccomp can change about them, so that two runs (the filters
 * in the kernel, and sandbox-run enforcing them) can be compared as text.
 *
 *   probe OP...
 *
 *   c NR A0 A1 A2 A3 A4 A5   the call through the 64-bit syscall instruction
 *   i NR A0 A1 A2 A3 A4 A5   the call through int $0x80 (i386 ABI)
 *   t NR A0 ... A5           the call from a new thread; the main thread
 *                            reports whether the thread lived
 *   f NR A0 ... A5           the call from a forked child; the parent
 *                            reports the child's wait status
 *   B / I / H                SIGSYS blocked / ignored / caught (default H)
 *   ip                       print the syscall instruction's address
 *   i80                      print whether int $0x80 works here
 *
 * Numbers are C literals (strtoull base 0); NR may be negative.  Each call
 * prints the return register as the call left it, and the SIGSYS it
 * raised, if any: si_code, si_errno, si_syscall, si_arch, the call
 * address relative to the probe's own syscall instruction, and the return
 * register in the signal's context (the kernel's rollback).  Core dumps
 * are off, so wait statuses do not depend on where cores would go.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

struct sigsys_seen {
	volatile int count;
	int code;
	int err;
	int syscall;
	unsigned int arch;
	long long call_off;
	long long rax;
};

static __thread struct sigsys_seen seen;

extern char probe_sys_insn[], probe_i80_insn[];

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

static void
on_sigsys(int sig, siginfo_t *si, void *ucp)
{
	ucontext_t *uc = ucp;

	(void)sig;
	seen.count++;
	seen.code = si->si_code;
	seen.err = si->si_errno;
	seen.syscall = si->si_syscall;
	seen.arch = si->si_arch;
	seen.call_off = (long long)((char *)si->si_call_addr - probe_sys_insn);
	seen.rax = (long long)uc->uc_mcontext.gregs[REG_RAX];
}

struct call {
	char how;
	long nr;
	long a[6];
	char line[256];
	volatile int done;
};

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

static void
do_call(struct call *c)
{
	long ret, pid = getpid(), ppid = parent_pid(), tid = gettid();
	int n;

	memset(&seen, 0, sizeof(seen));
	ret = c->how == 'i' ? sys32(c->nr, c->a) : sys64(c->nr, c->a);
	/* pids differ from run to run; what they are does not */
	if (ret == pid)
		n = snprintf(c->line, sizeof(c->line), "ret=PID");
	else if (ret == ppid)
		n = snprintf(c->line, sizeof(c->line), "ret=PPID");
	else if (ret == tid)
		n = snprintf(c->line, sizeof(c->line), "ret=TID");
	else
		n = snprintf(c->line, sizeof(c->line), "ret=%ld", ret);
	if (seen.count)
		snprintf(c->line + n, sizeof(c->line) - (size_t)n,
			 " sigsys=%d code=%d errno=%d syscall=%d arch=%#x "
			 "off=%lld rax=%lld",
			 seen.count, seen.code, seen.err, seen.syscall,
			 seen.arch, seen.call_off, seen.rax);
	c->done = 1;
}

static void *
thread_main(void *arg)
{
	do_call(arg);
	return NULL;
}

static void
parse(char **argv, int i, struct call *c)
{
	int k;

	c->nr = (long)strtoll(argv[i + 1], NULL, 0);
	for (k = 0; k < 6; k++)
		c->a[k] = (long)strtoull(argv[i + 2 + k], NULL, 0);
}

static void
set_sigsys(char how)
{
	struct sigaction sa = { 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGSYS);
	sigprocmask(how == 'B' ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
	if (how == 'B')
		return;
	if (how == 'I') {
		sa.sa_handler = SIG_IGN;
	} else {
		sa.sa_sigaction = on_sigsys;
		sa.sa_flags = SA_SIGINFO;
	}
	sigaction(SIGSYS, &sa, NULL);
}

static int
i80_works(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		const long a[6] = { 0 };

		_exit(sys32(20, a) == getpid() ? 0 : 1); /* i386 getpid */
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int
main(int argc, char **argv)
{
	struct rlimit no_core = { 0, 0 };
	int i, n = 0;

	setrlimit(RLIMIT_CORE, &no_core);
	setvbuf(stdout, NULL, _IONBF, 0);
	set_sigsys('H');
	for (i = 1; i < argc; i++) {
		const char *op = argv[i];
		struct call c = { 0 };

		if (strcmp(op, "B") == 0 || strcmp(op, "I") == 0 ||
		    strcmp(op, "H") == 0) {
			set_sigsys(op[0]);
			continue;
		}
		if (strcmp(op, "ip") == 0) {
			printf("ip=%#lx\n", (unsigned long)probe_sys_insn + 2);
			continue;
		}
		if (strcmp(op, "i80") == 0) {
			printf("i80=%d\n", i80_works());
			continue;
		}
		if (strlen(op) != 1 || !strchr("citf", op[0]) ||
		    i + 7 >= argc) {
			fprintf(stderr, "probe: bad op at %d: %s\n", i, op);
			return 2;
		}
		c.how = op[0] == 'i' ? 'i' : 'c';
		parse(argv, i, &c);
		i += 7;
		n++;
		if (op[0] == 'c' || op[0] == 'i') {
			do_call(&c);
			printf("%d %s\n", n, c.line);
		} else if (op[0] == 't') {
			struct timespec ts;
			pthread_t th;

			if (pthread_create(&th, NULL, thread_main, &c) != 0) {
				printf("%d thread: cannot start\n", n);
				continue;
			}
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 10;
			if (pthread_timedjoin_np(th, NULL, &ts) != 0)
				printf("%d thread: hung\n", n);
			else if (!c.done)
				printf("%d thread: died\n", n);
			else
				printf("%d thread: %s\n", n, c.line);
		} else {
			int status;
			pid_t pid = fork();

			if (pid == 0) {
				do_call(&c);
				printf("%d child: %s\n", n, c.line);
				_exit(0);
			}
			if (pid < 0 || waitpid(pid, &status, 0) != pid)
				printf("%d child: lost\n", n);
			else if (WIFEXITED(status))
				printf("%d child: exit %d\n", n,
				       WEXITSTATUS(status));
			else
				printf("%d child: signal %d core %d\n", n,
				       WTERMSIG(status),
				       WCOREDUMP(status) ? 1 : 0);
		}
	}
	printf("end\n");
	return 0;
}
