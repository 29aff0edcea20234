/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_bpf: unit tests for src/bpf.
 *
 * Every expectation comes from the kernel: the acceptance rules of
 * net/core/filter.c: bpf_check_classic() and kernel/seccomp.c:
 * seccomp_check_filter(), the translated lengths and stacking counts
 * measured on Linux 6.18 (kernel-seccomp-semantics.md §2.5), the runtime
 * rules of §2.4, the chain precedence of seccomp_run_filters() (§5.2) and
 * the action-cache algorithm of seccomp_cache_prepare_bitmap() (§6).  The
 * decoded interpreter is compared with the naive one on random programs
 * drawn from a fixed seed, so a failure always reproduces.
 *
 * The validator tables' accept/refuse verdicts, the generator's programs
 * and the stacking counts were also checked against Linux 6.18 itself, by
 * installing the programs with seccomp(2).
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/audit.h>

#include <check.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
#include "progs.h"

#if __BYTE_ORDER != __LITTLE_ENDIAN
#error "the expected load results below assume a little-endian host"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ALLOW	     SECCOMP_RET_ALLOW
#define KILL_PROCESS SECCOMP_RET_KILL_PROCESS
#define KILL_THREAD  SECCOMP_RET_KILL_THREAD
#define TRAP	     SECCOMP_RET_TRAP
#define ERRNO	     SECCOMP_RET_ERRNO
#define USER_NOTIF   SECCOMP_RET_USER_NOTIF
#define TRACE	     SECCOMP_RET_TRACE
#define LOG	     SECCOMP_RET_LOG

/* The call most table entries run on. */
static const struct seccomp_data sd_std = {
	.nr = 39,
	.arch = AUDIT_ARCH_X86_64,
	.instruction_pointer = 0x00007f0011223344ULL,
	.args = { 0x1122334455667788ULL, 0xffffffff00000001ULL, 0,
		  0x8000000000000000ULL, 5, 0xdeadbeefcafef00dULL },
};

static void
prog_print(const char *what, const struct sock_filter *prog, size_t len)
{
	size_t i;

	fprintf(stderr, "%s: %zu instructions\n", what, len);
	for (i = 0; i < len; i++)
		fprintf(stderr, "  %4zu: { 0x%04x, %3u, %3u, 0x%08x }\n", i,
			prog[i].code, prog[i].jt, prog[i].jf, prog[i].k);
}

static void
data_print(const struct seccomp_data *sd)
{
	int i;

	fprintf(stderr, "  data: nr=%d arch=0x%08x ip=0x%016llx\n", sd->nr,
		sd->arch, (unsigned long long)sd->instruction_pointer);
	for (i = 0; i < 6; i++)
		fprintf(stderr, "  args[%d]=0x%016llx\n", i,
			(unsigned long long)sd->args[i]);
}

static struct bpf_filter *
filter_new(struct bpf_filter *prev, const struct sock_filter *prog, size_t len,
	   const struct bpf_cache_layout *layout)
{
	struct bpf_error err = { 0 };
	struct bpf_filter *f = NULL;
	int r;

	r = bpf_filter_new(prev, prog, len, layout, 0, &f, &err);
	if (r != 0)
		prog_print("refused program", prog, len);
	ck_assert_msg(r == 0, "bpf_filter_new() = %d at insn %u: %s", r,
		      err.insn, err.msg);
	ck_assert_ptr_nonnull(f);
	return f;
}

/* Stack a filter on @top; the caller's reference moves to the new top. */
static struct bpf_filter *
chain_push(struct bpf_filter *top, const struct sock_filter *prog, size_t len,
	   const struct bpf_cache_layout *layout)
{
	struct bpf_filter *f = filter_new(top, prog, len, layout);

	bpf_filter_unref(top);
	return f;
}

static struct bpf_filter *
chain_push_ret(struct bpf_filter *top, uint32_t ret,
	       const struct bpf_cache_layout *layout)
{
	struct sock_filter prog[] = { RET_K(ret) };

	return chain_push(top, prog, 1, layout);
}

/*
 * Validator: bpf_prog_check()
 */

#define ACCEPT (-1)

struct check_case {
	const char *name;
	struct sock_filter prog[PROG_MAX];
	size_t len;
	int insn; /* where the kernel stops, or ACCEPT */
};

static void
expect_check(const char *name, const struct sock_filter *prog, size_t len,
	     int insn)
{
	struct bpf_error err;
	int r;

	memset(&err, 0, sizeof(err));
	err.insn = 0xdead;
	r = bpf_prog_check(prog, len, &err);
	if (insn == ACCEPT) {
		ck_assert_msg(r == 0, "%s: refused at insn %u: %s", name,
			      err.insn, err.msg);
		ck_assert_int_eq(bpf_prog_check(prog, len, NULL), 0);
		return;
	}
	ck_assert_msg(r == -EINVAL, "%s: returned %d, want -EINVAL", name, r);
	ck_assert_msg(err.insn == (unsigned int)insn,
		      "%s: refused at insn %u (%s), want insn %d", name,
		      err.insn, err.msg, insn);
	ck_assert_msg(err.msg[0] != '\0', "%s: empty message", name);
	ck_assert_msg(memchr(err.msg, '\0', sizeof(err.msg)) != NULL,
		      "%s: message not terminated", name);
	ck_assert_int_eq(bpf_prog_check(prog, len, NULL), -EINVAL);
}

/* The 41 opcodes seccomp_check_filter() accepts (§2.3). */
static const uint16_t seccomp_codes[] = {
	BPF_LD | BPF_W | BPF_ABS,
	BPF_LD | BPF_W | BPF_LEN,
	BPF_LDX | BPF_W | BPF_LEN,
	BPF_LD | BPF_IMM,
	BPF_LDX | BPF_IMM,
	BPF_LD | BPF_MEM,
	BPF_LDX | BPF_MEM,
	BPF_ST,
	BPF_STX,
	BPF_ALU | BPF_ADD | BPF_K,
	BPF_ALU | BPF_ADD | BPF_X,
	BPF_ALU | BPF_SUB | BPF_K,
	BPF_ALU | BPF_SUB | BPF_X,
	BPF_ALU | BPF_MUL | BPF_K,
	BPF_ALU | BPF_MUL | BPF_X,
	BPF_ALU | BPF_DIV | BPF_K,
	BPF_ALU | BPF_DIV | BPF_X,
	BPF_ALU | BPF_OR | BPF_K,
	BPF_ALU | BPF_OR | BPF_X,
	BPF_ALU | BPF_AND | BPF_K,
	BPF_ALU | BPF_AND | BPF_X,
	BPF_ALU | BPF_XOR | BPF_K,
	BPF_ALU | BPF_XOR | BPF_X,
	BPF_ALU | BPF_LSH | BPF_K,
	BPF_ALU | BPF_LSH | BPF_X,
	BPF_ALU | BPF_RSH | BPF_K,
	BPF_ALU | BPF_RSH | BPF_X,
	BPF_ALU | BPF_NEG,
	BPF_MISC | BPF_TAX,
	BPF_MISC | BPF_TXA,
	BPF_JMP | BPF_JA,
	BPF_JMP | BPF_JEQ | BPF_K,
	BPF_JMP | BPF_JEQ | BPF_X,
	BPF_JMP | BPF_JGT | BPF_K,
	BPF_JMP | BPF_JGT | BPF_X,
	BPF_JMP | BPF_JGE | BPF_K,
	BPF_JMP | BPF_JGE | BPF_X,
	BPF_JMP | BPF_JSET | BPF_K,
	BPF_JMP | BPF_JSET | BPF_X,
	BPF_RET | BPF_K,
	BPF_RET | BPF_A,
};

/* The smallest valid program that uses @code. */
static size_t
minimal_prog(uint16_t code, struct sock_filter *p)
{
	size_t n = 0;
	uint32_t k = 0;

	if (BPF_CLASS(code) == BPF_RET) {
		p[n++] = (struct sock_filter)INSN(code, 0, 0, ALLOW);
		return n;
	}
	if (code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM))
		p[n++] = (struct sock_filter)ST(0);
	if (BPF_CLASS(code) == BPF_ALU && BPF_SRC(code) == BPF_K)
		k = 1;
	p[n++] = (struct sock_filter)INSN(code, 0, 0, k);
	p[n++] = (struct sock_filter)RET_A;
	return n;
}

START_TEST(test_check_opcode_ok)
{
	struct sock_filter p[4];
	size_t n = minimal_prog(seccomp_codes[_i], p);
	char name[64];

	ck_assert_uint_eq(ARRAY_SIZE(seccomp_codes), 41);
	snprintf(name, sizeof(name), "opcode 0x%02x", seccomp_codes[_i]);
	expect_check(name, p, n, ACCEPT);
}
END_TEST

/*
 * Codes the classic checker knows and seccomp refuses (§2.3), with a k
 * the classic checker accepts for each.
 */
static const struct sock_filter classic_only[] = {
	INSN(BPF_LD | BPF_H | BPF_ABS, 0, 0, 0),
	INSN(BPF_LD | BPF_B | BPF_ABS, 0, 0, 0),
	INSN(BPF_LD | BPF_W | BPF_IND, 0, 0, 0),
	INSN(BPF_LD | BPF_H | BPF_IND, 0, 0, 0),
	INSN(BPF_LD | BPF_B | BPF_IND, 0, 0, 0),
	INSN(BPF_LDX | BPF_B | BPF_MSH, 0, 0, 0),
	INSN(BPF_ALU | BPF_MOD | BPF_K, 0, 0, 3),
	INSN(BPF_ALU | BPF_MOD | BPF_X, 0, 0, 0),
};

START_TEST(test_check_classic_only)
{
	const struct sock_filter op = classic_only[_i];
	const struct sock_filter p0[] = { op, RET_A };
	const struct sock_filter p1[] = { LD_NR, op, RET_A };
	/*
	 * The classic pass, memory check included, runs before the seccomp
	 * pass; so a bad load after a classic-only code is what the kernel
	 * stops at.
	 */
	const struct sock_filter p2[] = { op, LD_MEM(0), RET_A };
	char name[64];

	snprintf(name, sizeof(name), "classic-only 0x%02x", op.code);
	expect_check(name, p0, ARRAY_SIZE(p0), 0);
	expect_check(name, p1, ARRAY_SIZE(p1), 1);
	expect_check(name, p2, ARRAY_SIZE(p2), 1);
}
END_TEST

/* Codes neither checker knows. */
static const uint16_t unknown_codes[] = {
	0x0e,	/* RET|X */
	0x1e,	/* RET|A|X */
	0xff,	/* all bits of the low byte */
	0xffff, /* all bits */
	0x08,	/* LD|H|IMM */
	0x88,	/* LD|H|LEN */
	0x21,	/* LDX|W|ABS: what seccomp rewrites LD|W|ABS to */
	0x8c,	/* NEG|X */
	0x0d,	/* JA|X */
	0x0f,	/* MISC|X */
	0x27,	/* MISC op 0x20 */
	0x62,	/* ST with mode bits */
	0x63,	/* STX with mode bits */
	0x68,	/* LD|H|MEM */
	0x55,	/* eBPF JNE */
	0x85,	/* eBPF CALL */
	0x95,	/* eBPF EXIT */
	0xb4,	/* eBPF MOV */
	0xc4,	/* eBPF ARSH */
	0x0106, /* RET|K with a high bit */
	0x0120, /* LD|W|ABS with a high bit */
	0x8000, /* the top bit */
};

START_TEST(test_check_unknown_code)
{
	const uint16_t code = unknown_codes[_i];
	const struct sock_filter op = INSN(code, 0, 0, 0);
	const struct sock_filter p0[] = { op, LD_MEM(0), RET_A };
	const struct sock_filter p1[] = { LD_NR, op, RET_A };
	const struct sock_filter p2[] = { LD_NR, op };
	char name[64];

	snprintf(name, sizeof(name), "unknown 0x%04x", code);
	/* the opcode table is consulted before the memory check */
	expect_check(name, p0, ARRAY_SIZE(p0), 0);
	expect_check(name, p1, ARRAY_SIZE(p1), 1);
	expect_check(name, p2, ARRAY_SIZE(p2), 1);
}
END_TEST

START_TEST(test_check_ld_abs_ok)
{
	const uint32_t k = 4 * _i;
	const struct sock_filter p[] = { LD_ABS(k), RET_A };
	char name[64];

	snprintf(name, sizeof(name), "LD|W|ABS %u", k);
	expect_check(name, p, ARRAY_SIZE(p), ACCEPT);
}
END_TEST

static const uint32_t ld_abs_bad[] = {
	1,	    2,		3,	    62,		63,	    64,
	65,	    68,		128,	    4096,	0x7fffffff, 0xfff00000,
	0xfffff000, 0xfffff03c, 0xfffff040, 0xffffffff,
};

START_TEST(test_check_ld_abs_bad)
{
	const uint32_t k = ld_abs_bad[_i];
	const struct sock_filter p0[] = { LD_ABS(k), RET_A };
	const struct sock_filter p1[] = { LD_NR, LD_IMM(0), LD_ABS(k), RET_A };
	char name[64];

	snprintf(name, sizeof(name), "LD|W|ABS %#x", k);
	expect_check(name, p0, ARRAY_SIZE(p0), 0);
	expect_check(name, p1, ARRAY_SIZE(p1), 2);
}
END_TEST

static const struct check_case check_cases[] = {
	/* ALU constants */
	{ "DIV K 0", PROG(LD_NR, ALU_K(BPF_DIV, 0), RET_A), 1 },
	{ "DIV K 1", PROG(LD_NR, ALU_K(BPF_DIV, 1), RET_A), ACCEPT },
	{ "DIV X ignores k", PROG(LD_NR, INSN(0x3c, 0, 0, 0), RET_A), ACCEPT },
	{ "MOD K 0", PROG(LD_NR, INSN(0x94, 0, 0, 0), RET_A), 1 },
	{ "LSH K 31", PROG(LD_NR, ALU_K(BPF_LSH, 31), RET_A), ACCEPT },
	{ "LSH K 32", PROG(LD_NR, ALU_K(BPF_LSH, 32), RET_A), 1 },
	{ "LSH K ~0", PROG(LD_NR, ALU_K(BPF_LSH, 0xffffffff), RET_A), 1 },
	{ "RSH K 31", PROG(LD_NR, ALU_K(BPF_RSH, 31), RET_A), ACCEPT },
	{ "RSH K 32", PROG(LD_NR, ALU_K(BPF_RSH, 32), RET_A), 1 },
	{ "LSH X ignores k", PROG(LD_NR, INSN(0x6c, 0, 0, 32), RET_A), ACCEPT },
	{ "RSH X ignores k", PROG(LD_NR, INSN(0x7c, 0, 0, 99), RET_A), ACCEPT },
	{ "ADD K any", PROG(LD_NR, ALU_K(BPF_ADD, 0xffffffff), RET_A), ACCEPT },
	/* scratch word range */
	{ "ST M[15]", PROG(ST(15), RET_A), ACCEPT },
	{ "STX M[15]", PROG(STX(15), RET_A), ACCEPT },
	{ "LD M[15]", PROG(ST(15), LD_MEM(15), RET_A), ACCEPT },
	{ "LDX M[15]", PROG(STX(15), LDX_MEM(15), RET_A), ACCEPT },
	{ "ST M[16]", PROG(ST(16), RET_A), 0 },
	{ "STX M[16]", PROG(LD_NR, STX(16), RET_A), 1 },
	{ "LD M[16]", PROG(ST(15), LD_MEM(16), RET_A), 1 },
	{ "LDX M[16]", PROG(ST(15), LDX_MEM(16), RET_A), 1 },
	{ "ST M[~0]", PROG(ST(0xffffffff), RET_A), 0 },
	/* JA: k < len - pc - 1 */
	{ "JA 0", PROG(JA(0), RET_A), ACCEPT },
	{ "JA to the last insn", PROG(JA(2), LD_NR, LD_NR, RET_A), ACCEPT },
	{ "JA past the end", PROG(JA(3), LD_NR, LD_NR, RET_A), 0 },
	{ "JA ~0", PROG(LD_NR, JA(0xffffffff), RET_A), 1 },
	{ "JA 0x80000000", PROG(LD_NR, JA(0x80000000), RET_A), 1 },
	{ "JA 1 before the last", PROG(LD_NR, JA(1), RET_A), 1 },
	{ "JA ignores jt and jf", PROG(INSN(0x05, 200, 200, 0), RET_A),
	  ACCEPT },
	/* conditional jumps: pc + j + 1 < len */
	{ "JEQ jt=jf=0", PROG(LD_NR, JEQ(0, 0, 0), RET_A), ACCEPT },
	{ "JEQ jt to the last", PROG(LD_NR, JEQ(0, 1, 0), LD_NR, RET_A),
	  ACCEPT },
	{ "JEQ jf to the last", PROG(LD_NR, JEQ(0, 0, 1), LD_NR, RET_A),
	  ACCEPT },
	{ "JEQ jt past the end", PROG(LD_NR, JEQ(0, 2, 0), LD_NR, RET_A), 1 },
	{ "JEQ jf past the end", PROG(LD_NR, JEQ(0, 0, 2), LD_NR, RET_A), 1 },
	{ "JGT X jt past the end", PROG(JMP_X(BPF_JGT, 1, 0), RET_A), 0 },
	{ "JGE X jf past the end", PROG(JMP_X(BPF_JGE, 0, 1), RET_A), 0 },
	{ "JSET K jt 255", PROG(LD_NR, JMP_K(BPF_JSET, 1, 255, 0), RET_A), 1 },
	{ "JSET X jf 255", PROG(LD_NR, JMP_X(BPF_JSET, 0, 255), RET_A), 1 },
	{ "jump as the last insn", PROG(RET_A, JEQ(0, 0, 0)), 1 },
	/* the last instruction returns */
	{ "RET K alone", PROG(RET_K(ALLOW)), ACCEPT },
	{ "RET A alone", PROG(RET_A), ACCEPT },
	{ "ends with LD", PROG(RET_A, LD_NR), 1 },
	{ "ends with TAX", PROG(LD_NR, RET_A, TAX), 2 },
	{ "ends with JA 0", PROG(RET_A, JA(0)), 1 },
	{ "ends with RET X", PROG(RET_A, INSN(0x0e, 0, 0, 0)), 1 },
	{ "RET in the middle too", PROG(LD_NR, RET_K(0), RET_A), ACCEPT },
	/* fields the checkers ignore */
	{ "jt/jf on non-jumps",
	  PROG(INSN(0x20, 7, 9, 0), INSN(0x04, 1, 2, 3),
	       INSN(0x06, 255, 255, ALLOW)),
	  ACCEPT },
	{ "k on TAX, TXA, NEG, LEN, RET A",
	  PROG(INSN(0x07, 0, 0, 0xdead), INSN(0x87, 0, 0, 1),
	       INSN(0x84, 0, 0, 7), INSN(0x80, 0, 0, 1234),
	       INSN(0x81, 0, 0, 0xffffffff), INSN(0x16, 0, 0, 99)),
	  ACCEPT },
	/*
	 * Order: the classic pass runs over every instruction first, then
	 * the last-instruction check, then check_load_and_stores(), then the
	 * seccomp pass.  The first failure is the one reported.
	 */
	{ "classic DIV 0 before seccomp opcode",
	  PROG(INSN(0x28, 0, 0, 0), ALU_K(BPF_DIV, 0), RET_A), 1 },
	{ "first unknown opcode wins",
	  PROG(INSN(0xff, 0, 0, 0), ALU_K(BPF_DIV, 0), RET_A), 0 },
	{ "DIV 0 before an unknown opcode",
	  PROG(ALU_K(BPF_DIV, 0), INSN(0xff, 0, 0, 0), RET_A), 0 },
	{ "last insn before the memory check", PROG(LD_MEM(0), LD_NR), 1 },
	{ "seccomp pass in order",
	  PROG(LD_NR, INSN(0x28, 0, 0, 0), LD_ABS(64), RET_A), 1 },
	{ "bad seccomp load before classic-only",
	  PROG(LD_ABS(64), INSN(0x28, 0, 0, 0), RET_A), 0 },
	{ "LD|W|ABS 64 passes the classic pass",
	  PROG(LD_ABS(64), LD_MEM(0), RET_A), 1 },
	{ "SKF_NET_OFF passes the classic pass",
	  PROG(LD_ABS(0xfff00000), LD_MEM(0), RET_A), 1 },
	{ "known ancillary load passes the classic pass",
	  PROG(LD_ABS(0xfffff000), LD_MEM(0), RET_A), 1 },
	{ "known ancillary VLAN_TPID passes the classic pass",
	  PROG(LD_ABS(0xfffff03c), LD_MEM(0), RET_A), 1 },
	/*
	 * bpf_check_classic() refuses an LD ABS with k >= SKF_AD_OFF that
	 * is no known ancillary load, before check_load_and_stores() runs.
	 */
	{ "unknown ancillary W load fails the classic pass",
	  PROG(LD_ABS(0xfffff040), LD_MEM(0), RET_A), 0 },
	{ "unknown ancillary W load, odd offset",
	  PROG(LD_ABS(0xfffff001), LD_MEM(0), RET_A), 0 },
	{ "unknown ancillary W load ~0",
	  PROG(LD_ABS(0xffffffff), ALU_K(BPF_DIV, 0), RET_A), 0 },
	{ "unknown ancillary B load",
	  PROG(INSN(0x30, 0, 0, 0xffffffff), LD_MEM(0), RET_A), 0 },
	/*
	 * Scratch memory, check_load_and_stores(): the valid set starts
	 * empty; stores add to it; a jump ANDs it into its targets' masks
	 * and resets it to all-valid; RET does not reset it.
	 */
	{ "load before any store", PROG(LD_MEM(0), RET_A), 0 },
	{ "LDX before any store", PROG(LDX_MEM(7), RET_A), 0 },
	{ "store then load", PROG(ST(0), LD_MEM(0), RET_A), ACCEPT },
	{ "STX then LDX", PROG(STX(3), LDX_MEM(3), RET_A), ACCEPT },
	{ "STX then LD", PROG(LDX_IMM(5), STX(4), LD_MEM(4), RET_A), ACCEPT },
	{ "store of another word", PROG(ST(0), LD_MEM(1), RET_A), 1 },
	{ "load then store", PROG(LD_MEM(0), ST(0), RET_A), 0 },
	{ "store survives ALU and loads",
	  PROG(ST(7), LD_NR, ALU_K(BPF_ADD, 1), TAX, LDX_MEM(7), RET_A),
	  ACCEPT },
	{ "store before a branch",
	  PROG(ST(0), LD_NR, JEQ(1, 0, 1), RET_K(0), LD_MEM(0), RET_A),
	  ACCEPT },
	{ "store on the taken branch only",
	  PROG(LD_NR, JEQ(1, 0, 1), ST(0), LD_MEM(0), RET_A), 3 },
	{ "store on both branches",
	  PROG(LD_NR, JEQ(1, 0, 2), ST(0), JA(1), ST(0), LD_MEM(0), RET_A),
	  ACCEPT },
	{ "store on one of two jumps into the load",
	  PROG(LD_NR, JEQ(1, 2, 0), ST(0), JA(0), LD_MEM(0), RET_A), 4 },
	{ "jt=jf=0 keeps the valid set",
	  PROG(ST(0), LD_NR, JEQ(0, 0, 0), LD_MEM(0), RET_A), ACCEPT },
	{ "jt=jf=0 without a store",
	  PROG(LD_NR, JEQ(0, 0, 0), LD_MEM(0), RET_A), 2 },
	{ "JA 0 keeps the valid set", PROG(ST(2), JA(0), LD_MEM(2), RET_A),
	  ACCEPT },
	{ "JA 0 without a store", PROG(LD_NR, JA(0), LD_MEM(2), RET_A), 2 },
	{ "dead code after JA is all-valid", PROG(JA(1), LD_MEM(5), RET_A),
	  ACCEPT },
	{ "dead code after a jump over it is all-valid",
	  PROG(LD_NR, JEQ(0, 1, 1), LD_MEM(2), RET_A), ACCEPT },
	{ "dead code after RET is not", PROG(RET_K(ALLOW), LD_MEM(0), RET_A),
	  1 },
	{ "dead code after RET keeps the stores",
	  PROG(ST(1), RET_K(ALLOW), LD_MEM(1), RET_A), ACCEPT },
	{ "JA target keeps the word stored before the JA",
	  PROG(ST(1), JA(1), ST(2), LD_MEM(1), RET_A), ACCEPT },
	{ "JA target loses the dead store",
	  PROG(ST(1), JA(1), ST(2), LD_MEM(2), RET_A), 3 },
	{ "mask of a jump target is an intersection",
	  PROG(ST(1), ST(2), LD_NR, JEQ(1, 2, 0), ST(3), JA(0), LD_MEM(1),
	       LD_MEM(3), RET_A),
	  7 },
	{ "word stored on every path into a join",
	  PROG(ST(1), ST(2), LD_NR, JEQ(1, 2, 0), ST(3), JA(0), LD_MEM(1),
	       LD_MEM(2), RET_A),
	  ACCEPT },
};

START_TEST(test_check_table)
{
	const struct check_case *c = &check_cases[_i];

	expect_check(c->name, c->prog, c->len, c->insn);
}
END_TEST

START_TEST(test_check_length)
{
	struct sock_filter *p = calloc(CBPF_MAXINSNS + 300, sizeof(*p));
	size_t i;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < CBPF_MAXINSNS + 300; i++)
		p[i] = (struct sock_filter)RET_K(ALLOW);
	expect_check("empty", p, 0, 0);
	expect_check("1", p, 1, ACCEPT);
	expect_check("4096", p, 4096, ACCEPT);
	expect_check("4097", p, 4097, 4097);
	expect_check("4200", p, 4200, 4200);

	/* long-range jumps: JA spans the whole program */
	p[0] = (struct sock_filter)JA(4094);
	expect_check("JA 4094 in 4096", p, 4096, ACCEPT);
	p[0] = (struct sock_filter)JA(4095);
	expect_check("JA 4095 in 4096", p, 4096, 0);

	/* conditional jumps reach 255 ahead */
	p[0] = (struct sock_filter)LD_NR;
	p[1] = (struct sock_filter)JEQ(0, 255, 255);
	expect_check("JEQ 255 in 258", p, 258, ACCEPT);
	expect_check("JEQ 255 in 257", p, 257, 1);

	/* a length error is reported before any instruction error */
	p[0] = (struct sock_filter)INSN(0xff, 0, 0, 0);
	expect_check("4097 with a bad opcode", p, 4097, 4097);
	free(p);
}
END_TEST

/* A load at the end of a 4096-insn chain of JA 0, the store at pc 0. */
START_TEST(test_check_long_dataflow)
{
	struct sock_filter *p = calloc(CBPF_MAXINSNS, sizeof(*p));
	size_t i;

	ck_assert_ptr_nonnull(p);
	p[0] = (struct sock_filter)ST(9);
	for (i = 1; i < CBPF_MAXINSNS - 2; i++)
		p[i] = (struct sock_filter)JA(0);
	p[CBPF_MAXINSNS - 2] = (struct sock_filter)LD_MEM(9);
	p[CBPF_MAXINSNS - 1] = (struct sock_filter)RET_A;
	expect_check("store carried through 4093 JA 0", p, CBPF_MAXINSNS,
		     ACCEPT);
	p[0] = (struct sock_filter)ST(8);
	expect_check("other word carried", p, CBPF_MAXINSNS, CBPF_MAXINSNS - 2);
	free(p);
}
END_TEST

/*
 * bpf_prog_xlated_len() and the MAX_INSNS_PER_PATH stacking count
 */

struct xlen_case {
	const char *name;
	struct sock_filter prog[PROG_MAX];
	size_t len;
	unsigned int n_ret; /* if not 0: the program is n_ret times RET K */
	unsigned int xlen;
	unsigned int depth; /* measured filter count on 6.18, or 0 */
};

static const struct xlen_case xlen_cases[] = {
	/* measured (§2.5) */
	{ "1 x RET", .n_ret = 1, .xlen = 5, .depth = 3641 },
	{ "2 x RET", .n_ret = 2, .xlen = 7, .depth = 2979 },
	{ "10 x RET", .n_ret = 10, .xlen = 23, .depth = 1213 },
	{ "100 x RET", .n_ret = 100, .xlen = 203, .depth = 158 },
	{ "1000 x RET", .n_ret = 1000, .xlen = 2003, .depth = 16 },
	{ "4096 x RET", .n_ret = 4096, .xlen = 8195, .depth = 3 },
	{ "JEQ jt=0 jf=1",
	  PROG(LD_NR, JEQ(39, 0, 1), RET_K(ALLOW), RET_K(KILL_PROCESS)),
	  .xlen = 9, .depth = 2520 },
	{ "JSET jt=0 jf=1",
	  PROG(LD_NR, JMP_K(BPF_JSET, 1, 0, 1), RET_K(ALLOW),
	       RET_K(KILL_PROCESS)),
	  .xlen = 10, .depth = 2340 },
	{ "JEQ negative k jt=1 jf=0",
	  PROG(LD_NR, JEQ(0xffffffff, 1, 0), RET_K(ALLOW), RET_K(KILL_PROCESS)),
	  .xlen = 10, .depth = 2340 },
	{ "DIV X", PROG(LDX_IMM(3), LD_IMM(7), ALU_X(BPF_DIV), RET_A),
	  .xlen = 11, .depth = 2184 },
	{ "JEQ jt=1 jf=2",
	  PROG(LD_NR, JEQ(39, 1, 2), RET_K(ALLOW), RET_K(ERRNO | 1),
	       RET_K(KILL_PROCESS)),
	  .xlen = 12, .depth = 2048 },
	/*
	 * From the per-instruction rule of §2.5.  The stacking counts these
	 * lengths give were checked on Linux 6.18 too.
	 */
	{ "RET A", PROG(RET_A), .xlen = 4 },
	{ "one-slot instructions",
	  PROG(LD_LEN, LDX_LEN, TAX, TXA, NEG, ST(0), LD_MEM(0), STX(1),
	       LDX_MEM(1), ALU_K(BPF_DIV, 3), ALU_X(BPF_MUL), ALU_K(BPF_LSH, 1),
	       JA(0), RET_A),
	  .xlen = 3 + 14 },
	{ "JGT jt=0 jf=1",
	  PROG(LD_NR, JMP_K(BPF_JGT, 9, 0, 1), RET_K(ALLOW), RET_A),
	  .xlen = 3 + 1 + 1 + 2 + 1 },
	{ "JGE jt=0 jf=1",
	  PROG(LD_NR, JMP_K(BPF_JGE, 9, 0, 1), RET_K(ALLOW), RET_A),
	  .xlen = 3 + 1 + 1 + 2 + 1 },
	{ "JSET X jt=0 jf=1",
	  PROG(LD_NR, JMP_X(BPF_JSET, 0, 1), RET_K(ALLOW), RET_A),
	  .xlen = 3 + 1 + 2 + 2 + 1 },
	{ "JEQ X jt=1 jf=1", PROG(LD_NR, JMP_X(BPF_JEQ, 1, 1), RET_A, RET_A),
	  .xlen = 3 + 1 + 2 + 1 + 1 },
	{ "JGE k=0x80000000 jt=jf=0",
	  PROG(LD_NR, JMP_K(BPF_JGE, 0x80000000, 0, 0), RET_A),
	  .xlen = 3 + 1 + 2 + 1 },
	{ "JEQ X ignores a negative k",
	  PROG(LD_NR, INSN(BPF_JMP | BPF_JEQ | BPF_X, 0, 1, 0xffffffff), RET_A,
	       RET_A),
	  .xlen = 3 + 1 + 1 + 1 + 1 },
	{ "JSET negative k jt=1 jf=1",
	  PROG(LD_NR, JMP_K(BPF_JSET, 0x80000000, 1, 1), RET_A, RET_A),
	  .xlen = 3 + 1 + 3 + 1 + 1 },
	{ "two DIV X",
	  PROG(LDX_IMM(1), LD_NR, ALU_X(BPF_DIV), ALU_X(BPF_DIV), RET_A),
	  .xlen = 3 + 1 + 1 + 5 + 5 + 1 },
};

/* Fills @buf (of at least CBPF_MAXINSNS) with the case's program. */
static size_t
xlen_prog(const struct xlen_case *c, struct sock_filter *buf)
{
	size_t i;

	if (c->n_ret == 0) {
		memcpy(buf, c->prog, c->len * sizeof(*buf));
		return c->len;
	}
	for (i = 0; i < c->n_ret; i++)
		buf[i] = (struct sock_filter)RET_K(ALLOW);
	return c->n_ret;
}

START_TEST(test_xlated_len)
{
	const struct xlen_case *c = &xlen_cases[_i];
	struct sock_filter *p = calloc(CBPF_MAXINSNS, sizeof(*p));
	size_t len;

	ck_assert_ptr_nonnull(p);
	len = xlen_prog(c, p);
	ck_assert_int_eq(bpf_prog_check(p, len, NULL), 0);
	ck_assert_msg(bpf_prog_xlated_len(p, len) == c->xlen,
		      "%s: xlated length %u, want %u", c->name,
		      bpf_prog_xlated_len(p, len), c->xlen);
	free(p);
}
END_TEST

/*
 * Stack the case's filter until bpf_filter_new() reports -ENOMEM; the
 * count must be what the kernel allows.
 */
static void
expect_stack_depth(const struct xlen_case *c,
		   const struct bpf_cache_layout *layout)
{
	struct sock_filter *p = calloc(CBPF_MAXINSNS, sizeof(*p));
	struct bpf_filter *top = NULL, *f;
	struct bpf_error err;
	unsigned int n = 0, want;
	size_t len;
	int r;

	ck_assert_ptr_nonnull(p);
	len = xlen_prog(c, p);
	want = (CBPF_MAX_INSNS_PER_PATH - c->xlen) / (c->xlen + 4) + 1;
	if (c->depth)
		ck_assert_uint_eq(want, c->depth);
	for (;;) {
		memset(&err, 0, sizeof(err));
		f = NULL;
		r = bpf_filter_new(top, p, len, layout, 0, &f, &err);
		if (r != 0)
			break;
		bpf_filter_unref(top);
		top = f;
		n++;
		ck_assert_uint_le(n, want);
	}
	ck_assert_msg(r == -ENOMEM, "%s: filter %u refused with %d: %s",
		      c->name, n + 1, r, err.msg);
	ck_assert_msg(err.msg[0] != '\0', "%s: empty message", c->name);
	ck_assert_msg(n == want, "%s: %u filters stacked, want %u", c->name, n,
		      want);
	ck_assert_uint_eq(bpf_filter_depth(top), n);
	/* the chain is unchanged and still refuses more */
	ck_assert_int_eq(bpf_filter_new(top, p, len, layout, 0, &f, NULL),
			 -ENOMEM);
	ck_assert_uint_eq(bpf_filter_depth(top), n);
	ck_assert_ptr_null(bpf_filter_unref(top));
	free(p);
}

START_TEST(test_filter_new_stacking)
{
	expect_stack_depth(&xlen_cases[_i], NULL);
}
END_TEST

/* The action-cache layout does not change the count. */
START_TEST(test_filter_new_stacking_layout)
{
	expect_stack_depth(&xlen_cases[0], arch_cache_layout_host());
	expect_stack_depth(&xlen_cases[6], arch_cache_layout_host());
}
END_TEST

/* A big filter on a long chain: only the existing filters pay +4. */
START_TEST(test_filter_new_path_total)
{
	struct sock_filter *p = calloc(CBPF_MAXINSNS, sizeof(*p));
	struct bpf_filter *top = NULL, *f = NULL;
	unsigned int i;
	size_t len;

	ck_assert_ptr_nonnull(p);
	for (i = 0; i < CBPF_MAXINSNS; i++)
		p[i] = (struct sock_filter)RET_K(ALLOW);
	/* three 4096 x RET filters, L = 8195 each */
	for (i = 0; i < 3; i++)
		top = chain_push(top, p, CBPF_MAXINSNS, NULL);
	/*
	 * A fourth filter is charged L + 3 * (8195 + 4): it fits exactly
	 * when L <= 32768 - 24597 = 8171, that is 4084 RETs.
	 */
	len = 4085;
	ck_assert_uint_eq(bpf_prog_xlated_len(p, len), 8173);
	ck_assert_int_eq(bpf_filter_new(top, p, len, NULL, 0, &f, NULL),
			 -ENOMEM);
	len = 4084;
	ck_assert_uint_eq(bpf_prog_xlated_len(p, len), 8171);
	ck_assert_int_eq(bpf_filter_new(top, p, len, NULL, 0, &f, NULL), 0);
	bpf_filter_unref(top);
	ck_assert_uint_eq(bpf_filter_depth(f), 4);
	/* the chain is now charged 24597 + 8171 + 4: not even RET A fits */
	p[0] = (struct sock_filter)RET_A;
	top = NULL;
	ck_assert_int_eq(bpf_filter_new(f, p, 1, NULL, 0, &top, NULL), -ENOMEM);
	bpf_filter_unref(f);
	free(p);
}
END_TEST

START_TEST(test_filter_new_errors)
{
	const struct sock_filter bad[] = { LD_NR, ALU_K(BPF_DIV, 0), RET_A };
	const struct sock_filter good[] = { RET_K(ALLOW) };
	struct bpf_cache_layout other;
	struct bpf_filter *f = NULL, *g = NULL;
	struct bpf_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(
	    bpf_filter_new(NULL, bad, ARRAY_SIZE(bad), NULL, 0, &f, &err),
	    -EINVAL);
	ck_assert_uint_eq(err.insn, 1);
	ck_assert(err.msg[0] != '\0');
	ck_assert_int_eq(bpf_filter_new(NULL, bad, 0, NULL, 0, &f, NULL),
			 -EINVAL);

	/* a chain keeps one layout */
	f = filter_new(NULL, good, 1, arch_cache_layout_host());
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(bpf_filter_new(f, good, 1, NULL, 0, &g, &err),
			 -EINVAL);
	ck_assert(err.msg[0] != '\0');
	other = *arch_cache_layout_host();
	ck_assert_int_eq(bpf_filter_new(f, good, 1, &other, 0, &g, NULL),
			 -EINVAL);
	ck_assert_uint_eq(bpf_filter_depth(f), 1);
	bpf_filter_unref(f);
}
END_TEST

START_TEST(test_filter_new_accessors)
{
	const struct sock_filter p1[] = { LD_NR, JEQ(39, 0, 1),
					  RET_K(ERRNO | 1), RET_K(ALLOW) };
	struct sock_filter p2[] = { RET_K(TRAP | 7) };
	const struct sock_filter *got;
	struct bpf_filter *f1, *f2;
	size_t len = 0;

	ck_assert_int_eq(bpf_filter_new(NULL, p1, ARRAY_SIZE(p1), NULL,
					0x1234abcd, &f1, NULL),
			 0);
	ck_assert_int_eq(bpf_filter_new(f1, p2, 1, NULL, 7, &f2, NULL), 0);
	/* the program is copied */
	p2[0].k = 0;
	got = bpf_filter_prog(f2, &len);
	ck_assert_uint_eq(len, 1);
	ck_assert_ptr_ne(got, p2);
	ck_assert_uint_eq(got[0].code, BPF_RET | BPF_K);
	ck_assert_uint_eq(got[0].k, TRAP | 7);
	got = bpf_filter_prog(f1, &len);
	ck_assert_uint_eq(len, ARRAY_SIZE(p1));
	ck_assert_mem_eq(got, p1, sizeof(p1));
	ck_assert_ptr_nonnull(bpf_filter_prog(f1, NULL));

	ck_assert_uint_eq(bpf_filter_flags(f1), 0x1234abcd);
	ck_assert_uint_eq(bpf_filter_flags(f2), 7);
	ck_assert_uint_eq(bpf_filter_depth(f1), 1);
	ck_assert_uint_eq(bpf_filter_depth(f2), 2);
	ck_assert_ptr_eq(bpf_filter_prev(f2), f1);
	ck_assert_ptr_null(bpf_filter_prev(f1));
	bpf_filter_unref(f1);
	ck_assert_ptr_eq(bpf_filter_prev(f2), f1);
	ck_assert_uint_eq(bpf_filter_run(bpf_filter_prev(f2), &sd_std),
			  ERRNO | 1);
	bpf_filter_unref(f2);
}
END_TEST

/*
 * Interpreter rules (§2.4), for bpf_prog_run_naive() and bpf_filter_run()
 */

struct run_case {
	const char *name;
	struct sock_filter prog[PROG_MAX];
	size_t len;
	uint32_t want;	    /* on sd_std */
	unsigned int count; /* instructions run; 0: not checked */
};

static const struct run_case run_cases[] = {
	{ "DIV X by 0 returns 0",
	  PROG(LD_IMM(7), LDX_IMM(0), ALU_X(BPF_DIV), RET_K(ALLOW)), 0, 3 },
	{ "DIV X by 0 with A = nr",
	  PROG(LD_NR, ALU_X(BPF_DIV), LD_IMM(1), RET_K(ERRNO | 1)), 0, 2 },
	{ "DIV X by 0 after a jump",
	  PROG(LD_NR, JEQ(39, 0, 1), ALU_X(BPF_DIV), RET_K(ALLOW)), 0, 3 },
	{ "DIV X", PROG(LD_IMM(100), LDX_IMM(7), ALU_X(BPF_DIV), RET_A), 14 },
	{ "DIV X is unsigned",
	  PROG(LD_IMM(0xfffffffe), LDX_IMM(2), ALU_X(BPF_DIV), RET_A),
	  0x7fffffff },
	{ "DIV K", PROG(LD_IMM(100), ALU_K(BPF_DIV, 7), RET_A), 14 },
	{ "DIV K is unsigned",
	  PROG(LD_IMM(0xffffffff), ALU_K(BPF_DIV, 2), RET_A), 0x7fffffff },
	{ "LSH X 33 is LSH 1",
	  PROG(LD_IMM(1), LDX_IMM(33), ALU_X(BPF_LSH), RET_A), 2 },
	{ "LSH X 32 is LSH 0",
	  PROG(LD_IMM(1), LDX_IMM(32), ALU_X(BPF_LSH), RET_A), 1 },
	{ "LSH X ~0 is LSH 31",
	  PROG(LD_IMM(1), LDX_IMM(0xffffffff), ALU_X(BPF_LSH), RET_A),
	  0x80000000 },
	{ "RSH X 63 is RSH 31",
	  PROG(LD_IMM(0x80000000), LDX_IMM(63), ALU_X(BPF_RSH), RET_A), 1 },
	{ "RSH X 32 is RSH 0",
	  PROG(LD_IMM(0x80000000), LDX_IMM(32), ALU_X(BPF_RSH), RET_A),
	  0x80000000 },
	{ "RSH K is logical",
	  PROG(LD_IMM(0x80000000), ALU_K(BPF_RSH, 31), RET_A), 1 },
	{ "LSH K 31", PROG(LD_IMM(3), ALU_K(BPF_LSH, 31), RET_A), 0x80000000 },
	{ "LD LEN is 64", PROG(LD_LEN, RET_A), 64 },
	{ "LDX LEN is 64", PROG(LDX_LEN, TXA, RET_A), 64 },
	{ "LEN ignores k", PROG(INSN(0x80, 0, 0, 5), RET_A), 64 },
	{ "JGT is unsigned",
	  PROG(LD_IMM(0xffffffff), JMP_K(BPF_JGT, 1, 0, 1), RET_K(1), RET_K(2)),
	  1 },
	{ "JGE is unsigned",
	  PROG(LD_IMM(0x80000000), JMP_K(BPF_JGE, 0x7fffffff, 0, 1), RET_K(1),
	       RET_K(2)),
	  1 },
	{ "JGT X is unsigned",
	  PROG(LDX_IMM(1), LD_IMM(0xffffffff), JMP_X(BPF_JGT, 0, 1), RET_K(1),
	       RET_K(2)),
	  1 },
	{ "JGE X equal",
	  PROG(LDX_IMM(5), LD_IMM(5), JMP_X(BPF_JGE, 0, 1), RET_K(1), RET_K(2)),
	  1 },
	{ "JGT equal is false",
	  PROG(LD_IMM(5), JMP_K(BPF_JGT, 5, 0, 1), RET_K(1), RET_K(2)), 2 },
	{ "JEQ X",
	  PROG(LD_NR, LDX_IMM(39), JMP_X(BPF_JEQ, 0, 1), RET_K(1), RET_K(2)),
	  1 },
	{ "JEQ jt=jf=0", PROG(LD_NR, JEQ(39, 0, 0), RET_K(3)), 3, 3 },
	{ "JSET K set",
	  PROG(LD_IMM(6), JMP_K(BPF_JSET, 2, 0, 1), RET_K(1), RET_K(2)), 1 },
	{ "JSET K clear",
	  PROG(LD_IMM(6), JMP_K(BPF_JSET, 1, 0, 1), RET_K(1), RET_K(2)), 2 },
	{ "JSET X",
	  PROG(LDX_IMM(0x100), LD_IMM(0x1ff), JMP_X(BPF_JSET, 0, 1), RET_K(1),
	       RET_K(2)),
	  1 },
	{ "JSET X clear",
	  PROG(LDX_IMM(0x200), LD_IMM(0x1ff), JMP_X(BPF_JSET, 0, 1), RET_K(1),
	       RET_K(2)),
	  2 },
	{ "JA", PROG(JA(1), RET_K(1), RET_K(2)), 2, 2 },
	{ "jump skips",
	  PROG(LD_NR, JEQ(39, 2, 0), RET_K(1), RET_K(2), RET_K(3)), 3, 3 },
	{ "NEG", PROG(LD_IMM(1), NEG, RET_A), 0xffffffff },
	{ "NEG INT_MIN", PROG(LD_IMM(0x80000000), NEG, RET_A), 0x80000000 },
	{ "NEG 0", PROG(NEG, RET_A), 0 },
	{ "RET A", PROG(LD_NR, RET_A), 39 },
	{ "A starts at 0", PROG(RET_A), 0, 1 },
	{ "X starts at 0", PROG(TXA, RET_A), 0 },
	{ "RET K data", PROG(RET_K(ERRNO | 13)), ERRNO | 13, 1 },
	{ "scratch words",
	  PROG(LD_IMM(5), ST(3), LD_IMM(9), ST(4), LDX_MEM(3), LD_MEM(4),
	       ALU_X(BPF_ADD), RET_A),
	  14 },
	{ "STX", PROG(LDX_IMM(77), STX(15), LD_MEM(15), RET_A), 77 },
	{ "scratch overwrite",
	  PROG(LD_IMM(1), ST(0), LD_IMM(2), ST(0), LD_MEM(0), RET_A), 2 },
	{ "scratch per word",
	  PROG(LD_IMM(1), ST(0), LD_IMM(2), ST(15), LD_MEM(0), RET_A), 1 },
	{ "ADD wraps", PROG(LD_IMM(0xffffffff), ALU_K(BPF_ADD, 2), RET_A), 1 },
	{ "SUB wraps", PROG(ALU_K(BPF_SUB, 1), RET_A), 0xffffffff },
	{ "SUB X", PROG(LD_IMM(10), LDX_IMM(3), ALU_X(BPF_SUB), RET_A), 7 },
	{ "MUL wraps", PROG(LD_IMM(0x10000), ALU_K(BPF_MUL, 0x10000), RET_A),
	  0 },
	{ "MUL X", PROG(LD_IMM(7), LDX_IMM(6), ALU_X(BPF_MUL), RET_A), 42 },
	{ "AND K", PROG(LD_IMM(0xf0f0), ALU_K(BPF_AND, 0xff00), RET_A),
	  0xf000 },
	{ "OR K", PROG(LD_IMM(0xf0f0), ALU_K(BPF_OR, 0x0f00), RET_A), 0xfff0 },
	{ "XOR K", PROG(LD_IMM(0xf0f0), ALU_K(BPF_XOR, 0xffff), RET_A),
	  0x0f0f },
	{ "AND X", PROG(LD_IMM(6), LDX_IMM(3), ALU_X(BPF_AND), RET_A), 2 },
	{ "OR X", PROG(LD_IMM(6), LDX_IMM(3), ALU_X(BPF_OR), RET_A), 7 },
	{ "XOR X", PROG(LD_IMM(6), LDX_IMM(3), ALU_X(BPF_XOR), RET_A), 5 },
	{ "TAX and TXA", PROG(LD_IMM(9), TAX, LD_IMM(0), TXA, RET_A), 9 },
	{ "LD nr", PROG(LD_ABS(OFF_NR), RET_A), 39 },
	{ "LD arch", PROG(LD_ABS(OFF_ARCH), RET_A), AUDIT_ARCH_X86_64 },
	{ "LD ip low", PROG(LD_ABS(OFF_IP_LO), RET_A), 0x11223344 },
	{ "LD ip high", PROG(LD_ABS(OFF_IP_HI), RET_A), 0x00007f00 },
	{ "LD args[0] low", PROG(LD_ABS(OFF_ARG_LO(0)), RET_A), 0x55667788 },
	{ "LD args[0] high", PROG(LD_ABS(OFF_ARG_HI(0)), RET_A), 0x11223344 },
	{ "LD args[1] high", PROG(LD_ABS(OFF_ARG_HI(1)), RET_A), 0xffffffff },
	{ "LD args[3] high", PROG(LD_ABS(OFF_ARG_HI(3)), RET_A), 0x80000000 },
	{ "LD args[5] low", PROG(LD_ABS(OFF_ARG_LO(5)), RET_A), 0xcafef00d },
	{ "LD args[5] high", PROG(LD_ABS(OFF_ARG_HI(5)), RET_A), 0xdeadbeef },
};

START_TEST(test_naive_rules)
{
	const struct run_case *c = &run_cases[_i];
	unsigned int count = 0;
	uint32_t got;

	ck_assert_int_eq(bpf_prog_check(c->prog, c->len, NULL), 0);
	got = bpf_prog_run_naive(c->prog, c->len, &sd_std, &count);
	ck_assert_msg(got == c->want, "%s: got 0x%08x, want 0x%08x", c->name,
		      got, c->want);
	if (c->count)
		ck_assert_msg(count == c->count, "%s: ran %u, want %u", c->name,
			      count, c->count);
	ck_assert_uint_eq(bpf_prog_run_naive(c->prog, c->len, &sd_std, NULL),
			  c->want);
}
END_TEST

/* JA 0 is a no-op; eight of them make a program long enough for the
 * per-nr entry tables. */
#define PAD_LEN 8

START_TEST(test_filter_run_rules)
{
	const struct run_case *c = &run_cases[_i];
	const struct bpf_cache_layout *host = arch_cache_layout_host();
	struct sock_filter padded[PAD_LEN + PROG_MAX];
	struct bpf_filter *f_null, *f_host, *f_pad;
	struct seccomp_data sd = sd_std;
	static const uint32_t archs[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386,
					  AUDIT_ARCH_AARCH64 };
	static const int32_t nrs[] = { 0, 39, 335, 511, 512, -1 };
	size_t i, j;

	for (i = 0; i < PAD_LEN; i++)
		padded[i] = (struct sock_filter)JA(0);
	memcpy(padded + PAD_LEN, c->prog, c->len * sizeof(*padded));
	f_null = filter_new(NULL, c->prog, c->len, NULL);
	f_host = filter_new(NULL, c->prog, c->len, host);
	f_pad = filter_new(NULL, padded, PAD_LEN + c->len, host);

	ck_assert_msg(bpf_filter_run(f_null, &sd_std) == c->want, "%s",
		      c->name);
	ck_assert_msg(bpf_filter_run(f_host, &sd_std) == c->want, "%s",
		      c->name);
	ck_assert_msg(bpf_filter_run(f_pad, &sd_std) == c->want,
		      "%s: padded: got 0x%08x", c->name,
		      bpf_filter_run(f_pad, &sd_std));
	for (i = 0; i < ARRAY_SIZE(archs); i++) {
		for (j = 0; j < ARRAY_SIZE(nrs); j++) {
			uint32_t want;

			sd.arch = archs[i];
			sd.nr = nrs[j];
			want = bpf_prog_run_naive(c->prog, c->len, &sd, NULL);
			ck_assert_msg(bpf_filter_run(f_null, &sd) == want &&
					  bpf_filter_run(f_host, &sd) == want &&
					  bpf_filter_run(f_pad, &sd) == want,
				      "%s: arch 0x%08x nr %d", c->name, sd.arch,
				      sd.nr);
		}
	}
	bpf_filter_unref(f_null);
	bpf_filter_unref(f_host);
	bpf_filter_unref(f_pad);
}
END_TEST

/*
 * Random programs.  The generator tracks check_load_and_stores()'s valid
 * set while it writes, so every program it makes is one the kernel
 * accepts, scratch loads included.
 */

#define SEED	0x5eedb0f5c0ffee11ULL
#define GEN_MAX 256

struct rng {
	uint64_t s;
};

/* splitmix64: small, and the same sequence on every host */
static uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_next(r) % n);
}

static bool
rng_pct(struct rng *r, unsigned int pct)
{
	return rng_below(r, 100) < pct;
}

/* Constants a filter compares with, and that calls carry. */
static const uint32_t k_pool[] = { 0,
				   1,
				   2,
				   3,
				   4,
				   5,
				   7,
				   31,
				   32,
				   39,
				   59,
				   60,
				   231,
				   335,
				   336,
				   511,
				   512,
				   0xff,
				   0x1f0,
				   0xfff,
				   0xffff,
				   0x10000,
				   0x3fffffff,
				   0x40000000,
				   0x40000001,
				   0x7fffffff,
				   0x80000000,
				   0x80000001,
				   0xfffffffe,
				   0xffffffff,
				   AUDIT_ARCH_X86_64,
				   AUDIT_ARCH_I386,
				   AUDIT_ARCH_AARCH64 };

static uint32_t
gen_k(struct rng *r)
{
	switch (rng_below(r, 5)) {
	case 0:
	case 1:
		return k_pool[rng_below(r, ARRAY_SIZE(k_pool))];
	case 2:
		return rng_below(r, 512);
	case 3:
		return rng_below(r, 16);
	default:
		return (uint32_t)rng_next(r);
	}
}

static uint64_t
gen_u64(struct rng *r)
{
	uint64_t hi;

	switch (rng_below(r, 4)) {
	case 0:
		hi = 0;
		break;
	case 1:
		hi = 0xffffffff;
		break;
	default:
		hi = gen_k(r);
		break;
	}
	return hi << 32 | gen_k(r);
}

static uint32_t
gen_ret(struct rng *r)
{
	static const uint32_t acts[] = {
		KILL_PROCESS, KILL_THREAD, TRAP,       ERRNO,	   USER_NOTIF,
		TRACE,	      LOG,	   ALLOW,      ALLOW,	   ALLOW,
		ALLOW,	      ERRNO,	   0x10000000, 0x7ffe0000, 0x90000000,
	};
	uint32_t a = acts[rng_below(r, ARRAY_SIZE(acts))];

	if (rng_pct(r, 30))
		a |= rng_below(r, 0x10000);
	return a;
}

static void
gen_data(struct rng *r, struct seccomp_data *sd)
{
	static const uint32_t arch_pool[] = {
		AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, AUDIT_ARCH_X86_64 ^ 1, 0,
		0xffffffff,
	};
	uint32_t nr;
	int i;

	switch (rng_below(r, 10)) {
	case 6:
		nr = rng_below(r, 8);
		break;
	case 7:
		nr = ARCH_X32_SYSCALL_BIT | rng_below(r, 600);
		break;
	case 8:
		nr = rng_pct(r, 50) ? 0xffffffff - rng_below(r, 4)
				    : 0x80000000 + rng_below(r, 4);
		break;
	case 9:
		nr = (uint32_t)rng_next(r);
		break;
	default:
		nr = rng_below(r, 512);
		break;
	}
	sd->nr = (int32_t)nr;
	switch (rng_below(r, 5)) {
	case 0:
	case 1:
		sd->arch = AUDIT_ARCH_X86_64;
		break;
	case 2:
	case 3:
		sd->arch = AUDIT_ARCH_I386;
		break;
	default:
		sd->arch = rng_pct(r, 50)
			       ? arch_pool[rng_below(r, ARRAY_SIZE(arch_pool))]
			       : (uint32_t)rng_next(r);
		break;
	}
	sd->instruction_pointer = gen_u64(r);
	for (i = 0; i < 6; i++)
		sd->args[i] = gen_u64(r);
}

enum gen_kind {
	G_LD_NR,
	G_LD_ARCH,
	G_LD_DATA,
	G_LD_IMM,
	G_LDX_IMM,
	G_LEN,
	G_LD_MEM,
	G_ST,
	G_ALU_K,
	G_ALU_X,
	G_AND_K,
	G_MISC,
	G_JA,
	G_JMP_K,
	G_JMP_X,
	G_RET,
	G_KINDS
};

/*
 * Two mixes: one close to what policy compilers emit and the action cache
 * understands (nr and arch loads, K jumps, AND, RET), one with everything.
 */
static const unsigned int weights[2][G_KINDS] = {
	{ 16, 4, 3, 1, 1, 1, 1, 1, 2, 1, 5, 1, 5, 38, 2, 18 },
	{ 8, 3, 12, 5, 6, 2, 7, 7, 12, 9, 2, 6, 4, 14, 6, 7 },
};

struct gen {
	struct rng *r;
	struct sock_filter *p;
	size_t n;
	uint16_t masks[GEN_MAX];
	uint16_t valid; /* check_load_and_stores()'s memvalid at this pc */
	bool cacheable;
};

/* A jump offset from @pc that stays inside the program, at most @cap. */
static uint32_t
gen_off(struct gen *g, size_t pc, uint32_t cap)
{
	uint32_t max = (uint32_t)(g->n - pc - 2);

	if (max > cap)
		max = cap;
	if (max > 3 && rng_pct(g->r, 60))
		max = 3;
	return rng_below(g->r, max + 1);
}

/* Account for @f at @pc the way check_load_and_stores() does. */
static void
gen_effect(struct gen *g, size_t pc, const struct sock_filter *f)
{
	switch (f->code) {
	case BPF_ST:
	case BPF_STX:
		g->valid |= 1U << f->k;
		break;
	case BPF_JMP | BPF_JA:
		g->masks[pc + 1 + f->k] &= g->valid;
		g->valid = 0xffff;
		break;
	default:
		if (BPF_CLASS(f->code) == BPF_JMP) {
			g->masks[pc + 1 + f->jt] &= g->valid;
			g->masks[pc + 1 + f->jf] &= g->valid;
			g->valid = 0xffff;
		}
		break;
	}
}

static enum gen_kind
gen_pick(struct gen *g)
{
	const unsigned int *w = weights[g->cacheable ? 0 : 1];
	unsigned int total = 0, x;
	int i;

	for (i = 0; i < G_KINDS; i++)
		total += w[i];
	x = rng_below(g->r, total);
	for (i = 0; i < G_KINDS; i++) {
		if (x < w[i])
			return (enum gen_kind)i;
		x -= w[i];
	}
	return G_RET;
}

static struct sock_filter
gen_insn(struct gen *g, size_t pc)
{
	static const uint16_t alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL,
					    BPF_DIV, BPF_OR,  BPF_AND,
					    BPF_XOR, BPF_LSH, BPF_RSH };
	static const uint16_t jmp_ops[] = { BPF_JEQ, BPF_JEQ, BPF_JGT, BPF_JGE,
					    BPF_JSET };
	struct rng *r = g->r;
	struct sock_filter f = { 0 };
	enum gen_kind kind = gen_pick(g);
	uint16_t op;
	unsigned int w;

	switch (kind) {
	case G_LD_NR:
		return (struct sock_filter)LD_NR;
	case G_LD_ARCH:
		return (struct sock_filter)LD_ARCH;
	case G_LD_DATA:
		return (struct sock_filter)LD_ABS(8 + 4 * rng_below(r, 14));
	case G_LD_IMM:
		return (struct sock_filter)LD_IMM(gen_k(r));
	case G_LDX_IMM:
		return (struct sock_filter)LDX_IMM(gen_k(r));
	case G_LEN:
		f.code = rng_pct(r, 50) ? BPF_LD | BPF_W | BPF_LEN
					: BPF_LDX | BPF_W | BPF_LEN;
		f.k = rng_pct(r, 80) ? 0 : gen_k(r);
		return f;
	case G_LD_MEM:
		if (g->valid) {
			w = rng_below(r, 16);
			while (!(g->valid & (1U << w)))
				w = (w + 1) % 16;
			f.code = rng_pct(r, 50) ? BPF_LD | BPF_MEM
						: BPF_LDX | BPF_MEM;
			f.k = w;
			return f;
		}
		/* with nothing stored yet, store instead */
		/* FALLTHROUGH */
	case G_ST:
		f.code = rng_pct(r, 50) ? BPF_ST : BPF_STX;
		f.k = rng_below(r, 16);
		return f;
	case G_ALU_K:
		op = alu_ops[rng_below(r, ARRAY_SIZE(alu_ops))];
		f.code = BPF_ALU | op | BPF_K;
		if (op == BPF_LSH || op == BPF_RSH)
			f.k = rng_below(r, 32);
		else
			f.k = gen_k(r);
		if (op == BPF_DIV && f.k == 0)
			f.k = 3;
		return f;
	case G_ALU_X:
		op = alu_ops[rng_below(r, ARRAY_SIZE(alu_ops))];
		f.code = BPF_ALU | op | BPF_X;
		f.k = rng_pct(r, 80) ? 0 : gen_k(r);
		return f;
	case G_AND_K:
		return (struct sock_filter)ALU_K(BPF_AND, gen_k(r));
	case G_MISC:
		switch (rng_below(r, 3)) {
		case 0:
			return (struct sock_filter)NEG;
		case 1:
			return (struct sock_filter)TAX;
		default:
			return (struct sock_filter)TXA;
		}
	case G_JA:
		return (struct sock_filter)JA(gen_off(g, pc, UINT32_MAX));
	case G_JMP_K:
	case G_JMP_X:
		f.code = BPF_JMP | jmp_ops[rng_below(r, ARRAY_SIZE(jmp_ops))];
		f.code |= kind == G_JMP_X ? BPF_X : BPF_K;
		f.k = kind == G_JMP_X && rng_pct(r, 80) ? 0 : gen_k(r);
		f.jt = (uint8_t)gen_off(g, pc, 255);
		f.jf = (uint8_t)gen_off(g, pc, 255);
		return f;
	case G_RET:
	default:
		if (rng_pct(r, 15))
			return (struct sock_filter)RET_A;
		return (struct sock_filter)RET_K(gen_ret(r));
	}
}

/*
 * Writes a valid program of at most GEN_MAX instructions to @p.
 * @cacheable picks the mix; either may open with a policy compiler's
 * arch check.
 */
static size_t
gen_prog(struct rng *r, struct sock_filter *p, bool cacheable)
{
	struct gen g = { .r = r, .p = p, .cacheable = cacheable };
	struct sock_filter pro[4];
	size_t n_pro = 0, pc;
	unsigned int x = rng_below(r, 100);

	if (x < 25)
		g.n = 1 + rng_below(r, 8);
	else if (x < 80)
		g.n = 8 + rng_below(r, 40);
	else
		g.n = 48 + rng_below(r, GEN_MAX - 48 + 1);
	for (pc = 0; pc < g.n; pc++)
		g.masks[pc] = 0xffff;

	if (g.n >= 8 && rng_pct(r, cacheable ? 60 : 25)) {
		uint32_t arch = rng_pct(r, 45)	 ? AUDIT_ARCH_X86_64
				: rng_pct(r, 80) ? AUDIT_ARCH_I386
						 : gen_k(r);

		/* LD arch; JEQ arch else last; LD nr; JGE x32 bit to last */
		pro[n_pro++] = (struct sock_filter)LD_ARCH;
		pro[n_pro++] = (struct sock_filter)JEQ(arch, 0, g.n - 3);
		pro[n_pro++] = (struct sock_filter)LD_NR;
		if (rng_pct(r, 50))
			pro[n_pro++] = (struct sock_filter)JMP_K(
			    BPF_JGE, ARCH_X32_SYSCALL_BIT, g.n - 5, 0);
	}
	for (pc = 0; pc + 1 < g.n; pc++) {
		g.valid &= g.masks[pc];
		p[pc] = pc < n_pro ? pro[pc] : gen_insn(&g, pc);
		gen_effect(&g, pc, &p[pc]);
	}
	p[g.n - 1] = rng_pct(r, 10) ? (struct sock_filter)RET_A
				    : (struct sock_filter)RET_K(gen_ret(r));
	return g.n;
}

struct gprog {
	struct sock_filter prog[GEN_MAX];
	size_t len;
};

static void
gen_check(struct gprog *g, const char *what, unsigned int iter,
	  unsigned int idx)
{
	struct bpf_error err = { 0 };

	if (bpf_prog_check(g->prog, g->len, &err) == 0)
		return;
	prog_print("generated program", g->prog, g->len);
	ck_abort_msg("%s %u/%u: generated program refused at insn %u: %s", what,
		     iter, idx, err.insn, err.msg);
}

#define DIFF_ITERS   8
#define DIFF_PROGS   400
#define DIFF_SAMPLES 16

START_TEST(test_filter_run_random)
{
	const struct bpf_cache_layout *host = arch_cache_layout_host();
	struct rng r = { SEED + (uint64_t)_i };
	struct gprog *g = malloc(sizeof(*g));
	unsigned int i, s;

	ck_assert_ptr_nonnull(g);
	for (i = 0; i < DIFF_PROGS; i++) {
		struct bpf_filter *f_null, *f_host;

		g->len = gen_prog(&r, g->prog, rng_pct(&r, 40));
		gen_check(g, "run", (unsigned int)_i, i);
		f_null = filter_new(NULL, g->prog, g->len, NULL);
		f_host = filter_new(NULL, g->prog, g->len, host);
		for (s = 0; s < DIFF_SAMPLES; s++) {
			struct seccomp_data sd;
			uint32_t want, a, b;

			gen_data(&r, &sd);
			want = bpf_prog_run_naive(g->prog, g->len, &sd, NULL);
			a = bpf_filter_run(f_null, &sd);
			b = bpf_filter_run(f_host, &sd);
			if (a == want && b == want)
				continue;
			prog_print("program", g->prog, g->len);
			data_print(&sd);
			ck_abort_msg("iteration %d program %u sample %u: naive "
				     "0x%08x, decoded 0x%08x, with entries "
				     "0x%08x",
				     _i, i, s, want, a, b);
		}
		bpf_filter_unref(f_null);
		bpf_filter_unref(f_host);
	}
	free(g);
}
END_TEST

/*
 * Chains: bpf_chain_run() and bpf_chain_eval()
 */

struct chain_case {
	const char *name;
	uint32_t rets[4]; /* installation order, oldest first */
	size_t n;
	uint32_t want;
	int match; /* index of the winning filter, or -1 */
};

/* One filter per value, each a single RET K. */
#define RETS(...)                \
	.rets = { __VA_ARGS__ }, \
	.n = sizeof((uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t)

static const struct chain_case chain_cases[] = {
	{ "ERRNO_order", RETS(ERRNO | 11, ERRNO | 13, ERRNO | 12), ERRNO | 12,
	  2 },
	{ "lowest action wins", RETS(ALLOW, ERRNO | 1, TRAP | 2, LOG), TRAP | 2,
	  2 },
	{ "KILL_PROCESS first", RETS(KILL_THREAD, KILL_PROCESS, TRAP),
	  KILL_PROCESS, 1 },
	{ "KILL_THREAD beats TRAP", RETS(TRAP, KILL_THREAD | 5, ERRNO),
	  KILL_THREAD | 5, 1 },
	{ "TRAP beats ERRNO", RETS(ERRNO | 1, TRAP | 9), TRAP | 9, 1 },
	{ "ERRNO beats USER_NOTIF", RETS(ERRNO | 1, USER_NOTIF), ERRNO | 1, 0 },
	{ "USER_NOTIF beats TRACE", RETS(TRACE, USER_NOTIF), USER_NOTIF, 1 },
	{ "TRACE beats LOG", RETS(TRACE | 3, LOG), TRACE | 3, 0 },
	{ "LOG beats ALLOW", RETS(ALLOW, LOG | 7), LOG | 7, 1 },
	{ "tie: newest gives data", RETS(TRACE | 1, TRACE | 2), TRACE | 2, 1 },
	{ "tie among kills", RETS(KILL_PROCESS | 9, KILL_PROCESS | 3),
	  KILL_PROCESS | 3, 1 },
	{ "tie with an older winner", RETS(TRAP | 1, ERRNO, TRAP | 2), TRAP | 2,
	  2 },
	{ "ERRNO|5 beats 0x10000000", RETS(ERRNO | 5, 0x10000000), ERRNO | 5,
	  0 },
	{ "ERRNO|5 beats 0x10000000, newer", RETS(0x10000000, ERRNO | 5),
	  ERRNO | 5, 1 },
	{ "LOG beats 0x7ffe0000", RETS(LOG, 0x7ffe0000), LOG, 0 },
	{ "LOG beats 0x7ffe0000, newer", RETS(0x7ffe0000, LOG), LOG, 1 },
	{ "0x7ffe0000 beats ALLOW", RETS(0x7ffe0000, ALLOW), 0x7ffe0000, 0 },
	{ "0x90000000 beats KILL_THREAD", RETS(0x90000000, KILL_THREAD),
	  0x90000000, 0 },
	{ "0x90000000 beats KILL_THREAD, newer", RETS(KILL_THREAD, 0x90000000),
	  0x90000000, 1 },
	{ "KILL_PROCESS beats 0x90000000", RETS(0x90000000, KILL_PROCESS),
	  KILL_PROCESS, 1 },
	{ "KILL_PROCESS beats 0x90000000, older",
	  RETS(KILL_PROCESS, 0x90000000), KILL_PROCESS, 0 },
	{ "0xffff0000 beats KILL_THREAD", RETS(KILL_THREAD, 0xffff0000),
	  0xffff0000, 1 },
	{ "ALLOW alone", RETS(ALLOW), ALLOW, -1 },
	{ "ALLOW data is dropped", RETS(ALLOW | 0x1234), ALLOW, -1 },
	{ "ALLOW never matches", RETS(ALLOW, ALLOW | 5, ALLOW), ALLOW, -1 },
	{ "KILL_THREAD 0", RETS(KILL_THREAD), KILL_THREAD, 0 },
};

START_TEST(test_chain_run_table)
{
	const struct chain_case *c = &chain_cases[_i];
	const struct bpf_cache_layout *layouts[] = { NULL,
						     arch_cache_layout_host() };
	size_t l, i;

	for (l = 0; l < ARRAY_SIZE(layouts); l++) {
		const struct bpf_filter *filters[4], *m = (void *)&m, *m2;
		struct bpf_filter *top = NULL;
		struct seccomp_data sd = sd_std;
		uint32_t got;

		for (i = 0; i < c->n; i++) {
			top = chain_push_ret(top, c->rets[i], layouts[l]);
			filters[i] = top;
		}
		got = bpf_chain_run(top, &sd, &m);
		ck_assert_msg(got == c->want, "%s: got 0x%08x, want 0x%08x",
			      c->name, got, c->want);
		ck_assert_msg(m == (c->match < 0 ? NULL : filters[c->match]),
			      "%s: wrong match", c->name);
		ck_assert_uint_eq(bpf_chain_run(top, &sd, NULL), c->want);
		/* bpf_chain_eval() agrees, cached or not */
		for (i = 0; i < 3; i++) {
			sd.nr = i == 0 ? 39 : i == 1 ? -1 : 0x40000000;
			m2 = (void *)&m2;
			ck_assert_uint_eq(bpf_chain_eval(top, &sd, &m2),
					  c->want);
			ck_assert_ptr_eq(m2, m);
		}
		bpf_filter_unref(top);
	}
}
END_TEST

/* Filters that look at the call: only the ones that match take part. */
START_TEST(test_chain_run_data)
{
	const struct sock_filter deny_nr[] = { LD_NR, JEQ(39, 0, 1),
					       RET_K(ERRNO | 1), RET_K(ALLOW) };
	const struct sock_filter trap_arg[] = { LD_ABS(OFF_ARG_LO(4)),
						JEQ(5, 0, 1), RET_K(TRAP | 4),
						RET_K(LOG) };
	struct bpf_filter *top = NULL, *f1, *f2;
	const struct bpf_filter *m;
	struct seccomp_data sd = sd_std;

	top = chain_push(top, deny_nr, ARRAY_SIZE(deny_nr), NULL);
	f1 = top;
	top = chain_push(top, trap_arg, ARRAY_SIZE(trap_arg), NULL);
	f2 = top;
	ck_assert_uint_eq(bpf_chain_run(top, &sd, &m), TRAP | 4);
	ck_assert_ptr_eq(m, f2);
	sd.args[4] = 6;
	ck_assert_uint_eq(bpf_chain_run(top, &sd, &m), ERRNO | 1);
	ck_assert_ptr_eq(m, f1);
	sd.nr = 40;
	ck_assert_uint_eq(bpf_chain_run(top, &sd, &m), LOG);
	ck_assert_ptr_eq(m, f2);
	bpf_filter_unref(top);
}
END_TEST

/* The uprobe exception applies through bpf_chain_eval() only. */
START_TEST(test_chain_eval_forced)
{
	struct bpf_filter *top = NULL;
	const struct bpf_filter *m;
	struct seccomp_data sd = sd_std;

	top = chain_push_ret(top, KILL_PROCESS, arch_cache_layout_host());
	sd.nr = 335;
	ck_assert_uint_eq(bpf_chain_eval(top, &sd, &m), ALLOW);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(bpf_chain_run(top, &sd, &m), KILL_PROCESS);
	ck_assert_ptr_eq(m, top);
	sd.nr = 336;
	ck_assert_uint_eq(bpf_chain_eval(top, &sd, &m), ALLOW);
	sd.nr = 334;
	ck_assert_uint_eq(bpf_chain_eval(top, &sd, &m), KILL_PROCESS);
	ck_assert_ptr_eq(m, top);
	/* no exception for ia32 or x32 */
	sd.nr = 335;
	sd.arch = AUDIT_ARCH_I386;
	ck_assert_uint_eq(bpf_chain_eval(top, &sd, &m), KILL_PROCESS);
	sd.arch = AUDIT_ARCH_X86_64;
	sd.nr = (int32_t)(ARCH_X32_SYSCALL_BIT | 335);
	ck_assert_uint_eq(bpf_chain_eval(top, &sd, &m), KILL_PROCESS);
	bpf_filter_unref(top);

	/* without a layout there is no cache and no exception */
	top = chain_push_ret(NULL, KILL_PROCESS, NULL);
	sd.nr = 335;
	ck_assert_uint_eq(bpf_chain_eval(top, &sd, &m), KILL_PROCESS);
	ck_assert_ptr_eq(m, top);
	bpf_filter_unref(top);
}
END_TEST

/*
 * Actions: bpf_ret_action(), bpf_ret_known(), bpf_ret_errno(),
 * bpf_action_name()
 */

static const struct {
	uint32_t ret;
	enum bpf_action act;
	bool known;
} action_cases[] = {
	{ 0x80000000, BPF_ACT_KILL_PROCESS, true },
	{ 0x8000ffff, BPF_ACT_KILL_PROCESS, true },
	{ 0x00000000, BPF_ACT_KILL_THREAD, true },
	{ 0x0000ffff, BPF_ACT_KILL_THREAD, true },
	{ 0x00030000, BPF_ACT_TRAP, true },
	{ 0x0003ffff, BPF_ACT_TRAP, true },
	{ 0x00050000, BPF_ACT_ERRNO, true },
	{ 0x0005000d, BPF_ACT_ERRNO, true },
	{ 0x7fc00000, BPF_ACT_USER_NOTIF, true },
	{ 0x7fc00042, BPF_ACT_USER_NOTIF, true },
	{ 0x7ff00000, BPF_ACT_TRACE, true },
	{ 0x7ff00007, BPF_ACT_TRACE, true },
	{ 0x7ffc0000, BPF_ACT_LOG, true },
	{ 0x7ffc0001, BPF_ACT_LOG, true },
	{ 0x7fff0000, BPF_ACT_ALLOW, true },
	{ 0x7fff1234, BPF_ACT_ALLOW, true },
	/* unknown actions act as KILL_PROCESS */
	{ 0x00010000, BPF_ACT_KILL_PROCESS, false },
	{ 0x00040000, BPF_ACT_KILL_PROCESS, false },
	{ 0x10000000, BPF_ACT_KILL_PROCESS, false },
	{ 0x7fc10000, BPF_ACT_KILL_PROCESS, false },
	{ 0x7ff10000, BPF_ACT_KILL_PROCESS, false },
	{ 0x7ffe0000, BPF_ACT_KILL_PROCESS, false },
	{ 0x90000000, BPF_ACT_KILL_PROCESS, false },
	{ 0xffff0000, BPF_ACT_KILL_PROCESS, false },
	{ 0xffff0005, BPF_ACT_KILL_PROCESS, false },
};

START_TEST(test_ret_action)
{
	ck_assert_msg(bpf_ret_action(action_cases[_i].ret) ==
			  action_cases[_i].act,
		      "0x%08x: action %d", action_cases[_i].ret,
		      (int)bpf_ret_action(action_cases[_i].ret));
}
END_TEST

START_TEST(test_ret_known)
{
	ck_assert_msg(bpf_ret_known(action_cases[_i].ret) ==
			  action_cases[_i].known,
		      "0x%08x", action_cases[_i].ret);
}
END_TEST

START_TEST(test_ret_errno)
{
	/* data capped at MAX_ERRNO, selftest ERRNO_capped */
	ck_assert_uint_eq(bpf_ret_errno(ERRNO | 0), 0);
	ck_assert_uint_eq(bpf_ret_errno(ERRNO | 1), 1);
	ck_assert_uint_eq(bpf_ret_errno(ERRNO | 13), 13);
	ck_assert_uint_eq(bpf_ret_errno(ERRNO | 4094), 4094);
	ck_assert_uint_eq(bpf_ret_errno(ERRNO | 4095), 4095);
	ck_assert_uint_eq(bpf_ret_errno(ERRNO | 4096), 4095);
	ck_assert_uint_eq(bpf_ret_errno(ERRNO | 0x8000), 4095);
	ck_assert_uint_eq(bpf_ret_errno(ERRNO | 0xffff), 4095);
}
END_TEST

START_TEST(test_action_name)
{
	static const struct {
		enum bpf_action a;
		const char *name;
	} names[] = {
		{ BPF_ACT_KILL_PROCESS, "KILL_PROCESS" },
		{ BPF_ACT_KILL_THREAD, "KILL_THREAD" },
		{ BPF_ACT_TRAP, "TRAP" },
		{ BPF_ACT_ERRNO, "ERRNO" },
		{ BPF_ACT_USER_NOTIF, "USER_NOTIF" },
		{ BPF_ACT_TRACE, "TRACE" },
		{ BPF_ACT_LOG, "LOG" },
		{ BPF_ACT_ALLOW, "ALLOW" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		ck_assert_str_eq(bpf_action_name(names[i].a), names[i].name);
	ck_assert_ptr_nonnull(bpf_action_name((enum bpf_action)99));
}
END_TEST

/*
 * Action cache: bpf_filter_cached() and bpf_prog_const_allow(), against
 * kernel/seccomp.c: seccomp_is_const_allow() and
 * seccomp_cache_prepare_bitmap()
 */

typedef bool (*want_fn)(uint32_t arch, uint32_t nr);

static bool
want_none(uint32_t arch, uint32_t nr)
{
	return false;
}

static bool
want_all(uint32_t arch, uint32_t nr)
{
	return true;
}

static bool
want_allow_list(uint32_t arch, uint32_t nr)
{
	return arch == AUDIT_ARCH_X86_64 &&
	       (nr == 0 || nr == 1 || nr == 60 || nr == 231);
}

static bool
want_100_199(uint32_t arch, uint32_t nr)
{
	return nr >= 100 && nr <= 199;
}

static bool
want_even(uint32_t arch, uint32_t nr)
{
	return nr % 2 == 0;
}

static bool
want_and_mask(uint32_t arch, uint32_t nr)
{
	return (nr & 0x1f0) == 0x40;
}

static bool
want_below_10_but_2(uint32_t arch, uint32_t nr)
{
	return nr < 10 && nr != 2;
}

static bool
want_5(uint32_t arch, uint32_t nr)
{
	return nr == 5;
}

static bool
want_not_7(uint32_t arch, uint32_t nr)
{
	return nr != 7;
}

static bool
want_below_10(uint32_t arch, uint32_t nr)
{
	return nr < 10;
}

static bool
want_upto_5(uint32_t arch, uint32_t nr)
{
	return nr <= 5;
}

static bool
want_3(uint32_t arch, uint32_t nr)
{
	return nr == 3;
}

static bool
want_i386(uint32_t arch, uint32_t nr)
{
	return arch == AUDIT_ARCH_I386;
}

static bool
want_not_335(uint32_t arch, uint32_t nr)
{
	return nr != 335;
}

static bool
want_x86_64_not_59(uint32_t arch, uint32_t nr)
{
	return arch == AUDIT_ARCH_X86_64 && nr != 59;
}

struct cache_case {
	const char *name;
	struct sock_filter prog[PROG_MAX];
	size_t len;
	want_fn want; /* bpf_prog_const_allow(), without the forced numbers */
};

static const struct cache_case cache_cases[] = {
	{ "arch check and allow list",
	  PROG(LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 0, 6), LD_NR, JEQ(0, 3, 0),
	       JEQ(1, 2, 0), JEQ(60, 1, 0), JEQ(231, 0, 1), RET_K(ALLOW),
	       RET_K(KILL_PROCESS)),
	  want_allow_list },
	{ "JGE/JGT range",
	  PROG(LD_NR, JMP_K(BPF_JGE, 100, 0, 2), JMP_K(BPF_JGT, 199, 1, 0),
	       RET_K(ALLOW), RET_K(ERRNO | 1)),
	  want_100_199 },
	{ "JSET",
	  PROG(LD_NR, JMP_K(BPF_JSET, 1, 1, 0), RET_K(ALLOW), RET_K(TRAP)),
	  want_even },
	{ "AND K",
	  PROG(LD_NR, ALU_K(BPF_AND, 0x1f0), JEQ(0x40, 0, 1), RET_K(ALLOW),
	       RET_K(KILL_THREAD)),
	  want_and_mask },
	{ "argument load on some paths",
	  PROG(LD_NR, JMP_K(BPF_JGT, 9, 4, 0), JEQ(2, 0, 2),
	       LD_ABS(OFF_ARG_LO(0)), JEQ(0, 0, 1), RET_K(ALLOW),
	       RET_K(KILL_THREAD)),
	  want_below_10_but_2 },
	{ "IP load on some paths",
	  PROG(LD_NR, JMP_K(BPF_JGT, 9, 4, 0), JEQ(2, 0, 2), LD_ABS(OFF_IP_HI),
	       JEQ(0, 0, 1), RET_K(ALLOW), RET_K(KILL_THREAD)),
	  want_below_10_but_2 },
	{ "ALLOW with data is not cacheable",
	  PROG(LD_NR, JEQ(5, 0, 1), RET_K(ALLOW), RET_K(ALLOW | 1)), want_5 },
	{ "LOG is not cacheable",
	  PROG(LD_NR, JEQ(5, 0, 1), RET_K(ALLOW), RET_K(LOG)), want_5 },
	{ "RET A is not cacheable",
	  PROG(LD_NR, JEQ(7, 0, 1), RET_A, RET_K(ALLOW)), want_not_7 },
	{ "X operand on some paths",
	  PROG(LD_NR, JMP_K(BPF_JGE, 10, 0, 2), JMP_X(BPF_JEQ, 1, 1),
	       RET_K(KILL_PROCESS), RET_K(ALLOW)),
	  want_below_10 },
	{ "AND X everywhere",
	  PROG(LD_NR, ALU_X(BPF_AND), JEQ(0, 0, 1), RET_K(ALLOW), RET_K(ALLOW)),
	  want_none },
	{ "TAX", PROG(LD_NR, TAX, RET_K(ALLOW)), want_none },
	{ "LD IMM on some paths",
	  PROG(LD_NR, JMP_K(BPF_JGT, 5, 1, 0), RET_K(ALLOW), LD_IMM(0),
	       JEQ(0, 0, 1), RET_K(ALLOW), RET_K(KILL_PROCESS)),
	  want_upto_5 },
	{ "LEN loads are not understood",
	  PROG(LD_LEN, JEQ(64, 0, 1), RET_K(ALLOW), RET_K(KILL_PROCESS)),
	  want_none },
	{ "other ALU ops are not understood",
	  PROG(LD_NR, ALU_K(BPF_ADD, 1), JEQ(1, 0, 1), RET_K(ALLOW),
	       RET_K(KILL_PROCESS)),
	  want_none },
	{ "scratch memory is not understood", PROG(LD_NR, ST(0), RET_K(ALLOW)),
	  want_none },
	{ "JA",
	  PROG(LD_NR, JEQ(3, 1, 0), JA(1), RET_K(ALLOW), RET_K(KILL_PROCESS)),
	  want_3 },
	{ "arch only",
	  PROG(LD_ARCH, JEQ(AUDIT_ARCH_I386, 0, 1), RET_K(ALLOW),
	       RET_K(KILL_PROCESS)),
	  want_i386 },
	{ "kill all", PROG(RET_K(KILL_PROCESS)), want_none },
	{ "allow all", PROG(RET_K(ALLOW)), want_all },
	{ "kill 335 explicitly",
	  PROG(LD_NR, JEQ(335, 0, 1), RET_K(KILL_PROCESS), RET_K(ALLOW)),
	  want_not_335 },
	{ "libseccomp-like deny list",
	  PROG(LD_ARCH, JEQ(AUDIT_ARCH_X86_64, 1, 0), RET_K(KILL_PROCESS),
	       LD_NR, JMP_K(BPF_JGE, ARCH_X32_SYSCALL_BIT, 1, 0), JEQ(59, 1, 2),
	       RET_K(KILL_PROCESS), RET_K(ERRNO | 1), RET_K(ALLOW)),
	  want_x86_64_not_59 },
};

static bool
host_forced(uint32_t arch, uint32_t nr)
{
	return arch == AUDIT_ARCH_X86_64 && (nr == 335 || nr == 336);
}

START_TEST(test_const_allow_table)
{
	const struct cache_case *c = &cache_cases[_i];
	static const uint32_t archs[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };
	size_t a;
	uint32_t nr;

	for (a = 0; a < ARRAY_SIZE(archs); a++) {
		for (nr = 0; nr < 1024; nr++) {
			bool got =
			    bpf_prog_const_allow(c->prog, c->len, archs[a], nr);

			ck_assert_msg(got == c->want(archs[a], nr),
				      "%s: arch 0x%08x nr %u: %d", c->name,
				      archs[a], nr, got);
		}
	}
}
END_TEST

START_TEST(test_filter_cached_table)
{
	const struct cache_case *c = &cache_cases[_i];
	const struct bpf_cache_layout *host = arch_cache_layout_host();
	struct bpf_filter *f = filter_new(NULL, c->prog, c->len, host);
	size_t a;
	uint32_t nr;

	for (a = 0; a < host->n_abis; a++) {
		const struct bpf_cache_abi *abi = &host->abi[a];

		for (nr = 0; nr < abi->nr_count; nr++) {
			bool want = c->want(abi->audit_arch, nr) ||
				    host_forced(abi->audit_arch, nr);
			bool got =
			    bpf_filter_cached(f, abi->audit_arch, (int32_t)nr);

			ck_assert_msg(got == want,
				      "%s: arch 0x%08x nr %u: cached %d",
				      c->name, abi->audit_arch, nr, got);
		}
	}
	bpf_filter_unref(f);
}
END_TEST

/* Numbers and arches the cache never answers for. */
START_TEST(test_filter_cached_ranges)
{
	const struct bpf_cache_layout *host = arch_cache_layout_host();
	struct bpf_cache_layout custom = { 0 };
	struct bpf_filter *f;
	static const int32_t never[] = {
		-1,
		INT32_MIN,
		INT32_MAX,
		(int32_t)ARCH_X32_SYSCALL_BIT,
		(int32_t)(ARCH_X32_SYSCALL_BIT | 1),
		(int32_t)(ARCH_X32_SYSCALL_BIT | 335),
		(int32_t)(ARCH_X32_SYSCALL_BIT | 512),
		(int32_t)(0x80000000U | 335),
		100000,
	};
	size_t a, i;

	f = chain_push_ret(NULL, ALLOW, host);
	for (a = 0; a < host->n_abis; a++) {
		const struct bpf_cache_abi *abi = &host->abi[a];

		ck_assert(abi->nr_count > 336);
		ck_assert(bpf_filter_cached(f, abi->audit_arch, 0));
		ck_assert(bpf_filter_cached(f, abi->audit_arch,
					    (int32_t)abi->nr_count - 1));
		ck_assert(!bpf_filter_cached(f, abi->audit_arch,
					     (int32_t)abi->nr_count));
		for (i = 0; i < ARRAY_SIZE(never); i++)
			ck_assert_msg(
			    !bpf_filter_cached(f, abi->audit_arch, never[i]),
			    "arch 0x%08x nr %d", abi->audit_arch, never[i]);
	}
	/* unknown arch */
	ck_assert(!bpf_filter_cached(f, AUDIT_ARCH_AARCH64, 0));
	ck_assert(!bpf_filter_cached(f, AUDIT_ARCH_X86_64 ^ 0x40000000, 0));
	ck_assert(!bpf_filter_cached(f, 0, 0));
	bpf_filter_unref(f);

	/* without a layout nothing is cached */
	f = chain_push_ret(NULL, ALLOW, NULL);
	ck_assert(!bpf_filter_cached(f, AUDIT_ARCH_X86_64, 0));
	ck_assert(!bpf_filter_cached(f, AUDIT_ARCH_X86_64, 335));
	bpf_filter_unref(f);

	/* a caller's layout: its arch value is what the emulation loads */
	custom.n_abis = 1;
	custom.abi[0].audit_arch = ALLOW;
	custom.abi[0].nr_count = 64;
	{
		const struct sock_filter ret_arch[] = { LD_ARCH, RET_A };
		const struct sock_filter jeq_arch[] = { LD_ARCH,
							JEQ(ALLOW, 0, 1),
							RET_K(ALLOW),
							RET_K(KILL_PROCESS) };
		struct seccomp_data sd = sd_std;

		f = filter_new(NULL, ret_arch, ARRAY_SIZE(ret_arch), &custom);
		sd.arch = ALLOW;
		sd.nr = 1;
		/* returns ALLOW when run, but through RET A */
		ck_assert_uint_eq(bpf_chain_run(f, &sd, NULL), ALLOW);
		ck_assert(!bpf_filter_cached(f, ALLOW, 1));
		bpf_filter_unref(f);
		f = filter_new(NULL, jeq_arch, ARRAY_SIZE(jeq_arch), &custom);
		ck_assert(bpf_filter_cached(f, ALLOW, 0));
		ck_assert(bpf_filter_cached(f, ALLOW, 63));
		ck_assert(!bpf_filter_cached(f, ALLOW, 64));
		ck_assert(!bpf_filter_cached(f, AUDIT_ARCH_X86_64, 0));
		bpf_filter_unref(f);
	}
}
END_TEST

/* The forced numbers: x86_64 native only, whatever the filter says. */
START_TEST(test_filter_cached_forced)
{
	const struct bpf_cache_layout *host = arch_cache_layout_host();
	struct bpf_cache_layout i386_only;
	struct bpf_filter *f;
	uint32_t nr;

	f = chain_push_ret(NULL, KILL_PROCESS, host);
	for (nr = 0; nr < 512; nr++) {
		ck_assert_msg(
		    bpf_filter_cached(f, AUDIT_ARCH_X86_64, (int32_t)nr) ==
			(nr == 335 || nr == 336),
		    "nr %u", nr);
		ck_assert(!bpf_filter_cached(f, AUDIT_ARCH_I386, (int32_t)nr));
	}
	/* they stay forced on top of any chain */
	f = chain_push_ret(f, ALLOW, host);
	f = chain_push_ret(f, KILL_THREAD, host);
	ck_assert(bpf_filter_cached(f, AUDIT_ARCH_X86_64, 335));
	ck_assert(bpf_filter_cached(f, AUDIT_ARCH_X86_64, 336));
	ck_assert(!bpf_filter_cached(f, AUDIT_ARCH_X86_64, 337));
	bpf_filter_unref(f);

	/* the i386 ABI alone has none */
	memset(&i386_only, 0, sizeof(i386_only));
	i386_only.n_abis = 1;
	i386_only.abi[0] = host->abi[1];
	ck_assert_uint_eq(i386_only.abi[0].audit_arch, AUDIT_ARCH_I386);
	f = chain_push_ret(NULL, KILL_PROCESS, &i386_only);
	ck_assert(!bpf_filter_cached(f, AUDIT_ARCH_I386, 335));
	ck_assert(!bpf_filter_cached(f, AUDIT_ARCH_X86_64, 335));
	bpf_filter_unref(f);
}
END_TEST

/* Each filter's bitmap is the AND with the previous filter's. */
START_TEST(test_filter_cached_intersection)
{
	const struct bpf_cache_layout *host = arch_cache_layout_host();
	const struct cache_case *list = &cache_cases[0];
	const struct cache_case *range = &cache_cases[1];
	const struct cache_case *even = &cache_cases[2];
	const struct cache_case *kill = &cache_cases[18];
	const struct cache_case *all = &cache_cases[19];
	struct bpf_filter *base, *a, *b, *c, *d;
	uint32_t nr;
	size_t i;

	ck_assert_ptr_eq(range->want, want_100_199);
	ck_assert_ptr_eq(even->want, want_even);
	ck_assert_ptr_eq(list->want, want_allow_list);
	ck_assert_ptr_eq(all->want, want_all);
	ck_assert_ptr_eq(kill->want, want_none);

	base = filter_new(NULL, range->prog, range->len, host);
	a = filter_new(base, even->prog, even->len, host);
	b = filter_new(base, list->prog, list->len, host);
	c = filter_new(a, all->prog, all->len, host);
	d = filter_new(c, kill->prog, kill->len, host);
	for (i = 0; i < host->n_abis; i++) {
		uint32_t arch = host->abi[i].audit_arch;

		for (nr = 0; nr < host->abi[i].nr_count; nr++) {
			int32_t n = (int32_t)nr;
			bool forced = host_forced(arch, nr);
			bool in_range = want_100_199(arch, nr);

			ck_assert(bpf_filter_cached(base, arch, n) ==
				  (in_range || forced));
			ck_assert(bpf_filter_cached(a, arch, n) ==
				  ((in_range && nr % 2 == 0) || forced));
			/* allow list and range do not meet */
			ck_assert(bpf_filter_cached(b, arch, n) == forced);
			/* ALLOW on top keeps what is below */
			ck_assert(bpf_filter_cached(c, arch, n) ==
				  bpf_filter_cached(a, arch, n));
			ck_assert(bpf_filter_cached(d, arch, n) == forced);
		}
	}
	/* the same two filters the other way round */
	bpf_filter_unref(d);
	bpf_filter_unref(c);
	bpf_filter_unref(b);
	bpf_filter_unref(a);
	bpf_filter_unref(base);
	base = filter_new(NULL, even->prog, even->len, host);
	a = filter_new(base, range->prog, range->len, host);
	for (nr = 0; nr < 512; nr++)
		ck_assert(bpf_filter_cached(a, AUDIT_ARCH_I386, (int32_t)nr) ==
			  (want_100_199(0, nr) && nr % 2 == 0));
	bpf_filter_unref(base);
	bpf_filter_unref(a);
}
END_TEST

/* kernel/seccomp.c: seccomp_is_const_allow(), written out again. */
static bool
ref_const_allow(const struct sock_filter *p, size_t len, uint32_t arch,
		uint32_t nr)
{
	uint32_t a = 0;
	size_t pc;

	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &p[pc];
		bool t;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k == OFF_NR)
				a = nr;
			else if (f->k == OFF_ARCH)
				a = arch;
			else
				return false;
			continue;
		case BPF_RET | BPF_K:
			return f->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			continue;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= f->k;
			continue;
		case BPF_JMP | BPF_JEQ | BPF_K:
			t = a == f->k;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			t = a >= f->k;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			t = a > f->k;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			t = (a & f->k) != 0;
			break;
		default:
			return false;
		}
		pc += t ? f->jt : f->jf;
	}
	return false;
}

/* seccomp_run_filters() on the naive interpreter. */
static uint32_t
ref_chain(const struct gprog *progs, size_t n, const struct seccomp_data *sd,
	  int *ret_match)
{
	uint32_t ret = SECCOMP_RET_ALLOW;
	int match = -1;
	size_t i;

	for (i = n; i-- > 0;) {
		uint32_t cur =
		    bpf_prog_run_naive(progs[i].prog, progs[i].len, sd, NULL);

		if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) <
		    (int32_t)(ret & SECCOMP_RET_ACTION_FULL)) {
			ret = cur;
			match = (int)i;
		}
	}
	*ret_match = match;
	return ret;
}

#define PROP_ITERS  4
#define PROP_CHAINS 60

/*
 * Random chains: the bitmaps equal the kernel algorithm's, every cached
 * call really is ALLOW whatever its arguments, and bpf_chain_eval() and
 * bpf_chain_run() agree with the naive chain.
 */
START_TEST(test_filter_cached_random)
{
	const struct bpf_cache_layout *host = arch_cache_layout_host();
	struct rng r = { SEED ^ (0xcace0000ULL + (uint64_t)_i) };
	struct gprog *progs = calloc(4, sizeof(*progs));
	unsigned long n_cached = 0, n_uncached = 0;
	unsigned int c, s;

	ck_assert_ptr_nonnull(progs);
	for (c = 0; c < PROP_CHAINS; c++) {
		const struct bpf_filter *filters[4], *m, *m2;
		struct bpf_filter *top = NULL;
		size_t depth = 1 + rng_below(&r, 4), i, a;
		struct seccomp_data sd;
		uint32_t nr;

		for (i = 0; i < depth; i++) {
			progs[i].len =
			    gen_prog(&r, progs[i].prog, rng_pct(&r, 85));
			gen_check(&progs[i], "cache", (unsigned int)_i, c);
			top =
			    chain_push(top, progs[i].prog, progs[i].len, host);
			filters[i] = top;
		}
		for (a = 0; a < host->n_abis; a++) {
			uint32_t arch = host->abi[a].audit_arch;

			for (nr = 0; nr < host->abi[a].nr_count; nr++) {
				bool forced = host_forced(arch, nr);
				bool want = true, got;

				for (i = 0; i < depth && want; i++)
					want = ref_const_allow(progs[i].prog,
							       progs[i].len,
							       arch, nr);
				want = want || forced;
				got = bpf_filter_cached(top, arch, (int32_t)nr);
				if (got != want) {
					for (i = 0; i < depth; i++)
						prog_print("filter",
							   progs[i].prog,
							   progs[i].len);
					ck_abort_msg("iteration %d chain %u: "
						     "arch 0x%08x nr %u "
						     "cached %d",
						     _i, c, arch, nr, got);
				}
				if (!got) {
					n_uncached++;
					continue;
				}
				if (forced)
					continue;
				n_cached++;
				for (s = 0; s < 2; s++) {
					uint32_t ret;

					gen_data(&r, &sd);
					sd.arch = arch;
					sd.nr = (int32_t)nr;
					m = (void *)&m;
					ret = bpf_chain_run(top, &sd, &m);
					if (ret == SECCOMP_RET_ALLOW && !m)
						continue;
					for (i = 0; i < depth; i++)
						prog_print("filter",
							   progs[i].prog,
							   progs[i].len);
					data_print(&sd);
					ck_abort_msg("iteration %d chain %u: "
						     "cached call gave "
						     "0x%08x",
						     _i, c, ret);
				}
			}
		}
		for (s = 0; s < 64; s++) {
			uint32_t want, run, ev;
			int mi;

			gen_data(&r, &sd);
			want = ref_chain(progs, depth, &sd, &mi);
			run = bpf_chain_run(top, &sd, &m);
			ev = bpf_chain_eval(top, &sd, &m2);
			if (run != want || m != (mi < 0 ? NULL : filters[mi])) {
				data_print(&sd);
				ck_abort_msg("iteration %d chain %u: run "
					     "0x%08x, want 0x%08x (filter %d)",
					     _i, c, run, want, mi);
			}
			if (sd.arch == AUDIT_ARCH_X86_64 &&
			    (sd.nr == 335 || sd.nr == 336)) {
				ck_assert_uint_eq(ev, SECCOMP_RET_ALLOW);
				ck_assert_ptr_null(m2);
			} else {
				ck_assert_uint_eq(ev, run);
				ck_assert_ptr_eq(m2, m);
			}
		}
		bpf_filter_unref(top);
	}
	/* the property was exercised both ways */
	ck_assert_uint_gt(n_cached, 500);
	ck_assert_uint_gt(n_uncached, 500);
	free(progs);
}
END_TEST

/*
 * Byte order: bpf_data_set_byteorder(), bpf_prog_from_bytes()
 */

START_TEST(test_data_set_byteorder)
{
	const bool host_be = __BYTE_ORDER == __BIG_ENDIAN;
	const struct sock_filter arg0_lo[] = { LD_ABS(OFF_ARG_LO(0)), RET_A };
	const struct sock_filter ip_lo[] = { LD_ABS(OFF_IP_LO), RET_A };
	struct seccomp_data sd = sd_std;
	int i;

	bpf_data_set_byteorder(&sd, host_be);
	ck_assert_mem_eq(&sd, &sd_std, sizeof(sd));

	bpf_data_set_byteorder(&sd, !host_be);
	ck_assert_int_eq(sd.nr, sd_std.nr);
	ck_assert_uint_eq(sd.arch, sd_std.arch);
	ck_assert_uint_eq(sd.instruction_pointer,
			  sd_std.instruction_pointer << 32 |
			      sd_std.instruction_pointer >> 32);
	for (i = 0; i < 6; i++)
		ck_assert_uint_eq(sd.args[i],
				  sd_std.args[i] << 32 | sd_std.args[i] >> 32);
	/* the first word of a big-endian target's arg is the high half */
	ck_assert_uint_eq(bpf_prog_run_naive(arg0_lo, 2, &sd, NULL),
			  0x11223344);
	ck_assert_uint_eq(bpf_prog_run_naive(ip_lo, 2, &sd, NULL), 0x00007f00);

	/* applying it twice gives the original back */
	bpf_data_set_byteorder(&sd, !host_be);
	ck_assert_mem_eq(&sd, &sd_std, sizeof(sd));
}
END_TEST

START_TEST(test_prog_from_bytes)
{
	const bool host_be = __BYTE_ORDER == __BIG_ENDIAN;
	/* JEQ|K jt=3 jf=4 k=0xc000003e, then RET|K 0x7fff0000 */
	static const unsigned char be[16] = {
		0x00, 0x15, 0x03, 0x04, 0xc0, 0x00, 0x00, 0x3e,
		0x00, 0x06, 0x00, 0x00, 0x7f, 0xff, 0x00, 0x00,
	};
	static const unsigned char le[16] = {
		0x15, 0x00, 0x03, 0x04, 0x3e, 0x00, 0x00, 0xc0,
		0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x7f,
	};
	const unsigned char *bytes[2] = { le, be };
	struct sock_filter *p = NULL;
	static const size_t sizes[] = { 1, 7, 9, 15, 17 };
	struct bpf_error err;
	size_t len = 99, i;
	int b;

	for (b = 0; b < 2; b++) {
		/* swap exactly when the file's order is not the host's */
		ck_assert_int_eq(bpf_prog_from_bytes(bytes[b], 16,
						     (b == 1) != host_be, &p,
						     &len, &err),
				 0);
		ck_assert_uint_eq(len, 2);
		ck_assert_uint_eq(p[0].code, BPF_JMP | BPF_JEQ | BPF_K);
		ck_assert_uint_eq(p[0].jt, 3);
		ck_assert_uint_eq(p[0].jf, 4);
		ck_assert_uint_eq(p[0].k, AUDIT_ARCH_X86_64);
		ck_assert_uint_eq(p[1].code, BPF_RET | BPF_K);
		ck_assert_uint_eq(p[1].k, ALLOW);
		ck_assert_ptr_ne(p, (const void *)bytes[b]);
		free(p);
		p = NULL;
	}
	/* without a swap the bytes are taken as they are */
	ck_assert_int_eq(bpf_prog_from_bytes(le, 16, false, &p, &len, NULL), 0);
	ck_assert_mem_eq(p, le, 16);
	free(p);

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(&err, 0, sizeof(err));
		ck_assert_int_eq(
		    bpf_prog_from_bytes(le, sizes[i], false, &p, &len, &err),
		    -EINVAL);
		ck_assert_uint_eq(err.insn, sizes[i] / 8);
		ck_assert(err.msg[0] != '\0');
		ck_assert_int_eq(
		    bpf_prog_from_bytes(le, sizes[i], true, &p, &len, NULL),
		    -EINVAL);
	}

	/* empty input reads as an empty program, which the checker refuses */
	p = NULL;
	len = 99;
	ck_assert_int_eq(bpf_prog_from_bytes(le, 0, false, &p, &len, NULL), 0);
	ck_assert_uint_eq(len, 0);
	ck_assert_int_eq(bpf_prog_check(p, len, NULL), -EINVAL);
	free(p);
}
END_TEST

/*
 * Reference counting: bpf_filter_ref(), bpf_filter_unref()
 */

START_TEST(test_filter_refs)
{
	const struct sock_filter allow[] = { RET_K(ALLOW) };
	const struct sock_filter errno1[] = { RET_K(ERRNO | 1) };
	const struct sock_filter errno2[] = { RET_K(ERRNO | 2) };
	struct bpf_filter *base, *a, *b;
	const struct bpf_filter *m;

	ck_assert_ptr_null(bpf_filter_unref(NULL));
	base = filter_new(NULL, allow, 1, arch_cache_layout_host());
	ck_assert_ptr_eq(bpf_filter_ref(base), base);
	ck_assert_ptr_null(bpf_filter_unref(base));

	/* two chains share a prefix */
	a = filter_new(base, errno1, 1, arch_cache_layout_host());
	b = filter_new(base, errno2, 1, arch_cache_layout_host());
	ck_assert_ptr_null(bpf_filter_unref(base));
	ck_assert_ptr_eq(bpf_filter_prev(a), base);
	ck_assert_ptr_eq(bpf_filter_prev(b), base);
	ck_assert_ptr_null(bpf_filter_unref(a));
	/* base lives on through b */
	ck_assert_uint_eq(bpf_chain_run(b, &sd_std, &m), ERRNO | 2);
	ck_assert_ptr_eq(m, b);
	ck_assert_uint_eq(bpf_filter_run(bpf_filter_prev(b), &sd_std), ALLOW);
	ck_assert(bpf_filter_cached(bpf_filter_prev(b), AUDIT_ARCH_X86_64, 0));
	ck_assert(!bpf_filter_cached(b, AUDIT_ARCH_X86_64, 0));

	/* an extra reference on the top keeps the whole chain */
	ck_assert_ptr_eq(bpf_filter_ref(b), b);
	ck_assert_ptr_null(bpf_filter_unref(b));
	ck_assert_uint_eq(bpf_chain_run(b, &sd_std, NULL), ERRNO | 2);
	ck_assert_uint_eq(bpf_filter_depth(b), 2);
	/* the last reference frees everything (the leak checker sees it) */
	ck_assert_ptr_null(bpf_filter_unref(b));
}
END_TEST

struct deep_arg {
	struct bpf_filter *top;
	uint32_t run, eval;
	unsigned int depth;
};

static void *
deep_walk(void *p)
{
	struct deep_arg *a = p;
	struct seccomp_data sd = sd_std;

	a->run = bpf_chain_run(a->top, &sd, NULL);
	a->eval = bpf_chain_eval(a->top, &sd, NULL);
	a->depth = bpf_filter_depth(a->top);
	a->top = bpf_filter_unref(a->top);
	return NULL;
}

/*
 * The deepest chain the path limit allows, run and freed on a 64 KiB
 * stack: neither may recurse per filter.
 */
START_TEST(test_filter_unref_deep)
{
	struct deep_arg arg = { 0 };
	pthread_attr_t attr;
	pthread_t t;
	unsigned int i;

	for (i = 0; i < 3641; i++)
		arg.top = chain_push_ret(arg.top, ERRNO | (i % 4096),
					 arch_cache_layout_host());
	ck_assert_uint_eq(bpf_filter_depth(arg.top), 3641);
	ck_assert_int_eq(pthread_attr_init(&attr), 0);
	ck_assert_int_eq(pthread_attr_setstacksize(&attr, 64 * 1024), 0);
	ck_assert_int_eq(pthread_create(&t, &attr, deep_walk, &arg), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&attr);
	/* all ERRNO: the newest filter's data */
	ck_assert_uint_eq(arg.run, ERRNO | 3640);
	ck_assert_uint_eq(arg.eval, ERRNO | 3640);
	ck_assert_uint_eq(arg.depth, 3641);
	ck_assert_ptr_null(arg.top);
}
END_TEST

static Suite *
bpf_suite(void)
{
	Suite *s = suite_create("bpf");
	TCase *tc;

	tc = tcase_create("bpf_prog_check");
	tcase_add_loop_test(tc, test_check_opcode_ok, 0,
			    (int)ARRAY_SIZE(seccomp_codes));
	tcase_add_loop_test(tc, test_check_classic_only, 0,
			    (int)ARRAY_SIZE(classic_only));
	tcase_add_loop_test(tc, test_check_unknown_code, 0,
			    (int)ARRAY_SIZE(unknown_codes));
	tcase_add_loop_test(tc, test_check_ld_abs_ok, 0, 16);
	tcase_add_loop_test(tc, test_check_ld_abs_bad, 0,
			    (int)ARRAY_SIZE(ld_abs_bad));
	tcase_add_loop_test(tc, test_check_table, 0,
			    (int)ARRAY_SIZE(check_cases));
	tcase_add_test(tc, test_check_length);
	tcase_add_test(tc, test_check_long_dataflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_prog_xlated_len");
	tcase_add_loop_test(tc, test_xlated_len, 0,
			    (int)ARRAY_SIZE(xlen_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_filter_new");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_filter_new_stacking, 0,
			    (int)ARRAY_SIZE(xlen_cases));
	tcase_add_test(tc, test_filter_new_stacking_layout);
	tcase_add_test(tc, test_filter_new_path_total);
	tcase_add_test(tc, test_filter_new_errors);
	tcase_add_test(tc, test_filter_new_accessors);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_filter_unref");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_filter_refs);
	tcase_add_test(tc, test_filter_unref_deep);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_prog_run_naive");
	tcase_add_loop_test(tc, test_naive_rules, 0,
			    (int)ARRAY_SIZE(run_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_filter_run");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_filter_run_rules, 0,
			    (int)ARRAY_SIZE(run_cases));
	tcase_add_loop_test(tc, test_filter_run_random, 0, DIFF_ITERS);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_chain_run");
	tcase_add_loop_test(tc, test_chain_run_table, 0,
			    (int)ARRAY_SIZE(chain_cases));
	tcase_add_test(tc, test_chain_run_data);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_chain_eval");
	tcase_add_test(tc, test_chain_eval_forced);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_prog_const_allow");
	tcase_add_loop_test(tc, test_const_allow_table, 0,
			    (int)ARRAY_SIZE(cache_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_filter_cached");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_filter_cached_table, 0,
			    (int)ARRAY_SIZE(cache_cases));
	tcase_add_test(tc, test_filter_cached_ranges);
	tcase_add_test(tc, test_filter_cached_forced);
	tcase_add_test(tc, test_filter_cached_intersection);
	tcase_add_loop_test(tc, test_filter_cached_random, 0, PROP_ITERS);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_ret_action");
	tcase_add_loop_test(tc, test_ret_action, 0,
			    (int)ARRAY_SIZE(action_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_ret_known");
	tcase_add_loop_test(tc, test_ret_known, 0,
			    (int)ARRAY_SIZE(action_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_ret_errno");
	tcase_add_test(tc, test_ret_errno);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_action_name");
	tcase_add_test(tc, test_action_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_data_set_byteorder");
	tcase_add_test(tc, test_data_set_byteorder);
	suite_add_tcase(s, tc);

	tc = tcase_create("bpf_prog_from_bytes");
	tcase_add_test(tc, test_prog_from_bytes);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(bpf_suite());
	int failed;

#if defined(__SANITIZE_ADDRESS__)
	/*
	 * Under AddressSanitizer each forked test would end in a
	 * LeakSanitizer scan of its own, about 0.2 s apiece, which turns a
	 * run of seconds into minutes.  Run in one process instead and let
	 * LeakSanitizer check the whole run once, at exit.  An explicit
	 * CK_FORK still decides.
	 */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_NOFORK);
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
