/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * agent: the policy agent of the tests in tests/agent.  It answers each
 * notification as the probe's call asks (ops.h), and speaks either to
 * sandbox-run's agent socket or, for the kernel's answer to the same
 * question, to a kernel listener fd.
 *
 *   agent [OPTION]... -s SOCKET [serve]	 serve sandbox-run's agent
 *socket agent [OPTION]... -k [-K] [-j N] -- CMD [ARG]... run CMD under a kernel
 *filter (getppid: USER_NOTIF; -K: WAIT_KILLABLE_RECV) and serve its listener
 *from N processes; exit as CMD exits agent [OPTION]... -s SOCKET evil	 send
 *malformed records, one connection each, and check every answer agent
 *[OPTION]... [-m META] [-b DIR] [-z] listen PATH an OCI listenerPath: take one
 *bootstrap at PATH, check it (metadata META, bundle DIR; -z: insist on a
 *			 "seccompFd", as runc's test agent does), and serve
 *			 its notifyFd
 *
 * Options: -f FILE, a file for ADDFD (repeated: 0, 1, ...); -g N, the
 * generation AGENT_OP_DIE names; -o LOG; -c FILE, -r FILE: create FILE
 * once connected, once the first notification is in; -w FILE: before
 * dying, wait for FILE; -d FILE: before serving, wait for FILE; -S MS:
 * sleep before each answer; -P: drop CAP_SYS_PTRACE; -R: speak the
 * protocol directly rather than through libsandbox-notify.
 *
 * Every notification served is one line of the log (-o), written in one
 * write(2) so that agents sharing a log do not mix lines:
 *
 *   notif id=ID pid=TID op=OP a1=A1 a2=A2 val=VAL err=ERR
 *
 * Whatever went against the protocol's contract is a line starting
 * "FAIL:", and makes the exit status 1.  With the socket, the agent uses
 * the client library, libsandbox-notify, or with -R speaks the protocol
 * directly (sandbox-notify(7)), so that the records on the wire are the
 * ones checked; "evil" always does.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "notify/sandbox-notify.h"
#include "ops.h"

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "add this architecture's AUDIT_ARCH"
#endif

/* how long a reply may take before the agent calls it a hang */
#define REPLY_TIMEOUT_MS 10000
/* how long the agent waits for a file, a socket or a connection */
#define WAIT_TIMEOUT_MS 30000

struct conn {
	int fd;
	bool kernel;		/* a kernel listener fd, not our socket */
	struct sbx_notify *lib; /* spoken through libsandbox-notify */
	uint64_t last_id;	/* the last id answered */
	unsigned int fails;	/* FAIL lines written */
};

static struct {
	const char *files[8];
	int file_fds[8];
	unsigned int n_files;
	unsigned long gen;
	int log_fd;
	const char *connected_file, *received_file, *die_wait_file, *start_file;
	unsigned long delay_ms;
	bool drop_ptrace;
	bool killable;
	unsigned long jobs;
	const char *want_metadata, *want_bundle;
	bool want_seccomp_fd;
	bool raw;
	unsigned int fails;
} arg = { .log_fd = 2, .jobs = 1 };

static void
say(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(arg.log_fd, line, (size_t)n) < 0) {
		/* nowhere left to say it */
	}
	if (strncmp(line, "FAIL:", 5) == 0)
		arg.fails++;
}

static void
sleep_ms(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000),
			       (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for @path to exist; false after WAIT_TIMEOUT_MS. */
static bool
wait_file(const char *path)
{
	long long end = now_ms() + WAIT_TIMEOUT_MS;

	while (access(path, F_OK) < 0) {
		if (now_ms() > end) {
			say("FAIL: %s did not appear", path);
			return false;
		}
		sleep_ms(10);
	}
	return true;
}

static void
touch(const char *path)
{
	int fd;

	if (!path)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		say("FAIL: cannot create %s: %s", path, strerror(errno));
	else
		close(fd);
}

/* ---- the socket protocol, spoken directly ---- */

/* Send one record, with @nfds fds in SCM_RIGHTS. */
static int
send_record(int fd, const void *rec, size_t len, const int *fds,
	    unsigned int nfds)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	struct iovec iov = { (void *)rec, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (nfds > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.buf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(fd, &m, MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

static int
send_msg(int fd, uint32_t type, const void *payload, uint32_t len, int pass)
{
	unsigned char rec[SBX_NOTIFY_MAX_RECORD];
	struct sbx_msg_hdr h = { type, len };

	memcpy(rec, &h, sizeof(h));
	if (len)
		memcpy(rec + sizeof(h), payload, len);
	return send_record(fd, rec, sizeof(h) + len, &pass, pass >= 0 ? 1 : 0);
}

/*
 * Read one record within @timeout_ms (-1: no limit).  Returns its length,
 * 0 at end of file, -ETIMEDOUT, or -errno.  The supervisor sends no fds:
 * any that come are closed and reported.
 */
static ssize_t
read_record(int fd, void *buf, size_t cap, int timeout_ms)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int) * 8)];
	} ctl;
	struct iovec iov = { buf, cap };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n;
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < k; i++) {
				int got;

				memcpy(&got, CMSG_DATA(c) + i * sizeof(int),
				       sizeof(int));
				close(got);
			}
			say("FAIL: the supervisor sent %zu fds", k);
		}
	if (m.msg_flags & MSG_TRUNC)
		say("FAIL: a record longer than %zu bytes", cap);
	return n;
}

/*
 * Wait for a record of @type (NOTIF or STATUS), noting CANCELs on the
 * way.  Returns its payload length, 0 at end of file, or -errno.
 */
static ssize_t
wait_record(struct conn *c, uint32_t type, void *payload, size_t cap,
	    int timeout_ms)
{
	unsigned char rec[SBX_NOTIFY_MAX_RECORD];

	for (;;) {
		struct sbx_msg_hdr h;
		ssize_t n = read_record(c->fd, rec, sizeof(rec), timeout_ms);

		if (n <= 0)
			return n;
		if ((size_t)n < sizeof(h)) {
			say("FAIL: a record of %zd bytes", n);
			return -EPROTO;
		}
		memcpy(&h, rec, sizeof(h));
		if (h.len != (size_t)n - sizeof(h)) {
			say("FAIL: record type %u says %u bytes, has %zd",
			    h.type, h.len, n - (ssize_t)sizeof(h));
			return -EPROTO;
		}
		if (h.type == SBX_MSG_CANCEL) {
			struct sbx_cancel cn;

			if (h.len == sizeof(cn)) {
				memcpy(&cn, rec + sizeof(h), sizeof(cn));
				say("cancel id=%016" PRIx64 " reason=%u", cn.id,
				    cn.reason);
			}
			continue;
		}
		if (h.type != type && h.type != SBX_MSG_STATUS) {
			say("FAIL: record type %u where %u was due", h.type,
			    type);
			return -EPROTO;
		}
		if (h.type != type) {
			/* a STATUS where a NOTIF was due: the RECV failed */
			struct sbx_status st;

			if (h.len < sizeof(st)) {
				say("FAIL: a short STATUS");
				return -EPROTO;
			}
			memcpy(&st, rec + sizeof(h), sizeof(st));
			return st.error < 0 ? st.error : -EPROTO;
		}
		if (h.len > cap) {
			say("FAIL: record type %u of %u bytes", h.type, h.len);
			return -EPROTO;
		}
		memcpy(payload, rec + sizeof(h), h.len);
		return (ssize_t)h.len;
	}
}

static int
read_hello(struct conn *c)
{
	struct sbx_hello hello;
	ssize_t n = wait_record(c, SBX_MSG_HELLO, &hello, sizeof(hello),
				REPLY_TIMEOUT_MS);

	if (n < 0)
		return (int)n;
	if (n != sizeof(hello)) {
		say("FAIL: HELLO of %zd bytes", n);
		return -EPROTO;
	}
	if (hello.version != SBX_NOTIFY_VERSION ||
	    hello.sizeof_notif != sizeof(struct seccomp_notif) ||
	    hello.sizeof_resp != sizeof(struct seccomp_notif_resp) ||
	    hello.sizeof_data != sizeof(struct seccomp_data) ||
	    hello.sizeof_addfd != sizeof(struct seccomp_notif_addfd) ||
	    hello.max_record != SBX_NOTIFY_MAX_RECORD) {
		say("FAIL: HELLO version %u sizes %u %u %u %u max %u",
		    hello.version, hello.sizeof_notif, hello.sizeof_resp,
		    hello.sizeof_data, hello.sizeof_addfd, hello.max_record);
		return -EPROTO;
	}
	return 0;
}

/* A request and its STATUS; the bytes after it go to @data. */
static int
request(struct conn *c, uint32_t type, const void *payload, uint32_t len,
	int pass, struct sbx_status *st, void *data, size_t cap,
	size_t *ret_len)
{
	unsigned char buf[SBX_NOTIFY_MAX_RECORD];
	ssize_t n;
	int r;

	r = send_msg(c->fd, type, payload, len, pass);
	if (r < 0)
		return r;
	n = wait_record(c, SBX_MSG_STATUS, buf, sizeof(buf), REPLY_TIMEOUT_MS);
	if (n == 0)
		return -ECONNRESET;
	if (n == -ETIMEDOUT)
		say("FAIL: no STATUS for request %u within %d ms", type,
		    REPLY_TIMEOUT_MS);
	if (n < 0)
		return (int)n;
	if ((size_t)n < sizeof(*st)) {
		say("FAIL: STATUS of %zd bytes", n);
		return -EPROTO;
	}
	memcpy(st, buf, sizeof(*st));
	if (st->request != type)
		say("FAIL: STATUS for request %u answers request %u", type,
		    st->request);
	if (ret_len)
		*ret_len = (size_t)n - sizeof(*st);
	if (data && (size_t)n > sizeof(*st))
		memcpy(data, buf + sizeof(*st),
		       (size_t)n - sizeof(*st) < cap ? (size_t)n - sizeof(*st)
						     : cap);
	return 0;
}

/* ---- the ioctl-shaped calls, on either kind of connection ---- */

/* Returns 0, -ENOENT when nothing is left to notify, or -errno. */
static int
conn_recv(struct conn *c, struct seccomp_notif *req)
{
	ssize_t n;

	if (c->kernel) {
		for (;;) {
			struct pollfd p = { c->fd, POLLIN, 0 };

			if (poll(&p, 1, -1) < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			if (!(p.revents & POLLIN))
				return -ENOENT; /* POLLHUP: no task left */
			memset(req, 0, sizeof(*req));
			if (ioctl(c->fd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0)
				return 0;
			if (errno != EINTR && errno != ENOENT)
				return -errno;
		}
	}
	if (c->lib) {
		int r = sbx_notify_receive(c->lib, req);

		return r == -EPIPE ? -ECONNRESET : r;
	}
	n = send_msg(c->fd, SBX_MSG_RECV, NULL, 0, -1);
	if (n == -EPIPE || n == -ECONNRESET)
		return -ECONNRESET; /* the supervisor is gone */
	if (n < 0)
		return (int)n;
	n = wait_record(c, SBX_MSG_NOTIF, req, sizeof(*req), -1);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return (int)n;
	if (n != sizeof(*req)) {
		say("FAIL: NOTIF of %zd bytes", n);
		return -EPROTO;
	}
	return 0;
}

static int
conn_send(struct conn *c, const struct seccomp_notif_resp *resp)
{
	struct sbx_status st;
	int r;

	if (c->kernel)
		return ioctl(c->fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 ? -errno
									: 0;
	if (c->lib)
		return sbx_notify_respond(c->lib, resp);
	r = request(c, SBX_MSG_SEND, resp, sizeof(*resp), -1, &st, NULL, 0,
		    NULL);
	if (r < 0)
		return r;
	if (st.id != resp->id)
		say("FAIL: STATUS for SEND %016" PRIx64 " names %016" PRIx64,
		    resp->id, st.id);
	return st.error;
}

/* Returns the fd number in the target, or -errno. */
static int
conn_addfd(struct conn *c, const struct seccomp_notif_addfd *a, int fd)
{
	struct seccomp_notif_addfd k = *a;
	struct sbx_status st;
	int r;

	if (c->kernel) {
		k.srcfd = (uint32_t)fd;
		r = ioctl(c->fd, SECCOMP_IOCTL_NOTIF_ADDFD, &k);
		return r < 0 ? -errno : r;
	}
	if (c->lib)
		return sbx_notify_addfd(c->lib, a, fd);
	r = request(c, SBX_MSG_ADDFD, a, sizeof(*a), fd, &st, NULL, 0, NULL);
	if (r < 0)
		return r;
	if (st.id != a->id)
		say("FAIL: STATUS for ADDFD %016" PRIx64 " names %016" PRIx64,
		    a->id, st.id);
	return st.error < 0 ? st.error : (int)st.val;
}

static int
conn_id_valid(struct conn *c, uint64_t id)
{
	struct sbx_status st;
	int r;

	if (c->kernel)
		return ioctl(c->fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) < 0
			   ? -errno
			   : 0;
	if (c->lib)
		return sbx_notify_id_valid(c->lib, id);
	r = request(c, SBX_MSG_ID_VALID, &id, sizeof(id), -1, &st, NULL, 0,
		    NULL);
	return r < 0 ? r : st.error;
}

/* /proc/PID/mem, then ID_VALID, as a kernel agent must read memory. */
static ssize_t
proc_mem(struct conn *c, uint64_t id, pid_t pid, uint64_t addr, void *buf,
	 size_t len)
{
	char path[64];
	ssize_t n;
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, (off_t)addr);
	if (n < 0)
		n = -errno;
	close(fd);
	r = conn_id_valid(c, id);
	return r < 0 ? r : n;
}

static ssize_t
conn_read_mem(struct conn *c, uint64_t id, pid_t pid, uint64_t addr, void *buf,
	      size_t len)
{
	struct sbx_read_mem rm = { id, addr, len };
	struct sbx_status st;
	size_t got = 0;
	int r;

	if (c->kernel)
		return proc_mem(c, id, pid, addr, buf, len);
	if (c->lib)
		return sbx_notify_read_mem(c->lib, id, addr, buf, len);
	r = request(c, SBX_MSG_READ_MEM, &rm, sizeof(rm), -1, &st, buf, len,
		    &got);
	if (r < 0)
		return r;
	if (st.error < 0)
		return st.error;
	if ((size_t)st.val != got || got > len) {
		say("FAIL: READ_MEM says %" PRId64 " bytes, carries %zu",
		    st.val, got);
		return -EPROTO;
	}
	return (ssize_t)got;
}

static void
conn_close(struct conn *c)
{
	if (c->lib)
		sbx_notify_close(c->lib);
	else
		close(c->fd);
	c->lib = NULL;
	c->fd = -1;
}

/* ---- serving ---- */

static void
answer(struct conn *c, const struct seccomp_notif *req, int64_t val,
       int32_t error, uint32_t flags)
{
	struct seccomp_notif_resp resp = { req->id, val, error, flags };
	int r = conn_send(c, &resp);

	say("notif id=%016" PRIx64 " pid=%u op=%" PRIu64 " a1=%" PRIu64
	    " a2=%" PRIu64 " val=%" PRId64 " err=%d",
	    req->id, req->pid, req->data.args[0], req->data.args[1],
	    req->data.args[2], val, error);
	if (r < 0)
		say("FAIL: SEND for %016" PRIx64 ": %s", req->id, strerror(-r));
	c->last_id = req->id;
}

static int
file_fd(uint64_t i)
{
	if (i >= arg.n_files) {
		say("FAIL: no file %" PRIu64 " (-f)", i);
		return -1;
	}
	return arg.file_fds[i];
}

static void
op_addfd(struct conn *c, const struct seccomp_notif *req)
{
	const __u64 *a = req->data.args;
	struct seccomp_notif_addfd ad = { .id = req->id,
					  .flags = (uint32_t)a[2],
					  .newfd = (uint32_t)a[3],
					  .newfd_flags = (uint32_t)a[4] };
	int fd = file_fd(a[1]), r = -EBADF;
	uint64_t i, n = a[5] ? a[5] : 1;

	for (i = 0; fd >= 0 && i < n; i++) {
		r = conn_addfd(c, &ad, fd);
		if (r < 0)
			break;
	}
	if (r >= 0 && (ad.flags & SECCOMP_ADDFD_FLAG_SEND)) {
		/* answered by the ADDFD itself */
		say("notif id=%016" PRIx64 " pid=%u op=%" PRIu64 " a1=%" PRIu64
		    " a2=%" PRIu64 " val=%d err=0 (addfd send)",
		    req->id, req->pid, a[0], a[1], a[2], r);
		c->last_id = req->id;
		return;
	}
	if (r < 0)
		answer(c, req, 0, r, 0);
	else
		answer(c, req, r, 0, 0);
}

static void
op_addfd_seq(struct conn *c, const struct seccomp_notif *req)
{
	const __u64 *a = req->data.args;
	struct seccomp_notif_addfd ad = { .id = req->id };
	int fd = file_fd(a[1]), r = 0;
	uint64_t i, landed = 0;

	for (i = 0; fd >= 0 && i < a[2]; i++) {
		r = conn_addfd(c, &ad, fd);
		if (r < 0)
			break;
		/* pauses, so that the probe's other threads run meanwhile */
		if (i % 20 == 19)
			sleep_ms(5);
		if ((uint64_t)r == a[3] + i)
			landed++;
		else
			say("addfd %" PRIu64 " landed on %d, not %" PRIu64, i,
			    r, a[3] + i);
	}
	if (r < 0)
		answer(c, req, 0, r, 0);
	else
		answer(c, req, (int64_t)landed, 0, 0);
}

/* The state letter of task @pid, from /proc/PID/stat; 0 if unknown. */
static char
task_state(unsigned int pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/*
 * The waiting thread's state: S once it sleeps in its wait.  It may take
 * a moment to get there after the notification went out (sandbox-run
 * parks it after queuing), so a busy machine gets 3 s.
 */
static void
op_state(struct conn *c, const struct seccomp_notif *req)
{
	long long end;
	char st;

	sleep_ms(req->data.args[1]);
	end = now_ms() + 3000;
	while ((st = task_state(req->pid)) != 'S' && now_ms() < end)
		sleep_ms(20);
	if (!st)
		answer(c, req, 0, -ESRCH, 0);
	else
		answer(c, req, (unsigned char)st, 0, 0);
}

static void
op_read(struct conn *c, const struct seccomp_notif *req, uint64_t op)
{
	static unsigned char buf[SBX_READ_MEM_MAX];
	uint64_t addr = req->data.args[1], len = req->data.args[2];
	ssize_t n;

	if (len > sizeof(buf))
		len = sizeof(buf);
	if (op == AGENT_OP_PROC_MEM)
		n = proc_mem(c, req->id, (pid_t)req->pid, addr, buf, len);
	else
		n = conn_read_mem(
		    c, op == AGENT_OP_READ_MEM_STALE ? c->last_id : req->id,
		    (pid_t)req->pid, addr, buf, len);
	if (n < 0)
		answer(c, req, 0, (int32_t)n, 0);
	else
		answer(c, req,
		       (int64_t)((uint64_t)n << 32 |
				 agent_fnv1a(buf, (unsigned long)n)),
		       0, 0);
}

/* Serve until no task is left or the connection ends.  Returns 0 or 1. */
static int
serve(struct conn *c)
{
	struct seccomp_notif req;
	unsigned long served = 0;
	bool first = true;
	int r;

	if (arg.start_file && !wait_file(arg.start_file))
		return 1;
	for (;;) {
		r = conn_recv(c, &req);
		if (r == -ENOENT || r == -ECONNRESET)
			break;
		if (r < 0) {
			say("FAIL: RECV: %s", strerror(-r));
			break;
		}
		if (first) {
			touch(arg.received_file);
			first = false;
		}
		served++;
		if (arg.delay_ms)
			sleep_ms(arg.delay_ms);
		switch (req.data.args[0]) {
		case AGENT_OP_VAL:
			answer(c, &req, (int64_t)req.data.args[1], 0, 0);
			break;
		case AGENT_OP_ERRNO:
			answer(c, &req, 0, -(int32_t)req.data.args[1], 0);
			break;
		case AGENT_OP_CONTINUE:
			answer(c, &req, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
			break;
		case AGENT_OP_ADDFD:
			op_addfd(c, &req);
			break;
		case AGENT_OP_ADDFD_SEQ:
			op_addfd_seq(c, &req);
			break;
		case AGENT_OP_STATE:
			op_state(c, &req);
			break;
		case AGENT_OP_READ_MEM:
		case AGENT_OP_PROC_MEM:
		case AGENT_OP_READ_MEM_STALE:
			op_read(c, &req, req.data.args[0]);
			break;
		case AGENT_OP_DIE:
			if (req.data.args[1] == arg.gen) {
				say("dying with id=%016" PRIx64
				    " pid=%u unanswered",
				    req.id, req.pid);
				if (arg.die_wait_file)
					wait_file(arg.die_wait_file);
				conn_close(c);
				_exit(arg.fails ? 1 : 0);
			}
			answer(c, &req, (int64_t)req.data.args[2], 0, 0);
			break;
		case AGENT_OP_LOAD:
			answer(c, &req,
			       (int64_t)(req.data.args[1] * 3 +
					 req.data.args[2] + 1),
			       0, 0);
			break;
		default:
			say("FAIL: unknown op %" PRIu64, req.data.args[0]);
			answer(c, &req, 0, -EINVAL, 0);
			break;
		}
	}
	say("served %lu", served);
	return arg.fails ? 1 : 0;
}

/* ---- where notifications come from ---- */

/*
 * Take @fd, a connection to the supervisor, and read its HELLO: directly
 * with @raw, else through the library.
 */
static int
adopt(struct conn *c, int fd, bool raw)
{
	const struct sbx_hello *h;
	int r;

	memset(c, 0, sizeof(*c));
	c->fd = fd;
	if (raw)
		return read_hello(c);
	r = sbx_notify_from_fd(fd, &c->lib);
	if (r < 0) {
		say("FAIL: sbx_notify_from_fd: %s", strerror(-r));
		return r;
	}
	h = sbx_notify_hello(c->lib);
	if (sbx_notify_fd(c->lib) != fd || h->version != SBX_NOTIFY_VERSION ||
	    h->sizeof_notif != sizeof(struct seccomp_notif) ||
	    h->max_record != SBX_NOTIFY_MAX_RECORD) {
		say("FAIL: the library's HELLO or fd");
		return -EPROTO;
	}
	return 0;
}

static int
connect_socket(const char *path, struct conn *c, bool raw)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long end = now_ms() + WAIT_TIMEOUT_MS;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		say("FAIL: socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	for (;;) {
		int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

		if (fd < 0)
			return -errno;
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return adopt(c, fd, raw);
		close(fd);
		if ((errno != ENOENT && errno != ECONNREFUSED) ||
		    now_ms() > end) {
			say("FAIL: cannot connect to %s: %s", path,
			    strerror(errno));
			return -errno;
		}
		sleep_ms(10);
	}
}

/* Run @cmd under a kernel filter whose getppid is USER_NOTIF. */
static pid_t
kernel_launch(char **cmd, int *ret_listener)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	char byte = 0;
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cm;
	int sv[2], fd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		unsigned int flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;

		close(sv[0]);
		if (arg.killable)
			flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(125);
		fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags,
				  &prog);
		if (fd < 0)
			_exit(125);
		memset(&ctl, 0, sizeof(ctl));
		cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		if (sendmsg(sv[1], &m, MSG_NOSIGNAL) != 1)
			_exit(125);
		close(fd);
		close(sv[1]);
		execvp(cmd[0], cmd);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(sv[1]);
	if (recvmsg(sv[0], &m, MSG_CMSG_CLOEXEC) != 1 ||
	    !(cm = CMSG_FIRSTHDR(&m)) || cm->cmsg_type != SCM_RIGHTS) {
		close(sv[0]);
		*ret_listener = -1;
		return pid;
	}
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	close(sv[0]);
	*ret_listener = fd;
	return pid;
}

/* Returns the exit status to give: the command's, as a shell would. */
static int
kernel_mode(char **cmd)
{
	pid_t pid, agents[64];
	unsigned long i, n = 0;
	int listener, status, rc, any_fail = 0;
	long long end;

	if (arg.jobs < 1 || arg.jobs > 64)
		arg.jobs = 1;
	pid = kernel_launch(cmd, &listener);
	if (pid < 0) {
		say("FAIL: cannot launch %s: %s", cmd[0], strerror(errno));
		return 125;
	}
	if (listener < 0) {
		waitpid(pid, &status, 0);
		say("skip: the kernel refused the filter (exit %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return 77;
	}
	for (i = 0; i < arg.jobs; i++) {
		pid_t a = fork();

		if (a < 0)
			break;
		if (a == 0) {
			struct conn c = { .fd = listener, .kernel = true };

			touch(arg.connected_file);
			_exit(serve(&c));
		}
		agents[n++] = a;
	}
	close(listener);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	/* agents see POLLHUP now; one stuck in RECV never returns */
	end = now_ms() + 2000;
	for (i = 0; i < n; i++) {
		int st = 0;

		while (waitpid(agents[i], &st, WNOHANG) == 0) {
			if (now_ms() > end) {
				kill(agents[i], SIGKILL);
				waitpid(agents[i], &st, 0);
				break;
			}
			sleep_ms(5);
		}
		if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
			any_fail = 1;
	}
	if (any_fail)
		say("FAIL: an agent failed");
	return rc;
}

/* ---- malformed records ---- */

struct evil_step {
	const char *name;
	/* what to send; payload after the header, built per step */
	uint32_t type, len_claimed;
	size_t len_sent; /* payload bytes actually sent */
	unsigned int nfds;
	bool raw;	/* send len_sent bytes of 0xa5, no header */
	bool use_id;	/* the payload starts with the id held */
	bool bogus_id;	/* ... with an id never issued */
	uint32_t flags; /* SEND's flags */
	int64_t val;	/* SEND's val */
	int want_error; /* 0: any error STATUS or a disconnect */
};

#define EVIL(n, t, l, ...)                                          \
	{                                                           \
		.name = n, .type = t, .len_claimed = l, __VA_ARGS__ \
	}

static const struct evil_step evil_steps[] = {
	{ .name = "garbage", .raw = true, .len_sent = 37 },
	{ .name = "short header", .raw = true, .len_sent = 5 },
	{ .name = "empty record", .raw = true, .len_sent = 0 },
	EVIL("truncated SEND", SBX_MSG_SEND, 24, .len_sent = 8, .use_id = true),
	EVIL("SEND longer than its header says", SBX_MSG_SEND, 16,
	     .len_sent = 24, .use_id = true),
	EVIL("short SEND, its header agreeing", SBX_MSG_SEND, 16,
	     .len_sent = 16, .use_id = true),
	EVIL("oversized SEND", SBX_MSG_SEND, 4992, .len_sent = 4992,
	     .use_id = true),
	EVIL("unknown type", 99, 8, .len_sent = 8),
	EVIL("type 0", 0, 0, .len_sent = 0),
	EVIL("HELLO from an agent", SBX_MSG_HELLO, 32, .len_sent = 32),
	EVIL("NOTIF from an agent", SBX_MSG_NOTIF, 80, .len_sent = 80,
	     .use_id = true),
	EVIL("STATUS from an agent", SBX_MSG_STATUS, 24, .len_sent = 24,
	     .use_id = true),
	EVIL("CANCEL from an agent", SBX_MSG_CANCEL, 16, .len_sent = 16,
	     .use_id = true),
	EVIL("RECV with a payload", SBX_MSG_RECV, 8, .len_sent = 8),
	EVIL("SEND with an fd", SBX_MSG_SEND, 24, .len_sent = 24, .nfds = 1,
	     .use_id = true, .val = 666),
	EVIL("ID_VALID with an fd", SBX_MSG_ID_VALID, 8, .len_sent = 8,
	     .nfds = 1, .use_id = true),
	EVIL("RECV with an fd", SBX_MSG_RECV, 0, .len_sent = 0, .nfds = 1),
	EVIL("ADDFD without an fd", SBX_MSG_ADDFD, 24, .len_sent = 24,
	     .use_id = true),
	EVIL("ADDFD with two fds", SBX_MSG_ADDFD, 24, .len_sent = 24, .nfds = 2,
	     .use_id = true),
	EVIL("short ADDFD with an fd", SBX_MSG_ADDFD, 16, .len_sent = 16,
	     .nfds = 1, .use_id = true),
	{ .name = "garbage with an fd",
	  .raw = true,
	  .len_sent = 37,
	  .nfds = 1 },
	EVIL("SEND for an id never issued", SBX_MSG_SEND, 24, .len_sent = 24,
	     .use_id = true, .bogus_id = true, .val = 666,
	     .want_error = -ENOENT),
	EVIL("ADDFD for an id never issued", SBX_MSG_ADDFD, 24, .len_sent = 24,
	     .nfds = 1, .use_id = true, .bogus_id = true,
	     .want_error = -ENOENT),
	EVIL("READ_MEM for an id never issued", SBX_MSG_READ_MEM, 24,
	     .len_sent = 24, .use_id = true, .bogus_id = true,
	     .want_error = -ENOENT),
	EVIL("SEND with unknown flags", SBX_MSG_SEND, 24, .len_sent = 24,
	     .use_id = true, .flags = 0x80, .val = 666, .want_error = -EINVAL),
	EVIL("CONTINUE with a value", SBX_MSG_SEND, 24, .len_sent = 24,
	     .use_id = true, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE,
	     .val = 666, .want_error = -EINVAL),
	EVIL("READ_MEM beyond the maximum", SBX_MSG_READ_MEM, 24,
	     .len_sent = 24, .use_id = true, .val = 5000),
	EVIL("short ID_VALID", SBX_MSG_ID_VALID, 4, .len_sent = 4,
	     .use_id = true),
};

/* Did the other end of @rd (a pipe) close, within @ms? */
static bool
pipe_closed(int rd, int ms)
{
	struct pollfd p = { rd, POLLIN, 0 };

	return poll(&p, 1, ms) == 1 && (p.revents & (POLLHUP | POLLIN));
}

static int
count_fds(pid_t pid)
{
	char path[64];
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/*
 * The supervisor's open fds, counted with one connection of ours open
 * that holds the pending notification; -1 where /proc does not say (the
 * supervisor is not dumpable: root alone may look).
 */
static int
supervisor_fds(const char *path, pid_t *sup)
{
	struct seccomp_notif req;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct conn c;
	int n = -1;

	if (connect_socket(path, &c, true) < 0)
		return -1;
	if (getsockopt(c.fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0)
		*sup = cred.pid;
	if (conn_recv(&c, &req) == 0)
		n = count_fds(*sup);
	close(c.fd);
	return n;
}

/*
 * One malformed record on a connection of its own that holds the pending
 * notification: the answer must be an error STATUS or a disconnect, the
 * supervisor must live on, and the notification must stay unanswered.
 */
static void
evil_one(const char *path, const struct evil_step *st, pid_t *sup)
{
	unsigned char rec[8192], reply[SBX_NOTIFY_MAX_RECORD];
	struct seccomp_notif req;
	struct conn c;
	struct ucred cred;
	socklen_t clen = sizeof(cred);
	struct sbx_msg_hdr h = { st->type, st->len_claimed };
	int pipes[2][2] = { { -1, -1 }, { -1, -1 } }, fds[2];
	size_t len;
	ssize_t n;
	unsigned int i;
	int r;

	if (connect_socket(path, &c, true) < 0)
		return;
	if (getsockopt(c.fd, SOL_SOCKET, SO_PEERCRED, &cred, &clen) == 0)
		*sup = cred.pid;
	r = conn_recv(&c, &req);
	if (r < 0) {
		say("FAIL: %s: RECV: %s", st->name, strerror(-r));
		close(c.fd);
		return;
	}
	memset(rec, 0, sizeof(rec));
	if (st->raw) {
		memset(rec, 0xa5, st->len_sent);
		len = st->len_sent;
	} else {
		uint64_t id = st->bogus_id ? req.id + 1000000 : req.id;
		unsigned char *p = rec + sizeof(h);

		memcpy(rec, &h, sizeof(h));
		if (st->use_id)
			memcpy(p, &id, sizeof(id));
		if (st->type == SBX_MSG_SEND) {
			struct seccomp_notif_resp resp = { id, st->val, 0,
							   st->flags };

			memcpy(p, &resp,
			       sizeof(resp) < st->len_sent ? sizeof(resp)
							   : st->len_sent);
		} else if (st->type == SBX_MSG_READ_MEM) {
			struct sbx_read_mem rm = { id, 0x10000,
						   st->val ? (uint64_t)st->val
							   : 8 };

			memcpy(p, &rm, sizeof(rm));
		}
		len = sizeof(h) + st->len_sent;
	}
	for (i = 0; i < st->nfds; i++) {
		if (pipe2(pipes[i], O_CLOEXEC) < 0) {
			say("FAIL: pipe: %s", strerror(errno));
			close(c.fd);
			return;
		}
		fds[i] = pipes[i][1];
	}
	r = send_record(c.fd, rec, len, fds, st->nfds);
	for (i = 0; i < st->nfds; i++)
		close(pipes[i][1]);
	if (r < 0 && r != -EMSGSIZE) {
		say("FAIL: %s: cannot send: %s", st->name, strerror(-r));
		goto out;
	}
	if (r == -EMSGSIZE) {
		say("evil: %s: the socket refuses it (EMSGSIZE)", st->name);
		goto out;
	}
	n = read_record(c.fd, reply, sizeof(reply), REPLY_TIMEOUT_MS / 2);
	if (n == -ETIMEDOUT) {
		say("FAIL: %s: neither a STATUS nor a disconnect within %d ms",
		    st->name, REPLY_TIMEOUT_MS / 2);
	} else if (n == 0 || n == -ECONNRESET) {
		say("evil: %s: disconnected", st->name);
		if (st->want_error)
			say("FAIL: %s: disconnected, not answered %s", st->name,
			    strerror(-st->want_error));
	} else if (n < 0) {
		say("FAIL: %s: %s", st->name, strerror((int)-n));
	} else {
		struct sbx_msg_hdr rh;
		struct sbx_status sst;

		memcpy(&rh, reply, sizeof(rh));
		if (rh.type != SBX_MSG_STATUS ||
		    (size_t)n < sizeof(rh) + sizeof(sst)) {
			say("FAIL: %s: record type %u of %zd bytes, not a "
			    "STATUS",
			    st->name, rh.type, n);
			goto out;
		}
		memcpy(&sst, reply + sizeof(rh), sizeof(sst));
		say("evil: %s: STATUS request=%u error=%d (%s)", st->name,
		    sst.request, sst.error, strerror(-sst.error));
		if (sst.error >= 0)
			say("FAIL: %s: STATUS without an error", st->name);
		else if (st->want_error && sst.error != st->want_error)
			say("FAIL: %s: error %s, not %s", st->name,
			    strerror(-sst.error), strerror(-st->want_error));
		/* still a working connection, still holding the call */
		r = conn_id_valid(&c, req.id);
		if (r != 0)
			say("FAIL: %s: ID_VALID of the id held: %s", st->name,
			    strerror(-r));
	}
out:
	for (i = 0; i < st->nfds; i++) {
		/* ours are closed: the supervisor must not keep its copy */
		if (!pipe_closed(pipes[i][0], 2000))
			say("FAIL: %s: the supervisor keeps fd %u it was sent",
			    st->name, i);
		close(pipes[i][0]);
	}
	close(c.fd);
	if (*sup > 0 && kill(*sup, 0) < 0 && errno == ESRCH)
		say("FAIL: %s: the supervisor died", st->name);
}

static int
evil(const char *path)
{
	size_t i;
	pid_t sup = 0;
	int before, after;

	before = supervisor_fds(path, &sup);
	for (i = 0; i < sizeof(evil_steps) / sizeof(evil_steps[0]); i++)
		evil_one(path, &evil_steps[i], &sup);
	after = supervisor_fds(path, &sup);
	if (before < 0 || after < 0)
		say("evil: the supervisor's fds cannot be counted here");
	else if (after != before)
		say("FAIL: the supervisor had %d fds, now %d", before, after);
	else
		say("evil: the supervisor's fds: %d, as before", after);
	say("evil: %zu steps", i);
	return arg.fails ? 1 : 0;
}

/* ---- the OCI listener ---- */

static const char *
jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool
jint(struct json_object *o, const char *key, int64_t *ret)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*ret = json_object_get_int64(v);
	return true;
}

/* The Pid: line of a pidfd's fdinfo. */
static long
pidfd_pid(int fd)
{
	char path[64], line[256];
	long pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %ld", &pid) == 1)
			break;
	fclose(f);
	return pid;
}

static int
listen_mode(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	static char json[65536];
	int fds[8], nfds = 0, srv, cl, notify_fd = -1, pidfd = -1;
	size_t have = 0;
	struct json_object *o, *v, *state;
	const char *s;
	int64_t pid = 0, spid = 0;
	struct pollfd p;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		say("FAIL: listener path too long");
		return 1;
	}
	strcpy(sa.sun_path, path);
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(srv, 4) < 0) {
		say("FAIL: cannot listen at %s: %s", path, strerror(errno));
		return 1;
	}
	touch(arg.connected_file);
	p = (struct pollfd){ srv, POLLIN, 0 };
	if (poll(&p, 1, WAIT_TIMEOUT_MS) != 1) {
		say("FAIL: nobody connected to %s", path);
		return 1;
	}
	cl = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
	if (cl < 0) {
		say("FAIL: accept: %s", strerror(errno));
		return 1;
	}
	close(srv);
	for (;;) {
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(sizeof(int) * 8)];
		} ctl;
		struct iovec iov = { json + have, sizeof(json) - 1 - have };
		struct msghdr m = { .msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = ctl.buf,
				    .msg_controllen = sizeof(ctl.buf) };
		ssize_t n;

		p = (struct pollfd){ cl, POLLIN, 0 };
		if (poll(&p, 1, REPLY_TIMEOUT_MS) != 1) {
			say("FAIL: the supervisor sent no end of file");
			return 1;
		}
		n = recvmsg(cl, &m, MSG_CMSG_CLOEXEC);
		if (n < 0) {
			say("FAIL: recvmsg: %s", strerror(errno));
			return 1;
		}
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c;
		     c = CMSG_NXTHDR(&m, c)) {
			size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_RIGHTS)
				continue;
			for (size_t i = 0; i < k && nfds < 8; i++)
				memcpy(&fds[nfds++],
				       CMSG_DATA(c) + i * sizeof(int),
				       sizeof(int));
		}
		if (n == 0)
			break;
		have += (size_t)n;
		if (have >= sizeof(json) - 1) {
			say("FAIL: state of 64 KiB or more");
			return 1;
		}
	}
	close(cl);
	json[have] = '\0';
	say("state: %s", json);
	o = json_tokener_parse(json);
	if (!o) {
		say("FAIL: the state is not JSON");
		return 1;
	}
	s = jstr(o, "ociVersion");
	if (!s || !*s)
		say("FAIL: no ociVersion");
	if (!json_object_object_get_ex(o, "fds", &v) ||
	    !json_object_is_type(v, json_type_array)) {
		say("FAIL: no fds array");
		return 1;
	}
	if (json_object_array_length(v) != (size_t)nfds)
		say("FAIL: fds names %zu fds, %d came",
		    json_object_array_length(v), nfds);
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		const char *name =
		    json_object_get_string(json_object_array_get_idx(v, i));

		say("fds[%zu] = %s", i, name ? name : "(null)");
		if (i >= (size_t)nfds || !name)
			continue;
		if (strcmp(name, "notifyFd") == 0)
			notify_fd = fds[i];
		else if (strcmp(name, "pidfd") == 0)
			pidfd = fds[i];
	}
	if (arg.want_seccomp_fd) {
		/* as an agent written for runc's seccompFd would do */
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			const char *name = json_object_get_string(
			    json_object_array_get_idx(v, i));

			if (name && strcmp(name, "seccompFd") == 0) {
				say("FAIL: a seccompFd came");
				return 1;
			}
		}
		say("error: no seccompFd in the container state; this "
		    "listener needs a kernel seccomp listener fd");
		return 3;
	}
	if (json_object_array_length(v) != 2 || notify_fd < 0 || pidfd < 0)
		say("FAIL: fds is not [\"notifyFd\", \"pidfd\"]");
	if (!jint(o, "pid", &pid) || pid <= 0)
		say("FAIL: no pid");
	s = jstr(o, "metadata");
	if (arg.want_metadata && (!s || strcmp(s, arg.want_metadata) != 0))
		say("FAIL: metadata %s, not %s", s ? s : "(none)",
		    arg.want_metadata);
	if (!arg.want_metadata && s)
		say("FAIL: metadata %s where the policy has none", s);
	if (!json_object_object_get_ex(o, "state", &state) ||
	    !json_object_is_type(state, json_type_object)) {
		say("FAIL: no state object");
		return 1;
	}
	s = jstr(state, "ociVersion");
	if (!s || !*s)
		say("FAIL: no state.ociVersion");
	s = jstr(state, "id");
	if (!s || !*s)
		say("FAIL: no state.id");
	s = jstr(state, "status");
	if (!s || strcmp(s, "running") != 0)
		say("FAIL: state.status %s, not running", s ? s : "(none)");
	if (!jint(state, "pid", &spid) || spid != pid)
		say("FAIL: state.pid %" PRId64 ", pid %" PRId64, spid, pid);
	s = jstr(state, "bundle");
	if (!s || (arg.want_bundle && strcmp(s, arg.want_bundle) != 0))
		say("FAIL: state.bundle %s, not %s", s ? s : "(none)",
		    arg.want_bundle ? arg.want_bundle : "a string");
	say("pid=%" PRId64, pid);
	if (pidfd >= 0 && pidfd_pid(pidfd) != pid)
		say("FAIL: the pidfd is of pid %ld, not %" PRId64,
		    pidfd_pid(pidfd), pid);
	json_object_put(o);
	if (notify_fd < 0)
		return 1;
	{
		int type = 0;
		socklen_t tl = sizeof(type);
		struct conn c;

		if (getsockopt(notify_fd, SOL_SOCKET, SO_TYPE, &type, &tl) <
			0 ||
		    type != SOCK_SEQPACKET)
			say("FAIL: notifyFd is not a SOCK_SEQPACKET socket");
		if (adopt(&c, notify_fd, arg.raw) < 0) {
			say("FAIL: no HELLO on notifyFd");
			return 1;
		}
		return serve(&c);
	}
}

/* ---- main ---- */

static void
drop_ptrace(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return;
	d[CAP_SYS_PTRACE / 32].effective &= ~(1u << (CAP_SYS_PTRACE % 32));
	d[CAP_SYS_PTRACE / 32].permitted &= ~(1u << (CAP_SYS_PTRACE % 32));
	if (syscall(SYS_capset, &h, d) < 0)
		say("FAIL: cannot drop CAP_SYS_PTRACE: %s", strerror(errno));
}

static void
usage(void)
{
	fprintf(
	    stderr,
	    "usage: agent [-f FILE]... [-g N] [-o LOG] [-c FILE] [-r FILE]\n"
	    "             [-w FILE] [-d FILE] [-S MS] [-P] [-R]\n"
	    "             (-s SOCKET [serve|evil] | -k [-K] [-j N] -- CMD "
	    "[ARG]... |\n"
	    "              [-m META] [-b BUNDLE] [-z] listen PATH)\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char *sock = NULL;
	bool kernel = false;
	int opt;

	signal(SIGPIPE, SIG_IGN);
	alarm(55); /* tests run under 60 s: a hung agent must not outlive one */
	while ((opt = getopt(argc, argv, "+f:g:o:c:r:w:d:S:PRs:kKj:m:b:z")) !=
	       -1) {
		switch (opt) {
		case 'f':
			if (arg.n_files == 8)
				usage();
			arg.files[arg.n_files] = optarg;
			arg.file_fds[arg.n_files] =
			    open(optarg, O_RDONLY | O_CLOEXEC);
			if (arg.file_fds[arg.n_files] < 0) {
				perror(optarg);
				return 2;
			}
			arg.n_files++;
			break;
		case 'g':
			arg.gen = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			arg.log_fd = open(
			    optarg, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			    0644);
			if (arg.log_fd < 0) {
				perror(optarg);
				return 2;
			}
			break;
		case 'c':
			arg.connected_file = optarg;
			break;
		case 'r':
			arg.received_file = optarg;
			break;
		case 'w':
			arg.die_wait_file = optarg;
			break;
		case 'd':
			arg.start_file = optarg;
			break;
		case 'S':
			arg.delay_ms = strtoul(optarg, NULL, 0);
			break;
		case 'P':
			arg.drop_ptrace = true;
			break;
		case 'R':
			arg.raw = true;
			break;
		case 's':
			sock = optarg;
			break;
		case 'k':
			kernel = true;
			break;
		case 'K':
			arg.killable = true;
			break;
		case 'j':
			arg.jobs = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			arg.want_metadata = optarg;
			break;
		case 'b':
			arg.want_bundle = optarg;
			break;
		case 'z':
			arg.want_seccomp_fd = true;
			break;
		default:
			usage();
		}
	}
	if (arg.drop_ptrace)
		drop_ptrace();
	if (kernel) {
		if (optind >= argc)
			usage();
		return kernel_mode(argv + optind);
	}
	if (optind < argc && strcmp(argv[optind], "listen") == 0) {
		if (optind + 2 != argc)
			usage();
		return listen_mode(argv[optind + 1]);
	}
	if (!sock)
		usage();
	if (optind < argc && strcmp(argv[optind], "evil") == 0)
		return evil(sock);
	if (optind < argc && strcmp(argv[optind], "serve") != 0)
		usage();
	{
		struct conn c;

		if (connect_socket(sock, &c, arg.raw) < 0)
			return 1;
		touch(arg.connected_file);
		return serve(&c);
	}
}
