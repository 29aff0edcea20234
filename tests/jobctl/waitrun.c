/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * waitrun: run COMMAND and report how it ended as its parent sees it,
 * which a shell's $? cannot tell exactly (128 + N is ambiguous, and the
 * core-dump bit is lost), optionally sending it signals first.
 *
 *   waitrun [-o FILE] [-g] [-c] [-t SECS] [-r FILE] [-d MS] [-k SIG]...
 *           -- COMMAND [ARG]...
 *
 *   -o FILE  write the report to FILE (default: standard error), so that
 *            COMMAND's own output is left alone
 *   -g       run COMMAND in a process group of its own
 *   -c       let COMMAND and its children dump core (RLIMIT_CORE raised
 *            to the hard limit, at most 64 MiB)
 *   -t SECS  kill COMMAND after SECS seconds (default 20)
 *   -r FILE  wait until FILE exists (COMMAND's sign that it is ready)
 *            before sending the signals
 *   -k SIG   send SIG (a number) to COMMAND's pid, and to it alone; may
 *            repeat; 200 ms apart, or -d MS
 *
 * The report has one item a line:
 *
 *   status exited N | status signaled N [core] | status timeout |
 *   status noready
 *   pid P, pgid G, sid S    COMMAND's, as it started
 *   elapsed MS              from fork to the end, in milliseconds
 *
 * Every signal disposition is reset to the default and the mask cleared
 * first: how make or a shell started us must not leak into the results
 * (a non-interactive shell starts background jobs with SIGINT ignored).
 * Exit status: 0 when COMMAND ended, 1 for timeout or noready, 99 for a
 * setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIGS 16

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
reset_signals(void)
{
	sigset_t none;
	int sig;

	for (sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
raise_core_limit(void)
{
	struct rlimit rl;
	const rlim_t cap = 64UL << 20;

	if (getrlimit(RLIMIT_CORE, &rl) < 0)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > cap
			  ? cap
			  : rl.rlim_max;
	setrlimit(RLIMIT_CORE, &rl);
}

/* Reap @pid if it has ended; true with its status if so. */
static bool
reaped(pid_t pid, int *status)
{
	pid_t w;

	do
		w = waitpid(pid, status, WNOHANG);
	while (w < 0 && errno == EINTR);
	return w == pid;
}

static void
usage(void)
{
	fprintf(stderr, "usage: waitrun [-o FILE] [-g] [-c] [-t SECS] "
			"[-r FILE] [-d MS] [-k SIG]... -- COMMAND [ARG]...\n");
	exit(99);
}

int
main(int argc, char **argv)
{
	const char *report = NULL, *ready = NULL;
	int sigs[MAX_SIGS], nsigs = 0, i, opt, status = 0;
	long timeout_ms = 20000, delay_ms = 200, start, deadline;
	bool own_group = false, core = false, ended = false;
	FILE *rep = stderr;
	pid_t pid, pgid;

	while ((opt = getopt(argc, argv, "+o:gct:r:d:k:")) != -1) {
		switch (opt) {
		case 'o':
			report = optarg;
			break;
		case 'g':
			own_group = true;
			break;
		case 'c':
			core = true;
			break;
		case 't':
			timeout_ms = atol(optarg) * 1000;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'd':
			delay_ms = atol(optarg);
			break;
		case 'k':
			if (nsigs == MAX_SIGS)
				usage();
			sigs[nsigs++] = atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	if (report) {
		rep = fopen(report, "w");
		if (!rep) {
			perror("waitrun: report");
			return 99;
		}
	}
	reset_signals();
	if (core)
		raise_core_limit();
	start = now_ms();
	deadline = start + timeout_ms;
	pid = fork();
	if (pid < 0) {
		perror("waitrun: fork");
		return 99;
	}
	if (pid == 0) {
		if (own_group)
			setpgid(0, 0);
		execvp(argv[optind], argv + optind);
		fprintf(stderr, "waitrun: %s: %s\n", argv[optind],
			strerror(errno));
		_exit(99);
	}
	/* set from both sides, so it holds whichever runs first */
	if (own_group)
		setpgid(pid, pid);
	pgid = own_group ? pid : getpgrp();
	fprintf(rep, "pid %d\npgid %d\nsid %d\n", (int)pid, (int)pgid,
		(int)getsid(0));

	if (ready) {
		while (access(ready, F_OK) < 0) {
			if ((ended = reaped(pid, &status)))
				break;
			if (now_ms() > deadline) {
				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				fprintf(rep, "status noready\n");
				return 1;
			}
			sleep_ms(10);
		}
	}
	for (i = 0; i < nsigs && !ended; i++) {
		if (i > 0)
			sleep_ms(delay_ms);
		kill(pid, sigs[i]);
	}
	while (!ended && !(ended = reaped(pid, &status))) {
		if (now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(rep, "status timeout\nelapsed %ld\n",
				now_ms() - start);
			return 1;
		}
		sleep_ms(5);
	}
	if (WIFEXITED(status))
		fprintf(rep, "status exited %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(rep, "status signaled %d%s\n", WTERMSIG(status),
			WCOREDUMP(status) ? " core" : "");
	else
		fprintf(rep, "status 0x%x\n", (unsigned)status);
	fprintf(rep, "elapsed %ld\n", now_ms() - start);
	return 0;
}
