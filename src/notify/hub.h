/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * notify hub: the supervisor's side of the agent protocol
 * (sandbox-notify(7)).  It owns the agent socket and the connections, the
 * notifications and their states (INIT, SENT, REPLIED), and it parses and
 * answers every record.  What needs the traced thread (waking it, putting
 * an fd in it, reading its memory) it asks of the tracer through struct
 * notify_hub_ops.  No ptrace here: the hub only moves records.
 *
 * Kernel semantics it keeps (reference: kernel-seccomp-semantics.md
 * section 7): ids start at a random 64-bit value and go up by one per
 * notification, never reused; RECV takes the oldest INIT notification;
 * SEND on an INIT or REPLIED one is -EINPROGRESS, on an unknown one
 * -ENOENT; ID_VALID is 0 only while SENT; ADDFD needs SENT; ADDFD with
 * SEND while other ADDFDs run is -EBUSY.
 *
 * Single-threaded: every function is called from the supervisor's thread.
 */
#ifndef SANDBOXD_NOTIFY_HUB_H
#define SANDBOXD_NOTIFY_HUB_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/seccomp.h>

#include "notify/sandbox-notify.h"

enum notify_state {
	NOTIFY_INIT,	/* queued, no agent has it */
	NOTIFY_SENT,	/* an agent received it; no answer yet */
	NOTIFY_REPLIED, /* answered; the tracer has not finished it yet */
};

/**
 * struct notify_item - one notification: one waiting thread's call.
 * @id: its id.
 * @tid: the thread, in the supervisor's pid namespace.
 * @data: the call, as the filters saw it.
 * @state: enum notify_state.
 * @val, @error, @flags: the answer, once REPLIED (as in struct
 *	seccomp_notif_resp; for ADDFD with SEND, @val is the new fd).
 * @owner: the tracer's, untouched by the hub.
 *
 * The hub owns the item; it lives from notify_hub_queue() until
 * notify_hub_finish() or notify_hub_withdraw().  Other fields are private.
 */
struct notify_item {
	uint64_t id;
	pid_t tid;
	struct seccomp_data data;
	enum notify_state state;
	int64_t val;
	int32_t error;
	uint32_t flags;
	void *owner;
	/* private */
	struct notify_item *prev, *next; /* all items, in id order */
	struct notify_agent *agent;	 /* SENT to this agent */
	unsigned int addfd_busy;	 /* ADDFDs in progress */
};

/**
 * struct notify_hub_ops - what the hub asks of the tracer.  @ctx is the
 * pointer given to notify_hub_new().
 * @replied: @n became REPLIED (SEND, or ADDFD with SEND): wake its
 *	thread, which then finishes the call with the answer and calls
 *	notify_hub_finish().  Not called for items the tracer answers
 *	itself (notify_hub_reply()).
 * @addfd: put @fd into the process of @n's thread, as the kernel's
 *	ADDFD does: at the lowest free number, or at @req->newfd with
 *	SECCOMP_ADDFD_FLAG_SETFD; O_CLOEXEC from @req->newfd_flags.
 *	@req has been checked (flags, newfd, newfd_flags, state SENT).
 *	Runs to completion before it returns.  Returns the fd number in
 *	the target, or -errno: -ESRCH if the thread was interrupted or died
 *	meanwhile (the hub has then been told, through notify_hub_withdraw());
 *	-EMFILE or -EBADF as the kernel would; others when the injection
 *	failed, with the target left as it was.  On success with
 *	SECCOMP_ADDFD_FLAG_SEND the hub marks @n REPLIED with @val the fd,
 *	then calls @replied.  @fd stays the hub's: it closes it.
 * @read_mem: copy up to @len bytes at @addr from @n's thread (SENT).
 *	Returns the bytes copied, or -errno (-EFAULT, -ESRCH).
 * @lost: the last agent went away; called once each time the count of
 *	agents drops to zero after having been above it, and only from
 *	notify_hub_dispatch() (after the lost agent's items are back in the
 *	queue), never from inside another call: a loss noticed elsewhere
 *	wakes the next poll.
 *
 * An agent that goes away (hangs up, or is dropped for breaking the
 * protocol) hands back what it received: its SENT items return to INIT,
 * in id order, for the next RECV, before @lost is called.  (The kernel
 * has one listener file; its holders share every id.  Agents here do not
 * see each other's ids, so a lost agent's work goes back to the queue.)
 *
 * The pid in a NOTIF is the tid as the agent's pid namespace sees it: the
 * tid when the agent (SO_PEERCRED at accept) is in the supervisor's pid
 * namespace, else 0, as the kernel gives for a task the reader cannot see.
 */
struct notify_hub_ops {
	void (*replied)(void *ctx, struct notify_item *n);
	int (*addfd)(void *ctx, struct notify_item *n,
		     const struct seccomp_notif_addfd *req, int fd);
	ssize_t (*read_mem)(void *ctx, struct notify_item *n, uint64_t addr,
			    void *buf, size_t len);
	void (*lost)(void *ctx);
};

/**
 * struct notify_hub_config - where agents come from.
 * @socket_path: create a SOCK_SEQPACKET socket here (mode 0600, the
 *	supervisor's uid) and accept agents on it; NULL for none.  An
 *	existing socket file is replaced only if nothing listens on it.
 * @listener_path: an OCI listenerPath: notify_hub_bootstrap() connects
 *	to it; NULL for none.
 * @listener_metadata: the OCI listenerMetadata sent with it, or NULL.
 * @max_agents: connections accepted at once (further ones are closed at
 *	once); 0 means 64.
 */
struct notify_hub_config {
	const char *socket_path;
	const char *listener_path;
	const char *listener_metadata;
	unsigned int max_agents;
};

struct notify_hub;

/**
 * notify_hub_new() - bind the agent socket (if any).
 * Returns 0, or -errno with *@msg (if not NULL) set to a static
 * description of the step that failed ("cannot bind the agent socket").
 */
int notify_hub_new(const struct notify_hub_config *cfg,
		   const struct notify_hub_ops *ops, void *ctx,
		   struct notify_hub **ret, const char **msg);

/**
 * notify_hub_free() - close every connection and the agent socket, and
 * remove the socket file.  Items still alive are freed.  Accepts NULL.
 */
void notify_hub_free(struct notify_hub *h);

/**
 * notify_hub_bootstrap() - the OCI listener handshake, as runc does it:
 * connect to the listenerPath (SOCK_STREAM), send one JSON
 * container-process-state with SCM_RIGHTS fds named "notifyFd" (one end
 * of a new SOCK_SEQPACKET pair, whose other end becomes an agent
 * connection, HELLO first) and "pidfd" (@pidfd, not consumed), then close.
 * @pid: the target.
 * @sandbox_id: the state's "id".
 * @bundle: the state's "bundle" (a directory).
 * Does nothing and returns 0 without a listenerPath.  Returns -errno when
 * the listener cannot be reached.
 */
int notify_hub_bootstrap(struct notify_hub *h, pid_t pid, int pidfd,
			 const char *sandbox_id, const char *bundle);

/**
 * notify_hub_adopt() - make @fd, a connected SOCK_SEQPACKET channel whose
 * other end an agent holds (handed over by sandboxd to a subscriber), an
 * agent connection: HELLO goes first, as on accept.  Takes @fd, even on
 * failure.  Returns 0 or -errno.
 */
int notify_hub_adopt(struct notify_hub *h, int fd);

/**
 * notify_hub_pollfds() - the fds to poll (events set), at most @max.
 * Returns how many were written.  The set changes after every call that
 * handles input.
 */
size_t notify_hub_pollfds(struct notify_hub *h, struct pollfd *fds, size_t max);

/**
 * notify_hub_dispatch() - handle what poll() reported in @fds (as filled
 * by notify_hub_pollfds(), with revents).  Accepts agents, reads and
 * answers their records, drops agents that hang up or break the protocol.
 * May call every op.  Returns 0, or -errno if the hub itself failed (out
 * of memory); a single agent's trouble only costs that agent.
 */
int notify_hub_dispatch(struct notify_hub *h, const struct pollfd *fds,
			size_t n);

/** notify_hub_agents() - connections now open. */
unsigned int notify_hub_agents(const struct notify_hub *h);

/** notify_hub_ever() - whether any agent ever connected. */
bool notify_hub_ever(const struct notify_hub *h);

/**
 * notify_hub_queue() - a new notification for thread @tid's call @sd,
 * in state INIT with the next id.  It goes to an agent waiting in RECV
 * at once, if there is one.  Returns 0 or -ENOMEM.
 */
int notify_hub_queue(struct notify_hub *h, pid_t tid,
		     const struct seccomp_data *sd, void *owner,
		     struct notify_item **ret);

/**
 * notify_hub_withdraw() - @n's thread no longer waits (a signal woke it,
 * or it died): the item goes; an agent that received it gets a CANCEL with
 * @reason (SBX_CANCEL_*).  Later answers for its id get -ENOENT.
 */
void notify_hub_withdraw(struct notify_hub *h, struct notify_item *n,
			 uint32_t reason);

/**
 * notify_hub_finish() - the thread took the answer of REPLIED item @n;
 * the item goes.
 */
void notify_hub_finish(struct notify_hub *h, struct notify_item *n);

/**
 * notify_hub_reply() - answer @n from the supervisor (state becomes
 * REPLIED with @val, @error, no flags), as the kernel does when the
 * listener goes away.  An agent holding it gets a CANCEL
 * (SBX_CANCEL_EXIT).  Does not call @replied; the caller wakes the thread.
 */
void notify_hub_reply(struct notify_hub *h, struct notify_item *n, int64_t val,
		      int32_t error);

/**
 * notify_hub_first() / notify_hub_next() - walk every live item in id
 * order.  Safe against notify_hub_reply() on the current item, not
 * against removal.
 */
struct notify_item *notify_hub_first(struct notify_hub *h);
struct notify_item *notify_hub_next(struct notify_hub *h,
				    struct notify_item *n);

/**
 * notify_hub_set_done() - no confined task is left: a pending RECV, and
 * every later one, gets -ENOENT, as the kernel's RECV does once the
 * filter has no users.
 */
void notify_hub_set_done(struct notify_hub *h);

#endif /* SANDBOXD_NOTIFY_HUB_H */
