/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The control protocol's codec and launch state machine, as control.h
 * describes them.  Everything a peer sends is untrusted: a record is read
 * whole into notify_ctl_msg.buf, which holds the longest valid one, so a
 * longer one shows as MSG_TRUNC; fds come close-on-exec, and every fd of
 * a record that fails a check is closed before we return.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "notify/control.h"

/* The layouts sandboxd(8) documents byte by byte. */
_Static_assert(sizeof(struct sbx_ctl_hdr) == 8, "sbx_ctl_hdr");
_Static_assert(sizeof(struct sbx_ctl_launch) == 8, "sbx_ctl_launch");
_Static_assert(sizeof(struct sbx_ctl_signal) == 8, "sbx_ctl_signal");
_Static_assert(sizeof(struct sbx_ctl_subscribe) == 8, "sbx_ctl_subscribe");
_Static_assert(sizeof(struct sbx_ctl_started) == 16, "sbx_ctl_started");
_Static_assert(sizeof(struct sbx_ctl_exit) == 8, "sbx_ctl_exit");
_Static_assert(sizeof(struct sbx_ctl_error) == 8, "sbx_ctl_error");
_Static_assert(sizeof(struct sbx_ctl_target) == 72, "sbx_ctl_target");
_Static_assert(sizeof(struct sbx_ctl_sandbox) == 16, "sbx_ctl_sandbox");
_Static_assert(sizeof(struct sock_filter) == 8, "sock_filter");
/* the payload starts 8-byte aligned in notify_ctl_msg.buf */
_Static_assert(sizeof(struct sbx_ctl_hdr) % sizeof(uint64_t) == 0, "align");
/* a whole FILTER fits in one record */
_Static_assert(sizeof(struct sbx_ctl_hdr) +
		       BPF_MAXINSNS * sizeof(struct sock_filter) <=
		   SBX_CTL_MAX_RECORD,
	       "FILTER record");

enum ctl_dir {
	CTL_FROM_CLIENT,
	CTL_FROM_DAEMON,
};

/*
 * One row per record type (as OpenSSH's monitor table): the exact size of
 * the fixed part, the exact number of strings and of fds, and the offset
 * of a reserved 32-bit field that must be zero (0: none; no type has one
 * at offset 0).  FILTER's payload is its program, checked apart.
 */
struct ctl_type {
	uint32_t type;
	const char *name;
	enum ctl_dir dir;
	uint16_t fixed;
	uint8_t strings;
	uint8_t fds;
	uint16_t pad_off;
};

static const struct ctl_type ctl_types[] = {
	{ SBX_CTL_LAUNCH, "LAUNCH", CTL_FROM_CLIENT,
	  sizeof(struct sbx_ctl_launch), 1, 4, 0 },
	{ SBX_CTL_ARG, "ARG", CTL_FROM_CLIENT, 0, 1, 0, 0 },
	{ SBX_CTL_ENV, "ENV", CTL_FROM_CLIENT, 0, 1, 0, 0 },
	{ SBX_CTL_FILTER, "FILTER", CTL_FROM_CLIENT, 0, 0, 0, 0 },
	{ SBX_CTL_RUN, "RUN", CTL_FROM_CLIENT, 0, 0, 0, 0 },
	{ SBX_CTL_SIGNAL, "SIGNAL", CTL_FROM_CLIENT,
	  sizeof(struct sbx_ctl_signal), 0, 0,
	  offsetof(struct sbx_ctl_signal, pad) },
	{ SBX_CTL_STATUS, "STATUS", CTL_FROM_CLIENT, 0, 0, 0, 0 },
	{ SBX_CTL_SUBSCRIBE, "SUBSCRIBE", CTL_FROM_CLIENT,
	  sizeof(struct sbx_ctl_subscribe), 1, 0,
	  offsetof(struct sbx_ctl_subscribe, pad) },
	{ SBX_CTL_STARTED, "STARTED", CTL_FROM_DAEMON,
	  sizeof(struct sbx_ctl_started), 0, 0,
	  offsetof(struct sbx_ctl_started, pad) },
	{ SBX_CTL_EXIT, "EXIT", CTL_FROM_DAEMON, sizeof(struct sbx_ctl_exit), 0,
	  0, offsetof(struct sbx_ctl_exit, pad) },
	{ SBX_CTL_ERROR, "ERROR", CTL_FROM_DAEMON, sizeof(struct sbx_ctl_error),
	  1, 0, offsetof(struct sbx_ctl_error, pad) },
	{ SBX_CTL_TARGET, "TARGET", CTL_FROM_DAEMON,
	  sizeof(struct sbx_ctl_target), 2, 0, 0 },
	{ SBX_CTL_END, "END", CTL_FROM_DAEMON, 0, 0, 0, 0 },
	{ SBX_CTL_OK, "OK", CTL_FROM_DAEMON, 0, 0, 0, 0 },
	{ SBX_CTL_SANDBOX, "SANDBOX", CTL_FROM_DAEMON,
	  sizeof(struct sbx_ctl_sandbox), 1, 2, 0 },
};

#define N_CTL_TYPES (sizeof(ctl_types) / sizeof(ctl_types[0]))

/* notify_ctl_request.state */
enum {
	REQ_LAUNCH, /* expects LAUNCH */
	REQ_ARG,    /* expects the first ARG */
	REQ_ARGS,   /* after an ARG: ARG, ENV, FILTER or RUN */
	REQ_ENV,    /* after an ENV: ENV, FILTER or RUN */
	REQ_FILTER, /* after a FILTER: FILTER or RUN */
	REQ_DONE,   /* RUN came */
	REQ_FAILED,
};

static const struct ctl_type *
ctl_type_find(uint32_t type)
{
	size_t i;

	for (i = 0; i < N_CTL_TYPES; i++)
		if (ctl_types[i].type == type)
			return &ctl_types[i];
	return NULL;
}

/* The values a type's fixed part may hold beyond its reserved field. */
static bool
fixed_values_ok(uint32_t type, const unsigned char *fixed)
{
	int32_t v;

	switch (type) {
	case SBX_CTL_SIGNAL:
		memcpy(&v, fixed + offsetof(struct sbx_ctl_signal, signo),
		       sizeof(v));
		return v >= 1 && v <= 64;
	case SBX_CTL_SUBSCRIBE:
		memcpy(&v, fixed + offsetof(struct sbx_ctl_subscribe, uid),
		       sizeof(v));
		return v >= -1;
	case SBX_CTL_ERROR:
		memcpy(&v, fixed + offsetof(struct sbx_ctl_error, err),
		       sizeof(v));
		return v > 0;
	default:
		return true;
	}
}

/*
 * Split @p (@len bytes) into NUL-terminated strings; there must be exactly
 * @want of them and nothing after the last.  @ret gets their starts (at
 * most 2 are asked for).
 */
static bool
split_strings(const char *p, size_t len, size_t want, const char **ret)
{
	size_t n = 0, i = 0;
	const char *nul;

	while (i < len) {
		nul = memchr(p + i, '\0', len - i);
		if (!nul || n == want)
			return false;
		if (ret)
			ret[n] = p + i;
		n++;
		i = (size_t)(nul - p) + 1;
	}
	return n == want;
}

int
notify_ctl_check(const void *rec, size_t len, size_t n_fds)
{
	const unsigned char *p = rec;
	const struct ctl_type *t;
	struct sbx_ctl_hdr hdr;
	uint32_t pad;
	size_t plen;

	if (len > SBX_CTL_MAX_RECORD)
		return -EMSGSIZE;
	if (len < sizeof(hdr))
		return -EINVAL;
	memcpy(&hdr, p, sizeof(hdr));
	plen = len - sizeof(hdr);
	if (hdr.len != plen)
		return -EINVAL;
	t = ctl_type_find(hdr.type);
	if (!t)
		return -EOPNOTSUPP;
	if (n_fds != t->fds)
		return -EBADMSG;
	p += sizeof(hdr);
	if (hdr.type == SBX_CTL_FILTER) {
		if (plen == 0 || plen % sizeof(struct sock_filter) ||
		    plen / sizeof(struct sock_filter) > BPF_MAXINSNS)
			return -EBADMSG;
		return 0;
	}
	if (plen < t->fixed)
		return -EBADMSG;
	if (t->pad_off) {
		memcpy(&pad, p + t->pad_off, sizeof(pad));
		if (pad)
			return -EBADMSG;
	}
	if (!fixed_values_ok(hdr.type, p))
		return -EBADMSG;
	if (!split_strings((const char *)p + t->fixed, plen - t->fixed,
			   t->strings, NULL))
		return -EBADMSG;
	return 0;
}

void
notify_ctl_msg_clear(struct notify_ctl_msg *m)
{
	size_t i;

	for (i = 0; i < m->n_fds && i < SBX_CTL_MAX_FDS; i++) {
		if (m->fds[i] >= 0)
			close(m->fds[i]);
		m->fds[i] = -1;
	}
	m->n_fds = 0;
}

/* Point @m's fields into its checked record of @len bytes. */
static void
msg_fill(struct notify_ctl_msg *m, size_t len)
{
	const unsigned char *rec = (const unsigned char *)m->buf;
	const struct ctl_type *t;
	struct sbx_ctl_hdr hdr;
	size_t plen;

	memcpy(&hdr, rec, sizeof(hdr));
	plen = len - sizeof(hdr);
	t = ctl_type_find(hdr.type);
	m->type = hdr.type;
	m->fixed = NULL;
	m->strings[0] = m->strings[1] = NULL;
	m->n_strings = 0;
	m->insns = NULL;
	m->n_insns = 0;
	if (hdr.type == SBX_CTL_FILTER) {
		m->insns = (const struct sock_filter *)(rec + sizeof(hdr));
		m->n_insns = plen / sizeof(struct sock_filter);
		return;
	}
	if (t->fixed)
		m->fixed = rec + sizeof(hdr);
	split_strings((const char *)rec + sizeof(hdr) + t->fixed,
		      plen - t->fixed, t->strings, m->strings);
	m->n_strings = t->strings;
}

int
notify_ctl_recv(int fd, struct notify_ctl_msg *ret)
{
	/*
	 * Room for one fd more than a record may carry, so that too many
	 * show, and for credentials, so that a socket with SO_PASSCRED
	 * shows as the wrong kind of message and not as too many fds.
	 */
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * (SBX_CTL_MAX_FDS + 1)) +
			 CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct iovec iov = { ret->buf, sizeof(ret->buf) };
	struct msghdr mh = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	int fds[SBX_CTL_MAX_FDS + 1];
	size_t n_fds = 0, i, k;
	bool other_cmsg = false;
	struct cmsghdr *c;
	ssize_t n;
	int r;

	ret->n_fds = 0;
	for (i = 0; i < SBX_CTL_MAX_FDS; i++)
		ret->fds[i] = -1;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0)) {
			other_cmsg = true;
			continue;
		}
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(f));
			/* the buffer holds no more than this; be sure */
			if (n_fds < SBX_CTL_MAX_FDS + 1)
				fds[n_fds++] = f;
			else
				close(f);
		}
	}
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC) ||
	    n_fds > SBX_CTL_MAX_FDS) {
		r = -EMSGSIZE;
		goto out_close;
	}
	if (other_cmsg) {
		r = -EBADMSG;
		goto out_close;
	}
	/*
	 * A SOCK_SEQPACKET read of 0 bytes is the end of the stream; an
	 * empty record, which no type has, reads the same.  Only one that
	 * brought fds is told apart.
	 */
	if (n == 0 && n_fds == 0)
		return 0;
	r = notify_ctl_check(ret->buf, (size_t)n, n_fds);
	if (r < 0)
		goto out_close;
	msg_fill(ret, (size_t)n);
	memcpy(ret->fds, fds, n_fds * sizeof(int));
	ret->n_fds = n_fds;
	return 1;

out_close:
	for (i = 0; i < n_fds; i++)
		close(fds[i]);
	return r;
}

int
notify_ctl_send(int fd, uint32_t type, const void *fixed, size_t fixed_len,
		const char *const *strings, size_t n_strings, const int *fds,
		size_t n_fds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * SBX_CTL_MAX_FDS)];
	} ctl;
	struct sbx_ctl_hdr hdr;
	struct msghdr mh = { 0 };
	struct iovec iov;
	struct cmsghdr *c;
	size_t len, i, sl;
	unsigned char *buf = NULL, *p;
	ssize_t n;
	int r;

	if (n_fds > SBX_CTL_MAX_FDS)
		return -EINVAL;
	len = sizeof(hdr);
	if (fixed_len > SBX_CTL_MAX_RECORD - len)
		return -EMSGSIZE;
	len += fixed_len;
	for (i = 0; strings && i < n_strings && strings[i]; i++) {
		sl = strnlen(strings[i], SBX_CTL_MAX_RECORD);
		if (sl >= SBX_CTL_MAX_RECORD - len)
			return -EMSGSIZE;
		len += sl + 1;
	}
	n_strings = i;

	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	hdr.type = type;
	hdr.len = (uint32_t)(len - sizeof(hdr));
	memcpy(buf, &hdr, sizeof(hdr));
	p = buf + sizeof(hdr);
	if (fixed_len) {
		memcpy(p, fixed, fixed_len);
		p += fixed_len;
	}
	for (i = 0; i < n_strings; i++) {
		sl = strlen(strings[i]) + 1;
		memcpy(p, strings[i], sl);
		p += sl;
	}

	iov.iov_base = buf;
	iov.iov_len = len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (n_fds) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
	}
	/* SOCK_SEQPACKET sends a record whole or not at all */
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	r = n < 0 ? -errno : 0;
	free(buf);
	return r;
}

int
notify_ctl_send_error(int fd, int err, const char *msg)
{
	struct sbx_ctl_error e = { 0 };
	/* room for the message's bytes, its NUL not counted */
	size_t room =
	    SBX_CTL_MAX_RECORD - sizeof(struct sbx_ctl_hdr) - sizeof(e) - 1;
	char *cut = NULL;
	const char *s;
	int r;

	if (err <= 0)
		return -EINVAL;
	e.err = err;
	s = msg ? msg : "";
	/* an over-long message is cut, not lost with the error */
	if (strnlen(s, room + 1) > room) {
		cut = strndup(s, room);
		if (!cut)
			return -ENOMEM;
		s = cut;
	}
	r = notify_ctl_send(fd, SBX_CTL_ERROR, &e, sizeof(e), &s, 1, NULL, 0);
	free(cut);
	return r;
}

void
notify_ctl_request_init(struct notify_ctl_request *req)
{
	size_t i;

	memset(req, 0, sizeof(*req));
	for (i = 0; i < 4; i++)
		req->fds[i] = -1;
	req->state = REQ_LAUNCH;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
notify_ctl_request_free(struct notify_ctl_request *req)
{
	size_t i;

	if (!req)
		return;
	free(req->policy);
	strv_free(req->argv, req->argc);
	strv_free(req->envp, req->envc);
	for (i = 0; i < req->n_filters; i++)
		free(req->filters[i].filter);
	free(req->filters);
	for (i = 0; i < 4; i++)
		if (req->fds[i] >= 0)
			close(req->fds[i]);
	notify_ctl_request_init(req);
}

/*
 * The slots a NULL-terminated array of @n strings has: room for the
 * strings and the NULL, rounded up to a power of two, so that pushing
 * 65536 strings reallocates 17 times, not 65536.
 */
static size_t
strv_slots(size_t n)
{
	size_t s = 8;

	while (s < n + 1)
		s *= 2;
	return s;
}

/* Append a copy of @s to the NULL-terminated @v of *@n strings. */
static int
strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = *v, *copy;

	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	if (!nv || strv_slots(*n + 1) > strv_slots(*n)) {
		nv = reallocarray(nv, strv_slots(*n + 1), sizeof(*nv));
		if (!nv) {
			free(copy);
			return -ENOMEM;
		}
		*v = nv;
	}
	nv[(*n)++] = copy;
	nv[*n] = NULL;
	return 0;
}

/* Why record @type cannot come in state @state. */
static const char *
order_message(int state, uint32_t type)
{
	switch (type) {
	case SBX_CTL_LAUNCH:
		return "LAUNCH record twice in one launch";
	case SBX_CTL_ARG:
		if (state == REQ_ENV)
			return "ARG record after ENV";
		if (state == REQ_FILTER)
			return "ARG record after FILTER";
		break;
	case SBX_CTL_ENV:
		if (state == REQ_ARG)
			return "ENV record before any ARG";
		if (state == REQ_FILTER)
			return "ENV record after FILTER";
		break;
	case SBX_CTL_FILTER:
		if (state == REQ_ARG)
			return "FILTER record before any ARG";
		break;
	case SBX_CTL_RUN:
		if (state == REQ_ARG)
			return "RUN without any ARG record";
		break;
	default:
		break;
	}
	return "record type not allowed in a launch";
}

static int
feed_launch(struct notify_ctl_request *req, struct notify_ctl_msg *m,
	    const char **ret_msg)
{
	struct sbx_ctl_launch l;
	size_t i, len;

	if (!m->fixed || m->n_strings != 1 || m->n_fds != 4) {
		*ret_msg = "malformed LAUNCH record";
		return -EPROTO;
	}
	memcpy(&l, m->fixed, sizeof(l));
	if (l.version != SBX_CTL_VERSION) {
		*ret_msg = "unsupported control protocol version";
		return -EPROTONOSUPPORT;
	}
	if (l.flags & ~SBX_CTL_FLAGS_ALL) {
		*ret_msg = "unknown launch flags";
		return -EINVAL;
	}
	len = strnlen(m->strings[0], SBX_CTL_MAX_NAME + 1);
	if (len == 0) {
		*ret_msg = "empty policy name";
		return -EINVAL;
	}
	if (len > SBX_CTL_MAX_NAME) {
		*ret_msg = "policy name longer than 255 bytes";
		return -ENAMETOOLONG;
	}
	req->policy = strdup(m->strings[0]);
	if (!req->policy) {
		*ret_msg = "out of memory";
		return -ENOMEM;
	}
	req->flags = l.flags;
	for (i = 0; i < 4; i++) {
		req->fds[i] = m->fds[i];
		m->fds[i] = -1;
	}
	return 0;
}

/* Count @s against SBX_CTL_MAX_STRINGS: its bytes and its NUL. */
static int
strings_add(struct notify_ctl_request *req, const char *s, const char **ret_msg)
{
	size_t len = strlen(s) + 1;

	if (len > SBX_CTL_MAX_STRINGS - req->strings_size) {
		*ret_msg = "arguments and environment larger than 8 MiB";
		return -E2BIG;
	}
	req->strings_size += len;
	return 0;
}

static int
feed_arg(struct notify_ctl_request *req, const struct notify_ctl_msg *m,
	 const char **ret_msg)
{
	int r;

	if (m->n_strings != 1 || !m->strings[0]) {
		*ret_msg = "malformed ARG record";
		return -EPROTO;
	}
	if (req->argc >= SBX_CTL_MAX_ARGS) {
		*ret_msg = "more than 65536 arguments";
		return -E2BIG;
	}
	r = strings_add(req, m->strings[0], ret_msg);
	if (r < 0)
		return r;
	r = strv_push(&req->argv, &req->argc, m->strings[0]);
	if (r < 0)
		*ret_msg = "out of memory";
	return r;
}

static int
feed_env(struct notify_ctl_request *req, const struct notify_ctl_msg *m,
	 const char **ret_msg)
{
	const char *s;
	int r;

	if (m->n_strings != 1 || !m->strings[0]) {
		*ret_msg = "malformed ENV record";
		return -EPROTO;
	}
	s = m->strings[0];
	if (s[0] == '=' || !strchr(s, '=')) {
		*ret_msg = "ENV record not of the form NAME=value";
		return -EINVAL;
	}
	if (req->envc >= SBX_CTL_MAX_ENV) {
		*ret_msg = "more than 65536 environment variables";
		return -E2BIG;
	}
	r = strings_add(req, s, ret_msg);
	if (r < 0)
		return r;
	r = strv_push(&req->envp, &req->envc, s);
	if (r < 0)
		*ret_msg = "out of memory";
	return r;
}

static int
feed_filter(struct notify_ctl_request *req, const struct notify_ctl_msg *m,
	    const char **ret_msg)
{
	struct sock_filter *insns;
	struct sock_fprog *nf;

	if (!m->insns || m->n_insns == 0 || m->n_insns > BPF_MAXINSNS) {
		*ret_msg = "malformed FILTER record";
		return -EPROTO;
	}
	if (req->n_filters >= SBX_CTL_MAX_FILTERS) {
		*ret_msg = "more than 32 filters";
		return -E2BIG;
	}
	insns = reallocarray(NULL, m->n_insns, sizeof(*insns));
	if (!insns)
		goto out_nomem;
	memcpy(insns, m->insns, m->n_insns * sizeof(*insns));
	nf = reallocarray(req->filters, req->n_filters + 1, sizeof(*nf));
	if (!nf) {
		free(insns);
		goto out_nomem;
	}
	req->filters = nf;
	nf[req->n_filters].len = (unsigned short)m->n_insns;
	nf[req->n_filters].filter = insns;
	req->n_filters++;
	return 0;

out_nomem:
	*ret_msg = "out of memory";
	return -ENOMEM;
}

static int
feed_run(struct notify_ctl_request *req, const char **ret_msg)
{
	/* an empty environment is still an array for execve(2) */
	if (!req->envp) {
		req->envp = calloc(1, sizeof(*req->envp));
		if (!req->envp) {
			*ret_msg = "out of memory";
			return -ENOMEM;
		}
	}
	return 1;
}

int
notify_ctl_request_feed(struct notify_ctl_request *req,
			struct notify_ctl_msg *m, const char **ret_msg)
{
	const char *msg = NULL;
	int state = req->state, next = state;
	int r;

	if (state == REQ_DONE || state == REQ_FAILED) {
		msg = state == REQ_DONE ? "record after RUN"
					: "the launch already failed";
		r = -EPROTO;
		goto out;
	}
	switch (m->type) {
	case SBX_CTL_LAUNCH:
		if (state != REQ_LAUNCH)
			goto out_order;
		r = feed_launch(req, m, &msg);
		next = REQ_ARG;
		break;
	case SBX_CTL_ARG:
		if (state != REQ_ARG && state != REQ_ARGS)
			goto out_order;
		r = feed_arg(req, m, &msg);
		next = REQ_ARGS;
		break;
	case SBX_CTL_ENV:
		if (state != REQ_ARGS && state != REQ_ENV)
			goto out_order;
		r = feed_env(req, m, &msg);
		next = REQ_ENV;
		break;
	case SBX_CTL_FILTER:
		if (state != REQ_ARGS && state != REQ_ENV &&
		    state != REQ_FILTER)
			goto out_order;
		r = feed_filter(req, m, &msg);
		next = REQ_FILTER;
		break;
	case SBX_CTL_RUN:
		if (state != REQ_ARGS && state != REQ_ENV &&
		    state != REQ_FILTER)
			goto out_order;
		r = feed_run(req, &msg);
		next = REQ_DONE;
		break;
	default:
		goto out_order;
	}
	if (r >= 0)
		req->state = next;
	goto out;

out_order:
	/* LAUNCH must come first: anything else then is "not LAUNCH" */
	msg = state == REQ_LAUNCH ? "the first record must be LAUNCH"
				  : order_message(state, m->type);
	r = -EPROTO;
out:
	if (r < 0) {
		req->state = REQ_FAILED;
		if (ret_msg)
			*ret_msg = msg;
	}
	return r;
}

/* Check a whole launch against the limits before any of it is sent. */
static int
request_fits(const char *policy, uint32_t flags, char *const *argv,
	     char *const *envp, const struct sock_fprog *filters,
	     size_t n_filters)
{
	/* a string's bytes that one record can carry, its NUL not counted */
	const size_t room = SBX_CTL_MAX_RECORD - sizeof(struct sbx_ctl_hdr) - 1;
	size_t n, len, total = 0, i;

	if (!policy || !argv || !argv[0])
		return -EINVAL;
	len = strnlen(policy, SBX_CTL_MAX_NAME + 1);
	if (len == 0 || flags & ~SBX_CTL_FLAGS_ALL)
		return -EINVAL;
	if (len > SBX_CTL_MAX_NAME)
		return -ENAMETOOLONG;
	for (n = 0; argv[n]; n++) {
		if (n >= SBX_CTL_MAX_ARGS)
			return -E2BIG;
		len = strnlen(argv[n], room + 1);
		if (len > room || len + 1 > SBX_CTL_MAX_STRINGS - total)
			return -E2BIG;
		total += len + 1;
	}
	for (n = 0; envp && envp[n]; n++) {
		if (n >= SBX_CTL_MAX_ENV)
			return -E2BIG;
		len = strnlen(envp[n], room + 1);
		if (len > room || len + 1 > SBX_CTL_MAX_STRINGS - total)
			return -E2BIG;
		if (envp[n][0] == '=' || !strchr(envp[n], '='))
			return -EINVAL;
		total += len + 1;
	}
	if (n_filters > SBX_CTL_MAX_FILTERS)
		return -E2BIG;
	for (i = 0; i < n_filters; i++)
		if (filters[i].len == 0 || filters[i].len > BPF_MAXINSNS ||
		    !filters[i].filter)
			return -EINVAL;
	return 0;
}

int
notify_ctl_request_send(int fd, const char *policy, uint32_t flags,
			char *const *argv, char *const *envp,
			const struct sock_fprog *filters, size_t n_filters,
			const int fds[4])
{
	struct sbx_ctl_launch l = { .version = SBX_CTL_VERSION,
				    .flags = flags };
	const char *s;
	size_t i;
	int r;

	r = request_fits(policy, flags, argv, envp, filters, n_filters);
	if (r < 0)
		return r;
	r = notify_ctl_send(fd, SBX_CTL_LAUNCH, &l, sizeof(l), &policy, 1, fds,
			    4);
	for (i = 0; r >= 0 && argv[i]; i++) {
		s = argv[i];
		r = notify_ctl_send(fd, SBX_CTL_ARG, NULL, 0, &s, 1, NULL, 0);
	}
	for (i = 0; r >= 0 && envp && envp[i]; i++) {
		s = envp[i];
		r = notify_ctl_send(fd, SBX_CTL_ENV, NULL, 0, &s, 1, NULL, 0);
	}
	for (i = 0; r >= 0 && i < n_filters; i++)
		r = notify_ctl_send(fd, SBX_CTL_FILTER, filters[i].filter,
				    filters[i].len * sizeof(struct sock_filter),
				    NULL, 0, NULL, 0);
	if (r >= 0)
		r = notify_ctl_send(fd, SBX_CTL_RUN, NULL, 0, NULL, 0, NULL, 0);
	return r;
}
