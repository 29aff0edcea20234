/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The OCI loader: a runtime-spec linux.seccomp object, a whole config.json
 * (its .linux.seccomp), or a Docker or Podman seccomp profile, parsed into
 * struct policy.
 *
 * What is accepted: the runtime-spec keys (defaultAction, defaultErrnoRet,
 * architectures, flags, listenerPath, listenerMetadata, syscalls[] with
 * names, action, errnoRet and args[] of index, value, valueTwo and op);
 * Docker's (archMap, and in syscalls[] name, comment, includes and
 * excludes of caps, arches and minKernel); Podman's (defaultErrno, and
 * errno in syscalls[]: a number or a name such as "ENOSYS").  A null value
 * is the same as leaving its key out, as in Go.  Anything else is an error
 * with its line and column: unknown or duplicate keys, wrong types, values
 * out of range, unknown names of actions, operators, architectures, flags
 * and errnos.  Keys are matched exactly (Go's decoder would also take
 * "DefaultAction"; nobody writes that, and a typo should not pass).
 *
 * What it means, as runc (with libseccomp 2.5.4) and Docker/Podman do it:
 * - SCMP_ACT_KILL is kill-thread.  ERRNO and TRACE take errnoRet (or
 *   Podman's errno, which wins) and default to EPERM.  An errno for any
 *   other action is an error, as the runtime-spec says it must be.
 * - The native architecture is always in the filter; architectures adds
 *   to it.  With archMap, the entry whose architecture is the native one
 *   adds itself and its subArchitectures.
 * - includes and excludes are decided like Docker: excluded if the native
 *   arch is in excludes.arches, if ANY of excludes.caps is held, or if the
 *   kernel is at least excludes.minKernel; kept only if the native arch
 *   is in includes.arches, ALL of includes.caps are held and the kernel is
 *   at least includes.minKernel.  Arch names there are Go's ("amd64",
 *   "arm64", "x86", ...); minKernel compares major.minor only.
 * - A rule whose action is the default action is dropped (libseccomp
 *   would refuse it).  A syscall name libseccomp does not know is
 *   skipped, with a warning.
 * - Two conditions on one argument in one entry: runc then adds every
 *   condition of the entry as a rule of its own, so they are ORed; so do
 *   we, with a warning.
 * - MASKED_EQ matches when (arg & value) == (valueTwo & value): libseccomp
 *   masks valueTwo.  A valueTwo with bits outside the mask is masked here
 *   too, with a warning.
 * - When one syscall has a rule without conditions, libseccomp keeps the
 *   first such rule and ignores the syscall's other rules; so do we, with
 *   a warning for each ignored rule whose action differs.
 * - flags: SECCOMP_FILTER_FLAG_LOG sets log_denied, and
 *   WAIT_KILLABLE_RECV sets wait_killable_recv.  TSYNC is accepted and
 *   ignored (runc ignores it too; the supervisor covers every thread).
 *   SPEC_ALLOW is accepted and ignored: it only turns off a speculation
 *   mitigation of a kernel filter.
 * - NOTIFY needs no listenerPath here (agents connect to the supervisor).
 *   It cannot be the default action, as runc refuses it there: every call
 *   that no rule names would wait for an agent.  listenerMetadata needs
 *   listenerPath.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/utsname.h>

#include <json-c/json.h>
#include <seccomp.h>

#include <linux/seccomp.h>

#include "policy/policy.h"
#include "policy/jsonpos.h"

#define OCI_MAX_SIZE  (16u << 20)
#define OCI_MAX_DEPTH 64
/* Docker's profile has about 1500 values; json-c spends ~100 bytes each */
#define OCI_MAX_VALUES 250000
/* The split of repeated conditions multiplies rules: keep it bounded. */
#define OCI_MAX_RULES 65536
#define OCI_MAX_ERRNO 4095   /* MAX_ERRNO: the kernel caps ERRNO data here */
#define OCI_MAX_TRACE 0xffff /* SECCOMP_RET_DATA */

/* a value: its node in the jsonpos index and its json-c object */
struct val {
	uint32_t id; /* JSONPOS_NONE when absent or null */
	json_object *o;
};

struct oci {
	struct policy *p; /* the policy being built */
	const char *file; /* interned in @p */
	struct jsonpos jp;
	struct policy_diag *d;
	policy_warn_fn warn;
	void *data;
	uint64_t caps;
	uint32_t native;	   /* SCMP_ARCH_* */
	const char *native_spec;   /* "SCMP_ARCH_X86_64" */
	const char *native_docker; /* "amd64" */
	const char *kernel;	   /* NULL: uname(2) */
	bool have_kernel;
	unsigned int kmajor, kminor;
	char release[128];
};

enum {
	T_STRING = 1,
	T_ARRAY = 2,
	T_OBJECT = 4,
	T_UINT = 8,
};

/* one key of an object we read */
struct field {
	const char *key;
	unsigned int type;
	struct val v;
	uint32_t key_off; /* where the key is written, when present */
};

#define FIELDS(f) (sizeof(f) / sizeof((f)[0]))

static const struct {
	const char *spec;   /* the runtime-spec name */
	const char *docker; /* Docker's and Podman's name for the native arch */
} oci_arches[] = {
	{ "SCMP_ARCH_X86", "x86" },
	{ "SCMP_ARCH_X86_64", "amd64" },
	{ "SCMP_ARCH_X32", "x32" },
	{ "SCMP_ARCH_ARM", "arm" },
	{ "SCMP_ARCH_AARCH64", "arm64" },
	{ "SCMP_ARCH_MIPS", "mips" },
	{ "SCMP_ARCH_MIPS64", "mips64" },
	{ "SCMP_ARCH_MIPS64N32", "mips64n32" },
	{ "SCMP_ARCH_MIPSEL", "mipsel" },
	{ "SCMP_ARCH_MIPSEL64", "mipsel64" },
	{ "SCMP_ARCH_MIPSEL64N32", "mipsel64n32" },
	{ "SCMP_ARCH_PPC", "ppc" },
	{ "SCMP_ARCH_PPC64", "ppc64" },
	{ "SCMP_ARCH_PPC64LE", "ppc64le" },
	{ "SCMP_ARCH_S390", "s390" },
	{ "SCMP_ARCH_S390X", "s390x" },
	{ "SCMP_ARCH_PARISC", "parisc" },
	{ "SCMP_ARCH_PARISC64", "parisc64" },
	{ "SCMP_ARCH_RISCV64", "riscv64" },
	/* in the runtime-spec, but not in libseccomp 2.5.4 */
	{ "SCMP_ARCH_LOONGARCH64", "loong64" },
	{ "SCMP_ARCH_M68K", "m68k" },
	{ "SCMP_ARCH_SH", "sh" },
	{ "SCMP_ARCH_SHEB", "sheb" },
};

static const struct {
	const char *name;
	uint32_t ret;
} oci_actions[] = {
	/* runc: SCMP_ACT_KILL is libseccomp's KILL_THREAD */
	{ "SCMP_ACT_KILL", SECCOMP_RET_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", SECCOMP_RET_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SECCOMP_RET_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", SECCOMP_RET_TRAP },
	{ "SCMP_ACT_ERRNO", SECCOMP_RET_ERRNO },
	{ "SCMP_ACT_TRACE", SECCOMP_RET_TRACE },
	{ "SCMP_ACT_ALLOW", SECCOMP_RET_ALLOW },
	{ "SCMP_ACT_LOG", SECCOMP_RET_LOG },
	{ "SCMP_ACT_NOTIFY", SECCOMP_RET_USER_NOTIF },
};

static const struct {
	const char *name;
	enum policy_op op;
} oci_ops[] = {
	{ "SCMP_CMP_NE", POLICY_OP_NE },
	{ "SCMP_CMP_LT", POLICY_OP_LT },
	{ "SCMP_CMP_LE", POLICY_OP_LE },
	{ "SCMP_CMP_EQ", POLICY_OP_EQ },
	{ "SCMP_CMP_GE", POLICY_OP_GE },
	{ "SCMP_CMP_GT", POLICY_OP_GT },
	{ "SCMP_CMP_MASKED_EQ", POLICY_OP_MASKED_EQ },
};

enum oci_flag {
	OCI_FLAG_IGNORE,
	OCI_FLAG_LOG,
	OCI_FLAG_WAIT_KILLABLE_RECV,
};

static const struct {
	const char *name;
	enum oci_flag what;
} oci_flags[] = {
	{ "SECCOMP_FILTER_FLAG_TSYNC", OCI_FLAG_IGNORE },
	{ "SECCOMP_FILTER_FLAG_LOG", OCI_FLAG_LOG },
	{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", OCI_FLAG_IGNORE },
	{ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
	  OCI_FLAG_WAIT_KILLABLE_RECV },
};

/* errno names that strerrorname_np() does not give: the aliases */
static const struct {
	const char *name;
	int value;
} oci_errno_aliases[] = {
	{ "EWOULDBLOCK", EWOULDBLOCK },
	{ "EDEADLOCK", EDEADLOCK },
	{ "ENOTSUP", ENOTSUP },
};

/* @s as a quoted string for a message: escaped, and cut if long. */
static const char *
quote(char *buf, size_t size, const char *s, size_t len)
{
	size_t i, o = 0;

	buf[o++] = '"';
	for (i = 0; i < len && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i == 48) {
			o += (size_t)snprintf(buf + o, size - o, "...");
			break;
		}
		if (c == '"' || c == '\\')
			o += (size_t)snprintf(buf + o, size - o, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		else
			buf[o++] = (char)c;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static struct policy_loc
loc_at(struct oci *c, uint32_t off)
{
	struct policy_loc loc = { c->file, 0, 0 };

	jsonpos_where(&c->jp, off, &loc.line, &loc.col);
	return loc;
}

static int __attribute__((format(printf, 3, 4)))
fail(struct oci *c, uint32_t off, const char *fmt, ...)
{
	struct policy_loc loc = loc_at(c, off);
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_diag_set(c->d, &loc, "%s", msg);
	return -EINVAL;
}

static void __attribute__((format(printf, 3, 4)))
warn(struct oci *c, uint32_t off, const char *fmt, ...)
{
	struct policy_loc loc;
	struct policy_diag w;
	char msg[400];
	va_list ap;

	if (!c->warn)
		return;
	loc = loc_at(c, off);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_diag_set(&w, &loc, "warning: %s", msg);
	c->warn(c->data, w.msg);
}

static const struct jsonpos_node *
node(struct oci *c, uint32_t id)
{
	return &c->jp.nodes[id];
}

/*
 * The json-c object of member @m of @obj.  Both parsers read the same
 * text and keys with a NUL were refused, so they agree; check anyway
 * rather than trust it blindly.
 */
static int
member_obj(struct oci *c, struct val obj, uint32_t m, const char *key,
	   json_object **ret)
{
	static const json_type types[] = {
		[JSONPOS_NULL] = json_type_null,
		[JSONPOS_FALSE] = json_type_boolean,
		[JSONPOS_TRUE] = json_type_boolean,
		[JSONPOS_NUMBER] = json_type_int, /* or double */
		[JSONPOS_STRING] = json_type_string,
		[JSONPOS_ARRAY] = json_type_array,
		[JSONPOS_OBJECT] = json_type_object,
	};
	json_object *o = NULL;
	enum jsonpos_type t = node(c, m)->type;

	if (!json_object_object_get_ex(obj.o, key, &o) ||
	    (json_object_get_type(o) != types[t] &&
	     !(t == JSONPOS_NUMBER &&
	       json_object_get_type(o) == json_type_double)))
		return fail(c, node(c, m)->start,
			    "internal error: json-c read this value otherwise");
	*ret = o;
	return 0;
}

static struct val
element(struct val arr, uint32_t id, size_t i)
{
	struct val v = { id, json_object_array_get_idx(arr.o, i) };

	return v;
}

static const char *
type_name(unsigned int type)
{
	switch (type) {
	case T_STRING:
		return "a string";
	case T_ARRAY:
		return "an array";
	case T_OBJECT:
		return "an object";
	default:
		return "an unsigned integer";
	}
}

static bool
type_ok(enum jsonpos_type t, unsigned int want)
{
	return ((want & T_STRING) && t == JSONPOS_STRING) ||
	       ((want & T_ARRAY) && t == JSONPOS_ARRAY) ||
	       ((want & T_OBJECT) && t == JSONPOS_OBJECT) ||
	       ((want & T_UINT) && t == JSONPOS_NUMBER);
}

/*
 * Reads the members of @obj that @f names.  A key with a NUL, or one that
 * comes twice, is an error; so is a key @f does not name when @strict
 * (@what says in what, for the message), and a value of the wrong type.
 * A null value leaves its field absent.
 */
static int
obj_fields(struct oci *c, struct val obj, const char *what, bool strict,
	   struct field *f, size_t n)
{
	uint32_t m, first, dup;
	unsigned int line, col;
	char q[160];
	size_t i;
	int r;

	for (i = 0; i < n; i++) {
		f[i].v.id = JSONPOS_NONE;
		f[i].v.o = NULL;
		f[i].key_off = JSONPOS_NONE;
	}
	r = jsonpos_dup_key(&c->jp, obj.id, &first, &dup);
	if (r < 0)
		return r;
	if (r > 0) {
		char *k = NULL;
		size_t klen = 0;

		r = jsonpos_string(&c->jp, node(c, dup)->key, &k, &klen);
		if (r < 0)
			return r;
		jsonpos_where(&c->jp, node(c, first)->key, &line, &col);
		quote(q, sizeof(q), k, klen);
		free(k);
		return fail(
		    c, node(c, dup)->key,
		    "duplicate key %s (the first is at line %u, column %u)", q,
		    line, col);
	}
	for (m = node(c, obj.id)->child; m != JSONPOS_NONE;
	     m = node(c, m)->next) {
		const struct jsonpos_node *mn = node(c, m);

		for (i = 0; i < n; i++)
			if (jsonpos_key_is(&c->jp, mn, f[i].key))
				break;
		if (i == n) {
			char *k = NULL;
			size_t klen = 0;
			bool nul;

			r = jsonpos_string(&c->jp, mn->key, &k, &klen);
			if (r < 0)
				return r;
			nul = strlen(k) != klen;
			quote(q, sizeof(q), k, klen);
			free(k);
			if (nul)
				return fail(
				    c, mn->key,
				    "a key must not contain a NUL character");
			if (strict)
				return fail(c, mn->key, "unknown key %s in %s",
					    q, what);
			continue;
		}
		f[i].key_off = mn->key;
		if (mn->type == JSONPOS_NULL)
			continue;
		if (!type_ok(mn->type, f[i].type))
			return fail(c, mn->start, "\"%s\" must be %s", f[i].key,
				    type_name(f[i].type));
		r = member_obj(c, obj, m, f[i].key, &f[i].v.o);
		if (r < 0)
			return r;
		f[i].v.id = m;
	}
	return 0;
}

static bool
has(const struct field *f)
{
	return f->v.id != JSONPOS_NONE;
}

/*
 * The string @v, the value of @key (for messages); no NUL in it.  The
 * caller has checked that @v is a string.
 */
static int
get_str(struct oci *c, struct val v, const char *key, const char **ret,
	size_t *ret_len)
{
	const char *s = json_object_get_string(v.o);
	size_t len = (size_t)json_object_get_string_len(v.o);

	if (memchr(s, '\0', len))
		return fail(c, node(c, v.id)->start,
			    "\"%s\" must not contain a NUL character", key);
	*ret = s;
	if (ret_len)
		*ret_len = len;
	return 0;
}

/*
 * The unsigned integer @v, the value of @key; the caller has checked that
 * it is a number.  It is read from the text: json-c would silently
 * saturate 2^64 to 2^64-1.
 */
static int
get_uint(struct oci *c, struct val v, const char *key, uint64_t *ret)
{
	const struct jsonpos_node *n = node(c, v.id);
	const char *s = c->jp.text + n->start;
	size_t len = n->end - n->start, i;
	uint64_t x = 0;

	for (i = 0; i < len; i++)
		if (s[i] == '.' || s[i] == 'e' || s[i] == 'E')
			return fail(c, n->start, "\"%s\" must be an integer",
				    key);
	if (s[0] == '-')
		return fail(c, n->start, "\"%s\" must not be negative", key);
	for (i = 0; i < len; i++) {
		unsigned int dgt = (unsigned int)(s[i] - '0');

		if (x > (UINT64_MAX - dgt) / 10)
			return fail(
			    c, n->start,
			    "\"%s\" is larger than 18446744073709551615 (2^64-1)",
			    key);
		x = x * 10 + dgt;
	}
	*ret = x;
	return 0;
}

static int
native_setup(struct oci *c, uint32_t native)
{
	size_t i;

	c->native = native ? native : seccomp_arch_native();
	for (i = 0; i < FIELDS(oci_arches); i++) {
		char name[32];
		size_t j;

		snprintf(name, sizeof(name), "%s",
			 oci_arches[i].spec + strlen("SCMP_ARCH_"));
		for (j = 0; name[j]; j++)
			if (name[j] >= 'A' && name[j] <= 'Z')
				name[j] = (char)(name[j] - 'A' + 'a');
		if (seccomp_arch_resolve_name(name) == c->native) {
			c->native_spec = oci_arches[i].spec;
			c->native_docker = oci_arches[i].docker;
			return 0;
		}
	}
	policy_diag_set(c->d, &(struct policy_loc){ c->file, 0, 0 },
			"the native architecture 0x%08" PRIx32
			" is not one libseccomp knows",
			c->native);
	return -EINVAL;
}

/* The libseccomp token of runtime-spec arch name @s, or 0: see @ret_known. */
static uint32_t
arch_token(const char *s, bool *ret_known)
{
	char name[32];
	size_t i, j;

	*ret_known = false;
	for (i = 0; i < FIELDS(oci_arches); i++) {
		if (strcmp(s, oci_arches[i].spec) != 0)
			continue;
		*ret_known = true;
		snprintf(name, sizeof(name), "%s", s + strlen("SCMP_ARCH_"));
		for (j = 0; name[j]; j++)
			if (name[j] >= 'A' && name[j] <= 'Z')
				name[j] = (char)(name[j] - 'A' + 'a');
		return seccomp_arch_resolve_name(name);
	}
	return 0;
}

/* Every token comes from oci_arches[], once: struct policy has room. */
_Static_assert(FIELDS(oci_arches) <= FIELDS(((struct policy *)0)->arches),
	       "struct policy holds every architecture");

static void
arch_add(struct oci *c, uint32_t token)
{
	struct policy *p = c->p;
	size_t i;

	for (i = 0; i < p->n_arches; i++)
		if (p->arches[i] == token)
			return;
	p->arches[p->n_arches++] = token;
}

/* Element @v of @key: a runtime-spec arch name; added when @add. */
static int
arch_elem(struct oci *c, struct val v, const char *key, bool add)
{
	const char *s;
	uint32_t token;
	char q[160];
	size_t len;
	bool known;
	int r;

	if (node(c, v.id)->type != JSONPOS_STRING)
		return fail(c, node(c, v.id)->start,
			    "\"%s\" must hold only strings", key);
	r = get_str(c, v, key, &s, &len);
	if (r < 0)
		return r;
	token = arch_token(s, &known);
	if (!known)
		return fail(c, node(c, v.id)->start, "unknown architecture %s",
			    quote(q, sizeof(q), s, len));
	if (!add)
		return 0;
	if (!token)
		return fail(c, node(c, v.id)->start,
			    "architecture %s is not supported by libseccomp",
			    quote(q, sizeof(q), s, len));
	arch_add(c, token);
	return 0;
}

static int
load_arches(struct oci *c, struct field *archs, struct field *map)
{
	static const char *const what = "an archMap entry";
	struct val e, sub;
	uint32_t id, sid;
	bool found = false;
	const char *s;
	size_t i, j;
	int r;

	arch_add(c, c->native);
	if (has(archs) && has(map) && node(c, archs->v.id)->count &&
	    node(c, map->v.id)->count)
		return fail(
		    c, map->key_off,
		    "use either \"architectures\" or \"archMap\", not both");
	if (has(archs))
		for (i = 0, id = node(c, archs->v.id)->child;
		     id != JSONPOS_NONE; i++, id = node(c, id)->next) {
			r = arch_elem(c, element(archs->v, id, i),
				      "architectures", true);
			if (r < 0)
				return r;
		}
	if (!has(map))
		return 0;
	for (i = 0, id = node(c, map->v.id)->child; id != JSONPOS_NONE;
	     i++, id = node(c, id)->next) {
		struct field f[] = {
			{ "architecture", T_STRING, { 0, NULL }, 0 },
			{ "subArchitectures", T_ARRAY, { 0, NULL }, 0 },
		};
		bool mine;

		e = element(map->v, id, i);
		if (node(c, id)->type != JSONPOS_OBJECT)
			return fail(c, node(c, id)->start,
				    "an archMap entry must be an object");
		r = obj_fields(c, e, what, true, f, FIELDS(f));
		if (r < 0)
			return r;
		if (!has(&f[0]))
			return fail(c, node(c, id)->start, "%s needs %s", what,
				    "\"architecture\"");
		r = arch_elem(c, f[0].v, "architecture", false);
		if (r < 0)
			return r;
		r = get_str(c, f[0].v, "architecture", &s, NULL);
		if (r < 0)
			return r;
		/* Docker: the first entry for the native arch, and only it */
		mine = !found && strcmp(s, c->native_spec) == 0;
		if (mine) {
			found = true;
			r = arch_elem(c, f[0].v, "architecture", true);
			if (r < 0)
				return r;
		}
		if (!has(&f[1]))
			continue;
		for (j = 0, sid = node(c, f[1].v.id)->child;
		     sid != JSONPOS_NONE; j++, sid = node(c, sid)->next) {
			sub = element(f[1].v, sid, j);
			r = arch_elem(c, sub, "subArchitectures", mine);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int
load_flags(struct oci *c, struct field *flags)
{
	const char *s;
	char q[160];
	uint32_t id;
	size_t i, j, len;
	int r;

	if (!has(flags))
		return 0;
	for (i = 0, id = node(c, flags->v.id)->child; id != JSONPOS_NONE;
	     i++, id = node(c, id)->next) {
		if (node(c, id)->type != JSONPOS_STRING)
			return fail(c, node(c, id)->start,
				    "\"flags\" must hold only strings");
		r = get_str(c, element(flags->v, id, i), "flags", &s, &len);
		if (r < 0)
			return r;
		for (j = 0; j < FIELDS(oci_flags); j++)
			if (strcmp(s, oci_flags[j].name) == 0)
				break;
		if (j == FIELDS(oci_flags))
			return fail(c, node(c, id)->start, "unknown flag %s",
				    quote(q, sizeof(q), s, len));
		switch (oci_flags[j].what) {
		case OCI_FLAG_LOG:
			c->p->log_denied = true;
			break;
		case OCI_FLAG_WAIT_KILLABLE_RECV:
			c->p->wait_killable_recv = true;
			break;
		case OCI_FLAG_IGNORE:
			break;
		}
	}
	return 0;
}

/* An errno by number ("38", as Podman's strconv.ParseUint) or by name. */
static bool
errno_by_name(const char *s, uint64_t *ret)
{
	uint64_t v = 0;
	size_t i;
	int e;

	if (*s >= '0' && *s <= '9') {
		for (i = 0; s[i]; i++) {
			if (s[i] < '0' || s[i] > '9')
				return false;
			v = v * 10 + (uint64_t)(s[i] - '0');
			if (v > UINT32_MAX)
				return false;
		}
		*ret = v;
		return true;
	}
	for (i = 0; i < FIELDS(oci_errno_aliases); i++)
		if (strcmp(s, oci_errno_aliases[i].name) == 0) {
			*ret = (uint64_t)oci_errno_aliases[i].value;
			return true;
		}
	for (e = 1; e <= OCI_MAX_ERRNO; e++) {
		const char *n = strerrorname_np(e);

		if (n && strcmp(n, s) == 0) {
			*ret = (uint64_t)e;
			return true;
		}
	}
	return false;
}

/*
 * The action @act with its errno: @ret_f is errnoRet (or defaultErrnoRet),
 * @errno_f Podman's errno (or defaultErrno).  runc's defaults: EPERM for
 * both ERRNO and TRACE.
 */
static int
action_value(struct oci *c, struct val act, struct field *ret_f,
	     struct field *errno_f, uint32_t *ret)
{
	struct field *src = NULL;
	uint64_t data = EPERM, rv = 0, ev = 0;
	const char *s;
	uint32_t base = 0;
	char q[160];
	size_t i, len;
	bool takes;
	int r;

	r = get_str(c, act, "action", &s, &len);
	if (r < 0)
		return r;
	for (i = 0; i < FIELDS(oci_actions); i++)
		if (strcmp(s, oci_actions[i].name) == 0)
			break;
	if (i == FIELDS(oci_actions))
		return fail(c, node(c, act.id)->start, "unknown action %s",
			    quote(q, sizeof(q), s, len));
	base = oci_actions[i].ret;
	takes = base == SECCOMP_RET_ERRNO || base == SECCOMP_RET_TRACE;
	if (has(ret_f)) {
		if (!takes)
			return fail(
			    c, ret_f->key_off,
			    "\"%s\" is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE",
			    ret_f->key);
		r = get_uint(c, ret_f->v, ret_f->key, &rv);
		if (r < 0)
			return r;
		data = rv;
		src = ret_f;
	}
	if (has(errno_f)) {
		if (!takes)
			return fail(
			    c, errno_f->key_off,
			    "\"%s\" is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE",
			    errno_f->key);
		r = get_str(c, errno_f->v, errno_f->key, &s, &len);
		if (r < 0)
			return r;
		if (!errno_by_name(s, &ev))
			return fail(c, node(c, errno_f->v.id)->start,
				    "unknown errno %s",
				    quote(q, sizeof(q), s, len));
		if (src && ev != rv)
			warn(c, node(c, errno_f->v.id)->start,
			     "\"%s\" %s (%" PRIu64 ") overrides \"%s\" %" PRIu64
			     ", as in Podman",
			     errno_f->key, quote(q, sizeof(q), s, len), ev,
			     ret_f->key, rv);
		data = ev;
		src = errno_f;
	}
	if (base == SECCOMP_RET_ERRNO && data > OCI_MAX_ERRNO)
		return fail(c, node(c, src->v.id)->start,
			    "errno %" PRIu64
			    " is out of range: SCMP_ACT_ERRNO takes 0 to %d",
			    data, OCI_MAX_ERRNO);
	if (base == SECCOMP_RET_TRACE && data > OCI_MAX_TRACE)
		return fail(c, node(c, src->v.id)->start,
			    "%" PRIu64
			    " is out of range: SCMP_ACT_TRACE takes 0 to %d",
			    data, OCI_MAX_TRACE);
	*ret = takes ? base | (uint32_t)data : base;
	return 0;
}

/* "4.8": Docker's KernelVersion: two numbers 0 to 255, not both 0. */
static bool
parse_min_kernel(const char *s, unsigned int *ret_major,
		 unsigned int *ret_minor)
{
	unsigned int v[2] = { 0, 0 };
	size_t i = 0, part;

	for (part = 0; part < 2; part++) {
		size_t digits = 0;

		while (s[i] >= '0' && s[i] <= '9') {
			v[part] = v[part] * 10 + (unsigned int)(s[i] - '0');
			if (v[part] > 255)
				return false;
			i++;
			digits++;
		}
		if (!digits)
			return false;
		if (part == 0 && s[i++] != '.')
			return false;
	}
	if (s[i] != '\0' || (v[0] == 0 && v[1] == 0))
		return false;
	*ret_major = v[0];
	*ret_minor = v[1];
	return true;
}

/* The kernel's major.minor, read once: Docker's fmt.Sscanf("%d.%d"). */
static int
kernel_read(struct oci *c, uint32_t off)
{
	const char *rel = c->kernel;
	unsigned long x, y;
	struct utsname u;
	char *end, q[160];

	if (c->have_kernel)
		return 0;
	if (!rel) {
		if (uname(&u) < 0)
			return -errno;
		snprintf(c->release, sizeof(c->release), "%s", u.release);
		rel = c->release;
	}
	if (rel[0] < '0' || rel[0] > '9')
		goto bad;
	x = strtoul(rel, &end, 10);
	if (end[0] != '.' || end[1] < '0' || end[1] > '9')
		goto bad;
	y = strtoul(end + 1, &end, 10);
	c->kmajor = x > 0xffff ? 0xffff : (unsigned int)x;
	c->kminor = y > 0xffff ? 0xffff : (unsigned int)y;
	c->have_kernel = true;
	return 0;
bad:
	return fail(
	    c, off,
	    "cannot compare with the kernel version %s: it does not start with MAJOR.MINOR",
	    quote(q, sizeof(q), rel, strlen(rel)));
}

/* Whether the kernel is at least @major.@minor (Docker compares these). */
static int
kernel_at_least(struct oci *c, uint32_t off, unsigned int major,
		unsigned int minor, bool *ret)
{
	int r = kernel_read(c, off);

	if (r < 0)
		return r;
	*ret = c->kmajor > major || (c->kmajor == major && c->kminor >= minor);
	return 0;
}

/* Whether capability name @s is held; unknown names are not. */
static bool
cap_held(struct oci *c, const char *s, size_t len, uint32_t off)
{
	cap_value_t v;
	char q[160];
	size_t i;
	bool ok = len > 4 && strncmp(s, "CAP_", 4) == 0;

	/* Docker compares the names as written, with the upper-case ones */
	for (i = 4; ok && i < len; i++)
		ok = (s[i] >= 'A' && s[i] <= 'Z') ||
		     (s[i] >= '0' && s[i] <= '9') || s[i] == '_';
	if (!ok || cap_from_name(s, &v) < 0 || v < 0) {
		warn(c, off, "unknown capability %s: taken as not held",
		     quote(q, sizeof(q), s, len));
		return false;
	}
	return v < 64 && (c->caps & (UINT64_C(1) << v));
}

/* A parsed includes or excludes object. */
struct filter {
	struct val caps, arches;
	bool min;
	unsigned int kmajor, kminor;
	uint32_t min_off;
};

static const char *const docker_arches[] = {
	"x86",	       "amd64",	 "x32",	     "arm",	 "arm64",
	"mips",	       "mipsel", "mips64",   "mipsel64", "mips64n32",
	"mipsel64n32", "ppc",	 "ppc64",    "ppc64le",	 "s390",
	"s390x",       "parisc", "parisc64", "riscv64",	 "loong64",
	"loongarch64", "m68k",	 "sh",	     "sheb",
};

static int
filter_parse(struct oci *c, struct field *fl, struct filter *ret)
{
	struct field f[] = {
		{ "caps", T_ARRAY, { 0, NULL }, 0 },
		{ "arches", T_ARRAY, { 0, NULL }, 0 },
		{ "minKernel", T_STRING, { 0, NULL }, 0 },
	};
	char what[32], q[160];
	const char *s;
	uint32_t id;
	size_t i, j, len;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->caps.id = JSONPOS_NONE;
	ret->arches.id = JSONPOS_NONE;
	if (!has(fl))
		return 0;
	snprintf(what, sizeof(what), "\"%s\"", fl->key);
	r = obj_fields(c, fl->v, what, true, f, FIELDS(f));
	if (r < 0)
		return r;
	ret->caps = f[0].v;
	ret->arches = f[1].v;
	for (i = 0; i < 2; i++) {
		if (!has(&f[i]))
			continue;
		for (j = 0, id = node(c, f[i].v.id)->child; id != JSONPOS_NONE;
		     j++, id = node(c, id)->next) {
			size_t k;

			if (node(c, id)->type != JSONPOS_STRING)
				return fail(c, node(c, id)->start,
					    "\"%s\" must hold only strings",
					    f[i].key);
			r = get_str(c, element(f[i].v, id, j), f[i].key, &s,
				    &len);
			if (r < 0)
				return r;
			if (i == 0)
				continue;
			for (k = 0; k < FIELDS(docker_arches); k++)
				if (strcmp(s, docker_arches[k]) == 0)
					break;
			if (k == FIELDS(docker_arches))
				return fail(
				    c, node(c, id)->start,
				    "unknown architecture %s (these are Go's names: \"amd64\", \"x86\", \"arm64\", ...)",
				    quote(q, sizeof(q), s, len));
		}
	}
	if (has(&f[2])) {
		r = get_str(c, f[2].v, "minKernel", &s, &len);
		if (r < 0)
			return r;
		/* Docker: "" is no minimum */
		if (len) {
			if (!parse_min_kernel(s, &ret->kmajor, &ret->kminor))
				return fail(
				    c, node(c, f[2].v.id)->start,
				    "minKernel %s is not a kernel version such as \"4.8\"",
				    quote(q, sizeof(q), s, len));
			ret->min = true;
			ret->min_off = node(c, f[2].v.id)->start;
		}
	}
	return 0;
}

static bool
list_has(struct oci *c, struct val list, const char *s)
{
	uint32_t id;
	size_t i;

	for (i = 0, id = node(c, list.id)->child; id != JSONPOS_NONE;
	     i++, id = node(c, id)->next)
		if (strcmp(json_object_get_string(element(list, id, i).o), s) ==
		    0)
			return true;
	return false;
}

/* Whether any (@all false) or all (@all true) of the caps are held. */
static bool
caps_held(struct oci *c, struct val list, bool all)
{
	uint32_t id;
	size_t i;

	for (i = 0, id = node(c, list.id)->child; id != JSONPOS_NONE;
	     i++, id = node(c, id)->next) {
		json_object *o = element(list, id, i).o;
		bool held = cap_held(c, json_object_get_string(o),
				     (size_t)json_object_get_string_len(o),
				     node(c, id)->start);

		if (held != all)
			return !all;
	}
	return all;
}

/* Docker's setupSeccomp(): whether the entry stays, in Docker's order. */
static int
filter_keep(struct oci *c, const struct filter *ex, const struct filter *in,
	    bool *ret)
{
	bool at_least;
	int r;

	*ret = false;
	if (ex->arches.id != JSONPOS_NONE &&
	    list_has(c, ex->arches, c->native_docker))
		return 0;
	if (ex->caps.id != JSONPOS_NONE && caps_held(c, ex->caps, false))
		return 0;
	if (ex->min) {
		r = kernel_at_least(c, ex->min_off, ex->kmajor, ex->kminor,
				    &at_least);
		if (r < 0)
			return r;
		if (at_least)
			return 0;
	}
	if (in->arches.id != JSONPOS_NONE &&
	    !list_has(c, in->arches, c->native_docker))
		return 0;
	if (in->caps.id != JSONPOS_NONE && !caps_held(c, in->caps, true))
		return 0;
	if (in->min) {
		r = kernel_at_least(c, in->min_off, in->kmajor, in->kminor,
				    &at_least);
		if (r < 0)
			return r;
		if (!at_least)
			return 0;
	}
	*ret = true;
	return 0;
}

/* a condition, with what its warnings need */
struct cond {
	struct policy_cond pc;
	uint32_t v2_off; /* valueTwo's value, or JSONPOS_NONE */
	uint64_t v2;
};

static int
parse_args(struct oci *c, struct field *args, struct cond **ret, size_t *ret_n)
{
	static const char *const what = "an args entry";
	struct cond *conds = NULL;
	uint32_t id;
	size_t i, j, n = 0;
	char q[160];
	int r = 0;

	*ret = NULL;
	*ret_n = 0;
	if (!has(args))
		return 0;
	n = node(c, args->v.id)->count;
	if (!n)
		return 0;
	conds = calloc(n, sizeof(*conds));
	if (!conds)
		return -ENOMEM;
	for (i = 0, id = node(c, args->v.id)->child; id != JSONPOS_NONE;
	     i++, id = node(c, id)->next) {
		struct field f[] = {
			{ "index", T_UINT, { 0, NULL }, 0 },
			{ "value", T_UINT, { 0, NULL }, 0 },
			{ "valueTwo", T_UINT, { 0, NULL }, 0 },
			{ "op", T_STRING, { 0, NULL }, 0 },
		};
		struct cond *cd = &conds[i];
		uint64_t index = 0, value = 0;
		const char *s;
		size_t len;

		if (node(c, id)->type != JSONPOS_OBJECT) {
			r = fail(c, node(c, id)->start,
				 "an args entry must be an object");
			goto out;
		}
		r = obj_fields(c, element(args->v, id, i), what, true, f,
			       FIELDS(f));
		if (r < 0)
			goto out;
		for (j = 0; j < FIELDS(f); j++) {
			if (j == 2 || has(&f[j]))
				continue;
			r = fail(c, node(c, id)->start, "%s needs \"%s\"", what,
				 f[j].key);
			goto out;
		}
		r = get_uint(c, f[0].v, "index", &index);
		if (r < 0)
			goto out;
		if (index > 5) {
			r = fail(
			    c, node(c, f[0].v.id)->start,
			    "argument index %" PRIu64
			    " is out of range: arguments are numbered 0 to 5",
			    index);
			goto out;
		}
		r = get_uint(c, f[1].v, "value", &value);
		if (r < 0)
			goto out;
		cd->v2_off = JSONPOS_NONE;
		if (has(&f[2])) {
			r = get_uint(c, f[2].v, "valueTwo", &cd->v2);
			if (r < 0)
				goto out;
			cd->v2_off = node(c, f[2].v.id)->start;
		}
		r = get_str(c, f[3].v, "op", &s, &len);
		if (r < 0)
			goto out;
		for (j = 0; j < FIELDS(oci_ops); j++)
			if (strcmp(s, oci_ops[j].name) == 0)
				break;
		if (j == FIELDS(oci_ops)) {
			r = fail(c, node(c, f[3].v.id)->start,
				 "unknown operator %s",
				 quote(q, sizeof(q), s, len));
			goto out;
		}
		cd->pc.arg = (unsigned int)index;
		cd->pc.op = oci_ops[j].op;
		cd->pc.a = value;
		cd->pc.b = cd->pc.op == POLICY_OP_MASKED_EQ ? cd->v2 : 0;
		cd->pc.loc = loc_at(c, node(c, id)->start);
	}
	*ret = conds;
	*ret_n = n;
	conds = NULL;
out:
	free(conds);
	return r;
}

/* The warnings about an entry's conditions, once it is known to count. */
static void
args_warn(struct oci *c, struct cond *conds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct cond *cd = &conds[i];

		if (cd->pc.op == POLICY_OP_MASKED_EQ && (cd->v2 & ~cd->pc.a)) {
			warn(
			    c, cd->v2_off,
			    "valueTwo 0x%" PRIx64
			    " has bits outside the mask 0x%" PRIx64
			    ": libseccomp compares (arg & mask) == (valueTwo & mask), so this is 0x%" PRIx64,
			    cd->v2, cd->pc.a, cd->v2 & cd->pc.a);
			cd->pc.b = cd->v2 & cd->pc.a;
		} else if (cd->pc.op != POLICY_OP_MASKED_EQ && cd->v2) {
			warn(
			    c, cd->v2_off,
			    "valueTwo is only used by SCMP_CMP_MASKED_EQ: it is ignored");
		}
	}
}

static int
rule_add(struct oci *c, const char *name, uint32_t off, uint32_t action,
	 const struct cond *conds, size_t n)
{
	struct policy_rule r;
	size_t i;

	if (c->p->n_rules >= OCI_MAX_RULES)
		return fail(c, off, "too many rules: more than %d",
			    OCI_MAX_RULES);
	memset(&r, 0, sizeof(r));
	r.name = (char *)name;
	r.action = action;
	r.n_conds = n;
	for (i = 0; i < n; i++)
		r.conds[i] = conds[i].pc;
	r.loc = loc_at(c, off);
	return policy_add_rule(c->p, &r);
}

/* The rules of one syscall name @v: one, or one per condition if @split. */
static int
name_rules(struct oci *c, struct val v, uint32_t action,
	   const struct cond *conds, size_t n, bool split)
{
	const char *s = json_object_get_string(v.o);
	uint32_t off = node(c, v.id)->start;
	char q[160];
	size_t i;
	int r;

	if (seccomp_syscall_resolve_name_arch(c->native, s) ==
	    __NR_SCMP_ERROR) {
		warn(c, off, "unknown syscall %s: skipped, as runc does",
		     quote(q, sizeof(q), s, strlen(s)));
		return 0;
	}
	if (!split)
		return rule_add(c, s, off, action, conds, n);
	for (i = 0; i < n; i++) {
		r = rule_add(c, s, off, action, &conds[i], 1);
		if (r < 0)
			return r;
	}
	return 0;
}

/* One syscalls entry: check it whole, then add its rules if it counts. */
static int
load_entry(struct oci *c, struct val e)
{
	static const char *const what = "a syscalls entry";
	struct field f[] = {
		{ "names", T_ARRAY, { 0, NULL }, 0 },
		{ "name", T_STRING, { 0, NULL }, 0 },
		{ "action", T_STRING, { 0, NULL }, 0 },
		{ "errnoRet", T_UINT, { 0, NULL }, 0 },
		{ "errno", T_STRING, { 0, NULL }, 0 },
		{ "args", T_ARRAY, { 0, NULL }, 0 },
		{ "comment", T_STRING, { 0, NULL }, 0 },
		{ "includes", T_OBJECT, { 0, NULL }, 0 },
		{ "excludes", T_OBJECT, { 0, NULL }, 0 },
	};
	struct field *names = &f[0], *name = &f[1];
	struct filter inc, exc;
	struct cond *conds = NULL;
	uint32_t action = 0, id, seen = 0;
	size_t n_conds = 0, i, len;
	bool keep, split = false;
	const char *s;
	int r;

	if (node(c, e.id)->type != JSONPOS_OBJECT)
		return fail(c, node(c, e.id)->start,
			    "a syscalls entry must be an object");
	r = obj_fields(c, e, what, true, f, FIELDS(f));
	if (r < 0)
		return r;

	/* Docker: "name" is the legacy spelling; "" is no name */
	if (has(name)) {
		r = get_str(c, name->v, "name", &s, &len);
		if (r < 0)
			return r;
		if (!len)
			name->v.id = JSONPOS_NONE;
	}
	if (has(name) && has(names) && node(c, names->v.id)->count)
		return fail(c, name->key_off,
			    "use either \"name\" or \"names\", not both");
	if (!has(name) && !has(names))
		return fail(c, node(c, e.id)->start, "%s needs \"names\"",
			    what);
	if (has(names) && !has(name) && !node(c, names->v.id)->count)
		return fail(c, node(c, names->v.id)->start,
			    "\"names\" must not be empty");
	if (has(names) && !has(name))
		for (i = 0, id = node(c, names->v.id)->child;
		     id != JSONPOS_NONE; i++, id = node(c, id)->next) {
			if (node(c, id)->type != JSONPOS_STRING)
				return fail(c, node(c, id)->start,
					    "\"names\" must hold only strings");
			r = get_str(c, element(names->v, id, i), "names", &s,
				    &len);
			if (r < 0)
				return r;
			if (!len)
				return fail(c, node(c, id)->start,
					    "a syscall name must not be empty");
		}
	if (!has(&f[2]))
		return fail(c, node(c, e.id)->start, "%s needs \"action\"",
			    what);
	r = action_value(c, f[2].v, &f[3], &f[4], &action);
	if (r < 0)
		return r;
	/* f[6], "comment", needs only to be a string */
	r = filter_parse(c, &f[7], &inc);
	if (r < 0)
		return r;
	r = filter_parse(c, &f[8], &exc);
	if (r < 0)
		return r;
	r = parse_args(c, &f[5], &conds, &n_conds);
	if (r < 0)
		return r;

	r = filter_keep(c, &exc, &inc, &keep);
	if (r < 0 || !keep)
		goto out;
	/* runc: libseccomp refuses a rule with the default action */
	if (action == c->p->default_action)
		goto out;
	args_warn(c, conds, n_conds);
	for (i = 0; i < n_conds; i++) {
		if (seen & (1u << conds[i].pc.arg))
			split = true;
		seen |= 1u << conds[i].pc.arg;
	}
	if (split)
		warn(
		    c, node(c, f[5].v.id)->start,
		    "two conditions on one argument: runc adds each condition of this entry as a rule of its own, so any one of them matching is enough (OR, not AND)");

	if (has(name)) {
		r = name_rules(c, name->v, action, conds, n_conds, split);
		goto out;
	}
	for (i = 0, id = node(c, names->v.id)->child; id != JSONPOS_NONE;
	     i++, id = node(c, id)->next) {
		r = name_rules(c, element(names->v, id, i), action, conds,
			       n_conds, split);
		if (r < 0)
			goto out;
	}
out:
	free(conds);
	return r;
}

static int
rule_cmp(const void *a, const void *b, void *arg)
{
	const struct policy_rule *rules = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(rules[x].name, rules[y].name);

	if (c)
		return c;
	return x < y ? -1 : x > y;
}

/*
 * libseccomp 2.5.4, db.c: db_rule_add(): once a syscall has a rule
 * without conditions, later rules for it are dropped; a rule without
 * conditions replaces the conditional ones before it.  So the first
 * unconditional rule decides every call, whatever the others say.
 */
static int
dominate(struct oci *c)
{
	struct policy *p = c->p;
	size_t *idx = NULL, *winner = NULL, i, j, k, o;
	int r = 0;

	if (!p->n_rules)
		return 0;
	idx = calloc(p->n_rules, sizeof(*idx));
	winner = calloc(p->n_rules, sizeof(*winner));
	if (!idx || !winner) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < p->n_rules; i++) {
		idx[i] = i;
		winner[i] = SIZE_MAX;
	}
	qsort_r(idx, p->n_rules, sizeof(*idx), rule_cmp, p->rules);
	for (i = 0; i < p->n_rules; i = j) {
		size_t w = SIZE_MAX;

		for (j = i;
		     j < p->n_rules &&
		     strcmp(p->rules[idx[j]].name, p->rules[idx[i]].name) == 0;
		     j++)
			if (w == SIZE_MAX && !p->rules[idx[j]].n_conds)
				w = idx[j];
		if (w == SIZE_MAX)
			continue;
		for (k = i; k < j; k++)
			if (idx[k] != w)
				winner[idx[k]] = w;
	}
	/* warn first: the compaction below moves the winners */
	for (i = 0; i < p->n_rules && c->warn; i++) {
		const struct policy_rule *ru = &p->rules[i], *w;
		struct policy_diag d;

		if (winner[i] == SIZE_MAX)
			continue;
		w = &p->rules[winner[i]];
		if (w->action == ru->action)
			continue;
		policy_diag_set(
		    &d, &ru->loc,
		    winner[i] < i
			? "warning: this rule for \"%s\" is ignored, as under runc: libseccomp keeps the earlier rule at line %u, column %u, which has no conditions"
			: "warning: this rule for \"%s\" is ignored, as under runc: libseccomp replaces it with the later rule at line %u, column %u, which has no conditions",
		    ru->name, w->loc.line, w->loc.col);
		c->warn(c->data, d.msg);
	}
	for (i = 0, o = 0; i < p->n_rules; i++) {
		if (winner[i] == SIZE_MAX)
			p->rules[o++] = p->rules[i];
		else
			free(p->rules[i].name);
	}
	p->n_rules = o;
out:
	free(idx);
	free(winner);
	return r;
}

static int
load_seccomp(struct oci *c, struct val sc)
{
	struct field f[] = {
		{ "defaultAction", T_STRING, { 0, NULL }, 0 },
		{ "defaultErrnoRet", T_UINT, { 0, NULL }, 0 },
		{ "defaultErrno", T_STRING, { 0, NULL }, 0 },
		{ "architectures", T_ARRAY, { 0, NULL }, 0 },
		{ "archMap", T_ARRAY, { 0, NULL }, 0 },
		{ "flags", T_ARRAY, { 0, NULL }, 0 },
		{ "listenerPath", T_STRING, { 0, NULL }, 0 },
		{ "listenerMetadata", T_STRING, { 0, NULL }, 0 },
		{ "syscalls", T_ARRAY, { 0, NULL }, 0 },
	};
	const char *path = "", *meta = "";
	size_t plen = 0, mlen = 0, i;
	uint32_t id;
	int r;

	r = obj_fields(c, sc, "the seccomp profile", true, f, FIELDS(f));
	if (r < 0)
		return r;
	if (!has(&f[0]))
		return fail(c, node(c, sc.id)->start,
			    "the seccomp profile needs \"defaultAction\"");
	r = action_value(c, f[0].v, &f[1], &f[2], &c->p->default_action);
	if (r < 0)
		return r;
	if (c->p->default_action == SECCOMP_RET_USER_NOTIF)
		return fail(
		    c, node(c, f[0].v.id)->start,
		    "SCMP_ACT_NOTIFY cannot be the default action (runc refuses it too)");
	r = load_arches(c, &f[3], &f[4]);
	if (r < 0)
		return r;
	r = load_flags(c, &f[5]);
	if (r < 0)
		return r;
	if (has(&f[6])) {
		r = get_str(c, f[6].v, "listenerPath", &path, &plen);
		if (r < 0)
			return r;
	}
	if (has(&f[7])) {
		r = get_str(c, f[7].v, "listenerMetadata", &meta, &mlen);
		if (r < 0)
			return r;
	}
	if (mlen && !plen)
		return fail(c, f[7].key_off,
			    "\"listenerMetadata\" needs \"listenerPath\"");
	if (plen && !(c->p->listener_path = strdup(path)))
		return -ENOMEM;
	if (mlen && !(c->p->listener_metadata = strdup(meta)))
		return -ENOMEM;
	if (has(&f[8]))
		for (i = 0, id = node(c, f[8].v.id)->child; id != JSONPOS_NONE;
		     i++, id = node(c, id)->next) {
			r = load_entry(c, element(f[8].v, id, i));
			if (r < 0)
				return r;
		}
	return dominate(c);
}

/* A config.json: the seccomp object is .linux.seccomp. */
static int
find_seccomp(struct oci *c, struct val root, struct val *ret)
{
	struct field rf[] = {
		{ "ociVersion", T_STRING, { 0, NULL }, 0 },
		{ "linux", T_OBJECT, { 0, NULL }, 0 },
	};
	struct field lf[] = {
		{ "seccomp", T_OBJECT, { 0, NULL }, 0 },
	};
	uint32_t m;
	int r;

	*ret = root;
	for (m = node(c, root.id)->child; m != JSONPOS_NONE;
	     m = node(c, m)->next)
		if (jsonpos_key_is(&c->jp, node(c, m), "ociVersion") ||
		    jsonpos_key_is(&c->jp, node(c, m), "linux"))
			break;
	if (m == JSONPOS_NONE)
		return 0;
	r = obj_fields(c, root, "", false, rf, FIELDS(rf));
	if (r < 0)
		return r;
	if (!has(&rf[1]))
		return fail(c, node(c, root.id)->start,
			    "this OCI config has no \"linux\" object");
	r = obj_fields(c, rf[1].v, "", false, lf, FIELDS(lf));
	if (r < 0)
		return r;
	if (!has(&lf[0]))
		return fail(
		    c, node(c, rf[1].v.id)->start,
		    "this OCI config has no \"linux\".\"seccomp\" object");
	*ret = lf[0].v;
	return 0;
}

int
policy_load_oci(struct policy *p, const char *file, const char *text,
		size_t len, const struct policy_oci_opts *o,
		policy_warn_fn warn_fn, void *data, struct policy_diag *d)
{
	struct json_tokener *tok = NULL;
	enum json_tokener_error jerr;
	json_object *root = NULL;
	struct jsonpos_error perr;
	struct policy tmp;
	struct oci c;
	struct val rootv, sc;
	int r;

	policy_init(&tmp);
	memset(&c, 0, sizeof(c));
	c.p = &tmp;
	c.d = d;
	c.warn = warn_fn;
	c.data = data;
	d->msg[0] = '\0';
	c.file = policy_intern_file(&tmp, file ? file : "-");
	if (!c.file) {
		r = -ENOMEM;
		goto out;
	}
	if (o) {
		c.caps = o->caps;
		c.kernel = o->kernel;
	}
	if (len > OCI_MAX_SIZE) {
		struct policy_loc loc = { c.file, 0, 0 };

		jsonpos_linecol(text, len, OCI_MAX_SIZE, &loc.line, &loc.col);
		policy_diag_set(d, &loc,
				"the input is longer than %u bytes (16 MiB)",
				OCI_MAX_SIZE);
		r = -EINVAL;
		goto out;
	}
	r = native_setup(&c, o ? o->native_arch : 0);
	if (r < 0)
		goto out;

	tok = json_tokener_new_ex(OCI_MAX_DEPTH);
	if (!tok) {
		r = -ENOMEM;
		goto out;
	}
	/*
	 * The strict scan goes first, so its limits on depth and number of
	 * values bound what json-c builds.  Then json-c parses, and the scan's
	 * verdict stands beside json-c's: json-c waits for more at the end of
	 * an incomplete text (and of a bare number), and lets through what
	 * RFC 8259 does not (single quotes, "1.", -Infinity, raw control
	 * characters).  When both refuse the text, the earlier place is the
	 * more useful one.  They mostly stop at the same byte: then json-c
	 * says why, unless all it says is "unexpected character" (the scan
	 * also says what was expected), or "unexpected end of data" at a NUL
	 * byte, which is no end here.
	 */
	r = jsonpos_scan(&c.jp, text, len, OCI_MAX_DEPTH, OCI_MAX_VALUES,
			 &perr);
	if (r < 0 && (r != -EINVAL || perr.limit)) {
		if (r == -EINVAL)
			r = fail(&c, (uint32_t)perr.offset, "%s", perr.msg);
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr != json_tokener_success && jerr != json_tokener_continue &&
	    (r == 0 || json_tokener_get_parse_end(tok) < perr.offset ||
	     (json_tokener_get_parse_end(tok) == perr.offset &&
	      jerr != json_tokener_error_parse_unexpected &&
	      !(jerr == json_tokener_error_parse_eof && perr.offset < len)))) {
		r = fail(&c, (uint32_t)json_tokener_get_parse_end(tok),
			 "JSON syntax error: %s",
			 json_tokener_error_desc(jerr));
		goto out;
	}
	if (r == -EINVAL) {
		r = fail(&c, (uint32_t)perr.offset, "JSON syntax error: %s",
			 perr.msg);
		goto out;
	}
	if (c.jp.nodes[0].type != JSONPOS_OBJECT || !root) {
		r = fail(&c, c.jp.nodes[0].start,
			 "the top level must be a JSON object");
		goto out;
	}
	rootv.id = 0;
	rootv.o = root;
	r = find_seccomp(&c, rootv, &sc);
	if (r < 0)
		goto out;
	r = load_seccomp(&c, sc);
	if (r < 0)
		goto out;
	policy_free(p);
	*p = tmp;
	policy_init(&tmp);
out:
	if (r == -ENOMEM && !d->msg[0])
		policy_diag_set(d, &(struct policy_loc){ c.file, 0, 0 },
				"out of memory");
	jsonpos_free(&c.jp);
	json_object_put(root);
	if (tok)
		json_tokener_free(tok);
	policy_free(&tmp);
	return r;
}
