/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * Fuzz harness: the input is loaded from memory twice, as a service's
 * fuzz.conf and as the daemon's sandboxd.conf.
 *
 * What fails must say where: "FILE:LINE:COL: message" with LINE and COL
 * from 1 and inside the text (COL at most one past the end of its line),
 * or "FILE: message" for what no line holds; and it must leave the result
 * untouched.  What loads must hold only what sandboxd.conf(5) allows: a
 * command whose program is absolute or a bare name, a policy name or an
 * absolute path, valid and unique environment names with PATH among them,
 * absolute paths, numbers in their ranges, and a log path exactly when the
 * log is a file.
 */
#include "fuzz.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/conf.h"

#define FILE_NAME "fuzz.conf"

/* Checks "FILE:LINE:COL: message" or "FILE: message" against the text. */
static void
check_place(const char *msg, const uint8_t *data, size_t size)
{
	size_t n = strlen(FILE_NAME), i;
	unsigned long line, col, l = 1, c = 1;
	const char *p;
	char *end;

	if (!memchr(msg, '\0', sizeof(((struct policy_diag *)0)->msg)))
		fuzz_fail("the message is not terminated");
	if (strncmp(msg, FILE_NAME ":", n + 1) != 0)
		fuzz_fail("the message does not name the file: %s", msg);
	p = msg + n + 1;
	if (*p == ' ') {
		if (!p[1])
			fuzz_fail("no message: %s", msg);
		return;
	}
	line = strtoul(p, &end, 10);
	if (end == p || *end != ':')
		fuzz_fail("no line: %s", msg);
	col = strtoul(end + 1, &end, 10);
	if (*end != ':' || end[1] != ' ' || !end[2])
		fuzz_fail("no column or message: %s", msg);
	if (line < 1 || col < 1)
		fuzz_fail("a line or column below 1: %s", msg);
	for (i = 0; i < size && l < line; i++)
		if (data[i] == '\n')
			l++;
	if (l != line)
		fuzz_fail("line %lu is past the end of the file: %s", line,
			  msg);
	for (; i < size && data[i] != '\n' && c < col; i++)
		c++;
	if (c != col)
		fuzz_fail("column %lu is past the end of line %lu: %s", col,
			  line, msg);
}

static bool
absolute(const char *s)
{
	return s && s[0] == '/';
}

static void
check_log(enum policy_conf_log log, const char *path)
{
	if (log > POLICY_CONF_LOG_FILE)
		fuzz_fail("log %d", (int)log);
	if ((log == POLICY_CONF_LOG_FILE) != (path != NULL))
		fuzz_fail("log %d with path %s", (int)log,
			  path ? path : "(none)");
	if (path && !absolute(path))
		fuzz_fail("log path %s", path);
}

static bool
env_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static void
check_service(const struct policy_conf_service *c)
{
	const char *eq;
	size_t i, j, n;
	bool path = false;

	if (!c->argv || !c->argv[0] || !c->argv[0][0])
		fuzz_fail("no program");
	if (strchr(c->argv[0], '/') && !absolute(c->argv[0]))
		fuzz_fail("a relative program path: %s", c->argv[0]);
	if (!c->policy ||
	    (!absolute(c->policy) && !policy_conf_name_ok(c->policy)))
		fuzz_fail("policy %s", c->policy ? c->policy : "(none)");
	if (c->uid == (uid_t)-1 || c->gid == (gid_t)-1)
		fuzz_fail("uid %u gid %u", (unsigned)c->uid, (unsigned)c->gid);
	if (c->n_groups && !c->groups)
		fuzz_fail("%zu groups and no array", c->n_groups);
	for (i = 0; i < c->n_groups; i++)
		if (c->groups[i] == (gid_t)-1)
			fuzz_fail("group -1");
	if (!c->envp || c->envp[c->envc])
		fuzz_fail("the environment is not NULL-terminated");
	for (i = 0; i < c->envc; i++) {
		eq = strchr(c->envp[i], '=');
		if (!eq || !env_name_ok(c->envp[i], (size_t)(eq - c->envp[i])))
			fuzz_fail("environment entry %s", c->envp[i]);
		n = (size_t)(eq - c->envp[i]) + 1;
		path |= strncmp(c->envp[i], "PATH=", 5) == 0;
		for (j = 0; j < i; j++)
			if (strncmp(c->envp[j], c->envp[i], n) == 0)
				fuzz_fail("%.*s is set twice", (int)n - 1,
					  c->envp[i]);
	}
	if (!path)
		fuzz_fail("no PATH in the environment");
	if (!absolute(c->cwd))
		fuzz_fail("working directory %s", c->cwd ? c->cwd : "(none)");
	if (c->agent_socket &&
	    (!absolute(c->agent_socket) || strlen(c->agent_socket) > 107))
		fuzz_fail("agent socket %s", c->agent_socket);
	check_log(c->log, c->log_path);
}

static void
check_daemon(const struct policy_conf_daemon *c)
{
	if (!absolute(c->control_socket) || strlen(c->control_socket) > 107)
		fuzz_fail("control socket %s",
			  c->control_socket ? c->control_socket : "(none)");
	if (c->socket_mode > 0777)
		fuzz_fail("socket mode %o", c->socket_mode);
	if (!absolute(c->policy_dir))
		fuzz_fail("policy dir %s",
			  c->policy_dir ? c->policy_dir : "(none)");
	if (c->max_targets < 1 || c->max_targets > 65536)
		fuzz_fail("max targets %u", c->max_targets);
	if (c->stop_timeout > 86400)
		fuzz_fail("stop timeout %u", c->stop_timeout);
	if (c->pidfile && !absolute(c->pidfile))
		fuzz_fail("pidfile %s", c->pidfile);
	check_log(c->log, c->log_path);
}

/* A result the loader must not write to when it fails. */
static bool
untouched(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i] != 0xa5)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_conf_service sc;
	struct policy_conf_daemon dc;
	struct policy_diag d;
	int r;

	memset(&sc, 0xa5, sizeof(sc));
	memset(&d, 0, sizeof(d));
	r = policy_conf_load_service(FILE_NAME, (const char *)data, size, &sc,
				     &d);
	if (r == 0) {
		check_service(&sc);
		policy_conf_service_free(&sc);
	} else if (r == -EINVAL) {
		check_place(d.msg, data, size);
		if (!untouched(&sc, sizeof(sc)))
			fuzz_fail("a failed load wrote its result");
	} else if (r != -ENOMEM && r != -EFBIG) {
		fuzz_fail("policy_conf_load_service() returned %d: %s", r,
			  d.msg);
	}

	memset(&dc, 0xa5, sizeof(dc));
	memset(&d, 0, sizeof(d));
	r = policy_conf_load_daemon(FILE_NAME, (const char *)data, size, &dc,
				    &d);
	if (r == 0) {
		check_daemon(&dc);
		policy_conf_daemon_free(&dc);
	} else if (r == -EINVAL) {
		check_place(d.msg, data, size);
		if (!untouched(&dc, sizeof(dc)))
			fuzz_fail("a failed load wrote its result");
	} else if (r != -ENOMEM && r != -EFBIG) {
		fuzz_fail("policy_conf_load_daemon() returned %d: %s", r,
			  d.msg);
	}
	return 0;
}
