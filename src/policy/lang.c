/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * The native .policy language: a line-oriented lexer and parser that turn
 * a file and the files it includes into struct policy, and the checks that
 * give the language its set semantics.  sandbox.policy(5) is the
 * reference; keep the two in step.
 *
 * Loading runs in two passes.  Parsing turns every rule line into one
 * pending rule per system call and DNF clause (with `in` sets expanded),
 * remembering whether the call was named or came through an @group.
 * Resolving then looks at each call's rules together: named rules replace
 * group rules, duplicates merge, two rules with different actions that one
 * call could match both are an error, and rules with the default action
 * are dropped because they change nothing.  Only then is @p touched.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <seccomp.h>

#include "arch/arch.h"
#include "policy/lang.h"
#include "policy/policy.h"

#define LANG_MAX_NAME	 63  /* longest syscall name we copy */
#define LANG_MAX_TARGETS 256 /* names before the ':' of one rule */
#define LANG_MAX_ERRNO	 4095
#define LANG_MAX_DATA	 0xffff /* SECCOMP_RET_DATA */
#define LANG_MAX_PARENS	 8	/* nesting in a value */
#define LANG_MAX_ARCHES \
	(sizeof(((struct policy *)0)->arches) / sizeof(uint32_t))

enum tok_type {
	TOK_EOF,
	TOK_NL,
	TOK_IDENT,
	TOK_GROUP, /* @word */
	TOK_NUM,
	TOK_STR,
	TOK_COLON,
	TOK_COMMA,
	TOK_SEMI,
	TOK_LPAREN,
	TOK_RPAREN,
	TOK_LBRACE,
	TOK_RBRACE,
	TOK_BAR,    /* | */
	TOK_OROR,   /* || */
	TOK_AMP,    /* & */
	TOK_ANDAND, /* && */
	TOK_TILDE,
	TOK_EQ,
	TOK_NE,
	TOK_LT,
	TOK_LE,
	TOK_GT,
	TOK_GE,
};

struct tok {
	enum tok_type type;
	const char *s; /* the source text, not NUL-terminated */
	size_t len;
	uint64_t num; /* TOK_NUM's value */
	struct policy_loc loc;
};

/* One file being read; lives on the C stack while its lines are parsed. */
struct lang_file {
	const char *name; /* interned in the policy */
	const char *text;
	size_t len, pos;
	unsigned line, col;
	bool has_id; /* dev and ino identify it, for include cycles */
	dev_t dev;
	ino_t ino;
	unsigned depth; /* 0 for the file given; +1 per @include */
	const struct lang_file *parent;
	struct tok tok; /* the current token */
};

/* One rule for one call, before resolution. */
struct lang_rule {
	char name[LANG_MAX_NAME + 1];
	uint32_t action;
	size_t n_conds;
	struct policy_cond conds[POLICY_MAX_CONDS]; /* as written */
	struct policy_cond canon[POLICY_MAX_CONDS]; /* sorted, for compares */
	struct policy_loc loc;
	const char *group; /* the @group it came through; NULL if named */
	size_t seq;	   /* order of appearance */
};

/* A condition as written: a comparison, or an `in` set of values. */
struct lang_atom {
	struct policy_cond cond;
	uint64_t *set; /* NULL, or the values of `in` (cond.op is EQ) */
	size_t n_set;
};

struct lang_clause {
	struct lang_atom atoms[POLICY_MAX_CONDS];
	size_t n_atoms;
	struct policy_loc loc;
};

struct lang_state {
	struct policy *p;
	policy_warn_fn warn;
	void *data;
	struct policy_diag *d;
	char *include_root; /* realpath() of the include_dir option */

	struct lang_rule *rules;
	size_t n_rules, rules_cap;

	bool have_default;
	uint32_t default_action;
	struct policy_loc default_loc;
	bool have_arch;
	uint32_t arches[LANG_MAX_ARCHES];
	size_t n_arches;
	struct policy_loc arch_loc;
	char *listener;
	struct policy_loc listener_loc;
	char *metadata;
	struct policy_loc metadata_loc;
	bool log_denied;
	struct policy_loc log_denied_loc;
	bool wait_killable_recv;
	struct policy_loc wait_killable_recv_loc;
	bool have_agent_loss;
	enum policy_agent_loss agent_loss;
	int agent_loss_errno;
	struct policy_loc agent_loss_loc;
};

static int __attribute__((format(printf, 3, 4)))
fail(struct lang_state *st, const struct policy_loc *loc, const char *fmt, ...)
{
	char msg[sizeof(st->d->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_diag_set(st->d, loc, "%s", msg);
	return -EINVAL;
}

static void __attribute__((format(printf, 3, 4)))
warn(struct lang_state *st, const struct policy_loc *loc, const char *fmt, ...)
{
	struct policy_diag w;
	char msg[sizeof(w.msg)];
	va_list ap;

	if (!st->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_diag_set(&w, loc, "warning: %s", msg);
	st->warn(st->data, w.msg);
}

/* --- lexer ------------------------------------------------------------ */

static void
advance(struct lang_file *f, size_t n)
{
	while (n-- && f->pos < f->len) {
		if (f->text[f->pos] == '\n') {
			f->line++;
			f->col = 1;
		} else {
			f->col++;
		}
		f->pos++;
	}
}

static int
peek(const struct lang_file *f, size_t i)
{
	return f->pos + i < f->len ? (unsigned char)f->text[f->pos + i] : -1;
}

static bool
is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_ident(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
digit_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/* Decimal, 0x hexadecimal or 0 octal, into 64 bits. */
static int
lex_number(struct lang_state *st, struct tok *t)
{
	const char *what = "decimal";
	unsigned base = 10;
	uint64_t v = 0;
	size_t i = 0;
	unsigned dv;

	if (t->len >= 2 && t->s[0] == '0' &&
	    (t->s[1] == 'x' || t->s[1] == 'X')) {
		base = 16;
		what = "hexadecimal";
		i = 2;
		if (t->len == 2)
			return fail(st, &t->loc,
				    "'%.*s' needs hexadecimal digits",
				    (int)t->len, t->s);
	} else if (t->len >= 2 && t->s[0] == '0') {
		base = 8;
		what = "octal";
		i = 1;
	}
	for (; i < t->len; i++) {
		dv = (unsigned)digit_value((unsigned char)t->s[i]);
		if (dv >= base)
			return fail(st, &t->loc,
				    "invalid digit '%c' in %s number '%.*s'",
				    t->s[i], what, (int)t->len, t->s);
		if (v > (UINT64_MAX - dv) / base)
			return fail(st, &t->loc,
				    "number '%.*s' does not fit in 64 bits",
				    (int)t->len, t->s);
		v = v * base + dv;
	}
	t->num = v;
	return 0;
}

/* A string's escapes are checked here and decoded by tok_string(). */
static int
lex_string(struct lang_state *st, struct lang_file *f, struct tok *t)
{
	struct policy_loc at;
	int c;

	advance(f, 1);
	for (;;) {
		c = peek(f, 0);
		if (c < 0 || c == '\n')
			return fail(st, &t->loc, "unterminated string");
		if (c == '"')
			break;
		at = (struct policy_loc){ f->name, f->line, f->col };
		if (c == '\\') {
			c = peek(f, 1);
			if (c != '"' && c != '\\' && c != 'n' && c != 't') {
				if (c < 0x20 || c > 0x7e)
					return fail(
					    st, &at,
					    "unknown escape in string: '\\' before byte 0x%02x",
					    c < 0 ? 0 : c);
				return fail(
				    st, &at,
				    "unknown escape '\\%c' in string (use \\\", \\\\, \\n or \\t)",
				    c);
			}
			advance(f, 2);
			continue;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return fail(st, &at,
				    "control character 0x%02x in string", c);
		advance(f, 1);
	}
	advance(f, 1);
	t->type = TOK_STR;
	return 0;
}

/*
 * Reads the next token into f->tok.  Blanks, comments and a backslash
 * before a newline (which joins two lines) are skipped.
 */
static int
lex(struct lang_state *st, struct lang_file *f)
{
	struct tok *t = &f->tok;
	int c, c1;

	for (;;) {
		c = peek(f, 0);
		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' ||
		    c == '\f') {
			advance(f, 1);
		} else if (c == '#') {
			while (peek(f, 0) >= 0 && peek(f, 0) != '\n')
				advance(f, 1);
		} else if (c == '\\' && peek(f, 1) == '\n') {
			advance(f, 2);
		} else if (c == '\\' && peek(f, 1) == '\r' &&
			   peek(f, 2) == '\n') {
			advance(f, 3);
		} else {
			break;
		}
	}
	memset(t, 0, sizeof(*t));
	t->loc = (struct policy_loc){ f->name, f->line, f->col };
	t->s = f->text + f->pos;
	if (c < 0) {
		t->type = TOK_EOF;
		return 0;
	}
	c1 = peek(f, 1);
	if (c == '"') {
		if (lex_string(st, f, t) < 0)
			return -EINVAL;
		t->len = (size_t)(f->text + f->pos - t->s);
		return 0;
	}
	if (is_ident_start(c) || c == '@' || is_digit(c)) {
		size_t n = 1;

		while (is_ident(peek(f, n)))
			n++;
		advance(f, n);
		t->len = n;
		if (c == '@') {
			t->type = TOK_GROUP;
			if (n == 1)
				return fail(
				    st, &t->loc,
				    "expected a group name or 'include' after '@'");
			return 0;
		}
		if (is_digit(c)) {
			t->type = TOK_NUM;
			return lex_number(st, t);
		}
		t->type = TOK_IDENT;
		return 0;
	}

	t->len = 1;
	switch (c) {
	case '\n':
		t->type = TOK_NL;
		break;
	case ':':
		t->type = TOK_COLON;
		break;
	case ',':
		t->type = TOK_COMMA;
		break;
	case ';':
		t->type = TOK_SEMI;
		break;
	case '(':
		t->type = TOK_LPAREN;
		break;
	case ')':
		t->type = TOK_RPAREN;
		break;
	case '{':
		t->type = TOK_LBRACE;
		break;
	case '}':
		t->type = TOK_RBRACE;
		break;
	case '~':
		t->type = TOK_TILDE;
		break;
	case '|':
		t->type = c1 == '|' ? TOK_OROR : TOK_BAR;
		break;
	case '&':
		t->type = c1 == '&' ? TOK_ANDAND : TOK_AMP;
		break;
	case '=':
		if (c1 != '=')
			return fail(st, &t->loc,
				    "unexpected '='; comparisons use '=='");
		t->type = TOK_EQ;
		break;
	case '!':
		if (c1 != '=')
			return fail(st, &t->loc,
				    "unexpected '!'; did you mean '!='?");
		t->type = TOK_NE;
		break;
	case '<':
		t->type = c1 == '=' ? TOK_LE : TOK_LT;
		break;
	case '>':
		t->type = c1 == '=' ? TOK_GE : TOK_GT;
		break;
	default:
		if (c > 0x20 && c < 0x7f)
			return fail(st, &t->loc, "unexpected character '%c'",
				    c);
		return fail(st, &t->loc, "unexpected byte 0x%02x", c);
	}
	if (t->type == TOK_OROR || t->type == TOK_ANDAND || t->type == TOK_EQ ||
	    t->type == TOK_NE || t->type == TOK_LE || t->type == TOK_GE)
		t->len = 2;
	advance(f, t->len);
	return 0;
}

/* The string token @t without its quotes and escapes; caller frees. */
static char *
tok_string(const struct tok *t)
{
	char *out, *o;
	size_t i;

	out = malloc(t->len);
	if (!out)
		return NULL;
	o = out;
	for (i = 1; i + 1 < t->len; i++) {
		if (t->s[i] == '\\') {
			i++;
			*o++ = t->s[i] == 'n'	? '\n'
			       : t->s[i] == 't' ? '\t'
						: t->s[i];
		} else {
			*o++ = t->s[i];
		}
	}
	*o = '\0';
	return out;
}

/* "'text'", "end of line" or "end of file", for messages. */
static const char *
tok_desc(const struct tok *t, char *buf, size_t size)
{
	if (t->type == TOK_EOF)
		return "end of file";
	if (t->type == TOK_NL)
		return "end of line";
	if (t->type == TOK_STR && t->len > 40)
		snprintf(buf, size, "%.36s...\"", t->s);
	else if (t->len > 40)
		snprintf(buf, size, "'%.36s...'", t->s);
	else if (t->type == TOK_STR)
		snprintf(buf, size, "%.*s", (int)t->len, t->s);
	else
		snprintf(buf, size, "'%.*s'", (int)t->len, t->s);
	return buf;
}

static bool
tok_is(const struct tok *t, const char *word)
{
	return t->type == TOK_IDENT && t->len == strlen(word) &&
	       memcmp(t->s, word, t->len) == 0;
}

static int
expected(struct lang_state *st, const struct tok *t, const char *what)
{
	char buf[64];

	return fail(st, &t->loc, "expected %s, found %s", what,
		    tok_desc(t, buf, sizeof(buf)));
}

static int
next(struct lang_state *st, struct lang_file *f)
{
	return lex(st, f);
}

static int
expect(struct lang_state *st, struct lang_file *f, enum tok_type type,
       const char *what)
{
	if (f->tok.type != type)
		return expected(st, &f->tok, what);
	return next(st, f);
}

static int
end_of_line(struct lang_state *st, struct lang_file *f)
{
	if (f->tok.type != TOK_NL && f->tok.type != TOK_EOF)
		return expected(st, &f->tok, "end of line");
	return 0;
}

/* --- values and actions ----------------------------------------------- */

/*
 * TERM { "|" TERM }, where a TERM is a NUMBER, a CONSTANT or a
 * parenthesized value, maybe with '~' before it.
 */
static int
parse_value_in(struct lang_state *st, struct lang_file *f, unsigned depth,
	       uint64_t *ret)
{
	const struct policy_const *c;
	uint64_t v = 0, x;
	bool invert;
	int r;

	for (;;) {
		invert = f->tok.type == TOK_TILDE;
		if (invert && (r = next(st, f)) < 0)
			return r;
		if (f->tok.type == TOK_NUM) {
			x = f->tok.num;
		} else if (f->tok.type == TOK_IDENT) {
			c = policy_const_find(f->tok.s, f->tok.len);
			if (!c)
				return fail(st, &f->tok.loc,
					    "unknown constant '%.*s'",
					    (int)f->tok.len, f->tok.s);
			x = c->value;
		} else if (f->tok.type == TOK_LPAREN) {
			if (depth == LANG_MAX_PARENS)
				return fail(
				    st, &f->tok.loc,
				    "parentheses nested more than %u deep",
				    LANG_MAX_PARENS);
			if ((r = next(st, f)) < 0 ||
			    (r = parse_value_in(st, f, depth + 1, &x)) < 0)
				return r;
			if (f->tok.type != TOK_RPAREN)
				return expected(st, &f->tok, "')'");
		} else {
			return expected(st, &f->tok, "a number or a constant");
		}
		v |= invert ? ~x : x;
		if ((r = next(st, f)) < 0)
			return r;
		if (f->tok.type != TOK_BAR)
			break;
		if ((r = next(st, f)) < 0)
			return r;
	}
	*ret = v;
	return 0;
}

static int
parse_value(struct lang_state *st, struct lang_file *f, uint64_t *ret)
{
	return parse_value_in(st, f, 0, ret);
}

/* "(N)" after trap or trace; none means 0. */
static int
parse_data(struct lang_state *st, struct lang_file *f, const char *what,
	   uint32_t *ret)
{
	int r;

	*ret = 0;
	if (f->tok.type != TOK_LPAREN)
		return 0;
	if ((r = next(st, f)) < 0)
		return r;
	if (f->tok.type != TOK_NUM)
		return expected(st, &f->tok, "a number");
	if (f->tok.num > LANG_MAX_DATA)
		return fail(st, &f->tok.loc,
			    "%s value %" PRIu64 " is out of range (0 to %u)",
			    what, f->tok.num, LANG_MAX_DATA);
	*ret = (uint32_t)f->tok.num;
	if ((r = next(st, f)) < 0)
		return r;
	return expect(st, f, TOK_RPAREN, "')'");
}

static bool
is_action_word(const struct tok *t)
{
	static const char *const words[] = { "allow",	     "log",
					     "notify",	     "kill-thread",
					     "kill-process", "errno",
					     "trap",	     "trace" };
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (tok_is(t, words[i]))
			return true;
	return false;
}

/* "(N)" or "(NAME)" after errno; N from @min to 4095. */
static int
parse_errno(struct lang_state *st, struct lang_file *f, unsigned min,
	    uint32_t *ret)
{
	const struct policy_const *c;
	int r;

	if (f->tok.type != TOK_LPAREN)
		return expected(st, &f->tok, "'(' after errno");
	if ((r = next(st, f)) < 0)
		return r;
	if (f->tok.type == TOK_NUM) {
		if (f->tok.num < min || f->tok.num > LANG_MAX_ERRNO)
			return fail(st, &f->tok.loc,
				    "errno value %" PRIu64
				    " is out of range (%u to %u)",
				    f->tok.num, min, LANG_MAX_ERRNO);
		*ret = (uint32_t)f->tok.num;
	} else if (f->tok.type == TOK_IDENT) {
		c = policy_const_find(f->tok.s, f->tok.len);
		if (c && c->family != POLICY_CONST_ERRNO)
			return fail(st, &f->tok.loc,
				    "'%.*s' is not an errno name",
				    (int)f->tok.len, f->tok.s);
		if (!c)
			return fail(st, &f->tok.loc,
				    "unknown errno name '%.*s'",
				    (int)f->tok.len, f->tok.s);
		*ret = (uint32_t)c->value;
	} else {
		return expected(st, &f->tok, "an errno name or number");
	}
	if ((r = next(st, f)) < 0)
		return r;
	return expect(st, f, TOK_RPAREN, "')'");
}

static int
parse_action(struct lang_state *st, struct lang_file *f, uint32_t *ret)
{
	const struct tok t = f->tok;
	uint32_t data = 0;
	int r;

	if (t.type != TOK_IDENT || !is_action_word(&t)) {
		char buf[64];

		return fail(
		    st, &t.loc,
		    "expected an action (allow, log, errno(N), trap, trace(N), kill-thread, kill-process or notify), found %s",
		    tok_desc(&t, buf, sizeof(buf)));
	}
	if ((r = next(st, f)) < 0)
		return r;
	if (tok_is(&t, "allow")) {
		*ret = SECCOMP_RET_ALLOW;
	} else if (tok_is(&t, "log")) {
		*ret = SECCOMP_RET_LOG;
	} else if (tok_is(&t, "notify")) {
		*ret = SECCOMP_RET_USER_NOTIF;
	} else if (tok_is(&t, "kill-thread")) {
		*ret = SECCOMP_RET_KILL_THREAD;
	} else if (tok_is(&t, "kill-process")) {
		*ret = SECCOMP_RET_KILL_PROCESS;
	} else if (tok_is(&t, "errno")) {
		if ((r = parse_errno(st, f, 0, &data)) < 0)
			return r;
		*ret = SECCOMP_RET_ERRNO | data;
	} else if (tok_is(&t, "trap")) {
		if ((r = parse_data(st, f, "trap", &data)) < 0)
			return r;
		*ret = SECCOMP_RET_TRAP | data;
	} else {
		if ((r = parse_data(st, f, "trace", &data)) < 0)
			return r;
		*ret = SECCOMP_RET_TRACE | data;
	}
	return 0;
}

/* How sandbox.policy(5) spells @action, for messages. */
static const char *
action_str(uint32_t action, char *buf, size_t size)
{
	uint32_t data = action & SECCOMP_RET_DATA;
	const char *name;

	switch (action & SECCOMP_RET_ACTION_FULL) {
	case SECCOMP_RET_ALLOW:
		return "allow";
	case SECCOMP_RET_LOG:
		return "log";
	case SECCOMP_RET_USER_NOTIF:
		return "notify";
	case SECCOMP_RET_KILL_PROCESS:
		return "kill-process";
	case SECCOMP_RET_ERRNO:
		name = policy_const_errno_name(data);
		if (name)
			snprintf(buf, size, "errno(%s)", name);
		else
			snprintf(buf, size, "errno(%" PRIu32 ")", data);
		return buf;
	case SECCOMP_RET_TRAP:
		if (!data)
			return "trap";
		snprintf(buf, size, "trap(%" PRIu32 ")", data);
		return buf;
	case SECCOMP_RET_TRACE:
		if (!data)
			return "trace";
		snprintf(buf, size, "trace(%" PRIu32 ")", data);
		return buf;
	case SECCOMP_RET_KILL_THREAD:
	default:
		return "kill-thread";
	}
}

/* --- satisfiability of a conjunction of conditions --------------------- */

/*
 * What the conditions on one argument leave: a range, bits fixed by masked
 * compares, and values excluded by !=.
 */
struct arg_space {
	uint64_t lo, hi;
	uint64_t fixed, fixed_val; /* fixed_val has no bits outside fixed */
	uint64_t ne[2 * POLICY_MAX_CONDS];
	size_t n_ne;
	bool empty, used;
};

static void
space_init(struct arg_space *s)
{
	memset(s, 0, sizeof(*s));
	s->hi = UINT64_MAX;
}

static void
space_add(struct arg_space *s, const struct policy_cond *c)
{
	uint64_t common;

	s->used = true;
	switch (c->op) {
	case POLICY_OP_EQ:
		s->lo = s->lo > c->a ? s->lo : c->a;
		s->hi = s->hi < c->a ? s->hi : c->a;
		break;
	case POLICY_OP_NE:
		if (s->n_ne < sizeof(s->ne) / sizeof(s->ne[0]))
			s->ne[s->n_ne++] = c->a;
		break;
	case POLICY_OP_LT:
		if (c->a == 0)
			s->empty = true;
		else if (s->hi > c->a - 1)
			s->hi = c->a - 1;
		break;
	case POLICY_OP_LE:
		s->hi = s->hi < c->a ? s->hi : c->a;
		break;
	case POLICY_OP_GT:
		if (c->a == UINT64_MAX)
			s->empty = true;
		else if (s->lo < c->a + 1)
			s->lo = c->a + 1;
		break;
	case POLICY_OP_GE:
		s->lo = s->lo > c->a ? s->lo : c->a;
		break;
	case POLICY_OP_MASKED_EQ:
		common = s->fixed & c->a;
		if ((c->b & ~c->a) || ((s->fixed_val ^ c->b) & common))
			s->empty = true;
		s->fixed |= c->a;
		s->fixed_val = (s->fixed_val & ~c->a) | (c->b & c->a);
		break;
	default:
		s->empty = true;
	}
}

/*
 * The smallest x >= @lo with (x & @fixed) == @val, if any.  x either is
 * @lo, or agrees with @lo above some bit p where @lo has 0 and x has 1,
 * and is as small as possible below p; the lowest usable p gives the
 * smallest x.
 */
static bool
next_fitting(uint64_t lo, uint64_t fixed, uint64_t val, uint64_t *ret)
{
	uint64_t diff = (lo ^ val) & fixed, bit, below;
	int p, h;

	if (!diff) {
		*ret = lo;
		return true;
	}
	h = 63 - __builtin_clzll(diff);
	for (p = h; p < 64; p++) {
		bit = 1ULL << p;
		if ((lo & bit) || ((fixed & bit) && !(val & bit)))
			continue;
		below = bit - 1;
		*ret = (lo & ~below & ~bit) | bit | (val & below);
		return true;
	}
	return false;
}

/* Some value in @s, into *@ret; false when there is none. */
static bool
space_pick(const struct arg_space *s, uint64_t *ret)
{
	uint64_t x, from = s->lo;
	size_t i, tries;
	bool excluded;

	if (s->empty)
		return false;
	/* each excluded value costs one more try at most */
	for (tries = 0; tries <= s->n_ne; tries++) {
		if (from > s->hi ||
		    !next_fitting(from, s->fixed, s->fixed_val, &x) ||
		    x > s->hi)
			return false;
		excluded = false;
		for (i = 0; i < s->n_ne; i++)
			excluded |= s->ne[i] == x;
		if (!excluded) {
			*ret = x;
			return true;
		}
		if (x == UINT64_MAX)
			return false;
		from = x + 1;
	}
	return false;
}

/*
 * Whether one call can satisfy all of @a and @b at once; if so, the
 * values of the arguments they constrain go into @witness, with @used
 * saying which.
 */
static bool
conds_satisfiable(const struct policy_cond *a, size_t na,
		  const struct policy_cond *b, size_t nb, uint64_t witness[6],
		  bool used[6])
{
	struct arg_space s[6];
	size_t i;

	for (i = 0; i < 6; i++)
		space_init(&s[i]);
	for (i = 0; i < na; i++)
		space_add(&s[a[i].arg], &a[i]);
	for (i = 0; i < nb; i++)
		space_add(&s[b[i].arg], &b[i]);
	for (i = 0; i < 6; i++) {
		used[i] = s[i].used;
		witness[i] = 0;
		if (s[i].used && !space_pick(&s[i], &witness[i]))
			return false;
	}
	return true;
}

/* --- expressions ------------------------------------------------------- */

static void
clauses_free(struct lang_clause *cl, size_t n)
{
	size_t i, j;

	if (!cl)
		return;
	for (i = 0; i < n; i++)
		for (j = 0; j < cl[i].n_atoms; j++)
			free(cl[i].atoms[j].set);
	free(cl);
}

/* Skips line ends inside a set, which may span lines. */
static int
skip_newlines(struct lang_state *st, struct lang_file *f)
{
	int r;

	while (f->tok.type == TOK_NL)
		if ((r = next(st, f)) < 0)
			return r;
	return 0;
}

/* "in { VALUE, ... }" after argN. */
static int
parse_set(struct lang_state *st, struct lang_file *f, struct lang_atom *at)
{
	uint64_t v;
	int r;

	if ((r = expect(st, f, TOK_LBRACE, "'{' after 'in'")) < 0 ||
	    (r = skip_newlines(st, f)) < 0)
		return r;
	if (f->tok.type == TOK_RBRACE)
		return fail(st, &f->tok.loc, "an empty set matches nothing");
	at->set = malloc(POLICY_LANG_MAX_SET * sizeof(*at->set));
	if (!at->set)
		return -ENOMEM;
	for (;;) {
		if (at->n_set == POLICY_LANG_MAX_SET)
			return fail(st, &f->tok.loc,
				    "more than %u values in one set",
				    POLICY_LANG_MAX_SET);
		if ((r = parse_value(st, f, &v)) < 0)
			return r;
		at->set[at->n_set++] = v;
		if ((r = skip_newlines(st, f)) < 0)
			return r;
		if (f->tok.type == TOK_RBRACE)
			break;
		if (f->tok.type != TOK_COMMA)
			return expected(st, &f->tok, "',' or '}' in the set");
		if ((r = next(st, f)) < 0 || (r = skip_newlines(st, f)) < 0)
			return r;
	}
	return next(st, f);
}

static int
parse_atom(struct lang_state *st, struct lang_file *f, bool first,
	   struct lang_atom *at)
{
	const struct tok *t = &f->tok;
	struct policy_loc vloc;
	enum policy_op op;
	uint64_t m, v;
	unsigned arg;
	int r;

	memset(at, 0, sizeof(*at));
	if (t->type != TOK_IDENT || t->len < 4 || memcmp(t->s, "arg", 3) != 0 ||
	    !is_digit((unsigned char)t->s[3])) {
		if (first)
			return expected(
			    st, t, "an action or a condition on arg0 to arg5");
		return expected(st, t, "a condition on arg0 to arg5");
	}
	if (t->len != 4 || t->s[3] > '5')
		return fail(
		    st, &t->loc,
		    "no argument '%.*s': system calls have arg0 to arg5",
		    (int)t->len, t->s);
	arg = (unsigned)(t->s[3] - '0');
	at->cond.arg = arg;
	at->cond.loc = t->loc;
	if ((r = next(st, f)) < 0)
		return r;

	switch (t->type) {
	case TOK_EQ:
		op = POLICY_OP_EQ;
		break;
	case TOK_NE:
		op = POLICY_OP_NE;
		break;
	case TOK_LT:
		op = POLICY_OP_LT;
		break;
	case TOK_LE:
		op = POLICY_OP_LE;
		break;
	case TOK_GT:
		op = POLICY_OP_GT;
		break;
	case TOK_GE:
		op = POLICY_OP_GE;
		break;
	case TOK_AMP:
		if ((r = next(st, f)) < 0 || (r = parse_value(st, f, &m)) < 0)
			return r;
		if (t->type != TOK_EQ)
			return expected(
			    st, t,
			    "'==' after the mask (a masked argument is compared with == only)");
		if ((r = next(st, f)) < 0)
			return r;
		vloc = t->loc;
		if ((r = parse_value(st, f, &v)) < 0)
			return r;
		if (v & ~m)
			return fail(
			    st, &vloc,
			    "arg%u & %#" PRIx64 " == %#" PRIx64
			    " can never be true: the value has bits outside the mask",
			    arg, m, v);
		at->cond.op = POLICY_OP_MASKED_EQ;
		at->cond.a = m;
		at->cond.b = v;
		return 0;
	default:
		if (tok_is(t, "in")) {
			at->cond.op = POLICY_OP_EQ;
			if ((r = next(st, f)) < 0)
				return r;
			return parse_set(st, f, at);
		}
		{
			char buf[64];

			return fail(
			    st, &t->loc,
			    "expected a comparison (==, !=, <, <=, >, >=), '&' or 'in' after arg%u, found %s",
			    arg, tok_desc(t, buf, sizeof(buf)));
		}
	}
	if ((r = next(st, f)) < 0 || (r = parse_value(st, f, &v)) < 0)
		return r;
	at->cond.op = op;
	at->cond.a = v;
	return 0;
}

/* CLAUSE { "||" CLAUSE }, with CLAUSE = ATOM { "&&" ATOM }. */
static int
parse_expr(struct lang_state *st, struct lang_file *f, struct lang_clause **ret,
	   size_t *ret_n)
{
	struct lang_clause *cl = NULL, *tmp, *c;
	size_t n = 0, cap = 0, total = 0, i;
	uint64_t expansions;
	int r;

	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			tmp = realloc(cl, cap * sizeof(*cl));
			if (!tmp) {
				r = -ENOMEM;
				goto out;
			}
			cl = tmp;
		}
		c = &cl[n++];
		memset(c, 0, sizeof(*c));
		c->loc = f->tok.loc;
		for (;;) {
			if (c->n_atoms == POLICY_MAX_CONDS) {
				r = fail(st, &f->tok.loc,
					 "more than %d conditions joined by &&",
					 POLICY_MAX_CONDS);
				goto out;
			}
			r = parse_atom(st, f, n == 1 && c->n_atoms == 0,
				       &c->atoms[c->n_atoms]);
			c->n_atoms++;
			if (r < 0)
				goto out;
			if (f->tok.type != TOK_ANDAND)
				break;
			if ((r = next(st, f)) < 0)
				goto out;
		}
		expansions = 1;
		for (i = 0; i < c->n_atoms; i++)
			if (c->atoms[i].set)
				expansions *= c->atoms[i].n_set;
		total += expansions;
		if (expansions > POLICY_LANG_MAX_CLAUSES ||
		    total > POLICY_LANG_MAX_CLAUSES) {
			r = fail(
			    st, &cl[0].loc,
			    "the condition expands to more than %u clauses (each value of an 'in' set makes one)",
			    POLICY_LANG_MAX_CLAUSES);
			goto out;
		}
		if (f->tok.type != TOK_OROR)
			break;
		if ((r = next(st, f)) < 0)
			goto out;
	}
	*ret = cl;
	*ret_n = n;
	cl = NULL;
	r = 0;
out:
	clauses_free(cl, n);
	return r;
}

/* --- rules -------------------------------------------------------------- */

static int
cond_cmp(const void *a, const void *b)
{
	const struct policy_cond *x = a, *y = b;

	if (x->arg != y->arg)
		return x->arg < y->arg ? -1 : 1;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b != y->b)
		return x->b < y->b ? -1 : 1;
	return 0;
}

/* One expansion of a clause: the written conditions, duplicates merged. */
struct lang_conj {
	struct policy_cond conds[POLICY_MAX_CONDS];
	size_t n;
};

static void
clause_expand(const struct lang_clause *c, size_t k, struct lang_conj *out)
{
	struct policy_cond cond;
	size_t i, j;
	bool dup;

	out->n = 0;
	for (i = 0; i < c->n_atoms; i++) {
		cond = c->atoms[i].cond;
		if (c->atoms[i].set) {
			cond.a = c->atoms[i].set[k % c->atoms[i].n_set];
			k /= c->atoms[i].n_set;
		}
		dup = false;
		for (j = 0; j < out->n; j++)
			dup |= cond_cmp(&out->conds[j], &cond) == 0;
		if (!dup)
			out->conds[out->n++] = cond;
	}
}

static size_t
clause_expansions(const struct lang_clause *c)
{
	size_t i, n = 1;

	for (i = 0; i < c->n_atoms; i++)
		if (c->atoms[i].set)
			n *= c->atoms[i].n_set;
	return n;
}

static bool
syscall_known(const char *name)
{
	return seccomp_syscall_resolve_name(name) != __NR_SCMP_ERROR;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends @g's names that libseccomp knows, nested groups included. */
static int
group_collect(const struct policy_group *g, bool *seen, const char ***names,
	      size_t *n, size_t *cap)
{
	const struct policy_group *sub;
	const char *const *m;
	const char **tmp;
	size_t i;
	int r;

	for (m = g->members; *m; m++) {
		if ((*m)[0] == '@') {
			sub = policy_group_find(*m, strlen(*m));
			if (!sub)
				continue;
			i = (size_t)(sub - policy_group_at(0));
			if (seen[i])
				continue;
			seen[i] = true;
			if ((r = group_collect(sub, seen, names, n, cap)) < 0)
				return r;
			continue;
		}
		if (!syscall_known(*m))
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			tmp = realloc(*names, *cap * sizeof(**names));
			if (!tmp)
				return -ENOMEM;
			*names = tmp;
		}
		(*names)[(*n)++] = *m;
	}
	return 0;
}

/* @g's names that libseccomp knows, sorted, each once; caller frees. */
static int
group_names(const struct policy_group *g, const char ***ret, size_t *ret_n)
{
	const char **names = NULL;
	size_t n = 0, cap = 0, i, j;
	bool *seen;
	int r;

	seen = calloc(policy_group_count(), sizeof(*seen));
	if (!seen)
		return -ENOMEM;
	seen[g - policy_group_at(0)] = true;
	r = group_collect(g, seen, &names, &n, &cap);
	free(seen);
	if (r < 0) {
		free(names);
		return r;
	}
	if (n)
		qsort(names, n, sizeof(*names), str_cmp);
	for (i = j = 0; i < n; i++)
		if (j == 0 || strcmp(names[j - 1], names[i]) != 0)
			names[j++] = names[i];
	*ret = names;
	*ret_n = j;
	return 0;
}

static int
rule_push(struct lang_state *st, const char *name, uint32_t action,
	  const struct lang_conj *conj, const struct policy_loc *loc,
	  const char *group)
{
	struct lang_rule *r, *tmp;
	size_t cap;

	if (st->n_rules == POLICY_LANG_MAX_RULES)
		return fail(st, loc, "the policy has more than %u rules",
			    POLICY_LANG_MAX_RULES);
	if (st->n_rules == st->rules_cap) {
		cap = st->rules_cap ? st->rules_cap * 2 : 64;
		tmp = realloc(st->rules, cap * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		st->rules = tmp;
		st->rules_cap = cap;
	}
	r = &st->rules[st->n_rules];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->action = action;
	r->n_conds = conj->n;
	memcpy(r->conds, conj->conds, conj->n * sizeof(conj->conds[0]));
	memcpy(r->canon, conj->conds, conj->n * sizeof(conj->conds[0]));
	qsort(r->canon, r->n_conds, sizeof(r->canon[0]), cond_cmp);
	r->loc = *loc;
	r->group = group;
	r->seq = st->n_rules++;
	return 0;
}

/* Adds the rules of one line for one call. */
static int
rules_add(struct lang_state *st, const char *name, uint32_t action,
	  const struct lang_clause *cl, size_t n_cl, const bool *sat,
	  const struct policy_loc *loc, const char *group)
{
	struct lang_conj conj;
	size_t i, k, s = 0;
	int r;

	if (n_cl == 0) {
		conj.n = 0;
		return rule_push(st, name, action, &conj, loc, group);
	}
	for (i = 0; i < n_cl; i++) {
		for (k = 0; k < clause_expansions(&cl[i]); k++, s++) {
			if (!sat[s])
				continue;
			clause_expand(&cl[i], k, &conj);
			if ((r = rule_push(st, name, action, &conj, loc,
					   group)) < 0)
				return r;
		}
	}
	return 0;
}

/*
 * Which expansions of the clauses can be true at all.  A clause none of
 * whose expansions can is an error: it was surely not meant.
 */
static int
clauses_check(struct lang_state *st, const struct lang_clause *cl, size_t n,
	      bool **ret)
{
	uint64_t witness[6];
	struct lang_conj conj;
	size_t i, k, s = 0, total = 0, live;
	bool used[6], *sat;

	for (i = 0; i < n; i++)
		total += clause_expansions(&cl[i]);
	sat = calloc(total ? total : 1, sizeof(*sat));
	if (!sat)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		live = 0;
		for (k = 0; k < clause_expansions(&cl[i]); k++, s++) {
			clause_expand(&cl[i], k, &conj);
			sat[s] = conds_satisfiable(conj.conds, conj.n, NULL, 0,
						   witness, used);
			live += sat[s];
		}
		if (!live) {
			free(sat);
			return fail(
			    st, &cl[i].loc,
			    "no call can satisfy these conditions together");
		}
	}
	*ret = sat;
	return 0;
}

/* NAME[,NAME...]: ACTION, or NAME[,NAME...]: EXPR [; ACTION]. */
static int
parse_rule(struct lang_state *st, struct lang_file *f)
{
	struct tok targets[LANG_MAX_TARGETS];
	struct lang_clause *cl = NULL;
	const struct policy_group *g;
	const char **names = NULL;
	char name[LANG_MAX_NAME + 1];
	size_t n_targets = 0, n_cl = 0, n_names, i, j;
	uint32_t action = SECCOMP_RET_ALLOW;
	bool *sat = NULL;
	int r;

	for (;;) {
		if (f->tok.type != TOK_IDENT && f->tok.type != TOK_GROUP)
			return expected(st, &f->tok,
					"a system call name or @group");
		if (n_targets == LANG_MAX_TARGETS)
			return fail(st, &f->tok.loc,
				    "more than %u names in one rule",
				    LANG_MAX_TARGETS);
		targets[n_targets++] = f->tok;
		if ((r = next(st, f)) < 0)
			return r;
		if (f->tok.type == TOK_COLON)
			break;
		if (f->tok.type != TOK_COMMA)
			return expected(st, &f->tok,
					"',' or ':' after the name");
		if ((r = next(st, f)) < 0)
			return r;
	}
	if ((r = next(st, f)) < 0)
		return r;
	if (f->tok.type == TOK_IDENT && is_action_word(&f->tok)) {
		if ((r = parse_action(st, f, &action)) < 0)
			return r;
	} else {
		if ((r = parse_expr(st, f, &cl, &n_cl)) < 0)
			return r;
		if (f->tok.type == TOK_SEMI) {
			if ((r = next(st, f)) < 0 ||
			    (r = parse_action(st, f, &action)) < 0)
				goto out;
		}
	}
	if ((r = end_of_line(st, f)) < 0 ||
	    (r = clauses_check(st, cl, n_cl, &sat)) < 0)
		goto out;

	for (i = 0; i < n_targets; i++) {
		const struct tok *t = &targets[i];

		if (t->type == TOK_GROUP) {
			g = policy_group_find(t->s, t->len);
			if (!g) {
				r = fail(st, &t->loc, "unknown group '%.*s'",
					 (int)t->len, t->s);
				goto out;
			}
			if ((r = group_names(g, &names, &n_names)) < 0)
				goto out;
			for (j = 0; j < n_names; j++) {
				r = rules_add(st, names[j], action, cl, n_cl,
					      sat, &t->loc, g->name);
				if (r < 0)
					goto out;
			}
			free(names);
			names = NULL;
			continue;
		}
		if (t->len > LANG_MAX_NAME) {
			warn(
			    st, &t->loc,
			    "unknown system call '%.*s...' ignored (libseccomp does not know it)",
			    LANG_MAX_NAME, t->s);
			continue;
		}
		memcpy(name, t->s, t->len);
		name[t->len] = '\0';
		if (!syscall_known(name)) {
			warn(
			    st, &t->loc,
			    "unknown system call '%s' ignored (libseccomp does not know it)",
			    name);
			continue;
		}
		r = rules_add(st, name, action, cl, n_cl, sat, &t->loc, NULL);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free(names);
	free(sat);
	clauses_free(cl, n_cl);
	return r;
}

/* --- directives --------------------------------------------------------- */

static int
twice(struct lang_state *st, const struct policy_loc *loc, const char *what,
      const struct policy_loc *first)
{
	return fail(st, loc, "%s given twice (first at %s:%u:%u)", what,
		    first->file, first->line, first->col);
}

static const char *
abi_name(uint32_t token)
{
	const struct arch_abi *abi;
	size_t i;

	for (i = 0; (abi = arch_abi_at(i)); i++)
		if (abi->scmp_token == token)
			return abi->name;
	return "?";
}

static int
parse_arch(struct lang_state *st, struct lang_file *f,
	   const struct policy_loc *loc)
{
	const struct arch_abi *abi;
	char name[32];
	uint32_t token;
	size_t i;
	int r;

	if (st->have_arch)
		return twice(st, loc, "arch", &st->arch_loc);
	st->have_arch = true;
	st->arch_loc = *loc;
	if (f->tok.type == TOK_NL || f->tok.type == TOK_EOF)
		return fail(st, &f->tok.loc,
			    "arch needs at least one ABI name");
	while (f->tok.type != TOK_NL && f->tok.type != TOK_EOF) {
		if (f->tok.type != TOK_IDENT)
			return expected(st, &f->tok, "an ABI name");
		abi = NULL;
		if (tok_is(&f->tok, "native")) {
			abi = arch_abi_host();
		} else if (f->tok.len < sizeof(name)) {
			memcpy(name, f->tok.s, f->tok.len);
			name[f->tok.len] = '\0';
			abi = arch_abi_by_name(name);
		}
		if (!abi)
			return fail(
			    st, &f->tok.loc,
			    "unknown ABI '%.*s' (libseccomp's names: native, x86_64, x86, x32, aarch64, arm, ...)",
			    (int)f->tok.len, f->tok.s);
		token = abi->scmp_token;
		for (i = 0; i < st->n_arches; i++)
			if (st->arches[i] == token)
				return fail(
				    st, &f->tok.loc,
				    "ABI %s is named twice%s%s%s",
				    abi_name(token),
				    abi == arch_abi_host() ? " (native is "
							   : "",
				    abi == arch_abi_host() ? abi_name(token)
							   : "",
				    abi == arch_abi_host() ? " on this host)"
							   : "");
		if (st->n_arches == LANG_MAX_ARCHES)
			return fail(st, &f->tok.loc, "too many ABIs");
		st->arches[st->n_arches++] = token;
		if ((r = next(st, f)) < 0)
			return r;
	}
	return 0;
}

/* A quoted string argument of a directive, decoded; caller frees. */
static int
parse_string_arg(struct lang_state *st, struct lang_file *f, const char *what,
		 char **ret, struct policy_loc *ret_loc)
{
	char *s;
	int r;

	if (f->tok.type != TOK_STR)
		return expected(st, &f->tok, what);
	*ret_loc = f->tok.loc;
	s = tok_string(&f->tok);
	if (!s)
		return -ENOMEM;
	if ((r = next(st, f)) < 0 || (r = end_of_line(st, f)) < 0) {
		free(s);
		return r;
	}
	*ret = s;
	return 0;
}

static int
parse_listener(struct lang_state *st, struct lang_file *f,
	       const struct policy_loc *loc)
{
	struct policy_loc sloc;
	char *path;
	int r;

	if (st->listener)
		return twice(st, loc, "listener", &st->listener_loc);
	r = parse_string_arg(st, f, "the socket's path in double quotes", &path,
			     &sloc);
	if (r < 0)
		return r;
	if (path[0] != '/')
		r = fail(st, &sloc, "the listener path must be absolute");
	else if (strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		r = fail(
		    st, &sloc,
		    "the listener path is longer than a unix socket address allows (%zu bytes)",
		    sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	if (r < 0) {
		free(path);
		return r;
	}
	st->listener = path;
	st->listener_loc = *loc;
	return 0;
}

/*
 * on-agent-loss: what becomes of the notifications an agent would have
 * answered once none is connected.  errno(0) is refused: it would make
 * every such call succeed without running.
 */
static int
parse_agent_loss(struct lang_state *st, struct lang_file *f,
		 const struct policy_loc *loc)
{
	uint32_t e = 0;
	int r;

	if (st->have_agent_loss)
		return twice(st, loc, "on-agent-loss", &st->agent_loss_loc);
	if (tok_is(&f->tok, "enosys")) {
		st->agent_loss = POLICY_LOSS_ENOSYS;
	} else if (tok_is(&f->tok, "kill")) {
		st->agent_loss = POLICY_LOSS_KILL;
	} else if (tok_is(&f->tok, "wait")) {
		st->agent_loss = POLICY_LOSS_WAIT;
	} else if (tok_is(&f->tok, "errno")) {
		st->agent_loss = POLICY_LOSS_ERRNO;
	} else {
		return expected(
		    st, &f->tok,
		    "enosys, kill, errno(N) or wait after on-agent-loss");
	}
	if ((r = next(st, f)) < 0)
		return r;
	if (st->agent_loss == POLICY_LOSS_ERRNO &&
	    (r = parse_errno(st, f, 1, &e)) < 0)
		return r;
	st->agent_loss_errno = (int)e;
	st->have_agent_loss = true;
	st->agent_loss_loc = *loc;
	return end_of_line(st, f);
}

static int parse_file(struct lang_state *st, struct lang_file *f);

/* Reads an included file whole; refuses anything but a regular file. */
static int
include_read(struct lang_state *st, const struct tok *t, const char *shown,
	     const char *path, struct lang_file *child, char **ret)
{
	char *buf = NULL, *real = NULL;
	size_t len = 0, root_len;
	struct stat sb;
	int fd = -1, r;
	ssize_t n;

	if (st->include_root) {
		real = realpath(path, NULL);
		if (!real) {
			r = fail(st, &t->loc, "cannot include \"%s\": %s",
				 shown, strerror(errno));
			goto out;
		}
		root_len = strlen(st->include_root);
		if (root_len > 1 &&
		    (strncmp(real, st->include_root, root_len) != 0 ||
		     real[root_len] != '/')) {
			r = fail(st, &t->loc,
				 "cannot include \"%s\": it is outside %s",
				 shown, st->include_root);
			goto out;
		}
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		r = fail(st, &t->loc, "cannot include \"%s\": %s", shown,
			 strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		r = fail(st, &t->loc,
			 "cannot include \"%s\": not a regular file", shown);
		goto out;
	}
	child->has_id = true;
	child->dev = sb.st_dev;
	child->ino = sb.st_ino;
	buf = malloc(POLICY_LANG_MAX_FILE + 1);
	if (!buf) {
		r = -ENOMEM;
		goto out;
	}
	while (len <= POLICY_LANG_MAX_FILE) {
		n = read(fd, buf + len, POLICY_LANG_MAX_FILE + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = fail(st, &t->loc, "cannot include \"%s\": %s",
				 shown, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > POLICY_LANG_MAX_FILE) {
		r = fail(st, &t->loc,
			 "cannot include \"%s\": it is larger than %u bytes",
			 shown, POLICY_LANG_MAX_FILE);
		goto out;
	}
	child->text = buf;
	child->len = len;
	*ret = buf;
	buf = NULL;
	r = 0;
out:
	free(buf);
	free(real);
	if (fd >= 0)
		close(fd);
	return r;
}

static int
parse_include(struct lang_state *st, struct lang_file *f)
{
	const struct lang_file *a;
	struct lang_file child;
	char *name = NULL, *path = NULL, *text = NULL, chain[400];
	const char *slash;
	struct tok t;
	size_t dir, used;
	int r;

	t = f->tok;
	r = parse_string_arg(st, f,
			     "a file name in double quotes after @include",
			     &name, &t.loc);
	if (r < 0)
		return r;
	if (!name[0]) {
		r = fail(st, &t.loc, "@include needs a file name");
		goto out;
	}
	if (f->depth + 1 > POLICY_LANG_MAX_DEPTH) {
		r = fail(st, &t.loc, "@include nested more than %u deep",
			 POLICY_LANG_MAX_DEPTH);
		goto out;
	}
	/* relative to the including file's directory */
	slash = strrchr(f->name, '/');
	dir = name[0] == '/' || !slash ? 0 : (size_t)(slash - f->name) + 1;
	path = malloc(dir + strlen(name) + 1);
	if (!path) {
		r = -ENOMEM;
		goto out;
	}
	memcpy(path, f->name, dir);
	strcpy(path + dir, name);

	memset(&child, 0, sizeof(child));
	if ((r = include_read(st, &t, name, path, &child, &text)) < 0)
		goto out;
	for (a = f; a; a = a->parent) {
		const struct lang_file *down[POLICY_LANG_MAX_DEPTH + 1];
		size_t n = 0;

		if (!a->has_id || a->dev != child.dev || a->ino != child.ino)
			continue;
		/* name the files from the one that comes back, down to here */
		for (const struct lang_file *b = f;
		     n < POLICY_LANG_MAX_DEPTH + 1; b = b->parent) {
			down[n++] = b;
			if (b == a)
				break;
		}
		used = 0;
		chain[0] = '\0';
		while (n-- && used < sizeof(chain))
			used +=
			    (size_t)snprintf(chain + used, sizeof(chain) - used,
					     "%s -> ", down[n]->name);
		if (used < sizeof(chain))
			snprintf(chain + used, sizeof(chain) - used, "%s",
				 path);
		r = fail(st, &t.loc, "include cycle: %s", chain);
		goto out;
	}
	child.name = policy_intern_file(st->p, path);
	if (!child.name) {
		r = -ENOMEM;
		goto out;
	}
	child.line = 1;
	child.col = 1;
	child.depth = f->depth + 1;
	child.parent = f;
	r = parse_file(st, &child);
out:
	free(text);
	free(path);
	free(name);
	return r;
}

/*
 * Before lexing a directive's string: an unquoted word there (a path, say)
 * would stop the lexer at its first odd character, with a message that
 * does not say what is wrong.
 */
static int
expect_quote(struct lang_state *st, struct lang_file *f, const char *what)
{
	struct policy_loc loc;
	size_t n = 0;
	int c;

	while (peek(f, 0) == ' ' || peek(f, 0) == '\t')
		advance(f, 1);
	c = peek(f, 0);
	if (c < 0 || c == '"' || c == '\n' || c == '\r' || c == '#' ||
	    c == '\\')
		return 0;
	while ((c = peek(f, n)) > ' ' && c < 0x7f && n < 40)
		n++;
	loc = (struct policy_loc){ f->name, f->line, f->col };
	if (n == 0)
		return 0;
	return fail(st, &loc, "expected %s, found '%.*s%s'", what, (int)n,
		    f->text + f->pos, n == 40 ? "..." : "");
}

static int
parse_directive(struct lang_state *st, struct lang_file *f)
{
	const struct tok t = f->tok;
	char *s = NULL;
	int r = 0;

	if (t.type == TOK_GROUP)
		r = expect_quote(st, f,
				 "a file name in double quotes after @include");
	else if (tok_is(&t, "listener"))
		r = expect_quote(st, f, "the socket's path in double quotes");
	else if (tok_is(&t, "listener-metadata"))
		r = expect_quote(st, f, "the metadata in double quotes");
	if (r < 0 || (r = next(st, f)) < 0)
		return r;
	if (t.type == TOK_GROUP)
		return parse_include(st, f);
	if (tok_is(&t, "default")) {
		const struct policy_loc aloc = f->tok.loc;

		if (st->have_default)
			return twice(st, &t.loc, "default", &st->default_loc);
		if ((r = parse_action(st, f, &st->default_action)) < 0)
			return r;
		/*
		 * Every call that no rule names, the ones a program needs
		 * to start included, would wait for an agent.  runc refuses
		 * this default too (libseccomp 2.5.4 takes it).
		 */
		if (st->default_action == SECCOMP_RET_USER_NOTIF)
			return fail(
			    st, &aloc,
			    "notify cannot be the default action; name the calls an agent decides in rules");
		st->have_default = true;
		st->default_loc = t.loc;
		return end_of_line(st, f);
	}
	if (tok_is(&t, "arch")) {
		if ((r = parse_arch(st, f, &t.loc)) < 0)
			return r;
		return end_of_line(st, f);
	}
	if (tok_is(&t, "listener"))
		return parse_listener(st, f, &t.loc);
	if (tok_is(&t, "listener-metadata")) {
		struct policy_loc sloc;

		if (st->metadata)
			return twice(st, &t.loc, "listener-metadata",
				     &st->metadata_loc);
		r = parse_string_arg(st, f, "the metadata in double quotes", &s,
				     &sloc);
		if (r < 0)
			return r;
		st->metadata = s;
		st->metadata_loc = t.loc;
		return 0;
	}
	if (tok_is(&t, "on-agent-loss"))
		return parse_agent_loss(st, f, &t.loc);
	if (tok_is(&t, "wait-killable-recv")) {
		if (st->wait_killable_recv)
			return twice(st, &t.loc, "wait-killable-recv",
				     &st->wait_killable_recv_loc);
		st->wait_killable_recv = true;
		st->wait_killable_recv_loc = t.loc;
		return end_of_line(st, f);
	}
	/* log-denied */
	if (st->log_denied)
		return twice(st, &t.loc, "log-denied", &st->log_denied_loc);
	st->log_denied = true;
	st->log_denied_loc = t.loc;
	return end_of_line(st, f);
}

static bool
is_directive(const struct tok *t)
{
	return (t->type == TOK_GROUP && t->len == 8 &&
		memcmp(t->s, "@include", 8) == 0) ||
	       tok_is(t, "default") || tok_is(t, "arch") ||
	       tok_is(t, "listener") || tok_is(t, "listener-metadata") ||
	       tok_is(t, "log-denied") || tok_is(t, "wait-killable-recv") ||
	       tok_is(t, "on-agent-loss");
}

static int
parse_file(struct lang_state *st, struct lang_file *f)
{
	int r;

	if ((r = next(st, f)) < 0)
		return r;
	while (f->tok.type != TOK_EOF) {
		if (f->tok.type == TOK_NL) {
			if ((r = next(st, f)) < 0)
				return r;
			continue;
		}
		if (is_directive(&f->tok))
			r = parse_directive(st, f);
		else if (f->tok.type == TOK_IDENT || f->tok.type == TOK_GROUP)
			r = parse_rule(st, f);
		else
			r = expected(st, &f->tok, "a rule or a directive");
		if (r < 0)
			return r;
	}
	return 0;
}

/* --- resolution --------------------------------------------------------- */

static int
rule_by_name(const void *a, const void *b)
{
	const struct lang_rule *x = *(const struct lang_rule *const *)a;
	const struct lang_rule *y = *(const struct lang_rule *const *)b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Same action and the same conditions, in any order: a duplicate. */
static int
content_cmp(const struct lang_rule *x, const struct lang_rule *y)
{
	size_t i;
	int c;

	if (x->action != y->action)
		return x->action < y->action ? -1 : 1;
	if (x->n_conds != y->n_conds)
		return x->n_conds < y->n_conds ? -1 : 1;
	for (i = 0; i < x->n_conds; i++)
		if ((c = cond_cmp(&x->canon[i], &y->canon[i])))
			return c;
	return 0;
}

static int
rule_by_content(const void *a, const void *b)
{
	const struct lang_rule *x = *(const struct lang_rule *const *)a;
	const struct lang_rule *y = *(const struct lang_rule *const *)b;
	int c = content_cmp(x, y);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
rule_by_seq(const void *a, const void *b)
{
	const struct lang_rule *x = *(const struct lang_rule *const *)a;
	const struct lang_rule *y = *(const struct lang_rule *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
report_conflict(struct lang_state *st, const struct lang_rule *a,
		const struct lang_rule *b, const uint64_t witness[6],
		const bool used[6])
{
	char abuf[32], bbuf[32], ag[80] = "", bg[80] = "", calls[160];
	size_t i, n = 0;

	if (a->group)
		snprintf(ag, sizeof(ag), " (through %s)", a->group);
	if (b->group)
		snprintf(bg, sizeof(bg), " (through %s)", b->group);
	for (i = 0; i < 6; i++) {
		if (!used[i])
			continue;
		n += (size_t)snprintf(calls + n, sizeof(calls) - n,
				      "%sarg%zu = %#" PRIx64,
				      n ? ", " : "a call with ", i, witness[i]);
		if (n >= sizeof(calls))
			break;
	}
	if (!n)
		snprintf(calls, sizeof(calls), "every call");
	return fail(
	    st, &b->loc,
	    "conflicting actions for %s: %s%s here and %s%s at %s:%u:%u both match %s",
	    b->name, action_str(b->action, bbuf, sizeof(bbuf)), bg,
	    action_str(a->action, abuf, sizeof(abuf)), ag, a->loc.file,
	    a->loc.line, a->loc.col, calls);
}

/*
 * The rules that survive, in order of appearance (caller frees the array,
 * not the rules).  Per call: named rules replace group rules, duplicates
 * merge, and two rules with different actions that some call satisfies
 * both are an error; of all such pairs, the one whose later rule comes
 * first in the files is reported.
 */
static int
resolve(struct lang_state *st, struct lang_rule ***ret, size_t *ret_n)
{
	struct lang_rule **all = NULL, **run = NULL, **keep = NULL;
	const struct lang_rule *ca = NULL, *cb = NULL;
	uint64_t witness[6], cw[6];
	size_t i, j, k, a, b, n_run, n_keep = 0;
	bool named, used[6], cu[6];
	uint32_t dflt;
	int r;

	dflt = st->have_default ? st->default_action : SECCOMP_RET_KILL_PROCESS;
	all = calloc(st->n_rules + 1, sizeof(*all));
	run = calloc(st->n_rules + 1, sizeof(*run));
	keep = calloc(st->n_rules + 1, sizeof(*keep));
	if (!all || !run || !keep) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < st->n_rules; i++)
		all[i] = &st->rules[i];
	if (st->n_rules)
		qsort(all, st->n_rules, sizeof(*all), rule_by_name);

	for (i = 0; i < st->n_rules; i = j) {
		named = false;
		for (j = i;
		     j < st->n_rules && strcmp(all[j]->name, all[i]->name) == 0;
		     j++)
			named |= !all[j]->group;
		n_run = 0;
		for (k = i; k < j; k++)
			if (!named || !all[k]->group)
				run[n_run++] = all[k];
		/* merge duplicates, keeping the first of each */
		qsort(run, n_run, sizeof(*run), rule_by_content);
		for (a = b = 0; a < n_run; a++)
			if (b == 0 || content_cmp(run[b - 1], run[a]) != 0)
				run[b++] = run[a];
		n_run = b;
		qsort(run, n_run, sizeof(*run), rule_by_seq);
		if (n_run > POLICY_LANG_MAX_PER_CALL) {
			r = fail(st, &run[POLICY_LANG_MAX_PER_CALL]->loc,
				 "more than %u rules for %s",
				 POLICY_LANG_MAX_PER_CALL, run[0]->name);
			goto out;
		}
		for (b = 1; b < n_run && (!cb || run[b]->seq < cb->seq); b++) {
			for (a = 0; a < b; a++) {
				if (run[a]->action == run[b]->action ||
				    !conds_satisfiable(
					run[a]->conds, run[a]->n_conds,
					run[b]->conds, run[b]->n_conds, witness,
					used))
					continue;
				ca = run[a];
				cb = run[b];
				memcpy(cw, witness, sizeof(cw));
				memcpy(cu, used, sizeof(cu));
				break;
			}
			if (cb == run[b])
				break;
		}
		for (k = 0; k < n_run; k++)
			if (run[k]->action != dflt)
				keep[n_keep++] = run[k];
	}
	if (cb) {
		r = report_conflict(st, ca, cb, cw, cu);
		goto out;
	}
	if (n_keep)
		qsort(keep, n_keep, sizeof(*keep), rule_by_seq);
	*ret = keep;
	*ret_n = n_keep;
	keep = NULL;
	r = 0;
out:
	free(all);
	free(run);
	free(keep);
	return r;
}

/* --- entry points ------------------------------------------------------- */

/* Moves the result into @p, or leaves @p as it was. */
static int
commit(struct lang_state *st, struct lang_rule **keep, size_t n_keep)
{
	struct policy *p = st->p;
	struct policy_rule pr;
	size_t old = p->n_rules, i;
	int r;

	for (i = 0; i < n_keep; i++) {
		memset(&pr, 0, sizeof(pr));
		pr.name = keep[i]->name;
		pr.action = keep[i]->action;
		pr.n_conds = keep[i]->n_conds;
		memcpy(pr.conds, keep[i]->conds, sizeof(pr.conds));
		pr.loc = keep[i]->loc;
		if ((r = policy_add_rule(p, &pr)) < 0) {
			while (p->n_rules > old)
				free(p->rules[--p->n_rules].name);
			return r;
		}
	}
	p->default_action =
	    st->have_default ? st->default_action : SECCOMP_RET_KILL_PROCESS;
	if (st->have_arch) {
		memcpy(p->arches, st->arches, sizeof(p->arches));
		p->n_arches = st->n_arches;
	}
	if (st->listener) {
		free(p->listener_path);
		p->listener_path = st->listener;
		st->listener = NULL;
	}
	if (st->metadata) {
		free(p->listener_metadata);
		p->listener_metadata = st->metadata;
		st->metadata = NULL;
	}
	if (st->log_denied)
		p->log_denied = true;
	if (st->wait_killable_recv)
		p->wait_killable_recv = true;
	if (st->have_agent_loss) {
		p->agent_loss = st->agent_loss;
		p->agent_loss_errno = st->agent_loss_errno;
	}
	return 0;
}

int
policy_lang_load(struct policy *p, const char *path, const char *text,
		 size_t len, const struct policy_lang_opts *o,
		 policy_warn_fn warn_fn, void *data, struct policy_diag *d)
{
	struct policy_diag dummy;
	struct lang_state st;
	struct lang_rule **keep = NULL;
	struct lang_file top;
	struct policy_loc loc;
	char **old_files_array = p->files;
	size_t old_files = p->n_files, n_keep = 0;
	char *buf = NULL;
	struct stat sb;
	int r;

	loc = (struct policy_loc){ path ? path : "-", 0, 0 };
	memset(&st, 0, sizeof(st));
	st.p = p;
	st.warn = warn_fn;
	st.data = data;
	st.d = d ? d : &dummy;
	st.d->msg[0] = '\0';
	memset(&top, 0, sizeof(top));
	if (!path)
		path = "-";
	top.name = policy_intern_file(p, path);
	if (!top.name) {
		r = -ENOMEM;
		goto out;
	}
	loc = (struct policy_loc){ top.name, 0, 0 };
	if (o && o->include_dir) {
		st.include_root = realpath(o->include_dir, NULL);
		if (!st.include_root) {
			r = -errno;
			policy_diag_set(st.d, &loc, "include directory %s: %s",
					o->include_dir, strerror(errno));
			goto out;
		}
	}
	if (!text) {
		r = policy_read_file(path, POLICY_LANG_MAX_FILE, &buf, &len);
		if (r == -EFBIG)
			policy_diag_set(st.d, &loc, "larger than %u bytes",
					POLICY_LANG_MAX_FILE);
		else if (r < 0)
			policy_diag_set(st.d, &loc, "%s", strerror(-r));
		if (r < 0)
			goto out;
		text = buf;
	} else if (len > POLICY_LANG_MAX_FILE) {
		policy_diag_set(st.d, &loc, "larger than %u bytes",
				POLICY_LANG_MAX_FILE);
		r = -EFBIG;
		goto out;
	}
	if (strcmp(path, "-") != 0 && stat(path, &sb) == 0) {
		top.has_id = true;
		top.dev = sb.st_dev;
		top.ino = sb.st_ino;
	}
	top.text = text;
	top.len = len;
	top.line = 1;
	top.col = 1;
	if ((r = parse_file(&st, &top)) < 0 ||
	    (r = resolve(&st, &keep, &n_keep)) < 0 ||
	    (r = commit(&st, keep, n_keep)) < 0)
		goto out;
	r = 0;
out:
	if (r == -ENOMEM && !st.d->msg[0])
		policy_diag_set(st.d, &loc, "%s", strerror(ENOMEM));
	if (r < 0) {
		while (p->n_files > old_files)
			free(p->files[--p->n_files]);
		if (!old_files_array) {
			free(p->files);
			p->files = NULL;
		}
	}
	free(keep);
	free(st.rules);
	free(st.listener);
	free(st.metadata);
	free(st.include_root);
	free(buf);
	return r;
}

int
policy_load_lang(struct policy *p, const char *path, const char *text,
		 size_t len, policy_warn_fn warn_fn, void *data,
		 struct policy_diag *d)
{
	return policy_lang_load(p, path, text, len, NULL, warn_fn, data, d);
}
