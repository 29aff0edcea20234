/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_consts: the symbolic constants of the .policy language
 * (src/policy/consts.c) against the real headers.
 *
 * const-names.h lists every name once.  This file reads it against
 * glibc's headers, consts-kernel.c against the kernel's uapi headers; the
 * table must hold exactly the listed names, each with the value both sets
 * of headers give it (the one documented exception: glibc's O_LARGEFILE
 * is 0 on 64-bit hosts, the kernel's bit is what 32-bit programs pass).
 * The errno names are also checked against glibc's own list of them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <check.h>

#include "policy/lang.h"
#include "consts-test.h"

#define N(fam, x) { #x, (uint64_t)(x), POLICY_CONST_##fam },
static const struct test_const glibc_consts[] = {
#include "const-names.h"
};
#undef N

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct test_const *
find_in(const struct test_const *t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

/* Where glibc's value is not the kernel's, and why that is right. */
static bool
glibc_differs(const char *name, uint64_t glibc_value)
{
	/* glibc: __O_LARGEFILE is 0 where off_t is 64 bits */
	return strcmp(name, "O_LARGEFILE") == 0 && glibc_value == 0;
}

/* The list's entry for @name, from whichever headers define it. */
static const struct test_const *
list_find(const char *name)
{
	const struct test_const *t;

	t = find_in(kernel_consts, kernel_consts_n, name);
	return t ? t : find_in(glibc_consts, ARRAY_SIZE(glibc_consts), name);
}

START_TEST(test_same_names)
{
	const struct policy_const *c;
	const struct test_const *t;
	size_t i, j, listed = 0;

	for (i = 0; (c = policy_const_at(i)); i++) {
		t = list_find(c->name);
		ck_assert_msg(t, "%s is not in const-names.h", c->name);
		ck_assert_msg(t->family == c->family,
			      "%s is in the wrong family", c->name);
		for (j = 0; j < i; j++)
			ck_assert_msg(strcmp(policy_const_at(j)->name, c->name),
				      "%s is in the table twice", c->name);
	}
	for (j = 0; j < kernel_consts_n; j++) {
		ck_assert_msg(policy_const_find(kernel_consts[j].name,
						strlen(kernel_consts[j].name)),
			      "%s is missing from consts.c",
			      kernel_consts[j].name);
		listed++;
	}
	for (j = 0; j < ARRAY_SIZE(glibc_consts); j++) {
		ck_assert_msg(policy_const_find(glibc_consts[j].name,
						strlen(glibc_consts[j].name)),
			      "%s is missing from consts.c",
			      glibc_consts[j].name);
		listed += !find_in(kernel_consts, kernel_consts_n,
				   glibc_consts[j].name);
	}
	ck_assert_uint_eq(policy_const_count(), listed);
	ck_assert_ptr_null(policy_const_at(policy_const_count()));
}
END_TEST

START_TEST(test_family_prefixes)
{
	static const struct {
		enum policy_const_family family;
		const char *prefixes[3];
	} want[] = {
		{ POLICY_CONST_ERRNO, { "E" } },
		{ POLICY_CONST_OPEN, { "O_" } },
		{ POLICY_CONST_FCNTL, { "F_", "FD_" } },
		{ POLICY_CONST_AF, { "AF_" } },
		{ POLICY_CONST_SOCK, { "SOCK_" } },
		{ POLICY_CONST_CLONE, { "CLONE_" } },
		{ POLICY_CONST_PROT, { "PROT_" } },
		{ POLICY_CONST_MAP, { "MAP_" } },
		{ POLICY_CONST_PR, { "PR_" } },
		{ POLICY_CONST_IOCTL, { "TC", "TIOC", "FIO" } },
	};
	const struct policy_const *c;
	size_t i, j, k;
	bool ok;

	for (i = 0; (c = policy_const_at(i)); i++) {
		ok = false;
		for (j = 0; j < ARRAY_SIZE(want); j++) {
			if (want[j].family != c->family)
				continue;
			for (k = 0; k < 3 && want[j].prefixes[k]; k++)
				ok |= strncmp(c->name, want[j].prefixes[k],
					      strlen(want[j].prefixes[k])) == 0;
		}
		ck_assert_msg(ok, "%s does not look like its family", c->name);
	}
}
END_TEST

START_TEST(test_kernel_values)
{
	const struct test_const *k;
	const struct policy_const *c;
	size_t i, checked = 0;

	for (i = 0; (c = policy_const_at(i)); i++) {
		k = find_in(kernel_consts, kernel_consts_n, c->name);
		if (!k)
			continue;
		ck_assert_msg(
		    k->value == c->value,
		    "%s is %#llx in consts.c, %#llx in the uapi headers",
		    c->name, (unsigned long long)c->value,
		    (unsigned long long)k->value);
		checked++;
	}
	/* all but the address families and socket types come from uapi */
	ck_assert_uint_ge(checked, policy_const_count() - 60);
}
END_TEST

START_TEST(test_glibc_values)
{
	const struct test_const *g;
	const struct policy_const *c;
	size_t i, checked = 0;

	for (i = 0; (c = policy_const_at(i)); i++) {
		g = find_in(glibc_consts, ARRAY_SIZE(glibc_consts), c->name);
		if (!g)
			continue;
		checked++;
		if (g->value != c->value && glibc_differs(c->name, g->value))
			continue;
		ck_assert_msg(
		    g->value == c->value,
		    "%s is %#llx in consts.c, %#llx in glibc's headers",
		    c->name, (unsigned long long)c->value,
		    (unsigned long long)g->value);
	}
	ck_assert_uint_ge(checked, policy_const_count() * 9 / 10);
}
END_TEST

START_TEST(test_every_value_checked)
{
	const struct policy_const *c;
	size_t i;

	for (i = 0; (c = policy_const_at(i)); i++)
		ck_assert_msg(
		    find_in(kernel_consts, kernel_consts_n, c->name) ||
			find_in(glibc_consts, ARRAY_SIZE(glibc_consts),
				c->name),
		    "no header defines %s", c->name);
}
END_TEST

/* glibc knows the name of every errno value; the table must too. */
START_TEST(test_errno_complete)
{
	const struct policy_const *c;
	const char *name;
	size_t i, values = 0, table = 0;
	int e;

	for (e = 1; e <= 4095; e++) {
		name = strerrorname_np(e);
		if (!name)
			continue;
		values++;
		c = policy_const_find(name, strlen(name));
		ck_assert_msg(c, "errno %d (%s) is missing", e, name);
		ck_assert_int_eq(c->family, POLICY_CONST_ERRNO);
		ck_assert_uint_eq(c->value, (uint64_t)e);
		ck_assert_str_eq(policy_const_errno_name((uint64_t)e), name);
	}
	for (i = 0; (c = policy_const_at(i)); i++) {
		if (c->family != POLICY_CONST_ERRNO)
			continue;
		ck_assert_msg(strerrorname_np((int)c->value),
			      "glibc has no name for %s (%llu)", c->name,
			      (unsigned long long)c->value);
		if (strcmp(policy_const_errno_name(c->value), c->name) == 0)
			table++;
	}
	ck_assert_uint_eq(table, values);
	ck_assert_uint_ge(values, 130);
}
END_TEST

START_TEST(test_find)
{
	const struct policy_const *c;

	c = policy_const_find("O_RDWRX", 6);
	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(c->name, "O_RDWR");
	ck_assert_ptr_null(policy_const_find("O_RD", 4));
	ck_assert_ptr_null(policy_const_find("o_rdwr", 6));
	ck_assert_ptr_null(policy_const_find("", 0));
	c = policy_const_find("EWOULDBLOCK", 11);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->value, EAGAIN);
	ck_assert_str_eq(policy_const_errno_name(EAGAIN), "EAGAIN");
	ck_assert_str_eq(policy_const_errno_name(EDEADLK), "EDEADLK");
	ck_assert_str_eq(policy_const_errno_name(EOPNOTSUPP), "EOPNOTSUPP");
	ck_assert_ptr_null(policy_const_errno_name(0));
	ck_assert_ptr_null(policy_const_errno_name(4095));
	/* a value that is only an O_ flag is no errno */
	ck_assert_ptr_null(policy_const_errno_name(O_CLOEXEC));
}
END_TEST

static Suite *
consts_suite(void)
{
	Suite *s = suite_create("consts");
	TCase *tc = tcase_create("table");

	/* thousands of string compares: slow under the sanitizers */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_same_names);
	tcase_add_test(tc, test_family_prefixes);
	tcase_add_test(tc, test_kernel_values);
	tcase_add_test(tc, test_glibc_values);
	tcase_add_test(tc, test_every_value_checked);
	tcase_add_test(tc, test_errno_complete);
	tcase_add_test(tc, test_find);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(consts_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
