/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Fuzz harness: the input is a .policy file, loaded from memory as
 * SCRATCH/main.policy, where SCRATCH is a directory of a few files it may
 * include (one that includes itself, one with an error, nested ones).
 * Includes are confined to SCRATCH, so nothing else is ever read.
 *
 * What fails must say where: FILE:LINE:COL with FILE in SCRATCH, LINE and
 * COL from 1 and inside that file's text (COL at most one past the end of
 * its line), and a message; warnings the same.  What loads must be a sound
 * intermediate form: known call names, at most six valid conditions,
 * valid actions, locations in SCRATCH, no rule with the default action,
 * no duplicates, and no two rules with different actions that one call
 * matches, checked on values taken from the conditions themselves.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <seccomp.h>

#include "policy/lang.h"
#include "policy/policy.h"

static const struct {
	const char *name;
	const char *text;
} scratch_files[] = {
	{ "inc.policy", "read: allow\nwrite: arg0 == 1 || arg0 == 2; log\n" },
	{ "self.policy", "@include \"self.policy\"\n" },
	{ "bad.policy", "close: allow\nclose: arg0 ==\n" },
	{ "sub/nested.policy",
	  "@include \"../inc.policy\"\nfstat: errno(EBADF)\n" },
	{ "sub/up.policy", "@include \"../self.policy\"\n" },
	{ "groups.policy", "@basic-io: allow\ndefault errno(EPERM)\n" },
	{ "conflict.policy", "read: errno(EIO)\n" },
};

static char scratch[64];
static size_t scratch_len;

static void
scratch_remove(void)
{
	char path[256];
	size_t i;

	for (i = 0; i < sizeof(scratch_files) / sizeof(scratch_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", scratch,
			 scratch_files[i].name);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/sub", scratch);
	rmdir(path);
	rmdir(scratch);
}

static void
scratch_make(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[256];
	size_t i;
	FILE *f;

	snprintf(scratch, sizeof(scratch), "%s/fuzz_policy.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	if (!mkdtemp(scratch))
		fuzz_fail("mkdtemp(%s): %s", scratch, strerror(errno));
	/* the loader compares real paths */
	{
		char *real = realpath(scratch, NULL);

		if (!real || strlen(real) >= sizeof(scratch))
			fuzz_fail("realpath(%s) failed", scratch);
		strcpy(scratch, real);
		free(real);
	}
	scratch_len = strlen(scratch);
	atexit(scratch_remove);
	snprintf(path, sizeof(path), "%s/sub", scratch);
	if (mkdir(path, 0700) < 0)
		fuzz_fail("mkdir(%s): %s", path, strerror(errno));
	for (i = 0; i < sizeof(scratch_files) / sizeof(scratch_files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", scratch,
			 scratch_files[i].name);
		f = fopen(path, "w");
		if (!f || fputs(scratch_files[i].text, f) < 0 || fclose(f) != 0)
			fuzz_fail("cannot write %s", path);
	}
}

/* The text of @file ("SCRATCH/..."), or NULL when it is not ours. */
static const char *
text_of(const char *file, size_t len, const char *main_text, size_t *ret_len)
{
	char path[256];
	size_t i;

	snprintf(path, sizeof(path), "%s/main.policy", scratch);
	if (len == strlen(path) && memcmp(file, path, len) == 0) {
		*ret_len = (size_t)-1;
		return main_text;
	}
	for (i = 0; i < sizeof(scratch_files) / sizeof(scratch_files[0]); i++) {
		/* included names keep their spelling: "sub/../inc.policy" */
		const char *name = scratch_files[i].name, *p;
		size_t n = strlen(name);

		if (len < n || memcmp(file + len - n, name, n) != 0)
			continue;
		p = file + len - n;
		if (p != file && p[-1] != '/')
			continue;
		*ret_len = strlen(scratch_files[i].text);
		return scratch_files[i].text;
	}
	return NULL;
}

/* Checks "FILE:LINE:COL: message" against the text of FILE. */
static void
check_place(const char *what, const char *msg, const uint8_t *data, size_t size)
{
	const char *colon, *text;
	unsigned long line, col, l = 1, c = 1;
	size_t file_len, len, i;
	char *end;

	if (!memchr(msg, '\0', sizeof(((struct policy_diag *)0)->msg)))
		fuzz_fail("%s is not terminated", what);
	if (strncmp(msg, scratch, scratch_len) != 0 || msg[scratch_len] != '/')
		fuzz_fail("%s names a file outside %s: %s", what, scratch, msg);
	/* FILE has no ':' here: the scratch path and our names have none */
	colon = strchr(msg, ':');
	if (!colon)
		fuzz_fail("%s has no place: %s", what, msg);
	file_len = (size_t)(colon - msg);
	line = strtoul(colon + 1, &end, 10);
	if (end == colon + 1 || *end != ':')
		fuzz_fail("%s has no line: %s", what, msg);
	col = strtoul(end + 1, &end, 10);
	if (*end != ':' || end[1] != ' ' || !end[2])
		fuzz_fail("%s has no column or message: %s", what, msg);
	if (line < 1 || col < 1)
		fuzz_fail("%s has a line or column below 1: %s", what, msg);
	text = text_of(msg, file_len, (const char *)data, &len);
	if (!text)
		fuzz_fail("%s names a file the harness did not make: %s", what,
			  msg);
	if (len == (size_t)-1)
		len = size;
	/* the place must exist in the text (or be just past a line's end) */
	for (i = 0; i < len && l < line; i++)
		if (text[i] == '\n')
			l++;
	if (l != line)
		fuzz_fail("%s: line %lu is past the end of the file: %s", what,
			  line, msg);
	for (; i < len && text[i] != '\n' && c < col; i++)
		c++;
	if (c != col)
		fuzz_fail("%s: column %lu is past the end of line %lu: %s",
			  what, col, line, msg);
}

struct warn_ctx {
	const uint8_t *data;
	size_t size;
};

static void
on_warning(void *data, const char *msg)
{
	struct warn_ctx *w = data;

	check_place("a warning", msg, w->data, w->size);
	if (!strstr(msg, ": warning: "))
		fuzz_fail("a warning without 'warning:': %s", msg);
}

static bool
action_valid(uint32_t a)
{
	uint32_t data = a & SECCOMP_RET_DATA;

	switch (a & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ERRNO:
		return data <= 4095;
	case SECCOMP_RET_TRAP:
	case SECCOMP_RET_TRACE:
		return true;
	case SECCOMP_RET_ALLOW:
	case SECCOMP_RET_LOG:
	case SECCOMP_RET_USER_NOTIF:
	case SECCOMP_RET_KILL_THREAD:
	case SECCOMP_RET_KILL_PROCESS:
		return data == 0;
	}
	return false;
}

static bool
cond_holds(const struct policy_cond *c, uint64_t x)
{
	switch (c->op) {
	case POLICY_OP_EQ:
		return x == c->a;
	case POLICY_OP_NE:
		return x != c->a;
	case POLICY_OP_LT:
		return x < c->a;
	case POLICY_OP_LE:
		return x <= c->a;
	case POLICY_OP_GT:
		return x > c->a;
	case POLICY_OP_GE:
		return x >= c->a;
	case POLICY_OP_MASKED_EQ:
		return (x & c->a) == c->b;
	}
	return false;
}

/* Whether @x satisfies every condition of @r on @arg. */
static bool
arg_holds(const struct policy_rule *r, unsigned arg, uint64_t x)
{
	size_t i;

	for (i = 0; i < r->n_conds; i++)
		if (r->conds[i].arg == arg && !cond_holds(&r->conds[i], x))
			return false;
	return true;
}

/* Values near the rules' constants: where their conditions change. */
static size_t
candidates(const struct policy_rule *a, const struct policy_rule *b,
	   unsigned arg, uint64_t *out, size_t max)
{
	const struct policy_rule *rs[2] = { a, b };
	size_t n = 0, i, k;

	out[n++] = 0;
	out[n++] = UINT64_MAX;
	for (k = 0; k < 2; k++) {
		for (i = 0; i < rs[k]->n_conds && n + 4 <= max; i++) {
			const struct policy_cond *c = &rs[k]->conds[i];

			if (c->arg != arg)
				continue;
			out[n++] = c->a;
			out[n++] = c->a + 1;
			out[n++] = c->a - 1;
			out[n++] = c->b;
		}
	}
	return n;
}

static bool
overlap(const struct policy_rule *a, const struct policy_rule *b)
{
	uint64_t cand[64];
	size_t n, i;
	unsigned arg;
	bool found;

	for (arg = 0; arg < 6; arg++) {
		n = candidates(a, b, arg, cand, 64);
		found = false;
		for (i = 0; i < n && !found; i++)
			found = arg_holds(a, arg, cand[i]) &&
				arg_holds(b, arg, cand[i]);
		if (!found)
			return false;
	}
	return true;
}

static int
cond_cmp(const void *x, const void *y)
{
	const struct policy_cond *a = x, *b = y;

	if (a->arg != b->arg)
		return a->arg < b->arg ? -1 : 1;
	if (a->op != b->op)
		return a->op < b->op ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	if (a->b != b->b)
		return a->b < b->b ? -1 : 1;
	return 0;
}

static bool
same_rule(const struct policy_rule *a, const struct policy_rule *b)
{
	struct policy_cond x[POLICY_MAX_CONDS], y[POLICY_MAX_CONDS];
	size_t i;

	if (strcmp(a->name, b->name) || a->action != b->action ||
	    a->n_conds != b->n_conds)
		return false;
	memcpy(x, a->conds, a->n_conds * sizeof(x[0]));
	memcpy(y, b->conds, b->n_conds * sizeof(y[0]));
	qsort(x, a->n_conds, sizeof(x[0]), cond_cmp);
	qsort(y, b->n_conds, sizeof(y[0]), cond_cmp);
	for (i = 0; i < a->n_conds; i++)
		if (cond_cmp(&x[i], &y[i]))
			return false;
	return true;
}

static void
check_loc(const struct policy *p, const struct policy_loc *loc)
{
	size_t i;
	bool interned = false;

	for (i = 0; i < p->n_files; i++)
		interned |= loc->file == p->files[i];
	if (!interned)
		fuzz_fail("a location's file is not one of the policy's");
	if (strncmp(loc->file, scratch, scratch_len) != 0)
		fuzz_fail("a rule comes from outside %s: %s", scratch,
			  loc->file);
	if (loc->line < 1 || loc->col < 1)
		fuzz_fail("a location %s:%u:%u below 1", loc->file, loc->line,
			  loc->col);
}

static void
check_policy(const struct policy *p)
{
	const struct policy_rule *r, *s;
	size_t i, j, k;

	if (!action_valid(p->default_action))
		fuzz_fail("default action 0x%08x", p->default_action);
	if (p->n_rules > POLICY_LANG_MAX_RULES)
		fuzz_fail("%zu rules", p->n_rules);
	for (i = 0; i < p->n_files; i++)
		if (strncmp(p->files[i], scratch, scratch_len) != 0)
			fuzz_fail("a file outside %s was read: %s", scratch,
				  p->files[i]);
	for (i = 0; i < p->n_rules; i++) {
		r = &p->rules[i];
		if (!r->name[0] ||
		    seccomp_syscall_resolve_name(r->name) == __NR_SCMP_ERROR)
			fuzz_fail("rule %zu names '%s'", i, r->name);
		if (!action_valid(r->action) || r->action == p->default_action)
			fuzz_fail("rule %zu (%s) has action 0x%08x", i, r->name,
				  r->action);
		if (r->n_conds > POLICY_MAX_CONDS)
			fuzz_fail("rule %zu has %zu conditions", i, r->n_conds);
		check_loc(p, &r->loc);
		for (k = 0; k < r->n_conds; k++) {
			const struct policy_cond *c = &r->conds[k];

			if (c->arg > 5 || c->op < POLICY_OP_EQ ||
			    c->op > POLICY_OP_MASKED_EQ ||
			    (c->op != POLICY_OP_MASKED_EQ && c->b) ||
			    (c->op == POLICY_OP_MASKED_EQ && (c->b & ~c->a)))
				fuzz_fail("rule %zu has a bad condition", i);
			check_loc(p, &c->loc);
		}
		for (j = 0; j < i; j++) {
			s = &p->rules[j];
			if (strcmp(r->name, s->name) != 0)
				continue;
			if (same_rule(r, s))
				fuzz_fail("rules %zu and %zu are the same", j,
					  i);
			if (r->action != s->action && overlap(r, s))
				fuzz_fail(
				    "rules %zu and %zu for %s conflict, unreported",
				    j, i, r->name);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_lang_opts o = { 0 };
	struct warn_ctx w = { data, size };
	struct policy_diag d;
	struct policy p;
	char path[128];
	int r;

	if (!scratch[0])
		scratch_make();
	snprintf(path, sizeof(path), "%s/main.policy", scratch);
	o.include_dir = scratch;
	policy_init(&p);
	memset(&d, 0, sizeof(d));
	r = policy_lang_load(&p, path, (const char *)data, size, &o, on_warning,
			     &w, &d);
	if (r == -ENOMEM)
		goto out;
	if (r == -EFBIG && size > POLICY_LANG_MAX_FILE)
		goto out;
	if (r == -EINVAL) {
		check_place("an error", d.msg, data, size);
		if (p.n_rules || p.n_files || p.files)
			fuzz_fail("a failed load changed the policy");
		goto out;
	}
	if (r != 0)
		fuzz_fail("policy_lang_load() returned %d: %s", r, d.msg);
	check_policy(&p);
out:
	policy_free(&p);
	return 0;
}
