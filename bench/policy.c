/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * bench/policy: the policy compiler's cost and its output's speed.
 *
 * 1. Docker's default profile (tests/data/docker-default.json) with
 *    Docker's default capabilities is loaded (policy_load_oci()) and
 *    compiled (policy_compile()), for x86_64, x86 and x32 as Docker's
 *    archMap says, -r times each in libseccomp's linear and tree layouts:
 *    the median, min and max of load, compile and both.  The target is
 *    under 50 ms for both.
 * 2. For each layout: the instruction count, and the time per decision of
 *    the engine's fast path (bpf_filter_run()) and of the reference
 *    interpreter (bpf_prog_run_naive()) on common calls (read, write,
 *    futex, mmap), a call with arguments checked (personality), a denied
 *    one (reboot: the default action) and the one the linear program
 *    reaches last of all the allowed x86_64 calls (found, not assumed).
 *    Each is the median of -r runs of a loop that lasts at least -t ms.
 *
 * The last line is for scripts:
 *   compile_ms=X tree_insns=N linear_insns=M default=tree|linear
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <time.h>
#include <unistd.h>

#include <linux/audit.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
#include "policy/compile.h"
#include "policy/policy.h"

#ifndef BENCH_PROFILE
#define BENCH_PROFILE "tests/data/docker-default.json"
#endif

#define MAX_RUNS 101

static volatile uint64_t sink;

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench/policy: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int
dbl_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* median [min-max] of @n values, sorted in place */
struct stat3 {
	double med, min, max;
};

static struct stat3
stat3(double *v, size_t n)
{
	struct stat3 s;

	qsort(v, n, sizeof(*v), dbl_cmp);
	s.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	s.min = v[0];
	s.max = v[n - 1];
	return s;
}

/* moby's default capability set (oci/caps/defaults.go) */
static const char *const docker_caps[] = {
	"cap_chown",
	"cap_dac_override",
	"cap_fsetid",
	"cap_fowner",
	"cap_mknod",
	"cap_net_raw",
	"cap_setgid",
	"cap_setuid",
	"cap_setfcap",
	"cap_setpcap",
	"cap_net_bind_service",
	"cap_sys_chroot",
	"cap_kill",
	"cap_audit_write",
};

static uint64_t
docker_caps_mask(void)
{
	uint64_t mask = 0;
	cap_value_t c;
	size_t i;

	for (i = 0; i < sizeof(docker_caps) / sizeof(docker_caps[0]); i++) {
		if (cap_from_name(docker_caps[i], &c) < 0)
			die("unknown capability %s", docker_caps[i]);
		mask |= (uint64_t)1 << c;
	}
	return mask;
}

struct loaded {
	struct policy pol;
	double load_ms;
};

static void
load(const char *path, const char *text, size_t len, struct loaded *ret)
{
	struct policy_oci_opts oo = { 0 };
	struct policy_diag d;
	uint64_t t0;

	oo.caps = docker_caps_mask();
	oo.kernel = "6.1.0"; /* minKernel as met, whatever the host runs */
	policy_init(&ret->pol);
	t0 = now_ns();
	if (policy_load_oci(&ret->pol, path, text, len, &oo, NULL, NULL, &d) <
	    0)
		die("%s", d.msg);
	ret->load_ms = (double)(now_ns() - t0) / 1e6;
}

static double
compile_ms(const struct policy *p, bool tree, struct sock_filter **ret,
	   size_t *ret_len)
{
	struct policy_compile_opts o = { 0 };
	struct policy_diag d;
	uint64_t t0;

	o.tree = tree;
	t0 = now_ns();
	if (policy_compile(p, &o, ret, ret_len, &d) < 0)
		die("policy_compile: %s", d.msg);
	return (double)(now_ns() - t0) / 1e6;
}

struct call {
	const char *what;
	const char *name;
	uint64_t args[6];
	int32_t nr; /* filled in */
};

/* ns per decision of @f (engine) or @prog (naive) on @sd */
static double
time_calls(const struct bpf_filter *f, const struct sock_filter *prog,
	   size_t len, const struct seccomp_data *sd, double min_ms)
{
	uint64_t t0, t1, n = 0, i, acc = 0;
	const uint64_t batch = 256;

	t0 = now_ns();
	do {
		for (i = 0; i < batch; i++)
			acc += f ? bpf_filter_run(f, sd)
				 : bpf_prog_run_naive(prog, len, sd, NULL);
		n += batch;
		t1 = now_ns();
	} while ((double)(t1 - t0) < min_ms * 1e6);
	sink += acc;
	return (double)(t1 - t0) / (double)n;
}

static void
usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: bench/policy [-r RUNS] [-t MS] [-p PROFILE]\n"
	    "  -r RUNS     runs per measurement, median reported (default 21)\n"
	    "  -t MS       least time per timed loop (default 10)\n"
	    "  -p PROFILE  the JSON profile (default %s)\n",
	    BENCH_PROFILE);
}

int
main(int argc, char **argv)
{
	static struct call calls[] = {
		{ "common", "read", { 3, 0x7ffd0000, 4096 }, 0 },
		{ "common", "write", { 1, 0x7ffd0000, 17 }, 0 },
		{ "common", "futex", { 0x7ffd1000, 0x81, 1 }, 0 },
		{ "common", "mmap", { 0, 4096, 3, 0x22, -1ULL, 0 }, 0 },
		{ "args", "personality", { 0xffffffff }, 0 },
		{ "denied", "reboot", { 0xfee1dead, 0x28121969 }, 0 },
		{ "last", NULL, { 0 }, 0 },
	};
	const struct arch_abi *abi = arch_abi_by_name("x86_64");
	const char *profile = BENCH_PROFILE;
	double v_load[MAX_RUNS], v_comp[2][MAX_RUNS], v_both[2][MAX_RUNS];
	double min_ms = 10, pick[2];
	struct sock_filter *prog[2];
	struct bpf_filter *filter[2];
	struct bpf_cache_layout layout;
	struct bpf_error err;
	struct stat3 s;
	size_t len[2], size, i, c;
	char *text = NULL;
	int runs = 21, opt, t, r;
	unsigned count, most = 0;

	while ((opt = getopt(argc, argv, "r:t:p:h")) != -1) {
		switch (opt) {
		case 'r':
			runs = atoi(optarg);
			if (runs < 1 || runs > MAX_RUNS)
				die("-r: 1 to %d", MAX_RUNS);
			break;
		case 't':
			min_ms = atof(optarg);
			break;
		case 'p':
			profile = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (policy_read_file(profile, 16 << 20, &text, &size) < 0)
		die("%s: %s", profile, strerror(errno));

	/* 1. load and compile, alternating layouts so noise hits both */
	for (r = 0; r < runs; r++) {
		for (t = 0; t < 2; t++) {
			struct loaded l;
			struct sock_filter *p;
			size_t n;
			double ms;

			load(profile, text, size, &l);
			ms = compile_ms(&l.pol, t, &p, &n);
			if (t == 0)
				v_load[r] = l.load_ms;
			v_comp[t][r] = ms;
			v_both[t][r] = l.load_ms + ms;
			free(p);
			policy_free(&l.pol);
		}
	}
	printf("bench/policy: %s, Docker's default capabilities, %d runs\n",
	       profile, runs);
	s = stat3(v_load, (size_t)runs);
	printf("load (policy_load_oci)        %7.2f ms [%.2f-%.2f]\n", s.med,
	       s.min, s.max);
	for (t = 1; t >= 0; t--) {
		s = stat3(v_comp[t], (size_t)runs);
		printf("compile, %-6s                %7.2f ms [%.2f-%.2f]\n",
		       t ? "tree" : "linear", s.med, s.min, s.max);
		s = stat3(v_both[t], (size_t)runs);
		printf("load + compile, %-6s         %7.2f ms [%.2f-%.2f]%s\n",
		       t ? "tree" : "linear", s.med, s.min, s.max,
		       s.med < 50 ? "" : "  (over the 50 ms target)");
		pick[t] = s.med;
	}

	/* 2. the programs */
	{
		struct loaded l;

		load(profile, text, size, &l);
		for (t = 0; t < 2; t++)
			compile_ms(&l.pol, t, &prog[t], &len[t]);
		policy_free(&l.pol);
	}
	arch_cache_layout_for(abi, &layout);
	for (t = 0; t < 2; t++)
		if (bpf_filter_new(NULL, prog[t], len[t], &layout, 0,
				   &filter[t], &err) < 0)
			die("bpf_filter_new: %s", err.msg);
	/* the allowed x86_64 call the linear program reaches last */
	for (i = 0; i < 460; i++) {
		struct seccomp_data sd = { 0 };

		sd.arch = AUDIT_ARCH_X86_64;
		sd.nr = (int)i;
		if (bpf_prog_run_naive(prog[0], len[0], &sd, &count) !=
		    SECCOMP_RET_ALLOW)
			continue;
		if (count > most) {
			most = count;
			calls[6].nr = (int32_t)i;
		}
	}
	for (c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
		if (calls[c].name)
			calls[c].nr = arch_syscall_nr(abi, calls[c].name);
		else
			calls[c].name = arch_syscall_name(abi, calls[c].nr);
		if (calls[c].nr < 0)
			die("no %s on x86_64", calls[c].name);
	}

	printf("\nprogram  insns\n");
	printf("linear   %5zu\ntree     %5zu\n", len[0], len[1]);
	printf("\nprogram  call                      verdict       path  "
	       "engine ns [min-max]     naive ns [min-max]\n");
	for (t = 0; t < 2; t++) {
		for (c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
			struct seccomp_data sd = { 0 };
			double ve[MAX_RUNS], vn[MAX_RUNS];
			struct stat3 se, sn;
			char act[32], label[40];
			uint32_t ret;

			sd.arch = AUDIT_ARCH_X86_64;
			sd.nr = calls[c].nr;
			memcpy(sd.args, calls[c].args, sizeof(sd.args));
			ret = bpf_prog_run_naive(prog[t], len[t], &sd, &count);
			if (bpf_filter_run(filter[t], &sd) != ret)
				die("engine and naive differ on %s",
				    calls[c].name);
			policy_action_format(ret, act, sizeof(act));
			for (r = 0; r < runs; r++) {
				ve[r] =
				    time_calls(filter[t], NULL, 0, &sd, min_ms);
				vn[r] = time_calls(NULL, prog[t], len[t], &sd,
						   min_ms);
			}
			se = stat3(ve, (size_t)runs);
			sn = stat3(vn, (size_t)runs);
			snprintf(label, sizeof(label), "%s %s (%d)",
				 calls[c].what, calls[c].name, calls[c].nr);
			printf("%-8s %-25s %-12s %5u  %6.2f [%.2f-%.2f]  "
			       "%8.1f [%.1f-%.1f]\n",
			       t ? "tree" : "linear", label, act, count, se.med,
			       se.min, se.max, sn.med, sn.min, sn.max);
		}
	}
	printf("compile_ms=%.2f tree_insns=%zu linear_insns=%zu "
	       "default=%s\n",
	       pick[POLICY_COMPILE_TREE_DEFAULT], len[1], len[0],
	       POLICY_COMPILE_TREE_DEFAULT ? "tree" : "linear");
	for (t = 0; t < 2; t++) {
		bpf_filter_unref(filter[t]);
		free(prog[t]);
	}
	free(text);
	return 0;
}
