/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Fuzz harness: the agent protocol's supervisor side (src/notify/hub.c).
 * Each input drives a real hub, bound in a private directory, through
 * real agent connections of this process, with stub ops in place of the
 * tracer.
 *
 * The input: one byte of op behaviour (below), then steps, each
 *	ctl (1 byte), len (2 bytes, little-endian), len bytes of record
 * (the last step takes what is left).  The record goes to the hub as it
 * is; ctl says what happens around it:
 *	0x01, 0x02	attach one fd each (SCM_RIGHTS)
 *	0x04		first, the tracer queues a notification
 *	0x08		then, it withdraws the oldest one (a signal)
 *	0x10		then, it answers the oldest unanswered one itself
 *	0x20		then, it finishes every answered one
 *	0x40		send the id as it is; without it, the payload's
 *			first 8 bytes (the id of SEND, ID_VALID, ADDFD and
 *			READ_MEM) become the first id + their low byte, so
 *			that ids hit live notifications
 *	0x80		send on the second connection; with 0x40 instead,
 *			no task is left afterwards (notify_hub_set_done())
 * The behaviour byte: bits 0-1 the ADDFD op's result (an fd number,
 * -EMFILE, the thread withdrawn meanwhile and -ESRCH, -EBADF); bits 2-3
 * READ_MEM's (all bytes, some, -EFAULT, withdrawn and -ESRCH); bit 4:
 * @replied finishes the item at once, as the tracer does after ADDFD with
 * SEND; bit 5: @lost answers everything pending with ENOSYS, as the
 * tracer does.
 *
 * What must hold: every record the hub sends is well formed (its header
 * matches its length; each type has its size; errors are -1..-4095);
 * every record an agent sends that is not a RECV gets exactly one STATUS
 * for that type, unless it was longer than SBX_NOTIFY_MAX_RECORD, which
 * drops the connection; a NOTIF carries a queued notification's id, tid
 * and data, and never one that a live agent holds; a CANCEL goes only to
 * the holder; the ops are only called with a live item in the right
 * state and a checked request; @lost only from a dispatch with no agent
 * left; and when the hub is freed, no fd of it is left open.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include "notify/hub.h"

#define MAX_QUEUED 64
#define MAX_HELD   64
#define N_AGENTS   2
#define HDR	   sizeof(struct sbx_msg_hdr)

struct agent {
	int fd;
	uint64_t held[MAX_HELD]; /* ids it received and may answer */
	size_t n_held;
	unsigned long recvs;   /* well-formed RECVs sent */
	unsigned long answers; /* NOTIFs and RECV errors but EINVAL */
};

static struct fz {
	struct notify_hub *h;
	uint8_t mode;
	bool dispatching;
	bool done;
	bool queued_any;
	unsigned int lost_calls;
	unsigned int lost_seen;	  /* lost_calls at the last check */
	unsigned int agents_seen; /* notify_hub_agents() then */
	uint64_t base;		  /* the first id */
	size_t n_queued;
	pid_t tids[MAX_QUEUED];
	struct seccomp_data data[MAX_QUEUED];
	struct agent ag[N_AGENTS];
	unsigned int addfd_calls;
} fz;

static char dir[PATH_MAX];
static char sock_path[PATH_MAX + 16];

static void
cleanup_dir(void)
{
	unlink(sock_path);
	rmdir(dir);
}

static void
make_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (dir[0])
		return;
	snprintf(dir, sizeof(dir), "%s/fuzz_notify.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		fuzz_fail("mkdtemp %s: %s", dir, strerror(errno));
	snprintf(sock_path, sizeof(sock_path), "%s/a.sock", dir);
	atexit(cleanup_dir);
}

static int
count_fds(void)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir("/proc/self/fd");
	if (!d)
		fuzz_fail("opendir /proc/self/fd: %s", strerror(errno));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

static bool
item_live(struct notify_item *n)
{
	struct notify_item *i;

	for (i = notify_hub_first(fz.h); i; i = notify_hub_next(fz.h, i))
		if (i == n)
			return true;
	return false;
}

/* ---- the stub tracer ---- */

static void
op_replied(void *ctx, struct notify_item *n)
{
	if (!fz.dispatching)
		fuzz_fail("@replied outside a dispatch");
	if (!item_live(n) || n->state != NOTIFY_REPLIED)
		fuzz_fail("@replied with a dead or unanswered item");
	if (n->flags & ~SECCOMP_USER_NOTIF_FLAG_CONTINUE)
		fuzz_fail("@replied with flags 0x%x", n->flags);
	if ((n->flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE) &&
	    (n->val || n->error))
		fuzz_fail("@replied: CONTINUE with a value");
	if (fz.mode & 0x10)
		notify_hub_finish(fz.h, n);
}

static int
op_addfd(void *ctx, struct notify_item *n,
	 const struct seccomp_notif_addfd *req, int fd)
{
	int fl;

	if (!item_live(n) || n->state != NOTIFY_SENT)
		fuzz_fail("@addfd on an item not SENT");
	if (req->id != n->id)
		fuzz_fail("@addfd: request for another id");
	if (req->flags & ~(SECCOMP_ADDFD_FLAG_SETFD | SECCOMP_ADDFD_FLAG_SEND))
		fuzz_fail("@addfd: flags 0x%x", req->flags);
	if (req->newfd_flags & ~(uint32_t)O_CLOEXEC)
		fuzz_fail("@addfd: newfd_flags 0x%x", req->newfd_flags);
	if (req->newfd && !(req->flags & SECCOMP_ADDFD_FLAG_SETFD))
		fuzz_fail("@addfd: newfd without SETFD");
	fl = fcntl(fd, F_GETFD);
	if (fl < 0 || !(fl & FD_CLOEXEC))
		fuzz_fail("@addfd: fd %d is not an open close-on-exec fd", fd);
	fz.addfd_calls++;
	switch (fz.mode & 3) {
	case 0:
		return 3 + (int)(fz.addfd_calls % 5);
	case 1:
		return -EMFILE;
	case 2:
		notify_hub_withdraw(fz.h, n, SBX_CANCEL_SIGNAL);
		return -ESRCH;
	default:
		return -EBADF;
	}
}

static ssize_t
op_read_mem(void *ctx, struct notify_item *n, uint64_t addr, void *buf,
	    size_t len)
{
	if (!item_live(n) || n->state != NOTIFY_SENT)
		fuzz_fail("@read_mem on an item not SENT");
	if (len == 0 || len > SBX_READ_MEM_MAX)
		fuzz_fail("@read_mem of %zu bytes", len);
	switch ((fz.mode >> 2) & 3) {
	case 0:
		memset(buf, (int)(addr & 0xff), len);
		return (ssize_t)len;
	case 1:
		memset(buf, 0x5a, len / 2 + 1);
		return (ssize_t)(len / 2 + 1);
	case 2:
		return -EFAULT;
	default:
		notify_hub_withdraw(fz.h, n, SBX_CANCEL_EXIT);
		return -ESRCH;
	}
}

static void
op_lost(void *ctx)
{
	struct notify_item *n;

	if (!fz.dispatching)
		fuzz_fail("@lost outside a dispatch");
	if (notify_hub_agents(fz.h) != 0)
		fuzz_fail("@lost with %u agents", notify_hub_agents(fz.h));
	fz.lost_calls++;
	if (!(fz.mode & 0x20))
		return;
	for (n = notify_hub_first(fz.h); n; n = notify_hub_next(fz.h, n))
		if (n->state != NOTIFY_REPLIED)
			notify_hub_reply(fz.h, n, 0, -ENOSYS);
}

static const struct notify_hub_ops ops = {
	.replied = op_replied,
	.addfd = op_addfd,
	.read_mem = op_read_mem,
	.lost = op_lost,
};

/* ---- agents ---- */

static void
pump(void)
{
	struct pollfd fds[16];
	size_t n;
	int i, r;

	for (i = 0; i < 1000; i++) {
		n = notify_hub_pollfds(fz.h, fds, 16);
		/* libFuzzer's SIGALRM makes even a poll without timeout EINTR
		 */
		do
			r = poll(fds, n, 0);
		while (r < 0 && errno == EINTR);
		if (r <= 0)
			return;
		fz.dispatching = true;
		r = notify_hub_dispatch(fz.h, fds, n);
		fz.dispatching = false;
		if (r < 0)
			fuzz_fail("notify_hub_dispatch: %s", strerror(-r));
	}
	fuzz_fail("the hub is still busy after 1000 rounds");
}

static bool
held_by_anyone(uint64_t id)
{
	size_t a, i;

	for (a = 0; a < N_AGENTS; a++)
		for (i = 0; i < fz.ag[a].n_held; i++)
			if (fz.ag[a].held[i] == id)
				return true;
	return false;
}

/* Forget @id everywhere: it was answered, by whichever agent. */
static void held_drop_all(uint64_t id);

static bool
held_drop(struct agent *ag, uint64_t id)
{
	size_t i;

	for (i = 0; i < ag->n_held; i++)
		if (ag->held[i] == id) {
			ag->held[i] = ag->held[--ag->n_held];
			return true;
		}
	return false;
}

static void
held_drop_all(uint64_t id)
{
	size_t a;

	for (a = 0; a < N_AGENTS; a++)
		held_drop(&fz.ag[a], id);
}

/* What the agent learnt from its last request. */
struct drained {
	unsigned int status;	/* STATUS records for @type */
	struct sbx_status last; /* the last of them */
	unsigned int notifs;
	bool eof;
};

/*
 * Read everything @ag has been sent and check it.  @type: the request
 * type whose STATUS records to count (0 counts those for type 0).
 * @addfd_send: that request was an ADDFD with SEND.
 */
static void
drain(struct agent *ag, uint32_t type, bool addfd_send, uint64_t read_len,
      struct drained *out)
{
	unsigned char rec[SBX_NOTIFY_MAX_RECORD + 1];
	struct sbx_msg_hdr hdr;
	struct sbx_status st;
	struct seccomp_notif nt;
	struct sbx_cancel c;
	size_t plen, idx;
	ssize_t r;

	memset(out, 0, sizeof(*out));
	while (ag->fd >= 0) {
		r = recv(ag->fd, rec, sizeof(rec), MSG_DONTWAIT);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0) {
			/* dropped: whatever it held went back to the queue */
			close(ag->fd);
			ag->fd = -1;
			ag->n_held = 0;
			ag->recvs = ag->answers = 0;
			out->eof = true;
			return;
		}
		if ((size_t)r < HDR || (size_t)r > SBX_NOTIFY_MAX_RECORD)
			fuzz_fail("a record of %zd bytes", r);
		memcpy(&hdr, rec, HDR);
		plen = (size_t)r - HDR;
		if (hdr.len != plen)
			fuzz_fail("header says %u bytes, record has %zu",
				  hdr.len, plen);
		switch (hdr.type) {
		case SBX_MSG_NOTIF:
			if (plen != sizeof(nt))
				fuzz_fail("NOTIF of %zu bytes", plen);
			memcpy(&nt, rec + HDR, sizeof(nt));
			idx = (size_t)(nt.id - fz.base);
			if (!fz.queued_any || idx >= fz.n_queued)
				fuzz_fail("NOTIF for id %llu, never queued",
					  (unsigned long long)nt.id);
			if (nt.pid != (uint32_t)fz.tids[idx] || nt.flags ||
			    memcmp(&nt.data, &fz.data[idx], sizeof(nt.data)))
				fuzz_fail("NOTIF %zu: wrong pid, flags or data",
					  idx);
			if (held_by_anyone(nt.id))
				fuzz_fail("NOTIF %zu while an agent holds it",
					  idx);
			if (ag->n_held < MAX_HELD)
				ag->held[ag->n_held++] = nt.id;
			out->notifs++;
			ag->answers++;
			break;
		case SBX_MSG_CANCEL:
			if (plen != sizeof(c))
				fuzz_fail("CANCEL of %zu bytes", plen);
			memcpy(&c, rec + HDR, sizeof(c));
			if (c.reserved || (c.reason != SBX_CANCEL_SIGNAL &&
					   c.reason != SBX_CANCEL_EXIT))
				fuzz_fail("CANCEL with reason %u", c.reason);
			if (!held_drop(ag, c.id) && ag->n_held < MAX_HELD)
				fuzz_fail("CANCEL for id %llu it does not hold",
					  (unsigned long long)c.id);
			break;
		case SBX_MSG_STATUS:
			if (plen < sizeof(st))
				fuzz_fail("STATUS of %zu bytes", plen);
			memcpy(&st, rec + HDR, sizeof(st));
			if (st.error > 0 || st.error < -4095)
				fuzz_fail("STATUS error %d", st.error);
			if (st.request == SBX_MSG_READ_MEM && st.error == 0) {
				if (st.val <= 0 ||
				    (uint64_t)st.val > read_len ||
				    plen != sizeof(st) + (size_t)st.val)
					fuzz_fail(
					    "READ_MEM: %lld bytes of %llu "
					    "in %zu",
					    (long long)st.val,
					    (unsigned long long)read_len, plen);
			} else if (plen != sizeof(st)) {
				fuzz_fail("STATUS of %zu bytes", plen);
			} else if (st.request != SBX_MSG_ADDFD && st.val) {
				fuzz_fail("STATUS val %lld", (long long)st.val);
			} else if (st.error && st.val) {
				fuzz_fail("STATUS with error and val");
			}
			if (st.request == SBX_MSG_RECV &&
			    (st.id ||
			     (st.error != -EINVAL && st.error != -ENOENT &&
			      st.error != -EBUSY)))
				fuzz_fail("RECV STATUS %d for id %llu",
					  st.error, (unsigned long long)st.id);
			if (st.request == SBX_MSG_RECV && st.error != -EINVAL)
				ag->answers++;
			if (st.error == 0 &&
			    (st.request == SBX_MSG_SEND ||
			     (st.request == SBX_MSG_ADDFD && addfd_send)))
				held_drop_all(st.id);
			if (st.request == type) {
				out->status++;
				out->last = st;
			}
			break;
		default:
			fuzz_fail("a record of type %u from the hub", hdr.type);
		}
	}
}

static void
drain_all(void)
{
	struct drained d;
	size_t a;

	for (a = 0; a < N_AGENTS; a++)
		drain(&fz.ag[a], SBX_MSG_RECV, false, 0, &d);
}

static void
agent_open(struct agent *ag)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sbx_hello hello;
	unsigned char rec[64];
	struct sbx_msg_hdr hdr;
	ssize_t r;

	ag->n_held = 0;
	ag->recvs = ag->answers = 0;
	ag->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (ag->fd < 0)
		fuzz_fail("socket: %s", strerror(errno));
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	if (connect(ag->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		fuzz_fail("connect: %s", strerror(errno));
	pump();
	r = recv(ag->fd, rec, sizeof(rec), MSG_DONTWAIT);
	if (r != (ssize_t)(HDR + sizeof(hello)))
		fuzz_fail("no HELLO (%zd)", r);
	memcpy(&hdr, rec, HDR);
	memcpy(&hello, rec + HDR, sizeof(hello));
	if (hdr.type != SBX_MSG_HELLO || hdr.len != sizeof(hello) ||
	    hello.version != SBX_NOTIFY_VERSION ||
	    hello.max_record != SBX_NOTIFY_MAX_RECORD)
		fuzz_fail("a bad HELLO");
}

/* ---- the tracer's side ---- */

static void
queue_one(void)
{
	struct notify_item *n = NULL;
	struct seccomp_data *sd;
	int r;

	if (fz.n_queued >= MAX_QUEUED)
		return;
	sd = &fz.data[fz.n_queued];
	memset(sd, 0, sizeof(*sd));
	sd->nr = (int)fz.n_queued;
	sd->arch = 0xc000003e;
	sd->instruction_pointer = 0x400000 + fz.n_queued;
	sd->args[0] = fz.n_queued * 0x1111;
	fz.tids[fz.n_queued] = 1000 + (pid_t)fz.n_queued;
	r = notify_hub_queue(fz.h, fz.tids[fz.n_queued], sd, NULL, &n);
	if (r < 0)
		fuzz_fail("notify_hub_queue: %s", strerror(-r));
	if (!fz.queued_any) {
		fz.base = n->id;
		fz.queued_any = true;
	}
	if (n->id != fz.base + fz.n_queued)
		fuzz_fail("ids are not consecutive");
	fz.n_queued++;
}

static void
withdraw_oldest(void)
{
	struct notify_item *n = notify_hub_first(fz.h);

	if (n)
		notify_hub_withdraw(fz.h, n, SBX_CANCEL_SIGNAL);
}

static void
reply_oldest(void)
{
	struct notify_item *n;

	for (n = notify_hub_first(fz.h); n; n = notify_hub_next(fz.h, n))
		if (n->state != NOTIFY_REPLIED) {
			notify_hub_reply(fz.h, n, 0, -ENOSYS);
			return;
		}
}

static void
finish_replied(void)
{
	struct notify_item *n, *next;

	for (n = notify_hub_first(fz.h); n; n = next) {
		next = notify_hub_next(fz.h, n);
		if (n->state == NOTIFY_REPLIED)
			notify_hub_finish(fz.h, n);
	}
}

/*
 * What holds between steps: the agents hold exactly the SENT
 * notifications; none got more answers to RECV than it sent RECVs; and
 * when the last agent went, @lost was called.
 */
static void
check_state(void)
{
	struct notify_item *n;
	unsigned int agents = notify_hub_agents(fz.h);
	size_t a, i;

	for (n = notify_hub_first(fz.h); n; n = notify_hub_next(fz.h, n)) {
		if (n->state == NOTIFY_SENT && !held_by_anyone(n->id))
			fuzz_fail("id %llu is SENT, but no agent holds it",
				  (unsigned long long)n->id);
		if (n->state != NOTIFY_SENT && held_by_anyone(n->id))
			fuzz_fail("id %llu is held, but in state %d",
				  (unsigned long long)n->id, n->state);
	}
	for (a = 0; a < N_AGENTS; a++) {
		for (i = 0; i < fz.ag[a].n_held; i++) {
			for (n = notify_hub_first(fz.h); n;
			     n = notify_hub_next(fz.h, n))
				if (n->id == fz.ag[a].held[i])
					break;
			if (!n)
				fuzz_fail("id %llu is held, but gone",
					  (unsigned long long)fz.ag[a].held[i]);
		}
		if (fz.ag[a].answers > fz.ag[a].recvs)
			fuzz_fail("%lu answers to %lu RECVs", fz.ag[a].answers,
				  fz.ag[a].recvs);
	}
	if (agents == 0 && fz.agents_seen > 0 && fz.lost_calls == fz.lost_seen)
		fuzz_fail("the last agent went, and @lost was not called");
	fz.agents_seen = agents;
	fz.lost_seen = fz.lost_calls;
}

static void
send_record(struct agent *ag, const uint8_t *rec, size_t len, size_t nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 2)];
	} ctl;
	struct iovec iov = { (void *)rec, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int fds[2] = { -1, -1 };
	size_t i;
	ssize_t r;

	for (i = 0; i < nfds; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			fuzz_fail("open /dev/null: %s", strerror(errno));
	}
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
	do
		r = sendmsg(ag->fd, &m, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r != (ssize_t)len)
		fuzz_fail("sendmsg of %zu bytes: %zd (%s)", len, r,
			  strerror(errno));
	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

static void
step(uint8_t ctl, const uint8_t *data, size_t len)
{
	uint8_t rec[65536 + HDR];
	struct agent *ag = &fz.ag[(ctl & 0xc0) == 0x80 ? 1 : 0];
	struct sbx_read_mem rm;
	struct drained d;
	uint32_t type = 0, addfd_flags = 0;
	size_t nfds = (ctl & 1) + ((ctl >> 1) & 1);
	bool recv_ok;
	uint64_t id;

	memcpy(rec, data, len);
	if (len >= 4)
		memcpy(&type, rec, 4);
	/* the id, made to hit */
	if (!(ctl & 0x40) && fz.queued_any && len >= HDR + 8 &&
	    (type == SBX_MSG_SEND || type == SBX_MSG_ID_VALID ||
	     type == SBX_MSG_ADDFD || type == SBX_MSG_READ_MEM)) {
		id = fz.base + rec[HDR];
		memcpy(rec + HDR, &id, 8);
	}
	if (type == SBX_MSG_ADDFD && len >= HDR + 12)
		memcpy(&addfd_flags, rec + HDR + 8, 4);
	memset(&rm, 0, sizeof(rm));
	if (type == SBX_MSG_READ_MEM && len >= HDR + sizeof(rm))
		memcpy(&rm, rec + HDR, sizeof(rm));

	/* a RECV the hub must take: one answer, now or later */
	recv_ok = len == HDR && type == SBX_MSG_RECV && nfds == 0 &&
		  rec[4] == 0 && rec[5] == 0 && rec[6] == 0 && rec[7] == 0;

	if (ctl & 0x04)
		queue_one();
	if (ag->fd < 0)
		agent_open(ag);
	drain_all();
	check_state();
	send_record(ag, rec, len, nfds);
	if (recv_ok)
		ag->recvs++;
	pump();
	drain(ag, type, addfd_flags & SECCOMP_ADDFD_FLAG_SEND, rm.len, &d);
	if (recv_ok && fz.done &&
	    (d.notifs || d.status != 1 || d.last.error != -ENOENT))
		fuzz_fail("RECV after the end: not ENOENT at once");
	if (len > SBX_NOTIFY_MAX_RECORD) {
		if (!d.eof || d.status)
			fuzz_fail("a record of %zu bytes did not cost the "
				  "connection",
				  len);
	} else {
		if (d.eof)
			fuzz_fail("dropped for a record of %zu bytes", len);
		if (type != SBX_MSG_RECV && d.status != 1)
			fuzz_fail("%u STATUS records for one of type %u",
				  d.status, type);
	}
	if (ctl & 0x08)
		withdraw_oldest();
	if (ctl & 0x10)
		reply_oldest();
	if (ctl & 0x20)
		finish_replied();
	if ((ctl & 0xc0) == 0xc0) {
		notify_hub_set_done(fz.h);
		fz.done = true;
	}
	pump();
	drain_all();
	check_state();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct notify_hub_config cfg = { .max_agents = 4 };
	const char *msg = NULL;
	size_t i, len;
	int before, r, a;
	uint8_t ctl;

	make_dir();
	before = count_fds();
	memset(&fz, 0, sizeof(fz));
	for (a = 0; a < N_AGENTS; a++)
		fz.ag[a].fd = -1;
	fz.mode = size ? data[0] : 0;
	cfg.socket_path = sock_path;
	r = notify_hub_new(&cfg, &ops, &fz, &fz.h, &msg);
	if (r < 0)
		fuzz_fail("notify_hub_new: %s: %s", msg, strerror(-r));
	queue_one();
	agent_open(&fz.ag[0]);

	for (i = 1; i < size;) {
		ctl = data[i++];
		len = 0;
		if (i + 2 <= size) {
			len = (size_t)data[i] | (size_t)data[i + 1] << 8;
			i += 2;
		} else {
			i = size;
		}
		if (len > size - i)
			len = size - i;
		step(ctl, data + i, len);
		i += len;
	}

	for (a = 0; a < N_AGENTS; a++)
		if (fz.ag[a].fd >= 0) {
			close(fz.ag[a].fd);
			fz.ag[a].fd = -1;
		}
	pump();
	if (notify_hub_agents(fz.h) != 0)
		fuzz_fail("%u agents left after all hung up",
			  notify_hub_agents(fz.h));
	notify_hub_free(fz.h);
	fz.h = NULL;
	if (count_fds() != before)
		fuzz_fail("%d fds before, %d after", before, count_fds());
	return 0;
}
