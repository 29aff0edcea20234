/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
#include "bpf.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Decoded instruction set.  Each cBPF instruction becomes one decoded
 * instruction with its jump targets made absolute, so the run loop does no
 * decoding and no bounds arithmetic.
 */
enum op {
	OP_LD_ABS,
	OP_LD_IMM,
	OP_LDX_IMM,
	OP_LD_MEM,
	OP_LDX_MEM,
	OP_ST,
	OP_STX,
	OP_ADD_K,
	OP_ADD_X,
	OP_SUB_K,
	OP_SUB_X,
	OP_MUL_K,
	OP_MUL_X,
	OP_DIV_K,
	OP_DIV_X,
	OP_AND_K,
	OP_AND_X,
	OP_OR_K,
	OP_OR_X,
	OP_XOR_K,
	OP_XOR_X,
	OP_LSH_K,
	OP_LSH_X,
	OP_RSH_K,
	OP_RSH_X,
	OP_NEG,
	OP_TAX,
	OP_TXA,
	OP_JA,
	OP_JEQ_K,
	OP_JEQ_X,
	OP_JGT_K,
	OP_JGT_X,
	OP_JGE_K,
	OP_JGE_X,
	OP_JSET_K,
	OP_JSET_X,
	OP_RET_K,
	OP_RET_A,
	OP_COUNT
};

struct dinsn {
	uint32_t k;
	uint16_t jt; /* absolute target if true (or of JA) */
	uint16_t jf; /* absolute target if false */
	uint8_t op;
};

/*
 * Where evaluation of one (arch, nr) starts: the program run as far as it
 * goes on nr and arch alone.  KIND_RET means the value is known outright;
 * KIND_RESUME means start at @pc with A and X preset.
 */
enum entry_kind { KIND_START, KIND_RET, KIND_RESUME };

struct entry {
	uint32_t a; /* KIND_RET: the return value */
	uint32_t x;
	uint16_t pc;
	uint8_t kind;
};

/* Programs this short run as fast from pc 0 as from a table. */
#define ENTRY_MIN_LEN 8

/**
 * struct bpf_filter - see bpf.h.
 * @refs: references: the holder of the chain and each newer filter.
 * @prev: the filter this one stacked on; holds a reference.
 * @prog/@len: the program as given (the kernel's orig_prog).
 * @code: the decoded program.
 * @path_cost: the kernel's MAX_INSNS_PER_PATH charge for the chain up to
 *             and including this filter: the sum of (xlated length + 4).
 * @n_abis/@abi_arch/@abi_count: copies of the layout's slots.
 * @cache: one bitmap per layout ABI, already intersected with @prev's.
 * @entry: per layout ABI, one entry per nr, or NULL.
 * All fields are written in bpf_filter_new() and only read afterwards, so a
 * filter may be shared by any number of tasks.
 */
struct bpf_filter {
	unsigned int refs;
	struct bpf_filter *prev;
	struct sock_filter *prog;
	size_t len;
	struct dinsn *code;
	bool uses_mem;
	uint32_t flags;
	unsigned int depth;
	unsigned long path_cost;
	const struct bpf_cache_layout *layout;
	/* the layout's arch and nr_count per slot, kept here for the hot path */
	unsigned int n_abis;
	uint32_t abi_arch[BPF_CACHE_MAX_ABIS];
	uint32_t abi_count[BPF_CACHE_MAX_ABIS];
	uint64_t *cache[BPF_CACHE_MAX_ABIS];
	struct entry *entry[BPF_CACHE_MAX_ABIS];
};

static uint8_t
decode_op(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
		return OP_LD_ABS;
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LD | BPF_IMM:
		return OP_LD_IMM;
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_IMM:
		return OP_LDX_IMM;
	case BPF_LD | BPF_MEM:
		return OP_LD_MEM;
	case BPF_LDX | BPF_MEM:
		return OP_LDX_MEM;
	case BPF_ST:
		return OP_ST;
	case BPF_STX:
		return OP_STX;
	case BPF_ALU | BPF_ADD | BPF_K:
		return OP_ADD_K;
	case BPF_ALU | BPF_ADD | BPF_X:
		return OP_ADD_X;
	case BPF_ALU | BPF_SUB | BPF_K:
		return OP_SUB_K;
	case BPF_ALU | BPF_SUB | BPF_X:
		return OP_SUB_X;
	case BPF_ALU | BPF_MUL | BPF_K:
		return OP_MUL_K;
	case BPF_ALU | BPF_MUL | BPF_X:
		return OP_MUL_X;
	case BPF_ALU | BPF_DIV | BPF_K:
		return OP_DIV_K;
	case BPF_ALU | BPF_DIV | BPF_X:
		return OP_DIV_X;
	case BPF_ALU | BPF_AND | BPF_K:
		return OP_AND_K;
	case BPF_ALU | BPF_AND | BPF_X:
		return OP_AND_X;
	case BPF_ALU | BPF_OR | BPF_K:
		return OP_OR_K;
	case BPF_ALU | BPF_OR | BPF_X:
		return OP_OR_X;
	case BPF_ALU | BPF_XOR | BPF_K:
		return OP_XOR_K;
	case BPF_ALU | BPF_XOR | BPF_X:
		return OP_XOR_X;
	case BPF_ALU | BPF_LSH | BPF_K:
		return OP_LSH_K;
	case BPF_ALU | BPF_LSH | BPF_X:
		return OP_LSH_X;
	case BPF_ALU | BPF_RSH | BPF_K:
		return OP_RSH_K;
	case BPF_ALU | BPF_RSH | BPF_X:
		return OP_RSH_X;
	case BPF_ALU | BPF_NEG:
		return OP_NEG;
	case BPF_MISC | BPF_TAX:
		return OP_TAX;
	case BPF_MISC | BPF_TXA:
		return OP_TXA;
	case BPF_JMP | BPF_JA:
		return OP_JA;
	case BPF_JMP | BPF_JEQ | BPF_K:
		return OP_JEQ_K;
	case BPF_JMP | BPF_JEQ | BPF_X:
		return OP_JEQ_X;
	case BPF_JMP | BPF_JGT | BPF_K:
		return OP_JGT_K;
	case BPF_JMP | BPF_JGT | BPF_X:
		return OP_JGT_X;
	case BPF_JMP | BPF_JGE | BPF_K:
		return OP_JGE_K;
	case BPF_JMP | BPF_JGE | BPF_X:
		return OP_JGE_X;
	case BPF_JMP | BPF_JSET | BPF_K:
		return OP_JSET_K;
	case BPF_JMP | BPF_JSET | BPF_X:
		return OP_JSET_X;
	case BPF_RET | BPF_A:
		return OP_RET_A;
	case BPF_RET | BPF_K:
	default:
		return OP_RET_K;
	}
}

/* Called only on programs bpf_prog_check() accepted. */
static void
decode(const struct sock_filter *prog, size_t len, struct dinsn *code,
       bool *ret_uses_mem)
{
	bool uses_mem = false;
	size_t pc;

	for (pc = 0; pc < len; pc++) {
		const struct sock_filter *f = &prog[pc];
		struct dinsn *d = &code[pc];

		d->op = decode_op(f->code);
		d->k = f->k;
		d->jt = d->jf = 0;
		switch (d->op) {
		case OP_LD_IMM:
		case OP_LDX_IMM:
			if (BPF_MODE(f->code) == BPF_LEN)
				d->k = CBPF_DATA_SIZE;
			break;
		case OP_LD_MEM:
		case OP_LDX_MEM:
		case OP_ST:
		case OP_STX:
			uses_mem = true;
			break;
		case OP_JA:
			d->jt = pc + 1 + f->k;
			break;
		case OP_JEQ_K:
		case OP_JEQ_X:
		case OP_JGT_K:
		case OP_JGT_X:
		case OP_JGE_K:
		case OP_JGE_X:
		case OP_JSET_K:
		case OP_JSET_X:
			d->jt = pc + 1 + f->jt;
			d->jf = pc + 1 + f->jf;
			break;
		default:
			break;
		}
	}
	*ret_uses_mem = uses_mem;
}

/*
 * The run loop: direct threading through computed goto, so each
 * instruction ends in its own indirect branch and the predictor learns
 * per-instruction successors.
 */
#define NEXT()                      \
	do {                        \
		d = &code[++pc];    \
		goto *labels[d->op]; \
	} while (0)
#define JUMP(cond)                                \
	do {                                      \
		pc = (cond) ? d->jt : d->jf;      \
		d = &code[pc];                    \
		goto *labels[d->op];              \
	} while (0)

static uint32_t
run(const struct dinsn *code, unsigned int pc, uint32_t A, uint32_t X,
    const struct seccomp_data *sd, bool uses_mem)
{
	static const void *const labels[OP_COUNT] = {
		[OP_LD_ABS] = &&ld_abs,	  [OP_LD_IMM] = &&ld_imm,
		[OP_LDX_IMM] = &&ldx_imm, [OP_LD_MEM] = &&ld_mem,
		[OP_LDX_MEM] = &&ldx_mem, [OP_ST] = &&st,
		[OP_STX] = &&stx,	  [OP_ADD_K] = &&add_k,
		[OP_ADD_X] = &&add_x,	  [OP_SUB_K] = &&sub_k,
		[OP_SUB_X] = &&sub_x,	  [OP_MUL_K] = &&mul_k,
		[OP_MUL_X] = &&mul_x,	  [OP_DIV_K] = &&div_k,
		[OP_DIV_X] = &&div_x,	  [OP_AND_K] = &&and_k,
		[OP_AND_X] = &&and_x,	  [OP_OR_K] = &&or_k,
		[OP_OR_X] = &&or_x,	  [OP_XOR_K] = &&xor_k,
		[OP_XOR_X] = &&xor_x,	  [OP_LSH_K] = &&lsh_k,
		[OP_LSH_X] = &&lsh_x,	  [OP_RSH_K] = &&rsh_k,
		[OP_RSH_X] = &&rsh_x,	  [OP_NEG] = &&neg,
		[OP_TAX] = &&tax,	  [OP_TXA] = &&txa,
		[OP_JA] = &&ja,		  [OP_JEQ_K] = &&jeq_k,
		[OP_JEQ_X] = &&jeq_x,	  [OP_JGT_K] = &&jgt_k,
		[OP_JGT_X] = &&jgt_x,	  [OP_JGE_K] = &&jge_k,
		[OP_JGE_X] = &&jge_x,	  [OP_JSET_K] = &&jset_k,
		[OP_JSET_X] = &&jset_x,	  [OP_RET_K] = &&ret_k,
		[OP_RET_A] = &&ret_a,
	};
	const unsigned char *data = (const unsigned char *)sd;
	const struct dinsn *d = &code[pc];
	uint32_t M[CBPF_MEMWORDS];

	/*
	 * The validator guarantees every M load follows a store on its path,
	 * so M's start value is never seen; clearing it keeps tools quiet.
	 */
	if (uses_mem)
		memset(M, 0, sizeof(M));
	goto *labels[d->op];

ld_abs:
	memcpy(&A, data + d->k, sizeof(A));
	NEXT();
ld_imm:
	A = d->k;
	NEXT();
ldx_imm:
	X = d->k;
	NEXT();
ld_mem:
	A = M[d->k];
	NEXT();
ldx_mem:
	X = M[d->k];
	NEXT();
st:
	M[d->k] = A;
	NEXT();
stx:
	M[d->k] = X;
	NEXT();
add_k:
	A += d->k;
	NEXT();
add_x:
	A += X;
	NEXT();
sub_k:
	A -= d->k;
	NEXT();
sub_x:
	A -= X;
	NEXT();
mul_k:
	A *= d->k;
	NEXT();
mul_x:
	A *= X;
	NEXT();
div_k:
	A /= d->k;
	NEXT();
div_x:
	/* mirrors net/core/filter.c: bpf_convert_filter(): X == 0 returns 0 */
	if (X == 0)
		return 0;
	A /= X;
	NEXT();
and_k:
	A &= d->k;
	NEXT();
and_x:
	A &= X;
	NEXT();
or_k:
	A |= d->k;
	NEXT();
or_x:
	A |= X;
	NEXT();
xor_k:
	A ^= d->k;
	NEXT();
xor_x:
	A ^= X;
	NEXT();
lsh_k:
	A <<= d->k;
	NEXT();
lsh_x:
	A <<= X & 31;
	NEXT();
rsh_k:
	A >>= d->k;
	NEXT();
rsh_x:
	A >>= X & 31;
	NEXT();
neg:
	A = -A;
	NEXT();
tax:
	X = A;
	NEXT();
txa:
	A = X;
	NEXT();
ja:
	pc = d->jt;
	d = &code[pc];
	goto *labels[d->op];
jeq_k:
	JUMP(A == d->k);
jeq_x:
	JUMP(A == X);
jgt_k:
	JUMP(A > d->k);
jgt_x:
	JUMP(A > X);
jge_k:
	JUMP(A >= d->k);
jge_x:
	JUMP(A >= X);
jset_k:
	JUMP((A & d->k) != 0);
jset_x:
	JUMP((A & X) != 0);
ret_k:
	return d->k;
ret_a:
	return A;
}

#undef NEXT
#undef JUMP

/*
 * Run the decoded program as far as nr and arch alone decide it.  Stops at
 * the first load of anything else, or at the first scratch store, since an
 * entry does not carry M.
 */
static void
entry_prepare(const struct dinsn *code, uint32_t arch, uint32_t nr,
	      struct entry *e)
{
	uint32_t A = 0, X = 0;
	unsigned int pc = 0;

	for (;;) {
		const struct dinsn *d = &code[pc];
		uint32_t k = d->k;

		switch (d->op) {
		case OP_LD_ABS:
			if (k == offsetof(struct seccomp_data, nr))
				A = nr;
			else if (k == offsetof(struct seccomp_data, arch))
				A = arch;
			else
				goto resume;
			break;
		case OP_LD_IMM:
			A = k;
			break;
		case OP_LDX_IMM:
			X = k;
			break;
		case OP_ADD_K:
			A += k;
			break;
		case OP_ADD_X:
			A += X;
			break;
		case OP_SUB_K:
			A -= k;
			break;
		case OP_SUB_X:
			A -= X;
			break;
		case OP_MUL_K:
			A *= k;
			break;
		case OP_MUL_X:
			A *= X;
			break;
		case OP_DIV_K:
			A /= k;
			break;
		case OP_DIV_X:
			if (X == 0) {
				e->kind = KIND_RET;
				e->a = 0;
				return;
			}
			A /= X;
			break;
		case OP_AND_K:
			A &= k;
			break;
		case OP_AND_X:
			A &= X;
			break;
		case OP_OR_K:
			A |= k;
			break;
		case OP_OR_X:
			A |= X;
			break;
		case OP_XOR_K:
			A ^= k;
			break;
		case OP_XOR_X:
			A ^= X;
			break;
		case OP_LSH_K:
			A <<= k;
			break;
		case OP_LSH_X:
			A <<= X & 31;
			break;
		case OP_RSH_K:
			A >>= k;
			break;
		case OP_RSH_X:
			A >>= X & 31;
			break;
		case OP_NEG:
			A = -A;
			break;
		case OP_TAX:
			X = A;
			break;
		case OP_TXA:
			A = X;
			break;
		case OP_JA:
			pc = d->jt;
			continue;
		case OP_JEQ_K:
			pc = A == k ? d->jt : d->jf;
			continue;
		case OP_JEQ_X:
			pc = A == X ? d->jt : d->jf;
			continue;
		case OP_JGT_K:
			pc = A > k ? d->jt : d->jf;
			continue;
		case OP_JGT_X:
			pc = A > X ? d->jt : d->jf;
			continue;
		case OP_JGE_K:
			pc = A >= k ? d->jt : d->jf;
			continue;
		case OP_JGE_X:
			pc = A >= X ? d->jt : d->jf;
			continue;
		case OP_JSET_K:
			pc = (A & k) ? d->jt : d->jf;
			continue;
		case OP_JSET_X:
			pc = (A & X) ? d->jt : d->jf;
			continue;
		case OP_RET_K:
			e->kind = KIND_RET;
			e->a = k;
			return;
		case OP_RET_A:
			e->kind = KIND_RET;
			e->a = A;
			return;
		default:
			/* scratch memory: start over from pc 0 at run time */
			e->kind = KIND_START;
			return;
		}
		pc++;
	}
resume:
	if (pc == 0) {
		e->kind = KIND_START;
		return;
	}
	e->kind = KIND_RESUME;
	e->pc = pc;
	e->a = A;
	e->x = X;
}

/* The cache and entry slot for a call, or -1 if its ABI has none. */
static inline int
abi_slot(const struct bpf_filter *f, uint32_t arch, int32_t nr)
{
	unsigned int i;

	/* slot 0 is the native ABI, which nearly every call uses */
	if (f->abi_arch[0] == arch && f->n_abis)
		return (uint32_t)nr < f->abi_count[0] ? 0 : -1;
	for (i = 1; i < f->n_abis; i++)
		if (f->abi_arch[i] == arch)
			return (uint32_t)nr < f->abi_count[i] ? (int)i : -1;
	return -1;
}

static bool
bit_test(const uint64_t *map, uint32_t nr)
{
	return (map[nr / 64] >> (nr % 64)) & 1;
}

static void
bit_clear(uint64_t *map, uint32_t nr)
{
	map[nr / 64] &= ~((uint64_t)1 << (nr % 64));
}

static void
bit_set(uint64_t *map, uint32_t nr)
{
	map[nr / 64] |= (uint64_t)1 << (nr % 64);
}

/* mirrors kernel/seccomp.c: seccomp_cache_prepare_bitmap() */
static int
cache_prepare(struct bpf_filter *f)
{
	size_t i, j;

	for (i = 0; f->layout && i < f->layout->n_abis; i++) {
		const struct bpf_cache_abi *abi = &f->layout->abi[i];
		size_t words = (abi->nr_count + 63) / 64;
		uint64_t *map = calloc(words ? words : 1, sizeof(*map));
		uint32_t nr;

		if (!map)
			return -ENOMEM;
		f->cache[i] = map;
		if (f->prev)
			memcpy(map, f->prev->cache[i], words * sizeof(*map));
		else
			for (nr = 0; nr < abi->nr_count; nr++)
				bit_set(map, nr);
		for (nr = 0; nr < abi->nr_count; nr++) {
			bool forced = false;

			if (!bit_test(map, nr))
				continue;
			/* seccomp_uprobe_exception(), checked first */
			for (j = 0; j < abi->n_forced; j++)
				if (abi->forced[j] == nr)
					forced = true;
			if (forced || bpf_prog_const_allow(f->prog, f->len,
							   abi->audit_arch, nr))
				continue;
			bit_clear(map, nr);
		}
	}
	return 0;
}

static int
entries_prepare(struct bpf_filter *f)
{
	size_t i;

	if (f->len < ENTRY_MIN_LEN)
		return 0;
	for (i = 0; f->layout && i < f->layout->n_abis; i++) {
		const struct bpf_cache_abi *abi = &f->layout->abi[i];
		struct entry *tab;
		uint32_t nr;

		tab = calloc(abi->nr_count ? abi->nr_count : 1, sizeof(*tab));
		if (!tab)
			return -ENOMEM;
		for (nr = 0; nr < abi->nr_count; nr++)
			entry_prepare(f->code, abi->audit_arch, nr, &tab[nr]);
		f->entry[i] = tab;
	}
	return 0;
}

static void
filter_free(struct bpf_filter *f)
{
	size_t i;

	for (i = 0; i < BPF_CACHE_MAX_ABIS; i++) {
		free(f->cache[i]);
		free(f->entry[i]);
	}
	free(f->code);
	free(f->prog);
	free(f);
}

int
bpf_filter_new(struct bpf_filter *prev, const struct sock_filter *prog,
	       size_t len, const struct bpf_cache_layout *layout,
	       uint32_t flags, struct bpf_filter **ret,
	       struct bpf_error *ret_err)
{
	struct bpf_filter *f = NULL;
	unsigned long total;
	unsigned int xlen;
	int r;

	r = bpf_prog_check(prog, len, ret_err);
	if (r < 0)
		goto out;
	if (prev && prev->layout != layout) {
		r = -EINVAL;
		if (ret_err) {
			ret_err->insn = 0;
			snprintf(ret_err->msg, sizeof(ret_err->msg),
				 "filter stacked on a chain of another layout");
		}
		goto out;
	}
	/* mirrors kernel/seccomp.c: seccomp_attach_filter(), path length */
	xlen = bpf_prog_xlated_len(prog, len);
	total = xlen + (prev ? prev->path_cost : 0);
	if (total > CBPF_MAX_INSNS_PER_PATH) {
		r = -ENOMEM;
		if (ret_err) {
			ret_err->insn = 0;
			snprintf(ret_err->msg, sizeof(ret_err->msg),
				 "chain too long: %lu instructions on one path, more than %d",
				 total, CBPF_MAX_INSNS_PER_PATH);
		}
		goto out;
	}

	r = -ENOMEM;
	f = calloc(1, sizeof(*f));
	if (!f)
		goto out_oom;
	f->refs = 1;
	f->len = len;
	f->flags = flags;
	f->layout = layout;
	if (layout) {
		size_t i;

		f->n_abis = layout->n_abis;
		for (i = 0; i < layout->n_abis; i++) {
			f->abi_arch[i] = layout->abi[i].audit_arch;
			f->abi_count[i] = layout->abi[i].nr_count;
		}
	}
	f->path_cost = (prev ? prev->path_cost : 0) + xlen + CBPF_PATH_PENALTY;
	f->depth = (prev ? prev->depth : 0) + 1;
	f->prog = malloc(len * sizeof(*prog));
	f->code = malloc(len * sizeof(*f->code));
	if (!f->prog || !f->code)
		goto out_oom;
	memcpy(f->prog, prog, len * sizeof(*prog));
	decode(prog, len, f->code, &f->uses_mem);
	if (prev)
		f->prev = bpf_filter_ref(prev);
	if (cache_prepare(f) < 0 || entries_prepare(f) < 0)
		goto out_oom;
	*ret = f;
	f = NULL;
	r = 0;
	goto out;

out_oom:
	if (ret_err) {
		ret_err->insn = 0;
		snprintf(ret_err->msg, sizeof(ret_err->msg), "out of memory");
	}
out:
	if (f)
		bpf_filter_unref(f);
	return r;
}

struct bpf_filter *
bpf_filter_ref(struct bpf_filter *f)
{
	if (f)
		f->refs++;
	return f;
}

struct bpf_filter *
bpf_filter_unref(struct bpf_filter *f)
{
	/* iterative, so freeing a chain thousands deep needs no stack */
	while (f && --f->refs == 0) {
		struct bpf_filter *prev = f->prev;

		filter_free(f);
		f = prev;
	}
	return NULL;
}

const struct bpf_filter *
bpf_filter_prev(const struct bpf_filter *f)
{
	return f->prev;
}

const struct sock_filter *
bpf_filter_prog(const struct bpf_filter *f, size_t *ret_len)
{
	if (ret_len)
		*ret_len = f->len;
	return f->prog;
}

uint32_t
bpf_filter_flags(const struct bpf_filter *f)
{
	return f->flags;
}

unsigned int
bpf_filter_depth(const struct bpf_filter *f)
{
	return f->depth;
}

uint32_t
bpf_filter_run(const struct bpf_filter *f, const struct seccomp_data *sd)
{
	int i;

	if (f->entry[0]) {
		i = abi_slot(f, sd->arch, sd->nr);
		if (i >= 0) {
			const struct entry *e = &f->entry[i][(uint32_t)sd->nr];

			if (e->kind == KIND_RET)
				return e->a;
			if (e->kind == KIND_RESUME)
				return run(f->code, e->pc, e->a, e->x, sd,
					   f->uses_mem);
		}
	}
	return run(f->code, 0, 0, 0, sd, f->uses_mem);
}

bool
bpf_filter_cached(const struct bpf_filter *top, uint32_t arch, int32_t nr)
{
	int i;

	if (top->abi_arch[0] == arch && (uint32_t)nr < top->abi_count[0])
		return bit_test(top->cache[0], (uint32_t)nr);
	i = abi_slot(top, arch, nr);
	return i >= 0 && bit_test(top->cache[i], (uint32_t)nr);
}

/* mirrors kernel/seccomp.c: seccomp_run_filters() */
uint32_t
bpf_chain_run(const struct bpf_filter *top, const struct seccomp_data *sd,
	      const struct bpf_filter **ret_match)
{
	const struct bpf_filter *f, *match = NULL;
	uint32_t ret = SECCOMP_RET_ALLOW;

	for (f = top; f; f = f->prev) {
		uint32_t cur = bpf_filter_run(f, sd);

		if ((int32_t)(cur & SECCOMP_RET_ACTION_FULL) <
		    (int32_t)(ret & SECCOMP_RET_ACTION_FULL)) {
			ret = cur;
			match = f;
		}
	}
	if (ret_match)
		*ret_match = match;
	return ret;
}

uint32_t
bpf_chain_eval(const struct bpf_filter *top, const struct seccomp_data *sd,
	       const struct bpf_filter **ret_match)
{
	if (bpf_filter_cached(top, sd->arch, sd->nr)) {
		if (ret_match)
			*ret_match = NULL;
		return SECCOMP_RET_ALLOW;
	}
	return bpf_chain_run(top, sd, ret_match);
}
