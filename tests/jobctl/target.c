/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * target: the commands the job-control tests run under sandbox-run.  A
 * shell script could do most of this, but a shell forks for everything
 * and a signal that lands while it forks reaches only some of the job
 * (dash blocks signals around vfork), a race a test must not depend on.
 *
 *   target ticker N       "ready pgrp=P", then "tick I" every 100 ms, N
 *                         times, then "done"; exit 0
 *   target wait SECS FILE [SIG]...
 *                         catch each SIG (number) with a handler that
 *                         prints "caught SIG" and exits 100 + SIG; create
 *                         FILE, sleep SECS seconds (whatever signals come
 *                         meanwhile), print "finished", exit 0
 *   target read           "ready pgrp=P", then read a line from standard
 *                         input and print "read: LINE"; exit 0, or 1 if
 *                         the read fails
 *   target segv           die of a real SIGSEGV (a write through null)
 *   target abort          abort()
 *   target pgrp           print "pgrp P sid S": this process's group and
 *                         session
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
on_signal(int sig)
{
	char msg[32];
	int n = snprintf(msg, sizeof(msg), "caught %d\n", sig);

	if (n > 0 && write(STDOUT_FILENO, msg, (size_t)n) < 0)
		_exit(99);
	_exit(100 + sig);
}

/* Sleep @ms milliseconds in all, through any signals handled meanwhile. */
static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int
ticker(int n)
{
	int i;

	printf("ready pgrp=%d\n", (int)getpgrp());
	fflush(stdout);
	for (i = 1; i <= n; i++) {
		sleep_ms(100);
		printf("tick %d\n", i);
		fflush(stdout);
	}
	printf("done\n");
	return 0;
}

static int
wait_signals(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	double secs = atof(argv[0]);
	int i, fd;

	for (i = 2; i < argc; i++)
		if (sigaction(atoi(argv[i]), &sa, NULL) < 0) {
			perror("target: sigaction");
			return 99;
		}
	/* ready only now: a signal sent before the handler would kill us */
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("target: ready file");
		return 99;
	}
	close(fd);
	sleep_ms((long)(secs * 1000));
	printf("finished\n");
	return 0;
}

int
main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	if (strcmp(what, "ticker") == 0 && argc == 3)
		return ticker(atoi(argv[2]));
	if (strcmp(what, "wait") == 0 && argc >= 4)
		return wait_signals(argc - 2, argv + 2);
	if (strcmp(what, "read") == 0) {
		char line[256];

		printf("ready pgrp=%d\n", (int)getpgrp());
		fflush(stdout);
		if (!fgets(line, sizeof(line), stdin)) {
			printf("read failed: %s\n", strerror(errno));
			return 1;
		}
		printf("read: %s", line);
		return 0;
	}
	if (strcmp(what, "segv") == 0) {
		/* volatile: the compiler cannot see it is null */
		static int *volatile nowhere;

		*nowhere = 1;
		return 98;
	}
	if (strcmp(what, "abort") == 0)
		abort();
	if (strcmp(what, "pgrp") == 0) {
		printf("pgrp %d sid %d\n", (int)getpgrp(), (int)getsid(0));
		return 0;
	}
	fprintf(stderr, "usage: target ticker N | wait SECS FILE [SIG]... | "
			"read | segv | abort | pgrp\n");
	return 2;
}
