/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Register access on aarch64 hosts, for the aarch64 ABI.
 *
 * The number the kernel runs is regs->syscallno, reachable only through
 * the NT_ARM_SYSTEM_CALL regset; x8 is what the svc instruction passed and
 * writing it changes nothing for the call under way.  x0 is both the first
 * argument and the return value, and the kernel keeps a private copy of
 * the first argument (orig_x0) for restarts and syscall_rollback(), which
 * ptrace cannot reach.  In syscall-entry and syscall-exit stops (not in
 * seccomp stops) the kernel shows 0 or 1 in x7 to say which stop it is,
 * and discards a tracer's write to x7 (arch/arm64/kernel/ptrace.c:
 * report_syscall()).
 *
 * AArch32 tasks (the "arm" ABI) have a different regset and Thumb's 2-byte
 * svc; they are not handled yet, and arch_regs_abi_ok() says so.
 */
#include "arch/arch.h"

#include <elf.h>
#include <errno.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include <linux/audit.h>

#ifndef NT_ARM_SYSTEM_CALL
#define NT_ARM_SYSTEM_CALL 0x404
#endif

/* include/uapi/asm-generic/unistd.h */
#define NR_RESTART_SYSCALL 128

/* struct user_pt_regs: x0..x30, sp, pc, pstate */
#define REG_X0	  0
#define REG_X8	  8
#define REG_SP	  31
#define REG_PC	  32
#define REGS_SIZE sizeof(struct user_regs_struct)

_Static_assert(REGS_SIZE <= sizeof(((struct arch_regs *)0)->set),
	       "struct arch_regs too small for user_pt_regs");

int
arch_regs_fetch(pid_t tid, struct arch_regs *ret)
{
	struct arch_regs r = { 0 };
	struct iovec iov = { &r.set, sizeof(r.set) };
	int sysno = -1;
	struct iovec iov_nr = { &sysno, sizeof(sysno) };

	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	/* an AArch32 task's 72-byte regset is kept, for arch_regs_abi_ok() */
	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_ARM_SYSTEM_CALL, &iov_nr) <
	    0)
		return -errno;
	r.size = iov.iov_len;
	r.sysno = sysno;
	*ret = r;
	return 0;
}

int
arch_regs_store(pid_t tid, const struct arch_regs *regs)
{
	struct iovec iov = { (void *)&regs->set, regs->size };
	int sysno = regs->sysno;
	struct iovec iov_nr = { &sysno, sizeof(sysno) };

	if (regs->size != REGS_SIZE)
		return -EINVAL;
	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_ARM_SYSTEM_CALL, &iov_nr) <
	    0)
		return -errno;
	return 0;
}

bool
arch_regs_abi_ok(const struct arch_regs *regs, const struct arch_abi *abi)
{
	return abi->audit_arch == AUDIT_ARCH_AARCH64 && regs->size == REGS_SIZE;
}

int32_t
arch_get_nr(const struct arch_regs *regs, const struct arch_abi *abi)
{
	return regs->sysno;
}

void
arch_set_nr(struct arch_regs *regs, const struct arch_abi *abi, int32_t nr)
{
	regs->sysno = nr;
}

uint64_t
arch_get_arg(const struct arch_regs *regs, const struct arch_abi *abi,
	     unsigned int i)
{
	if (i >= ARCH_MAX_ARGS)
		return 0;
	return regs->set.u64[REG_X0 + i];
}

void
arch_set_arg(struct arch_regs *regs, const struct arch_abi *abi, unsigned int i,
	     uint64_t val)
{
	if (i >= ARCH_MAX_ARGS)
		return;
	regs->set.u64[REG_X0 + i] = val;
}

int64_t
arch_get_return(const struct arch_regs *regs, const struct arch_abi *abi)
{
	return (int64_t)regs->set.u64[REG_X0];
}

void
arch_set_return(struct arch_regs *regs, const struct arch_abi *abi, int64_t val)
{
	regs->set.u64[REG_X0] = (uint64_t)val;
}

uint64_t
arch_get_ip(const struct arch_regs *regs)
{
	return regs->set.u64[REG_PC];
}

void
arch_set_ip(struct arch_regs *regs, uint64_t ip)
{
	regs->set.u64[REG_PC] = ip;
}

uint64_t
arch_get_sp(const struct arch_regs *regs)
{
	return regs->set.u64[REG_SP];
}

uint64_t
arch_vsyscall_page(void)
{
	return 0;
}

const unsigned char *
arch_syscall_insn(size_t *ret_len)
{
	/* svc #0 */
	static const unsigned char insn[] = { 0x01, 0x00, 0x00, 0xd4 };

	*ret_len = sizeof(insn);
	return insn;
}

unsigned int
arch_syscall_insn_len(const struct arch_abi *abi)
{
	return abi->audit_arch == AUDIT_ARCH_AARCH64 ? 4 : 0;
}

void
arch_rewind_syscall(struct arch_regs *regs, const struct arch_abi *abi,
		    int32_t nr)
{
	regs->set.u64[REG_PC] -= arch_syscall_insn_len(abi);
	regs->set.u64[REG_X8] = (uint64_t)(int64_t)nr;
	/*
	 * NO_SYSCALL: arch/arm64/kernel/signal.c: do_signal() then leaves x0
	 * and pc alone even if x0 happens to look like -ERESTART*.
	 */
	regs->sysno = -1;
}

int32_t
arch_restart_syscall_nr(const struct arch_abi *abi)
{
	return abi->audit_arch == AUDIT_ARCH_AARCH64 ? NR_RESTART_SYSCALL : -1;
}

int64_t
arch_rollback_value(const struct arch_regs *regs, const struct arch_abi *abi)
{
	/*
	 * mirrors arch/arm64/include/asm/syscall.h: syscall_rollback(), which
	 * restores orig_x0; x0 still equals it in an entry or seccomp stop.
	 */
	return (int64_t)regs->set.u64[REG_X0];
}

void
arch_rollback(struct arch_regs *regs, const struct arch_abi *abi)
{
	arch_set_return(regs, abi, arch_rollback_value(regs, abi));
	arch_set_nr(regs, abi, -1);
}
