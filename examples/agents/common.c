/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * What the example agents share; see common.h.
 */
/* strerrorname_np(), pidfd and fdinfo bits: a Linux program */
#define _GNU_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
/* strvis() only, the same in every vis(3); quiets libbsd's warning */
#define LIBBSD_NETBSD_VIS 1
#include <vis.h>

#include <linux/audit.h>

#include <seccomp.h>

#include "common.h"

/*
 * A page: reads never cross one, so a string that ends just before an
 * unmapped page reads as the kernel reads it.
 */
#define MEM_PAGE 4096

int
agent_connect(const char *path, unsigned int wait_ms, struct sbx_notify **ret)
{
	const struct timespec step = { 0, 20 * 1000 * 1000 };
	struct timespec start, now;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		r = sbx_notify_connect(path, ret);
		if (r != -ENOENT && r != -ECONNREFUSED)
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 +
			(now.tv_nsec - start.tv_nsec) / 1000000 >=
		    (long long)wait_ms)
			break;
		nanosleep(&step, NULL);
	}
	return r;
}

int
agent_mem_open(struct agent_mem *m, struct sbx_notify *n,
	       const struct seccomp_notif *req, bool via_supervisor)
{
	char path[64];
	int fd = -1, r;

	if (!via_supervisor && req->pid != 0) {
		snprintf(path, sizeof(path), "/proc/%" PRIu32 "/mem", req->pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		/* on failure, through the supervisor */
	}
	/*
	 * The tid may have been reused between the notification and the
	 * open: only if the notification still waits is the file we
	 * opened the memory of the thread that made the call.
	 */
	r = sbx_notify_id_valid(n, req->id);
	if (r < 0) {
		if (fd >= 0)
			close(fd);
		return r;
	}
	m->n = n;
	m->id = req->id;
	m->fd = fd;
	return 0;
}

void
agent_mem_close(struct agent_mem *m)
{
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
}

/*
 * Read up to @len bytes at @addr, not crossing a page.  Returns the count
 * read (at least 1), or -errno.
 */
static ssize_t
mem_chunk(struct agent_mem *m, uint64_t addr, void *buf, size_t len)
{
	size_t room = MEM_PAGE - addr % MEM_PAGE;
	ssize_t r;

	if (len > room)
		len = room;
	if (m->fd >= 0) {
		if (addr > INT64_MAX)
			return -EFAULT;
		r = pread(m->fd, buf, len, (off_t)addr);
		if (r > 0)
			return r;
		if (r < 0 && (errno == EACCES || errno == EPERM)) {
			/* From now on through the supervisor. */
			agent_mem_close(m);
		} else {
			/* EIO, or nothing: an unmapped address */
			return -EFAULT;
		}
	}
	if (len > SBX_READ_MEM_MAX)
		len = SBX_READ_MEM_MAX;
	r = sbx_notify_read_mem(m->n, m->id, addr, buf, len);
	if (r == 0)
		return -EFAULT;
	return r;
}

int
agent_mem_read(struct agent_mem *m, uint64_t addr, void *buf, size_t len)
{
	unsigned char *p = buf;
	ssize_t r;

	while (len > 0) {
		r = mem_chunk(m, addr, p, len);
		if (r < 0)
			return (int)r;
		p += r;
		addr += (uint64_t)r;
		len -= (size_t)r;
	}
	return 0;
}

ssize_t
agent_mem_read_str(struct agent_mem *m, uint64_t addr, char *buf, size_t size)
{
	size_t have = 0;
	ssize_t r;
	char *nul;

	while (have < size) {
		r = mem_chunk(m, addr + have, buf + have, size - have);
		if (r < 0)
			return r;
		nul = memchr(buf + have, '\0', (size_t)r);
		if (nul != NULL)
			return nul - buf;
		have += (size_t)r;
	}
	return -ENAMETOOLONG;
}

int
agent_proc_status(pid_t tid, const char *field, long long *ret)
{
	size_t flen = strlen(field);
	char path[64], line[256];
	int r = -ENODATA;
	char *end;
	FILE *f;
	long long v;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (f == NULL)
		return -errno;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, field, flen) != 0 || line[flen] != ':')
			continue;
		errno = 0;
		v = strtoll(line + flen + 1, &end,
			    strcmp(field, "Umask") ? 10 : 8);
		if (errno != 0 || end == line + flen + 1)
			r = -EINVAL;
		else {
			*ret = v;
			r = 0;
		}
		break;
	}
	fclose(f);
	return r;
}

int
agent_abi_nr(const struct seccomp_data *sd, const char *name)
{
	uint32_t arch = sd->arch;
	int nr;

	/* x32 shares x86_64's AUDIT_ARCH; libseccomp names it apart. */
	if (arch == AUDIT_ARCH_X86_64 && (sd->nr & 0x40000000))
		arch = SCMP_ARCH_X32;
	nr = seccomp_syscall_resolve_name_arch(arch, name);
	/* Calls an ABI lacks resolve to negative pseudo numbers. */
	return nr < 0 ? -1 : nr;
}

void
agent_print(uint64_t id, const char *fmt, ...)
{
	char text[2 * PATH_MAX], shown[4 * sizeof(text) + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* 4 bytes per byte at most, as vis(3) says */
	strvis(shown, text, VIS_CSTYLE | VIS_OCTAL | VIS_NL | VIS_TAB);
	printf("%" PRIu64 ": %s\n", id, shown);
	fflush(stdout);
}

void
agent_cancelled(struct sbx_notify *n)
{
	uint32_t reason;
	uint64_t id;

	while (sbx_notify_cancelled(n, &id, &reason) == 0)
		agent_print(id, "cancelled (%s)",
			    reason == SBX_CANCEL_SIGNAL ? "signal"
			    : reason == SBX_CANCEL_EXIT ? "exit"
							: "?");
}
