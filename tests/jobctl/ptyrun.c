/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * ptyrun: job control on a pseudo-terminal, done the way an interactive
 * shell does it, to test that sandbox-run behaves as a job should.
 *
 *   ptyrun [-C] intr COMMAND [ARG]...   Ctrl-C once COMMAND has said
 *                                       "ready"
 *   ptyrun [-C] quit COMMAND [ARG]...   Ctrl-\ once it is ready
 *   ptyrun [-C] susp COMMAND [ARG]...   Ctrl-Z once it is ready, then
 *                                       "fg"; twice
 *   ptyrun [-C] bg COMMAND [ARG]...     Ctrl-Z once it is ready, then
 *                                       "bg"
 *   ptyrun [-C] ttin COMMAND [ARG]...   COMMAND started in the background
 *                                       reads the terminal; then "fg"
 *
 * A "shell" process owns the terminal (a new session).  It runs COMMAND
 * as a foreground job in a process group of its own and reports the
 * job's wait statuses (WUNTRACED | WCONTINUED) on a pipe; when the job
 * stops, it takes the terminal back, and for "fg" gives it to the job
 * again and sends SIGCONT to its group ("bg": only the SIGCONT).  The parent
 * holds the master side of the terminal: it types the control characters,
 * collects what the job writes, and checks:
 *
 *   intr  the job is killed by SIGINT, without a core dump;
 *   quit  the job is killed by SIGQUIT, without a core dump (the core
 *         limit is raised, so the command itself may dump core; -C
 *         accepts a core dump, for a job that is the command itself);
 *   susp  each Ctrl-Z stops the job (any stop signal) and nothing is
 *         written while it is stopped; each fg continues it and it makes
 *         progress; in the end it exits 0, having printed "done";
 *   bg    the same, but the job goes on in the background (writing to
 *         the terminal is allowed there) after bg;
 *   ttin  the job is stopped by its read of the terminal (SIGTTIN), and
 *         once in the foreground reads the line typed, printing it back
 *         as "read: LINE", and exits 0.
 *
 * In every case, if the job prints "pgrp=N", N must be the job's process
 * group: whatever COMMAND runs must stay in the group the shell made.
 * ptyrun prints what happened and the terminal's contents, and exits 0
 * when the job behaved, 1 when not, 77 without pseudo-terminals, 99 if it
 * could not set up otherwise.  An alarm
 * bounds the whole run.
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
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define ALARM_SECS 40

static char output[65536];
static size_t out_len;

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read what the terminal has, waiting up to @ms for the first bytes. */
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

/* Read the terminal for @ms milliseconds. */
static void
drain_for(int master, long ms)
{
	long end = now_ms() + ms;

	while (now_ms() < end)
		drain(master, 20);
}

/* Wait (reading the terminal) until @what is in the output from @from. */
static bool
wait_output(int master, size_t from, const char *what, int seconds)
{
	long end = now_ms() + seconds * 1000L;

	while (!strstr(output + from, what)) {
		if (now_ms() > end)
			return false;
		drain(master, 50);
	}
	return true;
}

/* Read one event line from the shell, reading the terminal meanwhile. */
static bool
read_event(int master, int events, char *buf, size_t size, int seconds)
{
	struct pollfd p[2] = { { events, POLLIN, 0 }, { master, POLLIN, 0 } };
	long end = now_ms() + seconds * 1000L;
	size_t len = 0;

	while (now_ms() <= end) {
		if (poll(p, 2, 50) <= 0)
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

static void
event(int events, const char *line)
{
	if (write(events, line, strlen(line)) < 0)
		_exit(92);
}

static void __attribute__((noreturn))
shell(const char *slave, int events, int cmds, bool background, char **argv)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	static const int job_signals[] = { SIGTTOU, SIGTTIN, SIGTSTP, SIGINT,
					   SIGQUIT };
	char line[64];
	size_t i;
	pid_t job;
	int fd, status;

	setsid();
	fd = open(slave, O_RDWR);
	if (fd < 0 || ioctl(fd, TIOCSCTTY, 0) < 0)
		_exit(90);
	/* a shell ignores the job-control signals aimed at it */
	for (i = 0; i < sizeof(job_signals) / sizeof(job_signals[0]); i++)
		sigaction(job_signals[i], &ign, NULL);
	job = fork();
	if (job < 0)
		_exit(91);
	if (job == 0) {
		/* as a shell's child does, before the parent may have */
		setpgid(0, 0);
		if (!background)
			tcsetpgrp(fd, getpid());
		for (i = 0; i < sizeof(job_signals) / sizeof(job_signals[0]);
		     i++)
			sigaction(job_signals[i], &dfl, NULL);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
		close(events);
		close(cmds);
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(job, job);
	if (!background)
		tcsetpgrp(fd, job);
	snprintf(line, sizeof(line), "job %d\n", (int)job);
	event(events, line);
	for (;;) {
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
			event(events, line);
			/* wait for "fg" (f) or "bg" (b) */
			if (read(cmds, &c, 1) != 1)
				_exit(93);
			if (c == 'f')
				tcsetpgrp(fd, job);
			kill(-job, SIGCONT);
			continue;
		}
		if (WIFCONTINUED(status)) {
			event(events, "continued\n");
			continue;
		}
		if (WIFEXITED(status))
			snprintf(line, sizeof(line), "exited %d\n",
				 WEXITSTATUS(status));
		else
			snprintf(line, sizeof(line), "signaled %d%s\n",
				 WTERMSIG(status),
				 WCOREDUMP(status) ? " core" : "");
		event(events, line);
		_exit(0);
	}
}

struct run {
	int master, events, cmds;
	char ev[64];
};

static bool
next_event(struct run *r, const char *after, int seconds)
{
	if (!read_event(r->master, r->events, r->ev, sizeof(r->ev), seconds)) {
		printf("no event %s\n", after);
		return false;
	}
	printf("%s: %s\n", after, r->ev);
	return true;
}

/*
 * Ctrl-Z, check that the job stays stopped, fg (or bg), check it goes
 * on.
 */
static bool
suspend_and_resume(struct run *r, bool bg)
{
	size_t mark;
	long stopped_ms;

	if (write(r->master, "\032", 1) != 1)
		return false;
	if (!next_event(r, "after ^Z", 10))
		return false;
	if (strncmp(r->ev, "stopped ", 8) != 0)
		return false;
	stopped_ms = now_ms();
	/*
	 * What the job wrote before it stopped is in the terminal already
	 * (it stopped before the shell heard of it): take it, then nothing
	 * more may come.
	 */
	drain(r->master, 50);
	mark = out_len;
	drain_for(r->master, 500);
	if (out_len != mark) {
		printf("the job wrote while stopped: \"%s\"\n", output + mark);
		return false;
	}
	if (write(r->cmds, bg ? "b" : "f", 1) != 1)
		return false;
	if (!next_event(r, bg ? "after bg" : "after fg", 10))
		return false;
	if (strcmp(r->ev, "continued") != 0)
		return false;
	if (!wait_output(r->master, mark, "tick", 10)) {
		printf("no progress after %s\n", bg ? "bg" : "fg");
		return false;
	}
	printf("stopped for %ld ms, then went on\n", now_ms() - stopped_ms);
	return true;
}

/* Did the job show a process group other than its own? */
static bool
pgrp_ok(const char *job_line)
{
	const char *p = output;
	int job = atoi(job_line + 4);

	while ((p = strstr(p, "pgrp="))) {
		p += 5;
		if (atoi(p) != job) {
			printf("a process of the job is in group %d, not %d\n",
			       atoi(p), job);
			return false;
		}
	}
	return true;
}

int
main(int argc, char **argv)
{
	struct run r = { -1, -1, -1, "" };
	int ev[2], cmd[2], status;
	char job_line[64] = "", *slave;
	bool ok = false, core_ok = false;
	const char *mode;
	struct rlimit rl;
	pid_t sh;

	if (argc > 1 && strcmp(argv[1], "-C") == 0) {
		core_ok = true;
		argc--;
		argv++;
	}
	mode = argc > 1 ? argv[1] : "";
	if (argc < 3 ||
	    (strcmp(mode, "intr") != 0 && strcmp(mode, "quit") != 0 &&
	     strcmp(mode, "susp") != 0 && strcmp(mode, "bg") != 0 &&
	     strcmp(mode, "ttin") != 0)) {
		fprintf(stderr, "usage: ptyrun [-C] intr|quit|susp|bg|ttin "
				"COMMAND [ARG]...\n");
		return 99;
	}
	alarm(ALARM_SECS);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* so the command may dump core: sandbox-run itself must not */
	if (getrlimit(RLIMIT_CORE, &rl) == 0) {
		rl.rlim_cur =
		    rl.rlim_max == RLIM_INFINITY || rl.rlim_max > (64UL << 20)
			? 64UL << 20
			: rl.rlim_max;
		setrlimit(RLIMIT_CORE, &rl);
	}
	r.master = posix_openpt(O_RDWR | O_NOCTTY);
	if (r.master < 0 || grantpt(r.master) < 0 || unlockpt(r.master) < 0) {
		/* a container without /dev/pts: nothing to test here */
		perror("ptyrun: no pseudo-terminal");
		return 77;
	}
	if (pipe(ev) < 0 || pipe(cmd) < 0) {
		perror("ptyrun: pipe");
		return 99;
	}
	slave = strdup(ptsname(r.master));
	sh = fork();
	if (sh < 0) {
		perror("ptyrun: fork");
		return 99;
	}
	if (sh == 0) {
		close(r.master);
		close(ev[0]);
		close(cmd[1]);
		shell(slave, ev[1], cmd[0], strcmp(mode, "ttin") == 0,
		      argv + 2);
	}
	close(ev[1]);
	close(cmd[0]);
	r.events = ev[0];
	r.cmds = cmd[1];
	if (!read_event(r.master, r.events, job_line, sizeof(job_line), 10) ||
	    strncmp(job_line, "job ", 4) != 0) {
		printf("the shell did not start the job\n");
		goto out;
	}
	if (!wait_output(r.master, 0, "ready", 10)) {
		printf("the job never said ready\n");
		goto out;
	}
	if (strcmp(mode, "intr") == 0 || strcmp(mode, "quit") == 0) {
		bool intr = strcmp(mode, "intr") == 0;
		char want[32];

		if (write(r.master, intr ? "\003" : "\034", 1) != 1)
			goto out;
		if (!next_event(&r, intr ? "after ^C" : "after ^\\", 10))
			goto out;
		snprintf(want, sizeof(want), "signaled %d",
			 intr ? SIGINT : SIGQUIT);
		ok = strcmp(r.ev, want) == 0 ||
		     (core_ok && strncmp(r.ev, want, strlen(want)) == 0 &&
		      strcmp(r.ev + strlen(want), " core") == 0);
	} else if (strcmp(mode, "ttin") == 0) {
		/* it reads the terminal from the background: it must stop */
		if (!next_event(&r, "after its read", 10))
			goto out;
		if (strncmp(r.ev, "stopped ", 8) != 0 ||
		    strstr(output, "read:"))
			goto out;
		if (write(r.cmds, "f", 1) != 1)
			goto out;
		if (!next_event(&r, "after fg", 10) ||
		    strcmp(r.ev, "continued") != 0)
			goto out;
		if (write(r.master, "hello\n", 6) != 6)
			goto out;
		if (!next_event(&r, "at the end", 10))
			goto out;
		drain(r.master, 200);
		ok = strcmp(r.ev, "exited 0") == 0 &&
		     strstr(output, "read: hello");
	} else {
		bool bg = strcmp(mode, "bg") == 0;

		if (!suspend_and_resume(&r, bg) ||
		    (!bg && !suspend_and_resume(&r, false)))
			goto out;
		if (!next_event(&r, "at the end", 20))
			goto out;
		drain(r.master, 200);
		ok = strcmp(r.ev, "exited 0") == 0 && strstr(output, "done");
	}
	ok = pgrp_ok(job_line) && ok;
out:
	drain(r.master, 100);
	printf("--- terminal:\n%s\n---\n", output);
	/* whatever is left of the job, then the shell */
	if (atoi(job_line + 4) > 1)
		kill(-atoi(job_line + 4), SIGKILL);
	kill(sh, SIGKILL);
	waitpid(sh, &status, 0);
	return ok ? 0 : 1;
}
