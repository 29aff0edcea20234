/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * kernel-run: the kernel's twin of sandbox-run, for differential tests.
 *
 *   kernel-run [--bpf FILE]... [--] COMMAND [ARG]...
 *
 * Sets no_new_privs, installs each raw BPF filter with seccomp(2) in the
 * order given, and execs COMMAND (searched in $PATH).  So the command
 * runs under exactly the chain sandbox-run would enforce, in the kernel.
 * Its own failures exit 125, and 126 or 127 when the command cannot be
 * run, as sandbox-run's.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#define MAX_FILTERS 64

/*
 * Read all of @path, so a pipe or /dev/stdin serves as well as a file; one
 * byte past the kernel's limit is enough to refuse an oversized image.
 */
static int
load(const char *path, struct sock_fprog *ret)
{
	const size_t max = BPF_MAXINSNS * sizeof(struct sock_filter) + 1;
	unsigned char *buf;
	size_t size = 0;
	ssize_t r;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "kernel-run: %s: %s\n", path, strerror(errno));
		return -1;
	}
	buf = malloc(max);
	if (!buf) {
		fprintf(stderr, "kernel-run: out of memory\n");
		close(fd);
		return -1;
	}
	while (size < max) {
		r = read(fd, buf + size, max - size);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "kernel-run: %s: %s\n", path,
				strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		size += (size_t)r;
	}
	close(fd);
	if (size == 0 || size % sizeof(struct sock_filter) != 0 ||
	    size / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		fprintf(stderr,
			"kernel-run: %s: not a filter image (%s%zu bytes; "
			"want a non-zero multiple of %zu, at most %d "
			"instructions)\n",
			path, size == max ? "more than " : "",
			size == max ? max - 1 : size,
			sizeof(struct sock_filter), BPF_MAXINSNS);
		free(buf);
		return -1;
	}
	ret->len = (unsigned short)(size / sizeof(struct sock_filter));
	ret->filter = (struct sock_filter *)buf;
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bpf", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	struct sock_fprog progs[MAX_FILTERS];
	int c, n = 0, i;

	while ((c = getopt_long(argc, argv, "+b:", opts, NULL)) != -1) {
		if (c != 'b' || n == MAX_FILTERS) {
			fprintf(stderr, "usage: kernel-run [--bpf FILE]... "
					"[--] COMMAND [ARG]...\n");
			return 125;
		}
		if (load(optarg, &progs[n++]) < 0)
			return 125;
	}
	if (optind >= argc) {
		fprintf(stderr, "kernel-run: no command given\n");
		return 125;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		perror("kernel-run: PR_SET_NO_NEW_PRIVS");
		return 125;
	}
	for (i = 0; i < n; i++)
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0,
			    &progs[i]) < 0) {
			fprintf(stderr, "kernel-run: seccomp: filter %d: %s\n",
				i + 1, strerror(errno));
			return 125;
		}
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "kernel-run: cannot run '%s': %s\n", argv[optind],
		strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
