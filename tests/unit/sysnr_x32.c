/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copyright (C) 2026 The sandboxd authors */
/* The x32 numbers, from <asm/unistd_x32.h>; they carry the x32 bit. */
#include "sysnr.h"

#if defined(__x86_64__)
#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif
#include <asm/unistd_x32.h>

const struct sysnr sysnr_x32[] = {
	SYSNR_COMMON,
	/* x32 only: the compat entry points at 512 and above */
	SYSNR(recvfrom),
	SYSNR(sigaltstack),
	SYSNR(timer_create),
	SYSNR(preadv2),
	SYSNR(pwritev2),
	SYSNR(arch_prctl),
};
const size_t sysnr_x32_count = sizeof(sysnr_x32) / sizeof(sysnr_x32[0]);
#else
const struct sysnr sysnr_x32[1];
const size_t sysnr_x32_count = 0;
#endif
