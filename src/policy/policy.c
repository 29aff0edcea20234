/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The intermediate form every text policy is parsed into: building and
 * freeing it, and the FILE:LINE:COL messages about it.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include <linux/seccomp.h>

#include "policy/policy.h"

void
policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->default_action = SECCOMP_RET_KILL_PROCESS;
}

void
policy_free(struct policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n_rules; i++)
		free(p->rules[i].name);
	free(p->rules);
	for (i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
	free(p->listener_path);
	free(p->listener_metadata);
	policy_init(p);
}

const char *
policy_intern_file(struct policy *p, const char *name)
{
	char **files, *copy;
	size_t i;

	for (i = 0; i < p->n_files; i++)
		if (strcmp(p->files[i], name) == 0)
			return p->files[i];
	copy = strdup(name);
	if (!copy)
		return NULL;
	files = realloc(p->files, (p->n_files + 1) * sizeof(*files));
	if (!files) {
		free(copy);
		return NULL;
	}
	p->files = files;
	p->files[p->n_files++] = copy;
	return copy;
}

int
policy_add_rule(struct policy *p, const struct policy_rule *r)
{
	struct policy_rule *rules;
	size_t cap;
	char *name;

	if (r->n_conds > POLICY_MAX_CONDS)
		return -EINVAL;
	if (p->n_rules == p->rules_cap) {
		cap = p->rules_cap ? p->rules_cap * 2 : 64;
		rules = realloc(p->rules, cap * sizeof(*rules));
		if (!rules)
			return -ENOMEM;
		p->rules = rules;
		p->rules_cap = cap;
	}
	name = strdup(r->name);
	if (!name)
		return -ENOMEM;
	p->rules[p->n_rules] = *r;
	p->rules[p->n_rules].name = name;
	p->n_rules++;
	return 0;
}

void
policy_diag_set(struct policy_diag *d, const struct policy_loc *loc,
		const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;
	int r = 0;

	if (loc && loc->file && loc->line)
		r = snprintf(d->msg, sizeof(d->msg), "%s:%u:%u: ", loc->file,
			     loc->line, loc->col ? loc->col : 1);
	else if (loc && loc->file)
		r = snprintf(d->msg, sizeof(d->msg), "%s: ", loc->file);
	if (r > 0)
		n = (size_t)r < sizeof(d->msg) ? (size_t)r : sizeof(d->msg) - 1;
	va_start(ap, fmt);
	vsnprintf(d->msg + n, sizeof(d->msg) - n, fmt, ap);
	va_end(ap);
}

int
policy_caps_parse(const char *list, uint64_t *ret, char *bad, size_t badsz)
{
	char *copy, *tok, *save = NULL;
	uint64_t mask = 0;
	int r = 0;

	*ret = 0;
	if (strcmp(list, "none") == 0 || *list == '\0')
		return 0;
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		cap_value_t c;

		if (cap_from_name(tok, &c) < 0 || c < 0 || c >= 64) {
			snprintf(bad, badsz, "%s", tok);
			r = -EINVAL;
			break;
		}
		mask |= (uint64_t)1 << c;
	}
	free(copy);
	if (r == 0)
		*ret = mask;
	return r;
}

int
policy_caps_target(uint64_t *ret)
{
	cap_value_t c, max = cap_max_bits();
	cap_flag_value_t v;
	uint64_t mask = 0;
	cap_t caps;

	caps = cap_get_proc();
	if (!caps)
		return -errno;
	for (c = 0; c < max && c < 64; c++)
		if (cap_get_flag(caps, c, CAP_EFFECTIVE, &v) == 0 &&
		    v == CAP_SET)
			mask |= (uint64_t)1 << c;
	cap_free(caps);
	*ret = mask & ~((uint64_t)1 << CAP_SYS_PTRACE);
	return 0;
}
