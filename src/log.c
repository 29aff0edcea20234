/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * log: sandboxd's messages and supervisor events, to standard error or to
 * the journal.  See log.h.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include <json-c/json.h>
/* CODE_FILE= and friends would name this file, not the caller: leave them
 * out. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "log.h"

static const char *log_ident = "sandboxd";
static enum log_target log_to = LOG_TO_STDERR;

/* Where sd_journal_send(3) writes; libsystemd names it the same. */
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

void
log_init(const char *ident, enum log_target target)
{
	log_ident = ident;
	log_to = target;
	/*
	 * Without journald, sd_journal_send() reports success and drops the
	 * message; stderr at least keeps it.  The socket outlives restarts
	 * of journald (systemd holds it), so checking once is enough.
	 */
	if (target == LOG_TO_JOURNAL && access(JOURNAL_SOCKET, W_OK) < 0)
		log_to = LOG_TO_STDERR;
}

/* Write all of @buf to standard error.  Returns 0 or -errno. */
static int
stderr_write(const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(STDERR_FILENO, buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		done += (size_t)w;
	}
	return 0;
}

/*
 * One message at @prio; @err is an errno to append, or 0.  Formatted whole
 * first so that one write(2) carries it: lines from the daemon and its
 * sessions then do not interleave on a shared stderr.
 */
static void
vlog(int prio, int err, const char *fmt, va_list ap)
{
	char *msg = NULL, *line = NULL;
	int n;

	if (vasprintf(&msg, fmt, ap) < 0) {
		msg = NULL;
		goto fallback;
	}
	if (log_to == LOG_TO_JOURNAL) {
		int r;

		if (err)
			r = sd_journal_send(
			    "MESSAGE=%s: %s", msg, strerror(err), "PRIORITY=%d",
			    prio, "ERRNO=%d", err, "SYSLOG_IDENTIFIER=%s",
			    log_ident, NULL);
		else
			r = sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d",
					    prio, "SYSLOG_IDENTIFIER=%s",
					    log_ident, NULL);
		if (r >= 0)
			goto out;
		/* a message the journal refused still gets out */
	}
	if (err)
		n = asprintf(&line, "%s: %s: %s\n", log_ident, msg,
			     strerror(err));
	else
		n = asprintf(&line, "%s: %s\n", log_ident, msg);
	if (n < 0)
		goto fallback;
	stderr_write(line, (size_t)n);
	goto out;

fallback:
	/* out of memory: say so rather than nothing */
	stderr_write(log_ident, strlen(log_ident));
	stderr_write(": out of memory for a log message\n", 34);
out:
	free(line);
	free(msg);
}

void
log_warn(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_info(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, 0, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

/* ---- event lines to journal fields ---- */

struct fields {
	char **v;
	size_t n, cap;
};

static int __attribute__((format(printf, 2, 3)))
fields_add(struct fields *f, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	/* one spare slot for the NULL at the end */
	if (f->n + 2 > f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		char **v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	f->v[f->n++] = s;
	f->v[f->n] = NULL;
	return 0;
}

void
log_fields_free(char **fields)
{
	char **p;

	if (!fields)
		return;
	for (p = fields; *p; p++)
		free(*p);
	free(fields);
}

/*
 * The text of member @key of @o: a string as it is, anything else as JSON;
 * NULL when it is absent or null.  Borrowed from @o.
 */
static const char *
member(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
}

/* Member @key as an integer into *@ret; false if it is not one. */
static bool
member_int(json_object *o, const char *key, int64_t *ret)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return false;
	*ret = json_object_get_int64(v);
	return true;
}

/* The summary of a "syscall" event, and its priority. */
static int
syscall_summary(json_object *o, char **msg, int *prio)
{
	const char *action = member(o, "action");
	const char *reason = member(o, "reason");
	const char *name = member(o, "syscall");
	const char *errname = NULL;
	char who[64], call[64], errbuf[16];
	int64_t pid = 0, tid = 0, nr, data;
	bool has_pid = member_int(o, "pid", &pid);
	bool has_tid = member_int(o, "tid", &tid);
	int n;

	if (!name) {
		if (member_int(o, "nr", &nr))
			snprintf(call, sizeof(call), "syscall %lld",
				 (long long)nr);
		else
			snprintf(call, sizeof(call), "a syscall");
		name = call;
	}
	if (!action)
		action = "?";
	/* the thread is named where it alone is concerned, or differs */
	if (has_pid && has_tid &&
	    (tid != pid || strcmp(action, "kill_thread") == 0))
		snprintf(who, sizeof(who), " (pid %lld, tid %lld)",
			 (long long)pid, (long long)tid);
	else if (has_pid)
		snprintf(who, sizeof(who), " (pid %lld)", (long long)pid);
	else
		who[0] = '\0';

	*prio = LOG_NOTICE;
	if (strcmp(action, "errno") == 0 && reason &&
	    strcmp(reason, "supervisor") == 0) {
		n = asprintf(msg, "%s refused by the supervisor%s", name, who);
	} else if (strcmp(action, "errno") == 0) {
		if (member_int(o, "data", &data) && data > 0 && data < 4096)
			errname = strerrorname_np((int)data);
		if (!errname) {
			snprintf(errbuf, sizeof(errbuf), "%lld",
				 member_int(o, "data", &data) ? (long long)data
							      : -1LL);
			errname = errbuf;
		}
		n = asprintf(msg, "%s denied: errno %s%s", name, errname, who);
	} else if (strcmp(action, "trap") == 0) {
		n = asprintf(msg, "%s trapped: SIGSYS%s", name, who);
	} else if (strcmp(action, "kill_thread") == 0) {
		*prio = LOG_WARNING;
		n = asprintf(msg, "%s killed the thread%s", name, who);
	} else if (strcmp(action, "kill_process") == 0) {
		*prio = LOG_WARNING;
		n = asprintf(msg, "%s killed the process%s", name, who);
	} else if (strcmp(action, "allow") == 0) {
		*prio = LOG_INFO;
		n = asprintf(msg, "%s allowed%s", name, who);
	} else if (strcmp(action, "log") == 0) {
		*prio = LOG_INFO;
		n = asprintf(msg, "%s logged%s", name, who);
	} else if (strcmp(action, "user_notif") == 0) {
		*prio = LOG_INFO;
		n = asprintf(msg, "%s sent to an agent%s", name, who);
	} else {
		n = asprintf(msg, "%s: action %s%s", name, action, who);
	}
	return n < 0 ? -ENOMEM : 0;
}

/* The summary of an "exit" event, and its priority. */
static int
exit_summary(json_object *o, char **msg, int *prio)
{
	const char *abbrev;
	int64_t v;
	int n;

	*prio = LOG_INFO;
	if (member_int(o, "exit_status", &v)) {
		n = asprintf(msg, "target exited with status %lld",
			     (long long)v);
	} else if (member_int(o, "signal", &v)) {
		*prio = LOG_NOTICE;
		abbrev = v > 0 && v < 128 ? sigabbrev_np((int)v) : NULL;
		if (abbrev)
			n = asprintf(msg, "target killed by signal SIG%s",
				     abbrev);
		else
			n = asprintf(msg, "target killed by signal %lld",
				     (long long)v);
	} else {
		n = asprintf(msg, "target ended");
	}
	return n < 0 ? -ENOMEM : 0;
}

/* Parse @text (@len bytes) as exactly one JSON object, or NULL. */
static json_object *
parse_object(const char *text, size_t len)
{
	json_tokener *tok;
	json_object *o;
	size_t end, i;

	if (len > INT32_MAX)
		return NULL;
	tok = json_tokener_new();
	if (!tok)
		return NULL;
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	for (i = end; o && i < len; i++) {
		if (!strchr(" \t\r\n", text[i])) {
			json_object_put(o);
			o = NULL;
		}
	}
	json_tokener_free(tok);
	return o;
}

/* The journal fields that name an event's parts, and where they come from. */
static const struct {
	const char *field, *key;
} event_fields[] = {
	{ "SANDBOXD_EVENT", "event" },
	{ "SANDBOXD_SYSCALL", "syscall" },
	{ "SANDBOXD_NR", "nr" },
	{ "SANDBOXD_ACTION", "action" },
	{ "SANDBOXD_PID", "pid" },
	{ "SANDBOXD_TID", "tid" },
	{ "SANDBOXD_COMM", "comm" },
	{ "SANDBOXD_ARCH", "abi" },
	{ "SANDBOXD_EXIT_STATUS", "exit_status" },
	{ "SANDBOXD_SIGNAL", "signal" },
};

/* The length of @line without its trailing newline. */
static size_t
line_len(const char *line)
{
	size_t len = strlen(line);

	if (len && line[len - 1] == '\n')
		len--;
	return len;
}

int
log_event_fields(const char *json_line, char ***ret)
{
	struct fields f = { 0 };
	json_object *o;
	const char *event, *text;
	char *msg = NULL;
	size_t len = line_len(json_line), i;
	int prio, r;

	o = parse_object(json_line, len);
	if (!o)
		return -EINVAL;
	event = member(o, "event");
	if (event && strcmp(event, "syscall") == 0) {
		r = syscall_summary(o, &msg, &prio);
	} else if (event && strcmp(event, "exit") == 0) {
		r = exit_summary(o, &msg, &prio);
	} else if (event && strcmp(event, "warning") == 0) {
		prio = LOG_WARNING;
		text = member(o, "message");
		msg = strdup(text ? text : "warning");
		r = msg ? 0 : -ENOMEM;
	} else {
		prio = LOG_INFO;
		r = asprintf(&msg, "event %s", event ? event : "(none)") < 0
			? -ENOMEM
			: 0;
		if (r < 0)
			msg = NULL;
	}
	if (r < 0)
		goto fail;
	r = fields_add(&f, "MESSAGE=%s", msg);
	if (r >= 0)
		r = fields_add(&f, "PRIORITY=%d", prio);
	for (i = 0; r >= 0 && i < sizeof(event_fields) / sizeof(*event_fields);
	     i++) {
		text = member(o, event_fields[i].key);
		if (text)
			r = fields_add(&f, "%s=%s", event_fields[i].field,
				       text);
	}
	if (r >= 0)
		r = fields_add(&f, "SANDBOXD_JSON=%.*s", (int)len, json_line);
	if (r < 0)
		goto fail;
	free(msg);
	json_object_put(o);
	*ret = f.v;
	return (int)f.n;

fail:
	free(msg);
	json_object_put(o);
	log_fields_free(f.v);
	return r;
}

/* Is @s "KEY=VALUE" with a name the journal keeps? */
static bool
valid_field(const char *s)
{
	const char *eq = strchr(s, '=');
	const char *p;

	if (!eq || eq == s || *s == '_' || eq - s > 64)
		return false;
	for (p = s; p < eq; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return false;
	return true;
}

int
log_event(const char *json_line, const char *const *extra_fields)
{
	struct fields f = { 0 };
	struct iovec *iov = NULL;
	char **fields = NULL;
	size_t n_extra = 0, len, i, k;
	int n, r;

	for (; extra_fields && extra_fields[n_extra]; n_extra++)
		if (!valid_field(extra_fields[n_extra]))
			return -EINVAL;
	len = line_len(json_line);
	if (log_to == LOG_TO_STDERR) {
		r = stderr_write(json_line, len);
		return r < 0 ? r : stderr_write("\n", 1);
	}

	n = log_event_fields(json_line, &fields);
	if (n == -EINVAL) {
		/* not ours to judge: it still reaches the journal */
		r = fields_add(&f, "MESSAGE=%.*s", (int)len, json_line);
		if (r >= 0)
			r = fields_add(&f, "PRIORITY=%d", LOG_WARNING);
		if (r >= 0)
			r = fields_add(&f, "SANDBOXD_JSON_INVALID=1");
		if (r < 0)
			goto out;
		fields = f.v;
		n = (int)f.n;
		f = (struct fields){ 0 };
	} else if (n < 0) {
		return n;
	}
	r = fields_add(&f, "SYSLOG_IDENTIFIER=%s", log_ident);
	if (r < 0)
		goto out;
	iov = calloc((size_t)n + 1 + n_extra, sizeof(*iov));
	if (!iov) {
		r = -ENOMEM;
		goto out;
	}
	for (k = 0, i = 0; i < (size_t)n; i++, k++)
		iov[k] = (struct iovec){ fields[i], strlen(fields[i]) };
	iov[k] = (struct iovec){ f.v[0], strlen(f.v[0]) };
	k++;
	for (i = 0; i < n_extra; i++, k++)
		iov[k] = (struct iovec){ (void *)extra_fields[i],
					 strlen(extra_fields[i]) };
	r = sd_journal_sendv(iov, (int)k);
	if (r > 0)
		r = 0;
out:
	free(iov);
	log_fields_free(f.v);
	log_fields_free(fields);
	return r;
}
