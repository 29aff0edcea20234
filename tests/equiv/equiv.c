/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * equiv: the kernel-equivalence suite for sandbox-run.
 *
 *   equiv PROBE KERNEL-RUN SANDBOX-RUN
 *
 * Each case is a chain of filters and a script of calls for PROBE (see
 * probe.c).  The probe runs three ways: under KERNEL-RUN, which installs
 * the chain in the kernel, and under SANDBOX-RUN with and without its
 * kernel prefilter.  Its output (every call's return value and SIGSYS
 * siginfo, which threads lived, forked children's wait statuses) and its
 * own wait status must be the same all three ways.
 *
 * The cases: every action, alone, from the main thread, another thread
 * and a forked child, with SIGSYS caught, blocked and ignored, for the
 * 64-bit ABI, x32 numbers, nr -1 and (where the host runs 32-bit code)
 * i386 through int $0x80; then random chains of random filters that
 * decide on nr, arch, arguments and the instruction pointer.
 *
 * Environment: EQUIV_SEED (default: from the time; printed), EQUIV_SCALE
 * (multiplies the random cases, default 1), EQUIV_FAILDIR (where the
 * filters of a failed case are kept; default: they are printed).
 * ASLR is turned off for the probes, so the instruction pointer is the
 * same in every run.  Exit status: 0 all equal, 1 a difference, 77 the
 * kernel has no seccomp, 99 a setup failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define MAX_INSNS   512
#define MAX_CHAIN   4
#define MAX_ARGS    160
#define OUT_MAX	    16384
#define RUN_TIMEOUT 30

static const char *probe, *kernel_run, *sandbox_run;
static char tmpdir[] = "/tmp/sandboxd-equiv.XXXXXX";
static uint64_t rng;
static uint32_t probe_ip;
static bool have_i80;
static bool fixed_ip = true;
static unsigned int n_cases, n_runs, n_failed;

struct filter {
	struct sock_filter insn[MAX_INSNS];
	size_t len;
};

struct kase {
	char name[96];
	struct filter chain[MAX_CHAIN];
	size_t n_chain;
	char *argv[MAX_ARGS];
	size_t argc;
};

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
	return (unsigned int)(rnd() % n);
}

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

static void
emit(struct filter *f, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k)
{
	if (f->len == MAX_INSNS)
		die("filter too long");
	f->insn[f->len++] = (struct sock_filter){ code, jt, jf, k };
}

#define LD(f, off) emit(f, BPF_LD | BPF_W | BPF_ABS, 0, 0, (off))
#define RET(f, k)  emit(f, BPF_RET | BPF_K, 0, 0, (k))

/* "nr == @nr (and arch == @arch) decides @act; all else is allowed" */
static void
one_rule(struct filter *f, uint32_t arch, uint32_t nr, uint32_t act)
{
	f->len = 0;
	LD(f, offsetof(struct seccomp_data, arch));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 3, arch);
	LD(f, offsetof(struct seccomp_data, nr));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, nr);
	RET(f, act);
	RET(f, SECCOMP_RET_ALLOW);
}

static void
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

static void
add_call(struct kase *k, char how, long nr, const uint64_t a[6])
{
	int i;

	add_arg(k, "%c", how);
	add_arg(k, "%ld", nr);
	for (i = 0; i < 6; i++)
		add_arg(k, "%#" PRIx64, a ? a[i] : 0);
}

static void
free_case(struct kase *k)
{
	size_t i;

	for (i = 0; i < k->argc; i++)
		free(k->argv[i]);
	k->argc = 0;
	k->n_chain = 0;
}

/* ---- running ---- */

struct result {
	char out[OUT_MAX];
	int status;
};

static void
write_chain(const struct kase *k, char paths[MAX_CHAIN][256])
{
	size_t i;

	for (i = 0; i < k->n_chain; i++) {
		int fd;

		snprintf(paths[i], 256, "%s/f%zu.bpf", tmpdir, i);
		fd = open(paths[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			  0644);
		if (fd < 0 ||
		    write(fd, k->chain[i].insn,
			  k->chain[i].len * sizeof(struct sock_filter)) !=
			(ssize_t)(k->chain[i].len * sizeof(struct sock_filter)))
			die("%s: %s", paths[i], strerror(errno));
		close(fd);
	}
}

static void
run(const char *const *argv, struct result *res)
{
	int fds[2], status;
	size_t len = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		die("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], 1);
		if (null >= 0)
			dup2(null, 2);
		alarm(RUN_TIMEOUT);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], res->out + len, OUT_MAX - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == OUT_MAX - 1)
			break;
	}
	res->out[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	res->status = status;
	n_runs++;
}

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

static void
report(const struct kase *k, const char *mode, const struct result *want,
       const struct result *got)
{
	char ws[32], gs[32];
	size_t i, j;

	describe_status(want->status, ws, sizeof(ws));
	describe_status(got->status, gs, sizeof(gs));
	printf("MISMATCH %s (%s)\n  script:", k->name, mode);
	for (i = 0; i < k->argc; i++)
		printf(" %s", k->argv[i]);
	printf("\n  kernel (%s):\n%s  sandbox-run %s (%s):\n%s", ws, want->out,
	       mode, gs, got->out);
	for (i = 0; i < k->n_chain; i++) {
		printf("  filter %zu:", i + 1);
		for (j = 0; j < k->chain[i].len; j++)
			printf(" {%#x,%u,%u,%#x}", k->chain[i].insn[j].code,
			       k->chain[i].insn[j].jt, k->chain[i].insn[j].jf,
			       k->chain[i].insn[j].k);
		printf("\n");
	}
}

static void
check_case(struct kase *k)
{
	static struct result want, got;
	char paths[MAX_CHAIN][256];
	const char *argv[MAX_ARGS + 16];
	static const char *const modes[] = { "default", "--no-prefilter" };
	size_t i, n, m;

	n_cases++;
	write_chain(k, paths);
	n = 0;
	argv[n++] = kernel_run;
	for (i = 0; i < k->n_chain; i++) {
		argv[n++] = "--bpf";
		argv[n++] = paths[i];
	}
	argv[n++] = "--";
	argv[n++] = probe;
	for (i = 0; i < k->argc; i++)
		argv[n++] = k->argv[i];
	argv[n] = NULL;
	run(argv, &want);
	for (m = 0; m < 2; m++) {
		argv[0] = sandbox_run;
		n = 1;
		if (m == 1)
			argv[n++] = "--no-prefilter";
		for (i = 0; i < k->n_chain; i++) {
			argv[n++] = "--bpf";
			argv[n++] = paths[i];
		}
		argv[n++] = "--";
		argv[n++] = probe;
		for (i = 0; i < k->argc; i++)
			argv[n++] = k->argv[i];
		argv[n] = NULL;
		run(argv, &got);
		if (strcmp(want.out, got.out) != 0 ||
		    want.status != got.status) {
			n_failed++;
			report(k, modes[m], &want, &got);
		}
	}
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

#define NR_GETPPID 110
#define NR_GETPID  39

static void
hand_cases(void)
{
	static const char *const setups[] = { "H", "B", "I" };
	const uint64_t args[6] = { 1, 0xffffffff, 0x100000000, 0, 42, 7 };
	size_t a, s, w;
	struct kase k = { 0 };

	for (a = 0; a < sizeof(actions) / sizeof(actions[0]); a++) {
		/* where: main thread, thread, forked child; SIGSYS setups */
		for (w = 0; w < 3; w++) {
			for (s = 0; s < 3; s++) {
				snprintf(k.name, sizeof(k.name),
					 "action %#x via %c, SIGSYS %s",
					 actions[a], "ctf"[w], setups[s]);
				k.n_chain = 1;
				one_rule(&k.chain[0], AUDIT_ARCH_X86_64,
					 NR_GETPPID, actions[a]);
				add_arg(&k, "%s", setups[s]);
				add_call(&k, "ctf"[w], NR_GETPPID, args);
				add_call(&k, 'c', NR_GETPID, NULL);
				check_case(&k);
				free_case(&k);
			}
		}
		/* x32 numbers and nr -1 reach the filter as they are */
		snprintf(k.name, sizeof(k.name), "action %#x on x32 getppid",
			 actions[a]);
		k.n_chain = 1;
		one_rule(&k.chain[0], AUDIT_ARCH_X86_64,
			 0x40000000 | NR_GETPPID, actions[a]);
		add_call(&k, 'c', 0x40000000 | NR_GETPPID, args);
		add_call(&k, 'c', NR_GETPID, NULL);
		check_case(&k);
		free_case(&k);
		snprintf(k.name, sizeof(k.name), "action %#x on nr -1",
			 actions[a]);
		k.n_chain = 1;
		one_rule(&k.chain[0], AUDIT_ARCH_X86_64, 0xffffffff,
			 actions[a]);
		add_call(&k, 'c', -1, args);
		add_call(&k, 'c', NR_GETPID, NULL);
		check_case(&k);
		free_case(&k);
		if (have_i80) {
			snprintf(k.name, sizeof(k.name),
				 "action %#x on i386 getppid", actions[a]);
			k.n_chain = 1;
			one_rule(&k.chain[0], AUDIT_ARCH_I386, 64, actions[a]);
			add_call(&k, 'i', 64, args);
			add_call(&k, 'c', NR_GETPID, NULL);
			check_case(&k);
			free_case(&k);
		}
	}
	/* precedence and tie-breaking across a chain */
	for (a = 0; a < sizeof(actions) / sizeof(actions[0]); a++) {
		size_t b = (a * 7 + 3) % (sizeof(actions) / sizeof(actions[0]));

		snprintf(k.name, sizeof(k.name), "chain %#x then %#x",
			 actions[a], actions[b]);
		k.n_chain = 2;
		one_rule(&k.chain[0], AUDIT_ARCH_X86_64, NR_GETPPID,
			 actions[a]);
		one_rule(&k.chain[1], AUDIT_ARCH_X86_64, NR_GETPPID,
			 (actions[b] & SECCOMP_RET_ACTION_FULL) |
			     ((actions[b] + 5) & SECCOMP_RET_DATA));
		add_call(&k, 'c', NR_GETPPID, args);
		add_call(&k, 'c', NR_GETPID, NULL);
		check_case(&k);
		free_case(&k);
	}
}

/* ---- random cases ---- */

static const long victims[] = {
	110,		  /* getppid */
	102,		  /* getuid */
	104,		  /* getgid */
	107,		  /* geteuid */
	111,		  /* getpgrp */
	124,		  /* getsid */
	1000,		  /* no such call */
	-1,		  /* the "skipped" number */
	0x40000000 | 110, /* x32 getppid */
};

/*
 * Under an inherited filter (EQUIV_INHERITED=1), only the victims it lets
 * through: a call it refuses never reaches sandbox-run, a difference
 * sandbox-run(1) documents.
 */
static size_t n_victims = sizeof(victims) / sizeof(victims[0]);

static const uint64_t arg_pool[] = {
	0,	     1,		 2,
	42,	     0xffffffff, 0x100000000,
	0x1ffffffff, 0xdeadbeef, 0xffffffffffffffff,
};

static uint32_t
random_action(void)
{
	static const uint32_t errnos[] = { 0, 1, 13, 22, 4095, 5000, 65535 };
	unsigned int r = pick(100);

	if (r < 25)
		return SECCOMP_RET_ALLOW;
	if (r < 50)
		return SECCOMP_RET_ERRNO | errnos[pick(7)];
	if (r < 60)
		return SECCOMP_RET_TRAP | pick(65536);
	if (r < 66)
		return SECCOMP_RET_KILL_THREAD;
	if (r < 72)
		return SECCOMP_RET_KILL_PROCESS;
	if (r < 80)
		return SECCOMP_RET_TRACE | pick(65536);
	if (r < 88)
		return SECCOMP_RET_LOG;
	if (r < 94)
		return SECCOMP_RET_USER_NOTIF;
	return 0x00010000u + (pick(0x7fe0) << 16); /* unknown values */
}

static uint32_t
random_k(uint32_t off)
{
	uint64_t v = arg_pool[pick(sizeof(arg_pool) / sizeof(arg_pool[0]))];

	if (off == offsetof(struct seccomp_data, arch))
		return pick(4) ? AUDIT_ARCH_X86_64 : AUDIT_ARCH_I386;
	if (off == offsetof(struct seccomp_data, instruction_pointer))
		return pick(2) ? probe_ip : probe_ip + 2;
	if (off == offsetof(struct seccomp_data, instruction_pointer) + 4)
		return 0;
	if (pick(5) == 0)
		return (uint32_t)rnd();
	return (off % 8) ? (uint32_t)(v >> 32) : (uint32_t)v;
}

static void
random_filter(struct filter *f)
{
	static const uint16_t jops[] = { BPF_JEQ, BPF_JGT, BPF_JGE, BPF_JSET };
	size_t i, n = 1 + pick(4), disp;
	uint32_t nrs[4];

	f->len = 0;
	/*
	 * kernel-run installs the filters one by one, so each install is
	 * judged by the filters before it: let seccomp(2) through, which
	 * the probe itself never calls.
	 */
	LD(f, offsetof(struct seccomp_data, nr));
	emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 317);
	RET(f, SECCOMP_RET_ALLOW);
	if (pick(4) == 0) {
		/*
		 * An arch check first: the other arch gets one action.  Not
		 * the probe's own: refusing its execve or exit_group would
		 * compare two launchers' failures, not two enforcements.
		 */
		LD(f, offsetof(struct seccomp_data, arch));
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, AUDIT_ARCH_X86_64);
		RET(f, pick(2) ? SECCOMP_RET_ALLOW : random_action());
	}
	LD(f, offsetof(struct seccomp_data, nr));
	for (i = 0; i < n; i++)
		nrs[i] = (uint32_t)victims[pick((unsigned int)n_victims)];
	/* dispatch: jeq per victim to its block, then the default */
	disp = f->len;
	for (i = 0; i < n; i++)
		emit(f, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, nrs[i]);
	RET(f, pick(10) ? SECCOMP_RET_ALLOW : SECCOMP_RET_LOG);
	for (i = 0; i < n; i++) {
		size_t t, m = pick(4);

		f->insn[disp + i].jt = (uint8_t)(f->len - (disp + i) - 1);
		for (t = 0; t < m; t++) {
			static const uint32_t offs[] = {
				offsetof(struct seccomp_data, args[0]),
				offsetof(struct seccomp_data, args[0]) + 4,
				offsetof(struct seccomp_data, args[1]),
				offsetof(struct seccomp_data, args[1]) + 4,
				offsetof(struct seccomp_data, args[2]),
				offsetof(struct seccomp_data, arch),
				offsetof(struct seccomp_data,
					 instruction_pointer),
				offsetof(struct seccomp_data,
					 instruction_pointer) +
				    4,
			};
			/* the last two are the instruction pointer's */
			uint32_t off = offs[pick(
			    (unsigned int)(sizeof(offs) / sizeof(offs[0])) -
			    (fixed_ip ? 0 : 2))];

			LD(f, off);
			emit(f, BPF_JMP | jops[pick(4)] | BPF_K, 0, 1,
			     random_k(off));
			RET(f, random_action());
		}
		RET(f, random_action());
	}
}

static void
random_cases(unsigned int count)
{
	struct kase k = { 0 };
	unsigned int c;

	for (c = 0; c < count; c++) {
		size_t i, n_ops = 3 + pick(5);

		snprintf(k.name, sizeof(k.name), "random case %u", c);
		k.n_chain = 1 + pick(3);
		for (i = 0; i < k.n_chain; i++)
			random_filter(&k.chain[i]);
		for (i = 0; i < n_ops; i++) {
			uint64_t a[6];
			size_t j;
			unsigned int r = pick(100);

			for (j = 0; j < 6; j++)
				a[j] = arg_pool[pick(sizeof(arg_pool) /
						     sizeof(arg_pool[0]))];
			if (r < 8)
				add_arg(&k, "%s", pick(2) ? "B" : "I");
			else if (r < 14)
				add_arg(&k, "H");
			add_call(&k,
				 r % 5 == 0   ? 't'
				 : r % 5 == 1 ? 'f'
					      : 'c',
				 victims[pick((unsigned int)n_victims)], a);
		}
		check_case(&k);
		free_case(&k);
	}
}

static void
cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "equiv: cannot remove %s\n", tmpdir);
}

int
main(int argc, char **argv)
{
	const char *seed_env = getenv("EQUIV_SEED");
	const char *scale_env = getenv("EQUIV_SCALE");
	double scale = scale_env ? strtod(scale_env, NULL) : 1.0;
	uint64_t seed;
	struct result r;
	const char *args[4];

	if (argc != 4) {
		fprintf(stderr, "usage: equiv PROBE KERNEL-RUN SANDBOX-RUN\n");
		return 99;
	}
	probe = argv[1];
	kernel_run = argv[2];
	sandbox_run = argv[3];
	if (prctl(PR_GET_SECCOMP) < 0) {
		printf("equiv: SKIP: no seccomp in this kernel\n");
		return 77;
	}
	seed = seed_env ? strtoull(seed_env, NULL, 0)
			: (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	rng = seed ? seed : 1;
	printf("equiv: EQUIV_SEED=%#" PRIx64 "\n", seed);
	/* the same addresses in every run, so ip tests mean the same */
	if (personality(ADDR_NO_RANDOMIZE) == -1 ||
	    (personality(0xffffffff) & ADDR_NO_RANDOMIZE) == 0) {
		/* an inherited filter may refuse it: then no ip tests */
		fixed_ip = false;
		printf("equiv: cannot turn off ASLR: no tests on the "
		       "instruction pointer\n");
	}
	if (!mkdtemp(tmpdir))
		die("mkdtemp: %s", strerror(errno));
	atexit(cleanup);

	args[0] = probe;
	args[1] = "ip";
	args[2] = "i80";
	args[3] = NULL;
	run(args, &r);
	if (sscanf(r.out, "ip=%" SCNx32, &probe_ip) != 1)
		die("the probe does not run: %s", r.out);
	have_i80 = strstr(r.out, "i80=1") != NULL;
	if (!have_i80)
		printf("equiv: this host runs no 32-bit code: i386 cases "
		       "left out\n");

	if (getenv("EQUIV_INHERITED") &&
	    strcmp(getenv("EQUIV_INHERITED"), "1") == 0) {
		n_victims = 6;
		printf(
		    "equiv: under an inherited filter: only calls it allows\n");
	} else {
		hand_cases();
	}
	random_cases((unsigned int)(150 * scale));
	printf("equiv: %u cases, %u runs, %u mismatches\n", n_cases, n_runs,
	       n_failed);
	return n_failed ? 1 : 0;
}
