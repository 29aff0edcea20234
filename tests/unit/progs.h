/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * progs.h: shorthand for writing small seccomp cBPF programs in test
 * tables.  Everything expands to the kernel's own BPF_STMT()/BPF_JUMP(), so
 * a table entry reads like the disassembly of the program it holds.
 */
#ifndef SANDBOXD_TESTS_PROGS_H
#define SANDBOXD_TESTS_PROGS_H

#include <stddef.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

/* Longest program a table entry holds. */
#define PROG_MAX 24

/* struct seccomp_data offsets, as a filter loads them (little endian) */
#define OFF_NR	      0
#define OFF_ARCH      4
#define OFF_IP_LO     8
#define OFF_IP_HI     12
#define OFF_ARG_LO(i) (16 + 8 * (i))
#define OFF_ARG_HI(i) (20 + 8 * (i))

/* clang-format off */
#define INSN(code, jt, jf, k) { (code), (jt), (jf), (k) }
/* clang-format on */

#define LD_ABS(k)	     BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (k))
#define LD_NR		     LD_ABS(OFF_NR)
#define LD_ARCH		     LD_ABS(OFF_ARCH)
#define LD_LEN		     BPF_STMT(BPF_LD | BPF_W | BPF_LEN, 0)
#define LDX_LEN		     BPF_STMT(BPF_LDX | BPF_W | BPF_LEN, 0)
#define LD_IMM(k)	     BPF_STMT(BPF_LD | BPF_IMM, (k))
#define LDX_IMM(k)	     BPF_STMT(BPF_LDX | BPF_IMM, (k))
#define LD_MEM(k)	     BPF_STMT(BPF_LD | BPF_MEM, (k))
#define LDX_MEM(k)	     BPF_STMT(BPF_LDX | BPF_MEM, (k))
#define ST(k)		     BPF_STMT(BPF_ST, (k))
#define STX(k)		     BPF_STMT(BPF_STX, (k))
#define ALU_K(op, k)	     BPF_STMT(BPF_ALU | (op) | BPF_K, (k))
#define ALU_X(op)	     BPF_STMT(BPF_ALU | (op) | BPF_X, 0)
#define NEG		     BPF_STMT(BPF_ALU | BPF_NEG, 0)
#define TAX		     BPF_STMT(BPF_MISC | BPF_TAX, 0)
#define TXA		     BPF_STMT(BPF_MISC | BPF_TXA, 0)
#define JA(k)		     BPF_STMT(BPF_JMP | BPF_JA, (k))
#define JMP_K(op, k, jt, jf) BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (jt), (jf))
#define JMP_X(op, jt, jf)    BPF_JUMP(BPF_JMP | (op) | BPF_X, 0, (jt), (jf))
#define JEQ(k, jt, jf)	     JMP_K(BPF_JEQ, (k), (jt), (jf))
#define RET_K(k)	     BPF_STMT(BPF_RET | BPF_K, (k))
#define RET_A		     BPF_STMT(BPF_RET | BPF_A, 0)

/* A program literal and its length, for designated initialisers. */
#define PROG(...)                                              \
	.prog = { __VA_ARGS__ },                               \
	.len = sizeof((struct sock_filter[]){ __VA_ARGS__ }) / \
	       sizeof(struct sock_filter)

#endif /* SANDBOXD_TESTS_PROGS_H */
