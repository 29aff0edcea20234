/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * bench/bpf: how fast src/bpf evaluates a real seccomp policy.
 *
 * Docker's default profile (tests/data/docker-default.json) is compiled by
 * libseccomp for the host ABI, in its default linear output and in its
 * binary-tree output, and exported as raw cBPF.  Pre-generated call sets
 * (uniform numbers 0..459 with random args; a weighted mix of common calls
 * with realistic args; argument-checked calls only) are then run through:
 *
 *   engine  bpf_filter_run() on a filter from bpf_filter_new()
 *   naive   bpf_prog_run_naive(), the reference switch interpreter
 *   chain   bpf_chain_eval(): the action cache, then the filter
 *   cached  bpf_filter_cached() on numbers the cache allows
 *
 * "ns/insn" divides the time by the instructions of the original program
 * that the kernel would execute on each call, counted once per input with
 * bpf_prog_run_naive() outside the timed loops.  "loop" counts the part of
 * that path past what nr and arch alone decide, which an engine that
 * precomputes per number cannot skip.  Every metric is the median (and
 * min-max) of -r runs; the runs interleave all measurements.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <seccomp.h>

#include "arch/arch.h"
#include "bpf/bpf.h"

#ifndef BENCH_PROFILE
#define BENCH_PROFILE "tests/data/docker-default.json"
#endif

#define UNIFORM_NR_MAX 459 /* workload (a): numbers 0..459 */

static volatile uint64_t sink;

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("bench/bpf: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_FAILURE);
}

/* xorshift64*: reproducible inputs from -s SEED */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t
rng_below(uint64_t n)
{
	return rng() % n;
}

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- the profile: Docker's JSON, as Docker applies it by default ---- */

/* moby's default capability set (oci/caps/defaults.go) */
static const char *const docker_caps[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_FSETID",
	"CAP_FOWNER",
	"CAP_MKNOD",
	"CAP_NET_RAW",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETFCAP",
	"CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE",
	"CAP_SYS_CHROOT",
	"CAP_KILL",
	"CAP_AUDIT_WRITE",
};

/* Docker's (Go's) name for the host ABI, as "arches" lists spell it */
static const char *
docker_arch(void)
{
	const char *name = arch_abi_host()->name;

	if (strcmp(name, "x86_64") == 0)
		return "amd64";
	if (strcmp(name, "aarch64") == 0)
		return "arm64";
	return name;
}

static bool
has_cap(const char *cap)
{
	size_t i;

	for (i = 0; i < sizeof(docker_caps) / sizeof(docker_caps[0]); i++)
		if (strcmp(docker_caps[i], cap) == 0)
			return true;
	return false;
}

static bool
list_has(json_object *list, const char *s)
{
	size_t i, n;

	if (!list || !json_object_is_type(list, json_type_array))
		return false;
	n = json_object_array_length(list);
	for (i = 0; i < n; i++) {
		const char *v =
		    json_object_get_string(json_object_array_get_idx(list, i));

		if (v && strcmp(v, s) == 0)
			return true;
	}
	return false;
}

/*
 * moby's profiles/seccomp: a block applies if every "includes" condition
 * holds and no "excludes" one does.  Capabilities are Docker's default set;
 * minKernel is taken as met (this bench measures the filter, not the host).
 */
static bool
block_applies(json_object *blk)
{
	json_object *inc, *exc, *v;
	size_t i, n;

	if (json_object_object_get_ex(blk, "includes", &inc)) {
		if (json_object_object_get_ex(inc, "arches", &v) &&
		    !list_has(v, docker_arch()))
			return false;
		if (json_object_object_get_ex(inc, "caps", &v)) {
			n = json_object_array_length(v);
			for (i = 0; i < n; i++)
				if (!has_cap(json_object_get_string(
					json_object_array_get_idx(v, i))))
					return false;
		}
	}
	if (json_object_object_get_ex(blk, "excludes", &exc)) {
		if (json_object_object_get_ex(exc, "arches", &v) &&
		    list_has(v, docker_arch()))
			return false;
		if (json_object_object_get_ex(exc, "caps", &v)) {
			n = json_object_array_length(v);
			for (i = 0; i < n; i++)
				if (has_cap(json_object_get_string(
					json_object_array_get_idx(v, i))))
					return false;
		}
	}
	return true;
}

static uint32_t
parse_action(const char *s, json_object *errno_ret, int default_errno)
{
	int e = errno_ret ? json_object_get_int(errno_ret) : default_errno;

	if (strcmp(s, "SCMP_ACT_ALLOW") == 0)
		return SCMP_ACT_ALLOW;
	if (strcmp(s, "SCMP_ACT_ERRNO") == 0)
		return SCMP_ACT_ERRNO(e);
	if (strcmp(s, "SCMP_ACT_LOG") == 0)
		return SCMP_ACT_LOG;
	if (strcmp(s, "SCMP_ACT_TRAP") == 0)
		return SCMP_ACT_TRAP;
	if (strcmp(s, "SCMP_ACT_KILL") == 0 ||
	    strcmp(s, "SCMP_ACT_KILL_THREAD") == 0)
		return SCMP_ACT_KILL_THREAD;
	if (strcmp(s, "SCMP_ACT_KILL_PROCESS") == 0)
		return SCMP_ACT_KILL_PROCESS;
	die("profile: unsupported action %s", s);
}

static enum scmp_compare
parse_op(const char *s)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE },
		{ "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE },
		{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE },
		{ "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	size_t i;

	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, s) == 0)
			return ops[i].op;
	die("profile: unsupported operator %s", s);
}

static uint64_t
get_u64(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	return json_object_get_uint64(v);
}

struct profile_stats {
	unsigned int blocks;
	unsigned int rules;
	unsigned int skipped_names;
};

static void
add_block(scmp_filter_ctx ctx, json_object *blk, int default_errno,
	  struct profile_stats *st)
{
	struct scmp_arg_cmp cmp[6];
	json_object *names, *act, *eret, *args;
	unsigned int ncmp = 0;
	uint32_t action;
	size_t i, n;

	if (!json_object_object_get_ex(blk, "names", &names) ||
	    !json_object_object_get_ex(blk, "action", &act))
		die("profile: rule block without names or action");
	if (!json_object_object_get_ex(blk, "errnoRet", &eret))
		eret = NULL;
	action = parse_action(json_object_get_string(act), eret, default_errno);
	if (json_object_object_get_ex(blk, "args", &args) && args) {
		n = json_object_array_length(args);
		if (n > 6)
			die("profile: more than 6 argument conditions");
		for (i = 0; i < n; i++) {
			json_object *a = json_object_array_get_idx(args, i);
			json_object *op;

			if (!json_object_object_get_ex(a, "op", &op))
				die("profile: argument condition without op");
			cmp[ncmp].arg = (unsigned int)get_u64(a, "index");
			cmp[ncmp].op = parse_op(json_object_get_string(op));
			cmp[ncmp].datum_a = get_u64(a, "value");
			cmp[ncmp].datum_b = get_u64(a, "valueTwo");
			ncmp++;
		}
	}
	st->blocks++;
	n = json_object_array_length(names);
	for (i = 0; i < n; i++) {
		const char *name =
		    json_object_get_string(json_object_array_get_idx(names, i));
		int32_t nr = arch_syscall_nr(arch_abi_host(), name);
		int r;

		/* names the host ABI lacks (and libseccomp's pseudo numbers) */
		if (nr < 0) {
			st->skipped_names++;
			continue;
		}
		r = seccomp_rule_add_array(ctx, action, nr, ncmp, cmp);
		if (r < 0 && r != -EEXIST)
			die("seccomp_rule_add(%s): %s", name, strerror(-r));
		st->rules++;
	}
}

static json_object *
profile_load(const char *path)
{
	json_object *root = json_object_from_file(path);

	if (!root)
		die("%s: %s", path, json_util_get_last_err());
	return root;
}

/* Compile the profile with libseccomp and export it as raw cBPF. */
static struct sock_filter *
profile_compile(json_object *root, bool tree, size_t *ret_len,
		struct profile_stats *st)
{
	json_object *dflt, *deret, *calls;
	struct sock_filter *prog;
	scmp_filter_ctx ctx;
	int default_errno;
	FILE *tmp;
	long size;
	size_t i, n;
	int r;

	if (!json_object_object_get_ex(root, "defaultAction", &dflt) ||
	    !json_object_object_get_ex(root, "syscalls", &calls))
		die("profile: no defaultAction or syscalls");
	default_errno =
	    json_object_object_get_ex(root, "defaultErrnoRet", &deret)
		? json_object_get_int(deret)
		: EPERM;
	ctx = seccomp_init(
	    parse_action(json_object_get_string(dflt), NULL, default_errno));
	if (!ctx)
		die("seccomp_init failed");
	if (tree) {
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
		if (r < 0)
			die("seccomp_attr_set(OPTIMIZE, 2): %s", strerror(-r));
	}
	memset(st, 0, sizeof(*st));
	n = json_object_array_length(calls);
	for (i = 0; i < n; i++) {
		json_object *blk = json_object_array_get_idx(calls, i);

		if (block_applies(blk))
			add_block(ctx, blk, EPERM, st);
	}

	tmp = tmpfile();
	if (!tmp)
		die("tmpfile: %s", strerror(errno));
	r = seccomp_export_bpf(ctx, fileno(tmp));
	if (r < 0)
		die("seccomp_export_bpf: %s", strerror(-r));
	seccomp_release(ctx);
	if (fseek(tmp, 0, SEEK_END) < 0 || (size = ftell(tmp)) < 0)
		die("tmpfile: %s", strerror(errno));
	if (size == 0 || size % sizeof(*prog))
		die("exported program has %ld bytes", size);
	prog = malloc((size_t)size);
	if (!prog)
		die("out of memory");
	rewind(tmp);
	if (fread(prog, 1, (size_t)size, tmp) != (size_t)size)
		die("tmpfile: short read");
	fclose(tmp);
	*ret_len = (size_t)size / sizeof(*prog);
	return prog;
}

/* ---- workloads ---- */

enum argk {
	A_ZERO,
	A_K,	/* the constant */
	A_FD,	/* 3..66 */
	A_PTR,	/* a user-space address */
	A_SIZE, /* 1..65536 */
	A_OFF,	/* 0..2^32 */
	A_SMALL /* 0..255 */
};

/* One kind of call in a mix, with its relative weight. */
struct mix_call {
	const char *name;
	unsigned int weight;
	struct {
		uint8_t kind;
		uint64_t k;
	} arg[6];
};

/* clang-format off */
#define K(v) { A_K, (uint64_t)(v) }
#define FD   { A_FD, 0 }
#define PTR  { A_PTR, 0 }
#define SZ   { A_SIZE, 0 }
#define OFF  { A_OFF, 0 }
#define SML  { A_SMALL, 0 }
#define NONE { A_ZERO, 0 }
/* clang-format on */

/*
 * Workload (b): a server-ish mix of common calls.  socket and clone carry
 * argument conditions in the profile, so they always run the filter; the
 * rest are cacheable.
 */
static const struct mix_call mix_calls[] = {
	{ "read", 12, { FD, PTR, K(4096) } },
	{ "write", 10, { FD, PTR, SZ } },
	{ "close", 5, { FD } },
	{ "openat", 5, { K(-100), PTR, K(02000000), K(0) } },
	{ "newfstatat", 3, { FD, PTR, PTR, K(0x1000) } },
	{ "fstat", 3, { FD, PTR } },
	{ "lseek", 2, { FD, OFF, K(0) } },
	{ "pread64", 2, { FD, PTR, SZ, OFF } },
	{ "mmap", 3, { K(0), SZ, K(3), K(0x22), K(-1), K(0) } },
	{ "munmap", 2, { PTR, SZ } },
	{ "mprotect", 1, { PTR, SZ, K(1) } },
	{ "brk", 1, { PTR } },
	{ "madvise", 1, { PTR, SZ, K(4) } },
	{ "futex", 6, { PTR, K(128), SML, K(0) } },
	{ "futex", 4, { PTR, K(129), K(1) } },
	{ "epoll_wait", 6, { FD, PTR, K(64), K(-1) } },
	{ "epoll_ctl", 2, { FD, K(3), FD, PTR } },
	{ "poll", 2, { PTR, SML, K(1000) } },
	{ "getppid", 1, { NONE } },
	{ "getpid", 2, { NONE } },
	{ "gettid", 1, { NONE } },
	{ "ioctl", 2, { FD, K(0x541b), PTR } },
	{ "rt_sigprocmask", 3, { K(2), PTR, PTR, K(8) } },
	{ "rt_sigaction", 1, { SML, PTR, PTR, K(8) } },
	{ "clock_gettime", 3, { K(1), PTR } },
	{ "nanosleep", 1, { PTR, K(0) } },
	{ "recvfrom", 4, { FD, PTR, SZ, K(0x40), K(0), K(0) } },
	{ "sendto", 4, { FD, PTR, SZ, K(0x4000), K(0), K(0) } },
	{ "accept4", 1, { FD, PTR, PTR, K(0x80800) } },
	{ "connect", 1, { FD, PTR, K(16) } },
	{ "fcntl", 1, { FD, K(3), K(0) } },
	{ "getdents64", 1, { FD, PTR, K(32768) } },
	{ "getrandom", 1, { PTR, K(32), K(0) } },
	{ "socket", 1, { K(2), K(0x80001), K(0) } },
	{ "clone", 1, { K(0x01200011), K(0), K(0), PTR, K(0) } },
};

/*
 * Extra workload: only the calls whose verdict depends on arguments, so
 * every evaluation goes through the interpreter loop.  Allowed and denied
 * values both occur.
 */
static const struct mix_call args_calls[] = {
	{ "socket", 2, { K(1), K(0x80001), K(0) } },	     /* AF_UNIX */
	{ "socket", 2, { K(2), K(1), K(0) } },		     /* AF_INET */
	{ "socket", 1, { K(10), K(2), K(17) } },	     /* AF_INET6 */
	{ "socket", 1, { K(16), K(0x80003), K(0) } },	     /* AF_NETLINK */
	{ "socket", 1, { K(40), K(1), K(0) } },		     /* AF_VSOCK: no */
	{ "personality", 2, { K(0xffffffff) } },	     /* query */
	{ "personality", 1, { K(0) } },			     /* PER_LINUX */
	{ "personality", 1, { K(8) } },			     /* PER_LINUX32 */
	{ "personality", 1, { K(0x0040000) } },		     /* no */
	{ "clone", 2, { K(0x01200011), K(0), K(0), PTR } },  /* fork */
	{ "clone", 2, { K(0x3d0f00), PTR, PTR, PTR, PTR } }, /* thread */
	{ "clone", 1, { K(0x10000011) } },		     /* NEWUSER: no */
	{ "clone", 1, { K(0x20000011) } },		     /* NEWPID: no */
};

#undef K
#undef FD
#undef PTR
#undef SZ
#undef OFF
#undef SML
#undef NONE

static uint64_t
user_ptr(void)
{
	return 0x7f0000000000ULL + (rng_below(1ULL << 36) << 4);
}

static uint64_t
gen_arg(uint8_t kind, uint64_t k)
{
	switch (kind) {
	case A_K:
		return k;
	case A_FD:
		return 3 + rng_below(64);
	case A_PTR:
		return user_ptr();
	case A_SIZE:
		return 1 + rng_below(65536);
	case A_OFF:
		return rng_below(1ULL << 32);
	case A_SMALL:
		return rng_below(256);
	default:
		return 0;
	}
}

/* Workload (a): every number 0..459 alike, anything in args and ip. */
static void
gen_uniform(struct seccomp_data *sd, size_t n, uint32_t arch)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		memset(&sd[i], 0, sizeof(sd[i]));
		sd[i].nr = (int)rng_below(UNIFORM_NR_MAX + 1);
		sd[i].arch = arch;
		sd[i].instruction_pointer = rng();
		for (j = 0; j < 6; j++)
			sd[i].args[j] = rng();
	}
}

/* Draw @n calls from @calls by weight.  Returns how many kinds exist here. */
static size_t
gen_mix(const struct mix_call *calls, size_t ncalls, struct seccomp_data *sd,
	size_t n, uint32_t arch)
{
	int32_t *nrs = calloc(ncalls, sizeof(*nrs));
	unsigned int total = 0;
	size_t i, j, a, usable = 0;

	if (!nrs)
		die("out of memory");
	for (i = 0; i < ncalls; i++) {
		nrs[i] = arch_syscall_nr(arch_abi_host(), calls[i].name);
		if (nrs[i] >= 0) {
			total += calls[i].weight;
			usable++;
		}
	}
	if (!total)
		die("no call of a mix exists on this ABI");
	for (i = 0; i < n; i++) {
		unsigned int w = (unsigned int)rng_below(total);

		for (j = 0; j < ncalls; j++) {
			if (nrs[j] < 0)
				continue;
			if (w < calls[j].weight)
				break;
			w -= calls[j].weight;
		}
		memset(&sd[i], 0, sizeof(sd[i]));
		sd[i].nr = nrs[j];
		sd[i].arch = arch;
		sd[i].instruction_pointer = (user_ptr() & ~0xfffULL) | 0x0f5;
		for (a = 0; a < 6; a++)
			sd[i].args[a] =
			    gen_arg(calls[j].arg[a].kind, calls[j].arg[a].k);
	}
	free(nrs);
	return usable;
}

/*
 * How many instructions of @sd's path depend on nr and arch alone: the run
 * up to the first load of anything else (an argument, the ip), or the
 * whole path if it returns first.  An engine that precomputes per number
 * can skip these; the rest ("loop" instructions) it must interpret.
 * libseccomp's programs load only nr and arch before the first argument
 * test and use no arithmetic before it, so this walk covers them.
 */
static unsigned int
nr_prefix_len(const struct sock_filter *prog, size_t len,
	      const struct seccomp_data *sd)
{
	unsigned int n = 0;
	uint32_t A = 0;
	size_t pc = 0;

	while (pc < len) {
		const struct sock_filter *f = &prog[pc];
		bool t;

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k == offsetof(struct seccomp_data, nr))
				A = (uint32_t)sd->nr;
			else if (f->k == offsetof(struct seccomp_data, arch))
				A = sd->arch;
			else
				return n;
			pc++;
			break;
		case BPF_LD | BPF_IMM:
			A = f->k;
			pc++;
			break;
		case BPF_JMP | BPF_JA:
			pc += 1 + f->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
		case BPF_JMP | BPF_JGT | BPF_K:
		case BPF_JMP | BPF_JGE | BPF_K:
		case BPF_JMP | BPF_JSET | BPF_K:
			switch (BPF_OP(f->code)) {
			case BPF_JEQ:
				t = A == f->k;
				break;
			case BPF_JGT:
				t = A > f->k;
				break;
			case BPF_JGE:
				t = A >= f->k;
				break;
			default:
				t = (A & f->k) != 0;
				break;
			}
			pc += 1 + (t ? f->jt : f->jf);
			break;
		case BPF_RET | BPF_K:
			return n + 1;
		default:
			return n;
		}
		n++;
	}
	return n;
}

/* ---- measurements ---- */

enum method {
	M_ENGINE,
	M_NAIVE,
	M_CHAIN,
	M_CACHED
};

static const char *const method_name[] = {
	[M_ENGINE] = "engine",
	[M_NAIVE] = "naive",
	[M_CHAIN] = "chain",
	[M_CACHED] = "cached",
};

struct program {
	const char *name;
	struct sock_filter *prog;
	size_t len;
	struct bpf_filter *filter;
	unsigned int cached_nrs;
};

enum {
	W_UNIFORM,
	W_MIX,
	W_ARGS,
	W_CACHED,
	W_COUNT
};

struct workload {
	const char *name;
	struct seccomp_data *sd;
	size_t n;
	bool headline; /* part of the final line's aggregate */
};

/*
 * One timed configuration.  Over one pass of the inputs, @insns is the
 * original program's executed instructions and @loop those of them past
 * the nr-only prefix.  @passes is the passes per run.
 */
struct config {
	enum method m;
	const struct program *p;
	const struct workload *w;
	uint64_t insns;
	uint64_t loop;
	unsigned int passes;
	double *ns_pass; /* per run: ns for one pass */
};

#define MAX_CONFIGS 24

static struct config *
add_config(struct config *cfg, size_t *n, enum method m,
	   const struct program *p, const struct workload *w)
{
	struct config *c;

	if (*n >= MAX_CONFIGS)
		die("too many configurations");
	c = &cfg[(*n)++];
	memset(c, 0, sizeof(*c));
	c->m = m;
	c->p = p;
	c->w = w;
	return c;
}

static uint64_t
run_passes(const struct config *c, unsigned int passes)
{
	const struct seccomp_data *sd = c->w->sd;
	const struct sock_filter *prog = c->p->prog;
	const struct bpf_filter *f = c->p->filter;
	size_t n = c->w->n, len = c->p->len, i;
	uint64_t acc = 0, t0, t1;
	unsigned int p;

	t0 = now_ns();
	for (p = 0; p < passes; p++) {
		switch (c->m) {
		case M_ENGINE:
			for (i = 0; i < n; i++)
				acc += bpf_filter_run(f, &sd[i]);
			break;
		case M_NAIVE:
			for (i = 0; i < n; i++)
				acc +=
				    bpf_prog_run_naive(prog, len, &sd[i], NULL);
			break;
		case M_CHAIN:
			for (i = 0; i < n; i++)
				acc += bpf_chain_eval(f, &sd[i], NULL);
			break;
		case M_CACHED:
			for (i = 0; i < n; i++)
				acc +=
				    bpf_filter_cached(f, sd[i].arch, sd[i].nr);
			break;
		}
	}
	t1 = now_ns();
	sink += acc;
	return t1 - t0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct stat3 {
	double med, min, max;
};

static struct stat3
stats(const double *v, unsigned int n)
{
	double *s = malloc(n * sizeof(*s));
	struct stat3 r;

	if (!s)
		die("out of memory");
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	r.min = s[0];
	r.max = s[n - 1];
	r.med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return r;
}

static void
check_verdict(const struct program *p, const char *name, uint64_t a0,
	      uint32_t want)
{
	struct seccomp_data sd = { 0 };
	int32_t nr = arch_syscall_nr(arch_abi_host(), name);
	uint32_t got_e, got_n;

	if (nr < 0)
		return; /* not on this ABI */
	sd.nr = nr;
	sd.arch = arch_abi_host()->audit_arch;
	sd.args[0] = a0;
	got_n = bpf_prog_run_naive(p->prog, p->len, &sd, NULL);
	got_e = bpf_filter_run(p->filter, &sd);
	if (got_n != want || got_e != want)
		die("sanity: %s %s(%#" PRIx64
		    "): naive %#x, engine %#x, want %#x",
		    p->name, name, a0, got_n, got_e, want);
}

/* Verdicts Docker's profile is known for. */
static void
sanity(const struct program *p)
{
	const uint32_t eperm = SECCOMP_RET_ERRNO | EPERM;

	check_verdict(p, "getppid", 0, SECCOMP_RET_ALLOW);
	check_verdict(p, "reboot", 0, eperm);
	check_verdict(p, "clone3", 0, SECCOMP_RET_ERRNO | ENOSYS);
	check_verdict(p, "personality", 0xffffffffULL, SECCOMP_RET_ALLOW);
	check_verdict(p, "personality", 0x1, eperm);
	check_verdict(p, "socket", 2, SECCOMP_RET_ALLOW);
	check_verdict(p, "socket", 40 /* AF_VSOCK */, eperm);
	check_verdict(p, "clone", 0x01200011, SECCOMP_RET_ALLOW);
	check_verdict(p, "clone", 0x10000000 /* CLONE_NEWUSER */, eperm);
}

/*
 * Count the path (and its part past the nr-only prefix) of every input,
 * and check that the engine agrees with the naive interpreter on all of
 * them, and the chain with the naive interpreter behind the action cache.
 */
static void
count_and_check(const struct program *p, const struct workload *w,
		uint64_t *ret_insns, uint64_t *ret_loop)
{
	uint64_t total = 0, loop = 0;
	size_t i;

	for (i = 0; i < w->n; i++) {
		const struct seccomp_data *sd = &w->sd[i];
		unsigned int cnt = 0;
		uint32_t want = bpf_prog_run_naive(p->prog, p->len, sd, &cnt);
		uint32_t got = bpf_filter_run(p->filter, sd);
		uint32_t chain = bpf_chain_eval(p->filter, sd, NULL);
		bool cached = bpf_filter_cached(p->filter, sd->arch, sd->nr);

		/*
		 * A cached number may differ from the program only for the
		 * kernel's forced numbers (the uprobe syscalls).
		 */
		if (got != want || chain != (cached ? SECCOMP_RET_ALLOW : want))
			die("mismatch: %s/%s input %zu (nr %d): naive %#x, engine %#x, chain %#x%s",
			    p->name, w->name, i, sd->nr, want, got, chain,
			    cached ? " (cached)" : "");
		total += cnt;
		loop += cnt - nr_prefix_len(p->prog, p->len, sd);
	}
	*ret_insns = total;
	*ret_loop = loop;
}

static void
cpu_model(char *buf, size_t size)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(buf, size, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
}

/* The 1-minute load average, to tell a quiet run from a noisy one. */
static double
load_avg(void)
{
	FILE *f = fopen("/proc/loadavg", "r");
	double l = -1;

	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

static void
usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: bench/bpf [-r RUNS] [-n INPUTS] [-t MS] [-s SEED] [-p PROFILE]\n"
	    "  -r RUNS    timed runs per measurement; median reported (default 7)\n"
	    "  -n INPUTS  pre-generated calls per workload (default 16384)\n"
	    "  -t MS      minimum duration of one timed run (default 20)\n"
	    "  -s SEED    input generator seed (default 1)\n"
	    "  -p PROFILE Docker seccomp JSON (default %s)\n",
	    BENCH_PROFILE);
}

static long long
num_arg(const char *s, long long lo, long long hi, const char *what)
{
	const char *errstr;
	long long v = strtonum(s, lo, hi, &errstr);

	if (errstr)
		die("%s %s: %s", what, s, errstr);
	return v;
}

static double *
per_run(unsigned int runs)
{
	double *v = calloc(runs, sizeof(*v));

	if (!v)
		die("out of memory");
	return v;
}

static void
print_row(const struct config *cfg, size_t ncfg, const struct config *c,
	  unsigned int runs)
{
	double n = (double)c->w->n;
	double *v = per_run(runs);
	char b1[40], b2[40], b3[16], b4[16], b5[16];
	unsigned int r;
	size_t j;

	for (r = 0; r < runs; r++)
		v[r] = c->ns_pass[r] / n;
	{
		struct stat3 s = stats(v, runs);

		snprintf(b1, sizeof(b1), "%.2f [%.2f-%.2f]", s.med, s.min,
			 s.max);
	}
	snprintf(b2, sizeof(b2), "-");
	snprintf(b3, sizeof(b3), "-");
	snprintf(b4, sizeof(b4), "-");
	snprintf(b5, sizeof(b5), "-");
	if (c->insns) {
		struct stat3 s;

		for (r = 0; r < runs; r++)
			v[r] = c->ns_pass[r] / (double)c->insns;
		s = stats(v, runs);
		snprintf(b2, sizeof(b2), "%.3f [%.3f-%.3f]", s.med, s.min,
			 s.max);
		snprintf(b4, sizeof(b4), "%.1f", (double)c->insns / n);
		snprintf(b5, sizeof(b5), "%.1f", (double)c->loop / n);
	}
	/* the in-run speedup against the naive run of the same inputs */
	for (j = 0; j < ncfg && c->m != M_NAIVE && c->m != M_CACHED; j++) {
		if (cfg[j].m != M_NAIVE || cfg[j].p != c->p || cfg[j].w != c->w)
			continue;
		for (r = 0; r < runs; r++)
			v[r] = cfg[j].ns_pass[r] / c->ns_pass[r];
		snprintf(b3, sizeof(b3), "%.1f", stats(v, runs).med);
	}
	free(v);
	printf("%-7s %-8s %-7s %7s %6s %23s %23s %8s\n", c->p->name, c->w->name,
	       method_name[c->m], b4, b5, b1, b2, b3);
}

int
main(int argc, char **argv)
{
	const char *profile = BENCH_PROFILE;
	unsigned int runs = 7, min_ms = 20;
	size_t ninputs = 16384;
	uint64_t seed = 1;
	struct program progs[2] = { { .name = "linear" }, { .name = "tree" } };
	struct workload wls[W_COUNT] = {
		[W_UNIFORM] = { .name = "uniform", .headline = true },
		[W_MIX] = { .name = "mix", .headline = true },
		[W_ARGS] = { .name = "args" },
		[W_CACHED] = { .name = "cached" },
	};
	struct config cfg[MAX_CONFIGS];
	size_t ncfg = 0, i, j, mix_kinds, args_kinds;
	uint32_t arch = arch_abi_host()->audit_arch;
	struct profile_stats pst;
	json_object *root;
	char cpu[128];
	double *agg_e, *agg_n, *agg_c, *agg_l;
	bool verbose = false;
	double load0, load1;
	unsigned int r;
	int opt;

	while ((opt = getopt(argc, argv, "r:n:t:s:p:vh")) != -1) {
		switch (opt) {
		case 'r':
			runs = (unsigned int)num_arg(optarg, 1, 1000, "-r");
			break;
		case 'n':
			ninputs = (size_t)num_arg(optarg, 1, 1 << 24, "-n");
			break;
		case 't':
			min_ms = (unsigned int)num_arg(optarg, 1, 60000, "-t");
			break;
		case 's':
			seed = (uint64_t)num_arg(optarg, 0, LLONG_MAX, "-s");
			break;
		case 'p':
			profile = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_FAILURE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_FAILURE;
	}
	rng_state ^= seed * 0x9e3779b97f4a7c15ULL;
	if (!rng_state)
		rng_state = 1;

	/* the programs, and the verdicts they must give */
	root = profile_load(profile);
	for (i = 0; i < 2; i++) {
		struct bpf_error err = { 0 };
		uint32_t nr;
		int rr;

		progs[i].prog =
		    profile_compile(root, i == 1, &progs[i].len, &pst);
		rr = bpf_filter_new(NULL, progs[i].prog, progs[i].len,
				    arch_cache_layout_host(), 0,
				    &progs[i].filter, &err);
		if (rr < 0)
			die("bpf_filter_new(%s): insn %u: %s", progs[i].name,
			    err.insn, err.msg);
		for (nr = 0; nr <= UNIFORM_NR_MAX; nr++)
			progs[i].cached_nrs +=
			    bpf_filter_cached(progs[i].filter, arch, nr);
		sanity(&progs[i]);
	}
	json_object_put(root);

	/* the inputs, all generated before any timing */
	for (i = 0; i < W_COUNT; i++) {
		wls[i].n = ninputs;
		wls[i].sd = calloc(ninputs, sizeof(*wls[i].sd));
		if (!wls[i].sd)
			die("out of memory");
	}
	gen_uniform(wls[W_UNIFORM].sd, ninputs, arch);
	mix_kinds = gen_mix(mix_calls, sizeof(mix_calls) / sizeof(mix_calls[0]),
			    wls[W_MIX].sd, ninputs, arch);
	args_kinds =
	    gen_mix(args_calls, sizeof(args_calls) / sizeof(args_calls[0]),
		    wls[W_ARGS].sd, ninputs, arch);
	{
		/* numbers both programs' caches allow, drawn uniformly */
		uint32_t pool[UNIFORM_NR_MAX + 1], npool = 0, nr;

		for (nr = 0; nr <= UNIFORM_NR_MAX; nr++)
			if (bpf_filter_cached(progs[0].filter, arch, nr) &&
			    bpf_filter_cached(progs[1].filter, arch, nr))
				pool[npool++] = nr;
		if (!npool)
			die("no cached syscall numbers");
		for (i = 0; i < ninputs; i++) {
			struct seccomp_data *sd = &wls[W_CACHED].sd[i];

			memset(sd, 0, sizeof(*sd));
			sd->nr = (int)pool[rng_below(npool)];
			sd->arch = arch;
		}
	}

	/* configurations, their path lengths, and the equality check */
	for (i = 0; i < 2; i++) {
		for (j = W_UNIFORM; j <= W_ARGS; j++) {
			struct config *e, *nv;

			e = add_config(cfg, &ncfg, M_ENGINE, &progs[i],
				       &wls[j]);
			count_and_check(&progs[i], &wls[j], &e->insns,
					&e->loop);
			nv =
			    add_config(cfg, &ncfg, M_NAIVE, &progs[i], &wls[j]);
			nv->insns = e->insns;
			nv->loop = e->loop;
		}
	}
	for (i = 0; i < 2; i++) {
		struct config *c =
		    add_config(cfg, &ncfg, M_CHAIN, &progs[i], &wls[W_MIX]);

		count_and_check(&progs[i], &wls[W_MIX], &c->insns, &c->loop);
	}
	for (i = 0; i < 2; i++)
		add_config(cfg, &ncfg, M_CACHED, &progs[i], &wls[W_CACHED]);

	/* warm up, and size each run to at least min_ms */
	for (i = 0; i < ncfg; i++) {
		uint64_t t;

		run_passes(&cfg[i], 1);
		t = run_passes(&cfg[i], 1);
		cfg[i].passes =
		    (unsigned int)((uint64_t)min_ms * 1000000 / (t ? t : 1)) +
		    1;
		cfg[i].ns_pass = per_run(runs);
	}

	/* each run times every configuration; the order rotates per run */
	load0 = load_avg();
	for (r = 0; r < runs; r++) {
		for (j = 0; j < ncfg; j++) {
			struct config *c = &cfg[(j + r) % ncfg];

			c->ns_pass[r] =
			    (double)run_passes(c, c->passes) / c->passes;
		}
	}

	load1 = load_avg();

	/* per-run aggregates: total time / total instructions (or lookups) */
	agg_e = per_run(runs);
	agg_n = per_run(runs);
	agg_c = per_run(runs);
	agg_l = per_run(runs);
	for (r = 0; r < runs; r++) {
		double te = 0, tn = 0, tc = 0, tl = 0;
		double ie = 0, in = 0, lc = 0, il = 0;

		for (i = 0; i < ncfg; i++) {
			const struct config *c = &cfg[i];

			if (c->m == M_ENGINE && c->w->headline) {
				te += c->ns_pass[r];
				ie += (double)c->insns;
			} else if (c->m == M_NAIVE && c->w->headline) {
				tn += c->ns_pass[r];
				in += (double)c->insns;
			} else if (c->m == M_CACHED) {
				tc += c->ns_pass[r];
				lc += (double)c->w->n;
			}
			if (c->m == M_ENGINE && c->w == &wls[W_ARGS]) {
				tl += c->ns_pass[r];
				il += (double)c->loop;
			}
		}
		agg_e[r] = te / ie;
		agg_n[r] = tn / in;
		agg_c[r] = tc / lc;
		agg_l[r] = il ? tl / il : 0;
	}

	/* the report */
	cpu_model(cpu, sizeof(cpu));
	printf(
	    "bench/bpf: cpu \"%s\" (%ld online), %u runs, %zu inputs per workload, seed %" PRIu64
	    "\n",
	    cpu, sysconf(_SC_NPROCESSORS_ONLN), runs, ninputs, seed);
	printf(
	    "load average (1 min): %.2f before, %.2f after; other work on the machine shows as noise\n",
	    load0, load1);
	printf("profile: %s\n", profile);
	printf(
	    "  %u rule blocks apply to %s with Docker's default capabilities: %u rules (%u names not on this ABI)\n",
	    pst.blocks, docker_arch(), pst.rules, pst.skipped_names);
	printf(
	    "workloads: uniform  nr 0..%d, random args and ip\n"
	    "           mix      %zu kinds of common calls, weighted, realistic args\n"
	    "           args     %zu kinds of argument-checked calls (socket, personality, clone)\n"
	    "           cached   nrs both action caches allow, uniformly\n\n",
	    UNIFORM_NR_MAX, mix_kinds, args_kinds);

	printf("%-8s %6s %12s\n", "program", "insns", "cached nrs");
	for (i = 0; i < 2; i++)
		printf("%-8s %6zu %8u/%d\n", progs[i].name, progs[i].len,
		       progs[i].cached_nrs, UNIFORM_NR_MAX + 1);
	printf("\n");

	printf("%-7s %-8s %-7s %7s %6s %23s %23s %8s\n", "program", "workload",
	       "method", "insn/ev", "loop", "ns/eval med [min-max]",
	       "ns/insn med [min-max]", "x naive");
	for (i = 0; i < ncfg; i++)
		print_row(cfg, ncfg, &cfg[i], runs);
	printf(
	    "insn/ev: instructions of the original program on the kernel's path; loop: those past\n"
	    "the nr-only prefix.  ns/insn = time / insn/ev.  x naive: in-run speedup over naive.\n");

	if (verbose) {
		printf("\npasses per run (%u ms minimum):\n", min_ms);
		for (i = 0; i < ncfg; i++)
			printf("  %-7s %-8s %-7s %u\n", cfg[i].p->name,
			       cfg[i].w->name, method_name[cfg[i].m],
			       cfg[i].passes);
	}

	{
		struct stat3 e = stats(agg_e, runs), nv = stats(agg_n, runs),
			     ch = stats(agg_c, runs), lp = stats(agg_l, runs);
		double *ratio = per_run(runs);

		printf(
		    "\naggregate over {linear,tree} x {uniform,mix} (total time / total insns):\n");
		printf(
		    "  engine %.3f [%.3f-%.3f] ns/insn, naive %.3f [%.3f-%.3f] ns/insn\n",
		    e.med, e.min, e.max, nv.med, nv.min, nv.max);
		for (r = 0; r < runs; r++)
			ratio[r] = agg_n[r] / agg_e[r];
		printf("  engine speedup over naive (in-run ratio): %.1f\n",
		       stats(ratio, runs).med);
		free(ratio);
		printf("  cache hit %.2f [%.2f-%.2f] ns per lookup\n", ch.med,
		       ch.min, ch.max);
		printf(
		    "  engine on args, per loop insn: %.3f [%.3f-%.3f] ns (call and lookup included)\n",
		    lp.med, lp.min, lp.max);
		printf(
		    "  targets: <= 1.0 ns/insn %s, <= 2 ns per cache hit %s\n",
		    e.med <= 1.0 ? "met" : "NOT met",
		    ch.med <= 2.0 ? "met" : "NOT met");
		printf(
		    "interp_ns_per_insn=%.3f cache_hit_ns=%.2f naive_ns_per_insn=%.3f\n",
		    e.med, ch.med, nv.med);
	}

	for (i = 0; i < ncfg; i++)
		free(cfg[i].ns_pass);
	for (i = 0; i < W_COUNT; i++)
		free(wls[i].sd);
	for (i = 0; i < 2; i++) {
		bpf_filter_unref(progs[i].filter);
		free(progs[i].prog);
	}
	free(agg_e);
	free(agg_n);
	free(agg_c);
	free(agg_l);
	return EXIT_SUCCESS;
}
