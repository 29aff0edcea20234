/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_prefilter: unit tests for tracer_prefilter() (src/tracer).
 *
 * The prefilter is a program the target carries in the kernel, so a wrong
 * verdict is either a confinement hole (ALLOW for a call the chain may
 * refuse) or a silent slowdown (TRACE for a call it always allows).  Each
 * chain's prefilter is run in the reference interpreter on every number
 * of every cached ABI, and on numbers around and outside that range, and
 * must say exactly what the chain's action cache says (DESIGN.md: the
 * prefilter's contract in tracer.h), with the calls the supervisor always
 * or sometimes sees carved out.  Then the kernel itself must take it.
 *
 * Arguments and instruction pointers are random (fixed seed, so a failure
 * reproduces): the verdict may depend on them for the few calls
 * tracer_watched() lists, and on nothing else.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <check.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
#include "tracer/tracer.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define ALLOW SECCOMP_RET_ALLOW
#define TRACE SECCOMP_RET_TRACE

/* struct seccomp_data offsets, little-endian halves (x86_64, aarch64) */
#define OFF_NR	      0
#define OFF_ARCH      4
#define OFF_ARG_LO(i) (16 + 8 * (i))

/* Random arguments and instruction pointers tried per number. */
#define ARG_ROUNDS 3

/* The calls tracer.h says always stop, spelled out again on purpose. */
static const char *const always_names[] = {
	"seccomp",
	"prctl",
	"ptrace",
	"clone",
	"clone3",
	"fork",
	"vfork",
	"kill",
	"tkill",
	"tgkill",
	"rt_sigqueueinfo",
	"rt_tgsigqueueinfo",
	"pidfd_open",
	"pidfd_send_signal",
	"pidfd_getfd",
	"process_vm_readv",
	"process_vm_writev",
};

/* Calls the deny and argument filters single out (where the ABI has them). */
static const char *const deny_names[] = {
	"getppid", "mount", "reboot", "chdir", "uname", "sync",
};
static const char *const args_names[] = {
	"getuid", "openat", "close", "dup", "getcwd",
};
static const char *const trap_names[] = { "umask", "getpgrp" };

/* ---- random numbers: splitmix64, fixed seed ---- */

static uint64_t rng_state = 0x5eed0f0f1234abcdULL;

static uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- building programs ---- */

struct prog {
	struct sock_filter insn[CBPF_MAXINSNS];
	size_t len;
};

static void
put(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	ck_assert_uint_lt(p->len, CBPF_MAXINSNS);
	p->insn[p->len++] = (struct sock_filter){ code, jt, jf, k };
}

static void
put_ld(struct prog *p, uint32_t off)
{
	put(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, off);
}

static void
put_ret(struct prog *p, uint32_t k)
{
	put(p, BPF_RET | BPF_K, 0, 0, k);
}

enum rule {
	RULE_DENY, /* ERRNO */
	RULE_ARGS, /* ERRNO if arg0 == 7, else ALLOW: not cacheable */
	RULE_TRAP,
};

/*
 * A filter that singles out @names on every ABI of the layout and allows
 * everything else, unknown arches included.
 */
static void
build_rules(struct prog *p, const char *const *names, size_t n, enum rule rule)
{
	const struct bpf_cache_layout *lay = arch_cache_layout_host();
	size_t i, j;

	p->len = 0;
	for (i = 0; i < lay->n_abis; i++) {
		const struct arch_abi *abi =
		    arch_abi_by_audit(lay->abi[i].audit_arch, 0);
		int32_t nrs[16];
		size_t m = 0, per = rule == RULE_ARGS ? 5 : 2;

		for (j = 0; j < n && m < ARRAY_SIZE(nrs); j++) {
			int32_t nr = arch_syscall_nr(abi, names[j]);

			if (nr >= 0)
				nrs[m++] = nr;
		}
		/* arch check, then this ABI's section, or skip it */
		put_ld(p, OFF_ARCH);
		put(p, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(2 + per * m),
		    lay->abi[i].audit_arch);
		put_ld(p, OFF_NR);
		for (j = 0; j < m; j++) {
			put(p, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)(per - 1),
			    (uint32_t)nrs[j]);
			switch (rule) {
			case RULE_DENY:
				put_ret(p,
					SECCOMP_RET_ERRNO | (uint32_t)(j + 1));
				break;
			case RULE_TRAP:
				put_ret(p, SECCOMP_RET_TRAP | (uint32_t)j);
				break;
			case RULE_ARGS:
				put_ld(p, OFF_ARG_LO(0));
				put(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 7);
				put_ret(p, SECCOMP_RET_ERRNO | 7);
				put_ret(p, ALLOW);
				break;
			}
		}
		put_ret(p, ALLOW);
	}
	put_ret(p, ALLOW);
}

/* Every call of the layout's second (compat) ABI is killed. */
static void
build_kill_compat(struct prog *p)
{
	const struct bpf_cache_layout *lay = arch_cache_layout_host();

	ck_assert_uint_ge(lay->n_abis, 2);
	p->len = 0;
	put_ld(p, OFF_ARCH);
	put(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, lay->abi[1].audit_arch);
	put_ret(p, SECCOMP_RET_KILL_PROCESS);
	put_ret(p, ALLOW);
}

/* Only even numbers: as many ranges as the prefilter can meet. */
static void
build_even(struct prog *p)
{
	p->len = 0;
	put_ld(p, OFF_NR);
	put(p, BPF_JMP | BPF_JSET | BPF_K, 0, 1, 1);
	put_ret(p, SECCOMP_RET_ERRNO | 1);
	put_ret(p, ALLOW);
}

static void
build_ret(struct prog *p, uint32_t k)
{
	p->len = 0;
	put_ret(p, k);
}

/* ---- the chains ---- */

enum chain_kind {
	CH_ALLOW,
	CH_DENY,
	CH_ARGS,
	CH_KILL_COMPAT,
	CH_STACK3,
	CH_EVEN,
	CH_LOG,
	CH_STRICT,
	CH_COUNT
};

static const char *const chain_names[CH_COUNT] = {
	"allow-all",  "deny",	      "args", "kill-compat",
	"stack of 3", "even numbers", "log",  "strict",
};

static struct bpf_filter *
push(struct bpf_filter *top, const struct prog *p)
{
	struct bpf_error err = { 0 };
	struct bpf_filter *f = NULL;
	int r;

	r = bpf_filter_new(top, p->insn, p->len, arch_cache_layout_host(), 0,
			   &f, &err);
	ck_assert_msg(r == 0, "bpf_filter_new() = %d at insn %u: %s", r,
		      err.insn, err.msg);
	bpf_filter_unref(top);
	return f;
}

/* The chain of @kind, or NULL for strict mode. */
static struct bpf_filter *
chain_build(enum chain_kind kind)
{
	static struct prog p;
	struct bpf_filter *top = NULL;

	switch (kind) {
	case CH_ALLOW:
		build_ret(&p, ALLOW);
		return push(NULL, &p);
	case CH_DENY:
		build_rules(&p, deny_names, ARRAY_SIZE(deny_names), RULE_DENY);
		return push(NULL, &p);
	case CH_ARGS:
		build_rules(&p, args_names, ARRAY_SIZE(args_names), RULE_ARGS);
		return push(NULL, &p);
	case CH_KILL_COMPAT:
		build_kill_compat(&p);
		return push(NULL, &p);
	case CH_STACK3:
		build_rules(&p, deny_names, ARRAY_SIZE(deny_names), RULE_DENY);
		top = push(NULL, &p);
		build_rules(&p, args_names, ARRAY_SIZE(args_names), RULE_ARGS);
		top = push(top, &p);
		build_rules(&p, trap_names, ARRAY_SIZE(trap_names), RULE_TRAP);
		return push(top, &p);
	case CH_EVEN:
		build_even(&p);
		return push(NULL, &p);
	case CH_LOG:
		/* LOG is not ALLOW: only the numbers the kernel never
		 * filters (the uprobe calls on x86_64) stay cached */
		build_ret(&p, SECCOMP_RET_LOG);
		return push(NULL, &p);
	case CH_STRICT:
	case CH_COUNT:
		break;
	}
	return NULL;
}

/* ---- what the prefilter must say ---- */

/*
 * Per cached ABI, which numbers the supervisor always sees and which it
 * sees for some arguments (tracer_always_traced() and tracer_watched()
 * resolve names through libseccomp, too slow to ask per run).
 */
struct abi_tab {
	const struct arch_abi *abi;
	const struct bpf_cache_abi *slot;
	bool *always;
	bool *watched;
};

static struct abi_tab tabs[BPF_CACHE_MAX_ABIS];
static size_t n_tabs;

static void
tabs_init(void)
{
	const struct bpf_cache_layout *lay = arch_cache_layout_host();
	size_t i;
	uint32_t nr;

	if (n_tabs)
		return;
	for (i = 0; i < lay->n_abis; i++) {
		struct abi_tab *t = &tabs[i];

		t->slot = &lay->abi[i];
		t->abi = arch_abi_by_audit(t->slot->audit_arch, 0);
		ck_assert_ptr_nonnull(t->abi);
		t->always = calloc(t->slot->nr_count, sizeof(bool));
		t->watched = calloc(t->slot->nr_count, sizeof(bool));
		ck_assert(t->always && t->watched);
		for (nr = 0; nr < t->slot->nr_count; nr++) {
			t->always[nr] =
			    tracer_always_traced(t->abi, (int32_t)nr);
			t->watched[nr] =
			    tracer_watched(t->abi, (int32_t)nr, NULL);
		}
	}
	n_tabs = lay->n_abis;
}

static const struct abi_tab *
tab_for(uint32_t arch)
{
	size_t i;

	for (i = 0; i < n_tabs; i++)
		if (tabs[i].slot->audit_arch == arch)
			return &tabs[i];
	return NULL;
}

/* tracer_watched() on @sd's arguments (__u64 is not uint64_t here) */
static bool
watched_now(const struct arch_abi *abi, const struct seccomp_data *sd)
{
	uint64_t args[ARCH_MAX_ARGS];
	int i;

	for (i = 0; i < ARCH_MAX_ARGS; i++)
		args[i] = sd->args[i];
	return tracer_watched(abi, sd->nr, args);
}

static uint32_t
expected(const struct bpf_filter *top, const struct seccomp_data *sd)
{
	const struct abi_tab *t = tab_for(sd->arch);
	bool allowed;

	if (!t || sd->nr < 0 || (uint32_t)sd->nr >= t->slot->nr_count)
		return TRACE;
	if (t->always[sd->nr])
		return TRACE;
	allowed = top ? bpf_filter_cached(top, sd->arch, sd->nr)
		      : arch_strict_allows(t->abi, sd->nr);
	if (!allowed)
		return TRACE;
	if (top && tracer_restart_watched(top, t->abi, sd->nr))
		return TRACE;
	if (t->watched[sd->nr] && watched_now(t->abi, sd))
		return TRACE;
	return ALLOW;
}

static void
data_random(struct seccomp_data *sd, uint32_t arch, int32_t nr)
{
	int i;

	memset(sd, 0, sizeof(*sd));
	sd->nr = nr;
	sd->arch = arch;
	sd->instruction_pointer = rng();
	for (i = 0; i < 6; i++)
		sd->args[i] = rng();
}

struct prefilter {
	enum chain_kind kind;
	struct bpf_filter *top;
	struct sock_filter *prog;
	size_t len;
	unsigned int n_allow, n_trace;
};

static void
prefilter_make(enum chain_kind kind, struct prefilter *pf)
{
	struct bpf_error err = { 0 };
	int r;

	tabs_init();
	memset(pf, 0, sizeof(*pf));
	pf->kind = kind;
	pf->top = chain_build(kind);
	r = tracer_prefilter(pf->top, kind == CH_STRICT, &pf->prog, &pf->len);
	ck_assert_msg(r == 0, "%s: tracer_prefilter() = %d", chain_names[kind],
		      r);
	ck_assert_ptr_nonnull(pf->prog);
	ck_assert_uint_gt(pf->len, 0);
	ck_assert_uint_le(pf->len, CBPF_MAXINSNS);
	r = bpf_prog_check(pf->prog, pf->len, &err);
	ck_assert_msg(r == 0, "%s: prefilter refused at insn %u: %s",
		      chain_names[kind], err.insn, err.msg);
}

static void
prefilter_free(struct prefilter *pf)
{
	free(pf->prog);
	bpf_filter_unref(pf->top);
}

/* Run the prefilter on @sd and compare with expected(). */
static uint32_t
check_one(struct prefilter *pf, const struct seccomp_data *sd)
{
	uint32_t got = bpf_prog_run_naive(pf->prog, pf->len, sd, NULL);
	uint32_t want = expected(pf->top, sd);

	ck_assert_msg(got == want,
		      "%s: arch 0x%08x nr %d (0x%08x) arg0 0x%llx arg1 0x%llx: "
		      "prefilter says 0x%08x, want 0x%08x",
		      chain_names[pf->kind], sd->arch, sd->nr, (uint32_t)sd->nr,
		      (unsigned long long)sd->args[0],
		      (unsigned long long)sd->args[1], got, want);
	if (got == ALLOW)
		pf->n_allow++;
	else
		pf->n_trace++;
	return got;
}

/* @nr under @arch with ARG_ROUNDS random argument sets. */
static void
check_nr(struct prefilter *pf, uint32_t arch, int32_t nr)
{
	struct seccomp_data sd;
	int i;

	for (i = 0; i < ARG_ROUNDS; i++) {
		data_random(&sd, arch, nr);
		check_one(pf, &sd);
	}
}

/* ---- the kernel's view ---- */

static int
install(const struct sock_filter *prog, size_t len)
{
	struct sock_fprog fprog = {
		.len = (unsigned short)len,
		.filter = (struct sock_filter *)prog,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) != 0)
		return errno;
	return 0;
}

/*
 * Install @prog in a child.  Returns the errno seccomp(2) failed with, 0
 * if it took the filter, or -1 if the child never said.  Once the filter
 * is in, a call it says TRACE for fails with ENOSYS (there is no tracer),
 * so the child may have no system call left to report with or to exit
 * by: it reports through shared memory, and then tries every way out.
 */
static int
install_in_child(const struct sock_filter *prog, size_t len)
{
	volatile int *result;
	pid_t pid;
	int status, r;

	result = mmap(NULL, sizeof(*result), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne((void *)result, MAP_FAILED);
	*result = -1;
	fflush(NULL);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		*result = install(prog, len);
		syscall(SYS_exit_group, 0);
		syscall(SYS_exit, 0);
		__builtin_trap();
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	r = *result;
	munmap((void *)result, sizeof(*result));
	return r;
}

/* 1: seccomp filters work here; 0: they do not (and say why once). */
static int
kernel_ok(void)
{
	static int ok = -1;
	struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K, ALLOW) };
	int r;

	if (ok >= 0)
		return ok;
	r = install_in_child(allow, 1);
	ok = r == 0;
	if (!ok)
		fprintf(stderr,
			"check_prefilter: seccomp(SET_MODE_FILTER) unavailable "
			"(%d: %s): kernel checks skipped\n",
			r, r > 0 ? strerror(r) : "no answer");
	return ok;
}

/* ---- the tests ---- */

START_TEST(test_prefilter_all_numbers)
{
	const struct bpf_cache_layout *lay = arch_cache_layout_host();
	const struct arch_abi *x32 = arch_abi_by_name("x32");
	static const int32_t odd[] = {
		INT32_MIN,	INT32_MIN + 1, -4096,
		-513,		-512,	       -3,
		0x7fffffff,	0x3fffffff,    0x40000000,
		0x80000000 - 2, 0x00010000,    0x00010001,
		0x0000ffff,	0x20000000,    0x10000,
	};
	struct prefilter pf;
	size_t i, j;
	int32_t nr;

	prefilter_make((enum chain_kind)_i, &pf);
	for (i = 0; i < lay->n_abis; i++) {
		uint32_t arch = lay->abi[i].audit_arch;
		int32_t count = (int32_t)lay->abi[i].nr_count;

		for (nr = -2; nr <= count + 8; nr++)
			check_nr(&pf, arch, nr);
		for (j = 0; j < ARRAY_SIZE(odd); j++)
			check_nr(&pf, arch, odd[j]);
		/* x32 numbers: bit 30 on the x86_64 arch (and, harmlessly,
		 * on the others) */
		for (nr = 0; nr < 16; nr++)
			check_nr(
			    &pf, arch,
			    (int32_t)(ARCH_X32_SYSCALL_BIT | (uint32_t)nr));
		for (j = 0; j < 16; j++)
			check_nr(&pf, arch,
				 (int32_t)(ARCH_X32_SYSCALL_BIT |
					   (uint32_t)(rng() % 1024)));
		for (j = 0; j < 64; j++)
			check_nr(&pf, arch, (int32_t)rng());
	}
	/* x32 numbers must stop even where the x86_64 number passes */
	if (x32 && tab_for(x32->audit_arch)) {
		struct seccomp_data sd;
		int32_t read_nr = arch_syscall_nr(x32, "read");

		ck_assert_int_ge(read_nr, 0);
		ck_assert_uint_ne((uint32_t)read_nr & ARCH_X32_SYSCALL_BIT, 0);
		data_random(&sd, x32->audit_arch, read_nr);
		ck_assert_uint_eq(check_one(&pf, &sd), TRACE);
	}
	/* the expectations were not all one way */
	ck_assert_uint_gt(pf.n_trace, 0);
	if (pf.kind == CH_STRICT)
		ck_assert_uint_ge(pf.n_allow, 6 * ARG_ROUNDS);
	else if (pf.kind != CH_LOG)
		ck_assert_msg(pf.n_allow > 100, "%s: only %u calls allowed",
			      chain_names[pf.kind], pf.n_allow);
	prefilter_free(&pf);
}
END_TEST

START_TEST(test_prefilter_unknown_arch)
{
	static const uint32_t arches[] = {
		0,
		0xffffffff,
		AUDIT_ARCH_X86_64 ^ 1,
		AUDIT_ARCH_I386 ^ 0x80000000,
		AUDIT_ARCH_AARCH64,
		AUDIT_ARCH_ARM,
		AUDIT_ARCH_X86_64,
		AUDIT_ARCH_I386,
		AUDIT_ARCH_PPC64LE,
		AUDIT_ARCH_S390X,
		AUDIT_ARCH_RISCV64,
		AUDIT_ARCH_MIPSEL64,
	};
	struct seccomp_data sd;
	struct prefilter pf;
	size_t i;
	int32_t nr;

	prefilter_make((enum chain_kind)_i, &pf);
	for (i = 0; i < ARRAY_SIZE(arches); i++) {
		if (tab_for(arches[i]))
			continue;
		for (nr = -2; nr < 520; nr++) {
			data_random(&sd, arches[i], nr);
			ck_assert_uint_eq(check_one(&pf, &sd), TRACE);
		}
	}
	for (i = 0; i < 1000; i++) {
		uint32_t arch = (uint32_t)rng();

		if (tab_for(arch))
			continue;
		data_random(&sd, arch, (int32_t)(rng() % 600));
		ck_assert_uint_eq(check_one(&pf, &sd), TRACE);
	}
	prefilter_free(&pf);
}
END_TEST

/* The always-traced set, by name, stops even under allow-all. */
START_TEST(test_prefilter_always_traced)
{
	struct prefilter pf;
	size_t i, j;

	prefilter_make(CH_ALLOW, &pf);
	for (i = 0; i < n_tabs; i++) {
		const struct abi_tab *t = &tabs[i];
		unsigned int n_named = 0, n_flagged = 0;
		uint32_t nr;

		for (j = 0; j < ARRAY_SIZE(always_names); j++) {
			int32_t n = arch_syscall_nr(t->abi, always_names[j]);
			struct seccomp_data sd;
			int k;

			if (n < 0)
				continue;
			n_named++;
			ck_assert_msg(tracer_always_traced(t->abi, n),
				      "%s: %s (%d) not always traced",
				      t->abi->name, always_names[j], n);
			ck_assert_msg(
			    bpf_filter_cached(pf.top, t->slot->audit_arch, n),
			    "%s: allow-all does not cache %s", t->abi->name,
			    always_names[j]);
			for (k = 0; k < 8; k++) {
				data_random(&sd, t->slot->audit_arch, n);
				if (k == 0)
					memset(sd.args, 0, sizeof(sd.args));
				ck_assert_msg(bpf_prog_run_naive(pf.prog,
								 pf.len, &sd,
								 NULL) == TRACE,
					      "%s: %s (%d) does not stop",
					      t->abi->name, always_names[j], n);
			}
		}
		/* and nothing else is in the set */
		for (nr = 0; nr < t->slot->nr_count; nr++)
			n_flagged += t->always[nr];
		ck_assert_msg(n_flagged == n_named,
			      "%s: %u numbers always traced, %u named",
			      t->abi->name, n_flagged, n_named);
		/* the core of the set exists on every ABI */
		ck_assert_uint_ge(n_named, 10);
		ck_assert(!tracer_always_traced(t->abi, -1));
		ck_assert(!tracer_always_traced(
		    t->abi, arch_syscall_nr(t->abi, "getpid")));
	}
	prefilter_free(&pf);
}
END_TEST

/*
 * The calls watched for their arguments, under allow-all: exactly those
 * arguments stop, on the low 32 bits only (they are all int arguments).
 */
START_TEST(test_prefilter_watched)
{
	static const struct {
		const char *name;
		unsigned int arg;
		uint64_t val;
		bool stops;
	} cases[] = {
		{ "fcntl", 1, 10 /* F_SETSIG */, true },
		{ "fcntl", 1, 0xffffffff0000000aULL, true },
		{ "fcntl", 1, 1 /* F_GETFD */, false },
		{ "fcntl", 1, 11 /* F_GETSIG */, false },
		{ "fcntl64", 1, 10, true },
		{ "fcntl64", 1, 3, false },
		{ "prlimit64", 0, 0, false },
		{ "prlimit64", 0, 0x100000000ULL, false },
		{ "prlimit64", 0, 1, true },
		{ "setpriority", 1, 0, false },
		{ "setpriority", 1, 4242, true },
		{ "ioprio_set", 1, 0, false },
		{ "ioprio_set", 1, 1, true },
		{ "sched_setaffinity", 0, 0, false },
		{ "sched_setaffinity", 0, 77, true },
		{ "sched_setscheduler", 0, 0, false },
		{ "sched_setscheduler", 0, 0xffffffffULL, true },
		{ "sched_setparam", 0, 0, false },
		{ "sched_setparam", 0, 2, true },
		{ "sched_setattr", 0, 0, false },
		{ "sched_setattr", 0, 3, true },
	};
	struct prefilter pf;
	unsigned int n_run = 0;
	size_t i, j;

	prefilter_make(CH_ALLOW, &pf);
	for (i = 0; i < n_tabs; i++) {
		const struct abi_tab *t = &tabs[i];

		for (j = 0; j < ARRAY_SIZE(cases); j++) {
			int32_t nr = arch_syscall_nr(t->abi, cases[j].name);
			struct seccomp_data sd;
			uint32_t got;

			if (nr < 0)
				continue;
			data_random(&sd, t->slot->audit_arch, nr);
			memset(sd.args, 0, sizeof(sd.args));
			sd.args[cases[j].arg] = cases[j].val;
			ck_assert(tracer_watched(t->abi, nr, NULL));
			ck_assert(watched_now(t->abi, &sd) == cases[j].stops);
			got = check_one(&pf, &sd);
			ck_assert_msg(got == (cases[j].stops ? TRACE : ALLOW),
				      "%s: %s arg%u = 0x%llx: 0x%08x",
				      t->abi->name, cases[j].name, cases[j].arg,
				      (unsigned long long)cases[j].val, got);
			n_run++;
		}
	}
	ck_assert_uint_ge(n_run, 15);
	prefilter_free(&pf);
}
END_TEST

START_TEST(test_prefilter_errors)
{
	struct sock_filter *prog = (struct sock_filter *)0x1;
	size_t len = 17;

	ck_assert_int_eq(tracer_prefilter(NULL, false, &prog, &len), -EINVAL);
	ck_assert_ptr_eq(prog, (struct sock_filter *)0x1);
	ck_assert_uint_eq(len, 17);
}
END_TEST

/* The kernel takes every prefilter: the validator above is not enough. */
START_TEST(test_prefilter_kernel)
{
	struct prefilter pf;
	int r;

	prefilter_make((enum chain_kind)_i, &pf);
	if (kernel_ok()) {
		r = install_in_child(pf.prog, pf.len);
		ck_assert_msg(r == 0,
			      "%s: the kernel refused the prefilter "
			      "(%d instructions): %d %s",
			      chain_names[pf.kind], (int)pf.len, r,
			      r > 0 ? strerror(r) : "");
	}
	prefilter_free(&pf);
}
END_TEST

static Suite *
prefilter_suite(void)
{
	Suite *s = suite_create("prefilter");
	TCase *tc;

	tc = tcase_create("tracer_prefilter");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_prefilter_all_numbers, 0, CH_COUNT);
	tcase_add_loop_test(tc, test_prefilter_unknown_arch, 0, CH_COUNT);
	tcase_add_test(tc, test_prefilter_always_traced);
	tcase_add_test(tc, test_prefilter_watched);
	tcase_add_test(tc, test_prefilter_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("kernel");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_prefilter_kernel, 0, CH_COUNT);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(prefilter_suite());
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
