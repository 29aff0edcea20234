/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The reference semantics of a compiled policy, straight from the rules
 * (see ref.h).  It is deliberately naive: one pass over every rule for
 * every call, with no rewriting of any kind.
 */
#include "config.h"

#include <string.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#include "ref.h"

/* What seccomp_data shows a 32-bit ABI's filter: the low half. */
static uint64_t
cut(uint64_t v, unsigned bits)
{
	return bits == 32 ? (uint32_t)v : v;
}

bool
ref_holds(const struct policy_cond *c, uint64_t x, unsigned bits)
{
	uint64_t a = cut(c->a, bits), b = cut(c->b, bits);

	x = cut(x, bits);
	switch (c->op) {
	case POLICY_OP_EQ:
		return x == a;
	case POLICY_OP_NE:
		return x != a;
	case POLICY_OP_LT:
		return x < a;
	case POLICY_OP_LE:
		return x <= a;
	case POLICY_OP_GT:
		return x > a;
	case POLICY_OP_GE:
		return x >= a;
	case POLICY_OP_MASKED_EQ:
		return (x & a) == b;
	}
	return false;
}

/* A condition every value passes: the rule is one "without conditions". */
static bool
always(const struct policy_cond *c, unsigned bits)
{
	uint64_t max = bits == 32 ? UINT32_MAX : UINT64_MAX;

	switch (c->op) {
	case POLICY_OP_LE:
		return cut(c->a, bits) == max;
	case POLICY_OP_GE:
		return cut(c->a, bits) == 0;
	case POLICY_OP_MASKED_EQ:
		return cut(c->a, bits) == 0 && cut(c->b, bits) == 0;
	default:
		return false;
	}
}

struct ref_verdict
ref_decide(const struct policy *p, const struct arch_abi *const *abis,
	   size_t n_abis, uint32_t audit_arch, int32_t nr,
	   const uint64_t args[6])
{
	struct ref_verdict v = { 0 };
	const struct arch_abi *cand[2];
	bool have_uncond = false, x32nr;
	uint32_t uncond = 0, matched = 0;
	size_t n = 0, i, j, k;

	for (i = 0; i < n_abis; i++)
		if (abis[i]->audit_arch == audit_arch && n < 2)
			cand[n++] = abis[i];
	/*
	 * libseccomp's arch check: x86_64 alone refuses numbers with bit 30
	 * (but not -1), x32 alone refuses numbers without it.
	 */
	x32nr = (uint32_t)nr >= ARCH_X32_SYSCALL_BIT;
	if (n == 1 && audit_arch == AUDIT_ARCH_X86_64 &&
	    ((cand[0]->nr_flag == 0 && x32nr && nr != -1) ||
	     (cand[0]->nr_flag != 0 && !x32nr)))
		n = 0;
	if (n == 0) {
		v.badarch = true;
		v.action = SECCOMP_RET_KILL_PROCESS;
		return v;
	}
	for (k = 0; k < n; k++) {
		const struct arch_abi *abi = cand[k];

		for (i = 0; i < p->n_rules; i++) {
			const struct policy_rule *r = &p->rules[i];
			bool all = true, uncond_rule = true;

			if (arch_syscall_nr(abi, r->name) != nr)
				continue;
			for (j = 0; j < r->n_conds; j++) {
				all &=
				    ref_holds(&r->conds[j],
					      args[r->conds[j].arg], abi->bits);
				uncond_rule &= always(&r->conds[j], abi->bits);
			}
			if (uncond_rule && !have_uncond) {
				have_uncond = true;
				uncond = r->action;
			}
			if (!all)
				continue;
			if (v.n_matched++ == 0)
				matched = r->action;
			else if (r->action != matched)
				v.conflict = true;
		}
	}
	if (have_uncond) {
		v.action = uncond;
		v.conflict = false;
	} else {
		v.action = v.n_matched ? matched : p->default_action;
	}
	return v;
}
