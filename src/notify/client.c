/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * libsandbox-notify: the agent's side of sandbox-notify(7), as
 * sandbox-notify.h and sbx_notify_receive(3) describe it.
 *
 * Every call sends at most one request and then reads records until the
 * one that answers it.  Records that answer nothing asked for are kept:
 * CANCELs for sbx_notify_cancelled(), a NOTIF (possible only while a RECV
 * is outstanding) for the next sbx_notify_receive().  Anything else that
 * does not fit, including fds nobody asked for, breaks the connection:
 * once a read has failed the stream may be out of step, so every later
 * call returns the same error.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify/codec.h"
#include "notify/sandbox-notify.h"

/* CANCELs kept for sbx_notify_cancelled(); the oldest go first */
#define CLIENT_MAX_CANCELS 1024
/* fds one record may bring before MSG_CTRUNC; none is valid */
#define CLIENT_MAX_FDS 8
/* the largest errno, as the kernel's MAX_ERRNO */
#define CLIENT_MAX_ERRNO 4095

struct sbx_notify {
	int fd;
	int error; /* sticky: the connection is unusable */
	struct sbx_hello hello;
	bool recv_sent; /* a RECV waits for its NOTIF or STATUS */
	bool have_notif;
	struct seccomp_notif notif;
	size_t cancel_head, cancel_count;
	struct sbx_cancel cancels[CLIENT_MAX_CANCELS];
	/* one byte more than a record may be, to see a longer one */
	unsigned char rec[SBX_NOTIFY_MAX_RECORD + 1];
};

/* Wait until @fd is ready for @events, for a socket left non-blocking. */
static int
wait_fd(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

static int
client_fail(struct sbx_notify *n, int error)
{
	n->error = error;
	return error;
}

/* Send one record: header, @p, and @fd in SCM_RIGHTS when >= 0. */
static int
client_send(struct sbx_notify *n, uint32_t type, const void *p, size_t len,
	    int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct sbx_msg_hdr hdr;
	struct iovec iov[2] = {
		{ &hdr, sizeof(hdr) },
		{ (void *)p, len },
	};
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };
	ssize_t r;
	int err;

	if (n->error)
		return n->error;
	err = sbx_codec_header(&hdr, type, len);
	if (err < 0)
		return err;
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
	for (;;) {
		r = sendmsg(n->fd, &m, MSG_NOSIGNAL);
		if (r >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			err = wait_fd(n->fd, POLLOUT);
			if (err < 0)
				return err;
			continue;
		}
		/* EBADF for a bad @fd: nothing was sent, the stream is fine */
		if (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN)
			return client_fail(n, -ECONNRESET);
		return -errno;
	}
	/* a SEQPACKET record goes whole or not at all */
	if ((size_t)r != sizeof(hdr) + len)
		return client_fail(n, -EPROTO);
	return 0;
}

/* After a zero-byte read: the peer hung up, or sent an empty record. */
static bool
at_eof(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLRDHUP };

	if (poll(&p, 1, 0) <= 0)
		return false;
	return p.revents & (POLLRDHUP | POLLHUP | POLLERR);
}

/*
 * Read one record into n->rec and check its framing.  Returns its length,
 * or -errno (sticky).  Fds that come with it are closed: the supervisor
 * never sends any.
 */
static ssize_t
client_read(struct sbx_notify *n, struct sbx_msg_hdr *hdr)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * CLIENT_MAX_FDS)];
	} ctl;
	struct iovec iov = { n->rec, sizeof(n->rec) };
	struct msghdr m;
	struct cmsghdr *c;
	bool fds = false;
	ssize_t r;
	int err;

	if (n->error)
		return n->error;
	for (;;) {
		memset(&m, 0, sizeof(m));
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		m.msg_control = ctl.buf;
		m.msg_controllen = sizeof(ctl.buf);
		r = recvmsg(n->fd, &m, MSG_CMSG_CLOEXEC);
		if (r >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			err = wait_fd(n->fd, POLLIN);
			if (err < 0)
				return client_fail(n, err);
			continue;
		}
		return client_fail(n, errno == ENOTCONN ? -ECONNRESET : -errno);
	}
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		size_t i, k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			close(fd);
			fds = true;
		}
	}
	if (fds || (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		return client_fail(n, -EPROTO);
	if (r == 0)
		return client_fail(n, at_eof(n->fd) ? -ECONNRESET : -EPROTO);
	if (sbx_codec_check(n->rec, (size_t)r, SBX_CODEC_FROM_SUPERVISOR, hdr) <
	    0)
		return client_fail(n, -EPROTO);
	return r;
}

static void
cancel_push(struct sbx_notify *n, const struct sbx_cancel *c)
{
	size_t tail;

	if (n->cancel_count == CLIENT_MAX_CANCELS) {
		n->cancel_head = (n->cancel_head + 1) % CLIENT_MAX_CANCELS;
		n->cancel_count--;
	}
	tail = (n->cancel_head + n->cancel_count) % CLIENT_MAX_CANCELS;
	n->cancels[tail] = *c;
	n->cancel_count++;
}

/*
 * Read records until the STATUS that answers @request for @id, and
 * return it (with any bytes after it left in n->rec); or, for
 * @request RECV, until a NOTIF, returned through n->notif.  Returns 0,
 * or -errno.
 */
static int
client_wait(struct sbx_notify *n, uint32_t request, uint64_t id,
	    struct sbx_status *ret)
{
	const unsigned char *p = n->rec + sizeof(struct sbx_msg_hdr);
	struct sbx_msg_hdr hdr;
	struct sbx_status st;
	struct sbx_cancel c;
	ssize_t r;

	for (;;) {
		if (request == SBX_MSG_RECV && n->have_notif)
			return 0;
		r = client_read(n, &hdr);
		if (r < 0)
			return (int)r;
		switch (hdr.type) {
		case SBX_MSG_CANCEL:
			memcpy(&c, p, sizeof(c));
			cancel_push(n, &c);
			break;
		case SBX_MSG_NOTIF:
			/* one per RECV, and only then */
			if (!n->recv_sent)
				return client_fail(n, -EPROTO);
			memcpy(&n->notif, p, sizeof(n->notif));
			n->recv_sent = false;
			n->have_notif = true;
			break;
		case SBX_MSG_STATUS:
			memcpy(&st, p, sizeof(st));
			if (st.error > 0 || st.error < -CLIENT_MAX_ERRNO)
				return client_fail(n, -EPROTO);
			if (st.request == SBX_MSG_RECV) {
				/* a RECV is answered by a NOTIF or an error */
				if (request != SBX_MSG_RECV || !n->recv_sent ||
				    st.error == 0)
					return client_fail(n, -EPROTO);
				n->recv_sent = false;
				return st.error;
			}
			if (st.request != request || st.id != id)
				return client_fail(n, -EPROTO);
			*ret = st;
			return 0;
		default:
			/* HELLO again */
			return client_fail(n, -EPROTO);
		}
	}
}

static int
client_request(struct sbx_notify *n, uint32_t type, uint64_t id, const void *p,
	       size_t len, int fd, struct sbx_status *ret)
{
	int err;

	err = client_send(n, type, p, len, fd);
	if (err < 0)
		return err;
	err = client_wait(n, type, id, ret);
	if (err < 0)
		return err;
	return ret->error;
}

int
sbx_notify_from_fd(int fd, struct sbx_notify **ret)
{
	struct sbx_msg_hdr hdr;
	struct sbx_notify *n;
	socklen_t sl;
	ssize_t r;
	int type;

	*ret = NULL;
	if (fd < 0)
		return -EBADF;
	/* say so plainly when handed something else, such as a seccompFd */
	sl = sizeof(type);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &sl) < 0) {
		r = -errno;
		close(fd);
		return (int)r;
	}
	if (type != SOCK_SEQPACKET) {
		close(fd);
		return -EPROTOTYPE;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		close(fd);
		return -ENOMEM;
	}
	n->fd = fd;
	r = client_read(n, &hdr);
	if (r >= 0 && hdr.type != SBX_MSG_HELLO)
		r = -EPROTO;
	if (r >= 0) {
		memcpy(&n->hello, n->rec + sizeof(hdr), sizeof(n->hello));
		r = sbx_codec_hello_check(&n->hello);
	}
	if (r < 0) {
		sbx_notify_close(n);
		return (int)r;
	}
	*ret = n;
	return 0;
}

int
sbx_notify_connect(const char *path, struct sbx_notify **ret)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	*ret = NULL;
	if (!path || !*path)
		return -EINVAL;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* an interrupted unix connect leaves the socket unconnected */
	while (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EINTR)
			continue;
		err = -errno;
		close(fd);
		return err;
	}
	return sbx_notify_from_fd(fd, ret);
}

void
sbx_notify_close(struct sbx_notify *n)
{
	if (!n)
		return;
	close(n->fd);
	free(n);
}

int
sbx_notify_fd(const struct sbx_notify *n)
{
	return n->fd;
}

const struct sbx_hello *
sbx_notify_hello(const struct sbx_notify *n)
{
	return &n->hello;
}

int
sbx_notify_receive(struct sbx_notify *n, struct seccomp_notif *req)
{
	int err;

	if (!n->have_notif && !n->recv_sent) {
		err = client_send(n, SBX_MSG_RECV, NULL, 0, -1);
		if (err < 0)
			return err;
		n->recv_sent = true;
	}
	err = client_wait(n, SBX_MSG_RECV, 0, NULL);
	if (err < 0)
		return err;
	*req = n->notif;
	n->have_notif = false;
	return 0;
}

int
sbx_notify_respond(struct sbx_notify *n, const struct seccomp_notif_resp *resp)
{
	struct sbx_status st;

	return client_request(n, SBX_MSG_SEND, resp->id, resp, sizeof(*resp),
			      -1, &st);
}

int
sbx_notify_id_valid(struct sbx_notify *n, uint64_t id)
{
	struct sbx_status st;

	return client_request(n, SBX_MSG_ID_VALID, id, &id, sizeof(id), -1,
			      &st);
}

int
sbx_notify_addfd(struct sbx_notify *n, const struct seccomp_notif_addfd *addfd,
		 int fd)
{
	struct sbx_status st;
	int err;

	/* the ioctl's answer for an srcfd that is not open */
	if (fd < 0)
		return -EBADF;
	err = client_request(n, SBX_MSG_ADDFD, addfd->id, addfd, sizeof(*addfd),
			     fd, &st);
	if (err < 0)
		return err;
	if (st.val < 0 || st.val > INT_MAX)
		return client_fail(n, -EPROTO);
	return (int)st.val;
}

ssize_t
sbx_notify_read_mem(struct sbx_notify *n, uint64_t id, uint64_t addr, void *buf,
		    size_t len)
{
	struct sbx_read_mem req = {
		.id = id,
		.addr = addr,
		.len = len < SBX_READ_MEM_MAX ? len : SBX_READ_MEM_MAX,
	};
	struct sbx_status st;
	int err;

	err =
	    client_request(n, SBX_MSG_READ_MEM, id, &req, sizeof(req), -1, &st);
	if (err < 0)
		return err;
	/* sbx_codec_check() saw that st.val bytes follow */
	if ((uint64_t)st.val > req.len)
		return client_fail(n, -EPROTO);
	if (st.val > 0)
		memcpy(buf, n->rec + sizeof(struct sbx_msg_hdr) + sizeof(st),
		       (size_t)st.val);
	return (ssize_t)st.val;
}

int
sbx_notify_cancelled(struct sbx_notify *n, uint64_t *id, uint32_t *reason)
{
	const struct sbx_cancel *c;

	if (!n->cancel_count)
		return -EAGAIN;
	c = &n->cancels[n->cancel_head];
	*id = c->id;
	*reason = c->reason;
	n->cancel_head = (n->cancel_head + 1) % CLIENT_MAX_CANCELS;
	n->cancel_count--;
	return 0;
}
