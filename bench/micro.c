/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * bench/micro: the small programs bench/tracer.sh runs under each tracer.
 *
 *   micro getppid  [-n N | -t MS]   N getppid() calls
 *   micro openat   [-n N | -t MS]   N openat("/dev/null") + close() pairs
 *   micro forkexec [-n N]           N times fork, exec /bin/true, wait
 *   micro time [-o FILE] -- CMD...  run CMD, report its wall and CPU time
 *
 * The first three time their own loop (exec and attach costs stay out)
 * and print "ns_per_op=X ops=N" on stdout.  -t runs for at least MS
 * milliseconds instead of a fixed count, so that a configuration that
 * makes each call 100x dearer still finishes in the same time; the clock
 * is read through the vDSO, which takes no system call, every 64 calls.
 * "time" is the harness's stopwatch: it is not traced itself, and writes
 * "wall_s=X cpu_s=Y status=S" (CPU = user + system of the whole waited-for
 * tree, tracer included) to FILE or stderr, then exits as CMD did.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG  "micro"
#define BATCH 64

static void usage(int status) __attribute__((noreturn));
static void die(const char *what) __attribute__((noreturn));

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
		"usage: " PROG " getppid|openat [-n N | -t MS]\n"
		"       " PROG " forkexec [-n N]\n"
		"       " PROG " time [-o FILE] -- COMMAND [ARG]...\n");
	exit(status);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void
die(const char *what)
{
	fprintf(stderr, PROG ": %s: %s\n", what, strerror(errno));
	exit(1);
}

static void
op_getppid(void)
{
	/* the raw call: no libc may ever answer it from a cache */
	syscall(SYS_getppid);
}

static void
op_openat(void)
{
	int fd = openat(AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		die("openat /dev/null");
	close(fd);
}

static void
op_forkexec(void)
{
	static char *const argv[] = { "true", NULL };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execv("/bin/true", argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, PROG ": /bin/true failed (0x%x)\n", status);
		exit(1);
	}
}

static int
loop(int argc, char **argv, void (*op)(void), long def_n, int timed)
{
	long n = def_n, done = 0, i;
	double ms = 0, t0, t1;
	int opt;

	while ((opt = getopt(argc, argv, timed ? "n:t:" : "n:")) != -1) {
		switch (opt) {
		case 'n':
			n = strtol(optarg, NULL, 0);
			ms = 0;
			break;
		case 't':
			ms = strtod(optarg, NULL);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc || n <= 0)
		usage(2);
	t0 = now();
	if (ms > 0) {
		do {
			for (i = 0; i < BATCH; i++)
				op();
			done += BATCH;
			t1 = now();
		} while ((t1 - t0) * 1e3 < ms);
	} else {
		for (done = 0; done < n; done++)
			op();
		t1 = now();
	}
	printf("ns_per_op=%.1f ops=%ld\n", (t1 - t0) * 1e9 / (double)done,
	       done);
	return 0;
}

static int
run_timed(int argc, char **argv)
{
	const char *out = NULL;
	struct rusage ru;
	double t0, t1, cpu;
	int opt, status;
	pid_t pid;
	FILE *f;

	while ((opt = getopt(argc, argv, "+o:")) != -1) {
		if (opt != 'o')
			usage(2);
		out = optarg;
	}
	if (optind >= argc)
		usage(2);
	t0 = now();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		fprintf(stderr, PROG ": %s: %s\n", argv[optind],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4");
	t1 = now();
	cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
	      (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
	f = out ? fopen(out, "w") : stderr;
	if (!f)
		die(out);
	fprintf(f, "wall_s=%.6f cpu_s=%.6f status=%d\n", t1 - t0, cpu,
		WIFEXITED(status) ? WEXITSTATUS(status)
				  : 128 + WTERMSIG(status));
	if (out)
		fclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage(2);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		usage(0);
	if (strcmp(argv[1], "getppid") == 0)
		return loop(argc - 1, argv + 1, op_getppid, 1000000, 1);
	if (strcmp(argv[1], "openat") == 0)
		return loop(argc - 1, argv + 1, op_openat, 200000, 1);
	if (strcmp(argv[1], "forkexec") == 0)
		return loop(argc - 1, argv + 1, op_forkexec, 300, 0);
	if (strcmp(argv[1], "time") == 0)
		return run_timed(argc - 1, argv + 1);
	usage(2);
}
