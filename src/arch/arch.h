/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * arch: the ABI table, and the host's register access.  The table has one
 * entry per ABI libseccomp 2.5.4 knows, with the values seccomp presents to
 * a filter for calls made through it; syscall names come from libseccomp.
 * The register contract, at the end, is implemented once per host CPU
 * (src/arch/<cpu>/regs.c).
 */
#ifndef SANDBOXD_ARCH_H
#define SANDBOXD_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/bpf.h"

/* include/uapi/asm/unistd.h: x32 numbers carry this bit in seccomp_data.nr */
#define ARCH_X32_SYSCALL_BIT 0x40000000U

/**
 * struct arch_abi - one calling convention.
 * @name: libseccomp's spelling ("x86_64", "x86", "mipsel64n32", ...).
 * @scmp_token: libseccomp's SCMP_ARCH_* token.
 * @audit_arch: seccomp_data.arch for calls through this ABI.
 * @big_endian: the ABI's byte order, which a filter sees in its loads.
 * @bits: 32 or 64.
 * @nr_base: the first syscall number (the MIPS ABIs start at 4000, 5000
 *           and 6000).
 * @nr_flag: a bit every number carries (ARCH_X32_SYSCALL_BIT for x32).
 * @nr_count: numbers below this are candidates for the action cache.
 */
struct arch_abi {
	const char *name;
	uint32_t scmp_token;
	uint32_t audit_arch;
	bool big_endian;
	unsigned int bits;
	uint32_t nr_base;
	uint32_t nr_flag;
	uint32_t nr_count;
};

/** arch_abi_count() - number of entries in the table. */
size_t arch_abi_count(void);

/** arch_abi_at() - entry @i, or NULL when @i is out of range. */
const struct arch_abi *arch_abi_at(size_t i);

/** arch_abi_by_name() - the entry libseccomp calls @name, or NULL. */
const struct arch_abi *arch_abi_by_name(const char *name);

/**
 * arch_abi_by_audit() - the entry for a seccomp_data.arch value, or NULL.
 * x32 shares AUDIT_ARCH_X86_64 with x86_64; @nr tells them apart, so pass
 * the call's number (or 0).
 */
const struct arch_abi *arch_abi_by_audit(uint32_t audit_arch, int32_t nr);

/** arch_abi_host() - the host's native ABI. */
const struct arch_abi *arch_abi_host(void);

/**
 * arch_syscall_name() - the name of syscall @nr in @abi, from libseccomp.
 * Returns a string the caller frees with free(), or NULL if the number
 * has no name (or memory ran out).
 */
char *arch_syscall_name(const struct arch_abi *abi, int32_t nr);

/**
 * arch_syscall_nr() - the number of syscall @name in @abi, from libseccomp.
 * Returns the number (with @abi's nr_flag), or -ENOENT.
 */
int32_t arch_syscall_nr(const struct arch_abi *abi, const char *name);

/**
 * arch_cache_layout_host() - the action-cache layout of the host kernel:
 * its native and compat ABIs, with the numbers it never filters.
 * Static; never freed.
 */
const struct bpf_cache_layout *arch_cache_layout_host(void);

/**
 * arch_cache_layout_for() - a one-ABI layout for @abi, as the kernel
 * would cache it if @abi were native.  x32 gets an empty range: the
 * kernel never caches x32 calls.
 */
void arch_cache_layout_for(const struct arch_abi *abi,
			   struct bpf_cache_layout *ret);

/**
 * arch_strict_allows() - whether seccomp mode 1 (SECCOMP_MODE_STRICT) lets
 * call @nr of @abi through: read, write, exit and the ABI's signal return
 * (mirrors kernel/seccomp.c: __secure_computing_strict()).  32-bit ABIs
 * get the kernel's compat set, with sigreturn.  x32 numbers never match:
 * they keep bit 30, which neither set has.
 */
bool arch_strict_allows(const struct arch_abi *abi, int32_t nr);

/**
 * arch_harmless_nr() - a call of @abi that has no effect and cannot fail
 * (getpid), for turning a refused call into something that runs without
 * harm when the result is set at its exit stop.  -1 if @abi has none.
 */
int32_t arch_harmless_nr(const struct arch_abi *abi);

/*
 * ---- Host register access ----
 *
 * What each host's <arch>/regs.c provides, in the manner of the kernel's
 * include/asm-generic/syscall.h.  Registers come from PTRACE_GETREGSET
 * NT_PRSTATUS (plus NT_ARM_SYSTEM_CALL on aarch64) into a struct arch_regs,
 * are read and changed there through the accessors, and go back with
 * arch_regs_store().
 *
 * The accessors take the ABI of the call the thread is in, which must come
 * from the kernel (PTRACE_GET_SYSCALL_INFO's arch, with the number for
 * x32), never from the code segment or the regset size: int $0x80 from a
 * 64-bit process is an i386 call in a 64-bit register layout.  Pass only
 * an ABI for which arch_regs_abi_ok() holds.
 *
 * Unless a function says otherwise, its values mean something only when
 * @regs was fetched in a syscall-entry, PTRACE_EVENT_SECCOMP or
 * syscall-exit stop of that call.  All functions here except
 * arch_regs_fetch() and arch_regs_store() are pure.
 */
#include <sys/types.h>

/* Every system call takes at most this many arguments. */
#define ARCH_MAX_ARGS 6

/* 64-bit words enough for the largest general regset: aarch64's 34. */
#define ARCH_REGS_WORDS 34

/**
 * struct arch_regs - one thread's general registers, in the layout the
 * kernel's regset view for that thread uses.
 * @set: the NT_PRSTATUS regset.  On x86_64 a thread in 64-bit mode has
 *       struct user_regs_struct (27 words); one in 32-bit mode has the
 *       i386 layout (17 32-bit words).  On aarch64, struct user_pt_regs.
 * @size: bytes of @set the kernel filled; it tells the layouts apart.
 * @sysno: aarch64 only: the NT_ARM_SYSTEM_CALL number, the one the kernel
 *         runs (x8 is only what the svc instruction passed).
 *
 * Plain data owned by whoever declares it.  Read and change it only
 * through the functions below; the fields are for the backends.
 */
struct arch_regs {
	union {
		uint64_t u64[ARCH_REGS_WORDS];
		uint32_t u32[2 * ARCH_REGS_WORDS];
	} set;
	size_t size;
	int32_t sysno;
};

/**
 * arch_regs_fetch() - read a stopped thread's registers.
 * @tid: a thread this process traces, in any ptrace stop.
 * @ret: filled on success only.
 *
 * Returns 0, or -errno from ptrace(2): -ESRCH when @tid is gone or not
 * stopped, -EIO when the kernel's regset is not one this backend knows.
 */
int arch_regs_fetch(pid_t tid, struct arch_regs *ret);

/**
 * arch_regs_store() - write registers back into a stopped thread.
 * @tid: the thread @regs was fetched from, still in a ptrace stop.
 * @regs: registers from arch_regs_fetch(), changed only through these
 *        functions.
 *
 * On aarch64 the kernel ignores writes to x7 in syscall-entry and
 * syscall-exit stops (it uses x7 to say which stop it is and puts the
 * real value back afterwards); writes in a seccomp stop take effect.
 *
 * Returns 0 or -errno from ptrace(2).  After a failure the thread may hold
 * some of the new values, so the caller must not resume it as it is.
 */
int arch_regs_store(pid_t tid, const struct arch_regs *regs);

/**
 * arch_regs_abi_ok() - whether the accessors can handle a call through
 * @abi in @regs' layout.  False for ABIs the host cannot run, for a 64-bit
 * ABI in a 32-bit layout, and for ABIs this backend does not handle yet
 * (AArch32 on aarch64).  Valid in any stop.
 */
bool arch_regs_abi_ok(const struct arch_regs *regs, const struct arch_abi *abi);

/**
 * arch_get_nr() - the number of the call the thread is in, as seccomp sees
 * it (x32 bit included; mirrors arch/x86/include/asm/syscall.h:
 * syscall_get_nr(), which truncates orig_ax to int).
 *
 * x86: orig_rax.  aarch64: the NT_ARM_SYSTEM_CALL number, which is what
 * a tracer's change takes effect in; x8 keeps the number the program
 * passed.  In a syscall-exit stop: the number the call ran as, or -1.
 */
int32_t arch_get_nr(const struct arch_regs *regs, const struct arch_abi *abi);

/**
 * arch_set_nr() - change the call the thread will run.  Valid in a
 * syscall-entry or seccomp stop; -1 skips the call, and the return
 * register then keeps what the tracer put there (see arch_set_return()).
 * In a syscall-exit stop, -1 turns off the kernel's syscall restart for
 * this return to user mode (arch_rewind_syscall() relies on that).
 */
void arch_set_nr(struct arch_regs *regs, const struct arch_abi *abi,
		 int32_t nr);

/**
 * arch_get_arg() - argument @i (0 to ARCH_MAX_ARGS - 1) of the call; 0 for
 * an @i out of range.
 *
 * x86_64 and x32: rdi, rsi, rdx, r10, r8, r9.  i386: rbx, rcx, rdx, rsi,
 * rdi, rbp, all 64 bits as seccomp_data has them (int $0x80 from 64-bit
 * code may set the upper halves); in a 32-bit layout the upper halves
 * read as zero.  aarch64: x0 to x5.
 *
 * Valid in a syscall-entry or seccomp stop.  On aarch64, x0 is both the
 * first argument and the return value, so in a syscall-exit stop argument
 * 0 is gone: save it at entry.
 */
uint64_t arch_get_arg(const struct arch_regs *regs, const struct arch_abi *abi,
		      unsigned int i);

/**
 * arch_set_arg() - change argument @i of the call; @i out of range is
 * ignored.  Valid in a syscall-entry or seccomp stop.  32-bit layouts keep
 * the low 32 bits.
 *
 * aarch64: this changes x0, not the kernel's private copy orig_x0, which
 * is what a restarted call (-ERESTART*) gets as its first argument again:
 * a changed argument 0 does not survive a syscall restart.
 */
void arch_set_arg(struct arch_regs *regs, const struct arch_abi *abi,
		  unsigned int i, uint64_t val);

/**
 * arch_get_return() - the return register: rax (eax sign-extended in a
 * 32-bit layout, so errors read as -errno, but so do addresses above
 * 2 GiB), or x0.  The call's result only in a syscall-exit stop; in a
 * seccomp or x86 syscall-entry stop rax holds -ENOSYS.  Prefer
 * PTRACE_GET_SYSCALL_INFO's rval where the full value matters.
 */
int64_t arch_get_return(const struct arch_regs *regs,
			const struct arch_abi *abi);

/**
 * arch_set_return() - set the return register to @val (the low 32 bits in
 * a 32-bit layout).  In a syscall-exit stop this is the call's result; in
 * a syscall-entry or seccomp stop it becomes the result only if the call
 * is skipped (arch_set_nr() with -1): x86 and aarch64 leave the register
 * alone for a tracer-skipped call.  -ERESTART* values (-512 to -516) make
 * the kernel restart the call when a signal arrives, unless the number is
 * -1.
 */
void arch_set_return(struct arch_regs *regs, const struct arch_abi *abi,
		     int64_t val);

/**
 * arch_get_ip() - the instruction pointer.  In a syscall stop it is the
 * address after the syscall instruction (seccomp_data.instruction_pointer)
 * except for i386 sysenter and 32-bit syscall through the vDSO, where the
 * kernel moves it to the vDSO's int $0x80 landing pad.  Valid in any stop.
 */
uint64_t arch_get_ip(const struct arch_regs *regs);

/**
 * arch_get_sp() - the stack pointer (the low 32 bits in a 32-bit layout).
 * Valid in any stop.
 */
uint64_t arch_get_sp(const struct arch_regs *regs);

/** arch_set_ip() - set the instruction pointer. */
void arch_set_ip(struct arch_regs *regs, uint64_t ip);

/**
 * arch_vsyscall_page() - the address of the host's legacy vsyscall page,
 * whose calls the kernel emulates in its page fault handler: they pass
 * seccomp (with this page's address as the instruction pointer) but make
 * no ptrace syscall stops.  0 if the host has none.
 */
uint64_t arch_vsyscall_page(void);

/**
 * arch_syscall_insn() - the bytes of the native ABI's syscall instruction
 * (@ret_len of them), for finding one in the target's memory.
 */
const unsigned char *arch_syscall_insn(size_t *ret_len);

/**
 * arch_syscall_insn_len() - the bytes to move the instruction pointer back
 * to execute a call's syscall instruction again: 2 on x86 for syscall,
 * int $0x80 and sysenter (the kernel leaves the ip of the last two after
 * an int $0x80 it can restart through), 4 for aarch64's svc.  0 for an ABI
 * this backend cannot re-execute.
 */
unsigned int arch_syscall_insn_len(const struct arch_abi *abi);

/**
 * arch_rewind_syscall() - set @regs up so that the thread, once resumed,
 * executes its syscall instruction again as call @nr: the ip goes back by
 * arch_syscall_insn_len(), @nr goes where the instruction reads the number
 * (rax, x8), and the number of the call just finished becomes -1 so the
 * kernel's own restart logic stays out of the way.  Arguments are left to
 * arch_set_arg().
 *
 * Valid in a syscall-exit stop (or an entry or seccomp stop of a call that
 * is then skipped), with @regs' ip still just after the instruction.  The
 * instruction is read from the thread's memory again when it runs, so a
 * sibling thread may have changed it.
 */
void arch_rewind_syscall(struct arch_regs *regs, const struct arch_abi *abi,
			 int32_t nr);

/**
 * arch_restart_syscall_nr() - restart_syscall(2)'s number in @abi, which
 * the kernel substitutes when it restarts a call that returned
 * -ERESTART_RESTARTBLOCK (mirrors arch/x86/kernel/signal.c:
 * get_nr_restart_syscall()).  -1 for an ABI the host cannot run.
 */
int32_t arch_restart_syscall_nr(const struct arch_abi *abi);

/**
 * arch_rollback_value() - what the kernel's syscall_rollback() (used by
 * SECCOMP_RET_TRAP) leaves in the return register: x86 the call's number
 * (orig_rax, all 64 bits), aarch64 its first argument (orig_x0).
 *
 * Valid in a syscall-entry or seccomp stop whose number and (on aarch64)
 * first argument have not been changed through @regs: there x0 still is
 * orig_x0.
 */
int64_t arch_rollback_value(const struct arch_regs *regs,
			    const struct arch_abi *abi);

/**
 * arch_rollback() - skip the call and leave arch_rollback_value() in the
 * return register, as the kernel does for SECCOMP_RET_TRAP before it sends
 * SIGSYS (mirrors kernel/seccomp.c: __seccomp_filter(), SECCOMP_RET_TRAP).
 * Same precondition as arch_rollback_value().
 */
void arch_rollback(struct arch_regs *regs, const struct arch_abi *abi);

#endif /* SANDBOXD_ARCH_H */
