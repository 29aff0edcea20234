/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Register access on x86_64 hosts, for the x86_64, x32 and i386 ABIs.
 *
 * PTRACE_GETREGSET uses the tracee's regset view, which the kernel picks
 * by the thread's current mode (arch/x86/kernel/ptrace.c:
 * task_user_regset_view(), user_64bit_mode()): 64-bit code gets struct
 * user_regs_struct even for an int $0x80 call, and a 32-bit process gets
 * the 68-byte i386 layout.  So the layout comes from the regset's size and
 * the argument registers from the call's ABI.
 */
#include "arch/arch.h"

#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include <linux/audit.h>

/* arch/x86/include/uapi/asm/unistd.h, unistd_32.h */
#define NR_RESTART_SYSCALL_64	219
#define NR_RESTART_SYSCALL_I386 0

#define W64(field) (offsetof(struct user_regs_struct, field) / 8)

/* The i386 regset: struct user_regs_struct of i386, 17 32-bit words. */
enum {
	R32_EBX,
	R32_ECX,
	R32_EDX,
	R32_ESI,
	R32_EDI,
	R32_EBP,
	R32_EAX,
	R32_DS,
	R32_ES,
	R32_FS,
	R32_GS,
	R32_ORIG_EAX,
	R32_EIP,
	R32_CS,
	R32_EFLAGS,
	R32_ESP,
	R32_SS,
	R32_COUNT,
};

#define SIZE_64 sizeof(struct user_regs_struct)
#define SIZE_32 (R32_COUNT * sizeof(uint32_t))

_Static_assert(SIZE_64 <= sizeof(((struct arch_regs *)0)->set),
	       "struct arch_regs too small for user_regs_struct");

static const size_t args_64[ARCH_MAX_ARGS] = {
	W64(rdi), W64(rsi), W64(rdx), W64(r10), W64(r8), W64(r9),
};

/* mirrors arch/x86/include/asm/syscall.h: syscall_get_arguments() */
static const size_t args_i386[ARCH_MAX_ARGS] = {
	W64(rbx), W64(rcx), W64(rdx), W64(rsi), W64(rdi), W64(rbp),
};

static const size_t args_32[ARCH_MAX_ARGS] = {
	R32_EBX, R32_ECX, R32_EDX, R32_ESI, R32_EDI, R32_EBP,
};

static bool
layout_32(const struct arch_regs *regs)
{
	return regs->size == SIZE_32;
}

static bool
abi_i386(const struct arch_abi *abi)
{
	return abi->audit_arch == AUDIT_ARCH_I386;
}

int
arch_regs_fetch(pid_t tid, struct arch_regs *ret)
{
	struct arch_regs r = { 0 };
	struct iovec iov = { &r.set, sizeof(r.set) };

	if (ptrace(PTRACE_GETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	if (iov.iov_len != SIZE_64 && iov.iov_len != SIZE_32)
		return -EIO;
	r.size = iov.iov_len;
	r.sysno = -1;
	*ret = r;
	return 0;
}

int
arch_regs_store(pid_t tid, const struct arch_regs *regs)
{
	struct iovec iov = { (void *)&regs->set, regs->size };

	if (regs->size != SIZE_64 && regs->size != SIZE_32)
		return -EINVAL;
	if (ptrace(PTRACE_SETREGSET, tid, (void *)NT_PRSTATUS, &iov) < 0)
		return -errno;
	return 0;
}

bool
arch_regs_abi_ok(const struct arch_regs *regs, const struct arch_abi *abi)
{
	if (abi_i386(abi))
		return true;
	/* x86_64 and x32 calls only come from 64-bit mode */
	return abi->audit_arch == AUDIT_ARCH_X86_64 && !layout_32(regs);
}

int32_t
arch_get_nr(const struct arch_regs *regs, const struct arch_abi *abi)
{
	if (layout_32(regs))
		return (int32_t)regs->set.u32[R32_ORIG_EAX];
	return (int32_t)regs->set.u64[W64(orig_rax)];
}

void
arch_set_nr(struct arch_regs *regs, const struct arch_abi *abi, int32_t nr)
{
	/*
	 * Sign-extended, so -1 reads as -1 whichever width the kernel looks
	 * at; a 32-bit layout's orig_eax is widened by the kernel
	 * (arch/x86/kernel/ptrace.c: putreg32()).
	 */
	if (layout_32(regs))
		regs->set.u32[R32_ORIG_EAX] = (uint32_t)nr;
	else
		regs->set.u64[W64(orig_rax)] = (uint64_t)(int64_t)nr;
}

uint64_t
arch_get_arg(const struct arch_regs *regs, const struct arch_abi *abi,
	     unsigned int i)
{
	if (i >= ARCH_MAX_ARGS)
		return 0;
	if (layout_32(regs))
		return regs->set.u32[args_32[i]];
	if (abi_i386(abi))
		return regs->set.u64[args_i386[i]];
	return regs->set.u64[args_64[i]];
}

void
arch_set_arg(struct arch_regs *regs, const struct arch_abi *abi, unsigned int i,
	     uint64_t val)
{
	if (i >= ARCH_MAX_ARGS)
		return;
	if (layout_32(regs))
		regs->set.u32[args_32[i]] = (uint32_t)val;
	else if (abi_i386(abi))
		regs->set.u64[args_i386[i]] = val;
	else
		regs->set.u64[args_64[i]] = val;
}

int64_t
arch_get_return(const struct arch_regs *regs, const struct arch_abi *abi)
{
	if (layout_32(regs))
		return (int32_t)regs->set.u32[R32_EAX];
	return (int64_t)regs->set.u64[W64(rax)];
}

void
arch_set_return(struct arch_regs *regs, const struct arch_abi *abi, int64_t val)
{
	if (layout_32(regs))
		regs->set.u32[R32_EAX] = (uint32_t)val;
	else
		regs->set.u64[W64(rax)] = (uint64_t)val;
}

uint64_t
arch_get_ip(const struct arch_regs *regs)
{
	if (layout_32(regs))
		return regs->set.u32[R32_EIP];
	return regs->set.u64[W64(rip)];
}

void
arch_set_ip(struct arch_regs *regs, uint64_t ip)
{
	if (layout_32(regs))
		regs->set.u32[R32_EIP] = (uint32_t)ip;
	else
		regs->set.u64[W64(rip)] = ip;
}

uint64_t
arch_get_sp(const struct arch_regs *regs)
{
	if (layout_32(regs))
		return regs->set.u32[R32_ESP];
	return regs->set.u64[W64(rsp)];
}

uint64_t
arch_vsyscall_page(void)
{
	return 0xffffffffff600000ULL;
}

const unsigned char *
arch_syscall_insn(size_t *ret_len)
{
	static const unsigned char insn[] = { 0x0f, 0x05 };

	*ret_len = sizeof(insn);
	return insn;
}

unsigned int
arch_syscall_insn_len(const struct arch_abi *abi)
{
	/*
	 * syscall (0f 05), int $0x80 (cd 80) and sysenter (0f 34) are all
	 * two bytes; for sysenter and the 32-bit syscall the kernel already
	 * set the ip after an int $0x80 in the vDSO (mirrors
	 * arch/x86/entry/syscall_32.c: do_fast_syscall_32()).
	 */
	if (abi->audit_arch == AUDIT_ARCH_X86_64 || abi_i386(abi))
		return 2;
	return 0;
}

void
arch_rewind_syscall(struct arch_regs *regs, const struct arch_abi *abi,
		    int32_t nr)
{
	arch_set_ip(regs, arch_get_ip(regs) - arch_syscall_insn_len(abi));
	/* the instruction reads rax; the entry code copies it to orig_rax */
	arch_set_return(regs, abi, nr);
	arch_set_nr(regs, abi, -1);
}

int32_t
arch_restart_syscall_nr(const struct arch_abi *abi)
{
	if (abi_i386(abi))
		return NR_RESTART_SYSCALL_I386;
	if (abi->audit_arch == AUDIT_ARCH_X86_64)
		return (int32_t)(NR_RESTART_SYSCALL_64 | abi->nr_flag);
	return -1;
}

int64_t
arch_rollback_value(const struct arch_regs *regs, const struct arch_abi *abi)
{
	/* mirrors arch/x86/include/asm/syscall.h: syscall_rollback() */
	if (layout_32(regs))
		return (int32_t)regs->set.u32[R32_ORIG_EAX];
	return (int64_t)regs->set.u64[W64(orig_rax)];
}

void
arch_rollback(struct arch_regs *regs, const struct arch_abi *abi)
{
	arch_set_return(regs, abi, arch_rollback_value(regs, abi));
	arch_set_nr(regs, abi, -1);
}
