/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_log: unit tests for sandboxd's logging (src/log.c): event-log
 * lines (the schema of sandbox-run(1), "EVENT LOG", as
 * src/tracer/supervise.c writes them) turned into journal fields, and
 * what goes to standard error.  The journal itself is not needed: what
 * would be sent to it is checked through log_event_fields().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "log.h"

/* A line as the supervisor writes it for a denied openat. */
static const char denied[] =
    "{\"ts\":\"2026-11-28T07:23:41.433766Z\",\"event\":\"syscall\","
    "\"pid\":42,\"tid\":42,\"comm\":\"make\",\"abi\":\"x86_64\",\"nr\":257,"
    "\"syscall\":\"openat\",\"args\":[\"0x0\",\"0x0\",\"0x0\",\"0x0\","
    "\"0x0\",\"0x0\"],\"ip\":\"0x7f5c2a1e9829\",\"action\":\"errno\","
    "\"ret\":\"0x00050001\",\"data\":1,\"filter\":2}";

/* The value of field @key in @fields, or NULL; fails on a duplicate. */
static const char *
field(char **fields, const char *key)
{
	size_t klen = strlen(key);
	const char *found = NULL;
	char **p;

	for (p = fields; *p; p++) {
		if (strncmp(*p, key, klen) == 0 && (*p)[klen] == '=') {
			ck_assert_msg(!found, "field %s twice", key);
			found = *p + klen + 1;
		}
	}
	return found;
}

/* Convert @line, expecting success, and check MESSAGE= and PRIORITY=. */
static char **
convert(const char *line, const char *message, const char *priority)
{
	char **fields = NULL;
	int n = log_event_fields(line, &fields);
	int count = 0;

	ck_assert_int_gt(n, 0);
	ck_assert_ptr_nonnull(fields);
	while (fields[count])
		count++;
	ck_assert_int_eq(count, n);
	ck_assert_str_eq(field(fields, "MESSAGE"), message);
	ck_assert_str_eq(field(fields, "PRIORITY"), priority);
	return fields;
}

START_TEST(test_denied_fields)
{
	char **f = convert(denied, "openat denied: errno EPERM (pid 42)", "5");

	ck_assert_str_eq(field(f, "SANDBOXD_EVENT"), "syscall");
	ck_assert_str_eq(field(f, "SANDBOXD_SYSCALL"), "openat");
	ck_assert_str_eq(field(f, "SANDBOXD_NR"), "257");
	ck_assert_str_eq(field(f, "SANDBOXD_ACTION"), "errno");
	ck_assert_str_eq(field(f, "SANDBOXD_PID"), "42");
	ck_assert_str_eq(field(f, "SANDBOXD_TID"), "42");
	ck_assert_str_eq(field(f, "SANDBOXD_COMM"), "make");
	ck_assert_str_eq(field(f, "SANDBOXD_ARCH"), "x86_64");
	ck_assert_str_eq(field(f, "SANDBOXD_JSON"), denied);
	ck_assert_ptr_null(field(f, "SANDBOXD_EXIT_STATUS"));
	ck_assert_ptr_null(field(f, "SANDBOXD_SIGNAL"));
	log_fields_free(f);
}
END_TEST

/* The trailing newline of a line read from the log is not part of it. */
START_TEST(test_newline_dropped)
{
	char *line = NULL;
	char **f;

	ck_assert_int_gt(asprintf(&line, "%s\n", denied), 0);
	f = convert(line, "openat denied: errno EPERM (pid 42)", "5");
	ck_assert_str_eq(field(f, "SANDBOXD_JSON"), denied);
	log_fields_free(f);
	free(line);
}
END_TEST

static const struct {
	const char *line, *message, *priority;
} summaries[] = {
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":7,\"syscall\":\"mount\","
	  "\"action\":\"errno\",\"data\":38}",
	  "mount denied: errno ENOSYS (pid 7)", "5" },
	/* supervisor refusals carry the chain's ALLOW, not an errno */
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":7,\"syscall\":\"ptrace\","
	  "\"action\":\"errno\",\"data\":0,\"reason\":\"supervisor\"}",
	  "ptrace refused by the supervisor (pid 7)", "5" },
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":9,\"syscall\":\"kill\","
	  "\"action\":\"trap\",\"data\":0}",
	  "kill trapped: SIGSYS (pid 7, tid 9)", "5" },
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":7,\"syscall\":\"bpf\","
	  "\"action\":\"kill_thread\"}",
	  "bpf killed the thread (pid 7, tid 7)", "4" },
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":7,\"syscall\":\"bpf\","
	  "\"action\":\"kill_process\"}",
	  "bpf killed the process (pid 7)", "4" },
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":7,\"syscall\":\"read\","
	  "\"action\":\"log\"}",
	  "read logged (pid 7)", "6" },
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":7,\"syscall\":\"read\","
	  "\"action\":\"allow\"}",
	  "read allowed (pid 7)", "6" },
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":7,\"syscall\":\"mkdir\","
	  "\"action\":\"user_notif\"}",
	  "mkdir sent to an agent (pid 7)", "6" },
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":7,\"syscall\":\"read\","
	  "\"action\":\"trace\"}",
	  "read: action trace (pid 7)", "5" },
	/* a number with no name */
	{ "{\"event\":\"syscall\",\"pid\":7,\"tid\":7,\"nr\":4000,"
	  "\"syscall\":null,\"action\":\"errno\",\"data\":1}",
	  "syscall 4000 denied: errno EPERM (pid 7)", "5" },
	{ "{\"event\":\"exit\",\"exit_status\":3,\"stops\":10}",
	  "target exited with status 3", "6" },
	{ "{\"event\":\"exit\",\"signal\":9}",
	  "target killed by signal SIGKILL", "5" },
	{ "{\"event\":\"warning\",\"message\":\"p.json:1:2: warning: x\"}",
	  "p.json:1:2: warning: x", "4" },
	{ "{\"event\":\"future\"}", "event future", "6" },
	/* white space around the object is fine */
	{ " {\"event\":\"future\"} \r", "event future", "6" },
};

START_TEST(test_summaries)
{
	char **f = convert(summaries[_i].line, summaries[_i].message,
			   summaries[_i].priority);

	log_fields_free(f);
}
END_TEST

START_TEST(test_null_members_left_out)
{
	char **f = convert("{\"event\":\"syscall\",\"pid\":7,\"tid\":7,"
			   "\"nr\":4000,\"syscall\":null,\"action\":\"allow\"}",
			   "syscall 4000 allowed (pid 7)", "6");

	ck_assert_ptr_null(field(f, "SANDBOXD_SYSCALL"));
	ck_assert_str_eq(field(f, "SANDBOXD_NR"), "4000");
	ck_assert_ptr_null(field(f, "SANDBOXD_ARCH"));
	log_fields_free(f);
}
END_TEST

START_TEST(test_exit_fields)
{
	char **f = convert("{\"event\":\"exit\",\"signal\":15}",
			   "target killed by signal SIGTERM", "5");

	ck_assert_str_eq(field(f, "SANDBOXD_EVENT"), "exit");
	ck_assert_str_eq(field(f, "SANDBOXD_SIGNAL"), "15");
	ck_assert_ptr_null(field(f, "SANDBOXD_EXIT_STATUS"));
	log_fields_free(f);
}
END_TEST

static const char *const not_objects[] = {
	"",
	"\n",
	"[1,2]",
	"\"syscall\"",
	"42",
	"{\"event\":\"syscall\"",	  /* cut short */
	"{\"event\":\"exit\"} {\"a\":1}", /* two objects */
	"{\"event\":\"exit\"} x",	  /* garbage after */
	"not json at all",
};

START_TEST(test_not_an_object)
{
	char **fields = (char **)0x1;

	ck_assert_int_eq(log_event_fields(not_objects[_i], &fields), -EINVAL);
	ck_assert_ptr_eq(fields, (char **)0x1);
}
END_TEST

/* ---- standard error ---- */

static int saved_stderr = -1;
static FILE *captured;

static void
capture_start(void)
{
	captured = tmpfile();
	ck_assert_ptr_nonnull(captured);
	saved_stderr = dup(STDERR_FILENO);
	ck_assert_int_ge(saved_stderr, 0);
	ck_assert_int_eq(dup2(fileno(captured), STDERR_FILENO), STDERR_FILENO);
}

/* Restore stderr; returns what was written to it (caller frees). */
static char *
capture_end(void)
{
	static char buf[4096];
	size_t n;

	ck_assert_int_eq(dup2(saved_stderr, STDERR_FILENO), STDERR_FILENO);
	close(saved_stderr);
	rewind(captured);
	n = fread(buf, 1, sizeof(buf) - 1, captured);
	buf[n] = '\0';
	fclose(captured);
	return strdup(buf);
}

START_TEST(test_stderr_messages)
{
	char *out;

	log_init("sandboxd", LOG_TO_STDERR);
	capture_start();
	log_warnx("policy %s left out", "ci");
	errno = ENOENT;
	log_warn("cannot open %s", "/etc/sandboxd/web.conf");
	ck_assert_int_eq(errno, ENOENT);
	log_info("ready");
	out = capture_end();
	ck_assert_str_eq(out, "sandboxd: policy ci left out\n"
			      "sandboxd: cannot open /etc/sandboxd/web.conf: "
			      "No such file or directory\n"
			      "sandboxd: ready\n");
	free(out);
}
END_TEST

START_TEST(test_stderr_event_as_is)
{
	const char *const extra[] = { "SANDBOXD_SERVICE=web", NULL };
	char *line = NULL, *out;

	log_init("sandboxd", LOG_TO_STDERR);
	ck_assert_int_gt(asprintf(&line, "%s\n", denied), 0);
	capture_start();
	ck_assert_int_eq(log_event(denied, extra), 0);
	ck_assert_int_eq(log_event(line, NULL), 0);
	/* not JSON: still written, as it is */
	ck_assert_int_eq(log_event("a piece\n", NULL), 0);
	out = capture_end();
	free(line);
	ck_assert_int_gt(asprintf(&line, "%s\n%s\na piece\n", denied, denied),
			 0);
	ck_assert_str_eq(out, line);
	free(out);
	free(line);
}
END_TEST

static const char *const bad_extra[] = {
	"SANDBOXD_SERVICE", /* no value */
	"=web",
	"_PID=1", /* trusted fields are journald's */
	"sandboxd_service=web",
	"SANDBOXD SERVICE=web",
};

START_TEST(test_bad_extra_fields)
{
	const char *const extra[] = { "SANDBOXD_POLICY=ci", bad_extra[_i],
				      NULL };
	char *out;

	log_init("sandboxd", LOG_TO_STDERR);
	capture_start();
	ck_assert_int_eq(log_event(denied, extra), -EINVAL);
	out = capture_end();
	/* refused before anything is written */
	ck_assert_str_eq(out, "");
	free(out);
}
END_TEST

/* An event log that cannot be written is an error the caller sees. */
START_TEST(test_stderr_failure)
{
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	int saved;

	if (fd < 0)
		return; /* no /dev/full: nothing to check it with */
	log_init("sandboxd", LOG_TO_STDERR);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
	ck_assert_int_eq(log_event(denied, NULL), -ENOSPC);
	ck_assert_int_eq(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(saved);
	close(fd);
}
END_TEST

/*
 * Without journald, sd_journal_send() drops messages and reports success;
 * log_init() must choose standard error instead.
 */
START_TEST(test_no_journal_falls_back)
{
	char *out;

	if (access("/run/systemd/journal/socket", F_OK) == 0)
		return; /* a journal is there: nothing to fall back from */
	log_init("sandboxd", LOG_TO_JOURNAL);
	capture_start();
	log_warnx("no journal");
	ck_assert_int_eq(log_event("{\"event\":\"exit\"}", NULL), 0);
	out = capture_end();
	ck_assert_str_eq(out, "sandboxd: no journal\n{\"event\":\"exit\"}\n");
	free(out);
	log_init("sandboxd", LOG_TO_STDERR);
}
END_TEST

static Suite *
log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("fields");

	tcase_add_test(tc, test_denied_fields);
	tcase_add_test(tc, test_newline_dropped);
	tcase_add_loop_test(tc, test_summaries, 0,
			    sizeof(summaries) / sizeof(*summaries));
	tcase_add_test(tc, test_null_members_left_out);
	tcase_add_test(tc, test_exit_fields);
	tcase_add_loop_test(tc, test_not_an_object, 0,
			    sizeof(not_objects) / sizeof(*not_objects));
	suite_add_tcase(s, tc);

	tc = tcase_create("stderr");
	tcase_add_test(tc, test_stderr_messages);
	tcase_add_test(tc, test_stderr_event_as_is);
	tcase_add_loop_test(tc, test_bad_extra_fields, 0,
			    sizeof(bad_extra) / sizeof(*bad_extra));
	tcase_add_test(tc, test_stderr_failure);
	tcase_add_test(tc, test_no_journal_falls_back);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(log_suite());
	int failed;

#if defined(__SANITIZE_ADDRESS__)
	/* one process, one LeakSanitizer scan (see check_bpf.c) */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_NOFORK);
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
