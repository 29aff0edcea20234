/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The policy compiler's inside, for sandbox-bpf and the tests: the plan
 * policy_compile() hands to libseccomp, the model of what the compiled
 * filter decides (for `sandbox-bpf explain`), and input format detection.
 * Private to src/policy, src/sandbox-bpf.c, tests/ and bench/: policy.h is
 * the module's public header.
 */
#ifndef SANDBOXD_POLICY_COMPILE_H
#define SANDBOXD_POLICY_COMPILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "arch/arch.h"
#include "policy/policy.h"

/*
 * What policy_compile() does when it is given no options: libseccomp's
 * binary tree (bench/README.md, "bench/policy", says why).
 */
#define POLICY_COMPILE_TREE_DEFAULT true

/*
 * A conjunction of comparisons of one argument is rewritten into at most
 * this many rules (policy_compile() in compile.c), and one IR rule into
 * at most POLICY_MAX_EXPANSION; beyond that it is refused.
 */
#define POLICY_MAX_DISJUNCTS 128
#define POLICY_MAX_EXPANSION 256
/* ... and libseccomp gets at most this many rules for one call. */
#define POLICY_MAX_CALL_RULES 256

/**
 * policy_compile_warn() - policy_compile(), with warnings.
 * @warn, @data: get each "FILE:LINE:COL: warning: ..." message: a rule
 *	that can never match, one an unconditional rule overrides, values
 *	a 32-bit ABI truncates, conditions socketcall(2) or ipc(2) bypass.
 *	NULL drops them.
 *
 * Otherwise as policy_compile(): the program is in host byte order
 * whatever the ABIs' order (sandbox-bpf writes it in theirs).
 */
int policy_compile_warn(const struct policy *p,
			const struct policy_compile_opts *o,
			policy_warn_fn warn, void *data,
			struct sock_filter **ret, size_t *ret_len,
			struct policy_diag *d);

/*
 * struct policy_plan - a policy analysed for its ABIs: the rules as
 * libseccomp will get them, and which rule decides which calls.  Opaque;
 * made by policy_plan_new(), freed by policy_plan_free().  It points into
 * the struct policy it was made from, which must outlive it.
 */
struct policy_plan;

/**
 * policy_plan_new() - analyse @p as policy_compile() would.
 * @o: NULL for the defaults.
 * @warn, @data: as for policy_compile_warn().
 * @ret: receives the plan; caller frees it with policy_plan_free().
 * @d: the error, at the rule's location.
 *
 * Returns 0, -EINVAL for a policy policy_compile() refuses, or -errno.
 */
int policy_plan_new(const struct policy *p, const struct policy_compile_opts *o,
		    policy_warn_fn warn, void *data, struct policy_plan **ret,
		    struct policy_diag *d);

/** policy_plan_free() - free @plan; accepts NULL. */
void policy_plan_free(struct policy_plan *plan);

/**
 * policy_plan_compile() - the cBPF program for @plan, in host byte order.
 * @ret, @ret_len: receive it (caller frees *@ret with free()).
 * Returns 0, -EINVAL with @d set when libseccomp refuses a rule, or -errno.
 */
int policy_plan_compile(const struct policy_plan *plan,
			struct sock_filter **ret, size_t *ret_len,
			struct policy_diag *d);

/**
 * policy_plan_abis() - the ABIs the filter covers, in the order its arch
 * checks come.  Returns their number; *@ret points into @plan.
 */
size_t policy_plan_abis(const struct policy_plan *plan,
			const struct arch_abi *const **ret);

/** policy_plan_big_endian() - whether the filter's ABIs are big-endian. */
bool policy_plan_big_endian(const struct policy_plan *plan);

/* How a rule's calls reach the filter on one ABI. */
struct policy_route {
	int32_t nr;	   /* seccomp_data.nr */
	bool mux;	   /* through socketcall(2) or ipc(2) */
	uint32_t mux_call; /* then: arg0, the call it selects */
};

/**
 * policy_routes() - where libseccomp 2.5.4 puts a rule for @name on @abi:
 * its number, and on the ABIs that multiplex socket and SysV IPC calls
 * (x86, s390, ppc, mips o32) also socketcall(2) or ipc(2) with arg0
 * selecting the call.
 * @ret: room for two routes.
 *
 * Returns the number of routes, 0 when the call does not exist on @abi,
 * or -ENOENT when libseccomp does not know @name at all.
 */
int policy_routes(const struct arch_abi *abi, const char *name,
		  struct policy_route ret[2]);

/* Why a call gets the action it gets; see policy_plan_decide(). */
enum policy_why {
	POLICY_WHY_BADARCH,	  /* the ABI is not in the filter */
	POLICY_WHY_DEFAULT,	  /* no rule matches */
	POLICY_WHY_RULE,	  /* matching rules, all with one action */
	POLICY_WHY_UNCONDITIONAL, /* a rule without conditions takes all */
};

/* What one rule that names the call says about it. */
struct policy_decision_rule {
	size_t rule; /* index in the policy's rules */
	struct policy_route route;
	bool unconditional; /* no condition that can be false here */
	bool matches;	    /* every condition holds */
	bool decides;	    /* this rule gives the action */
	unsigned cond_true; /* bit i: the rule's condition i holds */
	bool mux_true;	    /* route.mux: arg0 == route.mux_call */
	bool truncated;	    /* 32-bit ABI: values cut to 32 bits */
};

#define POLICY_DECISION_MAX_RULES 64

/*
 * struct policy_decision - the model's account of one call: what the
 * compiled filter returns for it, and which rules say so.
 */
struct policy_decision {
	enum policy_why why;
	uint32_t action;
	const struct arch_abi *abi; /* NULL for POLICY_WHY_BADARCH */
	size_t n_rules;		    /* rules that name the call */
	size_t n_more;		    /* ... past the POLICY_DECISION_MAX_RULES */
	struct policy_decision_rule rules[POLICY_DECISION_MAX_RULES];
};

/**
 * policy_plan_decide() - what the filter compiled from @plan returns for a
 * call, worked out from the rules rather than by running the program.
 * @audit_arch, @nr, @args: the call as seccomp_data has it (args as the
 *	values the task passed, whatever the ABI's byte order).
 * @ret: filled in.
 */
void policy_plan_decide(const struct policy_plan *plan, uint32_t audit_arch,
			int32_t nr, const uint64_t args[6],
			struct policy_decision *ret);

/**
 * policy_cond_format() - "arg0 == 5", "arg1 & 0xf0 == 0x10": @c as a
 * policy would write it, numbers below 4096 in decimal, others in hex.
 */
void policy_cond_format(const struct policy_cond *c, char *buf, size_t size);

/**
 * policy_action_format() - "ALLOW", "ERRNO(1)", "TRAP(3)", "TRACE(7)",
 * ... as sandbox-bpf sim prints actions, with the data where it has one.
 */
void policy_action_format(uint32_t action, char *buf, size_t size);

/**
 * policy_explain_text() - the lines `sandbox-bpf explain` prints about
 * @dec: a "because: ..." line, then one line per rule that names the call
 * with one indented line per condition, true or false for @args.
 * @pl, @p: the plan @dec came from, and its policy.
 * @name: the system call's name, for the text.
 * @ret: receives the text; caller frees it with free().
 *
 * Returns 0 or -ENOMEM.
 */
int policy_explain_text(const struct policy_plan *pl, const struct policy *p,
			const struct policy_decision *dec, const char *name,
			const uint64_t args[6], char **ret);

/**
 * policy_prog_walk() - run a program with bpf_prog_trace_naive(), noting
 * the index of each instruction executed.
 * @prog, @len: a program bpf_prog_check() accepts.
 * @sd: the call, laid out as the filter loads it.
 * @pcs, @cap: room for the indexes; the first @cap are written.
 * @ret_n: receives how many instructions ran.
 *
 * Returns the program's return value.
 */
uint32_t policy_prog_walk(const struct sock_filter *prog, size_t len,
			  const struct seccomp_data *sd, uint32_t *pcs,
			  size_t cap, size_t *ret_n);

/* What a policy input is; see policy_detect(). */
enum policy_format {
	POLICY_FORMAT_LANG, /* the native .policy language */
	POLICY_FORMAT_JSON, /* OCI, Docker or Podman JSON */
	POLICY_FORMAT_RAW,  /* a raw filter: struct sock_filter records */
	POLICY_FORMAT_TEXT, /* BPF text, as sandbox-bpf asm reads it */
};

/**
 * policy_detect() - tell the input formats apart by their first bytes.
 * @buf, @len: the whole input.
 *
 * JSON starts with '{' after white space.  Bytes that are not text (a NUL,
 * or a control character other than white space) are a raw filter.  Text
 * whose first line that is not blank starts with ';', or whose first
 * instruction word after any "label:" is a BPF mnemonic ("ld", "jeq",
 * "ret", ...), is BPF text.  Anything else is the policy language.
 */
enum policy_format policy_detect(const char *buf, size_t len);

/** policy_format_name() - "policy", "JSON", "raw BPF", "BPF text". */
const char *policy_format_name(enum policy_format f);

#endif /* SANDBOXD_POLICY_COMPILE_H */
