/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * probe.S: one system call with a known value in every general register,
 * and every register as the call left it.  The tests compare the two to
 * see that a tracer gave a thread its registers back.
 */
#ifndef SANDBOXD_TESTS_PTRACE_PROBE_H
#define SANDBOXD_TESTS_PTRACE_PROBE_H

#include <stdint.h>

/*
 * Read by offset in probe.S.  The stubs load rax..r15 from "in" and store
 * them to "out" after the call, with rsp and rflags before and after.
 */
struct probe_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rsp, rflags;		    /* after the call */
	uint64_t rsp_before, rflags_before; /* before it */
};

/* The syscall instruction (x86_64 ABI); returns rax. */
uint64_t probe_syscall(const struct probe_regs *in, struct probe_regs *out);
/* int $0x80 from this 64-bit process (i386 ABI); returns rax. */
uint64_t probe_int80(const struct probe_regs *in, struct probe_regs *out);
/* The addresses right after each instruction. */
extern const char probe_syscall_after[];
extern const char probe_int80_after[];

#endif /* SANDBOXD_TESTS_PTRACE_PROBE_H */
