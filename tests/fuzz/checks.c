/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The properties the fuzz harnesses check.  The oracle for every run is
 * bpf_prog_run_naive(), which reads the instructions as they are; the
 * decoded interpreter, the per-nr entry table, the action cache and the
 * chain functions must all agree with it.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"

/* Calls tried per program: enough to reach nested comparisons. */
#define MAX_CALLS 64
#define MAX_PAIRS 12

void
fuzz_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fuzz: BUG: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

static void
dump_prog(const struct sock_filter *prog, size_t len)
{
	size_t i;

	fprintf(stderr, "program (%zu instructions):\n", len);
	for (i = 0; i < len && i < 64; i++)
		fprintf(stderr, "  %4zu: .insn 0x%04x, %u, %u, 0x%08x\n", i,
			prog[i].code, prog[i].jt, prog[i].jf, prog[i].k);
	if (len > 64)
		fprintf(stderr, "  ...\n");
}

static void
dump_call(const struct seccomp_data *sd)
{
	int i;

	fprintf(stderr, "call: nr=%d arch=0x%08x ip=0x%llx args=", sd->nr,
		sd->arch, (unsigned long long)sd->instruction_pointer);
	for (i = 0; i < 6; i++)
		fprintf(stderr, "%s0x%llx", i ? "," : "",
			(unsigned long long)sd->args[i]);
	fputc('\n', stderr);
}

/* Index of the first instruction where @a and @b differ, or -1. */
static long
prog_diff(const struct sock_filter *a, size_t alen, const struct sock_filter *b,
	  size_t blen)
{
	size_t i;

	for (i = 0; i < alen && i < blen; i++)
		if (a[i].code != b[i].code || a[i].jt != b[i].jt ||
		    a[i].jf != b[i].jf || a[i].k != b[i].k)
			return (long)i;
	return alen == blen ? -1 : (long)i;
}

void
fuzz_check_text(const struct sock_filter *prog, size_t len)
{
	struct sock_filter *back = NULL;
	struct bpf_text_error terr;
	char *text = NULL, *text2 = NULL;
	size_t back_len = 0;
	long d;
	int r;

	r = bpf_text_disasm(prog, len, &text);
	if (r == -ENOMEM)
		goto out;
	if (r != 0 || !text)
		fuzz_fail("bpf_text_disasm() returned %d", r);
	memset(&terr, 0, sizeof(terr));
	r = bpf_text_asm(text, strlen(text), &back, &back_len, &terr);
	if (r == -ENOMEM)
		goto out;
	if (r != 0) {
		dump_prog(prog, len);
		fuzz_fail("the disassembly does not assemble: %u:%u: %.*s\n%s",
			  terr.line, terr.col, (int)sizeof(terr.msg), terr.msg,
			  text);
	}
	d = prog_diff(prog, len, back, back_len);
	if (d >= 0) {
		dump_prog(prog, len);
		fuzz_fail(
		    "disasm then asm changed instruction %ld (%zu in, %zu out):\n%s",
		    d, len, back_len, text);
	}
	r = bpf_text_disasm(back, back_len, &text2);
	if (r == -ENOMEM)
		goto out;
	if (r != 0 || !text2 || strcmp(text, text2) != 0)
		fuzz_fail(
		    "disassembling the same program twice differs:\n%s\n---\n%s",
		    text, text2 ? text2 : "(null)");
out:
	free(text);
	free(text2);
	free(back);
}

/* mirrors kernel/seccomp.c: seccomp_run_filters(), written independently */
static bool
lower(uint32_t a, uint32_t b)
{
	return (int32_t)(a & SECCOMP_RET_ACTION_FULL) <
	       (int32_t)(b & SECCOMP_RET_ACTION_FULL);
}

static bool
forced(const struct bpf_cache_layout *lay, const struct seccomp_data *sd)
{
	size_t i, j;

	for (i = 0; i < lay->n_abis; i++) {
		const struct bpf_cache_abi *a = &lay->abi[i];

		if (a->audit_arch != sd->arch ||
		    (uint32_t)sd->nr >= a->nr_count)
			continue;
		for (j = 0; j < a->n_forced; j++)
			if (a->forced[j] == (uint32_t)sd->nr)
				return true;
	}
	return false;
}

struct calls {
	struct seccomp_data sd[MAX_CALLS];
	size_t n;
};

static struct seccomp_data *
call_add(struct calls *c, const struct seccomp_data *base)
{
	if (c->n == MAX_CALLS)
		return NULL;
	c->sd[c->n] = *base;
	return &c->sd[c->n++];
}

static void
word_set(struct seccomp_data *sd, uint32_t off, uint32_t v)
{
	if (off < sizeof(*sd) && off % 4 == 0)
		memcpy((char *)sd + off, &v, sizeof(v));
}

/*
 * Calls to try: one made of the seed bytes, the edges of every cached ABI,
 * and calls that satisfy the program's own comparisons one after another
 * (a load of offset O followed by a compare with K sets word O to K).
 */
static void
calls_derive(const struct sock_filter *prog, size_t len, const uint8_t *seed,
	     size_t seed_len, const struct bpf_cache_layout *lay,
	     const struct arch_abi *other, struct calls *c)
{
	struct {
		uint32_t off, k;
	} pair[MAX_PAIRS];
	struct seccomp_data base, *sd;
	size_t i, j, npair = 0;
	uint32_t last_off = 0;
	bool have_off = false;

	memset(&base, 0, sizeof(base));
	memcpy(&base, seed, seed_len < sizeof(base) ? seed_len : sizeof(base));
	c->n = 0;
	call_add(c, &base);

	for (i = 0; i < lay->n_abis; i++) {
		const struct bpf_cache_abi *a = &lay->abi[i];
		const int32_t edge[] = { 0, 1, (int32_t)a->nr_count - 1,
					 (int32_t)a->nr_count, -1 };

		for (j = 0; j < sizeof(edge) / sizeof(edge[0]); j++)
			if ((sd = call_add(c, &base))) {
				sd->arch = a->audit_arch;
				sd->nr = edge[j];
			}
		for (j = 0; j < a->n_forced; j++)
			if ((sd = call_add(c, &base))) {
				sd->arch = a->audit_arch;
				sd->nr = (int32_t)a->forced[j];
			}
	}
	if ((sd = call_add(c, &base))) {
		sd->arch = other->audit_arch;
		sd->nr = (int32_t)(other->nr_base | other->nr_flag);
	}

	for (i = 0; i < len && npair < MAX_PAIRS; i++) {
		uint16_t code = prog[i].code;

		if (code == (BPF_LD | BPF_W | BPF_ABS)) {
			last_off = prog[i].k;
			have_off = true;
		} else if (BPF_CLASS(code) == BPF_JMP &&
			   BPF_OP(code) != BPF_JA && BPF_SRC(code) == BPF_K &&
			   have_off) {
			pair[npair].off = last_off;
			pair[npair].k = prog[i].k;
			npair++;
		}
	}
	/* each pair alone, then all of them up to each one */
	for (i = 0; i < npair; i++) {
		if ((sd = call_add(c, &base)))
			word_set(sd, pair[i].off, pair[i].k);
		if ((sd = call_add(c, &base)))
			word_set(sd, pair[i].off, pair[i].k + 1);
	}
	for (i = 0; i < npair; i++) {
		if (!(sd = call_add(c, &base)))
			break;
		for (j = 0; j <= i; j++)
			word_set(sd, pair[j].off, pair[j].k);
	}
}

/* The chain of @n copies of @naive's program: what the kernel returns. */
static uint32_t
chain_ref(uint32_t naive)
{
	return lower(naive, SECCOMP_RET_ALLOW) ? naive : SECCOMP_RET_ALLOW;
}

static void
check_call(const struct sock_filter *prog, size_t len,
	   const struct bpf_cache_layout *lay, const struct bpf_filter *f1,
	   const struct bpf_filter *f2, const struct seccomp_data *sd)
{
	const struct bpf_filter *m = NULL;
	unsigned int count = 0;
	uint32_t naive, got, want;
	enum bpf_action act;
	const char *name;

	naive = bpf_prog_run_naive(prog, len, sd, &count);
	if (count < 1 || count > len) {
		dump_prog(prog, len);
		dump_call(sd);
		fuzz_fail("bpf_prog_run_naive() ran %u instructions of %zu",
			  count, len);
	}
	act = bpf_ret_action(naive);
	name = bpf_action_name(act);
	if (!name || !*name)
		fuzz_fail("bpf_action_name(%d) is empty", (int)act);
	if (act == BPF_ACT_ERRNO && bpf_ret_errno(naive) > CBPF_MAX_ERRNO)
		fuzz_fail("bpf_ret_errno(0x%08x) = %u", naive,
			  bpf_ret_errno(naive));
	if (!bpf_ret_known(naive) && act != BPF_ACT_KILL_PROCESS)
		fuzz_fail("unknown action 0x%08x is not KILL_PROCESS", naive);

	if ((got = bpf_filter_run(f1, sd)) != naive) {
		dump_prog(prog, len);
		dump_call(sd);
		fuzz_fail(
		    "bpf_filter_run() = 0x%08x, bpf_prog_run_naive() = 0x%08x",
		    got, naive);
	}
	if ((got = bpf_filter_run(f2, sd)) != naive) {
		dump_prog(prog, len);
		dump_call(sd);
		fuzz_fail(
		    "bpf_filter_run() on the stacked copy = 0x%08x, naive = 0x%08x",
		    got, naive);
	}
	want = chain_ref(naive);
	got = bpf_chain_run(f2, sd, &m);
	if (got != want || m != (lower(naive, SECCOMP_RET_ALLOW) ? f2 : NULL)) {
		dump_prog(prog, len);
		dump_call(sd);
		fuzz_fail(
		    "bpf_chain_run() = 0x%08x (match %s), want 0x%08x (naive 0x%08x)",
		    got,
		    m == f2   ? "top"
		    : m == f1 ? "bottom"
			      : "none",
		    want, naive);
	}
	if (forced(lay, sd)) {
		want = SECCOMP_RET_ALLOW;
		if (!bpf_filter_cached(f2, sd->arch, sd->nr))
			fuzz_fail("forced nr %d of arch 0x%08x is not cached",
				  sd->nr, sd->arch);
	}
	got = bpf_chain_eval(f2, sd, &m);
	if (got != want) {
		dump_prog(prog, len);
		dump_call(sd);
		fuzz_fail(
		    "bpf_chain_eval() = 0x%08x, want 0x%08x (naive 0x%08x)",
		    got, want, naive);
	}
	if (!forced(lay, sd) && naive != SECCOMP_RET_ALLOW &&
	    (bpf_filter_cached(f1, sd->arch, sd->nr) ||
	     bpf_filter_cached(f2, sd->arch, sd->nr))) {
		dump_prog(prog, len);
		dump_call(sd);
		fuzz_fail(
		    "the action cache allows nr %d of arch 0x%08x, but the filter returns 0x%08x",
		    sd->nr, sd->arch, naive);
	}
	if (naive != SECCOMP_RET_ALLOW && sd->nr >= 0 &&
	    bpf_prog_const_allow(prog, len, sd->arch, (uint32_t)sd->nr)) {
		dump_prog(prog, len);
		dump_call(sd);
		fuzz_fail(
		    "bpf_prog_const_allow() is true, but the filter returns 0x%08x",
		    naive);
	}
}

/* A filter built with a one-ABI layout must agree too, cache included. */
static void
check_other(const struct sock_filter *prog, size_t len,
	    const struct bpf_filter *f, const struct arch_abi *abi,
	    const struct bpf_cache_layout *lay,
	    const struct seccomp_data *sd_in)
{
	struct seccomp_data sd = *sd_in, back, twice;
	uint32_t naive, got;

	sd.arch = abi->audit_arch;
	/* the call as a target of that ABI's byte order lays it out */
	back = sd;
	bpf_data_set_byteorder(&sd, abi->big_endian);
	if (sd.nr != back.nr || sd.arch != back.arch)
		fuzz_fail("bpf_data_set_byteorder() changed nr or arch");
	twice = sd;
	bpf_data_set_byteorder(&twice, abi->big_endian);
	if (memcmp(&twice, &back, sizeof(back)) != 0)
		fuzz_fail("bpf_data_set_byteorder() twice is not the identity");
	naive = bpf_prog_run_naive(prog, len, &sd, NULL);
	got = bpf_filter_run(f, &sd);
	if (got != naive) {
		dump_prog(prog, len);
		dump_call(&sd);
		fuzz_fail("bpf_filter_run() for %s = 0x%08x, naive = 0x%08x",
			  abi->name, got, naive);
	}
	if (naive != SECCOMP_RET_ALLOW && !forced(lay, &sd) &&
	    bpf_filter_cached(f, sd.arch, sd.nr)) {
		dump_prog(prog, len);
		dump_call(&sd);
		fuzz_fail(
		    "the %s action cache allows nr %d, but the filter returns 0x%08x",
		    abi->name, sd.nr, naive);
	}
}

void
fuzz_check_engine(const struct sock_filter *prog, size_t len,
		  const uint8_t *seed, size_t seed_len)
{
	const struct bpf_cache_layout *lay = arch_cache_layout_host();
	struct bpf_filter *f1 = NULL, *f2 = NULL, *fo = NULL;
	struct bpf_cache_layout other_lay;
	const struct arch_abi *other;
	struct bpf_error err;
	struct calls *calls = NULL;
	size_t i;
	int r, rc;

	memset(&err, 0, sizeof(err));
	rc = bpf_prog_check(prog, len, &err);
	if (rc != 0 && rc != -EINVAL)
		fuzz_fail("bpf_prog_check() returned %d", rc);
	if (rc != 0 && (!err.msg[0] || !memchr(err.msg, 0, sizeof(err.msg))))
		fuzz_fail(
		    "bpf_prog_check() refused a program without a reason");

	r = bpf_filter_new(NULL, prog, len, lay, 0, &f1, NULL);
	if (rc != 0) {
		if (r != -EINVAL)
			fuzz_fail(
			    "bpf_prog_check() refused, bpf_filter_new() returned %d",
			    r);
		return;
	}
	if (r == -ENOMEM)
		return;
	if (r != 0) {
		dump_prog(prog, len);
		fuzz_fail(
		    "bpf_prog_check() accepted, bpf_filter_new() returned %d",
		    r);
	}
	(void)bpf_prog_xlated_len(prog, len);
	{
		size_t flen = 0;
		const struct sock_filter *fp = bpf_filter_prog(f1, &flen);

		if (flen != len || memcmp(fp, prog, len * sizeof(*prog)) != 0)
			fuzz_fail(
			    "bpf_filter_prog() differs from the program given");
	}

	r = bpf_filter_new(f1, prog, len, lay, 7, &f2, &err);
	if (r == -ENOMEM)
		goto out;
	if (r != 0)
		fuzz_fail("stacking a valid program on itself returned %d: %s",
			  r, err.msg);
	if (bpf_filter_prev(f2) != f1 || bpf_filter_depth(f2) != 2 ||
	    bpf_filter_flags(f2) != 7 || bpf_filter_depth(f1) != 1)
		fuzz_fail("the stacked filter's accessors are wrong");

	other = arch_abi_at((seed_len ? seed[0] : 0) % arch_abi_count());
	arch_cache_layout_for(other, &other_lay);
	r = bpf_filter_new(f1, prog, len, &other_lay, 0, &fo, NULL);
	if (r != -EINVAL)
		fuzz_fail("stacking on a chain of another layout returned %d",
			  r);
	r = bpf_filter_new(NULL, prog, len, &other_lay, 0, &fo, NULL);
	if (r != 0 && r != -ENOMEM)
		fuzz_fail("bpf_filter_new() for %s returned %d", other->name,
			  r);

	calls = malloc(sizeof(*calls));
	if (!calls)
		goto out;
	calls_derive(prog, len, seed, seed_len, lay, other, calls);
	for (i = 0; i < calls->n; i++) {
		check_call(prog, len, lay, f1, f2, &calls->sd[i]);
		if (fo)
			check_other(prog, len, fo, other, &other_lay,
				    &calls->sd[i]);
	}
out:
	free(calls);
	bpf_filter_unref(fo);
	bpf_filter_unref(f2);
	bpf_filter_unref(f1);
}
