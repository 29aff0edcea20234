/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_inject_i386: register access and syscall injection through the
 * i386 ABI on an x86_64 host: int $0x80 from a 64-bit process (the i386
 * ABI in the 64-bit register layout) and, where tests/bin/probe-i386 was
 * built, a 32-bit process (the 32-bit layout).  Skips as a whole where the
 * kernel runs no 32-bit code (ia32 emulation off).
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
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>

#include <check.h>

#include "arch/arch.h"
#include "tracee.h"
#include "tracer/tracer.h"

#define TIMEOUT 30

/* arch/x86/entry/syscalls/syscall_32.tbl */
#define NR32_GETPID 20
#define NR32_DUP    41
#define NR32_MUNMAP 91
#define NR32_CLOSE  6
#define NR32_WRITE  4
#define NR32_MMAP2  192
#define NR32_GETTID 224

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

/* ids, the filter's TRACE, a scratch page below 4 GiB, a write, fds */
static void
inject_calls(struct tracer_inject *inj, pid_t pid)
{
	static const char msg[] = "written through int $0x80\n";
	char buf[sizeof(msg)];
	struct iovec local = { (void *)msg, sizeof(msg) }, remote;
	int64_t addr, fd;
	int w = tracee_sh->pipe_w;

	ck_assert_int_eq(CALL(inj, NR32_GETPID, 0), pid);
	ck_assert_int_eq(CALL(inj, NR32_GETTID, 0), pid);
	ck_assert_int_eq(CALL(inj, NR32_GETPPID, 0), getpid());
	addr = CALL(inj, NR32_MMAP2, 0, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, 0xffffffffU, 0);
	/* a 32-bit call gets a 32-bit address */
	ck_assert_msg(addr > 0 && addr < 0x100000000LL && addr % 4096 == 0,
		      "mmap2 gave %lld", (long long)addr);
	remote.iov_base = (void *)(uintptr_t)addr;
	remote.iov_len = sizeof(msg);
	ck_assert_int_eq(process_vm_writev(pid, &local, 1, &remote, 1, 0),
			 sizeof(msg));
	ck_assert_int_eq(CALL(inj, NR32_WRITE, w, addr, sizeof(msg)),
			 sizeof(msg));
	ck_assert_int_eq(read(tracee_sh->pipe_r, buf, sizeof(buf)),
			 sizeof(msg));
	ck_assert_int_eq(memcmp(buf, msg, sizeof(msg)), 0);
	fd = CALL(inj, NR32_DUP, w);
	ck_assert_int_gt(fd, 2);
	ck_assert_int_eq(CALL(inj, NR32_CLOSE, fd), 0);
	ck_assert_int_eq(CALL(inj, NR32_CLOSE, fd), -EBADF);
	ck_assert_int_eq(CALL(inj, NR32_MUNMAP, addr, 4096), 0);
	ck_assert_uint_eq(inj->n_calls, 9);
	ck_assert_uint_eq(inj->n_signals, 0);
}

/* The re-issued call is the original one, in every register seccomp sees. */
static void
check_reissued(pid_t tid, const struct __ptrace_syscall_info *orig)
{
	struct __ptrace_syscall_info info = syscall_info(tid);
	unsigned int i;

	ck_assert_uint_eq(info.op, PTRACE_SYSCALL_INFO_SECCOMP);
	ck_assert_uint_eq(info.arch, AUDIT_ARCH_I386);
	ck_assert_uint_eq(info.seccomp.nr, NR32_GETPPID);
	ck_assert_uint_eq(info.instruction_pointer, orig->instruction_pointer);
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		ck_assert_uint_eq(info.seccomp.args[i], orig->seccomp.args[i]);
}

/* ---- int $0x80 from a 64-bit process ---- */

START_TEST(test_int80_regs)
{
	const struct arch_abi *x86 = abi("x86");
	const struct probe_regs *in = &tracee_sh->in;
	struct __ptrace_syscall_info info;
	uint64_t low[ARCH_MAX_ARGS];
	struct arch_regs r, t;
	unsigned int i;
	pid_t tid;
	int status;

	tracee_fill_in(TRACEE_INT80);
	low[0] = (uint32_t)in->rbx;
	low[1] = (uint32_t)in->rcx;
	low[2] = (uint32_t)in->rdx;
	low[3] = (uint32_t)in->rsi;
	low[4] = (uint32_t)in->rdi;
	low[5] = (uint32_t)in->rbp;
	tracee_start(TRACEE_INT80);
	tid = tracee_wait_seccomp();
	info = syscall_info(tid);
	ck_assert_uint_eq(info.arch, AUDIT_ARCH_I386);
	ck_assert_ptr_eq(arch_abi_by_audit(info.arch, (int32_t)info.seccomp.nr),
			 x86);
	ck_assert_int_eq(arch_regs_fetch(tid, &r), 0);
	/* 64-bit code: the 64-bit layout, whatever the ABI */
	ck_assert_uint_eq(r.size, sizeof(struct user_regs_struct));
	ck_assert(arch_regs_abi_ok(&r, x86));
	ck_assert_int_eq(arch_get_nr(&r, x86), NR32_GETPPID);
	for (i = 0; i < ARCH_MAX_ARGS; i++) {
		ck_assert_uint_eq(arch_get_arg(&r, x86, i),
				  info.seccomp.args[i]);
		ck_assert_uint_eq((uint32_t)arch_get_arg(&r, x86, i), low[i]);
	}
	ck_assert_uint_eq(arch_get_ip(&r), info.instruction_pointer);
	ck_assert_uint_eq(arch_get_ip(&r), (uintptr_t)probe_int80_after);

	t = r;
	arch_set_nr(&t, x86, NR32_GETPID);
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		arch_set_arg(&t, x86, i, 0x2000 + i);
	ck_assert_int_eq(arch_regs_store(tid, &t), 0);
	info = syscall_info(tid);
	ck_assert_uint_eq(info.seccomp.nr, NR32_GETPID);
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		ck_assert_uint_eq(info.seccomp.args[i], 0x2000 + i);

	t = r;
	arch_set_nr(&t, x86, -1);
	arch_set_return(&t, x86, -EACCES);
	ck_assert_int_eq(arch_regs_store(tid, &t), 0);
	ck_assert_int_eq(ptrace(PTRACE_CONT, tid, 0, 0), 0);
	status = tracee_finish();
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tracee_check_regs(TRACEE_INT80, (uint64_t)-EACCES);
}
END_TEST

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

START_TEST(test_int80_inject)
{
	struct __ptrace_syscall_info orig;
	struct tracer_inject inj;
	bool restart = endings[_i].restart;
	pid_t pid, tid;
	int status;

	tracee_fill_in(TRACEE_INT80);
	pid = tracee_start(TRACEE_INT80);
	tid = tracee_wait_seccomp();
	orig = syscall_info(tid);
	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	ck_assert_ptr_eq(inj.abi, abi("x86"));
	if (endings[_i].inject)
		inject_calls(&inj, pid);
	if (!restart) {
		ck_assert_int_eq(
		    tracer_inject_end_skip(&inj, 4242, TRACER_RESUME_CONT), 0);
	} else {
		ck_assert_int_eq(
		    tracer_inject_end_restart(&inj, TRACER_RESUME_CONT), 0);
		if (endings[_i].inject) {
			tid = tracee_wait_seccomp();
			check_reissued(tid, &orig);
			ck_assert_int_eq(ptrace(PTRACE_CONT, tid, 0, 0), 0);
		}
	}
	status = tracee_finish();
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "%s: status 0x%x", endings[_i].name, status);
	tracee_check_regs(TRACEE_INT80, restart ? (uint64_t)getpid() : 4242);
}
END_TEST

/* ---- a 32-bit process ---- */

#ifdef SBX_PROBE_I386
static const char *
probe_path(void)
{
	const char *p = getenv("SBX_PROBE_I386");

	return p && *p ? p : SBX_PROBE_I386;
}

/*
 * probe-i386 stops at its getppid: through int $0x80 with known registers
 * (it checks them itself), or through libc, which enters by the vDSO.
 */
START_TEST(test_process_i386)
{
	static const unsigned char int80[2] = { 0xcd, 0x80 };
	bool libc = _i == 1, restart = _i == 1;
	const struct arch_abi *x86 = abi("x86");
	struct __ptrace_syscall_info orig;
	struct tracer_inject inj;
	unsigned char code[2];
	struct iovec local = { code, 2 }, remote;
	unsigned int i;
	pid_t pid, tid;
	int status;

	ck_assert_msg(access(probe_path(), X_OK) == 0,
		      "%s: %s (set SBX_PROBE_I386 to its path)", probe_path(),
		      strerror(errno));
	snprintf(tracee_sh->exec_path, sizeof(tracee_sh->exec_path), "%s",
		 probe_path());
	snprintf(tracee_sh->exec_args[0], sizeof(tracee_sh->exec_args[0]), "%s",
		 libc ? "libc" : "int80");
	snprintf(tracee_sh->exec_args[1], sizeof(tracee_sh->exec_args[1]), "%d",
		 restart ? (int)getpid() : 4242);
	pid = tracee_start(TRACEE_EXEC_I386);
	tid = tracee_wait_seccomp();
	ck_assert_int_eq(tid, pid);
	orig = syscall_info(tid);
	ck_assert_uint_eq(orig.arch, AUDIT_ARCH_I386);
	ck_assert_uint_eq(orig.seccomp.nr, NR32_GETPPID);

	ck_assert_int_eq(tracer_inject_begin(tid, &inj), 0);
	ck_assert_ptr_eq(inj.abi, x86);
	/* 32-bit code: the 68-byte i386 layout */
	ck_assert_uint_eq(inj.saved.size, 68);
	ck_assert(!arch_regs_abi_ok(&inj.saved, abi("x86_64")));
	ck_assert_int_eq(arch_get_nr(&inj.saved, x86), NR32_GETPPID);
	ck_assert_uint_eq(arch_get_ip(&inj.saved), orig.instruction_pointer);
	for (i = 0; i < ARCH_MAX_ARGS; i++)
		ck_assert_uint_eq(arch_get_arg(&inj.saved, x86, i),
				  (uint32_t)orig.seccomp.args[i]);
	if (!libc) {
		for (i = 0; i < ARCH_MAX_ARGS; i++)
			ck_assert_uint_eq(arch_get_arg(&inj.saved, x86, i),
					  0x11111111U * (i + 1));
	}
	/* syscall, sysenter or int $0x80: the ip is after an int $0x80 */
	remote.iov_base = (void *)(uintptr_t)(orig.instruction_pointer - 2);
	remote.iov_len = 2;
	ck_assert_int_eq(process_vm_readv(pid, &local, 1, &remote, 1, 0), 2);
	ck_assert_int_eq(memcmp(code, int80, 2), 0);

	inject_calls(&inj, pid);
	if (!restart) {
		ck_assert_int_eq(
		    tracer_inject_end_skip(&inj, 4242, TRACER_RESUME_CONT), 0);
	} else {
		ck_assert_int_eq(
		    tracer_inject_end_restart(&inj, TRACER_RESUME_CONT), 0);
		tid = tracee_wait_seccomp();
		check_reissued(tid, &orig);
		ck_assert_int_eq(ptrace(PTRACE_CONT, tid, 0, 0), 0);
	}
	status = tracee_finish();
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "probe-i386 %s: status 0x%x", tracee_sh->exec_args[0],
		      status);
}
END_TEST
#endif

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
inject_i386_suite(void)
{
	Suite *s = suite_create("inject_i386");
	TCase *tc;

	tc = tcase(s, "int80");
	tcase_add_test(tc, test_int80_regs);
	tcase_add_loop_test(tc, test_int80_inject, 0,
			    sizeof(endings) / sizeof(endings[0]));
#ifdef SBX_PROBE_I386
	tc = tcase(s, "i386 process");
	tcase_add_loop_test(tc, test_process_i386, 0, 2);
#endif
	return s;
}

/* Whether int $0x80 works here: a getpid through it, in a child. */
static int
int80_probe(char *why, size_t size)
{
	struct probe_regs in, out;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		memset(&in, 0, sizeof(in));
		in.rax = NR32_GETPID;
		_exit(probe_int80(&in, &out) == (uint64_t)getpid() ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid) {
		snprintf(why, size, "waitpid: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	snprintf(
	    why, size,
	    "int $0x80 does not work here (%s %d): the kernel runs no 32-bit code (ia32 emulation off)",
	    WIFSIGNALED(status) ? "signal" : "exit",
	    WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return 1;
}

int
main(void)
{
	char why[256];
	SRunner *sr;
	int r, failed;

	r = tracee_probe(why, sizeof(why));
	if (r == 0)
		r = int80_probe(why, sizeof(why));
	if (r != 0) {
		fprintf(stderr, "check_inject_i386: %s: %s\n",
			r < 0 ? "cannot probe" : "skipped", why);
		return r < 0 ? 99 : 77;
	}
#ifndef SBX_PROBE_I386
	fprintf(
	    stderr,
	    "check_inject_i386: tests/bin/probe-i386 was not built (no i686-linux-gnu-gcc): 32-bit process cases not run\n");
#endif
	sr = srunner_create(inject_i386_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
