/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_hub: unit tests for the notify hub (src/notify/hub.c), the
 * supervisor's side of the agent protocol.
 *
 * A real hub binds a real socket in a fresh directory under $TMPDIR; the
 * agents are plain SOCK_SEQPACKET sockets of this process that write raw
 * records, so every byte of the wire format is checked here and not
 * through the client library.  The hub's ops are stubs that record their
 * calls.  The hub runs in this thread: pump() polls and dispatches until
 * it has nothing left to do, after which every answer is in the agents'
 * queues.
 *
 * The expected errors are the kernel's for the same ioctl sequence
 * (kernel-seccomp-semantics.md 7.4: SECCOMP_IOCTL_NOTIF_SEND, _ID_VALID,
 * _ADDFD); check_notify_client and tests/notify run the same sequences
 * against the kernel's listener too.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <check.h>
#include <json-c/json.h>

#include "notify/hub.h"

#define HDR sizeof(struct sbx_msg_hdr)

/* ---- the stub tracer ---- */

static struct stub {
	struct notify_hub *h;
	unsigned int replied, addfd, read_mem, lost;
	uint64_t replied_id;
	enum notify_state replied_state;
	int64_t replied_val;
	int32_t replied_error;
	uint32_t replied_flags;
	bool finish_in_replied; /* as the tracer does for ADDFD with SEND */
	struct seccomp_notif_addfd addfd_req;
	uint64_t addfd_id;
	struct stat addfd_st;
	int addfd_fdflags;
	int addfd_ret;
	bool addfd_withdraw; /* the thread is interrupted meanwhile */
	uint64_t read_addr;
	size_t read_len;
	ssize_t read_ret;	  /* 0: all of it */
	unsigned int lost_agents; /* notify_hub_agents() inside @lost */
} st;

static char tmpdir[PATH_MAX];
static char sock_path[PATH_MAX + 32];

static void
stub_replied(void *ctx, struct notify_item *n)
{
	ck_assert_ptr_eq(ctx, &st);
	st.replied++;
	st.replied_id = n->id;
	st.replied_state = n->state;
	st.replied_val = n->val;
	st.replied_error = n->error;
	st.replied_flags = n->flags;
	if (st.finish_in_replied)
		notify_hub_finish(st.h, n);
}

static int
stub_addfd(void *ctx, struct notify_item *n,
	   const struct seccomp_notif_addfd *req, int fd)
{
	st.addfd++;
	st.addfd_req = *req;
	st.addfd_id = n->id;
	ck_assert_int_eq(n->state, NOTIFY_SENT);
	ck_assert_int_eq(fstat(fd, &st.addfd_st), 0);
	st.addfd_fdflags = fcntl(fd, F_GETFD);
	if (st.addfd_withdraw) {
		notify_hub_withdraw(st.h, n, SBX_CANCEL_SIGNAL);
		return -ESRCH;
	}
	return st.addfd_ret;
}

static ssize_t
stub_read_mem(void *ctx, struct notify_item *n, uint64_t addr, void *buf,
	      size_t len)
{
	size_t i, k = len;

	st.read_mem++;
	st.read_addr = addr;
	st.read_len = len;
	ck_assert_int_eq(n->state, NOTIFY_SENT);
	if (st.read_ret < 0)
		return st.read_ret;
	if (st.read_ret > 0 && (size_t)st.read_ret < len)
		k = (size_t)st.read_ret;
	for (i = 0; i < k; i++)
		((unsigned char *)buf)[i] = (unsigned char)(addr + i);
	return (ssize_t)k;
}

static void
stub_lost(void *ctx)
{
	st.lost++;
	st.lost_agents = notify_hub_agents(st.h);
}

static const struct notify_hub_ops stub_ops = {
	.replied = stub_replied,
	.addfd = stub_addfd,
	.read_mem = stub_read_mem,
	.lost = stub_lost,
};

/* ---- fixtures and helpers ---- */

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");

	memset(&st, 0, sizeof(st));
	snprintf(tmpdir, sizeof(tmpdir), "%s/check_hub.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(sock_path, sizeof(sock_path), "%s/agent.sock", tmpdir);
}

static void
teardown(void)
{
	char path[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	notify_hub_free(st.h);
	st.h = NULL;
	d = opendir(tmpdir);
	if (d) {
		while ((de = readdir(d)))
			if (de->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", tmpdir,
					 de->d_name);
				unlink(path);
			}
		closedir(d);
	}
	rmdir(tmpdir);
}

static struct notify_hub *
hub_open_cfg(const struct notify_hub_config *cfg)
{
	const char *msg = NULL;
	int r;

	r = notify_hub_new(cfg, &stub_ops, &st, &st.h, &msg);
	ck_assert_msg(r == 0, "notify_hub_new: %s: %s", msg ? msg : "?",
		      strerror(-r));
	return st.h;
}

static struct notify_hub *
hub_open(void)
{
	struct notify_hub_config cfg = { .socket_path = sock_path };

	return hub_open_cfg(&cfg);
}

/* Poll and dispatch until the hub has nothing left to do. */
static void
pump(struct notify_hub *h)
{
	struct pollfd fds[128];
	size_t n;
	int i, r;

	for (i = 0; i < 1000; i++) {
		n = notify_hub_pollfds(h, fds, 128);
		do
			r = poll(fds, n, 0);
		while (r < 0 && errno == EINTR);
		if (r <= 0)
			return;
		ck_assert_int_eq(notify_hub_dispatch(h, fds, n), 0);
	}
	ck_abort_msg("the hub is still busy after 1000 rounds");
}

static int
count_fds(void)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the DIR's own */
}

/* Send one raw record, with @nfds fds in SCM_RIGHTS. */
static void
send_raw(int fd, const void *rec, size_t len, const int *fds, size_t nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct iovec iov = { (void *)rec, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	ck_assert_uint_le(nfds, 4);
	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	ck_assert_int_eq(sendmsg(fd, &m, MSG_NOSIGNAL), (ssize_t)len);
}

static void
send_rec_fds(int fd, uint32_t type, const void *p, size_t len, const int *fds,
	     size_t nfds)
{
	unsigned char rec[SBX_NOTIFY_MAX_RECORD];
	struct sbx_msg_hdr hdr = { .type = type, .len = (uint32_t)len };

	ck_assert_uint_le(HDR + len, sizeof(rec));
	memcpy(rec, &hdr, HDR);
	if (len)
		memcpy(rec + HDR, p, len);
	send_raw(fd, rec, HDR + len, fds, nfds);
}

static void
send_rec(int fd, uint32_t type, const void *p, size_t len)
{
	send_rec_fds(fd, type, p, len, NULL, 0);
}

/*
 * Read one record without waiting.  Returns its payload length, or
 * -EAGAIN when there is none, or 0 with *@type 0 at EOF.
 */
static ssize_t
read_rec(int fd, uint32_t *type, void *p, size_t max)
{
	unsigned char rec[SBX_NOTIFY_MAX_RECORD + 1];
	struct sbx_msg_hdr hdr;
	ssize_t r;

	r = recv(fd, rec, sizeof(rec), MSG_DONTWAIT);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -EAGAIN;
	ck_assert_int_ge(r, 0);
	if (r == 0) {
		*type = 0;
		return 0;
	}
	ck_assert_int_ge(r, (ssize_t)HDR);
	ck_assert_int_le(r, SBX_NOTIFY_MAX_RECORD);
	memcpy(&hdr, rec, HDR);
	ck_assert_uint_eq(hdr.len, (size_t)r - HDR);
	ck_assert_uint_le(hdr.len, max);
	memcpy(p, rec + HDR, hdr.len);
	*type = hdr.type;
	return (ssize_t)hdr.len;
}

static void
expect_none(int fd)
{
	unsigned char p[SBX_NOTIFY_MAX_RECORD];
	uint32_t type;
	ssize_t r;

	r = read_rec(fd, &type, p, sizeof(p));
	ck_assert_msg(r == -EAGAIN, "unexpected record of type %u",
		      (unsigned)type);
}

/* The connection was closed by the hub. */
static void
expect_eof(int fd)
{
	unsigned char p[SBX_NOTIFY_MAX_RECORD];
	uint32_t type = 1;

	ck_assert_int_eq(read_rec(fd, &type, p, sizeof(p)), 0);
	ck_assert_uint_eq(type, 0);
}

static struct sbx_status
read_status(int fd)
{
	struct sbx_status s;
	uint32_t type = 0;

	ck_assert_int_eq(read_rec(fd, &type, &s, sizeof(s)), sizeof(s));
	ck_assert_uint_eq(type, SBX_MSG_STATUS);
	return s;
}

static void
expect_status(int fd, uint64_t id, uint32_t request, int error, int64_t val)
{
	struct sbx_status s = read_status(fd);

	ck_assert_msg(s.request == request && s.error == error,
		      "STATUS request %u error %d, expected %u and %d",
		      s.request, s.error, request, error);
	ck_assert_uint_eq(s.id, id);
	ck_assert_int_eq(s.val, val);
}

static struct seccomp_notif
read_notif(int fd)
{
	struct seccomp_notif n;
	uint32_t type = 0;

	ck_assert_int_eq(read_rec(fd, &type, &n, sizeof(n)), sizeof(n));
	ck_assert_uint_eq(type, SBX_MSG_NOTIF);
	return n;
}

static void
expect_cancel(int fd, uint64_t id, uint32_t reason)
{
	struct sbx_cancel c;
	uint32_t type = 0;

	ck_assert_int_eq(read_rec(fd, &type, &c, sizeof(c)), sizeof(c));
	ck_assert_uint_eq(type, SBX_MSG_CANCEL);
	ck_assert_uint_eq(c.id, id);
	ck_assert_uint_eq(c.reason, reason);
	ck_assert_uint_eq(c.reserved, 0);
}

static int
agent_connect_nohello(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_lt(strlen(sock_path), sizeof(sa.sun_path));
	strcpy(sa.sun_path, sock_path);
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* A new agent, accepted, its HELLO read. */
static int
agent_connect(struct notify_hub *h)
{
	struct sbx_hello hello;
	uint32_t type = 0;
	int fd;

	fd = agent_connect_nohello();
	pump(h);
	ck_assert_int_eq(read_rec(fd, &type, &hello, sizeof(hello)),
			 sizeof(hello));
	ck_assert_uint_eq(type, SBX_MSG_HELLO);
	return fd;
}

static struct seccomp_data
call_data(int nr)
{
	struct seccomp_data sd;
	int i;

	memset(&sd, 0, sizeof(sd));
	sd.nr = nr;
	sd.arch = 0xc000003e;
	sd.instruction_pointer = 0x401000 + (uint64_t)nr;
	for (i = 0; i < 6; i++)
		sd.args[i] = ((uint64_t)nr << 32) | (uint64_t)i;
	return sd;
}

static struct notify_item *
queue(struct notify_hub *h, pid_t tid, int nr)
{
	struct seccomp_data sd = call_data(nr);
	struct notify_item *n = NULL;

	ck_assert_int_eq(notify_hub_queue(h, tid, &sd, &st, &n), 0);
	ck_assert_ptr_nonnull(n);
	/* SENT at once if an agent waits */
	ck_assert(n->state == NOTIFY_INIT || n->state == NOTIFY_SENT);
	ck_assert_int_eq(n->tid, tid);
	ck_assert_ptr_eq(n->owner, &st);
	return n;
}

/* RECV, and the NOTIF it brings at once. */
static struct seccomp_notif
recv_now(struct notify_hub *h, int fd)
{
	send_rec(fd, SBX_MSG_RECV, NULL, 0);
	pump(h);
	return read_notif(fd);
}

static void
send_resp(struct notify_hub *h, int fd, uint64_t id, int64_t val, int32_t error,
	  uint32_t flags)
{
	struct seccomp_notif_resp resp = {
		.id = id,
		.val = val,
		.error = error,
		.flags = flags,
	};

	send_rec(fd, SBX_MSG_SEND, &resp, sizeof(resp));
	pump(h);
}

static void
send_id_valid(struct notify_hub *h, int fd, uint64_t id)
{
	send_rec(fd, SBX_MSG_ID_VALID, &id, sizeof(id));
	pump(h);
}

static void
send_addfd(struct notify_hub *h, int fd, uint64_t id, uint32_t flags,
	   uint32_t newfd, uint32_t newfd_flags, int pass)
{
	struct seccomp_notif_addfd a = {
		.id = id,
		.flags = flags,
		.srcfd = 12345, /* ignored */
		.newfd = newfd,
		.newfd_flags = newfd_flags,
	};

	send_rec_fds(fd, SBX_MSG_ADDFD, &a, sizeof(a), &pass, pass >= 0);
	pump(h);
}

/* ---- HELLO and connections ---- */

START_TEST(test_hello)
{
	struct notify_hub *h = hub_open();
	struct sbx_hello hello;
	uint32_t type = 0;
	int fd;

	ck_assert(!notify_hub_ever(h));
	ck_assert_uint_eq(notify_hub_agents(h), 0);
	fd = agent_connect_nohello();
	pump(h);
	ck_assert_int_eq(read_rec(fd, &type, &hello, sizeof(hello)),
			 sizeof(hello));
	ck_assert_uint_eq(type, SBX_MSG_HELLO);
	ck_assert_uint_eq(hello.version, SBX_NOTIFY_VERSION);
	ck_assert_uint_eq(hello.version, 1);
	ck_assert_uint_eq(hello.sizeof_notif, 80);
	ck_assert_uint_eq(hello.sizeof_resp, 24);
	ck_assert_uint_eq(hello.sizeof_data, 64);
	ck_assert_uint_eq(hello.sizeof_addfd, 24);
	ck_assert_uint_eq(hello.features,
			  SBX_FEATURE_ADDFD | SBX_FEATURE_ADDFD_SEND |
			      SBX_FEATURE_CONTINUE | SBX_FEATURE_READ_MEM |
			      SBX_FEATURE_CANCEL);
	ck_assert_uint_eq(hello.features, 0x1f);
	ck_assert_uint_eq(hello.max_record, SBX_NOTIFY_MAX_RECORD);
	ck_assert_uint_eq(hello.reserved, 0);
	ck_assert(notify_hub_ever(h));
	ck_assert_uint_eq(notify_hub_agents(h), 1);
	expect_none(fd);
	close(fd);
}
END_TEST

START_TEST(test_socket_mode)
{
	struct stat sb;

	hub_open();
	ck_assert_int_eq(lstat(sock_path, &sb), 0);
	ck_assert(S_ISSOCK(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0600);
	ck_assert_uint_eq(sb.st_uid, geteuid());
}
END_TEST

START_TEST(test_socket_stale)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat before, after;
	int fd;

	/* a supervisor that died left its socket file */
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	strcpy(sa.sun_path, sock_path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 1), 0);
	close(fd);
	ck_assert_int_eq(lstat(sock_path, &before), 0);
	ck_assert(S_ISSOCK(before.st_mode));

	hub_open();
	ck_assert_int_eq(lstat(sock_path, &after), 0);
	ck_assert(S_ISSOCK(after.st_mode));
	ck_assert_uint_eq(after.st_mode & 07777, 0600);
	/* the new socket answers (tmpfs may reuse the inode number) */
	close(agent_connect(st.h));
}
END_TEST

START_TEST(test_socket_live)
{
	struct notify_hub_config cfg = { .socket_path = sock_path };
	struct notify_hub *other = NULL;
	const char *msg = NULL;
	struct stat sb;
	int fd, r;

	hub_open();
	r = notify_hub_new(&cfg, &stub_ops, &st, &other, &msg);
	ck_assert_int_eq(r, -EADDRINUSE);
	ck_assert_ptr_null(other);
	ck_assert_str_eq(msg, "the agent socket is in use");
	/* the first hub's socket is untouched and still works */
	ck_assert_int_eq(lstat(sock_path, &sb), 0);
	fd = agent_connect(st.h);
	ck_assert_uint_eq(notify_hub_agents(st.h), 1);
	close(fd);
}
END_TEST

START_TEST(test_socket_not_a_socket)
{
	struct notify_hub_config cfg = { .socket_path = sock_path };
	struct notify_hub *h = NULL;
	const char *msg = NULL;
	struct stat sb;
	int fd;

	fd = open(sock_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(notify_hub_new(&cfg, &stub_ops, &st, &h, &msg),
			 -EADDRINUSE);
	ck_assert_ptr_null(h);
	ck_assert_int_eq(lstat(sock_path, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
}
END_TEST

START_TEST(test_socket_too_long)
{
	struct notify_hub_config cfg = { .socket_path = NULL };
	struct notify_hub *h = NULL;
	const char *msg = NULL;
	char path[200];

	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	cfg.socket_path = path;
	ck_assert_int_eq(notify_hub_new(&cfg, &stub_ops, &st, &h, &msg),
			 -ENAMETOOLONG);
	ck_assert_ptr_null(h);
	ck_assert_ptr_nonnull(msg);
}
END_TEST

START_TEST(test_free_unlinks)
{
	char moved[PATH_MAX + 64];
	struct stat sb;
	int fd;

	/* its own socket goes */
	hub_open();
	fd = agent_connect(st.h);
	notify_hub_free(st.h);
	st.h = NULL;
	ck_assert_int_eq(lstat(sock_path, &sb), -1);
	ck_assert_int_eq(errno, ENOENT);
	expect_eof(fd);
	close(fd);

	/* another file in its place stays */
	hub_open();
	snprintf(moved, sizeof(moved), "%s/moved.sock", tmpdir);
	ck_assert_int_eq(rename(sock_path, moved), 0);
	fd = open(sock_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	notify_hub_free(st.h);
	st.h = NULL;
	ck_assert_int_eq(lstat(sock_path, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));

	/* and with no socket at all */
	notify_hub_free(NULL);
}
END_TEST

START_TEST(test_max_agents)
{
	struct notify_hub_config cfg = {
		.socket_path = sock_path,
		.max_agents = 2,
	};
	struct notify_hub *h = hub_open_cfg(&cfg);
	int a, b, c;

	a = agent_connect(h);
	b = agent_connect(h);
	c = agent_connect_nohello();
	pump(h);
	/* the third is closed at once, without a HELLO */
	expect_eof(c);
	ck_assert_uint_eq(notify_hub_agents(h), 2);
	close(c);
	close(a);
	pump(h);
	ck_assert_uint_eq(notify_hub_agents(h), 1);
	c = agent_connect(h);
	ck_assert_uint_eq(notify_hub_agents(h), 2);
	ck_assert_uint_eq(st.lost, 0);
	close(b);
	close(c);
}
END_TEST

/* ---- RECV and ids ---- */

START_TEST(test_recv_before_queue)
{
	struct notify_hub *h = hub_open();
	struct seccomp_data sd = call_data(83);
	struct seccomp_notif n;
	struct notify_item *it;
	int fd = agent_connect(h);

	send_rec(fd, SBX_MSG_RECV, NULL, 0);
	pump(h);
	expect_none(fd); /* it waits, as the ioctl blocks */
	it = queue(h, 4242, 83);
	/* sent at once, no dispatch needed */
	ck_assert_int_eq(it->state, NOTIFY_SENT);
	n = read_notif(fd);
	ck_assert_uint_eq(n.id, it->id);
	/* the agent is this process: our pid namespace, so the tid */
	ck_assert_uint_eq(n.pid, 4242);
	ck_assert_uint_eq(n.flags, 0);
	ck_assert_mem_eq(&n.data, &sd, sizeof(sd));
	expect_none(fd);
	close(fd);
}
END_TEST

START_TEST(test_recv_oldest_first)
{
	struct notify_hub *h = hub_open();
	struct notify_item *it[4];
	struct seccomp_notif n;
	int fd = agent_connect(h), i;

	for (i = 0; i < 4; i++)
		it[i] = queue(h, 100 + i, i);
	/* ids are consecutive, from a random start */
	for (i = 1; i < 4; i++)
		ck_assert_uint_eq(it[i]->id, it[0]->id + (uint64_t)i);
	ck_assert_ptr_eq(notify_hub_first(h), it[0]);
	ck_assert_ptr_eq(notify_hub_next(h, it[0]), it[1]);
	ck_assert_ptr_null(notify_hub_next(h, it[3]));
	for (i = 0; i < 4; i++) {
		n = recv_now(h, fd);
		ck_assert_uint_eq(n.id, it[i]->id);
		ck_assert_uint_eq(n.pid, 100 + (unsigned)i);
		ck_assert_int_eq(n.data.nr, i);
		ck_assert_int_eq(it[i]->state, NOTIFY_SENT);
	}
	send_rec(fd, SBX_MSG_RECV, NULL, 0);
	pump(h);
	expect_none(fd);
	close(fd);
}
END_TEST

START_TEST(test_ids_random_start)
{
	struct notify_hub *h1 = hub_open(), *h2 = NULL;
	struct notify_hub_config cfg = { 0 };
	struct notify_item *a, *b;
	struct seccomp_data sd = call_data(1);
	uint64_t first;

	a = queue(h1, 1, 1);
	first = a->id;
	ck_assert_int_eq(notify_hub_new(&cfg, &stub_ops, &st, &h2, NULL), 0);
	ck_assert_int_eq(notify_hub_queue(h2, 1, &sd, NULL, &b), 0);
	/* 2^-64 to fail by chance */
	ck_assert_uint_ne(b->id, first);
	notify_hub_free(h2);
}
END_TEST

START_TEST(test_recv_with_payload)
{
	struct notify_hub *h = hub_open();
	struct seccomp_notif zero;
	int fd = agent_connect(h);

	/* the ioctl wants an all-zero buffer; we want none */
	memset(&zero, 0, sizeof(zero));
	queue(h, 1, 1);
	send_rec(fd, SBX_MSG_RECV, &zero, sizeof(zero));
	pump(h);
	expect_status(fd, 0, SBX_MSG_RECV, -EINVAL, 0);
	expect_none(fd);
	close(fd);
}
END_TEST

START_TEST(test_recv_limit)
{
	struct notify_hub *h = hub_open();
	int fd = agent_connect(h), i;

	/*
	 * In the kernel, each waiting RECV is a thread; here one connection
	 * may have 1024 outstanding.
	 */
	for (i = 0; i < 1024; i++) {
		send_rec(fd, SBX_MSG_RECV, NULL, 0);
		if (i % 16 == 15)
			pump(h);
	}
	pump(h);
	expect_none(fd);
	send_rec(fd, SBX_MSG_RECV, NULL, 0);
	pump(h);
	expect_status(fd, 0, SBX_MSG_RECV, -EBUSY, 0);
	/* one answered, one more may wait */
	queue(h, 1, 1);
	read_notif(fd);
	send_rec(fd, SBX_MSG_RECV, NULL, 0);
	pump(h);
	expect_none(fd);
	ck_assert_uint_eq(notify_hub_agents(h), 1);
	close(fd);
}
END_TEST

/* ---- SEND ---- */

START_TEST(test_send_states)
{
	struct notify_hub *h = hub_open();
	struct notify_item *it;
	struct seccomp_notif n;
	int fd = agent_connect(h);
	uint64_t id;

	it = queue(h, 7, 39);
	id = it->id;
	/* INIT: not received yet */
	send_resp(h, fd, id, 0, 0, 0);
	expect_status(fd, id, SBX_MSG_SEND, -EINPROGRESS, 0);
	/* an id that never was */
	send_resp(h, fd, id + 100, 0, 0, 0);
	expect_status(fd, id + 100, SBX_MSG_SEND, -ENOENT, 0);
	send_resp(h, fd, id - 1, 0, 0, 0);
	expect_status(fd, id - 1, SBX_MSG_SEND, -ENOENT, 0);

	n = recv_now(h, fd);
	ck_assert_uint_eq(n.id, id);
	/* bad flags first, whatever the id */
	send_resp(h, fd, id, 0, 0, 2);
	expect_status(fd, id, SBX_MSG_SEND, -EINVAL, 0);
	send_resp(h, fd, id + 100, 0, 0, 0x80000000u);
	expect_status(fd, id + 100, SBX_MSG_SEND, -EINVAL, 0);
	/* CONTINUE needs val = error = 0 */
	send_resp(h, fd, id, 1, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	expect_status(fd, id, SBX_MSG_SEND, -EINVAL, 0);
	send_resp(h, fd, id, 0, -1, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	expect_status(fd, id, SBX_MSG_SEND, -EINVAL, 0);
	ck_assert_uint_eq(st.replied, 0);
	ck_assert_int_eq(it->state, NOTIFY_SENT);

	send_resp(h, fd, id, 5, -EPERM, 0);
	expect_status(fd, id, SBX_MSG_SEND, 0, 0);
	ck_assert_uint_eq(st.replied, 1);
	ck_assert_uint_eq(st.replied_id, id);
	ck_assert_int_eq(st.replied_state, NOTIFY_REPLIED);
	ck_assert_int_eq(st.replied_val, 5);
	ck_assert_int_eq(st.replied_error, -EPERM);
	ck_assert_uint_eq(st.replied_flags, 0);
	ck_assert_int_eq(it->state, NOTIFY_REPLIED);

	/* twice: still there, so EINPROGRESS; once finished, ENOENT */
	send_resp(h, fd, id, 0, 0, 0);
	expect_status(fd, id, SBX_MSG_SEND, -EINPROGRESS, 0);
	notify_hub_finish(h, it);
	send_resp(h, fd, id, 0, 0, 0);
	expect_status(fd, id, SBX_MSG_SEND, -ENOENT, 0);
	ck_assert_uint_eq(st.replied, 1);
	ck_assert_ptr_null(notify_hub_first(h));
	expect_none(fd);
	close(fd);
}
END_TEST

START_TEST(test_send_continue)
{
	struct notify_hub *h = hub_open();
	struct notify_item *it;
	int fd = agent_connect(h);
	uint64_t id;

	it = queue(h, 7, 39);
	id = it->id;
	recv_now(h, fd);
	st.finish_in_replied = true; /* @n goes inside @replied */
	send_resp(h, fd, id, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	expect_status(fd, id, SBX_MSG_SEND, 0, 0);
	ck_assert_uint_eq(st.replied_id, id);
	ck_assert_uint_eq(st.replied, 1);
	ck_assert_uint_eq(st.replied_flags, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
	ck_assert_ptr_null(notify_hub_first(h));
	close(fd);
}
END_TEST

START_TEST(test_send_wrong_size)
{
	struct notify_hub *h = hub_open();
	struct seccomp_notif_resp resp = { .id = 77 };
	int fd = agent_connect(h);

	send_rec(fd, SBX_MSG_SEND, &resp, sizeof(resp) - 4);
	pump(h);
	expect_status(fd, 77, SBX_MSG_SEND, -EINVAL, 0);
	send_rec(fd, SBX_MSG_SEND, &resp, 4);
	pump(h);
	expect_status(fd, 0, SBX_MSG_SEND, -EINVAL, 0);
	close(fd);
}
END_TEST

/* ---- ID_VALID ---- */

START_TEST(test_id_valid)
{
	struct notify_hub *h = hub_open();
	struct notify_item *it;
	uint32_t small = 1;
	int fd = agent_connect(h);
	uint64_t id;

	it = queue(h, 7, 1);
	id = it->id;
	send_id_valid(h, fd, id);
	expect_status(fd, id, SBX_MSG_ID_VALID, -ENOENT, 0); /* INIT */
	recv_now(h, fd);
	send_id_valid(h, fd, id);
	expect_status(fd, id, SBX_MSG_ID_VALID, 0, 0); /* SENT */
	send_id_valid(h, fd, id + 1);
	expect_status(fd, id + 1, SBX_MSG_ID_VALID, -ENOENT, 0);
	send_resp(h, fd, id, 0, 0, 0);
	expect_status(fd, id, SBX_MSG_SEND, 0, 0);
	send_id_valid(h, fd, id);
	expect_status(fd, id, SBX_MSG_ID_VALID, -ENOENT, 0); /* REPLIED */
	send_rec(fd, SBX_MSG_ID_VALID, &small, sizeof(small));
	pump(h);
	expect_status(fd, 0, SBX_MSG_ID_VALID, -EINVAL, 0);
	close(fd);
}
END_TEST

/* ---- ADDFD ---- */

START_TEST(test_addfd_checks)
{
	struct notify_hub *h = hub_open();
	struct notify_item *it;
	unsigned char big[32];
	struct seccomp_notif_addfd a;
	int fd = agent_connect(h), file, fds_before;
	uint64_t id;

	file = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(file, 0);
	fds_before = count_fds();
	it = queue(h, 7, 41);
	id = it->id;

	/* INIT */
	send_addfd(h, fd, id, 0, 0, 0, file);
	expect_status(fd, id, SBX_MSG_ADDFD, -EINPROGRESS, 0);
	recv_now(h, fd);
	/* in the kernel's order: flags, then the fd, then the id */
	send_addfd(h, fd, id + 9, 0, 0, O_NONBLOCK, file);
	expect_status(fd, id + 9, SBX_MSG_ADDFD, -EINVAL, 0);
	send_addfd(h, fd, id + 9, 4, 0, 0, file);
	expect_status(fd, id + 9, SBX_MSG_ADDFD, -EINVAL, 0);
	send_addfd(h, fd, id + 9, 0, 5, 0, file);
	expect_status(fd, id + 9, SBX_MSG_ADDFD, -EINVAL, 0);
	send_addfd(h, fd, id + 9, 0, 0, 0, -1);
	expect_status(fd, id + 9, SBX_MSG_ADDFD, -EBADF, 0);
	send_addfd(h, fd, id + 9, 0, 0, 0, file);
	expect_status(fd, id + 9, SBX_MSG_ADDFD, -ENOENT, 0);
	send_addfd(h, fd, id, 0, 0, 0, -1);
	expect_status(fd, id, SBX_MSG_ADDFD, -EBADF, 0);

	/* the struct is extensible as the ioctl's: short, or a nonzero tail */
	memset(&a, 0, sizeof(a));
	a.id = id;
	send_rec_fds(fd, SBX_MSG_ADDFD, &a, 12, &file, 1);
	pump(h);
	expect_status(fd, id, SBX_MSG_ADDFD, -EINVAL, 0);
	memset(big, 0xaa, sizeof(big));
	memcpy(big, &a, sizeof(a));
	send_rec_fds(fd, SBX_MSG_ADDFD, big, sizeof(big), &file, 1);
	pump(h);
	expect_status(fd, id, SBX_MSG_ADDFD, -E2BIG, 0);
	ck_assert_uint_eq(st.addfd, 0);
	memset(big + sizeof(a), 0, sizeof(big) - sizeof(a));
	st.addfd_ret = 3;
	send_rec_fds(fd, SBX_MSG_ADDFD, big, sizeof(big), &file, 1);
	pump(h);
	expect_status(fd, id, SBX_MSG_ADDFD, 0, 3);
	ck_assert_uint_eq(st.addfd, 1);

	/* every fd the hub received is closed again */
	ck_assert_int_eq(count_fds(), fds_before);
	ck_assert_int_eq(it->state, NOTIFY_SENT);
	expect_none(fd);
	close(file);
	close(fd);
}
END_TEST

START_TEST(test_addfd_passes_fd)
{
	struct notify_hub *h = hub_open();
	char path[PATH_MAX + 64];
	struct notify_item *it;
	struct stat sb;
	int fd = agent_connect(h), file, fds_before;
	uint64_t id;

	snprintf(path, sizeof(path), "%s/file", tmpdir);
	file = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(file, 0);
	ck_assert_int_eq(fstat(file, &sb), 0);
	fds_before = count_fds();
	it = queue(h, 7, 41);
	id = it->id;
	recv_now(h, fd);

	/* plain: the op gets the very file, and the answer is its number */
	st.addfd_ret = 17;
	send_addfd(h, fd, id, SECCOMP_ADDFD_FLAG_SETFD, 17, O_CLOEXEC, file);
	expect_status(fd, id, SBX_MSG_ADDFD, 0, 17);
	ck_assert_uint_eq(st.addfd, 1);
	ck_assert_uint_eq(st.addfd_id, id);
	ck_assert_uint_eq(st.addfd_st.st_ino, sb.st_ino);
	ck_assert_uint_eq(st.addfd_st.st_dev, sb.st_dev);
	ck_assert(st.addfd_fdflags & FD_CLOEXEC);
	ck_assert_uint_eq(st.addfd_req.id, id);
	ck_assert_uint_eq(st.addfd_req.flags, SECCOMP_ADDFD_FLAG_SETFD);
	ck_assert_uint_eq(st.addfd_req.newfd, 17);
	ck_assert_uint_eq(st.addfd_req.newfd_flags, O_CLOEXEC);
	ck_assert_uint_eq(st.replied, 0);
	ck_assert_int_eq(it->state, NOTIFY_SENT);

	/* the op's error goes back as it is; the item stays SENT */
	st.addfd_ret = -EMFILE;
	send_addfd(h, fd, id, SECCOMP_ADDFD_FLAG_SEND, 0, 0, file);
	expect_status(fd, id, SBX_MSG_ADDFD, -EMFILE, 0);
	ck_assert_uint_eq(st.replied, 0);
	ck_assert_int_eq(it->state, NOTIFY_SENT);

	/* with SEND, the fd number is the answer */
	st.addfd_ret = 4;
	send_addfd(h, fd, id, SECCOMP_ADDFD_FLAG_SEND, 0, 0, file);
	expect_status(fd, id, SBX_MSG_ADDFD, 0, 4);
	ck_assert_uint_eq(st.replied, 1);
	ck_assert_int_eq(st.replied_state, NOTIFY_REPLIED);
	ck_assert_int_eq(st.replied_val, 4);
	ck_assert_int_eq(st.replied_error, 0);
	ck_assert_uint_eq(st.replied_flags, 0);
	ck_assert_int_eq(it->state, NOTIFY_REPLIED);
	/* answered: further ADDFD and SEND are EINPROGRESS */
	send_addfd(h, fd, id, 0, 0, 0, file);
	expect_status(fd, id, SBX_MSG_ADDFD, -EINPROGRESS, 0);
	send_resp(h, fd, id, 0, 0, 0);
	expect_status(fd, id, SBX_MSG_SEND, -EINPROGRESS, 0);
	ck_assert_uint_eq(st.addfd, 3);
	ck_assert_int_eq(count_fds(), fds_before);
	close(file);
	close(fd);
}
END_TEST

START_TEST(test_addfd_send_finish_in_replied)
{
	struct notify_hub *h = hub_open();
	struct notify_item *it;
	int fd = agent_connect(h), file;
	uint64_t id;

	file = open("/dev/null", O_RDONLY | O_CLOEXEC);
	it = queue(h, 7, 41);
	id = it->id;
	recv_now(h, fd);
	st.finish_in_replied = true;
	st.addfd_ret = 0;
	send_addfd(h, fd, id, SECCOMP_ADDFD_FLAG_SEND, 0, 0, file);
	expect_status(fd, id, SBX_MSG_ADDFD, 0, 0);
	ck_assert_uint_eq(st.replied, 1);
	ck_assert_ptr_null(notify_hub_first(h));
	send_id_valid(h, fd, id);
	expect_status(fd, id, SBX_MSG_ID_VALID, -ENOENT, 0);
	close(file);
	close(fd);
}
END_TEST

START_TEST(test_addfd_withdrawn_meanwhile)
{
	struct notify_hub *h = hub_open();
	struct notify_item *it;
	int fd = agent_connect(h), file;
	uint64_t id;

	file = open("/dev/null", O_RDONLY | O_CLOEXEC);
	it = queue(h, 7, 41);
	id = it->id;
	recv_now(h, fd);
	/* a signal ends the thread's wait while the fd goes in */
	st.addfd_withdraw = true;
	send_addfd(h, fd, id, SECCOMP_ADDFD_FLAG_SEND, 0, 0, file);
	expect_cancel(fd, id, SBX_CANCEL_SIGNAL);
	expect_status(fd, id, SBX_MSG_ADDFD, -ESRCH, 0);
	ck_assert_uint_eq(st.replied, 0);
	ck_assert_ptr_null(notify_hub_first(h));
	send_resp(h, fd, id, 0, 0, 0);
	expect_status(fd, id, SBX_MSG_SEND, -ENOENT, 0);
	close(file);
	close(fd);
}
END_TEST

START_TEST(test_fd_with_other_records)
{
	struct notify_hub *h = hub_open();
	struct seccomp_notif_resp resp;
	struct notify_item *it;
	int fd = agent_connect(h), pair[2], fds_before;
	uint64_t id;

	/* non-blocking: a copy of the write end left open shows as EAGAIN */
	ck_assert_int_eq(pipe2(pair, O_CLOEXEC | O_NONBLOCK), 0);
	fds_before = count_fds();
	it = queue(h, 7, 41);
	id = it->id;
	recv_now(h, fd);

	/* an fd with SEND: refused, not answered, the fd closed */
	memset(&resp, 0, sizeof(resp));
	resp.id = id;
	send_rec_fds(fd, SBX_MSG_SEND, &resp, sizeof(resp), &pair[0], 1);
	pump(h);
	expect_status(fd, id, SBX_MSG_SEND, -EINVAL, 0);
	ck_assert_int_eq(it->state, NOTIFY_SENT);
	ck_assert_uint_eq(st.replied, 0);
	/* with RECV */
	send_rec_fds(fd, SBX_MSG_RECV, NULL, 0, &pair[0], 1);
	pump(h);
	expect_status(fd, 0, SBX_MSG_RECV, -EINVAL, 0);
	/* two with ADDFD */
	{
		struct seccomp_notif_addfd a = { .id = id };

		send_rec_fds(fd, SBX_MSG_ADDFD, &a, sizeof(a), pair, 2);
		pump(h);
		expect_status(fd, id, SBX_MSG_ADDFD, -EINVAL, 0);
	}
	ck_assert_uint_eq(st.addfd, 0);
	/* the hub kept none of them: the pipe's write end is ours alone */
	ck_assert_int_eq(count_fds(), fds_before);
	close(pair[1]);
	{
		char c;

		ck_assert_int_eq(read(pair[0], &c, 1), 0);
	}
	close(pair[0]);
	expect_none(fd);
	close(fd);
}
END_TEST

START_TEST(test_fd_overflow)
{
	struct notify_hub *h = hub_open();
	int fd = agent_connect(h), many[64], fds_before, i, n = 0;
	unsigned char rec[HDR];
	struct sbx_msg_hdr hdr = { .type = SBX_MSG_RECV };
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 64)];
	} ctl;
	struct iovec iov = { rec, sizeof(rec) };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	/* more fds than the hub has room for: MSG_CTRUNC */
	for (i = 0; i < 64; i++) {
		many[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(many[i], 0);
	}
	fds_before = count_fds();
	memcpy(rec, &hdr, sizeof(hdr));
	memset(&ctl, 0, sizeof(ctl));
	m.msg_control = ctl.buf;
	m.msg_controllen = sizeof(ctl.buf);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * 64);
	memcpy(CMSG_DATA(c), many, sizeof(many));
	ck_assert_int_eq(sendmsg(fd, &m, 0), (ssize_t)sizeof(rec));
	pump(h);
	expect_status(fd, 0, SBX_MSG_RECV, -EINVAL, 0);
	ck_assert_int_eq(count_fds(), fds_before);
	for (i = 0; i < 64; i++)
		n += close(many[i]) == 0;
	ck_assert_int_eq(n, 64);
	close(fd);
}
END_TEST

/* ---- READ_MEM ---- */

static void
send_read_mem(struct notify_hub *h, int fd, uint64_t id, uint64_t addr,
	      uint64_t len)
{
	struct sbx_read_mem rm = { .id = id, .addr = addr, .len = len };

	send_rec(fd, SBX_MSG_READ_MEM, &rm, sizeof(rm));
	pump(h);
}

START_TEST(test_read_mem)
{
	struct notify_hub *h = hub_open();
	unsigned char p[SBX_NOTIFY_MAX_RECORD];
	struct sbx_status s;
	struct notify_item *it;
	uint32_t type;
	ssize_t r;
	size_t i;
	int fd = agent_connect(h);
	uint64_t id;

	it = queue(h, 7, 41);
	id = it->id;
	send_read_mem(h, fd, id, 0x1000, 16);
	expect_status(fd, id, SBX_MSG_READ_MEM, -ENOENT, 0); /* INIT */
	recv_now(h, fd);
	send_read_mem(h, fd, id, 0x1000, 0);
	expect_status(fd, id, SBX_MSG_READ_MEM, -EINVAL, 0);
	send_read_mem(h, fd, id, 0x1000, SBX_READ_MEM_MAX + 1);
	expect_status(fd, id, SBX_MSG_READ_MEM, -EINVAL, 0);
	send_read_mem(h, fd, id + 1, 0x1000, 16);
	expect_status(fd, id + 1, SBX_MSG_READ_MEM, -ENOENT, 0);
	ck_assert_uint_eq(st.read_mem, 0);

	/* the bytes follow the STATUS in one record */
	send_read_mem(h, fd, id, 0x1003, 16);
	r = read_rec(fd, &type, p, sizeof(p));
	ck_assert_uint_eq(type, SBX_MSG_STATUS);
	ck_assert_int_eq(r, sizeof(s) + 16);
	memcpy(&s, p, sizeof(s));
	ck_assert_uint_eq(s.id, id);
	ck_assert_uint_eq(s.request, SBX_MSG_READ_MEM);
	ck_assert_int_eq(s.error, 0);
	ck_assert_int_eq(s.val, 16);
	for (i = 0; i < 16; i++)
		ck_assert_uint_eq(p[sizeof(s) + i], (0x1003 + i) & 0xff);
	ck_assert_uint_eq(st.read_addr, 0x1003);
	ck_assert_uint_eq(st.read_len, 16);

	/* the most: the record is then SBX_NOTIFY_MAX_RECORD long */
	send_read_mem(h, fd, id, 0, SBX_READ_MEM_MAX);
	r = read_rec(fd, &type, p, sizeof(p));
	ck_assert_int_eq(r + (ssize_t)HDR, SBX_NOTIFY_MAX_RECORD);
	memcpy(&s, p, sizeof(s));
	ck_assert_int_eq(s.val, SBX_READ_MEM_MAX);

	/* fewer bytes than asked */
	st.read_ret = 5;
	send_read_mem(h, fd, id, 0, 100);
	r = read_rec(fd, &type, p, sizeof(p));
	ck_assert_int_eq(r, sizeof(s) + 5);
	memcpy(&s, p, sizeof(s));
	ck_assert_int_eq(s.val, 5);

	st.read_ret = -EFAULT;
	send_read_mem(h, fd, id, 0, 100);
	expect_status(fd, id, SBX_MSG_READ_MEM, -EFAULT, 0);

	/* wrong size */
	send_rec(fd, SBX_MSG_READ_MEM, &id, sizeof(id));
	pump(h);
	expect_status(fd, id, SBX_MSG_READ_MEM, -EINVAL, 0);
	ck_assert_int_eq(it->state, NOTIFY_SENT);
	ck_assert_uint_eq(st.read_mem, 4);
	close(fd);
}
END_TEST

/* ---- withdraw, reply, finish ---- */

START_TEST(test_withdraw)
{
	struct notify_hub *h = hub_open();
	struct notify_item *a, *b;
	struct seccomp_notif n;
	int fd = agent_connect(h);
	uint64_t ida, idb;

	a = queue(h, 7, 1);
	b = queue(h, 8, 2);
	ida = a->id;
	idb = b->id;
	n = recv_now(h, fd);
	ck_assert_uint_eq(n.id, ida);
	notify_hub_withdraw(h, a, SBX_CANCEL_SIGNAL);
	expect_cancel(fd, ida, SBX_CANCEL_SIGNAL);
	send_resp(h, fd, ida, 0, 0, 0);
	expect_status(fd, ida, SBX_MSG_SEND, -ENOENT, 0);
	send_id_valid(h, fd, ida);
	expect_status(fd, ida, SBX_MSG_ID_VALID, -ENOENT, 0);
	/* an INIT one goes quietly; the agent never saw it */
	notify_hub_withdraw(h, b, SBX_CANCEL_EXIT);
	expect_none(fd);
	send_rec(fd, SBX_MSG_RECV, NULL, 0);
	pump(h);
	expect_none(fd);
	/* a restarted call is a new notification with a new id */
	a = queue(h, 7, 1);
	n = read_notif(fd);
	ck_assert_uint_eq(n.id, idb + 1);
	ck_assert_uint_eq(a->id, idb + 1);
	ck_assert_uint_eq(st.replied, 0);
	close(fd);
}
END_TEST

START_TEST(test_reply)
{
	struct notify_hub *h = hub_open();
	struct notify_item *a, *b;
	int fd = agent_connect(h);

	a = queue(h, 7, 1);
	b = queue(h, 8, 2);
	recv_now(h, fd);
	/* as when the last agent goes: every pending one gets ENOSYS */
	notify_hub_reply(h, a, 0, -ENOSYS);
	notify_hub_reply(h, b, 0, -ENOSYS);
	expect_cancel(fd, a->id, SBX_CANCEL_EXIT);
	expect_none(fd); /* b was never received */
	ck_assert_int_eq(a->state, NOTIFY_REPLIED);
	ck_assert_int_eq(a->error, -ENOSYS);
	ck_assert_int_eq(a->val, 0);
	ck_assert_uint_eq(a->flags, 0);
	ck_assert_int_eq(b->state, NOTIFY_REPLIED);
	ck_assert_uint_eq(st.replied, 0);
	send_resp(h, fd, a->id, 0, 0, 0);
	expect_status(fd, a->id, SBX_MSG_SEND, -EINPROGRESS, 0);
	send_rec(fd, SBX_MSG_RECV, NULL, 0);
	pump(h);
	expect_none(fd); /* nothing INIT */
	notify_hub_finish(h, a);
	notify_hub_finish(h, b);
	ck_assert_ptr_null(notify_hub_first(h));
	close(fd);
}
END_TEST

/* ---- several agents, and losing them ---- */

START_TEST(test_two_agents)
{
	struct notify_hub *h = hub_open();
	struct seccomp_notif n1, n2, n3, n4;
	int a = agent_connect(h), b = agent_connect(h);

	send_rec(a, SBX_MSG_RECV, NULL, 0);
	send_rec(a, SBX_MSG_RECV, NULL, 0);
	pump(h);
	send_rec(b, SBX_MSG_RECV, NULL, 0);
	send_rec(b, SBX_MSG_RECV, NULL, 0);
	pump(h);
	queue(h, 1, 1);
	queue(h, 2, 2);
	/* each goes to exactly one agent, in turn */
	n1 = read_notif(a);
	n2 = read_notif(b);
	ck_assert_uint_ne(n1.id, n2.id);
	expect_none(a);
	expect_none(b);
	queue(h, 3, 3);
	queue(h, 4, 4);
	n3 = read_notif(a);
	n4 = read_notif(b);
	ck_assert_uint_eq(n3.id, n1.id + 2);
	ck_assert_uint_eq(n4.id, n1.id + 3);
	queue(h, 5, 5);
	expect_none(a);
	expect_none(b);
	/* any agent may answer any id */
	send_resp(h, b, n1.id, 0, 0, 0);
	expect_status(b, n1.id, SBX_MSG_SEND, 0, 0);
	ck_assert_uint_eq(st.replied_id, n1.id);
	close(a);
	close(b);
}
END_TEST

START_TEST(test_hangup_requeues)
{
	struct notify_hub *h = hub_open();
	struct notify_item *x, *y;
	struct seccomp_notif n;
	int a = agent_connect(h), b = agent_connect(h);

	x = queue(h, 1, 1);
	y = queue(h, 2, 2);
	recv_now(h, a);
	recv_now(h, a);
	ck_assert_int_eq(x->state, NOTIFY_SENT);
	send_rec(b, SBX_MSG_RECV, NULL, 0);
	pump(h);
	expect_none(b);
	/* a goes with both: they return, oldest first, and b gets one */
	close(a);
	pump(h);
	ck_assert_uint_eq(notify_hub_agents(h), 1);
	ck_assert_uint_eq(st.lost, 0);
	n = read_notif(b);
	ck_assert_uint_eq(n.id, x->id);
	ck_assert_int_eq(x->state, NOTIFY_SENT);
	ck_assert_int_eq(y->state, NOTIFY_INIT);
	n = recv_now(h, b);
	ck_assert_uint_eq(n.id, y->id);
	/* the last one goes: @lost, once, with both back to INIT */
	close(b);
	pump(h);
	ck_assert_uint_eq(notify_hub_agents(h), 0);
	ck_assert_uint_eq(st.lost, 1);
	ck_assert_uint_eq(st.lost_agents, 0);
	ck_assert_int_eq(x->state, NOTIFY_INIT);
	ck_assert_int_eq(y->state, NOTIFY_INIT);
	pump(h);
	ck_assert_uint_eq(st.lost, 1);
	/* a new agent finds them; a second loss is a second call */
	a = agent_connect(h);
	n = recv_now(h, a);
	ck_assert_uint_eq(n.id, x->id);
	close(a);
	pump(h);
	ck_assert_uint_eq(st.lost, 2);
	ck_assert(notify_hub_ever(h));
}
END_TEST

START_TEST(test_lost_deferred)
{
	struct notify_hub *h = hub_open();
	struct notify_item *x;
	int a = agent_connect(h);

	send_rec(a, SBX_MSG_RECV, NULL, 0);
	pump(h);
	/* the agent is gone, but the hub learns it only when it sends */
	close(a);
	x = queue(h, 1, 1);
	ck_assert_int_eq(x->state, NOTIFY_INIT);
	ck_assert_uint_eq(notify_hub_agents(h), 0);
	/* not inside the tracer's own call, but at the next dispatch */
	ck_assert_uint_eq(st.lost, 0);
	pump(h);
	ck_assert_uint_eq(st.lost, 1);
	pump(h);
	ck_assert_uint_eq(st.lost, 1);
}
END_TEST

START_TEST(test_withdraw_to_gone_agent)
{
	struct notify_hub *h = hub_open();
	struct notify_item *x, *y;
	int a = agent_connect(h), b = agent_connect(h);
	struct seccomp_notif n;

	x = queue(h, 1, 1);
	y = queue(h, 2, 2);
	recv_now(h, a);
	recv_now(h, a);
	send_rec(b, SBX_MSG_RECV, NULL, 0);
	pump(h);
	/* a's CANCEL fails: a is dropped then, and y goes to b */
	close(a);
	notify_hub_withdraw(h, x, SBX_CANCEL_EXIT);
	ck_assert_uint_eq(notify_hub_agents(h), 1);
	n = read_notif(b);
	ck_assert_uint_eq(n.id, y->id);
	pump(h);
	ck_assert_uint_eq(st.lost, 0);
	close(b);
}
END_TEST

START_TEST(test_set_done)
{
	struct notify_hub *h = hub_open();
	int a = agent_connect(h);

	send_rec(a, SBX_MSG_RECV, NULL, 0);
	send_rec(a, SBX_MSG_RECV, NULL, 0);
	pump(h);
	expect_none(a);
	notify_hub_set_done(h);
	/* each waiting RECV wakes to ENOENT, and so does every later one */
	expect_status(a, 0, SBX_MSG_RECV, -ENOENT, 0);
	expect_status(a, 0, SBX_MSG_RECV, -ENOENT, 0);
	expect_none(a);
	send_rec(a, SBX_MSG_RECV, NULL, 0);
	pump(h);
	expect_status(a, 0, SBX_MSG_RECV, -ENOENT, 0);
	close(a);
}
END_TEST

/* ---- malformed input ---- */

START_TEST(test_malformed)
{
	struct notify_hub *h = hub_open();
	unsigned char rec[SBX_NOTIFY_MAX_RECORD + 64];
	struct sbx_msg_hdr hdr;
	int fd = agent_connect(h);
	uint32_t t;
	uint64_t id = 0x1122334455667788ull;

	/* shorter than a header: the type when it is there */
	send_raw(fd, rec, 0, NULL, 0);
	pump(h);
	expect_status(fd, 0, 0, -EINVAL, 0);
	t = SBX_MSG_SEND;
	memcpy(rec, &t, 4);
	send_raw(fd, rec, 3, NULL, 0);
	pump(h);
	expect_status(fd, 0, 0, -EINVAL, 0);
	send_raw(fd, rec, 7, NULL, 0);
	pump(h);
	expect_status(fd, 0, SBX_MSG_SEND, -EINVAL, 0);

	/* a len that is not what came: id 0, the framing is not trusted */
	hdr.type = SBX_MSG_ID_VALID;
	hdr.len = 16;
	memcpy(rec, &hdr, HDR);
	memcpy(rec + HDR, &id, sizeof(id));
	send_raw(fd, rec, HDR + 8, NULL, 0);
	pump(h);
	expect_status(fd, 0, SBX_MSG_ID_VALID, -EINVAL, 0);
	hdr.len = 4;
	memcpy(rec, &hdr, HDR);
	send_raw(fd, rec, HDR + 8, NULL, 0);
	pump(h);
	expect_status(fd, 0, SBX_MSG_ID_VALID, -EINVAL, 0);

	/* unknown types, and those only the supervisor sends */
	send_rec(fd, 0, NULL, 0);
	pump(h);
	expect_status(fd, 0, 0, -EINVAL, 0);
	send_rec(fd, 99, &id, sizeof(id));
	pump(h);
	expect_status(fd, 0, 99, -EINVAL, 0);
	send_rec(fd, 0xffffffffu, NULL, 0);
	pump(h);
	expect_status(fd, 0, 0xffffffffu, -EINVAL, 0);
	send_rec(fd, SBX_MSG_HELLO, NULL, 0);
	pump(h);
	expect_status(fd, 0, SBX_MSG_HELLO, -EINVAL, 0);
	send_rec(fd, SBX_MSG_NOTIF, &id, sizeof(id));
	pump(h);
	expect_status(fd, 0, SBX_MSG_NOTIF, -EINVAL, 0);
	send_rec(fd, SBX_MSG_STATUS, NULL, 0);
	pump(h);
	expect_status(fd, 0, SBX_MSG_STATUS, -EINVAL, 0);
	send_rec(fd, SBX_MSG_CANCEL, NULL, 0);
	pump(h);
	expect_status(fd, 0, SBX_MSG_CANCEL, -EINVAL, 0);

	/* the longest record is fine */
	memset(rec, 0, sizeof(rec));
	hdr.type = 1000;
	hdr.len = SBX_NOTIFY_MAX_RECORD - HDR;
	memcpy(rec, &hdr, HDR);
	send_raw(fd, rec, SBX_NOTIFY_MAX_RECORD, NULL, 0);
	pump(h);
	expect_status(fd, 0, 1000, -EINVAL, 0);
	ck_assert_uint_eq(notify_hub_agents(h), 1);
	expect_none(fd);
	ck_assert_uint_eq(st.replied + st.addfd + st.read_mem + st.lost, 0);
	close(fd);
}
END_TEST

static void
on_alarm(int sig)
{
	(void)sig;
}

START_TEST(test_empty_records_under_signals)
{
	struct notify_hub *h = hub_open();
	struct itimerval it = { { 0, 20 }, { 0, 20 } }, off = { 0 };
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	int fd = agent_connect(h), i;

	/*
	 * An empty record reads as 0 bytes, like the end of the stream; the
	 * hub must tell them apart even while signals keep interrupting it.
	 */
	sa.sa_flags = SA_RESTART;
	ck_assert_int_eq(sigaction(SIGALRM, &sa, &old), 0);
	ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	for (i = 0; i < 3000; i++) {
		send_raw(fd, "", 0, NULL, 0);
		pump(h);
		if (notify_hub_agents(h) != 1)
			break;
		expect_status(fd, 0, 0, -EINVAL, 0);
	}
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	ck_assert_msg(i == 3000, "dropped after %d empty records", i);
	close(fd);
}
END_TEST

START_TEST(test_oversized)
{
	struct notify_hub *h = hub_open();
	unsigned char rec[SBX_NOTIFY_MAX_RECORD + 64];
	struct sbx_msg_hdr hdr = { .type = SBX_MSG_RECV };
	struct notify_item *x;
	size_t sizes[] = { SBX_NOTIFY_MAX_RECORD + 1,
			   SBX_NOTIFY_MAX_RECORD + 64 };
	size_t i;
	int fd;

	x = queue(h, 1, 1);
	for (i = 0; i < 2; i++) {
		fd = agent_connect(h);
		recv_now(h, fd);
		ck_assert_int_eq(x->state, NOTIFY_SENT);
		memset(rec, 0, sizeof(rec));
		hdr.len = (uint32_t)(sizes[i] - HDR);
		memcpy(rec, &hdr, HDR);
		send_raw(fd, rec, sizes[i], NULL, 0);
		pump(h);
		/* dropped, and what it held is back in the queue */
		expect_eof(fd);
		ck_assert_uint_eq(notify_hub_agents(h), 0);
		ck_assert_int_eq(x->state, NOTIFY_INIT);
		ck_assert_uint_eq(st.lost, i + 1);
		close(fd);
	}
}
END_TEST

START_TEST(test_agent_not_reading)
{
	struct notify_hub *h = hub_open();
	struct notify_item *x;
	uint64_t id = 1;
	int fd = agent_connect(h), good = agent_connect(h), i;
	struct seccomp_notif n;
	ssize_t r;

	x = queue(h, 1, 1);
	recv_now(h, fd);
	send_rec(good, SBX_MSG_RECV, NULL, 0);
	pump(h);
	/*
	 * Requests that each get an answer, never read: once the hub's
	 * send would block, the agent goes, and the hub did not wait.
	 */
	for (i = 0; i < 100000 && notify_hub_agents(h) == 2; i++) {
		unsigned char rec[HDR + 8];
		struct sbx_msg_hdr hdr = { SBX_MSG_ID_VALID, 8 };

		memcpy(rec, &hdr, HDR);
		memcpy(rec + HDR, &id, 8);
		r = send(fd, rec, sizeof(rec), MSG_DONTWAIT | MSG_NOSIGNAL);
		ck_assert(r == sizeof(rec) || errno == EAGAIN);
		pump(h);
	}
	ck_assert_uint_eq(notify_hub_agents(h), 1);
	/* its notification went to the other agent */
	n = read_notif(good);
	ck_assert_uint_eq(n.id, x->id);
	ck_assert_uint_eq(st.lost, 0);
	close(fd);
	close(good);
}
END_TEST

/* ---- pid namespaces ---- */

START_TEST(test_other_pidns)
{
	struct notify_hub *h = hub_open();
	int pfd[2], status, i;
	uint32_t pid = 0xdeadbeef;
	pid_t child;
	ssize_t r;

	ck_assert_int_eq(pipe2(pfd, O_CLOEXEC), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		struct seccomp_notif n;
		struct sbx_msg_hdr hdr = { SBX_MSG_RECV, 0 };
		unsigned char rec[256];
		pid_t g;
		int fd;

		close(pfd[0]);
		if (unshare(CLONE_NEWPID) < 0 &&
		    unshare(CLONE_NEWUSER | CLONE_NEWPID) < 0)
			_exit(77);
		g = fork();
		if (g < 0)
			_exit(1);
		if (g > 0) {
			waitpid(g, &status, 0);
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
		}
		/* pid 1 of a new namespace: the hub cannot name its tids */
		fd = agent_connect_nohello();
		if (send(fd, &hdr, HDR, 0) != (ssize_t)HDR)
			_exit(2);
		/* the HELLO, then the NOTIF */
		if (recv(fd, rec, sizeof(rec), 0) <= 0)
			_exit(3);
		if (recv(fd, rec, sizeof(rec), 0) != (ssize_t)(HDR + sizeof(n)))
			_exit(4);
		memcpy(&n, rec + HDR, sizeof(n));
		if (write(pfd[1], &n.pid, sizeof(n.pid)) != sizeof(n.pid))
			_exit(5);
		_exit(0);
	}
	close(pfd[1]);
	for (i = 0; i < 5000 && notify_hub_agents(h) == 0; i++) {
		pump(h);
		usleep(1000);
	}
	if (notify_hub_agents(h) == 0) {
		ck_assert_int_eq(waitpid(child, &status, 0), child);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 77,
			      "the agent in a new pid namespace never came");
		fprintf(stderr, "check_hub: no new pid namespace here; "
				"test_other_pidns checked nothing\n");
		close(pfd[0]);
		return;
	}
	queue(h, getpid(), 1);
	for (i = 0; i < 5000; i++) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };

		pump(h);
		if (poll(&p, 1, 1) == 1)
			break;
	}
	r = read(pfd[0], &pid, sizeof(pid));
	ck_assert_int_eq(r, sizeof(pid));
	ck_assert_uint_eq(pid, 0);
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(pfd[0]);
}
END_TEST

/* ---- the OCI listener bootstrap ---- */

static int
listener_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	strcpy(sa.sun_path, path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

/* Accept the bootstrap connection: its JSON and fds, then EOF. */
static struct json_object *
listener_take(int lfd, int *fds, size_t *nfds)
{
	static char buf[32768];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct iovec iov = { buf, sizeof(buf) - 1 };
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct json_object *o;
	struct cmsghdr *c;
	size_t got = 0;
	ssize_t r;
	int conn;

	conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_int_ge(conn, 0);
	r = recvmsg(conn, &m, MSG_CMSG_CLOEXEC);
	ck_assert_int_gt(r, 0);
	ck_assert(!(m.msg_flags & MSG_CTRUNC));
	got = (size_t)r;
	*nfds = 0;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		ck_assert_int_eq(c->cmsg_level, SOL_SOCKET);
		ck_assert_int_eq(c->cmsg_type, SCM_RIGHTS);
		ck_assert_uint_eq(*nfds, 0); /* one SCM_RIGHTS */
		*nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(c), *nfds * sizeof(int));
	}
	/* one message, then the supervisor closes */
	while ((r = recv(conn, buf + got, sizeof(buf) - 1 - got, 0)) > 0)
		got += (size_t)r;
	ck_assert_int_eq(r, 0);
	close(conn);
	buf[got] = '\0';
	o = json_tokener_parse(buf);
	ck_assert_msg(o != NULL, "not JSON: %s", buf);
	return o;
}

static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no \"%s\"", key);
	ck_assert(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static int64_t
jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	ck_assert_msg(json_object_object_get_ex(o, key, &v), "no \"%s\"", key);
	ck_assert(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

START_TEST(test_bootstrap)
{
	struct notify_hub_config cfg = { 0 };
	char lpath[PATH_MAX + 64], line[256], fdinfo[64];
	struct json_object *o, *v, *state, *ann;
	struct seccomp_notif n;
	struct sbx_hello hello;
	struct notify_hub *h;
	struct notify_item *x;
	int lfd, fds[4], pidfd, type, fds_before;
	size_t nfds = 0;
	socklen_t len = sizeof(type);
	bool pid_ok = false;
	uint32_t t;
	FILE *f;

	snprintf(lpath, sizeof(lpath), "%s/listener.sock", tmpdir);
	lfd = listener_open(lpath);
	cfg.listener_path = lpath;
	cfg.listener_metadata = "MKDIR_SUFFIX=-x\nLEVEL=2";
	h = hub_open_cfg(&cfg);
	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	ck_assert_int_ge(pidfd, 0);
	fds_before = count_fds();

	ck_assert_int_eq(
	    notify_hub_bootstrap(h, getpid(), pidfd, "sbx-1", "/srv/bundle"),
	    0);
	/* pidfd is not consumed; ours is the only new fd: the agent's end */
	ck_assert_int_eq(fcntl(pidfd, F_GETFD), FD_CLOEXEC);
	ck_assert_int_eq(count_fds(), fds_before + 1);
	ck_assert_uint_eq(notify_hub_agents(h), 1);
	ck_assert(notify_hub_ever(h));

	o = listener_take(lfd, fds, &nfds);
	ck_assert_uint_eq(nfds, 2);
	ck_assert_str_eq(jstr(o, "ociVersion"), "1.0.2");
	ck_assert(json_object_object_get_ex(o, "fds", &v));
	ck_assert_uint_eq(json_object_array_length(v), 2);
	ck_assert_str_eq(
	    json_object_get_string(json_object_array_get_idx(v, 0)),
	    "notifyFd");
	ck_assert_str_eq(
	    json_object_get_string(json_object_array_get_idx(v, 1)), "pidfd");
	ck_assert_int_eq(jint(o, "pid"), getpid());
	ck_assert_str_eq(jstr(o, "metadata"), "MKDIR_SUFFIX=-x\nLEVEL=2");
	ck_assert(json_object_object_get_ex(o, "state", &state));
	ck_assert_str_eq(jstr(state, "ociVersion"), "1.0.2");
	ck_assert_str_eq(jstr(state, "id"), "sbx-1");
	ck_assert_str_eq(jstr(state, "status"), "running");
	ck_assert_int_eq(jint(state, "pid"), getpid());
	ck_assert_str_eq(jstr(state, "bundle"), "/srv/bundle");
	ck_assert(json_object_object_get_ex(state, "annotations", &ann));
	ck_assert(json_object_is_type(ann, json_type_object));
	ck_assert_int_eq(json_object_object_length(ann), 0);
	json_object_put(o);

	/* notifyFd: a SOCK_SEQPACKET connection with the HELLO waiting */
	ck_assert_int_eq(getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &type, &len),
			 0);
	ck_assert_int_eq(type, SOCK_SEQPACKET);
	ck_assert_int_eq(read_rec(fds[0], &t, &hello, sizeof(hello)),
			 sizeof(hello));
	ck_assert_uint_eq(t, SBX_MSG_HELLO);
	ck_assert_uint_eq(hello.version, SBX_NOTIFY_VERSION);
	/* pidfd: a pidfd of the target */
	snprintf(fdinfo, sizeof(fdinfo), "/proc/self/fdinfo/%d", fds[1]);
	f = fopen(fdinfo, "re");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		int p;

		if (sscanf(line, "Pid: %d", &p) == 1)
			pid_ok = p == getpid();
	}
	fclose(f);
	ck_assert_msg(pid_ok, "fd 'pidfd' is not a pidfd of the target");

	/* and the channel works as an agent */
	x = queue(h, 99, 2);
	n = recv_now(h, fds[0]);
	ck_assert_uint_eq(n.id, x->id);
	ck_assert_uint_eq(n.pid, 99);
	close(fds[0]);
	close(fds[1]);
	pump(h);
	ck_assert_uint_eq(notify_hub_agents(h), 0);
	ck_assert_uint_eq(st.lost, 1);
	close(pidfd);
	close(lfd);
}
END_TEST

START_TEST(test_bootstrap_no_metadata)
{
	struct notify_hub_config cfg = { 0 };
	char lpath[PATH_MAX + 64];
	struct json_object *o, *v;
	struct notify_hub *h;
	int lfd, fds[4], pidfd;
	size_t nfds, i;

	snprintf(lpath, sizeof(lpath), "%s/listener.sock", tmpdir);
	lfd = listener_open(lpath);
	cfg.listener_path = lpath;
	cfg.listener_metadata = "";
	h = hub_open_cfg(&cfg);
	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	ck_assert_int_ge(pidfd, 0);
	ck_assert_int_eq(notify_hub_bootstrap(h, 1234, pidfd, "x", "/"), 0);
	o = listener_take(lfd, fds, &nfds);
	ck_assert_uint_eq(nfds, 2);
	ck_assert(!json_object_object_get_ex(o, "metadata", &v));
	ck_assert_int_eq(jint(o, "pid"), 1234);
	json_object_put(o);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	close(pidfd);
	close(lfd);
}
END_TEST

START_TEST(test_bootstrap_unreachable)
{
	struct notify_hub_config cfg = { .socket_path = sock_path };
	char lpath[PATH_MAX + 64];
	struct notify_hub *h;
	int pidfd, fds_before;

	snprintf(lpath, sizeof(lpath), "%s/nobody.sock", tmpdir);
	cfg.listener_path = lpath;
	h = hub_open_cfg(&cfg);
	pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	ck_assert_int_ge(pidfd, 0);
	fds_before = count_fds();
	ck_assert_int_eq(notify_hub_bootstrap(h, getpid(), pidfd, "x", "/"),
			 -ENOENT);
	ck_assert_int_eq(count_fds(), fds_before);
	ck_assert_uint_eq(notify_hub_agents(h), 0);
	ck_assert(!notify_hub_ever(h));
	pump(h);
	ck_assert_uint_eq(st.lost, 0);
	close(pidfd);

	/* without a listenerPath, nothing to do */
	notify_hub_free(st.h);
	cfg.listener_path = NULL;
	h = hub_open_cfg(&cfg);
	ck_assert_int_eq(notify_hub_bootstrap(h, getpid(), -1, "x", "/"), 0);
	ck_assert_uint_eq(notify_hub_agents(h), 0);
}
END_TEST

/* ---- nothing leaks ---- */

START_TEST(test_free_with_everything)
{
	struct notify_hub *h;
	int a, b, fds_before;

	fds_before = count_fds();
	h = hub_open();
	a = agent_connect(h);
	b = agent_connect(h);
	queue(h, 1, 1);
	queue(h, 2, 2);
	recv_now(h, a);
	send_rec(b, SBX_MSG_RECV, NULL, 0);
	send_rec(b, SBX_MSG_RECV, NULL, 0);
	pump(h);
	read_notif(b);
	notify_hub_free(h);
	st.h = NULL;
	expect_eof(b);
	close(a);
	close(b);
	ck_assert_int_eq(count_fds(), fds_before);
	ck_assert_uint_eq(st.lost, 0);
}
END_TEST

static Suite *
hub_suite(void)
{
	Suite *s = suite_create("hub");
	TCase *tc;

	tc = tcase_create("socket");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_hello);
	tcase_add_test(tc, test_socket_mode);
	tcase_add_test(tc, test_socket_stale);
	tcase_add_test(tc, test_socket_live);
	tcase_add_test(tc, test_socket_not_a_socket);
	tcase_add_test(tc, test_socket_too_long);
	tcase_add_test(tc, test_free_unlinks);
	tcase_add_test(tc, test_max_agents);
	tcase_add_test(tc, test_free_with_everything);
	suite_add_tcase(s, tc);

	tc = tcase_create("requests");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_recv_before_queue);
	tcase_add_test(tc, test_recv_oldest_first);
	tcase_add_test(tc, test_ids_random_start);
	tcase_add_test(tc, test_recv_with_payload);
	tcase_add_test(tc, test_recv_limit);
	tcase_add_test(tc, test_send_states);
	tcase_add_test(tc, test_send_continue);
	tcase_add_test(tc, test_send_wrong_size);
	tcase_add_test(tc, test_id_valid);
	tcase_add_test(tc, test_addfd_checks);
	tcase_add_test(tc, test_addfd_passes_fd);
	tcase_add_test(tc, test_addfd_send_finish_in_replied);
	tcase_add_test(tc, test_addfd_withdrawn_meanwhile);
	tcase_add_test(tc, test_fd_with_other_records);
	tcase_add_test(tc, test_fd_overflow);
	tcase_add_test(tc, test_read_mem);
	tcase_add_test(tc, test_withdraw);
	tcase_add_test(tc, test_reply);
	suite_add_tcase(s, tc);

	tc = tcase_create("agents");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_two_agents);
	tcase_add_test(tc, test_hangup_requeues);
	tcase_add_test(tc, test_lost_deferred);
	tcase_add_test(tc, test_withdraw_to_gone_agent);
	tcase_add_test(tc, test_set_done);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_empty_records_under_signals);
	tcase_add_test(tc, test_oversized);
	tcase_add_test(tc, test_agent_not_reading);
	tcase_add_test(tc, test_other_pidns);
	suite_add_tcase(s, tc);

	tc = tcase_create("bootstrap");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_bootstrap);
	tcase_add_test(tc, test_bootstrap_no_metadata);
	tcase_add_test(tc, test_bootstrap_unreachable);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(hub_suite());
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
