/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * bpf: the classic-BPF seccomp engine.
 *
 * Validator, interpreter, chain evaluation and action cache, each
 * reproducing what kernel/seccomp.c and net/core/filter.c do.  The module
 * is pure: no system calls, no I/O, no global state.  Programs are arrays
 * of the kernel's own struct sock_filter in host byte order.
 */
#ifndef SANDBOXD_BPF_H
#define SANDBOXD_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#define CBPF_MAXINSNS		4096  /* BPF_MAXINSNS */
#define CBPF_MAX_INSNS_PER_PATH 32768 /* kernel/seccomp.c: (1 << 18) / 8 */
#define CBPF_PATH_PENALTY	4     /* per already-attached filter */
#define CBPF_MEMWORDS		16
#define CBPF_DATA_SIZE		64 /* sizeof(struct seccomp_data) */
#define CBPF_MAX_ERRNO		4095

/* Older uapi headers lack some actions; the values are ABI. */
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_RET_KILL_THREAD
#define SECCOMP_RET_KILL_THREAD 0x00000000U
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif
#ifndef SECCOMP_RET_ACTION_FULL
#define SECCOMP_RET_ACTION_FULL 0xffff0000U
#endif

/**
 * struct bpf_error - why a program was refused.
 * @insn: index of the offending instruction.  For a length error it is
 *        the program's length.
 * @msg: one line of English, without the index.
 */
struct bpf_error {
	unsigned int insn;
	char msg[120];
};

/**
 * bpf_prog_check() - validate a program as SECCOMP_SET_MODE_FILTER does.
 * @prog: the instructions, in host byte order.
 * @len: number of instructions.
 * @ret_err: filled on failure; may be NULL.
 *
 * Runs the length check, the classic checker (bpf_check_classic()), the
 * scratch-memory data-flow check (check_load_and_stores()) and the seccomp
 * opcode check (seccomp_check_filter()) in the kernel's order, so the
 * reason given is the one the kernel would stop at.
 *
 * Returns 0 if the kernel accepts @prog, -EINVAL if it does not.
 */
int bpf_prog_check(const struct sock_filter *prog, size_t len,
		   struct bpf_error *ret_err);

/**
 * bpf_prog_xlated_len() - the length the kernel charges a filter.
 * @prog, @len: a program that bpf_prog_check() accepts.
 *
 * The kernel counts a filter by its eBPF length after bpf_convert_filter(),
 * not by its cBPF length; this is that count.
 */
unsigned int bpf_prog_xlated_len(const struct sock_filter *prog, size_t len);

/**
 * bpf_prog_run_naive() - reference interpreter, one switch per instruction.
 * @prog, @len: a program that bpf_prog_check() accepts.
 * @sd: the call, laid out as the filter will load it (host byte order).
 * @ret_count: if not NULL, receives the number of instructions executed.
 *
 * Slow on purpose: it reads struct sock_filter directly.  Tests and
 * benchmarks compare the decoded interpreter with it.
 * Returns the filter's 32-bit return value.
 */
uint32_t bpf_prog_run_naive(const struct sock_filter *prog, size_t len,
			    const struct seccomp_data *sd,
			    unsigned int *ret_count);

/**
 * bpf_prog_trace_naive() - bpf_prog_run_naive(), noting the index of each
 * instruction executed: the first @cap go to @pcs (which may be NULL with
 * @cap 0), and *@ret_count (if not NULL) gets how many ran.
 */
uint32_t bpf_prog_trace_naive(const struct sock_filter *prog, size_t len,
			      const struct seccomp_data *sd, uint32_t *pcs,
			      size_t cap, size_t *ret_count);

/**
 * bpf_prog_const_allow() - the kernel's action-cache emulation for one nr.
 * @prog, @len: a program that bpf_prog_check() accepts.
 * @arch: AUDIT_ARCH value; @nr: syscall number.
 *
 * Mirrors kernel/seccomp.c: seccomp_is_const_allow(): runs @prog knowing
 * only nr and arch and returns true iff it provably returns exactly
 * SECCOMP_RET_ALLOW whatever the arguments and instruction pointer.
 */
bool bpf_prog_const_allow(const struct sock_filter *prog, size_t len,
			  uint32_t arch, uint32_t nr);

/**
 * struct bpf_cache_abi - one ABI's slot in the action cache.
 * @audit_arch: the seccomp_data.arch value of calls through this ABI.
 * @nr_count: numbers 0..nr_count-1 are cached; others always run filters.
 * @forced: numbers the kernel never filters for this ABI (the uprobe
 *          syscalls on x86_64); cached as ALLOW whatever the filter says.
 * @n_forced: length of @forced.
 */
struct bpf_cache_abi {
	uint32_t audit_arch;
	uint32_t nr_count;
	const uint32_t *forced;
	size_t n_forced;
};

#define BPF_CACHE_MAX_ABIS 4

/**
 * struct bpf_cache_layout - which ABIs a chain caches.  The kernel has one
 * native and one compat bitmap; src/arch provides the host's layout.
 * Must outlive every filter built with it.
 */
struct bpf_cache_layout {
	size_t n_abis;
	struct bpf_cache_abi abi[BPF_CACHE_MAX_ABIS];
};

/*
 * struct bpf_filter - an attached filter: immutable, refcounted, and
 * linked to the filter it was stacked on (like the kernel's
 * struct seccomp_filter).  Opaque; see the accessors below.
 */
struct bpf_filter;

/**
 * bpf_filter_new() - validate, decode and attach a filter.
 * @prev: the chain to stack on, or NULL for the first filter.  The new
 *        filter takes its own reference on @prev.
 * @prog, @len: the program, host byte order.  It is copied.
 * @layout: the ABIs to cache; must be the same as @prev's.
 * @flags: opaque to this module (the tracer's per-filter flags).
 * @ret: receives the new filter with one reference.  Caller owns it;
 *       release with bpf_filter_unref().
 * @ret_err: filled on -EINVAL or -ENOMEM; may be NULL.
 *
 * Mirrors kernel/seccomp.c: seccomp_prepare_filter(), seccomp_attach_filter()
 * and seccomp_cache_prepare().
 * Returns 0; -EINVAL if the kernel would refuse @prog; -ENOMEM if the chain
 * would exceed MAX_INSNS_PER_PATH (as the kernel reports it) or memory ran
 * out.
 */
int bpf_filter_new(struct bpf_filter *prev, const struct sock_filter *prog,
		   size_t len, const struct bpf_cache_layout *layout,
		   uint32_t flags, struct bpf_filter **ret,
		   struct bpf_error *ret_err);

/** bpf_filter_ref() - take a reference.  Returns @f. */
struct bpf_filter *bpf_filter_ref(struct bpf_filter *f);

/**
 * bpf_filter_unref() - drop a reference; frees @f, and drops its reference
 * on the previous filter, when the last one goes.  Accepts NULL.
 * Returns NULL.
 */
struct bpf_filter *bpf_filter_unref(struct bpf_filter *f);

/** bpf_filter_prev() - the filter @f was stacked on, or NULL. */
const struct bpf_filter *bpf_filter_prev(const struct bpf_filter *f);

/** bpf_filter_prog() - the program as given (owned by @f). */
const struct sock_filter *bpf_filter_prog(const struct bpf_filter *f,
					  size_t *ret_len);

/** bpf_filter_flags() - the @flags given to bpf_filter_new(). */
uint32_t bpf_filter_flags(const struct bpf_filter *f);

/** bpf_filter_depth() - number of filters in the chain ending at @f. */
unsigned int bpf_filter_depth(const struct bpf_filter *f);

/**
 * bpf_filter_run() - run one filter on one call.
 * @sd: the call, laid out as the filter will load it (host byte order).
 * Returns the filter's 32-bit return value.
 */
uint32_t bpf_filter_run(const struct bpf_filter *f,
			const struct seccomp_data *sd);

/**
 * bpf_filter_cached() - does the action cache answer ALLOW for this call?
 * @top: the newest filter of the chain.
 *
 * Mirrors kernel/seccomp.c: seccomp_cache_check_allow(): only @top's bitmap
 * is consulted.  An arch outside the layout, or nr outside the ABI's range
 * (x32 numbers included), is never cached.
 */
bool bpf_filter_cached(const struct bpf_filter *top, uint32_t arch, int32_t nr);

/**
 * bpf_chain_run() - run every filter of a chain, newest first.
 * @top: the newest filter.
 * @ret_match: receives the filter whose value won, or NULL for ALLOW.
 *
 * Mirrors kernel/seccomp.c: seccomp_run_filters() without the cache: the
 * lowest (s32)(ret & SECCOMP_RET_ACTION_FULL) wins, ties go to the newest.
 * Returns the winning 32-bit value.
 */
uint32_t bpf_chain_run(const struct bpf_filter *top,
		       const struct seccomp_data *sd,
		       const struct bpf_filter **ret_match);

/**
 * bpf_chain_eval() - what the kernel decides for a call: the action cache,
 * then bpf_chain_run().
 */
uint32_t bpf_chain_eval(const struct bpf_filter *top,
			const struct seccomp_data *sd,
			const struct bpf_filter **ret_match);

/**
 * enum bpf_action - the action a return value has when it is applied.
 * Unknown action values act as KILL_PROCESS (kernel/seccomp.c:
 * __seccomp_filter(), "default:").
 */
enum bpf_action {
	BPF_ACT_KILL_PROCESS,
	BPF_ACT_KILL_THREAD,
	BPF_ACT_TRAP,
	BPF_ACT_ERRNO,
	BPF_ACT_USER_NOTIF,
	BPF_ACT_TRACE,
	BPF_ACT_LOG,
	BPF_ACT_ALLOW,
};

/** bpf_ret_action() - classify a 32-bit return value. */
enum bpf_action bpf_ret_action(uint32_t ret);

/** bpf_ret_known() - is the action part of @ret one the kernel defines? */
bool bpf_ret_known(uint32_t ret);

/** bpf_ret_errno() - the errno an ERRNO value sets, capped at MAX_ERRNO. */
unsigned int bpf_ret_errno(uint32_t ret);

/** bpf_action_name() - "ALLOW", "KILL_PROCESS", ... */
const char *bpf_action_name(enum bpf_action a);

/**
 * bpf_data_set_byteorder() - lay out @sd as a target of the other byte
 * order would.  Filters load 32-bit words, so a 64-bit field's halves
 * trade places when @big_endian differs from the host's order.
 */
void bpf_data_set_byteorder(struct seccomp_data *sd, bool big_endian);

/**
 * bpf_prog_from_bytes() - read a raw BPF file image.
 * @buf, @size: the file's bytes: struct sock_filter records.
 * @swap: the records are in the other byte order.
 * @ret, @ret_len: receive a new array (caller frees with free()).
 * @ret_err: filled on failure.
 *
 * Returns 0; -EINVAL if @size is not a multiple of 8; -ENOMEM.
 */
int bpf_prog_from_bytes(const void *buf, size_t size, bool swap,
			struct sock_filter **ret, size_t *ret_len,
			struct bpf_error *ret_err);

/**
 * struct bpf_text_error - where BPF text went wrong.
 * @line, @col: 1-based position.
 */
struct bpf_text_error {
	unsigned int line;
	unsigned int col;
	char msg[120];
};

/**
 * bpf_text_disasm() - render a program as text that bpf_text_asm() reads.
 * @prog, @len: any program, valid or not.
 * @ret: receives a NUL-terminated string; caller frees with free().
 * Returns 0 or -ENOMEM.
 */
int bpf_text_disasm(const struct sock_filter *prog, size_t len, char **ret);

/**
 * bpf_text_asm() - assemble BPF text.
 * @text, @size: the source (need not be NUL-terminated).
 * @ret, @ret_len: receive a new array; caller frees with free().
 * @ret_err: filled on -EINVAL.
 * Returns 0, -EINVAL on a syntax error, or -ENOMEM.
 */
int bpf_text_asm(const char *text, size_t size, struct sock_filter **ret,
		 size_t *ret_len, struct bpf_text_error *ret_err);

#endif /* SANDBOXD_BPF_H */
