/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/*
 * sysnr.h: syscall numbers from the build host's kernel headers, one table
 * per x86 ABI.  The headers define the same __NR_* names with different
 * values, so each table is built in a file of its own.
 */
#ifndef SANDBOXD_TESTS_SYSNR_H
#define SANDBOXD_TESTS_SYSNR_H

#include <stddef.h>

struct sysnr {
	const char *name;
	long nr;
};

/* clang-format off */
#define SYSNR(name) { #name, __NR_##name }
/* clang-format on */

/* Calls all three x86 ABIs have. */
#define SYSNR_COMMON                                                         \
	SYSNR(read), SYSNR(write), SYSNR(open), SYSNR(openat), SYSNR(close), \
	    SYSNR(getpid), SYSNR(getppid), SYSNR(gettid), SYSNR(clone),      \
	    SYSNR(clone3), SYSNR(fork), SYSNR(vfork), SYSNR(execve),         \
	    SYSNR(execveat), SYSNR(exit), SYSNR(exit_group), SYSNR(seccomp), \
	    SYSNR(ptrace), SYSNR(prctl), SYSNR(kill), SYSNR(tgkill),         \
	    SYSNR(tkill), SYSNR(socket), SYSNR(connect), SYSNR(sendmsg),     \
	    SYSNR(recvmsg), SYSNR(ioctl), SYSNR(mount), SYSNR(umount2),      \
	    SYSNR(pidfd_open), SYSNR(pidfd_getfd), SYSNR(pidfd_send_signal), \
	    SYSNR(process_vm_readv), SYSNR(process_vm_writev), SYSNR(mmap),  \
	    SYSNR(munmap), SYSNR(mprotect), SYSNR(brk), SYSNR(rt_sigaction), \
	    SYSNR(rt_sigreturn), SYSNR(rt_sigqueueinfo), SYSNR(futex),       \
	    SYSNR(nanosleep), SYSNR(wait4), SYSNR(waitid), SYSNR(getuid),    \
	    SYSNR(setuid), SYSNR(chroot), SYSNR(pivot_root), SYSNR(unshare), \
	    SYSNR(setns), SYSNR(bpf), SYSNR(memfd_create), SYSNR(rseq),      \
	    SYSNR(io_uring_setup), SYSNR(close_range), SYSNR(openat2),       \
	    SYSNR(faccessat2), SYSNR(landlock_create_ruleset),               \
	    SYSNR(restart_syscall), SYSNR(uname), SYSNR(dup3), SYSNR(pipe2), \
	    SYSNR(readv), SYSNR(writev)

extern const struct sysnr sysnr_i386[];
extern const size_t sysnr_i386_count;
extern const struct sysnr sysnr_x32[];
extern const size_t sysnr_x32_count;

#endif /* SANDBOXD_TESTS_SYSNR_H */
