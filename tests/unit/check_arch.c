/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * check_arch: unit tests for src/arch.
 *
 * The ABI table is checked against libseccomp 2.5.4 (names and tokens)
 * and <linux/audit.h> (AUDIT_ARCH values, byte order, word size); the
 * x86 syscall numbers against the build host's <asm/unistd_*.h>.
 */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/audit.h>

#include <check.h>
#include <seccomp.h>

#include "arch/arch.h"
#include "bpf/bpf.h"
#include "sysnr.h"

#if defined(__x86_64__)
#include <asm/unistd_64.h>
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* What each of libseccomp 2.5.4's 19 ABIs must look like. */
static const struct {
	const char *name;
	uint32_t audit_arch;
	bool big_endian;
	unsigned int bits;
	uint32_t nr_base;
	uint32_t nr_flag;
} want_abis[] = {
	{ "x86", AUDIT_ARCH_I386, false, 32, 0, 0 },
	{ "x86_64", AUDIT_ARCH_X86_64, false, 64, 0, 0 },
	{ "x32", AUDIT_ARCH_X86_64, false, 32, 0, ARCH_X32_SYSCALL_BIT },
	{ "arm", AUDIT_ARCH_ARM, false, 32, 0, 0 },
	{ "aarch64", AUDIT_ARCH_AARCH64, false, 64, 0, 0 },
	{ "mips", AUDIT_ARCH_MIPS, true, 32, 4000, 0 },
	{ "mipsel", AUDIT_ARCH_MIPSEL, false, 32, 4000, 0 },
	{ "mips64", AUDIT_ARCH_MIPS64, true, 64, 5000, 0 },
	{ "mipsel64", AUDIT_ARCH_MIPSEL64, false, 64, 5000, 0 },
	{ "mips64n32", AUDIT_ARCH_MIPS64N32, true, 32, 6000, 0 },
	{ "mipsel64n32", AUDIT_ARCH_MIPSEL64N32, false, 32, 6000, 0 },
	{ "parisc", AUDIT_ARCH_PARISC, true, 32, 0, 0 },
	{ "parisc64", AUDIT_ARCH_PARISC64, true, 64, 0, 0 },
	{ "ppc", AUDIT_ARCH_PPC, true, 32, 0, 0 },
	{ "ppc64", AUDIT_ARCH_PPC64, true, 64, 0, 0 },
	{ "ppc64le", AUDIT_ARCH_PPC64LE, false, 64, 0, 0 },
	{ "s390", AUDIT_ARCH_S390, true, 32, 0, 0 },
	{ "s390x", AUDIT_ARCH_S390X, true, 64, 0, 0 },
	{ "riscv64", AUDIT_ARCH_RISCV64, false, 64, 0, 0 },
};

/* x32 and the MIPS n32 ABIs are 32-bit conventions on 64-bit arches. */
static bool
ilp32_on_64(const char *name)
{
	return strcmp(name, "x32") == 0 || strcmp(name, "mips64n32") == 0 ||
	       strcmp(name, "mipsel64n32") == 0;
}

START_TEST(test_abi_at)
{
	size_t i, j;

	ck_assert_uint_eq(arch_abi_count(), ARRAY_SIZE(want_abis));
	ck_assert_ptr_null(arch_abi_at(arch_abi_count()));
	ck_assert_ptr_null(arch_abi_at((size_t)-1));
	for (i = 0; i < arch_abi_count(); i++) {
		const struct arch_abi *abi = arch_abi_at(i);
		bool found = false;

		ck_assert_ptr_nonnull(abi);
		ck_assert_ptr_nonnull(abi->name);
		for (j = 0; j < ARRAY_SIZE(want_abis); j++)
			found =
			    found || strcmp(abi->name, want_abis[j].name) == 0;
		ck_assert_msg(found, "unexpected ABI %s", abi->name);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(arch_abi_at(j)->name, abi->name);
	}
}
END_TEST

START_TEST(test_abi_by_name)
{
	const char *name = want_abis[_i].name;
	const struct arch_abi *abi = arch_abi_by_name(name);
	uint32_t token = seccomp_arch_resolve_name(name);

	ck_assert_msg(abi != NULL, "%s missing", name);
	ck_assert_str_eq(abi->name, name);
	ck_assert_msg(token != 0, "libseccomp does not know %s", name);
	ck_assert_uint_eq(abi->scmp_token, token);
	ck_assert_uint_eq(abi->audit_arch, want_abis[_i].audit_arch);
	ck_assert_int_eq(abi->big_endian, want_abis[_i].big_endian);
	ck_assert_uint_eq(abi->bits, want_abis[_i].bits);
	ck_assert_uint_eq(abi->nr_base, want_abis[_i].nr_base);
	ck_assert_uint_eq(abi->nr_flag, want_abis[_i].nr_flag);

	/* the audit value's own flags say the same */
	ck_assert_int_eq(abi->big_endian, !(abi->audit_arch & __AUDIT_ARCH_LE));
	if (ilp32_on_64(name)) {
		ck_assert(abi->audit_arch & __AUDIT_ARCH_64BIT);
		ck_assert_uint_eq(abi->bits, 32);
	} else {
		ck_assert_uint_eq(
		    abi->bits, abi->audit_arch & __AUDIT_ARCH_64BIT ? 64 : 32);
	}
	/* libseccomp's tokens are the audit values, except x32's */
	if (strcmp(name, "x32") == 0)
		ck_assert_uint_eq(token, SCMP_ARCH_X32);
	else
		ck_assert_uint_eq(token, abi->audit_arch);
}
END_TEST

START_TEST(test_abi_by_name_unknown)
{
	static const char *const bad[] = {
		"",	   "i386",  "amd64",	   "X86_64",
		"x86_64 ", "arm64", "loongarch64", "native"
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_assert_msg(arch_abi_by_name(bad[i]) == NULL, "'%s'", bad[i]);
}
END_TEST

START_TEST(test_abi_by_audit)
{
	const struct arch_abi *x86_64 = arch_abi_by_name("x86_64");
	const struct arch_abi *x32 = arch_abi_by_name("x32");
	const struct arch_abi *x86 = arch_abi_by_name("x86");
	size_t i;

	ck_assert_ptr_nonnull(x86_64);
	ck_assert_ptr_nonnull(x32);
	ck_assert_ptr_nonnull(x86);
	/* every ABI but x32 has an audit value of its own */
	for (i = 0; i < arch_abi_count(); i++) {
		const struct arch_abi *abi = arch_abi_at(i);

		if (abi == x32)
			continue;
		ck_assert_ptr_eq(arch_abi_by_audit(abi->audit_arch, 0), abi);
		ck_assert_ptr_eq(arch_abi_by_audit(abi->audit_arch,
						   (int32_t)abi->nr_base + 3),
				 abi);
	}
	/* x32 and x86_64 share AUDIT_ARCH_X86_64; the number's bit decides */
	ck_assert_ptr_eq(arch_abi_by_audit(AUDIT_ARCH_X86_64, 0), x86_64);
	ck_assert_ptr_eq(arch_abi_by_audit(AUDIT_ARCH_X86_64, 335), x86_64);
	ck_assert_ptr_eq(
	    arch_abi_by_audit(AUDIT_ARCH_X86_64, (int32_t)ARCH_X32_SYSCALL_BIT),
	    x32);
	ck_assert_ptr_eq(
	    arch_abi_by_audit(AUDIT_ARCH_X86_64,
			      (int32_t)(ARCH_X32_SYSCALL_BIT | 59)),
	    x32);
	ck_assert_ptr_eq(
	    arch_abi_by_audit(AUDIT_ARCH_X86_64,
			      (int32_t)(ARCH_X32_SYSCALL_BIT | 520)),
	    x32);
	/* the bit means nothing for i386 */
	ck_assert_ptr_eq(arch_abi_by_audit(AUDIT_ARCH_I386,
					   (int32_t)(ARCH_X32_SYSCALL_BIT | 1)),
			 x86);
	/* arches libseccomp 2.5.4 does not have */
	ck_assert_ptr_null(arch_abi_by_audit(AUDIT_ARCH_IA64, 0));
	ck_assert_ptr_null(arch_abi_by_audit(AUDIT_ARCH_SPARC64, 0));
	ck_assert_ptr_null(arch_abi_by_audit(AUDIT_ARCH_ARMEB, 0));
	ck_assert_ptr_null(arch_abi_by_audit(0, 0));
	ck_assert_ptr_null(arch_abi_by_audit(0xffffffff, 0));
}
END_TEST

START_TEST(test_abi_host)
{
	const struct arch_abi *host = arch_abi_host();

	ck_assert_ptr_nonnull(host);
#if defined(__x86_64__)
	ck_assert_ptr_eq(host, arch_abi_by_name("x86_64"));
	ck_assert_uint_eq(host->audit_arch, AUDIT_ARCH_X86_64);
	ck_assert_uint_eq(host->scmp_token, SCMP_ARCH_X86_64);
#elif defined(__aarch64__)
	ck_assert_ptr_eq(host, arch_abi_by_name("aarch64"));
	ck_assert_uint_eq(host->audit_arch, AUDIT_ARCH_AARCH64);
#endif
	ck_assert_uint_eq(host->scmp_token, seccomp_arch_native());
	ck_assert_uint_eq(host->bits, 8 * sizeof(long));
	ck_assert_int_eq(host->big_endian, __BYTE_ORDER == __BIG_ENDIAN);
	ck_assert_uint_eq(host->nr_flag, 0);
}
END_TEST

/* The ABIs a host filter sees: native, compat, and x32 on x86_64. */
static const char *const host_abis[] = {
#if defined(__x86_64__)
	"x86_64",
	"x86",
	"x32",
#elif defined(__aarch64__)
	"aarch64",
	"arm",
#endif
};

/* Every number that has a name resolves back to itself. */
START_TEST(test_syscall_name_round_trip)
{
	const struct arch_abi *abi = arch_abi_by_name(host_abis[_i]);
	unsigned int named = 0, i;

	ck_assert_ptr_nonnull(abi);
	for (i = 0; i < 1024; i++) {
		int32_t nr =
		    (int32_t)(abi->nr_base + i) | (int32_t)abi->nr_flag;
		char *name = arch_syscall_name(abi, nr), copy[64];
		int32_t back;

		if (!name)
			continue;
		named++;
		back = arch_syscall_nr(abi, name);
		snprintf(copy, sizeof(copy), "%s", name);
		free(name);
		ck_assert_msg(back == nr, "%s: %d is %s, which resolves to %d",
			      abi->name, nr, copy, back);
	}
	ck_assert_uint_gt(named, 300);
}
END_TEST

/* Numbers that are no syscall have no name. */
START_TEST(test_syscall_name_none)
{
	static const int32_t none[] = { -1,	-101,	-10024,
					-10101, 100000, INT32_MIN };
	const struct arch_abi *abi = arch_abi_by_name(host_abis[_i]);
	size_t i;

	ck_assert_ptr_nonnull(abi);
	for (i = 0; i < ARRAY_SIZE(none); i++) {
		char *name = arch_syscall_name(abi, none[i]), copy[64];

		snprintf(copy, sizeof(copy), "%s", name ? name : "");
		free(name);
		ck_assert_msg(name == NULL, "%s: %d is named %s", abi->name,
			      none[i], copy);
	}
}
END_TEST

#if defined(__x86_64__)
static const struct sysnr sysnr_x86_64[] = {
	SYSNR_COMMON,
	/* x86_64 only */
	SYSNR(arch_prctl),
	SYSNR(newfstatat),
	SYSNR(accept4),
	SYSNR(recvfrom),
	SYSNR(shmget),
	SYSNR(set_mempolicy_home_node),
};

static void
expect_numbers(const char *abi_name, const struct sysnr *tab, size_t i)
{
	const struct arch_abi *abi = arch_abi_by_name(abi_name);
	char *name, copy[64];
	int32_t nr;

	ck_assert_ptr_nonnull(abi);
	nr = arch_syscall_nr(abi, tab[i].name);
	ck_assert_msg(nr == tab[i].nr, "%s: %s is %d, the headers say %ld",
		      abi_name, tab[i].name, nr, tab[i].nr);
	name = arch_syscall_name(abi, (int32_t)tab[i].nr);
	snprintf(copy, sizeof(copy), "%s", name ? name : "(none)");
	free(name);
	ck_assert_msg(strcmp(copy, tab[i].name) == 0,
		      "%s: %ld is named %s, the headers say %s", abi_name,
		      tab[i].nr, copy, tab[i].name);
}

START_TEST(test_syscall_nr_x86_64)
{
	expect_numbers("x86_64", sysnr_x86_64, _i);
}
END_TEST

START_TEST(test_syscall_nr_i386)
{
	expect_numbers("x86", sysnr_i386, _i);
}
END_TEST

START_TEST(test_syscall_nr_x32)
{
	expect_numbers("x32", sysnr_x32, _i);
}
END_TEST
#endif

START_TEST(test_syscall_nr_unknown)
{
	const struct arch_abi *x86_64 = arch_abi_by_name("x86_64");
	const struct arch_abi *x86 = arch_abi_by_name("x86");
	size_t i;

	for (i = 0; i < arch_abi_count(); i++) {
		const struct arch_abi *abi = arch_abi_at(i);

		ck_assert_int_eq(arch_syscall_nr(abi, "no_such_syscall"),
				 -ENOENT);
		ck_assert_int_eq(arch_syscall_nr(abi, ""), -ENOENT);
	}
	/* calls the ABI lacks: libseccomp's pseudo numbers stay inside */
	ck_assert_int_eq(arch_syscall_nr(x86_64, "socketcall"), -ENOENT);
	ck_assert_int_eq(arch_syscall_nr(x86_64, "ipc"), -ENOENT);
	ck_assert_int_eq(arch_syscall_nr(x86_64, "_llseek"), -ENOENT);
	ck_assert_int_eq(arch_syscall_nr(x86, "newfstatat"), -ENOENT);
}
END_TEST

/* Common calls land inside each ABI's number range. */
START_TEST(test_syscall_nr_range)
{
	static const char *const names[] = { "read",	   "write",  "close",
					     "exit_group", "openat", "clone",
					     "execve" };
	const struct arch_abi *abi = arch_abi_at((size_t)_i);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		int32_t nr = arch_syscall_nr(abi, names[i]);

		ck_assert_msg(nr >= 0, "%s: %s is %d", abi->name, names[i], nr);
		ck_assert_msg(((uint32_t)nr & abi->nr_flag) == abi->nr_flag,
			      "%s: %s is %d", abi->name, names[i], nr);
		ck_assert_msg((uint32_t)nr - abi->nr_flag >= abi->nr_base,
			      "%s: %s is %d", abi->name, names[i], nr);
		if (abi->nr_count)
			ck_assert_msg((uint32_t)nr < abi->nr_count,
				      "%s: %s is %d, past %u", abi->name,
				      names[i], nr, abi->nr_count);
	}
}
END_TEST

START_TEST(test_cache_layout_host)
{
	const struct bpf_cache_layout *l = arch_cache_layout_host();

	ck_assert_ptr_nonnull(l);
	ck_assert_ptr_eq(arch_cache_layout_host(), l);
#if defined(__x86_64__)
	ck_assert_uint_eq(l->n_abis, 2);
	/* native first, then compat, as the kernel's two bitmaps */
	ck_assert_uint_eq(l->abi[0].audit_arch, AUDIT_ARCH_X86_64);
	ck_assert_uint_eq(l->abi[1].audit_arch, AUDIT_ARCH_I386);
	/* at least NR_syscalls of the headers: numbers past it just run */
	ck_assert_uint_gt(l->abi[0].nr_count, __NR_set_mempolicy_home_node);
	ck_assert_uint_gt(l->abi[1].nr_count, 450);
	/* kernel/seccomp.c: seccomp_uprobe_exception(): 335 and 336 */
	ck_assert_uint_eq(l->abi[0].n_forced, 2);
	ck_assert_ptr_nonnull(l->abi[0].forced);
	ck_assert_uint_eq(l->abi[0].forced[0] + l->abi[0].forced[1], 671);
	ck_assert(l->abi[0].forced[0] == 335 || l->abi[0].forced[1] == 335);
	ck_assert_uint_eq(l->abi[1].n_forced, 0);
#elif defined(__aarch64__)
	ck_assert_uint_eq(l->n_abis, 2);
	ck_assert_uint_eq(l->abi[0].audit_arch, AUDIT_ARCH_AARCH64);
	ck_assert_uint_eq(l->abi[1].audit_arch, AUDIT_ARCH_ARM);
	ck_assert_uint_eq(l->abi[0].n_forced, 0);
#endif
	ck_assert_uint_le(l->n_abis, BPF_CACHE_MAX_ABIS);
}
END_TEST

START_TEST(test_cache_layout_for)
{
	struct bpf_cache_layout l;
	size_t i;

	for (i = 0; i < arch_abi_count(); i++) {
		const struct arch_abi *abi = arch_abi_at(i);

		memset(&l, 0xa5, sizeof(l));
		arch_cache_layout_for(abi, &l);
		ck_assert_uint_eq(l.n_abis, 1);
		ck_assert_uint_eq(l.abi[0].audit_arch, abi->audit_arch);
		ck_assert_uint_eq(l.abi[0].nr_count, abi->nr_count);
		if (strcmp(abi->name, "x32") == 0) {
			/* the kernel never caches x32 calls */
			ck_assert_uint_eq(l.abi[0].nr_count, 0);
			ck_assert_uint_eq(l.abi[0].n_forced, 0);
		}
#if defined(__x86_64__)
		if (strcmp(abi->name, "x86_64") == 0) {
			ck_assert_uint_eq(l.abi[0].n_forced, 2);
			ck_assert_ptr_eq(
			    l.abi[0].forced,
			    arch_cache_layout_host()->abi[0].forced);
		} else {
			ck_assert_uint_eq(l.abi[0].n_forced, 0);
		}
#endif
	}
}
END_TEST

/* An x32 layout caches nothing, even under an allow-all filter. */
START_TEST(test_cache_layout_for_x32)
{
	const struct sock_filter allow[] = { BPF_STMT(BPF_RET | BPF_K,
						      SECCOMP_RET_ALLOW) };
	const struct arch_abi *x32 = arch_abi_by_name("x32");
	struct bpf_cache_layout l;
	struct bpf_filter *f = NULL;
	uint32_t nr;

	arch_cache_layout_for(x32, &l);
	ck_assert_int_eq(bpf_filter_new(NULL, allow, 1, &l, 0, &f, NULL), 0);
	for (nr = 0; nr < 1024; nr++) {
		ck_assert(
		    !bpf_filter_cached(f, AUDIT_ARCH_X86_64,
				       (int32_t)(ARCH_X32_SYSCALL_BIT | nr)));
		ck_assert(
		    !bpf_filter_cached(f, AUDIT_ARCH_X86_64, (int32_t)nr));
	}
	bpf_filter_unref(f);
}
END_TEST

static Suite *
arch_suite(void)
{
	Suite *s = suite_create("arch");
	TCase *tc;

	tc = tcase_create("arch_abi_at");
	tcase_add_test(tc, test_abi_at);
	suite_add_tcase(s, tc);

	tc = tcase_create("arch_abi_by_name");
	tcase_add_loop_test(tc, test_abi_by_name, 0,
			    (int)ARRAY_SIZE(want_abis));
	tcase_add_test(tc, test_abi_by_name_unknown);
	suite_add_tcase(s, tc);

	tc = tcase_create("arch_abi_by_audit");
	tcase_add_test(tc, test_abi_by_audit);
	suite_add_tcase(s, tc);

	tc = tcase_create("arch_abi_host");
	tcase_add_test(tc, test_abi_host);
	suite_add_tcase(s, tc);

	tc = tcase_create("arch_syscall_name");
	tcase_add_loop_test(tc, test_syscall_name_round_trip, 0,
			    (int)ARRAY_SIZE(host_abis));
	tcase_add_loop_test(tc, test_syscall_name_none, 0,
			    (int)ARRAY_SIZE(host_abis));
	suite_add_tcase(s, tc);

	tc = tcase_create("arch_syscall_nr");
#if defined(__x86_64__)
	tcase_add_loop_test(tc, test_syscall_nr_x86_64, 0,
			    (int)ARRAY_SIZE(sysnr_x86_64));
	tcase_add_loop_test(tc, test_syscall_nr_i386, 0, (int)sysnr_i386_count);
	tcase_add_loop_test(tc, test_syscall_nr_x32, 0, (int)sysnr_x32_count);
#endif
	tcase_add_test(tc, test_syscall_nr_unknown);
	tcase_add_loop_test(tc, test_syscall_nr_range, 0,
			    (int)arch_abi_count());
	suite_add_tcase(s, tc);

	tc = tcase_create("arch_cache_layout_host");
	tcase_add_test(tc, test_cache_layout_host);
	suite_add_tcase(s, tc);

	tc = tcase_create("arch_cache_layout_for");
	tcase_add_test(tc, test_cache_layout_for);
	tcase_add_test(tc, test_cache_layout_for_x32);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(arch_suite());
	int failed;

#if defined(__SANITIZE_ADDRESS__)
	/*
	 * Under AddressSanitizer each forked test would end in a
	 * LeakSanitizer scan of its own, about 0.2 s apiece, which turns a
	 * run of seconds into minutes.  Run in one process instead and let
	 * LeakSanitizer check the whole run once, at exit.  An explicit
	 * CK_FORK still decides.
	 */
	if (!getenv("CK_FORK"))
		srunner_set_fork_status(sr, CK_NOFORK);
#endif
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
