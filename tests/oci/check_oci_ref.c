/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_oci_ref: the filter sandboxd builds from an OCI profile decides
 * every call as runc's filter would.
 *
 * For Docker's default profile, Podman's, and tests/oci/good/ref-ops.json,
 * under several capability sets, native architectures and kernel
 * versions: load the profile with policy_load_oci(), compile it with
 * policy_compile(), and run the program through bpf_prog_run_naive() for
 * every syscall the profile names (and every other number up to the
 * highest), on each x86 ABI of its architectures (x86_64, i386 and x32),
 * with argument values around every constant the profile compares with
 * that call.  Each verdict must be the one tests/oci/ref.c computes from
 * the JSON on its own (see there for the runc, libseccomp and kernel
 * semantics it models, including i386's socketcall/ipc multiplexing and
 * the low-32-bit comparisons of the 32-bit ABIs).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <unistd.h>

#include <seccomp.h>

#include <linux/seccomp.h>

#include "bpf/bpf.h"
#include "policy/policy.h"
#include "ref.h"

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"
#define X32_BIT	       0x40000000

/* Docker's default capabilities (moby: oci/caps/defaults.go) */
#define DOCKER_CAPS                                                            \
	((1ULL << CAP_CHOWN) | (1ULL << CAP_DAC_OVERRIDE) |                    \
	 (1ULL << CAP_FSETID) | (1ULL << CAP_FOWNER) | (1ULL << CAP_MKNOD) |   \
	 (1ULL << CAP_NET_RAW) | (1ULL << CAP_SETGID) | (1ULL << CAP_SETUID) | \
	 (1ULL << CAP_SETFCAP) | (1ULL << CAP_SETPCAP) |                       \
	 (1ULL << CAP_NET_BIND_SERVICE) | (1ULL << CAP_SYS_CHROOT) |           \
	 (1ULL << CAP_KILL) | (1ULL << CAP_AUDIT_WRITE))

static char top_srcdir[4096];
static bool have_podman;

struct setup {
	const char *what;
	uint64_t caps;
	const char *native;
	const char *native_go;
	uint32_t token;
	const char *kernel;
	unsigned int kmajor, kminor;
};

static const struct setup setups[] = {
	{ "amd64, no caps", 0, "SCMP_ARCH_X86_64", "amd64", SCMP_ARCH_X86_64,
	  "6.1.0", 6, 1 },
	{ "amd64, Docker's caps", DOCKER_CAPS, "SCMP_ARCH_X86_64", "amd64",
	  SCMP_ARCH_X86_64, "6.1.0", 6, 1 },
	{ "amd64, all caps", ~0ULL, "SCMP_ARCH_X86_64", "amd64",
	  SCMP_ARCH_X86_64, "6.1.0", 6, 1 },
	{ "amd64, kernel 4.4", 0, "SCMP_ARCH_X86_64", "amd64", SCMP_ARCH_X86_64,
	  "4.4.0", 4, 4 },
	{ "x86, Docker's caps", DOCKER_CAPS, "SCMP_ARCH_X86", "x86",
	  SCMP_ARCH_X86, "6.1.0", 6, 1 },
};
#define N_SETUPS (sizeof(setups) / sizeof(setups[0]))

enum {
	PROFILE_DOCKER,
	PROFILE_REF_OPS,
	PROFILE_PODMAN,
	N_PROFILES
};

/* What one comparison run saw. */
struct tally {
	unsigned long calls, mismatches, ambiguous;
	unsigned long verdicts[8]; /* by action class, to see variety */
};

#define MAX_SAMPLES 256

static void
sample_add(uint64_t *v, size_t *n, uint64_t x)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (v[i] == x)
			return;
	if (*n < MAX_SAMPLES)
		v[(*n)++] = x;
}

/*
 * Values of argument @arg to try for call @nr: the edges of the 32- and
 * 64-bit ranges, and around every constant any rule of @nr (counting or
 * not) compares @arg with: value-1, value, value+1, the value with its
 * high half changed, and for MASKED_EQ the matching value, it with bits
 * outside the mask set, and it with a mask bit flipped.
 */
static void
samples_for(const struct ref_table *t, int32_t nr, unsigned int arg,
	    uint64_t *v, size_t *n)
{
	static const uint64_t edges[] = {
		0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, ~0ULL
	};
	size_t i, k;

	*n = 0;
	for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		sample_add(v, n, edges[i]);
	for (i = 0; i < t->n; i++) {
		if (t->r[i].nr != nr)
			continue;
		for (k = 0; k < t->r[i].n; k++) {
			const struct ref_cond *c = &t->r[i].c[k];
			uint64_t a = c->a, m = c->b & c->a;

			if (c->arg != arg)
				continue;
			sample_add(v, n, a - 1);
			sample_add(v, n, a);
			sample_add(v, n, a + 1);
			sample_add(v, n, a ^ 0xffffffff00000000ULL);
			sample_add(v, n, a & 0xffffffffULL);
			sample_add(v, n, a | 0x100000000ULL);
			if (c->op != REF_MASKED_EQ)
				continue;
			sample_add(v, n, c->b);
			sample_add(v, n, m);
			sample_add(v, n, m | ~a);
			sample_add(v, n, m ^ (a & -a));
			sample_add(v, n, ~a);
		}
	}
}

/* An argument vector that satisfies rule @r, near enough to sample from. */
static void
hit_vector(const struct ref_nrule *r, uint64_t args[6])
{
	size_t k;

	memset(args, 0, 6 * sizeof(args[0]));
	for (k = 0; k < r->n; k++) {
		const struct ref_cond *c = &r->c[k];

		switch (c->op) {
		case REF_EQ:
		case REF_LE:
		case REF_GE:
			args[c->arg] = c->a;
			break;
		case REF_NE:
		case REF_GT:
			args[c->arg] = c->a + 1;
			break;
		case REF_LT:
			args[c->arg] = c->a - 1;
			break;
		case REF_MASKED_EQ:
			args[c->arg] = c->b & c->a;
			break;
		}
	}
}

static unsigned int
action_class(uint32_t ret)
{
	switch (ret & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return 0;
	case SECCOMP_RET_ERRNO:
		return 1;
	case SECCOMP_RET_KILL_THREAD:
		return 2;
	case SECCOMP_RET_KILL_PROCESS:
		return 3;
	case SECCOMP_RET_TRAP:
		return 4;
	case SECCOMP_RET_TRACE:
		return 5;
	case SECCOMP_RET_LOG:
		return 6;
	default:
		return 7;
	}
}

struct run {
	const char *profile;
	const struct setup *s;
	const struct ref_profile *ref;
	const struct ref_table *t;
	const struct ref_abi *abi;
	const struct sock_filter *prog;
	size_t len;
	struct tally *tally;
};

static void
one_call(struct run *run, int32_t nr, const uint64_t args[6])
{
	struct seccomp_data sd;
	uint32_t got, want;
	bool amb;

	memset(&sd, 0, sizeof(sd));
	sd.nr = nr;
	sd.arch = run->abi->audit;
	memcpy(sd.args, args, sizeof(sd.args));
	want = ref_verdict(run->ref, run->t, run->abi, nr, args, &amb);
	got = bpf_prog_run_naive(run->prog, run->len, &sd, NULL);
	run->tally->calls++;
	run->tally->verdicts[action_class(want)]++;
	if (amb) {
		if (run->tally->ambiguous++ < 10)
			fprintf(
			    stderr,
			    "%s (%s): %s nr %d: rules with different actions match at once; no model of libseccomp decides it\n",
			    run->profile, run->s->what, run->abi->spec, nr);
		return;
	}
	if (got == want)
		return;
	if (run->tally->mismatches++ < 20)
		fprintf(
		    stderr,
		    "%s (%s): %s nr %d args 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx: filter 0x%08x, runc 0x%08x\n",
		    run->profile, run->s->what, run->abi->spec, nr,
		    (unsigned long long)args[0], (unsigned long long)args[1],
		    (unsigned long long)args[2], (unsigned long long)args[3],
		    (unsigned long long)args[4], (unsigned long long)args[5],
		    got, want);
}

/* Every sample of every argument of @nr, from each base vector. */
static void
one_number(struct run *run, int32_t nr)
{
	uint64_t bases[34][6], args[6], v[MAX_SAMPLES];
	size_t nb = 0, b, i, a, n;

	memset(bases[nb++], 0, sizeof(bases[0]));
	memset(bases[nb++], 0xff, sizeof(bases[0]));
	for (i = 0; i < run->t->n && nb < 34; i++)
		if (run->t->r[i].nr == nr)
			hit_vector(&run->t->r[i], bases[nb++]);
	for (a = 0; a < 6; a++) {
		samples_for(run->t, nr, (unsigned int)a, v, &n);
		for (b = 0; b < nb; b++) {
			memcpy(args, bases[b], sizeof(args));
			one_call(run, nr, args);
			for (i = 0; i < n; i++) {
				args[a] = v[i];
				one_call(run, nr, args);
			}
		}
	}
}

static void
check_abi(struct run *run)
{
	struct ref_table t;
	int32_t lo, hi, nr;
	char err[512];
	size_t i;

	ck_assert_msg(
	    ref_table_build(run->ref, run->abi, &t, err, sizeof(err)) == 0,
	    "%s", err);
	run->t = &t;
	/* every number up to past the highest the profile names */
	lo = run->abi->token == SCMP_ARCH_X32 ? X32_BIT : 0;
	hi = lo + 480;
	for (i = 0; i < t.n; i++)
		if (t.r[i].nr + 16 > hi)
			hi = t.r[i].nr + 16;
	for (nr = lo; nr <= hi; nr++)
		one_number(run, nr);
	ref_table_free(&t);
}

static void
profile_path(int which, char *buf, size_t size, const char **ret_name)
{
	switch (which) {
	case PROFILE_DOCKER:
		snprintf(buf, size, "%s/tests/data/docker-default.json",
			 top_srcdir);
		*ret_name = "docker-default.json";
		break;
	case PROFILE_REF_OPS:
		snprintf(buf, size, "%s/tests/oci/good/ref-ops.json",
			 top_srcdir);
		*ret_name = "ref-ops.json";
		break;
	default:
		snprintf(buf, size, "%s", PODMAN_PROFILE);
		*ret_name = "seccomp.json";
		break;
	}
}

START_TEST(test_verdicts)
{
	int which = _i / (int)N_SETUPS;
	const struct setup *s = &setups[_i % (int)N_SETUPS];
	struct policy_oci_opts o = { s->caps, s->token, s->kernel };
	struct ref_opts ro = { s->caps, s->native, s->native_go, s->kmajor,
			       s->kminor };
	struct sock_filter *prog = NULL;
	struct tally tally;
	struct ref_profile ref;
	struct policy_diag d;
	struct bpf_error berr;
	struct policy p;
	char path[4200], err[512], *text = NULL;
	const char *name;
	size_t len = 0, plen = 0, i, j, abis = 0;
	int r;

	profile_path(which, path, sizeof(path), &name);
	memset(&tally, 0, sizeof(tally));
	r = policy_read_file(path, 16 << 20, &text, &len);
	ck_assert_msg(r == 0, "%s: %s", path, strerror(-r));
	policy_init(&p);
	r = policy_load_oci(&p, name, text, len, &o, NULL, NULL, &d);
	ck_assert_msg(r == 0, "%s", d.msg);
	r = policy_compile(&p, NULL, &prog, &plen, &d);
	ck_assert_msg(r == 0, "policy_compile(%s, %s): %d: %s", name, s->what,
		      r, d.msg);
	ck_assert_msg(bpf_prog_check(prog, plen, &berr) == 0,
		      "the compiled program is invalid: %u: %s", berr.insn,
		      berr.msg);
	ck_assert_msg(ref_load(path, &ro, &ref, err, sizeof(err)) == 0, "%s",
		      err);

	for (i = 0; i < ref_abi_count; i++) {
		struct run run = { name,	 s,    &ref, NULL,
				   &ref_abis[i], prog, plen, &tally };

		for (j = 0; j < ref.n_arches; j++)
			if (!strcmp(ref.arches[j], ref_abis[i].spec))
				break;
		if (j == ref.n_arches)
			continue;
		check_abi(&run);
		abis++;
	}
	fprintf(
	    stderr,
	    "%s (%s): %lu calls on %zu ABIs (allow %lu, errno %lu, other %lu), %lu mismatches, %lu ambiguous\n",
	    name, s->what, tally.calls, abis, tally.verdicts[0],
	    tally.verdicts[1],
	    tally.calls - tally.verdicts[0] - tally.verdicts[1],
	    tally.mismatches, tally.ambiguous);
	/* the run did test something, and both ways */
	ck_assert_uint_ge(abis, 1);
	ck_assert_uint_gt(tally.verdicts[0], 100);
	ck_assert_uint_gt(tally.verdicts[1], 100);
	ck_assert_msg(tally.mismatches == 0 && tally.ambiguous == 0,
		      "%s (%s): %lu verdicts differ from runc's, %lu ambiguous",
		      name, s->what, tally.mismatches, tally.ambiguous);
	ref_free(&ref);
	free(prog);
	policy_free(&p);
	free(text);
}
END_TEST

/*
 * The reference itself, on cases worked out by hand from libseccomp's
 * source: if it drifted, the comparison above would prove nothing.
 */
START_TEST(test_reference)
{
	const struct ref_abi *x86_64 = &ref_abis[0], *i386 = &ref_abis[1],
			     *x32 = &ref_abis[2];
	const struct ref_cond lt4g = { 1, REF_LT, 0x100000000ULL, 0 };
	const struct ref_cond m = { 0, REF_MASKED_EQ, 0xff00, 0x1234 };
	uint64_t args[6] = { 0x3400, 5, 0, 0, 0, 0 }, sock[6] = { 0 };
	struct ref_rule rules[2];
	struct ref_profile p;
	struct ref_table t;
	char err[256];
	bool amb;

	ck_assert(x86_64->audit == x32->audit && !x86_64->bits32 &&
		  x32->bits32 && i386->multiplex);
	/* 64 bits: 5 < 2^32; low 32 bits: 5 < 0 never */
	ck_assert(ref_cond_match(&lt4g, x86_64, args));
	ck_assert(!ref_cond_match(&lt4g, x32, args));
	ck_assert(!ref_cond_match(&lt4g, i386, args));
	/* libseccomp masks valueTwo: 0x1234 & 0xff00 is 0x1200 */
	ck_assert(!ref_cond_match(&m, x86_64, args));
	args[0] = 0x12ff;
	ck_assert(ref_cond_match(&m, x86_64, args));
	args[0] = 0xffffffff000012ffULL;
	ck_assert(ref_cond_match(&m, x86_64, args));
	ck_assert(ref_cond_match(&m, i386, args));

	/*
	 * i386: socket(2) lands on socketcall(2) with argument 0 replaced
	 * and on the direct call as written; accept(2) only on socketcall.
	 */
	memset(&p, 0, sizeof(p));
	memset(rules, 0, sizeof(rules));
	rules[0].name = (char *)"socket";
	rules[0].action = SECCOMP_RET_ALLOW;
	rules[0].n = 2;
	rules[0].c[0] = (struct ref_cond){ 0, REF_EQ, 40, 0 };
	rules[0].c[1] = (struct ref_cond){ 2, REF_EQ, 9, 0 };
	rules[0].live = true;
	rules[1].name = (char *)"accept";
	rules[1].action = SECCOMP_RET_ERRNO | 1;
	rules[1].live = true;
	p.def = SECCOMP_RET_ERRNO | 38;
	p.rules = rules;
	p.n_rules = 2;
	ck_assert_int_eq(ref_table_build(&p, i386, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.n, 3);
	ck_assert_int_eq(t.r[0].nr, 102);
	ck_assert_uint_eq(t.r[0].n, 2);
	ck_assert(t.r[0].c[0].arg == 0 && t.r[0].c[0].a == 1);
	ck_assert(t.r[0].c[1].arg == 2 && t.r[0].c[1].a == 9);
	ck_assert_int_eq(t.r[1].nr, 359);
	ck_assert(t.r[1].c[0].arg == 0 && t.r[1].c[0].a == 40);
	ck_assert_int_eq(t.r[2].nr, 102);
	ck_assert(t.r[2].n == 1 && t.r[2].c[0].a == 5);
	sock[0] = 1;
	sock[2] = 9;
	ck_assert_uint_eq(ref_verdict(&p, &t, i386, 102, sock, &amb),
			  SECCOMP_RET_ALLOW);
	sock[0] = 40;
	ck_assert_uint_eq(ref_verdict(&p, &t, i386, 102, sock, &amb),
			  SECCOMP_RET_ERRNO | 38);
	ck_assert_uint_eq(ref_verdict(&p, &t, i386, 359, sock, &amb),
			  SECCOMP_RET_ALLOW);
	sock[0] = 5;
	ck_assert_uint_eq(ref_verdict(&p, &t, i386, 102, sock, &amb),
			  SECCOMP_RET_ERRNO | 1);
	ck_assert(!amb);
	ref_table_free(&t);
	/* x86_64 has both as calls of their own */
	ck_assert_int_eq(ref_table_build(&p, x86_64, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_int_eq(t.r[0].nr, seccomp_syscall_resolve_name_arch(
					SCMP_ARCH_X86_64, "socket"));
	ck_assert_int_eq(t.r[1].nr, seccomp_syscall_resolve_name_arch(
					SCMP_ARCH_X86_64, "accept"));
	ref_table_free(&t);
}
END_TEST

static Suite *
ref_suite(void)
{
	Suite *s = suite_create("oci_ref");
	TCase *tc = tcase_create("verdicts");

	tcase_add_test(tc, test_reference);
	tcase_add_loop_test(
	    tc, test_verdicts, 0,
	    (int)(N_SETUPS * (have_podman ? N_PROFILES : PROFILE_PODMAN)));
	tcase_set_timeout(tc, 240);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *top = getenv("abs_top_srcdir");
	SRunner *sr;
	int failed;

	snprintf(top_srcdir, sizeof(top_srcdir), "%s",
		 top ? top : OCI_TOP_SRCDIR);
	have_podman = access(PODMAN_PROFILE, R_OK) == 0;
	if (!have_podman)
		fprintf(
		    stderr,
		    "check_oci_ref: SKIP the Podman profile: %s is absent"
		    " (Debian: apt-get install golang-github-containers-common)\n",
		    PODMAN_PROFILE);
	sr = srunner_create(ref_suite());
#if defined(__SANITIZE_ADDRESS__)
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_NOFORK);
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
