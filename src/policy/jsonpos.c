/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * jsonpos: a strict RFC 8259 scanner that records where each value of a
 * JSON text sits, for messages that name a line and a column.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/jsonpos.h"

struct scanner {
	const char *s;
	size_t len;
	size_t pos;
	struct jsonpos *jp;
	size_t cap;
	unsigned int max_depth;
	size_t max_nodes;
	struct jsonpos_error *err;
};

static int
fail(struct scanner *sc, size_t off, const char *fmt, ...)
{
	va_list ap;

	sc->err->offset = off;
	sc->err->limit = false;
	va_start(ap, fmt);
	vsnprintf(sc->err->msg, sizeof(sc->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

#define fail_limit(sc, off, ...) \
	(fail((sc), (off), __VA_ARGS__), (sc)->err->limit = true, -EINVAL)

/* "unexpected character 'x'" for what sits at @off, or end of input. */
static int
fail_unexpected(struct scanner *sc, size_t off, const char *what)
{
	unsigned char c;

	if (off >= sc->len)
		return fail(sc, off, "unexpected end of input%s%s",
			    what ? ": expected " : "", what ? what : "");
	c = (unsigned char)sc->s[off];
	if (c == '\n' || c == '\r')
		return fail(sc, off, "unexpected end of line%s%s",
			    what ? ": expected " : "", what ? what : "");
	if (c == ' ' || c == '\t')
		return fail(sc, off, "unexpected white space%s%s",
			    what ? ": expected " : "", what ? what : "");
	if (c > 0x20 && c < 0x7f)
		return fail(sc, off, "unexpected character '%c'%s%s", c,
			    what ? ": expected " : "", what ? what : "");
	return fail(sc, off, "unexpected byte 0x%02x%s%s", c,
		    what ? ": expected " : "", what ? what : "");
}

static void
skip_ws(struct scanner *sc)
{
	while (sc->pos < sc->len) {
		char c = sc->s[sc->pos];

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			break;
		sc->pos++;
	}
}

static int
node_new(struct scanner *sc, enum jsonpos_type type, uint32_t key,
	 uint32_t *ret)
{
	struct jsonpos *jp = sc->jp;
	struct jsonpos_node *n;

	if (jp->n_nodes >= sc->max_nodes)
		return fail_limit(sc, sc->pos, "more than %zu JSON values",
				  sc->max_nodes);
	if (jp->n_nodes == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 256;

		n = reallocarray(jp->nodes, cap, sizeof(*n));
		if (!n)
			return -ENOMEM;
		jp->nodes = n;
		sc->cap = cap;
	}
	n = &jp->nodes[jp->n_nodes];
	n->start = (uint32_t)sc->pos;
	n->end = (uint32_t)sc->pos;
	n->key = key;
	n->next = JSONPOS_NONE;
	n->child = JSONPOS_NONE;
	n->count = 0;
	n->type = type;
	*ret = (uint32_t)jp->n_nodes++;
	return 0;
}

static bool
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

/* A string whose opening quote is at sc->pos; ends past the closing one. */
static int
scan_string(struct scanner *sc)
{
	size_t start = sc->pos;
	int i;

	sc->pos++;
	for (;;) {
		unsigned char c;

		if (sc->pos >= sc->len)
			return fail(sc, start, "unterminated string");
		c = (unsigned char)sc->s[sc->pos];
		if (c == '"') {
			sc->pos++;
			return 0;
		}
		if (c == '\n')
			return fail(
			    sc, start,
			    "unterminated string: the line ends inside it");
		if (c < 0x20)
			return fail(
			    sc, sc->pos,
			    "control character 0x%02x in a string: write it as an escape",
			    c);
		if (c != '\\') {
			sc->pos++;
			continue;
		}
		if (sc->pos + 1 >= sc->len)
			return fail(sc, start, "unterminated string");
		c = (unsigned char)sc->s[sc->pos + 1];
		if (c == 0 || !strchr("\"\\/bfnrtu", c))
			return fail(sc, sc->pos, "invalid escape in a string");
		if (c == 'u') {
			for (i = 2; i < 6; i++)
				if (sc->pos + i >= sc->len ||
				    !is_hex(sc->s[sc->pos + i]))
					return fail(
					    sc, sc->pos,
					    "invalid escape in a string: \\u needs four hex digits");
			sc->pos += 6;
		} else {
			sc->pos += 2;
		}
	}
}

static bool
is_digit(struct scanner *sc)
{
	return sc->pos < sc->len && sc->s[sc->pos] >= '0' &&
	       sc->s[sc->pos] <= '9';
}

static int
scan_number(struct scanner *sc)
{
	if (sc->s[sc->pos] == '-')
		sc->pos++;
	if (!is_digit(sc))
		return fail_unexpected(sc, sc->pos, "a digit");
	if (sc->s[sc->pos] == '0') {
		sc->pos++;
	} else {
		while (is_digit(sc))
			sc->pos++;
	}
	if (sc->pos < sc->len && sc->s[sc->pos] == '.') {
		sc->pos++;
		if (!is_digit(sc))
			return fail_unexpected(sc, sc->pos,
					       "a digit after '.'");
		while (is_digit(sc))
			sc->pos++;
	}
	if (sc->pos < sc->len &&
	    (sc->s[sc->pos] == 'e' || sc->s[sc->pos] == 'E')) {
		sc->pos++;
		if (sc->pos < sc->len &&
		    (sc->s[sc->pos] == '+' || sc->s[sc->pos] == '-'))
			sc->pos++;
		if (!is_digit(sc))
			return fail_unexpected(sc, sc->pos,
					       "a digit in the exponent");
		while (is_digit(sc))
			sc->pos++;
	}
	return 0;
}

static int scan_value(struct scanner *sc, unsigned int depth, uint32_t key,
		      uint32_t *ret);

static int
scan_container(struct scanner *sc, unsigned int depth, uint32_t id, bool obj)
{
	uint32_t last = JSONPOS_NONE, child = 0, key = JSONPOS_NONE;
	char close = obj ? '}' : ']';
	int r;

	if (depth > sc->max_depth)
		return fail_limit(sc, sc->pos,
				  "JSON nested deeper than %u levels",
				  sc->max_depth);
	sc->pos++;
	skip_ws(sc);
	if (sc->pos < sc->len && sc->s[sc->pos] == close) {
		sc->pos++;
		return 0;
	}
	for (;;) {
		if (obj) {
			if (sc->pos >= sc->len || sc->s[sc->pos] != '"')
				return fail_unexpected(sc, sc->pos,
						       "a string key");
			key = (uint32_t)sc->pos;
			r = scan_string(sc);
			if (r < 0)
				return r;
			skip_ws(sc);
			if (sc->pos >= sc->len || sc->s[sc->pos] != ':')
				return fail_unexpected(sc, sc->pos,
						       "':' after the key");
			sc->pos++;
			skip_ws(sc);
		}
		r = scan_value(sc, depth, key, &child);
		if (r < 0)
			return r;
		if (last == JSONPOS_NONE)
			sc->jp->nodes[id].child = child;
		else
			sc->jp->nodes[last].next = child;
		last = child;
		sc->jp->nodes[id].count++;
		skip_ws(sc);
		if (sc->pos < sc->len && sc->s[sc->pos] == ',') {
			sc->pos++;
			skip_ws(sc);
			continue;
		}
		if (sc->pos < sc->len && sc->s[sc->pos] == close) {
			sc->pos++;
			return 0;
		}
		return fail_unexpected(sc, sc->pos,
				       obj ? "',' or '}'" : "',' or ']'");
	}
}

static int
scan_literal(struct scanner *sc, const char *word)
{
	size_t n = strlen(word), i;

	for (i = 0; i < n; i++)
		if (sc->pos + i >= sc->len || sc->s[sc->pos + i] != word[i])
			return fail_unexpected(sc, sc->pos + i, word);
	sc->pos += n;
	return 0;
}

/* A value starting at sc->pos (white space skipped), nested in @depth. */
static int
scan_value(struct scanner *sc, unsigned int depth, uint32_t key, uint32_t *ret)
{
	enum jsonpos_type type;
	uint32_t id = 0;
	int r;

	if (sc->pos >= sc->len)
		return fail_unexpected(sc, sc->pos, "a value");
	switch (sc->s[sc->pos]) {
	case '{':
		type = JSONPOS_OBJECT;
		break;
	case '[':
		type = JSONPOS_ARRAY;
		break;
	case '"':
		type = JSONPOS_STRING;
		break;
	case 't':
		type = JSONPOS_TRUE;
		break;
	case 'f':
		type = JSONPOS_FALSE;
		break;
	case 'n':
		type = JSONPOS_NULL;
		break;
	case '-':
	case '0':
	case '1':
	case '2':
	case '3':
	case '4':
	case '5':
	case '6':
	case '7':
	case '8':
	case '9':
		type = JSONPOS_NUMBER;
		break;
	default:
		return fail_unexpected(sc, sc->pos, "a value");
	}
	r = node_new(sc, type, key, &id);
	if (r < 0)
		return r;
	switch (type) {
	case JSONPOS_OBJECT:
	case JSONPOS_ARRAY:
		r = scan_container(sc, depth + 1, id, type == JSONPOS_OBJECT);
		break;
	case JSONPOS_STRING:
		r = scan_string(sc);
		break;
	case JSONPOS_TRUE:
		r = scan_literal(sc, "true");
		break;
	case JSONPOS_FALSE:
		r = scan_literal(sc, "false");
		break;
	case JSONPOS_NULL:
		r = scan_literal(sc, "null");
		break;
	case JSONPOS_NUMBER:
		r = scan_number(sc);
		break;
	}
	if (r < 0)
		return r;
	sc->jp->nodes[id].end = (uint32_t)sc->pos;
	*ret = id;
	return 0;
}

static int
lines_index(struct jsonpos *jp)
{
	size_t i, n = 1;

	for (i = 0; i < jp->len; i++)
		if (jp->text[i] == '\n')
			n++;
	jp->lines = calloc(n, sizeof(*jp->lines));
	if (!jp->lines)
		return -ENOMEM;
	jp->n_lines = 1;
	for (i = 0; i < jp->len; i++)
		if (jp->text[i] == '\n')
			jp->lines[jp->n_lines++] = (uint32_t)(i + 1);
	return 0;
}

int
jsonpos_scan(struct jsonpos *jp, const char *text, size_t len,
	     unsigned int max_depth, size_t max_nodes,
	     struct jsonpos_error *ret_err)
{
	struct scanner sc;
	uint32_t root;
	int r;

	memset(jp, 0, sizeof(*jp));
	memset(&sc, 0, sizeof(sc));
	jp->text = text;
	jp->len = len;
	sc.s = text;
	sc.len = len;
	sc.jp = jp;
	sc.max_depth = max_depth;
	sc.max_nodes = max_nodes;
	sc.err = ret_err;
	if (len > JSONPOS_MAX_LEN)
		return fail_limit(&sc, JSONPOS_MAX_LEN,
				  "the text is longer than %zu bytes",
				  (size_t)JSONPOS_MAX_LEN);
	r = lines_index(jp);
	if (r < 0)
		return r;
	skip_ws(&sc);
	r = scan_value(&sc, 0, JSONPOS_NONE, &root);
	if (r < 0)
		return r;
	skip_ws(&sc);
	if (sc.pos < len)
		return fail(&sc, sc.pos,
			    "unexpected text after the JSON value");
	return 0;
}

void
jsonpos_free(struct jsonpos *jp)
{
	if (!jp)
		return;
	free(jp->nodes);
	free(jp->lines);
	memset(jp, 0, sizeof(*jp));
}

void
jsonpos_linecol(const char *text, size_t len, size_t off,
		unsigned int *ret_line, unsigned int *ret_col)
{
	size_t i, line = 1, start = 0;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++)
		if (text[i] == '\n') {
			line++;
			start = i + 1;
		}
	*ret_line = (unsigned int)line;
	*ret_col = (unsigned int)(off - start + 1);
}

void
jsonpos_where(const struct jsonpos *jp, size_t off, unsigned int *ret_line,
	      unsigned int *ret_col)
{
	size_t lo = 0, hi;

	if (!jp->lines) {
		jsonpos_linecol(jp->text, jp->len, off, ret_line, ret_col);
		return;
	}
	if (off > jp->len)
		off = jp->len;
	/* the last line that starts at or before @off */
	hi = jp->n_lines;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (jp->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*ret_line = (unsigned int)(lo + 1);
	*ret_col = (unsigned int)(off - jp->lines[lo] + 1);
}

static unsigned int
hex4(const char *p)
{
	unsigned int v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else
			v |= (unsigned int)(c - 'A' + 10);
	}
	return v;
}

static size_t
put_utf8(char *out, unsigned int cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* The raw length of the string at @off, quotes excluded. */
static size_t
raw_len(const struct jsonpos *jp, uint32_t off)
{
	size_t i = (size_t)off + 1;

	while (i < jp->len && jp->text[i] != '"')
		i += jp->text[i] == '\\' ? 2 : 1;
	return i - off - 1;
}

int
jsonpos_string(const struct jsonpos *jp, uint32_t off, char **ret,
	       size_t *ret_len)
{
	const char *p = jp->text + off + 1;
	size_t n = raw_len(jp, off), i = 0, o = 0;
	char *out;

	/* an escape never decodes to more bytes than it is written in */
	out = malloc(n + 1);
	if (!out)
		return -ENOMEM;
	while (i < n) {
		unsigned int cp, lo;

		if (p[i] != '\\') {
			out[o++] = p[i++];
			continue;
		}
		switch (p[i + 1]) {
		case 'b':
			out[o++] = '\b';
			break;
		case 'f':
			out[o++] = '\f';
			break;
		case 'n':
			out[o++] = '\n';
			break;
		case 'r':
			out[o++] = '\r';
			break;
		case 't':
			out[o++] = '\t';
			break;
		case 'u':
			cp = hex4(p + i + 2);
			i += 6;
			if (cp >= 0xd800 && cp < 0xdc00 && i + 6 <= n &&
			    p[i] == '\\' && p[i + 1] == 'u' &&
			    (lo = hex4(p + i + 2)) >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				     (lo - 0xdc00);
				i += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				/* a lone surrogate: U+FFFD, as Go does */
				cp = 0xfffd;
			}
			o += put_utf8(out + o, cp);
			continue;
		default: /* '"', '\\' and '/' stand for themselves */
			out[o++] = p[i + 1];
			break;
		}
		i += 2;
	}
	out[o] = '\0';
	*ret = out;
	*ret_len = o;
	return 0;
}

bool
jsonpos_key_is(const struct jsonpos *jp, const struct jsonpos_node *n,
	       const char *key)
{
	size_t klen = strlen(key), n_raw;
	char *dec = NULL;
	size_t dlen = 0;
	bool same;

	if (n->key == JSONPOS_NONE)
		return false;
	n_raw = raw_len(jp, n->key);
	if (!memchr(jp->text + n->key + 1, '\\', n_raw))
		return n_raw == klen &&
		       memcmp(jp->text + n->key + 1, key, klen) == 0;
	if (jsonpos_string(jp, n->key, &dec, &dlen) < 0)
		return false;
	same = dlen == klen && memcmp(dec, key, klen) == 0;
	free(dec);
	return same;
}

struct keyent {
	char *s;
	size_t len;
	uint32_t id;
};

static bool
keyent_same(const struct keyent *x, const struct keyent *y)
{
	return x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
}

/* by key, then by document order */
static int
keyent_cmp(const void *a, const void *b)
{
	const struct keyent *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->s, y->s, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

int
jsonpos_dup_key(const struct jsonpos *jp, uint32_t obj, uint32_t *ret_first,
		uint32_t *ret_dup)
{
	const struct jsonpos_node *o = &jp->nodes[obj];
	uint32_t c, first = JSONPOS_NONE, dup = JSONPOS_NONE;
	struct keyent *k = NULL;
	size_t n = 0, i;
	int r;

	if (o->type != JSONPOS_OBJECT || o->count < 2)
		return 0;
	k = calloc(o->count, sizeof(*k));
	if (!k)
		return -ENOMEM;
	for (c = o->child; c != JSONPOS_NONE; c = jp->nodes[c].next) {
		r = jsonpos_string(jp, jp->nodes[c].key, &k[n].s, &k[n].len);
		if (r < 0)
			goto out;
		k[n++].id = c;
	}
	qsort(k, n, sizeof(*k), keyent_cmp);
	/* in each run of equal keys, the second is that key's duplicate */
	for (i = 1; i < n; i++) {
		if (!keyent_same(&k[i], &k[i - 1]))
			continue;
		if (i >= 2 && keyent_same(&k[i], &k[i - 2]))
			continue;
		if (dup == JSONPOS_NONE || k[i].id < dup) {
			dup = k[i].id;
			first = k[i - 1].id;
		}
	}
	r = dup != JSONPOS_NONE;
	if (r) {
		*ret_first = first;
		*ret_dup = dup;
	}
out:
	for (i = 0; i < n; i++)
		free(k[i].s);
	free(k);
	return r;
}
