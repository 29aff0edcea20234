/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Private to src/policy and its tests: the tables behind the native
 * .policy language (symbolic constants in consts.c, systemd's syscall
 * groups in groups.c), its limits, and the loader with its extra knobs.
 * sandbox.policy(5) documents all of it.
 */
#ifndef SANDBOXD_POLICY_LANG_H
#define SANDBOXD_POLICY_LANG_H

#include <stddef.h>
#include <stdint.h>

#include "policy/policy.h"

/* Hard limits on what one load may cost (style guide E6). */
#define POLICY_LANG_MAX_FILE	 (1U << 20) /* bytes per file */
#define POLICY_LANG_MAX_DEPTH	 8	    /* nested @include levels */
#define POLICY_LANG_MAX_RULES	 16384	    /* rules, after expansion */
#define POLICY_LANG_MAX_PER_CALL 1024	    /* rules for one call */
#define POLICY_LANG_MAX_CLAUSES	 1024	    /* per line, after `in` */
#define POLICY_LANG_MAX_SET	 256	    /* values in one `in` set */

/* The families of symbolic constants, for sandbox.policy(5). */
enum policy_const_family {
	POLICY_CONST_ERRNO = 1, /* E*: errno values */
	POLICY_CONST_OPEN,	/* O_*: open(2) flags */
	POLICY_CONST_FCNTL,	/* F_*, FD_CLOEXEC: fcntl(2) */
	POLICY_CONST_AF,	/* AF_*: address families */
	POLICY_CONST_SOCK,	/* SOCK_*: socket types and flags */
	POLICY_CONST_CLONE,	/* CLONE_*: clone(2) flags */
	POLICY_CONST_PROT,	/* PROT_*: mmap(2) protections */
	POLICY_CONST_MAP,	/* MAP_*: mmap(2) flags */
	POLICY_CONST_PR,	/* PR_*: prctl(2) options and values */
	POLICY_CONST_IOCTL,	/* terminal and FIO* ioctl(2) requests */
};

/* One symbolic constant; the table is static and read-only. */
struct policy_const {
	const char *name;
	uint64_t value;
	enum policy_const_family family;
};

/** policy_const_count() - the number of constants in the table. */
size_t policy_const_count(void);

/** policy_const_at() - constant @i, or NULL past the end. */
const struct policy_const *policy_const_at(size_t i);

/**
 * policy_const_find() - the constant spelled exactly @name (@len bytes,
 * not necessarily NUL-terminated), or NULL.
 */
const struct policy_const *policy_const_find(const char *name, size_t len);

/**
 * policy_const_errno_name() - the first errno name for @value ("EAGAIN",
 * not "EWOULDBLOCK"), or NULL when it has none.
 */
const char *policy_const_errno_name(uint64_t value);

/*
 * One of systemd's syscall groups.  @members are syscall names and
 * "@group" references, exactly as systemd 252 lists them (whether or not
 * libseccomp knows the names); the table is static and read-only.
 */
struct policy_group {
	const char *name;	    /* "@default" */
	const char *help;	    /* systemd's one-line description */
	const char *const *members; /* NULL-terminated */
};

/** policy_group_count() - the number of groups. */
size_t policy_group_count(void);

/** policy_group_at() - group @i, or NULL past the end. */
const struct policy_group *policy_group_at(size_t i);

/**
 * policy_group_find() - the group spelled exactly @name ("@default"; @len
 * bytes, not necessarily NUL-terminated), or NULL.
 */
const struct policy_group *policy_group_find(const char *name, size_t len);

/* What policy_lang_load() may be told beyond policy_load_lang(). */
struct policy_lang_opts {
	/*
	 * A directory that every included file must resolve into (after
	 * symbolic links); NULL allows any file.  The fuzz harness keeps
	 * its includes in a scratch directory this way.
	 */
	const char *include_dir;
};

/**
 * policy_lang_load() - policy_load_lang() with options.
 * @o: NULL for none.
 *
 * On failure @p is as it was before the call.
 * Returns 0, -EINVAL for bad input, or -errno.
 */
int policy_lang_load(struct policy *p, const char *path, const char *text,
		     size_t len, const struct policy_lang_opts *o,
		     policy_warn_fn warn, void *data, struct policy_diag *d);

#endif /* SANDBOXD_POLICY_LANG_H */
