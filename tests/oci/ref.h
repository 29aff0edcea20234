/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * An independent reading of OCI, Docker and Podman seccomp profiles, for
 * the tests: it walks the JSON with json-c itself, with no use of
 * src/policy, and says what runc with libseccomp 2.5.4 would make of a
 * profile and what the kernel then decides for a call.  See ref.c for
 * the semantics it models and where each comes from.
 */
#ifndef SANDBOXD_TESTS_OCI_REF_H
#define SANDBOXD_TESTS_OCI_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ref_op {
	REF_NE,
	REF_LT,
	REF_LE,
	REF_EQ,
	REF_GE,
	REF_GT,
	REF_MASKED_EQ,
};

struct ref_cond {
	unsigned int arg;
	enum ref_op op;
	uint64_t a; /* value */
	uint64_t b; /* valueTwo, as written */
};

/*
 * One rule as runc adds it to libseccomp: one name, after runc's split
 * of repeated argument indexes.  @live is false for a rule runc leaves
 * out (includes/excludes, the default action, a name libseccomp does not
 * know); those are kept so the tests can sample their constants too.
 */
struct ref_rule {
	char *name;
	uint32_t action; /* SECCOMP_RET_* with its data */
	size_t n;
	struct ref_cond c[6];
	bool live;
	bool included;	   /* kept by includes and excludes */
	bool known;	   /* libseccomp knows the name */
	size_t entry;	   /* index in syscalls[] */
	size_t name_index; /* in its names[] */
};

struct ref_profile {
	uint32_t def;
	const char *arches[24]; /* runtime-spec names, the native one first */
	size_t n_arches;
	struct ref_rule *rules;
	size_t n_rules;
	bool log;	    /* SECCOMP_FILTER_FLAG_LOG */
	bool wait_killable; /* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV */
	char *listener_path, *listener_metadata;
};

/* What includes/excludes are evaluated against. */
struct ref_opts {
	uint64_t caps;	       /* bit N: capability N is held */
	const char *native;    /* "SCMP_ARCH_X86_64" */
	const char *native_go; /* Docker's name for it: "amd64" */
	unsigned int kmajor, kminor;
};

/**
 * ref_load() - read the profile in @path.
 * Returns 0, or -1 with @err saying why.  Free with ref_free().
 */
int ref_load(const char *path, const struct ref_opts *o,
	     struct ref_profile *ret, char *err, size_t errsz);
void ref_free(struct ref_profile *p);

/* One of the x86 ABIs the tests know. */
struct ref_abi {
	const char *spec; /* "SCMP_ARCH_X86" */
	uint32_t token;	  /* libseccomp's SCMP_ARCH_X86 */
	uint32_t audit;	  /* seccomp_data.arch: AUDIT_ARCH_I386 */
	bool bits32;	  /* libseccomp compares the low 32 bits only */
	bool multiplex;	  /* socket and SysV IPC calls via socketcall/ipc */
};

extern const struct ref_abi ref_abis[];
extern const size_t ref_abi_count;

/* A rule as it lands on one syscall number of one ABI. */
struct ref_nrule {
	int32_t nr;
	size_t order; /* libseccomp's insertion order */
	uint32_t action;
	size_t n;
	struct ref_cond c[6];
	bool live;
};

struct ref_table {
	struct ref_nrule *r;
	size_t n;
};

/**
 * ref_table_build() - the rules of @p for @abi, by number, live or not.
 * Returns 0, or -1 with @err saying why.  Free with ref_table_free().
 */
int ref_table_build(const struct ref_profile *p, const struct ref_abi *abi,
		    struct ref_table *ret, char *err, size_t errsz);
void ref_table_free(struct ref_table *t);

/**
 * ref_verdict() - what the kernel returns for call @nr with @args through
 * @abi, under the filter runc would build from @p.
 * @ret_ambiguous: set when rules with different actions match at once,
 *	which libseccomp resolves by the shape of its decision tree (or
 *	refuses), so no simple model says what happens.
 */
uint32_t ref_verdict(const struct ref_profile *p, const struct ref_table *t,
		     const struct ref_abi *abi, int32_t nr,
		     const uint64_t args[6], bool *ret_ambiguous);

/* ref_cond_match() - whether one condition holds for @abi. */
bool ref_cond_match(const struct ref_cond *c, const struct ref_abi *abi,
		    const uint64_t args[6]);

#endif /* SANDBOXD_TESTS_OCI_REF_H */
