/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * What `sandbox-bpf explain` says: which rules decide a call and why, as
 * text, and the instruction path of a program for inputs without rules.
 * No I/O here: the text goes back to the caller.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/compile.h"

static void
loc_print(FILE *f, const struct policy_loc *l)
{
	if (l->file && l->line)
		fprintf(f, "%s:%u:%u", l->file, l->line, l->col ? l->col : 1);
	else if (l->file)
		fprintf(f, "%s", l->file);
	else
		fprintf(f, "(no location)");
}

static void
abis_print(FILE *f, const struct policy_plan *pl)
{
	const struct arch_abi *const *abis;
	size_t n = policy_plan_abis(pl, &abis), i;

	for (i = 0; i < n; i++)
		fprintf(f, "%s%s",
			i == 0	     ? ""
			: i == n - 1 ? " and "
				     : ", ",
			abis[i]->name);
}

static void
rule_print(FILE *f, const struct policy *p, const struct policy_decision *dec,
	   const struct policy_decision_rule *dr, const uint64_t args[6])
{
	const struct policy_rule *r = &p->rules[dr->rule];
	char act[32], cond[80], cut[80], *mux = NULL;
	size_t c;

	policy_action_format(r->action, act, sizeof(act));
	loc_print(f, &r->loc);
	fprintf(f, ": %s", r->name);
	if (dr->route.mux) {
		mux = arch_syscall_name(dec->abi, dr->route.nr);
		fprintf(f, " through %s (nr %d)", mux ? mux : "?",
			dr->route.nr);
	}
	fprintf(f, " -> %s: ", act);
	if (dr->decides && dr->unconditional)
		fprintf(f, "decides, having no conditions\n");
	else if (dr->decides)
		fprintf(f, "matches, decides\n");
	else if (dr->matches)
		fprintf(f, "matches, but another rule decides\n");
	else
		fprintf(f, "does not match\n");
	if (dr->route.mux)
		fprintf(f, "\t%s: arg0 == %u (the call it makes): %s\n",
			mux ? mux : "?", dr->route.mux_call,
			dr->mux_true ? "true" : "false");
	for (c = 0; c < r->n_conds; c++) {
		const struct policy_cond *pc = &r->conds[c];
		struct policy_cond t = *pc;
		uint64_t x = args[pc->arg];

		policy_cond_format(pc, cond, sizeof(cond));
		fputc('\t', f);
		loc_print(f, &pc->loc);
		fprintf(f, ": %s", cond);
		if (dr->truncated) {
			t.a &= UINT32_MAX;
			t.b &= UINT32_MAX;
			x &= UINT32_MAX;
			if (t.a != pc->a || t.b != pc->b) {
				policy_cond_format(&t, cut, sizeof(cut));
				fprintf(f, " (on 32 bits: %s)", cut);
			}
		}
		if (dr->route.mux && pc->arg == 0)
			fprintf(f, ": not tested through %s\n",
				mux ? mux : "?");
		else
			fprintf(f, ": %s (arg%u = 0x%" PRIx64 ")\n",
				dr->cond_true & (1U << c) ? "true" : "false",
				pc->arg, x);
	}
	free(mux);
}

int
policy_explain_text(const struct policy_plan *pl, const struct policy *p,
		    const struct policy_decision *dec, const char *name,
		    const uint64_t args[6], char **ret)
{
	const struct policy_decision_rule *u = NULL;
	char *buf = NULL;
	size_t size = 0, i, n_dec = 0;
	FILE *f;

	f = open_memstream(&buf, &size);
	if (!f)
		return -errno;
	for (i = 0; i < dec->n_rules; i++)
		if (dec->rules[i].decides) {
			n_dec++;
			if (!u)
				u = &dec->rules[i];
		}
	fprintf(f, "because: ");
	switch (dec->why) {
	case POLICY_WHY_BADARCH:
		fprintf(
		    f,
		    "no rule: the architecture is not in the policy (it covers ");
		abis_print(f, pl);
		fprintf(f, ")\n");
		break;
	case POLICY_WHY_DEFAULT:
		if (dec->n_rules == 0)
			fprintf(f,
				"no rule names %s on %s: the default action\n",
				name, dec->abi->name);
		else
			fprintf(f, "no rule matches: the default action\n");
		break;
	case POLICY_WHY_UNCONDITIONAL:
		fprintf(f, "the rule at ");
		loc_print(f, &p->rules[u->rule].loc);
		fprintf(f, " has no conditions, so it decides every %s call\n",
			name);
		break;
	case POLICY_WHY_RULE:
		fprintf(f, "the rule%s at ", n_dec > 1 ? "s" : "");
		for (i = 0; i < dec->n_rules; i++) {
			if (!dec->rules[i].decides)
				continue;
			if (&dec->rules[i] != u)
				fprintf(f, ", ");
			loc_print(f, &p->rules[dec->rules[i].rule].loc);
		}
		fprintf(f, " match%s\n", n_dec > 1 ? "" : "es");
		break;
	}
	for (i = 0; i < dec->n_rules; i++)
		rule_print(f, p, dec, &dec->rules[i], args);
	if (dec->n_more)
		fprintf(f, "... and %zu more rules for this call\n",
			dec->n_more);
	if (fclose(f) != 0) {
		free(buf);
		return -ENOMEM;
	}
	*ret = buf;
	return 0;
}

uint32_t
policy_prog_walk(const struct sock_filter *prog, size_t len,
		 const struct seccomp_data *sd, uint32_t *pcs, size_t cap,
		 size_t *ret_n)
{
	return bpf_prog_trace_naive(prog, len, sd, pcs, cap, ret_n);
}
