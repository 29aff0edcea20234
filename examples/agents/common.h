/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * What the example agents share: connecting with patience, reading the
 * waiting thread's memory safely, and a few facts from /proc.
 */
#ifndef SANDBOXD_EXAMPLES_AGENT_COMMON_H
#define SANDBOXD_EXAMPLES_AGENT_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/seccomp.h>

#include <sandbox-notify.h>

/**
 * agent_connect() - connect to the agent socket at @path, trying again
 * for up to @wait_ms milliseconds while it does not exist yet or nobody
 * listens on it, so an agent may be started together with sandbox-run.
 * Returns 0 or -errno, as sbx_notify_connect().
 */
int agent_connect(const char *path, unsigned int wait_ms,
		  struct sbx_notify **ret);

/**
 * struct agent_mem - the memory of the thread waiting in one notification.
 * @n: the connection the notification came on (not owned).
 * @id: the notification.
 * @fd: /proc/TID/mem, or -1 to read through the supervisor (READ_MEM).
 */
struct agent_mem {
	struct sbx_notify *n;
	uint64_t id;
	int fd;
};

/**
 * agent_mem_open() - get ready to read the memory of @req's thread:
 * through /proc/TID/mem, or through the supervisor when @via_supervisor
 * is set, when the agent cannot see the thread (pid 0), or when
 * /proc/TID/mem is refused (another uid, a non-dumpable target).
 * Returns 0; -ENOENT if the notification no longer waits (the tid may
 * then belong to another thread already); or -errno.
 */
int agent_mem_open(struct agent_mem *m, struct sbx_notify *n,
		   const struct seccomp_notif *req, bool via_supervisor);

/** agent_mem_close() - release what agent_mem_open() took. */
void agent_mem_close(struct agent_mem *m);

/**
 * agent_mem_read() - copy exactly @len bytes at @addr into @buf.
 * Returns 0; -EFAULT if any of them is unreadable, as the kernel's
 * copy_from_user() would fail; -ENOENT if the notification went away.
 */
int agent_mem_read(struct agent_mem *m, uint64_t addr, void *buf, size_t len);

/**
 * agent_mem_read_str() - copy the NUL-terminated string at @addr into
 * @buf (@size bytes, NUL included), as the kernel's getname() reads a
 * path.  Returns its length; -ENAMETOOLONG if it does not fit; -EFAULT;
 * or -ENOENT.
 */
ssize_t agent_mem_read_str(struct agent_mem *m, uint64_t addr, char *buf,
			   size_t size);

/**
 * agent_proc_status() - the number in the "@field:" line of
 * /proc/@tid/status (base 8 for Umask, 10 otherwise), such as "Tgid".
 * Returns 0 with *@ret set, or -errno (-ENOENT once the thread is gone).
 */
int agent_proc_status(pid_t tid, const char *field, long long *ret);

/**
 * agent_abi_nr() - the number of system call @name in the ABI of @sd
 * (its arch field, and the x32 bit of its nr), or -1 when that ABI has
 * no such call.
 */
int agent_abi_nr(const struct seccomp_data *sd, const char *name);

/**
 * agent_print() - print one line about notification @id to stdout,
 * flushed: "ID: TEXT", with unprintable bytes (in a path the target chose)
 * escaped as vis(3) does.
 */
void agent_print(uint64_t id, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/**
 * agent_cancelled() - print a line for each CANCEL that arrived on @n.
 */
void agent_cancelled(struct sbx_notify *n);

#endif /* SANDBOXD_EXAMPLES_AGENT_COMMON_H */
