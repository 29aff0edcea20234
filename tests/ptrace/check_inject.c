/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_inject: src/arch's register access and src/tracer's syscall
 * injection, against real tracees on an x86_64 host.  The i386 ABI
 * (int $0x80, 32-bit processes) is in check_inject_i386, which skips where
 * the kernel runs no 32-bit code.
 *
 * Each test starts a child that stops at a getppid its filter sends to
 * the tracer (tracee.h), works on it, and then checks what the child saw:
 * the return value, and every register around the call (probe.S).
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>

#include <check.h>

#include "arch/arch.h"
#include "tracee.h"
#include "tracer/tracer.h"

#define TIMEOUT 30

static const struct arch_abi *
abi(const char *name)
{
	const struct arch_abi *a = arch_abi_by_name(name);

	ck_assert_ptr_nonnull(a);
	return a;
}

static int64_t
call_args(struct tracer_inject *inj, int32_t nr,
	  const uint64_t args[ARCH_MAX_ARGS])
{
	int64_t v = 0;
	int r;

	r = tracer_inject_call(inj, nr, args, &v);
	ck_assert_msg(r == 0, "injected call %d: %s", nr, strerror(-r));
	ck_assert_int_eq(inj->state, TRACER_INJECT_AT_EXIT);
	return v;
}

#define CALL(inj, nr, ...) \
	call_args(inj, nr, (const uint64_t[ARCH_MAX_ARGS]){ __VA_ARGS__ })

static struct __ptrace_syscall_info
syscall_info(pid_t tid)
{
	struct __ptrace_syscall_info info;

	memset(&info, 0, sizeof(info));
	ck_assert_msg(ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info),
			     &info) > 0,
		      "PTRACE_GET_SYSCALL_INFO: %s", strerror(errno));
	return info;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- accessors, without a tracee ---- */

START_TEST(test_layout_64)
{
	const struct arch_abi *x64 = abi("x86_64"), *x32 = abi("x32"),
			      *x86 = abi("x86");
	const struct arch_abi *abis64[] = { x64, x32 };
	struct user_regs_struct u;
	struct arch_regs r, before;
	unsigned int i, k;
	uint64_t v[ARCH_MAX_ARGS];

	memset(&r, 0, sizeof(r));
	r.size = sizeof(u);
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		v[i] = 0xa5a5a5a500000000ULL | (0x11111111U * (i + 1));

	/* x86_64 and x32: rdi, rsi, rdx, r10, r8, r9 */
	for (k = 0; k < 2; k++) {
		memset(&r.set, 0, sizeof(r.set));
		for (i = 0; i < ARCH_MAX_ARGS; i++)
			arch_set_arg(&r, abis64[k], i, v[i]);
		memcpy(&u, &r.set, sizeof(u));
		ck_assert_uint_eq(u.rdi, v[0]);
		ck_assert_uint_eq(u.rsi, v[1]);
		ck_assert_uint_eq(u.rdx, v[2]);
		ck_assert_uint_eq(u.r10, v[3]);
		ck_assert_uint_eq(u.r8, v[4]);
		ck_assert_uint_eq(u.r9, v[5]);
		for (i = 0; i < ARCH_MAX_ARGS; i++)
			ck_assert_uint_eq(arch_get_arg(&r, abis64[k], i), v[i]);
		ck_assert(arch_regs_abi_ok(&r, abis64[k]));
		ck_assert_uint_eq(arch_syscall_insn_len(abis64[k]), 2);
	}

	/* i386 in 64-bit code: rbx, rcx, rdx, rsi, rdi, rbp, all 64 bits */
	memset(&r.set, 0, sizeof(r.set));
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		arch_set_arg(&r, x86, i, v[i]);
	memcpy(&u, &r.set, sizeof(u));
	ck_assert_uint_eq(u.rbx, v[0]);
	ck_assert_uint_eq(u.rcx, v[1]);
	ck_assert_uint_eq(u.rdx, v[2]);
	ck_assert_uint_eq(u.rsi, v[3]);
	ck_assert_uint_eq(u.rdi, v[4]);
	ck_assert_uint_eq(u.rbp, v[5]);
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		ck_assert_uint_eq(arch_get_arg(&r, x86, i), v[i]);
	ck_assert(arch_regs_abi_ok(&r, x86));
	ck_assert_uint_eq(arch_syscall_insn_len(x86), 2);

	/* an argument past the last is ignored */
	before = r;
	arch_set_arg(&r, x64, ARCH_MAX_ARGS, 1);
	ck_assert_int_eq(memcmp(&r, &before, sizeof(r)), 0);
	ck_assert_uint_eq(arch_get_arg(&r, x64, ARCH_MAX_ARGS), 0);

	/* number, return value, ip */
	arch_set_nr(&r, x64, -1);
	memcpy(&u, &r.set, sizeof(u));
	ck_assert_uint_eq(u.orig_rax, UINT64_MAX);
	ck_assert_int_eq(arch_get_nr(&r, x64), -1);
	arch_set_nr(&r, x32, (int32_t)(ARCH_X32_SYSCALL_BIT | 39));
	memcpy(&u, &r.set, sizeof(u));
	ck_assert_uint_eq(u.orig_rax, 0x40000027);
	ck_assert_int_eq(arch_get_nr(&r, x32), 0x40000027);
	arch_set_return(&r, x64, -EACCES);
	memcpy(&u, &r.set, sizeof(u));
	ck_assert_uint_eq(u.rax, (uint64_t)-EACCES);
	ck_assert_int_eq(arch_get_return(&r, x64), -EACCES);
	arch_set_ip(&r, 0x7fff12345678ULL);
	memcpy(&u, &r.set, sizeof(u));
	ck_assert_uint_eq(u.rip, 0x7fff12345678ULL);
	ck_assert_uint_eq(arch_get_ip(&r), 0x7fff12345678ULL);

	/* rewind: ip back over the instruction, number in rax, orig -1 */
	arch_set_ip(&r, 0x401002);
	arch_set_nr(&r, x64, 39);
	arch_rewind_syscall(&r, x64, 60);
	memcpy(&u, &r.set, sizeof(u));
	ck_assert_uint_eq(u.rip, 0x401000);
	ck_assert_uint_eq(u.rax, 60);
	ck_assert_uint_eq(u.orig_rax, UINT64_MAX);

	/* rollback: rax gets the number, as for SECCOMP_RET_TRAP */
	arch_set_nr(&r, x64, NR64_GETPPID);
	arch_set_return(&r, x64, -ENOSYS);
	ck_assert_int_eq(arch_rollback_value(&r, x64), NR64_GETPPID);
	arch_rollback(&r, x64);
	ck_assert_int_eq(arch_get_return(&r, x64), NR64_GETPPID);
	ck_assert_int_eq(arch_get_nr(&r, x64), -1);

	ck_assert_int_eq(arch_restart_syscall_nr(x64), 219);
	ck_assert_int_eq(arch_restart_syscall_nr(x32),
			 (int32_t)(219 | ARCH_X32_SYSCALL_BIT));
	ck_assert_int_eq(arch_restart_syscall_nr(x86), 0);

	/* what an x86_64 host cannot run */
	ck_assert(!arch_regs_abi_ok(&r, abi("aarch64")));
	ck_assert(!arch_regs_abi_ok(&r, abi("arm")));
	ck_assert_uint_eq(arch_syscall_insn_len(abi("aarch64")), 0);
	ck_assert_int_eq(arch_restart_syscall_nr(abi("aarch64")), -1);
}
END_TEST

/* The i386 regset of a 32-bit process: 17 words (i386 <sys/user.h>). */
enum {
	EBX,
	ECX,
	EDX,
	ESI,
	EDI,
	EBP,
	EAX,
	ORIG_EAX = 11,
	EIP = 12
};

START_TEST(test_layout_32)
{
	static const unsigned int arg_word[ARCH_MAX_ARGS] = {
		EBX, ECX, EDX, ESI, EDI, EBP,
	};
	const struct arch_abi *x86 = abi("x86");
	struct arch_regs r;
	unsigned int i;
	uint64_t v;

	memset(&r, 0, sizeof(r));
	r.size = 17 * 4;
	ck_assert(arch_regs_abi_ok(&r, x86));
	ck_assert(!arch_regs_abi_ok(&r, abi("x86_64")));
	ck_assert(!arch_regs_abi_ok(&r, abi("x32")));

	for (i = 0; i < ARCH_MAX_ARGS; i++) {
		v = 0xdead000000000000ULL | (0x11111111U * (i + 1));
		arch_set_arg(&r, x86, i, v);
		ck_assert_uint_eq(r.set.u32[arg_word[i]], (uint32_t)v);
		ck_assert_uint_eq(arch_get_arg(&r, x86, i), (uint32_t)v);
	}
	arch_set_nr(&r, x86, -1);
	ck_assert_uint_eq(r.set.u32[ORIG_EAX], 0xffffffffU);
	ck_assert_int_eq(arch_get_nr(&r, x86), -1);
	arch_set_return(&r, x86, -EACCES);
	ck_assert_uint_eq(r.set.u32[EAX], (uint32_t)-EACCES);
	ck_assert_int_eq(arch_get_return(&r, x86), -EACCES);
	arch_set_ip(&r, 0x08049002);
	ck_assert_uint_eq(r.set.u32[EIP], 0x08049002);
	ck_assert_uint_eq(arch_get_ip(&r), 0x08049002);

	arch_rewind_syscall(&r, x86, 20);
	ck_assert_uint_eq(r.set.u32[EIP], 0x08049000);
	ck_assert_uint_eq(r.set.u32[EAX], 20);
	ck_assert_uint_eq(r.set.u32[ORIG_EAX], 0xffffffffU);

	arch_set_nr(&r, x86, NR32_GETPPID);
	ck_assert_int_eq(arch_rollback_value(&r, x86), NR32_GETPPID);
	arch_rollback(&r, x86);
	ck_assert_uint_eq(r.set.u32[EAX], NR32_GETPPID);
	ck_assert_int_eq(arch_get_nr(&r, x86), -1);
}
END_TEST

/* ---- accessors against the kernel ---- */

START_TEST(test_regs_kernel)
{
	const struct probe_regs *in = &tracee_sh->in;
	struct __ptrace_syscall_info info;
	uint64_t want_args[ARCH_MAX_ARGS];
	const struct arch_abi *a;
	struct arch_regs r, t, t2;
	unsigned int i;
	pid_t pid, tid;
	int status;

	tracee_fill_in(TRACEE_SYSCALL);
	want_args[0] = in->rdi;
	want_args[1] = in->rsi;
	want_args[2] = in->rdx;
	want_args[3] = in->r10;
	want_args[4] = in->r8;
	want_args[5] = in->r9;
	pid = tracee_start(TRACEE_SYSCALL);
	tid = tracee_wait_seccomp();
	ck_assert_int_eq(tid, pid);
	info = syscall_info(tid);
	ck_assert_uint_eq(info.op, PTRACE_SYSCALL_INFO_SECCOMP);
	a = arch_abi_by_audit(info.arch, (int32_t)info.seccomp.nr);
	ck_assert_ptr_eq(a, abi("x86_64"));

	ck_assert_int_eq(arch_regs_fetch(tid, &r), 0);
	ck_assert_uint_eq(r.size, sizeof(struct user_regs_struct));
	ck_assert(arch_regs_abi_ok(&r, a));
	ck_assert_int_eq(arch_get_nr(&r, a), NR64_GETPPID);
	ck_assert_int_eq(arch_get_nr(&r, a), (int32_t)info.seccomp.nr);
	for (i = 0; i < ARCH_MAX_ARGS; i++) {
		ck_assert_uint_eq(arch_get_arg(&r, a, i), info.seccomp.args[i]);
		ck_assert_uint_eq(arch_get_arg(&r, a, i), want_args[i]);
	}
	ck_assert_uint_eq(arch_get_ip(&r), info.instruction_pointer);
	ck_assert_uint_eq(arch_get_ip(&r), (uintptr_t)probe_syscall_after);
	/* the entry code loads -ENOSYS before seccomp runs */
	ck_assert_int_eq(arch_get_return(&r, a), -ENOSYS);

	/* what we write is what the kernel then reports for the call */
	t = r;
	arch_set_nr(&t, a, SYS_getpid);
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		arch_set_arg(&t, a, i, 0x1000 + i);
	ck_assert_int_eq(arch_regs_store(tid, &t), 0);
	info = syscall_info(tid);
	ck_assert_uint_eq(info.seccomp.nr, SYS_getpid);
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		ck_assert_uint_eq(info.seccomp.args[i], 0x1000 + i);
	ck_assert_int_eq(arch_regs_fetch(tid, &t2), 0);
	ck_assert_uint_eq(t2.size, t.size);
	ck_assert_int_eq(memcmp(&t2.set, &t.set, t.size), 0);

	/* the plain deny: number -1 and the return value in one write */
	t = r;
	arch_set_nr(&t, a, -1);
	arch_set_return(&t, a, -EACCES);
	ck_assert_int_eq(arch_regs_store(tid, &t), 0);
	ck_assert_int_eq(ptrace(PTRACE_CONT, tid, 0, 0), 0);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tracee_check_regs(TRACEE_SYSCALL, (uint64_t)-EACCES);
}
END_TEST

/* The kernel's RET_TRAP rollback, and ours, leave the same rax. */
START_TEST(test_rollback_kernel)
{
	const struct arch_abi *a = abi("x86_64");
	struct arch_regs r;
	uint64_t kernel_rax;
	int status;
	pid_t tid;

	tracee_fill_in(TRACEE_SYSCALL);
	tracee_start(TRACEE_TRAP);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(tracee_sh->sys_calls, 1);
	kernel_rax = tracee_sh->out.rax;
	ck_assert_uint_eq(kernel_rax, NR64_GETPPID);

	tracee_fill_in(TRACEE_SYSCALL);
	tracee_sh->sys_calls = 0;
	tracee_start(TRACEE_SYSCALL);
	tid = tracee_wait_seccomp();
	ck_assert_int_eq(arch_regs_fetch(tid, &r), 0);
	ck_assert_uint_eq(arch_rollback_value(&r, a), kernel_rax);
	arch_rollback(&r, a);
	ck_assert_int_eq(arch_regs_store(tid, &r), 0);
	ck_assert_int_eq(ptrace(PTRACE_CONT, tid, 0, 0), 0);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(tracee_sh->sys_calls, 0);
	tracee_check_regs(TRACEE_SYSCALL, kernel_rax);
}
END_TEST

/* ---- injection at a seccomp stop ---- */

/*
 * A run of calls through the x86_64 ABI: the filter's verdicts on them,
 * ids, a scratch page, a write through it, and fds.
 */
static void
inject_calls(struct tracer_inject *inj, pid_t pid)
{
	static const char msg[] = "written by an injected call\n";
	char buf[sizeof(msg)];
	struct iovec local = { (void *)msg, sizeof(msg) }, remote;
	int64_t addr, fd;
	int w = tracee_sh->pipe_w;

	/* in place: the kernel re-runs the filter on the new number */
	ck_assert_int_eq(CALL(inj, SYS_getuid, 0), -EACCES);
	ck_assert_int_eq(CALL(inj, SYS_getpid, 0), pid);
	ck_assert_int_eq(CALL(inj, SYS_gettid, 0), pid);
	/* re-executed: the filter judges it again */
	ck_assert_int_eq(CALL(inj, SYS_getuid, 0), -EACCES);
	/* the filter says TRACE: a seccomp stop on the way, let through */
	ck_assert_int_eq(CALL(inj, SYS_getppid, 0), getpid());

	addr = CALL(inj, SYS_mmap, 0, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0);
	ck_assert_msg(addr > 0 && addr % 4096 == 0, "mmap gave %lld",
		      (long long)addr);
	remote.iov_base = (void *)(uintptr_t)addr;
	remote.iov_len = sizeof(msg);
	ck_assert_int_eq(process_vm_writev(pid, &local, 1, &remote, 1, 0),
			 sizeof(msg));
	ck_assert_int_eq(CALL(inj, SYS_write, w, addr, sizeof(msg)),
			 sizeof(msg));
	ck_assert_int_eq(read(tracee_sh->pipe_r, buf, sizeof(buf)),
			 sizeof(msg));
	ck_assert_int_eq(memcmp(buf, msg, sizeof(msg)), 0);

	fd = CALL(inj, SYS_dup, w);
	ck_assert_int_gt(fd, 2);
	ck_assert_int_eq(CALL(inj, SYS_close, fd), 0);
	ck_assert_int_eq(CALL(inj, SYS_close, fd), -EBADF);
	ck_assert_int_eq(CALL(inj, SYS_munmap, addr, 4096), 0);

	ck_assert_uint_eq(inj->n_calls, 11);
	ck_assert_uint_eq(inj->n_signals, 0);
	ck_assert_int_eq(inj->stop_signal, 0);
	ck_assert(!inj->interrupted);
}

/* After a restart, the re-issued call is the original one. */
static void
check_reissued(pid_t tid)
{
	const struct probe_regs *in = &tracee_sh->in;
	struct __ptrace_syscall_info info = syscall_info(tid);

	ck_assert_uint_eq(info.op, PTRACE_SYSCALL_INFO_SECCOMP);
	ck_assert_uint_eq(info.arch, AUDIT_ARCH_X86_64);
	ck_assert_uint_eq(info.seccomp.nr, NR64_GETPPID);
	ck_assert_uint_eq(info.instruction_pointer,
			  (uintptr_t)probe_syscall_after);
	ck_assert_uint_eq(info.seccomp.args[0], in->rdi);
	ck_assert_uint_eq(info.seccomp.args[1], in->rsi);
	ck_assert_uint_eq(info.seccomp.args[2], in->rdx);
	ck_assert_uint_eq(info.seccomp.args[3], in->r10);
	ck_assert_uint_eq(info.seccomp.args[4], in->r8);
	ck_assert_uint_eq(info.seccomp.args[5], in->r9);
}

static const struct {
	const char *name;
	bool inject;
	bool restart;
} endings[] = {
	{ "skip after calls", true, false },
	{ "skip only", false, false },
	{ "restart after calls", true, true },
	{ "restart only", false, true },
};

START_TEST(test_inject_seccomp)
{
	struct tracer_inject inj;
	bool restart = endings[_i].restart;
	pid_t pid, tid;
	int status;

	tracee_fill_in(TRACEE_SYSCALL);
	pid = tracee_start(TRACEE_SYSCALL);
	tid = tracee_wait_seccomp();
	ck_assert_int_eq(tid, pid);
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	ck_assert_ptr_eq(inj.abi, abi("x86_64"));
	ck_assert_int_eq(inj.begin_op, PTRACE_SYSCALL_INFO_SECCOMP);
	ck_assert_int_eq(inj.state, TRACER_INJECT_AT_CALL);
	if (endings[_i].inject)
		inject_calls(&inj, pid);
	if (!restart) {
		ck_assert_int_eq(
		    tracer_inject_end_skip(&inj, 4242, TRACER_RESUME_CONT), 0);
	} else {
		ck_assert_int_eq(
		    tracer_inject_end_restart(&inj, TRACER_RESUME_CONT), 0);
		if (endings[_i].inject) {
			/* issued anew, so the filter stops it again */
			tid = tracee_wait_seccomp();
			ck_assert_int_eq(tid, pid);
			check_reissued(tid);
			ck_assert_int_eq(ptrace(PTRACE_CONT, tid, 0, 0), 0);
		}
	}
	ck_assert_int_eq(inj.state, TRACER_INJECT_IDLE);
	status = tracee_finish();
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "%s: status 0x%x", endings[_i].name, status);
	tracee_check_regs(TRACEE_SYSCALL, restart ? (uint64_t)getpid() : 4242);
}
END_TEST

/*
 * The first call, put in place at the seccomp stop, is one the filter
 * sends to the tracer: the kernel's re-check after the stop lets it run.
 */
START_TEST(test_inject_traced_first)
{
	struct tracer_inject inj;
	pid_t pid, tid;
	int status;

	tracee_fill_in(TRACEE_SYSCALL);
	pid = tracee_start(TRACEE_SYSCALL);
	tid = tracee_wait_seccomp();
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	ck_assert_int_eq(CALL(&inj, NR64_GETPPID, 0), getpid());
	ck_assert_int_eq(CALL(&inj, SYS_getpid, 0), pid);
	ck_assert_uint_eq(inj.n_calls, 2);
	ck_assert_int_eq(tracer_inject_end_skip(&inj, 4242, TRACER_RESUME_CONT),
			 0);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tracee_check_regs(TRACEE_SYSCALL, 4242);
}
END_TEST

/* ---- injection at a syscall-entry stop (no filter, PTRACE_SYSCALL) ---- */

START_TEST(test_inject_entry)
{
	struct __ptrace_syscall_info info;
	struct tracer_inject inj;
	bool inject = endings[_i].inject, restart = endings[_i].restart;
	pid_t pid, tid;
	int status;

	tracee_fill_in(TRACEE_PLAIN);
	pid = tracee_start(TRACEE_PLAIN);
	tid = tracee_wait_entry(NR64_GETPPID);
	ck_assert_int_eq(tid, pid);
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	ck_assert_int_eq(inj.begin_op, PTRACE_SYSCALL_INFO_ENTRY);
	if (inject) {
		ck_assert_int_eq(CALL(&inj, SYS_getpid, 0), pid);
		ck_assert_int_eq(CALL(&inj, SYS_gettid, 0), pid);
	}
	if (!restart)
		ck_assert_int_eq(
		    tracer_inject_end_skip(&inj, 77, TRACER_RESUME_SYSCALL), 0);
	else
		ck_assert_int_eq(
		    tracer_inject_end_restart(&inj, TRACER_RESUME_SYSCALL), 0);
	status = tracee_wait_tid(pid);
	ck_assert_int_eq(WSTOPSIG(status), SIGTRAP | 0x80);
	info = syscall_info(pid);
	if (inject && !restart) {
		/*
		 * The last injected call's exit stop was the call's last: this
		 * is the entry of the child's next call (exit_group, or what a
		 * sanitizer runtime does first).
		 */
		ck_assert_uint_eq(info.op, PTRACE_SYSCALL_INFO_ENTRY);
		ck_assert_uint_ne(info.entry.nr, NR64_GETPPID);
	} else {
		if (inject) {
			/* the re-issued call's entry stop */
			ck_assert_uint_eq(info.op, PTRACE_SYSCALL_INFO_ENTRY);
			ck_assert_uint_eq(info.entry.nr, NR64_GETPPID);
			ck_assert_int_eq(ptrace(PTRACE_SYSCALL, pid, 0, 0), 0);
			status = tracee_wait_tid(pid);
			ck_assert_int_eq(WSTOPSIG(status), SIGTRAP | 0x80);
			info = syscall_info(pid);
		}
		ck_assert_uint_eq(info.op, PTRACE_SYSCALL_INFO_EXIT);
		ck_assert_int_eq(info.exit.rval, restart ? getpid() : 77);
	}
	ck_assert_int_eq(ptrace(PTRACE_CONT, pid, 0, 0), 0);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tracee_check_regs(TRACEE_PLAIN, restart ? (uint64_t)getpid() : 77);
}
END_TEST

/* ---- the thread dies during an injection ---- */

static void
kill_tracee(void *arg)
{
	kill((pid_t)(intptr_t)arg, SIGKILL);
}

START_TEST(test_kill_stopped)
{
	struct tracer_inject inj;
	uint64_t args[ARCH_MAX_ARGS] = { 0 };
	int64_t v = 12345;
	pid_t pid, tid;

	tracee_fill_in(TRACEE_SYSCALL);
	pid = tracee_start(TRACEE_SYSCALL);
	tid = tracee_wait_seccomp();
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(tracer_inject_call(&inj, SYS_getpid, args, &v),
			 -ESRCH);
	ck_assert_int_eq(v, 12345);
	ck_assert_int_eq(inj.state, TRACER_INJECT_DEAD);
	ck_assert(inj.have_status);
	ck_assert(WIFSIGNALED(inj.wait_status) &&
		  WTERMSIG(inj.wait_status) == SIGKILL);
	tracee_pid = 0; /* reaped by the injection */
	ck_assert_int_eq(tracer_inject_call(&inj, SYS_getpid, args, &v),
			 -EINVAL);
	ck_assert_int_eq(tracer_inject_end_skip(&inj, 0, TRACER_RESUME_CONT),
			 -EINVAL);
	ck_assert_int_eq(tracer_inject_end_restart(&inj, TRACER_RESUME_CONT),
			 -EINVAL);
}
END_TEST

START_TEST(test_kill_blocked)
{
	struct tracer_inject inj;
	uint64_t args[ARCH_MAX_ARGS] = {
		(uint64_t)tracee_sh->pipe_r,
		(uintptr_t)tracee_sh->scratch,
		1,
	};
	int64_t v;
	pid_t pid, tid;
	int status;

	tracee_fill_in(TRACEE_SYSCALL);
	pid = tracee_start(TRACEE_THREAD);
	tid = tracee_wait_seccomp();
	ck_assert_int_ne(tid, pid);
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	tracee_after_ms(100, kill_tracee, (void *)(intptr_t)pid);
	/* an empty pipe: the read blocks until the kill */
	ck_assert_int_eq(tracer_inject_call(&inj, SYS_read, args, &v), -ESRCH);
	ck_assert_int_eq(inj.state, TRACER_INJECT_DEAD);
	ck_assert(inj.have_status);
	ck_assert_msg(WIFSIGNALED(inj.wait_status) &&
			  WTERMSIG(inj.wait_status) == SIGKILL,
		      "thread status 0x%x", inj.wait_status);
	status = tracee_finish();
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}
END_TEST

START_TEST(test_exit_group_blocked)
{
	struct tracer_inject inj;
	uint64_t args[ARCH_MAX_ARGS] = {
		(uint64_t)tracee_sh->pipe_r,
		(uintptr_t)tracee_sh->scratch,
		1,
	};
	int64_t v;
	pid_t pid, tid;
	int status;

	tracee_fill_in(TRACEE_SYSCALL);
	pid = tracee_start(TRACEE_THREAD_EXIT);
	tid = tracee_wait_seccomp();
	ck_assert_int_ne(tid, pid);
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	tracee_sh->go = 1;
	ck_assert_int_eq(tracer_inject_call(&inj, SYS_read, args, &v), -ESRCH);
	ck_assert_int_eq(inj.state, TRACER_INJECT_DEAD);
	ck_assert(inj.have_status);
	ck_assert_msg(WIFEXITED(inj.wait_status) &&
			  WEXITSTATUS(inj.wait_status) == 7,
		      "thread status 0x%x", inj.wait_status);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 7);
}
END_TEST

/* ---- signals during an injection ---- */

static void
queue_usr1(void *arg)
{
	union sigval val = { .sival_int = 4242 };

	sigqueue((pid_t)(intptr_t)arg, SIGUSR1, val);
}

static void
send_stop(void *arg)
{
	kill((pid_t)(intptr_t)arg, SIGSTOP);
}

static void
feed_pipe(void *arg)
{
	ck_assert_int_eq(write(tracee_sh->pipe_w, "x", 1), 1);
}

/*
 * A signal interrupts a blocked injected read: the read is restarted and
 * completes, and the signal is held and reported with its siginfo.  With
 * SIGUSR1 the test then delivers it again with that siginfo, as the
 * supervisor would, and the child's handler sees it once.
 */
START_TEST(test_signal_held)
{
	bool usr1 = _i == 0;
	struct tracer_inject inj;
	const siginfo_t *si;
	pid_t pid, tid;
	int status;

	tracee_fill_in(TRACEE_SYSCALL);
	pid = tracee_start(TRACEE_SYSCALL);
	tid = tracee_wait_seccomp();
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	tracee_after_ms(100, usr1 ? queue_usr1 : send_stop,
			(void *)(intptr_t)pid);
	tracee_after_ms(300, feed_pipe, NULL);
	ck_assert_int_eq(CALL(&inj, SYS_read, tracee_sh->pipe_r,
			      (uintptr_t)tracee_sh->scratch, 1),
			 1);
	ck_assert_int_eq(tracee_sh->scratch[0], 'x');
	ck_assert_uint_eq(inj.n_signals, 1);
	si = &inj.signals[0];
	ck_assert_int_eq(si->si_signo, usr1 ? SIGUSR1 : SIGSTOP);
	ck_assert_int_eq(si->si_pid, getpid());
	ck_assert_int_eq(inj.stop_signal, 0);
	ck_assert_int_eq(tracee_sh->usr1_calls, 0);

	if (!usr1) {
		ck_assert_int_eq(
		    tracer_inject_end_skip(&inj, 4242, TRACER_RESUME_CONT), 0);
		status = tracee_finish();
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		tracee_check_regs(TRACEE_SYSCALL, 4242);
		return;
	}

	ck_assert_int_eq(si->si_code, SI_QUEUE);
	ck_assert_int_eq(si->si_value.sival_int, 4242);
	ck_assert_int_eq(tracer_inject_end_skip(&inj, 4242, TRACER_RESUME_NONE),
			 0);
	/* deliver it again: a signal of ours, then its siginfo swapped in */
	ck_assert_int_eq(syscall(SYS_tgkill, pid, tid, SIGUSR1), 0);
	ck_assert_int_eq(ptrace(PTRACE_CONT, tid, 0, 0), 0);
	status = tracee_wait_tid(tid);
	ck_assert_msg(WIFSTOPPED(status) && WSTOPSIG(status) == SIGUSR1 &&
			  status >> 16 == 0,
		      "status 0x%x", status);
	ck_assert_int_eq(ptrace(PTRACE_SETSIGINFO, tid, 0, si), 0);
	ck_assert_int_eq(ptrace(PTRACE_CONT, tid, 0, SIGUSR1), 0);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(tracee_sh->usr1_calls, 1);
	ck_assert_int_eq(tracee_sh->usr1_code, SI_QUEUE);
	ck_assert_int_eq(tracee_sh->usr1_value, 4242);
	ck_assert_int_eq(tracee_sh->usr1_pid, getpid());
	tracee_check_regs(TRACEE_SYSCALL, 4242);
}
END_TEST

/*
 * nanosleep interrupted: -ERESTART_RESTARTBLOCK, continued with
 * restart_syscall as the kernel would, so it sleeps only what was left.
 */
START_TEST(test_restart_block)
{
	struct timespec *ts = (struct timespec *)tracee_sh->scratch;
	struct tracer_inject inj;
	double t0, elapsed;
	pid_t pid, tid;
	int status;

	ts->tv_sec = 1;
	ts->tv_nsec = 0;
	tracee_fill_in(TRACEE_SYSCALL);
	pid = tracee_start(TRACEE_SYSCALL);
	tid = tracee_wait_seccomp();
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	tracee_after_ms(500, queue_usr1, (void *)(intptr_t)pid);
	t0 = now();
	ck_assert_int_eq(CALL(&inj, SYS_nanosleep, (uintptr_t)ts, 0), 0);
	elapsed = now() - t0;
	ck_assert_msg(elapsed > 0.95 && elapsed < 1.4, "slept %.3f s", elapsed);
	ck_assert_uint_eq(inj.n_signals, 1);
	ck_assert_uint_eq(inj.n_calls, 1);
	ck_assert_int_eq(tracer_inject_end_skip(&inj, 4242, TRACER_RESUME_CONT),
			 0);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tracee_check_regs(TRACEE_SYSCALL, 4242);
}
END_TEST

/* ---- misuse ---- */

START_TEST(test_misuse)
{
	struct tracer_inject inj;
	uint64_t args[ARCH_MAX_ARGS] = { 0 };
	int64_t v;
	pid_t pid, tid;
	int status, sig;

	/* not a tracee of ours */
	ck_assert_int_eq(tracer_inject_begin(getpid(), &inj), -ESRCH);

	tracee_fill_in(TRACEE_SYSCALL);
	pid = tracee_start(TRACEE_SYSCALL);
	/* the first stop after the seize is no syscall stop */
	status = tracee_wait_tid(pid);
	ck_assert(WIFSTOPPED(status));
	ck_assert_int_eq(tracer_inject_begin(pid, &inj), -EINVAL);
	sig = status >> 16 ? 0 : WSTOPSIG(status);
	ck_assert_int_eq(ptrace(PTRACE_CONT, pid, 0, sig), 0);

	tid = tracee_wait_seccomp();
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	ck_assert_int_eq(tracer_inject_end_skip(&inj, 4242, TRACER_RESUME_CONT),
			 0);
	ck_assert_int_eq(tracer_inject_call(&inj, SYS_getpid, args, &v),
			 -EINVAL);
	ck_assert_int_eq(tracer_inject_end_skip(&inj, 0, TRACER_RESUME_CONT),
			 -EINVAL);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tracee_check_regs(TRACEE_SYSCALL, 4242);
}
END_TEST

static TCase *
tcase(Suite *s, const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_checked_fixture(tc, tracee_setup, tracee_teardown);
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
inject_suite(void)
{
	Suite *s = suite_create("inject");
	TCase *tc;

	tc = tcase(s, "accessors");
	tcase_add_test(tc, test_layout_64);
	tcase_add_test(tc, test_layout_32);
	tcase_add_test(tc, test_regs_kernel);
	tcase_add_test(tc, test_rollback_kernel);

	tc = tcase(s, "seccomp stop");
	tcase_add_loop_test(tc, test_inject_seccomp, 0,
			    sizeof(endings) / sizeof(endings[0]));
	tcase_add_test(tc, test_inject_traced_first);

	tc = tcase(s, "entry stop");
	tcase_add_loop_test(tc, test_inject_entry, 0,
			    sizeof(endings) / sizeof(endings[0]));

	tc = tcase(s, "death");
	tcase_add_test(tc, test_kill_stopped);
	tcase_add_test(tc, test_kill_blocked);
	tcase_add_test(tc, test_exit_group_blocked);

	tc = tcase(s, "signals");
	tcase_add_loop_test(tc, test_signal_held, 0, 2);
	tcase_add_test(tc, test_restart_block);

	tc = tcase(s, "misuse");
	tcase_add_test(tc, test_misuse);
	return s;
}

int
main(void)
{
	char why[256];
	SRunner *sr;
	int r, failed;

	r = tracee_probe(why, sizeof(why));
	if (r != 0) {
		fprintf(stderr, "check_inject: %s: %s\n",
			r < 0 ? "cannot probe" : "skipped", why);
		return r < 0 ? 99 : 77;
	}
	sr = srunner_create(inject_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
