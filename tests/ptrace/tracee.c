/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <check.h>

#include "tracee.h"

struct tracee_shared *tracee_sh;
pid_t tracee_pid;

/* exit statuses of a child whose setup failed */
#define CHILD_SETUP_FAILED 90
#define CHILD_EXEC_FAILED  91

void
tracee_setup(void)
{
	int fds[2];

	tracee_sh = mmap(NULL, sizeof(*tracee_sh), PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_msg(tracee_sh != MAP_FAILED, "mmap: %s", strerror(errno));
	ck_assert_int_eq(pipe2(fds, O_CLOEXEC), 0);
	tracee_sh->pipe_r = fds[0];
	tracee_sh->pipe_w = fds[1];
	tracee_pid = 0;
}

void
tracee_teardown(void)
{
	int status;

	if (tracee_pid > 0)
		kill(tracee_pid, SIGKILL);
	/* reap the child and all its threads */
	while (waitpid(-1, &status, __WALL) > 0 || errno == EINTR)
		;
	tracee_pid = 0;
	close(tracee_sh->pipe_r);
	close(tracee_sh->pipe_w);
	munmap(tracee_sh, sizeof(*tracee_sh));
	tracee_sh = NULL;
}

static void
on_usr1(int sig, siginfo_t *si, void *uc)
{
	tracee_sh->usr1_code = si->si_code;
	tracee_sh->usr1_pid = si->si_pid;
	tracee_sh->usr1_value = si->si_value.sival_int;
	tracee_sh->usr1_calls++;
}

static void
on_sys(int sig, siginfo_t *si, void *uc)
{
	tracee_sh->sys_calls++;
}

#define LD(field) \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define JEQ(k, jt, jf) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), (jt), (jf))
#define RET(k)	       BPF_STMT(BPF_RET | BPF_K, (k))

static int
install_filter(enum tracee_mode mode)
{
	uint32_t act =
	    mode == TRACEE_TRAP ? SECCOMP_RET_TRAP : SECCOMP_RET_TRACE;
	struct sock_filter f[] = {
		LD(arch),
		JEQ(AUDIT_ARCH_X86_64, 0, 5), /* i386 at 7 */
		LD(nr),
		JEQ(NR64_GETPPID, 0, 1),
		RET(act),
		JEQ(NR64_GETUID, 0, 5), /* allow at 11 */
		RET(SECCOMP_RET_ERRNO | EACCES),
		JEQ(AUDIT_ARCH_I386, 0, 3),
		LD(nr),
		JEQ(NR32_GETPPID, 0, 1),
		RET(act),
		RET(SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

static void *
thread_probe(void *arg)
{
	probe_syscall(&tracee_sh->in, &tracee_sh->out);
	return NULL;
}

static void __attribute__((noreturn)) child_main(enum tracee_mode mode)
{
	struct sigaction sa;
	struct timespec ms = { 0, 1000000 }, wait = { 0, 100000000 };
	pthread_t t;
	char *argv[4];

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		_exit(CHILD_SETUP_FAILED);
	memset(&sa, 0, sizeof(sa));
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sa.sa_sigaction = on_usr1;
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		_exit(CHILD_SETUP_FAILED);
	sa.sa_sigaction = on_sys;
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		_exit(CHILD_SETUP_FAILED);
	raise(SIGSTOP);
	if (mode != TRACEE_PLAIN && install_filter(mode) < 0)
		_exit(CHILD_SETUP_FAILED);

	switch (mode) {
	case TRACEE_SYSCALL:
	case TRACEE_TRAP:
	case TRACEE_PLAIN:
		probe_syscall(&tracee_sh->in, &tracee_sh->out);
		break;
	case TRACEE_INT80:
		probe_int80(&tracee_sh->in, &tracee_sh->out);
		break;
	case TRACEE_THREAD:
		if (pthread_create(&t, NULL, thread_probe, NULL) != 0)
			_exit(CHILD_SETUP_FAILED);
		pthread_join(t, NULL);
		break;
	case TRACEE_THREAD_EXIT:
		if (pthread_create(&t, NULL, thread_probe, NULL) != 0)
			_exit(CHILD_SETUP_FAILED);
		while (!tracee_sh->go)
			nanosleep(&ms, NULL);
		nanosleep(&wait, NULL);
		syscall(SYS_exit_group, 7);
		break;
	case TRACEE_EXEC_I386:
		argv[0] = "probe-i386";
		argv[1] = tracee_sh->exec_args[0];
		argv[2] = tracee_sh->exec_args[1];
		argv[3] = NULL;
		execv(tracee_sh->exec_path, argv);
		_exit(CHILD_EXEC_FAILED);
	}
	_exit(0);
}

void
tracee_fill_in(enum tracee_mode mode)
{
	struct probe_regs *in = &tracee_sh->in;

	memset(in, 0, sizeof(*in));
	/* distinct bytes in every half, upper halves too */
#define PATTERN(k) (0x0101010101010101ULL * (k) ^ 0x8000000000000000ULL)
	in->rbx = PATTERN(1);
	in->rcx = PATTERN(2);
	in->rdx = PATTERN(3);
	in->rsi = PATTERN(4);
	in->rdi = PATTERN(5);
	in->rbp = PATTERN(6);
	in->r8 = PATTERN(7);
	in->r9 = PATTERN(8);
	in->r10 = PATTERN(9);
	in->r11 = PATTERN(10);
	in->r12 = PATTERN(11);
	in->r13 = PATTERN(12);
	in->r14 = PATTERN(13);
	in->r15 = PATTERN(14);
#undef PATTERN
	in->rax = mode == TRACEE_INT80 ? NR32_GETPPID : NR64_GETPPID;
	memset(&tracee_sh->out, 0, sizeof(tracee_sh->out));
}

pid_t
tracee_start(enum tracee_mode mode)
{
	int status;
	pid_t pid;

	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0)
		child_main(mode);
	tracee_pid = pid;
	ck_assert_int_eq(waitpid(pid, &status, WUNTRACED), pid);
	ck_assert_msg(WIFSTOPPED(status) && WSTOPSIG(status) == SIGSTOP,
		      "child did not stop itself (status 0x%x)", status);
	ck_assert_msg(ptrace(PTRACE_SEIZE, pid, 0, TRACEE_OPTIONS) == 0,
		      "PTRACE_SEIZE: %s", strerror(errno));
	ck_assert_int_eq(kill(pid, SIGCONT), 0);
	return pid;
}

/* Resume a stop that is not the one a test waits for. */
static void
resume_other(pid_t tid, int status, int req)
{
	int sig = 0;

	if (status >> 16 == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80))
		sig = WSTOPSIG(status);
	ck_assert_msg(ptrace(req, tid, 0, sig) == 0, "resume %d: %s", tid,
		      strerror(errno));
}

static pid_t
wait_any(int *ret_status)
{
	pid_t tid;

	do
		tid = waitpid(-1, ret_status, __WALL);
	while (tid < 0 && errno == EINTR);
	ck_assert_msg(tid > 0, "waitpid: %s", strerror(errno));
	return tid;
}

int
tracee_wait_tid(pid_t tid)
{
	int status;
	pid_t r;

	do
		r = waitpid(tid, &status, __WALL);
	while (r < 0 && errno == EINTR);
	ck_assert_msg(r == tid, "waitpid(%d): %s", tid, strerror(errno));
	return status;
}

pid_t
tracee_wait_seccomp(void)
{
	int status;
	pid_t tid;

	for (;;) {
		tid = wait_any(&status);
		ck_assert_msg(WIFSTOPPED(status),
			      "%d ended (status 0x%x) before its seccomp stop",
			      tid, status);
		if (status >> 16 == PTRACE_EVENT_SECCOMP)
			return tid;
		resume_other(tid, status, PTRACE_CONT);
	}
}

pid_t
tracee_wait_entry(int32_t nr)
{
	struct __ptrace_syscall_info info;
	int status;
	pid_t tid;

	for (;;) {
		tid = wait_any(&status);
		ck_assert_msg(WIFSTOPPED(status),
			      "%d ended (status 0x%x) before its call", tid,
			      status);
		if (WSTOPSIG(status) == (SIGTRAP | 0x80)) {
			ck_assert_int_gt(ptrace(PTRACE_GET_SYSCALL_INFO, tid,
						(void *)sizeof(info), &info),
					 0);
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY &&
			    (int32_t)info.entry.nr == nr)
				return tid;
		}
		resume_other(tid, status, PTRACE_SYSCALL);
	}
}

int
tracee_finish(void)
{
	int status;
	pid_t tid;

	for (;;) {
		tid = wait_any(&status);
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (tid != tracee_pid)
				continue;
			tracee_pid = 0;
			return status;
		}
		ck_assert_msg(status >> 16 != PTRACE_EVENT_SECCOMP,
			      "unexpected seccomp stop in %d", tid);
		resume_other(tid, status, PTRACE_CONT);
	}
}

/* The arithmetic flags and DF: what a system call must give back. */
#define FLAGS_MASK 0xcd5ULL

void
tracee_check_regs(enum tracee_mode mode, uint64_t want_rax)
{
	const struct probe_regs *in = &tracee_sh->in, *out = &tracee_sh->out;

#define SAME(r)                                                     \
	ck_assert_msg(out->r == in->r, #r " is 0x%llx, was 0x%llx", \
		      (unsigned long long)out->r, (unsigned long long)in->r)
	ck_assert_msg(out->rax == want_rax, "rax is 0x%llx, want 0x%llx",
		      (unsigned long long)out->rax,
		      (unsigned long long)want_rax);
	SAME(rbx);
	SAME(rdx);
	SAME(rsi);
	SAME(rdi);
	SAME(rbp);
	SAME(r8);
	SAME(r9);
	SAME(r10);
	SAME(r12);
	SAME(r13);
	SAME(r14);
	SAME(r15);
	if (mode == TRACEE_INT80) {
		SAME(rcx);
		SAME(r11);
	} else {
		/* the syscall instruction puts the return address in rcx */
		ck_assert_msg(out->rcx == (uintptr_t)probe_syscall_after,
			      "rcx is 0x%llx, not the return address",
			      (unsigned long long)out->rcx);
	}
#undef SAME
	ck_assert_msg(out->rsp == out->rsp_before, "rsp moved");
	ck_assert_msg(
	    (out->rflags & FLAGS_MASK) == (out->rflags_before & FLAGS_MASK),
	    "rflags 0x%llx, was 0x%llx", (unsigned long long)out->rflags,
	    (unsigned long long)out->rflags_before);
}

struct after {
	unsigned int ms;
	void (*fn)(void *);
	void *arg;
};

static void *
after_main(void *p)
{
	struct after a = *(struct after *)p;
	struct timespec ts = { a.ms / 1000, (long)(a.ms % 1000) * 1000000 };

	free(p);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	a.fn(a.arg);
	return NULL;
}

void
tracee_after_ms(unsigned int ms, void (*fn)(void *), void *arg)
{
	struct after *a = malloc(sizeof(*a));
	pthread_attr_t attr;
	pthread_t t;

	ck_assert_ptr_nonnull(a);
	a->ms = ms;
	a->fn = fn;
	a->arg = arg;
	ck_assert_int_eq(pthread_attr_init(&attr), 0);
	ck_assert_int_eq(
	    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED), 0);
	ck_assert_int_eq(pthread_create(&t, &attr, after_main, a), 0);
	pthread_attr_destroy(&attr);
}

int
tracee_probe(char *why, size_t size)
{
	struct __ptrace_syscall_info info;
	int status, r = 0;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(1);
		raise(SIGSTOP);
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(2);
		/* systemd's probe: a NULL program must give EFAULT */
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, NULL) ==
			0 ||
		    errno != EFAULT)
			_exit(3);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid) {
		snprintf(why, size, "waitpid: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1) {
		snprintf(why, size, "ptrace(PTRACE_TRACEME) is refused here");
		return 1;
	}
	if (!WIFSTOPPED(status)) {
		snprintf(why, size, "the probe child did not stop (0x%x)",
			 status);
		return -1;
	}
	if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(info), &info) <
	    0) {
		snprintf(why, size, "PTRACE_GET_SYSCALL_INFO: %s (Linux 5.3+)",
			 strerror(errno));
		r = 1;
		kill(pid, SIGKILL);
	}
	ptrace(PTRACE_CONT, pid, 0, 0);
	if (waitpid(pid, &status, 0) != pid) {
		snprintf(why, size, "waitpid: %s", strerror(errno));
		return -1;
	}
	if (r == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		snprintf(why, size, "seccomp filters are not available (0x%x)",
			 status);
		r = 1;
	}
	return r;
}
