/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The reference for policy_compile(): what a struct policy means, worked
 * out directly from the rules, with nothing from src/policy/compile.c.
 * check_compile and check_compile_kernel compare the compiled programs'
 * verdicts with it.
 */
#ifndef SANDBOXD_TESTS_COMPILE_REF_H
#define SANDBOXD_TESTS_COMPILE_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "policy/policy.h"

/* What a call gets, by the semantics in sandbox-bpf(1), "COMPILING". */
struct ref_verdict {
	uint32_t action;
	bool conflict;	  /* two rules with different actions match */
	bool badarch;	  /* no ABI of the filter takes the call */
	size_t n_matched; /* rules that match */
};

/**
 * ref_decide() - the verdict for a call, from @p's rules.
 * @abis, @n_abis: the ABIs the filter covers.
 * @audit_arch, @nr, @args: the call as seccomp_data has it.
 *
 * Rules are found by number with arch_syscall_nr(), so it knows nothing
 * of socketcall(2) and ipc(2): policies given to it must not name the
 * calls those multiplex on ABIs that have them.
 */
struct ref_verdict ref_decide(const struct policy *p,
			      const struct arch_abi *const *abis, size_t n_abis,
			      uint32_t audit_arch, int32_t nr,
			      const uint64_t args[6]);

/** ref_holds() - one condition on a value, in a @bits wide ABI. */
bool ref_holds(const struct policy_cond *c, uint64_t x, unsigned bits);

#endif /* SANDBOXD_TESTS_COMPILE_REF_H */
