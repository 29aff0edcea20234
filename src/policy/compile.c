/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * policy_compile(): the intermediate form to one cBPF program, through
 * libseccomp 2.5.4.  libseccomp generates the code; this file decides
 * what to give it, so that the program means exactly what the rules say,
 * and refuses what libseccomp cannot express.
 *
 * What a policy means, per ABI the filter covers (sandbox-bpf(1),
 * "COMPILING"):
 *
 *  - A call gets the action of the rules that name it and whose conditions
 *    all hold; of no rule, the default action.  Rules match as a set: two
 *    rules with different actions that could both match one call are an
 *    error, reported with a call that matches both.
 *  - Except that a rule without conditions (or with none that can be
 *    false) takes every call to its system call, and of several such rules
 *    the first one does.  That is what
 *    libseccomp does (db_rule_add(): a rule without a chain replaces the
 *    chains, and one added after it is dropped), so OCI profiles keep the
 *    meaning runc gives them; we warn when a rule is overridden this way.
 *  - A rule whose action is the default action adds nothing (libseccomp
 *    refuses it with -EACCES; runc skips it), but it still takes part in
 *    both rules above.
 *  - On a 32-bit ABI (x86, x32, arm, ...) the filter sees only the low 32
 *    bits of each argument: libseccomp's _db_rule_gen_32() loads the low
 *    word alone and stores each value and mask in 32 bits, so a value's
 *    high bits are dropped ("arg0 == 0x100000001" tests arg0's low half
 *    against 1) and the argument's high bits are never looked at, even
 *    when an i386 call made with int $0x80 from 64-bit code has them set.
 *    The rules here are applied to the values so cut, and a warning says
 *    where a value lost bits.
 *  - libseccomp takes one comparison per argument in a rule (a second one
 *    is -EINVAL in db_col_rule_add()).  Several comparisons of one
 *    argument are rewritten exactly, into rules whose single comparisons
 *    together accept the same values (see disjuncts()), or refused.
 *  - Where libseccomp would have to merge two or more rules for one call
 *    and one of them compares with <, <=, >, >= or !=, its code can be
 *    wrong, or it can loop forever (eq_safe()); those rules are rewritten
 *    exactly into == and masked == only, or refused past a size.
 *  - MASKED_EQ with value bits outside the mask never holds; libseccomp
 *    would mask the value (_db_node_mask_fixup()) and so match calls the
 *    rule does not, so such a rule is dropped with a warning.
 *  - On ABIs that multiplex socket and SysV IPC calls (x86, s390, ppc,
 *    mips o32), libseccomp also adds each rule for those calls to
 *    socketcall(2) or ipc(2), with arg0 == the call's number in place of
 *    the rule's own arg0 conditions, and its other conditions tested on
 *    the multiplexer's arguments (abi_rule_add()).  That is kept, with a
 *    warning when the rule has conditions.
 *
 * The actions go to libseccomp as stand-ins, TRACE(i), and the program's
 * RET instructions get the real values afterwards: libseccomp 2.5.4
 * refuses TRAP with data, ERRNO(4095) and up, and data on the other
 * actions, and it accepts KILL_PROCESS, LOG and NOTIFY only when the
 * running kernel has them (sys_chk_seccomp_action()), while a filter for
 * sandboxd must not depend on the kernel it is compiled on.  libseccomp
 * only compares actions for equality, so stand-ins change nothing else.
 *
 * Each ABI is built in its own libseccomp context, as the rules for one
 * ABI may differ from those for another (argument width, rules that only
 * one ABI overrides), and the contexts are merged (seccomp_merge()) into
 * one filter, whose arch checks come in the order of the ABI list.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <seccomp.h>

#include "policy/compile.h"

/*
 * What the filter does on a call through an ABI it does not cover.  runc
 * leaves libseccomp's default, SCMP_ACT_KILL (kill the thread), and
 * Docker and Podman run through runc, so an unlisted ABI kills one thread
 * there.  We kill the process: a process that lost one thread to a
 * foreign-ABI call goes on in a state nobody planned for, and the kernel
 * itself has no notion of "bad arch"; the man page says so.
 */
#define COMPILE_BADARCH SECCOMP_RET_KILL_PROCESS

#define NARGS	      6
#define PLAN_MAX_ABIS 24

/* A comparison as libseccomp is given it, in one ABI's argument width. */
struct ccond {
	unsigned arg;
	enum policy_op op;
	uint64_t a, b;
};

/* One rule as libseccomp is given it: at most one comparison per arg. */
struct crule {
	size_t n;
	struct ccond c[NARGS];
};

/* An IR rule rewritten for one argument width. */
struct rexp {
	bool never;	 /* no call can match: nothing is added */
	size_t n;	 /* rules for libseccomp */
	struct crule *v; /* n == 1 && v[0].n == 0: unconditional */
};

/* The rewrites for one width: 32 or 64 bits. */
struct width {
	bool done;
	uint64_t max;
	const char *first_abi; /* for messages */
	struct rexp *r;	       /* one per IR rule */
	size_t *base;	       /* index of each rule's first crule */
	size_t total;
};

/* One crule of one IR rule on one route of one ABI. */
struct entry {
	size_t rule, exp;
	struct policy_route route;
	uint32_t action;
	struct crule c; /* as the filter tests it on route.nr */
	bool shadowed;	/* an unconditional rule decides route.nr */
	bool suppress;	/* ... one with the default action */
};

#define MAX_ROUTES 2

/*
 * One ABI's part of a plan.  Its arrays are allocated by plan_arch() and
 * eq_safe(), owned by the plan and freed with it; w points into the plan.
 */
struct plan_arch {
	const struct arch_abi *abi;
	struct width *w;
	/* per IR rule: where its calls go */
	struct policy_route (*routes)[MAX_ROUTES];
	size_t *n_routes;
	struct entry *e; /* sorted by nr, then rule, then crule */
	size_t n_e;
	bool *skip; /* per crule (w->base): not given to libseccomp */
	/* per crule: NULL, or what to give libseccomp instead (eq_safe()) */
	struct crule **conv;
	size_t *n_conv;
	/* socket and IPC calls' own numbers, from libseccomp's num table */
	bool fam_done;
	int32_t fam_nr[32];
};

/*
 * Made and filled by policy_plan_new() only, read-only after that, and
 * freed by policy_plan_free(), which frees everything below but @p, which
 * is borrowed from the caller.  One thread at a time.
 */
struct policy_plan {
	const struct policy *p;
	bool tree;
	uint32_t dflt;
	size_t n_abis;
	const struct arch_abi *abis[PLAN_MAX_ABIS];
	struct plan_arch arch[PLAN_MAX_ABIS];
	struct width w32, w64;
	/* the actions, sorted: action i goes to libseccomp as TRACE(i) */
	uint32_t *acts;
	size_t n_acts;
	/* warnings already given, so each is given once */
	char **said;
	size_t n_said;
	policy_warn_fn warn;
	void *warn_data;
};

/* ---- numbers and names ---- */

static void
num_format(uint64_t v, char *buf, size_t size)
{
	/* as disasm prints constants */
	if (v < 4096)
		snprintf(buf, size, "%" PRIu64, v);
	else
		snprintf(buf, size, "0x%" PRIx64, v);
}

void
policy_cond_format(const struct policy_cond *c, char *buf, size_t size)
{
	static const char *const ops[] = {
		[POLICY_OP_EQ] = "==", [POLICY_OP_NE] = "!=",
		[POLICY_OP_LT] = "<",  [POLICY_OP_LE] = "<=",
		[POLICY_OP_GT] = ">",  [POLICY_OP_GE] = ">=",
	};
	char a[24], b[24];

	num_format(c->a, a, sizeof(a));
	num_format(c->b, b, sizeof(b));
	if (c->op == POLICY_OP_MASKED_EQ)
		snprintf(buf, size, "arg%u & %s == %s", c->arg, a, b);
	else if (c->op >= POLICY_OP_EQ && c->op <= POLICY_OP_GE)
		snprintf(buf, size, "arg%u %s %s", c->arg, ops[c->op], a);
	else
		snprintf(buf, size, "arg%u ?%d %s", c->arg, (int)c->op, a);
}

void
policy_action_format(uint32_t action, char *buf, size_t size)
{
	uint32_t data = action & SECCOMP_RET_DATA;

	if (!bpf_ret_known(action)) {
		snprintf(buf, size, "0x%08x", action);
		return;
	}
	switch (bpf_ret_action(action)) {
	case BPF_ACT_ERRNO:
		snprintf(buf, size, "ERRNO(%u)", data);
		break;
	case BPF_ACT_TRACE:
		snprintf(buf, size, "TRACE(%u)", data);
		break;
	case BPF_ACT_TRAP:
		if (data)
			snprintf(buf, size, "TRAP(%u)", data);
		else
			snprintf(buf, size, "TRAP");
		break;
	default:
		snprintf(buf, size, "%s",
			 bpf_action_name(bpf_ret_action(action)));
		break;
	}
}

static void
loc_format(const struct policy_loc *l, char *buf, size_t size)
{
	if (l->file && l->line)
		snprintf(buf, size, "%s:%u:%u", l->file, l->line,
			 l->col ? l->col : 1);
	else if (l->file)
		snprintf(buf, size, "%s", l->file);
	else
		snprintf(buf, size, "(no location)");
}

/* ---- where a rule's calls go ---- */

/* abi_rule_add()'s lists: socketcall(2) and ipc(2) calls, in that order */
static const char *const mux_names[32] = {
	"socket",      "bind",	      "connect",    "listen",	  "accept",
	"getsockname", "getpeername", "socketpair", "send",	  "recv",
	"sendto",      "recvfrom",    "shutdown",   "setsockopt", "getsockopt",
	"sendmsg",     "recvmsg",     "accept4",    "recvmmsg",	  "sendmmsg",
	"semop",       "semget",      "semctl",	    "semtimedop", "msgsnd",
	"msgrcv",      "msgget",      "msgctl",	    "shmat",	  "shmdt",
	"shmget",      "shmctl",
};

/* How far past nr_base libseccomp's number table is searched. */
#define MUX_NR_SEARCH 1024

/*
 * The ABI's own numbers for the multiplexed calls.  libseccomp resolves
 * their names to pseudo numbers on these ABIs (the name table is
 * "munged"), so the direct number is only in its number-to-name table;
 * one pass over it serves every name.
 */
static void
mux_fill(const struct arch_abi *abi, int32_t fam_nr[32])
{
	uint32_t i;
	size_t j;

	for (j = 0; j < 32; j++)
		fam_nr[j] = -1;
	for (i = 0; i < MUX_NR_SEARCH; i++) {
		int32_t cand = (int32_t)((abi->nr_base + i) | abi->nr_flag);
		char *s =
		    seccomp_syscall_resolve_num_arch(abi->scmp_token, cand);

		if (!s)
			continue;
		for (j = 0; j < 32; j++)
			if (fam_nr[j] < 0 && strcmp(s, mux_names[j]) == 0)
				fam_nr[j] = cand;
		free(s);
	}
}

/* mirrors libseccomp src/syscalls.c: abi_rule_add() */
static int
routes_get(const struct arch_abi *abi, int32_t fam_nr[32], bool *fam_done,
	   const char *name, struct policy_route ret[MAX_ROUTES])
{
	int pnr = seccomp_syscall_resolve_name_arch(abi->scmp_token, name);
	uint32_t call;
	int n = 0, rw;
	size_t j;

	if (pnr == __NR_SCMP_ERROR)
		return -ENOENT;
	if (pnr >= 0) {
		ret[0] = (struct policy_route){ pnr, false, 0 };
		return 1;
	}
	/* the pseudo numbers: __PNR_socket is -101, __PNR_semop -201 */
	if (pnr <= -100 && pnr >= -120)
		call = (uint32_t)(-pnr % 100);
	else if (pnr <= -200 && pnr >= -224)
		call = (uint32_t)(-pnr % 200);
	else
		return 0; /* not on this ABI: libseccomp skips it */
	rw = seccomp_syscall_resolve_name_rewrite(abi->scmp_token, name);
	if (rw >= 0)
		ret[n++] = (struct policy_route){ rw, true, call };
	if (!*fam_done) {
		mux_fill(abi, fam_nr);
		*fam_done = true;
	}
	for (j = 0; j < 32; j++)
		if (strcmp(name, mux_names[j]) == 0 && fam_nr[j] >= 0)
			ret[n++] = (struct policy_route){ fam_nr[j], false, 0 };
	return n;
}

int
policy_routes(const struct arch_abi *abi, const char *name,
	      struct policy_route ret[2])
{
	int32_t fam_nr[32];
	bool done = false;

	return routes_get(abi, fam_nr, &done, name, ret);
}

/* ---- sets of argument values ---- */

/*
 * The values of one argument that a conjunction of comparisons accepts,
 * in a domain of 0..max: an interval, minus some points, with some bits
 * fixed.  Every conjunction of the seven comparisons has this shape.
 */
struct argset {
	uint64_t max;
	uint64_t lo, hi;
	uint64_t m, v; /* (x & m) == v; bits past max are fixed to 0 */
	uint64_t excl[4 * POLICY_MAX_CONDS];
	size_t n_excl;
	bool empty;
};

static void
argset_init(struct argset *s, uint64_t max)
{
	memset(s, 0, sizeof(*s));
	s->max = max;
	s->hi = max;
	s->m = ~max;
}

/* @a and @b are within the domain already. */
static void
argset_add(struct argset *s, enum policy_op op, uint64_t a, uint64_t b)
{
	switch (op) {
	case POLICY_OP_EQ:
		s->lo = a > s->lo ? a : s->lo;
		s->hi = a < s->hi ? a : s->hi;
		break;
	case POLICY_OP_NE:
		if (s->n_excl < sizeof(s->excl) / sizeof(s->excl[0]))
			s->excl[s->n_excl++] = a;
		break;
	case POLICY_OP_LT:
		if (a == 0)
			s->empty = true;
		else if (a - 1 < s->hi)
			s->hi = a - 1;
		break;
	case POLICY_OP_LE:
		s->hi = a < s->hi ? a : s->hi;
		break;
	case POLICY_OP_GT:
		if (a >= s->max)
			s->empty = true;
		else if (a + 1 > s->lo)
			s->lo = a + 1;
		break;
	case POLICY_OP_GE:
		s->lo = a > s->lo ? a : s->lo;
		break;
	case POLICY_OP_MASKED_EQ:
		/* value bits outside the mask: never equal */
		if ((b & ~a) || ((s->m & a) & (s->v ^ b)))
			s->empty = true;
		s->m |= a;
		s->v |= b & a;
		break;
	}
	if (s->lo > s->hi)
		s->empty = true;
}

static uint64_t
low_bits(unsigned k)
{
	return k >= 64 ? UINT64_MAX : (1ULL << k) - 1;
}

/* The least x >= @lo with (x & @m) == @v (@v within @m), if any. */
static bool
next_masked(uint64_t lo, uint64_t m, uint64_t v, uint64_t *ret)
{
	uint64_t diff = (lo ^ v) & m, cand;
	unsigned d, j;

	if (!diff) {
		*ret = lo;
		return true;
	}
	d = 63 - (unsigned)__builtin_clzll(diff);
	if (v & (1ULL << d)) {
		/* lo has 0 where v wants 1: set it, keep lo's bits above */
		j = d;
	} else {
		/* lo has 1 where v wants 0: carry into a free 0 bit above */
		cand = ~lo & ~m & ~low_bits(d + 1);
		if (!cand)
			return false;
		j = (unsigned)__builtin_ctzll(cand);
	}
	*ret = (lo & ~low_bits(j + 1)) | (1ULL << j) | (v & low_bits(j));
	return true;
}

static bool
argset_excluded(const struct argset *s, uint64_t x)
{
	size_t i;

	for (i = 0; i < s->n_excl; i++)
		if (s->excl[i] == x)
			return true;
	return false;
}

/* The least value of @s at or above @from. */
static bool
argset_first(const struct argset *s, uint64_t from, uint64_t *ret)
{
	uint64_t x = from > s->lo ? from : s->lo, y;

	if (s->empty)
		return false;
	for (;;) {
		if (x > s->hi || !next_masked(x, s->m, s->v, &y) || y > s->hi)
			return false;
		if (!argset_excluded(s, y)) {
			*ret = y;
			return true;
		}
		if (y == s->max)
			return false;
		x = y + 1;
	}
}

static bool
argset_is_empty(const struct argset *s)
{
	uint64_t x;

	return !argset_first(s, 0, &x);
}

static bool
argset_is_all(const struct argset *s)
{
	size_t i;

	if (s->empty || s->lo != 0 || s->hi != s->max || (s->m & s->max))
		return false;
	for (i = 0; i < s->n_excl; i++)
		if (s->excl[i] <= s->max)
			return false;
	return true;
}

static void
cc_push(struct ccond *out, size_t cap, size_t *n, unsigned arg,
	enum policy_op op, uint64_t a, uint64_t b)
{
	if (*n < cap)
		out[*n] = (struct ccond){ arg, op, a, b };
	(*n)++;
}

/*
 * [a, b] as aligned blocks, [c, c + 2^k), each "(x & ~(2^k - 1)) == c",
 * and each block cut down to the bits @s fixes; a block that contradicts
 * them is left out.
 */
static void
blocks(const struct argset *s, unsigned arg, uint64_t a, uint64_t b,
       struct ccond *out, size_t cap, size_t *n)
{
	uint64_t mm = s->m & s->max, span, bm, m2, v2;
	unsigned k, kspan;

	for (;;) {
		k = a ? (unsigned)__builtin_ctzll(a) : 64;
		span = b - a;
		kspan = span == UINT64_MAX
			    ? 64
			    : 63 - (unsigned)__builtin_clzll(span + 1);
		if (kspan < k)
			k = kspan;
		bm = ~low_bits(k) & s->max;
		if (!((a ^ s->v) & bm & mm)) {
			m2 = bm | mm;
			v2 = a | s->v;
			if (m2 == s->max)
				cc_push(out, cap, n, arg, POLICY_OP_EQ, v2, 0);
			else
				cc_push(out, cap, n, arg, POLICY_OP_MASKED_EQ,
					m2, v2);
		}
		if (k >= 64 || a + low_bits(k) >= b)
			break;
		a += low_bits(k) + 1;
	}
}

static int
u64_cmp(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/*
 * The comparisons, one argument each, whose OR accepts exactly the values
 * of @s (neither empty nor everything): the interval is cut at the
 * excluded points, and each piece is one comparison (==, <=, >=) when no
 * bits are fixed and it reaches an end of the domain, or else aligned
 * blocks, each a masked equality.  @eq_only: blocks only, so == and
 * masked == are the only comparisons.  Returns how many there are; only
 * the first @cap are written.
 */
static size_t
disjuncts(const struct argset *s, unsigned arg, struct ccond *out, size_t cap,
	  bool eq_only)
{
	uint64_t ex[sizeof(s->excl) / sizeof(s->excl[0])], a, b;
	uint64_t mm = s->m & s->max;
	size_t i, n_ex = 0, n = 0;

	for (i = 0; i < s->n_excl; i++)
		if (s->excl[i] >= s->lo && s->excl[i] <= s->hi)
			ex[n_ex++] = s->excl[i];
	qsort(ex, n_ex, sizeof(ex[0]), u64_cmp);
	a = s->lo;
	for (i = 0; i <= n_ex; i++) {
		if (i < n_ex && ex[i] < a)
			continue; /* a repeated point */
		if (i < n_ex && ex[i] == a) {
			if (a == s->max)
				break;
			a++;
			continue;
		}
		b = i < n_ex ? ex[i] - 1 : s->hi;
		if (a > b)
			break;
		if (mm == 0 && a == b)
			cc_push(out, cap, &n, arg, POLICY_OP_EQ, a, 0);
		else if (eq_only)
			blocks(s, arg, a, b, out, cap, &n);
		else if (mm == 0 && a == 0 && b != s->max)
			cc_push(out, cap, &n, arg, POLICY_OP_LE, b, 0);
		else if (mm == 0 && b == s->max && a != 0)
			cc_push(out, cap, &n, arg, POLICY_OP_GE, a, 0);
		else
			blocks(s, arg, a, b, out, cap, &n);
		if (i == n_ex || ex[i] == s->max)
			break;
		a = ex[i] + 1;
	}
	return n;
}

static bool
cond_holds(enum policy_op op, uint64_t x, uint64_t a, uint64_t b)
{
	switch (op) {
	case POLICY_OP_EQ:
		return x == a;
	case POLICY_OP_NE:
		return x != a;
	case POLICY_OP_LT:
		return x < a;
	case POLICY_OP_LE:
		return x <= a;
	case POLICY_OP_GT:
		return x > a;
	case POLICY_OP_GE:
		return x >= a;
	case POLICY_OP_MASKED_EQ:
		return (x & a) == b;
	}
	return false;
}

/* ---- the plan ---- */

static void __attribute__((format(printf, 3, 4)))
plan_warn(struct policy_plan *pl, const struct policy_loc *loc, const char *fmt,
	  ...)
{
	struct policy_diag d;
	char body[sizeof(d.msg)], **said;
	va_list ap;
	size_t i;

	if (!pl->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(body, sizeof(body), fmt, ap);
	va_end(ap);
	policy_diag_set(&d, loc, "warning: %s", body);
	for (i = 0; i < pl->n_said; i++)
		if (strcmp(pl->said[i], d.msg) == 0)
			return;
	said = realloc(pl->said, (pl->n_said + 1) * sizeof(*said));
	if (said) {
		pl->said = said;
		said[pl->n_said] = strdup(d.msg);
		if (said[pl->n_said])
			pl->n_said++;
	}
	pl->warn(pl->warn_data, d.msg);
}

/* "x86", "x86 and x32": the plan's ABIs of one width, for messages. */
static void
width_abis(const struct policy_plan *pl, unsigned bits, char *buf, size_t size)
{
	size_t i, n = 0, k = 0, len;

	for (i = 0; i < pl->n_abis; i++)
		n += pl->abis[i]->bits == bits;
	buf[0] = '\0';
	for (i = 0; i < pl->n_abis; i++) {
		if (pl->abis[i]->bits != bits)
			continue;
		len = strlen(buf);
		snprintf(buf + len, size - len, "%s%s",
			 k == 0	      ? ""
			 : k == n - 1 ? " and "
				      : ", ",
			 pl->abis[i]->name);
		k++;
	}
}

static struct width *
plan_width(struct policy_plan *pl, unsigned bits)
{
	return bits == 32 ? &pl->w32 : &pl->w64;
}

static uint64_t
width_max(unsigned bits)
{
	return bits == 32 ? UINT32_MAX : UINT64_MAX;
}

/*
 * Rewrites rule @ri for one argument width: each argument's comparisons
 * become one comparison, or a list of them whose OR is exact (their
 * conjunction, as libseccomp cannot have it), and the rule becomes one
 * libseccomp rule per combination.
 */
static int
expand_rule(struct policy_plan *pl, struct width *w, unsigned bits, size_t ri,
	    struct policy_diag *d)
{
	const struct policy_rule *r = &pl->p->rules[ri];
	struct rexp *x = &w->r[ri];
	struct ccond opts[NARGS][POLICY_MAX_DISJUNCTS];
	size_t n_opts[NARGS], total = 1, i, j, k;
	char abis[128], what[400], one[80], trunc[80];
	unsigned arg;

	width_abis(pl, bits, abis, sizeof(abis));
	memset(x, 0, sizeof(*x));
	for (arg = 0; arg < NARGS; arg++) {
		const struct policy_cond *first = NULL, *second = NULL;
		struct argset s;
		size_t cnt = 0;

		argset_init(&s, w->max);
		what[0] = '\0';
		for (i = 0; i < r->n_conds; i++) {
			const struct policy_cond *c = &r->conds[i];
			struct policy_cond t = *c;

			if (c->arg != arg)
				continue;
			t.a &= w->max;
			t.b &= w->max;
			if (t.a != c->a || t.b != c->b) {
				policy_cond_format(c, one, sizeof(one));
				policy_cond_format(&t, trunc, sizeof(trunc));
				plan_warn(
				    pl, &c->loc,
				    "%s %s only the low 32 bits of an argument: %s acts as %s there",
				    abis,
				    strchr(abis, ' ') ? "compare" : "compares",
				    one, trunc);
			}
			argset_add(&s, t.op, t.a, t.b);
			policy_cond_format(&t, one, sizeof(one));
			snprintf(what + strlen(what),
				 sizeof(what) - strlen(what), "%s%s",
				 cnt ? " && " : "", one);
			if (cnt == 0)
				first = c;
			else if (cnt == 1)
				second = c;
			cnt++;
		}
		n_opts[arg] = 0;
		if (cnt == 0)
			continue;
		if (argset_is_empty(&s)) {
			plan_warn(
			    pl, &r->loc,
			    "this rule can never match%s%s: no value of arg%u passes %s; it is left out",
			    bits == 32 ? " on " : "", bits == 32 ? abis : "",
			    arg, what);
			x->never = true;
			return 0;
		}
		if (argset_is_all(&s))
			continue;
		if (cnt == 1) {
			opts[arg][0] =
			    (struct ccond){ arg, first->op, first->a & w->max,
					    first->b & w->max };
			n_opts[arg] = 1;
		} else {
			n_opts[arg] = disjuncts(&s, arg, opts[arg],
						POLICY_MAX_DISJUNCTS, false);
			if (n_opts[arg] > POLICY_MAX_DISJUNCTS) {
				policy_diag_set(
				    d, &second->loc,
				    "cannot compile %s exactly%s%s: libseccomp 2.5.4 takes one comparison per argument in a rule, and rewriting this one needs %zu rules (at most %d)",
				    what, bits == 32 ? " for " : "",
				    bits == 32 ? abis : "", n_opts[arg],
				    POLICY_MAX_DISJUNCTS);
				return -EINVAL;
			}
		}
		total *= n_opts[arg];
		if (total > POLICY_MAX_EXPANSION) {
			policy_diag_set(
			    d, &r->loc,
			    "cannot compile this rule exactly: libseccomp 2.5.4 takes one comparison per argument in a rule, and rewriting its comparisons needs more than %d rules",
			    POLICY_MAX_EXPANSION);
			return -EINVAL;
		}
	}
	x->v = calloc(total, sizeof(*x->v));
	if (!x->v)
		return -ENOMEM;
	x->n = total;
	/* every combination, one option per argument (mixed radix) */
	for (i = 0; i < total; i++) {
		size_t rest = i;

		for (arg = 0; arg < NARGS; arg++) {
			if (n_opts[arg] == 0)
				continue;
			k = rest % n_opts[arg];
			rest /= n_opts[arg];
			j = x->v[i].n++;
			x->v[i].c[j] = opts[arg][k];
		}
	}
	return 0;
}

static int
plan_expand(struct policy_plan *pl, unsigned bits, struct policy_diag *d)
{
	struct width *w = plan_width(pl, bits);
	size_t i, t = 0;
	int r;

	if (w->done)
		return 0;
	w->max = width_max(bits);
	w->r = calloc(pl->p->n_rules + 1, sizeof(*w->r));
	w->base = calloc(pl->p->n_rules + 1, sizeof(*w->base));
	if (!w->r || !w->base)
		return -ENOMEM;
	w->done = true;
	for (i = 0; i < pl->p->n_rules; i++) {
		r = expand_rule(pl, w, bits, i, d);
		if (r < 0)
			return r;
		w->base[i] = t;
		t += w->r[i].n;
	}
	w->total = t;
	return 0;
}

static int
entry_cmp(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	if (a->route.nr != b->route.nr)
		return a->route.nr < b->route.nr ? -1 : 1;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	if (a->route.mux != b->route.mux)
		return a->route.mux ? -1 : 1;
	return a->exp < b->exp ? -1 : a->exp > b->exp;
}

/* Could one call match both @a and @b?  Then *@ret holds such a call. */
static bool
entries_overlap(const struct entry *a, const struct entry *b, uint64_t max,
		uint64_t ret[NARGS], bool used[NARGS])
{
	struct argset s;
	unsigned arg;
	size_t i;

	for (arg = 0; arg < NARGS; arg++) {
		argset_init(&s, max);
		used[arg] = false;
		for (i = 0; i < a->c.n; i++)
			if (a->c.c[i].arg == arg) {
				argset_add(&s, a->c.c[i].op, a->c.c[i].a,
					   a->c.c[i].b);
				used[arg] = true;
			}
		for (i = 0; i < b->c.n; i++)
			if (b->c.c[i].arg == arg) {
				argset_add(&s, b->c.c[i].op, b->c.c[i].a,
					   b->c.c[i].b);
				used[arg] = true;
			}
		if (!argset_first(&s, 0, &ret[arg]))
			return false;
	}
	return true;
}

static int
conflict(struct policy_plan *pl, struct plan_arch *pa, const struct entry *a,
	 const struct entry *b, const uint64_t args[NARGS],
	 const bool used[NARGS], struct policy_diag *d)
{
	const struct policy_rule *ra = &pl->p->rules[a->rule];
	const struct policy_rule *rb = &pl->p->rules[b->rule];
	char where[200], call[300], act_a[32], act_b[32], num[24];
	char *name = arch_syscall_name(pa->abi, b->route.nr);
	unsigned arg;
	size_t len;

	loc_format(&ra->loc, where, sizeof(where));
	snprintf(call, sizeof(call), "%s(", name ? name : rb->name);
	for (arg = 0; arg < NARGS; arg++) {
		if (!used[arg])
			continue;
		num_format(args[arg], num, sizeof(num));
		len = strlen(call);
		snprintf(call + len, sizeof(call) - len, "%sarg%u=%s",
			 call[len - 1] == '(' ? "" : ", ", arg, num);
	}
	len = strlen(call);
	snprintf(call + len, sizeof(call) - len, ")");
	free(name);
	policy_action_format(a->action, act_a, sizeof(act_a));
	policy_action_format(b->action, act_b, sizeof(act_b));
	policy_diag_set(
	    d, &rb->loc,
	    "this rule and the rule at %s both match %s on %s, with different actions (%s and %s)",
	    where, call, pa->abi->name, act_b, act_a);
	return -EINVAL;
}

static bool
op_is_eq(enum policy_op op)
{
	return op == POLICY_OP_EQ || op == POLICY_OP_MASKED_EQ;
}

/* Has @c a comparison other than == and masked ==? */
static bool
crule_not_eq(const struct crule *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!op_is_eq(c->c[i].op))
			return true;
	return false;
}

/*
 * @c with every comparison made == or masked ==: each becomes the aligned
 * blocks of the values it accepts (disjuncts()), and @c one rule per
 * combination.  Returns 0, or -E2BIG past the limits.
 */
static int
crule_eqify(const struct crule *c, uint64_t max, struct crule **ret,
	    size_t *ret_n)
{
	struct ccond opts[NARGS][POLICY_MAX_DISJUNCTS];
	size_t n_opts[NARGS], total = 1, i, k;
	struct crule *v;

	for (i = 0; i < c->n; i++) {
		struct argset s;

		if (op_is_eq(c->c[i].op)) {
			opts[i][0] = c->c[i];
			n_opts[i] = 1;
			continue;
		}
		argset_init(&s, max);
		argset_add(&s, c->c[i].op, c->c[i].a, c->c[i].b);
		n_opts[i] = disjuncts(&s, c->c[i].arg, opts[i],
				      POLICY_MAX_DISJUNCTS, true);
		if (n_opts[i] > POLICY_MAX_DISJUNCTS)
			return -E2BIG;
		total *= n_opts[i];
		if (total > POLICY_MAX_EXPANSION)
			return -E2BIG;
	}
	v = calloc(total, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (k = 0; k < total; k++) {
		size_t rest = k;

		for (i = 0; i < c->n; i++) {
			v[k].c[v[k].n++] = opts[i][rest % n_opts[i]];
			rest /= n_opts[i];
		}
	}
	*ret = v;
	*ret_n = total;
	return 0;
}

/*
 * libseccomp 2.5.4 merges the rules of one system call into a tree, and
 * that merge is unreliable: with two or more rules, any of them using <,
 * <=, >, >= or !=, it emits code that tests a comparison against the
 * wrong word of seccomp_data (a missed accumulator reload in
 * src/gen_bpf.c; tests/compile/README.md shows one), and with rules
 * comparing several arguments it can loop forever in _db_tree_add().
 * Randomised runs found neither with one rule per call, whatever it
 * compares, nor with rules that only use == and masked == (which the
 * Docker and Podman profiles' multi-rule calls do), and both often
 * otherwise.  So where two or more rules meet on one call and one of
 * them compares otherwise, every rule there is rewritten, exactly, into
 * rules of == and masked == only.
 */
static int
eq_safe(struct policy_plan *pl, struct plan_arch *pa, struct policy_diag *d)
{
	const struct policy *p = pl->p;
	const struct width *w = pa->w;
	bool *mark;
	size_t g, h, i, n_rules;
	bool neq;
	int r = 0;

	mark = calloc(w->total + 1, sizeof(*mark));
	pa->conv = calloc(w->total + 1, sizeof(*pa->conv));
	pa->n_conv = calloc(w->total + 1, sizeof(*pa->n_conv));
	if (!mark || !pa->conv || !pa->n_conv) {
		r = -ENOMEM;
		goto out;
	}
	for (g = 0; g < pa->n_e; g = h) {
		n_rules = 0;
		neq = false;
		for (h = g;
		     h < pa->n_e && pa->e[h].route.nr == pa->e[g].route.nr;
		     h++) {
			const struct entry *e = &pa->e[h];

			if (pa->skip[w->base[e->rule] + e->exp])
				continue;
			n_rules++;
			neq |= crule_not_eq(&e->c);
		}
		if (n_rules < 2 || !neq)
			continue;
		for (i = g; i < h; i++) {
			const struct entry *e = &pa->e[i];
			size_t idx = w->base[e->rule] + e->exp;

			if (!pa->skip[idx] &&
			    crule_not_eq(&w->r[e->rule].v[e->exp]))
				mark[idx] = true;
		}
	}
	for (i = 0; i < p->n_rules; i++) {
		size_t j;

		for (j = 0; j < w->r[i].n; j++) {
			size_t idx = w->base[i] + j;

			if (!mark[idx])
				continue;
			r = crule_eqify(&w->r[i].v[j], w->max, &pa->conv[idx],
					&pa->n_conv[idx]);
			if (r == -E2BIG) {
				policy_diag_set(
				    d, &p->rules[i].loc,
				    "cannot compile the rules for %s on %s: where rules meet on one call, libseccomp 2.5.4 is only reliable with == and masked ==, and rewriting this rule that way needs more than %d rules",
				    p->rules[i].name, pa->abi->name,
				    POLICY_MAX_EXPANSION);
				r = -EINVAL;
			}
			if (r < 0)
				goto out;
		}
	}
	/* what libseccomp gets for one call: its code generation slows down
	 * steeply with the rules of a call (bench/README.md) */
	for (g = 0; g < pa->n_e; g = h) {
		size_t total = 0, most = 0, who = pa->e[g].rule;

		for (h = g;
		     h < pa->n_e && pa->e[h].route.nr == pa->e[g].route.nr;
		     h++) {
			const struct entry *e = &pa->e[h];
			size_t idx = w->base[e->rule] + e->exp, k;

			if (pa->skip[idx])
				continue;
			k = pa->conv[idx] ? pa->n_conv[idx] : 1;
			total += k;
			if (k > most) {
				most = k;
				who = e->rule;
			}
		}
		if (total > POLICY_MAX_CALL_RULES) {
			char *name =
			    arch_syscall_name(pa->abi, pa->e[g].route.nr);

			policy_diag_set(
			    d, &p->rules[who].loc,
			    "cannot compile the rules for %s on %s: rewritten exactly for libseccomp 2.5.4, they come to %zu rules for one call (at most %d)",
			    name ? name : p->rules[who].name, pa->abi->name,
			    total, POLICY_MAX_CALL_RULES);
			free(name);
			r = -EINVAL;
			goto out;
		}
	}
out:
	free(mark);
	return r;
}

/* The rules for one ABI: where they go, which decides what, what to add. */
static int
plan_arch(struct policy_plan *pl, struct plan_arch *pa, struct policy_diag *d)
{
	const struct policy *p = pl->p;
	struct width *w = pa->w;
	size_t i, j, g, h, n = 0, cap = 0;
	size_t *n_live = NULL, *n_supp = NULL;
	uint64_t args[NARGS];
	bool used[NARGS];
	int r = 0, k;

	pa->routes = calloc(p->n_rules + 1, sizeof(*pa->routes));
	pa->n_routes = calloc(p->n_rules + 1, sizeof(*pa->n_routes));
	pa->skip = calloc(w->total + 1, sizeof(*pa->skip));
	n_live = calloc(w->total + 1, sizeof(*n_live));
	n_supp = calloc(w->total + 1, sizeof(*n_supp));
	if (!pa->routes || !pa->n_routes || !pa->skip || !n_live || !n_supp) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < p->n_rules; i++) {
		k = routes_get(pa->abi, pa->fam_nr, &pa->fam_done,
			       p->rules[i].name, pa->routes[i]);
		if (k < 0) {
			policy_diag_set(d, &p->rules[i].loc,
					"unknown system call '%s'",
					p->rules[i].name);
			r = -EINVAL;
			goto out;
		}
		pa->n_routes[i] = (size_t)k;
		if (w->r[i].never)
			continue;
		cap += (size_t)k * w->r[i].n;
	}
	pa->e = calloc(cap + 1, sizeof(*pa->e));
	if (!pa->e) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < p->n_rules; i++) {
		const struct rexp *x = &w->r[i];
		size_t ro;

		if (x->never)
			continue;
		for (ro = 0; ro < pa->n_routes[i]; ro++) {
			const struct policy_route *rt = &pa->routes[i][ro];

			if (rt->mux && p->rules[i].n_conds > 0) {
				char *mux = arch_syscall_name(pa->abi, rt->nr);
				bool only0 = true;

				for (j = 0; j < p->rules[i].n_conds; j++)
					only0 &= p->rules[i].conds[j].arg == 0;
				plan_warn(
				    pl, &p->rules[i].loc,
				    "%s also makes %s calls through %s (nr %d), whose arguments are not %s's: there this rule %s%u%s",
				    pa->abi->name, p->rules[i].name,
				    mux ? mux : "?", rt->nr, p->rules[i].name,
				    only0 ? "matches every call with arg0 == "
					  : "tests arg0 == ",
				    rt->mux_call,
				    only0
					? ""
					: " in place of its own arg0 conditions, and its other conditions on the multiplexer's arguments");
				free(mux);
			}
			for (j = 0; j < x->n; j++) {
				struct entry *e = &pa->e[n++];
				size_t c;

				e->rule = i;
				e->exp = j;
				e->route = *rt;
				e->action = p->rules[i].action;
				if (!rt->mux) {
					e->c = x->v[j];
					continue;
				}
				/* libseccomp puts the call number in arg0 */
				e->c.n = 0;
				e->c.c[e->c.n++] =
				    (struct ccond){ 0, POLICY_OP_EQ,
						    rt->mux_call, 0 };
				for (c = 0; c < x->v[j].n; c++)
					if (x->v[j].c[c].arg != 0)
						e->c.c[e->c.n++] = x->v[j].c[c];
			}
		}
	}
	pa->n_e = n;
	qsort(pa->e, n, sizeof(*pa->e), entry_cmp);

	for (g = 0; g < n; g = h) {
		struct entry *u = NULL;

		for (h = g; h < n && pa->e[h].route.nr == pa->e[g].route.nr;
		     h++)
			if (!u && pa->e[h].c.n == 0)
				u = &pa->e[h];
		if (u) {
			/* db_rule_add(): the first rule without a chain wins */
			for (i = g; i < h; i++) {
				struct entry *e = &pa->e[i];
				char where[200], act[32];
				char *name;

				if (e == u)
					continue;
				e->shadowed = true;
				e->suppress = u->action == pl->dflt;
				if (e->action == u->action)
					continue;
				loc_format(&p->rules[u->rule].loc, where,
					   sizeof(where));
				policy_action_format(u->action, act,
						     sizeof(act));
				name = arch_syscall_name(pa->abi, e->route.nr);
				plan_warn(
				    pl, &p->rules[e->rule].loc,
				    "this rule is overridden: the rule at %s has no conditions, so it decides every %s call (%s)",
				    where, name ? name : p->rules[e->rule].name,
				    act);
				free(name);
			}
			u->suppress = u->action == pl->dflt;
			continue;
		}
		for (i = g; i < h; i++)
			for (j = i + 1; j < h; j++) {
				if (pa->e[i].action == pa->e[j].action ||
				    pa->e[i].rule == pa->e[j].rule)
					continue;
				if (entries_overlap(&pa->e[i], &pa->e[j],
						    w->max, args, used)) {
					r = conflict(pl, pa, &pa->e[i],
						     &pa->e[j], args, used, d);
					goto out;
				}
			}
	}

	for (i = 0; i < n; i++) {
		size_t idx = w->base[pa->e[i].rule] + pa->e[i].exp;

		n_live[idx] += !pa->e[i].shadowed;
		n_supp[idx] += pa->e[i].suppress;
	}
	for (i = 0; i < p->n_rules; i++)
		for (j = 0; j < w->r[i].n; j++) {
			size_t idx = w->base[i] + j;

			pa->skip[idx] =
			    p->rules[i].action == pl->dflt || n_live[idx] == 0;
			if (!pa->skip[idx] && n_supp[idx]) {
				policy_diag_set(
				    d, &p->rules[i].loc,
				    "cannot compile this rule exactly for %s: a rule without conditions gives the calls of one of its routes the default action, and libseccomp adds %s to both socketcall or ipc and %s's own number",
				    pa->abi->name, p->rules[i].name,
				    p->rules[i].name);
				r = -EINVAL;
				goto out;
			}
		}
	r = eq_safe(pl, pa, d);
out:
	free(n_live);
	free(n_supp);
	return r;
}

static int
act_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static int
plan_actions(struct policy_plan *pl, struct policy_diag *d)
{
	const struct policy *p = pl->p;
	struct policy_loc floc = { p->n_files ? p->files[0] : NULL, 0, 0 };
	size_t i, n = 0;

	pl->acts = calloc(p->n_rules + 2, sizeof(*pl->acts));
	if (!pl->acts)
		return -ENOMEM;
	if (!bpf_ret_known(p->default_action)) {
		policy_diag_set(d, &floc, "unknown default action 0x%08x",
				p->default_action);
		return -EINVAL;
	}
	pl->acts[n++] = p->default_action;
	pl->acts[n++] = COMPILE_BADARCH;
	for (i = 0; i < p->n_rules; i++) {
		if (!bpf_ret_known(p->rules[i].action)) {
			policy_diag_set(d, &p->rules[i].loc,
					"unknown action 0x%08x",
					p->rules[i].action);
			return -EINVAL;
		}
		pl->acts[n++] = p->rules[i].action;
	}
	qsort(pl->acts, n, sizeof(*pl->acts), act_cmp);
	pl->n_acts = 0;
	for (i = 0; i < n; i++)
		if (pl->n_acts == 0 || pl->acts[pl->n_acts - 1] != pl->acts[i])
			pl->acts[pl->n_acts++] = pl->acts[i];
	if (pl->n_acts > SECCOMP_RET_DATA + 1) {
		policy_diag_set(d, &floc,
				"more than %u different actions in one policy",
				SECCOMP_RET_DATA + 1);
		return -EINVAL;
	}
	return 0;
}

/* The stand-in libseccomp gets for @action. */
static uint32_t
standin(const struct policy_plan *pl, uint32_t action)
{
	const uint32_t *a =
	    bsearch(&action, pl->acts, pl->n_acts, sizeof(*pl->acts), act_cmp);

	return SCMP_ACT_TRACE((uint32_t)(a - pl->acts));
}

static const struct arch_abi *
abi_by_token(uint32_t token)
{
	size_t i;

	if (token == SCMP_ARCH_NATIVE)
		return arch_abi_host();
	for (i = 0; i < arch_abi_count(); i++)
		if (arch_abi_at(i)->scmp_token == token)
			return arch_abi_at(i);
	return NULL;
}

static int
plan_abis(struct policy_plan *pl, const struct policy_compile_opts *o,
	  struct policy_diag *d)
{
	const struct policy *p = pl->p;
	struct policy_loc floc = { p->n_files ? p->files[0] : NULL, 0, 0 };
	const struct bpf_cache_layout *host = arch_cache_layout_host();
	const uint32_t *tokens = p->arches;
	uint32_t own[BPF_CACHE_MAX_ABIS];
	size_t n = p->n_arches, i, j;

	if (o && o->n_arches) {
		tokens = o->arches;
		n = o->n_arches;
	}
	if (n == 0) {
		/* the native ABI and its compat ABI, as the kernel caches them
		 */
		for (i = 0; i < host->n_abis; i++)
			own[i] = arch_abi_by_audit(host->abi[i].audit_arch, 0)
				     ->scmp_token;
		tokens = own;
		n = host->n_abis;
	}
	if (n > PLAN_MAX_ABIS)
		n = PLAN_MAX_ABIS;
	for (i = 0; i < n; i++) {
		const struct arch_abi *abi = abi_by_token(tokens[i]);

		if (!abi) {
			policy_diag_set(d, &floc,
					"unknown architecture token 0x%08x",
					tokens[i]);
			return -EINVAL;
		}
		for (j = 0; j < pl->n_abis; j++)
			if (pl->abis[j] == abi)
				break;
		if (j < pl->n_abis)
			continue;
		if (pl->n_abis && pl->abis[0]->big_endian != abi->big_endian) {
			policy_diag_set(
			    d, &floc,
			    "%s and %s have different byte orders; one filter covers ABIs of one byte order",
			    pl->abis[0]->name, abi->name);
			return -EINVAL;
		}
		pl->abis[pl->n_abis++] = abi;
	}
	return 0;
}

static int
plan_check_rules(const struct policy *p, struct policy_diag *d)
{
	size_t i, j;

	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *r = &p->rules[i];

		if (!r->name || !r->name[0]) {
			policy_diag_set(d, &r->loc,
					"rule without a system call");
			return -EINVAL;
		}
		if (seccomp_syscall_resolve_name(r->name) == __NR_SCMP_ERROR) {
			policy_diag_set(d, &r->loc, "unknown system call '%s'",
					r->name);
			return -EINVAL;
		}
		if (r->n_conds > POLICY_MAX_CONDS) {
			policy_diag_set(d, &r->loc,
					"more than %d conditions in one rule",
					POLICY_MAX_CONDS);
			return -EINVAL;
		}
		for (j = 0; j < r->n_conds; j++) {
			const struct policy_cond *c = &r->conds[j];

			if (c->arg >= NARGS) {
				policy_diag_set(
				    d, &c->loc,
				    "no argument arg%u: system calls have arg0 to arg5",
				    c->arg);
				return -EINVAL;
			}
			if (c->op < POLICY_OP_EQ ||
			    c->op > POLICY_OP_MASKED_EQ) {
				policy_diag_set(d, &c->loc,
						"unknown comparison %d",
						(int)c->op);
				return -EINVAL;
			}
		}
	}
	return 0;
}

void
policy_plan_free(struct policy_plan *pl)
{
	size_t i, j;

	if (!pl)
		return;
	for (i = 0; i < pl->n_abis; i++) {
		free(pl->arch[i].routes);
		free(pl->arch[i].n_routes);
		free(pl->arch[i].e);
		free(pl->arch[i].skip);
		if (pl->arch[i].conv)
			for (j = 0; j < pl->arch[i].w->total; j++)
				free(pl->arch[i].conv[j]);
		free(pl->arch[i].conv);
		free(pl->arch[i].n_conv);
	}
	if (pl->w32.r)
		for (i = 0; i < pl->p->n_rules; i++)
			free(pl->w32.r[i].v);
	if (pl->w64.r)
		for (i = 0; i < pl->p->n_rules; i++)
			free(pl->w64.r[i].v);
	free(pl->w32.r);
	free(pl->w32.base);
	free(pl->w64.r);
	free(pl->w64.base);
	free(pl->acts);
	for (i = 0; i < pl->n_said; i++)
		free(pl->said[i]);
	free(pl->said);
	free(pl);
}

int
policy_plan_new(const struct policy *p, const struct policy_compile_opts *o,
		policy_warn_fn warn, void *data, struct policy_plan **ret,
		struct policy_diag *d)
{
	struct policy_plan *pl;
	size_t i;
	int r;

	d->msg[0] = '\0';
	pl = calloc(1, sizeof(*pl));
	if (!pl)
		return -ENOMEM;
	pl->p = p;
	pl->tree = o ? o->tree : POLICY_COMPILE_TREE_DEFAULT;
	pl->dflt = p->default_action;
	pl->warn = warn;
	pl->warn_data = data;
	r = plan_check_rules(p, d);
	if (r < 0)
		goto out;
	r = plan_actions(pl, d);
	if (r < 0)
		goto out;
	r = plan_abis(pl, o, d);
	if (r < 0)
		goto out;
	for (i = 0; i < pl->n_abis; i++) {
		r = plan_expand(pl, pl->abis[i]->bits, d);
		if (r < 0)
			goto out;
	}
	for (i = 0; i < pl->n_abis; i++) {
		pl->arch[i].abi = pl->abis[i];
		pl->arch[i].w = plan_width(pl, pl->abis[i]->bits);
		r = plan_arch(pl, &pl->arch[i], d);
		if (r < 0)
			goto out;
	}
	*ret = pl;
	pl = NULL;
out:
	if (r == -ENOMEM && !d->msg[0])
		snprintf(d->msg, sizeof(d->msg), "out of memory");
	policy_plan_free(pl);
	return r;
}

size_t
policy_plan_abis(const struct policy_plan *pl,
		 const struct arch_abi *const **ret)
{
	*ret = pl->abis;
	return pl->n_abis;
}

bool
policy_plan_big_endian(const struct policy_plan *pl)
{
	return pl->n_abis && pl->abis[0]->big_endian;
}

/* ---- libseccomp ---- */

static enum scmp_compare
scmp_op(enum policy_op op)
{
	switch (op) {
	case POLICY_OP_EQ:
		return SCMP_CMP_EQ;
	case POLICY_OP_NE:
		return SCMP_CMP_NE;
	case POLICY_OP_LT:
		return SCMP_CMP_LT;
	case POLICY_OP_LE:
		return SCMP_CMP_LE;
	case POLICY_OP_GT:
		return SCMP_CMP_GT;
	case POLICY_OP_GE:
		return SCMP_CMP_GE;
	case POLICY_OP_MASKED_EQ:
		return SCMP_CMP_MASKED_EQ;
	}
	return _SCMP_CMP_MIN;
}

/* One ABI's context, with its rules. */
static int
arch_ctx(const struct policy_plan *pl, const struct plan_arch *pa,
	 scmp_filter_ctx *ret, struct policy_diag *d)
{
	const struct policy *p = pl->p;
	const struct width *w = pa->w;
	scmp_filter_ctx ctx;
	size_t i, j, c;
	int r;

	ctx = seccomp_init(standin(pl, pl->dflt));
	if (!ctx)
		return -ENOMEM;
	if (pa->abi->scmp_token != seccomp_arch_native()) {
		/* remove first: a context holds ABIs of one byte order */
		r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (r == 0)
			r = seccomp_arch_add(ctx, pa->abi->scmp_token);
		if (r < 0)
			goto out;
	}
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE,
				     pl->tree ? 2 : 1);
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				     standin(pl, COMPILE_BADARCH));
	if (r < 0)
		goto out;
	if (p->log_denied) {
		/*
		 * The flag for seccomp(2) (SECCOMP_FILTER_FLAG_LOG), not part
		 * of the program; libseccomp refuses it where the running
		 * kernel lacks it, which is no reason not to compile.
		 */
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
		if (r < 0 && r != -EOPNOTSUPP)
			goto out;
	}
	for (i = 0; i < p->n_rules; i++) {
		const struct policy_rule *pr = &p->rules[i];
		int nr = seccomp_syscall_resolve_name(pr->name);

		for (j = 0; j < w->r[i].n; j++) {
			size_t idx = w->base[i] + j, m, n_m = 1;
			const struct crule *crs = &w->r[i].v[j];

			if (w->r[i].never || pa->skip[idx])
				continue;
			if (pa->conv[idx]) {
				crs = pa->conv[idx];
				n_m = pa->n_conv[idx];
			}
			for (m = 0; m < n_m; m++) {
				const struct crule *cr = &crs[m];
				struct scmp_arg_cmp cmp[NARGS];

				for (c = 0; c < cr->n; c++) {
					cmp[c].arg = cr->c[c].arg;
					cmp[c].op = scmp_op(cr->c[c].op);
					cmp[c].datum_a = cr->c[c].a;
					cmp[c].datum_b = cr->c[c].b;
				}
				r = seccomp_rule_add_array(
				    ctx, standin(pl, pr->action), nr,
				    (unsigned)cr->n, cmp);
				if (r == -EEXIST) {
					policy_diag_set(
					    d, &pr->loc,
					    "libseccomp refuses this rule for %s: it conflicts with another rule for %s",
					    pa->abi->name, pr->name);
					r = -EINVAL;
					goto out;
				}
				if (r < 0) {
					policy_diag_set(
					    d, &pr->loc,
					    "libseccomp refuses this rule for %s: %s",
					    pa->abi->name, strerror(-r));
					r = -EINVAL;
					goto out;
				}
			}
		}
	}
	*ret = ctx;
	ctx = NULL;
	r = 0;
out:
	if (ctx)
		seccomp_release(ctx);
	return r;
}

/* seccomp_export_bpf() into memory: 2.5.4 has no seccomp_export_bpf_mem(). */
static int
ctx_export(scmp_filter_ctx ctx, char **ret, size_t *ret_size)
{
	char *buf = NULL;
	off_t end;
	ssize_t k;
	size_t got = 0;
	int fd, r;

	fd = memfd_create("sandboxd-policy", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		goto out;
	end = lseek(fd, 0, SEEK_END);
	if (end < 0) {
		r = -errno;
		goto out;
	}
	buf = malloc((size_t)end + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	while (got < (size_t)end) {
		k = pread(fd, buf + got, (size_t)end - got, (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			r = k < 0 ? -errno : -EIO;
			goto out;
		}
		got += (size_t)k;
	}
	*ret = buf;
	*ret_size = got;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

int
policy_plan_compile(const struct policy_plan *pl, struct sock_filter **ret,
		    size_t *ret_len, struct policy_diag *d)
{
	const struct policy *p = pl->p;
	struct policy_loc floc = { p->n_files ? p->files[0] : NULL, 0, 0 };
	scmp_filter_ctx dst = NULL, ctx = NULL;
	struct sock_filter *prog = NULL;
	struct bpf_error err;
	bool big = policy_plan_big_endian(pl);
	const uint16_t one = 1;
	bool host_big = *(const unsigned char *)&one == 0;
	char *buf = NULL;
	size_t i, size = 0, len;
	int r;

	d->msg[0] = '\0';
	for (i = 0; i < pl->n_abis; i++) {
		r = arch_ctx(pl, &pl->arch[i], &ctx, d);
		if (r < 0)
			goto out;
		if (!dst) {
			dst = ctx;
		} else {
			r = seccomp_merge(dst, ctx);
			if (r < 0)
				goto out;
		}
		ctx = NULL;
	}
	if (!dst) {
		policy_diag_set(d, &floc, "no ABI to compile for");
		r = -EINVAL;
		goto out;
	}
	r = ctx_export(dst, &buf, &size);
	if (r < 0)
		goto out;
	r = bpf_prog_from_bytes(buf, size, big != host_big, &prog, &len, &err);
	if (r < 0)
		goto out;
	for (i = 0; i < len; i++) {
		uint32_t k = prog[i].k;

		if (prog[i].code != (BPF_RET | BPF_K))
			continue;
		if ((k & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE ||
		    (k & SECCOMP_RET_DATA) >= pl->n_acts) {
			policy_diag_set(
			    d, &floc,
			    "internal error: libseccomp returned 0x%08x, which is no action of this policy",
			    k);
			r = -EPROTO;
			goto out;
		}
		prog[i].k = pl->acts[k & SECCOMP_RET_DATA];
	}
	if (len > CBPF_MAXINSNS) {
		policy_diag_set(
		    d, &floc,
		    "the filter has %zu instructions; the kernel takes at most %d",
		    len, CBPF_MAXINSNS);
		r = -E2BIG;
		goto out;
	}
	if (bpf_prog_check(prog, len, &err) < 0) {
		policy_diag_set(
		    d, &floc,
		    "internal error: the compiled filter is invalid: insn %u: %s",
		    err.insn, err.msg);
		r = -EPROTO;
		goto out;
	}
	*ret = prog;
	*ret_len = len;
	prog = NULL;
	r = 0;
out:
	if (r < 0 && !d->msg[0])
		policy_diag_set(d, &floc, "libseccomp: %s", strerror(-r));
	free(prog);
	free(buf);
	if (ctx)
		seccomp_release(ctx);
	if (dst)
		seccomp_release(dst);
	return r;
}

int
policy_compile_warn(const struct policy *p, const struct policy_compile_opts *o,
		    policy_warn_fn warn, void *data, struct sock_filter **ret,
		    size_t *ret_len, struct policy_diag *d)
{
	struct policy_plan *pl = NULL;
	int r;

	r = policy_plan_new(p, o, warn, data, &pl, d);
	if (r < 0)
		return r;
	r = policy_plan_compile(pl, ret, ret_len, d);
	policy_plan_free(pl);
	return r;
}

int
policy_compile(const struct policy *p, const struct policy_compile_opts *o,
	       struct sock_filter **ret, size_t *ret_len, struct policy_diag *d)
{
	return policy_compile_warn(p, o, NULL, NULL, ret, ret_len, d);
}

/* ---- the model: what the filter decides, from the rules ---- */

/*
 * The ABIs whose rules decide a call of @audit_arch and @nr, as the
 * filter's arch checks route it (libseccomp src/gen_bpf.c: _gen_bpf_arch()):
 * x86_64 and x32 share AUDIT_ARCH_X86_64, and a filter with only one of
 * them sends the other's numbers (bit 30; -1 counts as x86_64's) to the
 * bad-arch action.
 */
static size_t
plan_arches_for(const struct policy_plan *pl, uint32_t audit_arch, int32_t nr,
		const struct plan_arch *ret[2])
{
	bool x32nr = (uint32_t)nr >= ARCH_X32_SYSCALL_BIT && nr != -1;
	size_t i, n = 0;

	for (i = 0; i < pl->n_abis; i++) {
		const struct arch_abi *abi = pl->abis[i];

		if (abi->audit_arch != audit_arch)
			continue;
		if (n < 2)
			ret[n++] = &pl->arch[i];
	}
	if (n == 1 && audit_arch == AUDIT_ARCH_X86_64) {
		bool is_x32 = ret[0]->abi->nr_flag != 0;

		if (is_x32 != x32nr && !(is_x32 && nr == -1))
			return 0;
	}
	return n;
}

void
policy_plan_decide(const struct policy_plan *pl, uint32_t audit_arch,
		   int32_t nr, const uint64_t args[6],
		   struct policy_decision *ret)
{
	const struct policy *p = pl->p;
	const struct plan_arch *pas[2];
	size_t n_pa, a, i, ro, c;
	int first_match = -1, uncond = -1;

	memset(ret, 0, sizeof(*ret));
	n_pa = plan_arches_for(pl, audit_arch, nr, pas);
	if (n_pa == 0) {
		ret->why = POLICY_WHY_BADARCH;
		ret->action = COMPILE_BADARCH;
		return;
	}
	ret->abi = pas[0]->abi;
	if (n_pa == 2 && ((uint32_t)nr >= ARCH_X32_SYSCALL_BIT) ==
			     (pas[1]->abi->nr_flag != 0))
		ret->abi = pas[1]->abi;
	for (a = 0; a < n_pa; a++) {
		const struct plan_arch *pa = pas[a];
		const struct width *w = pa->w;

		for (i = 0; i < p->n_rules; i++) {
			const struct policy_rule *r = &p->rules[i];

			for (ro = 0; ro < pa->n_routes[i]; ro++) {
				const struct policy_route *rt =
				    &pa->routes[i][ro];
				struct policy_decision_rule *dr;
				bool all = true;

				if (rt->nr != nr)
					continue;
				if (ret->n_rules == POLICY_DECISION_MAX_RULES) {
					ret->n_more++;
					continue;
				}
				dr = &ret->rules[ret->n_rules++];
				dr->rule = i;
				dr->route = *rt;
				dr->truncated = w->max != UINT64_MAX;
				dr->unconditional =
				    !rt->mux && !w->r[i].never &&
				    w->r[i].n == 1 && w->r[i].v[0].n == 0;
				if (rt->mux) {
					dr->mux_true =
					    (args[0] & w->max) == rt->mux_call;
					all = dr->mux_true;
				}
				for (c = 0; c < r->n_conds; c++) {
					const struct policy_cond *pc =
					    &r->conds[c];
					bool t = cond_holds(
					    pc->op, args[pc->arg] & w->max,
					    pc->a & w->max, pc->b & w->max);

					if (t)
						dr->cond_true |= 1U << c;
					if (!(rt->mux && pc->arg == 0))
						all &= t;
				}
				dr->matches = all;
				if (dr->unconditional && uncond < 0)
					uncond = (int)(ret->n_rules - 1);
				if (dr->matches && first_match < 0)
					first_match = (int)(ret->n_rules - 1);
			}
		}
	}
	if (uncond >= 0) {
		ret->why = POLICY_WHY_UNCONDITIONAL;
		ret->action = p->rules[ret->rules[uncond].rule].action;
		ret->rules[uncond].decides = true;
		return;
	}
	if (first_match < 0) {
		ret->why = POLICY_WHY_DEFAULT;
		ret->action = pl->dflt;
		return;
	}
	ret->why = POLICY_WHY_RULE;
	ret->action = p->rules[ret->rules[first_match].rule].action;
	for (i = 0; i < ret->n_rules; i++)
		ret->rules[i].decides =
		    ret->rules[i].matches &&
		    p->rules[ret->rules[i].rule].action == ret->action;
}
