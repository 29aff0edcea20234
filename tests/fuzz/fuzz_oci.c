/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Fuzz harness: the input is an OCI, Docker or Podman seccomp profile for
 * policy_load_oci(), loaded with no capabilities and with all of them.
 * It must never crash.  A refused input must say where (line and column
 * from 1, inside the input) and why; so must every warning.  What loads
 * must be a well-formed policy: conditions on arguments 0 to 5, at most
 * one per argument in a rule, masked values inside their masks, locations
 * inside the input, errnos the kernel keeps, and no rule with the default
 * action.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <seccomp.h>

#include <linux/seccomp.h>

#include "policy/policy.h"

#define FILE_NAME "fuzz.json"

struct input {
	const uint8_t *data;
	size_t size;
};

/* Whether line @line, column @col (from 1) is inside the input or at its end.
 */
static bool
inside(const struct input *in, unsigned int line, unsigned int col)
{
	size_t i = 0, start = 0, end;
	unsigned int l = 1;

	if (line < 1 || col < 1)
		return false;
	while (l < line && i < in->size)
		if (in->data[i++] == '\n') {
			l++;
			start = i;
		}
	if (l != line)
		return false;
	for (end = start; end < in->size && in->data[end] != '\n'; end++)
		;
	return col - 1 <= end - start;
}

/* "fuzz.json:LINE:COL: MESSAGE", the place inside the input. */
static void
check_msg(const struct input *in, const char *msg, const char *kind)
{
	unsigned int line = 0, col = 0;
	int n = 0;

	if (!memchr(msg, 0, sizeof(((struct policy_diag *)0)->msg)))
		fuzz_fail("%s is not terminated", kind);
	if (strncmp(msg, FILE_NAME ":", strlen(FILE_NAME ":")) != 0 ||
	    sscanf(msg + strlen(FILE_NAME), ":%u:%u: %n", &line, &col, &n) !=
		2 ||
	    n == 0 || msg[strlen(FILE_NAME) + (size_t)n] == '\0')
		fuzz_fail("%s without a place or a reason: \"%s\"", kind, msg);
	if (!inside(in, line, col))
		fuzz_fail("%s at %u:%u, outside the input of %zu bytes: \"%s\"",
			  kind, line, col, in->size, msg);
}

static void
on_warn(void *data, const char *msg)
{
	check_msg(data, msg, "warning");
	if (!strstr(msg, ": warning: "))
		fuzz_fail("a warning that does not say so: \"%s\"", msg);
}

static bool
action_ok(uint32_t a)
{
	switch (a & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ERRNO:
		return (a & SECCOMP_RET_DATA) <= CBPF_MAX_ERRNO;
	case SECCOMP_RET_TRACE:
		return true;
	case SECCOMP_RET_KILL_PROCESS:
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_TRAP:
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
	case SECCOMP_RET_USER_NOTIF:
		return (a & SECCOMP_RET_DATA) == 0;
	default:
		return false;
	}
}

static void
check_policy(const struct input *in, const struct policy *p)
{
	size_t i, k;

	if (!action_ok(p->default_action))
		fuzz_fail("default action 0x%08x", p->default_action);
	if (p->n_arches < 1 || p->n_arches > 24)
		fuzz_fail("%zu architectures", p->n_arches);
	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];
		unsigned int seen = 0;

		if (!r->name || !r->name[0])
			fuzz_fail("rule %zu has no name", i);
		if (!action_ok(r->action) || r->action == p->default_action)
			fuzz_fail(
			    "rule %zu (%s): action 0x%08x, default 0x%08x", i,
			    r->name, r->action, p->default_action);
		if (!r->loc.file || strcmp(r->loc.file, FILE_NAME) != 0 ||
		    !inside(in, r->loc.line, r->loc.col))
			fuzz_fail("rule %zu (%s) at %u:%u", i, r->name,
				  r->loc.line, r->loc.col);
		if (r->n_conds > POLICY_MAX_CONDS)
			fuzz_fail("rule %zu has %zu conditions", i, r->n_conds);
		for (k = 0; k < r->n_conds; k++) {
			const struct policy_cond *c = &r->conds[k];

			if (c->arg > 5 || (seen & (1u << c->arg)))
				fuzz_fail("rule %zu: condition on argument %u",
					  i, c->arg);
			seen |= 1u << c->arg;
			if (c->op < POLICY_OP_EQ || c->op > POLICY_OP_MASKED_EQ)
				fuzz_fail("rule %zu: operator %d", i,
					  (int)c->op);
			if (c->op == POLICY_OP_MASKED_EQ ? (c->b & ~c->a) != 0
							 : c->b != 0)
				fuzz_fail("rule %zu: a 0x%llx, b 0x%llx", i,
					  (unsigned long long)c->a,
					  (unsigned long long)c->b);
			if (!c->loc.file ||
			    !inside(in, c->loc.line, c->loc.col))
				fuzz_fail("rule %zu: condition at %u:%u", i,
					  c->loc.line, c->loc.col);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t caps[] = { 0, ~0ULL };
	struct input in = { data, size };
	size_t i;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct policy_oci_opts o = { caps[i], SCMP_ARCH_X86_64,
					     "6.1.0" };
		struct policy_diag d;
		struct policy p;
		int r;

		policy_init(&p);
		memset(&d, 0, sizeof(d));
		r = policy_load_oci(&p, FILE_NAME, (const char *)data, size, &o,
				    on_warn, &in, &d);
		if (r == -EINVAL)
			check_msg(&in, d.msg, "error");
		else if (r == 0)
			check_policy(&in, &p);
		else if (r != -ENOMEM)
			fuzz_fail("policy_load_oci() returned %d", r);
		policy_free(&p);
	}
	return 0;
}
