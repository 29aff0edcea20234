/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * policy: what users write, turned into cBPF programs.  Every text format
 * (the native .policy language, OCI and Docker/Podman JSON) is parsed into
 * one intermediate form, struct policy, which policy_compile() hands to
 * libseccomp.  Raw BPF images and BPF text bypass it.
 */
#ifndef SANDBOXD_POLICY_H
#define SANDBOXD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#include "bpf/bpf.h"

/**
 * policy_read_file() - read a whole file.
 * @path: the file; "-" is standard input.
 * @max: refuse files longer than this many bytes (-EFBIG), having read no
 *	more than @max + 1 of them.
 * @ret, @ret_size: receive the bytes (caller frees *@ret).
 *
 * Returns 0 or -errno.
 */
int policy_read_file(const char *path, size_t max, char **ret,
		     size_t *ret_size);

/**
 * policy_load_raw() - read a raw BPF filter image: struct sock_filter
 * records, as seccomp_export_bpf(3) writes them.
 * @max_insns: refuse longer programs.
 * @swap: the records are in the other byte order.
 * @ret, @ret_len: receive the program (caller frees *@ret).
 * @msg, @msgsz: say why on failure.
 *
 * Returns 0; -EINVAL when the file is not a filter image; or -errno when
 * it could not be read.
 */
int policy_load_raw(const char *path, size_t max_insns, bool swap,
		    struct sock_filter **ret, size_t *ret_len, char *msg,
		    size_t msgsz);

/* Where a construct was written: for messages and for `explain`. */
struct policy_loc {
	const char *file; /* owned by the struct policy it is in */
	unsigned line;	  /* from 1; 0 when not from a file */
	unsigned col;	  /* from 1 */
};

/* The six comparisons of libseccomp 2.5.4, plus its masked equality. */
enum policy_op {
	POLICY_OP_EQ = 1,
	POLICY_OP_NE,
	POLICY_OP_LT,
	POLICY_OP_LE,
	POLICY_OP_GT,
	POLICY_OP_GE,
	POLICY_OP_MASKED_EQ, /* (arg & a) == b */
};

/* A comparison of one whole 64-bit argument (as libseccomp compares). */
struct policy_cond {
	unsigned arg; /* 0..5 */
	enum policy_op op;
	uint64_t a; /* the value; the mask for POLICY_OP_MASKED_EQ */
	uint64_t b; /* the value for POLICY_OP_MASKED_EQ; else 0 */
	struct policy_loc loc;
};

#define POLICY_MAX_CONDS 6

/*
 * One rule: a call by name, gets @action when every condition holds (an
 * AND; none means always).  Several rules may name one call; what that
 * means is the set semantics documented in sandbox.policy(5), and
 * policy_compile() refuses what libseccomp could not express exactly.
 */
struct policy_rule {
	char *name;	 /* a syscall name, as libseccomp knows it */
	uint32_t action; /* SECCOMP_RET_* with its data */
	size_t n_conds;
	struct policy_cond conds[POLICY_MAX_CONDS];
	struct policy_loc loc;
};

/* What becomes of notifications when the last agent goes away. */
enum policy_agent_loss {
	POLICY_LOSS_ENOSYS = 0, /* fail with ENOSYS, as a closed listener */
	POLICY_LOSS_KILL,	/* kill the whole sandbox */
	POLICY_LOSS_ERRNO,	/* fail with agent_loss_errno */
	POLICY_LOSS_WAIT,	/* wait for an agent to come back */
};

struct policy {
	uint32_t default_action; /* SECCOMP_RET_* with its data */
	/*
	 * libseccomp SCMP_ARCH_* tokens; none means the native ABI and its
	 * compat ABIs.
	 */
	uint32_t arches[24];
	size_t n_arches;
	struct policy_rule *rules;
	size_t n_rules, rules_cap;
	/* OCI listenerPath and listenerMetadata, or NULL. */
	char *listener_path;
	char *listener_metadata;
	bool log_denied; /* SECCOMP_FILTER_FLAG_LOG */
	/* SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: once an agent has received
	 * a notification, only a fatal signal ends the wait. */
	bool wait_killable_recv;
	enum policy_agent_loss agent_loss;
	int agent_loss_errno; /* for POLICY_LOSS_ERRNO, 1..4095 */
	/* The file names policy_loc.file points into. */
	char **files;
	size_t n_files;
};

/* A message about an input: error or warning at FILE:LINE:COL. */
struct policy_diag {
	char msg[512]; /* "FILE:LINE:COL: message", or "" */
};

void policy_init(struct policy *p);
void policy_free(struct policy *p);

/*
 * policy_intern_file() - keep a copy of a file name for locations.
 * Returns the copy, owned by @p, or NULL when out of memory.
 */
const char *policy_intern_file(struct policy *p, const char *name);

/*
 * policy_add_rule() - append a copy of @r (its name is copied too).
 * Returns 0 or -ENOMEM.
 */
int policy_add_rule(struct policy *p, const struct policy_rule *r);

/*
 * policy_diag_set() - fill @d with "FILE:LINE:COL: message" (or
 * "FILE: message" when @loc has no line).
 */
void policy_diag_set(struct policy_diag *d, const struct policy_loc *loc,
		     const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * A warning sink: the OCI loader warns where runc would have skipped or
 * rewritten something.  @msg is "FILE:LINE:COL: warning: ...".
 */
typedef void (*policy_warn_fn)(void *data, const char *msg);

/**
 * policy_caps_parse() - a capability list as sandbox-run's --caps takes
 * it: names such as cap_chown, comma-separated, or "none".
 * @ret: the mask of capability numbers.
 * @bad, @badsz: receive the name that is not a capability.
 *
 * Returns 0, -EINVAL for an unknown name, or -ENOMEM.
 */
int policy_caps_parse(const char *list, uint64_t *ret, char *bad, size_t badsz);

/**
 * policy_caps_target() - the capabilities sandbox-run gives its command
 * by default: those in effect in the calling process, less
 * CAP_SYS_PTRACE.  Returns 0 or -errno.
 */
int policy_caps_target(uint64_t *ret);

/* What policy_compile() may be told beyond the policy itself. */
struct policy_compile_opts {
	/* SCMP_ARCH_* tokens that replace the policy's own; none keeps it. */
	uint32_t arches[24];
	size_t n_arches;
	/* libseccomp's binary-tree layout (SCMP_FLTATR_CTL_OPTIMIZE 2). */
	bool tree;
};

/**
 * policy_compile() - compile @p with libseccomp into one cBPF program.
 * @o: NULL for the defaults.
 * @ret, @ret_len: receive the program (caller frees *@ret).
 * @d: why not, at the rule's location.
 *
 * Refuses (-EINVAL) what libseccomp 2.5.4 cannot express exactly, such
 * as two comparisons of one argument in one rule that it cannot rewrite.
 * Returns 0 or -errno.
 */
int policy_compile(const struct policy *p, const struct policy_compile_opts *o,
		   struct sock_filter **ret, size_t *ret_len,
		   struct policy_diag *d);

/* What the OCI loader evaluates includes and excludes against. */
struct policy_oci_opts {
	/*
	 * The capabilities the target will really have, as a mask of
	 * capability numbers (CAP_CHOWN is bit 0).
	 */
	uint64_t caps;
	/* The native SCMP_ARCH_* token; 0 for the host's. */
	uint32_t native_arch;
	/* "6.18.0" style, for minKernel; NULL for uname(2)'s. */
	const char *kernel;
};

/**
 * policy_load_oci() - parse an OCI linux.seccomp object, a whole
 * config.json, or a Docker/Podman profile, into @p.
 * @file: the name for messages.
 * @text, @len: its bytes.
 * @warn, @data: where warnings go (NULL to drop them).
 * @d: the error, as FILE:LINE:COL: message.
 *
 * Returns 0, -EINVAL for bad input, or -errno.
 */
int policy_load_oci(struct policy *p, const char *file, const char *text,
		    size_t len, const struct policy_oci_opts *o,
		    policy_warn_fn warn, void *data, struct policy_diag *d);

/**
 * policy_load_lang() - parse a native .policy file, and the files it
 * includes, into @p.
 * @path: the file; includes are relative to the including file.
 * @text, @len: its bytes, already read; NULL to read @path.
 *
 * Returns 0, -EINVAL for bad input, or -errno.
 */
int policy_load_lang(struct policy *p, const char *path, const char *text,
		     size_t len, policy_warn_fn warn, void *data,
		     struct policy_diag *d);

#endif /* SANDBOXD_POLICY_H */
