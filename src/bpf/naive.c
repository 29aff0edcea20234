/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
#include "bpf.h"

#include <byteswap.h>
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t
load_word(const struct seccomp_data *sd, uint32_t k)
{
	uint32_t v;

	memcpy(&v, (const unsigned char *)sd + k, sizeof(v));
	return v;
}

/*
 * The kernel's runtime rules for an accepted program: 32-bit unsigned ALU,
 * DIV by X == 0 returns 0 from the whole program, shifts by X taken mod 32,
 * LEN loads give 64 (seccomp_check_filter() rewrites them to immediates).
 */
uint32_t
bpf_prog_trace_naive(const struct sock_filter *prog, size_t len,
		     const struct seccomp_data *sd, uint32_t *pcs, size_t cap,
		     size_t *ret_count)
{
	uint32_t A = 0, X = 0, M[CBPF_MEMWORDS] = { 0 };
	size_t count = 0;
	uint32_t ret = 0;
	size_t pc = 0;

	while (pc < len) {
		const struct sock_filter *f = &prog[pc];
		uint32_t k = f->k;

		if (count < cap)
			pcs[count] = (uint32_t)pc;
		pc++;
		count++;
		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			A = load_word(sd, k);
			break;
		case BPF_LD | BPF_W | BPF_LEN:
			A = CBPF_DATA_SIZE;
			break;
		case BPF_LDX | BPF_W | BPF_LEN:
			X = CBPF_DATA_SIZE;
			break;
		case BPF_LD | BPF_IMM:
			A = k;
			break;
		case BPF_LDX | BPF_IMM:
			X = k;
			break;
		case BPF_LD | BPF_MEM:
			A = M[k];
			break;
		case BPF_LDX | BPF_MEM:
			X = M[k];
			break;
		case BPF_ST:
			M[k] = A;
			break;
		case BPF_STX:
			M[k] = X;
			break;
		case BPF_ALU | BPF_ADD | BPF_K:
			A += k;
			break;
		case BPF_ALU | BPF_ADD | BPF_X:
			A += X;
			break;
		case BPF_ALU | BPF_SUB | BPF_K:
			A -= k;
			break;
		case BPF_ALU | BPF_SUB | BPF_X:
			A -= X;
			break;
		case BPF_ALU | BPF_MUL | BPF_K:
			A *= k;
			break;
		case BPF_ALU | BPF_MUL | BPF_X:
			A *= X;
			break;
		case BPF_ALU | BPF_DIV | BPF_K:
			A /= k;
			break;
		case BPF_ALU | BPF_DIV | BPF_X:
			if (X == 0) {
				ret = 0;
				goto out;
			}
			A /= X;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			A &= k;
			break;
		case BPF_ALU | BPF_AND | BPF_X:
			A &= X;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			A |= k;
			break;
		case BPF_ALU | BPF_OR | BPF_X:
			A |= X;
			break;
		case BPF_ALU | BPF_XOR | BPF_K:
			A ^= k;
			break;
		case BPF_ALU | BPF_XOR | BPF_X:
			A ^= X;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
			A <<= k;
			break;
		case BPF_ALU | BPF_LSH | BPF_X:
			A <<= (X & 31);
			break;
		case BPF_ALU | BPF_RSH | BPF_K:
			A >>= k;
			break;
		case BPF_ALU | BPF_RSH | BPF_X:
			A >>= (X & 31);
			break;
		case BPF_ALU | BPF_NEG:
			A = -A;
			break;
		case BPF_MISC | BPF_TAX:
			X = A;
			break;
		case BPF_MISC | BPF_TXA:
			A = X;
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += (A == k) ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JEQ | BPF_X:
			pc += (A == X) ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += (A > k) ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_X:
			pc += (A > X) ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += (A >= k) ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_X:
			pc += (A >= X) ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (A & k) ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_X:
			pc += (A & X) ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			ret = k;
			goto out;
		case BPF_RET | BPF_A:
			ret = A;
			goto out;
		default:
			/*
			 * Unreachable for a checked program; fail closed the
			 * way a runtime fault does in the kernel (return 0).
			 */
			ret = 0;
			goto out;
		}
	}
out:
	if (ret_count)
		*ret_count = count;
	return ret;
}

uint32_t
bpf_prog_run_naive(const struct sock_filter *prog, size_t len,
		   const struct seccomp_data *sd, unsigned int *ret_count)
{
	size_t count;
	uint32_t ret = bpf_prog_trace_naive(prog, len, sd, NULL, 0, &count);

	if (ret_count)
		*ret_count = (unsigned int)count;
	return ret;
}

/* mirrors kernel/seccomp.c: seccomp_is_const_allow() */
bool
bpf_prog_const_allow(const struct sock_filter *prog, size_t len, uint32_t arch,
		     uint32_t nr)
{
	uint32_t reg = 0;
	size_t pc;

	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		bool taken;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k == offsetof(struct seccomp_data, nr))
				reg = nr;
			else if (f->k == offsetof(struct seccomp_data, arch))
				reg = arch;
			else
				return false;
			break;
		case BPF_RET | BPF_K:
			return f->k == SECCOMP_RET_ALLOW;
		case BPF_JMP | BPF_JA:
			pc += f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			switch (BPF_OP(f->code)) {
			case BPF_JEQ:
				taken = reg == f->k;
				break;
			case BPF_JGE:
				taken = reg >= f->k;
				break;
			case BPF_JGT:
				taken = reg > f->k;
				break;
			default:
				taken = (reg & f->k) != 0;
				break;
			}
			pc += taken ? f->jt : f->jf;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			reg &= f->k;
			break;
		default:
			return false;
		}
	}
	return false;
}

enum bpf_action
bpf_ret_action(uint32_t ret)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_KILL_THREAD:
		return BPF_ACT_KILL_THREAD;
	case SECCOMP_RET_TRAP:
		return BPF_ACT_TRAP;
	case SECCOMP_RET_ERRNO:
		return BPF_ACT_ERRNO;
	case SECCOMP_RET_USER_NOTIF:
		return BPF_ACT_USER_NOTIF;
	case SECCOMP_RET_TRACE:
		return BPF_ACT_TRACE;
	case SECCOMP_RET_LOG:
		return BPF_ACT_LOG;
	case SECCOMP_RET_ALLOW:
		return BPF_ACT_ALLOW;
	case SECCOMP_RET_KILL_PROCESS:
	default:
		return BPF_ACT_KILL_PROCESS;
	}
}

bool
bpf_ret_known(uint32_t ret)
{
	uint32_t act = ret & SECCOMP_RET_ACTION_FULL;

	return act == SECCOMP_RET_KILL_PROCESS ||
	       bpf_ret_action(ret) != BPF_ACT_KILL_PROCESS;
}

unsigned int
bpf_ret_errno(uint32_t ret)
{
	unsigned int data = ret & SECCOMP_RET_DATA;

	return data > CBPF_MAX_ERRNO ? CBPF_MAX_ERRNO : data;
}

const char *
bpf_action_name(enum bpf_action a)
{
	static const char *const names[] = {
		[BPF_ACT_KILL_PROCESS] = "KILL_PROCESS",
		[BPF_ACT_KILL_THREAD] = "KILL_THREAD",
		[BPF_ACT_TRAP] = "TRAP",
		[BPF_ACT_ERRNO] = "ERRNO",
		[BPF_ACT_USER_NOTIF] = "USER_NOTIF",
		[BPF_ACT_TRACE] = "TRACE",
		[BPF_ACT_LOG] = "LOG",
		[BPF_ACT_ALLOW] = "ALLOW",
	};

	if ((unsigned int)a >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[a];
}

static uint64_t
swap_halves(uint64_t v)
{
	return (v << 32) | (v >> 32);
}

void
bpf_data_set_byteorder(struct seccomp_data *sd, bool big_endian)
{
	bool host_be = __BYTE_ORDER == __BIG_ENDIAN;
	size_t i;

	if (big_endian == host_be)
		return;
	sd->instruction_pointer = swap_halves(sd->instruction_pointer);
	for (i = 0; i < 6; i++)
		sd->args[i] = swap_halves(sd->args[i]);
}

int
bpf_prog_from_bytes(const void *buf, size_t size, bool swap,
		    struct sock_filter **ret, size_t *ret_len,
		    struct bpf_error *ret_err)
{
	struct sock_filter *prog;
	size_t n = size / sizeof(*prog), i;

	if (size % sizeof(*prog)) {
		if (ret_err) {
			ret_err->insn = n;
			snprintf(ret_err->msg, sizeof(ret_err->msg),
				 "size %zu is not a multiple of %zu", size,
				 sizeof(*prog));
		}
		return -EINVAL;
	}
	prog = calloc(n ? n : 1, sizeof(*prog));
	if (!prog) {
		if (ret_err) {
			ret_err->insn = 0;
			snprintf(ret_err->msg, sizeof(ret_err->msg),
				 "out of memory");
		}
		return -ENOMEM;
	}
	if (n)
		memcpy(prog, buf, n * sizeof(*prog));
	if (swap) {
		for (i = 0; i < n; i++) {
			prog[i].code = bswap_16(prog[i].code);
			prog[i].k = bswap_32(prog[i].k);
		}
	}
	*ret = prog;
	*ret_len = n;
	return 0;
}
