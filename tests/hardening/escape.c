/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * escape: tries one way out of sandbox-run, from inside it.
 *
 *   escape ATTEMPT [ARG]
 *
 * The tests run it under a chain that refuses getppid(2) with EPERM, so
 * "confined" means: getppid fails with EPERM.  Every attempt prints one
 * line per step and exits 0 when it failed closed (the sandbox held), 1
 * when something got out, 2 on a usage error, 77 when the host cannot
 * try it.  The supervisor is the top-level probe's parent.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static int failures;

/* getppid refused with EPERM: the chain still applies to this task */
static bool
confined(void)
{
	errno = 0;
	return syscall(SYS_getppid) == -1 && errno == EPERM;
}

static void
expect(bool ok, const char *what)
{
	printf("%s: %s\n", ok ? "held" : "ESCAPED", what);
	if (!ok)
		failures++;
}

/* The call failed with one of the errnos the sandbox may give. */
static bool
refused(long r, int e)
{
	return r == -1 && (e == EPERM || e == EACCES || e == ESRCH);
}

static pid_t
supervisor(void)
{
	char buf[512], *p;
	long ppid = -1;
	FILE *f = fopen("/proc/self/stat", "re");

	if (f && fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 1, " %*c %ld", &ppid);
	if (f)
		fclose(f);
	return (pid_t)ppid;
}

static bool
alive(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d", pid);
	return access(path, F_OK) == 0;
}

static long
tracer_pid(void)
{
	char line[128];
	long t = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "TracerPid: %ld", &t) == 1)
			break;
	if (f)
		fclose(f);
	return t;
}

static int
wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, __WALL) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
try_untraced(void)
{
	pid_t pid =
	    (pid_t)syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0);

	if (pid == 0)
		_exit(confined() && tracer_pid() > 0 ? 0 : 1);
	if (pid < 0) {
		expect(errno == EPERM, "clone(CLONE_UNTRACED) refused");
		return 0;
	}
	expect(wait_child(pid) == 0, "clone(CLONE_UNTRACED) child traced");
	return 0;
}

static int
try_clone3(void)
{
	struct clone_args args = { .exit_signal = SIGCHLD };
	long r = syscall(SYS_clone3, &args, sizeof(args));
	pid_t pid;

	if (r == 0)
		_exit(confined() ? 0 : 1);
	if (r > 0)
		expect(wait_child((pid_t)r) == 0, "clone3 child confined");
	else
		expect(errno == ENOSYS, "clone3 gives ENOSYS");
	pid = fork();
	if (pid == 0)
		_exit(confined() ? 0 : 1);
	expect(pid > 0 && wait_child(pid) == 0, "fork still works, confined");
	return 0;
}

static int
try_vfork(const char *self)
{
	pid_t pid = vfork();

	if (pid == 0) {
		if (!confined())
			_exit(1);
		/* and the image it execs, too */
		execl(self, self, "check", (char *)NULL);
		_exit(3);
	}
	expect(pid > 0 && wait_child(pid) == 0,
	       "vfork child confined before and after exec");
	return 0;
}

static int
try_check(void)
{
	return confined() ? 0 : 1;
}

static long
int80(long nr)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
	return ret;
}

static int
try_i386(void)
{
	int status;
	pid_t pid = fork();

	/* does this host run int $0x80 at all? */
	if (pid == 0)
		_exit(int80(20) > 0 ? 0 : 1);
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("skip: this host runs no int $0x80\n");
		return 77;
	}
	expect(int80(64) == -EPERM, "i386 getppid through int $0x80 refused");
	return 0;
}

static int
try_x32(void)
{
	errno = 0;
	/* x32 getppid: no x32 here, and the chain must see it anyway */
	expect(syscall(0x40000000 | SYS_getppid) == -1,
	       "x32 getppid does not run");
	return 0;
}

static int
try_signals(void)
{
	pid_t sup = supervisor();
	int fd;
	long r;

	r = kill(sup, SIGKILL);
	expect(refused(r, errno), "kill(supervisor, SIGKILL) refused");
	r = kill(sup, SIGSTOP);
	expect(refused(r, errno), "kill(supervisor, SIGSTOP) refused");
	r = kill(sup, SIGTERM);
	expect(refused(r, errno), "kill(supervisor, SIGTERM) refused");
	r = syscall(SYS_tkill, sup, SIGKILL);
	expect(refused(r, errno), "tkill(supervisor) refused");
	r = syscall(SYS_tgkill, sup, sup, SIGKILL);
	expect(refused(r, errno), "tgkill(supervisor) refused");
	{
		siginfo_t si = { .si_signo = SIGKILL, .si_code = SI_QUEUE };

		r = syscall(SYS_rt_sigqueueinfo, sup, SIGKILL, &si);
		expect(refused(r, errno),
		       "rt_sigqueueinfo(supervisor) refused");
		r = syscall(SYS_rt_tgsigqueueinfo, sup, sup, SIGKILL, &si);
		expect(refused(r, errno),
		       "rt_tgsigqueueinfo(supervisor) refused");
	}
	r = syscall(SYS_pidfd_open, sup, 0);
	expect(refused(r, errno), "pidfd_open(supervisor) refused");
	if (r >= 0)
		close((int)r);
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d", sup);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			r = syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL,
				    0);
			expect(refused(r, errno) || errno == EBADF,
			       "pidfd_send_signal(/proc/supervisor) refused");
			r = syscall(SYS_pidfd_getfd, fd, 0, 0);
			expect(r < 0, "pidfd_getfd(/proc/supervisor) refused");
			close(fd);
		}
	}
	/* to its process group: the supervisor is in it */
	r = kill(0, SIGSTOP);
	expect(refused(r, errno), "kill(0, SIGSTOP) refused");
	/* a signal it can absorb reaches the group, and nothing breaks */
	signal(SIGUSR1, SIG_IGN);
	r = kill(0, SIGUSR1);
	expect(r == 0, "kill(0, SIGUSR1) delivered");
	usleep(100000);
	expect(alive(sup), "the supervisor lives");
	expect(confined(), "still confined");
	return 0;
}

static int
try_ptrace(void)
{
	pid_t sup = supervisor();
	long r;

	r = ptrace(PTRACE_ATTACH, sup, 0, 0);
	expect(refused(r, errno), "PTRACE_ATTACH to the supervisor refused");
	r = ptrace(PTRACE_SEIZE, sup, 0, 0);
	expect(refused(r, errno), "PTRACE_SEIZE of the supervisor refused");
	r = ptrace(PTRACE_TRACEME, 0, 0, 0);
	expect(r == -1, "PTRACE_TRACEME fails (already traced)");
	expect(alive(sup) && confined(), "still supervised");
	return 0;
}

static int
try_memory(void)
{
	pid_t sup = supervisor();
	char path[64], buf[16] = { 0 };
	struct iovec local = { buf, sizeof(buf) };
	struct iovec remote = { (void *)0x400000, sizeof(buf) };
	int fd;
	long r;

	snprintf(path, sizeof(path), "/proc/%d/mem", sup);
	fd = open(path, O_RDWR | O_CLOEXEC);
	expect(fd < 0, "open(/proc/supervisor/mem) refused");
	if (fd >= 0)
		close(fd);
	r = process_vm_readv(sup, &local, 1, &remote, 1, 0);
	expect(refused(r, errno), "process_vm_readv(supervisor) refused");
	r = process_vm_writev(sup, &local, 1, &remote, 1, 0);
	expect(refused(r, errno), "process_vm_writev(supervisor) refused");
	expect(confined(), "still confined");
	return 0;
}

static const char *exec_self;

static void *
spin(void *arg)
{
	(void)arg;
	for (;;)
		if (!confined()) {
			printf("ESCAPED: a thread racing the exec\n");
			_exit(1);
		}
	return NULL;
}

static void *
do_exec(void *arg)
{
	(void)arg;
	usleep(2000);
	execl(exec_self, exec_self, "check", (char *)NULL);
	_exit(3);
}

static int
try_exec_race(const char *self)
{
	pthread_t t;
	int i;

	exec_self = self;
	for (i = 0; i < 3; i++)
		pthread_create(&t, NULL, spin, NULL);
	pthread_create(&t, NULL, do_exec, NULL);
	pause();
	return 1;
}

/* A grandchild whose parent exits: reparented to the supervisor. */
static int
try_orphan(const char *file, int seconds)
{
	pid_t pid = fork();

	if (pid == 0) {
		pid_t g = fork();

		if (g == 0) {
			FILE *f;

			usleep(300000); /* its parent is gone by now */
			f = fopen(file, "we");
			if (f) {
				fprintf(f, "%d %s %ld\n", getpid(),
					confined() ? "confined" : "ESCAPED",
					tracer_pid());
				fclose(f);
			}
			sleep((unsigned int)seconds);
			_exit(0);
		}
		_exit(0);
	}
	expect(pid > 0 && wait_child(pid) == 0, "middle process exited");
	return 0;
}

static int
install(unsigned int flags, uint32_t getuid_action)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getuid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, getuid_action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { 4, f };

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
}

static int
try_own_filter(void)
{
	long r;

	r = install(SECCOMP_FILTER_FLAG_NEW_LISTENER, SECCOMP_RET_USER_NOTIF);
	expect(r == -1 && errno == EPERM, "a filter with a listener refused");
	if (r >= 0)
		close((int)r);
	expect(confined(), "still confined");
	/* its own ALLOW cannot lift our refusal */
	r = install(0, SECCOMP_RET_ALLOW);
	expect(r == 0, "its own allow-all filter installed");
	expect(confined(), "getppid still refused under it");
	/* its own TRACE, with no tracer of its own: ENOSYS */
	r = install(0, SECCOMP_RET_TRACE | 5);
	expect(r == 0, "its own TRACE filter installed");
	errno = 0;
	r = syscall(SYS_getuid);
	expect(r == -1 && errno == ENOSYS, "its own TRACE gives ENOSYS");
	expect(confined(), "still confined");
	return 0;
}

static int
try_nondumpable(void)
{
	long r;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	expect(confined(), "confined when non-dumpable");
	r = install(0, SECCOMP_RET_ALLOW);
	/* installed (root supervisor) or refused (it cannot read it) */
	expect(r == 0 || errno == EPERM, "own filter installed or refused");
	expect(confined(), "still confined");
	return 0;
}

static int
try_sleep(const char *file)
{
	FILE *f = fopen(file, "we");

	if (f) {
		fprintf(f, "%d\n", getpid());
		fclose(f);
	}
	for (;;)
		pause();
	return 1;
}

int
main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	int r;

	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(what, "check") == 0)
		return try_check();
	if (!confined()) {
		printf("ESCAPED: not confined at the start\n");
		return 1;
	}
	if (strcmp(what, "untraced") == 0)
		r = try_untraced();
	else if (strcmp(what, "clone3") == 0)
		r = try_clone3();
	else if (strcmp(what, "vfork") == 0)
		r = try_vfork(argv[0]);
	else if (strcmp(what, "i386") == 0)
		r = try_i386();
	else if (strcmp(what, "x32") == 0)
		r = try_x32();
	else if (strcmp(what, "signals") == 0)
		r = try_signals();
	else if (strcmp(what, "ptrace") == 0)
		r = try_ptrace();
	else if (strcmp(what, "memory") == 0)
		r = try_memory();
	else if (strcmp(what, "exec-race") == 0)
		r = try_exec_race(argv[0]);
	else if (strcmp(what, "orphan") == 0 && argc == 4)
		r = try_orphan(argv[2], atoi(argv[3]));
	else if (strcmp(what, "own-filter") == 0)
		r = try_own_filter();
	else if (strcmp(what, "nondumpable") == 0)
		r = try_nondumpable();
	else if (strcmp(what, "sleep") == 0 && argc == 3)
		r = try_sleep(argv[2]);
	else {
		fprintf(stderr, "usage: escape ATTEMPT [ARG]\n");
		return 2;
	}
	if (r == 77)
		return 77;
	return failures ? 1 : r;
}
