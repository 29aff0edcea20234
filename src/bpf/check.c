/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
#include "bpf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

static int
fail(struct bpf_error *err, unsigned int insn, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->insn = insn;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* mirrors net/core/filter.c: chk_code_allowed(), the classic opcode table */
static bool
classic_code_ok(uint16_t code)
{
	switch (code) {
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_K:
	case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_H | BPF_ABS:
	case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LD | BPF_W | BPF_IND:
	case BPF_LD | BPF_H | BPF_IND:
	case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_IMM:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_LDX | BPF_IMM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	}
	return false;
}

static bool
is_cond_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

/*
 * mirrors net/core/filter.c: check_load_and_stores().  The valid set starts
 * empty: a load from a word no store reached is refused even at pc 0.
 */
static int
check_mem(const struct sock_filter *prog, size_t len, struct bpf_error *err)
{
	uint16_t masks[CBPF_MAXINSNS];
	uint16_t memvalid = 0;
	size_t pc;

	for (pc = 0; pc < len; pc++)
		masks[pc] = 0xffff;
	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];

		memvalid &= masks[pc];
		switch (f->code) {
		case BPF_ST:
		case BPF_STX:
			memvalid |= 1U << f->k;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(memvalid & (1U << f->k)))
				return fail(err, pc,
					    "loads scratch word M[%u] that may not have been stored",
					    f->k);
			break;
		case BPF_JMP | BPF_JA:
			masks[pc + 1 + f->k] &= memvalid;
			memvalid = 0xffff;
			break;
		default:
			if (is_cond_jump(f->code)) {
				masks[pc + 1 + f->jt] &= memvalid;
				masks[pc + 1 + f->jf] &= memvalid;
				memvalid = 0xffff;
			}
			break;
		}
	}
	return 0;
}

/* mirrors net/core/filter.c: bpf_check_classic() */
static int
check_classic(const struct sock_filter *prog, size_t len,
	      struct bpf_error *err)
{
	size_t pc;

	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];

		if (!classic_code_ok(f->code))
			return fail(err, pc, "unknown opcode 0x%04x", f->code);
		switch (f->code) {
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_MOD | BPF_K:
			if (f->k == 0)
				return fail(err, pc, "division by constant zero");
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (f->k >= 32)
				return fail(err, pc, "shift by constant %u, 32 or more",
					    f->k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (f->k >= CBPF_MEMWORDS)
				return fail(err, pc, "scratch word M[%u] out of range 0..15",
					    f->k);
			break;
		case BPF_JMP | BPF_JA:
			if (f->k >= len - pc - 1)
				return fail(err, pc, "jump offset %u leaves the program",
					    f->k);
			break;
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
			/*
			 * mirrors bpf_anc_helper(): only the known ancillary
			 * offsets pass here.  Seccomp refuses every k >= 64 later
			 * anyway; this only decides which instruction is blamed.
			 */
			if (f->k >= (uint32_t)SKF_AD_OFF &&
			    (f->k - (uint32_t)SKF_AD_OFF >= SKF_AD_MAX ||
			     (f->k & 3)))
				return fail(err, pc, "unknown ancillary load at offset %#x",
					    f->k);
			break;
		default:
			if (is_cond_jump(f->code) &&
			    (pc + f->jt + 1 >= len || pc + f->jf + 1 >= len))
				return fail(err, pc, "jump target %u/%u leaves the program",
					    f->jt, f->jf);
			break;
		}
	}
	switch (prog[len - 1].code) {
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
		break;
	default:
		return fail(err, len - 1, "last instruction is not a return");
	}
	return check_mem(prog, len, err);
}

/* mirrors kernel/seccomp.c: seccomp_check_filter() */
static int
check_seccomp(const struct sock_filter *prog, size_t len,
	      struct bpf_error *err)
{
	size_t pc;

	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k >= CBPF_DATA_SIZE || (f->k & 3))
				return fail(err, pc,
					    "load from offset %u: seccomp_data loads must be 4-aligned and below 64",
					    f->k);
			break;
		case BPF_LD | BPF_W | BPF_LEN:
		case BPF_LDX | BPF_W | BPF_LEN:
		case BPF_RET | BPF_K:
		case BPF_RET | BPF_A:
		case BPF_ALU | BPF_ADD | BPF_K:
		case BPF_ALU | BPF_ADD | BPF_X:
		case BPF_ALU | BPF_SUB | BPF_K:
		case BPF_ALU | BPF_SUB | BPF_X:
		case BPF_ALU | BPF_MUL | BPF_K:
		case BPF_ALU | BPF_MUL | BPF_X:
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_DIV | BPF_X:
		case BPF_ALU | BPF_AND | BPF_K:
		case BPF_ALU | BPF_AND | BPF_X:
		case BPF_ALU | BPF_OR | BPF_K:
		case BPF_ALU | BPF_OR | BPF_X:
		case BPF_ALU | BPF_XOR | BPF_K:
		case BPF_ALU | BPF_XOR | BPF_X:
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_LSH | BPF_X:
		case BPF_ALU | BPF_RSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_X:
		case BPF_ALU | BPF_NEG:
		case BPF_LD | BPF_IMM:
		case BPF_LDX | BPF_IMM:
		case BPF_MISC | BPF_TAX:
		case BPF_MISC | BPF_TXA:
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
		case BPF_JMP | BPF_JA:
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JEQ | BPF_X:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_X:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_X:
		case BPF_JMP | BPF_JSET | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_X:
			break;
		default:
			return fail(err, pc,
				    "opcode 0x%04x is classic BPF but not allowed in seccomp filters",
				    f->code);
		}
	}
	return 0;
}

int
bpf_prog_check(const struct sock_filter *prog, size_t len,
	       struct bpf_error *ret_err)
{
	int r;

	if (len == 0)
		return fail(ret_err, 0, "program is empty");
	if (len > CBPF_MAXINSNS)
		return fail(ret_err, len, "program has %zu instructions, more than %d",
			    len, CBPF_MAXINSNS);
	r = check_classic(prog, len, ret_err);
	if (r < 0)
		return r;
	return check_seccomp(prog, len, ret_err);
}

/*
 * mirrors net/core/filter.c: bpf_convert_filter() as it sizes a seccomp
 * program: a 3-instruction prologue, then each instruction's expansion.
 */
unsigned int
bpf_prog_xlated_len(const struct sock_filter *prog, size_t len)
{
	unsigned int n = 3;
	size_t pc;

	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];

		if (f->code == (BPF_RET | BPF_K)) {
			n += 2;
		} else if (f->code == (BPF_ALU | BPF_DIV | BPF_X)) {
			n += 5;
		} else if (is_cond_jump(f->code)) {
			if (BPF_SRC(f->code) == BPF_K && (int32_t)f->k < 0)
				n += 1;
			if (f->jf == 0)
				n += 1;
			else if (f->jt == 0 && BPF_OP(f->code) != BPF_JSET)
				n += 1;
			else
				n += 2;
		} else {
			n += 1;
		}
	}
	return n;
}
