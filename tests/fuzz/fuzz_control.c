/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Fuzz harness: sandboxd's control protocol (src/notify/control.c).  Each
 * input is a sequence of records sent over a real SOCK_SEQPACKET
 * socketpair, read back with notify_ctl_recv() and fed, as the daemon
 * does, to a launch request (notify_ctl_request_feed()).
 *
 * The input: steps, each
 *	ctl (1 byte), len (2 bytes, little-endian), len bytes of record
 * (the last step takes what is left).  ctl's bits 0-3 are the number of
 * fds sent with the record (copies of /dev/null; at most 12); bit 4 sets
 * the header's len to the record's true length, so that framing passes
 * more often.
 *
 * What must hold: notify_ctl_recv() agrees with notify_ctl_check() on the
 * same bytes (and says -EMSGSIZE for more fds than SBX_CTL_MAX_FDS); a
 * record it accepts points only inside its buffer, has the type's fds,
 * all close-on-exec; the request takes records only in order, and after
 * a failure none; its errors are the documented ones, each with a
 * message; a completed request is well formed and comes back the same
 * through notify_ctl_request_send(); and when the input is done, no fd of
 * it is left open.
 */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "notify/control.h"

#define HDR	 sizeof(struct sbx_ctl_hdr)
#define MAX_SEND 12
/* a completed request is sent back only when it is this small, so that
 * the records fit the socket's buffer without a reader */
#define MAX_ECHO 64

static struct notify_ctl_msg msg;

static int
count_fds(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	d = opendir("/proc/self/fd");
	if (!d)
		fuzz_fail("opendir /proc/self/fd: %s", strerror(errno));
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void
send_raw(int sock, const uint8_t *rec, size_t len, size_t nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * MAX_SEND)];
	} ctl;
	struct iovec iov = { (void *)rec, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int fds[MAX_SEND];
	size_t i;

	for (i = 0; i < nfds; i++) {
		fds[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			fuzz_fail("open /dev/null: %s", strerror(errno));
	}
	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	if (sendmsg(sock, &mh, MSG_NOSIGNAL) != (ssize_t)len)
		fuzz_fail("sendmsg of %zu bytes: %s", len, strerror(errno));
	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

static bool
inside(const void *p, size_t n)
{
	const char *b = (const char *)msg.buf;

	return (const char *)p >= b &&
	       (const char *)p + n <= b + sizeof(msg.buf);
}

/* What a record notify_ctl_recv() accepted must look like. */
static void
check_msg(const uint8_t *rec, size_t len, size_t nfds)
{
	struct sbx_ctl_hdr hdr;
	size_t i;

	memcpy(&hdr, rec, HDR);
	if (msg.type != hdr.type || msg.n_fds != nfds)
		fuzz_fail("record of type %u with %zu fds read as %u with %zu",
			  hdr.type, nfds, msg.type, msg.n_fds);
	if (memcmp(msg.buf, rec, len))
		fuzz_fail("record bytes changed");
	for (i = 0; i < msg.n_fds; i++)
		if (fcntl(msg.fds[i], F_GETFD) != FD_CLOEXEC)
			fuzz_fail("fd %zu not close-on-exec", i);
	if (msg.type == SBX_CTL_FILTER) {
		if (msg.n_insns * sizeof(struct sock_filter) != len - HDR ||
		    (const uint8_t *)msg.insns !=
			(const uint8_t *)msg.buf + HDR)
			fuzz_fail("FILTER of %zu bytes read as %zu insns",
				  len - HDR, msg.n_insns);
		if (msg.n_strings)
			fuzz_fail("FILTER with strings");
		return;
	}
	if (msg.n_strings > 2)
		fuzz_fail("%zu strings", msg.n_strings);
	for (i = 0; i < msg.n_strings; i++)
		if (!msg.strings[i] ||
		    !inside(msg.strings[i], strlen(msg.strings[i]) + 1) ||
		    (const uint8_t *)msg.strings[i] + strlen(msg.strings[i]) +
			    1 >
			(const uint8_t *)msg.buf + len)
			fuzz_fail("string %zu outside the record", i);
	if (msg.fixed && !inside(msg.fixed, 8))
		fuzz_fail("fixed part outside the record");
}

static void
check_error(int r, const char *m)
{
	switch (-r) {
	case EPROTO:
	case EPROTONOSUPPORT:
	case EINVAL:
	case E2BIG:
	case ENAMETOOLONG:
	case ENOMEM:
		break;
	default:
		fuzz_fail("request_feed: undocumented error %d", r);
	}
	if (!m || !*m)
		fuzz_fail("request_feed: error %d without a message", r);
}

static void
check_request(const struct notify_ctl_request *req)
{
	size_t i, n;

	n = req->policy ? strlen(req->policy) : 0;
	if (n == 0 || n > SBX_CTL_MAX_NAME)
		fuzz_fail("policy name of %zu bytes", n);
	if (req->flags & ~SBX_CTL_FLAGS_ALL)
		fuzz_fail("flags %#x", req->flags);
	if (req->argc == 0 || req->argc > SBX_CTL_MAX_ARGS ||
	    req->argv[req->argc])
		fuzz_fail("argv of %zu", req->argc);
	if (!req->envp || req->envc > SBX_CTL_MAX_ENV || req->envp[req->envc])
		fuzz_fail("envp of %zu", req->envc);
	for (i = 0; i < req->envc; i++)
		if (req->envp[i][0] == '=' || !strchr(req->envp[i], '='))
			fuzz_fail("ENV \"%s\" taken", req->envp[i]);
	if (req->n_filters > SBX_CTL_MAX_FILTERS)
		fuzz_fail("%zu filters", req->n_filters);
	for (i = 0; i < req->n_filters; i++)
		if (req->filters[i].len == 0 ||
		    req->filters[i].len > BPF_MAXINSNS)
			fuzz_fail("filter %zu of %u insns", i,
				  req->filters[i].len);
	for (i = 0; i < 4; i++)
		if (fcntl(req->fds[i], F_GETFD) != FD_CLOEXEC)
			fuzz_fail("request fd %zu not close-on-exec", i);
}

static bool
strv_eq(char **a, size_t na, char **b, size_t nb)
{
	size_t i;

	if (na != nb)
		return false;
	for (i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

/* Send @req back as a client would; it must arrive the same. */
static void
echo_request(int sv[2], const struct notify_ctl_request *req)
{
	struct notify_ctl_request got;
	const char *m = NULL;
	size_t i;
	int r;

	if (req->argc + req->envc + req->n_filters > MAX_ECHO)
		return;
	r = notify_ctl_request_send(sv[1], req->policy, req->flags, req->argv,
				    req->envp, req->filters, req->n_filters,
				    req->fds);
	if (r < 0)
		fuzz_fail("request_send of a received request: %d", r);
	notify_ctl_request_init(&got);
	do {
		r = notify_ctl_recv(sv[0], &msg);
		if (r != 1)
			fuzz_fail("recv of a sent request: %d", r);
		r = notify_ctl_request_feed(&got, &msg, &m);
		notify_ctl_msg_clear(&msg);
	} while (r == 0);
	if (r != 1)
		fuzz_fail("feed of a sent request: %d (%s)", r, m);
	if (strcmp(got.policy, req->policy) || got.flags != req->flags ||
	    !strv_eq(got.argv, got.argc, req->argv, req->argc) ||
	    !strv_eq(got.envp, got.envc, req->envp, req->envc) ||
	    got.n_filters != req->n_filters)
		fuzz_fail("request changed on the way");
	for (i = 0; i < req->n_filters; i++)
		if (got.filters[i].len != req->filters[i].len ||
		    memcmp(got.filters[i].filter, req->filters[i].filter,
			   req->filters[i].len * sizeof(struct sock_filter)))
			fuzz_fail("filter %zu changed on the way", i);
	notify_ctl_request_free(&got);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct notify_ctl_request req;
	static uint8_t rec[65536];
	bool failed = false;
	int sv[2], before, r, want;
	const char *m;
	size_t nfds, len, i;
	uint8_t ctl;

	before = count_fds();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		fuzz_fail("socketpair: %s", strerror(errno));
	notify_ctl_request_init(&req);
	while (size >= 3) {
		ctl = data[0];
		len = (size_t)data[1] | (size_t)data[2] << 8;
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		memcpy(rec, data, len);
		data += len;
		size -= len;
		nfds = ctl & 0xf;
		if (nfds > MAX_SEND)
			nfds = MAX_SEND;
		if ((ctl & 0x10) && len >= HDR) {
			uint32_t l = (uint32_t)(len - HDR);

			memcpy(rec + offsetof(struct sbx_ctl_hdr, len), &l,
			       sizeof(l));
		}

		if (nfds > SBX_CTL_MAX_FDS)
			want = -EMSGSIZE;
		else if (len == 0 && nfds == 0)
			want = 0;
		else
			want = notify_ctl_check(rec, len, nfds);
		if (want == 0 && len)
			want = 1;
		send_raw(sv[1], rec, len, nfds);
		r = notify_ctl_recv(sv[0], &msg);
		if (r != want)
			fuzz_fail("recv says %d, check says %d", r, want);
		if (r <= 0) {
			if (r < 0 && msg.n_fds)
				fuzz_fail("failed recv holds %zu fds",
					  msg.n_fds);
			continue;
		}
		check_msg(rec, len, nfds);

		m = NULL;
		r = notify_ctl_request_feed(&req, &msg, &m);
		if (r < 0) {
			check_error(r, m);
			failed = true;
		} else if (failed) {
			fuzz_fail("a failed request took a record");
		} else if (msg.type == SBX_CTL_LAUNCH) {
			for (i = 0; i < 4; i++)
				if (msg.fds[i] != -1)
					fuzz_fail("LAUNCH fd %zu not taken", i);
		}
		notify_ctl_msg_clear(&msg);
		if (r == 1) {
			check_request(&req);
			echo_request(sv, &req);
			notify_ctl_request_free(&req);
			failed = false;
		}
	}
	notify_ctl_request_free(&req);
	close(sv[0]);
	close(sv[1]);
	if (count_fds() != before)
		fuzz_fail("%d fds left open", count_fds() - before);
	return 0;
}
