/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_control: unit tests for the control protocol's codec and launch
 * state machine (src/notify/control.c).
 *
 * Records travel over real SOCK_SEQPACKET socketpairs.  Malformed ones
 * are written byte by byte with sendmsg(2), not through the codec, so
 * every byte of the wire format is checked here; a rejected record must
 * leave no fd behind, which the tests check by counting /proc/self/fd.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <check.h>

#include "notify/control.h"

#define HDR sizeof(struct sbx_ctl_hdr)

static int sv[2] = { -1, -1 };
static struct notify_ctl_msg *m;

static void
setup(void)
{
	ck_assert_int_eq(
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	m = calloc(1, sizeof(*m));
	ck_assert_ptr_nonnull(m);
}

static void
teardown(void)
{
	close(sv[0]);
	close(sv[1]);
	free(m);
}

static int
count_fds(void)
{
	struct dirent *de;
	DIR *d;
	int n = 0;

	d = opendir("/proc/self/fd");
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static int
devnull(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Build a record: header (@type, @len or, if -1, the payload's length). */
static size_t
rec(unsigned char *buf, uint32_t type, long len, const void *payload,
    size_t plen)
{
	struct sbx_ctl_hdr h = { type,
				 len < 0 ? (uint32_t)plen : (uint32_t)len };

	memcpy(buf, &h, HDR);
	if (plen)
		memcpy(buf + HDR, payload, plen);
	return HDR + plen;
}

/* Send @len raw bytes with @nfds fds (copies of /dev/null). */
static void
send_raw(int fd, const void *buf, size_t len, size_t nfds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 16)];
	} ctl;
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	int fds[16];
	size_t i;

	ck_assert_uint_le(nfds, 16);
	for (i = 0; i < nfds; i++)
		fds[i] = devnull();
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
	ck_assert_int_eq(sendmsg(fd, &mh, MSG_NOSIGNAL), (ssize_t)len);
	for (i = 0; i < nfds; i++)
		close(fds[i]);
}

/* The record must fail notify_ctl_check() and notify_ctl_recv() alike. */
static void
expect_bad(const unsigned char *buf, size_t len, size_t nfds, int err)
{
	int before = count_fds();

	ck_assert_int_eq(notify_ctl_check(buf, len, nfds), err);
	send_raw(sv[1], buf, len, nfds);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), err);
	ck_assert_uint_eq(m->n_fds, 0);
	ck_assert_int_eq(count_fds(), before);
}

static void
expect_good(const unsigned char *buf, size_t len, size_t nfds)
{
	ck_assert_int_eq(notify_ctl_check(buf, len, nfds), 0);
	send_raw(sv[1], buf, len, nfds);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), 1);
	ck_assert_uint_eq(m->n_fds, nfds);
	notify_ctl_msg_clear(m);
}

/* ---- round trips ---- */

START_TEST(test_roundtrip_launch)
{
	struct sbx_ctl_launch l = { SBX_CTL_VERSION, SBX_CTL_WAIT_ALL }, got;
	const char *name = "web";
	struct stat a, b;
	int fds[4], p[2], i;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	fds[0] = p[0];
	fds[1] = p[1];
	fds[2] = devnull();
	fds[3] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_eq(notify_ctl_send(sv[1], SBX_CTL_LAUNCH, &l, sizeof(l),
					 &name, 1, fds, 4),
			 0);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), 1);
	ck_assert_uint_eq(m->type, SBX_CTL_LAUNCH);
	memcpy(&got, m->fixed, sizeof(got));
	ck_assert_uint_eq(got.version, SBX_CTL_VERSION);
	ck_assert_uint_eq(got.flags, SBX_CTL_WAIT_ALL);
	ck_assert_uint_eq(m->n_strings, 1);
	ck_assert_str_eq(m->strings[0], "web");
	ck_assert_ptr_null(m->insns);
	ck_assert_uint_eq(m->n_fds, 4);
	for (i = 0; i < 4; i++) {
		/* the same open file, received close-on-exec */
		ck_assert_int_eq(fcntl(m->fds[i], F_GETFD), FD_CLOEXEC);
		ck_assert_int_eq(fstat(m->fds[i], &a), 0);
		ck_assert_int_eq(fstat(fds[i], &b), 0);
		ck_assert_uint_eq(a.st_ino, b.st_ino);
		ck_assert_uint_eq(a.st_dev, b.st_dev);
		close(fds[i]);
	}
	i = count_fds();
	notify_ctl_msg_clear(m);
	ck_assert_int_eq(count_fds(), i - 4);
	ck_assert_uint_eq(m->n_fds, 0);
}
END_TEST

/* Send one record through the codec and read it back. */
static void
roundtrip(uint32_t type, const void *fixed, size_t fixed_len,
	  const char *const *strings, size_t n_strings, size_t n_fds)
{
	int fds[SBX_CTL_MAX_FDS] = { -1, -1, -1, -1 };
	size_t i;

	for (i = 0; i < n_fds; i++)
		fds[i] = devnull();
	ck_assert_int_eq(notify_ctl_send(sv[1], type, fixed, fixed_len, strings,
					 n_strings, fds, n_fds),
			 0);
	for (i = 0; i < n_fds; i++)
		close(fds[i]);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), 1);
	ck_assert_uint_eq(m->type, type);
	ck_assert_uint_eq(m->n_fds, n_fds);
	for (i = 0; i < n_fds; i++)
		ck_assert_int_eq(fcntl(m->fds[i], F_GETFD), FD_CLOEXEC);
	if (type != SBX_CTL_FILTER) {
		if (fixed_len) {
			ck_assert_ptr_nonnull(m->fixed);
			ck_assert_mem_eq(m->fixed, fixed, fixed_len);
		} else {
			ck_assert_ptr_null(m->fixed);
		}
		ck_assert_uint_eq(m->n_strings, n_strings);
		for (i = 0; i < n_strings; i++)
			ck_assert_str_eq(m->strings[i], strings[i]);
	}
}

START_TEST(test_roundtrip_every_type)
{
	struct sbx_ctl_signal sig = { 9, 0 };
	struct sbx_ctl_subscribe sub = { -1, 0 };
	struct sbx_ctl_started st = { 1234567890123ULL, 42, 0 };
	struct sbx_ctl_exit ex = { 9 << 8, 0 };
	struct sbx_ctl_target tg = {
		7, 100, 1000, 1700000000, 1, 2, 3, 4, 5, 6
	};
	struct sbx_ctl_sandbox sb = { 8, 101, 1000 };
	struct sock_filter prog[2] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_STMT(BPF_RET | BPF_K, 0x7fff0000),
	};
	const char *empty[] = { "" }, *arg[] = { "--x=1 y" };
	const char *env[] = { "PATH=/bin" }, *name[] = { "web" };
	const char *two[] = { "web", "/bin/sh -c true" };

	roundtrip(SBX_CTL_ARG, NULL, 0, empty, 1, 0);
	roundtrip(SBX_CTL_ARG, NULL, 0, arg, 1, 0);
	roundtrip(SBX_CTL_ENV, NULL, 0, env, 1, 0);
	roundtrip(SBX_CTL_RUN, NULL, 0, NULL, 0, 0);
	roundtrip(SBX_CTL_SIGNAL, &sig, sizeof(sig), NULL, 0, 0);
	roundtrip(SBX_CTL_STATUS, NULL, 0, NULL, 0, 0);
	roundtrip(SBX_CTL_SUBSCRIBE, &sub, sizeof(sub), name, 1, 0);
	roundtrip(SBX_CTL_STARTED, &st, sizeof(st), NULL, 0, 0);
	roundtrip(SBX_CTL_EXIT, &ex, sizeof(ex), NULL, 0, 0);
	roundtrip(SBX_CTL_TARGET, &tg, sizeof(tg), two, 2, 0);
	roundtrip(SBX_CTL_END, NULL, 0, NULL, 0, 0);
	roundtrip(SBX_CTL_OK, NULL, 0, NULL, 0, 0);
	roundtrip(SBX_CTL_SANDBOX, &sb, sizeof(sb), name, 1, 2);
	notify_ctl_msg_clear(m);

	roundtrip(SBX_CTL_FILTER, prog, sizeof(prog), NULL, 0, 0);
	ck_assert_uint_eq(m->n_insns, 2);
	ck_assert_mem_eq(m->insns, prog, sizeof(prog));
	ck_assert_uint_eq((uintptr_t)m->insns % _Alignof(struct sock_filter),
			  0);
	ck_assert_uint_eq(m->n_strings, 0);
}
END_TEST

START_TEST(test_send_error)
{
	struct sbx_ctl_error e;
	char *big;
	size_t room = SBX_CTL_MAX_RECORD - HDR - sizeof(e) - 1;

	ck_assert_int_eq(notify_ctl_send_error(sv[1], ENOENT, "no policy"), 0);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), 1);
	ck_assert_uint_eq(m->type, SBX_CTL_ERROR);
	memcpy(&e, m->fixed, sizeof(e));
	ck_assert_int_eq(e.err, ENOENT);
	ck_assert_uint_eq(e.pad, 0);
	ck_assert_str_eq(m->strings[0], "no policy");

	ck_assert_int_eq(notify_ctl_send_error(sv[1], 0, "x"), -EINVAL);
	ck_assert_int_eq(notify_ctl_send_error(sv[1], -EPERM, "x"), -EINVAL);

	/* too long for one record: cut to fit, not dropped */
	big = malloc(room + 100);
	ck_assert_ptr_nonnull(big);
	memset(big, 'e', room + 99);
	big[room + 99] = '\0';
	ck_assert_int_eq(notify_ctl_send_error(sv[1], EPERM, big), 0);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), 1);
	ck_assert_uint_eq(strlen(m->strings[0]), room);
	free(big);
}
END_TEST

START_TEST(test_send_limits)
{
	unsigned char c;
	char *big;
	int fds[5] = { 0, 1, 2, 0, 1 };

	big = malloc(SBX_CTL_MAX_RECORD);
	ck_assert_ptr_nonnull(big);
	memset(big, 'a', SBX_CTL_MAX_RECORD - HDR - 1);
	big[SBX_CTL_MAX_RECORD - HDR - 1] = '\0';
	/* the longest string that fits: header, bytes, NUL */
	ck_assert_int_eq(notify_ctl_send(sv[1], SBX_CTL_ARG, NULL, 0,
					 (const char *const *)&big, 1, NULL, 0),
			 0);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), 1);
	ck_assert_uint_eq(strlen(m->strings[0]), SBX_CTL_MAX_RECORD - HDR - 1);
	/* one more byte is too many */
	big[SBX_CTL_MAX_RECORD - HDR - 1] = 'a';
	big[SBX_CTL_MAX_RECORD - HDR] = '\0';
	ck_assert_int_eq(notify_ctl_send(sv[1], SBX_CTL_ARG, NULL, 0,
					 (const char *const *)&big, 1, NULL, 0),
			 -EMSGSIZE);
	ck_assert_int_eq(notify_ctl_send(sv[1], SBX_CTL_FILTER, big,
					 SBX_CTL_MAX_RECORD, NULL, 0, NULL, 0),
			 -EMSGSIZE);
	ck_assert_int_eq(
	    notify_ctl_send(sv[1], SBX_CTL_RUN, NULL, 0, NULL, 0, fds, 5),
	    -EINVAL);
	free(big);
	/* nothing was sent */
	ck_assert_int_eq(recv(sv[0], &c, 1, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
	/* a closed peer: the error, no SIGPIPE */
	close(sv[0]);
	sv[0] = -1;
	ck_assert_int_eq(
	    notify_ctl_send(sv[1], SBX_CTL_RUN, NULL, 0, NULL, 0, NULL, 0),
	    -EPIPE);
}
END_TEST

START_TEST(test_recv_eof)
{
	close(sv[1]);
	sv[1] = -1;
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), 0);
}
END_TEST

/* An empty record reads as the end; one that brings fds is an error. */
START_TEST(test_recv_empty)
{
	int before = count_fds();

	send_raw(sv[1], "", 0, 1);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), -EINVAL);
	ck_assert_int_eq(count_fds(), before);
	send_raw(sv[1], "", 0, 0);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), 0);
}
END_TEST

START_TEST(test_recv_bad_fd)
{
	ck_assert_int_eq(notify_ctl_recv(-1, m), -EBADF);
}
END_TEST

/* ---- malformed records ---- */

START_TEST(test_bad_framing)
{
	unsigned char buf[256];
	size_t n;

	/* shorter than a header */
	n = rec(buf, SBX_CTL_RUN, 0, NULL, 0);
	expect_bad(buf, 4, 0, -EINVAL);
	expect_bad(buf, 7, 0, -EINVAL);
	expect_good(buf, n, 0);
	/* the header's len says more, or less, than came */
	n = rec(buf, SBX_CTL_ARG, 5, "ab", 3);
	expect_bad(buf, n, 0, -EINVAL);
	n = rec(buf, SBX_CTL_ARG, 2, "ab", 3);
	expect_bad(buf, n, 0, -EINVAL);
	n = rec(buf, SBX_CTL_RUN, UINT32_MAX, NULL, 0);
	expect_bad(buf, n, 0, -EINVAL);
	/* too long, whatever the header says */
	ck_assert_int_eq(notify_ctl_check(buf, SBX_CTL_MAX_RECORD + 1, 0),
			 -EMSGSIZE);
}
END_TEST

START_TEST(test_unknown_type)
{
	static const uint32_t bad[] = { 0, 9, 63, 71, 0x80000001U, UINT32_MAX };
	unsigned char buf[64];
	size_t i, n;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = rec(buf, bad[i], -1, NULL, 0);
		expect_bad(buf, n, 0, -EOPNOTSUPP);
	}
}
END_TEST

START_TEST(test_wrong_fixed_size)
{
	unsigned char buf[256], z[128] = { 0 };
	struct sbx_ctl_signal sig = { 15, 0 };
	size_t n;

	n = rec(buf, SBX_CTL_SIGNAL, -1, &sig, 4);
	expect_bad(buf, n, 0, -EBADMSG);
	memcpy(z, &sig, sizeof(sig));
	n = rec(buf, SBX_CTL_SIGNAL, -1, z, 12);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_SIGNAL, -1, z, 8);
	expect_good(buf, n, 0);
	/* empty types take nothing */
	n = rec(buf, SBX_CTL_RUN, -1, z, 1);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_END, -1, z, 8);
	expect_bad(buf, n, 0, -EBADMSG);
	/* STARTED is 16 bytes; 8 is short */
	n = rec(buf, SBX_CTL_STARTED, -1, z, 8);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_STARTED, -1, z, 16);
	expect_good(buf, n, 0);
	/* LAUNCH: fixed part cut short, so no room for its string */
	n = rec(buf, SBX_CTL_LAUNCH, -1, "a", 2);
	expect_bad(buf, n, 4, -EBADMSG);
	/* TARGET without its strings */
	n = rec(buf, SBX_CTL_TARGET, -1, z, sizeof(struct sbx_ctl_target));
	expect_bad(buf, n, 0, -EBADMSG);
}
END_TEST

START_TEST(test_bad_strings)
{
	unsigned char buf[256], p[128];
	struct sbx_ctl_launch l = { SBX_CTL_VERSION, 0 };
	size_t n;

	/* missing NUL */
	n = rec(buf, SBX_CTL_ARG, -1, "abc", 3);
	expect_bad(buf, n, 0, -EBADMSG);
	/* no string at all */
	n = rec(buf, SBX_CTL_ARG, -1, NULL, 0);
	expect_bad(buf, n, 0, -EBADMSG);
	/* a NUL inside: two strings where one is due */
	n = rec(buf, SBX_CTL_ARG, -1, "a\0b", 4);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_ENV, -1, "A=\0", 4);
	expect_bad(buf, n, 0, -EBADMSG);
	/* trailing bytes after the last string */
	n = rec(buf, SBX_CTL_ENV, -1, "A=b\0x", 5);
	expect_bad(buf, n, 0, -EBADMSG);
	/* the empty string is one string */
	n = rec(buf, SBX_CTL_ARG, -1, "", 1);
	expect_good(buf, n, 0);
	/* LAUNCH: name, then junk */
	memcpy(p, &l, sizeof(l));
	memcpy(p + sizeof(l), "web\0x", 5);
	n = rec(buf, SBX_CTL_LAUNCH, -1, p, sizeof(l) + 5);
	expect_bad(buf, n, 4, -EBADMSG);
	n = rec(buf, SBX_CTL_LAUNCH, -1, p, sizeof(l) + 4);
	expect_good(buf, n, 4);
	/* TARGET: one string short, one too many */
	memset(p, 0, sizeof(struct sbx_ctl_target));
	memcpy(p + sizeof(struct sbx_ctl_target), "a\0b\0c", 6);
	n = rec(buf, SBX_CTL_TARGET, -1, p, sizeof(struct sbx_ctl_target) + 2);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_TARGET, -1, p, sizeof(struct sbx_ctl_target) + 6);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_TARGET, -1, p, sizeof(struct sbx_ctl_target) + 4);
	expect_good(buf, n, 0);
}
END_TEST

START_TEST(test_wrong_fd_count)
{
	unsigned char buf[256], p[64];
	struct sbx_ctl_launch l = { SBX_CTL_VERSION, 0 };
	struct sbx_ctl_sandbox sb = { 1, 2, 3 };
	size_t n;

	memcpy(p, &l, sizeof(l));
	memcpy(p + sizeof(l), "web", 4);
	n = rec(buf, SBX_CTL_LAUNCH, -1, p, sizeof(l) + 4);
	expect_bad(buf, n, 0, -EBADMSG);
	expect_bad(buf, n, 3, -EBADMSG);
	expect_good(buf, n, 4);
	n = rec(buf, SBX_CTL_ARG, -1, "x", 2);
	expect_bad(buf, n, 1, -EBADMSG);
	n = rec(buf, SBX_CTL_RUN, -1, NULL, 0);
	expect_bad(buf, n, 2, -EBADMSG);
	memcpy(p, &sb, sizeof(sb));
	memcpy(p + sizeof(sb), "web", 4);
	n = rec(buf, SBX_CTL_SANDBOX, -1, p, sizeof(sb) + 4);
	expect_bad(buf, n, 1, -EBADMSG);
	expect_bad(buf, n, 3, -EBADMSG);
	expect_good(buf, n, 2);
}
END_TEST

/* More fds than any record has: dropped whole, every fd closed. */
START_TEST(test_too_many_fds)
{
	unsigned char buf[64];
	int before = count_fds();
	size_t n;

	n = rec(buf, SBX_CTL_RUN, -1, NULL, 0);
	/* one more than the most fits the buffer; more overflow it */
	send_raw(sv[1], buf, n, SBX_CTL_MAX_FDS + 1);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), -EMSGSIZE);
	ck_assert_int_eq(count_fds(), before);
	send_raw(sv[1], buf, n, 12);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), -EMSGSIZE);
	ck_assert_int_eq(count_fds(), before);
	ck_assert_uint_eq(m->n_fds, 0);
	/* the connection goes on */
	expect_good(buf, n, 0);
}
END_TEST

START_TEST(test_nonzero_reserved)
{
	unsigned char buf[256], p[128];
	struct sbx_ctl_signal sig = { 15, 1 };
	struct sbx_ctl_subscribe sub = { -1, 0x100 };
	struct sbx_ctl_started st = { 1, 2, 0x80000000U };
	struct sbx_ctl_exit ex = { 0, 1 };
	struct sbx_ctl_error e = { EPERM, 1 };
	size_t n;

	n = rec(buf, SBX_CTL_SIGNAL, -1, &sig, sizeof(sig));
	expect_bad(buf, n, 0, -EBADMSG);
	memcpy(p, &sub, sizeof(sub));
	memcpy(p + sizeof(sub), "web", 4);
	n = rec(buf, SBX_CTL_SUBSCRIBE, -1, p, sizeof(sub) + 4);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_STARTED, -1, &st, sizeof(st));
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_EXIT, -1, &ex, sizeof(ex));
	expect_bad(buf, n, 0, -EBADMSG);
	memcpy(p, &e, sizeof(e));
	memcpy(p + sizeof(e), "no", 3);
	n = rec(buf, SBX_CTL_ERROR, -1, p, sizeof(e) + 3);
	expect_bad(buf, n, 0, -EBADMSG);
}
END_TEST

START_TEST(test_bad_values)
{
	static const int32_t signos[] = { 0, -1, 65, INT32_MIN, 1, 64 };
	unsigned char buf[256], p[128];
	struct sbx_ctl_signal sig = { 0, 0 };
	struct sbx_ctl_subscribe sub = { -2, 0 };
	struct sbx_ctl_error e = { 0, 0 };
	size_t i, n;

	for (i = 0; i < 6; i++) {
		sig.signo = signos[i];
		n = rec(buf, SBX_CTL_SIGNAL, -1, &sig, sizeof(sig));
		if (i < 4)
			expect_bad(buf, n, 0, -EBADMSG);
		else
			expect_good(buf, n, 0);
	}
	memcpy(p, &sub, sizeof(sub));
	memcpy(p + sizeof(sub), "web", 4);
	n = rec(buf, SBX_CTL_SUBSCRIBE, -1, p, sizeof(sub) + 4);
	expect_bad(buf, n, 0, -EBADMSG);
	sub.uid = 0;
	memcpy(p, &sub, sizeof(sub));
	n = rec(buf, SBX_CTL_SUBSCRIBE, -1, p, sizeof(sub) + 4);
	expect_good(buf, n, 0);
	memcpy(p, &e, sizeof(e));
	memcpy(p + sizeof(e), "m", 2);
	n = rec(buf, SBX_CTL_ERROR, -1, p, sizeof(e) + 2);
	expect_bad(buf, n, 0, -EBADMSG);
	e.err = -EPERM;
	memcpy(p, &e, sizeof(e));
	n = rec(buf, SBX_CTL_ERROR, -1, p, sizeof(e) + 2);
	expect_bad(buf, n, 0, -EBADMSG);
}
END_TEST

START_TEST(test_bad_filter)
{
	static unsigned char buf[HDR + (BPF_MAXINSNS + 1) * 8];
	static struct sock_filter prog[BPF_MAXINSNS + 1];
	size_t n;

	n = rec(buf, SBX_CTL_FILTER, -1, NULL, 0);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_FILTER, -1, prog, 12);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_FILTER, -1, prog, 7);
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_FILTER, -1, prog, sizeof(prog));
	expect_bad(buf, n, 0, -EBADMSG);
	n = rec(buf, SBX_CTL_FILTER, -1, prog, sizeof(prog) - 8);
	expect_good(buf, n, 0);
	n = rec(buf, SBX_CTL_FILTER, -1, prog, 8);
	expect_good(buf, n, 0);
	n = rec(buf, SBX_CTL_FILTER, -1, prog, 8);
	expect_bad(buf, n, 1, -EBADMSG);
}
END_TEST

START_TEST(test_oversized_record)
{
	size_t len = SBX_CTL_MAX_RECORD + 1;
	unsigned char *buf = calloc(1, len + 8);
	int before = count_fds();
	size_t n;

	ck_assert_ptr_nonnull(buf);
	/* a consistent header, one byte past the limit */
	memset(buf + HDR, 'a', len);
	n = rec(buf, SBX_CTL_ARG, (long)(len - HDR), NULL, 0);
	buf[len - 1] = '\0';
	(void)n;
	ck_assert_int_eq(notify_ctl_check(buf, len, 0), -EMSGSIZE);
	send_raw(sv[1], buf, len, 1);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), -EMSGSIZE);
	ck_assert_int_eq(count_fds(), before);
	/* exactly the limit is a record */
	n = rec(buf, SBX_CTL_ARG, (long)(len - 1 - HDR), NULL, 0);
	buf[len - 2] = '\0';
	expect_good(buf, len - 1, 0);
	free(buf);
}
END_TEST

/* A control message other than SCM_RIGHTS: rejected, fds closed. */
START_TEST(test_other_cmsg)
{
	unsigned char buf[64];
	int one = 1, before;
	size_t n;

	ck_assert_int_eq(
	    setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)), 0);
	before = count_fds();
	n = rec(buf, SBX_CTL_RUN, -1, NULL, 0);
	send_raw(sv[1], buf, n, 2);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), -EBADMSG);
	ck_assert_int_eq(count_fds(), before);
	send_raw(sv[1], buf, n, 0);
	ck_assert_int_eq(notify_ctl_recv(sv[0], m), -EBADMSG);
}
END_TEST

/* ---- the launch state machine ---- */

/* Fill @m by hand as notify_ctl_recv() would. */
static void
msg_set(uint32_t type, const void *fixed, size_t fixed_len, const char *s)
{
	unsigned char *p = (unsigned char *)m->buf + HDR;
	size_t i;

	notify_ctl_msg_clear(m);
	m->type = type;
	m->fixed = NULL;
	m->strings[0] = m->strings[1] = NULL;
	m->n_strings = 0;
	m->insns = NULL;
	m->n_insns = 0;
	if (type == SBX_CTL_FILTER) {
		memcpy(p, fixed, fixed_len);
		m->insns = (const struct sock_filter *)p;
		m->n_insns = fixed_len / sizeof(struct sock_filter);
		return;
	}
	if (fixed_len) {
		memcpy(p, fixed, fixed_len);
		m->fixed = p;
	}
	if (s) {
		m->strings[0] = s;
		m->n_strings = 1;
	}
	if (type == SBX_CTL_LAUNCH) {
		for (i = 0; i < 4; i++)
			m->fds[i] = devnull();
		m->n_fds = 4;
	}
}

static int
feed_launch(struct notify_ctl_request *req, uint32_t version, uint32_t flags,
	    const char *name, const char **msg)
{
	struct sbx_ctl_launch l = { version, flags };

	msg_set(SBX_CTL_LAUNCH, &l, sizeof(l), name);
	return notify_ctl_request_feed(req, m, msg);
}

static int
feed(struct notify_ctl_request *req, uint32_t type, const char *s,
     const char **msg)
{
	static const struct sock_filter prog[] = {
		BPF_STMT(BPF_RET | BPF_K, 0x7fff0000),
	};

	if (type == SBX_CTL_FILTER)
		msg_set(type, prog, sizeof(prog), NULL);
	else
		msg_set(type, NULL, 0, s);
	return notify_ctl_request_feed(req, m, msg);
}

START_TEST(test_request_complete)
{
	struct sock_filter prog[3] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, 0x7fff0000),
	};
	struct notify_ctl_request req;
	const char *msg = NULL;
	int before = count_fds(), i;

	notify_ctl_request_init(&req);
	ck_assert_int_eq(
	    feed_launch(&req, SBX_CTL_VERSION, SBX_CTL_FLAGS_ALL, "web", &msg),
	    0);
	/* the fds moved into the request */
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(m->fds[i], -1);
		ck_assert_int_eq(fcntl(req.fds[i], F_GETFD), FD_CLOEXEC);
	}
	ck_assert_int_eq(feed(&req, SBX_CTL_ARG, "/bin/true", &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_ARG, "", &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_ENV, "A=1", &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_ENV, "B=", &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_ENV, "C==x", &msg), 0);
	msg_set(SBX_CTL_FILTER, prog, sizeof(prog), NULL);
	ck_assert_int_eq(notify_ctl_request_feed(&req, m, &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_FILTER, NULL, &msg), 0);
	/* the request keeps a copy, not the record's buffer */
	memset(m->buf, 0xff, 64);
	ck_assert_int_eq(feed(&req, SBX_CTL_RUN, NULL, &msg), 1);

	ck_assert_str_eq(req.policy, "web");
	ck_assert_uint_eq(req.flags, SBX_CTL_FLAGS_ALL);
	ck_assert_uint_eq(req.argc, 2);
	ck_assert_str_eq(req.argv[0], "/bin/true");
	ck_assert_str_eq(req.argv[1], "");
	ck_assert_ptr_null(req.argv[2]);
	ck_assert_uint_eq(req.envc, 3);
	ck_assert_str_eq(req.envp[2], "C==x");
	ck_assert_ptr_null(req.envp[3]);
	ck_assert_uint_eq(req.n_filters, 2);
	ck_assert_uint_eq(req.filters[0].len, 3);
	ck_assert_mem_eq(req.filters[0].filter, prog, sizeof(prog));
	ck_assert_uint_eq(req.filters[1].len, 1);
	ck_assert_uint_eq(req.strings_size, 10 + 1 + 4 + 3 + 5);
	/* done: no more records */
	ck_assert_int_eq(feed(&req, SBX_CTL_RUN, NULL, &msg), -EPROTO);
	ck_assert_str_eq(msg, "record after RUN");

	notify_ctl_request_free(&req);
	notify_ctl_msg_clear(m);
	ck_assert_int_eq(count_fds(), before);
	/* free twice is harmless: it leaves an empty request */
	notify_ctl_request_free(&req);
	notify_ctl_request_free(NULL);
}
END_TEST

START_TEST(test_request_empty_env)
{
	struct notify_ctl_request req;
	const char *msg;

	notify_ctl_request_init(&req);
	ck_assert_int_eq(feed_launch(&req, SBX_CTL_VERSION, 0, "p", &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_ARG, "sh", &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_RUN, NULL, &msg), 1);
	ck_assert_uint_eq(req.envc, 0);
	ck_assert_ptr_nonnull(req.envp);
	ck_assert_ptr_null(req.envp[0]);
	ck_assert_uint_eq(req.n_filters, 0);
	notify_ctl_request_free(&req);
	notify_ctl_msg_clear(m);
}
END_TEST

/* A launch of @types (0 ends), the last must fail with @err and @what. */
static void
expect_order(const uint32_t *types, int err, const char *what)
{
	struct notify_ctl_request req;
	const char *msg = NULL;
	int before = count_fds(), r = 0;
	size_t i;

	notify_ctl_request_init(&req);
	for (i = 0; types[i]; i++) {
		if (types[i] == SBX_CTL_LAUNCH)
			r = feed_launch(&req, SBX_CTL_VERSION, 0, "p", &msg);
		else
			r = feed(&req, types[i],
				 types[i] == SBX_CTL_ENV ? "A=b" : "x", &msg);
		if (types[i + 1])
			ck_assert_int_eq(r, 0);
	}
	ck_assert_int_eq(r, err);
	ck_assert_ptr_nonnull(msg);
	ck_assert_str_eq(msg, what);
	/* after a failure, nothing more is taken */
	r = feed(&req, SBX_CTL_ARG, "x", &msg);
	ck_assert_int_eq(r, -EPROTO);
	notify_ctl_request_free(&req);
	notify_ctl_msg_clear(m);
	ck_assert_int_eq(count_fds(), before);
}

START_TEST(test_request_order)
{
	enum {
		L = SBX_CTL_LAUNCH,
		A = SBX_CTL_ARG,
		E = SBX_CTL_ENV,
		F = SBX_CTL_FILTER,
		R = SBX_CTL_RUN,
		S = SBX_CTL_SIGNAL,
		T = SBX_CTL_STATUS,
	};
	static const uint32_t t1[] = { A, 0 }, t2[] = { R, 0 },
			      t3[] = { L, R, 0 }, t4[] = { L, E, 0 },
			      t5[] = { L, F, 0 }, t6[] = { L, A, E, A, 0 },
			      t7[] = { L, A, F, A, 0 },
			      t8[] = { L, A, F, E, 0 }, t9[] = { L, A, L, 0 },
			      t10[] = { L, L, 0 }, t11[] = { L, A, S, 0 },
			      t12[] = { T, 0 }, t13[] = { L, A, E, T, 0 };

	expect_order(t1, -EPROTO, "the first record must be LAUNCH");
	expect_order(t2, -EPROTO, "the first record must be LAUNCH");
	expect_order(t3, -EPROTO, "RUN without any ARG record");
	expect_order(t4, -EPROTO, "ENV record before any ARG");
	expect_order(t5, -EPROTO, "FILTER record before any ARG");
	expect_order(t6, -EPROTO, "ARG record after ENV");
	expect_order(t7, -EPROTO, "ARG record after FILTER");
	expect_order(t8, -EPROTO, "ENV record after FILTER");
	expect_order(t9, -EPROTO, "LAUNCH record twice in one launch");
	expect_order(t10, -EPROTO, "LAUNCH record twice in one launch");
	expect_order(t11, -EPROTO, "record type not allowed in a launch");
	expect_order(t12, -EPROTO, "the first record must be LAUNCH");
	expect_order(t13, -EPROTO, "record type not allowed in a launch");
}
END_TEST

static void
expect_launch(uint32_t version, uint32_t flags, const char *name, int err,
	      const char *what)
{
	struct notify_ctl_request req;
	const char *msg = NULL;
	int before = count_fds();

	notify_ctl_request_init(&req);
	ck_assert_int_eq(feed_launch(&req, version, flags, name, &msg), err);
	if (err) {
		ck_assert_str_eq(msg, what);
		/* the fds stay with the record */
		ck_assert_int_ge(m->fds[0], 0);
		ck_assert_int_eq(feed(&req, SBX_CTL_ARG, "x", &msg), -EPROTO);
	} else {
		ck_assert_int_eq(m->fds[0], -1);
	}
	notify_ctl_request_free(&req);
	notify_ctl_msg_clear(m);
	ck_assert_int_eq(count_fds(), before);
}

START_TEST(test_request_launch_checks)
{
	char name[SBX_CTL_MAX_NAME + 2];

	expect_launch(0, 0, "p", -EPROTONOSUPPORT,
		      "unsupported control protocol version");
	expect_launch(2, 0, "p", -EPROTONOSUPPORT,
		      "unsupported control protocol version");
	expect_launch(SBX_CTL_VERSION, 0x4, "p", -EINVAL,
		      "unknown launch flags");
	expect_launch(SBX_CTL_VERSION, 0x80000000U, "p", -EINVAL,
		      "unknown launch flags");
	expect_launch(SBX_CTL_VERSION, 0, "", -EINVAL, "empty policy name");
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	expect_launch(SBX_CTL_VERSION, 0, name, -ENAMETOOLONG,
		      "policy name longer than 255 bytes");
	name[SBX_CTL_MAX_NAME] = '\0';
	expect_launch(SBX_CTL_VERSION, 0, name, 0, NULL);
	/* the daemon judges the name, not the codec */
	expect_launch(SBX_CTL_VERSION, 0, "../x", 0, NULL);
}
END_TEST

START_TEST(test_request_env_form)
{
	static const char *const bad[] = { "A", "", "=A", "=" };
	struct notify_ctl_request req;
	const char *msg;
	size_t i;

	for (i = 0; i < 4; i++) {
		notify_ctl_request_init(&req);
		ck_assert_int_eq(
		    feed_launch(&req, SBX_CTL_VERSION, 0, "p", &msg), 0);
		ck_assert_int_eq(feed(&req, SBX_CTL_ARG, "sh", &msg), 0);
		ck_assert_int_eq(feed(&req, SBX_CTL_ENV, bad[i], &msg),
				 -EINVAL);
		ck_assert_str_eq(msg, "ENV record not of the form NAME=value");
		notify_ctl_request_free(&req);
	}
	notify_ctl_msg_clear(m);
}
END_TEST

START_TEST(test_request_limits)
{
	struct notify_ctl_request req;
	const char *msg;
	char *big;
	size_t i;

	/* SBX_CTL_MAX_ARGS arguments, then one more */
	notify_ctl_request_init(&req);
	ck_assert_int_eq(feed_launch(&req, SBX_CTL_VERSION, 0, "p", &msg), 0);
	for (i = 0; i < SBX_CTL_MAX_ARGS; i++)
		ck_assert_int_eq(feed(&req, SBX_CTL_ARG, "a", &msg), 0);
	ck_assert_uint_eq(req.argc, SBX_CTL_MAX_ARGS);
	ck_assert_ptr_null(req.argv[SBX_CTL_MAX_ARGS]);
	ck_assert_int_eq(feed(&req, SBX_CTL_ARG, "a", &msg), -E2BIG);
	ck_assert_str_eq(msg, "more than 65536 arguments");
	notify_ctl_request_free(&req);

	notify_ctl_request_init(&req);
	ck_assert_int_eq(feed_launch(&req, SBX_CTL_VERSION, 0, "p", &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_ARG, "a", &msg), 0);
	for (i = 0; i < SBX_CTL_MAX_ENV; i++)
		ck_assert_int_eq(feed(&req, SBX_CTL_ENV, "A=", &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_ENV, "A=", &msg), -E2BIG);
	ck_assert_str_eq(msg, "more than 65536 environment variables");
	notify_ctl_request_free(&req);

	notify_ctl_request_init(&req);
	ck_assert_int_eq(feed_launch(&req, SBX_CTL_VERSION, 0, "p", &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_ARG, "a", &msg), 0);
	for (i = 0; i < SBX_CTL_MAX_FILTERS; i++)
		ck_assert_int_eq(feed(&req, SBX_CTL_FILTER, NULL, &msg), 0);
	ck_assert_int_eq(feed(&req, SBX_CTL_FILTER, NULL, &msg), -E2BIG);
	ck_assert_str_eq(msg, "more than 32 filters");
	notify_ctl_request_free(&req);

	/* 8 MiB of strings, NULs counted: 128 of 65536 bytes fill it */
	big = malloc(65536);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 65535);
	big[65535] = '\0';
	notify_ctl_request_init(&req);
	ck_assert_int_eq(feed_launch(&req, SBX_CTL_VERSION, 0, "p", &msg), 0);
	for (i = 0; i < 127; i++)
		ck_assert_int_eq(feed(&req, SBX_CTL_ARG, big, &msg), 0);
	big[0] = 'X';
	big[1] = '=';
	ck_assert_int_eq(feed(&req, SBX_CTL_ENV, big, &msg), 0);
	ck_assert_uint_eq(req.strings_size, SBX_CTL_MAX_STRINGS);
	ck_assert_int_eq(feed(&req, SBX_CTL_ENV, "A=", &msg), -E2BIG);
	ck_assert_str_eq(msg, "arguments and environment larger than 8 MiB");
	notify_ctl_request_free(&req);
	free(big);
	notify_ctl_msg_clear(m);
}
END_TEST

/* ---- a whole launch through the codec ---- */

/* Receive records into @req until the launch is complete. */
static int
recv_request(struct notify_ctl_request *req, const char **msg)
{
	int r;

	notify_ctl_request_init(req);
	do {
		r = notify_ctl_recv(sv[0], m);
		ck_assert_int_eq(r, 1);
		r = notify_ctl_request_feed(req, m, msg);
		notify_ctl_msg_clear(m);
	} while (r == 0);
	return r;
}

START_TEST(test_request_send)
{
	struct sock_filter p1[2] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 4),
		BPF_STMT(BPF_RET | BPF_K, 0x50001),
	};
	struct sock_filter p2[1] = { BPF_STMT(BPF_RET | BPF_K, 0x7fff0000) };
	struct sock_fprog filters[2] = { { 2, p1 }, { 1, p2 } };
	char *argv[] = { "/bin/echo", "", "two words", NULL };
	char *envp[] = { "A=1", "B=", NULL };
	struct notify_ctl_request req;
	struct stat a, b;
	const char *msg = NULL;
	int fds[4], before, i;

	for (i = 0; i < 4; i++)
		fds[i] = devnull();
	fds[3] = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	before = count_fds();
	ck_assert_int_eq(notify_ctl_request_send(sv[1], "web", SBX_CTL_WAIT_ALL,
						 argv, envp, filters, 2, fds),
			 0);
	ck_assert_int_eq(recv_request(&req, &msg), 1);
	ck_assert_str_eq(req.policy, "web");
	ck_assert_uint_eq(req.flags, SBX_CTL_WAIT_ALL);
	ck_assert_uint_eq(req.argc, 3);
	for (i = 0; i < 3; i++)
		ck_assert_str_eq(req.argv[i], argv[i]);
	ck_assert_ptr_null(req.argv[3]);
	ck_assert_uint_eq(req.envc, 2);
	for (i = 0; i < 2; i++)
		ck_assert_str_eq(req.envp[i], envp[i]);
	ck_assert_ptr_null(req.envp[2]);
	ck_assert_uint_eq(req.n_filters, 2);
	ck_assert_uint_eq(req.filters[0].len, 2);
	ck_assert_mem_eq(req.filters[0].filter, p1, sizeof(p1));
	ck_assert_uint_eq(req.filters[1].len, 1);
	ck_assert_mem_eq(req.filters[1].filter, p2, sizeof(p2));
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(fstat(req.fds[i], &a), 0);
		ck_assert_int_eq(fstat(fds[i], &b), 0);
		ck_assert_uint_eq(a.st_ino, b.st_ino);
		ck_assert_int_eq(fcntl(req.fds[i], F_GETFD), FD_CLOEXEC);
	}
	notify_ctl_request_free(&req);
	ck_assert_int_eq(count_fds(), before);

	/* no environment and no filters */
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0, argv, NULL, NULL, 0, fds),
	    0);
	ck_assert_int_eq(recv_request(&req, &msg), 1);
	ck_assert_uint_eq(req.envc, 0);
	ck_assert_ptr_nonnull(req.envp);
	ck_assert_uint_eq(req.n_filters, 0);
	notify_ctl_request_free(&req);
	for (i = 0; i < 4; i++)
		close(fds[i]);
}
END_TEST

/* Each breaks a limit: nothing is sent at all. */
START_TEST(test_request_send_limits)
{
	static struct sock_filter prog[1] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	struct sock_fprog filters[SBX_CTL_MAX_FILTERS + 1], empty = { 0, prog };
	char *argv[] = { "sh", NULL }, *noargv[] = { NULL },
	     *badenv[] = { "NOEQUALS", NULL };
	char **many, *big, *bigv[] = { NULL, NULL }, name[300];
	int fds[4] = { 0, 1, 2, 0 };
	unsigned char c;
	size_t i;

	many = calloc(SBX_CTL_MAX_ARGS + 2, sizeof(*many));
	ck_assert_ptr_nonnull(many);
	for (i = 0; i < SBX_CTL_MAX_ARGS + 1; i++)
		many[i] = "a";
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0, many, NULL, NULL, 0, fds),
	    -E2BIG);
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0, argv, many, NULL, 0, fds),
	    -EINVAL);
	for (i = 0; i < SBX_CTL_MAX_ENV + 1; i++)
		many[i] = "A=";
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0, argv, many, NULL, 0, fds),
	    -E2BIG);
	free(many);

	/* one string too long for a record */
	big = malloc(SBX_CTL_MAX_RECORD);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', SBX_CTL_MAX_RECORD - HDR);
	big[SBX_CTL_MAX_RECORD - HDR] = '\0';
	bigv[0] = big;
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0, bigv, NULL, NULL, 0, fds),
	    -E2BIG);
	/* more than 8 MiB in all: 130 strings of 65001 bytes */
	big[65000] = '\0';
	many = calloc(131, sizeof(*many));
	ck_assert_ptr_nonnull(many);
	for (i = 0; i < 130; i++)
		many[i] = big;
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0, many, NULL, NULL, 0, fds),
	    -E2BIG);
	free(many);
	free(big);

	for (i = 0; i < SBX_CTL_MAX_FILTERS + 1; i++) {
		filters[i].len = 1;
		filters[i].filter = prog;
	}
	ck_assert_int_eq(notify_ctl_request_send(sv[1], "p", 0, argv, NULL,
						 filters,
						 SBX_CTL_MAX_FILTERS + 1, fds),
			 -E2BIG);
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0, argv, NULL, &empty, 1, fds),
	    -EINVAL);
	memset(name, 'n', sizeof(name));
	name[SBX_CTL_MAX_NAME + 1] = '\0';
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], name, 0, argv, NULL, NULL, 0, fds),
	    -ENAMETOOLONG);
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "", 0, argv, NULL, NULL, 0, fds),
	    -EINVAL);
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0x8, argv, NULL, NULL, 0, fds),
	    -EINVAL);
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0, noargv, NULL, NULL, 0, fds),
	    -EINVAL);
	ck_assert_int_eq(
	    notify_ctl_request_send(sv[1], "p", 0, argv, badenv, NULL, 0, fds),
	    -EINVAL);
	ck_assert_int_eq(recv(sv[0], &c, 1, MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, EAGAIN);
}
END_TEST

static Suite *
control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc;

	tc = tcase_create("codec");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_roundtrip_launch);
	tcase_add_test(tc, test_roundtrip_every_type);
	tcase_add_test(tc, test_send_error);
	tcase_add_test(tc, test_send_limits);
	tcase_add_test(tc, test_recv_eof);
	tcase_add_test(tc, test_recv_empty);
	tcase_add_test(tc, test_recv_bad_fd);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_bad_framing);
	tcase_add_test(tc, test_unknown_type);
	tcase_add_test(tc, test_wrong_fixed_size);
	tcase_add_test(tc, test_bad_strings);
	tcase_add_test(tc, test_wrong_fd_count);
	tcase_add_test(tc, test_too_many_fds);
	tcase_add_test(tc, test_nonzero_reserved);
	tcase_add_test(tc, test_bad_values);
	tcase_add_test(tc, test_bad_filter);
	tcase_add_test(tc, test_oversized_record);
	tcase_add_test(tc, test_other_cmsg);
	suite_add_tcase(s, tc);

	tc = tcase_create("request");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_request_complete);
	tcase_add_test(tc, test_request_empty_env);
	tcase_add_test(tc, test_request_order);
	tcase_add_test(tc, test_request_launch_checks);
	tcase_add_test(tc, test_request_env_form);
	tcase_add_test(tc, test_request_limits);
	tcase_add_test(tc, test_request_send);
	tcase_add_test(tc, test_request_send_limits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(control_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
