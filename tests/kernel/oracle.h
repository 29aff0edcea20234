/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The kernel oracle: what check_oracle's parts share.  oracle-run.c runs
 * filters and probe calls in forked children under the real seccomp;
 * oracle-gen.c makes random programs; probe.S holds the probe calls.
 * x86_64 only: the probes are x86_64 and int $0x80 instructions.
 */
#ifndef SANDBOXD_TESTS_ORACLE_H
#define SANDBOXD_TESTS_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "bpf/bpf.h"

/* The most filters one probe child installs. */
#define ORACLE_MAX_CHAIN 8
/* The most programs one stacking child tries in sequence. */
#define ORACLE_STACK_MAX 512
/* The guard's length: ld [0]; jeq #nr, 1, 0; ret ALLOW; ld #0. */
#define ORACLE_GUARD_LEN 4

#define ORACLE_NR_GETPPID_X86_64 110
#define ORACLE_NR_GETPPID_I386	 64
/* No syscall on either ABI: an allowed call returns -ENOSYS. */
#define ORACLE_NR_UNALLOCATED 1000

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a SECCOMP_RET_TRAP SIGSYS */
#endif

/*
 * probe.S.  struct oracle_regs is read by offset there: nr at 0, args at
 * 8 + 8 * i.  The _after symbols are the addresses right after the syscall
 * instruction, which seccomp reports as instruction_pointer.
 */
struct oracle_regs {
	uint64_t nr;
	uint64_t args[6];
};

long oracle_probe_x86_64(const struct oracle_regs *r);
long oracle_probe_i386(const struct oracle_regs *r);
extern const char oracle_probe_x86_64_after[];
extern const char oracle_probe_i386_after[];

/* probe.S: what the oracle's children use instead of libc */
long oracle_syscall6(long nr, long a1, long a2, long a3, long a4, long a5,
		     long a6);
long oracle_clone(unsigned long flags, void *stack_top, int *ctid,
		  int (*fn)(void *), void *arg);
void oracle_sigreturn(void);

enum oracle_abi {
	ORACLE_ABI_X86_64, /* the syscall instruction */
	ORACLE_ABI_I386,   /* int $0x80 from this 64-bit process */
};

/* How the child that makes the probe call is set up. */
enum oracle_mode {
	ORACLE_MODE_THREADED, /* probe in a second thread, SIGSYS caught */
	ORACLE_MODE_SINGLE,   /* probe in the only thread, SIGSYS caught */
	ORACLE_MODE_BLOCKED,  /* only thread, SIGSYS caught but blocked */
	ORACLE_MODE_IGNORED,  /* only thread, SIGSYS set to SIG_IGN */
};

struct oracle_call {
	enum oracle_abi abi;
	enum oracle_mode mode;
	uint32_t nr;
	uint64_t args[6]; /* all 64 bits go into the registers */
};

struct oracle_filter {
	const struct sock_filter *insns;
	size_t len;
};

enum oracle_obs_kind {
	ORACLE_OBS_RETURNED,	/* the probe returned (maybe after a SIGSYS) */
	ORACLE_OBS_THREAD_DIED, /* the probe thread died, the process lived */
	ORACLE_OBS_KILLED,	/* the process died of a signal */
	ORACLE_OBS_EXITED,	/* the process exited without a probe result */
	ORACLE_OBS_TIMEOUT,	/* the child hung and was killed */
};

/*
 * struct oracle_obs - what a probe call observably did.
 * @ret: RETURNED: rax as the probe returned it.
 * @sig: KILLED: the signal; EXITED: the exit status.
 * @trapped: a SIGSYS handler ran; the sig_ fields are its siginfo
 *           and the interrupted context's rip.
 */
struct oracle_obs {
	enum oracle_obs_kind kind;
	int64_t ret;
	int sig;
	bool trapped;
	int sig_code;
	int sig_errno;
	int sig_syscall;
	uint32_t sig_arch;
	uint64_t sig_call_addr;
	uint64_t sig_rip;
};

/* oracle-run.c */

/**
 * oracle_i386_ok - whether int $0x80 works here (ia32 emulation on).
 * Set by oracle_findings_probe().
 */
extern bool oracle_i386_ok;

/**
 * oracle_findings_probe() - learn from the kernel how it fills seccomp_data
 * for each probe: which bits of the argument registers and of the
 * instruction pointer a filter sees.  Call once, before any oracle_run().
 * @ret_text: receives a malloc()ed one-paragraph description.
 * Returns 0, or -errno if the harness could not find out.
 */
int oracle_findings_probe(char **ret_text);

/**
 * oracle_call_data() - the seccomp_data the kernel builds for @c, as the
 * findings describe it.
 */
void oracle_call_data(const struct oracle_call *c, struct seccomp_data *ret);

/** oracle_call_ip() - the address right after @abi's syscall instruction. */
uint64_t oracle_call_ip(enum oracle_abi abi);

/** oracle_abi_arch() - AUDIT_ARCH of calls through @abi. */
uint32_t oracle_abi_arch(enum oracle_abi abi);

/**
 * oracle_run() - install @n filters in a fresh child, in order, then make
 * the call @c in it and observe what happens.
 * @ret_install_err: receives, per filter, 0 or the errno seccomp(2) gave.
 * Filters the kernel refused are skipped; the rest stay installed.
 * Returns 0, or -errno if the harness itself failed.
 */
int oracle_run(const struct oracle_filter *f, size_t n,
	       const struct oracle_call *c, int *ret_install_err,
	       struct oracle_obs *ret);

/**
 * oracle_kernel_accepts() - try to install @prog in a fresh child.
 * @ret_errno: receives 0 if the kernel took it, else seccomp(2)'s errno.
 * The child exits right after, so @prog must let exit_group() through if
 * it is accepted (the guard does).  Returns 0 or -errno (harness).
 */
int oracle_kernel_accepts(const struct sock_filter *prog, size_t len,
			  int *ret_errno);

/**
 * oracle_kernel_stack() - in one fresh child, install @seq[0], @seq[1], ...
 * in order, going on after failures.
 * @ret_err: receives 0 or the errno per entry (@n <= ORACLE_STACK_MAX).
 * Every program must allow the calls a process makes to install filters
 * and exit.  Returns 0 or -errno (harness).
 */
int oracle_kernel_stack(const struct oracle_filter *seq, size_t n,
			int *ret_err);

/*
 * Children side by side: each of oracle_slots() slots runs one child at a
 * time.  A _start function starts one on @slot and returns at once; the
 * matching _finish waits for it and has the results, as the synchronous
 * functions above would.  Whatever a _start was given must stay unchanged
 * until its _finish.  The synchronous functions use slot 0.
 */
#define ORACLE_MAX_SLOTS 4

/** oracle_slots() - one slot per CPU, at most ORACLE_MAX_SLOTS. */
unsigned int oracle_slots(void);

int oracle_run_start(unsigned int slot, const struct oracle_filter *f, size_t n,
		     const struct oracle_call *c);
int oracle_run_finish(unsigned int slot, int *ret_install_err,
		      struct oracle_obs *ret);
int oracle_accept_start(unsigned int slot, const struct sock_filter *prog,
			size_t len);
int oracle_accept_finish(unsigned int slot, int *ret_errno);

/*
 * oracle_stack_repeat_start() - in a fresh child, install @prog again and
 * again until seccomp(2) fails or @max copies are in.  Its _finish gives
 * the number installed and the errno of the failure (0 if @max was
 * reached).  Same conditions on @prog as oracle_kernel_stack().
 */
int oracle_stack_repeat_start(unsigned int slot, const struct sock_filter *prog,
			      size_t len, size_t max);
int oracle_stack_repeat_finish(unsigned int slot, size_t *ret_count,
			       int *ret_errno);

/** oracle_obs_equal() - same observable outcome? */
bool oracle_obs_equal(const struct oracle_obs *a, const struct oracle_obs *b);

/** oracle_obs_format() - one line of English for @o into @buf. */
void oracle_obs_format(const struct oracle_obs *o, char *buf, size_t size);

/* oracle-gen.c */

/* splitmix64: small, fast, and the same sequence everywhere. */
struct oracle_rng {
	uint64_t s;
};

void oracle_rng_seed(struct oracle_rng *r, uint64_t seed);
uint64_t oracle_rng_next(struct oracle_rng *r);
/** oracle_rng_below() - uniform in [0, n); 0 when n is 0. */
uint32_t oracle_rng_below(struct oracle_rng *r, uint32_t n);

/**
 * oracle_pool_value() - a 32-bit value that a filter and a call are likely
 * to share: 0, 1, all ones, sign bits, the probe numbers, the AUDIT_ARCH
 * values, the halves of the probes' instruction pointers, a few patterns,
 * or noise.  Drawing both jump constants and arguments from it makes
 * comparisons come out true often enough to matter.
 */
uint32_t oracle_pool_value(struct oracle_rng *r);

/** oracle_pool_arg() - a 64-bit argument built from two pool values. */
uint64_t oracle_pool_arg(struct oracle_rng *r);

/** oracle_gen_ret() - a RET K value: every action, unknown ones, data. */
uint32_t oracle_gen_ret(struct oracle_rng *r);

/**
 * struct oracle_gen_opts - how oracle_gen_prog() draws a program.
 * @maxlen: the longest program to make (at least 1).
 * @len: if not 0, the length to make (at most @maxlen).
 * @loose: also load scratch words that may not have been stored, so the
 *         kernel's data-flow check has something to refuse.
 * @rets: RET K values to prefer (ties and precedence in chains), or NULL.
 */
struct oracle_gen_opts {
	size_t maxlen;
	size_t len;
	bool loose;
	const uint32_t *rets;
	size_t n_rets;
};

/**
 * oracle_gen_prog() - a random, meaningful seccomp program: loads of every
 * seccomp_data word, LEN, immediates, ALU with K and X (DIV by an X that
 * may be 0, shifts), scratch stores and loads, TAX/TXA, forward jumps of
 * every kind, RET K of every action and RET A.  Without @opts->loose the
 * kernel should accept it.
 * @out: room for @opts->maxlen instructions.
 * Returns the length.
 */
size_t oracle_gen_prog(struct oracle_rng *r, const struct oracle_gen_opts *opts,
		       struct sock_filter *out);

/**
 * oracle_gen_cacheable() - a random program mostly made of what the
 * kernel's action cache emulation understands (loads of nr and arch,
 * JEQ/JGT/JGE/JSET with K, AND with K, JA, RET K) and often returning
 * ALLOW, with now and then an instruction that makes it give up.
 * @out: room for @opts->maxlen instructions.  Returns the length.
 */
size_t oracle_gen_cacheable(struct oracle_rng *r,
			    const struct oracle_gen_opts *opts,
			    struct sock_filter *out);

/**
 * oracle_mutate() - damage @prog in one to three ways: bit flips in any
 * field, classic-only and unknown opcodes, bad load offsets, DIV/MOD by 0,
 * large shifts, scratch indexes >= 16, jumps out of range, truncation,
 * extension, a last instruction that is not RET, scratch loads with no
 * store.
 * @prog: room for @maxlen instructions.
 * Returns the new length (possibly 0).
 */
size_t oracle_mutate(struct oracle_rng *r, struct sock_filter *prog, size_t len,
		     size_t maxlen);

/**
 * oracle_guard() - @body behind the guard: every call but @probe_nr is
 * allowed before @body runs, and A is 0 again when it starts.
 * @out: room for @len + ORACLE_GUARD_LEN instructions.
 * Returns the guarded length.
 */
size_t oracle_guard(struct sock_filter *out, const struct sock_filter *body,
		    size_t len, uint32_t probe_nr);

/**
 * oracle_guard_cacheable() - the guard without its ld #0, so @body starts
 * with A = @probe_nr and a @body the action cache understands keeps the
 * whole filter cacheable for the probe (ld #0 would stop the kernel's
 * emulation).  Returns the guarded length, @len + ORACLE_GUARD_LEN - 1.
 */
size_t oracle_guard_cacheable(struct sock_filter *out,
			      const struct sock_filter *body, size_t len,
			      uint32_t probe_nr);

#endif /* SANDBOXD_TESTS_ORACLE_H */
