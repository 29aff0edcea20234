/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Syscall injection: run calls of our choosing in a thread stopped at a
 * system call, then give the thread its registers back.  See tracer.h for
 * the sequence and its limits.
 *
 * aarch64's x7: the kernel shows a marker in x7 in syscall-entry and exit
 * stops and throws away tracer writes to it there, so writing back saved
 * registers never changes x7, and the saved x7 from an entry stop (the
 * marker) never reaches the thread.
 */
#include "tracer/tracer.h"

#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

/* The kernel's SIGRTMIN; libc reserves the first few for itself. */
#define KERNEL_SIGRTMIN 32

static int
get_info(pid_t tid, struct __ptrace_syscall_info *ret)
{
	struct __ptrace_syscall_info info;

	memset(&info, 0, sizeof(info));
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info) <
	    0)
		return -errno;
	*ret = info;
	return 0;
}

static bool
resume_ok(enum tracer_resume how)
{
	return how == TRACER_RESUME_NONE || how == TRACER_RESUME_CONT ||
	       how == TRACER_RESUME_SYSCALL;
}

/* @how was checked with resume_ok() before the registers were written. */
static int
resume(pid_t tid, enum tracer_resume how)
{
	long r = 0;

	if (how == TRACER_RESUME_CONT)
		r = ptrace(PTRACE_CONT, tid, 0, 0);
	else if (how == TRACER_RESUME_SYSCALL)
		r = ptrace(PTRACE_SYSCALL, tid, 0, 0);
	return r < 0 ? -errno : 0;
}

static bool
status_is_gone(int status)
{
	int event = status >> 16;

	return WIFEXITED(status) || WIFSIGNALED(status) ||
	       (WIFSTOPPED(status) &&
		(event == PTRACE_EVENT_EXIT || event == PTRACE_EVENT_EXEC));
}

/*
 * @status ended the injection: the thread is gone (or is no longer the
 * program it was), or it is somewhere we did not put it.
 */
static int
end_with_status(struct tracer_inject *inj, int status)
{
	inj->have_status = true;
	inj->wait_status = status;
	if (status_is_gone(status)) {
		inj->state = TRACER_INJECT_DEAD;
		return -ESRCH;
	}
	inj->state = TRACER_INJECT_BROKEN;
	return -EPROTO;
}

static int
wait_tid(pid_t tid, int *ret_status)
{
	int status;
	pid_t p;

	do
		p = waitpid(tid, &status, __WALL);
	while (p < 0 && errno == EINTR);
	if (p < 0)
		return -errno;
	*ret_status = status;
	return 0;
}

/*
 * A ptrace or wait request failed with @err.  ESRCH from ptrace means the
 * thread left its stop, which only a fatal signal does behind our back:
 * wait for what became of it.  Anything else leaves the thread where we
 * cannot vouch for its registers.
 */
static int
fail(struct tracer_inject *inj, int err)
{
	int status, r;

	if (err != -ESRCH && err != -ECHILD) {
		inj->state = TRACER_INJECT_BROKEN;
		return err;
	}
	r = err == -ECHILD ? err : wait_tid(inj->tid, &status);
	if (r < 0) {
		/* reaped by someone else, or never ours: nothing to report */
		inj->state = TRACER_INJECT_DEAD;
		return -ESRCH;
	}
	return end_with_status(inj, status);
}

static int
hold_signal(struct tracer_inject *inj, const siginfo_t *si)
{
	unsigned int i;

	/* mirrors kernel/signal.c: legacy_queue() */
	if (si->si_signo < KERNEL_SIGRTMIN)
		for (i = 0; i < inj->n_signals; i++)
			if (inj->signals[i].si_signo == si->si_signo)
				return 0;
	if (inj->n_signals == TRACER_INJECT_MAX_SIGNALS)
		return -EOVERFLOW;
	inj->signals[inj->n_signals++] = *si;
	return 0;
}

/* Whether a syscall stop's account of the call is the call in @cur. */
static bool
info_is_call(const struct tracer_inject *inj,
	     const struct __ptrace_syscall_info *info,
	     const struct arch_regs *cur, int32_t nr)
{
	const uint64_t *args;
	unsigned int i;

	if (info->arch != inj->abi->audit_arch ||
	    info->instruction_pointer != arch_get_ip(&inj->saved))
		return false;
	if (info->op == PTRACE_SYSCALL_INFO_EXIT)
		return true;
	if (info->op == PTRACE_SYSCALL_INFO_ENTRY) {
		if ((int32_t)info->entry.nr != nr)
			return false;
		args = info->entry.args;
	} else if (info->op == PTRACE_SYSCALL_INFO_SECCOMP) {
		if ((int32_t)info->seccomp.nr != nr)
			return false;
		args = info->seccomp.args;
	} else {
		return false;
	}
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		if (args[i] != arch_get_arg(cur, inj->abi, i))
			return false;
	return true;
}

/*
 * Resume the thread, with @cur already stored, and follow it to the exit
 * stop of call @nr.  @rewound: the thread executes its syscall instruction
 * again, so a syscall-entry stop comes first; otherwise the call was put
 * in place in the stop we began in.  Signals on the way are held.
 */
static int
run_call(struct tracer_inject *inj, const struct arch_regs *cur, int32_t nr,
	 bool rewound, int64_t *ret_val)
{
	struct __ptrace_syscall_info info;
	bool entered = !rewound;
	siginfo_t si;
	int status, event, sig, r;

	for (;;) {
		if (ptrace(PTRACE_SYSCALL, inj->tid, 0, 0) < 0)
			return fail(inj, -errno);
		r = wait_tid(inj->tid, &status);
		if (r < 0)
			return fail(inj, r);
		if (!WIFSTOPPED(status))
			return end_with_status(inj, status);
		event = status >> 16;
		sig = WSTOPSIG(status);
		inj->n_stops++;

		if (sig == (SIGTRAP | 0x80) || event == PTRACE_EVENT_SECCOMP) {
			inj->n_syscall_stops++;
			r = get_info(inj->tid, &info);
			if (r < 0)
				return fail(inj, r);
			if (!info_is_call(inj, &info, cur, nr))
				return end_with_status(inj, status);
			if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
				if (!entered)
					return end_with_status(inj, status);
				*ret_val = info.exit.rval;
				return 0;
			}
			if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
				if (entered)
					return end_with_status(inj, status);
				entered = true;
			}
			/* a seccomp stop for our call: let it through */
			continue;
		}
		switch (event) {
		case 0:
			/* a signal-delivery stop: hold the signal */
			if (ptrace(PTRACE_GETSIGINFO, inj->tid, 0, &si) < 0)
				return fail(inj, -errno);
			r = hold_signal(inj, &si);
			if (r < 0) {
				inj->state = TRACER_INJECT_BROKEN;
				return r;
			}
			break;
		case PTRACE_EVENT_STOP:
			if (sig == SIGTRAP)
				inj->interrupted = true;
			else
				inj->stop_signal = sig;
			break;
		default:
			return end_with_status(inj, status);
		}
	}
}

int
tracer_inject_begin(pid_t tid, struct tracer_inject *ret)
{
	struct __ptrace_syscall_info info;
	struct tracer_inject inj;
	int32_t nr;
	int r;

	memset(&inj, 0, sizeof(inj));
	r = get_info(tid, &info);
	if (r < 0)
		goto out;
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		nr = (int32_t)info.entry.nr;
	} else if (info.op == PTRACE_SYSCALL_INFO_SECCOMP) {
		nr = (int32_t)info.seccomp.nr;
	} else {
		r = -EINVAL;
		goto out;
	}
	inj.abi = arch_abi_by_audit(info.arch, nr);
	if (!inj.abi) {
		r = -EOPNOTSUPP;
		goto out;
	}
	r = arch_regs_fetch(tid, &inj.saved);
	if (r < 0)
		goto out;
	if (!arch_regs_abi_ok(&inj.saved, inj.abi) ||
	    arch_syscall_insn_len(inj.abi) == 0) {
		r = -EOPNOTSUPP;
		goto out;
	}
	/*
	 * Arguments are not compared: a 32-bit regset cannot show the upper
	 * halves a 32-bit program may have left in its registers.
	 */
	if (arch_get_nr(&inj.saved, inj.abi) != nr ||
	    arch_get_ip(&inj.saved) != info.instruction_pointer) {
		r = -EPROTO;
		goto out;
	}
	inj.tid = tid;
	inj.begin_op = info.op;
	inj.state = TRACER_INJECT_AT_CALL;
	*ret = inj;
	r = 0;
out:
	return r;
}

static bool
is_restart(int64_t val)
{
	return val == -ERESTARTSYS || val == -ERESTARTNOINTR ||
	       val == -ERESTARTNOHAND || val == -ERESTART_RESTARTBLOCK;
}

int
tracer_inject_call(struct tracer_inject *inj, int32_t nr,
		   const uint64_t args[ARCH_MAX_ARGS], int64_t *ret_val)
{
	struct arch_regs cur;
	bool rewound;
	int64_t val;
	unsigned int i;
	int r;

	if (inj->state != TRACER_INJECT_AT_CALL &&
	    inj->state != TRACER_INJECT_AT_EXIT)
		return -EINVAL;
	rewound = inj->state == TRACER_INJECT_AT_EXIT;
	for (;;) {
		cur = inj->saved;
		if (rewound)
			arch_rewind_syscall(&cur, inj->abi, nr);
		else
			arch_set_nr(&cur, inj->abi, nr);
		for (i = 0; i < ARCH_MAX_ARGS; i++)
			arch_set_arg(&cur, inj->abi, i, args[i]);
		r = arch_regs_store(inj->tid, &cur);
		if (r < 0)
			return fail(inj, r);
		r = run_call(inj, &cur, nr, rewound, &val);
		if (r < 0)
			return r;
		inj->state = TRACER_INJECT_AT_EXIT;
		if (!is_restart(val))
			break;
		/*
		 * A signal interrupted the call.  We hold the signal, so no
		 * handler runs, and the kernel would restart the call:
		 * mirrors arch/x86/kernel/signal.c: arch_do_signal_or_restart()
		 * (arch/arm64/kernel/signal.c: do_signal() likewise).
		 */
		if (val == -ERESTART_RESTARTBLOCK)
			nr = arch_restart_syscall_nr(inj->abi);
		rewound = true;
	}
	inj->n_calls++;
	*ret_val = val;
	return 0;
}

int
tracer_inject_end_skip(struct tracer_inject *inj, int64_t retval,
		       enum tracer_resume resume_how)
{
	struct arch_regs cur;
	int r;

	if ((inj->state != TRACER_INJECT_AT_CALL &&
	     inj->state != TRACER_INJECT_AT_EXIT) ||
	    !resume_ok(resume_how))
		return -EINVAL;
	cur = inj->saved;
	arch_set_nr(&cur, inj->abi, -1);
	arch_set_return(&cur, inj->abi, retval);
	r = arch_regs_store(inj->tid, &cur);
	if (r < 0)
		return fail(inj, r);
	r = resume(inj->tid, resume_how);
	if (r < 0)
		return fail(inj, r);
	inj->state = TRACER_INJECT_IDLE;
	return 0;
}

int
tracer_inject_end_restart(struct tracer_inject *inj,
			  enum tracer_resume resume_how)
{
	struct arch_regs cur;
	int r;

	if ((inj->state != TRACER_INJECT_AT_CALL &&
	     inj->state != TRACER_INJECT_AT_EXIT) ||
	    !resume_ok(resume_how))
		return -EINVAL;
	if (inj->state == TRACER_INJECT_AT_EXIT) {
		cur = inj->saved;
		arch_rewind_syscall(&cur, inj->abi,
				    arch_get_nr(&inj->saved, inj->abi));
		r = arch_regs_store(inj->tid, &cur);
		if (r < 0)
			return fail(inj, r);
	}
	r = resume(inj->tid, resume_how);
	if (r < 0)
		return fail(inj, r);
	inj->state = TRACER_INJECT_IDLE;
	return 0;
}
