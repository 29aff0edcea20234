/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * ctl-garbage: feed sandboxd's control socket what no client should send,
 * for a bounded time, and check that the daemon stays correct.
 *
 *   ctl-garbage SOCKET POLICY [SECONDS]
 *
 * Each connection gets one case: random bytes, a header whose length
 * lies, records over SBX_CTL_MAX_RECORD (up to 200 KB), unknown types and
 * the daemon's own, records out of order, fds where none belong and too
 * many fds, bad fields in every fixed part, filters the kernel would
 * refuse, a valid launch with one byte changed, a request dropped half
 * way, and a LAUNCH followed by silence (held open while the other cases
 * go on, so the daemon must not wait for it).  For every case that
 * deserves an answer, the daemon must send ERROR (or, for a record that
 * came out valid after all, what a valid one gets) and close the
 * connection, each within WAIT_MS: a daemon that hangs fails.  POLICY
 * (a policy of the daemon's that allows sh) serves the cases that need a
 * real name, and at the end two valid launches must still run with the
 * right exit status.  The cases run in turn, each at least once, until
 * SECONDS (default 5) have passed.
 *
 * Exit status: 0 if the daemon held, 1 if it did not, 99 if this program
 * could not run.  CTL_GARBAGE_SEED replays a run (the seed is printed).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "notify/control.h"

#define PROG "ctl-garbage"
/* How long the daemon may take to answer or close, each time. */
#define WAIT_MS 2000
/* A valid launch may take longer: a process is forked and traced. */
#define LAUNCH_WAIT_MS 20000
#define MAX_SILENT     8
#define MAX_OVERSIZE   (200U * 1024U)
#define MAX_FDS_SENT   64

/* What a case lets the daemon answer, besides ERROR and closing. */
#define ANS_END	    (1u << 0) /* a STATUS that came out valid */
#define ANS_OK	    (1u << 1) /* a subscription */
#define ANS_LAUNCH  (1u << 2) /* STARTED, then EXIT or ERROR */
#define ANS_NOTHING (1u << 3) /* we close at once: nothing is awaited */
#define ANS_SILENT  (1u << 4) /* held open, unanswered */

/*
 * @fds: what records carry: /dev/null, but a directory in the fourth
 * place, so that a LAUNCH that comes out valid can run.
 */
struct conn {
	int fd;
	const char *policy;
	const int *fds;
	uint64_t *rng;
};

struct gcase {
	const char *name;
	unsigned int answers;
	int (*send)(struct conn *c);
};

static uint64_t
rnd(uint64_t *s)
{
	/* xorshift64*: plenty for picking sizes and bytes */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static size_t
rnd_below(uint64_t *s, size_t n)
{
	return n ? (size_t)(rnd(s) % n) : 0;
}

static void
rnd_fill(uint64_t *s, void *buf, size_t len)
{
	unsigned char *p = buf;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)rnd(s);
}

static void __attribute__((format(printf, 1, 2), noreturn))
die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ERROR: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(99);
}

static int failures;

static void __attribute__((format(printf, 1, 2))) fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures++;
}

/*
 * Send @len bytes as one record with the first @n_fds of @fds.  A daemon
 * that has already refused and closed shows as EPIPE or ECONNRESET: the
 * caller goes on to read its answer.  Returns 0 or -errno.
 */
static int
send_raw(int sock, const void *buf, size_t len, const int *fds, size_t n_fds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * MAX_FDS_SENT)];
	} ctl;
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t n;

	if (n_fds > MAX_FDS_SENT)
		n_fds = MAX_FDS_SENT;
	if (n_fds) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * n_fds);
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

/* A record: header @type with the true length, then @payload. */
static int
send_rec(struct conn *c, uint32_t type, const void *payload, size_t len,
	 size_t n_fds)
{
	unsigned char *buf = malloc(sizeof(struct sbx_ctl_hdr) + len);
	struct sbx_ctl_hdr h = { .type = type, .len = (uint32_t)len };
	int r;

	if (!buf)
		die("out of memory");
	memcpy(buf, &h, sizeof(h));
	if (len)
		memcpy(buf + sizeof(h), payload, len);
	r = send_raw(c->fd, buf, sizeof(h) + len, c->fds, n_fds);
	free(buf);
	return r;
}

/* A LAUNCH record: @version, @flags, the name @name (@name_len bytes,
 * its NUL included if it has one) and @n_fds fds. */
static int
send_launch(struct conn *c, uint32_t version, uint32_t flags, const char *name,
	    size_t name_len, size_t n_fds)
{
	unsigned char buf[sizeof(struct sbx_ctl_launch) + 512];
	struct sbx_ctl_launch l = { .version = version, .flags = flags };

	if (name_len > sizeof(buf) - sizeof(l))
		name_len = sizeof(buf) - sizeof(l);
	memcpy(buf, &l, sizeof(l));
	memcpy(buf + sizeof(l), name, name_len);
	return send_rec(c, SBX_CTL_LAUNCH, buf, sizeof(l) + name_len, n_fds);
}

static int
send_good_launch(struct conn *c)
{
	return send_launch(c, SBX_CTL_VERSION, 0, c->policy,
			   strlen(c->policy) + 1, 4);
}

static int
send_str(struct conn *c, uint32_t type, const char *s)
{
	return send_rec(c, type, s, strlen(s) + 1, 0);
}

/* Stop at the first failure to send: the daemon has had its say. */
#define TRY(x)                     \
	do {                       \
		int r_ = (x);      \
		if (r_ < 0)        \
			return r_; \
	} while (0)

/* ---- the cases ---- */

static int
case_random(struct conn *c)
{
	size_t len = rnd_below(c->rng, 2049);
	unsigned char *buf = malloc(len + 1);
	struct sbx_ctl_hdr h;
	int r;

	if (!buf)
		die("out of memory");
	rnd_fill(c->rng, buf, len);
	/* a valid SUBSCRIBE would be held open: no random bytes make one */
	if (len >= sizeof(h)) {
		memcpy(&h, buf, sizeof(h));
		if (h.type == SBX_CTL_SUBSCRIBE)
			buf[0] ^= 0x80;
	}
	r = send_raw(c->fd, buf, len, c->fds, rnd_below(c->rng, 3));
	free(buf);
	return r;
}

static int
case_random_header(struct conn *c)
{
	/* a known type and random payload: the checks past the header */
	unsigned char buf[600];
	struct sbx_ctl_hdr h;
	size_t len = rnd_below(c->rng, sizeof(buf) - sizeof(h) + 1);

	h.type = (uint32_t)(1 + rnd_below(c->rng, 7)); /* LAUNCH..STATUS */
	h.len = (uint32_t)len;
	memcpy(buf, &h, sizeof(h));
	rnd_fill(c->rng, buf + sizeof(h), len);
	return send_raw(c->fd, buf, sizeof(h) + len, c->fds,
			rnd_below(c->rng, 6));
}

static int
case_short(struct conn *c)
{
	unsigned char buf[8];

	rnd_fill(c->rng, buf, sizeof(buf));
	return send_raw(c->fd, buf, 1 + rnd_below(c->rng, 7), c->fds, 0);
}

static int
case_zero_length(struct conn *c)
{
	/* no record has no bytes; the daemon may take it as the end */
	return send_raw(c->fd, "", 0, c->fds, 0);
}

static int
case_empty_with_fds(struct conn *c)
{
	return send_raw(c->fd, "", 0, c->fds, 1 + rnd_below(c->rng, 4));
}

/* A header that claims more, or fewer, bytes than the record has. */
static int
case_len_lies(struct conn *c)
{
	unsigned char buf[8 + 64];
	struct sbx_ctl_hdr h = { .type = SBX_CTL_ARG };
	size_t len = 2 + rnd_below(c->rng, 60);

	memset(buf + sizeof(h), 'a', len);
	buf[sizeof(h) + len - 1] = '\0';
	switch (rnd_below(c->rng, 4)) {
	case 0:
		h.len = (uint32_t)len + 1;
		break;
	case 1:
		h.len = (uint32_t)len - 1;
		break;
	case 2:
		h.len = 0xffffffffu;
		break;
	default:
		h.len = SBX_CTL_MAX_RECORD;
		break;
	}
	memcpy(buf, &h, sizeof(h));
	return send_raw(c->fd, buf, sizeof(h) + len, c->fds, 0);
}

static int
case_len_lies_launch(struct conn *c)
{
	unsigned char buf[8 + sizeof(struct sbx_ctl_launch) + 300];
	struct sbx_ctl_launch l = { .version = SBX_CTL_VERSION };
	size_t nl = strlen(c->policy) + 1, len;
	struct sbx_ctl_hdr h = { .type = SBX_CTL_LAUNCH };

	if (nl > 256)
		nl = 256;
	len = sizeof(l) + nl;
	h.len = (uint32_t)(len + 1 + rnd_below(c->rng, 100000));
	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &l, sizeof(l));
	memcpy(buf + sizeof(h) + sizeof(l), c->policy, nl);
	return send_raw(c->fd, buf, sizeof(h) + sizeof(l) + nl, c->fds, 4);
}

/* Over SBX_CTL_MAX_RECORD, with a header that tells the truth. */
static int
oversize(struct conn *c, size_t n_fds)
{
	size_t len = SBX_CTL_MAX_RECORD + 1 +
		     rnd_below(c->rng, MAX_OVERSIZE - SBX_CTL_MAX_RECORD);
	unsigned char *buf = malloc(len);
	struct sbx_ctl_hdr h;
	static const uint32_t types[] = { SBX_CTL_LAUNCH, SBX_CTL_ARG,
					  SBX_CTL_FILTER, SBX_CTL_STATUS };
	int r;

	if (!buf)
		die("out of memory");
	if (rnd_below(c->rng, 4) == 0)
		len = SBX_CTL_MAX_RECORD + 1; /* one byte over */
	h.type = types[rnd_below(c->rng, 4)];
	h.len = (uint32_t)(len - sizeof(h));
	memset(buf, 'x', len);
	memcpy(buf, &h, sizeof(h));
	buf[len - 1] = '\0';
	r = send_raw(c->fd, buf, len, c->fds, n_fds);
	free(buf);
	if (r == -EMSGSIZE || r == -ENOBUFS)
		die("cannot send a record of %zu bytes: %s (SO_SNDBUF)", len,
		    strerror(-r));
	return r;
}

static int
case_oversize(struct conn *c)
{
	return oversize(c, 0);
}

static int
case_oversize_fds(struct conn *c)
{
	return oversize(c, 4);
}

static int
case_oversize_after_launch(struct conn *c)
{
	TRY(send_good_launch(c));
	return oversize(c, 0);
}

static int
case_unknown_type(struct conn *c)
{
	static const uint32_t types[] = { 0,	9,	    63,		71,
					  1000, 0x7fffffff, 0xffffffffu };
	unsigned char payload[16];
	size_t len = rnd_below(c->rng, sizeof(payload) + 1);

	rnd_fill(c->rng, payload, len);
	return send_rec(c, types[rnd_below(c->rng, 7)], payload, len,
			rnd_below(c->rng, 2));
}

/* The daemon's own records, well formed, from a client. */
static int
case_daemon_types(struct conn *c)
{
	struct sbx_ctl_started st = { .id = 1, .pid = 1 };
	struct sbx_ctl_exit ex = { .status = 0 };
	struct sbx_ctl_error er = { .err = EPERM };
	unsigned char buf[sizeof(er) + 8];

	switch (rnd_below(c->rng, 5)) {
	case 0:
		return send_rec(c, SBX_CTL_STARTED, &st, sizeof(st), 0);
	case 1:
		return send_rec(c, SBX_CTL_EXIT, &ex, sizeof(ex), 0);
	case 2:
		memcpy(buf, &er, sizeof(er));
		memcpy(buf + sizeof(er), "hello", 6);
		return send_rec(c, SBX_CTL_ERROR, buf, sizeof(er) + 6, 0);
	case 3:
		return send_rec(c, SBX_CTL_END, NULL, 0, 0);
	default:
		return send_rec(c, SBX_CTL_OK, NULL, 0, 0);
	}
}

static int
case_out_of_order(struct conn *c)
{
	static const struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, 0x7fff0000u),
	};
	struct sbx_ctl_signal sg = { .signo = SIGTERM };

	switch (rnd_below(c->rng, 9)) {
	case 0: /* ARG first */
		return send_str(c, SBX_CTL_ARG, "true");
	case 1: /* RUN first */
		return send_rec(c, SBX_CTL_RUN, NULL, 0, 0);
	case 2: /* ENV first */
		return send_str(c, SBX_CTL_ENV, "A=b");
	case 3: /* LAUNCH twice */
		TRY(send_good_launch(c));
		return send_good_launch(c);
	case 4: /* ENV before any ARG */
		TRY(send_good_launch(c));
		return send_str(c, SBX_CTL_ENV, "A=b");
	case 5: /* FILTER before any ARG */
		TRY(send_good_launch(c));
		return send_rec(c, SBX_CTL_FILTER, allow, sizeof(allow), 0);
	case 6: /* ARG after a FILTER */
		TRY(send_good_launch(c));
		TRY(send_str(c, SBX_CTL_ARG, "true"));
		TRY(send_rec(c, SBX_CTL_FILTER, allow, sizeof(allow), 0));
		return send_str(c, SBX_CTL_ARG, "x");
	case 7: /* RUN without an ARG */
		TRY(send_good_launch(c));
		return send_rec(c, SBX_CTL_RUN, NULL, 0, 0);
	default: /* SIGNAL before anything runs */
		return send_rec(c, SBX_CTL_SIGNAL, &sg, sizeof(sg), 0);
	}
}

/* fds on records that take none, and too few or too many on LAUNCH. */
static int
case_wrong_fds(struct conn *c)
{
	size_t nl = strlen(c->policy) + 1;

	switch (rnd_below(c->rng, 7)) {
	case 0:
		return send_launch(c, SBX_CTL_VERSION, 0, c->policy, nl, 0);
	case 1:
		return send_launch(c, SBX_CTL_VERSION, 0, c->policy, nl,
				   1 + rnd_below(c->rng, 3));
	case 2:
		return send_launch(c, SBX_CTL_VERSION, 0, c->policy, nl,
				   5 + rnd_below(c->rng, MAX_FDS_SENT - 4));
	case 3:
		TRY(send_good_launch(c));
		return send_rec(c, SBX_CTL_ARG, "true", 5,
				1 + rnd_below(c->rng, MAX_FDS_SENT));
	case 4:
		TRY(send_good_launch(c));
		TRY(send_str(c, SBX_CTL_ARG, "true"));
		return send_rec(c, SBX_CTL_RUN, NULL, 0,
				1 + rnd_below(c->rng, 4));
	case 5:
		return send_rec(c, SBX_CTL_STATUS, NULL, 0,
				1 + rnd_below(c->rng, MAX_FDS_SENT));
	default:
		TRY(send_good_launch(c));
		return send_rec(c, SBX_CTL_ENV, "A=b", 4,
				5 + rnd_below(c->rng, MAX_FDS_SENT - 4));
	}
}

/* LAUNCH with something wrong in its fixed part or name. */
static int
case_bad_launch(struct conn *c)
{
	char name[300];
	size_t nl = strlen(c->policy) + 1;

	switch (rnd_below(c->rng, 8)) {
	case 0:
		return send_launch(c, SBX_CTL_VERSION + 1, 0, c->policy, nl, 4);
	case 1:
		return send_launch(c, 0, 0, c->policy, nl, 4);
	case 2:
		return send_launch(c, SBX_CTL_VERSION,
				   SBX_CTL_FLAGS_ALL + 1 +
				       (uint32_t)rnd_below(c->rng, 1000),
				   c->policy, nl, 4);
	case 3: /* empty name */
		return send_launch(c, SBX_CTL_VERSION, 0, "", 1, 4);
	case 4: /* 256 bytes */
		memset(name, 'a', 256);
		name[256] = '\0';
		return send_launch(c, SBX_CTL_VERSION, 0, name, 257, 4);
	case 5: /* no NUL */
		return send_launch(c, SBX_CTL_VERSION, 0, c->policy, nl - 1, 4);
	case 6: /* two strings */
		snprintf(name, sizeof(name), "%s%c%s", c->policy, '\0', "x");
		return send_launch(c, SBX_CTL_VERSION, 0, name, nl + 2, 4);
	default: /* the fixed part cut short */
		return send_rec(c, SBX_CTL_LAUNCH, "\1\0\0", 3, 4);
	}
}

static int
case_bad_strings(struct conn *c)
{
	static const char inner_nul[] = "ab\0cd"; /* 6 bytes with the end */

	TRY(send_good_launch(c));
	switch (rnd_below(c->rng, 5)) {
	case 0:
		return send_rec(c, SBX_CTL_ARG, inner_nul, sizeof(inner_nul),
				0);
	case 1:
		return send_rec(c, SBX_CTL_ARG, "true", 4, 0); /* no NUL */
	case 2:
		return send_rec(c, SBX_CTL_ARG, NULL, 0, 0); /* nothing */
	case 3:
		TRY(send_str(c, SBX_CTL_ARG, "true"));
		return send_str(c, SBX_CTL_ENV, "NOEQUALS");
	default:
		TRY(send_str(c, SBX_CTL_ARG, "true"));
		return send_rec(c, SBX_CTL_ENV, inner_nul, sizeof(inner_nul),
				0);
	}
}

static int
case_bad_filter(struct conn *c)
{
	/* A FILTER record of the right shape the kernel would refuse. */
	static const struct sock_filter refused[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 1000), /* past seccomp_data */
		BPF_STMT(BPF_RET | BPF_K, 0x7fff0000u),
	};
	static const struct sock_filter no_ret[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	};
	static const struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, 0x7fff0000u),
	};
	struct sock_filter *big;
	size_t i, n;
	int r;

	TRY(send_good_launch(c));
	TRY(send_str(c, SBX_CTL_ARG, "true"));
	switch (rnd_below(c->rng, 6)) {
	case 0:
		TRY(send_rec(c, SBX_CTL_FILTER, refused, sizeof(refused), 0));
		return send_rec(c, SBX_CTL_RUN, NULL, 0, 0);
	case 1:
		TRY(send_rec(c, SBX_CTL_FILTER, no_ret, sizeof(no_ret), 0));
		return send_rec(c, SBX_CTL_RUN, NULL, 0, 0);
	case 2: /* not whole instructions */
		return send_rec(c, SBX_CTL_FILTER, allow, 5, 0);
	case 3: /* no instructions */
		return send_rec(c, SBX_CTL_FILTER, NULL, 0, 0);
	case 4: /* BPF_MAXINSNS + 1 */
		n = BPF_MAXINSNS + 1;
		big = calloc(n, sizeof(*big));
		if (!big)
			die("out of memory");
		for (i = 0; i < n; i++)
			big[i] = allow[0];
		r = send_rec(c, SBX_CTL_FILTER, big, n * sizeof(*big), 0);
		free(big);
		return r;
	default: /* more filters than a launch may have */
		for (i = 0; i <= SBX_CTL_MAX_FILTERS; i++)
			TRY(send_rec(c, SBX_CTL_FILTER, allow, sizeof(allow),
				     0));
		return send_rec(c, SBX_CTL_RUN, NULL, 0, 0);
	}
}

/* Whole requests the daemon must judge and refuse. */
static int
case_bad_request(struct conn *c)
{
	static const char *const names[] = {
		"../x",	   "/etc/passwd",   "a/b",
		".hidden", "nosuch-policy", "x\xff"
	};
	const char *name = names[rnd_below(c->rng, 6)];

	TRY(send_launch(c, SBX_CTL_VERSION, 0, name, strlen(name) + 1, 4));
	TRY(send_str(c, SBX_CTL_ARG, "true"));
	return send_rec(c, SBX_CTL_RUN, NULL, 0, 0);
}

static int
case_bad_other(struct conn *c)
{
	struct sbx_ctl_signal sg = { .signo = SIGTERM };
	struct sbx_ctl_subscribe sb = { .uid = -1 };
	unsigned char buf[sizeof(sb) + 300];
	size_t nl = strlen(c->policy) + 1;

	switch (rnd_below(c->rng, 6)) {
	case 0: /* STATUS has no payload */
		return send_rec(c, SBX_CTL_STATUS, "abcd", 4, 0);
	case 1:
		sg.signo = rnd_below(c->rng, 2) ? 0 : 65;
		return send_rec(c, SBX_CTL_SIGNAL, &sg, sizeof(sg), 0);
	case 2:
		sg.pad = 1;
		return send_rec(c, SBX_CTL_SIGNAL, &sg, sizeof(sg), 0);
	case 3:
		sb.pad = 1 + (uint32_t)rnd_below(c->rng, 100);
		break;
	case 4:
		sb.uid = -2 - (int32_t)rnd_below(c->rng, 100);
		break;
	default: /* SUBSCRIBE without its name */
		return send_rec(c, SBX_CTL_SUBSCRIBE, &sb, sizeof(sb), 0);
	}
	if (nl > 256)
		nl = 256;
	memcpy(buf, &sb, sizeof(sb));
	memcpy(buf + sizeof(sb), c->policy, nl);
	return send_rec(c, SBX_CTL_SUBSCRIBE, buf, sizeof(sb) + nl, 0);
}

/* A subscription takes no records: OK, then ERROR. */
static int
case_subscribe_then_talk(struct conn *c)
{
	struct sbx_ctl_subscribe sb = { .uid = -1 };
	unsigned char buf[sizeof(sb) + 300];
	size_t nl = strlen(c->policy) + 1;

	if (nl > 256)
		nl = 256;
	memcpy(buf, &sb, sizeof(sb));
	memcpy(buf + sizeof(sb), c->policy, nl);
	TRY(send_rec(c, SBX_CTL_SUBSCRIBE, buf, sizeof(sb) + nl, 0));
	return send_str(c, SBX_CTL_ARG, "true");
}

/* A valid launch of "true" with one byte of one record changed. */
static int
case_mutated(struct conn *c)
{
	const char *args[] = { "true" };
	const char *env[] = { "PATH=/usr/bin:/bin" };
	unsigned char rec[4][8 + sizeof(struct sbx_ctl_launch) + 300];
	size_t len[4], nl = strlen(c->policy) + 1, i, which, at;
	struct sbx_ctl_launch l = { .version = SBX_CTL_VERSION };
	struct sbx_ctl_hdr h;

	if (nl > 256)
		nl = 256;
	h = (struct sbx_ctl_hdr){ SBX_CTL_LAUNCH, (uint32_t)(sizeof(l) + nl) };
	memcpy(rec[0], &h, sizeof(h));
	memcpy(rec[0] + sizeof(h), &l, sizeof(l));
	memcpy(rec[0] + sizeof(h) + sizeof(l), c->policy, nl);
	len[0] = sizeof(h) + sizeof(l) + nl;
	h = (struct sbx_ctl_hdr){ SBX_CTL_ARG, (uint32_t)strlen(args[0]) + 1 };
	memcpy(rec[1], &h, sizeof(h));
	memcpy(rec[1] + sizeof(h), args[0], h.len);
	len[1] = sizeof(h) + h.len;
	h = (struct sbx_ctl_hdr){ SBX_CTL_ENV, (uint32_t)strlen(env[0]) + 1 };
	memcpy(rec[2], &h, sizeof(h));
	memcpy(rec[2] + sizeof(h), env[0], h.len);
	len[2] = sizeof(h) + h.len;
	h = (struct sbx_ctl_hdr){ SBX_CTL_RUN, 0 };
	memcpy(rec[3], &h, sizeof(h));
	len[3] = sizeof(h);
	which = rnd_below(c->rng, 4);
	at = rnd_below(c->rng, len[which]);
	rec[which][at] ^= (unsigned char)(1u << rnd_below(c->rng, 8));
	for (i = 0; i < 4; i++)
		TRY(send_raw(c->fd, rec[i], len[i], c->fds, i ? 0 : 4));
	return 0;
}

static int
case_half_then_close(struct conn *c)
{
	static const struct sock_filter allow[] = {
		BPF_STMT(BPF_RET | BPF_K, 0x7fff0000u),
	};
	size_t n = rnd_below(c->rng, 4);

	if (n == 0)
		return 0; /* connect, then close */
	TRY(send_good_launch(c));
	if (n >= 2)
		TRY(send_str(c, SBX_CTL_ARG, "true"));
	if (n >= 3) {
		TRY(send_str(c, SBX_CTL_ENV, "A=b"));
		TRY(send_rec(c, SBX_CTL_FILTER, allow, sizeof(allow), 0));
	}
	return 0;
}

static int
case_launch_then_silence(struct conn *c)
{
	return send_good_launch(c);
}

static const struct gcase cases[] = {
	{ "random bytes", ANS_END, case_random },
	{ "random payload", ANS_END, case_random_header },
	{ "short record", 0, case_short },
	{ "empty record", 0, case_zero_length },
	{ "empty record with fds", 0, case_empty_with_fds },
	{ "length lies", 0, case_len_lies },
	{ "LAUNCH length lies", 0, case_len_lies_launch },
	{ "oversized", 0, case_oversize },
	{ "oversized with fds", 0, case_oversize_fds },
	{ "oversized after LAUNCH", 0, case_oversize_after_launch },
	{ "unknown type", 0, case_unknown_type },
	{ "daemon's types", 0, case_daemon_types },
	{ "out of order", 0, case_out_of_order },
	{ "wrong fds", 0, case_wrong_fds },
	{ "bad LAUNCH", 0, case_bad_launch },
	{ "bad strings", 0, case_bad_strings },
	{ "bad filter", 0, case_bad_filter },
	{ "bad request", 0, case_bad_request },
	{ "bad SIGNAL, STATUS, SUBSCRIBE", 0, case_bad_other },
	{ "records on a subscription", ANS_OK, case_subscribe_then_talk },
	{ "mutated launch", ANS_LAUNCH | ANS_END, case_mutated },
	{ "half a request, closed", ANS_NOTHING, case_half_then_close },
	{ "LAUNCH, then silence", ANS_SILENT, case_launch_then_silence },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* ---- talking to the daemon ---- */

static int
ctl_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	/* a hung daemon shows as a timeout, not as a hung test */
	struct timeval tv = { .tv_sec = WAIT_MS / 1000 };
	int buf = (int)(MAX_OVERSIZE * 2);
	int fd;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	/* oversized records must fit in one send */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		die("setsockopt: %s", strerror(errno));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * Wait up to @ms for the next record.  Returns 1 with it in @m, 0 when the
 * daemon closed, -ETIMEDOUT, or another -errno.
 */
static int
next_record(int fd, struct notify_ctl_msg *m, int ms)
{
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	int r;

	do
		r = poll(&pf, 1, ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	if (r == 0)
		return -ETIMEDOUT;
	r = notify_ctl_recv(fd, m);
	if (r == -ECONNRESET)
		return 0;
	return r;
}

static const char *
type_name(uint32_t t)
{
	switch (t) {
	case SBX_CTL_STARTED:
		return "STARTED";
	case SBX_CTL_EXIT:
		return "EXIT";
	case SBX_CTL_ERROR:
		return "ERROR";
	case SBX_CTL_TARGET:
		return "TARGET";
	case SBX_CTL_END:
		return "END";
	case SBX_CTL_OK:
		return "OK";
	case SBX_CTL_SANDBOX:
		return "SANDBOX";
	default:
		return "a record of a type the daemon does not send";
	}
}

struct tally {
	unsigned long conns, errors, closes, launches, sent_short;
	bool said[N_CASES];
};

/*
 * Read the daemon's answers on @fd to case @gc until it closes: each must
 * come within WAIT_MS (a launch's EXIT within LAUNCH_WAIT_MS) and be one
 * the case allows.  Returns false on a failure, already reported.
 */
static bool
judge(int fd, size_t ci, unsigned long iter, struct notify_ctl_msg *m,
      struct tally *t)
{
	const struct gcase *gc = &cases[ci];
	bool started = false, errored = false, ended = false, ok = false;
	int r, ms = WAIT_MS;

	for (;;) {
		r = next_record(fd, m, ms);
		if (r == 0) {
			t->closes++;
			return true;
		}
		if (r == -ETIMEDOUT) {
			fail("case '%s' (connection %lu): the daemon neither "
			     "answered nor closed within %d ms%s",
			     gc->name, iter, ms,
			     errored ? " after its ERROR" : "");
			return false;
		}
		if (r < 0) {
			fail("case '%s' (connection %lu): a malformed answer: "
			     "%s",
			     gc->name, iter, strerror(-r));
			return false;
		}
		notify_ctl_msg_clear(m);
		if (errored || ended) {
			fail("case '%s' (connection %lu): %s after the end of "
			     "the exchange",
			     gc->name, iter, type_name(m->type));
			return false;
		}
		ms = WAIT_MS;
		switch (m->type) {
		case SBX_CTL_ERROR: {
			const struct sbx_ctl_error *e = m->fixed;

			if (!m->strings[0][0]) {
				fail("case '%s': an ERROR (%d) without a "
				     "message",
				     gc->name, e->err);
				return false;
			}
			if (!t->said[ci]) {
				printf(PROG ": case '%s': ERROR %d: %s\n",
				       gc->name, e->err, m->strings[0]);
				t->said[ci] = true;
			}
			t->errors++;
			errored = true;
			break;
		}
		case SBX_CTL_END:
			if (!(gc->answers & ANS_END) || started)
				goto unexpected;
			ended = true;
			break;
		case SBX_CTL_TARGET:
			if (!(gc->answers & ANS_END) || started)
				goto unexpected;
			break;
		case SBX_CTL_OK:
			if (!(gc->answers & ANS_OK) || ok)
				goto unexpected;
			ok = true;
			break;
		case SBX_CTL_STARTED:
			if (!(gc->answers & ANS_LAUNCH) || started)
				goto unexpected;
			started = true;
			ms = LAUNCH_WAIT_MS;
			break;
		case SBX_CTL_EXIT:
			if (!started)
				goto unexpected;
			t->launches++;
			ended = true;
			break;
		default:
			goto unexpected;
		}
	}
unexpected:
	fail("case '%s' (connection %lu): the daemon answered %s", gc->name,
	     iter, type_name(m->type));
	return false;
}

/* A valid launch of `sh -c SCRIPT` must end with the wait status @want. */
static void
valid_launch(const char *sock, const char *policy, const char *script, int want,
	     struct notify_ctl_msg *m)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	char *envp[] = { "PATH=/usr/bin:/bin", NULL };
	int fds[4], fd, r, i;
	bool started = false;

	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] = open("/dev/null", O_WRONLY | O_CLOEXEC);
	fds[2] = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
	fds[3] = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (i = 0; i < 4; i++)
		if (fds[i] < 0)
			die("open: %s", strerror(errno));
	fd = ctl_connect(sock);
	if (fd < 0) {
		fail("a valid launch: cannot connect: %s", strerror(errno));
		goto out;
	}
	r = notify_ctl_request_send(fd, policy, 0, argv, envp, NULL, 0, fds);
	if (r < 0) {
		fail("a valid launch: cannot send it: %s", strerror(-r));
		goto out;
	}
	for (;;) {
		r = next_record(fd, m, started ? LAUNCH_WAIT_MS : WAIT_MS * 5);
		if (r <= 0) {
			fail("a valid launch of '%s': %s", script,
			     r == 0 ? "the daemon closed the connection"
				    : strerror(-r));
			goto out;
		}
		notify_ctl_msg_clear(m);
		if (m->type == SBX_CTL_STARTED && !started) {
			started = true;
			continue;
		}
		if (m->type == SBX_CTL_EXIT && started) {
			const struct sbx_ctl_exit *ex = m->fixed;

			if (ex->status != want)
				fail("a valid launch of '%s': wait status "
				     "0x%x, not 0x%x",
				     script, (unsigned)ex->status,
				     (unsigned)want);
			else
				printf(PROG ": a valid launch of '%s': wait "
					    "status 0x%x\n",
				       script, (unsigned)want);
			goto out;
		}
		if (m->type == SBX_CTL_ERROR)
			fail("a valid launch of '%s' was refused: %s", script,
			     m->strings[0]);
		else
			fail("a valid launch of '%s': the daemon answered %s",
			     script, type_name(m->type));
		goto out;
	}
out:
	if (fd >= 0)
		close(fd);
	for (i = 0; i < 4; i++)
		close(fds[i]);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct notify_ctl_msg *m = malloc(sizeof(*m));
	int silent[MAX_SILENT];
	size_t n_silent = 0, i;
	struct tally t = { 0 };
	const char *seed_env = getenv("CTL_GARBAGE_SEED");
	uint64_t seed, rng;
	unsigned long iter;
	double secs = 5, end;
	struct conn c;
	int devnull, rootdir, fds[MAX_FDS_SENT];

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "Usage: " PROG " SOCKET POLICY [SECONDS]\n");
		return 99;
	}
	if (!m)
		die("out of memory");
	if (strlen(argv[1]) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		die("%s: the path is too long", argv[1]);
	if (argc == 4) {
		char *e;

		secs = strtod(argv[3], &e);
		if (*e || secs < 0 || secs > 600)
			die("%s: not a number of seconds (0 to 600)", argv[3]);
	}
	if (seed_env)
		seed = strtoull(seed_env, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	if (!seed)
		seed = 1;
	rng = seed;
	printf(PROG ": seed %" PRIu64 " (CTL_GARBAGE_SEED replays it), %g s\n",
	       seed, secs);
	fflush(stdout);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	rootdir = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (devnull < 0 || rootdir < 0)
		die("/dev/null, /: %s", strerror(errno));
	for (i = 0; i < MAX_FDS_SENT; i++)
		fds[i] = i == 3 ? rootdir : devnull;
	signal(SIGPIPE, SIG_IGN);

	end = now() + secs;
	for (iter = 0; iter < N_CASES || now() < end; iter++) {
		size_t ci = iter % N_CASES;
		const struct gcase *gc = &cases[ci];
		int r;

		c.fd = ctl_connect(argv[1]);
		if (c.fd < 0) {
			fail("case '%s' (connection %lu): cannot connect: %s",
			     gc->name, iter, strerror(errno));
			break;
		}
		c.policy = argv[2];
		c.fds = fds;
		c.rng = &rng;
		t.conns++;
		r = gc->send(&c);
		if (r == -EAGAIN) {
			fail("case '%s' (connection %lu): sending blocked for "
			     "%d ms",
			     gc->name, iter, WAIT_MS);
			close(c.fd);
			break;
		}
		if (r < 0 && r != -EPIPE && r != -ECONNRESET)
			die("case '%s': send: %s", gc->name, strerror(-r));
		if (r < 0)
			t.sent_short++;
		if (gc->answers & ANS_SILENT) {
			/* keep a few open while the others go on */
			if (n_silent == MAX_SILENT) {
				close(silent[0]);
				memmove(silent, silent + 1,
					sizeof(int) * (MAX_SILENT - 1));
				n_silent--;
			}
			silent[n_silent++] = c.fd;
			continue;
		}
		if (gc->answers & ANS_NOTHING) {
			close(c.fd);
			continue;
		}
		if (!judge(c.fd, ci, iter, m, &t)) {
			close(c.fd);
			break;
		}
		close(c.fd);
	}
	/* a silent client gets nothing before its 30 seconds are up */
	for (i = 0; i < n_silent; i++) {
		struct pollfd pf = { .fd = silent[i], .events = POLLIN };

		if (poll(&pf, 1, 0) == 1 && !failures) {
			int r = notify_ctl_recv(silent[i], m);

			if (r > 0) {
				notify_ctl_msg_clear(m);
				if (m->type != SBX_CTL_ERROR)
					fail("a silent LAUNCH got %s",
					     type_name(m->type));
			}
		}
		close(silent[i]);
	}
	printf(PROG ": %lu connections: %lu ERROR answers, %lu closed, %lu "
		    "launches, %lu refused before all was sent\n",
	       t.conns, t.errors, t.closes, t.launches, t.sent_short);
	if (!failures) {
		valid_launch(argv[1], argv[2], "exit 42", 42 << 8, m);
		valid_launch(argv[1], argv[2], "kill -TERM $$", SIGTERM, m);
	}
	close(devnull);
	close(rootdir);
	free(m);
	if (failures) {
		fprintf(stderr, PROG ": FAIL: %d failures (seed %" PRIu64 ")\n",
			failures, seed);
		return 1;
	}
	printf(PROG ": PASS\n");
	return 0;
}
