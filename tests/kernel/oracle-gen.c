/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Random seccomp programs for the oracle: a generator of programs the
 * kernel should accept and that compute something (decisions on nr, arch,
 * the instruction pointer and argument halves, with every action), and a
 * mutator that breaks them in the ways the kernel's checkers look for.
 * Nothing here decides whether a program is valid; the kernel does.
 */
#include "config.h"

#include <string.h>

#include <linux/audit.h>

#include "oracle.h"

#define WORD(i) (1U << (i))

void
oracle_rng_seed(struct oracle_rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t
oracle_rng_next(struct oracle_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t
oracle_rng_below(struct oracle_rng *r, uint32_t n)
{
	return n ? (uint32_t)(oracle_rng_next(r) % n) : 0;
}

static bool
chance(struct oracle_rng *r, unsigned int percent)
{
	return oracle_rng_below(r, 100) < percent;
}

uint32_t
oracle_pool_value(struct oracle_rng *r)
{
	static const uint32_t nrs[] = {
		ORACLE_NR_GETPPID_X86_64,
		ORACLE_NR_GETPPID_I386,
		ORACLE_NR_UNALLOCATED,
		39,
		335,
		336,
	};
	static const uint32_t patterns[] = {
		0xdeadbeef, 0x12345678, 0xa5a5a5a5, 0x5a5a5a5a,
		0x00010000, 0x0000ffff, 0xffff0000, 0x7fff0000,
	};
	uint64_t ip;

	switch (oracle_rng_below(r, 13)) {
	case 0:
	case 1:
		return 0;
	case 2:
		return 1;
	case 3:
		return 0xffffffff;
	case 4:
		return oracle_rng_below(r, 2) ? 0x80000000 : 0x7fffffff;
	case 5:
		return oracle_rng_below(r, 64);
	case 6:
		return nrs[oracle_rng_below(r, sizeof(nrs) / sizeof(nrs[0]))];
	case 7:
		return oracle_rng_below(r, 2) ? AUDIT_ARCH_X86_64
					      : AUDIT_ARCH_I386;
	case 8:
		ip = oracle_call_ip(oracle_rng_below(r, 2) ? ORACLE_ABI_I386
							   : ORACLE_ABI_X86_64);
		return oracle_rng_below(r, 2) ? (uint32_t)ip
					      : (uint32_t)(ip >> 32);
	case 9:
		return patterns[oracle_rng_below(r, sizeof(patterns) /
							sizeof(patterns[0]))];
	default:
		return (uint32_t)oracle_rng_next(r);
	}
}

uint64_t
oracle_pool_arg(struct oracle_rng *r)
{
	uint64_t hi = oracle_pool_value(r);

	return hi << 32 | oracle_pool_value(r);
}

static uint32_t
gen_data(struct oracle_rng *r)
{
	switch (oracle_rng_below(r, 8)) {
	case 0:
	case 1:
		return 0;
	case 2:
		return 1 + oracle_rng_below(r, 200);
	case 3:
		return 4095;
	case 4:
		return 4096;
	case 5:
		return 0xffff;
	default:
		return oracle_rng_below(r, 0x10000);
	}
}

uint32_t
oracle_gen_ret(struct oracle_rng *r)
{
	/* unknown actions above, between and below the known ones */
	static const uint32_t unknown[] = {
		0x7ffe0000, 0x7ffd0000, 0x7fef0000, 0x10000000, 0x00010000,
		0x00040000, 0x90000000, 0xffff0000, 0x80010000, 0x7fc10000,
	};
	uint32_t data = gen_data(r);

	switch (oracle_rng_below(r, 16)) {
	case 0:
		return SECCOMP_RET_KILL_PROCESS | data;
	case 1:
		return SECCOMP_RET_KILL_THREAD | data;
	case 2:
	case 3:
		return SECCOMP_RET_TRAP | data;
	case 4:
	case 5:
	case 6:
		return SECCOMP_RET_ERRNO | data;
	case 7:
		return SECCOMP_RET_USER_NOTIF | data;
	case 8:
		return SECCOMP_RET_TRACE | data;
	case 9:
		return SECCOMP_RET_LOG | data;
	case 10:
	case 11:
	case 12:
		return SECCOMP_RET_ALLOW | (chance(r, 75) ? 0 : data);
	case 13:
		return unknown[oracle_rng_below(r, sizeof(unknown) /
						       sizeof(unknown[0]))] |
		       data;
	case 14:
		return (uint32_t)oracle_rng_next(r);
	default:
		return SECCOMP_RET_ERRNO | (1 + oracle_rng_below(r, 133));
	}
}

static uint32_t
pick_ret(struct oracle_rng *r, const struct oracle_gen_opts *opts)
{
	if (opts->rets && opts->n_rets && chance(r, 75))
		return opts->rets[oracle_rng_below(r, (uint32_t)opts->n_rets)];
	return oracle_gen_ret(r);
}

static uint32_t
load_offset(struct oracle_rng *r)
{
	switch (oracle_rng_below(r, 10)) {
	case 0:
	case 1:
		return 0; /* nr */
	case 2:
		return 4; /* arch */
	case 3:
		return 8 + 4 * oracle_rng_below(r, 2); /* ip halves */
	default:
		return 16 + 4 * oracle_rng_below(r, 12); /* arg halves */
	}
}

static size_t
pick_len(struct oracle_rng *r, size_t maxlen)
{
	size_t n;

	switch (oracle_rng_below(r, 20)) {
	case 0:
		n = 1;
		break;
	case 1:
	case 2:
	case 3:
	case 4:
		n = 2 + oracle_rng_below(r, 6);
		break;
	case 18:
		n = 40 + oracle_rng_below(r, 200);
		break;
	case 19:
		n = 1 + oracle_rng_below(r, (uint32_t)maxlen);
		break;
	default:
		n = 8 + oracle_rng_below(r, 32);
		break;
	}
	return n > maxlen ? maxlen : n;
}

/* A jump offset in 0..max, most often short, sometimes 0. */
static uint32_t
pick_off(struct oracle_rng *r, uint32_t max)
{
	switch (oracle_rng_below(r, 10)) {
	case 0:
	case 1:
	case 2:
		return 0;
	case 3:
	case 4:
	case 5:
		return oracle_rng_below(r, (max < 3 ? max : 3) + 1);
	default:
		return oracle_rng_below(r, max + 1);
	}
}

static const uint16_t alu_ops[] = {
	BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR,
	BPF_AND, BPF_XOR, BPF_LSH, BPF_RSH,
};
static const uint16_t jmp_ops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };

static struct sock_filter
insn(uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	struct sock_filter f = { code, jt, jf, k };

	return f;
}

/* A scratch word index to load: valid ones, and in loose mode others. */
static int
pick_word(struct oracle_rng *r, uint16_t valid, uint16_t stored, bool loose)
{
	uint16_t set = valid;
	int i, n = 0;

	if (loose) {
		switch (oracle_rng_below(r, 10)) {
		case 0:
		case 1:
		case 2:
			set = stored;
			break;
		case 3:
		case 4:
			return (int)oracle_rng_below(r, CBPF_MEMWORDS);
		default:
			break;
		}
	}
	for (i = 0; i < CBPF_MEMWORDS; i++)
		n += (set >> i) & 1;
	if (n == 0)
		return -1;
	n = (int)oracle_rng_below(r, (uint32_t)n);
	for (i = 0; i < CBPF_MEMWORDS; i++)
		if (((set >> i) & 1) && n-- == 0)
			return i;
	return -1;
}

size_t
oracle_gen_prog(struct oracle_rng *r, const struct oracle_gen_opts *opts,
		struct sock_filter *out)
{
	static uint8_t target[CBPF_MAXINSNS];
	size_t n = opts->len ? opts->len : pick_len(r, opts->maxlen), pc = 0;
	/*
	 * Scratch words surely stored: @sure before the first jump (valid
	 * everywhere after it), @local since the last jump or jump target.
	 * This is stricter than the kernel's data-flow check, on purpose.
	 */
	uint16_t sure = 0, local = 0, stored = 0;
	bool jumped = false;
	size_t i, start;
	uint32_t rem, k;
	uint16_t op;
	int w;

	if (n > opts->maxlen)
		n = opts->maxlen;
	memset(target, 0, n);
	while (pc + 1 < n) {
		rem = (uint32_t)(n - 1 - pc);
		if (target[pc])
			local = 0;
		switch (oracle_rng_below(r, 100)) {
		case 0 ... 17:
			out[pc++] = insn(BPF_LD | BPF_W | BPF_ABS, 0, 0,
					 load_offset(r));
			break;
		case 18 ... 21:
			out[pc++] =
			    insn(BPF_LD | BPF_IMM, 0, 0, oracle_pool_value(r));
			break;
		case 22 ... 26:
			/* X is often 0, for DIV by X */
			out[pc++] =
			    insn(BPF_LDX | BPF_IMM, 0, 0,
				 chance(r, 35) ? 0 : oracle_pool_value(r));
			break;
		case 27 ... 28:
			/* k, jt and jf of LEN loads are not checked */
			out[pc++] =
			    insn(chance(r, 50) ? BPF_LD | BPF_W | BPF_LEN
					       : BPF_LDX | BPF_W | BPF_LEN,
				 (uint8_t)oracle_rng_below(r, 3),
				 (uint8_t)oracle_rng_below(r, 3),
				 chance(r, 50) ? 0 : oracle_pool_value(r));
			break;
		case 29 ... 38:
			op = alu_ops[oracle_rng_below(r, 9)];
			k = oracle_pool_value(r);
			if (op == BPF_DIV && k == 0)
				k = 1 + oracle_rng_below(r, 7);
			if (op == BPF_LSH || op == BPF_RSH)
				k = oracle_rng_below(r, 32);
			out[pc++] = insn(BPF_ALU | op | BPF_K, 0, 0, k);
			break;
		case 39 ... 44:
			op = alu_ops[oracle_rng_below(r, 9)];
			out[pc++] = insn(BPF_ALU | op | BPF_X, 0, 0, 0);
			break;
		case 45 ... 46:
			out[pc++] =
			    insn(BPF_ALU | BPF_NEG, 0, 0,
				 chance(r, 70) ? 0 : oracle_pool_value(r));
			break;
		case 47 ... 50:
			/* fields the checker ignores, set at random */
			out[pc++] = insn(
			    chance(r, 50) ? BPF_MISC | BPF_TAX
					  : BPF_MISC | BPF_TXA,
			    chance(r, 70) ? 0 : (uint8_t)oracle_rng_next(r),
			    chance(r, 70) ? 0 : (uint8_t)oracle_rng_next(r),
			    chance(r, 70) ? 0 : oracle_pool_value(r));
			break;
		case 51 ... 55:
			w = (int)oracle_rng_below(r, CBPF_MEMWORDS);
			out[pc++] = insn(chance(r, 60) ? BPF_ST : BPF_STX, 0, 0,
					 (uint32_t)w);
			if (jumped)
				local |= WORD(w);
			else
				sure |= WORD(w);
			stored |= WORD(w);
			break;
		case 56 ... 60:
			w = pick_word(r, sure | local, stored, opts->loose);
			if (w < 0) {
				out[pc++] = insn(BPF_LD | BPF_IMM, 0, 0,
						 oracle_pool_value(r));
				break;
			}
			out[pc++] = insn(chance(r, 60) ? BPF_LD | BPF_MEM
						       : BPF_LDX | BPF_MEM,
					 0, 0, (uint32_t)w);
			break;
		case 61 ... 80: {
			uint32_t max = rem - 1 > 255 ? 255 : rem - 1;
			uint8_t jt = (uint8_t)pick_off(r, max);
			uint8_t jf = (uint8_t)pick_off(r, max);
			uint16_t src = chance(r, 75) ? BPF_K : BPF_X;

			op = jmp_ops[oracle_rng_below(r, 4)];
			out[pc] = insn(BPF_JMP | op | src, jt, jf,
				       src == BPF_K || chance(r, 50)
					   ? oracle_pool_value(r)
					   : 0);
			target[pc + 1 + jt] = 1;
			target[pc + 1 + jf] = 1;
			pc++;
			jumped = true;
			local = 0;
			break;
		}
		case 81 ... 83:
			k = pick_off(r, rem - 1);
			out[pc] = insn(BPF_JMP | BPF_JA, 0, 0, k);
			target[pc + 1 + k] = 1;
			pc++;
			jumped = true;
			local = 0;
			break;
		case 84 ... 89:
			out[pc++] =
			    insn(BPF_RET | BPF_K, 0, 0, pick_ret(r, opts));
			break;
		case 90 ... 91:
			out[pc++] = insn(BPF_RET | BPF_A, 0, 0, 0);
			break;
		default:
			/*
			 * An action computed at run time: ERRNO with data
			 * from an argument, or a whole value from LD IMM.
			 */
			if (rem < 4) {
				out[pc++] = insn(BPF_RET | BPF_K, 0, 0,
						 pick_ret(r, opts));
				break;
			}
			start = pc;
			if (chance(r, 60)) {
				out[pc++] = insn(BPF_LD | BPF_W | BPF_ABS, 0, 0,
						 load_offset(r));
				out[pc++] =
				    insn(BPF_ALU | BPF_AND | BPF_K, 0, 0,
					 chance(r, 50) ? 0xfff : 0xffff);
				out[pc++] =
				    insn(BPF_ALU | BPF_OR | BPF_K, 0, 0,
					 chance(r, 70) ? SECCOMP_RET_ERRNO
						       : SECCOMP_RET_TRAP);
			} else {
				out[pc++] = insn(BPF_LD | BPF_IMM, 0, 0,
						 pick_ret(r, opts));
			}
			out[pc++] = insn(BPF_RET | BPF_A, 0, 0, 0);
			/* a jump into it ends what is surely stored */
			for (i = start + 1; i < pc; i++)
				if (target[i])
					local = 0;
			break;
		}
	}
	/* RET A mostly returns some KILL; chains want their shared values */
	if (chance(r, opts->rets ? 90 : 75))
		out[pc] = insn(BPF_RET | BPF_K, 0, 0, pick_ret(r, opts));
	else
		out[pc] = insn(BPF_RET | BPF_A, 0, 0, 0);
	return n;
}

size_t
oracle_gen_cacheable(struct oracle_rng *r, const struct oracle_gen_opts *opts,
		     struct sock_filter *out)
{
	size_t n = opts->len ? opts->len : pick_len(r, opts->maxlen), pc = 0;
	uint32_t rem, max, k;

	if (n > opts->maxlen)
		n = opts->maxlen;
	while (pc + 1 < n) {
		rem = (uint32_t)(n - 1 - pc);
		max = rem - 1 > 255 ? 255 : rem - 1;
		switch (oracle_rng_below(r, 20)) {
		case 0 ... 4:
			out[pc++] = insn(BPF_LD | BPF_W | BPF_ABS, 0, 0,
					 chance(r, 70) ? 0 : 4);
			break;
		case 5 ... 11:
			out[pc++] = insn(
			    BPF_JMP | jmp_ops[oracle_rng_below(r, 4)] | BPF_K,
			    (uint8_t)pick_off(r, max),
			    (uint8_t)pick_off(r, max), oracle_pool_value(r));
			break;
		case 12 ... 13:
			out[pc++] = insn(BPF_ALU | BPF_AND | BPF_K, 0, 0,
					 oracle_pool_value(r));
			break;
		case 14:
			out[pc++] =
			    insn(BPF_JMP | BPF_JA, 0, 0, pick_off(r, rem - 1));
			break;
		case 15 ... 17:
			k = chance(r, 60) ? SECCOMP_RET_ALLOW
					  : pick_ret(r, opts);
			out[pc++] = insn(BPF_RET | BPF_K, 0, 0, k);
			break;
		case 18:
			/* something the cache emulation gives up on */
			switch (oracle_rng_below(r, 4)) {
			case 0:
				out[pc++] = insn(BPF_LD | BPF_W | BPF_ABS, 0, 0,
						 load_offset(r));
				break;
			case 1:
				out[pc++] = insn(BPF_LD | BPF_IMM, 0, 0,
						 oracle_pool_value(r));
				break;
			case 2:
				out[pc++] = insn(BPF_JMP | BPF_JEQ | BPF_X,
						 (uint8_t)pick_off(r, max),
						 (uint8_t)pick_off(r, max), 0);
				break;
			default:
				out[pc++] = insn(BPF_ALU | BPF_OR | BPF_K, 0, 0,
						 oracle_pool_value(r));
				break;
			}
			break;
		default:
			out[pc++] =
			    insn(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
			break;
		}
	}
	out[pc] = insn(BPF_RET | BPF_K, 0, 0,
		       chance(r, 60)   ? SECCOMP_RET_ALLOW
		       : chance(r, 90) ? pick_ret(r, opts)
				       : SECCOMP_RET_ALLOW | 1);
	if (chance(r, 5))
		out[pc] = insn(BPF_RET | BPF_A, 0, 0, 0);
	return n;
}

/* Legal, classic-only and unknown codes, for the mutator. */
static const uint16_t codes[] = {
	/* the seccomp set */
	0x00,
	0x01,
	0x02,
	0x03,
	0x04,
	0x05,
	0x06,
	0x07,
	0x0c,
	0x14,
	0x15,
	0x16,
	0x1c,
	0x1d,
	0x20,
	0x24,
	0x25,
	0x2c,
	0x2d,
	0x34,
	0x35,
	0x3c,
	0x3d,
	0x44,
	0x45,
	0x4c,
	0x4d,
	0x54,
	0x5c,
	0x60,
	0x61,
	0x64,
	0x6c,
	0x74,
	0x7c,
	0x80,
	0x81,
	0x84,
	0x87,
	0xa4,
	0xac,
	/* classic only: H/B ABS, IND, MSH, MOD */
	0x28,
	0x30,
	0x40,
	0x48,
	0x50,
	0xb1,
	0x94,
	0x9c,
	/* unknown: RET X, NEG X, JA X, odd modes and classes, high bits */
	0x0e,
	0x8c,
	0x0d,
	0x0f,
	0x1e,
	0x26,
	0x68,
	0x70,
	0x88,
	0x89,
	0xa1,
	0xb0,
	0xb4,
	0xc4,
	0xd4,
	0xe4,
	0xf4,
	0x55,
	0x5d,
	0x65,
	0x17,
	0x27,
	0xff,
	0x106,
	0x8006,
	0xffff,
};

static void
random_insn(struct oracle_rng *r, struct sock_filter *f)
{
	f->code =
	    chance(r, 85)
		? codes[oracle_rng_below(r, sizeof(codes) / sizeof(codes[0]))]
		: (uint16_t)oracle_rng_next(r);
	f->jt = (uint8_t)oracle_rng_below(r, 4);
	f->jf = (uint8_t)oracle_rng_below(r, 4);
	f->k = chance(r, 50) ? oracle_rng_below(r, 70) : oracle_pool_value(r);
}

size_t
oracle_mutate(struct oracle_rng *r, struct sock_filter *prog, size_t len,
	      size_t maxlen)
{
	static const uint32_t bad_offsets[] = {
		1,  2,	3,  6,	 60,	     61,	 62,	     63,
		64, 65, 68, 128, 0xfffff000, 0xfffff004, 0xfffff020, 0xffffffff,
	};
	static const uint32_t shifts[] = { 31, 32,	   33,
					   63, 0x80000000, 0xffffffff };
	static const uint32_t words[] = { 0, 15, 16, 17, 32, 0xffffffff };
	unsigned int rounds = 1 + oracle_rng_below(r, 3);
	struct sock_filter *f;
	uint32_t room;
	size_t pc, i, add;

	while (rounds--) {
		if (len == 0) {
			prog[0] =
			    insn(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
			len = chance(r, 50) ? 1 : 0;
			continue;
		}
		pc = oracle_rng_below(r, (uint32_t)len);
		f = &prog[pc];
		room = (uint32_t)(len - pc - 1);
		switch (oracle_rng_below(r, 15)) {
		case 0:
			f->code ^=
			    (uint16_t)(1U << (chance(r, 80)
						  ? oracle_rng_below(r, 8)
						  : oracle_rng_below(r, 16)));
			break;
		case 1:
			f->jt ^= (uint8_t)(1U << oracle_rng_below(r, 8));
			break;
		case 2:
			f->jf ^= (uint8_t)(1U << oracle_rng_below(r, 8));
			break;
		case 3:
			f->k ^= 1U << oracle_rng_below(r, 32);
			break;
		case 4:
			f->code = codes[oracle_rng_below(
			    r, sizeof(codes) / sizeof(codes[0]))];
			break;
		case 5:
			f->code = BPF_LD | BPF_W | BPF_ABS;
			f->k = bad_offsets[oracle_rng_below(
			    r, sizeof(bad_offsets) / sizeof(bad_offsets[0]))];
			break;
		case 6:
			f->code = BPF_ALU |
				  (chance(r, 60) ? BPF_DIV : BPF_MOD) | BPF_K;
			f->k = chance(r, 80) ? 0 : 1;
			break;
		case 7:
			f->code = BPF_ALU |
				  (chance(r, 50) ? BPF_LSH : BPF_RSH) | BPF_K;
			f->k = shifts[oracle_rng_below(
			    r, sizeof(shifts) / sizeof(shifts[0]))];
			break;
		case 8: {
			static const uint16_t mem[] = { BPF_LD | BPF_MEM,
							BPF_LDX | BPF_MEM,
							BPF_ST, BPF_STX };

			f->code = mem[oracle_rng_below(r, 4)];
			f->k = words[oracle_rng_below(r, sizeof(words) /
							     sizeof(words[0]))];
			break;
		}
		case 9:
			/* jumps at, just inside and beyond the end */
			if (chance(r, 70)) {
				f->code = BPF_JMP |
					  jmp_ops[oracle_rng_below(r, 4)] |
					  (chance(r, 50) ? BPF_K : BPF_X);
				i = room > 0 ? room - 1 : 0;
				if (chance(r, 50))
					f->jt = (uint8_t)(chance(r, 50) ? i + 1
									: i);
				else
					f->jf = (uint8_t)(chance(r, 50) ? i + 1
									: i);
				if (chance(r, 10))
					f->jt = 255;
			} else {
				f->code = BPF_JMP | BPF_JA;
				f->k = chance(r, 20)   ? 0xffffffff
				       : chance(r, 50) ? room
						       : room - 1;
			}
			break;
		case 10:
			len = oracle_rng_below(r, (uint32_t)len + 1);
			break;
		case 11:
			add = 1 + oracle_rng_below(r, 8);
			for (i = 0; i < add && len < maxlen; i++)
				random_insn(r, &prog[len++]);
			break;
		case 12:
			f = &prog[len - 1];
			if (chance(r, 30)) {
				f->code = BPF_RET | BPF_X;
			} else if (chance(r, 30)) {
				f->code = BPF_RET | BPF_A;
			} else {
				random_insn(r, f);
			}
			break;
		case 13:
			/* a scratch load that no store may reach */
			f->code = chance(r, 50) ? BPF_LD | BPF_MEM
						: BPF_LDX | BPF_MEM;
			f->k = oracle_rng_below(r, CBPF_MEMWORDS);
			break;
		default:
			/* drop a store, so later loads lose their source */
			for (i = 0; i < len; i++) {
				if (prog[i].code == BPF_ST ||
				    prog[i].code == BPF_STX) {
					prog[i].code = BPF_MISC | BPF_TAX;
					break;
				}
			}
			break;
		}
	}
	return len;
}

size_t
oracle_guard(struct sock_filter *out, const struct sock_filter *body,
	     size_t len, uint32_t probe_nr)
{
	out[0] = insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, 0);
	out[1] = insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, probe_nr);
	out[2] = insn(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	out[3] = insn(BPF_LD | BPF_IMM, 0, 0, 0);
	if (len)
		memcpy(out + ORACLE_GUARD_LEN, body, len * sizeof(*body));
	return len + ORACLE_GUARD_LEN;
}

size_t
oracle_guard_cacheable(struct sock_filter *out, const struct sock_filter *body,
		       size_t len, uint32_t probe_nr)
{
	out[0] = insn(BPF_LD | BPF_W | BPF_ABS, 0, 0, 0);
	out[1] = insn(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, probe_nr);
	out[2] = insn(BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	if (len)
		memcpy(out + ORACLE_GUARD_LEN - 1, body, len * sizeof(*body));
	return len + ORACLE_GUARD_LEN - 1;
}
