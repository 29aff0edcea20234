/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * equiv: the kernel-equivalence suite for sandbox-run.
 *
 *   equiv PROBE KERNEL-RUN [SANDBOX-RUN]
 *
 * Each case is a chain of one to four filters and a script of calls for
 * PROBE (see probe.c).  The probe runs three ways, side by side: under
 * KERNEL-RUN, which installs the chain in the kernel, and under
 * SANDBOX-RUN with and without its kernel prefilter.  Its output (every
 * call's return value and SIGSYS siginfo, which threads lived, forked
 * children's wait statuses) and its own exit status or fatal signal must
 * be the same all three ways; sandbox-run's status must never carry a
 * core dump bit.  Without SANDBOX-RUN (or if it is not executable) only
 * the kernel half runs, twice per case, which checks that the probe's
 * output is deterministic; the exit status is then 77.
 *
 * The cases: every action from the main thread, another thread, a forked
 * child, a vfork child, a thread whose death another thread outlives and
 * several threads at once, with SIGSYS caught (plain, re-trapping inside
 * the handler, SA_NODEFER, SA_RESETHAND), blocked and ignored; x32
 * numbers, nr -1, unallocated numbers, rax values wider than 32 bits,
 * libc's syscall(3) and (where the host runs 32-bit code) int $0x80; each
 * argument register half and the instruction pointer; KILL_THREAD on the
 * main thread and on the last live thread; exit(2), exit_group(2),
 * rt_sigreturn(2) and the calls the supervisor handles itself, filtered;
 * chains of two to four filters; then random chains of random filters
 * (nr, arch, arguments, instruction pointer, ALU, scratch memory, RET A)
 * with random scripts; waits that a tracer's signal stops would disturb,
 * job control, and calls through the vsyscall page.
 *
 * Environment: EQUIV_SEED (default: from the time; printed), EQUIV_SCALE
 * (multiplies the random cases, default 1), EQUIV_FAILDIR (a directory in
 * which each mismatching case's filters and a command to re-run it are
 * kept), EQUIV_INHERITED=1 (running under an inherited filter: only calls
 * a Docker-like allow-list lets through, see README.md), EQUIV_PART (main,
 * the default: the hand-written cases and the random ones; hand: those
 * alone; random: the random cases alone), EQUIV_SAMPLE=N (run
 * one case in N), EQUIV_JOBS (cases run side by side; default two per
 * CPU, at most 4).
 * Exit status: 0 all equal, 1 a difference, 77 kernel half only or no
 * seccomp, 99 a setup failure.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "bpf/bpf.h"

#define MAX_CHAIN   4
#define MAX_ARGS    512
#define OUT_MAX	    16384
#define ERR_MAX	    2048
#define RUN_TIMEOUT 40

#define NR_WRITE	   1
#define NR_GETPID	   39
#define NR_EXIT		   60
#define NR_GETUID	   102
#define NR_GETGID	   104
#define NR_GETEUID	   107
#define NR_GETPPID	   110
#define NR_GETPGRP	   111
#define NR_GETSID	   124
#define NR_GETTID	   186
#define NR_EXIT_GROUP	   231
#define NR_SECCOMP	   317
#define NR_FCNTL	   72
#define NR_KILL		   62
#define NR_PTRACE	   101
#define NR_SETPRIORITY	   141
#define NR_PRCTL	   157
#define NR_TKILL	   200
#define NR_RESTART_SYSCALL 219
#define NR_TGKILL	   234
#define NR_PRLIMIT64	   302
#define NR_PIDFD_OPEN	   434
#define NR_CLONE	   56
#define NR_EXECVE	   59
#define NR_I386_GETPPID	   64
#define X32		   0x40000000L

#define OFF_NR	   offsetof(struct seccomp_data, nr)
#define OFF_ARCH   offsetof(struct seccomp_data, arch)
#define OFF_IP	   offsetof(struct seccomp_data, instruction_pointer)
#define OFF_ARG(i) (offsetof(struct seccomp_data, args) + 8 * (i))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *probe, *kernel_run, *sandbox_run;
static char tmpdir[128];
static const char *faildir;
static uint64_t rng;
static uint64_t probe_ip, probe_ip80;
static bool have_i80, fixed_ip, aslr_off, inherited;
static unsigned int n_cases, n_runs, n_failed, n_skipped;

struct filter {
	struct sock_filter insn[BPF_MAXINSNS];
	size_t len;
};

struct kase {
	char name[200];
	struct filter chain[MAX_CHAIN];
	size_t n_chain;
	char *argv[MAX_ARGS];
	size_t argc;
	bool skip;
};

static struct kase kase;

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("equiv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(99);
}

/* xorshift64: small and the same everywhere, so a seed repeats a run */
static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int
pick(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static bool
chance(unsigned int percent)
{
	return pick(100) < percent;
}

/* ---- filters ---- */

static void
emit(struct filter *f, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (f->len == BPF_MAXINSNS)
		die("filter too long");
	f->insn[f->len++] = (struct sock_filter){ code, jt, jf, k };
}

#define LD(f, off) emit(f, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)(off))
#define RET(f, k)  emit(f, BPF_RET | BPF_K, 0, 0, (k))

/* Assembles BPF text (src/bpf/text.c) into @f. */
static void __attribute__((format(printf, 2, 3)))
assemble(struct filter *f, const char *fmt, ...)
{
	struct bpf_text_error err;
	struct sock_filter *prog;
	size_t len;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	if (bpf_text_asm(text, strlen(text), &prog, &len, &err) != 0)
		die("bad filter text at %u:%u: %s\n%s", err.line, err.col,
		    err.msg, text);
	if (len > BPF_MAXINSNS)
		die("filter too long");
	memcpy(f->insn, prog, len * sizeof(*prog));
	f->len = len;
	free(prog);
	free(text);
}

/* "nr == @nr (and arch == @arch) decides @act; all else is allowed" */
static void
one_rule(struct filter *f, uint32_t arch, uint32_t nr, uint32_t act)
{
	assemble(f,
		 "	ld [arch]\n"
		 "	jeq #%#x, n1, allow\n"
		 "n1:	ld [nr]\n"
		 "	jeq #%#x, n2, allow\n"
		 "n2:	ret #%#x\n"
		 "allow:	ret ALLOW\n",
		 arch, nr, act);
}

/* the same, for a call whose argument @arg is @val */
static void
one_rule_arg(struct filter *f, uint32_t nr, int arg, uint32_t val, uint32_t act)
{
	assemble(f,
		 "	ld [arch]\n"
		 "	jeq #%#x, n1, allow\n"
		 "n1:	ld [nr]\n"
		 "	jeq #%#x, n2, allow\n"
		 "n2:	ld [arg%d.lo]\n"
		 "	jeq #%#x, n3, allow\n"
		 "n3:	ret #%#x\n"
		 "allow:	ret ALLOW\n",
		 AUDIT_ARCH_X86_64, nr, arg, val, act);
}

static void
one_rule_arg0(struct filter *f, uint32_t nr, uint32_t arg0, uint32_t act)
{
	one_rule_arg(f, nr, 0, arg0, act);
}

/* ---- scripts ---- */

/*
 * Under an inherited Docker-like filter, only the calls it allows: one it
 * refuses never reaches sandbox-run, a difference sandbox-run(1)
 * documents.  The kernel sees the low 32 bits of rax as the number.
 */
static bool
inherited_allows(char how, long nr)
{
	static const int32_t ok[] = {
		NR_WRITE,   NR_GETPID,	   NR_EXIT,
		NR_GETUID,  NR_GETGID,	   NR_GETEUID,
		NR_GETPPID, NR_GETPGRP,	   NR_GETSID,
		NR_GETTID,  NR_EXIT_GROUP, NR_KILL,
		NR_TKILL,   NR_TGKILL,	   NR_PRCTL,
		NR_SECCOMP, NR_PTRACE,	   NR_PIDFD_OPEN,
		NR_FCNTL,   NR_PRLIMIT64,  NR_SETPRIORITY,
		NR_CLONE,   NR_EXECVE,	   NR_RESTART_SYSCALL,
	};
	size_t i;

	if (how == 'i' || how == 'l')
		return false;
	for (i = 0; i < ARRAY_SIZE(ok); i++)
		if ((int32_t)nr == ok[i])
			return true;
	return false;
}

static void __attribute__((format(printf, 2, 3)))
add_arg(struct kase *k, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (k->argc + 1 >= MAX_ARGS)
		die("script too long");
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	k->argv[k->argc++] = s;
	k->argv[k->argc] = NULL;
}

/* Several ops at once, separated by spaces. */
static void
add_ops(struct kase *k, const char *ops)
{
	char *copy = strdup(ops), *save = NULL, *tok;

	if (!copy)
		die("out of memory");
	for (tok = strtok_r(copy, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		add_arg(k, "%s", tok);
	free(copy);
}

static void
add_call(struct kase *k, char how, long nr, const uint64_t *a)
{
	int i;

	if (inherited && !inherited_allows(how, nr))
		k->skip = true;
	add_arg(k, "%c", how);
	add_arg(k, "%#lx", (unsigned long)nr);
	for (i = 0; i < 6; i++)
		add_arg(k, "%#" PRIx64, a ? a[i] : 0);
}

/* @n threads making the call at once: P N NR A0..A5 */
static void
add_par(struct kase *k, unsigned int n, long nr, const uint64_t *a)
{
	int i;

	if (inherited && !inherited_allows('c', nr))
		k->skip = true;
	add_arg(k, "P");
	add_arg(k, "%u", n);
	add_arg(k, "%#lx", (unsigned long)nr);
	for (i = 0; i < 6; i++)
		add_arg(k, "%#" PRIx64, a ? a[i] : 0);
}

static void __attribute__((format(printf, 2, 3)))
set_name(struct kase *k, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k->name, sizeof(k->name), fmt, ap);
	va_end(ap);
}

static void
free_case(struct kase *k)
{
	size_t i;

	for (i = 0; i < k->argc; i++)
		free(k->argv[i]);
	k->argc = 0;
	k->n_chain = 0;
	k->skip = false;
}

/* ---- running ---- */

struct result {
	char out[OUT_MAX];
	char err[ERR_MAX];
	size_t out_len, err_len;
	int status;
};

struct job {
	pid_t pid;
	int fd[2]; /* stdout, stderr */
	struct result *res;
};

static void
write_file(const char *path, const void *buf, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, buf, size) != (ssize_t)size)
		die("%s: %s", path, strerror(errno));
	close(fd);
}

static void
write_chain(const struct kase *k, const char *dir, char paths[][256])
{
	size_t i;

	for (i = 0; i < k->n_chain; i++) {
		snprintf(paths[i], 256, "%s/f%zu.bpf", dir, i + 1);
		write_file(paths[i], k->chain[i].insn,
			   k->chain[i].len * sizeof(struct sock_filter));
	}
}

static void
start(struct job *j, const char *const *argv, struct result *res)
{
	int out[2], err[2];

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	j->res = res;
	res->out_len = res->err_len = 0;
	j->pid = fork();
	if (j->pid < 0)
		die("fork: %s", strerror(errno));
	if (j->pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		/* a hang fails the case instead of stalling the suite */
		alarm(RUN_TIMEOUT);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	j->fd[0] = out[0];
	j->fd[1] = err[0];
	n_runs++;
}

/* Collects the output and wait status of every job. */
static void
finish(struct job *jobs, size_t n)
{
	struct pollfd pfd[8];
	size_t i, open_fds = 2 * n;

	while (open_fds) {
		size_t m = 0;

		for (i = 0; i < 2 * n; i++)
			if (jobs[i / 2].fd[i % 2] >= 0) {
				pfd[m].fd = jobs[i / 2].fd[i % 2];
				pfd[m].events = POLLIN;
				m++;
			}
		if (poll(pfd, m, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		for (i = 0; i < 2 * n; i++) {
			struct job *j = &jobs[i / 2];
			struct result *r = j->res;
			int *fd = &j->fd[i % 2];
			char *buf = i % 2 ? r->err : r->out;
			size_t *len = i % 2 ? &r->err_len : &r->out_len;
			size_t cap = i % 2 ? ERR_MAX : OUT_MAX;
			char sink[4096];
			size_t k;
			ssize_t got;

			for (k = 0; k < m; k++)
				if (pfd[k].fd == *fd && pfd[k].revents)
					break;
			if (*fd < 0 || k == m)
				continue;
			if (*len < cap - 1)
				got = read(*fd, buf + *len, cap - 1 - *len);
			else
				got = read(*fd, sink, sizeof(sink));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(*fd);
				*fd = -1;
				open_fds--;
				continue;
			}
			if (*len < cap - 1)
				*len += (size_t)got;
		}
	}
	for (i = 0; i < n; i++) {
		struct result *r = jobs[i].res;

		r->out[r->out_len] = '\0';
		r->err[r->err_len] = '\0';
		while (waitpid(jobs[i].pid, &r->status, 0) < 0)
			if (errno != EINTR)
				die("waitpid: %s", strerror(errno));
	}
}

/*
 * The top-level outcome as compared: sandbox-run re-raises a fatal signal
 * without a core dump, so the kernel side's core bit is left out (the
 * probe turns cores off anyway).
 */
static void
describe_status(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "status %#x", status);
}

static size_t
build_argv(const char **argv, const char *runner, const char *opt,
	   const struct kase *k, char paths[][256])
{
	size_t i, n = 0;

	argv[n++] = runner;
	if (opt)
		argv[n++] = opt;
	for (i = 0; i < k->n_chain; i++) {
		argv[n++] = "--bpf";
		argv[n++] = paths[i];
	}
	argv[n++] = "--";
	argv[n++] = probe;
	for (i = 0; i < k->argc; i++)
		argv[n++] = k->argv[i];
	argv[n] = NULL;
	return n;
}

static void
print_indented(const char *text)
{
	const char *p = text, *nl;

	if (!*p) {
		printf("    (nothing)\n");
		return;
	}
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		printf("    %.*s\n", (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

/* Keeps the case where it can be run again by hand. */
static void
keep_case(const struct kase *k, const char *mode)
{
	static unsigned int n_kept;
	char dir[512], paths[MAX_CHAIN][256];
	const char *argv[MAX_ARGS + 16];
	size_t i, n;
	FILE *f;

	if (!faildir)
		return;
	snprintf(dir, sizeof(dir), "%s/case%u", faildir, ++n_kept);
	if (mkdir(faildir, 0755) < 0 && errno != EEXIST)
		die("%s: %s", faildir, strerror(errno));
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		die("%s: %s", dir, strerror(errno));
	write_chain(k, dir, paths);
	snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/run.sh");
	f = fopen(dir, "we");
	if (!f)
		die("%s: %s", dir, strerror(errno));
	fprintf(f, "#!/bin/sh\n# %s\n", k->name);
	for (int m = 0; m < 2; m++) {
		n = build_argv(argv, m ? sandbox_run : kernel_run,
			       m && strcmp(mode, "--no-prefilter") == 0
				   ? "--no-prefilter"
				   : NULL,
			       k, paths);
		fprintf(f, "%s",
			m ? "echo sandbox-run:\nsetarch -R "
			  : "echo kernel:\nsetarch -R ");
		for (i = 0; i < n; i++) {
			char *abs = i == 0 || strcmp(argv[i], probe) == 0
					? realpath(argv[i], NULL)
					: NULL;

			fprintf(f, "'%s' ", abs ? abs : argv[i]);
			free(abs);
		}
		fprintf(f, "; echo \"status $?\"\n");
	}
	fclose(f);
	chmod(dir, 0755);
	printf("  kept in %s\n", dir);
}

static void
report(const struct kase *k, const char *mode, const struct result *want,
       const struct result *got, const char *why)
{
	char ws[32], gs[32];
	size_t i;

	describe_status(want->status, ws, sizeof(ws));
	describe_status(got->status, gs, sizeof(gs));
	printf("MISMATCH %s (%s): %s\n  probe", k->name, mode, why);
	for (i = 0; i < k->argc; i++)
		printf(" %s", k->argv[i]);
	printf("\n  kernel: %s\n", ws);
	print_indented(want->out);
	printf("  sandbox-run %s: %s\n", mode, gs);
	print_indented(got->out);
	if (got->err[0]) {
		printf("  sandbox-run's stderr:\n");
		print_indented(got->err);
	}
	for (i = 0; i < k->n_chain; i++) {
		char *text;

		printf("  filter %zu of %zu (oldest first):\n", i + 1,
		       k->n_chain);
		if (bpf_text_disasm(k->chain[i].insn, k->chain[i].len, &text) ==
		    0) {
			print_indented(text);
			free(text);
		}
	}
	keep_case(k, mode);
}

static bool
compare(const struct kase *k, const char *mode, const struct result *want,
	const struct result *got)
{
	char ws[32], gs[32];

	describe_status(want->status, ws, sizeof(ws));
	describe_status(got->status, gs, sizeof(gs));
	if (strcmp(want->out, got->out) != 0) {
		report(k, mode, want, got, "different output");
		return false;
	}
	if (strcmp(ws, gs) != 0) {
		report(k, mode, want, got, "different exit status");
		return false;
	}
	if (sandbox_run && WIFSIGNALED(got->status) && WCOREDUMP(got->status)) {
		report(k, mode, want, got, "sandbox-run dumped core");
		return false;
	}
	return true;
}

/*
 * Cases run side by side, each in a slot of its own: its three runs (two
 * in the kernel half only) start together, and a slot is collected when
 * another case needs it, oldest first.
 */
#define MAX_SLOTS 4

static struct slot {
	struct kase k;
	char dir[256];
	char paths[MAX_CHAIN][256];
	const char *argv[3][MAX_ARGS + 16];
	struct job jobs[3];
	struct result res[3];
	unsigned long seq;
	bool busy;
} slots[MAX_SLOTS];
static unsigned int n_slots = 1;
/* EQUIV_SAMPLE: run one case in this many */
static unsigned int sample = 1, n_offered;

static void
collect(struct slot *s)
{
	static const char *const modes[] = { "default", "--no-prefilter" };
	size_t m;
	bool ok = true;

	finish(s->jobs, sandbox_run ? 3 : 2);
	if (sandbox_run) {
		for (m = 0; m < 2; m++)
			ok &= compare(&s->k, modes[m], &s->res[0],
				      &s->res[m + 1]);
	} else {
		ok = compare(&s->k, "kernel again", &s->res[0], &s->res[1]);
	}
	if (!ok)
		n_failed++;
	free_case(&s->k);
	s->busy = false;
}

static struct slot *
oldest_busy(void)
{
	struct slot *best = NULL;
	unsigned int i;

	for (i = 0; i < n_slots; i++)
		if (slots[i].busy && (!best || slots[i].seq < best->seq))
			best = &slots[i];
	return best;
}

static void
drain(void)
{
	struct slot *s;

	while ((s = oldest_busy()))
		collect(s);
}

/* Starts @k, which gives its script to the slot and comes back empty. */
static void
check_case(struct kase *k)
{
	static unsigned long seq;
	struct slot *s = NULL;
	unsigned int i;
	size_t m;

	if (k->skip || (sample > 1 && n_offered++ % sample != 0)) {
		n_skipped++;
		free_case(k);
		return;
	}
	n_cases++;
	for (i = 0; i < n_slots && !s; i++)
		if (!slots[i].busy)
			s = &slots[i];
	if (!s) {
		s = oldest_busy();
		collect(s);
	}
	memcpy(&s->k, k, sizeof(*k));
	k->argc = 0;
	k->n_chain = 0;
	k->skip = false;
	s->busy = true;
	s->seq = seq++;
	snprintf(s->dir, sizeof(s->dir), "%s/s%td", tmpdir, s - slots);
	if (mkdir(s->dir, 0755) < 0 && errno != EEXIST)
		die("%s: %s", s->dir, strerror(errno));
	write_chain(&s->k, s->dir, s->paths);
	build_argv(s->argv[0], kernel_run, NULL, &s->k, s->paths);
	if (sandbox_run) {
		build_argv(s->argv[1], sandbox_run, NULL, &s->k, s->paths);
		build_argv(s->argv[2], sandbox_run, "--no-prefilter", &s->k,
			   s->paths);
	} else {
		build_argv(s->argv[1], kernel_run, NULL, &s->k, s->paths);
	}
	for (m = 0; m < (sandbox_run ? 3 : 2); m++)
		start(&s->jobs[m], s->argv[m], &s->res[m]);
}

/* ---- hand-written cases ---- */

static const uint32_t actions[] = {
	SECCOMP_RET_ALLOW,
	SECCOMP_RET_LOG,
	SECCOMP_RET_ERRNO | 1,
	SECCOMP_RET_ERRNO | 0,
	SECCOMP_RET_ERRNO | 4095,
	SECCOMP_RET_ERRNO | 5000,
	SECCOMP_RET_TRAP | 0,
	SECCOMP_RET_TRAP | 42,
	SECCOMP_RET_TRACE | 0,
	SECCOMP_RET_TRACE | 7,
	SECCOMP_RET_USER_NOTIF,
	SECCOMP_RET_KILL_THREAD,
	SECCOMP_RET_KILL_PROCESS,
	0x00010000, /* unknown: acts as KILL_PROCESS */
	0x7fe00000, /* unknown */
};

/* one of each kind, for the cases that multiply */
static const uint32_t some_actions[] = {
	SECCOMP_RET_ALLOW,	  SECCOMP_RET_LOG,
	SECCOMP_RET_ERRNO | 1,	  SECCOMP_RET_ERRNO | 5000,
	SECCOMP_RET_TRAP | 42,	  SECCOMP_RET_TRACE | 7,
	SECCOMP_RET_USER_NOTIF,	  SECCOMP_RET_KILL_THREAD,
	SECCOMP_RET_KILL_PROCESS, 0x00010000,
};

static const uint64_t call_args[6] = { 1, 0xffffffff, 0x100000000, 0, 42, 7 };

/* Every action from everywhere, with SIGSYS caught, blocked, ignored. */
static void
hand_actions(struct kase *k)
{
	static const char *const setups[] = { "H", "B", "I" };
	size_t a, s, w;

	for (a = 0; a < ARRAY_SIZE(actions); a++) {
		for (w = 0; w < 6; w++) {
			for (s = 0; s < 3; s++) {
				/*
				 * Blocked and ignored matter to TRAP; the
				 * rest just must not mind, from one place.
				 * K only caught: a forced SIGSYS kills all.
				 */
				if (s > 0 &&
				    (w >= 3 || inherited ||
				     ((actions[a] & SECCOMP_RET_ACTION_FULL) !=
					  SECCOMP_RET_TRAP &&
				      w > 0)))
					continue;
				set_name(k, "action %#x via %c, SIGSYS %s",
					 actions[a], "ctfKvP"[w], setups[s]);
				k->n_chain = 1;
				one_rule(&k->chain[0], AUDIT_ARCH_X86_64,
					 NR_GETPPID, actions[a]);
				add_arg(k, "%s", setups[s]);
				if (w == 5)
					add_par(k, 4, NR_GETPPID, call_args);
				else
					add_call(k, "ctfKv"[w], NR_GETPPID,
						 call_args);
				add_call(k, 'c', NR_GETPID, NULL);
				check_case(k);
			}
		}
	}
}

/* TRAP with handlers that trap again, SA_NODEFER and SA_RESETHAND. */
static void
hand_traps(struct kase *k)
{
	static const char *const setups[] = { "N", "D", "R" };
	static const uint32_t traps[] = { SECCOMP_RET_TRAP | 3,
					  SECCOMP_RET_ERRNO | 9,
					  SECCOMP_RET_KILL_THREAD };
	size_t a, s, w;

	for (a = 0; a < ARRAY_SIZE(traps); a++) {
		for (s = 0; s < ARRAY_SIZE(setups); s++) {
			for (w = 0; w < 3; w++) {
				set_name(k, "%#x via %c twice, SIGSYS %s",
					 traps[a], "ctf"[w], setups[s]);
				k->n_chain = 1;
				one_rule(&k->chain[0], AUDIT_ARCH_X86_64,
					 NR_GETPPID, traps[a]);
				add_arg(k, "%s", setups[s]);
				add_call(k, "ctf"[w], NR_GETPPID, call_args);
				add_call(k, "ctf"[w], NR_GETPPID, NULL);
				add_call(k, 'c', NR_GETPID, NULL);
				check_case(k);
			}
		}
	}
	/* the mask is per thread: block in a thread only, or in main only */
	for (a = 0; a < ARRAY_SIZE(traps); a++) {
		set_name(k, "%#x in a thread that blocks SIGSYS", traps[a]);
		k->n_chain = 1;
		one_rule(&k->chain[0], AUDIT_ARCH_X86_64, NR_GETPPID, traps[a]);
		add_ops(k, "T B");
		add_call(k, 'c', NR_GETPID, NULL);
		add_call(k, 'c', NR_GETPPID, NULL);
		add_ops(k, ".");
		add_call(k, 'c', NR_GETPPID, NULL);
		check_case(k);
		set_name(k, "%#x in a thread that unblocks SIGSYS", traps[a]);
		k->n_chain = 1;
		one_rule(&k->chain[0], AUDIT_ARCH_X86_64, NR_GETPPID, traps[a]);
		add_ops(k, "B T U");
		add_call(k, 'c', NR_GETPPID, NULL);
		add_ops(k, ". T");
		add_call(k, 'c', NR_GETPPID, NULL);
		add_ops(k, ".");
		add_call(k, 'c', NR_GETPID, NULL);
		check_case(k);
	}
}

/* Numbers the filter sees as they are, or truncated to 32 bits. */
static void
hand_numbers(struct kase *k)
{
	static const struct {
		const char *what;
		char how;
		long nr;      /* what the probe puts in rax */
		uint32_t fnr; /* what the filter matches */
		uint32_t arch;
	} nums[] = {
		{ "x32 getppid", 'c', X32 | NR_GETPPID, X32 | NR_GETPPID,
		  AUDIT_ARCH_X86_64 },
		{ "nr -1", 'c', -1, 0xffffffff, AUDIT_ARCH_X86_64 },
		{ "nr 1000", 'c', 1000, 1000, AUDIT_ARCH_X86_64 },
		{ "rax 1<<32 | getppid", 'c', (long)0x100000000 | NR_GETPPID,
		  NR_GETPPID, AUDIT_ARCH_X86_64 },
		{ "rax -1<<32 | getppid", 'c',
		  (long)0xffffffff00000000 | NR_GETPPID, NR_GETPPID,
		  AUDIT_ARCH_X86_64 },
		{ "rax 1<<32 | x32 getppid", 'c',
		  (long)0x100000000 | X32 | NR_GETPPID, X32 | NR_GETPPID,
		  AUDIT_ARCH_X86_64 },
		{ "libc syscall(getppid)", 'l', NR_GETPPID, NR_GETPPID,
		  AUDIT_ARCH_X86_64 },
		{ "i386 getppid", 'i', NR_I386_GETPPID, NR_I386_GETPPID,
		  AUDIT_ARCH_I386 },
	};
	size_t a, i;

	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		if (nums[i].how == 'i' && !have_i80)
			continue;
		if (nums[i].how == 'l' && !aslr_off)
			continue;
		for (a = 0; a < ARRAY_SIZE(some_actions); a++) {
			set_name(k, "action %#x on %s", some_actions[a],
				 nums[i].what);
			k->n_chain = 1;
			one_rule(&k->chain[0], nums[i].arch, nums[i].fnr,
				 some_actions[a]);
			add_call(k, nums[i].how, nums[i].nr, call_args);
			add_call(k, 'c', NR_GETPID, NULL);
			check_case(k);
		}
	}
}

/*
 * Each half of each argument register, and the instruction pointer: a
 * supervisor reading the wrong register (rcx for r10, say) gets another
 * answer.
 */
static void
hand_args(struct kase *k)
{
	static const uint32_t acts[] = { SECCOMP_RET_ERRNO, SECCOMP_RET_TRAP };
	char text[4096];
	size_t a, j, n;

	for (a = 0; a < ARRAY_SIZE(acts); a++) {
		set_name(k, "argument halves decide %#x", acts[a]);
		k->n_chain = 1;
		n = (size_t)snprintf(text, sizeof(text),
				     "	ld [nr]\n	jeq #%d, l0, allow\n",
				     NR_GETPPID);
		for (j = 0; j < 12; j++)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
					      "l%zu:	ld [arg%zu.%s]\n"
					      "	jeq #%#x, r%zu, l%zu\n"
					      "r%zu:	ret #%#x\n",
					      j, j / 2, j % 2 ? "hi" : "lo",
					      (uint32_t)(0xa0000000 + j), j,
					      j + 1, j,
					      acts[a] | (uint32_t)(100 + j));
		snprintf(text + n, sizeof(text) - n,
			 "l12:	ret #%#x\nallow:	ret ALLOW\n",
			 acts[a] | 99);
		assemble(&k->chain[0], "%s", text);
		for (j = 0; j <= 12; j++) {
			uint64_t args[6];
			size_t i;

			for (i = 0; i < 6; i++)
				args[i] = (uint64_t)(0xb0000001 + 2 * i) << 32 |
					  (0xb0000000 + 2 * i);
			if (j < 12) {
				uint64_t v = 0xa0000000 + j;

				if (j % 2)
					args[j / 2] =
					    (args[j / 2] & 0xffffffff) |
					    v << 32;
				else
					args[j / 2] =
					    (args[j / 2] & ~0xffffffffULL) | v;
			}
			add_call(k, j % 3 == 2 ? 't' : 'c', NR_GETPPID, args);
		}
		check_case(k);
	}
	if (!fixed_ip)
		return;
	set_name(k, "the instruction pointer decides");
	k->n_chain = 1;
	assemble(&k->chain[0],
		 "	ld [nr]\n"
		 "	jeq #%d, n1, allow\n"
		 "n1:	ld [ip.hi]\n"
		 "	jeq #%#x, n2, other\n"
		 "n2:	ld [ip.lo]\n"
		 "	jeq #%#x, n3, n4\n"
		 "n3:	ret ERRNO(7)\n"
		 "n4:	jeq #%#x, n5, other\n"
		 "n5:	ret TRAP(8)\n"
		 "other:	ret ERRNO(9)\n"
		 "allow:	ret ALLOW\n",
		 NR_GETPPID, (uint32_t)(probe_ip >> 32), (uint32_t)probe_ip,
		 (uint32_t)probe_ip + 2);
	add_call(k, 'c', NR_GETPPID, NULL);
	add_call(k, 't', NR_GETPPID, NULL);
	if (aslr_off)
		add_call(k, 'l', NR_GETPPID, NULL);
	check_case(k);
}

/* KILL_THREAD and friends where threads outlive each other. */
static void
hand_lifecycle(struct kase *k)
{
	static const char *const scripts[] = {
		/* the main thread dies, a watcher carries on */
		"K %1$s c %2$s",
		"K %1$s c %2$s E 3",
		"K %1$s c %2$s G 5",
		"K %1$s K %1$s c %2$s",
		"K %1$s T c %2$s . E 0",
		/* the main thread leaves: the next one is the last */
		"X c %1$s c %2$s",
		"X t %1$s c %2$s",
		"X K %1$s c %2$s E 4",
		"X X c %1$s",
		"X F c %1$s . c %2$s",
		/* in children */
		"F K %1$s c %2$s . c %2$s",
		"F X c %1$s . c %2$s",
		"F T c %1$s . c %2$s . c %2$s",
		"T T c %1$s . c %2$s . c %2$s",
		/* a thread dies while the main thread blocks SIGSYS */
		"B t %1$s U c %2$s",
		"E 6",
		"G 7",
	};
	static const uint32_t kills[] = { SECCOMP_RET_KILL_THREAD,
					  SECCOMP_RET_KILL_PROCESS,
					  SECCOMP_RET_TRAP | 1,
					  SECCOMP_RET_ERRNO | 2 };
	char victim[128], other[128], ops[512];
	size_t a, s;

	snprintf(victim, sizeof(victim), "%d 1 2 3 4 5 6", NR_GETPPID);
	snprintf(other, sizeof(other), "%d 0 0 0 0 0 0", NR_GETPID);
	for (a = 0; a < ARRAY_SIZE(kills); a++) {
		for (s = 0; s < ARRAY_SIZE(scripts); s++) {
			set_name(k, "%#x: %s", kills[a], scripts[s]);
			k->n_chain = 1;
			one_rule(&k->chain[0], AUDIT_ARCH_X86_64, NR_GETPPID,
				 kills[a]);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			snprintf(ops, sizeof(ops), scripts[s], victim, other);
#pragma GCC diagnostic pop
			add_ops(k, ops);
			check_case(k);
		}
	}
}

/* exit(2) and exit_group(2) themselves decided by the filter. */
static void
hand_exits(struct kase *k)
{
	static const uint32_t acts[] = {
		SECCOMP_RET_ALLOW,
		SECCOMP_RET_ERRNO | 1,
		SECCOMP_RET_TRAP | 42,
		SECCOMP_RET_TRACE | 7,
		SECCOMP_RET_KILL_THREAD,
		SECCOMP_RET_KILL_PROCESS,
		0x00010000,
	};
	static const uint64_t code77[6] = { 77 };
	static const struct {
		char how;
		long nr;
	} calls[] = {
		{ 'c', NR_EXIT_GROUP }, { 'c', NR_EXIT }, { 't', NR_EXIT },
		{ 'f', NR_EXIT_GROUP }, { 'K', NR_EXIT },
	};
	size_t a, i;

	for (a = 0; a < ARRAY_SIZE(acts); a++) {
		for (i = 0; i < ARRAY_SIZE(calls); i++) {
			set_name(k, "action %#x on %s(77) via %c", acts[a],
				 calls[i].nr == NR_EXIT ? "exit" : "exit_group",
				 calls[i].how);
			k->n_chain = 1;
			one_rule_arg0(&k->chain[0], (uint32_t)calls[i].nr, 77,
				      acts[a]);
			add_call(k, calls[i].how, calls[i].nr, code77);
			add_call(k, 'c', NR_GETPID, NULL);
			check_case(k);
		}
		/* the probe's own ending, through E and G */
		set_name(k, "action %#x on the probe's exit(77)", acts[a]);
		k->n_chain = 1;
		one_rule_arg0(&k->chain[0], NR_EXIT, 77, acts[a]);
		add_ops(k, "E 77");
		check_case(k);
		set_name(k, "action %#x on the probe's exit_group(77)",
			 acts[a]);
		k->n_chain = 1;
		one_rule_arg0(&k->chain[0], NR_EXIT_GROUP, 77, acts[a]);
		add_ops(k, "G 77");
		check_case(k);
	}
}

/* Precedence across chains, and which filter supplies the data. */
static void
hand_chains(struct kase *k)
{
	static const uint32_t errno_order[] = { SECCOMP_RET_ERRNO | 11,
						SECCOMP_RET_ERRNO | 13,
						SECCOMP_RET_ERRNO | 12 };
	uint64_t saved = rng;
	size_t a, b, i, c;

	for (a = 0; a < ARRAY_SIZE(actions); a++) {
		b = (a * 7 + 3) % ARRAY_SIZE(actions);
		set_name(k, "chain %#x then %#x", actions[a], actions[b]);
		k->n_chain = 2;
		one_rule(&k->chain[0], AUDIT_ARCH_X86_64, NR_GETPPID,
			 actions[a]);
		one_rule(&k->chain[1], AUDIT_ARCH_X86_64, NR_GETPPID,
			 (actions[b] & SECCOMP_RET_ACTION_FULL) |
			     ((actions[b] + 5) & SECCOMP_RET_DATA));
		add_call(k, 'c', NR_GETPPID, call_args);
		add_call(k, 'c', NR_GETPID, NULL);
		check_case(k);
	}
	set_name(k, "chain ERRNO 11, 13, 12: the newest wins a tie");
	k->n_chain = 3;
	for (i = 0; i < 3; i++)
		one_rule(&k->chain[i], AUDIT_ARCH_X86_64, NR_GETPPID,
			 errno_order[i]);
	add_call(k, 'c', NR_GETPPID, NULL);
	check_case(k);
	/* fixed pseudo-random chains of three and four */
	rng = 0x5eed;
	for (c = 0; c < 24; c++) {
		char desc[160];
		size_t n = 0;

		k->n_chain = 3 + c % 2;
		for (i = 0; i < k->n_chain; i++) {
			uint32_t act = actions[pick(ARRAY_SIZE(actions))];

			act = (act & SECCOMP_RET_ACTION_FULL) |
			      ((act + pick(3)) & SECCOMP_RET_DATA);
			one_rule(&k->chain[i], AUDIT_ARCH_X86_64, NR_GETPPID,
				 act);
			n += (size_t)snprintf(desc + n, sizeof(desc) - n,
					      " %#x", act);
		}
		set_name(k, "chain%s", desc);
		add_arg(k, "%s", c % 3 == 0 ? "B" : "H");
		add_call(k, "ctfK"[c % 4], NR_GETPPID, call_args);
		add_call(k, 'c', NR_GETPID, NULL);
		check_case(k);
	}
	rng = saved;
}

/* ---- random cases ---- */

/* a pid and a tid no process has (pid_max is at most 1 << 22) */
#define NO_PID 0x3fffffff

static const uint64_t a_kill[6] = { NO_PID, 0 };
static const uint64_t a_tgkill[6] = { NO_PID, NO_PID, 0 };
static const uint64_t a_prctl[6] = { 39 /* PR_GET_NO_NEW_PRIVS */ };
static const uint64_t a_seccomp[6] = { 99 /* no such operation */ };
static const uint64_t a_ptrace[6] = { 16 /* PTRACE_ATTACH */, NO_PID };
static const uint64_t a_fcntl[6] = { 1000, 10 /* F_SETSIG */, 0 };
static const uint64_t a_setprio[6] = { 0 /* PRIO_PROCESS */, NO_PID, 0 };
static const uint64_t a_clone[6] = { 0x800 /* CLONE_SIGHAND alone */ };
static const uint64_t a_zero[6] = { 0 };

/*
 * The calls scripts make.  Harmless ones, and the calls the supervisor
 * handles itself (signals, ptrace, seccomp, clone, exec...), made so that
 * they fail harmlessly when allowed.  A guarded victim is decided by the
 * filters only with its guard argument, so the probe's own calls of the
 * same number (exit, write, clone...) go through.
 */
static const struct victim {
	long nr;	      /* what the probe puts in rax */
	uint32_t fnr;	      /* the number filters see */
	int guard_arg;	      /* -1, or the argument that must match */
	int64_t guard;	      /* ... this value */
	const uint64_t *args; /* fixed arguments, or NULL for random ones */
	bool special;	      /* one the supervisor handles itself */
} victims[] = {
	{ NR_GETPPID, NR_GETPPID, -1, 0, NULL, false },
	{ NR_GETUID, NR_GETUID, -1, 0, NULL, false },
	{ NR_GETGID, NR_GETGID, -1, 0, NULL, false },
	{ NR_GETEUID, NR_GETEUID, -1, 0, NULL, false },
	{ NR_GETPGRP, NR_GETPGRP, -1, 0, NULL, false },
	{ NR_GETSID, NR_GETSID, -1, 0, NULL, false },
	{ NR_GETTID, NR_GETTID, -1, 0, NULL, false },
	{ (long)0x100000000 | NR_GETPPID, NR_GETPPID, -1, 0, NULL, false },
	{ NR_WRITE, NR_WRITE, 0, 1000, NULL, false },
	{ NR_EXIT, NR_EXIT, 0, 77, NULL, false },
	{ NR_EXIT_GROUP, NR_EXIT_GROUP, 0, 77, NULL, false },
	{ 1000, 1000, -1, 0, NULL, false },
	{ -1, 0xffffffff, -1, 0, NULL, false },
	{ X32 | NR_GETPPID, X32 | NR_GETPPID, -1, 0, NULL, false },
	{ X32 | NR_GETTID, X32 | NR_GETTID, -1, 0, NULL, false },
	{ NR_KILL, NR_KILL, 0, NO_PID, a_kill, true },
	{ NR_TKILL, NR_TKILL, 0, NO_PID, a_kill, true },
	{ NR_TGKILL, NR_TGKILL, 0, NO_PID, a_tgkill, true },
	{ (long)0x100000000 | NR_TGKILL, NR_TGKILL, 0, NO_PID, a_tgkill, true },
	{ NR_PRCTL, NR_PRCTL, 0, 39, a_prctl, true },
	{ NR_SECCOMP, NR_SECCOMP, 0, 99, a_seccomp, true },
	{ NR_PTRACE, NR_PTRACE, 1, NO_PID, a_ptrace, true },
	{ NR_PIDFD_OPEN, NR_PIDFD_OPEN, 0, NO_PID, a_kill, true },
	{ NR_FCNTL, NR_FCNTL, 0, 1000, a_fcntl, true },
	{ NR_PRLIMIT64, NR_PRLIMIT64, 0, NO_PID, a_kill, true },
	{ NR_SETPRIORITY, NR_SETPRIORITY, 1, NO_PID, a_setprio, true },
	{ NR_CLONE, NR_CLONE, 0, 0x800, a_clone, true },
	{ NR_EXECVE, NR_EXECVE, 0, 0, a_zero, true },
	{ NR_RESTART_SYSCALL, NR_RESTART_SYSCALL, -1, 0, a_zero, true },
};

static const uint64_t arg_pool[] = {
	0,	     1,		 2,
	42,	     0xffffffff, 0x100000000,
	0x1ffffffff, 0xdeadbeef, 0xffffffffffffffff,
	0xa0000000,  0x7fffffff, 0x80000000,
};

static const struct victim *
pick_victim(void)
{
	const struct victim *v;

	do
		v = &victims[pick(ARRAY_SIZE(victims))];
	while (inherited && !inherited_allows('c', v->nr));
	return v;
}

static uint32_t
random_action(void)
{
	static const uint32_t errnos[] = { 0, 1, 13, 22, 4095, 4096, 65535 };
	static const uint32_t unknown[] = { 0x00010000, 0x00040000, 0x10000000,
					    0x7fe00000, 0x7ffe0000, 0x90000000,
					    0xffff0000, 0x7fc10000 };
	unsigned int r = pick(100);
	uint32_t data = chance(50) ? pick(4) : pick(65536);

	if (r < 22)
		return SECCOMP_RET_ALLOW | (chance(80) ? 0 : data);
	if (r < 44)
		return SECCOMP_RET_ERRNO | errnos[pick(ARRAY_SIZE(errnos))];
	if (r < 54)
		return SECCOMP_RET_TRAP | data;
	if (r < 60)
		return SECCOMP_RET_KILL_THREAD | (chance(80) ? 0 : data);
	if (r < 66)
		return SECCOMP_RET_KILL_PROCESS | (chance(80) ? 0 : data);
	if (r < 74)
		return SECCOMP_RET_TRACE | data;
	if (r < 82)
		return SECCOMP_RET_LOG | (chance(80) ? 0 : data);
	if (r < 88)
		return SECCOMP_RET_USER_NOTIF | (chance(80) ? 0 : data);
	if (r < 96)
		return unknown[pick(ARRAY_SIZE(unknown))] | data;
	return (uint32_t)rnd();
}

static uint32_t
random_off(void)
{
	unsigned int r = pick(20);

	if (r < 2)
		return OFF_NR;
	if (r < 4)
		return OFF_ARCH;
	if (r < 6 && fixed_ip)
		return OFF_IP + 4 * pick(2);
	return (uint32_t)OFF_ARG(pick(6)) + 4 * pick(2);
}

static uint32_t
random_k(uint32_t off)
{
	uint64_t v = arg_pool[pick(ARRAY_SIZE(arg_pool))];

	if (chance(10))
		return (uint32_t)rnd();
	if (off == OFF_NR)
		return victims[pick(ARRAY_SIZE(victims))].fnr;
	if (off == OFF_ARCH)
		return pick(4) ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_I386;
	if (off == OFF_IP || off == OFF_IP + 4) {
		uint64_t ip = pick(3) ? probe_ip : probe_ip80;

		if (chance(20))
			ip += 2;
		return off == OFF_IP ? (uint32_t)ip : (uint32_t)(ip >> 32);
	}
	return (off % 8) ? (uint32_t)(v >> 32) : (uint32_t)v;
}

/* Tests on seccomp_data words, each deciding an action, then one. */
static void
simple_body(struct filter *f)
{
	static const uint16_t jops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	size_t t, m = pick(4);

	for (t = 0; t < m; t++) {
		uint32_t off = random_off();

		LD(f, off);
		emit(f, BPF_JMP | jops[pick(4)] | BPF_K, 0, 1, random_k(off));
		RET(f, random_action());
	}
	RET(f, random_action());
}

/*
 * Anything seccomp takes: loads of every word, LEN, immediates, ALU with
 * K and X (DIV by an X that may be 0), NEG, TAX/TXA, scratch memory,
 * forward jumps on K and X, RET K and RET A.  A scratch word is loaded
 * only if stored before the body's first jump, so the kernel's data-flow
 * check always passes.
 */
static void
rich_body(struct filter *f)
{
	static const uint16_t alu[] = { BPF_ADD, BPF_SUB, BPF_MUL,
					BPF_DIV, BPF_OR,  BPF_AND,
					BPF_XOR, BPF_LSH, BPF_RSH };
	static const uint16_t jops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	size_t len = 4 + pick(24), pc;
	uint16_t sure = 0;
	bool jumped = false;

	for (pc = 0; pc + 1 < len; pc++) {
		unsigned int r = pick(100), w;
		uint32_t rem = (uint32_t)(len - 1 - pc), k;
		uint16_t op;

		if (r < 20) {
			LD(f, random_off());
		} else if (r < 26) {
			emit(f, BPF_LD | BPF_IMM, 0, 0, random_k(OFF_ARG(0)));
		} else if (r < 30) {
			emit(f, BPF_LDX | BPF_IMM, 0, 0,
			     chance(40) ? 0 : random_k(OFF_ARG(0)));
		} else if (r < 32) {
			emit(f,
			     (chance(50) ? BPF_LD : BPF_LDX) | BPF_W | BPF_LEN,
			     0, 0, 0);
		} else if (r < 44) {
			op = alu[pick(ARRAY_SIZE(alu))];
			k = random_k(OFF_ARG(0));
			if (op == BPF_DIV && k == 0)
				k = 3;
			if (op == BPF_LSH || op == BPF_RSH)
				k = pick(32);
			emit(f, BPF_ALU | op | BPF_K, 0, 0, k);
		} else if (r < 52) {
			emit(f, BPF_ALU | alu[pick(ARRAY_SIZE(alu))] | BPF_X, 0,
			     0, 0);
		} else if (r < 54) {
			emit(f, BPF_ALU | BPF_NEG, 0, 0, 0);
		} else if (r < 60) {
			emit(f, BPF_MISC | (chance(50) ? BPF_TAX : BPF_TXA), 0,
			     0, 0);
		} else if (r < 66) {
			w = pick(BPF_MEMWORDS);
			emit(f, chance(50) ? BPF_ST : BPF_STX, 0, 0, w);
			if (!jumped)
				sure |= (uint16_t)(1U << w);
		} else if (r < 71 && sure) {
			do
				w = pick(BPF_MEMWORDS);
			while (!(sure & (1U << w)));
			emit(f, (chance(50) ? BPF_LD : BPF_LDX) | BPF_MEM, 0, 0,
			     w);
		} else if (r < 92) {
			uint32_t max = rem - 1 > 255 ? 255 : rem - 1;
			uint16_t src = chance(75) ? BPF_K : BPF_X;

			emit(f, BPF_JMP | jops[pick(4)] | src,
			     (uint8_t)pick(max + 1), (uint8_t)pick(max + 1),
			     src == BPF_K ? random_k(random_off()) : 0);
			jumped = true;
		} else if (r < 94) {
			emit(f, BPF_JMP | BPF_JA, 0, 0, pick(rem));
			jumped = true;
		} else if (r < 98) {
			RET(f, random_action());
		} else {
			emit(f, BPF_RET | BPF_A, 0, 0, 0);
		}
	}
	/*
	 * The end every jump may aim at: RET K, or RET A with an action put
	 * on top, so the data is computed from the call.
	 */
	if (chance(25)) {
		emit(f, BPF_ALU | BPF_AND | BPF_K, 0, 0, 0xffff);
		emit(f, BPF_ALU | BPF_OR | BPF_K, 0, 0,
		     random_action() & SECCOMP_RET_ACTION_FULL);
		emit(f, BPF_RET | BPF_A, 0, 0, 0);
	} else {
		RET(f, random_action());
	}
}

static void
random_filter(struct filter *f)
{
	size_t i, n = 1 + pick(4);

	do {
		f->len = 0;
		/* now and then, something the action cache cannot follow:
		 * then every call of the probe runs the filter */
		if (chance(10))
			emit(f, BPF_LDX | BPF_W | BPF_LEN, 0, 0, 0);
		/*
		 * kernel-run installs the filters one by one, so each install
		 * is judged by the filters before it: let seccomp(2) through,
		 * but for the probe's own seccomp(99, ...).
		 */
		LD(f, OFF_NR);
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, NR_SECCOMP);
		LD(f, OFF_ARG(0));
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 99);
		RET(f, SECCOMP_RET_ALLOW);
		if (chance(25)) {
			/* the other arch gets one action (none of the
			 * probe's own calls is i386) */
			LD(f, OFF_ARCH);
			emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0,
			     AUDIT_ARCH_X86_64);
			RET(f,
			    chance(50) ? SECCOMP_RET_ALLOW : random_action());
		}
		/* if nr == victim { body } for a few victims, then a default */
		for (i = 0; i < n; i++) {
			const struct victim *v = pick_victim();
			size_t jeq;

			LD(f, OFF_NR);
			jeq = f->len;
			emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, v->fnr);
			if (v->guard_arg >= 0) {
				LD(f, OFF_ARG(v->guard_arg));
				emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0,
				     (uint32_t)v->guard);
				RET(f, SECCOMP_RET_ALLOW);
			}
			if (chance(40))
				rich_body(f);
			else
				simple_body(f);
			f->insn[jeq].jf = (uint8_t)(f->len - jeq - 1);
		}
		RET(f, chance(90) ? SECCOMP_RET_ALLOW : SECCOMP_RET_LOG);
	} while (bpf_prog_check(f->insn, f->len, NULL) != 0);
}

static void
random_call(struct kase *k, char how)
{
	const struct victim *v = pick_victim();
	uint64_t a[6];
	size_t j;

	for (j = 0; j < 6; j++)
		a[j] = arg_pool[pick(ARRAY_SIZE(arg_pool))];
	if (v->args)
		memcpy(a, v->args, sizeof(a));
	else if (v->guard_arg >= 0)
		a[v->guard_arg] =
		    (uint64_t)v->guard + (v->nr == NR_WRITE ? pick(2) : 0);
	if (how == 'c' && have_i80 && chance(10)) {
		add_call(k, 'i', pick(2) ? NR_I386_GETPPID : 20, a);
		return;
	}
	if (how == 'c' && aslr_off && !inherited && chance(10))
		how = 'l';
	if (how == 'P')
		add_par(k, 2 + pick(3), v->nr, a);
	else
		add_call(k, how, v->nr, a);
}

static void
random_ops(struct kase *k, unsigned int depth, bool thread, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned int r = pick(100);

		if (r < 10) {
			add_arg(k, "%c", "HHNDRIBUU"[pick(9)]);
		} else if (r < 58) {
			random_call(k, 'c');
		} else if (r < 66) {
			random_call(k, 't');
		} else if (r < 68) {
			random_call(k, 'f');
		} else if (r < 70) {
			random_call(k, 'P');
		} else if (r < 72) {
			random_call(k, 'v');
		} else if (r < 78 && !thread) {
			random_call(k, 'K');
		} else if (r < 83 && depth < 2) {
			add_arg(k, "T");
			random_ops(k, depth + 1, true, 1 + pick(3));
			add_arg(k, ".");
		} else if (r < 88 && depth < 2) {
			add_arg(k, "F");
			random_ops(k, depth + 1, false, 1 + pick(3));
			add_arg(k, ".");
		} else if (r < 91 && !thread) {
			add_arg(k, "X");
		} else {
			random_call(k, 'c');
		}
	}
}

static void
random_cases(unsigned int count)
{
	unsigned int c;
	size_t i;

	for (c = 0; c < count; c++) {
		struct kase *k = &kase;

		set_name(k, "random case %u", c);
		k->n_chain = 1 + pick(MAX_CHAIN);
		for (i = 0; i < k->n_chain; i++)
			random_filter(&k->chain[i]);
		random_ops(k, 0, false, 3 + pick(6));
		if (chance(10)) {
			add_arg(k, "%c", "EG"[pick(2)]);
			add_arg(k, "%u", pick(2) ? 77 : 3);
		}
		check_case(k);
	}
}

/* The calls the supervisor handles itself, decided by the filter. */
static void
hand_special(struct kase *k)
{
	static const uint32_t acts[] = {
		SECCOMP_RET_ALLOW,
		SECCOMP_RET_ERRNO | 1,
		SECCOMP_RET_TRAP | 42,
		SECCOMP_RET_KILL_THREAD,
	};
	size_t a, i;

	for (i = 0; i < ARRAY_SIZE(victims); i++) {
		const struct victim *v = &victims[i];

		if (!v->special)
			continue;
		for (a = 0; a < ARRAY_SIZE(acts); a++) {
			set_name(k, "action %#x on special call %#lx", acts[a],
				 (unsigned long)v->nr);
			k->n_chain = 1;
			if (v->guard_arg >= 0)
				one_rule_arg(&k->chain[0], v->fnr, v->guard_arg,
					     (uint32_t)v->guard, acts[a]);
			else
				one_rule(&k->chain[0], AUDIT_ARCH_X86_64,
					 v->fnr, acts[a]);
			add_call(k, a % 2 ? 't' : 'c', v->nr, v->args);
			add_call(k, 'c', NR_GETPID, NULL);
			check_case(k);
		}
	}
}

/* rt_sigreturn itself decided, as a TRAP handler returns. */
static void
hand_sigreturn(struct kase *k)
{
	size_t a;

	for (a = 0; a < ARRAY_SIZE(some_actions); a++) {
		set_name(k, "action %#x on rt_sigreturn", some_actions[a]);
		k->n_chain = 1;
		assemble(&k->chain[0],
			 "	ld [nr]\n"
			 "	jeq #%d, trap, n1\n"
			 "n1:	jeq #15, act, allow\n"
			 "trap:	ret TRAP(7)\n"
			 "act:	ret #%#x\n"
			 "allow:	ret ALLOW\n",
			 NR_GETPPID, some_actions[a]);
		add_call(k, "ctfv"[a % 4], NR_GETPPID, NULL);
		add_call(k, 'c', NR_GETPID, NULL);
		check_case(k);
	}
}

/*
 * Waits disturbed by a signal the kernel discards: the default action of
 * SIGCHLD and SIGWINCH is to ignore them, so without a tracer nothing
 * happens; a tracer is told of them, which wakes the waiting call.  Some
 * calls then restart through restart_syscall(2), which filters see; some
 * fail with EINTR.  See README.md.
 */
static void
hand_wakeups(struct kase *k)
{
	static const char calls[] = "nkpsfet";
	static const uint32_t acts[] = { SECCOMP_RET_ALLOW,
					 SECCOMP_RET_ERRNO | 5,
					 SECCOMP_RET_KILL_PROCESS };
	size_t a, c;

	for (c = 0; c < strlen(calls); c++) {
		for (a = 0; a < ARRAY_SIZE(acts); a++) {
			/* ERRNO and KILL: restarting calls only */
			if (a > 0 && !strchr("nkpf", calls[c]))
				continue;
			set_name(k,
				 "call %c waits, %s; action %#x on "
				 "restart_syscall",
				 calls[c],
				 a == 2 ? "a thread sends SIGWINCH"
					: "a child exits",
				 acts[a]);
			k->n_chain = 1;
			one_rule(&k->chain[0], AUDIT_ARCH_X86_64,
				 NR_RESTART_SYSCALL, acts[a]);
			add_arg(k, "S");
			add_arg(k, "300");
			add_arg(k, "%c", a == 2 ? 'w' : 'c');
			add_arg(k, "%c", calls[c]);
			add_call(k, 'c', NR_GETPID, NULL);
			check_case(k);
		}
	}
}

/*
 * Job control: a waiting call that the process's stop interrupts restarts
 * once it continues, through restart_syscall(2) for some, and the filters
 * judge that restart, with a tracer or without.
 */
static void
hand_jobstop(struct kase *k)
{
	static const char calls[] = "nkpf";
	static const uint32_t acts[] = { SECCOMP_RET_ALLOW,
					 SECCOMP_RET_ERRNO | 5,
					 SECCOMP_RET_KILL_PROCESS };
	size_t a, c;

	for (c = 0; c < strlen(calls); c++) {
		for (a = 0; a < ARRAY_SIZE(acts); a++) {
			set_name(k,
				 "call %c waits, the process is stopped and "
				 "continued; action %#x on restart_syscall",
				 calls[c], acts[a]);
			k->n_chain = 1;
			one_rule(&k->chain[0], AUDIT_ARCH_X86_64,
				 NR_RESTART_SYSCALL, acts[a]);
			add_arg(k, "S");
			add_arg(k, "300");
			add_arg(k, "z");
			add_arg(k, "%c", calls[c]);
			add_call(k, 'c', NR_GETPID, NULL);
			check_case(k);
		}
	}
}

/*
 * Calls through the vsyscall page, which the kernel emulates: it runs
 * seccomp on them (a TRACE stops, but the tracer may only skip) but makes
 * no ptrace syscall stops.  Without the page (vsyscall=none) the calls
 * fault in every run alike.
 */
static void
hand_vsyscall(struct kase *k)
{
	static const uint32_t acts[] = {
		SECCOMP_RET_ALLOW,	 SECCOMP_RET_LOG,
		SECCOMP_RET_ERRNO | 5,	 SECCOMP_RET_TRAP | 1,
		SECCOMP_RET_TRACE | 2,	 SECCOMP_RET_USER_NOTIF,
		SECCOMP_RET_KILL_THREAD, SECCOMP_RET_KILL_PROCESS,
	};
	size_t a, w;

	for (a = 0; a < ARRAY_SIZE(acts); a++) {
		for (w = 0; w < 2; w++) {
			set_name(k,
				 "action %#x on vsyscall gettimeofday "
				 "and getcpu%s",
				 acts[a], w ? ", the first from a thread" : "");
			k->n_chain = 1;
			assemble(&k->chain[0],
				 "	ld [nr]\n"
				 "	jeq #96, act, n1\n"
				 "n1:	jeq #309, act, allow\n"
				 "act:	ret #%#x\n"
				 "allow:	ret ALLOW\n",
				 acts[a]);
			add_call(k, 'c', NR_GETPID, NULL);
			add_ops(k, w ? "T y 0 . y 2" : "y 0 y 2");
			add_call(k, 'c', NR_GETPID, NULL);
			check_case(k);
		}
	}
}

/*
 * With --no-prefilter, a vfork from a thread wakes the main thread waiting
 * in pthread_timedjoin_np() (a futex wait with a timeout), which then
 * resumes through restart_syscall(2).  Several vforks: it does not happen
 * every time.
 */
static void
hand_vfork_wakeup(struct kase *k)
{
	static const uint32_t acts[] = { SECCOMP_RET_TRAP | 2,
					 SECCOMP_RET_ERRNO | 5 };
	size_t a, i;

	for (a = 0; a < ARRAY_SIZE(acts); a++) {
		set_name(k,
			 "vforks from a thread while the main thread "
			 "waits; action %#x on restart_syscall",
			 acts[a]);
		k->n_chain = 1;
		one_rule(&k->chain[0], AUDIT_ARCH_X86_64, NR_RESTART_SYSCALL,
			 acts[a]);
		add_arg(k, "T");
		for (i = 0; i < 8; i++)
			add_call(k, 'v', NR_GETPID, NULL);
		add_arg(k, ".");
		check_case(k);
	}
}

/* ---- main ---- */

static void
cleanup(void)
{
	char cmd[sizeof(tmpdir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "equiv: cannot remove %s\n", tmpdir);
}

static void
probe_facts(void)
{
	static struct result r[2];
	const char *args[] = { probe, "ip", "i80", NULL };
	struct job jobs[2];
	uint64_t ip2 = 0, ip80;

	start(&jobs[0], args, &r[0]);
	start(&jobs[1], args, &r[1]);
	finish(jobs, 2);
	if (sscanf(r[0].out, "ip=%" SCNx64 " ip80=%" SCNx64, &probe_ip,
		   &probe_ip80) != 2 ||
	    sscanf(r[1].out, "ip=%" SCNx64 " ip80=%" SCNx64, &ip2, &ip80) != 2)
		die("the probe does not run: %s%s", r[0].out, r[0].err);
	/* the probe is not position-independent, but make sure */
	fixed_ip = probe_ip == ip2;
	if (!fixed_ip)
		printf("equiv: the probe moves between runs: no tests on the "
		       "instruction pointer\n");
	have_i80 = strstr(r[0].out, "i80=1") != NULL;
	if (!have_i80)
		printf("equiv: this host runs no 32-bit code: i386 cases "
		       "left out\n");
}

int
main(int argc, char **argv)
{
	const char *seed_env = getenv("EQUIV_SEED");
	const char *scale_env = getenv("EQUIV_SCALE");
	const char *inh = getenv("EQUIV_INHERITED");
	const char *jobs_env = getenv("EQUIV_JOBS");
	const char *part = getenv("EQUIV_PART");
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	double scale = scale_env ? strtod(scale_env, NULL) : 1.0;
	time_t t0 = time(NULL);
	uint64_t seed;

	if (argc != 3 && argc != 4) {
		fprintf(stderr,
			"usage: equiv PROBE KERNEL-RUN [SANDBOX-RUN]\n");
		return 99;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	probe = argv[1];
	kernel_run = argv[2];
	sandbox_run = argc == 4 ? argv[3] : NULL;
	if (sandbox_run && access(sandbox_run, X_OK) != 0) {
		printf("equiv: %s is not built: the kernel half only\n",
		       sandbox_run);
		sandbox_run = NULL;
	}
	faildir = getenv("EQUIV_FAILDIR");
	if (getenv("EQUIV_SAMPLE"))
		sample = (unsigned int)atoi(getenv("EQUIV_SAMPLE"));
	if (!part || !*part)
		part = "main";
	if (strcmp(part, "main") != 0 && strcmp(part, "hand") != 0 &&
	    strcmp(part, "random") != 0)
		die("EQUIV_PART is main, hand or random, not %s", part);
	/* a case is mostly waiting: two per CPU keep them busy */
	n_slots = jobs_env ? (unsigned int)atoi(jobs_env)
			   : (unsigned int)(cpus > 0 ? 2 * cpus : 1);
	if (n_slots < 1)
		n_slots = 1;
	if (n_slots > MAX_SLOTS)
		n_slots = MAX_SLOTS;
	inherited = inh && strcmp(inh, "1") == 0;
	if (prctl(PR_GET_SECCOMP) < 0) {
		printf("equiv: SKIP: no seccomp in this kernel\n");
		return 77;
	}
	seed = seed_env ? strtoull(seed_env, NULL, 0)
			: (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	rng = seed ? seed : 1;
	printf("equiv: EQUIV_SEED=%#" PRIx64 "\n", seed);
	/*
	 * The same addresses in every run, for libc's syscall() too, so
	 * that its siginfo compares.  An inherited filter may refuse it.
	 */
	aslr_off = personality(ADDR_NO_RANDOMIZE) != -1 &&
		   (personality(0xffffffff) & ADDR_NO_RANDOMIZE);
	if (!aslr_off)
		printf("equiv: cannot turn ASLR off: no calls through "
		       "libc\n");
	snprintf(tmpdir, sizeof(tmpdir), "%s/sandboxd-equiv.XXXXXX",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR")
						       : "/tmp");
	if (!mkdtemp(tmpdir))
		die("mkdtemp: %s: %s", tmpdir, strerror(errno));
	atexit(cleanup);
	probe_facts();
	if (inherited)
		printf("equiv: under an inherited filter: only calls it "
		       "allows\n");

	if (strcmp(part, "random") != 0) {
		hand_actions(&kase);
		hand_traps(&kase);
		hand_args(&kase);
		hand_lifecycle(&kase);
		hand_exits(&kase);
		hand_special(&kase);
		hand_sigreturn(&kase);
		hand_wakeups(&kase);
		hand_vfork_wakeup(&kase);
		hand_jobstop(&kase);
		hand_vsyscall(&kase);
		/* what the supervisor never sees under an inherited filter */
		if (!inherited) {
			hand_numbers(&kase);
			hand_chains(&kase);
		}
	}
	drain();
	printf("equiv: %u hand-written cases, %u mismatches\n", n_cases,
	       n_failed);
	if (strcmp(part, "hand") != 0)
		random_cases((unsigned int)(100 * scale));
	drain();
	printf("equiv: %u cases (%u left out), %u runs, %u mismatches, "
	       "%ld s\n",
	       n_cases, n_skipped, n_runs, n_failed, (long)(time(NULL) - t0));
	if (n_failed)
		return 1;
	if (!sandbox_run) {
		printf("equiv: SKIP: the sandbox-run half (the kernel half "
		       "passed)\n");
		return 77;
	}
	return 0;
}
