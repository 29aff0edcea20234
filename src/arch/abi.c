/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
#include "arch/arch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/audit.h>

#include <seccomp.h>

/*
 * Every ABI libseccomp 2.5.4 knows.  nr_count bounds the action cache: the
 * kernel sizes its bitmaps by NR_syscalls, and numbers past it just run the
 * filters, which gives the same verdict, so a round upper bound is exact.
 */
static const struct arch_abi abis[] = {
	{ "x86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, false, 64, 0, 0, 512 },
	{ "x86", SCMP_ARCH_X86, AUDIT_ARCH_I386, false, 32, 0, 0, 512 },
	{ "x32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64, false, 32, 0,
	  ARCH_X32_SYSCALL_BIT, 0 },
	{ "arm", SCMP_ARCH_ARM, AUDIT_ARCH_ARM, false, 32, 0, 0, 512 },
	{ "aarch64", SCMP_ARCH_AARCH64, AUDIT_ARCH_AARCH64, false, 64, 0, 0,
	  512 },
	{ "mips", SCMP_ARCH_MIPS, AUDIT_ARCH_MIPS, true, 32, 4000, 0, 4512 },
	{ "mipsel", SCMP_ARCH_MIPSEL, AUDIT_ARCH_MIPSEL, false, 32, 4000, 0,
	  4512 },
	{ "mips64", SCMP_ARCH_MIPS64, AUDIT_ARCH_MIPS64, true, 64, 5000, 0,
	  5512 },
	{ "mipsel64", SCMP_ARCH_MIPSEL64, AUDIT_ARCH_MIPSEL64, false, 64, 5000,
	  0, 5512 },
	{ "mips64n32", SCMP_ARCH_MIPS64N32, AUDIT_ARCH_MIPS64N32, true, 32,
	  6000, 0, 6512 },
	{ "mipsel64n32", SCMP_ARCH_MIPSEL64N32, AUDIT_ARCH_MIPSEL64N32, false,
	  32, 6000, 0, 6512 },
	{ "parisc", SCMP_ARCH_PARISC, AUDIT_ARCH_PARISC, true, 32, 0, 0, 512 },
	{ "parisc64", SCMP_ARCH_PARISC64, AUDIT_ARCH_PARISC64, true, 64, 0, 0,
	  512 },
	{ "ppc", SCMP_ARCH_PPC, AUDIT_ARCH_PPC, true, 32, 0, 0, 512 },
	{ "ppc64", SCMP_ARCH_PPC64, AUDIT_ARCH_PPC64, true, 64, 0, 0, 512 },
	{ "ppc64le", SCMP_ARCH_PPC64LE, AUDIT_ARCH_PPC64LE, false, 64, 0, 0,
	  512 },
	{ "s390", SCMP_ARCH_S390, AUDIT_ARCH_S390, true, 32, 0, 0, 512 },
	{ "s390x", SCMP_ARCH_S390X, AUDIT_ARCH_S390X, true, 64, 0, 0, 512 },
	{ "riscv64", SCMP_ARCH_RISCV64, AUDIT_ARCH_RISCV64, false, 64, 0, 0,
	  512 },
};

size_t
arch_abi_count(void)
{
	return sizeof(abis) / sizeof(abis[0]);
}

const struct arch_abi *
arch_abi_at(size_t i)
{
	return i < arch_abi_count() ? &abis[i] : NULL;
}

const struct arch_abi *
arch_abi_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < arch_abi_count(); i++)
		if (strcmp(abis[i].name, name) == 0)
			return &abis[i];
	return NULL;
}

const struct arch_abi *
arch_abi_by_audit(uint32_t audit_arch, int32_t nr)
{
	size_t i;

	for (i = 0; i < arch_abi_count(); i++) {
		if (abis[i].audit_arch != audit_arch)
			continue;
		/* nr -1 (a skipped call) is no x32 call, as strace reads it */
		if (audit_arch == AUDIT_ARCH_X86_64 &&
		    (nr >= 0 && (nr & ARCH_X32_SYSCALL_BIT)) !=
			(abis[i].nr_flag != 0))
			continue;
		return &abis[i];
	}
	return NULL;
}

const struct arch_abi *
arch_abi_host(void)
{
#if defined(__x86_64__)
	return &abis[0];
#elif defined(__aarch64__)
	return arch_abi_by_name("aarch64");
#else
#error "unsupported host architecture"
#endif
}

char *
arch_syscall_name(const struct arch_abi *abi, int32_t nr)
{
	/* libseccomp names its negative pseudo numbers; no call has them */
	if (nr < 0)
		return NULL;
	return seccomp_syscall_resolve_num_arch(abi->scmp_token, nr);
}

/* How far past nr_base to look for a call libseccomp only multiplexes. */
#define ARCH_NR_SEARCH 1024

int32_t
arch_syscall_nr(const struct arch_abi *abi, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(abi->scmp_token, name);
	uint32_t i;

	if (nr >= 0)
		return nr;
	if (nr == __NR_SCMP_ERROR)
		return -ENOENT;
	/*
	 * A negative pseudo number: libseccomp 2.5.4 answers the socket and
	 * IPC calls with socketcall()/ipc() stand-ins even where the ABI has
	 * the direct call too (i386 since Linux 4.3).  The number-to-name
	 * table knows the direct numbers, so look there.
	 */
	for (i = 0; i < ARCH_NR_SEARCH; i++) {
		int32_t cand = (int32_t)((abi->nr_base + i) | abi->nr_flag);
		char *s =
		    seccomp_syscall_resolve_num_arch(abi->scmp_token, cand);
		bool same = s && strcmp(s, name) == 0;

		free(s);
		if (same)
			return cand;
	}
	return -ENOENT;
}

#if defined(__x86_64__)
/* kernel/seccomp.c: seccomp_uprobe_exception(): uretprobe and uprobe */
static const uint32_t host_forced[] = { 335, 336 };

static const struct bpf_cache_layout host_layout = {
	.n_abis = 2,
	.abi = {
		{ AUDIT_ARCH_X86_64, 512, host_forced, 2 },
		{ AUDIT_ARCH_I386, 512, NULL, 0 },
	},
};
#elif defined(__aarch64__)
static const struct bpf_cache_layout host_layout = {
	.n_abis = 2,
	.abi = {
		{ AUDIT_ARCH_AARCH64, 512, NULL, 0 },
		{ AUDIT_ARCH_ARM, 512, NULL, 0 },
	},
};
#endif

const struct bpf_cache_layout *
arch_cache_layout_host(void)
{
	return &host_layout;
}

void
arch_cache_layout_for(const struct arch_abi *abi, struct bpf_cache_layout *ret)
{
	size_t i;

	memset(ret, 0, sizeof(*ret));
	ret->n_abis = 1;
	ret->abi[0].audit_arch = abi->audit_arch;
	ret->abi[0].nr_count = abi->nr_count;
	for (i = 0; i < host_layout.n_abis; i++)
		if (host_layout.abi[i].audit_arch == abi->audit_arch &&
		    abi->nr_flag == 0) {
			ret->abi[0].forced = host_layout.abi[i].forced;
			ret->abi[0].n_forced = host_layout.abi[i].n_forced;
		}
}

bool
arch_strict_allows(const struct arch_abi *abi, int32_t nr)
{
	/*
	 * Resolved once per ABI: a strict-mode supervisor asks at every
	 * stop.  Compat tasks return from signals through the old
	 * sigreturn.
	 */
	enum {
		N = sizeof(abis) / sizeof(abis[0])
	};
	static int32_t nrs[N][4];
	static bool known[N];
	size_t a, i;

	if (abi->nr_flag != 0 || abi < abis || abi >= abis + N)
		return false;
	a = (size_t)(abi - abis);
	if (!known[a]) {
		nrs[a][0] = arch_syscall_nr(abi, "read");
		nrs[a][1] = arch_syscall_nr(abi, "write");
		nrs[a][2] = arch_syscall_nr(abi, "exit");
		nrs[a][3] = arch_syscall_nr(
		    abi, abi->bits == 32 ? "sigreturn" : "rt_sigreturn");
		known[a] = true;
	}
	for (i = 0; i < 4; i++)
		if (nr >= 0 && nr == nrs[a][i])
			return true;
	return false;
}

int32_t
arch_harmless_nr(const struct arch_abi *abi)
{
	int32_t nr = arch_syscall_nr(abi, "getpid");

	return nr < 0 ? -1 : nr;
}
