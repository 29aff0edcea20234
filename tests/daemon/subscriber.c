/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * subscriber: a policy agent that subscribes through sandboxd's control
 * socket, for tests/daemon/subscribe.test.
 *
 *   subscriber [-n COUNT] SOCKET POLICY UID [ANSWER]
 *
 * Sends SUBSCRIBE for POLICY and UID (-1: one's own, or for root every
 * uid's) and prints the answer: "OK", or "ERROR errno: message" and exits
 * 1.  Then, for each SANDBOX record that comes:
 *
 *   SANDBOX id pid uid policy	the record
 *   PIDFD id pid		the pid its pidfd refers to (fdinfo)
 *   NOTIF id notif-id pid nr	each notification on its channel
 *   ANSWER id notif-id errno r	the answer sent (errno ANSWER, default
 *				EPERM) and what the supervisor said to it
 *   DONE id why		the channel ended (no task left, or closed)
 *
 * With -n, it stops reading the control socket after COUNT SANDBOX
 * records and exits once their channels have ended; without it, it runs
 * until the daemon closes the connection.  Each channel is served by a
 * thread of its own, because a library call blocks until its answer.
 * Exit status: 0, 1 for an ERROR, 2 for anything that went wrong here
 * (a channel that broke, a bad record).  Lines are flushed one by one so
 * that a test can wait for them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "notify/control.h"
#include "notify/sandbox-notify.h"

#define PROG	     "subscriber"
#define MAX_CHANNELS 64

struct channel {
	pthread_t thread;
	uint64_t id;
	int fd;
	int answer;
	bool failed;
};

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* One whole line, flushed, never interleaved with another thread's. */
static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&out_lock);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
}

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
		"usage: " PROG " [-n COUNT] SOCKET POLICY UID [ANSWER]\n");
	exit(2);
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		usage();
	return v;
}

/* The pid a pidfd refers to, as the kernel shows it; -1 if unknown. */
static long
pidfd_pid(int pidfd)
{
	char path[64], line[256];
	long pid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %ld", &pid) == 1)
			break;
	fclose(f);
	return pid;
}

static void *
serve(void *arg)
{
	struct channel *ch = arg;
	struct sbx_notify *n;
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int r;

	r = sbx_notify_from_fd(ch->fd, &n);
	ch->fd = -1;
	if (r < 0) {
		say("DONE %" PRIu64 " hello failed: %s", ch->id, strerror(-r));
		ch->failed = true;
		return NULL;
	}
	for (;;) {
		r = sbx_notify_receive(n, &req);
		if (r < 0)
			break;
		say("NOTIF %" PRIu64 " %" PRIu64 " %" PRIu32 " %d", ch->id,
		    (uint64_t)req.id, req.pid, req.data.nr);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.error = -ch->answer;
		r = sbx_notify_respond(n, &resp);
		/* ENOENT: the call was withdrawn meanwhile, which may happen */
		say("ANSWER %" PRIu64 " %" PRIu64 " %d %d", ch->id,
		    (uint64_t)req.id, ch->answer, r);
		if (r < 0 && r != -ENOENT)
			break;
	}
	/* the ends a finished session gives; anything else is a failure */
	if (r == -ENOENT || r == -ECONNRESET) {
		say("DONE %" PRIu64 " %s", ch->id,
		    r == -ENOENT ? "no-task" : "closed");
	} else {
		say("DONE %" PRIu64 " failed: %s", ch->id, strerror(-r));
		ch->failed = true;
	}
	sbx_notify_close(n);
	return NULL;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, PROG ": %s: path too long\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int
main(int argc, char **argv)
{
	static struct channel chans[MAX_CHANNELS];
	struct sbx_ctl_subscribe sub = { 0 };
	const struct sbx_ctl_sandbox *sb;
	const struct sbx_ctl_error *e;
	struct notify_ctl_msg *m;
	const char *strs[1];
	size_t n_chans = 0, i;
	long count = -1;
	int fd, r, answer = EPERM, status = 0, opt;

	while ((opt = getopt(argc, argv, "+n:")) != -1) {
		if (opt != 'n')
			usage();
		count = number(optarg, 1, MAX_CHANNELS);
	}
	argc -= optind;
	argv += optind;
	if (argc < 3 || argc > 4)
		usage();
	sub.uid = (int32_t)number(argv[2], -1, INT32_MAX);
	if (argc == 4)
		answer = (int)number(argv[3], 1, 4095);
	m = malloc(sizeof(*m));
	if (!m) {
		fprintf(stderr, PROG ": out of memory\n");
		return 2;
	}
	fd = connect_to(argv[0]);
	if (fd < 0)
		return 2;
	strs[0] = argv[1];
	r = notify_ctl_send(fd, SBX_CTL_SUBSCRIBE, &sub, sizeof(sub), strs, 1,
			    NULL, 0);
	if (r < 0) {
		fprintf(stderr, PROG ": SUBSCRIBE: %s\n", strerror(-r));
		return 2;
	}
	r = notify_ctl_recv(fd, m);
	if (r <= 0) {
		fprintf(stderr, PROG ": no answer to SUBSCRIBE: %s\n",
			r ? strerror(-r) : "end of file");
		return 2;
	}
	if (m->type == SBX_CTL_ERROR) {
		e = m->fixed;
		say("ERROR %d: %s", e->err, m->strings[0]);
		return 1;
	}
	if (m->type != SBX_CTL_OK) {
		fprintf(stderr, PROG ": answer of type %u to SUBSCRIBE\n",
			m->type);
		return 2;
	}
	say("OK");

	while (count < 0 || (long)n_chans < count) {
		struct channel *ch;

		r = notify_ctl_recv(fd, m);
		if (r == 0)
			break;
		if (r < 0) {
			fprintf(stderr, PROG ": control socket: %s\n",
				strerror(-r));
			status = 2;
			break;
		}
		if (m->type != SBX_CTL_SANDBOX) {
			fprintf(stderr, PROG ": record of type %u\n", m->type);
			notify_ctl_msg_clear(m);
			status = 2;
			break;
		}
		if (n_chans == MAX_CHANNELS) {
			fprintf(stderr, PROG ": too many sandboxes\n");
			notify_ctl_msg_clear(m);
			status = 2;
			break;
		}
		sb = m->fixed;
		say("SANDBOX %" PRIu64 " %" PRId32 " %" PRIu32 " %s", sb->id,
		    sb->pid, sb->uid, m->strings[0]);
		say("PIDFD %" PRIu64 " %ld", sb->id, pidfd_pid(m->fds[1]));
		ch = &chans[n_chans];
		ch->id = sb->id;
		ch->answer = answer;
		ch->fd = m->fds[0];
		m->fds[0] = -1;
		notify_ctl_msg_clear(m);
		r = pthread_create(&ch->thread, NULL, serve, ch);
		if (r) {
			fprintf(stderr, PROG ": pthread_create: %s\n",
				strerror(r));
			close(ch->fd);
			status = 2;
			break;
		}
		n_chans++;
	}
	for (i = 0; i < n_chans; i++) {
		pthread_join(chans[i].thread, NULL);
		if (chans[i].failed)
			status = 2;
	}
	close(fd);
	free(m);
	return status;
}
