/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * mkdir-redirect: a policy agent that makes the directories its target
 * asks for in a scratch directory instead of where it asked.
 *
 *   mkdir-redirect [-s] [-w SECONDS] SOCKET SCRATCHDIR
 *
 * With a policy that sends mkdir and mkdirat to notify (mkdir.policy), a
 * mkdir of PATH, made absolute against the caller's working directory or
 * the mkdirat dirfd and cleaned of "." and ".." by name, creates
 * SCRATCHDIR/PATH instead and answers 0, or the -errno of that mkdir.
 * The target sees the union of the two trees: a name exists if it exists
 * at its real path or in the scratch copy (EEXIST), and a parent must
 * exist in one of them (else ENOENT); parents that exist only at their
 * real path are made in the scratch copy, mode 0755.  The new directory
 * gets the mode the call asked for, less the caller's umask, and belongs
 * to the agent's user.  Other calls get CONTINUE.
 *
 * The path is read once, from /proc/TID/mem, or through the supervisor
 * (READ_MEM) with -s or when /proc/TID/mem is refused; the notification
 * is checked to be still waiting after the read (ID_VALID), so the path
 * came from the thread that made the call.  The scratch tree is walked
 * one name at a time without following symbolic links, so nothing is
 * made outside it.
 *
 * -w SECONDS: how long to wait for the socket to appear (default 5).
 * Exits 0 when the sandbox has ended, 1 on an error, 2 for a usage error.
 */
/* strerrorname_np(), pidfd and fdinfo bits: a Linux program */
#define _GNU_SOURCE 1

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <sandbox-notify.h>

#include "common.h"

#define PROG "mkdir-redirect"

static bool arg_via_supervisor;
static const char *arg_scratch;
static int scratch_fd = -1;

/* One mkdir or mkdirat, decoded. */
struct mkdir_call {
	const char *name;
	int dirfd;
	uint64_t path;
	unsigned int mode;
};

static bool
decode(const struct seccomp_notif *req, struct mkdir_call *c)
{
	const struct seccomp_data *sd = &req->data;

	if (sd->nr == agent_abi_nr(sd, "mkdir")) {
		c->name = "mkdir";
		c->dirfd = AT_FDCWD;
		c->path = sd->args[0];
		c->mode = (unsigned int)sd->args[1];
		return true;
	}
	if (sd->nr == agent_abi_nr(sd, "mkdirat")) {
		c->name = "mkdirat";
		/* the kernel takes an int: the low 32 bits */
		c->dirfd = (int)(uint32_t)sd->args[0];
		c->path = sd->args[1];
		c->mode = (unsigned int)sd->args[2];
		return true;
	}
	return false;
}

/*
 * The directory a relative path starts from, as an absolute path: the
 * thread's working directory, or what its @dirfd refers to.
 */
static int
base_dir(pid_t tid, int dirfd, char *buf, size_t size)
{
	char link[64];
	struct stat st;
	ssize_t len;

	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)tid);
	else if (dirfd < 0)
		return -EBADF;
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)tid, dirfd);
	if (stat(link, &st) < 0)
		return errno == ENOENT && dirfd != AT_FDCWD ? -EBADF : -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	/* mkdir in a removed directory */
	if (st.st_nlink == 0)
		return -ENOENT;
	len = readlink(link, buf, size);
	if (len < 0)
		return -errno;
	if ((size_t)len >= size)
		return -ENAMETOOLONG;
	buf[len] = '\0';
	/* not a path in our view of the file system */
	if (buf[0] != '/')
		return -ENOENT;
	return 0;
}

/*
 * Join @base and @path and drop ".", ".." and repeated slashes by name,
 * into @out: "/" followed by names separated by single slashes, none
 * longer than NAME_MAX.
 */
static int
normalize(const char *base, const char *path, char *out, size_t size)
{
	char joined[2 * PATH_MAX + 2], *save = NULL, *name;
	size_t len = 0, nlen;

	if (snprintf(joined, sizeof(joined), "%s/%s", base, path) >=
	    (int)sizeof(joined))
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (name = strtok_r(joined, "/", &save); name != NULL;
	     name = strtok_r(NULL, "/", &save)) {
		if (strcmp(name, ".") == 0)
			continue;
		if (strcmp(name, "..") == 0) {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			out[len] = '\0';
			continue;
		}
		nlen = strlen(name);
		/* mirrors fs/namei.c: link_path_walk(), before anything */
		if (nlen > NAME_MAX || len + 1 + nlen >= size)
			return -ENAMETOOLONG;
		out[len++] = '/';
		memcpy(out + len, name, nlen + 1);
		len += nlen;
	}
	if (len == 0)
		strlcpy(out, "/", size);
	return 0;
}

/*
 * Whether the last name of @path, trailing slashes ignored, is "." or
 * "..", or there is none ("/").
 */
static bool
last_is_dot(const char *path)
{
	size_t end = strlen(path), start;

	while (end > 0 && path[end - 1] == '/')
		end--;
	if (end == 0)
		return true;
	start = end;
	while (start > 0 && path[start - 1] != '/')
		start--;
	return (end - start == 1 && path[start] == '.') ||
	       (end - start == 2 && path[start] == '.' &&
		path[start + 1] == '.');
}

/* Whether @abs (normalized) exists at its real path or in the copy. */
static bool
exists(const char *abs)
{
	struct stat st;

	return lstat(abs, &st) == 0 ||
	       fstatat(scratch_fd, abs[1] ? abs + 1 : ".", &st,
		       AT_SYMLINK_NOFOLLOW) == 0;
}

/*
 * Step from directory @dfd into @name inside the scratch tree, making it
 * when it exists only at its real path @real.  Returns the new fd.
 */
static int
enter(int dfd, const char *name, const char *real)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd;

	fd = openat(dfd, name, flags);
	if (fd >= 0 || errno != ENOENT)
		return fd >= 0 ? fd : -errno;
	if (stat(real, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (mkdirat(dfd, name, 0755) < 0 && errno != EEXIST)
		return -errno;
	fd = openat(dfd, name, flags);
	return fd >= 0 ? fd : -errno;
}

/* Make @abs (normalized, not "/") in the scratch tree, mode @mode. */
static int
redirect(const char *abs, mode_t mode)
{
	char real[PATH_MAX], name[NAME_MAX + 1];
	const char *p = abs + 1, *slash;
	size_t len;
	int dfd, fd, r;

	/* the union view: it exists already */
	if (exists(abs))
		return -EEXIST;
	dfd = dup(scratch_fd);
	if (dfd < 0)
		return -errno;
	while ((slash = strchr(p, '/')) != NULL) {
		len = (size_t)(slash - p);
		if (len > NAME_MAX) {
			r = -ENAMETOOLONG;
			goto out;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		len = (size_t)(slash - abs);
		memcpy(real, abs, len);
		real[len] = '\0';
		fd = enter(dfd, name, real);
		if (fd < 0) {
			r = fd;
			goto out;
		}
		close(dfd);
		dfd = fd;
		p = slash + 1;
	}
	r = mkdirat(dfd, p, mode) < 0 ? -errno : 0;
out:
	close(dfd);
	return r;
}

/* Decide a mkdir: fill @resp, or return -ENOENT if it went away. */
static int
answer(struct sbx_notify *n, const struct seccomp_notif *req,
       const struct mkdir_call *c, struct seccomp_notif_resp *resp)
{
	char path[PATH_MAX], base[PATH_MAX], abs[PATH_MAX];
	struct agent_mem mem;
	long long umask_v = 022;
	ssize_t len;
	int r;

	r = agent_mem_open(&mem, n, req, arg_via_supervisor);
	if (r < 0)
		return r;
	len = agent_mem_read_str(&mem, c->path, path, sizeof(path));
	agent_mem_close(&mem);
	if (len == -ENOENT)
		return (int)len;
	/* TOCTOU: only a thread that still waits wrote what we read */
	r = sbx_notify_id_valid(n, req->id);
	if (r < 0)
		return r;
	if (len < 0) {
		r = (int)len;
		agent_print(req->id, "%s: cannot read the path: %s", c->name,
			    strerrorname_np(-r));
		goto out;
	}
	if (len == 0) {
		r = -ENOENT;
		goto out_show;
	}
	base[0] = '\0';
	if (path[0] != '/') {
		/* a tid the agent cannot see (pid 0) has no /proc entry */
		r = req->pid == 0 ? -EACCES
				  : base_dir((pid_t)req->pid, c->dirfd, base,
					     sizeof(base));
		if (r < 0)
			goto out_show;
	}
	r = normalize(base, path, abs, sizeof(abs));
	if (r < 0)
		goto out_show;
	if (last_is_dot(path)) {
		/* mirrors fs/namei.c: filename_create(): LAST_DOT(DOT) */
		r = exists(abs) ? -EEXIST : -ENOENT;
		goto out_show;
	}
	if (req->pid != 0)
		agent_proc_status((pid_t)req->pid, "Umask", &umask_v);
	r = redirect(abs, (mode_t)(c->mode & 01777 & ~(unsigned int)umask_v));
	agent_print(req->id, "%s \"%s\" -> \"%s%s\": %s", c->name, path,
		    arg_scratch, abs, r == 0 ? "0" : strerrorname_np(-r));
	goto out;
out_show:
	agent_print(req->id, "%s \"%s\": %s", c->name, path,
		    strerrorname_np(-r));
out:
	resp->id = req->id;
	resp->error = r;
	resp->val = 0;
	resp->flags = 0;
	return 0;
}

static int
serve(struct sbx_notify *n)
{
	struct seccomp_notif_resp resp;
	struct seccomp_notif req;
	struct mkdir_call c;
	int r;

	for (;;) {
		r = sbx_notify_receive(n, &req);
		agent_cancelled(n);
		if (r == -ENOENT || r == -ECONNRESET)
			return 0;
		if (r < 0) {
			fprintf(stderr, PROG ": receive: %s\n", strerror(-r));
			return 1;
		}
		if (!decode(&req, &c)) {
			agent_print(req.id, "nr %d: continue", req.data.nr);
			memset(&resp, 0, sizeof(resp));
			resp.id = req.id;
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		} else {
			r = answer(n, &req, &c, &resp);
			if (r == -ENOENT) {
				agent_print(req.id, "withdrawn");
				continue;
			}
			if (r < 0)
				goto fail;
		}
		r = sbx_notify_respond(n, &resp);
		if (r == -ENOENT)
			agent_print(req.id, "withdrawn");
		else if (r < 0)
			goto fail;
	}
fail:
	if (r == -ECONNRESET)
		return 0;
	fprintf(stderr, PROG ": %s\n", strerror(-r));
	return 1;
}

static void
usage(FILE *f)
{
	fprintf(f, "Usage: " PROG " [-s] [-w SECONDS] SOCKET SCRATCHDIR\n"
		   "Answer the mkdir calls of a sandbox-run target by making "
		   "the directories\nunder SCRATCHDIR instead.\n"
		   "\n"
		   "  -s          read the target's memory through the "
		   "supervisor\n"
		   "  -w SECONDS  wait this long for SOCKET to appear "
		   "(default: 5)\n");
}

int
main(int argc, char **argv)
{
	unsigned int wait_s = 5;
	struct sbx_notify *n;
	const char *errstr;
	int opt, r;

	while ((opt = getopt(argc, argv, "hsw:")) != -1) {
		switch (opt) {
		case 's':
			arg_via_supervisor = true;
			break;
		case 'w':
			wait_s =
			    (unsigned int)strtonum(optarg, 0, 3600, &errstr);
			if (errstr != NULL) {
				fprintf(stderr, PROG ": -w %s: %s\n", optarg,
					errstr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	arg_scratch = argv[optind + 1];
	scratch_fd = open(arg_scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (scratch_fd < 0) {
		fprintf(stderr, PROG ": %s: %s\n", arg_scratch,
			strerror(errno));
		return 1;
	}
	/* the modes made are exactly the ones computed */
	umask(0);
	r = agent_connect(argv[optind], wait_s * 1000, &n);
	if (r < 0) {
		fprintf(stderr, PROG ": %s: %s\n", argv[optind], strerror(-r));
		return 1;
	}
	r = serve(n);
	sbx_notify_close(n);
	close(scratch_fd);
	return r;
}
