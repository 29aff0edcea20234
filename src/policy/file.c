/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Policy inputs, as files: so far raw BPF filter images, which pass
 * through to the engine unchanged.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/policy.h"

/*
 * Reads @path whole ("-" is standard input), or refuses with -EFBIG once
 * it has seen more than @max bytes, so a huge file costs no more memory
 * than that.  Caller frees *@ret.  Returns 0 or -errno.
 */
int
policy_read_file(const char *path, size_t max, char **ret, size_t *ret_size)
{
	size_t len = 0, cap = max + 1 < 65536 ? max + 1 : 65536;
	char *buf = NULL, *p;
	int fd = STDIN_FILENO, r;
	ssize_t n;

	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	buf = malloc(cap);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		if (len == cap) {
			if (cap > max) {
				r = -EFBIG;
				goto out;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			p = realloc(buf, cap);
			if (!p) {
				r = -ENOMEM;
				goto out;
			}
			buf = p;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len > max) {
		r = -EFBIG;
		goto out;
	}
	*ret = buf;
	*ret_size = len;
	buf = NULL;
	r = 0;
out:
	free(buf);
	if (fd != STDIN_FILENO)
		close(fd);
	return r;
}

/*
 * Reads a raw filter of at most @max_insns records, swapping each record's
 * byte order when @swap.  Returns 0; -EINVAL when the file is not a
 * filter image, with @msg saying why; or -errno when it could not be read.
 */
int
policy_load_raw(const char *path, size_t max_insns, bool swap,
		struct sock_filter **ret, size_t *ret_len, char *msg,
		size_t msgsz)
{
	struct bpf_error err;
	char *buf = NULL;
	size_t size;
	int r;

	r = policy_read_file(path, (max_insns + 1) * sizeof(struct sock_filter),
			     &buf, &size);
	if (r == -EFBIG ||
	    (r == 0 && size > max_insns * sizeof(struct sock_filter) &&
	     size % sizeof(struct sock_filter) == 0)) {
		snprintf(msg, msgsz, "program has more than %zu instructions",
			 max_insns);
		r = -EINVAL;
		goto out;
	}
	if (r < 0) {
		snprintf(msg, msgsz, "%s", strerror(-r));
		goto out;
	}
	r = bpf_prog_from_bytes(buf, size, swap, ret, ret_len, &err);
	if (r < 0)
		snprintf(msg, msgsz, "%s", err.msg);
out:
	free(buf);
	return r;
}
