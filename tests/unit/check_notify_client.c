/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_notify_client: unit tests for libsandbox-notify (src/notify/client.c)
 * and the record checks it shares with the hub (src/notify/codec.c).
 *
 * The library talks to a fake supervisor: the other end of a
 * SOCK_SEQPACKET socketpair, on which a test queues the records the
 * supervisor would send before it makes the call (a SEQPACKET socket keeps
 * them apart), then reads back what the library sent.  The fake side
 * spells records out by hand, not through the codec, so a codec mistake
 * cannot hide on both sides.  Layouts and error numbers are the ones
 * sandbox-notify(7) documents.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <check.h>

#include "notify/codec.h"
#include "notify/sandbox-notify.h"

/* struct sbx_hello on the wire: 32 bytes, padding at 12..15 */
#define HELLO_LEN 32

static int fake = -1;		/* the supervisor's end */
static struct sbx_notify *conn; /* the library's connection */

/* ---- the fake supervisor ---- */

/* Send one record of @len payload bytes, and @fd in SCM_RIGHTS if >= 0. */
static void
fake_send_fd(int sock, uint32_t type, const void *p, size_t len, int fd)
{
	unsigned char rec[8192];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	uint32_t hlen = (uint32_t)len;
	struct iovec iov = { rec, 8 + len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	ck_assert_uint_le(len, sizeof(rec) - 8);
	memcpy(rec, &type, 4);
	memcpy(rec + 4, &hlen, 4);
	if (len)
		memcpy(rec + 8, p, len);
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(fd));
	}
	ck_assert_int_eq(sendmsg(sock, &m, MSG_NOSIGNAL), (ssize_t)(8 + len));
}

static void
fake_send(uint32_t type, const void *p, size_t len)
{
	fake_send_fd(fake, type, p, len, -1);
}

/* A HELLO as sandbox-notify(7) lays it out, byte by byte. */
static void
hello_bytes(unsigned char *b, uint32_t version, uint16_t notif, uint16_t resp,
	    uint16_t data, uint16_t addfd, uint64_t features, uint32_t max)
{
	memset(b, 0, HELLO_LEN);
	memcpy(b + 0, &version, 4);
	memcpy(b + 4, &notif, 2);
	memcpy(b + 6, &resp, 2);
	memcpy(b + 8, &data, 2);
	memcpy(b + 10, &addfd, 2);
	memcpy(b + 16, &features, 8);
	memcpy(b + 24, &max, 4);
}

static void
fake_hello(int sock)
{
	unsigned char b[HELLO_LEN];

	hello_bytes(b, 1, 80, 24, 64, 24, 0x1f, 4096);
	fake_send_fd(sock, SBX_MSG_HELLO, b, sizeof(b), -1);
}

static void
fake_status(uint64_t id, uint32_t request, int32_t error, int64_t val,
	    const void *extra, size_t extra_len)
{
	unsigned char b[24 + SBX_READ_MEM_MAX];

	ck_assert_uint_le(extra_len, SBX_READ_MEM_MAX);
	memcpy(b + 0, &id, 8);
	memcpy(b + 8, &request, 4);
	memcpy(b + 12, &error, 4);
	memcpy(b + 16, &val, 8);
	if (extra_len)
		memcpy(b + 24, extra, extra_len);
	fake_send(SBX_MSG_STATUS, b, 24 + extra_len);
}

static void
fake_cancel(uint64_t id, uint32_t reason)
{
	unsigned char b[16] = { 0 };

	memcpy(b, &id, 8);
	memcpy(b + 8, &reason, 4);
	fake_send(SBX_MSG_CANCEL, b, sizeof(b));
}

static void
fake_notif(uint64_t id, uint32_t pid, int nr)
{
	struct seccomp_notif req;

	memset(&req, 0, sizeof(req));
	req.id = id;
	req.pid = pid;
	req.data.nr = nr;
	req.data.arch = 0xc000003e;
	req.data.instruction_pointer = 0x401000;
	req.data.args[0] = 0xdeadbeef;
	req.data.args[5] = UINT64_MAX;
	fake_send(SBX_MSG_NOTIF, &req, sizeof(req));
}

/*
 * Read the next record the library sent, without waiting: returns its
 * payload length, and its type through @type, the fd it carried (or -1)
 * through @fd; -1 if there is none.
 */
static ssize_t
fake_read(uint32_t *type, void *p, size_t size, int *fd)
{
	unsigned char rec[SBX_NOTIFY_MAX_RECORD + 1];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct iovec iov = { rec, sizeof(rec) };
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	uint32_t len;
	ssize_t r;
	int nfds = 0;

	if (fd)
		*fd = -1;
	r = recvmsg(fake, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	if (r < 0) {
		ck_assert_int_eq(errno, EAGAIN);
		return -1;
	}
	ck_assert(!(m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)));
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		ck_assert_int_eq(c->cmsg_level, SOL_SOCKET);
		ck_assert_int_eq(c->cmsg_type, SCM_RIGHTS);
		/* exactly one fd, where there is one */
		ck_assert_uint_eq(c->cmsg_len, CMSG_LEN(sizeof(int)));
		ck_assert_ptr_nonnull(fd);
		memcpy(fd, CMSG_DATA(c), sizeof(int));
		nfds++;
	}
	ck_assert_int_le(nfds, 1);
	ck_assert_int_ge(r, 8);
	memcpy(type, rec, 4);
	memcpy(&len, rec + 4, 4);
	ck_assert_uint_eq(len, (size_t)r - 8);
	ck_assert_uint_le(len, size);
	if (len)
		memcpy(p, rec + 8, len);
	return len;
}

/* The library sent nothing (more). */
static void
fake_expect_nothing(void)
{
	unsigned char b[SBX_NOTIFY_MAX_RECORD];
	uint32_t type;

	ck_assert_int_eq(fake_read(&type, b, sizeof(b), NULL), -1);
}

static void
fake_expect(uint32_t want_type, const void *want, size_t want_len)
{
	unsigned char b[SBX_NOTIFY_MAX_RECORD];
	uint32_t type;

	ck_assert_int_eq(fake_read(&type, b, sizeof(b), NULL),
			 (ssize_t)want_len);
	ck_assert_uint_eq(type, want_type);
	if (want_len)
		ck_assert_mem_eq(b, want, want_len);
}

static void
pair(int sv[2])
{
	ck_assert_int_eq(
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
}

static void
setup(void)
{
	int sv[2];

	pair(sv);
	fake = sv[1];
	fake_hello(fake);
	ck_assert_int_eq(sbx_notify_from_fd(sv[0], &conn), 0);
	ck_assert_ptr_nonnull(conn);
	ck_assert_int_eq(sbx_notify_fd(conn), sv[0]);
}

static void
teardown(void)
{
	sbx_notify_close(conn);
	conn = NULL;
	if (fake >= 0)
		close(fake);
	fake = -1;
}

static bool
fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* ---- HELLO ---- */

START_TEST(test_hello_ok)
{
	const struct sbx_hello *h = sbx_notify_hello(conn);

	ck_assert_uint_eq(h->version, SBX_NOTIFY_VERSION);
	ck_assert_uint_eq(h->sizeof_notif, 80);
	ck_assert_uint_eq(h->sizeof_resp, 24);
	ck_assert_uint_eq(h->sizeof_data, 64);
	ck_assert_uint_eq(h->sizeof_addfd, 24);
	ck_assert_uint_eq(h->features, 0x1f);
	ck_assert_uint_eq(h->max_record, 4096);
	/* the library says nothing before it is asked */
	fake_expect_nothing();
}
END_TEST

/* Bad HELLOs, each refused with -EPROTO and the fd closed. */
static const struct {
	uint32_t version;
	uint16_t notif, resp, data, addfd;
	uint32_t max;
	size_t len;    /* payload bytes sent */
	uint32_t type; /* record type sent */
} bad_hellos[] = {
	{ 2, 80, 24, 64, 24, 4096, HELLO_LEN, SBX_MSG_HELLO },
	{ 0, 80, 24, 64, 24, 4096, HELLO_LEN, SBX_MSG_HELLO },
	{ 1, 88, 24, 64, 24, 4096, HELLO_LEN, SBX_MSG_HELLO },
	{ 1, 80, 32, 64, 24, 4096, HELLO_LEN, SBX_MSG_HELLO },
	{ 1, 80, 24, 72, 24, 4096, HELLO_LEN, SBX_MSG_HELLO },
	{ 1, 80, 24, 64, 32, 4096, HELLO_LEN, SBX_MSG_HELLO },
	{ 1, 80, 24, 64, 24, 8192, HELLO_LEN, SBX_MSG_HELLO },
	{ 1, 80, 24, 64, 24, 4096, 24, SBX_MSG_HELLO },
	{ 1, 80, 24, 64, 24, 4096, HELLO_LEN + 8, SBX_MSG_HELLO },
	{ 1, 80, 24, 64, 24, 4096, 16, SBX_MSG_CANCEL },
};

START_TEST(test_hello_bad)
{
	unsigned char b[HELLO_LEN + 8] = { 0 };
	struct sbx_notify *n = (void *)1;
	int sv[2];

	pair(sv);
	hello_bytes(b, bad_hellos[_i].version, bad_hellos[_i].notif,
		    bad_hellos[_i].resp, bad_hellos[_i].data,
		    bad_hellos[_i].addfd, 0x1f, bad_hellos[_i].max);
	fake_send_fd(sv[1], bad_hellos[_i].type, b, bad_hellos[_i].len, -1);
	ck_assert_int_eq(sbx_notify_from_fd(sv[0], &n), -EPROTO);
	ck_assert_ptr_null(n);
	ck_assert(!fd_is_open(sv[0]));
	close(sv[1]);
}
END_TEST

START_TEST(test_hello_eof)
{
	struct sbx_notify *n;
	int sv[2];

	pair(sv);
	close(sv[1]);
	ck_assert_int_eq(sbx_notify_from_fd(sv[0], &n), -ECONNRESET);
	ck_assert_ptr_null(n);
	ck_assert(!fd_is_open(sv[0]));
}
END_TEST

/* Not our protocol's socket: refused, and the fd is still consumed. */
START_TEST(test_from_fd_not_seqpacket)
{
	struct sbx_notify *n;
	int sv[2], p[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(sbx_notify_from_fd(sv[0], &n), -EPROTOTYPE);
	ck_assert(!fd_is_open(sv[0]));
	close(sv[1]);

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(sbx_notify_from_fd(p[0], &n), -ENOTSOCK);
	ck_assert(!fd_is_open(p[0]));
	close(p[1]);

	ck_assert_int_eq(sbx_notify_from_fd(-1, &n), -EBADF);
	sbx_notify_close(NULL);
}
END_TEST

/* connect(): a real socket file, with a supervisor in a child process. */
START_TEST(test_connect)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *tmp = getenv("TMPDIR");
	char dir[80];
	char longpath[sizeof(sa.sun_path) + 8];
	struct seccomp_notif req;
	struct sbx_notify *n;
	int lfd, status;
	pid_t pid;

	/* TMPDIR if a socket path under it fits sun_path */
	if (!tmp || !*tmp || strlen(tmp) > 40)
		tmp = "/tmp";
	snprintf(dir, sizeof(dir), "%s/check_notify_client.XXXXXX", tmp);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
	ck_assert_int_eq(sbx_notify_connect(sa.sun_path, &n), -ENOENT);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	ck_assert_int_eq(sbx_notify_connect(longpath, &n), -ENAMETOOLONG);

	lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(lfd, 0);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		unsigned char b[64];
		int32_t err = -ENOENT;
		uint32_t zero = 0, rtype = SBX_MSG_RECV;
		int c = accept(lfd, NULL, NULL);

		if (c < 0)
			_exit(2);
		fake = c;
		fake_hello(c);
		/* wait for RECV, then say no task is left */
		if (recv(c, b, sizeof(b), 0) != 8 || memcmp(b, &rtype, 4) ||
		    memcmp(b + 4, &zero, 4))
			_exit(3);
		memset(b, 0, 24);
		memcpy(b + 8, &rtype, 4);
		memcpy(b + 12, &err, 4);
		fake_send(SBX_MSG_STATUS, b, 24);
		_exit(0);
	}
	close(lfd);
	ck_assert_int_eq(sbx_notify_connect(sa.sun_path, &n), 0);
	/* the library's socket does not leak into programs an agent runs */
	ck_assert_int_eq(fcntl(sbx_notify_fd(n), F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(sbx_notify_receive(n, &req), -ENOENT);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* the supervisor is gone now */
	ck_assert_int_eq(sbx_notify_receive(n, &req), -ECONNRESET);
	sbx_notify_close(n);
	unlink(sa.sun_path);
	rmdir(dir);
}
END_TEST

/* ---- receive ---- */

START_TEST(test_receive)
{
	struct seccomp_notif req;
	uint32_t type, reason;
	unsigned char b[64];
	uint64_t id;

	fake_cancel(7, SBX_CANCEL_SIGNAL);
	fake_cancel(8, SBX_CANCEL_EXIT);
	fake_notif(100, 4242, 83);
	fake_cancel(9, SBX_CANCEL_SIGNAL);
	ck_assert_int_eq(sbx_notify_cancelled(conn, &id, &reason), -EAGAIN);

	memset(&req, 0xaa, sizeof(req));
	ck_assert_int_eq(sbx_notify_receive(conn, &req), 0);
	ck_assert_uint_eq(req.id, 100);
	ck_assert_uint_eq(req.pid, 4242);
	ck_assert_uint_eq(req.flags, 0);
	ck_assert_int_eq(req.data.nr, 83);
	ck_assert_uint_eq(req.data.arch, 0xc000003e);
	ck_assert_uint_eq(req.data.instruction_pointer, 0x401000);
	ck_assert_uint_eq(req.data.args[0], 0xdeadbeef);
	ck_assert_uint_eq(req.data.args[1], 0);
	ck_assert_uint_eq(req.data.args[5], UINT64_MAX);
	/* one RECV, with no payload */
	ck_assert_int_eq(fake_read(&type, b, sizeof(b), NULL), 0);
	ck_assert_uint_eq(type, SBX_MSG_RECV);
	fake_expect_nothing();

	/* the CANCELs read on the way, oldest first; not the one after */
	ck_assert_int_eq(sbx_notify_cancelled(conn, &id, &reason), 0);
	ck_assert_uint_eq(id, 7);
	ck_assert_uint_eq(reason, SBX_CANCEL_SIGNAL);
	ck_assert_int_eq(sbx_notify_cancelled(conn, &id, &reason), 0);
	ck_assert_uint_eq(id, 8);
	ck_assert_uint_eq(reason, SBX_CANCEL_EXIT);
	ck_assert_int_eq(sbx_notify_cancelled(conn, &id, &reason), -EAGAIN);

	/* the next receive() asks again and reads past the CANCEL */
	fake_notif(101, 0, 2);
	ck_assert_int_eq(sbx_notify_receive(conn, &req), 0);
	ck_assert_uint_eq(req.id, 101);
	ck_assert_uint_eq(req.pid, 0);
	ck_assert_int_eq(fake_read(&type, b, sizeof(b), NULL), 0);
	ck_assert_uint_eq(type, SBX_MSG_RECV);
	fake_expect_nothing();
	ck_assert_int_eq(sbx_notify_cancelled(conn, &id, &reason), 0);
	ck_assert_uint_eq(id, 9);
	ck_assert_int_eq(sbx_notify_cancelled(conn, &id, &reason), -EAGAIN);
}
END_TEST

START_TEST(test_receive_error)
{
	struct seccomp_notif req;

	fake_cancel(5, SBX_CANCEL_EXIT);
	fake_status(0, SBX_MSG_RECV, -ENOENT, 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_receive(conn, &req), -ENOENT);
	fake_expect(SBX_MSG_RECV, NULL, 0);
	fake_expect_nothing();
	/* the connection is still good */
	fake_notif(6, 1, 39);
	ck_assert_int_eq(sbx_notify_receive(conn, &req), 0);
	ck_assert_uint_eq(req.id, 6);
}
END_TEST

/* More than 1024 CANCELs waiting: the oldest go. */
START_TEST(test_cancel_overflow)
{
	struct seccomp_notif req;
	uint32_t reason;
	uint64_t id, i;
	int sndbuf = 1 << 20;

	ck_assert_int_eq(
	    setsockopt(fake, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)),
	    0);
	for (i = 0; i < 1100; i++) {
		fake_cancel(i, SBX_CANCEL_SIGNAL);
		if (i % 100 == 99) {
			/* let the library drain them as it waits */
			fake_status(i, SBX_MSG_ID_VALID, -ENOENT, 0, NULL, 0);
			ck_assert_int_eq(sbx_notify_id_valid(conn, i), -ENOENT);
		}
	}
	fake_notif(5000, 1, 1);
	ck_assert_int_eq(sbx_notify_receive(conn, &req), 0);
	for (i = 1100 - 1024; i < 1100; i++) {
		ck_assert_int_eq(sbx_notify_cancelled(conn, &id, &reason), 0);
		ck_assert_uint_eq(id, i);
	}
	ck_assert_int_eq(sbx_notify_cancelled(conn, &id, &reason), -EAGAIN);
}
END_TEST

/* ---- respond, id_valid ---- */

static const int respond_errors[] = { 0, -ENOENT, -EINPROGRESS, -EINVAL };

START_TEST(test_respond)
{
	struct seccomp_notif_resp resp = {
		.id = 0x123456789abcdef0ULL + (uint64_t)_i,
		.val = -77,
		.error = 0,
		.flags = 0,
	};
	unsigned char want[24];

	if (_i == 3) {
		resp.val = 0;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	/* a CANCEL for another id on the way does not answer it */
	fake_cancel(resp.id + 1, SBX_CANCEL_SIGNAL);
	fake_status(resp.id, SBX_MSG_SEND, respond_errors[_i], 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_respond(conn, &resp), respond_errors[_i]);
	memcpy(want + 0, &resp.id, 8);
	memcpy(want + 8, &resp.val, 8);
	memcpy(want + 16, &resp.error, 4);
	memcpy(want + 20, &resp.flags, 4);
	fake_expect(SBX_MSG_SEND, want, sizeof(want));
	fake_expect_nothing();
}
END_TEST

START_TEST(test_id_valid)
{
	uint64_t id = 0xfffffffffffffffeULL;

	fake_status(id, SBX_MSG_ID_VALID, 0, 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_id_valid(conn, id), 0);
	fake_expect(SBX_MSG_ID_VALID, &id, 8);
	fake_status(id, SBX_MSG_ID_VALID, -ENOENT, 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_id_valid(conn, id), -ENOENT);
	fake_expect(SBX_MSG_ID_VALID, &id, 8);
	fake_expect_nothing();
}
END_TEST

/* ---- addfd ---- */

START_TEST(test_addfd)
{
	struct seccomp_notif_addfd a = {
		.id = 42,
		.flags = SECCOMP_ADDFD_FLAG_SETFD | SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = 0,
		.newfd = 9,
		.newfd_flags = O_CLOEXEC,
	};
	unsigned char b[64], want[24];
	struct stat mine, got;
	uint32_t type;
	int fd, rfd;

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	fake_status(42, SBX_MSG_ADDFD, 0, 9, NULL, 0);
	ck_assert_int_eq(sbx_notify_addfd(conn, &a, fd), 9);
	/* the request, with exactly one fd: the same open file */
	ck_assert_int_eq(fake_read(&type, b, sizeof(b), &rfd), 24);
	ck_assert_uint_eq(type, SBX_MSG_ADDFD);
	memcpy(want + 0, &a.id, 8);
	memcpy(want + 8, &a.flags, 4);
	memcpy(want + 12, &a.srcfd, 4);
	memcpy(want + 16, &a.newfd, 4);
	memcpy(want + 20, &a.newfd_flags, 4);
	ck_assert_mem_eq(b, want, sizeof(want));
	ck_assert_int_ge(rfd, 0);
	ck_assert_int_ne(rfd, fd);
	ck_assert_int_eq(fstat(fd, &mine), 0);
	ck_assert_int_eq(fstat(rfd, &got), 0);
	ck_assert_uint_eq(mine.st_dev, got.st_dev);
	ck_assert_uint_eq(mine.st_ino, got.st_ino);
	close(rfd);
	/* the caller's fd stays open */
	ck_assert(fd_is_open(fd));

	/* errors pass through */
	a.flags = 0;
	a.newfd = 0;
	fake_status(42, SBX_MSG_ADDFD, -EMFILE, 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_addfd(conn, &a, fd), -EMFILE);
	ck_assert_int_eq(fake_read(&type, b, sizeof(b), &rfd), 24);
	ck_assert_int_ge(rfd, 0);
	close(rfd);
	fake_status(42, SBX_MSG_ADDFD, -EINPROGRESS, 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_addfd(conn, &a, fd), -EINPROGRESS);
	ck_assert_int_eq(fake_read(&type, b, sizeof(b), &rfd), 24);
	close(rfd);

	/* no fd, or a closed one: -EBADF, as the ioctl, and nothing sent */
	ck_assert_int_eq(sbx_notify_addfd(conn, &a, -1), -EBADF);
	close(fd);
	ck_assert_int_eq(sbx_notify_addfd(conn, &a, fd), -EBADF);
	fake_expect_nothing();
	/* the connection is still good */
	fake_status(1, SBX_MSG_ID_VALID, 0, 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_id_valid(conn, 1), 0);
}
END_TEST

/* ---- read_mem ---- */

START_TEST(test_read_mem)
{
	static unsigned char big[SBX_READ_MEM_MAX + 100];
	unsigned char want[24], buf[16];
	uint64_t id = 77, addr = 0x7ffc0000, len;

	memset(buf, 0, sizeof(buf));
	fake_status(id, SBX_MSG_READ_MEM, 0, 5, "hello", 5);
	ck_assert_int_eq(sbx_notify_read_mem(conn, id, addr, buf, 10), 5);
	ck_assert_mem_eq(buf, "hello\0", 6);
	len = 10;
	memcpy(want + 0, &id, 8);
	memcpy(want + 8, &addr, 8);
	memcpy(want + 16, &len, 8);
	fake_expect(SBX_MSG_READ_MEM, want, sizeof(want));

	/* asked for more than fits a record: asks for the most */
	memset(big, 0x5a, sizeof(big));
	fake_status(id, SBX_MSG_READ_MEM, 0, SBX_READ_MEM_MAX, big,
		    SBX_READ_MEM_MAX);
	memset(big, 0, sizeof(big));
	ck_assert_int_eq(sbx_notify_read_mem(conn, id, addr, big, sizeof(big)),
			 SBX_READ_MEM_MAX);
	ck_assert_uint_eq(big[0], 0x5a);
	ck_assert_uint_eq(big[SBX_READ_MEM_MAX - 1], 0x5a);
	ck_assert_uint_eq(big[SBX_READ_MEM_MAX], 0);
	len = SBX_READ_MEM_MAX;
	memcpy(want + 16, &len, 8);
	fake_expect(SBX_MSG_READ_MEM, want, sizeof(want));

	fake_status(id, SBX_MSG_READ_MEM, -EFAULT, 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_read_mem(conn, id, 0, buf, 8), -EFAULT);
	addr = 0;
	len = 8;
	memcpy(want + 8, &addr, 8);
	memcpy(want + 16, &len, 8);
	fake_expect(SBX_MSG_READ_MEM, want, sizeof(want));
	fake_expect_nothing();
}
END_TEST

/* More bytes than asked for: a broken supervisor. */
START_TEST(test_read_mem_overlong)
{
	unsigned char buf[4];

	fake_status(3, SBX_MSG_READ_MEM, 0, 8, "abcdefgh", 8);
	ck_assert_int_eq(sbx_notify_read_mem(conn, 3, 0x1000, buf, 4), -EPROTO);
}
END_TEST

/* ---- a broken or departed supervisor ---- */

START_TEST(test_eof)
{
	struct seccomp_notif_resp resp = { .id = 1 };
	struct seccomp_notif req;

	fake_cancel(1, SBX_CANCEL_EXIT);
	close(fake);
	fake = -1;
	ck_assert_int_eq(sbx_notify_receive(conn, &req), -ECONNRESET);
	/* and from then on */
	ck_assert_int_eq(sbx_notify_respond(conn, &resp), -ECONNRESET);
	ck_assert_int_eq(sbx_notify_id_valid(conn, 1), -ECONNRESET);
}
END_TEST

/* The supervisor goes while the library waits for an answer. */
START_TEST(test_eof_waiting)
{
	struct seccomp_notif_resp resp = { .id = 1 };

	shutdown(fake, SHUT_WR);
	ck_assert_int_eq(sbx_notify_respond(conn, &resp), -ECONNRESET);
}
END_TEST

/* A record longer than any may be is cut short by recvmsg: -EPROTO. */
START_TEST(test_truncated)
{
	static unsigned char b[SBX_NOTIFY_MAX_RECORD];
	struct seccomp_notif req;
	int sndbuf = 1 << 16;

	ck_assert_int_eq(
	    setsockopt(fake, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)),
	    0);
	fake_send(SBX_MSG_NOTIF, b, sizeof(b));
	ck_assert_int_eq(sbx_notify_receive(conn, &req), -EPROTO);
	/* the stream is out of step: every later call fails the same way */
	fake_notif(1, 1, 1);
	ck_assert_int_eq(sbx_notify_receive(conn, &req), -EPROTO);
}
END_TEST

/* An fd the library did not ask for: -EPROTO, and it is closed. */
START_TEST(test_unexpected_fd)
{
	unsigned char st[24] = { 0 };
	uint32_t request = SBX_MSG_ID_VALID;
	uint64_t id = 4;
	char c;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	memcpy(st, &id, 8);
	memcpy(st + 8, &request, 4);
	fake_send_fd(fake, SBX_MSG_STATUS, st, sizeof(st), p[1]);
	close(p[1]);
	ck_assert_int_eq(sbx_notify_id_valid(conn, id), -EPROTO);
	/* the library's copy of the write end is gone: EOF, not EAGAIN */
	ck_assert_int_eq(read(p[0], &c, 1), 0);
	close(p[0]);
}
END_TEST

/* Records that do not fit the conversation: -EPROTO. */
START_TEST(test_out_of_step)
{
	struct seccomp_notif_resp resp = { .id = 10 };
	unsigned char b[HELLO_LEN] = { 0 };
	struct seccomp_notif req;

	switch (_i) {
	case 0: /* an answer for another id */
		fake_status(11, SBX_MSG_SEND, 0, 0, NULL, 0);
		break;
	case 1: /* an answer to another request */
		fake_status(10, SBX_MSG_ID_VALID, 0, 0, NULL, 0);
		break;
	case 2: /* a NOTIF nobody asked for */
		fake_notif(10, 1, 1);
		break;
	case 3: /* a RECV answer with no RECV outstanding */
		fake_status(0, SBX_MSG_RECV, -ENOENT, 0, NULL, 0);
		break;
	case 4: /* a second HELLO */
		fake_hello(fake);
		break;
	case 5: /* a record only agents send */
		fake_send(SBX_MSG_SEND, b, 24);
		break;
	case 6: /* header len that disagrees with the record */
	{
		unsigned char rec[8 + 24] = { 0 };
		uint32_t type = SBX_MSG_STATUS, len = 16;

		memcpy(rec, &type, 4);
		memcpy(rec + 4, &len, 4);
		ck_assert_int_eq(send(fake, rec, sizeof(rec), 0), 32);
		break;
	}
	case 7: /* a STATUS with a positive error */
		fake_status(10, SBX_MSG_SEND, EPERM, 0, NULL, 0);
		break;
	case 8: /* an empty record */
		ck_assert_int_eq(send(fake, b, 0, 0), 0);
		break;
	}
	ck_assert_int_eq(sbx_notify_respond(conn, &resp), -EPROTO);
	fake_expect(SBX_MSG_SEND, &resp, sizeof(resp));
	/* sticky */
	fake_status(10, SBX_MSG_SEND, 0, 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_respond(conn, &resp), -EPROTO);
	ck_assert_int_eq(sbx_notify_receive(conn, &req), -EPROTO);
	fake_expect_nothing();
}
END_TEST

/* A RECV answered with success but no NOTIF is a broken supervisor. */
START_TEST(test_recv_status_zero)
{
	struct seccomp_notif req;

	fake_status(0, SBX_MSG_RECV, 0, 0, NULL, 0);
	ck_assert_int_eq(sbx_notify_receive(conn, &req), -EPROTO);
}
END_TEST

/* A socket left non-blocking still gives blocking calls. */
START_TEST(test_nonblocking)
{
	struct seccomp_notif req;
	int flags, status;
	pid_t pid;

	flags = fcntl(sbx_notify_fd(conn), F_GETFL);
	ck_assert_int_eq(
	    fcntl(sbx_notify_fd(conn), F_SETFL, flags | O_NONBLOCK), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		usleep(100 * 1000);
		fake_notif(55, 2, 3);
		_exit(0);
	}
	ck_assert_int_eq(sbx_notify_receive(conn, &req), 0);
	ck_assert_uint_eq(req.id, 55);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* ---- the codec ---- */

static size_t
rec(unsigned char *b, uint32_t type, uint32_t hlen, size_t len)
{
	memset(b, 0, len);
	memcpy(b, &type, 4);
	memcpy(b + 4, &hlen, 4);
	return len;
}

START_TEST(test_codec_sizes)
{
	static const struct {
		uint32_t type;
		long agent, supervisor;
	} t[] = {
		{ 0, -1, -1 },
		{ SBX_MSG_HELLO, -1, 32 },
		{ SBX_MSG_RECV, 0, -1 },
		{ SBX_MSG_NOTIF, -1, 80 },
		{ SBX_MSG_SEND, 24, -1 },
		{ SBX_MSG_ID_VALID, 8, -1 },
		{ SBX_MSG_ADDFD, 24, -1 },
		{ SBX_MSG_READ_MEM, 24, -1 },
		{ SBX_MSG_STATUS, -1, 24 },
		{ SBX_MSG_CANCEL, -1, 16 },
		{ 10, -1, -1 },
		{ UINT32_MAX, -1, -1 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(
		    sbx_codec_payload_size(t[i].type, SBX_CODEC_FROM_AGENT),
		    t[i].agent);
		ck_assert_int_eq(sbx_codec_payload_size(
				     t[i].type, SBX_CODEC_FROM_SUPERVISOR),
				 t[i].supervisor);
	}
}
END_TEST

START_TEST(test_codec_check)
{
	static unsigned char b[SBX_NOTIFY_MAX_RECORD + 8];
	const enum sbx_codec_dir A = SBX_CODEC_FROM_AGENT;
	const enum sbx_codec_dir S = SBX_CODEC_FROM_SUPERVISOR;
	struct sbx_msg_hdr h;
	uint32_t request = SBX_MSG_READ_MEM;
	int32_t err;
	int64_t val;
	size_t n;

	/* short of a header: the type is still reported where it fits */
	rec(b, SBX_MSG_SEND, 0, 8);
	ck_assert_int_eq(sbx_codec_check(b, 0, A, &h), -EINVAL);
	ck_assert_uint_eq(h.type, 0);
	ck_assert_int_eq(sbx_codec_check(b, 5, A, &h), -EINVAL);
	ck_assert_uint_eq(h.type, SBX_MSG_SEND);
	ck_assert_uint_eq(h.len, 0);

	n = rec(b, SBX_MSG_RECV, 0, 8);
	ck_assert_int_eq(sbx_codec_check(b, n, A, &h), 0);
	ck_assert_int_eq(sbx_codec_check(b, n, S, &h), -EOPNOTSUPP);
	n = rec(b, SBX_MSG_RECV, 8, 16);
	ck_assert_int_eq(sbx_codec_check(b, n, A, &h), -EBADMSG);
	ck_assert_uint_eq(h.len, 8);
	n = rec(b, SBX_MSG_RECV, 9, 16);
	ck_assert_int_eq(sbx_codec_check(b, n, A, &h), -EINVAL);
	n = rec(b, SBX_MSG_SEND, 24, 32);
	ck_assert_int_eq(sbx_codec_check(b, n, A, NULL), 0);
	n = rec(b, SBX_MSG_SEND, 16, 24);
	ck_assert_int_eq(sbx_codec_check(b, n, A, NULL), -EBADMSG);
	n = rec(b, SBX_MSG_ID_VALID, 8, 16);
	ck_assert_int_eq(sbx_codec_check(b, n, A, NULL), 0);
	/* ADDFD is extensible: longer passes the framing, shorter does not */
	n = rec(b, SBX_MSG_ADDFD, 24, 32);
	ck_assert_int_eq(sbx_codec_check(b, n, A, NULL), 0);
	n = rec(b, SBX_MSG_ADDFD, 32, 40);
	ck_assert_int_eq(sbx_codec_check(b, n, A, NULL), 0);
	n = rec(b, SBX_MSG_ADDFD, 12, 20);
	ck_assert_int_eq(sbx_codec_check(b, n, A, NULL), -EBADMSG);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), -EOPNOTSUPP);
	n = rec(b, SBX_MSG_NOTIF, 80, 88);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), 0);
	ck_assert_int_eq(sbx_codec_check(b, n, A, NULL), -EOPNOTSUPP);
	n = rec(b, 99, 0, 8);
	ck_assert_int_eq(sbx_codec_check(b, n, A, NULL), -EOPNOTSUPP);
	n = rec(b, SBX_MSG_HELLO, 32, 40);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), 0);
	n = rec(b, SBX_MSG_RECV, SBX_NOTIFY_MAX_RECORD - 7,
		SBX_NOTIFY_MAX_RECORD + 1);
	ck_assert_int_eq(sbx_codec_check(b, n, A, NULL), -EMSGSIZE);

	/* STATUS: 24 bytes, but a successful READ_MEM's carries val more */
	n = rec(b, SBX_MSG_STATUS, 24, 32);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), 0);
	n = rec(b, SBX_MSG_STATUS, 28, 36);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), -EBADMSG);
	n = rec(b, SBX_MSG_STATUS, 16, 24);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), -EBADMSG);
	val = 4;
	n = rec(b, SBX_MSG_STATUS, 28, 36);
	memcpy(b + 8 + 8, &request, 4);
	memcpy(b + 8 + 16, &val, 8);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), 0);
	val = 5;
	memcpy(b + 8 + 16, &val, 8);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), -EBADMSG);
	val = -1;
	memcpy(b + 8 + 16, &val, 8);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), -EBADMSG);
	/* failed: no bytes follow */
	err = -EFAULT;
	val = 4;
	memcpy(b + 8 + 12, &err, 4);
	memcpy(b + 8 + 16, &val, 8);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), -EBADMSG);
	/* the most */
	n = rec(b, SBX_MSG_STATUS, 24 + SBX_READ_MEM_MAX,
		SBX_NOTIFY_MAX_RECORD);
	val = SBX_READ_MEM_MAX;
	memcpy(b + 8 + 8, &request, 4);
	memcpy(b + 8 + 16, &val, 8);
	ck_assert_int_eq(sbx_codec_check(b, n, S, NULL), 0);
}
END_TEST

START_TEST(test_codec_build)
{
	unsigned char b[64];
	struct sbx_msg_hdr h;
	struct sbx_hello hello;
	uint64_t id = 0x1122334455667788ULL;

	ck_assert_int_eq(sbx_codec_header(&h, SBX_MSG_SEND, 24), 0);
	ck_assert_uint_eq(h.type, SBX_MSG_SEND);
	ck_assert_uint_eq(h.len, 24);
	ck_assert_int_eq(
	    sbx_codec_header(&h, SBX_MSG_STATUS, SBX_NOTIFY_MAX_RECORD - 8), 0);
	ck_assert_int_eq(
	    sbx_codec_header(&h, SBX_MSG_STATUS, SBX_NOTIFY_MAX_RECORD - 7),
	    -EMSGSIZE);

	/* the id of a request, where it has one */
	rec(b, SBX_MSG_ADDFD, 24, 32);
	memcpy(b + 8, &id, 8);
	ck_assert_uint_eq(sbx_codec_request_id(b, 32), id);
	ck_assert_uint_eq(sbx_codec_request_id(b, 15), 0);
	memcpy(b, &(uint32_t){ SBX_MSG_RECV }, 4);
	ck_assert_uint_eq(sbx_codec_request_id(b, 32), 0);
	memcpy(b, &(uint32_t){ SBX_MSG_READ_MEM }, 4);
	ck_assert_uint_eq(sbx_codec_request_id(b, 16), id);

	/* our HELLO is the one the library accepts, byte for byte */
	memset(&hello, 0xff, sizeof(hello));
	sbx_codec_hello_init(&hello, 0x1f);
	hello_bytes(b, 1, 80, 24, 64, 24, 0x1f, 4096);
	ck_assert_uint_eq(sizeof(hello), HELLO_LEN);
	ck_assert_mem_eq(&hello, b, HELLO_LEN);
	ck_assert_int_eq(sbx_codec_hello_check(&hello), 0);
	hello.sizeof_data = 63;
	ck_assert_int_eq(sbx_codec_hello_check(&hello), -EPROTO);
}
END_TEST

static Suite *
notify_client_suite(void)
{
	Suite *s = suite_create("notify_client");
	TCase *tc;

	tc = tcase_create("hello");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_hello_ok);
	tcase_add_loop_test(tc, test_hello_bad, 0,
			    sizeof(bad_hellos) / sizeof(bad_hellos[0]));
	tcase_add_test(tc, test_hello_eof);
	tcase_add_test(tc, test_from_fd_not_seqpacket);
	tcase_add_test(tc, test_connect);
	suite_add_tcase(s, tc);

	tc = tcase_create("sbx_notify_receive");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_receive);
	tcase_add_test(tc, test_receive_error);
	tcase_add_test(tc, test_cancel_overflow);
	tcase_add_test(tc, test_nonblocking);
	suite_add_tcase(s, tc);

	tc = tcase_create("sbx_notify_respond");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_respond, 0,
			    sizeof(respond_errors) / sizeof(respond_errors[0]));
	tcase_add_test(tc, test_id_valid);
	suite_add_tcase(s, tc);

	tc = tcase_create("sbx_notify_addfd");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_addfd);
	suite_add_tcase(s, tc);

	tc = tcase_create("sbx_notify_read_mem");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_read_mem);
	tcase_add_test(tc, test_read_mem_overlong);
	suite_add_tcase(s, tc);

	tc = tcase_create("protocol_errors");
	tcase_set_timeout(tc, 10);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_eof);
	tcase_add_test(tc, test_eof_waiting);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_unexpected_fd);
	tcase_add_loop_test(tc, test_out_of_step, 0, 9);
	tcase_add_test(tc, test_recv_status_zero);
	suite_add_tcase(s, tc);

	tc = tcase_create("codec");
	tcase_add_test(tc, test_codec_sizes);
	tcase_add_test(tc, test_codec_check);
	tcase_add_test(tc, test_codec_build);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(notify_client_suite());
	int failed;

#if defined(__SANITIZE_ADDRESS__)
	/* one process, one LeakSanitizer scan (see check_bpf.c) */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_NOFORK);
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
