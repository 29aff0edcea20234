/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_conf: the loader of sandboxd's configuration files
 * (src/policy/conf.c) and what it builds: the defaults, every directive,
 * quoting and continuation lines, users, groups and capabilities.  Its
 * error messages are tested one by one in bad.test.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/capability.h>

#include "policy/conf.h"

#define DEFAULT_PATH \
	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The smallest service file that loads. */
#define MINIMAL "command /bin/true\npolicy ci\n"

static struct policy_diag diag;

static int
service(const char *text, struct policy_conf_service *ret)
{
	memset(&diag, 0, sizeof(diag));
	return policy_conf_load_service("t.conf", text, strlen(text), ret,
					&diag);
}

static int
daemon_conf(const char *text, struct policy_conf_daemon *ret)
{
	memset(&diag, 0, sizeof(diag));
	return policy_conf_load_daemon("d.conf", text, strlen(text), ret,
				       &diag);
}

/* Loads @text, which must load, as a service. */
static void
service_ok(const char *text, struct policy_conf_service *ret)
{
	int r = service(text, ret);

	ck_assert_msg(r == 0, "%s: %d, %s", text, r, diag.msg);
}

static void
service_fails(const char *text, const char *msg)
{
	struct policy_conf_service c;
	int r;

	memset(&c, 0x5a, sizeof(c));
	r = service(text, &c);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_str_eq(diag.msg, msg);
	/* nothing is written on failure */
	ck_assert_uint_eq(((unsigned char *)&c)[0], 0x5a);
	ck_assert_uint_eq(((unsigned char *)&c)[sizeof(c) - 1], 0x5a);
}

static size_t
argc_of(char **argv)
{
	size_t n = 0;

	while (argv[n])
		n++;
	return n;
}

START_TEST(test_daemon_defaults)
{
	struct policy_conf_daemon a, b;

	ck_assert_int_eq(policy_conf_daemon_defaults(&a), 0);
	ck_assert_str_eq(a.control_socket, "/run/sandboxd/control.sock");
	ck_assert_uint_eq(a.socket_mode, 0666);
	ck_assert_str_eq(a.policy_dir, "/etc/sandboxd/policies");
	ck_assert_uint_eq(a.max_targets, 1024);
	ck_assert_uint_eq(a.stop_timeout, 90);
	ck_assert_int_eq(a.log, POLICY_CONF_LOG_NONE);
	ck_assert_ptr_null(a.log_path);
	ck_assert_str_eq(a.pidfile, "/run/sandboxd/sandboxd.pid");

	/* an empty file, or only comments, is every default */
	ck_assert_int_eq(daemon_conf("# nothing\n\n   \n", &b), 0);
	ck_assert_str_eq(b.control_socket, a.control_socket);
	ck_assert_uint_eq(b.socket_mode, a.socket_mode);
	ck_assert_str_eq(b.policy_dir, a.policy_dir);
	ck_assert_uint_eq(b.max_targets, a.max_targets);
	ck_assert_uint_eq(b.stop_timeout, a.stop_timeout);
	ck_assert_int_eq(b.log, a.log);
	ck_assert_str_eq(b.pidfile, a.pidfile);
	policy_conf_daemon_free(&a);
	policy_conf_daemon_free(&b);
	/* freeing twice, or NULL, is harmless */
	policy_conf_daemon_free(&a);
	policy_conf_daemon_free(NULL);
}
END_TEST

START_TEST(test_daemon_every_directive)
{
	struct policy_conf_daemon c;

	ck_assert_int_eq(daemon_conf("control-socket /run/x/ctl.sock\n"
				     "socket-mode 0660\n"
				     "policy-dir /srv/policies\n"
				     "max-targets 65536\n"
				     "stop-timeout 0\n"
				     "log /var/log/sandboxd.json\n"
				     "pidfile none\n",
				     &c),
			 0);
	ck_assert_str_eq(c.control_socket, "/run/x/ctl.sock");
	ck_assert_uint_eq(c.socket_mode, 0660);
	ck_assert_str_eq(c.policy_dir, "/srv/policies");
	ck_assert_uint_eq(c.max_targets, 65536);
	ck_assert_uint_eq(c.stop_timeout, 0);
	ck_assert_int_eq(c.log, POLICY_CONF_LOG_FILE);
	ck_assert_str_eq(c.log_path, "/var/log/sandboxd.json");
	ck_assert_ptr_null(c.pidfile);
	policy_conf_daemon_free(&c);

	ck_assert_int_eq(daemon_conf("socket-mode 0\nmax-targets 1\n"
				     "stop-timeout 86400\nlog journal\n"
				     "pidfile /run/p.pid\n",
				     &c),
			 0);
	ck_assert_uint_eq(c.socket_mode, 0);
	ck_assert_uint_eq(c.max_targets, 1);
	ck_assert_uint_eq(c.stop_timeout, 86400);
	ck_assert_int_eq(c.log, POLICY_CONF_LOG_JOURNAL);
	ck_assert_ptr_null(c.log_path);
	ck_assert_str_eq(c.pidfile, "/run/p.pid");
	policy_conf_daemon_free(&c);

	ck_assert_int_eq(daemon_conf("log stderr\nsocket-mode 777\n", &c), 0);
	ck_assert_int_eq(c.log, POLICY_CONF_LOG_STDERR);
	ck_assert_uint_eq(c.socket_mode, 0777);
	policy_conf_daemon_free(&c);
}
END_TEST

START_TEST(test_daemon_socket_length)
{
	struct policy_conf_daemon c;
	char text[256], path[120];

	/* sun_path holds 107 bytes and the NUL */
	memset(path, 'x', sizeof(path));
	path[0] = '/';
	path[107] = '\0';
	snprintf(text, sizeof(text), "control-socket %s\n", path);
	ck_assert_int_eq(daemon_conf(text, &c), 0);
	ck_assert_uint_eq(strlen(c.control_socket), 107);
	policy_conf_daemon_free(&c);
	path[107] = 'x';
	path[108] = '\0';
	snprintf(text, sizeof(text), "control-socket %s\n", path);
	ck_assert_int_eq(daemon_conf(text, &c), -EINVAL);
	ck_assert_str_eq(diag.msg, "d.conf:1:16: 'control-socket' is longer "
				   "than 107 bytes");
}
END_TEST

START_TEST(test_daemon_from_file)
{
	char dir[] = "/tmp/check_conf.XXXXXX", path[64];
	struct policy_conf_daemon c;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sandboxd.conf", dir);
	ck_assert_int_eq(policy_conf_load_daemon(path, NULL, 0, &c, &diag),
			 -ENOENT);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("max-targets 7\nstop-timeout\n", f);
	fclose(f);
	ck_assert_int_eq(policy_conf_load_daemon(path, NULL, 0, &c, &diag),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(diag.msg, "/sandboxd.conf:2:1: "
					       "'stop-timeout' needs a number "
					       "of seconds from 0 to 86400"));
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("max-targets 7\n", f);
	fclose(f);
	ck_assert_int_eq(policy_conf_load_daemon(path, NULL, 0, &c, &diag), 0);
	ck_assert_uint_eq(c.max_targets, 7);
	policy_conf_daemon_free(&c);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(test_too_big)
{
	size_t n = (1 << 20) + 1;
	char *text = malloc(n);
	struct policy_conf_daemon c;

	ck_assert_ptr_nonnull(text);
	memset(text, '\n', n);
	ck_assert_int_eq(policy_conf_load_daemon("d.conf", text, n, &c, &diag),
			 -EFBIG);
	ck_assert_str_eq(diag.msg, "d.conf: larger than 1048576 bytes");
	/* the limit itself is fine */
	ck_assert_int_eq(
	    policy_conf_load_daemon("d.conf", text, n - 1, &c, &diag), 0);
	policy_conf_daemon_free(&c);
	free(text);
}
END_TEST

START_TEST(test_service_defaults)
{
	struct policy_conf_service c;

	service_ok(MINIMAL, &c);
	ck_assert_uint_eq(argc_of(c.argv), 1);
	ck_assert_str_eq(c.argv[0], "/bin/true");
	ck_assert_str_eq(c.policy, "ci");
	ck_assert_uint_eq(c.uid, 0);
	ck_assert_uint_eq(c.gid, 0);
	ck_assert_uint_eq(c.n_groups, 0);
	ck_assert_uint_eq(c.keep_caps, 0);
	ck_assert_uint_eq(c.envc, 1);
	ck_assert_str_eq(c.envp[0], DEFAULT_PATH);
	ck_assert_ptr_null(c.envp[1]);
	ck_assert_str_eq(c.cwd, "/");
	ck_assert_ptr_null(c.agent_socket);
	ck_assert(c.prefilter);
	ck_assert(!c.wait_all);
	ck_assert_int_eq(c.log, POLICY_CONF_LOG_JOURNAL);
	ck_assert_ptr_null(c.log_path);
	policy_conf_service_free(&c);
	policy_conf_service_free(&c);
	policy_conf_service_free(NULL);
}
END_TEST

START_TEST(test_service_every_directive)
{
	struct policy_conf_service c;

	service_ok("command /usr/bin/env -i  printenv\n"
		   "policy /etc/sandboxd/policies/web.json\n"
		   "user 1234\n"
		   "group 5678\n"
		   "supplementary-groups 10 20 0\n"
		   "capabilities cap_net_bind_service\n"
		   "environment LANG=C.UTF-8 TZ=UTC\n"
		   "environment HOME=/var/lib/web\n"
		   "working-directory /var/lib/web\n"
		   "agent-socket /run/web-agent.sock\n"
		   "prefilter no\n"
		   "wait-all yes\n"
		   "log /var/log/web.json\n",
		   &c);
	ck_assert_uint_eq(argc_of(c.argv), 3);
	ck_assert_str_eq(c.argv[0], "/usr/bin/env");
	ck_assert_str_eq(c.argv[1], "-i");
	ck_assert_str_eq(c.argv[2], "printenv");
	ck_assert_str_eq(c.policy, "/etc/sandboxd/policies/web.json");
	ck_assert_uint_eq(c.uid, 1234);
	ck_assert_uint_eq(c.gid, 5678);
	ck_assert_uint_eq(c.n_groups, 3);
	ck_assert_uint_eq(c.groups[0], 10);
	ck_assert_uint_eq(c.groups[1], 20);
	ck_assert_uint_eq(c.groups[2], 0);
	ck_assert_uint_eq(c.keep_caps, 1ULL << CAP_NET_BIND_SERVICE);
	ck_assert_uint_eq(c.envc, 4);
	ck_assert_str_eq(c.envp[0], DEFAULT_PATH);
	ck_assert_str_eq(c.envp[1], "LANG=C.UTF-8");
	ck_assert_str_eq(c.envp[2], "TZ=UTC");
	ck_assert_str_eq(c.envp[3], "HOME=/var/lib/web");
	ck_assert_ptr_null(c.envp[4]);
	ck_assert_str_eq(c.cwd, "/var/lib/web");
	ck_assert_str_eq(c.agent_socket, "/run/web-agent.sock");
	ck_assert(!c.prefilter);
	ck_assert(c.wait_all);
	ck_assert_int_eq(c.log, POLICY_CONF_LOG_FILE);
	ck_assert_str_eq(c.log_path, "/var/log/web.json");
	policy_conf_service_free(&c);

	/* the other values of the small directives; order does not matter */
	service_ok("log none\nprefilter yes\nwait-all no\npolicy a.b@c-d_e\n"
		   "command printenv\n",
		   &c);
	ck_assert_int_eq(c.log, POLICY_CONF_LOG_NONE);
	ck_assert(c.prefilter);
	ck_assert(!c.wait_all);
	ck_assert_str_eq(c.policy, "a.b@c-d_e");
	ck_assert_str_eq(c.argv[0], "printenv");
	policy_conf_service_free(&c);
	service_ok(MINIMAL "log stderr\n", &c);
	ck_assert_int_eq(c.log, POLICY_CONF_LOG_STDERR);
	policy_conf_service_free(&c);
}
END_TEST

START_TEST(test_quoting)
{
	struct policy_conf_service c;

	service_ok("policy p\n"
		   "command /bin/echo \"a b\" 'c  d' \"\" '' x\"y\"'z' "
		   "\"q\\\"\\\\\\n\\t\\$\" '\\n$x\"' a#b \"#\" # comment\n",
		   &c);
	ck_assert_uint_eq(argc_of(c.argv), 10);
	ck_assert_str_eq(c.argv[1], "a b");
	ck_assert_str_eq(c.argv[2], "c  d");
	ck_assert_str_eq(c.argv[3], "");
	ck_assert_str_eq(c.argv[4], "");
	ck_assert_str_eq(c.argv[5], "xyz");
	ck_assert_str_eq(c.argv[6], "q\"\\\n\t$");
	ck_assert_str_eq(c.argv[7], "\\n$x\"");
	ck_assert_str_eq(c.argv[8], "a#b");
	ck_assert_str_eq(c.argv[9], "#");
	policy_conf_service_free(&c);

	/* NAME="a value" is one word, as in sh */
	service_ok(MINIMAL "environment GREETING=\"hello world\" "
			   "'EMPTY='\n",
		   &c);
	ck_assert_uint_eq(c.envc, 3);
	ck_assert_str_eq(c.envp[1], "GREETING=hello world");
	ck_assert_str_eq(c.envp[2], "EMPTY=");
	policy_conf_service_free(&c);

	/* a quoted directive name is still the directive; bytes >= 0x80 pass */
	service_ok("\"command\" /bin/caf\xc3\xa9\n\tpolicy\tp \t\n", &c);
	ck_assert_str_eq(c.argv[0], "/bin/caf\xc3\xa9");
	policy_conf_service_free(&c);

	service_fails(MINIMAL "environment A=\"x\n",
		      "t.conf:3:15: unterminated quoted string");
	service_fails(MINIMAL "environment A=\"\\a\"\n",
		      "t.conf:3:16: unknown escape '\\a' in a quoted string "
		      "(use \\\", \\\\, \\n, \\t or \\$)");
}
END_TEST

START_TEST(test_continuation)
{
	struct policy_conf_service c;

	service_ok("policy p\n"
		   "command /bin/sh -c \\\n"
		   "\t'exit 3' \\\n"
		   "\n"
		   "user 0\n",
		   &c);
	ck_assert_uint_eq(argc_of(c.argv), 3);
	ck_assert_str_eq(c.argv[2], "exit 3");
	policy_conf_service_free(&c);

	/* it joins as a blank would; a comment line ends the joined line */
	service_ok("policy p\ncommand /bin/echo a\\\nb \\\n# note\n", &c);
	ck_assert_uint_eq(argc_of(c.argv), 3);
	ck_assert_str_eq(c.argv[1], "a");
	ck_assert_str_eq(c.argv[2], "b");
	policy_conf_service_free(&c);

	/* a backslash in a comment continues nothing */
	service_ok("policy p # \\\ncommand /bin/true\n", &c);
	policy_conf_service_free(&c);

	/* lines are counted across continuations */
	service_fails("policy p\ncommand /bin/true \\\n  x \\\n  y\nbogus\n",
		      "t.conf:5:1: unknown directive 'bogus'");
	service_fails("command /bin/true \\\n  policy p\n",
		      "t.conf: no 'policy' directive");
}
END_TEST

START_TEST(test_users_groups)
{
	struct policy_conf_service c;
	struct passwd *pw;
	struct group *gr;
	char text[256];

	service_ok(MINIMAL "user root\n", &c);
	ck_assert_uint_eq(c.uid, 0);
	ck_assert_uint_eq(c.gid, 0);
	policy_conf_service_free(&c);

	/* the group defaults to the user's primary group */
	pw = getpwnam("nobody");
	if (pw) {
		uid_t uid = pw->pw_uid;
		gid_t gid = pw->pw_gid;

		service_ok(MINIMAL "user nobody\n", &c);
		ck_assert_uint_eq(c.uid, uid);
		ck_assert_uint_eq(c.gid, gid);
		policy_conf_service_free(&c);
		/* by number too */
		snprintf(text, sizeof(text), MINIMAL "user %u\n",
			 (unsigned)uid);
		service_ok(text, &c);
		ck_assert_uint_eq(c.uid, uid);
		ck_assert_uint_eq(c.gid, gid);
		policy_conf_service_free(&c);
		/* and a group given wins */
		service_ok(MINIMAL "group 0\nuser nobody\n", &c);
		ck_assert_uint_eq(c.uid, uid);
		ck_assert_uint_eq(c.gid, 0);
		policy_conf_service_free(&c);
	}
	gr = getgrnam("nogroup");
	if (!gr)
		gr = getgrnam("nobody");
	if (gr) {
		gid_t gid = gr->gr_gid;

		snprintf(text, sizeof(text),
			 MINIMAL "group %s\nsupplementary-groups root %s 7\n",
			 gr->gr_name, gr->gr_name);
		service_ok(text, &c);
		ck_assert_uint_eq(c.uid, 0);
		ck_assert_uint_eq(c.gid, gid);
		ck_assert_uint_eq(c.n_groups, 3);
		ck_assert_uint_eq(c.groups[0], 0);
		ck_assert_uint_eq(c.groups[1], gid);
		ck_assert_uint_eq(c.groups[2], 7);
		policy_conf_service_free(&c);
	}

	/* numbers the database does not know are taken as they are */
	service_ok(MINIMAL "user 4294967294\ngroup 4294967294\n", &c);
	ck_assert_uint_eq(c.uid, 4294967294U);
	ck_assert_uint_eq(c.gid, 4294967294U);
	policy_conf_service_free(&c);
	service_fails(MINIMAL "user 4294967295\n",
		      "t.conf:3:6: user number 4294967295 is out of range (0 "
		      "to 4294967294)");
	service_fails(MINIMAL "user no-such-user-sbx\n",
		      "t.conf:3:6: unknown user 'no-such-user-sbx'");
	service_fails(MINIMAL "supplementary-groups 1 no-such-group-sbx\n",
		      "t.conf:3:24: unknown group 'no-such-group-sbx'");
}
END_TEST

START_TEST(test_caps)
{
	struct policy_conf_service c;

	service_ok(MINIMAL "capabilities cap_chown,cap_kill "
			   "\"cap_setuid, cap_net_raw\" ,cap_sys_admin,\n",
		   &c);
	ck_assert_uint_eq(c.keep_caps,
			  (1ULL << CAP_CHOWN) | (1ULL << CAP_KILL) |
			      (1ULL << CAP_SETUID) | (1ULL << CAP_NET_RAW) |
			      (1ULL << CAP_SYS_ADMIN));
	policy_conf_service_free(&c);
	service_ok(MINIMAL "capabilities none\n", &c);
	ck_assert_uint_eq(c.keep_caps, 0);
	policy_conf_service_free(&c);
	service_fails(MINIMAL "capabilities cap_kill,cap_ptrace\n",
		      "t.conf:3:23: unknown capability 'cap_ptrace'");
	service_fails(MINIMAL "capabilities cap_kill,none\n",
		      "t.conf:3:23: 'none' cannot be combined with capability "
		      "names");
}
END_TEST

START_TEST(test_environment)
{
	struct policy_conf_service c;

	/* a later value wins, in the first one's place; PATH may change */
	service_ok(MINIMAL "environment A=1 B=2\n"
			   "environment PATH=/opt/bin A=3 C=a=b\n",
		   &c);
	ck_assert_uint_eq(c.envc, 4);
	ck_assert_str_eq(c.envp[0], "PATH=/opt/bin");
	ck_assert_str_eq(c.envp[1], "A=3");
	ck_assert_str_eq(c.envp[2], "B=2");
	ck_assert_str_eq(c.envp[3], "C=a=b");
	ck_assert_ptr_null(c.envp[4]);
	policy_conf_service_free(&c);

	/* a name is not the prefix of a longer one */
	service_ok(MINIMAL "environment AB=1 A=2 _x9=3\n", &c);
	ck_assert_uint_eq(c.envc, 4);
	ck_assert_str_eq(c.envp[1], "AB=1");
	ck_assert_str_eq(c.envp[2], "A=2");
	ck_assert_str_eq(c.envp[3], "_x9=3");
	policy_conf_service_free(&c);

	/* many of them */
	{
		char *text = malloc(64 * 1024), *p;
		int i;

		ck_assert_ptr_nonnull(text);
		p = text + sprintf(text, MINIMAL);
		for (i = 0; i < 2000; i++)
			p += sprintf(p, "environment V%d=%d\n", i, i);
		service_ok(text, &c);
		ck_assert_uint_eq(c.envc, 2001);
		ck_assert_str_eq(c.envp[2000], "V1999=1999");
		ck_assert_ptr_null(c.envp[2001]);
		policy_conf_service_free(&c);
		free(text);
	}
}
END_TEST

START_TEST(test_service_missing)
{
	struct policy_conf_service c;

	ck_assert_int_eq(
	    policy_conf_load_service("/nonexistent/x.conf", NULL, 0, &c, &diag),
	    -ENOENT);
	ck_assert_str_eq(diag.msg,
			 "/nonexistent/x.conf: No such file or directory");
	service_fails("", "t.conf: no 'command' directive");
	service_fails("command /bin/true\n", "t.conf: no 'policy' directive");
	service_fails("policy p\n", "t.conf: no 'command' directive");
}
END_TEST

START_TEST(test_name_ok)
{
	char long_name[300];

	ck_assert(policy_conf_name_ok("ci"));
	ck_assert(policy_conf_name_ok("web-server_2.v1@host"));
	ck_assert(policy_conf_name_ok("a.."));
	ck_assert(!policy_conf_name_ok(""));
	ck_assert(!policy_conf_name_ok(NULL));
	ck_assert(!policy_conf_name_ok("."));
	ck_assert(!policy_conf_name_ok(".."));
	ck_assert(!policy_conf_name_ok(".hidden"));
	ck_assert(!policy_conf_name_ok("a/b"));
	ck_assert(!policy_conf_name_ok("/etc"));
	ck_assert(!policy_conf_name_ok("a b"));
	ck_assert(!policy_conf_name_ok("caf\xc3\xa9"));
	ck_assert(!policy_conf_name_ok("a\nb"));
	memset(long_name, 'a', sizeof(long_name));
	long_name[255] = '\0';
	ck_assert(policy_conf_name_ok(long_name));
	long_name[255] = 'a';
	long_name[256] = '\0';
	ck_assert(!policy_conf_name_ok(long_name));
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc;

	tc = tcase_create("daemon");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_daemon_defaults);
	tcase_add_test(tc, test_daemon_every_directive);
	tcase_add_test(tc, test_daemon_socket_length);
	tcase_add_test(tc, test_daemon_from_file);
	tcase_add_test(tc, test_too_big);
	suite_add_tcase(s, tc);

	tc = tcase_create("service");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_service_defaults);
	tcase_add_test(tc, test_service_every_directive);
	tcase_add_test(tc, test_quoting);
	tcase_add_test(tc, test_continuation);
	tcase_add_test(tc, test_users_groups);
	tcase_add_test(tc, test_caps);
	tcase_add_test(tc, test_environment);
	tcase_add_test(tc, test_service_missing);
	tcase_add_test(tc, test_name_ok);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
