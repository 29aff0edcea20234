/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The notify hub: the supervisor's side of the agent protocol
 * (sandbox-notify(7)), as hub.h describes it.
 *
 * Everything an agent sends is untrusted.  A record is read whole into a
 * buffer one byte longer than the longest record, so a longer one shows as
 * MSG_TRUNC or as that extra byte; every fd that comes with a record is
 * closed once the record is handled.  A record that breaks the framing
 * gets an error STATUS; an agent that sends an oversized record, hangs up
 * or does not read what we send (sendmsg would block) is dropped.
 *
 * Re-entrancy.  The ops run tracer code, and that code calls back into
 * the hub: notify_hub_finish() or notify_hub_withdraw() from @replied,
 * notify_hub_withdraw() from @addfd, and any of them may send a CANCEL
 * whose failure drops an agent.  So nothing the hub holds across an op
 * may be freed under it: a dropped agent is closed at once but its struct
 * stays (fd -1) until no record is being handled, and an item is looked
 * up again by id after an op.  @lost is never called from inside another
 * hub call the tracer made (it would find its own state half-changed):
 * the drop only notes it, and the next notify_hub_dispatch() calls it.
 * Outside a dispatch, the hub's eventfd is written and polled, so that
 * dispatch comes at once.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "notify/hub.h"

/* The layouts sandbox-notify(7) promises. */
_Static_assert(sizeof(struct sbx_msg_hdr) == 8, "sbx_msg_hdr");
_Static_assert(sizeof(struct sbx_status) == 24, "sbx_status");
_Static_assert(sizeof(struct sbx_cancel) == 16, "sbx_cancel");
_Static_assert(sizeof(struct sbx_read_mem) == 24, "sbx_read_mem");
_Static_assert(sizeof(struct seccomp_notif) == 80, "seccomp_notif");
_Static_assert(sizeof(struct seccomp_notif_resp) == 24, "seccomp_notif_resp");
_Static_assert(sizeof(struct seccomp_notif_addfd) == 24, "seccomp_notif_addfd");

#define HUB_MAX_AGENTS 64
#define HUB_BACKLOG    64
/* fds a record may carry before MSG_CTRUNC; one is the most that is valid */
#define HUB_MAX_FDS 8
/* records read from one agent per dispatch, so one cannot starve the rest */
#define HUB_RECORDS_PER_POLL 32
/* connections accepted per dispatch */
#define HUB_ACCEPTS_PER_POLL 16
/* RECVs one agent may have outstanding (E6: a limit on agent input) */
#define HUB_MAX_RECV 1024
/* how long notify_hub_bootstrap() waits for a busy listener */
#define HUB_LISTENER_TIMEOUT_SEC 5

#define HUB_FEATURES                                                         \
	(SBX_FEATURE_ADDFD | SBX_FEATURE_ADDFD_SEND | SBX_FEATURE_CONTINUE | \
	 SBX_FEATURE_READ_MEM | SBX_FEATURE_CANCEL)

#define HUB_OCI_VERSION "1.0.2"

/*
 * struct notify_agent - one connection.  Lives from accept (or bootstrap)
 * until the end of the dispatch in which it was dropped; @fd is -1 from
 * the drop on.  Items it received point at it through item->agent while
 * SENT; the drop clears those pointers.
 * @same_pidns: the peer was in our pid namespace at accept: NOTIFs carry
 *	tids, else 0.
 * @recv_pending: RECVs not yet answered; while > 0 the agent is on the
 *	hub's wait list.
 */
struct notify_agent {
	int fd;
	bool same_pidns;
	bool waiting;
	unsigned int recv_pending;
	struct notify_agent *prev, *next;
	struct notify_agent *wait_prev, *wait_next;
};

struct notify_hub {
	const struct notify_hub_ops *ops;
	void *ctx;
	int lfd;	/* the agent socket, or -1 */
	char *path;	/* where it is bound */
	dev_t path_dev; /* what we bound there, so free() unlinks */
	ino_t path_ino; /* only our own socket file */
	int wakefd;	/* eventfd: readable while a @lost call waits */
	char *listener_path;
	char *listener_metadata;
	unsigned int max_agents;
	unsigned int n_agents; /* live connections */
	bool ever;
	bool done;
	bool lost_pending; /* the count reached 0; @lost not called yet */
	bool offering;	   /* inside hub_offer() */
	unsigned int dispatching;
	bool pidns_known;
	struct stat pidns; /* /proc/self/ns/pid */
	uint64_t next_id;
	struct notify_agent *agents, *agents_tail;
	struct notify_agent *wait_head, *wait_tail;
	struct notify_item *head, *tail;
};

static void hub_offer(struct notify_hub *h);

/* ---- agents ---- */

static void
wait_unlink(struct notify_hub *h, struct notify_agent *a)
{
	if (!a->waiting)
		return;
	if (a->wait_prev)
		a->wait_prev->wait_next = a->wait_next;
	else
		h->wait_head = a->wait_next;
	if (a->wait_next)
		a->wait_next->wait_prev = a->wait_prev;
	else
		h->wait_tail = a->wait_prev;
	a->wait_prev = a->wait_next = NULL;
	a->waiting = false;
}

static void
wait_append(struct notify_hub *h, struct notify_agent *a)
{
	if (a->waiting)
		return;
	a->wait_prev = h->wait_tail;
	a->wait_next = NULL;
	if (h->wait_tail)
		h->wait_tail->wait_next = a;
	else
		h->wait_head = a;
	h->wait_tail = a;
	a->waiting = true;
}

/* Have @lost called by the next dispatch, and make that come soon. */
static void
lost_note(struct notify_hub *h)
{
	h->lost_pending = true;
	if (!h->dispatching && h->wakefd >= 0)
		(void)eventfd_write(h->wakefd, 1);
}

/*
 * Drop @a: close it, give its SENT items back to the queue (in id order,
 * since the list is) and offer them to the agents waiting in RECV.
 */
static void
agent_drop(struct notify_hub *h, struct notify_agent *a)
{
	struct notify_item *n;

	if (a->fd < 0)
		return;
	close(a->fd);
	a->fd = -1;
	wait_unlink(h, a);
	a->recv_pending = 0;
	for (n = h->head; n; n = n->next) {
		if (n->agent != a)
			continue;
		n->agent = NULL;
		if (n->state == NOTIFY_SENT)
			n->state = NOTIFY_INIT;
	}
	h->n_agents--;
	if (h->n_agents == 0)
		lost_note(h);
	if (!h->offering)
		hub_offer(h);
}

/* Free the structs of dropped agents; only where none can be in use. */
static void
agents_reap(struct notify_hub *h)
{
	struct notify_agent *a, *next;

	if (h->dispatching)
		return;
	for (a = h->agents; a; a = next) {
		next = a->next;
		if (a->fd >= 0)
			continue;
		if (a->prev)
			a->prev->next = a->next;
		else
			h->agents = a->next;
		if (a->next)
			a->next->prev = a->prev;
		else
			h->agents_tail = a->prev;
		free(a);
	}
}

/*
 * Send one record to @a: header, @p and @extra.  Any failure drops @a: an
 * agent that does not read (EAGAIN) must not hold up the supervisor.
 */
static int
agent_send(struct notify_hub *h, struct notify_agent *a, uint32_t type,
	   const void *p, size_t len, const void *extra, size_t extra_len)
{
	struct sbx_msg_hdr hdr = {
		.type = type,
		.len = (uint32_t)(len + extra_len),
	};
	struct iovec iov[3] = {
		{ &hdr, sizeof(hdr) },
		{ (void *)p, len },
		{ (void *)extra, extra_len },
	};
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 3 };
	ssize_t r;

	if (a->fd < 0)
		return -ENOTCONN;
	do
		r = sendmsg(a->fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		r = -errno;
		agent_drop(h, a);
		return (int)r;
	}
	return 0;
}

static int
agent_status(struct notify_hub *h, struct notify_agent *a, uint64_t id,
	     uint32_t request, int error, int64_t val, const void *extra,
	     size_t extra_len)
{
	struct sbx_status st = {
		.id = id,
		.request = request,
		.error = error,
		.val = val,
	};

	return agent_send(h, a, SBX_MSG_STATUS, &st, sizeof(st), extra,
			  extra_len);
}

static int
agent_cancel(struct notify_hub *h, struct notify_agent *a, uint64_t id,
	     uint32_t reason)
{
	struct sbx_cancel c = { .id = id, .reason = reason };

	return agent_send(h, a, SBX_MSG_CANCEL, &c, sizeof(c), NULL, 0);
}

/* A new connection: counted, HELLO sent.  Owns @fd, even on failure. */
static int
agent_add(struct notify_hub *h, int fd, bool same_pidns,
	  struct notify_agent **ret)
{
	struct sbx_hello hello;
	struct notify_agent *a;

	/* zeroed whole: the struct has a hole before @features */
	memset(&hello, 0, sizeof(hello));
	hello.version = SBX_NOTIFY_VERSION;
	hello.sizeof_notif = sizeof(struct seccomp_notif);
	hello.sizeof_resp = sizeof(struct seccomp_notif_resp);
	hello.sizeof_data = sizeof(struct seccomp_data);
	hello.sizeof_addfd = sizeof(struct seccomp_notif_addfd);
	hello.features = HUB_FEATURES;
	hello.max_record = SBX_NOTIFY_MAX_RECORD;

	a = calloc(1, sizeof(*a));
	if (!a) {
		close(fd);
		return -ENOMEM;
	}
	a->fd = fd;
	a->same_pidns = same_pidns;
	a->prev = h->agents_tail;
	if (h->agents_tail)
		h->agents_tail->next = a;
	else
		h->agents = a;
	h->agents_tail = a;
	h->n_agents++;
	h->ever = true;
	if (ret)
		*ret = a;
	return agent_send(h, a, SBX_MSG_HELLO, &hello, sizeof(hello), NULL, 0);
}

static struct notify_agent *
agent_by_fd(struct notify_hub *h, int fd)
{
	struct notify_agent *a;

	for (a = h->agents; a; a = a->next)
		if (a->fd >= 0 && a->fd == fd)
			return a;
	return NULL;
}

/*
 * Is @pid's pid namespace ours?  By the namespace files; when those are
 * refused (the peer runs under another uid), by the count of pids in
 * /proc/PID/status's NSpid line, which is 1 for a process in the
 * namespace of the /proc we read, and that is ours if ours shows 1 too.
 */
static int
nspid_depth(const char *status_path)
{
	char line[256];
	int depth = -1;
	FILE *f;

	f = fopen(status_path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p;

		if (strncmp(line, "NSpid:", 6) != 0)
			continue;
		depth = 0;
		for (p = line + 6; *p;) {
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p < '0' || *p > '9')
				break;
			depth++;
			while (*p >= '0' && *p <= '9')
				p++;
		}
		break;
	}
	fclose(f);
	return depth;
}

static bool
pid_same_pidns(const struct notify_hub *h, pid_t pid)
{
	char path[64];
	struct stat st;

	if (pid <= 0)
		return false; /* not visible from here */
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	if (stat(path, &st) == 0)
		return h->pidns_known && st.st_dev == h->pidns.st_dev &&
		       st.st_ino == h->pidns.st_ino;
	if (errno != EACCES && errno != EPERM)
		return false;
	if (nspid_depth("/proc/self/status") != 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	return nspid_depth(path) == 1;
}

static bool
peer_same_pidns(const struct notify_hub *h, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return false;
	return pid_same_pidns(h, cred.pid);
}

/* ---- items ---- */

static struct notify_item *
item_find(struct notify_hub *h, uint64_t id)
{
	struct notify_item *n;

	for (n = h->head; n; n = n->next)
		if (n->id == id)
			return n;
	return NULL;
}

static void
item_unlink(struct notify_hub *h, struct notify_item *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		h->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		h->tail = n->prev;
	n->prev = n->next = NULL;
}

static struct notify_item *
item_oldest_init(struct notify_hub *h)
{
	struct notify_item *n;

	for (n = h->head; n; n = n->next)
		if (n->state == NOTIFY_INIT)
			return n;
	return NULL;
}

/* Hand @n to @a, which waits in RECV. */
static void
item_give(struct notify_hub *h, struct notify_agent *a, struct notify_item *n)
{
	struct seccomp_notif msg;

	/* round robin: an agent with more RECVs queues up again at the end */
	a->recv_pending--;
	wait_unlink(h, a);
	if (a->recv_pending > 0)
		wait_append(h, a);

	/* mirrors kernel/seccomp.c: seccomp_notify_recv() */
	memset(&msg, 0, sizeof(msg));
	msg.id = n->id;
	msg.pid = a->same_pidns ? (uint32_t)n->tid : 0;
	msg.flags = 0;
	msg.data = n->data;
	n->state = NOTIFY_SENT;
	n->agent = a;
	/* on failure, the drop puts @n back to INIT */
	agent_send(h, a, SBX_MSG_NOTIF, &msg, sizeof(msg), NULL, 0);
}

/* Match queued notifications with waiting RECVs, oldest first. */
static void
hub_offer(struct notify_hub *h)
{
	struct notify_item *n;

	/* once done, waiting RECVs get ENOENT, not work */
	if (h->offering || h->done)
		return;
	h->offering = true;
	/* each round sends one item or drops one agent */
	while (h->wait_head && (n = item_oldest_init(h)))
		item_give(h, h->wait_head, n);
	h->offering = false;
}

/* ---- requests ---- */

static void
do_recv(struct notify_hub *h, struct notify_agent *a, size_t plen)
{
	if (plen != 0) {
		agent_status(h, a, 0, SBX_MSG_RECV, -EINVAL, 0, NULL, 0);
		return;
	}
	/* mirrors kernel/seccomp.c: recv_wait_event(): no users, ENOENT */
	if (h->done) {
		agent_status(h, a, 0, SBX_MSG_RECV, -ENOENT, 0, NULL, 0);
		return;
	}
	if (a->recv_pending >= HUB_MAX_RECV) {
		agent_status(h, a, 0, SBX_MSG_RECV, -EBUSY, 0, NULL, 0);
		return;
	}
	a->recv_pending++;
	wait_append(h, a);
	hub_offer(h);
}

/* mirrors kernel/seccomp.c: seccomp_notify_send() */
static void
do_send(struct notify_hub *h, struct notify_agent *a, const void *p,
	size_t plen)
{
	struct seccomp_notif_resp resp;
	struct notify_item *n = NULL;
	int r = 0;

	if (plen != sizeof(resp)) {
		uint64_t id = 0;

		if (plen >= sizeof(id))
			memcpy(&id, p, sizeof(id));
		agent_status(h, a, id, SBX_MSG_SEND, -EINVAL, 0, NULL, 0);
		return;
	}
	memcpy(&resp, p, sizeof(resp));
	if (resp.flags & ~SECCOMP_USER_NOTIF_FLAG_CONTINUE)
		r = -EINVAL;
	else if ((resp.flags & SECCOMP_USER_NOTIF_FLAG_CONTINUE) &&
		 (resp.error || resp.val))
		r = -EINVAL;
	else if (!(n = item_find(h, resp.id)))
		r = -ENOENT;
	else if (n->state != NOTIFY_SENT)
		r = -EINPROGRESS;
	if (r < 0) {
		agent_status(h, a, resp.id, SBX_MSG_SEND, r, 0, NULL, 0);
		return;
	}
	n->state = NOTIFY_REPLIED;
	n->agent = NULL;
	n->val = resp.val;
	n->error = resp.error;
	n->flags = resp.flags;
	/* the answer first: @replied may finish @n, or drop agents */
	agent_status(h, a, resp.id, SBX_MSG_SEND, 0, 0, NULL, 0);
	if (h->ops->replied)
		h->ops->replied(h->ctx, n);
}

/* mirrors kernel/seccomp.c: seccomp_notify_id_valid() */
static void
do_id_valid(struct notify_hub *h, struct notify_agent *a, const void *p,
	    size_t plen)
{
	struct notify_item *n;
	uint64_t id = 0;
	int r;

	if (plen >= sizeof(id))
		memcpy(&id, p, sizeof(id));
	if (plen != sizeof(id)) {
		agent_status(h, a, id, SBX_MSG_ID_VALID, -EINVAL, 0, NULL, 0);
		return;
	}
	n = item_find(h, id);
	r = n && n->state == NOTIFY_SENT ? 0 : -ENOENT;
	agent_status(h, a, id, SBX_MSG_ID_VALID, r, 0, NULL, 0);
}

/* mirrors kernel/seccomp.c: seccomp_notify_addfd() */
static void
do_addfd(struct notify_hub *h, struct notify_agent *a, const void *p,
	 size_t plen, int fd)
{
	struct seccomp_notif_addfd req;
	struct notify_item *n = NULL;
	bool replied = false;
	size_t i;
	int r = 0;

	memset(&req, 0, sizeof(req));
	memcpy(&req, p, plen < sizeof(req) ? plen : sizeof(req));
	/*
	 * An extensible struct, as the ioctl's: shorter than version 0 is
	 * EINVAL, and bytes past what we know must be zero
	 * (copy_struct_from_user()).
	 */
	if (plen < sizeof(req))
		r = -EINVAL;
	for (i = sizeof(req); i < plen && r == 0; i++)
		if (((const unsigned char *)p)[i])
			r = -E2BIG;
	if (r < 0)
		goto reply;
	if (req.newfd_flags & ~(uint32_t)O_CLOEXEC)
		r = -EINVAL;
	else if (req.flags & ~(uint32_t)(SECCOMP_ADDFD_FLAG_SETFD |
					 SECCOMP_ADDFD_FLAG_SEND))
		r = -EINVAL;
	else if (req.newfd && !(req.flags & SECCOMP_ADDFD_FLAG_SETFD))
		r = -EINVAL;
	else if (fd < 0)
		r = -EBADF;
	else if (!(n = item_find(h, req.id)))
		r = -ENOENT;
	else if (n->state != NOTIFY_SENT)
		r = -EINPROGRESS;
	else if ((req.flags & SECCOMP_ADDFD_FLAG_SEND) && n->addfd_busy)
		r = -EBUSY;
reply:
	if (r < 0) {
		agent_status(h, a, plen >= sizeof(req.id) ? req.id : 0,
			     SBX_MSG_ADDFD, r, 0, NULL, 0);
		return;
	}

	n->addfd_busy++;
	if (h->ops->addfd)
		r = h->ops->addfd(h->ctx, n, &req, fd);
	else
		r = -EOPNOTSUPP;
	/* the op may have withdrawn @n (the thread was interrupted) */
	n = item_find(h, req.id);
	if (n) {
		n->addfd_busy--;
		/*
		 * The kernel marks it REPLIED when the request is queued; an
		 * agent dropped meanwhile may have sent it back to INIT, but
		 * the fd is in and the call returns it all the same.
		 */
		if (r >= 0 && (req.flags & SECCOMP_ADDFD_FLAG_SEND) &&
		    n->state != NOTIFY_REPLIED) {
			n->state = NOTIFY_REPLIED;
			n->agent = NULL;
			n->val = r;
			n->error = 0;
			n->flags = 0;
			replied = true;
		}
	}
	agent_status(h, a, req.id, SBX_MSG_ADDFD, r < 0 ? r : 0, r < 0 ? 0 : r,
		     NULL, 0);
	if (replied && h->ops->replied)
		h->ops->replied(h->ctx, n);
}

static void
do_read_mem(struct notify_hub *h, struct notify_agent *a, const void *p,
	    size_t plen)
{
	unsigned char buf[SBX_READ_MEM_MAX];
	struct sbx_read_mem req;
	struct notify_item *n;
	ssize_t r;

	memset(&req, 0, sizeof(req));
	memcpy(&req, p, plen < sizeof(req) ? plen : sizeof(req));
	if (plen != sizeof(req) || req.len == 0 || req.len > SBX_READ_MEM_MAX) {
		agent_status(h, a, plen >= sizeof(req.id) ? req.id : 0,
			     SBX_MSG_READ_MEM, -EINVAL, 0, NULL, 0);
		return;
	}
	n = item_find(h, req.id);
	if (!n || n->state != NOTIFY_SENT) {
		agent_status(h, a, req.id, SBX_MSG_READ_MEM, -ENOENT, 0, NULL,
			     0);
		return;
	}
	if (h->ops->read_mem)
		r = h->ops->read_mem(h->ctx, n, req.addr, buf, req.len);
	else
		r = -EOPNOTSUPP;
	if (r > (ssize_t)req.len)
		r = -EIO; /* cannot happen; never send more than asked */
	if (r < 0)
		agent_status(h, a, req.id, SBX_MSG_READ_MEM, (int)r, 0, NULL,
			     0);
	else
		agent_status(h, a, req.id, SBX_MSG_READ_MEM, 0, r, buf,
			     (size_t)r);
}

/*
 * One record from @a, of @len bytes (at most SBX_NOTIFY_MAX_RECORD), with
 * @nfds fds (the caller closes them) and @ctrunc if some did not fit.
 */
static void
agent_record(struct notify_hub *h, struct notify_agent *a,
	     const unsigned char *rec, size_t len, const int *fds, size_t nfds,
	     bool ctrunc)
{
	struct sbx_msg_hdr hdr = { 0 };
	const unsigned char *p;
	uint64_t id = 0;
	size_t plen;

	if (len >= sizeof(hdr.type))
		memcpy(&hdr.type, rec, sizeof(hdr.type));
	if (len < sizeof(hdr)) {
		agent_status(h, a, 0, hdr.type, -EINVAL, 0, NULL, 0);
		return;
	}
	memcpy(&hdr, rec, sizeof(hdr));
	p = rec + sizeof(hdr);
	plen = len - sizeof(hdr);
	if (hdr.len != plen) {
		agent_status(h, a, 0, hdr.type, -EINVAL, 0, NULL, 0);
		return;
	}
	/* only ADDFD carries an fd, and exactly one */
	if ((nfds || ctrunc) &&
	    (hdr.type != SBX_MSG_ADDFD || nfds != 1 || ctrunc)) {
		if (hdr.type != SBX_MSG_RECV && plen >= sizeof(id))
			memcpy(&id, p, sizeof(id));
		agent_status(h, a, id, hdr.type, -EINVAL, 0, NULL, 0);
		return;
	}
	switch (hdr.type) {
	case SBX_MSG_RECV:
		do_recv(h, a, plen);
		break;
	case SBX_MSG_SEND:
		do_send(h, a, p, plen);
		break;
	case SBX_MSG_ID_VALID:
		do_id_valid(h, a, p, plen);
		break;
	case SBX_MSG_ADDFD:
		do_addfd(h, a, p, plen, nfds ? fds[0] : -1);
		break;
	case SBX_MSG_READ_MEM:
		do_read_mem(h, a, p, plen);
		break;
	default:
		/* unknown, or one only the supervisor sends */
		agent_status(h, a, 0, hdr.type, -EINVAL, 0, NULL, 0);
		break;
	}
}

/* After a zero-byte read: the peer's end of the stream, or an empty record? */
static bool
agent_at_eof(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLRDHUP };
	int r;

	/* even with no timeout, a pending signal makes it EINTR */
	do
		r = poll(&pfd, 1, 0);
	while (r < 0 && errno == EINTR);
	/* if in doubt, an empty record: its answer fails at EOF anyway */
	if (r < 0)
		return false;
	return pfd.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL);
}

/* Read and handle one record.  Returns whether to read on. */
static bool
agent_read_one(struct notify_hub *h, struct notify_agent *a)
{
	unsigned char rec[SBX_NOTIFY_MAX_RECORD + 1];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * HUB_MAX_FDS)];
	} ctl;
	struct iovec iov = { rec, sizeof(rec) };
	struct msghdr m = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	int fds[HUB_MAX_FDS];
	size_t nfds = 0, i;
	struct cmsghdr *c;
	bool more = true;
	ssize_t r;

	do
		r = recvmsg(a->fd, &m, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			agent_drop(h, a);
		return false;
	}
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (nfds < HUB_MAX_FDS)
				fds[nfds++] = fd;
			else
				close(fd);
		}
	}
	if (r == 0 && agent_at_eof(a->fd)) {
		agent_drop(h, a);
		more = false;
	} else if ((m.msg_flags & MSG_TRUNC) || r > SBX_NOTIFY_MAX_RECORD) {
		/* longer than any record may be */
		agent_drop(h, a);
		more = false;
	} else {
		agent_record(h, a, rec, (size_t)r, fds, nfds,
			     m.msg_flags & MSG_CTRUNC);
	}
	for (i = 0; i < nfds; i++)
		close(fds[i]);
	return more && a->fd >= 0;
}

static void
agent_input(struct notify_hub *h, struct notify_agent *a, short revents)
{
	int i;

	if (revents & POLLNVAL) {
		agent_drop(h, a);
		return;
	}
	for (i = 0; i < HUB_RECORDS_PER_POLL; i++)
		if (!agent_read_one(h, a))
			break;
}

static int
hub_accept(struct notify_hub *h)
{
	int i, fd, r;

	for (i = 0; i < HUB_ACCEPTS_PER_POLL; i++) {
		fd = accept4(h->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			break; /* EAGAIN, or EMFILE and the like: next time */
		}
		if (h->n_agents >= h->max_agents) {
			close(fd);
			continue;
		}
		r = agent_add(h, fd, peer_same_pidns(h, fd), NULL);
		if (r == -ENOMEM)
			return r;
	}
	return 0;
}

/* Call @lost if the count of agents reached 0 and stayed there. */
static void
hub_settle(struct notify_hub *h)
{
	eventfd_t v;

	while (h->lost_pending) {
		if (h->wakefd >= 0)
			(void)eventfd_read(h->wakefd, &v);
		h->lost_pending = false;
		if (h->n_agents == 0 && h->ops->lost)
			h->ops->lost(h->ctx);
	}
}

/* ---- the agent socket ---- */

/*
 * An agent socket file is in the way.  Is anything listening on it?  If
 * not, it is left over from a supervisor that died: remove it.  Returns 0
 * when it is gone, -EADDRINUSE when it is alive (or not a socket), or
 * -errno.
 */
static int
socket_clear_stale(const struct sockaddr_un *sa, socklen_t salen)
{
	struct stat st;
	int fd, r;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EADDRINUSE;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sa, salen);
	if (r == 0)
		r = -EADDRINUSE;
	else if (errno == ECONNREFUSED)
		r = unlink(sa->sun_path) < 0 && errno != ENOENT ? -errno : 0;
	else if (errno == ENOENT)
		r = 0;
	else
		r = -EADDRINUSE; /* EAGAIN: a full backlog; EPROTOTYPE: alive */
	close(fd);
	return r;
}

static int
hub_bind(struct notify_hub *h, const char *path, const char **msg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	socklen_t salen;
	struct stat st;
	int fd = -1, tries, r;
	mode_t old;

	if (len == 0 || len >= sizeof(sa.sun_path)) {
		*msg = "the agent socket path is too long";
		return len ? -ENAMETOOLONG : -EINVAL;
	}
	memcpy(sa.sun_path, path, len + 1);
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
	h->path = strdup(path);
	if (!h->path) {
		*msg = "cannot set up the agent socket";
		return -ENOMEM;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		*msg = "cannot create the agent socket";
		return -errno;
	}
	for (tries = 0;; tries++) {
		/* no moment where others could connect before the chmod */
		old = umask(077);
		r = bind(fd, (struct sockaddr *)&sa, salen);
		if (r < 0)
			r = -errno;
		umask(old);
		if (r == 0)
			break;
		if (r != -EADDRINUSE || tries > 0) {
			*msg = "cannot bind the agent socket";
			goto out;
		}
		r = socket_clear_stale(&sa, salen);
		if (r < 0) {
			*msg = r == -EADDRINUSE
				   ? "the agent socket is in use"
				   : "cannot bind the agent socket";
			goto out;
		}
	}
	if (lstat(path, &st) < 0) {
		r = -errno;
		*msg = "cannot bind the agent socket";
		goto out;
	}
	h->path_dev = st.st_dev;
	h->path_ino = st.st_ino;
	if (chmod(path, 0600) < 0) {
		r = -errno;
		*msg = "cannot set the agent socket's mode";
		goto out_unlink;
	}
	if (listen(fd, HUB_BACKLOG) < 0) {
		r = -errno;
		*msg = "cannot listen on the agent socket";
		goto out_unlink;
	}
	h->lfd = fd;
	return 0;
out_unlink:
	unlink(path);
out:
	free(h->path);
	h->path = NULL;
	close(fd);
	return r;
}

/* ---- the interface ---- */

int
notify_hub_new(const struct notify_hub_config *cfg,
	       const struct notify_hub_ops *ops, void *ctx,
	       struct notify_hub **ret, const char **msg)
{
	const char *m = "cannot set up the agent hub";
	struct notify_hub *h;
	int r;

	h = calloc(1, sizeof(*h));
	if (!h) {
		r = -ENOMEM;
		goto out;
	}
	h->ops = ops;
	h->ctx = ctx;
	h->lfd = -1;
	h->wakefd = -1;
	h->max_agents = cfg->max_agents ? cfg->max_agents : HUB_MAX_AGENTS;
	/* mirrors kernel/seccomp.c: init_listener(): a random first id */
	if (getrandom(&h->next_id, sizeof(h->next_id), 0) !=
	    (ssize_t)sizeof(h->next_id)) {
		r = errno ? -errno : -EIO;
		m = "cannot seed the notification ids";
		goto out_free;
	}
	h->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (h->wakefd < 0) {
		r = -errno;
		goto out_free;
	}
	h->pidns_known = stat("/proc/self/ns/pid", &h->pidns) == 0;
	if (cfg->listener_path) {
		h->listener_path = strdup(cfg->listener_path);
		if (!h->listener_path) {
			r = -ENOMEM;
			goto out_free;
		}
	}
	if (cfg->listener_metadata) {
		h->listener_metadata = strdup(cfg->listener_metadata);
		if (!h->listener_metadata) {
			r = -ENOMEM;
			goto out_free;
		}
	}
	if (cfg->socket_path) {
		r = hub_bind(h, cfg->socket_path, &m);
		if (r < 0)
			goto out_free;
	}
	*ret = h;
	return 0;
out_free:
	notify_hub_free(h);
out:
	if (msg)
		*msg = m;
	return r;
}

void
notify_hub_free(struct notify_hub *h)
{
	struct notify_agent *a;
	struct notify_item *n;
	struct stat st;

	if (!h)
		return;
	while ((n = h->head)) {
		item_unlink(h, n);
		free(n);
	}
	while ((a = h->agents)) {
		h->agents = a->next;
		if (a->fd >= 0)
			close(a->fd);
		free(a);
	}
	if (h->lfd >= 0)
		close(h->lfd);
	/* only our own socket: another supervisor may have bound it since */
	if (h->path && lstat(h->path, &st) == 0 && st.st_dev == h->path_dev &&
	    st.st_ino == h->path_ino)
		unlink(h->path);
	if (h->wakefd >= 0)
		close(h->wakefd);
	free(h->path);
	free(h->listener_path);
	free(h->listener_metadata);
	free(h);
}

/*
 * json_object_object_add() that fails on a NULL value (out of memory);
 * @v is @o's, or freed, either way.
 */
static bool
json_add(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v)
		return false;
	if (json_object_object_add(o, key, v) != 0) {
		json_object_put(v);
		return false;
	}
	return true;
}

/* Append the string @s to the array @arr. */
static bool
json_push(struct json_object *arr, const char *s)
{
	struct json_object *v = json_object_new_string(s);

	if (!v)
		return false;
	if (json_object_array_add(arr, v) != 0) {
		json_object_put(v);
		return false;
	}
	return true;
}

/*
 * The container-process-state runc sends to a listenerPath, with our fd
 * names.  json-c keeps keys in the order they are added.
 */
static struct json_object *
bootstrap_state(const struct notify_hub *h, pid_t pid, const char *id,
		const char *bundle)
{
	struct json_object *o, *v;

	o = json_object_new_object();
	if (!o)
		return NULL;
	if (!json_add(o, "ociVersion", json_object_new_string(HUB_OCI_VERSION)))
		goto fail;
	v = json_object_new_array();
	if (!json_add(o, "fds", v) || !json_push(v, "notifyFd") ||
	    !json_push(v, "pidfd"))
		goto fail;
	if (!json_add(o, "pid", json_object_new_int(pid)))
		goto fail;
	if (h->listener_metadata && h->listener_metadata[0] &&
	    !json_add(o, "metadata",
		      json_object_new_string(h->listener_metadata)))
		goto fail;
	v = json_object_new_object();
	if (!json_add(o, "state", v) ||
	    !json_add(v, "ociVersion",
		      json_object_new_string(HUB_OCI_VERSION)) ||
	    !json_add(v, "id", json_object_new_string(id ? id : "")) ||
	    !json_add(v, "status", json_object_new_string("running")) ||
	    !json_add(v, "pid", json_object_new_int(pid)) ||
	    !json_add(v, "bundle",
		      json_object_new_string(bundle ? bundle : "")) ||
	    !json_add(v, "annotations", json_object_new_object()))
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

/* Send all of @buf, with @fds on the first byte. */
static int
send_with_fds(int sock, const char *buf, size_t len, const int *fds,
	      size_t nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 2)];
	} ctl;
	struct iovec iov = { (void *)buf, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	size_t done = 0;
	ssize_t r;

	if (nfds > 2)
		return -EINVAL;
	memset(&ctl, 0, sizeof(ctl));
	m.msg_control = ctl.buf;
	m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	while (done < len) {
		iov.iov_base = (char *)buf + done;
		iov.iov_len = len - done;
		r = sendmsg(sock, &m, MSG_NOSIGNAL);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		done += (size_t)r;
		/* the fds went with the first bytes */
		m.msg_control = NULL;
		m.msg_controllen = 0;
	}
	return 0;
}

int
notify_hub_bootstrap(struct notify_hub *h, pid_t pid, int pidfd,
		     const char *sandbox_id, const char *bundle)
{
	struct timeval tv = { .tv_sec = HUB_LISTENER_TIMEOUT_SEC };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct json_object *state = NULL;
	struct notify_agent *a = NULL;
	int sv[2] = { -1, -1 }, sock = -1, fds[2], r;
	bool ever, lost_pending;
	const char *json;
	size_t len;

	if (!h || !h->listener_path)
		return 0;
	len = strlen(h->listener_path);
	if (len == 0 || len >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, h->listener_path, len + 1);

	state = bootstrap_state(h, pid, sandbox_id, bundle);
	if (!state)
		return -ENOMEM;
	json = json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN);
	if (!json) {
		r = -ENOMEM;
		goto out;
	}

	sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		r = -errno;
		goto out;
	}
	/* a listener that does not accept must not hold up the launch */
	if (setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0) {
		r = -errno;
		goto out;
	}
	if (connect(sock, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
				1)) < 0) {
		r = errno == EAGAIN || errno == EINPROGRESS ? -ETIMEDOUT
							    : -errno;
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		r = -errno;
		goto out;
	}
	ever = h->ever;
	lost_pending = h->lost_pending;
	/* the listener's own pid namespace is not known; treat it as ours */
	r = agent_add(h, sv[0], true, &a);
	sv[0] = -1;
	if (r < 0)
		goto out_agent;
	fds[0] = sv[1];
	fds[1] = pidfd;
	r = send_with_fds(sock, json, strlen(json), fds, 2);
	if (r < 0)
		goto out_agent;
	r = 0;
	goto out;
out_agent:
	/* never announced: it goes as if it had never been */
	if (a && a->fd >= 0) {
		close(a->fd);
		a->fd = -1;
		h->n_agents--;
	}
	h->ever = ever;
	h->lost_pending = lost_pending;
	agents_reap(h);
out:
	if (sv[0] >= 0)
		close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	if (sock >= 0)
		close(sock);
	json_object_put(state);
	return r;
}

int
notify_hub_adopt(struct notify_hub *h, int fd)
{
	int r;

	int fl = fcntl(fd, F_GETFL);

	/* an agent that does not read must not hold up the supervisor */
	if (h->n_agents >= h->max_agents || fl < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		r = h->n_agents >= h->max_agents ? -EMFILE : -errno;
		close(fd);
		return r;
	}
	/* the daemon checked the subscriber's namespaces: ours */
	r = agent_add(h, fd, true, NULL);
	agents_reap(h);
	return r;
}

size_t
notify_hub_pollfds(struct notify_hub *h, struct pollfd *fds, size_t max)
{
	struct notify_agent *a;
	size_t n = 0;

	agents_reap(h);
	if (h->lost_pending && h->wakefd >= 0 && n < max)
		fds[n++] = (struct pollfd){ .fd = h->wakefd, .events = POLLIN };
	if (h->lfd >= 0 && n < max)
		fds[n++] = (struct pollfd){ .fd = h->lfd, .events = POLLIN };
	for (a = h->agents; a && n < max; a = a->next)
		if (a->fd >= 0)
			fds[n++] =
			    (struct pollfd){ .fd = a->fd, .events = POLLIN };
	return n;
}

int
notify_hub_dispatch(struct notify_hub *h, const struct pollfd *fds, size_t n)
{
	struct notify_agent *a;
	bool accept_due = false;
	size_t i;
	int r = 0;

	h->dispatching++;
	/* agents first: a new connection must not take a dropped one's fd */
	for (i = 0; i < n; i++) {
		if (!fds[i].revents || fds[i].fd < 0)
			continue;
		if (fds[i].fd == h->lfd)
			accept_due = true;
		else if (fds[i].fd != h->wakefd &&
			 (a = agent_by_fd(h, fds[i].fd)))
			agent_input(h, a, fds[i].revents);
	}
	/* @lost before new agents come, so it sees the count at 0 */
	hub_settle(h);
	if (accept_due && h->lfd >= 0)
		r = hub_accept(h);
	hub_settle(h);
	h->dispatching--;
	agents_reap(h);
	return r;
}

unsigned int
notify_hub_agents(const struct notify_hub *h)
{
	return h ? h->n_agents : 0;
}

bool
notify_hub_ever(const struct notify_hub *h)
{
	return h && h->ever;
}

int
notify_hub_queue(struct notify_hub *h, pid_t tid, const struct seccomp_data *sd,
		 void *owner, struct notify_item **ret)
{
	struct notify_item *n;

	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	/* mirrors kernel/seccomp.c: seccomp_do_user_notification() */
	n->id = h->next_id++;
	n->tid = tid;
	n->data = *sd;
	n->state = NOTIFY_INIT;
	n->owner = owner;
	n->prev = h->tail;
	if (h->tail)
		h->tail->next = n;
	else
		h->head = n;
	h->tail = n;
	*ret = n;
	hub_offer(h);
	return 0;
}

void
notify_hub_withdraw(struct notify_hub *h, struct notify_item *n,
		    uint32_t reason)
{
	struct notify_agent *a;
	uint64_t id;

	if (!h || !n)
		return;
	a = n->state == NOTIFY_SENT ? n->agent : NULL;
	id = n->id;
	item_unlink(h, n);
	free(n);
	/* after the unlink: a failed send drops @a, which must not see @n */
	if (a && a->fd >= 0)
		agent_cancel(h, a, id, reason);
}

void
notify_hub_finish(struct notify_hub *h, struct notify_item *n)
{
	if (!h || !n)
		return;
	if (n->state != NOTIFY_REPLIED) {
		/* unanswered, yet the thread goes on: its id is dead */
		notify_hub_withdraw(h, n, SBX_CANCEL_EXIT);
		return;
	}
	item_unlink(h, n);
	free(n);
}

void
notify_hub_reply(struct notify_hub *h, struct notify_item *n, int64_t val,
		 int32_t error)
{
	struct notify_agent *a;

	if (!h || !n)
		return;
	a = n->state == NOTIFY_SENT ? n->agent : NULL;
	/* mirrors kernel/seccomp.c: seccomp_notify_detach() */
	n->state = NOTIFY_REPLIED;
	n->agent = NULL;
	n->val = val;
	n->error = error;
	n->flags = 0;
	if (a && a->fd >= 0)
		agent_cancel(h, a, n->id, SBX_CANCEL_EXIT);
}

struct notify_item *
notify_hub_first(struct notify_hub *h)
{
	return h ? h->head : NULL;
}

struct notify_item *
notify_hub_next(struct notify_hub *h, struct notify_item *n)
{
	return n ? n->next : NULL;
}

void
notify_hub_set_done(struct notify_hub *h)
{
	struct notify_agent *a;
	unsigned int k;

	if (!h)
		return;
	h->done = true;
	/* mirrors kernel/seccomp.c: recv_wait_event(): ENOENT for waiters */
	while ((a = h->wait_head)) {
		k = a->recv_pending;
		a->recv_pending = 0;
		wait_unlink(h, a);
		while (k-- > 0 && a->fd >= 0)
			agent_status(h, a, 0, SBX_MSG_RECV, -ENOENT, 0, NULL,
				     0);
	}
}
