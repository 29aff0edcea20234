/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/* The i386 numbers, from <asm/unistd_32.h>. */
#include "sysnr.h"

#if defined(__x86_64__)
#include <asm/unistd_32.h>

const struct sysnr sysnr_i386[] = {
	SYSNR_COMMON,
	/* i386 only: the multiplexers and the old 16-bit and 32-bit calls */
	SYSNR(socketcall),
	SYSNR(ipc),
	SYSNR(waitpid),
	SYSNR(mmap2),
	SYSNR(getuid32),
	SYSNR(stat64),
	SYSNR(_llseek),
	/* the direct socket and SysV IPC calls (Linux 4.3 and 5.1) */
	SYSNR(socketpair),
	SYSNR(accept4),
	SYSNR(recvmmsg),
	SYSNR(shutdown),
	SYSNR(semget),
	SYSNR(msgctl),
};
const size_t sysnr_i386_count = sizeof(sysnr_i386) / sizeof(sysnr_i386[0]);
#else
const struct sysnr sysnr_i386[1];
const size_t sysnr_i386_count = 0;
#endif
