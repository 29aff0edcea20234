/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * policy: what users write, turned into cBPF programs.  So far: reading
 * files, and raw BPF filter images.
 */
#ifndef SANDBOXD_POLICY_H
#define SANDBOXD_POLICY_H

#include <stdbool.h>
#include <stddef.h>

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

#endif /* SANDBOXD_POLICY_H */
