/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The probe calls of probe.h.  In assembly because every register must be
 * ours across the call, rbx and rbp included, which inline asm cannot
 * promise.  Offsets follow struct probe_regs.
 */

#define RAX	0
#define RBX	8
#define RCX	16
#define RDX	24
#define RSI	32
#define RDI	40
#define RBP	48
#define R8	56
#define R9	64
#define R10	72
#define R11	80
#define R12	88
#define R13	96
#define R14	104
#define R15	112
#define RSP	120
#define RFLAGS	128
#define RSP_B	136
#define RFLAGS_B 144

	.text

/* uint64_t name(const struct probe_regs *in, struct probe_regs *out) */
.macro PROBE name, kind
	.globl	\name
	.type	\name, @function
	.globl	\name\()_after
\name:
	.cfi_startproc
	pushq	%rbx
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbx, 0
	pushq	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset rbp, 0
	pushq	%r12
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r12, 0
	pushq	%r13
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r13, 0
	pushq	%r14
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r14, 0
	pushq	%r15
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset r15, 0
	/* out stays on the stack across the call */
	pushq	%rsi
	.cfi_adjust_cfa_offset 8
	movq	%rsp, RSP_B(%rsi)
	pushfq
	popq	RFLAGS_B(%rsi)
	movq	RAX(%rdi), %rax
	movq	RBX(%rdi), %rbx
	movq	RCX(%rdi), %rcx
	movq	RDX(%rdi), %rdx
	movq	RSI(%rdi), %rsi
	movq	RBP(%rdi), %rbp
	movq	R8(%rdi), %r8
	movq	R9(%rdi), %r9
	movq	R10(%rdi), %r10
	movq	R11(%rdi), %r11
	movq	R12(%rdi), %r12
	movq	R13(%rdi), %r13
	movq	R14(%rdi), %r14
	movq	R15(%rdi), %r15
	/* last: it overwrites the pointer */
	movq	RDI(%rdi), %rdi
.ifc \kind,syscall
	syscall
.else
	int	$0x80
.endif
\name\()_after:
	/* the flags first, before any instruction can change them */
	pushfq
	pushq	%rdi
	movq	16(%rsp), %rdi
	movq	%rax, RAX(%rdi)
	movq	%rbx, RBX(%rdi)
	movq	%rcx, RCX(%rdi)
	movq	%rdx, RDX(%rdi)
	movq	%rsi, RSI(%rdi)
	movq	%rbp, RBP(%rdi)
	movq	%r8, R8(%rdi)
	movq	%r9, R9(%rdi)
	movq	%r10, R10(%rdi)
	movq	%r11, R11(%rdi)
	movq	%r12, R12(%rdi)
	movq	%r13, R13(%rdi)
	movq	%r14, R14(%rdi)
	movq	%r15, R15(%rdi)
	popq	RDI(%rdi)
	popq	RFLAGS(%rdi)
	movq	%rsp, RSP(%rdi)
	popq	%rsi
	.cfi_adjust_cfa_offset -8
	popq	%r15
	.cfi_adjust_cfa_offset -8
	.cfi_restore r15
	popq	%r14
	.cfi_adjust_cfa_offset -8
	.cfi_restore r14
	popq	%r13
	.cfi_adjust_cfa_offset -8
	.cfi_restore r13
	popq	%r12
	.cfi_adjust_cfa_offset -8
	.cfi_restore r12
	popq	%rbp
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbp
	popq	%rbx
	.cfi_adjust_cfa_offset -8
	.cfi_restore rbx
	ret
	.cfi_endproc
	.size	\name, .-\name
.endm

	PROBE	probe_syscall, syscall
	PROBE	probe_int80, int80

	.section .note.GNU-stack, "", @progbits
