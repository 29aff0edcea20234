/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * arch: the ABI table.  One entry per ABI libseccomp 2.5.4 knows, with the
 * values seccomp presents to a filter for calls made through it.  Syscall
 * names come from libseccomp.  The host's register access comes with the
 * supervisor; this part is data and lookups only.
 */
#ifndef SANDBOXD_ARCH_H
#define SANDBOXD_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/bpf.h"

/* include/uapi/asm/unistd.h: x32 numbers carry this bit in seccomp_data.nr */
#define ARCH_X32_SYSCALL_BIT 0x40000000U

/**
 * struct arch_abi - one calling convention.
 * @name: libseccomp's spelling ("x86_64", "x86", "mipsel64n32", ...).
 * @scmp_token: libseccomp's SCMP_ARCH_* token.
 * @audit_arch: seccomp_data.arch for calls through this ABI.
 * @big_endian: the ABI's byte order, which a filter sees in its loads.
 * @bits: 32 or 64.
 * @nr_base: the first syscall number (the MIPS ABIs start at 4000, 5000
 *           and 6000).
 * @nr_flag: a bit every number carries (ARCH_X32_SYSCALL_BIT for x32).
 * @nr_count: numbers below this are candidates for the action cache.
 */
struct arch_abi {
	const char *name;
	uint32_t scmp_token;
	uint32_t audit_arch;
	bool big_endian;
	unsigned int bits;
	uint32_t nr_base;
	uint32_t nr_flag;
	uint32_t nr_count;
};

/** arch_abi_count() - number of entries in the table. */
size_t arch_abi_count(void);

/** arch_abi_at() - entry @i, or NULL when @i is out of range. */
const struct arch_abi *arch_abi_at(size_t i);

/** arch_abi_by_name() - the entry libseccomp calls @name, or NULL. */
const struct arch_abi *arch_abi_by_name(const char *name);

/**
 * arch_abi_by_audit() - the entry for a seccomp_data.arch value, or NULL.
 * x32 shares AUDIT_ARCH_X86_64 with x86_64; @nr tells them apart, so pass
 * the call's number (or 0).
 */
const struct arch_abi *arch_abi_by_audit(uint32_t audit_arch, int32_t nr);

/** arch_abi_host() - the host's native ABI. */
const struct arch_abi *arch_abi_host(void);

/**
 * arch_syscall_name() - the name of syscall @nr in @abi, from libseccomp.
 * Returns a string the caller frees with free(), or NULL if the number
 * has no name (or memory ran out).
 */
char *arch_syscall_name(const struct arch_abi *abi, int32_t nr);

/**
 * arch_syscall_nr() - the number of syscall @name in @abi, from libseccomp.
 * Returns the number (with @abi's nr_flag), or -ENOENT.
 */
int32_t arch_syscall_nr(const struct arch_abi *abi, const char *name);

/**
 * arch_cache_layout_host() - the action-cache layout of the host kernel:
 * its native and compat ABIs, with the numbers it never filters.
 * Static; never freed.
 */
const struct bpf_cache_layout *arch_cache_layout_host(void);

/**
 * arch_cache_layout_for() - a one-ABI layout for @abi, as the kernel
 * would cache it if @abi were native.  x32 gets an empty range: the
 * kernel never caches x32 calls.
 */
void arch_cache_layout_for(const struct arch_abi *abi,
			   struct bpf_cache_layout *ret);

#endif /* SANDBOXD_ARCH_H */
