/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_compile_kernel: compiled policies in the real kernel.
 *
 * Sample policies, built here as check_compile builds them, are compiled
 * with policy_compile() (tree and linear) and installed in a fresh child
 * by tests/kernel's oracle (no_new_privs, so as any user), behind its
 * guard: only the probe call, getppid(2), meets the policy.  The call is
 * made through x86_64 and, where the kernel runs 32-bit code, through
 * int $0x80, with arguments around the policies' constants.  What the
 * kernel did (return value, SIGSYS, which thread died) must be what the
 * verdict predicts, and the verdict must be the reference's (ref.c) and
 * the engine's.  x86_64 only, as the oracle is.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#include "../kernel/oracle.h"
#include "arch/arch.h"
#include "bpf/bpf.h"
#include "policy/compile.h"
#include "policy/policy.h"
#include "ref.h"

#define ALLOW	 SECCOMP_RET_ALLOW
#define ERRNO(n) (SECCOMP_RET_ERRNO | (n))

static struct policy pol;
static const char *file;

struct c {
	unsigned arg;
	enum policy_op op;
	uint64_t a, b;
};

#define C(arg, op, a) ((struct c){ arg, POLICY_OP_##op, a, 0 })
#define M(arg, m, v)  ((struct c){ arg, POLICY_OP_MASKED_EQ, m, v })

static void
rule(unsigned line, uint32_t action, size_t n, const struct c *cs)
{
	struct policy_rule r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.name = (char *)"getppid";
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

#define RULE(line, action, ...)                                        \
	do {                                                           \
		const struct c cs_[] = { __VA_ARGS__ };                \
		rule(line, action, sizeof(cs_) / sizeof(cs_[0]), cs_); \
	} while (0)

/* The sample policies; each rule is about getppid, the probe call. */
static void
policy_sample(int which)
{
	policy_free(&pol);
	policy_init(&pol);
	file = policy_intern_file(&pol, "k.policy");
	switch (which) {
	case 0:
		/* every action, a range, 64-bit and masked values */
		pol.default_action = ERRNO(99);
		RULE(1, ALLOW, C(0, GE, 3), C(0, LE, 10));
		RULE(2, ERRNO(11), C(0, EQ, 11));
		RULE(3, SECCOMP_RET_TRAP | 5, C(0, EQ, 12));
		RULE(4, SECCOMP_RET_KILL_PROCESS, C(0, EQ, 13));
		RULE(5, SECCOMP_RET_KILL_THREAD, C(0, EQ, 14));
		RULE(6, SECCOMP_RET_TRACE | 7, C(0, EQ, 15));
		RULE(7, SECCOMP_RET_LOG, C(0, EQ, 16));
		RULE(8, SECCOMP_RET_USER_NOTIF, C(0, EQ, 17));
		RULE(9, ERRNO(20), M(1, 0xff00, 0x1200), C(0, EQ, 20));
		RULE(10, ERRNO(33), C(0, EQ, 0x100000001));
		RULE(11, ERRNO(4095), C(0, EQ, 0xfffffffffffffff0));
		break;
	case 1:
		/* two != on one argument: three rules, made == for libseccomp
		 */
		pol.default_action = ALLOW;
		RULE(1, ERRNO(1), C(0, NE, 5), C(0, NE, 7));
		break;
	case 2:
		/* one rule, < and > on two arguments: given as it is */
		pol.default_action = ERRNO(2);
		RULE(1, ALLOW, C(0, GT, 5), C(1, LT, 0x100000000));
		break;
	case 3:
		/* a rule without conditions decides every call */
		pol.default_action = ALLOW;
		RULE(1, ERRNO(7), C(0, EQ, 1));
		rule(2, ERRNO(3), 0, NULL);
		break;
	}
}

#define N_SAMPLES 4

/* Argument vectors: around the constants above, high halves included. */
static const uint64_t arg0s[] = {
	0,
	1,
	2,
	3,
	4,
	5,
	6,
	7,
	8,
	10,
	11,
	12,
	13,
	14,
	15,
	16,
	17,
	20,
	0x100000001,
	0x100000005,
	0xfffffffffffffff0,
	0xfffffff0,
	0x7fffffff00000003,
};
static const uint64_t arg1s[] = { 0, 0x1234, 0xff1200, 0xffffffff,
				  0x100000000 };

/*
 * The observable outcome of return value @ret for call @c, as
 * tests/kernel/check_oracle.c predicts it from kernel/seccomp.c:
 * __seccomp_filter(): getppid runs for ALLOW and LOG; ERRNO returns the
 * capped errno; TRACE and USER_NOTIF fail with ENOSYS with no tracer and
 * no listener; TRAP sends SIGSYS with the call rolled back; a kill kills.
 */
static void
predict(uint32_t ret, const struct oracle_call *c,
	const struct seccomp_data *sd, struct oracle_obs *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = ORACLE_OBS_RETURNED;
	switch (bpf_ret_action(ret)) {
	case BPF_ACT_ALLOW:
	case BPF_ACT_LOG:
		o->ret = getpid();
		break;
	case BPF_ACT_ERRNO:
		o->ret = -(int64_t)bpf_ret_errno(ret);
		break;
	case BPF_ACT_TRACE:
	case BPF_ACT_USER_NOTIF:
		o->ret = -ENOSYS;
		break;
	case BPF_ACT_TRAP:
		o->ret = c->nr;
		o->trapped = true;
		o->sig_code = 1; /* SYS_SECCOMP */
		o->sig_errno = (int)(ret & SECCOMP_RET_DATA);
		o->sig_syscall = sd->nr;
		o->sig_arch = sd->arch;
		o->sig_call_addr = oracle_call_ip(c->abi);
		o->sig_rip = oracle_call_ip(c->abi);
		break;
	case BPF_ACT_KILL_THREAD:
		if (c->mode == ORACLE_MODE_THREADED) {
			o->kind = ORACLE_OBS_THREAD_DIED;
			break;
		}
		/* FALLTHROUGH */
	case BPF_ACT_KILL_PROCESS:
	default:
		o->kind = ORACLE_OBS_KILLED;
		o->sig = SIGSYS;
		break;
	}
}

START_TEST(test_kernel)
{
	const struct arch_abi *const *abis;
	struct policy_compile_opts o;
	struct sock_filter *prog, *guarded;
	struct policy_plan *plan;
	struct policy_diag d;
	size_t len, glen, n_abis, i0, i1;
	unsigned runs = 0;
	int tree, a;

	policy_sample(_i);
	for (tree = 0; tree < 2; tree++) {
		memset(&o, 0, sizeof(o));
		o.tree = tree;
		if (policy_plan_new(&pol, &o, NULL, NULL, &plan, &d) < 0 ||
		    policy_plan_compile(plan, &prog, &len, &d) < 0)
			ck_abort_msg("policy %d: %s", _i, d.msg);
		n_abis = policy_plan_abis(plan, &abis);
		guarded = calloc(len + ORACLE_GUARD_LEN, sizeof(*guarded));
		ck_assert_ptr_nonnull(guarded);
		for (a = 0; a < 2; a++) {
			enum oracle_abi abi =
			    a ? ORACLE_ABI_I386 : ORACLE_ABI_X86_64;
			uint32_t nr = a ? ORACLE_NR_GETPPID_I386
					: ORACLE_NR_GETPPID_X86_64;

			if (abi == ORACLE_ABI_I386 && !oracle_i386_ok)
				continue;
			glen = oracle_guard(guarded, prog, len, nr);
			for (i0 = 0; i0 < sizeof(arg0s) / sizeof(arg0s[0]);
			     i0++)
				for (i1 = 0;
				     i1 < sizeof(arg1s) / sizeof(arg1s[0]);
				     i1++) {
					struct oracle_filter f = { guarded,
								   glen };
					struct oracle_call c;
					struct oracle_obs want, got;
					struct seccomp_data sd;
					struct ref_verdict ref;
					uint64_t args[6];
					uint32_t ret;
					char ws[200], gs[200];
					int err = 0, k;

					memset(&c, 0, sizeof(c));
					c.abi = abi;
					c.mode = (i0 + i1) % 3 == 0
						     ? ORACLE_MODE_THREADED
						     : ORACLE_MODE_SINGLE;
					c.nr = nr;
					c.args[0] = arg0s[i0];
					c.args[1] = arg1s[i1];
					c.args[2] = 0x3333;
					/* what the kernel shows the filter */
					oracle_call_data(&c, &sd);
					for (k = 0; k < 6; k++)
						args[k] = sd.args[k];
					ret = bpf_prog_run_naive(prog, len, &sd,
								 NULL);
					ref = ref_decide(&pol, abis, n_abis,
							 sd.arch,
							 (int32_t)sd.nr, args);
					if (ref.conflict || ref.action != ret)
						ck_abort_msg(
						    "policy %d, %s, arg0 0x%" PRIx64
						    " arg1 0x%" PRIx64
						    ": filter 0x%08x, reference 0x%08x",
						    _i, a ? "i386" : "x86_64",
						    args[0], args[1], ret,
						    ref.action);
					predict(ret, &c, &sd, &want);
					ck_assert_int_eq(
					    oracle_run(&f, 1, &c, &err, &got),
					    0);
					ck_assert_int_eq(err, 0);
					runs++;
					if (oracle_obs_equal(&want, &got))
						continue;
					oracle_obs_format(&want, ws,
							  sizeof(ws));
					oracle_obs_format(&got, gs, sizeof(gs));
					ck_abort_msg(
					    "policy %d (%s), %s, arg0 0x%" PRIx64
					    " arg1 0x%" PRIx64
					    ": the filter says 0x%08x, so %s; "
					    "the kernel did: %s",
					    _i, tree ? "tree" : "linear",
					    a ? "i386" : "x86_64", args[0],
					    args[1], ret, ws, gs);
				}
		}
		free(guarded);
		free(prog);
		policy_plan_free(plan);
	}
	ck_assert_uint_gt(runs, 0);
}
END_TEST

/* systemd's is_seccomp_available() probe, as check_oracle does it. */
static int
seccomp_probe(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(1);
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, NULL) <
			0 &&
		    errno == EFAULT)
			_exit(0);
		_exit(1);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 0 ? 0 : 1;
}

int
main(void)
{
	char *findings = NULL;
	SRunner *sr;
	Suite *s;
	TCase *tc;
	int r, failed;

	r = seccomp_probe();
	if (r != 0) {
		fprintf(stderr, "check_compile_kernel: skipped: seccomp "
				"filters are not available here\n");
		return r < 0 ? 99 : 77;
	}
	r = oracle_findings_probe(&findings);
	if (r < 0) {
		fprintf(stderr,
			"check_compile_kernel: cannot learn how the kernel "
			"fills seccomp_data: %s\n",
			strerror(-r));
		return 99;
	}
	fprintf(stderr, "check_compile_kernel: %s\n", findings);
	free(findings);
	policy_init(&pol);

	s = suite_create("compile_kernel");
	tc = tcase_create("kernel");
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, test_kernel, 0, N_SAMPLES);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	policy_free(&pol);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
