/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * bench/notify: the pieces bench/notify.sh times, to see what a user
 * notification and an fd injection cost.
 *
 *   notify pingpong [-n N] [-x]
 *   notify agent SOCKET [errno|continue|addfd|addfd-setfd|addfd-then-send]
 *   notify target [-n N | -t MS] [-w W] [-e ppid|eperm|fd]
 *
 * pingpong is the floor of any agent: two processes on a SOCK_SEQPACKET
 * socketpair pass records of the sizes one notification moves (NOTIF 88
 * bytes one way, SEND 32 back, STATUS 32, RECV 8), with no supervisor and
 * no target.  It prints "rt_us=X cycle_us=Y n=N": X for NOTIF then SEND
 * alone, Y for all four records.  -x pins the two ends to two different
 * CPUs, so that every record is a wakeup on the other CPU.
 *
 * agent is a minimal policy agent speaking sandbox-notify(7) directly (so
 * that it measures the protocol, not a library): it answers every
 * notification as fast as it can, with -EPERM (errno), with
 * SECCOMP_USER_NOTIF_FLAG_CONTINUE (continue), with ADDFD|SEND of an fd
 * of /dev/null it holds (addfd), with the same onto fd 64
 * (ADDFD|SETFD|SEND, addfd-setfd), or with that ADDFD without SEND
 * followed by a SEND of the fd number (addfd-then-send).  It waits for SOCKET
 * to appear, and exits 0 when the supervisor says no task is left (RECV gets
 * -ENOENT) or hangs up; 1 if any answer was refused.  It prints its
 * counts to stderr at the end: "answered=N refused=N cancelled=N".
 *
 * target calls getppid() (the raw call) N times, or for MS milliseconds,
 * after W untimed calls (default 1: under sandbox-run the first one waits
 * for the agent to connect), and prints "us_per_call=X calls=N".  -e says
 * what every call must return, and target fails at the first call that
 * does not: ppid, the same positive pid every time (natively, or under an
 * agent that answers CONTINUE); eperm, -1 with EPERM; fd, a new fd, which
 * it closes (the close is in the timed loop: a fraction of a microsecond
 * against the tens an injection takes).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "notify/sandbox-notify.h"

#define PROG "notify"

/* checked every this many calls in the timed loop (-t) */
#define BATCH 16

enum expect {
	EXPECT_PPID,
	EXPECT_EPERM,
	EXPECT_FD,
};

enum answer {
	ANSWER_ERRNO,
	ANSWER_CONTINUE,
	ANSWER_ADDFD,
	ANSWER_ADDFD_THEN_SEND,
	ANSWER_ADDFD_SETFD,
};

/* where addfd-setfd puts the fd: free in the target, under any limit */
#define SETFD_NEWFD 64

static void usage(int status) __attribute__((noreturn));
static void die(const char *what) __attribute__((noreturn));
static void diex(const char *what) __attribute__((noreturn));

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: " PROG " pingpong [-n N] [-x]\n"
		"       " PROG " agent SOCKET "
		"[errno|continue|addfd|addfd-setfd|addfd-then-send]\n"
		"       " PROG " target [-n N | -t MS] [-w W] "
		"[-e ppid|eperm|fd]\n");
	exit(status);
}

static void
die(const char *what)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
diex(const char *what)
{
	fprintf(stderr, PROG ": %s\n", what);
	exit(1);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long
number(const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min)
		usage(2);
	return v;
}

/* ---- pingpong ---- */

/* The record sizes of one notification, header included. */
#define LEN_NOTIF (sizeof(struct sbx_msg_hdr) + sizeof(struct seccomp_notif))
#define LEN_SEND \
	(sizeof(struct sbx_msg_hdr) + sizeof(struct seccomp_notif_resp))
#define LEN_STATUS (sizeof(struct sbx_msg_hdr) + sizeof(struct sbx_status))
#define LEN_RECV   (sizeof(struct sbx_msg_hdr))

static void
xsend(int fd, const void *buf, size_t len)
{
	if (send(fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
		die("send");
}

/* one record of exactly @len bytes, or exit */
static void
xrecv(int fd, void *buf, size_t len)
{
	ssize_t got = recv(fd, buf, len + 1, 0);

	if (got != (ssize_t)len) {
		if (got < 0)
			die("recv");
		fprintf(stderr,
			PROG ": pingpong: a record of %zd bytes, not %zu\n",
			got, len);
		exit(1);
	}
}

/*
 * The peer: for each record in, the one a real agent would send back.
 * NOTIF gets SEND; STATUS gets RECV; a 1-byte record ends it.
 */
static void
pong(int fd)
{
	unsigned char buf[128] = { 0 };
	ssize_t got;

	for (;;) {
		got = recv(fd, buf, sizeof(buf), 0);
		if (got == (ssize_t)LEN_NOTIF)
			xsend(fd, buf, LEN_SEND);
		else if (got == (ssize_t)LEN_STATUS)
			xsend(fd, buf, LEN_RECV);
		else
			_exit(got == 1 ? 0 : 1);
	}
}

/* The first two CPUs this process may run on, or exit. */
static void
two_cpus(int cpu[2])
{
	cpu_set_t set;
	int i, k = 0;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		die("sched_getaffinity");
	for (i = 0; i < CPU_SETSIZE && k < 2; i++)
		if (CPU_ISSET(i, &set))
			cpu[k++] = i;
	if (k < 2)
		diex("pingpong -x: needs two CPUs to run on");
}

static void
pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		die("sched_setaffinity");
}

static int
run_pingpong(int argc, char **argv)
{
	unsigned char buf[128] = { 0 };
	long n = 20000, i;
	double t0, t1, t2;
	int sv[2], opt, status, cpu[2] = { -1, -1 };
	bool cross = false;
	pid_t pid;

	while ((opt = getopt(argc, argv, "n:x")) != -1) {
		switch (opt) {
		case 'n':
			n = number(optarg, 1);
			break;
		case 'x':
			cross = true;
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (cross)
		two_cpus(cpu);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (cross)
		pin_to(cpu[pid == 0]);
	if (pid == 0) {
		close(sv[0]);
		pong(sv[1]);
	}
	close(sv[1]);
	/* warm up: both sides paged in and scheduled once */
	for (i = 0; i < 1000; i++) {
		xsend(sv[0], buf, LEN_NOTIF);
		xrecv(sv[0], buf, LEN_SEND);
	}
	/* NOTIF out, SEND back: one round trip */
	t0 = now();
	for (i = 0; i < n; i++) {
		xsend(sv[0], buf, LEN_NOTIF);
		xrecv(sv[0], buf, LEN_SEND);
	}
	t1 = now();
	/* and STATUS out, RECV back: every record of one notification */
	for (i = 0; i < n; i++) {
		xsend(sv[0], buf, LEN_NOTIF);
		xrecv(sv[0], buf, LEN_SEND);
		xsend(sv[0], buf, LEN_STATUS);
		xrecv(sv[0], buf, LEN_RECV);
	}
	t2 = now();
	xsend(sv[0], buf, 1);
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		diex("pingpong: the peer failed");
	printf("rt_us=%.3f cycle_us=%.3f n=%ld\n", (t1 - t0) * 1e6 / (double)n,
	       (t2 - t1) * 1e6 / (double)n, n);
	return 0;
}

/* ---- agent ---- */

struct agent {
	int fd;
	enum answer answer;
	int devnull;
	unsigned long answered, refused, cancelled;
};

/* connect, waiting for the supervisor to create the socket */
static int
agent_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timespec ms = { 0, 1000000 };
	int fd, tries;

	if (strlen(path) >= sizeof(sa.sun_path))
		diex("agent: socket path too long");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	for (tries = 0; tries < 20000; tries++) {
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return fd;
		if (errno != ENOENT && errno != ECONNREFUSED)
			die(path);
		nanosleep(&ms, NULL);
	}
	die(path);
}

/*
 * The next record other than a CANCEL, into @buf (at least
 * SBX_NOTIFY_MAX_RECORD bytes).  Returns its type, or 0 at EOF.
 */
static uint32_t
agent_read(struct agent *a, unsigned char *buf, size_t *len)
{
	struct sbx_msg_hdr h;
	ssize_t got;

	for (;;) {
		got = recv(a->fd, buf, SBX_NOTIFY_MAX_RECORD, 0);
		if (got == 0 || (got < 0 && errno == ECONNRESET))
			return 0;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			die("agent: recv");
		}
		if ((size_t)got < sizeof(h))
			diex("agent: a record shorter than its header");
		memcpy(&h, buf, sizeof(h));
		if (h.len != (size_t)got - sizeof(h))
			diex("agent: a record whose length is wrong");
		*len = h.len;
		if (h.type != SBX_MSG_CANCEL)
			return h.type;
		a->cancelled++;
	}
}

/* Send a record; false once the supervisor is gone. */
static bool
agent_put(struct agent *a, uint32_t type, const void *p, uint32_t len)
{
	unsigned char buf[64];
	struct sbx_msg_hdr h = { type, len };

	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), p, len);
	if (send(a->fd, buf, sizeof(h) + len, MSG_NOSIGNAL) ==
	    (ssize_t)(sizeof(h) + len))
		return true;
	if (errno == EPIPE || errno == ECONNRESET)
		return false;
	die("agent: send");
}

static bool
agent_addfd(struct agent *a, uint64_t id, uint32_t flags, uint32_t newfd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct {
		struct sbx_msg_hdr h;
		struct seccomp_notif_addfd req;
	} rec = { { SBX_MSG_ADDFD, sizeof(struct seccomp_notif_addfd) },
		  { 0 } };
	struct iovec iov = { &rec, sizeof(rec) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = ctl.buf,
			      .msg_controllen = sizeof(ctl.buf) };
	struct cmsghdr *cm;

	rec.req.id = id;
	rec.req.flags = flags;
	rec.req.newfd = newfd;
	rec.req.newfd_flags = O_CLOEXEC;
	memset(&ctl, 0, sizeof(ctl));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &a->devnull, sizeof(int));
	if (sendmsg(a->fd, &msg, MSG_NOSIGNAL) == (ssize_t)sizeof(rec))
		return true;
	if (errno == EPIPE || errno == ECONNRESET)
		return false;
	die("agent: sendmsg ADDFD");
}

/*
 * The STATUS that answers request @want for @id, into @st.  Returns false
 * once the supervisor is gone.  -ENOENT counts as an answer: a signal may
 * withdraw a notification at any time, as under the kernel.
 */
static bool
agent_status(struct agent *a, uint32_t want, uint64_t id, struct sbx_status *st)
{
	unsigned char buf[SBX_NOTIFY_MAX_RECORD];
	uint32_t type;
	size_t len;

	type = agent_read(a, buf, &len);
	if (type == 0)
		return false;
	if (type != SBX_MSG_STATUS || len < sizeof(*st))
		diex("agent: expected a STATUS");
	memcpy(st, buf + sizeof(struct sbx_msg_hdr), sizeof(*st));
	if (st->request != want || st->id != id)
		diex("agent: a STATUS for another request");
	if (st->error && st->error != -ENOENT) {
		fprintf(stderr,
			PROG ": agent: id %llu: request %u refused: %s\n",
			(unsigned long long)id, want, strerror(-st->error));
		a->refused++;
	}
	return true;
}

/* Answer notification @req; returns false once the supervisor is gone. */
static bool
agent_answer(struct agent *a, const struct seccomp_notif *req)
{
	struct seccomp_notif_resp resp = { .id = req->id };
	struct sbx_status st;

	switch (a->answer) {
	case ANSWER_ADDFD:
		if (!agent_addfd(a, req->id, SECCOMP_ADDFD_FLAG_SEND, 0) ||
		    !agent_status(a, SBX_MSG_ADDFD, req->id, &st))
			return false;
		break;
	case ANSWER_ADDFD_SETFD:
		if (!agent_addfd(a, req->id,
				 SECCOMP_ADDFD_FLAG_SETFD |
				     SECCOMP_ADDFD_FLAG_SEND,
				 SETFD_NEWFD) ||
		    !agent_status(a, SBX_MSG_ADDFD, req->id, &st))
			return false;
		if (!st.error && st.val != SETFD_NEWFD)
			diex("agent: ADDFD with SETFD gave another fd");
		break;
	case ANSWER_ADDFD_THEN_SEND:
		if (!agent_addfd(a, req->id, 0, 0) ||
		    !agent_status(a, SBX_MSG_ADDFD, req->id, &st))
			return false;
		if (st.error)
			break;
		/* the call returns the fd, as ADDFD with SEND would */
		resp.val = st.val;
		if (!agent_put(a, SBX_MSG_SEND, &resp, sizeof(resp)) ||
		    !agent_status(a, SBX_MSG_SEND, req->id, &st))
			return false;
		break;
	case ANSWER_ERRNO:
	case ANSWER_CONTINUE:
		if (a->answer == ANSWER_ERRNO)
			resp.error = -EPERM;
		else
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (!agent_put(a, SBX_MSG_SEND, &resp, sizeof(resp)) ||
		    !agent_status(a, SBX_MSG_SEND, req->id, &st))
			return false;
		break;
	}
	a->answered++;
	return true;
}

static int
run_agent(int argc, char **argv)
{
	unsigned char buf[SBX_NOTIFY_MAX_RECORD];
	struct agent a = { .answer = ANSWER_ERRNO, .devnull = -1 };
	struct sbx_hello hello;
	struct seccomp_notif req;
	struct sbx_status st;
	uint32_t type;
	size_t len;

	if (argc < 2 || argc > 3)
		usage(2);
	if (argc == 3) {
		if (strcmp(argv[2], "errno") == 0)
			a.answer = ANSWER_ERRNO;
		else if (strcmp(argv[2], "continue") == 0)
			a.answer = ANSWER_CONTINUE;
		else if (strcmp(argv[2], "addfd") == 0)
			a.answer = ANSWER_ADDFD;
		else if (strcmp(argv[2], "addfd-then-send") == 0)
			a.answer = ANSWER_ADDFD_THEN_SEND;
		else if (strcmp(argv[2], "addfd-setfd") == 0)
			a.answer = ANSWER_ADDFD_SETFD;
		else
			usage(2);
	}
	if (a.answer != ANSWER_ERRNO && a.answer != ANSWER_CONTINUE) {
		a.devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (a.devnull < 0)
			die("/dev/null");
	}
	a.fd = agent_connect(argv[1]);
	type = agent_read(&a, buf, &len);
	if (type != SBX_MSG_HELLO || len < sizeof(hello))
		diex("agent: no HELLO");
	memcpy(&hello, buf + sizeof(struct sbx_msg_hdr), sizeof(hello));
	if (hello.version != SBX_NOTIFY_VERSION ||
	    hello.sizeof_notif != sizeof(req) ||
	    hello.sizeof_resp != sizeof(struct seccomp_notif_resp))
		diex("agent: the supervisor speaks another version");
	if (a.answer == ANSWER_ADDFD_THEN_SEND &&
	    !(hello.features & SBX_FEATURE_ADDFD))
		diex("agent: the supervisor has no ADDFD");
	if ((a.answer == ANSWER_ADDFD || a.answer == ANSWER_ADDFD_SETFD) &&
	    !(hello.features & SBX_FEATURE_ADDFD_SEND))
		diex("agent: the supervisor has no ADDFD with SEND");
	if (a.answer == ANSWER_CONTINUE &&
	    !(hello.features & SBX_FEATURE_CONTINUE))
		diex("agent: the supervisor has no CONTINUE");
	for (;;) {
		if (!agent_put(&a, SBX_MSG_RECV, NULL, 0))
			break;
		type = agent_read(&a, buf, &len);
		if (type == 0)
			break;
		if (type == SBX_MSG_STATUS && len >= sizeof(st)) {
			memcpy(&st, buf + sizeof(struct sbx_msg_hdr),
			       sizeof(st));
			if (st.request == SBX_MSG_RECV && st.error == -ENOENT)
				break;
			fprintf(stderr, PROG ": agent: RECV: %s\n",
				strerror(-st.error));
			return 1;
		}
		if (type != SBX_MSG_NOTIF || len != sizeof(req))
			diex("agent: expected a NOTIF");
		memcpy(&req, buf + sizeof(struct sbx_msg_hdr), sizeof(req));
		if (!agent_answer(&a, &req))
			break;
	}
	fprintf(stderr,
		PROG ": agent: answered=%lu refused=%lu cancelled=%lu\n",
		a.answered, a.refused, a.cancelled);
	return a.refused ? 1 : 0;
}

/* ---- target ---- */

/* One call, checked against what it must return. */
static void
target_call(enum expect e, long *ppid)
{
	long r = syscall(SYS_getppid);

	switch (e) {
	case EXPECT_PPID:
		if (r <= 0 || (*ppid && r != *ppid)) {
			fprintf(stderr, PROG ": target: getppid() = %ld\n", r);
			exit(1);
		}
		*ppid = r;
		return;
	case EXPECT_EPERM:
		if (r != -1 || errno != EPERM) {
			fprintf(stderr,
				PROG ": target: getppid() = %ld (%s), "
				     "not EPERM\n",
				r, r < 0 ? strerror(errno) : "no error");
			exit(1);
		}
		return;
	case EXPECT_FD:
		/* the parent's pid is no fd of ours: close() would fail */
		if (r < 3 || close((int)r) < 0) {
			fprintf(stderr,
				PROG ": target: getppid() = %ld, not an fd\n",
				r);
			exit(1);
		}
		return;
	}
}

static int
run_target(int argc, char **argv)
{
	enum expect e = EXPECT_PPID;
	long n = 1000, warm = 1, done, i, ppid = 0;
	double ms = 0, t0, t1;
	int opt;

	while ((opt = getopt(argc, argv, "e:n:t:w:")) != -1) {
		switch (opt) {
		case 'e':
			if (strcmp(optarg, "ppid") == 0)
				e = EXPECT_PPID;
			else if (strcmp(optarg, "eperm") == 0)
				e = EXPECT_EPERM;
			else if (strcmp(optarg, "fd") == 0)
				e = EXPECT_FD;
			else
				usage(2);
			break;
		case 'n':
			n = number(optarg, 1);
			ms = 0;
			break;
		case 't':
			ms = (double)number(optarg, 1);
			break;
		case 'w':
			warm = number(optarg, 0);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	for (i = 0; i < warm; i++)
		target_call(e, &ppid);
	t0 = now();
	if (ms > 0) {
		done = 0;
		do {
			for (i = 0; i < BATCH; i++)
				target_call(e, &ppid);
			done += BATCH;
			t1 = now();
		} while ((t1 - t0) * 1e3 < ms);
	} else {
		for (done = 0; done < n; done++)
			target_call(e, &ppid);
		t1 = now();
	}
	printf("us_per_call=%.3f calls=%ld\n", (t1 - t0) * 1e6 / (double)done,
	       done);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage(2);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		usage(0);
	if (strcmp(argv[1], "pingpong") == 0)
		return run_pingpong(argc - 1, argv + 1);
	if (strcmp(argv[1], "agent") == 0)
		return run_agent(argc - 1, argv + 1);
	if (strcmp(argv[1], "target") == 0)
		return run_target(argc - 1, argv + 1);
	usage(2);
}
