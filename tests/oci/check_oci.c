/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_oci: policy_load_oci() and the JSON position index under it.
 *
 * The intermediate form the loader builds is compared rule by rule with
 * what tests/oci/ref.c reads from the same JSON on its own (for Docker's
 * and Podman's profiles and the fixtures in good/), under several sets
 * of capabilities, native architectures and kernel versions.  Every error
 * the loader can report has an input in bad/ and its exact message in
 * the .err file beside it; every warning is in good/warnings.json.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include <seccomp.h>

#include <linux/seccomp.h>

#include "policy/jsonpos.h"
#include "policy/policy.h"
#include "ref.h"

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"

/* Docker's default capabilities (moby: oci/caps/defaults.go) */
#define DOCKER_CAPS                                                            \
	((1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) |                    \
	 (1ULL << CAP_FSETID) | (1ULL << CAP_FOWNER) | (1ULL << CAP_MKNOD) |   \
	 (1ULL << CAP_NET_RAW) | (1ULL << CAP_SETGID) | (1ULL << CAP_SETUID) | \
	 (1ULL << CAP_SETFCAP) | (1ULL << CAP_SETPCAP) |                       \
	 (1ULL << CAP_NET_BIND_SERVICE) | (1ULL << CAP_SYS_CHROOT) |           \
	 (1ULL << CAP_KILL) | (1ULL << CAP_AUDIT_WRITE))

/* What the good/ fixtures and their .warn files are read with. */
#define GOOD_CAPS (1ULL << CAP_SYS_CHROOT)

static char top_srcdir[4096];

/* the inputs of the data-driven tests, found in main() */
static char **bad_files, **good_files;
static size_t n_bad, n_good;
static bool have_podman;

static void
src_path(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", top_srcdir, rel);
}

struct warns {
	char **m;
	size_t n;
};

static void
collect(void *data, const char *msg)
{
	struct warns *w = data;
	char **m = realloc(w->m, (w->n + 1) * sizeof(*m));

	ck_assert_ptr_nonnull(m);
	w->m = m;
	w->m[w->n] = strdup(msg);
	ck_assert_ptr_nonnull(w->m[w->n]);
	w->n++;
}

static void
warns_free(struct warns *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->m[i]);
	free(w->m);
	w->m = NULL;
	w->n = 0;
}

static char *
slurp(const char *path, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	r = policy_read_file(path, 64 << 20, &buf, &len);
	ck_assert_msg(r == 0, "%s: %s", path, strerror(-r));
	buf = realloc(buf, len + 1);
	ck_assert_ptr_nonnull(buf);
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

/* The byte offset of @line:@col in @text (both from 1). */
static size_t
offset_of(const char *text, size_t len, unsigned int line, unsigned int col)
{
	unsigned int l = 1;
	size_t i = 0;

	while (l < line && i < len)
		if (text[i++] == '\n')
			l++;
	ck_assert_uint_eq(l, line);
	ck_assert_uint_ge(col, 1);
	return i + col - 1;
}

/* @text at @line:@col is exactly the JSON string "@name". */
static void
assert_string_at(const char *text, size_t len, unsigned int line,
		 unsigned int col, const char *name)
{
	size_t off = offset_of(text, len, line, col), n = strlen(name);

	ck_assert_msg(off + n + 2 <= len && text[off] == '"' &&
			  !memcmp(text + off + 1, name, n) &&
			  text[off + 1 + n] == '"',
		      "%u:%u is not the string \"%s\"", line, col, name);
}

static enum policy_op
op_of(enum ref_op op)
{
	switch (op) {
	case REF_NE:
		return POLICY_OP_NE;
	case REF_LT:
		return POLICY_OP_LT;
	case REF_LE:
		return POLICY_OP_LE;
	case REF_EQ:
		return POLICY_OP_EQ;
	case REF_GE:
		return POLICY_OP_GE;
	case REF_GT:
		return POLICY_OP_GT;
	case REF_MASKED_EQ:
		return POLICY_OP_MASKED_EQ;
	}
	return 0;
}

static uint32_t
arch_token_of(const char *spec)
{
	char name[32];
	size_t i;

	snprintf(name, sizeof(name), "%s", spec + strlen("SCMP_ARCH_"));
	for (i = 0; name[i]; i++)
		if (name[i] >= 'A' && name[i] <= 'Z')
			name[i] = (char)(name[i] - 'A' + 'a');
	return seccomp_arch_resolve_name(name);
}

/* "FILE:L:C: warning: ..." of @w: its line and column. */
static void
warn_where(const char *w, const char *file, unsigned int *line,
	   unsigned int *col)
{
	size_t n = strlen(file);

	ck_assert_msg(!strncmp(w, file, n) && w[n] == ':', "%s", w);
	ck_assert_msg(sscanf(w + n, ":%u:%u: warning: ", line, col) == 2, "%s",
		      w);
}

/*
 * The loader's IR against the reference's reading of the same text: the
 * rules in order with their actions and conditions (runc's split, the
 * masked valueTwo, the first unconditional rule winning), where each
 * rule and condition says it is written, the default action, the arches,
 * and the warnings about unknown names and ignored rules.
 */
static void
compare_ir(const char *file, const char *text, size_t len,
	   const struct policy *p, const struct ref_profile *ref,
	   const struct warns *w)
{
	size_t i, j, k, n = 0, n_ignored = 0, n_unknown = 0, wi;
	size_t *winner = calloc(ref->n_rules + 1, sizeof(*winner));

	ck_assert_ptr_nonnull(winner);
	ck_assert_uint_eq(p->default_action, ref->def);
	ck_assert_int_eq(p->log_denied, ref->log);
	ck_assert_int_eq(p->wait_killable_recv, ref->wait_killable);
	/* OCI has no word for what follows the last agent's going */
	ck_assert_int_eq(p->agent_loss, POLICY_LOSS_ENOSYS);
	ck_assert_int_eq(p->agent_loss_errno, 0);
	ck_assert_str_eq(p->listener_path ? p->listener_path : "",
			 ref->listener_path ? ref->listener_path : "");
	ck_assert_str_eq(p->listener_metadata ? p->listener_metadata : "",
			 ref->listener_metadata ? ref->listener_metadata : "");
	ck_assert_uint_eq(p->n_arches, ref->n_arches);
	for (i = 0; i < ref->n_arches; i++)
		ck_assert_msg(p->arches[i] == arch_token_of(ref->arches[i]),
			      "arch %zu: 0x%x, want %s", i, p->arches[i],
			      ref->arches[i]);

	/* libseccomp: the first unconditional rule of a name wins */
	for (i = 0; i < ref->n_rules; i++) {
		winner[i] = SIZE_MAX;
		for (j = 0; j < ref->n_rules; j++)
			if (ref->rules[j].live && !ref->rules[j].n &&
			    !strcmp(ref->rules[j].name, ref->rules[i].name)) {
				winner[i] = j;
				break;
			}
	}
	for (i = 0; i < ref->n_rules; i++) {
		const struct ref_rule *rr = &ref->rules[i];
		const struct policy_rule *pr;

		if (!rr->live)
			continue;
		if (winner[i] != SIZE_MAX && winner[i] != i) {
			if (ref->rules[winner[i]].action != rr->action)
				n_ignored++;
			continue;
		}
		ck_assert_msg(n < p->n_rules, "missing rule %zu (%s)", n,
			      rr->name);
		pr = &p->rules[n++];
		ck_assert_str_eq(pr->name, rr->name);
		ck_assert_msg(pr->action == rr->action,
			      "%s: action 0x%x, want 0x%x", rr->name,
			      pr->action, rr->action);
		ck_assert_uint_eq(pr->n_conds, rr->n);
		ck_assert_str_eq(pr->loc.file, file);
		assert_string_at(text, len, pr->loc.line, pr->loc.col,
				 rr->name);
		for (k = 0; k < rr->n; k++) {
			const struct policy_cond *pc = &pr->conds[k];
			const struct ref_cond *rc = &rr->c[k];
			size_t off;

			ck_assert_uint_eq(pc->arg, rc->arg);
			ck_assert_int_eq(pc->op, op_of(rc->op));
			ck_assert_uint_eq(pc->a, rc->a);
			ck_assert_uint_eq(
			    pc->b, rc->op == REF_MASKED_EQ ? rc->b & rc->a : 0);
			ck_assert_str_eq(pc->loc.file, file);
			off = offset_of(text, len, pc->loc.line, pc->loc.col);
			ck_assert_msg(
			    text[off] == '{',
			    "%s: condition %zu is not at an args entry",
			    rr->name, k);
		}
	}
	ck_assert_uint_eq(p->n_rules, n);

	/* one warning per unknown name of a counting entry, in order */
	wi = 0;
	for (i = 0; i < ref->n_rules; i++) {
		const struct ref_rule *rr = &ref->rules[i];
		unsigned int line, col;
		char want[600];

		if (!rr->included || rr->known || rr->action == ref->def ||
		    (i && ref->rules[i - 1].entry == rr->entry &&
		     ref->rules[i - 1].name_index == rr->name_index))
			continue;
		n_unknown++;
		snprintf(
		    want, sizeof(want),
		    ": warning: unknown syscall \"%s\": skipped, as runc does",
		    rr->name);
		while (wi < w->n && !strstr(w->m[wi], "unknown syscall"))
			wi++;
		ck_assert_msg(wi < w->n, "no warning for %s", rr->name);
		ck_assert_msg(strstr(w->m[wi], want), "%s", w->m[wi]);
		warn_where(w->m[wi], file, &line, &col);
		assert_string_at(text, len, line, col, rr->name);
		wi++;
	}
	for (i = 0, k = 0, j = 0; i < w->n; i++) {
		k += strstr(w->m[i], "unknown syscall") != NULL;
		j += strstr(w->m[i], "is ignored, as under runc") != NULL;
	}
	ck_assert_uint_eq(k, n_unknown);
	ck_assert_uint_eq(j, n_ignored);
	free(winner);
}

struct setup {
	const char *what;
	uint64_t caps;
	const char *native;    /* runtime-spec name */
	const char *native_go; /* Docker's */
	const char *kernel;
	unsigned int kmajor, kminor;
};

static const struct setup setups[] = {
	{ "amd64, no caps", 0, "SCMP_ARCH_X86_64", "amd64", "6.1.0", 6, 1 },
	{ "amd64, Docker's caps", DOCKER_CAPS, "SCMP_ARCH_X86_64", "amd64",
	  "6.1.0-18-amd64", 6, 1 },
	{ "amd64, all caps", ~0ULL, "SCMP_ARCH_X86_64", "amd64", "6.18", 6,
	  18 },
	{ "amd64, kernel 4.4", 0, "SCMP_ARCH_X86_64", "amd64", "4.4.0", 4, 4 },
	{ "amd64, CAP_SYS_ADMIN, kernel 4.8", 1ULL << CAP_SYS_ADMIN,
	  "SCMP_ARCH_X86_64", "amd64", "4.8", 4, 8 },
	{ "x86, Docker's caps", DOCKER_CAPS, "SCMP_ARCH_X86", "x86", "6.1.0", 6,
	  1 },
	{ "arm64, all caps", ~0ULL, "SCMP_ARCH_AARCH64", "arm64", "5.10.0", 5,
	  10 },
	{ "riscv64, no caps", 0, "SCMP_ARCH_RISCV64", "riscv64", "6.6", 6, 6 },
};
#define N_SETUPS (sizeof(setups) / sizeof(setups[0]))

/* Loads @path both ways under setup @s and compares them. */
static void
check_profile(const char *path, const char *file, const struct setup *s)
{
	struct policy_oci_opts o = { s->caps, arch_token_of(s->native),
				     s->kernel };
	struct ref_opts ro = { s->caps, s->native, s->native_go, s->kmajor,
			       s->kminor };
	struct warns w = { NULL, 0 };
	struct ref_profile ref;
	struct policy_diag d;
	struct policy p;
	char err[512];
	size_t len;
	char *text = slurp(path, &len);
	int r;

	policy_init(&p);
	r = policy_load_oci(&p, file, text, len, &o, collect, &w, &d);
	ck_assert_msg(r == 0, "%s (%s): %d: %s", path, s->what, r, d.msg);
	r = ref_load(path, &ro, &ref, err, sizeof(err));
	ck_assert_msg(r == 0, "%s", err);
	compare_ir(file, text, len, &p, &ref, &w);
	ref_free(&ref);
	policy_free(&p);
	warns_free(&w);
	free(text);
}

START_TEST(test_docker)
{
	char path[4200];

	src_path(path, sizeof(path), "tests/data/docker-default.json");
	check_profile(path, "docker-default.json", &setups[_i]);
}
END_TEST

START_TEST(test_podman)
{
	check_profile(PODMAN_PROFILE, "seccomp.json", &setups[_i]);
}
END_TEST

/* The good/ fixtures, with their exact warnings. */
START_TEST(test_good)
{
	const struct setup s = { "good",  GOOD_CAPS, "SCMP_ARCH_X86_64",
				 "amd64", "6.1.0",   6,
				 1 };
	char path[4200], wpath[4200], *base = good_files[_i], *want, *line;
	struct policy_oci_opts o = { s.caps, SCMP_ARCH_X86_64, s.kernel };
	struct warns w = { NULL, 0 };
	struct policy_diag d;
	struct policy p;
	size_t len, wlen, i = 0;
	char *text, *save = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/tests/oci/good/%s", top_srcdir, base);
	snprintf(wpath, sizeof(wpath), "%.*s.warn", (int)(strlen(path) - 5),
		 path);
	text = slurp(path, &len);
	want = slurp(wpath, &wlen);
	policy_init(&p);
	r = policy_load_oci(&p, base, text, len, &o, collect, &w, &d);
	ck_assert_msg(r == 0, "%s: %s", base, d.msg);
	for (line = strtok_r(want, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		ck_assert_msg(i < w.n, "%s: missing warning %s", base, line);
		ck_assert_str_eq(w.m[i], line);
	}
	ck_assert_msg(i == w.n, "%s: unexpected warning %s", base,
		      i < w.n ? w.m[i] : "");
	policy_free(&p);
	warns_free(&w);
	free(want);
	free(text);
	check_profile(path, base, &s);
}
END_TEST

/* Each bad/ input fails with exactly the message in its .err file. */
START_TEST(test_bad)
{
	char path[4200], epath[4200], *base = bad_files[_i], *want;
	struct policy_oci_opts o = { 0, SCMP_ARCH_X86_64, "6.1.0" };
	struct policy_rule keep = { .name = (char *)"sentinel",
				    .action = SECCOMP_RET_ALLOW };
	struct policy_diag d;
	struct policy p;
	size_t len, wlen;
	char *text;
	int r;

	snprintf(path, sizeof(path), "%s/tests/oci/bad/%s", top_srcdir, base);
	snprintf(epath, sizeof(epath), "%.*s.err", (int)(strlen(path) - 5),
		 path);
	text = slurp(path, &len);
	want = slurp(epath, &wlen);
	while (wlen && want[wlen - 1] == '\n')
		want[--wlen] = '\0';
	policy_init(&p);
	ck_assert_int_eq(policy_add_rule(&p, &keep), 0);
	r = policy_load_oci(&p, base, text, len, &o, NULL, NULL, &d);
	ck_assert_msg(r == -EINVAL, "%s: returned %d", base, r);
	ck_assert_str_eq(d.msg, want);
	/* a failed load leaves the policy as it was */
	ck_assert_uint_eq(p.n_rules, 1);
	ck_assert_str_eq(p.rules[0].name, "sentinel");
	policy_free(&p);
	free(want);
	free(text);
}
END_TEST

static int
load_str(const char *text, const struct policy_oci_opts *o, struct policy *p,
	 struct warns *w, struct policy_diag *d)
{
	policy_init(p);
	return policy_load_oci(p, "t.json", text, strlen(text), o,
			       w ? collect : NULL, w, d);
}

/* Every action, operator, flag and the listener, in a bare OCI object. */
START_TEST(test_oci_all)
{
	static const struct {
		const char *name;
		uint32_t action;
	} want[] = {
		{ "getpid", SECCOMP_RET_KILL_THREAD },
		{ "getppid", SECCOMP_RET_KILL_THREAD },
		{ "uname", SECCOMP_RET_TRAP },
		{ "unlink", SECCOMP_RET_ERRNO | EPERM },
		{ "rmdir", SECCOMP_RET_ERRNO | 0 },
		{ "rename", SECCOMP_RET_ERRNO | 4095 },
		{ "getuid", SECCOMP_RET_TRACE | EPERM },
		{ "getgid", SECCOMP_RET_TRACE | 65535 },
		{ "read", SECCOMP_RET_ALLOW },
		{ "write", SECCOMP_RET_ALLOW },
		{ "close", SECCOMP_RET_LOG },
		{ "mkdir", SECCOMP_RET_USER_NOTIF },
		{ "lseek", SECCOMP_RET_ALLOW },
		{ "mmap", SECCOMP_RET_ALLOW },
	};
	struct policy_oci_opts o = { 0, SCMP_ARCH_X86_64, "6.1" };
	const struct policy_cond *c;
	struct policy_diag d;
	struct policy p;
	char path[4200];
	size_t len, i;
	char *text;

	src_path(path, sizeof(path), "tests/oci/good/oci-all.json");
	text = slurp(path, &len);
	policy_init(&p);
	ck_assert_int_eq(
	    policy_load_oci(&p, "oci-all.json", text, len, &o, NULL, NULL, &d),
	    0);
	ck_assert_uint_eq(p.default_action, SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(p.n_arches, 3);
	ck_assert_uint_eq(p.arches[0], SCMP_ARCH_X86_64);
	ck_assert_uint_eq(p.arches[1], SCMP_ARCH_X86);
	ck_assert_uint_eq(p.arches[2], SCMP_ARCH_X32);
	ck_assert(p.log_denied);
	ck_assert(p.wait_killable_recv);
	ck_assert_str_eq(p.listener_path, "/run/seccomp-agent.socket");
	ck_assert_str_eq(
	    p.listener_metadata,
	    "MKDIR_TMPL=-{{.Name}}\nDEFAULT_ACTION=kill-container");
	/* exit_group has the default action: dropped, as runc does */
	ck_assert_uint_eq(p.n_rules, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < p.n_rules; i++) {
		ck_assert_str_eq(p.rules[i].name, want[i].name);
		ck_assert_uint_eq(p.rules[i].action, want[i].action);
	}
	ck_assert_uint_eq(p.rules[12].n_conds, 3);
	c = p.rules[12].conds;
	ck_assert(c[0].arg == 0 && c[0].op == POLICY_OP_NE && c[0].a == 3);
	ck_assert(c[1].arg == 1 && c[1].op == POLICY_OP_LT && c[1].a == 4096);
	ck_assert(c[2].arg == 2 && c[2].op == POLICY_OP_LE && c[2].a == 2);
	ck_assert_uint_eq(p.rules[13].n_conds, 4);
	c = p.rules[13].conds;
	ck_assert(c[0].arg == 0 && c[0].op == POLICY_OP_EQ && c[0].a == 0 &&
		  c[0].b == 0);
	ck_assert(c[1].arg == 3 && c[1].op == POLICY_OP_GE &&
		  c[1].a == UINT64_MAX);
	ck_assert(c[2].arg == 4 && c[2].op == POLICY_OP_GT &&
		  c[2].a == 1ULL << 63);
	ck_assert(c[3].arg == 5 && c[3].op == POLICY_OP_MASKED_EQ &&
		  c[3].a == 0xffffffff00000000ULL && c[3].b == 0x100000000ULL);
	for (i = 0; i < p.n_rules; i++)
		assert_string_at(text, len, p.rules[i].loc.line,
				 p.rules[i].loc.col, p.rules[i].name);
	policy_free(&p);
	free(text);
}
END_TEST

/* A config.json gives what its linux.seccomp object gives alone. */
START_TEST(test_config_json)
{
	static const char bare[] =
	    "{ \"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 38,"
	    " \"architectures\": [ \"SCMP_ARCH_X86\" ], \"syscalls\": ["
	    " { \"names\": [ \"read\", \"write\", \"exit_group\" ],"
	    " \"action\": \"SCMP_ACT_ALLOW\" }, { \"names\": [ \"personality\" ],"
	    " \"action\": \"SCMP_ACT_ALLOW\", \"args\": [ { \"index\": 0,"
	    " \"value\": 8, \"op\": \"SCMP_CMP_EQ\" } ] } ] }";
	struct policy_oci_opts o = { 0, SCMP_ARCH_X86_64, "6.1" };
	struct policy p, q;
	struct policy_diag d;
	char path[4200];
	size_t len, i;
	char *text;

	src_path(path, sizeof(path), "tests/oci/good/config.json");
	text = slurp(path, &len);
	policy_init(&p);
	ck_assert_int_eq(
	    policy_load_oci(&p, "config.json", text, len, &o, NULL, NULL, &d),
	    0);
	ck_assert_int_eq(load_str(bare, &o, &q, NULL, &d), 0);
	ck_assert_uint_eq(p.default_action, SECCOMP_RET_ERRNO | 38);
	ck_assert_uint_eq(p.default_action, q.default_action);
	ck_assert_uint_eq(p.n_arches, 2);
	ck_assert_uint_eq(q.n_arches, 2);
	ck_assert(!memcmp(p.arches, q.arches, sizeof(p.arches)));
	ck_assert_uint_eq(p.n_rules, 4);
	ck_assert_uint_eq(q.n_rules, 4);
	for (i = 0; i < p.n_rules; i++) {
		ck_assert_str_eq(p.rules[i].name, q.rules[i].name);
		ck_assert_uint_eq(p.rules[i].action, q.rules[i].action);
		ck_assert_uint_eq(p.rules[i].n_conds, q.rules[i].n_conds);
		ck_assert(!memcmp(&p.rules[i].conds[0].a,
				  &q.rules[i].conds[0].a, sizeof(uint64_t)));
		assert_string_at(text, len, p.rules[i].loc.line,
				 p.rules[i].loc.col, p.rules[i].name);
	}
	policy_free(&p);
	policy_free(&q);
	free(text);
}
END_TEST

/* Which rules of docker-dialect.json count, by native arch, caps, kernel. */
START_TEST(test_dialect)
{
	static const struct {
		uint32_t native;
		uint64_t caps;
		const char *kernel;
		const char *names;
		uint32_t arches[3];
	} cases[] = {
		{ SCMP_ARCH_X86_64,
		  0,
		  "6.1.0",
		  "read write arch_prctl modify_ldt clone clone3 ptrace uselib",
		  { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 } },
		{ SCMP_ARCH_X86_64,
		  1ULL << CAP_SYS_ADMIN,
		  "4.4.0",
		  "read write arch_prctl modify_ldt mount umount2 kcmp uselib",
		  { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 } },
		{ SCMP_ARCH_X86_64,
		  (1ULL << CAP_SYS_ADMIN) | (1ULL << CAP_SYS_CHROOT),
		  "5.10",
		  "read write arch_prctl modify_ldt mount umount2 setns ptrace uselib",
		  { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 } },
		{ SCMP_ARCH_X86_64,
		  1ULL << CAP_SYS_PTRACE,
		  "5.9",
		  "read write arch_prctl modify_ldt clone3 ptrace kcmp uselib",
		  { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32 } },
		{ SCMP_ARCH_X86,
		  0,
		  "6.1.0",
		  "read write modify_ldt vm86 clone clone3 ptrace uselib",
		  { SCMP_ARCH_X86 } },
		{ SCMP_ARCH_AARCH64,
		  0,
		  "6.1.0",
		  "read write clone clone3 ptrace uselib",
		  { SCMP_ARCH_AARCH64, SCMP_ARCH_ARM } },
		{ SCMP_ARCH_RISCV64,
		  0,
		  "6.1.0",
		  "read write vm86 clone clone3 ptrace uselib",
		  { SCMP_ARCH_RISCV64 } },
	};
	char path[4200], names[600];
	size_t len, i, k;
	char *text;

	src_path(path, sizeof(path), "tests/oci/good/docker-dialect.json");
	text = slurp(path, &len);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct policy_oci_opts o = { cases[i].caps, cases[i].native,
					     cases[i].kernel };
		struct policy_diag d;
		struct policy p;

		policy_init(&p);
		ck_assert_int_eq(policy_load_oci(&p, "d.json", text, len, &o,
						 NULL, NULL, &d),
				 0);
		names[0] = '\0';
		for (k = 0; k < p.n_rules; k++)
			snprintf(names + strlen(names),
				 sizeof(names) - strlen(names), "%s%s",
				 k ? " " : "", p.rules[k].name);
		ck_assert_str_eq(names, cases[i].names);
		for (k = 0; k < 3 && cases[i].arches[k]; k++)
			ck_assert_uint_eq(p.arches[k], cases[i].arches[k]);
		ck_assert_uint_eq(p.n_arches, k);
		policy_free(&p);
	}
	free(text);
}
END_TEST

/* Errors that depend on the options, or on inputs too big for a file. */
START_TEST(test_errors_opts)
{
	static const char mk[] =
	    "{\n \"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [ {"
	    " \"names\": [\"read\"], \"action\": \"SCMP_ACT_LOG\","
	    " \"includes\": { \"minKernel\": \"4.8\" } } ]\n}";
	struct policy_oci_opts o = { 0, SCMP_ARCH_X86_64, "linux-6.1" };
	struct policy_diag d;
	struct policy p;
	size_t n = (16u << 20) + 1, i, off, first;
	char *big, want[200];

	ck_assert_int_eq(load_str(mk, &o, &p, NULL, &d), -EINVAL);
	ck_assert_str_eq(
	    d.msg,
	    "t.json:3:90: cannot compare with the kernel version \"linux-6.1\": it does not start with MAJOR.MINOR");
	o.kernel = "6";
	ck_assert_int_eq(load_str(mk, &o, &p, NULL, &d), -EINVAL);
	ck_assert_str_eq(
	    d.msg,
	    "t.json:3:90: cannot compare with the kernel version \"6\": it does not start with MAJOR.MINOR");
	o.kernel = "6.1";
	o.native_arch = 0x1234;
	ck_assert_int_eq(load_str(mk, &o, &p, NULL, &d), -EINVAL);
	ck_assert_str_eq(
	    d.msg,
	    "t.json: the native architecture 0x00001234 is not one libseccomp knows");

	/* 16 MiB and one byte: refused before anything is parsed */
	big = malloc(n);
	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	big[0] = '\n';
	policy_init(&p);
	ck_assert_int_eq(
	    policy_load_oci(&p, "big.json", big, n, NULL, NULL, NULL, &d),
	    -EINVAL);
	ck_assert_str_eq(
	    d.msg,
	    "big.json:2:16777216: the input is longer than 16777216 bytes (16 MiB)");
	free(big);

	/*
	 * More values than the loader takes: the object, its string and its
	 * array are three, so the 249998th 0 is one too many.  The scan
	 * stops it before json-c builds anything.
	 */
	n = 64 + 2 * 300000;
	big = malloc(n);
	ck_assert_ptr_nonnull(big);
	off = (size_t)snprintf(big, n,
			       "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"x\":[");
	first = off;
	for (i = 0; i < 299999; i++) {
		big[off++] = '0';
		big[off++] = ',';
	}
	big[off++] = '0';
	big[off++] = ']';
	big[off++] = '}';
	policy_init(&p);
	ck_assert_int_eq(
	    policy_load_oci(&p, "many.json", big, off, NULL, NULL, NULL, &d),
	    -EINVAL);
	snprintf(want, sizeof(want),
		 "many.json:1:%zu: more than 250000 JSON values",
		 first + 2 * 249997 + 1);
	ck_assert_str_eq(d.msg, want);
	free(big);
}
END_TEST

/* Success replaces the policy; NULL options, file and sink are fine. */
START_TEST(test_api)
{
	struct policy_rule keep = { .name = (char *)"sentinel",
				    .action = SECCOMP_RET_ALLOW };
	static const char one[] = "{ \"defaultAction\": \"SCMP_ACT_LOG\","
				  " \"syscalls\": [ { \"names\": [ \"read\","
				  " \"no_such_call\" ], \"action\":"
				  " \"SCMP_ACT_ALLOW\" } ] }";
	struct policy_diag d;
	struct policy p;

	policy_init(&p);
	ck_assert_int_eq(policy_add_rule(&p, &keep), 0);
	p.log_denied = true;
	p.wait_killable_recv = true;
	p.agent_loss = POLICY_LOSS_KILL;
	ck_assert_int_eq(
	    policy_load_oci(&p, NULL, one, strlen(one), NULL, NULL, NULL, &d),
	    0);
	ck_assert(!p.wait_killable_recv);
	ck_assert_int_eq(p.agent_loss, POLICY_LOSS_ENOSYS);
	ck_assert_uint_eq(p.n_rules, 1);
	ck_assert_str_eq(p.rules[0].name, "read");
	ck_assert_str_eq(p.rules[0].loc.file, "-");
	ck_assert(!p.log_denied);
	ck_assert_uint_eq(p.default_action, SECCOMP_RET_LOG);
	/* the native arch is the host's */
	ck_assert_uint_eq(p.n_arches, 1);
	ck_assert_uint_eq(p.arches[0], seccomp_arch_native());
	policy_free(&p);
}
END_TEST

static void
scan_ok(const char *text, struct jsonpos *jp)
{
	struct jsonpos_error e;
	int r = jsonpos_scan(jp, text, strlen(text), 64, 1000, &e);

	ck_assert_msg(r == 0, "%s: %zu: %s", text, e.offset, e.msg);
}

START_TEST(test_jsonpos_nodes)
{
	static const char t[] = "{\n\t\"a\": [1, -2.5e3, \"x\"],\n"
				"\t\"b\\u0063\": {\"n\": null, \"t\": true},\n"
				"\t\"f\": false\n}";
	struct jsonpos jp;
	const struct jsonpos_node *n;
	uint32_t c;
	unsigned int l1, c1, l2, c2;
	size_t i;

	scan_ok(t, &jp);
	ck_assert_uint_eq(jp.n_nodes, 9);
	n = &jp.nodes[0];
	ck_assert_int_eq(n->type, JSONPOS_OBJECT);
	ck_assert_uint_eq(n->start, 0);
	ck_assert_uint_eq(n->end, strlen(t));
	ck_assert_uint_eq(n->count, 3);
	ck_assert_uint_eq(n->key, JSONPOS_NONE);
	c = n->child;
	ck_assert(jsonpos_key_is(&jp, &jp.nodes[c], "a"));
	ck_assert(!jsonpos_key_is(&jp, &jp.nodes[c], "b"));
	ck_assert_int_eq(jp.nodes[c].type, JSONPOS_ARRAY);
	ck_assert_uint_eq(jp.nodes[c].count, 3);
	ck_assert_uint_eq(jp.nodes[c].start, (uint32_t)(strchr(t, '[') - t));
	ck_assert_int_eq(jp.nodes[jp.nodes[c].child].type, JSONPOS_NUMBER);
	i = jp.nodes[jp.nodes[c].child].next;
	ck_assert_uint_eq(jp.nodes[i].end - jp.nodes[i].start, 6);
	c = jp.nodes[c].next;
	/* keys compare decoded: "b\u0063" is "bc" */
	ck_assert(jsonpos_key_is(&jp, &jp.nodes[c], "bc"));
	ck_assert_int_eq(jp.nodes[jp.nodes[c].child].type, JSONPOS_NULL);
	ck_assert_int_eq(jp.nodes[jp.nodes[jp.nodes[c].child].next].type,
			 JSONPOS_TRUE);
	c = jp.nodes[c].next;
	ck_assert(jsonpos_key_is(&jp, &jp.nodes[c], "f"));
	ck_assert_int_eq(jp.nodes[c].type, JSONPOS_FALSE);
	ck_assert_uint_eq(jp.nodes[c].next, JSONPOS_NONE);
	jsonpos_where(&jp, jp.nodes[c].key, &l1, &c1);
	ck_assert_uint_eq(l1, 4);
	ck_assert_uint_eq(c1, 2);
	/* the line table and the plain count agree everywhere */
	for (i = 0; i <= strlen(t) + 1; i++) {
		jsonpos_where(&jp, i, &l1, &c1);
		jsonpos_linecol(t, strlen(t), i, &l2, &c2);
		ck_assert_uint_eq(l1, l2);
		ck_assert_uint_eq(c1, c2);
	}
	jsonpos_free(&jp);
	/* the last line of a text that ends in a line break */
	jsonpos_linecol("[]\n", 3, 3, &l1, &c1);
	ck_assert_uint_eq(l1, 2);
	ck_assert_uint_eq(c1, 1);
}
END_TEST

START_TEST(test_jsonpos_strings)
{
	static const char t[] = "[\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\","
				" \"\\u00e9\\ud83d\\ude00\", \"\\ud800x\","
				" \"n\\u0000ul\", \"\"]";
	struct jsonpos jp;
	uint32_t c;
	char *s;
	size_t len;

	scan_ok(t, &jp);
	c = jp.nodes[0].child;
	ck_assert_int_eq(jsonpos_string(&jp, jp.nodes[c].start, &s, &len), 0);
	ck_assert_uint_eq(len, 12);
	ck_assert_str_eq(s, "a\"b\\c/d\b\f\n\r\t");
	free(s);
	c = jp.nodes[c].next;
	ck_assert_int_eq(jsonpos_string(&jp, jp.nodes[c].start, &s, &len), 0);
	ck_assert_str_eq(s, "\xc3\xa9\xf0\x9f\x98\x80");
	free(s);
	c = jp.nodes[c].next;
	ck_assert_int_eq(jsonpos_string(&jp, jp.nodes[c].start, &s, &len), 0);
	ck_assert_str_eq(s, "\xef\xbf\xbdx"); /* U+FFFD, as Go */
	free(s);
	c = jp.nodes[c].next;
	ck_assert_int_eq(jsonpos_string(&jp, jp.nodes[c].start, &s, &len), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert(!memcmp(s, "n\0ul", 4));
	free(s);
	c = jp.nodes[c].next;
	ck_assert_int_eq(jsonpos_string(&jp, jp.nodes[c].start, &s, &len), 0);
	ck_assert_uint_eq(len, 0);
	free(s);
	jsonpos_free(&jp);
}
END_TEST

START_TEST(test_jsonpos_dup)
{
	struct jsonpos jp;
	uint32_t first = 0, dup = 0, m[4], c;
	size_t i;

	scan_ok("{\"b\":1, \"a\":2, \"\\u0061\":3, \"b\":4}", &jp);
	for (i = 0, c = jp.nodes[0].child; c != JSONPOS_NONE;
	     c = jp.nodes[c].next)
		m[i++] = c;
	ck_assert_int_eq(jsonpos_dup_key(&jp, 0, &first, &dup), 1);
	ck_assert_uint_eq(first, m[1]);
	ck_assert_uint_eq(dup, m[2]);
	jsonpos_free(&jp);
	scan_ok("{\"a\":{\"a\":1}, \"b\":[{\"a\":1,\"b\":2}], \"ab\":0}", &jp);
	ck_assert_int_eq(jsonpos_dup_key(&jp, 0, &first, &dup), 0);
	ck_assert_int_eq(jsonpos_dup_key(&jp, 1, &first, &dup), 0);
	jsonpos_free(&jp);
	scan_ok("[1, 1]", &jp);
	ck_assert_int_eq(jsonpos_dup_key(&jp, 0, &first, &dup), 0);
	jsonpos_free(&jp);
}
END_TEST

/* Every refusal of the scanner, with its place. */
START_TEST(test_jsonpos_errors)
{
	static const struct {
		const char *text;
		size_t offset;
		bool limit;
		const char *msg;
	} cases[] = {
		{ "", 0, false, "unexpected end of input: expected a value" },
		{ "  x", 2, false,
		  "unexpected character 'x': expected a value" },
		{ "\x01", 0, false, "unexpected byte 0x01: expected a value" },
		{ "{\"a\"", 4, false,
		  "unexpected end of input: expected ':' after the key" },
		{ "{\"a\" 1}", 5, false,
		  "unexpected character '1': expected ':' after the key" },
		{ "{1:2}", 1, false,
		  "unexpected character '1': expected a string key" },
		{ "{\"a\":1 \"b\"}", 7, false,
		  "unexpected character '\"': expected ',' or '}'" },
		{ "[1 2]", 3, false,
		  "unexpected character '2': expected ',' or ']'" },
		{ "[1,]", 3, false,
		  "unexpected character ']': expected a value" },
		{ "[1\n]x", 4, false, "unexpected text after the JSON value" },
		{ "[1,\n", 4, false,
		  "unexpected end of input: expected a value" },
		{ "[1\r\n,2", 6, false,
		  "unexpected end of input: expected ',' or ']'" },
		{ "1.\r\n", 2, false,
		  "unexpected end of line: expected a digit after '.'" },
		{ "\"abc", 0, false, "unterminated string" },
		{ "\"ab\\", 0, false, "unterminated string" },
		{ "\"a\nb\"", 0, false,
		  "unterminated string: the line ends inside it" },
		{ "\"a\tb\"", 2, false,
		  "control character 0x09 in a string: write it as an escape" },
		{ "\"\\x\"", 1, false, "invalid escape in a string" },
		{ "\"\\u12\"", 1, false,
		  "invalid escape in a string: \\u needs four hex digits" },
		{ "-", 1, false, "unexpected end of input: expected a digit" },
		{ "-a", 1, false,
		  "unexpected character 'a': expected a digit" },
		{ "1.", 2, false,
		  "unexpected end of input: expected a digit after '.'" },
		{ "1e+", 3, false,
		  "unexpected end of input: expected a digit in the exponent" },
		{ "01", 1, false, "unexpected text after the JSON value" },
		{ "tru", 3, false, "unexpected end of input: expected true" },
		{ "nul l", 3, false, "unexpected white space: expected null" },
		{ "fals", 4, false, "unexpected end of input: expected false" },
		{ "[[[1]]]", 2, true, "JSON nested deeper than 2 levels" },
		{ "[1,2,3]", 5, true, "more than 3 JSON values" },
	};
	struct jsonpos_error e;
	struct jsonpos jp;
	size_t i;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&e, 0, sizeof(e));
		r = jsonpos_scan(&jp, cases[i].text, strlen(cases[i].text), 2,
				 3, &e);
		ck_assert_msg(r == -EINVAL, "%s: %d", cases[i].text, r);
		ck_assert_str_eq(e.msg, cases[i].msg);
		ck_assert_uint_eq(e.offset, cases[i].offset);
		ck_assert_int_eq(e.limit, cases[i].limit);
		jsonpos_free(&jp);
	}
	/* too long for 32-bit offsets: refused before a byte is read */
	r = jsonpos_scan(&jp, "", (size_t)JSONPOS_MAX_LEN + 1, 2, 3, &e);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert(e.limit);
	ck_assert_str_eq(e.msg, "the text is longer than 4294967294 bytes");
	jsonpos_free(&jp);
}
END_TEST

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.json files of tests/oci/@dir, sorted. */
static char **
list_json(const char *dir, size_t *ret_n)
{
	char path[4200], **v = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/tests/oci/%s", top_srcdir, dir);
	d = opendir(path);
	if (!d) {
		fprintf(stderr, "check_oci: %s: %s\n", path, strerror(errno));
		exit(99);
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		v = realloc(v, (n + 1) * sizeof(*v));
		if (!v || !(v[n] = strdup(de->d_name)))
			exit(99);
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_str);
	*ret_n = n;
	return v;
}

static Suite *
oci_suite(void)
{
	Suite *s = suite_create("oci");
	TCase *tc;

	tc = tcase_create("jsonpos");
	tcase_add_test(tc, test_jsonpos_nodes);
	tcase_add_test(tc, test_jsonpos_strings);
	tcase_add_test(tc, test_jsonpos_dup);
	tcase_add_test(tc, test_jsonpos_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_loop_test(tc, test_bad, 0, (int)n_bad);
	tcase_add_test(tc, test_errors_opts);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy_load_oci");
	tcase_add_test(tc, test_oci_all);
	tcase_add_test(tc, test_config_json);
	tcase_add_test(tc, test_dialect);
	tcase_add_test(tc, test_api);
	tcase_add_loop_test(tc, test_good, 0, (int)n_good);
	suite_add_tcase(s, tc);

	tc = tcase_create("profiles");
	tcase_add_loop_test(tc, test_docker, 0, (int)N_SETUPS);
	if (have_podman)
		tcase_add_loop_test(tc, test_podman, 0, (int)N_SETUPS);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *top = getenv("abs_top_srcdir");
	SRunner *sr;
	size_t i;
	int failed;

	snprintf(top_srcdir, sizeof(top_srcdir), "%s",
		 top ? top : OCI_TOP_SRCDIR);
	bad_files = list_json("bad", &n_bad);
	good_files = list_json("good", &n_good);
	if (n_bad == 0 || n_good == 0) {
		fprintf(stderr,
			"check_oci: no inputs in tests/oci/bad, good\n");
		return 99;
	}
	have_podman = access(PODMAN_PROFILE, R_OK) == 0;
	if (!have_podman)
		fprintf(
		    stderr,
		    "check_oci: SKIP the Podman profile tests: %s is absent"
		    " (Debian: apt-get install golang-github-containers-common)\n",
		    PODMAN_PROFILE);
	sr = srunner_create(oci_suite());
#if defined(__SANITIZE_ADDRESS__)
	/* as in tests/unit/check_bpf.c: one LeakSanitizer scan, at exit */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_NOFORK);
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (i = 0; i < n_bad; i++)
		free(bad_files[i]);
	for (i = 0; i < n_good; i++)
		free(good_files[i]);
	free(bad_files);
	free(good_files);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
