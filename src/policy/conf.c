/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * sandboxd's configuration files, sandboxd.conf(5): a small lexer that
 * turns a file into logical lines of words (quotes, escapes, comments and
 * continuation lines resolved, each byte keeping its column), and one
 * parser for both file kinds that checks each directive's values.  The
 * man page is the reference; keep the two in step.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h> /* libbsd's overlay: strtonum(), reallocarray() */
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "policy/conf.h"
#include "policy/policy.h"

/* A configuration file is a page of text; refuse anything near this. */
#define CONF_MAX_FILE (1 << 20)
/* NGROUPS_MAX on Linux; setgroups(2) takes no more. */
#define CONF_MAX_GROUPS 65536
/* The longest path sun_path holds with its NUL. */
#define CONF_MAX_SOCKET (sizeof(((struct sockaddr_un *)0)->sun_path) - 1)

#define ENV_NAME_CHARS \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"

#define CONF_DEFAULT_PATH \
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

enum conf_kind {
	CONF_DAEMON = 1,
	CONF_SERVICE = 2,
};

/* One word of a line, its quotes and escapes resolved. */
struct conf_word {
	char *s; /* NUL-terminated; owned by the line */
	size_t len;
	unsigned *cols; /* the source column of each byte of s */
	size_t cap;
	struct policy_loc loc; /* where the word starts */
};

/* A logical line: continuation lines joined, comments dropped. */
struct conf_line {
	struct conf_word *words;
	size_t n, cap;
};

struct conf_lexer {
	const char *file;
	const char *text;
	size_t len, pos;
	unsigned line, col;
	struct policy_diag *d;
};

enum conf_dir {
	DIR_CONTROL_SOCKET,
	DIR_SOCKET_MODE,
	DIR_POLICY_DIR,
	DIR_MAX_TARGETS,
	DIR_STOP_TIMEOUT,
	DIR_PIDFILE,
	DIR_LOG,
	DIR_COMMAND,
	DIR_POLICY,
	DIR_USER,
	DIR_GROUP,
	DIR_GROUPS,
	DIR_CAPS,
	DIR_ENV,
	DIR_CWD,
	DIR_AGENT_SOCKET,
	DIR_PREFILTER,
	DIR_WAIT_ALL,
	DIR_COUNT
};

static const struct conf_directive {
	const char *name;
	unsigned kinds;	  /* CONF_DAEMON | CONF_SERVICE */
	bool list;	  /* takes one value or more, not exactly one */
	bool repeatable;  /* may be given on several lines */
	const char *what; /* its values, for messages */
} directives[DIR_COUNT] = {
	[DIR_CONTROL_SOCKET] = { "control-socket", CONF_DAEMON, false, false,
				 "an absolute path" },
	[DIR_SOCKET_MODE] = { "socket-mode", CONF_DAEMON, false, false,
			      "an octal mode such as 0660" },
	[DIR_POLICY_DIR] = { "policy-dir", CONF_DAEMON, false, false,
			     "an absolute path" },
	[DIR_MAX_TARGETS] = { "max-targets", CONF_DAEMON, false, false,
			      "a number from 1 to 65536" },
	[DIR_STOP_TIMEOUT] = { "stop-timeout", CONF_DAEMON, false, false,
			       "a number of seconds from 0 to 86400" },
	[DIR_PIDFILE] = { "pidfile", CONF_DAEMON, false, false,
			  "an absolute path or none" },
	[DIR_LOG] = { "log", CONF_DAEMON | CONF_SERVICE, false, false,
		      "none, journal, stderr or an absolute path" },
	[DIR_COMMAND] = { "command", CONF_SERVICE, true, false,
			  "the program and its arguments" },
	[DIR_POLICY] = { "policy", CONF_SERVICE, false, false,
			 "a policy name or an absolute path" },
	[DIR_USER] = { "user", CONF_SERVICE, false, false,
		       "a user name or number" },
	[DIR_GROUP] = { "group", CONF_SERVICE, false, false,
			"a group name or number" },
	[DIR_GROUPS] = { "supplementary-groups", CONF_SERVICE, true, false,
			 "group names or numbers" },
	[DIR_CAPS] = { "capabilities", CONF_SERVICE, true, false,
		       "capability names or none" },
	[DIR_ENV] = { "environment", CONF_SERVICE, true, true,
		      "NAME=VALUE pairs" },
	[DIR_CWD] = { "working-directory", CONF_SERVICE, false, false,
		      "an absolute path" },
	[DIR_AGENT_SOCKET] = { "agent-socket", CONF_SERVICE, false, false,
			       "an absolute path" },
	[DIR_PREFILTER] = { "prefilter", CONF_SERVICE, false, false,
			    "yes or no" },
	[DIR_WAIT_ALL] = { "wait-all", CONF_SERVICE, false, false,
			   "yes or no" },
};

/* What one parse builds up; the results move out only on success. */
struct conf_state {
	const char *file;
	enum conf_kind kind;
	struct policy_diag *d;
	unsigned seen[DIR_COUNT]; /* line first given on; 0 for never */
	struct policy_conf_daemon *dc;
	struct policy_conf_service *sc;
	size_t env_cap;
	/* the user's primary group, when the user database knows it */
	bool user_has_gid;
	gid_t user_gid;
	struct policy_loc user_loc;
	char user_name[64];
};

static int __attribute__((format(printf, 3, 4)))
fail(struct policy_diag *d, const struct policy_loc *loc, const char *fmt, ...)
{
	char msg[sizeof(d->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	policy_diag_set(d, loc, "%s", msg);
	return -EINVAL;
}

/* --- lexer ------------------------------------------------------------ */

static int
peek(const struct conf_lexer *lx, size_t i)
{
	return lx->pos + i < lx->len ? (unsigned char)lx->text[lx->pos + i]
				     : -1;
}

static void
advance(struct conf_lexer *lx)
{
	if (lx->text[lx->pos] == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->pos++;
}

static struct policy_loc
here(const struct conf_lexer *lx)
{
	struct policy_loc loc = { lx->file, lx->line, lx->col };

	return loc;
}

/* Refuses bytes no configuration has a use for, wherever they are. */
static int
check_byte(const struct conf_lexer *lx, int c)
{
	struct policy_loc loc = here(lx);

	if (c == 0)
		return fail(lx->d, &loc, "NUL byte in the file");
	if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
		return fail(lx->d, &loc, "control character 0x%02x", c);
	return 0;
}

static int
word_add(struct conf_word *w, char c, unsigned col)
{
	if (w->len + 1 >= w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 32;
		char *s = realloc(w->s, cap);
		unsigned *cols;

		if (!s)
			return -ENOMEM;
		w->s = s;
		cols = reallocarray(w->cols, cap, sizeof(*cols));
		if (!cols)
			return -ENOMEM;
		w->cols = cols;
		w->cap = cap;
	}
	w->cols[w->len] = col;
	w->s[w->len++] = c;
	w->s[w->len] = '\0';
	return 0;
}

/* The rest of a "..." string after its opening quote at @qloc. */
static int
lex_double(struct conf_lexer *lx, struct conf_word *w,
	   const struct policy_loc *qloc)
{
	struct policy_loc loc;
	int c, r;

	for (;;) {
		c = peek(lx, 0);
		if (c < 0 || c == '\n')
			return fail(lx->d, qloc, "unterminated quoted string");
		if (c == '"') {
			advance(lx);
			return 0;
		}
		if (c != '\\') {
			r = check_byte(lx, c);
			if (r == 0)
				r = word_add(w, (char)c, lx->col);
			if (r < 0)
				return r;
			advance(lx);
			continue;
		}
		loc = here(lx);
		c = peek(lx, 1);
		switch (c) {
		case '"':
		case '\\':
		case '$':
			break;
		case 'n':
			c = '\n';
			break;
		case 't':
			c = '\t';
			break;
		case -1:
		case '\n':
			return fail(lx->d, qloc, "unterminated quoted string");
		default:
			if (c > 0x20 && c < 0x7f)
				return fail(lx->d, &loc,
					    "unknown escape '\\%c' in a quoted "
					    "string (use \\\", \\\\, \\n, \\t "
					    "or \\$)",
					    c);
			return fail(lx->d, &loc,
				    "unknown escape in a quoted string: '\\' "
				    "before byte 0x%02x",
				    c);
		}
		r = word_add(w, (char)c, loc.col);
		if (r < 0)
			return r;
		advance(lx);
		advance(lx);
	}
}

/* The rest of a '...' string after its opening quote at @qloc. */
static int
lex_single(struct conf_lexer *lx, struct conf_word *w,
	   const struct policy_loc *qloc)
{
	int c, r;

	for (;;) {
		c = peek(lx, 0);
		if (c < 0 || c == '\n')
			return fail(lx->d, qloc, "unterminated quoted string");
		if (c == '\'') {
			advance(lx);
			return 0;
		}
		r = check_byte(lx, c);
		if (r == 0)
			r = word_add(w, (char)c, lx->col);
		if (r < 0)
			return r;
		advance(lx);
	}
}

/*
 * One word: unquoted bytes and quoted strings with no blank between them,
 * as in sh(1), so that NAME="a b" is one word.
 */
static int
lex_word(struct conf_lexer *lx, struct conf_word *w)
{
	struct policy_loc qloc;
	int c, r;

	w->len = 0;
	w->loc = here(lx);
	/* an empty quoted string is a word too, so s is never NULL */
	r = word_add(w, 'x', 0);
	if (r < 0)
		return r;
	w->len = 0;
	w->s[0] = '\0';
	for (;;) {
		c = peek(lx, 0);
		if (c < 0 || c == ' ' || c == '\t' || c == '\n')
			return 0;
		if (c == '\\') {
			if (peek(lx, 1) == '\n' || peek(lx, 1) < 0)
				return 0; /* a continuation: the line's job */
			qloc = here(lx);
			return fail(lx->d, &qloc,
				    "'\\' outside quotes (it only continues a "
				    "line, as its last character)");
		}
		if (c == '"' || c == '\'') {
			qloc = here(lx);
			advance(lx);
			r = c == '"' ? lex_double(lx, w, &qloc)
				     : lex_single(lx, w, &qloc);
			if (r < 0)
				return r;
			continue;
		}
		r = check_byte(lx, c);
		if (r == 0)
			r = word_add(w, (char)c, lx->col);
		if (r < 0)
			return r;
		advance(lx);
	}
}

static void
line_free(struct conf_line *ln)
{
	size_t i;

	for (i = 0; i < ln->cap; i++) {
		free(ln->words[i].s);
		free(ln->words[i].cols);
	}
	free(ln->words);
}

/*
 * Reads the next logical line with at least one word into @ln.
 * Returns 1, 0 at the end of the file, or -errno.
 */
static int
lex_line(struct conf_lexer *lx, struct conf_line *ln)
{
	struct conf_word *w;
	struct policy_loc loc;
	int c, r;

	ln->n = 0;
	for (;;) {
		c = peek(lx, 0);
		if (c < 0)
			return ln->n > 0;
		if (c == '\n') {
			advance(lx);
			if (ln->n)
				return 1;
			continue;
		}
		if (c == ' ' || c == '\t') {
			advance(lx);
			continue;
		}
		if (c == '#') {
			while (peek(lx, 0) >= 0 && peek(lx, 0) != '\n') {
				r = check_byte(lx, peek(lx, 0));
				if (r < 0)
					return r;
				advance(lx);
			}
			continue;
		}
		if (c == '\\' && peek(lx, 1) == '\n') {
			/* a continuation joins lines as a blank would */
			advance(lx);
			advance(lx);
			continue;
		}
		if (c == '\\' && peek(lx, 1) < 0) {
			loc = here(lx);
			return fail(lx->d, &loc,
				    "the last line continues past the end of "
				    "the file");
		}
		if (ln->n == ln->cap) {
			size_t cap = ln->cap ? 2 * ln->cap : 8;

			w = reallocarray(ln->words, cap, sizeof(*w));
			if (!w)
				return -ENOMEM;
			memset(w + ln->cap, 0, (cap - ln->cap) * sizeof(*w));
			ln->words = w;
			ln->cap = cap;
		}
		r = lex_word(lx, &ln->words[ln->n]);
		if (r < 0)
			return r;
		ln->n++;
	}
}

/* --- values ------------------------------------------------------------ */

static bool
all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int
value_path(struct conf_state *st, enum conf_dir dir, const struct conf_word *w,
	   size_t max, char **ret)
{
	char *s;

	if (w->s[0] != '/')
		return fail(st->d, &w->loc, "'%s' must be %s, not '%s'",
			    directives[dir].name, directives[dir].what, w->s);
	if (w->len > max)
		return fail(st->d, &w->loc, "'%s' is longer than %zu bytes",
			    directives[dir].name, max);
	s = strdup(w->s);
	if (!s)
		return -ENOMEM;
	free(*ret);
	*ret = s;
	return 0;
}

static int
value_number(struct conf_state *st, enum conf_dir dir,
	     const struct conf_word *w, long long min, long long max,
	     unsigned int *ret)
{
	const char *errstr = NULL;
	long long v;

	if (!all_digits(w->s))
		return fail(st->d, &w->loc, "'%s' must be %s, not '%s'",
			    directives[dir].name, directives[dir].what, w->s);
	v = strtonum(w->s, min, max, &errstr);
	if (errstr)
		return fail(st->d, &w->loc,
			    "'%s' %s is out of range (%lld to %lld)",
			    directives[dir].name, w->s, min, max);
	*ret = (unsigned int)v;
	return 0;
}

static int
value_mode(struct conf_state *st, const struct conf_word *w, unsigned int *ret)
{
	unsigned long v = 0;
	const char *p;

	for (p = w->s; *p; p++) {
		if (*p < '0' || *p > '7')
			return fail(st->d, &w->loc,
				    "'socket-mode' must be an octal mode such "
				    "as 0660, not '%s'",
				    w->s);
		v = v * 8 + (unsigned long)(*p - '0');
		if (v > 07777)
			break;
	}
	if (p == w->s)
		return fail(st->d, &w->loc,
			    "'socket-mode' must be an octal mode such as "
			    "0660, not ''");
	if (v > 0777)
		return fail(st->d, &w->loc,
			    "'socket-mode' %s is out of range (at most 0777)",
			    w->s);
	*ret = (unsigned int)v;
	return 0;
}

static int
value_bool(struct conf_state *st, enum conf_dir dir, const struct conf_word *w,
	   bool *ret)
{
	if (strcmp(w->s, "yes") == 0)
		*ret = true;
	else if (strcmp(w->s, "no") == 0)
		*ret = false;
	else
		return fail(st->d, &w->loc, "'%s' must be yes or no, not '%s'",
			    directives[dir].name, w->s);
	return 0;
}

static int
value_log(struct conf_state *st, const struct conf_word *w,
	  enum policy_conf_log *ret_log, char **ret_path)
{
	enum policy_conf_log log;
	char *path = NULL;

	if (strcmp(w->s, "none") == 0)
		log = POLICY_CONF_LOG_NONE;
	else if (strcmp(w->s, "journal") == 0)
		log = POLICY_CONF_LOG_JOURNAL;
	else if (strcmp(w->s, "stderr") == 0)
		log = POLICY_CONF_LOG_STDERR;
	else if (w->s[0] == '/')
		log = POLICY_CONF_LOG_FILE;
	else
		return fail(st->d, &w->loc,
			    "'log' must be none, journal, stderr or an "
			    "absolute path, not '%s'",
			    w->s);
	if (log == POLICY_CONF_LOG_FILE) {
		if (w->len >= PATH_MAX)
			return fail(st->d, &w->loc,
				    "'log' is longer than %d bytes",
				    PATH_MAX - 1);
		path = strdup(w->s);
		if (!path)
			return -ENOMEM;
	}
	free(*ret_path);
	*ret_path = path;
	*ret_log = log;
	return 0;
}

/* Calls a getpw*_r or getgr*_r function with a big enough buffer. */
static int
grow_buffer(char **buf, size_t *size)
{
	size_t n = *size ? 2 * *size : 1024;
	char *p;

	if (n > (1 << 20))
		return -ERANGE;
	p = realloc(*buf, n);
	if (!p)
		return -ENOMEM;
	*buf = p;
	*size = n;
	return 0;
}

/*
 * Looks @w up as a user: a number (which the database need not know) or
 * a name.  Sets @ret_has_gid when the database gives a primary group.
 */
static int
lookup_user(struct conf_state *st, const struct conf_word *w, uid_t *ret_uid,
	    bool *ret_has_gid, gid_t *ret_gid)
{
	struct passwd pw, *res = NULL;
	const char *errstr = NULL;
	bool numeric = all_digits(w->s);
	char *buf = NULL;
	size_t size = 0;
	uid_t uid = 0;
	int r;

	if (numeric) {
		uid = (uid_t)strtonum(w->s, 0, (long long)UINT32_MAX - 1,
				      &errstr);
		if (errstr) {
			r = fail(st->d, &w->loc,
				 "user number %s is out of range (0 to %u)",
				 w->s, UINT32_MAX - 1);
			goto out;
		}
	}
	do {
		r = grow_buffer(&buf, &size);
		if (r < 0)
			goto out;
		r = numeric ? getpwuid_r(uid, &pw, buf, size, &res)
			    : getpwnam_r(w->s, &pw, buf, size, &res);
	} while (r == ERANGE);
	if (r != 0 && r != ENOENT && r != ESRCH && r != EBADF && r != EPERM) {
		r = -r;
		goto out;
	}
	r = 0;
	if (!res && !numeric) {
		r = fail(st->d, &w->loc, "unknown user '%s'", w->s);
		goto out;
	}
	*ret_uid = res ? res->pw_uid : uid;
	*ret_has_gid = res != NULL;
	*ret_gid = res ? res->pw_gid : 0;
out:
	free(buf);
	return r;
}

static int
lookup_group(struct conf_state *st, const struct conf_word *w, gid_t *ret)
{
	struct group gr, *res = NULL;
	const char *errstr = NULL;
	char *buf = NULL;
	size_t size = 0;
	gid_t gid;
	int r = 0;

	if (all_digits(w->s)) {
		gid = (gid_t)strtonum(w->s, 0, (long long)UINT32_MAX - 1,
				      &errstr);
		if (errstr)
			return fail(st->d, &w->loc,
				    "group number %s is out of range (0 to %u)",
				    w->s, UINT32_MAX - 1);
		*ret = gid;
		return 0;
	}
	do {
		r = grow_buffer(&buf, &size);
		if (r < 0)
			goto out;
		r = getgrnam_r(w->s, &gr, buf, size, &res);
	} while (r == ERANGE);
	if (r != 0 && r != ENOENT && r != ESRCH && r != EBADF && r != EPERM) {
		r = -r;
		goto out;
	}
	r = 0;
	if (!res) {
		r = fail(st->d, &w->loc, "unknown group '%s'", w->s);
		goto out;
	}
	*ret = res->gr_gid;
out:
	free(buf);
	return r;
}

/* --- directives -------------------------------------------------------- */

static int
dir_command(struct conf_state *st, const struct conf_line *ln)
{
	const struct conf_word *prog = &ln->words[1];
	size_t n = ln->n - 1, i;
	char **argv;

	if (!prog->s[0] || (strchr(prog->s, '/') && prog->s[0] != '/'))
		return fail(st->d, &prog->loc,
			    "the program must be an absolute path or a name "
			    "to look up in PATH, not '%s'",
			    prog->s);
	argv = calloc(n + 1, sizeof(*argv));
	if (!argv)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		argv[i] = strdup(ln->words[i + 1].s);
		if (!argv[i])
			break;
	}
	if (i < n) {
		while (i--)
			free(argv[i]);
		free(argv);
		return -ENOMEM;
	}
	st->sc->argv = argv;
	return 0;
}

static int
dir_policy(struct conf_state *st, const struct conf_word *w)
{
	char *s;

	if (w->s[0] == '/') {
		if (w->len >= PATH_MAX)
			return fail(st->d, &w->loc,
				    "'policy' is longer than %d bytes",
				    PATH_MAX - 1);
	} else if (!policy_conf_name_ok(w->s)) {
		return fail(st->d, &w->loc,
			    "'policy' must be a policy name or an absolute "
			    "path, not '%s'",
			    w->s);
	}
	s = strdup(w->s);
	if (!s)
		return -ENOMEM;
	st->sc->policy = s;
	return 0;
}

static int
dir_groups(struct conf_state *st, const struct conf_line *ln)
{
	size_t n = ln->n - 1, i;
	gid_t *groups;
	int r = 0;

	if (n > CONF_MAX_GROUPS)
		return fail(st->d, &ln->words[CONF_MAX_GROUPS + 1].loc,
			    "more than %d supplementary groups",
			    CONF_MAX_GROUPS);
	groups = reallocarray(NULL, n, sizeof(*groups));
	if (!groups)
		return -ENOMEM;
	for (i = 0; i < n && r == 0; i++)
		r = lookup_group(st, &ln->words[i + 1], &groups[i]);
	if (r < 0) {
		free(groups);
		return r;
	}
	st->sc->groups = groups;
	st->sc->n_groups = n;
	return 0;
}

/* One capability name: @len bytes of @w from @off. */
static int
cap_name(struct conf_state *st, const struct conf_word *w, size_t off,
	 size_t len, uint64_t *mask)
{
	struct policy_loc loc = w->loc;
	char name[64], bad[64];
	uint64_t bit = 0;
	int r;

	if (w->cols[off])
		loc.col = w->cols[off];
	if (len >= sizeof(name))
		return fail(st->d, &loc, "unknown capability '%.*s'", (int)len,
			    w->s + off);
	memcpy(name, w->s + off, len);
	name[len] = '\0';
	if (strcmp(name, "none") == 0)
		return fail(st->d, &loc,
			    "'none' cannot be combined with capability names");
	r = policy_caps_parse(name, &bit, bad, sizeof(bad));
	if (r == -EINVAL)
		return fail(st->d, &loc, "unknown capability '%s'", name);
	if (r < 0)
		return r;
	*mask |= bit;
	return 0;
}

static int
dir_caps(struct conf_state *st, const struct conf_line *ln)
{
	uint64_t mask = 0;
	size_t i, off, end, names = 0;
	int r;

	if (ln->n == 2 && strcmp(ln->words[1].s, "none") == 0) {
		st->sc->keep_caps = 0;
		return 0;
	}
	for (i = 1; i < ln->n; i++) {
		const struct conf_word *w = &ln->words[i];

		for (off = 0; off < w->len; off = end) {
			if (strchr(", \t", w->s[off])) {
				end = off + 1;
				continue;
			}
			end = off + strcspn(w->s + off, ", \t");
			r = cap_name(st, w, off, end - off, &mask);
			if (r < 0)
				return r;
			names++;
		}
	}
	if (!names)
		return fail(st->d, &ln->words[1].loc,
			    "'capabilities' needs capability names or none");
	st->sc->keep_caps = mask;
	return 0;
}

static int
env_set(struct conf_state *st, const char *entry, size_t name_len)
{
	struct policy_conf_service *sc = st->sc;
	char *copy, **envp;
	size_t i;

	copy = strdup(entry);
	if (!copy)
		return -ENOMEM;
	for (i = 0; i < sc->envc; i++) {
		if (strncmp(sc->envp[i], entry, name_len + 1) == 0) {
			/* the later value wins, in the first one's place */
			free(sc->envp[i]);
			sc->envp[i] = copy;
			return 0;
		}
	}
	if (sc->envc + 2 > st->env_cap) {
		size_t cap = st->env_cap ? 2 * st->env_cap : 8;

		envp = reallocarray(sc->envp, cap, sizeof(*envp));
		if (!envp) {
			free(copy);
			return -ENOMEM;
		}
		sc->envp = envp;
		st->env_cap = cap;
	}
	sc->envp[sc->envc++] = copy;
	sc->envp[sc->envc] = NULL;
	return 0;
}

static int
dir_env(struct conf_state *st, const struct conf_line *ln)
{
	size_t i, n;
	int r;

	for (i = 1; i < ln->n; i++) {
		const struct conf_word *w = &ln->words[i];
		const char *eq = strchr(w->s, '=');

		if (!eq)
			return fail(st->d, &w->loc,
				    "'environment' takes NAME=VALUE, not '%s'",
				    w->s);
		n = (size_t)(eq - w->s);
		if (n == 0 || (w->s[0] >= '0' && w->s[0] <= '9') ||
		    strspn(w->s, ENV_NAME_CHARS) != n)
			return fail(st->d, &w->loc,
				    "invalid environment variable name "
				    "'%.*s'",
				    (int)n, w->s);
		r = env_set(st, w->s, n);
		if (r < 0)
			return r;
	}
	return 0;
}

static int
dir_user(struct conf_state *st, const struct conf_word *w)
{
	int r;

	r = lookup_user(st, w, &st->sc->uid, &st->user_has_gid, &st->user_gid);
	if (r < 0)
		return r;
	st->user_loc = w->loc;
	snprintf(st->user_name, sizeof(st->user_name), "%s", w->s);
	return 0;
}

static int
directive(struct conf_state *st, const struct conf_line *ln)
{
	const struct conf_word *dw = &ln->words[0], *v = &ln->words[1];
	struct policy_conf_daemon *dc = st->dc;
	struct policy_conf_service *sc = st->sc;
	const struct conf_directive *dir = NULL;
	enum conf_dir id;

	for (id = 0; id < DIR_COUNT; id++) {
		if (strcmp(dw->s, directives[id].name) == 0) {
			dir = &directives[id];
			break;
		}
	}
	if (!dir)
		return fail(st->d, &dw->loc, "unknown directive '%s'", dw->s);
	if (!(dir->kinds & st->kind))
		return fail(st->d, &dw->loc,
			    st->kind == CONF_DAEMON
				? "'%s' belongs in a service's file, not in "
				  "sandboxd.conf"
				: "'%s' belongs in sandboxd.conf, not in a "
				  "service's file",
			    dir->name);
	if (st->seen[id] && !dir->repeatable)
		return fail(st->d, &dw->loc,
			    "'%s' given twice (first at line %u)", dir->name,
			    st->seen[id]);
	if (ln->n < 2)
		return fail(st->d, &dw->loc, "'%s' needs %s", dir->name,
			    dir->what);
	if (!dir->list && ln->n > 2)
		return fail(st->d, &ln->words[2].loc,
			    "'%s' takes one value (%s), not %zu", dir->name,
			    dir->what, ln->n - 1);
	if (!st->seen[id])
		st->seen[id] = dw->loc.line;

	switch (id) {
	case DIR_CONTROL_SOCKET:
		return value_path(st, id, v, CONF_MAX_SOCKET,
				  &dc->control_socket);
	case DIR_SOCKET_MODE:
		return value_mode(st, v, &dc->socket_mode);
	case DIR_POLICY_DIR:
		return value_path(st, id, v, PATH_MAX - 1, &dc->policy_dir);
	case DIR_MAX_TARGETS:
		return value_number(st, id, v, 1, 65536, &dc->max_targets);
	case DIR_STOP_TIMEOUT:
		return value_number(st, id, v, 0, 86400, &dc->stop_timeout);
	case DIR_PIDFILE:
		if (strcmp(v->s, "none") == 0) {
			free(dc->pidfile);
			dc->pidfile = NULL;
			return 0;
		}
		return value_path(st, id, v, PATH_MAX - 1, &dc->pidfile);
	case DIR_LOG:
		if (st->kind == CONF_DAEMON)
			return value_log(st, v, &dc->log, &dc->log_path);
		return value_log(st, v, &sc->log, &sc->log_path);
	case DIR_COMMAND:
		return dir_command(st, ln);
	case DIR_POLICY:
		return dir_policy(st, v);
	case DIR_USER:
		return dir_user(st, v);
	case DIR_GROUP:
		return lookup_group(st, v, &sc->gid);
	case DIR_GROUPS:
		return dir_groups(st, ln);
	case DIR_CAPS:
		return dir_caps(st, ln);
	case DIR_ENV:
		return dir_env(st, ln);
	case DIR_CWD:
		return value_path(st, id, v, PATH_MAX - 1, &sc->cwd);
	case DIR_AGENT_SOCKET:
		return value_path(st, id, v, CONF_MAX_SOCKET,
				  &sc->agent_socket);
	case DIR_PREFILTER:
		return value_bool(st, id, v, &sc->prefilter);
	case DIR_WAIT_ALL:
		return value_bool(st, id, v, &sc->wait_all);
	case DIR_COUNT:
		break;
	}
	return -EINVAL;
}

/* What must hold once every line is read. */
static int
finish_service(struct conf_state *st)
{
	struct policy_loc file = { st->file, 0, 0 };

	if (!st->seen[DIR_COMMAND])
		return fail(st->d, &file, "no 'command' directive");
	if (!st->seen[DIR_POLICY])
		return fail(st->d, &file, "no 'policy' directive");
	if (st->seen[DIR_USER] && !st->seen[DIR_GROUP]) {
		if (!st->user_has_gid)
			return fail(st->d, &st->user_loc,
				    "user %s is not in the user database, so "
				    "its group must be given with 'group'",
				    st->user_name);
		st->sc->gid = st->user_gid;
	}
	return 0;
}

/*
 * Reads @text (or the file @path) into whichever of @dc and @sc the kind
 * says, both already holding their defaults.
 */
static int
conf_parse(enum conf_kind kind, const char *path, const char *text, size_t len,
	   struct policy_conf_daemon *dc, struct policy_conf_service *sc,
	   struct policy_diag *d)
{
	struct conf_state st = { .file = path, .kind = kind, .d = d };
	struct policy_loc file = { path, 0, 0 };
	struct conf_lexer lx = { .file = path, .line = 1, .col = 1, .d = d };
	struct conf_line ln = { 0 };
	char *buf = NULL;
	int r;

	st.dc = dc;
	st.sc = sc;
	if (sc)
		st.env_cap = sc->envc + 1;
	if (!text) {
		r = policy_read_file(path, CONF_MAX_FILE, &buf, &len);
		if (r < 0) {
			if (r == -EFBIG)
				policy_diag_set(d, &file,
						"larger than %d bytes",
						CONF_MAX_FILE);
			else
				policy_diag_set(d, &file, "%s", strerror(-r));
			goto out;
		}
		text = buf;
	} else if (len > CONF_MAX_FILE) {
		policy_diag_set(d, &file, "larger than %d bytes",
				CONF_MAX_FILE);
		r = -EFBIG;
		goto out;
	}
	lx.text = text;
	lx.len = len;
	while ((r = lex_line(&lx, &ln)) > 0) {
		r = directive(&st, &ln);
		if (r < 0)
			break;
	}
	if (r == 0 && kind == CONF_SERVICE)
		r = finish_service(&st);
out:
	if (r == -ENOMEM)
		policy_diag_set(d, &file, "%s", strerror(ENOMEM));
	line_free(&ln);
	free(buf);
	return r;
}

/* --- the API ----------------------------------------------------------- */

int
policy_conf_daemon_defaults(struct policy_conf_daemon *ret)
{
	struct policy_conf_daemon c = {
		.socket_mode = 0666,
		.max_targets = 1024,
		.stop_timeout = 90,
		.log = POLICY_CONF_LOG_NONE,
	};

	c.control_socket = strdup(POLICY_CONF_CONTROL_SOCKET);
	c.policy_dir = strdup(POLICY_CONF_POLICY_DIR);
	c.pidfile = strdup(POLICY_CONF_PIDFILE);
	if (!c.control_socket || !c.policy_dir || !c.pidfile) {
		policy_conf_daemon_free(&c);
		return -ENOMEM;
	}
	*ret = c;
	return 0;
}

void
policy_conf_daemon_free(struct policy_conf_daemon *c)
{
	if (!c)
		return;
	free(c->control_socket);
	free(c->policy_dir);
	free(c->log_path);
	free(c->pidfile);
	memset(c, 0, sizeof(*c));
}

int
policy_conf_load_daemon(const char *path, const char *text, size_t len,
			struct policy_conf_daemon *ret,
			struct policy_diag *diag)
{
	struct policy_conf_daemon c;
	int r;

	r = policy_conf_daemon_defaults(&c);
	if (r < 0) {
		policy_diag_set(diag, NULL, "%s", strerror(-r));
		return r;
	}
	r = conf_parse(CONF_DAEMON, path, text, len, &c, NULL, diag);
	if (r < 0) {
		policy_conf_daemon_free(&c);
		return r;
	}
	*ret = c;
	return 0;
}

static int
service_defaults(struct policy_conf_service *c)
{
	memset(c, 0, sizeof(*c));
	c->prefilter = true;
	c->log = POLICY_CONF_LOG_JOURNAL;
	c->cwd = strdup("/");
	c->envp = calloc(2, sizeof(*c->envp));
	if (!c->cwd || !c->envp)
		return -ENOMEM;
	c->envp[0] = strdup(CONF_DEFAULT_PATH);
	if (!c->envp[0])
		return -ENOMEM;
	c->envc = 1;
	return 0;
}

void
policy_conf_service_free(struct policy_conf_service *c)
{
	size_t i;

	if (!c)
		return;
	for (i = 0; c->argv && c->argv[i]; i++)
		free(c->argv[i]);
	free(c->argv);
	for (i = 0; c->envp && i < c->envc; i++)
		free(c->envp[i]);
	free(c->envp);
	free(c->policy);
	free(c->groups);
	free(c->cwd);
	free(c->agent_socket);
	free(c->log_path);
	memset(c, 0, sizeof(*c));
}

int
policy_conf_load_service(const char *path, const char *text, size_t len,
			 struct policy_conf_service *ret,
			 struct policy_diag *diag)
{
	struct policy_conf_service c;
	int r;

	r = service_defaults(&c);
	if (r < 0) {
		policy_diag_set(diag, NULL, "%s", strerror(-r));
		goto out;
	}
	r = conf_parse(CONF_SERVICE, path, text, len, NULL, &c, diag);
	if (r < 0)
		goto out;
	*ret = c;
	memset(&c, 0, sizeof(c)); /* now the caller's */
out:
	policy_conf_service_free(&c);
	return r;
}

bool
policy_conf_name_ok(const char *name)
{
	size_t n;

	if (!name || !name[0] || name[0] == '.')
		return false;
	n = strspn(name, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.@-");
	return name[n] == '\0' && n <= 255;
}
