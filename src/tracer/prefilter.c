/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The kernel prefilter: a filter the target carries in the kernel so that
 * calls the chain always allows run without a ptrace stop.  It returns
 * SECCOMP_RET_ALLOW for exactly the (ABI, nr) pairs the chain's action
 * cache proves allowed whatever the arguments, and SECCOMP_RET_TRACE for
 * everything else, so the supervisor decides those.  Nothing it ALLOWs can
 * be refused by the chain, and it never decides anything but "stop".
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "tracer/tracer.h"

/* Calls the supervisor must see whatever the policy says (DESIGN.md). */
static const char *const always_traced[] = {
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

/*
 * Calls the supervisor must see only with some arguments, which the
 * prefilter tests on the low 32 bits (all of them are int arguments):
 * those that would set a signal the supervisor cannot absorb, or act on
 * another process (the supervisor's limits and scheduling).
 */
enum watch_op {
	WATCH_EQ,
	WATCH_NE
};

static const struct watch {
	const char *name;
	unsigned int arg;
	enum watch_op op;
	uint32_t k;
} watches[] = {
	{ "fcntl", 1, WATCH_EQ, 10 /* F_SETSIG */ },
	{ "fcntl64", 1, WATCH_EQ, 10 },
	{ "prlimit64", 0, WATCH_NE, 0 },
	{ "setpriority", 1, WATCH_NE, 0 },
	{ "ioprio_set", 1, WATCH_NE, 0 },
	{ "sched_setaffinity", 0, WATCH_NE, 0 },
	{ "sched_setscheduler", 0, WATCH_NE, 0 },
	{ "sched_setparam", 0, WATCH_NE, 0 },
	{ "sched_setattr", 0, WATCH_NE, 0 },
};

bool
tracer_watched(const struct arch_abi *abi, int32_t nr, const uint64_t *args)
{
	size_t i;

	for (i = 0; i < sizeof(watches) / sizeof(watches[0]); i++) {
		const struct watch *w = &watches[i];
		uint32_t v;

		if (nr != arch_syscall_nr(abi, w->name))
			continue;
		if (!args)
			return true;
		v = (uint32_t)args[w->arg];
		return w->op == WATCH_EQ ? v == w->k : v != w->k;
	}
	return false;
}

bool
tracer_always_traced(const struct arch_abi *abi, int32_t nr)
{
	size_t i;

	for (i = 0; i < sizeof(always_traced) / sizeof(always_traced[0]); i++)
		if (nr == arch_syscall_nr(abi, always_traced[i]))
			return true;
	return false;
}

/*
 * Waits the kernel resumes through restart_syscall(2) when a signal
 * without a handler wakes them (-ERESTART_RESTARTBLOCK), restart_syscall
 * itself included.
 */
static const char *const restartable[] = {
	"nanosleep", "clock_nanosleep", "clock_nanosleep_time64", "poll",
	"futex",     "futex_time64",	"restart_syscall",
};

bool
tracer_restartable(const struct arch_abi *abi, int32_t nr)
{
	enum {
		N = sizeof(restartable) / sizeof(restartable[0])
	};
	/*
	 * Resolved once per ABI: the supervisor asks on every call it
	 * allows, and libseccomp resolves names by a linear search.
	 */
	static struct {
		const struct arch_abi *abi;
		int32_t nr[N];
	} known[BPF_CACHE_MAX_ABIS * 4];
	static size_t n_known;
	size_t a, i;

	for (a = 0; a < n_known && known[a].abi != abi; a++)
		;
	if (a == n_known) {
		if (n_known == sizeof(known) / sizeof(known[0])) {
			for (i = 0; i < N; i++)
				if (nr == arch_syscall_nr(abi, restartable[i]))
					return true;
			return false;
		}
		known[a].abi = abi;
		for (i = 0; i < N; i++)
			known[a].nr[i] = arch_syscall_nr(abi, restartable[i]);
		n_known++;
	}
	for (i = 0; i < N; i++)
		if (nr >= 0 && nr == known[a].nr[i])
			return true;
	return false;
}

bool
tracer_restart_watched(const struct bpf_filter *chain,
		       const struct arch_abi *abi, int32_t nr)
{
	int32_t restart = arch_restart_syscall_nr(abi);

	return chain && restart >= 0 &&
	       !bpf_filter_cached(chain, abi->audit_arch, restart) &&
	       tracer_restartable(abi, nr);
}

struct prog {
	struct sock_filter *insn;
	size_t len, cap;
};

static int
emit(struct prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (p->len == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;
		struct sock_filter *n = reallocarray(p->insn, cap, sizeof(*n));

		if (!n)
			return -ENOMEM;
		p->insn = n;
		p->cap = cap;
	}
	p->insn[p->len++] = (struct sock_filter){ code, jt, jf, k };
	return 0;
}

static bool
passes(const struct bpf_filter *chain, bool strict, const struct arch_abi *abi,
       int32_t nr)
{
	if (tracer_always_traced(abi, nr))
		return false;
	if (!strict && tracer_restart_watched(chain, abi, nr))
		return false;
	if (strict)
		return arch_strict_allows(abi, nr);
	return bpf_filter_cached(chain, abi->audit_arch, nr);
}

/*
 * One ABI's section: runs with the number in A.  Each maximal run of
 * passed numbers [lo, hi] costs four instructions with local returns, so
 * no jump ever needs more than the 8 bits cBPF gives it.
 */
static int
emit_section(struct prog *p, const struct bpf_filter *chain, bool strict,
	     const struct arch_abi *abi, uint32_t nr_count, uint32_t x32_flag)
{
	const uint32_t trace = SECCOMP_RET_TRACE;
	uint32_t lo, hi;
	size_t i;
	int r = 0;

	/* calls watched for some arguments: those stop, the rest go on */
	for (i = 0; i < sizeof(watches) / sizeof(watches[0]); i++) {
		const struct watch *w = &watches[i];
		int32_t nr = arch_syscall_nr(abi, w->name);
		uint32_t off =
		    (uint32_t)offsetof(struct seccomp_data, args[w->arg]) +
		    (abi->big_endian ? 4 : 0);

		if (nr < 0)
			continue;
		r |= emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 4, (uint32_t)nr);
		r |= emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, off);
		if (w->op == WATCH_EQ)
			r |= emit(p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, w->k);
		else
			r |= emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, w->k);
		r |= emit(p, BPF_RET | BPF_K, 0, 0,
			  passes(chain, strict, abi, nr) ? SECCOMP_RET_ALLOW
							 : trace);
		r |= emit(p, BPF_RET | BPF_K, 0, 0, trace);
	}
	/* x32 numbers and negative ones (-1 included) are decided by us */
	if (x32_flag)
		r |= emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, x32_flag);
	else
		r |= emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x80000000u);
	r |= emit(p, BPF_RET | BPF_K, 0, 0, trace);
	for (lo = 0; lo < nr_count; lo = hi + 1) {
		while (lo < nr_count &&
		       !passes(chain, strict, abi, (int32_t)lo))
			lo++;
		if (lo == nr_count)
			break;
		hi = lo;
		while (hi + 1 < nr_count &&
		       passes(chain, strict, abi, (int32_t)(hi + 1)))
			hi++;
		r |= emit(p, BPF_JMP | BPF_JGT | BPF_K, 3, 0, hi);
		r |= emit(p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, lo);
		r |= emit(p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
		r |= emit(p, BPF_RET | BPF_K, 0, 0, trace);
	}
	r |= emit(p, BPF_RET | BPF_K, 0, 0, trace);
	return r;
}

int
tracer_prefilter(const struct bpf_filter *chain, bool strict,
		 struct sock_filter **ret, size_t *ret_len)
{
	const struct bpf_cache_layout *lay = arch_cache_layout_host();
	const struct arch_abi *x32 = arch_abi_by_name("x32");
	struct prog p = { 0 };
	size_t i, ja[BPF_CACHE_MAX_ABIS];
	int r = 0;

	if (!chain && !strict)
		return -EINVAL;
	/*
	 * Dispatch on arch.  A section can be longer than a conditional jump
	 * reaches, so each match goes through a BPF_JA, whose offset is 32
	 * bits, patched once the section's start is known.
	 */
	r |= emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		  offsetof(struct seccomp_data, arch));
	for (i = 0; i < lay->n_abis; i++) {
		r |= emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1,
			  lay->abi[i].audit_arch);
		ja[i] = p.len;
		r |= emit(&p, BPF_JMP | BPF_JA, 0, 0, 0);
	}
	r |= emit(&p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRACE);
	for (i = 0; i < lay->n_abis && r == 0; i++) {
		const struct arch_abi *abi =
		    arch_abi_by_audit(lay->abi[i].audit_arch, 0);
		uint32_t flag = 0;

		if (x32 && x32->audit_arch == lay->abi[i].audit_arch)
			flag = x32->nr_flag;
		p.insn[ja[i]].k = (uint32_t)(p.len - ja[i] - 1);
		r |= emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
			  offsetof(struct seccomp_data, nr));
		r |= emit_section(&p, chain, strict, abi, lay->abi[i].nr_count,
				  flag);
	}
	if (r != 0) {
		free(p.insn);
		return -ENOMEM;
	}
	if (p.len > BPF_MAXINSNS) {
		free(p.insn);
		return -E2BIG;
	}
	*ret = p.insn;
	*ret_len = p.len;
	return 0;
}

int
tracer_vsyscall_filter(struct sock_filter **ret, size_t *ret_len)
{
	const struct arch_abi *host = arch_abi_host();
	uint64_t page = arch_vsyscall_page();
	struct prog p = { 0 };
	int r = 0;

	*ret = NULL;
	*ret_len = 0;
	if (!page)
		return 0;
	/* the instruction pointer, in halves, in host (little) byte order */
	r |= emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		  offsetof(struct seccomp_data, arch));
	r |= emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 5, host->audit_arch);
	r |= emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		  offsetof(struct seccomp_data, instruction_pointer) + 4);
	r |= emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, (uint32_t)(page >> 32));
	r |= emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0,
		  offsetof(struct seccomp_data, instruction_pointer));
	r |= emit(&p, BPF_ALU | BPF_AND | BPF_K, 0, 0, 0xfffff000u);
	r |= emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, (uint32_t)page);
	r |= emit(&p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_ALLOW);
	r |= emit(&p, BPF_RET | BPF_K, 0, 0, SECCOMP_RET_TRACE);
	if (r != 0) {
		free(p.insn);
		return -ENOMEM;
	}
	*ret = p.insn;
	*ret_len = p.len;
	return 0;
}
