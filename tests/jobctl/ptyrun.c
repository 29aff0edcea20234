/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * ptyrun: job control on a pseudo-terminal, as an interactive shell does
 * it, for testing that sandbox-run behaves as a job should.
 *
 *   ptyrun intr  COMMAND [ARG]...   Ctrl-C once COMMAND has printed "ready"
 *   ptyrun susp  COMMAND [ARG]...   Ctrl-Z once it is ready, then "fg"
 *   ptyrun tick N                   a job to run: print "ready", sleep N
 *                                   tenths of a second, print "done"
 *
 * The job should be one process: a shell script between two commands
 * can take a signal at a moment its children never see it.
 *
 * A "shell" process owns the terminal (a new session), runs COMMAND as a
 * foreground job in a process group of its own, and reports the job's
 * wait statuses (WUNTRACED | WCONTINUED), taking the terminal back when
 * the job stops and giving it to the job again for "fg", with SIGCONT to
 * its group.  The parent holds the terminal's master side: it types the
 * control characters and collects the output.  It prints the events and
 * the output, and exits 0 when the job behaved: for intr, killed by
 * SIGINT; for susp, stopped, continued, and then exited 0 having printed
 * "done".  Everything is bounded by a 30-second alarm.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static char output[65536];
static size_t out_len;

static void
drain(int master, int ms)
{
	struct pollfd p = { master, POLLIN, 0 };

	while (poll(&p, 1, ms) > 0) {
		ssize_t n;

		if (out_len >= sizeof(output) - 1)
			break;
		n = read(master, output + out_len,
			 sizeof(output) - 1 - out_len);
		if (n <= 0)
			break;
		out_len += (size_t)n;
		output[out_len] = '\0';
		ms = 0;
	}
}

/* Wait (reading the terminal meanwhile) until @what is in the output. */
static bool
wait_output(int master, const char *what, int seconds)
{
	time_t end = time(NULL) + seconds;

	while (!strstr(output, what)) {
		if (time(NULL) > end)
			return false;
		drain(master, 100);
	}
	return true;
}

/* Read one event line from the shell, reading the terminal meanwhile. */
static bool
read_event(int master, int events, char *buf, size_t size, int seconds)
{
	struct pollfd p[2] = { { events, POLLIN, 0 }, { master, POLLIN, 0 } };
	time_t end = time(NULL) + seconds;
	size_t len = 0;

	while (time(NULL) <= end) {
		if (poll(p, 2, 100) <= 0)
			continue;
		if (p[1].revents & POLLIN)
			drain(master, 0);
		if (p[0].revents & (POLLIN | POLLHUP)) {
			char c;

			if (read(events, &c, 1) != 1)
				return false;
			if (c == '\n') {
				buf[len] = '\0';
				return true;
			}
			if (len + 1 < size)
				buf[len++] = c;
		}
	}
	return false;
}

static void __attribute__((noreturn))
shell(const char *slave, int events, int cmds, char **argv)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	pid_t job;
	int fd, status;

	setsid();
	fd = open(slave, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
		_exit(90);
	/* a shell ignores the job-control signals aimed at it */
	sigaction(SIGTTOU, &ign, NULL);
	sigaction(SIGTTIN, &ign, NULL);
	sigaction(SIGTSTP, &ign, NULL);
	sigaction(SIGINT, &ign, NULL);
	job = fork();
	if (job == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigset_t none;

		/* a job starts with nothing blocked, whatever ran us */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		setpgid(0, 0);
		tcsetpgrp(fd, getpid());
		sigaction(SIGTTOU, &dfl, NULL);
		sigaction(SIGTTIN, &dfl, NULL);
		sigaction(SIGTSTP, &dfl, NULL);
		sigaction(SIGINT, &dfl, NULL);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(job, job);
	tcsetpgrp(fd, job);
	for (;;) {
		char line[64];
		pid_t w = waitpid(job, &status, WUNTRACED | WCONTINUED);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			_exit(91);
		if (WIFSTOPPED(status)) {
			char c;

			tcsetpgrp(fd, getpgrp());
			snprintf(line, sizeof(line), "stopped %d\n",
				 WSTOPSIG(status));
			if (write(events, line, strlen(line)) < 0)
				_exit(92);
			/* wait for "fg" */
			if (read(cmds, &c, 1) != 1)
				_exit(93);
			tcsetpgrp(fd, job);
			kill(-job, SIGCONT);
			continue;
		}
		if (WIFCONTINUED(status)) {
			if (write(events, "continued\n", 10) < 0)
				_exit(92);
			continue;
		}
		if (WIFEXITED(status))
			snprintf(line, sizeof(line), "exited %d\n",
				 WEXITSTATUS(status));
		else
			snprintf(line, sizeof(line), "signaled %d%s\n",
				 WTERMSIG(status),
				 WCOREDUMP(status) ? " core" : "");
		if (write(events, line, strlen(line)) < 0)
			_exit(92);
		_exit(0);
	}
}

int
main(int argc, char **argv)
{
	int master, ev[2], cmd[2], status;
	char ev_line[64], *slave;
	bool ok = false;
	pid_t sh;

	if (argc == 3 && strcmp(argv[1], "tick") == 0) {
		struct timespec tenth = { 0, 100000000 };
		int n = atoi(argv[2]);

		printf("ready\n");
		fflush(stdout);
		while (n-- > 0)
			while (nanosleep(&tenth, &tenth) < 0 && errno == EINTR)
				;
		printf("done\n");
		return 0;
	}
	if (argc < 3 ||
	    (strcmp(argv[1], "intr") != 0 && strcmp(argv[1], "susp") != 0)) {
		fprintf(stderr, "usage: ptyrun intr|susp COMMAND [ARG]...\n");
		return 2;
	}
	alarm(30);
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0 ||
	    pipe(ev) < 0 || pipe(cmd) < 0) {
		perror("ptyrun: pty");
		return 99;
	}
	slave = strdup(ptsname(master));
	sh = fork();
	if (sh == 0) {
		close(master);
		close(ev[0]);
		close(cmd[1]);
		shell(slave, ev[1], cmd[0], argv + 2);
	}
	close(ev[1]);
	close(cmd[0]);
	if (!wait_output(master, "ready", 10)) {
		printf("the job never said ready; output:\n%s\n", output);
		goto out;
	}
	if (strcmp(argv[1], "intr") == 0) {
		if (write(master, "\003", 1) != 1)
			goto out;
		if (!read_event(master, ev[0], ev_line, sizeof(ev_line), 10)) {
			printf("no event after ^C\n");
			goto out;
		}
		printf("after ^C: %s\n", ev_line);
		ok = strcmp(ev_line, "signaled 2") == 0;
	} else {
		if (write(master, "\032", 1) != 1)
			goto out;
		if (!read_event(master, ev[0], ev_line, sizeof(ev_line), 10)) {
			printf("no event after ^Z\n");
			goto out;
		}
		printf("after ^Z: %s\n", ev_line);
		if (strncmp(ev_line, "stopped ", 8) != 0)
			goto out;
		/* stopped for a while: no progress, then fg */
		usleep(300000);
		if (write(cmd[1], "f", 1) != 1)
			goto out;
		if (!read_event(master, ev[0], ev_line, sizeof(ev_line), 10)) {
			printf("no event after fg\n");
			goto out;
		}
		printf("after fg: %s\n", ev_line);
		if (strcmp(ev_line, "continued") != 0)
			goto out;
		if (!read_event(master, ev[0], ev_line, sizeof(ev_line), 20)) {
			printf("the job did not end after fg\n");
			goto out;
		}
		printf("at the end: %s\n", ev_line);
		drain(master, 200);
		ok = strcmp(ev_line, "exited 0") == 0 && strstr(output, "done");
	}
out:
	drain(master, 100);
	printf("--- terminal:\n%s\n---\n", output);
	kill(sh, SIGKILL);
	waitpid(sh, &status, 0);
	return ok ? 0 : 1;
}
