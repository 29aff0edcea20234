/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_compile: policy_compile() on policies built here in C.
 *
 * Every compiled program is run by the project's engine (the reference
 * interpreter and the decoded one) on calls through several ABIs, with
 * arguments drawn from the policy's own constants and their neighbours,
 * and every verdict must equal what the rules say, worked out directly
 * from them by ref.c.  The model `sandbox-bpf explain` prints
 * (policy_plan_decide()) must agree too.  Refusals are checked by their
 * exact messages, and a refused conflict by re-running its example call
 * through the reference.  check_compile_kernel does the same on the
 * real kernel.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <check.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
#include "policy/compile.h"
#include "policy/policy.h"
#include "ref.h"

#define ALLOW	 SECCOMP_RET_ALLOW
#define ERRNO(n) (SECCOMP_RET_ERRNO | (n))
#define TRACE(n) (SECCOMP_RET_TRACE | (n))
#define TRAP(n)	 (SECCOMP_RET_TRAP | (n))
#define KILLP	 SECCOMP_RET_KILL_PROCESS
#define MAX64	 UINT64_MAX

/* ---- building policies ---- */

static struct policy pol;
static const char *file;

static void
pol_reset(uint32_t dflt)
{
	policy_free(&pol);
	policy_init(&pol);
	pol.default_action = dflt;
	file = policy_intern_file(&pol, "t.policy");
	ck_assert_ptr_nonnull(file);
}

struct c {
	unsigned arg;
	enum policy_op op;
	uint64_t a, b;
};

#define C(arg, op, a) ((struct c){ arg, POLICY_OP_##op, a, 0 })
#define M(arg, m, v)  ((struct c){ arg, POLICY_OP_MASKED_EQ, m, v })

/*
 * Rule number @line (its location is t.policy:LINE:1, its conditions'
 * t.policy:LINE:10, :20, ...).
 */
static void
rule(unsigned line, const char *name, uint32_t action, size_t n,
     const struct c *cs)
{
	struct policy_rule r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.name = (char *)name;
	r.action = action;
	r.loc = (struct policy_loc){ file, line, 1 };
	r.n_conds = n;
	for (i = 0; i < n; i++)
		r.conds[i] = (struct policy_cond){ cs[i].arg,
						   cs[i].op,
						   cs[i].a,
						   cs[i].b,
						   { file, line,
						     10 * (unsigned)(i + 1) } };
	ck_assert_int_eq(policy_add_rule(&pol, &r), 0);
}

#define RULE(line, name, action, ...)                                        \
	do {                                                                 \
		const struct c cs_[] = { __VA_ARGS__ };                      \
		rule(line, name, action, sizeof(cs_) / sizeof(cs_[0]), cs_); \
	} while (0)
#define RULE0(line, name, action) rule(line, name, action, 0, NULL)

/* ---- warnings ---- */

static char warnings[8192];

static void
warn_cb(void *data, const char *msg)
{
	size_t len = strlen(warnings);

	(void)data;
	snprintf(warnings + len, sizeof(warnings) - len, "%s\n", msg);
}

static void
expect_warning(const char *msg)
{
	if (!strstr(warnings, msg))
		ck_abort_msg("no warning \"%s\" in:\n%s", msg, warnings);
}

/* ---- compiling ---- */

static struct policy_compile_opts copts;

static void
opts_arches(size_t n, ...)
{
	va_list ap;
	size_t i;

	memset(&copts, 0, sizeof(copts));
	copts.tree = true;
	va_start(ap, n);
	for (i = 0; i < n; i++)
		copts.arches[i] =
		    arch_abi_by_name(va_arg(ap, const char *))->scmp_token;
	va_end(ap);
	copts.n_arches = n;
}

struct compiled {
	struct policy_plan *plan;
	struct sock_filter *prog;
	size_t len;
	const struct arch_abi *const *abis;
	size_t n_abis;
};

static void
compiled_free(struct compiled *cp)
{
	policy_plan_free(cp->plan);
	free(cp->prog);
	memset(cp, 0, sizeof(*cp));
}

/* Compiles pol with copts; returns the policy_diag message on failure. */
static int
try_compile(struct compiled *cp, struct policy_diag *d)
{
	int r;

	memset(cp, 0, sizeof(*cp));
	warnings[0] = '\0';
	r = policy_plan_new(&pol, &copts, warn_cb, NULL, &cp->plan, d);
	if (r < 0)
		return r;
	r = policy_plan_compile(cp->plan, &cp->prog, &cp->len, d);
	if (r < 0) {
		compiled_free(cp);
		return r;
	}
	cp->n_abis = policy_plan_abis(cp->plan, &cp->abis);
	return 0;
}

static void
compile_ok(struct compiled *cp)
{
	struct policy_diag d;
	int r = try_compile(cp, &d);

	if (r < 0)
		ck_abort_msg("policy_compile: %s (%d)", d.msg, r);
}

static void
compile_fails(const char *msg)
{
	struct compiled cp;
	struct policy_diag d;
	int r = try_compile(&cp, &d);

	if (r == 0) {
		compiled_free(&cp);
		ck_abort_msg("compiled; expected \"%s\"", msg);
	}
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_str_eq(d.msg, msg);
}

/* ---- checking verdicts ---- */

/* splitmix64 */
static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define POOL_MAX 512

/* Argument values that matter to the policy: its constants and around. */
static size_t
pool_build(uint64_t *pool)
{
	static const uint64_t base[] = {
		0,
		1,
		2,
		0x7fffffff,
		0x80000000,
		0xffffffff,
		0x100000000,
		0x100000001,
		MAX64,
		MAX64 - 1,
		0x8000000000000000,
	};
	size_t n = 0, i, j;

	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		pool[n++] = base[i];
	for (i = 0; i < pol.n_rules && n + 16 < POOL_MAX; i++)
		for (j = 0; j < pol.rules[i].n_conds && n + 16 < POOL_MAX;
		     j++) {
			uint64_t a = pol.rules[i].conds[j].a;
			uint64_t b = pol.rules[i].conds[j].b;

			pool[n++] = a;
			pool[n++] = a - 1;
			pool[n++] = a + 1;
			pool[n++] = a ^ 0x100000000;
			pool[n++] = a | 0xffffffff00000000;
			pool[n++] = (uint32_t)a;
			pool[n++] = b;
			pool[n++] = b | ~a;
			pool[n++] = b ^ (a & -a);
			pool[n++] = b + 1;
		}
	return n;
}

static const char *const test_abis[] = {
	"x86_64", "x86", "x32", "aarch64", "arm",
};

static void
fmt_call(char *buf, size_t size, const struct arch_abi *abi, int32_t nr,
	 const uint64_t *args)
{
	snprintf(buf, size,
		 "%s nr %d args 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
		 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64,
		 abi->name, nr, args[0], args[1], args[2], args[3], args[4],
		 args[5]);
}

/* The policy, for failure messages. */
static const char *
pol_dump(void)
{
	static char buf[4096];
	char cond[80], act[32];
	size_t i, j;

	policy_action_format(pol.default_action, act, sizeof(act));
	snprintf(buf, sizeof(buf), "default %s;", act);
	for (i = 0; i < pol.n_rules; i++) {
		policy_action_format(pol.rules[i].action, act, sizeof(act));
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 " [%s %s", pol.rules[i].name, act);
		for (j = 0; j < pol.rules[i].n_conds; j++) {
			policy_cond_format(&pol.rules[i].conds[j], cond,
					   sizeof(cond));
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
				 "%s%s", j ? " && " : " if ", cond);
		}
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "]");
	}
	return buf;
}

/* One call: engine (both interpreters), model and reference agree. */
static void
verify_call(const struct compiled *cp, const struct bpf_filter *f,
	    const struct arch_abi *abi, int32_t nr, const uint64_t args[6])
{
	struct policy_decision dec;
	struct ref_verdict ref;
	struct seccomp_data sd;
	uint32_t naive, fast, walked;
	unsigned count;
	size_t n_pcs;
	char call[200];

	memset(&sd, 0, sizeof(sd));
	sd.nr = nr;
	sd.arch = abi->audit_arch;
	memcpy(sd.args, args, sizeof(sd.args));
	bpf_data_set_byteorder(&sd, abi->big_endian);
	naive = bpf_prog_run_naive(cp->prog, cp->len, &sd, &count);
	fast = bpf_filter_run(f, &sd);
	walked = policy_prog_walk(cp->prog, cp->len, &sd, NULL, 0, &n_pcs);
	ref = ref_decide(&pol, cp->abis, cp->n_abis, abi->audit_arch, nr, args);
	policy_plan_decide(cp->plan, abi->audit_arch, nr, args, &dec);
	fmt_call(call, sizeof(call), abi, nr, args);
	if (ref.conflict)
		ck_abort_msg("%s: the reference finds a conflict, which "
			     "policy_compile() should have refused",
			     call);
	if (naive != ref.action || fast != naive || walked != naive ||
	    n_pcs != count || dec.action != naive)
		ck_abort_msg("%s: filter 0x%08x (decoded 0x%08x, walk 0x%08x "
			     "in %zu of %u), reference 0x%08x%s, model 0x%08x; "
			     "policy: %s",
			     call, naive, fast, walked, n_pcs, count,
			     ref.action, ref.badarch ? " (bad arch)" : "",
			     dec.action, pol_dump());
	/* ck_assert records every pass: too slow for this loop */
	if ((dec.why == POLICY_WHY_BADARCH) != ref.badarch)
		ck_abort_msg("%s: bad arch for the model: %d, reference: %d",
			     call, dec.why == POLICY_WHY_BADARCH, ref.badarch);
}

/*
 * Every ABI of test_abis, the numbers of the policy's calls and a few
 * others, @samples random argument vectors from the pool, plus a sweep
 * of the pool through each argument alone.
 */
/* Whether verify() also sweeps the pool through each argument. */
static bool sweep = true;

static void
verify(const struct compiled *cp, size_t samples)
{
	uint64_t pool[POOL_MAX], args[6];
	size_t n_pool = pool_build(pool), a, i, s, k;
	struct bpf_cache_layout layout;
	struct bpf_filter *f;
	struct bpf_error err;

	arch_cache_layout_for(arch_abi_host(), &layout);
	ck_assert_int_eq(
	    bpf_filter_new(NULL, cp->prog, cp->len, &layout, 0, &f, &err), 0);
	for (a = 0; a < sizeof(test_abis) / sizeof(test_abis[0]); a++) {
		const struct arch_abi *abi = arch_abi_by_name(test_abis[a]);
		int32_t nrs[64];
		size_t n_nrs = 0;

		nrs[n_nrs++] = -1;
		nrs[n_nrs++] = (int32_t)(abi->nr_flag | 0);
		nrs[n_nrs++] = (int32_t)(abi->nr_flag | 999);
		nrs[n_nrs++] = (int32_t)(abi->nr_flag ^ ARCH_X32_SYSCALL_BIT);
		nrs[n_nrs++] = INT32_MIN;
		for (i = 0; i < pol.n_rules && n_nrs < 64; i++) {
			int32_t nr = arch_syscall_nr(abi, pol.rules[i].name);

			if (nr >= 0)
				nrs[n_nrs++] = nr;
		}
		for (i = 0; i < n_nrs; i++) {
			for (s = 0; s < samples; s++) {
				for (k = 0; k < 6; k++)
					args[k] = rng() % 4 == 0
						      ? rng()
						      : pool[rng() % n_pool];
				verify_call(cp, f, abi, nrs[i], args);
			}
			for (k = 0; sweep && k < 6; k++) {
				size_t v;

				memset(args, 0, sizeof(args));
				for (v = 0; v < n_pool; v++) {
					args[k] = pool[v];
					verify_call(cp, f, abi, nrs[i], args);
				}
			}
		}
	}
	bpf_filter_unref(f);
}

/* Compiles pol, tree and linear, and checks both. */
static void
compile_verify(size_t samples)
{
	struct compiled cp;
	int tree;

	for (tree = 1; tree >= 0; tree--) {
		copts.tree = tree;
		compile_ok(&cp);
		verify(&cp, samples);
		compiled_free(&cp);
	}
	copts.tree = true;
}

static void
setup(void)
{
	rng_state = 0x5eed2026c0de0001ULL;
	sweep = true;
	memset(&copts, 0, sizeof(copts));
	copts.tree = true;
	policy_init(&pol);
	pol_reset(ERRNO(1));
}

static void
teardown(void)
{
	policy_free(&pol);
}

/* ---- every comparison, in both widths ---- */

static const struct {
	enum policy_op op;
	uint64_t a, b;
} op_cases[] = {
	{ POLICY_OP_EQ, 5, 0 },
	{ POLICY_OP_EQ, 0, 0 },
	{ POLICY_OP_EQ, 0xffffffff, 0 },
	{ POLICY_OP_EQ, 0x100000005, 0 },
	{ POLICY_OP_EQ, MAX64, 0 },
	{ POLICY_OP_NE, 5, 0 },
	{ POLICY_OP_NE, 0x100000005, 0 },
	{ POLICY_OP_LT, 5, 0 },
	{ POLICY_OP_LT, 0, 0 },
	{ POLICY_OP_LT, 0x100000000, 0 },
	{ POLICY_OP_LT, MAX64, 0 },
	{ POLICY_OP_LE, 5, 0 },
	{ POLICY_OP_LE, 0x1ffffffff, 0 },
	{ POLICY_OP_LE, MAX64, 0 },
	{ POLICY_OP_GT, 5, 0 },
	{ POLICY_OP_GT, 0xffffffff, 0 },
	{ POLICY_OP_GT, MAX64, 0 },
	{ POLICY_OP_GE, 5, 0 },
	{ POLICY_OP_GE, 0, 0 },
	{ POLICY_OP_GE, 0x100000000, 0 },
	{ POLICY_OP_MASKED_EQ, 0xf0, 0x30 },
	{ POLICY_OP_MASKED_EQ, 0xf0, 0 },
	{ POLICY_OP_MASKED_EQ, 0xff00000000, 0x1200000000 },
	{ POLICY_OP_MASKED_EQ, 0xff000000ff, 0x1200000034 },
	{ POLICY_OP_MASKED_EQ, MAX64, 7 },
	{ POLICY_OP_MASKED_EQ, 0, 0 },
	{ POLICY_OP_MASKED_EQ, 0x7e020000, 0 },
};

START_TEST(test_ops)
{
	unsigned arg;

	for (arg = 0; arg < 6; arg += 5) {
		pol_reset(ERRNO(1));
		rule(1, "getppid", ALLOW, 1,
		     &(struct c){ arg, op_cases[_i].op, op_cases[_i].a,
				  op_cases[_i].b });
		RULE0(2, "getpid", TRACE(9));
		compile_verify(40);
	}
}
END_TEST

/* ---- every action, as a rule's and as the default ---- */

static const uint32_t actions[] = {
	SECCOMP_RET_KILL_PROCESS,
	SECCOMP_RET_KILL_THREAD,
	SECCOMP_RET_TRAP,
	TRAP(5),
	ERRNO(0),
	ERRNO(1),
	ERRNO(4095),
	ERRNO(0xffff),
	SECCOMP_RET_USER_NOTIF,
	TRACE(0),
	TRACE(0xffff),
	SECCOMP_RET_LOG,
	SECCOMP_RET_ALLOW,
	SECCOMP_RET_ALLOW | 5,
};

START_TEST(test_actions)
{
	size_t j;

	for (j = 0; j < sizeof(actions) / sizeof(actions[0]); j++) {
		struct compiled cp;
		uint64_t args[6] = { 7 };
		struct seccomp_data sd;

		pol_reset(actions[_i]);
		RULE(1, "getppid", actions[j], C(0, EQ, 7));
		RULE0(2, "openat", actions[j]);
		compile_ok(&cp);
		memset(&sd, 0, sizeof(sd));
		sd.arch = AUDIT_ARCH_X86_64;
		sd.nr = arch_syscall_nr(arch_abi_by_name("x86_64"), "getppid");
		sd.args[0] = 7;
		ck_assert_uint_eq(
		    bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL), actions[j]);
		sd.args[0] = 8;
		ck_assert_uint_eq(
		    bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
		    actions[_i]);
		sd.arch = AUDIT_ARCH_AARCH64;
		ck_assert_uint_eq(
		    bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL), KILLP);
		(void)args;
		verify(&cp, 10);
		compiled_free(&cp);
	}
}
END_TEST

START_TEST(test_action_unknown)
{
	pol_reset(ERRNO(1));
	RULE0(3, "getppid", 0x12340000);
	compile_fails("t.policy:3:1: unknown action 0x12340000");
	pol_reset(0x7ffe0000);
	compile_fails("t.policy: unknown default action 0x7ffe0000");
}
END_TEST

/* ---- ABIs ---- */

static void
expect_abis(const struct compiled *cp, const char *want)
{
	char got[200] = "";
	size_t i;

	for (i = 0; i < cp->n_abis; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s",
			 i ? " " : "", cp->abis[i]->name);
	ck_assert_str_eq(got, want);
}

START_TEST(test_arches)
{
	struct compiled cp;
	struct seccomp_data sd;

	pol_reset(ERRNO(1));
	RULE(1, "read", ALLOW, C(0, LT, 0x100000003));
	RULE0(2, "getppid", ALLOW);
	RULE(3, "close", ERRNO(9), M(2, 0xf0, 0x10));

	/* none given: the host's native ABI and its compat ABI */
	memset(&copts, 0, sizeof(copts));
	copts.tree = true;
	compile_ok(&cp);
	expect_abis(&cp, arch_abi_host()->bits == 64 &&
				 strcmp(arch_abi_host()->name, "x86_64") == 0
			     ? "x86_64 x86"
			     : "aarch64 arm");
	ck_assert(!policy_plan_big_endian(cp.plan));
	verify(&cp, 30);
	compiled_free(&cp);

	/* the policy's own list, then the options' in its place */
	pol.arches[0] = arch_abi_by_name("x32")->scmp_token;
	pol.arches[1] = arch_abi_by_name("x86_64")->scmp_token;
	pol.n_arches = 2;
	compile_ok(&cp);
	expect_abis(&cp, "x32 x86_64");
	verify(&cp, 30);
	compiled_free(&cp);
	opts_arches(1, "x86_64");
	compile_ok(&cp);
	expect_abis(&cp, "x86_64");
	verify(&cp, 30);
	compiled_free(&cp);
	opts_arches(1, "x32");
	compile_ok(&cp);
	verify(&cp, 30);
	compiled_free(&cp);
	opts_arches(3, "aarch64", "arm", "aarch64");
	compile_ok(&cp);
	expect_abis(&cp, "aarch64 arm");
	verify(&cp, 30);
	compiled_free(&cp);

	/* big-endian: the program comes back in host order all the same */
	opts_arches(2, "s390x", "s390");
	compile_ok(&cp);
	ck_assert(policy_plan_big_endian(cp.plan));
	ck_assert_int_eq(bpf_prog_check(cp.prog, cp.len, NULL), 0);
	memset(&sd, 0, sizeof(sd));
	sd.arch = AUDIT_ARCH_S390X;
	sd.nr = arch_syscall_nr(arch_abi_by_name("s390x"), "read");
	sd.args[0] = 0x100000002;
	bpf_data_set_byteorder(&sd, true);
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ALLOW);
	sd.args[0] = 0x100000003;
	bpf_data_set_byteorder(&sd, true);
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ERRNO(1));
	/* s390, 32 bits wide: 0x100000003 acts as 3 */
	sd.arch = AUDIT_ARCH_S390;
	sd.nr = arch_syscall_nr(arch_abi_by_name("s390"), "read");
	sd.args[0] = 2;
	bpf_data_set_byteorder(&sd, true);
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ALLOW);
	compiled_free(&cp);

	opts_arches(2, "x86_64", "s390x");
	compile_fails("t.policy: x86_64 and s390x have different byte orders; "
		      "one filter covers ABIs of one byte order");
	memset(&copts, 0, sizeof(copts));
	pol.arches[0] = 0x12345;
	compile_fails("t.policy: unknown architecture token 0x00012345");
}
END_TEST

START_TEST(test_log_denied)
{
	struct compiled a, b;

	pol_reset(ERRNO(1));
	RULE0(1, "read", ALLOW);
	RULE(2, "write", ALLOW, C(0, EQ, 1));
	compile_ok(&a);
	pol.log_denied = true;
	compile_ok(&b);
	/* a flag for seccomp(2), SECCOMP_FILTER_FLAG_LOG: not in the code */
	ck_assert_uint_eq(a.len, b.len);
	ck_assert_mem_eq(a.prog, b.prog, a.len * sizeof(*a.prog));
	verify(&b, 20);
	compiled_free(&a);
	compiled_free(&b);
}
END_TEST

START_TEST(test_tree_default)
{
	struct sock_filter *prog;
	struct policy_diag d;
	struct compiled t, l;
	size_t len;

	pol_reset(ERRNO(1));
	RULE0(1, "read", ALLOW);
	RULE0(2, "write", ALLOW);
	RULE(3, "close", ALLOW, C(0, GT, 2));
	copts.tree = true;
	compile_ok(&t);
	copts.tree = false;
	compile_ok(&l);
	ck_assert_int_eq(policy_compile(&pol, NULL, &prog, &len, &d), 0);
	ck_assert_uint_eq(len, POLICY_COMPILE_TREE_DEFAULT ? t.len : l.len);
	ck_assert_mem_eq(prog, POLICY_COMPILE_TREE_DEFAULT ? t.prog : l.prog,
			 len * sizeof(*prog));
	free(prog);
	compiled_free(&t);
	compiled_free(&l);
}
END_TEST

/* ---- several comparisons of one argument ---- */

static const struct {
	size_t n;
	struct c c[4];
	bool never; /* on x86_64 */
} and_cases[] = {
	{ 2, { C(0, GE, 3), C(0, LE, 10) }, false },
	{ 2, { C(0, GT, 3), C(0, LT, 10) }, false },
	{ 2, { C(0, NE, 38), C(0, NE, 40) }, false },
	{ 3, { C(0, NE, 0), C(0, NE, 1), C(0, NE, MAX64) }, false },
	{ 2, { C(0, EQ, 5), C(0, NE, 3) }, false },
	{ 2, { C(0, EQ, 5), C(0, NE, 5) }, true },
	{ 2, { C(0, GE, 10), C(0, LE, 3) }, true },
	{ 2, { C(0, GT, 5), C(0, LT, 6) }, true },
	{ 2, { M(0, 0xf, 1), C(0, GE, 0x100) }, false },
	{ 2, { M(0, 0xff, 0x12), M(0, 0xff00, 0x3400) }, false },
	{ 2, { M(0, 0xf, 1), M(0, 0x3, 2) }, true },
	{ 2, { C(0, GE, 0), C(0, LE, MAX64) }, false },
	{ 2, { C(0, NE, 0), C(0, LE, 0xffffffff) }, false },
	{ 2, { C(0, GE, 0xfffffffffffffff0), C(0, NE, MAX64) }, false },
	{ 2, { C(0, GT, 0x100000000), C(0, LT, 0x100000010) }, false },
	{ 2, { C(0, EQ, 0x100000001), C(0, GE, 1) }, false },
	{ 3, { C(0, GE, 0x10), C(0, LE, 0x1000), M(0, 0x3, 0x1) }, false },
	{ 3, { C(0, GE, 0x10), C(0, NE, 0x11), M(0, 0x1, 0x1) }, false },
	{ 2,
	  { M(0, 0xff000000ff, 0x1200000034), C(0, LT, 0x2000000000) },
	  false },
	{ 4, { C(0, GE, 2), C(0, LE, 9), C(0, NE, 4), C(0, NE, 7) }, false },
};

START_TEST(test_and_one_arg)
{
	const struct c *cs = and_cases[_i].c;
	size_t n = and_cases[_i].n, i;
	struct c both[8];

	/* alone, deciding a call */
	pol_reset(ERRNO(1));
	rule(1, "getppid", ALLOW, n, cs);
	RULE(2, "read", ERRNO(3), C(1, EQ, 7));
	compile_verify(60);
	if (and_cases[_i].never)
		expect_warning("t.policy:1:1: warning: this rule can never "
			       "match: no value of arg0 passes ");

	/*
	 * Twice in one rule, on arg0 and arg3: the rewrites multiply, and
	 * may pass the limit, which must then be said.
	 */
	for (i = 0; i < n; i++) {
		both[i] = cs[i];
		both[n + i] = cs[i];
		both[n + i].arg = 3;
	}
	pol_reset(ALLOW);
	rule(1, "getppid", TRAP(4), n + n > 6 ? 6 : n + n, both);
	{
		struct compiled cp;
		struct policy_diag d;

		if (try_compile(&cp, &d) == 0) {
			verify(&cp, 60);
			compiled_free(&cp);
		} else {
			ck_assert_msg(strstr(d.msg, "needs more than 256") ||
					  strstr(d.msg, "(at most 128)"),
				      "%s", d.msg);
		}
	}

	/* next to a rule it must not overlap */
	pol_reset(ERRNO(1));
	rule(1, "getppid", ALLOW, n, cs);
	RULE(2, "getppid", ERRNO(2), C(1, EQ, 1));
	{
		struct compiled cp;
		struct policy_diag d;

		if (try_compile(&cp, &d) == 0) {
			verify(&cp, 60);
			compiled_free(&cp);
		} else {
			ck_assert_msg(strstr(d.msg, "both match getppid(") !=
					  NULL,
				      "%s", d.msg);
		}
	}
}
END_TEST

START_TEST(test_and_refused)
{
	/* 126 blocks: fine */
	pol_reset(ERRNO(1));
	RULE0(1, "read", ALLOW);
	RULE(2, "getppid", ALLOW, C(1, EQ, 1), C(0, GT, 0), C(0, LT, MAX64));
	compile_verify(30);

	/* cut once more: 62 + 62 + 63 */
	pol_reset(ERRNO(1));
	RULE0(1, "read", ALLOW);
	RULE(2, "getppid", ALLOW, C(0, GT, 0), C(0, LT, MAX64),
	     C(0, NE, 0x4000000000000000));
	compile_fails("t.policy:2:20: cannot compile arg0 > 0 && arg0 < "
		      "0xffffffffffffffff && arg0 != 0x4000000000000000 "
		      "exactly: libseccomp 2.5.4 takes one comparison per "
		      "argument in a rule, and rewriting this one needs 187 "
		      "rules (at most 128)");

	/* 32 rules for arg0, 32 for arg1: 1024 in all */
	pol_reset(ERRNO(1));
	RULE(4, "getppid", ALLOW, C(0, GE, 1), C(0, LE, 0xffffffff),
	     C(1, GE, 1), C(1, LE, 0xffffffff));
	compile_fails("t.policy:4:1: cannot compile this rule exactly: "
		      "libseccomp 2.5.4 takes one comparison per argument in "
		      "a rule, and rewriting its comparisons needs more than "
		      "256 rules");

	/* 32 alone is fine, and exact */
	pol_reset(ERRNO(1));
	RULE(4, "getppid", ALLOW, C(0, GE, 1), C(0, LE, 0xffffffff),
	     C(1, EQ, 3));
	compile_verify(60);

	/* two rules meeting, each > on two arguments: 62 * 62 to rewrite */
	pol_reset(ERRNO(1));
	RULE(5, "getppid", ALLOW, C(0, GT, 1), C(1, GT, 1));
	RULE(6, "getppid", ALLOW, C(2, EQ, 1));
	compile_fails("t.policy:5:1: cannot compile the rules for getppid on "
		      "x86_64: where rules meet on one call, libseccomp 2.5.4 "
		      "is only reliable with == and masked ==, and rewriting "
		      "this rule that way needs more than 256 rules");
	/* alone, it needs no rewriting */
	pol_reset(ERRNO(1));
	RULE(5, "getppid", ALLOW, C(0, GT, 1), C(1, GT, 1));
	compile_verify(60);
}
END_TEST

/* ---- rules that could both match ---- */

START_TEST(test_conflicts)
{
	pol_reset(ALLOW);
	RULE(1, "write", ERRNO(1), C(0, EQ, 1));
	RULE(2, "write", ERRNO(2), C(1, EQ, 2));
	compile_fails("t.policy:2:1: this rule and the rule at t.policy:1:1 "
		      "both match write(arg0=1, arg1=2) on x86_64, with "
		      "different actions (ERRNO(2) and ERRNO(1))");

	/* the same conditions: libseccomp's -EEXIST, said better */
	pol_reset(ALLOW);
	RULE(1, "write", ERRNO(1), C(0, GE, 0x1000));
	RULE(5, "write", TRAP(0), C(0, GE, 0x1000));
	compile_fails("t.policy:5:1: this rule and the rule at t.policy:1:1 "
		      "both match write(arg0=0x1000) on x86_64, with different "
		      "actions (TRAP and ERRNO(1))");

	/* disjoint: fine */
	pol_reset(ALLOW);
	RULE(1, "write", ERRNO(1), C(0, LT, 5));
	RULE(2, "write", ERRNO(2), C(0, GE, 5), C(0, LT, 10), C(1, NE, 0),
	     C(1, LT, 9));
	RULE(3, "write", ERRNO(3), C(0, GE, 5), C(1, EQ, 0));
	compile_verify(60);
	/* as is, but too large once made reliable for libseccomp */
	pol_reset(ALLOW);
	RULE(1, "write", ERRNO(1), C(0, LT, 5));
	RULE(2, "write", ERRNO(2), C(0, GE, 5), C(1, NE, 0));
	compile_fails("t.policy:2:1: cannot compile the rules for write on "
		      "x86_64: where rules meet on one call, libseccomp 2.5.4 "
		      "is only reliable with == and masked ==, and rewriting "
		      "this rule that way needs more than 256 rules");

	/* overlapping with one action: fine */
	pol_reset(ALLOW);
	RULE(1, "write", ERRNO(1), C(0, LT, 5));
	RULE(2, "write", ERRNO(1), C(1, LT, 5));
	compile_verify(60);

	/* apart on 64 bits, together on 32 */
	pol_reset(ALLOW);
	RULE(1, "write", ERRNO(1), C(0, EQ, 0x100000001));
	RULE(2, "write", ERRNO(2), C(0, EQ, 1));
	compile_fails("t.policy:2:1: this rule and the rule at t.policy:1:1 "
		      "both match write(arg0=1) on x86, with different "
		      "actions (ERRNO(2) and ERRNO(1))");
	opts_arches(1, "x86_64");
	compile_verify(60);

	/* a rule with the default action takes part */
	memset(&copts, 0, sizeof(copts));
	pol_reset(ERRNO(1));
	RULE(1, "write", ERRNO(1), C(0, EQ, 1));
	RULE(2, "write", ALLOW, C(0, LE, 5));
	compile_fails("t.policy:2:1: this rule and the rule at t.policy:1:1 "
		      "both match write(arg0=1) on x86_64, with different "
		      "actions (ALLOW and ERRNO(1))");
}
END_TEST

/* Random policies: a refused conflict must be one (its example call). */
static void
check_conflict_example(const char *msg)
{
	const char *p = strstr(msg, "both match "), *q;
	uint64_t args[6] = { 0 };
	char name[64], abiname[32];
	const struct arch_abi *abi;
	struct ref_verdict v;
	size_t n;

	ck_assert_msg(p != NULL, "%s", msg);
	p += strlen("both match ");
	q = strchr(p, '(');
	n = (size_t)(q - p);
	memcpy(name, p, n);
	name[n] = '\0';
	for (p = q + 1; *p != ')';) {
		unsigned arg;
		char *end;

		ck_assert_int_eq(sscanf(p, "arg%u=", &arg), 1);
		p = strchr(p, '=') + 1;
		args[arg] = strtoull(p, &end, 0);
		p = end;
		if (*p == ',')
			p += 2;
	}
	ck_assert_int_eq(sscanf(p, ") on %31[^,],", abiname), 1);
	abi = arch_abi_by_name(abiname);
	ck_assert_ptr_nonnull(abi);
	v = ref_decide(&pol, &abi, 1, abi->audit_arch,
		       arch_syscall_nr(abi, name), args);
	ck_assert_msg(v.conflict, "%s: the reference finds no conflict", msg);
}

static const char *const random_names[] = {
	"read", "write", "close", "getppid", "personality", "futex",
};

static struct c
random_cond(void)
{
	static const uint64_t vals[] = {
		0,	     1,		  2,	       3,	   5,
		8,	     0x10,	  0xff,	       0x7fffffff, 0xffffffff,
		0x100000000, 0x100000001, 0x100000005, MAX64,	   MAX64 - 1,
	};
	uint64_t a = vals[rng() % (sizeof(vals) / sizeof(vals[0]))];
	uint64_t b = vals[rng() % (sizeof(vals) / sizeof(vals[0]))];
	struct c c = { (unsigned)(rng() % 3), POLICY_OP_EQ + rng() % 7, a, 0 };

	if (c.op == POLICY_OP_MASKED_EQ)
		c.b = rng() % 4 ? b & a : b;
	return c;
}

START_TEST(test_random)
{
	static const uint32_t acts[] = { ALLOW, ERRNO(1), ERRNO(2), TRAP(0),
					 KILLP };
	static const char *const abisets[][3] = {
		{ NULL },
		{ "x86_64", NULL },
		{ "x86", NULL },
		{ "x86_64", "x32", NULL },
		{ "x32", "x86", NULL },
		{ "aarch64", "arm", NULL },
	};
	unsigned iter, compiled = 0, refused = 0;

	rng_state = 0x7e57c0de00000000ULL + (uint64_t)_i;
	sweep = false; /* random samples only: many policies, kept fast */
	for (iter = 0; iter < 40; iter++) {
		size_t n_rules = 1 + rng() % 5, r, k, set;
		struct compiled cp;
		struct policy_diag d;

		pol_reset(acts[rng() % 5]);
		for (r = 0; r < n_rules; r++) {
			struct c cs[6];
			size_t n = rng() % 4;

			for (k = 0; k < n; k++)
				cs[k] = random_cond();
			rule((unsigned)r + 1,
			     random_names[rng() % (sizeof(random_names) /
						   sizeof(random_names[0]))],
			     acts[rng() % 5], n, cs);
		}
		set = rng() % (sizeof(abisets) / sizeof(abisets[0]));
		memset(&copts, 0, sizeof(copts));
		copts.tree = rng() % 2;
		for (k = 0; abisets[set][k]; k++)
			copts.arches[copts.n_arches++] =
			    arch_abi_by_name(abisets[set][k])->scmp_token;
		{
			struct timespec t0, t1;
			int rc;

			clock_gettime(CLOCK_MONOTONIC, &t0);
			rc = try_compile(&cp, &d);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (getenv("CHECK_COMPILE_VERBOSE") &&
			    t1.tv_sec - t0.tv_sec >= 1)
				fprintf(stderr,
					"slow compile (%lds, %zu insns): %s\n",
					(long)(t1.tv_sec - t0.tv_sec),
					rc ? 0 : cp.len, pol_dump());
			if (rc == 0)
				goto compiled_ok;
		}
		{
			refused++;
			/* a rewrite too large, or a filter */
			if (strstr(d.msg, ": cannot compile ") ||
			    strstr(d.msg, "the kernel takes at most"))
				continue;
			check_conflict_example(d.msg);
			continue;
		}
	compiled_ok:
		compiled++;
		verify(&cp, 40);
		compiled_free(&cp);
	}
	if (getenv("CHECK_COMPILE_VERBOSE"))
		fprintf(stderr, "random %d: %u compiled, %u refused\n", _i,
			compiled, refused);
	/* both outcomes must be exercised */
	ck_assert_uint_gt(compiled, 10);
	ck_assert_uint_gt(refused, 0);
}
END_TEST

/* ---- rules without conditions ---- */

START_TEST(test_unconditional)
{
	pol_reset(ERRNO(1));
	RULE(1, "close", ERRNO(5), C(0, EQ, 3));
	RULE0(2, "close", ALLOW);
	RULE0(3, "close", ERRNO(6));
	compile_verify(40);
	expect_warning("t.policy:1:1: warning: this rule is overridden: the "
		       "rule at t.policy:2:1 has no conditions, so it decides "
		       "every close call (ALLOW)");
	expect_warning("t.policy:3:1: warning: this rule is overridden: the "
		       "rule at t.policy:2:1 has no conditions");

	/* conditions that always hold count as none */
	pol_reset(ERRNO(1));
	RULE(1, "close", ERRNO(5), C(0, GE, 0), M(1, 0, 0));
	RULE(2, "close", ALLOW, C(0, EQ, 3));
	compile_verify(40);
	expect_warning("t.policy:2:1: warning: this rule is overridden: the "
		       "rule at t.policy:1:1 has no conditions, so it decides "
		       "every close call (ERRNO(5))");

	/* the default action, without conditions: nothing else is added */
	pol_reset(ERRNO(1));
	RULE(1, "close", ALLOW, C(0, EQ, 3));
	RULE0(2, "close", ERRNO(1));
	compile_verify(40);
}
END_TEST

START_TEST(test_masked_outside)
{
	pol_reset(ERRNO(1));
	RULE(1, "getppid", ALLOW, M(0, 0xf0, 0x1));
	RULE(2, "read", ALLOW, M(0, 0xff00000000, 0x100000000));
	compile_verify(40);
	expect_warning("t.policy:1:1: warning: this rule can never match: no "
		       "value of arg0 passes arg0 & 240 == 1; it is left out");
	/* on 32 bits, mask and value are both 0: every call */
	expect_warning("t.policy:2:10: warning: x86 compares only the low 32 "
		       "bits of an argument: arg0 & 0xff00000000 == "
		       "0x100000000 acts as arg0 & 0 == 0 there");
}
END_TEST

START_TEST(test_32bit)
{
	struct compiled cp;
	struct seccomp_data sd;

	pol_reset(ERRNO(1));
	RULE(1, "getppid", ALLOW, C(0, EQ, 0x100000001));
	compile_verify(40);
	expect_warning("t.policy:1:10: warning: x86 compares only the low 32 "
		       "bits of an argument: arg0 == 0x100000001 acts as arg0 "
		       "== 1 there");
	compile_ok(&cp);
	/*
	 * The high half is never looked at, even where seccomp_data has
	 * one (int $0x80 from 64-bit code can leave it there).
	 */
	memset(&sd, 0, sizeof(sd));
	sd.arch = AUDIT_ARCH_I386;
	sd.nr = arch_syscall_nr(arch_abi_by_name("x86"), "getppid");
	sd.args[0] = 1;
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ALLOW);
	sd.args[0] = 0xabcd00000001;
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ALLOW);
	sd.args[0] = 0x100000002;
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ERRNO(1));
	sd.arch = AUDIT_ARCH_X86_64;
	sd.nr = arch_syscall_nr(arch_abi_by_name("x86_64"), "getppid");
	sd.args[0] = 1;
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ERRNO(1));
	sd.args[0] = 0x100000001;
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ALLOW);
	compiled_free(&cp);

	opts_arches(3, "x86_64", "x86", "x32");
	compile_verify(20);
	expect_warning("t.policy:1:10: warning: x86 and x32 compare only the "
		       "low 32 bits of an argument");
}
END_TEST

/* ---- socketcall(2) and ipc(2) ---- */

START_TEST(test_mux)
{
	const struct arch_abi *x86 = arch_abi_by_name("x86");
	const struct arch_abi *x64 = arch_abi_by_name("x86_64");
	struct policy_route rt[2];
	struct compiled cp;
	struct seccomp_data sd;
	static const struct {
		const struct arch_abi **abi;
		const char *name;
		uint64_t a0;
		uint32_t want;
	} calls[] = {
		{ NULL, "socketcall", 1, ERRNO(5) }, /* SYS_SOCKET */
		{ NULL, "socketcall", 2, ALLOW },    /* SYS_BIND */
		{ NULL, "socket", 2, ERRNO(5) },
		{ NULL, "socket", 3, ALLOW },
		{ NULL, "ipc", 23, ERRNO(6) }, /* SHMGET */
		{ NULL, "ipc", 22, ALLOW },
		{ NULL, "shmget", 0, ERRNO(6) },
	};
	size_t i;

	ck_assert_int_eq(policy_routes(x86, "socket", rt), 2);
	ck_assert(rt[0].mux);
	ck_assert_int_eq(rt[0].nr, 102);
	ck_assert_uint_eq(rt[0].mux_call, 1);
	ck_assert(!rt[1].mux);
	ck_assert_int_eq(rt[1].nr, 359);
	ck_assert_int_eq(policy_routes(x86, "shmget", rt), 2);
	ck_assert_int_eq(rt[0].nr, 117);
	ck_assert_uint_eq(rt[0].mux_call, 23);
	ck_assert_int_eq(policy_routes(x64, "socket", rt), 1);
	ck_assert_int_eq(rt[0].nr, 41);
	ck_assert_int_eq(policy_routes(x64, "socketcall", rt), 0);
	ck_assert_int_eq(policy_routes(x64, "nosuchcall", rt), -ENOENT);

	pol_reset(ALLOW);
	RULE(1, "socket", ERRNO(5), C(0, EQ, 2));
	RULE0(2, "shmget", ERRNO(6));
	opts_arches(2, "x86_64", "x86");
	compile_ok(&cp);
	expect_warning("t.policy:1:1: warning: x86 also makes socket calls "
		       "through socketcall (nr 102), whose arguments are not "
		       "socket's: there this rule matches every call with arg0 "
		       "== 1");
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		memset(&sd, 0, sizeof(sd));
		sd.arch = AUDIT_ARCH_I386;
		sd.nr = arch_syscall_nr(x86, calls[i].name);
		sd.args[0] = calls[i].a0;
		ck_assert_msg(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL) ==
				  calls[i].want,
			      "x86 %s(%" PRIu64 ")", calls[i].name,
			      calls[i].a0);
		/* the model explain uses knows the route */
		{
			struct policy_decision dec;
			uint64_t args[6] = { calls[i].a0 };

			policy_plan_decide(cp.plan, AUDIT_ARCH_I386, sd.nr,
					   args, &dec);
			ck_assert_uint_eq(dec.action, calls[i].want);
		}
	}
	memset(&sd, 0, sizeof(sd));
	sd.arch = AUDIT_ARCH_X86_64;
	sd.nr = 41;
	sd.args[0] = 2;
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ERRNO(5));
	sd.args[0] = 1;
	ck_assert_uint_eq(bpf_prog_run_naive(cp.prog, cp.len, &sd, NULL),
			  ALLOW);
	compiled_free(&cp);
}
END_TEST

/* ---- what is not a policy ---- */

START_TEST(test_errors)
{
	struct policy_rule r;

	pol_reset(ERRNO(1));
	RULE0(1, "read", ALLOW);
	RULE0(2, "nosuchcall", ALLOW);
	compile_fails("t.policy:2:1: unknown system call 'nosuchcall'");

	pol_reset(ERRNO(1));
	RULE(3, "read", ALLOW, C(6, EQ, 1));
	compile_fails("t.policy:3:10: no argument arg6: system calls have "
		      "arg0 to arg5");

	pol_reset(ERRNO(1));
	rule(4, "read", ALLOW, 1, &(struct c){ 0, (enum policy_op)9, 1, 0 });
	compile_fails("t.policy:4:10: unknown comparison 9");

	pol_reset(ERRNO(1));
	RULE0(5, "read", ALLOW);
	pol.rules[0].n_conds = 7;
	compile_fails("t.policy:5:1: more than 6 conditions in one rule");

	pol_reset(ERRNO(1));
	memset(&r, 0, sizeof(r));
	r.name = (char *)"";
	r.loc = (struct policy_loc){ file, 6, 3 };
	ck_assert_int_eq(policy_add_rule(&pol, &r), 0);
	compile_fails("t.policy:6:3: rule without a system call");
}
END_TEST

/* ---- policy_detect() ---- */

START_TEST(test_detect)
{
	static const struct {
		const char *text;
		size_t len;
		enum policy_format want;
	} cases[] = {
		{ "{}", 2, POLICY_FORMAT_JSON },
		{ " \n\t {\"defaultAction\": 1}", 26, POLICY_FORMAT_JSON },
		{ "\x20\0\0\0\4\0\0\0", 8, POLICY_FORMAT_RAW },
		{ "\x06\0\0\0\0\0\xff\x7f", 8, POLICY_FORMAT_RAW },
		{ "abc\001", 4, POLICY_FORMAT_RAW },
		{ "; 11 instructions\n   0:\tld\t[4]\n", 31,
		  POLICY_FORMAT_TEXT },
		{ "\tld\t[arch]\n", 11, POLICY_FORMAT_TEXT },
		{ "x86_64:\n\tLD [nr]\n", 17, POLICY_FORMAT_TEXT },
		{ "kill: ret KILL_PROCESS\n", 23, POLICY_FORMAT_TEXT },
		{ "ret ALLOW", 9, POLICY_FORMAT_TEXT },
		{ "0: ; x\n", 7, POLICY_FORMAT_TEXT },
		{ "read: allow\n", 12, POLICY_FORMAT_LANG },
		{ "# comment\ndefault allow\n", 24, POLICY_FORMAT_LANG },
		{ "read, write: allow", 18, POLICY_FORMAT_LANG },
		{ "write: arg0 == 1", 16, POLICY_FORMAT_LANG },
		{ "@include \"x\"", 12, POLICY_FORMAT_LANG },
		{ "", 0, POLICY_FORMAT_LANG },
		{ "\n\n", 2, POLICY_FORMAT_LANG },
		{ "ldx: allow", 10, POLICY_FORMAT_LANG },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(policy_detect(cases[i].text, cases[i].len) ==
				  cases[i].want,
			      "case %zu: %s, not %s", i,
			      policy_format_name(
				  policy_detect(cases[i].text, cases[i].len)),
			      policy_format_name(cases[i].want));
}
END_TEST

#if defined(__SANITIZE_ADDRESS__)
/*
 * libseccomp 2.5.4 leaks some of its tree nodes inside
 * seccomp_rule_add_array() on some rule sets (2.6.0 fixed leaks there);
 * the contexts themselves are all released.  The sanitizer runtime's own
 * hook, hence the name.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:libseccomp.so\n";
}
#endif

static Suite *
compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *tc;

	tc = tcase_create("policy_compile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_ops, 0,
			    sizeof(op_cases) / sizeof(op_cases[0]));
	tcase_add_loop_test(tc, test_actions, 0,
			    sizeof(actions) / sizeof(actions[0]));
	tcase_add_test(tc, test_action_unknown);
	tcase_add_test(tc, test_arches);
	tcase_add_test(tc, test_log_denied);
	tcase_add_test(tc, test_tree_default);
	tcase_add_loop_test(tc, test_and_one_arg, 0,
			    sizeof(and_cases) / sizeof(and_cases[0]));
	tcase_add_test(tc, test_and_refused);
	tcase_add_test(tc, test_conflicts);
	tcase_add_test(tc, test_unconditional);
	tcase_add_test(tc, test_masked_outside);
	tcase_add_test(tc, test_32bit);
	tcase_add_test(tc, test_mux);
	tcase_add_test(tc, test_errors);
	tcase_add_loop_test(tc, test_random, 0, 40);
	suite_add_tcase(s, tc);

	tc = tcase_create("policy_detect");
	tcase_add_test(tc, test_detect);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(compile_suite());
	int failed;

#if defined(__SANITIZE_ADDRESS__)
	/* one process, one LeakSanitizer scan (see check_bpf.c) */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_NOFORK);
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
