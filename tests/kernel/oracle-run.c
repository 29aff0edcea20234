/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Running filters under the real seccomp.  Every experiment happens in a
 * fresh child: it sets no_new_privs (so no privilege is needed), installs
 * the filters, makes at most one probe call, and writes what it saw into
 * memory it shares with the parent before anything that could kill it.
 * The parent reads that and the wait status, and kills children that hang.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/futex.h>

#include "oracle.h"

#define PROBE_TIMEOUT_MS 10000
#define STACK_TIMEOUT_MS 120000

/* Older uapi headers lack these. */
#ifndef SA_RESTORER
#define SA_RESTORER 0x04000000
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define CHILD_STACK (128 * 1024)

/*
 * struct report - what a child tells the parent.  The parent zeroes it
 * before starting the child; only the child writes it until the parent has
 * reaped the child.
 */
struct report {
	volatile int harness_err;
	volatile int installed;
	int install_err[ORACLE_MAX_CHAIN];
	volatile int probe_returned;
	int64_t probe_ret;
	volatile int trapped;
	int sig_code;
	int sig_errno;
	int sig_syscall;
	uint32_t sig_arch;
	uint64_t sig_call_addr;
	uint64_t sig_rip;
	volatile int main_done;
	volatile size_t stack_tried;
	int stack_err[ORACLE_STACK_MAX];
};

/* What a child is to do; it reads this, the parent's copy, directly. */
struct job {
	const struct oracle_filter *f;
	size_t n;
	const struct oracle_call *c;
	size_t max;
	struct oracle_filter one; /* when a single program is passed */
	volatile int ctid;	  /* the probe thread's, cleared when it dies */
};

/*
 * struct slot - one child's world.  Children are clone(CLONE_VM) copies
 * of this process: fork() is several milliseconds on some VMs, because it
 * copies page tables, and every case needs a fresh process.  Sharing
 * memory, a child reads its job and writes its report here, runs on the
 * stacks here, and must not enter libc (errno and locks are shared).
 * One slot per CPU lets children run side by side.
 */
struct slot {
	struct report rep;
	struct job job;
	pid_t pid;     /* the running child, or 0 */
	int start_err; /* why there is no child */
	int timeout_ms;
	char stack[CHILD_STACK] __attribute__((aligned(16)));
	char tstack[CHILD_STACK] __attribute__((aligned(16)));
};

static struct slot slots[ORACLE_MAX_SLOTS];

bool oracle_i386_ok;

/*
 * Which bits of a 64-bit register the kernel puts in seccomp_data, per ABI
 * and field, as oracle_findings_probe() measured them.  The test takes
 * them from the kernel rather than assuming.  For int $0x80 from 64-bit
 * code, the source says the filter sees the upper halves a 64-bit caller
 * left in rbx..rbp (populate_seccomp_data() takes syscall_get_arguments(),
 * which copies pt_regs' bx, cx, dx, si, di and bp whole for a TS_COMPAT
 * task), while the number is cut to eax.  On the
 * 6.18 VM this test was written on, int $0x80 raises #GP (SIGSEGV): ia32
 * emulation is off at run time there, so this could not be settled on it,
 * and the i386 cases are left out where that happens.
 */
enum seen {
	SEEN_FULL,
	SEEN_ZERO_EXTENDED,
	SEEN_SIGN_EXTENDED,
};

static enum seen seen_args[2][6];
static enum seen seen_ip[2];

uint64_t
oracle_call_ip(enum oracle_abi abi)
{
	if (abi == ORACLE_ABI_I386)
		return (uintptr_t)oracle_probe_i386_after;
	return (uintptr_t)oracle_probe_x86_64_after;
}

uint32_t
oracle_abi_arch(enum oracle_abi abi)
{
	return abi == ORACLE_ABI_I386 ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
}

static uint64_t
seen_value(enum seen s, uint64_t v)
{
	switch (s) {
	case SEEN_ZERO_EXTENDED:
		return (uint32_t)v;
	case SEEN_SIGN_EXTENDED:
		return (uint64_t)(int64_t)(int32_t)v;
	case SEEN_FULL:
	default:
		return v;
	}
}

void
oracle_call_data(const struct oracle_call *c, struct seccomp_data *ret)
{
	size_t i;

	memset(ret, 0, sizeof(*ret));
	ret->nr = (int)c->nr;
	ret->arch = oracle_abi_arch(c->abi);
	ret->instruction_pointer =
	    seen_value(seen_ip[c->abi], oracle_call_ip(c->abi));
	for (i = 0; i < 6; i++)
		ret->args[i] = seen_value(seen_args[c->abi][i], c->args[i]);
}

/* ---- the children's side: raw system calls only ---- */

static long
sys(long nr, long a1, long a2, long a3, long a4)
{
	return oracle_syscall6(nr, a1, a2, a3, a4, 0, 0);
}

static void __attribute__((noreturn)) child_exit(int status)
{
	for (;;)
		sys(SYS_exit_group, status, 0, 0, 0);
}

/*
 * A killed child must write no core file into the build tree, and must
 * not outlive the test.  PR_SET_DUMPABLE is not used: it belongs to the
 * memory, which the test process shares.
 */
static void
child_setup(void)
{
	struct rlimit rl = { 0, 0 };

	sys(SYS_prlimit64, 0, RLIMIT_CORE, (long)&rl, 0);
	sys(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0);
}

static long
child_install(const struct sock_filter *insns, size_t len)
{
	struct sock_fprog fp;

	fp.len = (unsigned short)len;
	fp.filter = (struct sock_filter *)insns;
	return sys(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (long)&fp, 0);
}

/* the kernel's struct sigaction for rt_sigaction(2) */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

/* The slot whose stacks hold @p: how a signal handler finds its report. */
static struct slot *
slot_of(const void *p)
{
	const char *c = p;
	size_t i;

	for (i = 0; i < ORACLE_MAX_SLOTS; i++)
		if ((c >= slots[i].stack && c < slots[i].stack + CHILD_STACK) ||
		    (c >= slots[i].tstack && c < slots[i].tstack + CHILD_STACK))
			return &slots[i];
	return NULL;
}

static void
on_sigsys(int sig, siginfo_t *si, void *ctx)
{
	const ucontext_t *uc = ctx;
	struct slot *slot = slot_of(&uc);
	struct report *rep;

	if (!slot)
		return;
	rep = &slot->rep;
	rep->sig_code = si->si_code;
	rep->sig_errno = si->si_errno;
	rep->sig_syscall = si->si_syscall;
	rep->sig_arch = si->si_arch;
	rep->sig_call_addr = (uintptr_t)si->si_call_addr;
	rep->sig_rip = (uint64_t)uc->uc_mcontext.gregs[REG_RIP];
	rep->trapped++;
}

static void
probe_body(struct slot *slot)
{
	const struct job *job = &slot->job;
	const struct oracle_call *c = job->c;
	struct report *rep = &slot->rep;
	uint64_t set = 1ULL << (SIGSYS - 1);
	struct oracle_regs regs;
	size_t i;
	long r;

	if (c->mode == ORACLE_MODE_BLOCKED)
		sys(SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, sizeof(set));
	r = sys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0);
	if (r < 0) {
		rep->harness_err = (int)-r;
		return;
	}
	/*
	 * From here on this thread's calls go through the filters; the guard
	 * in front of each lets every one through but the probe.
	 */
	for (i = 0; i < job->n; i++) {
		r = child_install(job->f[i].insns, job->f[i].len);
		rep->install_err[i] = r < 0 ? (int)-r : 0;
		rep->installed = (int)i + 1;
	}
	regs.nr = c->nr;
	memcpy(regs.args, c->args, sizeof(regs.args));
	if (c->abi == ORACLE_ABI_I386)
		r = oracle_probe_i386(&regs);
	else
		r = oracle_probe_x86_64(&regs);
	rep->probe_ret = r;
	rep->probe_returned = 1;
}

static int
probe_thread(void *arg)
{
	probe_body(arg);
	return 0;
}

static int
child_probe(void *arg)
{
	struct slot *slot = arg;
	struct job *job = &slot->job;
	struct ksigaction sa;
	long r;
	int v;

	child_setup();
	memset(&sa, 0, sizeof(sa));
	if (job->c->mode == ORACLE_MODE_IGNORED) {
		sa.handler = SIG_IGN;
	} else {
		sa.handler = (void *)on_sigsys;
		sa.flags = SA_SIGINFO | SA_RESTORER;
		sa.restorer = oracle_sigreturn;
	}
	sys(SYS_rt_sigaction, SIGSYS, (long)&sa, 0, sizeof(sa.mask));
	if (job->c->mode != ORACLE_MODE_THREADED) {
		probe_body(slot);
		child_exit(0);
	}
	/*
	 * Filters are per thread: only the probe thread gets them, and this
	 * one waits for it to end, so KILL_THREAD has a survivor to show.
	 */
	job->ctid = 1;
	r = oracle_clone(
	    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
		CLONE_SYSVSEM | CLONE_CHILD_CLEARTID,
	    slot->tstack + CHILD_STACK, (int *)&job->ctid, probe_thread, slot);
	if (r < 0) {
		slot->rep.harness_err = (int)-r;
		child_exit(99);
	}
	while ((v = job->ctid) != 0)
		sys(SYS_futex, (long)&job->ctid, FUTEX_WAIT, v, 0);
	slot->rep.main_done = 1;
	child_exit(0);
}

static int
child_accept(void *arg)
{
	struct slot *slot = arg;
	struct report *rep = &slot->rep;
	long r;

	child_setup();
	r = sys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0);
	if (r < 0) {
		rep->harness_err = (int)-r;
		child_exit(99);
	}
	r = child_install(slot->job.f[0].insns, slot->job.f[0].len);
	rep->install_err[0] = r < 0 ? (int)-r : 0;
	rep->installed = 1;
	child_exit(0);
}

static int
child_stack(void *arg)
{
	struct slot *slot = arg;
	const struct job *job = &slot->job;
	struct report *rep = &slot->rep;
	size_t i;
	long r;

	child_setup();
	r = sys(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0);
	if (r < 0) {
		rep->harness_err = (int)-r;
		child_exit(99);
	}
	if (job->max) {
		/* one program, again and again */
		for (i = 0; i < job->max; i++) {
			r = child_install(job->f[0].insns, job->f[0].len);
			if (r < 0) {
				rep->stack_err[0] = (int)-r;
				break;
			}
			rep->stack_tried = i + 1;
		}
	} else {
		for (i = 0; i < job->n; i++) {
			r = child_install(job->f[i].insns, job->f[i].len);
			rep->stack_err[i] = r < 0 ? (int)-r : 0;
			rep->stack_tried = i + 1;
		}
	}
	rep->main_done = 1;
	child_exit(0);
}

/* ---- the parent's side ---- */

/*
 * Wait for @pid at most @timeout_ms; kill it if it takes longer.  A pidfd
 * wakes us the moment it exits; without one, poll with a growing sleep.
 */
static int
child_wait(pid_t pid, int timeout_ms, int *ret_status)
{
	struct timespec ts = { 0, 20000 };
	bool timed_out = false;
	long waited_us = 0;
	struct pollfd pfd;
	int fd, r, status;

	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd >= 0) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		do
			r = poll(&pfd, 1, timeout_ms);
		while (r < 0 && errno == EINTR);
		close(fd);
		timed_out = r == 0;
	} else {
		for (;;) {
			r = waitpid(pid, &status, WNOHANG | __WALL);
			if (r == pid) {
				*ret_status = status;
				return 0;
			}
			if (r < 0 && errno != EINTR)
				return -errno;
			if (waited_us > timeout_ms * 1000L) {
				timed_out = true;
				break;
			}
			nanosleep(&ts, NULL);
			waited_us += ts.tv_nsec / 1000;
			if (ts.tv_nsec < 5000000)
				ts.tv_nsec *= 2;
		}
	}
	if (timed_out)
		kill(pid, SIGKILL);
	do
		r = waitpid(pid, &status, __WALL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	*ret_status = status;
	return timed_out ? -ETIMEDOUT : 0;
}

unsigned int
oracle_slots(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > ORACLE_MAX_SLOTS ? ORACLE_MAX_SLOTS : (unsigned int)n;
}

/* Start @fn in a fresh child on @slot; the job is already filled in. */
static int
slot_start(unsigned int i, int (*fn)(void *), int timeout_ms)
{
	struct slot *slot = &slots[i];
	long pid;

	if (slot->pid)
		return -EBUSY;
	memset(&slot->rep, 0, sizeof(slot->rep));
	slot->timeout_ms = timeout_ms;
	pid = oracle_clone(CLONE_VM | SIGCHLD, slot->stack + CHILD_STACK, NULL,
			   fn, slot);
	if (pid < 0) {
		slot->start_err = (int)pid;
		return (int)pid;
	}
	slot->start_err = 0;
	slot->pid = (pid_t)pid;
	return 0;
}

/* Reap @slot's child: 0, -ETIMEDOUT (killed), or a harness error. */
static int
slot_finish(unsigned int i, int *ret_status)
{
	struct slot *slot = &slots[i];
	int r;

	if (!slot->pid)
		return slot->start_err ? slot->start_err : -ECHILD;
	r = child_wait(slot->pid, slot->timeout_ms, ret_status);
	slot->pid = 0;
	if (r < 0 && r != -ETIMEDOUT)
		return r;
	if (slot->rep.harness_err)
		return -slot->rep.harness_err;
	return r;
}

static struct job *
job_reset(unsigned int i)
{
	struct job *job = &slots[i].job;

	memset(job, 0, sizeof(*job));
	return job;
}

int
oracle_run_start(unsigned int slot, const struct oracle_filter *f, size_t n,
		 const struct oracle_call *c)
{
	struct job *job;

	if (slot >= ORACLE_MAX_SLOTS || n > ORACLE_MAX_CHAIN)
		return -EINVAL;
	job = job_reset(slot);
	job->f = f;
	job->n = n;
	job->c = c;
	return slot_start(slot, child_probe, PROBE_TIMEOUT_MS);
}

int
oracle_run_finish(unsigned int slot, int *ret_install_err,
		  struct oracle_obs *ret)
{
	const struct report *rep = &slots[slot].rep;
	size_t i, n = slots[slot].job.n;
	int r, status = 0;

	r = slot_finish(slot, &status);
	if (r < 0 && r != -ETIMEDOUT)
		return r;
	memset(ret, 0, sizeof(*ret));
	if (r == -ETIMEDOUT) {
		ret->kind = ORACLE_OBS_TIMEOUT;
	} else if (rep->probe_returned) {
		ret->kind = ORACLE_OBS_RETURNED;
		ret->ret = rep->probe_ret;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		   rep->main_done) {
		ret->kind = ORACLE_OBS_THREAD_DIED;
	} else if (WIFSIGNALED(status)) {
		ret->kind = ORACLE_OBS_KILLED;
		ret->sig = WTERMSIG(status);
	} else {
		ret->kind = ORACLE_OBS_EXITED;
		ret->sig = WEXITSTATUS(status);
	}
	if (rep->trapped) {
		ret->trapped = true;
		ret->sig_code = rep->sig_code;
		ret->sig_errno = rep->sig_errno;
		ret->sig_syscall = rep->sig_syscall;
		ret->sig_arch = rep->sig_arch;
		ret->sig_call_addr = rep->sig_call_addr;
		ret->sig_rip = rep->sig_rip;
	}
	for (i = 0; i < n; i++)
		ret_install_err[i] =
		    (int)i < rep->installed ? rep->install_err[i] : -1;
	return 0;
}

int
oracle_run(const struct oracle_filter *f, size_t n, const struct oracle_call *c,
	   int *ret_install_err, struct oracle_obs *ret)
{
	int r = oracle_run_start(0, f, n, c);

	if (r < 0)
		return r;
	return oracle_run_finish(0, ret_install_err, ret);
}

int
oracle_accept_start(unsigned int slot, const struct sock_filter *prog,
		    size_t len)
{
	struct job *job;

	if (slot >= ORACLE_MAX_SLOTS)
		return -EINVAL;
	job = job_reset(slot);
	job->one.insns = prog;
	job->one.len = len;
	job->f = &job->one;
	job->n = 1;
	return slot_start(slot, child_accept, PROBE_TIMEOUT_MS);
}

int
oracle_accept_finish(unsigned int slot, int *ret_errno)
{
	const struct report *rep = &slots[slot].rep;
	int r, status;

	r = slot_finish(slot, &status);
	if (r < 0)
		return r;
	if (!rep->installed)
		return -EPROTO;
	*ret_errno = rep->install_err[0];
	return 0;
}

int
oracle_kernel_accepts(const struct sock_filter *prog, size_t len,
		      int *ret_errno)
{
	int r = oracle_accept_start(0, prog, len);

	if (r < 0)
		return r;
	return oracle_accept_finish(0, ret_errno);
}

int
oracle_kernel_stack(const struct oracle_filter *seq, size_t n, int *ret_err)
{
	const struct report *rep = &slots[0].rep;
	struct job *job;
	int r, status;

	if (n > ORACLE_STACK_MAX)
		return -E2BIG;
	job = job_reset(0);
	job->f = seq;
	job->n = n;
	r = slot_start(0, child_stack, STACK_TIMEOUT_MS);
	if (r < 0)
		return r;
	r = slot_finish(0, &status);
	if (r < 0)
		return r;
	if (!rep->main_done || rep->stack_tried != n)
		return -EPROTO;
	memcpy(ret_err, rep->stack_err, n * sizeof(*ret_err));
	return 0;
}

int
oracle_stack_repeat_start(unsigned int slot, const struct sock_filter *prog,
			  size_t len, size_t max)
{
	struct job *job;

	if (slot >= ORACLE_MAX_SLOTS || max == 0)
		return -EINVAL;
	job = job_reset(slot);
	job->one.insns = prog;
	job->one.len = len;
	job->f = &job->one;
	job->n = 1;
	job->max = max;
	return slot_start(slot, child_stack, STACK_TIMEOUT_MS);
}

int
oracle_stack_repeat_finish(unsigned int slot, size_t *ret_count, int *ret_errno)
{
	const struct report *rep = &slots[slot].rep;
	int r, status;

	r = slot_finish(slot, &status);
	if (r < 0)
		return r;
	if (!rep->main_done)
		return -EPROTO;
	*ret_count = rep->stack_tried;
	*ret_errno = rep->stack_err[0];
	return 0;
}

bool
oracle_obs_equal(const struct oracle_obs *a, const struct oracle_obs *b)
{
	if (a->kind != b->kind || a->trapped != b->trapped)
		return false;
	if (a->trapped &&
	    (a->sig_code != b->sig_code || a->sig_errno != b->sig_errno ||
	     a->sig_syscall != b->sig_syscall || a->sig_arch != b->sig_arch ||
	     a->sig_call_addr != b->sig_call_addr || a->sig_rip != b->sig_rip))
		return false;
	switch (a->kind) {
	case ORACLE_OBS_RETURNED:
		return a->ret == b->ret;
	case ORACLE_OBS_KILLED:
	case ORACLE_OBS_EXITED:
		return a->sig == b->sig;
	default:
		return true;
	}
}

void
oracle_obs_format(const struct oracle_obs *o, char *buf, size_t size)
{
	char trap[200] = "";
	int n = 0;

	if (o->trapped)
		snprintf(
		    trap, sizeof(trap),
		    " after a SIGSYS handler ran (si_code %d, si_errno %d, si_syscall %d, si_arch 0x%08x, si_call_addr 0x%llx, rip 0x%llx)",
		    o->sig_code, o->sig_errno, o->sig_syscall, o->sig_arch,
		    (unsigned long long)o->sig_call_addr,
		    (unsigned long long)o->sig_rip);
	switch (o->kind) {
	case ORACLE_OBS_RETURNED:
		n = snprintf(buf, size, "the call returned %lld (0x%llx)",
			     (long long)o->ret, (unsigned long long)o->ret);
		break;
	case ORACLE_OBS_THREAD_DIED:
		n = snprintf(buf, size,
			     "the calling thread died, the process lived on");
		break;
	case ORACLE_OBS_KILLED:
		n = snprintf(buf, size,
			     "the process was killed by signal %d (%s)", o->sig,
			     strsignal(o->sig));
		break;
	case ORACLE_OBS_EXITED:
		n = snprintf(buf, size,
			     "the process exited with status %d and no result",
			     o->sig);
		break;
	case ORACLE_OBS_TIMEOUT:
		n = snprintf(buf, size, "the child hung and was killed");
		break;
	}
	if (n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - n, "%s", trap);
}

/*
 * Read 16 bits of what seccomp saw at byte @off for @c: a guarded filter
 * returns TRAP with those bits as data, and si_errno carries them out.
 */
static int
readout16(const struct oracle_call *c, uint32_t off, bool high, uint32_t *ret)
{
	struct sock_filter body[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, off),
		high ? (struct sock_filter)BPF_STMT(BPF_ALU | BPF_RSH | BPF_K,
						    16)
		     : (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K,
						    0xffff),
		BPF_STMT(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct sock_filter prog[ORACLE_GUARD_LEN + 4];
	struct oracle_filter f = { prog, 0 };
	struct oracle_obs o;
	int r, err;

	f.len = oracle_guard(prog, body, 4, c->nr);
	r = oracle_run(&f, 1, c, &err, &o);
	if (r < 0)
		return r;
	if (err || !o.trapped || o.sig_code != SYS_SECCOMP)
		return -EPROTO;
	*ret = (uint32_t)o.sig_errno & 0xffff;
	return 0;
}

static int
readout32(const struct oracle_call *c, uint32_t off, uint32_t *ret)
{
	uint32_t lo, hi;
	int r;

	r = readout16(c, off, false, &lo);
	if (r >= 0)
		r = readout16(c, off, true, &hi);
	if (r < 0)
		return r;
	*ret = hi << 16 | lo;
	return 0;
}

static int
classify(uint64_t passed, uint32_t seen_high, enum seen *ret)
{
	if (seen_high == (uint32_t)(passed >> 32))
		*ret = SEEN_FULL;
	else if (seen_high == 0)
		*ret = SEEN_ZERO_EXTENDED;
	else if (seen_high == ((uint32_t)passed & 0x80000000 ? 0xffffffff : 0))
		*ret = SEEN_SIGN_EXTENDED;
	else
		return -EPROTO;
	return 0;
}

static const char *
seen_name(enum seen s)
{
	switch (s) {
	case SEEN_ZERO_EXTENDED:
		return "zero-extended from 32 bits";
	case SEEN_SIGN_EXTENDED:
		return "sign-extended from 32 bits";
	case SEEN_FULL:
	default:
		return "all 64 bits as passed";
	}
}

static int
findings_abi(enum oracle_abi abi, FILE *out)
{
	static const char *const regs[2][6] = {
		{ "rdi", "rsi", "rdx", "r10", "r8", "r9" },
		{ "rbx", "rcx", "rdx", "rsi", "rdi", "rbp" },
	};
	struct oracle_call c;
	uint32_t high;
	size_t i;
	int r;

	memset(&c, 0, sizeof(c));
	c.abi = abi;
	c.mode = ORACLE_MODE_SINGLE;
	c.nr = abi == ORACLE_ABI_I386 ? ORACLE_NR_GETPPID_I386
				      : ORACLE_NR_GETPPID_X86_64;
	/*
	 * Distinct upper halves with both 16-bit parts non-zero, and a lower
	 * half with its sign bit set, so full, zero-extended and
	 * sign-extended values all differ.
	 */
	for (i = 0; i < 6; i++)
		c.args[i] = (uint64_t)(0x5a000000U | (uint32_t)(i + 1) << 16 |
				       0x1111U * (uint32_t)(i + 1))
				<< 32 |
			    0x81020304U;
	for (i = 0; i < 6; i++) {
		r = readout32(&c, 20 + 8 * i, &high);
		if (r < 0)
			return r;
		r = classify(c.args[i], high, &seen_args[abi][i]);
		if (r < 0) {
			fprintf(
			    out,
			    "%s argument %zu: unexpected upper half 0x%08x. ",
			    abi == ORACLE_ABI_I386 ? "i386" : "x86_64", i,
			    high);
			return r;
		}
	}
	r = readout32(&c, 12, &high);
	if (r < 0)
		return r;
	r = classify(oracle_call_ip(abi), high, &seen_ip[abi]);
	if (r < 0)
		return r;

	fprintf(out, "%s: seccomp sees",
		abi == ORACLE_ABI_I386 ? "i386 (int $0x80 from 64-bit code)"
				       : "x86_64 (syscall)");
	for (i = 0; i < 6; i++)
		fprintf(out, "%s %s %s", i ? "," : "", regs[abi][i],
			seen_name(seen_args[abi][i]));
	fprintf(out, "; instruction_pointer %s (0x%llx). ",
		seen_name(seen_ip[abi]),
		(unsigned long long)oracle_call_ip(abi));
	return 0;
}

int
oracle_findings_probe(char **ret_text)
{
	struct oracle_call c;
	struct oracle_obs o;
	char *text = NULL;
	size_t size = 0;
	FILE *out;
	int r;

	out = open_memstream(&text, &size);
	if (!out)
		return -errno;
	r = findings_abi(ORACLE_ABI_X86_64, out);
	if (r < 0)
		goto out;

	/* Is int $0x80 there at all?  Kernels may turn ia32 emulation off. */
	memset(&c, 0, sizeof(c));
	c.abi = ORACLE_ABI_I386;
	c.mode = ORACLE_MODE_SINGLE;
	c.nr = ORACLE_NR_GETPPID_I386;
	r = oracle_run(NULL, 0, &c, NULL, &o);
	if (r < 0)
		goto out;
	oracle_i386_ok = o.kind == ORACLE_OBS_RETURNED && o.ret == getpid();
	if (oracle_i386_ok) {
		r = findings_abi(ORACLE_ABI_I386, out);
	} else {
		char buf[200];

		oracle_obs_format(&o, buf, sizeof(buf));
		fprintf(
		    out,
		    "i386: int $0x80 does not work here (%s); i386 probes are left out. ",
		    buf);
	}
out:
	fclose(out);
	if (r < 0) {
		fprintf(stderr, "%s\n", text ? text : "");
		free(text);
		return r;
	}
	*ret_text = text;
	return 0;
}
