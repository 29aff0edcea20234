/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * notify control: the protocol of sandboxd's control socket (sandboxd(8),
 * "CONTROL PROTOCOL"), spoken by `sandbox-run --connect`, `sandboxctl`
 * and agents that subscribe through the daemon.
 *
 * The socket is SOCK_SEQPACKET.  A record is one message: a struct
 * sbx_ctl_hdr, then hdr.len payload bytes, in host byte order.  Each type
 * has one direction, a fixed part of a fixed size, then (for some types)
 * NUL-terminated strings, and a fixed number of SCM_RIGHTS fds.
 *
 * A launch is a sequence of records from the client: LAUNCH (fixed part,
 * the policy name; the client's stdin, stdout, stderr and working
 * directory as 4 fds), then ARG records (argv, in order, at least one),
 * ENV records (the environment, in order), FILTER records (client
 * filters, oldest first), then RUN.  The daemon answers ERROR, or STARTED
 * and later EXIT.  While the target runs, the client may send SIGNAL.
 * Closing the connection kills the target.
 *
 * STATUS asks for the running targets: the daemon answers with TARGET
 * records and one END.  SUBSCRIBE makes the connection an agent
 * subscription: the daemon answers with an empty OK, or ERROR, and then
 * sends one SANDBOX record (with an agent channel and a pidfd) for every
 * target launched afterwards with the named policy whose uid the
 * subscriber may see.
 */
#ifndef SANDBOXD_NOTIFY_CONTROL_H
#define SANDBOXD_NOTIFY_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include <linux/filter.h>

#define SBX_CTL_VERSION 1

/* Limits, checked before anything is read or allocated past them. */
#define SBX_CTL_MAX_RECORD  65536U     /* header included */
#define SBX_CTL_MAX_ARGS    65536U     /* ARG records in one launch */
#define SBX_CTL_MAX_ENV	    65536U     /* ENV records in one launch */
#define SBX_CTL_MAX_STRINGS (8U << 20) /* bytes of ARG and ENV together */
#define SBX_CTL_MAX_FILTERS 32U	       /* FILTER records in one launch */
#define SBX_CTL_MAX_NAME    255U       /* policy name, bytes */
#define SBX_CTL_MAX_FDS	    4U	       /* fds on one record */

struct sbx_ctl_hdr {
	uint32_t type;
	uint32_t len; /* payload bytes after this header */
};

enum sbx_ctl_type {
	/* client to daemon */
	SBX_CTL_LAUNCH = 1,    /* sbx_ctl_launch + policy name; 4 fds */
	SBX_CTL_ARG = 2,       /* one string */
	SBX_CTL_ENV = 3,       /* one string, NAME=value */
	SBX_CTL_FILTER = 4,    /* struct sock_filter[1..BPF_MAXINSNS] */
	SBX_CTL_RUN = 5,       /* empty */
	SBX_CTL_SIGNAL = 6,    /* sbx_ctl_signal */
	SBX_CTL_STATUS = 7,    /* empty */
	SBX_CTL_SUBSCRIBE = 8, /* sbx_ctl_subscribe + policy name */
	/* daemon to client */
	SBX_CTL_STARTED = 64, /* sbx_ctl_started */
	SBX_CTL_EXIT = 65,    /* sbx_ctl_exit */
	SBX_CTL_ERROR = 66,   /* sbx_ctl_error + message */
	SBX_CTL_TARGET = 67,  /* sbx_ctl_target + policy + command */
	SBX_CTL_END = 68,     /* empty */
	SBX_CTL_OK = 69,      /* empty */
	SBX_CTL_SANDBOX = 70, /* sbx_ctl_sandbox + policy; 2 fds */
};

/* sbx_ctl_launch.flags */
#define SBX_CTL_NO_PREFILTER 0x1u /* sandbox-run --no-prefilter */
#define SBX_CTL_WAIT_ALL     0x2u /* sandbox-run --wait-all */
#define SBX_CTL_FLAGS_ALL    0x3u

struct sbx_ctl_launch {
	uint32_t version; /* SBX_CTL_VERSION */
	uint32_t flags;
};

struct sbx_ctl_signal {
	int32_t signo; /* 1 to 64 */
	uint32_t pad;  /* zero */
};

struct sbx_ctl_subscribe {
	int32_t uid;  /* targets of this uid; -1: the subscriber's own
		       * (root: every uid's) */
	uint32_t pad; /* zero */
};

struct sbx_ctl_started {
	uint64_t id; /* the target's id in sandboxctl's list */
	int32_t pid; /* in the daemon's pid namespace, which is the client's */
	uint32_t pad;
};

struct sbx_ctl_exit {
	int32_t status; /* the target's wait status, as waitpid(2) gives it */
	uint32_t pad;
};

struct sbx_ctl_error {
	int32_t err;  /* a positive errno value */
	uint32_t pad; /* then a message, one string */
};

struct sbx_ctl_target {
	uint64_t id;
	int32_t pid;
	uint32_t uid;
	int64_t started; /* CLOCK_REALTIME, seconds */
	uint64_t stops;
	uint64_t syscall_stops;
	uint64_t decisions;
	uint64_t denied;
	uint64_t tasks;
	uint64_t notifications;
	/* then two strings: the policy name, the command (argv joined) */
};

struct sbx_ctl_sandbox {
	uint64_t id;
	int32_t pid;
	uint32_t uid;
	/* then the policy name; fds: the agent channel (sandbox-notify(7)),
	 * a pidfd of the target */
};

/**
 * struct notify_ctl_msg - one received record.
 * @type: the header's type.
 * @fixed: the fixed part (NULL for a type without one), inside @buf.
 * @strings: the NUL-terminated strings after the fixed part, inside @buf;
 *	@n_strings of them.  FILTER has none: see @insns.
 * @insns, @n_insns: the program of a FILTER record, inside @buf (aligned).
 * @fds, @n_fds: the fds it carried, owned by the holder until
 *	notify_ctl_msg_clear() or until taken (set to -1).
 * @buf: the record.
 */
struct notify_ctl_msg {
	uint32_t type;
	const void *fixed;
	const char *strings[2];
	size_t n_strings;
	const struct sock_filter *insns;
	size_t n_insns;
	int fds[SBX_CTL_MAX_FDS];
	size_t n_fds;
	uint64_t buf[SBX_CTL_MAX_RECORD / sizeof(uint64_t)];
};

/**
 * notify_ctl_send() - send one record on @fd: @type, the fixed part
 * @fixed of @fixed_len bytes, then the strings @strings (each sent with
 * its NUL; NULL entries end the list early), @n_strings of them, and the
 * fds @fds (@n_fds, may be 0).  For FILTER, @fixed is the program and
 * @fixed_len its size in bytes.
 * Blocks until sent (MSG_NOSIGNAL).  Returns 0, -EMSGSIZE if it would
 * exceed SBX_CTL_MAX_RECORD, -EINVAL for more than SBX_CTL_MAX_FDS fds,
 * -ENOMEM, or -errno from sendmsg(2).
 */
int notify_ctl_send(int fd, uint32_t type, const void *fixed, size_t fixed_len,
		    const char *const *strings, size_t n_strings,
		    const int *fds, size_t n_fds);

/**
 * notify_ctl_recv() - read one record from @fd into @ret and check it
 * (see notify_ctl_check()); fds are received close-on-exec.
 * Returns 1 with a checked record; 0 at end of file; -errno: -EMSGSIZE
 * for a truncated record or too many fds, and what notify_ctl_check()
 * returns.  On failure every fd that came is closed and @ret holds none.
 */
int notify_ctl_recv(int fd, struct notify_ctl_msg *ret);

/**
 * notify_ctl_check() - check a received record @rec of @len bytes that
 * came with @n_fds fds: the header's len is the rest, the type is known,
 * the fixed part has its exact size, every reserved field is zero, the
 * strings are the type's number, each NUL-terminated with no NUL inside
 * and nothing after the last, a FILTER is 1 to BPF_MAXINSNS whole
 * instructions, and the number of fds is the type's.
 * Returns 0; -EINVAL for bad framing; -EOPNOTSUPP for an unknown type;
 * -EBADMSG for a payload of the wrong shape; -EMSGSIZE if @len exceeds
 * SBX_CTL_MAX_RECORD.  Pure.
 */
int notify_ctl_check(const void *rec, size_t len, size_t n_fds);

/** notify_ctl_msg_clear() - close the fds @m still holds. */
void notify_ctl_msg_clear(struct notify_ctl_msg *m);

/**
 * struct notify_ctl_request - a launch being received by the daemon.
 * @policy: the policy name, as sent (unchecked: the daemon judges it).
 * @flags: sbx_ctl_launch.flags.
 * @argv, @argc: the command, NULL-terminated.
 * @envp, @envc: the environment, NULL-terminated.
 * @filters, @n_filters: the client's programs, oldest first; each
 *	@filters[i].filter is malloc'd, @filters[i].len its length.
 * @fds: stdin, stdout, stderr, working directory (owned; -1 once taken).
 * @strings_size: bytes of ARG and ENV so far, each with its NUL.
 * @state: private.
 */
struct notify_ctl_request {
	char *policy;
	uint32_t flags;
	char **argv;
	size_t argc;
	char **envp;
	size_t envc;
	struct sock_fprog *filters;
	size_t n_filters;
	int fds[4];
	size_t strings_size;
	int state;
};

/** notify_ctl_request_init() - an empty request (no fds). */
void notify_ctl_request_init(struct notify_ctl_request *req);

/**
 * notify_ctl_request_feed() - take the next record @m of a launch.
 * Records must come in order: LAUNCH, ARG (one or more), ENV (any),
 * FILTER (any), RUN.  LAUNCH's fds move into @req (taken from @m).
 * @ret_msg: on failure, a message for the client saying what was wrong.
 * Returns 0 when more records are needed; 1 when RUN completed the
 * request; -EPROTO for a record out of order or of another type;
 * -EPROTONOSUPPORT for a version other than SBX_CTL_VERSION; -EINVAL for
 * unknown flags, an empty policy name or an ENV that is not NAME=value;
 * -E2BIG past SBX_CTL_MAX_ARGS,
 * SBX_CTL_MAX_ENV, SBX_CTL_MAX_STRINGS or SBX_CTL_MAX_FILTERS;
 * -ENAMETOOLONG for a policy name longer than SBX_CTL_MAX_NAME; -ENOMEM.
 * After a failure the request takes no more records.
 */
int notify_ctl_request_feed(struct notify_ctl_request *req,
			    struct notify_ctl_msg *m, const char **ret_msg);

/** notify_ctl_request_free() - free @req's memory and close its fds. */
void notify_ctl_request_free(struct notify_ctl_request *req);

/**
 * notify_ctl_request_send() - send a whole launch on @fd: LAUNCH with
 * @policy, @flags and @fds (stdin, stdout, stderr, working directory),
 * ARG for each of @argv, ENV for each of @envp (NULL-terminated arrays),
 * FILTER for each of @filters[0..@n_filters), RUN.
 * Returns 0 or -errno (as notify_ctl_send()), with nothing sent when the
 * request breaks a limit: -E2BIG past the counts, or for one string too
 * long for a record (SBX_CTL_MAX_RECORD less the header: about 64 KiB);
 * -EINVAL for an empty @argv, an empty policy name, unknown flags, an
 * ENV that is not NAME=value or a filter of 0 or more than BPF_MAXINSNS
 * instructions; -ENAMETOOLONG for a policy name past SBX_CTL_MAX_NAME.
 */
int notify_ctl_request_send(int fd, const char *policy, uint32_t flags,
			    char *const *argv, char *const *envp,
			    const struct sock_fprog *filters, size_t n_filters,
			    const int fds[4]);

/**
 * notify_ctl_send_error() - send ERROR with @err (positive errno) and the
 * message @msg, cut to fit one record.  Returns as notify_ctl_send();
 * -EINVAL for an @err of 0 or less.
 */
int notify_ctl_send_error(int fd, int err, const char *msg);

#endif /* SANDBOXD_NOTIFY_CONTROL_H */
