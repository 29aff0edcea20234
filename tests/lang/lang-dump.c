/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * lang-dump: the shell tests' window into the .policy loader.
 *
 *   lang-dump [--include-dir DIR] FILE   load FILE ("-" for stdin) and
 *                                         print the intermediate form
 *   lang-dump --groups                    the group table, laid out as
 *                                         `systemd-analyze syscall-filter`
 *   lang-dump --known NAME...             the NAMEs libseccomp knows
 *   lang-dump --consts                    the constant table
 *
 * Loading prints warnings and the error on stderr, exactly as the loader
 * words them, and exits 1 on an error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/seccomp.h>

#include <seccomp.h>

#include "policy/lang.h"
#include "policy/policy.h"

static void
print_action(uint32_t action)
{
	uint32_t data = action & SECCOMP_RET_DATA;
	const char *name;

	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		printf("allow");
		break;
	case SECCOMP_RET_LOG:
		printf("log");
		break;
	case SECCOMP_RET_USER_NOTIF:
		printf("notify");
		break;
	case SECCOMP_RET_KILL_PROCESS:
		printf("kill-process");
		break;
	case SECCOMP_RET_KILL_THREAD:
		printf("kill-thread");
		break;
	case SECCOMP_RET_ERRNO:
		name = policy_const_errno_name(data);
		if (name)
			printf("errno(%s)", name);
		else
			printf("errno(%" PRIu32 ")", data);
		break;
	case SECCOMP_RET_TRAP:
		printf("trap(%" PRIu32 ")", data);
		break;
	case SECCOMP_RET_TRACE:
		printf("trace(%" PRIu32 ")", data);
		break;
	default:
		printf("0x%08" PRIx32, action);
	}
}

static const char *const op_names[] = {
	[POLICY_OP_EQ] = "==", [POLICY_OP_NE] = "!=", [POLICY_OP_LT] = "<",
	[POLICY_OP_LE] = "<=", [POLICY_OP_GT] = ">",  [POLICY_OP_GE] = ">=",
};

static const char *
arch_name(uint32_t token)
{
	static const char *const names[] = {
		"x86",	       "x86_64", "x32",	     "arm",	 "aarch64",
		"mips",	       "mipsel", "mips64",   "mipsel64", "mips64n32",
		"mipsel64n32", "parisc", "parisc64", "ppc",	 "ppc64",
		"ppc64le",     "s390",	 "s390x",    "riscv64",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (seccomp_arch_resolve_name(names[i]) == token)
			return names[i];
	return "?";
}

static void
print_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (*s == '\n')
			printf("\\n");
		else if (*s == '\t')
			printf("\\t");
		else
			putchar(*s);
	}
	putchar('"');
}

static void
print_policy(const struct policy *p)
{
	const struct policy_rule *r;
	size_t i, j;

	printf("default ");
	print_action(p->default_action);
	printf("\narch");
	if (!p->n_arches)
		printf(" (native and compat)");
	for (i = 0; i < p->n_arches; i++)
		printf(" %s", arch_name(p->arches[i]));
	printf("\n");
	if (p->listener_path) {
		printf("listener ");
		print_string(p->listener_path);
		printf("\n");
	}
	if (p->listener_metadata) {
		printf("listener-metadata ");
		print_string(p->listener_metadata);
		printf("\n");
	}
	if (p->log_denied)
		printf("log-denied\n");
	if (p->wait_killable_recv)
		printf("wait-killable-recv\n");
	/* enosys, the default, is not printed */
	if (p->agent_loss == POLICY_LOSS_KILL) {
		printf("on-agent-loss kill\n");
	} else if (p->agent_loss == POLICY_LOSS_WAIT) {
		printf("on-agent-loss wait\n");
	} else if (p->agent_loss == POLICY_LOSS_ERRNO) {
		printf("on-agent-loss ");
		print_action(SECCOMP_RET_ERRNO | (uint32_t)p->agent_loss_errno);
		printf("\n");
	}
	for (i = 0; i < p->n_rules; i++) {
		r = &p->rules[i];
		printf("%s:%u:%u: %s:", r->loc.file, r->loc.line, r->loc.col,
		       r->name);
		for (j = 0; j < r->n_conds; j++) {
			const struct policy_cond *c = &r->conds[j];

			printf("%s arg%u", j ? " &&" : "", c->arg);
			if (c->op == POLICY_OP_MASKED_EQ)
				printf(" & %#" PRIx64 " == %#" PRIx64, c->a,
				       c->b);
			else if (c->op >= POLICY_OP_EQ && c->op <= POLICY_OP_GE)
				printf(" %s %#" PRIx64, op_names[c->op], c->a);
			else
				printf(" ?op%d", (int)c->op);
			printf(" [%u:%u]", c->loc.line, c->loc.col);
		}
		printf("%s", r->n_conds ? "; " : " ");
		print_action(r->action);
		printf("\n");
	}
}

static void
warn_stderr(void *data, const char *msg)
{
	(void)data;
	fprintf(stderr, "%s\n", msg);
}

static int
dump_groups(void)
{
	const struct policy_group *g;
	const char *const *m;
	size_t i;

	for (i = 0; (g = policy_group_at(i)); i++) {
		printf("%s%s\n    # %s\n", i ? "\n" : "", g->name, g->help);
		for (m = g->members; *m; m++)
			printf("    %s\n", *m);
	}
	return 0;
}

static int
dump_consts(void)
{
	const struct policy_const *c;
	size_t i;

	for (i = 0; (c = policy_const_at(i)); i++)
		printf("%d %s %#" PRIx64 "\n", (int)c->family, c->name,
		       c->value);
	return 0;
}

int
main(int argc, char **argv)
{
	struct policy_lang_opts o = { 0 };
	struct policy_diag d;
	struct policy p;
	int i = 1, r;

	if (argc >= 2 && strcmp(argv[1], "--groups") == 0)
		return dump_groups();
	if (argc >= 2 && strcmp(argv[1], "--consts") == 0)
		return dump_consts();
	if (argc >= 2 && strcmp(argv[1], "--known") == 0) {
		for (i = 2; i < argc; i++)
			if (seccomp_syscall_resolve_name(argv[i]) !=
			    __NR_SCMP_ERROR)
				printf("%s\n", argv[i]);
		return 0;
	}
	if (argc >= 3 && strcmp(argv[1], "--include-dir") == 0) {
		o.include_dir = argv[2];
		i = 3;
	}
	if (argc != i + 1) {
		fprintf(
		    stderr,
		    "usage: lang-dump [--include-dir DIR] FILE | --groups | --consts | --known NAME...\n");
		return 2;
	}
	policy_init(&p);
	r = policy_lang_load(&p, argv[i], NULL, 0, &o, warn_stderr, NULL, &d);
	if (r < 0) {
		fprintf(stderr, "%s\n", d.msg);
		r = p.n_rules || p.n_files || p.files ? 99 : 1;
		if (r == 99)
			fprintf(
			    stderr,
			    "lang-dump: the failed load changed the policy\n");
		policy_free(&p);
		return r;
	}
	print_policy(&p);
	policy_free(&p);
	return 0;
}
