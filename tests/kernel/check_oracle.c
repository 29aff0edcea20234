/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_oracle: the bpf engine against the running kernel's seccomp.
 *
 * Every case installs the same filters in a fresh child process (with
 * no_new_privs, so it runs as any user) and compares what the kernel did
 * with what src/bpf says it does:
 *  - acceptance: bpf_prog_check() against seccomp(2) for random, mutated
 *    and hand-made programs;
 *  - verdicts: bpf_chain_eval() against the observable outcome of a probe
 *    call (return value, SIGSYS and its siginfo, which thread or process
 *    died) for random programs and chains, on x86_64 and i386 (int $0x80);
 *  - hand-made edge cases, including the uprobe exception;
 *  - chain length accounting: where stacking hits ENOMEM.
 *
 * Random filters sit behind a guard that lets every call but the probe
 * through, so only the probe call is ever subject to a random program.
 *
 * Environment: ORACLE_SEED (default below) and ORACLE_SCALE (a factor on
 * the number of random cases, default 1) change the run; every mismatch
 * is saved as .bpf and .txt files under ORACLE_FAILDIR (default
 * ./oracle-failures) and named in the failure message.
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
#include "oracle.h"

#define DEFAULT_SEED 0x5eed2026c0ffee01ULL

/* One id per random test, so each draws its own sequence. */
enum test_id {
	T_ACCEPT_RANDOM = 1,
	T_ACCEPT_MUTATED,
	T_VERDICT_RANDOM,
	T_VERDICT_CHAIN,
	T_STACK_MIXED,
};

static uint64_t cfg_seed = DEFAULT_SEED;
static double cfg_scale = 1.0;
static const char *cfg_faildir = "oracle-failures";

static unsigned int
scaled(unsigned int base)
{
	double v = base * cfg_scale;

	return v < 1 ? 1 : (unsigned int)v;
}

static void
case_rng(struct oracle_rng *r, enum test_id t, unsigned int idx)
{
	oracle_rng_seed(r, cfg_seed ^ (uint64_t)t << 56 ^
			       (uint64_t)(idx + 1) * 0xd1342543de82ef95ULL);
}

/*
 * Mismatch bookkeeping: each is saved as files, and the test fails at the
 * end naming them, so one run reports all of them.
 */
struct fails {
	unsigned int n;
	bool truncated;
	char list[1200];
};

static void
fails_note(struct fails *fl, const char *name)
{
	size_t used = strlen(fl->list);

	fl->n++;
	if (used + strlen(name) + 3 >= sizeof(fl->list)) {
		fl->truncated = true;
		return;
	}
	snprintf(fl->list + used, sizeof(fl->list) - used, "%s%s",
		 used ? ", " : "", name);
}

static void
fails_check(const struct fails *fl, const char *what)
{
	ck_assert_msg(
	    fl->n == 0,
	    "%u %s case(s) where the engine and the kernel differ (ORACLE_SEED=0x%016" PRIx64
	    "), saved under %s/: %s%s",
	    fl->n, what, cfg_seed, cfg_faildir, fl->list,
	    fl->truncated ? ", ..." : "");
}

static int
mkdir_p(const char *path)
{
	char buf[1024];
	size_t i;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (i = 1; buf[i]; i++) {
		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0777) < 0 && errno != EEXIST)
			return -errno;
		buf[i] = '/';
	}
	if (mkdir(buf, 0777) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static void
print_prog(FILE *out, const struct sock_filter *p, size_t len)
{
	char *text = NULL;
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(out, "  %4zu: { 0x%04x, %3u, %3u, 0x%08x }\n", i,
			p[i].code, p[i].jt, p[i].jf, p[i].k);
	if (len && bpf_text_disasm(p, len, &text) == 0) {
		fprintf(out, "  disassembled:\n%s", text);
		free(text);
	}
}

static void
print_data(FILE *out, const struct seccomp_data *sd)
{
	size_t i;

	fprintf(
	    out,
	    "seccomp_data: nr=%d arch=0x%08x instruction_pointer=0x%016llx\n",
	    sd->nr, sd->arch, (unsigned long long)sd->instruction_pointer);
	for (i = 0; i < 6; i++)
		fprintf(out, "  args[%zu]=0x%016llx\n", i,
			(unsigned long long)sd->args[i]);
}

/*
 * Save one mismatch: one .bpf per filter, exactly the instructions given to
 * seccomp(2) in host byte order, and a .txt with @text and the listings.
 */
static void
save_case(struct fails *fl, const char *kind, unsigned int idx,
	  const struct oracle_filter *f, size_t nf, const char *text)
{
	char name[128], path[1200];
	FILE *out;
	size_t i;
	int r;

	snprintf(name, sizeof(name), "%s-%016" PRIx64 "-%u", kind, cfg_seed,
		 idx);
	r = mkdir_p(cfg_faildir);
	if (r < 0) {
		fprintf(stderr, "check_oracle: cannot create %s: %s\n",
			cfg_faildir, strerror(-r));
		fails_note(fl, name);
		return;
	}
	for (i = 0; i < nf; i++) {
		if (nf == 1)
			snprintf(path, sizeof(path), "%s/%s.bpf", cfg_faildir,
				 name);
		else
			snprintf(path, sizeof(path), "%s/%s-f%zu.bpf",
				 cfg_faildir, name, i);
		out = fopen(path, "we");
		if (!out)
			continue;
		if (f[i].len)
			fwrite(f[i].insns, sizeof(*f[i].insns), f[i].len, out);
		fclose(out);
	}
	snprintf(path, sizeof(path), "%s/%s.txt", cfg_faildir, name);
	out = fopen(path, "we");
	if (out) {
		fprintf(out,
			"case: %s\nreproduce: ORACLE_SEED=0x%016" PRIx64
			" (case index %u of this kind)\n",
			name, cfg_seed, idx);
		fputs(text, out);
		for (i = 0; i < nf; i++) {
			fprintf(
			    out,
			    "\nfilter %zu (%s), %zu instructions, as given to seccomp(2):\n",
			    i, nf == 1 ? "the .bpf file" : "the -f<N>.bpf file",
			    f[i].len);
			print_prog(out, f[i].insns, f[i].len);
		}
		fclose(out);
	}
	fails_note(fl, name);
}

/* What a probe call does when it runs: getppid or ENOSYS. */
static void
obs_ran(const struct oracle_call *c, struct oracle_obs *o)
{
	uint32_t getppid_nr = c->abi == ORACLE_ABI_I386
				  ? ORACLE_NR_GETPPID_I386
				  : ORACLE_NR_GETPPID_X86_64;

	memset(o, 0, sizeof(*o));
	o->kind = ORACLE_OBS_RETURNED;
	o->ret = c->nr == getppid_nr ? getpid() : -ENOSYS;
}

/*
 * The observable outcome of return value @ret for call @c, by
 * kernel/seccomp.c: __seccomp_filter() and the spec's section 5.3.
 * @ran: what the call does when it is allowed to run.
 */
static void
predict(uint32_t ret, const struct oracle_call *c,
	const struct seccomp_data *sd, const struct oracle_obs *ran,
	struct oracle_obs *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = ORACLE_OBS_RETURNED;
	switch (bpf_ret_action(ret)) {
	case BPF_ACT_ALLOW:
	case BPF_ACT_LOG:
		*o = *ran;
		break;
	case BPF_ACT_ERRNO:
		o->ret = -(int64_t)bpf_ret_errno(ret);
		break;
	case BPF_ACT_TRACE:
	case BPF_ACT_USER_NOTIF:
		/* no tracer, no listener */
		o->ret = -ENOSYS;
		break;
	case BPF_ACT_TRAP:
		if (c->mode == ORACLE_MODE_BLOCKED ||
		    c->mode == ORACLE_MODE_IGNORED) {
			o->kind = ORACLE_OBS_KILLED;
			o->sig = SIGSYS;
			break;
		}
		/* the call is rolled back: rax holds the number again */
		o->ret = c->nr;
		o->trapped = true;
		o->sig_code = SYS_SECCOMP;
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
		/* the only thread: as KILL_PROCESS */
		/* FALLTHROUGH */
	case BPF_ACT_KILL_PROCESS:
	default:
		o->kind = ORACLE_OBS_KILLED;
		o->sig = SIGSYS;
		break;
	}
}

static const char *
abi_name(enum oracle_abi abi)
{
	return abi == ORACLE_ABI_I386 ? "i386 (int $0x80)" : "x86_64 (syscall)";
}

static const char *
mode_name(enum oracle_mode m)
{
	switch (m) {
	case ORACLE_MODE_SINGLE:
		return "single thread, SIGSYS caught";
	case ORACLE_MODE_BLOCKED:
		return "single thread, SIGSYS blocked";
	case ORACLE_MODE_IGNORED:
		return "single thread, SIGSYS ignored";
	case ORACLE_MODE_THREADED:
	default:
		return "probe in a second thread, SIGSYS caught";
	}
}

/*
 * The engine's side of a case: stack the filters with bpf_filter_new() on
 * the host's cache layout.  @ret_res gets each one's result.
 * Returns the top of the chain (caller unrefs), or NULL if none was taken.
 */
static struct bpf_filter *
engine_chain(const struct oracle_filter *f, size_t n, int *ret_res)
{
	const struct bpf_cache_layout *layout = arch_cache_layout_host();
	struct bpf_filter *top = NULL, *nf;
	size_t i;

	for (i = 0; i < n; i++) {
		ret_res[i] = bpf_filter_new(top, f[i].insns, f[i].len, layout,
					    0, &nf, NULL);
		if (ret_res[i] == 0) {
			bpf_filter_unref(top);
			top = nf;
		}
	}
	return top;
}

/* Counters for the summary each random test prints. */
struct tally {
	unsigned int cases;
	unsigned int kinds[ORACLE_OBS_TIMEOUT + 1];
	unsigned int trapped;
	unsigned int actions[BPF_ACT_ALLOW + 1];
	unsigned int refused;
	unsigned int cached;
};

static void
tally_print(const struct tally *t, const char *what)
{
	fprintf(
	    stderr,
	    "check_oracle: %s: %u cases; kernel outcomes: %u returned (%u after SIGSYS), %u thread deaths, %u process kills, %u other; engine actions: KILL_PROCESS %u, KILL_THREAD %u, TRAP %u, ERRNO %u, USER_NOTIF %u, TRACE %u, LOG %u, ALLOW %u; %u cases with a refused filter; %u decided by the action cache\n",
	    what, t->cases, t->kinds[ORACLE_OBS_RETURNED], t->trapped,
	    t->kinds[ORACLE_OBS_THREAD_DIED], t->kinds[ORACLE_OBS_KILLED],
	    t->kinds[ORACLE_OBS_EXITED] + t->kinds[ORACLE_OBS_TIMEOUT],
	    t->actions[BPF_ACT_KILL_PROCESS], t->actions[BPF_ACT_KILL_THREAD],
	    t->actions[BPF_ACT_TRAP], t->actions[BPF_ACT_ERRNO],
	    t->actions[BPF_ACT_USER_NOTIF], t->actions[BPF_ACT_TRACE],
	    t->actions[BPF_ACT_LOG], t->actions[BPF_ACT_ALLOW], t->refused,
	    t->cached);
}

/*
 * Judge one verdict case the kernel has run: @kerr and @kobs are what
 * oracle_run() reported for filters @f and call @c.  The engine stacks the
 * same filters and evaluates the same call; @ran says what the call does
 * when it runs.  A disagreement in acceptance or in outcome is saved.
 * Returns true if they agreed.
 */
static bool
verdict_judge(struct fails *fl, const char *kind, unsigned int idx,
	      const struct oracle_filter *f, size_t n,
	      const struct oracle_call *c, const struct oracle_obs *ran,
	      const int *kerr, const struct oracle_obs *kobs, struct tally *t)
{
	const struct bpf_filter *match = NULL;
	int eres[ORACLE_MAX_CHAIN];
	struct bpf_filter *top;
	struct oracle_obs eobs;
	struct seccomp_data sd;
	bool same_accept = true, ok;
	char kbuf[400], ebuf[400];
	char *text = NULL;
	size_t i, size = 0;
	uint32_t ret = SECCOMP_RET_ALLOW;
	FILE *out;

	ck_assert_uint_le(n, ORACLE_MAX_CHAIN);
	oracle_call_data(c, &sd);
	top = engine_chain(f, n, eres);
	for (i = 0; i < n; i++)
		if ((kerr[i] == 0) != (eres[i] == 0) ||
		    (kerr[i] && kerr[i] != -eres[i]))
			same_accept = false;
	if (top)
		ret = bpf_chain_eval(top, &sd, &match);
	predict(ret, c, &sd, ran, &eobs);
	ok = same_accept && oracle_obs_equal(kobs, &eobs);

	if (t) {
		t->cases++;
		t->kinds[kobs->kind]++;
		t->trapped += kobs->trapped;
		t->actions[bpf_ret_action(ret)]++;
		t->cached += top && bpf_filter_cached(top, sd.arch, sd.nr);
		for (i = 0; i < n; i++)
			if (kerr[i]) {
				t->refused++;
				break;
			}
	}
	if (ok)
		goto out;

	out = open_memstream(&text, &size);
	ck_assert_ptr_nonnull(out);
	fprintf(out, "what: %s\n",
		same_accept
		    ? "the outcome of the probe call differs"
		    : "seccomp(2) and bpf_filter_new() disagree on a filter");
	fprintf(out, "probe: %s nr %u, %s\n", abi_name(c->abi), c->nr,
		mode_name(c->mode));
	for (i = 0; i < 6; i++)
		fprintf(out, "  register arg %zu = 0x%016llx\n", i,
			(unsigned long long)c->args[i]);
	print_data(out, &sd);
	fprintf(
	    out,
	    "filters, installed in this order (guarded ones start with the %d-instruction guard for nr %u):\n",
	    ORACLE_GUARD_LEN, c->nr);
	for (i = 0; i < n; i++) {
		fprintf(out, "  filter %zu: kernel %s, engine %s", i,
			kerr[i] ? strerror(kerr[i]) : "accepted",
			eres[i] ? strerror(-eres[i]) : "accepted");
		if (eres[i] == 0)
			fprintf(out, ", returns 0x%08x (reference interpreter)",
				bpf_prog_run_naive(f[i].insns, f[i].len, &sd,
						   NULL));
		fputc('\n', out);
	}
	oracle_obs_format(kobs, kbuf, sizeof(kbuf));
	oracle_obs_format(&eobs, ebuf, sizeof(ebuf));
	fprintf(out, "kernel: %s\n", kbuf);
	fprintf(out, "engine: bpf_chain_eval() = 0x%08x (%s%s); so %s\n", ret,
		bpf_action_name(bpf_ret_action(ret)),
		bpf_ret_known(ret) ? "" : ", unknown action", ebuf);
	if (match)
		fprintf(out, "  the winner is the filter at depth %u of %u\n",
			bpf_filter_depth(match), bpf_filter_depth(top));
	if (top)
		fprintf(
		    out, "  the action cache says %s for this nr and arch\n",
		    bpf_filter_cached(top, sd.arch, sd.nr) ? "ALLOW"
							   : "run the filters");
	fclose(out);
	save_case(fl, kind, idx, f, n, text);
	free(text);
out:
	bpf_filter_unref(top);
	return ok;
}

/* verdict_judge() on a case run right now; @ret_kernel may be NULL. */
static bool
verdict_case(struct fails *fl, const char *kind, unsigned int idx,
	     const struct oracle_filter *f, size_t n,
	     const struct oracle_call *c, const struct oracle_obs *ran,
	     struct oracle_obs *ret_kernel)
{
	int kerr[ORACLE_MAX_CHAIN];
	struct oracle_obs kobs;
	int r;

	r = oracle_run(f, n, c, kerr, &kobs);
	ck_assert_msg(r == 0, "harness failure: %s", strerror(-r));
	if (ret_kernel)
		*ret_kernel = kobs;
	return verdict_judge(fl, kind, idx, f, n, c, ran, kerr, &kobs, NULL);
}

/*
 * struct vcase - storage for one random verdict case while its child
 * runs; one per slot.
 */
struct vcase {
	struct sock_filter progs[5][256 + ORACLE_GUARD_LEN];
	struct oracle_filter f[5];
	size_t nf;
	struct oracle_call c;
	struct oracle_obs ran;
};

static struct vcase vcases[ORACLE_MAX_SLOTS];

/* Run vcases[0..@m-1] side by side, cases @first.. of @kind, and judge. */
static void
verdict_batch(struct fails *fl, const char *kind, unsigned int first,
	      unsigned int m, struct tally *t)
{
	int kerr[ORACLE_MAX_CHAIN];
	struct oracle_obs kobs;
	unsigned int s;
	int r;

	for (s = 0; s < m; s++) {
		r = oracle_run_start(s, vcases[s].f, vcases[s].nf,
				     &vcases[s].c);
		ck_assert_msg(r == 0, "harness failure: %s", strerror(-r));
	}
	for (s = 0; s < m; s++) {
		r = oracle_run_finish(s, kerr, &kobs);
		ck_assert_msg(r == 0, "harness failure: %s", strerror(-r));
		verdict_judge(fl, kind, first + s, vcases[s].f, vcases[s].nf,
			      &vcases[s].c, &vcases[s].ran, kerr, &kobs, t);
	}
}

/* ---- acceptance ---- */

/*
 * struct acase - one acceptance case while its child runs; one per slot.
 * @body is the program; @g is it behind the guard, which is what the
 * kernel gets.  The guard cannot change the verdict: its jumps stay inside
 * it, the body's are relative, and after it the scratch-memory check's
 * valid set is empty, as it is at pc 0 (kernel: check_load_and_stores()
 * starts from memvalid = 0, and the guard's JEQ clears its targets' masks).
 */
struct acase {
	struct sock_filter body[CBPF_MAXINSNS + 16];
	size_t len;
	struct sock_filter g[CBPF_MAXINSNS + 16 + ORACLE_GUARD_LEN];
	size_t glen;
};

static struct acase acases[ORACLE_MAX_SLOTS];

static void
accept_judge(struct fails *fl, const char *kind, unsigned int idx,
	     struct acase *a, int kerr, unsigned int *accepted)
{
	struct oracle_filter f = { a->g, a->glen };
	struct bpf_error eg_err, es_err;
	char *text = NULL;
	size_t size = 0;
	int eg, es;
	bool ok;
	FILE *out;

	eg = bpf_prog_check(a->g, a->glen, &eg_err);
	es = bpf_prog_check(a->body, a->len, &es_err);
	ok = (kerr == 0) == (eg == 0) && (kerr == 0 || kerr == -eg);
	/* past 4092 the guard itself crosses BPF_MAXINSNS */
	if (a->len + ORACLE_GUARD_LEN <= CBPF_MAXINSNS &&
	    (eg == 0) != (es == 0))
		ok = false;
	if (kerr == 0)
		(*accepted)++;
	if (ok)
		return;

	out = open_memstream(&text, &size);
	ck_assert_ptr_nonnull(out);
	fprintf(
	    out,
	    "what: acceptance differs (the .bpf file is the guarded program; the body starts at instruction %d)\n",
	    ORACLE_GUARD_LEN);
	fprintf(out, "kernel: seccomp(2) %s\n",
		kerr ? strerror(kerr) : "accepted it");
	fprintf(out, "engine, guarded: %s", eg ? strerror(-eg) : "accepted");
	if (eg)
		fprintf(out, " at instruction %u: %s", eg_err.insn, eg_err.msg);
	fprintf(out, "\nengine, body alone: %s",
		es ? strerror(-es) : "accepted");
	if (es)
		fprintf(out, " at instruction %u: %s", es_err.insn, es_err.msg);
	fputc('\n', out);
	fclose(out);
	save_case(fl, kind, idx, &f, 1, text);
	free(text);
}

/* Run acases[0..@m-1] side by side, cases @first.. of @kind, and judge. */
static void
accept_batch(struct fails *fl, const char *kind, unsigned int first,
	     unsigned int m, unsigned int *accepted)
{
	unsigned int s;
	int r, kerr;

	for (s = 0; s < m; s++) {
		acases[s].glen =
		    oracle_guard(acases[s].g, acases[s].body, acases[s].len,
				 ORACLE_NR_UNALLOCATED);
		r = oracle_accept_start(s, acases[s].g, acases[s].glen);
		ck_assert_msg(r == 0, "harness failure: %s", strerror(-r));
	}
	for (s = 0; s < m; s++) {
		r = oracle_accept_finish(s, &kerr);
		ck_assert_msg(r == 0, "harness failure: %s", strerror(-r));
		accept_judge(fl, kind, first + s, &acases[s], kerr, accepted);
	}
}

START_TEST(test_accept_random)
{
	struct oracle_gen_opts opts = { 0 };
	unsigned int n = scaled(2000), slots = oracle_slots(), accepted = 0;
	unsigned int i, s, m;
	struct fails fl = { 0 };
	struct oracle_rng r;

	for (i = 0; i < n; i += m) {
		m = n - i < slots ? n - i : slots;
		for (s = 0; s < m; s++) {
			case_rng(&r, T_ACCEPT_RANDOM, i + s);
			opts.maxlen = CBPF_MAXINSNS - ORACLE_GUARD_LEN;
			/* every other program loads scratch words carelessly */
			opts.loose = (i + s) % 2;
			acases[s].len =
			    oracle_gen_prog(&r, &opts, acases[s].body);
		}
		accept_batch(&fl, "accept", i, m, &accepted);
	}
	fprintf(
	    stderr,
	    "check_oracle: acceptance, generated: %u programs, %u accepted by the kernel\n",
	    n, accepted);
	fails_check(&fl, "acceptance");
}
END_TEST

START_TEST(test_accept_mutated)
{
	struct oracle_gen_opts opts = { 0 };
	unsigned int n = scaled(3000), slots = oracle_slots(), accepted = 0;
	unsigned int i, s, m;
	struct fails fl = { 0 };
	struct oracle_rng r;
	struct acase *a;

	for (i = 0; i < n; i += m) {
		m = n - i < slots ? n - i : slots;
		for (s = 0; s < m; s++) {
			a = &acases[s];
			case_rng(&r, T_ACCEPT_MUTATED, i + s);
			opts.maxlen =
			    oracle_rng_below(&r, 10) ? 48 : CBPF_MAXINSNS - 8;
			opts.loose = oracle_rng_below(&r, 2);
			a->len = oracle_gen_prog(&r, &opts, a->body);
			a->len =
			    oracle_mutate(&r, a->body, a->len, CBPF_MAXINSNS);
		}
		accept_batch(&fl, "mutated", i, m, &accepted);
	}
	fprintf(
	    stderr,
	    "check_oracle: acceptance, mutated: %u programs, %u accepted by the kernel\n",
	    n, accepted);
	fails_check(&fl, "mutated-program acceptance");
}
END_TEST

/*
 * Unguarded programs at the edges.  Each either is refused or returns
 * ALLOW for every call, so the child can still exit once it is installed.
 */
struct edge {
	const char *name;
	struct sock_filter insns[9];
	size_t n;   /* instructions given above */
	size_t len; /* total; RET ALLOW fills the rest */
};

#define ST(c, k)	BPF_STMT((c), (k))
#define JMP(c, k, t, f) BPF_JUMP((c), (k), (t), (f))
#define RETK(v)		BPF_STMT(BPF_RET | BPF_K, (v))
#define RET_ALLOW	RETK(SECCOMP_RET_ALLOW)
#define LD_ABS(k)	ST(BPF_LD | BPF_W | BPF_ABS, (k))
#define RAW(c, t, f, k)            \
	{                          \
		(c), (t), (f), (k) \
	}

/* clang-format off */
static const struct edge edges[] = {
	{ "empty program", { { 0 } }, 0, 0 },
	{ "one RET", { RET_ALLOW }, 1, 1 },
	{ "4096 instructions", { RET_ALLOW }, 1, 4096 },
	{ "4097 instructions", { RET_ALLOW }, 1, 4097 },
	{ "JA to the last of 4096", { ST(BPF_JMP | BPF_JA, 4094) }, 1, 4096 },
	{ "JA past the last of 4096", { ST(BPF_JMP | BPF_JA, 4095) }, 1, 4096 },
	{ "JA 0", { ST(BPF_JMP | BPF_JA, 0), RET_ALLOW }, 2, 2 },
	{ "JA 1 off the end", { ST(BPF_JMP | BPF_JA, 1), RET_ALLOW }, 2, 2 },
	{ "JA k = 0xffffffff", { ST(BPF_JMP | BPF_JA, 0xffffffff), RET_ALLOW },
	  2, 2 },
	{ "JEQ jt = jf = 0", { JMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 0), RET_ALLOW },
	  2, 2 },
	{ "JEQ jt off the end", { JMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0), RET_ALLOW },
	  2, 2 },
	{ "JSET jf off the end", { JMP(BPF_JMP | BPF_JSET | BPF_X, 0, 0, 1), RET_ALLOW },
	  2, 2 },
	{ "last instruction not RET", { RET_ALLOW, ST(BPF_LD | BPF_IMM, 0) }, 2, 2 },
	{ "RET X last", { RAW(BPF_RET | BPF_X, 0, 0, SECCOMP_RET_ALLOW) }, 1, 1 },
	{ "RET K with jt and jf set", { RAW(BPF_RET | BPF_K, 7, 9, SECCOMP_RET_ALLOW) },
	  1, 1 },
	{ "RET A with k set",
	  { ST(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW),
	    RAW(BPF_RET | BPF_A, 1, 2, 0xdead) },
	  2, 2 },
	{ "LD LEN with k, jt, jf set", { RAW(BPF_LD | BPF_W | BPF_LEN, 3, 9, 5), RET_ALLOW },
	  2, 2 },
	{ "TAX and TXA with fields set",
	  { RAW(BPF_MISC | BPF_TAX, 200, 255, 0xffffffff),
	    RAW(BPF_MISC | BPF_TXA, 1, 1, 1), RET_ALLOW },
	  3, 3 },
	{ "NEG with k set", { RAW(BPF_ALU | BPF_NEG, 0, 0, 77), RET_ALLOW }, 2, 2 },
	{ "NEG X (0x8c)", { RAW(BPF_ALU | BPF_NEG | BPF_X, 0, 0, 0), RET_ALLOW },
	  2, 2 },
	{ "load offset 60", { LD_ABS(60), RET_ALLOW }, 2, 2 },
	{ "load offset 62", { LD_ABS(62), RET_ALLOW }, 2, 2 },
	{ "load offset 64", { LD_ABS(64), RET_ALLOW }, 2, 2 },
	{ "load offset 2", { LD_ABS(2), RET_ALLOW }, 2, 2 },
	{ "load offset SKF_AD_OFF", { LD_ABS(0xfffff000), RET_ALLOW }, 2, 2 },
	{ "load offset SKF_AD_OFF + 4", { LD_ABS(0xfffff004), RET_ALLOW }, 2, 2 },
	{ "LD|H|ABS", { ST(BPF_LD | BPF_H | BPF_ABS, 0), RET_ALLOW }, 2, 2 },
	{ "LD|B|ABS", { ST(BPF_LD | BPF_B | BPF_ABS, 0), RET_ALLOW }, 2, 2 },
	{ "LD|W|IND", { ST(BPF_LD | BPF_W | BPF_IND, 0), RET_ALLOW }, 2, 2 },
	{ "LD|H|IND", { ST(BPF_LD | BPF_H | BPF_IND, 0), RET_ALLOW }, 2, 2 },
	{ "LD|B|IND", { ST(BPF_LD | BPF_B | BPF_IND, 0), RET_ALLOW }, 2, 2 },
	{ "LDX|B|MSH", { ST(BPF_LDX | BPF_B | BPF_MSH, 0), RET_ALLOW }, 2, 2 },
	{ "MOD K", { ST(BPF_ALU | BPF_MOD | BPF_K, 3), RET_ALLOW }, 2, 2 },
	{ "MOD X", { ST(BPF_ALU | BPF_MOD | BPF_X, 0), RET_ALLOW }, 2, 2 },
	{ "opcode 0xff", { RAW(0xff, 0, 0, 0), RET_ALLOW }, 2, 2 },
	{ "opcode 0x106", { RAW(0x106, 0, 0, SECCOMP_RET_ALLOW) }, 1, 1 },
	{ "DIV K 0", { ST(BPF_ALU | BPF_DIV | BPF_K, 0), RET_ALLOW }, 2, 2 },
	{ "DIV K 1", { ST(BPF_ALU | BPF_DIV | BPF_K, 1), RET_ALLOW }, 2, 2 },
	{ "MOD K 0", { ST(BPF_ALU | BPF_MOD | BPF_K, 0), RET_ALLOW }, 2, 2 },
	{ "LSH K 31", { ST(BPF_ALU | BPF_LSH | BPF_K, 31), RET_ALLOW }, 2, 2 },
	{ "LSH K 32", { ST(BPF_ALU | BPF_LSH | BPF_K, 32), RET_ALLOW }, 2, 2 },
	{ "RSH K 0xffffffff", { ST(BPF_ALU | BPF_RSH | BPF_K, 0xffffffff), RET_ALLOW },
	  2, 2 },
	{ "ST M[16]", { ST(BPF_ST, 16), RET_ALLOW }, 2, 2 },
	{ "STX M[15]", { ST(BPF_STX, 15), RET_ALLOW }, 2, 2 },
	{ "LD M[16] after ST M[0]", { ST(BPF_ST, 0), ST(BPF_LD | BPF_MEM, 16), RET_ALLOW },
	  3, 3 },
	{ "LDX M[0xffffffff]", { ST(BPF_LDX | BPF_MEM, 0xffffffff), RET_ALLOW },
	  2, 2 },
	/* the scratch-memory data-flow check */
	{ "scratch load at pc 0", { ST(BPF_LD | BPF_MEM, 0), RET_ALLOW }, 2, 2 },
	{ "LDX scratch load at pc 0", { ST(BPF_LDX | BPF_MEM, 15), RET_ALLOW },
	  2, 2 },
	{ "store then load",
	  { ST(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW), ST(BPF_ST, 3),
	    ST(BPF_LD | BPF_MEM, 3), ST(BPF_RET | BPF_A, 0) },
	  4, 4 },
	{ "STX then LDX",
	  { ST(BPF_LDX | BPF_IMM, SECCOMP_RET_ALLOW), ST(BPF_STX, 7),
	    ST(BPF_LDX | BPF_MEM, 7), ST(BPF_MISC | BPF_TXA, 0),
	    ST(BPF_RET | BPF_A, 0) },
	  5, 5 },
	{ "store one word, load another",
	  { ST(BPF_ST, 3), ST(BPF_LD | BPF_MEM, 4), RET_ALLOW },
	  3, 3 },
	{ "load in dead code after JA",
	  { ST(BPF_JMP | BPF_JA, 1), ST(BPF_LD | BPF_MEM, 5), RET_ALLOW },
	  3, 3 },
	{ "load in dead code after RET",
	  { RET_ALLOW, ST(BPF_LD | BPF_MEM, 0), RET_ALLOW },
	  3, 3 },
	{ "store on one branch only",
	  { LD_ABS(0), JMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 0, 1),
	    ST(BPF_ST, 2),
	    ST(BPF_LD | BPF_MEM, 2), RET_ALLOW },
	  5, 5 },
	{ "store before a jump with jt = jf = 0",
	  { ST(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW), ST(BPF_ST, 0), LD_ABS(0),
	    JMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0), ST(BPF_LD | BPF_MEM, 0),
	    ST(BPF_RET | BPF_A, 0) },
	  6, 6 },
	{ "store on both branches",
	  { LD_ABS(0), JMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 0, 2),
	    ST(BPF_ST, 4),
	    ST(BPF_JMP | BPF_JA, 1), ST(BPF_ST, 4), ST(BPF_LD | BPF_MEM, 4),
	    RET_ALLOW },
	  7, 7 },
	{ "different words on the two branches",
	  { LD_ABS(0), JMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 0, 2),
	    ST(BPF_ST, 4),
	    ST(BPF_JMP | BPF_JA, 1), ST(BPF_ST, 5), ST(BPF_LD | BPF_MEM, 4),
	    RET_ALLOW },
	  7, 7 },
	{ "store after the jump that skips it",
	  { LD_ABS(0), JMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 1, 0),
	    ST(BPF_ST, 9),
	    ST(BPF_LDX | BPF_MEM, 9), RET_ALLOW },
	  5, 5 },
};
/* clang-format on */

START_TEST(test_accept_edge)
{
	static struct sock_filter prog[CBPF_MAXINSNS + 1];
	const struct edge *e = &edges[_i];
	struct oracle_filter f = { prog, e->len };
	struct bpf_error err;
	int kerr, r, eres;
	size_t i;

	memset(prog, 0, sizeof(prog));
	memcpy(prog, e->insns, e->n * sizeof(*prog));
	for (i = e->n; i < e->len; i++)
		prog[i] = (struct sock_filter)RET_ALLOW;
	r = oracle_kernel_accepts(prog, e->len, &kerr);
	ck_assert_msg(r == 0, "harness failure: %s", strerror(-r));
	eres = bpf_prog_check(prog, e->len, &err);
	fprintf(stderr, "check_oracle: edge \"%s\": kernel %s, engine %s\n",
		e->name, kerr ? strerror(kerr) : "accepts",
		eres ? strerror(-eres) : "accepts");
	if ((kerr == 0) != (eres == 0) || (kerr && kerr != -eres)) {
		struct fails fl = { 0 };
		char text[600];

		snprintf(
		    text, sizeof(text),
		    "what: acceptance of the hand-made program \"%s\" (not guarded)\nkernel: %s\nengine: %s%s%s\n",
		    e->name, kerr ? strerror(kerr) : "accepted",
		    eres ? strerror(-eres) : "accepted", eres ? ": " : "",
		    eres ? err.msg : "");
		save_case(&fl, "edge", (unsigned int)_i, &f, 1, text);
		ck_abort_msg("\"%s\": kernel %s, engine %s; saved as %s/%s",
			     e->name, kerr ? strerror(kerr) : "accepts",
			     eres ? err.msg : "accepts", cfg_faildir, fl.list);
	}
}
END_TEST

/* ---- verdicts ---- */

static void
random_call(struct oracle_rng *r, struct oracle_call *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->abi = oracle_i386_ok && oracle_rng_below(r, 2) ? ORACLE_ABI_I386
							  : ORACLE_ABI_X86_64;
	/*
	 * getppid, or numbers that get ENOSYS when allowed: unallocated, -1
	 * (which seccomp sees as nr -1), and the same with the x32 bit.
	 */
	switch (oracle_rng_below(r, 8)) {
	case 0 ... 3:
		c->nr = c->abi == ORACLE_ABI_I386 ? ORACLE_NR_GETPPID_I386
						  : ORACLE_NR_GETPPID_X86_64;
		break;
	case 4 ... 5:
		c->nr = ORACLE_NR_UNALLOCATED;
		break;
	case 6:
		c->nr = 0xffffffff;
		break;
	default:
		c->nr = ARCH_X32_SYSCALL_BIT | ORACLE_NR_UNALLOCATED;
		break;
	}
	c->mode = oracle_rng_below(r, 100) < 85 ? ORACLE_MODE_THREADED
						: ORACLE_MODE_SINGLE;
	for (i = 0; i < 6; i++)
		c->args[i] = oracle_pool_arg(r);
}

START_TEST(test_verdict_random)
{
	struct oracle_gen_opts opts = { .maxlen = 256 };
	unsigned int n = scaled(2400), slots = oracle_slots(), i, s, m;
	struct sock_filter body[256];
	struct fails fl = { 0 };
	struct tally t = { 0 };
	struct oracle_rng r;
	struct vcase *v;
	size_t len;

	for (i = 0; i < n; i += m) {
		m = n - i < slots ? n - i : slots;
		for (s = 0; s < m; s++) {
			v = &vcases[s];
			case_rng(&r, T_VERDICT_RANDOM, i + s);
			random_call(&r, &v->c);
			v->nf = 1;
			v->f[0].insns = v->progs[0];
			/* a quarter stay cacheable, for the action cache */
			if (oracle_rng_below(&r, 4) == 0) {
				len = oracle_gen_cacheable(&r, &opts, body);
				v->f[0].len = oracle_guard_cacheable(
				    v->progs[0], body, len, v->c.nr);
			} else {
				len = oracle_gen_prog(&r, &opts, body);
				v->f[0].len = oracle_guard(v->progs[0], body,
							   len, v->c.nr);
			}
			obs_ran(&v->c, &v->ran);
		}
		verdict_batch(&fl, "verdict", i, m, &t);
	}
	tally_print(&t, "verdicts, one filter");
	fails_check(&fl, "verdict");
}
END_TEST

/*
 * A few return values shared by a chain's filters, so that ties (same
 * action, different data) and rankings (unknown actions by signed value)
 * come up often.
 */
static size_t
chain_rets(struct oracle_rng *r, uint32_t *rets)
{
	size_t n = 2 + oracle_rng_below(r, 3), i;
	uint32_t act = oracle_gen_ret(r) & SECCOMP_RET_ACTION_FULL;

	for (i = 0; i < n; i++) {
		if (oracle_rng_below(r, 2))
			rets[i] = act | oracle_rng_below(r, 0x10000);
		else
			rets[i] = oracle_gen_ret(r);
	}
	return n;
}

START_TEST(test_verdict_chain)
{
	struct oracle_gen_opts opts = { .maxlen = 64 };
	unsigned int n = scaled(1200), slots = oracle_slots(), i, s, m;
	struct sock_filter body[64];
	struct fails fl = { 0 };
	struct tally t = { 0 };
	struct oracle_rng r;
	struct vcase *v;
	uint32_t rets[4];
	bool cacheable;
	size_t j, len;

	for (i = 0; i < n; i += m) {
		m = n - i < slots ? n - i : slots;
		for (s = 0; s < m; s++) {
			v = &vcases[s];
			case_rng(&r, T_VERDICT_CHAIN, i + s);
			random_call(&r, &v->c);
			opts.n_rets = chain_rets(&r, rets);
			opts.rets = rets;
			v->nf = 2 + oracle_rng_below(&r, 4);
			cacheable = oracle_rng_below(&r, 4) == 0;
			for (j = 0; j < v->nf; j++) {
				/* short, often one RET: ties are common */
				opts.maxlen = oracle_rng_below(&r, 3) ? 64 : 1;
				v->f[j].insns = v->progs[j];
				if (cacheable) {
					len = oracle_gen_cacheable(&r, &opts,
								   body);
					v->f[j].len = oracle_guard_cacheable(
					    v->progs[j], body, len, v->c.nr);
				} else {
					len = oracle_gen_prog(&r, &opts, body);
					v->f[j].len = oracle_guard(
					    v->progs[j], body, len, v->c.nr);
				}
			}
			obs_ran(&v->c, &v->ran);
		}
		verdict_batch(&fl, "chain", i, m, &t);
	}
	tally_print(&t, "verdicts, chains of 2 to 5 filters");
	fails_check(&fl, "chain verdict");
}
END_TEST

/* ---- hand-made verdicts ---- */

/* placeholders the case patches with the probe's instruction pointer */
#define K_IP_LO 0xfeed0001U
#define K_IP_HI 0xfeed0002U
/* want_ret: the parent's pid (getppid ran) */
#define WANT_PPID INT64_MIN
/* want_ret: any return value (it depends on what the kernel reported) */
#define WANT_ANY (INT64_MIN + 1)

#define X86_64 ORACLE_ABI_X86_64
#define I386   ORACLE_ABI_I386
#define THR    ORACLE_MODE_THREADED
#define ONE    ORACLE_MODE_SINGLE
#define BLK    ORACLE_MODE_BLOCKED
#define IGN    ORACLE_MODE_IGNORED

#define ERRNO(d) (SECCOMP_RET_ERRNO | (d))
#define TRAP(d)	 (SECCOMP_RET_TRAP | (d))

/*
 * struct hand - one hand-made verdict case.  Each body is guarded with the
 * probe's number.  @want and @want_ret record the kernel behaviour the
 * spec describes (section 5); the test checks the kernel against it too,
 * but the engine is only ever compared with the kernel.
 */
struct hand {
	const char *name;
	enum oracle_abi abi;
	enum oracle_mode mode;
	uint32_t nr; /* 0: getppid */
	uint64_t args[6];
	size_t nf;
	struct sock_filter body[3][6];
	size_t len[3];
	enum oracle_obs_kind want;
	int64_t want_ret;
};

#define F1(a)	 .nf = 1, .body = { { RETK(a) } }, .len = { 1 }
#define F2(a, b) .nf = 2, .body = { { RETK(a) }, { RETK(b) } }, .len = { 1, 1 }
#define F3(a, b, c)                                                 \
	.nf = 3, .body = { { RETK(a) }, { RETK(b) }, { RETK(c) } }, \
	.len = { 1, 1, 1 }
#define RETURNS(v) .want = ORACLE_OBS_RETURNED, .want_ret = (v)
#define KILLED	   .want = ORACLE_OBS_KILLED
#define THREAD	   .want = ORACLE_OBS_THREAD_DIED
#define DIV_BY_X0                                                            \
	{                                                                    \
		ST(BPF_LDX | BPF_IMM, 0),                                    \
		    ST(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW),                 \
		    ST(BPF_ALU | BPF_DIV | BPF_X, 0), ST(BPF_RET | BPF_A, 0) \
	}
#define ERRNO_FROM_A \
	ST(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO), ST(BPF_RET | BPF_A, 0)
#define IF_ELSE(ld, op, k, a, b)                                             \
	{                                                                    \
		LD_ABS(ld), JMP(BPF_JMP | (op) | BPF_K, (k), 0, 1), RETK(a), \
		    RETK(b)                                                  \
	}

/* clang-format off */
static const struct hand hands[] = {
	{ "ERRNO 4096 is capped at 4095", X86_64, THR, 0, { 0 }, F1(ERRNO(4096)),
	  RETURNS(-4095) },
	{ "ERRNO 0xffff is capped at 4095", X86_64, THR, 0, { 0 },
	  F1(ERRNO(0xffff)), RETURNS(-4095) },
	{ "ERRNO 4095", X86_64, THR, 0, { 0 }, F1(ERRNO(4095)), RETURNS(-4095) },
	{ "ERRNO 0 returns 0 without running the call", X86_64, THR, 0, { 0 },
	  F1(ERRNO(0)), RETURNS(0) },
	{ "ERRNO 1", X86_64, ONE, 0, { 0 }, F1(ERRNO(1)), RETURNS(-1) },
	{ "ERRNO on an unallocated number", X86_64, THR, 1000, { 0 },
	  F1(ERRNO(7)), RETURNS(-7) },
	{ "TRAP with data", X86_64, THR, 0, { 0 }, F1(TRAP(0x4321)),
	  RETURNS(110) },
	{ "TRAP in the only thread", X86_64, ONE, 0, { 0 }, F1(TRAP(0)),
	  RETURNS(110) },
	{ "TRAP with SIGSYS blocked kills", X86_64, BLK, 0, { 0 }, F1(TRAP(1)),
	  KILLED },
	{ "TRAP with SIGSYS ignored kills", X86_64, IGN, 0, { 0 }, F1(TRAP(1)),
	  KILLED },
	{ "KILL_THREAD in the only thread kills the process", X86_64, ONE, 0,
	  { 0 }, F1(SECCOMP_RET_KILL_THREAD), KILLED },
	{ "KILL_THREAD with two threads kills one", X86_64, THR, 0, { 0 },
	  F1(SECCOMP_RET_KILL_THREAD), THREAD },
	{ "KILL_PROCESS with two threads", X86_64, THR, 0, { 0 },
	  F1(SECCOMP_RET_KILL_PROCESS), KILLED },
	{ "KILL_PROCESS with data", X86_64, ONE, 0, { 0 },
	  F1(SECCOMP_RET_KILL_PROCESS | 0x1234), KILLED },
	{ "ALLOW with data", X86_64, THR, 0, { 0 }, F1(SECCOMP_RET_ALLOW | 0x1234),
	  RETURNS(WANT_PPID) },
	{ "LOG", X86_64, THR, 0, { 0 }, F1(SECCOMP_RET_LOG), RETURNS(WANT_PPID) },
	{ "LOG with data", X86_64, THR, 0, { 0 }, F1(SECCOMP_RET_LOG | 0xffff),
	  RETURNS(WANT_PPID) },
	{ "TRACE without a tracer", X86_64, THR, 0, { 0 },
	  F1(SECCOMP_RET_TRACE | 5), RETURNS(-ENOSYS) },
	{ "USER_NOTIF without a listener", X86_64, THR, 0, { 0 },
	  F1(SECCOMP_RET_USER_NOTIF), RETURNS(-ENOSYS) },
	{ "unknown action 0x7ffe0000 kills the process", X86_64, THR, 0, { 0 },
	  F1(0x7ffe0000), KILLED },
	{ "unknown action 0x10000000", X86_64, THR, 0, { 0 }, F1(0x10000000),
	  KILLED },
	{ "unknown action 0x00010000", X86_64, THR, 0, { 0 }, F1(0x00010000),
	  KILLED },
	{ "unknown action 0x90000000", X86_64, THR, 0, { 0 }, F1(0x90000000),
	  KILLED },
	{ "DIV by X == 0 returns 0 (KILL_THREAD)", X86_64, THR, 0, { 0 },
	  .nf = 1, .body = { DIV_BY_X0 }, .len = { 4 }, THREAD },
	{ "DIV by X == 0 in the only thread", X86_64, ONE, 0, { 0 }, .nf = 1,
	  .body = { DIV_BY_X0 }, .len = { 4 }, KILLED },
	{ "LSH by X uses X mod 32", X86_64, THR, 0, { 0 }, .nf = 1,
	  .body = { { ST(BPF_LDX | BPF_IMM, 33), ST(BPF_LD | BPF_IMM, 1),
		      ST(BPF_ALU | BPF_LSH | BPF_X, 0), ERRNO_FROM_A } },
	  .len = { 5 }, RETURNS(-2) },
	{ "RSH by X uses X mod 32", X86_64, THR, 0, { 0 }, .nf = 1,
	  .body = { { ST(BPF_LDX | BPF_IMM, 36), ST(BPF_LD | BPF_IMM, 0x100),
		      ST(BPF_ALU | BPF_RSH | BPF_X, 0), ERRNO_FROM_A } },
	  .len = { 5 }, RETURNS(-16) },
	{ "LSH by X == 32 shifts by 0", X86_64, THR, 0, { 0 }, .nf = 1,
	  .body = { { ST(BPF_LDX | BPF_IMM, 32), ST(BPF_LD | BPF_IMM, 5),
		      ST(BPF_ALU | BPF_LSH | BPF_X, 0), ERRNO_FROM_A } },
	  .len = { 5 }, RETURNS(-5) },
	{ "LD LEN gives 64", X86_64, THR, 0, { 0 }, .nf = 1,
	  .body = { { RAW(BPF_LD | BPF_W | BPF_LEN, 0, 0, 9), ERRNO_FROM_A } },
	  .len = { 3 }, RETURNS(-64) },
	{ "LDX LEN gives 64", X86_64, THR, 0, { 0 }, .nf = 1,
	  .body = { { RAW(BPF_LDX | BPF_W | BPF_LEN, 0, 0, 9),
		      ST(BPF_MISC | BPF_TXA, 0), ERRNO_FROM_A } },
	  .len = { 4 }, RETURNS(-64) },
	{ "DIV is unsigned", X86_64, THR, 0, { 0xfffffff0 }, .nf = 1,
	  .body = { { LD_ABS(16), ST(BPF_ALU | BPF_DIV | BPF_K, 16),
		      ST(BPF_ALU | BPF_AND | BPF_K, 0xfff), ERRNO_FROM_A } },
	  .len = { 5 }, RETURNS(-4095) },
	{ "JGT compares unsigned", X86_64, THR, 0, { 0x80000000 }, .nf = 1,
	  .body = { IF_ELSE(16, BPF_JGT, 0x7fffffff, ERRNO(1), ERRNO(2)) },
	  .len = { 4 }, RETURNS(-1) },
	{ "JEQ with a negative k", X86_64, THR, 0, { 0xffffffff }, .nf = 1,
	  .body = { IF_ELSE(16, BPF_JEQ, 0xffffffff, ERRNO(3), ERRNO(4)) },
	  .len = { 4 }, RETURNS(-3) },
	{ "JSET on an argument's high half", X86_64, THR, 0,
	  { 0x8000000000000000ULL }, .nf = 1,
	  .body = { IF_ELSE(20, BPF_JSET, 0x80000000, ERRNO(5), ERRNO(6)) },
	  .len = { 4 }, RETURNS(-5) },
	{ "r9's high half is args[5]'s", X86_64, THR, 0,
	  { 0, 0, 0, 0, 0, 0x0000012300000000ULL }, .nf = 1,
	  .body = { { LD_ABS(60), ST(BPF_ALU | BPF_AND | BPF_K, 0xfff),
		      ERRNO_FROM_A } },
	  .len = { 4 }, RETURNS(-0x123) },
	{ "instruction pointer, low half", X86_64, THR, 0, { 0 }, .nf = 1,
	  .body = { IF_ELSE(8, BPF_JEQ, K_IP_LO, ERRNO(8), ERRNO(9)) },
	  .len = { 4 }, RETURNS(-8) },
	{ "instruction pointer, high half", X86_64, THR, 0, { 0 }, .nf = 1,
	  .body = { IF_ELSE(12, BPF_JEQ, K_IP_HI, ERRNO(8), ERRNO(9)) },
	  .len = { 4 }, RETURNS(-8) },
	{ "arch is AUDIT_ARCH_X86_64", X86_64, THR, 0, { 0 }, .nf = 1,
	  .body = { IF_ELSE(4, BPF_JEQ, AUDIT_ARCH_X86_64, ERRNO(10),
			    ERRNO(11)) },
	  .len = { 4 }, RETURNS(-10) },
	{ "chain: ERRNO 11, 13, 12 gives 12 (newest wins ties)", X86_64, THR, 0,
	  { 0 }, F3(ERRNO(11), ERRNO(13), ERRNO(12)), RETURNS(-12) },
	{ "chain: ERRNO 5 beats unknown 0x10000000", X86_64, THR, 0, { 0 },
	  F2(ERRNO(5), 0x10000000), RETURNS(-5) },
	{ "chain: LOG beats unknown 0x7ffe0000", X86_64, THR, 0, { 0 },
	  F2(0x7ffe0000, SECCOMP_RET_LOG), RETURNS(WANT_PPID) },
	{ "chain: 0x90000000 beats KILL_THREAD", X86_64, THR, 0, { 0 },
	  F2(SECCOMP_RET_KILL_THREAD, 0x90000000), KILLED },
	{ "chain: KILL_PROCESS beats 0x90000000", X86_64, THR, 0, { 0 },
	  F2(SECCOMP_RET_KILL_PROCESS | 1, 0x90000000), KILLED },
	{ "chain: KILL_THREAD beats TRAP", X86_64, THR, 0, { 0 },
	  F2(TRAP(3), SECCOMP_RET_KILL_THREAD), THREAD },
	{ "chain: TRAP tie, the newest gives the data", X86_64, THR, 0, { 0 },
	  F3(TRAP(1), TRAP(2), SECCOMP_RET_ALLOW), RETURNS(110) },
	{ "chain: ALLOW, ERRNO, ALLOW", X86_64, THR, 0, { 0 },
	  F3(SECCOMP_RET_ALLOW, ERRNO(21), SECCOMP_RET_ALLOW | 3),
	  RETURNS(-21) },
	{ "chain: USER_NOTIF beats TRACE", X86_64, THR, 0, { 0 },
	  F2(SECCOMP_RET_TRACE, SECCOMP_RET_USER_NOTIF), RETURNS(-ENOSYS) },
	{ "chain: TRACE beats LOG", X86_64, THR, 0, { 0 },
	  F2(SECCOMP_RET_LOG, SECCOMP_RET_TRACE | 9), RETURNS(-ENOSYS) },
	{ "chain: ERRNO beats USER_NOTIF", X86_64, THR, 0, { 0 },
	  F2(SECCOMP_RET_USER_NOTIF, ERRNO(9)), RETURNS(-9) },
	{ "chain: DIV by X == 0 under an ERRNO filter", X86_64, THR, 0, { 0 },
	  .nf = 2, .body = { DIV_BY_X0, { RETK(ERRNO(1)) } }, .len = { 4, 1 },
	  THREAD },
	/* i386: left out when int $0x80 does not work */
	{ "i386: ERRNO 4096 is capped", I386, THR, 0, { 0 }, F1(ERRNO(4096)),
	  RETURNS(-4095) },
	{ "i386: ERRNO 0", I386, THR, 0, { 0 }, F1(ERRNO(0)), RETURNS(0) },
	{ "i386: TRAP", I386, THR, 0, { 0 }, F1(TRAP(7)), RETURNS(64) },
	{ "i386: TRAP with SIGSYS blocked", I386, BLK, 0, { 0 }, F1(TRAP(7)),
	  KILLED },
	{ "i386: KILL_THREAD with two threads", I386, THR, 0, { 0 },
	  F1(SECCOMP_RET_KILL_THREAD), THREAD },
	{ "i386: KILL_THREAD in the only thread", I386, ONE, 0, { 0 },
	  F1(SECCOMP_RET_KILL_THREAD), KILLED },
	{ "i386: LOG", I386, THR, 0, { 0 }, F1(SECCOMP_RET_LOG),
	  RETURNS(WANT_PPID) },
	{ "i386: unknown action", I386, THR, 0, { 0 }, F1(0x7ffe0000), KILLED },
	{ "i386: unallocated number allowed", I386, THR, 1000, { 0 },
	  F1(SECCOMP_RET_ALLOW), RETURNS(-ENOSYS) },
	{ "i386: arch is AUDIT_ARCH_I386", I386, THR, 0, { 0 }, .nf = 1,
	  .body = { IF_ELSE(4, BPF_JEQ, AUDIT_ARCH_I386, ERRNO(10),
			    ERRNO(11)) },
	  .len = { 4 }, RETURNS(-10) },
	{ "i386: rbx's high half", I386, THR, 0, { 0x0000045600000001ULL },
	  .nf = 1,
	  .body = { { LD_ABS(20), ST(BPF_ALU | BPF_AND | BPF_K, 0xfff),
		      ERRNO_FROM_A } },
	  .len = { 4 }, RETURNS(WANT_ANY) },
	{ "i386: rbp's high half", I386, THR, 0,
	  { 0, 0, 0, 0, 0, 0x0000078900000000ULL }, .nf = 1,
	  .body = { { LD_ABS(60), ST(BPF_ALU | BPF_AND | BPF_K, 0xfff),
		      ERRNO_FROM_A } },
	  .len = { 4 }, RETURNS(WANT_ANY) },
	{ "i386: instruction pointer, high half", I386, THR, 0, { 0 }, .nf = 1,
	  .body = { IF_ELSE(12, BPF_JEQ, K_IP_HI, ERRNO(8), ERRNO(9)) },
	  .len = { 4 }, RETURNS(WANT_ANY) },
	{ "i386: DIV by X == 0", I386, THR, 0, { 0 }, .nf = 1,
	  .body = { DIV_BY_X0 }, .len = { 4 }, THREAD },
	{ "i386: chain ties", I386, THR, 0, { 0 },
	  F3(ERRNO(11), ERRNO(13), ERRNO(12)), RETURNS(-12) },
};
/* clang-format on */

/* indexes of the rows this host can run; filled in main() */
static unsigned int hand_rows[sizeof(hands) / sizeof(hands[0])];
static unsigned int n_hand_rows;

START_TEST(test_hand)
{
	const struct hand *h = &hands[hand_rows[_i]];
	struct sock_filter progs[3][6 + ORACLE_GUARD_LEN];
	struct sock_filter body[6];
	struct oracle_filter f[3];
	struct oracle_obs ran, kobs;
	struct fails fl = { 0 };
	struct oracle_call c;
	uint64_t ip;
	size_t i, j;
	bool ok;

	memset(&c, 0, sizeof(c));
	c.abi = h->abi;
	c.mode = h->mode;
	c.nr = h->nr		? h->nr
	       : h->abi == I386 ? ORACLE_NR_GETPPID_I386
				: ORACLE_NR_GETPPID_X86_64;
	memcpy(c.args, h->args, sizeof(c.args));
	ip = oracle_call_ip(c.abi);
	for (i = 0; i < h->nf; i++) {
		memcpy(body, h->body[i], h->len[i] * sizeof(*body));
		for (j = 0; j < h->len[i]; j++) {
			if (body[j].k == K_IP_LO)
				body[j].k = (uint32_t)ip;
			else if (body[j].k == K_IP_HI)
				body[j].k = (uint32_t)(ip >> 32);
		}
		f[i].insns = progs[i];
		f[i].len = oracle_guard(progs[i], body, h->len[i], c.nr);
	}
	obs_ran(&c, &ran);
	ok =
	    verdict_case(&fl, "hand", hand_rows[_i], f, h->nf, &c, &ran, &kobs);
	ck_assert_msg(
	    ok, "\"%s\": the engine and the kernel differ; saved as %s/%s",
	    h->name, cfg_faildir, fl.list);

	/* the documented behaviour, checked on the kernel alone */
	ck_assert_msg(
	    kobs.kind == h->want,
	    "\"%s\": the kernel's outcome is of kind %d, the spec says %d",
	    h->name, kobs.kind, h->want);
	if (h->want == ORACLE_OBS_KILLED)
		ck_assert_int_eq(kobs.sig, SIGSYS);
	if (h->want == ORACLE_OBS_RETURNED && h->want_ret != WANT_ANY)
		ck_assert_msg(
		    kobs.ret ==
			(h->want_ret == WANT_PPID ? getpid() : h->want_ret),
		    "\"%s\": the kernel returned %" PRId64
		    ", the spec says %" PRId64,
		    h->name, kobs.ret, h->want_ret);
}
END_TEST

/*
 * The uprobe exception: native x86_64 calls 335 (uretprobe) and 336
 * (uprobe) are never filtered, whatever the filter says, because the
 * action cache (seccomp_cache_prepare_bitmap()) marks them allowed.  Out of
 * a uprobe trampoline they just fail, so a plain call shows what "ran"
 * looks like; the kernel is asked for that too.
 */
struct uprobe {
	const char *name;
	enum oracle_abi abi;
	uint32_t nr;
	bool guarded;
	uint32_t action;
};

/* clang-format off */
static const struct uprobe uprobes[] = {
	{ "x86_64 335 under a guarded KILL_PROCESS", X86_64, 335, true,
	  SECCOMP_RET_KILL_PROCESS },
	{ "x86_64 336 under a guarded KILL_PROCESS", X86_64, 336, true,
	  SECCOMP_RET_KILL_PROCESS },
	{ "x86_64 335 under a kill-everything filter", X86_64, 335, false,
	  SECCOMP_RET_KILL_PROCESS },
	{ "x86_64 336 under a kill-everything filter", X86_64, 336, false,
	  SECCOMP_RET_KILL_PROCESS },
	{ "x86_64 335 under a guarded ERRNO", X86_64, 335, true, ERRNO(1) },
	{ "x86_64 336 under a guarded TRAP", X86_64, 336, true, TRAP(1) },
	{ "i386 335 under a guarded KILL_PROCESS", I386, 335, true,
	  SECCOMP_RET_KILL_PROCESS },
	{ "i386 336 under a guarded KILL_PROCESS", I386, 336, true,
	  SECCOMP_RET_KILL_PROCESS },
};
/* clang-format on */

static unsigned int uprobe_rows[sizeof(uprobes) / sizeof(uprobes[0])];
static unsigned int n_uprobe_rows;

START_TEST(test_uprobe)
{
	const struct uprobe *u = &uprobes[uprobe_rows[_i]];
	struct sock_filter prog[1 + ORACLE_GUARD_LEN];
	struct sock_filter body[1] = { RETK(u->action) };
	const struct bpf_filter *match;
	struct oracle_obs ran, kobs;
	struct bpf_filter *top;
	struct seccomp_data sd;
	struct fails fl = { 0 };
	struct oracle_filter f;
	struct oracle_call c;
	char buf[400];
	uint32_t ret;
	int res, r;
	bool ok;

	memset(&c, 0, sizeof(c));
	c.abi = u->abi;
	c.mode = ORACLE_MODE_SINGLE;
	c.nr = u->nr;
	if (u->guarded) {
		f.insns = prog;
		f.len = oracle_guard(prog, body, 1, c.nr);
	} else {
		f.insns = body;
		f.len = 1;
	}

	/* "ran" is whatever the call does unfiltered; only look if needed */
	memset(&ran, 0, sizeof(ran));
	oracle_call_data(&c, &sd);
	top = engine_chain(&f, 1, &res);
	ck_assert_int_eq(res, 0);
	ret = bpf_chain_eval(top, &sd, &match);
	bpf_filter_unref(top);
	if (bpf_ret_action(ret) == BPF_ACT_ALLOW ||
	    bpf_ret_action(ret) == BPF_ACT_LOG) {
		r = oracle_run(NULL, 0, &c, NULL, &ran);
		ck_assert_msg(r == 0, "harness failure: %s", strerror(-r));
		oracle_obs_format(&ran, buf, sizeof(buf));
		fprintf(stderr, "check_oracle: %s: unfiltered, %s\n", u->name,
			buf);
	}
	ok = verdict_case(&fl, "uprobe", uprobe_rows[_i], &f, 1, &c, &ran,
			  &kobs);
	oracle_obs_format(&kobs, buf, sizeof(buf));
	fprintf(stderr, "check_oracle: %s: engine 0x%08x (%s), kernel: %s\n",
		u->name, ret, bpf_action_name(bpf_ret_action(ret)), buf);
	ck_assert_msg(
	    ok, "\"%s\": the engine and the kernel differ; saved as %s/%s",
	    u->name, cfg_faildir, fl.list);
}
END_TEST

/* ---- chain length accounting ---- */

/*
 * Programs stacked until ENOMEM: @block repeated @reps times, then @tail
 * RET ALLOW.  They return ALLOW for every call, so the stacking child
 * goes on working.  The first ones are the spec's (section 2.5), with the
 * counts it measured on 6.18 in their names; only the kernel's count is
 * asserted.  The rest repeat one shape of the per-instruction rule many
 * times, so a miscount of one instruction per shape shows up in a few
 * dozen installs instead of thousands.
 */
struct stack_kind {
	const char *name;
	struct sock_filter block[11];
	size_t n;
	size_t reps;
	size_t tail;
};

#define LDX1 ST(BPF_LDX | BPF_IMM, 1)

/* clang-format off */
static const struct stack_kind stack_kinds[] = {
	{ "1 x RET (3641)", { RET_ALLOW }, 1, 1, 0 },
	{ "2 x RET (2979)", { RET_ALLOW }, 1, 2, 0 },
	{ "10 x RET (1213)", { RET_ALLOW }, 1, 10, 0 },
	{ "100 x RET (158)", { RET_ALLOW }, 1, 100, 0 },
	{ "1000 x RET (16)", { RET_ALLOW }, 1, 1000, 0 },
	{ "4096 x RET (3)", { RET_ALLOW }, 1, 4096, 0 },
	{ "LD; JEQ jt=0 jf=1; RET; RET (2520)",
	  { LD_ABS(0), JMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 0, 1) }, 2, 1, 2 },
	{ "LD; JSET jt=0 jf=1; RET; RET (2340)",
	  { LD_ABS(0), JMP(BPF_JMP | BPF_JSET | BPF_K, 1000, 0, 1) }, 2, 1, 2 },
	{ "LD; JEQ negative k jt=1 jf=0; RET; RET (2340)",
	  { LD_ABS(0), JMP(BPF_JMP | BPF_JEQ | BPF_K, 0x80000000, 1, 0) }, 2, 1,
	  2 },
	{ "LDX IMM; LD IMM; DIV X; RET A (2184)",
	  { LDX1, ST(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW),
	    ST(BPF_ALU | BPF_DIV | BPF_X, 0), ST(BPF_RET | BPF_A, 0) },
	  4, 1, 0 },
	{ "LD; JEQ jt=1 jf=2; RET x 3 (2048)",
	  { LD_ABS(0), JMP(BPF_JMP | BPF_JEQ | BPF_K, 1000, 1, 2) }, 2, 1, 3 },
	{ "LD IMM; RET A", { ST(BPF_LD | BPF_IMM, SECCOMP_RET_ALLOW),
			     ST(BPF_RET | BPF_A, 0) }, 2, 1, 0 },
	{ "JGE jt=0 jf=1 x 800",
	  { JMP(BPF_JMP | BPF_JGE | BPF_K, 1000, 0, 1), LDX1 }, 2, 800, 1 },
	{ "JGT jt=0 jf=1, negative k, x 800",
	  { JMP(BPF_JMP | BPF_JGT | BPF_K, 0xfffffff0, 0, 1), LDX1 }, 2, 800,
	  1 },
	{ "JSET jt=0 jf=1, negative k, x 800",
	  { JMP(BPF_JMP | BPF_JSET | BPF_K, 0xffffffff, 0, 1), LDX1 }, 2, 800,
	  1 },
	{ "JSET jt=1 jf=0 x 800",
	  { JMP(BPF_JMP | BPF_JSET | BPF_K, 1, 1, 0), LDX1 }, 2, 800, 1 },
	{ "JEQ X jt=0 jf=1 x 800",
	  { JMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1), LDX1 }, 2, 800, 1 },
	{ "JGT X jt=1 jf=1 x 800",
	  { JMP(BPF_JMP | BPF_JGT | BPF_X, 0, 1, 1), LDX1 }, 2, 800, 1 },
	{ "JEQ jt=0 jf=0, negative k, x 2000",
	  { JMP(BPF_JMP | BPF_JEQ | BPF_K, 0xfffffffe, 0, 0) }, 1, 2000, 1 },
	{ "JSET jt=1 jf=2 x 600",
	  { JMP(BPF_JMP | BPF_JSET | BPF_K, 1, 1, 2), LDX1, LDX1 }, 3, 600, 2 },
	{ "JA 0 x 3000", { ST(BPF_JMP | BPF_JA, 0) }, 1, 3000, 1 },
	{ "ALU with K x 300",
	  { ST(BPF_ALU | BPF_ADD | BPF_K, 3), ST(BPF_ALU | BPF_SUB | BPF_K, 1),
	    ST(BPF_ALU | BPF_MUL | BPF_K, 5), ST(BPF_ALU | BPF_DIV | BPF_K, 3),
	    ST(BPF_ALU | BPF_OR | BPF_K, 8),
	    ST(BPF_ALU | BPF_AND | BPF_K, 0xff),
	    ST(BPF_ALU | BPF_XOR | BPF_K, 0x80000000),
	    ST(BPF_ALU | BPF_LSH | BPF_K, 3), ST(BPF_ALU | BPF_RSH | BPF_K, 2),
	    ST(BPF_ALU | BPF_NEG, 0) },
	  10, 300, 1 },
	{ "ALU with X, DIV by 3, x 300",
	  { ST(BPF_LDX | BPF_IMM, 3), ST(BPF_ALU | BPF_ADD | BPF_X, 0),
	    ST(BPF_ALU | BPF_SUB | BPF_X, 0), ST(BPF_ALU | BPF_MUL | BPF_X, 0),
	    ST(BPF_ALU | BPF_DIV | BPF_X, 0), ST(BPF_ALU | BPF_OR | BPF_X, 0),
	    ST(BPF_ALU | BPF_AND | BPF_X, 0), ST(BPF_ALU | BPF_XOR | BPF_X, 0),
	    ST(BPF_ALU | BPF_LSH | BPF_X, 0),
	    ST(BPF_ALU | BPF_RSH | BPF_X, 0) },
	  10, 300, 1 },
	{ "loads, LEN, scratch, TAX, TXA x 300",
	  { LD_ABS(0), LD_ABS(60), ST(BPF_LD | BPF_W | BPF_LEN, 0),
	    ST(BPF_LDX | BPF_W | BPF_LEN, 0), ST(BPF_LD | BPF_IMM, 1),
	    ST(BPF_ST, 0), ST(BPF_LD | BPF_MEM, 0), ST(BPF_STX, 1),
	    ST(BPF_LDX | BPF_MEM, 1), ST(BPF_MISC | BPF_TAX, 0),
	    ST(BPF_MISC | BPF_TXA, 0) },
	  11, 300, 1 },
	{ "RET K and RET A jumped over x 1000",
	  { ST(BPF_JMP | BPF_JA, 2), RET_ALLOW, ST(BPF_RET | BPF_A, 0) }, 3,
	  1000, 1 },
};
/* clang-format on */

/* The engine stacks @prog until bpf_filter_new() fails (or @max). */
static size_t
engine_stack_repeat(const struct sock_filter *prog, size_t len, size_t max,
		    int *ret_r)
{
	const struct bpf_cache_layout *layout = arch_cache_layout_host();
	struct bpf_filter *top = NULL, *f;
	size_t count = 0;
	int r = 0;

	while (count < max) {
		r = bpf_filter_new(top, prog, len, layout, 0, &f, NULL);
		if (r < 0)
			break;
		bpf_filter_unref(top);
		top = f;
		count++;
	}
	bpf_filter_unref(top);
	*ret_r = r;
	return count;
}

static size_t
stack_kind_prog(const struct stack_kind *k, struct sock_filter *prog)
{
	size_t i, len = 0;

	for (i = 0; i < k->reps; i++) {
		memcpy(prog + len, k->block, k->n * sizeof(*prog));
		len += k->n;
	}
	for (i = 0; i < k->tail; i++)
		prog[len++] = (struct sock_filter)RET_ALLOW;
	return len;
}

START_TEST(test_stack_kinds)
{
	enum {
		N = sizeof(stack_kinds) / sizeof(stack_kinds[0])
	};
	static struct sock_filter progs[ORACLE_MAX_SLOTS][CBPF_MAXINSNS];
	unsigned int slots = oracle_slots(), i, s, m;
	struct fails fl = { 0 };
	size_t len[ORACLE_MAX_SLOTS], kcount, ecount;
	int kerr, eres, r;
	char text[800];

	for (i = 0; i < N; i += m) {
		m = N - i < slots ? N - i : slots;
		for (s = 0; s < m; s++) {
			len[s] = stack_kind_prog(&stack_kinds[i + s], progs[s]);
			ck_assert_uint_le(len[s], CBPF_MAXINSNS);
			r = oracle_stack_repeat_start(s, progs[s], len[s],
						      40000);
			ck_assert_msg(r == 0, "harness failure: %s",
				      strerror(-r));
		}
		for (s = 0; s < m; s++) {
			const struct stack_kind *k = &stack_kinds[i + s];
			struct oracle_filter f = { progs[s], len[s] };

			r = oracle_stack_repeat_finish(s, &kcount, &kerr);
			ck_assert_msg(r == 0, "harness failure: %s",
				      strerror(-r));
			ecount =
			    engine_stack_repeat(progs[s], len[s], 40000, &eres);
			fprintf(
			    stderr,
			    "check_oracle: stacking %s: kernel %zu then %s, engine %zu then %s\n",
			    k->name, kcount,
			    kerr ? strerror(kerr) : "no failure", ecount,
			    eres ? strerror(-eres) : "no failure");
			if (kcount == ecount && kerr == -eres && kerr == ENOMEM)
				continue;
			snprintf(
			    text, sizeof(text),
			    "what: chain length accounting: \"%s\" (%zu instructions) stacked until it fails\nkernel: %zu filters, then %s\nengine: %zu filters, then %s (bpf_prog_xlated_len() = %u)\n",
			    k->name, len[s], kcount,
			    kerr ? strerror(kerr) : "no failure", ecount,
			    eres ? strerror(-eres) : "no failure",
			    bpf_prog_xlated_len(progs[s], len[s]));
			save_case(&fl, "stack", i + s, &f, 1, text);
		}
	}
	fails_check(&fl, "stacking");
}
END_TEST

/*
 * Random guarded programs of mixed sizes, stacked in order and tried one
 * after the other even after ENOMEM (smaller ones may still fit), in the
 * kernel and in the engine.
 */
START_TEST(test_stack_mixed)
{
	enum {
		N = 200
	};
	struct oracle_gen_opts opts = { 0 };
	unsigned int rounds = scaled(3), i;
	const struct bpf_cache_layout *layout = arch_cache_layout_host();
	struct sock_filter *body, *progs;
	struct oracle_filter seq[N];
	int kerr[N], eres[N];
	struct fails fl = { 0 };
	struct oracle_rng r;
	size_t j, len;
	int rr;

	body = calloc(CBPF_MAXINSNS, sizeof(*body));
	progs = calloc((size_t)N * CBPF_MAXINSNS, sizeof(*progs));
	ck_assert_ptr_nonnull(body);
	ck_assert_ptr_nonnull(progs);
	for (i = 0; i < rounds; i++) {
		struct bpf_filter *top = NULL, *nf;
		unsigned int took = 0, nomem = 0;
		bool same = true;

		case_rng(&r, T_STACK_MIXED, i);
		for (j = 0; j < N; j++) {
			/* enough big ones to reach the limit within N */
			opts.maxlen = CBPF_MAXINSNS - ORACLE_GUARD_LEN;
			switch (oracle_rng_below(&r, 20)) {
			case 0:
			case 1:
			case 2:
				opts.len = 500 + oracle_rng_below(&r, 3593);
				break;
			case 3:
			case 4:
			case 5:
			case 6:
			case 7:
				opts.len = 40 + oracle_rng_below(&r, 360);
				break;
			default:
				opts.len = 1 + oracle_rng_below(&r, 40);
				break;
			}
			len = oracle_gen_prog(&r, &opts, body);
			seq[j].insns = progs + j * CBPF_MAXINSNS;
			seq[j].len =
			    oracle_guard(progs + j * CBPF_MAXINSNS, body, len,
					 ORACLE_NR_UNALLOCATED);
		}
		rr = oracle_kernel_stack(seq, N, kerr);
		ck_assert_msg(rr == 0, "harness failure: %s", strerror(-rr));
		for (j = 0; j < N; j++) {
			eres[j] = bpf_filter_new(top, seq[j].insns, seq[j].len,
						 layout, 0, &nf, NULL);
			if (eres[j] == 0) {
				bpf_filter_unref(top);
				top = nf;
				took++;
			}
			nomem += kerr[j] == ENOMEM;
			if (kerr[j] != -eres[j])
				same = false;
		}
		bpf_filter_unref(top);
		fprintf(
		    stderr,
		    "check_oracle: mixed stacking round %u: %d programs, engine took %u, kernel said ENOMEM %u times\n",
		    i, N, took, nomem);
		if (!same) {
			char *text = NULL;
			size_t size = 0;
			FILE *out = open_memstream(&text, &size);

			ck_assert_ptr_nonnull(out);
			fprintf(
			    out,
			    "what: stacking a sequence of %d guarded programs in this order; results differ\n",
			    N);
			for (j = 0; j < N; j++)
				fprintf(
				    out,
				    "  %3zu: %4zu instructions, xlated %5u: kernel %s, engine %s%s\n",
				    j, seq[j].len,
				    bpf_prog_check(seq[j].insns, seq[j].len,
						   NULL)
					? 0
					: bpf_prog_xlated_len(seq[j].insns,
							      seq[j].len),
				    kerr[j] ? strerror(kerr[j]) : "ok",
				    eres[j] ? strerror(-eres[j]) : "ok",
				    kerr[j] != -eres[j] ? "   <--" : "");
			fclose(out);
			save_case(&fl, "stackmix", i, seq, N, text);
			free(text);
		}
	}
	free(progs);
	free(body);
	fails_check(&fl, "mixed stacking");
}
END_TEST

/* ---- main ---- */

/*
 * systemd's is_seccomp_available() probe: with no_new_privs set, a filter
 * install with a NULL program must fail with EFAULT.  Done in a child so
 * this process keeps no flags.
 */
static int
seccomp_probe(char *why, size_t size)
{
	int status;
	pid_t pid;
	long r;

	pid = fork();
	if (pid < 0) {
		snprintf(why, size, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(1);
		r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, NULL);
		if (r < 0 && errno == EFAULT)
			_exit(0);
		_exit(r < 0 && errno < 200 ? 3 + errno : 2);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		snprintf(why, size, "the probe child did not exit normally");
		return -1;
	}
	switch (WEXITSTATUS(status)) {
	case 0:
		return 0;
	case 1:
		snprintf(why, size, "prctl(PR_SET_NO_NEW_PRIVS) failed");
		return 1;
	case 2:
		snprintf(
		    why, size,
		    "seccomp(SECCOMP_SET_MODE_FILTER, 0, NULL) did not fail");
		return 1;
	default:
		snprintf(
		    why, size,
		    "seccomp(SECCOMP_SET_MODE_FILTER, 0, NULL) failed with %s, not EFAULT",
		    strerror(WEXITSTATUS(status) - 3));
		return 1;
	}
}

static int
config_from_env(void)
{
	const char *s;
	char *end;

	s = getenv("ORACLE_SEED");
	if (s && *s) {
		errno = 0;
		cfg_seed = strtoull(s, &end, 0);
		if (errno || *end) {
			fprintf(stderr, "check_oracle: bad ORACLE_SEED '%s'\n",
				s);
			return -1;
		}
	}
	s = getenv("ORACLE_SCALE");
	if (s && *s) {
		cfg_scale = strtod(s, &end);
		if (*end || !(cfg_scale > 0)) {
			fprintf(stderr, "check_oracle: bad ORACLE_SCALE '%s'\n",
				s);
			return -1;
		}
	}
	s = getenv("ORACLE_FAILDIR");
	if (s && *s)
		cfg_faildir = s;
	return 0;
}

static TCase *
tcase(Suite *s, const char *name, double seconds)
{
	TCase *tc = tcase_create(name);

	/* the random tests grow with ORACLE_SCALE; so does their time */
	tcase_set_timeout(tc, seconds * (cfg_scale > 1 ? cfg_scale : 1));
	suite_add_tcase(s, tc);
	return tc;
}

static Suite *
oracle_suite(void)
{
	Suite *s = suite_create("oracle");
	TCase *tc;

	tc = tcase(s, "acceptance", 120);
	tcase_add_loop_test(tc, test_accept_edge, 0,
			    sizeof(edges) / sizeof(edges[0]));
	tcase_add_test(tc, test_accept_random);
	tcase_add_test(tc, test_accept_mutated);

	tc = tcase(s, "verdicts", 120);
	tcase_add_test(tc, test_verdict_random);
	tcase_add_test(tc, test_verdict_chain);

	tc = tcase(s, "hand-made", 30);
	tcase_add_loop_test(tc, test_hand, 0, n_hand_rows);
	tcase_add_loop_test(tc, test_uprobe, 0, n_uprobe_rows);

	tc = tcase(s, "chain length", 120);
	tcase_add_test(tc, test_stack_kinds);
	tcase_add_test(tc, test_stack_mixed);
	return s;
}

int
main(void)
{
	char why[300], *findings = NULL;
	SRunner *sr;
	size_t i;
	int r, failed;

	if (config_from_env() < 0)
		return 99;
	r = seccomp_probe(why, sizeof(why));
	if (r != 0) {
		fprintf(
		    stderr,
		    "check_oracle: skipped: seccomp filters are not available: %s\n",
		    why);
		return r < 0 ? 99 : 77;
	}
	r = oracle_findings_probe(&findings);
	if (r < 0) {
		fprintf(
		    stderr,
		    "check_oracle: cannot learn how the kernel fills seccomp_data: %s\n",
		    strerror(-r));
		return 99;
	}
	fprintf(stderr,
		"check_oracle: seed 0x%016" PRIx64
		", scale %g, mismatches go to %s/\ncheck_oracle: %s\n",
		cfg_seed, cfg_scale, cfg_faildir, findings);
	free(findings);

	for (i = 0; i < sizeof(hands) / sizeof(hands[0]); i++)
		if (hands[i].abi != I386 || oracle_i386_ok)
			hand_rows[n_hand_rows++] = (unsigned int)i;
	for (i = 0; i < sizeof(uprobes) / sizeof(uprobes[0]); i++)
		if (uprobes[i].abi != I386 || oracle_i386_ok)
			uprobe_rows[n_uprobe_rows++] = (unsigned int)i;

	sr = srunner_create(oracle_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
