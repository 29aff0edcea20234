/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_lang: policy_load_lang() and the intermediate form it builds from
 * every construct of the .policy language; the set semantics (named rules
 * over group rules, merged duplicates, dropped default-action rules, and
 * conflicts, checked against brute force); the limits; and that a failed
 * load leaves the policy as it was.  The messages of bad files are
 * checked by errors.test, the groups against systemd by groups.test.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/seccomp.h>

#include <check.h>
#include <seccomp.h>

#include "arch/arch.h"
#include "policy/lang.h"
#include "policy/policy.h"

static struct policy P;
static struct policy_diag D;
static char warnings[4096];

static void
collect(void *data, const char *msg)
{
	size_t n = strlen(warnings);

	(void)data;
	snprintf(warnings + n, sizeof(warnings) - n, "%s\n", msg);
}

static void
setup(void)
{
	policy_init(&P);
	memset(&D, 0, sizeof(D));
	warnings[0] = '\0';
}

static void
teardown(void)
{
	policy_free(&P);
}

/* Loads @text as "t.policy" into a fresh P. */
static int
load(const char *text)
{
	policy_free(&P);
	policy_init(&P);
	warnings[0] = '\0';
	D.msg[0] = '\0';
	return policy_load_lang(&P, "t.policy", text, strlen(text), collect,
				NULL, &D);
}

static void
load_ok(const char *text)
{
	int r = load(text);

	ck_assert_msg(r == 0, "load failed (%d): %s\n--- text:\n%s", r, D.msg,
		      text);
}

/* Fails unless loading @text fails with -EINVAL and message @msg. */
static void
load_fails(const char *text, const char *msg)
{
	int r = load(text);

	ck_assert_msg(r == -EINVAL, "load returned %d, not -EINVAL: %s", r,
		      D.msg);
	ck_assert_str_eq(D.msg, msg);
	ck_assert_uint_eq(P.n_rules, 0);
	ck_assert_uint_eq(P.n_files, 0);
	ck_assert_ptr_null(P.files);
}

static const struct policy_rule *
rule(size_t i)
{
	ck_assert_msg(i < P.n_rules, "no rule %zu (%zu rules)", i, P.n_rules);
	return &P.rules[i];
}

static void
expect_rule(size_t i, const char *name, uint32_t action, size_t n_conds,
	    unsigned line, unsigned col)
{
	const struct policy_rule *r = rule(i);

	ck_assert_str_eq(r->name, name);
	ck_assert_uint_eq(r->action, action);
	ck_assert_uint_eq(r->n_conds, n_conds);
	ck_assert_str_eq(r->loc.file, "t.policy");
	ck_assert_uint_eq(r->loc.line, line);
	ck_assert_uint_eq(r->loc.col, col);
}

static void
expect_cond(size_t i, size_t j, unsigned arg, enum policy_op op, uint64_t a,
	    uint64_t b, unsigned line, unsigned col)
{
	const struct policy_cond *c = &rule(i)->conds[j];

	ck_assert_uint_lt(j, rule(i)->n_conds);
	ck_assert_uint_eq(c->arg, arg);
	ck_assert_int_eq(c->op, op);
	ck_assert_uint_eq(c->a, a);
	ck_assert_uint_eq(c->b, b);
	ck_assert_str_eq(c->loc.file, "t.policy");
	ck_assert_uint_eq(c->loc.line, line);
	ck_assert_uint_eq(c->loc.col, col);
}

/* --- directives ---------------------------------------------------------- */

START_TEST(test_empty)
{
	load_ok("");
	ck_assert_uint_eq(P.default_action, SECCOMP_RET_KILL_PROCESS);
	ck_assert_uint_eq(P.n_rules, 0);
	ck_assert_uint_eq(P.n_arches, 0);
	ck_assert_ptr_null(P.listener_path);
	ck_assert_ptr_null(P.listener_metadata);
	ck_assert(!P.log_denied);
	ck_assert(!P.wait_killable_recv);
	ck_assert_int_eq(P.agent_loss, POLICY_LOSS_ENOSYS);
	ck_assert_int_eq(P.agent_loss_errno, 0);
	ck_assert_uint_eq(P.n_files, 1);
	ck_assert_str_eq(P.files[0], "t.policy");
	load_ok("# only a comment\n\n   \t\n# and another");
	ck_assert_uint_eq(P.n_rules, 0);
	ck_assert_str_eq(warnings, "");
}
END_TEST

START_TEST(test_default)
{
	load_ok("default errno(EACCES)\n");
	ck_assert_uint_eq(P.default_action, SECCOMP_RET_ERRNO | EACCES);
	load_ok("default allow");
	ck_assert_uint_eq(P.default_action, SECCOMP_RET_ALLOW);
	/* absent: kill-process, even if the caller had set another */
	policy_free(&P);
	policy_init(&P);
	P.default_action = SECCOMP_RET_ALLOW;
	ck_assert_int_eq(
	    policy_load_lang(&P, "t.policy", "read: allow", 11, NULL, NULL, &D),
	    0);
	ck_assert_uint_eq(P.default_action, SECCOMP_RET_KILL_PROCESS);
}
END_TEST

START_TEST(test_arch)
{
	load_ok("arch native x86 x32\n");
	ck_assert_uint_eq(P.n_arches, 3);
	ck_assert_uint_eq(P.arches[0], seccomp_arch_native());
	ck_assert_uint_eq(P.arches[1], SCMP_ARCH_X86);
	ck_assert_uint_eq(P.arches[2], SCMP_ARCH_X32);
	load_ok("arch aarch64 arm riscv64 s390x");
	ck_assert_uint_eq(P.n_arches, 4);
	ck_assert_uint_eq(P.arches[0], SCMP_ARCH_AARCH64);
	ck_assert_uint_eq(P.arches[1], SCMP_ARCH_ARM);
	ck_assert_uint_eq(P.arches[2], SCMP_ARCH_RISCV64);
	ck_assert_uint_eq(P.arches[3], SCMP_ARCH_S390X);
	/* the IR has room for every ABI, so "too many" cannot happen */
	ck_assert_uint_le(arch_abi_count(),
			  sizeof(P.arches) / sizeof(P.arches[0]));
}
END_TEST

START_TEST(test_arch_native_twice)
{
	char text[64], msg[128];
	const char *host = arch_abi_host()->name;

	snprintf(text, sizeof(text), "arch %s native", host);
	snprintf(
	    msg, sizeof(msg),
	    "t.policy:1:%zu: ABI %s is named twice (native is %s on this host)",
	    strlen(host) + 7, host, host);
	load_fails(text, msg);
}
END_TEST

START_TEST(test_listener)
{
	load_ok("listener \"/run/sandboxd/agent.sock\"\n"
		"listener-metadata \"a=1\\nb=\\\"two\\\"\\tc\\\\d\"\n"
		"log-denied\n");
	ck_assert_str_eq(P.listener_path, "/run/sandboxd/agent.sock");
	ck_assert_str_eq(P.listener_metadata, "a=1\nb=\"two\"\tc\\d");
	ck_assert(P.log_denied);
	load_ok("listener-metadata \"\"");
	ck_assert_str_eq(P.listener_metadata, "");
	ck_assert_ptr_null(P.listener_path);
}
END_TEST

/* The settings for policy agents, each alone and together. */
START_TEST(test_agent_settings)
{
	static const struct {
		const char *text;
		enum policy_agent_loss loss;
		int err;
	} loss[] = {
		{ "on-agent-loss enosys", POLICY_LOSS_ENOSYS, 0 },
		{ "on-agent-loss kill", POLICY_LOSS_KILL, 0 },
		{ "on-agent-loss wait\n", POLICY_LOSS_WAIT, 0 },
		{ "on-agent-loss errno(EACCES)", POLICY_LOSS_ERRNO, EACCES },
		{ "on-agent-loss errno ( EWOULDBLOCK ) # x", POLICY_LOSS_ERRNO,
		  EAGAIN },
		{ "on-agent-loss errno(1)", POLICY_LOSS_ERRNO, 1 },
		{ "on-agent-loss errno(4095)", POLICY_LOSS_ERRNO, 4095 },
		{ "on-agent-loss errno(0x26)", POLICY_LOSS_ERRNO, ENOSYS },
	};
	size_t i;

	load_ok("wait-killable-recv\n");
	ck_assert(P.wait_killable_recv);
	ck_assert_int_eq(P.agent_loss, POLICY_LOSS_ENOSYS);
	for (i = 0; i < sizeof(loss) / sizeof(loss[0]); i++) {
		load_ok(loss[i].text);
		ck_assert_msg(P.agent_loss == loss[i].loss, "%s: %d",
			      loss[i].text, (int)P.agent_loss);
		ck_assert_int_eq(P.agent_loss_errno, loss[i].err);
		ck_assert(!P.wait_killable_recv);
	}
	load_ok("default errno(EPERM)\n"
		"on-agent-loss kill\n"
		"wait-killable-recv\n"
		"mkdir, mkdirat: notify\n");
	ck_assert(P.wait_killable_recv);
	ck_assert_int_eq(P.agent_loss, POLICY_LOSS_KILL);
	expect_rule(0, "mkdir", SECCOMP_RET_USER_NOTIF, 0, 4, 1);
	expect_rule(1, "mkdirat", SECCOMP_RET_USER_NOTIF, 0, 4, 8);
	/* the word is always the directive, never a rule's name */
	load_fails("on-agent-loss: allow",
		   "t.policy:1:14: expected enosys, kill, errno(N) or wait "
		   "after on-agent-loss, found ':'");
	/* notify is no default, whatever else the policy says */
	load_fails("listener \"/run/a.sock\"\nread: allow\ndefault notify\n",
		   "t.policy:3:9: notify cannot be the default action; name "
		   "the calls an agent decides in rules");
}
END_TEST

START_TEST(test_listener_long)
{
	char text[256], path[128];

	memset(path, 'a', sizeof(path));
	path[0] = '/';
	path[107] = '\0'; /* sun_path holds 107 bytes and a NUL */
	snprintf(text, sizeof(text), "listener \"%s\"", path);
	load_ok(text);
	ck_assert_str_eq(P.listener_path, path);
	path[107] = 'a';
	path[108] = '\0';
	snprintf(text, sizeof(text), "listener \"%s\"", path);
	load_fails(text, "t.policy:1:10: the listener path is longer than a "
			 "unix socket address allows (107 bytes)");
}
END_TEST

/* --- actions ---------------------------------------------------------------
 */

static void
expect_action(const char *action, uint32_t want)
{
	char text[128];

	/* a default that differs, or the rule would be dropped */
	snprintf(text, sizeof(text), "default %s\nread: %s\n",
		 want == SECCOMP_RET_ALLOW ? "log" : "allow", action);
	load_ok(text);
	ck_assert_uint_eq(P.n_rules, 1);
	ck_assert_uint_eq(rule(0)->action, want);
	snprintf(text, sizeof(text), "default %s\n", action);
	if (want == SECCOMP_RET_USER_NOTIF) {
		load_fails(text, "t.policy:1:9: notify cannot be the default "
				 "action; name the calls an agent decides in "
				 "rules");
		return;
	}
	load_ok(text);
	ck_assert_uint_eq(P.default_action, want);
}

START_TEST(test_actions)
{
	expect_action("allow", SECCOMP_RET_ALLOW);
	expect_action("log", SECCOMP_RET_LOG);
	expect_action("notify", SECCOMP_RET_USER_NOTIF);
	expect_action("kill-thread", SECCOMP_RET_KILL_THREAD);
	expect_action("kill-process", SECCOMP_RET_KILL_PROCESS);
	expect_action("errno(EPERM)", SECCOMP_RET_ERRNO | EPERM);
	expect_action("errno(EWOULDBLOCK)", SECCOMP_RET_ERRNO | EAGAIN);
	expect_action("errno(0)", SECCOMP_RET_ERRNO | 0);
	expect_action("errno(4095)", SECCOMP_RET_ERRNO | 4095);
	expect_action("errno(0x26)", SECCOMP_RET_ERRNO | ENOSYS);
	expect_action("trap", SECCOMP_RET_TRAP);
	expect_action("trap(7)", SECCOMP_RET_TRAP | 7);
	expect_action("trap(65535)", SECCOMP_RET_TRAP | 65535);
	expect_action("trace", SECCOMP_RET_TRACE);
	expect_action("trace(0)", SECCOMP_RET_TRACE);
	expect_action("trace(0777)", SECCOMP_RET_TRACE | 0777);
	expect_action("errno ( ENOENT )", SECCOMP_RET_ERRNO | ENOENT);
}
END_TEST

/* --- rules and expressions ------------------------------------------------ */

START_TEST(test_rule_forms)
{
	load_ok("read: allow\n"
		"  write ,writev:log # two names\n"
		"close: arg0 > 2\n"
		"dup: arg0 == 1; errno(EBADF)\n");
	ck_assert_uint_eq(P.n_rules, 5);
	expect_rule(0, "read", SECCOMP_RET_ALLOW, 0, 1, 1);
	expect_rule(1, "write", SECCOMP_RET_LOG, 0, 2, 3);
	expect_rule(2, "writev", SECCOMP_RET_LOG, 0, 2, 10);
	expect_rule(3, "close", SECCOMP_RET_ALLOW, 1, 3, 1);
	expect_cond(3, 0, 0, POLICY_OP_GT, 2, 0, 3, 8);
	expect_rule(4, "dup", SECCOMP_RET_ERRNO | EBADF, 1, 4, 1);
	expect_cond(4, 0, 0, POLICY_OP_EQ, 1, 0, 4, 6);
	ck_assert_str_eq(warnings, "");
}
END_TEST

START_TEST(test_operators)
{
	load_ok("read: arg0 == 1 && arg1 != 2 && arg2 < 3 && arg3 <= 4 && "
		"arg4 > 5 && arg5 >= 6\n"
		"write: arg2 & 0xf0 == 0x30\n");
	ck_assert_uint_eq(P.n_rules, 2);
	expect_rule(0, "read", SECCOMP_RET_ALLOW, 6, 1, 1);
	expect_cond(0, 0, 0, POLICY_OP_EQ, 1, 0, 1, 7);
	expect_cond(0, 1, 1, POLICY_OP_NE, 2, 0, 1, 20);
	expect_cond(0, 2, 2, POLICY_OP_LT, 3, 0, 1, 33);
	expect_cond(0, 3, 3, POLICY_OP_LE, 4, 0, 1, 45);
	expect_cond(0, 4, 4, POLICY_OP_GT, 5, 0, 1, 58);
	expect_cond(0, 5, 5, POLICY_OP_GE, 6, 0, 1, 70);
	expect_rule(1, "write", SECCOMP_RET_ALLOW, 1, 2, 1);
	expect_cond(1, 0, 2, POLICY_OP_MASKED_EQ, 0xf0, 0x30, 2, 8);
}
END_TEST

START_TEST(test_values)
{
	load_ok("read: arg0 == 10 && arg1 == 0x1F && arg2 == 017 && "
		"arg3 == 0 && arg4 == 0xffffffffffffffff && "
		"arg5 == 18446744073709551615\n"
		"openat: arg2 == O_RDWR|O_CREAT|O_CLOEXEC\n"
		"mmap: arg2 & ~PROT_EXEC == 0 && arg3 == ~0\n"
		"socket: arg1 == SOCK_STREAM | SOCK_NONBLOCK | 0x80000\n");
	expect_cond(0, 0, 0, POLICY_OP_EQ, 10, 0, 1, 7);
	expect_cond(0, 1, 1, POLICY_OP_EQ, 0x1f, 0, 1, 21);
	expect_cond(0, 2, 2, POLICY_OP_EQ, 15, 0, 1, 37);
	expect_cond(0, 3, 3, POLICY_OP_EQ, 0, 0, 1, 52);
	expect_cond(0, 4, 4, POLICY_OP_EQ, UINT64_MAX, 0, 1, 65);
	expect_cond(0, 5, 5, POLICY_OP_EQ, UINT64_MAX, 0, 1, 95);
	expect_cond(1, 0, 2, POLICY_OP_EQ, O_RDWR | O_CREAT | O_CLOEXEC, 0, 2,
		    9);
	expect_cond(2, 0, 2, POLICY_OP_MASKED_EQ, ~(uint64_t)PROT_EXEC, 0, 3,
		    7);
	expect_cond(2, 1, 3, POLICY_OP_EQ, UINT64_MAX, 0, 3, 33);
	expect_cond(3, 0, 1, POLICY_OP_EQ,
		    SOCK_STREAM | SOCK_NONBLOCK | 0x80000, 0, 4, 9);
}
END_TEST

START_TEST(test_constant_families)
{
	load_ok(
	    "read: arg0 == EPERM && arg1 == O_NONBLOCK && "
	    "arg2 == F_DUPFD_CLOEXEC && arg3 == AF_NETLINK && "
	    "arg4 == CLONE_NEWUSER && arg5 == PROT_READ|PROT_WRITE\n"
	    "write: arg0 == MAP_PRIVATE|MAP_ANONYMOUS && "
	    "arg1 == PR_SET_NO_NEW_PRIVS && arg2 == TIOCGWINSZ && "
	    "arg3 == FIONREAD && arg4 == SOCK_CLOEXEC && arg5 == FD_CLOEXEC\n");
	ck_assert_uint_eq(rule(0)->conds[0].a, EPERM);
	ck_assert_uint_eq(rule(0)->conds[1].a, O_NONBLOCK);
	ck_assert_uint_eq(rule(0)->conds[2].a, F_DUPFD_CLOEXEC);
	ck_assert_uint_eq(rule(0)->conds[3].a, AF_NETLINK);
	ck_assert_uint_eq(rule(0)->conds[4].a, CLONE_NEWUSER);
	ck_assert_uint_eq(rule(0)->conds[5].a, PROT_READ | PROT_WRITE);
	ck_assert_uint_eq(rule(1)->conds[0].a, MAP_PRIVATE | MAP_ANONYMOUS);
	ck_assert_uint_eq(rule(1)->conds[1].a, PR_SET_NO_NEW_PRIVS);
	ck_assert_uint_eq(rule(1)->conds[2].a, TIOCGWINSZ);
	ck_assert_uint_eq(rule(1)->conds[3].a, FIONREAD);
	ck_assert_uint_eq(rule(1)->conds[4].a, SOCK_CLOEXEC);
	ck_assert_uint_eq(rule(1)->conds[5].a, FD_CLOEXEC);
}
END_TEST

START_TEST(test_dnf)
{
	load_ok("read: arg0 == 1 && arg1 == 2 || arg2 == 3 || arg0 == 4 && "
		"arg3 != 5; errno(EIO)\n");
	ck_assert_uint_eq(P.n_rules, 3);
	expect_rule(0, "read", SECCOMP_RET_ERRNO | EIO, 2, 1, 1);
	expect_cond(0, 0, 0, POLICY_OP_EQ, 1, 0, 1, 7);
	expect_cond(0, 1, 1, POLICY_OP_EQ, 2, 0, 1, 20);
	expect_rule(1, "read", SECCOMP_RET_ERRNO | EIO, 1, 1, 1);
	expect_cond(1, 0, 2, POLICY_OP_EQ, 3, 0, 1, 33);
	expect_rule(2, "read", SECCOMP_RET_ERRNO | EIO, 2, 1, 1);
	expect_cond(2, 0, 0, POLICY_OP_EQ, 4, 0, 1, 46);
	expect_cond(2, 1, 3, POLICY_OP_NE, 5, 0, 1, 59);
}
END_TEST

/* Two conditions on one argument stay an AND in one rule. */
START_TEST(test_range_is_and)
{
	load_ok("read: arg0 >= 3 && arg0 <= 10\n");
	ck_assert_uint_eq(P.n_rules, 1);
	expect_cond(0, 0, 0, POLICY_OP_GE, 3, 0, 1, 7);
	expect_cond(0, 1, 0, POLICY_OP_LE, 10, 0, 1, 20);
	/* the same condition twice is one */
	load_ok("read: arg0 == 3 && arg0 == 3 && arg1 == 3\n");
	ck_assert_uint_eq(rule(0)->n_conds, 2);
}
END_TEST

START_TEST(test_in)
{
	load_ok("socket: arg0 in {AF_UNIX, AF_INET} && arg1 in {1, 2, 5} && "
		"arg2 == 0; log\n");
	ck_assert_uint_eq(P.n_rules, 6);
	/* the first set varies fastest */
	static const uint64_t want[6][2] = { { 1, 1 }, { 2, 1 }, { 1, 2 },
					     { 2, 2 }, { 1, 5 }, { 2, 5 } };
	for (size_t i = 0; i < 6; i++) {
		expect_rule(i, "socket", SECCOMP_RET_LOG, 3, 1, 1);
		expect_cond(i, 0, 0, POLICY_OP_EQ, want[i][0], 0, 1, 9);
		expect_cond(i, 1, 1, POLICY_OP_EQ, want[i][1], 0, 1, 39);
		expect_cond(i, 2, 2, POLICY_OP_EQ, 0, 0, 1, 60);
	}
	/* sets span lines; a trailing comment and duplicates are fine */
	load_ok("read: arg0 in {\n  1,  # one\n  2,\n  1\n} || arg1 == 9\n"
		"write: allow\n");
	ck_assert_uint_eq(P.n_rules, 4);
	expect_cond(0, 0, 0, POLICY_OP_EQ, 1, 0, 1, 7);
	expect_cond(1, 0, 0, POLICY_OP_EQ, 2, 0, 1, 7);
	expect_cond(2, 0, 1, POLICY_OP_EQ, 9, 0, 5, 6);
	expect_rule(3, "write", SECCOMP_RET_ALLOW, 0, 6, 1);
	/* an expansion that can never be true is left out */
	load_ok("read: arg0 in {1, 2, 3} && arg0 != 2\n");
	ck_assert_uint_eq(P.n_rules, 2);
	ck_assert_uint_eq(rule(0)->conds[0].a, EPERM);
	ck_assert_uint_eq(rule(1)->conds[0].a, 3);
}
END_TEST

START_TEST(test_six_conditions)
{
	load_ok("read: arg0 == 0 && arg1 == 1 && arg2 == 2 && arg3 == 3 && "
		"arg4 == 4 && arg5 == 5\n");
	ck_assert_uint_eq(rule(0)->n_conds, 6);
	load_fails("read: arg0 > 0 && arg0 < 9 && arg1 == 1 && arg2 == 2 && "
		   "arg3 == 3 && arg4 == 4 && arg5 == 5\n",
		   "t.policy:1:83: more than 6 conditions joined by &&");
}
END_TEST

START_TEST(test_continuation)
{
	load_ok("read: arg0 == 1 \\\n    && arg1 == 2\r\nwrite: allow\r\n");
	ck_assert_uint_eq(P.n_rules, 2);
	expect_cond(0, 1, 1, POLICY_OP_EQ, 2, 0, 2, 8);
	expect_rule(1, "write", SECCOMP_RET_ALLOW, 0, 3, 1);
}
END_TEST

/* --- groups --------------------------------------------------------------- */

static bool
has_rule(const char *name)
{
	size_t i;

	for (i = 0; i < P.n_rules; i++)
		if (strcmp(P.rules[i].name, name) == 0)
			return true;
	return false;
}

START_TEST(test_group)
{
	load_ok("@privileged: errno(EPERM)\n");
	/* direct members, and those of nested groups (@chown, @reboot) */
	ck_assert(has_rule("acct"));
	ck_assert(has_rule("fchownat"));
	ck_assert(has_rule("kexec_load"));
	ck_assert(has_rule("swapon"));
	ck_assert(!has_rule("read"));
	for (size_t i = 0; i < P.n_rules; i++) {
		ck_assert_uint_eq(P.rules[i].action, SECCOMP_RET_ERRNO | EPERM);
		ck_assert_uint_eq(P.rules[i].loc.line, 1);
		ck_assert_uint_eq(P.rules[i].loc.col, 1);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(P.rules[i].name, P.rules[j].name);
	}
	/* names libseccomp does not know are skipped without a word */
	load_ok("@default: allow\n");
	ck_assert(has_rule("execve"));
	ck_assert(!has_rule("uretprobe"));
	ck_assert_int_eq(seccomp_syscall_resolve_name("uretprobe"),
			 __NR_SCMP_ERROR);
	ck_assert_str_eq(warnings, "");
}
END_TEST

START_TEST(test_group_with_conditions)
{
	load_ok("read, @sync: arg0 < 3; log\n");
	ck_assert(has_rule("fsync"));
	for (size_t i = 0; i < P.n_rules; i++) {
		ck_assert_uint_eq(P.rules[i].n_conds, 1);
		ck_assert_uint_eq(P.rules[i].conds[0].op, POLICY_OP_LT);
		ck_assert_uint_eq(P.rules[i].loc.col,
				  strcmp(P.rules[i].name, "read") ? 7 : 1);
	}
}
END_TEST

START_TEST(test_unknown_syscall)
{
	load_ok("read: allow\nnosuchcall, write: allow\n");
	ck_assert_uint_eq(P.n_rules, 2);
	ck_assert_str_eq(
	    warnings, "t.policy:2:1: warning: unknown system call "
		      "'nosuchcall' ignored (libseccomp does not know it)\n");
	load_ok(
	    "uretprobe_with_a_name_that_is_much_longer_than_any_system_call_name: log");
	ck_assert_uint_eq(P.n_rules, 0);
	ck_assert_str_eq(
	    warnings,
	    "t.policy:1:1: warning: unknown system call "
	    "'uretprobe_with_a_name_that_is_much_longer_than_any_system_call_...' "
	    "ignored (libseccomp does not know it)\n");
	/* warnings can be dropped */
	policy_free(&P);
	policy_init(&P);
	ck_assert_int_eq(policy_load_lang(&P, "t.policy", "nosuchcall: allow",
					  17, NULL, NULL, &D),
			 0);
}
END_TEST

/* --- set semantics -----------------------------------------------------------
 */

START_TEST(test_named_replaces_group)
{
	load_ok("@basic-io: allow\n"
		"read: arg0 == 0\n"
		"write: errno(EBADF)\n");
	for (size_t i = 0; i < P.n_rules; i++) {
		if (strcmp(P.rules[i].name, "read") == 0) {
			ck_assert_uint_eq(P.rules[i].n_conds, 1);
			ck_assert_uint_eq(P.rules[i].loc.line, 2);
		} else if (strcmp(P.rules[i].name, "write") == 0) {
			ck_assert_uint_eq(P.rules[i].action,
					  SECCOMP_RET_ERRNO | EBADF);
		} else {
			ck_assert_uint_eq(P.rules[i].action, SECCOMP_RET_ALLOW);
		}
	}
	ck_assert(has_rule("close"));
	/* the order of the lines does not matter */
	load_ok("read: arg0 == 0\n@basic-io: allow\n");
	for (size_t i = 0; i < P.n_rules; i++)
		if (strcmp(P.rules[i].name, "read") == 0)
			ck_assert_uint_eq(P.rules[i].n_conds, 1);
	/* naming a call with the default action takes it out of a group */
	load_ok(
	    "default errno(EPERM)\n@basic-io: allow\nwrite: errno(EPERM)\n");
	ck_assert(has_rule("read"));
	ck_assert(!has_rule("write"));
}
END_TEST

START_TEST(test_duplicates_merge)
{
	load_ok("read: allow\n"
		"read: allow\n"
		"write: arg0 == 1 && arg1 == 2\n"
		"write: arg1 == 2 && arg0 == 1\n"
		"@sync: allow\n"
		"@sync, fsync: allow\n");
	ck_assert_uint_eq(P.n_rules, 2 + 7);
	expect_rule(0, "read", SECCOMP_RET_ALLOW, 0, 1, 1);
	expect_rule(1, "write", SECCOMP_RET_ALLOW, 2, 3, 1);
	for (size_t i = 2; i < P.n_rules; i++) {
		ck_assert_uint_eq(P.rules[i].loc.line,
				  strcmp(P.rules[i].name, "fsync") ? 5 : 6);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(P.rules[i].name, P.rules[j].name);
	}
}
END_TEST

START_TEST(test_default_action_dropped)
{
	load_ok("default errno(EPERM)\n"
		"read: errno(EPERM)\n"
		"write: arg0 == 1; errno(EPERM)\n"
		"close: allow\n");
	ck_assert_uint_eq(P.n_rules, 1);
	expect_rule(0, "close", SECCOMP_RET_ALLOW, 0, 4, 1);
	/* the default may come last */
	load_ok("read: kill-process\nclose: allow\n");
	ck_assert_uint_eq(P.n_rules, 1);
	load_ok("read: log\ndefault log\n");
	ck_assert_uint_eq(P.n_rules, 0);
}
END_TEST

START_TEST(test_no_conflict)
{
	/* disjoint conditions may have different actions */
	load_ok("read: arg0 < 5\nread: arg0 >= 5; errno(EIO)\n");
	load_ok("read: arg0 == 5\nread: arg0 != 5; log\n");
	load_ok("read: arg1 & 3 == 1\nread: arg1 & 3 == 2; log\n");
	load_ok("read: arg0 in {1, 2}\nread: arg0 in {3, 4}; log\n");
	load_ok("read: arg0 > 4 && arg0 < 8 && arg0 != 5 && arg0 != 6; log\n"
		"read: arg0 <= 4 || arg0 >= 8\n");
	/* the same action may overlap */
	load_ok("read: arg0 < 9\nread: arg0 > 2\nread: allow\n");
	ck_assert_uint_eq(P.n_rules, 3);
}
END_TEST

START_TEST(test_conflicts)
{
	load_fails("read: allow\nread: arg0 == 1; errno(EIO)\n",
		   "t.policy:2:1: conflicting actions for read: errno(EIO) "
		   "here and allow at t.policy:1:1 both match a call with "
		   "arg0 = 0x1");
	load_fails("read: arg0 == 1 && arg1 == 2; log\n"
		   "read: arg1 == 2 && arg0 == 1; trap\n",
		   "t.policy:2:1: conflicting actions for read: trap here "
		   "and log at t.policy:1:1 both match a call with arg0 = "
		   "0x1, arg1 = 0x2");
	load_fails("read: allow\nread: log\n",
		   "t.policy:2:1: conflicting actions for read: log here and "
		   "allow at t.policy:1:1 both match every call");
	load_fails(
	    "read: arg2 & O_ACCMODE == O_RDONLY\n"
	    "read: arg2 & O_CREAT == O_CREAT && arg2 > 0x1000; trace(3)\n",
	    "t.policy:2:1: conflicting actions for read: trace(3) here "
	    "and allow at t.policy:1:1 both match a call with arg2 = "
	    "0x1040");
	load_fails("@system-service: allow\n@privileged: errno(EPERM)\n",
		   "t.policy:2:1: conflicting actions for capset: errno(EPERM) "
		   "(through @privileged) here and allow (through "
		   "@system-service) at t.policy:1:1 both match every call");
	/* of several conflicts, the one that comes first in the file */
	load_fails("write: allow\nread: allow\nread: log\nwrite: log\n",
		   "t.policy:3:1: conflicting actions for read: log here and "
		   "allow at t.policy:2:1 both match every call");
}
END_TEST

/* --- a brute-force check of the conflict test ---------------------------- */

struct bf_cond {
	enum policy_op op;
	uint64_t a, b;
};

static bool
bf_holds(const struct bf_cond *c, uint64_t x)
{
	switch (c->op) {
	case POLICY_OP_EQ:
		return x == c->a;
	case POLICY_OP_NE:
		return x != c->a;
	case POLICY_OP_LT:
		return x < c->a;
	case POLICY_OP_LE:
		return x <= c->a;
	case POLICY_OP_GT:
		return x > c->a;
	case POLICY_OP_GE:
		return x >= c->a;
	case POLICY_OP_MASKED_EQ:
		return (x & c->a) == c->b;
	}
	return false;
}

static bool
bf_all(const struct bf_cond *c, size_t n, uint64_t x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!bf_holds(&c[i], x))
			return false;
	return true;
}

static int
bf_print(char *buf, size_t size, const struct bf_cond *c, size_t n)
{
	static const char *const ops[] = {
		"", "==", "!=", "<", "<=", ">", ">="
	};
	size_t i, used = 0;

	for (i = 0; i < n; i++) {
		if (c[i].op == POLICY_OP_MASKED_EQ)
			used +=
			    (size_t)snprintf(buf + used, size - used,
					     "%sarg0 & %" PRIu64 " == %" PRIu64,
					     i ? " && " : "", c[i].a, c[i].b);
		else
			used += (size_t)snprintf(
			    buf + used, size - used, "%sarg0 %s %" PRIu64,
			    i ? " && " : "", ops[c[i].op], c[i].a);
	}
	return (int)used;
}

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
bf_gen(uint64_t *s, struct bf_cond *c, size_t *n)
{
	size_t i;

	*n = 1 + rnd(s) % 3;
	for (i = 0; i < *n; i++) {
		c[i].op = (enum policy_op)(1 + rnd(s) % 7);
		c[i].a = rnd(s) % 16;
		c[i].b = 0;
		if (c[i].op == POLICY_OP_MASKED_EQ)
			c[i].b = rnd(s) % 16 & c[i].a;
	}
}

/*
 * Random pairs of rules on arg0 with constants below 16: a conflict must
 * be reported exactly when some value is matched by both (trying 0..63 is
 * enough, as every constant is below 16), with a witness that is.
 */
START_TEST(test_conflict_brute_force)
{
	struct bf_cond a[3], b[3];
	size_t na, nb, iter, conflicts = 0;
	char text[512], ta[200], tb[200];
	uint64_t s = 0x9e3779b97f4a7c15ULL, x, w;
	bool sat_a, sat_b, both;
	const char *at;
	int r;

	for (iter = 0; iter < 20000; iter++) {
		bf_gen(&s, a, &na);
		bf_gen(&s, b, &nb);
		sat_a = sat_b = both = false;
		for (x = 0; x < 64; x++) {
			sat_a |= bf_all(a, na, x);
			sat_b |= bf_all(b, nb, x);
			both |= bf_all(a, na, x) && bf_all(b, nb, x);
		}
		bf_print(ta, sizeof(ta), a, na);
		bf_print(tb, sizeof(tb), b, nb);
		snprintf(text, sizeof(text), "read: %s; allow\nread: %s; log\n",
			 ta, tb);
		r = load(text);
		if (!sat_a || !sat_b) {
			ck_assert_msg(r == -EINVAL &&
					  strstr(D.msg, "no call can satisfy"),
				      "%s: %s", text, D.msg);
			continue;
		}
		if (!both) {
			ck_assert_msg(r == 0, "%s: %s", text, D.msg);
			continue;
		}
		ck_assert_msg(r == -EINVAL, "no conflict found in\n%s", text);
		at = strstr(D.msg, "arg0 = ");
		ck_assert_msg(at, "%s: %s", text, D.msg);
		w = strtoull(at + 7, NULL, 0);
		ck_assert_msg(bf_all(a, na, w) && bf_all(b, nb, w),
			      "witness %" PRIu64 " is wrong for\n%s", w, text);
		conflicts++;
	}
	/* both outcomes were tried often */
	ck_assert_uint_gt(conflicts, 2000);
	ck_assert_uint_lt(conflicts, 18000);
}
END_TEST

/* Large values: the search for a witness must handle the top bits. */
START_TEST(test_conflict_edges)
{
	load_ok("read: arg0 == 0xffffffffffffffff; log\n"
		"read: arg0 < 0xffffffffffffffff\n");
	load_fails(
	    "read: arg0 & 0x8000000000000001 == 0x8000000000000001; log\n"
	    "read: arg0 > 0x8000000000000000 && arg0 != 0x8000000000000001\n",
	    "t.policy:2:1: conflicting actions for read: allow here and "
	    "log at t.policy:1:1 both match a call with arg0 = "
	    "0x8000000000000003");
	load_fails("read: arg0 >= 0xfffffffffffffffe; log\n"
		   "read: arg0 != 0xfffffffffffffffe\n",
		   "t.policy:2:1: conflicting actions for read: allow here and "
		   "log at t.policy:1:1 both match a call with arg0 = "
		   "0xffffffffffffffff");
	load_fails(
	    "read: arg0 > 0xfffffffffffffffe && arg0 & 1 == 0; log\n",
	    "t.policy:1:7: no call can satisfy these conditions together");
}
END_TEST

/* --- limits, failures, files --------------------------------------------- */

static char *
repeat(const char *head, const char *item, size_t n, const char *sep,
       const char *tail)
{
	size_t size = strlen(head) + n * (strlen(item) + 32) + strlen(tail) + 1;
	char *s = malloc(size), *p;
	size_t i;

	ck_assert_ptr_nonnull(s);
	p = s + sprintf(s, "%s", head);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%s%zu", i ? sep : "", item, i);
	sprintf(p, "%s", tail);
	return s;
}

START_TEST(test_limits)
{
	char *t;

	/* values in a set */
	t = repeat("read: arg0 in {", "", POLICY_LANG_MAX_SET, ",", "}\n");
	load_ok(t);
	ck_assert_uint_eq(P.n_rules, POLICY_LANG_MAX_SET);
	free(t);
	t = repeat("read: arg0 in {", "", POLICY_LANG_MAX_SET + 1, ",", "}\n");
	load_fails(t, "t.policy:1:930: more than 256 values in one set");
	free(t);
	/* clauses per line */
	t = repeat("read: arg1 in {1,2,3,4,5} && arg0 in {", "", 256, ",",
		   "}\n");
	load_fails(t, "t.policy:1:7: the condition expands to more than 1024 "
		      "clauses (each value of an 'in' set makes one)");
	free(t);
	/* names per rule */
	t = repeat("", "read", 257, ",", ": allow\n");
	load_fails(t, "t.policy:1:1939: more than 256 names in one rule");
	free(t);
	/* rules for one call */
	load_ok("read: arg1 in {1,2,3,4} && arg0 in {0,1,2,3,4,5,6,7,8,9,10,11,"
		"12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,"
		"32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,"
		"52,53,54,55,56,57,58,59,60,61,62,63,64,65,66,67,68,69,70,71,"
		"72,73,74,75,76,77,78,79,80,81,82,83,84,85,86,87,88,89,90,91,"
		"92,93,94,95,96,97,98,99,100,101,102,103,104,105,106,107,108,"
		"109,110,111,112,113,114,115,116,117,118,119,120,121,122,123,"
		"124,125,126,127,128,129,130,131,132,133,134,135,136,137,138,"
		"139,140,141,142,143,144,145,146,147,148,149,150,151,152,153,"
		"154,155,156,157,158,159,160,161,162,163,164,165,166,167,168,"
		"169,170,171,172,173,174,175,176,177,178,179,180,181,182,183,"
		"184,185,186,187,188,189,190,191,192,193,194,195,196,197,198,"
		"199,200,201,202,203,204,205,206,207,208,209,210,211,212,213,"
		"214,215,216,217,218,219,220,221,222,223,224,225,226,227,228,"
		"229,230,231,232,233,234,235,236,237,238,239,240,241,242,243,"
		"244,245,246,247,248,249,250,251,252,253,254,255}\n");
	ck_assert_uint_eq(P.n_rules, 1024);
	t = malloc(1 << 16);
	ck_assert_ptr_nonnull(t);
	{
		char *p = t;
		size_t i;

		p += sprintf(p, "read: arg0 in {");
		for (i = 0; i < 256; i++)
			p += sprintf(p, "%s%zu", i ? "," : "", i);
		p += sprintf(p, "} && arg1 in {1,2,3,4}\nread: arg2 == 7\n");
	}
	load_fails(t, "t.policy:2:1: more than 1024 rules for read");
	/* rules in all */
	{
		char *p = t;
		size_t i, j;

		for (j = 0; j < 17; j++) {
			p += sprintf(p, "%s: arg0 in {",
				     j % 2 ? "write" : "read");
			for (i = 0; i < 256; i++)
				p += sprintf(p, "%s%zu", i ? "," : "", i);
			p += sprintf(
			    p, "} && arg1 in {1,2,3,4} && arg2 == %zu\n", j);
		}
	}
	load_fails(t, "t.policy:17:1: the policy has more than 16384 rules");
	free(t);
}
END_TEST

START_TEST(test_failure_leaves_policy)
{
	struct policy_rule r = { .name = "keep", .action = SECCOMP_RET_ALLOW };

	policy_free(&P);
	policy_init(&P);
	P.default_action = SECCOMP_RET_LOG;
	P.agent_loss = POLICY_LOSS_WAIT;
	ck_assert_ptr_nonnull(policy_intern_file(&P, "earlier.json"));
	ck_assert_int_eq(policy_add_rule(&P, &r), 0);
	ck_assert_int_eq(policy_load_lang(&P, "t.policy",
					  "default allow\narch x86\nread: log\n"
					  "write: allow\nwrite: log\n",
					  58, NULL, NULL, &D),
			 -EINVAL);
	ck_assert_int_eq(
	    policy_load_lang(&P, "t.policy",
			     "wait-killable-recv\non-agent-loss errno(EIO)\n"
			     "read: allow\nread: log\n",
			     66, NULL, NULL, &D),
	    -EINVAL);
	ck_assert(!P.wait_killable_recv);
	ck_assert_int_eq(P.agent_loss, POLICY_LOSS_WAIT);
	ck_assert_int_eq(P.agent_loss_errno, 0);
	ck_assert_uint_eq(P.n_rules, 1);
	ck_assert_str_eq(P.rules[0].name, "keep");
	ck_assert_uint_eq(P.n_files, 1);
	ck_assert_uint_eq(P.default_action, SECCOMP_RET_LOG);
	ck_assert_uint_eq(P.n_arches, 0);
	/* a load that works appends */
	ck_assert_int_eq(policy_load_lang(&P, "t.policy", "read: allow\n", 12,
					  NULL, NULL, &D),
			 0);
	ck_assert_uint_eq(P.n_rules, 2);
	ck_assert_str_eq(P.rules[1].name, "read");
	ck_assert_uint_eq(P.n_files, 2);
	ck_assert_uint_eq(P.default_action, SECCOMP_RET_KILL_PROCESS);
}
END_TEST

START_TEST(test_read_file)
{
	const char *tmp = getenv("TMPDIR");
	char dir[256], path[320], big[320];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/check_lang.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.policy", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("@include \"b.policy\"\nread: allow\n", f);
	fclose(f);
	snprintf(big, sizeof(big), "%s/b.policy", dir);
	f = fopen(big, "w");
	ck_assert_ptr_nonnull(f);
	fputs("write: allow\n", f);
	fclose(f);

	/* text NULL: the file is read */
	ck_assert_int_eq(policy_load_lang(&P, path, NULL, 0, NULL, NULL, &D),
			 0);
	ck_assert_uint_eq(P.n_rules, 2);
	ck_assert_str_eq(P.rules[0].name, "write");
	ck_assert_str_eq(P.rules[0].loc.file, big);
	ck_assert_str_eq(P.rules[1].loc.file, path);
	ck_assert_uint_eq(P.n_files, 2);

	/* an included file over the size limit */
	f = fopen(big, "w");
	ck_assert_ptr_nonnull(f);
	for (size_t i = 0; i <= POLICY_LANG_MAX_FILE / 16; i++)
		fputs("# padding.......\n", f);
	fclose(f);
	policy_free(&P);
	policy_init(&P);
	ck_assert_int_eq(policy_load_lang(&P, path, NULL, 0, NULL, NULL, &D),
			 -EINVAL);
	{
		char want[512];

		snprintf(want, sizeof(want),
			 "%s:1:10: cannot include \"b.policy\": it is larger "
			 "than 1048576 bytes",
			 path);
		ck_assert_str_eq(D.msg, want);
	}
	/* the file given, over the limit */
	policy_free(&P);
	policy_init(&P);
	ck_assert_int_eq(policy_load_lang(&P, big, NULL, 0, NULL, NULL, &D),
			 -EFBIG);
	{
		char want[512];

		snprintf(want, sizeof(want), "%s: larger than 1048576 bytes",
			 big);
		ck_assert_str_eq(D.msg, want);
	}
	ck_assert_uint_eq(P.n_files, 0);
	unlink(big);
	unlink(path);
	rmdir(dir);

	/* a missing file */
	ck_assert_int_eq(policy_load_lang(&P, "/nonexistent/x.policy", NULL, 0,
					  NULL, NULL, &D),
			 -ENOENT);
	ck_assert_str_eq(D.msg,
			 "/nonexistent/x.policy: No such file or directory");
	/* text given, but too long */
	ck_assert_int_eq(policy_load_lang(&P, "t.policy", "",
					  POLICY_LANG_MAX_FILE + 1, NULL, NULL,
					  &D),
			 -EFBIG);
	ck_assert_str_eq(D.msg, "t.policy: larger than 1048576 bytes");
	/* a bad include directory */
	{
		struct policy_lang_opts o = { .include_dir = "/nonexistent" };

		ck_assert_int_eq(
		    policy_lang_load(&P, "t.policy", "", 0, &o, NULL, NULL, &D),
		    -ENOENT);
		ck_assert_str_eq(D.msg, "t.policy: include directory "
					"/nonexistent: No such file or "
					"directory");
	}
	/* no diagnostics wanted */
	ck_assert_int_eq(
	    policy_load_lang(&P, "t.policy", "x", 1, NULL, NULL, NULL),
	    -EINVAL);
}
END_TEST

static Suite *
lang_suite(void)
{
	Suite *s = suite_create("lang");
	TCase *tc;

	tc = tcase_create("directives");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_default);
	tcase_add_test(tc, test_arch);
	tcase_add_test(tc, test_arch_native_twice);
	tcase_add_test(tc, test_listener);
	tcase_add_test(tc, test_agent_settings);
	tcase_add_test(tc, test_listener_long);
	tcase_add_test(tc, test_actions);
	suite_add_tcase(s, tc);

	tc = tcase_create("rules");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_rule_forms);
	tcase_add_test(tc, test_operators);
	tcase_add_test(tc, test_values);
	tcase_add_test(tc, test_constant_families);
	tcase_add_test(tc, test_dnf);
	tcase_add_test(tc, test_range_is_and);
	tcase_add_test(tc, test_in);
	tcase_add_test(tc, test_six_conditions);
	tcase_add_test(tc, test_continuation);
	tcase_add_test(tc, test_group);
	tcase_add_test(tc, test_group_with_conditions);
	tcase_add_test(tc, test_unknown_syscall);
	suite_add_tcase(s, tc);

	tc = tcase_create("semantics");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_named_replaces_group);
	tcase_add_test(tc, test_duplicates_merge);
	tcase_add_test(tc, test_default_action_dropped);
	tcase_add_test(tc, test_no_conflict);
	tcase_add_test(tc, test_conflicts);
	tcase_add_test(tc, test_conflict_brute_force);
	tcase_add_test(tc, test_conflict_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_failure_leaves_policy);
	tcase_add_test(tc, test_read_file);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(lang_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
