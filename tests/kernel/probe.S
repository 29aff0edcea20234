/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The oracle's probe calls.  They are in assembly so that every register
 * the kernel hands to seccomp is ours (including the upper halves of the
 * i386 argument registers, which inline asm could not set safely because
 * of rbx and rbp), and so that the address right after the syscall
 * instruction, seccomp_data.instruction_pointer, is a symbol.
 *
 * Both take a pointer to struct oracle_regs { u64 nr; u64 args[6]; } and
 * return rax as the kernel left it.
 *
 * Below them, what the children need to run without libc: a raw system
 * call, clone(2) onto a stack of our own, and a signal restorer.
 */

	.text

/* long oracle_probe_x86_64(const struct oracle_regs *r): native syscall */
	.globl	oracle_probe_x86_64
	.type	oracle_probe_x86_64, @function
	.globl	oracle_probe_x86_64_after
oracle_probe_x86_64:
	.cfi_startproc
	movq	0(%rdi), %rax
	movq	16(%rdi), %rsi
	movq	24(%rdi), %rdx
	movq	32(%rdi), %r10
	movq	40(%rdi), %r8
	movq	48(%rdi), %r9
	/* last: it overwrites the pointer */
	movq	8(%rdi), %rdi
	syscall
oracle_probe_x86_64_after:
	ret
	.cfi_endproc
	.size	oracle_probe_x86_64, .-oracle_probe_x86_64

/*
 * long oracle_probe_i386(const struct oracle_regs *r): an ia32 call from
 * this 64-bit process.  Arguments go in rbx, rcx, rdx, rsi, rdi, rbp with
 * all 64 bits, so the test can see which bits reach seccomp.
 */
	.globl	oracle_probe_i386
	.type	oracle_probe_i386, @function
	.globl	oracle_probe_i386_after
oracle_probe_i386:
	.cfi_startproc
	/* callee-saved registers the call may not give back intact */
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbx, 0
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbp, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	movq	0(%rdi), %rax
	movq	8(%rdi), %rbx
	movq	16(%rdi), %rcx
	movq	24(%rdi), %rdx
	movq	32(%rdi), %rsi
	movq	48(%rdi), %rbp
	/* last: it overwrites the pointer */
	movq	40(%rdi), %rdi
	int	$0x80
oracle_probe_i386_after:
	popq	%r15
	.cfi_adjust_cfa_offset -8
	popq	%r14
	.cfi_adjust_cfa_offset -8
	popq	%r13
	.cfi_adjust_cfa_offset -8
	popq	%r12
	.cfi_adjust_cfa_offset -8
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbp
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbx
	ret
	.cfi_endproc
	.size	oracle_probe_i386, .-oracle_probe_i386

/*
 * long oracle_syscall6(long nr, long a1, long a2, long a3, long a4,
 *			long a5, long a6): a raw system call, returning -errno
 * on failure.
 * The oracle's children share memory and TLS with the test process, so
 * they must not go through libc, which would write errno there.
 */
	.globl	oracle_syscall6
	.type	oracle_syscall6, @function
oracle_syscall6:
	.cfi_startproc
	movq	%rdi, %rax
	movq	%rsi, %rdi
	movq	%rdx, %rsi
	movq	%rcx, %rdx
	movq	%r8, %r10
	movq	%r9, %r8
	movq	8(%rsp), %r9
	syscall
	ret
	.cfi_endproc
	.size	oracle_syscall6, .-oracle_syscall6

/*
 * long oracle_clone(unsigned long flags, void *stack_top, int *ctid,
 *		     int (*fn)(void *), void *arg): clone(2) onto a new stack.
 * The child calls fn(arg) there and then exit(2)s with its value: the
 * whole child for a process, only itself for a CLONE_THREAD.  The parent
 * gets the child's id or -errno.  @stack_top must be 16-byte aligned.
 */
	.globl	oracle_clone
	.type	oracle_clone, @function
oracle_clone:
	.cfi_startproc
	/* fn and arg ride on the child's stack */
	subq	$16, %rsi
	movq	%rcx, 0(%rsi)
	movq	%r8, 8(%rsi)
	movq	%rdx, %r10
	xorl	%edx, %edx
	xorl	%r8d, %r8d
	movl	$56, %eax
	syscall
	testq	%rax, %rax
	jz	1f
	ret
1:
	.cfi_undefined rip
	xorl	%ebp, %ebp
	popq	%rax
	popq	%rdi
	call	*%rax
	movl	%eax, %edi
	movl	$60, %eax
	syscall
	hlt
	.cfi_endproc
	.size	oracle_clone, .-oracle_clone

/* the sa_restorer of signal handlers installed with raw rt_sigaction */
	.globl	oracle_sigreturn
	.type	oracle_sigreturn, @function
oracle_sigreturn:
	movl	$15, %eax
	syscall
	hlt
	.size	oracle_sigreturn, .-oracle_sigreturn

	.section .note.GNU-stack, "", @progbits
