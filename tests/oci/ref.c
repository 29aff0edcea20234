/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The tests' own reading of OCI, Docker and Podman seccomp profiles,
 * written apart from src/policy/oci.c and without its IR, so the two can
 * be compared.  It models, from their sources:
 *
 * - Docker's and Podman's setupSeccomp(): archMap, name/names, includes
 *   and excludes (caps against the bounding set, arches by Go's names,
 *   minKernel by major.minor), Podman's errno and defaultErrno.
 * - runc's libcontainer/seccomp: SCMP_ACT_KILL is KILL_THREAD; ERRNO and
 *   TRACE default to EPERM; a rule with the default action is left out;
 *   a name libseccomp cannot resolve is left out; an entry with two
 *   conditions on one argument becomes one rule per condition.
 * - libseccomp 2.5.4 (src/db.c, src/syscalls.c):
 *   - each ABI resolves the name itself; a name that does not exist there
 *     adds nothing to that ABI;
 *   - on i386 the socket and SysV IPC calls are multiplexed: a rule for
 *     socket(2) becomes a rule for socketcall(2) whose argument 0 must be
 *     SYS_SOCKET (replacing any condition on argument 0, and keeping the
 *     others, which then test socketcall's own arguments) plus, where
 *     i386 has it, a rule for the direct call;
 *   - 32-bit ABIs (i386, and x32 too: libseccomp sizes it ARCH_SIZE_32)
 *     compare only the low 32 bits of the argument and of the values
 *     (_db_rule_gen_32(): "implicitly strips off the upper 32 bit"),
 *     though the kernel hands an x32 filter full 64-bit registers;
 *   - MASKED_EQ compares (arg & value) == (valueTwo & value)
 *     (_db_node_mask_fixup()), and a MASKED_EQ whose mask (or, on 32-bit
 *     ABIs, whose mask's low half) is 0 is dropped as always true;
 *   - once a syscall has a rule without conditions, that first such rule
 *     decides every call (db_rule_add(): later rules are dropped, earlier
 *     conditional ones replaced);
 *   - otherwise the action of the rules that match, and the default
 *     action when none does.  Rules with different actions that match
 *     the same call are reported as ambiguous: libseccomp then either
 *     refuses them (-EEXIST) or lets its tree's shape decide.
 * - the kernel: one filter, so its return value is the verdict.
 *
 * The only libseccomp function used is seccomp_syscall_resolve_name_arch(),
 * because names need numbers; everything else is read from the JSON
 * here.  The i386 direct socket and IPC numbers libseccomp's table has
 * (Linux 4.3 and 5.1) are the kernel's, from syscall_32.tbl.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include <json-c/json.h>
#include <seccomp.h>

#include <linux/audit.h>
#include <linux/ipc.h>
#include <linux/net.h>
#include <linux/seccomp.h>

#if defined(__x86_64__)
#include <asm/unistd_32.h>
#endif

#include "ref.h"

#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_RET_KILL_THREAD
#define SECCOMP_RET_KILL_THREAD 0x00000000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif
#ifndef SECCOMP_RET_USER_NOTIF
#define SECCOMP_RET_USER_NOTIF 0x7fc00000U
#endif

const struct ref_abi ref_abis[] = {
	{ "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, false,
	  false },
	{ "SCMP_ARCH_X86", SCMP_ARCH_X86, AUDIT_ARCH_I386, true, true },
	{ "SCMP_ARCH_X32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64, true, false },
};
const size_t ref_abi_count = sizeof(ref_abis) / sizeof(ref_abis[0]);

/* i386's socketcall(2) and ipc(2), and what goes through them */
#define I386_SOCKETCALL 102
#define I386_IPC	117

static const struct {
	const char *name;
	int via;    /* I386_SOCKETCALL or I386_IPC */
	int call;   /* its first argument: <linux/net.h>, <linux/ipc.h> */
	int direct; /* the i386 number of the call itself, or -1 */
} mux[] = {
	{ "socket", I386_SOCKETCALL, SYS_SOCKET, 359 },
	{ "bind", I386_SOCKETCALL, SYS_BIND, 361 },
	{ "connect", I386_SOCKETCALL, SYS_CONNECT, 362 },
	{ "listen", I386_SOCKETCALL, SYS_LISTEN, 363 },
	{ "accept", I386_SOCKETCALL, SYS_ACCEPT, -1 },
	{ "getsockname", I386_SOCKETCALL, SYS_GETSOCKNAME, 367 },
	{ "getpeername", I386_SOCKETCALL, SYS_GETPEERNAME, 368 },
	{ "socketpair", I386_SOCKETCALL, SYS_SOCKETPAIR, 360 },
	{ "send", I386_SOCKETCALL, SYS_SEND, -1 },
	{ "recv", I386_SOCKETCALL, SYS_RECV, -1 },
	{ "sendto", I386_SOCKETCALL, SYS_SENDTO, 369 },
	{ "recvfrom", I386_SOCKETCALL, SYS_RECVFROM, 371 },
	{ "shutdown", I386_SOCKETCALL, SYS_SHUTDOWN, 373 },
	{ "setsockopt", I386_SOCKETCALL, SYS_SETSOCKOPT, 366 },
	{ "getsockopt", I386_SOCKETCALL, SYS_GETSOCKOPT, 365 },
	{ "sendmsg", I386_SOCKETCALL, SYS_SENDMSG, 370 },
	{ "recvmsg", I386_SOCKETCALL, SYS_RECVMSG, 372 },
	{ "accept4", I386_SOCKETCALL, SYS_ACCEPT4, 364 },
	{ "recvmmsg", I386_SOCKETCALL, SYS_RECVMMSG, 337 },
	{ "sendmmsg", I386_SOCKETCALL, SYS_SENDMMSG, 345 },
	{ "semop", I386_IPC, SEMOP, -1 },
	{ "semget", I386_IPC, SEMGET, 393 },
	{ "semctl", I386_IPC, SEMCTL, 394 },
	{ "semtimedop", I386_IPC, SEMTIMEDOP, -1 },
	{ "msgsnd", I386_IPC, MSGSND, 400 },
	{ "msgrcv", I386_IPC, MSGRCV, 401 },
	{ "msgget", I386_IPC, MSGGET, 399 },
	{ "msgctl", I386_IPC, MSGCTL, 402 },
	{ "shmat", I386_IPC, SHMAT, 397 },
	{ "shmdt", I386_IPC, SHMDT, 398 },
	{ "shmget", I386_IPC, SHMGET, 395 },
	{ "shmctl", I386_IPC, SHMCTL, 396 },
};

#if defined(__x86_64__)
/* the numbers above are the build host's, where it has them */
_Static_assert(__NR_socketcall == I386_SOCKETCALL && __NR_ipc == I386_IPC,
	       "i386 multiplexers");
_Static_assert(__NR_socket == 359 && __NR_connect == 362 &&
		   __NR_recvmmsg == 337 && __NR_sendmmsg == 345 &&
		   __NR_shutdown == 373 && __NR_semget == 393 &&
		   __NR_msgctl == 402 && __NR_shmdt == 398,
	       "i386 direct socket and IPC calls");
#endif

static const struct {
	const char *name;
	uint32_t ret;
	bool data;
} actions[] = {
	{ "SCMP_ACT_KILL", SECCOMP_RET_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_THREAD", SECCOMP_RET_KILL_THREAD, false },
	{ "SCMP_ACT_KILL_PROCESS", SECCOMP_RET_KILL_PROCESS, false },
	{ "SCMP_ACT_TRAP", SECCOMP_RET_TRAP, false },
	{ "SCMP_ACT_ERRNO", SECCOMP_RET_ERRNO, true },
	{ "SCMP_ACT_TRACE", SECCOMP_RET_TRACE, true },
	{ "SCMP_ACT_ALLOW", SECCOMP_RET_ALLOW, false },
	{ "SCMP_ACT_LOG", SECCOMP_RET_LOG, false },
	{ "SCMP_ACT_NOTIFY", SECCOMP_RET_USER_NOTIF, false },
};

static const struct {
	const char *name;
	enum ref_op op;
} ops[] = {
	{ "SCMP_CMP_NE", REF_NE },
	{ "SCMP_CMP_LT", REF_LT },
	{ "SCMP_CMP_LE", REF_LE },
	{ "SCMP_CMP_EQ", REF_EQ },
	{ "SCMP_CMP_GE", REF_GE },
	{ "SCMP_CMP_GT", REF_GT },
	{ "SCMP_CMP_MASKED_EQ", REF_MASKED_EQ },
};

static json_object *
get(json_object *o, const char *key)
{
	json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *
str(json_object *o, const char *key)
{
	json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string)
		   ? json_object_get_string(v)
		   : NULL;
}

static size_t
len(json_object *arr)
{
	return arr && json_object_is_type(arr, json_type_array)
		   ? json_object_array_length(arr)
		   : 0;
}

/* Podman's getErrno(): a decimal number, else an errno name */
static int
errno_value(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long v;
	int e;

	if (*s >= '0' && *s <= '9') {
		v = strtoul(s, &end, 10);
		if (*end)
			return -1;
		*ret = (uint32_t)v;
		return 0;
	}
	if (!strcmp(s, "EWOULDBLOCK") || !strcmp(s, "EDEADLOCK") ||
	    !strcmp(s, "ENOTSUP")) {
		*ret = !strcmp(s, "EWOULDBLOCK") ? EWOULDBLOCK
		       : !strcmp(s, "EDEADLOCK") ? EDEADLOCK
						 : ENOTSUP;
		return 0;
	}
	for (e = 1; e < 4096; e++)
		if (strerrorname_np(e) && !strcmp(strerrorname_np(e), s)) {
			*ret = (uint32_t)e;
			return 0;
		}
	return -1;
}

/* runc's getAction(), with Podman's errno taking precedence */
static int
action(json_object *o, const char *akey, const char *rkey, const char *ekey,
       uint32_t *ret)
{
	const char *a = str(o, akey), *e = str(o, ekey);
	json_object *r = get(o, rkey);
	uint32_t data = EPERM;
	size_t i;

	if (!a)
		return -1;
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (!strcmp(a, actions[i].name))
			break;
	if (i == sizeof(actions) / sizeof(actions[0]))
		return -1;
	if (r && json_object_is_type(r, json_type_int))
		data = (uint32_t)json_object_get_uint64(r);
	if (e && *e && errno_value(e, &data) < 0)
		return -1;
	*ret = actions[i].ret | (actions[i].data ? data : 0);
	return 0;
}

static bool
in_list(json_object *arr, const char *s)
{
	size_t i;

	for (i = 0; i < len(arr); i++)
		if (!strcmp(json_object_get_string(
				json_object_array_get_idx(arr, i)),
			    s))
			return true;
	return false;
}

/* the bounding set's names, as Docker compares them: "CAP_SYS_ADMIN" */
static bool
cap_in(const struct ref_opts *o, const char *name)
{
	int i;

	for (i = 0; i < 64; i++) {
		char *n, up[64];
		size_t k;

		if (!(o->caps & (UINT64_C(1) << i)))
			continue;
		n = cap_to_name((cap_value_t)i);
		if (!n)
			continue;
		snprintf(up, sizeof(up), "%s", n);
		cap_free(n);
		for (k = 0; up[k]; k++)
			if (up[k] >= 'a' && up[k] <= 'z')
				up[k] = (char)(up[k] - 'a' + 'A');
		if (!strcmp(up, name))
			return true;
	}
	return false;
}

static bool
kernel_ge(const struct ref_opts *o, const char *v)
{
	unsigned int a, b;

	if (sscanf(v, "%u.%u", &a, &b) != 2)
		return false;
	return o->kmajor > a || (o->kmajor == a && o->kminor >= b);
}

/* Docker's setupSeccomp() loop: whether the entry survives */
static bool
included(json_object *e, const struct ref_opts *o)
{
	json_object *ex = get(e, "excludes"), *in = get(e, "includes");
	const char *mk;
	size_t i;

	if (in_list(get(ex, "arches"), o->native_go))
		return false;
	for (i = 0; i < len(get(ex, "caps")); i++)
		if (cap_in(o, json_object_get_string(json_object_array_get_idx(
				  get(ex, "caps"), i))))
			return false;
	mk = str(ex, "minKernel");
	if (mk && *mk && kernel_ge(o, mk))
		return false;
	if (len(get(in, "arches")) && !in_list(get(in, "arches"), o->native_go))
		return false;
	for (i = 0; i < len(get(in, "caps")); i++)
		if (!cap_in(o, json_object_get_string(json_object_array_get_idx(
				   get(in, "caps"), i))))
			return false;
	mk = str(in, "minKernel");
	if (mk && *mk && !kernel_ge(o, mk))
		return false;
	return true;
}

/* libseccomp's token for a native arch: its SCMP_ARCH_* macro */
static uint32_t
native_token(const char *spec)
{
	static const struct {
		const char *spec;
		uint32_t token;
	} natives[] = {
		{ "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
		{ "SCMP_ARCH_X86", SCMP_ARCH_X86 },
		{ "SCMP_ARCH_X32", SCMP_ARCH_X32 },
		{ "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 },
		{ "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
		{ "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
		{ "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
		{ "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
	};
	size_t i;

	for (i = 0; i < sizeof(natives) / sizeof(natives[0]); i++)
		if (!strcmp(natives[i].spec, spec))
			return natives[i].token;
	return 0;
}

static void
arch_add(struct ref_profile *p, const char *a)
{
	size_t i;

	for (i = 0; i < p->n_arches; i++)
		if (!strcmp(p->arches[i], a))
			return;
	if (p->n_arches < 24 && (p->arches[p->n_arches] = strdup(a)))
		p->n_arches++;
}

static int
rule_push(struct ref_profile *p, const struct ref_rule *r)
{
	struct ref_rule *n;

	n = realloc(p->rules, (p->n_rules + 1) * sizeof(*n));
	if (!n)
		return -1;
	p->rules = n;
	p->rules[p->n_rules] = *r;
	p->rules[p->n_rules].name = strdup(r->name);
	if (!p->rules[p->n_rules].name)
		return -1;
	p->n_rules++;
	return 0;
}

int
ref_load(const char *path, const struct ref_opts *o, struct ref_profile *ret,
	 char *err, size_t errsz)
{
	json_object *root, *sc, *calls, *arr, *m;
	struct ref_profile p;
	uint32_t native = native_token(o->native);
	size_t i, j, k;
	int rc = -1;

	memset(&p, 0, sizeof(p));
	root = json_object_from_file(path);
	if (!root) {
		snprintf(err, errsz, "%s: %s", path, json_util_get_last_err());
		return -1;
	}
	sc = get(root, "linux") ? get(get(root, "linux"), "seccomp") : root;
	if (!native || action(sc, "defaultAction", "defaultErrnoRet",
			      "defaultErrno", &p.def) < 0) {
		snprintf(err, errsz, "%s: no usable defaultAction", path);
		goto out;
	}
	/* libseccomp's filter always has the native arch */
	arch_add(&p, o->native);
	arr = get(sc, "architectures");
	for (i = 0; i < len(arr); i++)
		arch_add(&p, json_object_get_string(
				 json_object_array_get_idx(arr, i)));
	arr = get(sc, "archMap");
	for (i = 0; i < len(arr); i++) {
		m = json_object_array_get_idx(arr, i);
		if (!str(m, "architecture") ||
		    strcmp(str(m, "architecture"), o->native) != 0)
			continue;
		for (j = 0; j < len(get(m, "subArchitectures")); j++)
			arch_add(&p, json_object_get_string(
					 json_object_array_get_idx(
					     get(m, "subArchitectures"), j)));
		break;
	}
	/* runc: the flags become libseccomp's CTL_LOG and CTL_WAITKILL */
	arr = get(sc, "flags");
	for (i = 0; i < len(arr); i++) {
		const char *flag =
		    json_object_get_string(json_object_array_get_idx(arr, i));

		if (!strcmp(flag, "SECCOMP_FILTER_FLAG_LOG"))
			p.log = true;
		if (!strcmp(flag, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
			p.wait_killable = true;
	}
	if (str(sc, "listenerPath") && *str(sc, "listenerPath"))
		p.listener_path = strdup(str(sc, "listenerPath"));
	if (str(sc, "listenerMetadata") && *str(sc, "listenerMetadata"))
		p.listener_metadata = strdup(str(sc, "listenerMetadata"));

	calls = get(sc, "syscalls");
	for (i = 0; i < len(calls); i++) {
		json_object *e = json_object_array_get_idx(calls, i);
		json_object *names = get(e, "names"), *args = get(e, "args");
		struct ref_cond c[64];
		size_t n = 0, nn;
		unsigned int seen = 0;
		bool split = false, inc = included(e, o);
		uint32_t act;

		if (action(e, "action", "errnoRet", "errno", &act) < 0) {
			snprintf(err, errsz, "%s: syscalls[%zu]: bad action",
				 path, i);
			goto out;
		}
		for (j = 0; j < len(args) && n < 64; j++) {
			json_object *a = json_object_array_get_idx(args, j);
			const char *op = str(a, "op");

			c[n].arg = (unsigned int)json_object_get_uint64(
			    get(a, "index"));
			c[n].a = json_object_get_uint64(get(a, "value"));
			c[n].b = json_object_get_uint64(get(a, "valueTwo"));
			for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++)
				if (op && !strcmp(op, ops[k].name))
					c[n].op = ops[k].op;
			if (seen & (1u << c[n].arg))
				split = true;
			seen |= 1u << c[n].arg;
			n++;
		}
		nn = str(e, "name") && *str(e, "name") ? 1 : len(names);
		for (j = 0; j < nn; j++) {
			const char *name =
			    str(e, "name") && *str(e, "name")
				? str(e, "name")
				: json_object_get_string(
				      json_object_array_get_idx(names, j));
			struct ref_rule r;

			memset(&r, 0, sizeof(r));
			r.name = (char *)name;
			r.action = act;
			r.entry = i;
			r.name_index = j;
			r.included = inc;
			r.known = seccomp_syscall_resolve_name_arch(
				      native, name) != __NR_SCMP_ERROR;
			r.live = inc && act != p.def && r.known;
			if (!split) {
				r.n = n;
				memcpy(r.c, c, n * sizeof(c[0]));
				if (rule_push(&p, &r) < 0)
					goto oom;
				continue;
			}
			for (k = 0; k < n; k++) {
				r.n = 1;
				r.c[0] = c[k];
				if (rule_push(&p, &r) < 0)
					goto oom;
			}
		}
	}
	*ret = p;
	memset(&p, 0, sizeof(p));
	rc = 0;
	goto out;
oom:
	snprintf(err, errsz, "out of memory");
out:
	ref_free(&p);
	json_object_put(root);
	return rc;
}

void
ref_free(struct ref_profile *p)
{
	size_t i;

	for (i = 0; i < p->n_rules; i++)
		free(p->rules[i].name);
	free(p->rules);
	for (i = 0; i < p->n_arches; i++)
		free((char *)p->arches[i]);
	free(p->listener_path);
	free(p->listener_metadata);
	memset(p, 0, sizeof(*p));
}

static int
table_push(struct ref_table *t, const struct ref_nrule *r)
{
	struct ref_nrule *n = realloc(t->r, (t->n + 1) * sizeof(*n));

	if (!n)
		return -1;
	t->r = n;
	t->r[t->n++] = *r;
	return 0;
}

int
ref_table_build(const struct ref_profile *p, const struct ref_abi *abi,
		struct ref_table *ret, char *err, size_t errsz)
{
	struct ref_table t = { NULL, 0 };
	size_t i, j, k;

	for (i = 0; i < p->n_rules; i++) {
		const struct ref_rule *r = &p->rules[i];
		int nr = seccomp_syscall_resolve_name_arch(abi->token, r->name);
		struct ref_nrule n;

		memset(&n, 0, sizeof(n));
		n.action = r->action;
		n.live = r->live;
		for (j = 0; abi->multiplex && j < sizeof(mux) / sizeof(mux[0]);
		     j++)
			if (!strcmp(mux[j].name, r->name))
				break;
		if (abi->multiplex && j < sizeof(mux) / sizeof(mux[0])) {
			if (nr >= 0) {
				snprintf(
				    err, errsz,
				    "libseccomp resolves %s to %d on %s: it no longer multiplexes it",
				    r->name, nr, abi->spec);
				goto fail;
			}
			/* rule_a: the multiplexer, argument 0 replaced */
			n.nr = mux[j].via;
			n.order = 2 * i;
			n.c[0].arg = 0;
			n.c[0].op = REF_EQ;
			n.c[0].a = (uint64_t)mux[j].call;
			n.n = 1;
			for (k = 0; k < r->n; k++)
				if (r->c[k].arg != 0)
					n.c[n.n++] = r->c[k];
			if (table_push(&t, &n) < 0)
				goto oom;
			if (mux[j].direct < 0)
				continue;
			/* rule_b: the direct call */
			n.nr = mux[j].direct;
			n.order = 2 * i + 1;
			n.n = r->n;
			memcpy(n.c, r->c, r->n * sizeof(r->c[0]));
			if (table_push(&t, &n) < 0)
				goto oom;
			continue;
		}
		if (nr < 0)
			continue; /* not a call of this ABI */
		n.nr = nr;
		n.order = 2 * i;
		n.n = r->n;
		memcpy(n.c, r->c, r->n * sizeof(r->c[0]));
		if (table_push(&t, &n) < 0)
			goto oom;
	}
	*ret = t;
	return 0;
oom:
	snprintf(err, errsz, "out of memory");
fail:
	free(t.r);
	return -1;
}

void
ref_table_free(struct ref_table *t)
{
	free(t->r);
	t->r = NULL;
	t->n = 0;
}

/* libseccomp drops a MASKED_EQ whose mask is 0 where it compares. */
static bool
cond_noop(const struct ref_cond *c, const struct ref_abi *abi)
{
	uint64_t mask = abi->bits32 ? (c->a & 0xffffffffU) : c->a;

	return c->op == REF_MASKED_EQ && mask == 0;
}

bool
ref_cond_match(const struct ref_cond *c, const struct ref_abi *abi,
	       const uint64_t args[6])
{
	uint64_t x = args[c->arg], a = c->a, b = c->b;

	if (abi->bits32) {
		x &= 0xffffffffU;
		a &= 0xffffffffU;
		b &= 0xffffffffU;
	}
	switch (c->op) {
	case REF_NE:
		return x != a;
	case REF_LT:
		return x < a;
	case REF_LE:
		return x <= a;
	case REF_EQ:
		return x == a;
	case REF_GE:
		return x >= a;
	case REF_GT:
		return x > a;
	case REF_MASKED_EQ:
		return (x & a) == (b & a);
	}
	return false;
}

uint32_t
ref_verdict(const struct ref_profile *p, const struct ref_table *t,
	    const struct ref_abi *abi, int32_t nr, const uint64_t args[6],
	    bool *ret_ambiguous)
{
	const struct ref_nrule *first_uncond = NULL;
	uint32_t verdict = p->def;
	bool matched = false;
	size_t i, k;

	*ret_ambiguous = false;
	for (i = 0; i < t->n; i++) {
		const struct ref_nrule *r = &t->r[i];
		size_t live_conds = 0;

		if (!r->live || r->nr != nr)
			continue;
		for (k = 0; k < r->n; k++)
			if (!cond_noop(&r->c[k], abi))
				live_conds++;
		if (!live_conds &&
		    (!first_uncond || r->order < first_uncond->order))
			first_uncond = r;
	}
	if (first_uncond)
		return first_uncond->action;
	for (i = 0; i < t->n; i++) {
		const struct ref_nrule *r = &t->r[i];
		bool all = true;

		if (!r->live || r->nr != nr)
			continue;
		for (k = 0; k < r->n && all; k++)
			all = cond_noop(&r->c[k], abi) ||
			      ref_cond_match(&r->c[k], abi, args);
		if (!all)
			continue;
		if (matched && r->action != verdict)
			*ret_ambiguous = true;
		if (!matched)
			verdict = r->action;
		matched = true;
	}
	return verdict;
}
