/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * sandbox-notify: the agent protocol of sandboxd, and the client library
 * that speaks it.  See sandbox-notify(7) for the protocol and
 * sbx_notify_receive(3) for the library.
 *
 * A policy agent decides the calls a filter sends to SECCOMP_RET_USER_NOTIF.
 * The kernel hands such calls to a listener fd and its ioctls; sandboxd
 * hands them to agents on a unix socket, one SOCK_SEQPACKET record per
 * message, with payloads laid out exactly as the kernel's structs, in host
 * byte order.  The library's calls mirror the ioctls.
 */
#ifndef SANDBOX_NOTIFY_H
#define SANDBOX_NOTIFY_H

#include <stdint.h>
#include <sys/types.h>

#include <linux/seccomp.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==== The wire format ==================================================== */

#define SBX_NOTIFY_VERSION 1

/* No record, header included, is longer than this, either way. */
#define SBX_NOTIFY_MAX_RECORD 4096

/**
 * enum sbx_msg_type - the record types.  S: the supervisor sends it; A: an
 * agent sends it.
 * @SBX_MSG_HELLO: S, first on every connection: struct sbx_hello.
 * @SBX_MSG_RECV: A, no payload: "give me the oldest unreceived
 *	notification", as SECCOMP_IOCTL_NOTIF_RECV.  Answered by one
 *	SBX_MSG_NOTIF when there is one (at once, or later), or by an
 *	SBX_MSG_STATUS with an error.
 * @SBX_MSG_NOTIF: S: struct seccomp_notif.
 * @SBX_MSG_SEND: A: struct seccomp_notif_resp, as SECCOMP_IOCTL_NOTIF_SEND.
 * @SBX_MSG_ID_VALID: A: a __u64 id, as SECCOMP_IOCTL_NOTIF_ID_VALID.
 * @SBX_MSG_ADDFD: A: struct seccomp_notif_addfd, with exactly one fd in
 *	SCM_RIGHTS (srcfd is ignored), as SECCOMP_IOCTL_NOTIF_ADDFD.
 * @SBX_MSG_READ_MEM: A: struct sbx_read_mem: read the waiting thread's
 *	memory through the supervisor.
 * @SBX_MSG_STATUS: S: struct sbx_status, the answer to every A record but a
 *	successful RECV; for READ_MEM the bytes read follow it.
 * @SBX_MSG_CANCEL: S: struct sbx_cancel: a notification this connection
 *	received was withdrawn.
 */
enum sbx_msg_type {
	SBX_MSG_HELLO = 1,
	SBX_MSG_RECV = 2,
	SBX_MSG_NOTIF = 3,
	SBX_MSG_SEND = 4,
	SBX_MSG_ID_VALID = 5,
	SBX_MSG_ADDFD = 6,
	SBX_MSG_READ_MEM = 7,
	SBX_MSG_STATUS = 8,
	SBX_MSG_CANCEL = 9,
};

/**
 * struct sbx_msg_hdr - the start of every record.
 * @type: enum sbx_msg_type.
 * @len: payload bytes after the header; the record is exactly
 *	sizeof(struct sbx_msg_hdr) + @len bytes long.
 */
struct sbx_msg_hdr {
	uint32_t type;
	uint32_t len;
};

/* Features in struct sbx_hello. */
#define SBX_FEATURE_ADDFD      (1ULL << 0) /* SBX_MSG_ADDFD */
#define SBX_FEATURE_ADDFD_SEND (1ULL << 1) /* SECCOMP_ADDFD_FLAG_SEND */
#define SBX_FEATURE_CONTINUE   (1ULL << 2) /* SECCOMP_USER_NOTIF_FLAG_CONTINUE \
					    */
#define SBX_FEATURE_READ_MEM (1ULL << 3)   /* SBX_MSG_READ_MEM */
#define SBX_FEATURE_CANCEL   (1ULL << 4)   /* SBX_MSG_CANCEL */

/**
 * struct sbx_hello - what the supervisor speaks (32 bytes).
 * @version: SBX_NOTIFY_VERSION.
 * @sizeof_notif: sizeof(struct seccomp_notif), 80.
 * @sizeof_resp: sizeof(struct seccomp_notif_resp), 24.
 * @sizeof_data: sizeof(struct seccomp_data), 64.
 * @sizeof_addfd: sizeof(struct seccomp_notif_addfd), 24.
 * @pad: 0.
 * @features: SBX_FEATURE_* bits.
 * @max_record: SBX_NOTIFY_MAX_RECORD.
 * @reserved: 0.
 */
struct sbx_hello {
	uint32_t version;
	uint16_t sizeof_notif;
	uint16_t sizeof_resp;
	uint16_t sizeof_data;
	uint16_t sizeof_addfd;
	uint32_t pad;
	uint64_t features;
	uint32_t max_record;
	uint32_t reserved;
};

/**
 * struct sbx_status - the answer to a request (24 bytes).
 * @id: the request's notification id (0 for RECV, or when the request
 *	was too short to carry one).
 * @request: the request's enum sbx_msg_type (or the unknown type sent).
 * @error: 0, or a negative errno: what the ioctl would have failed with.
 * @val: ADDFD: the fd number in the target; READ_MEM: the bytes that
 *	follow; otherwise 0.
 */
struct sbx_status {
	uint64_t id;
	uint32_t request;
	int32_t error;
	int64_t val;
};

/* Why a notification was withdrawn (struct sbx_cancel). */
#define SBX_CANCEL_SIGNAL 1 /* a signal interrupted the wait */
#define SBX_CANCEL_EXIT	  2 /* the thread was killed or exited */

/**
 * struct sbx_cancel - a withdrawn notification (16 bytes).
 * @id: its id; a SEND or ADDFD for it now gets -ENOENT.
 * @reason: SBX_CANCEL_*.
 * @reserved: 0.
 */
struct sbx_cancel {
	uint64_t id;
	uint32_t reason;
	uint32_t reserved;
};

/* The most one READ_MEM returns. */
#define SBX_READ_MEM_MAX                                      \
	(SBX_NOTIFY_MAX_RECORD - sizeof(struct sbx_msg_hdr) - \
	 sizeof(struct sbx_status))

/**
 * struct sbx_read_mem - read @len bytes at @addr of the thread waiting in
 * notification @id (24 bytes).  @len is at most SBX_READ_MEM_MAX.
 */
struct sbx_read_mem {
	uint64_t id;
	uint64_t addr;
	uint64_t len;
};

/* ==== The client library (libsandbox-notify) ============================
 *
 * Every function returns 0 (or a count) on success and a negative errno on
 * failure, as libseccomp's seccomp_notify_*() do.  A connection is not
 * safe for use by several threads at once; an agent that wants more
 * threads opens more connections: each notification goes to exactly one.
 */

struct sbx_notify;

/**
 * sbx_notify_connect() - connect to a supervisor's agent socket and read
 * its HELLO.
 * Returns 0; -EPROTO if the peer does not speak version 1; or -errno.
 */
int sbx_notify_connect(const char *path, struct sbx_notify **ret);

/**
 * sbx_notify_from_fd() - adopt a connected SOCK_SEQPACKET fd, such as the
 * "notifyFd" of an OCI listener bootstrap, and read its HELLO.  The
 * connection owns @fd from then on, even on failure.
 */
int sbx_notify_from_fd(int fd, struct sbx_notify **ret);

/** sbx_notify_close() - close the connection.  Accepts NULL. */
void sbx_notify_close(struct sbx_notify *n);

/** sbx_notify_fd() - the socket, to poll for POLLIN. */
int sbx_notify_fd(const struct sbx_notify *n);

/** sbx_notify_hello() - the supervisor's HELLO. */
const struct sbx_hello *sbx_notify_hello(const struct sbx_notify *n);

/**
 * sbx_notify_receive() - wait for the next notification.
 * @req: receives it.
 * Returns 0; -ENOENT when no confined task is left to notify; -ECONNRESET
 * when the supervisor is gone; or -errno.
 */
int sbx_notify_receive(struct sbx_notify *n, struct seccomp_notif *req);

/**
 * sbx_notify_respond() - answer a notification.
 * Returns 0; -ENOENT for an unknown or withdrawn id; -EINPROGRESS if it
 * was answered already; -EINVAL for bad flags; or -errno.
 */
int sbx_notify_respond(struct sbx_notify *n,
		       const struct seccomp_notif_resp *resp);

/**
 * sbx_notify_id_valid() - whether notification @id still waits for an
 * answer.  Returns 0 if so, -ENOENT if not, or -errno.
 */
int sbx_notify_id_valid(struct sbx_notify *n, uint64_t id);

/**
 * sbx_notify_addfd() - install @fd in the waiting thread's process.
 * @addfd: id, flags (SECCOMP_ADDFD_FLAG_SETFD, _SEND), newfd and
 *	newfd_flags (O_CLOEXEC) as for SECCOMP_IOCTL_NOTIF_ADDFD; srcfd is
 *	ignored.
 * @fd: the fd to send; it stays open here.
 * Returns the fd number in the target, or -errno as the ioctl.
 */
int sbx_notify_addfd(struct sbx_notify *n,
		     const struct seccomp_notif_addfd *addfd, int fd);

/**
 * sbx_notify_read_mem() - read the memory of the thread waiting in
 * notification @id.
 * Returns the bytes read (up to @len, at most SBX_READ_MEM_MAX), or -errno:
 * -ENOENT if @id no longer waits, -EFAULT for an unreadable address.
 */
ssize_t sbx_notify_read_mem(struct sbx_notify *n, uint64_t id, uint64_t addr,
			    void *buf, size_t len);

/**
 * sbx_notify_cancelled() - take the oldest CANCEL this connection has seen.
 * Returns 0 with *@id and *@reason set, or -EAGAIN if there is none.
 * CANCELs arrive while the library waits for other records; it keeps them
 * here (and drops the oldest when more than 1024 wait).
 */
int sbx_notify_cancelled(struct sbx_notify *n, uint64_t *id, uint32_t *reason);

#ifdef __cplusplus
}
#endif

#endif /* SANDBOX_NOTIFY_H */
